"""The rolling-origin backtest (forecast.backtest): held-out years, independent of the fit."""

from __future__ import annotations

import pytest
from conftest import needs_data

from forecast import backtest as B


@pytest.mark.validation
@needs_data
def test_backtest_table_has_baselines_and_honest_numbers():
    table = B.backtest()
    assert set(B.BASELINES) <= set(table.model) and "cohort_auto" in table.model.values
    assert set(table.origin) == {2005, 2010, 2014} and set(table.horizon) == set(range(1, 11))
    assert len(table.query("model == 'cohort_auto'")) == 10 + 10 + 10  # 2015-2024 for 2014
    # Observed institutional residents 65+ on 1-1-2015 (CBS 37620): 131,495.
    assert table.query("target_year == 2015").observed.iloc[0] == 131_495
    bel = table.query("model == 'beleidsarm'")
    # constant rates over-forecast at every origin and horizon, by > 5% at 5 and 10 years
    assert (bel.error_pct > 0).all() and (bel.query("horizon in [5, 10]").error_pct > 5).all()
    summary = B.summarise(table)
    assert summary["beats_baselines"] == {2005: True, 2010: False, 2014: True}
    # 95% intervals of both families (the envelope): 4 of 6 points at 5 and 10 years, 22 of
    # 30 held-out years; the chosen family's interval alone covered 3 of 6 and 15 of 30.
    assert int(summary["coverage"].loc["cohort_auto", "sum"]) == 4
    assert int(summary["coverage_all"].loc["cohort_auto", "sum"]) == 22
    single = B._single_family(table)
    assert len(single) == 30 and int(single["covered"].sum()) == 15
    auto = table.query("model == 'cohort_auto'").set_index(["origin", "target_year"])
    for fam in ("cohort_ets", "cohort_arima"):  # the envelope contains each family's interval
        f = table[table["model"] == fam].set_index(["origin", "target_year"])
        assert (auto.lo <= f.lo + 1e-6).all() and (auto.hi >= f.hi - 1e-6).all()
    text = B.to_markdown(table)
    assert "Why not at origin 2010" in text and "| cohort_auto | 4 of 6 | 22 of 30 |" in text
