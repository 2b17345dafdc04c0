"""Attachments through the whole pipeline: read, split into sections, stored, replaced on reprocess."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date, datetime, timezone
from email import policy
from email.message import EmailMessage

from PIL import Image
from sqlalchemy import select, update

from jobs.poll import poll
from models import messages as q
from models.schema import Document, MessageState, RawMessage, Section, Submission
from reportbox import samples
from reportbox.sample_documents import report_docx
from tests.ingest.conftest import count, sources_of, states
from tests.parsers.documents.word_fixtures import zip_bytes

OUTLINE = ["results", "policies", "shortcomings", "plan", "proposals"]


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "PNG")
    return out.getvalue()


def _message(subject: str, attachments: list[tuple[bytes, str, str, str]], body: str = "Kính gửi Bộ.",
             sender: str = "Sở LĐTBXH Quảng Ninh <vanphong.sldtbxh@quangninh.gov.vn>") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = samples.MINISTRY
    message["Subject"] = subject
    message.set_content(body)
    for data, maintype, subtype, filename in attachments:
        disposition = "inline" if maintype == "image" else "attachment"
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename, disposition=disposition)
    return message.as_bytes(policy=policy.SMTP)


def _app(make_app, tmp_path, messages: dict[str, bytes]):
    folder = tmp_path / "eml"
    folder.mkdir()
    for name, raw in messages.items():
        (folder / name).write_bytes(raw)
    return make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}])


def test_archive_of_reports_is_read_member_by_member_with_sections(make_app, tmp_path):
    report = report_docx("Quảng Ninh", 2019, pages=3)
    archive = zip_bytes({"Quảng Ninh/Báo cáo năm 2019.docx": report,
                    "phu-luc.zip": zip_bytes({"ghi-chu.txt": "Phụ lục số liệu năm 2019".encode()})})
    raw = _message("Báo cáo năm 2019", [
        (archive, "application", "zip", "bao-cao.zip"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "application", "pdf", "hong.pdf"),  # truncated
        (_logo(), "image", "png", "logo.png"),  # an e-mail client's inline logo: not a document
    ])
    app = _app(make_app, tmp_path, {"1.eml": raw, "2.eml": _message("Chào anh", [])})
    poll(app, sources_of(app))
    assert states(app) == {MessageState.SUBMISSION: 1, MessageState.IGNORED: 1}
    with app.sessions() as session:  # a message that is no report is kept, and says why
        assert session.get(RawMessage, 2).reason == "no_documents"
    with app.sessions() as session:
        documents = list(session.scalars(select(Document).order_by(Document.position)))
        assert [(d.path, d.kind, d.parent_position) for d in documents] == [
            ("bao-cao.zip", "zip", None),
            ("bao-cao.zip/Quảng Ninh/Báo cáo năm 2019.docx", "docx", 0),
            ("bao-cao.zip/phu-luc.zip", "zip", 0),
            ("bao-cao.zip/phu-luc.zip/ghi-chu.txt", "text", 2),
            ("hong.pdf", "pdf", None),
        ]
        docx = documents[1]
        assert docx.role == "report" and docx.reason is None and docx.error is None
        assert docx.letterhead["number"].endswith("/BC-SLĐTBXH") and docx.letterhead["place"] == "Quảng Ninh"
        sections = {s.key: s for s in docx.sections}
        assert list(sections) == OUTLINE
        assert "giải quyết việc làm" in sections["results"].text or sections["results"].tables
        assert any(row[1] == "Chỉ tiêu" for table in sections["results"].tables for row in table)
        assert "Nơi nhận" not in sections["proposals"].text  # the closing is kept apart
        broken = documents[4]
        assert broken.error == "corrupt" and broken.detail and broken.blocks == []
        assert documents[3].reason == "no_sections" and documents[3].blocks[0]["text"].startswith("Phụ lục")
        [submission] = session.scalars(select(Submission))
        assert submission.sections == OUTLINE and submission.state == "needs_review"


def _one_report_polled(make_app, tmp_path):
    raw = _message("Báo cáo", [(report_docx("Cà Mau", 2019, pages=2), "application",
                                "vnd.openxmlformats-officedocument.wordprocessingml.document", "bc.docx")])
    app = _app(make_app, tmp_path, {"1.eml": raw})
    poll(app, sources_of(app))
    return app, _results(app)


def _results(app) -> tuple[int, int, int]:
    return count(app, Document), count(app, Section), count(app, Submission)


def test_reprocess_replaces_documents_and_sections_instead_of_adding(make_app, tmp_path):
    app, before = _one_report_polled(make_app, tmp_path)
    assert before[0] == 1 and before[1] == 5 and before[2] == 1
    for _ in range(2):
        with app.sessions.begin() as session:
            q.reset_for_reprocess(session, None)
        poll(app, sources_of(app))
        assert _results(app) == before
    assert states(app) == {MessageState.SUBMISSION: 1}


def test_a_message_queued_again_with_its_old_rows_still_there_is_recorded_afresh(make_app, tmp_path):
    """What a reprocess racing a processor leaves on PostgreSQL: the state reset, the rows not deleted."""
    app, before = _one_report_polled(make_app, tmp_path)
    with app.sessions.begin() as session:
        session.execute(update(RawMessage).values(state=MessageState.FETCHED))
    report = poll(app, sources_of(app))
    assert report.processed.parsed == 1 and report.processed.retry == 0
    assert _results(app) == before


def test_unreadable_files_are_recorded_with_their_reason_and_never_stop_the_message(make_app, tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\0" * (20 * 1024 * 1024))
    raw = _message("Báo cáo", [
        (bomb.getvalue(), "application", "zip", "bom.zip"),
        (b"\x00\x01garbage" * 100, "application", "vnd.ms-excel", "so-lieu.xls"),
        (b"PK\x03\x04" + b"\x00" * 60, "application", "zip", "cut.zip"),
    ])
    app = _app(make_app, tmp_path, {"1.eml": raw})
    poll(app, sources_of(app))
    assert states(app) == {MessageState.SUBMISSION: 1}
    with app.sessions() as session:
        rows = {d.path: d for d in session.scalars(select(Document))}
    assert rows["bom.zip/zeros.txt"].error == "too_large" and "packed size" in rows["bom.zip/zeros.txt"].detail
    assert rows["so-lieu.xls"].error in ("corrupt", "unsupported")
    assert rows["cut.zip"].error == "corrupt"
    assert all(row.detail for row in rows.values() if row.error)


TK2019 = {"id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "report_year": 2019, "plan_year": 2020,
          "title": "Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
          "issued": "2019-11-25", "deadline": "2019-12-15"}


def test_submissions_are_identified_with_unit_year_campaign_and_evidence(make_app, tmp_path):
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("unit,email,name\n66,chuyenvien.daklak@gmail.com,Chuyên viên Sở\n", encoding="utf-8")
    from_province = samples.report_message(samples.PROVINCES[1], sent=datetime(2019, 12, 10, 9, tzinfo=timezone.utc))
    webmail = _message("Báo cáo năm 2019", [(report_docx("Đắk Lắk", 2019, pages=2), "application",
                                            "vnd.openxmlformats-officedocument.wordprocessingml.document", "bc.docx")],
                       sender="Nguyễn Thị Lan <chuyenvien.daklak@gmail.com>")
    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / "1.eml").write_bytes(from_province)
    (folder / "2.eml").write_bytes(webmail)
    received = datetime(2019, 12, 10, 9, tzinfo=timezone.utc).timestamp()  # .eml files: the file's time
    for name in ("1.eml", "2.eml"):
        os.utime(folder / name, (received, received))
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}],
                   campaign=[{**TK2019, "issued": date(2019, 11, 25), "deadline": date(2019, 12, 15)}],
                   registry={"contacts": str(contacts)})
    poll(app, sources_of(app))
    with app.sessions() as session:
        rows = {s.unit: s for s in session.scalars(select(Submission))}
    assert set(rows) == {"22", "66"}
    for submission in rows.values():
        assert (submission.campaign, submission.report_year, submission.unit_registry) == ("tk2019", 2019, "vn63")
        assert submission.evidence and submission.confidence > 0
    assert any("gmail.com" in line for line in rows["66"].evidence)  # the known contact counted
    assert {s.state for s in rows.values()} == {"accepted"}, [s.evidence for s in rows.values()]
