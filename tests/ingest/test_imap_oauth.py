"""Fetching through OAuth2 (XOAUTH2, OAUTHBEARER) from a real Dovecot whose oauth2 passdb checks
each access token at the test token server (tests/servers/oauth.py), as Microsoft 365 and Gmail do."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import select

from ingest.imap import ImapSource, open_connection
from jobs.poll import poll
from models.schema import FolderState
from reportbox import oauth, samples
from reportbox.config import with_secrets
from reportbox.errors import SourceAuthError, TokenRefused

from .conftest import count


@pytest.fixture
def db_url(tmp_path):
    """SQLite only: what is tested here is the login, the same whatever the database."""
    return f"sqlite:///{tmp_path / 'reportbox.db'}"


@pytest.fixture(autouse=True)
def fresh_tokens():
    oauth.forget_tokens()  # each test starts as a new process would
    yield
    oauth.forget_tokens()


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(oauth, "_clock", lambda: now[0])
    return now


@pytest.fixture
def account(oauth_dovecot):
    return oauth_dovecot.add_user()


def _mailbox(token_server, account, client, tmp_path, **oauth2) -> dict:
    settings = {"provider": "other", "token_url": token_server.token_url, "client_id": client.client_id, **oauth2}
    if client.secret:
        (tmp_path / "client-secret").write_text(client.secret)
        settings["client_secret_file"] = str(tmp_path / "client-secret")
    return {"name": "hosted", "kind": "imap", "host": account.host, "port": account.port, "security": "none",
            "username": account.username, "timeout": 10, "auth": "oauth2", "oauth2": settings}


def _refresh_token_file(tmp_path, token: str):
    path = tmp_path / "refresh-token"
    path.write_text(token + "\n")
    path.chmod(0o600)
    return path


def _report(account, i: int) -> None:
    province = samples.PROVINCES[i % len(samples.PROVINCES)]
    account.append(samples.report_message(province, attachment="docx", message_id=f"<oauth-{i}@test.gov.vn>"))


def _poll(app):
    source = ImapSource(with_secrets(app.config, ["imap"]).mailbox[0])
    try:
        return poll(app, [source], backoff=0.01)
    finally:
        source.close()


def _logins(dovecot, username: str) -> list[str]:
    """The mechanism of each login Dovecot logged for this user, in order."""
    return [line.split("method=")[1].split(",")[0] for line in dovecot.log_path.read_text().splitlines()
            if "Login: user=<" + username + ">" in line]


@pytest.mark.parametrize("mechanism, used", [("xoauth2", "XOAUTH2"), ("oauthbearer", "OAUTHBEARER"),
                                             ("auto", "OAUTHBEARER")])
def test_fetch_through_oauth2(make_app, token_server, oauth_dovecot, account, tmp_path, mechanism, used):
    for i in range(3):
        _report(account, i)
    client = token_server.register_client(secret="app-secret")
    path = _refresh_token_file(tmp_path, token_server.issue_refresh_token(client, account.username))
    app = make_app([_mailbox(token_server, account, client, tmp_path, refresh_token_file=str(path),
                             mechanism=mechanism)])
    report = _poll(app)
    assert (report.fetched.new, report.fetched.errors) == (3, [])
    assert count(app) == 3
    assert [g.grant_type for g in token_server.grants(client)] == ["refresh_token"]
    assert _logins(oauth_dovecot, account.username)[-1] == used


def test_client_credentials_flow(make_app, token_server, oauth_dovecot, account, tmp_path):
    _report(account, 0)
    client = token_server.register_client(secret="app-secret", mailbox=account.username)
    app = make_app([_mailbox(token_server, account, client, tmp_path, flow="client_credentials")])
    assert _poll(app).fetched.new == 1
    assert [g.grant_type for g in token_server.grants(client)] == ["client_credentials"]
    assert _logins(oauth_dovecot, account.username)[-1] == "OAUTHBEARER"


def test_a_token_expiring_between_polls_is_refreshed(make_app, token_server, account, tmp_path, clock):
    _report(account, 0)
    client = token_server.register_client(lifetime=3600)
    path = _refresh_token_file(tmp_path, token_server.issue_refresh_token(client, account.username))
    app = make_app([_mailbox(token_server, account, client, tmp_path, refresh_token_file=str(path))])
    source = ImapSource(with_secrets(app.config, ["imap"]).mailbox[0])
    assert poll(app, [source], backoff=0.01).fetched.new == 1
    first = oauth.token_source(source.config.oauth2, label='mailbox "hosted"', protocol="imap", timeout=10).get()
    source.close()  # the connection drops between polls; the next one logs in again
    _report(account, 1)
    token_server.advance(3600)
    clock[0] += 3600
    assert token_server.introspect(first.value) == {"active": False}  # the old token would be refused
    assert poll(app, [source], backoff=0.01).fetched.new == 1
    source.close()
    assert [(g.grant_type, g.error) for g in token_server.grants(client)] == [("refresh_token", None)] * 2


def test_a_cached_token_the_server_refuses_is_renewed_once(make_app, token_server, oauth_dovecot, account, tmp_path):
    _report(account, 0)
    client = token_server.register_client()
    path = _refresh_token_file(tmp_path, token_server.issue_refresh_token(client, account.username))
    app = make_app([_mailbox(token_server, account, client, tmp_path, refresh_token_file=str(path),
                             mechanism="xoauth2")])
    assert _poll(app).fetched.new == 1
    token_server.expire_access_tokens()  # ended early by the provider: our cache still trusts it
    _report(account, 1)
    report = _poll(app)
    assert (report.fetched.new, report.fetched.errors) == (1, [])
    assert len(token_server.grants(client)) == 2


def test_revoked_refresh_token_is_a_clear_auth_error_naming_the_mailbox(make_app, token_server, account, tmp_path):
    _report(account, 0)
    client = token_server.register_client(secret="app-secret")
    refresh = token_server.issue_refresh_token(client, account.username)
    path = _refresh_token_file(tmp_path, refresh)
    app = make_app([_mailbox(token_server, account, client, tmp_path, refresh_token_file=str(path))])
    token_server.revoke(refresh)  # consent withdrawn, password reset …
    with pytest.raises(TokenRefused) as refused:
        ImapSource(app.config.mailbox[0]).connect()
    assert isinstance(refused.value, SourceAuthError)
    assert str(refused.value).startswith('mailbox "hosted": the OAuth2 provider refused a token (invalid_grant')
    assert f"put it in file {path}" in str(refused.value)
    report = _poll(app)  # the daemon records it on the folder and goes on
    assert report.fetched.new == 0 and "invalid_grant" in report.fetched.errors[0]
    with app.sessions() as session:
        assert session.scalar(select(FolderState.last_error)).startswith("oauth_refused")


def test_rotated_refresh_token_is_persisted_and_used_after_a_restart(make_app, token_server, account, tmp_path,
                                                                     clock):
    _report(account, 0)
    client = token_server.register_client(rotate=True)
    first = token_server.issue_refresh_token(client, account.username)
    path = _refresh_token_file(tmp_path, first)
    app = make_app([_mailbox(token_server, account, client, tmp_path, refresh_token_file=str(path))])
    assert _poll(app).fetched.new == 1
    kept = path.read_text().strip()
    assert kept != first and token_server.refresh_token_of(client) == [kept]  # the first one is dead now
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    oauth.forget_tokens()  # a restart: only the file remembers
    clock[0] += 7200
    _report(account, 1)
    restarted = make_app([_mailbox(token_server, account, client, tmp_path, refresh_token_file=str(path))])
    report = _poll(restarted)
    assert (report.fetched.new, report.fetched.errors) == (1, [])
    assert [g.error for g in token_server.grants(client)] == [None, None]


def test_a_token_for_another_mailbox_is_refused_by_the_server(make_app, token_server, oauth_dovecot, account,
                                                              tmp_path):
    other = oauth_dovecot.add_user()
    client = token_server.register_client(secret="app-secret", mailbox=other.username)  # granted the wrong one
    app = make_app([_mailbox(token_server, account, client, tmp_path, flow="client_credentials")])
    with pytest.raises(SourceAuthError) as refused:
        open_connection(app.config.mailbox[0])
    assert refused.value.reason == "oauth_login_refused"
    text = str(refused.value)
    assert text.startswith(f'mailbox "hosted": the server refused the OAuth2 login (OAUTHBEARER) of {account.username}')
    assert "(status invalid_token)" in text and "given access to this mailbox" in text
    assert len(token_server.grants(client)) == 1  # a fresh token refused: not asked for again
