"""`hongyan registry template|import`: spreadsheet templates and imports as the operator (superuser engine).

The operator states the area the file belongs to with --as-area; villages outside it are refused exactly as
the API refuses them for a scoped account.
"""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import (
    connected_engine,
    console,
    err_console,
    get_settings,
    reports_errors,
    write_private,
)
from api.cli.policies import policies_app
from geo.core.scope import scope_prefix
from registry.intake.limits import WorkbookLimits
from registry.intake.read import check_size
from registry.intake.service import MODES, import_file, template_for
from registry.personal import PersonalDataCipher

registry_app = typer.Typer(
    help="登记库 The registry: spreadsheet templates and imports, the policies library.", no_args_is_help=True
)
registry_app.add_typer(policies_app, name="policies")
DATABASE_HELP = "库 residents（人力资源供给库）, talents（人才库）, enterprises（企业与场所）, vacancies（岗位）or policies（政策库）"


@registry_app.command("template")
@reports_errors
def template(
    ctx: typer.Context,
    database: str = typer.Argument(..., help=DATABASE_HELP),
    out: Path = typer.Option(..., "--out", help="输出 .xlsx"),
    as_area: str | None = typer.Option(None, "--as-area", help="地区代码: villages offered in the drop-down"),
) -> None:
    """下载模板 Write the import template (.xlsx: headers, 说明 sheet, drop-downs) of a database."""
    settings = get_settings(ctx)
    scope = scope_prefix(as_area or settings.county_code)
    with connected_engine(settings) as engine, engine.connect() as conn:
        data = template_for(conn, database, scope=scope)
    out.write_bytes(data)
    console.print(f"模板已写入 template written: {out}")


@registry_app.command("import")
@reports_errors
def import_command(
    ctx: typer.Context,
    database: str = typer.Argument(..., help=DATABASE_HELP),
    path: Path = typer.Argument(..., help=".xlsx or .csv", exists=True, dir_okay=False),
    mode: str = typer.Option("all_or_nothing", help=f"模式 {' or '.join(MODES)}"),
    as_area: str | None = typer.Option(None, "--as-area", help="地区代码 the area the file belongs to"),
    encoding: str = typer.Option("auto", help="CSV 编码 auto, utf-8 or gbk"),
    datum: str = typer.Option("wgs84", help="坐标系 default for rows without one: wgs84, gcj02, bd09"),
) -> None:
    """导入 Import a filled template in one transaction; rejected rows go to <file>.错误.xlsx next to it."""
    settings = get_settings(ctx)
    scope = scope_prefix(as_area or settings.county_code)
    check_size(path.stat().st_size, max_mb=settings.max_upload_mb, source=str(path))
    with connected_engine(settings) as engine, engine.begin() as conn:
        report = import_file(
            conn,
            database,
            path.read_bytes(),
            source=path.name,
            mode=mode,
            scope=scope,
            cipher=PersonalDataCipher(settings.secret_key),
            max_upload_mb=settings.max_upload_mb,
            encoding=encoding,
            datum=datum,
            limits=WorkbookLimits.from_settings(settings),
            timeout_s=settings.import_timeout_s,
        )
    console.print(report.summary)
    if report.error_workbook is None:
        return
    book = path.with_name(f"{path.stem}.错误.xlsx")
    write_private(book, report.error_workbook, option="path")  # rows with full ID numbers
    for e in report.errors[:20]:
        err_console.print(e.text)
    if len(report.errors) > 20:
        err_console.print(f"…… 另有 {len(report.errors) - 20} 处错误")
    err_console.print(f"错误清单 error workbook: {book}")
    raise typer.Exit(code=1)
