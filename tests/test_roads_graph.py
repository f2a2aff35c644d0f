"""The graph builder on small hand-made OSM files: junctions, loops, one-ways, access, costs, components."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import osmnx as ox
import pytest
from pyproj import Geod
from roads_osm import canonical_edges, edge_nodes, write_osm

from geo.osm.osm_read import read_osm_file
from geo.osm.road_costs import oneway_of, way_rules
from geo.osm.road_graph import RoadGraph, build_road_graph
from geo.osm.road_place import osmnx_settings, ways_from_osmnx

GEOD = Geod(ellps="WGS84")


def at(i: float, j: float, *, lon0: float = 116.3, lat0: float = 32.3) -> tuple[float, float]:
    """A point on a 0.001-degree grid near Huoqiu."""
    return (round(lon0 + 0.001 * i, 7), round(lat0 + 0.001 * j, 7))


def build(
    tmp_path: Path,
    nodes: Mapping[int, tuple[float, float]],
    ways: list[tuple[int, list[int], dict[str, str]]],
    name: str = "t.osm",
) -> RoadGraph:
    """Write the ways to an OSM file, read it back and build the graph."""
    return build_road_graph(read_osm_file(write_osm(tmp_path / name, nodes, ways)))


def edge_vertices(graph: RoadGraph, edge: int) -> list[tuple[float, float]]:
    """The vertices of 0-based edge ``edge``."""
    lo, hi = graph.vertex_offsets[edge], graph.vertex_offsets[edge + 1]
    return list(zip(graph.vertex_lons[lo:hi].tolist(), graph.vertex_lats[lo:hi].tolist(), strict=True))


def edge_by_nodes(graph: RoadGraph, src: int, dst: int) -> int:
    """The 0-based index of the edge between two OSM nodes (in that direction)."""
    s = graph.node_osm_ids[graph.edge_source - 1]
    t = graph.node_osm_ids[graph.edge_target - 1]
    (hits,) = np.nonzero((s == src) & (t == dst))
    assert len(hits) == 1, (src, dst, hits)
    return int(hits[0])


RES = {"highway": "residential"}


def test_ways_split_at_shared_nodes_only(tmp_path: Path) -> None:
    """Graph nodes are ends and shared nodes; a node inside one way only stays a vertex."""
    nodes = {1: at(0, 0), 2: at(1, 0), 3: at(2, 0), 4: at(1, 1), 5: at(1, 2)}
    g = build(tmp_path, nodes, [(10, [1, 2, 3], RES), (11, [2, 4, 5], RES)])
    assert edge_nodes(g) == [(1, 2), (2, 3), (2, 5)]
    assert sorted(g.node_osm_ids.tolist()) == [1, 2, 3, 5]
    e = edge_by_nodes(g, 2, 5)
    assert edge_vertices(g, e) == [nodes[2], nodes[4], nodes[5]]
    lons, lats = zip(*edge_vertices(g, e), strict=True)
    assert g.edge_length_m[e] == pytest.approx(GEOD.line_length(lons, lats), rel=1e-12)
    assert g.edge_way_ids[e] == 11


@pytest.mark.parametrize(("lon0", "lat0"), [(116.3, 32.3), (24.94, 60.17), (-70.0, -54.8), (0.0, 0.0)])
def test_lengths_are_geodesic_anywhere(tmp_path: Path, lon0: float, lat0: float) -> None:
    """Lengths are WGS84 geodesic lengths wherever the data lies, not a local projection's."""
    nodes = {i: at(i * 3, i * i, lon0=lon0, lat0=lat0) for i in range(1, 6)}
    g = build(tmp_path, nodes, [(10, [1, 2, 3, 4, 5], RES)])
    lons, lats = zip(*(nodes[i] for i in range(1, 6)), strict=True)
    assert g.edge_count == 1
    assert g.total_length_m == pytest.approx(GEOD.line_length(lons, lats), rel=1e-12)


