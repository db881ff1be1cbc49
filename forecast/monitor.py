"""Progress over time: plans by inventory against what was realised, and the targets (issue 31).

The zorgkantoren's national monitor of capacity plans is repeated every year, and the
ministry reports net added places per region; this module reads a plans file with several
inventories (``vintage``; :func:`zorgcap.forecast.supply.read_plan_history`) the same way:

``monitor``     per region and inventory, the places planned per year and the places
                realised (``monitor.csv``: ``zk_code, vintage, year, planned_places,
                realised_places`` [places], :data:`MONITOR_COLUMNS`);
``changes``     between consecutive inventories of a region, what became of the places
                still open in the first: realised, slipped to a later year, vanished
                (cancelled or no longer listed), resized, and new projects
                (:data:`CHANGES_COLUMNS`);
``realisation`` the realisation share per status and years after the planned year, learned
                from the history where it has several inventories, the default otherwise
                (``realisation.csv``, :mod:`zorgcap.forecast.realisation`);
``targets``     with a forecast run: per region and nationally, the places counted toward
                each national target since its base year against the region's share
                (:func:`zorgcap.forecast.targets.target_progress`) and the probability that the
                pipeline reaches the share by the target year (``p_reach``,
                :func:`target_reach`).

Nationally (``zk_code`` ``NL``): a vintage of the file that covers all 31 regions is summed;
otherwise the national history shipped in ``data_raw/plan_history_national.csv`` is used:
the intramural plan totals of the ZN monitors 2021, 2022 and 2023 (published totals over
several years, spread evenly over them; two of the three derived, see the file) against the
observed net change of places with stay in use per year (Wlz V&V clients with stay, CBS
84529NED, / occupancy: :func:`zorgcap.forecast.delivery.places_in_use`). ``sources`` says which.

Planned places count every row that is not cancelled (realised and open), closures
negative; realised places the rows with status ``realised``. The flows of ``changes``
follow expansions only (a closure is not a project that slips).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zorgcap.regions.codes import ZORGKANTOORREGIOS

from .io.datadir import data_raw_dir
from .realisation import learn_realisation, status_by_region
from .schema import (
    MONITOR_COLUMNS,
    OCCUPANCY,
    REALISATION_COLUMNS,
    SEED,
    TARGET_REACH_COLUMNS,
)
from .schema import PLAN_CHANGES_COLUMNS as CHANGES_COLUMNS
from .supply import plan_status, read_plan_history
from .validation import FORMS, OPEN_STATUSES

__all__ = ["Monitor", "monitor", "monitor_table", "plan_changes", "national_history",
           "target_reach", "MONITOR_COLUMNS", "CHANGES_COLUMNS", "TARGET_REACH_COLUMNS",
           "NATIONAL"]

#: The code of the national rows.
NATIONAL = "NL"





@dataclass(frozen=True)
class Monitor:
    """What :func:`monitor` computed.

    Attributes
    ----------
    monitor : pandas.DataFrame
        ``monitor.csv`` (:data:`MONITOR_COLUMNS`).
    changes : pandas.DataFrame
        :data:`CHANGES_COLUMNS`.
    realisation : pandas.DataFrame
        ``realisation.csv`` (:data:`zorgcap.forecast.realisation.REALISATION_COLUMNS`).
    status : pandas.DataFrame
        The realisation probability and delay per status in use (``n_projects, source``).
    targets : pandas.DataFrame or None
        :data:`TARGET_REACH_COLUMNS` (None without a forecast run).
    sources : pandas.DataFrame
        ``zk_code, vintage, planned_source, realised_source``: what each series rests on.
    entries : pandas.DataFrame
        The projects behind the learned realisation (:func:`zorgcap.forecast.realisation.
        project_entries`).
    """

    monitor: pd.DataFrame
    changes: pd.DataFrame
    realisation: pd.DataFrame
    status: pd.DataFrame
    targets: pd.DataFrame | None
    sources: pd.DataFrame
    entries: pd.DataFrame

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by the file name they are written under (without ``.csv``)."""
        out = {"monitor": self.monitor, "realisation": self.realisation,
               "monitor_changes": self.changes, "monitor_sources": self.sources,
               "monitor_status": self.status}
        if self.targets is not None:
            out["monitor_targets"] = self.targets
        return out


def _signed(frame: pd.DataFrame) -> pd.Series:
    return frame["places"] * np.where(frame["kind"] == "closure", -1.0, 1.0)


