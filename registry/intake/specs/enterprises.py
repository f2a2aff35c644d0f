"""企业用工需求库 enterprises and their sites: one row per site; the first row of a credit code names the firm."""

from __future__ import annotations

from sqlalchemy import Connection

from registry.intake import fields as fp
from registry.intake import queries as q
from registry.intake.context import Context
from registry.intake.history import Moved, record_import_steps
from registry.intake.spec import Field, RowIssue, TableSpec, ValidRow, Values, WriteOutcome
from registry.intake.specs.common import LOCATION_FIELDS, ewkb, locate, stage, village_field
from registry.records.enterprises import take_import_step
from registry.records.workflow import import_step

STAGE_COLUMNS = (
    "src_row",
    "credit_code",
    "name",
    "industry",
    "kind",
    "employees",
    "area_code",
    "site_name",
    "site_area",
    "geom",
)

FIELDS = (
    Field(
        "credit_code",
        "统一社会信用代码",
        fp.credit_code,
        required=True,
        as_text=True,
        width=22,
        note="18 位；同一企业有多个场所时每个场所一行，企业信息以第一行为准",
        example="91341522MA2N0000XX",
    ),
    Field("name", "企业名称", fp.text_field(100), required=True, width=24, example="霍邱县某某服装有限公司"),
    Field("industry", "行业", fp.text_field(50), width=14, example="纺织服装"),
    Field("kind", "企业类型", fp.text_field(30), width=12, example="有限责任公司"),
    Field("employees", "职工人数", fp.integer(0, 1_000_000), width=10, example="120"),
    Field("site_name", "场所名称", fp.text_field(100), width=20, note="不填则用企业名称", example="城关厂区"),
    village_field(note="场所所在村/社区，12 位代码，可从下拉列表选择"),
    *LOCATION_FIELDS,
)


def check(values: Values, ctx: Context) -> list[RowIssue]:
    """The site's location; the site name defaults to the firm's."""
    values["site_name"] = values["site_name"] or values["name"]
    return locate(values, ctx)


def existing(conn: Connection, rows: list[ValidRow], ctx: Context) -> dict[int, tuple[str, str]]:
    """Rows whose enterprise (credit code) is already in the database, as far as the caller can see."""
    codes = sorted({r.values["credit_code"] for r in rows})
    found = {str(c): int(i) for c, i in conn.execute(q.VISIBLE_ENTERPRISES_BY_CODE, {"codes": codes})}
    return {
        r.row: ("credit_code", f"企业已在库中（企业编号 {found[r.values['credit_code']]}）")
        for r in rows
        if r.values["credit_code"] in found
    }


def write(conn: Connection, rows: list[ValidRow], ctx: Context) -> WriteOutcome:
    """Stage the rows, insert each enterprise once (area = its first site's village), then every site; the new
    enterprises enter the review workflow at the importer's level (public only once the county approved)."""
    if not rows:
        return WriteOutcome(0)
    first: dict[str, Values] = {}
    for r in rows:
        first.setdefault(r.values["credit_code"], r.values)
    staged = (
        (
            r.row,
            v["credit_code"],
            f["name"],
            f["industry"] or "",
            f["kind"] or "",
            f["employees"] or 0,
            f["village_code"],
            v["site_name"],
            v["village_code"],
            g,
        )
        for r, v, g in zip(rows, (r.values for r in rows), ewkb(r.values for r in rows), strict=True)
        for f in (first[v["credit_code"]],)
    )
    stage(conn, q.DROP_STAGE_ENTERPRISES, q.STAGE_ENTERPRISES, "intake_enterprises", STAGE_COLUMNS, staged)
    created = conn.execute(q.INSERT_ENTERPRISES).all()
    inserted = {str(r.credit_code) for r in created}
    written = conn.execute(q.INSERT_SITES, {"codes": sorted(inserted)}).rowcount
    step = import_step("enterprises", ctx.scope)
    take_import_step(conn, [int(r.enterprise_id) for r in created], step)
    moved = [Moved(int(r.enterprise_id), str(r.area_code), int(r.enterprise_id), "draft") for r in created]
    record_import_steps(conn, "enterprises", step, moved)
    refused = {
        r.row: ("credit_code", "此统一社会信用代码已在其他地区登记，不能重复导入")
        for r in rows
        if r.values["credit_code"] not in inserted
    }
    return WriteOutcome(written, refused)


SPEC = TableSpec(
    name="enterprises",
    title="企业用工需求库 · 企业与场所",
    sheet="企业",
    fields=FIELDS,
    check_row=check,
    write=write,
    duplicate_key=lambda v: (v.get("credit_code"), v.get("site_name")),
    duplicate_field="site_name",
    duplicate_what="同一企业的同名场所",
    existing=existing,
    instructions=(
        "每行一个经营场所，第 1 行为表头，请勿改动列名；带 * 的列必填。",
        "同一企业有多个场所时每个场所一行，统一社会信用代码相同，企业信息以第一行为准。",
        "经纬度可不填（用村/社区驻地）；手机、高德地图取的坐标请选 GCJ-02。",
        "导入的企业按导入人的层级进入审核：村级导入为待乡镇审核，乡镇导入为乡镇已审核、待县级审核，"
        "县级导入为已审核；县级审核通过后企业才在地图和查询中公开。",
    ),
)
