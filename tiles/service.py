"""The tile service: layer SQL compiled once at start-up, tiles and bounds fetched per request."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, TextClause

from geo.core.errors import Conflict, NotFound
from tiles.layers import LAYER_NAMES, LAYERS, Layer
from tiles.sql import GIST_INDEXED, TABLE_EXISTS, TILE_SESSION, bounds_statement, tile_statement

log = logging.getLogger(__name__)

WORLD_BOUNDS = (-180.0, -85.0511287798066, 180.0, 85.0511287798066)


@dataclass(frozen=True)
class CompiledLayer:
    """A layer with its tile statements (one per zoom band) and bounds statement, built once."""

    layer: Layer
    tile_sql: tuple[TextClause, ...]
    bounds_sql: TextClause

    @classmethod
    def build(cls, layer: Layer) -> CompiledLayer:
        """Compile the layer's statements from the allow-list in tiles.sql."""
        tile_sql = tuple(tile_statement(band.statement or layer.name) for band in layer.bands)
        return cls(layer, tile_sql, bounds_statement(layer.name))


class TileService:
    """Serves the allow-listed layers; holds no connection, borrows the request's."""

    def __init__(self, layers: tuple[Layer, ...] = LAYERS) -> None:
        self.layers = {layer.name: CompiledLayer.build(layer) for layer in layers}
        self.missing_tables: set[str] = set()

    @classmethod
    def start(cls, engine: Engine) -> TileService:
        """Build the service and warn (like martin) about missing tables or geometry columns without GiST."""
        service = cls()
        with engine.connect() as conn:
            for warning in service.check_indexes(conn):
                log.warning(warning)
        return service

    def check_indexes(self, conn: Connection) -> list[str]:
        """Warnings for every layer whose table is missing or whose geometry column has no GiST index."""
        warnings: list[str] = []
        for compiled in self.layers.values():
            layer = compiled.layer
            if not conn.execute(TABLE_EXISTS, {"table": layer.table}).scalar_one():
                self.missing_tables.add(layer.table)
                warnings.append(
                    f"tile layer {layer.name!r}: table {layer.table} does not exist (hongyan db upgrade)"
                )
                continue
            indexed = conn.execute(GIST_INDEXED, {"table": layer.table, "column": layer.geometry_column})
            if not indexed.scalar_one():
                warnings.append(
                    f"tile layer {layer.name!r}: {layer.table}.{layer.geometry_column} has no GiST index; "
                    f"tiles will scan the whole table (CREATE INDEX ON {layer.table} USING gist "
                    f"({layer.geometry_column}))"
                )
        return warnings

    def layer(self, name: str) -> CompiledLayer:
        """The compiled layer called ``name``; NotFound naming the known layers otherwise."""
        compiled = self.layers.get(name)
        if compiled is None:
            raise NotFound(f"unknown tile layer {name!r}: the layers are {', '.join(LAYER_NAMES)}")
        if compiled.layer.table in self.missing_tables:
            raise Conflict(
                f"tile layer {name!r} needs table {compiled.layer.table}: run `hongyan db upgrade`"
            )
        return compiled

    def tile(self, conn: Connection, name: str, z: int, x: int, y: int) -> bytes:
        """The layer's Mapbox Vector Tile at z/x/y (b'' when empty); NotFound outside its zooms or the grid."""
        compiled = self.layer(name)
        layer = compiled.layer
        index = layer.band_index(z)
        if index is None:
            raise NotFound(
                f"zoom {z} is outside layer {name!r}'s range: it serves zoom {layer.minzoom} to {layer.maxzoom}"
            )
        last = 2**z - 1
        if not (0 <= x <= last and 0 <= y <= last):
            raise NotFound(f"tile {z}/{x}/{y} does not exist: at zoom {z}, x and y must be within 0..{last}")
        params = {"z": z, "x": x, "y": y, **layer.bands[index].params}
        conn.execute(TILE_SESSION)  # until the end of the request's transaction
        data = conn.execute(compiled.tile_sql[index], params).scalar_one()
        return bytes(data) if data else b""

    def bounds(self, conn: Connection, name: str) -> tuple[float, float, float, float]:
        """The layer's data extent (west, south, east, north) in WGS84; the whole world when empty."""
        row = conn.execute(self.layer(name).bounds_sql).one()
        if row[0] is None:
            return WORLD_BOUNDS
        return float(row[0]), float(row[1]), float(row[2]), float(row[3])
