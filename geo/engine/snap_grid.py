"""A uniform-grid nearest-segment index (numba): the nearest usable edge of many points, exactly as GEOS measures.

Every segment of a usable edge is listed in each grid cell it passes through. A query scans rings of cells
around its point, nearest cells first, and stops once no unscanned cell can hold a segment as near as the best
found (ties go to the lowest edge index). Distances and positions along the edge follow GEOS's arithmetic
(``Distance::pointToSegment``, ``LengthIndexedLine::project``), so they equal what shapely's STRtree and
``line_locate_point`` give; a point with no edge within the scanned rings is left to the caller.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numba import njit, prange

from geo.engine.network import F8, I4, I8

MARGIN_M = 1e-3  # segments are listed in the cells they pass within a millimetre of (rounding)
SLACK_M = 1e-6  # lower bounds are loosened by this before they prune a cell or stop a scan


@dataclass(frozen=True)
class SegmentGrid:
    """Segments (first vertex index into ``xy``, owner edge) listed per cell (CSR over ``ny * nx`` cells)."""

    x0: float
    y0: float
    cell: float
    nx: int
    ny: int
    cell_ptr: I8
    cell_seg: I4
    seg_start: I8
    seg_edge: I4
    ptr: I8
    xy: F8

    @classmethod
    def build(cls, ptr: I8, xy: F8, usable: npt.NDArray[np.bool_], *, cell: float = 50.0) -> SegmentGrid:
        """Index the segments of the usable edges (``xy[ptr[e]:ptr[e+1]]`` are edge e's vertices)."""
        edges = np.flatnonzero(usable).astype(np.int32)
        counts = np.maximum(ptr[edges + 1] - ptr[edges] - 1, 0)
        seg_edge = np.repeat(edges, counts).astype(np.int32)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        seg_start = (np.repeat(ptr[edges], counts) + offsets).astype(np.int64)
        if len(seg_start):
            ends = np.concatenate([xy[seg_start], xy[seg_start + 1]])
            x0, y0 = ends.min(axis=0) - cell
            x1, y1 = ends.max(axis=0) + cell
        else:
            x0 = y0 = 0.0
            x1 = y1 = cell
        nx, ny = int((x1 - x0) / cell) + 1, int((y1 - y0) / cell) + 1
        n_cells = np.zeros(len(seg_start), np.int64)
        _cells_of_segments(xy, seg_start, x0, y0, cell, nx, ny, n_cells, np.empty(0, np.int64), False)
        cell_of = np.empty(int(n_cells.sum()), np.int64)
        _cells_of_segments(xy, seg_start, x0, y0, cell, nx, ny, n_cells, cell_of, True)
        owner = np.repeat(np.arange(len(seg_start), dtype=np.int32), n_cells)
        order = np.argsort(cell_of, kind="stable")
        cell_ptr = np.zeros(nx * ny + 1, np.int64)
        np.cumsum(np.bincount(cell_of, minlength=nx * ny), out=cell_ptr[1:])
        return cls(
            float(x0),
            float(y0),
            float(cell),
            nx,
            ny,
            cell_ptr,
            owner[order],
            seg_start,
            seg_edge,
            np.asarray(ptr, np.int64),
            np.ascontiguousarray(xy, dtype=np.float64),
        )

    def nearest(self, x: F8, y: F8, *, max_dist: float) -> tuple[I4, F8, F8, npt.NDArray[np.bool_]]:
        """Per point: nearest edge, its distance, the distance along the edge, and whether the scan settled it.

        Points not settled (no segment found within about ``max_dist``) get edge -1 and are left to the caller.
        """
        n = len(x)
        edge = np.full(n, -1, np.int32)
        dist = np.full(n, np.inf)
        along = np.zeros(n)
        found = np.zeros(n, np.bool_)
        rings = int(math.ceil(max_dist / self.cell)) + 2
        args = (
            self.x0,
            self.y0,
            self.cell,
            self.nx,
            self.ny,
            self.cell_ptr,
            self.cell_seg,
            self.seg_start,
            self.seg_edge,
            self.ptr,
            self.xy,
            rings,
            edge,
            dist,
            along,
            found,
        )
        # numba's thread pool serves one parallel call at a time (its workqueue layer is not thread-safe):
        # a second caller meanwhile snaps on its own thread
        if n >= PARALLEL_MIN and _PARALLEL.acquire(blocking=False):
            try:
                _nearest_many_parallel(x, y, *args)
            finally:
                _PARALLEL.release()
        else:
            _nearest_many(x, y, *args)
        return edge, dist, along, found


PARALLEL_MIN = 20_000  # fewer points are done on the calling thread (no thread-pool start-up)
_PARALLEL = threading.Lock()


@njit(cache=True, nogil=True)
def _cells_of_segments(xy, seg_start, x0, y0, cell, nx, ny, n_cells, cell_of, fill):  # type: ignore[no-untyped-def]
    """The cells each segment passes through (column by column); counts them, or writes them when fill."""
    k = 0
    for s in range(len(seg_start)):
        a = seg_start[s]
        ax, ay, bx, by = xy[a, 0], xy[a, 1], xy[a + 1, 0], xy[a + 1, 1]
        lo_x, hi_x = min(ax, bx) - MARGIN_M, max(ax, bx) + MARGIN_M
        j0 = max(0, int(math.floor((lo_x - x0) / cell)))
        j1 = min(nx - 1, int(math.floor((hi_x - x0) / cell)))
        count = 0
        for j in range(j0, j1 + 1):
            sx0 = max(lo_x, x0 + j * cell)
            sx1 = min(hi_x, x0 + (j + 1) * cell)
            if bx != ax:
                t0 = min(1.0, max(0.0, (sx0 - ax) / (bx - ax)))
                t1 = min(1.0, max(0.0, (sx1 - ax) / (bx - ax)))
                ya = ay + (by - ay) * t0
                yb = ay + (by - ay) * t1
                lo_y, hi_y = min(ya, yb) - MARGIN_M, max(ya, yb) + MARGIN_M
            else:
                lo_y, hi_y = min(ay, by) - MARGIN_M, max(ay, by) + MARGIN_M
            i0 = max(0, int(math.floor((lo_y - y0) / cell)))
            i1 = min(ny - 1, int(math.floor((hi_y - y0) / cell)))
            for i in range(i0, i1 + 1):
                if fill:
                    cell_of[k] = i * nx + j
                    k += 1
                count += 1
        if not fill:
            n_cells[s] = count


@njit(cache=True, nogil=True, inline="always")
def _point_to_segment(px, py, ax, ay, bx, by):  # type: ignore[no-untyped-def]
    """GEOS Distance::pointToSegment, operation for operation."""
    if ax == bx and ay == by:
        return math.sqrt((ax - px) * (ax - px) + (ay - py) * (ay - py))
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
    if r <= 0.0:
        return math.sqrt((ax - px) * (ax - px) + (ay - py) * (ay - py))
    if r >= 1.0:
        return math.sqrt((bx - px) * (bx - px) + (by - py) * (by - py))
    s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
    return abs(s) * math.sqrt(len2)


@njit(cache=True, nogil=True)
def line_lengths(ptr, xy):  # type: ignore[no-untyped-def]
    """Each edge's length summed segment by segment, as GEOS's Length::ofLine does."""
    n = len(ptr) - 1
    out = np.zeros(n)
    for e in range(n):
        total = 0.0
        for k in range(ptr[e], ptr[e + 1] - 1):
            dx = xy[k + 1, 0] - xy[k, 0]
            dy = xy[k + 1, 1] - xy[k, 1]
            total += math.sqrt(dx * dx + dy * dy)
        out[e] = total
    return out


@njit(cache=True, nogil=True)
def project_on_edge(ptr, xy, e, px, py):  # type: ignore[no-untyped-def]
    """GEOS LengthIndexedLine::project: distance along edge e to the point nearest (px, py), and the edge length."""
    best = np.inf
    measure = 0.0
    start = 0.0
    for k in range(ptr[e], ptr[e + 1] - 1):
        ax, ay, bx, by = xy[k, 0], xy[k, 1], xy[k + 1, 0], xy[k + 1, 1]
        seg_len = math.sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay))
        d = _point_to_segment(px, py, ax, ay, bx, by)
        if px == ax and py == ay:
            frac = 0.0
        elif px == bx and py == by:
            frac = 1.0
        else:
            len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
            frac = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2 if len2 > 0.0 else np.nan
        if frac <= 0.0:
            m = start
        elif frac <= 1.0:
            m = start + frac * seg_len
        else:
            m = start + seg_len
        if d < best and m > -1.0:
            best = d
            measure = m
        start += seg_len
    return measure, start


