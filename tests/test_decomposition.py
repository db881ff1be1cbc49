"""What drives the change in need (zorgcap.forecast.decomposition) and informal care (OOSR)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import demand as D
from zorgcap.forecast.decomposition import PARTS, decompose, shapley


def test_shapley_of_a_product_by_hand():
    # f = a*b: from (1, 1) to (2, 3): change 5; Das Gupta: a-effect = (2-1)(1+3)/2 = 2,
    # b-effect = (3-1)(1+2)/2 = 3.
    parts = shapley(lambda a, b: a * b, {"a": 1.0, "b": 1.0}, {"a": 2.0, "b": 3.0})
    assert parts == {"a": pytest.approx(2.0), "b": pytest.approx(3.0)}
    # Three factors sum exactly too.
    f = lambda a, b, c: a * b * c  # noqa: E731
    p = shapley(f, {"a": 2.0, "b": 5.0, "c": 1.0}, {"a": 3.0, "b": 4.0, "c": 1.5})
    assert sum(p.values()) == pytest.approx(3 * 4 * 1.5 - 2 * 5 * 1)


@needs_data
@pytest.mark.parametrize("scenario", ["beleidsarm", "trend", "langer-thuis", "mantelzorg"])
def test_parts_add_up_to_the_total_change_for_every_region(scenario):
    run = D.run_demand(scenario, to=2040)
    parts = decompose(run, waiting_share=0.032, years=[2030, 2040])
    assert parts.zk_code.nunique() == 31
    np.testing.assert_allclose(parts[list(PARTS)].sum(axis=1), parts["total"], atol=1e-6)
    np.testing.assert_allclose(parts["base"] + parts["total"], parts["need"], atol=1e-6)
    nat = parts[parts.year_to == 2040][list(PARTS)].sum()
    assert nat["ageing"] > nat["population"] > 0  # ageing drives the need, as TNO found
    if scenario == "beleidsarm":
        assert nat[["usage_rates", "informal_care", "care_at_home"]].abs().max() < 1e-6
    if scenario == "langer-thuis":
        assert nat["care_at_home"] < 0
    if scenario == "mantelzorg":
        assert nat["informal_care"] > 0


@needs_data
def test_oosr_falls_as_the_oldest_old_grow():
    demand = D.project_demand("beleidsarm", to=2040)
    nat = demand.groupby("year")[["persons_85plus"]].sum()
    # OOSR = persons 50-74 / persons 85+; measured 2023: 11.7 to 19.9 per region (median 14.1).
    z = demand[demand.year.isin([2023, 2040])].set_index(["year", "zk_code"])["oosr"]
    assert z.loc[2023].between(10, 22).all()
    assert (z.loc[2040] < z.loc[2023]).all()
    assert nat.loc[2040, "persons_85plus"] / nat.loc[2023, "persons_85plus"] > 1.8
    m = D.project_demand("mantelzorg", to=2040).set_index(["year", "zk_code"])
    b = demand.set_index(["year", "zk_code"])
    expected = (z.loc[2040] / z.loc[2023]) ** -0.3
    ratio = m.loc[2040, "clients_with_stay"] / b.loc[2040, "clients_with_stay"]
    np.testing.assert_allclose(ratio, expected.loc[ratio.index], rtol=1e-9)


@needs_data
def test_regional_level_and_convergence_by_hand():
    # Persisting factors: no change from the factor; the regional level is
    # need - need at national rates, here need x (1 - 1 / f) as nothing else differs
    # (beleidsarm has no home shift).
    w = 0.032
    run = D.run_demand("beleidsarm", to=2035)
    nat = D.run_demand("beleidsarm", to=2035, regional_factors="national")
    parts = decompose(run, waiting_share=w, years=[2030]).set_index("zk_code")
    f = dict(zip(run.components.codes, run.components.regional_factor, strict=True))
    # the change from usage rates is 0 without trend and convergence
    assert parts["usage_rates"].abs().max() < 1e-6
    np.testing.assert_allclose(parts["regional_level"],
                               parts["need"] * (1 - 1 / parts.index.map(f).to_numpy()),
                               rtol=1e-9)
    need_nat = decompose(nat, waiting_share=w, years=[2030]).set_index("zk_code")["need"]
    np.testing.assert_allclose(parts["need"] - parts["regional_level"], need_nat, rtol=1e-9)
    # Rotterdam (index > 1) gets need from its intensity; Zuidoost-Brabant (< 1) less.
    assert parts.loc["ZK20", "regional_level"] > 0 > parts.loc["ZK30", "regional_level"]
    # Converging by 2033: in 2028 half the log factor is left (f ** 0.5); the change of the
    # factor is a change of the region's usage rates, and the parts still add up.
    conv = D.run_demand("beleidsarm", to=2035, regional_convergence=2033)
    cp = decompose(conv, waiting_share=w, years=[2028, 2033]).set_index(["year_to", "zk_code"])
    np.testing.assert_allclose(cp[list(PARTS)].sum(axis=1) + cp["base"], cp["need"], atol=1e-6)
    assert cp.loc[(2028, "ZK20"), "usage_rates"] < 0  # Rotterdam moves down
    assert cp.loc[(2028, "ZK30"), "usage_rates"] > 0  # Zuidoost-Brabant up
    # Issue 27: the level starts at the observation R and only the shrunk usage intensity f
    # converges, so in 2033 the level is R / f (the location effect stays) and in 2028
    # it has moved half-way on the log scale: level(2028) / R = sqrt(level(2033) / R).
    path = conv.components.regional_path
    years = conv.components.years
    r_obs = conv.components.regional_factor
    np.testing.assert_allclose(path[0], r_obs, rtol=1e-12)
    np.testing.assert_allclose(path[years.index(2028)] / r_obs,
                               np.sqrt(path[years.index(2033)] / r_obs), rtol=1e-9)
    from zorgcap.forecast.intensity import intensity_factors

    f = intensity_factors().set_index("zk_code").loc[list(conv.components.codes)]
    shrunk = path[years.index(2033)] / r_obs  # 1 / f, f rescaled as the run does
    np.testing.assert_allclose(shrunk * f["factor"].to_numpy(),
                               (shrunk * f["factor"].to_numpy())[0], rtol=1e-9)
    # so the regional level in 2033 is need x (1 - 1 / (R / f))
    level33 = pd.Series(path[years.index(2033)], index=list(conv.components.codes))
    np.testing.assert_allclose(cp.loc[2033, "regional_level"],
                               cp.loc[2033, "need"] * (1 - 1 / level33[cp.loc[2033].index]),
                               rtol=1e-9)
