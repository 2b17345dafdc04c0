"""The built-in province registries (vn63, vn34), the unit matcher, domains and operators' CSV files."""

from __future__ import annotations

import time
import unicodedata
from datetime import date, datetime

import pytest

from parsers.registry import (
    builtin,
    find_units,
    load_contacts_csv,
    load_registry_csv,
    predecessors,
    registry_for,
    successor,
    unit_for_domain,
)

VN63 = builtin("vn63")
VN34 = builtin("vn34")
REUSED_CODES = {"15", "24", "44", "52", "80", "82", "91"}


def codes(text: str, registry=VN63, **options) -> list[str]:
    return [mention.code for mention in find_units(text, registry, **options)]


def found(text: str, registry=VN63) -> list[tuple[str, str, str]]:
    return [(m.code, text[m.start : m.end], m.kind) for m in find_units(text, registry)]


# --- The sets and the mapping --------------------------------------------------------------------
def test_counts_and_codes() -> None:
    assert len(VN63.units) == 63 and len(set(VN63.codes)) == 63
    assert len(VN34.units) == 34 and len(set(VN34.codes)) == 34
    assert all(len(code) == 2 and code.isdigit() for code in VN63.codes + VN34.codes)
    assert VN63.unit("01").full_name == "Thành phố Hà Nội"
    assert VN63.unit("96").name == "Cà Mau"
    assert VN63.unit("46").name == "Thừa Thiên Huế"
    assert VN63.unit("22").full_name == "Tỉnh Quảng Ninh"
    assert VN34.unit("46").full_name == "Thành phố Huế"
    assert (VN63.valid_until, VN34.valid_from) == (date(2025, 6, 30), date(2025, 7, 1))


def test_reused_codes_name_other_provinces() -> None:
    renamed = {code for code in set(VN63.codes) & set(VN34.codes) if VN63.unit(code).name != VN34.unit(code).name}
    assert renamed == REUSED_CODES | {"46"}
    assert predecessors("46") == ("46",)  # Thừa Thiên Huế became Thành phố Huế: a rename, not another province
    # A new unit carries the name of one old province; for the seven reused codes that one had another code.
    for code in set(VN34.codes) - {"46"}:
        (named_after,) = [old for old in predecessors(code) if VN63.unit(old).name == VN34.unit(code).name]
        assert (named_after != code) == (code in REUSED_CODES), code
    assert (VN63.unit("15").name, VN34.unit("15").name) == ("Yên Bái", "Lào Cai")
    assert (VN63.unit("91").name, VN34.unit("91").name) == ("Kiên Giang", "An Giang")


def test_every_old_province_has_one_successor_and_every_new_unit_a_predecessor() -> None:
    assert all(successor(code) in VN34 for code in VN63.codes)
    merged = [predecessors(code) for code in VN34.codes]
    assert all(merged)
    assert sorted(code for group in merged for code in group) == sorted(VN63.codes)
    assert predecessors("79") == ("74", "77", "79")
    assert successor("77") == "79" and successor("02") == "08" and successor("10") == "15"
    with pytest.raises(KeyError):
        successor("03")


def test_registry_for_the_merger_date() -> None:
    assert registry_for(date(2019, 12, 15)).name == "vn63"
    assert registry_for(date(2025, 6, 30)).name == "vn63"
    assert registry_for(date(2025, 7, 1)).name == "vn34"
    assert registry_for(datetime(2025, 7, 1, 0, 5)).name == "vn34"
    assert builtin("vn63") is VN63
    with pytest.raises(ValueError, match="vn63"):
        builtin("vn62")


def test_data_is_nfc() -> None:
    for unit in VN63.units + VN34.units:
        for text in (unit.name, unit.full_name, *unit.aliases, *unit.cities):
            assert unicodedata.is_normalized("NFC", text), text


def test_vn34_units_inherit_predecessors_names() -> None:
    hcm = VN34.unit("79")
    assert {"Bình Dương", "Bà Rịa - Vũng Tàu", "TP.HCM"} <= set(hcm.aliases)
    assert {"Thủ Dầu Một", "Vũng Tàu"} <= set(hcm.cities)
    assert "binhduong.gov.vn" in hcm.domains


