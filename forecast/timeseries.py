"""Time-series models of national usage (statsmodels), chosen by rolling-origin error.

The series modelled is the **age-standardised institutional rate 65+**: the rate of living
in an institution at age a and sex s in year t (CBS 37620) weighted by the 65+ population of a
standard year,

    I_t = sum_{a>=65,s} r(a,s,t) P_std(a,s) / sum_{a>=65,s} P_std(a,s),

modelled on the log scale so that forecasts stay positive and act as a multiplier on all
age-sex rates. Two model families:

* ``ets``: exponential smoothing with additive damped trend (Hyndman et al. 2008, ETS(A,Ad,N));
  statsmodels ``ETSModel``; prediction intervals analytic, paths by simulation.
* ``arima``: ARIMA(0,1,1) with drift; statsmodels ``ARIMA``.

Prediction intervals are the wider of the model's own and an **empirical** interval: the
``level`` quantile of the absolute log errors the same method made at each horizon over
rolling origins inside the training window (Williams & Goodman 1971), extended beyond the
longest horizon seen by ``sqrt(h)``. Model-based intervals of a smooth series ignore the
structural breaks this series has had (the end of the verzorgingshuis, the Wlz of 2015).

:func:`choose_method` picks the family with the lower mean absolute error over rolling origins
within the fitting window (1- to 5-year horizons).

:func:`trend_forecast` is what the demand model and the backtest use: the chosen family's
forecast as the centre, and as the interval the **envelope of both families' intervals**.
An interval conditional on one selected model ignores the uncertainty of the selection
itself (Chatfield 1996); here the two families disagree on exactly what matters for this
series, whether its trend continues (ARIMA with drift) or damps out (ETS damped), and the
backtest showed intervals of the chosen family alone covering only 15 of 30 held-out years
(see ``reports/backtest.md``). :func:`fan_paths` turns such a centre and interval into
Monte Carlo paths: a two-piece normal on the log scale (Britton, Fisher & Whitley 1998, the
Bank of England fan chart), one standard-normal draw per path, so each path keeps its level
shift over the years as a trend error does.

References
----------
Hyndman, R.J., Koehler, A.B., Ord, J.K., Snyder, R.D. (2008). Forecasting with Exponential
Smoothing. Springer. Seabold & Perktold (2010), statsmodels. CBS 37620.
Chatfield, C. (1996). Model uncertainty and forecast accuracy. Journal of Forecasting 15,
495-508. Britton, E., Fisher, P., Whitley, J. (1998). The Inflation Report projections:
understanding the fan chart. Bank of England Quarterly Bulletin 38(1), 30-37.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .assumption import RunText, with_texts
from .errors import check_level, check_whole
from .schema import DEMAND_BASE_YEAR
from .usage import institutional_rates

__all__ = ["standardised_rate", "TrendModel", "choose_method", "METHODS",
           "trend_forecast", "fan_paths", "top_down", "waiting_forecast", "waiting_yearly",
           "origin_errors", "TrendConfig", "SHIPPED_TREND", "shipped_forecast",
           "cached_shipped_forecast",
           "forecast_errors", "clean_series", "TREND_METHODS", "OUTLIERS",
           "calibrated_half_width", "check_series"]

METHODS = ("ets", "arima")


def standardised_rate(min_age: int = 65, standard_year: int = DEMAND_BASE_YEAR,
                      data=None) -> pd.Series:
    """Age-sex-standardised institutional rate, 1995-2024 [persons per person], by year."""
    inst = institutional_rates(data)
    inst = inst[inst["age"] >= min_age]
    std = inst[inst["year"] == standard_year].set_index(["sex", "age"])["persons"]
    wide = inst.pivot_table(index="year", columns=["sex", "age"], values="rate")
    weights = std.reindex(wide.columns).to_numpy()
    return pd.Series(wide.to_numpy() @ weights / weights.sum(), index=wide.index,
                     name="standardised_rate")


def check_series(series, name: str = "series") -> pd.Series:
    """``series`` if it is an annual series the trend models can fit: a pandas Series indexed
    by consecutive whole years with at least 3 finite values above 0 (they are modelled on
    the log scale); else ``ValueError`` naming the argument and the first bad year."""
    if not isinstance(series, pd.Series):
        raise ValueError(f"`{name}` was a {type(series).__name__} but is expected to be a "
                         "pandas Series indexed by year")
    if len(series) < 3:
        raise ValueError(f"`{name}` has {len(series)} values but is expected to have at least "
                         "3 years")
    try:
        years = np.asarray(series.index, dtype=float)
    except (TypeError, ValueError):
        years = np.array([np.nan])
    if not np.all(np.isfinite(years)) or np.any(years != np.round(years)) \
            or np.any(np.diff(years) != 1):
        raise ValueError(f"`{name}` is indexed by {list(series.index[:4])}... but is expected "
                         "to be indexed by consecutive whole years")
    values = pd.to_numeric(series, errors="coerce").to_numpy(float)
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"`{name}` has {float(values[i])!r} in {series.index[i]} but is "
                         "expected to hold finite numbers above 0 in every year (the trend "
                         "is fitted on the log scale)")
    return series


class _Series:
    """A series as a hashable argument of :func:`functools.lru_cache`: two are equal when
    their years and values are; the cached function computes from ``y`` itself."""

    __slots__ = ("y", "_key")

    def __init__(self, y: pd.Series):
        self.y = y
        self._key = (np.asarray(y.index, "int64").tobytes(),
                     np.asarray(y.to_numpy(), "float64").tobytes())

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Series) and self._key == other._key


def _periods(y: pd.Series) -> pd.Series:
    return pd.Series(np.asarray(y, float),
                     index=pd.period_range(str(int(y.index[0])), periods=len(y), freq="Y"))


@dataclass
class TrendModel:
    """A log-scale trend model of an annual series.

    Parameters
    ----------
    method : {"ets", "arima"}

    Attributes (after :meth:`fit`)
    ------------------------------
    result_ : statsmodels results object
    last_year_ : int   last observed year
    """

    method: str = "ets"
    empirical: bool = True
    min_train: int = 8
    damping: float | None = None  # fix the ETS damping parameter phi instead of estimating it

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"`method` was {self.method!r} but is expected to be in "
                             f"{list(METHODS)}")

    def fit(self, series: pd.Series) -> TrendModel:
        """Fit to a positive annual series indexed by year; returns self."""
        y = np.log(_periods(check_series(series)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.method == "ets":
                from statsmodels.tsa.exponential_smoothing.ets import ETSModel

                model = ETSModel(y, error="add", trend="add", damped_trend=True)
                if self.damping is None:
                    self.result_ = model.fit(disp=False)
                else:
                    with model.fix_params({"damping_trend": self.damping}):
                        self.result_ = model.fit(disp=False)
            else:
                from statsmodels.tsa.arima.model import ARIMA

                self.result_ = ARIMA(y, order=(0, 1, 1), trend="t").fit()
        self.last_year_ = int(series.index[-1])
        self.errors_ = None
        if self.empirical and len(series) > self.min_train:
            self.errors_ = origin_errors(series, self.method, self.min_train)
        return self

    def _empirical_width(self, h: int, level: float) -> np.ndarray:
        """Half-width on the log scale for horizons 1..h from past rolling-origin errors."""
        if self.errors_ is None or self.errors_.empty:
            return np.zeros(h)
        q = self.errors_.groupby("horizon")["abs_log_error"].quantile(level / 100)
        widths = np.zeros(h)
        longest = int(q.index.max())
        for k in range(1, h + 1):
            widths[k - 1] = q.loc[k] if k in q.index else q.loc[longest] * np.sqrt(k / longest)
        return widths

    def forecast(self, h: int, level: float = 95) -> pd.DataFrame:
        """``year, mean, lo, hi`` on the original scale for the next ``h`` years."""
        level = check_level(level)
        check_whole("h", h, 1)
        alpha = 1 - level / 100
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.method == "ets":
                pred = self.result_.get_prediction(start=len(self.result_.data.endog),
                                                   end=len(self.result_.data.endog) + h - 1)
                sf = pred.summary_frame(alpha=alpha)
                mean, lo, hi = sf["mean"], sf["pi_lower"], sf["pi_upper"]
            else:
                sf = self.result_.get_forecast(h).summary_frame(alpha=alpha)
                mean, lo, hi = sf["mean"], sf["mean_ci_lower"], sf["mean_ci_upper"]
        years = np.arange(self.last_year_ + 1, self.last_year_ + h + 1)
        mean, lo, hi = mean.to_numpy(), lo.to_numpy(), hi.to_numpy()
        width = self._empirical_width(h, level)
        lo, hi = np.minimum(lo, mean - width), np.maximum(hi, mean + width)
        return pd.DataFrame({"year": years, "mean": np.exp(mean), "lo": np.exp(lo),
                             "hi": np.exp(hi)})


def rolling_errors(series: pd.Series, method: str, origins,
                   horizons=(1, 2, 3, 4, 5)) -> pd.DataFrame:
    """Absolute log errors of ``method`` fitted up to each origin, for each horizon.

    The models are fitted without empirical intervals: only their means are scored.
    """
    rows = []
    for origin in origins:
        train = series.loc[:origin]
        fc = TrendModel(method, empirical=False).fit(train).forecast(
            max(horizons)).set_index("year")
        for h in horizons:
            year = origin + h
            if year in series.index:
                rows.append({"origin": origin, "horizon": h,
                             "abs_log_error": abs(np.log(fc.loc[year, "mean"])
                                                  - np.log(series.loc[year]))})
    return pd.DataFrame(rows)


_ERRORS_VERSION = 1  # bump when rolling_errors or the model families change


def _errors_key(series: pd.Series, method: str, min_train: int) -> str:
    """SHA-256 of everything the rolling-origin errors depend on: the series' years and
    values, the method, ``min_train``, the statsmodels version and :data:`_ERRORS_VERSION`."""
    import hashlib

    import statsmodels

    h = hashlib.sha256()
    h.update(np.asarray(series.index, dtype="int64").tobytes())
    h.update(np.asarray(series.to_numpy(), dtype="float64").tobytes())
    h.update(f"{method}|{min_train}|{statsmodels.__version__}|{_ERRORS_VERSION}".encode())
    return h.hexdigest()


#: Rolling-origin error tables kept in memory (one per series, method and ``min_train``);
#: the files in ``<cache>/models/`` keep them across processes.
_ERRORS_KEPT = 512


def origin_errors(series: pd.Series, method: str, min_train: int = 8) -> pd.DataFrame:
    """:func:`rolling_errors` of ``method`` from the ``min_train``-th year to the year before
    the last (horizons 1-5): ``origin, horizon, abs_log_error``.

    A pure function of the series, so it is kept in memory and in the cache
    (``<cache>/models/``), keyed by :func:`_errors_key`: refitting a model at every origin
    gives the same numbers every time (about 0.25 s per method and series). Both
    :func:`choose_method` and the empirical intervals of :class:`TrendModel` use it.
    """
    return _origin_errors(_Series(series), method, min_train).copy()


@functools.lru_cache(maxsize=_ERRORS_KEPT)
def _origin_errors(series: _Series, method: str, min_train: int) -> pd.DataFrame:
    """:func:`origin_errors` kept in memory (bounded): read from ``<cache>/models/`` or
    computed and written there."""
    from .io.cache import cache_store
    from .io.datadir import cache_dir

    series = series.y
    key = _errors_key(series, method, min_train)
    table = None
    path = cache_dir() / "models" / f"errors-{key[:24]}.csv"
    if path.exists():
        try:
            table = pd.read_csv(path)
            if list(table.columns) != ["origin", "horizon", "abs_log_error"]:
                table = None
        except Exception:  # noqa: BLE001 - a damaged cache file is recomputed, never trusted
            table = None
    if table is None:
        origins = list(series.index)[min_train - 1:-1]
        table = rolling_errors(series, method, origins)
        if table.empty:
            table = pd.DataFrame(columns=["origin", "horizon", "abs_log_error"])
        cache_store(path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.17g"))
    return table


def choose_method(series: pd.Series, min_train: int = 8) -> tuple[str, pd.DataFrame]:
    """The method with the lowest mean absolute log error over rolling origins.

    Origins run from the ``min_train``-th year to the year before the last
    (:func:`origin_errors`, cached); returns the chosen method and a table ``method, mae,
    n``.
    """
    scores = []
    for method in METHODS:
        err = origin_errors(series, method, min_train)
        scores.append({"method": method, "mae": err["abs_log_error"].mean(), "n": len(err)})
    table = pd.DataFrame(scores)
    return table.sort_values("mae").iloc[0]["method"], table


def trend_forecast(series: pd.Series, h: int, level: float = 95, min_train: int = 8,
                   method: str | None = None) -> pd.DataFrame:
    """Centre of the chosen family, interval of both families (see the module docstring).

    Returns ``year, mean, lo, hi`` (original scale) for the ``h`` years after the series,
    ``level`` [%] and ``method`` (the centre's family; its rolling-origin errors:
    :func:`choose_method`). ``method`` fixes the centre's family instead of choosing it.
    """
    check_series(series)
    level = check_level(level)
    check_whole("h", h, 1)
    if method is not None and method not in METHODS:
        raise ValueError(f"`method` was {method!r} but is expected to be None or in "
                         f"{list(METHODS)}")
    if method is None:
        method, _ = choose_method(series, min_train=min_train)
    fits = {m: TrendModel(m, min_train=min_train).fit(series).forecast(h, level)
            for m in METHODS}
    out = fits[method].copy()
    out["lo"] = np.minimum.reduce([f["lo"].to_numpy() for f in fits.values()])
    out["hi"] = np.maximum.reduce([f["hi"].to_numpy() for f in fits.values()])
    out["level"] = float(level)
    out["method"] = method
    return out


#: Years of the institutional rate (CBS 37620) flagged as outliers, with the reason. A flagged
#: year is replaced by the geometric mean of its neighbours once both are known
#: (:func:`clean_series`); the backtest shows the effect (``reports/backtest.md``).
OUTLIERS = {
    2014: "CBS 37620 counts 138,526 residents of institutions aged 65+ on 1-1-2014 against "
          "123,023 on 1-1-2013 and 131,495 on 1-1-2015 (+12.6%, then -5.1%, while the 65+ "
          "population grew 3.4% and 3.0%): the age-standardised rate jumps 9.5% for one year "
          "and falls back, in the middle of a fall of 2-4% a year. No policy change explains "
          "a one-year rise; it is treated as a measurement outlier of the household statistics.",
}

#: Trend families of :class:`TrendConfig`.
TREND_METHODS = ("ets", "arima", "ets_arima", "ets_pair", "rw_drift", "constant")
#: Interval methods of :class:`TrendConfig` (:func:`calibrated_half_width`).
INTERVAL_METHODS = ("student", "student_horizon", "conformal", "model")
#: Fewest calibration origins a horizon needs for its own scale (``student_horizon``).
MIN_HORIZON_ORIGINS = 3


@dataclass(frozen=True)
class TrendConfig:
    """Everything that defines a trend forecast of the age-standardised institutional rate.

    The ``trend`` scenario (:func:`zorgcap.forecast.demand.run_demand`) and the backtest
    (:func:`zorgcap.forecast.backtest.backtest`) both forecast with :func:`shipped_forecast` and
    :data:`SHIPPED_TREND`, so what ships is what is backtested.

    Parameters
    ----------
    name : str
        Name of the model in the backtest table.
    method : {"ets", "arima", "ets_arima", "rw_drift", "constant"}
        ``ets``: damped additive trend ETS(A,Ad,N) on the log rate (Hyndman et al. 2008);
        ``arima``: ARIMA(0,1,1) with drift on the log rate; ``ets_arima``: the mean of the two
        log forecasts (a forecast combination); ``ets_pair``: the mean of the log forecasts
        of the ETS from the last observation and from its smoothed level (the combination of
        the shipped model and the damped-ETS baseline; ``anchor`` is ignored, the result
        starts halfway between the two); ``rw_drift``: random walk with the mean
        yearly log change as drift; ``constant``: the last rate held (beleidsarm).
    first_year : int or None
        Window rule: fit on ``first_year`` up to the origin [year]; None fits every year of
        the series (CBS 37620: from 1995).
    min_train : int
        Fewest years a model is fitted on [years]; the first calibration origin is the
        ``min_train``-th year of the window.
    anchor : bool
        Start the forecast from the last observation: the forecast's changes from the
        model's level at the origin are added to the last observed rate (no jump-off).
    intervals : {"student", "student_horizon", "conformal", "model"}
        ``student``: the wider of the model's own interval and a Student-t interval whose
        scale is the root mean square of the method's log errors at earlier origins divided
        by g(h), with as many degrees of freedom as there were calibration origins
        (:func:`calibrated_half_width`); ``student_horizon``: the same per horizon, from the
        errors at that horizon only (the third attempt's candidate, see
        ``reports/preregistration_issue17.md``); ``conformal``: the wider of the model's own
        interval and the split-conformal quantile of the same scaled errors (the first attempt of
        issue 17, kept in the backtest); ``model``: the model's own interval only.
    error_growth : {"linear", "sqrt"}
        g(h): how the calibration errors are scaled with the horizon h (``h`` or
        ``sqrt(h)``) before they are pooled.
    calibration_truth : {"observed", "cleaned"}
        What the calibration errors are scored against: the observed series (``observed``:
        an interval is a statement about what will be observed, outliers included) or the
        series with its outliers replaced (``cleaned``, the first attempt).
    outliers : tuple of int
        Years replaced by the geometric mean of their neighbours once both neighbours are
        known (:data:`OUTLIERS`).
    max_horizon : int
        Longest horizon of the calibration errors [years].
    """

    name: str = "ets_anchored"
    method: str = "ets"
    first_year: int | None = None
    min_train: int = 8
    anchor: bool = True
    intervals: str = "student"
    error_growth: str = "linear"
    outliers: tuple = (2014,)
    max_horizon: int = 10
    calibration_truth: str = "observed"

    def __post_init__(self):
        for attr, allowed in (("method", TREND_METHODS),
                              ("intervals", INTERVAL_METHODS),
                              ("error_growth", ("linear", "sqrt")),
                              ("calibration_truth", ("observed", "cleaned"))):
            if getattr(self, attr) not in allowed:
                raise ValueError(f"`{attr}` was {getattr(self, attr)!r} but is expected to be "
                                 f"in {list(allowed)}")
        if self.min_train < 4 or self.max_horizon < 1:
            raise ValueError("`min_train` must be at least 4 and `max_horizon` at least 1")

    def describe(self) -> str:
        """One line for reports and parameters."""
        window = f"{self.first_year}" if self.first_year else "first year of the series"
        return (f"{self.name}: {self.method} on the log age-standardised rate 65+, fitted from "
                f"{window} to the origin (at least {self.min_train} years)"
                + (", started from the last observed rate" if self.anchor else "")
                + (", intervals: the wider of the model's own and "
                   + {"student": "a Student-t interval (one degree of freedom per calibration "
                                 "origin)",
                      "student_horizon": "a Student-t interval per horizon (one degree of "
                                         f"freedom per calibration origin; where fewer than "
                                         f"{MIN_HORIZON_ORIGINS} origins have the horizon, "
                                         "the longest such horizon's scale grown with h)",
                      "conformal": "a split-conformal interval"}[self.intervals]
                   + f" from its errors at earlier origins against the {self.calibration_truth}"
                   f" series, scaled by {'h' if self.error_growth == 'linear' else 'sqrt(h)'}"
                   if self.intervals != "model" else ", model intervals")
                + (f", outliers {', '.join(map(str, self.outliers))} replaced by the geometric "
                   "mean of their neighbours" if self.outliers else ""))


#: The configuration the ``trend`` scenario ships and the backtest evaluates. The centre was
#: chosen on the backtest origins 2002-2009 only (reports/backtest.md): among the anchored
#: families the damped ETS had the lowest mean absolute % error at 5 and 10 years there. The
#: intervals (``student``, against the observed series) are a second attempt made after the
#: first test results had been seen; of the two interval methods only it met the coverage
#: targets on the selection origins (:func:`zorgcap.forecast.backtest.interval_selection`). The
#: third attempt's rule (declared before scoring, on CBS 71488ned's COROP series) chose constant
#: rates; that choice is not shipped (reports/backtest.md says why). Its forecasts from 1-1-2024 are
#: registered (:mod:`zorgcap.forecast.prospective`): changing it needs a new, dated registration.
SHIPPED_TREND = TrendConfig()


def clean_series(series: pd.Series, config: TrendConfig) -> pd.Series:
    """The series in ``config``'s window with its outliers replaced where both neighbours
    are in the series (geometric mean of the neighbours) [same unit as ``series``]."""
    y = series.astype(float).copy()
    if config.first_year is not None:
        y = y.loc[config.first_year:]
    for year in config.outliers:
        if year in y.index and year - 1 in y.index and year + 1 in y.index:
            y.loc[year] = float(np.sqrt(y.loc[year - 1] * y.loc[year + 1]))
    return y


#: Fits kept in memory (:func:`_fit`; each holds two paths of ``h`` values): the backtest and
#: the calibration errors ask for the same fit many times.
_FITS_KEPT = 16_384


def _centre(y: pd.Series, method: str, anchor: bool, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Log forecast path and the model's standard deviation, each (h,) [log rate].

    Kept in memory by the series' years and values (:func:`_fit`).
    """
    mean, sd, _ = _fit(_Series(y), method, anchor, h)
    return mean.copy(), sd.copy()


