"""`hongyan registry policies load|search`: the policies library from the command line (as the database owner)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from api.cli.common import connected_engine, console, get_settings, reports_errors
from geo.core.migrate import upgrade
from registry.policies.load import load_policies
from registry.policies.store import search_policies

policies_app = typer.Typer(
    help="政策库 Employment policies: load a file, search in Chinese.", no_args_is_help=True
)


@policies_app.command("load")
@reports_errors
def load(ctx: typer.Context, file: Path = typer.Argument(..., help="政策文件 .json or .xlsx")) -> None:
    """导入政策 Load policies from a .json or .xlsx file (one transaction; the same code replaces a policy)."""
    with connected_engine(get_settings(ctx)) as engine:
        upgrade(engine)
        with engine.begin() as conn:
            report = load_policies(conn, file)
    console.print(f"政策已导入 policies loaded from {file}: {report.created} new, {report.updated} replaced")


@policies_app.command("search")
@reports_errors
def search(
    ctx: typer.Context,
    query: str = typer.Argument("", help="检索词 search text, e.g. 创业贷款"),
    category: str | None = typer.Option(None, help="类别 category, e.g. 社保补贴"),
    limit: int = typer.Option(20, help="最多几条 at most this many"),
) -> None:
    """检索政策 Search the policies: every word must match, best first."""
    with connected_engine(get_settings(ctx)) as engine, engine.connect() as conn:
        hits = search_policies(conn, query, category=category, limit=limit)
    table = Table(title=f"政策检索 “{query}” · {len(hits)}")
    for column in ("id", "类别 category", "标题 title", "额度 amount"):
        table.add_column(column)
    for hit in hits:
        p = hit.policy
        table.add_row(str(p.policy_id), p.category, p.title, p.amount)
    console.print(table)
