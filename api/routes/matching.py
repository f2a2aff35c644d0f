"""Ranked matching with explanations (人岗匹配) and the related-trades table (相关工种).

Personal records go through the caller's scoped connection (row-level security); the open job board and the
road network through the public connection, as the circle endpoint does.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from api.auth import Cipher, CurrentAccount, ScopedConnection, client_address
from api.deps import ConnectionDep
from api.errors import raises
from api.routes.circle import CirclesDep, MinutesQuery, ModeQuery, RadiusQuery
from api.schemas.matching import Matches, RelatedIn, RelatedOut, ResidentMatches, VacancyCandidates
from api.types import Id, Int4, Latitude, Longitude
from geo.core.errors import Conflict, InvalidInput, PermissionDenied
from matching.ranking.matches import rank_positions, resident_matches, vacancy_candidates
from matching.ranking.related import check_detail_code, list_related, remove_related, set_related
from matching.ranking.scoring import Profile
from registry.accounts.auth import audit
from registry.accounts.roles import Account
from registry.personal import mask_id, mask_name, mask_phone

router = APIRouter(prefix="/api/v1", tags=["matching"])
COUNTY_ROLES = frozenset({"county_admin", "county_reviewer"})


def county_only(account: Account) -> None:
    """PermissionDenied unless the account is county staff (人社局)."""
    if account.role not in COUNTY_ROLES:
        raise PermissionDenied(f"only county staff may edit related trades; you are {account.role}")


@router.get(
    "/residents/{resident_id}/matches",
    operation_id="resident_matches",
    response_model=ResidentMatches,
    response_model_exclude_unset=True,
    responses=raises(Conflict),
)
def matches_for_resident(
    request: Request,
    account: CurrentAccount,
    scoped: ScopedConnection,
    public: ConnectionDep,
    circles: CirclesDep,
    resident_id: Annotated[Id, Path(ge=1)],
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = None,
    minutes: MinutesQuery = None,
) -> dict[str, Any]:
    """人岗匹配 Open positions within reach ranked for a resident you may see, each with its explanation."""
    result = resident_matches(
        circles, scoped, public, resident_id, mode=mode, radius_m=radius_m, minutes=minutes
    )
    audit(
        scoped, account, "resident.matches", target=f"resident:{resident_id}", source=client_address(request)
    )
    return result


@router.get(
    "/vacancies/{vacancy_id}/candidates",
    operation_id="vacancy_candidates",
    response_model=VacancyCandidates,
    response_model_exclude_unset=True,
    responses=raises(Conflict),
)
def candidates_for_vacancy(
    request: Request,
    account: CurrentAccount,
    scoped: ScopedConnection,
    public: ConnectionDep,
    circles: CirclesDep,
    cipher: Cipher,
    vacancy_id: Annotated[Id, Path(ge=1)],
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = None,
    minutes: MinutesQuery = None,
) -> dict[str, Any]:
    """岗位候选人 Available residents within reach ranked for a vacancy of your enterprise or area (masked).

    The enterprise's HR gets what its candidate pool shows: masked names, no resident id, ID number or phone."""
    hr = account.role == "enterprise_hr"
    show_names = account.sees_names and not hr

    def personal(row: Any) -> dict[str, Any]:
        if hr:
            return {"name": mask_name(row["name"])}
        phone = cipher.decrypt(bytes(row["phone_cipher"])) if row["phone_cipher"] is not None else None
        return {
            "name": row["name"] if show_names else mask_name(row["name"]),
            "id_number": mask_id(cipher.decrypt(bytes(row["id_cipher"]))),
            "phone": mask_phone(phone) if phone else None,
        }

    result = vacancy_candidates(
        circles,
        scoped,
        public,
        vacancy_id,
        hr=hr,
        personal=personal,
        mode=mode,
        radius_m=radius_m,
        minutes=minutes,
        today=date.today(),
    )
    audit(
        scoped, account, "vacancy.candidates", target=f"vacancy:{vacancy_id}", source=client_address(request)
    )
    return result


@router.get(
    "/matches",
    operation_id="anonymous_matches",
    response_model=Matches,
    response_model_exclude_unset=True,
    responses=raises(Conflict),
)
def anonymous_matches(
    public: ConnectionDep,
    circles: CirclesDep,
    lon: Annotated[Longitude, Query(description="经度 longitude")],
    lat: Annotated[Latitude, Query(description="纬度 latitude")],
    mode: ModeQuery = "walk",
    radius_m: RadiusQuery = None,
    minutes: MinutesQuery = None,
    trade: Annotated[
        str | None, Query(pattern=r"^[0-9](-[0-9]{2}){3}$", description="我的工种 my occupation code")
    ] = None,
    expected_wage: Annotated[Int4 | None, Query(ge=0, description="期望月薪 expected monthly wage")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="条数 items")] = 100,
) -> dict[str, Any]:
    """匿名匹配 Positions within reach ranked for a trade and wage you state (no account, nothing stored)."""
    circles.network(public)
    if trade is not None:
        check_detail_code(public, trade, field="trade")
    q = circles.query(public, lon=lon, lat=lat, mode=mode, radius_m=radius_m, minutes=minutes)
    profile = Profile(age=None, occupation_code=trade, expected_wage=expected_wage)
    return rank_positions(circles, public, q, profile, limit=limit)


@router.get("/matching/related-trades", operation_id="list_related_trades", response_model=list[RelatedOut])
def related_trades(account: CurrentAccount, scoped: ScopedConnection) -> list[dict[str, Any]]:
    """相关工种 The pairs of related trades the scores use."""
    assert account.account_id > 0
    return list_related(scoped)


@router.put("/matching/related-trades", operation_id="set_related_trade", response_model=RelatedOut)
def put_related_trade(
    request: Request, account: CurrentAccount, scoped: ScopedConnection, body: RelatedIn
) -> dict[str, Any]:
    """设置相关工种 Add or change a pair (county staff only)."""
    county_only(account)
    row = set_related(
        scoped, body.code_a, body.code_b, weight=body.weight, note=body.note, updated_by=account.username
    )
    audit(
        scoped,
        account,
        "related_trades.set",
        target=f"{row['code_a']}~{row['code_b']}",
        source=client_address(request),
    )
    return row


@router.delete("/matching/related-trades", operation_id="remove_related_trade", status_code=204)
def delete_related_trade(
    request: Request,
    account: CurrentAccount,
    scoped: ScopedConnection,
    code_a: Annotated[str, Query(description="工种代码 code")],
    code_b: Annotated[str, Query(description="相关工种代码 related code")],
) -> None:
    """删除相关工种 Remove a pair (county staff only)."""
    county_only(account)
    if not code_a.strip() or not code_b.strip():
        raise InvalidInput("give both code_a and code_b", field="code_a/code_b")
    remove_related(scoped, code_a, code_b)
    audit(
        scoped, account, "related_trades.remove", target=f"{code_a}~{code_b}", source=client_address(request)
    )
