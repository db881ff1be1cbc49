"""The 31 zorgkantoorregio's: codes, gemeente mapping per year, mergers, geometry.

Public API::

    zorgcap.regions.ZORGKANTOORREGIOS          # code -> name
    zorgcap.regions.zorgkantoorregios(year)    # table of the 31 regions
    zorgcap.regions.gemeenten(year)            # gemeente -> zk / provincie / COROP
    zorgcap.regions.to_indeling(frame, year, value_cols)   # mergers: translate to another year
    zorgcap.regions.to_regions(frame, year, value_cols)    # gemeente -> region sums
    zorgcap.regions.region_geometry(year, crs)             # dissolved polygons

The names are loaded on first use (PEP 562), so ``import zorgcap.regions.codes`` or the mapping does
not load geopandas: only the geometry needs it. ``regions`` uses the data layer
(:mod:`zorgcap.forecast.errors`, :mod:`zorgcap.forecast.io`) and nothing of the model.
"""

from importlib import import_module

# public name -> submodule that defines it
_LAZY = {
    "LEVELS": "aggregate",
    "to_regions": "aggregate",
    "YEARS": "codes",
    "ZORGKANTOORREGIOS": "codes",
    "check_region_codes": "codes",
    "normalise_region_codes": "codes",
    "RD_NEW": "geometry",
    "WGS84": "geometry",
    "gemeente_geometry": "geometry",
    "region_geometry": "geometry",
    "check_gemeente_codes": "mapping",
    "code_years": "mapping",
    "gemeente_changes": "mapping",
    "gemeenten": "mapping",
    "to_indeling": "mapping",
    "zorgkantoorregios": "mapping",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
