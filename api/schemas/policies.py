"""Policies (稳岗就业政策库): what county staff write, what the public search and the eligibility checks answer."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, Field

from api.schemas.common import Body, items_of, one_of
from registry.policies.models import APPLICANTS, CATEGORIES, EDUCATIONS, ENTERPRISE_KINDS, STATUS_LABELS


class EligibilityIn(Body):
    """Who may apply; a missing or null condition means no restriction."""

    what: ClassVar[str] = "eligibility"
    unknown_label: ClassVar[str] = "未知的资格条件"
    applicants: list[str] | None = Field(default=None, json_schema_extra=items_of(APPLICANTS))
    min_age: int | None = None
    max_age: int | None = None
    statuses: list[str] | None = Field(default=None, json_schema_extra=items_of(STATUS_LABELS))
    returnee: bool | None = None
    educations: list[str] | None = Field(default=None, json_schema_extra=items_of(EDUCATIONS))
    enterprise_kinds: list[str] | None = Field(default=None, json_schema_extra=items_of(ENTERPRISE_KINDS))
    max_employees: int | None = None
    townships: list[str] | None = Field(default=None, description="乡镇代码 township codes (341522xxx000)")


class PolicyPatch(Body):
    """Some fields of a policy; eligibility merges into the stored conditions."""

    what: ClassVar[str] = "policy"
    title: str | None = Field(default=None, description="标题 title")
    category: str | None = one_of(CATEGORIES, "类别 category", default=None)
    code: str | None = Field(default=None, description="政策编号 2-40 letters, digits, '_', '.' or '-'")
    issuer: str | None = None
    summary: str | None = None
    body: str | None = None
    amount: str | None = None
    contact_unit: str | None = None
    contact_phone: str | None = None
    issued_on: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    eligibility: EligibilityIn | None = None


class PolicyIn(PolicyPatch):
    """A new policy."""

    title: str = Field(description="标题 title")
    category: str = one_of(CATEGORIES, "类别 category")


class EligibilityOut(BaseModel):
    applicants: list[str]
    min_age: int | None
    max_age: int | None
    statuses: list[str]
    returnee: bool | None
    educations: list[str]
    enterprise_kinds: list[str]
    max_employees: int | None
    townships: list[str]
    status_labels: list[str] = Field(description="就业状态的中文名 the statuses in Chinese")


class PolicyOut(BaseModel):
    """A policy as the API shows it (public)."""

    title: str
    category: str = one_of(CATEGORIES)
    code: str | None
    issuer: str
    summary: str
    body: str
    amount: str
    contact_unit: str
    contact_phone: str
    issued_on: str | None
    valid_from: str | None
    valid_until: str | None
    eligibility: EligibilityOut
    policy_id: int


class PolicyHit(PolicyOut):
    rank: float = Field(description="相关度 relevance, higher first")


class CategoryCount(BaseModel):
    category: str
    count: int


class PolicySearch(BaseModel):
    policies: list[PolicyHit]
    count: int
    categories: list[CategoryCount]
    limit: int
    offset: int


class ConditionOut(BaseModel):
    name: str
    met: bool
    reason: str = Field(description="原因 why (in Chinese)")


class AssessmentOut(BaseModel):
    """A policy with each of its conditions checked for one resident or enterprise."""

    policy_id: int
    code: str | None
    title: str
    category: str
    amount: str
    summary: str
    contact_unit: str
    eligible: bool
    conditions: list[ConditionOut]


class ResidentPolicies(BaseModel):
    resident_id: int
    on: str
    policies: list[AssessmentOut]
    eligible: int


class EnterprisePolicies(BaseModel):
    enterprise_id: int
    on: str
    policies: list[AssessmentOut]
    eligible: int
