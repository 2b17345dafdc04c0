import io
import random
from email.message import EmailMessage

from PIL import Image

from parsers import attachments
from parsers.documents.limits import Limits
from parsers.message import parse_message
from reportbox import samples


def _parts(raw: bytes):
    return parse_message(raw).attachments


def test_a_report_attachment_is_read_and_split():
    [file] = attachments.read_attachments(_parts(samples.report_message(samples.PROVINCES[1])))
    assert file.document.kind == "docx" and file.analysis.report.found == attachments.Reading().outline.keys


def test_a_splitter_failure_costs_the_file_its_sections_not_the_message(monkeypatch):
    def broken(document, outline):
        raise IndexError("a bug in the splitter")

    monkeypatch.setattr(attachments, "split_document", broken)
    [file] = attachments.read_attachments(_parts(samples.report_message(samples.PROVINCES[1])))
    assert file.analysis is None and file.document.blocks
    assert file.document.notes[-1] == "sections not split: IndexError: a bug in the splitter"


def _png(size: int) -> bytes:
    image = Image.frombytes("L", (size, size), random.Random(size).randbytes(size * size))  # noise: no compression
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_inline_and_small_pictures_are_not_documents_but_a_scan_is():
    message = EmailMessage()
    message["From"], message["Subject"] = "a@quangninh.gov.vn", "Báo cáo"
    message.set_content("Kính gửi Bộ.")
    message.add_attachment(_png(300), maintype="image", subtype="png", filename="logo.png", disposition="inline")
    message.add_attachment(_png(20), maintype="image", subtype="png", filename="chu-ky.png")
    message.add_attachment(_png(300), maintype="image", subtype="png", filename="scan-trang-1.png")
    files = attachments.read_attachments(_parts(message.as_bytes()), attachments.Reading(Limits(ocr=False)))
    assert [f.document.path for f in files] == ["scan-trang-1.png"]
    assert files[0].document.error == "needs_ocr"


def test_signatures_cards_and_invitations_are_no_files_but_winmail_dat_is_seen():
    """What mail programs add is not a file of the report: never read, never listed as unreadable. Outlook's
    winmail.dat may hold the files sent, so it stays a document, unsupported, saying what to ask for."""
    message = EmailMessage()
    message["From"], message["Subject"] = "a@quangninh.gov.vn", "Báo cáo"
    message.set_content("Kính gửi Bộ.")
    message.add_attachment(b"0\x82\x05\x10\x06\t*\x86H\x86\xf7\r\x01\x07\x02" + bytes(200), maintype="application",
                           subtype="pkcs7-signature", filename="smime.p7s")
    message.add_attachment("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Nguyễn Văn A\r\nEND:VCARD\r\n".encode(),
                           maintype="text", subtype="vcard", filename="Nguyen Van A.vcf")
    message.add_attachment(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", maintype="text",
                           subtype="calendar", filename="invite.ics")
    message.add_attachment(b"\x78\x9f\x3e\x22\x01\x00" + bytes(100), maintype="application", subtype="ms-tnef",
                           filename="winmail.dat")
    parts = _parts(message.as_bytes())
    assert [part.filename for part in parts] == ["smime.p7s", "Nguyen Van A.vcf", "invite.ics", "winmail.dat"]
    [tnef] = attachments.read_attachments(parts)
    assert (tnef.document.path, tnef.document.error) == ("winmail.dat", "unsupported")
    assert "winmail.dat (TNEF)" in tnef.document.detail
