"""Other reports of a unit on the dashboard (listed on its page, never counted; moved out of the
campaign and back in by reviewers only), and the review queue showing a stored document's
letterhead and opening so a reviewer decides without downloading it."""

from __future__ import annotations

import html
import re
from datetime import date

from markupsafe import escape
from sqlalchemy import func, select

from models.messages import attachments_of
from models.schema import Document, ReviewDecision, Submission, SubmissionKind, SubmissionState
from models.status import LATE, MISSING, ON_TIME
from reportbox.shapes import submissions_json
from tests.web.conftest import campaign_units, csrf_token, database, post_form
from tests.web.test_actions import audit_rows, error_message, flash

CAMPAIGN = "tk2019"
POVERTY = "BÁO CÁO Kết quả thực hiện công tác giảm nghèo năm 2019"
TOPIC = 'title: "công tác giảm nghèo" is one programme, tk2019 asks for the whole sector → other_report'


def esc(text: str) -> str:
    """As the pages' autoescape writes it."""
    return str(escape(text))


def reported_once(site) -> tuple[str, int]:
    """A unit whose only report counts for the campaign, and that report's submission id."""
    units, _ = campaign_units(site)
    code = next(c for c, u in sorted(units.items()) if u.status in (ON_TIME, LATE) and u.versions == 1
                and len(u.latest_submissions) == 1)
    return code, units[code].latest_submissions[0]


def make_other_report(site, submission_id: int) -> None:
    """What identification will write for another report of the unit: no campaign, never counted."""
    with database(site) as session:
        row = session.get(Submission, submission_id)
        row.kind, row.campaign, row.state = SubmissionKind.OTHER_REPORT, None, SubmissionState.ACCEPTED
        row.title, row.dated, row.topic = POVERTY, date(2019, 12, 2), TOPIC


def others_section(page: str) -> str:
    found = re.search(r"<h2>Báo cáo khác \((\d+)\)</h2>(.*?)<h2>Thư nhắc", page, re.S)
    assert found, "the unit page has no 'Báo cáo khác' section"
    return found.group(2)


def kind_and_campaign(site, submission_id: int) -> tuple[str, str | None, str]:
    with database(site) as session:
        row = session.get(Submission, submission_id)
        return row.kind, row.campaign, row.state


def decisions(site) -> int:
    with database(site) as session:
        return session.scalar(select(func.count()).select_from(ReviewDecision))


def test_the_unit_page_lists_other_reports_apart_with_title_date_and_topic(reader, reviewer, site):
    code, submission_id = reported_once(site)
    make_other_report(site, submission_id)
    assert campaign_units(site)[0][code].status == MISSING  # never counted
    page = reader.get(f"/campaigns/{CAMPAIGN}/units/{code}").text
    assert "Các lần gửi (0)" in page and "<h2>Báo cáo khác (1)</h2>" in page
    section = others_section(page)
    assert f'data-other-report="{submission_id}"' in section and f"#{submission_id} — {POVERTY}" in section
    assert '<span class="dated">02/12/2019</span>' in section and esc(TOPIC) in section
    with database(site) as session:
        files = attachments_of(session, [session.get(Submission, submission_id).raw_message_id])
    assert files and all(f'href="/messages/{a.raw_message_id}/attachments/{a.position}"' in section
                         for row in files.values() for a in row)  # its files, to download
    assert "/assign" not in page and "/other" not in page  # a reader only looks
    forms = others_section(reviewer.get(f"/campaigns/{CAMPAIGN}/units/{code}").text)
    assert f'action="/review/{submission_id}/assign"' in forms


def test_a_unit_without_other_reports_says_so(shared_reader, shared_site):
    code, _ = reported_once(shared_site)
    page = shared_reader.get(f"/campaigns/{CAMPAIGN}/units/{code}").text
    assert "<h2>Báo cáo khác (0)</h2>" in page and "Không có báo cáo khác của đơn vị này." in page


def test_a_reviewer_moves_a_report_out_of_the_campaign_and_back_in(reviewer, site):
    code, submission_id = reported_once(site)
    before = campaign_units(site)[0][code].status
    unit_page = f"/campaigns/{CAMPAIGN}/units/{code}"
    reason = "Báo cáo chuyên đề giảm nghèo, không theo công văn 5025"
    response = post_form(reviewer, unit_page, f"/review/{submission_id}/other",
                         {"reason": reason, "from_campaign": CAMPAIGN, "from_unit": code})
    assert response.status_code == 303 and response.headers["location"] == unit_page
    assert kind_and_campaign(site, submission_id) == (SubmissionKind.OTHER_REPORT, None, SubmissionState.ACCEPTED)
    assert campaign_units(site)[0][code].status == MISSING
    page = reviewer.get(unit_page).text
    assert flash(page).startswith(f"Đã chuyển báo cáo #{submission_id} thành báo cáo khác")
    assert f'data-other-report="{submission_id}"' in others_section(page)

    log = audit_rows(reviewer.get("/review/log").text, 0)
    assert [(row[1], row[2].split()[0], row[3], row[4]) for row in log] == [
        ("lan", f"#{submission_id}", f"chuyển thành báo cáo khác của {code} (khỏi đợt {CAMPAIGN})", reason)]

    back = post_form(reviewer, unit_page, f"/review/{submission_id}/assign",
                     {"unit": code, "campaign": CAMPAIGN, "reason": "", "from_campaign": CAMPAIGN, "from_unit": code})
    assert back.status_code == 303 and back.headers["location"] == unit_page
    assert kind_and_campaign(site, submission_id) == (SubmissionKind.REPORT, CAMPAIGN, SubmissionState.ACCEPTED)
    assert campaign_units(site)[0][code].status == before
    assert "<h2>Báo cáo khác (0)</h2>" in reviewer.get(unit_page).text


