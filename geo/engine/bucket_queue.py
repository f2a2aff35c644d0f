"""An exact monotone bucket queue (Dial) for the compiled bounded searches, in place of a binary heap.

Costs fall into buckets of width Δ (bucket = int(cost · (1/Δ)), monotone in the cost) on a circular array of
per-bucket singly linked lists of pool entries (node, next). An entry holds no cost: the search reads the
node's current cost when it takes the entry and skips it as stale if that cost now lies in an earlier bucket.
A node whose cost falls within a later bucket that already holds its entry is not pushed again.

The search drains the lowest bucket until it is empty, also taking the entries that its own relaxations push
into it (arcs lighter than Δ), so inside a bucket it corrects labels instead of settling them in cost order.
Every bucket below the current one is final. At the end no arc improves any cost, and with non-negative
weights that fixed point, dist[v] = min(seed, min_u fl(dist[u] + w(u, v))), is unique (each cost is the
smallest left-to-right floating-point sum along a path): what the binary-heap Dijkstra computes too, so the
costs are the same bit for bit (tested against it).

Δ is a low quantile of the arc weights, widened so that neither the limit nor the heaviest arc spans more than
MAX_SPAN buckets; the circular array has more buckets than a cost can lie ahead of the current one, so none
wraps onto a live bucket. The kernels run the loop themselves, with these helpers for the layout, pushes and rare growth.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

WIDTH_QUANTILE = 0.01  # Δ: arcs lighter than this are rare, so few labels are corrected inside a bucket
MAX_SPAN = 8192  # at most this many buckets between 0 and the limit (a cheap scan over empty ones)
EMPTY = -1


def bucket_width(weight: npt.NDArray[np.float64]) -> float:
    """The graph's bucket width before the limit is known: a low quantile of the positive arc weights.

    Taken on every k-th arc of a large graph (any width gives the same costs; this one only has to be cheap).
    """
    sample = weight[:: max(1, len(weight) // 16384)]
    positive = sample[(sample > 0) & np.isfinite(sample)]
    if len(positive) == 0:
        return 1.0  # only zero-cost arcs: every cost is a seed's, any width does
    k = int(WIDTH_QUANTILE * (len(positive) - 1))
    return float(np.partition(positive, k)[k])


def layout(width: float, max_weight: float, limit: float) -> tuple[float, int]:
    """The inverse bucket width and the (power-of-two) bucket count for searches up to ``limit``.

    The width is widened so that at most MAX_SPAN buckets lie between 0 and the limit (the scan over empty
    buckets stays short) and between a cost and that cost plus the heaviest arc (the array stays small).
    """
    width = max(width, max_weight / MAX_SPAN)
    if math.isfinite(limit):
        width = max(width, limit / MAX_SPAN)
    inv = 1.0 / width
    ahead = int(max_weight * inv) + 4
    if math.isfinite(limit):
        ahead = min(ahead, int(max(limit, 0.0) * inv) + 2)
    return inv, 1 << max(4, ahead.bit_length())


@njit(cache=True, nogil=True)
def fit_heads(heads, inv, max_weight, seed_costs, limit):  # type: ignore[no-untyped-def]
    """``heads`` if it has more buckets than a cost can lie ahead of the current one, else a larger array.

    Costs lie at most max(the seeds' spread, max_weight + rounding) buckets ahead of the current bucket and
    never beyond the limit's; an array sized by ``layout`` for this limit fits and is returned as it is.
    """
    lo = np.inf
    hi = 0.0
    for s in range(len(seed_costs)):
        c = seed_costs[s]
        if c <= limit:
            lo = min(lo, c)
            hi = max(hi, c)
    if lo == np.inf:
        return heads
    ahead = max(int(hi * inv) - int(lo * inv), int(max_weight * inv) + 3)
    if limit * inv < 1e18:
        ahead = min(ahead, int(limit * inv) - int(lo * inv) + 1)
    if ahead < len(heads):
        return heads
    n = 16
    while n <= ahead:
        n *= 2
    return np.full(n, EMPTY, np.int32)


@njit(cache=True, nogil=True)
def push(heads, pool, used, slot, node):  # type: ignore[no-untyped-def]
    """Put ``node`` at the front of bucket ``slot`` (masked) in entry ``used`` (< len(pool)); returns used + 1."""
    pool[used, 0] = node
    pool[used, 1] = heads[slot]
    heads[slot] = used
    return used + 1


@njit(cache=True, nogil=True)
def grow(pool):  # type: ignore[no-untyped-def]
    """The entry pool at twice its size, entries kept (label corrections pushed more entries than arcs)."""
    bigger = np.empty((2 * len(pool) + 16, 2), np.int32)
    bigger[: len(pool)] = pool
    return bigger


def new_pool(n: int) -> npt.NDArray[np.int32]:
    """An entry pool with room for ``n`` pushes (node, next); it grows inside a search if it must."""
    return np.empty((n, 2), np.int32)


class BucketBuffers:
    """The bucket layout of one graph and reusable queue buffers (one instance per thread)."""

    def __init__(self, weight: npt.NDArray[np.float64]) -> None:
        self.width = bucket_width(weight)
        finite = weight[np.isfinite(weight)]
        self.max_weight = float(finite.max()) if len(finite) else 0.0
        self.pool = new_pool(len(weight) + 3)
        self._heads = np.full(16, EMPTY, np.int32)

    def heads(self, limit: float) -> tuple[float, npt.NDArray[np.int32]]:
        """The inverse bucket width for ``limit`` and an all-EMPTY bucket array large enough for it."""
        inv, n = layout(self.width, self.max_weight, limit)
        if len(self._heads) < n:
            self._heads = np.full(n, EMPTY, np.int32)
        return inv, self._heads
