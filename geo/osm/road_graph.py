"""Building the routable graph from highway ways: nodes, edges, geodesic lengths, costs and components.

Graph nodes are way endpoints plus OSM nodes shared by two or more ways or repeated within one way; an edge
is the polyline between consecutive graph nodes along a way. A closed way (first node = last node) is cut
only at its junctions, so where it happens to start does not matter; a loop that would come back to the
node it left is split at its middle vertex, so no self-loop is stored and no road is lost. Everything runs
on flat numpy arrays: one pass per step, whatever the number of ways.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyproj import Geod
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from geo.core.errors import InvalidInput
from geo.osm.osm_read import OsmWays
from geo.osm.road_costs import SPEEDS_KMH, WayRules, travel_costs, way_rules

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class RoadGraph:
    """A routable graph: node ids are 1..N (index + 1), edges 1..M, vertices flat with offsets per edge."""

    node_osm_ids: I64
    node_lons: F64
    node_lats: F64
    node_component: I64
    edge_source: I64
    edge_target: I64
    edge_way_ids: I64
    edge_highway: list[str]
    edge_name: list[str | None]
    edge_oneway: npt.NDArray[np.bool_]
    edge_length_m: F64
    costs: dict[str, tuple[F64, F64]]  # mode -> (cost, reverse_cost) in seconds, -1 = not allowed
    edge_component: I64
    vertex_offsets: I64
    vertex_lons: F64
    vertex_lats: F64

    @property
    def node_count(self) -> int:
        """Number of nodes."""
        return len(self.node_osm_ids)

    @property
    def edge_count(self) -> int:
        """Number of edges."""
        return len(self.edge_source)

    @property
    def total_length_m(self) -> float:
        """Sum of edge lengths in metres."""
        return float(self.edge_length_m.sum())

    @property
    def main_component_nodes(self) -> int:
        """Nodes in the largest connected component (component 0)."""
        return int(np.count_nonzero(self.node_component == 0))

    @property
    def island_count(self) -> int:
        """Connected components other than the largest."""
        return int(self.node_component.max()) if self.node_count else 0


@dataclass
class _Seq:
    """Node sequences of the kept ways, flat: ``way`` is the kept-way index of every position."""

    node: I64
    lon: F64
    lat: F64
    way: I64

    def take(self, index: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> _Seq:
        """The positions selected by ``index`` (a permutation or a mask)."""
        return _Seq(self.node[index], self.lon[index], self.lat[index], self.way[index])


def _layout(way: I64, n_ways: int) -> tuple[I64, I64, I64]:
    """Per position: the start of its way, its way's length, and its index within the way."""
    lengths = np.bincount(way, minlength=n_ways).astype(np.int64)
    starts = np.zeros(n_ways, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    start = starts[way]
    return start, lengths[way], np.arange(len(way), dtype=np.int64) - start


def _kept_sequences(ways: OsmWays, rules: list[WayRules | None]) -> tuple[_Seq, list[WayRules], I64]:
    """Positions of the road ways only, oneway=-1 ways reversed, consecutive duplicate nodes removed."""
    keep = np.fromiter((r is not None for r in rules), dtype=bool, count=len(rules))
    kept_rules = [r for r in rules if r is not None]
    lengths = np.diff(ways.offsets)
    way_of = np.repeat(np.arange(len(ways), dtype=np.int64), lengths)
    mask = keep[way_of]
    new_index = np.cumsum(keep) - 1
    seq = _Seq(ways.node_ids[mask], ways.lons[mask], ways.lats[mask], new_index[way_of[mask]])
    reverse = np.fromiter((r.oneway == -1 for r in kept_rules), dtype=bool, count=len(kept_rules))
    if reverse.any():
        start, length, pos = _layout(seq.way, len(kept_rules))
        seq = seq.take(np.where(reverse[seq.way], start + length - 1 - pos, start + pos))
    if len(seq.node) == 0:
        return seq, kept_rules, ways.way_ids[keep]
    same_way = seq.way[1:] == seq.way[:-1]
    seq = seq.take(np.concatenate(([True], ~(same_way & (seq.node[1:] == seq.node[:-1])))))
    # Ways left with a single node have no segment; they drop out (their index stays, with length 0).
    counts = np.bincount(seq.way, minlength=len(kept_rules))
    return seq.take(counts[seq.way] >= 2), kept_rules, ways.way_ids[keep]


def _junctions(seq: _Seq, closing: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Per position: is the node shared by two ways or repeated in one (a closed way's last node aside)."""
    occ = ~closing
    node, way = seq.node[occ], seq.way[occ]
    order = np.lexsort((way, node))
    node, way = node[order], way[order]
    new_node = np.concatenate(([True], node[1:] != node[:-1]))
    new_pair = new_node | np.concatenate(([True], way[1:] != way[:-1]))
    group = np.cumsum(new_node) - 1
    ways_per_node = np.bincount(group, weights=new_pair)  # distinct (node, way) pairs = distinct ways
    occurrences = np.bincount(group)
    junction = (ways_per_node >= 2) | (occurrences > ways_per_node)
    junction_nodes = node[new_node][junction]
    return np.isin(seq.node, junction_nodes)


def _rotate_closed(seq: _Seq, n_ways: int) -> tuple[_Seq, npt.NDArray[np.bool_]]:
    """Start each closed way at its first junction (or its lowest node id); returns junction flags."""
    start, length, pos = _layout(seq.way, n_ways)
    first = pos == 0
    last = pos == length - 1
    closed_way = np.zeros(n_ways, dtype=bool)
    closed_way[seq.way[first]] = seq.node[first] == seq.node[last]
    closed = closed_way[seq.way]
    junction = _junctions(seq, closed & last)
    if not closed.any():
        return seq, junction
    cycle = closed & ~last
    big = np.iinfo(np.int64).max
    first_junction = np.full(n_ways, big, dtype=np.int64)
    np.minimum.at(first_junction, seq.way[cycle & junction], pos[cycle & junction])
    # Closed ways touching nothing: anchor at their lowest OSM node id, whatever the order they came in.
    cyc_idx = np.flatnonzero(cycle)
    by_node = cyc_idx[np.lexsort((seq.node[cyc_idx], seq.way[cyc_idx]))]
    lowest = by_node[np.concatenate(([True], seq.way[by_node][1:] != seq.way[by_node][:-1]))]
    anchor = first_junction.copy()
    lone = anchor[seq.way[lowest]] == big
    anchor[seq.way[lowest][lone]] = pos[lowest][lone]
    period = np.maximum(length - 1, 1)
    index = np.where(closed, start + (anchor[seq.way] + pos) % period, np.arange(len(pos)))
    return seq.take(index), junction[index]


def _runs(
    is_graph: npt.NDArray[np.bool_], first: npt.NDArray[np.bool_], last: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and end positions of the edges (runs between consecutive graph positions of a way)."""
    return np.flatnonzero(is_graph & ~last), np.flatnonzero(is_graph & ~first)


def _edges(seq: _Seq, n_ways: int) -> tuple[_Seq, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The rotated sequences and the start/end positions of every edge, self-loops split in two."""
    seq, junction = _rotate_closed(seq, n_ways)
    _, length, pos = _layout(seq.way, n_ways)
    first, last = pos == 0, pos == length - 1
    is_graph = junction | first | last
    starts, ends = _runs(is_graph, first, last)
    loops = seq.node[starts] == seq.node[ends]
    if loops.any():
        is_graph[starts[loops] + (ends[loops] - starts[loops]) // 2] = True
        starts, ends = _runs(is_graph, first, last)
    return seq, starts, ends


def _components(source: I64, target: I64, n_nodes: int) -> I64:
    """Connected component per node (undirected), renumbered so 0 is the largest."""
    ones = np.ones(len(source), dtype=np.int8)
    matrix = coo_matrix((ones, (source - 1, target - 1)), shape=(n_nodes, n_nodes)).tocsr()
    _, labels = connected_components(matrix, directed=False)
    order = np.argsort(-np.bincount(labels), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rank[labels].astype(np.int64)


def build_road_graph(ways: OsmWays, *, source: str | None = None) -> RoadGraph:
    """The routable graph of the road ways among ``ways``; InvalidInput if there are none."""
    rules = [way_rules(tags) for tags in ways.tags]
    seq, kept, kept_way_ids = _kept_sequences(ways, rules)
    if len(seq.node) == 0:
        raise InvalidInput(
            "no roads found: the file has no ways tagged highway="
            + "/".join(SPEEDS_KMH)
            + " (open to walking, e-bikes or cars); check that it is an OpenStreetMap road extract",
            source=source,
        )
    seq, starts, ends = _edges(seq, len(kept))
    seg_length = np.zeros(len(seq.node), dtype=np.float64)
    seg_length[:-1] = GEOD.inv(seq.lon[:-1], seq.lat[:-1], seq.lon[1:], seq.lat[1:])[2]
    edge_of_seg = np.repeat(np.arange(len(starts)), ends - starts)
    length: F64 = np.bincount(
        edge_of_seg, weights=seg_length[_ranges(starts, ends)], minlength=len(starts)
    ).astype(np.float64)
    good = length > 0
    starts, ends, length = starts[good], ends[good], length[good]
    if len(starts) == 0:
        raise InvalidInput("no roads found: every road way has zero length", source=source)
    return _assemble(seq, kept, kept_way_ids, starts, ends, length)


def _ranges(starts: npt.NDArray[np.intp], stops: npt.NDArray[np.intp]) -> I64:
    """Concatenated ``arange(start, stop)`` for every pair, vectorised."""
    counts = (stops - starts).astype(np.int64)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts.astype(np.int64), counts) + np.arange(int(counts.sum()), dtype=np.int64) - offsets


def _assemble(
    seq: _Seq,
    kept: list[WayRules],
    kept_way_ids: I64,
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    length: F64,
) -> RoadGraph:
    """Number the nodes and edges, attach costs and components, and lay out the edge vertices."""
    endpoints = np.concatenate((seq.node[starts], seq.node[ends]))
    node_osm_ids, first_at, inverse = np.unique(endpoints, return_index=True, return_inverse=True)
    node_pos = np.concatenate((starts, ends))[first_at]
    n_edges = len(starts)
    source, target = inverse[:n_edges] + 1, inverse[n_edges:] + 1
    component = _components(source, target, len(node_osm_ids))
    way = seq.way[starts]
    speeds = np.array([(r.walk_kmh, r.ebike_kmh, r.car_kmh) for r in kept], dtype=np.float64)[way]
    oneway = np.fromiter((r.oneway != 0 for r in kept), dtype=bool, count=len(kept))[way]
    both = np.zeros(n_edges, dtype=bool)
    costs = {
        "walk": travel_costs(length, speeds[:, 0], one_way=both),
        "ebike": travel_costs(length, speeds[:, 1], one_way=both),
        "car": travel_costs(length, speeds[:, 2], one_way=oneway),
    }
    counts = ends - starts + 1
    vertex_offsets = np.zeros(n_edges + 1, dtype=np.int64)
    np.cumsum(counts, out=vertex_offsets[1:])
    vertices = _ranges(starts, ends + 1)
    return RoadGraph(
        node_osm_ids=node_osm_ids.astype(np.int64),
        node_lons=seq.lon[node_pos],
        node_lats=seq.lat[node_pos],
        node_component=component,
        edge_source=source.astype(np.int64),
        edge_target=target.astype(np.int64),
        edge_way_ids=kept_way_ids[way],
        edge_highway=[kept[w].highway for w in way.tolist()],
        edge_name=[kept[w].name for w in way.tolist()],
        edge_oneway=oneway,
        edge_length_m=length,
        costs=costs,
        edge_component=component[source - 1],
        vertex_offsets=vertex_offsets,
        vertex_lons=seq.lon[vertices],
        vertex_lats=seq.lat[vertices],
    )
