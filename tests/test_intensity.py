"""Regional intensity from the 2014 zzp counts (zorgcap.forecast.intensity)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from conftest import needs_data
from numpy.testing import assert_allclose
from scipy.stats import spearmanr

from zorgcap.forecast import intensity as I
from zorgcap.forecast.errors import InputError
from zorgcap.forecast.io.tables import load_zzp_2014


def test_standardise_by_hand():
    # O = (10, 30), E = (20, 20): crude ratios 0.5 and 1.5, national ratio 40/40 = 1.
    assert_allclose(I.standardise([10, 30], [20, 20]), [0.5, 1.5])
    # National level divides out: E doubled -> same standardised ratios.
    assert_allclose(I.standardise([10, 30], [40, 40]), [0.5, 1.5])


def test_shrink_by_hand():
    # Three regions, O = (100, 100, 400), E = (200, 100, 300) -> national O/E = 1:
    # ratios 0.5, 1.0, 4/3; y = log ratios; v = 1/O + 0.1^2.
    obs, exp = np.array([100.0, 100, 400]), np.array([200.0, 100, 300])
    eb = I.shrink(obs, exp, extra_sd=0.1)
    y = np.log([0.5, 1.0, 4 / 3])
    v = 1 / obs + 0.01
    w = 1 / v
    ybar = (w * y).sum() / w.sum()
    # by hand: w = 50, 50, 80; ybar = (50 (-0.6931) + 80 (0.2877)) / 180 = -0.0647;
    # Q = 50 (0.6284)^2 + 50 (0.0647)^2 + 80 (0.3524)^2 = 19.745 + 0.209 + 9.934 = 29.89
    q = (w * (y - ybar) ** 2).sum()
    assert q == pytest.approx(29.89, abs=0.01)
    tau2 = (q - 2) / (w.sum() - (w ** 2).sum() / w.sum())  # 27.89 / (180 - 63.33) = 0.2391
    assert eb["tau2"] == pytest.approx(tau2) == pytest.approx(0.2391, abs=1e-3)
    b = v / (v + tau2)
    assert_allclose(eb["m"], (1 - b) * y)
    assert_allclose(eb["s"], np.sqrt((1 - b) * v))
    # shrunk toward 0 (factor 1), never past it
    assert (np.abs(eb["m"]) <= np.abs(y) + 1e-12).all()


def test_shrink_all_the_way_when_no_spread_beyond_noise():
    # Ratios within their noise (tau^2 = 0): every factor is 1.
    eb = I.shrink([1000, 1010, 990], [1000, 1000, 1000], extra_sd=0.1)
    assert eb["tau2"] == 0
    assert_allclose(eb["m"], 0)


def test_shrink_refuses_bad_input():
    with pytest.raises(ValueError, match="`extra_sd` was -1"):
        I.shrink([1, 2], [1, 2], extra_sd=-1)
    with pytest.raises(ValueError, match="count > 0"):
        I.shrink([0, 2], [1, 2])


def test_convergence_weights():
    assert_allclose(I.convergence_weights([2023, 2030], 2023, None), [1, 1])
    # base 2023, national by 2033: half the log factor left in 2028, none from 2033
    assert_allclose(I.convergence_weights([2023, 2028, 2033, 2040], 2023, 2033),
                    [1, 0.5, 0, 0])
    with pytest.raises(ValueError, match="`converge_by` was 2023"):
        I.convergence_weights([2023], 2023, 2023)


def test_level_paths_start_from_the_observation_and_widen_after_it():
    observed = np.array([1.3, 0.7, 1.0])  # base-year levels (unshrunk)
    modelled = np.array([1.2, 0.8, 1.0])  # shrunk intensities
    expected = np.array([100.0, 100, 50])
    years = [2023, 2032, 2041]
    w = np.array([1.0, 0.5, 1.0])
    point, draws = I.level_paths(observed, modelled, [0.1, 0.1, 0.1], w, expected, years,
                                 2023, draws=4000, seed=3, fixed=[np.nan, np.nan, 1.0])
    # by hand: base year = the observation; half-way convergence keeps observed x f**-0.5
    assert_allclose(point[0, 0], observed)
    assert_allclose(point[0, 1], [1.3 / 1.2 ** 0.5, 0.7 / 0.8 ** 0.5, 1.0])
    assert_allclose(point[0, 2], observed)  # weights 1: the level persists
    # the draws equal the observation in the base year (no base-year spread) ...
    assert_allclose(draws[:, 0], np.broadcast_to(observed, (4000, 3)))
    # ... and spread by sd x sqrt((t - 2023) / (2023 - 2014)): 0.1 after 9 years, 0.1 x
    # sqrt(2) after 18, before the rescaling that keeps the total. By hand, to first order:
    # the two free regions' weights E x level are 118.7 and 78.3 in 2032 (shares 0.603,
    # 0.397), so region 1 keeps 0.397 (e1 - e2): SD 0.397 x 0.1 x sqrt(2) = 0.0562; in
    # 2041 the weights are 130 and 70: SD 0.35 x 0.1 sqrt(2) x sqrt(2) = 0.0700.
    sd9 = np.log(draws[:, 1, 0] / point[0, 1, 0]).std()
    sd18 = np.log(draws[:, 2, 0] / point[0, 2, 0]).std()
    assert sd9 == pytest.approx(0.0562, rel=0.05) and sd18 == pytest.approx(0.0700, rel=0.05)
    # every draw keeps the point's national total sum(E level) in every year
    assert_allclose((draws * expected).sum(axis=2), np.broadcast_to(
        (point[0] * expected).sum(axis=1), (4000, 3)))
    assert_allclose(draws[:, :, 2], 1.0)  # the calibrated region is not drawn
    point0, none = I.level_paths(observed, modelled, [0, 0, 0], w, expected, years, 2023)
    assert none is None and point0.shape == (1, 3, 3)


def test_rake_meets_both_margins():
    seed = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = I._rake(seed, np.array([5.0, 5.0]), np.array([4.0, 6.0]))
    assert_allclose(out.sum(axis=1), [5, 5], rtol=1e-6)
    assert_allclose(out.sum(axis=0), [4, 6], rtol=1e-6)


def _raw(shared_data, name):
    with open(shared_data / "regional" / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@needs_data
def test_supply_2014_maps_32_regions_to_31(shared_data):
    s = I.supply_2014().set_index("zk_code")
    assert len(s) == 31
    rows = {int(r["Zorgkantoorcode"]): r for r in _raw(shared_data,
                                                         "sots2015_zzp_per_zorgkantoor_2014.csv")}

    def heavy(code):  # ZZP5_10_2020 / (1 + growth), straight from the file
        r = rows[code]
        return float(r["ZZP5_10_2020"]) / (1 + float(r["ZZP5_10_Perc_Groei"]))

    # ZK33 = Delft Westland Oostland (2478 / 1.2886) + Nieuwe Waterweg Noord (1913 / 1.0956)
    assert s.loc["ZK33", "zzp5_10"] == pytest.approx(heavy(5519) + heavy(5522))
    assert s.loc["ZK33", "zzp5_10"] == pytest.approx(1923.0 + 1746.1, abs=0.2)
    # Weesp (406 - 18 = 388 in 2014) moved from 't Gooi to Amsterdam; Vianen (262 - 93 = 169)
    # from Utrecht to Waardenland
    assert s.loc["ZK02", "zzp5_10"] == pytest.approx(heavy(5515) + 388)
    assert s.loc["ZK21", "zzp5_10"] == pytest.approx(heavy(5511) - 388)
    assert s.loc["ZK24", "zzp5_10"] == pytest.approx(heavy(5524) + 169)
    # het Bildt (labelled Utrecht in the source; Waadhoeke, Friesland since 2018) too
    assert s.loc["ZK23", "inhabitants"] == 1287470 - 19595 - 10625
    # Goeree-Overflakkee (501 - 98 = 403 in 2014), Binnenmaas (117 - 31 = 86) and Bernisse
    # (33 - 5 = 28) join Zuid-Hollandse Eilanden; the source filed them elsewhere
    assert s.loc["ZK29", "zzp5_10"] == pytest.approx(heavy(5523) + 403 + 86 + 28)
    assert s.loc["ZK27", "zzp5_10"] == pytest.approx(heavy(5525) - 403)
    # nothing lost: national sums as in PROVENANCE.md (zzp 1-4: 43,341)
    assert s["zzp1_4"].sum() == 43341
    assert s["inhabitants"].sum() == sum(float(r["AANT_INW"]) for r in rows.values())


@needs_data
def test_population_2014_meets_its_margins():
    from zorgcap.forecast.usage import institutional_rates

    codes, pop = I.population_2014()
    s = I.supply_2014().set_index("zk_code")
    assert_allclose(pop.sum(axis=(1, 2)), s.loc[codes, "inhabitants"], rtol=1e-6)
    nat = institutional_rates()
    nat = nat[nat["year"] == 2014].sort_values(["sex", "age"])
    share = pop.sum(axis=0) / pop.sum()
    expect = np.stack([nat[nat["sex"] == x]["persons"].to_numpy() for x in ("male", "female")])
    assert_allclose(share, expect / expect.sum(), atol=1e-7)


@needs_data
def test_intensity_factors_redistribute_and_shrink():
    f = I.intensity_factors().set_index("zk_code")
    assert len(f) == 31
    # weighted by expected clients the factors average to 1
    assert (f["factor"] * f["expected"]).sum() / f["expected"].sum() == pytest.approx(1)
    # Rotterdam highest (unshrunk 1.40), Zuidoost-Brabant lowest (0.80)
    assert f["ratio"].idxmax() == "ZK20" and f["ratio"].idxmin() == "ZK30"
    assert f.loc["ZK20", "ratio"] == pytest.approx(1.398, abs=0.002)
    # shrinkage keeps the side of 1 and ranks, and the band holds the factor
    assert ((f["factor"] - 1) * (f["ratio"] - 1) >= -1e-3).all()
    assert spearmanr(f["factor"], f["ratio"]).statistic > 0.99
    assert (f["factor_lo_95"] < f["factor"]).all() and (f["factor"] < f["factor_hi_95"]).all()
    # without the location term the Poisson noise alone (1/O ~ 0.0002) barely shrinks
    raw = I.intensity_factors(extra_sd=0.0).set_index("zk_code")
    assert raw["shrinkage"].max() < 0.05
    with pytest.raises(ValueError, match="`count` was 'zzp'"):
        I.intensity_factors("zzp")


@pytest.mark.validation
@needs_data
def test_zzp1_4_pattern_agrees_with_the_zzp5_10_index():
    # Independent check: the light-care (zzp 1-4, verzorgingshuis) counts of 2014 are not
    # used for the estimate. Standardised the same way, their regional pattern rank-correlates
    # 0.50 with the zzp 5-10 index (measured; p < 0.01 for 31 regions): regions with much
    # intramural care have much of both, but the two differ (zzp 1-4 was being phased out).
    heavy = I.intensity_factors("zzp5_10").set_index("zk_code")["ratio"]
    light = I.intensity_factors("zzp1_4").set_index("zk_code")["ratio"]
    rho = spearmanr(heavy, light.reindex(heavy.index)).statistic
    assert rho == pytest.approx(0.502, abs=0.01)
    assert rho > 0.4


def test_reader_names_file_row_and_fix(tmp_path):
    folder = tmp_path / "regional"
    folder.mkdir()
    (folder / "sots2015_zzp_per_zorgkantoor_2014.csv").write_text(
        "Zorgkantoor,Zorgkantoorcode,AANT_INW,ZZP1_4,ZZP5_10_2020,ZZP5_10_Perc_Groei\n"
        "Zorgkantoor A,5501,100,1,10,0.1\n"
        "Zorgkantoor B,5502,100,x,10,0.1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_zzp_2014("zorgkantoor", data=tmp_path)
    text = str(err.value)
    assert "ZZP1_4" in text and "row 3" in text and "sots2015" in text
    with pytest.raises(ValueError, match="`level` was 'pc4'"):
        load_zzp_2014("pc4", data=tmp_path)
