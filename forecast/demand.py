"""Demand for nursing-home places per zorgkantoorregio per year.

    clients_with_stay(r, t) = f_r * m(t) * sum_{a,s} u(a, s) P(r, a, s, t)
    places_needed(r, t)     = clients_with_stay(r, t) / occupancy

``u`` are the base-year usage rates (:mod:`forecast.usage`), ``P`` the projected population
(:mod:`forecast.population`), ``m(t)`` the scenario's rate multiplier (1 for beleidsarm; the
time-series forecast of the age-standardised rate for trend), ``f_r`` a regional factor
(1 by default; from a planner's count of current clients with ``calibrate=``).

Clients at home (VPT and MPT, zzp VV4-VV10) are the base-year national ratio of home to stay
clients (CBS 84529NED, 2023: (18,405 + 35,100) / 126,105 = 0.424) times clients with stay;
in the ``trend`` scenario the ratio follows its 2015-2023 trend (damped). In ``langer-thuis``
a share of the growth above the base year moves from stay to home.

Named assumptions (reported in ``frame.attrs["assumptions"]``):

``occupancy_rate``       0.97 places occupied: NZa counted about 3,900 empty places in
                         August 2020 against about 120,000 residents (shared/public_figures).
``home_ratio_national``  every region has the national ratio of home to stay clients.
``regional_rates``       without a calibration file every region has the national rates.
``trend_window``         the trend models are fitted on 2015-2024 (after the Wlz of 2015).
``home_trend_damping``   in ``trend`` the home/stay ratio follows a damped trend with the
                         damping fixed at 0.85: estimated freely (phi about 0.98) the
                         2015-2023 growth of VPT/MPT would carry the ratio from 0.42 to
                         about 2.8 by 2040, which no planner expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import regions as regions_mod

from .errors import InputError, display_path, spreadsheet_row
from .population import build_projection
from .scenarios import get_scenario, load_scenarios
from .timeseries import TrendModel, fan_paths, standardised_rate, trend_forecast
from .usage import rates_array, read_rates_file, usage_rates, wlz_vv

__all__ = ["project_demand", "read_calibration", "national_summary", "oosr", "carried",
           "informal_care_factor", "OCCUPANCY", "DEMAND_BASE_YEAR", "TREND_WINDOW"]

OCCUPANCY = 0.97
DEMAND_BASE_YEAR = 2023
TREND_WINDOW = (2015, 2024)
HOME_TREND_DAMPING = 0.85
QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)
_BANDS = ("lo_95", "lo_80", None, "hi_80", "hi_95")


@dataclass(eq=False)
class Carried:
    """Arrays carried in a frame's ``attrs``.

    Compared by identity, so that pandas can merge and concatenate frames that carry them
    (pandas compares ``attrs`` with ``==``, which numpy arrays cannot answer with one bool).
    """

    value: Any


def carried(frame: pd.DataFrame, key: str):
    """``frame.attrs[key]`` unwrapped from :class:`Carried` (None if absent)."""
    item = frame.attrs.get(key)
    return item.value if isinstance(item, Carried) else item


def read_calibration(path) -> pd.DataFrame:
    """A planner's count of current clients with stay: ``zk_code, clients_with_stay``.

    Raises :class:`InputError` (file, row, fix) for unknown regions, non-numeric or negative
    counts and duplicated regions.
    """
    from .io.tables import read_user_csv

    frame = read_user_csv(path, "calibration", ["zk_code", "clients_with_stay"])
    regions_mod.check_region_codes(frame["zk_code"].str.strip(), file=display_path(path))
    values = pd.to_numeric(frame["clients_with_stay"], errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"clients_with_stay {frame['clients_with_stay'][i]!r} is not a count "
                         ">= 0", file=display_path(path), row=spreadsheet_row(i),
                         column="clients_with_stay",
                         fix="enter the number of clients with stay on the base date.")
    dup = frame["zk_code"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(f"region {frame['zk_code'][i]} appears twice", file=display_path(path),
                         row=spreadsheet_row(i), fix="keep one row per region.")
    return pd.DataFrame({"zk_code": frame["zk_code"].str.strip(), "clients_with_stay": values})


def _home_ratio(years, trend: bool, data=None) -> np.ndarray:
    w = wlz_vv(data).set_index("year")
    ratio = (w["vpt"] + w["mpt"]) / w["with_stay"]
    base = ratio.loc[DEMAND_BASE_YEAR]
    if not trend:
        return np.full(len(years), base)
    model = TrendModel("ets", empirical=False, damping=HOME_TREND_DAMPING).fit(ratio)
    fc = model.forecast(max(years) - model.last_year_).set_index("year")["mean"]
    return np.array([ratio.get(y, fc.get(y, base)) for y in years])


def oosr(persons: np.ndarray) -> np.ndarray:
    """Oldest Old Support Ratio: persons 50-74 per person 85+, from (…, sex, age) arrays.

    Reference: PBL, "Zorg voor ouderen" indicators; TNO (2020) used its regional development
    as an indicator of the availability of informal care (mantelzorg).
    """
    return persons[..., 50:75].sum(axis=(-2, -1)) / persons[..., 85:].sum(axis=(-2, -1))


def informal_care_factor(persons: np.ndarray, elasticity: float) -> np.ndarray:
    """``(OOSR_t / OOSR_base) ** -elasticity`` for persons (draw, year, region, sex, age).

    1 everywhere when ``elasticity`` is 0. The base is the first year of ``persons``.
    """
    if not elasticity:
        return np.ones(persons.shape[:3])
    ratio = oosr(persons)
    return (ratio / ratio[:, :1]) ** (-elasticity)


def _rate_multiplier(years, scenario, draws, seed, data=None) -> tuple[np.ndarray, dict]:
    """m(draw, year): the usage-rate multiplier relative to the base year."""
    n = max(draws, 1)
    years = np.asarray(years)
    m = np.ones((n, len(years)))
    info = {}
    if scenario.rates == "trend":
        series = standardised_rate(data=data).loc[TREND_WINDOW[0]:TREND_WINDOW[1]]
        last = int(series.index[-1])
        base = series.loc[DEMAND_BASE_YEAR]
        h = int(years.max()) - last
        future = years > last
        fc = trend_forecast(series, max(h, 1), min_train=5)
        if h > 0:
            # draws: the backtested interval of both families (forecast.timeseries.fan_paths)
            paths = (fan_paths(fc, draws, seed + 1) if draws
                     else fc["mean"].to_numpy()[None])
            m[:, future] = paths[:, years[future] - last - 1] / base
        for j, y in enumerate(years):
            if not future[j]:
                m[:, j] = series.loc[y] / base
        info = {"trend_method": fc.attrs["method"], "trend_scores": fc.attrs["scores"],
                "trend_interval": "envelope of the ETS and ARIMA 95% intervals, two-piece "
                "normal paths (forecast.timeseries.trend_forecast, fan_paths)"}
    m *= (1 + scenario.rate_change) ** (years - DEMAND_BASE_YEAR)[None]
    return m, info


def project_demand(scenario: str = "beleidsarm", to: int = 2040, regions=None, draws: int = 0,
                   seed: int = 20240101, occupancy: float = OCCUPANCY, calibrate=None,
                   rates=None, population_variant: str = "point", scenario_file=None,
                   engine: str = "numpy", reconcile: bool = True,
                   regional_factors: str | None = None, data=None) -> pd.DataFrame:
    """Demand for Wlz V&V care with stay per zorgkantoorregio per year, base year to ``to``.

    Parameters
    ----------
    scenario : str
        ``beleidsarm``, ``trend``, ``langer-thuis`` or a name from ``scenario_file``.
    to : int
        Last year [year], 2024-2050.
    regions : list of str, optional
        zorgkantoorregio codes to return (default all 31).
    draws : int
        Monte Carlo draws over population and usage-rate paths (0 = point only).
    occupancy : float
        Share of places occupied [fraction]; places_needed = clients / occupancy.
    calibrate : str or Path, optional
        CSV ``zk_code, clients_with_stay`` of the base year: regional factors. Overrides
        ``regional_factors`` for the regions in the file.
    regional_factors : {None, "national", "71488ned"}
        ``None``/``"national"``: national rates everywhere (default). ``"71488ned"``: factors
        from institutional residents per COROP region (:mod:`forecast.regional`).
    rates : str or Path, optional
        CSV ``sex, age, rate`` replacing the CBS-based usage rates.
    population_variant : str
        Population variant (``point``, ``low95`` ... see :mod:`forecast.population`).
    engine : {"numpy", "dask"}
        Where the population draws run (see :func:`forecast.population.build_projection`).
    reconcile : bool
        With draws, scale regional medians and bands so that they sum to the national
        median (:mod:`forecast.reconcile`).

    Returns
    -------
    pandas.DataFrame
        ``year, zk_code, zk_name, scenario, clients_with_stay`` [persons],
        ``clients_at_home`` [persons; VPT+MPT], ``places_needed`` [places],
        ``persons_75plus, persons_80plus, persons_85plus`` [persons] and ``oosr`` [persons
        50-74 per person 85+]; with draws also
        ``*_lo_95, *_lo_80, *_hi_80, *_hi_95`` for clients_with_stay and places_needed.
        ``attrs``: ``assumptions``, ``parameters``, ``base_national`` [clients] and, with
        draws, ``places_draws`` (draw, year, region) [places].
    """
    extra = load_scenarios(scenario_file) if scenario_file else None
    scn = get_scenario(scenario, extra)
    if not DEMAND_BASE_YEAR < to <= 2050:
        raise ValueError(f"`to` was {to} but is expected to be in {DEMAND_BASE_YEAR + 1}-2050")
    if not 0.5 <= occupancy <= 1:
        raise ValueError(f"`occupancy` was {occupancy} but is expected to be in 0.5-1")
    if regions is not None:
        regions_mod.check_region_codes(regions, column="regions")
    proj = build_projection(to=to, draws=draws, seed=seed, variant=population_variant,
                            level="zk", indeling=2025, engine=engine, data=data)
    years = [y for y in proj.years if y >= DEMAND_BASE_YEAR]
    persons = proj.persons[:, [proj.years.index(y) for y in years]]  # (d, y, r, s, a)
    u_frame = usage_rates(DEMAND_BASE_YEAR, data) if rates is None else read_rates_file(rates)
    u = rates_array(u_frame)
    raw = np.einsum("dyrsa,sa->dyr", persons, u)
    factor = np.ones(len(proj.codes))
    if regional_factors not in (None, "national", "71488ned"):
        raise ValueError(f"`regional_factors` was {regional_factors!r} but is expected to be "
                         "in ['national', '71488ned']")
    if regional_factors == "71488ned":
        from .regional import zk_factors

        zkf = zk_factors(2025, data).set_index("zk_code")["factor"]
        factor = zkf.reindex(proj.codes).to_numpy(float)
    if calibrate is not None:
        cal = read_calibration(calibrate).set_index("zk_code")["clients_with_stay"]
        point_base = np.einsum("rsa,sa->r", proj.persons[:, proj.years.index(DEMAND_BASE_YEAR)]
                               .mean(axis=0), u)
        for i, code in enumerate(proj.codes):
            if code in cal.index:
                factor[i] = cal[code] / point_base[i]
    raw = raw * factor[None, None]
    mult, info = _rate_multiplier(years, scn, draws, seed, data)
    care = informal_care_factor(persons, scn.oosr_elasticity)
    demand = raw * mult[:, :, None] * care
    home = demand * _home_ratio(years, scn.rates == "trend", data)[None, :, None]
    if scn.home_share:
        growth = np.maximum(demand - demand[:, :1], 0)
        demand = demand - scn.home_share * growth
        home = home + scn.home_share * growth
    frame = _to_frame(years, proj, demand, home, occupancy, scn.name)
    mid = np.median(persons, axis=0)  # (year, region, sex, age)
    for age in (75, 80, 85):
        frame[f"persons_{age}plus"] = mid[..., age:].sum(axis=(-2, -1)).ravel()
    frame["oosr"] = oosr(mid).ravel()
    if not draws:  # the multiplicative parts, for forecast.decompose
        frame.attrs["components"] = Carried({
            "persons": persons[0], "rates": u, "regional_factor": factor,
            "multiplier": mult[0], "care": care[0], "home_share": scn.home_share,
            "occupancy": occupancy})
    keep = np.arange(len(proj.codes))
    if regions is not None:
        frame = frame[frame["zk_code"].isin(list(regions))].reset_index(drop=True)
        keep = np.array([i for i, c in enumerate(proj.codes) if c in set(regions)])
    if draws:  # places needed per draw (draw, year, region) for shortage probabilities
        frame.attrs["places_draws"] = Carried(
            (demand[:, :, keep] / occupancy).astype(np.float32))
        if reconcile and regions is None:
            from .reconcile import reconcile as _reconcile

            frame = _reconcile(frame)
    frame.attrs.update({
        "parameters": {"scenario": scn.name, "description": scn.description, "to": to,
                       "draws": draws, "seed": seed, "occupancy": occupancy,
                       "population_variant": population_variant,
                       "calibrate": str(calibrate) if calibrate else None,
                       "regional_factors": regional_factors or "national",
                       "rates": str(rates) if rates else "CBS 37620 x 70791ned levelled to "
                       "84529NED", "base_year": DEMAND_BASE_YEAR, **info},
        "assumptions": {
            "occupancy_rate": f"{occupancy:.2f} of places occupied",
            "home_ratio_national": "national ratio of VPT+MPT to stay clients in every region",
            "regional_rates": ("national usage rates" if regional_factors in (None, "national")
                               else "national usage rates x factors from institutional "
                               "residents per COROP 2021 (CBS 71488ned; all ages and kinds of "
                               "institution, incl. GHZ/GGZ)")
            + ("" if calibrate is None else "; regions in the calibration file: its counts"),
            "trend_window": f"trend models fitted on {TREND_WINDOW[0]}-{TREND_WINDOW[1]}",
            **({"oosr_elasticity": f"usage x (OOSR_t/OOSR_{DEMAND_BASE_YEAR}) ** "
                f"-{scn.oosr_elasticity} (no published elasticity; settable)"}
               if scn.oosr_elasticity else {}),
            "home_trend_damping": f"home/stay ratio trend damped with phi {HOME_TREND_DAMPING}",
            **proj.assumptions},
        "base_national": float(u_frame.attrs.get("observed", np.nan)),
    })
    return frame


def _to_frame(years, proj, demand, home, occupancy, scenario) -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([years, proj.codes], names=["year", "zk_code"])
    out = pd.DataFrame(index=idx).reset_index()
    out.insert(2, "zk_name", out["zk_code"].map(proj.names))
    out.insert(3, "scenario", scenario)
    if demand.shape[0] == 1:
        out["clients_with_stay"] = demand[0].ravel()
        out["clients_at_home"] = home[0].ravel()
        out["places_needed"] = out["clients_with_stay"] / occupancy
        return out
    q = np.quantile(demand, QUANTILES, axis=0)
    for band, values in zip(_BANDS, q, strict=True):
        name = "clients_with_stay" + (f"_{band}" if band else "")
        out[name] = values.ravel()
    out["clients_at_home"] = np.median(home, axis=0).ravel()
    for band in _BANDS:
        suffix = f"_{band}" if band else ""
        out[f"places_needed{suffix}"] = out[f"clients_with_stay{suffix}"] / occupancy
    return out


def national_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """National totals per year (medians summed; bands are not additive and are left out)."""
    cols = ["clients_with_stay", "clients_at_home", "places_needed"]
    out = frame.groupby("year")[cols].sum()
    base = out.index.min()
    out["growth_factor"] = out["clients_with_stay"] / out.loc[base, "clients_with_stay"]
    return out.reset_index()
