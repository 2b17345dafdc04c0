"""The dashboard end to end, in Debian's headless chromium: signing in, the campaign page's table,
map, filters and sorting (its JavaScript included), a reviewer's decision, the exports, and
screenshots of every page for people to look at (REPORTBOX_ARTIFACTS, default test-artifacts/)."""

from __future__ import annotations

import os
import re

import docx
import openpyxl

from parsers.vietnamese import fold
from tests.web.browser import *  # noqa: F403 (the fixtures: browser, context, live_server, page, troubles)
from tests.web.browser import REPO, Troubles, artifacts_dir, sign_in
from tests.web.conftest import HOSTILE_SUBJECT

CAMPAIGN = "tk2019"
LETTER = "5025/LĐTBXH-KHTC"
UNIT_ROWS = "#units tbody tr[data-unit]"
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides, isolates


def api(page, base_url: str, path: str):
    """The JSON API, fetched with the page's cookies (the signed-in user's session)."""
    response = page.request.get(base_url + path)
    assert response.ok, f"{path}: {response.status} {response.text()}"
    return response.json()


def hostile_item(page):
    """The review queue's entry for the conftest's hostile message."""
    item = page.locator("article[data-submission]").filter(has_text="<script>alert('subject')</script>")
    assert item.count() == 1
    return item


def shown_units(page) -> list[str]:
    """The unit codes of the campaign table's rows the reader can see, top to bottom."""
    return page.locator(f"{UNIT_ROWS}:not([hidden])").evaluate_all("rows => rows.map(r => r.dataset.unit)")


