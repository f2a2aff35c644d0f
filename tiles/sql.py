"""All SQL of the tiles package: one tile statement and one bounds statement per layer.

Tile statements clip in Web Mercator (ST_AsMVTGeom with a 64-unit buffer) but filter with `&&` on the
indexed 4326 column against the tile envelope (grown by the same buffer) transformed to 4326, so the GiST
index is used. ST_AsMVT skips the rows whose clipped geometry is NULL (outside the tile), so there
is no `WHERE geom IS NOT NULL` (PostgreSQL would push it down and clip every feature twice). Only :z, :x, :y and a band's fixed values (the H3 resolution) are bound.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

# ST_TileEnvelope(margin => 64/4096): the buffer ST_AsMVTGeom draws, so edge features are not lost.
ENVELOPE_4326 = "ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4326)"
MAJOR_ROADS = "'motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link', 'secondary', 'secondary_link'"


def _tile(layer: str, alias: str, columns: str, source: str, where: str = "") -> str:
    """One layer's tile statement: the attributes, the clipped geometry, the indexed `&&` filter."""
    # module constants only, never user values
    return f"""
        SELECT ST_AsMVT(t, '{layer}', 4096, 'geom') FROM (
            SELECT {columns},
                   ST_AsMVTGeom(ST_Transform({alias}.geom, 3857), ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom
            FROM {source}
            WHERE {alias}.geom && {ENVELOPE_4326}{where}
        ) t
    """  # noqa: S608


# Only fixed identifiers go into these statements (no user values): built once at import.
TILE_SQL: dict[str, str] = {
    "townships": _tile(
        "townships", "a", "a.code, a.name, a.kind", "admin_areas a", " AND a.level = 'township'"
    ),
    "villages": _tile(
        "villages", "a", "a.code, a.name, a.kind, a.parent_code", "admin_areas a", " AND a.level = 'village'"
    ),
    "roads": _tile("roads", "r", "r.highway, r.name, r.oneway", "road_edges r"),
    # The class lists repeat the predicates of the partial GiST indexes of migration 0004, so the planner
    # reads only the few major edges at low zooms instead of every edge in the county.
    "roads:major": _tile(
        "roads", "r", "r.highway, r.name, r.oneway", "road_edges r", f" AND r.highway IN ({MAJOR_ROADS})"
    ),
    "roads:tertiary": _tile(
        "roads",
        "r",
        "r.highway, r.name, r.oneway",
        "road_edges r",
        f" AND r.highway IN ({MAJOR_ROADS}, 'tertiary', 'tertiary_link')",
    ),
    "water": _tile("water", "w", "w.name, w.kind", "water_areas w"),
    "enterprises": _tile(
        "enterprises",
        "s",
        "s.site_id, s.enterprise_id, e.name AS enterprise, s.name AS site,"
        " coalesce(v.vacancies, 0) AS vacancies, coalesce(v.positions, 0) AS positions",
        # public enterprises only (approved by the county at least once), under their approved name
        "enterprise_sites s JOIN public_enterprises e ON e.enterprise_id = s.enterprise_id"
        " LEFT JOIN LATERAL (SELECT count(*) AS vacancies, sum(o.positions) AS positions"
        " FROM vacancies o WHERE o.site_id = s.site_id AND o.status = 'open') v ON true",
    ),
    "parks": _tile(
        "parks",
        "p",
        "p.park_id, p.name, p.kind, p.capacity, p.unit, coalesce(o.occupancy, 0) AS occupancy",
        "parks p LEFT JOIN LATERAL (SELECT sum(t.units) AS occupancy FROM park_tenants t"
        " WHERE t.park_id = p.park_id AND t.moved_out_on IS NULL) o ON true",
    ),
    "heat": _tile(
        "heat",
        "h",
        "h.h3, h.resolution, h.seekers, h.positions, h.positions - h.seekers AS balance",
        "heat_hexagons h",
        " AND h.resolution = :resolution",
    ),
}


def _bounds(source: str) -> str:
    """The extent of a layer's geometries."""
    return f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Extent(geom) AS b FROM {source}) e"  # noqa: S608


BOUNDS_SQL: dict[str, str] = {
    "townships": _bounds("admin_areas WHERE level = 'township'"),
    "villages": _bounds("admin_areas WHERE level = 'village'"),
    "roads": _bounds("road_edges"),
    "water": _bounds("water_areas"),
    "enterprises": _bounds("enterprise_sites"),
    "parks": _bounds("parks"),
    "heat": _bounds("heat_hexagons"),
}

# Tile queries are small but their estimated cost is large (ST_AsMVTGeom is costed high): left alone,
# PostgreSQL JIT-compiles them (~0.5 s) and starts parallel workers, both far slower than the query.
TILE_SESSION = text(
    "SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)"
)

GIST_INDEXED = text(
    """
    SELECT EXISTS (
        SELECT 1 FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_am am ON am.oid = ic.relam
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)
        WHERE c.oid = to_regclass(:table) AND a.attname = :column AND am.amname = 'gist'
    )
    """
)
TABLE_EXISTS = text("SELECT to_regclass(:table) IS NOT NULL")

HEAT_TABLE_EXISTS = text("SELECT to_regclass('heat_hexagons') IS NOT NULL")
AVAILABLE_RESIDENTS = text(
    """
    SELECT coalesce(array_agg(ST_Y(geom)), '{}'), coalesce(array_agg(ST_X(geom)), '{}') FROM residents
    WHERE status IN ('seeking', 'farming') OR (status = 'working_away' AND wish_to_return)
    """
)
OPEN_POSITIONS_AT_SITES = text(
    """
    SELECT ST_Y(s.geom) AS lat, ST_X(s.geom) AS lon, sum(v.positions) AS positions
    FROM vacancies v JOIN enterprise_sites s ON s.site_id = v.site_id
    WHERE v.status = 'open'
    GROUP BY s.site_id
    """
)
CLEAR_HEAT = text("TRUNCATE heat_hexagons")
COPY_HEAT = "COPY heat_hexagons (h3, resolution, seekers, positions, geom) FROM STDIN"
ANALYZE_HEAT = text("ANALYZE heat_hexagons")


def tile_statement(key: str) -> TextClause:
    """The compiled tile statement of a layer or layer band from the allow-list (KeyError for others)."""
    return text(TILE_SQL[key])


def bounds_statement(layer: str) -> TextClause:
    """The statement giving a layer's data extent (xmin, ymin, xmax, ymax; NULLs when it is empty)."""
    return text(BOUNDS_SQL[layer])
