"""The HTML report: one self-contained page rendered from Jinja2 templates.

The page opens with the key findings (national shortage per step year with its range,
regions with the largest shortage, which inputs are estimates), then maps (inline SVG: hover
names the region and its value, a click opens its section), the national and regional tables
(sortable, with a total row), the drivers, a section per region, the checks, the assumptions
and the provenance. Nothing is loaded from the network; the text is in
``templates/messages.toml`` and every number is formatted by Babel for the report's language.
The page computes nothing of the model: every number is read from the
:class:`zorgcap.forecast.ChainResult`; it only rounds, ranks and divides for display.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from zorgcap.forecast.decomposition import PARTS
from zorgcap.forecast.provenance import portable_path
from zorgcap.forecast.schema import STEP_YEARS

from . import svg
from .assumptions import assumption_items, run_text
from .text import _BAND, Text, by_name, round_to_uncertainty, sort_by_name

__all__ = ["render_html", "page_context"]


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(loader=PackageLoader("zorgcap.reports", "templates"),
                       autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                       lstrip_blocks=True)


def _cell(t: Text, value, kind: str = "num", href: str | None = None) -> dict:
    """A table cell: shown text, raw sort value ``v`` and a css class."""
    if kind == "text":
        return {"text": "" if value is None else str(value), "v": str(value), "href": href}
    if value is pd.NA:
        value = None
    if isinstance(value, str) or not isinstance(value, (int, float, np.number, type(None))):
        return {"text": str(value), "v": str(value), "href": href}  # text in any column
    missing = value is None or (isinstance(value, float) and np.isnan(value))
    if missing:
        return {"text": "–", "v": "", "cls": "num"}
    value = float(value)
    if kind == "pct":
        return {"text": t.pct(value), "v": f"{value:.6g}", "cls": "num"}
    if kind == "pct100":
        return {"text": t.num(value) + "%", "v": f"{value:.6g}", "cls": "num"}
    if kind == "signedpct":
        return {"text": t.signed(value) + "%", "v": f"{value:.6g}", "cls": "num"}
    if kind == "dec1":
        return {"text": t.num(value, 1), "v": f"{value:.6g}", "cls": "num"}
    if kind == "dec2":
        return {"text": t.num(value, 2), "v": f"{value:.6g}", "cls": "num"}
    if kind == "year":
        return {"text": str(int(value)), "v": str(int(value)), "cls": "num"}
    cls = "num"
    if kind == "gap":
        cls += " short" if round(value) > 0 else " spare" if round(value) < 0 else ""
    return {"text": t.num(value), "v": f"{round(value, 6):.6g}", "cls": cls}


def _kind(col: str) -> str:
    if col in ("zk_code", "zk_name", "scenario", "reference", "method", "model", "state",
               "key", "title", "path", "cbs_id", "zorgcap_definition", "capacity_source",
               "plans_source", "assumption", "value", "note", "covered", "origin", "source",
               "shipped"):
        return "text"
    if col in ("year", "year_from", "year_to", "target_year", "horizon", "base_year",
               "first_short", "first_building", "first_staff"):
        return "year"
    if col.startswith(("p_short", "p_closed")):
        return "pct"
    if col in ("growth_factor", "factor", "ratio", "log_sd", "shrinkage") \
            or col.startswith("factor"):
        return "dec2"
    if col.endswith("_share_2014"):
        return "pct"
    if col in ("oosr", "error_pct", "level"):
        return "dec1"
    if col.startswith(("gap", "reference_gap", "fte_gap")):
        return "gap"
    if col in ("binding_limit", "last_limit", "workforce", "forms", "target", "fte_source",
               "clustered_source"):
        return "text"
    return "num"


MAX_ROWS = 80  # a longer table is left to the workbook: the page says where to find it


def _band_pairs(columns: list[str]) -> dict[str, str]:
    """``{lo column: hi column}`` for the band columns of ``columns`` that come in pairs
    (``gap_lo_80`` with ``gap_hi_80``)."""
    pairs = {}
    for c in columns:
        m = _BAND.match(c)
        if m and m["side"] == "lo" and f"{m['col']}_hi_{m['level']}" in columns:
            pairs[c] = f"{m['col']}_hi_{m['level']}"
    return pairs


def _range_cell(t: Text, lo, hi, kind: str) -> dict:
    """One cell 'lo – hi' for a band; sorts by its lower bound."""
    a, b = _cell(t, lo, kind), _cell(t, hi, kind)
    if a["v"] == "" and b["v"] == "":
        return {"text": "–", "v": "", "cls": "num"}
    return {"text": f"{a['text']} – {b['text']}", "v": a["v"], "cls": "num range"}


def table(t: Text, frame: pd.DataFrame, columns=None, total: dict | None = None,
          kinds: dict | None = None, links: str | None = None, sortable: bool = False,
          labels: dict | None = None, sheet: str | None = None, caption: str | None = None,
          ranges: bool = True, marks: set | None = None) -> dict:
    """A frame as a table for the template: human labels, formatted cells, total row.

    A frame of more than :data:`MAX_ROWS` rows is not drawn; the table says which sheet of
    the workbook holds it (``sheet``). With ``ranges`` a pair of band columns
    (``gap_lo_80, gap_hi_80``) is one column 'lo – hi' (the page column stays narrow). A
    table with a shortage column says the sign convention in its caption. ``marks``:
    ``(row number, column)`` cells shown with an asterisk.
    """
    if sheet is not None and len(frame) > MAX_ROWS:
        return {"head": [], "rows": [], "foot": None, "sortable": False,
                "elsewhere": t.t("in_workbook", rows=t.num(len(frame)), sheet=sheet)}
    columns = [c for c in (columns or frame.columns) if c in frame.columns]
    kinds = kinds or {}
    pairs = _band_pairs(columns) if ranges else {}
    shown = [c for c in columns if c not in pairs.values()]

    def kind(c):
        return kinds.get(c, _kind(c))

    def head_of(c):
        if c in pairs:
            m = _BAND.match(c)
            name, _, unit = t.label(m["col"]).partition(" [")
            return t.t("range_head", name=name, level=m["level"]) + (f" [{unit}" if unit
                                                                        else "")
        return (labels or {}).get(c, t.label(c))

    head = [head_of(c) for c in shown]
    rows = []
    keep = [*columns, *(["zk_code"] if links and "zk_code" in frame and "zk_code" not in columns
                        else [])]  # a link needs the code even where it is not shown
    for i, rec in enumerate(frame[keep].to_dict("records")):
        row = []
        for c in shown:
            if c in pairs:
                row.append(_range_cell(t, rec[c], rec[pairs[c]], kind(c)))
                continue
            href = f"#{rec['zk_code']}" if links and c == links and "zk_code" in rec else None
            cell = _cell(t, rec[c], kind(c), href)
            if marks and (i, c) in marks:
                cell = {**cell, "text": cell["text"] + " *"}
            row.append(cell)
        rows.append(row)
    foot = None
    if total is not None:
        # the word 'total' in the first name column (not in a narrow number column)
        at = next((i for i, c in enumerate(shown) if c not in total and kind(c) == "text"), 0)
        foot = []
        for i, c in enumerate(shown):
            if c in pairs and c in total and pairs[c] in total:
                foot.append(_range_cell(t, total[c], total[pairs[c]], kind(c)))
            elif c in total:
                foot.append(_cell(t, total.get(c), kind(c)))
            else:
                foot.append({"text": t["total"] if i == at else "", "v": ""})
    if any(kind(c) == "gap" for c in shown):
        caption = f"{caption} {t['sign_caption']}" if caption else t["sign_caption"]
    return {"head": head, "rows": rows, "foot": foot, "sortable": sortable,
            "caption": caption}


def _bands(frame: pd.DataFrame, col: str) -> list[int]:
    return sorted({int(c.rsplit("_", 1)[1]) for c in frame.columns
                   if c.startswith(f"{col}_lo_")})


def _base_year_difference(gap: pd.DataFrame, demand: pd.DataFrame) -> pd.Series:
    """The base-year gap [places] of the regions where it differs from the places their
    waiting list needs (people waiting / occupancy) by at least one place: only a planner's
    capacity file can make that (without files the base-year gap is the waiting list,
    :mod:`zorgcap.forecast.gap`)."""
    base = gap["year"].min()
    b = gap[gap["year"] == base].set_index("zk_code")
    d = demand[demand["year"] == base].set_index("zk_code").reindex(b.index)
    waiting = b.get("waiting_base", 0.0) * d["places_needed"] / d["clients_with_stay"]
    differs = (b["gap"] - waiting).abs() >= 1
    return b.loc[differs & (b["gap"] > 0), "gap"]


def _unusual(t: Text, result) -> list[str]:
    """One line per planner figure accepted with ``--accept-unusual``
    (:mod:`zorgcap.forecast.plausibility`), in the report's language, for the key points."""
    params = result.parameters if isinstance(result.parameters, dict) else {}
    lines = []
    for u in params.get("unusual_inputs", []):
        file = u.get("file") or "DataFrame"
        where = t.t("unusual_where", file=file, row=u["row"]) if u.get("row") else file
        ratio = u["value"] / u["reference"] if u.get("reference") else float("nan")
        lines.append(t.m["unusual"][u["kind"]].format(
            region=f"{u['zk_name']} ({u['zk_code']})", value=t.num(u["value"]),
            reference=t.num(u["reference"]), ratio=t.num(ratio, 0 if abs(ratio) >= 10 else 1),
            low=t.num(u["low"], 1), high=t.num(u["high"], 1), base=u.get("base", ""),
            year=u.get("year", ""), where=where, column=u.get("column", "")))
    return lines


