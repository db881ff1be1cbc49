"""Maps, charts, the HTML report and the Excel workbook (reports/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from conftest import needs_data

import regions

pytestmark = needs_data


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from reports import run_report

    out = tmp_path_factory.mktemp("rep") / "latest"
    paths = run_report(scenario="trend", to=2040, out=out, draws=20, seed=5, echo=None)
    return paths


def _png_size(path):
    import matplotlib.image as mpimg

    img = mpimg.imread(path)
    return img.shape[1], img.shape[0], float(np.std(img[..., :3]))


def test_maps_are_non_empty_images_of_the_right_size(report):
    names = {p.stem for p in report["maps"]}
    for expected in ("map_demand_growth", "map_gap_2025", "map_gap_2030", "map_gap_2035",
                     "map_gap_2040", "map_probability_short", "map_plans_vs_need"):
        assert expected in names
    assert sum(n.startswith("map_85plus_ZK") for n in names) == 31
    for path in report["maps"]:
        width, height, spread = _png_size(path)
        assert (width, height) == (800, 900), path.name  # 8 x 9 inches at 100 dpi
        assert spread > 0.05, path.name  # not a blank canvas
        if not path.stem.startswith("map_85plus"):  # national maps also as SVG
            svg = path.with_suffix(".svg")
            assert svg.exists() and "<svg" in svg.read_text(encoding="utf-8")[:500]


def test_html_has_every_region_and_needs_no_network(report):
    page = report["html"].read_text(encoding="utf-8")
    for code, name in regions.ZORGKANTOORREGIOS.items():
        assert f"id='{code}'" in page and name.replace("'", "&#x27;") in page
    # Nothing is loaded from elsewhere: no external src/href/url(), no <link> tags.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(http" not in page and "<link" not in page
    assert page.count("data:image/png;base64,") >= 31 * 3 + 7  # chart, waterfall, 85+ map
    assert "What drives the change in need" in page
    assert "22,206" in page and "25,000" in page and "Provenance" in page


def test_excel_workbook_has_one_sheet_per_table(report):
    book = pd.read_excel(report["excel"], sheet_name=None)
    for sheet in ("summary", "top_down_check", "regions", "demand", "gap", "decomposition",
                  "gap_steps", "ambition_2025", "references", "backtest",
                  "waiting_forecast", "assumptions", "inputs"):
        assert sheet in book
    assert book["waiting_forecast"]["year"].tolist() == list(range(2026, 2031))
    assert len(book["regions"]) == 31
    assert book["gap"]["year"].min() == 2023 and book["gap"]["year"].max() == 2040


def test_provenance_names_inputs_parameters_seed_and_version(report):
    prov = json.loads(report["provenance"].read_text(encoding="utf-8"))
    assert prov["parameters"]["seed"] == 5 and prov["parameters"]["scenario"] == "trend"
    keys = {i["key"]: i for i in prov["inputs"]}
    assert len(keys["households_age_sex"]["sha256"]) == 64
    assert "occupancy_rate" in prov["assumptions"] and prov["zorgcap_version"]


def test_waterfall_per_region(report):
    charts = report["html"].parent / "charts"
    assert len(list(charts.glob("waterfall_ZK*.png"))) == 31


def test_maps_follow_the_reference(tmp_path):
    from forecast.demand import project_demand
    from forecast.gap import compare_capacity
    from reports.maps import region_maps

    demand = project_demand("beleidsarm", to=2030)
    a = region_maps(compare_capacity(demand), demand, tmp_path / "a", "beleidsarm")
    b = region_maps(compare_capacity(demand, reference="ratio80:110"), demand,
                    tmp_path / "b", "beleidsarm")
    assert a["gap_2030"][0].read_bytes() != b["gap_2030"][0].read_bytes()
    svg = b["gap_2030"][1].read_text(encoding="utf-8")
    assert "ratio80:110" in svg or "110 places per 1,000" in svg


def test_a_failing_run_leaves_no_half_written_report(tmp_path, monkeypatch):
    import reports.build as build

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "render_html", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build.run_report(to=2025, draws=0, out=tmp_path / "latest", echo=None)
    assert list(tmp_path.iterdir()) == []  # neither the report nor its temporary folder


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                    "(.ci/run installs it where it can)")
def test_report_renders_in_headless_chromium_without_network(report, tmp_path):
    shot = tmp_path / "report.png"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
             "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: no network at all
             "--window-size=1200,1600"]
    url = report["html"].as_uri()
    subprocess.run([*flags, f"--screenshot={shot}", url], check=True, timeout=120,
                   capture_output=True)
    width, height, spread = _png_size(shot)
    assert (width, height) == (1200, 1600) and spread > 0.05
    dom = subprocess.run([*flags, "--dump-dom", url], check=True, timeout=120,
                         capture_output=True, text=True).stdout
    assert dom.count("<tr>") >= 31 and "Westland Schieland Delfland" in dom
