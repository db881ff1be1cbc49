"""``zorgcap data status`` / ``data fetch`` / ``regions`` on the command line."""

from __future__ import annotations

import pytest
from conftest import needs_data

from zorgcap.forecast.cli import main
from zorgcap.forecast.io.fetch import fetch_tables
from zorgcap.forecast.io.manifest import manifest
from zorgcap.forecast.io.status import data_status
from zorgcap.forecast.io.tables import read_table


@needs_data
def test_status_lists_every_input_table_with_its_state(capsys):
    assert main(["data", "status"]) == 0
    out = capsys.readouterr().out
    for key in manifest():
        assert key in out
    assert f"{len(manifest())} input tables" in out
    frame = data_status()
    state = frame.set_index("key")["state"]
    assert state["households_age_sex"] == "found"
    assert state["wlz_indications"] == "truncated"  # the mirror stopped at 10,000 rows
    assert state["regional_projection_intervals_2023"] == "truncated"


@needs_data
def test_status_shows_cache_after_a_load():
    read_table("households_national")
    assert data_status().set_index("key").loc["households_national", "cached"]


def test_status_reports_a_bad_data_dir_file_as_found_there(tmp_path):
    (tmp_path / "usage").mkdir()
    (tmp_path / "usage" / "cbs82905NED_mine.csv").write_text("ID;Perioden\n0;2021\n",
                                                            encoding="utf-8-sig")
    row = data_status(tmp_path).set_index("key").loc["households_national"]
    assert row["origin"] == "--data" and row["state"] == "found" and row["rows"] == 1


class FakeCbsodata:
    """Stands in for the cbsodata client: returns records as cbsodata.get_data does."""

    def __init__(self):
        self.asked = []

    def get_data(self, table_id, **options):
        self.asked.append(table_id)
        self.options = options
        return [{"ID": 0, "Perioden": "2021", "PersonenInInstitutioneleHuishoudens_12": 258760},
                {"ID": 1, "Perioden": "2022", "PersonenInInstitutioneleHuishoudens_12": 262539}]


def test_fetch_writes_the_cbs_layout_that_the_reader_reads(tmp_path):
    client = FakeCbsodata()
    [path] = fetch_tables(["households_national"], dest=tmp_path, client=client)
    assert client.asked == ["82905NED"]
    assert path == tmp_path / "usage" / "cbs82905NED_cbsodata.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfID;Perioden;")
    frame = read_table("households_national", data=tmp_path)
    assert frame.attrs["source"] == str(path)
    assert frame["PersonenInInstitutioneleHuishoudens_12"].tolist() == [258760, 262539]


def test_fetch_refuses_a_non_cbs_table(tmp_path):
    with pytest.raises(ValueError, match="cannot be downloaded"):
        fetch_tables(["mortality_hmd"], dest=tmp_path, client=FakeCbsodata())


def test_a_table_is_named_by_key_or_cbs_id_in_any_case():
    from zorgcap.forecast.errors import InputError
    from zorgcap.forecast.io.fetch import resolve

    assert [t.key for t in resolve(["37620"])] == ["households_age_sex"]
    assert [t.key for t in resolve(["84529ned", "WLZ_INDICATIONS"])] == ["wlz_indications"]
    # 85745NED: the downloadable KVS 2023 table, not the one derived from it in ../shared
    assert [t.key for t in resolve(["85745NED"])] == ["projection_age_sex_2023"]
    with pytest.raises(InputError, match="'99999NED' is neither the key nor the CBS id"):
        resolve(["99999NED"])


