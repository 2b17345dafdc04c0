"""OAuth2 for hosted mail: the SASL strings, the settings and their presets, and the token source
against a real token endpoint on loopback (tests/servers/oauth.py)."""

from __future__ import annotations

import base64
import logging
import os
import stat

import pytest

from reportbox import oauth
from reportbox.config import OAuth2Config, config_from_dict, with_secrets
from reportbox.errors import ConfigError, SourceAuthError, SourceUnavailable, TokenRefused
from reportbox.private_files import replace_secret_file


# -- SASL --------------------------------------------------------------------------------------------

def test_xoauth2_message_is_googles_format():
    message = oauth.xoauth2_response("baocao@bo.gov.vn", "ya29.token")
    assert message == "user=baocao@bo.gov.vn\x01auth=Bearer ya29.token\x01\x01"
    # as it travels: Google's documented example, base64 of exactly these bytes
    assert base64.b64encode(oauth.xoauth2_response("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg").encode()) == (
        b"dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==")


def test_oauthbearer_message_follows_rfc_7628():
    message = oauth.oauthbearer_response("user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
                                         "server.example.com", 143)
    # RFC 7628 section 4.1, with the authorization identity the GS2 header carries
    assert message == ("n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
                       "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01")


def test_oauthbearer_escapes_comma_and_equals_in_the_user():
    message = oauth.oauthbearer_response("a,b=c@x.vn", "t", "h", 993)
    assert message.startswith("n,a=a=2Cb=3Dc@x.vn,\x01")


@pytest.mark.parametrize("mechanism, error_reply", [("XOAUTH2", ""), ("OAUTHBEARER", "\x01")])
def test_exchange_sends_the_message_first_then_ends_on_the_servers_error(mechanism, error_reply):
    exchange = oauth.SaslExchange(mechanism, "initial")
    assert exchange(b"") == "initial"  # IMAP's empty first challenge (smtplib passes None)
    assert exchange(b'{"status":"401","schemes":"bearer","scope":"mail"}') == error_reply
    assert exchange.error == "status 401, schemes bearer, scope mail"


def test_exchange_sends_the_initial_response_to_smtplibs_first_call():
    assert oauth.SaslExchange("XOAUTH2", "initial")() == "initial"


@pytest.mark.parametrize("setting, offered, chosen", [
    ("auto", ["PLAIN", "XOAUTH2", "OAUTHBEARER"], "OAUTHBEARER"),
    ("auto", ["LOGIN", "XOAUTH2"], "XOAUTH2"),  # Microsoft 365
    ("auto", [], "XOAUTH2"),
    ("xoauth2", ["OAUTHBEARER", "XOAUTH2"], "XOAUTH2"),
    ("oauthbearer", ["XOAUTH2"], "OAUTHBEARER"),
])
def test_mechanism_choice(setting, offered, chosen):
    assert oauth.choose_mechanism(setting, offered) == chosen


# -- settings ----------------------------------------------------------------------------------------

def _settings(**values) -> OAuth2Config:
    return OAuth2Config.model_validate({"provider": "microsoft", "tenant": "bo.gov.vn", "client_id": "app",
                                        "refresh_token_env": "RT", **values})


def test_presets_for_microsoft_and_google():
    microsoft = _settings()
    assert oauth.token_url(microsoft) == "https://login.microsoftonline.com/bo.gov.vn/oauth2/v2.0/token"
    assert oauth.scope(microsoft, "imap") == "https://outlook.office365.com/IMAP.AccessAsUser.All offline_access"
    assert oauth.scope(microsoft, "smtp") == "https://outlook.office365.com/SMTP.Send offline_access"
    app = _settings(flow="client_credentials", client_secret_env="CS")
    assert oauth.scope(app, "imap") == "https://outlook.office365.com/.default"
    google = _settings(provider="google", tenant=None)
    assert oauth.token_url(google) == "https://oauth2.googleapis.com/token"
    assert oauth.scope(google, "smtp") == "https://mail.google.com/"
    own = _settings(provider="other", token_url="https://id.bo.gov.vn/token", scope="mail")
    assert (oauth.token_url(own), oauth.scope(own, "imap")) == ("https://id.bo.gov.vn/token", "mail")


