"""Never silently wrong: the bad inputs of issue 18 as one table (file, outcome, message).

Each case is a planner file that once gave a wrong result without complaint, or a vague
error; the expected outcome is either a clear :class:`InputError` with a message fragment
(naming the value, the row and the fix) or the correct value. The expected numbers are the
values written in the file (hand-checked: ``2.361`` in a Dutch ``;`` file is 2,361 places).
These are code checks of the readers, not model validations.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from zorgcap.forecast.demand import read_calibration
from zorgcap.forecast.errors import InputError
from zorgcap.forecast.supply import check_closures, plan_status, read_capacity, read_plans
from zorgcap.forecast.usage import read_rates_file

CAP = "zk_code,year,places_with_stay\n"
CAP_NL = "zk_code;year;places_with_stay;vpt_capacity\n"
PLANS = "project_id,zk_code,year_ready,places,delivery_form,status,kind\n"
PLANS_NL = "project_id;zk_code;year_ready;places;delivery_form;status;kind\n"
STATUS = "status,realisation_probability,delay_mean_years\n"
ALL_STATUS = ("idea,0.3,2\nplanned,0.6,1\nunder_construction,0.9,0.5\nrealised,1,0\n")
CAL = "zk_code,clients_with_stay\n"


def _capacity(p):
    return read_capacity(p, 2023)


def _plans(p):
    return read_plans(p, 2023, 2040)


# (id, reader, file text, expected: ("error", fragment) or ("value", column, values))
CASES = [
    # --- Dutch number notation (issue 18, item 2) ---
    ("cap dutch thousands in ',' file", _capacity, CAP + "ZK01,2023,2.361\n",
     ("error", r"row 2, column 'places_with_stay'.*'2\.361' is ambiguous.*write '2361'")),
    ("plans dutch thousands in ',' file", _plans,
     PLANS + "P1,ZK01,2026,1.000,with_stay,planned,expansion\n",
     ("error", r"row 2, column 'places'.*'1\.000' is ambiguous")),
    ("calibration dutch thousands", read_calibration, CAL + "ZK20,4.120\n",
     ("error", r"'4\.120' is ambiguous.*write '4120'")),
    ("cap '1.000.000' in ',' file", _capacity, CAP + "ZK01,2023,1.000.000\n",
     ("error", r"'1\.000\.000' is ambiguous.*write '1000000'")),
    ("cap ';' Dutch file read correctly", _capacity,
     CAP_NL + "ZK01;2023;2.361;600\nZK02;2023;3400;1.250,5\n",
     ("value", "places_with_stay", [2361.0, 3400.0])),
    ("cap ';' Dutch vpt decimal comma", _capacity, CAP_NL + "ZK01;2023;2.361;1.250,5\n",
     ("value", "vpt_capacity", [1250.5])),
    ("plans ';' Dutch file read correctly", _plans,
     PLANS_NL + "P1;ZK01;2026;1.000;with_stay;planned;expansion\n",
     ("value", "places", [1000.0])),
    ("status ';' decimal comma read correctly", plan_status,
     "status;realisation_probability\nidea;0,3\nplanned;0,6\nunder_construction;0,9\n"
     "realised;1\n", ("value", "realisation_probability", [0.3, 0.6, 0.9, 1.0, 0.0])),
    # (a file without 'cancelled' gets it with probability 0: a cancelled plan adds nothing)
    ("status '.' decimal in ';' file", plan_status,
     "status;realisation_probability\nidea;0.3\n",
     ("error", r"'0\.3' has a '\.' that is not a thousands separator.*write '0,3'")),
    ("decimal comma in ',' file", _capacity, CAP + 'ZK01,2023,"3400,5"\n',
     ("error", r"'3400,5' has a decimal comma.*write '3400\.5'")),
    ("tab-separated", _capacity, "zk_code\tyear\tplaces_with_stay\nZK01\t2023\t3400\n",
     ("error", r"single column.*separator is '\\t'")),
    # --- impossible and implausible values (item 3) ---
    ("cap inf", _capacity, CAP + "ZK01,2023,inf\n", ("error", r"'inf' is not a number")),
    ("cap nan", _capacity, CAP + "ZK01,2023,nan\n", ("error", r"'nan' is not a number")),
    ("cap 1e12", _capacity, CAP + "ZK01,2023,1e12\n",
     ("error", r"places_with_stay 1000000000000 is above the plausible maximum 25,000")),
    ("cap negative", _capacity, CAP + "ZK01,2023,-5\n", ("error", r"-5 is below 0")),
    ("cap empty cell", _capacity, CAP + "ZK01,2023,\n", ("error", r"places_with_stay is empty")),
    ("cap header only", _capacity, CAP, ("error", r"header but no data rows")),
    ("cap region twice", _capacity, CAP + "ZK01,2023,10\nZK01,2023,20\n",
     ("error", r"row 3: region ZK01 appears twice \(also row 2\)")),
    ("cap unknown region", _capacity, CAP + "ZK05,2023,10\n",
     ("error", r"unknown zorgkantoorregio code 'ZK05'")),
    ("cap wrong year", _capacity, CAP + "ZK01,2022,10\n", ("error", r"not the base year 2023")),
    ("calibration need 1e9", read_calibration, CAL + "ZK20,1e9\n",
     ("error", r"above the plausible maximum 25,000")),
    ("calibration count 0", read_calibration, CAL + "ZK01,0\n",  # need 0 in every year
     ("error", r"row 2.*clients_with_stay.*is 0: every region has clients with stay")),
    ("plan of 1e6 places", _plans, PLANS + "P1,ZK01,2026,1e6,with_stay,planned,expansion\n",
     ("error", r"above the plausible maximum 5,000")),
    ("plan year 2026.5", _plans, PLANS + "P1,ZK01,2026.5,10,with_stay,planned,expansion\n",
     ("error", r"year_ready 2026\.5 is not a whole number")),
    ("plans header only = no plans", _plans, PLANS, ("value", "places", [])),
    ("status listed twice", plan_status, STATUS + ALL_STATUS + "planned,0.9,0\n",
     ("error", r"row 6, column 'status': status 'planned' is used twice \(also row 3\)"
               r".*count its plans twice")),
    ("status missing", plan_status, STATUS + "idea,0.3,2\n",
     ("error", r"no probability for status \['planned'")),
    ("status probability 1.5", plan_status, STATUS + "idea,1.5,0\n",
     ("error", r"realisation_probability 1\.5 is above")),
    ("rates inf", read_rates_file, "sex,age,rate\nmale,0,inf\n", ("error", r"'inf'")),
]


@pytest.mark.parametrize("name,reader,text,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_planner_inputs(tmp_path, name, reader, text, expected):
    path = tmp_path / "input.csv"
    path.write_text(text, encoding="utf-8")
    if expected[0] == "error":
        with pytest.raises(InputError, match="(?s)" + expected[1]) as err:
            reader(path)
        message = str(err.value)
        assert "input.csv" in message and "Fix:" in message, message
        assert "Traceback" not in message
    else:
        frame = reader(path)
        _, column, values = expected
        np.testing.assert_allclose(frame[column].to_numpy(float), values, rtol=0, atol=1e-12)


def test_closure_larger_than_capacity_is_refused():
    cap = pd.DataFrame({"zk_code": ["ZK01", "ZK02"], "places_with_stay": [100.0, 50.0]})
    plans = pd.DataFrame({"zk_code": ["ZK01", "ZK02", "ZK02"], "places": [500.0, 30.0, 30.0],
                          "delivery_form": "with_stay", "kind": ["expansion", "closure",
                                                                 "closure"]})
    with pytest.raises(InputError, match=r"closures in ZK02 remove 60 places.*has 50"):
        check_closures(cap, plans, file="plans.csv")
    check_closures(cap, plans.iloc[:2])  # 30 <= 50: fine


def test_dataframe_inputs_meet_the_same_schema():
    good = pd.DataFrame({"zk_code": ["ZK01"], "year": [2023], "places_with_stay": [3400]})
    assert read_capacity(good, 2023)["capacity_source"].tolist() == ["DataFrame"]
    bad = good.assign(places_with_stay=[math.inf])
    with pytest.raises(InputError, match=r"row 0 of the frame.*not a finite number|inf"):
        read_capacity(bad, 2023)
    with pytest.raises(InputError, match=r"lacks column\(s\) places_with_stay"):
        read_capacity(good.drop(columns="places_with_stay"), 2023)


def test_provenance_lists_planner_files_and_estimates_per_region(tmp_path):
    import hashlib

    from zorgcap.forecast import ChainConfig
    from zorgcap.forecast.provenance import provenance

    cap = tmp_path / "cap.csv"
    cap.write_text(CAP_NL + "ZK01;2023;2.361;\n\nZK02;2023;3400;\n", encoding="utf-8")
    config = ChainConfig(capacity=str(cap))
    gap = pd.DataFrame({"zk_code": ["ZK01", "ZK02", "ZK03"],
                        "capacity_source": [f"file {cap}", f"file {cap}",
                                            "ESTIMATE capacity_from_clients"],
                        "plans_source": ["ESTIMATE plans_from_national"] * 3})
    prov = provenance({}, {}, config=config, gap=gap)
    files = {f["option"]: f for f in prov["planner_files"]}
    assert files["capacity"]["path"] == "cap.csv"  # outside the working directory: its name
    assert files["capacity"]["sha256"] == hashlib.sha256(cap.read_bytes()).hexdigest()
    assert files["capacity"]["rows"] == 2  # the blank line is not a row
    assert files["plans"]["path"] is None and files["plans"]["default"].startswith("estimate")
    assert prov["estimates_by_region"] == {
        "ZK01": ["plans_from_national"], "ZK02": ["plans_from_national"],
        "ZK03": ["capacity_from_clients", "plans_from_national"]}


# --- faults: a report run killed with SIGKILL leaves nothing behind (issue 18, item 7) -------

def _children(pid: int) -> set[int]:
    from pathlib import Path

    kids = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids |= {int(p) for p in (task / "children").read_text().split()}
        except OSError:
            pass
    return kids


def _running(pid: int) -> bool:
    from pathlib import Path

    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/task").is_dir(),
                    reason="needs /proc (Linux) to see the worker processes")
@pytest.mark.skipif((__import__("os").cpu_count() or 1) < 2,
                    reason="with one core render() draws in-process, without workers")
def test_sigkill_of_a_report_run_leaves_no_worker_or_temporary_folder(tmp_path, shared_data):
    import hashlib
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from handmade import small_result

    from zorgcap import reports

    out = tmp_path / "rep"
    reports.render(small_result(), out, echo=None)  # the earlier report
    before = {p.relative_to(out): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in out.rglob("*") if p.is_file()}
    cmd = [sys.executable, "-m", "zorgcap.forecast.cli", "report", "--to", "2025", "--draws", "0",
           "--regions", "ZK20", "--static", "--out", str(out)]
    # the user's cache (not the test session's empty one): the run only has to reach its
    # figure workers; what it computes does not matter here
    env = {k: v for k, v in os.environ.items() if k != "ZORGCAP_CACHE"}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=Path(__file__).resolve().parents[1], env=env)
    workers: set[int] = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        workers = {k for k in _children(proc.pid) if _running(k)}
        if len(workers) >= 2 and list(tmp_path.glob(".rep.*")):  # figure workers and folder
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the report finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # the workers notice the parent is gone and exit (before: they waited for minutes)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_running(w) for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if _running(w)]
    after = {p.relative_to(out): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in out.rglob("*") if p.is_file()}
    assert after == before  # the earlier report is intact
    assert list(tmp_path.glob(".rep.*"))  # the killed run's work folder is still there ...
    reports.render(small_result(), out, echo=None)  # ... until the next run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


# --- the same table on the command line: exit 2, one line with the fix, before any work -----

CLI_CASES = [
    ("data folder missing", ["--data", "{tmp}/nope", "gap"], r"nope.*no such directory|"
                                                             r"nope is not a directory"),
    ("reference ratio75:nan", ["gap", "--reference", "ratio75:nan"], r"`reference` was"),
    ("fte -1", ["gap", "--fte-per-place", "-1"], r"`fte_per_place` was -1.0"),
    ("occupancy 1.5", ["gap", "--occupancy", "1.5"], r"`occupancy` was 1.5"),
    ("draws -3", ["gap", "--draws", "-3"], r"`draws` was -3"),
    ("capacity file missing", ["gap", "--capacity", "{tmp}/none.csv"], r"no such file"),
    # issue 30 audit: named `draws` (an option the user had not given) after an 8 s chain
    ("monitor reach-draws -5", ["monitor", "--reach-draws", "-5"],
     r"`reach_draws` was -5 but is expected to be >= 1 \(option --reach-draws\)$"),
    ("toml home_share true", ["gap", "--scenario-file", "{tmp}/s.toml", "--scenario", "x"],
     r"home_share = True \(bool\)"),
]


@pytest.mark.parametrize("name,argv,fragment", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_bad_arguments_exit_2_on_one_line(tmp_path, capsys, name, argv, fragment):
    import re

    from zorgcap.forecast.cli import main

    (tmp_path / "s.toml").write_text("[scenario.x]\nhome_share = true\n", encoding="utf-8")
    (tmp_path / "file.txt").write_text("mine\n", encoding="utf-8")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--draws", "0"] * (
        "--draws" not in argv and argv[0] != "--data")
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("zorgcap: input error: ") and re.search(fragment, err), err
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_misspelt_optional_column_warns_with_the_fix(tmp_path):
    import warnings

    from zorgcap.forecast.errors import InputWarning
    from zorgcap.forecast.io.datadir import data_raw_dir

    path = tmp_path / "cap.csv"
    path.write_text("zk_code,year,places_with_stay,vpt_capaciteit\nZK01,2023,3400,600\n",
                    encoding="utf-8")
    with pytest.warns(InputWarning, match=r"(?s)'vpt_capaciteit' is not read.*did you mean "
                                          r"'vpt_capacity'.*Fix: rename it"):
        cap = read_capacity(path, 2023)
    assert np.isnan(cap["vpt_capacity"][0])  # ignored, as the warning says
    with warnings.catch_warnings():
        warnings.simplefilter("error", InputWarning)  # the templates raise no warning
        read_capacity(data_raw_dir() / "templates" / "capacity.csv", 2023)
        read_plans(data_raw_dir() / "templates" / "build_plans.csv", 2023)
        plan_status()


@pytest.mark.parametrize(("cell", "fragment"), [
    ("onbekend", r"row 5520, column 'PersonenInInstitutioneleHuishoudens_12'.*the text "
                 r"'onbekend' in the count column"),
    (".", r"row 5520, column 'PersonenInInstitutioneleHuishoudens_12'.*empty or unknown \('\.'\)"
          r" PersonenInInstitutioneleHuishoudens_12 for male aged 85 in 2023"),
])
def test_a_cbs_table_with_text_or_an_unknown_figure_is_named(tmp_path, shared_data, cell,
                                                             fragment):
    """Found by fuzzing: text in a CBS count cell gave a Python traceback, CBS's '.' (unknown)
    a 'gap has non-finite values' error that named no file."""
    from zorgcap.forecast.io.tables import load_households_age_sex

    src = next((shared_data / "usage").glob("cbs37620_*.csv"))
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    fields = lines[5519].split(";")  # spreadsheet row 5520: men aged 85, 2023
    assert fields[1:4] == ["Mannen", "85 jaar", "2023"]
    fields[-1] = cell
    lines[5519] = ";".join(fields)
    (tmp_path / "usage").mkdir()
    (tmp_path / "usage" / src.name).write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    with pytest.raises(InputError, match=fragment) as err:
        load_households_age_sex(tmp_path)
    assert "zorgcap data fetch households_age_sex" in str(err.value)


@pytest.mark.parametrize(("counts", "waiting", "persons"), [
    ("2100,2100,0", "urgent_plus_actief", "4,200"),
    ("100,100,5000", "total", "5,200"),
])
def test_a_regional_waiting_list_above_the_clients_is_named(tmp_path, shared_data, capsys,
                                                           counts, waiting, persons):
    """Found by fuzzing: a regional waiting list larger than the region's clients with stay
    passed the file checks and then stopped the run with "`waiting_share` was [2.34 ...]
    but is expected to be in [0, 1)", naming no file."""
    from zorgcap.forecast.cli import main

    path = tmp_path / "wl.csv"
    path.write_text("zk_code,date,urgent_plaatsen,actief_plaatsen,wacht_op_voorkeur\n"
                    f"ZK01,2023-07-01,{counts}\n", encoding="utf-8")
    argv = ["gap", "--to", "2030", "--draws", "0", "--waiting-file", str(path),
            "--out", str(tmp_path / "out")]
    if waiting == "total":
        argv += ["--waiting", "total"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"file {path}: the waiting list of ZK01 counts {persons} persons ({waiting})" in err
    assert "clients with stay in 2023" in err and "Fix:" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("raw", "expected"), [
    # Dutch Excel's plain CSV is Windows-1252: read (the 'é' of the note is 0xe9)
    ("zk_code;year;places_with_stay;note\nZK01;2023;3.400;café\n".encode("cp1252"), 3400.0),
    ("zk_code,year,places_with_stay\nZK01,2023,3400\n".encode("utf-16"),
     r"(?s)it is UTF-16 or another encoding.*'CSV UTF-8 \(comma delimited\)'"),
    (b"PK\x03\x04" + bytes(range(128, 256)), r"it is an Excel workbook \(\.xlsx\), not a CSV"),
])
def test_encodings_of_a_planner_file(tmp_path, raw, expected):
    """Found by fuzzing: a Windows-1252, UTF-16 or .xlsx file gave 'UnicodeDecodeError:
    'utf-8' codec can't decode byte 0xff ... Fix: use the template'."""
    path = tmp_path / "capacity.csv"
    path.write_bytes(raw)
    if isinstance(expected, float):
        assert read_capacity(path, 2023)["places_with_stay"].tolist() == [expected]
    else:
        with pytest.raises(InputError, match=expected):
            read_capacity(path, 2023)


