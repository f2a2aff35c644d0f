"""企业用工需求库 vacancies: one row per vacancy of an enterprise already in the database (by credit code)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from registry.intake import fields as fp
from registry.intake import queries as q
from registry.intake.context import Context
from registry.intake.history import Changed, Moved, record_import_changes, record_import_steps
from registry.intake.spec import Field, RowIssue, TableSpec, ValidRow, Values, WriteOutcome
from registry.intake.specs.common import stage
from registry.records.history import diff
from registry.records.vacancies import import_step_for
from registry.records.workflow import import_step

STAGE_COLUMNS = (
    "src_row",
    "vacancy_id",
    "enterprise_id",
    "site_id",
    "title",
    "occupation_code",
    "positions",
    "wage_min",
    "wage_max",
    "full_time",
    "valid_until",
    "area_code",
    "status",
)
# what a re-imported row may change in the vacancy it names (the enterprise, site and title are its key)
TRACKED = ("occupation_code", "positions", "wage_min", "wage_max", "full_time", "valid_until")
# how far along the review a state is: an unchanged row moves its vacancy forward, never back
PROGRESS = {"draft": 0, "returned": 0, "submitted": 1, "open": 2}

FIELDS = (
    Field(
        "credit_code",
        "统一社会信用代码",
        fp.credit_code,
        required=True,
        as_text=True,
        width=22,
        note="企业须已在库中且在您的管辖范围内",
        example="91341522MA2N0000XX",
    ),
    Field(
        "site_name",
        "场所名称",
        fp.text_field(100),
        width=20,
        note="不填则为企业的第一个场所",
        example="城关厂区",
    ),
    Field(
        "title",
        "岗位名称",
        fp.text_field(100),
        required=True,
        width=18,
        example="缝纫工",
        note="同一企业、同一场所的同名岗位即同一岗位：再次导入时更新它，不会重复新增",
    ),
    Field(
        "occupation_code",
        "职业代码",
        fp.occupation,
        required=True,
        lookup="occupations",
        width=30,
        note="《职业分类大典》代码，可从下拉列表选择",
        example="6-05-01-01",
    ),
    Field("positions", "招聘人数", fp.integer(1, 10_000), required=True, width=10, example="5"),
    Field("wage_min", "最低月薪", fp.integer(0, 1_000_000), width=10, example="3500"),
    Field("wage_max", "最高月薪", fp.integer(0, 1_000_000), width=10, example="6000"),
    Field("full_time", "全职", fp.yes_no, choices=fp.YES, width=8, note="是/否，默认是", example="是"),
    Field("valid_until", "有效期至", fp.a_date, width=12, note="如 2026-12-31", example="2026-12-31"),
)


@dataclass(frozen=True)
class Site:
    """A site of an enterprise the caller may post for."""

    enterprise_id: int
    site_id: int
    name: str
    area_code: str


def prepare(conn: Connection, ctx: Context) -> None:
    """Load the sites (by credit code) of the enterprises in the caller's area."""
    sites: dict[str, list[Site]] = {}
    for r in conn.execute(q.VISIBLE_SITES, {"scope": ctx.scope}):
        sites.setdefault(r.credit_code, []).append(Site(r.enterprise_id, r.site_id, r.name, r.area_code))
    ctx.extra["sites"] = sites


def check(values: Values, ctx: Context) -> list[RowIssue]:
    """The enterprise and site exist in scope, wages in order, not already expired."""
    code = values["credit_code"]
    sites: list[Site] = ctx.extra["sites"].get(code, [])
    if not sites:
        return [
            RowIssue(
                "credit_code", f"统一社会信用代码 {code} 的企业不在库中或不在您的管辖范围内：请先导入企业"
            )
        ]
    site = (
        sites[0]
        if not values["site_name"]
        else next((s for s in sites if s.name == values["site_name"]), None)
    )
    if site is None:
        names = "、".join(f"「{s.name}」" for s in sites)
        return [RowIssue("site_name", f"该企业没有名为「{values['site_name']}」的场所，已有：{names}")]
    issues = []
    if (
        values["wage_min"] is not None
        and values["wage_max"] is not None
        and values["wage_max"] < values["wage_min"]
    ):
        issues.append(
            RowIssue("wage_max", f"最高月薪 {values['wage_max']} 低于最低月薪 {values['wage_min']}")
        )
    if values["valid_until"] is not None and values["valid_until"] < ctx.today:
        issues.append(RowIssue("valid_until", f"有效期 {values['valid_until'].isoformat()} 已过"))
    values.update(enterprise_id=site.enterprise_id, site_id=site.site_id, area_code=site.area_code)
    return issues


