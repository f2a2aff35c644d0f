"""`hongyan export vacancies|enterprises`: registry tables as GIS files for QGIS."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.common import connected_engine, console, get_settings, reports_errors
from api.cli.groups import export_app
from geo.core.export import driver_for, export_query
from registry.queries import EXPORT_ENTERPRISES, EXPORT_VACANCIES

OUT_HELP = "输出文件 output file, .gpkg or .geojson (WGS84)"


@export_app.command("vacancies")
@reports_errors
def export_vacancies(ctx: typer.Context, out: Path = typer.Option(..., "--out", help=OUT_HELP)) -> None:
    """岗位 Open vacancies at their sites: id, employer, title, occupation, positions, wages, full time."""
    driver_for(out)
    with connected_engine(get_settings(ctx)) as engine:
        count = export_query(engine, EXPORT_VACANCIES, out, layer="vacancies")
    console.print(f"{count} vacancies written to {out}")


@export_app.command("enterprises")
@reports_errors
def export_enterprises(ctx: typer.Context, out: Path = typer.Option(..., "--out", help=OUT_HELP)) -> None:
    """企业 Enterprises, one feature per site: id, credit code, name, industry, employees."""
    driver_for(out)
    with connected_engine(get_settings(ctx)) as engine:
        count = export_query(engine, EXPORT_ENTERPRISES, out, layer="enterprises")
    console.print(f"{count} enterprise sites written to {out}")
