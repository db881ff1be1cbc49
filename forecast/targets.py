"""National targets of extra places, per zorgkantoorregio: the 25,000 places 2021-2025 (the
2021 agreement, all delivery forms), WOZO's 40,000 by 2030 and 50,000 opgave, and the 50,000
places by 2031.

A target is a national number of extra places counted from its own base year and in its own
delivery forms (``data_raw/reference_figures.csv`` for the numbers, ``reference_bases.csv``
for base year and forms; :mod:`zorgcap.forecast.references`). :func:`target_progress` shares
it over the regions by their growth in need and sets what each region counts against it (the
places realised since the target's base year and the places expected from plans) next to its
share; :func:`targets` does so for every target within a run, and :func:`ambition_2025` adds
the region's 2025 gaps and the plans it lists to the 25,000 places.

All three read a gap table of :func:`zorgcap.forecast.gap.compare_capacity` with all 31
regions: a national target is shared over all of them.
"""

from __future__ import annotations

import pandas as pd

from .delivery import in_forms, places_in_use
from .errors import expected
from .references import bases, published, ref_year, require_all_regions
from .schema import CLUSTERED_SHARE, OCCUPANCY
from .supply import signed_places

__all__ = ["TARGETS", "target_progress", "targets", "ambition_2025"]

#: Published national targets that regions are tracked against (``reference_figures.csv``
#: keys; base year and forms in ``reference_bases.csv``).
TARGETS = ("ambition_2025", "wozo_target_2030", "wozo_opgave_2030", "ambition_2031")


def target_progress(gap: pd.DataFrame, key: str = "ambition_2025", target: float | None = None,
                    occupancy: float = OCCUPANCY, clustered_share: float = CLUSTERED_SHARE,
                    data=None) -> pd.DataFrame:
    """A national target of extra places per region, counted from the target's own base year
    in its own delivery forms (``data_raw/reference_bases.csv``).

    ``gap`` must hold all 31 regions, the target's year and the all-forms columns of
    :func:`zorgcap.forecast.gap.compare_capacity`; ``target`` overrides the published number
    [places]; ``occupancy`` [fraction] and ``clustered_share`` [fraction] turn observed
    clients into places in use (:func:`zorgcap.forecast.delivery.places_in_use`).

    Per region r (T = the target's year, b its base year, B the gap table's base year,
    P(y) = national places in use in the target's forms in y, k = P(b) / P(B); ``need``,
    ``capacity`` and ``supply`` in the target's forms)::

        target_share(r)     = target x growth(r) / sum growth,
                              growth(r) = max(need(r, T) - k need(r, B), 0)
        realised_to_base(r) = (P(B) - P(b)) x capacity(r) / capacity
        expected_to_year(r) = supply(r, T) - capacity(r)
        counted(r)          = realised_to_base + expected_to_year

    (``assumption targets_from_own_base``: a region's need in b is its base-year need scaled
    by the national growth of places in use b-B, and the places realised b-B are shared by
    base-year capacity; no regional counts of those years exist.)

    Returns ``target, year, base_year, forms, zk_code, zk_name, target_share,
    realised_to_base, expected_to_year, counted, counted_minus_share`` [places]
    (:data:`zorgcap.forecast.schema.TARGETS_COLUMNS`).
    """
    if key not in TARGETS:
        raise expected("key", key, f"one of {list(TARGETS)}")
    require_all_regions(gap, "a national target is shared over all 31")
    year = ref_year(key)
    own = bases().loc[key]
    b_year, f = int(own["base_year"]), str(own["forms"])
    value = published(key) if target is None else float(target)
    base = int(gap["year"].min())
    g = gap[gap["year"] == year].set_index("zk_code")
    if g.empty:
        raise ValueError(f"the gap table has no year {year}; forecast from the base year to "
                         f"at least {year}")
    b = gap[gap["year"] == base].set_index("zk_code").loc[g.index]

    in_use = {y: places_in_use(y, occupancy, clustered_share, data)[f]
              for y in sorted({b_year, base})}
    k = in_use[b_year] / in_use[base]
    growth = (in_forms(g, "need", f) - k * in_forms(b, "need", f)).clip(lower=0)
    share = value * growth / growth.sum() if growth.sum() > 0 else growth * 0
    cap = in_forms(b, "capacity", f)
    realised = max(in_use[base] - in_use[b_year], 0.0) * cap / cap.sum() \
        if b_year < base else cap * 0
    reached = in_forms(g, "supply", f) - cap
    out = pd.DataFrame({"target": key, "year": year, "base_year": b_year, "forms": f,
                        "zk_name": g["zk_name"], "target_share": share,
                        "realised_to_base": realised, "expected_to_year": reached,
                        "counted": realised + reached,
                        "counted_minus_share": realised + reached - share})
    return out.rename_axis("zk_code").reset_index()[
        ["target", "year", "base_year", "forms", "zk_code", "zk_name", "target_share",
         "realised_to_base", "expected_to_year", "counted", "counted_minus_share"]]


