"""The tables: mailboxes and their sync state, raw messages, parsed messages, attachments,
the documents read from them with their outline sections, and submissions.

A submission is a message that carries documents. Identification (unit, campaign, report
year) fills in its nullable columns; until then it waits in `needs_review`.
Every instant is stored in UTC (timezone-aware columns; SQLite keeps them as UTC text).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so Alembic migrations work alike on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, whatever the engine keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MessageState:
    """Values of raw_message.state (README): what happened to a fetched message."""

    FETCHED = "fetched"  # raw bytes stored, not processed yet
    PARSED = "parsed"
    SUBMISSION = "submission"
    IGNORED = "ignored"
    FAILED = "failed"
    QUARANTINED = "quarantined"

    ALL = (FETCHED, PARSED, SUBMISSION, IGNORED, FAILED, QUARANTINED)


class Mailbox(Base):
    __tablename__ = "mailbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    folders: Mapped[list[FolderState]] = relationship(back_populates="mailbox")


class FolderState(Base):
    """How far one folder of one mailbox has been fetched, and how the last poll went."""

    __tablename__ = "folder_state"
    __table_args__ = (UniqueConstraint("mailbox_id", "folder"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id"))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # For /metrics (jobs.metrics): polls begun, those that failed, and the time the successful ones took.
    polls: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    poll_failures: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    poll_seconds: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    last_poll_seconds: Mapped[float | None] = mapped_column(Float)

    mailbox: Mapped[Mailbox] = relationship(back_populates="folders")


class RawMessage(Base):
    """One message as fetched, by content: its bytes live in the raw store under `sha256`."""

    __tablename__ = "raw_message"
    __table_args__ = (Index("ix_raw_message_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    body_sha256: Mapped[str | None] = mapped_column(String(64))  # to tell a re-delivery from a reused Message-ID
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_source: Mapped[str] = mapped_column(String(16))  # internaldate | received-header | file-mtime
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default=MessageState.FETCHED)
    reason: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)  # a person-readable message, or a traceback
    # Runs charged to this message: one that failed, or one run alone that never finished.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(255))  # host:pid:token of the processor holding it
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("raw_message.id"))
    # When retention (models.retention) deleted its bytes from the raw store; the row stays.
    raw_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # First seen first: `messages` shows the first location (PostgreSQL keeps no row order).
    locations: Mapped[list[MessageLocation]] = relationship(back_populates="raw_message",
                                                            order_by="MessageLocation.id")
    parsed: Mapped[ParsedMessage | None] = relationship(back_populates="raw_message")


class MessageLocation(Base):
    """Where a raw message was seen: (mailbox, folder, UIDVALIDITY, UID) or a file's key.

    A message seen twice (a rescan after a UIDVALIDITY change, or moved between folders)
    has one raw_message and several locations.
    """

    __tablename__ = "message_location"
    __table_args__ = (
        UniqueConstraint("mailbox_id", "folder", "uidvalidity", "source_key"),
        Index("ix_message_location_pending_mark", "mailbox_id", "folder", "marked"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_message.id"), index=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailbox.id"))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger, default=0)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    source_key: Mapped[str] = mapped_column(String(512))  # the UID as text, or a Maildir key / file name
    internaldate: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    marked: Mapped[bool] = mapped_column(Boolean, default=False)

    raw_message: Mapped[RawMessage] = relationship(back_populates="locations")


class ParsedMessage(Base):
    """What the message says about itself, as parsed from the raw bytes."""

    __tablename__ = "parsed_message"

    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_message.id"), primary_key=True)
    from_address: Mapped[str | None] = mapped_column(String(320), index=True)
    from_name: Mapped[str | None] = mapped_column(String(998))
    to: Mapped[list] = mapped_column(JSON, default=list)
    cc: Mapped[list] = mapped_column(JSON, default=list)
    reply_to: Mapped[list] = mapped_column(JSON, default=list)
    subject: Mapped[str | None] = mapped_column(Text)
    date_header: Mapped[datetime | None] = mapped_column(UTCDateTime)
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[list] = mapped_column(JSON, default=list)
    auth_results: Mapped[dict] = mapped_column(JSON, default=dict)
    auto_submitted: Mapped[str | None] = mapped_column(String(64))
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_source: Mapped[str] = mapped_column(String(16), default="none")  # plain | html | none
    defects: Mapped[list] = mapped_column(JSON, default=list)

    raw_message: Mapped[RawMessage] = relationship(back_populates="parsed")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.position", cascade="all, delete-orphan"
    )


class Attachment(Base):
    """One file carried by a message (or by a message forwarded inside it)."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("raw_message_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_message_id: Mapped[int] = mapped_column(ForeignKey("parsed_message.raw_message_id"))
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))  # made safe; what we show and save under
    original_filename: Mapped[str | None] = mapped_column(Text)  # as decoded, hostile or not
    declared_type: Mapped[str | None] = mapped_column(String(255))
    sniffed_type: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # docx, pdf, doc, xlsx, zip, image, ... or other
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    disposition: Mapped[str | None] = mapped_column(String(16))  # attachment | inline | None
    forwarded_depth: Mapped[int] = mapped_column(Integer, default=0)  # >0: inside a message/rfc822

    message: Mapped[ParsedMessage] = relationship(back_populates="attachments")


