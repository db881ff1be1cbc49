"""Trend models, rolling-origin errors, fan paths, the top-down and waiting-list forecasts
(forecast.timeseries)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from forecast import timeseries as T


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
    monkeypatch.setattr(T, "_ERRORS", {})
    years = list(range(2000, 2014))
    series = pd.Series([0.08 * 0.97 ** (y - 2000) + 0.001 * (y % 3) for y in years],
                       index=years)
    method, fresh = T.choose_method(series, min_train=5)
    assert len(list((tmp_path / "models").glob("errors-*.csv"))) == len(T.METHODS)
    monkeypatch.setattr(T, "_ERRORS", {})

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
