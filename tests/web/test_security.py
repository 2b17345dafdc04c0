"""The dashboard's defences: CSRF tokens and same-origin checks on every change, a trusted proxy's
sign-in header only when configured and only from the proxy, security headers, escaping of what
senders chose (subject, file name, sender name), safe attachment downloads, cookie flags and
password storage."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from models import users
from models.review import ASSIGN, decide
from models.schema import Attachment, ParsedMessage, ReviewDecision, Submission, SubmissionState, WebUser
from tests.web.conftest import (
    HOSTILE_FILENAME,
    HOSTILE_SUBJECT,
    PASSWORDS,
    csrf_token,
    database,
    hostile_submission_id,
    login,
    post_form,
)
from web.app import create_app

BASE = "http://127.0.0.1:8000"
HOSTILE_SENDER = "<b>Sở</b> \"LĐTBXH\" <img src=x onerror=alert(2)>"
HTML_OF_THE_SENDERS = ("<script>", "<img src=x", "<b>Sở</b>", "onerror=alert(1)>", "onerror=alert(2)>")


def state_of(site, submission_id: int) -> str:
    with database(site) as session:
        return session.get(Submission, submission_id).state


def decisions(site) -> int:
    with database(site) as session:
        return session.scalar(select(func.count()).select_from(ReviewDecision))


@pytest.fixture
def client_for():
    """Clients on a given configuration (a site with other web settings), from a chosen address."""
    made = []

    def make(config, address: str = "testclient", base_url: str = BASE, **headers) -> TestClient:
        asgi = create_app(config)
        made.append(asgi)
        return TestClient(asgi, base_url=base_url, headers=headers, follow_redirects=False, client=(address, 50000))

    yield make
    for asgi in made:
        asgi.dashboard.close()


def with_web(site, **settings):
    return site.model_copy(update={"web": site.web.model_copy(update=settings)})


# --- CSRF ----------------------------------------------------------------------------------------

def test_a_post_without_a_token_is_refused_and_changes_nothing(reviewer, site):
    submission_id = hostile_submission_id(site)
    reviewer.get("/review")  # the token cookie is set: only the form field is missing
    response = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22"})
    assert response.status_code == 403 and "biểu mẫu không hợp lệ" in response.text
    assert state_of(site, submission_id) == SubmissionState.NEEDS_REVIEW and decisions(site) == 0


def test_a_token_from_another_browser_is_refused(make_client, site):
    submission_id = hostile_submission_id(site)
    other, reviewer = make_client("lan"), make_client("lan")
    stolen = csrf_token(other.get("/review").text)
    mine = csrf_token(reviewer.get("/review").text)
    assert stolen != mine
    response = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22", "csrftoken": stolen})
    assert response.status_code == 403
    header = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22"}, headers={"x-csrftoken": stolen})
    assert header.status_code == 403
    assert state_of(site, submission_id) == SubmissionState.NEEDS_REVIEW and decisions(site) == 0


def test_a_cross_site_post_is_refused_even_with_a_valid_token(reviewer, site):
    submission_id = hostile_submission_id(site)
    token = csrf_token(reviewer.get("/review").text)
    for headers in ({"origin": "https://evil.example"}, {"origin": "null"},
                    {"origin": "http://127.0.0.1:8000.evil.example"},
                    {"sec-fetch-site": "cross-site"}):
        response = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22", "csrftoken": token},
                                 headers=headers)
        assert response.status_code == 403, headers
    assert state_of(site, submission_id) == SubmissionState.NEEDS_REVIEW and decisions(site) == 0


def test_a_same_origin_post_with_its_token_is_accepted(reviewer, site):
    # The refusals above are not refusing everything: the same form from this site goes through.
    submission_id = hostile_submission_id(site)
    token = csrf_token(reviewer.get("/review").text)
    response = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22", "csrftoken": token},
                             headers={"origin": BASE, "sec-fetch-site": "same-origin"})
    assert response.status_code == 303 and state_of(site, submission_id) == SubmissionState.ACCEPTED


def test_the_sign_in_form_needs_its_token_too(make_client):
    client = make_client(None)
    client.get("/login")
    response = client.post("/login", data={"username": "lan", "password": PASSWORDS["lan"], "next": "/"})
    assert response.status_code == 403
    assert "reportbox_session" not in response.headers.get("set-cookie", "")
    assert client.get("/campaigns").status_code == 303


# --- a trusted proxy's sign-in header ------------------------------------------------------------

def test_the_proxy_header_signs_in_an_existing_user_from_the_proxy(client_for, shared_site):
    config = with_web(shared_site, trusted_user_header="X-Remote-User", trusted_proxies=("127.0.0.1",))
    client = client_for(config, "127.0.0.1", **{"X-Remote-User": "lan"})
    page = client.get("/campaigns")
    assert page.status_code == 200 and "Nguyễn Thị Lan (xét duyệt)" in page.text
    assert client.get("/api/review").status_code == 200


def test_the_proxy_header_signs_in_a_proxy_only_account(client_for, site):
    with database(site) as session:
        users.add_user(session, "sso.user", "reader", None, "Người dùng SSO")
    config = with_web(site, trusted_user_header="X-Remote-User", trusted_proxies=("127.0.0.1",))
    assert "Người dùng SSO (chỉ xem)" in client_for(config, "127.0.0.1", **{"X-Remote-User": "sso.user"}).get(
        "/campaigns").text
    with database(site) as session:
        assert users.authenticate(session, "sso.user", "") is None  # no password to sign in with


def test_the_proxy_header_naming_no_account_leads_to_the_sign_in_page(client_for, shared_site):
    config = with_web(shared_site, trusted_user_header="X-Remote-User", trusted_proxies=("127.0.0.1",))
    client = client_for(config, "127.0.0.1", **{"X-Remote-User": "mallory"})
    response = client.get("/campaigns")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/api/campaigns").status_code == 401


def test_the_proxy_header_is_ignored_from_elsewhere_or_when_not_configured(client_for, shared_site):
    configured = with_web(shared_site, trusted_user_header="X-Remote-User", trusted_proxies=("127.0.0.1",))
    from_elsewhere = client_for(configured, "10.0.0.7", **{"X-Remote-User": "lan"})
    assert from_elsewhere.get("/campaigns").status_code == 303
    assert shared_site.web.trusted_user_header is None
    not_configured = client_for(shared_site, "127.0.0.1", **{"X-Remote-User": "lan"})
    assert not_configured.get("/campaigns").status_code == 303
    # TestClient's own address is "testclient": not a proxy unless listed.
    assert client_for(configured, **{"X-Remote-User": "lan"}).get("/campaigns").status_code == 303


def test_a_cross_site_post_through_the_proxy_is_refused(client_for, site):
    """Behind a signing-in proxy a forged form carries no cookie at all: it must still be refused."""
    submission_id = hostile_submission_id(site)
    config = with_web(site, trusted_user_header="X-Remote-User", trusted_proxies=("127.0.0.1",))
    client = client_for(config, "127.0.0.1", **{"X-Remote-User": "lan"})
    action = f"/review/{submission_id}/assign"
    for headers in ({}, {"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"},
                    {"content-type": "text/plain"}):
        body = {"content": "unit=22&csrftoken=x"} if headers.get("content-type") else {"data": {"unit": "22"}}
        response = client.post(action, headers=headers, **body)
        assert response.status_code == 403, headers
        assert not client.cookies.get("reportbox_session")
        client.cookies.clear()
    assert state_of(site, submission_id) == SubmissionState.NEEDS_REVIEW and decisions(site) == 0
    # The dashboard's own form, with its token, does go through.
    assert post_form(client, "/review", action, {"unit": "22"}).status_code == 303
    assert state_of(site, submission_id) == SubmissionState.ACCEPTED


# --- headers ---------------------------------------------------------------------------------------

def assert_security_headers(response, page: bool = True) -> None:
    headers = response.headers
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("x-frame-options") == "DENY", where
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    if page:
        assert "no-store" in headers.get("cache-control", ""), where


def test_every_response_carries_the_security_headers(shared_clients, shared_site):
    submission_id = hostile_submission_id(shared_site)
    reviewer, anonymous = shared_clients("lan"), shared_clients(None)
    responses = [reviewer.get(path) for path in (
        "/", "/campaigns", "/campaigns/tk2019", "/campaigns/tk2019/units/22", "/campaigns/tk2019/sections/plan",
        "/review", "/review/log", "/health", "/api/campaigns", "/api/openapi.json", "/campaigns/tk2019/export.csv",
        "/campaigns/nope", "/campaigns/tk2019?as_of=x", "/no/such/page", "/messages/1/attachments/99")]
    responses += [anonymous.get("/campaigns"), anonymous.get("/api/health"), anonymous.get("/login")]
    responses.append(post_form(reviewer, "/review", f"/review/{submission_id}/assign", {"unit": "99"}))  # 400
    statuses = {r.status_code for r in responses}
    assert {200, 303, 400, 401, 404} <= statuses
    for response in responses:
        assert_security_headers(response)
    assert_security_headers(reviewer.get("/static/style.css"), page=False)


def test_refusals_carry_the_security_headers_too(reviewer, site):
    submission_id = hostile_submission_id(site)
    token = csrf_token(reviewer.get("/review").text)
    no_token = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22"})
    cross_site = reviewer.post(f"/review/{submission_id}/assign", data={"unit": "22", "csrftoken": token},
                               headers={"origin": "https://evil.example"})
    assert (no_token.status_code, cross_site.status_code) == (403, 403)
    assert_security_headers(no_token)
    assert_security_headers(cross_site)


# --- escaping what senders wrote ---------------------------------------------------------------------

def assert_no_raw_html_of_the_senders(page: str) -> None:
    for raw in HTML_OF_THE_SENDERS:
        assert raw not in page, raw


def make_stored_names_hostile(site) -> tuple[int, int]:
    """Put the sender's own names back, unsanitised, where the pages read them (the attachment's
    stored name is made safe at ingestion; the pages must not rely on that). Returns the message
    id and the attachment position."""
    submission_id = hostile_submission_id(site)
    with database(site) as session:
        raw_id = session.get(Submission, submission_id).raw_message_id
        session.get(ParsedMessage, raw_id).from_name = HOSTILE_SENDER
        attachment = session.scalars(select(Attachment).where(Attachment.raw_message_id == raw_id)).one()
        attachment.filename = HOSTILE_FILENAME
        return raw_id, attachment.position


def test_the_hostile_message_is_escaped_on_the_review_page(reviewer, site):
    page = reviewer.get("/review").text
    assert "&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt; Báo cáo" in page
    assert "\u202e" not in page  # reordering controls would show "gnp.exe" as "exe.png"
    assert_no_raw_html_of_the_senders(page)
    make_stored_names_hostile(site)
    page = reviewer.get("/review").text
    assert "&lt;b&gt;Sở&lt;/b&gt; &#34;LĐTBXH&#34; &lt;img src=x onerror=alert(2)&gt;" in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert_no_raw_html_of_the_senders(page)


def test_the_hostile_message_is_escaped_on_its_unit_page(reviewer, site):
    submission_id = hostile_submission_id(site)
    make_stored_names_hostile(site)
    with database(site) as session:
        decide(session, submission_id, ASSIGN, unit="22", decided_by="lan", reason="<i>thử</i>")
    page = reviewer.get("/campaigns/tk2019/units/22").text
    assert f'id="s{submission_id}"' in page
    assert "&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Sở&lt;/b&gt;" in page and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;i&gt;thử&lt;/i&gt;" in page  # the evidence line quotes the reviewer's reason
    assert_no_raw_html_of_the_senders(page)
    assert "<i>thử</i>" not in page
    log = reviewer.get("/review/log").text
    assert "&lt;i&gt;thử&lt;/i&gt;" in log and "<i>thử</i>" not in log


def test_the_hostile_subject_is_in_the_api_as_it_came(shared_reader):
    response = shared_reader.get("/api/review")
    assert HOSTILE_SUBJECT.strip() in [row["subject"].strip() for row in response.json()]
    assert response.headers["content-type"] == "application/json"


def test_what_a_request_carries_is_escaped_where_a_page_shows_it(shared_reader):
    script = '"><script>alert(3)</script>'
    for path, params in (("/campaigns/tk2019", {"q": script}), ("/campaigns/tk2019", {"as_of": script}),
                         ("/campaigns/tk2019/units/22", {"as_of": script}), ("/login", {"next": "/" + script}),
                         ("/campaigns/" + script, {})):
        page = shared_reader.get(path, params=params)
        assert page.status_code in (200, 400, 404), path
        assert "<script>alert(3)" not in page.text, (path, params)
    assert "&#34;&gt;&lt;script&gt;alert(3)" in shared_reader.get("/campaigns/tk2019", params={"q": script}).text


# --- attachment downloads -----------------------------------------------------------------------------

def disposition(response) -> tuple[str, str, str]:
    """(type, filename, decoded filename*) of a Content-Disposition header."""
    value = response.headers["content-disposition"]
    assert "\r" not in value and "\n" not in value
    found = re.fullmatch(r'(\w+); filename="([^"]*)"; filename\*=UTF-8\'\'([^;\s"]+)', value)
    assert found, value
    return found.group(1), found.group(2), unquote(found.group(3), errors="strict")


def test_an_attachment_downloads_as_the_bytes_stored_under_a_safe_name(shared_reader, shared_site):
    reviewer = shared_reader
    with database(shared_site) as session:
        row = session.scalars(select(Attachment).where(Attachment.filename.like("%Bình Phước%"))).first()
        rows = [(row.raw_message_id, row.position, row.filename, row.sha256)]
    for raw_id, position, filename, sha256 in rows:
        response = reviewer.get(f"/messages/{raw_id}/attachments/{position}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert hashlib.sha256(response.content).hexdigest() == sha256
        kind, fallback, real = disposition(response)
        assert kind == "attachment"
        assert fallback.isascii() and not set(fallback) & set("\";\\/\r\n") and fallback.endswith(".docx")
        assert "Binh Phuoc" in fallback  # the accents folded, the name still readable
        assert real == filename


def test_a_hostile_attachment_name_stays_inside_its_header_parameter(reviewer, site):
    raw_id, position = make_stored_names_hostile(site)
    with database(site) as session:
        sha256 = session.scalars(select(Attachment.sha256).where(Attachment.raw_message_id == raw_id)).one()
    response = reviewer.get(f"/messages/{raw_id}/attachments/{position}")
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == sha256
    assert "x-evil" not in response.headers
    kind, fallback, real = disposition(response)
    assert kind == "attachment"
    assert fallback.isascii() and not set(fallback) & set("\";\\/\r\n<>") and fallback.endswith(".docx")
    assert real.endswith(".docx") and not set(real) & set("\r\n/\\\u202e\u202c")
    assert "img src=x" in real  # the name is kept, made inert, not replaced


def test_downloads_that_are_not_there_are_404(shared_reader, shared_site):
    reviewer = shared_reader
    with database(shared_site) as session:
        raw_id, position = session.execute(select(Attachment.raw_message_id, Attachment.position)).first()
    assert reviewer.get(f"/messages/{raw_id}/attachments/{position + 50}").status_code == 404
    assert reviewer.get(f"/messages/{raw_id + 10_000}/attachments/{position}").status_code == 404
    for path in ("/messages/..%2f..%2fetc/attachments/1", "/messages/1/attachments/..%2f..%2fetc%2fpasswd",
                 "/messages/%2e%2e/attachments/1", "/messages/1/attachments/1%00", "/messages/-1/attachments/1",
                 "/messages/1e3/attachments/1", "/messages/1/attachments/%2fetc%2fpasswd",
                 "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/reportbox.toml", "/static/..%2f..%2fweb-secret"):
        response = reviewer.get(path)
        assert response.status_code in (404, 422), path
        assert "root:" not in response.text and "content-disposition" not in response.headers, path
        assert "create_app" not in response.text and "[database]" not in response.text, path


# --- cookies and passwords ----------------------------------------------------------------------------

def test_the_session_cookie_is_httponly_and_samesite_lax(client_for, shared_site):
    response = login(client_for(shared_site), "an")
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("reportbox_session="))
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes and "samesite=lax" in attributes and "secure" not in attributes


def test_secure_cookies_are_secure(client_for, shared_site):
    client = client_for(with_web(shared_site, secure_cookies=True), base_url="https://127.0.0.1:8000")
    form = client.get("/login")
    assert any(c.startswith("csrftoken=") and "Secure" in c for c in form.headers.get_list("set-cookie"))
    response = client.post("/login", data={"username": "an", "password": PASSWORDS["an"], "next": "/",
                                           "csrftoken": csrf_token(form.text)})
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("reportbox_session="))
    assert "secure" in {part.strip().lower() for part in cookie.split(";")[1:]}
    assert client.get("/campaigns").status_code == 200


def test_passwords_are_stored_only_as_argon2id_hashes(shared_site):
    with database(shared_site) as session:
        stored = {u.username: u.password_hash for u in session.scalars(select(WebUser))}
    assert set(stored) >= set(PASSWORDS)
    for username, password in PASSWORDS.items():
        assert stored[username].startswith("$argon2id$")
        assert password not in stored[username]
    assert stored["an"] != stored["lan"]


def test_behind_an_https_proxy_every_link_form_and_redirect_stays_on_the_browser_s_scheme(reviewer, site):
    """The dashboard cannot know the scheme and host a proxy serves it under: it writes paths only."""
    page = reviewer.get("/review", headers={"host": "dashboard.molisa.gov.vn"})
    assert "http://" not in page.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    submission_id = hostile_submission_id(site)
    done = reviewer.post(f"/review/{submission_id}/reject", data={"csrftoken": csrf_token(page.text)},
                         headers={"host": "dashboard.molisa.gov.vn", "origin": "https://dashboard.molisa.gov.vn"})
    assert done.status_code == 303 and done.headers["location"] == "/review"


def test_a_bearer_header_does_not_excuse_a_form_from_its_token(reviewer, site):
    submission_id = hostile_submission_id(site)
    refused = reviewer.post(f"/review/{submission_id}/reject", data={}, headers={"authorization": "Bearer x"})
    assert refused.status_code == 403
    assert state_of(site, submission_id) == SubmissionState.NEEDS_REVIEW and decisions(site) == 0


def test_a_multipart_post_is_refused_before_any_parser_sees_it(make_client):
    client = make_client(None)
    for content_type in ("multipart/form-data", "multipart/form-data;boundary=x", "Multipart/Form-Data; boundary=y"):
        response = client.post("/login", content=b"--x\r\n", headers={"content-type": content_type})
        assert response.status_code == 415, content_type