def test_fetch_by_cbs_id_writes_the_cache_through_a_temporary_file(tmp_path, monkeypatch):
    from zorgcap.forecast.io import cache as cache_mod

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path / "cache"))
    renamed = []
    real_replace = cache_mod.os.replace
    monkeypatch.setattr(cache_mod.os, "replace",
                        lambda a, b: (renamed.append((a, b)), real_replace(a, b))[1])
    client = FakeCbsodata()
    [path] = fetch_tables(["82905ned"], client=client)
    assert client.asked == ["82905NED"] and client.options["timeout"]  # never waits forever
    assert path == tmp_path / "cache" / "data" / "usage" / "cbs82905NED_cbsodata.csv"
    [(tmp, target)] = renamed
    assert target == path and tmp != str(path) and tmp.endswith(".tmp")
    assert read_table("households_national")["PersonenInInstitutioneleHuishoudens_12"].tolist() \
        == [258760, 262539]  # the cache now comes before ../shared and the snapshot


class Progress:
    def __init__(self):
        self.said = []

    def start(self, text):
        self.said.append(("start", text))

    def done(self, text):
        self.said.append(("done", text))

    def clear(self):
        self.said.append(("clear", ""))


def test_fetch_shows_progress_per_table(tmp_path):
    progress = Progress()
    fetch_tables(["households_national"], dest=tmp_path, client=FakeCbsodata(),
                 progress=progress)
    kinds = [k for k, _ in progress.said]
    assert kinds == ["start", "done", "clear"]
    assert progress.said[0][1].startswith("[1/1] 82905NED Huishoudens; samenstelling")
    assert progress.said[1][1].startswith("[1/1] 82905NED: 2 rows -> ")


def test_line_progress_rewrites_one_line_on_a_terminal_and_only_logs_ends_elsewhere():
    import io

    from zorgcap.forecast.io.fetch import LineProgress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    log, tty = io.StringIO(), Tty()
    for stream in (log, tty):
        p = LineProgress(stream)
        p.start("[1/2] a: downloading ...")
        p.done("[1/2] a: 3 rows")
        p.start("[2/2] b: downloading ...")
        p.clear()  # failed: wiped, so the error is the only line left
    assert log.getvalue() == "[1/2] a: 3 rows\n"
    assert tty.getvalue() == ("[1/2] a: downloading ...\r\033[K[1/2] a: 3 rows\n"
                              "[2/2] b: downloading ...\r\033[K")


def _one_line_exit_2(capsys, argv, *expected):
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("zorgcap: cannot fetch: ") and " - Fix: " in lines[0]
    assert "Traceback" not in captured.err and "bug" not in captured.err
    for text in expected:
        assert text in lines[0]
    return lines[0]


def test_fetch_offline_says_so_in_one_line_and_exits_2(tmp_path, monkeypatch, capsys):
    cbsodata = pytest.importorskip("cbsodata")
    import requests

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path))

    def offline(table_id, **options):  # what cbsodata raises without a network
        raise requests.ConnectionError("Max retries exceeded (Caused by NameResolutionError)")

    monkeypatch.setattr(cbsodata, "get_data", offline)
    _one_line_exit_2(capsys, ["data", "fetch", "37620"],
                     "cannot reach CBS open data to download 37620", "connect to the internet")
    assert not list(tmp_path.rglob("*.csv")) and not list(tmp_path.rglob("*.tmp"))


def test_fetch_when_cbs_refuses_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    cbsodata = pytest.importorskip("cbsodata")
    import requests

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path))

    def refuse(table_id, **options):
        raise requests.HTTPError(f"Downloading table '{table_id}' failed. 404 Not Found")

    monkeypatch.setattr(cbsodata, "get_data", refuse)
    _one_line_exit_2(capsys, ["data", "fetch", "84529NED"],
                     "CBS open data refused table 84529NED", "404 Not Found")


def test_fetch_without_the_fetch_extra_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    import sys

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path))
    monkeypatch.setitem(sys.modules, "cbsodata", None)  # import cbsodata -> ImportError
    _one_line_exit_2(capsys, ["data", "fetch", "37620"], "pip install 'zorgcap[fetch]'")


