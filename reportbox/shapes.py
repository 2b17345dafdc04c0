"""The JSON shapes of the README, built once for the command line (`--format json`) and the
dashboard's API, so the two never drift apart."""

from __future__ import annotations

import csv
from datetime import datetime

from sqlalchemy.orm import Session

from models import outbox
from models.campaigns import list_campaigns
from models.history import former_reports
from models.messages import list_messages, mailbox_names
from models.schema import Outbox, OutboxState
from models.status import CampaignStatus, campaign_status, status_json
from models.submissions import SubmissionView, submission_ids_of, submissions_for
from reportbox.timefmt import local_iso

CSV_COLUMNS = ("unit", "name", "status", "received_at", "late_by_hours", "deadline", "versions", "latest_at",
               "complete", "missing_sections", "needs_review", "offline", "submission", "adjustments", "reminders",
               "last_reminder_at", "unreadable", "unreadable_files")  # new columns go last: scripts read by position
CAMPAIGN_KEYS = ("campaign", "letter", "title", "deadline", "registry", "in_config", "summary")


def status_report(session: Session, campaign_id: str, as_of: datetime | None = None, *,
                  with_former: bool = False) -> tuple[CampaignStatus, dict]:
    """`status --format json`: the campaign's status, with what reportbox wrote to each unit; with
    `with_former`, each unit's reports to earlier campaigns, its former units' too (models.history)."""
    result = campaign_status(session, campaign_id, as_of=as_of)
    former = former_reports(session, result.campaign, [u.unit for u in result.units], as_of=result.as_of) \
        if with_former else None
    data = status_json(result, former)
    data["outbox"] = outbox.counts(session, data["campaign"])
    mail = outbox.unit_mail(session, data["campaign"])
    empty = {"reminders": 0, "last_reminder_at": None, "receipts": 0, "resend_requests": 0}
    for unit in data["units"]:
        entry = mail.get(unit["unit"], empty)
        unit.update(entry, last_reminder_at=local_iso(entry["last_reminder_at"]))
    return result, data


def status_csv(data: dict, stream) -> None:
    """`status --format csv`: one row per unit, from the JSON shape."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for unit in data["units"]:
        row = {**unit, "missing_sections": " ".join(unit["missing_sections"]),
               "adjustments": " | ".join(unit["adjustments"]), "complete": int(unit["complete"]),
               "offline": int(unit["offline"]), "unreadable": int(unit["unreadable"]),
               "unreadable_files": " | ".join(f"{f['filename']} ({f['error']})" for f in unit["unreadable_files"])}
        writer.writerow([row[column] if row[column] is not None else "" for column in CSV_COLUMNS])


def campaigns_json(session: Session) -> list[dict]:
    """`campaign list --format json`: every campaign with its counts now."""
    rows = []
    for campaign in list_campaigns(session):
        data = status_json(campaign_status(session, campaign.id)) | {"in_config": campaign.in_config}
        rows.append({key: data[key] for key in CAMPAIGN_KEYS})
    return rows


def submission_json(view: SubmissionView) -> dict:
    sub, parsed = view.submission, view.parsed
    return {
        "id": sub.id, "message": view.raw.id, "message_id": view.raw.message_id,
        "from": parsed.from_address if parsed else None, "subject": parsed.subject if parsed else None,
        "received_at": local_iso(view.raw.received_at), "unit": sub.unit, "report_year": sub.report_year,
        "campaign": sub.campaign, "state": sub.state, "confidence": sub.confidence,
        "evidence": list(sub.evidence), "sections": list(sub.sections),
        "unverified_sender": sub.unverified_sender, "sender_check": sub.sender_check,
        "continuation": sub.continuation, "joined_to": sub.joined_to, "superseded_by": sub.superseded_by,
        "candidates": list(sub.candidates or []),
        "kind": sub.kind, "department_part": sub.department_part, "topic": sub.topic, "title": sub.title,
        "dated": sub.dated.isoformat() if sub.dated else None,
        "documents": [
            {"filename": d.path, "kind": d.kind, "pages": d.pages,
             "sections": view.sections_by_document.get(d.id, []), "error": d.error, "reason": d.reason,
             "detail": d.detail, "ocr": d.ocr, "role": d.role}
            for d in view.documents
        ],
    }


def submissions_json(session: Session, campaign: str | None = None, state: str | None = None,
                     kind: str | None = None) -> list[dict]:
    """`submissions --format json`: with a campaign, the other reports that go with it too (`kind`)."""
    return [submission_json(view) for view in submissions_for(session, campaign, state, kind)]


def messages_json(session: Session, stored: list | None = None, state: str | None = None) -> list[dict]:
    """`messages --format json`: these messages (default: every one fetched, or those in `state`)."""
    names = mailbox_names(session)
    if stored is None:
        stored = list_messages(session, state)
    submissions = submission_ids_of(session, [raw.id for raw in stored])
    return [message_json(raw, names, submissions.get(raw.id)) for raw in stored]


def message_json(raw, mailboxes: dict[int, str], submission: int | None) -> dict:
    location = raw.locations[0] if raw.locations else None
    parsed = raw.parsed
    return {
        "id": raw.id,
        "mailbox": mailboxes.get(location.mailbox_id) if location else None,
        "folder": location.folder if location else None,
        "uid": location.uid if location else None,
        "message_id": raw.message_id,
        "sha256": raw.sha256,
        "from": parsed.from_address if parsed else None,
        "subject": parsed.subject if parsed else None,
        "received_at": local_iso(raw.received_at),
        "state": raw.state,
        "reason": raw.reason,
        "attempts": raw.attempts,
        "submission": submission,
        "raw_deleted_at": local_iso(raw.raw_deleted_at),  # retention deleted its raw bytes (jobs.retention)
    }


def outbox_json(row: Outbox) -> dict:
    return {"id": row.id, "campaign": row.campaign, "unit": row.unit, "kind": row.kind, "step": row.step,
            "submission": row.submission_id, "message_id": row.message_id, "to": row.to, "cc": row.cc,
            "subject": row.subject, "state": row.state, "attempts": row.attempts,
            "next_attempt_at": local_iso(row.next_attempt_at) if row.state == OutboxState.QUEUED else None,
            "created_at": local_iso(row.created_at), "sent_at": local_iso(row.sent_at), "reply": row.reply,
            "refused": row.refused, "error": row.error, "note": row.note, "bounced_at": local_iso(row.bounced_at)}
