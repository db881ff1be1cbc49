"""Lee-Carter mortality calibrated to CBS life expectancy (zorgcap.forecast.mortality)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_data

from zorgcap.forecast import mortality as mort


def test_life_table_of_constant_hazard_matches_the_closed_form():
    # With m = 0.1 at every age and a_x = 0.5, q = 0.1 / 1.05 and e0 follows from the
    # geometric series; the open group 100+ adds l_100 / m. Computed by hand below.
    m = np.full(100, 0.1)
    lt = mort.life_table(m)
    q = 0.1 / 1.05
    q0 = 0.1 / (1 + 0.9 * 0.1)
    assert lt["l"][1] == pytest.approx(1 - q0)
    assert lt["l"][2] == pytest.approx((1 - q0) * (1 - q))
    # Gompertz extension of a flat schedule stays flat, so e at 100 is 1/m = 10 years.
    assert lt["e"][100] == pytest.approx(10.0)
    assert lt["e"][50] == pytest.approx(1 / 0.1, rel=1e-3)


def test_survival_ratios_conserve_people_without_deaths():
    m = np.full((2, 100), 1e-12)
    surv, birth = mort.survival_ratios(m, 95)
    assert np.allclose(surv, 1) and np.allclose(birth, 1)


@pytest.mark.calibration
@needs_data
def test_lee_carter_fit_reproduces_the_last_observed_year():
    rates = mort.hmd_rates()
    lc = mort.fit_lee_carter(rates)
    fitted = np.exp(lc.log_rates(lc.k[:, -1]))
    e65_fit = mort.life_expectancy(fitted, 65)
    e65_obs = mort.life_expectancy(rates[:, -1], 65)
    # HMD 2016: men 18.37, women 21.02; the one-factor fit gives men 18.04 (the known
    # jump-off bias of Lee-Carter; the calibration to CBS targets removes it).
    assert np.abs(e65_fit - e65_obs).max() < 0.4
    assert np.allclose(lc.b.sum(axis=1), 1) and np.allclose(lc.k.sum(axis=1), 0, atol=1e-8)
    assert (lc.drift < 0).all()  # mortality fell 1970-2016 for both sexes


@pytest.mark.calibration
@needs_data
@pytest.mark.parametrize("year", [2030, 2040])
def test_calibrated_e65_and_e0_match_cbs(year):
    m = mort.calibrated_rates([year])
    t = mort.e_targets().set_index(["year", "sex"])
    e65 = mort.life_expectancy(m[0], 65)
    e0 = mort.life_expectancy(m[0], 0)
    # CBS Kernprognose 2023 (85742NED): 2030 e65 men 19.82, women 22.16;
    # 2040 men 20.92, women 23.41.
    expected = {2030: (19.82, 22.16), 2040: (20.92, 23.41)}[year]
    assert t.loc[(year, "male"), "e65"] == expected[0]
    assert np.abs(e65 - np.array(expected)).max() < 0.2
    assert np.abs(e0 - t.loc[year].loc[list(mort.SEXES), "e0"].to_numpy()).max() < 0.2
    # Mortality falls: every age's rate in 2040 is below 2021's for ages 65+.
    if year == 2040:
        m21 = mort.calibrated_rates([2021])[0]
        assert (m[0][:, 65:] < m21[:, 65:]).all()
