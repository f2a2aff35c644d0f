"""Exact road-distance reach from a location: node costs, points reached on partial edges, reach geometry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from geo.engine.bucket_queue import BucketBuffers
from geo.engine.kernels import bucket_search, start_seeds
from geo.engine.network import F8, I4, I8, ModeGraph, dead_ends
from geo.engine.reach_area import EdgeCoords, TracedRings, reach_area, reach_rings
from geo.engine.reached import (
    counting_sort,
    covered_edges,
    evaluate_node_points,
    evaluate_points,
    reached_parts,
    same_edge_points,
)
from geo.engine.snap import Snapped

NOT_NEEDED = np.empty(0, dtype=np.bool_)  # bucket_search without an early stop
NO_NODES = np.empty(0, dtype=np.int32)


@dataclass(frozen=True)
class PointSet:
    """Target points snapped to a graph's edges, grouped by edge and, for points at a node, by node (CSR)."""

    snapped: Snapped
    ptr: npt.NDArray[np.int64]
    index: I4
    node_ptr: npt.NDArray[np.int64]
    node_index: I4

    @classmethod
    def build(cls, snapped: Snapped, graph: ModeGraph) -> PointSet:
        """Group on-network points by edge; points snapped exactly onto an edge's end are at that node too."""
        on = np.flatnonzero(snapped.edge >= 0).astype(np.int32)
        ptr, order = _csr(snapped.edge[on], on, graph.n_edges)
        e = snapped.edge[on]
        at_u = snapped.offset_m[on] <= 0.0
        at_v = ~at_u & (snapped.offset_m[on] >= graph.length_m[e])
        node = np.where(at_u, graph.u[e], graph.v[e])
        usable = np.isfinite(graph.fwd[e]) | np.isfinite(graph.bwd[e])
        at_node = (at_u | at_v) & usable
        node_ptr, node_order = _csr(node[at_node], on[at_node], graph.n_nodes)
        return cls(snapped, ptr, order, node_ptr, node_order)

    def __len__(self) -> int:
        return len(self.snapped)


def _csr(keys: npt.NDArray[np.int32], values: I4, n: int) -> tuple[npt.NDArray[np.int64], I4]:
    """Values grouped by key: ptr[k]:ptr[k+1] index the values of key k, in their given order."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    order = np.empty(len(values), dtype=np.int32)
    counting_sort(np.ascontiguousarray(keys), np.ascontiguousarray(values, dtype=np.int32), ptr, order)
    return ptr, order


@dataclass(frozen=True)
class Reach:
    """Result of one search: reached nodes with costs, and the start's snap."""

    edge: int
    offset_m: float
    nodes: I4
    node_cost: F8


