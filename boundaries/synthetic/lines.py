"""Geometric building blocks for synthetic roads, all in metric coordinates."""

from __future__ import annotations

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay, QhullError
from shapely import LineString
from shapely.geometry.base import BaseGeometry

EMPTY = np.empty(0, dtype=object)


def wiggly(
    a: np.ndarray, b: np.ndarray, rng: np.random.Generator, *, amp: float = 0.02, step: float = 120.0
) -> LineString:
    """A gently curving road from a to b: the straight line bent by a smooth random offset (ends fixed)."""
    length = float(np.hypot(*(b - a)))
    n = max(int(length / step), 1)
    t = np.linspace(0.0, 1.0, n + 1)
    normal = np.array([-(b - a)[1], (b - a)[0]]) / max(length, 1e-9)
    bend = np.zeros_like(t)
    for k in (1, 2, 3):
        bend += rng.normal(0.0, 1.0 / k) * np.sin(k * np.pi * t)
    offset = amp * length * bend / 1.5
    pts = a + np.outer(t, b - a) + np.outer(offset, normal)
    return LineString(pts)


def grid_lines(
    area: BaseGeometry,
    spacing: float,
    angle_deg: float,
    rng: np.random.Generator,
    *,
    jitter: float = 0.15,
    min_length: float = 20.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A rotated grid of straight lines clipped to area: (lines, axis, rank).

    axis 0 runs "north-south", 1 "east-west"; rank is the line's signed position in its family counted from
    the line nearest the area's centroid. Pieces cut apart by the area's shape are separate lines.
    """
    if area.is_empty:
        return EMPTY, np.empty(0, dtype=int), np.empty(0, dtype=int)
    c = np.array(area.centroid.coords[0])
    theta = np.radians(angle_deg)
    u = np.array([np.cos(theta), np.sin(theta)])  # east-west direction of the rotated grid
    v = np.array([-np.sin(theta), np.cos(theta)])  # north-south direction
    xy = shapely.get_coordinates(area) - c
    pu, pv = xy @ u, xy @ v
    lines: list[LineString] = []
    axes: list[int] = []
    ranks: list[int] = []
    for axis, (along, across, lo, hi, alo, ahi) in enumerate(
        ((v, u, pu.min(), pu.max(), pv.min(), pv.max()), (u, v, pv.min(), pv.max(), pu.min(), pu.max()))
    ):
        offsets = np.arange(lo + spacing * rng.uniform(0.2, 0.8), hi, spacing)
        offsets = offsets + rng.uniform(-jitter, jitter, len(offsets)) * spacing
        middle = int(np.argmin(np.abs(offsets))) if len(offsets) else 0
        ranks += list(range(-middle, len(offsets) - middle))
        for off in offsets:
            p0 = c + across * off + along * (alo - 10.0)
            p1 = c + across * off + along * (ahi + 10.0)
            lines.append(LineString([p0, p1]))
            axes.append(axis)
    clipped = shapely.intersection(np.array(lines, dtype=object), area)
    parts, idx = shapely.get_parts(clipped, return_index=True)
    keep = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > min_length)
    return parts[keep], np.asarray(axes)[idx[keep]], np.asarray(ranks)[idx[keep]]


def water_length(a: np.ndarray, b: np.ndarray, water: BaseGeometry) -> np.ndarray:
    """Length (m) of each straight segment a[i]–b[i] that runs over water."""
    segs = np.asarray(shapely.linestrings(np.stack([a, b], axis=1)), dtype=object)
    hit = shapely.intersects(water, segs)
    out = np.zeros(len(segs))
    if hit.any():
        out[hit] = shapely.length(shapely.intersection(segs[hit], water))
    return out


def delaunay_edges(pts: np.ndarray) -> np.ndarray:
    """Unique (i, j) edges of the Delaunay triangulation of points (straight pairs for 2–3 points)."""
    n = len(pts)
    if n < 2:
        return np.empty((0, 2), dtype=int)
    if n <= 3:
        return np.array([(i, j) for i in range(n) for j in range(i + 1, n)])
    try:
        s = Delaunay(pts).simplices
    except QhullError:  # collinear points: join them in order along their spread
        order = np.argsort(pts[:, 0] + pts[:, 1])
        return np.column_stack([order[:-1], order[1:]])
    e = np.sort(np.vstack([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]]), axis=1)
    return np.unique(e, axis=0)


def gabriel(pts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The Delaunay edges whose diametral circle holds no other point (the Gabriel graph)."""
    if len(edges) == 0:
        return edges
    mid = (pts[edges[:, 0]] + pts[edges[:, 1]]) / 2.0
    r2 = (np.hypot(*(pts[edges[:, 0]] - pts[edges[:, 1]]).T) / 2.0) ** 2
    d2 = ((mid[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2)
    d2[np.arange(len(edges)), edges[:, 0]] = np.inf
    d2[np.arange(len(edges)), edges[:, 1]] = np.inf
    return edges[(d2 > r2[:, None] * 0.999).all(axis=1)]


def spanning_tree(pts: np.ndarray, water: BaseGeometry, *, water_penalty: float = 25.0) -> np.ndarray:
    """Edges of a minimum spanning tree over points, where metres over water cost `water_penalty` times more."""
    edges = delaunay_edges(pts)
    if len(edges) == 0:
        return edges
    a, b = pts[edges[:, 0]], pts[edges[:, 1]]
    weight = np.hypot(*(a - b).T) + water_penalty * water_length(a, b, water) + 1e-3
    m = coo_matrix((weight, (edges[:, 0], edges[:, 1])), shape=(len(pts), len(pts)))
    tree = minimum_spanning_tree(m).tocoo()
    out = np.column_stack([tree.row, tree.col])
    return out[np.lexsort((out[:, 1], out[:, 0]))]


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (一, 十二, 二十三), for street names like 经三路."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
