"""The typed configuration: one TOML file, validated once, passed around frozen.

Every setting is declared here with its default; `config.example.toml` documents each one
and a test keeps the two in step. Errors name the file and the dotted key.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import secrets
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, time
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from parsers.departments import DEFAULT_DEPARTMENTS, canonical_departments
from parsers.documents.limits import Limits
from parsers.outline import PLACEHOLDERS, Outline, outline_from_config, unknown_placeholders
from reportbox.errors import ConfigError
from reportbox.private_files import make_secret_file, own_regular_file, warn_if_shared
from reportbox.timefmt import VIETNAM, deadline_instant

log = logging.getLogger("reportbox.config")

DEFAULT_CONFIG_NAME = "reportbox.toml"
CONFIG_ENV = "REPORTBOX_CONFIG"
DEFAULT_OUTLINE = ("results", "policies", "shortcomings", "plan", "proposals")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretUnavailable(Exception):
    """A secret its source does not give (unset variable, unreadable file); the text says why."""


def read_secret(env: str | None, file: Path | None) -> str:
    """A secret from an environment variable or a file (its last line break dropped)."""
    if env:
        value = os.environ.get(env)
        if value is None:
            raise SecretUnavailable(f"environment variable {env} is not set")
        if not value:
            raise SecretUnavailable(f"environment variable {env} is empty")
        return value
    try:
        value = Path(file).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise SecretUnavailable(f"file {file} cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SecretUnavailable(f"file {file} is not UTF-8 text") from exc
    if not value:
        raise SecretUnavailable(f"file {file} is empty")
    return value


class _SecretRef(_Section):
    """A secret named by an environment variable or a file, never written in the config. It is read
    only for the commands that use it (`with_secrets`), so a dashboard never holds a mailbox's password."""

    password_env: str | None = None
    password_file: Path | None = None
    password: SecretStr | None = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _no_inline_password(cls, data):
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "write no password in the file: use password_env = \"NAME\" or password_file = \"path\""
            )
        return data

    @property
    def has_secret(self) -> bool:
        return bool(self.password_env or self.password_file)

    def with_password(self):
        """A copy holding the password, read now unless it was already; raises SecretUnavailable."""
        if self.password is not None or not self.has_secret:
            return self
        return self.model_copy(update={"password": SecretStr(read_secret(self.password_env, self.password_file))})

    def password_value(self, label: str) -> str:
        """What to log in with: the password read when the command started, else read now (a
        caller that skipped `with_secrets`); "" when none is configured."""
        if self.password is not None:
            return self.password.get_secret_value()
        if not self.has_secret:
            return ""
        try:
            return read_secret(self.password_env, self.password_file)
        except SecretUnavailable as exc:
            raise ConfigError(f"{label} password: {exc}") from None


def _one_source(data, name: str) -> None:
    """A secret `name` given by `name_env` or `name_file`, never written inline, never both."""
    if isinstance(data, dict):
        if name in data:
            raise ValueError(f'write no {name.replace("_", " ")} in the file: use {name}_env = "NAME" or '
                             f'{name}_file = "path"')
        if data.get(f"{name}_env") and data.get(f"{name}_file"):
            raise ValueError(f"give {name}_env or {name}_file, not both")


