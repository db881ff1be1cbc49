"""The whole chain: data -> population -> demand -> gap -> maps -> report (HTML, Excel).

:func:`run_report` writes into a temporary folder beside ``out`` and renames it into place
at the end, so a failing run never leaves a half-written report.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

import regions
from forecast.backtest import cached_backtest
from forecast.decompose import PARTS, decompose
from forecast.demand import national_summary, project_demand
from forecast.errors import InputError
from forecast.gap import (
    STEP_YEARS,
    ambition_2025,
    compare_capacity,
    explain_2025,
    national_references,
)
from forecast.io.status import data_status
from forecast.population import build_projection
from forecast.provenance import provenance
from forecast.timeseries import top_down, waiting_forecast

from .charts import backtest_chart, region_chart, waiting_chart, waterfall_chart
from .html import render_html
from .maps import gemeente_growth_map, region_maps

__all__ = ["run_report", "regions_table"]


class _Progress:
    def __init__(self, steps: int, echo):
        self.steps, self.i, self.echo, self.t0 = steps, 0, echo, time.perf_counter()

    def __call__(self, what: str):
        self.i += 1
        if self.echo:
            self.echo(f"[{self.i}/{self.steps}] {what} ({time.perf_counter() - self.t0:.1f} s)")


def regions_table(demand: pd.DataFrame, gap: pd.DataFrame, ambition: pd.DataFrame
                  ) -> pd.DataFrame:
    """One row per region with the numbers a board asks for first."""
    base, last = int(demand["year"].min()), int(demand["year"].max())
    d = demand.pivot(index="zk_code", columns="year", values="clients_with_stay")
    g = gap.pivot(index="zk_code", columns="year", values="reference_gap")
    need = gap.pivot(index="zk_code", columns="year", values="need")
    out = pd.DataFrame({
        "zk_code": d.index,
        "zk_name": demand.drop_duplicates("zk_code").set_index("zk_code")["zk_name"]
        .reindex(d.index).to_numpy(),
        f"clients_{base}": d[base].to_numpy(), f"clients_{last}": d[last].to_numpy(),
        "growth_pct": (100 * (d[last] / d[base] - 1)).to_numpy(),
        f"need_{last}": need[last].to_numpy(),
    })
    for year in STEP_YEARS:
        if year in g.columns:
            out[f"gap_{year}"] = g[year].to_numpy()
    if "p_short" in gap:
        year = 2030 if 2030 in g.columns else last
        out["p_short_2030"] = gap[gap["year"] == year].set_index("zk_code")["p_short"] \
            .reindex(d.index).to_numpy()
    out["ambition_share_2025"] = ambition.set_index("zk_code")["ambition_share"] \
        .reindex(d.index).to_numpy()
    return out


def _region_note(row, last) -> str:
    base_col = [c for c in row.index if c.startswith("clients_")][0]
    text = (f"Clients with stay grow from {row[base_col]:,.0f} to {row[f'clients_{last}']:,.0f} "
            f"({row['growth_pct']:+.0f}%).")
    if "gap_2030" in row:
        text += f" Places short in 2030: {row['gap_2030']:,.0f}"
        if "p_short_2030" in row:
            text += f" (probability of a shortage {row['p_short_2030']:.0%})"
        text += "."
    if f"gap_{last}" in row and last != 2030:
        text += f" In {last}: {row[f'gap_{last}']:,.0f}."
    return text


def _region_figures(code, gap, parts, base_year, to, scenario, work):
    """Chart and waterfall of one region (runs in a worker process)."""
    return (region_chart(gap, code, work / "charts", scenario),
            waterfall_chart(parts, code, parts["zk_name"], base_year, to, work / "charts"))


def _history_figures(work, data):
    """The backtest (table, cached) with its chart, and the waiting list with its forecast."""
    table = cached_backtest(data=data)
    waiting = waiting_forecast(2030)  # five years: the series is short (see its docstring)
    return (table, backtest_chart(table, work / "charts"),
            waiting_chart(work / "charts", waiting), waiting)


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _Pool:
    """Figure jobs in ``workers`` forked processes, or in this process with one worker.

    Figures are independent files, so rendering them in parallel, and while the forecast
    is still being computed, changes nothing but time.
    """

    def __init__(self, workers: int):
        self.workers, self.pool = workers, None

    def __enter__(self):
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=self.workers,
                                            mp_context=multiprocessing.get_context("fork"))
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args) if self.pool else _Done(fn(*args))


def run_report(scenario: str = "trend", to: int = 2040, out="reports/latest",
               draws: int = 200, seed: int = 20240101, capacity=None, plans=None,
               calibrate=None, reference: str = "model", data=None, echo=print,
               workers: int | None = None, regional_factors: str | None = None) -> dict:
    """Run the whole chain and write the report; returns the paths written.

    ``workers``: processes that render the figures (default: the number of cores, at most 4).
    """
    import os

    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if to < 2025:
        raise ValueError(f"`to` was {to} but the report needs at least 2025")
    progress = _Progress(9, echo)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    pool = _Pool(workers).__enter__()
    try:
        progress("checking input tables")
        status = data_status(data)
        bad = status[~status["usable"]]
        if len(bad):
            raise InputError(f"input tables not usable: {', '.join(bad['key'])}",
                             fix="run 'zorgcap data status' and 'zorgcap data fetch'.")
        progress("projecting population per gemeente (85+ maps)")
        pop = build_projection(to=to, level="gemeente", data=data).to_frame()
        old = pop[pop["age"] >= 85].groupby(["gm_code", "year"], as_index=False)["persons"].sum()
        old = regions.to_indeling(old, 2025, ["persons"], data=data)
        wide = old.pivot(index="gm_code", columns="year", values="persons")
        gm_growth = 100 * (wide[to] / wide[wide.columns.min()] - 1)
        # The 85+ maps need only the population: they render while demand is computed.
        gm_jobs = {code: pool.submit(gemeente_growth_map, code, gm_growth, work / "maps",
                                     int(wide.columns.min()), to, 2025, data)
                   for code in regions.ZORGKANTOORREGIOS}
        progress(f"demand ({scenario}, {draws} draws)")
        demand = project_demand(scenario, to=to, draws=draws, seed=seed, calibrate=calibrate,
                                regional_factors=regional_factors, data=data)
        progress("gap to capacity and plans")
        gap = compare_capacity(demand, capacity=capacity, plans=plans, reference=reference,
                               seed=seed)
        gap_total = compare_capacity(demand, capacity=capacity, plans=plans, waiting="total")
        progress("decomposition of the change in need")
        point = project_demand(scenario, to=to, draws=0, calibrate=calibrate,
                               regional_factors=regional_factors, data=data)
        parts = decompose(point, gap.attrs["parameters"]["unmet_share"], years=[to])
        ambition = ambition_2025(gap)
        refs = national_references(gap)
        explanation = explain_2025(gap, gap_total)
        progress("maps and charts")
        table = regions_table(demand, gap, ambition)
        base_year = int(parts["year_from"].iloc[0])
        slim = gap.copy()
        slim.attrs = {}  # the workers need the numbers, not the draws
        maps_job = pool.submit(region_maps, slim, demand, work / "maps", scenario, 2025, data)
        region_jobs = {code: pool.submit(_region_figures, code, slim,
                                         parts.set_index("zk_code").loc[code], base_year, to,
                                         scenario, work)
                       for code in table["zk_code"]}
        bt, bt_chart, wl_chart, waiting = _history_figures(work, data)
        maps = maps_job.result()
        charts = {code: job.result()[0] for code, job in region_jobs.items()}
        waterfalls = {code: job.result()[1] for code, job in region_jobs.items()}
        gm_maps = {code: job.result() for code, job in gm_jobs.items()}
        progress("provenance")
        params = {**demand.attrs["parameters"], **gap.attrs["parameters"]}
        assumptions = gap.attrs["assumptions"]
        prov = provenance(params, assumptions, data)
        estimates = [k for k in ("capacity_from_clients", "plans_from_national")
                     if k in assumptions]
        national = national_summary(demand)
        national = national[national["year"].isin(
            [national["year"].min(), *STEP_YEARS, to])].drop_duplicates("year")
        td = top_down(to, data=data)
        check = national[["year", "clients_with_stay"]].merge(
            td.rename(columns={"mean": "top_down", "lo": "top_down_lo_95",
                               "hi": "top_down_hi_95"}), on="year")
        check.attrs = {"method": td.attrs["method"]}
        progress("HTML report")
        last = int(demand["year"].max())
        notes = {row["zk_code"]: _region_note(row, last) for _, row in table.iterrows()}
        page = render_html(scenario=scenario, national=national, regions_table=table,
                           references=refs, explanation=explanation, maps=maps, charts=charts,
                           region_notes=notes, gemeente_maps=gm_maps, provenance=prov,
                           backtest_chart=bt_chart, waiting_chart=wl_chart,
                           estimates=estimates, decomposition=parts, waterfalls=waterfalls,
                           top_down=check)
        (work / "report.html").write_text(page, encoding="utf-8")
        (work / "provenance.json").write_text(json.dumps(prov, indent=1, ensure_ascii=False),
                                              encoding="utf-8")
        progress("Excel workbook")
        sheets = {"summary": national, "top_down_check": check, "regions": table,
                  "demand": demand, "gap": gap,
                  "decomposition": parts[["zk_code", "zk_name", "year_from", "year_to",
                                          "base", *PARTS, "total", "need"]],
                  "gap_steps": gap[gap["year"].isin(STEP_YEARS)], "ambition_2025": ambition,
                  "references": refs, "backtest": bt,
                  "waiting_forecast": waiting.assign(method=waiting.attrs["method"]),
                  "assumptions": pd.DataFrame(list(prov["assumptions"].items()),
                                              columns=["assumption", "value"]),
                  "inputs": pd.DataFrame(prov["inputs"])}
        if regional_factors == "71488ned":
            from forecast.regional import zk_factors

            sheets["regional_factors"] = zk_factors(2025, data)
        with pd.ExcelWriter(work / "zorgcap_report.xlsx", engine="openpyxl") as xl:
            for name, frame in sheets.items():
                clean = frame.copy()
                clean.attrs = {}
                clean.to_excel(xl, sheet_name=name, index=False)
        if out.exists():
            old_dir = out.with_name(f".{out.name}.old")
            shutil.rmtree(old_dir, ignore_errors=True)
            out.rename(old_dir)
            work.rename(out)
            shutil.rmtree(old_dir, ignore_errors=True)
        else:
            work.rename(out)
    except BaseException:
        pool.__exit__(None, None, None)  # stop the workers before removing their folder
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        pool.__exit__(None, None, None)
    return {"html": out / "report.html", "excel": out / "zorgcap_report.xlsx",
            "maps": sorted((out / "maps").glob("*.png")), "provenance": out / "provenance.json"}
