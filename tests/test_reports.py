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
from handmade import CODES, small_result

import regions

pytestmark = needs_data


@pytest.fixture(scope="module")
def result():
    return small_result()


@pytest.fixture(scope="module")
def report(result, tmp_path_factory):
    from reports import render

    out = tmp_path_factory.mktemp("rep") / "latest"
    return render(result, out, echo=None, workers=2, start_method="spawn")


def _png_size(path):
    import matplotlib.image as mpimg

    img = mpimg.imread(path)
    return img.shape[1], img.shape[0], float(np.std(img[..., :3]))


def test_maps_are_non_empty_images_of_the_right_size(report):
    names = {p.stem for p in report["maps"]}
    for expected in ("map_demand_growth", "map_gap_2025", "map_gap_2030",
                     "map_probability_short", "map_plans_vs_need"):
        assert expected in names
    assert "map_gap_2035" not in names  # the result ends in 2030
    assert sorted(n for n in names if n.startswith("map_85plus_ZK")) == [
        f"map_85plus_{c}" for c in CODES]
    for path in report["maps"]:
        width, height, spread = _png_size(path)
        assert (width, height) == (800, 900), path.name  # 8 x 9 inches at 100 dpi
        assert spread > 0.05, path.name  # not a blank canvas
        if not path.stem.startswith("map_85plus"):  # national maps also as SVG
            svg = path.with_suffix(".svg")
            assert svg.exists() and "<svg" in svg.read_text(encoding="utf-8")[:500]


def test_html_has_every_region_and_needs_no_network(report, result):
    page = report["html"].read_text(encoding="utf-8")
    for code in CODES:
        name = regions.ZORGKANTOORREGIOS[code]
        assert f"id='{code}'" in page and name.replace("'", "&#x27;") in page
    assert "id='ZK01'" not in page
    # Nothing is loaded from elsewhere: no external src/href/url(), no <link> tags.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "url(http" not in page and "<link" not in page
    assert page.count("data:image/png;base64,") >= 3 * 3 + 7  # chart, waterfall, 85+ map
    assert "What drives the change in need" in page
    assert "22,206" in page and "25,000" in page and "Provenance" in page
    # The numbers are the result's: national need 2030 = 1,700 + 3,400 + 5,100 places.
    assert result.national.set_index("year").loc[2030, "need"] == 10_200
    assert "10,200" in page


def test_excel_workbook_has_one_sheet_per_table(report, result):
    book = pd.read_excel(report["excel"], sheet_name=None)
    for sheet in ("summary", "top_down_check", "regions", "demand", "gap", "decomposition",
                  "gap_steps", "ambition_2025", "references", "backtest",
                  "waiting_forecast", "assumptions", "inputs"):
        assert sheet in book
    assert book["waiting_forecast"]["year"].tolist() == [2026, 2027]
    assert len(book["regions"]) == 3
    pd.testing.assert_frame_equal(book["gap"], result.gap, check_dtype=False)
    # One number per quantity: the decomposition's need is the gap table's.
    d = book["decomposition"].query("year_to == 2030").set_index("zk_code")["need"]
    g = book["gap"].query("year == 2030").set_index("zk_code")["need"]
    pd.testing.assert_series_equal(d, g, check_names=False)


def test_provenance_is_the_result_s(report, result):
    prov = json.loads(report["provenance"].read_text(encoding="utf-8"))
    assert prov == result.provenance


def test_waterfall_per_region(report):
    charts = report["html"].parent / "charts"
    assert sorted(p.stem for p in charts.glob("waterfall_ZK*.png")) == [
        f"waterfall_{c}" for c in CODES]


def test_maps_follow_the_reference(tmp_path, result):
    from reports.maps import region_maps

    gap = result.gap
    other = gap.assign(reference="ratio80:110", reference_gap=gap["reference_gap"] * 2 - 500)
    a = region_maps(gap, result.demand, tmp_path / "a", "trend")
    b = region_maps(other, result.demand, tmp_path / "b", "trend")
    assert a["gap_2030"][0].read_bytes() != b["gap_2030"][0].read_bytes()
    svg = b["gap_2030"][1].read_text(encoding="utf-8")
    assert "ratio80:110" in svg or "110 places per 1,000" in svg


@pytest.fixture(scope="module")
def one_region():
    return small_result(codes=("ZK08",))


def test_a_failing_run_leaves_no_half_written_report(tmp_path, monkeypatch, one_region):
    import reports.build as build

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after the 85+ maps were written into the temporary folder.
    monkeypatch.setattr(build, "region_maps", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build.render(one_region, tmp_path / "latest", echo=None, workers=1)
    assert list(tmp_path.iterdir()) == []  # neither the report nor its temporary folder


def test_out_replaces_only_an_earlier_report(tmp_path, one_region):
    from forecast.errors import InputError
    from reports import render

    result = one_region
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.docx").write_text("a planner's own file", encoding="utf-8")
    with pytest.raises(InputError, match="holds other files than a zorgcap report"):
        render(result, mine, echo=None, workers=1)
    assert [p.name for p in mine.iterdir()] == ["notes.docx"]
    note = tmp_path / "file.txt"
    note.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file, not a folder"):
        render(result, note, echo=None, workers=1)
    assert note.read_text(encoding="utf-8") == "x" and sorted(
        p.name for p in tmp_path.iterdir()) == ["file.txt", "mine"]
    # An earlier report is replaced; the folder is readable by colleagues.
    first = render(result, tmp_path / "r", echo=None, workers=1)["html"].parent
    (first / "stale.txt").write_text("left by an earlier report", encoding="utf-8")
    again = render(result, first, echo=None, workers=1)
    assert again["html"].exists() and (first / ".zorgcap-report").exists()
    assert not (first / "stale.txt").exists() and first.stat().st_mode & 0o055 == 0o055


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
    assert dom.count("<tr>") >= 3 and "Rotterdam" in dom
