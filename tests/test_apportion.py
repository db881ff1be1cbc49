"""Places per gemeente (zorgcap.forecast.apportion): a region's need shared by its gemeenten'
expected clients at national rates. Expected numbers worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from zorgcap.forecast.apportion import apportion_need, expected_clients


def test_expected_clients_weigh_the_old_more():
    # two sexes x three ages; rates 0, 0.01, 0.2 per person at ages 0, 1, 2 (both sexes)
    rates = np.array([[0.0, 0.01, 0.2], [0.0, 0.01, 0.2]])
    young = np.array([[100.0, 100.0, 0.0], [100.0, 100.0, 0.0]])  # 400 persons, none old
    old = np.array([[0.0, 50.0, 50.0], [0.0, 50.0, 50.0]])  # 200 persons, half old
    # young: 200 x 0.01 = 2 clients; old: 100 x 0.01 + 100 x 0.2 = 21 clients
    assert_allclose(expected_clients(np.stack([young, old]), rates), [2.0, 21.0], rtol=1e-12)


def test_a_region_s_need_is_shared_by_expected_clients_and_adds_up():
    need = pd.DataFrame({"year": [2030, 2030, 2040], "zk_code": ["ZK01", "ZK02", "ZK01"],
                         "need": [1000.0, 460.0, 1500.0]})
    weights = pd.DataFrame({
        "year": [2030, 2030, 2030, 2040, 2040, 2030],
        "gm_code": ["GM1", "GM2", "GM3", "GM1", "GM2", "GM9"],
        "zk_code": ["ZK01", "ZK01", "ZK02", "ZK01", "ZK01", "ZK09"],  # ZK09: not asked for
        "expected_clients": [30.0, 10.0, 7.0, 20.0, 30.0, 5.0]})
    out = apportion_need(need, weights).set_index(["year", "gm_code"])
    # 2030: ZK01 1,000 x 30/40 = 750 and x 10/40 = 250; ZK02 all 460 in its one gemeente;
    # 2040: 1,500 x 20/50 = 600 and x 30/50 = 900
    assert_allclose(out.loc[(2030, "GM1"), "need"], 750.0)
    assert_allclose(out.loc[(2030, "GM2"), "need"], 250.0)
    assert_allclose(out.loc[(2030, "GM3"), "need"], 460.0)
    assert_allclose(out.loc[[(2040, "GM1"), (2040, "GM2")], "share"], [0.4, 0.6])
    assert ("GM9" not in out.index.get_level_values("gm_code"))
    sums = out.groupby(["year", "zk_code"])["need"].sum()
    assert_allclose(sums.to_numpy(), need.set_index(["year", "zk_code"])["need"]
                    .reindex(sums.index).to_numpy(), rtol=1e-12)


def test_a_region_without_weights_is_refused():
    need = pd.DataFrame({"year": [2030], "zk_code": ["ZK01"], "need": [100.0]})
    zero = pd.DataFrame({"year": [2030], "gm_code": ["GM1"], "zk_code": ["ZK01"],
                         "expected_clients": [0.0]})
    with pytest.raises(ValueError, match="no gemeente with expected clients for region ZK01 "
                                         "in 2030"):
        apportion_need(need, zero)
    with pytest.raises(ValueError, match="no gemeente with expected clients"):
        apportion_need(need, zero.assign(zk_code="ZK02"))
    with pytest.raises(ValueError, match="lacks the column"):
        apportion_need(need.drop(columns="need"), zero)
