"""The one output routine (forecast/io/output.py): never replace or remove what zorgcap did
not write, all or nothing on a full disk, one run per folder, readable files (issue 30).

Each test reproduces a case of issue 30 that was found on main (76b650d): a user's
``.rap.2025.backup`` deleted by ``report``, a user's ``targets.csv`` replaced by ``gap``,
outputs of mode 0600, a ``backtest.md`` replaced, ``backtest.md`` without ``backtest.csv``
after a full disk, two runs into one folder both succeeding. A full disk is injected as
``OSError(ENOSPC)`` (mounting a small filesystem needs root). These are code checks of the
file handling, not model validations.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from zorgcap.forecast.errors import InputError
from zorgcap.forecast.io import output
from zorgcap.forecast.io.output import MARKER, OutputFolder

FRAME = pd.DataFrame({"zk_code": ["ZK01", "ZK02"], "need": [2300.0, 9100.0]})


def _tree(folder: Path) -> dict:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _write(out, files=("gap.csv",), **kwargs) -> list[Path]:
    with OutputFolder(out, command="test", files=files, **kwargs) as folder:
        for name in files:
            FRAME.to_csv(folder.path(name), index=False)
    return folder.written


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_users_file_of_the_same_name_is_never_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "targets.csv").write_text("my own targets\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"(?s)file .*targets\.csv: zorgcap did not write this "
                                         r"file.*left untouched.*Fix: rename or move"):
        _write(out, ["gap.csv", "targets.csv"])
    assert _tree(out) == {"targets.csv": hashlib.sha256(b"my own targets\n").hexdigest(),
                          "notes.txt": hashlib.sha256(b"mine\n").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock, no temp folder
    # other names go in beside the user's files, which stay as they are
    written = _write(out, ["gap.csv"])
    assert written == [out / "gap.csv"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert json.loads((out / MARKER).read_text())["files"]["gap.csv"]["sha256"] == \
        hashlib.sha256((out / "gap.csv").read_bytes()).hexdigest()


def test_own_output_is_replaced_a_changed_one_only_with_force(tmp_path):
    out = tmp_path / "out"
    _write(out, ["gap.csv", "targets.csv"])
    _write(out, ["gap.csv"])  # unchanged own output: replaced without a word
    with open(out / "gap.csv", "a", encoding="utf-8") as fh:
        fh.write("ZK03,1\n")  # edited by the planner after the run
    edited = (out / "gap.csv").read_bytes()
    with pytest.raises(InputError, match=r"(?s)gap\.csv was written by zorgcap but changed since"
                                         r".*pass --force"):
        _write(out, ["gap.csv"])
    assert (out / "gap.csv").read_bytes() == edited
    _write(out, ["gap.csv"], force=True)
    assert (out / "gap.csv").read_bytes() == FRAME.to_csv(index=False).encode()
    (out / "mine.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(InputError, match="did not write"):  # --force is not for users' files
        _write(out, ["mine.csv"], force=True)
    assert (out / "mine.csv").read_text(encoding="utf-8") == "x\n"


def test_a_whole_report_folder_with_a_users_file_is_refused(tmp_path):
    out = tmp_path / "rap"
    with OutputFolder(out, command="report", whole=True) as folder:
        folder.path("maps/a.svg").write_text("<svg/>", encoding="utf-8")
        folder.write_text("report.html", "<html>1</html>")
    (out / "notities.docx").write_text("a planner's note", encoding="utf-8")
    before = _tree(out)
    with pytest.raises(InputError, match=r"holds files zorgcap did not write \(notities\.docx\)"):
        with OutputFolder(out, command="report", whole=True, force=True):
            pass
    assert _tree(out) == before
    (out / "notities.docx").unlink()
    with OutputFolder(out, command="report", whole=True) as folder:
        folder.write_text("report.html", "<html>2</html>")
    # the folder is replaced whole: the earlier report's maps are gone with it
    assert sorted(_tree(out)) == [MARKER, "report.html"]


def test_a_report_of_before_the_listing_marker_is_still_replaced(tmp_path):
    out = tmp_path / "rap"
    (out / "maps").mkdir(parents=True)
    for name in ("report.html", "zorgcap_report.xlsx", ".zorgcap-report", "maps/a.png"):
        (out / name).write_text("old", encoding="utf-8")
    with OutputFolder(out, command="report", whole=True) as folder:
        folder.write_text("report.html", "<html>new</html>")
    assert sorted(_tree(out)) == [MARKER, "report.html"]


def test_cleanup_removes_only_zorgcaps_own_leftovers_of_ended_runs(tmp_path):
    """Issue 30: a user's `.rap.2025.backup` next to `--out rap` was deleted with its
    contents (any `.<out>.<digits>.*` whose number was not a running process)."""
    (tmp_path / ".rap.2025.backup").mkdir()
    (tmp_path / ".rap.2025.backup" / "rap.html").write_text("backup", encoding="utf-8")
    (tmp_path / ".rap.12345.abc").mkdir()  # looks like an old temp folder, has no marker
    owner = {"written_by": "zorgcap", "command": "report", "host": output.socket.gethostname()}
    dead, alive = _dead_pid(), os.getpid()
    for name, pid in ((".rap.zorgcap-tmp-1-dead", dead), (".rap.zorgcap-tmp-2-alive", alive)):
        (tmp_path / name).mkdir()
        (tmp_path / name / output.TMP_MARKER).write_text(json.dumps({**owner, "pid": pid}))
    (tmp_path / ".rap.zorgcap-tmp-3-other").mkdir()  # zorgcap's name, no marker: kept
    (tmp_path / ".rap.zorgcap-tmp-4-host").mkdir()  # another computer's run: kept
    (tmp_path / ".rap.zorgcap-tmp-4-host" / output.TMP_MARKER).write_text(
        json.dumps({**owner, "pid": dead, "host": "another-computer"}))
    _write(tmp_path / "rap", ["report.html"], whole=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".rap.12345.abc", ".rap.2025.backup", ".rap.zorgcap-tmp-2-alive",
        ".rap.zorgcap-tmp-3-other", ".rap.zorgcap-tmp-4-host", "rap"]
    assert (tmp_path / ".rap.2025.backup" / "rap.html").read_text() == "backup"


def test_a_report_a_kill_left_in_the_swap_folder_is_put_back(tmp_path):
    swap = tmp_path / ".rap.zorgcap-old-1-x"
    (swap / "rap").mkdir(parents=True)
    (swap / "rap" / "report.html").write_text("earlier", encoding="utf-8")
    (swap / "rap" / ".zorgcap-report").write_text("", encoding="utf-8")
    (swap / output.TMP_MARKER).write_text(json.dumps(
        {"written_by": "zorgcap", "pid": _dead_pid(), "host": output.socket.gethostname()}))
    with OutputFolder(tmp_path / "rap", command="report", whole=True):
        assert (tmp_path / "rap" / "report.html").read_text() == "earlier"
        raise_here = False  # the run fails before writing: the earlier report stays
    assert not raise_here and not swap.exists()


def test_files_are_readable_by_others_under_the_default_umask(tmp_path, monkeypatch):
    """Issue 30: `zorgcap gap` wrote its outputs with mode 0600."""
    assert output.umask_mode() == 0o666 & ~output._UMASK
    old = os.umask(0o022)
    try:
        monkeypatch.setattr(output, "_UMASK", 0o022)
        out = tmp_path / "out"
        _write(out, ["gap.csv"])
        assert (out / "gap.csv").stat().st_mode & 0o777 == 0o644
        assert (out / MARKER).stat().st_mode & 0o777 == 0o644
        assert out.stat().st_mode & 0o777 == 0o755
        monkeypatch.setattr(output, "_UMASK", 0o077)  # a user who wants private files
        _write(tmp_path / "private", ["gap.csv"])
        assert (tmp_path / "private" / "gap.csv").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)


def test_a_second_run_into_the_same_folder_stops_with_a_message(tmp_path):
    out = tmp_path / "out"
    with OutputFolder(out, command="gap", files=["gap.csv"]):
        with pytest.raises(InputError, match=r"--out .*out is being written by zorgcap gap "
                                             rf"\(process {os.getpid()} on "):
            _write(out, ["gap.csv"])
    # a lock of a process that is gone is taken over
    lock = tmp_path / ".out.zorgcap-lock"
    lock.write_text(json.dumps({"written_by": "zorgcap", "pid": _dead_pid(),
                                "host": output.socket.gethostname()}), encoding="utf-8")
    assert _write(out, ["gap.csv"]) == [out / "gap.csv"] and not lock.exists()
    lock.write_text("not zorgcap's", encoding="utf-8")  # someone else's file: never taken
    with pytest.raises(InputError, match="is being written by another program"):
        _write(out, ["gap.csv"])
    assert lock.read_text(encoding="utf-8") == "not zorgcap's"


def _enospc():
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_changes_nothing_and_names_the_folder(tmp_path):
    out = tmp_path / "out"
    _write(out, ["gap.csv", "targets.csv"])
    before = _tree(out)
    with pytest.raises(InputError) as err:
        with OutputFolder(out, command="gap", files=["gap.csv", "targets.csv"]) as folder:
            folder.write_text("gap.csv", "new")
            raise _enospc()  # while writing the second file
    message = str(err.value)
    assert message.splitlines()[0].endswith(
        "could not write --out " + str(out) + ": No space left on device (ENOSPC); nothing "
        "was changed there")
    assert "Fix: free space on that drive" in message
    assert _tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_disk_error_elsewhere_names_that_file_not_the_folder(tmp_path):
    """Issue 30 audit: with the cache on a full drive, `gap` said "could not write --out DIR:
    No space left on device" although DIR had room. A disk error on a file outside the output
    names that file; one inside the temporary folder still names the output folder."""
    out = tmp_path / "out"
    _write(out, ["gap.csv"])
    before = _tree(out)
    elsewhere = tmp_path / "cache" / "parquet" / "x.parquet"
    with pytest.raises(InputError) as err:
        with OutputFolder(out, command="gap", files=["gap.csv"]) as folder:
            folder.write_text("gap.csv", "new")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(elsewhere))
    assert str(err.value).splitlines()[0] == (
        f"file {elsewhere}: No space left on device (ENOSPC); nothing was changed in --out "
        f"{out}")
    assert "Fix: free space on that drive, then run again." in str(err.value)
    assert _tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(InputError) as err:
        with OutputFolder(out, command="gap", files=["gap.csv"]) as folder:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder.path("gap.csv")))
    assert str(err.value).splitlines()[0].endswith(
        f"could not write --out {out}: No space left on device (ENOSPC); nothing was changed "
        "there")
    assert _tree(out) == before


def test_an_unreadable_input_is_named_not_the_out_folder(tmp_path, capsys, monkeypatch):
    """Issue 30 audit: a capacity file the user may not read (mode 000, run as an ordinary
    user) ended in "could not write --out DIR: Permission denied (EACCES)": the planner-file
    reader's own message was replaced because the PermissionError was its context. EACCES is
    injected where the reader opens the file: the tests may run as root, who reads any
    file."""
    from zorgcap.forecast.cli import main
    from zorgcap.forecast.io import planner

    cap = tmp_path / "cap.csv"
    cap.write_text("zk_code,year,places_with_stay\nZK01,2023,2300\n", encoding="utf-8")
    real = planner._header

    def denied(path):
        if Path(path).name == "cap.csv":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path)

    monkeypatch.setattr(planner, "_header", denied)
    out = tmp_path / "out"
    assert main(["gap", "--draws", "0", "--to", "2026", "--capacity", str(cap), "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("zorgcap: input error: file ") and err[-1].endswith(
        "cap.csv: the capacity file cannot be opened: Permission denied - Fix: check the path "
        "and that you may read the file."), err
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["cap.csv"]
    # the same through the routine: an InputError is never re-read as a disk error
    with pytest.raises(InputError, match="the capacity file cannot be opened"):
        with OutputFolder(out, command="gap", files=["gap.csv"]):
            planner.read_planner_csv(cap, "capacity", ["zk_code"])


def _tmpfs(path: Path, size: str):
    """Mount a tmpfs of ``size`` at ``path`` (root on Linux only), else skip the test."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root on Linux")
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True)
    if done.returncode:
        pytest.skip(f"mount refused: {done.stderr.decode().strip()}")


