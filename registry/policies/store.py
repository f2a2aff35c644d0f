"""Reading and writing policies, searching them, and assessing residents and enterprises against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from psycopg.errors import InsufficientPrivilege
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, ProgrammingError

from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.policies import queries as q
from registry.policies.eligibility import age_on, assess_enterprise, assess_person
from registry.policies.models import (
    CATEGORIES,
    Assessment,
    Eligibility,
    EnterpriseFacts,
    PersonFacts,
    Policy,
    PolicyInput,
)
from registry.policies.tokens import document_words, query_text

MAX_PAGE = 200


def policy_row(row: Any) -> Policy:
    """A Policy from a row of POLICY_COLUMNS."""
    return Policy(
        policy_id=row.policy_id,
        code=row.code,
        title=row.title,
        category=row.category,
        issuer=row.issuer,
        issued_on=row.issued_on,
        summary=row.summary,
        body=row.body,
        amount=row.amount,
        contact_unit=row.contact_unit,
        contact_phone=row.contact_phone,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        eligibility=Eligibility(
            applicants=tuple(row.applicants),
            min_age=row.min_age,
            max_age=row.max_age,
            statuses=tuple(row.statuses),
            returnee=row.returnee,
            educations=tuple(row.educations),
            enterprise_kinds=tuple(row.enterprise_kinds),
            max_employees=row.max_employees,
            townships=tuple(row.townships),
        ),
    )


def _params(policy: PolicyInput) -> dict[str, Any]:
    e = policy.eligibility
    return {
        "code": policy.code,
        "title": policy.title,
        "category": policy.category,
        "issuer": policy.issuer,
        "issued_on": policy.issued_on,
        "summary": policy.summary,
        "body": policy.body,
        "amount": policy.amount,
        "contact_unit": policy.contact_unit,
        "contact_phone": policy.contact_phone,
        "valid_from": policy.valid_from,
        "valid_until": policy.valid_until,
        "applicants": list(e.applicants),
        "min_age": e.min_age,
        "max_age": e.max_age,
        "statuses": list(e.statuses),
        "returnee": e.returnee,
        "educations": list(e.educations),
        "enterprise_kinds": list(e.enterprise_kinds),
        "max_employees": e.max_employees,
        "townships": list(e.townships),
        "title_words": document_words(f"{policy.title} {policy.category}"),
        "summary_words": document_words(f"{policy.summary} {policy.amount} {policy.issuer}"),
        "body_words": document_words(policy.body),
    }


def _write(conn: Connection, statement: Any, params: dict[str, Any]) -> int | None:
    try:
        with conn.begin_nested():
            value = conn.execute(statement, params).scalar_one_or_none()
    except IntegrityError as exc:
        raise Conflict(f"政策编号已存在 a policy with code {params['code']!r} already exists") from exc
    except ProgrammingError as exc:
        if isinstance(exc.orig, InsufficientPrivilege):  # the row-level policy: county staff only
            raise PermissionDenied(
                "只有县级人社部门可以发布或修改政策 only county staff may write policies"
            ) from exc
        raise
    return None if value is None else int(value)


def insert_policy(conn: Connection, policy: PolicyInput) -> int:
    """Insert a checked policy; its id. Conflict when its code is taken."""
    policy_id = _write(conn, q.INSERT_POLICY, _params(policy))
    assert policy_id is not None
    return policy_id


def update_policy(conn: Connection, policy_id: int, policy: PolicyInput) -> None:
    """Replace a policy's fields (and its search words); NotFound if there is no such policy."""
    if _write(conn, q.UPDATE_POLICY, _params(policy) | {"policy_id": policy_id}) is None:
        raise NotFound(f"政策 {policy_id} 不存在 policy {policy_id} does not exist")


def upsert_policy(conn: Connection, policy: PolicyInput) -> tuple[int, bool]:
    """Insert, or replace the policy with the same code — without a code, the uncoded one with the same title:
    (id, created). Conflict when several uncoded policies have that title (which one is meant is unknown)."""
    if policy.code is not None:
        existing = conn.execute(q.POLICY_BY_CODE, {"code": policy.code}).scalars().all()
    else:
        existing = conn.execute(q.UNCODED_POLICIES_BY_TITLE, {"title": policy.title}).scalars().all()
        if len(existing) > 1:
            ids = "、".join(str(i) for i in existing)
            raise Conflict(
                f"库中有 {len(existing)} 项无编号的同名政策「{policy.title}」（{ids}），无法确定替换哪一项：请填写政策编号"
                f" ({len(existing)} uncoded policies are titled {policy.title!r}: give the policy a code)"
            )
    if existing:
        update_policy(conn, int(existing[0]), policy)
        return int(existing[0]), False
    return insert_policy(conn, policy), True


