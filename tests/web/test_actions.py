"""What reviewers do through the forms (review decisions, adjustments) and signing in and out:
each action checked by its effect on the database and on the pages, not only by its status code."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from sqlalchemy import func, select

from models import users
from models.schema import CampaignAdjustment, ReviewDecision, Submission, SubmissionState
from models.status import EXEMPT, LATE, MISSING, ON_TIME
from reportbox.timefmt import VIETNAM
from tests.web.conftest import (
    PASSWORDS,
    campaign_units,
    csrf_token,
    database,
    hostile_submission_id,
    login,
    post_form,
    unit_statuses,
)
from web.filters import vn_time

CAMPAIGN = "tk2019"
BASE = "http://127.0.0.1:8000"


def flash(page: str) -> str | None:
    found = re.search(r'<p class="flash" role="status">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def error_message(page: str) -> str:
    found = re.search(r'<p class="error"[^>]*>(.*?)</p>', page, re.S)
    assert found, "the page shows no error message"
    return html.unescape(found.group(1))


def unit_row(page: str, code: str) -> list[str]:
    """The cells of a unit's row on the campaign page, tags stripped."""
    found = re.search(rf'<tr class="st-[^"]*" data-unit="{code}" data-status="\w+">(.*?)</tr>', page, re.S)
    assert found, f"no row for unit {code}"
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                        found.group(1), re.S)]


def audit_rows(page: str, table: int) -> list[list[str]]:
    """The rows of the audit log's first (decisions) or second (adjustments) table, tags stripped."""
    body = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)[table]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def decisions_and_adjustments(site) -> tuple[int, int]:
    with database(site) as session:
        return (session.scalar(select(func.count()).select_from(ReviewDecision)),
                session.scalar(select(func.count()).select_from(CampaignAdjustment)))


def submission(site, submission_id: int) -> tuple[str, str | None, str | None]:
    with database(site) as session:
        row = session.get(Submission, submission_id)
        return row.state, row.unit, row.campaign


def other_waiting_submission(site) -> int:
    """The report in review that is not the hostile one (the demo's nameless report)."""
    hostile = hostile_submission_id(site)
    with database(site) as session:
        return next(row.id for row in session.scalars(select(Submission).where(
            Submission.state == SubmissionState.NEEDS_REVIEW)) if row.id != hostile)


# --- review decisions -------------------------------------------------------------------------

def test_reviewer_assigns_the_hostile_report_to_unit_22(reviewer, site):
    submission_id = hostile_submission_id(site)
    before, _ = campaign_units(site)
    reason = "Sở Quảng Ninh xác nhận qua điện thoại"
    response = post_form(reviewer, "/review", f"/review/{submission_id}/assign",
                         {"unit": "22", "campaign": "", "reason": reason})
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/review"
    queue = reviewer.get("/review")
    assert flash(queue.text) == f"Đã gán báo cáo #{submission_id} cho đơn vị 22."
    assert f'data-submission="{submission_id}"' not in queue.text
    assert flash(reviewer.get("/review").text) is None  # shown once
    assert submission(site, submission_id) == (SubmissionState.ACCEPTED, "22", CAMPAIGN)

    after, _ = campaign_units(site)
    assert after["22"].versions == before["22"].versions + 1  # a whole report again: a new version
    assert after["22"].latest_at > before["22"].latest_at and after["22"].status == before["22"].status
    row = unit_row(reviewer.get(f"/campaigns/{CAMPAIGN}").text, "22")
    assert row[0] == "22" and row[5] == str(after["22"].versions) and row[6].startswith(vn_time(after["22"].latest_at))
    unit_page = reviewer.get(f"/campaigns/{CAMPAIGN}/units/22").text
    assert f'id="s{submission_id}"' in unit_page and f"Các lần gửi ({after['22'].versions})" in unit_page

    log = audit_rows(reviewer.get("/review/log").text, 0)
    assert len(log) == 1
    when, who, which, what, why = log[0]
    # the campaign it already had is settled with the unit: reprocessing cannot move it
    assert who == "lan" and which.startswith(f"#{submission_id} ") and what == f"gán cho 22, đợt {CAMPAIGN}"
    assert why == reason