def test_oneway_reverse_geometry_runs_along_allowed_direction(tmp_path: Path) -> None:
    """oneway=-1: the edge is stored from the last node to the first, cars may not go back."""
    nodes = {1: at(0, 0), 2: at(1, 0), 3: at(2, 0)}
    g = build(tmp_path, nodes, [(10, [1, 2, 3], {**RES, "oneway": "-1"})])
    assert edge_nodes(g) == [(3, 1)]
    assert edge_vertices(g, 0) == [nodes[3], nodes[2], nodes[1]]
    assert g.edge_oneway.tolist() == [True]
    car, back_car = g.costs["car"]
    assert car[0] > 0 and back_car[0] == -1
    for mode in ("walk", "ebike"):
        forward, back = g.costs[mode]
        assert forward[0] > 0 and back[0] == forward[0]


def test_oneway_yes_binds_cars_only(tmp_path: Path) -> None:
    """oneway=yes keeps the node order; walkers and e-bikes still go both ways."""
    nodes = {1: at(0, 0), 2: at(1, 0)}
    g = build(tmp_path, nodes, [(10, [1, 2], {"highway": "tertiary", "oneway": "yes"})])
    assert edge_nodes(g) == [(1, 2)]
    assert g.costs["car"][1][0] == -1
    assert g.costs["walk"][1][0] == g.costs["walk"][0][0] > 0
    assert g.costs["ebike"][1][0] == g.costs["ebike"][0][0] > 0


def test_motorway_is_one_way_and_cars_only(tmp_path: Path) -> None:
    """A motorway implies oneway and is closed to walking and e-bikes."""
    g = build(tmp_path, {1: at(0, 0), 2: at(5, 0)}, [(10, [1, 2], {"highway": "motorway"})])
    assert g.edge_oneway.tolist() == [True]
    assert g.costs["car"][0][0] == pytest.approx(g.edge_length_m[0] / (100 / 3.6))
    assert g.costs["car"][1][0] == -1
    for mode in ("walk", "ebike"):
        assert [c[0] for c in g.costs[mode]] == [-1, -1]


def test_costs_are_length_over_class_speed(tmp_path: Path) -> None:
    """Seconds = metres / speed of the class for the mode."""
    g = build(tmp_path, {1: at(0, 0), 2: at(3, 4)}, [(10, [1, 2], RES)])
    length = g.edge_length_m[0]
    assert g.costs["walk"][0][0] == pytest.approx(length / (4.5 / 3.6))
    assert g.costs["ebike"][0][0] == pytest.approx(length / (18 / 3.6))
    assert g.costs["car"][0][0] == pytest.approx(length / (25 / 3.6))
    assert g.costs["car"][1][0] == g.costs["car"][0][0]


ROUNDABOUT = {1: at(0, 1), 2: at(1, 2), 3: at(2, 2), 4: at(3, 1), 5: at(2, 0), 6: at(1, 0)}
ROUNDABOUT_ARMS = {7: at(-2, 1), 8: at(5, 1)}


@pytest.mark.parametrize("ring", [[1, 2, 3, 4, 5, 6, 1], [3, 4, 5, 6, 1, 2, 3], [5, 6, 1, 2, 3, 4, 5]])
def test_closed_way_is_cut_at_junctions_wherever_it_starts(tmp_path: Path, ring: list[int]) -> None:
    """A roundabout gives the same edges whichever node its way starts at; its edges are one-way."""
    ways = [
        (30, ring, {"highway": "primary", "junction": "roundabout"}),
        (20, [7, 1], {"highway": "primary"}),
        (21, [4, 8], {"highway": "primary"}),
    ]
    g = build(tmp_path, {**ROUNDABOUT, **ROUNDABOUT_ARMS}, ways)
    assert edge_nodes(g) == [(1, 4), (4, 1), (4, 8), (7, 1)]
    e = edge_by_nodes(g, 1, 4)
    assert edge_vertices(g, e) == [ROUNDABOUT[i] for i in (1, 2, 3, 4)]
    assert g.edge_oneway[e] and g.costs["car"][1][e] == -1


