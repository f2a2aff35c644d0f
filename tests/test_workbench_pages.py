"""The workbench's foundation over HTTP: login with the cookie session and CSRF, the menu and 403 per role for
every page, language switch, change of one's own password, the catalogs, and the page's CSP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import text

from tests.accounts_world import PASSWORD
from tests.workbench_world import Bench, bench_env, csrf_of, log_in, session_for
from web_map.pages.i18n import catalog_path
from web_map.pages.menu import PAGES

ROLES = {
    "admin": "county_admin",
    "reviewer": "county_reviewer",
    "staff_a": "township_staff",
    "collector_a1": "village_collector",
    "hr_1": "enterprise_hr",
    "seeker": "job_seeker",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.fixture(scope="module")
def bench(small_demo_url: str, server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    """The site over one private demo copy for the module (the tests below write only their own rows)."""
    from sqlalchemy.engine import make_url

    from tests.conftest import cloned_database

    src = make_url(small_demo_url).database
    assert src is not None
    for url in cloned_database(server_url, src, prefix="hongyan_wb_"):
        yield from bench_env(url, tmp_path_factory.mktemp("workbench"))


def test_login_page_is_chinese_first_and_sends_the_sites_policy(bench: Bench) -> None:
    page = bench.client.get("/workbench/login")
    assert page.status_code == 200
    assert '<html lang="zh-CN"' in page.text and "登录" in page.text and "用户名或手机号" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert INLINE_SCRIPT.findall(page.text) == [] and " style=" not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert '"allowEval":false' in page.text.replace("&#34;", '"')  # htmx under the CSP
    nonce = [c for c in bench.client.cookies.jar if c.name == "hongyan_login_nonce"]
    assert nonce and nonce[0].has_nonstandard_attr("HttpOnly")


def test_a_page_without_login_sends_to_the_login_page_and_back(bench: Bench) -> None:
    client = type(bench.client)(bench.client.app)
    answer = client.get("/workbench/residents?q=张", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/workbench/login?next=%2Fworkbench%2Fresidents")
    htmx = client.get("/workbench/residents", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/workbench/login")
    done = log_in(client, "collector_a1", next_path="/workbench/residents?q=x")
    assert done.status_code == 303 and done.headers["location"] == "/workbench/residents?q=x"
    cookie = done.headers["set-cookie"]
    assert (
        "hongyan_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    # never to another site
    evil = log_in(type(bench.client)(bench.client.app), "collector_a1", next_path="//evil.example/x")
    assert evil.headers["location"] == "/workbench"


def test_wrong_password_and_throttle_messages_are_chinese_on_the_field(bench: Bench) -> None:
    client = type(bench.client)(bench.client.app, client=("10.9.8.7", 5000))
    wrong = log_in(client, "staff_b", "not-the-password")
    assert wrong.status_code == 422
    assert "用户名/手机号或密码错误。" in wrong.text and 'id="password-problem"' in wrong.text
    assert "hongyan_session" not in wrong.headers.get("set-cookie", "")
    for _ in range(5):
        answer = log_in(client, "staff_b", "not-the-password")
    assert answer.status_code == 429
    assert re.search(r"尝试次数过多，请 \d+ 秒后再试。", answer.text)
    stale = client.post(
        "/workbench/login",
        data={"csrf_token": "forged", "login": "staff_b", "password": PASSWORD},
        follow_redirects=False,
    )
    assert stale.status_code == 422 and "登录页面已过期" in stale.text


@pytest.mark.parametrize("who", sorted(ROLES))
def test_menu_shows_only_the_pages_the_role_may_open_and_the_others_answer_403(
    bench: Bench, who: str
) -> None:
    client = session_for(bench, who)
    home = client.get("/workbench")
    assert home.status_code == 200, home.text
    role = ROLES[who]
    for page in PAGES:
        shown = f'data-page="{page.key}"' in home.text
        assert shown == (role in page.roles), (who, page.key)
        if not page.workbench:
            continue
        answer = client.get(page.path)
        assert answer.status_code == (200 if role in page.roles else 403), (who, page.path)
        if answer.status_code == 403:
            assert "无权打开此页面" in answer.text
    # the writes of pages the role may not open are refused too (with the right CSRF token)
    csrf = csrf_of(home)
    if role not in {"township_staff", "county_reviewer", "county_admin"}:
        refused = client.post("/workbench/review", data={"csrf_token": csrf, "one": "1:approve"})
        assert refused.status_code == 403
    if role not in {"village_collector", "township_staff", "county_admin"}:
        refused = client.post("/workbench/residents/new", data={"csrf_token": csrf, "name": "某"})
        assert refused.status_code == 403


def test_a_write_without_the_csrf_token_is_refused(bench: Bench) -> None:
    client = session_for(bench, "staff_a")
    answer = client.post("/workbench/review", data={"one": "1:approve"})
    assert answer.status_code == 403 and "CSRF" in answer.text
    logout = client.post("/workbench/logout", data={}, follow_redirects=False)
    assert logout.status_code == 403
    assert client.get("/workbench").status_code == 200  # still logged in


def test_language_switch_persists_in_a_cookie(bench: Bench) -> None:
    client = session_for(bench, "collector_a1")
    switched = client.get("/workbench/lang/en?next=/workbench/residents", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/workbench/residents"
    page = client.get("/workbench/residents")
    assert '<html lang="en"' in page.text and "Find a resident" in page.text and "查找居民" not in page.text
    assert client.get("/workbench/lang/zh_CN", follow_redirects=False).headers["location"] == "/workbench"
    assert "查找居民" in client.get("/workbench/residents").text


def test_logout_ends_the_session(bench: Bench) -> None:
    client = session_for(bench, "collector_a1")
    home = client.get("/workbench")
    out = client.post("/workbench/logout", data={"csrf_token": csrf_of(home)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/workbench/login?reason=out"
    assert "您已退出登录。" in client.get(out.headers["location"]).text
    again = client.get("/workbench", follow_redirects=False)
    assert again.status_code == 303


def test_change_my_password_checks_the_current_one_and_ends_my_other_sessions(bench: Bench) -> None:
    first, second = session_for(bench, "collector_a2"), session_for(bench, "collector_a2")
    form = first.get("/workbench/password")
    csrf = csrf_of(form)
    new = "Neues-Passwort-2026"
    wrong = first.post(
        "/workbench/password",
        data={"csrf_token": csrf, "current_password": "nope", "new_password": new, "new_password_again": new},
    )
    assert wrong.status_code == 422 and "当前密码不正确。" in wrong.text
    short = first.post(
        "/workbench/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": "abc",
            "new_password_again": "abc",
        },
    )
    assert short.status_code == 422 and "新密码至少需要 10 个字符。" in short.text
    done = first.post(
        "/workbench/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": new,
            "new_password_again": new,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "密码已修改" in first.get(done.headers["location"]).text
    assert second.get("/workbench", follow_redirects=False).status_code == 303  # the other session ended
    assert log_in(type(bench.client)(bench.client.app), "collector_a2", new).status_code == 303
    assert log_in(type(bench.client)(bench.client.app), "collector_a2", PASSWORD).status_code == 422


def test_bad_resident_gets_chinese_messages_on_its_fields_and_writes_nothing(bench: Bench) -> None:
    client = session_for(bench, "collector_a1")
    csrf = csrf_of(client.get("/workbench/residents/new"))
    with bench.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM residents")).scalar_one()
    answer = client.post(
        "/workbench/residents/new",
        data={
            "csrf_token": csrf,
            "name": "",
            "id_number": "341522198805120010",
            "phone": "1234",
            "village_code": bench.world.village_b1,
            "status": "working_away",
            "return_date": "明年",
        },
    )
    assert answer.status_code == 422
    for field, message in {
        "name": "请填写姓名。",
        "id_number": "校验位应为",
        "phone": "手机号应为 11 位数字",
        "village_code": "请选择本辖区内的村（社区）。",
        "return_date": "请填写日期",
    }.items():
        found = re.search(rf'id="{field}-problem" class="problem">([^<]*)<', answer.text)
        assert found and message in found.group(1), field
    assert 'href="#field-id_number"' in answer.text  # the summary links to the field
    with bench.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM residents")).scalar_one() == before


def test_every_message_of_the_pages_has_its_chinese(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent / "web_map" / "pages"
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    used = {m[2] for m in extract_from_dir(str(root), method_map, options)}
    with catalog_path("zh_CN").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id: m.string for m in catalog if m.id}
    assert used - set(translated) == set(), "run `make messages` and translate the new entries"
    assert [k for k, v in translated.items() if k in used and not v] == []
    for msgid, chinese in translated.items():
        assert re.findall(r"%\((\w+)\)s", msgid) == re.findall(r"%\((\w+)\)s", str(chinese)) or sorted(
            re.findall(r"%\((\w+)\)s", msgid)
        ) == sorted(re.findall(r"%\((\w+)\)s", str(chinese))), msgid


def test_search_by_id_tail_is_limited_to_the_masked_digits_and_stays_in_my_area(bench: Bench) -> None:
    with bench.engine.connect() as conn:
        other = conn.execute(
            text("SELECT name FROM residents WHERE village_code = :v ORDER BY resident_id LIMIT 1"),
            {"v": bench.world.village_b1},
        ).scalar_one()
    client = session_for(bench, "collector_a1")
    too_long = client.get("/workbench/residents", params={"q": "12345"})
    assert too_long.status_code == 200 and "请输入姓名，或身份证号最后 1–4 位。" in too_long.text
    elsewhere = client.get("/workbench/residents", params={"q": other}, headers={"HX-Request": "true"})
    assert elsewhere.text.lstrip().startswith('<section id="results"')  # htmx gets only the results
    assert f">{other}<" not in elsewhere.text  # a resident of another township is never found
    with bench.engine.connect() as conn:
        audited = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE account_id = :a AND action = 'resident.list'"),
            {"a": bench.world.account_ids["collector_a1"]},
        ).scalar_one()
    assert audited >= 1


def test_county_time_is_shown() -> None:
    from web_map.pages.templating import local_time

    assert local_time("2026-12-07T10:26:00+00:00") == "2026-12-07 18:26"
    assert local_time("2026-12-07T23:30:00+00:00", date_only=True) == "2026-12-08"


def test_guessing_the_current_password_is_throttled_like_a_login(bench: Bench) -> None:
    client = type(bench.client)(bench.client.app, client=("10.9.8.9", 5000))
    assert log_in(client, "hr_2").status_code == 303
    csrf = csrf_of(client.get("/workbench/password"))
    new = "Ganz-neues-Passwort-1"
    for _ in range(5):
        wrong = client.post(
            "/workbench/password",
            data={
                "csrf_token": csrf,
                "current_password": "guess",
                "new_password": new,
                "new_password_again": new,
            },
        )
        assert wrong.status_code == 422 and "当前密码不正确。" in wrong.text
    held = client.post(
        "/workbench/password",
        data={
            "csrf_token": csrf,
            "current_password": PASSWORD,
            "new_password": new,
            "new_password_again": new,
        },
    )
    assert held.status_code == 429 and re.search(r"尝试次数过多，请 \d+ 秒后再试。", held.text)
    with bench.engine.connect() as conn:
        failures = conn.execute(
            text(
                "SELECT count(*) FROM login_events WHERE account_id = :a AND reason = 'wrong current password'"
            ),
            {"a": bench.world.account_ids["hr_2"]},
        ).scalar_one()
    assert failures == 5
    # the password did not change, and the login form from that address waits too
    assert log_in(type(bench.client)(bench.client.app, client=("10.9.8.9", 5001)), "hr_2").status_code == 429
    assert log_in(type(bench.client)(bench.client.app, client=("10.9.8.10", 5000)), "hr_2").status_code == 303


def test_the_sites_api_keeps_its_json_errors_and_their_audit(bench: Bench) -> None:
    from tests.accounts_world import login

    headers = login(bench.client, "hr_1")
    refused = bench.client.get(
        f"/api/v1/residents/{bench.world.seeker_resident}?unmasked=true", headers=headers
    )
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/json"
    assert refused.json()["error"] == "UnmaskRefused"
    with bench.engine.connect() as conn:
        audited = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE account_id = :a AND action = 'unmasked.refused'"),
            {"a": bench.world.account_ids["hr_1"]},
        ).scalar_one()
    assert audited == 1
    missing = session_for(bench, "collector_a1").get("/workbench/residents/999999999")
    assert missing.status_code == 404 and "未找到" in missing.text  # a page answers with a page
