"""Storing a road graph: one transaction replaces road_nodes and road_edges and bumps the network version."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from sqlalchemy import Engine

from geo.core.db import copy_rows
from geo.core.errors import Conflict
from geo.core.export import export_query
from geo.core.queries import (
    ANALYZE_ROADS,
    COPY_ROAD_EDGES,
    COPY_ROAD_NODES,
    EXPORT_ROAD_EDGES,
    NETWORK_INFO,
    TRUNCATE_ROADS,
    UPSERT_NETWORK_INFO,
)
from geo.osm.osm_read import OsmWays, read_osm_file
from geo.osm.road_graph import RoadGraph, build_road_graph
from geo.osm.road_place import ways_from_osmnx

if TYPE_CHECKING:
    import networkx as nx

Progress = Callable[[str], None]
SRID = 4326


@dataclass(frozen=True)
class RoadImportReport:
    """What an import stored: counts, total length, connectivity, the new version and how long it took."""

    node_count: int
    edge_count: int
    total_length_m: float
    main_component_nodes: int
    island_count: int
    version: int
    seconds: float
    source: str = ""
    missing_nodes: int = 0  # node references the input had no location for (ways were cut there)


def _say(progress: Progress | None, message: str) -> None:
    """Report a step if anyone listens."""
    if progress is not None:
        progress(message)


def _ewkb_hex(geoms: Any) -> list[str]:
    """Geometries as hex EWKB with SRID 4326, the text form PostGIS reads losslessly in COPY."""
    return list(shapely.to_wkb(shapely.set_srid(geoms, SRID), hex=True, include_srid=True))


def edge_lines(graph: RoadGraph) -> Any:
    """The edges' polylines as a shapely array (WGS84 lon/lat), in edge order."""
    counts = np.diff(graph.vertex_offsets)
    index = np.repeat(np.arange(graph.edge_count), counts)
    return shapely.linestrings(graph.vertex_lons, graph.vertex_lats, indices=index)


def _node_rows(graph: RoadGraph) -> Iterable[tuple[Any, ...]]:
    """COPY rows of road_nodes."""
    components = graph.node_component.tolist()
    return zip(
        range(1, graph.node_count + 1),
        graph.node_osm_ids.tolist(),
        components,
        [c == 0 for c in components],
        _ewkb_hex(shapely.points(graph.node_lons, graph.node_lats)),
        strict=True,
    )


def _edge_rows(graph: RoadGraph) -> Iterable[tuple[Any, ...]]:
    """COPY rows of road_edges."""
    components = graph.edge_component.tolist()
    costs = [column.tolist() for mode in ("walk", "ebike", "car") for column in graph.costs[mode]]
    return zip(
        range(1, graph.edge_count + 1),
        graph.edge_source.tolist(),
        graph.edge_target.tolist(),
        graph.edge_way_ids.tolist(),
        graph.edge_name,
        graph.edge_highway,
        graph.edge_oneway.tolist(),
        graph.edge_length_m.tolist(),
        *costs,
        components,
        [c == 0 for c in components],
        _ewkb_hex(edge_lines(graph)),
        strict=True,
    )


def store_road_graph(
    engine: Engine, graph: RoadGraph, *, source: str, progress: Progress | None = None
) -> int:
    """Replace the stored network with ``graph`` in one transaction; returns the new version."""
    _say(progress, f"preparing {graph.node_count + graph.edge_count:,} rows")
    node_rows, edge_rows = _node_rows(graph), _edge_rows(graph)
    with engine.begin() as conn:
        conn.execute(TRUNCATE_ROADS)
        _say(progress, f"loading {graph.node_count:,} nodes")
        copy_rows(conn, COPY_ROAD_NODES, node_rows)
        _say(progress, f"loading {graph.edge_count:,} edges")
        copy_rows(conn, COPY_ROAD_EDGES, edge_rows)
        version = conn.execute(
            UPSERT_NETWORK_INFO,
            {
                "source": source,
                "node_count": graph.node_count,
                "edge_count": graph.edge_count,
                "total_length_m": graph.total_length_m,
                "main_component_nodes": graph.main_component_nodes,
                "island_count": graph.island_count,
            },
        ).scalar_one()
    _say(progress, "analysing the road tables")
    with engine.begin() as conn:
        conn.execute(ANALYZE_ROADS)
    return int(version)


def import_road_ways(
    engine: Engine, ways: OsmWays, *, source: str, progress: Progress | None = None
) -> RoadImportReport:
    """Build the graph from ways and store it; the shared tail of every road import."""
    started = time.perf_counter()
    _say(progress, f"building the graph from {len(ways):,} ways")
    graph = build_road_graph(ways, source=source)
    version = store_road_graph(engine, graph, source=source, progress=progress)
    return RoadImportReport(
        node_count=graph.node_count,
        edge_count=graph.edge_count,
        total_length_m=graph.total_length_m,
        main_component_nodes=graph.main_component_nodes,
        island_count=graph.island_count,
        version=version,
        seconds=time.perf_counter() - started,
        source=source,
        missing_nodes=ways.missing_nodes,
    )


def import_osm_file(engine: Engine, path: Path, *, progress: Progress | None = None) -> RoadImportReport:
    """Import the roads of an OSM file (.osm, .osm.bz2, .osm.gz, .osm.pbf), replacing the network."""
    started = time.perf_counter()
    _say(progress, f"reading {path.name}")
    ways = read_osm_file(path, progress=progress)
    report = import_road_ways(engine, ways, source=path.name, progress=progress)
    return _with_seconds(report, time.perf_counter() - started)


def import_osmnx_graph(
    engine: Engine, graph: nx.MultiDiGraph, *, source: str, progress: Progress | None = None
) -> RoadImportReport:
    """Import an unsimplified osmnx graph (e.g. downloaded for a place) through the same graph builder."""
    started = time.perf_counter()
    _say(progress, f"converting the osmnx graph ({len(graph):,} nodes)")
    ways = ways_from_osmnx(graph)
    report = import_road_ways(engine, ways, source=source, progress=progress)
    return _with_seconds(report, time.perf_counter() - started)


def _with_seconds(report: RoadImportReport, seconds: float) -> RoadImportReport:
    """The report with the total time, reading included."""
    return replace(report, seconds=seconds)


def network_info(engine: Engine) -> dict[str, Any] | None:
    """The stored network's version, source, time and counts, or None if no network was imported."""
    with engine.connect() as conn:
        row = conn.execute(NETWORK_INFO).mappings().first()
    return dict(row) if row is not None else None


def export_road_edges(engine: Engine, path: Path) -> int:
    """Write the stored edges (edge_id, u, v, length_m, highway, oneway, name, costs, geometry) to a GIS file."""
    if network_info(engine) is None:
        raise Conflict("no road network yet: run `hongyan import roads --osm-file PATH` first")
    return export_query(engine, EXPORT_ROAD_EDGES, path, layer="roads")
