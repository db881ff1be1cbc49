"""Cohort-component projection per zorgkantoorregio (zorgcap.forecast.population)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap import forecast
from zorgcap.forecast import population as P
from zorgcap.forecast.io import read_table

pytestmark = needs_data


@pytest.fixture(scope="module")
def point():
    return P.build_projection(to=2050)


def _kvs_groups(year):
    kvs = P.national_targets([year])[0]  # (sex, group: 0-4 ... 85-89, 90+)
    return {"total": kvs.sum(), "65+": kvs[:, 13:].sum(), "80+": kvs[:, 16:].sum(),
            "90+": kvs[:, 18:].sum()}


def _ours(proj, year):
    nat = proj.persons[0][proj.years.index(year)].sum(axis=0)  # (sex, age)
    return {"total": nat.sum(), "65+": nat[:, 65:].sum(), "80+": nat[:, 80:].sum(),
            "90+": nat[:, 90:].sum()}


@pytest.mark.calibration
@pytest.mark.parametrize("year", [2030, 2040])
def test_regions_sum_to_the_cbs_national_projection(point, year):
    ours, kvs = _ours(point, year), _kvs_groups(year)
    # Kernprognose 2023 (85745NED): 2030 total 18,474,560; 2040 total 19,186,084.
    assert kvs["total"] == pytest.approx({2030: 18_474_560, 2040: 19_186_084}[year], abs=2)
    assert ours["total"] == pytest.approx(kvs["total"], rel=0.01)
    for group in ("65+", "80+", "90+"):
        assert ours[group] == pytest.approx(kvs[group], rel=0.03), group


@pytest.mark.validation
@pytest.mark.parametrize("year", [2030, 2040])
def test_components_run_reproduces_the_old_age_projection_independently(year):
    # Without imposing the national age structure (births, CBS e0/e65 and total net
    # migration only), the model still lands near CBS for the old ages: a check of the
    # mortality and ageing engine. Measured: 2040 65+ +1.2%, 80+ -0.9%, 90+ -3.0%.
    proj = P.build_projection(to=year, national="components", calibrate_regions=False)
    ours, kvs = _ours(proj, year), _kvs_groups(year)
    assert ours["total"] == pytest.approx(kvs["total"], rel=0.01)
    assert ours["65+"] == pytest.approx(kvs["65+"], rel=0.02)
    assert ours["80+"] == pytest.approx(kvs["80+"], rel=0.02)
    assert ours["90+"] == pytest.approx(kvs["90+"], rel=0.04)


@pytest.mark.parametrize("calibrate", [
    pytest.param(True, marks=pytest.mark.calibration),  # calibrated to these very totals
    pytest.param(False, marks=pytest.mark.validation),  # PBL's totals not used at all
])
def test_2023_provinces_within_2_percent_of_pbl(calibrate):
    proj = P.build_projection(to=2023, level="pv", indeling=2021, calibrate_regions=calibrate)
    f = proj.to_frame().query("year == 2023").groupby("pv_name").persons.sum()
    r = read_table("regional_projection_2023")
    r = r[(r.Perioden == "2023") & r.RegioIndeling2021.str.endswith("(PV)")]
    pbl = pd.Series(r.TotaleBevolking_1.to_numpy() * 1000,
                    index=r.RegioIndeling2021.str.removesuffix(" (PV)").to_numpy())
    assert len(f) == 12
    rel = (f / pbl[f.index] - 1).abs()
    assert rel.max() < 0.02, rel.sort_values().tail(3)


def test_no_negative_counts_and_85_plus_growth_reported(point):
    assert (point.persons >= 0).all()
    frame = point.to_frame()
    old = frame[frame.age >= 85].groupby(["zk_code", "year"]).persons.sum().unstack()
    growth = old[2040] / old[2021] - 1
    assert len(growth) == 31
    # 85+ nationally: 389,465 on 1-1-2021 (PC4 sums, shared PROVENANCE) -> 789,199 in 2040
    # (Kernprognose 2023: 85-89 + 90+); an older figure of 'ca. 0,9 mln' (geroscoop) came
    # from an earlier prognosis.
    assert old[2021].sum() == pytest.approx(389_465, rel=0.001)
    assert old[2040].sum() == pytest.approx(789_199, rel=0.005)
    # Measured: from +69% (ZK11 Kennemerland) to +172% (ZK07 Flevoland).
    assert growth.idxmax() == "ZK07" and (growth > 0.5).all() and (growth < 2.0).all()


@pytest.mark.calibration
def test_base_year_equals_the_base_population(point):
    _codes, base = P.base_population()
    assert point.persons[0, 0].sum() == pytest.approx(base.sum())
    assert base.sum() == pytest.approx(17_467_145, abs=1)  # PC4 sums, shared PROVENANCE


def test_weesp_is_counted_in_amsterdam_in_today_s_regions(point):
    gm = P.build_projection(to=2022, level="gemeente")
    zk21 = P.build_projection(to=2022, level="zk", indeling=2021).to_frame()
    zk25 = P.build_projection(to=2022, level="zk", indeling=2025).to_frame()
    weesp = gm.to_frame().query("gm_code == 'GM0457' and year == 2021").persons.sum()
    a21 = zk21.query("zk_code == 'ZK02' and year == 2021").persons.sum()
    a25 = zk25.query("zk_code == 'ZK02' and year == 2021").persons.sum()
    assert 15_000 < weesp < 25_000 and a25 - a21 == pytest.approx(weesp)


def test_draws_are_reproducible_and_bands_ordered():
    a = P.build_projection(to=2030, draws=20, seed=7)
    b = P.build_projection(to=2030, draws=20, seed=7)
    np.testing.assert_array_equal(a.persons, b.persons)
    f = a.to_frame()
    cols = ["persons_lo_95", "persons_lo_80", "persons", "persons_hi_80", "persons_hi_95"]
    assert (f[cols].diff(axis=1).iloc[:, 1:] >= 0).all().all()
    nat = a.persons[:, -1].sum(axis=(1, 2, 3))
    assert nat.std() > 0 and (a.persons >= 0).all()


def test_public_api_frame_columns():
    f = forecast.project_population(to=2022)
    assert f.columns.tolist() == ["year", "zk_code", "zk_name", "sex", "age", "persons"]
    assert f.zk_code.nunique() == 31 and f.age.max() == 95


def test_bad_arguments():
    with pytest.raises(ValueError, match="base_year"):
        P.build_projection(base_year=2023)
    with pytest.raises(ValueError, match="2022-2050"):
        P.build_projection(to=2060)
    with pytest.raises(ValueError, match="variant"):
        P.build_projection(to=2030, variant="optimistic")


def test_interval_variants_bracket_the_point_forecast():
    # Kernprognose 2023 95% interval for 2040: the band-wise bounds, summed (85745NED).
    lo = P.build_projection(to=2040, variant="low95", calibrate_regions=False)
    hi = P.build_projection(to=2040, variant="high95", calibrate_regions=False)
    pt = P.build_projection(to=2040, calibrate_regions=False)
    tot = [p.persons[0, -1].sum() for p in (lo, pt, hi)]
    assert tot[0] < tot[1] < tot[2]
    old = [p.persons[0, -1][..., 85:].sum() for p in (lo, pt, hi)]
    assert old[0] < old[1] < old[2]


def test_bad_base_population_file_gives_the_documented_error(tmp_path, shared_data):
    from zorgcap.forecast.errors import InputError

    src = shared_data / "population" / "gemeente_leeftijd_geslacht_2021_from_pc4.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[7] = "-5"  # inwoners_man of data row 5 (spreadsheet row 6)
    lines[5] = ",".join(cells)
    (tmp_path / "population").mkdir()
    (tmp_path / "population" / src.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        P.build_projection(to=2025, data=tmp_path)
    msg = str(err.value)
    assert src.name in msg and "row 6" in msg and "inwoners_man" in msg and "negative" in msg


# --- draw_totals: the population draws reduced in the engine (issue 21) ---------------------

def _old_and_clients():
    old = np.zeros((2, 96))
    old[:, 85:] = 1.0
    clients = np.where(np.arange(96) >= 65, 0.01 * 1.1 ** (np.arange(96) - 65), 0.0)
    return np.stack([old, np.stack([clients, 1.2 * clients])])


def test_draw_totals_are_the_sums_of_the_kept_draws():
    # Same seed, same random numbers: the reduced draws equal the weighted sums of what
    # build_projection keeps per sex and age (float32 storage there: 1e-6).
    w = _old_and_clients()
    full = P.build_projection(to=2026, draws=6, seed=4, level="pv")
    totals = P.draw_totals(w, to=2026, draws=6, seed=4, level="pv")
    assert totals.shape == (6, 6, 12, 2) and not totals.flags.writeable
    np.testing.assert_allclose(totals, np.einsum("dyrsa,ksa->dyrk",
                                                 full.persons.astype(float), w), rtol=1e-6)
    # year 0 is the base population in every draw (CBS 83502NED, 1-1-2021)
    np.testing.assert_allclose(totals[:, 0, :, 0].sum(axis=1),
                               P.base_population()[1][..., 85:].sum(), rtol=1e-12)


def test_draw_totals_are_shared_across_scenarios():
    # Two scenarios of one population variant: the population draws are simulated once.
    from zorgcap.forecast.demand import run_demand

    P._draw_totals.cache_clear()
    a = run_demand("beleidsarm", to=2026, draws=8, seed=9)
    b = run_demand("trend", to=2026, draws=8, seed=9)
    info = P._draw_totals.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert a.places_draws.shape == b.places_draws.shape == (8, 4, 31)


@pytest.mark.parametrize("weights, message", [
    (np.ones((3, 96)), r"`weights` has shape \(1, 3, 96\)"),
    (np.full((2, 96), np.nan), r"`weights` has shape \(1, 2, 96\) but is expected to be finite"),
])
def test_draw_totals_refuses_bad_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        P.draw_totals(weights, to=2023, draws=2)


def test_draw_totals_needs_draws():
    with pytest.raises(ValueError, match="`draws` was 0 but is expected to be at least 1"):
        P.draw_totals(np.ones((2, 96)), to=2023, draws=0)


def test_run_batch_simulates_population_draws_once_per_variant():
    # 2 scenarios x 2 variants: the population draws run twice (once per variant), and each
    # run equals the same run on its own.
    from zorgcap.forecast.demand import run_batch, run_demand

    P._draw_totals.cache_clear()
    combos = [("trend", "low95"), ("beleidsarm", "point"), ("beleidsarm", "low95"),
              ("trend", "point")]
    runs = run_batch(combos, to=2025, draws=6, seed=3)
    assert list(runs) == combos
    info = P._draw_totals.cache_info()
    assert (info.misses, info.hits) == (2, 2)
    alone = run_demand("beleidsarm", to=2025, draws=6, seed=3, population_variant="low95")
    np.testing.assert_array_equal(runs[("beleidsarm", "low95")].places_draws,
                                  alone.places_draws)
    assert not np.array_equal(runs[("beleidsarm", "low95")].places_draws,
                              runs[("beleidsarm", "point")].places_draws)


@pytest.mark.parametrize("combos, options, message", [
    (["trend"], {}, r"`combinations` holds 'trend' but every item is expected to be a pair"),
    ([("trend", "point")], {"scenario": "trend"}, "`scenario` is given per run"),
])
def test_run_batch_refuses_misuse(combos, options, message):
    from zorgcap.forecast.demand import run_batch

    with pytest.raises(ValueError, match=message):
        run_batch(combos, to=2025, **options)
