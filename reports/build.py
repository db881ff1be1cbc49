"""The report of one run: :func:`render` draws a :class:`zorgcap.forecast.ChainResult` as an HTML
report (inline SVG maps and charts) and an Excel workbook, and with ``static=True`` also as
PNG/SVG files for print. It computes nothing of the model: every number comes from the
result, so the report shows one value per quantity. matplotlib is imported only for
``static=True``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .html import render_html

__all__ = ["render", "run_report", "render_steps", "file_names"]


def render_steps(static: bool = False, pdf: bool = False) -> int:
    """The progress steps :func:`render` takes [count] (for one display of a whole command,
    :class:`zorgcap.forecast.progress.Progress`)."""
    return 2 + bool(static) + bool(pdf)


def file_names(scenario: str) -> dict:
    """The report's files: the page, and the workbook and PDF named after the scenario (they
    travel alone, by mail)."""
    return {"html": "report.html", "excel": f"zorgcap_report_{scenario}.xlsx",
            "pdf": f"zorgcap_report_{scenario}.pdf", "provenance": "provenance.json"}


def _region_figures(code, gap, parts, base_year, to, scenario, work):
    """Chart and waterfall of one region (runs in a worker process)."""
    from .charts import region_chart, waterfall_chart

    return (region_chart(gap, code, work / "charts", scenario),
            waterfall_chart(parts, code, parts["zk_name"], base_year, to, work / "charts"))


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def _exit_with_parent() -> None:
    """In a worker: exit as soon as the parent process is gone (even after SIGKILL, when no
    cleanup of the parent runs), instead of waiting on its queue for ever."""
    import multiprocessing
    import os
    import threading

    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (parent.join(), os._exit(1)), daemon=True).start()


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
                mp_context=multiprocessing.get_context(self.start_method),
                initializer=_exit_with_parent)
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args) if self.pool else _Done(fn(*args))


def _static_figures(result, work: Path, pool) -> list[Path]:
    """PNG/SVG maps and PNG charts with matplotlib, for print (``static=True`` only)."""
    from .charts import backtest_chart, waiting_chart
    from .maps import gemeente_growth_map, region_maps

    c, to = result.config, result.config.to
    wide = result.gemeente_85plus.pivot_table(index="gm_code", columns="year",
                                              values="persons_85plus", aggfunc="sum")
    base = int(result.demand["year"].min())  # the base year, as every other map
    first = base if base in wide.columns else int(wide.columns.min())
    gm_growth = 100 * (wide[to] / wide[first] - 1)
    codes = list(pd.unique(result.demand["zk_code"]))
    gm_jobs = [pool.submit(gemeente_growth_map, code, gm_growth, work / "maps", first, to,
                           2025, c.data) for code in codes]
    parts = result.decomposition[result.decomposition["year_to"] == to]
    base_year = int(parts["year_from"].iloc[0])
    maps_job = pool.submit(region_maps, result.gap, result.demand, work / "maps", c.scenario,
                           2025, c.data)
    region_jobs = [pool.submit(_region_figures, code, result.gap,
                               parts.set_index("zk_code").loc[code], base_year, to,
                               c.scenario, work) for code in codes]
    backtest_chart(result.backtest, work / "charts")
    waiting_chart(work / "charts", result.waiting_forecast)
    maps = maps_job.result()
    for job in [*region_jobs, *gm_jobs]:
        job.result()
    return [p for paths in maps.values() for p in paths]


def render(result, out="reports/latest", echo=print, workers: int | None = None,
           start_method: str = "spawn", lang: str = "nl", static: bool = False,
           force: bool = False, pdf: bool = False) -> dict:
    """Draw a :class:`zorgcap.forecast.ChainResult` as an HTML report and an Excel workbook.

    The HTML report (``report.html``) is one self-contained page with inline SVG maps and
    charts (hover names the region and its value, a click opens its section); the workbook
    (``zorgcap_report_<scenario>.xlsx``) is formatted (:mod:`zorgcap.reports.excel`).
    ``lang``: ``"nl"`` (default) or ``"en"``, for the text and the number format of both.
    ``static=True`` also writes the maps as PNG and SVG and the charts as PNG with matplotlib
    (``maps/``, ``charts/``), for print; ``workers`` processes render those (default: the
    number of cores, at most 4). ``pdf=True`` also prints the page to
    ``zorgcap_report_<scenario>.pdf`` with headless Chromium (:mod:`zorgcap.reports.pdf`; A4,
    each region on a new page, region numbers on the maps with a key); without Chromium it
    fails before anything is written. ``echo`` may be a
    :class:`zorgcap.forecast.progress.Progress` that the chain counted on.

    ``out`` is written through :class:`zorgcap.forecast.io.output.OutputFolder` (``whole=True``):
    into a temporary folder beside it, moved into place at the end, so a failing run (a full
    disk) never leaves a half-written report and changes nothing. ``out`` may be new, empty,
    or a folder zorgcap wrote (its marker ``.zorgcap-output`` lists the files); a folder
    holding anything else, or a file, is refused before any work and left untouched;
    ``force=True`` also replaces report files that were changed since zorgcap wrote them.
    ``out`` may also be an open :class:`~zorgcap.forecast.io.output.OutputFolder` (the CLI opens
    one before the forecast runs, so that a wrong ``--out`` fails first); it is then moved
    into place when its with-block ends. Returns the paths written (``html``, ``excel``,
    ``maps``, ``provenance``; ``pdf`` with ``pdf=True``).
    """
    from zorgcap.forecast.io.output import OutputFolder

    from .text import messages

    messages(lang)  # a wrong language fails before anything is written
    chromium = None
    if pdf:
        from .pdf import find_chromium

        chromium = find_chromium()  # no Chromium: fails before anything is written
    args = (echo, workers, start_method, lang, static, chromium)
    if isinstance(out, OutputFolder):
        return _render_into(result, out, *args)
    with OutputFolder(out, command="report", whole=True, force=force) as folder:
        paths = _render_into(result, folder, *args)
    return paths


def _render_into(result, folder, echo, workers, start_method, lang, static,
                 chromium=None) -> dict:
    """Write the report files into the open output folder ``folder`` (the PDF too where
    ``chromium`` is given)."""
    import os

    from zorgcap.forecast.progress import Progress

    from .excel import write_workbook

    names = file_names(result.config.scenario)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    progress = echo if isinstance(echo, Progress) else Progress(
        render_steps(static, chromium is not None), echo)
    work, out = folder.work, folder.out
    with _Pool(workers if static else 1, start_method) as pool:
        static_maps = []
        if static:
            progress("static maps and charts (PNG, SVG)")
            static_maps = _static_figures(result, work, pool)
        progress("HTML report")
        page = render_html(result, lang)
        (work / names["html"]).write_text(page, encoding="utf-8")
        (work / names["provenance"]).write_text(
            json.dumps(result.provenance, indent=1, ensure_ascii=False), encoding="utf-8")
        progress("Excel workbook")
        write_workbook(result, work / names["excel"], lang)
        if chromium is not None:
            from .pdf import print_pdf

            progress("PDF (headless Chromium)")
            print_pdf(work / names["html"], work / names["pdf"], chromium)
    return {"html": out / names["html"], "excel": out / names["excel"],
            "maps": sorted(out / p.relative_to(work) for p in static_maps),
            "provenance": out / names["provenance"],
            **({"pdf": out / names["pdf"]} if chromium is not None else {})}


def run_report(out="reports/latest", echo=print, workers: int | None = None,
               lang: str = "nl", static: bool = False, force: bool = False,
               pdf: bool = False, **options) -> dict:
    """Run the chain for ``ChainConfig(**options)`` and render it (see :func:`render`), with
    one progress display over both; a wrong ``out`` is refused before the chain runs."""
    from zorgcap.forecast.io.output import OutputFolder
    from zorgcap.forecast.modelchain import ChainConfig, ForecastChain
    from zorgcap.forecast.progress import Progress

    config = ChainConfig(**options)
    if pdf:
        from .pdf import find_chromium

        find_chromium()  # no Chromium: said before the chain runs
    progress = Progress(ForecastChain.STEPS + render_steps(static, pdf), echo)
    with OutputFolder(out, command="report", whole=True, force=force) as folder:
        result = ForecastChain(config, echo=progress).run()
        paths = render(result, folder, echo=progress, workers=workers, lang=lang,
                       static=static, pdf=pdf)
    return paths