# --- issue 30: input problems are input errors, and messages name the user's input ---------

def _input_error(capsys, argv) -> str:
    """Run the CLI; it must exit 2 with one line, no traceback and no 'bug'."""
    from zorgcap.forecast.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    last = err.splitlines()[-1]
    assert last.startswith("zorgcap: input error: "), err
    assert "Traceback" not in err and "bug" not in err, err
    assert not [line for line in err.splitlines() if not line.startswith("[")][:-1], err
    return last


def _copy_with(shared_data, tmp_path, pattern: str, edit):
    """A data directory with the table ``pattern`` of the shared data, edited."""
    src = next(shared_data.glob(pattern))
    dest = tmp_path / "data" / src.relative_to(shared_data)
    dest.parent.mkdir(parents=True)
    dest.write_bytes(edit(src.read_bytes()))
    return dest


def test_a_gemeente_population_with_too_many_draws_is_an_input_error(capsys):
    """Issue 30 (a regression): the size message was right but ended in 'a bug'."""
    line = _input_error(capsys, ["population", "--level", "gemeente", "--draws", "5000",
                                 "--to", "2025"])
    # 3e9 bytes / (5 years x 342 gemeenten x 2 x 96 x 4 bytes) = 2,219 draws at most
    assert "`draws` was 5000 but is expected to be at most 2,219 at level 'gemeente'" in line
    assert line.endswith("(option --draws)")


