"""What ministry IT looks at first (the dashboard's health page, `/api/health`): is the daemon
alive, when did each mailbox folder last poll well, what failed, how long are the queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.lock import DAEMON
from models.messages import state_counts
from models.schema import (
    DaemonLock,
    FolderState,
    Mailbox,
    MessageState,
    Outbox,
    RawMessage,
    utcnow,
)
from models.submissions import submission_counts

RECENT_FAILURES = 20


@dataclass(frozen=True)
class FolderHealth:
    mailbox: str
    kind: str
    folder: str
    last_poll_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    last_uid: int
    polls: int  # begun, failed or not (since 0012)
    poll_failures: int
    poll_seconds: float  # the successful polls' time together
    last_poll_seconds: float | None


@dataclass(frozen=True)
class Failure:
    message: int
    received_at: datetime
    state: str
    reason: str | None
    detail: str | None


@dataclass(frozen=True)
class Health:
    now: datetime
    daemon_holder: str | None
    daemon_heartbeat_at: datetime | None
    folders: list[FolderHealth]
    messages: dict[str, int]  # by MessageState
    submissions: dict[str, int]  # by SubmissionState: needs_review is the review queue
    outbox: dict[str, int]  # by OutboxState, every campaign
    failures: list[Failure]  # the latest failed or quarantined messages


def health(session: Session) -> Health:
    lock = session.get(DaemonLock, DAEMON)
    folders = [
        FolderHealth(mailbox.name, mailbox.kind, state.folder, state.last_poll_at, state.last_success_at,
                     state.last_error, state.last_error_at, state.consecutive_failures, state.last_uid,
                     state.polls, state.poll_failures, state.poll_seconds, state.last_poll_seconds)
        for state, mailbox in session.execute(
            select(FolderState, Mailbox).join(Mailbox, Mailbox.id == FolderState.mailbox_id)
            .order_by(Mailbox.name, FolderState.folder))
    ]
    failures = [
        Failure(raw.id, raw.received_at, raw.state, raw.reason, raw.detail)
        for raw in session.scalars(
            select(RawMessage).where(RawMessage.state.in_((MessageState.FAILED, MessageState.QUARANTINED)))
            .order_by(RawMessage.id.desc()).limit(RECENT_FAILURES))
    ]
    outbox = dict(session.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
    return Health(utcnow(), lock.holder if lock else None, lock.heartbeat_at if lock else None, folders,
                  state_counts(session), submission_counts(session), outbox, failures)
