"""Talents and their projects as written by staff (ID number and phone in clear here, never stored so)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

KINDS = {"returnee_entrepreneur": "返乡创业人员", "skilled": "技能人才", "professional": "专业技术人才"}
STAGES = {"idea": "创意", "preparing": "筹备", "operating": "运营", "expanding": "扩张"}
NEEDS = ("资金", "场地", "用工", "技术", "政策")


@dataclass(frozen=True)
class TalentInput:
    """A talent record: who, where, what they can do, when they came home."""

    kind: str
    name: str
    id_number: str
    village_code: str
    phone: str | None = None
    education: str = ""
    title: str = ""
    skills: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    industry: str = ""
    returned_on: date | None = None
    returned_from: str = ""


@dataclass(frozen=True)
class ProjectInput:
    """A talent's project: what, which industry and stage, money, jobs, needs, park placement."""

    name: str
    stage: str
    industry: str = ""
    investment_wan: Decimal = Decimal(0)
    jobs_created: int = 0
    needs: tuple[str, ...] = ()
    park_code: str | None = None
    description: str = ""
