"""What drives each region's change in need: an exact additive decomposition.

Need for places in region r and year t is::

    need = D (1 + w),    D = f(N, S, U, C) - H,    f = N * sum_{s,a} S_sa U_sa * C / occupancy

with ``N`` the population, ``S`` its age-sex structure (shares), ``U`` the usage rates of the
scenario (base rates x the regional factor of the year x rate multiplier; the regional factor
is constant when factors persist and moves toward 1 when they converge to the national
level, :mod:`zorgcap.forecast.intensity`), ``C`` the informal-care factor
(OOSR), ``H`` the growth moved to care at home (langer-thuis) and ``w`` the waiting list as a
share of demand (:mod:`zorgcap.forecast.gap`). The decomposition starts from the need in the base
year, ``base = D(base) (1 + w)`` (``base_in_use`` places in use + ``base_waiting`` the places
the waiting list needs: the gap table's base-year need), and splits the change after it,
``need(t) - base = (D(t) - D(base)) (1 + w)``, into the drivers below; the waiting list is a
base-year quantity, not a driver (it grows with the region's demand, so each driver's part
includes its share of that growth: the parts are those of ``D`` times ``1 + w``)::

    population      growth of the number of inhabitants (N)
    ageing          change of the age-sex structure (S)
    usage_rates     change of usage rates (U): trend, own rate changes, regional factors
                    converging to the national level (regional_convergence)
    informal_care   change of the informal-care factor (C)
    care_at_home    growth met at home instead of with stay (-H)

Apart from the change, ``regional_level`` is the part of ``need(t)`` that comes from the
region's own intensity rather than its demography: ``need(t)`` minus the need of the same run
with the regional factor 1 (national rates) - negative where the region uses less than its
age structure implies. It is not one of the parts of the change.

The four factors of ``f`` are split by the symmetric method of Das Gupta (1993), which for
a product of factors equals the Shapley value: each factor's effect is its change in ``f``
averaged over every order in which the factors can be changed. The parts add up exactly
(to rounding) to the total change.

Reference: Das Gupta, P. (1993). Standardization and Decomposition of Rates: A User's Manual.
U.S. Bureau of the Census, Current Population Reports P23-186.
"""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

__all__ = ["decompose", "shapley", "PARTS"]

PARTS = ("population", "ageing", "usage_rates", "informal_care", "care_at_home")
_FACTORS = ("population", "ageing", "usage_rates", "informal_care")


def shapley(f, old: dict, new: dict) -> dict:
    """Symmetric (Das Gupta / Shapley) decomposition of ``f(**new) - f(**old)``."""
    names = list(old)
    k_total = len(names)
    parts = {}
    for k in names:
        others = [n for n in names if n != k]
        effect = 0.0
        for size in range(k_total):
            weight = factorial(size) * factorial(k_total - size - 1) / factorial(k_total)
            for subset in combinations(others, size):
                moved = {n: new[n] if n in subset else old[n] for n in names}
                effect = effect + weight * (f(**{**moved, k: new[k]}) - f(**moved))
        parts[k] = effect
    return parts


