"""The run object (zorgcap.forecast.modelchain): config validation, subsets, one number per
quantity, options reaching every command, frames that save."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap.forecast import ChainConfig, ChainResult, ForecastChain
from zorgcap.forecast.cli import _chain_config, build_parser
from zorgcap.forecast.decomposition import PARTS
from zorgcap.forecast.errors import InputError

# --- validation up front (no data needed: nothing expensive runs) -------------------------


@pytest.mark.parametrize("kwargs,match", [
    ({"to": 2024}, r"`to` was 2024 but is expected to be in 2025-2050"),
    ({"to": 2040.5}, r"`to` was 2040.5 but is expected to be a whole number"),
    ({"draws": -1}, r"`draws` was -1"),
    ({"draws": True}, r"`draws` was True"),
    ({"occupancy": 1.5}, r"`occupancy` was 1.5 but is expected to be a number in \[0.5, 1"),
    ({"occupancy": float("nan")}, r"`occupancy` was nan"),
    ({"fte_per_place": -1}, r"`fte_per_place` was -1"),
    ({"fte_per_place": float("inf")}, r"`fte_per_place` was inf"),
    ({"scenario": "groei"}, r"`scenario` was 'groei' but is expected to be in"),
    ({"population_variant": "low99"}, r"`population_variant` was 'low99'.*one of"),
    ({"regional_factors": "pbl"}, r"`regional_factors` was 'pbl'"),
    ({"regional_convergence": 2020}, r"`regional_convergence` was 2020"),
    ({"regional_convergence": 2030.5}, r"`regional_convergence` was 2030.5"),
    ({"plans_elsewhere": "zero"}, r"`plans_elsewhere` was 'zero'.*\['estimate', 'none'\]"),
    ({"regional_sd": -0.1}, r"`regional_sd` was -0.1"),
    ({"waiting_file": "no/such.csv"}, r"`waiting_file` was 'no/such.csv' but no such file"),
    ({"waiting": "all"}, r"`waiting` was 'all'"),
    ({"reference": "ratio75:nan"}, r"planning ratio must be a positive number"),
    ({"reference": "tno2030"}, r"`reference` was 'tno2030'"),
    ({"engine": "spark"}, r"`engine` was 'spark'"),
    ({"level": [80, 100]}, r"`level` holds 100"),
    ({"level": "95"}, r"`level` holds '9'"),
    ({"capacity": "no/such/file.csv"}, r"`capacity` was 'no/such/file.csv' but no such file"),
    ({"scenario_file": "nope.toml"}, r"`scenario_file` was 'nope.toml' but no such file"),
    ({"data": "no/such/dir"}, r"`data` was 'no/such/dir' but no such directory exists"),
])
def test_bad_options_are_refused_before_any_work(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ChainConfig(**kwargs)


def test_unknown_region_is_an_input_error_and_regions_are_normalised():
    with pytest.raises(InputError, match="ZK15"):
        ChainConfig(regions=["ZK15"])
    c = ChainConfig(regions=["ZK20", "ZK08", "ZK20"], level=[95, 80])
    assert c.regions == ("ZK20", "ZK08") and c.level == (80, 95)
    assert ChainConfig(regions="ZK08").regions == ("ZK08",)
    assert json.loads(json.dumps(c.to_dict()))["regions"] == ["ZK20", "ZK08"]
    with pytest.raises(AttributeError):
        c.draws = 5  # frozen


def test_a_scenario_from_a_file_is_known_to_the_config(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[scenario.krimp]\nrates = "constant"\nrate_change = -0.01\n',
                    encoding="utf-8")
    assert ChainConfig(scenario="krimp", scenario_file=path).scenario == "krimp"
    with pytest.raises(ValueError, match="`scenario` was 'krimp'"):
        ChainConfig(scenario="krimp")


# --- options reach every command ------------------------------------------------------------


@pytest.mark.parametrize("command", ["forecast", "gap", "report"])
def test_every_option_reaches_the_config_of_every_command(command, tmp_path):
    files = {}
    for name, body in (("s.toml", '[scenario.krimp]\nrates = "constant"\n'),
                       ("cap.csv", "zk_code,places_with_stay\nZK01,100\n"),
                       ("plans.csv", "x\n"), ("status.csv", "x\n"), ("rates.csv", "x\n"),
                       ("cal.csv", "x\n"), ("wait.csv", "x\n")):
        files[name] = tmp_path / name
        files[name].write_text(body, encoding="utf-8")
    argv = ["--data", str(tmp_path), command, "--scenario", "krimp",
            "--scenario-file", str(files["s.toml"]), "--to", "2035", "--draws", "7",
            "--seed", "11", "--population-variant", "low95", "--occupancy", "0.95",
            "--rates", str(files["rates.csv"]), "--calibrate", str(files["cal.csv"]),
            "--regional-factors", "71488ned", "--regional-convergence", "2035",
            "--regional-sd", "0.05",
            "--capacity", str(files["cap.csv"]),
            "--plans", str(files["plans.csv"]), "--plans-elsewhere", "none",
            "--status-file", str(files["status.csv"]),
            "--waiting", "total", "--waiting-file", str(files["wait.csv"]),
            "--fte-per-place", "1.4", "--clustered-share", "0.4",
            "--workforce", "replacement", "--workforce-file", str(files["wait.csv"]),
            "--staff-ratios", str(files["rates.csv"]),
            "--reference", "ratio80:110",
            "--engine", "dask", "--regions", "zk08, ZK20", "--level", "50,90"]
    config = _chain_config(build_parser().parse_args(argv))
    assert config == ChainConfig(
        scenario="krimp", scenario_file=str(files["s.toml"]), to=2035, draws=7, seed=11,
        population_variant="low95", occupancy=0.95, rates=str(files["rates.csv"]),
        calibrate=str(files["cal.csv"]), regional_factors="71488ned",
        regional_convergence=2035, regional_sd=0.05,
        capacity=str(files["cap.csv"]), plans=str(files["plans.csv"]), plans_elsewhere="none",
        status_file=str(files["status.csv"]), waiting="total",
        waiting_file=str(files["wait.csv"]), fte_per_place=1.4,
        clustered_share=0.4, workforce="replacement", workforce_file=str(files["wait.csv"]),
        staff_ratios=str(files["rates.csv"]),
        reference="ratio80:110", engine="dask", regions=("ZK08", "ZK20"),
        level=(50, 90), data=str(tmp_path))


def test_the_commands_share_their_defaults():
    configs = [_chain_config(build_parser().parse_args([c])) for c in
               ("forecast", "gap", "report")]
    assert configs[0] == configs[1] == configs[2] == ChainConfig()
    assert ChainConfig().scenario == "trend"
    assert ChainConfig().regional_factors == "intensity2014"
    assert ChainConfig().regional_convergence is None  # factors persist
    assert _chain_config(build_parser().parse_args(["gap", "--waiting", "none"])).waiting is None


def test_cli_reports_a_bad_option_in_one_line(capsys):
    from zorgcap.forecast.cli import main

    assert main(["gap", "--occupancy", "2"]) == 2
    err = capsys.readouterr().err
    assert "`occupancy` was 2.0 but is expected to be a number in [0.5, 1.0]" in err
    assert "Traceback" not in err
    assert main(["--data", "/no/such/dir", "forecast"]) == 2
    assert "no such directory" in capsys.readouterr().err


# --- runs -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full():
    return ForecastChain(ChainConfig(to=2030, draws=30, seed=7)).run()


@pytest.fixture(scope="module")
def subset():
    from zorgcap.forecast import modelchain

    modelchain._STAGES.clear()  # computed afresh, not the full run's kept demand stage
    return ForecastChain(ChainConfig(to=2030, draws=30, seed=7,
                                     regions=("ZK20", "ZK08"))).run()


# --- the what-if loop (issue 21, item 2) ------------------------------------------------


def _plans_file(path, rows):
    head = "project_id,zk_code,year_ready,places,delivery_form,status,kind\n"
    path.write_text(head + "".join(r + "\n" for r in rows), encoding="utf-8")
    return str(path)


@needs_data
def test_with_plans_equals_a_fresh_run_and_reuses_the_demand(full, tmp_path):
    from zorgcap.forecast import modelchain

    plans = _plans_file(tmp_path / "plannen.csv", ["P1,ZK08,2025,120,with_stay,planned,"
                                                   "expansion", "P2,ZK20,2026,40,with_stay,"
                                                   "realised,closure"])
    mine = full.with_plans(plans, waiting="total")
    assert mine._stage is full._stage  # population and demand were not run again
    assert mine.config.plans == plans and mine.config.waiting == "total"
    modelchain._STAGES.clear()
    fresh = ForecastChain(ChainConfig(to=2030, draws=30, seed=7, plans=plans,
                                      waiting="total")).run()
    assert fresh._stage is not full._stage
    for name in ("gap", "ambition", "national", "decomposition", "references", "demand"):
        pd.testing.assert_frame_equal(getattr(mine, name), getattr(fresh, name), obj=name)
    assert mine.explanation == fresh.explanation
    # the planner's plans replaced the estimate: ZK08 gets 120 x 0.6 (planned) by 2030
    g = mine.gap.set_index(["year", "zk_code"])
    assert g.loc[(2030, "ZK08"), "plans_expected"] == pytest.approx(72.0, rel=0.02)


@needs_data
def test_a_one_region_plans_file_leaves_the_other_regions_estimate(full, tmp_path):
    from zorgcap.forecast.provenance import estimates_by_region

    # ZK08's planner gives ZK08's project only; `full` is the run without a plans file
    plans = _plans_file(tmp_path / "zk08.csv", ["P1,ZK08,2025,120,with_stay,planned,"
                                                "expansion"])
    mine = full.with_plans(plans)
    g0, g1 = (r.gap.set_index(["year", "zk_code"]) for r in (full, mine))
    others = g1.index.get_level_values("zk_code") != "ZK08"
    # every other region: exactly the plans, supply, gap and p_short of the run without a
    # file (the same estimate, the same plan draws)
    for col in ("plans_expected", "supply", "gap", "p_short", "plans_source"):
        pd.testing.assert_series_equal(g1.loc[others, col], g0.loc[others, col])
    assert (g1.loc[others, "plans_source"] == "ESTIMATE plans_from_national").all()
    assert g1.loc[(2030, "ZK08"), "plans_expected"] == pytest.approx(72.0, rel=0.02)
    assert g1.loc[(2030, "ZK08"), "plans_source"].startswith("file ")
    # national plans = the file's 120 places + the 30 other regions' estimate
    est = full.plans.groupby("zk_code")["places"].sum()
    assert mine.plans["places"].sum() == pytest.approx(120 + est.drop("ZK08").sum())
    assert est.sum() == pytest.approx(4 * 1400)  # ZN 2022: 1,400 a year, 2024-2027
    # the output says which regions' plans are estimated
    assert "plans_from_national" in mine.estimates
    assert "30 regions without rows in the plans file" in mine.assumptions[
        "plans_from_national"]
    by_region = mine.provenance["estimates_by_region"]
    assert "plans_from_national" not in by_region.get("ZK08", [])
    assert "plans_from_national" in by_region["ZK20"]
    assert by_region == {k: v for k, v in estimates_by_region(mine.gap).items()}
    # the targets count the same expected plans: ZK20's progress is the no-file run's
    t0, t1 = (r.targets.set_index(["target", "zk_code"]) for r in (full, mine))
    assert t1.loc[("ambition_2025", "ZK20"), "counted"] == pytest.approx(
        t0.loc[("ambition_2025", "ZK20"), "counted"])
    a0, a1 = (r.ambition.set_index("zk_code").drop("ZK08") for r in (full, mine))
    pd.testing.assert_frame_equal(a1, a0)  # the plans listed to 2025 too
    assert mine.ambition.set_index("zk_code").loc["ZK08", "plans_to_2025"] == 120
    # "none": no plans outside the file; with_plans equals a fresh run with the option
    none = full.with_plans(plans, plans_elsewhere="none")
    gn = none.gap.set_index(["year", "zk_code"])
    assert (gn.loc[others, "plans_expected"] == 0).all()
    assert gn.loc[(2030, "ZK08"), "plans_expected"] == g1.loc[(2030, "ZK08"), "plans_expected"]
    assert "plans_from_national" not in none.estimates
    fresh = ForecastChain(ChainConfig(to=2030, draws=30, seed=7, plans=plans,
                                      plans_elsewhere="none")).run()
    for name in ("gap", "ambition", "targets", "national"):
        pd.testing.assert_frame_equal(getattr(none, name), getattr(fresh, name), obj=name)


@needs_data
def test_a_clustered_plan_in_the_chain_lowers_only_the_all_forms_gap(full, tmp_path):
    # Done-when of issue 19, through the run object and a planner's file.
    base = ["P1,ZK08,2025,120,with_stay,planned,expansion"]
    a = full.with_plans(_plans_file(tmp_path / "a.csv", base))
    b = full.with_plans(_plans_file(tmp_path / "b.csv", base + [
        "G1,ZK08,2024,500,geclusterd,realised,expansion"]))
    ga, gb = (r.gap.set_index(["year", "zk_code"]) for r in (a, b))
    assert gb.loc[(2025, "ZK08"), "gap_all_forms"] == pytest.approx(
        ga.loc[(2025, "ZK08"), "gap_all_forms"] - 500)
    pd.testing.assert_series_equal(ga["gap_with_stay"], gb["gap_with_stay"])
    pd.testing.assert_series_equal(ga["p_short"], gb["p_short"])  # with stay
    amb = (r.ambition.set_index("zk_code").loc["ZK08", "counted_2021_2025"] for r in (a, b))
    assert next(amb) + 500 == pytest.approx(next(amb))


@needs_data
def test_staff_ratios_by_zzp_set_the_fte_per_place(full, tmp_path):
    # a planner's ratios: 1.0 fte per place for VV4-VV6, 2.0 for VV7-VV10; weighed by the
    # national 2023 mix with stay (CBS 84529NED: VV4 13,580, VV5 61,175, VV6 32,890, VV7
    # 14,830, VV8 2,490, VV9b 1,140, VV10 0) -> (107,645 + 2 x 18,460) / 126,105 = 1.1464
    ratios = tmp_path / "ratios.csv"
    ratios.write_text("zzp;fte_per_place\nVV4;1\nVV5;1\nVV6;1\nVV7;2\nVV8;2\nVV9b;2\n"
                      "VV10;2\n", encoding="utf-8")
    r = full.with_plans(staff_ratios=str(ratios))
    f = (107_645 + 2 * 18_460) / 126_105
    assert r.parameters["fte_per_place"] == pytest.approx(f)
    g = r.gap.query("year == 2030")
    np.testing.assert_allclose(g["fte_needed"], g["need"] * f)


@needs_data
def test_a_ratios_file_without_a_package_is_an_input_error(full, tmp_path):
    ratios = tmp_path / "ratios.csv"
    ratios.write_text("zzp,fte_per_place\nVV4,1.0\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"(?s)ratios.csv.*VV5.*give no fte per place.*Fix: give "
                                         r"a row for every zzp"):
        full.with_plans(staff_ratios=str(ratios))


@needs_data
def test_with_plans_refuses_what_changes_the_demand(full):
    with pytest.raises(ValueError, match=r"scenario changes the demand"):
        full.with_plans(scenario="beleidsarm")
    with pytest.raises(ValueError, match=r"`clustered_share` was 2"):
        full.with_plans(clustered_share=2)
    with pytest.raises(ValueError, match=r"`plans` was 'nope.csv' but no such file"):
        full.with_plans("nope.csv")


def test_the_kept_demand_stage_is_keyed_by_every_input_file(tmp_path):
    from zorgcap.forecast.modelchain import _stage_key

    scen = tmp_path / "s.toml"
    scen.write_text('[scenario.krimp]\nrates = "constant"\n', encoding="utf-8")
    config = ChainConfig(scenario="krimp", scenario_file=str(scen))
    before = _stage_key(config)
    assert _stage_key(ChainConfig(scenario="krimp", scenario_file=str(scen),
                                  plans=None, fte_per_place=1.5)) == before
    import os
    os.utime(scen, ns=(1, 1))  # the same path, another file version
    assert _stage_key(config) != before
    assert _stage_key(ChainConfig(scenario="krimp", scenario_file=str(scen),
                                  draws=10)) != _stage_key(config)


@needs_data
def test_a_region_subset_equals_the_full_run_for_those_regions(full, subset):
    codes = ["ZK08", "ZK20"]
    for name in ("demand", "gap", "decomposition", "ambition", "population",
                 "gemeente_85plus", "gemeente_need", "plans", "regional_intensity"):
        a = getattr(full, name)
        a = a[a["zk_code"].isin(codes)].reset_index(drop=True)
        b = getattr(subset, name)
        assert set(b["zk_code"]) == set(codes), name
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)
    # The draws too (p_short depends on them), in the order of the demand frame.
    order = list(pd.unique(full.demand["zk_code"]))
    keep = [i for i, c in enumerate(order) if c in codes]
    np.testing.assert_array_equal(full.demand_draws[:, :, keep], subset.demand_draws)
    # National frames stay national.
    pd.testing.assert_frame_equal(full.national, subset.national)
    pd.testing.assert_frame_equal(full.national_demography, subset.national_demography)
    pd.testing.assert_frame_equal(full.references, subset.references)
    # Rotterdam's 2030 gap is its share of the national quantities, not of the subset's.
    g = subset.gap.set_index(["year", "zk_code"])
    assert g.loc[(2030, "ZK20"), "gap"] == full.gap.set_index(["year", "zk_code"]).loc[
        (2030, "ZK20"), "gap"]


@needs_data
def test_one_number_per_quantity(full):
    """The need of the gap table, the decomposition and the national summary agree."""
    g = full.gap.set_index(["year", "zk_code"])
    d = full.decomposition.set_index(["year_to", "zk_code"])
    years = sorted(full.decomposition["year_to"].unique())
    assert years == [2025, 2030]
    for year in years:
        np.testing.assert_allclose(d.loc[year, "need"], g.loc[year, "need"], rtol=1e-12)
        np.testing.assert_allclose(d.loc[year][list(PARTS)].sum(axis=1) + d.loc[year, "base"],
                                   g.loc[year, "need"], rtol=1e-9)
    nat = full.national.set_index("year")
    np.testing.assert_allclose(nat["need"], full.gap.groupby("year")["need"].sum())
    np.testing.assert_allclose(nat["clients_with_stay"],
                               full.demand.groupby("year")["clients_with_stay"].sum())
    np.testing.assert_allclose(full.checks.set_index("year")["clients_with_stay"],
                               nat.loc[full.checks["year"], "clients_with_stay"])
    # The central number is the point path: a run without draws has the same need.
    point = ForecastChain(ChainConfig(to=2030, draws=0)).run()
    np.testing.assert_allclose(point.gap["need"], full.gap["need"], rtol=1e-12)
    assert point.demand_draws is None and "p_short" not in point.gap


@needs_data
def test_national_bands_bracket_the_central_need(full):
    nat = full.national.set_index("year").loc[2030]
    assert nat["need_lo_95"] < nat["need_lo_80"] < nat["need"] < nat["need_hi_80"] \
        < nat["need_hi_95"]
    assert nat["gap_hi_95"] - nat["gap_lo_95"] == pytest.approx(
        nat["need_hi_95"] - nat["need_lo_95"])


@needs_data
def test_demography_alone_is_the_beleidsarm_run_on_the_same_draws(full):
    """Issue 32: national_demography is the run with usage rates held at the base year. An
    independent beleidsarm run of the same options (same seed, so the same population draws
    and regional levels) has exactly these national numbers, bands and p_short; in the base
    year both layers are the observed need."""
    bel = ForecastChain(ChainConfig(scenario="beleidsarm", to=2030, draws=30, seed=7)).run()
    demo = full.national_demography.set_index("year")
    ref = bel.national.set_index("year")
    cols = ["need", "supply", "gap", "gap_lo_80", "gap_hi_80", "gap_lo_95", "gap_hi_95",
            "p_short"]
    pd.testing.assert_frame_equal(demo[cols], ref[cols], check_exact=False, rtol=1e-9)
    assert (demo["scenario"] == "beleidsarm").all()
    # the beleidsarm run's own demography layer is itself (the demand is reused)
    pd.testing.assert_frame_equal(bel.national_demography.set_index("year")[cols],
                                  ref[cols], check_exact=False, rtol=1e-12)
    nat = full.national.set_index("year")
    assert demo.loc[2023, "need"] == pytest.approx(nat.loc[2023, "need"], rel=1e-12)
    np.testing.assert_allclose(demo["supply"], nat["supply"])
    # p_short of the national total agrees with its own bands: gap_lo_80 > 0 means at least
    # 90% of the draws are short
    for frame in (demo, nat):
        sure = frame["gap_lo_80"] > 0
        assert (frame.loc[sure, "p_short"] >= 0.9).all()


@needs_data
def test_gemeenten_share_their_region_s_need(full):
    """Issue 32: per gemeente its part of the region's need by its own population structure;
    the places of a region's gemeenten add up to the region's need in every year."""
    gm = full.gemeente_need
    assert gm["gm_code"].nunique() == 342 and set(gm["zk_code"]) == set(full.gap["zk_code"])
    sums = gm.groupby(["year", "zk_code"])["need"].sum()
    need = full.gap.set_index(["year", "zk_code"])["need"].reindex(sums.index)
    np.testing.assert_allclose(sums.to_numpy(), need.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(gm.groupby(["year", "zk_code"])["share"].sum(), 1.0,
                               rtol=1e-12)
    # its 85+ equal the gemeente projection the maps show
    g85 = full.gemeente_85plus.set_index(["year", "gm_code"])["persons_85plus"]
    np.testing.assert_allclose(gm.set_index(["year", "gm_code"])["persons_85plus"],
                               g85.reindex(pd.MultiIndex.from_frame(gm[["year", "gm_code"]])))
    # an older population weighs more: per inhabitant aged 85+, the share of need varies
    # less than per gemeente size (expected clients are mostly the old)
    g = gm[gm["year"] == 2030]
    per_85 = g["need"] / g["persons_85plus"]
    assert per_85.groupby(g["zk_code"]).agg(lambda x: x.max() / x.min()).median() < 2.0


@needs_data
def test_every_frame_saves_to_parquet_and_carries_no_attrs(full):
    from zorgcap.forecast import compare_capacity, decompose, project_demand
    from zorgcap.forecast.demand import run_demand

    frames = dict(full.frames())
    run = run_demand("beleidsarm", to=2026, draws=5)
    frames["project_demand"] = project_demand("beleidsarm", to=2026)
    frames["compare_capacity"] = compare_capacity(run.frame, places_draws=run.places_draws)
    frames["decompose"] = decompose(run)
    assert {"population", "demand", "gap", "decomposition", "national", "references",
            "checks", "waiting_forecast", "backtest", "ambition", "plans"} <= set(frames)
    for name, frame in frames.items():
        assert frame.attrs == {}, name
        buf = io.BytesIO()
        frame.to_parquet(buf)
        back = pd.read_parquet(io.BytesIO(buf.getvalue()))
        assert list(back.columns) == list(frame.columns), name
    json.dumps(full.provenance)
    json.dumps(full.parameters)


@needs_data
def test_result_documents_its_fields():
    doc = ChainResult.__doc__
    for name in ChainResult.__dataclass_fields__:
        assert f"\n    {name} :" in doc or f"\n    {name}," in doc, name
    doc = ChainConfig.__doc__
    for name in ChainConfig.__dataclass_fields__:
        assert name in doc, name


@needs_data
def test_frames_have_the_documented_columns(full):
    """Every column of the result's frames is documented in zorgcap.forecast.schema (with units)."""
    import re

    from zorgcap.forecast import schema

    band = re.compile(r"^(?P<c>.+)_(lo|hi)_(?P<lv>\d+)$")
    for name, documented in (("demand", schema.DEMAND_COLUMNS), ("gap", schema.GAP_COLUMNS),
                             ("decomposition", schema.DECOMPOSITION_COLUMNS),
                             ("national", schema.NATIONAL_SUMMARY_COLUMNS),
                             ("national_demography", schema.NATIONAL_DEMOGRAPHY_COLUMNS),
                             ("gemeente_need", schema.GEMEENTE_NEED_COLUMNS),
                             ("references", schema.REFERENCES_COLUMNS),
                             ("ambition", schema.AMBITION_COLUMNS),
                             ("targets", schema.TARGETS_COLUMNS),
                             ("staff", schema.STAFF_COLUMNS),
                             ("regional_intensity", schema.REGIONAL_INTENSITY_COLUMNS)):
        frame = getattr(full, name)
        for col in frame.columns:
            m = band.match(col)
            if m and int(m["lv"]) in full.config.level:
                assert m["c"] in documented, (name, col)
            else:
                assert col in documented, (name, col)
        assert all("[" in text or "code" in text or "name" in text or "scenario" in text
                   or "reference" in col or "source" in col or "definition" in col
                   for col, text in documented.items()), name


