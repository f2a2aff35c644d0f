"""Checking talents and projects as written (API body, file row): InvalidInput says what and where."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from geo.core.errors import InvalidInput
from registry.accounts.roles import check_phone
from registry.personal import normalise_id, validate_id_number
from registry.talents.models import KINDS, NEEDS, STAGES, ProjectInput, TalentInput

TALENT_FIELDS = (
    "kind",
    "name",
    "id_number",
    "village_code",
    "phone",
    "education",
    "title",
    "skills",
    "certificates",
    "industry",
    "returned_on",
    "returned_from",
)
PROJECT_FIELDS = (
    "name",
    "stage",
    "industry",
    "investment_wan",
    "jobs_created",
    "needs",
    "park_code",
    "description",
)
AREA = re.compile(r"^[0-9]{12}$")


def _unknown(data: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InvalidInput(
            f"未知字段 unknown {what} field {unknown[0]!r}: use {', '.join(allowed)}", field=unknown[0]
        )


def _text(data: Mapping[str, Any], key: str, *, limit: int = 200) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{key} 应为文字 must be text", field=key)
    if len(value.strip()) > limit:
        raise InvalidInput(f"{key} 过长 has at most {limit} characters", field=key)
    return value.strip()


def _list(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = re.split(r"[、,，;；]+", value)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{key} 应为文字列表 must be a list of text", field=key)
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _date(data: Mapping[str, Any], key: str) -> date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"日期格式应为 YYYY-MM-DD, got {value!r}", field=key) from None


def check_kind(kind: str | None) -> str | None:
    """The talent kind if known (None passes), else InvalidInput listing the kinds."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput(
            f"未知人才类别 unknown talent kind {kind!r}: use one of {', '.join(KINDS)}", field="kind"
        )
    return kind


def talent_from(data: Mapping[str, Any], *, today: date) -> TalentInput:
    """A checked talent; the ID number must be valid (GB 11643), a returnee needs the date they came home."""
    _unknown(data, TALENT_FIELDS, "talent")
    kind = _text(data, "kind")
    check_kind(kind)
    name = _text(data, "name", limit=40)
    if not name:
        raise InvalidInput("姓名不能为空 the talent's name (姓名) is required", field="name")
    id_number = normalise_id(_text(data, "id_number"))
    born, _ = validate_id_number(id_number)
    village = _text(data, "village_code")
    if not AREA.match(village):
        raise InvalidInput(
            f"村/社区代码应为12位数字 village_code has 12 digits, got {village!r}", field="village_code"
        )
    phone = _text(data, "phone") or None
    returned_on = _date(data, "returned_on")
    if kind == "returnee_entrepreneur" and returned_on is None:
        raise InvalidInput(
            "返乡创业人员需填写返乡日期 a returnee entrepreneur needs returned_on", field="returned_on"
        )
    if returned_on is not None and not born < returned_on <= today:
        raise InvalidInput(
            f"返乡日期应在出生之后且不晚于今天 returned_on {returned_on} must be after the birth date and not in the future",
            field="returned_on",
        )
    return TalentInput(
        kind=kind,
        name=name,
        id_number=id_number,
        village_code=village,
        phone=None if phone is None else check_phone(phone),
        education=_text(data, "education"),
        title=_text(data, "title"),
        skills=_list(data, "skills"),
        certificates=_list(data, "certificates"),
        industry=_text(data, "industry"),
        returned_on=returned_on,
        returned_from=_text(data, "returned_from"),
    )


def project_from(data: Mapping[str, Any]) -> ProjectInput:
    """A checked project: a known stage, needs among 资金/场地/用工/技术/政策, no negative money or jobs."""
    _unknown(data, PROJECT_FIELDS, "project")
    name = _text(data, "name")
    if not name:
        raise InvalidInput("项目名称不能为空 a project needs a name", field="name")
    stage = _text(data, "stage")
    if stage not in STAGES:
        raise InvalidInput(
            f"未知项目阶段 unknown stage {stage!r}: use one of {', '.join(STAGES)}", field="stage"
        )
    needs = _list(data, "needs")
    for need in needs:
        if need not in NEEDS:
            raise InvalidInput(
                f"未知需求 unknown need {need!r}: use one of {'、'.join(NEEDS)}", field="needs"
            )
    try:
        investment = Decimal(str(data.get("investment_wan") or 0))
    except InvalidOperation:
        raise InvalidInput(
            "投资额应为数字（万元） investment_wan must be a number", field="investment_wan"
        ) from None
    if not investment.is_finite() or investment < 0 or investment > Decimal("1e9"):
        raise InvalidInput("投资额不能为负 investment_wan must not be negative", field="investment_wan")
    jobs = data.get("jobs_created") or 0
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise InvalidInput(
            "带动就业人数应为非负整数 jobs_created must be a non-negative whole number", field="jobs_created"
        )
    park = _text(data, "park_code") or None
    if park is not None and not AREA.match(park):
        raise InvalidInput(f"园区代码应为12位数字 park_code has 12 digits, got {park!r}", field="park_code")
    return ProjectInput(
        name,
        stage,
        _text(data, "industry"),
        investment.quantize(Decimal("0.01")),
        jobs,
        needs,
        park,
        _text(data, "description", limit=2000),
    )