# --- Aliases, one family at a time ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "22"),
        ("UBND TỈNH QUẢNG NINH", "22"),
        ("Sở Lao động - Thương binh và Xã hội tỉnh Quang Ninh", "22"),
        ("UBND THÀNH PHỐ HÀ NỘI", "01"),
        ("TP. Hà Nội", "01"),
        ("TP Hải Phòng", "31"),
        ("Thanh pho Ha Noi", "01"),
        ("Sở LĐTBXH Hanoi", "01"),
        ("Sở LĐTBXH HN", "01"),
        ("Sở LĐTBXH TP.HCM", "79"),
        ("Sở LĐTBXH TP. HCM", "79"),
        ("Sở LĐTBXH TPHCM", "79"),
        ("Sở LĐTBXH HCM", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("TP. Hồ Chí Minh", "79"),
        ("Sài Gòn", "79"),
        ("Sai Gon", "79"),
        ("Sở LĐTBXH BR-VT", "77"),
        ("Sở LĐTBXH BRVT", "77"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "77"),
        ("Tỉnh Bà Rịa – Vũng Tàu", "77"),
        ("Tỉnh Bà Rịa Vũng Tàu", "77"),
        ("Tỉnh Thừa Thiên Huế", "46"),
        ("Tỉnh Thừa Thiên - Huế", "46"),
        ("Sở LĐTBXH TT-Huế", "46"),
        ("Sở LĐTBXH TTH", "46"),
        ("Tỉnh Đắk Lắk", "66"),
        ("Tỉnh Đăk Lăk", "66"),
        ("Tỉnh Dak Lak", "66"),
        ("Tỉnh DakLak", "66"),
        ("Tỉnh Đắc Lắc", "66"),
        ("Tỉnh Đắk Nông", "67"),
        ("Tỉnh Dak Nong", "67"),
        ("Tỉnh Kon Tum", "62"),
        ("Tỉnh Kontum", "62"),
        ("Tỉnh Bắc Kạn", "06"),
        ("Tỉnh Bắc Cạn", "06"),
        ("Tỉnh Hòa Bình", "17"),
        ("Tỉnh Hoà Bình", "17"),
        ("Tỉnh Khánh Hòa", "56"),
        ("Tỉnh Khánh Hoà", "56"),
        ("Tỉnh Thanh Hóa", "38"),
        ("Tỉnh Thanh Hoá", "38"),
        ("Tỉnh Quảng Bình", "44"),
        ("TỈNH QUẢNG BÌNH", "44"),
        ("quang_ninh", None),  # lower case: only with any_case (see below)
    ],
)
def test_alias_families(text: str, code: str | None) -> None:
    assert codes(text) == ([code] if code else [])


@pytest.mark.parametrize(
    ("old", "new"),
    [("Hoà Bình", "Hòa Bình"), ("Khánh Hoà", "Khánh Hòa"), ("Thanh Hoá", "Thanh Hóa"), ("Biên Hoà", "Biên Hòa")],
)
def test_old_and_new_tone_placement_match_alike(old: str, new: str) -> None:
    assert old != new
    text_old, text_new = f"Thành phố {old}", f"Thành phố {new}"
    assert len(codes(text_old)) == 1
    assert codes(text_old) == codes(text_new)


def test_decomposed_text_keeps_original_positions() -> None:
    text = "Kính gửi: Bộ LĐTBXH. " + unicodedata.normalize("NFD", "UBND tỉnh Quảng Ninh") + " báo cáo"
    (mention,) = find_units(text, VN63)
    assert mention.code == "22"
    assert text[mention.start : mention.end] == unicodedata.normalize("NFD", "UBND tỉnh Quảng Ninh")


def test_capital_letter_is_required_unless_any_case() -> None:
    assert codes("giữ vững hòa bình, ổn định") == []
    assert codes("tỷ lệ hộ nghèo cao bằng năm trước") == []
    assert codes("bao_cao_quang_ninh_2019", any_case=True) == ["22"]
    assert codes("so ldtbxh ha noi", any_case=True) == ["01"]


