"""The synthetic road network as an OSM XML file, read back with real OSM readers and checked."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import osmnx
import pytest
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from boundaries.synthetic import (
    DemoGeography,
    RoadFileStats,
    build_geography,
    check_partition,
    write_road_osm,
)
from geo.core.errors import InvalidInput

SEED = 20220513
METRIC = 4548
HIGHWAYS = {
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "service",
    "track",
    "path",
}


@dataclass(frozen=True)
class OsmFile:
    """An OSM file as read back by pyosmium: node coordinates and ways (id, node refs, tags)."""

    nodes: dict[int, tuple[float, float]]
    ways: list[tuple[int, list[int], dict[str, str]]]


@dataclass(frozen=True)
class Built:
    """A geography, the road file written for it, and the file read back."""

    geo: DemoGeography
    stats: RoadFileStats
    osm: OsmFile
    lines: np.ndarray  # metric LineString per way, in file order


def read_osm(path: Path) -> OsmFile:
    """Nodes and ways of an OSM XML file, through pyosmium."""
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[tuple[int, list[int], dict[str, str]]] = []
    for obj in osmium.FileProcessor(osmium.io.File(str(path), "osm")):
        if obj.is_node():
            nodes[obj.id] = (obj.location.lon, obj.location.lat)
        elif obj.is_way():
            ways.append((obj.id, [n.ref for n in obj.nodes], {t.k: t.v for t in obj.tags}))
    return OsmFile(nodes, ways)


def metric_lines(osm: OsmFile) -> np.ndarray:
    """Each way as a LineString in EPSG:4548 metres."""
    to_metric = Transformer.from_crs(4326, METRIC, always_xy=True)
    ids = np.array(list(osm.nodes))
    lonlat = np.array([osm.nodes[i] for i in ids])
    x, y = to_metric.transform(lonlat[:, 0], lonlat[:, 1])
    where = {int(i): k for k, i in enumerate(ids)}
    xy = np.column_stack([x, y])
    return np.array(
        [shapely.LineString(xy[[where[r] for r in refs]]) for _, refs, _ in osm.ways], dtype=object
    )


def routable_nodes(osm: OsmFile) -> set[int]:
    """Nodes that are way ends or used by two or more ways: the vertices of the routing graph."""
    uses: dict[int, int] = {}
    ends: set[int] = set()
    for _, refs, _ in osm.ways:
        for r in set(refs):
            uses[r] = uses.get(r, 0) + 1
        ends |= {refs[0], refs[-1]}
    return ends | {r for r, n in uses.items() if n >= 2}


def component_shares(osm: OsmFile) -> np.ndarray:
    """Share of all routable nodes in each connected component, largest first."""
    index = {n: i for i, n in enumerate(osm.nodes)}
    src = [index[a] for _, refs, _ in osm.ways for a in refs[:-1]]
    dst = [index[b] for _, refs, _ in osm.ways for b in refs[1:]]
    n = len(index)
    _, comp = connected_components(coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n)), directed=False)
    routable = np.array([index[r] for r in routable_nodes(osm)])
    sizes = np.bincount(comp[routable])
    return np.sort(sizes[sizes > 0])[::-1] / len(routable)


def unshared_crossings(osm: OsmFile, lines: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of ways that meet somewhere without a shared node within 0.5 m of the meeting point."""
    to_metric = Transformer.from_crs(4326, METRIC, always_xy=True)
    tree = shapely.STRtree(lines)
    a, b = tree.query(lines, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    meets = shapely.intersection(lines[a], lines[b])
    bad = []
    for i, j, meet in zip(a, b, meets, strict=True):
        shared = set(osm.ways[i][1]) & set(osm.ways[j][1])
        if not shared:
            bad.append((osm.ways[i][0], osm.ways[j][0]))
            continue
        lonlat = np.array([osm.nodes[n] for n in shared])
        sx, sy = to_metric.transform(lonlat[:, 0], lonlat[:, 1])
        for x, y in shapely.get_coordinates(meet):
            if np.min(np.hypot(sx - x, sy - y)) > 0.5:
                bad.append((osm.ways[i][0], osm.ways[j][0]))
                break
    return bad


def wet_ways(osm: OsmFile, lines: np.ndarray, geo: DemoGeography) -> tuple[list[int], list[int]]:
    """(ways that touch water without being a bridge or causeway, bridges/causeways that cross no water)."""
    water = shapely.union_all(geo.water.to_crs(METRIC).geometry.values)
    shapely.prepare(water)
    wet = shapely.intersects(water, lines)
    crossing = np.array([t.get("bridge") == "yes" or t.get("embankment") == "yes" for _, _, t in osm.ways])
    ids = np.array([w[0] for w in osm.ways])
    return list(ids[wet & ~crossing]), list(ids[crossing & ~wet])


def distances_to_roads(points: gpd.GeoSeries, lines: np.ndarray) -> np.ndarray:
    """Distance (m) from each WGS84 point to the nearest way."""
    pts = points.to_crs(METRIC).values
    _, dist = shapely.STRtree(lines).query_nearest(pts, return_distance=True, all_matches=False)
    return np.asarray(dist)


def build(scale: str, seed: int, path: Path) -> Built:
    """Build a geography and its road file and read the file back (bench.demo_build times the builds)."""
    geo = build_geography(scale, seed=seed)  # type: ignore[arg-type]
    stats = write_road_osm(geo, path, seed=seed)
    osm = read_osm(path)
    return Built(geo, stats, osm, metric_lines(osm))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The small demo county and its road file, built once for this module."""
    return build("small", SEED, tmp_path_factory.mktemp("osm") / "small.osm")


def test_file_is_osm_xml_that_readers_load(small: Built) -> None:
    """A plain UTF-8 OSM 0.6 XML file: pyosmium and osmnx read it, every referenced node exists."""
    head = small.stats.path.read_bytes()[:200].decode("utf-8")
    assert head.startswith("<?xml") and '<osm version="0.6"' in head
    assert len(small.osm.nodes) == small.stats.node_count
    assert len(small.osm.ways) == small.stats.way_count
    assert all(r in small.osm.nodes for _, refs, _ in small.osm.ways for r in refs)
    assert all(len(refs) >= 2 for _, refs, _ in small.osm.ways)
    graph = osmnx.graph_from_xml(small.stats.path, simplify=False, retain_all=True)
    assert graph.number_of_nodes() == len(small.osm.nodes)


def test_highway_classes_and_chinese_names(small: Built) -> None:
    """Proper highway classes, Chinese names, numbered national roads and one-way streets in the county town."""
    tags = [t for _, _, t in small.osm.ways]
    classes = {t["highway"] for t in tags}
    assert classes <= HIGHWAYS
    assert {
        "trunk",
        "secondary",
        "tertiary",
        "unclassified",
        "residential",
        "service",
        "track",
        "path",
    } <= classes
    names = {t["name"] for t in tags if "name" in t}
    assert {"G105", "G328", "人民路", "环城路"} <= names
    assert any(n.endswith("村道") for n in names) and any(n.startswith("经") for n in names)
    assert any(t.get("oneway") == "yes" and t["highway"] == "residential" for t in tags)


def test_crossing_roads_share_a_node(small: Built) -> None:
    """Wherever two ways meet, they share a node there."""
    assert unshared_crossings(small.osm, small.lines) == []


def test_checkers_catch_unshared_crossings_and_wet_roads(small: Built) -> None:
    """The checkers used here do flag two crossing ways without a common node and a road across a lake."""
    lake = small.geo.water.geometry.iloc[0].representative_point()
    osm = OsmFile(
        nodes={
            1: (116.0, 32.0),
            2: (116.01, 32.01),
            3: (116.0, 32.01),
            4: (116.01, 32.0),
            5: (lake.x - 1e-4, lake.y),
            6: (lake.x + 1e-4, lake.y),
        },
        ways=[
            (1, [1, 2], {"highway": "track"}),
            (2, [3, 4], {"highway": "track"}),
            (3, [5, 6], {"highway": "path"}),
        ],
    )
    lines = metric_lines(osm)
    assert unshared_crossings(osm, lines) == [(1, 2)]
    assert wet_ways(osm, lines, small.geo) == ([3], [])


def test_no_road_crosses_water(small: Built) -> None:
    """Lakes and the river are barriers: no way that is not a bridge touches water."""
    wet, dry_bridges = wet_ways(small.osm, small.lines, small.geo)
    assert wet == [] and dry_bridges == []


def test_network_is_one_connected_graph(small: Built) -> None:
    """One connected network; the routable node count matches what the writer reported."""
    shares = component_shares(small.osm)
    assert len(shares) == 1
    assert len(routable_nodes(small.osm)) == small.stats.routable_node_count > 3000


def test_every_village_seat_and_hamlet_is_near_a_road(small: Built) -> None:
    """Each village seat lies within 200 m of a road, each hamlet within 250 m."""
    seats = gpd.GeoSeries(small.geo.villages["seat"].values, crs=4326)
    assert distances_to_roads(seats, small.lines).max() <= 200.0
    assert distances_to_roads(small.geo.hamlets.geometry, small.lines).max() <= 250.0


def test_same_seed_same_file_other_seed_differs(small: Built, tmp_path: Path) -> None:
    """The file is a pure function of geography and seed."""
    again = write_road_osm(small.geo, tmp_path / "again.osm.part", seed=SEED)
    assert again.sha256 == small.stats.sha256 == hashlib.sha256(small.stats.path.read_bytes()).hexdigest()
    other_roads = write_road_osm(small.geo, tmp_path / "other.osm", seed=SEED + 1)
    assert other_roads.sha256 != small.stats.sha256
    other_geo = build_geography("small", seed=SEED + 1)
    assert write_road_osm(other_geo, tmp_path / "other-geo.osm", seed=SEED).sha256 != small.stats.sha256


def test_write_rejects_a_directory(small: Built, tmp_path: Path) -> None:
    """Writing onto a directory is refused with the path in the message."""
    with pytest.raises(
        InvalidInput, match=r"is a directory; give the path of the \.osm file to write \(file .*\)"
    ):
        write_road_osm(small.geo, tmp_path, seed=SEED)


@pytest.mark.slow
def test_county_scale_geography_and_roads(tmp_path: Path) -> None:
    """The whole county: partitions, counts and area; a connected road graph of ≥ 110,000 nodes, water-tight."""
    built = build("county", SEED, tmp_path / "county.osm")
    geo, osm, lines = built.geo, built.osm, built.lines

    assert len(geo.townships) == 32 and len(geo.villages) == 413
    assert 3000e6 <= geo.county.to_crs(METRIC).area.iloc[0] <= 3400e6
    report = check_partition(geo.county.geometry.iloc[0], geo.townships.geometry)
    assert report.ok, report
    for code, geom in zip(geo.townships["code"], geo.townships.geometry, strict=True):
        children = geo.villages[geo.villages["parent_code"] == code]
        assert all(c.startswith(code[:9]) for c in children["code"])
        report = check_partition(geom, children.geometry)
        assert report.ok, (code, report)
    assert set(geo.water["name"]) == {"城西湖", "城东湖", "淮河"}

    routable = routable_nodes(osm)
    assert len(routable) == built.stats.routable_node_count >= 110_000
    shares = component_shares(osm)
    assert shares[0] >= 0.99
    classes = {t["highway"] for _, _, t in osm.ways}
    assert classes == HIGHWAYS
    names = {t.get("name") for _, _, t in osm.ways}
    assert {"G105", "G328", "S310", "X001", "淮河大堤"} <= names
    wet, dry_bridges = wet_ways(osm, lines, geo)
    assert wet == [] and dry_bridges == []
    assert 1 <= built.stats.bridge_count + built.stats.causeway_count <= 12
    seats = gpd.GeoSeries(geo.villages["seat"].values, crs=4326)
    assert distances_to_roads(seats, lines).max() <= 200.0
    assert unshared_crossings(osm, lines) == []
