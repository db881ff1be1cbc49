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
