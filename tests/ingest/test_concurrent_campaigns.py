"""Two campaigns over one mailbox, end to end: the 2017 and 2019 year-end reports (letters 5121 and
5025/LĐTBXH-KHTC) configured together, and the provinces' other reports of the same weeks.

One Maildir holds what the ministry's mailbox received from December 2017 to December 2019: the
2017 reports (on time, late, one sent two years late in December 2019), the 2019 reports (on time,
late), a half-year 2019 report from a province that never sends its year-end one, and the other
reports the same provinces sent in the same weeks (poverty reduction, children, vocational training,
a budget estimate), as .docx and .pdf. The real command line polls it, then says per campaign who is
on time, late or missing; each report must count for its own campaign only, the other reports for
none (kind `other_report`, no receipt), and nothing of one campaign may hold the other's reminders.

`PLAN` is the mailbox as data: each `Mail` says which campaign it must count for, so the expected
status of every unit follows from it (`EXPECTED`).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsers.registry import Unit, builtin
from reportbox import logs
from reportbox.cli import main
from reportbox.demo import department_address, issuer_of
from reportbox.sample_documents import docx_to_pdf, report_docx

VIETNAM = timezone(timedelta(hours=7))
MINISTRY = "phongkh@molisa.gov.vn"
LETTERS = Path(__file__).resolve().parents[1] / "data" / "letters"
UNITS = {unit.code: unit for unit in builtin("vn63").units}
HANOI, QUANGNINH, HAIPHONG, THANHHOA, NGHEAN, DANANG, DAKLAK = "01", "22", "31", "38", "40", "48", "66"
CITE_2017 = "Thực hiện Công văn số 5121/LĐTBXH-KHTC ngày 07/12/2017 của Bộ Lao động - Thương binh và Xã hội"
CITE_2019 = "Thực hiện Công văn số 5025/LĐTBXH-KHTC ngày 25/11/2019 của Bộ Lao động - Thương binh và Xã hội"

# tk2019 by hand, as the brief gives it; tk2017 is read from its letter by `reportbox campaign from-letter`.
TK2019 = """
[[campaign]]
id = "tk2019"
letter = "5025/LĐTBXH-KHTC"
title = "Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 lĩnh vực lao động, người có công và xã hội"
subject = "V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 lĩnh vực lao động, người có công và xã hội"
report_year = 2019
plan_year = 2020
issued = 2019-11-25
deadline = 2019-12-15
registry = "vn63"
"""


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM)


@dataclass(frozen=True)
class Mail:
    """One message of the mailbox and what it must count for."""

    key: str  # its Message-ID's local part
    unit: str
    received: datetime  # by the ministry's server: the top Received header and the file's time
    year: int  # the year its report is about
    campaign: str | None  # the campaign it must count for; None: counted for none
    subject: str
    body: str
    title: str | None = None  # None: reportbox.sample_documents.report_docx; else a report with this title
    filename: str = ""
    pdf: bool = False  # sent as PDF (converted by LibreOffice when installed, else the .docx goes)
    covering_letter: bool = False  # report_docx's covering letter, which cites 5025 (2019 reports only)
    review: bool = False  # with no campaign: a report no configured campaign asks for, waiting in review;
    # else another report of the unit (kind other_report, accepted, never counted)

    @property
    def kind(self) -> str:
        return "report" if self.campaign or self.review else "other_report"


def _name(code: str) -> str:
    return UNITS[code].name


PLAN: tuple[Mail, ...] = (
    # --- December 2017: the 2017 year-end reports (deadline 20/12/2017) and the others of those weeks.
    Mail("bc2017", HANOI, at(2017, 12, 15, 9, 12), 2017, "tk2017",
         f"V/v gửi báo cáo theo Công văn số 5121/LĐTBXH-KHTC - Sở LĐTBXH {_name(HANOI)}",
         f"{CITE_2017}, Sở gửi báo cáo đánh giá tình hình thực hiện năm 2017, nhiệm vụ, giải pháp năm 2018.",
         filename="BC nam 2017 - Ha Noi.docx"),
    Mail("bc2017", QUANGNINH, at(2017, 12, 18, 15, 40), 2017, "tk2017",
         "Báo cáo tổng kết công tác năm 2017 - Sở LĐTBXH Quảng Ninh",
         "Sở LĐTBXH Quảng Ninh gửi báo cáo tổng kết công tác năm 2017 (file đính kèm).",
         title="Tổng kết công tác năm 2017 và phương hướng, nhiệm vụ năm 2018",
         filename="Bao cao tong ket 2017.docx"),
    Mail("bc2017", THANHHOA, at(2017, 12, 20, 23, 41), 2017, "tk2017",  # 18 minutes to spare
         "Báo cáo tổng kết công tác năm 2017",
         "Kính gửi Vụ Kế hoạch - Tài chính, Sở gửi báo cáo tổng kết năm 2017.",
         title="Tổng kết công tác lao động, người có công và xã hội năm 2017; nhiệm vụ trọng tâm năm 2018",
         filename="BC tong ket nam 2017 - Thanh Hoa.docx"),
    Mail("bc2017", HAIPHONG, at(2017, 12, 22, 10, 5), 2017, "tk2017",  # two days late
         f"Báo cáo đánh giá tình hình thực hiện năm 2017 - Sở LĐTBXH {_name(HAIPHONG)}",
         f"{CITE_2017}, Sở gửi báo cáo (file đính kèm). Xin lỗi vì gửi chậm.",
         filename="BC 2017 So LDTBXH Hai Phong.docx", pdf=True),
    Mail("gdnn2017", HANOI, at(2017, 12, 12, 14, 3), 2017, None,
         "Báo cáo kết quả công tác giáo dục nghề nghiệp năm 2017 - Sở LĐTBXH Hà Nội",
         "Sở gửi báo cáo kết quả công tác giáo dục nghề nghiệp năm 2017.",
         title="Kết quả công tác giáo dục nghề nghiệp năm 2017; kế hoạch tuyển sinh năm 2018",
         filename="BC GDNN 2017.docx"),
    Mail("gn2017", QUANGNINH, at(2017, 12, 14, 8, 50), 2017, None,
         "Báo cáo kết quả thực hiện công tác giảm nghèo năm 2017",
         "Sở LĐTBXH Quảng Ninh gửi báo cáo kết quả thực hiện công tác giảm nghèo năm 2017.",
         title="Kết quả thực hiện công tác giảm nghèo năm 2017; phương hướng, nhiệm vụ năm 2018",
         filename="BC giam ngheo 2017.docx"),
    # 2018: Đà Nẵng's 2017 report, late by two and a half months.
    Mail("bc2017", DANANG, at(2018, 3, 5, 10, 20), 2017, "tk2017",
         f"Báo cáo năm 2017 theo Công văn số 5121/LĐTBXH-KHTC - Sở LĐTBXH {_name(DANANG)}",
         f"{CITE_2017}, Sở gửi báo cáo đánh giá tình hình thực hiện năm 2017 (gửi muộn).",
         filename="BC_KQ2017_KH2018_danang.docx"),
    # December 2018: Đắk Lắk's 2018 year-end report, which no configured campaign asks for: it waits in
    # review with no campaign (inside tk2017's window, of another year), and must hold no reminder.
    Mail("bc2018", DAKLAK, at(2018, 12, 12, 10, 30), 2018, None,
         f"Báo cáo kết quả thực hiện nhiệm vụ năm 2018, kế hoạch năm 2019 - Sở LĐTBXH {_name(DAKLAK)}",
         "Sở LĐTBXH Đắk Lắk gửi báo cáo kết quả thực hiện nhiệm vụ năm 2018 (file đính kèm).",
         filename="BC nam 2018 - Dak Lak.docx", review=True),
    # --- July 2019: a half-year report from a province that never sends its year-end report.
    Mail("6t2019", DAKLAK, at(2019, 7, 10, 9, 30), 2019, None,
         "Báo cáo sơ kết 6 tháng đầu năm 2019 - Sở LĐTBXH Đắk Lắk",
         "Sở LĐTBXH Đắk Lắk gửi báo cáo sơ kết công tác 6 tháng đầu năm 2019.",
         title="Sơ kết công tác 6 tháng đầu năm 2019; nhiệm vụ trọng tâm 6 tháng cuối năm 2019 lĩnh vực lao động, "
               "người có công và xã hội",
         filename="BC so ket 6 thang dau nam 2019.docx"),
    # --- December 2019: the 2019 year-end reports (deadline 15/12/2019) and the others of those weeks.
    Mail("dt2020", HAIPHONG, at(2019, 12, 3, 16, 10), 2019, None,
         "Báo cáo dự toán ngân sách nhà nước năm 2020 - Sở LĐTBXH Hải Phòng",
         "Sở gửi báo cáo thuyết minh dự toán ngân sách nhà nước năm 2020.",
         title="Thuyết minh dự toán ngân sách nhà nước năm 2020",
         filename="Du toan NSNN 2020.docx"),
    Mail("te2019", HANOI, at(2019, 12, 5, 10, 45), 2019, None,
         "Báo cáo công tác bảo vệ, chăm sóc trẻ em năm 2019 - Sở LĐTBXH Hà Nội",
         "Sở gửi báo cáo kết quả công tác bảo vệ, chăm sóc trẻ em năm 2019.",
         title="Kết quả thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2019; phương hướng, nhiệm vụ năm 2020",
         filename="BC tre em 2019.docx"),
    # Nghệ An sends its 2017 report, never sent then, and its 2019 report the next day.
    Mail("bc2017", NGHEAN, at(2019, 12, 9, 8, 15), 2017, "tk2017",
         "Gửi báo cáo năm 2017 theo Công văn số 5121/LĐTBXH-KHTC (gửi muộn)",
         "Sở LĐTBXH Nghệ An gửi báo cáo đánh giá tình hình thực hiện năm 2017 theo Công văn số "
         "5121/LĐTBXH-KHTC ngày 07/12/2017 của Bộ, do năm 2017 chưa gửi được qua thư điện tử.",
         filename="BC nam 2017 - Nghe An.docx"),
    Mail("bc2019", NGHEAN, at(2019, 12, 10, 14, 20), 2019, "tk2019",
         f"Báo cáo kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020 - Sở LĐTBXH {_name(NGHEAN)}",
         f"{CITE_2019}, Sở gửi báo cáo (file đính kèm).",
         filename="BC_KQ2019_KH2020_nghean.docx"),
    Mail("bc2019", HANOI, at(2019, 12, 10, 15, 2), 2019, "tk2019",
         "Sở LĐTBXH Hà Nội gửi báo cáo đánh giá năm 2019",
         "Kính gửi Vụ Kế hoạch - Tài chính, Sở gửi công văn và báo cáo (file đính kèm).",
         filename="BC 2019 So LDTBXH Ha Noi.docx", covering_letter=True),
    Mail("gn2019", QUANGNINH, at(2019, 12, 11, 9, 0), 2019, None,
         "Báo cáo kết quả thực hiện công tác giảm nghèo năm 2019",
         "Sở LĐTBXH Quảng Ninh gửi báo cáo kết quả thực hiện công tác giảm nghèo năm 2019.",
         title="Kết quả thực hiện công tác giảm nghèo năm 2019; phương hướng, nhiệm vụ năm 2020",
         filename="BC giam ngheo 2019.pdf", pdf=True),
    Mail("bc2019", QUANGNINH, at(2019, 12, 12, 9, 14), 2019, "tk2019",
         "V/v gửi báo cáo theo Công văn số 5025/LĐTBXH-KHTC - Quảng Ninh",
         f"{CITE_2019}, Sở LĐTBXH Quảng Ninh gửi báo cáo đánh giá tình hình thực hiện năm 2019.",
         filename="Bao cao nam 2019 - Quang Ninh.docx"),
    Mail("gdnn2019", DANANG, at(2019, 12, 12, 16, 30), 2019, None,
         "Báo cáo kết quả công tác giáo dục nghề nghiệp năm 2019 - Đà Nẵng",
         "Sở gửi báo cáo kết quả công tác giáo dục nghề nghiệp năm 2019.",
         title="Kết quả công tác giáo dục nghề nghiệp năm 2019; kế hoạch tuyển sinh năm 2020",
         filename="BC GDNN 2019.docx"),
    Mail("gn2019", DAKLAK, at(2019, 12, 13, 10, 0), 2019, None,
         "Báo cáo kết quả công tác giảm nghèo năm 2019 - Sở LĐTBXH Đắk Lắk",
         "Sở LĐTBXH Đắk Lắk gửi báo cáo kết quả công tác giảm nghèo năm 2019.",
         title="Kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2019",
         filename="BC giam ngheo 2019 - Dak Lak.docx"),
    Mail("bc2019", THANHHOA, at(2019, 12, 16, 8, 5), 2019, "tk2019",  # late
         "Báo cáo tổng kết công tác năm 2019",
         "Kính gửi Vụ Kế hoạch - Tài chính, Sở gửi báo cáo tổng kết năm 2019.",
         title="Tổng kết công tác năm 2019 và phương hướng, nhiệm vụ năm 2020",
         filename="BC tong ket nam 2019 - Thanh Hoa.docx"),
    Mail("bc2019", HAIPHONG, at(2019, 12, 17, 11, 30), 2019, "tk2019",  # late
         f"Báo cáo đánh giá tình hình thực hiện năm 2019 - Sở LĐTBXH {_name(HAIPHONG)}",
         f"{CITE_2019}, Sở gửi báo cáo (file đính kèm).",
         filename="BC 2019 So LDTBXH Hai Phong.docx", pdf=True),
)

DEADLINES = {"tk2017": at(2017, 12, 20, 23, 59), "tk2019": at(2019, 12, 15, 23, 59)}
AS_OF = "2019-12-31"  # every message received (the end of that day, Vietnam time)
# Every province of this mailbox and its status per campaign as of AS_OF; the 56 others are missing.
EXPECTED = {
    #           tk2017      tk2019
    HANOI:     ("on_time", "on_time"),
    QUANGNINH: ("on_time", "on_time"),
    THANHHOA:  ("on_time", "late"),
    HAIPHONG:  ("late",    "late"),
    DANANG:    ("late",    "missing"),
    NGHEAN:    ("late",    "on_time"),  # tk2017: its 2017 report, received in December 2019
    DAKLAK:    ("missing", "missing"),  # its 2018 report (review), a half-year and a poverty report only
}
CAMPAIGNS = ("tk2017", "tk2019")
# Outside tk2017's window (deadline + 365 days): it counts by the letter it cites, not by its title or year.
TWO_YEARS_LATE = f"bc2017@{UNITS[NGHEAN].domains[0]}"


def message_id(mail: Mail) -> str:
    return f"{mail.key}@{UNITS[mail.unit].domains[0]}"


def expected_status() -> None:
    """EXPECTED agrees with PLAN: the first report counted for each campaign decides."""
    for campaign_index, campaign in enumerate(CAMPAIGNS):
        for code, statuses in EXPECTED.items():
            counted = [m for m in PLAN if m.unit == code and m.campaign == campaign]
            first = min((m.received for m in counted), default=None)
            want = "missing" if first is None else ("on_time" if first <= DEADLINES[campaign] else "late")
            assert statuses[campaign_index] == want, (code, campaign)


# --- Building the mailbox ------------------------------------------------------------------------
def titled_report(unit: Unit, mail: Mail, number: int) -> bytes:
    """A province's report with its own title, in the year-end report's skeleton (results,
    shortcomings, tasks, proposals): what tells it apart is the title."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = f"{issuer_of(unit)}\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
    header.cell(0, 1).text = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = f"Số: {300 + number * 13}/BC-SLĐTBXH"
    dated = mail.received - timedelta(days=2)
    header.cell(1, 1).text = f"{unit.name}, ngày {dated.day:02d} tháng {dated.month:02d} năm {dated.year}"
    document.add_paragraph().add_run("BÁO CÁO").bold = True
    document.add_paragraph().add_run(mail.title).bold = True
    year, plan = mail.year, mail.year + 1
    for heading, text in (
        (f"I. KẾT QUẢ THỰC HIỆN NĂM {year}", f"Trong năm {year}, Sở đã chủ động tham mưu, triển khai đồng bộ các "
         "nhiệm vụ được giao, đạt và vượt các chỉ tiêu đề ra."),
        ("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "Nguồn lực còn hạn chế; cán bộ cấp xã còn thiếu và thường xuyên "
         "thay đổi."),
        (f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {plan}", f"Tiếp tục triển khai các nhiệm vụ trọng tâm năm {plan}."),
        ("IV. KIẾN NGHỊ, ĐỀ XUẤT", "Đề nghị Bộ sớm ban hành văn bản hướng dẫn."),
    ):
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(text)
    document.add_paragraph("Nơi nhận:")
    document.add_paragraph("- Bộ LĐTBXH;\n- UBND tỉnh;\n- Lưu: VT.")
    document.add_paragraph("GIÁM ĐỐC")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def document_of(mail: Mail, number: int) -> bytes:
    unit = UNITS[mail.unit]
    if mail.title is None:
        return report_docx(unit.name, mail.year, 1, seed=number, covering_letter=mail.covering_letter,
                           issuer=issuer_of(unit))
    return titled_report(unit, mail, number)


def email_of(mail: Mail, filename: str, data: bytes) -> bytes:
    """The message as the ministry's server stored it: its Received header says when it arrived."""
    unit = UNITS[mail.unit]
    display, address = department_address(unit)
    domain = unit.domains[0]
    message = EmailMessage()
    relay = f"203.162.{mail.received.day}.{mail.received.minute + 10}"
    message["Received"] = (f"from mail.{domain} (mail.{domain} [{relay}]) by mx.molisa.gov.vn (Postfix) with ESMTPS; "
                           f"{format_datetime(mail.received)}")
    message["From"] = f"{display} <{address}>"
    message["To"] = f"Vụ Kế hoạch - Tài chính <{MINISTRY}>"
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.received - timedelta(minutes=3))
    message["Message-ID"] = f"<{message_id(mail)}>"
    message.set_content(f"{mail.body}\n\nTrân trọng.\nVăn phòng Sở")
    if filename.endswith(".pdf"):
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    else:
        message.add_attachment(data, maintype="application",
                               subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=filename)
    return message.as_bytes(policy=policy.SMTP)


