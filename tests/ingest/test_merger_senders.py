"""Senders across the 2025 merger (Resolution 202/2025/QH15), through the whole pipeline: an address
learned for a province in a 63-unit campaign vouches for its successor in a 34-unit one, and an
absorbed province's old domain (hagiang.gov.vn) is its successor's (Tuyên Quang), with a signer
named like a province ("Phạm Hà Giang") and the former province named in the report."""

from __future__ import annotations

from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select

from jobs.poll import poll
from models.schema import SenderCheck, Submission, SubmissionState
from models.senders import learned_addresses
from reportbox import samples
from reportbox.sample_documents import Office, report_docx
from tests.ingest.conftest import sources_of

TK2024 = {"id": "tk2024", "letter": "4410/LĐTBXH-KHTC", "title": "Báo cáo năm 2024", "report_year": 2024,
          "plan_year": 2025, "issued": "2024-11-20", "deadline": "2024-12-15", "registry": "vn63"}
TK2025 = {"id": "tk2025", "letter": "6120/BNV-KHTC", "title": "Báo cáo năm 2025", "report_year": 2025,
          "plan_year": 2026, "issued": "2025-11-20", "deadline": "2025-12-15", "registry": "vn34"}
SO_NOI_VU = Office(department="SỞ NỘI VỤ", symbol="SNV", department_name="Sở Nội vụ tỉnh {province}",
                   ministry="Bộ Nội vụ", ministry_short="Bộ Nội vụ", letter="6120/BNV-KHTC", letter_date="20/11")
DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
GMAIL = "Hoàng Văn Thái <hoangthai.bk@gmail.com>"


def _message(received: datetime, sender: str, document: bytes, year: int) -> bytes:
    """The e-mail that sends the year's report; its subject says what the report is, as senders write it."""
    message = EmailMessage()
    message["Received"] = f"from mx.example.gov.vn by mail.molisa.gov.vn; {format_datetime(received)}"
    message["From"], message["To"] = sender, samples.MINISTRY
    message["Subject"] = f"Báo cáo kết quả thực hiện nhiệm vụ năm {year}, kế hoạch năm {year + 1}"
    message["Date"] = format_datetime(received)
    message.set_content("Kính gửi Vụ Kế hoạch - Tài chính.")
    message.add_attachment(document, maintype=DOCX[0], subtype=DOCX[1], filename=f"Bao cao nam {year}.docx")
    return message.as_bytes(policy=policy.SMTP)


def _deliver(make_app, folder, messages: dict[str, bytes]):
    for name, raw in messages.items():
        (folder / name).write_bytes(raw)
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}], campaign=[TK2024, TK2025])
    poll(app, sources_of(app))
    return app


def _submissions(app) -> dict[str, Submission]:
    with app.sessions() as session:
        return {s.sender: s for s in session.scalars(select(Submission))}


def test_an_address_learned_for_bac_kan_in_2024_vouches_for_thai_nguyen_in_2025(make_app, tmp_path):
    folder = tmp_path / "eml"
    folder.mkdir()
    bac_kan_2024 = report_docx("Bắc Kạn", 2024, pages=1)  # UBND TỈNH BẮC KẠN: accepted, the gmail learned
    app = _deliver(make_app, folder, {"a.eml": _message(datetime(2024, 12, 10, 2, tzinfo=timezone.utc), GMAIL,
                                                        bac_kan_2024, 2024)})
    first = _submissions(app)["hoangthai.bk@gmail.com"]
    assert (first.unit_registry, first.unit, first.state) == ("vn63", "06", SubmissionState.ACCEPTED)
    with app.sessions() as session:
        assert [(a.registry, a.code) for a in learned_addresses(session)] == [("vn63", "06")]
    # A year on, no province in the file at all: only the learned address says whose it is.
    unnamed_2025 = report_docx("Thái Nguyên", 2025, pages=1, letterhead=False, office=SO_NOI_VU)
    app = _deliver(make_app, folder, {"b.eml": _message(datetime(2025, 12, 10, 2, tzinfo=timezone.utc), GMAIL,
                                                        unnamed_2025, 2025)})
    with app.sessions() as session:
        later = session.scalars(select(Submission).where(Submission.campaign == "tk2025")).one()
        assert (later.unit_registry, later.unit, later.state) == ("vn34", "19", SubmissionState.ACCEPTED), later.evidence
        assert later.sender_check == SenderCheck.KNOWN and not later.unverified_sender
        assert any("learned address of 19" in line for line in later.evidence)


def test_an_absorbed_provinces_old_domain_reports_for_its_successor(make_app, tmp_path):
    folder = tmp_path / "eml"
    folder.mkdir()
    report = report_docx("Tuyên Quang", 2025, pages=1, office=SO_NOI_VU, signer="Phạm Hà Giang",
                         notes=("Trên địa bàn tỉnh Hà Giang (cũ), tỷ lệ hộ nghèo giảm 4,2%.",))
    app = _deliver(make_app, folder, {"a.eml": _message(datetime(2025, 12, 10, 2, tzinfo=timezone.utc),
                                                        "Sở Nội vụ <vanthu.snv@hagiang.gov.vn>", report, 2025)})
    submission = _submissions(app)["vanthu.snv@hagiang.gov.vn"]
    assert (submission.unit_registry, submission.unit, submission.campaign, submission.state) == (
        "vn34", "08", "tk2025", SubmissionState.ACCEPTED)
    assert submission.sender_check == SenderCheck.KNOWN
    assert any("sender domain hagiang.gov.vn → 08 (vn63 02 Hà Giang → vn34 08 Tuyên Quang)" in line
               for line in submission.evidence)
    assert not any("signature" in line for line in submission.evidence)
