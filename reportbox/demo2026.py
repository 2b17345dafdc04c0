"""`reportbox demo --campaign 2026`: today's mailbox — Bộ Nội vụ's year-end request to the 34 provinces.

Since 1 March 2025 the labour ministry is part of the Ministry of Home Affairs (Resolution
176/2025/QH15, Decree 25/2025/NĐ-CP) and each province's Sở LĐTBXH is part of its Sở Nội vụ (Decree
45/2025/NĐ-CP); since 1 July 2025 there are 34 provinces (Resolution 202/2025/QH15, registry vn34).
The Maildir holds what the ministry's mailbox received after letter 6121/BNV-KHTC (issued 24/11/2026,
deadline 15/12/2026): the Sở Nội vụ reports under letterheads "UBND TỈNH X / SỞ NỘI VỤ" or "UBND
THÀNH PHỐ X / SỞ NỘI VỤ", numbered "…/BC-SNV", some as PDFs with the digital-signature stamp
(`Người ký: Sở Nội vụ tỉnh X`), one scanned (read by OCR; without Tesseract or LibreOffice it goes
as .docx), some sent from the old domain of a province that was absorbed (hagiang.gov.vn for Tuyên
Quang) and naming the former provinces ("tỉnh Hà Giang (cũ)"), one re-sent and signed by a person
whose given name is a province's ("Nguyễn Thị Thanh Hoa"), late ones, missing ones, a Sở Y tế's part
of its unit's answer (the letter addresses the Sở Y tế too, for social protection and children), other
reports of their units, not counted (half-year reports; a Sở Nông nghiệp và Môi trường's report on
poverty reduction: a department the letter does not address), and the mail that is no report (an
auto-reply, a reply without attachment).

`PLAN` is the mailbox as data, one `Mail` per message, so a test can work out what the status must
say. It shares its building blocks with the 2019 demo (reportbox.demo).
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from parsers.registry import Unit, builtin
from parsers.vietnamese import fold
from reportbox.demo import (_email, cover_note, demo_config, issuer_of, plan_of, run, to_pdfs,
                            write_maildir)
from reportbox.sample_documents import Office, report_docx
from reportbox.samples import VIETNAM_TZ
from reportbox.timefmt import deadline_instant

CAMPAIGN = "bc2026"
LETTER = "6121/BNV-KHTC"
YEAR = 2026
ISSUED = date(YEAR, 11, 24)
DEADLINE = deadline_instant(date(YEAR, 12, 15))
AS_OF = deadline_instant(date(YEAR, 12, 18))  # the status shown: end of Friday after the deadline
MINISTRY = "Bộ Nội vụ"
MAILBOX = "Vụ Kế hoạch - Tài chính <khtc@moha.gov.vn>"
SERVER = "mx.moha.gov.vn"
CONFIG = demo_config(
    "Written by `reportbox demo --campaign 2026`: a Maildir source, a local SQLite database and Bộ Nội vụ's\n# "
    "year-end campaign over the 34 provinces (registry vn34, Resolution 202/2025/QH15).",
    {"id": CAMPAIGN, "letter": LETTER,
     "title": f"Đánh giá tình hình thực hiện nhiệm vụ năm {YEAR}; nhiệm vụ, giải pháp năm {YEAR + 1}",
     "report_year": YEAR, "plan_year": YEAR + 1, "issued": ISSUED, "deadline": DEADLINE.date(), "registry": "vn34",
     "departments": ["Sở Nội vụ", "Sở Y tế"]})

REGISTRY = builtin("vn34")
UNITS = REGISTRY.units
# Counted for the unit: a .docx, a PDF with the digital-signature stamp, a scan, a corrected report.
REPORT_KINDS = ("docx", "pdf", "scan", "resend")
# The departments that write (Decree 45/2025/NĐ-CP): the letter addresses the Sở Nội vụ, and the Sở Y tế for
# social protection and children; the Sở Nông nghiệp và Môi trường (poverty reduction) it does not address.
# Each: its letterhead line, the symbol in its numbers, its mailboxes.
DEPARTMENTS = {
    "Sở Nội vụ": ("SỞ NỘI VỤ", "SNV", ("snv", "sonoivu", "vanthu.snv", "vanphong.snv")),
    "Sở Y tế": ("SỞ Y TẾ", "SYT", ("syt", "soyte")),
    "Sở Nông nghiệp và Môi trường": ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "SNNMT", ("snnmt",)),
}
# Not counted: other reports of the unit (half-year; a year-end report of a department the letter does not
# address), an auto-reply, a reply without attachment.
OTHER_KINDS = ("half-year", "other-department", "auto-reply", "reply")


@dataclass(frozen=True)
class Mail:
    """One message of the sample mailbox."""

    kind: str  # REPORT_KINDS or OTHER_KINDS
    received: datetime  # by the ministry's server (Vietnam time)
    unit: str  # the vn34 unit it comes from, as its documents say
    department: str = "Sở Nội vụ"  # who writes (DEPARTMENTS)
    old_domain: str | None = None  # sent from an absorbed province's domain, which its successor still uses
    notes: tuple[str, ...] = ()  # text that names former provinces
    signer: str | None = None  # the director's name under "GIÁM ĐỐC"
    covering_letter: bool = False
    style: str = "roman"  # sample_documents.STYLES

    @property
    def is_report(self) -> bool:
        """Counted for `unit` in the campaign's status."""
        return self.kind in REPORT_KINDS