#: The years of the key findings: the medium and the long term (the last year of a shorter run).
HEADLINE_YEARS = (2030, 2040)


def _headline_years(last: int) -> list[int]:
    return sorted({min(y, last) for y in HEADLINE_YEARS})


def _sign_differs(gap: float, p_short: float) -> bool:
    """Whether a central shortage (rounded to whole places) and the shortage probability
    point to different sides: a shortage with p_short below one half, or a surplus above."""
    if p_short is None or not np.isfinite(p_short):
        return False
    g = round(float(gap))
    return (g > 0 and p_short < 0.5) or (g < 0 and p_short > 0.5)


def _layer(t: Text, frame: pd.DataFrame, years, level) -> list[dict]:
    """Central shortage, its band (rounded to what the band supports) and p_short per year of
    one national frame (``ChainResult.national`` or ``national_demography``)."""
    out = []
    for y in years:
        lo = float(frame.loc[y, f"gap_lo_{level}"]) if level else None
        hi = float(frame.loc[y, f"gap_hi_{level}"]) if level else None
        c, rlo, rhi, _ = round_to_uncertainty(float(frame.loc[y, "gap"]), lo, hi)
        p = float(frame.loc[y, "p_short"]) if "p_short" in frame else None
        out.append({"year": y, "value": float(frame.loc[y, "gap"]), "lo": lo, "hi": hi,
                    "central": t.num(c), "p": p, "p_text": t.pct(p) if p is not None else "",
                    "range": f"{t.num(rlo)} – {t.num(rhi)}" if rlo is not None else "–"})
    return out


def _layers(t: Text, result, last: int, level) -> dict:
    """The key findings' national shortage in two layers: from demography alone (usage rates
    of the base year, as TNO and the regioplannen count) and with the scenario, with one
    sentence on why the scenario's band is wide and lopsided, and a named difference where
    the central number and the shortage probability point to different sides."""
    years = _headline_years(last)
    nat = result.national.set_index("year")
    demo = getattr(result, "national_demography", None)
    demo = None if demo is None else demo.set_index("year")
    scenario = result.config.scenario
    layer = _layer(t, nat, years, level)
    two = demo is not None and not np.allclose(demo.loc[years, "gap"], nat.loc[years, "gap"])
    demo_layer = _layer(t, demo, years, level) if demo is not None else None
    rows = [{"year": y, "scenario": layer[i], "demo": demo_layer[i] if demo_layer else None}
            for i, y in enumerate(years)]
    notes = []
    if two and level:  # why the scenario's band is wide and lopsided (the last year)
        s, d = layer[-1], demo_layer[-1]
        width, demo_width = s["hi"] - s["lo"], d["hi"] - d["lo"]
        if width > 1.5 * demo_width:
            up, down = s["hi"] - s["value"], s["value"] - s["lo"]
            step = round_to_uncertainty(s["value"], s["lo"], s["hi"])[3]  # as the table
            notes.append(t.t("band_why", year=s["year"], up=t.num(round(up / step) * step),
                             down=t.num(round(down / step) * step),
                             ratio=t.num(width / demo_width, 0 if width >= 10 * demo_width
                                         else 1),
                             scenario=scenario)
                         + (" " + t["band_skew_up"] if up > 1.15 * down else ""))
        step = round_to_uncertainty(d["value"], d["lo"], d["hi"])[3]
        diff = round((s["value"] - d["value"]) / step) * step
        if abs(diff) >= 1:
            notes.append(t.t("layers_differ", year=s["year"], scenario=scenario,
                             diff=t.num(abs(diff)),
                             direction=t["below"] if diff < 0 else t["above"]))
    for r in [*layer, *(demo_layer if two else [])]:
        if _sign_differs(r["value"], r["p"]):
            notes.append(t.t("sign_differs", year=r["year"], central=r["central"],
                             p=r["p_text"]))
    return {"rows": rows, "two": two, "notes": notes,
            "scenario_label": t.t("layer_trend" if scenario == "trend" else "layer_scenario",
                                  scenario=scenario),
            "demo_label": t.t("layer_demography", base=int(nat.index.min())),
            "single_label": t.t("layer_demography", base=int(nat.index.min()))
            if demo is not None else t.t("layer_scenario", scenario=scenario),
            "same": t.t("layers_same", scenario=scenario) if demo is not None and not two
            else None,
            "p_short": "p_short" in nat}