@functools.lru_cache(maxsize=_FITS_KEPT)
def _fit(series: _Series, method: str, anchor: bool, h: int):
    """:func:`_centre`'s path and standard deviation (h,) [log rate], with the smoothed level
    at the origin of the anchored ETS [log rate] (None for the other methods): the
    unanchored ETS path is the anchored one shifted by (level - last), from one fit."""
    y = series.y
    level = None
    yl = np.log(_periods(y))
    last = float(yl.iloc[-1])
    steps = np.arange(1, h + 1)
    z95 = 1.959963984540054
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "constant":
            mean, sd = np.full(h, last), np.zeros(h)
        elif method == "rw_drift":
            d = np.diff(yl.to_numpy())
            mean, sd = last + d.mean() * steps, d.std(ddof=1) * np.sqrt(steps)
        elif method == "ets":
            if not anchor:  # one fit serves both: the anchored path is this one shifted
                mean, sd, level = _fit(series, "ets", True, h)
                return mean - last + level, sd, None
            from statsmodels.tsa.exponential_smoothing.ets import ETSModel

            res = ETSModel(yl, error="add", trend="add", damped_trend=True).fit(disp=False)
            sf = res.get_prediction(start=len(yl), end=len(yl) + h - 1).summary_frame(
                alpha=0.05)
            mean = sf["mean"].to_numpy()
            sd = (sf["pi_upper"].to_numpy() - mean) / z95
            level = float(np.asarray(res.level)[-1])  # the smoothed level at T
            mean = mean - level + last
        elif method == "arima":
            from statsmodels.tsa.arima.model import ARIMA

            res = ARIMA(yl, order=(0, 1, 1), trend="t").fit()
            sf = res.get_forecast(h).summary_frame(alpha=0.05)
            mean = sf["mean"].to_numpy()
            sd = (sf["mean_ci_upper"].to_numpy() - mean) / z95
            if anchor:  # drop the MA correction of the last error: drift from the last value
                drift = float(res.params.drop(["ma.L1", "sigma2"]).iloc[0])
                mean = last + drift * steps
        else:  # ets_arima, ets_pair: forecast combinations, mean of the log forecasts
            parts = ([_centre(y, m, anchor, h) for m in ("ets", "arima")]
                     if method == "ets_arima"
                     else [_centre(y, "ets", a, h) for a in (True, False)])
            mean = np.mean([p[0] for p in parts], axis=0)
            sd = np.max([p[1] for p in parts], axis=0)
    return mean, sd, level


