"""Demand for nursing-home places per zorgkantoorregio per year.

    clients_with_stay(r, t) = L_r(t) * m(t) * sum_{a,s} u(a, s) P(r, a, s, t)
    places_needed(r, t)     = clients_with_stay(r, t) / occupancy

``u`` are the base-year usage rates (:mod:`zorgcap.forecast.usage`), ``P`` the projected population
(:mod:`zorgcap.forecast.population`), ``m(t)`` the scenario's rate multiplier (1 for beleidsarm; the
time-series forecast of the age-standardised rate for trend), ``L_r(t)`` the region's usage
level (:func:`zorgcap.forecast.intensity.level_paths`): in the base year the **observed** level
(the unshrunk 2014 standardised ratio by default, a planner's count of current clients with
``calibrate=``), after it the modelled change of that level. Because ``m`` and the
informal-care factor are 1 in the base year, this is need(base) x the region's modelled
growth: the base year is observed, the growth modelled (:mod:`zorgcap.forecast.intensity`, "Base
year and growth").

Clients at home (VPT and MPT, zzp VV4-VV10) are the base-year national ratio of home to stay
clients (CBS 84529NED, 2023: (18,405 + 35,100) / 126,105 = 0.424) times clients with stay;
in the ``trend`` scenario the ratio follows its 2015-2023 trend (damped). In ``langer-thuis``
a share of the growth above the base year moves from stay to home.

Named assumptions (reported in :attr:`DemandRun.assumptions` and the chain's result)::

    ``occupancy_rate``       0.97 places occupied: NZa counted about 3,900 empty places in
                             August 2020 against about 120,000 residents (NZa via Reformatorisch
                             Dagblad, September 2020). The ministry's letters call that vacancy
                             temporary (COVID: about 5,500 empty at the peak of the first wave);
                             with a waiting list of about 20,000 a planner may set 0.98-0.99
                             (``occupancy``, ``--occupancy``).
    ``home_ratio_national``  every region has the national ratio of home to stay clients.
    ``regional_rates``       without a calibration file every region has the national rates.
    ``trend_window``         the trend model is fitted on every year of CBS 37620 (1995-2024),
                             with 2014 flagged as an outlier
                             (zorgcap.forecast.timeseries.SHIPPED_TREND).
    ``home_trend_damping``   in ``trend`` the home/stay ratio follows a damped trend with the
                             damping fixed at 0.85: estimated freely (phi about 0.98) the
                             2015-2023 growth of VPT/MPT would carry the ratio from 0.42 to
                             about 2.8 by 2040, which no planner expects.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from zorgcap import regions as regions_mod

from .assumption import Assumption
from .errors import check_whole, display_path
from .intensity import EXTRA_SD
from .population import VARIANTS, build_projection, draw_totals
from .scenarios import get_scenario, load_scenarios
from .schema import AGE_GROUPS_OLD, DEMAND_BASE_YEAR, OCCUPANCY, SEED, TREND_WINDOW
from .stochastic import ENGINES
from .timeseries import (
    SHIPPED_TREND,
    TrendModel,
    cached_shipped_forecast,
    fan_paths,
    standardised_rate,
)
from .usage import rates_array, read_rates_file, usage_rates, wlz_vv

__all__ = ["project_demand", "run_demand", "DemandRun", "DemandComponents", "validate_level",
           "read_calibration", "national_summary", "oosr",
           "run_batch", "OCCUPANCY", "DEMAND_BASE_YEAR", "TREND_WINDOW"]

HOME_TREND_DAMPING = 0.85
#: Valid ``regional_factors`` (default first; :mod:`zorgcap.forecast.intensity`,
#: :mod:`zorgcap.forecast.regional`).
REGIONAL_FACTORS = ("intensity2014", "national", "71488ned")


def read_calibration(path) -> pd.DataFrame:
    """A planner's count of current clients with stay: ``zk_code, clients_with_stay``.

    Read by the file's notation (``,`` or Dutch ``;``, :mod:`zorgcap.forecast.io.planner`) and
    validated by :data:`zorgcap.forecast.validation.CALIBRATION_SCHEMA`: known unique regions,
    counts [clients] finite, above 0 and at most 25,000. Raises :class:`InputError` (file,
    row, fix).
    """
    from .io.planner import COUNT, read_planner_csv
    from .validation import CALIBRATION_SCHEMA, validate

    frame = read_planner_csv(path, "calibration", ["zk_code", "clients_with_stay"],
                             numbers={"clients_with_stay": COUNT},
                             optional=["zk_name", "date", "note", "source"])
    frame = validate(frame, CALIBRATION_SCHEMA, file=display_path(path))
    return pd.DataFrame({"zk_code": frame["zk_code"].astype(str),
                         "clients_with_stay": frame["clients_with_stay"].astype(float)})


def _home_ratio(years, trend: bool, data=None) -> np.ndarray:
    from .io.cache import cached_result
    from .timeseries import _code_key

    w = wlz_vv(data).set_index("year")
    ratio = (w["vpt"] + w["mpt"]) / w["with_stay"]
    base = ratio.loc[DEMAND_BASE_YEAR]
    if not trend:
        return np.full(len(years), base)

    def fit() -> pd.DataFrame:
        model = TrendModel("ets", empirical=False, damping=HOME_TREND_DAMPING).fit(ratio)
        return model.forecast(max(years) - model.last_year_)[["year", "mean"]]

    # the ETS fit (and its statsmodels import) once per series, stored by inputs and code
    fc = cached_result("home_ratio", (*_code_key(), ratio, max(years), HOME_TREND_DAMPING),
                       fit).set_index("year")["mean"]
    return np.array([ratio.get(y, fc.get(y, base)) for y in years])


def oosr(persons: np.ndarray) -> np.ndarray:
    """Oldest Old Support Ratio: persons 50-74 per person 85+, from (…, sex, age) arrays.

    Reference: PBL, "Zorg voor ouderen" indicators; TNO (2020) used its regional development
    as an indicator of the availability of informal care (mantelzorg).
    """
    return persons[..., 50:75].sum(axis=(-2, -1)) / persons[..., 85:].sum(axis=(-2, -1))


def _rate_multiplier(years, scenario, draws, seed, data=None):
    """The usage-rate multiplier relative to the base year.

    Returns ``(point, paths, info)``: ``point`` (1, year) is the central path, ``paths``
    (draw, year) the Monte Carlo paths (None without draws) [ratio to the base year].
    """
    years = np.asarray(years)
    point = np.ones((1, len(years)))
    paths = np.ones((draws, len(years))) if draws else None
    info = {}
    if scenario.rates == "trend":
        # exactly the model the backtest evaluates (zorgcap.forecast.backtest): SHIPPED_TREND
        series = standardised_rate(data=data)
        last = int(series.index[-1])
        base = series.loc[DEMAND_BASE_YEAR]
        h = int(years.max()) - last
        future = years > last
        fc = cached_shipped_forecast(series, max(h, 1), SHIPPED_TREND, levels=(95,))
        band = fc.rename(columns={"lo_95": "lo", "hi_95": "hi"}).assign(level=95.0)
        for m, values in ((point, fc["mean"].to_numpy()[None]),
                          # draws: the backtested (calibrated) 95% interval (fan_paths)
                          (paths, fan_paths(band, draws, seed + 1) if draws else None)):
            if m is None:
                continue
            if h > 0:
                m[:, future] = values[:, years[future] - last - 1] / base
            for j, y in enumerate(years):
                if not future[j]:
                    m[:, j] = series.loc[y] / base
        info = {"trend_method": SHIPPED_TREND.name, "trend_model": SHIPPED_TREND.describe(),
                "trend_calibration_errors": int(fc["calibration_n"].iloc[0]),
                "trend_interval": f"{SHIPPED_TREND.intervals} 95% interval from "
                "rolling-origin errors "
                "(zorgcap.forecast.timeseries.shipped_forecast), two-piece normal paths "
                "(fan_paths)"}
    growth = (1 + scenario.rate_change) ** (years - DEMAND_BASE_YEAR)[None]
    return point * growth, None if paths is None else paths * growth, info


def validate_level(level) -> tuple[int, ...]:
    """Interval levels [%] as a sorted tuple of whole numbers strictly between 0 and 100.

    In the manner of statsforecast's ``_validate_level``: the band columns are named after
    the level (``_lo_80``, ``_hi_95``), so a level must be a whole number.
    """
    if level is None:
        return ()
    if isinstance(level, (int, float)) and not isinstance(level, bool):
        level = [level]
    try:
        values = list(level)
    except TypeError:
        raise ValueError(f"`level` was {level!r} but is expected to be a list of whole "
                         "numbers between 0 and 100, e.g. [80, 95]") from None
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not np.isfinite(v) or not 0 < v < 100 or float(v) != int(v):
            raise ValueError(f"`level` holds {v!r} but every level is expected to be a whole "
                             "number between 0 and 100 (exclusive), e.g. [80, 95]")
        out.append(int(v))
    return tuple(sorted(set(out)))


def _quantiles(levels) -> tuple[list[float], list[str]]:
    """Quantile probabilities and column suffixes for the bands of ``levels`` (median last)."""
    probs, names = [], []
    for lv in levels:
        probs += [0.5 - lv / 200, 0.5 + lv / 200]
        names += [f"_lo_{lv}", f"_hi_{lv}"]
    return probs, names


@dataclass(frozen=True)
class DemandComponents:
    """The multiplicative parts of the point path of a demand run (for
    :mod:`zorgcap.forecast.decomposition`).

    Attributes
    ----------
    years : tuple of int
        Years [1 January], base year first.
    codes : tuple of str
        zorgkantoorregio codes (axis ``region`` below).
    persons : numpy.ndarray
        Population (year, region, sex, age) [persons].
    rates : numpy.ndarray
        Base-year usage rates (sex, age) [clients with stay per person].
    regional_factor : numpy.ndarray
        The observed base-year level (region,) [ratio to the national rates]
        (:func:`zorgcap.forecast.intensity.level_paths`).
    multiplier : numpy.ndarray
        Scenario rate multiplier (year,) [ratio to the base year].
    care : numpy.ndarray
        Informal-care factor (year, region) [ratio].
    home_share : float
        Share of growth above the base year met at home [fraction].
    regional_path : numpy.ndarray, optional
        Regional factor in each year (year, region) [ratio to the national rates]; None:
        ``regional_factor`` in every year.
    occupancy : float
        Share of places occupied [fraction].
    """

    years: tuple
    codes: tuple
    persons: np.ndarray
    rates: np.ndarray
    regional_factor: np.ndarray
    multiplier: np.ndarray
    care: np.ndarray
    home_share: float
    occupancy: float
    regional_path: np.ndarray | None = None

    def subset(self, codes) -> DemandComponents:
        """The same parts for the regions ``codes`` only."""
        keep = [self.codes.index(c) for c in codes]
        path = None if self.regional_path is None else self.regional_path[:, keep]
        return replace(self, codes=tuple(codes), persons=self.persons[:, keep],
                       regional_factor=self.regional_factor[keep], care=self.care[:, keep],
                       regional_path=path)


@dataclass(frozen=True)
class DemandRun:
    """Everything one demand run computes; :func:`project_demand` returns only ``frame``.

    Attributes
    ----------
    frame : pandas.DataFrame
        Tidy demand per year x region (columns: see :func:`project_demand`).
    places_draws : numpy.ndarray or None
        Places needed per Monte Carlo draw (draw, year, region) [places], years and regions
        in the order of ``frame``; None without draws.
    components : DemandComponents
        The parts of the point path.
    parameters : dict
        The run's settings (JSON-serialisable).
    assumptions : dict
        Named assumptions that replace missing figures (name ->
        :class:`~zorgcap.forecast.assumption.Assumption` record).
    base_observed : float
        Observed national clients with stay in the base year [clients] (CBS 84529NED).
    """

    frame: pd.DataFrame
    places_draws: np.ndarray | None
    components: DemandComponents
    parameters: dict
    assumptions: dict
    base_observed: float

    def subset(self, codes) -> DemandRun:
        """The run for the regions ``codes`` only (every number as in the full run)."""
        codes = list(codes)
        all_codes = list(self.components.codes)
        keep = [all_codes.index(c) for c in codes]
        frame = self.frame[self.frame["zk_code"].isin(codes)].reset_index(drop=True)
        draws = None if self.places_draws is None else self.places_draws[:, :, keep]
        return replace(self, frame=frame, places_draws=draws,
                       components=self.components.subset(codes))


def project_demand(scenario: str = "trend", to: int = 2040, regions=None, draws: int = 0,
                   seed: int = SEED, occupancy: float = OCCUPANCY, calibrate=None,
                   rates=None, population_variant: str = "point", scenario_file=None,
                   engine: str = "numpy", regional_factors: str | None = "intensity2014",
                   level=(80, 95), data=None, regional_convergence: int | None = None,
                   regional_sd: float = EXTRA_SD) -> pd.DataFrame:
    """Demand for Wlz V&V care with stay per zorgkantoorregio per year, base year to ``to``.

    Parameters
    ----------
    scenario : str
        ``beleidsarm``, ``trend``, ``langer-thuis``, ``mantelzorg`` or a name from
        ``scenario_file``.
    to : int
        Last year [year], 2024-2050.
    regions : list of str, optional
        zorgkantoorregio codes to return (default all 31); every number equals the full run's.
    draws : int
        Monte Carlo draws over population and usage-rate paths (0 = point only).
    seed : int
        Seed of the draws.
    occupancy : float
        Share of places occupied [fraction]; places_needed = clients / occupancy.
    calibrate : str or Path, optional
        CSV ``zk_code, clients_with_stay`` of the base year: regional factors. Overrides
        ``regional_factors`` for the regions in the file.
    rates : str or Path, optional
        CSV ``sex, age, rate`` replacing the CBS-based usage rates.
    population_variant : str
        Population variant (``point``, ``low95`` ... see :mod:`zorgcap.forecast.population`).
    scenario_file : str or Path, optional
        TOML file with own scenarios (:mod:`zorgcap.forecast.scenarios`).
    engine : {"numpy", "dask"}
        Where the population draws run (see :func:`zorgcap.forecast.population.build_projection`).
    regional_factors : {"intensity2014", "national", "71488ned"}
        ``"intensity2014"`` (default; None means the same): each region's intensity from
        its 2014 zzp 5-10 count, age-sex standardised and shrunk
        (:mod:`zorgcap.forecast.intensity`), rescaled so that they redistribute the national
        base-year total; their uncertainty enters the draws. ``"national"``: national rates
        everywhere. ``"71488ned"`` (demoted: it counts residents of every kind of institution at
        every age, GHZ/GGZ included): factors from institutional residents per COROP region
        (:mod:`zorgcap.forecast.regional`).
    regional_convergence : int, optional
        Named assumption ``regional_persistence``: None (default) keeps each factor in every
        year; a year T moves its log linearly to 0 (the national level) by T [year].
    regional_sd : float
        Named assumption ``location_vs_residence``: extra SD of the log intensity factor for
        using the 2014 provider location for today's client residence [log ratio]; 0 keeps
        the standardised ratios almost unshrunk, about 0.15 or more shrinks every factor
        to 1 (:mod:`zorgcap.forecast.intensity`).
    level : list of int
        Interval levels [%] of the bands (default 80 and 95).

    Returns
    -------
    pandas.DataFrame
        ``year, zk_code, zk_name, scenario``, ``clients_with_stay`` [persons; the point path],
        ``clients_at_home`` [persons; VPT+MPT], ``places_needed`` [places],
        ``persons_75plus, persons_80plus, persons_85plus`` [persons] and ``oosr`` [persons
        50-74 per person 85+]; with draws also ``*_lo_<level>, *_hi_<level>`` for
        clients_with_stay and places_needed (quantiles of the draws). The point path is the
        central number: it adds up over regions, does not move with the number of draws, and
        equals the median of the rate paths (see :func:`run_demand`).
    """
    return run_demand(scenario=scenario, to=to, regions=regions, draws=draws, seed=seed,
                      occupancy=occupancy, calibrate=calibrate, rates=rates,
                      population_variant=population_variant, scenario_file=scenario_file,
                      engine=engine, regional_factors=regional_factors, level=level,
                      data=data, regional_convergence=regional_convergence,
                      regional_sd=regional_sd).frame


def _totals(persons, u):
    """What demand needs of persons (d, y, r, s, a): (d, y, r, 3) = clients at the usage
    rates ``u`` [clients], persons 50-74 and persons 85+ [persons] (see :func:`oosr`)."""
    return np.stack([np.einsum("dyrsa,sa->dyr", persons, u),
                     persons[..., 50:75].sum(axis=(-2, -1)),
                     persons[..., 85:].sum(axis=(-2, -1))], axis=-1)


def _total_weights(u):
    """The weights (3, sex, age) of :func:`_totals` for
    :func:`zorgcap.forecast.population.draw_totals`."""
    mid, old = np.zeros_like(u), np.zeros_like(u)
    mid[..., 50:75] = 1.0
    old[..., 85:] = 1.0
    return np.stack([u, mid, old])


def _demand_arrays(totals, mult, scn):
    """Clients with stay (draw, year, region) and the informal-care factor
    ``(OOSR_t / OOSR_base) ** -elasticity`` (1 without an elasticity; :func:`oosr`), both
    from the :func:`_totals` (d, y, r, 3)."""
    care = np.ones(totals.shape[:3])
    if scn.oosr_elasticity:
        ratio = totals[..., 1] / totals[..., 2]
        care = (ratio / ratio[:, :1]) ** (-scn.oosr_elasticity)
    demand = totals[..., 0] * mult[:, :, None] * care
    return demand, care


def run_demand(scenario: str = "trend", to: int = 2040, regions=None, draws: int = 0,
               seed: int = SEED, occupancy: float = OCCUPANCY, calibrate=None,
               rates=None, population_variant: str = "point", scenario_file=None,
               engine: str = "numpy", regional_factors: str | None = "intensity2014",
               level=(80, 95), data=None, regional_convergence: int | None = None,
               regional_sd: float = EXTRA_SD) -> DemandRun:
    """The demand model with everything it computes (parameters as :func:`project_demand`).

    The central numbers come from the point path: the point population projection with the
    scenario's central rate path. The bands are quantiles of ``draws`` Monte Carlo paths
    (population draws x rate paths). The rate paths are two-piece normal around the central
    path (:func:`zorgcap.forecast.timeseries.fan_paths`), so their median is the central path.
    """
    scn, to, seed, draws, levels, regional_factors, regions = _check_demand_options(
        scenario, scenario_file, to, seed, occupancy, draws, level, regional_factors,
        regional_convergence, engine, population_variant, regions)
    point = build_projection(to=to, draws=0, variant=population_variant, level="zk",
                             indeling=2025, data=data)
    years = [y for y in point.years if y >= DEMAND_BASE_YEAR]
    idx = [point.years.index(y) for y in years]
    persons = point.persons[:, idx]  # (1, year, region, sex, age)
    u_frame = usage_rates(DEMAND_BASE_YEAR, data) if rates is None else read_rates_file(rates)
    u = rates_array(u_frame)
    from .intensity import convergence_weights, level_paths

    point_base = np.einsum("rsa,sa->r", persons[0, 0], u)  # clients at national rates
    factor, observed, factor_sd, fixed = _regional_levels(
        regional_factors, regional_sd, calibrate, point.codes, point_base, data)
    weights = convergence_weights(years, DEMAND_BASE_YEAR, regional_convergence)
    f_point, f_draws = level_paths(observed, factor, factor_sd, weights, point_base, years,
                                   DEMAND_BASE_YEAR, draws, seed + 2, fixed=fixed)
    home_ratio = _home_ratio(years, scn.rates == "trend", data)[None, :, None]

    def paths(totals, mult_, fpath):
        demand, care = _demand_arrays(totals, mult_, scn)
        demand = demand * fpath
        home = demand * home_ratio
        if scn.home_share:
            growth = np.maximum(demand - demand[:, :1], 0)
            demand = demand - scn.home_share * growth
            home = home + scn.home_share * growth
        return demand, home, care

    mult, d_mult, info = _rate_multiplier(years, scn, draws, seed, data)
    demand, home, care = paths(_totals(persons, u), mult, f_point)
    frame = _to_frame(years, point, demand[0], home[0], occupancy, scn.name)
    for age in AGE_GROUPS_OLD:
        frame[f"persons_{age}plus"] = persons[0][..., age:].sum(axis=(-2, -1)).ravel()
    frame["oosr"] = oosr(persons[0]).ravel()
    places_draws = None
    if draws:
        # population draws reduced in the engine to the three sums demand needs; shared by
        # every scenario of this variant in this process (draw_totals is cached)
        totals = draw_totals(_total_weights(u), to=to, draws=draws, seed=seed,
                             variant=population_variant, level="zk", indeling=2025,
                             engine=engine, data=data)
        d_demand, _, _ = paths(totals[:, idx], d_mult, f_draws)
        probs, names = _quantiles(levels)
        q = np.quantile(d_demand, probs, axis=0) if probs else []
        for name, values in zip(names, q, strict=True):
            frame[f"clients_with_stay{name}"] = values.ravel()
            frame[f"places_needed{name}"] = values.ravel() / occupancy
        places_draws = (d_demand / occupancy).astype(np.float32)
    components = DemandComponents(
        years=tuple(years), codes=tuple(point.codes), persons=persons[0], rates=u,
        regional_factor=observed, multiplier=mult[0], care=care[0],
        home_share=scn.home_share, occupancy=occupancy, regional_path=f_point[0])
    parameters = {
        "scenario": scn.name, "description": scn.description, "to": to, "draws": draws,
        "seed": seed, "occupancy": occupancy, "population_variant": population_variant,
        "level": list(levels), "calibrate": str(calibrate) if calibrate else None,
        "regional_factors": regional_factors,
        "regional_convergence": regional_convergence, "regional_sd": regional_sd,
        "rates": str(rates) if rates else "CBS 37620 x 70791ned levelled to 84529NED",
        "base_year": DEMAND_BASE_YEAR, **info}
    assumptions = _demand_assumptions(scn, occupancy, regional_factors, regional_sd,
                                      regional_convergence, calibrate, point.assumptions)
    run = DemandRun(frame=frame, places_draws=places_draws, components=components,
                    parameters=parameters, assumptions=assumptions,
                    base_observed=float(wlz_vv(data).set_index("year").loc[
                        DEMAND_BASE_YEAR, "with_stay"]))
    return run.subset(regions) if regions is not None else run


def _check_demand_options(scenario, scenario_file, to, seed, occupancy, draws, level,
                          regional_factors, regional_convergence, engine, population_variant,
                          regions):
    """Refuse arguments of :func:`run_demand` it cannot use, before any work.

    Raises :class:`ValueError` (or :class:`~zorgcap.forecast.errors.InputError` for an
    unknown region code) naming the argument and what is valid. Returns the scenario and
    the checked ``to, seed, draws, levels, regional_factors, regions``.
    """
    extra = load_scenarios(scenario_file) if scenario_file else None
    scn = get_scenario(scenario, extra)
    to = check_whole("to", to, DEMAND_BASE_YEAR + 1, 2050)
    seed = check_whole("seed", seed, 0)
    if isinstance(occupancy, bool) or not isinstance(
            occupancy, (int, float, np.integer, np.floating)) or not 0.5 <= occupancy <= 1:
        raise ValueError(f"`occupancy` was {occupancy!r} but is expected to be in 0.5-1")
    draws = check_whole("draws", draws, 0)
    levels = validate_level(level)
    regional_factors = regional_factors or "intensity2014"
    if regional_factors not in REGIONAL_FACTORS:
        raise ValueError(f"`regional_factors` was {regional_factors!r} but is expected to be "
                         f"in {list(REGIONAL_FACTORS)}")
    if regional_convergence is not None and (
            isinstance(regional_convergence, bool)
            or not isinstance(regional_convergence, (int, np.integer))
            or not DEMAND_BASE_YEAR < regional_convergence <= 2100):
        raise ValueError(f"`regional_convergence` was {regional_convergence!r} but is expected "
                         f"to be None (factors persist) or a year in {DEMAND_BASE_YEAR + 1}-2100")
    if not isinstance(engine, str) or engine not in ENGINES:
        raise ValueError(f"`engine` was {engine!r} but is expected to be in {list(ENGINES)}")
    if not isinstance(population_variant, str) or population_variant not in VARIANTS:
        raise ValueError(f"`population_variant` was {population_variant!r} but is expected "
                         f"to be in {list(VARIANTS)}")
    if regions is not None:
        if isinstance(regions, str) or not hasattr(regions, "__iter__"):
            raise ValueError(f"`regions` was {regions!r} but is expected to be a list of "
                             "zorgkantoorregio codes, e.g. ['ZK20']")
        regions = regions_mod.normalise_region_codes(regions)
        if not regions:
            raise ValueError("`regions` was [] but is expected to hold at least one "
                             "zorgkantoorregio code, e.g. ['ZK20'] (None: all 31)")
        regions_mod.check_region_codes(regions, column="regions")
    return scn, to, seed, draws, levels, regional_factors, regions


def _regional_levels(regional_factors: str, regional_sd: float, calibrate, codes,
                     point_base: np.ndarray, data):
    """Each region's usage level relative to national rates [ratio], by ``codes``:
    ``factor`` (the modelled intensity), ``observed`` (the base-year level),
    ``factor_sd`` (SD of the log factor; ``intensity2014`` only) and ``fixed`` (a planner's
    calibration, NaN elsewhere). ``point_base``: clients at national rates in the base year
    by region [clients]; the intensity levels keep their national total.
    """
    factor = np.ones(len(codes))  # modelled usage intensity (growth)
    observed = np.ones(len(codes))  # observed base-year level
    factor_sd = np.zeros(len(codes))  # SD of the log factor (intensity2014 only)
    if regional_factors == "71488ned":
        from .regional import zk_factors

        zkf = zk_factors(2025, data).set_index("zk_code")["factor"]
        factor = np.array(zkf.reindex(codes), dtype=float)
        observed = factor.copy()
    elif regional_factors == "intensity2014":
        from .intensity import intensity_factors

        zkf = intensity_factors(extra_sd=regional_sd, data=data).set_index(
            "zk_code").reindex(codes)
        factor = np.array(zkf["factor"], dtype=float)
        factor_sd = np.array(zkf["log_sd"], dtype=float)
        observed = np.array(zkf["ratio"], dtype=float)  # unshrunk: the observation
        # redistribute only: the national base-year total stays levelled (84529NED)
        factor = factor * point_base.sum() / (point_base * factor).sum()
        observed = observed * point_base.sum() / (point_base * observed).sum()
    fixed = np.full(len(codes), np.nan)
    if calibrate is not None:
        cal = read_calibration(calibrate).set_index("zk_code")["clients_with_stay"]
        for i, code in enumerate(codes):
            if code in cal.index:
                factor[i] = observed[i] = fixed[i] = cal[code] / point_base[i]
                factor_sd[i] = 0.0
    return factor, observed, factor_sd, fixed


def _demand_assumptions(scn, occupancy: float, regional_factors: str, regional_sd: float,
                        regional_convergence, calibrate, population_assumptions: dict) -> dict:
    """The named assumptions of a :func:`run_demand` run (name ->
    :class:`~zorgcap.forecast.assumption.Assumption` record: key, variant and the run's
    values): every assumption of the demand in one place, with those of the population
    projection (``population_assumptions``)."""
    base = DEMAND_BASE_YEAR
    trend = SHIPPED_TREND
    out = {
        "occupancy_rate": Assumption(
            "occupancy_rate", "default" if occupancy == OCCUPANCY else "planner",
            unit="[fraction]", source="NZa 2020" if occupancy == OCCUPANCY else "option",
            occupancy=occupancy),
        "home_ratio_national": Assumption("home_ratio_national"),
        "regional_rates": Assumption(
            "regional_rates", regional_factors + ("" if calibrate is None else "_calibrated"),
            scope="regional", base_year=base),
    }
    if regional_factors == "intensity2014":
        out["location_vs_residence"] = Assumption(
            "location_vs_residence", unit="[SD of the log factor]", source="judgement",
            scope="regional", sd=regional_sd)
        out["intensity_drift"] = Assumption("intensity_drift", scope="regional",
                                            base_year=base)
        out["age_structure_2014"] = Assumption("age_structure_2014", source="CBS 37620",
                                               scope="regional")
    if regional_factors != "national" or calibrate:
        out["regional_persistence"] = Assumption(
            "regional_persistence", "persist" if regional_convergence is None else "converge",
            scope="regional", year=regional_convergence)
    out["trend_window"] = Assumption(
        "trend_window", source="CBS 37620", first_year=TREND_WINDOW[0],
        last_year=TREND_WINDOW[1], model=trend.name, method=trend.method,
        min_years=trend.min_train, truth=trend.calibration_truth,
        outlier_years=list(trend.outliers))
    if scn.oosr_elasticity:
        out["oosr_elasticity"] = Assumption("oosr_elasticity", unit="[-]", source="judgement",
                                            base_year=base, elasticity=scn.oosr_elasticity)
    out["home_trend_damping"] = Assumption("home_trend_damping", unit="[-]",
                                           phi=HOME_TREND_DAMPING)
    return {**out, **population_assumptions}


def _to_frame(years, proj, demand, home, occupancy, scenario) -> pd.DataFrame:
    """The point path (year, region) as a tidy frame."""
    idx = pd.MultiIndex.from_product([years, proj.codes], names=["year", "zk_code"])
    out = pd.DataFrame(index=idx).reset_index()
    out.insert(2, "zk_name", out["zk_code"].map(proj.names))
    out.insert(3, "scenario", scenario)
    out["clients_with_stay"] = demand.ravel()
    out["clients_at_home"] = home.ravel()
    out["places_needed"] = out["clients_with_stay"] / occupancy
    return out


def national_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """National totals per year (medians summed; bands are not additive and are left out)."""
    cols = ["clients_with_stay", "clients_at_home", "places_needed"]
    out = frame.groupby("year")[cols].sum()
    base = out.index.min()
    out["growth_factor"] = out["clients_with_stay"] / out.loc[base, "clients_with_stay"]
    return out.reset_index()


def run_batch(combinations, **options) -> dict:
    """Several scenario x population-variant runs as one batch; population draws once per variant.

    Parameters
    ----------
    combinations : iterable of (str, str)
        ``(scenario, population_variant)`` pairs, e.g. ``[("trend", "point"),
        ("beleidsarm", "low95")]``.
    **options
        Every other argument of :func:`run_demand` (``to``, ``draws``, ``seed``, ``engine``,
        ...), the same for all runs.

    Returns
    -------
    dict
        ``(scenario, population_variant) -> DemandRun``, in the order given.

    Notes
    -----
    The population draws depend on the variant, not on the scenario: they are simulated once
    per variant (:func:`zorgcap.forecast.population.draw_totals`, reduced in the engine to clients
    and the OOSR's age groups, cached in this process) and shared by every scenario of that
    variant; the runs are grouped by variant so that this holds for any number of variants.
    10 combinations of 5 variants simulate the population draws 5 times, not 10
    (benchmarks/RESULTS.md). With ``engine="dask"`` each variant's draws run as Dask tasks.

    Examples
    --------
    >>> from zorgcap.forecast.demand import run_batch
    >>> runs = run_batch([(s, v) for s in ("trend", "beleidsarm")
    ...                   for v in ("point", "low95")], to=2040, draws=1000)  # doctest: +SKIP
    >>> runs[("trend", "low95")].frame.places_needed_hi_95.max()  # doctest: +SKIP
    """
    for name in ("scenario", "population_variant"):
        if name in options:
            raise ValueError(f"`{name}` is given per run in `combinations`, not as an option")
    combos = []
    for item in combinations:
        if isinstance(item, str) or not hasattr(item, "__len__") or len(item) != 2:
            raise ValueError(f"`combinations` holds {item!r} but every item is expected to be "
                             "a pair (scenario, population_variant), e.g. ('trend', 'low95')")
        combos.append((item[0], item[1]))
    variants = list(dict.fromkeys(v for _, v in combos))
    runs = {}
    for combo in sorted(dict.fromkeys(combos), key=lambda c: variants.index(c[1])):
        runs[combo] = run_demand(scenario=combo[0], population_variant=combo[1], **options)
    return {c: runs[c] for c in combos}
