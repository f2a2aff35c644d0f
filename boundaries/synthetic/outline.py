"""The fixed frame of the demo county: outline, lakes, the Huai River and where the township seats lie.

The outline is a coarse hand-drawn approximation (33 vertices) of Huoqiu's real extent, not an official
boundary; the lakes are smooth synthetic shapes placed where 城西湖 and 城东湖 lie. Everything here is in
WGS84 (lon, lat) and independent of the seed; `metric()` and `wgs84()` convert to and from EPSG:4548.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import cast

import numpy as np
import shapely
from pyproj import Transformer
from shapely import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from geo.core.settings import DEFAULT_METRIC_SRID

METRIC_EPSG = DEFAULT_METRIC_SRID
COUNTY_SEAT_LONLAT = (116.273, 32.347)

# Clockwise from the north-east corner where the Pi River (淠河) meets the Huai River (淮河).
OUTLINE_LONLAT: tuple[tuple[float, float], ...] = (
    (116.48, 32.44),
    (116.49, 32.37),
    (116.52, 32.31),
    (116.52, 32.23),
    (116.54, 32.10),
    (116.51, 32.06),
    (116.47, 32.03),
    (116.43, 32.01),
    (116.37, 32.03),
    (116.30, 32.05),
    (116.25, 31.98),
    (116.17, 31.93),
    (116.09, 31.94),
    (116.03, 31.97),
    (115.96, 31.99),
    (115.92, 32.03),
    (115.93, 32.10),
    (115.92, 32.20),
    (115.90, 32.30),
    (115.88, 32.45),
    (115.85, 32.50),
    (115.90, 32.55),
    (115.99, 32.60),
    (116.04, 32.56),
    (116.10, 32.52),
    (116.13, 32.46),
    (116.18, 32.43),
    (116.23, 32.46),
    (116.26, 32.49),
    (116.29, 32.52),
    (116.33, 32.51),
    (116.37, 32.46),
    (116.43, 32.44),
)
HUAI_FIRST_VERTEX = 21  # the northern border, vertex 21 round to vertex 0, follows the Huai River
HUAI_WIDTH_M = 380.0

# name, centre (lon, lat), semi-axes (m) along and across, bearing of the long axis (deg from north).
LAKES: tuple[tuple[str, tuple[float, float], tuple[float, float], float], ...] = (
    ("城西湖", (116.170, 32.356), (6200.0, 3700.0), -16.0),
    ("城东湖", (116.350, 32.282), (8600.0, 3200.0), 14.0),
)

# Township seats (lon, lat) by 9-digit code: rough relative positions, synthetic but plausible.
SEATS_LONLAT: dict[str, tuple[float, float]] = {
    "341522100": COUNTY_SEAT_LONLAT,  # 城关镇
    "341522101": (115.945, 32.395),  # 河口镇
    "341522102": (116.005, 32.520),  # 周集镇
    "341522103": (116.440, 32.395),  # 临水镇
    "341522104": (116.030, 32.330),  # 新店镇
    "341522105": (115.985, 32.190),  # 石店镇
    "341522106": (115.990, 32.085),  # 马店镇
    "341522107": (116.080, 32.225),  # 孟集镇
    "341522108": (116.085, 32.120),  # 花园镇
    "341522109": (116.100, 32.300),  # 扈胡镇
    "341522110": (116.255, 32.215),  # 长集镇
    "341522113": (116.205, 32.120),  # 乌龙镇
    "341522114": (116.380, 32.105),  # 高塘镇
    "341522115": (116.480, 32.105),  # 龙潭镇
    "341522116": (116.305, 32.160),  # 岔路镇
    "341522117": (116.450, 32.265),  # 冯井镇
    "341522118": (116.440, 32.180),  # 众兴集镇
    "341522119": (116.080, 32.015),  # 夏店镇
    "341522120": (116.175, 31.985),  # 曹庙镇
    "341522123": (116.430, 32.045),  # 范桥镇
    "341522124": (116.285, 32.085),  # 潘集镇
    "341522126": (116.475, 32.335),  # 彭塔镇
    "341522127": (116.395, 32.345),  # 宋店镇
    "341522128": (116.110, 32.445),  # 临淮岗镇
    "341522129": (116.060, 32.420),  # 冯瓴镇
    "341522201": (115.915, 32.490),  # 王截流乡
    "341522204": (116.175, 32.280),  # 城西湖乡
    "341522206": (116.170, 32.205),  # 三流乡
    "341522207": (116.330, 32.455),  # 邵岗乡
    "341522208": (115.975, 32.270),  # 白莲乡
    "341522400": (116.262, 32.303),  # 安徽霍邱经济开发区
    "341522500": (116.308, 32.338),  # 水产局管辖村 (fishermen on the shore of 城东湖)
}


@cache
def _to_metric() -> Transformer:
    """WGS84 lon/lat → EPSG:4548 easting/northing."""
    return Transformer.from_crs(4326, METRIC_EPSG, always_xy=True)


@cache
def _to_wgs84() -> Transformer:
    """EPSG:4548 easting/northing → WGS84 lon/lat."""
    return Transformer.from_crs(METRIC_EPSG, 4326, always_xy=True)


def metric_xy(lonlat: np.ndarray) -> np.ndarray:
    """An (n, 2) array of lon/lat as metric x/y."""
    x, y = _to_metric().transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y])


def lonlat_xy(xy: np.ndarray) -> np.ndarray:
    """An (n, 2) array of metric x/y as lon/lat."""
    lon, lat = _to_wgs84().transform(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


def metric(geom: BaseGeometry) -> BaseGeometry:
    """One geometry from WGS84 into the metric CRS."""
    return cast(BaseGeometry, shapely.transform(geom, metric_xy))


def metric_all(geoms: Iterable[BaseGeometry]) -> np.ndarray:
    """An array of geometries from WGS84 into the metric CRS."""
    return np.asarray(shapely.transform(np.array(list(geoms), dtype=object), metric_xy), dtype=object)


def wgs84_all(geoms: Iterable[BaseGeometry]) -> np.ndarray:
    """An array of geometries from the metric CRS into WGS84."""
    return np.asarray(shapely.transform(np.array(list(geoms), dtype=object), lonlat_xy), dtype=object)


@cache
def county_outline() -> Polygon:
    """The county outline in metric coordinates."""
    ring = metric_xy(np.array(OUTLINE_LONLAT))
    return Polygon(ring)


@cache
def huai_border() -> LineString:
    """The stretch of the outline that follows the Huai River, in metric coordinates."""
    ring = metric_xy(np.array(OUTLINE_LONLAT))
    return LineString(np.vstack([ring[HUAI_FIRST_VERTEX:], ring[:1]]))


@cache
def huai_river() -> Polygon:
    """The Huai River as a strip along the northern border, inside the county."""
    strip = shapely.intersection(huai_border().buffer(HUAI_WIDTH_M, cap_style="flat"), county_outline())
    parts = sorted(shapely.get_parts(strip), key=lambda g: -g.area)
    return Polygon(parts[0].exterior)


def _lake(centre: tuple[float, float], axes: tuple[float, float], bearing: float, phase: int) -> Polygon:
    """A smooth lake shape: an ellipse with a few fixed harmonics on its radius."""
    t = np.linspace(0.0, 2.0 * np.pi, 97)[:-1]
    wobble = 1.0 + 0.09 * np.sin(3 * t + phase) + 0.06 * np.cos(5 * t + 2 * phase) + 0.03 * np.sin(8 * t)
    along, across = axes
    u, v = across * np.cos(t) * wobble, along * np.sin(t) * wobble  # v points along the long axis
    theta = np.radians(bearing)
    dx = u * np.cos(theta) + v * np.sin(theta)
    dy = -u * np.sin(theta) + v * np.cos(theta)
    cx, cy = metric_xy(np.array([centre]))[0]
    return Polygon(np.column_stack([cx + dx, cy + dy]))


@cache
def lakes() -> tuple[tuple[str, Polygon], ...]:
    """城西湖 and 城东湖 in metric coordinates."""
    return tuple((name, _lake(c, a, b, i + 1)) for i, (name, c, a, b) in enumerate(LAKES))


@cache
def water_union() -> BaseGeometry:
    """All water (lakes and river) as one metric geometry."""
    return shapely.union_all([huai_river(), *(poly for _, poly in lakes())])