def build_maildir(root: Path, plan: tuple[Mail, ...] = PLAN) -> int:
    """Write `plan` into a Maildir, each file's time its receipt time; returns how many went as PDF."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    numbers = {mail: PLAN.index(mail) for mail in plan}  # a message's documents are the same in every Maildir
    documents = {mail: document_of(mail, numbers[mail]) for mail in plan}
    try:
        pdfs = docx_to_pdf({f"{numbers[m]}.docx": documents[m] for m in plan if m.pdf}, timeout=120) \
            if any(m.pdf for m in plan) else {}
    except (RuntimeError, OSError, subprocess.SubprocessError):  # no LibreOffice: they go as .docx
        pdfs = {}
    for mail in plan:
        stem, converted = mail.filename.rsplit(".", 1)[0], pdfs.get(f"{numbers[mail]}.docx")
        filename, data = (f"{stem}.pdf", converted) if converted else (f"{stem}.docx", documents[mail])
        stamp = mail.received.timestamp()
        path = root / "cur" / f"{int(stamp)}.tk{numbers[mail]:03d}.reportbox:2,S"
        path.write_bytes(email_of(mail, filename, data))
        os.utime(path, (stamp, stamp))
    return len(pdfs)


# --- Running the command line --------------------------------------------------------------------
def _command(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "reportbox", "--config", str(config), *args]


def reportbox(config: Path, *args: str) -> str:
    result = subprocess.run(_command(config, *args), capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"reportbox {' '.join(args)}: exit {result.returncode}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def cli(monkeypatch):
    """A read-only command in-process through the real entry point (reportbox.cli.main), for speed:
    `poll` runs as its own process, as in production. Returns its JSON output."""
    # The command configures logging for a process of its own: here it would take pytest's handlers.
    monkeypatch.setattr(logs, "configure", lambda *args, **kwargs: None)

    def invoke(config: Path, *args: str):
        monkeypatch.setattr(sys, "argv", ["reportbox", "--config", str(config), *args, "--format", "json"])
        with CliRunner().isolation() as (out, err, _):
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            assert code == 0, f"reportbox {' '.join(args)}: exit {code}\n{err.getvalue().decode()}"
            return json.loads(out.getvalue().decode())

    return invoke


def write_config(tmp_path: Path, db_url: str, maildir: Path, *campaigns: str) -> Path:
    """The Maildir source, the contacts of this mailbox's provinces (whom reminders go to), an [smtp]
    section (receipts are queued, never sent here) and the campaigns."""
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("unit,email,name\n" + "".join(
        f"{code},{department_address(UNITS[code])[1]},{department_address(UNITS[code])[0]}\n" for code in EXPECTED), encoding="utf-8")
    config = tmp_path / "reportbox.toml"
    config.write_text(
        f'[database]\nurl = "{db_url}"\n\n[storage]\nraw_dir = "{tmp_path / "raw"}"\n\n'
        f'[[mailbox]]\nname = "phongkh"\nkind = "maildir"\npath = "{maildir}"\n\n'
        f'[registry]\ndefault = "vn63"\ncontacts = "{contacts}"\n\n'
        '[smtp]\nhost = "127.0.0.1"\nport = 2525\nsecurity = "none"\n'
        'from = "Phòng Kế hoạch - Tài chính <phongkh@molisa.gov.vn>"\n\n'
        "[receipts]\nmax_age_days = 3650\n\n" + "\n".join(campaigns), encoding="utf-8")
    return config


def poll(config: Path, messages: int) -> None:
    out = reportbox(config, "poll")
    assert f"new: {messages} " in out and "failed: 0 " in out, out


def subset_maildir(full: Path, target: Path, plan: tuple[Mail, ...]) -> Path:
    """Some of the mailbox's files, as they are (bytes and times)."""
    for sub in ("cur", "new", "tmp"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    for mail in plan:
        (name,) = [p for p in (full / "cur").iterdir() if f".tk{PLAN.index(mail):03d}." in p.name]
        shutil.copy2(name, target / "cur" / name.name)
    return target


def queue_receipts_at(config: Path, now: datetime) -> list[dict]:
    """What the daemon's mail pass would queue as receipts at `now` (no SMTP conversation), as
    `reportbox outbox --kind receipt --format json` lists them."""
    from jobs.receipts import queue_receipts
    from models import outbox
    from reportbox.app import open_app
    from reportbox.config import load_config
    from reportbox.shapes import outbox_json

    app = open_app(load_config(config), migrate=False)
    try:
        queue_receipts(app, clock=lambda: now)
        with app.sessions() as session:
            return [outbox_json(row) for row in outbox.listing(session, kind="receipt")]
    finally:
        app.close()


def describe(row: dict) -> str:
    return (f"{row['message_id']}: unit {row['unit']}, year {row['report_year']}, campaign {row['campaign']}, "
            f"kind {row['kind']}, state {row['state']}, topic {row['topic']!r}, evidence {row['evidence']}")


@pytest.fixture(scope="module")
def maildir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mailbox") / "maildir"
    build_maildir(root)
    return root


@pytest.fixture(scope="module")
def tk2017_block(tmp_path_factory) -> str:
    """The tk2017 [[campaign]] block as `reportbox campaign from-letter` reads it from letter 5121."""
    empty = tmp_path_factory.mktemp("letter") / "reportbox.toml"
    empty.write_text("", encoding="utf-8")
    block = reportbox(empty, "campaign", "from-letter", str(LETTERS / "5121-LDTBXH-KHTC-2017.txt"))
    for line in ('id = "tk2017"', 'letter = "5121/LĐTBXH-KHTC"', "report_year = 2017", "plan_year = 2018",
                 "issued = 2017-12-07", "deadline = 2017-12-20", 'registry = "vn63"',
                 'subject = "V/v đánh giá tình hình thực hiện năm 2017; nhiệm vụ, giải pháp thực hiện kế hoạch năm '
                 '2018 lĩnh vực lao động, người có công và xã hội"'):
        assert line in block, (line, block)
    return block


# --- The tests -----------------------------------------------------------------------------------
def test_the_expected_statuses_follow_the_plan():
    expected_status()
    assert len({message_id(m) for m in PLAN}) == len(PLAN)


def test_each_report_counts_for_its_own_campaign_and_the_others_for_none(tmp_path, db_url, maildir, tk2017_block, cli):
    config = write_config(tmp_path, db_url, maildir, tk2017_block, TK2019)
    started = time.monotonic()
    poll(config, len(PLAN))
    receipts = queue_receipts_at(config, datetime(2020, 1, 2, tzinfo=VIETNAM))
    rows = cli(config, "submissions")
    tk2017, tk2019 = (cli(config, "status", "--campaign", c, "--as-of", AS_OF) for c in CAMPAIGNS)
    reminders = cli(config, "remind", "--campaign", "tk2019", "--dry-run", "--as-of", "2019-12-16T09:00+07:00")
    print(f"polled and listed in {time.monotonic() - started:.1f} s")

    # Every message is one submission; each says what the plan says it is.
    by_id = {row["message_id"].strip("<>"): row for row in rows}
    assert set(by_id) == {message_id(m) for m in PLAN}
    for mail in PLAN:
        row = by_id[message_id(mail)]
        assert row["unit"] == mail.unit, describe(row)
        if message_id(mail) == TWO_YEARS_LATE:  # its campaign: test_a_2017_report_received_two_years_late…
            assert row["campaign"] != "tk2019" and row["report_year"] == 2017, describe(row)
            continue
        assert (row["campaign"], row["kind"], row["report_year"]) == (mail.campaign, mail.kind, mail.year), \
            describe(row)
        if mail.campaign or mail.kind == "other_report":
            assert row["state"] == "accepted", describe(row)
        else:
            assert row["state"] == "needs_review", describe(row)
        if mail.kind == "other_report":
            assert row["topic"] and row["topic"].endswith("→ other_report"), describe(row)
            assert row["title"], describe(row)
    # No report of one year counted for the other campaign.
    for row in rows:
        if row["campaign"] is not None:
            assert row["report_year"] == {"tk2017": 2017, "tk2019": 2019}[row["campaign"]], describe(row)

    # Status per campaign: each unit's first counted report decides, and points at that message.
    submission_of = {row["id"]: row["message_id"].strip("<>") for row in rows}
    for index, status in enumerate((tk2017, tk2019)):
        campaign = CAMPAIGNS[index]
        units = {unit["unit"]: unit for unit in status["units"]}
        assert len(units) == 63
        for code, expected in EXPECTED.items():
            if (campaign, code) == ("tk2017", NGHEAN):
                continue
            unit = units[code]
            first = next((m for m in PLAN if m.unit == code and m.campaign == campaign), None)
            assert unit["status"] == expected[index], (campaign, code, unit)
            assert unit["needs_review"] == 0, (campaign, code, unit)
            if first is None:
                assert unit["submission"] is None and unit["received_at"] is None, (campaign, code, unit)
            else:
                assert submission_of[unit["submission"]] == message_id(first), (campaign, code, unit)
                assert unit["received_at"] == first.received.isoformat(), (campaign, code, unit)
                assert unit["versions"] == 1, (campaign, code, unit)
        others = [u for code, u in units.items() if code not in EXPECTED]
        assert {u["status"] for u in others} == {"missing"} and len(others) == 56
    assert {k: tk2019["summary"][k] for k in ("on_time", "late", "missing", "expected")} == {
        "on_time": 3, "late": 2, "missing": 58, "expected": 63}
    assert tk2017["summary"]["on_time"] == 3 and tk2017["summary"]["late"] + tk2017["summary"]["missing"] == 60

    # Receipts: one per counted report, for its own campaign; none for another report.
    counted = {(m.campaign, m.unit, message_id(m)) for m in PLAN if m.campaign and message_id(m) != TWO_YEARS_LATE}
    got = {(r["campaign"], r["unit"], submission_of[r["submission"]]) for r in receipts}
    assert got - {("tk2017", NGHEAN, TWO_YEARS_LATE)} == counted
    assert all(r["state"] == "queued" for r in receipts), receipts

    # Reminders for tk2019 the day after its deadline: Đắk Lắk's half-year, poverty and review items
    # (none of them tk2019's) hold nothing; Đà Nẵng, with only other reports this year, is reminded too.
    assert reminders["dry_run"] is True and reminders["campaign"] == "tk2019"
    owed = {unit["unit"]: unit for unit in reminders["units"]}
    for code in (DAKLAK, DANANG, HAIPHONG):  # Hải Phòng reports on the 17th: still missing on the 16th
        unit = owed[code]
        assert (unit["status"], unit["skip"]) == ("missing", None), unit
        assert unit["step"] is not None and unit["subject"] and unit["to"] == [department_address(UNITS[code])[1]], unit
    assert not {HANOI, QUANGNINH, THANHHOA, NGHEAN} & set(owed)  # reported by then
    assert not [unit for unit in reminders["units"] if unit["skip"] == "in_review"]


def test_a_2017_report_received_two_years_late_counts_for_tk2017_late(tmp_path, db_url, maildir, tk2017_block, cli):
    plan = tuple(m for m in PLAN if m.unit == NGHEAN)
    config = write_config(tmp_path, db_url, subset_maildir(maildir, tmp_path / "maildir", plan),
                          tk2017_block, TK2019)
    poll(config, len(plan))
    rows = cli(config, "submissions")
    tk2017, tk2019 = (cli(config, "status", "--campaign", c, "--as-of", AS_OF) for c in CAMPAIGNS)
    row = next(r for r in rows if r["message_id"].strip("<>") == TWO_YEARS_LATE)
    assert next(u for u in tk2019["units"] if u["unit"] == NGHEAN)["status"] == "on_time"
    unit = next(u for u in tk2017["units"] if u["unit"] == NGHEAN)
    assert (row["campaign"], row["state"], row["kind"]) == ("tk2017", "accepted", "report"), describe(row)
    assert (unit["status"], unit["submission"]) == ("late", row["id"]), unit


def test_tk2019_alone_a_half_year_report_holds_no_reminder(tmp_path, db_url, maildir, cli):
    """Only tk2019 configured: Đắk Lắk's half-year report of July (and its other reports) leave it
    missing after the deadline, with nothing in review for tk2019, and reminded."""
    plan = tuple(m for m in PLAN if m.unit == DAKLAK)
    config = write_config(tmp_path, db_url, subset_maildir(maildir, tmp_path / "maildir", plan), TK2019)
    poll(config, len(plan))
    rows = cli(config, "submissions")
    status = cli(config, "status", "--campaign", "tk2019", "--as-of", "2019-12-16T09:00+07:00")
    reminders = cli(config, "remind", "--campaign", "tk2019", "--dry-run", "--as-of", "2019-12-16T09:00+07:00")
    half_year = next(r for r in rows if r["message_id"].strip("<>") == f"6t2019@{UNITS[DAKLAK].domains[0]}")
    assert (half_year["kind"], half_year["campaign"], half_year["state"], half_year["unit"]) == (
        "other_report", None, "accepted", DAKLAK), describe(half_year)
    assert "half-year" in half_year["topic"], describe(half_year)
    assert all(row["campaign"] is None for row in rows), [describe(r) for r in rows]
    unit = next(u for u in status["units"] if u["unit"] == DAKLAK)
    assert (unit["status"], unit["needs_review"], unit["submission"]) == ("missing", 0, None), unit
    owed = next(u for u in reminders["units"] if u["unit"] == DAKLAK)
    assert (owed["status"], owed["skip"], owed["to"]) == ("missing", None, [department_address(UNITS[DAKLAK])[1]]), owed
    assert owed["step"] is not None and owed["subject"], owed