@pytest.mark.parametrize("year", ["2018", "2023"])
def test_cbs_84529ned_without_a_year_names_the_file(shared_data, tmp_path, capsys, year):
    """Issue 30: a year missing in the middle ended in 'a bug' ('no observed Wlz clients in
    2018'); the base year missing named the years, not the file."""
    def drop(raw: bytes) -> bytes:
        lines = raw.decode("utf-8-sig").splitlines()
        return ("\n".join(x for x in lines if x.split(";")[4] != year) + "\n").encode()

    dest = _copy_with(shared_data, tmp_path, "usage/cbs84529NED_*.csv", drop)
    data = str(tmp_path / "data")
    line = _input_error(capsys, ["--data", data, "gap", "--draws", "0", "--to", "2026",
                                 "--out", str(tmp_path / "out")])
    assert f"{dest.name}: table 'wlz_indications'" in line
    assert f"lacks the Wlz V&V clients of year(s) {year}" in line
    assert "zorgcap data fetch wlz_indications" in line
    assert not (tmp_path / "out").exists()
    from zorgcap.forecast.cli import main

    assert main(["--data", data, "data", "status"]) == 2
    out = capsys.readouterr().out
    assert "damaged" in out and f"{dest.name}: table 'wlz_indications'" in out


def test_a_death_rate_file_cut_mid_row_names_the_file(shared_data, tmp_path, capsys):
    """Issue 30: an HMD file cut inside a row ended in 'SVD did not converge' (a bug)."""
    def cut(raw: bytes) -> bytes:
        text = raw.decode("utf-8")
        at = text.index("\n  2016          80 ")
        return text[:at + 40].encode()  # inside the row of 2016, age 80

    dest = _copy_with(shared_data, tmp_path, "mortality/hmd_*.txt", cut)
    line = _input_error(capsys, ["--data", str(tmp_path / "data"), "population", "--to",
                                 "2022", "--out", str(tmp_path / "out")])
    assert dest.name in line and "the HMD death-rate file is damaged: the file is cut off in " \
        "row" in line and "(the last row has 3 of 5 fields)" in line


