"""The gap between need and supply per zorgkantoorregio per year, and the national targets.

Arithmetic (per region r and year t; all in places)::

    need(r,t)     = places_needed(r,t) * (1 + w_r)          w_r = W_r / C_r
    supply(r,t)   = capacity(r) + sum_{plans of r} sign * places * p(status)
                                   * P(delay <= t - year_ready)
    gap(r,t)      = need(r,t) - supply(r,t)                 > 0: places short
    p_short(r,t)  = share of Monte Carlo draws with need > supply, where each draw also draws
                    whether each plan is realised (probability by status) and its delay
                    (Poisson, mean by status); p_closed = 1 - p_short: the probability that
                    the region's shortage is closed in year t

``W_r`` is region r's part of the V&V waiting list of people who need a place now (urgent and
active placement; mean of the base year's quarters) and ``C_r`` its clients with stay of the
base year: unmet demand grows with the region's demand (``assumption waiting_list_share``).
``W_r`` comes from a planner's regional file (template ``data_raw/templates/waiting_list.csv``)
where given; the rest of the national list (``data_raw/waiting_lists.csv``) is allocated to
the other regions in proportion to their clients in care in the base year (named assumption
``waiting_by_clients``; nothing is allocated by a modelled shortfall). Only plans with
delivery form ``with_stay`` add places with stay; ``sign`` is -1 for closures.

The base year (issue 27): ``capacity(r)`` is the places in use on 1 January of the base
year - a planner's capacity file, or the estimate ``capacity_from_clients`` = the region's
observed base-year clients with stay / occupancy, the same observation the need starts from
(:mod:`zorgcap.forecast.intensity`, "Base year and growth"). Without planner files every region's
base-year gap is therefore exactly ``W_r / occupancy``: the places its waiting list needs.
A plan whose ``year_ready`` is the base year or earlier is part of that capacity and is not
added again (``plans_in_base_capacity`` says how many places of the plans this concerns).

Staff as a second limit (:mod:`zorgcap.forecast.staff`): ``fte_needed = need x fte_per_place``
(``assumption fte_per_place``, default 1.2, weighed from the zzp care hours in
``data_raw/staff_ratios.csv``; settable), ``fte_available`` from the base-year places grown
by a workforce scenario (``letters``: the 2017-2020 growth of the ministry's letters goes on,
an upper bound; ``replacement``: no net growth) or a planner's workforce file,
``places_staffable``, ``places_usable = min(supply_with_stay, places_staffable)``,
``gap_usable = need - places_usable`` and ``binding_limit`` (building, staff or none) per
region and year, for places with stay.

All delivery forms (issue 19; :mod:`zorgcap.forecast.delivery`): the ambition of 25,000 places
counts places with stay and clustered VPT places. Per region and year::

    need_clustered(r,t)   = clients_at_home(r,t) * vpt_share * clustered_share / occupancy
    supply_clustered(r,t) = clustered capacity(r) + expected clustered plans (forms
                            ``geclusterd`` and ``vpt``, same realisation and delay rules)
    gap_with_stay         = gap (above)
    gap_all_forms         = need + need_clustered - supply_with_stay - supply_clustered

The occupancy is the demand frame's own (clients with stay / places needed). The waiting
list adds to the need for places with stay only (people wait for a nursing-home place).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zorgcap.regions.codes import ZORGKANTOORREGIOS

from .delivery import (
    CLUSTERED_FORMS,
    check_clustered_share,
    clustered_need,
    in_forms,
    vpt_share_of_home,
)
from .errors import InputError, display_path, expected
from .io.datadir import data_raw_dir
from .realisation import status_assumptions
from .references import describe, reference_need
from .references import forms as ref_forms
from .schema import CLUSTERED_SHARE, DEMAND_BASE_YEAR, FTE_PER_PLACE, OCCUPANCY, SEED, STEP_YEARS
from .staff import (
    WorkforceScenario,
    read_workforce_file,
    staff_assumptions,
    staff_limit,
    workforce_scenario,
)
from .supply import (
    allocate_waiting,
    base_waiting,
    estimate_capacity,
    estimate_plans,
    national_plans,
    plan_shares,
    plan_status,
    read_capacity,
    read_plans,
    read_regional_waiting,
)
from .validation import check_closures

#: Plans of regions without rows in a plans file (default first): ``estimate`` their share of
#: the national estimate ``plans_from_national``, ``none`` no plans.
PLANS_ELSEWHERE = ("estimate", "none")

__all__ = ["compare_capacity", "supply_gap", "GapRun", "check_demand_frame", "ambition_2025",
           "target_progress", "targets", "TARGETS", "staff_binding",
           "national_references", "explain_2025", "explanation_figures", "explanation_text",
           "STEP_YEARS",
           "FTE_PER_PLACE"]



def _signed_places(plans: pd.DataFrame) -> pd.Series:
    """Places of each plan, negative for closures."""
    return plans["places"] * np.where(plans["kind"] == "closure", -1.0, 1.0)


WITH_STAY = ("with_stay",)


def _with_stay(plans: pd.DataFrame, status: pd.DataFrame, forms=WITH_STAY) -> pd.DataFrame:
    """The plans of delivery ``forms`` with their realisation probability and mean delay."""
    if plans is None or plans.empty:
        return pd.DataFrame(columns=["zk_code", "project_id", "year_ready", "signed", "p",
                                     "delay"])
    # per region where the status frame has regions (learned rates apply where learned)
    p = plans.merge(status, on=[c for c in ("zk_code", "status") if c in status], how="left")
    p = p[p["delivery_form"].isin(forms)]
    return pd.DataFrame({"zk_code": p["zk_code"], "project_id": p["project_id"].astype(str),
                         "year_ready": p["year_ready"], "signed": _signed_places(p),
                         "p": p["realisation_probability"], "delay": p["delay_mean_years"]})


def _expected_plans(plans: pd.DataFrame, status: pd.DataFrame, codes, years,
                    forms=WITH_STAY) -> np.ndarray:
    """Expected places of delivery ``forms`` added by plans up to each year: (year, region).

    A plan adds ``places * p(status) * P(delay <= t - year_ready)`` by year t, the delay
    being Poisson with the status's mean (:func:`zorgcap.forecast.supply.plan_status`).
    """
    from scipy.special import pdtr  # Poisson CDF, without importing scipy.stats (0.4 s)

    p = _with_stay(plans, status, forms)
    col = {c: i for i, c in enumerate(codes)}
    out = np.zeros((len(years), len(codes)))
    for r in p.itertuples():
        waited = np.asarray(years) - r.year_ready
        reached = np.where(waited >= 0, pdtr(np.maximum(waited, 0), r.delay), 0.0) \
            if r.delay > 0 else (waited >= 0).astype(float)
        out[:, col[r.zk_code]] += r.signed * r.p * reached
    return out


def _plan_draws(plans, status, codes, years, draws: int, seed: int,
                forms=WITH_STAY) -> np.ndarray:
    """Places added by plans per draw (draw, year, region): realised or not, and when.

    Each plan draws from its own random stream, seeded by ``seed`` and the plan's region and
    ``project_id`` (CRC-32), so its draws do not depend on which other plans are counted: a
    region absent from a planner's file keeps the draws (and ``p_short``) of a run without
    the file (common random numbers).
    """
    from zlib import crc32

    p = _with_stay(plans, status, forms)
    col = {c: i for i, c in enumerate(codes)}
    out = np.zeros((draws, len(years), len(codes)))
    years = np.asarray(years)
    for r in p.itertuples():
        rng = np.random.default_rng([seed, crc32(f"{r.zk_code}|{r.project_id}".encode())])
        realised = rng.random(draws) < r.p
        ready = r.year_ready + rng.poisson(r.delay, draws)
        out[:, :, col[r.zk_code]] += (r.signed * realised[:, None]
                                      * (years[None] >= ready[:, None]))
    return out


_KEYS = ["year", "zk_code", "zk_name", "scenario", "places_needed", "clients_with_stay",
         "clients_at_home"]


def check_demand_frame(demand: pd.DataFrame, places_draws=None) -> None:
    """Refuse a demand frame that :func:`compare_capacity` cannot handle exactly.

    Raises :class:`ValueError` that says what to do: missing columns, more than one
    scenario, a region or year missing or doubled, or draws of another shape.
    """
    if not isinstance(demand, pd.DataFrame):
        raise ValueError(f"`demand` was a {type(demand).__name__} but is expected to be the "
                         "DataFrame of zorgcap.forecast.project_demand")
    missing = [c for c in _KEYS if c not in demand]
    if missing:
        raise ValueError(f"the demand frame has no column(s) {missing}: pass the frame of "
                         "zorgcap.forecast.project_demand unchanged")
    scenarios = demand["scenario"].unique()
    if len(scenarios) != 1:
        raise ValueError(f"the demand frame holds {len(scenarios)} scenarios "
                         f"({', '.join(map(str, scenarios))}); compare one scenario at a time")
    codes = set(demand["zk_code"])
    if codes != set(ZORGKANTOORREGIOS):
        raise ValueError(
            f"the demand frame covers {len(codes)} of the 31 zorgkantoorregio's: the national "
            "waiting list, plan estimates and references are shared over all 31 regions, so "
            "a subset would get wrong numbers. Pass the full frame and select regions from "
            "the result, or use zorgcap.forecast.ForecastChain(ChainConfig(regions=[...])).run()")
    years = sorted(demand["year"].unique())
    if years != list(range(years[0], years[-1] + 1)) or \
            demand.duplicated(["year", "zk_code"]).any() or len(demand) != 31 * len(years):
        raise ValueError("the demand frame needs exactly one row per year and region, for "
                         "consecutive years from the base year; pass the frame of "
                         "zorgcap.forecast.project_demand unchanged")
    if places_draws is not None:
        shape = np.shape(places_draws)
        if len(shape) != 3 or shape[1:] != (len(years), 31):
            raise ValueError(f"`places_draws` has shape {shape} but is expected to be (draws, "
                             f"{len(years)} years, 31 regions): pass DemandRun.places_draws "
                             "of the same run")


@dataclass(frozen=True)
class GapRun:
    """Everything :func:`supply_gap` computes; :func:`compare_capacity` returns ``frame``.

    Attributes
    ----------
    frame : pandas.DataFrame
        Gap per year x region (columns: see :func:`compare_capacity`).
    plans : pandas.DataFrame
        The plans counted (a planner's file or the named estimate): ``project_id, zk_code,
        year_ready, places, delivery_form, status, kind, plans_source``.
    unmet_share : float
        ``w``: the national waiting list as a share of national demand [fraction].
    parameters : dict
        The settings of the comparison (JSON-serialisable).
    assumptions : dict
        Named assumptions (name -> text).
    unmet_shares : pandas.Series
        ``w_r`` by ``zk_code``: each region's waiting list as a share of its demand
        [fraction] (what :func:`zorgcap.forecast.decompose.decompose` takes).
    """

    frame: pd.DataFrame
    plans: pd.DataFrame
    unmet_share: float
    parameters: dict
    assumptions: dict
    unmet_shares: pd.Series | None = None


def compare_capacity(demand: pd.DataFrame, **options) -> pd.DataFrame:
    """Gap per region per year from a :func:`zorgcap.forecast.demand.project_demand` frame.

    The options are those of :func:`supply_gap` (one signature serves both), by keyword:

    Parameters
    ----------
    demand : pandas.DataFrame
        Output of ``project_demand`` (one scenario, all 31 regions).
    capacity : str, Path or DataFrame, optional
        Capacity file (template ``data_raw/templates/capacity.csv``); default: estimate.
    plans : str, Path or DataFrame, optional
        Build plans (template ``data_raw/templates/build_plans.csv``); default: estimate.
        A file covers the regions it has rows for (a row with ``places`` 0 declares a
        region without plans); see ``plans_elsewhere`` for the others.
    plans_elsewhere : {"estimate", "none"}
        Plans of the regions without rows in ``plans``: ``estimate`` (default) exactly the
        plans they get without a file (their share of ``plans_from_national``, labelled
        ``ESTIMATE plans_from_national``); ``none`` no plans (``plans_source`` ``none``).
        With ``plans=None``, ``none`` means no plans in any region.
    status_file : str or Path, optional
        Realisation probability per status (default ``data_raw/plan_status.csv``).
    waiting : {"urgent_plus_actief", "total", None}
        Waiting list counted as unmet demand in the base year (None: none).
    fte_per_place : float
        Care staff per place [fte per place].
    reference : str
        What supply is compared against in ``reference_need`` / ``reference_gap``
        (:mod:`zorgcap.forecast.references`: model, tno2019, ambition2025, wozo2030,
        ambition2031, ratio75:N, ratio80:N).
    seed : int
        Seed of the draws of plan realisation and delay (with ``places_draws``).
    places_draws : numpy.ndarray, optional
        Places needed per draw (draw, year, region) of the same run
        (:attr:`zorgcap.forecast.demand.DemandRun.places_draws`): gives ``p_short``.
    waiting_file : str or Path, optional
        A planner's regional waiting list (template ``data_raw/templates/waiting_list.csv``);
        regions without one get their share of the national list by clients in care.
    data : str or Path, optional
        Data directory searched first (the 2014 regional counts).
    clustered_share : float
        Share of VPT clients living clustered [fraction] (:mod:`zorgcap.forecast.delivery`).
    workforce : str or zorgcap.forecast.staff.WorkforceScenario
        Workforce scenario of the staff limit: ``letters`` (default), ``replacement`` or
        a :class:`zorgcap.forecast.staff.WorkforceScenario`.
    workforce_file : str, Path or DataFrame, optional
        A planner's fte per region (template ``data_raw/templates/workforce.csv``).

    Returns
    -------
    pandas.DataFrame
        ``year, zk_code, zk_name, scenario, places_needed, need`` [places], ``capacity``,
        ``plans_expected``, ``supply``, ``gap`` [places; + = short], bands ``gap_lo_<level>,
        gap_hi_<level>`` where the demand has bands, ``p_short``, ``p_closed`` [probability]
        with ``places_draws``, ``reference``, ``reference_need``, ``reference_gap``
        [places], ``fte_needed``, ``fte_gap`` [fte], ``capacity_source``, ``plans_source``
        (``ESTIMATE …`` where no planner file was given); all delivery forms:
        ``need_clustered``, ``capacity_clustered``, ``plans_clustered_expected``,
        ``supply_with_stay``, ``supply_clustered``, ``gap_with_stay``, ``gap_all_forms``
        [places], ``clustered_source``; the staff limit: ``fte_available`` [fte],
        ``fte_source``, ``places_staffable, places_usable, gap_usable`` [places],
        ``binding_limit`` (see :data:`zorgcap.forecast.schema.GAP_COLUMNS`).
    """
    return supply_gap(demand, **options).frame


def supply_gap(demand: pd.DataFrame, capacity=None, plans=None, status_file=None,
               waiting: str | None = "urgent_plus_actief",
               fte_per_place: float = FTE_PER_PLACE, reference: str = "model",
               seed: int = SEED, places_draws=None,
               data=None, waiting_file=None,
               clustered_share: float = CLUSTERED_SHARE, workforce="letters",
               workforce_file=None, plans_elsewhere: str = "estimate") -> GapRun:
    """:func:`compare_capacity` with the plans, waiting share and assumptions it used.

    Regions without a capacity file get ``capacity_from_clients`` (labelled ESTIMATE): the
    places in use of the base year, from the same observed level as the need
    (:func:`zorgcap.forecast.supply.estimate_capacity`). ``data``: the data directory.
    ``waiting_file``: a planner's regional waiting list
    (:func:`zorgcap.forecast.supply.read_regional_waiting`); the rest of the national list goes to
    the other regions by their clients in care (module docstring).

    Build plans: without a file, every region gets its share of the national estimate
    ``plans_from_national`` (:func:`zorgcap.forecast.supply.estimate_plans`, shares by
    :func:`zorgcap.forecast.supply.plan_shares`). A planner's file replaces the plans of the
    regions it has rows for, and only of those: with ``plans_elsewhere="estimate"``
    (default) every other region gets exactly the plans it gets without any file, labelled
    ``ESTIMATE plans_from_national``; with ``"none"`` the others have no plans. A file with
    a header and no rows says "no plans" in every region.

    Why the full share and not the rest of the national total: the ZN Regiomonitor 2022
    total (7,000 places 2023-2027) includes the plans of the file's regions, so one could
    give the other regions ``7,000 - the file's plans``. But the file's plans are not the
    monitor's count of those regions (other dates, statuses and forms), and the rest would
    make every region's number depend on which other regions a planner entered, and go
    negative where a file lists more than the region's share. Keeping each absent region at
    its own share keeps regions independent (adding ZK08's file changes ZK08 only), as the
    capacity estimate does for regions absent from a capacity file; the national plans
    total is then the file's plans plus the others' estimate (it may differ from 7,000 by
    the file regions' difference from their share).
    """
    if isinstance(demand, pd.DataFrame) and demand.empty:
        raise ValueError("`demand` was an empty DataFrame but is expected to be the frame of "
                         "zorgcap.forecast.project_demand (one row per year and region)")
    check_demand_frame(demand, places_draws)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"`seed` was {seed!r} but is expected to be a whole number >= 0")
    if isinstance(fte_per_place, bool) or not isinstance(
            fte_per_place, (int, float, np.integer, np.floating)):
        raise ValueError(f"`fte_per_place` was {fte_per_place!r} but is expected to be a "
                         "positive number of fte per place")
    if plans_elsewhere not in PLANS_ELSEWHERE:
        raise ValueError(f"`plans_elsewhere` was {plans_elsewhere!r} but is expected to be "
                         f"one of {list(PLANS_ELSEWHERE)}")
    if waiting not in (None, "urgent_plus_actief", "total"):
        raise ValueError(f"`waiting` was {waiting!r} but is expected to be one of "
                         "['urgent_plus_actief', 'total', None]")
    if not np.isfinite(fte_per_place) or fte_per_place <= 0:
        raise ValueError(f"`fte_per_place` was {fte_per_place} but is expected to be a "
                         "positive number of fte per place")
    describe(reference)  # an unknown reference fails before any work
    clustered_share = check_clustered_share(clustered_share)
    if not isinstance(workforce, WorkforceScenario):
        workforce_scenario(workforce)  # an unknown name fails before any work
    regional_fte = _regional_fte(workforce_file)
    # places_draws follow the region order of the demand frame's rows (as returned)
    run_codes = list(pd.unique(demand["zk_code"]))
    demand = demand.sort_values(["year", "zk_code"]).reset_index(drop=True)
    base_year = int(demand["year"].min())
    years = sorted(demand["year"].unique())
    codes = sorted(demand["zk_code"].unique())
    wide = demand.pivot(index="year", columns="zk_code", values="places_needed")[codes]
    clients = demand.pivot(index="year", columns="zk_code", values="clients_with_stay")[codes]
    if capacity is None:
        cap = estimate_capacity(wide.loc[base_year])
    else:  # a file or a DataFrame, under the same schema (zorgcap.forecast.validation)
        cap = read_capacity(capacity, base_year)
    missing = sorted(set(codes) - set(cap["zk_code"]))
    if missing:  # regions absent from the planner's file get the estimate, labelled
        est = estimate_capacity(wide.loc[base_year, missing])
        cap = pd.concat([cap, est], ignore_index=True)
    cap = cap.set_index("zk_code").loc[codes]
    persons = pd.Series(0.0, index=codes)  # waiting in the base year [persons]
    w_source = pd.Series("none", index=codes, dtype=object)
    if waiting:
        total_w = base_waiting(base_year, waiting)
        given = (read_regional_waiting(waiting_file, base_year).set_index("zk_code")
                 if waiting_file is not None else pd.DataFrame(columns=[waiting]))
        rest = [c for c in codes if c not in given.index]
        persons[given.index] = given[waiting].astype(float)
        w_source[given.index] = given["waiting_source"] if len(given) else []
        if rest:
            left = max(total_w - float(persons[given.index].sum()), 0.0)
            persons[rest] = allocate_waiting(left, clients.loc[base_year, rest])
            w_source[rest] = "ESTIMATE waiting_by_clients"
    c_base = clients.loc[base_year].to_numpy(float)
    # (region,); a region without clients has no demand for the list to be a share of
    w_r = np.divide(persons.to_numpy(float), c_base, out=np.zeros(len(codes)),
                    where=c_base > 0)
    if waiting and waiting_file is not None:
        _check_waiting_below_clients(persons, pd.Series(c_base, index=codes), given.index,
                                     waiting, base_year, waiting_file)
    w = float(persons.sum() / c_base.sum()) if c_base.sum() > 0 else 0.0  # national share
    plan_frame, estimated = _plans(plans, plans_elsewhere, wide, base_year, max(years))
    # learned from vintages, in the regions they were learned from only (issue 31)
    status = plan_status(status_file, history=plans, regions=codes)
    # a plan ready in or before the base year is in the capacity of 1 January of the base
    # year (the capacity's date): counted there, not added again
    in_base = plan_frame["year_ready"].astype(int) <= base_year if len(plan_frame) else []
    counted = plan_frame[~np.asarray(in_base, bool)] if len(plan_frame) else plan_frame
    check_closures(cap.reset_index(), counted,
                   file=None if isinstance(plans, pd.DataFrame) or plans is None
                   else display_path(plans))
    expected = _expected_plans(counted, status, codes, years)
    need = wide.to_numpy() * (1 + w_r[None])
    supply = cap["places_with_stay"].to_numpy()[None] + expected
    gap = need - supply
    # clustered VPT places (zorgcap.forecast.delivery), at the demand frame's own occupancy
    base_places = float(wide.loc[base_year].sum())
    occupancy = float(clients.loc[base_year].sum()) / base_places if base_places > 0 else 1.0
    home = demand.pivot(index="year", columns="zk_code", values="clients_at_home")[codes]
    need_cl = clustered_need(home.to_numpy(float), occupancy, clustered_share, data=data)
    cap_cl = cap["vpt_capacity"].to_numpy(float)
    cl_estimated = ~np.isfinite(cap_cl)
    cap_cl = np.where(cl_estimated, need_cl[0], cap_cl)
    check_closures(pd.DataFrame({"zk_code": codes, "capacity_clustered": cap_cl}), counted,
                   file=None if isinstance(plans, pd.DataFrame) or plans is None
                   else display_path(plans), forms=CLUSTERED_FORMS,
                   column="capacity_clustered", what="clustered VPT places")
    expected_cl = _expected_plans(counted, status, codes, years, CLUSTERED_FORMS)
    supply_cl = cap_cl[None] + expected_cl
    scenario = workforce if isinstance(workforce, WorkforceScenario) else workforce_scenario(
        workforce, fte_per_place=fte_per_place, occupancy=occupancy)
    idx = pd.MultiIndex.from_product([years, codes], names=["year", "zk_code"])
    out = pd.DataFrame({"places_needed": wide.to_numpy().ravel(), "need": need.ravel(),
                        "capacity": np.broadcast_to(cap["places_with_stay"].to_numpy(),
                                                    need.shape).ravel(),
                        "plans_expected": expected.ravel(), "supply": supply.ravel(),
                        "gap": gap.ravel(), "need_clustered": need_cl.ravel(),
                        "capacity_clustered": np.broadcast_to(cap_cl, need.shape).ravel(),
                        "plans_clustered_expected": expected_cl.ravel(),
                        "supply_with_stay": supply.ravel(), "supply_clustered": supply_cl.ravel(),
                        "gap_with_stay": gap.ravel(),
                        "gap_all_forms": (need + need_cl - supply - supply_cl).ravel()},
                       index=idx).reset_index()
    meta = demand[["year", "zk_code", "zk_name", "scenario"]]
    out = meta.merge(out, on=["year", "zk_code"])
    for col in demand.columns:
        band = col.removeprefix("places_needed_")
        if col.startswith("places_needed_") and band[:3] in ("lo_", "hi_"):
            b = demand.pivot(index="year", columns="zk_code", values=col)[codes].to_numpy()
            out[f"gap_{band}"] = (b * (1 + w_r[None]) - supply).ravel()
    if places_draws is not None:  # demand draws against plan draws (realisation and delay)
        draws = np.asarray(places_draws)[:, :, [run_codes.index(c) for c in codes]]
        supply_d = (cap["places_with_stay"].to_numpy()[None, None]
                    + _plan_draws(counted, status, codes, years, draws.shape[0], seed))
        short = (draws * (1 + w_r[None, None]) > supply_d).mean(axis=0)
        out["p_short"] = short.ravel()
        out["p_closed"] = 1 - out["p_short"]
    for col in ("persons_75plus", "persons_80plus", "persons_85plus", "oosr"):
        if col in demand:
            out[col] = demand.set_index(["year", "zk_code"])[col].reindex(
                pd.MultiIndex.from_frame(out[["year", "zk_code"]])).to_numpy()
    staff = staff_limit(out, scenario, fte_per_place, base_year, regional_fte,
                        need="need", supply="supply_with_stay")
    out["fte_needed"] = staff["fte_needed"]
    out["fte_gap"] = out["gap"] * fte_per_place
    for col in ("fte_available", "fte_source", "places_staffable", "places_usable",
                "gap_usable", "binding_limit"):
        out[col] = staff[col]
    out["reference"] = reference
    out["reference_need"] = reference_need(out, reference, occupancy, clustered_share,
                                           data).to_numpy()
    out["reference_gap"] = out["reference_need"] - in_forms(out, "supply", ref_forms(reference))
    out["capacity_source"] = out["zk_code"].map(cap["capacity_source"])
    cl_source = pd.Series(np.where(cl_estimated, "ESTIMATE clustered_from_clients",
                                   cap["capacity_source"].astype(str)), index=codes)
    out["clustered_source"] = out["zk_code"].map(cl_source)
    out["waiting_base"] = out["zk_code"].map(persons).astype(float)
    out["waiting_source"] = out["zk_code"].map(w_source)
    sources = plan_frame.groupby("zk_code")["plans_source"].first() if len(plan_frame) else {}
    out["plans_source"] = out["zk_code"].map(sources).astype(object).fillna("none")
    v_share = vpt_share_of_home(data=data)
    parameters = {"base_year": base_year, "waiting": waiting, "unmet_share": w,
                  "clustered_share": clustered_share, "vpt_share_of_home": v_share,
                  "fte_per_place": fte_per_place, "workforce": scenario.name,
                  "workforce_net_growth": scenario.net_growth, "reference": reference,
                  "reference_description": describe(reference),
                  "scenario": str(demand["scenario"].iloc[0]), "plan_seed": seed,
                  "plans_elsewhere": plans_elsewhere}
    assumptions = {
        "waiting_list_share": f"unmet demand: the {waiting or 'no'} waiting list of "
                              f"{base_year} ({100 * w:.1f}% of national demand), per region "
                              "a constant share of its demand",
        **({"waiting_by_clients": "the national waiting list (less a planner's regional "
            f"counts) allocated to regions in proportion to their clients in care in {base_year}"}
           if waiting and (w_source.str.startswith("ESTIMATE")).any() else {}),
        **_in_base_text(plan_frame, in_base, base_year),
        **staff_assumptions(scenario, fte_per_place, occupancy),
        **status_assumptions(status),  # realisation_probability, plan_delay, *_from_history
        **({"capacity_from_clients": f"capacity = the places in use on 1 January {base_year}: "
            "the region's clients with stay in that year / occupancy, from the same observed "
            "level as its need (no base-year difference but the waiting list)"}
           if (cap["capacity_source"] == "ESTIMATE capacity_from_clients").any() else {}),
        **({"plans_from_national": _plans_text(base_year) + (
            "" if plans is None else f"; in the {len(estimated)} regions without rows in the "
                                     f"plans file: {', '.join(estimated)}")}
           if estimated else {}),
        "vpt_share_of_home": f"VPT clients are {100 * v_share:.1f}% of the clients at home "
                             f"(VPT + MPT) in every region and year, as nationally in "
                             f"{DEMAND_BASE_YEAR} (CBS 84529NED)",
        "clustered_share_of_vpt": f"{100 * clustered_share:.0f}% of VPT clients live "
                                  "clustered and need a clustered place (CBS 84529NED does "
                                  "not split VPT; no retrievable public figure; settable "
                                  "with --clustered-share)",
        **({"clustered_from_clients": "clustered VPT places in the base year = the need "
            "for them (no vpt_capacity in a capacity file)"} if cl_estimated.any() else {}),
        **_base_year_assumptions(),
        "targets_from_own_base": "per region, a target's base-year need is the region's "
                                 f"{base_year} need scaled by the national growth of places "
                                 "in use since then, and the places realised before "
                                 f"{base_year} are shared by capacity (no regional counts of "
                                 "those years)",
    }
    return GapRun(frame=out, plans=plan_frame, unmet_share=w, parameters=parameters,
                  assumptions=assumptions,
                  unmet_shares=pd.Series(w_r, index=codes, name="unmet_share"))


_PLAN_COLUMNS = ["project_id", "zk_code", "year_ready", "places", "delivery_form", "status",
                 "kind", "plans_source"]


def _plans(plans, plans_elsewhere: str, wide: pd.DataFrame, base_year: int,
           last_year: int) -> tuple[pd.DataFrame, list]:
    """The plans counted and the regions whose plans are the estimate.

    A planner's rows for the regions of the file, and for the other regions the estimate
    ``plans_from_national`` (``plans_elsewhere="estimate"``) or none. ``wide``: places
    needed by year x ``zk_code`` (all 31 regions) [places]. The estimate of a region is the
    same with or without a file (:func:`supply_gap`, on the share).
    """
    given = None if plans is None else read_plans(plans, base_year, last_year)
    if given is not None and given.empty:  # a header and no rows: "no plans" anywhere
        return given, []
    covered = set() if given is None else set(given["zk_code"])
    rest = [c for c in wide.columns if c not in covered]
    if plans_elsewhere == "none" or not rest:
        return (pd.DataFrame(columns=_PLAN_COLUMNS) if given is None else given), []
    estimate = estimate_plans(plan_shares(wide, base_year), base_year)
    estimate = estimate[estimate["zk_code"].isin(rest)]
    frame = estimate if given is None else pd.concat([given, estimate], ignore_index=True)
    return frame.reset_index(drop=True), rest


def _in_base_text(plans: pd.DataFrame, in_base, base_year: int) -> dict:
    """The named assumption ``plans_in_base_capacity`` when plans are ready by the base year."""
    if not len(plans) or not np.asarray(in_base, bool).any():
        return {}
    done = plans[np.asarray(in_base, bool) & (plans["status"] != "cancelled").to_numpy()]
    if done.empty:  # only cancelled plans (issue 31): nothing is in the capacity
        return {}
    places = float(_signed_places(done).sum())
    open_ = done[done["status"] != "realised"]
    text = (f"{len(done)} plans ({places:,.0f} places) are ready in {base_year} or before: "
            f"they are part of the capacity of 1 January {base_year} and not added again")
    if len(open_):
        text += (f"; {len(open_)} of them ({float(_signed_places(open_).sum()):,.0f} places) "
                 "are not realised: give them a later year_ready if they are not open yet")
    return {"plans_in_base_capacity": text}


def _base_year_assumptions() -> dict:
    """The base years of published figures that are assumptions, not stated in a source
    (``data_raw/reference_bases.csv``: the reason starts with ``ASSUMPTION``)."""
    from .references import bases

    b = bases()
    out = {}
    for key, row in b[b["why"].str.startswith("ASSUMPTION")].iterrows():
        name = row["why"].split(":", 1)[0].removeprefix("ASSUMPTION").strip()
        out[name] = f"{key} counted from {row['base_year']}: " + row["why"].split(":", 1)[1].strip()
    return out


def _regional_fte(workforce_file) -> pd.DataFrame | None:
    """A planner's fte per region: a file (:func:`zorgcap.forecast.staff.read_workforce_file`), a
    frame of the same columns, or None."""
    if workforce_file is None or isinstance(workforce_file, pd.DataFrame):
        return workforce_file
    return read_workforce_file(workforce_file)


def staff_binding(gap: pd.DataFrame, fte_per_place: float = FTE_PER_PLACE,
                  workforce_file=None, scenarios=None,
                  occupancy: float = OCCUPANCY) -> pd.DataFrame:
    """Which limit binds, where and when, under each named workforce scenario.

    ``gap``: a :func:`compare_capacity` frame (``need``, ``supply_with_stay``,
    ``capacity``); ``scenarios``: names of :data:`zorgcap.forecast.staff.WORKFORCE_SCENARIOS`
    (default all: ``letters``, the upper bound, and ``replacement``, no net growth);
    ``fte_per_place`` [fte per place] and ``occupancy`` [fraction] as the run's.

    Returns ``workforce, zk_code, zk_name, first_short, first_building, first_staff``
    [year; <NA> if never], ``years_building, years_staff`` [years], ``last_limit``
    (:func:`zorgcap.forecast.staff.binding_years` per scenario).
    """
    from .staff import WORKFORCE_SCENARIOS, binding_years

    regional_fte = _regional_fte(workforce_file)
    names = gap.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]
    base = int(gap["year"].min())
    parts = []
    for name in scenarios or WORKFORCE_SCENARIOS:
        limit = staff_limit(gap, workforce_scenario(name, fte_per_place=fte_per_place,
                                                    occupancy=occupancy), fte_per_place,
                            base, regional_fte, need="need", supply="supply_with_stay")
        b = binding_years(limit)
        b.insert(0, "workforce", name)
        b.insert(2, "zk_name", b["zk_code"].map(names))
        parts.append(b)
    return pd.concat(parts, ignore_index=True)


compare_capacity.__signature__ = inspect.signature(supply_gap).replace(
    return_annotation=pd.DataFrame)


def _references() -> pd.Series:
    ref = pd.read_csv(data_raw_dir() / "reference_figures.csv").set_index("key")
    return ref["value"]


def _require_all_regions(gap: pd.DataFrame, why: str) -> None:
    n = gap["zk_code"].nunique()
    if set(gap["zk_code"]) != set(ZORGKANTOORREGIOS):
        raise ValueError(f"the gap table covers {n} of the 31 zorgkantoorregio's, but {why}: "
                         "pass the full table and select regions from the result")


#: Published national targets that regions are tracked against (``reference_figures.csv``
#: keys; base year and forms in ``reference_bases.csv``).
TARGETS = ("ambition_2025", "wozo_target_2030", "wozo_opgave_2030", "ambition_2031")


def target_progress(gap: pd.DataFrame, key: str = "ambition_2025", target: float | None = None,
                    occupancy: float = OCCUPANCY, clustered_share: float = CLUSTERED_SHARE,
                    data=None) -> pd.DataFrame:
    """A national target of extra places per region, counted from the target's own base year
    in its own delivery forms (``data_raw/reference_bases.csv``).

    ``gap`` must hold all 31 regions, the target's year and the all-forms columns of
    :func:`compare_capacity`; ``target`` overrides the published number [places];
    ``occupancy`` [fraction] and ``clustered_share`` [fraction] turn observed clients into
    places in use (:func:`zorgcap.forecast.delivery.places_in_use`).

    Per region r (T = the target's year, b its base year, B the gap table's base year,
    P(y) = national places in use in the target's forms in y, k = P(b) / P(B); ``need``,
    ``capacity`` and ``supply`` in the target's forms):

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
    from .delivery import places_in_use
    from .references import bases

    if key not in TARGETS:
        raise expected("key", key, f"one of {list(TARGETS)}")
    _require_all_regions(gap, "a national target is shared over all 31")
    year = ref_year(key)
    own = bases().loc[key]
    b_year, f = int(own["base_year"]), str(own["forms"])
    value = float(_references()[key]) if target is None else float(target)
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
    (:attr:`GapRun.plans`; None: none listed).

    Returns ``zk_code, zk_name, gap_2025, gap_all_forms_2025, ambition_share,
    realised_2021_base, expected_base_2025, counted_2021_2025, counted_minus_share,
    plans_to_2025, plans_minus_share`` [places] (:data:`zorgcap.forecast.schema.AMBITION_COLUMNS`).
    """
    _require_all_regions(gap, "the ambition is shared over all 31")
    p = target_progress(gap, "ambition_2025", ambition, occupancy, clustered_share, data) \
        .set_index("zk_code")
    g = gap[gap["year"] == 2025].set_index("zk_code").loc[p.index]
    planned = pd.Series(0.0, index=p.index)
    if plans is not None and len(plans):
        listed = plans[(plans["year_ready"] <= 2025) & (plans["status"] != "cancelled")]
        planned = (listed.assign(net=_signed_places(listed)).groupby("zk_code")["net"].sum()
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


def national_references(gap: pd.DataFrame, occupancy: float = OCCUPANCY,
                        clustered_share: float = CLUSTERED_SHARE, data=None) -> pd.DataFrame:
    """National rollup next to the public reference figures, each counted from its own base
    year and in its own delivery forms (``data_raw/reference_bases.csv``), with definitions.

    ``zorgcap`` is the model's need in the figure's year minus the places in use in the
    figure's base year (observed clients / occupancy,
    :func:`zorgcap.forecast.delivery.places_in_use`), in places with stay or in all forms; for the
    plans of 2021-2025 it is the places realised from 2021 to the base year plus the expected places
    from plans to 2025.
    """
    from .delivery import places_in_use
    from .references import bases

    _require_all_regions(gap, "the reference figures are national")
    ref = pd.read_csv(data_raw_dir() / "reference_figures.csv").set_index("key")
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
    """The year a published reference figure is for (``reference_figures.csv``)."""
    return int(pd.read_csv(data_raw_dir() / "reference_figures.csv").set_index("key").loc[
        key, "year"])


def explanation_figures(gap: pd.DataFrame, gap_total_waiting: pd.DataFrame | None = None,
                        occupancy: float = OCCUPANCY, clustered_share: float = CLUSTERED_SHARE,
                        data=None) -> dict:
    """The numbers :func:`explain_2025` speaks of (JSON-serialisable; the report words them in
    its own language): ``gap_2025, tno_published, tno_zorgcap, ambition_published,
    ambition_zorgcap, waiting_urgent, waiting_preference, waiting_total`` [places or
    persons], ``gap_2025_total_waiting`` [places; None without ``gap_total_waiting``],
    ``base, tno_base, ambition_base`` [year]."""
    _require_all_regions(gap, "the comparison is national")
    refs = national_references(gap, occupancy, clustered_share, data).set_index("key")
    tno, amb = refs.loc["tno_2019_shortage_2025"], refs.loc["ambition_2025"]
    base = int(gap["year"].min())
    g_total = None
    if gap_total_waiting is not None:
        g_total = float(gap_total_waiting[gap_total_waiting["year"] == 2025]["gap"].sum())
    return {"gap_2025": float(gap[gap["year"] == 2025]["gap"].sum()), "base": base,
            "tno_published": float(tno["published"]), "tno_base": int(tno["base_year"]),
            "tno_zorgcap": float(tno["zorgcap"]),
            "ambition_published": float(amb["published"]), "ambition_base": int(amb["base_year"]),
            "ambition_zorgcap": float(amb["zorgcap"]),
            "waiting_urgent": base_waiting(base, "urgent_plus_actief"),
            "waiting_preference": base_waiting(base, "wacht_op_voorkeur"),
            "waiting_total": base_waiting(base, "total"),
            "gap_2025_total_waiting": g_total}


def explain_2025(gap: pd.DataFrame, gap_total_waiting: pd.DataFrame | None = None,
                 occupancy: float = OCCUPANCY, clustered_share: float = CLUSTERED_SHARE,
                 data=None) -> str:
    """Why the national 2025 gap differs from TNO's 22,206 and the 25,000 ambition
    (:func:`explanation_figures` in words)."""
    return explanation_text(explanation_figures(gap, gap_total_waiting, occupancy,
                                                clustered_share, data))


def explanation_text(f: dict) -> str:
    """The figures of :func:`explanation_figures` in English sentences."""
    base = f["base"]
    text = [
        f"National rollup of the regional gaps in 2025: {f['gap_2025']:,.0f} places short, "
        f"against TNO's expected shortage of {f['tno_published']:,.0f} (TNO capacity "
        f"prognosis, July 2020) and the ambition of {f['ambition_published']:,.0f} extra "
        "places in 2021-2025.",
        f"1. Base year. The gap starts from the places in use in {base} (the observed Wlz "
        "clients with stay, CBS 84529NED, divided by the occupancy rate): only the growth "
        f"after {base} is a gap here. TNO counted from {f['tno_base']} and the ambition "
        f"from {f['ambition_base']}; counted from those base years, zorgcap's need in 2025 is "
        f"{f['tno_zorgcap']:,.0f} places with stay above the places in use in "
        f"{f['tno_base']} (TNO: {f['tno_published']:,.0f}) and {f['ambition_zorgcap']:,.0f} "
        f"places in all delivery forms above those in use in {f['ambition_base']} (ambition: "
        f"{f['ambition_published']:,.0f}).",
        "2. Waiting list. The gap counts as unmet demand only people waiting for urgent or "
        f"active placement ({f['waiting_urgent']:,.0f} on average in {base}), not the "
        f"{f['waiting_preference']:,.0f} waiting for a preferred location (ActiZ: about 94% "
        "of those waiting receive bridging care).",
    ]
    if f["gap_2025_total_waiting"] is not None:
        text.append(f"   Counting the whole waiting list ({f['waiting_total']:,.0f}) the 2025 "
                    f"gap would be {f['gap_2025_total_waiting']:,.0f} places.")
    text.append("3. Plans. Expected realised plans are counted as supply; TNO's figure is a "
                "shortage before any plans, and the ambition is a target for plans.")
    return "\n".join(text)


def _plans_text(base_year: int) -> str:
    """The assumption ``plans_from_national`` in words, from :func:`national_plans`: the
    published total and what of it is added after the base year."""
    n = national_plans(base_year)
    text = (f"ZN Regiomonitor 2022: {n['places']:,.0f} places {n['first_year']}-"
            f"{n['last_year']} spread by demand growth")
    if n["added"] < n["places"]:
        text += (f"; those ready by {base_year} are in the base capacity, so "
                 f"{n['added']:,.0f} places {n['added_first_year']}-{n['last_year']} are added")
    return text


def _check_waiting_below_clients(persons: pd.Series, clients: pd.Series, given, waiting: str,
                                 base_year: int, path) -> None:
    """A planner's regional waiting list [persons] must be smaller than the region's clients
    with stay in the base year [persons]: the gap counts it as a share of them (found by
    fuzzing: 4,200 waiting against 2,218 clients stopped the run with an internal message)."""
    for code in given:
        if persons[code] >= clients[code]:
            raise InputError(
                f"the waiting list of {code} counts {persons[code]:,.0f} persons ({waiting}) "
                f"against {clients[code]:,.0f} clients with stay in {base_year}: a waiting "
                "list is a fraction of the region's clients", file=display_path(path),
                fix="check the counts: persons on the list on one date (several dates are "
                    "averaged), not a sum over dates or a count of all indications.")
