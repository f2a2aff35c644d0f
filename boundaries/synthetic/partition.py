"""Partitioning a region among seats by noisy growth over Voronoi cells, and checking a partition.

A region is sampled with a jittered grid; every sample (and every seat) gets its Voronoi cell. Seats then
claim cells by growing along the Delaunay edges (multi-source Dijkstra, each seat at its own speed, edge costs
roughened by a smooth random field), so every part is one connected patch with organic borders. The cells of
one seat are unioned *before* clipping to the region: Voronoi cells share their vertices exactly, so
neighbouring parts share identical edges and the result has no gaps and no overlaps.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial import Delaunay, cKDTree
from shapely import MultiPolygon
from shapely.geometry.base import BaseGeometry

from boundaries.synthetic.outline import METRIC_EPSG


@dataclass(frozen=True)
class PartitionReport:
    """How well children partition their parent: areas in m², counts of invalid geometries."""

    gap_m2: float
    overlap_m2: float
    outside_m2: float
    invalid: int

    @property
    def ok(self) -> bool:
        """True when gaps, overlaps and spill-over are each under 1 m² and all children are valid."""
        return self.gap_m2 < 1.0 and self.overlap_m2 < 1.0 and self.outside_m2 < 1.0 and self.invalid == 0


def check_partition(parent_geom: BaseGeometry, children: gpd.GeoSeries) -> PartitionReport:
    """Gap, overlap and outside area (m²) of children against their parent (given in the children's CRS)."""
    invalid = int((~shapely.is_valid(children.values)).sum())
    series = gpd.GeoSeries(list(children.values), crs=children.crs)
    parent = gpd.GeoSeries([parent_geom], crs=children.crs)
    if series.crs is None or series.crs.is_geographic:
        series = series.set_crs(4326, allow_override=True).to_crs(METRIC_EPSG)
        parent = parent.set_crs(4326, allow_override=True).to_crs(METRIC_EPSG)
    geoms = shapely.make_valid(series.values) if invalid else series.values
    parent_m = parent.values[0]
    union = shapely.union_all(geoms)
    gap = shapely.area(shapely.difference(parent_m, union))
    outside = shapely.area(shapely.difference(union, parent_m))
    overlap = float(shapely.area(geoms).sum()) - shapely.area(union)
    return PartitionReport(float(gap), max(float(overlap), 0.0), float(outside), invalid)


def as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal parts of a geometry as one MultiPolygon (dropping stray lines and points)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    nested = [q for p in shapely.get_parts(geom) if p.geom_type == "MultiPolygon" for q in p.geoms]
    return MultiPolygon(parts + nested)


def _samples(region: BaseGeometry, seats: np.ndarray, spacing: float, rng: np.random.Generator) -> np.ndarray:
    """Seats first, then a jittered grid of sample points inside the region, none too close to a seat."""
    minx, miny, maxx, maxy = region.bounds
    xs = np.arange(minx + spacing / 2, maxx, spacing)
    ys = np.arange(miny + spacing / 2, maxy, spacing)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    pts += rng.uniform(-0.4 * spacing, 0.4 * spacing, size=pts.shape)
    pts = pts[shapely.contains_xy(region, pts[:, 0], pts[:, 1])]
    if len(pts):
        near, _ = cKDTree(seats).query(pts)
        pts = pts[near > 0.45 * spacing]
    return np.vstack([seats, pts])


def _smooth_field(pts: np.ndarray, wavelength: float, rng: np.random.Generator) -> np.ndarray:
    """A smooth random field in [-1, 1]-ish: a sum of a few randomly oriented sinusoids."""
    field = np.zeros(len(pts))
    for _ in range(6):
        angle = rng.uniform(0.0, np.pi)
        k = 2.0 * np.pi / (wavelength * rng.uniform(0.6, 1.6))
        proj = pts[:, 0] * np.cos(angle) + pts[:, 1] * np.sin(angle)
        field += np.sin(k * proj + rng.uniform(0.0, 2.0 * np.pi))
    return field / np.sqrt(3.0)


def _grow(
    pts: np.ndarray, region: BaseGeometry, speeds: np.ndarray, rng: np.random.Generator, spacing: float
) -> np.ndarray:
    """Label of every sample: which seat (0..k-1) reaches it first along roughened Delaunay edges."""
    tri = Delaunay(pts)
    s = tri.simplices
    edges = np.unique(np.sort(np.vstack([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]]), axis=1), axis=0)
    mid = (pts[edges[:, 0]] + pts[edges[:, 1]]) / 2.0
    edges = edges[shapely.contains_xy(region, mid[:, 0], mid[:, 1])]
    length = np.hypot(*(pts[edges[:, 0]] - pts[edges[:, 1]]).T)
    field = _smooth_field((pts[edges[:, 0]] + pts[edges[:, 1]]) / 2.0, 9.0 * spacing, rng)
    cost = length * np.exp(0.35 * field + rng.normal(0.0, 0.25, len(edges)))
    both = np.concatenate([edges, edges[:, ::-1]])
    order = np.argsort(both[:, 0], kind="stable")
    nbr, ncost = both[order, 1], np.concatenate([cost, cost])[order]
    start = np.searchsorted(both[order, 0], np.arange(len(pts) + 1))
    labels = np.full(len(pts), -1)
    heap = [(0.0, i, i) for i in range(len(speeds))]
    heapq.heapify(heap)
    while heap:
        t, node, seat = heapq.heappop(heap)
        if labels[node] >= 0:
            continue
        labels[node] = seat
        speed = speeds[seat]
        for j in range(start[node], start[node + 1]):
            other = nbr[j]
            if labels[other] < 0:
                heapq.heappush(heap, (t + ncost[j] / speed, other, seat))
    lost = labels < 0
    if lost.any():  # samples cut off by the region's shape join their nearest labelled neighbour
        found = np.flatnonzero(~lost)
        _, idx = cKDTree(pts[found]).query(pts[lost])
        labels[lost] = labels[found[idx]]
    return labels


