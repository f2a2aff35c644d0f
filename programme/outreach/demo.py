"""Demo contact-log entries: outreach teams calling people working away who wish to return (deterministic)."""

from __future__ import annotations

import random

from sqlalchemy import Connection, text

CLEAR = text("TRUNCATE outreach_contacts RESTART IDENTITY")
WISHING = text(
    """
    SELECT resident_id, area_code FROM residents WHERE status = 'working_away' AND wish_to_return
    ORDER BY resident_id LIMIT :n
    """
)
INSERT = text(
    """
    INSERT INTO outreach_contacts (resident_id, area_code, actor, contacted_at, channel, outcome, note, follow_up_on)
    VALUES (:resident_id, :area_code, '演示数据', now() - make_interval(days => :days), :channel, :outcome, :note,
            CASE WHEN :follow > 0 THEN current_date + :follow - :days END)
    """
)
CHOICES = (
    ("phone", "no_answer", "未接通，改日再打", 3),
    ("phone", "reached", "在苏州电子厂，年底考虑回来", 30),
    ("wechat", "interested", "想了解县经开区焊工岗位和工资", 7),
    ("visit", "will_return", "家人上门沟通，春节后返乡", 20),
    ("fair", "returned", "春风行动招聘会上签约，已返乡就业", 0),
    ("phone", "not_interested", "暂无返乡打算", 0),
)


def seed_contacts(conn: Connection, *, seed: int, count: int = 60) -> int:
    """Replace the contact log with contacts to up to count residents who work away and wish to return."""
    conn.execute(CLEAR)
    rng = random.Random(seed + 23)
    people = conn.execute(WISHING, {"n": count}).all()
    for person in people:
        channel, outcome, note, follow = rng.choice(CHOICES)
        conn.execute(
            INSERT,
            {
                "resident_id": person.resident_id,
                "area_code": person.area_code,
                "days": rng.randrange(1, 60),
                "channel": channel,
                "outcome": outcome,
                "note": note,
                "follow": follow,
            },
        )
    return len(people)
