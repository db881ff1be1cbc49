"""One self-contained HTML report: images inlined (base64 PNG), a sortable table, no network.

The page has a national summary, the reference figures with the explanation of the 2025
difference, the maps, a sortable table of the 31 regions, a section per region (chart and key
numbers) and the provenance of the run.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import pandas as pd

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:2px solid #c33;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;width:100%}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:right}
th{background:#f3f3f3;cursor:pointer;position:sticky;top:0}
td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}
tr:nth-child(even){background:#fafafa}.pos{color:#b00}.neg{color:#070}
.maps{display:grid;grid-template-columns:1fr 1fr;gap:1em}.maps img{width:100%}
.region{border-top:1px solid #ccc;margin-top:1.5em}.region img{max-width:100%}
.note{font-size:.85em;color:#555}pre{white-space:pre-wrap;font-size:.8em;background:#f6f6f6;
padding:1em}.est{background:#fff3cd;padding:.5em 1em;border-left:4px solid #e0a800}
"""

# Click a header to sort; numbers sort numerically (data-v holds the raw value).
_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th, i){
  th.addEventListener('click', function(){
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.from(body.rows), asc = th.dataset.asc !== 'true';
    rows.sort(function(a, b){
      var x = a.cells[i].dataset.v || a.cells[i].textContent;
      var y = b.cells[i].dataset.v || b.cells[i].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
    th.dataset.asc = asc;
  });
});
"""


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame, formats: dict, sortable: bool = False, cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.astype(object).iterrows():  # object rows keep ints as ints
        cells = []
        for col in frame.columns:
            value = row[col]
            fmt = formats.get(col)
            if fmt and pd.notna(value):
                shown = fmt.format(value)
                css = ""
                if col.startswith("gap") and isinstance(value, (int, float)):
                    css = ' class="pos"' if value > 0 else ' class="neg"'
                cells.append(f'<td data-v="{value}"{css}>{html.escape(shown)}</td>')
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    klass = " ".join(x for x in ("sortable" if sortable else "", cls) if x)
    return (f'<table class="{klass}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


def render_html(*, scenario: str, national: pd.DataFrame, regions_table: pd.DataFrame,
                references: pd.DataFrame, explanation: str, maps: dict, charts: dict,
                region_notes: dict, gemeente_maps: dict, provenance: dict,
                backtest_chart=None, waiting_chart=None, estimates: list | None = None,
                decomposition: pd.DataFrame | None = None, waterfalls: dict | None = None,
                top_down: pd.DataFrame | None = None) -> str:
    """The report as one HTML string (see the module docstring for the sections)."""
    p = provenance["parameters"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>zorgcap: nursing-home places per zorgkantoorregio ({html.escape(scenario)})"
        "</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Nursing-home places per zorgkantoorregio</h1>",
        f"<p class='note'>Scenario <b>{html.escape(scenario)}</b> - "
        f"{html.escape(str(p.get('description', '')))}; base year {p.get('base_year')}, "
        f"to {p.get('to')}, {p.get('draws')} Monte Carlo draws, seed {p.get('seed')}. "
        f"zorgcap {provenance['zorgcap_version']}, run {provenance['run_at']}. "
        f"Gaps against: {html.escape(str(p.get('reference_description', 'model')))}.</p>",
    ]
    if estimates:
        parts.append("<p class='est'><b>Estimates in use:</b> "
                     + html.escape(", ".join(estimates))
                     + ". No planner file was given for these inputs; see the assumptions "
                     "below.</p>")
    parts += ["<h2 id='summary'>National summary</h2>",
              _table(national, {c: "{:,.0f}" for c in national.columns if c != "year"}
                     | {"growth_factor": "{:.2f}"}),
              *([f"<h3>Top-down check</h3><p class='note'>The trend of the national clients "
                 f"with stay 2015-2023 alone ({html.escape(str(top_down['method'].iloc[0]))}, "
                 "chosen by rolling-origin error; 95% interval of both ETS and ARIMA) knows "
                 "nothing of ageing: "
                 "the distance to the cohort model is the growth that demography adds.</p>",
                 _table(top_down.drop(columns=["method", "level"], errors="ignore"),
                        {c: "{:,.0f}" for c in top_down.columns if c != "year"})]
                if top_down is not None else []),
              "<h2 id='references'>Reference figures</h2>",
              _table(references, {"published": "{:,.0f}", "zorgcap": "{:,.0f}"}),
              f"<pre>{html.escape(explanation)}</pre>",
              "<h2 id='maps'>Maps</h2><div class='maps'>"]
    parts += [_img(paths[0], name) for name, paths in maps.items()]
    parts.append("</div>")
    if waiting_chart or backtest_chart:
        parts.append("<h2 id='history'>Waiting list and backtest</h2>")
        if waiting_chart:
            parts.append(_img(waiting_chart[0], "waiting list"))
            parts.append("<p class='note'>The dashed line and grey band: a random walk "
                         "(statsmodels ARIMA(0,1,0) on the log) of the yearly mean total "
                         "since 2022, the first full year of today's waiting statuses; the "
                         "last two years are rounded figures. Too short for more than this, "
                         "so the gap keeps the urgent waiting list as a fixed share of "
                         "clients (assumption <code>waiting_list_share</code>).</p>")
        if backtest_chart:
            parts.append(_img(backtest_chart[0], "backtest"))
    parts += ["<h2 id='regions'>Regions</h2>",
              "<p class='note'>Click a column header to sort.</p>",
              _table(regions_table, {c: "{:,.0f}" for c in regions_table.columns
                                     if c not in ("zk_code", "zk_name", "p_short_2030")}
                     | {"p_short_2030": "{:.0%}"}, sortable=True, cls="regions")]
    if decomposition is not None:
        d = decomposition.drop(columns=["year_from"]).rename(columns={"year_to": "year"})
        parts += ["<h2 id='drivers'>What drives the change in need</h2>",
                  "<p class='note'>Places; exact additive split of the change from the places "
                  "in use in the base year to the need (Das Gupta / Shapley for population, "
                  "ageing, usage rates and informal care). Click a header to sort.</p>",
                  _table(d, {c: "{:,.0f}" for c in d.columns
                             if c not in ("zk_code", "zk_name", "year")}, sortable=True)]
    for code, name in zip(regions_table["zk_code"], regions_table["zk_name"], strict=True):
        parts.append(f"<div class='region' id='{code}'><h3>{html.escape(name)} ({code})</h3>")
        parts.append(f"<p>{html.escape(region_notes.get(code, ''))}</p>")
        parts.append(_img(charts[code][0], f"chart {code}"))
        if waterfalls and code in waterfalls:
            parts.append(_img(waterfalls[code][0], f"drivers {code}"))
        if code in gemeente_maps:
            parts.append(_img(gemeente_maps[code][0], f"85+ per gemeente {code}"))
        parts.append("</div>")
    parts += ["<h2 id='provenance'>Provenance and assumptions</h2>",
              "<pre>" + html.escape(json.dumps(provenance, indent=1, ensure_ascii=False))
              + "</pre>", f"<script>{_JS}</script></body></html>"]
    return "\n".join(parts)
