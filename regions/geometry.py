"""Gemeente and zorgkantoorregio geometry for an indeling year.

Gemeente boundaries are in the data for three indelingen: 2022 (CBS Gebiedsindelingen, RD New),
2023 and 2025 (cartomap/nl, WGS84, generalised). A year without its own file borrows the
nearest one with the same or a finer partition: 2024 uses 2023 (identical gemeente codes);
2019-2021 use 2022, each 2022 gemeente assigned to the zorgkantoorregio of the gemeente(n)
it came from (the continuing gemeente where one kept its code).

Known approximation (``assumption geometry_pre_2022``): in 2019-2020 the former gemeente
Haaren (ZK19) is drawn inside Tilburg and Oisterwijk (ZK12) for the parts that went there in
2021, about 7,000 inhabitants; counts are not affected, only the map border.
Region geometry is the dissolve of its gemeenten ("zorgkantoorregio = union of gemeenten").
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from zorgcap.forecast.errors import InputError
from zorgcap.forecast.io.cache import content_cache
from zorgcap.forecast.io.tables import read_table

from .codes import check_year
from .mapping import gemeente_changes, gemeenten

__all__ = ["GEOMETRY_YEARS", "RD_NEW", "WGS84", "gemeente_geometry", "region_geometry"]

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"
#: Indeling years that have their own gemeente geometry file, and the manifest key.
GEOMETRY_YEARS = {2022: "gemeente_geometry_2022", 2023: "gemeente_geometry_2023",
                  2025: "gemeente_geometry_2025"}


def _geometry_year(year: int) -> int:
    if year in GEOMETRY_YEARS:
        return year
    if year == 2024:
        return 2023
    return min(GEOMETRY_YEARS)


def _polygonal(geom):
    """``make_valid`` and keep only the (multi)polygon parts."""
    geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.unary_union(parts)


@content_cache(maxsize=8)
def _raw_geometry(geometry_year: int, data) -> gpd.GeoDataFrame:
    raw = read_table(GEOMETRY_YEARS[geometry_year], data)
    code = "gm_code" if "gm_code" in raw.columns else "statcode"
    frame = gpd.GeoDataFrame({"gm_code": raw[code].astype(str).str.strip()},
                             geometry=raw.geometry.apply(_polygonal), crs=raw.crs)
    return frame


def _zk_for(codes: pd.Series, geometry_year: int, year: int, data) -> pd.DataFrame:
    """zorgkantoorregio of ``year`` for each gemeente code of ``geometry_year``."""
    target = gemeenten(year, data)[["gm_code", "zk_code", "zk_name"]]
    if set(codes) <= set(target["gm_code"]):
        return target
    if year > geometry_year:
        raise InputError(f"no gemeente geometry for the {year} indeling "
                         f"(files exist for {sorted(GEOMETRY_YEARS)})")
    # Walk each code of `year` forward to the geometry year's codes.
    changes = gemeente_changes()
    links = pd.DataFrame({"gm_code": target["gm_code"], "geo_code": target["gm_code"]})
    for step in range(year + 1, geometry_year + 1):
        moves = changes[changes["to_year"] == step][["old_gm_code", "new_gm_code"]]
        links = links.merge(moves, left_on="geo_code", right_on="old_gm_code", how="left")
        links["geo_code"] = links["new_gm_code"].fillna(links["geo_code"])
        links = links[["gm_code", "geo_code"]]
    links = links.merge(target, on="gm_code")
    continuing = links[links["gm_code"] == links["geo_code"]]
    rest = links[~links["geo_code"].isin(continuing["geo_code"])]
    ambiguous = rest.groupby("geo_code")["zk_code"].nunique()
    if (ambiguous > 1).any():
        raise InputError(f"gemeenten {list(ambiguous[ambiguous > 1].index)} of {geometry_year} "
                         f"come from gemeenten in different zorgkantoorregio's in {year}")
    chosen = pd.concat([continuing, rest.drop_duplicates("geo_code")])
    return chosen[["geo_code", "zk_code", "zk_name"]].rename(columns={"geo_code": "gm_code"})


def gemeente_geometry(year: int, crs: str = RD_NEW, data=None) -> gpd.GeoDataFrame:
    """Gemeente polygons with the zorgkantoorregio they belong to in ``year``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gm_code, zk_code, zk_name, geometry_year, geometry`` in ``crs``.
    """
    year = check_year(year)
    gy = _geometry_year(year)
    geo = _raw_geometry(gy, data)  # a copy, re-read when the file changes
    zk = _zk_for(geo["gm_code"], gy, year, data)
    out = geo.merge(zk, on="gm_code", how="left")
    missing = out["zk_code"].isna()
    if missing.any():
        raise InputError(
            f"gemeente geometry of {gy} has codes without a zorgkantoorregio in {year}: "
            f"{sorted(out.loc[missing, 'gm_code'])[:5]}",
            fix="check that the geometry file matches the CBS indeling of its year.",
        )
    out["geometry_year"] = gy
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=geo.crs).to_crs(crs)
    return out[["gm_code", "zk_code", "zk_name", "geometry_year", "geometry"]]


def region_geometry(year: int, crs: str = RD_NEW, data=None) -> gpd.GeoDataFrame:
    """The 31 zorgkantoorregio polygons of ``year`` (dissolved from gemeenten).

    Parameters
    ----------
    year : int
        Indeling year, 2019-2025 [year].
    crs : str, default "EPSG:28992"
        RD New (metres; for areas and national maps) or "EPSG:4326" (WGS84; web maps).

    Returns
    -------
    geopandas.GeoDataFrame
        ``zk_code, zk_name, n_gemeenten, geometry_year, geometry``, one valid (multi)polygon
        per region. The dissolve is done in RD New so that shared borders meet exactly.
    """
    gm = gemeente_geometry(year, crs=RD_NEW, data=data)
    gm["n_gemeenten"] = 1
    out = gm.dissolve(by=["zk_code", "zk_name"], aggfunc={"n_gemeenten": "sum",
                                                          "geometry_year": "first"})
    out = out.reset_index()
    out["geometry"] = out.geometry.apply(_polygonal)
    out = out.set_crs(RD_NEW, allow_override=True).to_crs(crs)
    return out[["zk_code", "zk_name", "n_gemeenten", "geometry_year", "geometry"]]
