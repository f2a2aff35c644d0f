"""Synthetic talents and projects for the demo county, drawn from its residents (deterministic per seed).

A talent is a resident of working age: the record copies the resident's encrypted ID number and phone and
their keyed hash (so eligibility can tell a returnee), with a kind, skills or title, and 0-2 projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, text

from registry.talents.models import NEEDS

TALENTS = {"small": 80, "county": 400}
PARK_CODE = "341522400000"

CLEAR = text("TRUNCATE talent_projects, talents RESTART IDENTITY CASCADE")
CANDIDATES = text(
    """
    SELECT resident_id, name, sex, birth_date, id_hash, id_cipher, phone_cipher, village_code, area_code,
           education, status
    FROM residents
    WHERE birth_date BETWEEN :oldest AND :youngest AND status IN ('employed_local', 'seeking', 'farming')
    ORDER BY resident_id
    """
)
PARK_EXISTS = text("SELECT EXISTS (SELECT 1 FROM admin_areas WHERE code = :code)")
INSERT = text(
    """
    INSERT INTO talents (kind, name, sex, birth_date, id_hash, id_cipher, phone_cipher, resident_id, village_code,
                         area_code, education, title, skills, certificates, industry, returned_on, returned_from)
    VALUES (:kind, :name, :sex, :birth_date, :id_hash, :id_cipher, :phone_cipher, :resident_id, :village_code,
            :area_code, :education, :title, :skills, :certificates, :industry, :returned_on, :returned_from)
    """
)
INSERT_PROJECT = text(
    """
    INSERT INTO talent_projects (talent_id, area_code, name, industry, stage, investment_wan, jobs_created, needs,
                                 park_code, description)
    SELECT talent_id, area_code, :name, :industry, :stage, :investment_wan, :jobs_created, :needs, :park_code,
           :description
    FROM talents WHERE resident_id = :resident_id
    """
)

CITIES = ("上海", "苏州", "杭州", "宁波", "合肥", "南京", "深圳", "无锡", "广州", "北京")
# industry → (project name suffixes, skills that go with it)
INDUSTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "稻虾共养": (("稻虾共养基地", "生态稻虾合作社"), ("水产养殖", "稻田综合种养")),
    "水产养殖": (("水产养殖场", "龙虾育苗基地"), ("水产养殖", "水产品加工")),
    "服装加工": (("服装加工厂", "扶贫车间"), ("缝纫", "服装制版")),
    "电子商务": (("电商服务站", "农特产品网店"), ("电子商务", "直播带货")),
    "农产品加工": (("农产品加工厂", "粮油加工坊"), ("食品加工", "粮油加工")),
    "乡村旅游": (("农家乐", "生态采摘园"), ("餐饮服务", "乡村旅游")),
    "家具制造": (("家具厂", "木业加工坊"), ("木工", "家具设计")),
    "物流快递": (("快递驿站", "冷链物流点"), ("物流管理", "驾驶")),
    "养老服务": (("养老服务站", "家政服务中心"), ("养老护理", "家政服务")),
    "汽车维修": (("汽车维修店", "新能源汽车服务站"), ("汽车维修", "电工")),
    "电子元件": (("电子元件加工点", "线束加工厂"), ("电子装配", "焊工")),
}
SKILLED = (
    ("电工", "电工（四级/中级工）"),
    ("焊工", "焊工（三级/高级工）"),
    ("数控车工", "车工（四级/中级工）"),
    ("养老护理", "养老护理员（四级）"),
    ("中式烹调", "中式烹调师（四级）"),
    ("育婴", "育婴员（四级）"),
    ("汽车维修", "汽车维修工（三级）"),
    ("缝纫", "缝纫工（五级/初级工）"),
)
TITLES = (
    ("助理工程师", "机械制造"),
    ("工程师", "电子元件"),
    ("农艺师", "稻虾共养"),
    ("高级农艺师", "水产养殖"),
    ("主管护师", "养老服务"),
    ("会计师", "电子商务"),
    ("经济师", "物流快递"),
)
STAGES = ("idea", "preparing", "operating", "expanding")


@dataclass(frozen=True)
class TalentReport:
    """How many talents and projects the demo holds."""

    talents: int
    projects: int


def _pick(rng: np.random.Generator, items: tuple[Any, ...]) -> Any:
    return items[int(rng.integers(len(items)))]


def _talent(rng: np.random.Generator, person: Any, today: date) -> dict[str, Any]:
    draw = rng.random()
    kind = "returnee_entrepreneur" if draw < 0.45 else "skilled" if draw < 0.8 else "professional"
    industry = _pick(rng, tuple(INDUSTRIES))
    row = dict(person._mapping) | {
        "kind": kind,
        "industry": industry,
        "title": "",
        "skills": [],
        "certificates": [],
        "returned_on": None,
        "returned_from": "",
    }
    if kind == "returnee_entrepreneur":
        earliest = max(person.birth_date + timedelta(days=365 * 20), today - timedelta(days=365 * 10))
        span = max((today - earliest).days, 1)
        row["returned_on"] = earliest + timedelta(days=int(rng.integers(span)))
        row["returned_from"] = _pick(rng, CITIES)
        row["skills"] = list(INDUSTRIES[industry][1])
    elif kind == "skilled":
        skill, cert = _pick(rng, SKILLED)
        row["skills"], row["certificates"] = [skill], [cert]
    else:
        row["title"], row["industry"] = _pick(rng, TITLES)
        row["education"] = "本科及以上" if rng.random() < 0.6 else "大专"
    return row


def _projects(rng: np.random.Generator, talent: dict[str, Any], park: bool) -> list[dict[str, Any]]:
    chance = {"returnee_entrepreneur": 1.0, "skilled": 0.25, "professional": 0.3}[talent["kind"]]
    count = (1 + int(rng.random() < 0.25)) if rng.random() < chance else 0
    out = []
    for _ in range(count):
        industry = talent["industry"] if talent["industry"] in INDUSTRIES else _pick(rng, tuple(INDUSTRIES))
        stage = _pick(rng, STAGES)
        jobs = 0 if stage in ("idea", "preparing") else int(rng.integers(2, 60))
        needs = [n for n in NEEDS if rng.random() < 0.35] or [_pick(rng, NEEDS)]
        out.append(
            {
                "resident_id": talent["resident_id"],
                "name": f"{talent['name'][0]}氏{_pick(rng, INDUSTRIES[industry][0])}",
                "industry": industry,
                "stage": stage,
                "investment_wan": round(float(rng.lognormal(3.5, 1.0)), 2),
                "jobs_created": jobs,
                "needs": needs,
                "park_code": PARK_CODE if park and rng.random() < 0.3 else None,
                "description": f"{industry}项目，{'已' if jobs else '计划'}带动周边群众就业",
            }
        )
    return out


def make_talents(conn: Connection, *, scale: str, seed: int, today: date) -> TalentReport:
    """Replace the talents and projects with a synthetic set drawn from the residents (as the owner)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
    conn.execute(CLEAR)
    oldest, youngest = date(today.year - 58, 1, 1), date(today.year - 22, 12, 31)
    people = conn.execute(CANDIDATES, {"oldest": oldest, "youngest": youngest}).all()
    if not people:
        return TalentReport(0, 0)
    chosen = sorted(rng.choice(len(people), size=min(TALENTS.get(scale, 80), len(people)), replace=False))
    park = bool(conn.execute(PARK_EXISTS, {"code": PARK_CODE}).scalar_one())
    talents = [_talent(rng, people[int(i)], today) for i in chosen]
    projects = [p for t in talents for p in _projects(rng, t, park)]
    conn.execute(INSERT, [{k: v for k, v in t.items() if k != "status"} for t in talents])
    if projects:
        conn.execute(INSERT_PROJECT, projects)
    return TalentReport(len(talents), len(projects))
