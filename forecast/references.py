"""Named references: what the supply is compared against, switchable without breaking a table.

A reference turns into a need per region and year, ``reference_need(r, t)``; the gap against
it is ``reference_need - supply``. References:

``model``          zorgcap's own need (default).
``tno2019``        TNO 2019: 22,206 places short in 2025 and about 110,000 extra by 2040.
``ambition2025``   25,000 extra places by 2025 (2021 agreement).
``wozo2030``       40,000 extra places by 2030 (programme Wonen en Zorg voor Ouderen).
``ambition2031``   50,000 extra places by 2031.
``ratio75:N`` / ``ratio80:N``  a planning ratio: N places per 1,000 inhabitants aged 75+
                   (or 80+), as in Australia's planning ratios or Dutch norms of the past.

National targets become a path of extra places ``E(t)``: a straight line from 0 in the
base year through each published figure, constant after the last one
(``assumption reference_path``). ``E(t)`` is shared over regions by their share of the
model's growth in need, and added to the base capacity. Values: ``data_raw/reference_figures.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .io.datadir import data_raw_dir

__all__ = ["reference_need", "REFERENCES", "describe"]

REFERENCES = {
    "model": (),
    "tno2019": ("tno_2019_shortage_2025", "tno_2019_extra_2040"),
    "ambition2025": ("ambition_2025",),
    "wozo2030": ("wozo_target_2030",),
    "ambition2031": ("ambition_2031",),
}


def _figures() -> pd.DataFrame:
    return pd.read_csv(data_raw_dir() / "reference_figures.csv").set_index("key")


def _parse(reference: str):
    if reference in REFERENCES:
        return reference, None
    if reference.startswith(("ratio75:", "ratio80:")):
        kind, value = reference.split(":", 1)
        try:
            ratio = float(value)
        except ValueError:
            ratio = -1
        if not np.isfinite(ratio) or ratio <= 0:
            raise ValueError(f"`reference` was {reference!r}: the planning ratio must be a "
                             "positive number of places per 1,000 (e.g. ratio80:110)")
        return kind, ratio
    raise ValueError(f"`reference` was {reference!r} but is expected to be in "
                     f"{list(REFERENCES) + ['ratio75:N', 'ratio80:N']}")


def describe(reference: str) -> str:
    """One line saying what the reference is, for tables and map captions."""
    kind, ratio = _parse(reference)
    if ratio is not None:
        return f"planning ratio: {ratio:g} places per 1,000 inhabitants aged {kind[5:]}+"
    if kind == "model":
        return "zorgcap need (scenario forecast incl. urgent waiting list)"
    fig = _figures()
    return "; ".join(f"{fig.loc[k, 'value']:,.0f} {fig.loc[k, 'unit']} by "
                     f"{fig.loc[k, 'year']} ({k})" for k in REFERENCES[kind])


def extra_path(reference: str, years) -> np.ndarray:
    """National extra places E(t) of a national-target reference for ``years``."""
    fig = _figures()
    base = min(years)
    points = [(base, 0.0)] + sorted((int(fig.loc[k, "year"]), float(fig.loc[k, "value"]))
                                    for k in REFERENCES[reference])
    xs, ys = zip(*points, strict=True)
    return np.interp(years, xs, ys)  # constant after the last point


def reference_need(gap: pd.DataFrame, reference: str = "model") -> pd.Series:
    """``reference_need`` for each row of a gap table (same index) [places]."""
    kind, ratio = _parse(reference)
    if kind == "model":
        return gap["need"].copy()
    if ratio is not None:
        col = f"persons_{kind[5:]}plus"
        if col not in gap:
            raise ValueError(f"the gap table has no column {col!r}: build it from a demand "
                             "frame of this version of zorgcap")
        return gap[col] * ratio / 1000
    years = sorted(gap["year"].unique())
    extra = dict(zip(years, extra_path(kind, years), strict=True))
    base = min(years)
    growth = (gap["need"] - gap["capacity"]).clip(lower=0)
    share = growth / growth.groupby(gap["year"]).transform("sum").replace(0, np.nan)
    base_share = gap.loc[gap["year"] == base].set_index("zk_code")["need"]
    base_share = gap["zk_code"].map(base_share / base_share.sum())
    share = share.fillna(base_share)  # before any growth: by need
    return gap["capacity"] + gap["year"].map(extra) * share
