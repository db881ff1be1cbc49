"""Stochastic draws of the population projection, in-process (numpy) or on Dask.

All random numbers - the Lee-Carter random walk of mortality and the AR(1) shock of national
net migration (see :mod:`zorgcap.forecast.population`, step 6) - are drawn up front from one seeded
generator. The draws are then split into chunks that are simulated independently, so the
result does not depend on the engine or the chunk size: the Dask engine gives the same
numbers as the numpy engine for the same seed.

How the engine keeps memory flat (issue 21)
-------------------------------------------
The simulation runs per gemeente x sex x age (352 x 2 x 96 cells) in float64, a *block* of
:data:`BLOCK` draws at a time, in three preallocated buffers (population, next population,
migration factor) that are reused at every step and for every block: no array is allocated
per step, so the operating system serves no page faults for new large arrays, and a block's
buffers (3 x 1.1 MB at 2 draws) stay close to the processor's cache. After each step the
block is reduced at once to what the caller keeps:

* ``weights=None``: every sex and age, summed to the output regions (or the gemeenten kept),
  stored in float32 (the full population by age of every draw, for
  :func:`zorgcap.forecast.population.build_projection`);
* ``weights`` of shape (k, sex, age): ``k`` weighted sums per region, stored in float64 -
  e.g. clients (usage rates as weights), persons 50-74 and persons 85+ for the demand model.
  The output is then (draw, year, region, k): 31 x 3 numbers per draw and year instead of
  31 x 192 (or 352 x 192 at gemeente level), so 100,000 draws to 2040 need 1.5 GB in
  float64 and 0.74 GB with ``precision="float32"``.

``benchmarks/kernel.py`` holds the same arithmetic as a bare numpy float64 loop; the engine is
checked against it in ``tests/test_stochastic_reference.py`` and timed against it in
``benchmarks/run.py``.

Dask
----
``engine="dask"`` makes one task of ``chunk`` draws each. The tasks run on the current
``dask.distributed`` client if there is one (a ``LocalCluster`` or a real cluster), and
otherwise on Dask's threaded scheduler in this process - numpy releases the GIL in the
array loops, so threads use every core, and nothing is spawned: no
``if __name__ == "__main__":`` guard is needed in a script, and it works as is in a notebook
and from ``zorgcap ... --engine dask``. BLAS is limited to one thread while the draws run
(threadpoolctl; a ``dask.distributed`` worker process starts so already), so that the tasks,
not BLAS threads, fill the cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import mortality as mort
from .cohort import MIGRATION_RHO, MIGRATION_SD, SEX_RATIO_AT_BIRTH
from .schema import OPEN_AGE

__all__ = ["simulate_draws", "draw_shocks", "default_chunk", "ENGINES", "PRECISIONS", "BLOCK",
           "CHUNK"]

ENGINES = ("numpy", "dask")
#: Arithmetic of the population cells (see :func:`simulate_draws`).
PRECISIONS = ("float64", "float32")
#: Draws simulated together in the inner loop [draws]: 2 draws x 352 gemeenten x 192 cells x
#: 8 bytes = 1.1 MB per buffer, three buffers plus one year of migration rates (0.5 MB)
#: about the size of a core's L2 cache. Measured on this machine (2 cores, 2 MiB L2 each),
#: 200 draws to 2040 reduced to regions: block 1 1.05 s, 2 1.02 s, 4 1.16 s, 16 1.34 s,
#: 32 2.17 s. The block size does not change the numbers.
BLOCK = 2
#: Draws per chunk [draws]: one Dask task, and the unit of the numpy engine's loop. Memory
#: of a chunk: its random numbers and output (1,000 x 20 years x 31 regions x k float64 =
#: 5 MB for k = 1) and its buffers, whatever the number of draws.
CHUNK = 1000
#: Dask tasks computed together [tasks]: the results of a batch are copied into the output
#: before the next batch starts, so the memory beyond the output is one batch of chunks.
DASK_BATCH = 8
_BOYS = SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH)


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


@dataclass(frozen=True)
class _Fixed:
    """What every chunk shares (gemeenten in the engine's order); see :func:`simulate_draws`."""

    base: np.ndarray       # (gemeente, sex, age) [persons]
    births: np.ndarray     # (step,) [persons]
    growth: np.ndarray     # (step, gemeente, sex, age): 1 + the point run's migration rate
    netmig: np.ndarray     # (step,) [persons]
    profile: np.ndarray    # (sex, age) [share]
    log_m: np.ndarray      # (step, sex, age 0..99): log of the point run's death rates
    lc_b: np.ndarray       # (sex, age 0..99)
    lc_sigma: np.ndarray   # (sex,)
    weights: np.ndarray | None  # (sex * age, k) or None (keep every sex and age)
    starts: np.ndarray | None   # reduceat starts of the regions (one-hot matrix)
    mat_t: np.ndarray | None    # (region, gemeente) for a split gemeente, else None

    def out_shape(self) -> tuple:
        n_out = (len(self.starts) if self.starts is not None
                 else self.mat_t.shape[0] if self.mat_t is not None else self.base.shape[0])
        cells = self.base.shape[1:] if self.weights is None else (self.weights.shape[1],)
        return (n_out,) + cells


def _reduce(pop, fixed: _Fixed):
    """One block (draw, gemeente, sex, age) -> (draw, region, k) or (draw, region, sex*age)."""
    n, g = pop.shape[:2]
    if fixed.weights is not None:  # one product per draw: the same numbers in any block
        x = np.matmul(pop.reshape(n, g, -1), fixed.weights)
    else:
        x = pop.reshape(n, g, -1)
    if fixed.starts is not None:
        return np.add.reduceat(x, fixed.starts, axis=1)
    if fixed.mat_t is not None:
        return np.matmul(fixed.mat_t, x)
    return x


def _simulate_chunk(walk, shock, fixed: _Fixed, block: int = BLOCK, out=None):
    """Simulate one chunk of draws, ``block`` draws at a time in preallocated buffers.

    Returns ``out`` (draw, year, region or gemeente, k) in the engine's precision with
    weights, else (draw, year, region or gemeente, sex, age) float32.

    The arithmetic is :func:`zorgcap.forecast.cohort.step` followed by the migration factor, in an
    order that touches each cell as few times as possible: each population buffer has one
    spare element in front, so ``lag`` (the buffer seen one element earlier) holds age
    ``x - 1`` at age ``x``, and ageing is one contiguous product ``lag * s[x - 1]``; age 0
    (births) and the open group are then set. The clip at zero is skipped in a step where
    no factor ``1 + rate + shock`` can be negative (then no cell can be).
    """
    n, steps = walk.shape
    g, n_sex, n_age = fixed.base.shape
    top = OPEN_AGE
    if out is None:
        dtype = np.float32 if fixed.weights is None else fixed.growth.dtype
        out = np.empty((n, steps + 1) + fixed.out_shape(), dtype=dtype)
    flat = out.reshape(n, steps + 1, out.shape[2], -1)
    size = min(block, n) * g * n_sex * n_age
    dt = fixed.growth.dtype  # float64, or float32 where asked (simulate_draws)
    raw = [np.empty(size + 1, dtype=dt) for _ in range(2)]  # one spare element each
    fac = np.empty(size, dtype=dt)
    # the smallest migration factor of each step, sex and age over the gemeenten
    low = fixed.growth.min(axis=1)  # (step, sex, age)
    group = max(block, 64)  # draws whose death rates are turned into survival at once
    # BLAS threads: limited by the caller (simulate_draws) or by the Dask worker
    for g0 in range(0, n, group):
        g1 = min(g0 + group, n)
        # this group's death rates: the point run's plus the Lee-Carter walk
        log_m = fixed.log_m[None] + fixed.lc_b[None, None] * (
            walk[g0:g1, :, None, None] * fixed.lc_sigma[None, None, :, None])
        surv, bsurv = mort.survival_ratios(np.exp(log_m), top)  # (d, step, sex, age)
        # survival indexed by the age reached: lagged[x] = surv[x - 1] for x >= 1
        lagged = np.empty_like(surv, dtype=dt)
        lagged[..., 1:] = surv[..., :-1]
        lagged[..., 0] = 0.0
        for a in range(g0, g1, block):
            b = min(a + block, g1)
            shape = (b - a, g, n_sex, n_age)
            cells = (b - a) * g * n_sex * n_age
            bufs = [(r[1:cells + 1].reshape(shape), r[:cells].reshape(shape)) for r in raw]
            f = fac[:cells].reshape(shape)
            pop = bufs[0][0]
            pop[:] = fixed.base
            flat[a:b, 0] = _reduce(pop, fixed)
            for t in range(steps):
                (pop, _), (new, _) = bufs
                lag = bufs[0][1]
                k = slice(a - g0, b - g0)
                s = surv[k, t, None]  # (d, 1, sex, age)
                # ageing (cohort.step): age x from x - 1; the open group keeps its own
                np.multiply(lag, lagged[k, t, None], out=new)
                new[..., top] += pop[..., top] * s[..., top]
                # births by each gemeente's share of women 15-49 (cohort.birth_shares)
                women = pop[:, :, 1, 15:50].sum(axis=-1)  # (d, gemeente)
                share = fixed.births[t] * women / women.sum(axis=1, keepdims=True)
                new[:, :, 0, 0] = share * _BOYS * bsurv[k, t, None, 0]
                new[:, :, 1, 0] = share * (1 - _BOYS) * bsurv[k, t, None, 1]
                # the point run's migration rate plus the national shock as a rate per
                # (draw, sex, age), the same in every gemeente
                nat = new.sum(axis=1)  # (d, sex, age)
                extra = (shock[a:b, t] * fixed.netmig[t])[:, None, None] * fixed.profile
                rate = (extra / np.where(nat > 0, nat, 1)).astype(dt, copy=False)
                np.add(fixed.growth[t], rate[:, None], out=f)
                np.multiply(new, f, out=new)
                if (low[t] + rate).min() < 0:
                    np.maximum(new, 0, out=new)
                bufs.reverse()
                flat[a:b, t + 1] = _reduce(new, fixed)
    return out


def default_chunk(draws: int, engine: str) -> int:
    """Draws per chunk [draws]: :data:`CHUNK` for numpy; for Dask at most :data:`CHUNK` and
    at most a quarter of the draws per core (200 draws on 2 cores: 4 tasks of 25), at least
    :data:`BLOCK`. The chunk size does not change the numbers."""
    if engine != "dask":
        return CHUNK
    import os

    return int(max(BLOCK, min(CHUNK, -(-draws // (4 * (os.cpu_count() or 1))))))


def simulate_draws(base, years, births, rates, m, netmig, profile, draws, seed, mat,
                   engine: str = "numpy", chunk: int | None = None, data=None, shocks=None,
                   lc: mort.LeeCarter | None = None, weights=None,
                   block: int = BLOCK, precision: str = "float64") -> np.ndarray:
    """Draws of the projection per gemeente, reduced to what the caller keeps.

    Parameters: see :func:`zorgcap.forecast.population.build_projection`; ``rates`` are the point
    run's migration rates per step, ``m`` its death rates, ``mat`` the gemeente -> region
    matrix (None: keep gemeenten). Optional inputs:

    shocks : tuple of two ndarrays (draw, step), optional
        The mortality random walk [sigmas of the yearly change of ``k``] and the national
        net-migration shock [share of the year's net migration]; default
        :func:`draw_shocks` with ``seed``. Zero shocks repeat the point run; hand-made
        inputs let a test check the engine against a plain reference.
    lc : LeeCarter, optional
        Mortality model whose ``b`` and ``sigma`` carry the walk into the death rates
        (default: fitted to HMD 1970-2016).
    weights : ndarray (k, sex, age), optional
        Keep only ``k`` weighted sums over sex and age per region and year (e.g. usage
        rates [clients per person], or 0/1 masks of age groups) [per person].
    chunk : int, optional
        Draws per chunk (one Dask task) [draws]. Default :func:`default_chunk`: at most
        :data:`CHUNK`, and for Dask small enough that every core gets tasks.
    block : int
        Draws simulated together in the inner loop [draws]; does not change the numbers.
    precision : {"float64", "float32"}
        Arithmetic of the population cells. float32 halves the memory traffic (the engine
        is bound by it): about 1.3x faster, and the demand model's sums move by less than
        1e-5 relative over 2021-2050 (tests/test_stochastic_reference.py), against Monte
        Carlo errors of the bands of 1e-2. Default float64. The survival ratios are float64
        either way; the sums per region are stored in the chosen precision (100,000 draws
        to 2040: 0.74 GB instead of 1.5 GB).

    Returns
    -------
    numpy.ndarray
        Without ``weights``: (draw, year, region or gemeente, sex, age) [persons], float32
        (storage; the arithmetic is float64). With ``weights``: (draw, year, region or
        gemeente, k) [weighted persons] in the dtype of ``precision``.
    """
    if engine not in ENGINES:
        raise ValueError(f"`engine` was {engine!r} but is expected to be in {list(ENGINES)}")
    chunk = default_chunk(draws, engine) if chunk is None else chunk
    if chunk < 1:
        raise ValueError(f"`chunk` was {chunk} but must be >= 1")
    if block < 1:
        raise ValueError(f"`block` was {block} but must be >= 1")
    if precision not in PRECISIONS:
        raise ValueError(f"`precision` was {precision!r} but is expected to be in "
                         f"{list(PRECISIONS)}")
    dt = np.dtype(precision)
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
    base = np.asarray(base, dtype=float)
    if weights is not None:
        weights = np.asarray(weights, dtype=float)
        if weights.ndim != 3 or weights.shape[1:] != base.shape[1:]:
            raise ValueError(f"`weights` has shape {weights.shape} but is expected to be "
                             f"(k, sex, age) = (k, {base.shape[1]}, {base.shape[2]})")
        weights = np.ascontiguousarray(weights.reshape(len(weights), -1).T, dtype=dt)
    one_hot, order, starts = _layout(mat, len(base))
    fixed = _Fixed(
        base=base[order].astype(dt), births=np.asarray(births, dtype=float),
        growth=(1 + np.stack(rates)[:, order].astype(float)).astype(dt),
        netmig=np.asarray(netmig, dtype=float), profile=np.asarray(profile, dtype=float),
        log_m=np.log(m), lc_b=np.asarray(lc.b, dtype=float),
        lc_sigma=np.asarray(lc.sigma, dtype=float), weights=weights,
        starts=starts if one_hot else None,
        mat_t=None if mat is None or one_hot else np.ascontiguousarray(mat.T, dtype=float))
    bounds = [(i, min(i + chunk, draws)) for i in range(0, draws, chunk)]
    dtype = np.float32 if weights is None else dt
    from threadpoolctl import threadpool_limits

    # The output is allocated once; chunks are written into it (numpy) or copied into it a
    # batch of tasks at a time (Dask), so memory is the output plus a batch of chunks.
    out = np.empty((draws, steps + 1) + fixed.out_shape(), dtype=dtype)
    # One BLAS thread: the draws, not BLAS, fill the cores (Dask's threaded scheduler runs
    # the chunks in this process; a dask.distributed worker process starts with
    # OPENBLAS_NUM_THREADS=1 and the like already).
    with threadpool_limits(1, user_api="blas"):
        if engine == "numpy":
            for a, b in bounds:
                _simulate_chunk(walk[a:b], shock[a:b], fixed, block, out=out[a:b])
            return out
        import dask

        task = dask.delayed(_simulate_chunk, pure=True)
        shared = dask.delayed(fixed)
        for i in range(0, len(bounds), DASK_BATCH):
            batch = bounds[i:i + DASK_BATCH]
            parts = dask.compute(*[task(walk[a:b], shock[a:b], shared, block)
                                   for a, b in batch])
            for (a, b), part in zip(batch, parts, strict=True):
                out[a:b] = part
    return out
