"""The tables: mailboxes and their sync state, raw messages, parsed messages, attachments.

Shaped for what comes next: a submission will point at a raw message (and optionally one
attachment), campaigns and units get tables of their own, and a raw message's `state`
already has room for `submission` and `ignored`.
Every instant is stored in UTC (timezone-aware columns; SQLite keeps them as UTC text).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
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
    """Values of raw_message.state (DESIGN.md): what happened to a fetched message."""

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
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("raw_message.id"))

    locations: Mapped[list[MessageLocation]] = relationship(back_populates="raw_message")
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


class DaemonLock(Base):
    """A lease that keeps two daemons off one database."""

    __tablename__ = "daemon_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))  # host:pid:token
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
