"""Mortality: Lee-Carter rates by single age and sex, moved forward to CBS life expectancy.

Steps
-----
1. **History.** HMD death rates m(x, t) for the Netherlands by sex, single ages 0-99, years
   1970-2016 (:func:`hmd_rates`).
2. **Lee-Carter fit** per sex: ``log m(x,t) = a_x + b_x k_t`` with ``a_x`` the mean log rate,
   ``b_x, k_t`` the first singular vectors, normalised to ``sum b_x = 1``, ``sum k_t = 0``
   (Lee & Carter 1992). The random-walk-with-drift variance of ``k_t`` gives the stochastic
   spread (:func:`fit_lee_carter`).
3. **Calibration to CBS.** For each projection year and sex, two shifts of ``k`` are solved so
   that the life table reproduces CBS's period life expectancy at 65 (ages 65+ move with
   ``k_old``) and at birth (ages 0-64 move with ``k_young``) exactly (:func:`calibrated_rates`).
   Targets: CBS Kernprognose 2021 (85089NED) for 2021-2022, Kernprognose 2023 (85742NED) from
   2023 on.
4. **Open age.** Rates for 100+ extend the Gompertz slope of ages 90-99 one year beyond 99;
   the open group's person-years are ``l_100 / m_100+``.

References
----------
Lee, R. D. & Carter, L. R. (1992). Modeling and forecasting U.S. mortality. JASA 87(419),
659-671. Human Mortality Database, Netherlands Mx_1x1 (www.mortality.org). CBS StatLine
85089NED, 85742NED (Prognose bevolking; kerncijfers): columns Mannen_15/Vrouwen_16 (e0) and
Mannen_18/Vrouwen_19 (e65).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .io.tables import read_table
from .schema import SEXES

__all__ = [
    "MAX_AGE",
    "SEXES",
    "LeeCarter",
    "calibrated_rates",
    "e_targets",
    "fit_lee_carter",
    "hmd_rates",
    "life_expectancy",
    "life_table",
    "survival_ratios",
]

# SEXES (the axis order of every (…, sex, age) array) is defined in zorgcap.forecast.schema.
MAX_AGE = 99  # last single age of the rate schedules; 100+ is the open group
_FIT_YEARS = (1970, 2016)


def hmd_rates(years=_FIT_YEARS, data=None) -> np.ndarray:
    """HMD central death rates, shape (sex, year, age 0..99) [deaths per person-year]."""
    h = read_table("mortality_hmd", data)
    h = h[(h["Year"] >= years[0]) & (h["Year"] <= years[1])]
    h = h.assign(age=pd.to_numeric(h["Age"], errors="coerce"))  # "110+" -> NaN, dropped
    h = h[h["age"] <= MAX_AGE].astype({"age": int})
    out = []
    for col in ("Male", "Female"):
        wide = h.pivot(index="Year", columns="age", values=col).sort_index()
        out.append(wide.to_numpy(dtype=float))
    return np.stack(out)


@dataclass(frozen=True)
class LeeCarter:
    """Fitted Lee-Carter model per sex; arrays have a leading sex axis (male, female).

    Attributes
    ----------
    a : ndarray (sex, age)   mean log rate
    b : ndarray (sex, age)   age response to k, sums to 1
    k : ndarray (sex, year)  period index, sums to 0
    drift : ndarray (sex,)   mean yearly change of k
    sigma : ndarray (sex,)   standard deviation of the yearly change of k
    years : tuple            first and last fitted year
    """

    a: np.ndarray
    b: np.ndarray
    k: np.ndarray
    drift: np.ndarray
    sigma: np.ndarray
    years: tuple

    def log_rates(self, k: np.ndarray) -> np.ndarray:
        """``a_x + b_x k`` for ``k`` of shape (..., sex) -> (..., sex, age)."""
        return self.a + self.b * np.asarray(k)[..., None]


def fit_lee_carter(rates: np.ndarray, years=_FIT_YEARS) -> LeeCarter:
    """Fit ``log m = a + b k`` per sex by SVD (Lee & Carter 1992).

    Parameters
    ----------
    rates : ndarray (sex, year, age)
        Central death rates [per person-year], all > 0.
    """
    log_m = np.log(np.clip(rates, 1e-7, None))
    a = log_m.mean(axis=1)
    b_list, k_list = [], []
    for s in range(log_m.shape[0]):
        u, sv, vt = np.linalg.svd(log_m[s] - a[s], full_matrices=False)
        b, k = vt[0], u[:, 0] * sv[0]
        scale = b.sum()
        b_list.append(b / scale)
        k_list.append(k * scale)
    k = np.stack(k_list)
    dk = np.diff(k, axis=1)
    return LeeCarter(a=a, b=np.stack(b_list), k=k, drift=dk.mean(axis=1),
                     sigma=dk.std(axis=1, ddof=1), years=tuple(years))


def _with_open_age(m: np.ndarray) -> np.ndarray:
    """Append the open group 100+ by extending the Gompertz slope of ages 90-99."""
    slope = (np.log(m[..., MAX_AGE]) - np.log(m[..., 90])) / (MAX_AGE - 90)
    m_open = np.maximum(m[..., MAX_AGE] * np.exp(slope), 1e-12)
    return np.concatenate([m, m_open[..., None]], axis=-1)


def life_table(m: np.ndarray) -> dict[str, np.ndarray]:
    """Period life table from rates at ages 0..99 (last axis); the open group 100+ is added.

    Uses ``q = m / (1 + (1 - a) m)`` with ``a = 0.5`` (age 0: ``a_0 = 0.1``), radix 1.

    Returns
    -------
    dict
        ``l, L, T, e`` with last axis ages 0..100 (100 = open group 100+).
    """
    m_full = _with_open_age(np.asarray(m, dtype=float))
    ax = np.full(m_full.shape[-1], 0.5)
    ax[0] = 0.1
    q = np.clip(m_full / (1 + (1 - ax) * m_full), 0, 1)
    q[..., -1] = 1.0
    survive = np.cumprod(1 - q, axis=-1)
    lx = np.concatenate([np.ones(m_full.shape[:-1] + (1,)), survive[..., :-1]], axis=-1)
    dx = lx * q
    L = lx - (1 - ax) * dx
    L[..., -1] = lx[..., -1] / m_full[..., -1]
    T = np.cumsum(L[..., ::-1], axis=-1)[..., ::-1]
    return {"l": lx, "L": L, "T": T, "e": _ratio(T, lx)}


def _ratio(a, b):
    """a / b, and 0 where b is 0 (an age nobody reaches: nobody to survive or expect)."""
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b > 0)


def life_expectancy(m: np.ndarray, age: int) -> np.ndarray:
    """Period life expectancy at ``age`` [years] from rates (…, age 0..99)."""
    return life_table(m)["e"][..., age]


def e_targets(data=None) -> pd.DataFrame:
    """CBS period life expectancy by sex: ``year, sex, e0, e65`` [years], 2021-2070.

    2021-2022 from Kernprognose 2021 (85089NED), 2023 on from Kernprognose 2023 (85742NED),
    point forecast ("Prognose").
    """
    frames = []
    for key, years in (("projection_key_2021", (2021, 2022)), ("projection_key_2023",
                                                                (2023, 2070))):
        k = read_table(key, data)
        k = k[k["PrognoseInterval"] == "Prognose"].assign(year=lambda f: f["Perioden"].astype(int))
        k = k[(k["year"] >= years[0]) & (k["year"] <= years[1])]
        for sex, e0, e65 in (("male", "Mannen_15", "Mannen_18"),
                             ("female", "Vrouwen_16", "Vrouwen_19")):
            frames.append(pd.DataFrame({"year": k["year"], "sex": sex, "e0": k[e0],
                                        "e65": k[e65]}))
    return pd.concat(frames).sort_values(["year", "sex"]).reset_index(drop=True)


def _solve_shift(base_log_m, b, mask, target, age, lo=-400.0, hi=200.0, iters=70):
    """Bisection for shift s in log m + b*s*mask so that e_age(m) = target (vectorised)."""
    lo = np.full(target.shape, lo)
    hi = np.full(target.shape, hi)
    for _ in range(iters):
        mid = (lo + hi) / 2
        e = life_expectancy(np.exp(base_log_m + (b * mask) * mid[..., None]), age)
        too_low = e < target  # life expectancy too low -> lower mortality -> smaller k
        hi = np.where(too_low, mid, hi)
        lo = np.where(too_low, lo, mid)
    return (lo + hi) / 2


def calibrated_rates(years, lc: LeeCarter | None = None, data=None) -> np.ndarray:
    """Death rates (year, sex, age 0..99) that reproduce CBS e0 and e65 in each year.

    Parameters
    ----------
    years : sequence of int
        Calendar years [year] within 2021-2070.
    lc : LeeCarter, optional
        Fitted model (default: fitted to HMD 1970-2016).
    """
    lc = lc or fit_lee_carter(hmd_rates(data=data))
    targets = e_targets(data).set_index(["year", "sex"])
    years = list(years)
    missing = [y for y in years if (y, "male") not in targets.index]
    if missing:
        raise ValueError(f"no CBS life expectancy target for years {missing[:5]} "
                         f"(available {targets.index.get_level_values(0).min()}-"
                         f"{targets.index.get_level_values(0).max()})")
    e0 = np.array([[targets.loc[(y, s), "e0"] for s in SEXES] for y in years])
    e65 = np.array([[targets.loc[(y, s), "e65"] for s in SEXES] for y in years])
    ages = np.arange(MAX_AGE + 1)
    base = lc.log_rates(np.broadcast_to(lc.k[:, -1], e0.shape))  # (year, sex, age)
    old = (ages >= 65).astype(float)
    k_old = _solve_shift(base, lc.b, old, e65, 65)
    log_m = base + lc.b * old * k_old[..., None]
    young = 1.0 - old
    k_young = _solve_shift(log_m, lc.b, young, e0, 0)
    return np.exp(log_m + lc.b * young * k_young[..., None])


def survival_ratios(m: np.ndarray, open_age: int = 95) -> tuple[np.ndarray, np.ndarray]:
    """Cohort survival over one year for a population by age at 1 January.

    Parameters
    ----------
    m : ndarray (…, age 0..99)
        Death rates of the year.
    open_age : int
        First age of the population's open group (95 -> ages 0..94 and 95+).

    Returns
    -------
    surv : ndarray (…, open_age + 1)
        ``surv[x]`` for x < open_age: share of people aged x on 1 Jan who are alive and aged
        x+1 a year later (``L_{x+1}/L_x``; from open_age - 1 they enter the open group);
        ``surv[open_age]``: share of the open group alive a year later (``T_{open+1}/T_open``),
        as in a stationary population (Preston, Heuveline & Guillot 2001, ch. 6).
    birth : ndarray (…)
        Share of births of the year alive at age 0 on 1 January next (``L_0``, radix 1).
    """
    lt = life_table(m)
    L, T = lt["L"], lt["T"]
    surv = np.empty(m.shape[:-1] + (open_age + 1,))
    surv[..., :open_age] = _ratio(L[..., 1 : open_age + 1], L[..., :open_age])
    surv[..., open_age] = _ratio(T[..., open_age + 1], T[..., open_age])
    return surv, L[..., 0]
