"""Planner files and default supply (zorgcap.forecast.supply)."""

from __future__ import annotations

import pandas as pd
import pytest

from zorgcap.forecast import supply as S
from zorgcap.forecast.errors import InputError


def _plans_csv(tmp_path, rows):
    head = "project_id,zk_code,year_ready,places,delivery_form,status,kind\n"
    path = tmp_path / "plans.csv"
    path.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    return path


GOOD = "P1,ZK01,2026,60,with_stay,planned,expansion"


@pytest.mark.parametrize("bad,match", [
    ("P2,ZK05,2026,60,with_stay,planned,expansion", r"row 3, column 'zk_code'.*'ZK05'"),
    ("P2,ZK01,2014,60,with_stay,planned,expansion", r"row 3, column 'year_ready'.*2014"),
    ("P2,ZK01,2026,-60,with_stay,planned,expansion", r"row 3, column 'places'.*-60 is below 0"),
    ("P1,ZK02,2026,60,with_stay,planned,expansion", r"row 3, column 'project_id'.*'P1' is "
                                                    r"used twice \(also row 2\)"),
    ("P2,ZK01,2026,60,intramuraal,planned,expansion", r"row 3, column 'delivery_form'"),
    ("P2,ZK01,2026,60,with_stay,dreaming,expansion", r"row 3, column 'status'"),
])
def test_bad_plans_rows_are_named(tmp_path, bad, match):
    with pytest.raises(InputError, match=match) as err:
        S.read_plans(_plans_csv(tmp_path, [GOOD, bad]), base_year=2023)
    assert "plans.csv" in str(err.value) and "Fix:" in str(err.value)


def test_delivery_forms_are_read_as_codes_whatever_their_case(tmp_path):
    plans = S.read_plans(_plans_csv(tmp_path, [
        GOOD, "P2,ZK01,2026,60, Geclusterd ,planned,expansion",
        "P3,ZK01,2026,60,VPT,planned,expansion"]), base_year=2023)
    assert plans["delivery_form"].tolist() == ["with_stay", "geclusterd", "vpt"]


def test_plans_template_is_valid():
    from zorgcap.forecast.io.datadir import data_raw_dir

    plans = S.read_plans(data_raw_dir() / "templates" / "build_plans.csv", base_year=2023)
    assert plans["kind"].tolist() == ["expansion", "closure", "expansion"]
    assert plans["places"].tolist() == [60, 40, 0]  # 0: how a region without plans is declared
    cap = S.read_capacity(data_raw_dir() / "templates" / "capacity.csv", base_year=2023)
    assert cap["places_with_stay"].tolist() == [3400.0]


def test_capacity_of_another_year_is_refused(tmp_path):
    path = tmp_path / "cap.csv"
    path.write_text("zk_code,year,places_with_stay\nZK01,2022,3000\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2, column 'year'.*2022 is not the base year 2023"):
        S.read_capacity(path, base_year=2023)


def test_plan_shares_by_hand():
    wide = pd.DataFrame({"ZK01": [100.0, 130.0], "ZK02": [200.0, 190.0],
                         "ZK03": [50.0, 60.0]}, index=[2023, 2024])
    # growth 30, -10 (counted 0), 10: shares 0.75, 0, 0.25
    assert S.plan_shares(wide, 2023).tolist() == [0.75, 0.0, 0.25]
    # no region grows: shares of the base-year places (100, 200, 50 of 350)
    flat = wide.assign(ZK01=[100.0, 90.0], ZK03=[50.0, 50.0])
    assert S.plan_shares(flat, 2023).tolist() == pytest.approx([100 / 350, 200 / 350,
                                                             50 / 350])
    assert S.plan_shares(flat * 0, 2023).tolist() == [0.0, 0.0, 0.0]


def test_the_national_plans_estimate_by_hand():
    # ZN Regiomonitor 2022: 7,000 places 2023-2027 = 1,400 a year; base year 2023: the
    # four years 2024-2027 count, spread 0.75 / 0.25
    est = S.estimate_plans(pd.Series({"ZK01": 0.75, "ZK03": 0.25}), base_year=2023)
    assert est.groupby("zk_code")["places"].sum().tolist() == [4 * 1050.0, 4 * 350.0]
    assert sorted(set(est["year_ready"])) == [2024, 2025, 2026, 2027]
    assert (est["plans_source"] == "ESTIMATE plans_from_national").all()
    # what the assumption says: the 2023 fifth is in the base capacity, 5,600 are added
    nat = S.national_plans(2023)
    assert (nat["places"], nat["added"], nat["added_first_year"]) == (7000.0, 5600.0, 2024)
    from zorgcap.forecast.gap import _plans_text

    assert _plans_text(2023).endswith("those ready by 2023 are in the base capacity, so "
                                      "5,600 places 2024-2027 are added")
    assert _plans_text(2022) == ("ZN Regiomonitor 2022: 7,000 places 2023-2027 spread by "
                                 "demand growth")  # nothing ready before 2023


def test_a_row_with_places_0_declares_a_region_without_plans(tmp_path):
    rows = [GOOD, "ZK08-geen,ZK08,2025,0,with_stay,planned,"]
    plans = S.read_plans(_plans_csv(tmp_path, rows), base_year=2023)
    assert plans.set_index("zk_code")["places"].to_dict() == {"ZK01": 60.0, "ZK08": 0.0}
    with pytest.raises(InputError, match=r"(?s)-5 is below 0.*0 declares a region without plans"):
        S.read_plans(_plans_csv(tmp_path, ["P1,ZK08,2025,-5,with_stay,planned,"]), 2023)


# --- plans with several inventories (vintage, issue 31) ---------------------------------