def test_a_really_full_drive_changes_nothing(tmp_path):
    """Issue 30, item 7, on a small real filesystem (a 64 KiB tmpfs) where the platform
    allows: the earlier output stays, byte for byte, nothing is left beside it, and the
    message names the folder. The second write needs 200 KB, more than the drive holds."""
    drive = tmp_path / "drive"
    _tmpfs(drive, "64k")
    try:
        out = drive / "out"
        _write(out, ["gap.csv"])
        before = _tree(out)
        with pytest.raises(InputError) as err:
            with OutputFolder(out, command="gap", files=["gap.csv", "big.bin"]) as folder:
                folder.write_text("gap.csv", "new")
                folder.path("big.bin").write_bytes(b"x" * 200_000)
        assert "No space left on device (ENOSPC); nothing was changed there" in str(err.value)
        assert str(out) in str(err.value).splitlines()[0]
        assert _tree(out) == before and sorted(os.listdir(drive)) == ["out"]
    finally:
        subprocess.run(["umount", str(drive)], capture_output=True)


def test_a_full_disk_inside_xlsxwriter_is_recognised():
    from xlsxwriter.exceptions import FileCreateError

    try:
        try:
            raise _enospc()
        except OSError as e:
            raise FileCreateError(e)  # noqa: B904 - as xlsxwriter's Workbook.close() does
    except FileCreateError as exc:
        assert output.disk_error(exc).errno == errno.ENOSPC
    assert output.disk_error(ValueError("x")) is None


