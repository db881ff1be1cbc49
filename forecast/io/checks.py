"""Checks of the CBS input tables on read: cut files, negative counts, missing years, gemeenten.

A damaged table must never change a result quietly. The checks here run where a table is
read (:func:`zorgcap.forecast.io.tables.read_table` and the ``load_*`` functions) and, the cheap
structural ones, in ``zorgcap data status``:

* **cut mid-row**: the last line of the file has fewer fields than the header (a download or
  copy that stopped part-way) - unrecoverable, :class:`InputError` naming the table, the row
  and the fix (download again);
* **negative counts**: a count column (every topic column of the manifest's expected
  columns except balances, ``*saldo*``) below 0 - unrecoverable;
* **missing years, ages, sexes** (CBS 37620): every year of the file's span needs every
  single age 0..95+ for both sexes, and the span must reach the years the model uses;
* **gemeenten of an indeling**: a "Gebieden in Nederland" table must hold exactly the
  gemeenten CBS counts on 1 January of its year (:data:`GEMEENTEN_PER_YEAR`), or a
  gemeente's capacity and population would vanish from its region.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, display_path, spreadsheet_row

__all__ = ["GEMEENTEN_PER_YEAR", "cut_mid_row", "check_counts", "check_gemeenten",
           "check_age_sex_years"]

#: Number of gemeenten on 1 January (CBS, "Gemeentelijke indeling op 1 januari <year>";
#: equal to the rows of Gebieden in Nederland 84378NED ... 86059NED).
GEMEENTEN_PER_YEAR = {2019: 355, 2020: 355, 2021: 352, 2022: 345, 2023: 342, 2024: 342,
                      2025: 342}


def _last_line(path, size: int = 1 << 16) -> tuple[str, int]:
    """The last non-empty line of a text file and its 1-based line number."""
    with open(path, "rb") as fh:
        n_lines = sum(1 for _ in fh)
        fh.seek(0, 2)
        end = fh.tell()
        fh.seek(max(end - size, 0))
        tail = fh.read().decode("utf-8", errors="replace")
    lines = tail.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
        n_lines -= 1
    return (lines[-1] if lines else ""), n_lines


def cut_mid_row(path, sep: str = ";") -> str | None:
    """A sentence saying where the file is cut off, or None if its last row is whole.

    Compares the number of fields of the last line with the header's (CBS OData dumps have
    no separator inside values).
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline()
    last, line_no = _last_line(path)
    if line_no <= 1:
        return "the file has a header but no data rows" if line_no == 1 else "the file is empty"
    want, got = header.count(sep) + 1, last.count(sep) + 1
    if got < want:
        return (f"the file is cut off in row {line_no} (the last row has {got} of {want} "
                f"fields)")
    return None


def check_counts(frame: pd.DataFrame, columns, *, table: str, file) -> None:
    """Raise :class:`InputError` for the first text (not a number, nor CBS's '.' for an
    unknown figure) or negative value in a count column."""
    for col in columns:
        if col not in frame:
            continue
        if frame[col].dtype.kind not in "fi":
            text = frame[col].astype("string").str.strip()
            number = pd.to_numeric(text, errors="coerce").notna()
            bad = (~number & text.notna() & ~text.isin(["", "."])).to_numpy(dtype=bool)
            # a column of codes or names (Code_1, Naam_2) is not a count column
            if not bad.any() or number.sum() <= bad.sum():
                continue
            i = int(np.flatnonzero(bad)[0])
            problem = f"the text {text.iloc[i]!r} in the count column {col}"
            why = "a count is a number (CBS writes '.' for an unknown one)"
        elif "saldo" in col.lower():
            continue
        else:
            bad = (frame[col] < 0).to_numpy()
            if not bad.any():
                continue
            i = int(np.flatnonzero(bad)[0])
            problem = f"a negative count {frame[col].iloc[i]:g} in {col}"
            why = "a count cannot be negative"
        raise InputError(f"table '{table}' has {problem}", file=display_path(file),
                         row=spreadsheet_row(i), column=col,
                         fix=f"{why}: download the table again ('zorgcap data fetch {table}') "
                             "or restore the file.")


def check_age_sex_years(frame: pd.DataFrame, *, table: str, file, ages, sexes,
                        need_years) -> None:
    """Every year of the span holds every age x sex; the span covers ``need_years``.

    ``frame``: tidy ``year, sex, age``. Unrecoverable gaps raise :class:`InputError`.
    """
    years = sorted(frame["year"].unique())
    missing_years = [y for y in need_years if y not in years]
    if not years or missing_years:
        raise InputError(
            f"table '{table}' lacks year(s) {_span(missing_years)} (found "
            f"{_span(years)}); the model needs {need_years[0]}-{need_years[-1]}",
            file=display_path(file),
            fix=f"download the full table again with 'zorgcap data fetch {table}'.")
    full = pd.MultiIndex.from_product([years, sexes, ages], names=["year", "sex", "age"])
    have = pd.MultiIndex.from_frame(frame[["year", "sex", "age"]])
    gaps = full.difference(have)
    if len(gaps):
        shown = ", ".join(f"{y} {s} {a}" for y, s, a in list(gaps)[:5])
        raise InputError(
            f"table '{table}' lacks {len(gaps)} year x sex x age row(s) ({shown}"
            f"{', ...' if len(gaps) > 5 else ''})", file=display_path(file),
            fix=f"download the full table again with 'zorgcap data fetch {table}'.")
    dup = have.duplicated()
    if dup.any():
        y, s, a = have[int(np.flatnonzero(dup)[0])]
        raise InputError(f"table '{table}' holds year {y} {s} age {a} twice",
                         file=display_path(file), fix="restore the file as published.")


def check_gemeenten(codes: pd.Series, year: int, *, table: str, file, previous=None) -> None:
    """The gebieden table of ``year`` holds every gemeente of the indeling, once.

    ``previous``: gemeente codes of the indeling of ``year - 1``, or a function giving them
    (called only when gemeenten are missing), optional: to name what is
    missing: a code of last year that no merger in ``data_raw/gemeente_changes.csv`` ended.
    """
    codes = pd.Series(codes, dtype="object")
    dup = codes.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"gemeente {codes.iloc[i]} appears twice in table '{table}'",
                         file=display_path(file), row=spreadsheet_row(i),
                         fix=f"download the table again ('zorgcap data fetch {table}').")
    want = GEMEENTEN_PER_YEAR.get(year)
    if want is None or len(codes) == want:
        return
    named = ""
    if callable(previous) and len(codes) < want:
        try:
            previous = previous()
        except Exception:  # the previous year's table is optional here: only for the message
            previous = None
    if previous is not None and len(codes) < want:
        from .datadir import data_raw_dir

        changes = pd.read_csv(data_raw_dir() / "gemeente_changes.csv", dtype=str)
        ended = set(changes.loc[changes["to_year"] == str(year), "old_gm_code"])
        lost = sorted(set(previous) - set(codes) - ended)
        if lost:
            named = f"; missing: {', '.join(lost[:8])}{' ...' if len(lost) > 8 else ''}"
    raise InputError(
        f"table '{table}' holds {len(codes)} gemeenten but the indeling of 1-1-{year} has "
        f"{want}{named}: the missing gemeenten's people and places would drop out of their "
        "zorgkantoorregio", file=display_path(file),
        fix=f"download the full table again ('zorgcap data fetch {table}').")


def _span(years) -> str:
    years = [int(y) for y in years]
    if not years:
        return "none"
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(map(str, years[:8])) + (" ..." if len(years) > 8 else "")