class Document(Base):
    """One file as read: an attachment, or a member of an archive attached (`parent_id`).

    The blocks (paragraphs, headings, tables in reading order) are kept whole, so sections can be
    split again and shown in context without the raw message; `error` says why a file was not read.
    """

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("raw_message_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_message.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # depth-first order within the message
    attachment_position: Mapped[int] = mapped_column(Integer)  # the attachment it is, or came from
    parent_position: Mapped[int | None] = mapped_column(Integer)  # the archive it was in
    path: Mapped[str] = mapped_column(Text)  # "bc.zip/Quang Ninh/bao cao.docx", each part made safe
    kind: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pages: Mapped[int | None] = mapped_column(Integer)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    legacy_encoding: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(String(32))  # encrypted | corrupt | too_large | unsupported | ...
    detail: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    # report | covering_letter | other (parsers.sections); a file not read: report when named like one
    role: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))  # no_sections
    letterhead: Mapped[dict | None] = mapped_column(JSON)  # the report's official header fields
    signatures: Mapped[list] = mapped_column(JSON, default=list)
    parts: Mapped[list] = mapped_column(JSON, default=list)  # each official document in the file
    blocks: Mapped[list] = mapped_column(JSON, default=list)

    sections: Mapped[list[Section]] = relationship(
        back_populates="document", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(Base):
    """One outline section found in a document: its heading, text and tables."""

    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("document_id", "position"), Index("ix_section_key", "key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    position: Mapped[int] = mapped_column(Integer)
    part: Mapped[int] = mapped_column(Integer, default=0)  # which official document in the file
    key: Mapped[str] = mapped_column(String(64))  # outline key: results, policies, ...
    heading: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    tables: Mapped[list] = mapped_column(JSON, default=list)  # each a list of rows of cell text
    confidence: Mapped[float] = mapped_column(Float)

    document: Mapped[Document] = relationship(back_populates="sections")


class SubmissionState:
    """Values of submission.state (README)."""

    ACCEPTED = "accepted"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"

    ALL = (ACCEPTED, NEEDS_REVIEW, REJECTED, SUPERSEDED)
    COUNTED = (ACCEPTED, SUPERSEDED)  # a report of its unit, the latest version or an earlier one


class SubmissionKind:
    """Values of submission.kind (README): which request a submission answers."""

    REPORT = "report"  # the report its campaign asks for: counts
    OTHER_REPORT = "other_report"  # a report of the unit on another subject or for another request: never counts
    CONTINUATION = "continuation"  # a later part or supplement of a report: counts with the version it joins
    ALL = (REPORT, OTHER_REPORT, CONTINUATION)


class SenderCheck:
    """Values of submission.sender_check: what the sender's address says about the unit decided."""

    KNOWN = "known"  # a contact, a learned address or a domain of the unit
    UNKNOWN = "unknown"  # an address nobody has vouched for (personal webmail, often)
    OTHER_UNIT = "other_unit"  # a known address of another unit
    AUTH_FAILED = "auth_failed"  # our server's DMARC or SPF verdict failed
    NONE = "none"  # no unit decided


class Submission(Base):
    """A message that carries documents, and what it was found to be: whose report, for which campaign."""

    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_campaign_unit", "campaign", "unit_registry", "unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_message.id"), unique=True)
    campaign: Mapped[str | None] = mapped_column(String(32))  # campaign id (models.campaigns)
    unit_registry: Mapped[str | None] = mapped_column(String(32))  # the registry `unit` is a code in
    unit: Mapped[str | None] = mapped_column(String(16))
    report_year: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default=SubmissionState.NEEDS_REVIEW)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    sections: Mapped[list] = mapped_column(JSON, default=list)  # outline keys found, all documents together
    # The units identification weighed, best first: [{"unit", "registry", "score"}], for reviewers.
    candidates: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    sender: Mapped[str | None] = mapped_column(String(320), index=True)  # the From address, lower case
    # known (a contact, learned, or the unit's domain) | unknown | other_unit | auth_failed | none (no unit)
    sender_check: Mapped[str] = mapped_column(String(16), default="none")
    continuation: Mapped[str | None] = mapped_column(Text)  # why it continues an earlier one ("bổ sung")
    # SubmissionKind: a report for its campaign, another report of the unit (never counted), a continuation.
    kind: Mapped[str] = mapped_column(String(16), default="report", server_default="report")
    # A part of the unit's answer from another department the campaign's letter addressed (the Sở Y
    # tế's beside the Sở Nội vụ's report): that department's key (parsers.departments); None for the
    # lead department's report. A stable code: models.versions and models.status read it (migration 0014).
    department_part: Mapped[str | None] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(Text)  # the evidence that decided which request it answers
    title: Mapped[str | None] = mapped_column(Text)  # the report's own title ("BÁO CÁO Kết quả … năm 2019")
    dated: Mapped[date | None] = mapped_column(Date)  # the date its letterhead gives
    # Versions (models.versions): a supplement joins the version it completes; a later version
    # supersedes the whole earlier one. Both point at the first message of a version.
    joined_to: Mapped[int | None] = mapped_column(Integer)
    superseded_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def unverified_sender(self) -> bool:
        """The unit is decided but the sender is not known to speak for it (shown everywhere)."""
        return self.unit is not None and self.sender_check != SenderCheck.KNOWN


class ReviewDecision(Base):
    """A person's decision on a submission, kept as an audit trail: the latest one applies.

    Keyed by the message, not the submission row, so it survives `reportbox reprocess`."""

    __tablename__ = "review_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_message.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # assign | reject
    campaign: Mapped[str | None] = mapped_column(String(32))  # assign: the campaign it counts for; other: the one left
    # assign: the kind decided (report, continuation, other_report), so that reprocessing keeps both
    # the campaign and the kind a person settled; None in decisions recorded before it was kept.
    kind: Mapped[str | None] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16))
    unit_registry: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(255))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Campaign(Base):
    """A request letter, as the config describes it (`models.campaigns.sync_campaigns` keeps it in step).

    A campaign taken out of the config stays, marked `in_config = False`: its submissions still point at it."""

    __tablename__ = "campaign"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    letter: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(Text, default="")
    report_year: Mapped[int] = mapped_column(Integer)
    plan_year: Mapped[int] = mapped_column(Integer)
    issued: Mapped[date] = mapped_column(Date)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)  # the instant: end of the day in Vietnam unless a time is set
    unit_registry: Mapped[str] = mapped_column(String(32))  # the registry whose units owe a report
    outline: Mapped[list] = mapped_column(JSON, default=list)
    exempt: Mapped[list] = mapped_column(JSON, default=list)
    message_ids: Mapped[list] = mapped_column(JSON, default=list)  # the request e-mails' Message-IDs
    in_config: Mapped[bool] = mapped_column(Boolean, default=True)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the letter says (config keys of the same names, or `reportbox campaign from-letter`).
    subject: Mapped[str | None] = mapped_column(Text)  # the "V/v …" line
    issuer: Mapped[str | None] = mapped_column(Text)
    addressees: Mapped[str | None] = mapped_column(Text)
    mailbox: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(128))
    sections: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")  # [{"key", "number", "title"}]
    match: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")  # {"phrases": [], "exclude": []}
    # `config`: kept in step with the config file; `letter`: stored by `campaign from-letter --apply`.
    source: Mapped[str] = mapped_column(String(16), default="config", server_default="config")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")  # field → the text it was read from
    applied_by: Mapped[str | None] = mapped_column(String(255))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AdjustmentKind:
    EXTENSION = "extension"  # a later deadline for one unit
    EXEMPTION = "exemption"  # owes nothing this time
    OFFLINE = "offline"  # the report came another way (post, hand, fax) at `at`
    ALL = (EXTENSION, EXEMPTION, OFFLINE)