def test_reviewer_rejects_a_report_with_a_reason(reviewer, site):
    submission_id = other_waiting_submission(site)
    _, before = campaign_units(site)
    response = post_form(reviewer, "/review", f"/review/{submission_id}/reject", {"reason": "Thư quảng cáo"})
    assert response.status_code == 303
    queue = reviewer.get("/review")
    assert flash(queue.text) == f"Đã loại báo cáo #{submission_id}."
    assert f'data-submission="{submission_id}"' not in queue.text
    assert submission(site, submission_id)[0] == SubmissionState.REJECTED
    _, after = campaign_units(site)
    assert after["needs_review"] == before["needs_review"] - 1
    tiles = reviewer.get(f"/campaigns/{CAMPAIGN}").text
    assert f'<b>{after["needs_review"]}</b>Chờ xem xét' in tiles
    log = audit_rows(reviewer.get("/review/log").text, 0)
    assert [(row[1], row[2].split()[0], row[3], row[4]) for row in log] == [
        ("lan", f"#{submission_id}", "loại", "Thư quảng cáo")]


def test_assigning_to_a_unit_not_in_the_registry_is_refused_and_records_nothing(reviewer, site):
    submission_id = hostile_submission_id(site)
    for unit in ("99", "22; DROP TABLE", ""):  # "" is the queue's "choose a unit" option
        response = post_form(reviewer, "/review", f"/review/{submission_id}/assign", {"unit": unit, "reason": "thử"})
        assert response.status_code in (400, 422), unit
        assert error_message(response.text)
        if unit:
            assert response.status_code == 400 and unit in error_message(response.text)
    assert decisions_and_adjustments(site) == (0, 0)
    assert submission(site, submission_id)[0] == SubmissionState.NEEDS_REVIEW
    assert "Chưa có quyết định nào." in reviewer.get("/review/log").text


def test_a_reader_may_not_decide_or_adjust(reader, site):
    submission_id = hostile_submission_id(site)
    units, _ = campaign_units(site)
    missing = next(code for code, u in units.items() if u.status == MISSING)
    for page, action, data in (
        ("/review", f"/review/{submission_id}/assign", {"unit": "22"}),
        ("/review", f"/review/{submission_id}/reject", {"reason": "x"}),
        (f"/campaigns/{CAMPAIGN}/units/{missing}", f"/campaigns/{CAMPAIGN}/units/{missing}/adjust",
         {"kind": "exemption", "at": "", "note": ""}),
    ):
        response = post_form(reader, page, action, data)
        assert response.status_code == 403, action
        assert "chỉ được xem" in error_message(response.text)
    assert decisions_and_adjustments(site) == (0, 0)
    assert submission(site, submission_id)[0] == SubmissionState.NEEDS_REVIEW
    assert campaign_units(site)[0][missing].status == MISSING
    assert 'class="adjust"' not in reader.get(f"/campaigns/{CAMPAIGN}/units/{missing}").text


# --- adjustments --------------------------------------------------------------------------------

def adjust(client, code: str, **form):
    page = f"/campaigns/{CAMPAIGN}/units/{code}"
    return post_form(client, page, f"{page}/adjust", {"at": "", "note": "", **form})


def shown_status(client, code: str) -> str:
    return unit_statuses(client.get(f"/campaigns/{CAMPAIGN}").text)[code]


def test_an_extension_past_a_late_report_makes_it_on_time(reviewer, site):
    units, _ = campaign_units(site)
    code = min((c for c, u in units.items() if u.status == LATE), key=lambda c: units[c].received_at)
    until = units[code].received_at.astimezone(VIETNAM).date().isoformat()  # to the end of that day
    response = adjust(reviewer, code, kind="extension", at=until, note="Công văn xin gia hạn")
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path.endswith(f"/units/{code}")
    page = reviewer.get(response.headers["location"]).text
    assert flash(page).startswith(f"Đã ghi: {code}")
    after, _ = campaign_units(site)
    assert after[code].status == ON_TIME and after[code].deadline > units[code].deadline
    assert shown_status(reviewer, code) == ON_TIME
    assert f"hạn của đơn vị {vn_time(after[code].deadline)}" in page
    assert "lan: Gia hạn" in page and "Công văn xin gia hạn" in page
    log = audit_rows(reviewer.get("/review/log").text, 1)
    assert [(row[1], row[3], row[5]) for row in log] == [("lan", code, "Công văn xin gia hạn")]
    assert log[0][4].startswith("Gia hạn")


def test_the_adjustment_flash_names_the_kind_in_vietnamese(reviewer, site):
    units, _ = campaign_units(site)
    code = next(c for c, u in units.items() if u.status == MISSING)
    response = adjust(reviewer, code, kind="exemption")
    assert response.status_code == 303
    message = flash(reviewer.get(response.headers["location"]).text)
    assert message.startswith(f"Đã ghi: {code}") and "exemption" not in message and "Miễn nộp" in message


