"""Self-tests of the SMTP test server: what smtplib sends arrives intact, and misbehaviour is real SMTP."""

from __future__ import annotations

import email.policy
import smtplib
import socket
import ssl
from email.message import EmailMessage

import pytest

from . import smtp as smtp_module
from .common import ServerStartError
from .smtp import SmtpServer

SENDER = "phongkh@example.gov.vn"
HANOI = "baocao@hanoi.gov.vn"
HUE = "baocao@hue.gov.vn"
SUBJECT = "Nhắc nộp báo cáo năm 2019 – Sở LĐTBXH Hà Nội"
BODY = "Kính gửi Sở Lao động – Thương binh và Xã hội,\n.dòng bắt đầu bằng dấu chấm\nTrân trọng.\n"


def utf8_message(subject: str = SUBJECT, to: str = HANOI) -> bytes:
    """Raw UTF-8 headers and an 8bit body, with CRLF line ends as they travel over SMTP."""
    msg = EmailMessage(policy=email.policy.SMTPUTF8)
    msg["From"] = f"Phòng Kế hoạch - Tài chính <{SENDER}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(BODY, cte="8bit")
    return msg.as_bytes()


def plain_message(subject: str) -> bytes:
    return f"From: {SENDER}\r\nTo: {HANOI}\r\nSubject: {subject}\r\n\r\nbody {subject}\r\n".encode()


def connect(server: SmtpServer, cafile=None, starttls: bool = False) -> smtplib.SMTP:
    """An smtplib client for the server; trusts ``cafile`` (else the system CAs) when TLS is used."""
    context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    if server.tls == "ssl":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=5, context=context)
    client = smtplib.SMTP(server.host, server.port, timeout=5)
    if starttls:
        client.starttls(context=context)
    return client


def subjects(server: SmtpServer) -> list[str]:
    return [received.message["Subject"] for received in server.messages()]


# --- what arrives -----------------------------------------------------------

def test_utf8_message_arrives_byte_exact_with_its_envelope(smtp_server):
    raw = utf8_message()
    with connect(smtp_server) as client:
        refused = client.sendmail(SENDER, [HANOI, HUE], raw, mail_options=["SMTPUTF8", "BODY=8BITMIME"])

    assert refused == {}
    [received] = smtp_server.messages()
    assert received.data == raw  # dot-stuffing of the ".dòng" line undone, nothing re-encoded
    assert (received.mail_from, received.rcpt_tos) == (SENDER, [HANOI, HUE])
    assert {"SMTPUTF8", "BODY=8BITMIME"} <= set(received.mail_options)
    assert received.tls is False and received.auth_user is None
    assert received.peer[0] == "127.0.0.1"
    assert received.message["Subject"] == SUBJECT
    assert received.message.get_content() == BODY.replace("\n", "\r\n")  # parsed as sent, CRLF kept


def test_messages_keep_arrival_order_across_restart_and_clear(smtp_server):
    with connect(smtp_server) as client:
        for subject in ("one", "two"):
            client.sendmail(SENDER, [HANOI], plain_message(subject))
    smtp_server.restart()
    with connect(smtp_server) as client:
        client.sendmail(SENDER, [HANOI], plain_message("three"))

    assert subjects(smtp_server) == ["one", "two", "three"]
    assert [m.name for m in smtp_server.messages()] == ["000001", "000002", "000003"]
    smtp_server.clear()
    assert smtp_server.messages() == []
    with connect(smtp_server) as client:
        client.sendmail(SENDER, [HANOI], plain_message("four"))
    assert [m.message["Subject"] for m in smtp_server.wait_for(1)] == ["four"]


def test_wait_for_times_out_naming_what_it_got(smtp_server):
    with pytest.raises(TimeoutError, match="expected at least 1 message.*got 0"):
        smtp_server.wait_for(1, timeout=0.2)


# --- refusals while running -------------------------------------------------

def test_refused_data_raises_451_then_recover_accepts_on_the_same_connection(smtp_server):
    with connect(smtp_server) as client:
        smtp_server.refuse(451, "4.3.0 Try again later")
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail(SENDER, [HANOI], plain_message("refused"))
        assert refused.value.smtp_code == 451
        assert b"Try again later" in refused.value.smtp_error
        assert smtp_server.messages() == []

        smtp_server.recover()
        client.sendmail(SENDER, [HANOI], plain_message("accepted"))

    assert subjects(smtp_server) == ["accepted"]


def test_refused_mail_from_raises_sender_refused(smtp_server):
    smtp_server.refuse(554, "5.7.1 Sender blocked", at="MAIL")
    with connect(smtp_server) as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail(SENDER, [HANOI], plain_message("blocked"))
    assert refused.value.smtp_code == 554
    assert smtp_server.messages() == []