@pytest.mark.parametrize("values, message", [
    ({"tenant": None}, "tenant: required"),
    ({"provider": "other", "tenant": None}, "token_url: required"),
    ({"provider": "google", "flow": "client_credentials", "client_secret_env": "CS"}, "Google gives mail access"),
    ({"flow": "client_credentials"}, "client_secret_env or client_secret_file: required"),
    ({"refresh_token_env": None}, "refresh_token_env or refresh_token_file: required"),
    ({"refresh_token_file": "rt"}, "not both"),
    ({"refresh_token": "inline"}, "write no refresh token in the file"),
    ({"client_secret": "inline"}, "write no client secret in the file"),
    ({"token_url": "http://id.bo.gov.vn/token"}, "must be an https:// URL"),
])
def test_incomplete_settings_are_refused(values, message):
    with pytest.raises(ValueError, match=message):
        _settings(**values)


def _config(tmp_path, mailbox: dict | None = None, smtp: dict | None = None):
    oauth2 = {"provider": "google", "client_id": "app", "client_secret_file": "cs",
              "refresh_token_file": "secrets/rt"}
    data = {"mailbox": [{"name": "gmail", "kind": "imap", "host": "imap.gmail.com", "username": "bo@gmail.com",
                         "auth": "oauth2", "oauth2": oauth2, **(mailbox or {})}]}
    if smtp is not None:
        data["smtp"] = {"host": "smtp.gmail.com", "from": "bo@gmail.com", "username": "bo@gmail.com", **smtp}
    return config_from_dict(data, tmp_path / "reportbox.toml")


def test_oauth2_mailbox_needs_no_password_and_its_files_are_relative_to_the_config(tmp_path):
    config = _config(tmp_path)
    settings = config.mailbox[0].oauth2
    assert settings.refresh_token_file == tmp_path / "secrets" / "rt"
    assert settings.client_secret_file == tmp_path / "cs"


@pytest.mark.parametrize("mailbox, message", [
    ({"auth": "password", "password_env": "PW"}, 'oauth2: set auth = "oauth2"'),
    ({"password_env": "PW"}, "password_env / password_file: not used with auth"),
    ({"kind": "maildir", "path": "m"}, 'auth: "oauth2" applies to imap mailboxes'),
])
def test_auth_and_its_settings_agree(tmp_path, mailbox, message):
    with pytest.raises(ConfigError, match=message):
        _config(tmp_path, mailbox)


def test_auth_oauth2_needs_its_table(tmp_path):
    data = {"mailbox": [{"name": "g", "kind": "imap", "host": "imap.gmail.com", "username": "u", "auth": "oauth2"}]}
    with pytest.raises(ConfigError, match=r'mailbox "g": oauth2: auth = "oauth2" needs an \[oauth2\] table'):
        config_from_dict(data, tmp_path / "reportbox.toml")


def test_with_secrets_reads_the_oauth2_secrets_and_names_each_missing_one(tmp_path, monkeypatch):
    config = _config(tmp_path, smtp={"auth": "oauth2", "oauth2": {"provider": "google", "client_id": "app",
                                                                  "refresh_token_env": "RB_SMTP_RT"}})
    with pytest.raises(ConfigError) as missing:
        with_secrets(config, ["imap", "smtp"])
    text = str(missing.value)
    assert 'mailbox "gmail" oauth2 (client secret: file' in text
    assert "smtp oauth2 (refresh token: environment variable RB_SMTP_RT is not set)" in text
    (tmp_path / "cs").write_text("client-secret\n")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "rt").write_text("refresh-1\n")
    monkeypatch.setenv("RB_SMTP_RT", "refresh-2")
    read = with_secrets(config, ["imap", "smtp"])
    assert read.mailbox[0].oauth2.client_secret.get_secret_value() == "client-secret"
    assert read.mailbox[0].oauth2.refresh_token.get_secret_value() == "refresh-1"
    assert read.smtp.oauth2.refresh_token.get_secret_value() == "refresh-2"
    assert "refresh-1" not in repr(read.mailbox[0])