def decompose(demand, waiting_share: float = 0.0, years=None) -> pd.DataFrame:
    """Parts of the change in need per region from the base year to each of ``years``.

    Parameters
    ----------
    demand : zorgcap.forecast.demand.DemandRun
        A demand run (:func:`zorgcap.forecast.demand.run_demand`): its point path, which is the
        central number of every table, and the multiplicative parts of that path.
    waiting_share : float or pandas.Series
        ``w`` of :func:`zorgcap.forecast.gap.supply_gap`: one share for every region, or per region
        by ``zk_code`` (``GapRun.unmet_shares``) [fraction].
    years : list of int, optional
        Target years (default: every year after the base year).

    Returns
    -------
    pandas.DataFrame
        ``zk_code, zk_name, year_from, year_to, base, base_in_use, base_waiting,
        population, ageing, usage_rates, informal_care, care_at_home, total, need,
        regional_level`` [places]; ``base`` is the need in the base year (``base_in_use +
        base_waiting``, the gap table's base-year ``need``), ``base + total = need`` and the
        five parts sum to ``total``; ``need`` equals the gap table's ``need`` of the same run;
        ``regional_level`` is the part of ``need`` due to the regional factor (see above).
    """
    from .demand import DemandRun

    if not isinstance(demand, DemandRun):
        raise ValueError(f"`demand` was a {type(demand).__name__} but is expected to be a "
                         "DemandRun: zorgcap.forecast.demand.run_demand(...) (or ChainResult."
                         "decomposition, which the chain computes)")
    if years is not None and (isinstance(years, (str, bytes)) or not hasattr(years, "__iter__")
                              or not all(isinstance(y, (int, np.integer))
                                         and not isinstance(y, bool) for y in years)):
        raise ValueError(f"`years` was {years!r} but is expected to be a list of whole years, "
                         "e.g. [2030, 2040] (None: every year after the base year)")
    comp = demand.components
    if isinstance(waiting_share, pd.Series):
        missing = sorted(set(comp.codes) - set(waiting_share.index))
        if missing:
            raise ValueError(f"`waiting_share` has no share for regions {missing}: pass "
                             "GapRun.unmet_shares of the same run")
        waiting_share = waiting_share.reindex(list(comp.codes)).to_numpy(float)
    shares_w = np.broadcast_to(np.asarray(waiting_share, float), (len(comp.codes),))
    if not (np.isfinite(shares_w).all() and (shares_w >= 0).all() and (shares_w < 1).all()):
        raise ValueError(f"`waiting_share` was {waiting_share} but is expected to be in [0, 1)")
    waiting_share = shares_w
    frame = demand.frame
    all_years = list(comp.years)
    codes = list(comp.codes)
    names = frame.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]
    bad = [y for y in (years or []) if y not in all_years[1:]]
    if bad:
        raise ValueError(f"`years` holds {bad} but is expected to be within "
                         f"{all_years[1]}-{all_years[-1]}")
    persons = comp.persons  # (year, region, sex, age)
    n = persons.sum(axis=(-2, -1))
    shares = persons / n[..., None, None]
    occ = comp.occupancy
    path = (np.broadcast_to(comp.regional_factor, (len(all_years), len(codes)))
            if comp.regional_path is None else np.asarray(comp.regional_path))

    def rates(i):  # usage rates of year i: (region, sex, age)
        return comp.rates[None] * (path[i] * comp.multiplier[i])[:, None, None]

    def f(population, ageing, usage_rates, informal_care):
        return population * (ageing * usage_rates).sum(axis=(-2, -1)) * informal_care / occ

    base_i = 0
    d_all = frame.pivot(index="year", columns="zk_code", values="places_needed")[codes]
    rows = []
    for year in years or all_years[1:]:
        i = all_years.index(year)
        old = {"population": n[base_i], "ageing": shares[base_i], "usage_rates": rates(base_i),
               "informal_care": comp.care[base_i]}
        new = {"population": n[i], "ageing": shares[i], "usage_rates": rates(i),
               "informal_care": comp.care[i]}
        parts = shapley(f, old, new)
        core = f(**new)
        # the same run at national rates (factor 1): core / factor, home growth recomputed
        core_nat = core / np.where(path[i] > 0, path[i], 1.0)
        core_nat_base = f(**old) / np.where(path[base_i] > 0, path[base_i], 1.0)
        d_nat = core_nat - comp.home_share * np.maximum(core_nat - core_nat_base, 0)
        d_t = d_all.loc[year].to_numpy()
        base = d_all.loc[all_years[base_i]].to_numpy()
        grow = 1 + waiting_share  # the waiting list grows with the region's demand
        out = pd.DataFrame({"zk_code": codes, "zk_name": names[codes].to_numpy(),
                            "year_from": all_years[base_i], "year_to": year,
                            "base": base * grow, "base_in_use": base,
                            "base_waiting": base * waiting_share})
        for part in _FACTORS:
            out[part] = parts[part] * grow
        out["care_at_home"] = (d_t - core) * grow
        out["total"] = out[list(PARTS)].sum(axis=1)
        out["need"] = d_t * (1 + waiting_share)
        out["regional_level"] = out["need"] - d_nat * (1 + waiting_share)
        rows.append(out)
    return pd.concat(rows, ignore_index=True)
