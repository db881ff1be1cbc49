"""zorgcap: forecast nursing-home places (Wlz V&V) per zorgkantoorregio.

Public API::

    zorgcap.forecast.project_population(level="zk", to=2050, draws=0)  # cohort-component
    zorgcap.forecast.project_demand(scenario="trend", to=2040, draws=500)
    zorgcap.forecast.compare_capacity(demand, capacity=..., plans=..., reference="model")
    zorgcap.forecast.decompose(point_demand, waiting_share)     # what drives the change
    zorgcap.forecast.ChainConfig / ForecastChain / ChainResult  # one run, config to result

Each is also ``zorgcap.<name>``. The public names are loaded on first use (PEP 562):
``import zorgcap.forecast.errors`` or ``import zorgcap.forecast.io`` loads the data layer only,
no model code. Layers, from the bottom: :mod:`zorgcap.forecast.errors`,
:mod:`zorgcap.forecast.schema` and :mod:`zorgcap.forecast.io` (the data layer),
:mod:`zorgcap.regions`, then the model (population, usage, demand, gap, ...).
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> submodule that defines it
_LAZY = {
    "ChainConfig": "config",
    "ChainResult": "modelchain",
    "DataMissingError": "errors",
    "ForecastChain": "modelchain",
    "InputError": "errors",
    "build_projection": "population",
    "compare_capacity": "gap",
    "decompose": "decomposition",
    "project_demand": "demand",
    "project_population": "population",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str):
    if name in _LAZY:
        module = f"{__name__}.{_LAZY[name]}"
        try:
            value = getattr(import_module(module), name)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r} "
                                 f"({module} is not available)") from exc
        globals()[name] = value  # later look-ups skip __getattr__
        return value
    # `from zorgcap import forecast; forecast.demand.X` worked while this module imported its
    # submodules eagerly; keep submodules reachable as attributes.
    if not name.startswith("__"):
        try:
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
