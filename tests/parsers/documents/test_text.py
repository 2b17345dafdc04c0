"""Plain-text and HTML attachments of unknown charset: UTF-8, Vietnamese Windows (cp1258) and text
typed in a TCVN3 (.VnTime) or VNI font, each read back as the Unicode text it holds, and labelled."""

from __future__ import annotations

import pytest

from parsers.documents.read import read_document
from parsers.letter import decode_letter_text
from parsers.documents.text import html_to_text
from tests.parsers.documents.archive_fixtures import cp1258
from tests.parsers.test_vietnamese import to_tcvn3, to_tcvn3h, to_vni

HEADING = "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019"  # in .VnTimeH, the capitals font
PARAGRAPH = (
    "Năm 2019, Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh đã triển khai đồng bộ các chính sách, đề án "
    "về giảm nghèo, giải quyết việc làm và đào tạo nghề. Kết quả: tỷ lệ hộ nghèo giảm còn 1,45%; tạo việc làm "
    "mới cho 17.523 lao động; số người tham gia bảo hiểm xã hội tăng 8,2% so với năm 2018. Tuy nhiên, việc thực "
    "hiện một số chỉ tiêu còn chậm, nguồn lực còn hạn chế, nhất là ở các huyện miền núi, hải đảo."
)


def tcvn3_file() -> bytes:
    """A report saved as plain text from a .VnTime document: heading in .VnTimeH, body in .VnTime."""
    return (to_tcvn3h(HEADING) + "\r\n" + to_tcvn3(PARAGRAPH) + "\r\n").encode("latin-1")


def vni_file() -> bytes:
    return (to_vni(HEADING) + "\r\n" + to_vni(PARAGRAPH) + "\r\n").encode("cp1252")


def windows_file() -> bytes:
    """The same report saved by Notepad on Vietnamese Windows as "ANSI": cp1258, tones as combining marks."""
    return cp1258(HEADING + "\r\n" + PARAGRAPH + "\r\n")


def lines(document) -> list[str]:
    return [block.text for block in document.blocks]


@pytest.mark.parametrize(("data", "label"), [
    (tcvn3_file(), "tcvn3"),
    (vni_file(), "vni"),
    (windows_file(), None),
    ((HEADING + "\n" + PARAGRAPH).encode("utf-8"), None),
    ((HEADING + "\n" + PARAGRAPH).encode("utf-16"), None),
])  # fmt: skip
def test_a_text_attachment_reads_as_its_own_encoding(data, label):
    document = read_document(data, "bao-cao.txt", "text")
    assert (lines(document), document.legacy_encoding) == ([HEADING, PARAGRAPH], label)


def test_the_tcvn3_letters_cp1258_reads_otherwise_survive():
    data = tcvn3_file()
    assert {0xD5, 0xDD, 0xD2} <= set(data)  # ế í ề, which cp1258 reads as Ơ Ư and a combining hook
    assert "KƠt qu¶" in data.decode("cp1258")  # how cp1258 reads "Kết quả", before the TCVN3 table
    text = lines(read_document(data, "bao-cao.txt", "text"))[1]
    assert "Kết quả" in text and "chính sách, đề án" in text and text == PARAGRAPH


def test_an_html_attachment_in_tcvn3_and_in_cp1258():
    page = "<html><body><h1>{}</h1><p>{}</p></body></html>"
    tcvn3 = page.format(to_tcvn3h(HEADING), to_tcvn3(PARAGRAPH)).encode("latin-1")
    windows = cp1258(page.format(HEADING, PARAGRAPH))
    legacy, plain = read_document(tcvn3, "bc.html", "html"), read_document(windows, "bc.html", "html")
    assert (legacy.legacy_encoding, plain.legacy_encoding) == ("tcvn3", None)
    assert lines(legacy) == lines(plain) == [HEADING, PARAGRAPH]  # no Markdown marks (no "# ")


def test_a_tcvn3_html_attachment_is_decoded_once_from_its_bytes():
    """A table saved as a web page from a .VnTime document (Word puts the title in <head>): the bytes
    say TCVN3, but the visible text left after the markup has one legacy word, too little to tell by
    itself. The bytes' decision holds; deciding again on the text left it in cp1252 code points ("Tæng")."""
    page = ("<html><head><title>{}</title></head><body><table><tr><td>{}</td><td>17.523</td></tr>"
            "<tr><td>{}</td><td>1,45%</td></tr></table></body></html>")
    data = page.format(to_tcvn3(PARAGRAPH[:120]), to_tcvn3("Tổng"), to_tcvn3("Tổng")).encode("latin-1")
    document = read_document(data, "so-lieu.html", "html")
    assert (document.legacy_encoding, document.error) == ("tcvn3", None)
    assert [line for line in lines(document) if "Tổng" in line] and "Tæng" not in " ".join(lines(document))


def test_short_attachments():
    assert lines(read_document(to_tcvn3("Kết quả năm 2019").encode("latin-1"), "a.txt", "text")) == ["Kết quả năm 2019"]
    assert lines(read_document(cp1258("Đề án"), "a.txt", "text")) == ["Đề án"]
    ascii_only = read_document(b"Bao cao nam 2019\n", "a.txt", "text")
    assert (lines(ascii_only), ascii_only.legacy_encoding) == (["Bao cao nam 2019"], None)


def test_legacy_text_after_a_long_ascii_head_is_still_found():
    head = "".join(f"{row};{row * 7};0\r\n" for row in range(2500)).encode()  # 30 KB of figures first
    document = read_document(head + tcvn3_file(), "so-lieu.csv", "csv")
    assert (lines(document)[-2:], document.legacy_encoding) == ([HEADING, PARAGRAPH], "tcvn3")


def test_a_request_letter_saved_as_tcvn3_text_reads_right():
    assert decode_letter_text(to_tcvn3(PARAGRAPH).encode("latin-1")) == PARAGRAPH
    assert decode_letter_text(cp1258(PARAGRAPH)) == PARAGRAPH


def test_an_html_body_reads_as_plain_text_with_its_table_in_rows():
    """What a reader sees: no Markdown marks for bold, links or images, and a table's cells kept on
    their row (html2text gave `**Bộ**`, `[link](…)` and one cell per line)."""
    html = ("<p>Kính gửi: <b>Bộ Nội vụ</b> (<a href='https://example.vn/x'>văn bản</a>)<img src='logo.png' alt='logo'></p>"
            "<table><tr><td>Chỉ tiêu</td><td>Kết quả</td></tr><tr><td>Việc làm</td><td>35.120</td></tr></table>")
    text = html_to_text(html)
    assert "Kính gửi: Bộ Nội vụ (văn bản)" in text
    assert not any(mark in text for mark in ("**", "](", "![", "example.vn", "logo"))
    rows = [line.split() for line in text.splitlines() if "Việc làm" in line]
    assert rows == [["Việc", "làm", "35.120"]]