class OAuth2Config(_Section):
    """`[mailbox.oauth2]` / `[smtp.oauth2]`: how access tokens are obtained for `auth = "oauth2"`
    (reportbox.oauth; README "Hosted mail (Microsoft 365, Gmail): OAuth2")."""

    provider: Literal["microsoft", "google", "other"]
    tenant: str | None = None  # microsoft: the directory (tenant) ID or its domain
    flow: Literal["refresh_token", "client_credentials"] = "refresh_token"
    client_id: Annotated[str, Field(min_length=1)]
    client_secret_env: str | None = None
    client_secret_file: Path | None = None
    refresh_token_env: str | None = None
    refresh_token_file: Path | None = None  # rewritten (0600, atomically) when the provider rotates it
    token_url: str | None = None  # default: the provider's token endpoint
    scope: str | None = None  # default: the provider's scope for IMAP or SMTP and the flow
    mechanism: Literal["auto", "xoauth2", "oauthbearer"] = "auto"  # auto: OAUTHBEARER if offered, else XOAUTH2
    client_secret: SecretStr | None = Field(default=None, exclude=True, repr=False)
    refresh_token: SecretStr | None = Field(default=None, exclude=True, repr=False)

    @model_validator(mode="before")
    @classmethod
    def _secrets_by_reference(cls, data):
        _one_source(data, "client_secret")
        _one_source(data, "refresh_token")
        return data

    @model_validator(mode="after")
    def _complete(self) -> "OAuth2Config":
        if self.provider == "microsoft" and not self.tenant and not self.token_url:
            raise ValueError("tenant: required for provider microsoft (the directory ID or domain)")
        if self.provider == "other" and not self.token_url:
            raise ValueError("token_url: required for provider other")
        if self.provider == "google" and self.flow == "client_credentials":
            raise ValueError('flow: Google gives mail access only through a refresh token (flow = "refresh_token")')
        if self.flow == "client_credentials" and not (self.client_secret_env or self.client_secret_file):
            raise ValueError("client_secret_env or client_secret_file: required for flow client_credentials")
        if self.flow == "refresh_token" and not (self.refresh_token_env or self.refresh_token_file):
            raise ValueError("refresh_token_env or refresh_token_file: required for flow refresh_token")
        if self.token_url:
            url = urlsplit(self.token_url)
            if not url.hostname or not (url.scheme == "https" or (url.scheme == "http" and _is_loopback(url.hostname))):
                raise ValueError("token_url: must be an https:// URL (http:// only on loopback)")
        return self

    def with_secrets(self, names: Iterable[str] = ("client_secret", "refresh_token")) -> "OAuth2Config":
        """A copy holding the client secret and refresh token (or those of `names`) not held yet, read
        now; raises SecretUnavailable with the secret named."""
        update = {}
        for name in names:
            env, file = getattr(self, f"{name}_env"), getattr(self, f"{name}_file")
            if getattr(self, name) is None and (env or file):
                try:
                    update[name] = SecretStr(read_secret(env, file))
                except SecretUnavailable as exc:
                    raise SecretUnavailable(f"{name.replace('_', ' ')}: {exc}") from None
        return self.model_copy(update=update)


class _Login(_SecretRef):
    """A server we log in to: with a password (`_SecretRef`) or OAuth2 access tokens."""

    auth: Literal["password", "oauth2"] = "password"
    oauth2: OAuth2Config | None = None

    @model_validator(mode="after")
    def _auth_settings(self) -> "_Login":
        if self.auth == "oauth2":
            if self.oauth2 is None:
                raise ValueError('oauth2: auth = "oauth2" needs an [oauth2] table (provider, client_id …)')
            if self.password_env or self.password_file:
                raise ValueError('password_env / password_file: not used with auth = "oauth2"; remove them')
        elif self.oauth2 is not None:
            raise ValueError('oauth2: set auth = "oauth2" to log in with it')
        return self

    def with_password(self):
        """A copy holding the secrets it logs in with: the password, or the OAuth2 client secret and
        refresh token; raises SecretUnavailable."""
        if self.auth == "oauth2":
            return self.model_copy(update={"oauth2": self.oauth2.with_secrets()})
        return super().with_password()


class DatabaseConfig(_Section):
    url: str = "sqlite:///reportbox.db"

    @field_validator("url")
    @classmethod
    def _known_engine(cls, url: str) -> str:
        if not re.match(r"^(sqlite|postgresql(\+psycopg)?)://", url):
            raise ValueError("must start with sqlite:// or postgresql+psycopg://")
        return url


class StorageConfig(_Section):
    raw_dir: Path = Path("var/raw")
    # Days the raw bytes of auto-replies, bounces and duplicates are kept (jobs.retention); None: forever.
    keep_raw_days: Annotated[int, Field(ge=1)] | None = None


class ProcessingConfig(_Section):
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 3
    """After this many failed attempts a message is quarantined until `reportbox reprocess`."""
    workers: Annotated[int, Field(ge=0, le=64)] = 0
    """Processes that parse in parallel; 0 means one per core."""
    worker_memory_mb: int = 4096
    """Address space of each parsing process; a document needing more is refused (0: no limit)."""

    @field_validator("worker_memory_mb")
    @classmethod
    def _room_to_start(cls, value: int) -> int:
        if value != 0 and value < 512:
            raise ValueError("must be 0 (no limit) or at least 512: a worker needs about 200 MB to start")
        return value


