"""WGS84 ↔ GCJ-02 ↔ BD-09: published points, iterative inverses accurate to far better than 0.5 m."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo.core.crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    converter,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china,
    reproject,
    transform_geometry,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = Geod(ellps="WGS84")

# (wgs lat, wgs lon, gcj lat, gcj lon): the test vectors of googollee/eviltransform (MIT)
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]

china_lon = st.floats(min_value=73.5, max_value=135.0)
china_lat = st.floats(min_value=18.0, max_value=53.5)


def metres(lon1: object, lat1: object, lon2: object, lat2: object) -> float:
    """Largest geodesic distance in metres between two sets of points."""
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(np.max(dist))


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_wgs84_to_gcj02_reproduces_published_points(
    wlat: float, wlon: float, glat: float, glon: float
) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert lon == pytest.approx(glon, abs=1e-9) and lat == pytest.approx(glat, abs=1e-9)


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM)
def test_gcj02_to_wgs84_recovers_published_points(wlat: float, wlon: float, glat: float, glon: float) -> None:
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, wlon, wlat) < 0.001


def test_coordtransform_readme_values() -> None:
    # wandergis/coordtransform README, input (116.404, 39.915)
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-9)
    # their bd09togcj02 is the approximate closed form: ours is the exact inverse, a few centimetres away
    lon, lat = bd09_to_gcj02(116.404, 39.915)
    assert metres(lon, lat, 116.39762729119315, 39.90865673957631) < 0.1
    assert gcj02_to_bd09(lon, lat) == pytest.approx((116.404, 39.915), abs=1e-9)


def test_beijing_railway_station_gcj02_bd09() -> None:
    # published to 5 decimals (≈1 m): GCJ-02 (39.90245, 116.42703), BD-09 (39.90851, 116.43351)
    lon, lat = gcj02_to_bd09(116.42703, 39.90245)
    assert metres(lon, lat, 116.43351, 39.90851) < 1.5
    lon, lat = bd09_to_gcj02(116.43351, 39.90851)
    assert metres(lon, lat, 116.42703, 39.90245) < 1.5


def test_offset_in_huoqiu_is_a_few_hundred_metres() -> None:
    lon, lat = wgs84_to_gcj02(116.27, 32.35)
    assert 300 < metres(116.27, 32.35, lon, lat) < 700


def test_no_offset_outside_china() -> None:
    lons, lats = np.array([2.35, -74.0, 151.2, 100.0]), np.array([48.85, 40.7, -33.9, 60.0])
    assert not in_china(lons, lats).any()
    for convert in (
        wgs84_to_gcj02,
        gcj02_to_wgs84,
        gcj02_to_bd09,
        bd09_to_gcj02,
        wgs84_to_bd09,
        bd09_to_wgs84,
    ):
        x, y = convert(lons, lats)
        np.testing.assert_array_equal(x, lons)
        np.testing.assert_array_equal(y, lats)


def test_vectorised_shapes_and_non_finite_pass_through() -> None:
    lon = np.array([[116.2, 116.3], [np.nan, np.inf]])
    lat = np.array([[32.3, 32.4], [32.0, 32.0]])
    x, y = gcj02_to_wgs84(lon, lat)
    assert x.shape == (2, 2) and y.shape == (2, 2)
    assert np.isnan(x[1, 0]) and np.isinf(x[1, 1])
    sx, sy = gcj02_to_wgs84(116.2, 32.3)
    assert isinstance(sx, float) and (sx, sy) == (x[0, 0], y[0, 0])


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_gcj02_to_wgs84_is_the_inverse_within_half_a_metre(lon: float, lat: float) -> None:
    wlon, wlat = gcj02_to_wgs84(lon, lat)
    glon, glat = wgs84_to_gcj02(wlon, wlat)
    assert metres(glon, glat, lon, lat) < 0.01
    # and the other way: WGS84 → GCJ-02 → WGS84 lands back on the start
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert metres(*back, lon, lat) < 0.5


@settings(max_examples=300, deadline=None)
@given(china_lon, china_lat)
def test_bd09_round_trips_within_half_a_metre(lon: float, lat: float) -> None:
    back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert metres(*back, lon, lat) < 0.5
    back = gcj02_to_bd09(*bd09_to_gcj02(lon, lat))
    assert metres(*back, lon, lat) < 0.01


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(china_lon, china_lat), min_size=1, max_size=40))
def test_arrays_match_scalars(points: list[tuple[float, float]]) -> None:
    lons, lats = np.array(points).T
    x, y = gcj02_to_wgs84(lons, lats)
    for i, (lon, lat) in enumerate(points):
        sx, sy = gcj02_to_wgs84(lon, lat)
        assert metres(sx, sy, x[i], y[i]) < 0.001


def test_transform_geometry_moves_every_vertex() -> None:
    square = shapely.box(116.25, 32.33, 116.30, 32.38)
    gcj = transform_geometry(square, "wgs84", "gcj02")
    coords, expected = (
        shapely.get_coordinates(gcj),
        np.column_stack(wgs84_to_gcj02(*shapely.get_coordinates(square).T)),
    )
    np.testing.assert_allclose(coords, expected, atol=1e-12)
    back = shapely.get_coordinates(transform_geometry(gcj, "gcj02", "wgs84"))
    assert metres(back[:, 0], back[:, 1], *shapely.get_coordinates(square).T) < 0.01
    assert transform_geometry(square, "bd09", "bd09").equals(square)


def test_transform_geometry_on_arrays() -> None:
    geoms = np.array([shapely.Point(116.27, 32.35), shapely.LineString([(116.2, 32.3), (116.3, 32.4)])])
    out = transform_geometry(geoms, "wgs84", "bd09")
    assert out.shape == (2,)
    x, y = wgs84_to_bd09(116.27, 32.35)
    assert (out[0].x, out[0].y) == pytest.approx((x, y), abs=1e-12)


def test_unknown_datum_names_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown datum 'wgs-84': use one of wgs84, gcj02, bd09"):
        converter("wgs-84", "gcj02")


def test_reproject_to_metric_gauss_kruger() -> None:
    point = reproject(shapely.Point(117.0, 32.0), 4326, 4548)
    # on the central meridian 117E: easting is the false easting 500 000 m
    assert point.x == pytest.approx(500_000.0, abs=0.01)
    back = reproject(point, "EPSG:4548", "EPSG:4326")
    assert (back.x, back.y) == pytest.approx((117.0, 32.0), abs=1e-9)
