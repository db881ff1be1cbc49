"""Gap arithmetic (zorgcap.forecast.gap) on hand-made cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data
from handmade import CERTAIN, GAP_CAPACITY, GAP_PLANS, NO_DELAY, OTHERS, gap_demand

from zorgcap.forecast import gap as G


def test_gap_arithmetic_by_hand():
    g = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                           fte_per_place=1.5, status_file=NO_DELAY).set_index(
        ["year", "zk_code"])
    # ZK01 2024: supply 95 + 10 x 0.6 (planned) = 101; gap 110 - 101 = 9.
    assert g.loc[(2024, "ZK01"), "plans_expected"] == pytest.approx(6.0)
    assert g.loc[(2024, "ZK01"), "gap"] == pytest.approx(9.0)
    # ZK01 2025: + 20 x 0.9 (under construction) -> supply 119; gap 130 - 119 = 11.
    assert g.loc[(2025, "ZK01"), "supply"] == pytest.approx(119.0)
    assert g.loc[(2025, "ZK01"), "gap"] == pytest.approx(11.0)
    # ZK02: the VPT plan adds no places with stay; the 2025 closure removes 30 x 1.0.
    assert g.loc[(2024, "ZK02"), "supply"] == pytest.approx(205.0)
    assert g.loc[(2025, "ZK02"), "supply"] == pytest.approx(175.0)
    assert g.loc[(2025, "ZK02"), "gap"] == pytest.approx(45.0)
    assert g.loc[(2023, "ZK02"), "gap"] == pytest.approx(-5.0)  # 5 places spare
    assert g.loc[(2025, "ZK02"), "fte_gap"] == pytest.approx(67.5)
    assert g.loc[(2025, "ZK02"), "fte_needed"] == pytest.approx(330.0)
    assert (g["capacity_source"] == "file test").all()


@needs_data
def test_waiting_list_adds_unmet_demand_in_proportion():
    # allocated by clients in care: the same share of demand in every region
    g = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS).set_index(
        ["year", "zk_code"])
    # Urgent + active placement 2023: mean of 3,977, 4,104 and 4,080 (data_raw/waiting_lists)
    # over the national clients with stay of 2023: 0.9 x (100 + 200) + 29 x 45.
    w = (3977 + 4104 + 4080) / 3 / (0.9 * 300 + 29 * 45)
    run = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS)
    assert run.unmet_share == pytest.approx(w)
    np.testing.assert_allclose(run.unmet_shares, w)
    assert g.loc[(2025, "ZK01"), "need"] == pytest.approx(130 * (1 + w))
    assert g.loc[(2025, "ZK09"), "need"] == pytest.approx(50 * (1 + w))


@needs_data
def test_waiting_list_by_clients_and_from_a_regional_file(tmp_path):
    W = (3977 + 4104 + 4080) / 3  # national urgent + active 2023 [persons]
    # Default: in proportion to the clients in care in 2023 (nothing by a modelled
    # shortfall): ZK01 has 90 of 90 + 180 + 29 x 45 = 1,575 clients, so W x 90 / 1,575.
    run = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, status_file=NO_DELAY)
    g = run.frame.set_index(["year", "zk_code"])
    assert g.loc[(2023, "ZK01"), "waiting_base"] == pytest.approx(W * 90 / 1575)
    assert g.loc[(2023, "ZK02"), "waiting_base"] == pytest.approx(W * 180 / 1575)
    assert g.loc[(2025, "ZK02"), "need"] == pytest.approx(220 * (1 + W / 1575))
    assert g.loc[(2023, "ZK02"), "waiting_source"] == "ESTIMATE waiting_by_clients"
    assert run.unmet_share == pytest.approx(W / 1575)  # national share
    assert "waiting_by_clients" in run.assumptions
    # A planner's counts for ZK02 (urgent 10 + actief 20 = 30; voorkeur and voorzorg not
    # counted, two dates averaged); the rest of the national list goes by the rule.
    path = tmp_path / "wachtlijst.csv"
    path.write_text("zk_code,date,urgent_plaatsen,actief_plaatsen,wacht_op_voorkeur,"
                    "wacht_uit_voorzorg\nZK02,2023-01-01,8,20,30,99\n"
                    "ZK02,2023-07-01,12,20,30,99\n", encoding="utf-8")
    run = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, status_file=NO_DELAY,
                       waiting_file=path)
    g = run.frame.set_index(["year", "zk_code"])
    assert g.loc[(2023, "ZK02"), "waiting_base"] == pytest.approx(30)
    assert g.loc[(2025, "ZK02"), "need"] == pytest.approx(220 * (1 + 30 / 180))
    # the rest of the list goes to the others by clients: ZK01 90 of 1,575 - 180
    assert g.loc[(2023, "ZK01"), "waiting_base"] == pytest.approx((W - 30) * 90 / 1395)
    assert g.loc[(2023, "ZK02"), "waiting_source"].startswith("file ")
    # 'total' counts wacht op voorkeur too: 30 + 30
    run = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, status_file=NO_DELAY,
                       waiting_file=path, waiting="total")
    assert run.frame.query("year == 2023 and zk_code == 'ZK02'").waiting_base.item() == 60


@pytest.mark.parametrize("body,match", [
    ("zk_code,date,urgent_plaatsen,actief_plaatsen,wacht_op_voorkeur\nZK15,2023-01-01,1,2,3\n",
     r"row 2, column 'zk_code'.*ZK15"),
    ("zk_code,date,urgent_plaatsen,actief_plaatsen,wacht_op_voorkeur\nZK01,2022-12-31,1,2,3\n",
     r"row 2, column 'date'.*not a date of the base year 2023"),
    ("zk_code,date,urgent_plaatsen,actief_plaatsen,wacht_op_voorkeur\nZK01,2023-01-01,-1,2,3\n",
     r"row 2, column 'urgent_plaatsen'"),
    ("zk_code,date,urgent_plaatsen,actief_plaatsen,wacht_op_voorkeur\nZK01,2023-01-01,1,2,3\n"
     "ZK01,2023-01-01,1,2,3\n", r"row 3"),
    ("zk_code,date,urgent_plaatsen\nZK01,2023-01-01,1\n", r"actief_plaatsen"),
])
def test_bad_regional_waiting_files(tmp_path, body, match):
    from zorgcap.forecast.errors import InputError
    from zorgcap.forecast.supply import read_regional_waiting

    path = tmp_path / "w.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=match):
        read_regional_waiting(path, 2023)


def test_shortage_probability_from_draws():
    draws = np.full((4, 3, 31), 50.0)  # regions in the frame's order: ZK01, ZK02, others
    draws[:, :, 0] = [[100, 110, 100], [100, 110, 118], [100, 110, 125], [100, 110, 140]]
    draws[:, :, 1] = 200
    g = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                           status_file=CERTAIN, places_draws=draws)
    p = g.set_index(["year", "zk_code"])["p_short"]
    # Every plan realised on time: ZK01 supply 105 in 2024 and 125 in 2025.
    assert p[(2025, "ZK01")] == pytest.approx(0.25)  # only the draw of 140 exceeds 125
    assert p[(2024, "ZK01")] == pytest.approx(1.0)  # 110 > 105 in every draw
    assert p[(2025, "ZK02")] == pytest.approx(1.0) and p[(2023, "ZK02")] == 0.0
    np.testing.assert_allclose(g["p_closed"], 1 - g["p_short"])


def test_plan_delays_and_realisation_draws():
    plan = GAP_PLANS.iloc[:1]  # 10 places, planned (p 0.6, mean delay 1 year), ready 2024
    status = NO_DELAY.assign(delay_mean_years=[2.0, 1.0, 0.5, 0.0])
    g = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=plan, waiting=None,
                           status_file=status).set_index(["year", "zk_code"])
    # Poisson(1): P(delay 0) = e^-1, P(delay <= 1) = 2 e^-1.
    assert g.loc[(2024, "ZK01"), "plans_expected"] == pytest.approx(6 * np.exp(-1))
    assert g.loc[(2025, "ZK01"), "plans_expected"] == pytest.approx(12 * np.exp(-1))
    codes, years = ["ZK01", "ZK02"], [2023, 2024, 2025]
    sims = G._plan_draws(plan, status, codes, years, draws=20_000, seed=1).mean(axis=0)
    assert sims[1, 0] == pytest.approx(6 * np.exp(-1), rel=0.03)
    assert sims[2, 0] == pytest.approx(12 * np.exp(-1), rel=0.03)


def test_missing_planner_rows_are_estimates_and_labelled():
    cap = GAP_CAPACITY.iloc[:1]
    g = G.compare_capacity(gap_demand(), capacity=cap, plans=GAP_PLANS, waiting=None,
                           status_file=NO_DELAY)
    src = g.groupby("zk_code")["capacity_source"].first()
    assert src["ZK01"] == "file test" and src["ZK02"] == "ESTIMATE capacity_from_clients"
    assert g.query("zk_code == 'ZK02' and year == 2023").capacity.item() == 200.0


def test_estimate_capacity_is_the_places_in_use():
    from zorgcap.forecast.supply import estimate_capacity

    est = estimate_capacity(pd.Series({"ZK01": 100.0, "ZK02": 300.0}))
    assert est["places_with_stay"].tolist() == [100.0, 300.0]
    assert (est["capacity_source"] == "ESTIMATE capacity_from_clients").all()


@needs_data
def test_without_files_the_base_year_gap_is_the_waiting_list():
    # Issue 27: capacity and need come from one observation, so the base-year gap of every
    # region is its people waiting / occupancy (0.9 here), to the place, and never < 0.
    W = (3977 + 4104 + 4080) / 3
    g = G.supply_gap(gap_demand(), plans=GAP_PLANS, status_file=NO_DELAY).frame
    b = g[g.year == 2023].set_index("zk_code")
    np.testing.assert_allclose(b["capacity"], b["places_needed"])
    np.testing.assert_allclose(b["gap"], b["waiting_base"] / 0.9, rtol=1e-12)
    assert b.loc["ZK01", "gap"] == pytest.approx(W * 90 / 1575 / 0.9)  # 28.3 places
    assert (b["gap"] > 0).all()
    # a planner's file wins for its regions; the others get the labelled estimate
    g2 = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY.iloc[:1], plans=GAP_PLANS, waiting=None,
                      status_file=NO_DELAY).frame
    src = g2.groupby("zk_code")["capacity_source"].first()
    assert src["ZK01"] == "file test" and src["ZK02"] == "ESTIMATE capacity_from_clients"
    b2 = g2[g2.year == 2023].set_index("zk_code")
    assert b2.loc["ZK01", "gap"] == pytest.approx(5.0)  # need 100 against the file's 95
    assert b2.loc["ZK02", "gap"] == 0.0


def test_plans_ready_by_the_base_year_are_in_its_capacity():
    # Issue 27 item 4: the capacity file is 1 January 2023; a realised plan with year_ready
    # 2023 (and history: one of 2021) is part of it: it adds nothing, in no year, and the
    # run says how many places that concerns. ZK01: 95 + 10 x 0.6 in 2024 only.
    history = pd.concat([GAP_PLANS, pd.DataFrame({
        "project_id": ["h1", "h2", "h3"], "zk_code": ["ZK01", "ZK01", "ZK02"],
        "year_ready": [2023, 2021, 2023], "places": [500.0, 40.0, 12.0],
        "delivery_form": ["with_stay", "with_stay", "with_stay"],
        "status": ["realised", "realised", "under_construction"], "kind": "expansion",
        "plans_source": "file test"})], ignore_index=True)
    run = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=history, waiting=None,
                       status_file=NO_DELAY)
    g = run.frame.set_index(["year", "zk_code"])
    assert g.loc[(2023, "ZK01"), "supply"] == 95.0  # not 95 + 500
    assert g.loc[(2024, "ZK01"), "supply"] == pytest.approx(101.0)
    assert g.loc[(2023, "ZK02"), "supply"] == 205.0
    assert run.assumptions["plans_in_base_capacity"] == (
        "3 plans (552 places) are ready in 2023 or before: they are part of the capacity of "
        "1 January 2023 and not added again; 1 of them (12 places) are not realised: give "
        "them a later year_ready if they are not open yet")
    # the plans are still listed (the ambition table lists plans to 2025)
    assert set(run.plans["project_id"]) >= {"h1", "h2", "h3"}
    none = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None)
    assert "plans_in_base_capacity" not in none.assumptions


def test_a_subset_or_damaged_frame_is_refused_with_what_to_do():
    d = gap_demand()
    with pytest.raises(ValueError, match=r"covers 2 of the 31.*ChainConfig\(regions="):
        G.compare_capacity(d[d["zk_code"].isin(["ZK01", "ZK02"])], capacity=GAP_CAPACITY)
    with pytest.raises(ValueError, match="one row per year and region"):
        G.compare_capacity(pd.concat([d, d.iloc[:1]]), capacity=GAP_CAPACITY)
    with pytest.raises(ValueError, match=r"no column\(s\) \['places_needed'\]"):
        G.compare_capacity(d.drop(columns="places_needed"))
    with pytest.raises(ValueError, match=r"`places_draws` has shape \(4, 3, 2\)"):
        G.compare_capacity(d, capacity=GAP_CAPACITY, places_draws=np.zeros((4, 3, 2)))


def test_a_clustered_plan_lowers_the_all_forms_gap_only():
    # Done-when of issue 19: a realised 500-place geclusterd plan in ZK08 (2024) lowers
    # gap_all_forms of ZK08 in 2025 by 500 and leaves gap_with_stay unchanged.
    # Since a plans file covers only its own regions, ZK08 (no rows in GAP_PLANS) gets its share
    # of the estimate plans_from_national in `a` and only its file row in `b`. ZK08's
    # demand is flat in this frame, so that share is 0 and the comparison is the plan
    # alone; the other regions keep the same estimate in both runs.
    extra = pd.DataFrame({"project_id": ["g"], "zk_code": ["ZK08"], "year_ready": [2024],
                          "places": [500.0], "delivery_form": ["geclusterd"],
                          "status": ["realised"], "kind": ["expansion"],
                          "plans_source": ["file test"]})
    a = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS).set_index(
        ["year", "zk_code"])
    b = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=pd.concat([GAP_PLANS, extra])
                           ).set_index(["year", "zk_code"])
    assert b.loc[(2025, "ZK08"), "gap_all_forms"] == pytest.approx(
        a.loc[(2025, "ZK08"), "gap_all_forms"] - 500)
    assert b.loc[(2025, "ZK08"), "supply_clustered"] == pytest.approx(
        a.loc[(2025, "ZK08"), "supply_clustered"] + 500)
    pd.testing.assert_series_equal(a["gap_with_stay"], b["gap_with_stay"])
    pd.testing.assert_series_equal(a["gap"], b["gap"])
    src = a.loc[2025, "plans_source"]
    assert src["ZK08"] == "ESTIMATE plans_from_national" and src["ZK01"] == "file test"
    assert a.loc[(2025, "ZK08"), "plans_expected"] == 0.0
    assert b.loc[2025, "plans_source"]["ZK08"] == "file test"
    # nothing else moves: the other regions' all-forms gaps, and ZK08 before 2024
    others = a.index.get_level_values("zk_code") != "ZK08"
    np.testing.assert_allclose(a.loc[others, "gap_all_forms"], b.loc[others, "gap_all_forms"])
    assert b.loc[(2023, "ZK08"), "gap_all_forms"] == a.loc[(2023, "ZK08"), "gap_all_forms"]


def test_clustered_need_and_capacity_by_hand():
    cap = GAP_CAPACITY.assign(vpt_capacity=[30.0, np.nan] + [np.nan] * len(OTHERS))
    run = G.supply_gap(gap_demand(), capacity=cap, plans=GAP_PLANS, waiting=None,
                       status_file=NO_DELAY, clustered_share=0.5)
    g = run.frame.set_index(["year", "zk_code"])
    v = 18_405 / (18_405 + 35_100)  # VPT / (VPT + MPT), 2023, CBS 84529NED
    assert run.parameters["vpt_share_of_home"] == pytest.approx(v)
    # ZK01 2025: clients at home 0.36 x 130 = 46.8; x v x 0.5 / occupancy 0.9
    assert g.loc[(2025, "ZK01"), "need_clustered"] == pytest.approx(46.8 * v * 0.5 / 0.9)
    # ZK01's file gives 30 clustered places; ZK02 has none: its 2023 need (balance)
    assert g.loc[(2025, "ZK01"), "capacity_clustered"] == 30
    assert g.loc[(2025, "ZK02"), "capacity_clustered"] == pytest.approx(72 * v * 0.5 / 0.9)
    assert g.loc[(2023, "ZK02"), "clustered_source"] == "ESTIMATE clustered_from_clients"
    assert g.loc[(2023, "ZK01"), "clustered_source"] == "file test"
    # ZK02 2025: the realised 8-place VPT plan counts as clustered supply
    assert g.loc[(2025, "ZK02"), "supply_clustered"] == pytest.approx(
        72 * v * 0.5 / 0.9 + 8)
    np.testing.assert_allclose(g["gap_all_forms"], g["need"] + g["need_clustered"]
                               - g["supply_with_stay"] - g["supply_clustered"])
    assert "clustered_share_of_vpt" in run.assumptions
    assert "clustered_from_clients" in run.assumptions


def test_a_closure_larger_than_the_capacity_is_refused():
    from zorgcap.forecast.errors import InputError

    closure = GAP_PLANS.iloc[2:3].assign(places=500.0)  # ZK02 has 205 places
    with pytest.raises(InputError, match=r"closures in ZK02 remove 500 places.*205"):
        G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=closure, waiting=None,
                           status_file=NO_DELAY)


def test_the_staff_limit_per_region_in_the_gap_frame():
    # Issue 19, item 3, by hand: base-year fte = capacity x 1.2, grown by the scenario.
    a = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                     status_file=NO_DELAY, workforce="replacement").frame.set_index(
        ["year", "zk_code"])
    # no net growth: ZK01 can staff its 95 base places only; 2025 supply 119, need 130
    z = a.loc[(2025, "ZK01")]
    assert z["fte_available"] == pytest.approx(95 * 1.2)
    assert z["places_staffable"] == pytest.approx(95.0)
    assert (z["places_usable"], z["gap_usable"]) == pytest.approx((95.0, 35.0))
    assert z["binding_limit"] == "staff"
    # ZK02 2025: the closure leaves 175 built places against 205 staffable: buildings bind
    assert a.loc[(2025, "ZK02"), "binding_limit"] == "building"
    assert a.loc[(2023, "ZK02"), "binding_limit"] == "none"  # 5 places spare in 2023
    # letters: 25,000 fte over 2017-2020 on a 2016 stock of 114,005 clients / occupancy x
    # 1.2 fte per place, at the run's own occupancy (0.9 in this hand-made demand)
    g = (1 + 25_000 / (114_005 / 0.9 * 1.2)) ** 0.25 - 1
    b = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                     status_file=NO_DELAY).frame.set_index(["year", "zk_code"])
    assert b.loc[(2025, "ZK01"), "places_staffable"] == pytest.approx(95 * (1 + g) ** 2)
    assert b.loc[(2025, "ZK01"), "binding_limit"] == "staff"  # 103.1 < 119 built
    assert b.loc[(2025, "ZK09"), "binding_limit"] == "none"
    # a planner's fte count for ZK01 replaces the estimate
    own = pd.DataFrame({"zk_code": ["ZK01"], "year": [2023], "fte": [150.0],
                        "fte_source": ["file test"]})
    c = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=GAP_PLANS, waiting=None,
                     status_file=NO_DELAY, workforce="replacement",
                     workforce_file=own).frame.set_index(["year", "zk_code"])
    assert c.loc[(2025, "ZK01"), "places_staffable"] == pytest.approx(125.0)
    assert c.loc[(2025, "ZK01"), "binding_limit"] == "building"
    assert c.loc[(2025, "ZK01"), "fte_source"] == "file test"


def test_a_clustered_closure_larger_than_the_clustered_capacity_is_refused():
    from zorgcap.forecast.errors import InputError

    cap = GAP_CAPACITY.assign(vpt_capacity=[30.0, np.nan] + [np.nan] * len(OTHERS))
    close = pd.DataFrame({"project_id": ["x"], "zk_code": ["ZK01"], "year_ready": [2025],
                          "places": [31.0], "delivery_form": ["geclusterd"],
                          "status": ["realised"], "kind": ["closure"],
                          "plans_source": ["file test"]})
    with pytest.raises(InputError, match=r"(?s)remove 31 clustered VPT places but the region "
                                         r"has 30.*column vpt_capacity"):
        G.compare_capacity(gap_demand(), capacity=cap, plans=close)
    # 30 places may close: clustered supply 0 from 2025, the gap in all forms up by 30
    ok = G.compare_capacity(gap_demand(), capacity=cap, plans=close.assign(places=30.0))
    assert ok.query("year == 2025 and zk_code == 'ZK01'")["supply_clustered"].item() == 0


# --- a plans file covers its own regions; the others keep the estimate -----------------------


def _growing_demand():
    # gap_demand() with the 29 other regions growing 5 places a year (50, 55, 60), so that
    # each gets a share of the national plans estimate: growth 2023-2025 (the last year
    # before 2027) ZK01 30, ZK02 20, each other 10; national 30 + 20 + 29 x 10 = 340.
    d = gap_demand()
    grow = d["zk_code"].isin(OTHERS)
    d.loc[grow, "places_needed"] = 50.0 + 5.0 * (d.loc[grow, "year"] - 2023)
    d.loc[grow, "clients_with_stay"] = 0.9 * d.loc[grow, "places_needed"]
    return d


ZK08_PLAN = pd.DataFrame({"project_id": ["z1"], "zk_code": ["ZK08"], "year_ready": [2024],
                          "places": [120.0], "delivery_form": ["with_stay"],
                          "status": ["planned"], "kind": ["expansion"],
                          "plans_source": ["file zk08"]})


def test_a_one_region_plans_file_keeps_the_estimate_of_every_other_region():
    d = _growing_demand()
    run0 = G.supply_gap(d, capacity=GAP_CAPACITY, waiting=None, status_file=NO_DELAY)
    run1 = G.supply_gap(d, capacity=GAP_CAPACITY, plans=ZK08_PLAN, waiting=None,
                        status_file=NO_DELAY)
    g0, g1 = (r.frame.set_index(["year", "zk_code"]) for r in (run0, run1))
    # By hand: ZN Regiomonitor 2022, 7,000 places 2023-2027 = 1,400 a year; the years after
    # the base year 2023 count (2024-2027). ZK20's share 10/340, status planned (p 0.6, no
    # delay): 1,400 x 10/340 x 0.6 = 24.7 places by 2024, twice that by 2025.
    per_year = 1400 * 10 / 340
    assert g1.loc[(2024, "ZK20"), "plans_expected"] == pytest.approx(per_year * 0.6)
    assert g1.loc[(2025, "ZK20"), "plans_expected"] == pytest.approx(2 * per_year * 0.6)
    assert g1.loc[(2025, "ZK01"), "plans_expected"] == pytest.approx(2 * 1400 * 30 / 340 * 0.6)
    # ZK08 counts its file row only: 120 x 0.6 from 2024 (its estimate would be 24.7)
    assert g1.loc[(2023, "ZK08"), "plans_expected"] == 0.0
    assert g1.loc[(2025, "ZK08"), "plans_expected"] == pytest.approx(72.0)
    # every other region: exactly the run without a file (same plans, same gap)
    others = g1.index.get_level_values("zk_code") != "ZK08"
    for col in ("plans_expected", "supply", "gap", "gap_all_forms", "plans_source"):
        pd.testing.assert_series_equal(g1.loc[others, col], g0.loc[others, col])
    src = g1.loc[2025, "plans_source"]
    assert src["ZK08"] == "file zk08"
    assert (src.drop("ZK08") == "ESTIMATE plans_from_national").all()
    # national plans = the file's 120 + the others' estimate (all but ZK08's 4 x 41.2)
    assert run0.plans["places"].sum() == pytest.approx(4 * 1400)
    assert run1.plans["places"].sum() == pytest.approx(120 + 4 * 1400 - 4 * per_year)
    nat0, nat1 = (g.loc[2025, "plans_expected"].sum() for g in (g0, g1))
    assert nat1 == pytest.approx(nat0 - 2 * per_year * 0.6 + 72.0)
    # the output says which regions are estimated
    text = run1.assumptions["plans_from_national"]
    assert "30 regions without rows in the plans file" in text and "ZK20" in text
    assert "ZK08" not in text
    assert run1.parameters["plans_elsewhere"] == "estimate"
    from zorgcap.forecast.provenance import estimates_by_region

    est = estimates_by_region(run1.frame)
    assert "ZK08" not in est and est["ZK20"] == ["plans_from_national"]
    # the plans of a run given back as a table cover all 31 regions: nothing is estimated
    # again, and the gap is the same (a table's plans must be ready within the run, 2025)
    again = G.supply_gap(d, capacity=GAP_CAPACITY, plans=run1.plans.query("year_ready <= 2025"),
                         waiting=None, status_file=NO_DELAY)
    pd.testing.assert_series_equal(again.frame["gap"], run1.frame["gap"])
    assert "regions without rows" not in again.assumptions.get("plans_from_national", "")


def test_plans_elsewhere_none_and_a_region_declared_without_plans():
    d = _growing_demand()
    run0 = G.supply_gap(d, capacity=GAP_CAPACITY, waiting=None, status_file=NO_DELAY)
    g0 = run0.frame.set_index(["year", "zk_code"])
    # "none": the regions absent from the file have no plans; ZK08 keeps its row
    run = G.supply_gap(d, capacity=GAP_CAPACITY, plans=ZK08_PLAN, waiting=None,
                       status_file=NO_DELAY, plans_elsewhere="none")
    g = run.frame.set_index(["year", "zk_code"])
    assert g.loc[(2025, "ZK08"), "plans_expected"] == pytest.approx(72.0)
    others = g.index.get_level_values("zk_code") != "ZK08"
    assert (g.loc[others, "plans_expected"] == 0).all()
    assert (g.loc[others, "plans_source"] == "none").all()
    # with no plans, supply is the capacity: ZK20 2025 gap = need 60 - capacity 50
    assert g.loc[(2025, "ZK20"), "gap"] == pytest.approx(10.0)
    assert "plans_from_national" not in run.assumptions
    assert run.parameters["plans_elsewhere"] == "none"
    assert list(run.plans["zk_code"]) == ["ZK08"]
    # without a file, "none" is no plans anywhere
    bare = G.compare_capacity(d, capacity=GAP_CAPACITY, waiting=None, plans_elsewhere="none")
    assert (bare["plans_expected"] == 0).all() and (bare["plans_source"] == "none").all()
    # a row with places 0 declares ZK08 without plans; the others keep their estimate
    zero = G.supply_gap(d, capacity=GAP_CAPACITY, plans=ZK08_PLAN.assign(places=0.0),
                        waiting=None, status_file=NO_DELAY).frame.set_index(["year", "zk_code"])
    assert (zero.xs("ZK08", level="zk_code")["plans_expected"] == 0).all()
    assert zero.loc[(2025, "ZK08"), "plans_source"] == "file zk08"
    pd.testing.assert_series_equal(zero.loc[others, "plans_expected"],
                                   g0.loc[others, "plans_expected"])
    with pytest.raises(ValueError, match="`plans_elsewhere` was 'zero' but is expected to be "
                                         r"one of \['estimate', 'none'\]"):
        G.compare_capacity(d, plans_elsewhere="zero")


def test_a_plans_file_with_a_header_only_means_no_plans_anywhere(tmp_path):
    path = tmp_path / "plannen.csv"
    path.write_text("project_id,zk_code,year_ready,places,delivery_form,status\n",
                    encoding="utf-8")
    g = G.compare_capacity(_growing_demand(), capacity=GAP_CAPACITY, plans=path, waiting=None)
    assert (g["plans_expected"] == 0).all() and (g["plans_source"] == "none").all()


def test_a_plans_file_read_from_disk_covers_its_own_regions(tmp_path):
    # the same through the file reader: ZK08's row, the ';' notation of Dutch Excel
    path = tmp_path / "plannen.csv"
    path.write_text("project_id;zk_code;year_ready;places;delivery_form;status\n"
                    "Z1;ZK08;2024;120;with_stay;planned\n", encoding="utf-8")
    d = _growing_demand()
    g0 = G.compare_capacity(d, capacity=GAP_CAPACITY, waiting=None, status_file=NO_DELAY)
    g1 = G.compare_capacity(d, capacity=GAP_CAPACITY, plans=path, waiting=None,
                            status_file=NO_DELAY)
    zk08 = g1["zk_code"] == "ZK08"
    assert g1.loc[zk08 & (g1.year == 2025), "plans_expected"].item() == pytest.approx(72.0)
    np.testing.assert_array_equal(g1.loc[~zk08, "plans_expected"], g0.loc[~zk08,
                                                                       "plans_expected"])
    # named without the folder (tmp_path is outside the working directory): no local path in
    # the outputs (errors.portable_path)
    assert g1.loc[zk08, "plans_source"].iloc[0] == "file plannen.csv"



def test_a_plans_draws_do_not_depend_on_the_other_plans():
    # common random numbers: each plan has its own stream (seed, region, project id), so
    # ZK01's draws are the same whether or not ZK08's plan is counted beside it
    status = NO_DELAY.assign(delay_mean_years=[2.0, 1.0, 0.5, 0.0])
    codes, years = ["ZK01", "ZK08"], [2023, 2024, 2025]
    alone = G._plan_draws(GAP_PLANS.iloc[:2], status, codes, years, draws=200, seed=3)
    both = G._plan_draws(pd.concat([ZK08_PLAN, GAP_PLANS.iloc[:2]]), status, codes, years,
                         draws=200, seed=3)
    np.testing.assert_array_equal(alone[:, :, 0], both[:, :, 0])
    assert both[:, :, 1].any() and not alone[:, :, 1].any()
    other_seed = G._plan_draws(GAP_PLANS.iloc[:2], status, codes, years, draws=200, seed=4)
    assert not np.array_equal(alone, other_seed)


def test_the_gap_uses_the_realisation_learned_from_vintages(tmp_path):
    # handmade.PLAN_HISTORY without P8 (ready 2026, after this demand's last year). The
    # newest inventory (2023-10-01) counts; ready by the base year 2023 (P1, P3, P5, P6) is
    # in the base capacity. After it: ZK01 P4 50 under construction for 2025 (and P2,
    # cancelled); ZK02 Q1 100 planned for 2025. Learned (tests/test_realisation.py): under
    # construction 11/12 with mean delay 0.5 y, planned 0.65 with 23/26 y (= 9.2 / 10.4).
    from handmade import PLAN_HISTORY, plan_history_file

    text = "".join(line for line in PLAN_HISTORY.splitlines(keepends=True) if ",P8," not in line)
    path = plan_history_file(tmp_path, text)
    run = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=path, waiting=None)
    g = run.frame.set_index(["year", "zk_code"])
    assert g.loc[(2024, "ZK01"), "plans_expected"] == pytest.approx(0.0)
    assert g.loc[(2025, "ZK01"), "plans_expected"] == pytest.approx(
        50 * 11 / 12 * np.exp(-0.5))
    assert g.loc[(2025, "ZK02"), "plans_expected"] == pytest.approx(
        100 * 0.65 * np.exp(-23 / 26))
    # the learned values apply to ZK01 and ZK02 only (whose projects taught them); the
    # other 29 regions keep the defaults, which realisation_probability names
    assert run.assumptions["realisation_probability"]["planned"] == pytest.approx(0.6)
    assert "planned 0.65 realised, mean delay 0.9 y (6 projects)" in run.assumptions[
        "realisation_from_history"]
    assert run.assumptions["realisation_from_history"].endswith(
        "learned from: ZK01, ZK02; the other 29 regions keep the defaults")
    # in the base capacity: P1 60, P3 30, P5 80 with stay and P6 25 geclusterd; the
    # cancelled P2 (2024) is not among them
    assert run.assumptions["plans_in_base_capacity"].startswith("4 plans (195 places)")
    mine = run.plans["zk_code"].isin(["ZK01", "ZK02"])
    assert (run.plans.loc[mine, "plans_source"].str.endswith("inventory 2023-10-01")).all()
    # the estimate plans_from_national of the other regions ('planned') keeps the default
    # 0.6 with Poisson(1) delay: a planner's file changes only its own regions (issue 31)
    assert (run.plans.loc[~mine, "status"] == "planned").all()
    est = run.plans[run.plans["zk_code"] == "ZK20"].set_index("year_ready")["places"]
    assert g.loc[(2025, "ZK20"), "plans_expected"] == pytest.approx(
        est[2024] * 0.6 * (1 + 1) * np.exp(-1) + est[2025] * 0.6 * np.exp(-1))
    # the same newest inventory as a file without vintages: the default probabilities
    newest = "project_id,zk_code,year_ready,places,delivery_form,status,kind\n" + "".join(
        line.split(",", 1)[1] for line in text.splitlines(keepends=True)
        if line.startswith("2023-10-01"))
    plain = plan_history_file(tmp_path, newest, "plain.csv")
    run0 = G.supply_gap(gap_demand(), capacity=GAP_CAPACITY, plans=plain, waiting=None)
    g0 = run0.frame.set_index(["year", "zk_code"])
    assert g0.loc[(2025, "ZK01"), "plans_expected"] == pytest.approx(50 * 0.9 * np.exp(-0.5))
    assert g0.loc[(2025, "ZK02"), "plans_expected"] == pytest.approx(100 * 0.6 * np.exp(-1))
    assert "realisation_from_history" not in run0.assumptions


def test_a_cancelled_plan_adds_nothing_anywhere():
    plans = GAP_PLANS.assign(status=["cancelled", "under_construction", "cancelled", "realised"])
    g = G.compare_capacity(gap_demand(), capacity=GAP_CAPACITY, plans=plans, waiting=None,
                           status_file=NO_DELAY).set_index(["year", "zk_code"])
    # ZK01: only b (20 under construction, 0.9) counts; ZK02: the cancelled closure closes
    # nothing, the VPT plan adds 8 clustered places
    assert g.loc[(2025, "ZK01"), "plans_expected"] == pytest.approx(18.0)
    assert g.loc[(2025, "ZK02"), "plans_expected"] == pytest.approx(0.0)
    assert g.loc[(2025, "ZK02"), "plans_clustered_expected"] == pytest.approx(8.0)