def test_an_input_file_in_the_folder_is_never_replaced(tmp_path):
    out = tmp_path / "out"
    _write(out, ["targets.csv"])
    with pytest.raises(InputError, match=r"would overwrite the input file .*targets\.csv"):
        _write(out, ["targets.csv"], protect=[out / "targets.csv"])


def test_a_file_given_as_the_folder_is_refused(tmp_path):
    note = tmp_path / "rap"
    note.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"):
        _write(note, ["a.csv"])
    assert note.read_text(encoding="utf-8") == "x"


# --- through the commands ------------------------------------------------------------------

def test_gap_refuses_a_users_file_before_any_work(tmp_path, capsys):
    """Issue 30: `zorgcap gap --out DIR` replaced a user's file of the same name (exit 0)."""
    import time

    from zorgcap.forecast.cli import main

    # the gap's files carry the scenario (issue 32): targets_trend.csv for the default run
    (tmp_path / "targets_trend.csv").write_text("my own targets\n", encoding="utf-8")
    t0 = time.perf_counter()
    assert main(["gap", "--draws", "0", "--to", "2026", "--out", str(tmp_path)]) == 2
    took = time.perf_counter() - t0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "targets_trend.csv: zorgcap did not write" in err
    assert "[1/7]" not in err and took < 2.0, (err, took)  # before the model ran
    assert sorted(p.name for p in tmp_path.iterdir()) == ["targets_trend.csv"]
    assert (tmp_path / "targets_trend.csv").read_text(encoding="utf-8") == "my own targets\n"