def test_the_gap_reads_the_newest_inventory(tmp_path):
    from handmade import plan_history_file

    plans = S.read_plans(plan_history_file(tmp_path), base_year=2023, last_year=2040)
    # 2023-10-01 lists P1-P6, P8 (ZK01) and Q1 (ZK02), as the file has them (the gap counts
    # the rows ready by 2023 as part of the base capacity, as in any plans file). The
    # cancelled P2 stays (its region is covered; it adds nothing).
    assert plans["project_id"].tolist() == ["P1", "P2", "P3", "P4", "P5", "P6", "P8", "Q1"]
    assert plans["year_ready"].tolist() == [2023, 2024, 2022, 2025, 2022, 2023, 2026, 2025]
    assert plans.loc[plans["project_id"] == "P2", "status"].item() == "cancelled"
    assert plans["plans_source"].iloc[0].endswith("plannen.csv, inventory 2023-10-01")
    history = S.read_plan_history(plan_history_file(tmp_path))
    assert history["vintage"].value_counts().sort_index().tolist() == [7, 7, 8]
    pd.testing.assert_frame_equal(
        S.newest_inventory(history).drop(columns="vintage").reset_index(drop=True),
        history[history["vintage"] == "2023-10-01"].drop(columns="vintage")
        .reset_index(drop=True))


def test_a_file_without_vintage_is_one_inventory(tmp_path):
    plans = S.read_plans(_plans_csv(tmp_path, [GOOD]), base_year=2023)
    history = S.read_plan_history(_plans_csv(tmp_path, [GOOD]))
    assert history["vintage"].tolist() == [""]
    pd.testing.assert_frame_equal(history.drop(columns="vintage"), plans)


HEAD = "vintage,project_id,zk_code,year_ready,places,delivery_form,status,kind\n"


@pytest.mark.parametrize("rows,match", [
    (["2023-10-01,P1,ZK01,2014,60,with_stay,planned,expansion"],
     r"(?s)row 2, column 'year_ready'.*2014 is outside 2015-2050"),
    (["2022-10-01,P1,ZK01,2024,60,with_stay,planned,expansion",
      "1-10-2023,P1,ZK01,2024,60,with_stay,planned,expansion"],
     r"(?s)row 3, column 'vintage'.*'1-10-2023' is not a date YYYY-MM-DD.*format the column as "
     r"text"),
    (["2023-10-01,P1,ZK01,2024,60,with_stay,planned,expansion",
      ",P2,ZK01,2024,60,with_stay,planned,expansion"],
     r"row 3, column 'vintage'.*'' is not a date"),
    (["2023-10-01,P1,ZK01,2024,60,with_stay,planned,expansion",
      "2023-10-01,P1,ZK02,2025,60,with_stay,planned,expansion"],
     r"(?s)row 3.*vintage '2023-10-01', project_id 'P1' is used twice \(also row 2\).*unique "
     r"within its inventory"),
    (["2023-10-01,P1,ZK01,2024,60,with_stay,stopped,expansion"],
     r"(?s)row 2, column 'status'.*use one of: idea, planned, under_construction, realised, "
     r"cancelled"),
])
def test_bad_vintage_rows_are_named(tmp_path, rows, match):
    path = tmp_path / "plans.csv"
    path.write_text(HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=match):
        S.read_plans(path, base_year=2023)


def test_an_old_inventory_may_list_the_past_and_ids_repeat_across_vintages(tmp_path):
    path = tmp_path / "plans.csv"
    path.write_text(HEAD + "2021-10-01,P1,ZK01,2021,60,with_stay,realised,expansion\n"
                    "2021-10-01,P2,ZK01,2022,60,with_stay,planned,expansion\n"
                    "2023-10-01,P2,ZK01,2024,60,with_stay,planned,expansion\n",
                    encoding="utf-8")
    plans = S.read_plans(path, base_year=2023)
    assert plans["project_id"].tolist() == ["P2"] and plans["year_ready"].tolist() == [2024]


def test_a_frame_with_dates_as_timestamps_is_read():
    frame = pd.DataFrame({"vintage": pd.to_datetime(["2022-10-01", "2023-10-01"]),
                          "project_id": ["P1", "P1"], "zk_code": "ZK01",
                          "year_ready": [2024, 2025], "places": 60.0,
                          "delivery_form": "with_stay", "status": "planned"})
    plans = S.read_plans(frame, base_year=2023)
    assert plans["year_ready"].tolist() == [2025]
    assert plans["plans_source"].item() == "DataFrame, inventory 2023-10-01"


def test_plan_status_adds_cancelled_and_refuses_it_realised(tmp_path):
    status = S.plan_status().set_index("status")
    assert status.loc["cancelled", "realisation_probability"] == 0.0
    assert (status["source"] == "default").all() and (status["n_projects"] == 0).all()
    path = tmp_path / "status.csv"
    path.write_text("status,realisation_probability\nidea,0.3\nplanned,0.6\n"
                    "under_construction,0.9\nrealised,1\ncancelled,0.2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"(?s)row 6, column 'realisation_probability'.*"
                                         r"cancelled .* above 0.*give 0"):
        S.plan_status(path)


def test_plan_status_learns_from_a_history(tmp_path):
    from handmade import plan_history_file

    learned = S.plan_status(history=plan_history_file(tmp_path)).set_index("status")
    assert learned.loc["planned", "realisation_probability"] == pytest.approx(0.65)
    assert learned.loc["planned", "source"] == "history"
    # a file without vintages: the defaults
    plain = S.plan_status(history=_plans_csv(tmp_path, [GOOD]))
    pd.testing.assert_frame_equal(plain, S.plan_status())
