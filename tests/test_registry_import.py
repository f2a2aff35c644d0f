"""Registry imports through registry.intake on a private small demo: round trip, both modes, encodings, dups."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from geo.core.crs import wgs84_to_gcj02
from geo.core.db import create_db_engine
from geo.core.settings import DEVELOPMENT_SECRET
from registry.intake.service import ImportReport, import_file, template_for
from registry.personal import PersonalDataCipher
from tests.intake_files import HEADERS, csv_bytes, fill_template, person, seat, villages, xlsx

CIPHER = PersonalDataCipher(DEVELOPMENT_SECRET)


@pytest.fixture
def demo(demo_db_url: str) -> Iterator[Engine]:
    """An owner engine on a private copy of the small demo."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    try:
        yield engine
    finally:
        engine.dispose()


def run(
    engine: Engine,
    data: bytes,
    *,
    source: str = "居民.xlsx",
    mode: str = "all_or_nothing",
    scope: str = "341522",
    database: str = "residents",
    **options: Any,
) -> ImportReport:
    """One import in one transaction on the owner engine."""
    with engine.begin() as conn:
        return import_file(
            conn,
            database,
            data,
            source=source,
            mode=mode,
            scope=scope,
            cipher=CIPHER,
            max_upload_mb=200,
            **options,
        )


