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
  gemeente's capacity and population would vanish from its region;
* **what the run needs of a table** (:func:`check_needs`, run by
  :func:`zorgcap.forecast.io.tables.read_table` on every read and so by ``zorgcap data
  status``): the Wlz clients of CBS 84529NED for every year :data:`WLZ_YEARS`, the HMD
  death rates of every age and fitted year, the shapes of a map file (at least one, none
  empty).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, display_path, spreadsheet_row
from ..schema import DEMAND_BASE_YEAR

__all__ = ["GEMEENTEN_PER_YEAR", "WLZ_YEARS", "HMD_FIT_YEARS", "cut_mid_row", "check_counts",
           "check_gemeenten", "check_age_sex_years", "check_needs"]

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


def cut_mid_row(path, sep: str | None = ";", skip: int = 0) -> str | None:
    """A sentence saying where the file is cut off, or None if its last row is whole.

    Compares the number of fields of the last line with the header's (CBS OData dumps have
    no separator inside values). ``sep=None``: fields separated by white space (the HMD
    text files); ``sep=","``: a ``,``-separated CSV whose values may be quoted (the tables
    derived for zorgcap: fields counted by :mod:`csv`); ``skip``: lines before the header.
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        return None
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for _ in range(skip):
            fh.readline()
        header = fh.readline()
    last, line_no = _last_line(path)
    if line_no <= 1 + skip:
        return ("the file has a header but no data rows" if line_no == 1 + skip
                else "the file is empty")
    if sep is None:
        want, got = len(header.split()), len(last.split())
    elif sep == ",":
        import csv

        want, got = (len(next(csv.reader([line]), [])) for line in (header, last))
    else:
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


#: Years of CBS 84529NED the run reads: the trend of clients with stay and of the clients at
#: home (top-down check, delivery forms) and the reference figures' base years [year].
WLZ_YEARS = tuple(range(2015, DEMAND_BASE_YEAR + 1))
#: Years of the HMD death rates the Lee-Carter model is fitted on [year]
#: (:mod:`zorgcap.forecast.mortality`); ages 0..99 of both sexes in each.
HMD_FIT_YEARS = (1970, 2016)
_WLZ_FORMS = ("Zin verblijf", "Zin volledig pakket thuis (vpt)",
              "Zin modulair pakket thuis (mpt)", "Uitsluitend pgb")


def _fetch_fix(key: str) -> str:
    return f"download the full table again ('zorgcap data fetch {key}') or restore the file."


def _check_wlz(frame: pd.DataFrame, key: str, file) -> None:
    """Clients of zzp VV4-VV10 by delivery form, 'Totaal personen', in every year needed."""
    rows = frame[(frame["IndicatieGrondslag"] == "Totaal personen")
                 & frame["Zorgzwaartepakket"].astype(str).str.match(r"^zzp (4|5|6|7|8|9b?|10) VV")
                 & frame["LeveringsvormZorg"].isin(_WLZ_FORMS)
                 & pd.to_numeric(frame["PersonenMetIndicatieOpPeildatum_1"],
                                 errors="coerce").notna()]
    years = pd.to_numeric(rows["Perioden"], errors="coerce")
    have = {(int(y), f) for y, f in zip(years, rows["LeveringsvormZorg"], strict=True)
            if np.isfinite(y)}
    missing = [y for y in WLZ_YEARS if any((y, f) not in have for f in _WLZ_FORMS)]
    if missing:
        found = sorted({y for y, _ in have})
        raise InputError(
            f"table '{key}' (CBS 84529NED) lacks the Wlz V&V clients of year(s) "
            f"{_span(missing)} (found {_span(found)}); the model needs "
            f"{WLZ_YEARS[0]}-{WLZ_YEARS[-1]} for every delivery form", file=display_path(file),
            fix=_fetch_fix(key))


def _check_hmd(frame: pd.DataFrame, key: str, file) -> None:
    """A finite, positive death rate for every age 0..99, sex and fitted year."""
    lo, hi = HMD_FIT_YEARS
    years = pd.to_numeric(frame["Year"], errors="coerce")
    ages = pd.to_numeric(frame["Age"], errors="coerce")
    part = frame[years.between(lo, hi) & ages.between(0, 99)]
    want = (hi - lo + 1) * 100
    rates = part[["Male", "Female"]].apply(pd.to_numeric, errors="coerce")
    bad = ~(np.isfinite(rates) & (rates > 0)).all(axis=1)
    if len(part) != want or bad.any():
        where = (f"{int(years[bad[bad].index[0]])} age {int(ages[bad[bad].index[0]])}"
                 if bad.any() else f"{len(part)} of {want} year x age rows")
        raise InputError(
            f"table '{key}' lacks death rates the model is fitted on ({lo}-{hi}, ages 0-99, "
            f"both sexes): {where}", file=display_path(file), fix=_fetch_fix(key).replace(
                f"('zorgcap data fetch {key}') ", "from mortality.org ").replace(
                "download the full table", "download the file"))


def _check_shapes(frame: pd.DataFrame, key: str, file) -> None:
    """A map file holds shapes: at least one, none empty."""
    geometry = getattr(frame, "geometry", None)
    empty = None if geometry is None else (geometry.isna() | geometry.is_empty)
    if geometry is None or len(frame) == 0 or empty.all():
        raise InputError(f"the map file '{key}' holds no shapes", file=display_path(file),
                         fix="restore the GeoJSON file as published (see data_raw/manifest.csv "
                             "for its source).")
    if empty.any():
        i = int(np.flatnonzero(empty.to_numpy())[0])
        raise InputError(f"the map file '{key}' has a feature without a shape (feature "
                         f"{i + 1} of {len(frame)})", file=display_path(file),
                         fix="restore the GeoJSON file as published.")


_NEEDS = {"wlz_indications": _check_wlz, "mortality_hmd": _check_hmd}


def check_needs(key: str, frame: pd.DataFrame, file, fmt: str) -> None:
    """Raise :class:`InputError` if table ``key`` lacks what the run reads of it (module
    notes); ``fmt``: the manifest format (every ``geojson`` is a map file)."""
    if fmt == "geojson":
        _check_shapes(frame, key, file)
    check = _NEEDS.get(key)
    if check is not None:
        check(frame, key, file)