def test_replace_secret_file_is_owner_only_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "rt"
    path.write_text("old\n")
    path.chmod(0o644)
    link = tmp_path / "link"
    link.symlink_to(path)
    replace_secret_file(link, "new")
    assert stat.S_IMODE(os.lstat(link).st_mode) == 0o600 and not link.is_symlink()
    assert link.read_text() == "new\n" and path.read_text() == "old\n"  # the link was replaced, not followed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "rt"]


# -- the token source against a real endpoint ---------------------------------------------------------

@pytest.fixture
def clock(monkeypatch):
    """The token source's monotonic clock, moved on by tests instead of waiting."""
    now = [1000.0]
    monkeypatch.setattr(oauth, "_clock", lambda: now[0])
    return now


def _source(token_server, client, tmp_path, *, flow="refresh_token", protocol="imap", **values):
    settings = {"provider": "other", "token_url": token_server.token_url, "client_id": client.client_id,
                "flow": flow, **values}
    if client.secret:
        (tmp_path / "cs").write_text(client.secret)
        settings["client_secret_file"] = tmp_path / "cs"
    return oauth.TokenSource(OAuth2Config.model_validate(settings), label='mailbox "hosted"', protocol=protocol,
                             timeout=5)


def test_tokens_are_cached_until_shortly_before_they_expire(token_server, tmp_path, clock, monkeypatch):
    client = token_server.register_client(secret="s", lifetime=600)
    monkeypatch.setenv("RB_RT", token_server.issue_refresh_token(client, "a@bo.gov.vn"))
    tokens = _source(token_server, client, tmp_path, refresh_token_env="RB_RT", scope="mail")
    first = tokens.get()
    assert first.fresh and tokens.get() == oauth.AccessToken(first.value, fresh=False)
    clock[0] += 600 - 61  # the margin is a minute, a tenth of 600 s
    assert tokens.get().value == first.value
    clock[0] += 2
    second = tokens.get()
    assert second.fresh and second.value != first.value
    grants = token_server.grants(client)
    assert [(g.grant_type, g.scope, g.error) for g in grants] == [("refresh_token", "mail", None)] * 2


def test_client_credentials_flow(token_server, tmp_path):
    client = token_server.register_client(secret="app-secret", mailbox="shared@bo.gov.vn")
    tokens = _source(token_server, client, tmp_path, flow="client_credentials")
    token = tokens.get().value
    assert token_server.introspect(token) == {"active": True, "username": "shared@bo.gov.vn",
                                              "exp": pytest.approx(token_server.now() + 3600, abs=5)}
    assert [g.grant_type for g in token_server.grants(client)] == ["client_credentials"]


def test_revoked_refresh_token_names_the_mailbox_and_what_to_do(token_server, tmp_path):
    client = token_server.register_client(secret="s")
    refresh = token_server.issue_refresh_token(client, "a@bo.gov.vn")
    (tmp_path / "rt").write_text(refresh)
    token_server.revoke(refresh)
    tokens = _source(token_server, client, tmp_path, refresh_token_file=tmp_path / "rt")
    with pytest.raises(TokenRefused) as refused:
        tokens.get()
    assert isinstance(refused.value, SourceAuthError) and refused.value.error == "invalid_grant"
    text = str(refused.value)
    assert text.startswith('mailbox "hosted": the OAuth2 provider refused a token (invalid_grant: AADSTS70008')
    assert "sign in again to obtain a new one" in text and f"file {tmp_path / 'rt'}" in text


