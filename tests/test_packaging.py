"""Packaging: the wheel installs the one import name ``zorgcap``, carries ``data_raw/`` and runs
without the source checkout.

The checkout's folders ``forecast/``, ``regions/``, ``reports/`` and ``data_raw/`` are the
subpackages ``zorgcap.forecast`` ... ``zorgcap.data_raw`` (``[tool.setuptools.package-dir]``);
``zorgcap/`` holds only ``__init__.py``.

The wheel is built once per session with ``python -m build`` (sdist first, then the wheel from
the unpacked sdist, so both are checked; a few seconds for pure Python). Installing it into a
fresh virtual environment and running ``zorgcap report`` from another directory takes longer
and is done by ``.ci/run``; here the wheel is unpacked into a folder that stands in for
``site-packages`` and imported from there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from zorgcap import forecast
from zorgcap.forecast.io import datadir

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build", reason="python -m build is missing: pip install -e '.[dev]'")
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"python -m build failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}"
    (whl,) = out.glob("zorgcap-*.whl")
    return whl


def test_wheel_carries_data_raw_and_the_packages(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "data_raw").rglob("*.csv")}
    assert {"data_raw/manifest.csv", "data_raw/templates/capacity.csv",
            "data_raw/templates/build_plans.csv", "data_raw/reference_figures.csv",
            "data_raw/gemeente_changes.csv"} <= on_disk
    on_disk = {f"zorgcap/{n}" for n in on_disk}
    assert on_disk <= names, f"missing from the wheel: {sorted(on_disk - names)}"
    assert {"zorgcap/__init__.py", "zorgcap/data_raw/__init__.py", "zorgcap/forecast/cli.py",
            "zorgcap/forecast/io/datadir.py", "zorgcap/regions/__init__.py",
            "zorgcap/reports/__init__.py", "zorgcap/reports/templates/report.html.j2",
            "zorgcap/reports/templates/messages.toml"} <= names
    # every Python file of the checkout's packages, each once, under zorgcap/
    code = {f"zorgcap/{p.relative_to(ROOT).as_posix()}"
            for pkg in ("forecast", "regions", "reports", "data_raw")
            for p in (ROOT / pkg).rglob("*.py")}
    assert code <= names, f"missing from the wheel: {sorted(code - names)}"
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "scripts/", ".cache"))]
    snapshot = {f"zorgcap/{p.relative_to(ROOT).as_posix()}"
                for p in (ROOT / "data_raw" / "snapshot").iterdir()}
    assert len(snapshot) == 31 and snapshot <= names  # 30 tables and their manifest
    assert not [n for n in names if "build_snapshot" in n]  # a development tool


def test_wheel_installs_the_one_import_name_zorgcap(wheel):
    z = zipfile.ZipFile(wheel)
    names = z.namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"zorgcap"}, f"the wheel installs more than zorgcap: {sorted(top)}"
    info = next(n for n in names if n.endswith(".dist-info/top_level.txt"))
    assert z.read(info).decode().split() == ["zorgcap"]


#: The wheel's size as README.md states it, between these markers (filled by
#: ``python tests/test_packaging.py --write``, which builds the wheel and measures it).
SIZE = re.compile(r"<!--size:wheel-->(.*?)<!--/size-->")
BUDGET_MB = 25


def wheel_size_text(wheel: Path) -> str:
    """The wheel's size as the README writes it: megabytes (10^6 bytes), one decimal."""
    return f"{wheel.stat().st_size / 1e6:.1f} MB"


def test_wheel_is_small_and_readme_states_its_size(wheel):
    mb = wheel.stat().st_size / 1e6
    assert mb < BUDGET_MB
    stated = SIZE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert stated, "README.md has no <!--size:wheel-->...<!--/size--> marker"
    for text in stated:  # within 0.2 MB: a small change of code does not make it stale
        assert abs(float(text.removesuffix(" MB")) - mb) <= 0.2, (
            f"README says the wheel is {text}, it is {wheel_size_text(wheel)}: run "
            "python tests/test_packaging.py --write")


def test_wheel_metadata(wheel):
    z = zipfile.ZipFile(wheel)
    info = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    meta = z.read(info).decode()
    assert "License-Expression: MIT" in meta  # PEP 639, needs setuptools >= 77
    assert "Requires-Dist: platformdirs" in meta
    entry = z.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "zorgcap = zorgcap.forecast.cli:main" in entry


_PROBE = """
import importlib.util, json
import zorgcap
from zorgcap import forecast
import zorgcap.forecast.io.manifest as m
from zorgcap import forecast
from zorgcap.forecast.io import datadir
from zorgcap.forecast import references
from zorgcap.forecast.io.status import data_status
status = data_status()
print(json.dumps({
    "zorgcap": zorgcap.__file__,
    "forecast": forecast.__file__,
    "api": [zorgcap.ChainConfig.__name__, zorgcap.render.__module__, zorgcap.__version__],
    "old_names": [n for n in ("forecast", "regions", "reports", "data_raw")
                  if importlib.util.find_spec(n) is not None],
    "data_raw": str(datadir.data_raw_dir()),
    "project_root": None if datadir.project_root() is None else str(datadir.project_root()),
    "cache": str(datadir.cache_dir()),
    "tables": len(m.manifest()),
    "figures": len(references._figures()),
    "origins": sorted(set(status["origin"])),
    "usable": bool(status["usable"].all()),
}))
"""


