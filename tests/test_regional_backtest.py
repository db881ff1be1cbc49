"""The third attempt of issue 17 (zorgcap.forecast.regional_backtest): the preregistered rule on the
COROP series of CBS 71488ned, and the shipped model scored on series it was never fitted on.

Which tests are what:
- ``corop_series`` is checked by hand against the raw CBS file (a data check).
- The rule's outcome is re-derived here; it records what the preregistered rule chose and
  that the shipped model is *not* that choice (a documented deviation, reports/backtest.md).
- The scores of the shipped model are **independent validations**: it was chosen on the
  national series (origins 2002-2009) and never fitted on a COROP series.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import backtest as B
from zorgcap.forecast import regional_backtest as R
from zorgcap.forecast.timeseries import SHIPPED_TREND


@pytest.fixture(scope="module")
def summary():
    return R.summary(workers=max(1, min(4, os.cpu_count() or 1)))


@needs_data
def test_corop_series_by_hand(shared_data):
    s = R.corop_series()
    assert s["region"].nunique() == 40 and set(s["year"]) == set(range(2000, 2025))
    blocks = s.drop_duplicates("region")["block"].value_counts()
    assert blocks["selection"] == 17 and blocks["holdout"] == 23
    # Twente (Overijssel) is a selection region; Zuid-Limburg a hold-out one.
    sel = s.drop_duplicates("region").set_index("region")["block"]
    assert sel["Twente"] == "selection" and sel["Zuid-Limburg"] == "holdout"
    raw = pd.read_csv(next((shared_data / "usage").glob("cbs71488ned_*.csv")), sep=";",
                      encoding="utf-8-sig", dtype=str)
    raw = raw.apply(lambda c: c.str.strip())
    row = raw[(raw["RegioS"] == "Twente (CR)") & (raw["Perioden"] == "2021")
              & (raw["Geslacht"] == "Mannen en vrouwen") & (raw["Leeftijd"] == "Totaal")]
    inst = float(row["PersonenInInstitutioneleHuishoudens_12"].iloc[0])
    persons = float(row["TotaalPersonenInHuishoudens_1"].iloc[0])
    got = s[(s["region"] == "Twente") & (s["year"] == 2021)].iloc[0]
    assert got["institutional"] == inst and got["persons"] == persons
    assert got["rate"] == pytest.approx(inst / persons, rel=1e-12)


@needs_data
def test_the_preregistered_rule_and_the_documented_deviation(summary):
    # Step 1 over the 17 selection regions: constant rates had the lowest mean 5/10-year MAPE.
    assert summary["centre"] == "constant" and summary["interval"] == "student_h"
    scores = summary["centre_scores"]
    assert scores.idxmin() == "constant" and set(R.CENTRES) <= set(scores.index)
    # The rule looked at the selection block only.
    assert set(summary["centres"]["block"]) == {"selection"}
    assert set(summary["intervals"]["block"]) == {"selection"}
    # The shipped model is not the rule's choice: the deviation reports/backtest.md states.
    assert not summary["shipped_is_choice"] and SHIPPED_TREND.method == "ets"
    # The rule's centre on the national series is the beleidsarm configuration.
    assert B.MODELS["beleidsarm"] == replace(summary["config"], name="beleidsarm")
    # From 2013 to 2014 the rate rose in 38 of the 40 regions (Agglomeratie Haarlem -7.8%,
    # Zuidwest-Friesland -2.6%; median +15%): the shock that decides the regional ranking.
    j = summary["jump_2014"]
    assert (j["up"], j["regions"]) == (38, 40) and j["min"] == pytest.approx(-0.078, abs=5e-4)
    assert 0.14 < j["median"] < 0.16 and summary["error_across_2014"] < -0.1


@pytest.mark.validation
@needs_data
def test_shipped_model_out_of_sample_on_40_corop_series(summary):
    v = B.regional_verdict(summary, B.cached_backtest())
    assert v["n"] == 40 * sum(min(10, 2024 - o) for o in range(2007, 2024))
    # The accuracy criterion on series that chose nothing about the shipped model:
    assert v["beats"] == {5: True, 10: True}
    m = v["mape"]
    assert m.loc["shipped", 5] < m.loc["ets_damped", 5]
    assert m.loc["shipped", 10] < m.loc["ets_damped", 10]
    # Coverage: the 80% interval within its target, the 95% interval short of 90%.
    assert v["targets"] == {80: True, 95: False}
    assert 0.85 <= v["coverage"].loc["shipped", 95] < 0.90
    # The hold-out block alone (never read by the rule) gives the same verdict on accuracy.
    hold = summary["scores"].query("block == 'holdout'").set_index("model")
    assert hold.loc["shipped", "mape_5"] < hold.loc["ets_damped", "mape_5"]
    assert hold.loc["shipped", "mape_10"] < hold.loc["ets_damped", "mape_10"]


@needs_data
def test_backtest_report_has_the_third_attempt(summary, tmp_path):
    md, _ = B.write(B.cached_backtest(), tmp_path, summary)
    text = md.read_text(encoding="utf-8")
    assert "## Third attempt" in text and "Not shipped" in text
    assert "preregistration_issue17.md" in text
    regional = pd.read_csv(tmp_path / "backtest_regional.csv")
    assert list(regional.columns) == R.REGION_COLUMNS
    assert set(regional["model"]) == {"shipped", "rule_choice", "ets_damped"}


@needs_data
def test_committed_backtest_report_is_what_the_code_writes(summary):
    """reports/backtest.md is generated (`zorgcap backtest --out reports`); a stale copy
    would quote sentences or numbers the code no longer gives."""
    from pathlib import Path

    from zorgcap.forecast import prospective

    committed = (Path(__file__).parents[1] / "reports" / "backtest.md").read_text(
        encoding="utf-8")
    table = B.cached_backtest()
    later = prospective.to_markdown(prospective.summary(table))
    assert committed == B.to_markdown(table, summary, later), (
        "reports/backtest.md is stale: run `zorgcap backtest --out reports` and read the diff")