def _staged(r: ValidRow, vacancy_id: int | None, status: str) -> tuple[object, ...]:
    v = r.values
    return (
        r.row,
        vacancy_id,
        v["enterprise_id"],
        v["site_id"],
        v["title"],
        v["occupation_code"],
        v["positions"],
        v["wage_min"],
        v["wage_max"],
        v["full_time"],
        v["valid_until"],
        v["area_code"],
        status,
    )


def write(conn: Connection, rows: list[ValidRow], ctx: Context) -> WriteOutcome:
    """Update the vacancy each row names by its key (enterprise, site, title; not closed) or insert a new one.

    Every vacancy takes the importer's review step (a village's file submits, a township's or the county's
    opens) — except those of an enterprise the county has not approved, which stay drafts, as the review API
    refuses to open them. A re-imported row whose values are unchanged leaves its vacancy as it is, unless the
    step takes it further along the review (e.g. a draft that opens once the county approved its enterprise).
    """
    if not rows:
        return WriteOutcome(0)
    for r in rows:
        r.values["full_time"] = True if r.values["full_time"] is None else r.values["full_time"]
    conn.execute(q.LOCK_VACANCY_IMPORT)
    keys = {"site_ids": [r.values["site_id"] for r in rows], "titles": [r.values["title"] for r in rows]}
    found: dict[tuple[int, str], list[Any]] = {}
    for m in conn.execute(q.MATCHING_VACANCIES, keys):
        found.setdefault((int(m.site_id), str(m.title)), []).append(m)
    step = import_step("vacancies", ctx.scope)
    public = {
        e: import_step_for(conn, ctx.scope, e) is not None for e in {r.values["enterprise_id"] for r in rows}
    }
    staged: list[tuple[object, ...]] = []
    refused: dict[int, tuple[str, str]] = {}
    moved: list[Moved] = []
    changes: list[Changed] = []
    unchanged = 0
    for r in rows:
        v = r.values
        target = step.to_status if public[v["enterprise_id"]] else "draft"
        matches = found.get((v["site_id"], v["title"]), [])
        if len(matches) > 1:
            ids = "、".join(str(m.vacancy_id) for m in matches)
            refused[r.row] = (
                "title",
                f"该场所已有 {len(matches)} 个未关闭的同名岗位（岗位编号 {ids}），"
                "无法确定更新哪一个：请先关闭多余的岗位或改用不同的岗位名称",
            )
            continue
        if not matches:
            staged.append(_staged(r, None, target))
            continue
        old = matches[0]
        diffs = diff(old._mapping, v, TRACKED)
        status = target if diffs or PROGRESS[old.status] < PROGRESS[target] else old.status
        if not diffs and status == old.status:
            unchanged += 1
            continue
        staged.append(_staged(r, int(old.vacancy_id), status))
        vid, area, eid = int(old.vacancy_id), str(v["area_code"]), int(v["enterprise_id"])
        if status != old.status:
            diffs.append(("status", old.status, status))
            if status == step.to_status:
                moved.append(Moved(vid, area, eid, str(old.status)))
        changes += [Changed(vid, area, eid, f, a, b) for f, a, b in diffs]
    stage(conn, q.DROP_STAGE_VACANCIES, q.STAGE_VACANCIES, "intake_vacancies", STAGE_COLUMNS, staged)
    written = unchanged + conn.execute(q.UPDATE_VACANCIES).rowcount
    for n in conn.execute(q.INSERT_VACANCIES):
        vid, area, eid = int(n.vacancy_id), str(n.area_code), int(n.enterprise_id)
        changes += [
            Changed(vid, area, eid, "record", None, "created"),
            Changed(vid, area, eid, "status", None, n.status),
        ]
        if n.status == step.to_status:
            moved.append(Moved(vid, area, eid, "draft"))
        written += 1
    record_import_steps(conn, "vacancies", step, moved)
    record_import_changes(conn, "vacancies", changes, on=ctx.today)
    return WriteOutcome(written, refused)


SPEC = TableSpec(
    name="vacancies",
    title="企业用工需求库 · 岗位",
    sheet="岗位",
    fields=FIELDS,
    check_row=check,
    write=write,
    prepare=prepare,
    duplicate_key=lambda v: (v.get("site_id"), v.get("title")),
    duplicate_field="title",
    duplicate_what="同一场所的同名岗位",
    instructions=(
        "每行一个岗位，第 1 行为表头，请勿改动列名；带 * 的列必填。",
        "企业须已导入（按统一社会信用代码查找），且场所在您的管辖范围内。",
        "岗位以「统一社会信用代码＋场所名称＋岗位名称」识别：再次导入同一文件时更新已有岗位（人数、薪资、"
        "有效期等），不会重复新增；已关闭的岗位不再更新，再次导入即为新发布的岗位。",
        "导入的岗位按导入人的层级进入审核：村级导入为待乡镇审核，乡镇、县级导入即开放招聘；"
        "企业尚未通过县级审核的，岗位保存为草稿，企业审核通过后再次导入即开放。",
    ),
)
