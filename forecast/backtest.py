"""Rolling-origin backtest of exactly the shipped trend model, against simple baselines.

Truth: persons aged 65+ living in institutions on 1 January of the target year (CBS 37620;
at 65+ about 90% of them live in a care or nursing home, CBS 70791ned). At every origin T
the data allow (from the ``min_train``-th year of the series, 2002, to 2023) each model is
fitted on the age-standardised institutional rate 65+ up to T only and forecasts T+1 ...
T+10 (at most the last observed year). The forecast count is::

    forecast(T, t) = sum_{a,s} r(a, s, T) P(a, s, t) * I_hat(t) / I(T)

with the age-sex rates r of the origin, the **actual** population P of the target year
("perfect demographic foresight": the table measures the usage-rate part of the forecast,
which is what separates the models) and the model's forecast I_hat of the standardised rate.

Models, each a :class:`zorgcap.forecast.timeseries.TrendConfig` run by
:func:`zorgcap.forecast.timeseries.shipped_forecast` (the function the ``trend`` scenario uses)::

    ``beleidsarm``        age-sex rates of T held constant (TNO 2019 convention); intervals
                          calibrated on its own errors at earlier origins (as the shipped model)
    ``rw_drift``          random walk with drift on the log rate; model intervals
    ``ets_damped``        damped-trend ETS on the log rate as statsmodels fits it (not anchored,
                          model intervals): the simple baseline the shipped model must beat
    ``arima_anchored``    ARIMA(0,1,1) with drift, from the last observation, calibrated
    ``ets_arima_mean``    the mean of the two (a forecast combination), calibrated
    ``ets_anchored``      the shipped model (:data:`zorgcap.forecast.timeseries.SHIPPED_TREND`)
    ``ets_anchored_2014_kept``  the shipped model without replacing the 2014 outlier
    ``ets_anchored_conformal``  the shipped centre with the first attempt's intervals (split
                          conformal, calibrated against the cleaned series)
    ``ets_pair_mean``     mean of the shipped model and the damped ETS (the combination the issue
                          names), tried after the first test results; not anchored, so not a
                          candidate

How the shipped model was chosen: anchoring at the last observation is a requirement (no
jump-off, issue 17), not a result of this table. Among the anchored candidates (arima, the
ETS/ARIMA mean, ets; rw_drift and beleidsarm are anchored by construction) the one with the
lowest mean absolute % error at 5 and 10 years over the **selection origins 2002-2009** is
shipped; :func:`selection` recomputes that choice and a test holds it to
:data:`~zorgcap.forecast.timeseries.SHIPPED_TREND`. The origins from 2010 on are the report set.

The interval method was chosen a second time, after the first test results had been seen
(they missed the coverage targets): between the first attempt (conformal) and the Student-t
interval (:func:`zorgcap.forecast.timeseries.calibrated_half_width`), the one that meets the
coverage targets on the selection origins (the lower 95% Winkler score if both do) is shipped;
:func:`interval_selection` recomputes it.

A third attempt was declared before scoring (``reports/preregistration_issue17.md``): a fixed
rule on the COROP series of CBS 71488ned (:mod:`zorgcap.forecast.regional_backtest`), series no
model here had been fitted on. Its choice (constant rates) is reported and not shipped, a
deviation explained in :func:`to_markdown`'s section; the same run scores the shipped model
out of sample (:func:`regional_verdict`).

The years after 1-1-2024 are the prospective check (:mod:`zorgcap.forecast.prospective`): forecasts
registered before those years were in the data, scored when they are, with :class:`Truth`.

References
----------
Tashman, L.J. (2000). Out-of-sample tests of forecasting accuracy: an analysis and review.
International Journal of Forecasting 16, 437-450 (rolling origins). Winkler, R.L. (1972). A
decision-theoretic approach to interval estimation. JASA 67, 187-191. Diebold, F.X.,
Mariano, R.S. (1995). Comparing predictive accuracy. Journal of Business & Economic
Statistics 13, 253-263. Newey, W.K., West, K.D. (1987). Econometrica 55, 703-708.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .timeseries import OUTLIERS, SHIPPED_TREND, TrendConfig, shipped_forecast, standardised_rate
from .usage import institutional_rates

__all__ = ["cached_backtest", "backtest", "Truth", "summarise", "selection", "interval_selection",
           "regional_verdict", "coverage_by_model",
           "diebold_mariano", "calibration_table", "to_markdown", "write", "MODELS",
           "HORIZONS", "BASELINES", "COLUMNS", "SELECTION_ORIGINS", "ISSUE_ORIGINS", "SHIPPED",
           "COVERAGE_TARGETS"]

HORIZONS = tuple(range(1, 11))
REPORTED = (5, 10)  # horizons of the error tables
LEVELS = (80, 95)
ISSUE_ORIGINS = (2005, 2010, 2014)  # the three origins of the earlier backtest
SELECTION_ORIGINS = tuple(range(2002, 2010))  # the shipped family was chosen on these only
SHIPPED = SHIPPED_TREND.name
COLUMNS = ["origin", "year", "horizon", "model", "actual", "forecast", "lo_80", "hi_80",
           "lo_95", "hi_95", "shipped"]
MODELS = {
    "beleidsarm": TrendConfig(name="beleidsarm", method="constant"),
    "rw_drift": TrendConfig(name="rw_drift", method="rw_drift", intervals="model"),
    "ets_damped": TrendConfig(name="ets_damped", method="ets", anchor=False, intervals="model"),
    "arima_anchored": TrendConfig(name="arima_anchored", method="arima"),
    "ets_arima_mean": TrendConfig(name="ets_arima_mean", method="ets_arima"),
    SHIPPED: SHIPPED_TREND,
    f"{SHIPPED}_2014_kept": replace(SHIPPED_TREND, name=f"{SHIPPED}_2014_kept", outliers=()),
    f"{SHIPPED}_conformal": replace(SHIPPED_TREND, name=f"{SHIPPED}_conformal",
                                    intervals="conformal", calibration_truth="cleaned"),
    "ets_pair_mean": TrendConfig(name="ets_pair_mean", method="ets_pair"),
}
BASELINES = ("beleidsarm", "rw_drift", "ets_damped")
CANDIDATES = ("beleidsarm", "rw_drift", "arima_anchored", "ets_arima_mean", SHIPPED)
#: The interval methods of the second choice: the first attempt and the shipped one.
INTERVAL_CANDIDATES = (f"{SHIPPED}_conformal", SHIPPED)
#: Coverage targets of issue 17 [share of held-out years]: 80% in [0.75, 0.85], 95% >= 0.90.
COVERAGE_TARGETS = {80: (0.75, 0.85), 95: (0.90, 1.0)}
#: Origin blocks of the report: the method was chosen on ``selection``; ``report`` was not used.
BLOCKS = {"all": None, "selection": SELECTION_ORIGINS,
          "report": tuple(range(max(SELECTION_ORIGINS) + 1, 2100))}


def backtest(min_age: int = 65, models=None, data=None) -> pd.DataFrame:
    """Forecasts of every model at every origin and horizon, with 80% and 95% intervals.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`: ``origin, year`` [year], ``horizon`` [years], ``model``,
        ``actual, forecast, lo_80, hi_80, lo_95, hi_95`` [persons 65+ in institutions],
        ``shipped`` (True on the rows of the model the ``trend`` scenario uses).
    """
    models = MODELS if models is None else models
    truth = Truth.read(min_age, data)
    std = truth.std
    first, last = int(std.index[0]) + SHIPPED_TREND.min_train - 1, int(std.index[-1])
    cols = ["mean"] + [f"{s}_{lv}" for lv in LEVELS for s in ("lo", "hi")]
    rows = []
    for origin in range(first, last):
        targets = [origin + h for h in HORIZONS if origin + h <= last]
        for name, cfg in models.items():
            fc = shipped_forecast(std.loc[:origin], max(HORIZONS), cfg, LEVELS)
            ratio = fc.set_index("year").loc[targets, cols] / std.loc[origin]
            rows.append(truth.counts(ratio.rename(columns={"mean": "forecast"}), origin)
                        .assign(model=name, shipped=cfg == SHIPPED_TREND))
    return pd.concat(rows, ignore_index=True)[COLUMNS]


@dataclass(frozen=True)
class Truth:
    """What turns a forecast of the standardised rate into a count, and the count observed.

    ``rates`` and ``pop``: year x (sex, age) institutional rate [persons per person] and
    population [persons] from CBS 37620, ages ``min_age`` and over; ``actual``: persons in
    institutions by year [persons]; ``std``: :func:`~zorgcap.forecast.timeseries.standardised_rate`.
    """

    rates: pd.DataFrame
    pop: pd.DataFrame
    actual: pd.Series
    std: pd.Series

    @classmethod
    def read(cls, min_age: int = 65, data=None) -> Truth:
        inst = institutional_rates(data)
        inst = inst[inst["age"] >= min_age]
        return cls(rates=inst.pivot_table(index="year", columns=["sex", "age"], values="rate"),
                   pop=inst.pivot_table(index="year", columns=["sex", "age"], values="persons"),
                   actual=inst.groupby("year")["institutional"].sum(),
                   std=standardised_rate(min_age, data=data))

    def counts(self, ratio: pd.DataFrame, origin: int) -> pd.DataFrame:
        """Forecast counts from forecast ratios of the standardised rate to its value at
        ``origin`` (index: target years with an observed population; columns e.g.
        ``forecast, lo_80, ...``) [persons]:
        ``count(t) = sum_{a,s} r(a, s, origin) P(a, s, t) * ratio(t)``, with the actual
        population P of the target year. Returns ``origin, year, horizon, actual`` and the
        columns of ``ratio``, scaled."""
        targets = [int(t) for t in ratio.index]
        const = np.array([float(self.rates.loc[origin] @ self.pop.loc[t]) for t in targets])
        frame = pd.DataFrame(ratio.to_numpy(float) * const[:, None], columns=ratio.columns)
        frame.insert(0, "origin", origin)
        frame.insert(1, "year", targets)
        frame.insert(2, "horizon", np.array(targets) - origin)
        frame.insert(3, "actual", self.actual.loc[targets].to_numpy(float))
        return frame


_VERSION = 4  # 4: Student-t intervals against the observed series, ets_pair_mean (issue 17)


def cached_backtest(data=None) -> pd.DataFrame:
    """:func:`backtest` with the default settings, cached as Parquet.

    The backtest reads only CBS 37620, so the cache is keyed by that file's SHA-256 (and
    ``_VERSION``, raised whenever the models change): a new 37620 is never served stale.
    """
    from .io.cache import cached
    from .io.manifest import locate

    source = locate("households_age_sex", data).path
    return cached(source, "backtest", lambda _: backtest(data=data), version=_VERSION)


def _scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per row: absolute % error, covered at 80/95%, Winkler score at 80/95% [% of actual]."""
    out = table.copy()
    out["ape"] = 100 * (out["forecast"] / out["actual"] - 1).abs()
    for lv in LEVELS:
        lo, hi, y = out[f"lo_{lv}"], out[f"hi_{lv}"], out["actual"]
        out[f"covered_{lv}"] = (y >= lo) & (y <= hi)
        alpha = 1 - lv / 100
        # Winkler (1972): width plus 2/alpha times the distance outside the interval
        w = (hi - lo) + 2 / alpha * ((lo - y).clip(lower=0) + (y - hi).clip(lower=0))
        out[f"winkler_{lv}"] = 100 * w / y
    return out


def mape(table: pd.DataFrame, origins=None, horizons=REPORTED) -> pd.DataFrame:
    """Mean absolute % error, horizon x model, over ``origins`` (None: all)."""
    s = _scores(table)
    s = s[s["horizon"].isin(horizons)]
    if origins is not None:
        s = s[s["origin"].isin(origins)]
    return s.pivot_table(index="horizon", columns="model", values="ape", aggfunc="mean")


def selection(table: pd.DataFrame) -> tuple[str, pd.Series]:
    """The candidate with the lowest mean of its 5- and 10-year MAPE over
    :data:`SELECTION_ORIGINS` (targets up to 2019), and the scores of all candidates [%]."""
    m = mape(table, SELECTION_ORIGINS)[list(CANDIDATES)].mean()
    return str(m.idxmin()), m.sort_values()


def coverage_by_model(scored: pd.DataFrame) -> pd.DataFrame:
    """Per model of a scored table (:func:`_scores`): ``n`` (held-out years),
    ``coverage_80, coverage_95`` [share inside the interval] and ``winkler_80, winkler_95``
    [mean, % of actual]."""
    g = scored.groupby("model")
    return pd.DataFrame({"n": g.size(),
                         **{f"coverage_{lv}": g[f"covered_{lv}"].mean() for lv in LEVELS},
                         **{f"winkler_{lv}": g[f"winkler_{lv}"].mean() for lv in LEVELS}})


def calibration_table(table: pd.DataFrame) -> pd.DataFrame:
    """Coverage and Winkler score per model and origin block (:data:`BLOCKS`).

    Returns ``block, model, n`` (held-out years), ``coverage_80, coverage_95`` [share of
    held-out years inside the interval] and ``winkler_80, winkler_95`` [mean, % of actual].
    """
    s = _scores(table)
    frames = []
    for block, origins in BLOCKS.items():
        frame = s if origins is None else s[s["origin"].isin(origins)]
        frames.append(coverage_by_model(frame).reset_index().assign(block=block))
    cols = ["block", "model", "n"] + [f"{k}_{lv}" for k in ("coverage", "winkler")
                                      for lv in LEVELS]
    return pd.concat(frames, ignore_index=True)[cols]


def _shortfall(row) -> float:
    """Summed distance of the 80% and 95% coverage from their target ranges [share]."""
    return float(sum(max(lo - row[f"coverage_{lv}"], row[f"coverage_{lv}"] - hi, 0.0)
                     for lv, (lo, hi) in COVERAGE_TARGETS.items()))


def _meets(row) -> bool:
    return _shortfall(row) == 0


def interval_selection(table: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    """The interval method of the second choice, from the selection origins only.

    Calibration first, then sharpness (Gneiting, Balabdaoui & Raftery 2007, J. R. Stat.
    Soc. B 69, 243-268): among :data:`INTERVAL_CANDIDATES` (the same centre, different
    intervals) the ones with the smallest ``shortfall`` on :data:`SELECTION_ORIGINS` (the
    summed distance of their 80% and 95% coverage from :data:`COVERAGE_TARGETS`; 0 when both
    are met), and of those the one with the lowest mean 95% Winkler score there. Returns its
    name and the candidates' selection-block scores.
    """
    c = calibration_table(table)
    c = c[(c["block"] == "selection") & c["model"].isin(INTERVAL_CANDIDATES)].set_index("model")
    c["shortfall"] = [_shortfall(r) for _, r in c.iterrows()]
    best = c[np.isclose(c["shortfall"], c["shortfall"].min())]
    return str(best["winkler_95"].idxmin()), c.drop(columns="block")


def diebold_mariano(table: pd.DataFrame, a: str, b: str, horizon: int) -> dict:
    """Diebold-Mariano test of equal mean absolute % error of models ``a`` and ``b`` at
    ``horizon`` over every origin that has it.

    d_T = APE_a(T) - APE_b(T) [percentage points]; the forecasts of origins less than
    ``horizon`` apart overlap, so the variance of the mean is the Newey-West (Bartlett)
    long-run variance with ``horizon - 1`` lags divided by n; the statistic is compared
    with Student-t with n - 1 degrees of freedom (Harvey, Leybourne & Newbold 1997 use t).

    Returns ``n`` (origins), ``diff`` (mean d [points], negative: ``a`` better), ``stat`` and
    ``p`` (two-sided).
    """
    from scipy.special import stdtr  # Student-t CDF, without importing scipy.stats (0.4 s)

    s = _scores(table)
    s = s[s["horizon"] == horizon].pivot_table(index="origin", columns="model", values="ape")
    d = (s[a] - s[b]).dropna().to_numpy()
    n = len(d)
    if n < 3:
        raise ValueError(f"{n} origins have horizon {horizon}; the test needs at least 3")
    e = d - d.mean()
    lrv = e @ e / n
    for lag in range(1, min(horizon - 1, n - 1) + 1):
        lrv += 2 * (1 - lag / horizon) * (e[lag:] @ e[:-lag]) / n
    stat = d.mean() / np.sqrt(lrv / n) if lrv > 0 else np.nan
    p = 2 * stdtr(n - 1, -abs(stat)) if np.isfinite(stat) else np.nan
    return {"n": n, "diff": float(d.mean()), "stat": float(stat), "p": float(p)}


def summarise(table: pd.DataFrame) -> dict:
    """The numbers of the report.

    ``mape_issue`` and ``mape_all``: MAPE at 5 and 10 years over :data:`ISSUE_ORIGINS` and
    over all origins; ``beats_ets``: whether the shipped model's MAPE is below the damped
    ETS's at 5 and at 10 years on each of those two sets; ``calibration``: per origin block
    (``all``, ``selection`` = 2002-2009, ``report`` = from 2010) a frame by model of the
    coverage of the 80% and 95% intervals [share] and the mean Winkler score [% of actual]
    over every held-out year; ``selection`` and ``interval_selection``: the two choices;
    ``dm``: Diebold-Mariano tests of the shipped model against the damped ETS at 5 and 10
    years; ``targets_met``: coverage targets met over all origins by the shipped model.
    """
    ct = calibration_table(table)
    calib = {b: ct[ct["block"] == b].drop(columns="block").set_index("model") for b in BLOCKS}
    m_issue, m_all = mape(table, ISSUE_ORIGINS), mape(table)
    beats = {name: {h: bool(m.loc[h, SHIPPED] < m.loc[h, "ets_damped"]) for h in REPORTED}
             for name, m in (("issue_origins", m_issue), ("all_origins", m_all))}
    chosen, scores = selection(table)
    out = {"mape_issue": m_issue, "mape_all": m_all, "beats_ets": beats,
           "calibration": calib, "selection": (chosen, scores),
           "targets_met": _meets(calib["all"].loc[SHIPPED])}
    if set(INTERVAL_CANDIDATES) <= set(table["model"]):
        out["interval_selection"] = interval_selection(table)
    out["dm"] = {h: diebold_mariano(table, SHIPPED, "ets_damped", h) for h in REPORTED}
    return out


def _mape_table(m: pd.DataFrame) -> list[str]:
    """Markdown rows of a horizon x model MAPE frame (:func:`mape`) [%]."""
    return ["| horizon | " + " | ".join(m.columns) + " |", "|---:|" + "---:|" * len(m.columns),
            *[f"| {h} | " + " | ".join(f"{v:.1f}" for v in row) + " |"
              for h, row in m.iterrows()]]


def _fmt_cov(c: pd.DataFrame, model: str) -> str:
    r = c.loc[model]
    return (f"{100 * r['coverage_80']:.0f}% | {100 * r['coverage_95']:.0f}% | "
            f"{r['winkler_80']:.1f} | {r['winkler_95']:.1f} | {int(r['n'])}")


def regional_verdict(regional: dict, table: pd.DataFrame) -> dict:
    """The third attempt's numbers the report and the user guide quote (demand.md).

    ``regional`` is :func:`zorgcap.forecast.regional_backtest.summary`; ``table`` the national
    backtest. Returns, over all 40 COROP series, ``mape`` (model x horizon 5/10 [%]) and
    ``coverage`` (model x level [share]) of ``shipped``, ``rule_choice`` and ``ets_damped``;
    ``n`` (held-out years); ``beats`` (the shipped model's MAPE below the damped ETS's, per
    horizon); ``targets`` (per level, the shipped model's coverage within its target);
    ``national_choice`` (the national MAPE at 5 and 10 years of the rule's centre, which is
    the ``beleidsarm`` configuration when the rule chose ``constant``, else None).
    """
    sc = regional["scores"]
    allb = sc[sc["block"] == "all"].set_index("model")
    mape_ = allb[[f"mape_{h}" for h in REPORTED]].rename(columns=lambda c: int(c[5:]))
    cov = allb[[f"coverage_{lv}" for lv in LEVELS]].rename(columns=lambda c: int(c[9:]))
    national = None
    if regional["centre"] == "constant":
        m = mape(table)
        national = {h: float(m.loc[h, "beleidsarm"]) for h in REPORTED}
    return {"mape": mape_, "coverage": cov, "n": int(allb.loc["shipped", "n"]),
            "beats": {h: bool(mape_.loc["shipped", h] < mape_.loc["ets_damped", h])
                      for h in REPORTED},
            "targets": {lv: bool(lo <= cov.loc["shipped", lv] <= hi)
                        for lv, (lo, hi) in COVERAGE_TARGETS.items()},
            "national_choice": national}


def _regional_markdown(regional: dict, table: pd.DataFrame) -> list[str]:
    """The section on the third attempt (:mod:`zorgcap.forecast.regional_backtest`)."""
    v = regional_verdict(regional, table)
    sc = regional["scores"]
    m_nat = mape(table)
    lines = ["## Third attempt: chosen on other series, declared before scoring", "",
             "Declared in `reports/preregistration_issue17.md` (committed before the code that "
             "scores, which was committed before any scoring; see `git log`). The series: "
             "persons in institutions per person in each of the 40 COROP regions, all ages, "
             "1 January 2000-2024 (CBS 71488ned), never fitted by zorgcap before. The rule "
             "reads only the 17 regions of " + ", ".join(regional["selection_provinces"])
             + " (selection); "
             "the 23 of West- and Zuid-Nederland are a hold-out. Origins 2007-2023, horizons "
             "1-10, calibration as in the national backtest, no outliers flagged.", "",
             "Step 1, the centre (all anchored; `student` interval): mean MAPE at 5 and 10 "
             "years over the selection regions.", "",
             "| centre | mean MAPE at 5 and 10 years (%) |", "|---|---:|"]
    lines += [f"| {k}{' (the baseline, not a candidate)' if k == 'ets_damped' else ''} "
              f"| {val:.2f} |" for k, val in regional["centre_scores"].items()]
    lines += ["", f"Chosen: **{regional['centre']}**.", "",
              f"Step 2, the interval on `{regional['centre']}`: smallest shortfall from the "
              "coverage targets over every held-out year of the selection regions, then the "
              "lowest 95% Winkler score.", "",
              "| interval | coverage 80% | coverage 95% | Winkler 80% | Winkler 95% | "
              "shortfall |", "|---|---:|---:|---:|---:|---:|"]
    for k, r in regional["interval_scores"].iterrows():
        lines.append(f"| {k} | {100 * r['coverage_80']:.0f}% | {100 * r['coverage_95']:.0f}% "
                     f"| {r['winkler_80']:.1f} | {r['winkler_95']:.1f} | "
                     f"{r['shortfall']:.3f} |")
    lines += ["", f"Chosen: **{regional['interval']}**.", ""]
    if regional["shipped_is_choice"]:
        lines += ["The rule's choice is the model shipped.", ""]
    elif v["national_choice"] is not None:
        nat = v["national_choice"]
        j = regional["jump_2014"]
        lines += [
            "**Not shipped: a deviation from the declaration, decided after seeing these "
            "results.** The rule chose constant rates, the beleidsarm convention. On the "
            "target series (persons 65+, CBS 37620, seen before) that centre errs "
            f"{nat[5]:.1f}% at 5 and {nat[10]:.1f}% at 10 years against "
            f"{m_nat.loc[5, SHIPPED]:.1f}% and {m_nat.loc[10, SHIPPED]:.1f}% for the shipped "
            "model (the `beleidsarm` rows above). The regional series differ from the target "
            f"in what decides their ranking: from 2013 to 2014 the rate rose in {j['up']} of "
            f"the {j['regions']} COROP regions (change {100 * j['min']:+.0f}% to "
            f"{100 * j['max']:+.0f}%, median {100 * j['median']:+.0f}%) and stayed up (at "
            "65+ nationally the jump falls back), so the candidates' forecasts made before "
            f"2014 for a year from 2014 err {100 * regional['error_across_2014']:+.0f}% "
            "(median) whatever the model, and the model that drifts least wins. The "
            "declaration said the choice would ship whatever the national numbers say; we "
            f"judge an error {nat[5] / m_nat.loc[5, SHIPPED]:.0f} and "
            f"{nat[10] / m_nat.loc[10, SHIPPED]:.0f} times larger on the target series the "
            "stronger evidence and keep the shipped model. That is a judgement made after "
            "seeing the results, not a rule. The constant-rate centre is what the "
            "`beleidsarm` scenario already ships, for anyone who prefers the rule's choice.",
            ""]
    lines += ["Out of sample for the shipped model: it was chosen on the national series "
              "(origins 2002-2009) and had never been fitted on these series, so both blocks "
              "test it; for the rule's choice only the hold-out does.", "",
              "| block | model | MAPE 5 years | MAPE 10 years | coverage 80% | coverage 95% | "
              "Winkler 80% | Winkler 95% | years |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in sc.itertuples():
        lines.append(f"| {r.block} | {r.model} | {r.mape_5:.1f}% | {r.mape_10:.1f}% | "
                     f"{100 * r.coverage_80:.0f}% | {100 * r.coverage_95:.0f}% | "
                     f"{r.winkler_80:.1f} | {r.winkler_95:.1f} | {r.n} |")
    mp, cv = v["mape"], v["coverage"]
    word = {True: "beats", False: "does not beat"}
    lines += ["", f"Over all {v['n']:,} held-out years of the 40 regions the shipped model "
              f"{word[v['beats'][5]]} the damped ETS at 5 years ({mp.loc['shipped', 5]:.1f}% "
              f"against {mp.loc['ets_damped', 5]:.1f}%) and {word[v['beats'][10]]} it at 10 "
              f"years ({mp.loc['shipped', 10]:.1f}% against {mp.loc['ets_damped', 10]:.1f}%); "
              f"its 80% interval covered {100 * cv.loc['shipped', 80]:.0f}% (target 75-85%: "
              f"{'met' if v['targets'][80] else 'not met'}) and its 95% interval "
              f"{100 * cv.loc['shipped', 95]:.0f}% (target at least 90%: "
              f"{'met' if v['targets'][95] else 'not met'}). Caveats: all ages and all kinds "
              "of institution, not nursing homes at 65+; the regions share national shocks "
              "(2014), so 40 series are fewer independent checks than their count. The 95% "
              "Winkler scores are large because at the first calibration origins a Student-t "
              "interval with one or two degrees of freedom is very wide.", ""]
    return lines


def to_markdown(table: pd.DataFrame, regional: dict | None = None, sections=()) -> str:
    """The backtest as a Markdown report (tables and a verdict in words); with ``regional``
    (:func:`zorgcap.forecast.regional_backtest.summary`) also the third attempt's section, then the
    Markdown lines of ``sections`` (e.g. :func:`zorgcap.forecast.prospective.to_markdown`) before
    the table of forecasts."""
    s = summarise(table)
    sc = _scores(table)
    lines = [*_md_intro(table), *_md_selection(s), *_md_interval_selection(s),
             *_md_verdict(s, table), *_md_calibration(s, table, sc), *_md_outlier(s, table),
             *_md_constant_rates(sc)]
    if regional is not None:
        lines += _regional_markdown(regional, table)
    lines += list(sections)
    lines += _md_forecasts(sc)
    return "\n".join(lines) + "\n"


def _md_intro(table: pd.DataFrame) -> list[str]:
    """The report's title and what it compares (Markdown lines)."""
    origins = sorted(table["origin"].unique())
    lines = ["# Backtest: national nursing-home population (institutional residents 65+)", "",
             "Generated by `zorgcap backtest` (tidy table: `backtest.csv`). Truth: CBS 37620, "
             "persons 65+ in institutional households on 1 January. Rolling origins "
             f"{origins[0]}-{origins[-1]} ({len(origins)} origins), horizons 1-10 years (up to "
             f"{int(table['year'].max())}). Each model uses data up to the origin only; the "
             "actual population of the target year is used for all models, so the errors are "
             "those of the usage-rate part.", "",
             f"Shipped model (`shipped` = true; what the `trend` scenario uses): "
             f"{SHIPPED_TREND.describe()}.", ""]
    return lines


def _md_selection(s: dict) -> list[str]:
    """How the shipped model was chosen (Markdown lines; ``s`` of :func:`summarise`)."""
    lines = []
    chosen, sel = s["selection"]
    lines += ["## How the shipped model was chosen", "",
              "Anchoring at the last observation is a requirement (no jump-off), not a "
              "result of this table. Among the anchored candidates the one with the lowest "
              "mean absolute % error (MAPE) at 5 and 10 years over the selection origins "
              f"{SELECTION_ORIGINS[0]}-{SELECTION_ORIGINS[-1]} is shipped; origins from "
              f"{SELECTION_ORIGINS[-1] + 1} are the report set, not used for the choice.", "",
              "| candidate | mean MAPE at 5 and 10 years, origins "
              f"{SELECTION_ORIGINS[0]}-{SELECTION_ORIGINS[-1]} (%) |", "|---|---:|"]
    lines += [f"| {m} | {v:.2f} |" for m, v in sel.items()]
    lines += ["", f"Chosen: **{chosen}**.", ""]
    return lines


def _md_interval_selection(s: dict) -> list[str]:
    """The second attempt at the intervals and how its method was chosen (Markdown lines)."""
    lines = []
    if "interval_selection" in s:
        ichosen, isel = s["interval_selection"]
        lines += ["### Second attempt, made after seeing the first test results", "",
                  "The first attempt (model `ets_anchored_conformal`: the wider of the "
                  "model's own interval and a split-conformal quantile of the errors at "
                  "earlier origins, scored against the cleaned series) was set before any "
                  "coverage was computed and missed the targets on every block of origins. "
                  "**Everything in this subsection was decided after those results, including "
                  "the report origins, had been seen**, so the report origins are no longer "
                  "an untouched test set for the intervals. Two changes were made on "
                  "principle, not by searching: (1) the calibration errors are scored against "
                  "the observed series, outliers included (an interval is a statement about "
                  "what will be observed; the 2014 spike was observed); (2) the few early "
                  "calibration errors are allowed for by a Student-t interval: the scale is "
                  "the root mean square of the errors divided by the horizon, with one degree "
                  "of freedom per calibration origin (errors of one origin share its trend "
                  "error). The method was then chosen by a rule on the selection origins "
                  "only: calibration first, then sharpness (smallest shortfall from the "
                  "coverage targets, then the lowest 95% Winkler score; Gneiting et al. "
                  "2007).", "",
                  "| interval method | coverage 80% | coverage 95% | Winkler 80% | Winkler 95% "
                  f"| shortfall | origins {SELECTION_ORIGINS[0]}-{SELECTION_ORIGINS[-1]} |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        what = {m: f"{MODELS[m].intervals}, against the {MODELS[m].calibration_truth} series "
                f"(`{m}`)" for m in isel.index}
        lines += [f"| {what[m]} | {100 * r['coverage_80']:.0f}% | {100 * r['coverage_95']:.0f}% "
                  f"| {r['winkler_80']:.1f} | {r['winkler_95']:.1f} | {r['shortfall']:.3f} "
                  f"| {int(r['n'])} years |" for m, r in isel.iterrows()]
        lines += ["", f"Chosen: **{ichosen}** (shipped: {SHIPPED}). Other variants looked at "
                  "while exploring, on all origins and therefore not eligible: scaling by "
                  "sqrt(h) (lower coverage), per-horizon scales, a two-part error variance "
                  "(noise plus trend error), the factor sqrt(1 + 1/k) of an estimated mean "
                  "(the shipped interval takes the errors' mean as zero and has none; with it "
                  "the pooled interval covered 71% and 91% over all origins without the "
                  "model floor), and the maximum of the per-horizon and the pooled interval "
                  "with that factor (76% and 93%). Those numbers were found by looking at all "
                  "origins, so none of these variants is shipped.", ""]
    return lines


def _md_verdict(s: dict, table: pd.DataFrame) -> list[str]:
    """Mean absolute % errors and the verdict against the damped ETS (Markdown lines)."""
    lines = []
    for key, title in (("mape_issue", f"origins {', '.join(map(str, ISSUE_ORIGINS))}"),
                       ("mape_all", "all origins")):
        lines += [f"## Mean absolute % error, {title}", "", *_mape_table(s[key]), ""]
    beats = s["beats_ets"]
    lines += ["## Verdict: shipped model against the damped ETS", ""]
    for key, label in (("issue_origins", "origins 2005, 2010, 2014"),
                       ("all_origins", "all origins")):
        m = s["mape_issue" if key == "issue_origins" else "mape_all"]
        lines.append(f"- {label}: " + "; ".join(
            f"{h} years {m.loc[h, SHIPPED]:.1f}% against {m.loc[h, 'ets_damped']:.1f}% "
            f"({'beats' if beats[key][h] else 'does not beat'})" for h in REPORTED))
    dm = s["dm"]
    msel = mape(table, SELECTION_ORIGINS).mean()
    pair_sel, ship_sel = msel.get("ets_pair_mean", np.nan), msel[SHIPPED]
    lines += ["", "Diebold-Mariano test of equal MAPE (Newey-West variance, the forecasts of "
              "nearby origins overlap): " + "; ".join(
                  f"{h} years: difference {dm[h]['diff']:+.2f} points over {dm[h]['n']} "
                  f"origins, p = {dm[h]['p']:.2f}" for h in REPORTED)
              + ". Neither difference is distinguishable from chance with this many origins.",
              "", "Where the shipped model loses, the statsmodels damped ETS wins because its "
              "forecast starts from the smoothed level rather than the last observation (at "
              "origin 2014 that level ignores the 2014 spike the shipped model starts from); "
              "starting from the last observation is required (the forecast may not jump "
              "away from the observed rate in its first year), and no anchored candidate did "
              "better on the selection origins. After the first test results the combination "
              "the issue names was tried as well: `ets_pair_mean`, the mean of the shipped "
              "model and the damped ETS (the Bates-Granger weights from past errors gave "
              "nearly equal weights and the same result in exploration). On the selection "
              f"origins its mean 5/10-year MAPE is {pair_sel:.2f}% against {ship_sel:.2f}% "
              "for the shipped model, but it does not start from the last observation "
              "(a jump-off), so it is not a candidate; its numbers are in the tables above. "
              "**The issue's criterion (beat the damped ETS at 5 and at 10 years) is not "
              "met at 5 years.** A model chosen again on these numbers would be tuned on "
              "the test set.", ""]
    return lines


def _md_calibration(s: dict, table: pd.DataFrame, sc: pd.DataFrame) -> list[str]:
    """Interval coverage and Winkler scores by block of origins and by horizon (Markdown
    lines; ``sc`` of :func:`_scores`)."""
    lines = ["## Interval calibration (every held-out year)", "",
             "Coverage: share of held-out years inside the interval (targets: 80% → 75-85%, "
             "95% → at least 90%). Winkler score: width plus 2/α times the miss, mean, in % "
             "of the actual (lower is better). Each origin's calibrated interval uses only "
             "errors of forecasts made at earlier origins whose target year had been "
             "observed by then. Coverage and Winkler scores per model and block are also in "
             "`backtest_calibration.csv`.", ""]
    c = s["calibration"]["all"].loc[SHIPPED]
    lines += [f"Shipped model over all origins: 80% interval {100 * c['coverage_80']:.0f}% "
              f"(target 75-85%), 95% interval {100 * c['coverage_95']:.0f}% (target at least "
              f"90%) of {int(c['n'])} held-out years: the targets are "
              + ("**met**." if s["targets_met"] else "**not met**."), ""]
    last = int(table["origin"].max())
    for label, title in (("all", "all origins"),
                         ("selection", f"selection origins {SELECTION_ORIGINS[0]}-"
                                       f"{SELECTION_ORIGINS[-1]}"),
                         ("report", f"report origins {SELECTION_ORIGINS[-1] + 1}-{last}")):
        c = s["calibration"][label]
        lines += [f"### {title}", "",
                  "| model | coverage 80% | coverage 95% | Winkler 80% | Winkler 95% | years |",
                  "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {m} | {_fmt_cov(c, m)} |" for m in c.index]
        lines.append("")
    by_h = sc[sc["model"] == SHIPPED].groupby("horizon")
    lines += ["### Shipped model by horizon, all origins", "",
              "| horizon | years | coverage 80% | coverage 95% | mean log error |",
              "|---:|---:|---:|---:|---:|"]
    lines += [f"| {h} | {len(g)} | {100 * g['covered_80'].mean():.0f}% "
              f"| {100 * g['covered_95'].mean():.0f}% "
              f"| {np.log(g['forecast'] / g['actual']).mean():+.3f} |" for h, g in by_h]
    lines += ["", "A mean log error below zero: the forecasts were too low on average (the "
              "rate stopped falling in 2017). Coverage is lowest at the short horizons: "
              "scaling the errors with h makes the short-horizon intervals narrow, while the "
              "yearly noise of the series does not shrink with h. Any third attempt should be "
              "fixed before it is scored, on data not yet seen (CBS 37620 after 1-1-2024).",
              ""]
    return lines


def _md_outlier(s: dict, table: pd.DataFrame) -> list[str]:
    """The effect of the 2014 outlier of CBS 37620, where the table has it (Markdown lines)."""
    lines = []
    kept = f"{SHIPPED}_2014_kept"
    if kept in table["model"].values:
        m = s["mape_all"]
        c = s["calibration"]["all"]
        lines += ["## The 2014 value of CBS 37620", "", f"Flagged as an outlier: {OUTLIERS[2014]}",
                  "", "Once 2015 is known (origins from 2015) the shipped model replaces the "
                  "2014 rate by the geometric mean of 2013 and 2015; at origin 2014 it cannot "
                  "know, and its forecast starts from the high value. The actual of target "
                  "year 2014 is kept in the scores. Effect, all origins: MAPE at 5 years "
                  f"{m.loc[5, SHIPPED]:.1f}% (replaced) against {m.loc[5, kept]:.1f}% (kept), "
                  f"at 10 years {m.loc[10, SHIPPED]:.1f}% against {m.loc[10, kept]:.1f}%; "
                  f"95% coverage {100 * c.loc[SHIPPED, 'coverage_95']:.0f}% against "
                  f"{100 * c.loc[kept, 'coverage_95']:.0f}%.", ""]
    return lines


def _md_constant_rates(sc: pd.DataFrame) -> list[str]:
    """How far the constant-rate convention (beleidsarm) was off (Markdown lines)."""
    bel = sc[(sc["model"] == "beleidsarm") & sc["horizon"].isin(REPORTED)]
    err = 100 * (bel["forecast"] / bel["actual"] - 1)
    return ["## Constant rates (beleidsarm)", "",
            f"At 5 and 10 years the constant-rate convention was off by {err.min():+.0f}% to "
            f"{err.max():+.0f}% (it assumes rates that in fact fell until 2017). Its bands in "
            "the demand model are therefore labelled *population uncertainty at constant "
            "rates*, not forecast intervals.", ""]


def _md_forecasts(sc: pd.DataFrame) -> list[str]:
    """The forecasts at 5 and 10 years from the issue's origins (Markdown lines)."""
    rep = sc[sc["horizon"].isin(REPORTED) & sc["origin"].isin(ISSUE_ORIGINS)
             & sc["model"].isin(list(BASELINES) + [SHIPPED])]
    lines = ["## Forecasts at 5 and 10 years from 2005, 2010 and 2014", "",
             "| model | origin | horizon | year | actual | forecast | error % | 80% interval "
             "| 95% interval |", "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in rep.sort_values(["origin", "horizon", "model"]).itertuples():
        lines.append(f"| {r.model} | {r.origin} | {r.horizon} | {r.year} | {r.actual:,.0f} "
                     f"| {r.forecast:,.0f} | {100 * (r.forecast / r.actual - 1):+.1f} "
                     f"| {r.lo_80:,.0f} – {r.hi_80:,.0f} | {r.lo_95:,.0f} – {r.hi_95:,.0f} |")
    return lines


def output_files(out) -> tuple[Path, dict]:
    """The folder and the file names ``zorgcap backtest --out out`` writes: ``out`` is a
    folder, or a ``.md`` file whose stem names the others (``md, csv, calibration,
    regional, prospective``)."""
    out = Path(out)
    folder, stem = (out.parent, out.stem) if out.suffix == ".md" else (out, "backtest")
    return folder, {"md": f"{stem}.md", "csv": f"{stem}.csv",
                    "calibration": f"{stem}_calibration.csv",
                    "regional": f"{stem}_regional.csv",
                    "prospective": f"{stem}_prospective.csv"}


def write(table: pd.DataFrame, out, regional: dict | None = None, sections=(), *,
          names: dict | None = None, force: bool = False) -> tuple[Path, Path]:
    """Write ``backtest.md`` and ``backtest.csv`` into the folder ``out`` (or, when ``out``
    ends in ``.md``, that file and the CSV beside it), and beside them
    ``backtest_calibration.csv`` (:func:`calibration_table`: coverage and Winkler score per
    model and origin block); with ``regional``
    (:func:`zorgcap.forecast.regional_backtest.summary`) also ``backtest_regional.csv`` (its
    three models' forecasts on the COROP series,
    :data:`zorgcap.forecast.regional_backtest.REGION_COLUMNS`). ``sections``: see
    :func:`to_markdown`.

    Written through :class:`zorgcap.forecast.io.output.OutputFolder` (all files or none; a
    file of the same name that zorgcap did not write is refused, ``force`` as there). ``out`` may be
    an open ``OutputFolder`` (then ``names`` from :func:`output_files`). Returns the paths
    of the first two."""
    from .io.output import OutputFolder

    text = to_markdown(table, regional, sections)
    if not isinstance(out, OutputFolder):
        folder, names = output_files(out)
        wanted = [names[k] for k in ("md", "csv", "calibration")] + (
            [names["regional"]] if regional is not None else [])
        with OutputFolder(folder, command="backtest", files=wanted, force=force) as dest:
            return write(table, dest, regional, sections, names=names)
    names = names or output_files(out.out)[1]
    out.write_text(names["md"], text)
    table.to_csv(out.path(names["csv"]), index=False, float_format="%.1f")
    calibration_table(table).to_csv(out.path(names["calibration"]), index=False,
                                    float_format="%.4f")
    if regional is not None:
        regional["table"].to_csv(out.path(names["regional"]), index=False,
                                 float_format="%.1f")
    return out.out / names["md"], out.out / names["csv"]
