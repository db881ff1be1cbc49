"""Misuse of the analyst API ends in a clear error (issue 18, item 8): a table of cases.

Each row is a real call with a wrong argument: a wrong type, an unknown level, an empty or
incomplete frame. The expected outcome is a :class:`ValueError` (an :class:`InputError`
where it is about a planner file) raised by zorgcap's own argument check, in the geopandas
manner (``name`` was X but is expected to be ...), never a deep pandas/numpy exception.

``before`` records what the call gave before the checks were added: ``ok`` means the row
guards a check that was already there; the others were a bare pandas/numpy/Python error, a
misleading message or no error at all.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from zorgcap import forecast, regions
from zorgcap.forecast import gap, population
from zorgcap.forecast import reconcile as rec
from zorgcap.forecast import timeseries as ts
from zorgcap.forecast.decomposition import decompose
from zorgcap.forecast.demand import run_demand
from zorgcap.forecast.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
GM = pd.DataFrame({"gm_code": ["GM0363", "GM0599"], "persons": [1.0, 2.0]})


@cache
def _run():
    return run_demand(to=2026)


SERIES = pd.Series([float(v) for v in range(1, 11)], index=range(2010, 2020))


@cache
def _projection():
    return population.build_projection(to=2022, draws=3, seed=1)


def _small():
    from handmade import small_result

    return small_result()


def _frame():
    return _run().frame


# (id, call, expected exception, message fragment, before)
CASES = [
    # zorgcap.forecast.project_population / population.build_projection
    ("population level unknown", lambda: forecast.project_population(level="province", to=2022),
     ValueError, "`level` was 'province' but is expected to be in", "KeyError province_code"),
    ("population level not a str", lambda: population.build_projection(level=5, to=2022),
     ValueError, "`level` was 5", "KeyError 5_code"),
    ("population to a str", lambda: population.build_projection(to="2030"),
     ValueError, "`to` was '2030' but is expected to be a whole number in 2022-2050",
     "TypeError '<' not supported"),
    ("population to a float", lambda: population.build_projection(to=2030.5),
     ValueError, "`to` was 2030.5", "TypeError 'float' object cannot be interpreted"),
    ("population draws a float", lambda: population.build_projection(to=2022, draws=2.5),
     ValueError, "`draws` was 2.5 but is expected to be a whole number >= 0",
     "TypeError from numpy"),
    ("population seed a str", lambda: population.build_projection(to=2022, draws=2, seed="a"),
     ValueError, "`seed` was 'a'", "TypeError SeedSequence expects int"),
    ("population chunk a str", lambda: population.build_projection(to=2022, draws=2, chunk="9"),
     ValueError, "`chunk` was '9'", "TypeError '<' not supported"),
    ("population indeling out of range", lambda: population.build_projection(to=2022,
                                                                              indeling=2030),
     ValueError, "`indeling` was 2030 but is expected to be a year in 2019-2025",
     "ok (named `year`)"),
    ("population variant unknown", lambda: population.build_projection(to=2022, variant="high"),
     ValueError, "`variant` was 'high'", "ok"),
    ("population engine unknown", lambda: population.build_projection(to=2022, draws=2,
                                                                      engine="spark"),
     ValueError, "`engine` was 'spark'", "ok (after the point run)"),
    # zorgcap.forecast.project_demand / demand.run_demand
    ("demand scenario not a str", lambda: forecast.project_demand(scenario=5, to=2025),
     ValueError, "`scenario` was 5", "ok"),
    ("demand to a str", lambda: forecast.project_demand(to="2030"),
     ValueError, "`to` was '2030' but is expected to be a whole number in 2024-2050",
     "TypeError '<' not supported"),
    ("demand regions a str", lambda: forecast.project_demand(to=2025, regions="ZK20"),
     ValueError, "`regions` was 'ZK20' but is expected to be a list",
     "InputError: unknown code 'Z'"),
    ("demand regions empty", lambda: forecast.project_demand(to=2025, regions=[]),
     ValueError, "`regions` was [] but is expected to hold at least one", "no error"),
    ("demand regions a number", lambda: forecast.project_demand(to=2025, regions=5),
     ValueError, "`regions` was 5", "TypeError 'int' object is not iterable"),
    ("demand occupancy a str", lambda: forecast.project_demand(to=2025, occupancy="0.9"),
     ValueError, "`occupancy` was '0.9' but is expected to be in 0.5-1",
     "TypeError '<=' not supported"),
    ("demand occupancy NaN", lambda: forecast.project_demand(to=2025, occupancy=float("nan")),
     ValueError, "`occupancy` was nan", "ok"),
    ("demand seed a str", lambda: run_demand(to=2025, draws=2, seed="x"),
     ValueError, "`seed` was 'x'", "TypeError can only concatenate str"),
    ("demand population_variant unknown", lambda: run_demand(to=2025,
                                                             population_variant="high"),
     ValueError, "`population_variant` was 'high'", "ok (named `variant`)"),
    # zorgcap.forecast.compare_capacity / gap.supply_gap
    ("gap demand a list", lambda: forecast.compare_capacity([1, 2]),
     ValueError, "`demand` was a list", "ok"),
    ("gap demand empty", lambda: forecast.compare_capacity(_frame().iloc[:0]),
     ValueError, "`demand` was an empty DataFrame", "vague: 'holds 0 scenarios ()'"),
    ("gap capacity a number", lambda: forecast.compare_capacity(_frame(), capacity=5),
     InputError, "expected the path of a CSV file or a DataFrame, got int 5", "ok"),
    ("gap plans a list", lambda: forecast.compare_capacity(_frame(), plans=[1]),
     InputError, "expected the path of a CSV file or a DataFrame, got list", "ok"),
    ("gap seed a str", lambda: gap.supply_gap(_frame(), seed="x"),
     ValueError, "`seed` was 'x'", "no error"),
    ("gap fte_per_place a str", lambda: gap.supply_gap(_frame(), fte_per_place="1"),
     ValueError, "`fte_per_place` was '1'", "TypeError ufunc 'isfinite'"),
    ("gap waiting unknown", lambda: gap.supply_gap(_frame(), waiting="all"),
     ValueError, "`waiting` was 'all'", "ok"),
    # zorgcap.forecast.decomposition.decompose
    ("decompose a frame", lambda: decompose(_frame()),
     ValueError, "`demand` was a DataFrame but is expected to be a DemandRun", "ok"),
    ("decompose years a number", lambda: decompose(_run(), years=2026),
     ValueError, "`years` was 2026 but is expected to be a list of whole years",
     "TypeError 'int' object is not iterable"),
    ("decompose years a str", lambda: decompose(_run(), years="2026"),
     ValueError, "`years` was '2026'", "misleading: holds ['2', '0', '2', '6']"),
    # zorgcap.forecast.reconcile.reconcile
    ("reconcile a list", lambda: rec.reconcile([1, 2], national=pd.Series({2024: 1.0})),
     ValueError, "`frame` was a list", "TypeError list indices"),
    ("reconcile empty frame", lambda: rec.reconcile(pd.DataFrame(), national=pd.Series([1.0])),
     ValueError, "`frame` was an empty DataFrame", "KeyError 'year'"),
    ("reconcile frame without places_needed", lambda: rec.reconcile(
        pd.DataFrame({"year": [2024]}), national=pd.Series({2024: 1.0})),
     ValueError, "`frame` has no column(s) ['places_needed']", "KeyError Column not found"),
    ("reconcile national a str", lambda: rec.reconcile(_frame(), national="x"),
     ValueError, "`national` was 'x' but is expected to be a pandas Series",
     "ValueError could not convert string to float"),
    # regions
    ("gemeenten year a str", lambda: regions.gemeenten("2025"),
     ValueError, "`year` was '2025' but is expected to be a year in 2019-2025", "ok"),
    ("zorgkantoorregios year out of range", lambda: regions.zorgkantoorregios(1999),
     ValueError, "`year` was 1999", "ok"),
    ("to_indeling without gm_code", lambda: regions.to_indeling(
        pd.DataFrame({"persons": [1.0]}), 2025, ["persons"]),
     ValueError, "`frame` has no column 'gm_code'", "KeyError 'gm_code'"),
    ("to_indeling value column missing", lambda: regions.to_indeling(GM, 2025, ["clients"]),
     ValueError, "`value_cols` holds ['clients'] but the frame has no such column",
     "KeyError Columns not found"),
    ("to_indeling value_cols a str", lambda: regions.to_indeling(GM, 2025, "persons"),
     ValueError, "`value_cols` was 'persons' but is expected to be a list",
     "KeyError (the letters of 'persons')"),
    ("to_indeling text values", lambda: regions.to_indeling(
        GM.assign(persons=["1", "2"]), 2025, ["persons"]),
     ValueError, "value column(s) ['persons'] are of type", "no error (strings joined)"),
    ("to_regions frame None", lambda: regions.to_regions(None, 2025, ["persons"]),
     ValueError, "`frame` was a NoneType", "TypeError not subscriptable"),
    ("to_regions text values", lambda: regions.to_regions(
        GM.assign(persons=["1", "2"]), 2025, ["persons"]),
     ValueError, "value column(s) ['persons']", "no error (strings joined)"),
    ("to_regions level unknown", lambda: regions.to_regions(GM, 2025, ["persons"],
                                                            level="gemeente"),
     ValueError, "`level` was 'gemeente' but is expected to be in ['zk', 'pv', 'corop']", "ok"),
    ("to_regions year out of range", lambda: regions.to_regions(GM, 2040, ["persons"]),
     ValueError, "`year` was 2040", "ok"),
    # issue 30: NaN and invalid levels passed through the analyst functions
    ("to_regions NaN count", lambda: regions.to_regions(
        GM.assign(persons=[float("nan"), 2.0]), 2025, ["persons"]),
     ValueError, "`frame` has nan in value column 'persons' (row 0, gm_code 'GM0363')",
     "no error: the NaN was summed as 0"),
    ("to_indeling inf count", lambda: regions.to_indeling(
        GM.assign(persons=[1.0, float("inf")]), 2025, ["persons"]),
     ValueError, "`frame` has inf in value column 'persons' (row 1", "no error"),
    ("waiting_forecast level 150", lambda: ts.waiting_forecast(2030, level=150),
     ValueError, "`level` was 150 but is expected to be an interval level in %", "NaN bounds"),
    ("waiting_forecast level NaN", lambda: ts.waiting_forecast(2030, level=float("nan")),
     ValueError, "`level` was nan", "NaN bounds"),
    ("trend_forecast level 150", lambda: ts.trend_forecast(SERIES, 5, level=150),
     ValueError, "`level` was 150", "pandas ValueError 'q' must be between 0 and 1"),
    ("trend_forecast NaN in series", lambda: ts.trend_forecast(
        SERIES.where(SERIES.index != 2014), 5),
     ValueError, "`series` has nan in 2014", "NaN forecast"),
    ("top_down level 150", lambda: ts.top_down(2030, level=150),
     ValueError, "`level` was 150", "pandas ValueError 'q' must be between 0 and 1"),
    ("TrendModel.forecast level 150", lambda: ts.TrendModel("ets").fit(SERIES).forecast(
        3, level=150), ValueError, "`level` was 150", "pandas ValueError"),
    ("TrendModel.fit NaN", lambda: ts.TrendModel("ets").fit(SERIES.where(SERIES < 5)),
     ValueError, "`series` has nan in 2014", "NaN forecast without a word"),
    ("to_frame quantile 1.5", lambda: _projection().to_frame(quantiles=(0.5, 1.5)),
     ValueError, "`quantiles` was (0.5, 1.5) but is expected to be distinct probabilities",
     "numpy ValueError Quantiles must be in the range [0, 1]"),
    ("to_frame quantile NaN", lambda: _projection().to_frame(quantiles=(0.1, float("nan"))),
     ValueError, "`quantiles` was (0.1, nan)", "numpy ValueError"),
    ("with_plans keyword typo", lambda: _small().with_plans(plan="x.csv"),
     ValueError, "`plan` is not an option of with_plans: did you mean `plans`?",
     "misleading: 'plan changes the demand'"),
]


@pytest.mark.parametrize(("call", "error", "fragment", "before"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_misuse_is_a_clear_error(call, error, fragment, before):
    with pytest.raises(error, match=re.escape(fragment)) as info:
        call()
    # raised by zorgcap's own check, not deep inside pandas or numpy
    where = Path(str(info.traceback[-1].path)).resolve()
    assert ROOT in where.parents and ".venv" not in where.parts, where


def test_to_frame_of_one_quantile_is_the_median():
    """Issue 30: to_frame(quantiles=(0.5,)) ended in an IndexError; it is the median."""
    full = _projection().to_frame()
    median = _projection().to_frame(quantiles=(0.5,))
    assert list(median.columns) == [c for c in full.columns if "_lo_" not in c
                                    and "_hi_" not in c]
    pd.testing.assert_series_equal(median["persons"], full["persons"])
    other = _projection().to_frame(quantiles=(0.25, 0.75))
    assert {"persons_q25", "persons_q75"} <= set(other.columns)
    assert (other["persons_q25"] <= other["persons_q75"]).all()
