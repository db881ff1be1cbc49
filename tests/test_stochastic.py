"""Stochastic engine: same numbers in-process, in chunks and on a local Dask cluster."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_data

from zorgcap.forecast import population as P
from zorgcap.forecast.stochastic import draw_shocks

pytestmark = needs_data


def test_shocks_are_seeded_and_ar1():
    w1, s1 = draw_shocks(500, 20, seed=1, sd=0.35, rho=0.8)
    w2, s2 = draw_shocks(500, 20, seed=1, sd=0.35, rho=0.8)
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_array_equal(w1, w2)
    # A stationary AR(1) started at its stationary sd keeps sd 0.35 and lag-1 correlation 0.8.
    assert s1[:, -1].std() == pytest.approx(0.35, rel=0.1)
    assert np.corrcoef(s1[:, 10], s1[:, 11])[0, 1] == pytest.approx(0.8, abs=0.06)


def test_chunk_size_does_not_change_the_draws():
    a = P.build_projection(to=2028, draws=30, seed=11, chunk=7)
    b = P.build_projection(to=2028, draws=30, seed=11, chunk=30)
    np.testing.assert_array_equal(a.persons, b.persons)


def test_dask_local_cluster_gives_identical_results():
    pytest.importorskip("dask.distributed")
    from dask.distributed import Client, LocalCluster

    local = P.build_projection(to=2028, draws=24, seed=11)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        remote = P.build_projection(to=2028, draws=24, seed=11, engine="dask", chunk=8)
    np.testing.assert_array_equal(local.persons, remote.persons)


def test_gemeente_level_draws_keep_the_gemeente_order():
    gm = P.build_projection(to=2023, draws=4, seed=2, level="gemeente")
    pt = P.build_projection(to=2023, level="gemeente")
    # Year 0 of every draw is the base population, in the point run's gemeente order.
    np.testing.assert_allclose(gm.persons[0, 0], pt.persons[0, 0], rtol=1e-6)


def test_unknown_engine():
    with pytest.raises(ValueError, match="`engine` was 'spark'"):
        P.build_projection(to=2023, draws=2, engine="spark")


def test_dask_in_process_cluster_needs_no_main_guard():
    # A notebook or a script without `if __name__ == "__main__":` can use a cluster whose
    # workers are threads of this process (LocalCluster(processes=False)): nothing is
    # spawned, and the numbers equal the numpy engine's.
    pytest.importorskip("dask.distributed")
    from dask.distributed import Client, LocalCluster

    w = np.zeros((2, 96))
    w[:, 85:] = 1.0
    local = P.draw_totals(w, to=2025, draws=12, seed=5)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster, Client(cluster):
        remote = P.draw_totals(w, to=2025, draws=12, seed=5, engine="dask", chunk=5)
    np.testing.assert_array_equal(local, remote)


def test_memory_grows_only_with_what_is_kept():
    # tracemalloc counts numpy's allocations. 400 draws 2021-2030 kept as three sums per
    # region: the output is 400 x 10 x 31 x 3 x 8 bytes = 3.0 MB. Kept per sex and age
    # (the former engine) the same draws were 95 MB per region and 2.1 GB per gemeente.
    # Measured: peak 19.0 MB at 100 draws, 24.0 MB at 400 (buffers, the point run's rates
    # and the random numbers); the growth, 5.0 MB for 300 draws, is 2.2x the output's.
    import tracemalloc

    w = np.zeros((3, 2, 96))
    w[0], w[1][:, 50:75], w[2][:, 85:] = 0.01, 1.0, 1.0
    P.draw_totals(w, to=2030, draws=2, seed=1)  # the point run and data, outside the count
    peaks = {}
    for n in (100, 400):
        tracemalloc.start()
        try:
            out = P.draw_totals(w, to=2030, draws=n, seed=1)
            peaks[n] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert out.nbytes == 400 * 10 * 31 * 3 * 8
    assert peaks[400] < 64e6
    assert peaks[400] - peaks[100] < 4 * (out.nbytes * 3 / 4) + 2e6