class CircleSearch:
    """Bounded searches on one ModeGraph with reusable work buffers (one instance per thread)."""

    def __init__(self, graph: ModeGraph) -> None:
        self.graph = graph
        self.dist = np.full(graph.n_nodes, np.inf)
        self.touched = np.empty(graph.n_nodes, dtype=np.int32)
        self.pred = np.empty(graph.n_nodes, dtype=np.int64)  # predecessor arcs (used by routes)
        self.leaf = dead_ends(graph)
        self._queue: BucketBuffers | None = None  # bucket layout and queue buffers (built on first search)
        self._mark: I8 | None = None  # per-edge stamps of split()
        self._covered: I4 | None = None
        self._stamp = 0
        self._best: F8 | None = None
        self._hit: I4 | None = None
        self._parts: tuple[F8, F8, I8, I8] | None = None  # per-edge scratch of reach_parts()
        self._part_stamp = 0

    def seeds(self, edge: int, offset_m: float) -> tuple[I4, F8]:
        """The two ends of the start's edge with the partial cost of reaching each (0 if the start is there)."""
        g = self.graph
        nodes, costs = np.empty(2, np.int32), np.empty(2)
        n = start_seeds(g.u, g.v, g.fwd, g.bwd, g.length_m, edge, offset_m, nodes, costs)
        return nodes[:n], costs[:n]

    def search(self, edge: int, offset_m: float, limit: float) -> Reach:
        """Costs of every node reachable within ``limit`` from a point on ``edge`` at ``offset_m``."""
        g = self.graph
        nodes, costs = self.seeds(edge, offset_m)
        if self._queue is None:
            self._queue = BucketBuffers(g.arcs.weight)
        q = self._queue
        inv, heads = q.heads(limit)
        count, q.pool = bucket_search(
            g.arcs.indptr,
            g.arcs.head,
            g.arcs.weight,
            self.leaf,
            nodes,
            costs,
            float(limit),
            self.dist,
            self.touched,
            inv,
            q.max_weight,
            heads,
            q.pool,
            NOT_NEEDED,
            NO_NODES,
        )
        reached = self.touched[:count].copy()
        cost = self.dist[reached].copy()
        self.dist[reached] = np.inf
        return Reach(edge, offset_m, reached, cost)

    def points(self, reach: Reach, targets: PointSet, limit: float) -> tuple[I4, F8]:
        """Target points within ``limit``: indices and exact costs, counting partial edges."""
        return self._points(reach, targets, limit, self._marks(), -1)  # no stamp is -1: nothing skipped

    def split(self, reach: Reach, targets: PointSet, limit: float) -> tuple[I4, I4, F8]:
        """Edges wholly within ``limit`` (all their points count) and, elsewhere, the points within it with costs.

        Each target point is in exactly one of the two: on a whole edge, or listed with its cost.
        """
        g = self.graph
        mark = self._marks()
        assert self._covered is not None
        self._stamp += 1
        dist = self.dist
        dist[reach.nodes] = reach.node_cost
        try:
            n = covered_edges(
                reach.nodes,
                len(reach.nodes),
                dist,
                g.arcs.indptr,
                g.arcs.edge,
                g.arcs.forward,
                g.fwd,
                g.bwd,
                limit,
                reach.edge,
                mark,
                self._stamp,
                self._covered,
            )
        finally:
            dist[reach.nodes] = np.inf
        idx, cost = self._points(reach, targets, limit, mark, self._stamp)
        return self._covered[:n].copy(), idx, cost

    def _marks(self) -> I8:
        """Per-edge stamps for split() (allocated on first use; stamps start at 1)."""
        if self._mark is None:
            self._mark = np.zeros(self.graph.n_edges, dtype=np.int64)
            self._covered = np.empty(self.graph.n_edges, dtype=np.int32)
        return self._mark

    def _points(self, reach: Reach, targets: PointSet, limit: float, mark: I8, stamp: int) -> tuple[I4, F8]:
        g = self.graph
        best, hit = self._point_buffers(len(targets))
        dist = self.dist
        dist[reach.nodes] = reach.node_cost
        try:
            nhit = evaluate_points(
                reach.nodes,
                len(reach.nodes),
                dist,
                g.arcs.indptr,
                g.arcs.edge,
                g.arcs.forward,
                g.fwd,
                g.bwd,
                g.length_m,
                targets.ptr,
                targets.index,
                targets.snapped.offset_m,
                limit,
                best,
                hit,
                mark,
                stamp,
            )
            nhit = evaluate_node_points(
                reach.nodes,
                len(reach.nodes),
                dist,
                targets.node_ptr,
                targets.node_index,
                limit,
                best,
                hit,
                nhit,
                targets.snapped.edge,
                mark,
                stamp,
            )
        finally:
            dist[reach.nodes] = np.inf
        found = [hit[:nhit].copy()]
        self._same_edge(reach, targets, limit, best, found)
        idx = np.concatenate(found) if len(found) > 1 else found[0]  # each point listed once
        cost = best[idx].copy()
        best[idx] = np.inf  # leave the buffer clean for the next call
        return idx, cost

    def _point_buffers(self, n: int) -> tuple[F8, I4]:
        """Reusable per-target buffers: best costs (all inf between calls) and hit indices."""
        if self._best is None or len(self._best) != n:
            self._best = np.full(n, np.inf)
            self._hit = np.empty(n, dtype=np.int32)
        assert self._hit is not None
        return self._best, self._hit

    def _same_edge(
        self, reach: Reach, targets: PointSet, limit: float, best: F8, out: list[npt.NDArray[np.int32]]
    ) -> None:
        """Points on the start's own edge, reached directly along it."""
        g, e = self.graph, reach.edge
        hit = np.empty(targets.ptr[e + 1] - targets.ptr[e], np.int32)
        nhit = same_edge_points(
            e,
            reach.offset_m,
            g.fwd,
            g.bwd,
            g.length_m,
            targets.ptr,
            targets.index,
            targets.snapped.offset_m,
            float(limit),
            best,
            hit,
            0,
        )
        if nhit:  # not hit through the graph: list them; the others are listed already
            out.append(hit[:nhit])

    def reach_parts(self, reach: Reach, limit: float) -> tuple[npt.NDArray[np.int64], F8, F8]:
        """The reached road as (edge, from-fraction, to-fraction) parts, partial edges cut exactly."""
        g = self.graph
        if self._parts is None:
            m = g.n_edges
            self._parts = (np.zeros(m), np.zeros(m), np.zeros(m, np.int64), np.empty(m, np.int64))
        frac_u, frac_v, stamp_of, seen = self._parts
        self._part_stamp += 1
        arcs_out = int((g.arcs.indptr[reach.nodes + 1] - g.arcs.indptr[reach.nodes]).sum())
        out_edge = np.empty(2 * arcs_out + 1, np.int64)
        out_t0 = np.empty(len(out_edge))
        out_t1 = np.empty(len(out_edge))
        n = reached_parts(
            reach.nodes,
            reach.node_cost,
            g.arcs.indptr,
            g.arcs.edge,
            g.arcs.forward,
            g.fwd,
            g.bwd,
            limit,
            frac_u,
            frac_v,
            stamp_of,
            self._part_stamp,
            seen,
            out_edge,
            out_t0,
            out_t1,
        )
        e, a, b = self._start_edge_part(reach, limit)
        return (
            np.concatenate([out_edge[:n], e]),
            np.concatenate([out_t0[:n], a]),
            np.concatenate([out_t1[:n], b]),
        )

    def _start_edge_part(self, reach: Reach, limit: float) -> tuple[npt.NDArray[np.int64], F8, F8]:
        """The stretch of the start's own edge reachable directly from the start."""
        g = self.graph
        e = reach.edge
        seg = g.length_m[e]
        if seg <= 0:
            return np.empty(0, np.int64), np.empty(0), np.empty(0)
        t = reach.offset_m / seg
        lo = max(0.0, t - limit / g.bwd[e]) if np.isfinite(g.bwd[e]) and g.bwd[e] > 0 else t
        hi = min(1.0, t + limit / g.fwd[e]) if np.isfinite(g.fwd[e]) and g.fwd[e] > 0 else t
        return np.array([e], np.int64), np.array([lo]), np.array([hi])

    def reach_geometry(
        self, reach: Reach, coords: EdgeCoords, limit: float, *, buffer_m: float = 40.0, cell_m: float = 10.0
    ) -> shapely.Geometry:
        """The reached road (partial edges cut at the exact remaining cost), buffered by buffer_m and unioned."""
        return reach_area(coords, self.reach_parts(reach, limit), buffer_m=buffer_m, cell_m=cell_m)

    def reach_outline(
        self, reach: Reach, coords: EdgeCoords, limit: float, *, buffer_m: float = 40.0, cell_m: float = 10.0
    ) -> TracedRings:
        """reach_geometry() as traced rings (metric CRS), before any shapely geometry is built."""
        return reach_rings(coords, self.reach_parts(reach, limit), buffer_m=buffer_m, cell_m=cell_m)
