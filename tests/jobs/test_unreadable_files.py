"""Which files make a report unreadable, end to end (Dovecot → daemon → SMTP fixture): only a file of the
report its sender can fix by sending it again, and only when no report was read beside it.

- A covering letter read beside a password-protected report is no report: the unit is flagged, the
  sender asked for the report, and no receipt counts it on time.
- What mail programs add (an S/MIME signature, Outlook's winmail.dat, a contact card) is no file of
  the report: a report beside them, or written in the body, is counted, confirmed, asked for nothing.
- A scan we did not OCR (OCR switched off here) is ours to fix: the report waits in review, its sender
  is asked for nothing, a reviewer's decision counts it, and a receipt never names the scan.
- A scan OCR ran on and found no text in is the sender's to fix: asked for as a PDF with text.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from sqlalchemy import select

from models.review import ASSIGN, decide
from models.schema import Document, OutboxKind, Submission, SubmissionState
from models.status import ON_TIME, PENDING
from reportbox.sample_documents import report_docx
from tests.ingest.conftest import imap_settings  # noqa: F401
from tests.jobs.reminder_setup import make_app
from tests.jobs.test_receipts import CAMPAIGN, DOCX, QUANG_NINH, receipts, run_daemon_once
from tests.jobs.test_resend_requests import HA_NOI, PDF, delivered_to, mail, outbox_of, unit_status
from tests.parsers.documents.pdf_fixtures import encrypted_pdf, scanned_pdf, text_image
from tests.servers.availability import require_tool

SIGNATURE = (b"0\x82\x05\x10\x06\t*\x86H\x86\xf7\r\x01\x07\x02" + bytes(300), ("application", "pkcs7-signature"),
             "smime.p7s")
WINMAIL = (b"\x78\x9f\x3e\x22\x01\x00" + bytes(300), ("application", "ms-tnef"), "winmail.dat")
CARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nguyễn Văn An\r\nTEL:0203 3835 123\r\nEND:VCARD\r\n".encode(),
        ("text", "vcard"), "Nguyen Van An.vcf")
# A report written in the e-mail itself (parsers.identify: long enough, and saying "báo cáo").
BODY_REPORT = "Kính gửi Bộ Nội vụ.\n\nBÁO CÁO đánh giá tình hình thực hiện năm 2026 của tỉnh Quảng Ninh.\n\n" + (
    "\n".join(
    f"{n}. Năm 2026, tỉnh đã triển khai đồng bộ các nhiệm vụ được giao, kết quả đạt {80 + n}% kế hoạch; "
    "còn một số hạn chế về nguồn lực, sẽ khắc phục trong năm tới." for n in range(1, 16)))


def covering_letter(province: str) -> bytes:
    """A công văn sending the report along ("V/v gửi báo cáo …", citing the campaign's letter), alone in its file."""
    from docx import Document as Docx

    document = Docx()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = f"UBND TỈNH {province.upper()}\nSỞ NỘI VỤ"
    header.cell(0, 1).text = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số: 1234/SNV-VP\nV/v gửi báo cáo đánh giá tình hình thực hiện năm 2026"
    header.cell(1, 1).text = f"{province}, ngày 5 tháng 12 năm 2026"
    document.add_paragraph("Kính gửi: Bộ Nội vụ")
    document.add_paragraph(f"Thực hiện Công văn số 4321/BNV-KHTC của Bộ Nội vụ, Sở Nội vụ tỉnh {province} gửi kèm "
                           "theo công văn này báo cáo đánh giá tình hình thực hiện năm 2026.")
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Như trên;\n- Lưu: VT.")
    document.add_paragraph("GIÁM ĐỐC")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def readable(province: str, seed: int = 3):
    return report_docx(province, 2026, pages=1, seed=seed), DOCX, "Bao cao 2026.docx"


def documents_of(app, sender: str) -> list[tuple[str, str | None]]:
    with app.sessions() as session:
        raw_id = session.scalars(select(Submission.raw_message_id).where(Submission.sender == sender)).one()
        return [(d.path, d.error) for d in session.scalars(
            select(Document).where(Document.raw_message_id == raw_id).order_by(Document.position))]


def the_app(tmp_path, smtp_server, imap_settings, **documents):  # noqa: F811
    return make_app(tmp_path, f"sqlite:///{tmp_path / 'rb.db'}", smtp_server, campaign=CAMPAIGN,
                    mailbox=[imap_settings()], documents=documents)


@pytest.fixture
def setup(tmp_path, imap_account, imap_settings, smtp_server):  # noqa: F811
    app = the_app(tmp_path, smtp_server, imap_settings)
    yield app, imap_account, smtp_server
    app.close()


def test_a_covering_letter_read_beside_a_locked_report_makes_no_readable_report(setup):
    app, account, smtp = setup
    letter = (covering_letter("Quảng Ninh"), DOCX, "Cong van gui bao cao.docx")
    account.append(mail(QUANG_NINH, "Quảng Ninh", [letter, CARD, (encrypted_pdf("mat-khau"), PDF, "Bao cao 2026.pdf")]),
                   internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
    run_daemon_once(app)
    unit = unit_status(app, "22")
    assert (unit.status, [f.describe() for f in unit.unreadable]) == (PENDING, ["Bao cao 2026.pdf (encrypted)"])
    [request] = delivered_to(smtp, "vanphong.snv@quangninh.gov.vn")
    body = request.get_content()
    assert "  - Bao cao 2026.pdf: tệp có đặt mật khẩu" in body
    assert "Cong van gui bao cao.docx" not in body and ".vcf" not in body  # only the file to send again
    assert receipts(app) == []  # not counted, so not confirmed on time
    assert [path for path, _ in documents_of(app, "vanphong.snv@quangninh.gov.vn")] == [
        "Cong van gui bao cao.docx", "Bao cao 2026.pdf"]  # the card is no file of the report


def test_signatures_and_winmail_dat_are_no_files_of_the_report(setup):
    app, account, smtp = setup
    now = datetime.now(timezone.utc)
    # Hà Nội: its report read, signed with S/MIME from Outlook. Quảng Ninh: a report written in the body.
    account.append(mail(HA_NOI, "Hà Nội", [readable("Hà Nội"), SIGNATURE, WINMAIL]),
                   internaldate=now - timedelta(hours=2))
    account.append(mail(QUANG_NINH, "Quảng Ninh", [SIGNATURE, WINMAIL], body=BODY_REPORT),
                   internaldate=now - timedelta(hours=1))
    run_daemon_once(app)
    assert outbox_of(app, OutboxKind.RESEND_REQUEST) == []
    assert not unit_status(app, "01").unreadable and not unit_status(app, "22").unreadable
    [receipt] = delivered_to(smtp, "snv@hanoi.gov.vn")
    text = receipt.get_content()
    assert "Không đọc được các tệp sau" not in text and "winmail.dat:" not in text
    # The signature is no document; winmail.dat is one, to be seen, saying what it is.
    assert documents_of(app, "snv@hanoi.gov.vn") == [("Bao cao 2026.docx", None), ("winmail.dat", "unsupported")]
    assert unit_status(app, "01").status == ON_TIME


def test_a_scan_not_ocrd_here_waits_in_review_and_nobody_is_asked(tmp_path, imap_account, imap_settings,  # noqa: F811
                                                                  smtp_server):
    app = the_app(tmp_path, smtp_server, imap_settings, ocr=False)  # as without tesseract-ocr-vie
    try:
        now = datetime.now(timezone.utc)
        scan = (scanned_pdf([text_image()]), PDF, "Bao cao 2026 (ban ky).pdf")
        # Quảng Ninh: the signed, stamped scan is the only file. Hà Nội: a Word report and its signed scan.
        imap_account.append(mail(QUANG_NINH, "Quảng Ninh", [scan]), internaldate=now - timedelta(hours=2))
        imap_account.append(mail(HA_NOI, "Hà Nội", [readable("Hà Nội"), scan]), internaldate=now - timedelta(hours=1))
        run_daemon_once(app)
        assert outbox_of(app, OutboxKind.RESEND_REQUEST) == []
        assert delivered_to(smtp_server, "vanphong.snv@quangninh.gov.vn") == []
        with app.sessions() as session:
            scanned = session.scalars(select(Submission).where(
                Submission.sender == "vanphong.snv@quangninh.gov.vn")).one()
            assert scanned.state == SubmissionState.NEEDS_REVIEW
            assert any("needs_ocr" in line for line in scanned.evidence)
        unit = unit_status(app, "22")
        assert (unit.status, unit.unreadable, unit.needs_review) == (PENDING, (), 1)  # in review: holds reminders
        [receipt] = delivered_to(smtp_server, "snv@hanoi.gov.vn")
        assert "Không đọc được các tệp sau" not in receipt.get_content()  # the scan is ours to read, no annex

        with app.sessions.begin() as session:  # a reviewer reads the scan and accepts it
            decide(session, scanned.id, ASSIGN, unit="22", campaign="tk2026", reason="bản ký, đúng báo cáo",
                   decided_by="lan")
        unit = unit_status(app, "22")
        assert (unit.status, unit.unreadable, unit.needs_review) == (ON_TIME, (), 0)
        run_daemon_once(app)
        assert outbox_of(app, OutboxKind.RESEND_REQUEST) == []
    finally:
        app.close()


def test_a_scan_ocr_finds_no_text_in_is_asked_for_as_a_pdf_with_text(setup):
    require_tool("tesseract", "to OCR a blank scan")
    app, account, smtp = setup
    blank = scanned_pdf([Image.new("L", (1240, 1754), 255)], dpi=150)
    account.append(mail(QUANG_NINH, "Quảng Ninh", [(blank, PDF, "Bao cao 2026.pdf")]),
                   internaldate=datetime.now(timezone.utc) - timedelta(hours=1))
    run_daemon_once(app)
    assert [f.describe() for f in unit_status(app, "22").unreadable] == ["Bao cao 2026.pdf (ocr_failed)"]
    [request] = delivered_to(smtp, "vanphong.snv@quangninh.gov.vn")
    assert ("  - Bao cao 2026.pdf: tệp là bản quét (ảnh chụp) mà hệ thống không nhận dạng được chữ; "
            "đề nghị gửi kèm bản PDF có chữ") in request.get_content()
