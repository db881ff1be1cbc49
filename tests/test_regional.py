"""Regional usage factors from institutional residents per COROP (zorgcap.forecast.regional)."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from conftest import needs_data, write_cbs

from zorgcap.forecast import regional as R
from zorgcap.forecast.demand import project_demand
from zorgcap.forecast.errors import InputError

HEADER = ["ID", "Geslacht", "Leeftijd", "RegioS", "Perioden",
          "PersonenInInstitutioneleHuishoudens_12"]


def _raw_count(shared_data, region: str, year: str) -> float:
    """The count read straight from the CBS file, without the project's reader."""
    path = next((shared_data / "usage").glob("cbs71488ned_*.csv"))
    with open(path, encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["RegioS"].strip() == region and row["Perioden"].strip() == year:
                return float(row["PersonenInInstitutioneleHuishoudens_12"])
    raise AssertionError(f"{region} {year} not in the file")


@pytest.mark.validation
@needs_data
def test_corop_factors_follow_the_formula(shared_data):
    c = R.corop_factors().set_index("corop_name")
    assert len(c) == 40
    # Observed residents of Oost-Groningen on 1-1-2021, as in the CBS file.
    assert c.loc["Oost-Groningen", "observed"] == 3696 == _raw_count(shared_data,
                                                           "Oost-Groningen (CR)", "2021")
    # The 2021 base population times the national 2021 rates reproduces the national count
    # of institutional residents (CBS 37620) within 0.5%: the expectation is consistent.
    level = c["observed"].sum() / c["expected"].sum()
    assert level == pytest.approx(1, abs=0.005)
    row = c.loc["Oost-Groningen"]
    assert row["factor"] == pytest.approx(row["observed"] / row["expected"] / level)
    # Weighted by expected residents the factors average exactly 1.
    assert (c["factor"] * c["expected"]).sum() / c["expected"].sum() == pytest.approx(1)


@pytest.mark.calibration
@needs_data
def test_zk_factors_keep_the_national_level_and_shift_regions():
    z = R.zk_factors().set_index("zk_code")
    assert len(z) == 31 and z["factor"].between(0.5, 2).all()
    assert (z["factor"] * z["expected_clients"]).sum() == pytest.approx(
        z["expected_clients"].sum())
    national = project_demand("beleidsarm", to=2025, regional_factors="national")
    from zorgcap.forecast.demand import run_demand

    run = run_demand("beleidsarm", to=2025, regional_factors="71488ned")
    factored = run.frame
    assert run.parameters["regional_factors"] == "71488ned"
    base = {name: f[f["year"] == 2023].set_index("zk_code")["clients_with_stay"]
            for name, f in (("national", national), ("factored", factored))}
    # The national total moves by less than 0.2% (weights of 2021, demand of 2023) ...
    assert base["factored"].sum() == pytest.approx(base["national"].sum(), rel=0.002)
    # ... while each region is scaled by its factor (Drenthe ~1.3, Zuidoost-Brabant ~0.76).
    ratio = base["factored"] / base["national"]
    np.testing.assert_allclose(ratio.to_numpy(), z["factor"].reindex(ratio.index).to_numpy())
    assert ratio["ZK06"] > 1.2 and ratio["ZK30"] < 0.8


def test_unknown_regional_factors_value():
    with pytest.raises(ValueError, match=r"`regional_factors` was 'pbl'"):
        project_demand("beleidsarm", to=2025, regional_factors="pbl")


def test_table_without_corop_rows_is_a_clear_error(tmp_path):
    write_cbs(tmp_path / "usage" / "cbs71488ned_test.csv", HEADER,
              [[0, "Mannen en vrouwen", "Totaal", "Aa en Hunze", "2021", 500.0]], pad=20)
    with pytest.raises(InputError, match="no COROP rows for 2021") as err:
        R._observed_corop(2021, data=tmp_path)
    assert "cbs71488ned_test.csv" in str(err.value)


def test_negative_count_is_a_clear_error(tmp_path):
    write_cbs(tmp_path / "usage" / "cbs71488ned_test.csv", HEADER,
              [[0, "Mannen en vrouwen", "Totaal", "Twente (CR)", "2021", -5.0]], pad=20)
    # refused on read (zorgcap.forecast.io.checks), naming the table, row, column and value
    with pytest.raises(InputError, match=r"row 2, column 'PersonenInInstitutioneleHuishoudens_12'"
                       r".*negative count -5"):
        R._observed_corop(2021, data=tmp_path)