@needs_data
def test_top_down_check_is_reconciled_and_bands_are_labelled(full):
    # Issue 17: no two contradictory numbers without a sentence; the bands say what they are.
    note = full.checks["note"].iloc[-1]
    last = full.checks.iloc[-1]
    assert f"{last['top_down']:,.0f}" in note and f"{last['clients_with_stay']:,.0f}" in note
    assert "ignores ageing" in note
    assert full.parameters["band_label"].startswith("forecast interval")
    assert 0 < full.parameters["backtest_coverage_95"] <= 1
    bel = ForecastChain(ChainConfig(scenario="beleidsarm", to=2026, draws=0)).run()
    assert bel.parameters["band_label"] == "population uncertainty at constant rates"
    assert {"origin", "year", "horizon", "model", "actual", "forecast", "lo_80", "hi_80",
            "lo_95", "hi_95", "shipped"} <= set(full.backtest.columns)


@needs_data
def test_regional_intensity_is_in_the_result_and_sets_the_observed_base_level(full):
    ri = full.regional_intensity.set_index("zk_code")
    assert len(ri) == 31 and ri["source"].str.contains("CIZ 2014").all()
    # issue 27: the level in use is the observed (unshrunk) ratio, rescaled on the 2023
    # population to the national total (within 2% of the 2014-levelled ratio)
    np.testing.assert_allclose(ri["factor_used"], ri["ratio"], rtol=0.02)
    assert (ri["factor_lo_95"] < ri["factor"]).all() and (ri["factor"] < ri["factor_hi_95"]).all()
    assert ri["capacity_share_2014"].sum() == pytest.approx(1)
    assert {"location_vs_residence", "regional_persistence", "intensity_drift",
            "capacity_from_clients"} <= set(full.assumptions)
    assert "capacity_from_supply_2014" not in full.assumptions
    # the NZa-consistent regional pattern is kept: Rotterdam, Haaglanden and Twente use
    # more care for their age structure than Drenthe, Friesland and Noord-Holland Noord
    high = ri.loc[["ZK20", "ZK10", "ZK22"], "factor_used"]
    low = ri.loc[["ZK06", "ZK08", "ZK18"], "factor_used"]
    assert ri.loc[["ZK20", "ZK10", "ZK22", "ZK06", "ZK08", "ZK18"], "zk_name"].tolist() == [
        "Rotterdam", "Haaglanden", "Twente", "Drenthe", "Friesland", "Noord-Holland Noord"]
    assert high.min() > low.max()


