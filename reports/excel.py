"""The Excel workbook of a run, formatted for planners (xlsxwriter).

Every sheet has a bold, frozen header of human labels with units, an autofilter, column
widths that fit, and number formats (whole places and persons with a thousands separator,
probabilities as percentages); Excel shows the separators of the reader's own locale. The
sheet "Over deze berekening" ("About this run") describes the run: scenario, seed, draws,
every input file with its SHA-256, the planner files used, the version and the date; the
sheet "Kolommen" ("Columns") says what each column means, with its unit
(:mod:`zorgcap.forecast.schema`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from zorgcap.forecast import schema
from zorgcap.forecast.decompose import PARTS
from zorgcap.forecast.schema import STEP_YEARS

from .assumptions import assumption_items, run_text
from .html import references_frame, words
from .text import Text

__all__ = ["write_workbook"]

_DESCRIPTIONS = {}
# the per-region gap first: a column it shares with the national table is described per region
for _cols in (schema.GAP_COLUMNS, *schema.FRAMES.values()):
    for _k, _v in _cols.items():
        _DESCRIPTIONS.setdefault(_k, _v)


def _described(t: Text, col: str, sheet: str | None) -> str | None:
    """The catalogue's description of ``col`` on ``sheet`` (a key of ``[<lang>.sheets]``);
    English falls back to :mod:`zorgcap.forecast.schema`."""
    own = t.m.get("sheet_descriptions", {}).get(sheet, {}).get(col) \
        or t.m.get("descriptions", {}).get(col)
    if own is None and t.lang == "en":
        own = _DESCRIPTIONS.get(col)
    return own


def _description(col: str, t: Text | None = None, sheet: str | None = None) -> str:
    """What ``col`` means on ``sheet``, with its unit, in ``t``'s language (default
    English); per-year columns (``gap_all_forms_2030``) and band columns (``gap_lo_80``)
    from their base column. Empty where the catalogue has no description."""
    t = t or Text("en")
    own = _described(t, col, sheet)
    if own:
        return own
    base, _, year = col.rpartition("_")
    base_text = _described(t, base, sheet) if year.isdigit() else None
    if base_text:  # the regions sheet: gap_all_forms_2030
        text, bracket, unit = base_text.rpartition(" [")
        if not bracket:
            text, unit = base_text, ""
        return t["description_year"].format(description=text, year=year) \
            + (f" [{unit}" if unit else "")
    for side in ("lo", "hi"):
        base, sep, level = col.rpartition(f"_{side}_")
        if sep and level.isdigit() and _described(t, base, sheet):
            name, _, unit = t.label(base).partition(" [")
            quantile = 50 - int(level) / 2 if side == "lo" else 50 + int(level) / 2
            return t["description_band"].format(
                side=t[f"description_{side}"], level=level, name=name,
                quantile=t.num(quantile, 0 if quantile == int(quantile) else 1),
                unit=unit.rstrip("]") or "-")
    return ""


def _sheets(result, t: Text) -> dict[str, pd.DataFrame]:
    s = t.m["sheets"]
    nat = result.national
    sheets = {
        s["summary"]: nat,
        s["regions"]: _regions(result),
        s["gap"]: result.gap,
        s["demand"]: result.demand,
        s["decomposition"]: result.decomposition[
            ["zk_code", "zk_name", "year_from", "year_to", "base",
             *[c for c in ("base_in_use", "base_waiting") if c in result.decomposition],
             *PARTS, "total", "need",
             *[c for c in ("regional_level",) if c in result.decomposition]]],
        s["ambition"]: result.ambition,
        **({s["targets"]: result.targets} if getattr(result, "targets", None) is not None
           else {}),
        **({s["staff"]: result.staff} if getattr(result, "staff", None) is not None else {}),
        s["references"]: references_frame(t, result),
        s["checks"]: _run_texts(result.checks, t, "note"),
        s["waiting"]: result.waiting_forecast,
        s["backtest"]: result.backtest,
        s["assumptions"]: pd.DataFrame(assumption_items(t, result.assumptions),
                                       columns=["key", "name", "text"]).set_axis(
            ["key", "assumption", "value"], axis=1),
        s["inputs"]: pd.DataFrame(result.provenance.get("inputs", [])),
    }
    intensity = getattr(result, "regional_intensity", None)
    if intensity is None:
        intensity = result.regional_factors
    if intensity is not None:
        sheets[s["intensity"]] = _run_texts(intensity, t, "source")
    return sheets


def _run_texts(frame: pd.DataFrame, t: Text, column: str) -> pd.DataFrame:
    """``frame`` with the English texts of ``column`` in ``t``'s language (run_text)."""
    if column not in frame or t.lang == "en":
        return frame
    return frame.assign(**{column: frame[column].map(lambda v: run_text(t, v))})


