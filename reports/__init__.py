"""Maps, charts and the HTML/Excel report for planners.

``reports.render(result, out)`` draws a :class:`forecast.ChainResult` (maps, charts, HTML,
Excel); ``reports.run_report(out, **options)`` runs the chain and renders it. CLI:
``zorgcap report``.
"""

from .build import regions_table, render, run_report

__all__ = ["render", "run_report", "regions_table"]
