"""The alarms raised and cleared (table `alert`): at most one active per condition and subject.

Raising inserts the active row; a second raiser (a restart, a twin evaluation) is refused by the
unique partial index uq_alert_active and rolls back, its e-mail with it. Clearing is a
conditional update, so only one clearer wins and mails."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.schema import Alert


def active(session: Session) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.cleared_at.is_(None)).order_by(Alert.id)))


def latest(session: Session, condition: str, subject: str = "") -> Alert | None:
    """The newest alarm of a condition, active or cleared: a growing condition counts from its `seen_at`."""
    return session.scalars(select(Alert).where(Alert.condition == condition, Alert.subject == subject)
                           .order_by(Alert.id.desc()).limit(1)).first()


def raise_alert(session: Session, condition: str, subject: str, summary: str, detail: str, now: datetime,
                seen_at: datetime | None = None) -> Alert:
    """The new active row, flushed (its id is the e-mail's step). The caller commits; an alarm
    already active makes the commit (or this flush) fail with IntegrityError."""
    row = Alert(condition=condition, subject=subject, summary=summary, detail=detail, raised_at=now,
                seen_at=seen_at or now)
    session.add(row)
    session.flush()
    return row


def clear(session: Session, alert_id: int, now: datetime) -> bool:
    """True for the one caller that cleared it."""
    result = session.execute(update(Alert).where(Alert.id == alert_id, Alert.cleared_at.is_(None))
                             .values(cleared_at=now))
    return result.rowcount == 1