def test_wrong_client_secret_and_unknown_application(token_server, tmp_path, monkeypatch):
    client = token_server.register_client(secret="right", mailbox="a@bo.gov.vn")
    tokens = _source(token_server, client, tmp_path, flow="client_credentials")
    (tmp_path / "cs").write_text("wrong")  # the secret was replaced at the provider, not in the file
    with pytest.raises(TokenRefused, match="invalid_client.*check client_id .* and the client secret"):
        tokens.get()
    stranger = oauth.OAuth2Config.model_validate({"provider": "microsoft", "tenant": "other.onmicrosoft.com",
                                                  "token_url": token_server.token_url, "client_id": "nobody",
                                                  "refresh_token_env": "RB_RT"})
    monkeypatch.setenv("RB_RT", "whatever")
    with pytest.raises(TokenRefused, match="application nobody is not known in tenant 'other.onmicrosoft.com'"):
        oauth.TokenSource(stranger, label="smtp", protocol="smtp", timeout=5).get()


def test_an_unreachable_endpoint_is_unavailable_not_refused(tmp_path, monkeypatch):
    from tests.servers.common import free_port

    monkeypatch.setenv("RB_RT", "rt")
    settings = OAuth2Config.model_validate({"provider": "other", "token_url": f"http://127.0.0.1:{free_port()}/token",
                                            "client_id": "app", "refresh_token_env": "RB_RT"})
    with pytest.raises(SourceUnavailable, match='mailbox "m": cannot reach the token endpoint'):
        oauth.TokenSource(settings, label='mailbox "m"', protocol="imap", timeout=5).get()


def test_rotated_refresh_token_is_written_back_to_its_file(token_server, tmp_path, clock):
    client = token_server.register_client(rotate=True)  # a public client: no secret
    first = token_server.issue_refresh_token(client, "a@bo.gov.vn")
    (tmp_path / "rt").write_text(first + "\n")
    (tmp_path / "rt").chmod(0o640)
    tokens = _source(token_server, client, tmp_path, refresh_token_file=tmp_path / "rt")
    tokens.get()
    kept = (tmp_path / "rt").read_text().strip()
    assert kept != first and token_server.refresh_token_of(client) == [kept]  # the old one no longer works
    assert stat.S_IMODE((tmp_path / "rt").stat().st_mode) == 0o600
    clock[0] += 7200
    tokens.get()  # refreshes with the new token: the old one would be invalid_grant
    assert [g.error for g in token_server.grants(client)] == [None, None]
    # another process starting now reads the file and goes on
    oauth.TokenSource(tokens.settings, label="x", protocol="imap", timeout=5).get()
    assert [g.error for g in token_server.grants(client)] == [None, None, None]


def test_rotated_refresh_token_from_the_environment_is_kept_in_memory_with_a_warning(token_server, tmp_path, clock,
                                                                                       monkeypatch, caplog):
    client = token_server.register_client(secret="s", rotate=True)
    first = token_server.issue_refresh_token(client, "a@bo.gov.vn")
    monkeypatch.setenv("RB_RT", first)
    tokens = _source(token_server, client, tmp_path, refresh_token_env="RB_RT")
    with caplog.at_level(logging.WARNING, logger="reportbox.oauth"):
        tokens.get()
    assert "environment variable RB_RT still holds the old one" in caplog.text
    assert first not in caplog.text and token_server.refresh_token_of(client)[0] not in caplog.text
    clock[0] += 7200
    tokens.get()
    assert [g.error for g in token_server.grants(client)] == [None, None]


def test_a_refresh_token_rotated_by_another_process_is_read_again(token_server, tmp_path):
    client = token_server.register_client(rotate=True)
    (tmp_path / "rt").write_text(token_server.issue_refresh_token(client, "a@bo.gov.vn"))
    ours = _source(token_server, client, tmp_path, refresh_token_file=tmp_path / "rt")
    ours._current_refresh_token()  # read at start, as with_secrets does
    _source(token_server, client, tmp_path, refresh_token_file=tmp_path / "rt").get()  # rotates it
    ours.get()  # invalid_grant with the old token, then the file's
    assert [g.error for g in token_server.grants(client)] == [None, "invalid_grant", None]


