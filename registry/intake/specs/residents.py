"""人力资源供给库 residents: one row per person; birth date and sex come from the ID number."""

from __future__ import annotations

from sqlalchemy import Connection

from registry.intake import fields as fp
from registry.intake import queries as q
from registry.intake.context import Context
from registry.intake.spec import Field, RowIssue, TableSpec, ValidRow, Values, WriteOutcome
from registry.intake.specs.common import LOCATION_FIELDS, ewkb, locate, stage, village_field
from registry.personal import validate_id_number
from registry.records.workflow import import_step

MIN_AGE, MAX_AGE = 16, 65
STATUS_LABELS = {
    "本地就业": "employed_local",
    "外出务工": "working_away",
    "务农": "farming",
    "求职": "seeking",
    "在校": "student",
    "非劳动力": "not_in_labour_force",
}
EDUCATION = ("小学及以下", "初中", "高中/中专", "大专", "本科及以上")
INCOME_LABELS = {
    "无收入": "none",
    "3000元以下": "<3000",
    "3000-4999元": "3000-4999",
    "5000-7999元": "5000-7999",
    "8000元及以上": "8000+",
}
STAGE_COLUMNS = (
    "src_row",
    "id_hash",
    "id_cipher",
    "phone_cipher",
    "name",
    "sex",
    "birth_date",
    "village_code",
    "area_code",
    "education",
    "status",
    "occupation_code",
    "work_city",
    "wish_to_return",
    "income_band",
    "location_source",
    "geom",
)

FIELDS = (
    Field("name", "姓名", fp.text_field(50), required=True, width=10, example="张三"),
    Field(
        "id_number",
        "身份证号",
        fp.id_number,
        required=True,
        as_text=True,
        width=22,
        note="18 位，末位可为 X；出生日期、性别由号码得出，年龄须在 16–65 岁",
        example="341522198805120011",
    ),
    Field("phone", "手机号", fp.phone, as_text=True, width=14, note="11 位手机号", example="13912345678"),
    village_field(),
    Field(
        "status",
        "就业状态",
        fp.choice(STATUS_LABELS),
        required=True,
        choices=tuple(STATUS_LABELS),
        width=12,
        example="外出务工",
    ),
    Field(
        "education",
        "学历",
        fp.choice({e: e for e in EDUCATION}),
        choices=EDUCATION,
        width=12,
        example="高中/中专",
    ),
    Field(
        "occupation_code",
        "职业代码",
        fp.occupation,
        lookup="occupations",
        width=30,
        note="《职业分类大典》代码，可从下拉列表选择",
        example="6-29-01-01",
    ),
    Field("work_city", "务工城市", fp.text_field(50), width=12, note="外出务工者填写", example="苏州"),
    Field(
        "wish_to_return", "有意返乡", fp.yes_no, choices=fp.YES, width=10, note="是/否，默认否", example="是"
    ),
    Field(
        "income_band",
        "月收入",
        fp.choice(INCOME_LABELS),
        choices=tuple(INCOME_LABELS),
        width=14,
        example="5000-7999元",
    ),
    *LOCATION_FIELDS,
)


def check(values: Values, ctx: Context) -> list[RowIssue]:
    """Birth date and sex from the ID number, age 16–65, location; the keyed hash for duplicates."""
    born, sex = validate_id_number(values["id_number"])
    today = ctx.today
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    issues = []
    if not MIN_AGE <= age <= MAX_AGE:
        issues.append(
            RowIssue(
                "id_number", f"年龄 {age} 岁，不在 {MIN_AGE}–{MAX_AGE} 岁之间（出生日期 {born.isoformat()}）"
            )
        )
    values.update(birth_date=born, sex=sex, id_hash=ctx.personal_cipher().keyed_hash(values["id_number"]))
    return issues + locate(values, ctx)


def existing(conn: Connection, rows: list[ValidRow], ctx: Context) -> dict[int, tuple[str, str]]:
    """Rows whose person is already in the database (as far as the caller can see)."""
    by_hash = {r.values["id_hash"]: r.row for r in rows}
    found = conn.execute(q.VISIBLE_RESIDENTS_BY_HASH, {"hashes": list(by_hash)}).all()
    return {by_hash[bytes(h)]: ("id_number", f"此人已在库中（居民编号 {rid}）") for h, rid in found}


def write(conn: Connection, rows: list[ValidRow], ctx: Context) -> WriteOutcome:
    """Encrypt ID numbers and phones, COPY into staging, insert; rows the unique hash refuses are returned."""
    if not rows:
        return WriteOutcome(0)
    vals = [r.values for r in rows]
    id_cipher = ctx.personal_cipher().encrypt_many([v["id_number"] for v in vals])
    phone_cipher = ctx.personal_cipher().encrypt_many([v["phone"] for v in vals])
    geoms = ewkb(vals)
    staged = (
        (
            r.row,
            v["id_hash"],
            idc,
            phc,
            v["name"],
            v["sex"],
            v["birth_date"],
            v["village_code"],
            v["village_code"],
            v["education"] or "",
            v["status"],
            v["occupation_code"],
            v["work_city"],
            bool(v["wish_to_return"]),
            v["income_band"] or "",
            v.get("location_source", "gps"),
            g,
        )
        for r, v, idc, phc, g in zip(rows, vals, id_cipher, phone_cipher, geoms, strict=True)
    )
    stage(conn, q.DROP_STAGE_RESIDENTS, q.STAGE_RESIDENTS, "intake_residents", STAGE_COLUMNS, staged)
    # what the import means in the review workflow: the importer's level's step (a village's file is submitted)
    step = import_step("residents", ctx.scope)
    params = {"record_status": step.to_status, "action": step.action, "level": step.level}
    inserted = {bytes(h) for h in conn.execute(q.INSERT_RESIDENTS, params).scalars()}
    refused = {
        r.row: ("id_number", "此身份证号已在其他地区登记，不能重复导入")
        for r in rows
        if r.values["id_hash"] not in inserted
    }
    return WriteOutcome(len(inserted), refused)


SPEC = TableSpec(
    name="residents",
    title="人力资源供给库 · 居民",
    sheet="居民",
    fields=FIELDS,
    check_row=check,
    write=write,
    duplicate_key=lambda v: v.get("id_hash"),
    duplicate_field="id_number",
    duplicate_what="同一身份证号",
    existing=existing,
    instructions=(
        "每行一人，第 1 行为表头，请勿改动列名；带 * 的列必填。",
        "身份证号、手机号请按文本填写（本模板已设为文本格式），不要用公式。",
        "出生日期和性别由身份证号自动得出；年龄须在 16–65 岁之间。",
        "村/社区只能选您管辖范围内的；经纬度可不填（用村/社区驻地），手机定位请选坐标系 GCJ-02。",
        "身份证号和手机号只以加密形式保存。",
    ),
)
