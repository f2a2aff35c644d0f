"""共享用工 Shared employment: enterprises lend idle staff to nearby enterprises short of them for a while.

An offer (workers of a trade at a site, from–to dates) may serve a need when the trades are compatible (same
code, same minor group, or related in the bureau's table), the date ranges overlap, and the road travel time
between the two sites by the chosen mode is within the commute limit. The plan is an optimal transportation
(matching.rebalance.flow, successive shortest paths with a penalised unmet remainder): first as many workers
placed as the constraints allow, then the least total travel time. Every unmet need gets its reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from geo.core.errors import InvalidInput, NotFound, PermissionDenied
from matching.circle.service import CircleQuery, CircleService
from matching.ranking.related import check_detail_code, related_weights
from matching.ranking.scoring import minor_group, pair
from matching.rebalance.flow import min_cost_transport, penalty_for
from matching.rebalance.queries import (
    INSERT_NEED,
    INSERT_OFFER,
    NEEDS_FOR_PLAN,
    OFFERS_FOR_PLAN,
    SITE_FOR_CALLER,
)

PLAN_MODES = ("car", "ebike")
DEFAULT_MINUTES = {"car": 45.0, "ebike": 30.0}
REASON_REACH = 3.0  # searches go this many times the limit further, to say how far the nearest offer is
MAX_WORKERS = 10_000


@dataclass(frozen=True)
class SharedEntry:
    """An offer or a need as the API receives it."""

    site_id: int
    occupation_code: str
    workers: int
    date_from: date
    date_to: date
    note: str = ""


def post_entry(
    conn: Connection, enterprise_id: int | None, entry: SharedEntry, *, kind: str
) -> dict[str, Any]:
    """Store an offer ('offer') or a need ('need') of the caller's own enterprise at one of its sites."""
    if enterprise_id is None:
        raise PermissionDenied("only an enterprise's HR account may post shared-employment offers and needs")
    if not 1 <= entry.workers <= MAX_WORKERS:
        raise InvalidInput(
            f"workers must be between 1 and {MAX_WORKERS}, got {entry.workers}", field="workers"
        )
    if entry.date_from > entry.date_to:
        raise InvalidInput(
            f"date_from {entry.date_from.isoformat()} is after date_to {entry.date_to.isoformat()}",
            field="date_from/date_to",
        )
    code = check_detail_code(conn, entry.occupation_code, field="occupation_code")
    site = conn.execute(SITE_FOR_CALLER, {"site_id": entry.site_id}).one_or_none()
    if site is None or site.enterprise_id != enterprise_id:
        raise NotFound(f"site {entry.site_id} does not exist or does not belong to your enterprise")
    params = {
        "enterprise_id": enterprise_id,
        "site_id": entry.site_id,
        "occupation_code": code,
        "workers": entry.workers,
        "date_from": entry.date_from,
        "date_to": entry.date_to,
        "note": entry.note.strip(),
        "area_code": site.area_code,
    }
    row = conn.execute(INSERT_OFFER if kind == "offer" else INSERT_NEED, params).one()
    return {f"{kind}_id": row.id, **params, "created_at": row.created_at}


def trade_compatible(a: str, b: str, related: dict[tuple[str, str], float]) -> bool:
    """Same code, same minor group, or a related pair."""
    return (
        a == b or (minor_group(a) is not None and minor_group(a) == minor_group(b)) or pair(a, b) in related
    )


def travel_seconds(
    service: CircleService, conn: Connection, offers: list[Any], needs: list[Any], *, mode: str, limit: float
) -> npt.NDArray[np.float64]:
    """Road travel seconds from each offer's site to each need's site (inf beyond the limit or off the road)."""
    net = service.network(conn)
    times = np.full((len(offers), len(needs)), np.inf)
    ids = np.arange(len(needs), dtype=np.int64)
    targets = service.snap_points(
        net, mode, ids, np.asarray([n.x for n in needs], float), np.asarray([n.y for n in needs], float)
    )
    by_site: dict[int, npt.NDArray[np.float64]] = {}
    for i, o in enumerate(offers):
        if o.site_id not in by_site:
            q = CircleQuery(0.0, 0.0, float(o.x), float(o.y), mode, "time", limit)
            hit = service.reach(net, q, targets)
            row = np.full(len(needs), np.inf)
            row[hit.ids] = hit.cost
            by_site[o.site_id] = row
        times[i] = by_site[o.site_id]
    return times


def _dates_overlap(o: Any, n: Any) -> bool:
    return bool(o.date_from <= n.date_to and n.date_from <= o.date_to)


def check_plan_input(mode: str, max_minutes: float | None) -> float:
    """The commute limit in minutes for a plan, or InvalidInput."""
    if mode not in PLAN_MODES:
        raise InvalidInput(f"shared employment plans by car or ebike, not {mode!r}", field="mode")
    minutes = DEFAULT_MINUTES[mode] if max_minutes is None else max_minutes
    if not (math.isfinite(minutes) and minutes > 0):
        raise InvalidInput(f"max_minutes must be greater than 0, got {minutes:g}", field="max_minutes")
    if minutes > 180:
        raise InvalidInput(f"max_minutes must be at most 180, got {minutes:g}", field="max_minutes")
    return float(minutes)


