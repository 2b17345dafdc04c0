"""A real SMTP server for tests: aiosmtpd in a child process on 127.0.0.1, storing what it receives.

The code under test sends with smtplib as it would to a relay; the test then
reads back, from a spool on disk, each message's bytes exactly as they came
over DATA and its envelope (MAIL FROM, RCPT TO, TLS in use, AUTH user).
The server runs in its own process (tests/servers/smtp_process.py), so what
crosses the socket is real SMTP and either side can be stopped or restarted
without the other.

While it runs, a test can make it misbehave like a real relay:
``refuse()`` answers every DATA (or MAIL FROM) with a temporary or permanent
error, ``reject_recipients()`` refuses chosen RCPT TO addresses, ``drop()``
breaks the connection in the middle of DATA (before or after the final dot),
``recover()`` ends all of them.  These go through a control file the server re-reads at every
command, so they apply to the very next command, without a restart.

Options:

* ``tls="starttls"`` advertises STARTTLS and *requires* it before MAIL (a
  client that forgets it gets 530); ``tls="ssl"`` is implicit TLS from the
  first byte.  The certificate is self-signed for ``localhost`` and
  ``127.0.0.1``, made fresh for each server (an EC key, a few milliseconds);
  clients must trust ``ca_file``.
* ``auth={user: password}`` offers AUTH PLAIN and LOGIN and requires a login
  before MAIL.  Without TLS the login is accepted in clear text, which is
  tolerable only because the server listens on loopback.
* ``oauth_introspection=URL`` (tests/servers/oauth.py's ``introspection_url``) offers AUTH
  XOAUTH2 and OAUTHBEARER and requires a login before MAIL: the bearer token must be active
  there for the user the SASL message names (``Received.auth_user``).

Things tests must keep in mind:

* ``Received.data`` is what DATA carried: CRLF line ends and the final CRLF
  that smtplib adds when the message lacks one.  smtplib also turns bare LF
  into CRLF before sending, so build expected bytes with CRLF (for instance
  ``email.policy.SMTP``/``SMTPUTF8``) to compare them byte for byte.
  ``Received.message`` parses those bytes as they are, so text parts'
  ``get_content()`` ends lines with CRLF too.
* smtplib sends AUTH credentials as ASCII only; keep test passwords ASCII.
* A refused or rejected message is not stored; only 250-answered DATA is.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import smtplib
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

from .availability import require_tool
from .common import LOCALHOST, ServerStartError, free_port, logs_report, stop_process, wait_until
from .smtp_process import CONTROL_FILE, DROPS, LOG_FILE, SPOOL_DIR, TLS_MODES

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 15
CERT_VALIDITY = timedelta(days=2)


@dataclass
class Received:
    """One message as the server stored it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    auth_user: str | None
    mail_options: list[str] = field(default_factory=list)  # e.g. ["SMTPUTF8", "BODY=8BITMIME"]
    peer: tuple[str, int] | None = None
    received_at: datetime | None = None
    name: str = ""  # the spool number, "000001"

    @property
    def message(self) -> EmailMessage:
        """The data parsed with the modern policy (headers decoded, get_content() available)."""
        return email.message_from_bytes(self.data, policy=email.policy.default)