class DocumentsConfig(_Section):
    """How attachments are read, and the limits that keep a hostile file from hurting the daemon."""

    max_file_mb: Annotated[float, Field(gt=0)] = 100
    max_pages: Annotated[int, Field(ge=1)] = 2000
    ocr: bool = True
    ocr_languages: Annotated[str, Field(pattern=r"^[a-z_]+(\+[a-z_]+)*$")] = "vie+eng"
    ocr_max_pages: Annotated[int, Field(ge=0)] = 50
    tool_timeout: Annotated[float, Field(gt=0)] = 120
    tool_memory_mb: Annotated[int, Field(ge=256)] = 2048
    parse_timeout: Annotated[float, Field(gt=0)] = 300
    archive_depth: Annotated[int, Field(ge=0, le=10)] = 3
    archive_members: Annotated[int, Field(ge=1)] = 500
    archive_total_mb: Annotated[float, Field(gt=0)] = 500
    archive_ratio: Annotated[int, Field(ge=1)] = 200

    def limits(self) -> Limits:
        mb = 1024 * 1024
        return Limits(
            max_file_bytes=int(self.max_file_mb * mb), max_pages=self.max_pages, ocr=self.ocr,
            ocr_languages=self.ocr_languages, ocr_max_pages=self.ocr_max_pages,
            subprocess_seconds=self.tool_timeout, subprocess_memory_bytes=self.tool_memory_mb * mb,
            parse_seconds=self.parse_timeout, archive_depth=self.archive_depth,
            archive_members=self.archive_members, archive_total_bytes=int(self.archive_total_mb * mb),
            archive_ratio=self.archive_ratio,
        )


Security = Literal["ssl", "starttls", "none"]


class MailboxConfig(_Login):
    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
    kind: Literal["imap", "maildir", "eml-dir"]
    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    security: Security = "ssl"
    ca_file: Path | None = None
    username: str | None = None
    folders: tuple[str, ...] = ("INBOX",)
    poll_interval: Annotated[int, Field(ge=5)] = 60
    idle: bool = True  # imap: IMAP IDLE where the server offers it (ingest.idle); the poll stays the safety net
    mark: str = "keyword"
    batch_size: Annotated[int, Field(ge=1, le=1000)] = 100
    timeout: Annotated[float, Field(gt=0)] = 60.0
    path: Path | None = None

    @field_validator("mark")
    @classmethod
    def _known_mark(cls, mark: str) -> str:
        if mark in ("none", "keyword", "seen") or (mark.startswith("move:") and len(mark) > 5):
            return mark
        raise ValueError("must be none, keyword, seen or move:Folder")

    @model_validator(mode="after")
    def _fits_kind(self) -> "MailboxConfig":
        if self.kind == "imap":
            if not self.host:
                raise ValueError("host: required for an imap mailbox")
            if not self.username:
                raise ValueError("username: required for an imap mailbox")
            if not (self.password_env or self.password_file or self.auth == "oauth2"):
                raise ValueError("password_env or password_file: required for an imap mailbox")
            target = self.mark.removeprefix("move:") if self.mark.startswith("move:") else None
            if target is not None and target in self.folders:
                raise ValueError(f"mark: moving to {target!r}, a folder this mailbox polls, would fetch "
                                 "every message again at every poll")
            if self.security == "none" and not _is_loopback(self.host):
                raise ValueError(
                    f'security: "none" sends the password in clear; allowed only on loopback, not {self.host}'
                )
        elif self.auth == "oauth2":
            raise ValueError(f'auth: "oauth2" applies to imap mailboxes, not {self.kind}')
        elif self.path is None:
            raise ValueError(f"path: required for a {self.kind} mailbox")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or {"ssl": 993, "starttls": 143, "none": 143}[self.security]


class SmtpConfig(_Login):
    host: str
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    security: Security = "starttls"
    ca_file: Path | None = None
    username: str | None = None
    from_: str = Field(alias="from")
    timeout: Annotated[float, Field(gt=0)] = 60.0
    max_per_minute: Annotated[float, Field(gt=0)] = 30  # the relay's patience with a burst of reminders
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 8  # then the message is `failed`, for a person to look at
    retry_after: Annotated[int, Field(ge=1)] = 60  # seconds before the first retry; doubled each time, up to an hour

    @field_validator("from_")
    def _one_address(cls, value: str) -> str:
        name, address = parseaddr(value)
        if "@" not in address:
            raise ValueError(f"{value!r} is not an address (Name <user@domain>)")
        return value

    @property
    def from_address(self) -> str:
        return parseaddr(self.from_)[1].lower()

    @model_validator(mode="after")
    def _clear_only_on_loopback(self) -> "SmtpConfig":
        if self.security == "none" and self.username and not _is_loopback(self.host):
            raise ValueError(f'security: "none" with a login is allowed only on loopback, not {self.host}')
        if self.auth == "oauth2" and not self.username:
            raise ValueError('username: required with auth = "oauth2" (the mailbox the token is for)')
        return self


