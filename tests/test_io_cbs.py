"""The CBS OData CSV reader, the Parquet cache and the data-directory search order."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import needs_data, write_cbs

from zorgcap.forecast.errors import DataMissingError, InputError
from zorgcap.forecast.io import cache as cache_mod
from zorgcap.forecast.io.cbs import is_truncated, read_cbs_csv
from zorgcap.forecast.io.datadir import data_roots
from zorgcap.forecast.io.tables import read_table

HEADER_82905 = ["ID", "Perioden", "MannenEnVrouwen_1", "PersonenInInstitutioneleHuishoudens_12"]


def test_reader_strips_padding_bom_and_types_topics(tmp_path):
    path = write_cbs(tmp_path / "t.csv", ["ID", "Geslacht", "Perioden", "Aantal_1", "Code_2"],
                     [[0, "Mannen", "2021", 12.5, "GM0363"], [1, "Vrouwen", "2022", ".", "ZK02"]],
                     pad=12)
    frame = read_cbs_csv(path)
    assert list(frame.columns) == ["ID", "Geslacht", "Perioden", "Aantal_1", "Code_2"]
    assert frame["Geslacht"].tolist() == ["Mannen", "Vrouwen"]  # padding stripped
    assert frame["Perioden"].tolist() == ["2021", "2022"]  # a dimension stays text
    assert frame["Aantal_1"].dtype == "float64"
    assert frame["Aantal_1"][0] == 12.5 and pd.isna(frame["Aantal_1"][1])  # '.' = no value
    assert frame["Code_2"].tolist() == ["GM0363", "ZK02"]  # text topic stays text


def test_reader_rejects_comma_separated_file(tmp_path):
    path = tmp_path / "comma.csv"
    path.write_text("ID,Perioden,Value_1\n0,2021,3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"comma\.csv.*not ';'-separated") as err:
        read_cbs_csv(path)
    assert "Fix:" in str(err.value)


def test_truncation_by_name_or_row_count(tmp_path):
    assert is_truncated(tmp_path / "cbs85745NED_x_FIRST10000ROWS.csv", 10)
    assert is_truncated(tmp_path / "cbs85745NED_x.csv", 10_000)
    assert not is_truncated(tmp_path / "cbs85745NED_x.csv", 9_999)


def _write_82905(root, rows=None, name="cbs82905NED_test.csv", header=HEADER_82905):
    rows = rows or [[0, "2021", 17475415, 258760], [1, "2022", 17590672, 262539]]
    return write_cbs(root / "usage" / name, header, rows)


def test_second_read_comes_from_cache_and_a_changed_file_is_reparsed(tmp_path):
    _write_82905(tmp_path)
    first = read_table("households_national", data=tmp_path)
    assert first.attrs["cache"] == "miss"
    second = read_table("households_national", data=tmp_path)
    assert second.attrs["cache"] == "hit"
    pd.testing.assert_frame_equal(first, second)
    assert second["PersonenInInstitutioneleHuishoudens_12"].tolist() == [258760, 262539]
    _write_82905(tmp_path, rows=[[0, "2021", 1, 2]])
    third = read_table("households_national", data=tmp_path)
    assert third.attrs["cache"] == "miss" and len(third) == 1


def test_missing_column_names_file_and_column(tmp_path):
    _write_82905(tmp_path, header=["ID", "Perioden", "MannenEnVrouwen_1", "Other_12"])
    with pytest.raises(InputError) as err:
        read_table("households_national", data=tmp_path)
    msg = str(err.value)
    assert "cbs82905NED_test.csv" in msg and "PersonenInInstitutioneleHuishoudens_12" in msg
    assert "Fix:" in msg


def test_truncated_copy_refused_where_completeness_is_required(tmp_path):
    # 37620 is needed in full (all ages x sexes x years); a mirror copy cut at 10,000 rows is not.
    write_cbs(tmp_path / "usage" / "cbs37620_x_FIRST10000ROWS.csv",
              ["ID", "Geslacht", "Leeftijd", "Perioden", "TotaalPersonenInHuishoudens_1",
               "PersonenInInstitutioneleHuishoudens_12"],
              [[0, "Mannen", "Totaal", "2021", 1, 1]])
    with pytest.raises(InputError, match="truncated") as err:
        read_table("households_age_sex", data=tmp_path)
    assert "zorgcap data fetch households_age_sex" in str(err.value)


def test_truncated_copy_allowed_where_manifest_says_so(tmp_path):
    from zorgcap.forecast.io.checks import WLZ_YEARS

    # the rows the run reads (issue 30: every delivery form of every year 2015-2023)
    forms = ["Zin verblijf", "Zin volledig pakket thuis (vpt)",
             "Zin modulair pakket thuis (mpt)", "Uitsluitend pgb"]
    rows = [[i, "Totaal personen", form, "zzp 5 VV Beschermd wonen", str(year), 40000]
            for i, (year, form) in enumerate((y, f) for y in WLZ_YEARS for f in forms)]
    header = ["ID", "IndicatieGrondslag", "LeveringsvormZorg", "Zorgzwaartepakket", "Perioden",
              "PersonenMetIndicatieOpPeildatum_1"]
    path = write_cbs(tmp_path / "usage" / "cbs84529NED_x_FIRST10000ROWS.csv", header, rows)
    frame = read_table("wlz_indications", data=tmp_path)
    assert frame.attrs["truncated"] is True
    # without the base year the copy is refused, naming the file and the year (issue 30)
    write_cbs(path, header, [r for r in rows if r[4] != "2023"])
    with pytest.raises(InputError, match=r"(?s)cbs84529NED_x_FIRST10000ROWS\.csv: table "
                                         r"'wlz_indications' \(CBS 84529NED\) lacks the Wlz V&V "
                                         r"clients of year\(s\) 2023 \(found 2015-2022\)"):
        read_table("wlz_indications", data=tmp_path)


def test_missing_table_lists_where_it_looked(tmp_path, monkeypatch):
    from zorgcap.forecast.io import manifest as manifest_mod

    monkeypatch.setattr(manifest_mod, "data_roots",
                        lambda data=None: data_roots(data, fallback=False))
    with pytest.raises(DataMissingError, match="households_national") as err:
        read_table("households_national", data=tmp_path)
    assert str(tmp_path) in str(err.value) and "zorgcap data fetch" in str(err.value)


def test_search_order_data_then_env_then_cache_then_shared(tmp_path, monkeypatch):
    (tmp_path / "env").mkdir()
    (tmp_path / "mine").mkdir()
    monkeypatch.setenv("ZORGCAP_DATA", str(tmp_path / "env"))
    origins = [r.origin for r in data_roots()]
    assert origins[:2] == ["ZORGCAP_DATA", "cache"]
    explicit = data_roots(tmp_path / "mine")
    assert explicit[0].path == tmp_path / "mine" and explicit[0].origin == "--data"
    assert "ZORGCAP_DATA" not in [r.origin for r in explicit]  # --data overrides the variable


def test_failed_cache_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "x.parquet"

    def explode(tmp):
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        cache_mod.atomic_write(target, explode)
    assert list(tmp_path.iterdir()) == []


@needs_data
def test_real_37620_national_total_2021():
    # CBS 37620: persons in households (private + institutional) on 1-1-2021 = the official
    # population of 17,475,415 (CBS StatLine).
    frame = read_table("households_age_sex")
    row = frame.query("Geslacht == 'Totaal mannen en vrouwen' and Leeftijd == 'Totaal' "
                      "and Perioden == '2021'")
    assert row["TotaalPersonenInHuishoudens_1"].item() == 17_475_415


# --- damaged CBS tables (issue 18): refused with table, row and fix, shown by data status ----

def _refused_without(shared, tmp_path, key, drop, load, match):
    """A copy of table ``key`` without the lines holding ``drop`` makes ``load(dir)`` raise
    an InputError matching ``match``."""
    _copy_table(shared, tmp_path, key, lambda lines: [ln for ln in lines if drop not in ln])
    with pytest.raises(InputError, match=match):
        load(tmp_path)


def _copy_table(shared, tmp_path, key, edit):
    """Copy the table ``key`` from ../shared/data into a --data dir, with ``edit(lines)``."""
    from zorgcap.forecast.io.manifest import locate

    src = locate(key).path
    rel = src.relative_to(shared)
    dest = tmp_path / rel
    dest.parent.mkdir(parents=True)
    lines = src.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    dest.write_text("".join(edit(lines)), encoding="utf-8")
    return dest


@needs_data
def test_table_cut_mid_row_is_refused_and_status_says_damaged(shared_data, tmp_path):
    from zorgcap.forecast.io.status import data_status

    # cut the last data row of CBS 37620 half-way: header + 8,730 data rows (wc -l), so row 8731
    path = _copy_table(shared_data, tmp_path, "households_age_sex",
                       lambda lines: lines[:-1] + [lines[-1][: len(lines[-1]) // 3]])
    status = data_status(tmp_path).set_index("key").loc["households_age_sex"]
    assert status["state"] == "damaged" and not status["usable"]
    assert "cut off in row 8731" in status["problem"]
    with pytest.raises(InputError, match=r"(?s)cut off in row 8731.*download the table again"):
        read_table("households_age_sex", data=tmp_path)
    assert path.exists()  # never deleted


@needs_data
def test_a_comma_table_cut_mid_row_is_refused_and_status_says_damaged(shared_data, tmp_path):
    """Issue 30 audit: the ','-separated tables (2014 zzp figures, the 2021 population from
    postcodes) were checked for a cut last row with ';' - never found: `data status` called
    them usable and the run said "ZZP1_4 np.float64(nan) is empty" or "unknown age band nan"
    of the cut row. The file has a header and 32 rows (wc -l: 33 lines); its last is cut."""
    from zorgcap.forecast.io.status import data_status, require_usable

    path = _copy_table(shared_data, tmp_path, "zzp_zorgkantoor_2014",
                       lambda lines: lines[:-1] + [lines[-1][: len(lines[-1]) // 3]])
    status = data_status(tmp_path)
    row = status.set_index("key").loc["zzp_zorgkantoor_2014"]
    assert row["state"] == "damaged" and not row["usable"]
    assert "cut off in row 33 (the last row has 3 of 8 fields)" in row["problem"]
    with pytest.raises(InputError, match=r"(?s)input tables not usable: zzp_zorgkantoor_2014 "
                                         r"\(.*sots2015_zzp_per_zorgkantoor_2014\.csv: the file "
                                         r"is cut off in row 33"):
        require_usable(status)
    with pytest.raises(InputError, match=r"(?s)sots2015_zzp_per_zorgkantoor_2014\.csv: the "
                                         r"table is damaged: the file is cut off in row 33.*"
                                         r"Fix: the copy stopped part-way"):
        read_table("zzp_zorgkantoor_2014", data=tmp_path, use_cache=False)
    assert path.exists()  # never deleted


def test_a_quoted_comma_is_not_a_cut_row(tmp_path):
    """A ','-separated value in quotes counts as one field (csv rules), a short row is cut."""
    from zorgcap.forecast.io.checks import cut_mid_row

    path = tmp_path / "t.csv"
    path.write_text('name,code,n\n"Noord- en Midden-Limburg, Venlo",ZK24,3\n', encoding="utf-8")
    assert cut_mid_row(path, sep=",") is None
    path.write_text('name,code,n\n"Noord- en Midden-Limburg, Venlo",ZK2', encoding="utf-8")
    assert cut_mid_row(path, sep=",") == ("the file is cut off in row 2 (the last row has 2 of "
                                          "3 fields)")


@needs_data
def test_negative_count_in_37620_is_refused_with_its_row(shared_data, tmp_path):
    def edit(lines):
        fields = lines[100].split(";")
        fields[4] = "-" + fields[4].strip()
        return lines[:100] + [";".join(fields)] + lines[101:]

    _copy_table(shared_data, tmp_path, "households_age_sex", edit)
    with pytest.raises(InputError, match=r"(?s)row 101, column 'TotaalPersonenInHuishoudens_1'"
                                         r".*negative count.*zorgcap data fetch"):
        read_table("households_age_sex", data=tmp_path)


@needs_data
def test_missing_year_in_37620_is_refused(shared_data, tmp_path):
    from zorgcap.forecast.io.tables import load_households_age_sex

    _refused_without(shared_data, tmp_path, "households_age_sex", ";2019;",
                     load_households_age_sex, r"lacks year\(s\) 2019")


@needs_data
def test_gemeente_missing_from_gebieden_2025_is_refused_and_named(shared_data, tmp_path):
    from zorgcap.forecast.io.tables import load_gebieden

    # CBS: 342 gemeenten on 1-1-2025; Amsterdam (GM0363) was one in 2024 and merged with none
    _refused_without(shared_data, tmp_path, "gebieden_2025", "GM0363",
                     lambda d: load_gebieden(2025, d),
                     r"holds 341 gemeenten.*has 342; missing: GM0363")


@needs_data
def test_population_file_without_a_gemeente_or_an_age_band_is_refused(shared_data, tmp_path):
    from zorgcap.forecast.io.tables import load_population_gemeente

    # Amsterdam's 20 rows removed: its 873,000 people would vanish from ZK02
    _refused_without(shared_data, tmp_path, "population_gemeente_2021", ",GM0363,",
                     load_population_gemeente,
                     r"lacks 1 gemeente\(n\) of the 2021 indeling: GM0363")
    other = tmp_path / "other"
    other.mkdir()
    _refused_without(shared_data, other, "population_gemeente_2021",
                     ",GM0363,Amsterdam,ZK02,Amsterdam,85-89,", load_population_gemeente,
                     r"gemeente GM0363 lacks age band\(s\) 85-89")