# --- Short aliases: whole words, as written ------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sở LĐTBXH HN", ["01"]),
        ("JOHN SMITH", []),
        ("Ông John đến", []),
        ("về việc hn báo cáo", []),
        ("Hn", []),
        ("HN2019", []),
        ("Sở LĐTBXH (HCM)", ["79"]),
        ("Báo cáo TTH năm 2019", ["46"]),
        ("tth năm 2019", []),
        ("Nguyễn Thị Huệ", []),
    ],
)
def test_short_aliases_match_only_as_whole_words_in_capitals(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


# --- Longest match and cities --------------------------------------------------------------------
def test_longest_match_wins() -> None:
    assert found("UBND tỉnh Bà Rịa - Vũng Tàu") == [("77", "UBND tỉnh Bà Rịa - Vũng Tàu", "name")]
    assert found("Tỉnh Thừa Thiên Huế") == [("46", "Tỉnh Thừa Thiên Huế", "name")]
    assert found("Thành phố Bà Rịa") == [("77", "Thành phố Bà Rịa", "city")]
    assert found("Tỉnh Trà Vinh") == [("84", "Tỉnh Trà Vinh", "name")]
    assert found("Phan Rang - Tháp Chàm") == [("58", "Phan Rang - Tháp Chàm", "city")]


@pytest.mark.parametrize(
    ("text", "vn63", "vn34"),
    [
        ("Buôn Ma Thuột, ngày 12 tháng 12 năm 2019", "66", "66"),
        ("Hạ Long, ngày 10 tháng 12 năm 2019", "22", "22"),
        ("Vinh, ngày 09 tháng 12 năm 2019", "40", "40"),
        ("Đà Lạt, ngày 11 tháng 12 năm 2019", "68", "68"),
        ("Bảo Lộc, ngày 11 tháng 12 năm 2019", "68", "68"),
        ("Quy Nhơn, ngày 13 tháng 12 năm 2019", "52", "52"),
        ("Nha Trang, ngày 13 tháng 12 năm 2019", "56", "56"),
        ("Biên Hòa, ngày 13 tháng 12 năm 2019", "75", "75"),
        ("Thủ Dầu Một, ngày 13 tháng 12 năm 2019", "74", "79"),
        ("Việt Trì, ngày 13 tháng 12 năm 2019", "25", "25"),
        ("Thái Nguyên, ngày 13 tháng 12 năm 2019", "19", "19"),
        ("Pleiku, ngày 13 tháng 12 năm 2019", "64", "52"),
        ("Rạch Giá, ngày 13 tháng 12 năm 2019", "91", "91"),
        ("Long Xuyên, ngày 13 tháng 12 năm 2019", "89", "91"),
        ("Cao Lãnh, ngày 13 tháng 12 năm 2019", "87", "82"),
        ("Mỹ Tho, ngày 13 tháng 12 năm 2019", "82", "82"),
        ("Huế, ngày 13 tháng 12 năm 2019", "46", "46"),
        ("Vũng Tàu, ngày 13 tháng 12 năm 2019", "77", "79"),
    ],
)
def test_capitals_in_the_place_date_line(text: str, vn63: str, vn34: str) -> None:
    assert codes(text) == [vn63]
    assert codes(text, VN34) == [vn34]
    assert find_units(text, VN63)[0].kind in ("city", "name")


def test_vinh_is_the_city_only_with_a_prefix_or_a_date() -> None:
    assert codes("Thành phố Vinh, tỉnh Nghệ An") == ["40", "40"]
    assert codes("UBND TP Vinh") == ["40"]
    assert codes("Tỉnh Vĩnh Long") == ["86"]
    assert codes("Vinh Long, ngày 10 tháng 12 năm 2019") == ["86"]
    assert codes("Tỉnh Vĩnh Phúc") == ["26"]
    assert codes("Vĩnh, ngày 10 tháng 12 năm 2019") == []
    assert codes("Người ký: Nguyễn Văn Vinh") == []
    assert codes("Thành phố Vĩnh Yên") == ["26"]


def test_contextual_names_need_a_prefix() -> None:
    text = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
    assert codes(text) == []
    assert codes("Đoàn TNCS Hồ Chí Minh tại TP. Hồ Chí Minh") == ["79"]


def test_a_letterhead_names_its_province() -> None:
    text = (
        "UBND TỈNH QUẢNG NINH\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 3012/BC-SLĐTBXH\nQuảng Ninh, ngày 10 tháng 12 năm 2019\n"
        "BÁO CÁO\nKết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020"
    )
    mentions = find_units(text, VN63)
    assert [m.code for m in mentions] == ["22", "22"]
    assert text[mentions[0].start : mentions[0].end] == "UBND TỈNH QUẢNG NINH"


# --- Domains -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("address", "vn63", "vn34"),
    [
        ("sldtbxh@quangninh.gov.vn", "22", "22"),
        ("Sở LĐTBXH <vanphong@sldtbxh.quangninh.gov.vn>", "22", "22"),
        ("QuangNinh.gov.vn.", "22", "22"),
        ("hanoi.gov.vn", "01", "01"),
        ("x@hochiminhcity.gov.vn", "79", "79"),
        ("x@tphcm.gov.vn", "79", "79"),
        ("x@daklak.gov.vn", "66", "66"),
        ("x@thuathienhue.gov.vn", "46", "46"),
        ("x@hue.gov.vn", "46", "46"),
        ("x@baria-vungtau.gov.vn", "77", "79"),
        ("x@angiang.gov.vn", "89", "91"),
        ("x@binhduong.gov.vn", "74", "79"),
        ("x@notquangninh.gov.vn", None, None),
        ("x@gmail.com", None, None),
        ("", None, None),
    ],
)
def test_unit_for_domain(address: str, vn63: str | None, vn34: str | None) -> None:
    assert unit_for_domain(address, VN63) == vn63
    assert unit_for_domain(address, VN34) == vn34


