"""Plain 2SFCA (no distance decay) counted by edge: an edge wholly inside a site's circle is added once.

Each site's search splits the reached residents into whole edges (every point on them within the limit,
counted through per-edge sums) and the remaining points on the circle's rim (counted one by one), so a
site's work grows with the edges it reaches, not with the people living on them. The result equals the
point-by-point computation (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from geo.circle import CircleSearch
from geo.network import I4

if TYPE_CHECKING:
    from matching.analytics import CircleInputs, CircleResults


def compute_by_edge(
    search: CircleSearch,
    inputs: CircleInputs,
    people_edge: I4,
    targets: object,
    site_edge: I4,
    site_offset: npt.NDArray[np.float64],
    *,
    limit: float,
    progress: Callable[[float], None] | None = None,
) -> CircleResults:
    """Per resident: positions, matching positions, 2SFCA access; per site: candidates, demand, ratio."""
    from matching.analytics import CircleResults

    m = search.graph.n_edges
    n_res, n_sites = len(inputs.resident_ids), len(inputs.site_ids)
    n_groups = inputs.site_group_positions.shape[1]
    on = people_edge >= 0
    avail = inputs.available
    group = np.where(inputs.resident_group >= 0, inputs.resident_group, 0)
    edge_demand = np.bincount(people_edge[on], weights=avail[on].astype(np.float64), minlength=m)
    edge_pos = np.zeros(m, np.int64)
    edge_match = np.zeros((m, n_groups), np.int32)
    edge_access = np.zeros(m, np.float64)
    pt_pos = np.zeros(n_res, np.int64)
    pt_match = np.zeros(n_res, np.int64)
    pt_access = np.zeros(n_res, np.float64)
    candidates = np.zeros(n_sites, np.int64)
    weighted = np.zeros(n_sites, np.float64)
    ratio = np.zeros(n_sites, np.float64)
    kept: list[tuple[int, I4, I4]] = []
    site_on = site_edge >= 0
    for j in np.flatnonzero(site_on):
        reach = search.search(int(site_edge[j]), float(site_offset[j]), limit)
        whole, idx, _ = search.split(reach, targets, limit)  # type: ignore[arg-type]
        demand = float(edge_demand[whole].sum()) + float(avail[idx].sum())
        candidates[j] = round(demand)
        weighted[j] = demand
        p = int(inputs.site_positions[j])
        if p > 0:
            edge_pos[whole] += p
            pt_pos[idx] += p
            for g in np.flatnonzero(inputs.site_group_positions[j]):
                pg = int(inputs.site_group_positions[j, g])
                edge_match[whole, g] += pg
                pt_match[idx[group[idx] == g]] += pg
            if demand > 0:
                ratio[j] = p / demand
                kept.append((int(j), whole, idx))
        if progress is not None and j % 200 == 0:
            progress(0.9 * j / max(1, n_sites))
    for site, whole, idx in kept:
        edge_access[whole] += ratio[site]
        pt_access[idx] += ratio[site]
    e = np.where(on, people_edge, 0)
    positions = np.where(on, edge_pos[e], 0) + pt_pos
    matching = np.where(on & (inputs.resident_group >= 0), edge_match[e, group], 0) + pt_match
    access = np.where(on, edge_access[e], 0.0) + pt_access
    return CircleResults(on, positions, matching, access, site_on, candidates, weighted, ratio)
