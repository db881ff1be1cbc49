"""Choropleth maps of the 31 zorgkantoorregio's (geopandas + matplotlib; PNG and SVG), and
a map of 85+ growth per gemeente inside a region (PNG, as it is shown in the report).

Every map has region labels, a legend with units and a caption naming the data sources and
the scenario. Figures are 8 x 9 inches at 100 dpi (800 x 900 pixels).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from zorgcap import regions  # noqa: E402
from zorgcap.forecast.references import describe  # noqa: E402

from .svg import SCALES  # noqa: E402

__all__ = ["choropleth", "region_maps", "gemeente_growth_map", "FIGSIZE", "DPI"]

FIGSIZE = (8, 9)
DPI = 100
SOURCES = ("Sources: CBS (83502NED, 37620, 70791ned, 84529NED, Kernprognose 2023, "
           "Gebieden in Nederland), PBL/CBS regional prognosis 2023-2050, HMD; zorgcap.")


@contextmanager
def _no_idle_draw(fig):
    """Skip the full draw that ``GeoDataFrame.plot`` asks for at its end (``draw_idle``).

    On the Agg backend ``draw_idle`` draws the whole figure at once, and ``savefig`` draws it
    again: a third of the time of a map went to the first, unused drawing.
    """
    canvas = fig.canvas
    canvas.draw_idle = lambda *args, **kwargs: None
    try:
        yield
    finally:
        del canvas.draw_idle  # back to the class's method


def _save(fig, stem: Path, formats=("png", "svg")) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(f".{fmt}") for fmt in formats]
    for path in paths:
        tmp = path.with_name(f".{path.name}.tmp")
        fig.savefig(tmp, dpi=DPI, format=path.suffix[1:])
        tmp.replace(path)
    plt.close(fig)
    return paths


def choropleth(geo, column: str, title: str, legend: str, caption: str, stem: Path,
               cmap: str = "OrRd", label_fmt: str = "{:,.0f}", labels: bool = True,
               vmin=None, vmax=None) -> list[Path]:
    """Draw ``geo[column]`` as a choropleth with labels; write ``stem``.png and .svg."""
    fig, ax = plt.subplots(figsize=FIGSIZE)
    with _no_idle_draw(fig):
        geo.plot(column=column, ax=ax, cmap=cmap, edgecolor="white", linewidth=0.6,
                 legend=True, vmin=vmin, vmax=vmax,
                 legend_kwds={"label": legend, "orientation": "horizontal", "shrink": 0.7,
                              "pad": 0.02})
    if labels:
        for _, row in geo.iterrows():
            point = row.geometry.representative_point()
            text = f"{row['zk_code'][2:]}\n{label_fmt.format(row[column])}"
            ax.annotate(text, (point.x, point.y), ha="center", va="center", fontsize=6.5,
                        color="black")
    ax.set_title(title, fontsize=12)
    ax.set_axis_off()
    fig.text(0.02, 0.01, caption + "\n" + SOURCES, fontsize=6.5, wrap=True, va="bottom")
    fig.subplots_adjust(left=0.02, right=0.98, top=0.94, bottom=0.12)
    return _save(fig, stem)


def region_maps(gap: pd.DataFrame, demand: pd.DataFrame, out_dir, scenario: str,
                geometry_year: int = 2025, data=None) -> dict[str, list[Path]]:
    """The standard set of regional maps for a gap table and its demand table."""
    out_dir = Path(out_dir)
    geo = regions.region_geometry(geometry_year, crs=regions.RD_NEW, data=data)
    base, last = int(demand["year"].min()), int(demand["year"].max())
    d = demand.pivot(index="zk_code", columns="year", values="clients_with_stay")
    growth = (100 * (d[last] / d[base] - 1)).rename("growth")
    maps = {}
    frame = geo.merge(growth, left_on="zk_code", right_index=True)
    caption = f"Scenario {scenario}; clients with Wlz V&V care with stay (zzp VV4-VV10)."
    maps["demand_growth"] = choropleth(
        frame, "growth", f"Growth of demand for nursing-home care {base}-{last}",
        f"growth of clients with stay {base}-{last} [%]", caption,
        out_dir / "map_demand_growth", cmap="YlOrRd", label_fmt="{:+.0f}%")
    reference = gap["reference"].iloc[0] if "reference" in gap else "model"
    against = "need" if reference == "model" else f"reference '{reference}'"
    for year in (2025, 2030, 2035, 2040):
        if year > last:
            continue
        g = gap[gap["year"] == year].set_index("zk_code")["reference_gap"].rename("gap")
        frame = geo.merge(g, left_on="zk_code", right_index=True)
        lim = SCALES["gap"]["vmax"]  # the page's scale: one colour, one number
        maps[f"gap_{year}"] = choropleth(
            frame, "gap", f"Places short in {year} ({against} minus capacity and plans)",
            f"places short in {year} [places; negative = spare]",
            f"Scenario {scenario}; reference: {describe(reference)}; plans weighted by "
            "realisation probability and delay.", out_dir / f"map_gap_{year}",
            cmap="RdBu_r", vmin=-lim, vmax=lim)
    if "p_short" in gap:
        year = 2030 if last >= 2030 else last
        p = (100 * gap[gap["year"] == year].set_index("zk_code")["p_short"]).rename("p")
        frame = geo.merge(p, left_on="zk_code", right_index=True)
        maps["p_short"] = choropleth(
            frame, "p", f"Probability that the region is short in {year}",
            f"share of Monte Carlo draws with need > supply in {year} [%]",
            f"Scenario {scenario}; draws over population and usage-rate paths.",
            out_dir / "map_probability_short", cmap="Purples", label_fmt="{:.0f}%",
            vmin=0, vmax=100)
    year = 2030 if last >= 2030 else last
    g = gap.set_index(["year", "zk_code"])
    need_growth = g.loc[year, "need"] - g.loc[base, "need"]
    plans = g.loc[year, "plans_expected"]
    ratio = (100 * plans / need_growth.where(need_growth > 0)).fillna(0).rename("ratio")
    frame = geo.merge(ratio, left_on="zk_code", right_index=True)
    maps["plans_vs_need"] = choropleth(
        frame, "ratio", f"Expected plans as a share of the growth in need, {base}-{year}",
        f"expected realised places with stay / growth of need {base}-{year} [%]",
        f"Scenario {scenario}; plans: {gap['plans_source'].iloc[0]}.",
        out_dir / "map_plans_vs_need", cmap="RdYlGn", label_fmt="{:.0f}%", vmin=0, vmax=100)
    return maps


def gemeente_growth_map(zk_code: str, growth: pd.Series, out_dir, year_from: int,
                        year_to: int, geometry_year: int = 2025, data=None) -> list[Path]:
    """Map of 85+ growth per gemeente inside one region; ``growth`` indexed by gm_code [%]."""
    gm = regions.gemeente_geometry(geometry_year, crs=regions.RD_NEW, data=data)
    gm = gm[gm["zk_code"] == zk_code].merge(growth.rename("growth"), left_on="gm_code",
                                             right_index=True)
    names = regions.gemeenten(geometry_year, data).set_index("gm_code")["gm_name"]
    fig, ax = plt.subplots(figsize=FIGSIZE)
    with _no_idle_draw(fig):
        scale = SCALES["gemeente_85plus_growth"]  # the page's scale, in every report
        gm.plot(column="growth", ax=ax, cmap="YlOrRd", edgecolor="white", linewidth=0.6,
                vmin=scale["vmin"], vmax=scale["vmax"],
                legend=True, legend_kwds={"label": f"growth of population 85+ {year_from}-"
                                          f"{year_to} [%]", "orientation": "horizontal",
                                          "shrink": 0.7, "pad": 0.02})
    for _, row in gm.iterrows():
        point = row.geometry.representative_point()
        ax.annotate(f"{names.get(row['gm_code'], row['gm_code'])}\n{row['growth']:+.0f}%",
                    (point.x, point.y), ha="center", va="center", fontsize=6.5)
    name = regions.ZORGKANTOORREGIOS[zk_code]
    ax.set_title(f"Population 85+ per gemeente, {name} ({zk_code}), {year_from}-{year_to}")
    ax.set_axis_off()
    fig.text(0.02, 0.01, "Cohort-component projection (zorgcap).\n" + SOURCES, fontsize=6.5,
             va="bottom")
    fig.subplots_adjust(left=0.02, right=0.98, top=0.94, bottom=0.12)
    return _save(fig, Path(out_dir) / f"map_85plus_{zk_code}", formats=("png",))
