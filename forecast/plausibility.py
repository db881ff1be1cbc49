"""Planner figures against the region's own size: an implausible number never passes without
a word (issue 30).

The schemas of :mod:`zorgcap.forecast.validation` refuse what is impossible or absurd everywhere (a
negative count, more than 25,000 places in one region, a plan of more than 5,000 places).
Within those caps a figure can still be wrong by an order of magnitude for its region: a
capacity of 24,000 places for Amstelland en De Meerlanden, whose need is about 2,300, turned
the national 2025 gap from +9,377 into -12,433 without a warning. This module compares each
planner figure with the size of its own region, measured by the model in the base year
(:func:`unusual_inputs`); a figure outside the range below stops the run with the file, the
row, the region, both numbers and the fix (:func:`check_plausible`). A planner who means it
passes ``accept_unusual=True`` (``--accept-unusual``): the run goes on, the figures are
listed in ``parameters["unusual_inputs"]`` and the report says so in its key points.

Ranges (named, with why; ``need`` is the region's places needed in the base year, the point
path of the demand, before any planner file):

``CAPACITY_RANGE = (0.5, 2.0)`` places with stay per place needed. The 2014 supply of the 31
    regions, standardised for age and sex, lay between 0.80 and 1.40 of the national level
    (CIZ 2014 via Deloitte, :mod:`zorgcap.forecast.intensity`), and the base-year need of a
    region is its places in use plus its waiting list (:mod:`zorgcap.forecast.gap`), so a
    true capacity lies near 1. Half or double the need is far outside that: a figure there is
    almost surely a slip (another region's or the national total, an extra digit, places
    with and without stay added up).
``CAPACITY_ALL_ZERO``: a capacity file whose every region has 0 places with stay (an empty
    spreadsheet column exported as zeros).
``VPT_CAPACITY_MAX = 2.0`` clustered VPT places per place of all the region's VPT clients
    (clients at home x the national VPT share / occupancy): even if every VPT client lived
    clustered (``clustered_share`` 1) and the region used VPT twice as much as the country,
    the clustered capacity would not exceed this. It does not depend on ``clustered_share``.
``PLANS_GROWTH_MAX = 3.0``: a region's planned places (expansions less closures, every form
    and status, summed per region over the years after the base year; plans ready by the
    base year are part of its capacity) may add up to 3 times the
    growth of its need from the base year to the last year of the run, or to 3 times
    ``PLANS_GROWTH_FLOOR = 0.1`` of its base-year need where the need grows less than that
    (short runs). Plans several times the growth they serve are a unit or region slip (ten
    plans of 5,000 places in one region passed the 5,000-per-plan cap).
``WAITING_MAX = 0.5`` persons waiting (every counted status, ``total``) per place needed:
    the national list (about 20,000 including wacht op voorkeur, 2023) is about 15% of the
    places needed; half of a region's need is beyond any region's list.
``WORKFORCE_RANGE = (0.5, 2.0)``: a region's fte against its need x fte per place (the
    staff its base-year need takes), for the reasons of ``CAPACITY_RANGE``.

What is not a planner figure is not checked here: estimates are the model's own, and the
need itself must be finite and above 0 in every region (else :class:`InputError` naming the
rates, calibration and scenario files in use, never overridable).

References
----------
Deloitte, State of the State Zorg 2015 (CIZ 2014 zzp 5-10 by zorgkantoor); CBS StatLine
84529NED (Wlz V&V clients 2023); VWS, Voortgangsrapportage wachtlijsten verpleeghuizen
(``data_raw/waiting_lists.csv``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .errors import InputError, display_path, spreadsheet_row
from .schema import DEMAND_BASE_YEAR

__all__ = ["CAPACITY_RANGE", "VPT_CAPACITY_MAX", "PLANS_GROWTH_MAX", "PLANS_GROWTH_FLOOR",
           "WAITING_MAX", "WORKFORCE_RANGE", "Unusual", "PlannerInputs",
           "read_planner_inputs", "unusual_inputs", "check_plausible"]

CAPACITY_RANGE = (0.5, 2.0)
VPT_CAPACITY_MAX = 2.0
PLANS_GROWTH_MAX = 3.0
PLANS_GROWTH_FLOOR = 0.1
WAITING_MAX = 0.5
WORKFORCE_RANGE = (0.5, 2.0)

_ACCEPT = ("if it is right, run again with --accept-unusual (accept_unusual=True), and the "
           "report will say so")
_FIX = ("check the number and the region code (another region's or a national total, an "
        "extra digit, a unit slip?); " + _ACCEPT)
_FIX_ZERO = ("fill in each region's number, or leave the cells empty (vpt_capacity) or the "
             "option out (--capacity) for the named estimate; " + _ACCEPT)


@dataclass(frozen=True)
class PlannerInputs:
    """The planner files of a run, read and validated (:func:`read_planner_inputs`).

    Each is the frame its reader returns, in file order (row ``i`` is spreadsheet row
    ``i + 2``), or None where the option was not given.
    """

    capacity: pd.DataFrame | None = None
    plans: pd.DataFrame | None = None
    status: pd.DataFrame | None = None
    waiting: pd.DataFrame | None = None
    workforce: pd.DataFrame | None = None
    staff_ratios: pd.DataFrame | None = None
    calibration: pd.DataFrame | None = None
    rates: pd.DataFrame | None = None
    fte_per_place: float | None = None  # [fte per place]: the option, or the staff ratios'


def read_planner_inputs(config) -> PlannerInputs:
    """Read and validate every planner file of ``config`` (a
    :class:`~zorgcap.forecast.modelchain.ChainConfig`) and the arguments that need a table to be
    checked, before any work: a wrong file fails in a second, not after the population and
    demand stages. Raises :class:`InputError` (file, row, fix) or the argument's
    ``ValueError``.
    """
    from .demand import read_calibration
    from .staff import staff_ratios, workforce_scenario
    from .supply import plan_status, read_capacity, read_plans
    from .usage import read_rates_file

    c = config
    base = DEMAND_BASE_YEAR
    ratios = None if c.staff_ratios is None else staff_ratios(c.staff_ratios)
    fte = c.fte_per_place if ratios is None else _fte_from_ratios(ratios, c)
    workforce_scenario(c.workforce, fte_per_place=fte, occupancy=c.occupancy)
    return PlannerInputs(
        capacity=None if c.capacity is None else read_capacity(c.capacity, base),
        plans=None if c.plans is None else read_plans(c.plans, base, c.to),
        status=None if c.status_file is None else plan_status(c.status_file),
        waiting=None if c.waiting_file is None else _waiting_rows(c.waiting_file, base),
        workforce=None if c.workforce_file is None else _workforce(c.workforce_file),
        staff_ratios=ratios,
        calibration=None if c.calibrate is None else read_calibration(c.calibrate),
        rates=None if c.rates is None else read_rates_file(c.rates), fte_per_place=fte)


def _fte_from_ratios(ratios: pd.DataFrame, c) -> float:
    """fte per place of a planner's staff ratios over the national zzp mix [fte per place]."""
    from .staff import fte_per_place

    try:
        return fte_per_place(ratios=ratios, data=c.data)
    except InputError:
        raise
    except ValueError as err:
        raise InputError(str(err), file=display_path(c.staff_ratios),
                         fix="give a row for every zzp VV4, VV5, VV6, VV7, VV8, VV9b and VV10 "
                             "that has clients (template: data_raw/staff_ratios.csv)") from None


