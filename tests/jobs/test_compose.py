"""E-mails from templates: the shipped ones render, a planner's copy replaces one, a broken one
is named, and the message is well formed (RFC 2047 subject, quoted-printable UTF-8 body,
threading and RFC 3834 headers)."""

from __future__ import annotations

import email
from datetime import date, datetime, timezone
from email import policy

import pytest

from jobs.mail.compose import Draft, Templates, build_message, new_message_id
from parsers.outline import OutlineItem
from reportbox.errors import ConfigError

VARIABLES = {
    "unit": {"code": "22", "name": "Quảng Ninh", "full_name": "Tỉnh Quảng Ninh"},
    "campaign": {"id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "title": "Đánh giá năm 2019", "report_year": 2019,
                 "plan_year": 2020, "issued": date(2019, 11, 25), "deadline": None},
    "deadline": datetime(2019, 12, 15, 16, 59, 59, tzinfo=timezone.utc), "extended": False,
    "as_of": datetime(2019, 12, 10, 1, 30, tzinfo=timezone.utc), "days_left": 5, "days_overdue": 0,
    "outline": [OutlineItem("results", "1a", "Kết quả năm 2019"), OutlineItem("proposals", "2b", "Kiến nghị")],
    "sections": ["Kết quả năm 2019", "Kiến nghị"], "step": "before-5", "escalated": False, "cc": [],
    "mailbox": "phongkh@molisa.gov.vn", "addressee": "Sở Lao động - Thương binh và Xã hội", "contact": "",
    "signature": "Phòng KH-TC", "unreadable_files": [],
}


def test_the_shipped_reminder_renders_in_vietnamese():
    draft = Templates().render("reminder_before.j2", VARIABLES)
    assert draft.subject == "Nhắc gửi báo cáo theo Công văn số 5025/LĐTBXH-KHTC (hạn 15/12/2019)"
    assert draft.body.startswith("Kính gửi: Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh\n")
    assert "đến 08:30 ngày 10/12/2019" in draft.body
    assert "gồm các nội dung:\n  1a) Kết quả năm 2019\n  2b) Kiến nghị\n\n" in draft.body  # one per line
    assert "liên hệ" not in draft.body  # no contact configured: the line is left out


REASONS = {"encrypted": "không đặt mật khẩu", "corrupt": "lưu lại rồi gửi lại", "needs_ocr": "PDF có chữ",
           "ocr_failed": "bản quét (ảnh chụp) mà hệ thống không nhận dạng được chữ",
           "conversion_failed": "Word (.docx) hoặc PDF có chữ", "timeout": "hệ thống chưa đọc kịp tệp này",
           "too_large": "tách thành nhiều tệp", "unsupported": "Word (.docx, .doc) hoặc PDF"}


def test_the_shipped_resend_request_names_each_file_with_what_to_do():
    files = [{"name": f"tep-{reason}.pdf", "reason": reason} for reason in REASONS]
    draft = Templates().render("resend_request.j2", {**VARIABLES, "files": files, "subject": "Báo cáo năm 2019",
                                                     "received_at": datetime(2019, 12, 10, 2, tzinfo=timezone.utc)})
    assert draft.subject == "Đề nghị gửi lại báo cáo: không đọc được tệp đính kèm (Công văn số 5025/LĐTBXH-KHTC)"
    lines = [line for line in draft.body.splitlines() if line.startswith("  - ")]
    assert [line.split(":")[0] for line in lines] == [f"  - tep-{reason}.pdf" for reason in REASONS]  # one a line
    assert all(advice in line for line, advice in zip(lines, REASONS.values()))
    assert 'đã nhận thư "Báo cáo năm 2019" lúc 09:00 ngày 10/12/2019' in draft.body
    nobody = Templates().render("resend_request.j2", {**VARIABLES, "files": files[:1], "subject": "x", "unit": None,
                                                      "campaign": None, "deadline": None,
                                                      "received_at": datetime(2019, 12, 10, 2, tzinfo=timezone.utc)})
    assert nobody.body.startswith("Kính gửi: Quý cơ quan\n") and "Công văn" not in nobody.subject + nobody.body