def _headline(t: Text, result, years: list[int], focus: int) -> dict:
    levels = _bands(result.national, "gap")
    level = 80 if 80 in levels else (levels[0] if levels else None)
    layers = _layers(t, result, int(result.national["year"].max()), level)
    g = result.gap[result.gap["year"] == focus].copy()
    d = result.demand[result.demand["year"] == focus].set_index("zk_code")["persons_85plus"]
    g["per_1000"] = 1000 * g["gap"] / g["zk_code"].map(d)
    # a region's base-year gap is its waiting list (people waiting / occupancy) unless a
    # planner's capacity file says otherwise (zorgcap.forecast.gap): name such a difference
    base_gap = _base_year_difference(result.gap, result.demand)
    base = int(result.gap["year"].min())
    top_places = [{"code": r.zk_code, "name": r.zk_name, "value": t.num(r.gap),
                   "base": t.num(base_gap[r.zk_code]) if focus != base
                   and r.zk_code in base_gap.index else None}
                  for r in g.sort_values("gap", ascending=False).head(3).itertuples()
                  if r.gap > 0]
    top_rel = [{"code": r.zk_code, "name": r.zk_name, "value": t.num(r.per_1000, 1)}
               for r in g.sort_values("per_1000", ascending=False).head(3).itertuples()
               if r.gap > 0]
    # the result's estimates, and any assumption the catalogue knows as a planner-file estimate
    keys = list(dict.fromkeys([*result.estimates,
                               *[k for k in result.assumptions if k in t.m["estimates"]]]))
    estimates = [t.m["estimates"].get(k, result.assumptions.get(k, k.replace("_", " ")))
                 for k in keys]
    params = result.parameters if isinstance(result.parameters, dict) else {}
    coverage = None
    if level and "backtest_coverage_80" in params and "backtest_coverage_95" in params:
        n = params.get("trend_calibration_errors")
        coverage = t.t("coverage", c80=t.pct(params["backtest_coverage_80"]),
                       c95=t.pct(params["backtest_coverage_95"]),
                       n=t.t("coverage_n", n=n) if isinstance(n, int) else "")
    b = result.gap[result.gap["year"] == base].set_index("zk_code")
    d = result.demand[result.demand["year"] == base].set_index("zk_code").reindex(b.index)
    base_gap_total = float((b.get("waiting_base", 0.0) * d["places_needed"]
                            / d["clients_with_stay"]).sum())  # the places the list needs
    return {"layers": layers, "level": level, "top_places": top_places, "top_rel": top_rel,
            "base_sentence": t.t("base_year_sentence", base=base, gap=t.num(base_gap_total)),
            "targets": _target_lines(t, result, base),
            "base": base, "base_estimated": any(r["base"] for r in top_places),
            "focus": focus, "estimates": estimates, "coverage": coverage,
            "range_sentence": t["headline_range_sentence"] if level
            else t["headline_no_range"]}


def _target_lines(t: Text, result, base: int) -> list[str]:
    """One sentence per national target of the run (issue 31): the places counted toward it
    since its base year (the total of the target tables: observed growth to the base year
    plus expected plans to the target's year) against the target or the regions' share."""
    tg = getattr(result, "targets", None)
    if tg is None or not len(tg):
        return []
    from zorgcap import regions

    everywhere = set(tg["zk_code"]) >= set(regions.ZORGKANTOORREGIOS)
    n = tg["zk_code"].nunique()
    names = t.m.get("target_headline_names", {})
    lines = []
    for key, f in tg.groupby("target", sort=False):
        share = float(f["target_share"].sum())
        counted = float(f["counted"].sum())
        which = "national" if everywhere else "one" if n == 1 else "regions"
        share_text = t.t(f"target_share_{which}", share=t.num(share))
        verdict = (t.t("target_short", short=t.num(share - counted), share_text=share_text)
                   if counted < share else
                   t.t("target_on_track", extra=t.num(counted - share), share_text=share_text))
        lines.append(t.t(
            "target_line", name=names.get(key, t.m["target_names"].get(key, key)),
            base_year=int(f["base_year"].iloc[0]), year=int(f["year"].iloc[0]),
            forms=t.m["forms_names"].get(f["forms"].iloc[0], f["forms"].iloc[0]),
            where=t.t(f"target_where_{which}", n=n),
            counted=t.num(counted), realised=t.num(float(f["realised_to_base"].sum())),
            expected=t.num(float(f["expected_to_year"].sum())), base=base, verdict=verdict))
    return lines


