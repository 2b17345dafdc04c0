"""Which mentions of a province speak for the sender (parsers.unit_mentions), in the wording of the
Sở Nội vụ reports of 2025-2026.

Resolution 202/2025/QH15 "sắp xếp" the 63 provinces into 34 from 1 July 2025; reports quote it
("sắp xếp tỉnh Hà Giang và tỉnh Tuyên Quang thành tỉnh Tuyên Quang") and speak of the merged ones.
A mention is former only when the words between the merger verb and it are a list of units; the same
verbs also merge offices and public service units ("sáp nhập các đơn vị sự nghiệp của tỉnh Lào Cai")
and "hợp nhất" also means consolidated ("Báo cáo hợp nhất"), which name today's province.
"""

from __future__ import annotations

import pytest

from parsers import signals, unit_mentions
from parsers.registry import builtin, find_units
from parsers.unit_mentions import former_mention
from tests.parsers.test_identify import has
from tests.parsers.test_identify_2026 import NO_PROVINCE, report_2026, run26

VN34 = builtin("vn34")
T, F = True, False


@pytest.mark.parametrize(("text", "former"), [
    # The Resolution's own term and its wording, quoted in reports.
    ("sắp xếp tỉnh Hà Giang và tỉnh Tuyên Quang thành tỉnh Tuyên Quang", [T, T, F]),
    ("Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của tỉnh Hà Giang và tỉnh Tuyên Quang thành tỉnh mới "
     "có tên gọi là tỉnh Tuyên Quang", [T, T, F]),
    ("tỉnh Yên Bái và tỉnh Lào Cai được sắp xếp thành tỉnh Lào Cai", [T, T, F]),
    ("Thực hiện Nghị quyết số 202/2025/QH15, sắp xếp tỉnh Hà Giang và tỉnh Tuyên Quang thành tỉnh Tuyên Quang; "
     "tỉnh Yên Bái và tỉnh Lào Cai thành tỉnh Lào Cai.", [T, T, F, T, T, F]),
    ("sắp xếp, hợp nhất tỉnh Hà Giang và tỉnh Tuyên Quang", [T, T]),
    ("trên cơ sở hợp nhất hai tỉnh Hà Giang và Tuyên Quang", [T, T]),
    ("sáp nhập TP. Hồ Chí Minh, tỉnh Bình Dương và tỉnh Bà Rịa - Vũng Tàu thành Thành phố Hồ Chí Minh",
     [T, T, T, F]),
    ("hợp nhất tỉnh Bắc Kạn với tỉnh Thái Nguyên", [T, T]),
    ("trên địa bàn hai tỉnh Hà Giang và Tuyên Quang trước sắp xếp", [T, T]),
    ("trên địa bàn tỉnh Hà Giang trước đây, nay là tỉnh Tuyên Quang", [T, F]),
    ("số liệu của tỉnh Bắc Kạn trước thời điểm sắp xếp", [T]),
    ("Hai tỉnh Hà Giang và Tuyên Quang hợp nhất thành tỉnh Tuyên Quang", [T, T, F]),
    ("Ủy ban nhân dân tỉnh Bắc Kạn và Ủy ban nhân dân tỉnh Thái Nguyên (trước khi hợp nhất)", [T, T]),
    # The same verbs about offices, units and figures, or after the merger: today's province.
    ("Báo cáo hợp nhất của tỉnh Lào Cai", [F]),
    ("Báo cáo hợp nhất tỉnh Lào Cai năm 2025", [F]),
    ("kết quả sáp nhập các đơn vị sự nghiệp của tỉnh Lào Cai", [F]),
    ("sắp xếp tổ chức bộ máy của tỉnh Lào Cai", [F]),
    ("Đề án sắp xếp, tinh gọn tổ chức bộ máy tỉnh Lào Cai", [F]),
    ("bố trí, sắp xếp cán bộ, công chức của Sở Nội vụ tỉnh Lào Cai", [F]),
    ("Thực hiện sắp xếp đơn vị hành chính cấp xã, tỉnh Lào Cai còn 99 xã, phường", [F]),
    ("Sau khi thực hiện sắp xếp, tỉnh Tuyên Quang có 124 xã, phường", [F]),
    ("Sau khi thực hiện sắp xếp tỉnh Tuyên Quang có 124 xã, phường", [F]),
    ("Sau sáp nhập, tỉnh Lào Cai có 99 xã, phường", [F]),
    ("tỉnh Tuyên Quang (sau sáp nhập)", [F]),
    ("Sở Nội vụ tỉnh Lào Cai trước ngày 15/12/2025 gửi báo cáo", [F]),
    ("Các xã của tỉnh Tuyên Quang được sắp xếp thành 124 xã, phường", [F]),
    ("công chức Sở Nội vụ tỉnh Lào Cai được sắp xếp vào các phòng chuyên môn", [F]),
    ("Sở Nội vụ tỉnh Lào Cai được thành lập trên cơ sở hợp nhất Sở Nội vụ và Sở Lao động - Thương binh và "
     "Xã hội tỉnh Lào Cai", [F, F]),
])  # fmt: skip
def test_former_provinces_in_the_wording_of_2025_2026_reports(text, former):
    found = find_units(text, VN34)
    assert len(found) == len(former), [text[m.start: m.end] for m in found]
    assert [former_mention(text, m) for m in found] == former


def test_a_units_own_merger_of_public_service_units_names_it():
    """Routine Sở Nội vụ wording: the only province named is the sender's, and it must count."""
    opening = "Sở Nội vụ báo cáo kết quả sáp nhập các đơn vị sự nghiệp của tỉnh Lào Cai như sau:"
    result = run26(report_2026(**{**NO_PROVINCE, "opening": opening}))
    assert result.unit == "15" and has(result, "document text: tỉnh Lào Cai → 15")


def test_a_quoted_resolution_names_no_former_province_of_another_unit():
    opening = ("Thực hiện Nghị quyết số 202/2025/QH15, sắp xếp tỉnh Hà Giang và tỉnh Tuyên Quang thành tỉnh "
               "Tuyên Quang; Sở Nội vụ báo cáo như sau:")
    result = run26(report_2026(issuer="UBND TỈNH CAO BẰNG\nSỞ NỘI VỤ", place="Cao Bằng", opening=opening))
    assert (result.unit, result.state) == ("04", "accepted") and not has(result, "Hà Giang")


@pytest.mark.parametrize(("line", "person"), [
    ("Nguyễn Thị Thanh Hoa", T), ("Lê Bình Định", T), ("HOÀNG THỊ HÀ TĨNH", T), ("Hà Giang", F),
    ("Cao Bằng", F), ("Sở Nội vụ tỉnh Tuyên Quang", F), ("Phó Giám đốc", F),
])  # fmt: skip
def test_one_rule_tells_a_persons_name_for_signatures_and_senders(line, person):
    """A display name and a signature line are told by the same rule (parsers.unit_mentions)."""
    assert signals.looks_like_person is unit_mentions.looks_like_person
    assert not hasattr(unit_mentions, "_person_line")
    assert unit_mentions.looks_like_person(line) is person