def test_a_decision_from_a_tampered_form_returns_to_the_queue_not_an_error(reviewer, site):
    """The decision is saved before the redirect: odd return fields must give no error page, and no path."""
    code, submission_id = reported_once(site)
    response = post_form(reviewer, f"/campaigns/{CAMPAIGN}/units/{code}", f"/review/{submission_id}/other",
                         {"reason": "giảm nghèo", "from_campaign": "x?y=1#", "from_unit": "a/b"})
    assert response.status_code == 303 and response.headers["location"] == "/review"
    assert kind_and_campaign(site, submission_id)[0] == SubmissionKind.OTHER_REPORT


def test_moving_out_needs_a_reason(reviewer, site):
    code, submission_id = reported_once(site)
    response = post_form(reviewer, f"/campaigns/{CAMPAIGN}/units/{code}", f"/review/{submission_id}/other",
                         {"reason": "  "})
    assert response.status_code == 400 and "lý do" in error_message(response.text)
    assert decisions(site) == 0 and kind_and_campaign(site, submission_id)[0] == SubmissionKind.REPORT


def test_readers_may_not_move_reports_and_the_form_needs_its_token(reader, reviewer, site):
    code, submission_id = reported_once(site)
    unit_page = f"/campaigns/{CAMPAIGN}/units/{code}"
    refused = post_form(reader, unit_page, f"/review/{submission_id}/other", {"reason": "x"})
    assert refused.status_code == 403 and "chỉ được xem" in error_message(refused.text)
    reviewer.get(unit_page)  # the token cookie is set: only the form field is missing
    assert reviewer.post(f"/review/{submission_id}/other", data={"reason": "x"}).status_code == 403
    token = csrf_token(reviewer.get(unit_page).text)
    cross = reviewer.post(f"/review/{submission_id}/other", data={"reason": "x", "csrftoken": token},
                          headers={"origin": "https://evil.example"})
    assert cross.status_code == 403
    assert decisions(site) == 0 and kind_and_campaign(site, submission_id)[0] == SubmissionKind.REPORT
    page = reviewer.get(unit_page).text  # the same form with its token goes through
    assert f'action="/review/{submission_id}/other"' in page
    done = reviewer.post(f"/review/{submission_id}/other", data={"reason": "x", "csrftoken": csrf_token(page)})
    assert done.status_code == 303 and kind_and_campaign(site, submission_id)[0] == SubmissionKind.OTHER_REPORT


def test_the_review_queue_shows_the_letterhead_title_and_opening_of_the_document(reader, reviewer, site):
    _, submission_id = reported_once(site)
    with database(site) as session:
        row = session.get(Submission, submission_id)
        row.state, row.topic = SubmissionState.NEEDS_REVIEW, "both readings: the whole sector, or poverty only"
        document = session.scalars(select(Document).where(Document.raw_message_id == row.raw_message_id)
                                   .order_by(Document.position)).first()
        head, blocks = dict(document.letterhead), list(document.blocks)
    assert head["number"] and head["issuer_lines"] and head["subject"]
    page = reader.get("/review").text
    item = re.search(rf'<article [^>]*data-submission="{submission_id}">(.*?)</article>', page, re.S).group(1)
    preview = re.search(r'<section class="doc-preview".*?</section>', item, re.S).group(0)
    for line in head["issuer_lines"]:
        assert f"<span>{esc(line)}</span>" in preview
    assert f"Số: {esc(head['number'])}" in preview
    assert esc(f"{head['place']}, {head['date_text']}") in preview
    assert f"<strong>{esc(head['title'])}</strong>" in preview and esc(head["subject"]) in preview
    # The opening: the first paragraph of the body after the subject line, not the end of the report.
    after = [b for b in blocks[[b["text"] for b in blocks].index(head["subject"]) + 1:]
             if b["kind"] != "table" and b["text"].strip()]
    first_paragraph = next(b["text"] for b in after if len(b["text"]) > 100)
    assert esc(first_paragraph[:80]) in preview
    assert esc(after[-1]["text"]) not in preview
    opening = re.search(r'<div class="opening">(.*?)</div>', preview, re.S).group(1)
    assert 300 < len(html.unescape(re.sub(r"<[^>]+>", "", opening))) <= 700
    assert "Căn cứ xác định đợt: both readings" in item
    assert f'action="/review/{submission_id}/other"' not in page  # a reader only looks
    assert f'action="/review/{submission_id}/other"' in reviewer.get("/review").text


def test_the_api_lists_other_reports_as_the_command_line_does(reader, site):
    _, submission_id = reported_once(site)
    make_other_report(site, submission_id)
    with database(site) as session:
        others = submissions_json(session, kind=SubmissionKind.OTHER_REPORT)
        of_campaign = submissions_json(session, CAMPAIGN)
    assert [row["id"] for row in others] == [submission_id]
    assert {k: others[0][k] for k in ("kind", "campaign", "title", "dated", "topic")} == {
        "kind": "other_report", "campaign": None, "title": POVERTY, "dated": "2019-12-02", "topic": TOPIC}
    assert reader.get("/api/submissions", params={"kind": "other_report"}).json() == others
    assert reader.get("/api/submissions", params={"campaign": CAMPAIGN}).json() == of_campaign
    assert submission_id in {row["id"] for row in of_campaign}  # listed with its campaign's year
    assert reader.get("/api/submissions", params={"kind": "bogus"}).status_code == 422
    schema = reader.get("/api/openapi.json").json()["components"]["schemas"]["Submission"]["properties"]
    assert {"kind", "topic", "title", "dated"} <= set(schema)
    assert schema["kind"]["enum"] == list(SubmissionKind.ALL)
