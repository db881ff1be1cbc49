"""Charts: demand with bands versus supply per region, the waiting list, the backtest.

Charts are written as PNG only, for print (``render(..., static=True)``); the HTML report
draws its own charts as inline SVG (:mod:`zorgcap.reports.svg`).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from zorgcap.forecast.supply import waiting_list  # noqa: E402

from .maps import _save  # noqa: E402
from .svg import year_ticks  # noqa: E402

__all__ = ["region_chart", "waiting_chart", "backtest_chart", "waterfall_chart", "monitor_chart",
           "CHART_SIZE"]

CHART_SIZE = (8, 4.5)
# Fixed margins [fraction of the figure] of the 2 x 31 region charts instead of
# ``tight_layout``: their labels have a known size (at most 5-digit places), and measuring
# every text (tight_layout) was a quarter of the time of drawing a chart.
MARGINS = {"left": 0.11, "right": 0.98, "top": 0.92, "bottom": 0.10}


def region_chart(gap: pd.DataFrame, zk_code: str, out_dir, scenario: str) -> list[Path]:
    """Need (median, 80% and 95% bands) against capacity plus expected plans, one region."""
    g = gap[gap["zk_code"] == zk_code].sort_values("year")
    name = g["zk_name"].iloc[0]
    fig, ax = plt.subplots(figsize=CHART_SIZE)
    levels = sorted((int(col[len("gap_lo_"):]) for col in g.columns
                     if col.startswith("gap_lo_")), reverse=True)
    for i, lv in enumerate(levels):  # need band = supply + gap band, widest first
        ax.fill_between(g["year"], g["supply"] + g[f"gap_lo_{lv}"],
                        g["supply"] + g[f"gap_hi_{lv}"], color="tab:orange",
                        alpha=0.18 + 0.17 * i, label=f"{lv}% band")
    ax.plot(g["year"], g["need"], color="tab:red", lw=2, label="need (central path) [places]")
    ax.step(g["year"], g["supply"], where="post", color="tab:blue", lw=2,
            label="capacity + expected plans [places]")
    ax.set_xticks(year_ticks(g["year"]))  # labelled up to the last year
    ax.set_title(f"{name} ({zk_code}): need for places with stay, scenario {scenario}")
    ax.set_ylabel("places")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.subplots_adjust(**MARGINS)
    return _save(fig, Path(out_dir) / f"chart_{zk_code}", formats=("png",))


def waiting_chart(out_dir, forecast: pd.DataFrame | None = None) -> list[Path]:
    """National V&V waiting list by quarter, by status (data_raw/waiting_lists.csv), with
    the forecast of the total (``ChainResult.waiting_forecast``: ``year, mean, lo, hi,
    level, method``) if given."""
    fig, ax = plt.subplots(figsize=CHART_SIZE)
    for status, colour in (("total", "black"), ("wacht_op_voorkeur", "tab:blue"),
                           ("urgent_plus_actief", "tab:red")):
        w = waiting_list(status)
        ax.plot(w["date"], w["persons"], marker="o", color=colour, label=status)
    if forecast is not None:  # yearly means, drawn at mid-year
        mid = pd.to_datetime(forecast["year"].astype(str) + "-07-01")
        ax.fill_between(mid, forecast["lo"], forecast["hi"], color="grey", alpha=0.2,
                        label=f"total: {forecast['level'].iloc[0]:.0f}% interval")
        ax.plot(mid, forecast["mean"], ls="--", color="black",
                label=f"total: forecast ({forecast['method'].iloc[0]})")
    ax.axvline(pd.Timestamp("2021-07-01"), color="grey", ls=":", lw=1)
    ax.text(pd.Timestamp("2021-08-01"), ax.get_ylim()[1] * 0.95, "new waiting statuses",
            fontsize=7, color="grey", va="top")
    ax.set_title("National V&V waiting list (Zorginstituut / CBS / NZa)")
    ax.set_ylabel("persons")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, Path(out_dir) / "chart_waiting_list", formats=("png",))


def backtest_chart(table: pd.DataFrame, out_dir, origins=(2005, 2010, 2014)) -> list[Path]:
    """Forecast versus actual per model and origin (institutional residents 65+).

    ``table`` is the tidy backtest (:func:`zorgcap.forecast.backtest.backtest`: ``origin, year,
    horizon, model, actual, forecast, lo_95, hi_95, shipped``); drawn: the actual series, the
    constant-rate and damped-ETS baselines and the shipped model with its 95% interval, from
    ``origins`` (those present in the table).
    """
    fig, ax = plt.subplots(figsize=CHART_SIZE)
    obs = table.drop_duplicates("year").sort_values("year")
    ax.plot(obs["year"], obs["actual"], "ko-", label="actual", zorder=5)
    shown = [o for o in origins if o in set(table["origin"])]
    shipped = table[table["shipped"].astype(bool)]
    for label, rows_of, colour in (
            ("beleidsarm (constant rates)", table[table["model"] == "beleidsarm"], "tab:grey"),
            ("damped ETS", table[table["model"] == "ets_damped"], "tab:green"),
            ("shipped trend model", shipped, "tab:red")):
        for k, origin in enumerate(shown):
            rows = rows_of[rows_of["origin"] == origin].sort_values("year")
            if rows.empty:
                continue
            ax.plot(rows["year"], rows["forecast"], "o--", color=colour, alpha=0.8,
                    label=label if k == 0 else None)
            if rows_of is shipped:
                ax.fill_between(rows["year"], rows["lo_95"], rows["hi_95"], color=colour,
                                alpha=0.12, label="95% interval" if k == 0 else None)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Backtest: institutional residents 65+ (CBS 37620), forecasts from "
                 + ", ".join(map(str, shown)), fontsize=10)
    ax.set_ylabel("persons")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, Path(out_dir) / "chart_backtest", formats=("png",))


def waterfall_chart(parts: pd.Series, zk_code: str, name: str, year_from: int, year_to: int,
                    out_dir) -> list[Path]:
    """Waterfall from the places in use in ``year_from`` to the need in ``year_to``.

    ``parts`` holds ``base``, the parts of :data:`zorgcap.forecast.decomposition.PARTS` and
    ``need``.
    """
    from zorgcap.forecast.decomposition import PARTS

    fig, ax = plt.subplots(figsize=CHART_SIZE)
    labels = [f"places {year_from}", *[p.replace("_", " ") for p in PARTS], f"need {year_to}"]
    level = parts["base"]
    ax.bar(0, level, color="tab:grey")
    for i, part in enumerate(PARTS, start=1):
        value = parts[part]
        ax.bar(i, value, bottom=level, color="tab:red" if value >= 0 else "tab:green")
        ax.text(i, level + max(value, 0), f"{value:+,.0f}", ha="center", va="bottom",
                fontsize=7)
        level += value
    ax.bar(len(PARTS) + 1, parts["need"], color="tab:blue")
    ax.set_xticks(range(len(labels)), labels, rotation=25, ha="right", fontsize=8)
    ax.set_ylabel("places")
    ax.set_ylim(bottom=min(parts["base"], parts["need"]) * 0.8)
    ax.set_title(f"{name} ({zk_code}): what drives the change in need {year_from}-{year_to}",
                 fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    fig.subplots_adjust(**{**MARGINS, "bottom": 0.21})
    return _save(fig, Path(out_dir) / f"waterfall_{zk_code}", formats=("png",))


def monitor_chart(monitor: pd.DataFrame, zk_code: str, out_dir, title: str | None = None,
                  realised_label: str = "realised [places]") -> list[Path]:
    """Places planned per year by each inventory (lines, newest darkest) against the places
    realised (bars: the newest inventory's realised rows; nationally from the shipped
    history, the observed net change of places in use), one region or ``NL``
    (:func:`zorgcap.forecast.monitor.monitor_table`)."""
    m = monitor[monitor["zk_code"] == zk_code].sort_values(["vintage", "year"])
    vintages = sorted(m["vintage"].unique())
    fig, ax = plt.subplots(figsize=CHART_SIZE)
    realised = (m.dropna(subset=["realised_places"]).sort_values("vintage")
                .groupby("year")["realised_places"].last())
    realised = realised[realised != 0]
    if len(realised):
        ax.bar(realised.index, realised.to_numpy(), color="tab:green", alpha=0.45,
               label=realised_label)
    cmap = plt.get_cmap("Blues")
    for i, v in enumerate(vintages):
        f = m[m["vintage"] == v]
        ax.plot(f["year"], f["planned_places"], marker="o", lw=1.8,
                color=cmap(0.4 + 0.6 * (i + 1) / len(vintages)),
                label=f"planned, inventory {v or 'undated'} [places]")
    ax.axhline(0, color="grey", lw=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title or f"{zk_code}: places planned per year by inventory against realised")
    ax.set_ylabel("places per year")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    fig.subplots_adjust(**MARGINS)
    return _save(fig, Path(out_dir) / f"monitor_{zk_code}", formats=("png",))