@needs_data
def test_the_base_year_is_one_observation(full):
    """Issue 27, done-when: without planner files every region's 2023 gap is its people
    waiting / occupancy (within one place, none negative), the list is allocated in
    proportion to clients in care, and the largest shortages of 2030 owe less than a
    third of their shortage to the base year."""
    from zorgcap.forecast.supply import base_waiting

    g = full.gap[full.gap["year"] == 2023].set_index("zk_code")
    d = full.demand[full.demand["year"] == 2023].set_index("zk_code").loc[g.index]
    occupancy = d["clients_with_stay"] / d["places_needed"]
    np.testing.assert_allclose(occupancy, 0.97, rtol=1e-12)
    assert (g["gap"] - g["waiting_base"] / occupancy).abs().max() < 1
    assert (g["gap"] > 0).all()
    np.testing.assert_allclose(g["capacity"], g["places_needed"], rtol=1e-12)
    assert (g["capacity_source"] == "ESTIMATE capacity_from_clients").all()
    # the national urgent + active list of 2023 (4,054 on average), shared by clients
    assert g["waiting_base"].sum() == pytest.approx(base_waiting(2023))
    share = g["waiting_base"] / d["clients_with_stay"]
    np.testing.assert_allclose(share, base_waiting(2023) / d["clients_with_stay"].sum(),
                               rtol=1e-12)
    assert (g["waiting_source"] == "ESTIMATE waiting_by_clients").all()
    assert "waiting_by_clients" in full.assumptions
    assert not any("shortfall" in k for k in full.assumptions)
    # the headline's regions: growth and waiting lists, not a base-year artefact
    g30 = full.gap[full.gap["year"] == 2030].set_index("zk_code")
    top = g30.sort_values("gap", ascending=False).head(3).index
    assert (g.loc[top, "gap"] / g30.loc[top, "gap"]).max() < 1 / 3
    d85 = full.demand[full.demand["year"] == 2030].set_index("zk_code")["persons_85plus"]
    top_rel = (g30["gap"] / d85).sort_values(ascending=False).head(3).index
    assert (g.loc[top_rel, "gap"] / g30.loc[top_rel, "gap"]).max() < 1 / 3


