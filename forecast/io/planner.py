"""Planner files as written by spreadsheets: separator and number notation, never guessed.

A planner's CSV (capacity, build plans, plan status, calibration, rates) comes from Excel,
LibreOffice or a script, in one of two conventions::

    ``international``  ``,`` separates fields, ``.`` is the decimal point (``0.6``, ``3400``);
    ``Dutch``          ``;`` separates fields (Excel's "CSV (puntkomma)" on a Dutch system),
                       ``,`` is the decimal comma and ``.`` groups thousands (``0,6``, ``3.400``).

The separator is read from the header line (the one with more ``;`` than ``,`` is Dutch).
Numbers are then read by that convention and every value that could mean two things is
refused with the value and the fix:

* in a ``,`` file a count written with ``.``-thousands (``2.361``, ``1.000``) would read as
  2.361 places: refused (write ``2361``);
* in a ``,`` file a decimal comma (a quoted ``"0,6"``): refused (write ``0.6``);
* in a ``;`` file a ``.`` that is not a thousands group (``0.6``, ``12.5``): refused (write
  ``0,6``);
* ``inf``, ``nan``, spaces inside a number, currency signs and the like: not a number.

Empty cells become NaN here; whether a column may be empty is the schema's business
(:mod:`zorgcap.forecast.validation`).

Encoding: UTF-8 (with or without a byte-order mark); a file that is not UTF-8 but has no
NUL bytes is read as Windows-1252 (Dutch Excel's plain "CSV (lijstscheidingsteken)"). UTF-16
and Excel workbooks saved under a .csv name are refused with the way to save them as CSV.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, display_path, spreadsheet_row, warn_input
from .cbs import require_columns

__all__ = ["detect_separator", "parse_numbers", "read_planner_csv", "COUNT", "FRACTION"]

COUNT = "count"        # places, clients, years: whole-looking numbers where thousands occur
FRACTION = "fraction"  # probabilities, rates, delays: small numbers with decimals

_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_DUTCH = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_DUTCH_TEXT = "';' separator, decimal comma, '.' thousands (Dutch Excel)"


def detect_separator(header: str) -> str:
    """``;`` if the header line holds more ``;`` than ``,`` (a Dutch CSV), else ``,``."""
    return ";" if header.count(";") > header.count(",") else ","


def _header(path) -> str:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line in fh:
            if line.strip():
                return line
    return ""


def parse_numbers(values: pd.Series, *, column: str, kind: str, sep: str, file) -> pd.Series:
    """Read the strings ``values`` as floats by the file's convention (see module notes).

    Parameters
    ----------
    values : pandas.Series of str
        Stripped cells; ``""`` is empty (NaN).
    column : str
        Column name for messages.
    kind : {"count", "fraction"}
        ``count``: places, clients or years, where a ``.``-thousands value is ambiguous in a
        ``,`` file; ``fraction``: probabilities, rates, delays.
    sep : {",", ";"}
        The file's separator (``;`` = Dutch notation).
    file : str
        File for messages.

    Raises
    ------
    InputError
        For the first value that is not a number in the file's notation or is ambiguous.
    """
    out = np.full(len(values), np.nan)
    for i, raw in enumerate(values.astype(str)):
        text = raw.strip()
        if text == "":
            continue
        problem = fix = None
        if sep == ";":
            if _DUTCH.match(text):
                out[i] = float(text.replace(".", "").replace(",", "."))
                continue
            if "." in text and _PLAIN.match(text):
                problem = (f"{text!r} has a '.' that is not a thousands separator, but the "
                           f"file is ';'-separated, where ',' is the decimal comma and '.' "
                           f"groups thousands")
                fix = (f"write {text.replace('.', ',')!r} (decimal comma), or save the file "
                       "','-separated with '.' decimals.")
        else:
            if "," in text:
                problem = (f"{text!r} has a decimal comma, but the file is ','-separated, "
                           "where '.' is the decimal point")
                fix = (f"write {text.replace('.', '').replace(',', '.')!r}, or save the whole "
                       "file as ';'-separated CSV (Dutch Excel: 'CSV (puntkomma)').")
            elif kind == COUNT and _THOUSANDS.match(text):
                plain = _PLAIN.match(text) is not None  # 2.361 is also a decimal, 1.000.000 not
                problem = (f"{text!r} is ambiguous: in a ','-separated file '.' is the decimal "
                           "point" + (f", so it reads as {float(text):g}" if plain else "")
                           + f", but it looks like Dutch thousands ({text.replace('.', '')})")
                fix = (f"write {text.replace('.', '')!r} without a thousands separator"
                       + (f" (or {float(text)!r} if you mean a fraction)" if plain else "")
                       + ", or save the file as ';'-separated CSV with Dutch notation.")
            elif _PLAIN.match(text):
                out[i] = float(text)
                continue
        if problem is None:
            notation = _DUTCH_TEXT if sep == ";" else "',' separator, '.' decimal point"
            problem = f"{text!r} is not a number (file notation: {notation})"
            fix = "enter a plain number such as " + ("3400 or 0,6" if sep == ";" else
                                                     "3400 or 0.6") + " (no units, no spaces)."
        raise InputError(problem, file=file, row=spreadsheet_row(i), column=column, fix=fix)
    return pd.Series(out, index=values.index, name=column)


def read_planner_csv(path, what: str, columns, *, numbers: dict | None = None,
                     template: str | None = None, allow_empty: bool = False,
                     optional=None) -> pd.DataFrame:
    """A planner's CSV as a frame: strings stripped, ``numbers`` columns read as floats.

    Parameters
    ----------
    path : str or Path
        The file.
    what : str
        What the file is (``"capacity"``), for messages.
    columns : list of str
        Required columns.
    numbers : dict, optional
        ``column -> kind`` (:data:`COUNT` or :data:`FRACTION`) of the numeric columns
        present; read by the file's notation (module notes). Empty cells become NaN.
    template : str, optional
        Template in ``data_raw/templates`` named in the fix.
    allow_empty : bool, default False
        Whether a file with a header and no data rows is valid (a plans file listing no
        plans is; a capacity file without rows is not).
    optional : list of str, optional
        Optional columns zorgcap reads. If given, any other column gets an
        :class:`~zorgcap.forecast.errors.InputWarning` naming the closest known column (a misspelt
        optional column, ``vpt_capaciteit``, would otherwise be ignored without a word).

    Raises
    ------
    InputError
        Unreadable file, missing columns (naming the separator if that is the cause), a
        header-only file where rows are required, a number in the wrong notation.
    """
    where = display_path(path)
    hint = (f"use the template data_raw/templates/{template}" if template
            else f"give a UTF-8 CSV with columns {', '.join(columns)}")
    try:
        header = _header(path)
        sep = detect_separator(header)
        try:
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                                encoding="utf-8-sig", skip_blank_lines=True)
        except UnicodeDecodeError:
            raw = Path(path).read_bytes()
            if raw[:2] == b"PK" or b"\x00" in raw:  # a workbook, or UTF-16
                raise
            # Dutch Excel's plain "CSV (lijstscheidingsteken)" is Windows-1252
            frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                                encoding="cp1252", skip_blank_lines=True)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError, csv.Error) as exc:
        if isinstance(exc, UnicodeDecodeError):  # UTF-16, Windows-1252 or an Excel workbook
            xlsx = Path(path).read_bytes()[:2] == b"PK"
            raise InputError(
                f"cannot be read as a {what} CSV: "
                + ("it is an Excel workbook (.xlsx), not a CSV" if xlsx else
                   "it is UTF-16 or another encoding, not UTF-8 text"), file=where,
                fix="in Excel, save it with 'Save as' > 'CSV UTF-8 (comma delimited)' (Dutch "
                    "Excel: 'CSV UTF-8 (door komma's gescheiden)'), or as UTF-8 text in another "
                    f"editor; {hint}.") from None
        if isinstance(exc, OSError) and exc.errno is not None:  # no permission, a folder
            raise InputError(f"the {what} file cannot be opened: {exc.strerror}", file=where,
                             fix="check the path and that you may read the file.") from None
        raise InputError(f"cannot be read as a {what} CSV ({type(exc).__name__}: {exc})",
                         file=where, fix=hint + ".") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_row_separator(path, header, sep, what, where)
    missing = [c for c in columns if c not in frame.columns]
    if missing and len(frame.columns) == 1:
        other = "\t" if "\t" in header else ("|" if "|" in header else None)
        raise InputError(
            f"the {what} file has a single column {frame.columns[0]!r}: its separator is "
            + (f"{other!r}, which zorgcap does not read" if other else "not ',' or ';'"),
            file=where, fix="save the file as CSV with ',' (or ';', Dutch Excel) between "
            f"the columns {', '.join(columns)}.")
    require_columns(frame, columns, file=path, what=f"{what} file")
    if optional is not None:
        _warn_unknown(frame.columns, [*columns, *optional], what, where)
    frame = frame.apply(lambda col: col.str.strip())
    frame = frame[~(frame == "").all(axis=1)].reset_index(drop=True)  # blank spreadsheet rows
    if frame.empty and not allow_empty:
        raise InputError(f"the {what} file has a header but no data rows", file=where,
                         fix="fill in one row per region (see the template), or leave the "
                         "option out to use the named estimate.")
    for col, kind in (numbers or {}).items():
        if col in frame:
            frame[col] = parse_numbers(frame[col], column=col, kind=kind, sep=sep, file=where)
    return frame


def _check_row_separator(path, header: str, sep: str, what: str, where) -> None:
    """Refuse a file whose header is separated by one of ``,``/``;`` and a row by the other
    (a header typed by hand over rows exported by Dutch Excel, or the reverse): read by the
    header's separator, the whole row would land in the first column."""
    other = ";" if sep == "," else ","
    fields = header.count(sep)
    if fields == 0:
        return
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        next(fh, None)
        for i, line in enumerate(fh):
            if not line.strip():
                continue
            if line.count(sep) < fields and line.count(other) >= fields:
                raise InputError(
                    f"the header is separated by {sep!r} but this row by {other!r} "
                    f"({line.strip()[:60]!r})", file=where, row=i + 2,
                    fix=f"use one separator in the whole {what} file: save it again from "
                        "the spreadsheet as CSV, or replace the "
                        f"{sep!r} of the header by {other!r}.")
            if i >= 50:  # a mixed file shows it in its first rows
                return


def _warn_unknown(found, known, what: str, where) -> None:
    import difflib

    for col in found:
        if col in known or col == "":
            continue
        close = difflib.get_close_matches(col, known, n=1, cutoff=0.6)
        warn_input(f"column {col!r} is not read by zorgcap and is ignored"
                   + (f" (did you mean {close[0]!r}?)" if close else ""), file=where,
                   column=col, fix=(f"rename it to {close[0]!r} if that is what it holds"
                                    if close else "remove it to silence this warning")
                   + f"; the {what} file's columns are {', '.join(known)}.")
