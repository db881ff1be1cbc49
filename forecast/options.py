"""Every run option declared once: one :class:`Option` per :class:`ChainConfig` field.

An option's type, choices, range, unit, default and help text live in the metadata of its
``ChainConfig`` field (:func:`option`). Everything else is derived from there:

- the validation of :meth:`ChainConfig.validate <zorgcap.forecast.modelchain.ChainConfig.validate>`
  (choices, ranges, files that must exist; the few options with a rule of their own -
  scenario, reference, regions, level - keep it there);
- the command line of ``zorgcap forecast``, ``gap``, ``report`` and ``monitor``
  (:func:`add_arguments`: ``--fte-per-place`` from ``fte_per_place``, the default in the
  help text) and the reverse, arguments to a config (:func:`config_kwargs`);
- ``ChainConfig.to_dict`` and so the provenance;
- the ``Attributes`` section of ``ChainConfig``'s docstring (:func:`attributes_doc`) and the
  documentation's CLI page, which walks the parser.

The pattern is the one of :mod:`dataclasses` field metadata (as attrs and pydantic use it):
the declaration is data, the parser and the checks read it.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .errors import check_number, check_whole, expected

__all__ = ["Option", "option", "spec", "add_arguments", "config_kwargs", "attributes_doc",
           "help_text",
           "validate_declared", "planner_options", "planner_files", "flag_name"]

_KINDS = ("str", "int", "float", "path", "dir", "flag", "codes", "levels")


@dataclass(frozen=True)
class Option:
    """How one run option is declared.

    Attributes
    ----------
    help : str
        One or two sentences a planner reads in ``--help`` and the documentation.
    kind : {"str", "int", "float", "path", "flag", "codes", "levels"}
        ``path``: a file that must exist; ``dir``: a folder that must exist; ``flag``: on/off
        (``--accept-unusual``);
        ``codes``: comma-separated zorgkantoorregio codes; ``levels``: comma-separated
        interval levels [%].
    unit : str, optional
        Unit in square-bracket style, e.g. ``fte per place``, ``fraction``, ``year``.
    choices : tuple, optional
        The allowed values (``None`` among them: the command line writes it ``none_word``).
    lo, hi : float, optional
        Allowed range (numbers: closed interval; ``lo_open`` opens the lower end).
    stage : {"demand", "planner", "run"}
        ``planner``: only the gap stage reads it, so changing it reuses the population and
        demand of an earlier run (:meth:`ChainResult.with_plans`); ``demand``: the
        population and demand depend on it; ``run``: neither (where and how it runs).
    file : str, optional
        For a planner file: what the file holds (the provenance lists it).
    without : str, optional
        For a planner file: what stands in when none is given (the provenance's
        ``default``).
    metavar : str, optional
        Placeholder in ``--help`` (``YEAR``, ``FILE``).
    none_word : str
        How ``None`` is written on the command line where it is a choice.
    cli : bool
        Whether the option is on the command line (``data`` is a global option of its own).
    """

    help: str
    kind: str = "str"
    unit: str | None = None
    choices: tuple | None = None
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    stage: str = "demand"
    file: str | None = None
    without: str | None = None
    metavar: str | None = None
    none_word: str = "none"
    cli: bool = True

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise expected("kind", self.kind, f"one of {list(_KINDS)}")


def option(default, help: str, **declared) -> dataclasses.Field:  # noqa: A002 - argparse's word
    """A dataclass field with its :class:`Option` in ``metadata["option"]``."""
    return dataclasses.field(default=default, metadata={"option": Option(help, **declared)})


def spec(field: dataclasses.Field) -> Option:
    """The :class:`Option` of a ChainConfig field."""
    return field.metadata["option"]


def _declared(cls) -> list[tuple[dataclasses.Field, Option]]:
    return [(f, spec(f)) for f in dataclasses.fields(cls) if "option" in f.metadata]


def flag_name(name: str) -> str:
    """The command-line spelling of a field: ``fte_per_place`` -> ``--fte-per-place``."""
    return "--" + name.replace("_", "-")


def planner_options(cls) -> tuple[str, ...]:
    """The fields only the gap stage reads (``stage="planner"``)."""
    return tuple(f.name for f, o in _declared(cls) if o.stage == "planner")


def planner_files(cls) -> dict[str, Option]:
    """``field -> Option`` of every option that names a planner's file (``file=``: what it
    holds; ``without=``: what stands in when none is given)."""
    return {f.name: o for f, o in _declared(cls) if o.file}


def _shown(value, o: Option) -> str:
    """A default as a user types it on the command line."""
    if value is None:
        return o.none_word
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def help_text(cls, name: str) -> str:
    """The ``--help`` text of field ``name`` of ``cls`` (with unit and default), as
    :func:`add_arguments` writes it."""
    f = cls.__dataclass_fields__[name]
    return _help(f, spec(f))


def _help(f: dataclasses.Field, o: Option) -> str:
    unit = f" [{o.unit}]" if o.unit else ""
    text = f"{o.help}{unit} (default: {_shown(f.default, o)})"
    return text.replace("%", "%%")  # argparse expands %(...)s in help texts


def add_arguments(parser: argparse.ArgumentParser, cls) -> None:
    """One ``--option`` per declared field of ``cls`` (type, choices, metavar and the
    default in the help text from the declaration)."""
    for f, o in _declared(cls):
        if not o.cli:
            continue
        kw: dict = {"dest": f.name, "help": _help(f, o)}
        if o.kind == "flag":
            parser.add_argument(flag_name(f.name), action="store_true", **kw)
            continue
        kw["default"] = f.default
        if o.kind in ("int", "float"):
            kw["type"] = int if o.kind == "int" else float
        if o.choices:
            kw["choices"] = list(o.choices)
            if None in o.choices:  # typed as none_word, checked after the conversion
                kw["type"] = lambda s, w=o.none_word: None if s == w else s
                kw["metavar"] = "{" + ",".join(_shown(c, o) for c in o.choices) + "}"
        if o.metavar:
            kw["metavar"] = o.metavar
        elif o.kind == "path":
            kw["metavar"] = "FILE"
        parser.add_argument(flag_name(f.name), **kw)


def _levels(text) -> tuple:
    if not isinstance(text, str):
        return text
    try:
        level = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"`level` was {text!r} but is expected to be whole numbers between 0 "
                         "and 100 separated by commas, e.g. 80,95") from None
    return tuple(int(v) if v == int(v) else v for v in level)


def _codes(text):
    if not isinstance(text, str):
        return text
    return tuple(c.strip() for c in text.split(",") if c.strip())


def config_kwargs(args: argparse.Namespace, cls) -> dict:
    """The keyword arguments of ``cls`` from parsed arguments (comma lists split; every
    other check is the config's own)."""
    out = {}
    for f, o in _declared(cls):
        if not hasattr(args, f.name):
            continue
        value = getattr(args, f.name)
        if o.kind == "levels":
            value = _levels(value)
        elif o.kind == "codes":
            value = _codes(value)
        out[f.name] = value
    return out


def validate_declared(config) -> dict:
    """Check every declared choice, range and file of ``config``; return the values that
    were normalised (a whole float ``2030.0`` -> ``2030``). Raises :class:`ValueError`
    naming the option (``"`occupancy` was 2 but is expected to be ..."``)."""
    out = {}
    for f, o in _declared(type(config)):
        value = getattr(config, f.name)
        if o.kind == "path":
            if value is not None:
                _check_file(f.name, value)
        elif o.kind == "dir":
            if value is not None and (not isinstance(value, (str, Path))
                                      or not Path(value).is_dir()):
                raise ValueError(f"`{f.name}` was {str(value)!r} but no such directory "
                                 "exists; give the folder that holds the CBS tables")
        elif o.kind == "flag":
            if not isinstance(value, bool) and type(value).__name__ != "bool_":
                raise expected(f.name, value, "True or False")
            out[f.name] = bool(value)
        elif o.choices is not None:
            if value not in o.choices:
                raise expected(f.name, value, f"one of {list(o.choices)}")
        elif o.kind == "int" and not (value is None and f.default is None):
            out[f.name] = check_whole(f.name, value, o.lo, o.hi)
        elif o.kind == "float" and not (value is None and f.default is None):
            out[f.name] = check_number(f.name, value, o.lo, o.hi, lo_open=o.lo_open)
        elif o.kind == "str" and not isinstance(value, str):
            raise expected(f.name, value, "a name (str)")
    return out


def _check_file(name: str, value) -> None:
    if not isinstance(value, (str, Path)) or str(value) == "":
        raise expected(name, value, "the path of a file")
    if Path(value).is_dir():
        raise ValueError(f"`{name}` was {str(value)!r}, a folder: give the path of a file in it")
    if not Path(value).is_file():
        raise ValueError(f"`{name}` was {str(value)!r} but no such file exists")


def _number(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


def attributes_doc(cls) -> str:
    """The numpydoc ``Attributes`` section of ``cls`` from its declarations."""
    types = {"str": "str", "int": "int", "float": "float", "path": "path, optional",
             "dir": "path, optional",
             "flag": "bool", "codes": "tuple of str, optional", "levels": "tuple of int"}
    lines = ["Attributes", "----------"]
    for f, o in _declared(cls):
        kind = (("{" + ", ".join(repr(c) for c in o.choices) + "}") if o.choices
                else types[o.kind])
        if o.kind in ("int", "float") and f.default is None:
            kind = f"{o.kind}, optional"
        unit = f" [{o.unit}]" if o.unit else ""
        span = (f" Range {_number(o.lo)} to {_number(o.hi)}." if o.lo is not None
                and o.hi is not None and o.kind in ("int", "float") else "")
        text = o.help[0].upper() + o.help[1:]
        lines += [f"{f.name} : {kind}",
                  f"    {text}{unit}.{span} Default ``{_shown(f.default, o)}``; command "
                  f"line ``{flag_name(f.name)}``" + ("." if o.cli else " (global option).")]
    return "\n".join(lines)