def test_with_token_renews_a_refused_cached_token_once(token_server, tmp_path, monkeypatch):
    client = token_server.register_client(secret="s")
    monkeypatch.setenv("RB_RT", token_server.issue_refresh_token(client, "a@bo.gov.vn"))
    tokens = _source(token_server, client, tmp_path, refresh_token_env="RB_RT")
    cached = tokens.get().value
    tried = []

    def authenticate(token):
        tried.append(token)
        if token_server.introspect(token)["active"] is not True:
            raise PermissionError(token)
        return "in"

    token_server.expire_access_tokens()
    assert oauth.with_token(tokens, authenticate, (PermissionError,)) == "in"
    assert tried[0] == cached and len(tried) == 2 and tried[1] != cached
    token_server.expire_access_tokens()
    tokens._token = None  # a fresh token refused is not asked for again
    with pytest.raises(PermissionError):
        oauth.with_token(tokens, lambda token: authenticate("refused"), (PermissionError,))
    assert len(token_server.grants(client)) == 3


def test_missing_client_secret_at_use_is_a_config_error(token_server, tmp_path):
    client = token_server.register_client(secret="s", mailbox="a@bo.gov.vn")
    settings = OAuth2Config.model_validate({"provider": "other", "token_url": token_server.token_url,
                                            "client_id": client.client_id, "flow": "client_credentials",
                                            "client_secret_file": tmp_path / "missing"})
    with pytest.raises(ConfigError, match='mailbox "m" oauth2 client secret: file .*missing cannot be read'):
        oauth.TokenSource(settings, label='mailbox "m"', protocol="imap", timeout=5).get()


# -- renewed secrets, shared failures -----------------------------------------------------------------

def _app_settings(token_server, client, tmp_path) -> OAuth2Config:
    """Client-credentials settings, read as a command (or a reload) reads them: with_secrets."""
    (tmp_path / "cs").write_text(client.secret)
    return OAuth2Config.model_validate({"provider": "other", "token_url": token_server.token_url,
                                        "client_id": client.client_id, "flow": "client_credentials",
                                        "client_secret_file": tmp_path / "cs"}).with_secrets()


def test_a_renewed_client_secret_read_by_a_reload_gets_its_own_token_source(token_server, tmp_path):
    client = token_server.register_client(secret="cs-0ld-7f3a", mailbox="a@bo.gov.vn")
    before = oauth.token_source(_app_settings(token_server, client, tmp_path), label='mailbox "renewed"',
                                protocol="imap", timeout=5)
    before.get()
    client.secret = "cs-n3w-9b2c"  # the old secret expired; the operator made a new one and put it in the file
    after_settings = _app_settings(token_server, client, tmp_path)  # what the reload read
    after = oauth.token_source(after_settings, label='mailbox "renewed"', protocol="imap", timeout=5)
    assert after is not before
    after.get()
    assert [g.error for g in token_server.grants(client)] == [None, None]
    key = next(k for k, source in oauth._sources.items() if source is after)
    assert "cs-n3w-9b2c" not in repr(key) and "cs-0ld-7f3a" not in repr(key)  # told apart by a hash, never the value
    oauth.forget_tokens('mailbox "renewed"')
    assert after not in oauth._sources.values()


def test_invalid_client_reads_the_client_secret_file_again(token_server, tmp_path, clock):
    client = token_server.register_client(secret="old", mailbox="a@bo.gov.vn")
    tokens = oauth.TokenSource(_app_settings(token_server, client, tmp_path), label='mailbox "m"',
                               protocol="imap", timeout=5)
    client.secret = "new"  # renewed at the provider, not yet in the file
    with pytest.raises(TokenRefused, match="invalid_client"):
        tokens.get()
    (tmp_path / "cs").write_text("new\n")
    clock[0] += 60  # past the failure's backoff
    assert tokens.get().fresh  # refused with the secret held, then taken with the file's
    assert [g.error for g in token_server.grants(client)] == ["invalid_client", "invalid_client", None]


