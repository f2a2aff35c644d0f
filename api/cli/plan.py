"""`hongyan plan rebalance`: the optimal inter-area labour rebalancing plan as a table."""

from __future__ import annotations

from datetime import date

import typer
from rich.table import Table

from api.cli.common import connected_engine, console, get_settings, reports_errors
from geo.core.errors import InvalidInput
from matching.circle.service import CircleService
from matching.rebalance.plan import RebalancePlan, plan_rebalance
from matching.rebalance.shared import plan_shared

plan_app = typer.Typer(help="规划 Plans over the whole county.", no_args_is_help=True)


@plan_app.command("rebalance")
@reports_errors
def rebalance(
    ctx: typer.Context,
    level: str = typer.Option("township", help="区域层级 township or village"),
    mode: str = typer.Option("car", help="出行方式 car or ebike"),
    max_minutes: float | None = typer.Option(None, help="最长通勤（分钟）default 45 by car, 30 by e-bike"),
    group: str | None = typer.Option(None, help="职业中类 occupation medium group, e.g. 6-18"),
    limit: int = typer.Option(40, help="最多显示流向 flows to show (largest first)"),
) -> None:
    """用工余缺调剂 Move surplus workers to areas short of them at the least total travel time."""
    settings = get_settings(ctx)
    with connected_engine(settings) as engine, engine.connect() as conn:
        plan = plan_rebalance(
            CircleService(settings), conn, level=level, mode=mode, max_minutes=max_minutes, group=group
        )
    print_plan(plan, limit=limit)


def print_plan(plan: RebalancePlan, *, limit: int) -> None:
    """Flows, unmet remainders and totals as rich tables."""
    if plan.note:
        console.print(plan.note)
        return
    flows = sorted(plan.flows, key=lambda f: -f.workers)[:limit]
    table = Table(title=f"调剂方案 flows ({plan.level}, {plan.mode}, ≤ {plan.max_minutes:g} min)")
    for col in ("from", "to", "group", "workers", "minutes", "worker-min"):
        table.add_column(col, justify="right" if col in ("workers", "minutes", "worker-min") else "left")
    for f in flows:
        table.add_row(
            f"{f.from_name} {f.from_code}",
            f"{f.to_name} {f.to_code}",
            f"{f.group} {f.group_name}",
            str(f.workers),
            f"{f.minutes:.1f}",
            f"{f.cost:,.0f}",
        )
    console.print(table)
    unmet = sorted(plan.unmet, key=lambda u: -u.positions)[:limit]
    if unmet:
        ut = Table(title="无法满足 unmet positions")
        for col in ("area", "group", "positions", "why"):
            ut.add_column(col)
        for u in unmet:
            ut.add_row(f"{u.name} {u.code}", f"{u.group} {u.group_name}", str(u.positions), u.explanation)
        console.print(ut)
    t = plan.totals()
    ratio = plan.total_cost / plan.greedy_cost if plan.greedy_cost > 0 else 1.0
    console.print(
        f"{len(plan.flows):,} flows; moved {t['moved']:,} of {t['shortage']:,} short positions "
        f"(unmet {t['unmet']:,}, idle workers {t['idle']:,}); total {t['cost']:,.0f} worker-minutes; "
        f"greedy nearest-first moves {t['greedy_moved']:,} for {t['greedy_cost']:,.0f} (cost ratio {ratio:.3f}); "
        f"{plan.seconds:.2f} s"
    )


@plan_app.command("shared-employment")
@reports_errors
def shared_employment(
    ctx: typer.Context,
    mode: str = typer.Option("car", help="出行方式 car or ebike"),
    max_minutes: float | None = typer.Option(None, help="最长通勤（分钟）default 45 by car, 30 by e-bike"),
    day: str | None = typer.Option(None, "--date", help="日期 only offers and needs covering YYYY-MM-DD"),
) -> None:
    """共享用工 Lend idle staff to nearby enterprises short of them: the optimal assignment, county-wide."""
    settings = get_settings(ctx)
    on = parse_day(day)
    with connected_engine(settings) as engine, engine.connect() as conn:
        plan = plan_shared(
            CircleService(settings), conn, mode=mode, max_minutes=max_minutes, day=on, today=date.today()
        )
    if plan["note"]:
        console.print(plan["note"])
    table = Table(title=f"共享用工 assignments ({plan['mode']}, ≤ {plan['max_minutes']:g} min)")
    for col in ("from", "to", "trade", "workers", "minutes", "dates"):
        table.add_column(col)
    for a in plan["assignments"]:
        table.add_row(
            a["from_enterprise"],
            a["to_enterprise"],
            a["need_occupation"] or "",
            str(a["workers"]),
            f"{a['minutes']:.1f}",
            f"{a['date_from']}–{a['date_to']}",
        )
    console.print(table)
    for u in plan["unmet"]:
        console.print(
            f"未满足 unmet: need {u['need_id']} {u['enterprise']} {u['workers']} × {u['occupation']}: {u['reason']}"
        )
    t = plan["totals"]
    console.print(
        f"placed {t['placed']} of {t['needed']} needed ({t['offered']} offered); {t['worker_minutes']} worker-min"
    )


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD option as a date, None when not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"--date must be YYYY-MM-DD, got {value!r}", field="--date") from exc
