"""Ranked matches with explanations: positions for a person, candidates for a vacancy, by road.

Personal records are read through the caller's scoped connection (row-level security decides what is
visible); the open job board and the road network are public and read through the service's own connection.
Distances come from the circle engine (never straight lines); a straight-line radius only pre-selects the
candidate pool, widened by the snapping allowance so it never drops anyone the road search would reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection

from geo.core.errors import NotFound
from geo.engine.network import MODES
from geo.osm.road_costs import SPEEDS_KMH
from matching.circle.service import CircleQuery, CircleService
from matching.ranking.queries import (
    HR_POOL,
    MATCH_VACANCIES_AT_SITES,
    OCCUPATION_NAME,
    POOL_DETAILS,
    RESIDENT_PROFILE,
    STAFF_POOL,
    VACANCY_FOR_CALLER,
    VILLAGE_NAMES,
)
from matching.ranking.related import related_weights
from matching.ranking.scoring import Position, Profile, Reach, Scored, hard_filter, score

MAX_ITEMS = 500


@dataclass(frozen=True)
class Ranked:
    """One scored item with its sort key."""

    scored: Scored
    cost: float
    key: int
    row: Any  # the row mapping


def _rank(items: list[Ranked]) -> list[Ranked]:
    """Highest score first; ties by shorter trip, then by id: the order is deterministic."""
    return sorted(items, key=lambda r: (-r.scored.score, r.cost, r.key))


def _trip(reach: Reach, cost: float) -> dict[str, float]:
    if reach.metric == "length":
        return {"road_distance_m": round(cost, 1)}
    return {"travel_minutes": round(cost / 60.0, 2)}


def _explained(rank: int, r: Ranked) -> dict[str, Any]:
    return {
        "rank": rank,
        "score": r.scored.score,
        "explanation": [f.as_json() for f in r.scored.factors],
    }


def profile_of(row: Any) -> Profile:
    """A scoring profile from a resident row (status and wish to return make a returnee)."""
    return Profile(
        age=row.age,
        occupation_code=row.occupation_code,
        occupation_name=getattr(row, "occupation", None),
        expected_wage=row.expected_wage,
        certificates=frozenset(row.certificates or ()),
        training_codes=frozenset(row.training_codes or ()),
        returnee=row.status == "working_away" and bool(row.wish_to_return),
        home_township=str(row.area_code)[:9],
    )


def position_of(row: Any, cost: float) -> Position:
    """A scoring position from a vacancy row and the trip's cost."""
    return Position(
        vacancy_id=int(row.vacancy_id),
        occupation_code=row.occupation_code,
        occupation_name=getattr(row, "occupation", None),
        wage_min=row.wage_min,
        wage_max=row.wage_max,
        area_code=row.area_code,
        cost=float(cost),
        min_age=row.min_age,
        max_age=row.max_age,
        required_certificates=frozenset(row.required_certificates or ()),
    )


def rank_positions(
    service: CircleService, public: Connection, q: CircleQuery, profile: Profile, *, limit: int = MAX_ITEMS
) -> dict[str, Any]:
    """Open positions within reach of a place ranked for a profile, with the ones its hard filters exclude."""
    net = service.network(public)
    hit = service.reach(net, q, service.sites(public, net, q.mode))
    reach = Reach(q.mode, q.metric, q.limit)
    related = related_weights(public)
    rows = []
    if len(hit.ids):
        params = {"site_ids": hit.ids.tolist(), "costs": hit.cost.tolist()}
        rows = list(public.execute(MATCH_VACANCIES_AT_SITES, params))
    ranked: list[Ranked] = []
    excluded: list[dict[str, Any]] = []
    for row in rows:
        pos = position_of(row, row.cost)
        why = hard_filter(profile, pos)
        if why is not None:
            excluded.append({"vacancy_id": pos.vacancy_id, "title": row.title, "reason": why})
            continue
        ranked.append(Ranked(score(profile, pos, reach, related), pos.cost, pos.vacancy_id, row._mapping))
    items = []
    for k, r in enumerate(_rank(ranked)[:limit], start=1):
        m = r.row
        items.append(
            {
                "vacancy_id": m["vacancy_id"],
                "title": m["title"],
                "enterprise": m["enterprise"],
                "enterprise_id": m["enterprise_id"],
                "site_id": m["site_id"],
                "occupation_code": m["occupation_code"],
                "occupation": m["occupation"],
                "positions": m["positions"],
                "wage_min": m["wage_min"],
                "wage_max": m["wage_max"],
                "full_time": m["full_time"],
                "lon": m["lon"],
                "lat": m["lat"],
                **_trip(reach, r.cost),
                **_explained(k, r),
            }
        )
    return {
        "on_network": hit.on_network,
        "count": len(ranked),
        "matches": items,
        "excluded": excluded,
        "note": None if rows else "圈内暂无在招岗位 no open positions within reach",
    }