def monitor_table(history: pd.DataFrame) -> pd.DataFrame:
    """Planned and realised places per region, inventory and year (:data:`MONITOR_COLUMNS`).

    ``history``: a :func:`zorgcap.forecast.supply.read_plan_history` frame. National rows (``NL``)
    for the vintages that list all 31 regions (the sum of the regions).
    """
    columns = list(MONITOR_COLUMNS)
    if history is None or history.empty:
        return pd.DataFrame(columns=columns)
    h = history.assign(net=_signed(history))
    h = h.assign(planned=h["net"].where(h["status"] != "cancelled", 0.0),
                 realised=h["net"].where(h["status"] == "realised", 0.0))
    out = (h.groupby(["zk_code", "vintage", "year_ready"])[["planned", "realised"]].sum()
           .reset_index())
    full = [v for v, f in history.groupby("vintage")
            if set(f["zk_code"]) >= set(ZORGKANTOORREGIOS)]
    if full:
        nat = (out[out["vintage"].isin(full)].groupby(["vintage", "year_ready"])
               [["planned", "realised"]].sum().reset_index().assign(zk_code=NATIONAL))
        out = pd.concat([out, nat], ignore_index=True)
    out = out.rename(columns={"year_ready": "year", "planned": "planned_places",
                              "realised": "realised_places"})
    out["year"] = out["year"].astype(int)
    return out[columns].sort_values(["zk_code", "vintage", "year"]).reset_index(drop=True)


