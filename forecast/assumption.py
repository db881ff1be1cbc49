"""Named assumptions as records: a key, the variant of its text, and the numbers and codes in it.

Every figure that no source gives, and every choice a planner may disagree with, is a *named
assumption* of a run (``ChainResult.assumptions``: key -> :class:`Assumption`). A stage does
not write a sentence: it returns a record whose fields hold the run's own values (numbers
unrounded, years as integers, codes as the program spells them), and the sentence is
rendered from the report's message catalogue (``reports/templates/messages.toml``,
``[en.assumption_texts]`` and ``[nl.assumption_texts]``, one text per key and variant with
``{field:format}`` places). An :class:`Assumption` *is* its English sentence (a ``str``), so
``provenance.json``, the command line and code that reads the text keep working;
:func:`zorgcap.reports.assumptions.assumption_text` renders the Dutch one from the same
fields, with numbers in Dutch notation, without reading the English back.

The other sentences a run writes for a reader - the note of the top-down check, the label of
the bands, the source of the regional intensity, the built-in scenarios' descriptions, the
waiting list's method - are records of the same kind, :class:`RunText` (``[<lang>.run_texts]``).

A list field is rendered item by item: items that are dicts with the item text of
``[<lang>.assumption_items].<field>``, joined by ``<field>_sep`` (default ``", "``).
"""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

__all__ = ["Assumption", "RunText", "catalogue", "render", "with_texts"]


@lru_cache(maxsize=None)
def catalogue() -> dict:
    """The report's message catalogue (``{"nl": ..., "en": ...}``), read from the file of
    :mod:`zorgcap.reports` without importing it (the model sits below the report)."""
    folder = Path(find_spec("zorgcap.reports").submodule_search_locations[0])
    return tomllib.loads((folder / "templates" / "messages.toml").read_text(encoding="utf-8"))


def template(texts: dict, key: str, variant: str = "") -> str | None:
    """The text of ``key`` and ``variant`` in a language's ``assumption_texts`` (a key with
    one text has the variant ``""``), or None."""
    entry = texts.get(key)
    if isinstance(entry, str):
        return entry if variant == "" else None
    return None if entry is None else entry.get(variant)


class _Formatter(string.Formatter):
    """``str.format`` whose list fields are rendered item by item (module docstring)."""

    def __init__(self, items: dict, field_value=None):
        self.items = items
        self.field_value = field_value  # (name, value, spec) -> text; None: Python's format

    def get_field(self, field_name, args, kwargs):
        value, key = super().get_field(field_name, args, kwargs)
        return (field_name, value), key

    def format_field(self, named, spec):
        name, value = named
        if isinstance(value, (list, tuple)):
            item = self.items.get(name)
            parts = [self.format(item, **v) if item and isinstance(v, dict)
                     else self.format_field((name, v), spec) for v in value]
            return self.items.get(f"{name}_sep", ", ").join(parts)
        if self.field_value is not None:
            return self.field_value(name, value, spec)
        return format(value, spec)


def render(text: str, fields: dict, items: dict | None = None, field_value=None) -> str:
    """``text`` with its ``{field:format}`` places filled from ``fields``; ``items``: the
    item texts of list fields (``[<lang>.assumption_items]``); ``field_value(name, value,
    spec)``: how one value is written (default: Python's ``format``, the English)."""
    return _Formatter(items or {}, field_value).format(text, **fields)


class Assumption(str):
    """A named assumption: its English sentence, with the record it is rendered from.

    Parameters
    ----------
    key : str
        Name of the assumption (``occupancy_rate``), as in ``provenance.json``.
    variant : str
        Which text of the key (``""`` where it has one; e.g. ``planner`` for an occupancy
        set by the planner).
    unit : str
        Unit of the assumed value where it has one (``[fraction]``, ``[fte per place]``).
    source : str
        Where the value comes from (a publication, a CBS table, ``judgement``, ``option``).
    scope : str
        Where it holds: ``national`` (every region alike) or ``regional``.
    **fields
        The numbers and codes the text holds [units as the catalogue's text says].

    The English sentence is ``[en.<table>]`` (:attr:`table`: ``assumption_texts``) of ``key``
    and ``variant`` rendered with
    ``fields``; a key or variant the catalogue lacks raises ``KeyError`` when the record is
    made (a stage cannot state an assumption the report cannot show).

    Examples
    --------
    >>> a = Assumption("occupancy_rate", "planner", unit="[fraction]", occupancy=0.95)
    >>> str(a)
    '0.95 of places occupied (set by the planner)'
    >>> a.fields["occupancy"], a.variant
    (0.95, 'planner')
    """

    #: The catalogue table of the texts.
    table = "assumption_texts"
    key: str
    variant: str
    fields: dict
    unit: str
    source: str
    scope: str

    def __new__(cls, key: str, variant: str = "", *, unit: str = "", source: str = "",
                scope: str = "national", **fields):
        en = catalogue()["en"]
        text = template(en.get(cls.table, {}), key, variant)
        if text is None:
            raise KeyError(f"the text {key!r} (variant {variant!r}) has no English text in "
                           f"[en.{cls.table}] of reports/templates/messages.toml")
        self = super().__new__(cls, render(text, fields, en.get("assumption_items", {})))
        for name, value in (("key", key), ("variant", variant), ("fields", dict(fields)),
                            ("unit", unit), ("source", source), ("scope", scope)):
            object.__setattr__(self, name, value)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("an Assumption is read-only")

    def __reduce__(self):  # pickles as its record (the stage cache, worker processes)
        return (_rebuild, (type(self), self.key, self.variant, self.unit, self.source,
                           self.scope, self.fields))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.variant!r}, {self.fields!r})"


class RunText(Assumption):
    """Another sentence of a run for a reader (``[<lang>.run_texts]``), a record as
    :class:`Assumption` is.

    >>> str(RunText("band_trend", c80=0.66, c95=0.89, n=175)).split("; ")[1]
    'in the backtest the 80% interval covered 66% and the 95% interval 89% of 175 held-out years'
    """

    table = "run_texts"


def with_texts(frame, *texts: RunText):
    """``frame`` with the records of the texts in its columns in ``frame.attrs["texts"]``
    (text -> record): a pandas column keeps the text as a plain ``str``, the report finds its
    record there (:func:`zorgcap.reports.assumptions.run_text`)."""
    frame.attrs["texts"] = {**frame.attrs.get("texts", {}), **{str(x): x for x in texts}}
    return frame


def _rebuild(cls, key, variant, unit, source, scope, fields):
    return cls(key, variant, unit=unit, source=source, scope=scope, **fields)
