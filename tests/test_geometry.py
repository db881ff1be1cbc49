"""Zorgkantoorregio geometry dissolved from gemeenten."""

from __future__ import annotations

import pytest
import shapely
from conftest import needs_data

from zorgcap import regions

pytestmark = needs_data


@pytest.mark.parametrize("year", list(regions.YEARS))
def test_31_valid_regions_that_tile_the_country(year):
    zk = regions.region_geometry(year)
    assert len(zk) == 31 and zk.crs.to_epsg() == 28992
    assert zk.is_valid.all() and not zk.is_empty.any()
    union = shapely.unary_union(zk.geometry.values).area
    overlap = zk.area.sum() - union
    assert overlap / union < 1e-6  # no region overlaps another
    gm = regions.gemeente_geometry(year)
    assert union == pytest.approx(shapely.unary_union(gm.geometry.values).area, rel=1e-6)
    # Land plus inland water of the generalised CBS gemeenten: ~35,100 km2 (NL land 33,670).
    assert 34_000 < union / 1e6 < 37_500
    assert zk.n_gemeenten.sum() == len(regions.gemeenten(gm.geometry_year.iloc[0]))


def test_weesp_area_moves_from_t_gooi_to_amsterdam():
    a21 = regions.region_geometry(2021).set_index("zk_code").area / 1e6
    a22 = regions.region_geometry(2022).set_index("zk_code").area / 1e6
    weesp = regions.gemeente_geometry(2022).set_index("gm_code").area["GM0457"] / 1e6
    assert 20 < weesp < 30  # Weesp is about 24 km2 (land and water)
    assert a22["ZK02"] - a21["ZK02"] == pytest.approx(weesp, rel=1e-6)
    assert a21["ZK21"] - a22["ZK21"] == pytest.approx(weesp, rel=1e-6)


def test_wgs84_output_lies_in_the_netherlands():
    zk = regions.region_geometry(2025, crs=regions.WGS84)
    assert zk.crs.to_epsg() == 4326
    minx, miny, maxx, maxy = zk.total_bounds
    assert 3.2 < minx < 3.5 and 50.7 < miny < 50.8 and 7.1 < maxx < 7.3 and 53.4 < maxy < 53.6
