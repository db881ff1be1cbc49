"""Progress over time (zorgcap.forecast.monitor, ``zorgcap monitor``; issue 31) on the hand-made
three-vintage file ``handmade.PLAN_HISTORY``: every expected number is counted by hand from
its rows (see the comment there)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data
from handmade import plan_history_file

from zorgcap.forecast import monitor as M
from zorgcap.forecast.io.datadir import data_raw_dir
from zorgcap.forecast.supply import plan_status, read_plan_history, read_plans
from zorgcap.regions.codes import ZORGKANTOORREGIOS


@pytest.fixture
def history(tmp_path):
    return read_plan_history(plan_history_file(tmp_path))


def test_planned_and_realised_per_inventory_by_hand(history):
    m = M.monitor_table(history).set_index(["zk_code", "vintage", "year"])
    assert list(M.monitor_table(history).columns) == ["zk_code", "vintage", "year",
                                                      "planned_places", "realised_places"]
    # 2021-10-01, 2022: P5 80 (under construction) + P6 20 (idea); nothing realised yet
    assert m.loc[("ZK01", "2021-10-01", 2022)].tolist() == [100, 0]
    # 2022-10-01, 2022: P1 60 (under construction) + P3 30 + P5 80 (both realised)
    assert m.loc[("ZK01", "2022-10-01", 2022)].tolist() == [170, 110]
    # 2023-10-01, 2023: P1 60 + P6 25, both realised; 2024: only the cancelled P2
    assert m.loc[("ZK01", "2023-10-01", 2023)].tolist() == [85, 85]
    assert m.loc[("ZK01", "2023-10-01", 2024)].tolist() == [0, 0]
    assert m.loc[("ZK02", "2023-10-01", 2025)].tolist() == [100, 0]
    # no inventory lists all 31 regions: no national rows from the file
    assert "NL" not in m.index.get_level_values(0)


def test_what_became_of_the_open_places_by_hand(history):
    c = M.plan_changes(history).set_index(["zk_code", "vintage_from"])
    flows = ["open_places", "realised_places", "slipped_places", "on_time_places",
             "vanished_places", "resized_places", "new_places"]
    # ZK01 2021 -> 2022: open P1 60, P2 40, P3 30, P4 50, P5 80, P6 20, P7 45 = 325;
    # realised P3 + P5 = 110; slipped one year P1, P2, P6 = 120; on time P4 50; P7 gone 45
    assert c.loc[("ZK01", "2021-10-01"), flows].tolist() == [325, 110, 120, 50, 45, 0, 0]
    assert c.loc[("ZK01", "2021-10-01"), "slipped_years"] == 1.0
    # 2022 -> 2023: open P1 60, P2 40, P4 50, P6 20 = 170; realised P1 + P6 (as planned:
    # 80); P2 cancelled 40; P4 on time; P6 grew by 5; P8 new, 70
    assert c.loc[("ZK01", "2022-10-01"), flows].tolist() == [170, 80, 0, 50, 40, 5, 70]
    assert np.isnan(c.loc[("ZK01", "2022-10-01"), "slipped_years"])
    assert c.loc[("ZK02", "2022-10-01"), ["open_places", "slipped_places"]].tolist() == [100,
                                                                                           100]
    assert "NL" not in c.index.get_level_values(0)  # no inventory of all 31 regions


def test_national_rows_from_inventories_of_every_region(tmp_path):
    rows = ["vintage,project_id,zk_code,year_ready,places,delivery_form,status,kind"]
    for v, year in (("2022-10-01", 2024), ("2023-10-01", 2025)):  # every plan slips a year
        rows += [f"{v},{c}-1,{c},{year},10,with_stay,planned,expansion"
                 for c in ZORGKANTOORREGIOS]
    h = read_plan_history(plan_history_file(tmp_path, "\n".join(rows) + "\n"))
    m = M.monitor_table(h).query("zk_code == 'NL'")
    assert m[["vintage", "year", "planned_places"]].values.tolist() == [
        ["2022-10-01", 2024, 310.0], ["2023-10-01", 2025, 310.0]]
    c = M.plan_changes(h).query("zk_code == 'NL'")
    assert c[["open_places", "slipped_places", "slipped_years"]].values.tolist() == [
        [310.0, 310.0, 1.0]]


def _targets(share_with_stay: float, share_all: float, codes=("ZK01",)):
    rows = []
    for key, forms, share in (("t_stay", "with_stay", share_with_stay),
                              ("t_all", "all_forms", share_all)):
        rows += [{"target": key, "year": 2025, "base_year": 2021, "forms": forms,
                  "zk_code": c, "zk_name": c, "target_share": share if c == "ZK01" else 0.0,
                  "realised_to_base": 0.0, "expected_to_year": 0.0, "counted": 0.0,
                  "counted_minus_share": 0.0} for c in codes]
    return pd.DataFrame(rows)


def test_probability_of_reaching_a_share_by_hand(tmp_path):
    # ZK01's newest inventory: P1 60 and P6 25 (geclusterd) realised 2023, P3 30 and P5 80
    # realised 2022 - ready by the base year 2023, so in its capacity -, P4 50 under
    # construction for 2025 (learned: 11/12, Poisson delay 0.5 y), P8 for 2026.
    # A share of 40 places is reached only if P4 opens in 2025, in either forms:
    # 11/12 x P(delay 0) = 11/12 x e^-0.5 = 0.556.
    path = plan_history_file(tmp_path)
    plans = read_plans(path, base_year=2023)
    status = plan_status(history=path)
    a = 11 / 12 * np.exp(-0.5)
    r = M.target_reach(_targets(40, 40), plans, status, draws=20_000, seed=5, base_year=2023)
    p = r.set_index("target")["p_reach"]
    assert p["t_stay"] == pytest.approx(a, abs=0.01)
    assert p["t_all"] == p["t_stay"]  # the same draws: P4 is the only plan after 2023
    # without the base year the plans of 2022-2023 would count again: 60 + 80 + 30 >= 100
    again = M.target_reach(_targets(100, 100), plans, status, draws=2000, seed=5)
    assert again.set_index("target").loc["t_stay", "p_reach"] == 1.0
    # cancelling P4 lowers it: nothing after 2023 can reach 40
    cancelled = plans.assign(status=np.where(plans["project_id"] == "P4", "cancelled",
                                             plans["status"]))
    r = M.target_reach(_targets(40, 40), cancelled, status, draws=20_000, seed=5,
                       base_year=2023)
    assert r.set_index("target").loc["t_stay", "p_reach"] == 0.0


def test_national_probability_over_all_regions(history):
    # plan_status takes the history as a frame as well as a file
    plans = read_plans(history.drop(columns="plans_source"), base_year=2023)
    status = plan_status(history=history.drop(columns="plans_source"))
    r = M.target_reach(_targets(40, 40, codes=tuple(ZORGKANTOORREGIOS)), plans, status,
                       draws=4000, seed=5, base_year=2023)
    nat = r.query("zk_code == 'NL'").set_index("target")
    assert nat.loc["t_stay", "target_share"] == 40.0
    # only ZK01 has a share, but ZK02's Q1 (100 planned for 2025: 0.65 x P(Poisson(23/26)
    # = 0)) counts nationally too: the country reaches 40 if P4 opens in 2025 or Q1 does,
    # 1 - (1 - 11/12 e^-0.5)(1 - 0.65 e^-(23/26)) = 0.675
    a, b = 11 / 12 * np.exp(-0.5), 0.65 * np.exp(-23 / 26)
    assert nat.loc["t_stay", "p_reach"] == pytest.approx(1 - (1 - a) * (1 - b), abs=0.02)
    zk01 = r.query("zk_code == 'ZK01'").set_index("target")
    assert zk01.loc["t_stay", "p_reach"] == pytest.approx(a, abs=0.02)
    assert list(r.columns) == [c for c in M.TARGET_REACH_COLUMNS if c != "realised_listed"]


@needs_data
def test_the_national_history_shipped_in_data_raw():
    table = pd.read_csv(data_raw_dir() / "plan_history_national.csv")
    assert table["source_url"].str.startswith("https://").all()
    assert set(table["key"]) == {"zn_monitor_2021_all_forms", "zn_monitor_2021_intramural",
                                 "zn_regiomonitor_2022_intramural",
                                 "zn_regiomonitor_2023_intramural"}
    rows, sources = M.national_history(occupancy=0.97)
    m = rows.set_index(["vintage", "year"])
    # ZN Regiomonitor 2022: 7,000 intramural places 2023-2027, 1,400 a year
    assert m.loc[[("2022-09-30", y) for y in range(2023, 2028)], "planned_places"].tolist() \
        == [1400.0] * 5
    # realised 2023 = (126,105 - 124,260) clients with stay (CBS 84529NED) / 0.97
    assert m.loc[("2022-09-30", 2023), "realised_places"] == pytest.approx(1845 / 0.97)
    assert np.isnan(m.loc[("2022-09-30", 2024), "realised_places"])
    assert sources["realised_source"].str.contains("CBS 84529NED").all()
    assert sources["planned_source"].str.contains("DERIVED").sum() == 2


def _read(out, name):
    return pd.read_csv(out / f"{name}.csv", dtype={"vintage": str})


def test_zorgcap_monitor_on_the_history_template(tmp_path):
    from zorgcap.forecast.cli import main

    template = data_raw_dir() / "templates" / "build_plans_history.csv"
    out = tmp_path / "out"
    assert main(["monitor", "--plans", str(template), "--out", str(out), "--no-targets"]) == 0
    monitor, real = _read(out, "monitor"), _read(out, "realisation")
    assert list(monitor.columns) == ["zk_code", "vintage", "year", "planned_places",
                                     "realised_places"]
    assert list(real.columns) == ["status", "years_after_planned", "p_realised", "n_projects",
                                  "source"]
    assert set(monitor["vintage"].dropna()) >= {"2021-10-01", "2022-10-01", "2023-10-01"}
    src = real.groupby("status")["source"].first()
    assert src[["idea", "planned", "under_construction"]].tolist() == ["history"] * 3
    assert src[["realised", "cancelled"]].tolist() == ["default"] * 2
    n = real.groupby("status")["n_projects"].first()
    assert n[["idea", "planned", "under_construction"]].tolist() == [2, 6, 2]
    # the template is the hand-made history with names and notes: the same learned numbers
    last = real[real["years_after_planned"] == 10].set_index("status")["p_realised"]
    assert last["planned"] == pytest.approx(0.65, abs=1e-6)
    assert (out / "charts" / "monitor_ZK01.png").is_file()
    assert (out / "charts" / "monitor_NL.png").is_file()  # the shipped national history
    assert {"ZK01", "ZK02", "NL"} == set(monitor["zk_code"])


def test_zorgcap_monitor_on_a_single_inventory_learns_nothing(tmp_path):
    from zorgcap.forecast.cli import main

    out = tmp_path / "out"
    assert main(["monitor", "--plans", str(data_raw_dir() / "templates" / "build_plans.csv"),
                 "--out", str(out), "--no-targets"]) == 0
    real = _read(out, "realisation")
    assert (real["source"] == "default").all() and (real["n_projects"] == 0).all()
    planned = real[real["status"] == "planned"].set_index("years_after_planned")["p_realised"]
    assert planned[0] == pytest.approx(0.6 * np.exp(-1))  # default 0.6, Poisson(1) delay
    assert _read(out, "monitor_changes").empty


@needs_data
def test_zorgcap_monitor_with_the_targets(tmp_path):
    from zorgcap.forecast.cli import main

    out = tmp_path / "out"
    path = plan_history_file(tmp_path)
    assert main(["monitor", "--plans", str(path), "--out", str(out), "--draws", "0",
                 "--to", "2031", "--reach-draws", "400"]) == 0
    t = _read(out, "monitor_targets")
    assert list(t.columns) == list(M.TARGET_REACH_COLUMNS)
    nat = t[t["zk_code"] == "NL"].set_index("target")
    assert set(nat.index) == {"ambition_2025", "wozo_target_2030", "wozo_opgave_2030",
                              "ambition_2031"}
    assert nat.loc["ambition_2025", "target_share"] == pytest.approx(25_000)
    assert t["p_reach"].between(0, 1).all()
    zk01 = t[(t["zk_code"] == "ZK01") & (t["target"] == "ambition_2025")].iloc[0]
    # the planner's own count, newest inventory, 2021-2023 in all forms: P3 30 + P5 80
    # (2022), P1 60 + P6 25 (2023)
    assert zk01["realised_listed"] == 195.0
    # expected_to_year (all forms, by 2025): what is ready by 2023 is in the capacity; P4 50
    # under construction for 2025 with the learned 11/12 and P(Poisson(0.5) = 0)
    assert zk01["expected_to_year"] == pytest.approx(50 * 11 / 12 * np.exp(-0.5))
    import json

    prov = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
    assert "realisation_from_history" in prov["assumptions"]


def test_chain_result_monitor_on_a_hand_made_run(tmp_path):
    from handmade import small_result

    result = small_result()
    m = result.monitor(plans=plan_history_file(tmp_path), draws=200)
    # small_result: ambition_2025 shares 100, 200, 300 with 30, 60, 90 realised to the base
    # year and one plan of 50 places (ZK07, 2026): nothing more arrives by 2025
    assert m.targets["p_reach"].tolist() == [0.0, 0.0, 0.0]
    assert "NL" not in set(m.targets["zk_code"])  # three regions: no national row
    assert set(m.frames()) == {"monitor", "realisation", "monitor_changes", "monitor_sources",
                               "monitor_status", "monitor_targets"}
    assert m.status.set_index("status").loc["planned", "source"] == "history"