class CampaignAdjustment(Base):
    """A planner's decision about one unit in a campaign, kept as an audit row (who, when, why).

    The latest row of each kind applies; `cancelled` rows take back the one before them."""

    __tablename__ = "campaign_adjustment"
    __table_args__ = (Index("ix_campaign_adjustment_campaign_unit", "campaign", "unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign: Mapped[str] = mapped_column(ForeignKey("campaign.id"))
    unit: Mapped[str] = mapped_column(String(16))  # a code in the campaign's registry
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # extension: new deadline; offline: received
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(255))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RegistryUnit(Base):
    """The units of every registry in use, copied from the registries, so SQL (the
    `campaign_unit_status` view, analysts' queries) can list who owes a report."""

    __tablename__ = "unit"

    unit_registry: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)  # registry order


class KnownSender(Base):
    """An address that speaks for a unit, learned from a submission accepted from it: one row per
    submission that vouches, so a later rejection takes back exactly what that submission taught.

    The operator's contacts file is read fresh each poll and is not copied here."""

    __tablename__ = "known_sender"

    raw_message_id: Mapped[int] = mapped_column(ForeignKey("raw_message.id"), primary_key=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    unit_registry: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(16))
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxKind:
    REMINDER = "reminder"  # to a unit that has not reported (jobs.reminders)
    RECEIPT = "receipt"  # to the sender of an accepted report (jobs.receipts)
    RESEND_REQUEST = "resend_request"  # to the sender of a report none of whose files could be read (jobs.resend)
    ALERT = "alert"  # to ministry IT ([alerts] to): a condition raised or cleared (jobs.alerts); no campaign
    ALL = (REMINDER, RECEIPT, RESEND_REQUEST, ALERT)


