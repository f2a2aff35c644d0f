"""稳岗就业政策库: the shipped policies load, and real Chinese searches find the right ones, ranked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, text

from geo.core.errors import InvalidInput
from registry.policies.load import load_policies, read_policies, seed_path
from registry.policies.store import get_policy, search_policies


@pytest.fixture
def loaded(engine: Engine) -> Engine:
    """A fresh database holding the shipped demo policies."""
    with engine.begin() as conn:
        report = load_policies(conn, seed_path())
    assert report.created == len(read_policies(seed_path())) >= 15
    return engine


def _titles(engine: Engine, query: str, **kw: object) -> list[str]:
    with engine.connect() as conn:
        return [h.policy.title for h in search_policies(conn, query, **kw)]  # type: ignore[arg-type]


def test_chuangye_daikuan_finds_the_guarantee_loans_first(loaded: Engine) -> None:
    titles = _titles(loaded, "创业贷款")
    assert {t for t in titles[:3]} == {
        "返乡创业人员创业担保贷款及贴息",
        "城乡劳动者个人创业担保贷款",
        "小微企业创业担保贷款",
    }
    assert all("贷款" in t or "贷款" in b for t, b in _title_bodies(loaded, titles))


def _title_bodies(engine: Engine, titles: list[str]) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT title, title || summary || body FROM policies WHERE title = ANY(:t)"), {"t": titles}
        ).all()
    return [(r[0], r[1]) for r in rows]


def test_shebao_finds_the_social_insurance_subsidies(loaded: Engine) -> None:
    titles = _titles(loaded, "社保")
    assert set(titles[:3]) == {
        "企业吸纳就业困难人员社保补贴",
        "灵活就业人员社保补贴",
        "小微企业吸纳高校毕业生社保补贴",
    }
    assert "以工代训补贴" not in titles


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("以工代训", "以工代训补贴"),
        ("稳岗返还", "失业保险稳岗返还"),
        ("一次性创业补贴", "返乡创业一次性创业补贴"),
        ("就业见习", "高校毕业生就业见习补贴"),
        ("职业技能培训", "职业技能培训补贴"),
        ("孵化基地 租金", "返乡创业孵化基地场地租金补贴"),
    ],
)
def test_queries_rank_the_expected_policy_first(loaded: Engine, query: str, first: str) -> None:
    assert _titles(loaded, query)[0] == first


def test_every_word_must_match_and_nonsense_finds_nothing(loaded: Engine) -> None:
    assert _titles(loaded, "贷款 见习") == []
    assert _titles(loaded, "区块链") == []
    assert _titles(loaded, "！？") == []


def test_category_filter_and_unknown_category(loaded: Engine) -> None:
    titles = _titles(loaded, "", category="培训补贴")
    assert titles and len(titles) == 3
    with pytest.raises(InvalidInput) as err:
        _titles(loaded, "创业", category="贷款")
    assert err.value.message.startswith(
        "未知政策类别 unknown category '贷款': use one of 创业担保贷款, 一次性创业补贴"
    )


def test_reload_replaces_by_code_and_keeps_ids(loaded: Engine, tmp_path: Path) -> None:
    data = json.loads(seed_path().read_text(encoding="utf-8"))
    data["policies"][0]["title"] = "返乡创业人员创业担保贷款（2026年修订）"
    changed = tmp_path / "p.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with loaded.begin() as conn:
        before = conn.execute(text("SELECT policy_id FROM policies WHERE code = 'HQ-CY-01'")).scalar_one()
        report = load_policies(conn, changed)
        assert (report.created, report.updated) == (0, len(data["policies"]))
        assert get_policy(conn, before).title == "返乡创业人员创业担保贷款（2026年修订）"
    assert _titles(loaded, "修订") == ["返乡创业人员创业担保贷款（2026年修订）"]


def test_xlsx_load_with_flat_eligibility_columns(engine: Engine, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "title", "category", "summary", "min_age", "max_age", "statuses", "returnee"])
    sheet.append(
        ["X-1", "返乡青年电商创业补贴", "一次性创业补贴", "直播带货", 18, 35, "seeking、farming", "是"]
    )
    path = tmp_path / "p.xlsx"
    book.save(path)
    with engine.begin() as conn:
        assert load_policies(conn, path).created == 1
    assert _titles(engine, "电商") == ["返乡青年电商创业补贴"]
    with engine.connect() as conn:
        row = conn.execute(text("SELECT min_age, max_age, statuses, returnee FROM policies")).one()
    assert tuple(row) == (18, 35, ["seeking", "farming"], True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": "贷款"}, "未知政策类别 unknown category '贷款': use one of"),
        (
            {"eligibility": {"min_age": 60, "max_age": 16}},
            "年龄范围颠倒 age range is inverted: min_age 60 is greater than max_age 16 (file {f}, row 1, field min_age)",
        ),
        ({"eligibility": {"townships": ["341522000000"]}}, "乡镇代码应为霍邱县的12位乡镇代码"),
        ({"eligibility": {"statuses": ["retired"]}}, "未知就业状态 unknown statuses value 'retired'"),
        (
            {"valid_from": "2027-01-01", "valid_until": "2026-01-01"},
            "有效期颠倒 validity is inverted: valid_from 2027-01-01 is after valid_until 2026-01-01",
        ),
        ({"title": " "}, "政策标题不能为空 a policy needs a title (file {f}, row 1, field title)"),
        (
            {"valid_from": "2026/01/01"},
            "日期格式应为 YYYY-MM-DD, got '2026/01/01' (file {f}, row 1, field valid_from)",
        ),
    ],
)
def test_bad_policy_files_say_what_and_where(
    engine: Engine, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.json"
    policy = {"code": "B-1", "title": "测试政策", "category": "培训补贴"} | change
    path.write_text(json.dumps([policy], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InvalidInput) as err, engine.begin() as conn:
        load_policies(conn, path)
    assert err.value.message.startswith(message.format(f=path))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM policies")).scalar_one() == 0
