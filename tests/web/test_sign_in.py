"""Sign-in limits: guessing is throttled, a session ends after `session_hours`, pages not found
get a page in Vietnamese."""

from __future__ import annotations

from tests.web.conftest import PASSWORDS, csrf_token
from web.auth import PER_ACCOUNT


def _try(client, user: str, password: str):
    form = client.get("/login")
    return client.post("/login", data={"username": user, "password": password, "csrftoken": csrf_token(form.text)})


def test_guessing_a_password_is_cut_off_after_the_limit_even_for_the_right_one(make_client):
    client = make_client(None)
    allowed = PER_ACCOUNT.amount
    assert [_try(client, "lan", f"wrong-{i}").status_code for i in range(allowed)] == [401] * allowed
    refused = _try(client, "lan", PASSWORDS["lan"])
    assert refused.status_code == 429 and "quá nhiều lần" in refused.text
    assert client.get("/campaigns").status_code == 303  # not signed in
    # Another account from elsewhere is not held up by it.
    assert _try(make_client(None), "an", PASSWORDS["an"]).status_code == 303


def test_a_session_ends_after_session_hours_however_active(make_client, monkeypatch):
    client = make_client("an")
    assert client.get("/campaigns").status_code == 200
    import web.auth

    later = web.auth.time.time() + 12 * 3600 + 1  # the default session_hours is 12
    monkeypatch.setattr(web.auth.time, "time", lambda: later)
    response = client.get("/campaigns")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_page_that_does_not_exist_gets_a_vietnamese_page_and_the_api_json(reader):
    page = reader.get("/no/such/page")
    assert page.status_code == 404 and "Không tìm thấy" in page.text and "text/html" in page.headers["content-type"]
    assert reader.get("/api/no-such").json() == {"error": "Không có trang này."}
    bad = reader.get("/messages/abc/attachments/1")
    assert bad.status_code == 422 and "không hợp lệ" in bad.text


def test_signing_out_ends_the_account_s_sessions_but_not_the_next_sign_in(make_client, site):
    from reportbox.app import open_app
    from models import users
    from tests.web.conftest import login

    here, elsewhere = make_client("lan"), make_client("lan")
    page = here.get("/campaigns")
    assert here.post("/logout", data={"csrftoken": csrf_token(page.text)}).status_code == 303
    assert elsewhere.get("/campaigns").status_code == 303  # the same account's other session is over too
    login(here, "lan")
    assert here.get("/campaigns").status_code == 200  # a sign-in after it counts
    app = open_app(site)
    try:
        with app.sessions.begin() as session:
            users.set_password(session, "lan", "a-new-password-22")
    finally:
        app.close()
    assert here.get("/campaigns").status_code == 303  # a new password ends the sessions it had
    login(here, "lan", "a-new-password-22")
    assert here.get("/campaigns").status_code == 200


def test_the_throttle_counts_before_checking_and_per_account_and_address():
    from concurrent.futures import ThreadPoolExecutor

    from web.auth import PER_ADDRESS, SignInThrottle

    throttle = SignInThrottle()
    with ThreadPoolExecutor(8) as pool:  # parallel guesses cannot slip past the limit
        allowed = list(pool.map(lambda _: throttle.attempt("lan", "10.0.0.9"), range(30)))
    assert sum(allowed) == PER_ACCOUNT.amount
    assert throttle.attempt("lan", "10.0.0.7")  # its owner, elsewhere, is not locked out
    assert throttle.attempt("LAN", "10.0.0.7")  # names are counted without case
    throttle.succeeded("lan", "10.0.0.7")
    assert all(throttle.attempt("lan", "10.0.0.7") for _ in range(PER_ACCOUNT.amount))  # a success cleared it
    office = SignInThrottle()
    assert sum(office.attempt(f"user{i}", "10.0.0.1") for i in range(PER_ADDRESS.amount + 5)) == PER_ADDRESS.amount


def test_extreme_instants_are_refused_as_input_not_a_server_error(reader):
    for value in ("0001-01-01T00:00", "9999-12-31T23:59-12:00", "10000-01-01"):
        page = reader.get("/campaigns/tk2019", params={"as_of": value})
        assert page.status_code == 400 and "Thời điểm không hợp lệ" in page.text, value
        assert reader.get("/api/campaigns/tk2019/status", params={"as_of": value}).status_code == 400


def test_days_until_counts_calendar_days_in_vietnam():
    from datetime import datetime, timezone

    from reportbox.timefmt import days_until

    deadline = datetime(2019, 12, 15, 16, 59, 59, tzinfo=timezone.utc)  # 23:59:59 in Vietnam
    assert days_until(deadline, datetime(2019, 12, 10, 1, 30, tzinfo=timezone.utc)) == 5  # 08:30 on the 10th
    assert days_until(deadline, datetime(2019, 12, 15, 1, 0, tzinfo=timezone.utc)) == 0  # the day itself
    assert days_until(deadline, datetime(2019, 12, 14, 17, 30, tzinfo=timezone.utc)) == 0  # 00:30 on the 15th
    assert days_until(deadline, datetime(2019, 12, 15, 17, 30, tzinfo=timezone.utc)) == -1  # 00:30 on the 16th