@needs_data
def test_the_base_year_need_is_one_number_everywhere(full, tmp_path):
    """One name and one number: the 2023 need of the gap table is the decomposition's
    starting value, the national table's and the workbook's (regions and drivers sheets)."""
    import openpyxl

    from zorgcap.reports.excel import _label, write_workbook
    from zorgcap.reports.text import Text

    need = full.gap[full.gap["year"] == 2023].set_index("zk_code")["need"]
    d = full.decomposition
    for year in d["year_to"].unique():
        part = d[d["year_to"] == year].set_index("zk_code")
        np.testing.assert_allclose(part["base"], need.loc[part.index], rtol=1e-12)
        np.testing.assert_allclose(part["base_in_use"] + part["base_waiting"], part["base"],
                                   rtol=1e-12)
    assert "waiting_list" not in d.columns
    nat = full.national.set_index("year")
    assert nat.loc[2023, "need"] == pytest.approx(need.sum(), rel=1e-12)
    path = tmp_path / "w.xlsx"
    write_workbook(full, path)
    book = openpyxl.load_workbook(path)
    t = Text("nl")
    for sheet, column in ((t.m["sheets"]["regions"], "need_2023"),
                          (t.m["sheets"]["decomposition"], "base")):
        ws = book[sheet]
        head = [c.value for c in ws[1]]
        col = head.index(_label(t, column)) + 1
        codes = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
        values = {c: ws.cell(r, col).value for r, c in enumerate(codes, start=2)
                  if c in need.index}
        assert len(values) == 31, sheet
        np.testing.assert_allclose([values[c] for c in need.index], need, rtol=1e-9)