class RegistryConfig(_Section):
    default: str = "vn63"
    contacts: Path | None = None
    names: Path | None = None  # the operator's renames: registry,code,name,full_name,valid_from[,valid_until][,basis]


class IdentifyConfig(_Section):
    require_known_sender: bool = False
    trusted_authserv_ids: tuple[str, ...] = ()


class RemindersConfig(_Section):
    enabled: bool = True
    before_deadline_days: tuple[Annotated[int, Field(ge=0, le=366)], ...] = (5, 1)
    after_deadline_days: tuple[Annotated[int, Field(ge=0, le=366)], ...] = (1, 3, 7)
    send_at: time = time(8, 0)  # Vietnam time
    max_reminders: Annotated[int, Field(ge=0)] = 6  # per unit and campaign, whatever the steps
    catch_up_days: Annotated[int, Field(ge=0)] = 2  # a step missed (daemon down) is sent this late at most
    escalate_after_days: Annotated[int, Field(ge=1)] | None = None  # from this step after the deadline on, copy:
    escalate_cc: tuple[str, ...] = ()  # these addresses, and each unit's contacts of role "escalation"

    @field_validator("escalate_cc")
    def _addresses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if "@" not in parseaddr(value)[1]:
                raise ValueError(f"{value!r} is not an e-mail address")
        return values


class OutgoingConfig(_Section):
    """What the e-mails to provinces say beyond the templates' fixed text."""

    templates_dir: Path | None = None  # your own copies of jobs/mail/templates/*.j2 (same file names)
    addressee: str = "Sở Lao động - Thương binh và Xã hội"  # "Kính gửi: <addressee> <unit's full name>"
    contact: str = ""  # who to call at the ministry, quoted in every reminder and receipt
    signature: str = ""  # the closing lines; the [smtp] from name when empty


class ReceiptsConfig(_Section):
    enabled: bool = True
    max_age_days: Annotated[int, Field(ge=0)] = 7  # older submissions (a backfill, a late review) get none


class WebConfig(_Section):
    """The planners' dashboard (`reportbox serve`)."""

    host: str = "127.0.0.1"  # loopback unless a reverse proxy or the LAN needs more
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    in_daemon: bool = False  # `reportbox run` serves it too
    # Signs session cookies and CSRF tokens. Without it a random secret is made and kept in
    # <storage.raw_dir>/../web-secret, so sessions survive a restart.
    secret_env: str | None = None
    secret_file: Path | None = None
    session_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 12
    secure_cookies: bool = False  # true when users reach it over HTTPS (through a proxy)
    # A reverse proxy that signs users in (SSO) names them in this header; off by default, and
    # believed only from these addresses. The name must be an account (`reportbox user add`).
    trusted_user_header: str | None = None
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")

    @model_validator(mode="after")
    def _one_secret(self) -> "WebConfig":
        if self.secret_env and self.secret_file:
            raise ValueError("give secret_env or secret_file, not both")
        return self

    def secret(self, default_file: Path) -> str:
        """The signing secret: from the environment, the file given, or a file made on first use."""
        try:
            return self.read_secret(default_file)
        except SecretUnavailable as exc:
            raise ConfigError(f"web secret: {exc}") from None

    def read_secret(self, default_file: Path) -> str:
        """`secret`, raising SecretUnavailable."""
        if self.secret_env:
            return read_secret(self.secret_env, None)
        path = self.secret_file or default_file
        created = False
        if self.secret_file is None:
            try:
                created = make_secret_file(path, secrets.token_urlsafe(48))
            except OSError as exc:
                raise SecretUnavailable(f"file {path} cannot be created: {exc.strerror or exc}") from exc
            if not created and (problem := own_regular_file(path)):  # made here, so it must be ours
                raise SecretUnavailable(f"file {path} {problem}; remove it and a new secret is made")
        if not created:  # the operator's own file too: a signing secret others can read forges sessions
            warn_if_shared(path, "the dashboard's signing secret")
        value = read_secret(None, path).strip()
        if len(value) < 32:
            raise SecretUnavailable(f"file {path} holds fewer than 32 characters")
        return value


