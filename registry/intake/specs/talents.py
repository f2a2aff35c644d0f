"""创新创业人才库 talents: one row per talent, or per project (the same ID number on several rows).

The talent's columns of a person's first row count; each row may carry one project (项目名称 and the columns
after it). The rules are registry.talents.validate's (talent_from, project_from): the cells are only parsed here.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection

from geo.core.errors import InvalidInput
from registry.intake import fields as fp
from registry.intake import queries as q
from registry.intake.context import Context
from registry.intake.spec import (
    CellError,
    Field,
    RowIssue,
    TableSpec,
    ValidRow,
    Values,
    WriteOutcome,
)
from registry.intake.specs.common import issue_from, stage, village_field
from registry.intake.specs.residents import EDUCATION
from registry.personal import validate_id_number
from registry.talents.models import KINDS, NEEDS, STAGES
from registry.talents.store import TALENT_WRITERS
from registry.talents.validate import project_from, talent_from

KIND_LABELS = {label: code for code, label in KINDS.items()}
STAGE_LABELS = {label: code for code, label in STAGES.items()}
TALENT_KEYS = (
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
# spreadsheet key → project_from's key (and back, for the field an error names)
PROJECT_KEYS = {
    "project_name": "name",
    "stage": "stage",
    "project_industry": "industry",
    "investment_wan": "investment_wan",
    "jobs_created": "jobs_created",
    "needs": "needs",
    "park_code": "park_code",
    "project_description": "description",
}
PROJECT_FIELD = {v: k for k, v in PROJECT_KEYS.items()}
TALENT_STAGE = (
    "src_row",
    "id_hash",
    "id_cipher",
    "phone_cipher",
    "kind",
    "name",
    "sex",
    "birth_date",
    "village_code",
    "education",
    "title",
    "skills",
    "certificates",
    "industry",
    "returned_on",
    "returned_from",
)
PROJECT_STAGE = (
    "src_row",
    "id_hash",
    "name",
    "industry",
    "stage",
    "investment_wan",
    "jobs_created",
    "needs",
    "park_code",
    "description",
)
_PARK = re.compile(r"^([0-9]{12})(?:\s.*)?$")


def park(raw: str, ctx: Context) -> str:
    """A park's code (or "code name"): a township-level area of kind park."""
    m = _PARK.match(raw)
    code = m.group(1) if m else raw
    parks: dict[str, str] = ctx.extra["parks"]
    if code not in parks:
        listed = "、".join(f"{c} {n}" for c, n in parks.items()) or "库中没有园区"
        raise CellError(f"「{raw}」不是园区代码，可填：{listed}")
    return code


FIELDS = (
    Field(
        "kind",
        "人才类别",
        fp.choice(KIND_LABELS),
        required=True,
        choices=tuple(KIND_LABELS),
        width=14,
        example="返乡创业人员",
    ),
    Field("name", "姓名", fp.text_field(40), required=True, width=10, example="李四"),
    Field(
        "id_number",
        "身份证号",
        fp.id_number,
        required=True,
        as_text=True,
        width=22,
        note="18 位，末位可为 X；同一人有多个项目时每个项目一行，人员信息以第一行为准",
        example="341522198805120011",
    ),
    Field("phone", "手机号", fp.phone, as_text=True, width=14, note="11 位手机号", example="13912345678"),
    village_field(),
    Field(
        "education", "学历", fp.choice({e: e for e in EDUCATION}), choices=EDUCATION, width=12, example="大专"
    ),
    Field("title", "职称", fp.text_field(200), width=12, note="专业技术人才填写", example="工程师"),
    Field("skills", "技能", fp.text_field(200), width=16, note="多个用、分隔", example="电工、焊工"),
    Field(
        "certificates",
        "证书",
        fp.text_field(200),
        width=20,
        note="多个用、分隔",
        example="电工（四级/中级工）",
    ),
    Field("industry", "行业", fp.text_field(200), width=12, example="服装加工"),
    Field(
        "returned_on",
        "返乡日期",
        fp.a_date,
        width=12,
        note="返乡创业人员必填，如 2024-03-01",
        example="2024-03-01",
    ),
    Field("returned_from", "返乡前务工城市", fp.text_field(200), width=14, example="苏州"),
    Field(
        "project_name",
        "项目名称",
        fp.text_field(200),
        width=20,
        note="有创业项目时填写（每行一个项目）",
        example="李氏稻虾共养基地",
    ),
    Field(
        "stage",
        "项目阶段",
        fp.choice(STAGE_LABELS),
        choices=tuple(STAGE_LABELS),
        width=10,
        note="有项目时必填",
        example="运营",
    ),
    Field("project_industry", "项目行业", fp.text_field(200), width=12, example="稻虾共养"),
    Field("investment_wan", "投资额（万元）", fp.text_field(20), width=12, example="35.5"),
    Field("jobs_created", "带动就业人数", fp.integer(0, 1_000_000), width=10, example="12"),
    Field(
        "needs",
        "项目需求",
        fp.text_field(50),
        width=16,
        note=f"多个用、分隔：{'、'.join(NEEDS)}",
        example="资金、用工",
    ),
    Field(
        "park_code", "入驻园区代码", park, as_text=True, width=16, note="入驻园区的 12 位代码，不入驻则不填"
    ),
    Field("project_description", "项目简介", fp.text_field(2000), width=30),
)


