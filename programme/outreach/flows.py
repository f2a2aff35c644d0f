"""Flows of migrant workers: people working away by destination city × trade, for the flow map."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from programme.outreach import queries as q
from programme.outreach.cities import cities

HOME_FALLBACK = {"name": "霍邱县", "lon": 116.27, "lat": 32.35}


def check_trade(conn: Connection, trade: str | None) -> str | None:
    """A known occupation code (any level, e.g. 6-04) or None; InvalidInput for an unknown code."""
    if trade is None or trade.strip() == "":
        return None
    code = trade.strip()
    if conn.execute(q.OCCUPATION_EXISTS, {"code": code}).scalar_one_or_none() is None:
        raise InvalidInput(
            f"unknown occupation code {code!r}: use a code such as 6-04 or 6-04-01", field="trade"
        )
    return code


def home(conn: Connection) -> dict[str, Any]:
    """The county seat, where every flow ends."""
    row = conn.execute(q.COUNTY_SEAT).one_or_none()
    if row is None:
        return dict(HOME_FALLBACK)
    return {"name": row.name, "lon": round(float(row.lon), 5), "lat": round(float(row.lat), 5)}


def flow_rows(conn: Connection, *, trade: str | None = None, wish_only: bool = False) -> list[Any]:
    """(city, group, people, wishing) rows the transaction may see."""
    code = check_trade(conn, trade)
    return list(conn.execute(q.FLOWS, {"trade": code, "wish": wish_only}))


def aggregate_flows(conn: Connection, *, trade: str | None = None, wish_only: bool = False) -> dict[str, Any]:
    """People working away per destination city (with coordinates) and per trade group, largest first."""
    rows = flow_rows(conn, trade=trade, wish_only=wish_only)
    names = {str(c): str(n) for c, n in conn.execute(q.MEDIUM_GROUPS)}
    known = cities()
    by_city: dict[str, dict[str, Any]] = {}
    unmapped: dict[str, int] = defaultdict(int)
    groups: dict[str, int] = defaultdict(int)
    for r in rows:
        city = known.get(r.city)
        if city is None:
            unmapped[r.city] += int(r.people)
            continue
        entry = by_city.setdefault(
            city.name,
            {
                "city": city.name,
                "province": city.province,
                "lon": city.lon,
                "lat": city.lat,
                "people": 0,
                "wishing": 0,
                "trades": [],
            },
        )
        entry["people"] += int(r.people)
        entry["wishing"] += int(r.wishing)
        entry["trades"].append(
            {
                "group": r.grp,
                "name": names.get(r.grp, "未登记职业"),
                "people": int(r.people),
                "wishing": int(r.wishing),
            }
        )
        groups[r.grp] += int(r.people)
    flows = sorted(by_city.values(), key=lambda c: (-c["people"], c["city"]))
    for c in flows:
        c["trades"].sort(key=lambda t: (-t["people"], t["group"]))
    return {
        "home": home(conn),
        "filters": {"trade": trade or None, "wish_to_return": wish_only},
        "total": sum(c["people"] for c in flows) + sum(unmapped.values()),
        "cities": flows,
        "unmapped": [{"city": k, "people": v} for k, v in sorted(unmapped.items())],
        "groups": [
            {"group": g, "name": names.get(g, "未登记职业"), "people": n}
            for g, n in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }
