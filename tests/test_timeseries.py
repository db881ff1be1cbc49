"""Trend models, rolling-origin errors, fan paths, the top-down and waiting-list forecasts
(zorgcap.forecast.timeseries)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import timeseries as T


def test_trend_model_on_an_exact_exponential_decline():
    # A series falling exactly 3% a year: both families forecast the continuation closely.
    years = range(2000, 2020)
    series = pd.Series([0.08 * 0.97 ** (y - 2000) for y in years], index=list(years))
    for method in T.METHODS:
        fc = T.TrendModel(method).fit(series).forecast(3).set_index("year")
        expected = 0.08 * 0.97 ** 22  # 2022
        assert fc.loc[2022, "mean"] == pytest.approx(expected, rel=0.02), method
        assert (fc["lo"] <= fc["mean"]).all() and (fc["mean"] <= fc["hi"]).all()


def test_rolling_origin_errors_are_cached_by_content(tmp_path, monkeypatch):
    # The scores read back from the cache equal a fresh computation; a changed value in
    # the series is a different key, so a stale table is never returned.
    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path))
    T._origin_errors.cache_clear()  # the files only
    years = list(range(2000, 2014))
    series = pd.Series([0.08 * 0.97 ** (y - 2000) + 0.001 * (y % 3) for y in years],
                       index=years)
    method, fresh = T.choose_method(series, min_train=5)
    assert len(list((tmp_path / "models").glob("errors-*.csv"))) == len(T.METHODS)
    T._origin_errors.cache_clear()  # the files only

    def refit(*args, **kwargs):
        raise LookupError("refit")

    monkeypatch.setattr(T, "rolling_errors", refit)
    again, cached = T.choose_method(series, min_train=5)  # no refit: read from the file
    assert again == method
    pd.testing.assert_frame_equal(cached, fresh)
    changed = series.copy()
    changed.iloc[-1] *= 1.5
    with pytest.raises(LookupError, match="refit"):  # another series: a miss, refitted
        T.choose_method(changed, min_train=5)


def test_unknown_method():
    with pytest.raises(ValueError, match=r"`method` was 'prophet'"):
        T.TrendModel("prophet")


@needs_data
def test_standardised_rate_history():
    s = T.standardised_rate()
    assert s.index.min() == 1995 and s.index.max() == 2024
    # The institutional rate 65+ fell by more than half from 1995 to 2021 (end of the
    # verzorgingshuis): 8.3% -> 3.8% of the 2023 standard population.
    assert s[1995] == pytest.approx(0.0833, abs=5e-4)
    assert s[2021] == pytest.approx(0.0377, abs=5e-4)


def test_fan_paths_reproduce_the_interval():
    # Asymmetric interval: the 2.5% and 97.5% quantiles of the paths are lo and hi, the
    # median is the centre, and each path stays on one side of it.
    fc = pd.DataFrame({"year": [2025, 2026], "mean": [1.0, 2.0], "lo": [0.9, 1.5],
                       "hi": [1.2, 3.0], "level": 95.0})
    paths = T.fan_paths(fc, 200_000, seed=3)
    q = np.quantile(paths, [0.025, 0.5, 0.975], axis=0)
    assert q[0] == pytest.approx([0.9, 1.5], rel=0.01)
    assert q[1] == pytest.approx([1.0, 2.0], rel=0.01)
    assert q[2] == pytest.approx([1.2, 3.0], rel=0.01)
    assert ((paths[:, 0] > 1.0) == (paths[:, 1] > 2.0)).all()


@needs_data
def test_top_down_forecast_of_the_wlz_series():
    td = T.top_down(2030)
    assert td.year.tolist() == list(range(2024, 2031))
    assert td["method"].iloc[0] in T.METHODS and (td["level"] == 95).all()
    assert td.attrs == {}
    assert (td.lo <= td["mean"]).all() and (td["mean"] <= td.hi).all()
    # Clients with stay 2023: 126,105; the trend alone stays within +-25% by 2030.
    assert 0.75 * 126_105 < td.set_index("year").loc[2030, "mean"] < 1.25 * 126_105


def test_waiting_list_forecast_is_a_random_walk_of_the_comparable_years():
    f = T.waiting_forecast(2030)
    yearly = T.waiting_yearly()
    obs = dict(zip(yearly["year"], yearly["persons"], strict=True))
    # Yearly means since 2022 (data_raw/waiting_lists.csv): 2023 = mean of four quarters.
    assert list(obs) == [2022, 2023, 2024, 2025]
    assert obs[2023] == pytest.approx((21294 + 21137 + 21209 + 22218) / 4)
    assert yearly.loc[yearly["approximate"], "year"].tolist() == [2024, 2025]
    sigma = f["sigma"].iloc[0]
    # A random walk: the centre stays at the last year, sigma is the root mean square of
    # the yearly log changes, and the band widens with sqrt(h).
    assert f["mean"].tolist() == pytest.approx([obs[2025]] * 5)
    d = np.diff(np.log(list(obs.values())))
    assert sigma == pytest.approx(np.sqrt((d ** 2).mean()), rel=1e-3)
    width = np.log(f["hi"] / f["mean"]).to_numpy()
    np.testing.assert_allclose(width, 1.959964 * sigma * np.sqrt(np.arange(1, 6)),
                               rtol=1e-3)
    with pytest.raises(ValueError, match="has 2 comparable years"):
        T.waiting_forecast(2030, "urgent_plus_actief")
    with pytest.raises(ValueError, match="`to` was 2025"):
        T.waiting_forecast(2025)


def _exp_series(c=-0.03, first=1995, last=2024):
    years = list(range(first, last + 1))
    return pd.Series([0.08 * np.exp(c * (y - first)) for y in years], index=years)


def test_conformal_interval_of_constant_rates_on_an_exact_exponential_decline():
    # Constant rates on a series falling exactly 3% (log) a year: the forecast made at any
    # origin misses by exactly +0.03 h on the log scale, so |error| / h = 0.03 for every
    # calibration error and the conformal half-width is 0.03 h at any level (by hand).
    series = _exp_series()
    cfg = T.TrendConfig(name="const", method="constant", intervals="conformal",
                        calibration_truth="cleaned")
    err = T.forecast_errors(series, cfg)
    # origins 2002-2023 (the 8th year on), horizons up to 10 and up to 2024
    assert err["origin"].min() == 2002 and err["origin"].max() == 2023
    assert len(err) == sum(min(10, 2024 - o) for o in range(2002, 2024))
    np.testing.assert_allclose(err["log_error"], 0.03 * err["horizon"], rtol=1e-12)
    fc = T.shipped_forecast(series, 4, cfg)
    last = series.iloc[-1]
    np.testing.assert_allclose(fc["mean"], last, rtol=1e-12)
    np.testing.assert_allclose(fc["lo_95"], last * np.exp(-0.03 * np.arange(1, 5)), rtol=1e-12)
    np.testing.assert_allclose(fc["hi_80"], last * np.exp(0.03 * np.arange(1, 5)), rtol=1e-12)
    assert fc["calibration_n"].iloc[0] == len(err)


def test_random_walk_with_drift_continues_the_last_value():
    # rw_drift on an exact exponential: drift = the log step, zero spread (by hand).
    series = _exp_series()
    fc = T.shipped_forecast(series, 3, T.TrendConfig(name="rw", method="rw_drift",
                                                     intervals="model"))
    np.testing.assert_allclose(fc["mean"], series.iloc[-1] * np.exp(-0.03 * np.arange(1, 4)),
                               rtol=1e-9)


def test_anchored_forecast_starts_from_the_last_observation():
    # A series with a last value above its trend: the anchored ETS path is the unanchored
    # path shifted (on the log scale) by the last observation minus the smoothed level, so
    # its first step is the model's step from the level, not a jump back to the level.
    series = _exp_series()
    series.iloc[-1] *= 1.05
    free = T.shipped_forecast(series, 5, T.TrendConfig(name="f", anchor=False,
                                                       intervals="model"))
    anch = T.shipped_forecast(series, 5, T.TrendConfig(name="a", intervals="model"))
    shift = np.log(anch["mean"]) - np.log(free["mean"])
    np.testing.assert_allclose(shift, shift.iloc[0], atol=1e-12)
    assert abs(np.log(anch["mean"].iloc[0] / series.iloc[-1])) < 0.04  # one yearly step
    assert anch["mean"].iloc[0] > free["mean"].iloc[0]


def test_outlier_is_replaced_only_once_both_neighbours_are_known():
    series = _exp_series()
    series.loc[2014] *= 1.1
    cfg = T.SHIPPED_TREND
    assert cfg.outliers == (2014,) and 2014 in T.OUTLIERS
    clean = T.clean_series(series, cfg)
    assert clean.loc[2014] == pytest.approx(np.sqrt(series.loc[2013] * series.loc[2015]))
    assert T.clean_series(series.loc[:2014], cfg).loc[2014] == series.loc[2014]  # 2015 unknown


def test_trend_config_validates():
    with pytest.raises(ValueError, match="`method` was 'prophet'"):
        T.TrendConfig(method="prophet")
    with pytest.raises(ValueError, match="`intervals` was 'bootstrap'"):
        T.TrendConfig(intervals="bootstrap")
    with pytest.raises(ValueError, match="`calibration_truth` was 'raw'"):
        T.TrendConfig(calibration_truth="raw")


def test_fan_paths_are_stratified_so_few_draws_give_stable_quantiles():
    # Latin-hypercube z: with 200 paths the 2.5% and 97.5% quantiles of the paths lie within
    # the strata next to the interval's bounds for every seed, so they move by well under 1%
    # between seeds (plain normal draws: the 97.5% quantile of 200 draws has a standard
    # error of about 0.18 sd, here 0.18 x 0.10 = 1.8% on the log scale).
    fc = pd.DataFrame({"year": [2030], "mean": [1.0], "lo": [np.exp(-0.196)],
                       "hi": [np.exp(0.196)], "level": 95.0})  # sd 0.10 on the log scale
    q = np.array([np.quantile(T.fan_paths(fc, 200, seed=s)[:, 0], [0.025, 0.975])
                  for s in range(10)])
    assert np.ptp(np.log(q), axis=0).max() < 0.01
    np.testing.assert_allclose(q.mean(axis=0), [np.exp(-0.196), np.exp(0.196)], rtol=0.01)


def test_student_interval_of_constant_rates_on_an_exact_exponential_decline():
    # Same series and model: every scaled error u = error / h is exactly 0.03, so the root
    # mean square is s = 0.03, and there are 22 calibration origins (2002-2023). Half-width
    # = t_22 quantile x 0.03 x h; t_22 = 2.074 at 97.5% and 1.321 at 90% (printed t tables,
    # e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2; checked to the 3 decimals they print).
    series = _exp_series()
    cfg = T.TrendConfig(name="const", method="constant")
    assert cfg.intervals == "student" and cfg.calibration_truth == "observed"
    fc = T.shipped_forecast(series, 4, cfg)
    last, h = series.iloc[-1], np.arange(1, 5)
    np.testing.assert_allclose(np.log(fc["hi_95"] / last), 2.074 * 0.03 * h, rtol=5e-4)
    np.testing.assert_allclose(np.log(last / fc["lo_80"]), 1.321 * 0.03 * h, rtol=5e-4)


def test_student_interval_with_one_calibration_origin_is_as_wide_as_one_error_supports():
    # 9 years, min_train 8: one calibration origin (the 8th year) with one error (h = 1) of
    # exactly 0.03; t with 1 degree of freedom is 12.706 at 97.5% (t table): half-width
    # 12.706 x 0.03 x h. The conformal quantile of one error (level x 2 / 1 > 1) is that
    # error itself: 0.03 h.
    series = _exp_series(last=2003)
    err = T.forecast_errors(series, T.TrendConfig(method="constant"))
    assert err[["origin", "horizon"]].values.tolist() == [[2002, 1]]
    h = np.array([1, 2, 3])
    np.testing.assert_allclose(
        T.calibrated_half_width(err, h, 95, T.TrendConfig(method="constant")),
        12.706 * 0.03 * h, rtol=1e-4)
    np.testing.assert_allclose(
        T.calibrated_half_width(err, h, 95, T.TrendConfig(method="constant",
                                                          intervals="conformal")),
        0.03 * h, rtol=1e-12)
    assert np.isnan(T.calibrated_half_width(err.iloc[:0], h, 95)).all()


def test_calibration_errors_are_scored_against_the_observed_series():
    # With a 10% spike in 2014 the calibration errors of forecasts for 2014 differ between
    # the observed and the cleaned truth by exactly log(1.1); all others are equal. The
    # forecasts themselves (made from cleaned data) are the same.
    series = _exp_series()
    series.loc[2014] *= 1.1
    obs = T.forecast_errors(series, T.TrendConfig(method="constant"))
    cln = T.forecast_errors(series, T.TrendConfig(method="constant",
                                                  calibration_truth="cleaned"))
    diff = (cln["log_error"] - obs["log_error"]).to_numpy()
    at_2014 = (obs["origin"] + obs["horizon"] == 2014).to_numpy()
    # cleaned 2014 = geometric mean of 2013 and 2015 = the exact trend value (no spike)
    np.testing.assert_allclose(diff[at_2014], np.log(1.1), rtol=1e-9)
    np.testing.assert_allclose(diff[~at_2014], 0, atol=1e-12)


@pytest.mark.validation
def test_student_interval_holds_its_level_with_few_normal_errors():
    # Independent check of the formula by simulation: k = 3 calibration origins, each with
    # one N(0, 0.05^2) error at h = 1, and a new error from the same distribution. The t_3
    # interval covers the new error with probability 95% exactly (u_new / s ~ t_3 when the
    # mean is known to be 0); a normal interval z x s would cover P(|t_3| < 1.96) = 0.855.
    rng = np.random.default_rng(17)
    trials, k, hits = 4000, 3, 0
    for _ in range(trials):
        e = pd.DataFrame({"origin": range(k), "horizon": 1,
                          "log_error": rng.normal(0, 0.05, k)})
        half = T.calibrated_half_width(e, [1], 95, T.TrendConfig())[0]
        hits += abs(rng.normal(0, 0.05)) <= half
    # binomial standard error sqrt(0.95 x 0.05 / 4000) = 0.0034: +-3.5 SE
    assert hits / trials == pytest.approx(0.95, abs=0.012)


def test_fits_stored_on_disk_equal_fresh_fits_and_follow_their_inputs(tmp_path, monkeypatch):
    # zorgcap.forecast.io.cache.cached_result: the trend forecast of the report is fitted once per
    # series and code; a changed series (or code) is a new entry, never a stale one.
    from zorgcap.forecast import timeseries as T
    from zorgcap.forecast.io.cache import cached_result

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path))
    series = pd.Series(np.linspace(0.10, 0.08, 20), index=range(2000, 2020))
    fresh = T.shipped_forecast(series, 5, T.SHIPPED_TREND, (80, 95))
    first = T.cached_shipped_forecast(series, 5, T.SHIPPED_TREND, (80, 95))
    stored = list((tmp_path / "results").glob("shipped_forecast-*.parquet"))
    assert len(stored) == 1
    again = T.cached_shipped_forecast(series, 5, T.SHIPPED_TREND, (80, 95))
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(again, fresh)
    other = series.copy()
    other.iloc[-1] *= 1.01
    T.cached_shipped_forecast(other, 5, T.SHIPPED_TREND, (80, 95))
    assert len(list((tmp_path / "results").glob("shipped_forecast-*.parquet"))) == 2
    calls = []
    cached_result("x", ("a", 1), lambda: calls.append(1) or pd.DataFrame({"v": [1.0]}))
    cached_result("x", ("a", 1), lambda: calls.append(1) or pd.DataFrame({"v": [1.0]}))
    cached_result("x", ("a", 2), lambda: calls.append(1) or pd.DataFrame({"v": [2.0]}))
    assert len(calls) == 2


def test_a_cache_that_cannot_be_written_costs_time_not_the_run(tmp_path, monkeypatch):
    from zorgcap.forecast.io.cache import cached_result

    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("ZORGCAP_CACHE", str(blocked))
    out = cached_result("x", ("a",), lambda: pd.DataFrame({"v": [1.0]}))
    assert out["v"].tolist() == [1.0]


def test_student_horizon_interval_by_hand():
    """The third attempt's per-horizon candidate (calibrated_half_width, student_horizon):
    t quantile with k_h origins times the root mean square of the errors at h, where at
    least 3 origins have h; beyond, the last such scale grown with h. Hand-made errors."""
    from dataclasses import replace

    from scipy.special import stdtrit

    from zorgcap.forecast.timeseries import SHIPPED_TREND, calibrated_half_width

    e = pd.DataFrame({"origin": [1, 2, 3, 4, 1, 2, 3, 1, 2],
                      "horizon": [1, 1, 1, 1, 2, 2, 2, 3, 3],
                      "log_error": [.01, -.02, .03, .0, .05, -.04, .02, .1, -.1]})
    got = calibrated_half_width(e, [1, 2, 3, 4], 95,
                                replace(SHIPPED_TREND, intervals="student_horizon"))
    s1 = np.sqrt((.01 ** 2 + .02 ** 2 + .03 ** 2 + 0) / 4)  # 0.01871
    s2 = np.sqrt((.05 ** 2 + .04 ** 2 + .02 ** 2) / 3)      # 0.03873
    t4, t3 = stdtrit(4, .975), stdtrit(3, .975)             # 2.776, 3.182
    assert got == pytest.approx([t4 * s1, t3 * s2, t3 * s2 * 3 / 2, t3 * s2 * 2])
    assert got[0] == pytest.approx(0.05194, abs=1e-5)
