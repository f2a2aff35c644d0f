"""Venues and fairs: place a venue on the map, schedule one fair or a whole year's "2+N" calendar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound
from programme import queries as q
from programme.access import outside_area
from programme.calendar import FairPlan, check_kind, check_weekday, generate_calendar

STATUSES = ("planned", "held", "cancelled")


@dataclass(frozen=True)
class NewVenue:
    """A fair venue: a name, where it is (WGS84), its address and how many booths it holds."""

    name: str
    lon: float
    lat: float
    address: str = ""
    capacity: int = 0


def create_venue(conn: Connection, venue: NewVenue) -> dict[str, Any]:
    """Store a venue in the area its point falls in; InvalidInput outside the county, Conflict if the name is taken."""
    name = venue.name.strip()
    if not name:
        raise InvalidInput("场地名称不能为空 a venue needs a name", field="name")
    if venue.capacity < 0:
        raise InvalidInput(
            f"展位容量不能为负数 capacity cannot be below zero, got {venue.capacity}", field="capacity"
        )
    area = conn.execute(q.AREA_AT, {"lon": venue.lon, "lat": venue.lat}).scalar_one_or_none()
    if area is None:
        raise InvalidInput(
            f"场地不在本县（或您的辖区）内 the point {venue.lon:.5f}, {venue.lat:.5f} is not inside the county's areas",
            field="lon/lat",
        )
    params = {
        "name": name,
        "address": venue.address,
        "capacity": venue.capacity,
        "area_code": area,
        "lon": venue.lon,
        "lat": venue.lat,
    }
    with outside_area(f"场地所在区域 {area} 不在您的辖区 the venue lies in {area}, outside your area"):
        with conn.begin_nested():
            venue_id = conn.execute(q.INSERT_VENUE, params).scalar_one_or_none()
    if venue_id is None:
        raise Conflict(f"场地“{name}”已存在 a venue named {name!r} already exists")
    return get_venue(conn, int(venue_id))


def get_venue(conn: Connection, venue_id: int) -> dict[str, Any]:
    """One venue; NotFound when it does not exist or is outside the caller's area."""
    row = conn.execute(q.VENUE_BY_ID, {"id": venue_id}).mappings().one_or_none()
    if row is None:
        raise NotFound(
            f"场地 {venue_id} 不存在或不在您的辖区 venue {venue_id} does not exist or is outside your area"
        )
    return dict(row)


def list_venues(conn: Connection) -> list[dict[str, Any]]:
    """The venues the caller may see."""
    return [dict(r) for r in conn.execute(q.LIST_VENUES).mappings()]


@dataclass(frozen=True)
class NewFair:
    """One fair: its day, kind (workers / talents / special), theme, title and venue."""

    fair_date: date
    kind: str
    venue_id: int
    title: str = ""
    theme: str = ""


def check_fair(fair: NewFair, *, today: date) -> None:
    """InvalidInput for a fair in the past, an unknown kind or theme, or a regular fair on the wrong weekday."""
    check_kind(fair.kind, fair.theme)
    if fair.fair_date < today:
        raise InvalidInput(
            f"招聘会日期 {fair.fair_date.isoformat()} 已过去，不能安排 "
            f"(a fair cannot be scheduled in the past: today is {today.isoformat()})",
            field="fair_date",
        )
    check_weekday(fair.kind, fair.fair_date)
    if fair.kind != "special" and fair.theme:
        raise InvalidInput("只有专场招聘会才有主题 only a special fair has a theme", field="theme")


def insert_plan(conn: Connection, plan: FairPlan, venue: dict[str, Any], status: str) -> int | None:
    """Store one planned fair at a venue; None when the venue already has that fair that day."""
    params = {
        "fair_date": plan.fair_date,
        "kind": plan.kind,
        "theme": plan.theme,
        "title": plan.title,
        "venue_id": venue["venue_id"],
        "area_code": venue["area_code"],
        "status": status,
    }
    fair_id = conn.execute(q.INSERT_FAIR, params).scalar_one_or_none()
    return None if fair_id is None else int(fair_id)


def create_fair(conn: Connection, fair: NewFair, *, today: date) -> dict[str, Any]:
    """Schedule one fair at a venue the caller may see; Conflict if that venue has that fair that day."""
    check_fair(fair, today=today)
    venue = get_venue(conn, fair.venue_id)
    title = fair.title.strip() or f"{fair.fair_date.month}月{fair.fair_date.day}日 {venue['name']}招聘会"
    fair_id = insert_plan(conn, FairPlan(fair.fair_date, fair.kind, fair.theme, title), venue, "planned")
    if fair_id is None:
        raise Conflict(
            f"{venue['name']} 在 {fair.fair_date.isoformat()} 已有同类招聘会 "
            f"(venue {fair.venue_id} already has a {fair.kind} fair that day)"
        )
    return get_fair(conn, fair_id)


@dataclass(frozen=True)
class Scheduled:
    """What scheduling a calendar did: fairs created, already there, and days left out as past."""

    created: int
    existing: int
    past: int


def schedule_year(
    conn: Connection,
    year: int,
    *,
    venue_id: int,
    special_venue_ids: Iterable[int] = (),
    skip: Iterable[date] = (),
    today: date,
    history: bool = False,
) -> Scheduled:
    """Schedule the year's "2+N" calendar: regular fairs at the venue, specials rotating over special venues.

    Days before ``today`` are left out unless ``history`` (the demo records a year already under way); past
    fairs are stored as held. Scheduling twice creates nothing new.
    """
    main = get_venue(conn, venue_id)
    specials = [get_venue(conn, v) for v in special_venue_ids] or [main]
    created = existing = past = 0
    n_special = 0
    for plan in generate_calendar(year, skip=skip):
        if plan.fair_date < today and not history:
            past += 1
            continue
        venue = main
        if plan.kind == "special":
            venue = specials[n_special % len(specials)]
            n_special += 1
        status = "held" if plan.fair_date < today else "planned"
        if insert_plan(conn, plan, venue, status) is None:
            existing += 1
        else:
            created += 1
    return Scheduled(created, existing, past)


def get_fair(conn: Connection, fair_id: int) -> dict[str, Any]:
    """One fair with its counts; NotFound when it does not exist or is outside the caller's area."""
    row = conn.execute(q.FAIR_BY_ID, {"id": fair_id}).mappings().one_or_none()
    if row is None:
        raise NotFound(
            f"招聘会 {fair_id} 不存在或不在您的辖区 fair {fair_id} does not exist or is outside your area"
        )
    return dict(row)


def list_fairs(conn: Connection, start: date, end: date) -> list[dict[str, Any]]:
    """The fairs between two days (inclusive) the caller may see, with their counts."""
    if end < start:
        raise InvalidInput(
            f"结束日期早于开始日期 the end {end.isoformat()} is before the start {start.isoformat()}",
            field="to",
        )
    return [dict(r) for r in conn.execute(q.LIST_FAIRS, {"start": start, "end": end}).mappings()]


def set_status(conn: Connection, fair_id: int, status: str) -> dict[str, Any]:
    """Mark a fair planned, held or cancelled."""
    if status not in STATUSES:
        raise InvalidInput(
            f"招聘会状态未知 unknown status {status!r}: use one of {', '.join(STATUSES)}", field="status"
        )
    get_fair(conn, fair_id)
    if conn.execute(q.SET_FAIR_STATUS, {"id": fair_id, "status": status}).scalar_one_or_none() is None:
        raise NotFound(f"招聘会 {fair_id} 不能由您修改 fair {fair_id} is outside the area you may change")
    return get_fair(conn, fair_id)
