"""Exact road-distance reach from a location: node costs, points reached on partial edges, reach geometry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt
import shapely
from shapely.ops import substring

from geo.kernels import bounded_dijkstra, evaluate_points
from geo.network import F8, I4, ModeGraph
from geo.snap import Snapped


@dataclass(frozen=True)
class PointSet:
    """Target points snapped to a graph's edges, grouped by edge (CSR) for the kernels."""

    snapped: Snapped
    ptr: npt.NDArray[np.int64]
    index: I4

    @classmethod
    def build(cls, snapped: Snapped, n_edges: int) -> PointSet:
        """Group on-network points by edge; off-network points are never reached."""
        on = np.flatnonzero(snapped.edge >= 0).astype(np.int32)
        order = on[np.argsort(snapped.edge[on], kind="stable")]
        counts = np.bincount(snapped.edge[on], minlength=n_edges)
        ptr = np.zeros(n_edges + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        return cls(snapped, ptr, order)

    def __len__(self) -> int:
        return len(self.snapped)


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

    def seeds(self, edge: int, offset_m: float) -> tuple[I4, F8]:
        """The two ends of the start's edge with the partial cost of reaching each."""
        g = self.graph
        seg = g.length_m[edge]
        frac = offset_m / seg if seg > 0 else 0.0
        nodes = np.array([g.u[edge], g.v[edge]], dtype=np.int32)
        full = np.array([g.bwd[edge], g.fwd[edge]])
        keep = np.isfinite(full)
        costs = np.where(keep, full, 0.0) * np.array([frac, 1.0 - frac])
        return nodes[keep], costs[keep]

    def search(self, edge: int, offset_m: float, limit: float) -> Reach:
        """Costs of every node reachable within ``limit`` from a point on ``edge`` at ``offset_m``."""
        g = self.graph
        nodes, costs = self.seeds(edge, offset_m)
        count = bounded_dijkstra(
            g.arcs.indptr, g.arcs.head, g.arcs.weight, nodes, costs, limit, self.dist, self.touched
        )
        reached = self.touched[:count].copy()
        cost = self.dist[reached].copy()
        self.dist[reached] = np.inf
        return Reach(edge, offset_m, reached, cost)

    def points(self, reach: Reach, targets: PointSet, limit: float) -> tuple[I4, F8]:
        """Target points within ``limit``: indices and exact costs, counting partial edges."""
        g = self.graph
        n = len(targets)
        best = np.full(n, np.inf)
        hit = np.empty(n, dtype=np.int32)
        dist = self.dist
        dist[reach.nodes] = reach.node_cost
        try:
            nhit = evaluate_points(
                reach.nodes, len(reach.nodes), dist, g.arcs.indptr, g.arcs.edge, g.arcs.forward,
                g.fwd, g.bwd, g.length_m, targets.ptr, targets.index, targets.snapped.offset_m, limit, best, hit,
            )  # fmt: skip
        finally:
            dist[reach.nodes] = np.inf
        idx = hit[:nhit]
        self._same_edge(reach, targets, limit, best, idx_list := [idx])
        idx = np.unique(np.concatenate(idx_list))
        return idx, best[idx]

    def _same_edge(
        self, reach: Reach, targets: PointSet, limit: float, best: F8, out: list[npt.NDArray[np.int32]]
    ) -> None:
        """Points on the start's own edge, reached directly along it."""
        g = self.graph
        e = reach.edge
        on_edge = targets.index[targets.ptr[e] : targets.ptr[e + 1]]
        if len(on_edge) == 0:
            return
        seg = g.length_m[e]
        s = targets.snapped.offset_m[on_edge]
        delta = s - reach.offset_m
        f_ok, b_ok = np.isfinite(g.fwd[e]), np.isfinite(g.bwd[e])
        rate_f = g.fwd[e] / seg if seg > 0 and f_ok else 0.0
        rate_b = g.bwd[e] / seg if seg > 0 and b_ok else 0.0
        direct = np.full(len(on_edge), np.inf)
        if f_ok:
            ahead = delta >= 0
            direct[ahead] = delta[ahead] * rate_f
        if b_ok:
            behind = delta <= 0
            direct[behind] = np.minimum(direct[behind], -delta[behind] * rate_b)
        better = (direct <= limit) & (direct < best[on_edge])
        best[on_edge[better]] = direct[better]
        out.append(on_edge[better])

    def reach_geometry(
        self, reach: Reach, edge_geoms: npt.NDArray[np.object_], limit: float, *, buffer_m: float = 40.0
    ) -> shapely.Geometry:
        """The reached road (partial edges cut at the exact remaining cost), buffered and unioned."""
        g = self.graph
        dist = np.full(g.n_nodes, np.inf)
        dist[reach.nodes] = reach.node_cost
        du, dv = dist[g.u], dist[g.v]
        with np.errstate(invalid="ignore", divide="ignore"):
            fu = np.where(np.isfinite(g.fwd) & (du < limit), np.minimum(1.0, (limit - du) / g.fwd), 0.0)
            fv = np.where(np.isfinite(g.bwd) & (dv < limit), np.minimum(1.0, (limit - dv) / g.bwd), 0.0)
        fu = np.nan_to_num(fu, nan=1.0)
        fv = np.nan_to_num(fv, nan=1.0)
        parts: list[shapely.Geometry] = []
        touched = np.flatnonzero((fu > 0) | (fv > 0))
        full = touched[fu[touched] + fv[touched] >= 1.0]
        parts.extend(edge_geoms[full])
        for e in touched[fu[touched] + fv[touched] < 1.0]:
            geom = edge_geoms[e]
            if fu[e] > 0:
                parts.append(substring(geom, 0.0, fu[e], normalized=True))
            if fv[e] > 0:
                parts.append(substring(geom, 1.0 - fv[e], 1.0, normalized=True))
        parts.extend(self._start_edge_parts(reach, edge_geoms, limit))
        if not parts:
            return shapely.Point().buffer(buffer_m)
        lines = shapely.simplify(np.asarray(parts, dtype=object), 2.0)
        return cast(shapely.Geometry, shapely.buffer(shapely.multilinestrings(lines), buffer_m, quad_segs=4))

    def _start_edge_parts(
        self, reach: Reach, edge_geoms: npt.NDArray[np.object_], limit: float
    ) -> list[shapely.Geometry]:
        g = self.graph
        e = reach.edge
        seg = g.length_m[e]
        if seg <= 0:
            return []
        t = reach.offset_m / seg
        parts: list[shapely.Geometry] = []
        if np.isfinite(g.fwd[e]) and g.fwd[e] > 0:
            hi = min(1.0, t + limit / g.fwd[e])
            parts.append(substring(edge_geoms[e], t, hi, normalized=True))
        if np.isfinite(g.bwd[e]) and g.bwd[e] > 0:
            lo = max(0.0, t - limit / g.bwd[e])
            parts.append(substring(edge_geoms[e], lo, t, normalized=True))
        return parts
