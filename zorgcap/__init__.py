"""zorgcap: forecast nursing-home places (Wlz V&V) per zorgkantoorregio.

The one import name of the distribution. Public API::

    zorgcap.ChainConfig / ForecastChain / ChainResult     # one run, config to result
    zorgcap.project_population(level="zk", to=2050, draws=0)
    zorgcap.project_demand(scenario="trend", to=2040, draws=500)
    zorgcap.compare_capacity(demand, capacity=..., plans=..., reference="model")
    zorgcap.decompose(point_demand, waiting_share)
    zorgcap.render(result, out)                            # the report (zorgcap.reports)

Subpackages: :mod:`zorgcap.forecast` (data layer and model), :mod:`zorgcap.regions`,
:mod:`zorgcap.reports` and :mod:`zorgcap.data_raw` (CSV files only). In the source checkout
they are the folders ``forecast/``, ``regions/``, ``reports/`` and ``data_raw/`` (mapped into
this package by ``[tool.setuptools.package-dir]``); this folder holds only this file.

The public names are loaded on first use (PEP 562): ``import zorgcap`` loads no model code and
no heavy library.
"""

from importlib import import_module

from .forecast import __version__

# public name -> module that defines it (relative to this package)
_LAZY = {
    "ChainConfig": ".forecast.config",
    "ChainResult": ".forecast.modelchain",
    "DataMissingError": ".forecast.errors",
    "ForecastChain": ".forecast.modelchain",
    "InputError": ".forecast.errors",
    "build_projection": ".forecast.population",
    "compare_capacity": ".forecast.gap",
    "decompose": ".forecast.decomposition",
    "project_demand": ".forecast.demand",
    "project_population": ".forecast.population",
    "render": ".reports.build",
}

_SUBPACKAGES = ("data_raw", "forecast", "regions", "reports")

__all__ = ["__version__", *sorted(_LAZY), *_SUBPACKAGES]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later look-ups skip __getattr__
        return value
    if name in _SUBPACKAGES:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