def _waiting_rows(path, base_year: int) -> pd.DataFrame:
    """The regional waiting list per region with the first file row of the region."""
    from zorgcap.regions.codes import normalise_region_codes

    from .io.planner import read_planner_csv
    from .supply import read_regional_waiting

    frame = read_regional_waiting(path, base_year)
    codes = pd.Series(normalise_region_codes(read_planner_csv(
        path, "waiting_list", ["zk_code"])["zk_code"]))
    first = {c: spreadsheet_row(i) for i, c in reversed(list(codes.items()))}
    return frame.assign(_row=frame["zk_code"].map(first))


def _workforce(path) -> pd.DataFrame:
    from .staff import read_workforce_file

    return read_workforce_file(path)


@dataclass(frozen=True)
class Unusual:
    """One planner figure outside its plausible range.

    Attributes
    ----------
    kind : str
        ``capacity``, ``capacity_all_zero``, ``vpt_capacity``, ``plans``, ``waiting`` or
        ``workforce``.
    file : str or None
        The file (None: a DataFrame given through the API).
    row : int or None
        Spreadsheet row of the figure (header = 1); for a frame its 0-based row.
    column : str
    zk_code, zk_name : str
        The region ("" for a file-wide finding).
    value : float
        The figure [places, persons or fte].
    reference : float
        What it is compared with [same unit]: the region's need (or its growth, or its VPT
        places) in the base year.
    low, high : float
        The plausible range of ``value / reference``.
    base : int
        The base year of the need [year].
    year : int
        The year the figure is for (plans: the last year a plan of the region is ready)
        [year].
    text : str
        The finding as one English sentence (the report words it in its own language).
    """

    kind: str
    file: str | None
    row: int | None
    column: str
    zk_code: str
    zk_name: str
    value: float
    reference: float
    low: float
    high: float
    base: int
    year: int
    text: str



