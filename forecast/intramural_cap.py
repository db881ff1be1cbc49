"""The intramural cap as a named reference (issue 31): places with stay held at the base-year
level, the rest of the need in clustered places.

The policy frame since 2022 (programma Wonen en Zorg voor Ouderen, VWS 2022; the cabinet:
"130.000 is het maximum" intramural nursing-home places) keeps intramural places at about
today's level and puts the growth of the need in clustered verpleegzorgplekken (WOZO: 40,000
extra by 2030, ``data_raw/reference_figures.csv`` ``wozo_target_2030``). This module says
what that means per region: with places with stay held at a cap, the need for places with
stay above the cap must be met in clustered (or other VPT) places, on top of the region's
own need for clustered places.

Per region r and year t (all in places)::

    cap(r)                = C x capacity(r, B) / sum_r capacity(r, B)
    above_cap(r, t)       = max(need(r, t) - cap(r), 0)
    clustered_needed(r,t) = need_clustered(r, t) + above_cap(r, t)
    clustered_extra(r, t) = clustered_needed(r, t) - capacity_clustered(r, B)

``B`` is the run's base year, ``need`` the need for places with stay (incl. the waiting
list) and ``need_clustered`` the need for clustered VPT places of the gap table
(:mod:`zorgcap.forecast.gap`, :mod:`zorgcap.forecast.delivery`), ``capacity`` and
``capacity_clustered`` the base-year places with stay and clustered places. ``C`` is the
national cap: by default the national places with stay of the base year (the run's own
capacity, about 130,000 in 2023: 126,105 clients with stay, CBS 84529NED, / occupancy 0.97);
settable (``cap=``), e.g. the published 130,000 (:data:`PUBLISHED_CAP`). A cap other than
the base-year capacity is shared over regions by their base-year capacity (``assumption
intramural_cap``). ``clustered_extra`` is comparable with ``target_share``: the region's
share of the 40,000 extra places by 2030 (:func:`zorgcap.forecast.targets.target_progress`,
counted from 2022 in all delivery forms; its share follows the region's growth of need in
all forms). The comparison is indicative: the target counts from 2022, ``clustered_extra``
from the run's base year.

References
----------
Ministerie van VWS (2022). Programma Wonen en Zorg voor Ouderen. 40,000 extra
verpleegzorgplekken by 2030 as cited by the ZN Regiomonitor 2023 (Menzis zorgkantoor,
2024-02-28,
https://www.menziszorgkantoor.nl/zorgaanbieders/actueel/28022024-regiomonitor-capaciteitsplannen-verpleegzorg-2023-is-gepubliceerd).
GGD Management, "Regiobeelden gaan soms nog uit van uitbreiding verpleeghuizen":
"130.000 is het maximum" (the cabinet's cap on intramural places),
http://ggdmanagement.nl/nieuwsr/203418/Regiobeelden-gaan-soms-nog-uit-van-uitbreiding-verpleeghuizen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .assumption import Assumption
from .schema import INTRAMURAL_CAP_COLUMNS

__all__ = ["PUBLISHED_CAP", "CAP_YEARS", "CLUSTERED_TARGET", "intramural_cap",
           "cap_assumption", "INTRAMURAL_CAP_COLUMNS"]

#: The cabinet's maximum of intramural nursing-home places as published (module references)
#: [places]. Not the default: the default cap is the run's own base-year capacity.
PUBLISHED_CAP = 130_000

#: The years the cap is shown for: the clustered target's year and the long term [year].
CAP_YEARS = (2030, 2040)

#: The target the clustered places are held against (``reference_figures.csv`` key).
CLUSTERED_TARGET = "wozo_target_2030"


def _check_cap(cap) -> float | None:
    if cap is None:
        return None
    if isinstance(cap, bool) or not isinstance(cap, (int, float, np.integer, np.floating)) \
            or not np.isfinite(cap) or cap <= 0:
        raise ValueError(f"`cap` was {cap!r} but is expected to be a positive number of "
                         "places with stay (national), or None for the base-year capacity")
    return float(cap)


def intramural_cap(gap: pd.DataFrame, targets: pd.DataFrame | None = None,
                   cap: float | None = None, years=CAP_YEARS,
                   national_capacity: float | None = None) -> pd.DataFrame:
    """Clustered places needed per region when places with stay are held at a cap
    (module notes).

    Parameters
    ----------
    gap : pandas.DataFrame
        A gap table of all regions of the run (:func:`zorgcap.forecast.gap.compare_capacity`):
        ``year, zk_code, zk_name, need, capacity, need_clustered, capacity_clustered``
        [places]. A subset of regions shares a national ``cap`` over those regions only.
    targets : pandas.DataFrame, optional
        :attr:`ChainResult.targets` (``target, zk_code, target_share`` [places]): gives
        each region's share of the 40,000 (:data:`CLUSTERED_TARGET`); NaN without it.
    cap : float, optional
        The national cap on places with stay [places]; default the sum of the base-year
        ``capacity`` of ``gap``.
    years : iterable of int
        The years shown [year]; those outside the gap table are left out.
    national_capacity : float, optional
        The national base-year capacity a set ``cap`` is shared by [places]; default the
        sum over the regions of ``gap`` (give the national total for a subset of regions,
        as :attr:`ChainResult.intramural_cap` does, so a subset gets the full run's rows).

    Returns
    -------
    pandas.DataFrame
        One row per region and year (:data:`zorgcap.forecast.schema.INTRAMURAL_CAP_COLUMNS`):
        ``zk_code, zk_name, year, intramural_cap, need, above_cap, need_clustered,
        capacity_clustered, clustered_needed, clustered_extra, target_share`` [places].
    """
    cap = _check_cap(cap)
    base = int(gap["year"].min())
    b = gap[gap["year"] == base].set_index("zk_code")
    capacity = b["capacity"].astype(float)
    national = float(capacity.sum()) if national_capacity is None else float(national_capacity)
    total = national if cap is None else cap
    own = total * capacity / national if national > 0 else capacity * 0.0
    share = pd.Series(np.nan, index=b.index)
    if targets is not None and len(targets):
        t = targets[targets["target"] == CLUSTERED_TARGET].set_index("zk_code")
        share = t["target_share"].reindex(b.index).astype(float)
    shown = [int(y) for y in years if int(y) in set(gap["year"])]
    if not shown:  # a run that ends before 2030
        return pd.DataFrame(columns=list(INTRAMURAL_CAP_COLUMNS))
    g = gap[gap["year"].isin(shown)].copy()
    g["intramural_cap"] = g["zk_code"].map(own)
    g["above_cap"] = (g["need"] - g["intramural_cap"]).clip(lower=0.0)
    g["capacity_clustered"] = g["zk_code"].map(b["capacity_clustered"].astype(float))
    g["clustered_needed"] = g["need_clustered"] + g["above_cap"]
    g["clustered_extra"] = g["clustered_needed"] - g["capacity_clustered"]
    g["target_share"] = g["zk_code"].map(share)
    return g[list(INTRAMURAL_CAP_COLUMNS)].sort_values(["year", "zk_code"]) \
        .reset_index(drop=True)


def cap_assumption(gap: pd.DataFrame, cap: float | None = None) -> dict:
    """``{"intramural_cap": text}``: the cap level [places] and where it comes from."""
    cap = _check_cap(cap)
    base = int(gap["year"].min())
    national = float(gap.loc[gap["year"] == base, "capacity"].sum())
    level = national if cap is None else cap
    return {"intramural_cap": Assumption(
        "intramural_cap", "base" if cap is None else "set", unit="[places]",
        source="option" if cap is not None else "base-year capacity", level=level,
        base_year=base, published=PUBLISHED_CAP)}
