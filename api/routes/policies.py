"""Policies API: public list/search and detail; county staff write; eligibility of residents and enterprises."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from sqlalchemy import Connection

from api.auth import CurrentAccount, OptionalToken, ScopedConnection, app_transaction, client_address
from api.errors import raises
from api.schemas.common import enum_schema
from api.schemas.policies import (
    AssessmentOut,
    EnterprisePolicies,
    PolicyIn,
    PolicyOut,
    PolicyPatch,
    PolicySearch,
    ResidentPolicies,
)
from api.types import Id, Id4, Offset
from geo.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.accounts.auth import AuthenticationFailed, audit, authenticate
from registry.accounts.roles import Account
from registry.policies.models import CATEGORIES, STATUS_LABELS, Assessment, Policy
from registry.policies.store import (
    MAX_PAGE,
    category_counts,
    enterprise_policies,
    get_policy,
    insert_policy,
    resident_policies,
    search_policies,
    update_policy,
)
from registry.policies.validate import policy_from, policy_mapping

router = APIRouter(prefix="/api/v1", tags=["policies"])
POLICY_WRITERS = frozenset({"county_admin", "county_reviewer"})
APPLIES_TO = re.compile(r"^(resident|enterprise):([1-9][0-9]{0,17})$")
PublicConnection = Annotated[Connection, Depends(app_transaction, scope="function")]
POLICY_EXAMPLE = {
    "code": "HQ-CY-09",
    "title": "返乡创业人员创业担保贷款",
    "category": "创业担保贷款",
    "amount": "最高20万元",
    "summary": "返乡创业人员可申请创业担保贷款",
    "valid_from": "2026-01-01",
    "valid_until": "2027-12-31",
    "eligibility": {"applicants": ["person"], "min_age": 18, "max_age": 60, "returnee": True},
}


def policy_json(policy: Policy) -> dict[str, Any]:
    """A policy as the API shows it, eligibility nested, with the Chinese labels of its statuses."""
    out = policy_mapping(policy) | {"policy_id": policy.policy_id}
    out["eligibility"]["status_labels"] = [STATUS_LABELS[s] for s in policy.eligibility.statuses]
    return out


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    """A policy with its conditions checked: eligible, and each condition met or not with its reason."""
    p = assessment.policy
    return {
        "policy_id": p.policy_id,
        "code": p.code,
        "title": p.title,
        "category": p.category,
        "amount": p.amount,
        "summary": p.summary,
        "contact_unit": p.contact_unit,
        "eligible": assessment.eligible,
        "conditions": [{"name": c.name, "met": c.met, "reason": c.reason} for c in assessment.conditions],
    }


def _writer(account: Account) -> Account:
    if account.role not in POLICY_WRITERS:
        raise PermissionDenied(
            f"只有县级人社部门可以发布或修改政策 only county staff may write policies; you are {account.role}"
        )
    return account


def _applicable_ids(conn: Connection, applies_to: str, token: str | None, today: date) -> list[int]:
    match = APPLIES_TO.match(applies_to)
    if match is None:
        raise InvalidInput(
            f"applies_to 应为 resident:<id> 或 enterprise:<id>, got {applies_to!r}", field="applies_to"
        )
    if token is None:
        raise AuthenticationFailed(
            "查询适用政策需要登录 applies_to needs a login: send Authorization: Bearer <token>"
        )
    authenticate(conn, token)  # scopes the transaction: the record must be visible to the caller
    kind, record = match.group(1), int(match.group(2))
    found = (resident_policies if kind == "resident" else enterprise_policies)(
        conn, record, on=today, eligible_only=True
    )
    return [a.policy.policy_id for a in found if a.eligible]


@router.get(
    "/policies", operation_id="list_policies", response_model=PolicySearch, responses=raises(NotFound)
)
def policies(
    token: OptionalToken,  # before the connection: see api.auth.current_account
    conn: PublicConnection,
    q: Annotated[str | None, Query(max_length=100, description="中文检索 search text, e.g. 创业贷款")] = None,
    category: Annotated[
        str | None, Query(description="类别 category", json_schema_extra=enum_schema(CATEGORIES))
    ] = None,
    applies_to: Annotated[
        str | None,
        Query(description="resident:<id> or enterprise:<id>: only the policies it may apply for (login)"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[Offset, Query(ge=0)] = 0,
) -> PolicySearch:
    """政策检索 Search the policies (public): every word of q must match, best first; filter by category."""
    ids = None
    if applies_to is not None:
        ids = _applicable_ids(conn, applies_to, token, date.today())
    hits = search_policies(conn, q, category=category, ids=ids, limit=limit, offset=offset)
    return PolicySearch.model_validate(
        {
            "policies": [policy_json(h.policy) | {"rank": round(h.rank, 4)} for h in hits],
            "count": len(hits),
            "categories": [{"category": c, "count": n} for c, n in category_counts(conn).items()],
            "limit": limit,
            "offset": offset,
        }
    )


@router.get("/policies/{policy_id}", operation_id="get_policy", response_model=PolicyOut)
def policy(conn: PublicConnection, policy_id: Annotated[Id4, Path(ge=1)]) -> PolicyOut:
    """政策详情 One policy (public)."""
    return PolicyOut.model_validate(policy_json(get_policy(conn, policy_id)))


@router.post(
    "/policies",
    operation_id="create_policy",
    status_code=201,
    response_model=PolicyOut,
    responses=raises(Conflict),
)
def create(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    body: Annotated[PolicyIn, Body(examples=[POLICY_EXAMPLE])],
) -> PolicyOut:
    """发布政策 Publish a policy (county administrator or reviewer)."""
    _writer(account)
    policy_id = insert_policy(conn, policy_from(body.given()))
    audit(conn, account, "policy.create", target=f"policy:{policy_id}", source=client_address(request))
    return PolicyOut.model_validate(policy_json(get_policy(conn, policy_id)))


@router.patch(
    "/policies/{policy_id}",
    operation_id="update_policy",
    response_model=PolicyOut,
    responses=raises(Conflict),
)
def patch(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    policy_id: Annotated[Id4, Path(ge=1)],
    body: Annotated[PolicyPatch, Body(examples=[{"amount": "最高30万元", "eligibility": {"max_age": 55}}])],
) -> PolicyOut:
    """修改政策 Change some fields of a policy (county administrator or reviewer); eligibility merges."""
    _writer(account)
    current = policy_mapping(get_policy(conn, policy_id))
    changes = body.given()
    eligibility = changes.pop("eligibility", None) or {}
    update_policy(
        conn,
        policy_id,
        policy_from(current | changes | {"eligibility": current["eligibility"] | eligibility}),
    )
    audit(conn, account, "policy.update", target=f"policy:{policy_id}", source=client_address(request))
    return PolicyOut.model_validate(policy_json(get_policy(conn, policy_id)))


def _on(on: date | None) -> date:
    return on or date.today()


@router.get(
    "/residents/{resident_id}/policies", operation_id="resident_policies", response_model=ResidentPolicies
)
def for_resident(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    resident_id: Annotated[Id, Path(ge=1)],
    eligible_only: Annotated[
        bool, Query(description="只看可享受的 only the policies every condition allows")
    ] = False,
    on: Annotated[date | None, Query(description="按哪一天判断 the day to judge on (default today)")] = None,
) -> ResidentPolicies:
    """居民可享受的政策 The policies for persons, each condition checked for this resident (your area only)."""
    found = resident_policies(conn, resident_id, on=_on(on), eligible_only=eligible_only)
    audit(
        conn, account, "resident.policies", target=f"resident:{resident_id}", source=client_address(request)
    )
    return ResidentPolicies(
        resident_id=resident_id,
        on=_on(on).isoformat(),
        policies=[AssessmentOut.model_validate(assessment_json(a)) for a in found],
        eligible=sum(a.eligible for a in found),
    )


@router.get(
    "/enterprises/{enterprise_id}/policies",
    operation_id="enterprise_policies",
    response_model=EnterprisePolicies,
)
def for_enterprise(
    request: Request,
    account: CurrentAccount,
    conn: ScopedConnection,
    enterprise_id: Annotated[Id, Path(ge=1)],
    eligible_only: Annotated[
        bool, Query(description="只看可享受的 only the policies every condition allows")
    ] = False,
    on: Annotated[date | None, Query(description="按哪一天判断 the day to judge on (default today)")] = None,
) -> EnterprisePolicies:
    """企业可享受的政策 The policies for enterprises, each condition checked for this enterprise (your area only)."""
    found = enterprise_policies(conn, enterprise_id, on=_on(on), eligible_only=eligible_only)
    audit(
        conn,
        account,
        "enterprise.policies",
        target=f"enterprise:{enterprise_id}",
        source=client_address(request),
    )
    return EnterprisePolicies(
        enterprise_id=enterprise_id,
        on=_on(on).isoformat(),
        policies=[AssessmentOut.model_validate(assessment_json(a)) for a in found],
        eligible=sum(a.eligible for a in found),
    )
