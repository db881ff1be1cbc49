"""The 31 zorgkantoorregio's: codes, gemeente mapping per year, mergers, geometry.

Public API::

    regions.ZORGKANTOORREGIOS          # code -> name
    regions.zorgkantoorregios(year)    # table of the 31 regions
    regions.gemeenten(year)            # gemeente -> zk / provincie / COROP
    regions.to_indeling(frame, year, value_cols)   # mergers: translate to another year
    regions.to_regions(frame, year, value_cols)    # gemeente -> region sums
    regions.region_geometry(year, crs)             # dissolved polygons
"""

from .aggregate import LEVELS, to_regions
from .codes import YEARS, ZORGKANTOORREGIOS, check_region_codes
from .geometry import RD_NEW, WGS84, gemeente_geometry, region_geometry
from .mapping import (
    check_gemeente_codes,
    code_years,
    gemeente_changes,
    gemeenten,
    to_indeling,
    zorgkantoorregios,
)

__all__ = [
    "LEVELS",
    "RD_NEW",
    "WGS84",
    "YEARS",
    "ZORGKANTOORREGIOS",
    "check_gemeente_codes",
    "check_region_codes",
    "code_years",
    "gemeente_changes",
    "gemeente_geometry",
    "gemeenten",
    "region_geometry",
    "to_indeling",
    "to_regions",
    "zorgkantoorregios",
]