def _at(day: int, hour: int, minute: int, month: int = 12) -> datetime:
    return datetime(YEAR, month, day, hour, minute, tzinfo=VIETNAM_TZ)


# Units that send no year-end report by 18/12 (An Giang sends its half-year report instead).
MISSING = ("12", "44", "91")
SPECIAL = (
    # Tuyên Quang from the Hà Giang office's old mailbox, naming the two former provinces.
    Mail("pdf", _at(11, 9, 14), "08", old_domain="hagiang.gov.vn", notes=(
        "Trên địa bàn tỉnh Tuyên Quang sau sắp xếp (gồm tỉnh Tuyên Quang và tỉnh Hà Giang (cũ)), công tác "
        "lao động, việc làm tiếp tục chuyển biến tích cực; riêng địa bàn tỉnh Hà Giang (cũ) tỷ lệ hộ nghèo "
        "còn cao.",)),
    Mail("docx", _at(10, 15, 2), "52", old_domain="binhdinh.gov.vn", covering_letter=True, notes=(
        "Số liệu năm 2026 được tổng hợp chung cho tỉnh Gia Lai sau sắp xếp, bao gồm địa bàn tỉnh Bình Định "
        "(cũ); trụ sở Sở Nội vụ đặt tại phường Quy Nhơn.",)),
    Mail("pdf", _at(12, 10, 47), "82", old_domain="tiengiang.gov.vn", style="parts"),
    Mail("docx", _at(9, 8, 5), "15", old_domain="yenbai.gov.vn", style="word"),
    Mail("pdf", _at(13, 16, 20), "37", notes=(
        "Sau khi hợp nhất tỉnh Hà Nam, tỉnh Nam Định và tỉnh Ninh Bình, toàn tỉnh có 129 xã, phường.",)),
    Mail("pdf", _at(14, 11, 8), "01", covering_letter=True),
    Mail("pdf", _at(15, 23, 40), "92", notes=(
        "Trên địa bàn thành phố Cần Thơ sau sắp xếp (gồm thành phố Cần Thơ, tỉnh Sóc Trăng (cũ) và tỉnh "
        "Hậu Giang (cũ)), đã giải quyết việc làm vượt kế hoạch.",)),
    Mail("scan", _at(11, 14, 30), "04"),  # printed, signed, scanned
    # Quảng Ninh's report, then corrected after the deadline: its director is called Thanh Hoa.
    Mail("docx", _at(10, 9, 25), "22", signer="Nguyễn Thị Thanh Hoa"),
    Mail("resend", _at(17, 8, 49), "22", signer="Nguyễn Thị Thanh Hoa"),
    # Late: after 23:59:59 on 15/12.
    Mail("docx", _at(16, 0, 7), "40"),
    Mail("pdf", _at(16, 10, 12), "79", old_domain="binhduong.gov.vn"),
    Mail("docx", _at(18, 15, 45), "96", covering_letter=True),
    # Not counted.
    # Ninh Bình's Sở Y tế sends its part (social protection, children): it joins the Sở Nội vụ's answer.
    Mail("pdf", _at(14, 10, 5), "37", department="Sở Y tế", notes=(
        "Thực hiện Nghị định số 45/2025/NĐ-CP, Sở Y tế báo cáo kết quả công tác bảo trợ xã hội, trẻ em năm "
        f"{YEAR} trên địa bàn tỉnh.",)),
    # Đắk Lắk's Sở Nông nghiệp và Môi trường (poverty reduction since Decree 45/2025/NĐ-CP): its own year-end
    # report, though the letter does not address it.
    Mail("other-department", _at(9, 15, 40), "66", department="Sở Nông nghiệp và Môi trường"),
    Mail("half-year", _at(12, 9, 30), "91"),  # An Giang: its half-year report, sent when asked; still missing
    Mail("half-year", _at(3, 14, 10), "20"),  # Lạng Sơn: the same, and its year-end report on time
    Mail("auto-reply", _at(24, 16, 3, month=11), "42"),
    Mail("reply", _at(1, 8, 41), "44"),  # "will send on time", then never does
)


