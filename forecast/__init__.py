"""zorgcap: forecast nursing-home places (Wlz V&V) per zorgkantoorregio.

Public API::

    forecast.project_population(level="zk", to=2050, draws=0)   # cohort-component projection
    forecast.project_demand(scenario="trend", to=2040, draws=500)
    forecast.compare_capacity(demand, capacity=..., plans=..., reference="model")
    forecast.decompose(point_demand, waiting_share)              # what drives the change
"""

__version__ = "0.1.0"

from .decompose import decompose  # noqa: E402
from .demand import project_demand  # noqa: E402
from .errors import DataMissingError, InputError  # noqa: E402
from .gap import compare_capacity  # noqa: E402
from .population import build_projection, project_population  # noqa: E402

__all__ = ["InputError", "DataMissingError", "__version__", "project_population",
           "build_projection", "project_demand", "compare_capacity", "decompose"]