def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 10 or float(x).is_integer() else f"{x:,.1f}"


def _times(x: float) -> str:
    """A ratio as a message says it: 10 times, 1.6 times, 0.25 times."""
    return f"{x:,.0f}" if abs(x) >= 10 else f"{x:.2g}"


def _where(config, option: str):
    path = getattr(config, option, None)
    if path is None or isinstance(path, pd.DataFrame):
        return None
    return display_path(path)


def _row(file, i) -> int:
    return spreadsheet_row(i) if file else int(i)


def unusual_inputs(inputs: PlannerInputs, demand: pd.DataFrame, config) -> list[Unusual]:
    """Every planner figure of ``inputs`` outside its range (module notes), in the order
    capacity, clustered capacity, plans, waiting list, workforce.

    Parameters
    ----------
    inputs : PlannerInputs
    demand : pandas.DataFrame
        The demand frame of the run (all 31 regions): ``year, zk_code, zk_name,
        places_needed`` [places], ``clients_at_home`` [clients].
    config : ChainConfig
        The run's options (``occupancy``, ``fte_per_place``, the file names).
    """
    from .delivery import vpt_share_of_home

    base, last = int(demand["year"].min()), int(demand["year"].max())
    frame = demand.set_index(["year", "zk_code"])
    need = frame.loc[base, "places_needed"].astype(float)
    names = frame.loc[base, "zk_name"].astype(str)
    _check_need(need, config)
    growth = frame.loc[last, "places_needed"].astype(float) - need
    found: list[Unusual] = []

    def add(kind, file, row, column, code, value, reference, lo, hi, text, year=base):
        found.append(Unusual(kind, file, row, column, code, names.get(code, ""),
                             float(value), float(reference), lo, hi, base, year, text))

    cap = inputs.capacity
    if cap is not None:
        file = _where(config, "capacity")
        lo, hi = CAPACITY_RANGE
        if len(cap) > 1 and (cap["places_with_stay"] == 0).all():
            add("capacity_all_zero", file, None, "places_with_stay", "", 0.0,
                float(need.reindex(cap["zk_code"]).sum()), lo, hi,
                f"every one of the {len(cap)} regions in the capacity file has 0 places with "
                "stay (an empty column exported as zeros?)")
        else:
            for i, r in cap.iterrows():
                n = need.get(r["zk_code"], np.nan)
                ratio = r["places_with_stay"] / n
                if not lo <= ratio <= hi:
                    add("capacity", file, _row(file, i), "places_with_stay", r["zk_code"],
                        r["places_with_stay"], n, lo, hi,
                        f"the capacity of {r['zk_code']} ({names.get(r['zk_code'], '')}) is "
                        f"{_fmt(r['places_with_stay'])} places with stay, {_times(ratio)} times "
                        f"the region's need of {_fmt(n)} places in {base}; the plausible "
                        f"range is {lo:g} to {hi:g} times (zorgcap.forecast.plausibility)")
        vpt = cap["vpt_capacity"]
        if vpt.notna().sum() > 1 and (vpt.dropna() == 0).all():
            add("capacity_all_zero", file, None, "vpt_capacity", "", 0.0, 0.0, 0.0,
                VPT_CAPACITY_MAX, f"every one of the {int(vpt.notna().sum())} regions with a "
                "vpt_capacity has 0 clustered places (an empty column exported as zeros? "
                "leave the cells empty for the estimate)")
        else:
            home = frame.loc[base, "clients_at_home"].astype(float)
            vpt_places = home * vpt_share_of_home(data=config.data) / config.occupancy
            for i, r in cap[vpt.notna()].iterrows():
                v = vpt_places.get(r["zk_code"], np.nan)
                if r["vpt_capacity"] > VPT_CAPACITY_MAX * v:
                    add("vpt_capacity", file, _row(file, i), "vpt_capacity", r["zk_code"],
                        r["vpt_capacity"], v, 0.0, VPT_CAPACITY_MAX,
                        f"the clustered capacity (vpt_capacity) of {r['zk_code']} "
                        f"({names.get(r['zk_code'], '')}) is {_fmt(r['vpt_capacity'])} "
                        f"places, {_times(r['vpt_capacity'] / v)} times the places of all the "
                        f"region's VPT clients in {base} ({_fmt(v)}); the plausible maximum "
                        f"is {VPT_CAPACITY_MAX:g} times (zorgcap.forecast.plausibility)")
    if inputs.plans is not None and len(inputs.plans):
        found += _plans(inputs.plans, need, growth, names, base, last,
                        _where(config, "plans"))
    if inputs.waiting is not None:
        file = _where(config, "waiting_file")
        clients = frame.loc[base, "clients_with_stay"].astype(float) \
            if "clients_with_stay" in frame else pd.Series(dtype=float)
        counted = getattr(config, "waiting", None) or "total"
        for _, r in inputs.waiting.iterrows():
            n = need.get(r["zk_code"], np.nan)
            if r[counted] > clients.get(r["zk_code"], np.inf):
                continue  # more waiting than clients: impossible, refused by the gap itself
            if r["total"] > WAITING_MAX * n:
                add("waiting", file, int(r["_row"]), "", r["zk_code"],
                    r["total"], n, 0.0, WAITING_MAX,
                    f"the waiting list of {r['zk_code']} ({names.get(r['zk_code'], '')}) "
                    f"counts {_fmt(r['total'])} persons (all counted statuses), "
                    f"{_times(r['total'] / n)} times the region's need of {_fmt(n)} places in "
                    f"{base}; the plausible maximum is {WAITING_MAX:g} times "
                    "(zorgcap.forecast.plausibility)")
    if inputs.workforce is not None:
        file = _where(config, "workforce_file")
        lo, hi = WORKFORCE_RANGE
        for i, r in inputs.workforce.iterrows():
            fte = inputs.fte_per_place or config.fte_per_place
            staff = need.get(r["zk_code"], np.nan) * fte
            ratio = r["fte"] / staff
            if not lo <= ratio <= hi:
                add("workforce", file, _row(file, i), "fte", r["zk_code"], r["fte"], staff,
                    lo, hi,
                    f"the workforce of {r['zk_code']} ({names.get(r['zk_code'], '')}) is "
                    f"{_fmt(r['fte'])} fte, {_times(ratio)} times the staff of the region's "
                    f"need ({_fmt(need.get(r['zk_code'], np.nan))} places in {base} x "
                    f"{fte:.3g} fte per place = {_fmt(staff)} fte); the "
                    f"plausible range is {lo:g} to {hi:g} times (zorgcap.forecast.plausibility)")
    return found


