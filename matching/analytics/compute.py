"""County-wide circle analytics: positions within reach of every resident, candidates of every site, 2SFCA.

Supply is the open positions of each enterprise site; demand is the available residents (seeking work,
farming, or working away and wishing to return). Distances run from the resident's home to the site, on the
road network, exactly (partial edges included). With decay 'gaussian' the E2SFCA weight
w(d) = (exp(-½(d/R)²) − exp(-½)) / (1 − exp(-½)) applies; with 'none' w = 1 (plain 2SFCA).

- site ratio R_j = P_j / Σ_i w(d_ij)·D_i, over demand within reach of site j;
- resident access A_i = Σ_j w(d_ij)·R_j, positions per seeker reachable from i;
- area balance = Σ_{i in area} D_i·A_i − Σ_{i in area} D_i: positions the area's seekers can claim minus
  its seekers; > 0 means a shortage of labour (jobs wait), < 0 a surplus of labour.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.engine.network import F8, Metric
from geo.engine.network_load import RoadNetwork
from matching.analytics.edges import compute_by_edge
from matching.analytics.inputs import NO_AREA, CircleInputs, area_code
from matching.analytics.inputs import load_inputs as load_inputs
from matching.analytics.results import CircleResults
from matching.circle.service import CircleService

Decay = Literal["none", "gaussian"]


def gaussian_weight(cost: F8, limit: float) -> F8:
    """The E2SFCA Gaussian decay, 1 at the site and 0 at the limit."""
    edge = np.exp(-0.5)
    return np.clip((np.exp(-0.5 * (cost / limit) ** 2) - edge) / (1.0 - edge), 0.0, 1.0)


def compute(
    service: CircleService,
    net: RoadNetwork,
    inputs: CircleInputs,
    *,
    mode: str,
    metric: Metric,
    limit: float,
    decay: Decay = "none",
    progress: Callable[[float], None] | None = None,
    by_edge: bool = True,
) -> CircleResults:
    """Two passes over the sites: demand within each site's reach, then each resident's access."""
    # residents off the network are only counted as such: their distance to the road is not stored
    people = service.snap_points(net, mode, inputs.resident_ids, inputs.rx, inputs.ry, measure_far=False)
    sites_snap = net.index(mode).snap(inputs.sx, inputs.sy, max_snap_m=service.settings.max_snap_m)
    graph = service.reversed_graph(net, mode, metric)  # residents travel to the site
    search = service.search(graph)
    if decay == "none" and by_edge:
        return compute_by_edge(
            search,
            inputs,
            people.targets.snapped.edge,
            people.targets,
            sites_snap.edge,
            sites_snap.offset_m,
            limit=limit,
            progress=progress,
        )
    n_res, n_sites = len(inputs.resident_ids), len(inputs.site_ids)
    demand = inputs.available.astype(np.float64)
    positions_in_reach = np.zeros(n_res, np.int64)
    matching = np.zeros(n_res, np.int64)
    access = np.zeros(n_res, np.float64)
    candidates = np.zeros(n_sites, np.int64)
    weighted = np.zeros(n_sites, np.float64)
    ratio = np.zeros(n_sites, np.float64)
    has_group = inputs.resident_group >= 0

    def reach_of(j: int) -> tuple[npt.NDArray[np.int32], F8]:
        reach = search.search(int(sites_snap.edge[j]), float(sites_snap.offset_m[j]), limit)
        return search.points(reach, people.targets, limit)

    on_network = sites_snap.edge >= 0
    for j in np.flatnonzero(on_network):
        idx, cost = reach_of(int(j))
        w = gaussian_weight(cost, limit) if decay == "gaussian" else np.ones(len(idx))
        candidates[j] = int(inputs.available[idx].sum())
        weighted[j] = float((w * demand[idx]).sum())
        p = inputs.site_positions[j]
        if p > 0:
            positions_in_reach[idx] += p
            grp = inputs.resident_group[idx]
            ok = has_group[idx]
            matching[idx[ok]] += inputs.site_group_positions[j, grp[ok]]
            ratio[j] = p / weighted[j] if weighted[j] > 0 else 0.0
        if progress is not None and j % 200 == 0:
            progress(0.5 * j / max(1, n_sites))
    for j in np.flatnonzero(on_network & (ratio > 0)):
        idx, cost = reach_of(int(j))
        w = gaussian_weight(cost, limit) if decay == "gaussian" else np.ones(len(idx))
        access[idx] += w * ratio[j]
        if progress is not None and j % 200 == 0:
            progress(0.5 + 0.5 * j / max(1, n_sites))
    return CircleResults(
        people.targets.snapped.edge >= 0,
        positions_in_reach,
        matching,
        access,
        on_network,
        candidates,
        weighted,
        ratio,
    )


def area_table(inputs: CircleInputs, results: CircleResults) -> pd.DataFrame:
    """Figures per village and per township (area codes as text)."""
    res = pd.DataFrame(
        {
            "village": inputs.village,
            "township": inputs.township,
            "seeker": inputs.available.astype(np.int64),
            "reach": np.where(inputs.available, results.positions_in_reach, 0),
            "claim": np.where(inputs.available, results.access_index, 0.0),
        }
    )
    site_area = pd.DataFrame(
        {
            "area": np.concatenate([inputs.site_area, inputs.site_township]),
            "positions": np.concatenate(
                [
                    inputs.site_positions,
                    np.where(inputs.site_area != inputs.site_township, inputs.site_positions, 0),
                ]
            ),
        }
    )
    frames = []
    for level, key in (("village", "village"), ("township", "township")):
        g = (
            res[res[key] != NO_AREA]
            .groupby(key)
            .agg(
                residents=("seeker", "size"),
                seekers=("seeker", "sum"),
                reach=("reach", "sum"),
                claim=("claim", "sum"),
            )
        )
        g["level"] = level
        frames.append(g)
    table = pd.concat(frames)
    table.index.name = "area_code"
    located = site_area[site_area["area"] != NO_AREA].groupby("area").positions.sum()
    table["positions"] = located.reindex(table.index, fill_value=0).astype(np.int64)
    seekers = table["seekers"].where(table["seekers"] > 0)
    table["positions_in_reach"] = (table["reach"] / seekers).fillna(0.0)
    table["access_index"] = (table["claim"] / seekers).fillna(0.0)
    table["balance"] = table["claim"] - table["seekers"]
    table = table.reset_index()
    table["area_code"] = [area_code(int(c)) for c in table["area_code"]]
    return table


@dataclass(frozen=True)
class AnalysisSummary:
    """What `hongyan analyze circles` prints."""

    run_id: int
    residents: int
    residents_on_network: int
    sites: int
    positions: int
    mean_positions_in_reach: float
    seekers_with_a_job_in_reach: int
    seconds: float


def summarise(run_id: int, inputs: CircleInputs, results: CircleResults, started: float) -> AnalysisSummary:
    """Headline figures of a run."""
    avail = inputs.available
    return AnalysisSummary(
        run_id=run_id,
        residents=len(inputs.resident_ids),
        residents_on_network=int(results.resident_on_network.sum()),
        sites=len(inputs.site_ids),
        positions=int(inputs.site_positions.sum()),
        mean_positions_in_reach=float(results.positions_in_reach.mean()) if len(avail) else 0.0,
        seekers_with_a_job_in_reach=int((avail & (results.positions_in_reach > 0)).sum()),
        seconds=round(time.perf_counter() - started, 2),
    )
