"""Realistic sample messages: provinces answering the ministry's letter, in Vietnamese.

Used by `reportbox demo`, the tests and the benchmarks, so all three see the same shapes:
report attachments (.docx, .pdf), forwarded reports, inline PDFs, HTML-only bodies.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

MINISTRY = "phongkh@molisa.gov.vn"
VIETNAM_TZ = timezone(timedelta(hours=7))

# (GSO code, name, e-mail domain slug) of a few provinces of the 63-province set.
PROVINCES = [
    ("01", "Hà Nội", "hanoi"), ("22", "Quảng Ninh", "quangninh"), ("31", "Hải Phòng", "haiphong"),
    ("38", "Thanh Hóa", "thanhhoa"), ("40", "Nghệ An", "nghean"), ("46", "Thừa Thiên Huế", "thuathienhue"),
    ("48", "Đà Nẵng", "danang"), ("66", "Đắk Lắk", "daklak"), ("79", "Hồ Chí Minh", "hochiminhcity"),
    ("92", "Cần Thơ", "cantho"), ("96", "Cà Mau", "camau"), ("75", "Đồng Nai", "dongnai"),
]


def minimal_pdf(text: str = "Bao cao") -> bytes:
    """A small valid one-page PDF (ASCII text; real documents come in the documents issue)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def minimal_docx(paragraphs: list[str]) -> bytes:
    """A small valid .docx with the given paragraphs."""
    body = "".join(
        f"<w:p><w:r><w:t xml:space=\"preserve\">{_xml_escape(p)}</w:t></w:r></w:p>" for p in paragraphs
    )
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report_outline(province: str, year: int) -> list[str]:
    return [
        f"UBND TỈNH {province.upper()}",
        "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        f"BÁO CÁO Đánh giá tình hình thực hiện năm {year}; nhiệm vụ, giải pháp năm {year + 1}",
        f"I. KẾT QUẢ THỰC HIỆN NĂM {year}",
        "1. Kết quả thực hiện các chỉ tiêu, nhiệm vụ so với kế hoạch và năm trước",
        "2. Tình hình thực hiện các chính sách, chương trình, đề án",
        "3. Tồn tại, hạn chế, khó khăn và nguyên nhân",
        f"II. NHIỆM VỤ, GIẢI PHÁP NĂM {year + 1}",
        "1. Mục tiêu, chỉ tiêu, nhiệm vụ và giải pháp chủ yếu",
        "2. Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ",
    ]


def report_message(
    code_name_slug: tuple[str, str, str],
    *,
    year: int = 2019,
    sent: datetime | None = None,
    attachment: str = "docx",  # docx | pdf | inline-pdf | nameless-pdf | none
    html_only: bool = False,
    padding: int = 0,  # extra bytes in the attachment, for size tests and benchmarks
    message_id: str | None = None,
) -> bytes:
    """One province's reply to the ministry, as raw RFC 5322 bytes with CRLF line ends."""
    _code, name, slug = code_name_slug
    sent = sent or datetime(year, 12, 10, 9, 30, tzinfo=VIETNAM_TZ)
    message = EmailMessage()
    message["From"] = f"Sở LĐTBXH {name} <vanphong.sldtbxh@{slug}.gov.vn>"
    message["To"] = f"Phòng Kế hoạch - Tài chính <{MINISTRY}>"
    message["Subject"] = f"Báo cáo đánh giá tình hình thực hiện năm {year} - Sở LĐTBXH {name}"
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = message_id or make_msgid(domain=f"{slug}.gov.vn")
    text = (f"Kính gửi Phòng Kế hoạch - Tài chính,\n\nSở Lao động - Thương binh và Xã hội tỉnh {name} "
            f"gửi báo cáo đánh giá tình hình thực hiện năm {year}.\n\nTrân trọng.")
    if html_only:
        message.set_content(f"<html><body><p>{text.replace(chr(10), '<br>')}</p></body></html>", subtype="html")
    else:
        message.set_content(text)
    filename = f"Báo cáo năm {year} - {name}"
    paragraphs = report_outline(name, year)
    if attachment == "docx":
        data = minimal_docx(paragraphs + ["x" * padding] if padding else paragraphs)
        message.add_attachment(data, maintype="application",
                               subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                               filename=f"{filename}.docx")
    elif attachment in ("pdf", "inline-pdf"):
        data = minimal_pdf(f"Bao cao {slug} {year}") + (b"%" + b"0" * padding + b"\n" if padding else b"")
        message.add_attachment(data, maintype="application", subtype="pdf", filename=f"{filename}.pdf",
                               disposition="inline" if attachment == "inline-pdf" else "attachment")
    elif attachment == "nameless-pdf":
        message.add_attachment(minimal_pdf(), maintype="application", subtype="pdf")
        del message.get_payload()[-1]["Content-Disposition"]
    return message.as_bytes(policy=policy.SMTP)


def forwarded(inner: bytes, forwarder: str = "vanthu@molisa.gov.vn") -> bytes:
    """A colleague forwarding a province's report as a message/rfc822 attachment."""
    from email import message_from_bytes

    original = message_from_bytes(inner, policy=policy.default)
    message = EmailMessage()
    message["From"] = f"Văn thư Bộ <{forwarder}>"
    message["To"] = MINISTRY
    message["Subject"] = f"Fwd: {original['Subject']}"
    message["Date"] = format_datetime(datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain="molisa.gov.vn")
    message.set_content("Chuyển tiếp báo cáo của tỉnh.")
    message.add_attachment(original)
    return message.as_bytes(policy=policy.SMTP)
