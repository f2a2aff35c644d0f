"""Surplus and shortage by occupation group: 2SFCA, E2SFCA and spatial availability per village and township.

For one group, D_i = 1 for an available resident of that group (every available resident for 'all'), P_j the
group's open positions at site j, c_ij the road cost from home i to site j within the limit, w the Gaussian
decay of E2SFCA (1 at the door, 0 at the limit):

- 2SFCA   R_j = P_j / Σ_i D_i,        A_i = Σ_j R_j            (positions per seeker within reach)
- E2SFCA  R_j = P_j / Σ_i w_ij D_i,   A_i = Σ_j w_ij R_j
- spatial availability (Plumb et al. 2021; Soukhov et al. 2023, population exponent 1):
  V_ij = P_j · D_i w_ij / Σ_k D_k w_kj, the share of site j's positions allocated to seeker i. Summed over
  seekers it gives back P_j for every site whose reach holds a seeker, so areas' availabilities add up to the
  positions on offer (the rest is reported as unallocated) — unlike 2SFCA indices, which do not add up.

An area's figures: seekers Σ D_i, positions located in it, access indices as means over its seekers, spatial
availability Σ_i Σ_j V_ij over its seekers, and balance = spatial availability − seekers (> 0: jobs wait for
workers, < 0: workers wait for jobs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.engine.network import F8
from geo.engine.network_load import RoadNetwork
from matching.analytics.compute import CircleInputs, gaussian_weight
from matching.circle.service import CircleService

ALL = "all"


@dataclass(frozen=True)
class SiteReach:
    """For every site, the residents (indices) within reach and their road costs."""

    idx: list[npt.NDArray[np.int32]]
    cost: list[F8]


@dataclass(frozen=True)
class GroupFigures:
    """Per-resident figures of one group, and what no seeker could be allocated."""

    demand: F8
    access_2sfca: F8
    access_e2sfca: F8
    availability: F8
    positions: npt.NDArray[np.int64]  # per site
    unallocated: float


def site_reach(
    service: CircleService, net: RoadNetwork, inputs: CircleInputs, *, mode: str, metric: str, limit: float
) -> SiteReach:
    """One search per site towards it (residents travel to work), on the road network."""
    people = service.snap_points(net, mode, inputs.resident_ids, inputs.rx, inputs.ry)
    snapped = net.index(mode).snap(inputs.sx, inputs.sy, max_snap_m=service.settings.max_snap_m)
    search = service.search(service.reversed_graph(net, mode, "time" if metric == "time" else "length"))
    idx: list[npt.NDArray[np.int32]] = []
    cost: list[F8] = []
    for j in range(len(inputs.site_ids)):
        if snapped.edge[j] < 0 or inputs.site_positions[j] == 0:
            idx.append(np.empty(0, np.int32))
            cost.append(np.empty(0, np.float64))
            continue
        reach = search.search(int(snapped.edge[j]), float(snapped.offset_m[j]), limit)
        i, c = search.points(reach, people.targets, limit)
        idx.append(np.asarray(i, np.int32))
        cost.append(np.asarray(c, np.float64))
    return SiteReach(idx, cost)


def group_columns(inputs: CircleInputs, group: str) -> npt.NDArray[np.bool_]:
    """Which of the inputs' medium groups belong to a group ('all', a major '6' or a medium '6-18')."""
    names = np.asarray(inputs.groups, dtype=object)
    if group == ALL:
        return np.ones(len(names), bool)
    return np.asarray([g == group or g.split("-")[0] == group for g in names.tolist()], bool)


def figures(inputs: CircleInputs, reach: SiteReach, group: str, *, limit: float) -> GroupFigures:
    """2SFCA, E2SFCA and spatial availability per resident for one group."""
    cols = group_columns(inputs, group)
    if group == ALL:
        demand = inputs.available.astype(np.float64)
        positions = inputs.site_positions.astype(np.int64)
    else:
        in_group = (inputs.resident_group >= 0) & cols[np.maximum(inputs.resident_group, 0)]
        demand = (inputs.available & in_group).astype(np.float64)
        positions = inputs.site_group_positions[:, cols].sum(axis=1).astype(np.int64)
    n = len(demand)
    a2, ae, sa = np.zeros(n), np.zeros(n), np.zeros(n)
    unallocated = 0.0
    for j, p in enumerate(positions.tolist()):
        if p == 0:
            continue
        idx, cost = reach.idx[j], reach.cost[j]
        d = demand[idx]
        w = gaussian_weight(cost, limit) * d
        plain, weighted = float(d.sum()), float(w.sum())
        if plain > 0:
            a2[idx] += d * (p / plain)
        if weighted > 0:
            ae[idx] += w * (p / weighted)
            sa[idx] += p * w / weighted
        else:
            unallocated += p
    return GroupFigures(demand, a2, ae, sa, positions, unallocated)


def area_rows(inputs: CircleInputs, fig: GroupFigures, group: str) -> pd.DataFrame:
    """Seekers, positions, access means, spatial availability and balance per village and township."""
    people = pd.DataFrame(
        {
            "village": inputs.village,
            "township": inputs.township,
            "seekers": fig.demand,
            "a2": fig.access_2sfca * fig.demand,
            "ae": fig.access_e2sfca * fig.demand,
            "sa": fig.availability,
        }
    )
    sites = pd.DataFrame(
        {
            "area": np.concatenate([inputs.site_area, inputs.site_township]),
            "positions": np.concatenate(
                [fig.positions, np.where(inputs.site_area != inputs.site_township, fig.positions, 0)]
            ),
        }
    )
    located = sites.groupby("area").positions.sum()
    frames = []
    for level, key in (("village", "village"), ("township", "township")):
        g = people.groupby(key)[["seekers", "a2", "ae", "sa"]].sum()
        g["level"] = level
        frames.append(g)
    table = pd.concat(frames)
    table.index.name = "area_code"
    table = table.reset_index()
    table["positions"] = located.reindex(table["area_code"], fill_value=0).to_numpy(np.int64)
    seekers = table["seekers"].where(table["seekers"] > 0)
    table["access_2sfca"] = (table["a2"] / seekers).fillna(0.0)
    table["access_e2sfca"] = (table["ae"] / seekers).fillna(0.0)
    table["spatial_availability"] = table["sa"]
    table["balance"] = table["sa"] - table["seekers"]
    table["group"] = group
    table["seekers"] = table["seekers"].astype(np.int64)
    return table[
        [
            "area_code",
            "level",
            "group",
            "seekers",
            "positions",
            "balance",
            "access_2sfca",
            "access_e2sfca",
            "spatial_availability",
        ]
    ]


def snapshot_groups(inputs: CircleInputs) -> list[str]:
    """'all', every major group and every medium group that has seekers or positions."""
    medium = sorted(g for g in inputs.groups if g)
    return [ALL, *sorted({g.split("-")[0] for g in medium}), *medium]