@pytest.mark.parametrize(("body", "fragment"), [
    (b"", "the map file is empty (0 bytes)"),
    (b'{"type": "FeatureCollection", "features": []}', "holds no shapes"),
])
def test_an_empty_or_shapeless_map_file_is_damaged(shared_data, tmp_path, capsys, body,
                                                   fragment):
    """Issue 30: a 0-byte map file gave a pyogrio traceback; `data status` called a map file
    without shapes usable."""
    import re

    from zorgcap.forecast.cli import main
    from zorgcap.forecast.io.tables import read_table

    dest = _copy_with(shared_data, tmp_path, "geo/cartomap_gemeente_2025_*.geojson",
                      lambda raw: body)
    with pytest.raises(InputError, match=re.escape(fragment)) as err:
        read_table("gemeente_geometry_2025", tmp_path / "data")
    assert dest.name in str(err.value) and "Fix:" in str(err.value)
    assert main(["--data", str(tmp_path / "data"), "data", "status"]) == 2
    out = capsys.readouterr().out
    row = next(r for r in out.splitlines() if r.strip().startswith("gemeente_geometry_2025"))
    assert "damaged" in row and "NO" in row and fragment in out


def test_a_header_with_commas_over_rows_with_semicolons(tmp_path):
    """Issue 30: blamed on "unknown zorgkantoorregio code 'ZK01;2023;2189;;test;'"."""
    path = tmp_path / "cap.csv"
    path.write_text("zk_code,year,places_with_stay\nZK01;2023;2189;;test;\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"(?s)row 2: the header is separated by ',' but this "
                                         r"row by ';'.*Fix: use one separator"):
        read_capacity(path, 2023)


