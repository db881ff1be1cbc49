"""Prospective check of the shipped trend model: forecasts registered before their years.

The national series (CBS 37620, 65+ in institutions on 1 January, up to 1-1-2024) chose the
shipped model and its intervals, and has been looked at three times while doing so
(:mod:`zorgcap.forecast.backtest`). Another choice made on it would be tuned on the test set, so the
only honest test of issue 17's criterion left is a year that no choice has seen: 1-1-2025 and
later. This module makes that test possible and keeps it honest.

- :data:`REGISTERED_THROUGH` (2024): the last 1 January of CBS 37620 that was in the data
  when the model was fixed.
- ``data_raw/forecast_register.csv`` (:data:`REGISTER_COLUMNS`): the forecasts from origin
  2024 of the shipped model and the three baselines for 2025-2034, as the ratio of the
  age-standardised institutional rate 65+ to its 2024 value, with 80% and 95% intervals,
  written on :data:`REGISTERED_ON` before any later value was in the data.
  ``tests/test_prospective.py`` holds the code to it: the shipped model cannot change
  without a new, dated registration (:func:`write_register`).
- :func:`scored`: when the data directory's CBS 37620 has years after 2024 (``zorgcap data
  fetch``), every forecast of those years: the registered ones from 2024 and those of
  the other origins, made by the same frozen code, turned into counts with the actual
  population of the target year exactly as the backtest does
  (:meth:`zorgcap.forecast.backtest.Truth.counts`).
- :func:`summary`, :func:`to_markdown` and :func:`write_scored`: the section of
  ``backtest.md`` and ``backtest_prospective.csv`` (``zorgcap backtest``).

One target year scores each horizon once, and all forecasts of one year share that year's
shock: k new years are about k independent checks, however many rows they give.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .backtest import (
    LEVELS,
    MODELS,
    REPORTED,
    SHIPPED,
    Truth,
    _fmt_cov,
    _mape_table,
    _scores,
    coverage_by_model,
    mape,
)
from .io.datadir import data_raw_dir
from .timeseries import shipped_forecast

__all__ = ["REGISTERED_THROUGH", "REGISTERED_ON", "REGISTERED_MODELS", "REGISTER_COLUMNS",
           "register", "read_register", "write_register", "scored", "summary", "to_markdown",
           "write_scored"]

#: Last 1 January of CBS 37620 in the data when the shipped model was fixed [year].
REGISTERED_THROUGH = 2024
#: Date the register was written and committed (ISO).
REGISTERED_ON = "2026-12-06"
#: Models registered: the shipped one and the three baselines of the backtest.
REGISTERED_MODELS = (SHIPPED, "ets_damped", "beleidsarm", "rw_drift")
#: Columns of ``data_raw/forecast_register.csv``. ``registered`` [date], ``data_through``,
#: ``origin``, ``year`` [year], ``horizon`` [years], ``model``; ``ratio`` and its intervals:
#: forecast age-standardised institutional rate 65+ of ``year`` divided by that of ``origin``
#: [dimensionless].
REGISTER_COLUMNS = ["registered", "data_through", "origin", "year", "horizon", "model", "ratio",
                    "ratio_lo_80", "ratio_hi_80", "ratio_lo_95", "ratio_hi_95"]
_HORIZON = 10
_FILE = "forecast_register.csv"
_BANDS = [f"{s}_{lv}" for lv in LEVELS for s in ("lo", "hi")]  # lo_80, hi_80, lo_95, hi_95
_TO_RATIO = {"mean": "ratio", **{b: f"ratio_{b}" for b in _BANDS}}  # forecast -> register


def register(data=None) -> pd.DataFrame:
    """The register as the code computes it now, from CBS 37620 up to
    :data:`REGISTERED_THROUGH` only (later years in ``data`` are cut off).

    Returns :data:`REGISTER_COLUMNS`, one row per model and year 2025-2034. (The data layer
    refuses a CBS 37620 that lacks a year up to :data:`REGISTERED_THROUGH`.)
    """
    std = Truth.read(data=data).std.loc[:REGISTERED_THROUGH]
    frames = []
    for name in REGISTERED_MODELS:
        fc = shipped_forecast(std, _HORIZON, MODELS[name], LEVELS).set_index("year")
        ratio = (fc[list(_TO_RATIO)] / std.loc[REGISTERED_THROUGH]).rename(columns=_TO_RATIO)
        frames.append(ratio.reset_index().assign(
            registered=REGISTERED_ON, data_through=REGISTERED_THROUGH,
            origin=REGISTERED_THROUGH, horizon=lambda f: f["year"] - REGISTERED_THROUGH,
            model=name))
    return pd.concat(frames, ignore_index=True)[REGISTER_COLUMNS]


def read_register() -> pd.DataFrame:
    """The committed register, ``data_raw/forecast_register.csv`` (:data:`REGISTER_COLUMNS`)."""
    return pd.read_csv(data_raw_dir() / _FILE)


def write_register(path=None, data=None):
    """Write :func:`register` to ``path`` (default: the project's ``data_raw``).

    A new registration: only honest before any CBS 37620 year after
    :data:`REGISTERED_THROUGH` has been looked at; raise :data:`REGISTERED_ON` with it.
    """
    path = data_raw_dir() / _FILE if path is None else path
    register(data).to_csv(path, index=False, float_format="%.8f")
    return path


def scored(table: pd.DataFrame, data=None) -> pd.DataFrame:
    """Every forecast in ``table`` (:func:`zorgcap.forecast.backtest.backtest`) of a year after
    :data:`REGISTERED_THROUGH`, registered models only, scored.

    The rows of origin :data:`REGISTERED_THROUGH` are the committed register's forecasts
    turned into counts with the actual population of the target year, not the code's
    recomputation. Returns the backtest's columns plus
    ``source`` (``register`` or ``backtest``) and the scores of
    :func:`zorgcap.forecast.backtest._scores` (``ape`` [%], ``covered_80/95``, ``winkler_80/95``);
    empty when the data end at :data:`REGISTERED_THROUGH`.
    """
    late = table[(table["year"] > REGISTERED_THROUGH) & table["model"].isin(REGISTERED_MODELS)
                 & (table["origin"] != REGISTERED_THROUGH)].assign(source="backtest")
    years = sorted(int(y) for y in table["year"].unique() if y > REGISTERED_THROUGH)
    frames = [late]
    if years:
        reg = read_register()
        truth = Truth.read(data=data)
        for name, g in reg[reg["year"].isin(years)].groupby("model", sort=False):
            ratio = g.set_index("year")[list(_TO_RATIO.values())]
            ratio.columns = ["forecast", *_BANDS]
            frames.append(truth.counts(ratio, REGISTERED_THROUGH)
                          .assign(model=name, shipped=name == SHIPPED, source="register"))
    out = pd.concat(frames, ignore_index=True)
    return _scores(out.sort_values(["model", "origin", "year"], ignore_index=True))


def summary(table: pd.DataFrame, data=None) -> dict:
    """The section's numbers: ``register`` (the committed register), ``years`` (target years
    after :data:`REGISTERED_THROUGH` in the data), ``last`` (last year of the data),
    ``scored`` (:func:`scored`), ``mape`` (horizon x model [%], horizons present),
    ``coverage`` (:func:`zorgcap.forecast.backtest.coverage_by_model` of the scored rows) and
    ``beats`` (per horizon 5 and 10 present: the shipped model's MAPE below the damped
    ETS's)."""
    s = scored(table, data)
    out = {"register": read_register(), "years": sorted(s["year"].unique().tolist()),
           "last": int(table["year"].max()), "scored": s}
    if len(s):
        m = mape(s, horizons=sorted(s["horizon"].unique()))
        out["mape"] = m
        out["coverage"] = coverage_by_model(s)
        out["beats"] = {h: bool(m.loc[h, SHIPPED] < m.loc[h, "ets_damped"])
                        for h in REPORTED if h in m.index}
    return out


def write_scored(s: dict, path) -> Path | None:
    """Write the scored forecasts of :func:`summary` to ``path`` (``zorgcap backtest``:
    ``<stem>_prospective.csv`` beside the report, in its output folder): the backtest's
    columns, ``source`` and the scores; counts to 0.0001 person. None (nothing written) when
    no year after the register's is in the data."""
    if s["scored"].empty:
        return None
    s["scored"].to_csv(path, index=False, float_format="%.4f")
    return Path(path)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def to_markdown(s: dict) -> list[str]:
    """The prospective section of ``backtest.md`` from :func:`summary`."""
    lines = [f"## Prospective check: CBS 37620 after 1-1-{REGISTERED_THROUGH}", "",
             f"The national series up to 1-1-{REGISTERED_THROUGH} chose the shipped model and "
             "has been looked at three times; issue 17's criterion can only be judged honestly "
             "on years no choice has seen. On "
             f"{REGISTERED_ON} the forecasts from origin {REGISTERED_THROUGH} of the shipped "
             "model and the three baselines were registered in "
             "`data_raw/forecast_register.csv`; a test holds the code to them, so the model "
             "cannot change without a new, dated registration. When CBS 37620 in the data "
             f"directory has 1 January {REGISTERED_THROUGH + 1} or later (`zorgcap data "
             "fetch households_age_sex`, then `zorgcap backtest`), this section scores those "
             "years: the "
             f"registered forecasts from {REGISTERED_THROUGH} and the forecasts of every "
             "earlier origin, all by the same frozen code. One new year scores each horizon "
             "once, and its forecasts share that year's shock: k new years are about k "
             "independent checks.", ""]
    if not s["years"]:
        lines += [f"**No year after 1-1-{REGISTERED_THROUGH} is in the data yet** (CBS 37620 "
                  f"here ends at 1-1-{s['last']}), so nothing is scored.", ""]
    else:
        years = ", ".join(map(str, s["years"]))
        m, c, sc = s["mape"], s["coverage"], s["scored"]
        lines += [f"Scored: 1 January {years} ({len(s['years'])} target year(s), "
                  f"{int((sc['model'] == SHIPPED).sum())} forecasts of the shipped model).", "",
                  *_mape_table(m), "",
                  "| model | coverage 80% | coverage 95% | Winkler 80% | Winkler 95% "
                  "| forecasts |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {mod} | {_fmt_cov(c, mod)} |" for mod in c.index]
        verdict = "; ".join(
            f"{h} years: {m.loc[h, SHIPPED]:.1f}% against {m.loc[h, 'ets_damped']:.1f}% "
            f"({'beats' if b else 'does not beat'})" for h, b in s["beats"].items())
        verdict = verdict or "no 5- or 10-year forecast scored yet"
        lines += ["", f"Shipped model against the damped ETS: {verdict}. With "
                  f"{len(s['years'])} new year(s) this is weak evidence either way.", ""]
    reg = s["register"]
    lines += ["The registered forecasts: the age-standardised institutional rate 65+ relative "
              f"to 1-1-{REGISTERED_THROUGH}, at horizons 1, 5 and 10 (all ten in the file).",
              "", "| model | year | forecast | 80% interval | 95% interval |",
              "|---|---:|---:|---|---|"]
    show = reg[reg["horizon"].isin((1, 5, 10))].sort_values(["horizon", "model"])
    lines += [f"| {r.model} | {r.year} | {_pct(r.ratio)} | {_pct(r.ratio_lo_80)} – "
              f"{_pct(r.ratio_hi_80)} | {_pct(r.ratio_lo_95)} – {_pct(r.ratio_hi_95)} |"
              for r in show.itertuples()]
    return lines + [""]
