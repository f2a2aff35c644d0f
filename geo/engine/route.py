"""The shortest road path between two snapped points: a Dijkstra with predecessor arcs and the path's pieces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.ops import substring

from geo.engine.circle import CircleSearch
from geo.engine.kernels import bounded_dijkstra
from geo.engine.network import ModeGraph

NO_ARC = -1


@dataclass(frozen=True)
class RoutePath:
    """A path as pieces of edges (edge, from-fraction, to-fraction; to < from = against the edge's direction)."""

    cost: float
    edges: list[int]
    t0: list[float]
    t1: list[float]

    def time_s(self, time_graph: ModeGraph) -> float:
        """Travel time of the pieces on the mode's time graph (same edges, costs in seconds)."""
        total = 0.0
        for e, a, b in zip(self.edges, self.t0, self.t1, strict=True):
            total += float(time_graph.fwd[e]) * (b - a) if b >= a else float(time_graph.bwd[e]) * (a - b)
        return total

    def line(self, edge_geoms: np.ndarray) -> shapely.LineString:
        """The path as one line in the edges' CRS, the first and last edges cut at the exact positions."""
        coords: list[tuple[float, float]] = []
        for e, a, b in zip(self.edges, self.t0, self.t1, strict=True):
            part = substring(edge_geoms[e], a, b, normalized=True)
            pts = shapely.get_coordinates(part)
            if part.geom_type != "LineString" or len(pts) < 2:
                continue  # a zero-length piece (the start or the target at a node)
            if coords and np.allclose(coords[-1], pts[0], rtol=0.0, atol=1e-6):
                pts = pts[1:]
            coords.extend((float(x), float(y)) for x, y in pts)
        if len(coords) < 2:
            first = shapely.get_coordinates(
                substring(edge_geoms[self.edges[0]], self.t0[0], self.t0[0], normalized=True)
            )
            coords = [tuple(first[0])] * 2  # start and target coincide: a degenerate line at the point
        return shapely.LineString(coords)


def shortest_path(
    search: CircleSearch,
    start: tuple[int, float],
    target: tuple[int, float],
    *,
    limit: float,
) -> RoutePath | None:
    """The cheapest path from a point (edge, offset_m) to another on ``search``'s graph; None beyond ``limit``.

    Costs are computed exactly as the circle search does (partial edges by fraction, points at nodes, points on
    the start's own edge reached directly), so the path's cost equals the circle's cost of the target.
    """
    g = search.graph
    se, so = start
    te, to = target
    nodes, costs = search.seeds(se, so)
    stops = np.array([g.u[te], g.v[te]], dtype=np.int32)
    pred = search.pred
    dist = search.dist
    count = bounded_dijkstra(
        g.arcs.indptr, g.arcs.head, g.arcs.weight, nodes, costs, limit, stops, dist, pred, search.touched
    )
    try:
        best = _best_end(g, dist, start, target)
        direct = _direct(g, start, target)
        if direct is not None and direct <= limit and (best is None or direct <= best[0]):
            return RoutePath(direct, [se], [_frac(g, se, so)], [_frac(g, te, to)])
        if best is None or best[0] > limit:
            return None
        cost, node, last = best
        return _recover(g, pred, dist, start, node, cost, None if last is None else (te, *last))
    finally:
        dist[search.touched[:count]] = np.inf


def _frac(g: ModeGraph, e: int, offset_m: float) -> float:
    """An offset along an edge as a fraction of its length."""
    seg = float(g.length_m[e])
    return min(1.0, max(0.0, offset_m / seg)) if seg > 0 else 0.0


def _best_end(
    g: ModeGraph, dist: np.ndarray, start: tuple[int, float], target: tuple[int, float]
) -> tuple[float, int, tuple[float, float] | None] | None:
    """The cheapest way into the target through the graph: (cost, node, last piece's fractions or None at a node)."""
    te, to = target
    seg = float(g.length_m[te])
    u, v = int(g.u[te]), int(g.v[te])
    found: list[tuple[float, int, tuple[float, float] | None]] = []
    if np.isfinite(g.fwd[te]) and np.isfinite(dist[u]):  # along the edge from u, as evaluate_points does
        c = dist[u] + g.fwd[te] * (to / seg) if seg > 0.0 else dist[u]
        found.append((float(c), u, (0.0, _frac(g, te, to))))
    if np.isfinite(g.bwd[te]) and np.isfinite(dist[v]):
        c = dist[v] + g.bwd[te] * ((seg - to) / seg) if seg > 0.0 else dist[v]
        found.append((float(c), v, (1.0, _frac(g, te, to))))
    usable = np.isfinite(g.fwd[te]) or np.isfinite(g.bwd[te])
    if usable and to <= 0.0 and np.isfinite(dist[u]):  # the target is at node u
        found.append((float(dist[u]), u, None))
    elif usable and to >= seg and np.isfinite(dist[v]):
        found.append((float(dist[v]), v, None))
    return min(found, key=lambda f: f[0]) if found else None


def _direct(g: ModeGraph, start: tuple[int, float], target: tuple[int, float]) -> float | None:
    """Cost of going straight along the start's edge to a target on that same edge, as CircleSearch does."""
    (se, so), (te, to) = start, target
    if se != te:
        return None
    seg = float(g.length_m[se])
    delta = to - so
    f_ok, b_ok = bool(np.isfinite(g.fwd[se])), bool(np.isfinite(g.bwd[se]))
    rate_f = g.fwd[se] / seg if seg > 0 and f_ok else 0.0
    rate_b = g.bwd[se] / seg if seg > 0 and b_ok else 0.0
    options = []
    if f_ok and delta >= 0:
        options.append(float(delta * rate_f))
    if b_ok and delta <= 0:
        options.append(float(-delta * rate_b))
    return min(options) if options else None


def _recover(
    g: ModeGraph,
    pred: np.ndarray,
    dist: np.ndarray,
    start: tuple[int, float],
    node: int,
    cost: float,
    last: tuple[int, float, float] | None,
) -> RoutePath:
    """Walk the predecessor arcs back from ``node`` to a seed and assemble the pieces in travel order."""
    arcs = g.arcs
    edges: list[int] = []
    t0: list[float] = []
    t1: list[float] = []
    n = node
    while pred[n] != NO_ARC:
        j = int(pred[n])
        e = int(arcs.edge[j])
        forward = bool(arcs.forward[j])
        edges.append(e)
        t0.append(0.0 if forward else 1.0)
        t1.append(1.0 if forward else 0.0)
        n = int(g.u[e]) if forward else int(g.v[e])
    se, so = start
    ts = _frac(g, se, so)
    toward_u = n == g.u[se]
    if g.u[se] == g.v[se]:  # a loop: the seed that gave the node its cost
        toward_u = bool(np.isfinite(g.bwd[se])) and g.bwd[se] * ts <= dist[n]
    edges.append(se)
    t0.append(ts)
    t1.append(0.0 if toward_u else 1.0)
    edges.reverse()
    t0.reverse()
    t1.reverse()
    if last is not None:  # the stretch of the target's edge from the node it was entered by
        edges.append(last[0])
        t0.append(last[1])
        t1.append(last[2])
    return RoutePath(cost, edges, t0, t1)
