"""Errors that speak the planner's language.

Every problem with an input file is raised as :class:`InputError`: it names the file, the
row (1-based, as a spreadsheet shows it, counting the header as row 1) and/or the column or
code, says what is wrong and what to change. It subclasses :class:`ValueError` so generic
callers can still catch it.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from pathlib import Path

__all__ = ["DataMissingError", "InputError", "InputWarning", "expected", "check_whole",
           "check_number", "check_level", "display_path", "portable_path"]


def expected(name: str, value, what: str) -> ValueError:
    """An argument refused in the geopandas manner: "`name` was X but is expected to be …"."""
    return ValueError(f"`{name}` was {value!r} but is expected to be {what}")


def check_whole(name: str, value, lo=None, hi=None) -> int:
    """``value`` as int if it is a whole number (no bool, float or str) in ``lo``-``hi``."""
    span = f" in {lo}-{hi}" if hi is not None else f" >= {lo}" if lo is not None else ""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise expected(name, value, "a whole number" + span)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise expected(name, value, span.strip())
    return int(value)


def check_number(name: str, value, lo, hi, lo_open: bool = False) -> float:
    """``value`` as float if it is a finite number in ``[lo, hi]`` (``(lo, hi]``)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) \
            or value > hi or value < lo or (lo_open and value == lo):
        raise expected(name, value, f"a number in {'(' if lo_open else '['}{lo}, {hi}]")
    return float(value)


def check_level(value, name: str = "level") -> float:
    """An interval level [%] as float: a finite number strictly between 0 and 100 (a level of
    150 or NaN gave NaN bounds or a pandas error deep inside)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) \
            or not 0 < value < 100:
        raise expected(name, value, "an interval level in % strictly between 0 and 100, "
                                    "e.g. 95")
    return float(value)


class InputError(ValueError):
    """A problem with an input table, with where it is and how to fix it.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence.
    file : str or Path, optional
        The file (or table name) the problem is in.
    row : int, optional
        The row in the file as a spreadsheet numbers it (header = row 1).
    column : str, optional
        The column concerned.
    fix : str, optional
        What the user should change.
    """

    def __init__(self, problem: str, *, file=None, row=None, column=None, fix=None):
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.file:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = (", ".join(where) + ": " if where else "") + self.problem
        if self.fix:
            text += f"\n  Fix: {self.fix}"
        return text


class InputWarning(UserWarning):
    """A recoverable problem with an input, said with its fix (in the manner of geopandas'
    CRS-mismatch warning): the run goes on, the warning says what was assumed."""


def warn_input(problem: str, *, file=None, column=None, fix=None) -> None:
    """Issue an :class:`InputWarning` worded like an :class:`InputError`."""
    import warnings

    text = InputError(problem, file=file, column=column, fix=fix).args[0]
    warnings.warn(text, InputWarning, stacklevel=3)


class DataMissingError(InputError, FileNotFoundError):
    """An input table is not in any data directory."""


def spreadsheet_row(index_position: int) -> int:
    """Row number as a spreadsheet shows it for the 0-based data row ``index_position``."""
    return int(index_position) + 2


def portable_path(path) -> str | None:
    """``path`` as an output (provenance, report, workbook, a ``*_source`` column) names it:
    as given if relative, else relative to the working directory when inside it, else only
    the file name; never an absolute path of this machine (the SHA-256 beside it identifies
    the file)."""
    if path is None:
        return None
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.name


def display_path(path) -> str:
    """Short path for messages: relative to the working directory where possible (a message
    may name an absolute path, so that the user finds the file; outputs use
    :func:`portable_path`)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
