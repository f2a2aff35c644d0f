"""The demo's programme: 2026 targets and tasks, venues, the "2+N" calendar, booths, seekers and outcomes.

Runs as the database owner after the population is built. Numbers are drawn so that by late November the
county is near its targets (intentions on track, new jobs a little behind) and 2025 has reported new jobs,
so the dashboard's seasonal forecast has a last year to lean on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, text

from programme import queries as q
from programme.calendar import generate_calendar
from programme.dashboard import Targets, report_jobs, set_targets
from programme.fairs import NewVenue, create_venue, insert_plan
from programme.plan import PLAN_TARGETS
from programme.tasks import seed_plan_tasks, update_task
from registry.personal import PersonalDataCipher

YEAR = 2026
# 2026 public holidays (国务院办公厅通知): the regular Wednesday/Saturday fairs pause on these days
HOLIDAYS_2026 = (
    [date(2026, 1, d) for d in (1, 2, 3)]
    + [date(2026, 2, d) for d in range(15, 24)]
    + [date(2026, 4, d) for d in (4, 5, 6)]
    + [date(2026, 5, d) for d in range(1, 6)]
    + [date(2026, 6, d) for d in (19, 20, 21)]
    + [date(2026, 9, d) for d in (25, 26, 27)]
    + [date(2026, 10, d) for d in range(1, 8)]
)
# (name, township, offset east/north in degrees from the township seat, address, booths)
VENUES = (
    ("霍邱县人力资源市场", "341522100000", (0.004, 0.002), "城关镇 县人社局一楼", 120),
    ("霍邱县职业教育中心", "341522100000", (-0.012, 0.006), "城关镇 职教中心体育馆", 60),
    ("经开区人力资源服务站", "341522400000", (0.003, -0.002), "经济开发区 管委会服务大厅", 50),
    ("新店镇劳务服务站", "341522104000", (0.002, 0.001), "新店镇 便民服务中心", 30),
    ("长集镇劳务服务站", "341522110000", (0.002, 0.001), "长集镇 便民服务中心", 30),
    ("石店镇劳务服务站", "341522105000", (0.002, 0.001), "石店镇 便民服务中心", 30),
)
# per held fair: (booths, seekers, intentions) means by kind/theme; hires are ~40 % of intentions
SIZES = {
    "workers": (9, 26, 9),
    "talents": (6, 14, 5),
    "spring_breeze": (22, 120, 60),
    "campus": (15, 60, 25),
    "livestream": (10, 30, 14),
}
# 新增就业 from other channels per month, county-wide (春风行动 makes February-March the peak)
REPORTED_2025 = (330, 610, 560, 420, 380, 350, 330, 340, 380, 360, 330, 300)
REPORTED_2026 = (320, 640, 590, 430, 390, 360, 300, 330, 370, 350, 290, 0)
TASK_PROGRESS = {
    1: ("done", "“鸿雁回归”就业创业综合服务平台已上线运行，四库两平台建成。"),
    2: ("in_progress", "全县人力资源摸底已完成 92%，县乡村三级审核尚有 3 个乡镇未完成。"),
    4: ("in_progress", "“就业地图”三公里就业圈已开通；乡镇间用工调剂机制在经开区试点。"),
    7: ("in_progress", "已对接上海、苏州等地霍邱籍人员联络站 6 个。"),
    8: ("done", "县人社局“鸿雁回归综合服务窗口”已设立，实行一窗受理。"),
    9: ("in_progress", "“霍邱龙虾”劳务品牌培训 3 期，结业 420 人。"),
}
DEMO_OVERRIDES = {5: date(2026, 9, 30)}  # an interim deadline the leading group set for 2026 (shows a flag)


@dataclass(frozen=True)
class DemoProgramme:
    """What the demo's programme seeding stored."""

    venues: int
    fairs: int
    booths: int
    seekers: int
    intentions: int
    hires: int


