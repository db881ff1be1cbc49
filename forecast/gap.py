"""The gap between need and supply per zorgkantoorregio per year.

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

from .assumption import Assumption
from .delivery import (
    CLUSTERED_FORMS,
    check_clustered_share,
    clustered_need,
    in_forms,
    vpt_share_of_home,
)
from .errors import InputError, display_path
from .realisation import status_assumptions
from .references import describe, reference_need
from .references import forms as ref_forms
from .schema import CLUSTERED_SHARE, DEMAND_BASE_YEAR, FTE_PER_PLACE, SEED, STEP_YEARS
from .staff import (
    WorkforceScenario,
    regional_fte,
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
    signed_places,
)

# ``zorgcap.forecast.gap.targets`` was in the API reference before targets moved to their
# own module (issue 29): kept as a re-export of :func:`zorgcap.forecast.targets.targets`
from .targets import targets  # noqa: F401
from .validation import check_closures

#: Plans of regions without rows in a plans file (default first): ``estimate`` their share of
#: the national estimate ``plans_from_national``, ``none`` no plans.
PLANS_ELSEWHERE = ("estimate", "none")

__all__ = ["compare_capacity", "supply_gap", "GapRun", "check_demand_frame", "STEP_YEARS",
           "FTE_PER_PLACE"]



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
                         "year_ready": p["year_ready"], "signed": signed_places(p),
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
        [fraction] (what :func:`zorgcap.forecast.decomposition.decompose` takes).
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
    (:func:`zorgcap.forecast.supply.read_regional_waiting`); the rest of the national list
    goes to the other regions by their clients in care (module docstring).

    Build plans: without a file, every region gets its share of the national estimate
    ``plans_from_national`` (:func:`zorgcap.forecast.supply.estimate_plans`, shares by
    :func:`zorgcap.forecast.supply.plan_shares`). A planner's file replaces the plans of the
    regions it has rows for, and only of those: with ``plans_elsewhere="estimate"``
    (default) every other region gets exactly the plans it gets without any file, labelled
    ``ESTIMATE plans_from_national``; with ``"none"`` the others have no plans. A file with
    a header and no rows says "no plans" in every region (:func:`_plans` says why).

    Every argument is checked before any work (:func:`check_gap_options`).
    """
    clustered_share = check_gap_options(demand, places_draws, seed, fte_per_place,
                                        plans_elsewhere, waiting, reference, clustered_share,
                                        workforce)
    given_fte = regional_fte(workforce_file)
    # places_draws follow the region order of the demand frame's rows (as returned)
    run_codes = list(pd.unique(demand["zk_code"]))
    demand = demand.sort_values(["year", "zk_code"]).reset_index(drop=True)
    base_year = int(demand["year"].min())
    years = sorted(demand["year"].unique())
    codes = sorted(demand["zk_code"].unique())
    wide = demand.pivot(index="year", columns="zk_code", values="places_needed")[codes]
    clients = demand.pivot(index="year", columns="zk_code", values="clients_with_stay")[codes]
    cap = _capacity(capacity, wide.loc[base_year], base_year)
    persons, w_source = _waiting(waiting, waiting_file, clients.loc[base_year], base_year)
    c_base = clients.loc[base_year].to_numpy(float)
    # (region,); a region without clients has no demand for the list to be a share of
    w_r = np.divide(persons.to_numpy(float), c_base, out=np.zeros(len(codes)),
                    where=c_base > 0)
    w = float(persons.sum() / c_base.sum()) if c_base.sum() > 0 else 0.0  # national share
    plan_frame, estimated = _plans(plans, plans_elsewhere, wide, base_year, max(years))
    # learned from vintages, in the regions they were learned from only (issue 31)
    status = plan_status(status_file, history=plans, regions=codes)
    # a plan ready in or before the base year is in the capacity of 1 January of the base
    # year (the capacity's date): counted there, not added again
    in_base = plan_frame["year_ready"].astype(int) <= base_year if len(plan_frame) else []
    counted = plan_frame[~np.asarray(in_base, bool)] if len(plan_frame) else plan_frame
    file = None if isinstance(plans, pd.DataFrame) or plans is None else display_path(plans)
    check_closures(cap.reset_index(), counted, file=file)
    expected = _expected_plans(counted, status, codes, years)
    need = wide.to_numpy() * (1 + w_r[None])
    supply = cap["places_with_stay"].to_numpy()[None] + expected
    # clustered VPT places (zorgcap.forecast.delivery), at the demand frame's own occupancy
    base_places = float(wide.loc[base_year].sum())
    occupancy = float(clients.loc[base_year].sum()) / base_places if base_places > 0 else 1.0
    clustered = _clustered(demand, cap, counted, status, years, occupancy, clustered_share,
                           data, file)
    scenario = workforce if isinstance(workforce, WorkforceScenario) else workforce_scenario(
        workforce, fte_per_place=fte_per_place, occupancy=occupancy)
    out = _table(demand, wide, need, cap["places_with_stay"].to_numpy(), expected, supply,
                 clustered)
    for col, values in _bands(demand, codes, w_r, supply).items():
        out[col] = values
    if places_draws is not None:  # demand draws against plan draws (realisation and delay)
        draws = np.asarray(places_draws)[:, :, [run_codes.index(c) for c in codes]]
        out["p_short"] = _shortage(draws, w_r, cap["places_with_stay"].to_numpy(), counted,
                                   status, codes, years, seed).ravel()
        out["p_closed"] = 1 - out["p_short"]
    for col in ("persons_75plus", "persons_80plus", "persons_85plus", "oosr"):
        if col in demand:
            out[col] = demand.set_index(["year", "zk_code"])[col].reindex(
                pd.MultiIndex.from_frame(out[["year", "zk_code"]])).to_numpy()
    _add_staff(out, scenario, fte_per_place, base_year, given_fte)
    out["reference"] = reference
    out["reference_need"] = reference_need(out, reference, occupancy, clustered_share,
                                           data).to_numpy()
    out["reference_gap"] = out["reference_need"] - in_forms(out, "supply", ref_forms(reference))
    _add_sources(out, cap, clustered["estimated"], persons, w_source, plan_frame)
    v_share = vpt_share_of_home(data=data)
    parameters = {"base_year": base_year, "waiting": waiting, "unmet_share": w,
                  "clustered_share": clustered_share, "vpt_share_of_home": v_share,
                  "fte_per_place": fte_per_place, "workforce": scenario.name,
                  "workforce_net_growth": scenario.net_growth, "reference": reference,
                  "reference_description": describe(reference),
                  "scenario": str(demand["scenario"].iloc[0]), "plan_seed": seed,
                  "plans_elsewhere": plans_elsewhere}
    assumptions = _gap_assumptions(
        base_year=base_year, waiting=waiting, unmet_share=w, waiting_source=w_source,
        plans=plan_frame, in_base=in_base, plans_file=plans, estimated=estimated,
        status=status, capacity=cap, workforce=scenario, fte_per_place=fte_per_place,
        occupancy=occupancy, vpt_share=v_share, clustered_share=clustered_share,
        clustered_estimated=clustered["estimated"])
    return GapRun(frame=out, plans=plan_frame, unmet_share=w, parameters=parameters,
                  assumptions=assumptions,
                  unmet_shares=pd.Series(w_r, index=codes, name="unmet_share"))


