"""Maps, charts and the HTML/Excel report for planners.

``reports.run_report(scenario="trend", to=2040, out="reports/latest")`` runs the whole chain
(data -> population -> demand -> gap -> maps -> report). CLI: ``zorgcap report``.
"""

from .build import regions_table, run_report

__all__ = ["run_report", "regions_table"]