def get_policy(conn: Connection, policy_id: int) -> Policy:
    """One policy; NotFound if there is none."""
    row = conn.execute(q.POLICY_BY_ID, {"policy_id": policy_id}).one_or_none()
    if row is None:
        raise NotFound(f"政策 {policy_id} 不存在 policy {policy_id} does not exist")
    return policy_row(row)


@dataclass(frozen=True)
class Hit:
    """A search result: the policy and its relevance (higher first)."""

    policy: Policy
    rank: float


def check_category(category: str | None) -> str | None:
    """The category if known (None passes), else InvalidInput listing the categories."""
    if category is not None and category not in CATEGORIES:
        raise InvalidInput(
            f"未知政策类别 unknown category {category!r}: use one of {', '.join(CATEGORIES)}",
            field="category",
        )
    return category


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_policies(
    conn: Connection,
    query: str | None = None,
    *,
    category: str | None = None,
    ids: list[int] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Hit]:
    """Policies matching a Chinese search text (all its words), best first; all policies when it is empty."""
    check_category(category)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}", field="offset")
    text = (query or "").strip() or None
    if text is not None and len(text) > 100:
        raise InvalidInput("搜索词过长 a search has at most 100 characters", field="q")
    rows = conn.execute(
        q.SEARCH_POLICIES,
        {
            "q": text,
            "tsquery": query_text(text) if text else None,
            "pattern": f"%{_escaped(text)}%" if text else None,
            "category": category,
            "ids": ids,
            "limit": limit,
            "offset": offset,
        },
    )
    return [Hit(policy_row(r), float(r.rank)) for r in rows]


def category_counts(conn: Connection) -> dict[str, int]:
    """How many policies each category holds."""
    return {str(r.category): int(r.n) for r in conn.execute(q.CATEGORY_COUNTS)}


def township_names(conn: Connection) -> dict[str, str]:
    """Township code → name, for the reasons."""
    return {str(r.code): str(r.name) for r in conn.execute(q.TOWNSHIP_NAMES)}


def resident_facts(conn: Connection, resident_id: int, *, on: date) -> PersonFacts:
    """The eligibility facts of a resident the transaction can see; NotFound alike for missing and hidden."""
    row = conn.execute(q.RESIDENT_FACTS, {"id": resident_id}).one_or_none()
    if row is None:
        raise NotFound(f"resident {resident_id} does not exist or is outside your area")
    return PersonFacts(
        age_on(row.birth_date, on), row.status, bool(row.returnee), row.education, row.area_code
    )


def enterprise_facts(conn: Connection, enterprise_id: int) -> EnterpriseFacts:
    """The eligibility facts of an enterprise the transaction can see; NotFound alike for missing and hidden."""
    row = conn.execute(q.ENTERPRISE_FACTS, {"id": enterprise_id}).one_or_none()
    if row is None:
        raise NotFound(f"enterprise {enterprise_id} does not exist or is outside your area")
    return EnterpriseFacts(row.kind, int(row.employees), row.area_code)


def person_candidates(conn: Connection, facts: PersonFacts, *, on: date, eligible_only: bool) -> list[Policy]:
    """Policies open to persons on the day; with eligible_only the SQL prefilter applies every condition."""
    params = {
        "on": on,
        "eligible_only": eligible_only,
        "age": facts.age,
        "status": facts.status,
        "returnee": facts.returnee,
        "education": facts.education,
        "area_code": facts.area_code,
    }
    return [policy_row(r) for r in conn.execute(q.PERSON_CANDIDATES, params)]


def enterprise_candidates(
    conn: Connection, facts: EnterpriseFacts, *, on: date, eligible_only: bool
) -> list[Policy]:
    """Policies open to enterprises on the day; with eligible_only the SQL prefilter applies every condition."""
    params = {
        "on": on,
        "eligible_only": eligible_only,
        "kind": facts.kind,
        "employees": facts.employees,
        "area_code": facts.area_code,
    }
    return [policy_row(r) for r in conn.execute(q.ENTERPRISE_CANDIDATES, params)]


def resident_policies(
    conn: Connection, resident_id: int, *, on: date, eligible_only: bool = False
) -> list[Assessment]:
    """The policies open to persons, each with its conditions checked for this resident."""
    facts = resident_facts(conn, resident_id, on=on)
    candidates = person_candidates(conn, facts, on=on, eligible_only=eligible_only)
    return assess_person(candidates, facts, on=on, names=township_names(conn))


def enterprise_policies(
    conn: Connection, enterprise_id: int, *, on: date, eligible_only: bool = False
) -> list[Assessment]:
    """The policies open to enterprises, each with its conditions checked for this enterprise."""
    facts = enterprise_facts(conn, enterprise_id)
    candidates = enterprise_candidates(conn, facts, on=on, eligible_only=eligible_only)
    return assess_enterprise(candidates, facts, on=on, names=township_names(conn))
