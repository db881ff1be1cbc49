"""Slow, obvious references for the stochastic engine (zorgcap.forecast.stochastic).

In the manner of hierarchicalforecast's and statsmodels' tests of fast code against a plain
implementation, the vectorised engine (float64 arithmetic; the full output by age stored in
float32) is checked against two references that are
easy to read and hard to get wrong:

1. **The point run** (``test_zero_shocks_reproduce_the_point_run``, real data). A draw whose
   mortality random walk and migration shock are both zero is the deterministic projection:
   ``build_projection(draws=n)`` with :func:`zorgcap.forecast.stochastic.draw_shocks` replaced by
   zeros must equal ``build_projection(draws=0)``, every draw, every year, at gemeente level
   and after aggregation to zorgkantoorregio. What this covers: the draws rebuild the point
   path from the base population, the point run's death rates and births, and its recorded
   migration rates (``rates`` = new / survived - 1, which already hold the national KVS
   scaling and the regional IPF of ages 0-64, so the draws do not re-run the calibration; a
   zero-shock draw repeats it through the rates); the gemeente reordering and region sums.
   Tolerance: float32 (the storage of the full output) on the float64 point run; measured 4.2e-7
   relative at gemeente level and 3.1e-7 at zk level to 2024 (1.1e-6 to 2050).
2. **A plain-loop version** (``test_engine_matches_a_plain_loop_reference``, no data). One
   chunk's simulation written from the model's description in :mod:`zorgcap.forecast.population`
   (steps 2, 3 and 6) with explicit loops over draws, years, gemeenten, sexes and ages, in
   float64, run on a hand-made case (3 gemeenten, 2 regions, 2 draws, 3 steps, made-up death
   rates, Lee-Carter ``b`` and ``sigma``, migration rates, profile and shocks). The engine
   hard-codes the open age 95 (:data:`zorgcap.forecast.schema.OPEN_AGE`), so the case has the full
   age axis 0..95. The survival ratios of one schedule come from
   :func:`zorgcap.forecast.mortality.survival_ratios` (tested in ``test_mortality.py``); everything
   the engine adds to them - the shocked death rates, ageing, the open group, births, the
   migration rates and shock, clipping, aggregation - is re-derived here. Run at gemeente
   level, with a one-hot gemeente -> region matrix that the engine reorders (its ``reduceat``
   path) and with a split gemeente (its matrix-product path), in chunks of 1 and of all
   draws. Measured: max abs 1.2e-4 persons on cells up to 417 (2.8e-7 of the largest).
3. **That the hand-made case is a real test**: it reaches clipping at zero and an age nobody
   has nationally, its shocks move the draws far beyond the tolerance, and shocks of the
   wrong shape are refused.

Both comparisons take the point run's migration rates as given: whether a shocked draw
should re-run the regional calibration is a modelling choice (population.py, step 6), not
something these references can check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import needs_data

from zorgcap.forecast import mortality as mort
from zorgcap.forecast import population as P
from zorgcap.forecast import stochastic as S
from zorgcap.forecast.schema import OPEN_AGE

# --- 1. zero shocks reproduce the point run ----------------------------------------------

# float32 carries 24 bits (eps 1.2e-7); storing the draws in float32 stays below 5e-7
# relative (measured 4.2e-7), so 2e-6 is float32 precision with room, far below any model
# effect (a draw's mortality or migration shock moves cells by 1e-3 and more).
ZERO_SHOCK_RTOL = 2e-6


def _zero_shocks(draws, steps, seed, sd, rho):
    return np.zeros((draws, steps)), np.zeros((draws, steps))


@needs_data
@pytest.mark.parametrize("level", ["gemeente", "zk"])
def test_zero_shocks_reproduce_the_point_run(level, monkeypatch):
    point = P.build_projection(to=2024, level=level)
    monkeypatch.setattr(S, "draw_shocks", _zero_shocks)
    draws = P.build_projection(to=2024, level=level, draws=3, seed=5)
    assert draws.codes == point.codes and draws.years == point.years
    assert draws.persons.dtype == np.float32 and draws.persons.shape[0] == 3
    expected = np.broadcast_to(point.persons, draws.persons.shape)
    # rtol on every cell; atol 0 - cells the point run leaves empty stay exactly empty.
    np.testing.assert_allclose(draws.persons, expected, rtol=ZERO_SHOCK_RTOL, atol=0)


# --- 2. a plain-loop reference on a hand-made case ----------------------------------------

BOYS_PER_GIRL = 1.05  # CBS long-run sex ratio at birth (zorgcap.forecast.population, step 3)


def plain_draws(base, births, rates, m, netmig, profile, walk, shock, lc_b, lc_sigma, mat):
    """One person-group at a time; returns (draw, year, gemeente or region, sex, age), float64.

    base (gemeente, sex, age 0..95) [persons]; births (step,) [persons]; rates (step,
    gemeente, sex, age) [-]; m (step, sex, age 0..99) [per person-year]; netmig (step,)
    [persons]; profile (sex, age) [share]; walk, shock (draw, step); lc_b (sex, age 0..99);
    lc_sigma (sex,); mat (gemeente, region) or None.
    """
    n_draws, n_steps = walk.shape
    n_gm, n_sex, n_age = base.shape
    open_age = n_age - 1
    out = np.zeros((n_draws, n_steps + 1, n_gm, n_sex, n_age))
    for d in range(n_draws):
        pop = [[[float(base[g, s, a]) for a in range(n_age)] for s in range(n_sex)]
               for g in range(n_gm)]
        out[d, 0] = pop
        for t in range(n_steps):
            # Survival of this draw and year: log m + b_x * sigma_sex * walk (Lee-Carter).
            surv, birth_surv = [], []
            for s in range(n_sex):
                m_draw = np.array([math.exp(math.log(m[t, s, x])
                                            + lc_b[s, x] * lc_sigma[s] * walk[d, t])
                                   for x in range(m.shape[-1])])
                ratios, l0 = mort.survival_ratios(m_draw, open_age)
                surv.append(ratios)
                birth_surv.append(float(l0))
            # Births of the year by each gemeente's share of the women aged 15-49.
            women = [sum(pop[g][1][a] for a in range(15, 50)) for g in range(n_gm)]
            # Ageing: everyone one year older; the open group keeps its own survivors.
            new = [[[0.0] * n_age for _ in range(n_sex)] for _ in range(n_gm)]
            for g in range(n_gm):
                for s in range(n_sex):
                    for a in range(n_age):
                        older = min(a + 1, open_age)
                        new[g][s][older] += pop[g][s][a] * surv[s][a]
                    sex_share = (BOYS_PER_GIRL if s == 0 else 1.0) / (1 + BOYS_PER_GIRL)
                    new[g][s][0] = (births[t] * women[g] / sum(women) * sex_share
                                    * birth_surv[s])
            # Migration: the point run's rate of every cell, plus the national shock
            # (shock x net migration x profile) shared by the gemeenten in proportion to
            # their survivors of that sex and age; nobody below zero.
            for s in range(n_sex):
                for a in range(n_age):
                    national = sum(new[g][s][a] for g in range(n_gm))
                    extra = shock[d, t] * netmig[t] * profile[s, a]
                    for g in range(n_gm):
                        share = new[g][s][a] / national if national > 0 else 0.0
                        moved = new[g][s][a] * (1 + rates[t, g, s, a]) + extra * share
                        new[g][s][a] = max(moved, 0.0)
            pop = new
            out[d, t + 1] = pop
    if mat is None:
        return out
    regional = np.zeros(out.shape[:2] + (mat.shape[1],) + out.shape[3:])
    for d in range(n_draws):
        for y in range(n_steps + 1):
            for g in range(n_gm):
                for r in range(mat.shape[1]):
                    for s in range(n_sex):
                        for a in range(n_age):
                            regional[d, y, r, s, a] += mat[g, r] * out[d, y, g, s, a]
    return regional


def _handmade_case():
    """3 gemeenten, 2 draws, 3 steps, ages 0..95, made-up but plausible numbers."""
    rng = np.random.default_rng(7)
    n_age = OPEN_AGE + 1
    base = rng.uniform(20, 300, (3, 2, n_age))
    base[1, :, 90:] = 0.0  # a gemeente with nobody aged 90+
    base[:, :, 40] = 0.0  # nobody aged 40 anywhere: age 41 empty nationally after step 1
    ages = np.arange(100)
    m_year = 2e-4 + 3e-5 * np.exp(0.1 * ages)  # Gompertz-Makeham, ages 0..99
    m_year[0] = 4e-3
    m = np.stack([np.stack([m_year * 0.98 ** t, 0.8 * m_year * 0.98 ** t])
                  for t in range(3)])  # (step, sex, age)
    lc_b = rng.uniform(0.2, 1.0, (2, 100))
    lc_b /= lc_b.sum(axis=1, keepdims=True)  # Lee-Carter normalisation: sum b_x = 1
    lc = mort.LeeCarter(a=np.log(m[0]), b=lc_b, k=np.zeros((2, 2)),
                        drift=np.array([-1.5, -1.3]), sigma=np.array([1.6, 2.1]),
                        years=(1970, 2016))
    rates = rng.uniform(-0.04, 0.06, (3, 3, 2, n_age))
    rates[1, 2, 0, 10:13] = -1.3  # an emigration rate above 1: clipped at zero
    profile = rng.uniform(-0.5, 1.5, (2, n_age))
    profile /= profile.sum()  # shares summing to 1, net emigration at some ages
    walk = np.array([[2.0, 4.5, 7.0], [-3.0, -1.0, -6.0]])  # random-walk paths
    shock = np.array([[0.6, 0.3, -0.2], [-0.9, -1.4, -1.2]])  # migration AR(1) values
    return dict(base=base, births=np.array([1500.0, 1400.0, 1600.0]), rates=rates, m=m,
                netmig=np.array([15000.0, 12000.0, 18000.0]), profile=profile,
                walk=walk, shock=shock, lc=lc)


MATS = {
    "gemeente": None,
    # gemeente 1 in region 0, gemeenten 0 and 2 in region 1: the engine reorders them
    "one-hot": np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]),
    # gemeente 2 split 25/75 over the regions (a split gemeente): the matrix product path
    "split": np.array([[1.0, 0.0], [0.0, 1.0], [0.25, 0.75]]),
}


@pytest.mark.parametrize("chunk", [1, 250])
@pytest.mark.parametrize("mat", list(MATS))
def test_engine_matches_a_plain_loop_reference(mat, chunk):
    c = _handmade_case()
    engine = S.simulate_draws(
        c["base"], [2021, 2022, 2023, 2024], c["births"], list(c["rates"]), c["m"],
        c["netmig"], c["profile"], draws=2, seed=0, mat=MATS[mat], chunk=chunk,
        shocks=(c["walk"], c["shock"]), lc=c["lc"])
    reference = plain_draws(c["base"], c["births"], c["rates"], c["m"], c["netmig"],
                            c["profile"], c["walk"], c["shock"], c["lc"].b, c["lc"].sigma,
                            MATS[mat])
    assert engine.dtype == np.float32 and engine.shape == reference.shape
    # float32 storage of float64 arithmetic vs float64 loops, three steps: the storage
    # rounds each cell to 6e-8 relative (measured 5.9e-8 on every non-empty cell, max abs
    # 3.1e-5 persons). The bound (rtol 2e-6 plus 1e-6 of the largest cell, ~417 persons) was
    # set for the former float32 arithmetic, where survivors and emigrants of an all but
    # emptied cohort nearly cancel (measured then 6.7e-6 relative on cells >= 1 person).
    np.testing.assert_allclose(engine, reference, rtol=2e-6,
                               atol=1e-6 * np.abs(reference).max())


def test_handmade_case_reaches_every_branch():
    # Cells clipped at zero (1-1-2023, gemeente 2, boys aged 10-12) and an age nobody has
    # nationally (41 on 1-1-2022: the national shock of that age has nobody to go to).
    c = _handmade_case()
    ref = plain_draws(c["base"], c["births"], c["rates"], c["m"], c["netmig"], c["profile"],
                      c["walk"], c["shock"], c["lc"].b, c["lc"].sigma, None)
    assert (ref[:, 2, 2, 0, 10:13] == 0).all()
    assert (ref[:, 1, :, :, 41] == 0).all() and (c["profile"][:, 41] != 0).all()
    # Gemeente 1 had nobody aged 90+: its cohorts enter one age a year, and no migration
    # shock is sent to a cell that has no survivors.
    assert (ref[:, 3, 1, :, 90:93] > 0).all() and (ref[:, 3, 1, :, 93:] == 0).all()


def test_handmade_shocks_move_the_draws():
    # The reference comparison above is only meaningful if the shocks matter: the same case
    # with zero shocks differs from the shocked draws by far more than the tolerance.
    c = _handmade_case()
    args = (c["base"], [2021, 2022, 2023, 2024], c["births"], list(c["rates"]), c["m"],
            c["netmig"], c["profile"])
    shocked = S.simulate_draws(*args, draws=2, seed=0, mat=None,
                               shocks=(c["walk"], c["shock"]), lc=c["lc"])
    calm = S.simulate_draws(*args, draws=2, seed=0, mat=None,
                            shocks=(np.zeros((2, 3)), np.zeros((2, 3))), lc=c["lc"])
    moved = np.abs(shocked[:, 1:] - calm[:, 1:]) / np.maximum(calm[:, 1:], 1)
    assert moved.max() > 1e-2


def test_shocks_of_the_wrong_shape():
    c = _handmade_case()
    with pytest.raises(ValueError, match=r"expected to be \(draws, steps\) = \(2, 3\)"):
        S.simulate_draws(c["base"], [2021, 2022, 2023, 2024], c["births"], list(c["rates"]),
                         c["m"], c["netmig"], c["profile"], draws=2, seed=0, mat=None,
                         shocks=(np.zeros((2, 2)), np.zeros((2, 2))), lc=c["lc"])


# --- 4. reduced outputs and the benchmark kernel (issue 21) ---------------------------------

def _kernel():
    """benchmarks/kernel.py: the bare-numpy float64 kernel kept as the benchmark reference."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "kernel.py"
    spec = importlib.util.spec_from_file_location("zorgcap_bench_kernel", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.kernel


def _weights(n_age=OPEN_AGE + 1):
    """Usage-like rates rising with age, persons 50-74 and persons 85+ (zorgcap.forecast.demand)."""
    rates = np.stack([np.linspace(0, 0.2, n_age) ** 3, 1.3 * np.linspace(0, 0.2, n_age) ** 3])
    mid, old = np.zeros((2, n_age)), np.zeros((2, n_age))
    mid[:, 50:75] = 1.0
    old[:, 85:] = 1.0
    return np.stack([rates, mid, old])


@pytest.mark.parametrize("block", [1, 2, 5])
@pytest.mark.parametrize("mat", ["one-hot", "split", "gemeente"])
def test_weighted_sums_match_the_plain_loop_reference(mat, block):
    # Validation: the reduced output (draw, year, region, k) equals the plain float64 loops
    # of section 2 summed with the same weights. Both are float64, so the bound is float64
    # rounding over three steps (measured 4e-16 relative), far below any model effect.
    c = _handmade_case()
    w = _weights()
    engine = S.simulate_draws(
        c["base"], [2021, 2022, 2023, 2024], c["births"], list(c["rates"]), c["m"],
        c["netmig"], c["profile"], draws=2, seed=0, mat=MATS[mat], block=block,
        shocks=(c["walk"], c["shock"]), lc=c["lc"], weights=w)
    reference = np.einsum("dyrsa,ksa->dyrk", plain_draws(
        c["base"], c["births"], c["rates"], c["m"], c["netmig"], c["profile"], c["walk"],
        c["shock"], c["lc"].b, c["lc"].sigma, MATS[mat]), w)
    assert engine.dtype == np.float64 and engine.shape == reference.shape
    np.testing.assert_allclose(engine, reference, rtol=1e-12, atol=1e-12 * reference.max())


@pytest.mark.parametrize("mat", ["one-hot", "split"])
def test_engine_equals_the_benchmark_kernel_on_the_handmade_case(mat):
    # benchmarks/kernel.py is what benchmarks/run.py times the engine against: it must
    # compute the same numbers (float64 both; rounding only).
    c = _handmade_case()
    w = _weights()
    engine = S.simulate_draws(
        c["base"], [2021, 2022, 2023, 2024], c["births"], list(c["rates"]), c["m"],
        c["netmig"], c["profile"], draws=2, seed=0, mat=MATS[mat],
        shocks=(c["walk"], c["shock"]), lc=c["lc"], weights=w)
    kernel = _kernel()(c["base"], c["births"], 1 + c["rates"], c["netmig"], c["profile"],
                       np.log(c["m"]), c["lc"].b, c["lc"].sigma, c["walk"], c["shock"], w,
                       MATS[mat], block=2)
    np.testing.assert_allclose(engine, kernel, rtol=1e-12, atol=1e-12 * kernel.max())


@needs_data
def test_engine_equals_the_benchmark_kernel_on_real_data():
    # Real inputs (352 gemeenten, 31 regions, 2021-2030, 12 draws of seed 3): the engine
    # equals the kernel to float64 rounding (measured 3e-15 relative); the issue asks ~1e-6.
    years = list(range(2021, 2031))
    path, rates, m, births, netmig, profile = P._point_run(tuple(years), "point", "kvs",
                                                           True, None)
    codes, _ = P.base_population()
    mat = P._aggregation(tuple(codes), "zk", 2025)[0]
    lc = mort.fit_lee_carter(mort.hmd_rates())
    w = _weights()
    walk, shock = S.draw_shocks(12, len(years) - 1, 3, S.MIGRATION_SD, S.MIGRATION_RHO)
    engine = S.simulate_draws(path[0], years, births, rates, m, netmig, profile, 12, 3, mat,
                              lc=lc, weights=w, chunk=5)
    kernel = _kernel()(path[0], births, 1 + np.stack(rates), netmig, profile, np.log(m),
                       lc.b, lc.sigma, walk, shock, w, mat)
    np.testing.assert_allclose(engine, kernel, rtol=1e-10)
    # and it is what build_projection keeps (float32 storage of the float64 arithmetic)
    full = P.build_projection(to=2030, draws=12, seed=3)
    np.testing.assert_allclose(np.einsum("dyrsa,ksa->dyrk", full.persons.astype(float), w),
                               engine, rtol=1e-6)


@pytest.mark.parametrize("chunk", [1, 3])
def test_dask_without_a_client_runs_in_threads_and_gives_the_same_numbers(chunk):
    # No cluster, no __main__ guard: Dask's threaded scheduler in this process; chunk 1
    # makes 10 tasks, more than one batch (S.DASK_BATCH = 8).
    pytest.importorskip("dask")
    c = _handmade_case()
    args = (c["base"], [2021, 2022, 2023, 2024], c["births"], list(c["rates"]), c["m"],
            c["netmig"], c["profile"])
    walk = np.tile(c["walk"], (5, 1))
    shock = np.tile(c["shock"], (5, 1))
    kw = dict(draws=10, seed=0, mat=MATS["one-hot"], shocks=(walk, shock), lc=c["lc"],
              weights=_weights())
    local = S.simulate_draws(*args, **kw)
    threaded = S.simulate_draws(*args, engine="dask", chunk=chunk, **kw)
    np.testing.assert_array_equal(local, threaded)


def test_weights_of_the_wrong_shape():
    c = _handmade_case()
    with pytest.raises(ValueError, match=r"`weights` has shape \(2, 96\)"):
        S.simulate_draws(c["base"], [2021, 2022, 2023, 2024], c["births"], list(c["rates"]),
                         c["m"], c["netmig"], c["profile"], draws=2, seed=0, mat=None,
                         shocks=(c["walk"], c["shock"]), lc=c["lc"], weights=np.ones((2, 96)))


@needs_data
def test_float32_arithmetic_moves_the_demand_sums_negligibly():
    # The one place float32 is offered (precision="float32", for very many draws): the
    # demand model's three sums of 40 draws to 2050 in float32 and float64 arithmetic.
    # Measured 3.5e-7 relative (200 draws), quantiles 2.5e-7; the bound 1e-5 is still 1,000
    # times below the Monte Carlo error of a 95% band at 1,000 draws (about 1e-2).
    from zorgcap.forecast.demand import _total_weights
    from zorgcap.forecast.usage import rates_array, usage_rates

    w = _total_weights(rates_array(usage_rates(2023)))
    f64 = P.draw_totals(w, to=2050, draws=40, seed=8)
    f32 = P.draw_totals(w, to=2050, draws=40, seed=8, precision="float32")
    assert f32.dtype == np.float32 and f64.dtype == np.float64
    rel = np.abs(f32 - f64) / f64
    assert rel.max() < 1e-5
    assert 0 < rel.max()  # float32 arithmetic really ran
    q64, q32 = (np.quantile(x.sum(axis=2), [0.025, 0.975], axis=0) for x in (f64, f32))
    np.testing.assert_allclose(q32, q64, rtol=1e-5)


def test_default_chunk_gives_every_core_dask_tasks(monkeypatch):
    # numpy: chunks of CHUNK draws; Dask: at least 4 tasks per core, at most CHUNK draws each
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert S.default_chunk(200, "numpy") == S.CHUNK == 1000
    assert S.default_chunk(200, "dask") == 25  # 8 tasks on 2 cores
    assert S.default_chunk(100_000, "dask") == 1000  # capped: 100 tasks
    assert S.default_chunk(3, "dask") == S.BLOCK  # never below one block