@njit(cache=True, nogil=True)
def _nearest_one(px, py, x0, y0, cell, nx, ny, cell_ptr, cell_seg, seg_start, seg_edge, xy, rings):  # type: ignore[no-untyped-def]
    """Nearest segment's edge and distance, scanning rings of cells; settled=False if the rings ran out."""
    fj = (px - x0) / cell
    fi = (py - y0) / cell
    if not (math.isfinite(fj) and math.isfinite(fi)):
        return -1, np.inf, False
    pj = int(math.floor(fj))
    pi = int(math.floor(fi))
    fx = px - (x0 + pj * cell)
    fy = py - (y0 + pi * cell)
    near = min(min(fx, cell - fx), min(fy, cell - fy))
    best = np.inf
    best_e = -1
    for r in range(rings + 1):
        for i in range(pi - r, pi + r + 1):
            if i < 0 or i >= ny:
                continue
            edge_row = i == pi - r or i == pi + r
            step = 1 if edge_row else 2 * r
            if step == 0:
                step = 1
            for j in range(pj - r, pj + r + 1, step):
                if j < 0 or j >= nx:
                    continue
                cx0 = x0 + j * cell
                cy0 = y0 + i * cell
                ddx = max(max(cx0 - px, 0.0), px - (cx0 + cell))
                ddy = max(max(cy0 - py, 0.0), py - (cy0 + cell))
                if math.sqrt(ddx * ddx + ddy * ddy) - SLACK_M > best:
                    continue
                c = i * nx + j
                for k in range(cell_ptr[c], cell_ptr[c + 1]):
                    s = cell_seg[k]
                    a = seg_start[s]
                    d = _point_to_segment(px, py, xy[a, 0], xy[a, 1], xy[a + 1, 0], xy[a + 1, 1])
                    e = seg_edge[s]
                    if d < best or (d == best and e < best_e):
                        best = d
                        best_e = e
        if best < r * cell + near - SLACK_M:
            return best_e, best, True
    return -1, np.inf, False


