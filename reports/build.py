"""The report of one run: :func:`render` draws a :class:`forecast.ChainResult` as maps,
charts, an HTML report and an Excel workbook. It computes nothing of the model: every number
comes from the result, so the report shows one value per quantity.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from forecast.decompose import PARTS
from forecast.schema import STEP_YEARS

from .charts import backtest_chart, region_chart, waiting_chart, waterfall_chart
from .html import render_html
from .maps import gemeente_growth_map, region_maps

__all__ = ["render", "run_report", "regions_table"]


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


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _Pool:
    """Figure jobs in ``workers`` processes, or in this process with one worker.

    Figures are independent files, so rendering them in parallel changes nothing but time.
    Workers start with ``spawn`` (the only start method on Windows, and safe on macOS and
    with threaded BLAS): every job is a module-level function with picklable arguments.
    """

    def __init__(self, workers: int, start_method: str = "spawn"):
        self.workers, self.start_method, self.pool = workers, start_method, None

    def __enter__(self):
        if self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(self.start_method))
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args) if self.pool else _Done(fn(*args))


MARKER = ".zorgcap-report"  # marks a folder written by render(): only such a folder is replaced


def _check_out(out: Path) -> None:
    """Refuse to replace anything but an earlier zorgcap report."""
    from forecast.errors import InputError

    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file, not a folder", file=str(out),
                         fix="give the path of a new folder, or of an earlier report folder.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise InputError(f"--out {out} is a folder that holds other files than a zorgcap "
                         "report; it is left untouched", file=str(out),
                         fix="give a new or empty folder, or the folder of an earlier report.")


def render(result, out="reports/latest", echo=print, workers: int | None = None,
           start_method: str = "spawn") -> dict:
    """Draw a :class:`forecast.ChainResult` as maps, charts, HTML report and Excel workbook.

    Writes into a temporary folder beside ``out`` and renames it into place at the end, so a
    failing run never leaves a half-written report. ``out`` may be new, empty, or an earlier
    report (it holds the file ``.zorgcap-report``); any other folder or a file is refused.
    ``workers``: processes that render the figures (default: the number of cores, at most 4).
    Returns the paths written (``html``, ``excel``, ``maps``, ``provenance``).
    """
    import os

    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    c = result.config
    progress = _Progress(5, echo)
    out = Path(out)
    _check_out(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    os.chmod(work, 0o755)  # a report folder on a share is read by colleagues
    pool = _Pool(workers, start_method).__enter__()
    try:
        progress("maps of 85+ per gemeente")
        to = c.to
        wide = result.gemeente_85plus.pivot_table(index="gm_code", columns="year",
                                                  values="persons_85plus", aggfunc="sum")
        first = int(wide.columns.min())
        gm_growth = 100 * (wide[to] / wide[first] - 1)
        codes = list(pd.unique(result.demand["zk_code"]))
        gm_jobs = {code: pool.submit(gemeente_growth_map, code, gm_growth, work / "maps",
                                     first, to, 2025, c.data) for code in codes}
        progress("region maps and charts")
        gap, demand = result.gap, result.demand
        parts = result.decomposition[result.decomposition["year_to"] == to]
        table = regions_table(demand, gap, result.ambition)
        base_year = int(parts["year_from"].iloc[0])
        maps_job = pool.submit(region_maps, gap, demand, work / "maps", c.scenario, 2025,
                               c.data)
        region_jobs = {code: pool.submit(_region_figures, code, gap,
                                         parts.set_index("zk_code").loc[code], base_year, to,
                                         c.scenario, work)
                       for code in table["zk_code"]}
        bt_chart = backtest_chart(result.backtest, work / "charts")
        wl_chart = waiting_chart(work / "charts", result.waiting_forecast)
        maps = maps_job.result()
        charts = {code: job.result()[0] for code, job in region_jobs.items()}
        waterfalls = {code: job.result()[1] for code, job in region_jobs.items()}
        gm_maps = {code: job.result() for code, job in gm_jobs.items()}
        progress("HTML report")
        prov = result.provenance
        national = result.national
        national = national[national["year"].isin(
            [national["year"].min(), *STEP_YEARS, to])].drop_duplicates("year")
        last = int(demand["year"].max())
        notes = {row["zk_code"]: _region_note(row, last) for _, row in table.iterrows()}
        page = render_html(scenario=c.scenario, national=national, regions_table=table,
                           references=result.references, explanation=result.explanation,
                           maps=maps, charts=charts, region_notes=notes,
                           gemeente_maps=gm_maps, provenance=prov, backtest_chart=bt_chart,
                           waiting_chart=wl_chart, estimates=result.estimates,
                           decomposition=parts, waterfalls=waterfalls, top_down=result.checks)
        (work / "report.html").write_text(page, encoding="utf-8")
        (work / "provenance.json").write_text(json.dumps(prov, indent=1, ensure_ascii=False),
                                              encoding="utf-8")
        progress("Excel workbook")
        sheets = {"summary": national, "top_down_check": result.checks, "regions": table,
                  "demand": demand, "gap": gap,
                  "decomposition": result.decomposition[
                      ["zk_code", "zk_name", "year_from", "year_to", "base", *PARTS, "total",
                       "need"]],
                  "gap_steps": gap[gap["year"].isin(STEP_YEARS)], "ambition_2025":
                  result.ambition, "references": result.references, "backtest":
                  result.backtest, "waiting_forecast": result.waiting_forecast,
                  "assumptions": pd.DataFrame(list(prov["assumptions"].items()),
                                              columns=["assumption", "value"]),
                  "inputs": pd.DataFrame(prov["inputs"])}
        if result.regional_factors is not None:
            sheets["regional_factors"] = result.regional_factors
        with pd.ExcelWriter(work / "zorgcap_report.xlsx", engine="openpyxl") as xl:
            for name, frame in sheets.items():
                frame.to_excel(xl, sheet_name=name, index=False)
        (work / MARKER).write_text("written by zorgcap's reports.render; this folder is "
                                   "replaced by the next report written here\n",
                                   encoding="utf-8")
        progress("moving the report into place")
        if out.exists():
            old_dir = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            out.rename(old_dir / out.name)
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


def run_report(out="reports/latest", echo=print, workers: int | None = None,
               **options) -> dict:
    """Run the chain for ``ChainConfig(**options)`` and render it (see :func:`render`)."""
    from forecast.modelchain import ChainConfig, ForecastChain

    result = ForecastChain(ChainConfig(**options), echo=echo).run()
    return render(result, out, echo=echo, workers=workers)