class OutboxState:
    """Where an outgoing e-mail is. The exactly-once rule (jobs/outbox.py) rests on `confirming`:
    it is committed just before the final dot of DATA, the one instant after which the server
    may have taken the message."""

    QUEUED = "queued"  # waiting for its next attempt (`next_attempt_at`)
    SENDING = "sending"  # a sender holds it; the server has not been given the final dot
    CONFIRMING = "confirming"  # the final dot is on its way; the server's reply is awaited
    SENT = "sent"  # the server accepted it (`reply`)
    UNCERTAIN = "uncertain"  # a sender died awaiting the reply: maybe delivered, never resent by itself
    FAILED = "failed"  # refused for good, or out of attempts (`error`)
    CANCELLED = "cancelled"  # no longer owed (the unit reported, was exempted) or cancelled by a person
    OPEN = (QUEUED, SENDING, CONFIRMING)
    ALL = (QUEUED, SENDING, CONFIRMING, SENT, UNCERTAIN, FAILED, CANCELLED)


RESEND_ONLY = "kind = 'resend_request'"  # the partial unique index's rows (OutboxKind.RESEND_REQUEST)
ALERT_ONLY = "kind = 'alert'"  # one e-mail per alarm raised or cleared: campaign is NULL, so its own index


class Outbox(Base):
    """One e-mail to a province, committed before any SMTP conversation about it.

    The unique key (campaign, unit, kind, step) is what makes a reminder step or a receipt
    happen once however often the policy is evaluated; `raw` is built once, so a retry sends
    the same bytes under the same Message-ID."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("campaign", "unit", "kind", "step"),
        Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
        # "Was this message ever answered?" (models.outbox.answered), asked per message and pass.
        Index("ix_outbox_kind_step", "kind", "step"),
        # A message is asked to be sent again once, whatever campaign and unit it is filed under.
        Index("uq_outbox_resend_request_step", "kind", "step", unique=True,
              sqlite_where=text(RESEND_ONLY), postgresql_where=text(RESEND_ONLY)),
        Index("uq_outbox_alert_step", "kind", "step", unique=True,
              sqlite_where=text(ALERT_ONLY), postgresql_where=text(ALERT_ONLY)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign: Mapped[str | None] = mapped_column(ForeignKey("campaign.id"))  # None: an alarm to ministry IT
    unit: Mapped[str] = mapped_column(String(16))  # a code in the campaign's registry; "" for an alarm
    kind: Mapped[str] = mapped_column(String(16))  # OutboxKind
    step: Mapped[str] = mapped_column(String(64))  # reminders: "after-3@2019-12-15"; receipts, resend requests: "message-<raw id>"
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id", ondelete="SET NULL"))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)  # ours, with <>; bounces are matched on it
    mail_from: Mapped[str] = mapped_column(String(320))
    to: Mapped[list] = mapped_column(JSON, default=list)
    cc: Mapped[list] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)  # the instant the policy was evaluated at
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(255))  # host:pid:token of the sender holding it
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply: Mapped[str | None] = mapped_column(Text)  # the server's reply to the final dot
    refused: Mapped[dict] = mapped_column(JSON, default=dict)  # recipients refused at RCPT: address -> reply
    error: Mapped[str | None] = mapped_column(Text)  # the last failure, for a person
    note: Mapped[str | None] = mapped_column(Text)  # why it was cancelled, who retried it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AddressFailure(Base):
    """An address our mail could not reach: a bounce said so, or the relay refused it at RCPT.

    A permanent one that nobody cleared marks the address as failing: reminders skip it and
    planners see it, until they fix the contacts file or clear it (`reportbox outbox clear`)."""

    __tablename__ = "address_failure"
    __table_args__ = (UniqueConstraint("bounce_message_id", "address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    bounce_message_id: Mapped[int | None] = mapped_column(ForeignKey("raw_message.id"))  # the bounce; None: refused at RCPT
    permanent: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str | None] = mapped_column(String(16))  # e.g. 5.1.1
    diagnostic: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the bounce was received
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by: Mapped[str | None] = mapped_column(String(255))


class DaemonLock(Base):
    """A lease that keeps two daemons off one database."""

    __tablename__ = "daemon_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))  # host:pid:token
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)


ALERT_ACTIVE = "cleared_at IS NULL"


class Alert(Base):
    """An alarm condition as jobs.alerts saw it: raised (its e-mail queued in the same transaction),
    then cleared. At most one is active per condition and subject (a mailbox's name, or ""), which
    is what makes each alarm go once, across restarts too."""

    __tablename__ = "alert"
    __table_args__ = (
        Index("uq_alert_active", "condition", "subject", unique=True,
              sqlite_where=text(ALERT_ACTIVE), postgresql_where=text(ALERT_ACTIVE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    condition: Mapped[str] = mapped_column(String(32))  # jobs.alerts: poll_stale, quarantine_growing, ...
    subject: Mapped[str] = mapped_column(String(255), default="")
    summary: Mapped[str] = mapped_column(Text)  # one line, for logs and the health page
    detail: Mapped[str] = mapped_column(Text, default="")  # the technical detail the e-mail carries
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The last instant the condition was seen true (for a growing one: the newest item seen grow it).
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserRole:
    """What a dashboard account may do: readers look, reviewers also decide (review queue,
    planners' adjustments)."""

    READER = "reader"
    REVIEWER = "reviewer"
    ALL = (READER, REVIEWER)


class WebUser(Base):
    """A dashboard account (`reportbox user add`). Only an Argon2 hash of the password is kept."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: signs in only through the proxy header
    role: Mapped[str] = mapped_column(String(16))  # UserRole
    full_name: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sessions begun before this instant are over: set at sign-out, a new password, disabling.
    sessions_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