def stored(engine: Engine, names: list[str]) -> dict[str, Any]:
    """Imported residents by name."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT name, id_cipher, phone_cipher, sex, birth_date, village_code, area_code, status, "
                "wish_to_return, income_band, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM residents "
                "WHERE name = ANY(:n)"
            ),
            {"n": names},
        ).all()
    return {r.name: r for r in rows}


def test_template_round_trip_fifty_rows(demo: Engine) -> None:
    township = villages(demo, "")[0][:9]
    vs = villages(demo, township)
    with demo.connect() as conn:
        template = template_for(conn, "residents", scope=township)
    wb = load_workbook(io.BytesIO(template))
    assert wb.sheetnames[:2] == ["居民", "说明"]
    assert [c.value for c in wb["居民"][1]] == HEADERS
    rows = [person(n, f"{vs[n % len(vs)]} 某村" if n % 2 else vs[n % len(vs)]) for n in range(1, 51)]
    rows[4][HEADERS.index("就业状态*")] = "求职"
    lon, lat = seat(demo, vs[0])
    glon, glat = (float(v) for v in wgs84_to_gcj02(lon + 0.001, lat + 0.001))
    rows[6][HEADERS.index("村/社区代码*")] = vs[0]
    rows[6][HEADERS.index("经度") :] = [glon, glat, "GCJ-02"]
    report = run(demo, fill_template(template, rows), scope=township)
    assert (report.rows, report.valid, report.written, report.errors) == (50, 50, 50, [])
    assert report.error_workbook is None and report.summary == "共 50 行，全部导入"
    got = stored(demo, [f"测试{n}" for n in range(1, 51)])
    assert len(got) == 50
    one = got["测试1"]
    assert CIPHER.decrypt(bytes(one.id_cipher)) == rows[0][1]
    assert CIPHER.decrypt(bytes(one.phone_cipher)) == rows[0][2]
    assert (one.sex, one.birth_date.isoformat(), one.status, one.wish_to_return, one.income_band) == (
        "M" if int(rows[0][1][16]) % 2 else "F",
        "1979-02-14",
        "working_away",
        True,
        "5000-7999",
    )
    assert one.village_code == one.area_code == vs[1 % len(vs)]
    assert got["测试5"].status == "seeking"
    assert (got["测试7"].lon, got["测试7"].lat) == pytest.approx((lon + 0.001, lat + 0.001), abs=1e-7)
    assert (got["测试2"].lon, got["测试2"].lat) == pytest.approx(seat(demo, vs[2 % len(vs)]), abs=1e-9)


def texts(report: ImportReport) -> list[str]:
    return [e.text for e in report.errors]


def count(engine: Engine, prefix: str = "测试") -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM residents WHERE name LIKE :p"), {"p": prefix + "%"}
            ).scalar_one()
        )


def test_bad_rows_each_get_their_message_and_nothing_is_written(demo: Engine) -> None:
    vs = villages(demo, "")
    township_a, other = vs[0][:9], next(v for v in vs if not v.startswith(vs[0][:9]))
    v = vs[0]
    good_id = person(1, v)[1]
    bad_check = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    rows = [
        person(1, v),
        person(2, v, 身份证号=bad_check),
        person(3, v, born="20150301"),
        person(4, v, born="19500301"),
        person(5, "341522999999"),
        person(6, other),
        person(7, v, 经度=120.1, 纬度=30.2),
        person(8, v, 身份证号='=A2&""'),
        person(9, v, 身份证号=good_id),
        person(10, v, 就业状态="打工"),
        person(11, township_a + "000"),
        person(12, v, 手机号="12345"),
        person(13, v, 经度=116.3),
        person(14, v, 身份证号=float(good_id[:17])),
    ]
    lon, lat = (round(c, 6) for c in seat(demo, v))
    rows.append(person(15, v, 经度=lat, 纬度=lon))
    report = run(demo, xlsx(HEADERS, rows), scope=township_a)
    names = _names(demo, [other, township_a + "000"])
    expected = {
        3: f"「身份证号」：身份证号校验位为 {bad_check[17]}，按前 17 位应为 {good_id[17]}：号码有误",
        4: "「身份证号」：年龄 11 岁，不在 16–65 岁之间（出生日期 2015-03-01）",
        5: "「身份证号」：年龄 76 岁，不在 16–65 岁之间（出生日期 1950-03-01）",
        6: "「村/社区代码」：村/社区代码 341522999999 不存在",
        7: f"「村/社区代码」：村/社区 {other}（{names[other]}）不在您的管辖范围（{township_a}）内",
        8: "「经度」：坐标（经度 120.1，纬度 30.2，WGS84）不在霍邱县境内：检查数值和坐标系",
        9: "「身份证号」：单元格含公式，请粘贴为数值",
        10: "「身份证号」：与第 2 行重复（同一身份证号），第 10 行未导入",
        11: "「就业状态」：「打工」不是可选值，可选：本地就业、外出务工、务农、求职、在校、非劳动力",
        12: f"「村/社区代码」：代码 {township_a}000（{names[township_a + '000']}）是乡镇，不是村/社区",
        13: "「手机号」：手机号应为 11 位数字、以 13–19 开头",
        14: "「纬度」：经度和纬度须同时填写",
        15: "「身份证号」：单元格是数字格式，长号码的末几位已被 Excel 改掉：请把该列设为文本格式后重新填写",
        16: f"「经度」：经纬度填反了：经度 {lat}、纬度 {lon}（WGS84）应互换",
    }
    assert texts(report) == [f"第 {row} 行{msg}" for row, msg in sorted(expected.items())]
    assert (report.rows, report.valid, report.written, report.rejected) == (15, 1, 0, 14)
    assert report.summary == "共 15 行，14 行有错误：按「全部或全不」模式未写入任何数据"
    assert count(demo) == 0
    book = load_workbook(io.BytesIO(report.error_workbook or b""))
    ws = book.worksheets[0]
    assert ws.cell(1, len(HEADERS) + 1).value == "错误说明"
    assert ws.cell(2, len(HEADERS) + 1).value is None
    assert ws.cell(3, len(HEADERS) + 1).value == expected[3].replace("「身份证号」", "身份证号", 1)
    assert ws.cell(9, 2).value == '\'=A2&""' and ws.cell(9, 2).data_type == "s"  # text, never a formula
    assert ws.cell(6, 4).fill.start_color.rgb.endswith("FFC7CE")
    assert ws.cell(6, 1).fill.start_color.rgb in ("00000000", None)


def _names(engine: Engine, codes: list[str]) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT code, name FROM admin_areas WHERE code = ANY(:c)"), {"c": codes}
        ).all()
    return {str(c): str(n) for c, n in rows}


def test_commit_valid_writes_the_good_rows_and_returns_the_rejects(demo: Engine) -> None:
    v = villages(demo, "")[0]
    rows = [person(1, v), person(2, v, born="20150301"), person(3, v), person(4, v, 身份证号=person(1, v)[1])]
    report = run(demo, xlsx(HEADERS, rows), mode="commit_valid")
    assert (report.rows, report.valid, report.written, report.rejected) == (4, 2, 2, 2)
    assert report.summary == "共 4 行，导入 2 行，2 行有错误未导入"
    assert texts(report) == [
        "第 3 行「身份证号」：年龄 11 岁，不在 16–65 岁之间（出生日期 2015-03-01）",
        "第 5 行「身份证号」：与第 2 行重复（同一身份证号），第 5 行未导入",
    ]
    assert sorted(stored(demo, ["测试1", "测试2", "测试3", "测试4"])) == ["测试1", "测试3"]
    ws = load_workbook(io.BytesIO(report.error_workbook or b"")).worksheets[0]
    assert ws.cell(5, len(HEADERS) + 1).value == "身份证号：与第 2 行重复（同一身份证号），第 5 行未导入"
    again = run(demo, xlsx(HEADERS, rows[:1]), mode="commit_valid")
    with demo.connect() as conn:
        rid = conn.execute(text("SELECT resident_id FROM residents WHERE name = '测试1'")).scalar_one()
    assert texts(again) == [f"第 2 行「身份证号」：此人已在库中（居民编号 {rid}）"] and again.written == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_bom_and_gbk(demo: Engine, encoding: str) -> None:
    v = villages(demo, "")[0]
    data = csv_bytes(HEADERS, [person(n, v) for n in (1, 2, 3)], encoding=encoding)
    declared = {"utf-8": "utf-8", "utf-8-sig": "auto", "gbk": "gbk"}[encoding]
    assert run(demo, data, source="居民.csv", encoding=declared).written == 3
    assert sorted(stored(demo, ["测试1", "测试2", "测试3"])) == ["测试1", "测试2", "测试3"]
    assert stored(demo, ["测试1"])["测试1"].status == "working_away"


def test_gbk_auto_detected_and_gbk_declared_as_utf8_refused(demo: Engine) -> None:
    v = villages(demo, "")[0]
    data = csv_bytes(HEADERS, [person(n, v) for n in (1, 2)], encoding="gbk")
    with pytest.raises(Exception) as caught:
        run(demo, data, source="居民.csv", encoding="utf-8")
    assert str(caught.value) == (
        "第 1 行不是有效的 UTF-8 文本，文件看起来是 GBK 编码：请选择编码 GBK 重新导入，或在 Excel 中另存为「CSV UTF-8」"
        " (file 居民.csv)"
    )
    assert count(demo) == 0
    assert run(demo, data, source="居民.csv").written == 2


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ([h.replace("身份证号*", "身份证") for h in HEADERS], "缺少必填列「身份证号」；未知列「身份证」"),
        ([h for h in HEADERS if h != "就业状态*"], "缺少必填列「就业状态」"),
        ([*HEADERS, "备注"], "未知列「备注」"),
    ],
)
def test_template_with_renamed_missing_or_unknown_columns(
    demo: Engine, headers: list[str], message: str
) -> None:
    v = villages(demo, "")[0]
    rows = [person(1, v)[: len(headers)]]
    with pytest.raises(Exception) as caught:
        run(demo, xlsx(headers, rows))
    assert str(caught.value) == (
        f"表头与模板不符：{message}。列名不可改动，请使用模板（hongyan registry template residents 或 "
        "/api/v1/registry/templates/residents.xlsx） (file 居民.xlsx)"
    )
    assert count(demo) == 0


@pytest.mark.parametrize(
    ("data", "source", "message"),
    [
        (b"", "居民.xlsx", "文件是空的：请在模板中填写数据后再导入 (file 居民.xlsx)"),
        (b"  \r\n", "居民.csv", "文件是空的：请在模板中填写数据后再导入 (file 居民.csv)"),
        (",".join(HEADERS).encode(), "居民.csv", "文件只有表头，没有数据行 (file 居民.csv)"),
        (
            b"PK\x03\x04 not really",
            "居民.xlsx",
            "不是有效的 Excel (.xlsx) 文件：文件已损坏或扩展名不对 (file 居民.xlsx)",
        ),
        (
            b"x",
            "居民.xls",
            "不支持 .xls（Excel 97-2003）格式：请在 Excel 中另存为 .xlsx 后导入 (file 居民.xls)",
        ),
    ],
)
def test_empty_and_unreadable_files(demo: Engine, data: bytes, source: str, message: str) -> None:
    with pytest.raises(Exception) as caught:
        run(demo, data, source=source)
    assert str(caught.value) == message


def test_header_only_xlsx_and_size_limit(demo: Engine) -> None:
    with pytest.raises(Exception) as caught:
        run(demo, xlsx(HEADERS, []))
    assert str(caught.value) == "文件只有表头，没有数据行 (file 居民.xlsx)"
    with demo.begin() as conn, pytest.raises(Exception) as too_big:
        import_file(
            conn,
            "residents",
            b"x" * (1024 * 1024 + 1),
            source="居民.csv",
            mode="commit_valid",
            scope="341522",
            cipher=CIPHER,
            max_upload_mb=1,
        )
    assert str(too_big.value) == (
        "文件 1.0 MB，超过上传上限 1 MB（HONGYAN_MAX_UPLOAD_MB）：请拆成几个文件分别导入 (file 居民.csv)"
    )


def test_csv_formula_cells_are_refused_not_kept(demo: Engine) -> None:
    v = villages(demo, "")[0]
    rows = [person(1, v), person(2, v, 姓名='=HYPERLINK("http://x","y")')]
    report = run(demo, csv_bytes(HEADERS, rows, encoding="utf-8"), source="居民.csv", mode="commit_valid")
    assert texts(report) == ["第 3 行「姓名」：单元格含公式，请粘贴为数值"] and report.written == 1
    ws = load_workbook(io.BytesIO(report.error_workbook or b"")).worksheets[0]
    assert ws.cell(3, 1).value == '\'=HYPERLINK("http://x","y")' and ws.cell(3, 1).data_type == "s"
