"""A Sở Y tế's report through the real pipeline (an .eml folder polled into the database): counted for
its province under a campaign whose letter addressed the Sở Y tế too, filed as the province's other
report under one that addressed only the Sở Nội vụ (Decree 45/2025/NĐ-CP moved social protection and
children to the Sở Y tế). The Sở Nội vụ's and the Sở Y tế's reports of one province make one version;
each department's correction supersedes only that department's earlier report."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

import docx
import pytest
from sqlalchemy import select

from jobs.poll import poll
from models.schema import MessageLocation, Submission
from models.status import campaign_status
from reportbox import sample_letters
from reportbox.sample_documents import report_docx
from tests.ingest.conftest import db_url, make_app, sources_of  # noqa: F401

DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
CAMPAIGN = {"id": "tk2026", "letter": sample_letters.NUMBER, "title": "Đánh giá tình hình thực hiện năm 2026",
            "subject": sample_letters.SUBJECT, "report_year": 2026, "plan_year": 2027,
            "issued": sample_letters.ISSUED.isoformat(), "deadline": sample_letters.DEADLINE.isoformat()}
FIRST_DAY = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)
AFTER_DEADLINE = datetime(2026, 12, 20, tzinfo=timezone.utc)
NGHE_AN, HA_TINH = "40", "42"
GENERAL = "Kết quả thực hiện nhiệm vụ năm 2026, kế hoạch năm 2027"
SOCIAL_PROTECTION = "Kết quả thực hiện nhiệm vụ năm 2026 lĩnh vực bảo trợ xã hội, trẻ em; kế hoạch năm 2027"
# name → (province, its mail domain, department's letterhead line, number's symbol, mailbox, title, day)
MAILS = {
    "1-nghean-syt.eml": ("Nghệ An", "nghean", "SỞ Y TẾ", "SYT", "syt", GENERAL, 1),
    "2-nghean-snv.eml": ("Nghệ An", "nghean", "SỞ NỘI VỤ", "SNV", "snv", GENERAL, 2),
    "3-hatinh-syt.eml": ("Hà Tĩnh", "hatinh", "SỞ Y TẾ", "SYT", "soyte", SOCIAL_PROTECTION, 3),
}


def _report(province: str, department: str, symbol: str, title: str, seed: int) -> bytes:
    """A sample report with the department's letterhead, number and title in place of the Sở LĐTBXH's."""
    document = docx.Document(io.BytesIO(report_docx(province, 2026, pages=1, seed=seed)))
    head = document.tables[0]
    head.cell(0, 0).text = f"UBND TỈNH {province.upper()}\n{department}"
    head.cell(1, 0).text = f"Số: {300 + seed}/BC-{symbol}"
    head.cell(1, 1).text = f"{province}, ngày {9 + seed} tháng 12 năm 2026"
    heading = next(p for p in document.paragraphs if p.text.startswith("Kết quả thực hiện nhiệm vụ"))
    heading.runs[0].text = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _mail(province: str, domain: str, department: str, symbol: str, mailbox: str, title: str, day: int) -> bytes:
    received = FIRST_DAY + timedelta(days=day)
    message = EmailMessage()
    message["Received"] = f"from mx.{domain}.gov.vn by mx.moha.gov.vn; {format_datetime(received)}"
    message["From"] = f"{department.title()} {province} <{mailbox}@{domain}.gov.vn>"
    message["To"] = sample_letters.MAILBOX
    message["Subject"] = f"Báo cáo năm 2026 theo Công văn số {sample_letters.NUMBER}"
    message["Date"] = format_datetime(received)
    message.set_content("Kính gửi Vụ Kế hoạch - Tài chính, Bộ Nội vụ.")
    message.add_attachment(_report(province, department, symbol, title, day), maintype=DOCX[0], subtype=DOCX[1],
                           filename=f"BC {symbol} {domain} 2026.docx")
    return message.as_bytes(policy=policy.SMTP)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "eml"
    path.mkdir()
    for name, mail in MAILS.items():
        (path / name).write_bytes(_mail(*mail))
    return path


def _polled(make_app, folder, departments):  # noqa: F811
    campaign = CAMPAIGN | ({"departments": departments} if departments else {})
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}], campaign=[campaign])
    poll(app, sources_of(app))
    with app.sessions() as session:
        rows = session.execute(select(MessageLocation.source_key, Submission).join(
            Submission, Submission.raw_message_id == MessageLocation.raw_message_id)).all()
        submissions = {key.rsplit("/", 1)[-1]: row for key, row in rows}
        for row in submissions.values():
            session.expunge(row)
        status = {unit.unit: unit for unit in campaign_status(session, "tk2026", as_of=AFTER_DEADLINE).units}
    return submissions, status


def test_a_campaign_that_addressed_the_so_y_te_counts_its_reports(make_app, folder):  # noqa: F811
    submissions, status = _polled(make_app, folder, ["Sở Nội vụ", "Sở Y tế"])
    health, interior, programme = (submissions[name] for name in MAILS)
    for row in (health, interior, programme):
        assert (row.campaign, row.state) == ("tk2026", "accepted"), row.evidence
    assert health.unit == interior.unit == NGHE_AN and programme.unit == HA_TINH
    assert 'BC SYT nghean 2026.docx: department Sở Y tế (letterhead "SỞ Y TẾ") → addressed by tk2026\'s letter ' \
           "too: part of the unit's answer with Sở Nội vụ's" in health.evidence
    assert health.kind == "continuation" and interior.kind == "report"
    # The part is marked by a stable code, the department's key (not by the text of `continuation`).
    assert (health.department_part, health.continuation, interior.department_part) == ("y_te", None, None)
    # The Sở Nội vụ's report after the Sở Y tế's: one version, the lead's report first, neither superseded.
    assert health.joined_to == interior.id and health.superseded_by is None and status[NGHE_AN].versions == 1
    # The Sở Nội vụ's report decides: on time from its day (2), not the Sở Y tế's (1).
    assert status[NGHE_AN].status == "on_time" and status[NGHE_AN].received_at == FIRST_DAY + timedelta(days=2)
    assert [(p.department, p.submission) for p in status[NGHE_AN].department_parts] == [("y_te", health.id)]
    # A title on the Sở Y tế's fields ("bảo trợ xã hội, trẻ em") answers a letter that addressed it: a part of
    # Hà Tĩnh's answer, whose Sở Nội vụ's report has not come: missing, with the part noted.
    assert programme.kind == "continuation" and status[HA_TINH].status == "missing"
    assert [p.name for p in status[HA_TINH].department_parts] == ["Sở Y tế"]


def test_a_campaign_that_did_not_address_it_files_them_as_other_reports(make_app, folder):  # noqa: F811
    submissions, status = _polled(make_app, folder, None)  # the default: the Sở Nội vụ (and Sở LĐTBXH)
    health, interior, programme = (submissions[name] for name in MAILS)
    assert (health.unit, health.campaign, health.kind, health.state) == (NGHE_AN, None, "other_report", "accepted")
    assert 'BC SYT nghean 2026.docx: department Sở Y tế (letterhead "SỞ Y TẾ") → not addressed by tk2026\'s ' \
           'letter (departments: Sở Nội vụ, Sở Lao động - Thương binh và Xã hội) → other_report' in health.evidence
    assert (interior.campaign, interior.kind, interior.state) == ("tk2026", "report", "accepted")
    assert health.department_part is None and programme.department_part is None
    assert (programme.unit, programme.campaign, programme.kind) == (HA_TINH, None, "other_report")
    assert status[NGHE_AN].status == "on_time" and status[NGHE_AN].submission == interior.id
    assert status[HA_TINH].status == "missing"


def _two_departments_mail(province: str, domain: str, health_first: bool) -> bytes:
    """The Sở Nội vụ's mail carrying the Sở Y tế's report beside its own, in the order given."""
    message = EmailMessage()
    received = FIRST_DAY + timedelta(days=2)
    message["From"] = f"Sở Nội vụ {province} <snv@{domain}.gov.vn>"
    message["To"] = sample_letters.MAILBOX
    message["Subject"] = f"Báo cáo năm 2026 theo Công văn số {sample_letters.NUMBER}"
    message["Date"] = format_datetime(received)
    message.set_content("Kính gửi Vụ Kế hoạch - Tài chính, Bộ Nội vụ.")
    files = [("1 BC SYT.docx", _report(province, "SỞ Y TẾ", "SYT", GENERAL, 4)),
             ("2 BC SNV.docx", _report(province, "SỞ NỘI VỤ", "SNV", GENERAL, 5))]
    for name, content in files if health_first else files[::-1]:
        message.add_attachment(content, maintype=DOCX[0], subtype=DOCX[1], filename=name)
    return message.as_bytes(policy=policy.SMTP)


@pytest.mark.parametrize("departments", [None, ["Sở Nội vụ", "Sở Y tế"]], ids=["interior", "interior+health"])
def test_the_so_noi_vu_s_mail_with_the_so_y_te_s_report_first_counts_as_its_answer(make_app, tmp_path,
                                                                                   departments):  # noqa: F811
    # Which attachment comes first decides nothing: every report part's department is judged.
    path = tmp_path / "eml"
    path.mkdir()
    (path / "nghean.eml").write_bytes(_two_departments_mail("Nghệ An", "nghean", health_first=True))
    (path / "hatinh.eml").write_bytes(_two_departments_mail("Hà Tĩnh", "hatinh", health_first=False))
    submissions, status = _polled(make_app, path, departments)
    for name, code in (("nghean.eml", NGHE_AN), ("hatinh.eml", HA_TINH)):
        row = submissions[name]
        assert (row.unit, row.campaign, row.kind, row.state) == (code, "tk2026", "report", "accepted"), row.evidence
        lines = "\n".join(row.evidence)
        assert '2 BC SNV.docx: department Sở Nội vụ (letterhead "SỞ NỘI VỤ") → addressed by tk2026' in lines
        assert '1 BC SYT.docx: department Sở Y tế (letterhead "SỞ Y TẾ")' in lines
        assert status[code].status == "on_time" and status[code].submission == row.id


def test_each_department_s_correction_supersedes_only_its_own(make_app, folder):  # noqa: F811
    """Nghệ An's Sở Nội vụ sends its report again (day 4), then its Sở Y tế its part again (day 5)."""
    corrected = {"4-nghean-snv-again.eml": ("Nghệ An", "nghean", "SỞ NỘI VỤ", "SNV", "snv", GENERAL, 4),
                 "5-nghean-syt-again.eml": ("Nghệ An", "nghean", "SỞ Y TẾ", "SYT", "syt", GENERAL, 5)}
    for name, mail in corrected.items():
        (folder / name).write_bytes(_mail(*mail))
    submissions, status = _polled(make_app, folder, ["Sở Nội vụ", "Sở Y tế"])
    health, interior, _, interior2, health2 = (submissions[name] for name in [*MAILS, *corrected])
    assert [(row.department_part, row.state) for row in (health, interior, interior2, health2)] == [
        ("y_te", "superseded"), (None, "superseded"), (None, "accepted"), ("y_te", "accepted")]
    assert health2.joined_to == interior2.id and health.superseded_by == interior.superseded_by == interior2.id
    nghe_an = status[NGHE_AN]
    assert nghe_an.latest_submissions == (interior2.id, health2.id) and nghe_an.versions == 3
    assert nghe_an.status == "on_time" and nghe_an.received_at == FIRST_DAY + timedelta(days=2)
