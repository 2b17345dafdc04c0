"""Every page a planner reads, signed in as a reader: what it shows is what the named queries say
(models.status.campaign_status and friends, read here from the same database), not fixed numbers."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from markupsafe import escape
from sqlalchemy import select

from models.campaigns import list_campaigns
from models.health import health
from models.schema import Attachment
from models.sections import unit_sections
from models.status import LATE, MISSING, ON_TIME, PENDING, campaign_status
from models.submissions import list_submissions
from reportbox.timefmt import VIETNAM
from tests.web.conftest import campaign_units, database, unit_statuses
from web.filters import STATUS_LABELS, vn_time

CAMPAIGN = "tk2019"


def error_message(page: str) -> str:
    found = re.search(r'<p class="error">(.*?)</p>', page, re.S)
    assert found, "the page shows no error message"
    return html.unescape(found.group(1))


def test_home_goes_to_the_campaigns(shared_reader):
    response = shared_reader.get("/")
    assert response.status_code == 303 and response.headers["location"].endswith("/campaigns")


def test_campaigns_page_counts_are_the_status_summary(shared_reader, shared_site):
    page = shared_reader.get("/campaigns")
    assert page.status_code == 200
    with database(shared_site) as session:
        expected = {c.id: (c.letter, dict(campaign_status(session, c.id).summary)) for c in list_campaigns(session)}
    assert expected, "the demo configures a campaign"
    cards = page.text.split('<article class="card">')[1:]
    assert len(cards) == len(expected)
    for card, (letter, summary) in zip(cards, expected.values()):
        assert html.escape(letter) in card or letter in card
        pills = {status: int(n) for status, n in re.findall(r'<span class="pill st-(\w+)">[^<:]*: (\d+)</span>', card)}
        assert pills == {status: summary[status] for status in ("on_time", "late", "missing", "pending", "exempt")}
        assert f"Thiếu mục: {summary['incomplete']}</span>" in card
        assert f"Chờ xem xét: {summary['needs_review']}</span>" in card


def test_campaign_page_shows_every_unit_with_its_status(shared_reader, shared_site):
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}")
    assert page.status_code == 200
    units, summary = campaign_units(shared_site)
    shown = unit_statuses(page.text)
    assert len(shown) == 63
    assert shown == {code: u.status for code, u in units.items()}
    assert list(shown) == list(units)  # registry order by default
    tiles = {status: int(n) for status, n in re.findall(r'<a class="tile st-(\w+)" href="\?status=\w+"><b>(\d+)</b>',
                                                         page.text)}
    assert tiles == {status: summary[status] for status in STATUS_LABELS}
    assert f"{len(units)} / {len(units)} đơn vị" in page.text


def test_status_filter_shows_exactly_the_late_units(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    late = {code for code, u in units.items() if u.status == LATE}
    assert late, "the demo has late reports"
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"status": "late"})
    assert page.status_code == 200
    assert set(unit_statuses(page.text)) == late
    assert f"{len(late)} / {len(units)} đơn vị" in page.text


def test_search_without_accents_finds_the_province(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    quang_ninh = {code for code, u in units.items() if u.name == "Quảng Ninh"}
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"q": "quang ninh"})
    assert page.status_code == 200
    assert set(unit_statuses(page.text)) == quang_ninh and len(quang_ninh) == 1
    by_code = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"q": next(iter(quang_ninh))})
    assert next(iter(quang_ninh)) in unit_statuses(by_code.text)
    nothing = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"q": "không có tỉnh này"})
    assert unit_statuses(nothing.text) == {} and "Không có đơn vị nào khớp bộ lọc." in nothing.text


def test_incomplete_flag_shows_the_reports_lacking_sections(shared_reader, shared_site):
    units, summary = campaign_units(shared_site)
    incomplete = {code for code, u in units.items() if u.status in (ON_TIME, LATE) and not u.complete}
    assert incomplete and len(incomplete) == summary["incomplete"]
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"flag": "incomplete"})
    assert set(unit_statuses(page.text)) == incomplete


def test_sort_by_received_descending_puts_units_without_a_time_last(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"sort": "received", "order": "desc"})
    order = list(unit_statuses(page.text))
    assert sorted(order) == sorted(units)
    with_time = [code for code in order if units[code].received_at is not None]
    without = [code for code in order if units[code].received_at is None]
    assert without and order == with_time + without  # no time: always last
    times = [units[code].received_at for code in with_time]
    assert times == sorted(times, reverse=True) and times[0] > times[-1]
    ascending = list(unit_statuses(shared_reader.get(f"/campaigns/{CAMPAIGN}",
                                              params={"sort": "received", "order": "asc"}).text))
    assert ascending == with_time[::-1] + without


def test_as_of_before_the_deadline_shows_pending_units(shared_reader, shared_site):
    before, _ = campaign_units(shared_site, "2019-12-10")
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"as_of": "2019-12-10"})
    assert page.status_code == 200
    shown = unit_statuses(page.text)
    assert shown == {code: u.status for code, u in before.items()}
    assert set(shown.values()) == {PENDING, ON_TIME}
    now, _ = campaign_units(shared_site)
    assert any(now[code].status == MISSING for code, status in shown.items() if status == PENDING)


def test_invalid_as_of_is_a_400_in_vietnamese(shared_reader):
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}", params={"as_of": "hôm qua"})
    assert page.status_code == 400
    assert error_message(page.text).startswith("Thời điểm không hợp lệ")


def test_map_colours_every_unit_by_its_status(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}")
    shapes = dict(re.findall(r'<path data-unit="([^"]+)" class="([^"]*)"', page.text))
    assert len(shapes) == 63 and set(shapes) == set(units)
    for code, classes in shapes.items():
        unit = units[code]
        assert f"st-{unit.status}" in classes.split(), (code, classes)
        assert ("incomplete" in classes.split()) == (unit.status in (ON_TIME, LATE) and not unit.complete)


def test_unit_page_of_a_unit_that_reported(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    code = max(units, key=lambda c: units[c].versions)  # a corrected report: several submissions
    unit = units[code]
    assert unit.versions >= 2
    with database(shared_site) as session:
        outline = list(next(c for c in list_campaigns(session) if c.id == CAMPAIGN).outline)
        views = [v for v in list_submissions(session, CAMPAIGN) if v.submission.unit == code]
        files = list(session.scalars(select(Attachment).where(
            Attachment.raw_message_id.in_([v.raw.id for v in views]))))
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}/units/{code}")
    assert page.status_code == 200
    assert f"<h1>{unit.name} <small>mã {code}</small></h1>" in page.text
    assert f'<span class="badge st-{unit.status}">{STATUS_LABELS[unit.status]}</span>' in page.text
    assert f"Các lần gửi ({len(views)})" in page.text
    assert set(re.findall(r'<article class="submission[^"]*" id="s(\d+)"', page.text)) == {
        str(v.submission.id) for v in views}
    rows = {key: state for state, key in re.findall(r'<tr class="(found|absent)" data-section="(\w+)">', page.text)}
    assert rows == {key: "found" if key in unit.sections else "absent" for key in outline}
    assert files
    for row in files:
        assert f'href="/messages/{row.raw_message_id}/attachments/{row.position}"' in page.text
        assert html.escape(row.filename) in page.text


def test_unit_page_as_of_before_its_first_report(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    code = max(units, key=lambda c: units[c].versions)
    before = units[code].received_at.astimezone(VIETNAM).date() - timedelta(days=1)
    then, _ = campaign_units(shared_site, before.isoformat())
    assert then[code].status == PENDING
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}/units/{code}", params={"as_of": before.isoformat()})
    assert page.status_code == 200
    assert "Các lần gửi (0)" in page.text and f'<span class="badge st-{PENDING}">' in page.text


def test_unit_page_shows_the_sections_a_report_lacks(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    code = next(c for c, u in units.items() if u.status in (ON_TIME, LATE) and u.missing_sections)
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}/units/{code}")
    absent = {key for key in re.findall(r'<tr class="absent" data-section="(\w+)">', page.text)}
    assert absent == set(units[code].missing_sections)


def test_unit_page_of_a_missing_unit(shared_reader, shared_site):
    units, _ = campaign_units(shared_site)
    code = next(c for c, u in units.items() if u.status == MISSING)
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}/units/{code}")
    assert page.status_code == 200
    assert "Chưa nhận" in page.text and "Các lần gửi (0)" in page.text
    assert f'<span class="badge st-missing">{STATUS_LABELS[MISSING]}</span>' in page.text
    assert "/attachments/" not in page.text


def test_unknown_unit_campaign_and_section_are_404(shared_reader):
    unit = shared_reader.get(f"/campaigns/{CAMPAIGN}/units/99")
    assert unit.status_code == 404 and "99" in error_message(unit.text)
    assert "Không tìm thấy" in unit.text
    campaign = shared_reader.get("/campaigns/tk1999")
    assert campaign.status_code == 404 and "tk1999" in error_message(campaign.text)
    section = shared_reader.get(f"/campaigns/{CAMPAIGN}/sections/nonsense")
    assert section.status_code == 404 and "nonsense" in error_message(section.text)
    assert shared_reader.get("/campaigns/tk1999/units/22").status_code == 404


def test_section_page_shows_every_unit_and_the_text_of_those_that_have_it(shared_reader, shared_site):
    with database(shared_site) as session:
        units = unit_sections(session, CAMPAIGN, ["proposals"])
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}/sections/proposals")
    assert page.status_code == 200
    articles = re.findall(r'<article class="unit-section st-(\w+)" data-unit="([^"]+)">', page.text)
    assert [code for _, code in articles] == [u.unit for u in units] and len(articles) == 63
    assert [status for status, _ in articles] == [u.status for u in units]
    with_text = [u for u in units if u.sections]
    assert 0 < len(with_text) < len(units)
    assert f"{len(with_text)} đơn vị có nội dung" in page.text
    chunks = dict(zip([code for _, code in articles], page.text.split('<article class="unit-section')[1:]))
    for u in units:
        for section in u.sections:  # its text, each line a paragraph (bar the heading, shown as one)
            lines = [line for line in section.text.split("\n") if line.strip() and line.strip() != section.heading]
            assert lines
            for line in lines:
                assert f"<p>{escape(line)}</p>" in chunks[u.unit], (u.unit, line)
        if not u.sections:
            assert '<p class="absent">' in chunks[u.unit]
    only = shared_reader.get(f"/campaigns/{CAMPAIGN}/sections/proposals", params={"only_with": "true"})
    shown = re.findall(r'<article class="unit-section st-\w+" data-unit="([^"]+)">', only.text)
    assert shown == [u.unit for u in with_text]


def test_review_queue_lists_the_waiting_submissions(shared_clients, shared_site):
    reader, reviewer = shared_clients("an"), shared_clients("lan")
    with database(shared_site) as session:
        waiting = [v.submission.id for v in list_submissions(session, state="needs_review")]
    assert len(waiting) >= 2
    page = reader.get("/review")
    assert page.status_code == 200
    assert sorted(int(n) for n in re.findall(r'data-submission="(\d+)"', page.text)) == sorted(waiting)
    assert f"Hàng chờ xem xét <small>{len(waiting)}</small>" in page.text
    assert "/assign" not in page.text and "/reject" not in page.text  # a reader only looks
    forms = reviewer.get("/review").text
    for submission_id in waiting:
        assert f'action="/review/{submission_id}/assign"' in forms
        assert f'action="/review/{submission_id}/reject"' in forms


def test_audit_log_page_before_any_decision(shared_reader):
    page = shared_reader.get("/review/log")
    assert page.status_code == 200
    assert "Chưa có quyết định nào." in page.text and "Chưa có điều chỉnh nào." in page.text


def test_health_page_lists_the_mailbox_and_its_last_success(shared_reader, shared_site):
    with database(shared_site) as session:
        folders = health(session).folders
    demo = next(f for f in folders if f.mailbox == "demo")
    assert demo.last_success_at is not None
    page = shared_reader.get("/health")
    assert page.status_code == 200
    row = re.search(r"<tr class=\"\"><td>demo <small>\(maildir\)</small></td>(.*?)</tr>", page.text, re.S)
    assert row, "the demo mailbox is not listed"
    assert f"<td>{vn_time(demo.last_success_at)}</td>" in row.group(1)


def test_signed_out_pages_redirect_to_sign_in_and_the_api_answers_401(shared_clients):
    client = shared_clients(None)
    for target in ("/", "/campaigns", f"/campaigns/{CAMPAIGN}?status=late&q=h%C3%A0", f"/campaigns/{CAMPAIGN}/units/22",
                   f"/campaigns/{CAMPAIGN}/sections/proposals", "/review", "/review/log", "/health",
                   f"/campaigns/{CAMPAIGN}/export.csv", "/messages/1/attachments/1", "/campaigns/tk1999"):
        response = client.get(target)
        assert response.status_code == 303, target
        location = urlsplit(response.headers["location"])
        assert location.path == "/login", target
        assert parse_qs(location.query)["next"] == [target], target  # the page asked for, query and all
    for target in ("/api/campaigns", f"/api/campaigns/{CAMPAIGN}/status", f"/api/campaigns/{CAMPAIGN}/sections",
                   "/api/submissions", "/api/review", "/api/messages", "/api/outbox", "/api/health"):
        response = client.get(target)
        assert response.status_code == 401 and response.json() == {"error": "not signed in"}, target
    assert client.get("/login").status_code == 200



def test_reminder_steps_are_named_for_planners():
    from web.filters import outbox_step

    assert outbox_step("after-3@2019-12-15") == "quá hạn 3 ngày (hạn 15/12/2019)"
    assert outbox_step("before-5@2020-01-10") == "trước hạn 5 ngày (hạn 10/01/2020)"
    assert outbox_step("deadline-day@2019-12-15") == "ngày hết hạn (hạn 15/12/2019)"
    assert outbox_step("message-42") == "thư #42"
    assert outbox_step("custom") == "custom"


def test_the_campaign_page_states_the_reminder_policy(site):
    from datetime import time

    from reportbox.config import SmtpConfig
    from web.views import reminder_policy

    assert "chưa cấu hình máy chủ thư đi" in reminder_policy(site, "tk2019")  # the demo has no [smtp]
    smtp = SmtpConfig(host="127.0.0.1", port=25, security="none", **{"from": "khtc@molisa.gov.vn"})
    campaign = site.campaign[0]
    policy = campaign.reminders.model_copy(update={"before_deadline_days": (1, 5), "after_deadline_days": (3, 1),
                                                   "send_at": time(7, 30), "max_reminders": 4})
    config = site.model_copy(update={"smtp": smtp, "campaign": (campaign.model_copy(update={"reminders": policy}),)})
    assert reminder_policy(config, "tk2019") == ("Thư nhắc tự động: 5, 1 ngày trước hạn và 1, 3 ngày sau hạn, "
                                                 "lúc 07:30; tối đa 4 thư cho mỗi đơn vị.")
    assert "không còn trong cấu hình" in reminder_policy(config, "tk2018")


def test_the_section_page_keeps_its_instant_in_every_link_and_form(shared_reader):
    page = shared_reader.get("/campaigns/tk2019/sections/plan", params={"as_of": "2019-12-10"}).text
    assert "tính đến 10/12/2019 23:59" in page
    assert 'name="as_of" value="2019-12-10"' in page
    assert page.count("?as_of=2019-12-10") >= 5 and "section=plan&amp;as_of=2019-12-10" in page


LETTER_SECTIONS = '''
[[campaign.section]]
key = "results"
number = "1a"
title = "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, người có công và xã hội"
[[campaign.section]]
key = "proposals"
number = "II.b"
title = "Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ"
'''


def test_the_pages_quote_the_outline_in_the_letters_words_with_its_years(site):
    from starlette.testclient import TestClient

    from reportbox.config import load_config
    from tests.web.conftest import login
    from web.app import create_app

    with site.path.open("a", encoding="utf-8") as stream:
        stream.write(LETTER_SECTIONS)  # the demo's campaign is the file's last table
    asgi = create_app(load_config(site.path))  # syncs the campaign, its letter's sections included
    try:
        client = TestClient(asgi, base_url="http://127.0.0.1:8000", follow_redirects=False)
        login(client, "an")
        unit = html.unescape(client.get(f"/campaigns/{CAMPAIGN}/units/22").text)
        rows = dict(re.findall(r'data-section="(\w+)">\s*<th scope="row">([^<]*)</th>', unit))
        assert rows == {
            "results": "1a. Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, "
                       "người có công và xã hội",
            "policies": "1b. Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án",
            "shortcomings": "1c. Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân",
            "plan": "2a. Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm 2020",  # the plan year
            "proposals": "II.b. Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ",
        }
        section = html.unescape(client.get(f"/campaigns/{CAMPAIGN}/sections/proposals").text)
        assert ("<title>II.b. Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ — "
                "5025/LĐTBXH-KHTC") in section
        assert "<h1>II.b. Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ</h1>" in section
        assert 'title="Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm 2020">2a. ' in section  # a tab
        campaign = html.unescape(client.get(f"/campaigns/{CAMPAIGN}").text)
        assert ('title="Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 lĩnh vực lao động, người có '
                'công và xã hội">1a. ') in campaign
        assert "năm sau" not in unit + section + campaign
    finally:
        asgi.dashboard.close()


def test_a_unit_whose_report_could_not_be_read_is_flagged_and_can_be_filtered(site, make_client):
    from datetime import datetime

    from models.schema import Document, Outbox, RawMessage, Submission, SubmissionState

    units, _ = campaign_units(site)
    code = next(c for c, u in units.items() if u.status == MISSING and not u.needs_review)
    with database(site) as session:
        raw = RawMessage(sha256="f" * 64, size=1, received_at=datetime(2019, 12, 12, 9, tzinfo=VIETNAM),
                         received_source="internaldate", state="submission")
        session.add(raw)
        session.flush()
        session.add(Submission(raw_message_id=raw.id, campaign=CAMPAIGN, unit_registry="vn63", unit=code,
                               state=SubmissionState.NEEDS_REVIEW))
        session.add(Document(raw_message_id=raw.id, position=0, attachment_position=0, path="Bao cao.pdf",
                             kind="pdf", size=1, sha256="f" * 64, error="encrypted"))
    reader = make_client("an")
    flagged = reader.get(f"/campaigns/{CAMPAIGN}", params={"flag": "unreadable"})
    assert unit_statuses(flagged.text) == {code: MISSING}  # not counted, and no one else
    assert "không đọc được tệp</span>" in flagged.text and 'title="Bao cao.pdf (có mật khẩu)"' in flagged.text
    assert re.search(r'<b>1</b>Không đọc được tệp</a>', flagged.text)  # the summary's tile
    page = reader.get(f"/campaigns/{CAMPAIGN}/units/{code}")
    assert "chưa được tính: Bao cao.pdf (có mật khẩu)." in page.text
    # The page says what was really sent: nothing yet; then the request the outbox records.
    assert 'data-state="none">Không có thư đề nghị gửi lại nào ghi cho đơn vị này.' in page.text
    assert "Nếu đợt có lịch nhắc, thư nhắc nộp nêu tên các tệp này" in page.text
    with database(site) as session:
        session.add(Outbox(campaign=CAMPAIGN, unit=code, kind="resend_request", step=f"message-{raw.id}",
                           submission_id=None, message_id="<r1@molisa.gov.vn>", mail_from="phongkh@molisa.gov.vn",
                           to=["snv@tinh.gov.vn"], cc=[], subject="Đề nghị gửi lại báo cáo", raw=b"x",
                           as_of=raw.received_at, state="sent", sent_at=datetime(2019, 12, 12, 9, 5, tzinfo=VIETNAM)))
    page = html.unescape(reader.get(f"/campaigns/{CAMPAIGN}/units/{code}").text)
    assert re.search(r'data-state="sent">Thư đề nghị gửi lại \(thư #\d+\):\s+đã gửi tới snv@tinh.gov.vn lúc ', page)
    assert "Không có thư đề nghị gửi lại" not in page
    status = reader.get(f"/api/campaigns/{CAMPAIGN}/status").json()
    unit = next(u for u in status["units"] if u["unit"] == code)
    assert (unit["unreadable"], unit["unreadable_files"], unit["needs_review"]) == (
        True, [{"filename": "Bao cao.pdf", "error": "encrypted"}], 0)
    assert status["summary"]["unreadable"] == 1