def test_unpacked_wheel_finds_data_raw_without_the_checkout(wheel, tmp_path):
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("ZORGCAP_CACHE", "ZORGCAP_DATA")}
    env.update(PYTHONPATH=str(site), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    run = subprocess.run([sys.executable, "-c", _PROBE], cwd=elsewhere, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    # imported from the unpacked wheel, not from the editable install of the checkout
    assert Path(got["zorgcap"]) == site / "zorgcap" / "__init__.py"
    assert Path(got["forecast"]) == site / "zorgcap" / "forecast" / "__init__.py"
    assert got["api"] == ["ChainConfig", "zorgcap.reports.build", forecast.__version__]
    assert got["old_names"] == []  # import forecast (regions, ...) fails: one name only
    assert Path(got["data_raw"]) == site / "zorgcap" / "data_raw"
    assert got["project_root"] is None  # no pyproject.toml beside site-packages/zorgcap
    assert got["tables"] > 20 and got["figures"] > 0
    assert got["origins"] == ["snapshot"] and got["usable"]  # every table from the wheel
    if sys.platform.startswith("linux"):  # platformdirs follows XDG_CACHE_HOME on Linux
        assert Path(got["cache"]) == tmp_path / "xdg" / "zorgcap"


def test_checkout_layout():
    # in development (pip install -e) zorgcap.<name> is the checkout's folder <name>/
    import zorgcap
    import zorgcap.data_raw
    import zorgcap.reports

    assert datadir.data_raw_dir() == ROOT / "data_raw"
    assert datadir.project_root() == ROOT
    assert Path(zorgcap.__file__) == ROOT / "zorgcap" / "__init__.py"
    for name in ("forecast", "regions", "reports", "data_raw"):
        assert Path(getattr(zorgcap, name).__file__) == ROOT / name / "__init__.py"
    assert Path(forecast.__file__) == ROOT / "forecast" / "__init__.py"
    # one module, one name: no copy under the old top-level names
    assert not [m for m in sys.modules if m.split(".")[0] in ("forecast", "regions",
                                                               "reports", "data_raw")]


def test_cache_is_the_user_cache_unless_zorgcap_cache_is_set(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path / "mine"))
    assert datadir.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("ZORGCAP_CACHE")
    default = datadir.cache_dir()
    assert default == Path(platformdirs.user_cache_dir("zorgcap", appauthor=False))
    assert not default.is_relative_to(ROOT)  # never beside the code


def test_installed_zorgcap_searches_the_cache_then_the_snapshot_not_a_shared_beside_cwd(
        monkeypatch, tmp_path):
    # An installed zorgcap (no checkout) reads the same tables wherever it is started: a
    # ../shared beside the working directory is not searched (it would silently override the
    # snapshot); the snapshot comes last, after --data / ZORGCAP_DATA and the cache.
    (tmp_path / "shared" / "data").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(datadir, "project_root", lambda: None)  # as from an installed wheel
    monkeypatch.chdir(work)
    monkeypatch.delenv("ZORGCAP_DATA", raising=False)
    roots = datadir.data_roots()
    assert [r.origin for r in roots] == ["cache", "snapshot"]
    assert roots[1].path == ROOT / "data_raw" / "snapshot"
    assert [r.origin for r in datadir.data_roots(tmp_path)] == ["--data", "cache", "snapshot"]


if __name__ == "__main__":  # python tests/test_packaging.py --write: measure, update README
    # (the sizes of the wheel and of the embedded snapshot)
    import tempfile

    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_packaging.py --write")
    with tempfile.TemporaryDirectory() as out:
        # as the fixture: sdist, then the wheel from it (no stale build/ folder can leak in)
        subprocess.run([sys.executable, "-m", "build", "--outdir", out, str(ROOT)],
                       check=True, capture_output=True)
        (whl,) = Path(out).glob("zorgcap-*.whl")
        readme = ROOT / "README.md"
        from zorgcap.forecast.io.snapshot import snapshot_manifest

        text = SIZE.sub(f"<!--size:wheel-->{wheel_size_text(whl)}<!--/size-->",
                        readme.read_text(encoding="utf-8"))
        embedded = sum(e.bytes for e in snapshot_manifest().values()) / 1e6
        text = re.sub(r"<!--size:snapshot-->(.*?)<!--/size-->",
                      f"<!--size:snapshot-->{embedded:.1f} MB<!--/size-->", text)
        readme.write_text(text, encoding="utf-8")
        print(f"wheel {whl.name}: {wheel_size_text(whl)} -> README.md")
