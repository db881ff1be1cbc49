"""The snapshot embedded in the package (data_raw/snapshot, forecast/io/snapshot.py).

Independent checks: the snapshot is compared with the source tables in ../shared/data, parsed
again here by the project's parsers (the build script's own read-back is not trusted), and
the files are compared with the SHA-256 and sizes its manifest states.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import SHARED, needs_data

from zorgcap.forecast.errors import InputError
from zorgcap.forecast.io import datadir
from zorgcap.forecast.io import snapshot as snap
from zorgcap.forecast.io.cache import file_hash
from zorgcap.forecast.io.manifest import _candidates, manifest
from zorgcap.forecast.io.status import data_status, format_status
from zorgcap.forecast.io.tables import _PARSERS, load_households_age_sex, read_table

# Tables whose source was cut off at 10,000 rows by the mirror (PROVENANCE.md of usage/,
# projection/ and mortality/ in ../shared/data: files named FIRST10000ROWS).
TRUNCATED = {"wlz_indications", "households_region", "projection_age_sex_2023",
             "regional_projection_intervals_2023", "life_table_total"}


@pytest.fixture
def snapshot_only(monkeypatch, tmp_path):
    """As an installed wheel on a fresh machine: no checkout (so no ../shared), an empty
    cache, ZORGCAP_DATA unset."""
    from zorgcap.forecast.io.cache import clear_content_caches

    monkeypatch.setattr(datadir, "project_root", lambda: None)
    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("ZORGCAP_DATA", raising=False)
    clear_content_caches()
    yield
    clear_content_caches()


def test_every_input_table_is_in_the_snapshot_as_its_manifest_says():
    entries = snap.snapshot_manifest()
    assert list(entries) == list(manifest())  # all 30, in manifest order
    files = {p.name for p in datadir.snapshot_dir().glob("*.parquet")}
    assert files == {e.file for e in entries.values()}  # no stray file
    for key, e in entries.items():
        assert e.file == f"{key}.parquet"
        assert file_hash(e.path) == e.sha256 and e.path.stat().st_size == e.bytes, key
        frame = snap.read_snapshot(e.path)
        assert frame.shape == (e.rows, e.columns), key
        assert re.fullmatch(r"[0-9a-f]{64}", e.source_sha256), key
        assert e.licence and e.attribution and e.source and e.via and e.retrieved, key
        assert e.cbs_id == manifest()[key].cbs_id
    assert {k for k, e in entries.items() if e.truncated} == TRUNCATED
    total = sum(e.bytes for e in entries.values()) / 1e6  # [MB]
    assert total < 5  # compact: 2.8 MB when written
    readme = (datadir.data_raw_dir().parent / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"<!--size:snapshot-->(.*?) MB<!--/size-->", readme)
    assert stated and all(abs(float(x) - total) <= 0.1 for x in stated), (
        f"README states the snapshot as {stated} MB, it is {total:.1f} MB: run "
        "python tests/test_packaging.py --write")


def test_licences_checked_before_shipping():
    entries = snap.snapshot_manifest()
    cbs = [e for k, e in entries.items() if manifest()[k].format == "cbs_odata"]
    assert len(cbs) == 22 and all(e.licence == "CC BY 4.0" for e in cbs)  # CBS open data
    # HMD's user agreement: its estimates (death rates) are CC BY 4.0, to be cited
    assert entries["mortality_hmd"].licence.startswith("CC BY 4.0")
    assert "www.mortality.org" in entries["mortality_hmd"].attribution
    # no licence stated for the 2014 zzp figures: only the columns zorgcap reads are shipped
    for key in ("zzp_zorgkantoor_2014", "zzp_gemeente_2014"):
        assert entries[key].columns == len(manifest()[key].expected_columns)
        assert entries[key].columns_kept.startswith(f"the {entries[key].columns} columns")


def test_no_local_path_inside_the_snapshot():
    for path in datadir.snapshot_dir().iterdir():
        data = path.read_bytes()
        assert b"/work/" not in data and b"shared/data" not in data, path.name


@needs_data
def test_snapshot_equals_the_source_tables_it_was_made_from():
    from geopandas.testing import assert_geodataframe_equal

    for key, e in snap.snapshot_manifest().items():
        entry = manifest()[key]
        source = _candidates(SHARED, entry.path)[0]  # the file zorgcap reads in ../shared
        assert source.relative_to(SHARED).as_posix() == e.source_files, key
        assert file_hash(source) == e.source_sha256, (
            f"{key}: {e.source_files} changed since the snapshot was made: run "
            "python scripts/build_snapshot.py")
        expected = _PARSERS[entry.format](source)
        if e.columns_kept != "all":
            expected = expected[list(entry.expected_columns)]
        expected.attrs = {}
        got = snap.read_snapshot(e.path)
        got.attrs = {}
        if entry.format == "geojson":
            assert_geodataframe_equal(got, expected, check_less_precise=False)
        else:
            pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=key)


def test_tables_come_from_the_snapshot_on_a_fresh_machine(snapshot_only):
    raw = read_table("households_age_sex")
    assert raw.attrs["cache"] == "snapshot"
    assert raw.attrs["source"].endswith("households_age_sex.parquet")
    h = load_households_age_sex().set_index(["year", "sex", "age"])
    # CBS 37620, 1-1-2021, men aged 90: 10,500 persons, 1,440 in institutions (the CSV row
    # "5666;Mannen;90 jaar;2021;10500;...;1440")
    assert h.loc[(2021, "male", 90), "persons"] == 10500
    assert h.loc[(2021, "male", 90), "institutional"] == 1440
    assert read_table("wlz_indications").attrs["truncated"] is True
    assert read_table("households_national").attrs["truncated"] is False


def test_status_reports_the_snapshot_on_a_fresh_machine(snapshot_only):
    status = data_status().set_index("key")
    assert set(status["origin"]) == {"snapshot"}
    assert status["usable"].all() and status["cached"].all()
    assert set(status.index[status["state"] == "truncated"]) == TRUNCATED
    assert status.loc["mortality_hmd", "rows"] == 18537  # 1850-2016 x ages 0-110+ (HMD)
    assert status.loc["households_age_sex", "relpath"] == "households_age_sex.parquet"
    text = format_status(data_status())
    assert "Taken from: 30 the snapshot embedded in zorgcap." in text


def test_a_truncated_snapshot_table_is_refused_where_the_analysis_needs_it_whole(
        snapshot_only, monkeypatch):
    import dataclasses

    entries = dict(snap.snapshot_manifest())
    entries["households_national"] = dataclasses.replace(entries["households_national"],
                                                         truncated=True)
    monkeypatch.setattr(snap, "snapshot_manifest", lambda: entries)
    with pytest.raises(InputError, match="households_national.*truncated"):
        read_table("households_national")


def test_data_and_the_cache_come_before_the_snapshot(snapshot_only, tmp_path):
    from conftest import write_cbs

    write_cbs(tmp_path / "mine" / "usage" / "cbs82905NED_mine.csv",
              ["ID", "Perioden", "PersonenInInstitutioneleHuishoudens_12"], [[0, "2021", 7]])
    mine = read_table("households_national", data=tmp_path / "mine")
    assert mine["PersonenInInstitutioneleHuishoudens_12"].tolist() == [7]
    write_cbs(tmp_path / "empty-cache" / "data" / "usage" / "cbs82905NED_cbsodata.csv",
              ["ID", "Perioden", "PersonenInInstitutioneleHuishoudens_12"], [[0, "2022", 8]])
    fetched = read_table("households_national")
    assert fetched["PersonenInInstitutioneleHuishoudens_12"].tolist() == [8]
    assert data_status().set_index("key").loc["households_national", "origin"] == "cache"
