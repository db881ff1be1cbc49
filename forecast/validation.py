"""One validation layer for every planner input: declared pandera schemas, planner's words.

Each planner input - the capacity, build-plans, plan-status, calibration and rates files, and
the same tables given as DataFrames through the API - is checked against one declared
:class:`pandera.DataFrameSchema` (types, finite ranges, plausible upper bounds, unique keys,
known codes, required columns). pandera collects every failure (``lazy=True``);
:func:`validate` then rephrases the first one (in file order) as an
:class:`~zorgcap.forecast.errors.InputError` naming the file, the row as a spreadsheet shows it, the
column, the value and the fix, and says how many more problems there are.

Upper bounds (plausibility, not physics; a value above them is almost surely a unit or
notation slip such as ``1e12`` or Dutch thousands read as decimals)::

    ``MAX_REGION_PLACES = 25,000`` places or clients with stay in one zorgkantoorregio: the
        31 regions had 126,105 Wlz clients with zzp VV4-VV10 and stay together in 2023 (CBS
        84529NED), about 4,000 on average and under 10,000 in the largest; 25,000 leaves room
        for the doubling to 2040 with a margin.
    ``MAX_PLAN_PLACES = 5,000`` places in one build plan: Dutch nursing-home locations have tens
        to a few hundred places; a larger number is one region's total, not one project.
    ``MAX_DELAY_YEARS = 10`` mean delay of a plan status [years].

References
----------
pandera, "DataFrameSchema" and "Checks" (https://pandera.readthedocs.io).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from zorgcap import regions as regions_mod

from .errors import InputError, spreadsheet_row
from .schema import OPEN_AGE, SEXES

__all__ = ["MAX_REGION_PLACES", "MAX_PLAN_PLACES", "MAX_DELAY_YEARS", "OPEN_STATUSES",
           "FIRST_PLAN_YEAR", "capacity_schema",
           "plans_schema", "STATUS_SCHEMA", "CALIBRATION_SCHEMA", "RATES_SCHEMA", "validate",
           "check_closures"]

MAX_REGION_PLACES = 25_000
MAX_PLAN_PLACES = 5_000
MAX_DELAY_YEARS = 10

FORMS = ("with_stay", "geclusterd", "vpt")
#: Plan statuses; ``cancelled`` (issue 31) marks a project stopped, kept so that a history of
#: inventories (``vintage``) says what became of it.
STATUSES = ("idea", "planned", "under_construction", "realised", "cancelled")
#: Statuses of a plan whose places may still come (neither realised nor cancelled).
OPEN_STATUSES = ("idea", "planned", "under_construction")
KINDS = ("expansion", "closure")
_CODES = tuple(regions_mod.ZORGKANTOORREGIOS)


def _finite():
    return pa.Check(lambda s: np.isfinite(s.astype(float)), error="is not a finite number")


def _whole():
    return pa.Check(lambda s: s == np.round(s), error="is not a whole number")


def _range(lo, hi, unit=""):
    return [_finite(), pa.Check.ge(lo, error=f"is below {lo:,}{unit}"),
            pa.Check.le(hi, error=f"is above the plausible maximum {hi:,}{unit}")]


def _isin(options, what):
    return pa.Check.isin(list(options), error=f"is not {what}: use one of {', '.join(options)}")


def _region(fix="use one of the 31 codes ZK01...ZK33 (not ZK05, ZK15); see "
            "zorgcap.regions.ZORGKANTOORREGIOS."):
    return pa.Column(str, pa.Check.isin(list(_CODES), error="unknown zorgkantoorregio code "
                                        "{value}"), description=fix)


def capacity_schema(base_year: int) -> pa.DataFrameSchema:
    """``zk_code`` (unique, known), ``year`` (= the base year), ``places_with_stay``
    [places, 0 to MAX_REGION_PLACES], ``vpt_capacity`` [places, optional, same range]."""
    return pa.DataFrameSchema({
        "zk_code": _region(),
        "year": pa.Column(float, [pa.Check.eq(base_year, error=f"is not the base year "
                                              f"{base_year}")],
                          description=f"give the capacity on 1 January {base_year} (the base "
                          "year of the forecast)."),
        "places_with_stay": pa.Column(float, _range(0, MAX_REGION_PLACES, " places"),
                                      description="enter the number of places with stay in "
                                      "the region (a plain number, e.g. 3400)."),
        "vpt_capacity": pa.Column(float, _range(0, MAX_REGION_PLACES, " places"),
                                  nullable=True, required=False,
                                  description="enter the VPT capacity as a number, or leave "
                                  "the cell empty."),
    }, coerce=True, unique=["zk_code"], name="capacity",
        description="keep one row per region (zk_code appears twice).")


#: Earliest ``year_ready`` of a plans file [year]: the Wlz began in 2015.
FIRST_PLAN_YEAR = 2015


def _vintage():
    def valid(s):
        text = s.astype(str)
        shape = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        return shape & pd.to_datetime(text.where(shape), format="%Y-%m-%d",
                                      errors="coerce").notna()
    return pa.Column(str, pa.Check(valid, error="is not a date YYYY-MM-DD"),
                     description="give the date of the inventory as YYYY-MM-DD (e.g. "
                     "2023-10-01) in every row; in Excel format the column as text so that "
                     "it is not saved as 1-10-2023.")


def plans_schema(base_year: int, last_year: int, vintages: bool = False) -> pa.DataFrameSchema:
    """Build plans: unique ``project_id``, known ``zk_code``, ``year_ready`` in
    FIRST_PLAN_YEAR..last_year, ``places`` [places, 0 to MAX_PLAN_PLACES], known
    ``delivery_form``, ``status`` and ``kind``. Plans ready in or before ``base_year`` are
    accepted (a file may carry history, e.g. realised projects since 2021): they are part of
    the base-year capacity (:func:`zorgcap.forecast.gap.supply_gap`).

    ``vintages=True``: a plans history (issue 31), one inventory per ``vintage`` date
    (``YYYY-MM-DD``): ``project_id`` unique within a vintage (the same id across vintages
    is one project's history)."""
    columns = {
        "project_id": pa.Column(str, pa.Check.str_length(min_value=1, error="is empty"),
                                description="give every plan a unique id."),
        "zk_code": _region(),
        "year_ready": pa.Column(float, [_finite(), _whole(),
                                        pa.Check.in_range(FIRST_PLAN_YEAR, last_year,
                                                          error=f"is outside {FIRST_PLAN_YEAR}-"
                                                          f"{last_year}")],
                                description=f"give the year the places open, {FIRST_PLAN_YEAR}-"
                                f"{last_year}; plans ready in or before the base year "
                                f"{base_year} count as part of its capacity."),
        "places": pa.Column(float, _range(0, MAX_PLAN_PLACES, " places"),
                            description="enter the places of the plan as a positive number "
                            "(closures: a positive number with kind=closure; 0 declares a "
                            "region without plans)."),
        "delivery_form": pa.Column(str, _isin(FORMS, "a delivery form"),
                                   description=f"use one of: {', '.join(FORMS)}."),
        "status": pa.Column(str, _isin(STATUSES, "a plan status"),
                            description=f"use one of: {', '.join(STATUSES)}."),
        "kind": pa.Column(str, _isin(KINDS, "a kind of plan"),
                          description=f"use one of: {', '.join(KINDS)} (empty = expansion)."),
    }
    if not vintages:
        return pa.DataFrameSchema(columns, coerce=True, unique=["project_id"],
                                  name="build_plans",
                                  description="give every plan a unique project_id.")
    return pa.DataFrameSchema(
        {"vintage": _vintage(), **columns}, coerce=True, unique=["vintage", "project_id"],
        name="build_plans", description="give every plan a project_id that is unique within "
        "its inventory (vintage); the same id in another vintage is the same project.")


STATUS_SCHEMA = pa.DataFrameSchema({
    "status": pa.Column(str, _isin(STATUSES, "a plan status"),
                        description=f"use one of: {', '.join(STATUSES)}."),
    "realisation_probability": pa.Column(float, _range(0, 1),
                                         description="give a probability between 0 and 1."),
    "delay_mean_years": pa.Column(float, _range(0, MAX_DELAY_YEARS, " years"),
                                  description="give a mean delay in years, 0-10."),
}, coerce=True, unique=["status"], name="plan_status",
    description="give one row per status: a status listed twice would count its plans twice.")

CALIBRATION_SCHEMA = pa.DataFrameSchema({
    "zk_code": _region(),
    # 0 clients would make the region's factor log(0): every region has clients with stay
    "clients_with_stay": pa.Column(float, [
        *_range(0, MAX_REGION_PLACES, " clients"),
        pa.Check.gt(0, error="is 0: every region has clients with stay; give the count or "
                             "leave the region out of the file")],
                                   description="enter the number of clients with stay on the "
                                   "base date (a plain number, e.g. 4120)."),
}, coerce=True, unique=["zk_code"], name="calibration", description="keep one row per region.")

RATES_SCHEMA = pa.DataFrameSchema({
    "sex": pa.Column(str, pa.Check.isin(list(SEXES), error="unknown sex {value}"),
                     description="use 'male' or 'female'."),
    "age": pa.Column(float, [pa.Check(lambda s: np.isfinite(s) & (s == np.round(s))
                                      & (s >= 0) & (s <= OPEN_AGE),
                                      error="age {value} is not a whole number 0.." +
                                      str(OPEN_AGE))],
        description=f"use ages 0..{OPEN_AGE} ({OPEN_AGE} = {OPEN_AGE}+)."),
    "rate": pa.Column(float, [_finite(), pa.Check.in_range(0, 1, error="is not a share "
                                                            "between 0 and 1")],
                      description="give the share of people of that age and sex with care "
                      "with stay, e.g. 0.12."),
}, coerce=True, unique=["sex", "age"], name="rates", description="keep one row per sex and age.")


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file=None) -> pd.DataFrame:
    """Check ``frame`` against ``schema``; the first failure as an :class:`InputError`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is the 0-based data row of the file (or the frame's rows).
    schema : pandera.DataFrameSchema
        One of this module's schemas.
    file : str, optional
        File for the message (None: a DataFrame given through the API).

    Returns
    -------
    pandas.DataFrame
        ``frame`` (unchanged) when valid.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"the {schema.name} table was a {type(frame).__name__}",
                         file=file, fix="give a pandas DataFrame or the path of a CSV file.")
    missing = [c for c, col in schema.columns.items() if col.required and c not in frame]
    if missing:
        raise InputError(f"the {schema.name} table lacks column(s) {', '.join(missing)} "
                         f"(found: {', '.join(map(str, frame.columns))})", file=file,
                         column=missing[0], fix=f"add the column(s) {', '.join(missing)}.")
    frame = frame.reset_index(drop=True)
    if "zk_code" in schema.columns:  # one rule for region codes: lower case is read as upper
        frame["zk_code"] = regions_mod.normalise_region_codes(frame["zk_code"])
        try:
            regions_mod.check_region_codes(frame["zk_code"], file=file)
        except InputError as err:
            if file is None and err.row is None:  # a frame: say which of its rows
                bad = ~frame["zk_code"].isin(_CODES)
                raise InputError(err.problem + f" (row {int(np.flatnonzero(bad)[0])} of the "
                                 "frame)", column="zk_code", fix=err.fix) from None
            raise
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(exc.failure_cases, schema, file, frame) from None


def _first_failure(cases: pd.DataFrame, schema, file, frame) -> InputError:
    cases = cases.assign(_row=pd.to_numeric(cases["index"], errors="coerce"))
    unique_cases = cases["check"].astype(str).str.contains("uniqueness")
    keys = list(schema.unique or [])
    if unique_cases.any() and keys:  # pandera lists every row of a doubled key: keep repeats
        repeat = frame.duplicated(keys, keep="first")
        drop = unique_cases & ~cases["_row"].map(lambda r: bool(repeat.get(r, False)))
        cases = cases[~drop] if (~drop).any() else cases
    # a value that is no number at all fails its column's checks as a whole (no row): the
    # row-level failure says it better
    located = set(cases.loc[cases["_row"].notna(), "column"])
    cases = cases[cases["_row"].notna() | ~cases["column"].isin(located)]
    # per row, a value that is no number at all comes before the checks it then also fails
    cases = cases.assign(_coerce=~cases["check"].astype(str).str.startswith("coerce_dtype"))
    cases = cases.sort_values(["_row", "_coerce"], na_position="first", kind="stable")
    first = cases.iloc[0]
    more = cases["_row"].nunique(dropna=False) - 1
    tail = f" ({more} more problem{'s' if more > 1 else ''} in this table)" if more else ""
    row = None if pd.isna(first["_row"]) else int(first["_row"])
    where = {"file": file, "row": spreadsheet_row(row) if row is not None and file else None}
    label = "" if file or row is None else f" (row {row} of the frame)"
    column = first["column"] if isinstance(first["column"], str) else None
    check = str(first["check"])
    if "uniqueness" in check or column not in schema.columns:
        dup = frame.duplicated(keys, keep="first") if keys else pd.Series(dtype=bool)
        if not dup.any():
            return InputError(f"the {schema.name} table fails {check}{tail}", **where,
                              fix=schema.description)
        row = int(np.flatnonzero(dup.to_numpy())[0])
        same = (frame[keys] == frame.loc[row, keys]).all(axis=1).to_numpy()
        also = int(np.flatnonzero(same)[0])
        where["row"] = spreadsheet_row(row) if file else None
        label = ""
        also = (f"also row {spreadsheet_row(also)}" if file
                else f"rows {also} and {row} of the frame")
        if keys == ["zk_code"]:
            problem = f"region {frame.at[row, 'zk_code']} appears twice ({also})"
        else:
            problem = (", ".join(f"{k} {_show(frame.at[row, k])}" for k in keys)
                       + f" is used twice ({also})")
        return InputError(problem + label + tail, **where, fix=schema.description,
                          column=keys[0] if len(keys) == 1 and keys != ["zk_code"] else None)
    value = first["failure_case"]
    if row is not None and column in frame and row in frame.index:
        value = frame.at[row, column]  # as given, not as pandera coerced it
    if check == "not_nullable":
        problem = f"{column} is empty{label}"
    elif check.startswith("coerce_dtype"):
        problem = f"{column} {_show(value)} is not a number{label}"
    elif check.startswith("dtype("):
        problem = f"{column} has values of type {value}, expected {schema.columns[column].dtype}"
    elif "{value}" in check:
        problem = check.replace("{value}", _show(value)) + label
    else:
        problem = f"{column} {_show(value)} {check}{label}"
    return InputError(problem + tail, **where, column=column,
                      fix=schema.columns[column].description)


def _show(value) -> str:
    if isinstance(value, float) and np.isfinite(value) and value == round(value):
        return f"{value:.0f}"
    return repr(value) if isinstance(value, str) else f"{value:g}" if isinstance(
        value, float) else f"{value}"


def _places(value: float) -> str:
    """Places as a message shows them: whole where whole, else to one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def check_closures(capacity: pd.DataFrame, plans: pd.DataFrame, *, file=None,
                   forms=("with_stay",), column: str = "places_with_stay",
                   what: str = "places with stay") -> None:
    """Refuse closures of delivery ``forms`` that remove more places than a region has.

    Supply = capacity + realised expansions - realised closures
    (:func:`zorgcap.forecast.gap.compare_capacity`); if every closure is realised and no expansion
    is, supply is ``capacity - closures``, which must not go below 0.

    Parameters
    ----------
    capacity : pandas.DataFrame
        ``zk_code`` and ``column`` [places] (file or estimate).
    plans : pandas.DataFrame
        ``zk_code, places, delivery_form, kind`` [places].
    file : str, optional
        The plans file for the message.
    forms, column, what
        The delivery forms checked, the capacity column they close, and their name in the
        message (clustered places: ``("geclusterd", "vpt")``, ``"capacity_clustered"``).
    """
    closures = plans[(plans["kind"] == "closure") & plans["delivery_form"].isin(forms)]
    if "status" in closures:  # a cancelled closure closes nothing
        closures = closures[closures["status"] != "cancelled"]
    if closures.empty:
        return
    cap = capacity.set_index("zk_code")[column]
    total = closures.groupby("zk_code")["places"].sum()
    over = total[total > cap.reindex(total.index).fillna(0) + 1e-9]
    if len(over):
        code = over.index[0]
        i = int(np.flatnonzero((plans["zk_code"] == code).to_numpy()
                               & (plans["kind"] == "closure").to_numpy()
                               & plans["delivery_form"].isin(forms).to_numpy())[-1])
        raise InputError(
            f"closures in {code} remove {_places(over.iloc[0])} {what} but the region "
            f"has {_places(cap.get(code, 0))} at the base date: supply would become negative",
            file=file, row=spreadsheet_row(i) if file else None, column="places",
            fix="check the places of the closure rows (a closure cannot exceed the capacity) "
                "or give the region's capacity with --capacity"
                + (" (column vpt_capacity)." if column != "places_with_stay" else "."))