def test_a_tiny_fte_per_place_names_the_users_option(capsys):
    """Issue 30: refused under the internal name `inflow_rate`."""
    line = _input_error(capsys, ["gap", "--draws", "0", "--fte-per-place", "0.0001"])
    assert "`fte_per_place` was 0.0001 but is expected to be at least 0.02162" in line
    assert "inflow_rate" not in line and line.endswith("(option --fte-per-place)")


def test_a_rates_file_of_zeros_names_the_file(tmp_path, capsys):
    """Issue 30: ended in "`gap` has empty or non-finite values" naming no file."""
    path = tmp_path / "rates.csv"
    path.write_text("sex,age,rate\n" + "".join(f"{s},{a},0\n" for s in ("male", "female")
                                             for a in range(96)), encoding="utf-8")
    line = _input_error(capsys, ["gap", "--draws", "0", "--rates", str(path)])
    assert f"file {path}, column 'rate': every rate is 0" in line


def test_region_codes_in_lower_case_are_read_everywhere(tmp_path):
    """Issue 30: lower case was refused by capacity, plans, calibration and waiting-list files
    but accepted by the workforce file and --regions; one rule now: read as upper case."""
    from zorgcap.forecast.demand import read_calibration
    from zorgcap.forecast.modelchain import ChainConfig
    from zorgcap.forecast.staff import read_workforce_file
    from zorgcap.forecast.supply import read_regional_waiting

    def f(name, text):
        (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path / name

    assert read_capacity(f("c.csv", CAP + " zk01,2023,2300\n"), 2023)["zk_code"].tolist() == \
        ["ZK01"]
    assert read_plans(f("p.csv", PLANS + "P1,zk08,2026,10,with_stay,planned,expansion\n"),
                      2023, 2030)["zk_code"].tolist() == ["ZK08"]
    assert read_calibration(f("k.csv", CAL + "zk20,5000\n"))["zk_code"].tolist() == ["ZK20"]
    assert read_regional_waiting(f("w.csv", "zk_code,date,urgent_plaatsen,actief_plaatsen,"
                                            "wacht_op_voorkeur\nzk02,2023-07-01,1,2,3\n"),
                                 2023)["zk_code"].tolist() == ["ZK02"]
    assert read_workforce_file(f("f.csv", "zk_code,year,fte\nzk03,2023,3000\n"))[
        "zk_code"].tolist() == ["ZK03"]
    assert ChainConfig(draws=0, regions=["zk20", "ZK08 "]).regions == ("ZK20", "ZK08")
    for reader, text in ((_capacity, CAP + "ZK1,2023,2300\n"),
                         (read_calibration, CAL + "zk 1,5000\n")):
        with pytest.raises(InputError, match=r"row 2.*unknown zorgkantoorregio code '(ZK1|ZK 1)'"
                                             r" \(did you mean ZK01\?\)"):
            reader(f("bad.csv", text))
    with pytest.raises(InputError, match=r"'ZK1' \(did you mean ZK01\?\)"):
        ChainConfig(draws=0, regions=["zk1"])


def test_an_invalid_capacity_file_is_refused_before_the_model_runs(tmp_path, capsys,
                                                                  monkeypatch):
    """Issue 30: planner files were checked only after the population and demand stages
    (about 7 s): now before any of them, in well under 2 s."""
    import time

    from zorgcap.forecast import modelchain, population

    def never(*args, **kwargs):
        raise AssertionError("the model ran before the planner files were checked")

    monkeypatch.setattr(population, "build_projection", never)
    monkeypatch.setattr(modelchain.ForecastChain, "_demand_stage", never)
    path = tmp_path / "cap.csv"
    path.write_text(CAP + "ZK01,2023,abc\n", encoding="utf-8")
    t0 = time.perf_counter()
    line = _input_error(capsys, ["gap", "--capacity", str(path), "--out", str(tmp_path / "o")])
    assert time.perf_counter() - t0 < 2.0
    assert "row 2, column 'places_with_stay': 'abc' is not a number" in line
    for option, text in (("--plans", PLANS + "P1,ZK01,2026,10,with_stay,planed,expansion\n"),
                         ("--workforce-file", "zk_code,year,fte\nZK01,2023,-1\n"),
                         ("--waiting-file", "zk_code,date,urgent_plaatsen,actief_plaatsen,"
                                            "wacht_op_voorkeur\nZK01,2022-01-01,1,1,1\n")):
        path.write_text(text, encoding="utf-8")
        line = _input_error(capsys, ["gap", option, str(path), "--out", str(tmp_path / "o")])
        assert f"file {path}, row 2" in line
