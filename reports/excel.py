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
from zorgcap.forecast.decomposition import PARTS
from zorgcap.forecast.schema import STEP_YEARS

from .assumptions import assumption_items, run_text
from .html import inputs_frame, references_frame, words
from .text import Text, sort_by_name

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


#: Sheets with one row per region (per gemeente), and the columns that group their rows
#: (one total row per group, e.g. per target): each gets national total rows.
_TOTALS = {"regions": (), "ambition": (), "targets": ("target",), "staff": ("workforce",),
           "intramural_cap": ("year",),
           "decomposition": ("year_to",), "intensity": (), "gemeenten": ()}


def _sheets(result, t: Text) -> dict[str, pd.DataFrame]:
    s = t.m["sheets"]
    nat = result.national
    demography = getattr(result, "national_demography", None)
    gm = _gemeenten(result)
    sheets = {
        s["summary"]: nat,
        **({s["demography"]: demography} if demography is not None else {}),
        s["regions"]: _regions(result),
        s["gap"]: sort_by_name(result.gap, groups=("year",)),
        s["demand"]: sort_by_name(result.demand, groups=("year",)),
        s["decomposition"]: sort_by_name(result.decomposition[
            ["zk_code", "zk_name", "year_from", "year_to", "base",
             *[c for c in ("base_in_use", "base_waiting") if c in result.decomposition],
             *PARTS, "total", "need",
             *[c for c in ("regional_level",) if c in result.decomposition]]],
            groups=("year_to",)),
        s["ambition"]: sort_by_name(result.ambition),
        **({s["targets"]: sort_by_name(result.targets, groups=("target",))}
           if getattr(result, "targets", None) is not None else {}),
        **({s["intramural_cap"]: sort_by_name(result.intramural_cap, groups=("year",))}
           if len(getattr(result, "intramural_cap", ())) else {}),  # issue 31
        **({s["staff"]: sort_by_name(result.staff, groups=("workforce",))}
           if getattr(result, "staff", None) is not None else {}),
        **({s["gemeenten"]: gm} if gm is not None else {}),
        s["references"]: references_frame(t, result),
        s["checks"]: _run_texts(result.checks, t, "note", result.texts),
        s["waiting"]: _run_texts(result.waiting_forecast, t, "method", result.texts),
        s["backtest"]: result.backtest,
        s["assumptions"]: pd.DataFrame(assumption_items(t, result.assumptions),
                                       columns=["key", "name", "text"]).set_axis(
            ["key", "assumption", "value"], axis=1),
        s["inputs"]: inputs_frame(t, result),
    }
    intensity = getattr(result, "regional_intensity", None)
    if intensity is None:
        intensity = result.regional_factors
    if intensity is not None:
        sheets[s["intensity"]] = sort_by_name(_run_texts(intensity, t, "source", result.texts))
    return sheets


def _gemeenten(result) -> pd.DataFrame | None:
    """One row per gemeente (``ChainResult.gemeente_need``), by region and name: inhabitants
    85+ in the base and the last year and their growth, the places needed in the base year,
    2030 and the last year, and the share of the region's need in the last year."""
    gm = getattr(result, "gemeente_need", None)
    if gm is None or not len(gm):
        return None
    base, last = int(gm["year"].min()), int(gm["year"].max())
    years = [y for y in dict.fromkeys([base, 2030, last]) if y in set(gm["year"])]
    keys = ["gm_code", "gm_name", "zk_code", "zk_name"]
    w = gm.pivot_table(index=keys, columns="year", values=["persons_85plus", "need", "share"],
                       aggfunc="sum").reset_index()
    out = pd.DataFrame({k: w[(k, "")] for k in keys})
    out[f"persons_85plus_{base}"] = w[("persons_85plus", base)]
    out[f"persons_85plus_{last}"] = w[("persons_85plus", last)]
    out["growth_85plus_pct"] = 100 * (out[f"persons_85plus_{last}"]
                                      / out[f"persons_85plus_{base}"] - 1)
    for y in years:
        out[f"need_{y}"] = w[("need", y)]
    out[f"share_{last}"] = w[("share", last)]
    region_order = sorted(dict.fromkeys(out["zk_name"]), key=lambda n: _name_key(n))
    out["_r"] = out["zk_name"].map({n: i for i, n in enumerate(region_order)})
    out = sort_by_name(out.sort_values("_r", kind="stable"), "gm_name", groups=("_r",))
    return out.drop(columns="_r").reset_index(drop=True)


def _name_key(name):
    from .text import by_name

    return by_name(name)


def _run_texts(frame: pd.DataFrame, t: Text, column: str, texts: dict) -> pd.DataFrame:
    """``frame`` with the English texts of ``column`` in ``t``'s language (run_text;
    ``texts``: :attr:`ChainResult.texts`, the records by their English text)."""
    if column not in frame or t.lang == "en":
        return frame
    return frame.assign(**{column: frame[column].map(lambda v: run_text(t, v, texts))})


