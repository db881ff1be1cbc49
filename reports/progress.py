"""The report's section "Voortgang" (progress, issue 31) and the intramural cap.

Progress: per region whose plans file holds several inventories (``vintage``), the places
planned per year by each inventory against the places realised
(:attr:`zorgcap.forecast.ChainResult.plan_monitor`, :mod:`zorgcap.forecast.monitor`), as
inline SVG charts (:func:`zorgcap.reports.svg.line_chart`), and the realisation per status
the gap used (learned or default). Nationally the sum of the inventories that list all 31
regions, else the national history shipped in ``data_raw/plan_history_national.csv`` (the ZN
monitors' intramural plan totals against the observed net change of places with stay in use):
the section is there in every report, the regional charts only with vintages.

The intramural cap (:attr:`zorgcap.forecast.ChainResult.intramural_cap`): one national
sentence, a table per region and a line per region page. Nothing of the model is computed
here; the numbers are the result's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zorgcap.forecast.monitor import NATIONAL

from . import svg
from .text import Text, by_name

__all__ = ["progress_context", "monitor_svg"]

_REALISED = "#2e8b57"


def _blue(i: int, n: int) -> str:
    """Inventory i of n: light (oldest) to dark blue (newest)."""
    light, dark = np.array([158, 202, 225]), np.array([8, 69, 148])
    c = light + (dark - light) * (i / max(n - 1, 1))
    return "#" + "".join(f"{int(round(x)):02x}" for x in c)


def monitor_svg(t: Text, monitor: pd.DataFrame, code: str, realised_label: str,
                planned_label: str = "progress_planned", observed: bool = False) -> str | None:
    """The monitor chart of region ``code`` (or ``NL``): a line per inventory with the places
    planned per year [places], and the places realised [places] - per year the newest
    inventory that lists the year, up to that inventory's year (no 'realised 0' in the
    future; ``observed``: the realised column is an observation of its own, the shipped
    national history, shown for every year it has). A line covers only the years of its
    inventory."""
    m = monitor[monitor["zk_code"] == code]
    if m.empty:
        return None
    years = list(range(int(m["year"].min()), int(m["year"].max()) + 1))
    vintages = sorted(m["vintage"].unique())
    lines = []
    for i, v in enumerate(vintages):
        f = m[m["vintage"] == v].set_index("year")["planned_places"]
        first, last = int(f.index.min()), int(f.index.max())
        y = [float(f.get(yr, 0.0)) if first <= yr <= last else None for yr in years]
        lines.append({"y": y, "label": t.t(planned_label, vintage=v or "–"),
                      "colour": _blue(i, len(vintages))})
    done = m.dropna(subset=["realised_places"])
    done = done[done["year"] <= done["vintage"].str[:4].astype(int)] \
        if not observed and not done.empty and done["vintage"].str.len().gt(0).all() else done
    realised = done.sort_values("vintage").groupby("year")["realised_places"].last()
    if len(realised):
        lines.append({"y": [float(realised.get(yr, np.nan)) for yr in years],
                      "label": realised_label, "colour": _REALISED})
    return svg.line_chart(years, lines, [], t.num, t["place"])


def _status_table(t: Text, status: pd.DataFrame, table) -> dict:
    shown = status.assign(status=status["status"].map(
        lambda s: t.word("assumption_words", s)),  # English has no table: the codes
        source=status["source"].map(lambda s: t.m["progress_source_names"].get(s, s)))
    return table(t, shown, ["status", "realisation_probability", "delay_mean_years",
                            "n_projects", "source"],
                 kinds={"status": "text", "realisation_probability": "dec2",
                        "delay_mean_years": "dec1", "n_projects": "num", "source": "text"},
                 labels={k: t.m["progress_columns"][k] for k in t.m["progress_columns"]})


def _cap(t: Text, result, table) -> tuple[dict | None, dict]:
    """The national sentence and table of the intramural cap, and a line per region."""
    from zorgcap import regions

    frame = getattr(result, "intramural_cap", None)
    if frame is None or not len(frame):
        return None, {}
    base = int(result.gap["year"].min())
    years = sorted(int(y) for y in frame["year"].unique())
    everywhere = set(frame["zk_code"]) >= set(regions.ZORGKANTOORREGIOS)
    n = frame["zk_code"].nunique()
    by_year = {y: frame[frame["year"] == y].set_index("zk_code") for y in years}
    first = by_year[years[0]]
    cap = float(first["intramural_cap"].sum())
    share = first["target_share"]
    has_share = share.notna().any()
    parts = [t.t("cap_year", year=y, above=t.num(float(by_year[y]["above_cap"].sum())),
                 extra=t.num(float(by_year[y]["clustered_extra"].sum()))) for y in years]
    sentence = t.t("cap_sentence", where=t["cap_where_national"] if everywhere
                   else t.t("cap_where_regions", n=n), cap=t.num(cap), base=base,
                   published=t.num(130_000.0), years="; ".join(parts))
    if has_share:
        sentence += " " + t.t("cap_target", share=t.num(float(share.sum())),
                              target=t["cap_target_national"] if everywhere
                              else t["cap_target_regions"])
    wide = pd.DataFrame({"zk_code": first.index, "zk_name": first["zk_name"].to_numpy(),
                         "intramural_cap": first["intramural_cap"].to_numpy()})
    labels = {"zk_name": t.label("zk_name"), "intramural_cap": t.m["progress_columns"]["cap"]}
    for y in years:
        f = by_year[y].reindex(wide["zk_code"])
        wide[f"above_cap_{y}"] = f["above_cap"].to_numpy()
        wide[f"clustered_extra_{y}"] = f["clustered_extra"].to_numpy()
        labels[f"above_cap_{y}"] = t.t("cap_above_head", year=y)
        labels[f"clustered_extra_{y}"] = t.t("cap_extra_head", base=base, year=y)
    if has_share:
        wide["target_share"] = share.reindex(wide["zk_code"]).to_numpy()
        labels["target_share"] = t["cap_share_head"]
    wide = wide.sort_values("zk_name", key=lambda s: s.map(by_name)).reset_index(drop=True)
    cols = [c for c in wide.columns if c != "zk_code"]
    total = {c: wide[c].sum() for c in cols if c != "zk_name"}
    tbl = table(t, wide, cols, total=total, labels=labels, links="zk_name", sortable=True,
                kinds={c: "num" for c in cols if c != "zk_name"})
    lines = {}
    for code in wide["zk_code"]:
        f = {y: by_year[y].loc[code] for y in years}
        extra = "; ".join(t.t("cap_region_year", year=y, extra=t.num(float(f[y][
            "clustered_extra"])), above=t.num(float(f[y]["above_cap"]))) for y in years)
        s = float(share.get(code, np.nan))
        lines[code] = t.t("cap_region", cap=t.num(float(f[years[0]]["intramural_cap"])),
                          base=base, years=extra) + (
            " " + t.t("cap_region_share", share=t.num(s)) if np.isfinite(s) else "")
    return {"sentence": sentence, "table": tbl}, lines


def progress_context(t: Text, result, table) -> dict:
    """``progress`` (the section) and ``cap_lines`` (zk_code -> line) for the template;
    ``table`` is the page's table builder (:func:`zorgcap.reports.html.table`, passed in:
    the page imports this module, not the other way round)."""
    m = result.plan_monitor
    table_ = m.monitor
    names = result.gap.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]
    regional = [c for c in pd.unique(table_["zk_code"]) if c != NATIONAL]
    vintages = sorted(v for v in table_.loc[table_["zk_code"] != NATIONAL, "vintage"].unique()
                      if v)
    with_history = len(vintages) > 1
    shipped = m.sources[m.sources["zk_code"] == NATIONAL]["realised_source"].astype(str) \
        .str.startswith("observed").any()
    if not with_history and not shipped:  # one inventory of all 31 regions: no progress in
        from zorgcap.forecast.monitor import national_history  # it; the published monitors

        nat, _ = national_history(result.config.occupancy, result.config.data)
        table_, shipped = pd.concat([table_[table_["zk_code"] != NATIONAL], nat],
                                    ignore_index=True), True
    national = monitor_svg(t, table_, NATIONAL, t["progress_realised_national"] if shipped
                           else t["progress_realised"],
                           "progress_planned_national" if shipped else "progress_planned",
                           observed=shipped)
    charts = [{"code": c, "name": names.get(c, c),
               "svg": monitor_svg(t, table_, c, t["progress_realised"])}
              for c in sorted(regional, key=lambda c: by_name(names.get(c, c)))]
    learned = m.status[m.status["source"] == "history"]
    cap, cap_lines = _cap(t, result, table)
    return {"progress": {
        "intro": t.t("progress_intro_history" + ("_one" if len(regional) == 1 else ""),
                     n=len(vintages), vintages=", ".join(vintages),
                     regions=len(regional)) if with_history
        else t["progress_intro_none"],
        "national": national,
        "national_note": t["progress_national_shipped"] if shipped
        else t["progress_national_file"],
        "regions": [c for c in charts if c["svg"]] if with_history else [],
        "status": _status_table(t, m.status, table) if len(learned) else None,
        "status_note": t["progress_status_note"] if len(learned) else None,
        "cap": cap}, "cap_lines": cap_lines}