def _regions(result) -> pd.DataFrame:
    """One row per region: need, capacity, plans and the gap in each step year."""
    gap = result.gap
    last = int(gap["year"].max())
    base = int(gap["year"].min())  # the base-year need: the figure the drivers start from
    years = [base, *[y for y in STEP_YEARS if base < y <= last]]
    out = gap[gap["year"] == last][["zk_code", "zk_name", "capacity"]].reset_index(drop=True)
    for y in years:
        g = gap[gap["year"] == y].set_index("zk_code")
        out[f"need_{y}"] = out["zk_code"].map(g["need"])
        out[f"gap_{y}"] = out["zk_code"].map(g["gap"])
        if "p_short" in g:
            out[f"p_short_{y}"] = out["zk_code"].map(g["p_short"])
        if "gap_all_forms" in g:
            out[f"gap_all_forms_{y}"] = out["zk_code"].map(g["gap_all_forms"])
        if "binding_limit" in g:
            out[f"binding_limit_{y}"] = out["zk_code"].map(g["binding_limit"])
    return out


def _label(t: Text, col: str) -> str:
    for prefix in ("need_", "gap_all_forms_", "binding_limit_", "gap_", "p_short_"):
        rest = col[len(prefix):]
        if col.startswith(prefix) and rest.isdigit():
            base = t.label(prefix[:-1])
            name, _, unit = base.partition(" [")
            return f"{name} {rest}" + (f" [{unit}" if unit else "")
    return t.label(col)


def _format_of(col: str, series: pd.Series) -> str:
    if col.startswith(("p_short", "p_closed")):
        return "pct"
    if col in ("year", "year_from", "year_to", "target_year", "origin", "horizon",
               "base_year", "first_short", "first_building", "first_staff"):
        return "year"
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return "text"
    if col in ("growth_factor", "factor", "oosr", "error_pct", "level", "ratio", "log_sd",
               "shrinkage") or col.startswith("factor"):
        return "dec2"  # ratios, SDs, weights: "#,##0" would show 0.07 as 0
    if col == "capacity_share_2014":
        return "pct1"
    return "int"