def test_an_extension_ending_before_the_deadline_is_refused(reviewer, site):
    units, _ = campaign_units(site)
    code = next(c for c, u in units.items() if u.status == LATE)
    response = adjust(reviewer, code, kind="extension", at="2019-12-01")
    assert response.status_code == 400 and error_message(response.text)
    assert decisions_and_adjustments(site) == (0, 0)
    assert shown_status(reviewer, code) == LATE


def test_an_exemption_then_its_cancellation(reviewer, site):
    units, summary = campaign_units(site)
    code = next(c for c, u in units.items() if u.status == MISSING)
    assert adjust(reviewer, code, kind="exemption", note="Sáp nhập").status_code == 303
    after, after_summary = campaign_units(site)
    assert after[code].status == EXEMPT and shown_status(reviewer, code) == EXEMPT
    assert after_summary["expected"] == summary["expected"] - 1
    assert adjust(reviewer, code, kind="exemption", cancel="1").status_code == 303
    assert campaign_units(site)[0][code].status == MISSING and shown_status(reviewer, code) == MISSING
    history = reviewer.get(f"/campaigns/{CAMPAIGN}/units/{code}").text
    assert "lan: Miễn nộp" in history and "lan: huỷ Miễn nộp" in history


def test_a_report_received_on_paper_before_the_deadline_is_on_time(reviewer, site):
    units, _ = campaign_units(site)
    code = next(c for c, u in units.items() if u.status == MISSING)
    assert adjust(reviewer, code, kind="offline", at="2019-12-14T09:30").status_code == 303
    after, _ = campaign_units(site)
    assert after[code].status == ON_TIME and after[code].offline and after[code].complete
    page = reviewer.get(f"/campaigns/{CAMPAIGN}").text
    assert unit_statuses(page)[code] == ON_TIME and "(bản giấy)" in unit_row(page, code)[6]


def test_cancelling_an_adjustment_the_unit_does_not_have_is_refused(reviewer, site):
    code = next(iter(campaign_units(site)[0]))
    response = adjust(reviewer, code, kind="extension", cancel="1")
    assert response.status_code == 400
    assert decisions_and_adjustments(site) == (0, 0)


# --- signing in and out ---------------------------------------------------------------------

def sign_in(client, username: str, password: str, next_: str = "/campaigns"):
    form = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "next": next_,
                                       "csrftoken": csrf_token(form.text)})


def test_a_wrong_password_or_unknown_user_is_refused_in_vietnamese(make_client):
    client = make_client(None)
    for username, password in (("lan", "not-her-password"), ("nobody", PASSWORDS["lan"]), ("lan", "")):
        response = sign_in(client, username, password)
        assert response.status_code in (401, 422), username
        if password:
            assert response.status_code == 401
            assert error_message(response.text) == "Tên đăng nhập hoặc mật khẩu không đúng."
        assert "reportbox_session" not in client.cookies or client.get("/campaigns").status_code == 303
        assert client.get("/campaigns").status_code == 303
    assert sign_in(client, "lan", PASSWORDS["lan"]).status_code == 303
    assert client.get("/campaigns").status_code == 200


def test_a_disabled_account_is_signed_out_at_its_next_request(reviewer, site):
    assert reviewer.get("/campaigns").status_code == 200
    with database(site) as session:
        users.set_disabled(session, "lan", True)
    response = reviewer.get(f"/campaigns/{CAMPAIGN}")
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/login"
    assert reviewer.get("/api/campaigns").status_code == 401
    with database(site) as session:
        users.set_disabled(session, "lan", False)
    assert reviewer.get("/campaigns").status_code == 303  # the session ended: enabling does not revive it
    assert sign_in(reviewer, "lan", PASSWORDS["lan"]).status_code == 303
    assert reviewer.get("/campaigns").status_code == 200


def test_a_disabled_account_cannot_sign_in(make_client, site):
    with database(site) as session:
        users.set_disabled(session, "an", True)
    client = make_client(None)
    response = sign_in(client, "an", PASSWORDS["an"])
    assert response.status_code == 401 and client.get("/campaigns").status_code == 303