def _maps(t: Text, result, geo, years, focus) -> list[dict]:
    """The national maps; a map whose values are all equal carries no information and is
    left out."""
    gap = result.gap
    names = dict(zip(geo["zk_code"], geo["zk_name"], strict=True))
    codes = set(gap["zk_code"])
    hrefs = {c: f"#{c}" for c in codes}
    d85 = result.demand.set_index(["year", "zk_code"])["persons_85plus"]
    # the step years and the focus year (the last year when the run ends before 2030)
    per_year = {y: gap[gap["year"] == y].set_index("zk_code") for y in {*years, focus}}
    numbers = region_numbers(geo["zk_code"])
    points = svg.label_points(geo, "zk_code")

    def block(title_key, legend_key, values_by, scale, fmt, unit=""):
        maps = []
        for label, values in values_by:
            titles = {c: f"{numbers[c]}. {names[c]}: {fmt(v)}{unit} ({label})"
                      for c, v in values.items()}
            maps.append({"title": label, "svg": svg.choropleth(
                geo, "zk_code", "zk-", values, scale, titles, hrefs, caption=label,
                labels=numbers, points=points)})
        return {"maps": maps, "legend": scale.legend(t[legend_key], fmt)}

    def informative(values_by):
        v = np.array([x for _, vals in values_by for x in vals.values()], dtype=float)
        return len(v) and np.isfinite(v).any() and np.nanmax(v) - np.nanmin(v) > 1e-9

    groups = []
    gap_by = [(t.t("map_gap", year=y), per_year[y]["gap"].to_dict()) for y in years]
    rel_by = [(t.t("map_gap_rel", year=y),
               {c: 1000 * v / d85[(y, c)] for c, v in per_year[y]["gap"].items()})
              for y in years]
    views = []
    if informative(gap_by):
        views.append({"label": t["view_places"], **block(
            "map_gap", "map_gap_legend", gap_by,
            svg.scale_for("gap", [v for _, x in gap_by for v in x.values()]), t.num,
            " " + t["place"])})
    if informative(rel_by):
        views.append({"label": t["view_per_1000"], **block(
            "map_gap_rel", "map_gap_rel_legend", rel_by,
            svg.scale_for("gap_per_1000", [v for _, x in rel_by for v in x.values()]),
            lambda v: t.num(v, 1))})
    if views:
        groups.append({"id": "map-gap", "views": views})
    if "p_short" in gap:
        p_by = [(t.t("map_p_short", year=focus), (100 * per_year[focus]["p_short"]).to_dict())]
        if informative(p_by):
            groups.append({"id": "map-p", "views": [{"label": "", **block(
                "map_p_short", "map_p_short_legend", p_by,
                svg.scale_for("p_short"), t.num, "%")}]})
    base, last = int(result.demand["year"].min()), int(result.demand["year"].max())
    need = gap.pivot(index="zk_code", columns="year", values="need")
    growth = (100 * (need[last] / need[base] - 1)).to_dict()
    gr_by = [(t.t("map_growth", base=base, last=last), growth)]
    if informative(gr_by):
        groups.append({"id": "map-growth", "views": [{"label": "", **block(
            "map_growth", "map_growth_legend", gr_by,
            svg.scale_for("growth", list(growth.values())), t.signed, "%")}]})
    plans = per_year[focus]["plans_expected"]
    grow = need[focus] - need[base]
    ratio = (100 * plans / grow.where(grow > 0)).to_dict()
    pl_by = [(t.t("map_plans", base=base, year=focus), ratio)]
    # estimated plans are spread by growth, so their share of growth is about the same
    # everywhere: a map of them shows the estimate's rule, not the regions' plans
    src = per_year[focus]["plans_source"].astype(str) if "plans_source" in per_year[focus] \
        else pd.Series(dtype=str)
    all_estimated = len(src) > 0 and src.str.startswith(("ESTIMATE", "none")).all()
    if plans.abs().sum() > 0 and informative(pl_by) and not all_estimated:
        groups.append({"id": "map-plans", "views": [{"label": "", **block(
            "map_plans", "map_plans_legend", pl_by,
            svg.scale_for("plans_share", list(ratio.values())), t.num, "%")}]})
    intensity = getattr(result, "regional_intensity", None)
    if intensity is None and result.regional_factors is not None:
        intensity = result.regional_factors
    if intensity is not None and "factor" in intensity:
        f_by = [(t["map_intensity"], intensity.set_index("zk_code")["factor"].to_dict())]
        if informative(f_by):
            groups.append({"id": "map-intensity", "views": [{"label": "", **block(
                "map_intensity", "map_intensity_legend", f_by,
                svg.scale_for("intensity", list(f_by[0][1].values())),
                lambda v: t.num(v, 2))}]})
    # maps in full rows: the groups of several maps each fill a row; the single maps share one
    return {"rows": [g for g in groups if len(g["views"]) > 1 or len(g["views"][0]["maps"]) > 1],
            "singles": [{"id": g["id"], **g["views"][0]["maps"][0],
                         "legend": g["views"][0]["legend"]} for g in groups
                        if len(g["views"]) == 1 and len(g["views"][0]["maps"]) == 1],
            "key": [{"nr": numbers[c], "code": c, "name": names[c]}
                    for c in sorted(numbers, key=numbers.get)]}


def region_numbers(codes) -> dict:
    """``{zk_code: number}``: the number printed on the maps, the code's own (ZK20 -> 20)."""
    return {c: int(c[2:]) for c in codes}


def _plans_by_region(plans: pd.DataFrame) -> dict:
    """``zk_code -> ([(year_ready, projects, places with stay, clustered places)],
    plans_source)``, closures negative (as :mod:`zorgcap.forecast.gap` counts them)."""
    if plans is None or not len(plans):
        return {}
    if "status" in plans:  # a cancelled plan (issue 31) adds no places
        plans = plans[plans["status"] != "cancelled"]
    pl = plans.assign(form=plans["delivery_form"] if "delivery_form" in plans else "with_stay")
    sign = np.where(pl["kind"] == "closure", -1.0, 1.0) if "kind" in pl else 1.0
    stay = pl["form"] == "with_stay"
    pl = pl.assign(stay=pl["places"] * sign * stay, clustered=pl["places"] * sign * ~stay)
    # estimated rows are shares of a national total, not projects: no count ("–")
    pl = pl.assign(real=~pl["plans_source"].astype(str).str.startswith("ESTIMATE"))
    by = pl.groupby(["zk_code", "year_ready"])
    table_ = pd.DataFrame({"n": by["real"].sum().where(by["real"].any()),
                           "stay": by["stay"].sum(),
                           "clustered": by["clustered"].sum()}).reset_index()
    source = pl.groupby("zk_code")["plans_source"].first().astype(str)
    return {code: (list(zip(f["year_ready"], f["n"], f["stay"], f["clustered"], strict=True)),
                   source[code]) for code, f in table_.groupby("zk_code", sort=False)}


