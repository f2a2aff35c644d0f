"""Demo parks across townships and the development zone, with tenants and support requests (deterministic)."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import Connection, text

from registry.personal import PersonalDataCipher

TOWNSHIPS = text(
    """
    SELECT code, name, kind, ST_X(coalesce(seat, ST_PointOnSurface(geom))) AS lon,
           ST_Y(coalesce(seat, ST_PointOnSurface(geom))) AS lat
    FROM admin_areas WHERE level = 'township' ORDER BY (kind = 'park') DESC, code
    """
)
CLEAR = text("TRUNCATE parks, park_tenants, support_requests, support_request_steps RESTART IDENTITY CASCADE")
INSERT_PARK = text(
    """
    INSERT INTO parks (name, kind, area_code, geom, capacity, unit, operator, contact_name, contact_phone_cipher,
                       opened_on)
    VALUES (:name, :kind, :area_code, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :capacity, :unit, :operator,
            :contact_name, :phone, :opened_on)
    RETURNING park_id
    """
)
ENTERPRISES_IN = text(
    "SELECT enterprise_id FROM enterprises WHERE area_code LIKE :p ORDER BY enterprise_id LIMIT 40"
)
TALENTS_IN = text(  # returnee entrepreneurs first: the parks' own clientele
    """
    SELECT talent_id FROM talents WHERE area_code LIKE :p
    ORDER BY kind <> 'returnee_entrepreneur', talent_id LIMIT 20
    """
)
INSERT_TENANT = text(
    """
    INSERT INTO park_tenants (park_id, area_code, enterprise_id, talent_id, units, moved_in_on)
    VALUES (:park_id, :area_code, :enterprise_id, :talent_id, :units, current_date - :days)
    """
)
INSERT_REQUEST = text(
    """
    INSERT INTO support_requests (kind, area_code, enterprise_id, talent_id, park_id, amount_yuan, status)
    SELECT :kind, coalesce(e.area_code, t.area_code), :enterprise_id, :talent_id, :park_id, :amount, :status
    FROM (SELECT 1) one
    LEFT JOIN enterprises e ON e.enterprise_id = :enterprise_id
    LEFT JOIN talents t ON t.talent_id = :talent_id
    RETURNING request_id, area_code
    """
)
INSERT_STEP = text(
    """
    INSERT INTO support_request_steps (request_id, area_code, from_status, to_status, actor, at, reason)
    VALUES (:request_id, :area_code, :from_status, :to_status, '演示数据', now() - make_interval(days => :days), :reason)
    """
)

PLAN = (  # kind, name suffix, capacity unit
    ("returnee_park", "返乡创业园", "units"),
    ("youth_park", "青年创业园", "units"),
    ("makerspace", "众创空间", "desks"),
    ("incubator", "科技企业孵化器", "units"),
    ("accelerator", "创业加速器", "units"),
)
STEPS = {
    "submitted": (),
    "reviewing": ("reviewing",),
    "approved": ("reviewing", "approved"),
    "rejected": ("reviewing", "rejected"),
    "disbursed": ("reviewing", "approved", "disbursed"),
}
SUPPORT_KINDS = ("guarantee_loan", "startup_subsidy", "premises", "rent_subsidy")


def _parks(
    conn: Connection, rng: random.Random, cipher: PersonalDataCipher, count: int
) -> list[dict[str, Any]]:
    towns = conn.execute(TOWNSHIPS).all()
    out = []
    for i in range(count if towns else 0):
        town = towns[i % len(towns)]  # several parks per township when there are few (the small demo)
        kind, suffix, unit = PLAN[i % len(PLAN)]
        place = town.name.removesuffix("镇").removesuffix("乡")
        name = f"{place}{suffix}" if town.kind != "park" else f"霍邱经开区{suffix}"
        capacity = rng.randrange(20, 61) if unit == "units" else rng.randrange(30, 121)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        park_id = conn.execute(
            INSERT_PARK,
            {
                "name": name,
                "kind": kind,
                "area_code": town.code,
                "lon": town.lon + rng.uniform(-0.004, 0.004),
                "lat": town.lat + rng.uniform(-0.004, 0.004),
                "capacity": capacity,
                "unit": unit,
                "operator": f"{place}投资发展有限公司",
                "contact_name": f"{rng.choice('王李张刘陈杨')}主任",
                "phone": cipher.encrypt(phone),
                "opened_on": f"20{rng.randrange(16, 24)}-0{rng.randrange(1, 10)}-01",
            },
        ).scalar_one()
        out.append({"park_id": park_id, "area_code": town.code, "capacity": capacity, "unit": unit})
    return out


def _tenants(conn: Connection, rng: random.Random, park: dict[str, Any]) -> tuple[list[int], list[int]]:
    prefix = park["area_code"][:9] + "%"
    firms = [int(x) for x in conn.execute(ENTERPRISES_IN, {"p": prefix}).scalars()]
    talents = [int(x) for x in conn.execute(TALENTS_IN, {"p": prefix}).scalars()]
    free = int(park["capacity"] * rng.uniform(0.4, 0.9))
    chosen_firms = rng.sample(firms, min(len(firms), rng.randrange(2, 7)))
    chosen_talents = rng.sample(talents, min(len(talents), rng.randrange(1, 5)))
    for enterprise_id in chosen_firms:
        units = min(free, rng.randrange(1, 6) if park["unit"] == "units" else rng.randrange(2, 10))
        if units <= 0:
            break
        free -= units
        conn.execute(
            INSERT_TENANT,
            {
                "park_id": park["park_id"],
                "area_code": park["area_code"],
                "enterprise_id": enterprise_id,
                "talent_id": None,
                "units": units,
                "days": rng.randrange(30, 900),
            },
        )
    for talent_id in chosen_talents:
        if free <= 0:
            break
        free -= 1
        conn.execute(
            INSERT_TENANT,
            {
                "park_id": park["park_id"],
                "area_code": park["area_code"],
                "enterprise_id": None,
                "talent_id": talent_id,
                "units": 1,
                "days": rng.randrange(30, 900),
            },
        )
    return chosen_firms, chosen_talents


def seed_parks(conn: Connection, *, seed: int, secret_key: str, count: int = 12) -> dict[str, int]:
    """Replace the parks with ~count demo parks, their tenants and some support requests at every step."""
    rng = random.Random(seed)
    cipher = PersonalDataCipher(secret_key)
    conn.execute(CLEAR)
    parks = _parks(conn, rng, cipher, count)
    requests = 0
    for park in parks:
        firms, talents = _tenants(conn, rng, park)
        applicants = [(e, None) for e in firms[:2]] + [(None, r) for r in talents[:1]]
        for enterprise_id, talent_id in applicants:
            status = rng.choice(list(STEPS))
            kind = rng.choice(SUPPORT_KINDS)
            amount = (
                rng.choice((100_000, 200_000, 300_000))
                if kind == "guarantee_loan"
                else rng.choice((5000, 10_000))
            )
            row = conn.execute(
                INSERT_REQUEST,
                {
                    "kind": kind,
                    "enterprise_id": enterprise_id,
                    "talent_id": talent_id,
                    "park_id": park["park_id"],
                    "amount": amount,
                    "status": status,
                },
            ).one()
            previous, days = None, 60
            for to in ("submitted", *STEPS[status]):
                reason = "材料不全，经营场所未落实" if to == "rejected" else ""
                conn.execute(
                    INSERT_STEP,
                    {
                        "request_id": row.request_id,
                        "area_code": row.area_code,
                        "from_status": previous,
                        "to_status": to,
                        "days": days,
                        "reason": reason,
                    },
                )
                previous, days = to, days - rng.randrange(3, 15)
            requests += 1
    return {"parks": len(parks), "support_requests": requests}
