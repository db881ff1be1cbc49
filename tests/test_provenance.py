"""Provenance of a run (forecast/provenance.py): portable paths, commit and versions."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from zorgcap.forecast import provenance as prov_mod
from zorgcap.forecast.io import datadir
from zorgcap.forecast.io.snapshot import snapshot_manifest

ROOT = Path(__file__).resolve().parents[1]


def test_portable_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    assert prov_mod.portable_path(tmp_path / "plans" / "cap.csv") == "plans/cap.csv"
    assert prov_mod.portable_path("../elsewhere/cap.csv") == "../elsewhere/cap.csv"  # as given
    assert prov_mod.portable_path("/somewhere/else/cap.csv") == "cap.csv"
    assert prov_mod.portable_path(None) is None
    nested = {"a": ["/x/y.csv", 3, "text"], "b": {"c": str(tmp_path / "z.csv")}}
    assert prov_mod._portable(nested) == {"a": ["y.csv", 3, "text"], "b": {"c": "z.csv"}}


def test_git_commit_of_the_checkout_and_none_for_an_installed_wheel(monkeypatch):
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    got = prov_mod.git_commit()
    assert got["commit"] == head.stdout.strip() and isinstance(got["dirty"], bool)
    monkeypatch.setattr(datadir, "project_root", lambda: None)
    assert prov_mod.git_commit() == {"commit": None, "dirty": None}
    monkeypatch.setattr(datadir, "project_root", lambda: ROOT)
    monkeypatch.setenv("PATH", "")  # no git on the PATH: tolerated
    assert prov_mod.git_commit() == {"commit": None, "dirty": None}


def test_library_versions():
    import geopandas
    import numpy
    import pandas
    import statsmodels

    v = prov_mod.library_versions()
    assert v["numpy"] == numpy.__version__ and v["pandas"] == pandas.__version__
    assert v["statsmodels"] == statsmodels.__version__
    assert v["geopandas"] == geopandas.__version__


def test_provenance_names_no_absolute_path_of_this_machine(tmp_path, monkeypatch):
    from zorgcap.forecast.io.cache import clear_content_caches

    # from the embedded snapshot, as on a fresh machine, with a planner file outside the
    # working directory and a --data folder
    monkeypatch.setattr(datadir, "project_root", lambda: None)
    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path / "cache"))
    (tmp_path / "mine").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    clear_content_caches()
    capacity = ROOT / "data_raw" / "templates" / "capacity.csv"
    config = SimpleNamespace(capacity=str(capacity))
    prov = prov_mod.provenance({"config": {"capacity": str(capacity),
                                           "data": str(tmp_path / "mine")}},
                               {"x": str(capacity)}, data=tmp_path / "mine", config=config)
    text = json.dumps(prov)
    for local in (str(ROOT), str(tmp_path), "/work/"):
        assert local not in text
    assert prov["parameters"]["config"] == {"capacity": "capacity.csv", "data": "mine"}
    cap = next(f for f in prov["planner_files"] if f["option"] == "capacity")
    assert cap["path"] == "capacity.csv" and len(cap["sha256"]) == 64
    hmd = next(i for i in prov["inputs"] if i["key"] == "mortality_hmd")
    assert hmd["origin"] == "snapshot" and hmd["path"] == "mortality_hmd.parquet"
    assert hmd["source_sha256"] == snapshot_manifest()["mortality_hmd"].source_sha256
    assert hmd["sha256"] == snapshot_manifest()["mortality_hmd"].sha256
    assert prov["git_commit"] is None and prov["versions"]["pandas"]
    clear_content_caches()


def test_inputs_found_in_a_data_directory_are_named_inside_it(tmp_path):
    from conftest import write_cbs

    write_cbs(tmp_path / "usage" / "cbs82905NED_mine.csv",
              ["ID", "Perioden", "PersonenInInstitutioneleHuishoudens_12"], [[0, "2021", 7]])
    prov = prov_mod.provenance({}, {}, data=tmp_path)
    mine = next(i for i in prov["inputs"] if i["key"] == "households_national")
    assert mine["origin"] == "--data" and mine["path"] == "usage/cbs82905NED_mine.csv"
    assert mine["sha256"] == mine["source_sha256"]  # the file read is the source itself


@pytest.mark.filterwarnings("ignore::zorgcap.forecast.errors.InputWarning")  # more columns
def test_source_columns_name_planner_files_without_local_folders(tmp_path, monkeypatch):
    # the *_source columns end up in the gap frame, the report and the workbook
    import shutil

    from zorgcap.forecast.staff import staff_ratios
    from zorgcap.forecast.supply import read_capacity

    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "work").mkdir()
    cap = shutil.copy(ROOT / "data_raw" / "templates" / "capacity.csv",
                      tmp_path / "elsewhere" / "capaciteit.csv")
    ratios = shutil.copy(ROOT / "data_raw" / "staff_ratios.csv", tmp_path / "elsewhere" / "r.csv")
    monkeypatch.chdir(tmp_path / "work")
    assert read_capacity(cap, 2023)["capacity_source"].tolist() == ["file capaciteit.csv"]
    assert staff_ratios(ratios)["ratio_source"].str.startswith("planner file r.csv").all()
    monkeypatch.chdir(tmp_path)
    assert read_capacity(cap, 2023)["capacity_source"].tolist() == [
        "file elsewhere/capaciteit.csv"]