def prepare(conn: Connection, ctx: Context) -> None:
    """Load the parks a project may be placed in."""
    ctx.extra["parks"] = {str(r.code): str(r.name) for r in conn.execute(q.PARKS)}


def check(values: Values, ctx: Context) -> list[RowIssue]:
    """The talent by talent_from, the project (if any) by project_from; birth date, sex and keyed hash."""
    try:
        values["talent"] = talent_from(
            {k: values[k] for k in TALENT_KEYS if values[k] is not None}, today=ctx.today
        )
    except InvalidInput as exc:
        return [issue_from(exc, SPEC)]
    values["project"] = None
    project = {PROJECT_KEYS[k]: values[k] for k in PROJECT_KEYS if values[k] is not None}
    if project and values["project_name"] is None:
        return [RowIssue("project_name", "填写了项目信息，但没有填项目名称")]
    if project and values["stage"] is None:
        return [RowIssue("stage", f"有项目时必填，可选：{'、'.join(STAGE_LABELS)}")]
    if project:
        try:
            values["project"] = project_from(project)
        except InvalidInput as exc:
            return [issue_from(exc, SPEC, keys=PROJECT_FIELD)]
    born, sex = validate_id_number(values["id_number"])
    values.update(birth_date=born, sex=sex, id_hash=ctx.personal_cipher().keyed_hash(values["id_number"]))
    return []


def existing(conn: Connection, rows: list[ValidRow], ctx: Context) -> dict[int, tuple[str, str]]:
    """Rows whose person is already in the talents library (as far as the caller can see)."""
    hashes = sorted({r.values["id_hash"] for r in rows})
    found = {bytes(h): int(t) for h, t in conn.execute(q.VISIBLE_TALENTS_BY_HASH, {"hashes": hashes})}
    return {
        r.row: ("id_number", f"此人已在人才库中（人才编号 {found[r.values['id_hash']]}）")
        for r in rows
        if r.values["id_hash"] in found
    }


def write(conn: Connection, rows: list[ValidRow], ctx: Context) -> WriteOutcome:
    """Each person once (their first row, ID and phone encrypted), then every row's project; COPY + INSERT."""
    if not rows:
        return WriteOutcome(0)
    cipher = ctx.personal_cipher()
    first: dict[bytes, ValidRow] = {}
    for r in rows:
        first.setdefault(r.values["id_hash"], r)
    people = list(first.values())
    talents = [r.values["talent"] for r in people]
    id_cipher = cipher.encrypt_many([t.id_number for t in talents])
    phone_cipher = cipher.encrypt_many([t.phone for t in talents])
    staged = (
        (
            r.row,
            r.values["id_hash"],
            idc,
            phc,
            t.kind,
            t.name,
            r.values["sex"],
            r.values["birth_date"],
            t.village_code,
            t.education,
            t.title,
            list(t.skills),
            list(t.certificates),
            t.industry,
            t.returned_on,
            t.returned_from,
        )
        for r, t, idc, phc in zip(people, talents, id_cipher, phone_cipher, strict=True)
    )
    stage(conn, q.DROP_STAGE_TALENTS, q.STAGE_TALENTS, "intake_talents", TALENT_STAGE, staged)
    projects = (
        (
            r.row,
            r.values["id_hash"],
            p.name,
            p.industry,
            p.stage,
            p.investment_wan,
            p.jobs_created,
            list(p.needs),
            p.park_code,
            p.description,
        )
        for r in rows
        for p in (r.values["project"],)
        if p is not None
    )
    stage(
        conn,
        q.DROP_STAGE_TALENT_PROJECTS,
        q.STAGE_TALENT_PROJECTS,
        "intake_talent_projects",
        PROJECT_STAGE,
        projects,
    )
    inserted = {bytes(h) for h in conn.execute(q.INSERT_TALENTS).scalars()}
    conn.execute(q.INSERT_TALENT_PROJECTS, {"hashes": sorted(inserted)})
    refused = {
        r.row: ("id_number", "此身份证号已在其他地区的人才库登记，不能重复导入")
        for r in rows
        if r.values["id_hash"] not in inserted
    }
    return WriteOutcome(len(rows) - len(refused), refused)


SPEC = TableSpec(
    name="talents",
    title="创新创业人才库 · 人才与项目",
    sheet="人才",
    fields=FIELDS,
    check_row=check,
    write=write,
    prepare=prepare,
    duplicate_key=lambda v: (v.get("id_hash"), v.get("project_name")),
    duplicate_field="id_number",
    duplicate_what="同一身份证号的同一项目",
    existing=existing,
    roles=TALENT_WRITERS,
    who="人才库只能由县、乡镇、村工作人员维护（县管理员、乡镇工作人员、村级采集员）",
    instructions=(
        "每行一名人才，第 1 行为表头，请勿改动列名；带 * 的列必填。",
        "有创业项目的，在同一行填写项目名称、阶段等；一人有多个项目时每个项目一行，身份证号相同，"
        "人员信息以第一行为准。",
        "返乡创业人员须填写返乡日期；出生日期、性别由身份证号得出。",
        "村/社区只能选您管辖范围内的；身份证号和手机号只以加密形式保存。",
    ),
)
