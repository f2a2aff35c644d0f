"""Columns and checks several specs share: village and coordinates (datum-aware, inside the county)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import shapely
from sqlalchemy import Connection

from geo.core.crs import converter
from geo.core.db import copy_table
from geo.core.errors import InvalidInput
from registry.intake import fields as fp
from registry.intake.context import DATUM_LABELS, Context
from registry.intake.spec import Field, Parser, RowIssue, TableSpec, Values

LOCATION_FIELDS = (
    Field("lon", "经度", fp.number, width=12, note="可不填：不填则用村/社区驻地", example="116.2712"),
    Field("lat", "纬度", fp.number, width=12, note="与经度同时填写", example="32.3521"),
    Field(
        "datum",
        "坐标系",
        fp.datum,
        choices=tuple(DATUM_LABELS),
        width=10,
        note="手机、高德、腾讯地图为 GCJ-02；百度为 BD-09；GPS、天地图为 WGS84（默认）",
        example="GCJ-02",
    ),
)


def village_field(label: str = "村/社区代码", note: str = "12 位代码，可从下拉列表选择") -> Field:
    """The village column (drop-down of the caller's villages)."""
    return Field(
        "village_code",
        label,
        fp.village,
        required=True,
        lookup="villages",
        as_text=True,
        width=26,
        note=note,
        example="341522100201",
    )


def locate(values: Values, ctx: Context) -> list[RowIssue]:
    """Set WGS84 lon/lat: the given point (converted from its datum, inside the county) or the village seat."""
    lon, lat = values.get("lon"), values.get("lat")
    if lon is None and lat is None:
        seat = ctx.areas[values["village_code"]]
        values["lon"], values["lat"] = seat.lon, seat.lat
        values["location_source"] = "village_centroid"
        return []
    if lon is None or lat is None:
        return [RowIssue("lat" if lat is None else "lon", "经度和纬度须同时填写")]
    datum = values.get("datum") or ctx.datum
    x, y = (float(v) for v in converter(datum, "wgs84")(lon, lat))
    if ctx.contains(x, y):
        values["lon"], values["lat"] = x, y
        values["location_source"] = "gps"
        return []
    label = {v: k for k, v in DATUM_LABELS.items()}[datum]
    if ctx.contains(*(float(v) for v in converter(datum, "wgs84")(lat, lon))):
        return [RowIssue("lon", f"经纬度填反了：经度 {lon}、纬度 {lat}（{label}）应互换")]
    return [
        RowIssue("lon", f"坐标（经度 {lon}，纬度 {lat}，{label}）不在{ctx.county_name}境内：检查数值和坐标系")
    ]


def ewkb(values: Iterable[Values]) -> list[str]:
    """Hex EWKB (SRID 4326) points of rows' lon/lat, the fastest form for COPY."""
    pts = [(v["lon"], v["lat"]) for v in values]
    geoms = shapely.set_srid(shapely.points(pts), 4326)
    return list(shapely.to_wkb(geoms, hex=True, include_srid=True))


def stage(
    conn: Connection,
    drop: Any,
    create: Any,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """(Re)create a temporary staging table and COPY rows into it; returns the count."""
    conn.execute(drop)
    conn.execute(create)
    return copy_table(conn, table, columns, rows)


def issue_from(exc: InvalidInput, spec: TableSpec, *, keys: Mapping[str, str] | None = None) -> RowIssue:
    """A domain validator's InvalidInput as a row issue on its field (renamed by ``keys``), message kept bare."""
    message = exc.message
    if exc.field is not None and exc.source is None and exc.row is None:
        message = message.removesuffix(f" (field {exc.field})")
    key = (keys or {}).get(exc.field or "", exc.field)
    known = {f.key for f in spec.fields}
    return RowIssue(key if key in known else None, message)


def labels_to_codes(labels: Mapping[str, str]) -> Parser:
    """A cell of several values (、 or , between them): Chinese labels become codes, others pass unchanged."""

    def parse(raw: str, _: Context) -> tuple[str, ...]:
        items = [i.strip() for i in re.split(r"[、,，;；\s]+", raw) if i.strip()]
        return tuple(labels.get(i, i) for i in items)

    return parse
