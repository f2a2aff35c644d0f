"""Noding road lines into a topological network: every crossing and every T-junction becomes a shared node.

Each line's own vertices, the points where it crosses other lines and the ends of other lines that touch it are
collected as candidate points with their distance along the line. Candidates closer than `SNAP_M` along a line,
or at the same spot anywhere, are merged (connected components over "same point" pairs), so two crossing roads
always refer to the same node. Pieces of the network cut off from the main net (islands) are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from boundaries.synthetic.roadset import Tags

SNAP_M = 0.05


@dataclass(frozen=True)
class Network:
    """Nodes (metric x/y) and ways (arrays of node indices) with tags; only the main connected net."""

    node_xy: np.ndarray
    ways: list[np.ndarray]
    tags: list[Tags]
    dropped_island_nodes: int

    def routable_nodes(self) -> int:
        """Nodes that are way ends or shared by two or more ways (graph vertices, not shape points)."""
        return int(routable_mask(self.ways, len(self.node_xy)).sum())


def routable_mask(ways: list[np.ndarray], n_nodes: int) -> np.ndarray:
    """Which nodes are way ends or are used by at least two ways."""
    if not ways:
        return np.zeros(n_nodes, dtype=bool)
    uses = np.zeros(n_nodes, dtype=np.int64)
    for w in ways:
        uses[np.unique(w)] += 1
    ends = np.concatenate([w[[0, -1]] for w in ways])
    mask = uses >= 2
    mask[ends] = True
    return mask


def _along(coords: np.ndarray, line_of: np.ndarray) -> np.ndarray:
    """Distance of each vertex from the start of its line."""
    step = np.zeros(len(coords))
    step[1:] = np.hypot(*np.diff(coords, axis=0).T)
    first = np.ones(len(coords), dtype=bool)
    first[1:] = line_of[1:] != line_of[:-1]
    step[first] = 0.0
    total = np.cumsum(step)
    starts = np.flatnonzero(first)
    return total - total[starts][np.cumsum(first) - 1]


def _crossings(lines: np.ndarray, tree: shapely.STRtree) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points where two lines meet: (xy, line a, line b), one row per point."""
    a, b = tree.query(lines, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    meet = shapely.intersection(lines[a], lines[b])
    xy, which = shapely.get_coordinates(meet, return_index=True)
    return xy, a[which], b[which]


def _touches(
    lines: np.ndarray, tree: shapely.STRtree, end_xy: np.ndarray, end_line: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(end index, line) pairs where a line's end lies on another line (T-junctions)."""
    e, line = tree.query(shapely.points(end_xy), predicate="dwithin", distance=SNAP_M)
    keep = line != end_line[e]
    return e[keep], line[keep]


def build_network(lines: np.ndarray, tags: list[Tags]) -> Network:
    """The noded network of metric road lines, keeping only its largest connected part."""
    lines = np.asarray(lines, dtype=object)
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    n_vert = len(coords)
    starts = np.flatnonzero(np.r_[True, line_of[1:] != line_of[:-1]])
    end_pid = np.concatenate([starts, np.r_[starts[1:], n_vert] - 1])
    end_line = line_of[end_pid]
    tree = shapely.STRtree(lines)

    cross_xy, cross_a, cross_b = _crossings(lines, tree)
    cross_pid = n_vert + np.arange(len(cross_xy))
    t_end, t_line = _touches(lines, tree, coords[end_pid], end_line)

    point_xy = np.vstack([coords, cross_xy])
    ins_line = np.concatenate([cross_a, cross_b, t_line])
    ins_pid = np.concatenate([cross_pid, cross_pid, end_pid[t_end]])
    ins_along = shapely.line_locate_point(lines[ins_line], shapely.points(point_xy[ins_pid]))

    ev_line = np.concatenate([line_of, ins_line])
    ev_along = np.concatenate([_along(coords, line_of), ins_along])
    ev_pid = np.concatenate([np.arange(n_vert), ins_pid])
    order = np.lexsort((ev_pid, ev_along, ev_line))
    ev_line, ev_along, ev_pid = ev_line[order], ev_along[order], ev_pid[order]

    same_line = ev_line[1:] == ev_line[:-1]
    close = same_line & (np.diff(ev_along) < SNAP_M)
    keys = np.round(point_xy / (SNAP_M / 5.0)).astype(np.int64)
    _, first_of_key = np.unique(keys, axis=0, return_inverse=True)
    key_first = np.full(first_of_key.max() + 1, len(point_xy), dtype=np.int64)
    np.minimum.at(key_first, first_of_key.ravel(), np.arange(len(point_xy)))
    src = np.concatenate([ev_pid[:-1][close], np.arange(len(point_xy))])
    dst = np.concatenate([ev_pid[1:][close], key_first[first_of_key.ravel()]])
    n_pts = len(point_xy)
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n_pts, n_pts))
    _, comp = connected_components(graph, directed=False)

    node_of_event = comp[ev_pid]
    keep_ev = np.r_[True, ~same_line | (node_of_event[1:] != node_of_event[:-1])]
    ev_line, node_of_event = ev_line[keep_ev], node_of_event[keep_ev]
    bounds = np.flatnonzero(np.r_[True, ev_line[1:] != ev_line[:-1], True])
    ways, way_tags = [], []
    for k in range(len(bounds) - 1):
        seq = node_of_event[bounds[k] : bounds[k + 1]]
        if len(seq) >= 2:
            ways.append(seq)
            way_tags.append(tags[ev_line[bounds[k]]])

    # A node's position is that of its lowest-numbered point: a line's own vertex wins over a computed crossing.
    n_comp = comp.max() + 1
    first_pt = np.full(n_comp, n_pts, dtype=np.int64)
    np.minimum.at(first_pt, comp, np.arange(n_pts))
    node_xy = point_xy[first_pt]
    return _main_net(node_xy, ways, way_tags)


def _main_net(node_xy: np.ndarray, ways: list[np.ndarray], tags: list[Tags]) -> Network:
    """Only the largest connected part of the network, nodes renumbered densely."""
    if not ways:
        return Network(np.empty((0, 2)), [], [], 0)
    src = np.concatenate([w[:-1] for w in ways])
    dst = np.concatenate([w[1:] for w in ways])
    n = len(node_xy)
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    used = np.zeros(n, dtype=bool)
    used[np.concatenate(ways)] = True
    sizes = np.bincount(comp[used], minlength=comp.max() + 1)
    main = int(np.argmax(sizes))
    keep = [i for i, w in enumerate(ways) if comp[w[0]] == main]
    routable = routable_mask(ways, n)
    dropped = int((routable & used & (comp != main)).sum())
    kept_nodes = np.zeros(n, dtype=bool)
    kept_nodes[np.concatenate([ways[i] for i in keep])] = True
    new_id = np.cumsum(kept_nodes) - 1
    return Network(
        node_xy=node_xy[kept_nodes],
        ways=[new_id[ways[i]] for i in keep],
        tags=[tags[i] for i in keep],
        dropped_island_nodes=dropped,
    )
