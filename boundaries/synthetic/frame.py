"""A metric view of a DemoGeography, as the road generator needs it."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.reference import village_short_name
from boundaries.synthetic.geography import DemoGeography
from boundaries.synthetic.outline import metric, metric_all

WATER_MARGIN_M = 25.0  # roads that are not bridges keep this far from water


@dataclass(frozen=True)
class Place:
    """A township or village in metric coordinates."""

    code: str
    name: str
    kind: str
    parent_code: str
    seat: np.ndarray
    area: BaseGeometry

    @property
    def short_name(self) -> str:
        """The name without its administrative suffix (长集 for 长集镇, 大同 for 大同村委会)."""
        if self.kind in ("town", "township"):
            return self.name[:-1]
        if self.kind == "park":
            return "经开区"
        return village_short_name(self.name)


@dataclass(frozen=True)
class Frame:
    """Everything the road generator reads, in EPSG:4548 metres."""

    county: BaseGeometry
    water: BaseGeometry  # union of all water
    water_named: tuple[tuple[str, BaseGeometry], ...]
    no_go: BaseGeometry  # water grown by the margin that ordinary roads keep
    townships: tuple[Place, ...]
    villages: tuple[Place, ...]
    hamlet_xy: np.ndarray
    hamlet_village: np.ndarray
    hamlet_weight: np.ndarray

    def villages_of(self, township_code: str) -> list[Place]:
        """The villages of one township."""
        return [v for v in self.villages if v.parent_code == township_code]


def _places(frame: gpd.GeoDataFrame) -> tuple[Place, ...]:
    """Places from a townships or villages GeoDataFrame."""
    areas = metric_all(frame.geometry.values)
    seats = shapely.get_coordinates(metric_all(frame["seat"].values))
    return tuple(
        Place(code, name, kind, parent, seat, area)
        for code, name, kind, parent, seat, area in zip(
            frame["code"], frame["name"], frame["kind"], frame["parent_code"], seats, areas, strict=True
        )
    )


def metric_frame(geo: DemoGeography) -> Frame:
    """The geography converted once into metric coordinates."""
    county = metric(geo.county.geometry.values[0])
    named = tuple(
        (str(name), metric(geom))
        for name, geom in zip(geo.water["name"], geo.water.geometry.values, strict=True)
    )
    water = shapely.union_all([g for _, g in named]) if named else shapely.Polygon()
    no_go = water.buffer(WATER_MARGIN_M) if not water.is_empty else water
    shapely.prepare(no_go)
    shapely.prepare(water)
    hamlet_xy = shapely.get_coordinates(metric_all(geo.hamlets.geometry.values))
    return Frame(
        county=county,
        water=water,
        water_named=named,
        no_go=no_go,
        townships=_places(geo.townships),
        villages=_places(geo.villages),
        hamlet_xy=hamlet_xy,
        hamlet_village=np.asarray(geo.hamlets["village_code"].values),
        hamlet_weight=np.asarray(geo.hamlets["weight"].values, dtype=float),
    )
