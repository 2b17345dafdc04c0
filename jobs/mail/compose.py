"""E-mails to provinces, from Jinja2 templates that planners may edit.

A template is one file per kind of e-mail with two blocks, `subject` and `body`, rendered with
the variables the caller gives (see jobs/mail/templates/*.j2 for what each kind receives). A
file of the same name in `[outgoing] templates_dir` replaces the shipped one. The message is
plain text in UTF-8 (quoted-printable, so any relay carries it), with a subject encoded per
RFC 2047 and the headers that keep auto-responders quiet (RFC 3834).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from email.charset import BASE64, QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

import jinja2

from reportbox.errors import ConfigError
from reportbox.timefmt import VIETNAM

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


class Templates:
    """The shipped templates, each overridable by a file of the same name in `templates_dir`."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        search = [str(templates_dir)] if templates_dir else []
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([*search, str(TEMPLATES)]),
            undefined=jinja2.StrictUndefined,  # a misspelt variable fails the render, not the reader
            autoescape=False,  # plain text
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters.update(vn_date=vn_date, vn_datetime=vn_datetime, lower_first=lower_first)

    def render(self, name: str, variables: dict) -> Draft:
        """Subject and body of template `name`. Raises ConfigError naming the file when it is broken."""
        try:
            template = self._env.get_template(name)
            context = template.new_context(variables)
            subject = "".join(template.blocks["subject"](context))
            body = "".join(template.blocks["body"](context))
        except KeyError as exc:
            raise ConfigError(f"template {name}: has no {{% block {exc.args[0]} %}}") from exc
        except jinja2.TemplateError as exc:
            where = getattr(exc, "filename", None) or name
            line = getattr(exc, "lineno", None)
            raise ConfigError(f"template {where}{f' line {line}' if line else ''}: {exc}") from exc
        return Draft(subject=" ".join(subject.split()), body=body.strip("\n") + "\n")


def new_message_id(kind: str, mail_from: str) -> str:
    """A fresh Message-ID in our own domain, saying what it is. Short enough that the header is
    never folded: some readers keep the fold's space in the value and then match nothing."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "reportbox.invalid"
    return f"<{uuid.uuid4().hex[:20]}.rb-{kind}@{domain}>"  # 80 random bits


def build_message(draft: Draft, *, mail_from: str, to: list[str], cc: list[str], message_id: str,
                  date: datetime, replying_to: list[str] = (), auto_submitted: str = "auto-generated") -> bytes:
    """The message's bytes. `replying_to`: the Message-IDs it follows up (In-Reply-To is the last).

    Built with the stdlib's legacy (compat32) API on purpose: the modern policy folds a long
    UTF-8 subject between two encoded words and loses the space there, which RFC 2047 readers
    then drop ("hạn cuối" arrives as "hạncuối"); `Header` keeps spaces inside the encoded words."""
    charset = Charset("utf-8")
    charset.header_encoding, charset.body_encoding = BASE64, QP
    message = MIMEText(draft.body, "plain", charset)
    name, address = parseaddr(mail_from)
    message["From"] = formataddr((name, address), charset="utf-8")
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = Header(draft.subject, charset, header_name="Subject")
    message["Date"] = format_datetime(date.astimezone(VIETNAM))
    message["Message-ID"] = message_id
    if replying_to:
        message["In-Reply-To"] = replying_to[-1]
        message["References"] = " ".join(replying_to)
    message["Auto-Submitted"] = auto_submitted  # RFC 3834: robots must not answer it
    message["X-Auto-Response-Suppress"] = "All"  # Exchange's out-of-office replies
    message["Content-Language"] = "vi"
    return message.as_bytes(policy=compat32.clone(linesep="\r\n"))


def vn_date(moment: date | datetime | None) -> str:
    if moment is None:
        return ""
    return (moment.astimezone(VIETNAM) if isinstance(moment, datetime) else moment).strftime("%d/%m/%Y")


def vn_datetime(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y")


def lower_first(text: str) -> str:
    """'Tỉnh Quảng Ninh' → 'tỉnh Quảng Ninh', as it reads after 'Sở … '."""
    return text[:1].lower() + text[1:]
