"""One SMTP connection that sends messages in two phases, so the outbox knows when the server
may have taken a message.

RFC 5321 (4.1.1.4): a server takes responsibility for a message only when it replies to the
final dot of DATA; a connection lost before the dot leaves nothing delivered. `send` therefore
stops just before the dot and asks its caller (`before_final_dot`) whether to go on: the outbox
commits that moment, and refuses if another sender has taken the message over meanwhile.
Every failure becomes a DeliveryError saying whether a later attempt can help.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from reportbox.errors import DeliveryError, DeliveryUncertain, SourceAuthError, SourceError, TokenRefused
from reportbox.oauth import SaslLogin, token_source, with_token

_DOT_STUFFING = re.compile(rb"^\.", re.MULTILINE)
_LONE_LINE_ENDS = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class Accepted:
    reply: str  # the server's reply to the final dot, e.g. "250 2.0.0 Ok: queued as 4F2A"
    refused: dict[str, str] = field(default_factory=dict)  # recipients refused at RCPT: address -> reply


class SmtpRelay:
    """A connection to the configured relay, opened on first use and reused for a batch."""

    def __init__(self, config) -> None:  # config: reportbox.config.SmtpConfig
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpRelay:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, mail_from: str, recipients: list[str], raw: bytes,
             before_final_dot: Callable[[], bool]) -> Accepted:
        """Send one message. Raises DeliveryError; DeliveryUncertain once the dot has gone out.

        When `before_final_dot` returns false the connection is dropped without the dot, so the
        server discards the message, and DeliveryError(reason="abandoned") is raised."""
        if not recipients:
            raise DeliveryError("the message has no recipient", reason="no_recipient", temporary=False)
        smtp = self._connection()
        in_data = False
        try:
            try:
                code, reply = smtp.mail(mail_from)
            except smtplib.SMTPServerDisconnected:  # a reused connection the server closed while idle
                self._drop()
                smtp = self._connection()
                code, reply = smtp.mail(mail_from)
            if code != 250:  # the relay refuses us, not this message: a link failure
                raise DeliveryError(f"{self._where()}: the server refused the sender address {mail_from}: "
                                    f"{code} {_text(reply)}", reason="sender_refused", temporary=code < 500, code=code)
            refused = {}
            for address in recipients:
                code, reply = smtp.rcpt(address)
                if code not in (250, 251):
                    refused[address] = f"{code} {_text(reply)}"
            if len(refused) == len(recipients):
                codes = [int(r.split()[0]) for r in refused.values()]
                smtp.rset()
                error = DeliveryError(f"every recipient was refused: {_listing(refused)}", reason="refused",
                                      temporary=any(400 <= c < 500 for c in codes), code=max(codes))
                error.refused = refused
                raise error
            code, reply = smtp.docmd("DATA")
            if code != 354:
                raise _refusal("DATA", code, reply)
            in_data = True
            smtp.send(_data_without_dot(raw))
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            if in_data:
                raise _dropped_in_data(self._where(), exc) from exc
            raise DeliveryError(f"{self._where()}: {_describe(exc)}", reason="connection") from exc
        except DeliveryError:
            if _is_rset_safe(smtp):
                self._reset()
            else:
                self._drop()
            raise
        except (UnicodeError, ValueError) as exc:  # e.g. a non-ASCII address without SMTPUTF8
            self._drop()  # mid-transaction: a fresh connection for the next message
            raise DeliveryError(f"the message cannot be sent as it is: {exc}", reason="unsendable",
                                temporary=False) from exc
        except BaseException:
            self._drop()
            raise
        try:
            go_on = before_final_dot()
        except BaseException:
            self._drop()  # no dot: the server throws the message away
            raise
        if not go_on:
            self._drop()
            raise DeliveryError("another sender took this message over; it was not sent", reason="abandoned")
        try:
            smtp.send(b".\r\n")
        except (smtplib.SMTPException, OSError) as exc:
            # The dot could not even be written (the server had already dropped the link): it
            # never reached the server, which keeps nothing, so the message can go again.
            self._drop()
            raise _dropped_in_data(self._where(), exc) from exc
        try:
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise DeliveryUncertain(f"{self._where()}: the connection broke after the final dot "
                                    f"({_describe(exc)}): the message may have been delivered") from exc
        if code != 250:
            raise _refusal("the message", code, reply)
        return Accepted(reply=f"{code} {_text(reply)}", refused=refused)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()

    def open(self) -> None:
        """Connect, secure and log in now (raises DeliveryError), so a bad link shows before any message."""
        self._connection()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._open()
        return self._smtp

    def _open(self) -> smtplib.SMTP:
        config = self.config
        # Our own host name for EHLO, without smtplib's reverse-DNS lookup (slow on a closed network).
        helo = socket.gethostname()
        tokens = token = None
        if config.auth == "oauth2":  # a token before connecting: a refused grant needs no connection
            tokens = token_source(config.oauth2, label="smtp", protocol="smtp", timeout=config.timeout)
            token = _token_or_delivery_error(tokens.get)
        password = config.password_value("smtp") if config.username and tokens is None else ""
        logins: list[SaslLogin] = []
        try:
            if config.security == "ssl":
                smtp = smtplib.SMTP_SSL(config.host, config.port, local_hostname=helo, timeout=config.timeout,
                                        context=self._tls())
            else:
                smtp = smtplib.SMTP(config.host, config.port, local_hostname=helo, timeout=config.timeout)
                if config.security == "starttls":
                    smtp.ehlo()
                    smtp.starttls(context=self._tls())
            # Commands and the final dot go out as small separate writes; without this, Nagle's
            # algorithm holds each one until the server's delayed ACK (tens of ms a message).
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo()
            if tokens is not None:
                self._oauth2_login(smtp, tokens, token, logins)
            elif config.username:
                smtp.login(config.username, password)
            return smtp
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(f"{self._where()}: the server's certificate does not verify ({exc.verify_message}); "
                                "give its CA in [smtp] ca_file", reason="tls", temporary=False) from exc
        except smtplib.SMTPAuthenticationError as exc:
            hint = ""
            if tokens is not None:
                said = (logins[-1].refusal if logins else None) or ""
                hint = (f"{' (' + said + ')' if said else ''}; the provider issued the token, so check that the app "
                        "has the SMTP.Send permission (Gmail: the mail.google.com scope), that SMTP AUTH is "
                        "enabled for this mailbox, and that username is the mailbox the token is for")
            raise DeliveryError(f"{self._where()}: the server refused the login of {config.username}: "
                                f"{exc.smtp_code} {_text(exc.smtp_error)}{hint}", reason="auth", temporary=False,
                                code=exc.smtp_code) from exc
        except SourceError as exc:  # the token endpoint, when a renewed token was needed
            raise _token_delivery_error(exc) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"{self._where()}: {exc} (check [smtp] security)", reason="tls",
                                temporary=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{self._where()}: {_describe(exc)}", reason="connection") from exc

    def _oauth2_login(self, smtp: smtplib.SMTP, tokens, token, logins: list[SaslLogin]) -> None:
        """AUTH with an access token; a cached one the server refuses is renewed once."""
        config = self.config
        login = SaslLogin(config.oauth2.mechanism, smtp.esmtp_features.get("auth", "").split(), config.username,
                          config.host, config.port)
        logins.append(login)
        with_token(tokens, lambda token: smtp.auth(login.mechanism, login.exchange(token), initial_response_ok=True),
                   (smtplib.SMTPAuthenticationError,), token)

    def _tls(self) -> ssl.SSLContext:
        ca_file = self.config.ca_file
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            except OSError:
                pass
        self._smtp = None

    def _where(self) -> str:
        return f"SMTP {self.config.host}:{self.config.port}"


def _token_or_delivery_error(get):
    try:
        return get()
    except SourceError as exc:
        raise _token_delivery_error(exc) from exc


def _token_delivery_error(exc: SourceError) -> DeliveryError:
    """The token endpoint's answer as the outbox counts it: a refusal waits for a person, an
    unreachable endpoint for a later attempt."""
    return DeliveryError(str(exc), reason="oauth" if isinstance(exc, TokenRefused) else "connection",
                         temporary=not isinstance(exc, SourceAuthError))


def _data_without_dot(raw: bytes) -> bytes:
    """The message as DATA carries it: CRLF line ends, leading dots doubled, ending in CRLF."""
    data = _DOT_STUFFING.sub(b"..", _LONE_LINE_ENDS.sub(b"\r\n", raw))
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _refusal(what: str, code: int, reply: bytes) -> DeliveryError:
    return DeliveryError(f"the server refused {what}: {code} {_text(reply)}", reason="refused",
                         temporary=not 500 <= code < 600, code=code)


def _is_rset_safe(smtp: smtplib.SMTP) -> bool:
    return smtp.sock is not None


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:500]


def _listing(refused: dict[str, str]) -> str:
    return "; ".join(f"{address}: {reply}" for address, reply in refused.items())


def _dropped_in_data(where: str, exc: BaseException) -> DeliveryError:
    """The relay dropped the link while this message's data went out: nothing was delivered (the
    dot never reached it), and the cause may be the message itself (its size, a content filter)."""
    return DeliveryError(f"{where}: the connection broke before the final dot ({_describe(exc)}): nothing "
                         "was delivered", reason="dropped_in_data")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or type(exc).__name__