PLAN = plan_of(SPECIAL, MISSING, UNITS, [_at(day, 0, 0) for day in range(1, 16) if date(YEAR, 12, day).weekday() < 5],
               lambda unit, number, received: Mail("docx", received, unit.code, covering_letter=number % 4 == 1,
                                                   style=("roman", "parts", "word", "roman")[number % 4]), seed=6121)


# --- Building the messages -------------------------------------------------------------------------
def _unit(code: str) -> Unit:
    return REGISTRY.unit(code)


def current_domain(unit: Unit) -> str:
    """The unit's own domain ("tuyenquang.gov.vn"), not a predecessor's it also answers to."""
    own = fold(unit.name).replace(" ", "") + ".gov.vn"
    return own if own in unit.domains else unit.domains[-1]


def _place(unit: Unit) -> str:
    """"tỉnh Tuyên Quang", "thành phố Hà Nội"."""
    return unit.full_name[0].lower() + unit.full_name[1:]


def _writer(mail: Mail, unit: Unit) -> str:
    """"Sở Nội vụ tỉnh Tuyên Quang": the department that writes, as its own texts name it."""
    return f"{mail.department} {_place(unit)}"


def _office(mail: Mail, unit: Unit) -> Office:
    head, symbol, _ = DEPARTMENTS[mail.department]
    return Office(department=head, symbol=symbol, department_name=_writer(mail, unit), ministry=MINISTRY,
                  ministry_short="Bộ Nội vụ (Vụ KHTC)", letter=LETTER, letter_date=f"{ISSUED:%d/%m}")


def _sender(mail: Mail, unit: Unit) -> tuple[str, str]:
    mailboxes = DEPARTMENTS[mail.department][2]
    local = mailboxes[int(unit.code) % len(mailboxes)]
    return f"{mail.department} {unit.name}", f"{local}@{mail.old_domain or current_domain(unit)}"


def _stamp(mail: Mail, unit: Unit) -> tuple[str, ...]:
    """The box the signing software prints on a signed PDF: the issuing body signs, not a person."""
    signed = mail.received.replace(minute=max(mail.received.minute - 20, 0))
    return (f"Người ký: {_writer(mail, unit)}", f"Email: {_sender(mail, unit)[1]}",
            f"Cơ quan: {unit.full_name}", f"Thời gian ký: {signed:%d.%m.%Y %H:%M}:03 +07:00")


def _title(mail: Mail) -> str | None:
    """The line under "BÁO CÁO" when it is not the year-end report's."""
    if mail.kind == "half-year":
        return f"Sơ kết công tác 6 tháng đầu năm {YEAR}, nhiệm vụ 6 tháng cuối năm {YEAR}"
    if mail.department == "Sở Y tế":
        return f"Kết quả thực hiện công tác bảo trợ xã hội, trẻ em năm {YEAR}, kế hoạch năm {YEAR + 1}"
    return None


def _document(mail: Mail, seed: int) -> bytes:
    unit = _unit(mail.unit)
    return report_docx(unit.name, YEAR, 1, seed=seed, covering_letter=mail.covering_letter, issuer=issuer_of(unit),
                       style=mail.style, office=_office(mail, unit), notes=mail.notes, signer=mail.signer,
                       title=_title(mail), stamp=_stamp(mail, unit) if mail.kind == "pdf" else ())


SUBJECTS = (
    "Báo cáo kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y1} - {department} {name}",
    "V/v gửi báo cáo theo Công văn số {letter} - {name}",
    "{department} {name} gửi báo cáo đánh giá năm {y}",
    "BC đánh giá tình hình thực hiện năm {y}, nhiệm vụ năm {y1} ({name})",
)
FILENAMES = ("Báo cáo năm {y} - {name}.docx", "BC {y} {department} {name}.docx", "BC_KQ{y}_KH{y1}_{slug}.docx",
             "{number}-BC-{symbol}.docx")


def _texts(mail: Mail, unit: Unit, number: int) -> tuple[str, str, str]:
    """(subject, body, file name) of a message carrying a document."""
    fields = {"y": YEAR, "y1": YEAR + 1, "name": unit.name, "letter": LETTER, "number": 300 + number * 7,
              "slug": current_domain(unit).split(".")[0], "department": mail.department,
              "symbol": DEPARTMENTS[mail.department][1]}
    body = cover_note(MINISTRY, LETTER, ISSUED, _writer(mail, unit), YEAR)
    if mail.kind == "half-year":
        return (f"Báo cáo {_title(mail)} - {mail.department} {unit.name}",
                f"{_writer(mail, unit)} gửi báo cáo {_title(mail)}.\n\nTrân trọng.",
                f"BC so ket 6 thang {YEAR} - {unit.name}.docx")
    if mail.kind == "resend":
        return (f"Gửi lại báo cáo năm {YEAR} (đã điều chỉnh số liệu) - Sở Nội vụ {unit.name}",
                "Sở gửi lại báo cáo đã điều chỉnh số liệu giải quyết việc làm; đề nghị Vụ sử dụng báo cáo này "
                "thay cho báo cáo đã gửi trước đó.\n\nTrân trọng."
                + (f"\n{mail.signer}\nGiám đốc Sở" if mail.signer else ""),
                f"BC {YEAR} {unit.name} - dieu chinh.docx")
    if mail.kind == "scan":
        return (SUBJECTS[number % len(SUBJECTS)].format(**fields), body, f"BC {YEAR} {unit.name} (scan).pdf")
    return (SUBJECTS[number % len(SUBJECTS)].format(**fields), body,
            FILENAMES[number % len(FILENAMES)].format(**fields))


