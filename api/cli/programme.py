"""`hongyan programme`: venues, the year's "2+N" fair calendar, targets, the county's task list, reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from geo.core.errors import InvalidInput
from programme.dashboard import Targets, set_targets
from programme.fairs import NewVenue, create_venue, list_venues, schedule_year
from programme.report_data import gather
from programme.report_html import programme_report, supervision_report
from programme.report_xlsx import programme_workbook, supervision_workbook
from programme.tasks import list_tasks, seed_plan_tasks

programme_app = typer.Typer(
    help="鸿雁回归工程 The programme: fairs “2+N”, targets, the county's task list, reports.",
    no_args_is_help=True,
)
fairs_app = typer.Typer(help="招聘会 Recruitment fairs.", no_args_is_help=True)
venues_app = typer.Typer(help="招聘会场地 Fair venues.", no_args_is_help=True)
targets_app = typer.Typer(help="年度目标 The year's targets.", no_args_is_help=True)
tasks_app = typer.Typer(help="任务清单 The county's task list (附件2).", no_args_is_help=True)
programme_app.add_typer(fairs_app, name="fairs")
programme_app.add_typer(venues_app, name="venues")
programme_app.add_typer(targets_app, name="targets")
programme_app.add_typer(tasks_app, name="tasks")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"日期格式应为 YYYY-MM-DD，得到 {value!r} (a date is YYYY-MM-DD)", field=option
        ) from None


def _write(out: Path, content: bytes) -> None:
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"无法写入 cannot write {out}: {exc.strerror}", field="--out") from exc
    console.print(f"wrote {out} ({len(content) / 1024:,.0f} kB)")


@venues_app.command("add")
@reports_errors
def venues_add(
    ctx: typer.Context,
    name: str = typer.Option(..., help="场地名称 venue name"),
    lon: float = typer.Option(..., help="经度 longitude (WGS84)"),
    lat: float = typer.Option(..., help="纬度 latitude (WGS84)"),
    address: str = typer.Option("", help="地址 address"),
    capacity: int = typer.Option(0, help="展位数 booths"),
) -> None:
    """新建场地 Add a venue (its area is the village or township its point falls in)."""
    with connected_engine(get_settings(ctx)) as engine, engine.begin() as conn:
        venue = create_venue(conn, NewVenue(name, lon, lat, address, capacity))
    console.print(f"venue {venue['venue_id']} {venue['name']} in area {venue['area_code']}")


@fairs_app.command("generate")
@reports_errors
def fairs_generate(
    ctx: typer.Context,
    year: int = typer.Option(..., help="年份 year"),
    venue: str | None = typer.Option(None, help="常规招聘会场地（名称或 id）default: the first venue"),
    special_venue: list[str] = typer.Option([], "--special-venue", help="专场场地（可多次）"),
    skip: list[str] = typer.Option([], "--skip", help="跳过的节假日 YYYY-MM-DD (repeatable)"),
    today: str | None = typer.Option(None, help="今天 (days before it are not scheduled), default today"),
) -> None:
    """生成全年日程 Schedule every Wednesday (招工) and Saturday (招才) and the N special fairs."""
    with connected_engine(get_settings(ctx)) as engine, engine.begin() as conn:
        venues = list_venues(conn)
        if not venues:
            raise InvalidInput(
                "还没有招聘会场地：先运行 hongyan programme venues add (no venue yet)", field="--venue"
            )

        def pick(ref: str) -> int:
            for v in venues:
                if ref in (str(v["venue_id"]), v["name"]):
                    return int(v["venue_id"])
            raise InvalidInput(f"没有场地 {ref!r} (no such venue: use its name or id)", field="--venue")

        main = pick(venue) if venue else int(venues[0]["venue_id"])
        done = schedule_year(
            conn,
            year,
            venue_id=main,
            special_venue_ids=[pick(v) for v in special_venue],
            skip=[_day(s, "--skip") for s in skip],
            today=_day(today, "--today") if today else date.today(),
        )
    console.print(
        f"{year}: {done.created} fairs scheduled, {done.existing} already there, {done.past} days past"
    )


@targets_app.command("set")
@reports_errors
def targets_set(
    ctx: typer.Context,
    year: int = typer.Option(..., help="年份 year"),
    new_jobs: int = typer.Option(..., "--new-jobs", help="年新增就业（人）"),
    fairs: int = typer.Option(..., "--fairs", help="招聘会（场）"),
    intentions: int = typer.Option(..., "--intentions", help="达成就业意向（人）"),
    area: str = typer.Option("341522000000", help="区域代码 county (default) or a township"),
) -> None:
    """设定年度目标 Set the year's targets (none may be below zero)."""
    with connected_engine(get_settings(ctx)) as engine, engine.begin() as conn:
        set_targets(conn, None, Targets(year, new_jobs, fairs, intentions, area))
    console.print(f"{year} targets for {area}: new jobs {new_jobs}, fairs {fairs}, intentions {intentions}")