def grow_partition(
    region: BaseGeometry,
    seats: np.ndarray,
    *,
    speeds: np.ndarray,
    spacing: float,
    rng: np.random.Generator,
) -> list[MultiPolygon]:
    """Split a metric region into one connected part per seat (seats must lie inside the region)."""
    if len(seats) == 1:
        return [as_multipolygon(region)]
    pts = _samples(region, seats, spacing, rng)
    labels = _grow(pts, region, np.asarray(speeds, dtype=float), rng, spacing)
    frame = shapely.box(*region.bounds).buffer(4.0 * spacing).envelope
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.MultiPoint(pts), extend_to=frame, ordered=True)
    )
    if len(cells) != len(pts):
        raise RuntimeError(f"Voronoi diagram has {len(cells)} cells for {len(pts)} points")
    out = []
    for k in range(len(seats)):
        merged = shapely.coverage_union_all(cells[labels == k])
        out.append(shapely.intersection(merged, region))
    return [as_multipolygon(g) for g in _merge_fragments(out, seats)]


def _merge_fragments(parts: list[BaseGeometry], seats: np.ndarray) -> list[BaseGeometry]:
    """Give each detached fragment (cut off by clipping) to the neighbour sharing the longest border with it."""
    parts = list(parts)
    for k, geom in enumerate(parts):
        pieces = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
        if len(pieces) < 2:
            continue
        seat = shapely.Point(seats[k])
        home = max(pieces, key=lambda p: (p.intersects(seat), p.area))
        kept = [home]
        for piece in pieces:
            if piece is home:
                continue
            border = [
                shapely.length(shapely.intersection(piece.boundary, other)) if j != k else 0.0
                for j, other in enumerate(parts)
            ]
            j = int(np.argmax(border))
            if border[j] <= 0.0:
                kept.append(piece)
                continue
            parts[j] = shapely.union_all([parts[j], piece])
        parts[k] = shapely.union_all(kept) if len(kept) > 1 else home
    return parts