@njit(cache=True, nogil=True)
def _nearest_at(
    p,
    x,
    y,
    x0,
    y0,
    cell,
    nx,
    ny,
    cell_ptr,
    cell_seg,
    seg_start,
    seg_edge,
    ptr,
    xy,
    rings,
    edge,
    dist,
    along,
    found,
):  # type: ignore[no-untyped-def]
    e, d, ok = _nearest_one(
        x[p], y[p], x0, y0, cell, nx, ny, cell_ptr, cell_seg, seg_start, seg_edge, xy, rings
    )
    if ok:
        edge[p] = e
        dist[p] = d
        along[p] = project_on_edge(ptr, xy, e, x[p], y[p])[0]
        found[p] = True


@njit(cache=True, nogil=True)
def _nearest_many(
    x,
    y,
    x0,
    y0,
    cell,
    nx,
    ny,
    cell_ptr,
    cell_seg,
    seg_start,
    seg_edge,
    ptr,
    xy,
    rings,
    edge,
    dist,
    along,
    found,
):  # type: ignore[no-untyped-def]
    for p in range(len(x)):
        _nearest_at(
            p,
            x,
            y,
            x0,
            y0,
            cell,
            nx,
            ny,
            cell_ptr,
            cell_seg,
            seg_start,
            seg_edge,
            ptr,
            xy,
            rings,
            edge,
            dist,
            along,
            found,
        )


@njit(cache=True, nogil=True, parallel=True)
def _nearest_many_parallel(
    x,
    y,
    x0,
    y0,
    cell,
    nx,
    ny,
    cell_ptr,
    cell_seg,
    seg_start,
    seg_edge,
    ptr,
    xy,
    rings,
    edge,
    dist,
    along,
    found,
):  # type: ignore[no-untyped-def]
    for p in prange(len(x)):
        _nearest_at(
            p,
            x,
            y,
            x0,
            y0,
            cell,
            nx,
            ny,
            cell_ptr,
            cell_seg,
            seg_start,
            seg_edge,
            ptr,
            xy,
            rings,
            edge,
            dist,
            along,
            found,
        )