def write_workbook(result, path, lang: str = "nl") -> dict[str, pd.DataFrame]:
    """Write the workbook of ``result`` to ``path``; returns the sheets (name -> frame)."""
    import xlsxwriter

    t = Text(lang)
    sheets = {name: words(frame, t) for name, frame in _sheets(result, t).items()}
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True, "strings_to_urls": False,
                                           "strings_to_formulas": False})
    f = {"head": book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                  "bg_color": "#F2F2F2", "bottom": 1}),
         "int": book.add_format({"num_format": "#,##0"}),
         "dec2": book.add_format({"num_format": "#,##0.00"}),
         "pct": book.add_format({"num_format": "0%"}),
         "pct1": book.add_format({"num_format": "0.0%"}),
         "year": book.add_format({"num_format": "0"}),
         "text": book.add_format({}),
         "bold": book.add_format({"bold": True}),
         "total": book.add_format({"bold": True, "num_format": "#,##0", "top": 1})}
    about_name, cols_name = t["excel_about"], t["excel_columns"]
    _about_sheet(book, about_name, result, t, f)
    dictionary = []
    sheet_keys = {v: k for k, v in t.m["sheets"].items()}
    for name, frame in sheets.items():
        ws = book.add_worksheet(name[:31])
        frame = frame.reset_index(drop=True)
        for j, col in enumerate(frame.columns):
            label = _label(t, col)
            dictionary.append((name, col, label, _description(col, t, sheet_keys.get(name))))
            kind = _format_of(col, frame[col])
            ws.write(0, j, label, f["head"])
            values = frame[col].tolist()
            for i, v in enumerate(values, start=1):
                if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
                    ws.write_blank(i, j, None)
                elif kind == "text" or isinstance(v, (str, bool, np.bool_)):
                    ws.write(i, j, str(v) if not isinstance(v, (bool, np.bool_)) else bool(v))
                else:
                    v = float(v)
                    if kind == "int" and -0.5 < v < 0:
                        v = 0.0  # no "-0"
                    ws.write_number(i, j, v, f[kind])
            width = max([len(label) * 0.55 + 2] + [len(str(x)) + 2 for x in values[:200]])
            ws.set_column(j, j, min(max(width, 8), 50))
        if name == t.m["sheets"]["regions"] and len(frame):
            _total_row(ws, frame, t, f)
        ws.set_row(0, 45)
        ws.freeze_panes(1, 0)
        if len(frame.columns):
            ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    ws = book.add_worksheet(cols_name)
    head = [t.label("column"), "", t.label("label"), t.label("description")]
    head[1] = "sheet" if lang == "en" else "blad"
    for j, h in enumerate(head):
        ws.write(0, j, h, f["head"])
    for i, (sheet, col, label, desc) in enumerate(dictionary, start=1):
        ws.write_row(i, 0, [col, sheet, label, desc])
    for j, w in enumerate((24, 22, 40, 90)):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(dictionary), 1), 3)
    book.close()
    return sheets


def _total_row(ws, frame: pd.DataFrame, t: Text, f) -> None:
    """A bold total below the regions (after one empty row, outside the filter range): SUM
    formulas with their values, for places; probabilities do not add up and stay empty."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    row = len(frame) + 2
    ws.write(row, 1 if "zk_name" in frame else 0, t["total"], f["bold"])
    for j, col in enumerate(frame.columns):
        if col == "capacity" or col.startswith(("need_", "gap_")):
            cells = f"{xl_rowcol_to_cell(1, j)}:{xl_rowcol_to_cell(len(frame), j)}"
            ws.write_formula(row, j, f"=SUM({cells})", f["total"],
                             float(frame[col].sum()))


def _about_sheet(book, name, result, t: Text, f) -> None:
    from .html import _about

    ws = book.add_worksheet(name)
    ws.write(0, 0, t["excel_about"], f["head"])
    ws.write(0, 1, "", f["head"])
    rows = _about(t, result)
    for i, (k, v) in enumerate(rows, start=1):
        ws.write(i, 0, k, f["bold"])
        ws.write(i, 1, run_text(t, v))
    i = len(rows) + 2
    ws.write(i, 0, t["provenance_inputs"], f["bold"])
    i += 1
    ws.write_row(i, 0, t.m["about"]["inputs_head"], f["head"])
    for rec in result.provenance.get("inputs", []):
        i += 1
        ws.write_row(i, 0, [str(rec.get("key", "")), str(rec.get("title", "")),
                            str(rec.get("cbs_id", "")), str(rec.get("origin", "")),
                            str(rec.get("path", "")), str(rec.get("sha256", ""))])
    i += 2
    ws.write(i, 0, t["assumptions"], f["bold"])
    for item in assumption_items(t, result.assumptions):
        i += 1
        ws.write_row(i, 0, [item["name"], item["text"]])
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 4, 24)
    ws.freeze_panes(1, 0)
