"""The rolling-origin backtest (forecast.backtest): held-out years, independent of the fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from forecast import backtest as B
from forecast.timeseries import SHIPPED_TREND


@pytest.fixture(scope="module")
def table():
    return B.backtest()


@pytest.mark.validation
@needs_data
def test_backtest_table_over_every_origin(table):
    assert list(table.columns) == B.COLUMNS
    origins = sorted(table.origin.unique())
    assert origins == list(range(2002, 2024)) and len(origins) >= 8  # every origin allowed
    assert set(table.horizon) == set(range(1, 11)) and table.year.max() == 2024
    assert set(table.model) == set(B.MODELS)
    # `shipped` is true on exactly the rows of the model the trend scenario uses
    assert set(table.loc[table.shipped, "model"]) == {SHIPPED_TREND.name}
    assert len(table[table.shipped]) == sum(min(10, 2024 - o) for o in origins)
    # Observed institutional residents 65+ on 1-1-2015 (CBS 37620): 131,495.
    assert (table.query("year == 2015").actual == 131_495).all()
    # intervals ordered: lo_95 <= lo_80 <= forecast <= hi_80 <= hi_95
    t = table.dropna(subset=["lo_95"])
    assert (t.lo_95 <= t.lo_80 + 1e-6).all() and (t.lo_80 <= t.forecast + 1e-6).all()
    assert (t.forecast <= t.hi_80 + 1e-6).all() and (t.hi_80 <= t.hi_95 + 1e-6).all()


@pytest.mark.validation
@needs_data
def test_baselines_reproduce_the_earlier_backtest(table):
    # The earlier backtest (reports/backtest.md before issue 17, computed with
    # TrendModel("ets") and a separate loop) printed, from origin 2005: constant rates
    # 150,301 (2010) and 173,137 (2015); the damped ETS of the standardised rate 130,736
    # (2015). The new code reaches them through TrendConfig/shipped_forecast.
    f = table.set_index(["model", "origin", "year"])["forecast"]
    assert f.loc["beleidsarm", 2005, 2010] == pytest.approx(150_301, abs=1)
    assert f.loc["beleidsarm", 2005, 2015] == pytest.approx(173_137, abs=1)
    assert f.loc["ets_damped", 2005, 2015] == pytest.approx(130_736, abs=1)
    bel = table.query("model == 'beleidsarm' and horizon in [5, 10] and origin <= 2012")
    assert (bel.forecast > bel.actual).all()  # rates fell: constant rates over-forecast


@pytest.mark.validation
@needs_data
def test_shipped_model_was_chosen_on_the_selection_origins_only(table):
    chosen, scores = B.selection(table)
    assert chosen == SHIPPED_TREND.name
    assert set(scores.index) == set(B.CANDIDATES) and SHIPPED_TREND.anchor


@pytest.mark.validation
@needs_data
def test_measured_accuracy_and_coverage(table):
    # Measured (reports/backtest.md), held-out years of CBS 37620. MAPE at 5/10 years over
    # all origins: shipped 4.4/5.3%, damped ETS 4.2/5.7%, constant rates 13.0/27.4%.
    s = B.summarise(table)
    m = s["mape_all"]
    assert m.loc[5, SHIPPED_TREND.name] == pytest.approx(4.37, abs=0.01)
    assert m.loc[10, SHIPPED_TREND.name] == pytest.approx(5.30, abs=0.01)
    assert m.loc[5, "ets_damped"] == pytest.approx(4.17, abs=0.01)
    assert (m[SHIPPED_TREND.name] < m["beleidsarm"] / 2).all()
    # The criterion is not met at 5 years (reported, not tuned away)
    assert s["beats_ets"] == {"issue_origins": {5: False, 10: True},
                              "all_origins": {5: False, 10: True}}
    c = s["calibration"]["all"].loc[SHIPPED_TREND.name]
    # conformal intervals cover 49% (80%) and 78% (95%) of 175 held-out years: too narrow
    # after the break of 2014-2017, but far better than the model intervals of the
    # damped ETS (21% and 30%).
    assert int(c["n"]) == 175
    assert c["coverage_80"] == pytest.approx(86 / 175) and c["coverage_95"] == pytest.approx(
        136 / 175)
    ets = s["calibration"]["all"].loc["ets_damped"]
    assert ets["coverage_95"] < c["coverage_95"] and ets["winkler_95"] > c["winkler_95"]


def test_winkler_score_by_hand():
    # One row inside (score = width) and one 10 below the 95% interval
    # (score = width + 2 / 0.05 * 10 = 20 + 400), in % of actual 100.
    t = pd.DataFrame({"origin": 2000, "year": [2001, 2002], "horizon": [1, 2], "model": "m",
                      "actual": [100.0, 100.0], "forecast": [100.0, 120.0],
                      "lo_80": [95.0, 115.0], "hi_80": [105.0, 125.0],
                      "lo_95": [90.0, 110.0], "hi_95": [110.0, 130.0], "shipped": True})
    s = B._scores(t)
    np.testing.assert_allclose(s["winkler_95"], [20.0, 420.0])
    np.testing.assert_allclose(s["winkler_80"], [10.0, 10 + 2 / 0.2 * 15])
    assert s["covered_95"].tolist() == [True, False]


@needs_data
def test_write_markdown_and_csv(table, tmp_path):
    md, csv = B.write(table, tmp_path / "bt")
    assert md.name == "backtest.md" and csv.name == "backtest.csv"
    back = pd.read_csv(csv)
    assert list(back.columns) == B.COLUMNS and len(back) == len(table)
    text = md.read_text()
    assert "How the shipped model was chosen" in text and "The 2014 value" in text
    assert "population uncertainty at constant rates" in text