def targets(gap: pd.DataFrame, occupancy: float = OCCUPANCY,
            clustered_share: float = CLUSTERED_SHARE, data=None) -> pd.DataFrame:
    """:func:`target_progress` of every target in :data:`TARGETS` whose year the gap table
    holds, stacked (one row per target and region)."""
    last = int(gap["year"].max())
    parts = [target_progress(gap, k, occupancy=occupancy, clustered_share=clustered_share,
                             data=data) for k in TARGETS if ref_year(k) <= last]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["target", "year", "base_year", "forms", "zk_code", "zk_name", "target_share",
                 "realised_to_base", "expected_to_year", "counted", "counted_minus_share"])


def ambition_2025(gap: pd.DataFrame, plans: pd.DataFrame | None = None,
                  ambition: float | None = None, occupancy: float = OCCUPANCY,
                  clustered_share: float = CLUSTERED_SHARE, data=None) -> pd.DataFrame:
    """The 25,000 extra places 2021-2025 (all delivery forms) per region, counted from 2021.

    :func:`target_progress` of ``ambition_2025`` (``ambition`` overrides the 25,000) with
    the region's 2025 gaps and the plans it lists: ``plans`` are the plans counted
    (:attr:`zorgcap.forecast.gap.GapRun.plans`; None: none listed).

    Returns ``zk_code, zk_name, gap_2025, gap_all_forms_2025, ambition_share,
    realised_2021_base, expected_base_2025, counted_2021_2025, counted_minus_share,
    plans_to_2025, plans_minus_share`` [places] (:data:`zorgcap.forecast.schema.AMBITION_COLUMNS`).
    """
    require_all_regions(gap, "the ambition is shared over all 31")
    p = target_progress(gap, "ambition_2025", ambition, occupancy, clustered_share, data) \
        .set_index("zk_code")
    g = gap[gap["year"] == 2025].set_index("zk_code").loc[p.index]
    planned = pd.Series(0.0, index=p.index)
    if plans is not None and len(plans):
        listed = plans[(plans["year_ready"] <= 2025) & (plans["status"] != "cancelled")]
        planned = (listed.assign(net=signed_places(listed)).groupby("zk_code")["net"].sum()
                   .reindex(p.index, fill_value=0.0))
    out = pd.DataFrame({"zk_name": p["zk_name"], "gap_2025": g["gap"],
                        "gap_all_forms_2025": g["gap_all_forms"],
                        "ambition_share": p["target_share"],
                        "realised_2021_base": p["realised_to_base"],
                        "expected_base_2025": p["expected_to_year"],
                        "counted_2021_2025": p["counted"],
                        "counted_minus_share": p["counted_minus_share"],
                        "plans_to_2025": planned,
                        "plans_minus_share": planned - p["target_share"]})
    return out.reset_index()