def _region_sections(t: Text, result, gm_geo, gm_names, years, focus) -> list[dict]:
    gap, demand = result.gap, result.demand
    base, last = int(demand["year"].min()), int(demand["year"].max())
    levels = _bands(gap, "gap")
    wide = result.gemeente_85plus.pivot_table(index="gm_code", columns="year",
                                              values="persons_85plus", aggfunc="sum")
    first = base if base in wide.columns else int(wide.columns.min())  # the base year
    gm_growth = 100 * (wide[last] / wide[first] - 1)
    gm_scale = svg.scale_for("gemeente_85plus_growth", gm_growth.to_numpy())
    zk_of = result.gemeente_85plus.drop_duplicates("gm_code").set_index("gm_code")["zk_code"]
    gm_need = getattr(result, "gemeente_need", None)
    gm_wide = _gemeente_wide(gm_need) if gm_need is not None and len(gm_need) else {}
    gm_points = svg.label_points(gm_geo, "gm_code") if len(gm_geo) else {}
    pop = result.population
    pop_tot = pop.groupby(["zk_code", "year"])["persons"].sum() if len(pop) else None
    parts_last = result.decomposition[result.decomposition["year_to"] == last] \
        .set_index("zk_code")
    plans_by = _plans_by_region(result.plans)
    sections = []
    groups = dict(list(gap.groupby("zk_code", sort=False)))
    for code in sorted(groups, key=lambda c: by_name(groups[c]["zk_name"].iloc[0])):
        g = groups[code].sort_values("year").set_index("year")
        d = demand[demand["zk_code"] == code].set_index("year")
        name = g["zk_name"].iloc[0]
        facts = []
        if pop_tot is not None and (code, base) in pop_tot and (code, last) in pop_tot \
                and pop_tot[(code, base)] > 1000:
            a, b = pop_tot[(code, base)], pop_tot[(code, last)]
            facts.append((t["region_inhabitants"], base, t.num(a), last, t.num(b),
                          t.signed(100 * (b / a - 1)) + "%"))
        a, b = d.loc[base, "persons_85plus"], d.loc[last, "persons_85plus"]
        facts.append((t["region_85"], base, t.num(a), last, t.num(b),
                      t.signed(100 * (b / a - 1)) + "%"))
        rows = g.loc[[y for y in [base, *years] if y in g.index]].reset_index() \
            .drop_duplicates("year")
        cols = ["year", "need", "capacity", "plans_expected", "supply", "gap"]
        for lv in levels:
            cols += [f"gap_lo_{lv}", f"gap_hi_{lv}"]
        marks = set()
        if "p_short" in rows:
            cols.append("p_short")
            marks = {(i, "p_short") for i, r in enumerate(rows.itertuples())
                     if _sign_differs(r.gap, r.p_short)}
        forms_cols = ["year", "need_clustered", "supply_clustered", "gap_all_forms",
                      "places_staffable", "places_usable", "binding_limit"]
        forms_table = None
        if "gap_all_forms" in rows:
            forms_table = table(t, words(rows, t), forms_cols)
        band_colours = {80: "#e6550d", 95: "#fdae6b"}
        bands = [{"lo": list(g["supply"] + g[f"gap_lo_{lv}"]),
                  "hi": list(g["supply"] + g[f"gap_hi_{lv}"]),
                  "label": t.t("chart_band", level=lv),
                  "colour": band_colours.get(lv, "#fdd0a2"),
                  "opacity": 0.35 if lv == min(levels) else 0.25}
                 for lv in sorted(levels, reverse=True)]
        chart = svg.line_chart(list(g.index), [
            {"y": list(g["need"]), "label": t["chart_need"], "colour": "#c0392b"},
            {"y": list(g["supply"]), "label": t["chart_supply"], "colour": "#2471a3",
             "step": True}], bands, t.num, t["place"])
        drivers = None
        if code in parts_last.index:
            p = parts_last.loc[code]
            biggest = max(abs(float(p[k])) for k in PARTS) or 1.0
            drivers = {"base": int(p["year_from"]), "year": int(p["year_to"]),
                       "start": t.num(p["base"]), "end": t.num(p["need"]),
                       "split": t.t("drivers_base_split", in_use=t.num(p["base_in_use"]),
                                    waiting=t.num(p["base_waiting"]))
                       if "base_in_use" in p else None,
                       "rows": [{"label": t.label(k).split(" [")[0], "value": t.signed(p[k]),
                                 "width": round(100 * abs(float(p[k])) / biggest),
                                 "up": float(p[k]) > 0} for k in PARTS
                                if round(float(p[k])) != 0]}
        plans = None
        if code in plans_by:
            by_year, source = plans_by[code]
            plans = {"rows": [(int(y), t.num(n), t.num(p), t.num(q)) for y, n, p, q in by_year],
                     "source": t.m["estimates"]["plans_from_national"]
                     if source == "ESTIMATE plans_from_national" else source_text(t, source)}
        gm = gm_geo[gm_geo["zk_code"] == code]
        numbers = {c: i for i, c in enumerate(sorted(
            gm["gm_code"], key=lambda c: by_name(gm_names.get(c, c))), start=1)}
        gm_map = None
        if len(gm):
            values = {c: gm_growth.get(c, np.nan) for c in gm["gm_code"]}
            titles = {c: f"{numbers[c]}. {gm_names.get(c, c)}: {t.signed(v)}%"
                      for c, v in values.items()}
            gm_map = svg.choropleth(gm, "gm_code", "gm-", values, gm_scale, titles,
                                    caption=t.t("map_85", first=first, last=last),
                                    labels=numbers, points=gm_points)
        gm_table = _gemeente_table(t, gm_wide[code], numbers, base, last) \
            if code in gm_wide else None
        b = g.loc[base]
        cap_est = str(b.get("capacity_source", "")).startswith("ESTIMATE")
        wait_est = str(b.get("waiting_source", "")).startswith("ESTIMATE")
        estimate_line = t.t("region_estimates_" + ("both" if cap_est and wait_est else
                                                   "capacity" if cap_est else "waiting"),
                            base=base) if cap_est or wait_est else None
        sections.append({
            "code": code, "name": name, "facts": facts, "estimate_line": estimate_line,
            "table": table(t, rows, cols, marks=marks),
            "marks_note": t.t("sign_marks", n=len(marks)) if marks else None,
            "forms_table": forms_table, "chart": chart,
            "drivers": drivers, "plans": plans, "gm_table": gm_table,
            "gm_map": gm_map, "gm_title": t.t("map_85", first=first, last=last),
            "gm_legend": gm_scale.legend(t["map_85_legend"], t.signed) if gm_map else None,
            "gm_count": int((zk_of == code).sum())})
    return sections


