"""In Chromium, through the workbench pages only: a village collector on a phone finds a resident and records a
new one; township staff on a desktop approve and return in the review queue, one by one and in a batch; the
collector then sees what came back and why. No console error, no CSP violation, no request to another host."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import text

from registry.personal import mask_id
from tests.accounts_world import CIPHER, PASSWORD, id_number, live_site, login
from tests.accounts_world import LiveSite as Site
from tests.page_watch import PageWatch, wait_until

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MASKED_ID = re.compile(r"^[0-9]{4}\*{10}[0-9X]{4}$")
MASKED_PHONE = re.compile(r"^[0-9]{3}\*{4}[0-9]{4}$")
MARK = "window.__sameDocument = true"  # gone if the page reloads: htmx swapped only a part


@pytest.fixture
def site(demo_db_url: str, tmp_path: Path) -> Iterator[Site]:
    """The real site on a free port over a private demo with one account per role."""
    yield from live_site(demo_db_url, tmp_path)


def _log_in(
    browser: Browser, site: Site, path: str, who: str, device: dict[str, Any]
) -> tuple[Page, PageWatch]:
    page = browser.new_context(**device).new_page()
    watch = PageWatch(site.base)
    watch.attach(page)
    page.goto(site.base + path)
    page.wait_for_selector("#login-form")
    page.fill("#field-login", who)
    page.fill("#field-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#who")
    return page, watch


def _shot(page: Page, name: str) -> None:
    """With HONGYAN_SCREENSHOTS=<dir>, keep a screenshot of the page for the user guide (docs/guide/)."""
    folder = os.environ.get("HONGYAN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _menu(page: Page) -> list[str]:
    page.click("#menu summary")
    keys = page.eval_on_selector_all("#menu [data-page]", "els => els.map(e => e.dataset.page)")
    page.click("#menu summary")
    return list(keys)


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _submit_via_api(site: Site, n: int, name: str) -> int:
    """A record of village a1, created and submitted by its collector through the JSON API."""
    headers = login(site.client, "collector_a1")
    body = {"name": name, "id_number": id_number(n, born="19910203"), "village_code": site.world.village_a1}
    created = site.client.post("/api/v1/residents", headers=headers, json=body | {"status": "seeking"})
    assert created.status_code == 201, created.text
    rid = int(created.json()["resident_id"])
    assert site.client.post(f"/api/v1/residents/{rid}/submit", headers=headers).status_code == 200
    return rid


def test_village_collector_finds_and_records_a_resident_on_a_phone(browser: Browser, site: Site) -> None:
    world = site.world
    with site.engine.connect() as conn:
        known = conn.execute(
            text(
                "SELECT resident_id, name, id_cipher FROM residents WHERE village_code = :v ORDER BY resident_id LIMIT 1"
            ),
            {"v": world.village_a1},
        ).one()
        before = conn.execute(text("SELECT count(*) FROM residents")).scalar_one()
    known_id = CIPHER.decrypt(bytes(known.id_cipher))

    page, watch = _log_in(browser, site, "/workbench", "collector_a1", PHONE)
    assert page.url == site.base + "/workbench"
    _shot(page, "collector-home")
    assert _menu(page) == ["residents", "resident_new", "my_records", "import", "policies", "map", "password"]
    _fits_the_phone(page)

    # find by name: the list comes in place (htmx), masked
    page.click("#jobs a[href$='/workbench/residents']")
    page.wait_for_selector("#find-form")
    page.evaluate(MARK)
    page.fill("#field-q", known.name)
    page.press("#field-q", "Enter")
    page.wait_for_selector(f"#people [data-resident='{known.resident_id}']")
    assert page.evaluate("window.__sameDocument === true")
    for masked in page.eval_on_selector_all("#people .masked", "els => els.map(e => e.textContent.trim())"):
        id_part, _, phone_part = masked.partition(" · ")
        assert MASKED_ID.match(id_part), masked
        assert not phone_part or MASKED_PHONE.match(phone_part), masked
    assert known_id not in page.content()
    _shot(page, "collector-find")
    # … and by the last four characters of the ID number
    page.fill("#field-q", known_id[-4:])
    page.press("#field-q", "Enter")
    wait_until(
        page, "id => !!document.querySelector(`#people [data-resident='${id}']`)", arg=known.resident_id
    )
    assert page.evaluate("window.__sameDocument === true")
    page.click(f"#people [data-resident='{known.resident_id}']")
    page.wait_for_selector("#resident")
    assert page.text_content("#masked-id") == mask_id(known_id)
    assert known_id not in page.content()
    _fits_the_phone(page)

    # record a new resident: a mistyped ID number is named on its field, in Chinese, and nothing is written
    page.click("#menu summary")
    page.click("#menu [data-page=resident_new]")
    page.wait_for_selector("#resident-form")
    page.evaluate(MARK)
    new_id = id_number(907, born="19930615")
    wrong_id = new_id[:17] + ("1" if new_id[17] != "1" else "2")
    page.fill("#field-name", "王小采")
    page.fill("#field-id_number", wrong_id)
    page.fill("#field-phone", "13912340907")
    page.select_option("#field-status", "working_away")
    page.fill("#field-household_address", "霍邱县某村 12 号")
    page.select_option("#field-education", "高中/中专")
    page.fill("#field-occupation_code", "6-18-01-01")
    page.fill("#field-employer", "苏州某电子厂")
    page.fill("#field-work_place", "苏州工业园区")
    page.fill("#field-work_city", "苏州")
    page.select_option("#field-income_band", "5000-7999")
    page.select_option("#field-wish_to_return", "yes")
    page.fill("#field-return_date", "2027-02-01")
    page.fill("#field-skills", "焊工、叉车")
    page.fill("#field-training_wishes", "电工")
    page.click("#save-submit")
    page.wait_for_selector("#id_number-problem")
    assert "校验位应为" in page.text_content("#id_number-problem")
    assert page.get_attribute("#field-id_number", "aria-invalid") == "true"
    assert page.evaluate("window.__sameDocument === true")
    assert page.input_value("#field-employer") == "苏州某电子厂"  # what was typed stays
    _shot(page, "collector-new-problem")
    with site.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM residents")).scalar_one() == before
    _fits_the_phone(page)

    page.fill("#field-id_number", new_id)
    page.click("#save-submit")
    page.wait_for_selector("#notice")
    assert page.text_content("#notice").strip() == "已提交，等待乡镇审核。"
    assert page.text_content("#record-status").strip() == "待乡镇审核"
    assert page.text_content("#masked-id") == mask_id(new_id)
    _shot(page, "collector-submitted")
    with site.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT resident_id, name, village_code, record_status, status, education, occupation_code, "
                "employer, work_place, work_city, income_band, wish_to_return, return_date, skills, "
                "training_wishes, household_address, location_source, created_by FROM residents WHERE id_hash = :h"
            ),
            {"h": CIPHER.keyed_hash(new_id)},
        ).one()
        steps = conn.execute(
            text(
                "SELECT action, account_id FROM review_events WHERE table_name = 'residents' AND record_id = :r"
            ),
            {"r": row.resident_id},
        ).all()
        assert conn.execute(text("SELECT count(*) FROM residents")).scalar_one() == before + 1
    assert (row.name, row.village_code, row.record_status, row.status) == (
        "王小采",
        world.village_a1,
        "submitted",
        "working_away",
    )
    assert (row.education, row.occupation_code, row.employer, row.work_place, row.work_city) == (
        "高中/中专",
        "6-18-01-01",
        "苏州某电子厂",
        "苏州工业园区",
        "苏州",
    )
    assert (row.income_band, row.wish_to_return, row.return_date.isoformat()) == (
        "5000-7999",
        True,
        "2027-02-01",
    )
    assert (list(row.skills), list(row.training_wishes)) == (["焊工", "叉车"], ["电工"])
    assert (row.household_address, row.location_source) == ("霍邱县某村 12 号", "village_centroid")
    assert row.created_by == world.account_ids["collector_a1"]
    assert [(s.action, s.account_id) for s in steps] == [("submit", world.account_ids["collector_a1"])]
    # the township sees it waiting for its review (the JSON API's queue, the same service)
    queue = site.client.get("/api/v1/review/queue", headers=login(site.client, "staff_a")).json()
    assert row.resident_id in {i["record_id"] for i in queue["items"] if i["kind"] == "residents"}
    watch.assert_clean(page)


def test_township_reviews_one_by_one_and_in_a_batch_and_the_collector_sees_the_return(
    browser: Browser, site: Site
) -> None:
    world = site.world
    ids = [_submit_via_api(site, 930 + k, name) for k, name in enumerate(("赵审一", "钱审二", "孙审三"))]
    returned, approved = ids[0], ids[1:]
    reason = "身份证号与户口簿不一致，请核对后重新提交"

    page, watch = _log_in(browser, site, "/workbench/review", "staff_a", DESKTOP)
    assert page.url == site.base + "/workbench/review"
    assert _menu(page) == ["residents", "resident_new", "review", "import", "policies", "map", "password"]
    for rid in ids:
        page.wait_for_selector(f"#row-{rid}")
    page.evaluate(MARK)
    _shot(page, "township-queue")

    # return one, with its reason (its row's button)
    page.fill(f"input[name='reason-{returned}']", reason)
    page.click(f"#row-{returned} button.return")
    page.wait_for_selector("#notice")
    assert page.text_content("#notice").strip() == "已退回 1 条，原因已通知采集员。"
    assert page.query_selector(f"#row-{returned}") is None

    # a batch return needs a reason: nothing changes without one
    page.check(f"#row-{approved[0]} input[name=ids]")
    page.click("#batch-return")
    page.wait_for_selector("#batch_reason-problem")
    assert page.text_content("#batch_reason-problem").strip() == "请填写退回原因，采集员会看到。"
    _shot(page, "township-batch-problem")
    with site.engine.connect() as conn:
        states = dict(
            conn.execute(
                text("SELECT resident_id, record_status FROM residents WHERE resident_id = ANY(:ids)"),
                {"ids": ids},
            ).all()
        )
    assert states == {returned: "returned", approved[0]: "submitted", approved[1]: "submitted"}

    # approve the other two together
    for rid in approved:
        page.check(f"#row-{rid} input[name=ids]")
    page.click("#batch-approve")
    wait_until(
        page,
        "document.querySelector('#notice') && document.querySelector('#notice').textContent.includes('已通过')",
    )
    assert page.text_content("#notice").strip() == "已通过 2 条。"
    assert all(page.query_selector(f"#row-{rid}") is None for rid in ids)
    assert page.evaluate("window.__sameDocument === true")
    with site.engine.connect() as conn:
        states = dict(
            conn.execute(
                text("SELECT resident_id, record_status FROM residents WHERE resident_id = ANY(:ids)"),
                {"ids": ids},
            ).all()
        )
        events = conn.execute(
            text(
                "SELECT record_id, action, level, reason, account_id FROM review_events "
                "WHERE table_name = 'residents' AND record_id = ANY(:ids) AND action <> 'submit' ORDER BY record_id"
            ),
            {"ids": ids},
        ).all()
    assert states == {
        returned: "returned",
        approved[0]: "township_approved",
        approved[1]: "township_approved",
    }
    staff = world.account_ids["staff_a"]
    assert [tuple(e) for e in events] == [
        (returned, "return", "township", reason, staff),
        (approved[0], "approve", "township", "", staff),
        (approved[1], "approve", "township", "", staff),
    ]
    watch.assert_clean(page)

    # the county reviewer now has the two approved ones
    queue = site.client.get("/api/v1/review/queue", headers=login(site.client, "reviewer")).json()
    assert set(approved) <= {i["record_id"] for i in queue["items"] if i["kind"] == "residents"}

    # the collector, on the phone, sees the returned record with the township's reason
    phone, phone_watch = _log_in(browser, site, "/workbench/my", "collector_a1", PHONE)
    phone.wait_for_selector(f"#my-items [data-resident='{returned}']")
    item = phone.text_content(f"#my-items [data-resident='{returned}']")
    assert "已退回" in item and reason in item
    assert all(phone.query_selector(f"#my-items [data-resident='{rid}']") is None for rid in approved)
    phone.click(f"#my-items [data-resident='{returned}']")
    phone.wait_for_selector("#return-reason")
    assert reason in phone.text_content("#return-reason")
    assert phone.text_content("#record-status").strip() == "已退回"
    _shot(phone, "collector-returned")
    _fits_the_phone(phone)

    # … fixes it (a dated change, kept in the history) and submits it again
    phone.click("#edit-record")
    phone.wait_for_selector("#resident-form")
    assert phone.input_value("#field-name") == "赵审一" and phone.input_value("#field-id_number") == ""
    phone.fill("#field-employer", "霍邱县某服装厂")
    phone.fill("#field-effective_date", "2026-11-30")
    phone.click("#save-submit")
    phone.wait_for_selector("#notice")
    assert phone.text_content("#notice").strip() == "已提交，等待乡镇审核。"
    assert phone.query_selector("#return-reason") is None
    with site.engine.connect() as conn:
        status = conn.execute(
            text("SELECT record_status, employer FROM residents WHERE resident_id = :r"), {"r": returned}
        ).one()
        changes = conn.execute(
            text(
                "SELECT field, old_value, new_value, effective_date::text, changed_by FROM record_changes "
                "WHERE table_name = 'residents' AND record_id = :r AND field = 'employer'"
            ),
            {"r": returned},
        ).all()
    assert tuple(status) == ("submitted", "霍邱县某服装厂")
    assert [tuple(c) for c in changes] == [
        ("employer", "", "霍邱县某服装厂", "2026-11-30", world.account_ids["collector_a1"])
    ]
    queue = site.client.get("/api/v1/review/queue", headers=login(site.client, "staff_a")).json()
    assert returned in {i["record_id"] for i in queue["items"] if i["kind"] == "residents"}
    phone_watch.assert_clean(phone)
