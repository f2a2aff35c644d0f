"""企业用工需求库 vacancies: one row per vacancy of an enterprise already in the database (by credit code)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from registry.intake import fields as fp
from registry.intake import queries as q
from registry.intake.context import Context
from registry.intake.spec import Field, RowIssue, TableSpec, ValidRow, Values, WriteOutcome, register
from registry.intake.specs.common import stage

STAGE_COLUMNS = ("src_row", "enterprise_id", "site_id", "title", "occupation_code", "positions", "wage_min",
                 "wage_max", "full_time", "valid_until", "area_code")  # fmt: skip

FIELDS = (
    Field("credit_code", "统一社会信用代码", fp.credit_code, required=True, as_text=True, width=22,
          note="企业须已在库中且在您的管辖范围内", example="91341522MA2N0000XX"),
    Field("site_name", "场所名称", fp.text_field(100), width=20, note="不填则为企业的第一个场所", example="城关厂区"),
    Field("title", "岗位名称", fp.text_field(100), required=True, width=18, example="缝纫工"),
    Field("occupation_code", "职业代码", fp.occupation, required=True, lookup="occupations", width=30,
          note="《职业分类大典》代码，可从下拉列表选择", example="6-05-01-01"),
    Field("positions", "招聘人数", fp.integer(1, 10_000), required=True, width=10, example="5"),
    Field("wage_min", "最低月薪", fp.integer(0, 1_000_000), width=10, example="3500"),
    Field("wage_max", "最高月薪", fp.integer(0, 1_000_000), width=10, example="6000"),
    Field("full_time", "全职", fp.yes_no, choices=fp.YES, width=8, note="是/否，默认是", example="是"),
    Field("valid_until", "有效期至", fp.a_date, width=12, note="如 2026-12-31", example="2026-12-31"),
)  # fmt: skip


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


def write(conn: Connection, rows: list[ValidRow], ctx: Context) -> WriteOutcome:
    """Stage and insert the vacancies (open at once)."""
    if not rows:
        return WriteOutcome(0)
    staged = (
        (r.row, v["enterprise_id"], v["site_id"], v["title"], v["occupation_code"], v["positions"], v["wage_min"],
         v["wage_max"], True if v["full_time"] is None else v["full_time"], v["valid_until"], v["area_code"])
        for r in rows for v in (r.values,)
    )  # fmt: skip
    stage(conn, q.DROP_STAGE_VACANCIES, q.STAGE_VACANCIES, "intake_vacancies", STAGE_COLUMNS, staged)
    return WriteOutcome(conn.execute(q.INSERT_VACANCIES).rowcount)


SPEC = register(
    TableSpec(
        name="vacancies",
        title="企业用工需求库 · 岗位",
        sheet="岗位",
        fields=FIELDS,
        check_row=check,
        write=write,
        prepare=prepare,
        instructions=(
            "每行一个岗位，第 1 行为表头，请勿改动列名；带 * 的列必填。",
            "企业须已导入（按统一社会信用代码查找），且场所在您的管辖范围内。",
            "导入的岗位立即开放招聘。",
        ),
    )
)