class AlertsConfig(_Section):
    """Alarms e-mailed to ministry IT through the outbox (jobs.alerts), each once until it clears."""

    to: tuple[str, ...] = ()  # who is told; none: alarms are only shown (health page, doctor)
    poll_stale_hours: Annotated[float, Field(gt=0)] = 6  # a mailbox with no successful poll for this long
    max_consecutive_failures: Annotated[int, Field(ge=1)] = 5  # a folder failing this often: /healthz says 503
    heartbeat_stale_seconds: Annotated[int, Field(ge=30)] = 120  # the daemon's heartbeat older: /healthz says 503
    outbox_retrying: Annotated[int, Field(ge=1)] = 10  # messages waiting to be tried again after a failure
    min_free_mb: Annotated[int, Field(ge=0)] = 1024  # free space where the raw store is
    min_free_percent: Annotated[float, Field(ge=0, lt=100)] = 5
    quiet_hours: Annotated[float, Field(gt=0)] = 6  # a growing quarantine or failing outbox is over after this calm
    clear_after_minutes: Annotated[float, Field(ge=0)] = 30  # any other is over once false this long (no flapping)
    send_cleared: bool = True  # also say when a condition has cleared

    @field_validator("to")
    def _addresses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if "@" not in parseaddr(value)[1]:
                raise ValueError(f"{value!r} is not an e-mail address")
        return values


METRICS_TOKEN_MIN = 32  # characters, as the dashboard's signing secret


class MetricsConfig(_Section):
    """Prometheus metrics (jobs.metrics): on the dashboard's /metrics, and from the daemon itself."""

    web: bool = False  # the dashboard serves /metrics
    token_file: Path | None = None  # then /metrics asks for "Authorization: Bearer <the file's text>"
    listen: str | None = None  # "127.0.0.1:9108": `reportbox run` serves /metrics there (loopback only)

    @field_validator("listen")
    @classmethod
    def _loopback(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host, _, port = value.rpartition(":")
        host = host.strip("[]")
        if not port.isdigit() or not 1 <= int(port) <= 65535 or not host:
            raise ValueError(f"{value!r} is not host:port")
        if not _is_loopback(host):
            raise ValueError(f"{host} is not a loopback address: the daemon's listener has no sign-in; "
                             "scrape the dashboard's /metrics (with token_file) from other hosts")
        return value

    @property
    def listen_address(self) -> tuple[str, int]:
        host, _, port = (self.listen or "").rpartition(":")
        return host.strip("[]"), int(port)

    def token(self) -> str | None:
        """The bearer token /metrics asks for (read at each request, so it can be rotated); None: none asked.
        A file that is empty or short is refused, never taken for "no token" (`Bearer ` let in)."""
        if self.token_file is None:
            return None
        try:
            value = read_secret(None, self.token_file).strip()
        except SecretUnavailable as exc:
            raise ConfigError(f"metrics token: {exc} ([metrics] token_file)") from None
        if len(value) < METRICS_TOKEN_MIN:
            raise ConfigError(f"metrics token: file {self.token_file} ([metrics] token_file) holds "
                              f"{len(value)} characters, fewer than {METRICS_TOKEN_MIN}: write a random token "
                              "into it, e.g. the output of `openssl rand -hex 24`")
        return value


OutlineKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]  # stored in section.key (64)
CAMPAIGN_ID = r"^[a-z0-9][a-z0-9_-]{0,31}$"  # stored in campaign.id (32); also in URLs


class OutlineSectionConfig(_Section):
    """An outline section of the campaign letters: a default one retitled, or another ministry's own."""

    title: str | None = None
    keywords: tuple[str, ...] | None = None  # phrases matched on headings, tone marks and case ignored
    weak_keywords: tuple[str, ...] | None = None  # phrases that also appear under other sections

    @field_validator("title")
    @classmethod
    def _known_placeholders(cls, title: str | None) -> str | None:
        unknown = unknown_placeholders(title or "")
        if unknown:
            known = " and ".join("{%s}" % name for name in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}; only {known} are filled in")
        return title


class LetterSectionConfig(_Section):
    """One numbered item of the letter's outline, in the letter's own words (`[[campaign.section]]`)."""

    key: OutlineKey  # the outline key it is ("results" …), or a key of the campaign's own
    number: str = ""  # as the letter numbers it: "1a", "2b"
    title: str  # the letter's wording, years included


