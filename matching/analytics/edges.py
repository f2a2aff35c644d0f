"""Plain 2SFCA (no distance decay) counted by edge: an edge wholly inside a site's circle is added once.

Each site's search splits the reached residents into whole edges (every point on them within the limit,
counted through per-edge sums) and the remaining points on the circle's rim (counted one by one), so a
site's work grows with the edges it reaches, not with the people living on them. The result equals the
point-by-point computation (tested).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from geo.engine.circle import CircleSearch, PointSet
from geo.engine.network import I4
from matching.analytics.inputs import CircleInputs
from matching.analytics.results import CircleResults
from matching.analytics.sweep import sweep_sites


def compute_by_edge(
    search: CircleSearch,
    inputs: CircleInputs,
    people_edge: I4,
    targets: PointSet,
    site_edge: I4,
    site_offset: npt.NDArray[np.float64],
    *,
    limit: float,
    progress: Callable[[float], None] | None = None,
) -> CircleResults:
    """Per resident: positions, matching positions, 2SFCA access; per site: candidates, demand, ratio."""
    on = people_edge >= 0
    avail = inputs.available
    group = np.where(inputs.resident_group >= 0, inputs.resident_group, 0).astype(np.int64)
    m = search.graph.n_edges
    edge_demand = np.bincount(people_edge[on], weights=avail[on].astype(np.float64), minlength=m).astype(
        np.float64
    )
    if progress is not None:
        progress(0.0)
    sums = sweep_sites(
        search.graph,
        targets,
        site_edge,
        site_offset,
        inputs.site_positions,
        inputs.site_group_positions,
        avail,
        group,
        edge_demand,
        limit,
    )
    if progress is not None:
        progress(0.9)
    e = np.where(on, people_edge, 0)
    positions = np.where(on, sums.edge_pos[e], 0) + sums.pt_pos
    matching = np.where(on & (inputs.resident_group >= 0), sums.edge_match[e, group], 0) + sums.pt_match
    access = np.where(on, sums.edge_access[e], 0.0) + sums.pt_access
    site_on = site_edge >= 0
    return CircleResults(on, positions, matching, access, site_on, sums.candidates, sums.weighted, sums.ratio)