def check_gap_options(demand: pd.DataFrame, places_draws, seed, fte_per_place,
                      plans_elsewhere, waiting, reference, clustered_share, workforce) -> float:
    """Refuse arguments of :func:`supply_gap` it cannot use, before any work.

    Raises :class:`ValueError` naming the argument and what is valid (the demand frame:
    :func:`check_demand_frame`; an unknown reference or workforce scenario included).
    Returns ``clustered_share`` as checked [fraction].
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
    return clustered_share


def _capacity(capacity, base_places: pd.Series, base_year: int) -> pd.DataFrame:
    """Capacity per region, indexed by ``zk_code`` in the order of ``base_places`` (the
    places needed in the base year [places]): a planner's file or frame, under the schema
    of :mod:`zorgcap.forecast.validation`, and for the regions it leaves out (or without
    one) the estimate ``capacity_from_clients``, labelled."""
    if capacity is None:
        cap = estimate_capacity(base_places)
    else:  # a file or a DataFrame, under the same schema (zorgcap.forecast.validation)
        cap = read_capacity(capacity, base_year)
    codes = list(base_places.index)
    missing = sorted(set(codes) - set(cap["zk_code"]))
    if missing:  # regions absent from the planner's file get the estimate, labelled
        est = estimate_capacity(base_places[missing])
        cap = pd.concat([cap, est], ignore_index=True)
    return cap.set_index("zk_code").loc[codes]


def _waiting(waiting: str | None, waiting_file, clients: pd.Series,
             base_year: int) -> tuple[pd.Series, pd.Series]:
    """Persons waiting per region in the base year [persons] and where each count comes from.

    ``clients``: clients with stay in the base year by ``zk_code`` [clients]. A planner's
    regional file gives its regions' counts; the rest of the national list of ``waiting``
    goes to the other regions by their clients (``ESTIMATE waiting_by_clients``).
    """
    codes = list(clients.index)
    persons = pd.Series(0.0, index=codes)
    source = pd.Series("none", index=codes, dtype=object)
    if not waiting:
        return persons, source
    total_w = base_waiting(base_year, waiting)
    given = (read_regional_waiting(waiting_file, base_year).set_index("zk_code")
             if waiting_file is not None else pd.DataFrame(columns=[waiting]))
    rest = [c for c in codes if c not in given.index]
    persons[given.index] = given[waiting].astype(float)
    source[given.index] = given["waiting_source"] if len(given) else []
    if rest:
        left = max(total_w - float(persons[given.index].sum()), 0.0)
        persons[rest] = allocate_waiting(left, clients[rest])
        source[rest] = "ESTIMATE waiting_by_clients"
    if waiting_file is not None:
        _check_waiting_below_clients(persons, clients, given.index, waiting, base_year,
                                     waiting_file)
    return persons, source


def _clustered(demand: pd.DataFrame, cap: pd.DataFrame, counted: pd.DataFrame, status,
               years, occupancy: float, clustered_share: float, data, file) -> dict:
    """Clustered VPT places [places]: ``need`` (year, region), ``capacity`` (region; a
    capacity file's ``vpt_capacity``, else the base-year need: ``clustered_from_clients``),
    ``estimated`` (region: whether it is that estimate) and ``expected`` (year, region) from
    plans in the clustered forms.

    ``demand`` sorted by year and region; ``cap`` the capacity by region in its order.
    """
    codes = list(cap.index)
    home = demand.pivot(index="year", columns="zk_code", values="clients_at_home")[codes]
    need_cl = clustered_need(home.to_numpy(float), occupancy, clustered_share, data=data)
    cap_cl = cap["vpt_capacity"].to_numpy(float)
    estimated = ~np.isfinite(cap_cl)
    cap_cl = np.where(estimated, need_cl[0], cap_cl)
    check_closures(pd.DataFrame({"zk_code": codes, "capacity_clustered": cap_cl}), counted,
                   file=file, forms=CLUSTERED_FORMS, column="capacity_clustered",
                   what="clustered VPT places")
    return {"need": need_cl, "capacity": cap_cl, "estimated": estimated,
            "expected": _expected_plans(counted, status, codes, years, CLUSTERED_FORMS)}


def _table(demand: pd.DataFrame, wide: pd.DataFrame, need, capacity, expected, supply,
           clustered: dict) -> pd.DataFrame:
    """The gap per year and region from the (year, region) arrays [places] ``need``,
    ``expected`` (plans) and ``supply``, the ``capacity`` by region and the ``clustered``
    places of :func:`_clustered`: the gap is need minus supply, with stay and in all delivery
    forms (module docstring)."""
    need_cl, cap_cl, expected_cl = (clustered[k] for k in ("need", "capacity", "expected"))
    gap = need - supply
    supply_cl = cap_cl[None] + expected_cl
    columns = {"places_needed": wide.to_numpy(), "need": need,
               "capacity": np.broadcast_to(capacity, need.shape), "plans_expected": expected,
               "supply": supply, "gap": gap, "need_clustered": need_cl,
               "capacity_clustered": np.broadcast_to(cap_cl, need.shape),
               "plans_clustered_expected": expected_cl, "supply_with_stay": supply,
               "supply_clustered": supply_cl, "gap_with_stay": gap,
               "gap_all_forms": need + need_cl - supply - supply_cl}
    idx = pd.MultiIndex.from_product([wide.index, wide.columns], names=["year", "zk_code"])
    out = pd.DataFrame({k: v.ravel() for k, v in columns.items()}, index=idx).reset_index()
    return demand[["year", "zk_code", "zk_name", "scenario"]].merge(out, on=["year", "zk_code"])


def _bands(demand: pd.DataFrame, codes, w_r, supply) -> dict:
    """``gap_lo_<level>, gap_hi_<level>`` [places]: each band of the places needed, with the
    waiting share ``w_r`` by region added, minus ``supply`` (year, region)."""
    out = {}
    for col in demand.columns:
        band = col.removeprefix("places_needed_")
        if col.startswith("places_needed_") and band[:3] in ("lo_", "hi_"):
            b = demand.pivot(index="year", columns="zk_code", values=col)[codes].to_numpy()
            out[f"gap_{band}"] = (b * (1 + w_r[None]) - supply).ravel()
    return out


def _shortage(draws, w_r, capacity, counted, status, codes, years, seed) -> np.ndarray:
    """``p_short`` (year, region) [probability]: the share of draws whose need (the demand
    ``draws`` (draw, year, region) [places] with the waiting shares ``w_r``) exceeds the
    capacity plus the plans realised in the same draw (:func:`_plan_draws`)."""
    supply_d = (capacity[None, None]
                + _plan_draws(counted, status, codes, years, draws.shape[0], seed))
    return (draws * (1 + w_r[None, None]) > supply_d).mean(axis=0)


def _add_staff(out: pd.DataFrame, scenario, fte_per_place: float, base_year: int,
               given_fte) -> None:
    """The staff limit's columns of the gap frame (:func:`zorgcap.forecast.staff.staff_limit`),
    in place: ``fte_needed, fte_gap, fte_available`` [fte], ``fte_source``,
    ``places_staffable, places_usable, gap_usable`` [places], ``binding_limit``."""
    staff = staff_limit(out, scenario, fte_per_place, base_year, given_fte,
                        need="need", supply="supply_with_stay")
    out["fte_needed"] = staff["fte_needed"]
    out["fte_gap"] = out["gap"] * fte_per_place
    for col in ("fte_available", "fte_source", "places_staffable", "places_usable",
                "gap_usable", "binding_limit"):
        out[col] = staff[col]


def _add_sources(out: pd.DataFrame, cap: pd.DataFrame, cl_estimated, persons: pd.Series,
                 w_source: pd.Series, plan_frame: pd.DataFrame) -> None:
    """Where each region's numbers come from, in place: ``capacity_source,
    clustered_source``, ``waiting_base`` [persons], ``waiting_source, plans_source``
    (``ESTIMATE <assumption>`` where no planner file gave them)."""
    out["capacity_source"] = out["zk_code"].map(cap["capacity_source"])
    cl_source = pd.Series(np.where(cl_estimated, "ESTIMATE clustered_from_clients",
                                   cap["capacity_source"].astype(str)), index=cap.index)
    out["clustered_source"] = out["zk_code"].map(cl_source)
    out["waiting_base"] = out["zk_code"].map(persons).astype(float)
    out["waiting_source"] = out["zk_code"].map(w_source)
    sources = plan_frame.groupby("zk_code")["plans_source"].first() if len(plan_frame) else {}
    out["plans_source"] = out["zk_code"].map(sources).astype(object).fillna("none")


def _gap_assumptions(*, base_year: int, waiting, unmet_share: float, waiting_source, plans,
                     in_base, plans_file, estimated: list, status: pd.DataFrame,
                     capacity: pd.DataFrame, workforce, fte_per_place: float,
                     occupancy: float, vpt_share: float, clustered_share: float,
                     clustered_estimated) -> dict:
    """The named assumptions of a :func:`supply_gap` run (name ->
    :class:`~zorgcap.forecast.assumption.Assumption` record): every assumption of the gap in
    one place, those of estimates only where the estimate is in use.

    ``unmet_share`` the national waiting share [fraction], ``waiting_source`` each region's
    source of its waiting count, ``plans`` the plans counted with ``in_base`` (ready by the
    base year), ``plans_file`` the planner's plans argument, ``estimated`` the regions with
    the plans estimate, ``capacity`` by region, ``workforce`` the
    :class:`~zorgcap.forecast.staff.WorkforceScenario`, ``vpt_share`` [fraction],
    ``clustered_estimated`` by region.
    """
    w = unmet_share
    return {
        "waiting_list_share": Assumption("waiting_list_share", waiting or "none", unit="[%]",
                                         base_year=base_year, share=100 * w),
        **({"waiting_by_clients": Assumption("waiting_by_clients", scope="regional",
                                             base_year=base_year)}
           if waiting and waiting_source.str.startswith("ESTIMATE").any() else {}),
        **_in_base_text(plans, in_base, base_year),
        **staff_assumptions(workforce, fte_per_place, occupancy),
        **status_assumptions(status),  # realisation_probability, plan_delay, *_from_history
        **({"capacity_from_clients": Assumption("capacity_from_clients", scope="regional",
                                                base_year=base_year)}
           if (capacity["capacity_source"] == "ESTIMATE capacity_from_clients").any() else {}),
        **({"plans_from_national": _plans_text(base_year, None if plans_file is None
                                               else estimated)} if estimated else {}),
        "vpt_share_of_home": Assumption("vpt_share_of_home", unit="[%]", source="CBS 84529NED",
                                        share=100 * vpt_share, base_year=DEMAND_BASE_YEAR),
        "clustered_share_of_vpt": Assumption("clustered_share_of_vpt", unit="[%]",
                                             source="option", share=100 * clustered_share),
        **({"clustered_from_clients": Assumption("clustered_from_clients", scope="regional")}
           if clustered_estimated.any() else {}),
        **_base_year_assumptions(),
        "targets_from_own_base": Assumption("targets_from_own_base", scope="regional",
                                            base_year=base_year),
    }


_PLAN_COLUMNS = ["project_id", "zk_code", "year_ready", "places", "delivery_form", "status",
                 "kind", "plans_source"]


def _plans(plans, plans_elsewhere: str, wide: pd.DataFrame, base_year: int,
           last_year: int) -> tuple[pd.DataFrame, list]:
    """The plans counted and the regions whose plans are the estimate.

    A planner's rows for the regions of the file, and for the other regions the estimate
    ``plans_from_national`` (``plans_elsewhere="estimate"``) or none. ``wide``: places
    needed by year x ``zk_code`` (all 31 regions) [places]. The estimate of a region is the
    same with or without a file.

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
    places = float(signed_places(done).sum())
    open_ = done[done["status"] != "realised"]
    return {"plans_in_base_capacity": Assumption(
        "plans_in_base_capacity", "open" if len(open_) else "all", unit="[places]",
        source="plans file", scope="regional", n=len(done), places=places,
        base_year=base_year, n_open=len(open_),
        places_open=float(signed_places(open_).sum()) if len(open_) else 0.0)}


def _base_year_assumptions() -> dict:
    """The base years of published figures that are assumptions, not stated in a source
    (``data_raw/reference_bases.csv``: the reason starts with ``ASSUMPTION``)."""
    from .references import bases

    b = bases()
    out = {}
    for key, row in b[b["why"].str.startswith("ASSUMPTION")].iterrows():
        name = row["why"].split(":", 1)[0].removeprefix("ASSUMPTION").strip()
        out[name] = Assumption(name, unit="[year]", source="data_raw/reference_bases.csv",
                               reference=key, base_year=int(row["base_year"]),
                               assumed_year=int(row["base_year"]))
    return out


compare_capacity.__signature__ = inspect.signature(supply_gap).replace(
    return_annotation=pd.DataFrame)


def _plans_text(base_year: int, elsewhere: list | None = None) -> Assumption:
    """The assumption ``plans_from_national`` from :func:`national_plans`: the published
    total and what of it is added after the base year; ``elsewhere``: the regions without
    rows in a planner's plans file (None without a file)."""
    n = national_plans(base_year)
    added = n["added"] < n["places"]
    variant = "_".join(["added"] * added + ["elsewhere"] * (elsewhere is not None)) or "all"
    return Assumption("plans_from_national", variant, unit="[places]",
                      source="ZN Regiomonitor 2022", scope="regional", places=n["places"],
                      first_year=n["first_year"], last_year=n["last_year"],
                      base_year=base_year, added=n["added"],
                      added_first_year=n["added_first_year"],
                      n=len(elsewhere or []), codes=list(elsewhere or []))


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