def forecast_errors(series: pd.Series, config: TrendConfig) -> pd.DataFrame:
    """Errors of ``config``'s forecasts made at earlier origins inside ``series``.

    Origins run from the ``min_train``-th year of the window to the year before the last;
    each forecast uses the series up to its origin only (outliers replaced as then known),
    and is scored against the observed series in the window (``calibration_truth =
    "observed"``) or the cleaned one (``"cleaned"``, :func:`clean_series`) up to its last
    year, for horizons 1 to ``max_horizon``. Everything here is known at the last year of
    ``series``.

    Returns ``origin, horizon`` [year, years] and ``log_error`` (log forecast - log actual).
    """
    truth = clean_series(series, config)
    if config.calibration_truth == "observed":
        truth = series.astype(float).loc[truth.index]
    years = list(truth.index)
    rows = []
    for origin in years[config.min_train - 1:-1]:
        mean, _ = _centre(clean_series(series.loc[:origin], config), config.method,
                          config.anchor, config.max_horizon)
        for k in range(1, config.max_horizon + 1):
            if origin + k in truth.index:
                rows.append({"origin": int(origin), "horizon": k,
                             "log_error": mean[k - 1] - np.log(truth.loc[origin + k])})
    return pd.DataFrame(rows, columns=["origin", "horizon", "log_error"])