class SmtpServer:
    """An aiosmtpd child process; everything it keeps lives below ``directory``."""

    host = LOCALHOST

    def __init__(self, directory: Path | str, *, tls: str = "none", auth: dict[str, str] | None = None,
                 oauth_introspection: str | None = None):
        if tls not in TLS_MODES:
            raise ValueError(f"tls must be one of {TLS_MODES}, not {tls!r}")
        self.dir = Path(directory)
        self.tls = tls
        self.auth = dict(auth) if auth is not None else None
        self.oauth_introspection = oauth_introspection
        self.spool_dir = self.dir / SPOOL_DIR
        self.control_path = self.dir / CONTROL_FILE
        self.log_path = self.dir / LOG_FILE
        self.stderr_path = self.dir / "smtp.stderr"
        self.cert_file = self.dir / "cert.pem"
        self.key_file = self.dir / "key.pem"
        self.auth_file = self.dir / "users.json"
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self._control: dict = {"refuse": None, "reject_recipients": {}, "drop": None, "drop_only_to": []}

    @property
    def ca_file(self) -> Path | None:
        """The PEM a client must trust (the self-signed certificate itself); None without TLS."""
        return self.cert_file if self.tls != "none" else None

    # --- life cycle ---------------------------------------------------------

    def start(self) -> None:
        """Prepare on first start (port, certificate, users), launch the child, wait for EHLO."""
        if self.port is None:
            self._prepare()
        with self.stderr_path.open("ab") as stderr:
            self.proc = subprocess.Popen(
                self._command(), stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr, cwd=REPO_ROOT,
            )
        try:
            wait_until(self._answers_ehlo, self.proc, START_TIMEOUT, "smtp server")
        except ServerStartError as error:
            self.stop()
            raise ServerStartError(f"{error}\n{logs_report(self.stderr_path, self.log_path)}") from None

    def stop(self) -> None:
        """SIGTERM the child (open sessions are dropped) and reap it."""
        stop_process(self.proc)
        self.proc = None

    def restart(self) -> None:
        """Stop and start again on the same port, keeping the spool and control settings."""
        self.stop()
        self.start()

    # --- what arrived -------------------------------------------------------

    def messages(self) -> list[Received]:
        """Every stored message, in order of arrival."""
        found = []
        for meta_path in sorted(self.spool_dir.glob("*.json")):
            try:
                meta = json.loads(meta_path.read_text())
                data = meta_path.with_suffix(".eml").read_bytes()
            except FileNotFoundError:  # removed by clear() between listing and reading
                continue
            found.append(_received(meta_path.stem, meta, data))
        return found

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        """Poll until at least ``count`` messages are stored; return them all.

        smtplib returns only after the server answered DATA, and the server
        stores before it answers, so this matters only when the sending
        happens in another thread or process.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages()
            if len(found) >= count or time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        if len(found) < count:
            raise TimeoutError(
                f"expected at least {count} message(s) within {timeout:g}s, got {len(found)}\n"
                f"{logs_report(self.log_path)}"
            )
        return found

    def clear(self) -> None:
        """Forget every stored message (numbering goes on, so order stays arrival order)."""
        for pattern in ("*.json", "*.eml"):  # envelopes first: a reader skips a message without one
            for path in self.spool_dir.glob(pattern):
                path.unlink(missing_ok=True)

    # --- misbehaviour -------------------------------------------------------

    def refuse(self, code: int = 451, message: str = "4.3.0 Temporarily refusing mail, try again later",
               at: str = "DATA") -> None:
        """Answer every DATA (at="DATA", after the message is sent) or MAIL FROM with this reply."""
        if at not in ("DATA", "MAIL"):
            raise ValueError(f'at must be "DATA" or "MAIL", not {at!r}')
        self._control["refuse"] = {"code": _error_code(code), "message": message, "at": at}
        self._write_control()

    def reject_recipients(self, rejections: dict[str, tuple[int, str]]) -> None:
        """Refuse RCPT TO for these addresses (case-insensitively), e.g. ``{a: (550, "5.1.1 No such user")}``.

        Adds to the addresses already rejected; other recipients are accepted.
        """
        for address, (code, text) in rejections.items():
            self._control["reject_recipients"][address.lower()] = [_error_code(code), text]
        self._write_control()

    def drop(self, when: str, only_to: list[str] | None = None) -> None:
        """Break every connection in the middle of DATA, as a relay that crashes or loses its network:

        * ``"before_dot"``: answer DATA with 354, then reset the connection before reading a line
          of the message: the final dot never arrives and nothing is stored;
        * ``"after_dot"``: read the message to its final dot and *store* it (the server took it),
          then reset the connection instead of replying;
        * ``"no_reply"``: store it and never reply, keeping the connection open: the client's
          timeout ends it.

        With ``only_to`` (``"before_dot"`` only), just the mail for those recipients is dropped, as a
        relay's filter drops one message every time.
        """
        if when not in DROPS:
            raise ValueError(f"when must be one of {DROPS}, not {when!r}")
        if only_to and when != "before_dot":
            raise ValueError("only_to applies to a before_dot drop")
        self._control["drop"] = when
        self._control["drop_only_to"] = [address.lower() for address in only_to or ()]
        self._write_control()

    def recover(self) -> None:
        """Accept mail normally again: no refusal, no rejected recipients, no dropped connection."""
        self._control = {"refuse": None, "reject_recipients": {}, "drop": None, "drop_only_to": []}
        self._write_control()

    # --- internals ----------------------------------------------------------

    def _prepare(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.spool_dir.mkdir(exist_ok=True)
        self.port = free_port()
        self._write_control()
        if self.tls != "none":
            write_self_signed_certificate(self.cert_file, self.key_file)
        if self.auth is not None:
            self.auth_file.write_text(json.dumps(self.auth))
            self.auth_file.chmod(0o600)

    def _command(self) -> list[str]:
        command = [
            sys.executable, "-m", "tests.servers.smtp_process",
            "--host", self.host, "--port", str(self.port), "--dir", str(self.dir), "--tls", self.tls,
        ]
        if self.tls != "none":
            command += ["--cert", str(self.cert_file), "--key", str(self.key_file)]
        if self.auth is not None:
            command += ["--auth-file", str(self.auth_file)]
        if self.oauth_introspection:
            command += ["--oauth-introspection", self.oauth_introspection]
        return command

    def _write_control(self) -> None:
        """Replace the control file atomically: the server may read it at any moment."""
        temporary = self.control_path.with_name(f".{self.control_path.name}.tmp")
        temporary.write_text(json.dumps(self._control))
        os.replace(temporary, self.control_path)

    def _answers_ehlo(self) -> bool:
        try:
            if self.tls == "ssl":
                context = ssl.create_default_context(cafile=str(self.ca_file))
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=1, context=context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=1)
            with client:
                return client.ehlo()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False


def _received(name: str, meta: dict, data: bytes) -> Received:
    host, port = meta["peer"]
    return Received(
        mail_from=meta["mail_from"],
        rcpt_tos=list(meta["rcpt_tos"]),
        data=data,
        tls=meta["tls"],
        auth_user=meta["auth_user"],
        mail_options=list(meta["mail_options"]),
        peer=(host, port),
        received_at=datetime.fromisoformat(meta["received"]),
        name=name,
    )


def _error_code(code: int) -> int:
    if not 400 <= int(code) <= 599:
        raise ValueError(f"an SMTP error reply code is 4xx or 5xx, not {code}")
    return int(code)


# --- certificate ------------------------------------------------------------

def write_self_signed_certificate(cert_file: Path, key_file: Path) -> None:
    """A self-signed CA-and-server certificate for localhost and 127.0.0.1 (PEM files)."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        _openssl_certificate(cert_file, key_file)
    else:
        _cryptography_certificate(cert_file, key_file)
    key_file.chmod(0o600)


def _cryptography_certificate(cert_file: Path, key_file: Path) -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "reportbox test SMTP")])
    now = datetime.now(timezone.utc)
    public = key.public_key()
    # Extensions a strict verifier (Python 3.13's VERIFY_X509_STRICT) expects of a trust anchor.
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=False, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(LOCALHOST))]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    ))


def _openssl_certificate(cert_file: Path, key_file: Path) -> None:
    openssl = require_tool("openssl", "to make the test SMTP server's TLS certificate")
    result = subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key_file), "-out", str(cert_file), "-days", str(CERT_VALIDITY.days),
         "-subj", "/CN=reportbox test SMTP",
         "-addext", f"subjectAltName=DNS:localhost,IP:{LOCALHOST}",
         "-addext", "extendedKeyUsage=serverAuth"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise ServerStartError(f"openssl could not make a certificate ({result.returncode}):\n{result.stderr}")