def resident_matches(
    service: CircleService,
    scoped: Connection,
    public: Connection,
    resident_id: int,
    *,
    mode: str,
    radius_m: float | None,
    minutes: float | None,
) -> dict[str, Any]:
    """Positions ranked for a resident the caller may see (404 alike for missing and out-of-scope)."""
    row = scoped.execute(RESIDENT_PROFILE, {"id": resident_id}).one_or_none()
    if row is None:
        raise NotFound(f"resident {resident_id} does not exist or is outside your area")
    service.network(public)  # 409 first when no road network is imported
    q = service.query(public, lon=row.lon, lat=row.lat, mode=mode, radius_m=radius_m, minutes=minutes)
    result = rank_positions(service, public, q, profile_of(row))
    query = {"mode": q.mode, "radius_m": q.radius_m, "minutes": minutes}
    return {"resident_id": resident_id, "query": query, **result}


def pool_radius(service: CircleService, mode: str, metric: str, limit: float) -> float:
    """A straight-line radius that contains everyone within the road limit (snapping gaps included)."""
    if metric == "length":
        reach = limit
    else:
        fastest = max(s[MODES.index(mode)] or 0.0 for s in SPEEDS_KMH.values())
        reach = limit * fastest / 3.6
    return reach + 2.0 * service.settings.max_snap_m


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def vacancy_candidates(
    service: CircleService,
    scoped: Connection,
    public: Connection,
    vacancy_id: int,
    *,
    hr: bool,
    personal: Callable[[Any], dict[str, Any]],
    mode: str,
    radius_m: float | None,
    minutes: float | None,
    today: date,
) -> dict[str, Any]:
    """Residents available for a vacancy, ranked like positions are for people.

    ``hr``: the caller is the enterprise's HR (its pool comes through the security-definer function; no resident
    id is listed, as in the enterprise's candidate pool); ``personal(row)`` gives the caller's view of a row's
    name, ID number and phone (masking is the API's).
    """
    net = service.network(public)
    metric, limit = service.reach_limit(mode, radius_m=radius_m, minutes=minutes)
    vac = scoped.execute(VACANCY_FOR_CALLER, {"id": vacancy_id, "srid": net.srid}).one_or_none()
    if vac is None:
        raise NotFound(f"vacancy {vacancy_id} does not exist or is not in your area or enterprise")
    radius = pool_radius(service, mode, metric, limit)
    params = {"site_id": vac.site_id, "radius": radius, "srid": net.srid}
    pool = list(scoped.execute(HR_POOL if hr else STAFF_POOL, params))
    reach = Reach(mode, metric, limit)
    occ = scoped.execute(OCCUPATION_NAME, {"code": vac.occupation_code}).one_or_none()
    ranked: list[Ranked] = []
    excluded = 0
    if pool:
        ids = np.asarray([p.resident_id for p in pool], dtype=np.int64)
        xs = np.asarray([p.x for p in pool], dtype=np.float64)
        ys = np.asarray([p.y for p in pool], dtype=np.float64)
        located = service.snap_points(net, mode, ids, xs, ys)
        q = CircleQuery(vac.lon, vac.lat, float(vac.x), float(vac.y), mode, metric, limit)
        hit = service.reach(net, q, located, towards=True)
        by_id = {p.resident_id: p for p in pool}
        related = related_weights(public)
        for rid, cost in zip(hit.ids.tolist(), hit.cost.tolist(), strict=True):
            p = by_id[rid]
            prof = Profile(
                age=_age(p.birth_date, today),
                occupation_code=p.occupation_code,
                expected_wage=p.expected_wage,
                certificates=frozenset(p.certificates or ()),
                training_codes=frozenset(p.training_codes or ()),
                returnee=p.status == "working_away" and bool(p.wish_to_return),
                home_township=p.area_code[:9],
            )
            pos = Position(
                vacancy_id,
                vac.occupation_code,
                occ.name if occ else None,
                vac.wage_min,
                vac.wage_max,
                vac.area_code,
                cost,
                vac.min_age,
                vac.max_age,
                frozenset(vac.required_certificates or ()),
            )
            if hard_filter(prof, pos) is not None:
                excluded += 1
                continue
            ranked.append(Ranked(score(prof, pos, reach, related), cost, rid, p._mapping))
    top = _rank(ranked)[:MAX_ITEMS]
    trades = {str(r.row["occupation_code"]) for r in top if r.row["occupation_code"]}
    names = {r.occupation_code: r.occupation for r in scoped.execute(POOL_DETAILS, {"codes": sorted(trades)})}
    villages = sorted({str(r.row["village_code"]) for r in top})
    vnames = {r.code: r.name for r in public.execute(VILLAGE_NAMES, {"codes": villages})}
    items = []
    for k, r in enumerate(top, start=1):
        m = r.row
        items.append(
            {
                **({} if hr else {"resident_id": m["resident_id"]}),
                **personal(m),
                "age": _age(m["birth_date"], today),
                "status": m["status"],
                "occupation_code": m["occupation_code"],
                "occupation": names.get(m["occupation_code"]),
                "village": vnames.get(m["village_code"]),
                **_trip(reach, r.cost),
                **_explained(k, r),
            }
        )
    return {
        "vacancy_id": vacancy_id,
        "title": vac.title,
        "query": {"mode": mode, "radius_m": limit if metric == "length" else None, "minutes": minutes},
        "count": len(ranked),
        "excluded_by_requirements": excluded,
        "candidates": items,
    }