def _plans(plans, need, growth, names, base, last, file) -> list[Unusual]:
    """Net planned places per region, summed in file order, against the need's growth."""
    out = []
    # those ready by the base year are capacity; cancelled ones add nothing
    plans = plans[(plans["year_ready"] > base) & (plans["status"] != "cancelled")]
    signed = np.where(plans["kind"] == "closure", -1.0, 1.0) * plans["places"].astype(float)
    for code, rows in plans.assign(_signed=signed).groupby("zk_code", sort=False):
        n, g = need.get(code, np.nan), growth.get(code, np.nan)
        serve = max(g, PLANS_GROWTH_FLOOR * n)
        limit = PLANS_GROWTH_MAX * serve
        if rows["_signed"].sum() <= limit:  # a replacement may open before its closure
            continue
        total = rows["_signed"].cumsum()
        i = total[total > limit].index[0]  # the row where the file's sum passes the limit
        year = int(rows["year_ready"].max())
        grows = (f"the growth of its need from {base} to {last} ({_fmt(g)} places)"
                 if g >= PLANS_GROWTH_FLOOR * n else
                 f"{PLANS_GROWTH_FLOOR:.0%} of its need in {base} ({_fmt(serve)} places; its "
                 f"need grows by {_fmt(g)} to {last})")
        out.append(Unusual(
            "plans", file, _row(file, i), "places", code, names.get(code, ""),
            float(rows["_signed"].sum()), float(serve), 0.0, PLANS_GROWTH_MAX, base, year,
            f"the plans of {code} ({names.get(code, '')}) add {_fmt(rows['_signed'].sum())} "
            f"places ({len(rows)} plans; {_fmt(total[i])} up to this row), "
            f"{_times(rows['_signed'].sum() / serve)} times {grows}; the plausible maximum is "
            f"{PLANS_GROWTH_MAX:g} times (zorgcap.forecast.plausibility)"))
    return out