def test_isolated_loop_is_split_not_dropped(tmp_path: Path) -> None:
    """A closed way touching nothing becomes two edges (no self-loop), keeping its whole length."""
    ring = [1, 2, 3, 4, 5, 6, 1]
    g = build(tmp_path, ROUNDABOUT, [(30, ring, {"highway": "service"})])
    assert edge_nodes(g) == [(1, 4), (4, 1)]
    assert (g.edge_source != g.edge_target).all()
    lons, lats = zip(*(ROUNDABOUT[i] for i in ring), strict=True)
    assert g.total_length_m == pytest.approx(GEOD.line_length(lons, lats), rel=1e-12)


def test_way_coming_back_to_itself_is_split(tmp_path: Path) -> None:
    """A node repeated within a way is a graph node; the loop it closes is split at its middle vertex."""
    nodes = {1: at(0, 0), 2: at(1, 0), 3: at(2, 1), 4: at(2, -1)}
    g = build(tmp_path, nodes, [(10, [1, 2, 3, 4, 2], RES)])
    assert edge_nodes(g) == [(1, 2), (2, 3), (3, 2)]
    assert edge_vertices(g, edge_by_nodes(g, 3, 2)) == [nodes[3], nodes[4], nodes[2]]


def test_zero_length_edges_and_repeated_refs_are_dropped(tmp_path: Path) -> None:
    """Consecutive repeated refs collapse; an edge between two nodes at the same spot is dropped."""
    nodes = {1: at(0, 0), 2: at(0, 0), 3: at(1, 0), 4: at(1, 1)}
    ways = [(10, [1, 2], RES), (11, [2, 2, 3, 3], RES), (12, [1, 4, 3], RES)]
    g = build(tmp_path, nodes, ways)
    assert edge_nodes(g) == [(1, 3), (2, 3)]
    assert (g.edge_length_m > 0).all()


def test_components_largest_first_islands_flagged(tmp_path: Path) -> None:
    """Component 0 is the largest; islands are kept with their own component numbers."""
    nodes = {1: at(0, 0), 2: at(1, 0), 3: at(2, 0), 4: at(3, 0), 5: at(9, 9), 6: at(9, 10)}
    ways = [(10, [5, 6], RES), (11, [1, 2], RES), (12, [2, 3], RES), (13, [3, 4], RES)]
    g = build(tmp_path, nodes, ways)
    comp = dict(zip(g.node_osm_ids.tolist(), g.node_component.tolist(), strict=True))
    assert comp == {1: 0, 2: 0, 3: 0, 4: 0, 5: 1, 6: 1}
    assert (g.main_component_nodes, g.island_count) == (4, 1)
    assert g.edge_component.tolist() == [comp[int(g.node_osm_ids[s - 1])] for s in g.edge_source]


