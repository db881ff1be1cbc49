"""The bare-numpy float64 kernel of the population draws: the benchmark reference (issue 21).

The same arithmetic as :func:`zorgcap.forecast.stochastic.simulate_draws` with ``weights`` (the
cohort step of :mod:`zorgcap.forecast.cohort`, the point run's migration rates, the Lee-Carter
mortality walk and the national migration shock of :mod:`zorgcap.forecast.population`, step 6),
written as plainly as numpy allows and without anything the library adds (argument checks,
reordering gemeenten by region, chunks, Dask, the lagged-buffer trick): a few draws at a
time in preallocated float64 arrays, reduced to weighted sums per region every year.

``benchmarks/run.py`` times the engine against it; ``tests/test_stochastic_reference.py``
checks that both give the same numbers.
"""

from __future__ import annotations

import numpy as np

from zorgcap.forecast.cohort import SEX_RATIO_AT_BIRTH
from zorgcap.forecast.mortality import survival_ratios

BOYS = SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH)


def kernel(base, births, growth, netmig, profile, log_m, lc_b, lc_sigma, walk, shock,
           weights, mat, block=8):
    """Weighted sums per region of every draw and year, float64.

    Parameters
    ----------
    base : (gemeente, sex, age 0..95) [persons]
    births, netmig : (step,) [persons]
    growth : (step, gemeente, sex, age): 1 + the point run's migration rate [-]
    profile : (sex, age) [share of the national net migration]
    log_m : (step, sex, age 0..99): log death rates of the point run
    lc_b : (sex, age 0..99); lc_sigma : (sex,): Lee-Carter response and sigma of ``k``
    walk, shock : (draw, step): mortality random walk, migration shock
    weights : (k, sex, age) [per person]
    mat : (gemeente, region): gemeente -> region shares

    Returns
    -------
    ndarray (draw, step + 1, region, k)
    """
    n, steps = walk.shape
    g, n_sex, n_age = base.shape
    top = n_age - 1
    w = weights.reshape(len(weights), -1).T  # (sex * age, k)
    out = np.empty((n, steps + 1, mat.shape[1], len(weights)))
    pop = np.empty((block, g, n_sex, n_age))
    new = np.empty_like(pop)
    fac = np.empty_like(pop)

    def regions(p):
        return np.einsum("dgk,gr->drk", (p.reshape(len(p) * g, -1) @ w).reshape(len(p), g, -1),
                         mat)

    for a in range(0, n, block):
        b = min(a + block, n)
        p, q, f = pop[: b - a], new[: b - a], fac[: b - a]
        m = np.exp(log_m[None] + lc_b[None, None] * walk[a:b, :, None, None]
                   * lc_sigma[None, None, :, None])
        surv, bsurv = survival_ratios(m, top)
        p[:] = base
        out[a:b, 0] = regions(p)
        for t in range(steps):
            s = surv[:, t, None]
            q[..., 1:top] = p[..., : top - 1] * s[..., : top - 1]
            q[..., top] = p[..., top - 1] * s[..., top - 1] + p[..., top] * s[..., top]
            women = p[:, :, 1, 15:50].sum(axis=-1)
            born = births[t] * women / women.sum(axis=1, keepdims=True)
            q[:, :, 0, 0] = born * BOYS * bsurv[:, t, None, 0]
            q[:, :, 1, 0] = born * (1 - BOYS) * bsurv[:, t, None, 1]
            nat = q.sum(axis=1)
            extra = (shock[a:b, t] * netmig[t])[:, None, None] * profile
            np.add(growth[t], (extra / np.where(nat > 0, nat, 1))[:, None], out=f)
            np.multiply(q, f, out=q)
            np.maximum(q, 0, out=q)
            p, q = q, p
            out[a:b, t + 1] = regions(p)
    return out
