"""OCR with Tesseract: TSV to text, image attachments (PNG, multi-page TIFF), failure reasons."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from parsers.documents.limits import Limits
from parsers.documents.ocr import (OcrResult, join_wrapped_lines, mean_confidence, ocr_image, parse_tsv, read_image,
                                   tesseract_available)
from parsers.vietnamese import fold
from reportbox.errors import DocumentError
from tests.parsers.documents import pdf_fixtures as fx
from tests.servers.availability import require_tool

HEAD = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv(*rows: tuple[int, int, int, int, float, str]) -> str:
    """Rows of (level, block, paragraph, line, confidence, text) as Tesseract writes them."""
    body = [f"{level}\t1\t{block}\t{par}\t{line}\t1\t0\t0\t10\t10\t{conf}\t{text}"
            for level, block, par, line, conf, text in rows]
    return "\n".join([HEAD, *body]) + "\n"


def test_tsv_words_become_lines_and_paragraphs_with_mean_confidence():
    result = parse_tsv(tsv(
        (4, 1, 1, 1, -1, ""),
        (5, 1, 1, 1, 96, "ỦY"), (5, 1, 1, 1, 90, "BAN"),
        (5, 1, 1, 2, 80, "NHÂN"), (5, 1, 1, 2, -1, " "),
        (5, 2, 1, 1, 70, "Kiến"), (5, 2, 1, 1, 64, "nghị,"),
    ))
    assert result.text == "ỦY BAN\nNHÂN\n\nKiến nghị,"
    assert result.confidence == pytest.approx((96 + 90 + 80 + 70 + 64) / 5 / 100)
    assert result.words == 5


def test_tsv_without_words_has_no_confidence():
    assert parse_tsv(tsv((1, 0, 0, 0, -1, ""))) == OcrResult("", None, 0)


def test_pages_confidence_is_weighed_by_words():
    pages = [OcrResult("a", 0.9, 30), OcrResult("b", 0.5, 10), OcrResult("", None, 0)]
    assert mean_confidence(pages) == pytest.approx((0.9 * 30 + 0.5 * 10) / 40)
    assert mean_confidence([OcrResult("", None, 0)]) is None


def test_wrapped_lines_join_but_headings_and_list_items_do_not():
    width = 60
    lines = [
        "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
        "Năm 2019, trong bối cảnh tình hình kinh tế thế giới và trong",
        "nước có nhiều khó khăn, thách thức, tỉnh đã tập trung chỉ đạo",
        "quyết liệt các cấp, các ngành.",
        "1. Về phát triển kinh tế",
        "",
        "tăng trưởng đạt 12,1%",
    ]
    assert join_wrapped_lines(lines, width) == [
        "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019",
        "Năm 2019, trong bối cảnh tình hình kinh tế thế giới và trong nước có nhiều khó khăn, thách "
        "thức, tỉnh đã tập trung chỉ đạo quyết liệt các cấp, các ngành.",
        "1. Về phát triển kinh tế",
        "tăng trưởng đạt 12,1%",
    ]


def test_tesseract_available_checks_the_languages():
    require_tool("tesseract", "to check its language list")
    assert tesseract_available("vie+eng")
    assert not tesseract_available("vie+xx-not-a-language")


@pytest.fixture(scope="module")
def png() -> bytes:
    return fx.png_bytes(fx.text_image())


def test_png_attachment_is_ocrd(png):
    require_tool("tesseract", "to OCR an image attachment")
    document = read_image(png, "scan.png", Limits())
    assert document.ocr and document.pages == 1 and document.error is None
    assert document.ocr_confidence is not None and document.ocr_confidence > 0.5
    assert [fold(block.text) for block in document.blocks] == [fold(line) for line in fx.SCAN_LINES]


def test_ocr_image_reads_a_png_directly(png):
    require_tool("tesseract", "to OCR an image")
    result = ocr_image(png, Limits(), dpi=200)
    assert "quang ninh" in fold(result.text) and result.words >= 20


def test_multi_page_tiff_is_ocrd_page_by_page():
    require_tool("tesseract", "to OCR a multi-page TIFF")
    first, second = fx.text_image(fx.SCAN_LINES[:1]), fx.text_image(fx.SCAN_LINES[2:])
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=[second], compression="tiff_deflate", dpi=(200, 200))
    document = read_image(out.getvalue(), "scan.tiff", Limits())
    assert document.pages == 2
    pages = {block.page: fold(block.text) for block in document.blocks}
    assert pages == {1: "uy ban nhan dan tinh quang ninh", 2: "kien nghi, de xuat voi bo ke hoach va dau tu"}


def test_image_without_ocr_needs_ocr_with_its_page_count():
    out = io.BytesIO()
    image = fx.text_image(fx.SCAN_LINES[:1])
    image.save(out, "TIFF", save_all=True, append_images=[image, image])
    document = read_image(out.getvalue(), "scan.tiff", Limits(ocr=False))
    assert (document.error, document.pages, document.blocks) == ("needs_ocr", 3, ())


def test_damaged_image_is_corrupt(png):
    with pytest.raises(DocumentError) as caught:
        read_image(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "x.png", Limits(ocr=False))
    assert caught.value.reason == "corrupt"


def test_decompression_bomb_is_too_large(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    out = io.BytesIO()
    Image.new("L", (200, 200), 255).save(out, "PNG")
    with pytest.raises(DocumentError) as caught:
        read_image(out.getvalue(), "x.png", Limits(ocr=False))
    assert caught.value.reason == "too_large"


def test_ocr_failure_is_reported_not_hidden():
    require_tool("tesseract", "to see it refuse a non-image")
    with pytest.raises(DocumentError) as caught:
        ocr_image(b"this is not an image", Limits())
    assert caught.value.reason == "ocr_failed"


def test_a_scan_ocr_finds_no_text_in_failed_and_one_not_ocrd_here_needs_ocr():
    """Two reasons kept apart: OCR ran and found nothing (the sender's scan: `ocr_failed`, ask for a
    PDF with text) and OCR switched off or not installed (ours: `needs_ocr`, the report waits in review)."""
    require_tool("tesseract", "to OCR a blank scan")
    blank = fx.png_bytes(Image.new("L", (1200, 1600), 255))
    failed = read_image(blank, "scan.png", Limits())
    assert (failed.error, failed.pages, failed.blocks, failed.ocr) == ("ocr_failed", 1, (), False)
    assert "PDF with text" in failed.detail
    here = read_image(blank, "scan.png", Limits(ocr=False))
    assert here.error == "needs_ocr" and "switched off" in here.detail


def test_no_page_to_ocr_is_ocr_switched_off():
    blank = fx.png_bytes(Image.new("L", (600, 800), 255))
    assert read_image(blank, "scan.png", Limits(ocr_max_pages=0)).error == "needs_ocr"
