"""MultiPolygon GeoJSON text written by a compiled kernel: coordinates in micro-degrees, no float formatting."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

SCALE = 1_000_000  # six decimals (~0.1 m in degrees)
MAX_ABS = 1e9  # larger values are left to orjson (the kernel's digit buffer assumes fewer digits)
HEAD = b'{"type":"MultiPolygon","coordinates":'


def multipolygon_text(
    starts: npt.NDArray[np.int64], polygons: list[list[int]], xy: npt.NDArray[np.float64]
) -> bytes | None:
    """GeoJSON of the rings (``starts`` into ``xy``) grouped by ``polygons``, each value with ≤ 6 decimals.

    Writes what orjson writes for such values (shortest form: 116.35257, 32.0, 0.0001); None when a value is not
    finite, too large for the kernel or has more than 6 decimals, so the caller can fall back to orjson.
    """
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    if len(xy) and not (np.isfinite(xy).all() and np.abs(xy).max() < MAX_ABS):
        return None
    micro = np.rint(xy * SCALE)
    if not np.array_equal(micro / SCALE, xy):
        return None
    poly_ptr = np.zeros(len(polygons) + 1, np.int64)
    np.cumsum([len(p) for p in polygons], out=poly_ptr[1:])
    ring_ids = np.asarray([r for p in polygons for r in p], np.int64)
    micro = micro.astype(np.int64)
    out = np.empty(len(HEAD) + 8 + len(ring_ids) * 4 + len(polygons) * 4 + len(xy) * 44, np.uint8)
    out[: len(HEAD)] = np.frombuffer(HEAD, np.uint8)
    n = _write(np.asarray(starts, np.int64), poly_ptr, ring_ids, micro, out, len(HEAD))
    return out[:n].tobytes()


TEN = np.uint64(10)
MILLION = np.uint64(1_000_000)


@njit(cache=True, nogil=True)
def _number(v, out, k):  # type: ignore[no-untyped-def]
    """Write v / 1e6 like a shortest float repr (at least one decimal); returns the next position."""
    if v < 0:
        out[k] = 45  # '-'
        k += 1
        v = -v
    u = np.uint64(v)  # unsigned: division by a constant compiles to a multiply and a shift
    ip, fp = u // MILLION, u % MILLION
    m, rest = 1, ip // TEN
    while rest:  # count the digits, then write them from the last one back (no buffer to allocate)
        m += 1
        rest //= TEN
    for j in range(m - 1, -1, -1):
        out[k + j] = 48 + ip % TEN
        ip //= TEN
    k += m
    out[k] = 46  # '.'
    k += 1
    if fp == 0:
        out[k] = 48
        return k + 1
    width = 6
    while fp % TEN == 0:
        fp //= TEN
        width -= 1
    for j in range(width - 1, -1, -1):
        out[k + j] = 48 + fp % TEN
        fp //= TEN
    return k + width


@njit(cache=True, nogil=True)
def _write(starts, poly_ptr, ring_ids, micro, out, k):  # type: ignore[no-untyped-def]
    out[k] = 91  # '['
    k += 1
    for p in range(len(poly_ptr) - 1):
        if p:
            out[k] = 44  # ','
            k += 1
        out[k] = 91
        k += 1
        for q in range(poly_ptr[p], poly_ptr[p + 1]):
            if q > poly_ptr[p]:
                out[k] = 44
                k += 1
            out[k] = 91
            k += 1
            r = ring_ids[q]
            for i in range(starts[r], starts[r + 1]):
                if i > starts[r]:
                    out[k] = 44
                    k += 1
                out[k] = 91
                k = _number(micro[i, 0], out, k + 1)
                out[k] = 44
                k = _number(micro[i, 1], out, k + 1)
                out[k] = 93  # ']'
                k += 1
            out[k] = 93
            k += 1
        out[k] = 93
        k += 1
    out[k] = 93
    out[k + 1] = 125  # '}'
    return k + 2
