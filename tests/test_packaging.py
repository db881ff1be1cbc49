"""Packaging: the wheel carries ``data_raw/`` and runs without the source checkout.

The wheel is built once per session with ``python -m build`` (sdist first, then the wheel from
the unpacked sdist, so both are checked; a few seconds for pure Python). Installing it into a
fresh virtual environment and running ``zorgcap report`` from another directory takes longer
and is done by ``.ci/run``; here the wheel is unpacked into a folder that stands in for
``site-packages`` and imported from there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from forecast.io import datadir

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
    assert on_disk <= names, f"missing from the wheel: {sorted(on_disk - names)}"
    assert {"data_raw/__init__.py", "forecast/cli.py", "forecast/io/datadir.py",
            "regions/__init__.py", "reports/__init__.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", ".cache"))]


def test_wheel_metadata(wheel):
    z = zipfile.ZipFile(wheel)
    info = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    meta = z.read(info).decode()
    assert "License-Expression: MIT" in meta  # PEP 639, needs setuptools >= 77
    assert "Requires-Dist: platformdirs" in meta
    entry = z.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "zorgcap = forecast.cli:main" in entry


_PROBE = """
import json, forecast, forecast.io.manifest as m
from forecast.io import datadir
from forecast import references
print(json.dumps({
    "forecast": forecast.__file__,
    "data_raw": str(datadir.data_raw_dir()),
    "project_root": None if datadir.project_root() is None else str(datadir.project_root()),
    "cache": str(datadir.cache_dir()),
    "tables": len(m.manifest()),
    "figures": len(references._figures()),
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
    assert Path(got["forecast"]).is_relative_to(site)
    assert Path(got["data_raw"]) == site / "data_raw"
    assert got["project_root"] is None  # no pyproject.toml beside site-packages/data_raw
    assert got["tables"] > 20 and got["figures"] > 0
    if sys.platform.startswith("linux"):  # platformdirs follows XDG_CACHE_HOME on Linux
        assert Path(got["cache"]) == tmp_path / "xdg" / "zorgcap"


def test_checkout_layout():
    assert datadir.data_raw_dir() == ROOT / "data_raw"
    assert datadir.project_root() == ROOT


def test_cache_is_the_user_cache_unless_zorgcap_cache_is_set(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setenv("ZORGCAP_CACHE", str(tmp_path / "mine"))
    assert datadir.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("ZORGCAP_CACHE")
    default = datadir.cache_dir()
    assert default == Path(platformdirs.user_cache_dir("zorgcap", appauthor=False))
    assert not default.is_relative_to(ROOT)  # never beside the code


def test_shared_data_beside_the_working_directory_without_a_checkout(monkeypatch, tmp_path):
    (tmp_path / "shared" / "data").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(datadir, "project_root", lambda: None)  # as from an installed wheel
    monkeypatch.chdir(work)
    shared = [r.path for r in datadir.data_roots() if r.origin == "shared"]
    assert shared == [(tmp_path / "shared" / "data").resolve()]
