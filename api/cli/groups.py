"""Command groups that several modules add commands to."""

from __future__ import annotations

import typer

import_app = typer.Typer(help="导入 Import real data: OSM roads, boundary files.", no_args_is_help=True)
export_app = typer.Typer(help="导出 Export data for QGIS (.gpkg or .geojson, WGS84).", no_args_is_help=True)
demo_app = typer.Typer(help="演示县 The synthetic Huoqiu demo county.", no_args_is_help=True)
