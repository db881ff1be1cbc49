"""Supply: capacity per region, build plans, realisation probabilities, waiting lists.

Planner files (templates in ``data_raw/templates/``):

``capacity.csv``  ``zk_code, year, places_with_stay[, vpt_capacity, source, note]`` - one row
                  per region for the base year.
``build_plans.csv`` ``project_id, zk_code, year_ready, places, delivery_form, status[, kind,
                  project_name, note]``; ``delivery_form`` in with_stay / geclusterd / vpt,
                  ``status`` in idea / planned / under_construction / realised, ``kind`` in
                  expansion (default) / closure. A replacement is a closure plus an expansion.

Where a planner has no file, documented estimates are used and **labelled as estimates**:

``capacity_from_clients``  capacity with stay = base-year clients with stay / occupancy.
``plans_from_national``    the ZN Regiomonitor 2022 total of 7,000 intramural places for
                           2023-2027 (``data_raw/plan_totals.csv``), 1,400 a year, of which
                           the years after the base year count (those of the base year are
                           in the base capacity), spread over regions by their share of the
                           growth of demand.
``realisation_probability`` per status (``data_raw/plan_status.csv``; own file possible).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import regions as regions_mod

from .errors import InputError, display_path, spreadsheet_row
from .io.datadir import data_raw_dir
from .io.tables import read_user_csv

__all__ = ["read_capacity", "read_plans", "plan_status", "waiting_list", "estimate_capacity",
           "estimate_plans", "FORMS", "STATUSES", "KINDS"]

FORMS = ("with_stay", "geclusterd", "vpt")
STATUSES = ("idea", "planned", "under_construction", "realised")
KINDS = ("expansion", "closure")


def _read(path, what, columns) -> pd.DataFrame:
    return read_user_csv(path, what, columns, template=f"{what}.csv")


def _numbers(frame, col, path, *, integer=False, minimum=0.0, what="a number"):
    values = pd.to_numeric(frame[col], errors="coerce")
    bad = values.isna() | (values < minimum)
    if integer:
        bad |= values.notna() & (values != values.round())
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{col} {frame[col][i]!r} is not {what}", file=display_path(path),
                         row=spreadsheet_row(i), column=col,
                         fix=f"enter {what} (closures: a positive number with kind=closure).")
    return values


def _choice(frame, col, options, path):
    bad = ~frame[col].isin(options)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{col} {frame[col][i]!r} is not one of {list(options)}",
                         file=display_path(path), row=spreadsheet_row(i), column=col,
                         fix=f"use one of: {', '.join(options)}.")


def read_capacity(path, base_year: int) -> pd.DataFrame:
    """A planner's capacity file -> ``zk_code, places_with_stay, vpt_capacity, source``."""
    frame = _read(path, "capacity", ["zk_code", "year", "places_with_stay"])
    regions_mod.check_region_codes(frame["zk_code"], file=display_path(path))
    year = _numbers(frame, "year", path, integer=True, what="a year")
    wrong = year != base_year
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise InputError(f"capacity of year {frame['year'][i]} but the base year is {base_year}",
                         file=display_path(path), row=spreadsheet_row(i), column="year",
                         fix=f"give the capacity on the base date of {base_year}.")
    places = _numbers(frame, "places_with_stay", path, what="a number of places >= 0")
    vpt = (_numbers(frame, "vpt_capacity", path, what="a number >= 0")
           if "vpt_capacity" in frame and (frame["vpt_capacity"] != "").all()
           else pd.Series(np.nan, index=frame.index))
    dup = frame["zk_code"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"region {frame['zk_code'][i]} appears twice", file=display_path(path),
                         row=spreadsheet_row(i), fix="keep one row per region.")
    return pd.DataFrame({"zk_code": frame["zk_code"], "places_with_stay": places,
                         "vpt_capacity": vpt, "capacity_source": f"file {display_path(path)}"})


