"""稳岗就业政策库 policies: one row per policy, eligibility as flat columns; county roles only.

The rules are registry.policies.validate.policy_from's (the JSON loader and the API use it too): the cells here
only turn Chinese labels into the codes it reads. A row whose 政策编号 is already in the library replaces that
policy (as `hongyan registry policies load` does), so a yearly revision is one re-import.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import HongyanError, InvalidInput, PermissionDenied
from registry.intake import fields as fp
from registry.intake.context import Context
from registry.intake.spec import Field, RowIssue, TableSpec, ValidRow, Values, WriteOutcome
from registry.intake.specs.common import issue_from, labels_to_codes
from registry.policies.models import CATEGORIES, EDUCATIONS, ENTERPRISE_KINDS, STATUS_LABELS
from registry.policies.store import upsert_policy
from registry.policies.validate import ELIGIBILITY_FIELDS, policy_from

COUNTY_ROLES = frozenset({"county_admin", "county_reviewer"})
APPLICANT_LABELS = {"个人": ("person",), "企业": ("enterprise",), "个人和企业": ("person", "enterprise")}
STATUS_CODES = {label: code for code, label in STATUS_LABELS.items()}
_TOWNSHIP = re.compile(r"^([0-9]{12})(?:\s.*)?$")


def applicants(raw: str, _: Context) -> tuple[str, ...]:
    """个人 / 企业 / 个人和企业 (or the codes person, enterprise) → the codes policy_from reads."""
    if raw in APPLICANT_LABELS:
        return APPLICANT_LABELS[raw]
    return tuple(i.strip() for i in re.split(r"[、,，;；\s]+", raw) if i.strip())


def townships(raw: str, ctx: Context) -> tuple[str, ...]:
    """Township codes (or "code name", or a township's name) → codes; policy_from checks them."""
    by_name = {a.name: a.code for a in ctx.areas.values() if a.level == "township"}
    out = []
    for item in (i.strip() for i in re.split(r"[、,，;；]+", raw) if i.strip()):
        m = _TOWNSHIP.match(item)
        out.append(m.group(1) if m else by_name.get(item, item))
    return tuple(out)


text = fp.text_field  # free text: policy_from decides what it must be
several = labels_to_codes({})  # values separated by 、


FIELDS = (
    Field(
        "code",
        "政策编号",
        text(40),
        width=14,
        note="2–40 位字母、数字、_ . -；编号已在库中的政策被本行替换",
        example="HQ-CY-01",
    ),
    Field("title", "政策标题", text(200), required=True, width=30, example="返乡创业人员创业担保贷款及贴息"),
    Field(
        "category", "政策类别", text(20), required=True, choices=CATEGORIES, width=14, example="创业担保贷款"
    ),
    Field("issuer", "发文单位", text(200), width=18, example="霍邱县人力资源和社会保障局"),
    Field("issued_on", "发文日期", text(20), width=12, note="如 2026-01-01", example="2026-01-01"),
    Field("summary", "摘要", text(2000), width=30),
    Field("body", "正文", text(20000), width=40),
    Field("amount", "补贴标准", text(500), width=20, example="最高 50 万元，财政贴息"),
    Field("contact_unit", "经办单位", text(200), width=18, example="县就业服务中心"),
    Field("contact_phone", "咨询电话", text(40), as_text=True, width=14, example="0564-6012345"),
    Field("valid_from", "生效日期", text(20), width=12, note="如 2026-01-01", example="2026-01-01"),
    Field(
        "valid_until",
        "失效日期",
        text(20),
        width=12,
        note="如 2028-12-31；不填为长期有效",
        example="2028-12-31",
    ),
    Field(
        "applicants",
        "申请对象",
        applicants,
        choices=tuple(APPLICANT_LABELS),
        width=12,
        note="默认个人",
        example="个人",
    ),
    Field("min_age", "最低年龄", text(10), width=10, example="16"),
    Field("max_age", "最高年龄", text(10), width=10, example="60"),
    Field(
        "statuses",
        "就业状态",
        labels_to_codes(STATUS_CODES),
        width=20,
        note=f"多个用、分隔：{'、'.join(STATUS_CODES)}；不填为不限",
        example="外出务工、求职（登记失业）",
    ),
    Field(
        "returnee",
        "限返乡人员",
        text(10),
        choices=fp.YES,
        width=10,
        note="是：只限返乡人员；不填为不限",
        example="是",
    ),
    Field("educations", "学历要求", several, width=16, note=f"多个用、分隔：{'、'.join(EDUCATIONS)}"),
    Field(
        "enterprise_kinds", "企业类型", several, width=16, note=f"多个用、分隔：{'、'.join(ENTERPRISE_KINDS)}"
    ),
    Field("max_employees", "职工人数上限", text(10), width=12, example="300"),
    Field(
        "townships", "适用乡镇", townships, width=24, note="乡镇名称或 12 位代码，多个用、分隔；不填为全县"
    ),
)


def prepare(conn: Connection, ctx: Context) -> None:
    """Policies are the county's: an import for a smaller area is refused before any row is read."""
    if len(ctx.scope) != 6:
        raise PermissionDenied(f"只有县级人社部门可以导入政策；导入范围 {ctx.scope} 不是全县")


def check(values: Values, _: Context) -> list[RowIssue]:
    """The policy by policy_from (eligibility columns nested)."""
    data: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
    eligibility = {k: data.pop(k) for k in list(data) if k in ELIGIBILITY_FIELDS}
    try:
        values["policy"] = policy_from(data | {"eligibility": eligibility})
    except InvalidInput as exc:
        return [issue_from(exc, SPEC)]
    return []


def write(conn: Connection, rows: list[ValidRow], _: Context) -> WriteOutcome:
    """Insert each policy, or replace the one with its code (uncoded: its title); a refusal is the row's error."""
    written, refused = 0, {}
    for r in rows:
        try:
            upsert_policy(conn, r.values["policy"])
        except HongyanError as exc:
            refused[r.row] = ("code", exc.message)
            continue
        written += 1
    return WriteOutcome(written, refused)


SPEC = TableSpec(
    name="policies",
    title="稳岗就业政策库 · 政策",
    sheet="政策",
    fields=FIELDS,
    check_row=check,
    write=write,
    prepare=prepare,
    duplicate_key=lambda v: v.get("code"),
    duplicate_field="code",
    duplicate_what="同一政策编号",
    roles=COUNTY_ROLES,
    who="只有县级人社部门（县管理员、县审核员）可以导入政策",
    instructions=(
        "每行一项政策，第 1 行为表头，请勿改动列名；带 * 的列必填。",
        "政策编号已在库中的，该行替换原政策（便于每年修订后重新导入）；不填编号的，替换库中同标题且无编号的"
        "政策，没有则新增：同一文件再次导入不会重复新增。",
        "申请条件各列不填即不限；就业状态、学历、企业类型、适用乡镇可填多个，用、分隔。",
        "日期写成 2026-12-31。",
    ),
)
