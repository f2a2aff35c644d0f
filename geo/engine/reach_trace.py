"""Tracing a filled raster's cell boundaries into simple rings that keep only their corners (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def trace_cells(grid):  # type: ignore[no-untyped-def]
    """Boundary rings of the filled cells, filled side on the left; returns (ring starts, vertex rows, cols)."""
    ny, nx = grid.shape
    nv = (ny + 1) * (nx + 1)
    out_a = np.full(nv, -1, np.int32)  # up to two boundary edges leave a vertex (at a saddle)
    out_b = np.full(nv, -1, np.int32)
    n_edges = 0
    for i in range(ny):
        for j in range(nx):
            if not grid[i, j]:
                continue
            sides = (
                (i == 0 or not grid[i - 1, j], i * (nx + 1) + j, i * (nx + 1) + j + 1),
                (j == nx - 1 or not grid[i, j + 1], i * (nx + 1) + j + 1, (i + 1) * (nx + 1) + j + 1),
                (i == ny - 1 or not grid[i + 1, j], (i + 1) * (nx + 1) + j + 1, (i + 1) * (nx + 1) + j),
                (j == 0 or not grid[i, j - 1], (i + 1) * (nx + 1) + j, i * (nx + 1) + j),
            )
            for open_side, start, end in sides:
                if open_side:
                    if out_a[start] == -1:
                        out_a[start] = end
                    else:
                        out_b[start] = end
                    n_edges += 1
    verts = np.empty(n_edges + 1 + n_edges, np.int64)
    starts = np.empty(n_edges + 1, np.int64)
    nverts = 0
    nrings = 0
    for v0 in range(nv):
        while out_a[v0] != -1:
            starts[nrings] = nverts
            nrings += 1
            v = v0
            prev_dir = -1
            while True:
                verts[nverts] = v
                nverts += 1
                a = out_a[v]
                b = out_b[v]
                if a == -1:
                    break
                nxt = a
                if b != -1:
                    # a saddle: turn left of the incoming direction so rings stay simple
                    da = _direction(v, a, nx)
                    left = (prev_dir + 1) % 4 if prev_dir >= 0 else da
                    nxt = a if da == left else b
                if nxt == a:
                    out_a[v] = out_b[v]
                    out_b[v] = -1
                else:
                    out_b[v] = -1
                prev_dir = _direction(v, nxt, nx)
                v = nxt
                if v == v0:
                    break
            verts[nverts] = v0
            nverts += 1
    starts[nrings] = nverts
    return starts[: nrings + 1], verts[:nverts]


@njit(cache=True, nogil=True)
def split_pinched(starts, verts, nv):  # type: ignore[no-untyped-def]
    """Split rings that pass a vertex twice (at a saddle) into simple closed loops."""
    pos = np.full(nv, -1, np.int64)
    path = np.empty(len(verts), np.int64)
    out = np.empty(2 * len(verts), np.int64)
    out_starts = np.empty(len(verts) + 1, np.int64)
    n_out = 0
    n_rings = 0
    for r in range(len(starts) - 1):
        size = 0
        for k in range(starts[r], starts[r + 1] - 1):  # the last vertex repeats the first
            v = verts[k]
            at = pos[v]
            if at == -1:
                pos[v] = size
                path[size] = v
                size += 1
                continue
            out_starts[n_rings] = n_out
            n_rings += 1
            for q in range(at, size):
                out[n_out] = path[q]
                n_out += 1
                if q > at:
                    pos[path[q]] = -1
            out[n_out] = v
            n_out += 1
            size = at + 1
        if size > 0:
            out_starts[n_rings] = n_out
            n_rings += 1
            for q in range(size):
                out[n_out] = path[q]
                n_out += 1
                pos[path[q]] = -1
            out[n_out] = path[0]
            n_out += 1
    out_starts[n_rings] = n_out
    return out_starts[: n_rings + 1], out[:n_out]


@njit(cache=True, nogil=True)
def keep_corners(starts, verts, nx):  # type: ignore[no-untyped-def]
    """Drop the vertices where a ring goes straight on; rings stay closed and start at a corner."""
    out = np.empty(len(verts), np.int64)
    out_starts = np.empty(len(starts), np.int64)
    n = 0
    for r in range(len(starts) - 1):
        a, b = starts[r], starts[r + 1] - 1  # verts[b] repeats verts[a]
        m = b - a
        out_starts[r] = n
        first = n
        for k in range(m):
            prev = verts[a + (k - 1) % m]
            here = verts[a + k]
            nxt = verts[a + (k + 1) % m]
            if _direction(prev, here, nx) != _direction(here, nxt, nx):
                out[n] = here
                n += 1
        out[n] = out[first]
        n += 1
    out_starts[len(starts) - 1] = n
    return out_starts, out[:n]


@njit(cache=True, nogil=True)
def _direction(v, w, nx):  # type: ignore[no-untyped-def]
    """0 east, 1 north, 2 west, 3 south (rows grow northwards)."""
    d = w - v
    if d == 1:
        return 0
    if d == nx + 1:
        return 1
    if d == -1:
        return 2
    return 3
