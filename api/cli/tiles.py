"""`hongyan tiles …`: maintenance of the vector tile layers."""

from __future__ import annotations

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from tiles.hexagons import refresh_heat

tiles_app = typer.Typer(help="矢量瓦片 Vector tile layers.", no_args_is_help=True)


@tiles_app.command("refresh-heat")
@reports_errors
def refresh_heat_command(ctx: typer.Context) -> None:
    """供需热力 Rebuild the heat hexagons (H3 res 6, 7, 8) from residents and open vacancies."""
    with connected_engine(get_settings(ctx)) as engine:
        summary = refresh_heat(engine)
    per_res = ", ".join(f"res {res}: {n:,}" for res, n in summary.hexagons.items())
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in summary.seconds.items())
    console.print(
        f"heat hexagons ({per_res}) from {summary.seekers:,} available people and "
        f"{summary.positions:,} open positions; {steps}"
    )
