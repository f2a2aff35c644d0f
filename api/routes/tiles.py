"""Vector tiles like martin: `/tiles/{layer}/{z}/{x}/{y}.pbf`, TileJSON per layer and a catalog."""

from __future__ import annotations

import gzip
import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from api.deps import ConnectionDep
from api.errors import raises
from api.schemas.common import BINARY
from api.types import Int4
from geo.core.errors import Conflict
from tiles.layers import Layer
from tiles.service import TileService

router = APIRouter(tags=["tiles"])

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
CACHE_CONTROL = "public, max-age=300"


def get_tiles(request: Request) -> TileService:
    """The tile service created with the app."""
    service: TileService = request.app.state.tiles
    return service


TilesDep = Annotated[TileService, Depends(get_tiles)]
LayerPath = Annotated[
    str, Path(description="图层 layer: townships, villages, roads, water, enterprises, heat")
]


class VectorLayer(BaseModel):
    """One entry of TileJSON's vector_layers."""

    id: str
    description: str
    minzoom: int
    maxzoom: int
    fields: dict[str, str]


class TileJSON(BaseModel):
    """TileJSON 3.0.0 of one layer."""

    tilejson: str = "3.0.0"
    name: str
    description: str
    scheme: str = "xyz"
    tiles: list[str]
    minzoom: int
    maxzoom: int
    bounds: list[float] = Field(description="west, south, east, north (WGS84) of the layer's data")
    center: list[float] = Field(description="longitude, latitude, zoom")
    vector_layers: list[VectorLayer]


class CatalogEntry(BaseModel):
    """A layer in the catalog."""

    id: str
    description: str
    geometry_type: str
    minzoom: int
    maxzoom: int
    fields: dict[str, str]
    tilejson: str


class Catalog(BaseModel):
    """Every tile layer this server offers."""

    layers: list[CatalogEntry]


def _vector_layer(layer: Layer) -> VectorLayer:
    """A layer's entry in TileJSON's vector_layers."""
    return VectorLayer(
        id=layer.name,
        description=layer.description,
        minzoom=layer.minzoom,
        maxzoom=layer.maxzoom,
        fields=dict(layer.fields),
    )


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (listed, or `*`, without q=0)."""
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            q = params.strip().lower().removeprefix("q=")
            try:
                return not params.strip() or float(q) > 0
            except ValueError:
                return False
    return False


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether If-None-Match names this ETag (weak comparison, `*` matches)."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


@router.get("/tiles/catalog", operation_id="tile_catalog", response_model=Catalog)
def catalog(request: Request, tiles: TilesDep) -> Catalog:
    """图层目录 Every vector tile layer with its fields, zoom range and TileJSON URL."""
    base = str(request.base_url)
    return Catalog(
        layers=[
            CatalogEntry(
                id=c.layer.name,
                description=c.layer.description,
                geometry_type=c.layer.geometry_type,
                minzoom=c.layer.minzoom,
                maxzoom=c.layer.maxzoom,
                fields=dict(c.layer.fields),
                tilejson=f"{base}tiles/{c.layer.name}.json",
            )
            for c in tiles.layers.values()
        ]
    )


@router.get(
    "/tiles/{layer}.json", operation_id="tilejson", response_model=TileJSON, responses=raises(Conflict)
)
def tilejson(request: Request, conn: ConnectionDep, tiles: TilesDep, layer: LayerPath) -> TileJSON:
    """TileJSON 3.0.0 of a layer: tile URL template, zoom range, data bounds and fields."""
    compiled = tiles.layer(layer)
    west, south, east, north = tiles.bounds(conn, layer)
    meta = compiled.layer
    return TileJSON(
        name=meta.name,
        description=meta.description,
        tiles=[f"{request.base_url}tiles/{meta.name}/{{z}}/{{x}}/{{y}}.pbf"],
        minzoom=meta.minzoom,
        maxzoom=meta.maxzoom,
        bounds=[west, south, east, north],
        center=[(west + east) / 2, (south + north) / 2, float(max(meta.minzoom, 10))],
        vector_layers=[_vector_layer(meta)],
    )


@router.get(
    "/tiles/{layer}/{z}/{x}/{y}.pbf",
    operation_id="tile",
    response_class=Response,
    responses={
        200: {"content": {MVT_MEDIA_TYPE: BINARY}, "description": "the tile (gzip when accepted)"},
        204: {"description": "no features in this tile"},
        304: {"description": "unchanged since the ETag sent in If-None-Match"},
        **raises(Conflict),
        404: {"description": "unknown layer, zoom outside the layer's range, or x/y outside the grid"},
    },
)
def tile(
    request: Request,
    conn: ConnectionDep,
    tiles: TilesDep,
    layer: LayerPath,
    z: Annotated[Int4, Path(description="缩放级别 zoom")],
    x: Annotated[Int4, Path(description="列 column, 0 … 2^z − 1")],
    y: Annotated[Int4, Path(description="行 row from the north, 0 … 2^z − 1")],
) -> Response:
    """矢量瓦片 A Mapbox Vector Tile of the layer; 204 when empty, 304 when the ETag still holds."""
    data = tiles.tile(conn, layer, z, x, y)
    headers = {"Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    if not data:
        return Response(status_code=204, headers=headers)
    gz = accepts_gzip(request.headers.get("accept-encoding", ""))
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    headers["ETag"] = f'"{digest}-gz"' if gz else f'"{digest}"'  # one tag per representation
    if etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    if gz:
        headers["Content-Encoding"] = "gzip"
        data = gzip.compress(data, compresslevel=6, mtime=0)
    return Response(content=data, media_type=MVT_MEDIA_TYPE, headers=headers)
