"""In-process caches follow the files they read (zorgcap.forecast.io.cache.content_cache).

Each test copies one input table of ../shared/data to a temporary data directory (searched
first; the other tables still come from ../shared/data), calls a cached function, rewrites
the copy and calls again in the same process: the second call must see the new file. The
expected numbers are the rewritten cells themselves (doubled counts, a renamed gemeente).
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

from zorgcap import regions
from zorgcap.forecast import population as P
from zorgcap.forecast.io.cache import content_cache, file_stamp, note_input
from zorgcap.forecast.io.manifest import locate

pytestmark = needs_data


def _copy_table(key: str, dest):
    """Copy the file of manifest table ``key`` into data directory ``dest``; its new path."""
    found = locate(key)
    target = dest / found.path.relative_to(found.root.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(found.path, target)
    return target


def _rewrite_cbs(path, change):
    """Apply ``change`` to a CBS OData dump read as text cells, and write it back."""
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    change(frame)
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")


def test_gemeenten_follow_a_renamed_gemeente_of_the_same_file_size(tmp_path):
    path = _copy_table("gebieden_2021", tmp_path)
    before = regions.gemeenten(2021, tmp_path).set_index("gm_code")["gm_name"]
    assert before["GM1680"] == "Aa en Hunze"
    size = path.stat().st_size
    # Same length, so only the content tells the versions apart.
    path.write_bytes(path.read_bytes().replace(b"Aa en Hunze", b"Ab en Hunze"))
    assert path.stat().st_size == size
    after = regions.gemeenten(2021, tmp_path).set_index("gm_code")["gm_name"]
    assert after["GM1680"] == "Ab en Hunze"
    assert (after.drop("GM1680") == before.drop("GM1680")).all()


def test_a_table_placed_earlier_in_the_search_order_is_picked_up(tmp_path, monkeypatch):
    monkeypatch.setenv("ZORGCAP_DATA", str(tmp_path))  # searched first, empty for now
    before = regions.gemeenten(2021).set_index("gm_code")["gm_name"]
    path = _copy_table("gebieden_2021", tmp_path / "copy")
    path.write_bytes(path.read_bytes().replace(b"Aa en Hunze", b"Ab en Hunze"))
    shutil.copytree(tmp_path / "copy", tmp_path, dirs_exist_ok=True)
    after = regions.gemeenten(2021).set_index("gm_code")["gm_name"]
    assert (before["GM1680"], after["GM1680"]) == ("Aa en Hunze", "Ab en Hunze")


def test_national_single_ages_follow_the_file_and_cannot_be_mutated(tmp_path):
    path = _copy_table("households_age_sex", tmp_path)
    first = P.national_single_ages(tmp_path)
    row = (first["year"] == 2021) & (first["sex"] == "female") & (first["age"] == 85)
    persons = float(first.loc[row, "persons"].item())

    # A caller changing the frame it got does not change the next caller's.
    first["persons"] = 0.0
    del first["age"]
    second = P.national_single_ages(tmp_path)
    assert float(second.loc[row, "persons"].item()) == persons
    assert P.national_single_ages.cache_info().hits >= 1

    def double(frame):
        hit = ((frame["Perioden"].str.strip() == "2021")
               & (frame["Geslacht"].str.strip() == "Vrouwen")
               & (frame["Leeftijd"].str.strip() == "85 jaar"))
        assert hit.sum() == 1
        frame.loc[hit, "TotaalPersonenInHuishoudens_1"] = str(int(2 * persons))

    _rewrite_cbs(path, double)
    third = P.national_single_ages(tmp_path)
    assert float(third.loc[row, "persons"].item()) == 2 * persons
    assert (third.loc[~row, "persons"].to_numpy() == second.loc[~row, "persons"].to_numpy()).all()


def test_population_point_run_is_reused_until_its_input_changes(tmp_path):
    # The example of issue 15: ZK08's 2021 population doubled in a copy of the data.
    path = _copy_table("population_gemeente_2021", tmp_path)
    zk08 = lambda proj: proj.persons[0, 0, proj.codes.index("ZK08")].sum()  # noqa: E731

    base = P.build_projection(to=2022, data=tmp_path)
    hits = P._point_run.cache_info().hits
    again = P.build_projection(to=2022, data=tmp_path)
    assert P._point_run.cache_info().hits == hits + 1  # nothing changed: no recomputation
    np.testing.assert_array_equal(again.persons, base.persons)

    frame = pd.read_csv(path, dtype=str)
    mine = frame["zk_code"] == "ZK08"
    for col in ("inwoners", "inwoners_man", "inwoners_vrouw"):
        frame.loc[mine, col] = (2 * frame.loc[mine, col].astype(int)).astype(str)
    frame.to_csv(path, index=False)

    changed = P.build_projection(to=2022, data=tmp_path)
    # Base year 2021: exactly the doubled file; the other regions unchanged.
    np.testing.assert_allclose(zk08(changed), 2 * zk08(base), rtol=1e-9)
    others = [i for i, c in enumerate(base.codes) if c != "ZK08"]
    np.testing.assert_allclose(changed.persons[0, 0, others], base.persons[0, 0, others],
                               rtol=1e-9)
    # 2022: the regional calibration pulls ages 0-64 back to the regional prognosis; the
    # old ages keep the doubling, less the national scaling to the Kernprognose (ZK08 holds
    # about 4% of the country, so the others' share shrinks by that much).
    i = base.codes.index("ZK08")
    old = changed.persons[0, 1, i, :, 65:].sum() / base.persons[0, 1, i, :, 65:].sum()
    assert 1.85 < old < 2.0


def test_point_run_arrays_are_read_only():
    path, rates, m, births, netmig, profile = P._point_run((2021, 2022), "point", "kvs", True,
                                                           None)
    for arr in (*path, *rates, m, births, netmig, profile):
        with pytest.raises(ValueError, match="read-only"):
            arr[...] = 0


def test_content_cache_recomputes_after_a_change_and_protects_its_results(tmp_path):
    # A hand-made input file and function: the mechanism on its own.
    source = tmp_path / "input.csv"
    source.write_text("x\n1\n2\n")
    calls = []

    @content_cache(maxsize=2)
    def total(path):
        calls.append(path)
        note_input(path)
        frame = pd.read_csv(path)
        return frame, frame["x"].to_numpy(copy=True), {"sum": int(frame["x"].sum())}

    frame, arr, info = total(source)
    frame.loc[0, "x"] = 100
    info["sum"] = -1
    with pytest.raises(ValueError):
        arr[0] = 100
    frame2, _, info2 = total(str(source))  # a str and a Path of the same file share an entry
    assert (frame2["x"].tolist(), info2["sum"], len(calls)) == ([1, 2], 3, 1)

    source.write_text("x\n1\n5\n")  # same size, within the same second
    assert total(source)[2]["sum"] == 6 and len(calls) == 2
    source.unlink()
    with pytest.raises(FileNotFoundError):
        total(source)
    assert total.cache_info().misses == 3


def test_a_rewrite_within_one_clock_tick_is_seen_by_content(tmp_path):
    # Same size and, as within one tick of the file system's clock, the same mtime.
    source = tmp_path / "input.txt"
    source.write_text("abc")
    stamp = file_stamp(source)

    @content_cache()
    def read(path):
        note_input(path)
        return path.read_text()

    assert read(source) == "abc"
    source.write_text("abd")
    os.utime(source, ns=(stamp[1], stamp[1]))
    assert file_stamp(source) == stamp
    assert read(source) == "abd"
    assert read(source) == "abd" and read.cache_info().hits == 1
