"""Supply: capacity per region, build plans, realisation probabilities, waiting lists.

Planner files (templates in ``data_raw/templates/``)::

    ``capacity.csv``  ``zk_code, year, places_with_stay[, vpt_capacity, source, note]`` - one row
                      per region for the base year.
    ``build_plans.csv`` ``project_id, zk_code, year_ready, places, delivery_form, status[, kind,
                      vintage, project_name, note]``; ``delivery_form`` in with_stay / geclusterd /
                      vpt, ``status`` in idea / planned / under_construction / realised /
                      cancelled, ``kind`` in expansion (default) / closure. A replacement is a
                      closure plus an expansion. ``vintage`` (``YYYY-MM-DD``, issue 31) is the
                      date of the inventory a row belongs to: one file can hold several
                      inventories (e.g. the regiomonitors 2021, 2022 and 2023), and the same
                      ``project_id`` in several vintages is one project's history. The gap counts
                      the newest inventory (:func:`read_plans`); :func:`read_plan_history` gives
                      all of them (:mod:`zorgcap.forecast.realisation`,
                      :mod:`zorgcap.forecast.monitor`).

Where a planner has no file, documented estimates are used and **labelled as estimates**::

    ``capacity_from_clients``  capacity with stay on 1 January of the base year = the region's
                               base-year clients with stay / occupancy (the observed level of
                               :mod:`zorgcap.forecast.intensity`); a plan ready in or before the
                               base year is part of it (:func:`zorgcap.forecast.gap.supply_gap`).
    ``waiting_by_clients``     the national waiting list shared by clients in care.
    ``plans_from_national``    the ZN Regiomonitor 2022 total of 7,000 intramural places for
                               2023-2027 (``data_raw/plan_totals.csv``), 1,400 a year, of which
                               the years after the base year count (those of the base year are
                               in the base capacity), spread over regions by their share of the
                               growth of demand (:func:`plan_shares`). A plans file that covers
                               some regions replaces the estimate of those regions only; the
                               others keep exactly the plans they get without a file
                               (``plans_elsewhere``, :func:`zorgcap.forecast.gap.supply_gap`).
    ``realisation_probability`` per status (``data_raw/plan_status.csv``; own file possible).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .errors import InputError, display_path, portable_path, spreadsheet_row
from .io.datadir import data_raw_dir
from .io.planner import COUNT, FRACTION, read_planner_csv
from .schema import DEMAND_BASE_YEAR
from .validation import (
    FORMS,
    KINDS,
    STATUS_SCHEMA,
    STATUSES,
    capacity_schema,
    check_closures,
    plans_schema,
    validate,
)

__all__ = ["read_capacity", "read_plans", "read_plan_history", "newest_inventory",
           "plan_status", "waiting_list", "estimate_capacity",
           "estimate_plans", "plan_shares", "signed_places", "check_closures", "FORMS",
           "STATUSES", "KINDS"]


def _read(path, what, columns, numbers, allow_empty=False, optional=None) -> pd.DataFrame:
    """A planner file by its notation (``,`` or Dutch ``;``; :mod:`zorgcap.forecast.io.planner`)."""
    return read_planner_csv(path, what, columns, numbers=numbers, template=f"{what}.csv",
                            allow_empty=allow_empty, optional=optional)


def _source(path_or_frame):
    """(frame or None, file for messages, source label) of a path or a DataFrame input."""
    if isinstance(path_or_frame, pd.DataFrame):
        return path_or_frame.copy(), None, "DataFrame"
    if not isinstance(path_or_frame, (str, os.PathLike)) or str(path_or_frame) == "":
        raise InputError(f"expected the path of a CSV file or a DataFrame, got "
                         f"{type(path_or_frame).__name__} {path_or_frame!r}",
                         fix="pass a file name such as 'capaciteit.csv' or a pandas DataFrame.")
    where = display_path(path_or_frame)
    return None, where, f"file {portable_path(path_or_frame)}"  # no local path in outputs


def read_capacity(path, base_year: int) -> pd.DataFrame:
    """A planner's capacity file (or DataFrame) -> ``zk_code, places_with_stay,
    vpt_capacity, capacity_source``.

    Validated by :func:`zorgcap.forecast.validation.capacity_schema`: known unique regions, the
    base year, places with stay [places] finite and 0-25,000. A file with a header and no
    rows is an error (leave ``--capacity`` out to use the named estimate).
    """
    frame, where, label = _source(path)
    if frame is None:
        frame = _read(path, "capacity", ["zk_code", "year", "places_with_stay"],
                      {"year": COUNT, "places_with_stay": COUNT, "vpt_capacity": COUNT},
                      optional=["vpt_capacity", "zk_name", "source", "note"])
    elif frame.empty:
        raise InputError("the capacity DataFrame has no rows",
                         fix="give one row per region, or capacity=None for the estimate.")
    elif "year" not in frame:  # a DataFrame is the capacity of the run's base year
        frame["year"] = base_year
    if "vpt_capacity" not in frame:
        frame["vpt_capacity"] = np.nan
    frame = validate(frame, capacity_schema(base_year), file=where)
    return pd.DataFrame({"zk_code": frame["zk_code"], "places_with_stay": frame[
        "places_with_stay"].astype(float), "vpt_capacity": frame["vpt_capacity"].astype(float),
        "capacity_source": frame.get("capacity_source", label)})


_PLAN_OPTIONAL = ["vintage", "kind", "project_name", "zk_name", "source", "note"]


def _plan_rows(path) -> tuple[pd.DataFrame, str | None, str, bool]:
    """(rows, file for messages, source label, has vintages) of a plans file or DataFrame,
    before validation: delivery forms as codes, empty ``kind`` = expansion, ``vintage`` as
    ``YYYY-MM-DD`` text (a column without any date is dropped: one inventory)."""
    frame, where, label = _source(path)
    if frame is None:
        frame = _read(path, "build_plans", ["project_id", "zk_code", "year_ready", "places",
                                            "delivery_form", "status"],
                      {"year_ready": COUNT, "places": COUNT}, allow_empty=True,
                      optional=_PLAN_OPTIONAL)
    if "delivery_form" in frame:  # 'Geclusterd ' and 'VPT' are meant as the codes
        frame["delivery_form"] = frame["delivery_form"].where(
            frame["delivery_form"].isna(), frame["delivery_form"].astype(str).str.strip()
            .str.lower())
    if "kind" not in frame:
        frame["kind"] = "expansion"
    frame["kind"] = frame["kind"].replace("", "expansion")
    if "vintage" in frame:
        v = frame["vintage"]
        if pd.api.types.is_datetime64_any_dtype(v):
            v = v.dt.strftime("%Y-%m-%d")
        v = v.map(lambda x: x.strftime("%Y-%m-%d") if isinstance(x, pd.Timestamp) else x)
        v = v.where(v.notna(), "").astype(str).str.strip()
        if (v == "").all():
            frame = frame.drop(columns="vintage")
        else:
            frame["vintage"] = v
    return frame, where, label, "vintage" in frame


def _plan_frame(frame: pd.DataFrame, label) -> pd.DataFrame:
    return pd.DataFrame({"project_id": frame["project_id"].astype(str),
                         "zk_code": frame["zk_code"].astype(str),
                         "year_ready": frame["year_ready"].astype(int),
                         "places": frame["places"].astype(float),
                         "delivery_form": frame["delivery_form"].astype(str),
                         "status": frame["status"].astype(str),
                         "kind": frame["kind"].astype(str),
                         "plans_source": frame.get("plans_source", label)})


def read_plans(path, base_year: int, last_year: int = 2050) -> pd.DataFrame:
    """A planner's build-plans file (or DataFrame), validated by
    :func:`zorgcap.forecast.validation.plans_schema` (see the module docstring): the plans
    the gap counts.

    The file covers the regions it has rows for: their plans are exactly its rows, and a
    row with ``places`` 0 declares a region without plans (e.g. ``ZK08-geen,ZK08,2025,0,
    with_stay,planned``). Regions without rows get the estimate or none
    (``plans_elsewhere`` of :func:`zorgcap.forecast.gap.supply_gap`). A file with a header and no
    rows means "no plans" in any region (counted as 0 rows in the provenance).

    A file with a ``vintage`` column holds several inventories (:func:`read_plan_history`);
    only the newest counts (:func:`newest_inventory`), and ``plans_source`` names it
    (``file plans.csv, inventory 2023-10-01``). Cancelled rows stay (their region is
    covered) and add no places (realisation probability 0)."""
    history = read_plan_history(path, last_year, base_year)
    if history["vintage"].eq("").all():  # no vintage column: one inventory, as it was
        return history.drop(columns="vintage")
    newest = newest_inventory(history)
    label = f"{newest['plans_source'].iloc[0]}, inventory {newest['vintage'].iloc[0]}"
    return newest.drop(columns="vintage").assign(plans_source=label)


def read_plan_history(path, last_year: int = 2050, base_year: int = DEMAND_BASE_YEAR
                      ) -> pd.DataFrame:
    """Every inventory of a plans file (or DataFrame): ``vintage`` [date YYYY-MM-DD; ""
    without a ``vintage`` column: one inventory], then the columns of :func:`read_plans`,
    sorted by vintage (file order within one).

    Validated as :func:`read_plans` (``base_year`` only words the messages), with
    ``project_id`` unique within each vintage.
    """
    frame, where, label, vintages = _plan_rows(path)
    frame = validate(frame, plans_schema(base_year, last_year, vintages=vintages), file=where)
    out = _plan_frame(frame, label)
    out.insert(0, "vintage", frame["vintage"].astype(str) if vintages else "")
    return out.sort_values("vintage", kind="stable").reset_index(drop=True)


def newest_inventory(history: pd.DataFrame) -> pd.DataFrame:
    """The rows of the newest ``vintage`` of a :func:`read_plan_history` frame."""
    return history[history["vintage"] == history["vintage"].max()].reset_index(drop=True)


def plan_status(path=None, history=None, regions=None) -> pd.DataFrame:
    """Realisation probability [fraction] and mean delay [years] per status.

    Default ``data_raw/plan_status.csv``; a planner's file (or DataFrame) needs ``status``
    and ``realisation_probability``, ``delay_mean_years`` is optional (0 if absent). The
    delay of a realised plan beyond its ``year_ready`` is Poisson with that mean
    (``assumption plan_delay``). Each status exactly once (a status listed twice would
    count its plans twice): :data:`zorgcap.forecast.validation.STATUS_SCHEMA`.
    ``cancelled`` is realised with probability 0 (added where a file leaves it out).

    ``history``: a plans file (or DataFrame) with several inventories (``vintage``): the
    probability and delay of the open statuses are then learned from it and shrunk toward
    the file's (or default) values (:func:`zorgcap.forecast.realisation.learn_realisation`,
    ``assumption realisation_from_history``). Without vintages, or None: the defaults.

    ``regions``: the zorgkantoorregio codes of a run. Then one row per region and status
    (column ``zk_code`` first): the learned values only in the regions whose projects they
    were learned from, the defaults elsewhere, so that a planner's file for one region
    changes only that region's numbers
    (:func:`zorgcap.forecast.realisation.status_by_region`).

    Returns ``status, realisation_probability`` [fraction], ``delay_mean_years`` [years],
    ``n_projects`` [projects the values were learned from; 0 for a default] and ``source``
    (``history`` or ``default``).
    """
    frame, where, _ = _source(data_raw_dir() / "plan_status.csv" if path is None else path)
    if frame is None:
        frame = _read(path or data_raw_dir() / "plan_status.csv", "plan_status",
                      ["status", "realisation_probability"],
                      {"realisation_probability": FRACTION, "delay_mean_years": FRACTION},
                      optional=["delay_mean_years", "meaning", "source", "note"])
    if "delay_mean_years" not in frame:
        frame["delay_mean_years"] = 0.0
    frame = validate(frame, STATUS_SCHEMA, file=where)
    missing = [s for s in STATUSES if s not in set(frame["status"]) and s != "cancelled"]
    if missing:
        raise InputError(f"no probability for status {missing}", file=where,
                         fix="give one row per status: " + ", ".join(
                             s for s in STATUSES if s != "cancelled") + ".")
    cancelled = frame["status"] == "cancelled"
    if (frame.loc[cancelled, "realisation_probability"] > 0).any():
        raise InputError("status cancelled has a realisation probability above 0", file=where,
                         row=spreadsheet_row(int(np.flatnonzero(cancelled)[0])) if where
                         else None, column="realisation_probability",
                         fix="give 0 (a cancelled plan adds no places) or leave the row out.")
    out = pd.DataFrame({"status": frame["status"].astype(str),
                        "realisation_probability": frame["realisation_probability"]
                        .astype(float),
                        "delay_mean_years": frame["delay_mean_years"].astype(float)})
    if not cancelled.any():
        out = pd.concat([out, pd.DataFrame({"status": ["cancelled"],
                                            "realisation_probability": [0.0],
                                            "delay_mean_years": [0.0]})], ignore_index=True)
    out["n_projects"] = 0
    out["source"] = "default"
    if history is None and regions is None:
        return out
    from .realisation import learn_realisation, status_by_region

    learned = learn_realisation(read_plan_history(history) if history is not None
                                else None, out)
    if regions is None:
        return learned.summary
    return status_by_region(learned, out, regions)


def waiting_list(status: str = "urgent_plus_actief") -> pd.DataFrame:
    """National V&V waiting list series ``date, status, persons`` (data_raw/waiting_lists.csv).

    Statuses since 2021: ``urgent_plus_actief`` (urgent and active placement: people who need
    a place now) and ``wacht_op_voorkeur`` (waiting for a preferred location, mostly with
    bridging care); ``total`` is their sum (``uit voorzorg`` is never counted).
    """
    frame = pd.read_csv(data_raw_dir() / "waiting_lists.csv", parse_dates=["date"])
    if status not in set(frame["status"]):
        raise ValueError(f"`status` was {status!r} but is expected to be in "
                         f"{sorted(set(frame['status']))}")
    return frame[frame["status"] == status].reset_index(drop=True)


def base_waiting(year: int, status: str = "urgent_plus_actief") -> float:
    """Mean waiting list of ``status`` over the quarters of ``year`` [persons]."""
    w = waiting_list(status)
    w = w[w["date"].dt.year == year]
    if w.empty:
        raise ValueError(f"no waiting-list figure of status {status!r} in {year}")
    return float(w["persons"].mean())


def estimate_capacity(base_places: pd.Series) -> pd.DataFrame:
    """Default capacity per region in the base year [places], labelled ESTIMATE.

    ``capacity_from_clients``: the places in use on 1 January of the base year = the
    region's clients with stay in the base year / occupancy (``base_places``, by
    ``zk_code``) [places]. Those clients are the region's observed level
    (:mod:`zorgcap.forecast.intensity`, "Base year and growth"), the same number the need starts
    from, so need and capacity differ in the base year only by the waiting list (or a
    planner's own files).
    """
    return pd.DataFrame({"zk_code": base_places.index,
                         "places_with_stay": base_places.to_numpy(float), "vpt_capacity": np.nan,
                         "capacity_source": "ESTIMATE capacity_from_clients"})


def supply_shares_2014(data=None) -> pd.Series:
    """Each region's share of the 2014 zzp 5-10 supply by ``zk_code`` [fraction]."""
    from .intensity import supply_2014

    s = supply_2014(data).set_index("zk_code")["zzp5_10"]
    return s / s.sum()


def plan_shares(places_needed: pd.DataFrame, base_year: int) -> pd.Series:
    """Each region's share of the national plans estimate ``plans_from_national`` [fraction].

    ``places_needed``: places needed by year (index) x ``zk_code`` (columns) [places], all
    31 regions. The share is the region's growth of places needed from ``base_year`` to
    2027 (the end of the ZN Regiomonitor 2022 period; the last year held if earlier),
    negative growth counted as 0, over the national sum of those growths. Where no region
    grows, the share is the region's share of the base-year places needed (plans then
    follow the size of the regions); where there is no need at all, 0.

    The shares are always over all regions, so a region's estimate does not depend on which
    other regions a planner's file covers (:func:`zorgcap.forecast.gap.supply_gap`).
    """
    last = min(2027, int(places_needed.index.max()))
    growth = (places_needed.loc[last] - places_needed.loc[base_year]).clip(lower=0)
    if growth.sum() > 0:
        return growth / growth.sum()
    base = places_needed.loc[base_year].clip(lower=0)
    return base / base.sum() if base.sum() > 0 else base * 0.0


def signed_places(plans: pd.DataFrame) -> pd.Series:
    """Places of each plan [places], negative for closures (``kind`` ``closure``)."""
    return plans["places"] * np.where(plans["kind"] == "closure", -1.0, 1.0)


def national_plans(base_year: int) -> dict:
    """The national plans total behind ``plans_from_national`` and what of it is added.

    ZN Regiomonitor 2022 (``data_raw/plan_totals.csv``): ``places`` intramural places
    ``first_year``-``last_year``, ``per_year`` [places] evenly; the plans ready up to
    ``base_year`` are already in the base capacity, so ``added`` places [places] in the
    ``years`` after it are added, from ``added_first_year``.
    """
    totals = pd.read_csv(data_raw_dir() / "plan_totals.csv")
    row = totals.set_index("key").loc["zn_regiomonitor_2022_intramural"]
    first, last = int(row.period_start), int(row.period_end)
    per_year = float(row.places) / (last - first + 1)
    years = [y for y in range(first, last + 1) if y > base_year]
    return {"places": float(row.places), "first_year": first, "last_year": last,
            "per_year": per_year, "years": years, "added": per_year * len(years),
            "added_first_year": years[0] if years else None, "status": row.status}


def estimate_plans(growth_share: pd.Series, base_year: int) -> pd.DataFrame:
    """Default plans: ZN Regiomonitor 2022, 7,000 intramural places 2023-2027, spread evenly
    over the years (those after ``base_year``: :func:`national_plans`) and over regions by
    ``growth_share`` (share of demand growth, :func:`plan_shares`) [places per region and
    year]."""
    nat = national_plans(base_year)
    years, per_year = nat["years"], nat["per_year"]
    rows = []
    for code, share in growth_share.items():
        for y in years:
            rows.append({"project_id": f"EST-{code}-{y}", "zk_code": code, "year_ready": y,
                         "places": per_year * share, "delivery_form": "with_stay",
                         "status": nat["status"], "kind": "expansion",
                         "plans_source": "ESTIMATE plans_from_national"})
    return pd.DataFrame(rows)


# --- regional waiting lists (issue 16) ------------------------------------------------------

#: Statuses of a regional waiting-list file (Wlz wachtlijst since 2021) [persons each].
WAITING_STATUSES = ("urgent_plaatsen", "actief_plaatsen", "wacht_op_voorkeur",
                    "wacht_uit_voorzorg")
def read_regional_waiting(path, base_year: int) -> pd.DataFrame:
    """A planner's regional waiting list (template ``data_raw/templates/waiting_list.csv``).

    Columns ``zk_code, date`` (ISO ``YYYY-MM-DD``, in the base year), ``urgent_plaatsen,
    actief_plaatsen, wacht_op_voorkeur`` and optionally ``wacht_uit_voorzorg`` [persons];
    several dates per region are averaged (as the national series is averaged over the
    quarters of the base year).

    Returns
    -------
    pandas.DataFrame
        ``zk_code``, ``urgent_plus_actief`` (urgent + actief plaatsen: need a place now) and
        ``total`` (+ wacht op voorkeur) [persons, mean over the base year's dates],
        ``waiting_source``. ``wacht uit voorzorg`` is never counted (as nationally).
    """
    import pandera.pandas as pa

    from .errors import spreadsheet_row
    from .validation import validate

    counts = [s for s in WAITING_STATUSES if s != "wacht_uit_voorzorg"]
    frame = _read(path, "waiting_list", ["zk_code", "date", *counts],
                  {c: COUNT for c in WAITING_STATUSES})
    where = display_path(path)
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna() | (dates.dt.year != base_year)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"date {frame['date'].iloc[i]!r} is not a date of the base year "
                         f"{base_year}", file=where, row=spreadsheet_row(i), column="date",
                         fix=f"write the date as YYYY-MM-DD within {base_year} (the counts "
                         "of the base year, like the capacity file).")
    count = pa.Column(float, [pa.Check(lambda s: np.isfinite(s), error="is not a number"),
                              pa.Check.ge(0, error="is below 0"),
                              pa.Check.le(25_000, error="is above the plausible maximum "
                                          "25,000 persons")],
                      description="enter the number of persons waiting (0 for none).")
    schema = pa.DataFrameSchema(
        {"zk_code": pa.Column(str, pa.Check.isin(
            list(_region_codes()), error="unknown zorgkantoorregio code {value}"),
            description="use one of the 31 codes ZK01...ZK33 (not ZK05, ZK15)."),
         **{c: count for c in counts}},
        coerce=True, unique=["zk_code", "date"], name="waiting_list",
        description="keep one row per region and date.")
    frame = validate(frame, schema, file=where)
    frame["urgent_plus_actief"] = frame["urgent_plaatsen"] + frame["actief_plaatsen"]
    frame["total"] = frame["urgent_plus_actief"] + frame["wacht_op_voorkeur"]
    out = frame.groupby("zk_code")[["urgent_plus_actief", "total"]].mean().reset_index()
    out["waiting_source"] = f"file {portable_path(path)}"
    return out


def _region_codes():
    from zorgcap.regions.codes import ZORGKANTOORREGIOS

    return ZORGKANTOORREGIOS


def allocate_waiting(total: float, clients: pd.Series) -> pd.Series:
    """The national waiting list allocated to regions [persons] (``waiting_by_clients``).

    In proportion to each region's clients with stay in the base year (``clients`` by
    ``zk_code`` [clients]): a named assumption that every region has the national share of
    people waiting for their clients in care. Nothing is allocated by a modelled shortfall
    (a planner's ``--waiting-file`` gives a region's own count). ``total`` [persons].
    """
    weight = clients.astype(float)
    if weight.sum() <= 0:
        return weight * 0.0
    return total * weight / weight.sum()