def test_callers_waiting_on_a_hanging_endpoint_share_its_failure(token_server, tmp_path):
    import threading
    import time

    client = token_server.register_client(secret="s", mailbox="a@bo.gov.vn")
    settings = _app_settings(token_server, client, tmp_path)
    tokens = oauth.TokenSource(settings, label='mailbox "m"', protocol="imap", timeout=1)
    errors: list[BaseException] = []

    def get():
        try:
            tokens.get()
        except SourceUnavailable as exc:
            errors.append(exc)

    before = token_server.token_requests
    token_server.stall()
    try:
        first = threading.Thread(target=get)
        first.start()
        deadline = time.monotonic() + 10
        while token_server.token_requests == before and time.monotonic() < deadline:
            time.sleep(0.01)
        second = threading.Thread(target=get)  # the poll, while IDLE's watcher waits for its token
        second.start()
        first.join(10)
        second.join(10)
    finally:
        token_server.release()
    assert len(errors) == 2 and "cannot reach the token endpoint" in str(errors[0])
    assert token_server.token_requests - before == 1


def _nobody() -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_token_rotated_by_root_keeps_the_files_owner(token_server, tmp_path, clock):
    """Root runs `reportbox doctor` on a Microsoft mailbox: the daemon's user must still read the file."""
    uid, gid = _nobody()
    client = token_server.register_client(rotate=True)
    (tmp_path / "rt").write_text(token_server.issue_refresh_token(client, "a@bo.gov.vn"))
    os.chown(tmp_path / "rt", uid, gid)
    tokens = _source(token_server, client, tmp_path, refresh_token_file=tmp_path / "rt")
    tokens.get()
    info = os.stat(tmp_path / "rt")
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (uid, gid, 0o600)
    assert (tmp_path / "rt").read_text().strip() == token_server.refresh_token_of(client)[0]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_another_users_token_file_is_not_replaced():
    import shutil
    import tempfile
    from pathlib import Path

    uid, gid = _nobody()
    folder = Path(tempfile.mkdtemp(prefix="rb-owner-"))  # pytest's tmp_path is closed to other users
    try:
        folder.chmod(0o777)
        (folder / "rt").write_text("old\n")
        os.chown(folder / "rt", 0, 0)
        pid = os.fork()
        if pid == 0:  # as nobody, who may write the folder but does not own the file
            code = 1
            try:
                os.setgid(gid)
                os.setuid(uid)
                try:
                    replace_secret_file(folder / "rt", "new")
                except PermissionError as exc:
                    code = 0 if "belongs to user root" in str(exc) else 2
            finally:
                os._exit(code)
        assert os.waitpid(pid, 0)[1] == 0
        assert (folder / "rt").read_text() == "old\n" and os.stat(folder / "rt").st_uid == 0
        assert sorted(p.name for p in folder.iterdir()) == ["rt"]
    finally:
        shutil.rmtree(folder)


def test_a_reload_drops_the_token_caches_of_changed_and_removed_mailboxes(tmp_path):
    from types import SimpleNamespace

    from jobs import reload

    (tmp_path / "cs").write_text("cs-1")
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "rt").write_text("rt-1")
    old = with_secrets(_config(tmp_path), ["imap"])
    cached = [oauth.token_source(m.oauth2, label=f'mailbox "{m.name}"', protocol="imap", timeout=5)
              for m in old.mailbox]
    smtp_tokens = oauth.token_source(old.mailbox[0].oauth2, label="smtp", protocol="smtp", timeout=5)
    (tmp_path / "cs").write_text("cs-2")
    changes = reload.compare(old, with_secrets(_config(tmp_path), ["imap"]))
    assert [m.name for m in changes.changed] == ["gmail"]
    started = []
    daemon = SimpleNamespace(sources={"gmail": SimpleNamespace(close=lambda: None)},
                             watchers=SimpleNamespace(start=started.append, stop=lambda name: None),
                             _schedule_poll=lambda mailbox: None)
    reload._apply_mailboxes(daemon, changes)
    assert [m.name for m in started] == ["gmail"]
    assert not any(source in oauth._sources.values() for source in cached)
    assert smtp_tokens in oauth._sources.values()  # [smtp] did not change
    oauth.forget_tokens()