def _gemeente_wide(gm_need: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``zk_code -> `` the region's gemeenten wide (index ``gm_code, gm_name``; columns
    ``(need | persons_85plus | share, year)``) from ``ChainResult.gemeente_need``, pivoted
    once for all regions."""
    w = gm_need.pivot_table(index=["zk_code", "gm_code", "gm_name"], columns="year",
                            values=["need", "persons_85plus", "share"], aggfunc="sum")
    return {code: part.droplevel("zk_code") for code, part in w.groupby(level="zk_code")}


def _gemeente_table(t: Text, w: pd.DataFrame, numbers: dict, base: int,
                    last: int) -> dict | None:
    """Per gemeente of one region (``w``: its part of :func:`_gemeente_wide`; numbered as on
    its map, in name order): inhabitants 85+ and their growth, the places needed in the base
    year, 2030 and the last year, and the gemeente's share of the region's need
    (``ChainResult.gemeente_need``)."""
    present = set(w["need"].columns)
    years = [y for y in dict.fromkeys([base, 2030, last]) if y in present]
    rows = pd.DataFrame({"nr": [numbers.get(c, np.nan) for c, _ in w.index],
                         "gm_code": [c for c, _ in w.index], "gm_name": [n for _, n in w.index],
                         "p85_base": w[("persons_85plus", base)].to_numpy(),
                         "p85_last": w[("persons_85plus", last)].to_numpy()})
    rows["p85_growth"] = 100 * (rows["p85_last"] / rows["p85_base"] - 1)
    for y in years:
        rows[f"need_{y}"] = w[("need", y)].to_numpy()
    rows["share"] = w[("share", last)].to_numpy()
    rows = sort_by_name(rows, "gm_name")
    total = {k: rows[k].sum() for k in rows if k.startswith(("need_", "p85_b", "p85_l"))}
    total["p85_growth"] = 100 * (total["p85_last"] / total["p85_base"] - 1)
    total["share"] = rows["share"].sum()
    place = t.label("need").split(" [")[0]
    labels = {"nr": t["gm_number"], "gm_name": t.label("gm_name"),
              "p85_base": t.t("gm_85_head", year=base), "p85_last": t.t("gm_85_head", year=last),
              "p85_growth": t.t("growth_head", base=base, last=last),
              "share": t.t("gm_share_head", year=last),
              **{f"need_{y}": f"{place} {y}" for y in years}}
    kinds = {"nr": "year", "gm_name": "text", "p85_growth": "signedpct", "share": "pct"}
    tb = table(t, rows, [c for c in rows if c != "gm_code"], total=total, kinds=kinds,
               labels=labels, sortable=True, caption=t["gm_caption"])
    return tb


def _national_table(t: Text, national: pd.DataFrame, base: int, years, last: int) -> dict:
    """The national table: the base year, the step years and the last year, with the gap's
    bands (:func:`table`)."""
    nat = national[national["year"].isin([base, *years, last])].drop_duplicates("year")
    nat_cols = ["year", "clients_with_stay", "need", "capacity", "supply", "gap"]
    for lv in _bands(nat, "gap"):
        nat_cols += [f"gap_lo_{lv}", f"gap_hi_{lv}"]
    nat_cols += ["gap_all_forms", "growth_factor"]
    return table(t, nat, nat_cols)


def _regions_table(t: Text, gap: pd.DataFrame, demand: pd.DataFrame, years, focus: int,
                   base: int, last: int) -> dict:
    """The regions table, by name, the columns the key findings rank on first; a mark where
    the gap and the shortage probability point different ways (:func:`_sign_differs`)."""
    wide = gap.pivot(index="zk_code", columns="year", values="gap")
    need = gap.pivot(index="zk_code", columns="year", values="need")
    g_focus = gap[gap["year"] == focus].set_index("zk_code")
    d85 = demand[demand["year"] == focus].set_index("zk_code")["persons_85plus"]
    names = gap.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]
    order = sorted(need.index, key=lambda c: by_name(names[c]))
    reg = pd.DataFrame({"zk_code": order, "zk_name": names.reindex(order).to_numpy()})
    reg[f"gap_{focus}"] = wide.loc[order, focus].to_numpy()
    reg["gap_per_1000"] = (1000 * g_focus["gap"] / d85).reindex(order).to_numpy()
    if "p_short" in gap:
        reg["p_short"] = g_focus["p_short"].reindex(order).to_numpy()
    for y in years:
        if y != focus:
            reg[f"gap_{y}"] = wide.loc[order, y].to_numpy()
    reg[f"need_{base}"] = need.loc[order, base].to_numpy()
    reg[f"need_{last}"] = need.loc[order, last].to_numpy()
    reg["growth_pct"] = (100 * (need.loc[order, last] / need.loc[order, base] - 1)).to_numpy()
    reg["capacity"] = g_focus["capacity"].reindex(order).to_numpy()
    reg[f"plans_{focus}"] = g_focus["plans_expected"].reindex(order).to_numpy()
    short = {c: t.label(c).split(" [")[0] for c in ("need", "plans_expected", "gap")}
    labels = {f"need_{base}": f"{short['need']} {base}", f"need_{last}": f"{short['need']} {last}",
              f"plans_{focus}": f"{short['plans_expected']} {focus}",
              "capacity": t.label("capacity").split(" [")[0],
              "gap_per_1000": t.t("per_1000_head", year=focus),
              "p_short": f"{t.label('p_short').split(' [')[0]} {focus}",
              "growth_pct": t.t("growth_head", base=base, last=last),
              **{f"gap_{y}": f"{short['gap']} {y}" for y in years}}
    sums = {k: reg[k].sum() for k in reg.columns if k.startswith(("need_", "gap_2", "plans_"))
            or k == "capacity"}
    sums["growth_pct"] = 100 * (sums[f"need_{last}"] / sums[f"need_{base}"] - 1)
    sums["gap_per_1000"] = 1000 * g_focus["gap"].sum() / d85.sum()
    kinds = {"growth_pct": "signedpct", "gap_per_1000": "dec1",
             f"need_{base}": "num", f"need_{last}": "num", f"plans_{focus}": "num"}
    marks = {(i, "p_short") for i, r in enumerate(reg.itertuples())
             if "p_short" in reg and _sign_differs(getattr(r, f"gap_{focus}"), r.p_short)}
    regions_tbl = table(t, reg, [c for c in reg.columns if c != "zk_code"], total=sums,
                        kinds=kinds, links="zk_name", sortable=True, labels=labels,
                        caption=t["regions_caption"], marks=marks)
    regions_tbl["marks_note"] = t.t("sign_marks", n=len(marks)) if marks else None
    return regions_tbl


def _drivers_table(t: Text, parts: pd.DataFrame) -> dict:
    """What drives the change to the last year, per region (the decomposition's rows of
    that step, by name)."""
    extra = [c for c in ("regional_level",) if c in parts]  # informative, not a seventh part
    drv_cols = ["zk_name", "base", *PARTS, "need", *extra]
    drv_tot = {k: parts[k].sum() for k in ["base", *PARTS, "need", *extra]}
    return table(t, parts, drv_cols, total=drv_tot, links="zk_name", sortable=True,
                 caption=t["drivers_caption"])


def page_context(result, lang: str = "nl") -> dict:
    """Everything the template shows, as formatted text (see the module docstring)."""
    from zorgcap import regions

    t = Text(lang)
    c = result.config
    gap, demand = result.gap, result.demand
    last = int(demand["year"].max())
    base = int(demand["year"].min())
    years = [y for y in STEP_YEARS if y <= last]
    focus = 2030 if 2030 <= last else last
    geo = regions.region_geometry(2025, crs=regions.RD_NEW, data=c.data)
    gm_geo = regions.gemeente_geometry(2025, crs=regions.RD_NEW, data=c.data)
    gm_geo = gm_geo[gm_geo["zk_code"].isin(set(gap["zk_code"]))]
    gm_names = regions.gemeenten(2025, c.data).set_index("gm_code")["gm_name"].to_dict()
    prov = result.provenance
    p = prov.get("parameters", {})

    regions_tbl = _regions_table(t, gap, demand, years, focus, base, last)
    parts = sort_by_name(result.decomposition[result.decomposition["year_to"] == last])
    drivers_tbl = _drivers_table(t, parts)
    checks = result.checks.drop(columns=["method", "note"], errors="ignore")
    params = result.parameters or {}
    band_label = params.get("band_label") if isinstance(params, dict) else None
    intensity = getattr(result, "regional_intensity", None)
    assumptions = assumption_items(t, result.assumptions)  # name and text in t's language
    inputs = inputs_frame(t, result)
    about = _about(t, result)
    ctx = {
        "t": t, "m": t.m, "lang": lang, "title": t["title"], "about": about,
        "meta": t.t("meta", scenario=c.scenario, draws=c.draws, seed=c.seed,
                    version=prov.get("zorgcap_version", "?"),
                    date=t.date(prov.get("run_at", ""))),
        "headline": _headline(t, result, years, focus),
        "unusual": _unusual(t, result),
        "shapes": svg.shapes(geo, "zk_code", "zk-", 500) + svg.shapes(gm_geo, "gm_code",
                                                                        "gm-", 120),
        "maps": _maps(t, result, geo, years, focus),
        "national": _national_table(t, result.national, base, years, last),
        "regions": regions_tbl, "drivers": drivers_tbl,
        "drivers_note": t.t("drivers_note", base=int(parts["year_from"].min())
                            if len(parts) else base, year=last),
        "sections": _region_sections(t, result, gm_geo, gm_names, years, focus),
        "references": _references_table(t, result),
        **_ambition_and_staff(t, result),
        "explanation": _explanation(t, result),
        "checks": table(t, checks),
        "checks_notes": [run_text(t, n, result.texts)
                         for n in result.checks["note"].dropna().unique()]
        if "note" in result.checks else [],
        "band_label": run_text(t, band_label),
        "waiting": table(t, result.waiting_forecast.drop(columns=["method"], errors="ignore")),
        "waiting_method": run_text(t, str(result.waiting_forecast["method"].iloc[0]),
                                   result.texts)
        if len(result.waiting_forecast) else "",
        "backtest": table(t, result.backtest.drop(columns=["method"], errors="ignore"),
                          sheet=t.m["sheets"]["backtest"]),
        "intensity": table(t, intensity.drop(columns=["source"], errors="ignore"),
                           sortable=True, links="zk_name") if intensity is not None else None,
        "intensity_source": "; ".join(str(run_text(t, x, result.texts))
                                      for x in intensity["source"].dropna().unique())
        if intensity is not None and "source" in intensity else "",
        "assumptions": assumptions,
        "inputs": table(t, inputs, labels={"origin": t.label("origin", "inputs")})
        if len(inputs) else None,
        "scenario_description": _sentence(run_text(t, p.get("description", ""))),
        "reference_description": run_text(t, p.get("reference_description", "")),
        **_progress(t, result),  # issue 31: "Voortgang" and the intramural cap
    }
    return ctx


def _progress(t: Text, result) -> dict:
    """The section "Voortgang" and the intramural-cap lines (:mod:`zorgcap.reports.progress`);
    empty for a result without a plans monitor (an older or hand-made result)."""
    from .progress import progress_context

    if not hasattr(result, "plan_monitor"):
        return {"progress": None, "cap_lines": {}}
    return progress_context(t, result, table)


#: Columns whose code values are words of a catalogue table (``[<lang>.<table>]``).
_WORDS = {"binding_limit": "limits", "last_limit": "limits", "workforce": "workforce_names",
          "forms": "forms_names", "target": "target_names", "model": "model_names",
          "method": "method_names", "state": "input_states"}
#: Columns that name where a figure comes from (a planner file, an estimate or none).
SOURCE_COLUMNS = ("capacity_source", "plans_source", "waiting_source", "fte_source",
                  "clustered_source")


def words(frame: pd.DataFrame, t: Text) -> pd.DataFrame:
    """Code values shown as words of the report's language (binding limit, workforce
    scenario, delivery forms, target, trend model, the sources and the reference): the page
    and the workbook say the same."""
    out = frame
    for col in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[col]):
            continue
        key = _WORDS.get(col) or ("limits" if col.startswith("binding_limit_") else None)
        if key:
            out = out.assign(**{col: _each_once(frame[col], lambda v, k=key: t.word(k, v))})
        elif col in SOURCE_COLUMNS:
            out = out.assign(**{col: _each_once(frame[col], lambda v: source_text(t, v))})
        elif col == "reference":
            out = out.assign(**{col: _each_once(frame[col], lambda v: reference_word(t, v))})
    return out


def _each_once(column: pd.Series, word) -> pd.Series:
    """``column`` with ``word`` applied once per distinct value (a column of 31 x 18 rows
    holds a few distinct codes)."""
    distinct = column.drop_duplicates()
    return column.map(dict(zip(distinct, distinct.map(word), strict=True)))


def source_text(t: Text, value):
    """A ``*_source`` value of the frames in ``t``'s language: ``ESTIMATE <assumption>``
    (named by the assumption's short name), ``none``, ``file <path>`` or ``planner file
    <path>`` (with ``, inventory <vintage>`` for a plans file with vintages), ``DataFrame``
    (:mod:`zorgcap.forecast.supply`, :mod:`zorgcap.forecast.staff`). A planner's own text
    passes unchanged, and so does everything in English."""
    texts = t.m.get("sources")
    if not texts or not isinstance(value, str):
        return value
    if value.startswith("ESTIMATE "):
        key = value.removeprefix("ESTIMATE ").strip()
        return texts["estimate"].format(name=t.word("assumption_names", key))
    if value in ("none", "DataFrame"):
        return texts["none" if value == "none" else "dataframe"]
    head, sep, vintage = value.partition(", inventory ")
    for prefix, key in (("planner file ", "planner_file"), ("file ", "file")):
        if head.startswith(prefix):
            head = texts[key].format(path=head.removeprefix(prefix))
            break
    return head + (texts["inventory"].format(vintage=vintage) if sep else "")


def reference_word(t: Text, reference):
    """The ``reference`` option (``model``, ``tno2019``, ``ratio80:110``, ...) as a word of
    ``t``'s language (``[<lang>.reference_kinds]``); unknown values pass."""
    kinds = t.m.get("reference_kinds", {})
    if not isinstance(reference, str):
        return reference
    kind, sep, ratio = reference.partition(":")
    if sep and kind.startswith("ratio") and "ratio" in kinds:
        try:
            value = t.num(float(ratio), 0 if float(ratio).is_integer() else 1)
        except ValueError:
            return reference
        return kinds["ratio"].format(ratio=value, age=kind.removeprefix("ratio"))
    return kinds.get(reference, reference)


def reference_text(t: Text, reference: str, english: str) -> str:
    """What the run's ``reference`` compares against, in ``t``'s language: the model's need,
    a planning ratio, or the national figures of a target with their own base year and
    forms (:mod:`zorgcap.forecast.references`); ``english`` is the run's own description
    (``parameters["reference_description"]``), kept for English and unknown references."""
    from zorgcap.forecast import references

    if t.lang == "en":
        return english
    kind = reference.partition(":")[0]
    if kind == "model":
        return run_text(t, english)
    if kind.startswith("ratio"):
        return reference_word(t, reference)
    keys = references.REFERENCES.get(kind)
    if not keys:
        return run_text(t, english)
    own = references.bases().loc[keys[0]]
    names = "; ".join(t.word("reference_names", k) for k in keys)
    return t.m["reference_kinds"]["counted"].format(
        names=names, base_year=int(own["base_year"]),
        forms=t.word("forms_names", str(own["forms"])))


def inputs_frame(t: Text, result) -> pd.DataFrame:
    """The input tables of the run's provenance (one row per manifest table) with their
    state, where each was found and a title in ``t``'s language (``[<lang>.input_states]``,
    ``input_origins``, ``input_titles``; the manifest's own title elsewhere): the page, the
    sheet of the input files and the sheet about the run show the same."""
    inputs = pd.DataFrame(result.provenance.get("inputs", []))
    if not len(inputs):
        return inputs
    out = inputs.assign(**{"origin": inputs["origin"].map(lambda v: t.word("input_origins", v))}
                        if "origin" in inputs else {})
    if "title" in out:
        titles = t.m.get("input_titles", {})
        out["title"] = [titles.get(k, v) for k, v in zip(out["key"], out["title"], strict=True)]
    return words(out, t)


def _references_table(t: Text, result) -> dict:
    """The published figures next to zorgcap's, named and defined in the report's language."""
    return table(t, references_frame(t, result))


def references_frame(t: Text, result) -> pd.DataFrame:
    """``result.references`` with names, forms and definitions in the report's language
    (the page and the workbook show the same)."""
    refs = result.references
    if "key" not in refs:  # a result of an older version: as it is
        return refs
    base = int(result.gap["year"].min())
    last = int(result.gap["year"].max())

    def definition(r) -> str:  # r.forms in words already
        forms = r.forms
        if pd.isna(r.zorgcap):
            return t.t("ref_def_outside", start=base, last=last)
        if r.key == "zn_plans_2021_2025":
            return t.t("ref_def_plans", forms=forms, start=base, base=r.base_year,
                       year=r.year)
        return t.t("ref_def_need", forms=forms, year=r.year, base=r.base_year,
                   in_use=t.num(r.base_in_use))

    shown = words(refs, t)
    shown = shown.assign(
        reference=refs["key"].map(lambda k: t.m["reference_names"].get(k, k)),
        zorgcap_definition=[definition(r) for r in shown.itertuples()])
    return shown[["reference", "year", "base_year", "forms", "published", "zorgcap",
                  "zorgcap_definition"]]


def _sentence(text: str) -> str:
    """``text`` with a capital first letter (it follows a full stop on the page)."""
    return text[:1].upper() + text[1:]


def _explanation(t: Text, result) -> str:
    """Why the 2025 gap differs from TNO's and the ambition's figures, in the report's
    language (from the run's figures; the run's own English text where they are absent)."""
    f = (result.parameters or {}).get("explanation_figures")
    if not f:
        return result.explanation
    n = {k: t.num(v) if isinstance(v, float) else v for k, v in f.items()}
    lines = [t.m["explanation"]["intro"].format(**n), t.m["explanation"]["base"].format(**n),
             t.m["explanation"]["waiting"].format(**n)]
    if f.get("gap_2025_total_waiting") is not None:
        lines.append(t.m["explanation"]["waiting_total"].format(**n))
    lines.append(t.m["explanation"]["plans"].format(**n))
    return "\n".join(lines)


def _ambition_and_staff(t: Text, result) -> dict:
    """The ambition in all delivery forms, the other targets, and which limit binds."""
    out = {"ambition": None, "targets": None, "staff": None, "staff_lines": []}
    amb = getattr(result, "ambition", None)
    if amb is not None and "counted_2021_2025" in amb:
        cols = ["zk_name", "ambition_share", "realised_2021_base", "expected_base_2025",
                "counted_2021_2025", "counted_minus_share", "gap_all_forms_2025"]
        total = {c: amb[c].sum() for c in cols[1:]}
        out["ambition"] = table(t, amb, cols, total=total, links="zk_name", sortable=True,
                                kinds={"counted_minus_share": "num"})
    tg = getattr(result, "targets", None)
    if tg is not None and len(tg):
        nat = tg.groupby(["target", "year", "base_year", "forms"], sort=False)[
            ["target_share", "realised_to_base", "expected_to_year", "counted"]].sum() \
            .reset_index()
        out["targets"] = table(t, words(nat, t))
    st = getattr(result, "staff", None)
    if st is not None and len(st):
        names = t.m["workforce_names"]
        wide = None
        for w, f in st.groupby("workforce", sort=False):
            part = words(f.set_index(["zk_code", "zk_name"])[
                ["first_short", "first_staff", "last_limit"]], t)
            part.columns = [f"{c}|{w}" for c in part.columns]
            wide = part if wide is None else wide.join(part)
            first = f["first_staff"].dropna()
            one = "_one" if len(f) == 1 else ""  # "1 van de 1 regio's" reads wrong
            out["staff_lines"].append(
                t.t("staff_line" + one, scenario=names.get(w, w), n=len(first), total=len(f),
                    year=str(int(first.min()))) if len(first)
                else t.t("staff_line_never" + one, scenario=names.get(w, w), total=len(f)))
        wide = wide.reset_index()
        labels = {c: f"{t.label(c.split('|')[0]).split(' [')[0]}: "
                     f"{names.get(c.split('|')[1], c.split('|')[1])}"
                  for c in wide.columns if "|" in c}
        kinds = {c: "year" if not c.startswith("last_limit") else "text"
                 for c in wide.columns if "|" in c}
        out["staff"] = table(t, wide, [c for c in wide.columns if c != "zk_code"],
                             labels=labels, kinds=kinds, links="zk_name", sortable=True)
    return out


def _about(t: Text, result) -> list[tuple[str, str]]:
    """The run in a few lines (also the Excel sheet 'Over deze berekening')."""
    c, prov = result.config, result.provenance
    p = prov.get("parameters", {})
    a = t.m["about"]
    rows = [(a["scenario"], c.scenario),
            (a["description"], str(run_text(t, p.get("description", "")))),
            (a["to"], str(c.to)), (a["draws"], t.num(c.draws)), (a["seed"], str(c.seed)),
            (a["levels"], ", ".join(str(x) for x in c.level)),
            (a["reference"], reference_text(t, str(c.reference),
                                            p.get("reference_description", c.reference)))]
    for key in ("capacity", "plans", "status_file", "waiting_file", "workforce_file",
                "staff_ratios", "calibrate"):
        value = getattr(c, key, None)
        missing = a["none"] if key in ("capacity", "plans", "waiting_file", "workforce_file") \
            else a["not_given"]
        rows.append((a[key], portable_path(value) if value else missing))
    workforce = getattr(c, "workforce", None)
    if workforce:
        rows.append((a["workforce"], t.m["workforce_names"].get(workforce, workforce)))
    if "fte_per_place" in p:
        rows.append((a["fte_per_place"], t.num(float(p["fte_per_place"]), 2)))
    if "clustered_share" in p:
        rows.append((a["clustered_share"], t.pct(float(p["clustered_share"]))))
    commit = prov.get("git_commit")
    rows += [(a["version"], str(prov.get("zorgcap_version", ""))
              + (f" (git {commit[:12]}{'+' if prov.get('git_dirty') else ''})"
                 if commit else "")),
             (a["run_at"], t.date(prov.get("run_at", "")) + " ("
              + str(prov.get("run_at", "")) + ")")]
    return rows


def render_html(result, lang: str = "nl") -> str:
    """The report of ``result`` as one HTML string in ``lang`` (``nl`` or ``en``)."""
    return _env().get_template("report.html.j2").render(**page_context(result, lang))