def test_rejected_recipient_is_reported_and_others_still_get_the_message(smtp_server):
    smtp_server.reject_recipients({HUE.upper(): (550, "5.1.1 No such user")})
    with connect(smtp_server) as client:
        refused = client.sendmail(SENDER, [HANOI, HUE], plain_message("partial"))
        with pytest.raises(smtplib.SMTPRecipientsRefused) as all_refused:
            client.sendmail(SENDER, [HUE], plain_message("nobody"))

    assert refused == {HUE: (550, b"5.1.1 No such user")}
    assert all_refused.value.recipients == {HUE: (550, b"5.1.1 No such user")}
    [received] = smtp_server.messages()
    assert received.rcpt_tos == [HANOI]

    smtp_server.recover()
    with connect(smtp_server) as client:
        assert client.sendmail(SENDER, [HUE], plain_message("fixed")) == {}


def test_drops_break_data_before_or_after_the_dot_and_recover_ends_them(smtp_server):
    smtp_server.drop("before_dot")
    with connect(smtp_server) as client, pytest.raises(smtplib.SMTPServerDisconnected):
        client.sendmail(SENDER, [HANOI], plain_message("dropped before the dot"))
    assert smtp_server.messages() == []  # the dot never came: nothing kept
    smtp_server.drop("after_dot")
    client = connect(smtp_server)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        client.sendmail(SENDER, [HANOI], plain_message("dropped after the dot"))
    assert subjects(smtp_server) == ["dropped after the dot"]  # taken, but never confirmed
    smtp_server.recover()
    with connect(smtp_server) as client:
        client.sendmail(SENDER, [HANOI], plain_message("normal again"))
    assert subjects(smtp_server) == ["dropped after the dot", "normal again"]
    with pytest.raises(ValueError):
        smtp_server.drop("sometimes")


def test_refusal_codes_must_be_errors(smtp_server):
    with pytest.raises(ValueError, match="4xx or 5xx"):
        smtp_server.refuse(250)


# --- TLS --------------------------------------------------------------------

def test_starttls_verifies_against_ca_file_and_fails_without_it(make_smtp_server):
    server = make_smtp_server(tls="starttls")
    with connect(server, cafile=server.ca_file, starttls=True) as client:
        client.sendmail(SENDER, [HANOI], plain_message("over starttls"))
    [received] = server.messages()
    assert received.tls is True

    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        with pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=ssl.create_default_context())


def test_starttls_server_refuses_mail_before_starttls(make_smtp_server):
    server = make_smtp_server(tls="starttls")
    with connect(server) as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail(SENDER, [HANOI], plain_message("in clear"))
    assert refused.value.smtp_code == 530
    assert server.messages() == []


def test_implicit_ssl_works_with_ca_file_for_ip_and_name(make_smtp_server):
    server = make_smtp_server(tls="ssl")
    with connect(server, cafile=server.ca_file) as client:
        client.sendmail(SENDER, [HANOI], plain_message("over ssl"))
    context = ssl.create_default_context(cafile=str(server.ca_file))
    with smtplib.SMTP_SSL("localhost", server.port, timeout=5, context=context) as client:
        client.sendmail(SENDER, [HANOI], plain_message("to localhost"))

    assert [m.tls for m in server.messages()] == [True, True]
    with pytest.raises(ssl.SSLCertVerificationError):
        smtplib.SMTP_SSL(server.host, server.port, timeout=5, context=ssl.create_default_context())


# --- AUTH -------------------------------------------------------------------

@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_auth_right_password_is_recorded(make_smtp_server, mechanism):
    server = make_smtp_server(auth={SENDER: "right-password"})
    with connect(server) as client:
        client.ehlo()
        client.user, client.password = SENDER, "right-password"
        code, _ = client.auth(mechanism, getattr(client, f"auth_{mechanism.lower()}"))
        assert code == 235
        client.sendmail(SENDER, [HANOI], plain_message("authenticated"))
    [received] = server.messages()
    assert received.auth_user == SENDER


def test_auth_wrong_password_fails_535_and_mail_needs_login(make_smtp_server):
    server = make_smtp_server(tls="starttls", auth={SENDER: "secret"})
    with connect(server, cafile=server.ca_file, starttls=True) as client:
        with pytest.raises(smtplib.SMTPAuthenticationError) as failed:
            client.login(SENDER, "wrong")
        assert failed.value.smtp_code == 535
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            client.sendmail(SENDER, [HANOI], plain_message("anonymous"))
        assert refused.value.smtp_code == 530
        client.login(SENDER, "secret")
        client.sendmail(SENDER, [HANOI], plain_message("after login"))
    assert [(m.message["Subject"], m.auth_user, m.tls) for m in server.messages()] == [
        ("after login", SENDER, True),
    ]


# --- several servers, start failures ----------------------------------------

def test_two_servers_run_side_by_side_with_separate_spools(smtp_server, make_smtp_server):
    other = make_smtp_server()
    assert other.port != smtp_server.port
    for server, subject in ((smtp_server, "first"), (other, "second")):
        with connect(server) as client:
            client.sendmail(SENDER, [HANOI], plain_message(subject))
    assert subjects(smtp_server) == ["first"]
    assert subjects(other) == ["second"]


def test_start_failure_raises_with_the_server_log(tmp_path, monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(smtp_module, "free_port", lambda: taken.getsockname()[1])
        server = SmtpServer(tmp_path / "smtp")
        with pytest.raises(ServerStartError, match="(?s)exited with status.*address already in use"):
            server.start()
    assert server.proc is None
