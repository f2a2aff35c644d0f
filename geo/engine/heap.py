"""A binary min-heap on parallel key/value arrays for the compiled (numba) shortest-path kernels.

Both operations move a hole instead of swapping pairs (one write per level instead of four); the arrays end
in exactly the state the swapping version leaves, so the pop order, ties included, is the same.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True, nogil=True)
def heap_push(keys, vals, size, key, val):  # type: ignore[no-untyped-def]
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        up = keys[parent]
        if up <= key:
            break
        keys[i] = up
        vals[i] = vals[parent]
        i = parent
    keys[i] = key
    vals[i] = val
    return size + 1


@njit(cache=True, nogil=True)
def heap_pop(keys, vals, size):  # type: ignore[no-untyped-def]
    top_key = keys[0]
    top_val = vals[0]
    size -= 1
    key = keys[size]
    val = vals[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        low = keys[child]
        if child + 1 < size and keys[child + 1] < low:
            child += 1
            low = keys[child]
        if key <= low:
            break
        keys[i] = low
        vals[i] = vals[child]
        i = child
    keys[i] = key
    vals[i] = val
    return top_key, top_val, size
