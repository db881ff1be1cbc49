"""Zorgkantoorregio's, the gemeente mapping per year, mergers and aggregation.

Expected numbers come from CBS "Gebieden in Nederland" 2019-2025 (84378NED ... 86059NED):
355 gemeenten in 2019 and 2020, 352 in 2021, 345 in 2022, 342 from 2023.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import needs_data

from zorgcap import regions
from zorgcap.forecast.errors import InputError

pytestmark = needs_data


@pytest.mark.parametrize("year", list(regions.YEARS))
def test_31_regions_every_year_with_the_published_codes_and_names(year):
    zk = regions.zorgkantoorregios(year)
    assert len(zk) == 31
    assert dict(zip(zk.zk_code, zk.zk_name, strict=True)) == regions.ZORGKANTOORREGIOS


@pytest.mark.parametrize("year,n", [(2019, 355), (2020, 355), (2021, 352), (2022, 345),
                                    (2023, 342), (2024, 342), (2025, 342)])
def test_number_of_gemeenten(year, n):
    gm = regions.gemeenten(year)
    assert len(gm) == n and gm.gm_code.is_unique
    assert gm[["zk_code", "pv_code", "corop_code"]].notna().all().all()


def test_weesp_moves_from_t_gooi_to_amsterdam_in_2022_and_merges_in_2023():
    zk = {y: regions.gemeenten(y).set_index("gm_code")["zk_code"] for y in regions.YEARS}
    assert [zk[y]["GM0457"] for y in (2019, 2020, 2021)] == ["ZK21"] * 3
    assert zk[2022]["GM0457"] == "ZK02"
    assert "GM0457" not in zk[2023].index


def test_only_weesp_changes_region_2019_2025():
    # A gemeente code that exists in two consecutive years keeps its region, except Weesp.
    moved = set()
    for year in list(regions.YEARS)[1:]:
        a = regions.gemeenten(year - 1).set_index("gm_code")["zk_code"]
        b = regions.gemeenten(year).set_index("gm_code")["zk_code"]
        both = a.index.intersection(b.index)
        moved |= set(both[(a[both] != b[both]).to_numpy()])
    assert moved == {"GM0457"}


def test_region_crossing_a_provincial_border():
    # Almere (Flevoland, PV24) is in zorgkantoorregio 't Gooi (ZK21).
    gm = regions.gemeenten(2023).set_index("gm_code")
    assert (gm.loc["GM0034", "zk_code"], gm.loc["GM0034", "pv_code"]) == ("ZK21", "PV24")


def test_changes_table_explains_every_code_that_disappears():
    changes = regions.gemeente_changes()
    for year in list(regions.YEARS)[1:]:
        before = set(regions.gemeenten(year - 1).gm_code)
        after = set(regions.gemeenten(year).gm_code)
        step = changes[changes.to_year == year]
        assert set(step.old_gm_code) == before - after, year
        assert set(step.new_gm_code) <= after, year
    assert changes.groupby("old_gm_code").share.sum().round(9).eq(1).all()


def test_to_indeling_merges_splits_and_conserves_counts():
    frame = pd.DataFrame({
        "gm_code": ["GM0003", "GM0010", "GM0024", "GM0788", "GM0855", "GM0457", "GM0370"],
        "sex": "female",
        "persons": [10.0, 20.0, 30.0, 14325.0, 5.0, 100.0, 7.0],
    })
    out = regions.to_indeling(frame, 2023, ["persons"]).set_index("gm_code")["persons"]
    assert out["GM1979"] == 60.0  # Appingedam + Delfzijl + Loppersum -> Eemsdelta (2021)
    # Haaren split by PC4 population 1-1-2021: Biezenmortel 1445 -> Tilburg, Haaren 5825 ->
    # Oisterwijk, Helvoirt 4885 + Esch 2170 -> Vught (CBS 83502NED).
    assert out["GM0855"] == pytest.approx(1445 + 5)
    assert out["GM0824"] == pytest.approx(5825)
    assert out["GM0865"] == pytest.approx(7055)
    assert out["GM0363"] == 100.0  # Weesp -> Amsterdam (2023 indeling)
    assert out["GM0439"] == 7.0  # Beemster -> Purmerend (2022)
    assert out.sum() == pytest.approx(frame.persons.sum())


def test_code_of_an_earlier_indeling_gets_a_clear_error():
    frame = pd.DataFrame({"gm_code": ["GM0363", "GM0788"], "persons": [1.0, 2.0]})
    with pytest.raises(InputError) as err:
        regions.to_regions(frame, 2021, ["persons"], file="clients.csv")
    msg = str(err.value)
    assert "clients.csv" in msg and "row 3" in msg and "GM0788 (Haaren)" in msg
    assert "2019-2020" in msg and "to_indeling" in msg


def test_code_of_a_later_indeling_and_unknown_codes():
    with pytest.raises(InputError, match=r"GM1992 .*only exists from 2023"):
        regions.check_gemeente_codes(["GM1992"], 2021)
    with pytest.raises(InputError, match=r"unknown gemeente code 'GM9999'"):
        regions.check_gemeente_codes(["GM9999"], 2021)
    with pytest.raises(InputError, match="only exists from 2023"):
        regions.to_indeling(pd.DataFrame({"gm_code": ["GM1992"], "v": [1.0]}), 2022, ["v"])


def test_unknown_region_codes():
    with pytest.raises(InputError, match=r"(?s)'ZK05'.*ZK01...ZK33"):
        regions.check_region_codes(["ZK01", "ZK05"], file="plans.csv")
    with pytest.raises(InputError, match="its code is ZK02"):
        regions.check_region_codes(["Amsterdam"])
    with pytest.raises(ValueError, match="2019-2025"):
        regions.gemeenten(2018)


def test_to_regions_sums_by_region_level():
    frame = pd.DataFrame({"gm_code": ["GM0363", "GM0457", "GM0402"], "age_lo": 85,
                          "persons": [100.0, 10.0, 1.0]})
    zk21 = regions.to_regions(frame, 2021, ["persons"]).set_index("zk_code")["persons"]
    assert zk21.to_dict() == {"ZK02": 100.0, "ZK21": 11.0}  # Weesp + Hilversum in 't Gooi
    zk22 = regions.to_regions(frame, 2022, ["persons"]).set_index("zk_code")["persons"]
    assert zk22.to_dict() == {"ZK02": 110.0, "ZK21": 1.0}
    pv = regions.to_regions(frame, 2022, ["persons"], level="pv")
    assert pv.pv_code.tolist() == ["PV27"] and pv.persons.item() == 111.0
    with pytest.raises(ValueError, match="level"):
        regions.to_regions(frame, 2022, ["persons"], level="gemeente")