def test_a_download_without_the_columns_zorgcap_reads_is_not_saved(tmp_path):
    from zorgcap.forecast.io.fetch import FetchError

    old = tmp_path / "usage" / "cbs82905NED_cbsodata.csv"
    fetch_tables(["households_national"], dest=tmp_path, client=FakeCbsodata())
    before = old.read_bytes()

    class Changed(FakeCbsodata):
        def get_data(self, table_id, **options):
            return [{"ID": 0, "Perioden": "2021", "Bewoners_12": 1}]

    with pytest.raises(FetchError, match="lacks column.*PersonenInInstitutioneleHuishoudens_12"
                                         ".*not saved"):
        fetch_tables(["households_national"], dest=tmp_path, client=Changed())
    assert old.read_bytes() == before and not list(tmp_path.rglob("*.tmp"))


def test_fetch_of_a_table_not_on_cbs_says_where_it_comes_from(capsys):
    assert main(["data", "fetch", "mortality_hmd", "zzp_zorgkantoor_2014"]) == 0
    out = capsys.readouterr().out
    assert "mortality_hmd: not on CBS open data" in out and "Human Mortality Database" in out
    assert "zzp_zorgkantoor_2014: not on CBS open data" in out and "Deloitte" in out
    assert out.count("The snapshot embedded in zorgcap has it") == 2


def test_a_missing_table_error_lists_where_zorgcap_looked(tmp_path, monkeypatch):
    from zorgcap.forecast.errors import InputError
    from zorgcap.forecast.io import manifest as manifest_mod
    from zorgcap.forecast.io.datadir import data_roots
    from zorgcap.forecast.io.status import require_usable

    monkeypatch.setattr(manifest_mod, "data_roots",
                        lambda data=None: data_roots(data, fallback=False))
    monkeypatch.setattr("zorgcap.forecast.io.datadir.snapshot_dir",
                        lambda: tmp_path / "no-snapshot")
    status = data_status(tmp_path)
    assert (status["state"] == "missing").all()
    with pytest.raises(InputError, match="missing gebieden_2019, .*zzp_gemeente_2014") as err:
        require_usable(status, tmp_path)
    assert f"looked in: {tmp_path} (--data)" in str(err.value)
    assert "(cache)" in str(err.value) and "no-snapshot (snapshot)" in str(err.value)