@needs_data
def test_the_intramural_cap_of_a_subset_equals_the_full_run(full, subset):
    """Issue 31, a re-check of construction: with the default cap (the base-year capacity)
    each region is held at its own capacity, so a run of two regions gives the full run's
    rows; the named assumption states the national level."""
    cap = full.intramural_cap
    assert set(cap["year"]) == {2030} and cap["zk_code"].nunique() == 31
    base = full.gap[full.gap["year"] == full.gap["year"].min()].set_index("zk_code")
    mine = cap.set_index("zk_code")
    pd.testing.assert_series_equal(mine["intramural_cap"], base["capacity"].loc[mine.index],
                                   check_names=False)
    assert (mine["above_cap"] == (mine["need"] - mine["intramural_cap"]).clip(lower=0)).all()
    part = subset.intramural_cap.set_index("zk_code")
    pd.testing.assert_frame_equal(part, mine.loc[part.index])
    level = f"held at {base['capacity'].sum():,.0f}, the places with stay of"
    assert level in full.assumptions["intramural_cap"]
    assert full.provenance["assumptions"]["intramural_cap"] == full.assumptions["intramural_cap"]


@needs_data
def test_a_set_intramural_cap_reaches_the_table_and_the_assumption(full):
    """``--intramural-cap 130000`` (the cabinet's frame): the regions' caps add up to
    130,000 and each is 130,000 x its base-year capacity / the national one (by hand from
    the full run's capacities); a subset run gets the same rows; the assumption names the
    level. Re-checks of construction."""
    chain = ForecastChain(ChainConfig(to=2030, draws=0, seed=7, intramural_cap=130_000))
    capped = chain.run()
    base = full.gap[full.gap["year"] == full.gap["year"].min()].set_index("zk_code")
    got = capped.intramural_cap.set_index("zk_code")["intramural_cap"]
    assert got.sum() == pytest.approx(130_000, rel=1e-12)
    np.testing.assert_allclose(got.loc[base.index],
                               130_000 * base["capacity"] / base["capacity"].sum(), rtol=1e-12)
    assert "held at 130,000" in capped.assumptions["intramural_cap"]
    two = capped.with_plans(intramural_cap=130_000)  # a planner option: the gap stage only
    pd.testing.assert_frame_equal(two.intramural_cap, capped.intramural_cap)
    part = ForecastChain(ChainConfig(to=2030, draws=0, seed=7, intramural_cap=130_000,
                                     regions=("ZK20",))).run()
    pd.testing.assert_frame_equal(part.intramural_cap.set_index("zk_code"),
                                  capped.intramural_cap.set_index("zk_code").loc[["ZK20"]])
