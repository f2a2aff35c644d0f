"""`hongyan demo build`: the synthetic Huoqiu demo county."""

from __future__ import annotations

from typing import Literal

import typer
from rich.table import Table

from api.cli.common import connected_engine, console, get_settings, reports_errors
from api.cli.groups import demo_app
from demo.build import build_demo
from geo.core.migrate import upgrade


@demo_app.command("build")
@reports_errors
def build(
    ctx: typer.Context,
    scale: str = typer.Option("county", help="规模 small (tests, 1–2 townships) or county (whole county)"),
    seed: int = typer.Option(20220513, help="随机种子 seed: the same seed builds the same county"),
    force: bool = typer.Option(False, "--force", help="重建 rebuild even if this scale and seed is built"),
) -> None:
    """构建演示县 Build the demo county (areas, OSM roads, residents, enterprises, vacancies); idempotent."""
    if scale not in ("small", "county"):
        raise typer.BadParameter("scale must be 'small' or 'county'", param_hint="--scale")
    chosen: Literal["small", "county"] = "small" if scale == "small" else "county"
    settings = get_settings(ctx)
    with connected_engine(settings, schema=False) as engine:
        upgrade(engine)
        with console.status("building…") as status:
            report = build_demo(
                engine, settings, scale=chosen, seed=seed, force=force, progress=lambda m: status.update(m)
            )
    if not report.built:
        console.print(
            f"演示县已构建 demo county already built (scale {scale}, seed {seed}); use --force to rebuild"
        )
    table = Table(title=f"演示县 demo county · {scale} · seed {seed}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in report.counts.items():
        table.add_row(key, f"{value:,}")
    console.print(table)
    if report.seconds:
        console.print("seconds: " + ", ".join(f"{k} {v}" for k, v in report.seconds.items()))
