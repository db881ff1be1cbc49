"""Named references: what the supply is compared against, switchable without breaking a table.

A reference turns into a need per region and year, ``reference_need(r, t)``; the gap against
it is ``reference_need - supply``. References::

    ``model``          zorgcap's own need (default).
    ``tno2019``        TNO capacity prognosis (report of 28 July 2020; the option keeps its
                       old name): 22,206 places short in 2025 and about 110,000 extra by 2040.
    ``ambition2025``   25,000 extra places by 2025 (2021 agreement).
    ``wozo2030``       40,000 extra places by 2030 (programme Wonen en Zorg voor Ouderen).
    ``ambition2031``   50,000 extra places by 2031.
    ``ratio75:N`` / ``ratio80:N``  a planning ratio: N places per 1,000 inhabitants aged 75+
                       (or 80+), as in Australia's planning ratios or Dutch norms of the past.

National targets are counted from their own base year ``b`` and in their own delivery forms
(``data_raw/reference_bases.csv``: TNO from 2018, places with stay; the 2021 agreement's
25,000 by 2025 and 50,000 by 2031 from 2021, all forms; WOZO's 40,000 from 2022, all forms).
The national reference need is

    N(t) = P_f(b) + E(t)

``P_f(b)`` the places in use in ``b`` in forms ``f`` (observed Wlz clients / occupancy,
:func:`zorgcap.forecast.delivery.places_in_use`) and ``E(t)`` the extra places: a straight line from
0 in ``b`` through each published figure, constant after the last one (``assumption
reference_path``). Per region, ``N(t)`` less the national base-year capacity in those forms
is shared by the region's share of the model's growth in need and added to its capacity:

    reference_need(r, t) = capacity_f(r) + (N(t) - capacity_f) * share(r, t)

and ``reference_gap = reference_need - supply_f`` (``f``: with stay, or all forms).
Values: ``data_raw/reference_figures.csv``.

:func:`national_references` sets the national rollup of a gap table next to each published
figure, counted from the figure's own base year in its own forms.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zorgcap.regions.codes import ZORGKANTOORREGIOS

from .assumption import RunText
from .io.datadir import data_raw_dir
from .schema import CLUSTERED_SHARE, OCCUPANCY

__all__ = ["reference_need", "REFERENCES", "describe", "bases", "forms", "extra_path",
           "national_references", "ref_year", "published", "require_all_regions"]

REFERENCES = {
    "model": (),
    "tno2019": ("tno_2019_shortage_2025", "tno_2019_extra_2040"),
    "ambition2025": ("ambition_2025",),
    "wozo2030": ("wozo_target_2030",),
    "ambition2031": ("ambition_2031",),
}


def _figures() -> pd.DataFrame:
    return pd.read_csv(data_raw_dir() / "reference_figures.csv").set_index("key")


def bases() -> pd.DataFrame:
    """Base year and delivery forms of each published national figure, with the reason
    (``data_raw/reference_bases.csv``): ``base_year`` [year], ``forms`` (``with_stay`` or
    ``all_forms``), ``why``; indexed by the figure's ``key`` in ``reference_figures.csv``."""
    return pd.read_csv(data_raw_dir() / "reference_bases.csv").set_index("key")


def _own(kind: str) -> pd.Series:
    """Base year and forms of a national-target reference (the same for all its figures)."""
    return bases().loc[REFERENCES[kind][0]]


def forms(reference: str) -> str:
    """``with_stay`` or ``all_forms``: the delivery forms a reference counts."""
    kind, _ = _parse(reference)
    return str(_own(kind)["forms"]) if REFERENCES.get(kind) else "with_stay"


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
        return RunText("reference_model")
    fig = _figures()
    own = _own(kind)
    counted = "places with stay" if own["forms"] == "with_stay" else "all delivery forms"
    return "; ".join(f"{fig.loc[k, 'value']:,.0f} {fig.loc[k, 'unit']} by "
                     f"{fig.loc[k, 'year']} ({k})" for k in REFERENCES[kind]) \
        + f"; counted from {own['base_year']} in {counted}"


def extra_path(reference: str, years, base: int | None = None) -> np.ndarray:
    """National extra places E(t) of a national-target reference for ``years`` [places],
    from 0 in ``base`` (default: the reference's own base year)."""
    fig = _figures()
    base = int(_own(reference)["base_year"]) if base is None else base
    points = [(base, 0.0)] + sorted((int(fig.loc[k, "year"]), float(fig.loc[k, "value"]))
                                    for k in REFERENCES[reference])
    xs, ys = zip(*points, strict=True)
    return np.interp(years, xs, ys)  # constant after the last point