def plan_shared(
    service: CircleService,
    conn: Connection,
    *,
    mode: str = "car",
    max_minutes: float | None = None,
    day: date | None = None,
    today: date,
) -> dict[str, Any]:
    """The optimal assignment of offered workers to needs, with the reason for every unmet need."""
    minutes = check_plan_input(mode, max_minutes)
    net = service.network(conn)  # 409 when no roads are imported
    params = {"srid": net.srid, "day": day, "today": today}
    offers = list(conn.execute(OFFERS_FOR_PLAN, params))
    needs = list(conn.execute(NEEDS_FOR_PLAN, params))
    head = {"mode": mode, "max_minutes": minutes, "date": day}
    if not offers or not needs:
        missing = "offers of idle staff" if not offers else "needs for staff"
        return {
            **head,
            "assignments": [],
            "unmet": [_unmet(n, "没有可共享的富余员工 no offers posted") for n in needs],
            "idle": [_idle(o, o.workers) for o in offers],
            "totals": _totals(offers, needs, 0, 0.0),
            "note": f"no {missing} in your area{' on ' + day.isoformat() if day else ''}: nothing to plan",
        }
    related = related_weights(conn)
    limit = minutes * 60.0
    times = travel_seconds(service, conn, offers, needs, mode=mode, limit=limit * REASON_REACH)
    trade = np.array(
        [[trade_compatible(o.occupation_code, n.occupation_code, related) for n in needs] for o in offers]
    )
    overlap = np.array([[_dates_overlap(o, n) for n in needs] for o in offers])
    allowed = trade & overlap & (times <= limit)
    cost = np.where(allowed, np.rint(np.where(np.isfinite(times), times, 0)), 0).astype(np.int64)
    supply = np.array([o.workers for o in offers], np.int64)
    demand = np.array([n.workers for n in needs], np.int64)
    penalty = penalty_for(int(limit), len(offers), len(needs))
    flow, unmet = min_cost_transport(supply, demand, cost, allowed, penalty=penalty)
    assignments = []
    for i, j in zip(*np.nonzero(flow), strict=True):
        o, n = offers[int(i)], needs[int(j)]
        assignments.append(
            {
                "offer_id": o.id,
                "need_id": n.id,
                "workers": int(flow[i, j]),
                "from_enterprise": o.enterprise,
                "from_site_id": o.site_id,
                "to_enterprise": n.enterprise,
                "to_site_id": n.site_id,
                "offer_occupation": o.occupation,
                "need_occupation": n.occupation,
                "minutes": round(float(times[i, j]) / 60.0, 1),
                "date_from": max(o.date_from, n.date_from),
                "date_to": min(o.date_to, n.date_to),
            }
        )
    unmet_rows = [
        _unmet(n, _reason(j, trade, overlap, times, allowed, flow, limit, mode), int(unmet[j]))
        for j, n in enumerate(needs)
        if unmet[j] > 0
    ]
    placed = int(flow.sum())
    left = supply - flow.sum(axis=1)
    return {
        **head,
        "assignments": assignments,
        "unmet": unmet_rows,
        "idle": [_idle(o, int(left[i])) for i, o in enumerate(offers) if left[i] > 0],
        "totals": _totals(offers, needs, placed, float((flow * cost).sum()) / 60.0),
        "note": None,
        "problem": {
            "supply": supply,
            "demand": demand,
            "cost": cost,
            "allowed": allowed,
            "penalty": penalty,
            "offer_ids": [o.id for o in offers],
            "need_ids": [n.id for n in needs],
        },
    }


def _reason(
    j: int, trade: Any, overlap: Any, times: Any, allowed: Any, flow: Any, limit: float, mode: str
) -> str:
    """Why need j is not (fully) met, most basic cause first."""
    how = "驾车" if mode == "car" else "电动车"
    if not trade[:, j].any():
        return "没有同工种或相关工种的富余员工 no offer of a compatible trade"
    if not (trade[:, j] & overlap[:, j]).any():
        return "相关工种的富余员工时间不重叠 no compatible offer in these dates"
    reachable = trade[:, j] & overlap[:, j]
    if not allowed[:, j].any():
        nearest = float(times[reachable, j].min())
        if math.isfinite(nearest):
            return (
                f"最近的富余员工{how} {nearest / 60:.0f} 分钟，超过 {limit / 60:g} 分钟上限 "
                f"nearest compatible offer is {nearest / 60:.0f} min away, over the limit"
            )
        return (
            f"{how} {REASON_REACH * limit / 60:g} 分钟内没有相关富余员工 "
            f"no compatible offer within {REASON_REACH * limit / 60:g} min"
        )
    return "附近的相关富余员工已全部安排 compatible offers within reach are all placed"


def _unmet(n: Any, reason: str, workers: int | None = None) -> dict[str, Any]:
    return {
        "need_id": n.id,
        "enterprise": n.enterprise,
        "site_id": n.site_id,
        "occupation": n.occupation,
        "workers": n.workers if workers is None else workers,
        "reason": reason,
    }


def _idle(o: Any, workers: int) -> dict[str, Any]:
    return {"offer_id": o.id, "enterprise": o.enterprise, "occupation": o.occupation, "workers": workers}


def _totals(offers: list[Any], needs: list[Any], placed: int, worker_minutes: float) -> dict[str, Any]:
    return {
        "offered": sum(o.workers for o in offers),
        "needed": sum(n.workers for n in needs),
        "placed": placed,
        "worker_minutes": round(worker_minutes, 1),
    }
