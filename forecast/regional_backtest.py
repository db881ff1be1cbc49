"""The data that chose the shipped trend model: a rolling-origin backtest on the 40 COROP
series of CBS 71488ned (issue 17, third attempt).

The national series (CBS 37620, persons 65+ in institutions) had been looked at twice when
the third attempt was made, so it could no longer choose a method honestly. This module
scores the candidates on series that no zorgcap method had been fitted on, by a rule written
down before scoring (``reports/preregistration_issue17.md``, committed first):

    rate_r(t) = institutional_r(t) / persons_r(t)            [persons per person]

per COROP region r, 1 January 2000-2024 (CBS 71488ned ``PersonenInInstitutioneleHuishoudens_12``
over ``TotaalPersonenInHuishoudens_1``, all ages, both sexes, regio-indeling of each year).
The **selection set** is the 17 COROP regions of Noord- and Oost-Nederland
(:data:`SELECTION_PROVINCES`); the **hold-out set** is the 23 of West- and Zuid-Nederland,
scored after the choice and never used for it. Rolling origins, horizons and calibration are
those of :mod:`zorgcap.forecast.backtest` (``min_train`` = 8: origins 2007-2023, horizons 1-10);
no outliers are flagged on these series (the 2014 change persists in them). A forecast count
is the forecast rate times the region's actual persons of the target year, so its % error is
the rate's.

:func:`choose` applies the rule: (1) the centre (all anchored at the last observation) with
the lowest mean of its 5- and 10-year MAPE over the selection set, with the ``student`` (h)
interval; (2) for that centre, the interval method with the smallest shortfall from the
coverage targets over every held-out year of the selection set, ties (within 0.005) to the
lower 95% Winkler score. A test holds :data:`zorgcap.forecast.timeseries.SHIPPED_TREND` to it.

Caveat: these are all ages and all kinds of institution (homes for the disabled, mental
health, prisons), not nursing homes at 65+; the regions share national shocks (2014), so 40
series are fewer independent checks than their count.

References
----------
Tashman, L.J. (2000), International Journal of Forecasting 16, 437-450 (rolling origins).
Makridakis, S., Spiliotis, E., Assimakopoulos, V. (2020). The M4 Competition. International
Journal of Forecasting 36, 54-74 (choosing methods on many related series).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from .backtest import COLUMNS, HORIZONS, LEVELS, _scores, _shortfall, coverage_by_model, mape
from .timeseries import SHIPPED_TREND, TrendConfig, shipped_forecast

__all__ = ["corop_series", "regional_backtest", "cached_regional_backtest", "choose",
           "interval_configs", "scores", "summary", "CENTRES", "INTERVALS", "BASELINE",
           "SELECTION_PROVINCES", "REGION_COLUMNS"]

#: Provinces of Noord- and Oost-Nederland: their COROP regions choose the method.
SELECTION_PROVINCES = ("Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland",
                       "Gelderland")
#: Candidate centres of the rule, each with the ``student`` (h) interval; all anchored.
CENTRES = {m: TrendConfig(name=m, method=m, outliers=())
           for m in ("ets", "arima", "ets_arima", "rw_drift", "constant")}
#: Candidate interval methods of the rule (applied to the chosen centre).
INTERVALS = {"student_h": {"intervals": "student", "error_growth": "linear"},
             "student_sqrt": {"intervals": "student", "error_growth": "sqrt"},
             "conformal_h": {"intervals": "conformal", "error_growth": "linear"},
             "conformal_sqrt": {"intervals": "conformal", "error_growth": "sqrt"},
             "student_horizon": {"intervals": "student_horizon", "error_growth": "linear"}}
#: The issue's baseline (not a candidate): damped ETS from its smoothed level, model intervals.
BASELINE = TrendConfig(name="ets_damped", method="ets", anchor=False, intervals="model",
                       outliers=())
REGION_COLUMNS = ["region", "block", *COLUMNS]
_TIE = 0.005  # shortfalls closer than this are a tie (rule 2)
_VERSION = 1


def corop_series(data=None) -> pd.DataFrame:
    """``region, province, block, year, institutional, persons, rate`` per COROP region and
    year [region name, province name, "selection"/"holdout", year, persons, persons,
    persons per person] from CBS 71488ned (all ages, both sexes)."""
    from zorgcap import regions

    from .errors import InputError
    from .io.tables import read_table

    t = read_table("households_region", data)
    t = t[(t["Geslacht"].str.strip() == "Mannen en vrouwen")
          & (t["Leeftijd"].str.strip() == "Totaal")
          & t["RegioS"].str.strip().str.endswith(" (CR)")]
    out = pd.DataFrame({
        "region": t["RegioS"].str.strip().str.removesuffix(" (CR)").to_numpy(),
        "year": pd.to_numeric(t["Perioden"].str.strip(), errors="coerce").to_numpy(),
        "institutional": t["PersonenInInstitutioneleHuishoudens_12"].to_numpy(float),
        "persons": t["TotaalPersonenInHuishoudens_1"].to_numpy(float)})
    bad = out[~(np.isfinite(out["institutional"]) & np.isfinite(out["persons"])
                & (out["persons"] > 0) & (out["institutional"] >= 0))]
    if len(bad):
        r = bad.iloc[0]
        raise InputError(f"COROP {r['region']!r} has no usable count in {r['year']:.0f}",
                         file=t.attrs.get("source"),
                         column="PersonenInInstitutioneleHuishoudens_12",
                         fix="fetch CBS 71488ned again: 'zorgcap data fetch households_region'.")
    gm = regions.gemeenten(2021, data).drop_duplicates("corop_name")
    province = gm.set_index("corop_name")["pv_name"]
    out["province"] = out["region"].map(province)
    if out["province"].isna().any():
        raise InputError(f"COROP {out.loc[out['province'].isna(), 'region'].iloc[0]!r} of CBS "
                         "71488ned is not a COROP region of 2021", column="RegioS",
                         fix="fetch CBS 71488ned again.")
    out["block"] = np.where(out["province"].isin(SELECTION_PROVINCES), "selection", "holdout")
    out["year"] = out["year"].astype(int)
    out["rate"] = out["institutional"] / out["persons"]
    return (out[["region", "province", "block", "year", "institutional", "persons", "rate"]]
            .sort_values(["region", "year"]).reset_index(drop=True))


def _one_region(args) -> pd.DataFrame:
    region, block, frame, configs = args
    rate = frame.set_index("year")["rate"]
    persons = frame.set_index("year")["persons"]
    actual = frame.set_index("year")["institutional"]
    first, last = int(rate.index[0]) + SHIPPED_TREND.min_train - 1, int(rate.index[-1])
    cols = ["mean"] + [f"{s}_{lv}" for lv in LEVELS for s in ("lo", "hi")]
    rows = []
    for origin in range(first, last):
        targets = [origin + h for h in HORIZONS if origin + h <= last]
        for cfg in configs:
            fc = shipped_forecast(rate.loc[:origin], max(HORIZONS), cfg, LEVELS)
            vals = fc.set_index("year").loc[targets, cols].to_numpy()
            f = pd.DataFrame(vals * persons.loc[targets].to_numpy()[:, None], columns=cols)
            f = f.rename(columns={"mean": "forecast"})
            f.insert(0, "region", region)
            f.insert(1, "block", block)
            f.insert(2, "origin", origin)
            f.insert(3, "year", targets)
            f.insert(4, "horizon", np.array(targets) - origin)
            f.insert(5, "model", cfg.name)
            f.insert(6, "actual", actual.loc[targets].to_numpy(float))
            f["shipped"] = False
            rows.append(f)
    return pd.concat(rows, ignore_index=True)


def regional_backtest(configs, blocks=("selection", "holdout"), data=None,
                      workers: int = 1) -> pd.DataFrame:
    """Forecasts of each :class:`~zorgcap.forecast.timeseries.TrendConfig` in ``configs`` at every
    origin and horizon of every COROP series in ``blocks``.

    Returns :data:`REGION_COLUMNS`: ``region, block`` and the columns of
    :data:`zorgcap.forecast.backtest.COLUMNS` (``actual, forecast, lo_*, hi_*`` [persons in
    institutions, all ages]; ``shipped`` is False: these rows chose the model, they are not
    it). ``workers`` > 1 fits the regions in that many processes.
    """
    series = corop_series(data)
    series = series[series["block"].isin(blocks)]
    jobs = [(r, g["block"].iloc[0], g, tuple(configs)) for r, g in series.groupby("region")]
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_one_region, jobs))
    else:
        parts = [_one_region(j) for j in jobs]
    return pd.concat(parts, ignore_index=True)[REGION_COLUMNS]


def _calibration(scored: pd.DataFrame) -> pd.DataFrame:
    """:func:`zorgcap.forecast.backtest.coverage_by_model` of a scored table, with ``shortfall``."""
    out = coverage_by_model(scored)
    out["shortfall"] = [_shortfall(r) for _, r in out.iterrows()]
    return out


def interval_configs(centre: TrendConfig) -> dict:
    """The candidate interval methods of rule 2 on ``centre``, by name."""
    return {name: replace(centre, name=f"{centre.method}+{name}", **kw)
            for name, kw in INTERVALS.items()}


def choose(data=None, workers: int = 1) -> dict:
    """The preregistered rule (module docstring) on the selection set.

    Returns ``centre`` (name), ``centre_scores`` (mean 5/10-year MAPE [%] per candidate),
    ``interval`` (name), ``interval_scores`` (coverage [share], Winkler [% of actual] and
    shortfall per interval method), ``config`` (the chosen :class:`TrendConfig`, named and
    with outliers as :data:`SHIPPED_TREND`) and the tables ``centres`` and ``intervals``.
    """
    centres = cached_regional_backtest((*CENTRES.values(), BASELINE), ("selection",), data,
                                       workers)
    mean_mape = mape(centres).mean()  # the mean of the 5- and 10-year MAPE per model
    centre = str(mean_mape[list(CENTRES)].idxmin())
    candidates = interval_configs(CENTRES[centre])
    intervals = cached_regional_backtest(tuple(candidates.values()), ("selection",), data,
                                         workers)
    cal = _calibration(_scores(intervals)).rename(
        index={c.name: k for k, c in candidates.items()})
    best = cal[cal["shortfall"] <= cal["shortfall"].min() + _TIE]
    interval = str(best["winkler_95"].idxmin())
    kw = INTERVALS[interval]
    config = replace(SHIPPED_TREND, method=centre, **kw)
    return {"centre": centre, "centre_scores": mean_mape.sort_values(), "interval": interval,
            "interval_scores": cal.sort_values("shortfall"), "config": config,
            "centres": centres, "intervals": intervals}


def cached_regional_backtest(configs, blocks=("selection", "holdout"), data=None,
                             workers: int = 1) -> pd.DataFrame:
    """:func:`regional_backtest`, stored on disk by CBS 71488ned's content, the configs and
    the fitting code (:func:`zorgcap.forecast.io.cache.cached_result`)."""
    from .io.cache import cached_result, file_hash
    from .io.manifest import locate
    from .timeseries import _code_key

    source = locate("households_region", data).path
    parts = (_VERSION, *_code_key(), file_hash(source), tuple(repr(c) for c in configs),
             tuple(blocks))
    return cached_result("regional_backtest", parts,
                         lambda: regional_backtest(configs, blocks, data, workers))


def scores(table: pd.DataFrame) -> pd.DataFrame:
    """Per ``block`` (and ``all``) and model: ``mape_5, mape_10`` [%], ``n`` (held-out
    years), ``coverage_80, coverage_95`` [share], ``winkler_80, winkler_95`` [% of actual]
    and ``shortfall`` [share] (:func:`zorgcap.forecast.backtest._shortfall`)."""
    frames = []
    for block, part in [("all", table), *table.groupby("block")]:
        m = mape(part).T
        m.columns = [f"mape_{h}" for h in m.columns]
        frames.append(m.join(_calibration(_scores(part))).reset_index().assign(block=block))
    out = pd.concat(frames, ignore_index=True)
    return out[["block", "model", *[c for c in out if c not in ("block", "model")]]]


def summary(data=None, workers: int = 1) -> dict:
    """The third attempt in numbers: the rule's choice (:func:`choose`) and, on every COROP
    series, the scores (:func:`scores`) of the model shipped (``shipped``), of the rule's
    choice (``rule_choice``) and of the damped-ETS baseline. The shipped model was chosen on
    the national series (origins 2002-2009), so both blocks are out-of-sample for it; for
    the rule's choice only the hold-out block is. Rows the rule already computed on the
    selection block are reused, not fitted again.

    Returns the keys of :func:`choose` and ``scores`` (a frame), ``table`` (the forecasts of
    the three models, :data:`REGION_COLUMNS`), ``shipped_is_choice``, ``jump_2014``
    (``min, median, max`` over the regions of the rate's change 2013 -> 2014 [share], ``up``
    regions where it rose of ``regions``), ``selection_provinces`` and
    ``error_across_2014`` (median % error / 100 of the candidate centres' forecasts made
    before 2014 for a year from 2014, selection regions [share]).
    """
    out = choose(data, workers)
    out["selection_provinces"] = SELECTION_PROVINCES
    plain = {"shipped": replace(SHIPPED_TREND, name="", outliers=()),
             "rule_choice": replace(out["config"], name="", outliers=())}
    done = pd.concat([out["centres"], out["intervals"]], ignore_index=True)
    known = {replace(c, name=""): c.name
             for c in (*CENTRES.values(), *interval_configs(CENTRES[out["centre"]]).values())}
    parts, todo = [done[done["model"] == BASELINE.name]], [BASELINE]
    for label, cfg in plain.items():
        if cfg in known:
            rows = done[done["model"] == known[cfg]].drop_duplicates(["region", "origin",
                                                                      "year"])
            parts.append(rows.assign(model=label))
        todo.append(replace(cfg, name=label))
    hold = cached_regional_backtest(tuple(todo), ("holdout",), data, workers)
    sel = [p for p in parts if len(p)] if len(parts) == 3 else None
    if sel is None:  # the shipped model is not among the rule's candidates: fit it here
        sel = [cached_regional_backtest(tuple(todo), ("selection",), data, workers)]
    table = pd.concat([*sel, hold], ignore_index=True)[REGION_COLUMNS]
    rate = corop_series(data).pivot(index="year", columns="region", values="rate")
    jump = rate.loc[2014] / rate.loc[2013] - 1
    c = out["centres"]
    across = c[(c["origin"] < 2014) & (c["year"] >= 2014) & c["model"].isin(list(CENTRES))]
    out.update(scores=scores(table), table=table,
               shipped_is_choice=plain["shipped"] == plain["rule_choice"],
               jump_2014={"min": float(jump.min()), "median": float(jump.median()),
                          "max": float(jump.max()), "up": int((jump > 0).sum()),
                          "regions": int(jump.size)},
               error_across_2014=float((across["forecast"] / across["actual"] - 1).median()))
    return out
