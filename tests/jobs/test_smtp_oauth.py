"""Sending through OAuth2 (XOAUTH2, OAUTHBEARER) to the real test SMTP server, whose tokens are
checked at the test token server, as Microsoft 365's and Gmail's submission servers do."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

import pytest

from jobs.mail.smtp import SmtpRelay
from reportbox import oauth
from reportbox.config import config_from_dict, with_secrets
from reportbox.errors import DeliveryError

SENDER = "baocao@example.gov.vn"


@pytest.fixture(autouse=True)
def fresh_tokens():
    oauth.forget_tokens()
    yield
    oauth.forget_tokens()


def _raw(subject: str = "Nhắc nộp báo cáo") -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"], message["To"], message["Subject"] = SENDER, "so@hanoi.gov.vn", subject
    message.set_content("Kính gửi Sở.")
    return message.as_bytes()


def _smtp_config(server, token_server, client, tmp_path, monkeypatch, **oauth2):
    monkeypatch.setenv("RB_TEST_SMTP_REFRESH", token_server.issue_refresh_token(client, SENDER))
    settings = {"provider": "other", "token_url": token_server.token_url, "client_id": client.client_id,
                "refresh_token_env": "RB_TEST_SMTP_REFRESH", **oauth2}
    data = {"smtp": {"host": server.host, "port": server.port, "security": "none", "username": SENDER,
                     "from": f"Bộ <{SENDER}>", "timeout": 10, "auth": "oauth2", "oauth2": settings}}
    return with_secrets(config_from_dict(data, tmp_path / "reportbox.toml"), ["smtp"]).smtp


def _send(config, subject="Nhắc nộp báo cáo"):
    with SmtpRelay(config) as relay:
        return relay.send(SENDER, ["so@hanoi.gov.vn"], _raw(subject), lambda: True)


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_send_through_oauth2(make_smtp_server, token_server, tmp_path, monkeypatch, mechanism):
    server = make_smtp_server(oauth_introspection=token_server.introspection_url)
    client = token_server.register_client(secret=None)
    config = _smtp_config(server, token_server, client, tmp_path, monkeypatch, mechanism=mechanism)
    accepted = _send(config)
    assert accepted.reply.startswith("250")
    [received] = server.messages()
    assert received.auth_user == SENDER and received.mail_from == SENDER
    assert [g.grant_type for g in token_server.grants(client)] == ["refresh_token"]
    assert "AUTH %s refused" % mechanism.upper() not in server.log_path.read_text()


def test_a_cached_token_the_relay_refuses_is_renewed_once(make_smtp_server, token_server, tmp_path, monkeypatch):
    server = make_smtp_server(oauth_introspection=token_server.introspection_url)
    client = token_server.register_client()
    config = _smtp_config(server, token_server, client, tmp_path, monkeypatch, mechanism="xoauth2")
    _send(config, "một")
    token_server.expire_access_tokens()
    _send(config, "hai")
    assert [r.message["Subject"] for r in server.messages()] == ["một", "hai"]
    assert len(token_server.grants(client)) == 2
    assert "AUTH XOAUTH2 refused" in server.log_path.read_text()  # the cached token was tried first


def test_a_revoked_refresh_token_fails_for_a_person_to_act(make_smtp_server, token_server, tmp_path, monkeypatch):
    server = make_smtp_server(oauth_introspection=token_server.introspection_url)
    client = token_server.register_client(secret="s3cret")
    (tmp_path / "cs").write_text("s3cret")
    config = _smtp_config(server, token_server, client, tmp_path, monkeypatch, client_secret_file=str(tmp_path / "cs"))
    token_server.revoke(config.oauth2.refresh_token.get_secret_value())
    with pytest.raises(DeliveryError) as failed:
        _send(config)
    assert (failed.value.reason, failed.value.temporary) == ("oauth", False)
    assert str(failed.value).startswith("smtp: the OAuth2 provider refused a token (invalid_grant")
    assert "environment variable RB_TEST_SMTP_REFRESH" in str(failed.value)
    assert server.messages() == []


def test_a_token_for_another_sender_is_refused_with_advice(make_smtp_server, token_server, tmp_path, monkeypatch):
    server = make_smtp_server(oauth_introspection=token_server.introspection_url)
    client = token_server.register_client(secret="s3cret", mailbox="someone-else@example.gov.vn")
    (tmp_path / "cs").write_text("s3cret")
    config = _smtp_config(server, token_server, client, tmp_path, monkeypatch, flow="client_credentials",
                          client_secret_file=str(tmp_path / "cs"))
    with pytest.raises(DeliveryError) as failed:
        _send(config)
    assert (failed.value.reason, failed.value.temporary, failed.value.code) == ("auth", False, 535)
    text = str(failed.value)
    assert f"refused the login of {SENDER}: 535" in text and "(status 401, schemes bearer, scope mail)" in text
    assert "SMTP.Send permission" in text


def test_reminders_go_out_through_oauth2_and_a_revoked_grant_charges_no_message(tmp_path, make_smtp_server,
                                                                                token_server, monkeypatch):
    from jobs.reminders.run import remind
    from tests.jobs.reminder_setup import make_app, smtp_section, vn

    server = make_smtp_server(oauth_introspection=token_server.introspection_url)
    client = token_server.register_client(rotate=True)
    refresh = tmp_path / "smtp-refresh-token"
    refresh.write_text(token_server.issue_refresh_token(client, "phongkh@molisa.gov.vn"))
    oauth2 = {"provider": "other", "token_url": token_server.token_url, "client_id": client.client_id,
              "refresh_token_file": str(refresh)}
    smtp = smtp_section(server, username="phongkh@molisa.gov.vn", auth="oauth2", oauth2=oauth2)
    app = make_app(tmp_path, f"sqlite:///{tmp_path / 'a.db'}", smtp=smtp)
    try:
        run = remind(app, "tk2019", as_of=vn(10))
        assert run.delivery.sent and run.delivery.link_error is None
        assert {r.auth_user for r in server.messages()} == {"phongkh@molisa.gov.vn"}
        assert len(token_server.grants(client)) == 1  # one token for the whole batch
        token_server.revoke(refresh.read_text().strip())  # the rotated one, kept in the file
        oauth.forget_tokens()  # the next command is another process
        again = remind(app, "tk2019", as_of=vn(14))  # the next step is due
    finally:
        app.close()
    assert again.delivery.sent == [] and again.delivery.failed == []
    assert again.delivery.link_error.startswith("smtp: the OAuth2 provider refused a token (invalid_grant")
