"""Realisation of build plans learned from a history of inventories (issue 31).

A plans file with a ``vintage`` column holds several inventories of the same projects
(:func:`zorgcap.forecast.supply.read_plan_history`): a project planned for 2023 in the inventory of
2021 may be realised in 2022, slip to 2025, be cancelled or vanish. From such a history this
module estimates, per plan status, the share of projects realised and the delay between the
planned and the realised year, and shrinks them toward the defaults
(``data_raw/plan_status.csv`` or a planner's status file) where few projects stand behind
them. :func:`zorgcap.forecast.supply.plan_status` hands the result to the gap, whose plan draws then
use it (``assumption realisation_from_history``).

Entries. A project *enters* status s in the first inventory that lists it with status s
(``idea``, ``planned`` or ``under_construction``), with the year it is then planned for,
``Y``. Only expansions with places count (closures and rows with 0 places are not
projects), and only entries that a later inventory of the same region follows: an entry in
the newest inventory of its region says nothing yet. What became of it, in years after
``Y`` (``t``):

``realised``   the first later inventory with status ``realised``: an event at
               ``t = year_ready of that row - Y`` (negative: realised early);
``cancelled``  its last row says ``cancelled``: a competing event at t = the year of the
               first inventory of that closing run of ``cancelled`` rows - ``Y``;
``vanished``   a later inventory of its region no longer lists it: a competing event at
               t = the year of that inventory - ``Y``;
``open``       still open in the newest inventory of its region: censored at t = that
               inventory's year - ``Y``.

Estimate. The share realised within ``t`` years of the planned year is the Aalen–Johansen
cumulative incidence of realisation with cancelled and vanished projects as the competing
event and open projects censored (Aalen & Johansen 1978; ``statsmodels``
``CumIncidenceRight``). At each event time t with n projects at risk, ``d_r`` realised and
``d_c`` cancelled or vanished:

    F(t) = F(t-) + S(t-) d_r / n,        S(t) = S(t-) (1 - (d_r + d_c) / n)

(ties: events before censoring). A cancelled project is a failure, not a censoring: it
lowers F; an open one only leaves the risk set.

Shrinkage (``assumption realisation_from_history``). With n projects behind status s, the
share realised F_h (F at the last event time), the mean delay beyond the planned year
``D_h = sum_t max(t, 0) dF(t) / F_h``, and the default probability ``p0`` and mean Poisson
delay ``d0`` of s, weighted as if the default stood for :data:`PRIOR_PROJECTS` projects:

    p     = (n F_h + k p0) / (n + k)
    delay = (n F_h D_h + k p0 d0) / (n F_h + k p0)

(the realisation probability and the mean delay of the mixture of the two delay
distributions; ``k`` = :data:`PRIOR_PROJECTS`). The curve
``F(t) = (n F_hist(t) + k p0 P(Poisson(d0) <= t)) / (n + k)`` is what ``realisation.csv``
lists. The gap draws the delay as Poisson with the mean ``delay`` (:mod:`zorgcap.forecast.gap`).

Which regions (the rule of independent regions: a planner's file for one region changes
only that region's numbers). The rates are learned from the projects of all regions in the
file together (a region alone has too few projects), and they apply to the plans of the
regions *whose projects they were learned from* (the regions of :func:`project_entries`):
:func:`status_by_region`. Every other region keeps the defaults - also a region that the
file covers with rows in its newest inventory only, and every region whose plans are the
national estimate ``plans_from_national``. The national history shipped in ``data_raw/
plan_history_national.csv`` holds published totals, not projects, so nothing is learned
from it.

Limits: the follow-up of a history of a few years is short, so F_h is the share realised
within the observed years after the planned year, and a project planned long after its
inventory enters at a negative t without left truncation being accounted for.

References
----------
Aalen, O. O. and Johansen, S. (1978). An empirical transition matrix for non-homogeneous
Markov chains based on censored observations. Scandinavian Journal of Statistics 5,
141-150. ``statsmodels.duration.survfunc.CumIncidenceRight``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .assumption import Assumption
from .schema import PLAN_ENTRIES_COLUMNS as ENTRY_COLUMNS
from .schema import REALISATION_COLUMNS
from .validation import MAX_DELAY_YEARS, OPEN_STATUSES, STATUSES

__all__ = ["PRIOR_PROJECTS", "project_entries", "cumulative_incidence", "learn_realisation",
           "Realisation", "realisation_assumption", "status_by_region", "status_assumptions",
           "ENTRY_COLUMNS", "REALISATION_COLUMNS"]

#: Weight of the default realisation probability and delay, in projects: with this many
#: projects of a status in the history, the learned and the default values count equally
#: (``assumption realisation_from_history``; a choice, not a published figure) [projects].
PRIOR_PROJECTS = 10



_EVENT = {"realised": 1, "cancelled": 2, "vanished": 2, "open": 0}


def _year(vintage: str) -> int:
    return int(str(vintage)[:4])


def project_entries(history: pd.DataFrame) -> pd.DataFrame:
    """Each project's entry into each open status, and what became of it (module notes).

    Parameters
    ----------
    history : pandas.DataFrame
        :func:`zorgcap.forecast.supply.read_plan_history` frame: ``vintage`` [date YYYY-MM-DD],
        ``project_id, zk_code, year_ready`` [year], ``places`` [places], ``status``,
        ``kind``.

    Returns
    -------
    pandas.DataFrame
        One row per project and status entered with a later inventory of its region
        (:data:`ENTRY_COLUMNS`).
    """
    columns = list(ENTRY_COLUMNS)
    if history is None or history.empty or history["vintage"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    covering = history.groupby("zk_code")["vintage"].agg(lambda v: sorted(set(v)))
    projects = history[(history["kind"] == "expansion") & (history["places"] > 0)]
    rows = []
    for pid, p in projects.sort_values("vintage", kind="stable").groupby("project_id",
                                                                        sort=True):
        p = p.reset_index(drop=True)
        for status in OPEN_STATUSES:
            at = np.flatnonzero((p["status"] == status).to_numpy())
            if not len(at):
                continue
            entry = p.iloc[at[0]]
            region, v0, planned = entry["zk_code"], entry["vintage"], int(entry["year_ready"])
            later_inventories = [v for v in covering[region] if v > v0]
            if not later_inventories:
                continue  # an entry in the region's newest inventory: nothing followed yet
            after = p[p["vintage"] > v0]
            realised = after[after["status"] == "realised"]
            last = p.iloc[-1]
            if len(realised):
                outcome, year = "realised", int(realised["year_ready"].iloc[0])
            elif last["status"] == "cancelled":
                open_rows = np.flatnonzero((p["status"] != "cancelled").to_numpy())
                first_cancel = p.iloc[open_rows[-1] + 1 if len(open_rows) else 0]
                outcome, year = "cancelled", _year(first_cancel["vintage"])
            elif any(v > last["vintage"] for v in covering[region]):
                gone = min(v for v in covering[region] if v > last["vintage"])
                outcome, year = "vanished", _year(gone)
            else:
                outcome, year = "open", _year(last["vintage"])
            rows.append({"project_id": pid, "zk_code": region, "status": status,
                         "vintage": v0, "year_planned": planned, "outcome": outcome,
                         "years_after_planned": year - planned, "event": _EVENT[outcome]})
    return pd.DataFrame(rows, columns=columns)


def cumulative_incidence(times, events) -> tuple[np.ndarray, np.ndarray]:
    """Aalen–Johansen cumulative incidence of event 1 with competing event 2 (0: censored).

    Parameters
    ----------
    times : array-like
        Time of the event or censoring [years after the planned year; may be negative].
    events : array-like of int
        1 realised, 2 cancelled or vanished, 0 censored.

    Returns
    -------
    (times, cif) : tuple of numpy.ndarray
        The distinct times and the cumulative incidence of event 1 by each [probability]
        (empty when nothing was realised: the incidence is 0 throughout).
    """
    from statsmodels.duration.survfunc import CumIncidenceRight

    times = np.asarray(times, dtype=float)
    events = np.asarray(events, dtype=int)
    if not (events == 1).any():
        return np.array([]), np.array([])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # the standard errors divide by zero where the last project leaves the risk set
        warnings.simplefilter("ignore", RuntimeWarning)
        fit = CumIncidenceRight(times, events)
    return np.asarray(fit.times, dtype=float), np.asarray(fit.cinc[0], dtype=float)


def _step(times, cif, t) -> float:
    """The step function ``cif`` at ``t`` (0 before the first time)."""
    i = np.searchsorted(times, t, side="right") - 1
    return float(cif[i]) if i >= 0 else 0.0


def _poisson_cdf(t: int, mean: float) -> float:
    from scipy.special import pdtr

    if t < 0:
        return 0.0
    return float(pdtr(t, mean)) if mean > 0 else 1.0


@dataclass(frozen=True)
class Realisation:
    """What :func:`learn_realisation` learned.

    Attributes
    ----------
    summary : pandas.DataFrame
        Per status (the frame of :func:`zorgcap.forecast.supply.plan_status`):
        ``status, realisation_probability`` [fraction], ``delay_mean_years`` [years],
        ``n_projects`` [projects], ``source`` (history or default).
    curve : pandas.DataFrame
        ``realisation.csv``: ``status, years_after_planned, p_realised, n_projects,
        source`` (:data:`REALISATION_COLUMNS`).
    entries : pandas.DataFrame
        :func:`project_entries` of the history.
    prior_projects : float
        The weight ``k`` of the defaults [projects].
    """

    summary: pd.DataFrame
    curve: pd.DataFrame
    entries: pd.DataFrame
    prior_projects: float


def learn_realisation(history: pd.DataFrame, defaults: pd.DataFrame,
                      prior_projects: float = PRIOR_PROJECTS) -> Realisation:
    """Realisation share and delay per status from a plans history, shrunk toward
    ``defaults`` (module notes).

    Parameters
    ----------
    history : pandas.DataFrame
        :func:`zorgcap.forecast.supply.read_plan_history` frame (one inventory: nothing learned).
    defaults : pandas.DataFrame
        ``status, realisation_probability`` [fraction], ``delay_mean_years`` [years]: the
        values without history (:func:`zorgcap.forecast.supply.plan_status`).
    prior_projects : float
        ``k``: weight of the defaults [projects] (default :data:`PRIOR_PROJECTS`).

    Returns
    -------
    Realisation
    """
    if not np.isfinite(prior_projects) or prior_projects < 0:
        raise ValueError(f"`prior_projects` was {prior_projects!r} but is expected to be a "
                         "number of projects >= 0")
    entries = project_entries(history)
    d = defaults.set_index("status")
    k = float(prior_projects)
    first = min(0, int(entries.loc[entries["event"] == 1, "years_after_planned"].min())
                if (entries["event"] == 1).any() else 0)
    grid = range(first, MAX_DELAY_YEARS + 1)
    summary, curve = [], []
    for status in STATUSES:
        p0 = float(d.loc[status, "realisation_probability"])
        d0 = float(d.loc[status, "delay_mean_years"])
        mine = entries[entries["status"] == status]
        n = len(mine)
        if status not in OPEN_STATUSES or n == 0:
            summary.append({"status": status, "realisation_probability": p0,
                            "delay_mean_years": d0, "n_projects": 0, "source": "default"})
            curve += [{"status": status, "years_after_planned": t,
                       "p_realised": p0 * _poisson_cdf(t, d0), "n_projects": 0,
                       "source": "default"} for t in grid]
            continue
        times, cif = cumulative_incidence(mine["years_after_planned"], mine["event"])
        f_h = float(cif[-1]) if len(cif) else 0.0
        late = float(np.sum(np.maximum(times, 0) * np.diff(cif, prepend=0.0))) \
            if len(cif) else 0.0  # F_h x D_h
        p = (n * f_h + k * p0) / (n + k) if n + k > 0 else p0
        weight = n * f_h + k * p0
        delay = (n * late + k * p0 * d0) / weight if weight > 0 else d0
        summary.append({"status": status, "realisation_probability": p,
                        "delay_mean_years": min(delay, float(MAX_DELAY_YEARS)),
                        "n_projects": n, "source": "history"})
        curve += [{"status": status, "years_after_planned": t,
                   "p_realised": (n * _step(times, cif, t) + k * p0 * _poisson_cdf(t, d0))
                   / (n + k), "n_projects": n, "source": "history"} for t in grid]
    summary = pd.DataFrame(summary)
    summary["n_projects"] = summary["n_projects"].astype(int)
    curve = pd.DataFrame(curve, columns=list(REALISATION_COLUMNS))
    curve["n_projects"] = curve["n_projects"].astype(int)
    return Realisation(summary=summary, curve=curve, entries=entries, prior_projects=k)


def status_by_region(learned: Realisation, defaults: pd.DataFrame, codes) -> pd.DataFrame:
    """The realisation probability and delay per region and status: the learned values in
    the regions whose projects they were learned from, the defaults in the others (module
    notes, "Which regions").

    Parameters
    ----------
    learned : Realisation
        :func:`learn_realisation` of a plans history.
    defaults : pandas.DataFrame
        The values without history (:func:`zorgcap.forecast.supply.plan_status`):
        ``status, realisation_probability`` [fraction], ``delay_mean_years`` [years],
        ``n_projects, source``.
    codes : iterable of str
        The zorgkantoorregio codes of the run.

    Returns
    -------
    pandas.DataFrame
        ``zk_code`` and the columns of ``learned.summary``: one row per region and status.
    """
    columns = ["zk_code", *learned.summary.columns]
    taught = set(learned.entries["zk_code"]) if len(learned.entries) else set()
    parts = [(learned.summary if code in taught else defaults).assign(zk_code=code)
             for code in codes]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def status_assumptions(status: pd.DataFrame, prior_projects: float = PRIOR_PROJECTS
                       ) -> dict:
    """The named assumptions ``realisation_probability``, ``plan_delay`` and, where
    learned values are in use, ``realisation_from_history`` of a status frame
    (:func:`zorgcap.forecast.supply.plan_status`, per region or not).

    ``realisation_probability`` and ``plan_delay`` give per status the default values
    (those of the regions without history), or the learned ones where every region has
    learned values [fraction; years].
    """
    shown = status.sort_values("source", kind="stable").drop_duplicates("status") \
        if "source" in status else status.drop_duplicates("status")
    shown = shown.set_index("status").reindex(pd.unique(status["status"])).reset_index()
    return {
        "realisation_probability": dict(zip(shown["status"], shown["realisation_probability"],
                                            strict=True)),
        "plan_delay": Assumption("plan_delay", unit="[years]", source="plan status file",
                                 delays=[{"status": s, "years": d} for s, d in zip(
                                     shown["status"], shown["delay_mean_years"],
                                     strict=True)]),
        **realisation_assumption(status, prior_projects)}


def realisation_assumption(status: pd.DataFrame, prior_projects: float = PRIOR_PROJECTS
                           ) -> dict:
    """``{"realisation_from_history": text}`` where ``status`` (the frame of
    :func:`zorgcap.forecast.supply.plan_status`) holds learned values, else ``{}``: the numbers and
    the number of projects behind each; with a ``zk_code`` column (per region) also the
    regions they apply to."""
    if "source" not in status:
        return {}
    learned = status[status["source"] == "history"]
    if learned.empty:
        return {}
    variant, regions, others = "plain", [], 0
    if "zk_code" in learned:
        regions = sorted(set(learned["zk_code"]))
        others = status["zk_code"].nunique() - len(regions)
        variant = "others" if others else "regions"
        learned = learned.drop_duplicates("status")
    parts = [{"status": r.status, "p": r.realisation_probability,
              "delay": r.delay_mean_years, "n": int(r.n_projects),
              "noun": "project" if r.n_projects == 1 else "projects"}
             for r in learned.itertuples()]
    return {"realisation_from_history": Assumption(
        "realisation_from_history", variant, source="plans file", scope="regional",
        projects=prior_projects, learned=parts, regions=regions, others=others)}