def test_sign_in_as_reader_shows_the_campaign_card(live_server, page, troubles: Troubles):
    page.goto(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill("an")
    page.get_by_label("Mật khẩu").fill("not-her-password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert page.url.endswith("/login")
    refused = [e for e in troubles.console_errors if "status of 401" in e and e.endswith("/login)")]
    assert len(refused) == 1, troubles.console_errors  # Chromium logs the refusal's status: expected here
    troubles.console_errors.remove(refused[0])

    sign_in(page, live_server, "an")
    assert page.url == f"{live_server}/campaigns"
    assert "Trần Văn An (chỉ xem)" in page.locator("header.top").inner_text()
    card = page.locator("article.card").filter(has=page.get_by_role("link", name=LETTER))
    assert card.count() == 1
    counts = next(c for c in api(page, live_server, "/api/campaigns") if c["campaign"] == CAMPAIGN)["summary"]
    pills = card.locator(".counts").inner_text()
    for label, key in (("Đúng hạn", "on_time"), ("Nộp muộn", "late"), ("Chưa nộp (quá hạn)", "missing"),
                       ("Thiếu mục", "incomplete"), ("Chờ xem xét", "needs_review")):
        assert f"{label}: {counts[key]}" in pills
    card.get_by_role("link", name=LETTER).click()
    assert page.url == f"{live_server}/campaigns/{CAMPAIGN}"
    troubles.assert_none()


def test_campaign_table_map_filters_and_sorting(live_server, page, troubles: Troubles):
    sign_in(page, live_server, "an")
    page.goto(f"{live_server}/campaigns/{CAMPAIGN}")
    status = api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")
    every = [u["unit"] for u in status["units"]]
    assert len(every) == 63
    assert shown_units(page) == every
    assert sorted(page.locator("svg.province-map [data-unit]").evaluate_all(
        "shapes => shapes.map(s => s.dataset.unit)")) == sorted(every)

    # Typing filters the rows in the page (table.js) as the form would on the server.
    search = page.locator("input[data-filter]")
    search.press_sequentially("quang")
    typed = shown_units(page)
    names = {u["unit"]: u["name"] for u in status["units"]}
    assert typed == [code for code in every if "quang" in fold(names[code])]
    assert 0 < len(typed) < 63
    assert page.locator("[data-count-for=units]").inner_text().startswith(f"{len(typed)} / 63")
    search.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=quang"))
    assert shown_units(page) == typed
    assert page.locator(UNIT_ROWS).count() == len(typed)  # the server sent only these

    search.fill("")
    page.get_by_label("Tình trạng").select_option(label="Nộp muộn")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url(re.compile(r"[?&]status=late"))
    late = [u for u in status["units"] if u["status"] == "late"]
    assert late, "the demo has late units"
    assert shown_units(page) == [u["unit"] for u in late]
    assert set(page.locator(f"{UNIT_ROWS} td:nth-child(3) .badge:first-child").all_inner_texts()) == {"Nộp muộn"}

    page.get_by_role("link", name="Muộn (giờ)").click()
    page.wait_for_url(re.compile(r"sort=late"))
    by_hours = [u["unit"] for u in sorted(late, key=lambda u: u["late_by_hours"])]
    assert shown_units(page) == by_hours  # still only the late ones
    assert page.get_by_role("link", name="Muộn (giờ)").get_attribute("aria-sort") == "ascending"
    page.get_by_role("link", name="Muộn (giờ)").click()
    page.wait_for_url(re.compile(r"order=desc"))
    assert shown_units(page) == [u["unit"] for u in sorted(late, key=lambda u: u["late_by_hours"], reverse=True)]
    assert page.get_by_role("link", name="Muộn (giờ)").get_attribute("aria-sort") == "descending"
    troubles.assert_none()


def test_reviewer_assigns_the_hostile_report(live_server, page, troubles: Troubles):
    sign_in(page, live_server, "lan")
    before = {u["unit"]: u for u in api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")["units"]}["22"]
    page.goto(f"{live_server}/review")
    item = hostile_item(page)
    assert item.locator(".mail-head dd").nth(1).inner_text().startswith("<script>alert('subject')</script>")
    assert page.locator("main img").count() == 0  # the attachment's name made no element either
    submission = item.get_attribute("data-submission")

    item.locator("form[action$='/assign'] select[name=unit]").select_option("22")
    reason = "Báo cáo của Sở Quảng Ninh, gửi từ hộp thư khác"
    item.get_by_label("Lý do", exact=True).fill(reason)
    item.get_by_role("button", name="Gán").click()
    page.wait_for_url(f"{live_server}/review")
    flash = page.get_by_role("status").inner_text()
    assert flash == f"Đã gán báo cáo #{submission} cho đơn vị 22."  # its campaign kept: none chosen
    assert page.locator(f"article[data-submission='{submission}']").count() == 0

    page.goto(f"{live_server}/campaigns/{CAMPAIGN}")
    after = {u["unit"]: u for u in api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")["units"]}["22"]
    assert after["versions"] == before["versions"] + 1
    row = page.locator(f"{UNIT_ROWS}[data-unit='22']")
    assert row.get_attribute("data-status") == after["status"]
    assert "Quảng Ninh" in row.inner_text()
    assert row.locator("td").nth(5).inner_text() == str(after["versions"])

    page.get_by_role("link", name="Nhật ký").click()
    decision = page.locator("table.audit").first.locator("tr").filter(has_text=f"#{submission}")
    assert decision.count() == 1
    cells = decision.locator("td").all_inner_texts()
    assert cells[1:] == ["lan", cells[2], "gán cho 22, đợt tk2019", reason]  # the campaign it had is settled
    assert cells[2].startswith(f"#{submission} ")
    troubles.assert_none()


def test_reviewer_moves_a_report_out_of_the_campaign_and_back_from_the_unit_page(live_server, page,
                                                                               troubles: Troubles):
    sign_in(page, live_server, "lan")
    units = {u["unit"]: u for u in api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")["units"]}
    code = next(c for c, u in sorted(units.items()) if u["status"] == "on_time" and u["versions"] == 1)
    unit_page = f"{live_server}/campaigns/{CAMPAIGN}/units/{code}"
    page.goto(unit_page)
    report = page.locator("article.submission:not(.other-report)").first
    report.get_by_label("Lý do (bắt buộc)").fill("Báo cáo chuyên đề, không theo công văn")
    report.get_by_role("button", name="Chuyển thành báo cáo khác (không tính)").click()
    page.wait_for_url(unit_page)
    assert page.get_by_role("status").inner_text().endswith("(không tính cho đợt).")
    assert page.locator("h2", has_text="Báo cáo khác (1)").count() == 1
    now = {u["unit"]: u for u in api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")["units"]}
    assert now[code]["status"] == "missing"

    page.locator("article.other-report").get_by_role("button", name=f"Chuyển vào đợt {CAMPAIGN} (tính cho đợt)").click()
    page.wait_for_url(unit_page)
    assert page.locator("h2", has_text="Báo cáo khác (0)").count() == 1
    again = {u["unit"]: u for u in api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")["units"]}
    assert again[code]["status"] == "on_time"
    troubles.assert_none()


def test_exports_download_and_open(live_server, page, troubles: Troubles, tmp_path):
    sign_in(page, live_server, "an")
    page.goto(f"{live_server}/campaigns/{CAMPAIGN}")
    units = {u["unit"]: u["name"] for u in api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")["units"]}

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Bảng tình hình (.xlsx)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    xlsx = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx)
    sheet = openpyxl.load_workbook(xlsx, read_only=True)["Tình hình nộp"]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row[:2] == ("Mã", "Đơn vị"))
    assert {row[0]: row[1] for row in rows[header + 1:] if row[0]} == units

    with page.expect_download() as docx_download:
        page.get_by_role("link", name="Tổng hợp các mục (.docx)").click()
    assert docx_download.value.suggested_filename.endswith(".docx")
    path = tmp_path / docx_download.value.suggested_filename
    docx_download.value.save_as(path)
    headings = [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{code} — {name}" for code, name in units.items()]
    troubles.assert_none()


def test_unit_and_section_pages_from_links(live_server, page, troubles: Troubles):
    sign_in(page, live_server, "an")
    page.goto(f"{live_server}/campaigns/{CAMPAIGN}")
    status = api(page, live_server, f"/api/campaigns/{CAMPAIGN}/status")
    page.locator(f"{UNIT_ROWS}[data-unit='22']").get_by_role("link", name="Quảng Ninh").click()
    page.wait_for_url(f"{live_server}/campaigns/{CAMPAIGN}/units/22")
    assert page.locator("h1").inner_text() == "Quảng Ninh mã 22"
    assert page.locator("table.outline tr[data-section]").evaluate_all(
        "rows => rows.map(r => r.dataset.section)") == status["outline"]

    page.locator("p.crumbs").get_by_role("link", name=LETTER).click()
    page.wait_for_url(f"{live_server}/campaigns/{CAMPAIGN}")
    page.locator("svg.province-map path[data-unit='40']").click()  # Nghệ An: a large shape
    page.wait_for_url(f"{live_server}/campaigns/{CAMPAIGN}/units/40")
    page.go_back()

    first = status["outline"][0]
    link = page.locator("p.sections a").first
    title = link.get_attribute("title")  # the outline's title; the link shows its number and the start
    assert link.inner_text().startswith("1a. ")
    link.click()
    page.wait_for_url(f"{live_server}/campaigns/{CAMPAIGN}/sections/{first}")
    assert page.locator("h1").inner_text() == f"1a. {title}"
    assert page.locator("nav.tabs [aria-current=page]").get_attribute("title") == title
    assert page.locator("article.unit-section").count() == 63
    with_text = sum(first in u["sections"] for u in status["units"])
    assert f"{with_text} đơn vị có nội dung" in page.locator("main").inner_text()
    troubles.assert_none()


SCREENSHOTS = {
    "campaigns": "/campaigns",
    "campaign-status": f"/campaigns/{CAMPAIGN}",
    "unit": f"/campaigns/{CAMPAIGN}/units/22",
    "section": f"/campaigns/{CAMPAIGN}/sections/results",
    "review-queue": "/review",
    "health": "/health",
}


def test_screenshots_of_every_page(live_server, page, troubles: Troubles):
    """Full-page screenshots for people to look at; the README's picture when asked for
    (REPORTBOX_UPDATE_SCREENSHOTS=1 writes docs/screenshots/campaign.png)."""
    directory = artifacts_dir() / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server}/login")
    page.screenshot(path=directory / "login.png", full_page=True)
    sign_in(page, live_server, "lan")
    for name, path in SCREENSHOTS.items():
        response = page.goto(live_server + path)
        assert response.status == 200, f"{path}: {response.status}"
        page.screenshot(path=directory / f"{name}.png", full_page=True)
        assert (directory / f"{name}.png").stat().st_size > 10_000, f"{name}.png looks blank"
    if os.environ.get("REPORTBOX_UPDATE_SCREENSHOTS") == "1":
        readme_picture = REPO / "docs" / "screenshots" / "campaign.png"
        readme_picture.parent.mkdir(parents=True, exist_ok=True)
        # As of a day in the campaign, not today: the picture says "5 days overdue", whatever the year.
        page.goto(f"{live_server}/campaigns/{CAMPAIGN}?as_of=2019-12-20T08:00")
        page.screenshot(path=readme_picture)  # the viewport only: 1400x1000, small enough to commit
        assert readme_picture.stat().st_size < 400_000
    troubles.assert_none()


def test_the_icon_the_browser_asks_for_exists(live_server, page):
    page.goto(f"{live_server}/login")
    icon = page.evaluate("(document.querySelector('link[rel~=icon]') || {}).href || location.origin + '/favicon.ico'")
    assert page.request.get(icon).ok, icon


def test_a_sender_without_an_address_is_not_shown_as_none(live_server, page):
    sign_in(page, live_server, "an")
    page.goto(f"{live_server}/review")
    sender = hostile_item(page).locator(".mail-head dd").first.inner_text()
    assert "None" not in sender, sender


def test_a_subject_cannot_reorder_what_the_reviewer_reads(live_server, page):
    assert BIDI_CONTROLS.search(HOSTILE_SUBJECT)
    sign_in(page, live_server, "an")
    page.goto(f"{live_server}/review")
    subject = hostile_item(page).locator(".mail-head dd").nth(1).inner_text()
    assert not BIDI_CONTROLS.search(subject), ascii(subject)


def test_assigning_without_choosing_a_unit_assigns_nothing(live_server, page):
    sign_in(page, live_server, "lan")
    page.goto(f"{live_server}/review")
    item = hostile_item(page)
    submission = int(item.get_attribute("data-submission"))
    item.get_by_role("button", name="Gán").click()
    page.wait_for_load_state()
    assert submission in [entry["id"] for entry in api(page, live_server, "/api/review")]
