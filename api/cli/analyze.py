"""`hongyan analyze circles`: the whole county's 三公里就业圈 analytics, stored in PostGIS."""

from __future__ import annotations

from datetime import date

import typer
from rich.progress import Progress

from api.cli.common import connected_engine, console, get_settings, reports_errors
from geo.core.errors import InvalidInput
from geo.engine.network import MODES
from matching.analytics.store import analyze_circles
from matching.analytics.surplus_store import take_snapshot
from matching.circle.service import CircleService

analyze_app = typer.Typer(help="分析 Analytics over the whole county.", no_args_is_help=True)


@analyze_app.command("circles")
@reports_errors
def circles(
    ctx: typer.Context,
    radius: float = typer.Option(3000.0, help="半径（米，沿道路）radius in metres by road"),
    minutes: float | None = typer.Option(None, help="或出行时间（分钟）or a travel time in minutes"),
    mode: str = typer.Option("walk", help="出行方式 walk, ebike or car"),
    decay: str = typer.Option("none", help="距离衰减 none (2SFCA) or gaussian (E2SFCA)"),
    snapshot: bool = typer.Option(
        False, help="保存余缺快照 also store a dated surplus snapshot by trade group"
    ),
    day: str | None = typer.Option(None, "--date", help="快照日期 snapshot date YYYY-MM-DD (default today)"),
) -> None:
    """就业圈分析 For every resident the positions within reach, for every site its candidates, per area 2SFCA."""
    if mode not in MODES:
        raise InvalidInput(f"unknown mode {mode!r}: use one of {', '.join(MODES)}", field="--mode")
    if decay not in ("none", "gaussian"):
        raise InvalidInput(f"unknown decay {decay!r}: use none or gaussian", field="--decay")
    limit = minutes * 60.0 if minutes is not None else radius
    if limit <= 0:
        raise InvalidInput("the radius (or minutes) must be greater than 0", field="--radius/--minutes")
    snapshot_day = _snapshot_day(day) if snapshot else None
    settings = get_settings(ctx)
    service = CircleService(settings)
    with connected_engine(settings) as engine, Progress(console=console) as bar:
        task = bar.add_task("circles", total=1.0)
        summary = analyze_circles(
            engine,
            service,
            mode=mode,
            metric="time" if minutes is not None else "length",
            limit=limit,
            decay="gaussian" if decay == "gaussian" else "none",
            progress=lambda msg, frac: bar.update(task, completed=frac, description=msg),
        )
    console.print(
        f"run {summary.run_id}: {summary.residents:,} residents ({summary.residents_on_network:,} on the network), "
        f"{summary.sites:,} sites with {summary.positions:,} open positions; "
        f"mean positions within reach {summary.mean_positions_in_reach:.1f}; "
        f"{summary.seekers_with_a_job_in_reach:,} available people have a job within reach; "
        f"{summary.seconds:.1f} s"
    )
    if snapshot_day is not None:
        with connected_engine(settings) as engine:
            snap = take_snapshot(
                engine,
                service,
                mode=mode,
                metric="time" if minutes is not None else "length",
                limit=limit,
                day=snapshot_day,
            )
        console.print(
            f"snapshot {snap.day.isoformat()}: {snap.rows:,} rows for {snap.groups} groups; "
            f"{snap.positions:,} positions, {snap.unallocated:,.0f} with no seeker within reach; {snap.seconds:.1f} s"
        )


def _snapshot_day(value: str | None) -> date:
    """The --date value as a date (today when not given)."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"--date must be YYYY-MM-DD, got {value!r}", field="--date") from exc