def calibrated_half_width(errors: pd.DataFrame, horizons, level: float,
                          config: TrendConfig = SHIPPED_TREND) -> np.ndarray:
    """Half-width of the ``level``% interval on the log scale at ``horizons`` from
    calibration errors (:func:`forecast_errors`) [log rate]; NaN where there are none.

    With u_i = log_error_i / g(h_i) (g(h) = h or sqrt(h), ``config.error_growth``):

    * ``student``: half-width = t_{k, 1/2 + L/200} * s * g(h), with s = sqrt(mean(u_i^2))
      (the errors' mean is taken as zero) and k the number of distinct calibration origins.
      If u ~ N(0, sigma^2) the ratio u_new / s is Student-t distributed, so the interval
      holds its level with few errors too; the errors of one origin share its trend error,
      so the effective sample size is counted in origins, not in errors (k <= n). With one
      origin t_1 at 95% is 12.7: the interval is as wide as one error supports.
    * ``student_horizon``: per horizon h, half-width = t_{k_h, 1/2 + L/200} * s_h with s_h
      the root mean square of the errors at horizon h and k_h the origins that have one,
      where k_h >= :data:`MIN_HORIZON_ORIGINS`; beyond the longest such horizon H,
      t_{k_H} s_H g(h)/g(H); with no such horizon, as ``student`` (the empirical per-horizon
      interval of Williams & Goodman 1971, with the t factor of ``student``).
    * ``conformal``: half-width = the ``min(1, L/100 (n+1)/n)`` quantile ("higher") of |u_i|
      times g(h) (split conformal, Vovk et al. 2005).

    References
    ----------
    Student (1908). The probable error of a mean. Biometrika 6, 1-25. Geisser, S. (1993).
    Predictive Inference: An Introduction. Chapman & Hall, ch. 2 (the t predictive interval
    of a normal sample). Vovk, Gammerman & Shafer (2005), see :func:`shipped_forecast`.
    """
    from scipy.special import stdtrit  # Student-t quantile, without scipy.stats (0.4 s)

    h = np.asarray(horizons, float)
    g = h if config.error_growth == "linear" else np.sqrt(h)
    if errors is None or len(errors) == 0:
        return np.full(h.shape, np.nan)
    eh = errors["horizon"].to_numpy(float)
    u = errors["log_error"].to_numpy(float) / (eh if config.error_growth == "linear"
                                               else np.sqrt(eh))
    if config.intervals == "conformal":
        n = len(u)
        q = np.quantile(np.abs(u), min(1.0, level / 100 * (n + 1) / n), method="higher")
        return q * g
    k = int(errors["origin"].nunique())
    pooled = stdtrit(k, 0.5 + level / 200) * float(np.sqrt(np.mean(u ** 2))) * g
    if config.intervals != "student_horizon":
        return pooled
    by_h = errors.groupby("horizon").agg(k=("origin", "nunique"),
                                         s=("log_error", lambda e: np.sqrt(np.mean(e ** 2))))
    by_h = by_h[by_h["k"] >= MIN_HORIZON_ORIGINS]
    if by_h.empty:
        return pooled
    own = stdtrit(by_h["k"].to_numpy(float), 0.5 + level / 200) * by_h["s"].to_numpy()
    known = dict(zip(by_h.index.astype(int), own, strict=True))
    top = int(by_h.index.max())
    grow = (lambda x: x) if config.error_growth == "linear" else np.sqrt
    own_h = np.array([known[int(x)] if int(x) in known
                      else known[top] * grow(x) / grow(top) if x > top
                      else np.nan for x in h])
    return np.where(np.isfinite(own_h), own_h, pooled)


