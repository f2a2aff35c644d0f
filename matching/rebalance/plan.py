"""用工余缺调剂 The optimal inter-area labour rebalancing plan, per occupation group, as a min-cost flow.

Per medium occupation group, areas with a net surplus of available workers (see matching.rebalance.inputs)
send them to areas with a net shortage of positions, at the least total travel time between the areas'
population-weighted centres, by car or e-bike on our road engine (matching.rebalance.travel). A pair farther
apart than the maximum commute (default 45 min by car, 30 by e-bike) is not allowed. Positions nobody can fill
are the unmet remainder: a dummy supply at unit penalty P larger than any augmenting path (see
matching.rebalance.flow.penalty_for), so the plan first fills as many positions as the commute allows, then
minimises travel. Each unmet remainder says why: no surplus of the group anywhere, none within the commute,
or the workers within reach are needed (more cheaply) elsewhere. Costs are worker-minutes (workers × minutes);
the solver works in integer seconds. A greedy nearest-first plan is computed for comparison.

With no open positions at all (or none in the group asked for) there is nothing to rebalance: the answer is an
empty plan whose ``note`` says so, not an error.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from matching.circle.service import CircleService
from matching.rebalance.cache import cached_balances
from matching.rebalance.flow import greedy_transport, min_cost_transport, objective, penalty_for
from matching.rebalance.inputs import LEVELS, AreaBalances, Level, medium_groups
from matching.rebalance.travel import CentreTimes, centre_times, fill_pairs, matrix

DEFAULT_MINUTES: dict[str, float] = {"car": 45.0, "ebike": 30.0}
MAX_MINUTES = 180.0
SOLVER_THREADS = min(2, os.cpu_count() or 1)
GROUP_PATTERN = re.compile(r"^[0-9]-[0-9]{2}$")
REASONS = {
    "no_surplus": "no area has spare available workers of this group",
    "out_of_reach": "no area with spare workers of this group lies within the commute",
    "off_network": "the area's centre is not near the road network",
    "taken": "the spare workers within the commute are all placed (more cheaply) elsewhere",
}


@dataclass(frozen=True)
class Flow:
    """Workers of one group moved from a surplus area to a shortage area."""

    from_code: str
    from_name: str
    to_code: str
    to_name: str
    group: str
    group_name: str
    workers: int
    minutes: float
    cost: float  # worker-minutes
    from_lon: float
    from_lat: float
    to_lon: float
    to_lat: float


@dataclass(frozen=True)
class Unmet:
    """Positions of one group in one area that the plan cannot fill, and why."""

    code: str
    name: str
    group: str
    group_name: str
    positions: int
    reason: str
    explanation: str


@dataclass(frozen=True)
class GroupTotals:
    """One group's balance: surplus and shortage summed over areas, what moves, the greedy comparison."""

    group: str
    group_name: str
    surplus: int
    shortage: int
    moved: int
    unmet: int
    idle: int
    cost: float
    penalty: int
    greedy_moved: int
    greedy_cost: float
    objective: int  # seconds, unmet counted at the penalty
    greedy_objective: int


@dataclass
class RebalancePlan:
    """The whole plan: flows, unmet remainders, per-group and overall totals."""

    level: str
    mode: str
    max_minutes: float
    flows: list[Flow] = field(default_factory=list)
    unmet: list[Unmet] = field(default_factory=list)
    groups: list[GroupTotals] = field(default_factory=list)
    note: str | None = None
    seconds: float = 0.0

    @property
    def total_cost(self) -> float:
        """Worker-minutes of the optimal plan."""
        return sum(g.cost for g in self.groups)

    @property
    def greedy_cost(self) -> float:
        """Worker-minutes of the greedy nearest-first plan."""
        return sum(g.greedy_cost for g in self.groups)

    def totals(self) -> dict[str, Any]:
        """Overall figures."""
        gs = self.groups
        return {
            "surplus": sum(g.surplus for g in gs),
            "shortage": sum(g.shortage for g in gs),
            "moved": sum(g.moved for g in gs),
            "unmet": sum(g.unmet for g in gs),
            "idle": sum(g.idle for g in gs),
            "cost": round(self.total_cost, 2),
            "greedy_moved": sum(g.greedy_moved for g in gs),
            "greedy_cost": round(self.greedy_cost, 2),
            "objective": sum(g.objective for g in gs),
            "greedy_objective": sum(g.greedy_objective for g in gs),
        }

    def as_json(self) -> dict[str, Any]:
        """The plan as the API returns it."""
        return {
            "query": {"level": self.level, "mode": self.mode, "max_minutes": self.max_minutes},
            "flows": [asdict(f) for f in self.flows],
            "unmet": [asdict(u) for u in self.unmet],
            "groups": [asdict(g) for g in self.groups],
            "totals": self.totals(),
            "note": self.note,
            "seconds": self.seconds,
        }


def validate(level: str, mode: str, max_minutes: float | None) -> tuple[Level, str, float]:
    """Check the options that need no database; the max commute defaults by mode."""
    if level not in LEVELS:
        raise InvalidInput(f"unknown level {level!r}: use township or village", field="level")
    if mode not in DEFAULT_MINUTES:
        raise InvalidInput(f"unknown mode {mode!r}: use car or ebike", field="mode")
    minutes = DEFAULT_MINUTES[mode] if max_minutes is None else float(max_minutes)
    if not minutes > 0:
        raise InvalidInput(
            f"max_minutes must be greater than 0, got {minutes:g}: give the longest acceptable commute",
            field="max_minutes",
        )
    if minutes > MAX_MINUTES:
        raise InvalidInput(
            f"max_minutes {minutes:g} exceeds the maximum of {MAX_MINUTES:g}", field="max_minutes"
        )
    return level, mode, minutes  # type: ignore[return-value]