class CampaignMatchConfig(_Section):
    """What a report answering this request is titled like (`[campaign.match]`), beside what the
    letter's subject line, title and outline already say (parsers.topics)."""

    phrases: tuple[str, ...] = ()  # more titles or subjects that answer this request
    exclude: tuple[str, ...] = ()  # titles that never do, though they share words with it

    @field_validator("phrases", "exclude")
    def _words(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if not any(ch.isalnum() for ch in value):
                raise ValueError(f"{value!r} has no words to match")
        return values


class CampaignConfig(_Section):
    id: Annotated[str, Field(pattern=CAMPAIGN_ID)]
    letter: str
    title: str
    report_year: Annotated[int, Field(ge=1990, le=2100)]
    plan_year: Annotated[int, Field(ge=1990, le=2100)]
    issued: date
    deadline: date | datetime  # a day ends at midnight in Vietnam; a local date-time is Vietnam time
    registry: str | None = None  # the units that owe a report; default: those in force on the deadline's day
    outline: tuple[OutlineKey, ...] = DEFAULT_OUTLINE
    exempt: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()  # the request e-mails' Message-IDs: replies to them are submissions
    reminders: RemindersConfig = RemindersConfig()
    # Read from the letter (`reportbox campaign from-letter`); all optional.
    subject: str | None = None  # the "V/v …" line as written
    issuer: str | None = None  # "Bộ Lao động - Thương binh và Xã hội"
    addressees: str | None = None  # the "Kính gửi:" line
    mailbox: str | None = None  # the address the letter asks reports to be sent to
    phone: str | None = None  # the contact telephone the letter gives
    section: tuple[LetterSectionConfig, ...] = ()  # the outline in the letter's words
    match: CampaignMatchConfig = CampaignMatchConfig()
    # The provinces' departments the letter addresses, the first the lead: their reports are the unit's
    # answer, another department's are its other reports; ["any"]: a letter to the provinces' UBND, any
    # department may answer (parsers.departments; Decree 45/2025/NĐ-CP).
    departments: tuple[str, ...] = DEFAULT_DEPARTMENTS

    @field_validator("departments")
    def _known_departments(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if not values:
            raise ValueError(f"name at least one department, or [\"any\"] (default: {list(DEFAULT_DEPARTMENTS)})")
        return canonical_departments(values)

    @model_validator(mode="after")
    def _sections_in_outline(self) -> "CampaignConfig":
        unknown = [item.key for item in self.section if item.key not in self.outline]
        if unknown:
            raise ValueError(f"section: key {unknown[0]!r} is not in the campaign's outline {list(self.outline)}")
        return self

    @model_validator(mode="after")
    def _dates_in_order(self) -> "CampaignConfig":
        if self.deadline_day < self.issued:
            raise ValueError("deadline: is before the issued date")
        return self

    @model_validator(mode="after")
    def _registry_and_exempt_units(self) -> "CampaignConfig":
        from parsers.registry.units import BUILTIN_NAMES, builtin, registry_for

        if self.registry is None:  # frozen model: set once, while it is being validated
            object.__setattr__(self, "registry", registry_for(self.deadline_day).name)
        elif self.registry not in BUILTIN_NAMES:
            raise ValueError(f"registry: unknown registry {self.registry!r}; expected one of {', '.join(BUILTIN_NAMES)}")
        units = builtin(self.registry)
        unknown = [code for code in self.exempt if code not in units]
        if unknown:
            raise ValueError(f"exempt: {', '.join(map(repr, unknown))} not a unit code of registry {self.registry}")
        return self

    @property
    def deadline_day(self) -> date:
        return self.deadline_at.astimezone(VIETNAM).date()

    @property
    def deadline_at(self) -> datetime:
        """The last instant that is on time (aware)."""
        return deadline_instant(self.deadline)


class Config(_Section):
    """The whole configuration. `path` is the file it came from, for messages and relative paths."""

    path: Path = Field(default=Path(DEFAULT_CONFIG_NAME), exclude=True)
    database: DatabaseConfig = DatabaseConfig()
    storage: StorageConfig = StorageConfig()
    processing: ProcessingConfig = ProcessingConfig()
    documents: DocumentsConfig = DocumentsConfig()
    mailbox: tuple[MailboxConfig, ...] = ()
    smtp: SmtpConfig | None = None
    registry: RegistryConfig = RegistryConfig()
    identify: IdentifyConfig = IdentifyConfig()
    outgoing: OutgoingConfig = OutgoingConfig()
    receipts: ReceiptsConfig = ReceiptsConfig()
    web: WebConfig = WebConfig()
    alerts: AlertsConfig = AlertsConfig()
    metrics: MetricsConfig = MetricsConfig()
    outline: dict[OutlineKey, OutlineSectionConfig] = {}
    campaign: tuple[CampaignConfig, ...] = ()

    @model_validator(mode="after")
    def _outlines_defined(self) -> "Config":
        for campaign in self.campaign:
            try:
                self.section_outline(campaign.outline)
            except ValueError as exc:
                raise ValueError(f'campaign "{campaign.id}": outline: {exc}; define it under [outline.<key>]') from None
        return self

    def section_outline(self, keys: tuple[str, ...] | None = None) -> Outline:
        """The outline sections are sought for: these keys, or every campaign's keys in order."""
        if keys is None:
            keys = tuple(dict.fromkeys(key for c in self.campaign for key in c.outline)) or DEFAULT_OUTLINE
        overrides = {key: section.model_dump(exclude_none=True) for key, section in self.outline.items()}
        return outline_from_config(keys, overrides)

    def outline_titles(self) -> dict[str, str]:
        """The `[outline.<key>] title`s given, placeholders unfilled (parsers.outline.letter_outline fills them)."""
        return {key: section.title for key, section in self.outline.items() if section.title}

    @model_validator(mode="after")
    def _unique_names(self) -> "Config":
        for label, values in (
            ("mailbox", [m.name for m in self.mailbox]),
            ("campaign", [c.id for c in self.campaign]),
        ):
            seen = {v for v in values if values.count(v) > 1}
            if seen:
                raise ValueError(f"{label}: duplicate name {sorted(seen)[0]!r}")
        return self

    def web_secret(self) -> str:
        """The dashboard's signing secret (raises ConfigError)."""
        return self.web.secret(self.web_secret_default)

    @property
    def web_secret_default(self) -> Path:
        """Where the secret is made on first use when [web] names none: beside the raw store."""
        return Path(self.storage.raw_dir).parent / "web-secret"

    def mailbox_named(self, name: str) -> MailboxConfig:
        for mailbox in self.mailbox:
            if mailbox.name == name:
                return mailbox
        raise ConfigError(f"{self.path}: no [[mailbox]] named {name!r}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def find_config_path(explicit: str | os.PathLike | None) -> Path:
    """The configuration file in use: see `config_choice`."""
    return config_choice(explicit)[0]


def config_choice(explicit: str | os.PathLike | None) -> tuple[Path, str]:
    """(file, what named it): the --config option, else $REPORTBOX_CONFIG, else ./reportbox.toml.
    The variable beats the current folder so that an administrator's `export REPORTBOX_CONFIG=…`
    is never silently overridden by a reportbox.toml lying where they happen to stand."""
    if explicit:
        return Path(explicit), "--config"
    named = os.environ.get(CONFIG_ENV)
    if named:
        local = Path(DEFAULT_CONFIG_NAME)
        if local.is_file() and not _same_file(local, Path(named)):
            log.warning("using $%s (%s); ./%s is not read (give --config to use it)", CONFIG_ENV, named,
                        DEFAULT_CONFIG_NAME)
        return Path(named), f"${CONFIG_ENV}"
    return Path(DEFAULT_CONFIG_NAME), "the current folder"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def load_config(path: str | os.PathLike, *, named_by: str | None = None) -> Config:
    """Read, validate and resolve a configuration file; raise ConfigError naming file and key.
    The file is kept by its absolute path, so every message names the file really in use."""
    path = Path(path).absolute()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        by = f" (named by {named_by})" if named_by else ""
        raise ConfigError(f"{path}: configuration file not found{by}; give one with --config PATH or "
                          f"${CONFIG_ENV}, or copy config.example.toml to ./{DEFAULT_CONFIG_NAME}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return config_from_dict(data, path)


def config_from_dict(data: dict, path: Path) -> Config:
    try:
        config = Config.model_validate({**data, "path": path})
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_first_error(exc, data)}") from exc
    return _resolve(config)


# The arrays of tables whose entries a person knows by a name, not by their place in the file.
_NAMED_ENTRIES = {"mailbox": "name", "campaign": "id"}


def _first_error(exc: ValidationError, data: dict) -> str:
    error = exc.errors()[0]
    loc = [part for part in error["loc"] if part not in ("function-after",)]
    key = ".".join(str(part) for part in loc)
    if len(loc) >= 2 and loc[0] in _NAMED_ENTRIES and isinstance(loc[1], int):
        entry = _entry_label(data, loc[0], loc[1])
        inner = ".".join(str(part) for part in loc[2:])
        key = f"{entry}: {inner}" if inner else entry
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    return f"{key}: {message}" if key else message


def _entry_label(data: dict, array: str, index: int) -> str:
    """`mailbox "phongkh"` for the entry's name (or id), else its place: `[[mailbox]] number 2`."""
    entries = data.get(array)
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    name = entry.get(_NAMED_ENTRIES[array]) if isinstance(entry, dict) else None
    if isinstance(name, str) and name:
        return f"{array} {json.dumps(name, ensure_ascii=False)}"
    return f"[[{array}]] number {index + 1}"


def _resolve(config: Config) -> Config:
    """Make relative paths relative to the config file. Secrets are read later, by `with_secrets`."""
    base = config.path.parent.resolve()

    def local(p: Path | None) -> Path | None:
        return p if p is None or p.is_absolute() else base / p

    def oauth2(o: OAuth2Config | None) -> OAuth2Config | None:
        return o and o.model_copy(update={"client_secret_file": local(o.client_secret_file),
                                          "refresh_token_file": local(o.refresh_token_file)})

    mailboxes = tuple(
        m.model_copy(update={"path": local(m.path), "ca_file": local(m.ca_file), "password_file": local(m.password_file),
                             "oauth2": oauth2(m.oauth2)})
        for m in config.mailbox
    )
    smtp = config.smtp and config.smtp.model_copy(
        update={"password_file": local(config.smtp.password_file), "oauth2": oauth2(config.smtp.oauth2)})
    return config.model_copy(
        update={
            "database": DatabaseConfig(url=_local_sqlite(config.database.url, base)),
            "storage": config.storage.model_copy(update={"raw_dir": local(config.storage.raw_dir)}),
            "registry": config.registry.model_copy(update={"contacts": local(config.registry.contacts),
                                                           "names": local(config.registry.names)}),
            "mailbox": mailboxes,
            "smtp": smtp,
            "outgoing": config.outgoing.model_copy(update={"templates_dir": local(config.outgoing.templates_dir)}),
            "web": config.web.model_copy(update={"secret_file": local(config.web.secret_file)}),
            "metrics": config.metrics.model_copy(update={"token_file": local(config.metrics.token_file)}),
        }
    )


def _local_sqlite(url: str, base: Path) -> str:
    """A relative SQLite path is relative to the config file, like every other path in it."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(base / url[len(prefix):])
    return url


SECRET_PARTS = ("imap", "smtp", "web")


def with_secrets(config: Config, parts: Iterable[str]) -> Config:
    """The configuration with the secrets of the parts a command uses read: "imap" (every IMAP
    mailbox's password), "smtp" (the relay's, when [smtp] is configured), "web" (the dashboard's
    signing secret, made on first use when [web] names none). Every secret that cannot be read is
    named in one ConfigError, so that they are all fixed at once."""
    parts = set(parts)
    if unknown := parts - set(SECRET_PARTS):
        raise ValueError(f"unknown parts {sorted(unknown)}")
    missing: list[str] = []

    def read(ref, label: str):
        try:
            return ref.with_password()
        except SecretUnavailable as exc:
            missing.append(f"{label} ({exc})")
            return ref

    def what(ref, owner: str) -> str:
        return f"{owner} oauth2" if ref.auth == "oauth2" else f"{owner} password"

    mailbox = tuple(read(m, what(m, f'mailbox "{m.name}"')) if "imap" in parts and m.kind == "imap" else m
                    for m in config.mailbox)
    smtp = (read(config.smtp, what(config.smtp, "smtp")) if "smtp" in parts and config.smtp is not None
            else config.smtp)
    if "web" in parts:
        try:
            config.web.read_secret(config.web_secret_default)
        except SecretUnavailable as exc:
            missing.append(f"web secret ({exc})")
    if missing:
        noun = "secrets" if len(missing) > 1 else "secret"
        raise ConfigError(f"{config.path}: missing {noun}: {', '.join(missing)}")
    return config.model_copy(update={"mailbox": mailbox, "smtp": smtp})