def shipped_forecast(series: pd.Series, h: int, config: TrendConfig = SHIPPED_TREND,
                     levels=(80, 95)) -> pd.DataFrame:
    """The forecast of ``config`` for the ``h`` years after ``series`` (a positive annual
    series indexed by year, e.g. :func:`standardised_rate` [persons per person]).

    Centre: ``config.method`` on the log scale (anchored at the last observation when
    ``config.anchor``). Intervals at each level L: the wider of the model's own and an
    interval calibrated on the method's log errors at earlier origins (:func:`forecast_errors`),
    pooled over horizons after dividing by g(h) (h or sqrt(h)):
    ``intervals="student"`` a Student-t interval with one degree of freedom per calibration
    origin, ``"conformal"`` a split-conformal quantile (Vovk et al. 2005; Stankeviciute et al.
    2021 for horizons); see :func:`calibrated_half_width`. Without calibration errors (the
    series is ``min_train`` years long) only the model's own interval is left.

    Returns ``year, mean`` and ``lo_<L>, hi_<L>`` for each level [unit of ``series``],
    ``method`` (``config.name``) and ``calibration_n`` (errors used).

    References
    ----------
    Vovk, V., Gammerman, A., Shafer, G. (2005). Algorithmic Learning in a Random World.
    Springer. Stankeviciute, K., Alaa, A., van der Schaar, M. (2021). Conformal time-series
    forecasting. NeurIPS 34. Hyndman et al. (2008), see the module docstring.
    """
    from scipy.special import ndtri  # the normal quantile

    if h < 1:
        raise ValueError(f"`h` was {h} but is expected to be at least 1")
    y = clean_series(series, config)
    if len(y) < config.min_train:
        raise ValueError(f"the series has {len(y)} years in the window; the trend model "
                         f"needs at least {config.min_train}")
    mean, sd = _centre(y, config.method, config.anchor, h)
    steps = np.arange(1, h + 1)
    err = forecast_errors(series, config) if config.intervals != "model" else None
    out = pd.DataFrame({"year": int(series.index[-1]) + steps, "mean": np.exp(mean)})
    for lv in levels:
        half = ndtri(0.5 + lv / 200) * sd
        if err is not None and len(err):
            half = np.maximum(half, calibrated_half_width(err, steps, lv, config))
        out[f"lo_{lv}"] = np.exp(mean - half)
        out[f"hi_{lv}"] = np.exp(mean + half)
    out["method"] = config.name
    out["calibration_n"] = 0 if err is None else len(err)
    return out


