"""Stochastic draws of the population projection, in-process (numpy) or on Dask.

All random numbers - the Lee-Carter random walk of mortality and the AR(1) shock of national
net migration (see :mod:`forecast.population`, step 6) - are drawn up front from one seeded
generator. The draws are then split into chunks that are simulated independently, so the
result does not depend on the engine or the chunk size: the Dask engine gives the same
numbers as the numpy engine for the same seed.
"""

from __future__ import annotations

import numpy as np

from . import mortality as mort
from .cohort import MIGRATION_RHO, MIGRATION_SD, birth_shares, step
from .schema import OPEN_AGE

__all__ = ["simulate_draws", "draw_shocks", "ENGINES"]

ENGINES = ("numpy", "dask")


def draw_shocks(draws: int, steps: int, seed: int, sd: float, rho: float):
    """Mortality random walk (draw, step) and migration AR(1) shock (draw, step)."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.standard_normal((draws, steps)), axis=1)
    shock = np.zeros((draws, steps))
    eps = rng.standard_normal((draws, steps)) * sd * np.sqrt(1 - rho ** 2)
    shock[:, 0] = rng.standard_normal(draws) * sd
    for t in range(1, steps):
        shock[:, t] = rho * shock[:, t - 1] + eps[:, t]
    return walk, shock


def _layout(mat, n_gemeenten):
    """Order gemeenten by output region so aggregation is a contiguous sum (reduceat)."""
    one_hot = mat is not None and np.isin(mat, (0.0, 1.0)).all() and (mat.sum(1) == 1).all()
    if not one_hot:
        return False, np.arange(n_gemeenten), None
    region = mat.argmax(axis=1)
    order = np.argsort(region, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(region[order]) != 0])
    return True, order, starts


def _simulate_chunk(base, log_m, shock, births, growth, netmig, profile, order, starts,
                    mat32, one_hot, open_age):
    """Simulate one chunk of draws; returns (draw, year, region or gemeente, sex, age)."""
    draws, steps = shock.shape
    pop = np.ascontiguousarray(np.broadcast_to(base[order], (draws,) + base.shape),
                               dtype=np.float32)
    n_out = mat32.shape[1] if mat32 is not None else base.shape[0]
    out = np.empty((draws, steps + 1, n_out) + base.shape[1:], dtype=np.float32)

    def store(t, arr):
        if mat32 is None:  # gemeenten kept: _layout left them in their own order
            out[:, t] = arr
        elif one_hot:
            out[:, t] = np.add.reduceat(arr, starts, axis=1)
        else:
            out[:, t] = np.moveaxis(np.moveaxis(arr, 1, -1) @ mat32, -1, 1)

    store(0, pop)
    for t in range(steps):
        s_d, b_d = mort.survival_ratios(np.exp(log_m[:, t]), open_age)  # (draw, sex, age)
        b_t = births[t] * birth_shares(pop)
        survived = step(pop, s_d[:, None].astype(np.float32), b_d[:, None].astype(np.float32),
                         b_t.astype(np.float32))
        # National migration shock as a rate per (draw, sex, age), the same in every gemeente.
        nat = survived.sum(axis=1)
        extra = (shock[:, t] * netmig[t])[:, None, None] * profile[None]
        survived *= growth[t][None] + (extra / np.where(nat > 0, nat, 1)).astype(
            np.float32)[:, None]
        pop = np.maximum(survived, 0, out=survived)
        store(t + 1, pop)
    return out


def simulate_draws(base, years, births, rates, m, netmig, profile, draws, seed, mat,
                   engine: str = "numpy", chunk: int = 250, data=None, shocks=None,
                   lc: mort.LeeCarter | None = None) -> np.ndarray:
    """Draws of the projection, shape (draw, year, region or gemeente, sex, age), float32.

    Parameters: see :func:`forecast.population.build_projection`; ``rates`` are the point
    run's migration rates per step, ``m`` its death rates, ``mat`` the gemeente -> region
    matrix (None: keep gemeenten). Two optional inputs replace what is otherwise drawn from
    ``seed`` or fitted to ``data`` (zero shocks repeat the point run; hand-made inputs let a
    test check the engine against a plain reference):

    shocks : tuple of two ndarrays (draw, step), optional
        The mortality random walk [sigmas of the yearly change of ``k``] and the national
        net-migration shock [share of the year's net migration]; default
        :func:`draw_shocks` with ``seed``.
    lc : LeeCarter, optional
        Mortality model whose ``b`` and ``sigma`` carry the walk into the death rates
        (default: fitted to HMD 1970-2016).
    """
    if engine not in ENGINES:
        raise ValueError(f"`engine` was {engine!r} but is expected to be in {list(ENGINES)}")
    if chunk < 1:
        raise ValueError(f"`chunk` was {chunk} but must be >= 1")
    steps = len(years) - 1
    if lc is None:
        lc = mort.fit_lee_carter(mort.hmd_rates(data=data))
    if shocks is None:
        walk, shock = draw_shocks(draws, steps, seed, MIGRATION_SD, MIGRATION_RHO)
    else:
        walk, shock = (np.asarray(a, dtype=float) for a in shocks)
        if walk.shape != (draws, steps) or shock.shape != (draws, steps):
            raise ValueError(f"`shocks` have shapes {walk.shape} and {shock.shape} but are "
                             f"expected to be (draws, steps) = {(draws, steps)}")
    # Common mortality shock for both sexes, scaled by each sex's sigma of k.
    log_m = np.log(m)[None] + lc.b[None, None] * (walk[:, :, None, None]
                                                  * lc.sigma[None, None, :, None])
    one_hot, order, starts = _layout(mat, len(base))
    growth = (1 + np.stack(rates)[:, order]).astype(np.float32)  # (step, gemeente, sex, age)
    mat32 = None if mat is None else mat[order].astype(np.float32)
    fixed = (base, births, growth, netmig, profile, order, starts, mat32, one_hot, OPEN_AGE)
    bounds = [(i, min(i + chunk, draws)) for i in range(0, draws, chunk)]
    if engine == "numpy":
        parts = [_simulate_chunk(base, log_m[a:b], shock[a:b], *fixed[1:]) for a, b in bounds]
    else:
        import dask

        task = dask.delayed(_simulate_chunk, pure=True)
        shared = [dask.delayed(x) for x in fixed]
        parts = dask.compute(*[task(shared[0], log_m[a:b], shock[a:b], *shared[1:])
                               for a, b in bounds])
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
