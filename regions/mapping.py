"""Gemeente -> zorgkantoorregio per indeling year, and municipal mergers between years.

The mapping of each year comes from CBS "Gebieden in Nederland <year>" (indeling of
1 January). Mergers and splits 2019-2025 are in ``data_raw/gemeente_changes.csv``: every code
that disappears between two yearly tables is listed there with the code(s) it went to and the
share of its population that went to each (1 for a merger). A test checks that table against
the yearly CBS tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zorgcap.forecast.errors import InputError, spreadsheet_row
from zorgcap.forecast.io.cache import content_cache, note_input
from zorgcap.forecast.io.datadir import data_raw_dir
from zorgcap.forecast.io.tables import load_gebieden

from .codes import YEARS, check_year

__all__ = [
    "check_gemeente_codes",
    "code_years",
    "gemeente_changes",
    "gemeenten",
    "to_indeling",
    "zorgkantoorregios",
]


@content_cache(maxsize=32)
def _gemeenten(year: int, data) -> pd.DataFrame:
    return load_gebieden(year, data)  # a copy each call, re-read when the file changes


def gemeenten(year: int, data=None) -> pd.DataFrame:
    """All gemeenten of the indeling of 1 January ``year`` with their regions.

    Returns
    -------
    pandas.DataFrame
        ``year, gm_code, gm_name, zk_code, zk_name, pv_code, pv_name, corop_code,
        corop_name, cbs_table`` (one row per gemeente).
    """
    return _gemeenten(check_year(year), data)


def zorgkantoorregios(year: int = 2025, data=None) -> pd.DataFrame:
    """The 31 zorgkantoorregio's of ``year``: ``zk_code, zk_name, n_gemeenten, pv_codes``.

    ``pv_codes`` lists the provinces the region's gemeenten lie in (``;``-separated): a
    zorgkantoorregio can cross a provincial border (ZK21 't Gooi holds Almere, Flevoland).
    """
    gm = gemeenten(year, data)
    out = (
        gm.groupby(["zk_code", "zk_name"], as_index=False)
        .agg(n_gemeenten=("gm_code", "size"),
             pv_codes=("pv_code", lambda s: ";".join(sorted(set(s)))))
    )
    return out.sort_values("zk_code").reset_index(drop=True)


@content_cache(maxsize=1)
def gemeente_changes() -> pd.DataFrame:
    """Mergers and splits: ``to_year, old_gm_code, new_gm_code, share, kind, source, note``.

    ``to_year`` is the first indeling in which ``old_gm_code`` no longer exists; ``share`` is
    the part of the old gemeente's population that went to ``new_gm_code`` [fraction].
    """
    path = data_raw_dir() / "gemeente_changes.csv"
    note_input(path)
    return pd.read_csv(path, dtype={"to_year": int})


def code_years(data=None) -> pd.DataFrame:
    """``gm_code, gm_name, first_year, last_year``: the indeling years each code exists in."""
    frames = [gemeenten(y, data)[["year", "gm_code", "gm_name"]] for y in YEARS]
    all_years = pd.concat(frames)
    return (
        all_years.sort_values("year")
        .groupby("gm_code", as_index=False)
        .agg(gm_name=("gm_name", "last"), first_year=("year", "min"), last_year=("year", "max"))
    )


def check_gemeente_codes(codes, year: int, *, file=None, column: str = "gm_code",
                         data=None) -> None:
    """Raise :class:`InputError` for the first code that is not a gemeente of ``year``.

    The message says whether the code belongs to another year's indeling (and what became of
    it) or is unknown altogether, and how to fix it.
    """
    year = check_year(year)
    codes = pd.Series(list(codes), dtype="object")
    valid = set(gemeenten(year, data)["gm_code"])
    bad = ~codes.isin(valid)
    if not bad.any():
        return
    i = int(np.flatnonzero(bad.to_numpy())[0])
    code = codes.iloc[i]
    row = spreadsheet_row(i) if file else None
    known = code_years(data).set_index("gm_code")
    if code in known.index:
        info = known.loc[code]
        span = f"{info.first_year}-{info.last_year}"
        if info.last_year < year:
            went = gemeente_changes().query("old_gm_code == @code")
            into = ", ".join(f"{r.new_gm_code} {r.new_gm_name}" for r in went.itertuples())
            raise InputError(
                f"gemeente code {code} ({info.gm_name}) belongs to the indeling of {span}, "
                f"not {year}: on 1-1-{info.last_year + 1} it went into {into}",
                file=file, row=row, column=column,
                fix=f"translate the table with zorgcap.regions.to_indeling(frame, year={year}), "
                f"or use data of the {year} indeling.",
            )
        raise InputError(
            f"gemeente code {code} ({info.gm_name}) only exists from {info.first_year} on, "
            f"so it is not part of the {year} indeling",
            file=file, row=row, column=column,
            fix=f"use the indeling year of your data (>= {info.first_year}) instead of {year}.",
        )
    raise InputError(
        f"unknown gemeente code {code!r}: not a gemeente in any indeling "
        f"{YEARS[0]}-{YEARS[-1]}",
        file=file, row=row, column=column,
        fix="use CBS gemeente codes of the form GM0363 (4 digits, with the 'GM' prefix).",
    )


def _check_table(frame, value_cols, code_col: str) -> list:
    """Refuse a table :func:`to_indeling` / ``to_regions`` cannot sum; the value columns."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"`frame` was a {type(frame).__name__} but is expected to be a "
                         f"DataFrame with a gemeente code column {code_col!r}")
    if isinstance(value_cols, str) or not hasattr(value_cols, "__iter__"):
        raise ValueError(f"`value_cols` was {value_cols!r} but is expected to be a list of "
                         "column names, e.g. ['persons']")
    value_cols = list(value_cols)
    if code_col not in frame:
        raise ValueError(f"`frame` has no column {code_col!r} but is expected to hold the "
                         f"gemeente codes there (or name the column with code_col=); it has "
                         f"{list(frame.columns)}")
    missing = [c for c in value_cols if c not in frame]
    if missing:
        raise ValueError(f"`value_cols` holds {missing} but the frame has no such column(s); "
                         f"it has {list(frame.columns)}")
    text = [c for c in value_cols if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise ValueError(f"value column(s) {text} are of type "
                         f"{[str(frame[c].dtype) for c in text]} but are expected to be "
                         "numbers (counts are summed): convert with pd.to_numeric")
    for c in value_cols:  # pandas sums NaN as 0: a missing count would vanish silently
        values = [float(v) for v in pd.to_numeric(frame[c], errors="coerce")]
        bad = ~np.isfinite(np.asarray(values, dtype=float))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"`frame` has {values[i]!r} in value column {c!r} (row {i}, "
                f"{code_col} {frame[code_col].iloc[i]!r}) but every value is expected to be "
                "a finite number: a missing count would be summed as 0; fill it in or drop "
                "the row")
    return value_cols