@pytest.mark.parametrize(
    ("tags", "allowed"),
    [
        ({"highway": "residential"}, (True, True, True)),
        ({"highway": "footway"}, (True, True, False)),
        ({"highway": "steps"}, (True, False, False)),
        ({"highway": "cycleway"}, (True, True, False)),
        ({"highway": "motorway"}, (False, False, True)),
        ({"highway": "track"}, (True, True, True)),
        ({"highway": "residential", "access": "private"}, None),
        ({"highway": "residential", "access": "no"}, None),
        ({"highway": "service", "access": "no", "foot": "yes"}, (True, False, False)),
        ({"highway": "track", "access": "private", "motor_vehicle": "yes"}, (False, False, True)),
        ({"highway": "residential", "foot": "no"}, (False, True, True)),
        ({"highway": "residential", "bicycle": "no"}, (True, False, True)),
        ({"highway": "residential", "motor_vehicle": "no"}, (True, True, False)),
        ({"highway": "residential", "motorcar": "no"}, (True, True, False)),
        ({"highway": "residential", "vehicle": "no"}, (True, False, False)),
        ({"highway": "residential", "vehicle": "no", "bicycle": "yes"}, (True, True, False)),
        ({"highway": "path", "motor_vehicle": "yes"}, (True, True, True)),
        ({"highway": "pedestrian", "area": "yes"}, None),
        ({"highway": "construction"}, None),
        ({"highway": "proposed"}, None),
        ({"highway": "residential", "construction": "yes"}, None),
        ({"highway": "residential", "construction": "minor"}, (True, True, True)),
        ({"highway": "bus_stop"}, None),
        ({"building": "yes"}, None),
    ],
)
def test_access_rules(tags: dict[str, str], allowed: tuple[bool, bool, bool] | None) -> None:
    """Which ways are roads and which modes may use them."""
    rules = way_rules(tags)
    if allowed is None:
        assert rules is None
    else:
        assert rules is not None
        assert (rules.walk_kmh > 0, rules.ebike_kmh > 0, rules.car_kmh > 0) == allowed


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "residential"}, 0),
        ({"highway": "residential", "oneway": "yes"}, 1),
        ({"highway": "residential", "oneway": "true"}, 1),
        ({"highway": "residential", "oneway": "1"}, 1),
        ({"highway": "residential", "oneway": "-1"}, -1),
        ({"highway": "residential", "oneway": "no"}, 0),
        ({"highway": "primary", "junction": "roundabout"}, 1),
        ({"highway": "motorway"}, 1),
        ({"highway": "motorway", "oneway": "no"}, 0),
    ],
)
def test_oneway_tags(tags: dict[str, str], expected: int) -> None:
    """oneway values, and what roundabouts and motorways imply."""
    assert oneway_of(tags) == expected


def test_closed_streets_never_appear(tmp_path: Path) -> None:
    """Private, area, construction and non-road ways are left out of the graph."""
    nodes = {i: at(i, 0) for i in range(1, 8)}
    ways = [
        (10, [1, 2], RES),
        (11, [2, 3], {"highway": "service", "access": "private"}),
        (12, [3, 4], {"highway": "pedestrian", "area": "yes"}),
        (13, [4, 5], {"highway": "construction"}),
        (14, [5, 6], {"building": "yes"}),
        (15, [6, 7], {"highway": "footway"}),
    ]
    g = build(tmp_path, nodes, ways)
    assert sorted(g.edge_way_ids.tolist()) == [10, 15]


def test_osmnx_graph_gives_the_same_graph_as_the_file(tmp_path: Path) -> None:
    """osmnx.graph_from_xml of a file, converted back to ways, builds exactly the file's graph."""
    nodes = {**ROUNDABOUT, **ROUNDABOUT_ARMS, 11: at(0, 5), 12: at(1, 5), 13: at(2, 6), 14: at(2, 4)}
    nodes |= {21: at(6, 0), 22: at(7, 0), 23: at(8, 0), 31: at(6, 6), 32: at(7, 7), 33: at(8, 6)}
    ways = [
        (30, [3, 4, 5, 6, 1, 2, 3], {"highway": "primary", "junction": "roundabout"}),
        (20, [7, 1], {"highway": "primary", "name": "淮河路"}),
        (21, [4, 8, 23], {"highway": "trunk", "ref": "G312"}),
        (40, [11, 12, 13, 14, 12], {"highway": "residential", "oneway": "-1"}),
        (41, [12, 2], {"highway": "track"}),
        (50, [21, 22, 23], {"highway": "motorway"}),
        (60, [31, 32, 33, 31], {"highway": "service", "access": "no", "foot": "yes"}),
        (70, [31, 33], {"building": "yes"}),
    ]
    path = write_osm(tmp_path / "small.osm", nodes, ways)
    from_file = build_road_graph(read_osm_file(path))
    with osmnx_settings():
        graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
    from_osmnx = build_road_graph(ways_from_osmnx(graph))
    assert canonical_edges(from_osmnx) == canonical_edges(from_file)
    assert sorted(set(from_file.edge_way_ids.tolist())) == [20, 21, 30, 40, 41, 50, 60]
    assert from_file.edge_name[int(np.flatnonzero(from_file.edge_way_ids == 21)[0])] == "G312"
