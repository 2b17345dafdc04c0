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
