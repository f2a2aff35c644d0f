"""The 2022 occupation classification: the shipped CSV, loading it, and rejecting broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from geo.core.errors import InvalidInput
from registry.occupations import load_occupations, read_occupations

HEADER = "code,name,level,parent_code,note\n"
GOOD = "6,生产制造及有关人员,major,,\n6-18,机械制造基础加工人员,medium,6,\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    """A small occupation CSV in tmp_path."""
    path = tmp_path / "occupations.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_shipped_classification_is_complete_where_it_matters() -> None:
    rows = {r.code: r for r in read_occupations()}
    majors = {c: r.name for c, r in rows.items() if r.level == "major"}
    assert majors == {
        "1": "党的机关、国家机关、群众团体和社会组织、企事业单位负责人",
        "2": "专业技术人员",
        "3": "办事人员和有关人员",
        "4": "社会生产服务和生活服务人员",
        "5": "农、林、牧、渔业生产及辅助人员",
        "6": "生产制造及有关人员",
        "7": "军队人员",
        "8": "不便分类的其他从业人员",
    }
    details = [r for r in rows.values() if r.level == "detail"]
    assert len(details) >= 60
    assert rows["6-18-02-04"].name == "焊工" and rows["6-18-02-04"].parent_code == "6-18-02"
    assert rows["5-04-02-01"].name == "水生动物饲养工" and "crayfish" in rows["5-04-02-01"].note
    assert rows["4-02-07-08"].name == "快递员"
    for r in details:  # the chain detail -> minor -> medium -> major is complete
        assert rows[rows[rows[r.parent_code].parent_code].parent_code].level == "major"  # type: ignore[index]


def test_loading_is_idempotent(engine: Engine) -> None:
    with engine.begin() as conn:
        first = load_occupations(conn)
    with engine.begin() as conn:
        assert load_occupations(conn) == first
        count, orphans = conn.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE o.parent_code IS NOT NULL AND p.code IS NULL)"
                " FROM occupations o LEFT JOIN occupations p ON p.code = o.parent_code"
            )
        ).one()
        welder = conn.execute(text("SELECT name, level FROM occupations WHERE code = '6-18-02-04'")).one()
    assert (count, orphans) == (first, 0)
    assert tuple(welder) == ("焊工", "detail")


def test_good_small_file_reads(tmp_path: Path) -> None:
    assert [r.code for r in read_occupations(write(tmp_path, GOOD))] == ["6", "6-18"]


def test_missing_column_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "6,生产制造及有关人员,major\n", header="code,name,level\n")
    with pytest.raises(InvalidInput) as err:
        read_occupations(path)
    assert (
        f"occupation file lacks the column(s) parent_code; the header must be code,name,level,parent_code,note (file {path})"
        == str(err.value)
    )


def test_unknown_level_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        read_occupations(write(tmp_path, GOOD + "6-18-02,机械热加工人员,subgroup,6-18,\n"))
    assert "level 'subgroup' is not one of major, medium, minor, detail" in str(err.value)
    assert "row 4, field level" in str(err.value)


def test_code_not_matching_level_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        read_occupations(write(tmp_path, GOOD + "6-18-2,机械热加工人员,minor,6-18,\n"))
    assert "code '6-18-2' is not a minor code (like 6-18-02) (file" in str(err.value)
    assert "row 4, field code" in str(err.value)


def test_missing_name_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        read_occupations(write(tmp_path, GOOD + "6-18-02,,minor,6-18,\n"))
    assert "occupation 6-18-02 has no name" in str(err.value)


def test_wrong_parent_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        read_occupations(write(tmp_path, GOOD + "6-18-02,机械热加工人员,minor,6,\n"))
    assert "occupation 6-18-02 must have parent_code 6-18, not 6" in str(err.value)
    assert "field parent_code" in str(err.value)


def test_duplicate_code_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        read_occupations(write(tmp_path, GOOD + "6-18,机械制造基础加工人员,medium,6,\n"))
    assert "occupation code 6-18 appears twice (rows 3 and 4)" in str(err.value)


def test_parent_missing_from_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as err:
        read_occupations(write(tmp_path, GOOD + "6-18-02-04,焊工,detail,6-18-02,\n"))
    assert "occupation 6-18-02-04 names parent 6-18-02, which is not in the file: add that group" in str(
        err.value
    )
