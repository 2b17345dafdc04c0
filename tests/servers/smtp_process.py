"""The test SMTP server's own process: aiosmtpd on one port, storing every message in a spool.

Started by tests.servers.smtp.SmtpServer as ``python -m tests.servers.smtp_process``
and ended with SIGTERM.  It stays light on purpose (no pytest, no project
imports) so that it starts in a fraction of a second.

Files in ``--dir``, the contract with smtp.py:

* ``spool/NNNNNN.eml`` - the DATA bytes exactly as received (dot-unstuffed,
  CRLF line ends, final CRLF included), and ``spool/NNNNNN.json`` - the
  envelope.  Each is written under a temporary name and renamed, the .json
  last, so a reader that lists ``*.json`` never sees half a message.
* ``control.json`` - how to misbehave, re-read at every MAIL, RCPT and DATA
  so a test can change it while the server runs: ``{"refuse": null | {"code",
  "message", "at": "MAIL" | "DATA"}, "reject_recipients": {address: [code, text]},
  "drop": null | "before_dot" | "after_dot" | "no_reply", "drop_only_to": [address]}`` (addresses
  lower-cased; "drop_only_to" limits a "before_dot" drop to mail for those recipients).  The test side replaces it atomically.
* ``smtp.log`` - aiosmtpd's and this module's log.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import logging
import os
import signal
import ssl
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from aiosmtpd.smtp import MISSING, SMTP, AuthResult, Envelope, LoginPassword, Session

SPOOL_DIR = "spool"
DROPS = ("before_dot", "after_dot", "no_reply")
CONTROL_FILE = "control.json"
LOG_FILE = "smtp.log"
SERVER_NAME = "reportbox-test-smtp"
TLS_MODES = ("none", "starttls", "ssl")
# Generous: tests send attachments of several MB; a real relay's limit is not what they test.
DATA_SIZE_LIMIT = 64 * 1024 * 1024

log = logging.getLogger("reportbox.test_smtp")


def read_control(path: Path) -> dict:
    """The current control settings; a missing file means behave normally."""
    try:
        control = json.loads(path.read_text())
    except FileNotFoundError:
        control = {}
    return {"refuse": control.get("refuse"), "reject_recipients": control.get("reject_recipients") or {},
            "drop": control.get("drop"), "drop_only_to": control.get("drop_only_to") or []}


def refusal(control: dict, stage: str) -> str | None:
    """The reply refusing this stage (MAIL or DATA), or None to go on."""
    refuse = control["refuse"]
    if refuse and refuse.get("at", "DATA") == stage:
        return f"{refuse['code']} {refuse['message']}"
    return None


def next_number(spool: Path) -> int:
    """One past the highest stored message, so a restarted server never overwrites one."""
    numbers = [int(path.stem) for path in spool.glob("*.json") if path.stem.isdigit()]
    return max(numbers, default=0) + 1


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def uses_tls(server: SMTP) -> bool:
    """True for implicit TLS and after STARTTLS alike (both leave an ssl_object on the transport)."""
    transport = server.transport
    return transport is not None and transport.get_extra_info("ssl_object") is not None


class SpoolHandler:
    """aiosmtpd hooks: refuse or reject as control.json says, else store the message."""

    def __init__(self, directory: Path):
        self.spool = directory / SPOOL_DIR
        self.control_path = directory / CONTROL_FILE
        self.spool.mkdir(parents=True, exist_ok=True)
        self.numbers = itertools.count(next_number(self.spool))

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        refused = refusal(read_control(self.control_path), "MAIL")
        if refused:
            log.info("refusing MAIL FROM:<%s> with %s", address, refused)
            return refused
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        rejected = read_control(self.control_path)["reject_recipients"].get(address.lower())
        if rejected:
            code, text = rejected
            log.info("rejecting RCPT TO:<%s> with %s %s", address, code, text)
            return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        control = read_control(self.control_path)
        refused = refusal(control, "DATA")
        if refused:
            log.info("refusing DATA from <%s> with %s", envelope.mail_from, refused)
            return refused
        name = f"{next(self.numbers):06d}"
        self.store(name, server, session, envelope)
        log.info("stored %s from <%s> to %s", name, envelope.mail_from, envelope.rcpt_tos)
        if control["drop"] == "after_dot":
            # The worst case for the sender: the message is taken, the reply never comes. abort()
            # (a reset) rather than close(): aiosmtpd's reply below must not reach the socket.
            log.info("dropping the connection after the final dot of %s, without replying", name)
            server.transport.abort()
        elif control["drop"] == "no_reply":
            log.info("not replying to the final dot of %s", name)
            await asyncio.sleep(3600)  # the client's timeout ends it
        return f"250 2.0.0 OK queued as {name}"

    def store(self, name: str, server: SMTP, session: Session, envelope: Envelope) -> None:
        host, port = session.peer[:2]
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "peer": [host, port],
            "received": datetime.now(timezone.utc).isoformat(),
            "tls": uses_tls(server),
            "auth_user": session.auth_data if session.authenticated else None,
        }
        write_atomically(self.spool / f"{name}.eml", envelope.original_content)
        write_atomically(self.spool / f"{name}.json", json.dumps(meta, ensure_ascii=False).encode())


class DroppingSMTP(SMTP):
    """aiosmtpd's SMTP, able to drop the connection in the middle of DATA (control.json "drop")."""

    async def smtp_DATA(self, arg: str) -> None:
        control = read_control(self.event_handler.control_path)
        drop, only_to = control["drop"], control["drop_only_to"]
        if (drop == "before_dot" and self.envelope is not None and self.envelope.rcpt_tos and not arg
                and (not only_to or any(rcpt.lower() in only_to for rcpt in self.envelope.rcpt_tos))):
            # The message's lines never get read, so its final dot cannot have been: RFC 5321 says
            # the server keeps nothing. A reset right behind the 354 makes it so on the client too.
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            log.info("dropping the connection before the final dot of <%s>", self.envelope.mail_from)
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class PasswordAuthenticator:
    """aiosmtpd authenticator for AUTH PLAIN and LOGIN against a user -> password table."""

    def __init__(self, users: dict[str, str]):
        self.users = users

    def __call__(self, server: SMTP, session: Session, envelope: Envelope,
                 mechanism: str, auth_data: object) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        if self.users.get(user) == auth_data.password.decode("utf-8", "replace"):
            return AuthResult(success=True, auth_data=user)
        log.info("AUTH %s failed for %r", mechanism, user)
        return AuthResult(success=False, handled=False)


