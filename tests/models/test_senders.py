"""Addresses learned from submissions (models.senders): only a counted report vouches for its sender."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from models import senders
from models.schema import KnownSender, SenderCheck, Submission, SubmissionKind
from tests.ingest.conftest import db_url  # noqa: F401  (the sqlite/postgresql fixture)
from tests.models.test_status import VN, app, submit  # noqa: F401


def _learn_from(app, submission_id: int, kind: str) -> list[str]:  # noqa: F811
    with app.sessions.begin() as session:
        submission = session.get(Submission, submission_id)
        submission.kind, submission.sender, submission.sender_check = kind, "canbo.qn@gmail.com", SenderCheck.UNKNOWN
        senders.learn(session, submission)
    with app.sessions() as session:
        return list(session.scalars(select(KnownSender.address)))


def test_a_counted_report_teaches_its_webmail_address_another_report_does_not(app):  # noqa: F811
    received = datetime(2019, 12, 10, tzinfo=VN)
    other = submit(app, "22", received, campaign=None)
    assert _learn_from(app, other, SubmissionKind.OTHER_REPORT) == []
    report = submit(app, "22", received.replace(hour=9))
    assert _learn_from(app, report, SubmissionKind.REPORT) == ["canbo.qn@gmail.com"]