@functools.lru_cache(maxsize=1)
def _code_key() -> tuple:
    """What identifies the fitting code: this module's SHA-256 and the versions of the
    libraries that fit (a changed model or library is never served from the disk cache)."""
    from importlib.metadata import version

    from .io.cache import file_hash

    return (file_hash(__file__), version("statsmodels"), version("scipy"), np.__version__)


def cached_shipped_forecast(series: pd.Series, h: int, config: TrendConfig = SHIPPED_TREND,
                            levels=(80, 95)) -> pd.DataFrame:
    """:func:`shipped_forecast`, stored on disk by its exact inputs and code
    (:func:`zorgcap.forecast.io.cache.cached_result`): the about 25 statsmodels fits of the
    calibration run once per series, not in every run."""
    from .io.cache import cached_result

    return cached_result("shipped_forecast", (*_code_key(), series, int(h), repr(config),
                                              tuple(levels)),
                         lambda: shipped_forecast(series, h, config, levels))


def fan_paths(fc: pd.DataFrame, n: int, seed: int) -> np.ndarray:
    """``n`` paths (n, h) whose quantiles per year reproduce ``fc``'s interval.

    Two-piece normal on the log scale around ``log(mean)`` with the lower and the upper
    standard deviation set by ``lo`` and ``hi`` at ``fc["level"]`` [%] (Britton et al.
    1998); one z per path, so a path above the centre stays above it. The z are stratified
    (Latin hypercube), so the quantiles of few paths are close to those of the interval.
    """
    from scipy.special import ndtri  # the normal quantile

    level = fc["level"].to_numpy(float) if "level" in fc else np.full(len(fc), 95.0)
    z_level = ndtri(0.5 + level / 200)
    centre = np.log(fc["mean"].to_numpy())
    sd_lo = (centre - np.log(fc["lo"].to_numpy())) / z_level
    sd_hi = (np.log(fc["hi"].to_numpy()) - centre) / z_level
    # Latin hypercube (stratified) draws of z: one draw in each of n equal-probability strata,
    # in random order (McKay, Beckman & Conover 1979). The quantiles of the paths then move
    # little between seeds (issue 17: headline bands stable at 200 draws).
    rng = np.random.default_rng(seed)
    z = ndtri((rng.permutation(n) + rng.random(n)) / n)[:, None]
    return np.exp(centre[None] + np.where(z < 0, z * sd_lo[None], z * sd_hi[None]))