@tasks_app.command("seed")
@reports_errors
def tasks_seed(
    ctx: typer.Context, year: int = typer.Option(..., help="年份 the year the continuing tasks run")
) -> None:
    """载入方案任务 Store the plan's eleven tasks (those already there are kept)."""
    with connected_engine(get_settings(ctx)) as engine, engine.begin() as conn:
        created = seed_plan_tasks(conn, year)
    console.print(f"{created} tasks added")


@tasks_app.command("list")
@reports_errors
def tasks_list(
    ctx: typer.Context,
    overdue: bool = typer.Option(False, "--overdue", help="只看逾期 overdue only"),
    on: str | None = typer.Option(None, "--on", help="对照日期 YYYY-MM-DD, default today"),
) -> None:
    """任务清单 The county's tasks, overdue first."""
    day = _day(on, "--on") if on else date.today()
    with connected_engine(get_settings(ctx)) as engine, engine.connect() as conn:
        rows = list_tasks(conn, on=day, overdue_only=overdue)
    for t in rows:
        flag = f"  逾期 {t['days_overdue']} 天 OVERDUE" if t["overdue"] else ""
        console.print(
            f"{t['seq']:>2}. {t['title']}  牵头 {t['lead_unit']}  时限 {t['deadline']}  {t['status_zh']}{flag}"
        )
    console.print(f"{len(rows)} tasks, {sum(t['overdue'] for t in rows)} overdue on {day.isoformat()}")


@tasks_app.command("report")
@reports_errors
def tasks_report(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="督查通报 .html or .xlsx"),
    on: str | None = typer.Option(None, "--on", help="通报日期 YYYY-MM-DD, default today"),
) -> None:
    """督查通报 The leading group's supervision report, overdue tasks first."""
    day = _day(on, "--on") if on else date.today()
    if out.suffix not in (".html", ".xlsx"):
        raise InvalidInput(
            f"输出文件应为 .html 或 .xlsx，得到 {out.name} (write .html or .xlsx)", field="--out"
        )
    with connected_engine(get_settings(ctx)) as engine, engine.connect() as conn:
        rows = list_tasks(conn, on=day)
    _write(
        out,
        supervision_report(rows, on=day).encode()
        if out.suffix == ".html"
        else supervision_workbook(rows, on=day),
    )


@programme_app.command("report")
@reports_errors
def report(
    ctx: typer.Context,
    year: int = typer.Option(..., help="年份 year"),
    out: Path = typer.Option(..., "--out", help="报告文件 report.html (printable) or report.xlsx"),
    on: str | None = typer.Option(None, "--on", help="统计截止日期 YYYY-MM-DD, default today"),
) -> None:
    """年度进展报告 Targets vs actuals with forecast, townships, tasks and fairs, as HTML or Excel."""
    day = _day(on, "--on") if on else date.today()
    if out.suffix not in (".html", ".xlsx"):
        raise InvalidInput(
            f"输出文件应为 .html 或 .xlsx，得到 {out.name} (write .html or .xlsx)", field="--out"
        )
    with connected_engine(get_settings(ctx)) as engine, engine.connect() as conn:
        data = gather(conn, year, on=day)
    _write(out, programme_report(data).encode() if out.suffix == ".html" else programme_workbook(data))
