"""Top-down proportional reconciliation (zorgcap.forecast.reconcile), in the manner of
hierarchicalforecast's reconciliation tests: coherence after, order of bands kept, factor by
hand, and refusals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from zorgcap.forecast.reconcile import reconcile


def _frame():
    # Two regions, two years; places 100 + 300 = 400 in 2030 and 150 + 350 = 500 in 2031.
    return pd.DataFrame({
        "year": [2030, 2030, 2031, 2031], "zk_code": ["ZK01", "ZK02"] * 2,
        "clients_with_stay": [97.0, 291.0, 145.5, 339.5],
        "places_needed": [100.0, 300.0, 150.0, 350.0],
        "places_needed_lo_95": [80.0, 250.0, 120.0, 300.0],
        "places_needed_hi_95": [120.0, 350.0, 180.0, 400.0]})


def test_regions_sum_to_the_national_series_with_the_factor_by_hand():
    national = pd.Series({2030: 440.0, 2031: 450.0})
    out, factor = reconcile(_frame(), national=national)
    # k = 440 / 400 = 1.1 in 2030 and 450 / 500 = 0.9 in 2031.
    assert factor.to_dict() == pytest.approx({2030: 1.1, 2031: 0.9})
    np.testing.assert_allclose(out.groupby("year")["places_needed"].sum(), [440.0, 450.0])
    assert out.loc[0, "places_needed_lo_95"] == pytest.approx(88.0)
    assert out.loc[3, "clients_with_stay"] == pytest.approx(339.5 * 0.9)
    cols = ["places_needed_lo_95", "places_needed", "places_needed_hi_95"]
    assert (np.diff(out[cols].to_numpy(), axis=1) >= 0).all()  # order kept
    assert out.attrs == {}


def test_reconciling_to_the_median_of_the_draws():
    rng = np.random.default_rng(0)
    base = np.array([[100.0, 300.0], [150.0, 350.0]])  # (year, region)
    draws = base[None] * rng.uniform(0.8, 1.2, size=(101, 1, 2))
    out, factor = reconcile(_frame(), places_draws=draws)
    median = np.median(draws.sum(axis=2), axis=0)
    np.testing.assert_allclose(out.groupby("year")["places_needed"].sum(), median)


def test_refusals_say_what_to_give():
    with pytest.raises(ValueError, match="needs a national series"):
        reconcile(_frame())
    with pytest.raises(ValueError, match="no value for \\[2031\\]"):
        reconcile(_frame(), national=pd.Series({2030: 400.0}))
    with pytest.raises(ValueError, match="positive and finite"):
        reconcile(_frame(), national=pd.Series({2030: 400.0, 2031: np.nan}))
    with pytest.raises(ValueError, match=r"`places_draws` has shape \(5, 3, 2\)"):
        reconcile(_frame(), places_draws=np.ones((5, 3, 2)))
