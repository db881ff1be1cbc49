"""Gemeente-level frames -> zorgkantoorregio (or provincie, COROP) frames."""

from __future__ import annotations

import pandas as pd

from .mapping import _check_table, check_gemeente_codes, gemeenten

__all__ = ["LEVELS", "to_regions"]

#: Region levels a gemeente table can be summed to (prefix of the code/name columns).
LEVELS = ("zk", "pv", "corop")


def to_regions(frame: pd.DataFrame, year: int, value_cols, level: str = "zk",
               code_col: str = "gm_code", data=None, file=None) -> pd.DataFrame:
    """Sum a gemeente-level table to regions of the indeling of ``year``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy table keyed by ``code_col`` (gemeente codes of the ``year`` indeling) and any
        other key columns (``year``, ``age_lo``, ``sex`` ...).
    year : int
        Indeling year of the gemeente codes [year].
    value_cols : list of str
        Additive columns to sum [persons, places].
    level : {"zk", "pv", "corop"}
        Zorgkantoorregio, provincie or COROP region.

    Returns
    -------
    pandas.DataFrame
        ``<level>_code, <level>_name`` followed by the other key columns and the summed values.

    Raises
    ------
    InputError
        A gemeente code that is not in the ``year`` indeling (use :func:`to_indeling` first).
    """
    if level not in LEVELS:
        raise ValueError(f"`level` was {level!r} but is expected to be in {list(LEVELS)}")
    value_cols = _check_table(frame, value_cols, code_col)
    check_gemeente_codes(frame[code_col], year, file=file, column=code_col, data=data)
    mapping = gemeenten(year, data)[["gm_code", f"{level}_code", f"{level}_name"]]
    merged = frame.merge(mapping, left_on=code_col, right_on="gm_code", how="left",
                         suffixes=("", "_map"))
    keys = [f"{level}_code", f"{level}_name"] + [
        c for c in frame.columns
        if c not in value_cols and c != code_col and not c.startswith("gm_")
    ]
    return merged.groupby(keys, as_index=False, sort=True)[value_cols].sum()