class OAuthSMTP(DroppingSMTP):
    """DroppingSMTP with AUTH XOAUTH2 and OAUTHBEARER, the bearer token checked at an RFC 7662
    introspection endpoint (tests/servers/oauth.py), as a hosted provider's relay does."""

    introspection_url = ""

    async def auth_XOAUTH2(self, _, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's naming
        return await self._bearer("XOAUTH2", args)

    async def auth_OAUTHBEARER(self, _, args: list[str]) -> AuthResult:  # noqa: N802
        return await self._bearer("OAUTHBEARER", args)

    async def _bearer(self, mechanism: str, args: list[str]) -> AuthResult:
        if len(args) > 1:
            try:
                message = base64.b64decode(args[1], validate=True)
            except ValueError:
                await self.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        else:
            message = await self.challenge_auth("")
            if message is MISSING:
                return AuthResult(success=False, handled=True)
        user, token = parse_bearer(mechanism, message.decode("utf-8", "replace"))
        loop = asyncio.get_running_loop()
        owner = await loop.run_in_executor(None, introspect, self.introspection_url, token)
        if user and owner == user:
            return AuthResult(success=True, auth_data=user)
        log.info("AUTH %s refused for %r (token for %r)", mechanism, user, owner)
        # The error goes to the client as a challenge (Google's and RFC 7628's way); its answer
        # (empty, or ^A) ends the exchange, then 535.
        answer = await self.challenge_auth(json.dumps({"status": "401", "schemes": "bearer", "scope": "mail"}))
        return AuthResult(success=False, handled=answer is MISSING)  # not handled: aiosmtpd replies 535


def parse_bearer(mechanism: str, message: str) -> tuple[str | None, str | None]:
    """(user, token) from an XOAUTH2 or OAUTHBEARER client message."""
    fields = message.split("\x01")
    user = None
    if mechanism == "XOAUTH2":
        user = next((f[5:] for f in fields if f.startswith("user=")), None)
    else:
        authzid = next((part[2:] for part in fields[0].split(",") if part.startswith("a=")), None)
        user = authzid.replace("=2C", ",").replace("=3D", "=") if authzid else None
    auth = next((f[5:] for f in fields if f.startswith("auth=")), "")
    token = auth[7:] if auth.lower().startswith("bearer ") else None
    return user, token


def introspect(url: str, token: str | None) -> str | None:
    """The username the introspection endpoint says the token is for, or None."""
    if not token:
        return None
    data = urllib.parse.urlencode({"token": token}).encode()
    with urllib.request.urlopen(url, data=data, timeout=10) as reply:
        answer = json.loads(reply.read())
    return answer.get("username") if answer.get("active") else None


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def smtp_factory(args: argparse.Namespace):
    """A factory of SMTP protocol objects configured from the command line."""
    directory = Path(args.dir)
    handler = SpoolHandler(directory)
    context = tls_context(args.cert, args.key) if args.tls != "none" else None
    users = json.loads(Path(args.auth_file).read_text()) if args.auth_file else None
    options = {
        "enable_SMTPUTF8": True,  # 8BITMIME is advertised anyway when decode_data is False
        "decode_data": False,
        "data_size_limit": DATA_SIZE_LIMIT,
        "hostname": SERVER_NAME,  # the default getfqdn() can wait on DNS
        "tls_context": context if args.tls == "starttls" else None,
        # Like a real submission port: a client configured for STARTTLS that skips it must fail.
        "require_starttls": args.tls == "starttls",
    }
    if args.oauth_introspection:
        OAuthSMTP.introspection_url = args.oauth_introspection
        users = users or {}
    if users is not None:
        options.update(
            authenticator=PasswordAuthenticator(users),
            auth_required=True,
            # aiosmtpd counts only STARTTLS as TLS (implicit TLS would hide AUTH); clear-text
            # AUTH with tls "none" is tolerable only because this server listens on loopback.
            auth_require_tls=args.tls == "starttls",
        )
    protocol = OAuthSMTP if args.oauth_introspection else DroppingSMTP
    return lambda: protocol(handler, **options), (context if args.tls == "ssl" else None)


async def serve(args: argparse.Namespace) -> None:
    factory, implicit_tls = smtp_factory(args)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, args.host, args.port, ssl=implicit_tls)
    stopping = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    loop.add_signal_handler(signal.SIGINT, stopping.set)
    log.info("listening on %s:%s (tls=%s, auth=%s)", args.host, args.port, args.tls, bool(args.auth_file))
    await stopping.wait()
    # No wait_closed(): since Python 3.12 it waits for connected clients, which
    # would make stop() hang while the code under test keeps a session open.
    server.close()
    log.info("stopped by signal")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True, help="spool, control file and log live here")
    parser.add_argument("--tls", choices=TLS_MODES, default="none")
    parser.add_argument("--cert", help="PEM certificate (with --tls starttls or ssl)")
    parser.add_argument("--key", help="PEM private key (with --tls starttls or ssl)")
    parser.add_argument("--auth-file", help="JSON object user -> password; enables and requires AUTH")
    parser.add_argument("--oauth-introspection", help="introspection URL; enables and requires AUTH XOAUTH2")
    args = parser.parse_args(argv)
    if args.tls != "none" and not (args.cert and args.key):
        parser.error(f"--tls {args.tls} needs --cert and --key")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(
        filename=Path(args.dir) / LOG_FILE, level=logging.INFO,
        format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s",
    )
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