def _message(mail: Mail, number: int, converted: dict[int, bytes]) -> bytes:
    """The raw bytes of one planned message (`converted`: PDFs and scans by plan index)."""
    unit = _unit(mail.unit)
    sender = _sender(mail, unit)
    send = {"to": MAILBOX, "server": SERVER}
    if mail.kind == "auto-reply":
        return _email(sender, f"Trả lời tự động: Công văn số {LETTER} về việc báo cáo năm {YEAR}",
                      "Tôi đang đi công tác đến hết ngày 30/11/2026. Việc gấp xin liên hệ Văn phòng Sở.",
                      mail.received, headers={"Auto-Submitted": "auto-replied"}, **send)
    if mail.kind == "reply":
        return _email(sender, f"Re: Công văn số {LETTER}",
                      f"{_writer(mail, unit)} đã nhận được Công văn số {LETTER}. Sở sẽ gửi báo cáo trước ngày "
                      f"15/12/{YEAR}.\n\nTrân trọng.", mail.received, **send)
    subject, body, filename = _texts(mail, unit, number)
    data = converted.get(number) or _document(mail, number)
    if number in converted:
        filename = filename.removesuffix(".docx").removesuffix(".pdf") + ".pdf"
    else:
        filename = filename.replace(" (scan).pdf", ".docx")  # no OCR here: the scan goes as its .docx
    return _email(sender, subject, body, mail.received, [(filename, data)], **send)


def ocr_available() -> bool:
    """Tesseract with Vietnamese, as the demo's configuration reads scans (the default languages)."""
    from parsers.documents.ocr import tesseract_available

    return tesseract_available("vie+eng")


def scanned(pdf: bytes) -> bytes:
    """A PDF as a scan: each page a 200-dpi greyscale image, in a PDF with no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = [page.render(scale=200 / 72, grayscale=True).to_pil() for page in document]
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=200, save_all=True, append_images=pages[1:])
    return out.getvalue()


def build_maildir(root: Path, plan: tuple[Mail, ...] = PLAN) -> tuple[int, int, int]:
    """Write the planned messages into a Maildir: (messages, PDFs, scans)."""
    scans = ocr_available()
    wanted = {number: _document(mail, number) for number, mail in enumerate(plan)
              if mail.kind == "pdf" or (mail.kind == "scan" and scans)}
    converted = to_pdfs(wanted)
    for number, mail in enumerate(plan):
        if mail.kind == "scan" and number in converted:
            try:
                converted[number] = scanned(converted[number])
            except (OSError, subprocess.SubprocessError, ValueError):
                del converted[number]
    write_maildir(root, [(mail.received, _message(mail, number, converted)) for number, mail in enumerate(plan)])
    made_scans = sum(plan[number].kind == "scan" for number in converted)
    return len(plan), len(converted) - made_scans, made_scans


def _headline(maildir: Path) -> str:
    count, pdfs, scans = build_maildir(maildir)
    units = len({m.unit for m in PLAN if m.is_report})
    planned_pdfs, planned_scans = (sum(m.kind == kind for m in PLAN) for kind in ("pdf", "scan"))
    return (f"Sample mailbox: {count} messages in {maildir} — replies to {MINISTRY}'s letter {LETTER} "
            f"from the Sở Nội vụ of {units} of the {len(UNITS)} provinces (registry vn34)"
            + (f" ({pdfs} signed PDFs" if pdfs == planned_pdfs else " (no LibreOffice: the PDFs went as .docx")
            + (f", {scans} scan)" if scans == planned_scans else f"; {_no_scan_reason()}: the scan went as .docx)"))


def _no_scan_reason() -> str:
    # A scan is a PDF printed by LibreOffice, then read back by Tesseract: either may be what is missing.
    return "no OCR here" if not ocr_available() else "it could not be printed (LibreOffice)"


def run_demo(directory: Path, echo: Callable[[str], None] = print) -> None:
    run(directory, CONFIG, CAMPAIGN, AS_OF, _headline, echo)
