"""Today's campaigns end to end (issue 18): Bộ Nội vụ's 2025 and 2026 year-end reports of the 34
provinces, read from an eml folder by the real pipeline into SQLite, and every unit's status at three
instants (before the deadline, just after it, weeks later) as the labels say.

The mailbox is tests/parsers/identify_corpus_2026.status_mailbox: per campaign and unit a .docx report
on time, on time after the first instant, late (one the morning after the deadline) or missing; some
missing units send their half-year report, an automatic reply or only the Sở Y tế's report instead (a
part of the unit's answer when the letter addressed the Sở Y tế too, the 2026 one; the unit stays
pending or missing until its Sở Nội vụ's report comes). Senders: the new province's
domain, an absorbed province's old one, webmail (known from the contacts list or not), reports naming
former provinces, signers named like provinces, PDFs whose only province signal is the digital-signature
stamp, and (where Tesseract is) scanned PDFs read by OCR. The 2025 campaign's report year straddles the merger
(Resolution 202/2025/QH15: 34 provinces from 2025-07-01) and expects the 34.
"""

from __future__ import annotations

import os
from datetime import timezone
from email import message_from_bytes

import pytest
from sqlalchemy import select

from jobs.poll import poll
from models.schema import RawMessage, Submission
from models.status import campaign_status
from parsers.departments import BY_KEY
from parsers.documents.ocr import tesseract_available
from tests.parsers.identify_corpus_2026 import CAMPAIGNS_2026, INSTANTS, expected_statuses, status_mailbox
from tests.servers.availability import find_tool

from .conftest import sources_of


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'reportbox.db'}"


def ocr_here() -> bool:
    """Whether Tesseract can read the scanned reports here; with CI set its absence is an error."""
    if find_tool("tesseract") and tesseract_available("vie+eng"):
        return True
    if os.environ.get("CI"):
        pytest.fail("tesseract with Vietnamese (tesseract-ocr-vie) is needed to read the scanned reports "
                    "(CI is set, so this is an error, not a skip)", pytrace=False)  # fmt: skip
    return False


@pytest.fixture(scope="module")
def mailbox():
    return status_mailbox(scans=ocr_here())


def _campaign_config(campaign) -> dict:
    """As `reportbox campaign from-letter` writes it; no registry: the one in force on the deadline's day."""
    return {"id": campaign.id, "letter": campaign.letter, "title": campaign.title, "subject": campaign.subject,
            "report_year": campaign.report_year, "plan_year": campaign.plan_year, "issued": campaign.issued,
            "deadline": campaign.deadline, "message_ids": list(campaign.message_ids),
            "departments": [BY_KEY[key].name for key in campaign.departments]}  # fmt: skip


@pytest.mark.slow  # about 15 s on 2 cores: 65 e-mails written (Word, PDF, scans), then read by the pipeline
def test_every_unit_has_the_labelled_status_at_three_instants(make_app, tmp_path, mailbox):
    messages, contacts = mailbox
    folder = tmp_path / "eml"
    folder.mkdir()
    for number, message in enumerate(messages):
        path = folder / f"{number:03d}-{message.name}.eml"
        path.write_bytes(message.data)
        stamp = message.received.timestamp()  # the Received header decides; the file time agrees
        os.utime(path, (stamp, stamp))
    listing = tmp_path / "contacts.csv"
    listing.write_text("unit,email,name\n" + "".join(f"{code},{address},\n" for code, addresses in contacts.items()
                                                     for address in addresses), encoding="utf-8")  # fmt: skip
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}],
                   registry={"contacts": str(listing), "default": "vn34"},  # the contacts file in vn34 codes
                   campaign=[_campaign_config(c) for c in CAMPAIGNS_2026])
    report = poll(app, sources_of(app))
    assert report.fetched.new == len(messages) and not report.fetched.errors

    wrong = []
    labels = {message_from_bytes(m.data)["Message-ID"]: m for m in messages}
    with app.sessions() as session:
        rows = {row.raw_message_id: row for row in session.scalars(select(Submission))}
        ids = dict(session.execute(select(RawMessage.id, RawMessage.message_id)).all())
        # No accepted message is another unit's, and none counts for a campaign it does not answer.
        for raw_id, row in rows.items():
            label = labels[ids[raw_id]]
            if row.state == "accepted" and (row.unit != label.unit or (row.kind != "other_report") != bool(
                    label.counts_for) or (label.counts_for and row.campaign != label.counts_for)):
                wrong.append(f"{label.name}: accepted as unit {row.unit}, {row.kind} for {row.campaign}")
        for campaign in CAMPAIGNS_2026:
            for as_of in INSTANTS[campaign.id]:
                status = campaign_status(session, campaign.id, as_of=as_of.astimezone(timezone.utc))
                got = {unit.unit: unit.status for unit in status.units}
                expected = expected_statuses(messages, campaign, as_of)
                assert set(got) == set(expected), f"{campaign.id}: the units are not the 34"
                wrong += [f"{campaign.id} at {as_of:%Y-%m-%d %H:%M}: unit {code} {got[code]}, labelled {want}"
                          for code, want in expected.items() if got[code] != want]  # fmt: skip
    detail = "\n".join(f"{r.raw_message_id}: unit {r.unit} {r.campaign} {r.kind} {r.state} {list(r.evidence)[:8]}"
                       for r in rows.values() if r.state != "accepted" or r.campaign is None)  # fmt: skip
    assert not wrong, "\n".join(wrong) + "\n" + detail