def _check_need(need: pd.Series, config) -> None:
    """The need must be finite and above 0 in every region: else name the inputs behind it."""
    bad = need[~(np.isfinite(need) & (need > 0))]
    if bad.empty:
        return
    given = [f"--{o.replace('_', '-')} {getattr(config, o)}"
             for o in ("rates", "calibrate", "scenario_file") if getattr(config, o, None)]
    raise InputError(
        f"the need of {', '.join(bad.index[:5])} in the base year is {_fmt(bad.iloc[0])} "
        "places: every region has clients with stay, so the inputs behind it are wrong "
        f"({'; '.join(given) if given else 'the CBS tables of the data directory'})",
        file=None, fix="check the rates and calibration files (every region needs clients "
        "with stay) or run 'zorgcap data status'.")


def check_plausible(inputs: PlannerInputs, demand: pd.DataFrame, config) -> list[dict]:
    """Stop on an implausible planner figure unless ``config.accept_unusual``.

    Returns the findings as dicts (:class:`Unusual` fields), for
    ``ChainResult.parameters["unusual_inputs"]``; empty when every figure is plausible.

    Raises
    ------
    InputError
        The first finding (file, row, region, both numbers, fix), with the count of the
        others, when ``config.accept_unusual`` is False.
    """
    found = unusual_inputs(inputs, demand, config)
    if found and not config.accept_unusual:
        first = found[0]
        more = f" ({len(found) - 1} more unusual figure{'s' if len(found) > 2 else ''})" \
            if len(found) > 1 else ""
        raise InputError(first.text + more, file=first.file,
                         row=first.row if first.file else None, column=first.column or None,
                         fix=_FIX_ZERO if first.kind == "capacity_all_zero" else _FIX)
    return [asdict(f) for f in found]
