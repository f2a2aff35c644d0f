"""Policies, their structured eligibility, and the facts about a person or an enterprise they are tested on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

CATEGORIES = (
    "创业担保贷款",
    "一次性创业补贴",
    "社保补贴",
    "稳岗返还",
    "培训补贴",
    "以工代训",
    "岗位补贴",
    "就业见习",
    "场地支持",
    "其他",
)
APPLICANTS = ("person", "enterprise")
STATUS_LABELS = {
    "employed_local": "本地就业",
    "working_away": "外出务工",
    "farming": "务农",
    "seeking": "求职（登记失业）",
    "student": "在校学生",
    "not_in_labour_force": "非劳动力",
}
EDUCATIONS = ("小学及以下", "初中", "高中/中专", "大专", "本科及以上")
ENTERPRISE_KINDS = ("有限责任公司", "农民专业合作社", "民办非企业单位", "个体工商户")
COUNTY_CODE = "341522000000"


@dataclass(frozen=True)
class Eligibility:
    """Who may apply: every empty/None condition means 'no restriction'."""

    applicants: tuple[str, ...] = ("person",)
    min_age: int | None = None
    max_age: int | None = None
    statuses: tuple[str, ...] = ()
    returnee: bool | None = None
    educations: tuple[str, ...] = ()
    enterprise_kinds: tuple[str, ...] = ()
    max_employees: int | None = None
    townships: tuple[str, ...] = ()  # 12-digit township codes; empty = the whole county


@dataclass(frozen=True)
class PolicyInput:
    """A policy as written by the county (validated by registry.policies.validate)."""

    title: str
    category: str
    code: str | None = None
    issuer: str = ""
    issued_on: date | None = None
    summary: str = ""
    body: str = ""
    amount: str = ""
    contact_unit: str = ""
    contact_phone: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    eligibility: Eligibility = field(default_factory=Eligibility)


@dataclass(frozen=True)
class Policy(PolicyInput):
    """A stored policy."""

    policy_id: int = 0


@dataclass(frozen=True)
class PersonFacts:
    """What eligibility looks at for a person: age on the day, status, returnee, schooling, home area."""

    age: int
    status: str
    returnee: bool
    education: str
    area_code: str


@dataclass(frozen=True)
class EnterpriseFacts:
    """What eligibility looks at for an enterprise: legal form, workforce, area."""

    kind: str
    employees: int
    area_code: str


@dataclass(frozen=True)
class Condition:
    """One condition of a policy checked against the facts: met or not, and why (in Chinese)."""

    name: str
    met: bool
    reason: str


@dataclass(frozen=True)
class Assessment:
    """A policy and its conditions for one person or enterprise; eligible when every condition is met."""

    policy: Policy
    conditions: tuple[Condition, ...]

    @property
    def eligible(self) -> bool:
        """Whether every condition is met."""
        return all(c.met for c in self.conditions)