@pytest.mark.parametrize("template", ["reminder_before.j2", "reminder_after.j2"])
def test_a_reminder_says_which_file_of_the_report_sent_could_not_be_read(template):
    plain = Templates().render(template, VARIABLES).body
    told = Templates().render(template, {**VARIABLES, "unreadable_files": [
        {"name": "Bao cao.pdf", "reason": "encrypted"}]}).body
    assert "Bao cao.pdf" not in plain and "xin bỏ qua thư này" in plain
    assert "  - Bao cao.pdf: tệp có đặt mật khẩu nên không mở được; đề nghị gửi lại bản không đặt mật khẩu.\n" in told
    assert "chưa nhận được bản báo cáo đọc được của" in told and "xin bỏ qua thư này" not in told
    assert "chưa nhận được báo cáo của Quý cơ quan" in plain


def test_a_planners_copy_replaces_the_shipped_template(tmp_path):
    (tmp_path / "reminder_before.j2").write_text(
        "{% block subject %}Hạn {{ deadline | vn_date }}{% endblock %}{% block body %}Gửi {{ unit.name }}{% endblock %}",
        encoding="utf-8")
    templates = Templates(tmp_path)
    assert templates.render("reminder_before.j2", VARIABLES) == Draft("Hạn 15/12/2019", "Gửi Quảng Ninh\n")
    assert templates.render("reminder_after.j2", {**VARIABLES, "days_overdue": 2}).subject.endswith("2 ngày)")


def test_a_planners_copy_written_for_the_bare_titles_still_renders(tmp_path):
    (tmp_path / "reminder_before.j2").write_text(
        "{% block subject %}x{% endblock %}{% block body %}{% for title in sections %}- {{ title }}\n{% endfor %}"
        "{% endblock %}", encoding="utf-8")
    assert Templates(tmp_path).render("reminder_before.j2", VARIABLES).body == "- Kết quả năm 2019\n- Kiến nghị\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("{% block subject %}{{ unit.nmae }}{% endblock %}{% block body %}x{% endblock %}", "nmae"),
    ("{% block subject %}{% if %}{% endblock %}", "line 1"),
    ("{% block body %}x{% endblock %}", "has no {% block subject %}"),
])
def test_a_broken_template_names_its_file_and_fault(tmp_path, text, expected):
    (tmp_path / "receipt.j2").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Templates(tmp_path).render("receipt.j2", VARIABLES)
    assert "receipt.j2" in str(caught.value) and expected in str(caught.value)


def test_the_message_is_well_formed():
    message_id = new_message_id("reminder", "Phòng KH <phongkh@molisa.gov.vn>")
    recipients = [f"sldtbxh{n}@tinh{n}.gov.vn" for n in range(12)]
    raw = build_message(Draft("Nhắc gửi báo cáo năm 2019 — hạn cuối 15/12/2019, đề nghị khẩn trương", "Dòng một.\n"
                              ".dòng bắt đầu bằng dấu chấm\n" + "rất dài " * 40 + "\n"),
                        mail_from="Phòng KH <phongkh@molisa.gov.vn>", to=recipients, cc=["ubnd@qn.gov.vn"],
                        message_id=message_id, date=datetime(2019, 12, 10, 1, 0, tzinfo=timezone.utc),
                        replying_to=["<a@x>", "<b@y>"])
    head = raw.split(b"\r\n\r\n")[0].decode("ascii")  # every header is ASCII on the wire
    assert all(len(line) <= 78 for line in head.split("\r\n"))
    assert f"\r\nMessage-ID: {message_id}\r\n" in head  # never folded
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Nhắc gửi báo cáo năm 2019 — hạn cuối 15/12/2019, đề nghị khẩn trương"
    assert parsed["Date"] == "Tue, 10 Dec 2019 08:00:00 +0700"
    assert parsed["In-Reply-To"] == "<b@y>" and parsed["References"] == "<a@x> <b@y>"
    assert parsed["Auto-Submitted"] == "auto-generated" and parsed["Content-Language"] == "vi"
    assert [a.addr_spec for a in parsed["To"].addresses] == recipients
    assert parsed["Content-Transfer-Encoding"] == "quoted-printable"
    assert parsed.get_content().replace("\r\n", "\n").startswith("Dòng một.\n.dòng bắt đầu")
    assert message_id.startswith("<") and message_id.endswith("@molisa.gov.vn>")
    assert new_message_id("reminder", "x@molisa.gov.vn") != new_message_id("reminder", "x@molisa.gov.vn")
