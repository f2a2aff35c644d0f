"""Demo one-window tickets at every status (deterministic; phones encrypted like real ones)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import Connection, text

from programme.tickets.service import NEXT
from registry.personal import PersonalDataCipher

CLEAR = text("TRUNCATE tickets, ticket_events RESTART IDENTITY CASCADE")
ROUTES = text("SELECT category, unit, level FROM ticket_routes ORDER BY category")
VILLAGES = text("SELECT code FROM admin_areas WHERE level = 'village' ORDER BY code")
INSERT = text(
    """
    INSERT INTO tickets (ticket_no, category, unit, area_code, applicant_area, applicant_name, phone_hash,
                         phone_cipher, description, status, created_at)
    VALUES (:no, :category, :unit, :area_code, :applicant_area, :name, :phone_hash, :phone_cipher,
            :description, :status, now() - make_interval(days => :days))
    RETURNING ticket_id
    """
)
EVENT = text(
    """
    INSERT INTO ticket_events (ticket_id, area_code, from_status, to_status, at, note)
    VALUES (:ticket_id, :area_code, :from_status, :to_status, now() - make_interval(days => :days), :note)
    """
)
DESCRIPTIONS = {
    "employment_registration": "今年从苏州返乡，想办理就业登记。",
    "job_referral": "会电焊，想在县里找一份焊工工作。",
    "social_insurance": "在上海交的社保想转回霍邱。",
    "startup_loan": "返乡开办养殖场，申请创业担保贷款。",
    "startup_subsidy": "已注册个体工商户，申请一次性创业补贴。",
    "training": "想参加电工培训。",
    "wage_arrears": "工地拖欠三个月工资。",
    "returnee_service": "刚返乡，想了解返乡创业政策。",
}
FAMILY = "王李张刘陈杨黄赵周吴"
GIVEN = ("伟", "芳", "强", "敏", "军", "丽", "洋", "静", "磊", "娟")


def seed_tickets(conn: Connection, *, seed: int, secret_key: str, count: int = 40) -> int:
    """Replace the tickets with count demo tickets, each with the events of its path so far."""
    rng = random.Random(seed + 11)
    cipher = PersonalDataCipher(secret_key)
    conn.execute(CLEAR)
    routes = conn.execute(ROUTES).all()
    villages = [str(v) for v in conn.execute(VILLAGES).scalars()]
    if not villages:
        return 0
    paths = (
        ["submitted"],
        ["submitted", "accepted"],
        ["submitted", "accepted", "processing"],
        ["submitted", "accepted", "processing", "resolved"],
        ["submitted", "returned"],
    )
    for i in range(count):
        route = routes[i % len(routes)]
        village = rng.choice(villages)
        area = village[:6] + "000000" if route.level == "county" else village[:9] + "000"
        path = paths[rng.randrange(len(paths))]
        assert all(b in NEXT[a] for a, b in zip(path, path[1:], strict=False))
        phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        days = rng.randrange(len(path) * 2, 40)
        created = date.today() - timedelta(days=days)
        ticket_id = conn.execute(
            INSERT,
            {
                "no": f"YC{created:%Y%m%d}{rng.randrange(10**8):08d}",
                "category": route.category,
                "unit": route.unit,
                "area_code": area,
                "applicant_area": village,
                "name": rng.choice(FAMILY) + rng.choice(GIVEN),
                "phone_hash": cipher.keyed_hash(phone),
                "phone_cipher": cipher.encrypt(phone),
                "description": DESCRIPTIONS.get(route.category, "咨询。"),
                "status": path[-1],
                "days": days,
            },
        ).scalar_one()
        previous = None
        for step, to in enumerate(path):
            note = "材料不全，请补充身份证复印件" if to == "returned" else ""
            conn.execute(
                EVENT,
                {
                    "ticket_id": ticket_id,
                    "area_code": area,
                    "from_status": previous,
                    "to_status": to,
                    "days": days - 2 * step,
                    "note": note,
                },
            )
            previous = to
    return count