def plan_changes(history: pd.DataFrame) -> pd.DataFrame:
    """What became of each inventory's open places in the region's next inventory
    (:data:`CHANGES_COLUMNS`), per region and nationally (``NL``: the sum over the regions,
    between inventories that both list all 31 regions).

    Per project listed open in vintage ``a`` (an expansion with places) and the next
    inventory ``b`` of its region: realised if ``b`` lists it realised; vanished if ``b``
    lists it cancelled or not at all; slipped if still open with a later ``year_ready``,
    on time otherwise. Places are those of ``a`` (``resized_places`` gives the change).
    """
    columns = list(CHANGES_COLUMNS)
    if history is None or history.empty or history["vintage"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    x = history[(history["kind"] == "expansion") & (history["places"] > 0)]
    rows = []
    for code, region in history.groupby("zk_code"):
        vintages = sorted(region["vintage"].unique())
        mine = x[x["zk_code"] == code]
        for a, b in zip(vintages, vintages[1:], strict=False):
            before = mine[mine["vintage"] == a].set_index("project_id")
            after = x[x["vintage"] == b].set_index("project_id")  # a project may move region
            open_ = before[before["status"].isin(OPEN_STATUSES)]
            now = after.reindex(open_.index)
            realised = now["status"] == "realised"
            vanished = now["status"].isna() | (now["status"] == "cancelled")
            still = now["status"].isin(OPEN_STATUSES)
            later = still & (now["year_ready"] > open_["year_ready"])
            moved = (now["year_ready"] - open_["year_ready"])[later]
            listed = now["status"].notna() & (now["status"] != "cancelled")
            seen = mine.loc[mine["vintage"] <= a, "project_id"]
            new = after[(after["zk_code"] == code) & ~after.index.isin(seen)
                        & (after["status"] != "cancelled")]
            slipped = float(open_.loc[later, "places"].sum())
            rows.append({
                "zk_code": code, "vintage_from": a, "vintage_to": b,
                "open_places": float(open_["places"].sum()),
                "realised_places": float(open_.loc[realised, "places"].sum()),
                "slipped_places": slipped,
                "on_time_places": float(open_.loc[still & ~later, "places"].sum()),
                "vanished_places": float(open_.loc[vanished, "places"].sum()),
                "resized_places": float((now.loc[listed, "places"]
                                         - open_.loc[listed, "places"]).sum()),
                "new_places": float(new["places"].sum()),
                "slipped_years": float((moved * open_.loc[later, "places"]).sum() / slipped)
                if slipped > 0 else np.nan})
    out = pd.DataFrame(rows, columns=columns)
    full = {v for v, f in history.groupby("vintage")
            if set(f["zk_code"]) >= set(ZORGKANTOORREGIOS)}
    both = out[out["vintage_from"].isin(full) & out["vintage_to"].isin(full)]
    if len(both):  # nationally only between inventories of all 31 regions
        flows = [c for c in columns if c.endswith("_places")]
        out_all, out = out, both
        nat = out.groupby(["vintage_from", "vintage_to"])[flows].sum().reset_index()
        w = out.assign(_w=out["slipped_years"].fillna(0) * out["slipped_places"])
        nat_w = w.groupby(["vintage_from", "vintage_to"])["_w"].sum().to_numpy()
        nat["slipped_years"] = np.where(nat["slipped_places"] > 0,
                                        nat_w / nat["slipped_places"].where(
                                            nat["slipped_places"] > 0), np.nan)
        out = pd.concat([out_all, nat.assign(zk_code=NATIONAL)[columns]], ignore_index=True)
    return out


def national_history(occupancy: float = OCCUPANCY, data=None) -> tuple[pd.DataFrame,
                                                                         pd.DataFrame]:
    """The national monitor without a planner's file: ``(monitor rows, sources)``.

    Planned: the intramural plan totals of the ZN monitors (``data_raw/
    plan_history_national.csv``, series ``with_stay``), each spread evenly over its period
    [places per year]. Realised: the observed net change of places with stay in use in the
    year (CBS 84529NED clients with stay / ``occupancy``, :func:`zorgcap.forecast.delivery.
    places_in_use`) where observed, else empty [places].
    """
    from .delivery import places_in_use
    from .usage import wlz_vv

    table = pd.read_csv(data_raw_dir() / "plan_history_national.csv", dtype={"vintage": str})
    observed = sorted(int(y) for y in wlz_vv(data)["year"])
    in_use = {y: places_in_use(y, occupancy, data=data)["with_stay"] for y in observed}
    net = {y: in_use[y] - in_use[y - 1] for y in observed[1:]}
    rows, sources = [], []
    for r in table[table["series"] == "with_stay"].itertuples():
        years = range(int(r.period_start), int(r.period_end) + 1)
        for y in years:
            rows.append({"zk_code": NATIONAL, "vintage": r.vintage, "year": y,
                         "planned_places": float(r.places) / len(years),
                         "realised_places": net.get(y, np.nan)})
        derived = "" if str(r.derived) == "no" else f" ({r.note})"
        sources.append({
            "zk_code": NATIONAL, "vintage": r.vintage,
            "planned_source": f"{r.source}: {r.places:,.0f} places {r.period_start}-"
                              f"{r.period_end} ({r.forms}), spread evenly over the years"
                              + derived,
            "realised_source": f"observed net change of places with stay in use: Wlz V&V "
                               f"clients with stay (CBS 84529NED, {observed[0]}-"
                               f"{observed[-1]}) / occupancy {occupancy:g}; not a count of "
                               "realised plans"})
    return (pd.DataFrame(rows, columns=list(MONITOR_COLUMNS)),
            pd.DataFrame(sources, columns=["zk_code", "vintage", "planned_source",
                                           "realised_source"]))


def target_reach(targets: pd.DataFrame, plans: pd.DataFrame, status: pd.DataFrame,
                 draws: int = 1000, seed: int = SEED,
                 base_year: int | None = None) -> pd.DataFrame:
    """The probability that each region's pipeline reaches its share of each target.

    Per region r and target (year T, forms f; :func:`zorgcap.forecast.targets.target_progress`), in
    each of ``draws`` draws every plan of ``plans`` in the forms f is realised with its
    status's probability and after its Poisson delay (the gap's plan draws,
    :func:`zorgcap.forecast.gap._plan_draws`: the same random stream per plan, so a plan cancelled
    or added elsewhere does not move a region's draws):

        p_reach(r) = P( realised_to_base(r) + places of r realised by T >= target_share(r) )

    Nationally (``NL``, only with all 31 regions) the same with the sums over regions. The
    mean of the drawn places equals ``expected_to_year`` (up to the Monte Carlo error).

    Parameters
    ----------
    targets : pandas.DataFrame
        :attr:`ChainResult.targets` (:data:`zorgcap.forecast.schema.TARGETS_COLUMNS`).
    plans : pandas.DataFrame
        The plans counted (:attr:`ChainResult.plans`).
    status : pandas.DataFrame
        :func:`zorgcap.forecast.supply.plan_status` (learned or default; with ``zk_code``:
        per region, as the gap uses it).
    draws : int
        Monte Carlo draws [count].
    seed : int
        Seed of the plan draws (a run's ``config.seed`` gives the gap's own draws).
    base_year : int, optional
        The run's base year [year]: plans ready in it or before are in its capacity (and in
        ``realised_to_base``), not added again (as :func:`zorgcap.forecast.gap.supply_gap` counts).

    Returns
    -------
    pandas.DataFrame
        :data:`TARGET_REACH_COLUMNS` without ``realised_listed``.
    """
    from .gap import WITH_STAY, _plan_draws

    if base_year is not None and len(plans):
        plans = plans[plans["year_ready"].astype(int) > base_year]
    out = []
    for key, t in targets.groupby("target", sort=False):
        t = t.reset_index(drop=True)
        year, forms = int(t["year"].iloc[0]), str(t["forms"].iloc[0])
        codes = list(t["zk_code"])
        mine = plans[plans["zk_code"].isin(codes)] if len(plans) else plans
        added = _plan_draws(mine, status, codes, [year], draws, seed,
                            forms=WITH_STAY if forms == "with_stay" else FORMS)[:, 0, :]
        have = t["realised_to_base"].to_numpy(float)[None] + added
        t["p_reach"] = (have >= t["target_share"].to_numpy(float)[None] - 1e-9).mean(axis=0)
        out.append(t)
        if set(codes) == set(ZORGKANTOORREGIOS):
            sums = t[["target_share", "realised_to_base", "expected_to_year", "counted",
                      "counted_minus_share"]].sum()
            nat = {"target": key, "year": year, "base_year": int(t["base_year"].iloc[0]),
                   "forms": forms, "zk_code": NATIONAL, "zk_name": "Nederland", **sums,
                   "p_reach": float((have.sum(axis=1) >= sums["target_share"] - 1e-9)
                                    .mean())}
            out.append(pd.DataFrame([nat]))
    columns = [c for c in TARGET_REACH_COLUMNS if c != "realised_listed"]
    if not out:
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True)[columns]