def reference_need(gap: pd.DataFrame, reference: str = "model", occupancy: float = OCCUPANCY,
                   clustered_share: float = CLUSTERED_SHARE, data=None) -> pd.Series:
    """``reference_need`` for each row of a gap table (same index) [places].

    National targets (module docstring) need the gap table's ``capacity`` and, for
    references counted in all forms, ``capacity_clustered``; ``occupancy`` [fraction] and
    ``clustered_share`` [fraction of VPT clients] turn the observed clients of the
    reference's base year into places in use (:func:`zorgcap.forecast.delivery.places_in_use`).
    """
    kind, ratio = _parse(reference)
    if kind == "model":
        return gap["need"].copy()
    if ratio is not None:
        col = f"persons_{kind[5:]}plus"
        if col not in gap:
            raise ValueError(f"the gap table has no column {col!r}: build it from a demand "
                             "frame of this version of zorgcap")
        return gap[col] * ratio / 1000
    from .delivery import in_forms, places_in_use

    years = sorted(gap["year"].unique())
    own = _own(kind)
    f = str(own["forms"])
    capacity, need = in_forms(gap, "capacity", f), in_forms(gap, "need", f)
    national = places_in_use(int(own["base_year"]), occupancy, clustered_share, data)[f] \
        + extra_path(kind, years)
    base = min(years)
    cap_national = float(capacity[gap["year"] == base].sum())
    growth = (need - capacity).clip(lower=0)
    share = growth / growth.groupby(gap["year"]).transform("sum").replace(0, np.nan)
    base_share = gap.loc[gap["year"] == base].set_index("zk_code")["need"]
    base_share = gap["zk_code"].map(base_share / base_share.sum())
    share = share.fillna(base_share)  # before any growth: by need
    extra = gap["year"].map(dict(zip(years, national - cap_national, strict=True)))
    return capacity + extra * share


def national_references(gap: pd.DataFrame, occupancy: float = OCCUPANCY,
                        clustered_share: float = CLUSTERED_SHARE, data=None) -> pd.DataFrame:
    """National rollup next to the public reference figures, each counted from its own base
    year and in its own delivery forms (``data_raw/reference_bases.csv``), with definitions.

    ``zorgcap`` is the model's need in the figure's year minus the places in use in the
    figure's base year (observed clients / occupancy,
    :func:`zorgcap.forecast.delivery.places_in_use`), in places with stay or in all forms; for
    the plans of 2021-2025 it is the places realised from 2021 to the base year plus the
    expected places from plans to 2025.
    """
    from .delivery import in_forms, places_in_use

    require_all_regions(gap, "the reference figures are national")
    ref = _figures()
    own = bases()
    base = int(gap["year"].min())
    nat = gap.groupby("year")[["need", "supply", "capacity", "need_clustered",
                               "supply_clustered", "capacity_clustered"]].sum()
    labels = {
        "tno_2019_shortage_2025": "TNO capacity prognosis: places short in 2025",
        "ambition_2025": "Ambition: 25,000 extra places 2021-2025 (all forms)",
        "zn_plans_2021_2025": "ZN monitor 2021: plans 2021-2025",
        "wozo_target_2030": "WOZO: 40,000 extra places by 2030",
        "wozo_opgave_2030": "WOZO opgave: 50,000 places to 2030",
        "ambition_2031": "Ambition: 50,000 places by 2031",
        "tno_2019_extra_2040": "TNO capacity prognosis: about 110,000 extra places by 2040",
    }
    rows = []
    for key, label in labels.items():
        year, b, f = int(ref["year"][key]), int(own.loc[key, "base_year"]), own.loc[key, "forms"]
        in_use = places_in_use(b, occupancy, clustered_share, data)[f]
        form_text = "places with stay" if f == "with_stay" else \
            "places with stay + clustered VPT places"
        if year not in nat.index:
            value, definition = np.nan, f"outside the run ({base}-{nat.index.max()})"
        elif key == "zn_plans_2021_2025":
            value = (places_in_use(base, occupancy, clustered_share, data)[f] - in_use
                     + in_forms(nat, "supply", f)[year] - in_forms(nat, "capacity", f)[base])
            definition = (f"{form_text}: in use {base} minus in use {b} (observed) plus "
                          f"expected places from plans {base}-{year}")
        else:
            value = float(in_forms(nat, "need", f)[year]) - in_use
            definition = (f"{form_text}: need {year} (incl. waiting list) minus places in "
                          f"use in {b} ({in_use:,.0f}, observed clients / occupancy)")
        rows.append({"key": key, "reference": label, "year": year, "base_year": b,
                     "forms": f, "base_in_use": in_use, "published": float(ref["value"][key]),
                     "zorgcap": value, "zorgcap_definition": definition})
    return pd.DataFrame(rows)


def ref_year(key: str) -> int:
    """The year a published reference figure is for (``reference_figures.csv``) [year]."""
    return int(_figures().loc[key, "year"])


def published(key: str) -> float:
    """The value of a published reference figure (``reference_figures.csv``) [places]."""
    return float(_figures().loc[key, "value"])


def require_all_regions(gap: pd.DataFrame, why: str) -> None:
    """Refuse a gap table without all 31 zorgkantoorregio's: national figures (targets,
    references) are shared over all of them; ``why`` says so in the message."""
    n = gap["zk_code"].nunique()
    if set(gap["zk_code"]) != set(ZORGKANTOORREGIOS):
        raise ValueError(f"the gap table covers {n} of the 31 zorgkantoorregio's, but {why}: "
                         "pass the full table and select regions from the result")
