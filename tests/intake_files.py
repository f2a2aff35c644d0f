"""Test helpers for spreadsheet imports: resident rows, .xlsx/.csv files, a demo database's villages."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, text

from registry.credit_code import credit_check_char
from tests.accounts_world import id_number, login, phone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADERS = [
    "姓名*",
    "身份证号*",
    "手机号",
    "村/社区代码*",
    "就业状态*",
    "学历",
    "职业代码",
    "务工城市",
    "有意返乡",
    "月收入",
    "经度",
    "纬度",
    "坐标系",
]


def person(n: int, village: str, *, born: str = "19790214", **changes: Any) -> list[Any]:
    """One valid resident row (ID number distinct for each n < 1000) in the template's column order."""
    row: dict[str, Any] = {
        "姓名*": f"测试{n}",
        "身份证号*": id_number(n, born=born),
        "手机号": phone(5000 + n),
        "村/社区代码*": village,
        "就业状态*": "外出务工",
        "学历": "初中",
        "职业代码": None,
        "务工城市": "苏州",
        "有意返乡": "是",
        "月收入": "5000-7999元",
        "经度": None,
        "纬度": None,
        "坐标系": None,
    }
    row.update({k if k in row else f"{k}*": v for k, v in changes.items()})
    return [row[h] for h in HEADERS]


def xlsx(headers: list[str], rows: list[list[Any]], *, sheet: str = "居民") -> bytes:
    """A workbook with one sheet; cells starting with '=' become formulas."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill_template(template: bytes, rows: list[list[Any]]) -> bytes:
    """The downloaded template with rows typed into its first sheet, as a user would."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    for i, r in enumerate(rows, start=2):
        for j, value in enumerate(r, start=1):
            if value is not None:
                ws.cell(row=i, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(headers: list[str], rows: list[list[Any]], *, encoding: str) -> bytes:
    """CSV text in an encoding ('utf-8', 'utf-8-sig', 'gbk')."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([["" if v is None else v for v in r] for r in rows])
    return out.getvalue().encode(encoding)


def villages(engine: Engine, prefix: str) -> list[str]:
    """Village codes under an area prefix, in order."""
    with engine.connect() as conn:
        return [
            str(c)
            for c in conn.execute(
                text("SELECT code FROM admin_areas WHERE level = 'village' AND code LIKE :p ORDER BY code"),
                {"p": prefix + "%"},
            ).scalars()
        ]


def seat(engine: Engine, code: str) -> tuple[float, float]:
    """The WGS84 seat of an area."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT ST_X(coalesce(seat, ST_PointOnSurface(geom))), ST_Y(coalesce(seat, ST_PointOnSurface(geom))) "
                "FROM admin_areas WHERE code = :c"
            ),
            {"c": code},
        ).one()
    return float(row[0]), float(row[1])


def upload(
    client: TestClient,
    who: str,
    data: bytes,
    *,
    database: str = "residents",
    name: str = "居民.xlsx",
    **params: str,
) -> tuple[int, dict[str, object]]:
    """POST a file to the import API as the account `who`: the status and the JSON answer."""
    response = client.post(
        f"/api/v1/registry/import/{database}",
        headers=login(client, who),
        params=params,
        files={"file": (name, data, XLSX)},
    )
    return response.status_code, response.json()


def credit(n: int) -> str:
    """A valid unified social credit code, distinct for each n."""
    first17 = f"91341522MA2N{n:04d}0"
    return first17 + credit_check_char(first17)
