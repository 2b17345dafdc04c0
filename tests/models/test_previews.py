"""What a reviewer reads of a stored document: its letterhead and the opening of its body (pure)."""

from __future__ import annotations

from models.previews import OPENING_CHARS, opening, preview

COVER = {"issuer_lines": ["UBND TỈNH ĐỒNG NAI"], "number": "12/SLĐTBXH-VP", "title": "CÔNG VĂN",
         "subject": "V/v gửi báo cáo năm 2019", "place": "Đồng Nai", "date_text": "ngày 1 tháng 12 năm 2019",
         "evidence": ["UBND TỈNH ĐỒNG NAI", "Số: 12/SLĐTBXH-VP", "V/v gửi báo cáo năm 2019"]}
REPORT = {"issuer_lines": ["UBND TỈNH ĐỒNG NAI", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"], "number": "1329/BC-SLĐTBXH",
          "place": "Đồng Nai", "date_text": "ngày 2 tháng 12 năm 2019", "title": "BÁO CÁO",
          "subject": "Kết quả thực hiện công tác giảm nghèo năm 2019",
          "evidence": ["UBND TỈNH ĐỒNG NAI", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Số: 1329/BC-SLĐTBXH",
                       "Đồng Nai, ngày 2 tháng 12 năm 2019", "BÁO CÁO",
                       "Kết quả thực hiện công tác giảm nghèo năm 2019"]}
LONG = "Năm 2019, toàn tỉnh đã giảm được 1.234 hộ nghèo, đạt 102% kế hoạch, tăng 1% so với năm trước. " * 8


def blocks() -> list[dict]:
    """A covering letter, then the report in the same file, as models.documents stores blocks."""
    return [
        {"kind": "table", "text": "UBND TỈNH ĐỒNG NAI\tCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 12/SLĐTBXH-VP\t"
                                  "Đồng Nai, ngày 1 tháng 12 năm 2019"},
        {"kind": "paragraph", "text": "V/v gửi báo cáo năm 2019"},
        {"kind": "paragraph", "text": "Sở gửi kèm theo báo cáo giảm nghèo."},
        {"kind": "table", "text": "UBND TỈNH ĐỒNG NAI\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\tCỘNG HOÀ XÃ HỘI CHỦ NGHĨA "
                                  "VIỆT NAM\nSố: 1329/BC-SLĐTBXH\tĐồng Nai, ngày 2 tháng 12 năm 2019"},
        {"kind": "paragraph", "text": "BÁO CÁO", "bold": True},
        {"kind": "paragraph", "text": "Kết quả thực hiện công tác giảm nghèo năm 2019", "bold": True},
        {"kind": "paragraph", "text": "Trang 1", "region": "header"},
        {"kind": "heading", "text": "KẾT QUẢ GIẢM NGHÈO", "numbering": "I.", "level": 1},
        {"kind": "table", "text": "Chỉ tiêu\tKết quả"},
        {"kind": "paragraph", "text": LONG},
        {"kind": "paragraph", "text": "Đoạn không được hiện."},
    ]


def test_the_report_s_letterhead_and_the_opening_after_it():
    shown = preview("bc.docx", REPORT, [{"role": "covering_letter", "letterhead": COVER},
                                        {"role": "report", "letterhead": REPORT}], blocks())
    assert shown.issuer_lines == ("UBND TỈNH ĐỒNG NAI", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
    assert (shown.number, shown.date_line) == ("1329/BC-SLĐTBXH", "Đồng Nai, ngày 2 tháng 12 năm 2019")
    assert (shown.title, shown.subject) == ("BÁO CÁO", "Kết quả thực hiện công tác giảm nghèo năm 2019")
    # The body after the report's letterhead: not the covering letter, the page header or the table.
    assert shown.opening[0] == "I. KẾT QUẢ GIẢM NGHÈO"
    assert shown.opening[1].startswith("Năm 2019, toàn tỉnh") and shown.opening[1].endswith(" …")
    assert len(shown.opening) == 2 and sum(map(len, shown.opening)) <= OPENING_CHARS + 2
    assert [(p.role, p.number, p.subject) for p in shown.other_parts] == [
        ("covering_letter", "12/SLĐTBXH-VP", "V/v gửi báo cáo năm 2019")]


def test_without_a_letterhead_the_opening_starts_at_the_top():
    shown = preview("bc.pdf", None, [], blocks()[4:6])
    assert shown.issuer_lines == () and shown.number is None and shown.date_line is None
    assert shown.opening == ("BÁO CÁO", "Kết quả thực hiện công tác giảm nghèo năm 2019")


def test_short_text_is_shown_whole():
    assert opening([{"kind": "paragraph", "text": "  Một   đoạn  ngắn. "}], ()) == ("Một đoạn ngắn.",)
    assert opening([], ("BÁO CÁO",)) == ()