@needs_data
def test_regions_command(capsys):
    assert main(["regions", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "31 zorgkantoorregio's, 342 gemeenten" in out and "Westland Schieland Delfland" in out


def test_cli_input_error_exits_2_with_message(tmp_path, capsys):
    assert main(["regions", "--year", "2017"]) == 2
    assert "2019-2025" in capsys.readouterr().err


@needs_data
def test_population_command_writes_csv_and_parquet_and_prints_85_plus_growth(tmp_path, capsys):
    import pandas as pd

    assert main(["population", "--to", "2030", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Netherlands 85+: 389,445 ->" in out and "Flevoland" in out
    csv = pd.read_csv(tmp_path / "population_zk.csv")
    pq = pd.read_parquet(tmp_path / "population_zk.parquet")
    assert len(csv) == len(pq) == 10 * 31 * 2 * 96  # years x regions x sexes x ages
    assert list(tmp_path.glob("*.tmp")) == []


@needs_data
def test_forecast_command_prints_growth_factor(tmp_path, capsys):
    assert main(["forecast", "--scenario", "beleidsarm", "--to", "2030", "--draws", "0",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Growth factor of clients with stay 2023 -> 2030: x1.2" in out
    assert "126,105" in out and (tmp_path / "demand_beleidsarm.parquet").exists()
    # the top-down check's numbers come with the sentence that reconciles them (issue 17.7)
    said = " ".join(out.split())
    assert "top-down 1" in said and "In 2030 the top-down check gives" in said
    assert "ignores ageing" in said and "The cohort model is the forecast" in said


@needs_data
def test_backtest_command_writes_the_report(tmp_path, capsys):
    out = tmp_path / "bt.md"
    assert main(["backtest", "--out", str(out)]) == 0
    assert "beleidsarm" in out.read_text() and "Coverage" in out.read_text()
    assert "## Third attempt" in out.read_text()  # the COROP series (on by default)
    said = capsys.readouterr().out
    for name in ("bt.md", "bt.csv", "bt_calibration.csv", "bt_regional.csv"):
        assert f"wrote {tmp_path / name}" in said and (tmp_path / name).exists()


def test_forecast_command_unknown_scenario_exits_2(capsys):
    assert main(["forecast", "--scenario", "nope", "--draws", "0"]) == 2
    assert "`scenario` was 'nope'" in capsys.readouterr().err


@needs_data
def test_gap_command_writes_tables_and_explains_2025(tmp_path, capsys):
    assert main(["gap", "--scenario", "beleidsarm", "--to", "2030", "--draws", "0",
                 "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "22,206" in out and "25,000" in out and "ESTIMATES in use" in out
    assert "outside the run" in out and "NaN" not in out  # targets after --to
    # every file name carries the scenario (issue 32: ambition_2025.csv and
    # national_references.csv did not, so two scenarios overwrote each other's)
    for name in ("gap_beleidsarm", "gap_beleidsarm_steps", "ambition_2025_beleidsarm",
                 "targets_beleidsarm", "staff_limit_beleidsarm",
                 "national_references_beleidsarm"):
        assert (tmp_path / f"{name}.csv").exists() and (tmp_path / f"{name}.parquet").exists()
    assert all("beleidsarm" in p.name for p in tmp_path.glob("*.csv"))
    import json

    prov = json.loads((tmp_path / "provenance.json").read_text(encoding="utf-8"))
    assert "capacity_from_clients" in prov["assumptions"]  # provenance beside the tables
    assert prov["parameters"]["config"]["scenario"] == "beleidsarm"


@needs_data
def test_gap_command_reference_switch_changes_the_table(tmp_path, capsys):
    import pandas as pd

    assert main(["gap", "--to", "2030", "--draws", "0", "--out", str(tmp_path / "m")]) == 0
    assert main(["gap", "--to", "2030", "--draws", "0", "--reference", "ratio80:110",
                 "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert "planning ratio: 110 places per 1,000 inhabitants aged 80+" in out
    m = pd.read_csv(tmp_path / "m" / "gap_trend.csv")  # trend: the default of every command
    r = pd.read_csv(tmp_path / "r" / "gap_trend.csv")
    assert (m["need"] == r["need"]).all()
    assert (m["reference_gap"] != r["reference_gap"]).any()
    assert set(r["reference"]) == {"ratio80:110"}


@needs_data
def test_gap_command_with_a_one_region_plans_file(tmp_path, capsys):
    import pandas as pd

    plans = tmp_path / "plannen.csv"
    plans.write_text("project_id,zk_code,year_ready,places,delivery_form,status\n"
                     "P1,ZK08,2025,120,with_stay,planned\n", encoding="utf-8")
    args = ["gap", "--to", "2027", "--draws", "0", "--plans", str(plans)]
    assert main([*args, "--out", str(tmp_path / "e")]) == 0
    assert "plans_from_national" in capsys.readouterr().out  # the others are estimates
    assert main([*args, "--plans-elsewhere", "none", "--out", str(tmp_path / "n")]) == 0
    e, n = (pd.read_csv(tmp_path / d / "gap_trend.csv").set_index(["year", "zk_code"])
            for d in ("e", "n"))
    zk08 = e.index.get_level_values("zk_code") == "ZK08"
    assert (e.loc[~zk08, "plans_source"] == "ESTIMATE plans_from_national").all()
    assert (n.loc[~zk08, "plans_expected"] == 0).all() and (n.loc[~zk08, "plans_source"]
                                                             == "none").all()
    assert (e.loc[~zk08, "plans_expected"] > 0).any()
    # ZK08 counts its own row, the same either way
    assert e.loc[zk08, "plans_expected"].tolist() == n.loc[zk08, "plans_expected"].tolist()


@needs_data
def test_report_command_for_one_region(tmp_path, capsys):
    import re

    out = tmp_path / "r"
    assert main(["report", "--to", "2025", "--draws", "5", "--regions", "ZK08",
                 "--out", str(out)]) == 0
    seen = capsys.readouterr()
    assert "wrote" in seen.out
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "id='ZK08'" in page and "id='ZK20'" not in page
    assert (out / "zorgcap_report_trend.xlsx").exists()  # the workbook names its scenario
    # one progress display: every step of the chain and the report counted once, to the
    # last, with the time since the command started (never falling back)
    steps = re.findall(r"^\[(\d+)/(\d+)\] .* \((\d+\.\d) s\)$", seen.err, flags=re.M)
    assert [int(i) for i, _, _ in steps] == list(range(1, 10))
    assert {int(n) for _, n, _ in steps} == {9}  # 7 chain steps + the page and the workbook
    times = [float(x) for _, _, x in steps]
    assert times == sorted(times)


def test_report_pdf_without_chromium_stops_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ZORGCAP_CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["report", "--pdf", "--draws", "0", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "ZORGCAP_CHROMIUM" in err and "Fix:" in err and "[1/" not in err
    assert not (tmp_path / "r").exists()


# --- input errors (exit 2, one line with the fix) apart from bugs (exit 1, traceback) ------

def test_missing_data_dir_is_an_input_error_not_ignored(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "nope"), "data", "status"]) == 2
    err = capsys.readouterr().err
    assert "nope is not a directory" in err and "Fix:" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_bug_exits_1_with_traceback_and_please_report(monkeypatch, capsys):
    import zorgcap.forecast.cli as cli

    def broken(args):
        raise KeyError("internal")  # a programming error, not the user's input

    monkeypatch.setattr(cli, "_cmd_regions", broken)
    assert main(["regions"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError" in err and "Please report" in err


def test_argument_error_exits_2_on_one_line(capsys):
    assert main(["gap", "--fte-per-place", "-1", "--draws", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("zorgcap: input error: `fte_per_place` was -1.0")
    assert len(err.splitlines()) == 1 and "Traceback" not in err


@needs_data
def test_status_of_a_damaged_table_exits_2_and_names_the_problem(shared_data, tmp_path,
                                                                 capsys):
    src = next((shared_data / "usage").glob("cbs82905NED_*.csv"))
    dest = tmp_path / "usage" / src.name
    dest.parent.mkdir()
    text = src.read_text(encoding="utf-8-sig")
    dest.write_text(text[: len(text) - 12], encoding="utf-8")  # cut inside the last row
    assert main(["--data", str(tmp_path), "data", "status"]) == 2
    out = capsys.readouterr().out
    assert "damaged" in out and "households_national: the file is cut off in row" in out


def test_report_refuses_a_wrong_out_before_the_forecast_runs(tmp_path, capsys, monkeypatch):
    from zorgcap.forecast.modelchain import ForecastChain

    def never(self):
        raise AssertionError("the forecast ran before --out was checked")

    monkeypatch.setattr(ForecastChain, "run", never)
    note = tmp_path / "notes.txt"
    note.write_text("a planner's file", encoding="utf-8")
    assert main(["report", "--out", str(note)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert note.read_text(encoding="utf-8") == "a planner's file"


@needs_data
@pytest.mark.parametrize(("command", "option", "name", "template"), [
    ("gap", "--capacity", "targets_trend.csv", "capacity.csv"),
    ("forecast", "--calibrate", "demand_trend.csv", None),
])
def test_an_input_in_the_out_folder_is_never_overwritten(tmp_path, capsys, command, option,
                                                         name, template):
    """A capacity file called targets.csv (now targets_trend.csv) in the --out folder was
    replaced by zorgcap's own (found by fuzzing): refused before any work, nothing written."""
    from zorgcap.forecast.io.datadir import data_raw_dir

    src = tmp_path / name
    if template:
        src.write_bytes((data_raw_dir() / "templates" / template).read_bytes())
    else:
        src.write_text("zk_code,clients_with_stay\nZK20,5500\n", encoding="utf-8")
    before = src.read_bytes()
    assert main([command, "--to", "2030", "--draws", "0", option, str(src),
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"would overwrite the input file {src}" in err and "Fix:" in err
    assert src.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