def read_plans(path, base_year: int, last_year: int = 2050) -> pd.DataFrame:
    """A planner's build-plans file, validated row by row (see the module docstring)."""
    frame = _read(path, "build_plans", ["project_id", "zk_code", "year_ready", "places",
                                        "delivery_form", "status"])
    where = display_path(path)
    empty = frame["project_id"] == ""
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise InputError("project_id is empty", file=where, row=spreadsheet_row(i),
                         column="project_id", fix="give every plan a unique id.")
    dup = frame["project_id"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero(frame["project_id"] == frame["project_id"][i])[0])
        raise InputError(f"project_id {frame['project_id'][i]!r} is used twice (also row "
                         f"{spreadsheet_row(first)})", file=where, row=spreadsheet_row(i),
                         column="project_id", fix="give every plan a unique id.")
    regions_mod.check_region_codes(frame["zk_code"], file=where)
    year = _numbers(frame, "year_ready", path, integer=True, what="a year")
    out_of_range = (year < base_year) | (year > last_year)
    if out_of_range.any():
        i = int(np.flatnonzero(out_of_range)[0])
        raise InputError(f"year_ready {int(year[i])} is outside {base_year}-{last_year}",
                         file=where, row=spreadsheet_row(i), column="year_ready",
                         fix=f"plans ready before the base year {base_year} are part of the "
                         "base capacity: leave them out or raise the capacity file.")
    places = _numbers(frame, "places", path, what="a number of places >= 0")
    _choice(frame, "delivery_form", FORMS, path)
    _choice(frame, "status", STATUSES, path)
    if "kind" not in frame:
        frame["kind"] = "expansion"
    frame["kind"] = frame["kind"].replace("", "expansion")
    _choice(frame, "kind", KINDS, path)
    out = pd.DataFrame({"project_id": frame["project_id"], "zk_code": frame["zk_code"],
                        "year_ready": year.astype(int), "places": places,
                        "delivery_form": frame["delivery_form"], "status": frame["status"],
                        "kind": frame["kind"], "plans_source": f"file {where}"})
    return out


def plan_status(path=None) -> pd.DataFrame:
    """Realisation probability [fraction] and mean delay [years] per status.

    Default ``data_raw/plan_status.csv``; a planner's file needs ``status`` and
    ``realisation_probability``, ``delay_mean_years`` is optional (0 if absent). The delay of
    a realised plan beyond its ``year_ready`` is Poisson with that mean
    (``assumption plan_delay``).
    """
    path = path or data_raw_dir() / "plan_status.csv"
    frame = _read(path, "plan_status", ["status", "realisation_probability"])
    _choice(frame, "status", STATUSES, path)
    p = _numbers(frame, "realisation_probability", path, what="a probability 0-1")
    if (p > 1).any():
        i = int(np.flatnonzero(p > 1)[0])
        raise InputError(f"probability {p[i]} > 1", file=display_path(path),
                         row=spreadsheet_row(i), column="realisation_probability",
                         fix="give a probability between 0 and 1.")
    missing = set(STATUSES) - set(frame["status"])
    if missing:
        raise InputError(f"no probability for status {sorted(missing)}",
                         file=display_path(path), fix="give one row per status.")
    delay = (_numbers(frame, "delay_mean_years", path, what="a mean delay in years >= 0")
             if "delay_mean_years" in frame else pd.Series(0.0, index=frame.index))
    return pd.DataFrame({"status": frame["status"], "realisation_probability": p,
                         "delay_mean_years": delay})


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
    """Default capacity: the base-year places needed (clients with stay / occupancy)."""
    return pd.DataFrame({"zk_code": base_places.index, "places_with_stay": base_places.values,
                         "vpt_capacity": np.nan,
                         "capacity_source": "ESTIMATE capacity_from_clients"})


def estimate_plans(growth_share: pd.Series, base_year: int) -> pd.DataFrame:
    """Default plans: ZN Regiomonitor 2022, 7,000 intramural places 2023-2027, spread evenly
    over the years and over regions by ``growth_share`` (share of demand growth)."""
    totals = pd.read_csv(data_raw_dir() / "plan_totals.csv")
    row = totals.set_index("key").loc["zn_regiomonitor_2022_intramural"]
    # Plans ready in the base year are already in the base capacity.
    years = [y for y in range(int(row.period_start), int(row.period_end) + 1) if y > base_year]
    per_year = float(row.places) / (int(row.period_end) - int(row.period_start) + 1)
    rows = []
    for code, share in growth_share.items():
        for y in years:
            rows.append({"project_id": f"EST-{code}-{y}", "zk_code": code, "year_ready": y,
                         "places": per_year * share, "delivery_form": "with_stay",
                         "status": row.status, "kind": "expansion",
                         "plans_source": "ESTIMATE plans_from_national"})
    return pd.DataFrame(rows)