def test_a_role_change_takes_effect_at_the_next_request(make_client, site):
    reader, reviewer = make_client("an"), make_client("lan")
    assert "(chỉ xem)" in reader.get("/campaigns").text and "(xét duyệt)" in reviewer.get("/campaigns").text
    with database(site) as session:
        users.set_role(session, "an", "reviewer")
        users.set_role(session, "lan", "reader")
    assert "(xét duyệt)" in reader.get("/campaigns").text
    submission_id = hostile_submission_id(site)
    demoted = post_form(reviewer, "/review", f"/review/{submission_id}/reject", {"reason": "x"})
    assert demoted.status_code == 403
    promoted = post_form(reader, "/review", f"/review/{submission_id}/assign", {"unit": "22", "reason": "x"})
    assert promoted.status_code == 303
    assert submission(site, submission_id)[0] == SubmissionState.ACCEPTED
    with database(site) as session:
        assert [d.decided_by for d in session.scalars(select(ReviewDecision))] == ["an"]


def test_logout_ends_the_session(reviewer):
    page = reviewer.get("/campaigns")
    refused = reviewer.post("/logout")  # no token: not even a sign-out can be forged
    assert refused.status_code == 403 and reviewer.get("/campaigns").status_code == 200
    response = reviewer.post("/logout", data={"csrftoken": csrf_token(page.text)})
    assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/login"
    assert reviewer.get("/campaigns").status_code == 303
    assert reviewer.get("/api/review").status_code == 401


def test_a_session_cookie_copied_before_logout_no_longer_works(reviewer):
    page = reviewer.get("/campaigns")
    copied = reviewer.cookies.get("reportbox_session")
    reviewer.post("/logout", data={"csrftoken": csrf_token(page.text)})
    reviewer.cookies.set("reportbox_session", copied)
    assert reviewer.get("/campaigns").status_code == 303


def test_a_form_posted_after_the_session_ended_leads_back_to_a_page_once_signed_in(reviewer, site):
    submission_id = hostile_submission_id(site)
    token = csrf_token(reviewer.get("/review").text)
    reviewer.cookies.delete("reportbox_session")  # the session ended while the form was open
    posted = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22", "csrftoken": token})
    assert posted.status_code == 303 and urlsplit(posted.headers["location"]).path == "/login"
    assert submission(site, submission_id)[0] == SubmissionState.NEEDS_REVIEW
    form = reviewer.get(posted.headers["location"])
    next_ = html.unescape(re.search(r'name="next" value="([^"]*)"', form.text).group(1))
    signed = reviewer.post("/login", data={"username": "lan", "password": PASSWORDS["lan"], "next": next_,
                                           "csrftoken": csrf_token(form.text)})
    assert signed.status_code == 303
    assert reviewer.get(signed.headers["location"]).status_code == 200


def same_site(location: str) -> bool:
    """Where a browser would go: it drops tabs and line breaks from a URL before resolving it."""
    target = urlsplit(urljoin(BASE + "/login", re.sub(r"[\t\r\n]", "", location)))
    return (target.scheme, target.netloc) == ("http", "127.0.0.1:8000")


def test_next_never_leaves_the_site(make_client):
    client = make_client(None)
    for target in ("//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example",
                   "http:evil.example", "///evil.example", " //evil.example", "javascript:alert(1)"):
        form = client.get("/login", params={"next": target})
        assert re.search(r'name="next" value="([^"]*)"', form.text).group(1) == "/", target
        response = sign_in(client, "an", PASSWORDS["an"], next_=target)
        assert response.status_code == 303 and response.headers["location"] == "/", target
    # Characters a browser drops or decodes must not turn a path into another host either.
    for target in ("/\t/evil.example", "/\r\n/evil.example", "/%2F%2Fevil.example", "/%5Cevil.example"):
        response = sign_in(client, "an", PASSWORDS["an"], next_=target)
        assert response.status_code == 303 and same_site(response.headers["location"]), response.headers["location"]


def test_sign_in_returns_to_the_page_asked_for(make_client):
    client = make_client(None)
    asked = f"/campaigns/{CAMPAIGN}?status=late&q=h%C3%A0"
    to_login = client.get(asked)
    form = client.get(to_login.headers["location"])
    next_ = html.unescape(re.search(r'name="next" value="([^"]*)"', form.text).group(1))
    assert next_ == asked
    signed = client.post("/login", data={"username": "an", "password": PASSWORDS["an"], "next": next_,
                                        "csrftoken": csrf_token(form.text)})
    assert signed.status_code == 303 and signed.headers["location"] == asked
    assert client.get(asked).status_code == 200


def test_the_login_helper_still_signs_in(make_client):
    # conftest.login is what every other test stands on: it must really sign in.
    client = make_client(None)
    assert client.get("/campaigns").status_code == 303
    login(client, "an")
    assert client.get("/campaigns").status_code == 200