def _realised_listed(targets: pd.DataFrame, history: pd.DataFrame, base: int) -> pd.Series:
    """Net places a history lists realised from the target's base year to the run's base
    year (both included: a plan ready by the base year is in its capacity), by the newest
    inventory of each region (0 where it lists none)."""
    if history is None or history.empty:
        return pd.Series(0.0, index=targets.index)
    newest = history[history["vintage"] == history.groupby("zk_code")["vintage"]
                     .transform("max")]
    done = newest[newest["status"] == "realised"].assign(net=lambda f: _signed(f))
    out = []
    for r in targets.itertuples():
        sel = done[(done["year_ready"] >= r.base_year) & (done["year_ready"] <= base)]
        sel = sel if r.zk_code == NATIONAL else sel[sel["zk_code"] == r.zk_code]
        if r.forms == "with_stay":
            sel = sel[sel["delivery_form"] == "with_stay"]
        out.append(float(sel["net"].sum()))
    return pd.Series(out, index=targets.index)


def monitor(plans=None, result=None, *, status_file=None, draws: int = 1000,
            seed: int | None = None, occupancy: float | None = None, data=None) -> Monitor:
    """Progress over time from a plans history, with the targets of a forecast run if given.

    Parameters
    ----------
    plans : str, Path or DataFrame, optional
        A plans file with one or more inventories (``vintage``); default the plans file of
        ``result`` (None: the national history only).
    result : zorgcap.forecast.ChainResult, optional
        A run: gives the targets, the plans counted and the seed (``ChainResult.monitor``).
    status_file : str or Path, optional
        Default realisation probabilities (default the run's, else
        ``data_raw/plan_status.csv``).
    draws : int
        Plan draws of ``p_reach`` [count].
    seed : int, optional
        Seed of those draws (default the run's).
    occupancy : float, optional
        Occupancy of the national places in use [fraction] (default the run's, else
        :data:`zorgcap.forecast.schema.OCCUPANCY`).
    data : path, optional
        Data directory (default the run's).

    Returns
    -------
    Monitor
    """
    config = getattr(result, "config", None)
    if plans is None and config is not None:
        plans = config.plans
    if config is not None:
        status_file = config.status_file if status_file is None else status_file
        seed = config.seed if seed is None else seed
        occupancy = config.occupancy if occupancy is None else occupancy
        data = config.data if data is None else data
    seed = SEED if seed is None else seed
    occupancy = OCCUPANCY if occupancy is None else occupancy
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"`draws` was {draws!r} but is expected to be a whole number >= 1")
    history = None if plans is None else read_plan_history(plans)
    defaults = plan_status(status_file)
    learned = learn_realisation(history, defaults) if history is not None else \
        learn_realisation(pd.DataFrame(columns=["vintage"]), defaults)
    status = learned.summary
    table = monitor_table(history)
    label = "" if history is None or history.empty else str(history["plans_source"].iloc[0])
    sources = [] if history is None else [
        {"zk_code": code, "vintage": v, "planned_source": f"{label}: rows not cancelled",
         "realised_source": f"{label}: rows with status realised"}
        for (code, v), _ in table.groupby(["zk_code", "vintage"])]
    if not (table["zk_code"] == NATIONAL).any():  # no vintage covers the country
        nat, nat_sources = national_history(occupancy, data)
        table = pd.concat([table, nat], ignore_index=True) if len(table) else nat
        sources = [*sources, *nat_sources.to_dict("records")]
    reach = None
    if result is not None:
        base = int(result.gap["year"].min())
        # the learned rates in the regions they were learned from only, as the gap uses them
        rates = status_by_region(learned, defaults, ZORGKANTOORREGIOS)
        reach = target_reach(result.targets, result.plans, rates, draws, seed, base)
        reach["realised_listed"] = _realised_listed(reach, history, base)
    return Monitor(monitor=table.reset_index(drop=True), changes=plan_changes(history),
                   realisation=learned.curve[list(REALISATION_COLUMNS)], status=status,
                   targets=reach,
                   sources=pd.DataFrame(sources, columns=["zk_code", "vintage",
                                                          "planned_source",
                                                          "realised_source"]),
                   entries=learned.entries)