def _venues(conn: Connection) -> list[dict[str, object]]:
    out = []
    for name, township, (dx, dy), address, capacity in VENUES:
        seat = conn.execute(
            text("SELECT ST_X(seat) AS lon, ST_Y(seat) AS lat FROM admin_areas WHERE code = :c"),
            {"c": township},
        ).one_or_none()
        if seat is None or seat.lon is None:
            continue  # the small demo holds only some townships
        out.append(create_venue(conn, NewVenue(name, seat.lon + dx, seat.lat + dy, address, capacity)))
    return out


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def seed_programme(conn: Connection, *, seed: int, secret_key: str, today: date) -> DemoProgramme:
    """Replace the programme's tables with the demo's: targets, tasks, venues, the 2026 calendar, fair days."""
    rng = random.Random(seed * 7919 + YEAR)
    cipher = PersonalDataCipher(secret_key)
    conn.execute(q.RESET_PROGRAMME)
    set_targets(
        conn, None, Targets(YEAR, PLAN_TARGETS["new_jobs"], PLAN_TARGETS["fairs"], PLAN_TARGETS["intentions"])
    )
    seed_plan_tasks(conn, YEAR)
    for seq, deadline in DEMO_OVERRIDES.items():
        conn.execute(
            text("UPDATE programme_tasks SET deadline = :d WHERE seq = :s"), {"d": deadline, "s": seq}
        )
    for seq, (status, note) in TASK_PROGRESS.items():
        task_id = conn.execute(
            text("SELECT task_id FROM programme_tasks WHERE seq = :s"), {"s": seq}
        ).scalar_one()
        update_task(conn, None, int(task_id), status=status, note=note, author="县人社局就业中心")
    venues = _venues(conn)
    if not venues:
        return DemoProgramme(0, 0, 0, 0, 0, 0)
    main, towns = venues[0], venues[2:] or venues[:1]
    campus = venues[1] if len(venues) > 1 else main
    enterprises = conn.execute(
        text(
            "SELECT e.enterprise_id, e.name, array_agg(v.vacancy_id ORDER BY v.vacancy_id) AS vacancies, "
            "array_agg(v.title ORDER BY v.vacancy_id) AS titles FROM enterprises e JOIN vacancies v "
            "ON v.enterprise_id = e.enterprise_id AND v.status = 'open' GROUP BY e.enterprise_id, e.name "
            "ORDER BY e.enterprise_id LIMIT 400"
        )
    ).all()
    people = conn.execute(
        text(
            "SELECT resident_id, name FROM residents WHERE status IN ('seeking', 'working_away', 'farming') "
            "ORDER BY resident_id LIMIT 4000"
        )
    ).all()
    counts = {"fairs": 0, "booths": 0, "seekers": 0, "intentions": 0, "hires": 0}
    n_spring = 0
    for plan in generate_calendar(YEAR, skip=HOLIDAYS_2026):
        venue = {"spring_breeze": None, "campus": campus, "livestream": main}.get(plan.theme, main)
        if venue is None:
            venue, n_spring = towns[n_spring % len(towns)], n_spring + 1
        cancelled = plan.fair_date == date(YEAR, 7, 15)  # 汛期: the flood-season fair was called off
        status = "cancelled" if cancelled else "held" if plan.fair_date < today else "planned"
        fair_id = insert_plan(conn, plan, venue, status)
        if fair_id is None:
            continue
        counts["fairs"] += 1
        if cancelled or plan.fair_date > today + timedelta(days=14):
            continue
        booths_n, seekers_n, intentions_n = SIZES[plan.theme or plan.kind]
        area = str(venue["area_code"])
        chosen = rng.sample(
            enterprises, min(len(enterprises), max(2, round(rng.gauss(booths_n, booths_n / 4))))
        )
        booth_ids = []
        for i, e in enumerate(chosen, start=1):
            booth_id = conn.execute(
                q.INSERT_BOOTH,
                {
                    "fair_id": fair_id,
                    "enterprise_id": e.enterprise_id,
                    "enterprise_name": e.name,
                    "booth_no": f"{i:02d}",
                    "area_code": area,
                },
            ).scalar_one()
            booth_ids.append((int(booth_id), int(e.enterprise_id)))
            for vacancy_id, title in list(zip(e.vacancies, e.titles, strict=True))[:3]:
                conn.execute(
                    q.INSERT_POSITION,
                    {
                        "booth_id": booth_id,
                        "vacancy_id": vacancy_id,
                        "title": title,
                        "enterprise_id": e.enterprise_id,
                        "area_code": area,
                    },
                )
        counts["booths"] += len(booth_ids)
        if plan.fair_date >= today or not people:
            continue
        registrations = []
        for person in rng.sample(
            people, min(len(people), max(3, round(rng.gauss(seekers_n, seekers_n / 5))))
        ):
            number = _phone(rng)
            reg = conn.execute(
                q.INSERT_SEEKER,
                {
                    "fair_id": fair_id,
                    "resident_id": person.resident_id,
                    "name": person.name,
                    "phone_hash": cipher.keyed_hash(number),
                    "phone_cipher": cipher.encrypt(number),
                    "area_code": area,
                    "registered_by": None,
                },
            ).scalar_one_or_none()
            if reg is not None:
                registrations.append(int(reg))
        counts["seekers"] += len(registrations)
        n_intentions = min(len(registrations), max(0, round(rng.gauss(intentions_n, intentions_n / 4))))
        for registration_id in rng.sample(registrations, n_intentions):
            booth_id, enterprise_id = rng.choice(booth_ids)
            base = {
                "fair_id": fair_id,
                "booth_id": booth_id,
                "registration_id": registration_id,
                "enterprise_id": enterprise_id,
                "area_code": area,
                "recorded_by": None,
            }
            conn.execute(q.INSERT_OUTCOME, base | {"kind": "intention"})
            counts["intentions"] += 1
            if rng.random() < 0.4:
                conn.execute(q.INSERT_OUTCOME, base | {"kind": "hire"})
                counts["hires"] += 1
    _reported(conn, rng)
    return DemoProgramme(
        len(venues),
        counts["fairs"],
        counts["booths"],
        counts["seekers"],
        counts["intentions"],
        counts["hires"],
    )


def _reported(conn: Connection, rng: random.Random) -> None:
    """Monthly new jobs from other channels for 2025 and 2026, split over the demo's townships."""
    towns = [
        str(c)
        for c in conn.execute(
            text("SELECT code FROM admin_areas WHERE level = 'township' ORDER BY code")
        ).scalars()
    ]
    weights = [rng.uniform(0.5, 1.5) * (4 if c == "341522100000" else 1) for c in towns]
    total = sum(weights)
    for year, series in ((YEAR - 1, REPORTED_2025), (YEAR, REPORTED_2026)):
        for month, county in enumerate(series, start=1):
            if county == 0:
                continue
            for town, weight in zip(towns, weights, strict=True):
                report_jobs(conn, None, town, date(year, month, 1), round(county * weight / total))