def test_every_province_has_a_domain() -> None:
    assert all(unit.domains for unit in VN63.units)
    assert all(unit_for_domain(f"vp@{unit.domains[0]}", VN63) == unit.code for unit in VN63.units)


# --- Operators' CSV files ------------------------------------------------------------------------
CUSTOM = """code,name,full_name,aliases,domains
QN,Quảng Ninh,Sở LĐTBXH tỉnh Quảng Ninh,Sở Quảng Ninh;SLĐTBXH QN,quangninh.gov.vn
HP,Hải Phòng,,,
"""


def test_operator_registry(tmp_path) -> None:
    registry = load_registry_csv(CUSTOM, name="so-ld")
    assert registry.codes == ("QN", "HP")
    assert registry.unit("HP").full_name == "Hải Phòng"
    assert registry.unit("QN").aliases == ("Sở Quảng Ninh", "SLĐTBXH QN")
    assert codes("Kính gửi: Sở Quảng Ninh; TP Hải Phòng", registry) == ["QN", "HP"]
    assert unit_for_domain("a@sldtbxh.quangninh.gov.vn", registry) == "QN"
    path = tmp_path / "units.csv"
    path.write_text("\ufeff" + CUSTOM, encoding="utf-8")
    assert load_registry_csv(path).codes == ("QN", "HP")
    assert load_registry_csv(str(path)).codes == ("QN", "HP")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,title\n01,Hà Nội\n", "line 1: missing column"),
        ("code,name,alias\n01,Hà Nội,HN\n", "line 1: unknown column"),
        ("code,name\n01,Hà Nội\n01,Hà Nam\n", "line 3: unit code '01' already on line 2"),
        ("code,name\n01,Hà Nội\n02,\n", "line 3: a unit needs"),
        ("code,name,aliases\n01,Hà Nội,\n02,Hà Nam,Ha Noi\n", "line 3: 'Ha Noi' already names unit 01"),
        ("code,name,aliases\n01,Hà Nội,\n02,Hà Nam,Hà-Nội\n", "line 3: 'Hà-Nội' already names unit 01"),
        ("code,name,domains\n01,Hà Nội,ha noi\n", "line 2: 'ha noi' is not a domain"),
        ("code,name\n", "no units"),
    ],
)
def test_operator_registry_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_registry_csv(text)