def _regions(result) -> pd.DataFrame:
    """One row per region: need, capacity, plans and the gap in each step year."""
    gap = result.gap
    last = int(gap["year"].max())
    base = int(gap["year"].min())  # the base-year need: the figure the drivers start from
    years = [base, *[y for y in STEP_YEARS if base < y <= last]]
    out = sort_by_name(gap[gap["year"] == last][["zk_code", "zk_name", "capacity"]]) \
        .reset_index(drop=True)
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


def _label(t: Text, col: str, sheet: str | None = None) -> str:
    """The column's label on ``sheet`` (a key of ``[<lang>.sheets]``); a shortage column says
    the sign convention (tekort (+) / overschot (−)) in its name, as the page says it in
    each table's caption."""
    label = None
    for prefix in ("need_", "gap_all_forms_", "binding_limit_", "gap_", "p_short_",
                   "persons_85plus_", "share_"):
        rest = col[len(prefix):]
        if col.startswith(prefix) and rest.isdigit():
            base = t.label(prefix[:-1])
            name, _, unit = base.partition(" [")
            label = f"{name} {rest}" + (f" [{unit}" if unit else "")
            break
    label = label or t.label(col, sheet)
    word = t["shortage"]
    if col.startswith(("gap", "reference_gap", "fte_gap")) and label.startswith(word):
        label = t["shortage_signed"] + label[len(word):]
    return label


def _format_of(col: str, series: pd.Series) -> str:
    if col.startswith(("p_short", "p_closed", "share_")) or col == "share":
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
         "total": book.add_format({"bold": True, "num_format": "#,##0", "top": 1}),
         "total_year": book.add_format({"bold": True, "num_format": "0", "top": 1})}
    about_name, cols_name = t["excel_about"], t["excel_columns"]
    _about_sheet(book, about_name, result, t, f)
    dictionary = []
    sheet_keys = {v: k for k, v in t.m["sheets"].items()}
    for name, frame in sheets.items():
        ws = book.add_worksheet(name[:31])
        frame = frame.reset_index(drop=True)
        for j, col in enumerate(frame.columns):
            label = _label(t, col, sheet_keys.get(name))
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
        key = sheet_keys.get(name)
        if key in _TOTALS and len(frame):
            _total_rows(ws, frame, t, f, _TOTALS[key])
        ws.set_row(0, 45)
        ws.freeze_panes(1, 0)
        if len(frame.columns):
            ws.autofilter(0, 0, max(len(frame), 1), len(frame.columns) - 1)
    ws = book.add_worksheet(cols_name)
    head = [t.label("column"), t["excel_sheet"], t.label("label"), t.label("description")]
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


def _additive(col: str, series: pd.Series) -> bool:
    """Whether a column adds up over regions: places, persons and fte (not shares,
    probabilities, ratios, years or counts of years)."""
    return (_format_of(col, series) == "int" and not col.startswith("years_")
            and not col.endswith("_pct"))


def _total_rows(ws, frame: pd.DataFrame, t: Text, f, groups=()) -> None:
    """Bold national totals below a sheet with one row per region (or gemeente), after one
    empty row and outside the filter range: one per group of ``groups`` (e.g. per target),
    whose rows are contiguous. SUM formulas with their values for places, persons and fte;
    MIN for years (the first year of any region); shares, ratios and probabilities stay
    empty (they do not add up)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    label_col = next((frame.columns.get_loc(c) for c in ("gm_name", "zk_name")
                      if c in frame), 0)
    if groups:
        parts = list(frame.groupby(list(groups), sort=False).indices.items())
    else:
        parts = [((), np.arange(len(frame)))]
    row = len(frame) + 2
    for key, idx in parts:
        key = key if isinstance(key, tuple) else (key,)
        words_ = [str(v) for v in key]
        ws.write(row, label_col, " ".join([t["total"], *words_]), f["bold"])
        first, last = int(idx.min()) + 1, int(idx.max()) + 1
        contiguous = last - first + 1 == len(idx)
        for j, col in enumerate(frame.columns):
            kind = _format_of(col, frame[col])
            fn = "SUM" if _additive(col, frame[col]) else "MIN" if kind == "year" else None
            if fn is None or col in groups or j == label_col:
                continue
            values = pd.to_numeric(frame[col].iloc[idx], errors="coerce").dropna()
            if not len(values):
                continue
            value = float(values.sum() if fn == "SUM" else values.min())
            fmt = f["total"] if fn == "SUM" else f["total_year"]
            if contiguous:
                cells = f"{xl_rowcol_to_cell(first, j)}:{xl_rowcol_to_cell(last, j)}"
                ws.write_formula(row, j, f"={fn}({cells})", fmt, value)
            else:
                ws.write_number(row, j, value, fmt)
        row += 1


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
    for rec in inputs_frame(t, result).to_dict("records"):
        i += 1
        ws.write_row(i, 0, ["" if pd.isna(rec.get(k)) else str(rec[k])
                            for k in ("key", "title", "cbs_id", "origin", "path", "sha256")])
    i += 2
    ws.write(i, 0, t["assumptions"], f["bold"])
    for item in assumption_items(t, result.assumptions):
        i += 1
        ws.write_row(i, 0, [item["name"], item["text"]])
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 70)
    ws.set_column(2, 4, 24)
    ws.freeze_panes(1, 0)
