"""`hongyan matching related-trades list|set|remove`: the bureau's table of related trades (相关工种)."""

from __future__ import annotations

import typer
from rich.table import Table

from api.cli.common import connected_engine, console, get_settings, reports_errors
from matching.ranking.related import list_related, remove_related, set_related

matching_app = typer.Typer(help="人岗匹配 Person ↔ position matching.", no_args_is_help=True)
related_app = typer.Typer(help="相关工种 Related trades the match scores use.", no_args_is_help=True)
matching_app.add_typer(related_app, name="related-trades")


@related_app.command("list")
@reports_errors
def list_pairs(ctx: typer.Context) -> None:
    """列出相关工种 Every pair with its weight."""
    with connected_engine(get_settings(ctx)) as engine, engine.connect() as conn:
        rows = list_related(conn)
    table = Table(title=f"相关工种 related trades ({len(rows)})")
    for col in ("code_a", "name_a", "code_b", "name_b", "weight", "note", "updated_by"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["code_a"],
            r["name_a"] or "",
            r["code_b"],
            r["name_b"] or "",
            f"{r['weight']:g}",
            r["note"],
            r["updated_by"],
        )
    console.print(table)


@related_app.command("set")
@reports_errors
def set_pair(
    ctx: typer.Context,
    code_a: str = typer.Argument(..., help="工种代码 detail occupation code, e.g. 6-18-02-04"),
    code_b: str = typer.Argument(..., help="相关工种代码 the related code"),
    weight: float = typer.Option(..., help="关联度 0 < weight ≤ 1"),
    note: str = typer.Option("", help="说明 note"),
    by: str = typer.Option("cli", help="修改人 who made the change"),
) -> None:
    """设置相关工种 Add or change a pair."""
    with connected_engine(get_settings(ctx)) as engine, engine.begin() as conn:
        row = set_related(conn, code_a, code_b, weight=weight, note=note, updated_by=by)
    console.print(f"related trades {row['code_a']} ~ {row['code_b']}: weight {row['weight']:g}")


@related_app.command("remove")
@reports_errors
def remove_pair(
    ctx: typer.Context,
    code_a: str = typer.Argument(..., help="工种代码 code"),
    code_b: str = typer.Argument(..., help="相关工种代码 related code"),
) -> None:
    """删除相关工种 Remove a pair."""
    with connected_engine(get_settings(ctx)) as engine, engine.begin() as conn:
        remove_related(conn, code_a, code_b)
    console.print(f"removed {code_a} ~ {code_b}")
