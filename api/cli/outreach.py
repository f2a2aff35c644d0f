"""`hongyan outreach flows|list` and `hongyan parks list`: the programme's tables for the outreach teams.

Runs as the database owner (county-wide, not RLS-bound) like the other administrative commands; lists are
masked unless --unmasked is given. Every list is audited (the OS user, the file) and its file is 0600.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from api.cli.common import connected_engine, console, get_settings, reports_errors, write_private
from geo.core.errors import InvalidInput
from programme.outreach.export import workbook_bytes
from programme.outreach.flows import aggregate_flows
from programme.outreach.targets import Disclosure, TargetQuery, targeted_list
from programme.parks.store import list_parks, park_stats
from registry.accounts.audit import audit_operator
from registry.personal import PersonalDataCipher

outreach_app = typer.Typer(
    help="鸿雁回归 Outreach: people working away, targeted lists.", no_args_is_help=True
)
parks_app = typer.Typer(help="园区 Parks and incubators: capacity and occupancy.", no_args_is_help=True)


@outreach_app.command("flows")
@reports_errors
def flows(
    ctx: typer.Context,
    trade: str | None = typer.Option(None, help="职业代码 occupation code prefix, e.g. 6-04"),
    wish_to_return: bool = typer.Option(
        False, "--wish-to-return", help="只看有返乡意愿的 only those wishing to return"
    ),
    trades: int = typer.Option(3, help="每个城市列出的职业数 trades shown per city"),
) -> None:
    """外出务工流向 People working away by destination city (and their largest trades)."""
    settings = get_settings(ctx)
    with connected_engine(settings) as engine, engine.connect() as conn:
        data = aggregate_flows(conn, trade=trade, wish_only=wish_to_return)
    table = Table(title=f"外出务工流向 flows to {data['home']['name']} (total {data['total']})")
    for col in ("city", "province", "people", "wishing", "largest trades"):
        table.add_column(col, justify="right" if col in ("people", "wishing") else "left")
    for c in data["cities"]:
        top = "、".join(f"{t['name']} {t['people']}" for t in c["trades"][:trades])
        table.add_row(c["city"], c["province"], str(c["people"]), str(c["wishing"]), top)
    console.print(table)
    for u in data["unmapped"]:
        console.print(f"不在城市表中 not in the city table: {u['city']} ({u['people']})")


@outreach_app.command("list")
@reports_errors
def target_list(
    ctx: typer.Context,
    city: str = typer.Option(..., help="务工城市 destination city, e.g. 苏州"),
    trade: str | None = typer.Option(None, help="职业代码 occupation code prefix, e.g. 6-04"),
    wish_to_return: bool = typer.Option(
        False, "--wish-to-return", help="只看有返乡意愿的 only those wishing to return"
    ),
    out: Path | None = typer.Option(None, help="导出 Excel file (.xlsx); without it a summary is printed"),
    unmasked: bool = typer.Option(False, "--unmasked", help="姓名、手机号不脱敏 names and phones in full"),
    limit: int = typer.Option(5000, help="最多人数 at most this many people"),
) -> None:
    """定向名单 People working in a city (a trade, wishing to return) and open positions at home."""
    if out is not None and out.suffix.lower() != ".xlsx":
        raise InvalidInput(f"the list is written as Excel: give a .xlsx file, not {out.name}", field="--out")
    settings = get_settings(ctx)
    cipher = PersonalDataCipher(settings.secret_key)
    query = TargetQuery(city, trade, wish_to_return, limit)
    with connected_engine(settings) as engine, engine.begin() as conn:
        result = targeted_list(conn, query, cipher=cipher, shown=Disclosure(names=unmasked, phones=unmasked))
        if out is not None:
            write_private(out, workbook_bytes(result))
        audit_operator(
            conn,
            "outreach.export" if out is not None else "outreach.list",
            target=f"{query.describe()} unmasked:{int(unmasked)} people:{len(result['people'])}"
            + (f" file:{out.resolve()}" if out is not None else ""),
        )
    console.print(
        f"{result['city']} {result['trade'] or '全部职业'}: {len(result['people'])} 人, "
        f"家乡同职业在招岗位 {result['open_positions']} 个 (positions at home)"
        + (f" → {out}" if out is not None else "")
        + ("" if result["masked"] else " [未脱敏 unmasked]")
    )


@parks_app.command("list")
@reports_errors
def parks(
    ctx: typer.Context,
    kind: str | None = typer.Option(
        None, help="returnee_park, youth_park, makerspace, incubator, accelerator"
    ),
) -> None:
    """园区列表 Parks with capacity, occupancy and tenants, and totals by kind."""
    settings = get_settings(ctx)
    with connected_engine(settings) as engine, engine.connect() as conn:
        rows = list_parks(conn, cipher=PersonalDataCipher(settings.secret_key), kind=kind)
        totals = park_stats(conn, by="kind")
    table = Table(title=f"园区 parks ({len(rows)})")
    for col in ("id", "name", "kind", "area", "capacity", "occupancy", "tenants", "operator"):
        table.add_column(
            col, justify="right" if col in ("id", "capacity", "occupancy", "tenants") else "left"
        )
    for p in rows:
        table.add_row(
            str(p["park_id"]),
            p["name"],
            p["kind_name"],
            p["area_name"] or p["area_code"],
            f"{p['capacity']} {p['unit']}",
            str(p["occupancy"]),
            str(p["tenants"]),
            p["operator"],
        )
    console.print(table)
    for t in totals:
        rate = f"{t['rate']:.0%}" if t["rate"] is not None else "—"
        console.print(f"{t['name']}: {t['parks']} 个, {t['occupancy']}/{t['capacity']} ({rate})")