def test_contacts() -> None:
    text = (
        "unit,email,name\n22,VanPhong@SLDTBXH.QuangNinh.gov.vn,Văn phòng Sở\n"
        "22,khtc.sldtbxh@quangninh.gov.vn,Phòng KH-TC\n\n01,sldtbxh@hanoi.gov.vn,\n"
        "22,vanphong@sldtbxh.quangninh.gov.vn,Văn phòng Sở\n"
    )
    assert load_contacts_csv(text, VN63) == {
        "22": [("vanphong@sldtbxh.quangninh.gov.vn", "Văn phòng Sở"), ("khtc.sldtbxh@quangninh.gov.vn", "Phòng KH-TC")],
        "01": [("sldtbxh@hanoi.gov.vn", "")],
    }
    assert load_contacts_csv("unit,email\n22,a@quangninh.gov.vn\n") == {"22": [("a@quangninh.gov.vn", "")]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("unit,mail\n22,a@b.vn\n", "line 1: missing column"),
        ("unit,email\n22,a@b.vn\n22,not an address\n", "line 3: 'not an address' is not an e-mail"),
        ("unit,email\n22,a@b.vn\n,b@b.vn\n", "line 3: no unit code"),
        ("unit,email\n22,a@b.vn\n\n99,b@b.vn\n", "line 4: unit '99' is not in registry 'vn63'"),
    ],
)
def test_contacts_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_contacts_csv(text, VN63)


# --- Speed ---------------------------------------------------------------------------------------
def test_matching_a_twenty_page_report_is_fast() -> None:
    page = (
        "UBND TỈNH QUẢNG NINH\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nQuảng Ninh, ngày 10 tháng 12 năm 2019\n"
        "Thực hiện Công văn số 5025/LĐTBXH-KHTC ngày 15/11/2019 của Bộ Lao động - Thương binh và Xã hội, "
        "Sở Lao động - Thương binh và Xã hội báo cáo kết quả thực hiện nhiệm vụ năm 2019 như sau. "
        "Giải quyết việc làm cho 24.744 lao động, đạt 103% kế hoạch năm, tăng 2,1% so với năm 2018. "
        "Phối hợp với các tỉnh Hải Dương, Bắc Giang, Lạng Sơn và thành phố Hải Phòng trong tuyển sinh. "
        "Chi trả kịp thời trợ cấp ưu đãi hằng tháng cho 12.350 người có công với cách mạng. "
    ) * 6
    text = page * 20
    assert len(text) > 60_000
    find_units("warm up", VN63)
    started = time.perf_counter()
    mentions = find_units(text, VN63)
    elapsed = time.perf_counter() - started
    assert len(mentions) == 20 * 6 * 6
    print(f"find_units: {elapsed * 1000:.1f} ms on {len(text)} characters")
    assert elapsed < 0.5, f"find_units took {elapsed:.3f} s on {len(text)} characters"


def test_codes_naming_a_unit_are_exactly_those_code_in_maps_to_it():
    from parsers.registry import builtin, code_in, codes_naming, predecessors

    for registry in ("vn63", "vn34"):
        for unit in builtin(registry).units:
            naming = codes_naming(unit.code, registry)
            other = "vn34" if registry == "vn63" else "vn63"
            assert naming[registry] == naming[None] == (unit.code,)
            assert set(naming[other]) == {u.code for u in builtin(other).units
                                          if code_in(u.code, other, registry) == unit.code}
    assert set(codes_naming("22", "vn34")["vn63"]) == {"22"}  # Quảng Ninh kept its borders
    merged = next(u.code for u in builtin("vn34").units if len(predecessors(u.code)) > 1)
    assert set(codes_naming(merged, "vn34")["vn63"]) == set(predecessors(merged))  # each province merged in
    assert codes_naming(predecessors(merged)[0], "vn63")["vn34"] == ()  # the merged unit stands for several


def test_a_code_the_registry_lacks_names_no_unit():
    from parsers.registry import code_in

    assert code_in("74", None, "vn34") is None  # Bình Dương: vn63 only (now part of Hồ Chí Minh)
    assert code_in("74", "vn34", "vn34") is None
    assert code_in("74", None, "vn63") == "74"
    assert code_in("79", None, "vn34") == "79"
    assert code_in("74", "vn63", "vn34") == "79"  # its successor, when the registry is known