def to_indeling(frame: pd.DataFrame, year: int, value_cols, code_col: str = "gm_code",
                data=None) -> pd.DataFrame:
    """Translate a gemeente-level table to the indeling of ``year`` (forward in time).

    Rows of a gemeente that merged are added to the new gemeente; a gemeente that was split
    is divided by the population shares in ``data_raw/gemeente_changes.csv``. Codes already
    valid in ``year`` are kept. Counts stay additive: the national sum is unchanged.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy table with a gemeente code column and additive value columns [persons, places].
    year : int
        Target indeling year [year].
    value_cols : list of str
        Additive columns to move with the gemeente; every other column is a key.

    Raises
    ------
    InputError
        A code unknown in all years, or one that only exists after ``year`` (a later indeling
        cannot be translated back: its borders are not in the mapping).
    """
    year = check_year(year)
    value_cols = _check_table(frame, value_cols, code_col)
    known = code_years(data).set_index("gm_code")
    codes = frame[code_col]
    unknown = ~codes.isin(known.index)
    later = codes.isin(known.index[known["first_year"] > year])
    if unknown.any() or later.any():
        check_gemeente_codes(codes, year, column=code_col, data=data)
    changes = gemeente_changes()
    out = frame.copy()
    for step in range(YEARS[0] + 1, year + 1):
        moves = changes[changes["to_year"] == step]
        hit = out[code_col].isin(moves["old_gm_code"])
        if not hit.any():
            continue
        moved = out[hit].merge(moves[["old_gm_code", "new_gm_code", "share"]],
                               left_on=code_col, right_on="old_gm_code")
        moved[value_cols] = moved[value_cols].mul(moved["share"], axis=0)
        moved[code_col] = moved["new_gm_code"]
        out = pd.concat([out[~hit], moved[out.columns]], ignore_index=True)
    keys = [c for c in out.columns if c not in value_cols]
    names = [c for c in keys if c.endswith("_name") and c.startswith("gm")]
    keys = [c for c in keys if c not in names]
    out = out.groupby(keys, as_index=False, sort=True, dropna=False)[value_cols].sum()
    if names:
        gm = gemeenten(year, data).set_index("gm_code")["gm_name"]
        out[names[0]] = out[code_col].map(gm)
    return out[[c for c in frame.columns if c in out.columns]]

