"""Writing the synthetic road network as an OSM XML file (pyosmium's SimpleWriter)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import osmium

from boundaries.synthetic.fields import hamlet_lanes, paths_and_yards, tracks
from boundaries.synthetic.frame import metric_frame
from boundaries.synthetic.geography import DemoGeography, stage_rng
from boundaries.synthetic.network import Network, build_network
from boundaries.synthetic.outline import lonlat_xy
from boundaries.synthetic.roads import exit_roads, township_roads, trunk_roads, village_roads, water_roads
from boundaries.synthetic.roadset import RoadSet
from boundaries.synthetic.streets import built_zones, streets, zones_union
from geo.core.errors import InvalidInput


@dataclass(frozen=True)
class RoadFileStats:
    """What was written: counts of nodes, ways and graph nodes, bridges, and a content hash."""

    path: Path
    node_count: int
    way_count: int
    routable_node_count: int
    dropped_island_nodes: int
    bridge_count: int
    causeway_count: int
    sha256: str
    ways_by_highway: dict[str, int] = field(default_factory=dict)


def road_network(geography: DemoGeography, *, seed: int) -> Network:
    """The noded road network of a geography, in metric coordinates."""
    f = metric_frame(geography)
    rs = RoadSet(f)
    zones = built_zones(f, stage_rng(seed, "zones"))
    built = zones_union(zones)
    pairs = trunk_roads(f, rs, stage_rng(seed, "trunk"))
    exit_roads(f, rs, stage_rng(seed, "exit-roads"))
    township_roads(f, rs, stage_rng(seed, "township-roads"), pairs)
    village_roads(f, rs, stage_rng(seed, "village-roads"), built, city=zones_union(zones, ("city",)))
    water_roads(f, rs)
    streets(zones, rs, stage_rng(seed, "streets"))
    hamlet_lanes(f, rs, stage_rng(seed, "lanes"), built)
    tracks(f, rs, stage_rng(seed, "tracks"), built)
    paths_and_yards(f, rs, stage_rng(seed, "paths"), built)
    lines, tags = rs.lines()
    return build_network(lines, tags)


def write_road_osm(geography: DemoGeography, path: Path, *, seed: int) -> RoadFileStats:
    """Write the demo county's roads as a plain OSM XML file; the same geography and seed give the same file."""
    path = Path(path)
    if path.is_dir():
        raise InvalidInput("is a directory; give the path of the .osm file to write", source=str(path))
    net = road_network(geography, seed=seed)
    lonlat = np.round(lonlat_xy(net.node_xy), 7)
    header = osmium.io.Header()
    lo, hi = lonlat.min(axis=0), lonlat.max(axis=0)
    header.add_box(osmium.osm.Box(osmium.osm.Location(lo[0], lo[1]), osmium.osm.Location(hi[0], hi[1])))
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = osmium.SimpleWriter(osmium.io.File(str(path), "osm"), header=header, overwrite=True)
    try:
        for i, (lon, lat) in enumerate(lonlat.tolist(), start=1):
            writer.add_node(osmium.osm.mutable.Node(id=i, location=(lon, lat)))
        for i, (nodes, tags) in enumerate(zip(net.ways, net.tags, strict=True), start=1):
            writer.add_way(osmium.osm.mutable.Way(id=i, nodes=(nodes + 1).tolist(), tags=tags))
    finally:
        writer.close()
    return RoadFileStats(
        path=path,
        node_count=len(lonlat),
        way_count=len(net.ways),
        routable_node_count=net.routable_nodes(),
        dropped_island_nodes=net.dropped_island_nodes,
        bridge_count=sum(t.get("bridge") == "yes" for t in net.tags),
        causeway_count=sum(t.get("embankment") == "yes" for t in net.tags),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        ways_by_highway=dict(sorted(Counter(t["highway"] for t in net.tags).items())),
    )
