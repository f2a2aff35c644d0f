"""`hongyan registry template` and `hongyan registry import`: the operator path, error workbook next to the file."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from typer.testing import CliRunner, Result

from api.cli.main import app
from tests.intake_files import HEADERS, csv_bytes, fill_template, person, villages


def run(db_url: str, tmp_path: Path, *args: str) -> Result:
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path / "data")}
    return CliRunner().invoke(app, list(args), env=env)


def flat(output: str) -> str:
    return " ".join(output.split())


def test_template_then_import_with_an_error_workbook(demo_db_url: str, tmp_path: Path) -> None:
    engine = create_engine(demo_db_url)
    vs = villages(engine, "")
    township = vs[0][:9] + "000"
    template = tmp_path / "模板.xlsx"
    result = run(
        demo_db_url,
        tmp_path,
        "registry",
        "template",
        "residents",
        "--out",
        str(template),
        "--as-area",
        township,
    )
    assert result.exit_code == 0, result.output
    listed = load_workbook(template)["村社区列表"]
    assert [str(r[0]).split()[0] for r in listed.iter_rows(min_row=2, values_only=True)] == villages(
        engine, vs[0][:9]
    )
    filled = tmp_path / "居民.xlsx"
    filled.write_bytes(
        fill_template(template.read_bytes(), [person(1, vs[0]), person(2, vs[0], born="20150301")])
    )
    result = run(demo_db_url, tmp_path, "registry", "import", "residents", str(filled), "--as-area", township)
    assert result.exit_code == 1
    out = flat(result.output)
    assert "共 2 行，1 行有错误：按「全部或全不」模式未写入任何数据" in out
    assert "第 3 行「身份证号」：年龄 11 岁，不在 16–65 岁之间（出生日期 2015-03-01）" in out
    book = load_workbook(io.BytesIO((tmp_path / "居民.错误.xlsx").read_bytes())).worksheets[0]
    assert (
        book.cell(3, len(HEADERS) + 1).value
        == "身份证号：年龄 11 岁，不在 16–65 岁之间（出生日期 2015-03-01）"
    )
    result = run(
        demo_db_url,
        tmp_path,
        "registry",
        "import",
        "residents",
        str(filled),
        "--as-area",
        township,
        "--mode",
        "commit_valid",
    )
    assert result.exit_code == 1 and "共 2 行，导入 1 行，1 行有错误未导入" in flat(result.output)
    gbk = tmp_path / "居民.csv"
    gbk.write_bytes(csv_bytes(HEADERS, [person(3, vs[0]), person(4, vs[0])], encoding="gbk"))
    result = run(demo_db_url, tmp_path, "registry", "import", "residents", str(gbk), "--encoding", "utf-8")
    assert result.exit_code == 2
    assert "第 1 行不是有效的 UTF-8 文本，文件看起来是 GBK 编码" in flat(result.output)
    result = run(demo_db_url, tmp_path, "registry", "import", "residents", str(gbk), "--encoding", "gbk")
    assert result.exit_code == 0 and "共 2 行，全部导入" in flat(result.output)
    with engine.connect() as conn:
        names = (
            conn.execute(text("SELECT name FROM residents WHERE name LIKE '测试%' ORDER BY name"))
            .scalars()
            .all()
        )
    engine.dispose()
    assert names == ["测试1", "测试3", "测试4"]


def test_import_refuses_a_village_outside_the_stated_area(demo_db_url: str, tmp_path: Path) -> None:
    engine = create_engine(demo_db_url)
    vs = villages(engine, "")
    engine.dispose()
    other = next(v for v in vs if not v.startswith(vs[0][:9]))
    path = tmp_path / "居民.csv"
    path.write_bytes(csv_bytes(HEADERS, [person(1, other)], encoding="utf-8-sig"))
    result = run(
        demo_db_url, tmp_path, "registry", "import", "residents", str(path), "--as-area", vs[0][:9] + "000"
    )
    assert result.exit_code == 1
    assert f"不在您的管辖范围（{vs[0][:9]}）内" in flat(result.output)