def top_down(to: int, level: float = 95, data=None) -> pd.DataFrame:
    """Independent national forecast of Wlz V&V clients with stay from their own history.

    The series of clients with zzp VV4-VV10 and care with stay 2015-2023 (CBS 84529NED) is
    forecast by the family (``ets`` or ``arima``) with the lower rolling-origin error (first
    origin after 5 years), with ``level`` % intervals of both families
    (:func:`trend_forecast`). It knows nothing of demography: set
    next to the cohort model it shows how much of the cohort forecast is ageing that the
    recent trend alone would not predict.

    Returns ``year, mean, lo, hi`` [clients], ``level`` [%], ``method``.
    """
    from .io.cache import cached_result
    from .usage import wlz_vv

    level = check_level(level)
    series = wlz_vv(data).set_index("year")["with_stay"]
    check_whole("to", to, int(series.index[-1]) + 1)
    h = to - int(series.index[-1])
    # the rolling-origin fits of both families take seconds: stored by inputs and code
    return cached_result("top_down", (*_code_key(), series, h, float(level)),
                         lambda: trend_forecast(series, h, level, min_train=5))


WAITING_FROM = 2022  # first full year of the waiting statuses introduced in 2021


def waiting_forecast(to: int, status: str = "total", level: float = 95) -> pd.DataFrame:
    """Forecast of the national V&V waiting list (yearly mean of its quarters) [persons].

    The series (``data_raw/waiting_lists.csv``) is short: the waiting statuses changed in
    2021, so only the years from :data:`WAITING_FROM` are comparable, and the last figures are
    rounded ("approximate"). Too few years to choose between ETS and ARIMA by rolling-origin
    error (:func:`choose_method` needs at least 8), so the simplest model is fitted and named:
    a random walk on the log scale (statsmodels ARIMA(0,1,0)), whose interval widens with the
    square root of the horizon at the size of the year-to-year changes seen so far.

    Returns ``year, mean, lo, hi`` [persons], ``level`` [%], ``method`` and ``sigma`` (the
    random walk's standard deviation of the yearly change [log persons]); the observed
    yearly means are :func:`waiting_yearly`.

    Raises
    ------
    ValueError
        Fewer than 3 comparable years of ``status`` (``urgent_plus_actief`` has 2).
    """
    from .io.cache import cached_result

    level = check_level(level)
    check_whole("to", to)
    yearly = waiting_yearly(status).set_index("year")["persons"]
    if len(yearly) < 3:
        raise ValueError(f"the waiting list of status {status!r} has {len(yearly)} comparable "
                         f"years since {WAITING_FROM}; a forecast needs at least 3")
    last = int(yearly.index.max())
    if to <= last:
        raise ValueError(f"`to` was {to} but is expected to be after {last}")
    # the fit (and the statsmodels import) once per series, stored by inputs and code; the
    # stored frame keeps its method as a plain text, the record is attached again
    out = cached_result("waiting_forecast", (*_code_key(), yearly, int(to), float(level)),
                        lambda: _random_walk(yearly, last, to, level))
    return with_texts(out, RunText("waiting_random_walk"))


