"""zorgcap.forecast.staff: fte per place, the workforce scenario and the staff limit (issue 19).

Expected numbers are worked out by hand in the comments. Validations (independent figures
the scenario was not set from) are marked ``validation``; re-checks of the figures the
defaults were set from are marked ``calibration``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data, refuses
from numpy.testing import assert_allclose

from zorgcap.forecast import staff
from zorgcap.forecast.staff import WorkforceScenario, staff_limit

# --- fte per place ----------------------------------------------------------------------------


def test_shipped_ratios_follow_the_care_hours():
    # fte_per_place(z) = 1.2 x hours(z) / 18.045 (data_raw/staff_ratios.csv): e.g. VV5
    # 1.2 x 18 / 18.045 = 1.197, VV4 1.2 x 12.25 / 18.045 = 0.815 (midpoint of 11.0-13.5 h)
    table = pd.read_csv(staff.data_raw_dir() / "staff_ratios.csv").set_index("zzp")
    assert list(table.index) == list(staff.ZZP_CODES)
    assert_allclose(table["fte_per_place"], 1.2 * table["care_hours_per_week"] / 18.0453,
                    atol=6e-4)
    assert_allclose(table.loc[["VV4", "VV5", "VV7"], "care_hours_per_week"], [12.25, 18, 22])
    # every ratio has a source or a named ASSUMPTION
    assert table["hours_source"].str.len().gt(10).all()
    assumed = table.index[table["hours_source"].str.startswith("ASSUMPTION")]
    assert list(assumed) == ["VV6", "VV8", "VV9b", "VV10"]


def test_fte_per_place_weighs_a_mix_by_hand():
    # half VV4, half VV7: (0.815 + 1.463) / 2 = 1.139; scale of the mix does not matter
    assert staff.fte_per_place({"VV4": 1, "VV7": 1}) == pytest.approx(1.139)
    assert staff.fte_per_place({"vv04": 50, "zzp 7 VV": 50}) == pytest.approx(1.139)
    # 3 VV5 + 1 VV8 with a planner's own ratios 1.0 and 2.0: (3 + 2) / 4 = 1.25
    own = pd.DataFrame({"zzp": ["VV5", "VV8"], "fte_per_place": [1.0, 2.0]})
    assert staff.fte_per_place({"VV5": 3, "VV8": 1, "VV4": 0}, own) == pytest.approx(1.25)


@pytest.mark.parametrize("mix, match", [
    ({"VV3": 1}, "VV3"),                      # not a package with stay
    ({"VV4": -1, "VV5": 2}, "non-negative"),
    ({"VV4": 0}, "positive total"),
])
def test_fte_per_place_refuses_a_bad_mix(mix, match):
    with pytest.raises(ValueError, match=match):
        staff.fte_per_place(mix)


def test_fte_per_place_refuses_a_mix_without_ratio():
    own = pd.DataFrame({"zzp": ["VV5"], "fte_per_place": [1.0]})
    with pytest.raises(ValueError, match=r"zzp \['VV6'\].*add them"):
        staff.fte_per_place({"VV5": 1, "VV6": 1}, own)


@needs_data
@pytest.mark.calibration
def test_national_mix_2023_weighs_to_1_2():
    # The ratios were scaled so that the 2023 national mix with stay gives the project's
    # 1.2 fte per place: this re-checks the scaling (rounding of the ratios: < 0.001).
    mix = staff.national_zzp_mix(2023)
    assert_allclose(mix.to_numpy(), [13580, 61175, 32890, 14830, 2490, 1140, 0])
    assert staff.fte_per_place() == pytest.approx(1.2, abs=1e-3)


@needs_data
def test_clients_2016_constant_is_the_cbs_figure():
    # CLIENTS_WITH_STAY_2016 (the 2016 fte stock) transcribes CBS 84529NED; the same total
    # as zorgcap.forecast.usage.wlz_vv, which sums the table another way.
    from zorgcap.forecast.usage import wlz_vv

    assert staff.national_zzp_mix(2016).sum() == staff.CLIENTS_WITH_STAY_2016
    w = wlz_vv().set_index("year")
    assert float(w.loc[2016, "with_stay"]) == staff.CLIENTS_WITH_STAY_2016


@pytest.mark.parametrize("reader, body, key, keys, value, values", [
    ("staff_ratios", "zzp;fte_per_place;source\nVV4;0,9;eigen telling\n5;1,25;\n",
     "zzp", ["VV4", "VV5"], "fte_per_place", [0.9, 1.25]),
    ("read_workforce_file", "zk_code;year;fte\nzk01;2023;4.100\nZK02;2022;12.345,5\n",
     "zk_code", ["ZK01", "ZK02"], "fte", [4100, 12345.5]),
])
def test_planner_files_in_dutch_notation(tmp_path, reader, body, key, keys, value, values):
    path = tmp_path / "planner.csv"
    path.write_text(body)
    table = getattr(staff, reader)(path)
    assert list(table[key]) == keys
    assert_allclose(table[value], values)


def test_planner_ratio_file_names_its_source(tmp_path):
    path = tmp_path / "ratios.csv"
    path.write_text("zzp;fte_per_place;source\nVV4;0,9;eigen telling\n5;1,25;\n")
    assert staff.staff_ratios(path)["ratio_source"].iloc[0].endswith(": eigen telling")


@pytest.mark.parametrize("body, match", [
    ("zzp,fte_per_place\nVV3,1.0\n", "VV3.*not a V&V package"),
    ("zzp,fte_per_place\nVV4,1.0\nvv4,1.1\n", "listed twice"),
    ("zzp,fte_per_place\nVV4,0\n", r"not a number in \(0, 5\]"),
    ("zzp,fte_per_place\nVV4,\n", r"not a number in \(0, 5\]"),
    ("zzp,fte_per_place\nVV4,\"1,2\"\n", "decimal comma"),
])
def test_planner_ratio_file_refused(tmp_path, body, match):
    err = refuses(tmp_path, "ratios.csv", body, staff.staff_ratios, match)
    assert "row" in str(err)


# --- workforce scenario -----------------------------------------------------------------------


def test_letters_scenario_arithmetic():
    s = staff.letters_scenario()
    # outflow: 1 - 0.95^4 = 1 - 0.81450625 = 0.18549375 a year
    assert s.outflow_rate == pytest.approx(0.18549375)
    # stock 2016 = 114,005 / 0.97 x 1.2 = 141,037.1 fte; g = (1 + 25,000 / 141,037.1)^(1/4)
    # - 1: ln(1.177257) = 0.163190, / 4 = 0.040797, exp - 1 = 0.041641
    assert s.net_growth == pytest.approx(0.041641, abs=1e-6)
    assert s.inflow_rate == pytest.approx(0.041641 + 0.185494, abs=1e-6)
    assert s.absenteeism == s.absenteeism_base == 0.077
    assert s.absence_factor == 1.0


@pytest.mark.calibration
def test_letters_scenario_reproduces_its_25000_fte():
    # The net growth was set from 'about 25,000 extra fte since 2017' (read as 2017-2020):
    # four years at g on the 2016 stock give back 25,000. Guards the code, validates nothing.
    s = staff.letters_scenario()
    stock = staff.CLIENTS_WITH_STAY_2016 / 0.97 * 1.2
    assert stock * (s.fte_factor(2020, 2016) - 1) == pytest.approx(25_000)


@pytest.mark.validation
def test_annual_outflow_against_the_december_2019_letter():
    # Independent figure: the VWS letter of Dec 2019 gave a yearly outflow of 16% (NRC,
    # 13 Dec 2019; data_raw/workforce.csv vv_outflow_2019), not used by the scenario.
    # 'Almost 5% a quarter' annualised (18.5%) must be at least that and within 3 points.
    fig = staff._workforce_figures()
    outflow = staff.letters_scenario().outflow_rate
    assert fig["vv_outflow_2019"] <= outflow <= fig["vv_outflow_2019"] + 0.03


@pytest.mark.validation
def test_growth_2017_2018_against_the_may_2019_report():
    # Independent figure: +9,000 fte ('zo'n 9.000 voltijdbanen') in 2017-2018 (VWS progress
    # report, NRC 22 May 2019; not used by the scenario). A constant rate puts 141,037 x
    # (1.041641^2 - 1) = 11,990 fte in those two years: 33% above the report, as expected
    # because the growth came late (13,000 employees in the first half of 2019 alone
    # against 18,500 in the two years before). The check: at least the reported figure and
    # not more than 1.5 times it.
    fig = staff._workforce_figures()
    s = staff.letters_scenario()
    stock = staff.CLIENTS_WITH_STAY_2016 / 0.97 * 1.2
    model = stock * (s.fte_factor(2018, 2016) - 1)
    assert model == pytest.approx(11_990, abs=1)
    assert fig["vv_extra_fte_2017_2018"] <= model <= 1.5 * fig["vv_extra_fte_2017_2018"]


@pytest.mark.parametrize("kwargs, match", [
    ({"inflow_rate": 1.5}, "inflow_rate"),
    ({"outflow_rate": -0.1}, "outflow_rate"),
    ({"absenteeism": 0.6}, "absenteeism"),
    ({"absenteeism_base": True}, "absenteeism_base"),
    ({"base_year": 2023.0}, "base_year"),
    ({"name": ""}, "name"),
])
def test_scenario_is_checked(kwargs, match):
    args = {"inflow_rate": 0.2, "outflow_rate": 0.18, "absenteeism": 0.07,
            "absenteeism_base": 0.07, **kwargs}
    with pytest.raises(ValueError, match=match):
        WorkforceScenario(**args)


def test_named_scenarios():
    assert staff.workforce_scenario().name == "letters"
    rep = staff.workforce_scenario("replacement", base_year=2023)
    assert rep.net_growth == 0 and rep.base_year == 2023
    with pytest.raises(ValueError, match=r"\['letters', 'replacement'\]"):
        staff.workforce_scenario("boom")


def test_assumptions_name_every_default():
    names = staff.staff_assumptions(staff.letters_scenario(), 1.2)
    assert {"staff_in_balance_base_year", "workforce_same_rate_all_regions", "fte_per_place",
            "absenteeism", "workforce_outflow_from_quarterly", "workforce_growth_period",
            "workforce_stock_2016", "workforce_growth_continues"} == set(names)
    assert "+4.16% a year" in names["workforce_same_rate_all_regions"]


# --- the limit --------------------------------------------------------------------------------

def _gap():
    # two regions, 2023-2025; capacity 100 and 200 places
    return pd.DataFrame({
        "year": [2023, 2024, 2025] * 2,
        "zk_code": ["ZK01"] * 3 + ["ZK02"] * 3,
        "capacity": [100.0] * 3 + [200.0] * 3,
        "need": [90.0, 110.0, 115.0, 210.0, 200.0, 230.0],
        "supply": [100.0, 120.0, 100.0, 200.0, 250.0, 230.0]})


GROW5 = WorkforceScenario(inflow_rate=0.10, outflow_rate=0.05, absenteeism=0.07,
                          absenteeism_base=0.07, name="test")


def test_staff_limit_by_hand():
    out = staff_limit(_gap(), GROW5, fte_per_place=1.0)
    # fte 2023 = capacity x 1.0; g = 0.10 - 0.05 = 5%: ZK01 100, 105, 110.25; ZK02 200,
    # 210, 220.5; with 1 fte per place and no change of absenteeism staffable = fte.
    assert_allclose(out["fte_available"], [100, 105, 110.25, 200, 210, 220.5])
    assert_allclose(out["places_staffable"], [100, 105, 110.25, 200, 210, 220.5])
    assert_allclose(out["fte_needed"], _gap()["need"])
    # usable = min(supply, staffable): 100, 105, 100, 200, 210, 220.5
    assert_allclose(out["places_usable"], [100, 105, 100, 200, 210, 220.5])
    assert_allclose(out["gap_usable"], [-10, 5, 15, 10, -10, 9.5])
    # ZK01 2023 need 90 <= 100: none; 2024 staffable 105 < supply 120 and need 110: staff;
    # 2025 supply 100 < staffable 110.25, need 115: building. ZK02 2023 staffable = supply
    # = 200 < need 210: a tie is building; 2024 need 200 <= 210: none; 2025 staffable 220.5
    # < supply 230 = need: staff.
    assert list(out["binding_limit"]) == ["none", "staff", "building",
                                          "building", "none", "staff"]
    assert (out["fte_source"] == "ESTIMATE staff_in_balance_base_year").all()


def test_staff_binds_exactly_when_staffable_below_need_and_supply():
    # the definition in the docstring, on random frames: staff <=> staffable < min(need,
    # supply); none <=> need <= min(supply, staffable)
    rng = np.random.default_rng(1)
    n = 200
    gap = pd.DataFrame({"year": np.repeat(np.arange(2023, 2033), n // 10),
                        "zk_code": np.tile([f"ZK{i:02d}" for i in range(1, 21)], 10),
                        "capacity": np.tile(rng.uniform(50, 150, 20), 10),
                        "need": rng.uniform(50, 250, n), "supply": rng.uniform(50, 250, n)})
    out = staff_limit(gap, GROW5, fte_per_place=1.3)
    staffable = out["places_staffable"]
    assert ((out["binding_limit"] == "staff")
            == (staffable < np.minimum(gap["need"], gap["supply"]))).all()
    assert ((out["binding_limit"] == "none")
            == (gap["need"] <= np.minimum(gap["supply"], staffable))).all()
    assert ((out["fte_needed"] > out["fte_available"]) == (gap["need"] > staffable)).all()


def test_base_year_places_are_exactly_staffed():
    # capacity x 1.2 / 1.2 is not always capacity in floating point (found for ZK18 in the
    # 2023 trend run; 7030.486217738581 x 1.2 / 1.2 falls short of it): the base year must
    # not show staff binding where the places are exactly staffed
    cap = 7030.486217738581
    assert cap * 1.2 / 1.2 < cap
    gap = pd.DataFrame({"year": [2023], "zk_code": ["ZK18"], "capacity": [cap],
                        "need": [8000.0], "supply": [cap]})
    assert staff_limit(gap, GROW5, fte_per_place=1.2)["binding_limit"].item() == "building"


def test_absenteeism_change_moves_the_staffable_places():
    # absenteeism 10% against 7.7% in the base: factor 0.90 / 0.923 = 0.975081
    s = WorkforceScenario(inflow_rate=0.2, outflow_rate=0.2, absenteeism=0.10,
                          absenteeism_base=0.077)
    out = staff_limit(_gap(), s, fte_per_place=1.2)
    assert_allclose(out["fte_available"], [120] * 3 + [240] * 3)
    assert_allclose(out["places_staffable"], [97.5081] * 3 + [195.0163] * 3, atol=1e-3)
    # fte needed for 90 places: 90 x 1.2 = 108 fte at base absenteeism; 108 / 0.975081 =
    # 110.760 (108 x 1.025556)
    assert out["fte_needed"].iloc[0] == pytest.approx(110.760, abs=1e-3)


def test_replacement_keeps_the_base_year_places():
    out = staff_limit(_gap(), staff.workforce_scenario("replacement"), fte_per_place=1.2)
    assert_allclose(out["places_staffable"], _gap()["capacity"])


def test_regional_fte_replace_the_estimate():
    # ZK01 has 120 fte in 2021: grown at 5% to 2023 = 120 x 1.1025 = 132.3 fte; 2024
    # 138.915; with 1.2 fte per place 110.25 and 115.7625 places. ZK02 keeps the estimate.
    given = pd.DataFrame({"zk_code": ["ZK01", "ZK20"], "year": [2021, 2023],
                          "fte": [120.0, 999.0], "fte_source": ["planner file w.csv"] * 2})
    out = staff_limit(_gap(), GROW5, fte_per_place=1.2, regional_fte=given)
    assert_allclose(out["fte_available"].iloc[:2], [132.3, 138.915])
    assert_allclose(out["places_staffable"].iloc[:2], [110.25, 115.7625])
    assert_allclose(out["fte_available"].iloc[3], 240)
    assert list(out["fte_source"].iloc[[0, 3]]) == ["planner file w.csv",
                                                     "ESTIMATE staff_in_balance_base_year"]


def test_a_region_subset_equals_the_full_run():
    full = staff_limit(_gap(), GROW5, fte_per_place=1.2)
    part = staff_limit(_gap()[_gap()["zk_code"] == "ZK02"], GROW5, fte_per_place=1.2)
    pd.testing.assert_frame_equal(part, full.loc[part.index])


def test_base_year_from_the_scenario_or_the_argument():
    s = WorkforceScenario(0.1, 0.05, 0.07, 0.07, base_year=2024)
    out = staff_limit(_gap(), s, fte_per_place=1.0)
    # balance in 2024: ZK01 fte 100 in 2024, so 100 / 1.05 = 95.238 in 2023
    assert_allclose(out["fte_available"].iloc[:3], [100 / 1.05, 100, 105])
    assert_allclose(staff_limit(_gap(), GROW5, 1.0, base_year=2024)["fte_available"],
                    out["fte_available"])
    with pytest.raises(ValueError, match="scenario's base_year is 2024"):
        staff_limit(_gap(), s, 1.0, base_year=2023)
    with pytest.raises(ValueError, match="a year of the gap frame"):
        staff_limit(_gap(), GROW5, 1.0, base_year=2022)


def test_binding_years_say_where_and_when():
    # from test_staff_limit_by_hand: ZK01 none, staff (2024), building (2025); ZK02
    # building (2023), none, staff (2025)
    years = staff.binding_years(staff_limit(_gap(), GROW5, fte_per_place=1.0))
    assert list(years["zk_code"]) == ["ZK01", "ZK02"]
    assert list(years["first_short"]) == [2024, 2023]
    assert list(years["first_building"]) == [2025, 2023]
    assert list(years["first_staff"]) == [2024, 2025]
    assert list(years["years_staff"]) == [1, 1] and list(years["years_building"]) == [1, 1]
    assert list(years["last_limit"]) == ["building", "staff"]
    never = staff.binding_years(staff_limit(_gap().assign(need=1.0), GROW5, 1.0))
    assert never["first_short"].isna().all() and (never["last_limit"] == "none").all()


def test_other_need_and_supply_columns():
    gap = _gap().rename(columns={"supply": "supply_with_stay"})
    out = staff_limit(gap, GROW5, 1.0, supply="supply_with_stay")
    assert out["binding_limit"].iloc[1] == "staff"


@pytest.mark.parametrize("change, match", [
    (lambda g: g.drop(columns="capacity"), r"lacks the columns \['capacity'\]"),
    (lambda g: g.assign(need=np.nan), "non-finite"),
    (lambda g: pd.concat([g, g.iloc[:1]]), "doubled"),
    (lambda g: g.iloc[:0], "no rows"),
])
def test_staff_limit_refuses_a_bad_frame(change, match):
    with pytest.raises(ValueError, match=match):
        staff_limit(change(_gap()), GROW5, 1.0)


def test_staff_limit_refuses_bad_arguments():
    with pytest.raises(ValueError, match="WorkforceScenario"):
        staff_limit(_gap(), {"inflow_rate": 0.1}, 1.0)
    with pytest.raises(ValueError, match="fte_per_place"):
        staff_limit(_gap(), GROW5, 0)


def test_default_scenario_and_ratio():
    # no arguments: the letters' scenario and 1.2 fte per place; need below capacity in the
    # base year means no limit binds there
    out = staff_limit(_gap())
    assert_allclose(out["fte_available"].iloc[0], 120)
    assert out["fte_available"].iloc[1] == pytest.approx(120 * 1.041641, rel=1e-6)
    assert out["binding_limit"].iloc[0] == "none"


# --- planner's workforce file -----------------------------------------------------------------

def test_template_reads():
    table = staff.read_workforce_file(staff.data_raw_dir() / "templates" / "workforce.csv")
    assert list(table.columns) == ["zk_code", "year", "fte", "fte_source"]
    assert table.loc[0, "zk_code"] == "ZK01" and table.loc[0, "fte"] == 4100


@pytest.mark.parametrize("body, match", [
    ("zk_code,year,fte\nZK05,2023,100\n", "unknown zorgkantoorregio code 'ZK05'"),
    ("zk_code,year,fte\nZK01,2023,100\nZK01,2024,90\n", "listed twice"),
    ("zk_code,year,fte\nZK01,2023,-5\n", r"fte -5 is not a number in \(0, 60,000\]"),
    ("zk_code,year,fte\nZK01,2023,\n", r"fte empty is not a number"),
    ("zk_code,year,fte\nZK01,2023,1e9\n", r"fte 1e\+09 is not a number in \(0, 60,000\]"),
    ("zk_code,year,fte\nZK01,1999,100\n", "year 1999 is not a year in 2000-2030"),
    ("zk_code,year,fte\nZK01,2045,100\n", "year 2045 is not a year in 2000-2030"),
    ("zk_code,year,fte\nZK01,2023,4.100\n", "ambiguous"),
    ("zk_code,year\nZK01,2023\n", "fte"),
])
def test_workforce_file_refused(tmp_path, body, match):
    refuses(tmp_path, "w.csv", body, staff.read_workforce_file, match)


def test_staff_binding_says_which_limit_binds_per_scenario():
    # The hand-made gap of tests/handmade.py under no net growth (replacement): ZK01 can
    # staff its 95 base places only; in 2024 it needs 110 and has 95 + 10 x 0.6 = 101 built
    # places, so staff binds from 2024 (2025: 119 built, 95 staffable).
    from handmade import GAP_CAPACITY, GAP_PLANS, NO_DELAY, gap_demand

    from zorgcap.forecast.gap import supply_gap

    a = supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                   status_file=NO_DELAY, workforce="replacement").frame
    s = staff.staff_binding(a).set_index(["workforce", "zk_code"])
    assert set(s.index.get_level_values("workforce")) == {"letters", "replacement"}
    assert s.loc[("replacement", "ZK01"), "first_staff"] == 2024
    assert s.loc[("replacement", "ZK01"), "last_limit"] == "staff"
