"""`hongyan plan rebalance`: the optimal inter-area labour rebalancing plan as a table."""

from __future__ import annotations

import typer
from rich.table import Table

from api.cli.common import connected_engine, console, get_settings, reports_errors
from matching.circles import CircleService
from matching.rebalance import RebalancePlan, plan_rebalance

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
            f"{f.from_name} {f.from_code}", f"{f.to_name} {f.to_code}", f"{f.group} {f.group_name}",
            str(f.workers), f"{f.minutes:.1f}", f"{f.cost:,.0f}",
        )  # fmt: skip
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