def test_backtest_refuses_a_users_backtest_md(tmp_path, capsys):
    """Issue 30: `zorgcap backtest --out DIR` replaced a user's `backtest.md`."""
    from zorgcap.forecast.cli import main

    (tmp_path / "backtest.md").write_text("# my notes\n", encoding="utf-8")
    assert main(["backtest", "--no-regional", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "backtest.md: zorgcap did not write this file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backtest.md"]


def test_backtest_on_a_full_disk_writes_nothing(tmp_path, monkeypatch):
    """Issue 30: on a full disk `backtest` left `backtest.md` without `backtest.csv`."""
    from zorgcap.forecast import backtest as B

    monkeypatch.setattr(B, "to_markdown", lambda table, regional, sections: "# backtest\n")
    monkeypatch.setattr(B, "calibration_table", lambda table: table)
    table = pd.DataFrame({"origin": [2010], "actual": [1.0]})
    md, csv = B.write(table, tmp_path / "bt")
    assert (md.name, csv.name) == ("backtest.md", "backtest.csv")
    before = _tree(tmp_path / "bt")
    real = pd.DataFrame.to_csv

    def full(self, path=None, *args, **kwargs):
        if path is not None and Path(path).name == "backtest.csv":
            raise _enospc()
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    with pytest.raises(InputError, match=r"could not write --out .*bt: No space left"):
        B.write(table.assign(actual=2.0), tmp_path / "bt")
    assert _tree(tmp_path / "bt") == before  # the earlier md and csv, both unchanged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bt"]


def test_a_full_disk_on_the_command_line_is_one_line_exit_2(tmp_path, capsys, monkeypatch):
    from zorgcap.forecast.cli import main

    def full(self, *args, **kwargs):
        raise _enospc()

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    assert main(["population", "--to", "2022", "--out", str(tmp_path / "pop")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("zorgcap: input error: ") and "No space left on device" in err
    assert "pop" in err and not (tmp_path / "pop").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