def _random_walk(yearly: pd.Series, last: int, to: int, level: float) -> pd.DataFrame:
    """The random walk on the log scale of :func:`waiting_forecast`."""
    from statsmodels.tsa.arima.model import ARIMA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ARIMA(np.log(_periods(yearly)), order=(0, 1, 0)).fit()
        sf = res.get_forecast(to - last).summary_frame(alpha=1 - level / 100)
    out = pd.DataFrame({"year": np.arange(last + 1, to + 1),
                        "mean": np.exp(sf["mean"].to_numpy()),
                        "lo": np.exp(sf["mean_ci_lower"].to_numpy()),
                        "hi": np.exp(sf["mean_ci_upper"].to_numpy())})
    out["level"] = float(level)
    out["method"] = RunText("waiting_random_walk")
    out["sigma"] = float(np.sqrt(res.params["sigma2"]))
    return out


def waiting_yearly(status: str = "total") -> pd.DataFrame:
    """Yearly means of the quarterly waiting list since :data:`WAITING_FROM`.

    Returns ``year``, ``persons`` [persons] and ``approximate`` (the year holds a rounded
    figure).
    """
    from .supply import waiting_list

    w = waiting_list(status)
    w = w[w["date"].dt.year >= WAITING_FROM]
    year = w["date"].dt.year
    approx = w["approximate"].astype(str).str.lower().eq("yes").groupby(year).any()
    persons = w.groupby(year)["persons"].mean()
    return pd.DataFrame({"year": persons.index.astype(int), "persons": persons.to_numpy(),
                         "approximate": approx.reindex(persons.index).to_numpy()})