def check_group(conn: Connection, group: str) -> str:
    """The group's name; an unknown or malformed group is invalid input."""
    names = medium_groups(conn)
    if not GROUP_PATTERN.match(group) or group not in names:
        raise InvalidInput(
            f"occupation group {group!r} does not exist: give a medium group code such as 6-18 "
            "(机械制造基础加工人员); see the occupations table",
            field="group",
        )
    return names[group]


def plan_rebalance(
    service: CircleService,
    conn: Connection,
    *,
    level: str = "township",
    mode: str = "car",
    max_minutes: float | None = None,
    group: str | None = None,
) -> RebalancePlan:
    """The optimal plan (and its greedy comparison) for every group, or for one."""
    started = time.perf_counter()
    lvl, mode, minutes = validate(level, mode, max_minutes)
    net = service.network(conn)  # 409 when no road network is imported
    names = medium_groups(conn)
    if group is not None:
        check_group(conn, group)
    plan = RebalancePlan(lvl, mode, minutes)
    bal = cached_balances(service, conn, level=lvl)
    wanted = [g for g in bal.groups if group is None or g == group]
    net_matrix = bal.net
    cols = [bal.groups.index(g) for g in wanted]
    if not cols or not (bal.shortage[:, cols] > 0).any():
        plan.note = (
            "nothing to rebalance: there are no open vacancies"
            if group is None
            else f"nothing to rebalance: there are no open positions in group {group}"
        )
        plan.seconds = round(time.perf_counter() - started, 4)
        return plan
    limit = minutes * 60.0
    times = centre_times(service, net, bal.x, bal.y, mode=mode, limit=limit)
    sources: set[int] = set()
    sinks: set[int] = set()
    for k in cols:
        if (net_matrix[:, k] < 0).any() and (net_matrix[:, k] > 0).any():
            sources.update(np.flatnonzero(net_matrix[:, k] > 0).tolist())
            sinks.update(np.flatnonzero(net_matrix[:, k] < 0).tolist())
    fill_pairs(service, net, times, sorted(sources), sorted(sinks))
    # the solver releases the GIL: groups are solved on SOLVER_THREADS threads, then put in group order
    with ThreadPoolExecutor(max_workers=SOLVER_THREADS) as pool:
        list(
            pool.map(
                lambda gk: _solve_group(
                    plan, bal, times, gk[0], names.get(gk[0], ""), net_matrix[:, gk[1]], limit
                ),
                zip(wanted, cols, strict=True),
            )
        )
    plan.groups.sort(key=lambda t: t.group)
    plan.flows.sort(key=lambda f: (f.group, -f.workers, f.from_code, f.to_code))
    plan.unmet.sort(key=lambda u: (u.group, -u.positions, u.code))
    plan.seconds = round(time.perf_counter() - started, 4)
    return plan


def _solve_group(
    plan: RebalancePlan,
    bal: AreaBalances,
    times: CentreTimes,
    group: str,
    group_name: str,
    net: np.ndarray,
    limit: float,
) -> None:
    """Solve one group's transportation problem and append its flows, unmet remainders and totals."""
    src = np.flatnonzero(net > 0)
    snk = np.flatnonzero(net < 0)
    supply, demand = net[src].astype(np.int64), (-net[snk]).astype(np.int64)
    if len(snk) == 0:
        plan.groups.append(
            GroupTotals(
                group, group_name, int(supply.sum()), 0, 0, 0, int(supply.sum()), 0.0, 0, 0, 0.0, 0, 0
            )
        )
        return
    secs = matrix(times, src, snk)
    allowed = np.isfinite(secs) & (secs <= limit)
    cost = np.where(allowed, np.rint(np.where(allowed, secs, 0.0)), 0).astype(np.int64)
    penalty = penalty_for(int(round(limit)), len(src), len(snk))
    flow, unmet = min_cost_transport(supply, demand, cost, allowed, penalty=penalty)
    gflow, gunmet = greedy_transport(supply, demand, cost, allowed)
    on_network = times.on_network
    for a, b in zip(*np.nonzero(flow), strict=True):
        i, j, w = int(src[a]), int(snk[b]), int(flow[a, b])
        plan.flows.append(
            Flow(
                str(bal.codes[i]),
                str(bal.names[i]),
                str(bal.codes[j]),
                str(bal.names[j]),
                group,
                group_name,
                w,
                round(cost[a, b] / 60.0, 1),
                round(w * cost[a, b] / 60.0, 2),
                round(float(bal.lon[i]), 6),
                round(float(bal.lat[i]), 6),
                round(float(bal.lon[j]), 6),
                round(float(bal.lat[j]), 6),
            )
        )
    for b in np.flatnonzero(unmet > 0):
        j = int(snk[b])
        if len(src) == 0:
            reason = "no_surplus"
        elif not on_network[j]:
            reason = "off_network"
        elif not allowed[:, b].any():
            reason = "out_of_reach"
        else:
            reason = "taken"
        plan.unmet.append(
            Unmet(
                str(bal.codes[j]),
                str(bal.names[j]),
                group,
                group_name,
                int(unmet[b]),
                reason,
                f"{REASONS[reason]} (max {plan.max_minutes:g} min by {plan.mode})",
            )
        )
    moved = int(flow.sum())
    plan.groups.append(
        GroupTotals(
            group,
            group_name,
            int(supply.sum()),
            int(demand.sum()),
            moved,
            int(unmet.sum()),
            int(supply.sum()) - moved,
            round(int((flow * cost).sum()) / 60.0, 2),
            penalty,
            int(gflow.sum()),
            round(int((gflow * cost).sum()) / 60.0, 2),
            objective(flow, unmet, cost, penalty),
            objective(gflow, gunmet, cost, penalty),
        )
    )
