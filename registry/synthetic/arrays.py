"""Small numpy helpers shared by the generators."""

from __future__ import annotations

import numpy as np


def draw_categorical(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category index per row of a (n, k) probability matrix (rows need not be normalised)."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities)) * cumulative[:, -1]
    return np.minimum((cumulative < u[:, None]).sum(axis=1), probabilities.shape[1] - 1)


def rank_within_groups(group: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... numbering the members of each group (integer labels) in their original order."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    counts = np.diff(np.r_[starts, len(group)])
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - np.repeat(starts, counts)
    return rank
