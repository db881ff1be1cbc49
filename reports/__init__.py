"""The report for planners: an HTML page with inline SVG maps and charts, and an Excel
workbook, in Dutch (default) or English.

``zorgcap.reports.render(result, out, lang="nl", static=False)`` draws a
:class:`zorgcap.forecast.ChainResult`; ``zorgcap.reports.run_report(out, **options)`` runs the chain
and renders it. CLI: ``zorgcap report [--lang en] [--static]``. ``static=True`` adds matplotlib
PNG/SVG maps and PNG charts for print (:mod:`zorgcap.reports.maps`, :mod:`zorgcap.reports.charts`).
"""

from .build import render, run_report

__all__ = ["render", "run_report"]
