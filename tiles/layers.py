"""The allow-list of tile layers: what each serves, its attributes, zoom range and per-zoom bands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EXTENT = 4096  # MVT tile coordinates per side
BUFFER = 64  # tile coordinates drawn beyond the edge, so lines and polygons join across tiles
MARGIN = BUFFER / EXTENT  # the same buffer as a fraction of the tile, for ST_TileEnvelope(margin => …)

# Road classes drawn below z11 and below z13 (tiles.sql and migration 0004 spell the same lists).
MAJOR_ROADS: tuple[str, ...] = (
    *("motorway", "motorway_link", "trunk", "trunk_link"),
    *("primary", "primary_link", "secondary", "secondary_link"),
)
TERTIARY_ROADS = (*MAJOR_ROADS, "tertiary", "tertiary_link")

HEAT_RESOLUTIONS = (6, 7, 8)


@dataclass(frozen=True)
class Band:
    """A zoom range of a layer: its own tile SQL (road classes) and fixed parameters (H3 resolution)."""

    minzoom: int
    maxzoom: int
    params: Mapping[str, Any] = field(default_factory=dict)
    statement: str | None = None  # key of its tile SQL in tiles.sql.TILE_SQL; None = the layer's name


@dataclass(frozen=True)
class Layer:
    """One vector tile layer: its source table (for the index check), fields and zoom bands."""

    name: str
    description: str
    table: str
    geometry_type: str
    fields: Mapping[str, str]
    bands: tuple[Band, ...]
    geometry_column: str = "geom"

    @property
    def minzoom(self) -> int:
        """The lowest zoom the layer serves."""
        return min(b.minzoom for b in self.bands)

    @property
    def maxzoom(self) -> int:
        """The highest zoom the layer serves (clients over-zoom beyond it)."""
        return max(b.maxzoom for b in self.bands)

    def band_index(self, z: int) -> int | None:
        """The index of the band serving zoom ``z``, None outside the layer's range."""
        return next((i for i, b in enumerate(self.bands) if b.minzoom <= z <= b.maxzoom), None)


AREA_FIELDS = {"code": "12 位行政区划代码 12-digit area code", "name": "名称 name", "kind": "类别 kind"}

LAYERS: tuple[Layer, ...] = (
    Layer(
        "townships",
        "乡镇/园区 Townships, the development zone and special areas",
        "admin_areas",
        "polygon",
        AREA_FIELDS,
        (Band(6, 16),),
    ),
    Layer(
        "villages",
        "村/社区 Villages and urban communities",
        "admin_areas",
        "polygon",
        {**AREA_FIELDS, "parent_code": "所属乡镇代码 township code"},
        (Band(10, 16),),
    ),
    Layer(
        "roads",
        "道路 Roads: trunk–secondary below z11, tertiary and up below z13, every class from z13",
        "road_edges",
        "line",
        {"highway": "OSM highway class", "name": "路名 road name", "oneway": "单行 one way"},
        (
            Band(8, 10, statement="roads:major"),
            Band(11, 12, statement="roads:tertiary"),
            Band(13, 16),
        ),
    ),
    Layer(
        "water",
        "水域 Lakes, rivers, reservoirs and ponds",
        "water_areas",
        "polygon",
        {"name": "名称 name", "kind": "lake, river, reservoir or pond"},
        (Band(6, 16),),
    ),
    Layer(
        "enterprises",
        "企业场所 Enterprise sites with their open vacancies and positions",
        "enterprise_sites",
        "point",
        {
            "site_id": "场所编号 site id",
            "enterprise_id": "企业编号 enterprise id",
            "enterprise": "企业名称 enterprise name",
            "site": "场所名称 site name",
            "vacancies": "在招岗位数 open vacancies",
            "positions": "在招人数 open positions",
        },
        (Band(11, 18),),
    ),
    Layer(
        "parks",
        "园区 Parks and incubators (返乡创业园, 青年创业园, 众创空间, 孵化器, 加速器) with capacity and occupancy",
        "parks",
        "point",
        {
            "park_id": "园区编号 park id",
            "name": "名称 name",
            "kind": "returnee_park, youth_park, makerspace, incubator or accelerator",
            "capacity": "容量 capacity (units or desks)",
            "unit": "units or desks",
            "occupancy": "已入驻 occupied units or desks",
        },
        (Band(8, 18),),
    ),
    Layer(
        "heat",
        "供需热力 H3 hexagons: available people, open positions and the balance (res 6 ≤ z9, 7 z10–11, 8 ≥ z12)",
        "heat_hexagons",
        "polygon",
        {
            "h3": "H3 cell",
            "resolution": "H3 resolution",
            "seekers": "可就业人数 available people (seeking, farming, or away and wishing to return)",
            "positions": "在招人数 open positions",
            "balance": "positions − seekers",
        },
        (
            Band(6, 9, {"resolution": 6}),
            Band(10, 11, {"resolution": 7}),
            Band(12, 16, {"resolution": 8}),
        ),
    ),
)

LAYER_NAMES: tuple[str, ...] = tuple(layer.name for layer in LAYERS)
