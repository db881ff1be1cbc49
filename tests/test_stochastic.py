"""Stochastic engine: same numbers in-process, in chunks and on a local Dask cluster."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_data

from forecast import population as P
from forecast.stochastic import draw_shocks

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
