"""The base population 1-1-2021 by gemeente and zorgkantoorregio (CBS 83502NED from PC4)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import needs_data

from zorgcap import regions
from zorgcap.forecast.errors import InputError
from zorgcap.forecast.io import load_population_gemeente, read_table
from zorgcap.forecast.io.tables import tidy_population


@pytest.mark.validation
@needs_data
def test_region_totals_sum_to_the_national_total_within_0_1_percent():
    gm = regions.to_indeling(load_population_gemeente(), 2021, ["persons"])
    zk = regions.to_regions(gm, 2021, ["persons"])
    assert zk.zk_code.nunique() == 31
    # National population 1-1-2021 from another CBS table (37620): 17,475,415.
    h = read_table("households_age_sex")
    national = h.query("Geslacht == 'Totaal mannen en vrouwen' and Leeftijd == 'Totaal' "
                       "and Perioden == '2021'")["TotaalPersonenInHuishoudens_1"].item()
    assert zk.persons.sum() == pytest.approx(national, rel=1e-3)
    # PC4 rounding and unassigned PC4 areas cost about 8,000 people (0.05%).
    assert 0 < national - zk.persons.sum() < 10_000


@pytest.mark.validation
@needs_data
def test_85_plus_by_sex_matches_cbs_37620_within_1_percent():
    gm = load_population_gemeente()
    old = gm[gm.age_lo >= 85].groupby("sex").persons.sum()
    h = read_table("households_age_sex")
    ages = [f"{a} jaar" for a in range(85, 95)] + ["95 jaar of ouder"]
    ref = h[h.Leeftijd.isin(ages) & (h.Perioden == "2021")].groupby("Geslacht")[
        "TotaalPersonenInHuishoudens_1"].sum()
    assert old["male"] == pytest.approx(ref["Mannen"], rel=0.01)
    assert old["female"] == pytest.approx(ref["Vrouwen"], rel=0.01)


@needs_data
def test_haaren_split_moves_people_to_midden_brabant(shared_data):
    # The shared ZK file counts all PC4s labelled Haaren in ZK19; by the 2021 indeling
    # Biezenmortel (Tilburg) and Haaren village (Oisterwijk) are in ZK12 Midden-Brabant.
    raw = load_population_gemeente()
    gm = regions.to_indeling(raw, 2021, ["persons"])
    zk = regions.to_regions(gm, 2021, ["persons"]).groupby("zk_code").persons.sum()
    shared = pd.read_csv(shared_data / "population" /
                         "zorgkantoorregio_leeftijd_geslacht_2021_from_pc4.csv")
    shared_zk = shared.groupby("zk_code")[["inwoners_man", "inwoners_vrouw"]].sum().sum(axis=1)
    # Shares of Haaren's PC4 population 1-1-2021 (1445 + 5825 of 14325) go to ZK12.
    haaren = raw.query("gm_code == 'GM0788'").persons.sum()
    assert 14_000 < haaren < 14_500
    moved = haaren * (1445 + 5825) / 14325
    assert zk["ZK12"] - shared_zk["ZK12"] == pytest.approx(moved, abs=1)
    assert shared_zk["ZK19"] - zk["ZK19"] == pytest.approx(moved, abs=1)


def _raw(**overrides):
    frame = pd.DataFrame({"gm_code": ["GM0363", "GM0363"], "leeftijd": ["85-89", "90-94"],
                          "inwoners_man": [10, 5], "inwoners_vrouw": [20, 15]})
    for col, values in overrides.items():
        frame[col] = values
    return frame


def test_tidy_population_long_form():
    out = tidy_population(_raw(), file="pop.csv", year=2021)
    assert out.columns.tolist() == ["year", "gm_code", "age_band", "age_lo", "sex", "persons"]
    assert out.persons.sum() == 50
    assert out.query("sex == 'female' and age_lo == 90").persons.item() == 15


@pytest.mark.parametrize("override,match", [
    ({"inwoners_vrouw": [20, -3]}, r"pop\.csv, row 3, column 'inwoners_vrouw'.*negative"),
    ({"inwoners_man": [10, "tien"]}, r"row 3, column 'inwoners_man'.*not a number"),
    ({"leeftijd": ["85-89", "90+"]}, r"row 3, column 'leeftijd'.*unknown age band '90\+'"),
    ({"leeftijd": ["85-89", "85-89"]}, r"row 3: gemeente GM0363 age 85-89 appears twice"),
])
def test_bad_population_file_names_row_column_and_fix(override, match):
    with pytest.raises(InputError, match=match) as err:
        tidy_population(_raw(**override), file="pop.csv", year=2021)
    assert "Fix:" in str(err.value)


def test_population_file_missing_a_column():
    with pytest.raises(InputError, match="inwoners_vrouw"):
        tidy_population(_raw().drop(columns="inwoners_vrouw"), file="pop.csv", year=2021)
