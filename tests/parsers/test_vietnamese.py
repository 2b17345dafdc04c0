import subprocess
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.servers.availability import require_tool, unavailable

from parsers.vietnamese import (
    convert_legacy,
    detect_legacy,
    fix_legacy,
    fold,
    legacy_encoding_for_font,
    parse_number,
    parse_percent,
    decode_8bit,
    syllable_score,
)
from tests.parsers.documents.archive_fixtures import cp1258

# Encoders for the round trips, written out here in Unicode order, apart from the module's
# byte-ordered tables, so that a slip in either one makes the round trip fail.
# TCVN3 (VN3): lower-case letters and the seven untoned capitals; toned capitals need an H font.
_TCVN3_UNICODE = "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵĂÂĐÊÔƠƯ"
_TCVN3_LEGACY = "µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊË®ÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞßáâãä«åæçèé¬êëìíîïñòóô\xadõö÷øùúûüýþ¡¢§£¤¥¦"
TCVN3_OF = dict(zip(_TCVN3_UNICODE, _TCVN3_LEGACY, strict=True))
# VNI: lower case; a capital is the same sequence in capitals (AØ, ÔÙ, Ñ, Î).
VNI_OF = {
    "à": "aø", "ả": "aû", "ã": "aõ", "á": "aù", "ạ": "aï",
    "ă": "aê", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ắ": "aé", "ặ": "aë",
    "â": "aâ", "ầ": "aà", "ẩ": "aå", "ẫ": "aã", "ấ": "aá", "ậ": "aä",
    "è": "eø", "ẻ": "eû", "ẽ": "eõ", "é": "eù", "ẹ": "eï",
    "ê": "eâ", "ề": "eà", "ể": "eå", "ễ": "eã", "ế": "eá", "ệ": "eä",
    "ì": "ì", "ỉ": "æ", "ĩ": "ó", "í": "í", "ị": "ò",
    "ò": "oø", "ỏ": "oû", "õ": "oõ", "ó": "où", "ọ": "oï",
    "ô": "oâ", "ồ": "oà", "ổ": "oå", "ỗ": "oã", "ố": "oá", "ộ": "oä",
    "ơ": "ô", "ờ": "ôø", "ở": "ôû", "ỡ": "ôõ", "ớ": "ôù", "ợ": "ôï",
    "ù": "uø", "ủ": "uû", "ũ": "uõ", "ú": "uù", "ụ": "uï",
    "ư": "ö", "ừ": "öø", "ử": "öû", "ữ": "öõ", "ứ": "öù", "ự": "öï",
    "ỳ": "yø", "ỷ": "yû", "ỹ": "yõ", "ý": "yù", "ỵ": "î",
    "đ": "ñ",
}  # fmt: skip

VIET_LOWER = "".join(VNI_OF)  # every non-ASCII Vietnamese letter, lower case
VIET_UPPER = VIET_LOWER.upper()
assert len(VIET_LOWER) == 67 == len(set(VIET_UPPER))


def to_tcvn3(text: str) -> str:
    return "".join(TCVN3_OF.get(c, c) for c in text)


def to_tcvn3h(text: str) -> str:
    """All-capitals text as typed with caps lock in an H font: toned letters take the lower-case slots."""
    return "".join(c if c.isascii() else TCVN3_OF.get(c, TCVN3_OF.get(c.lower(), c)) for c in text)


def to_vni(text: str) -> str:
    return "".join(
        VNI_OF[c] if c in VNI_OF else VNI_OF[c.lower()].upper() if c.lower() in VNI_OF else c for c in text
    )


# Every tone on every vowel, ư ơ ă â ê ô đ, in real sentences. Their capitals have no tone, so
# plain .VnTime can hold them.
SENTENCES = [
    "Sở Lao động - Thương binh và Xã hội",
    "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Báo cáo số 123/BC-UBND ngày 15 tháng 7 năm 2023 về kết quả thực hiện nhiệm vụ",
    "Tỷ lệ hộ nghèo giảm còn 3,5%; thu ngân sách đạt 24.744 tỷ đồng.",
    "Ăn quả nhớ kẻ trồng cây, uống nước nhớ nguồn.",
    "Ơn nghĩa sinh thành; Ưu tiên người có công; Âu Cơ; Ê-đê; Ông bà.",
    "Kỹ thuật viên sẵn sàng, cẳng chân mỏi, nặng nhọc vẫn còn mẩu giấy.",
    "Dễ dàng, thể thao, đỗ đạt, cổ phần, lỡ hẹn, ở lại, giữ gìn, sử dụng, kĩ lưỡng.",
    "Chỉ đạo của cải, chõ xôi nhỏ, vẽ tranh, kẻ vở, quỵ ngã, Mỵ Châu, ỳ ạch, thuở ấy.",
    "Uỷ ban nhân dân tỉnh Thừa Thiên Huế, người dân ở Đắk Lắk và Bà Rịa - Vũng Tàu.",
    "Chuyển tiếp; khuyến khích; nghiêng ngả; giếng nước; ngoằn ngoèo; khuỷu tay; oẳn tù tì.",
]
CAPITALS = [
    "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ",
    "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM 2023: ĐẮK LẮK, BÀ RỊA - VŨNG TÀU, KỸ, QUỴ, ẲNG, ẴNG, Ỡ, Ữ",
]
WORDS = sorted({w.strip(".,;:-") for s in SENTENCES + CAPITALS for w in s.split()} - {"", "-"})


# --- Fonts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", "tcvn3"),
        (".VnArial", "tcvn3"),
        (".vntime", "tcvn3"),
        (".VnBook-Antiqua", "tcvn3"),
        (".VnArial Narrow", "tcvn3"),
        (".VnTimeH", "tcvn3h"),
        (".VnArialH", "tcvn3h"),
        (".VnArial NarrowH", "tcvn3h"),
        (".VNTIMEH", "tcvn3h"),
        ("ABCDEF+.VnTimeH,Bold", "tcvn3h"),
        (".VnTimeH-BoldItalic", "tcvn3h"),
        (".VnTime-Bold", "tcvn3"),
        ("'.VnTime'", "tcvn3"),
        ("VNI-Times", "vni"),
        ("vni-helve", "vni"),
        ("VNI-Helve-Condense", "vni"),
        ("QWERTY+VNI-Times,Italic", "vni"),
        ("Times New Roman", None),
        ("Arial", None),
        ("VNF-Futura", None),  # VNF fonts are Unicode
        ("", None),
        (None, None),
    ],
)
def test_font_names(font, expected):
    assert legacy_encoding_for_font(font) == expected


# --- Conversion ----------------------------------------------------------------------------------
def test_the_motto_converts_from_tcvn3():
    assert convert_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "tcvn3") == "Cộng hoà xã hội chủ nghĩa Việt Nam"


def test_the_motto_converts_from_vni():
    assert (
        convert_legacy("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    )


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("n\xadíc", "nước"),  # ư is the soft hyphen 0xAD
        ("Th\xad¬ng", "Thương"),
        ("¦u tiªn", "Ưu tiên"),
        ("§¹i häc", "Đại học"),
        ("n−íc, x∙ héi", "nước, xã hội"),  # PDF text layers' MINUS SIGN and BULLET OPERATOR
        ("5 − 3 = 2", "5 − 3 = 2"),  # ... only next to a letter
        ("“Hµ Néi” – 2005…", "“Hà Nội” – 2005…"),  # cp1252 punctuation is left alone
    ],
)
def test_tcvn3_letters(legacy, expected):
    assert convert_legacy(legacy, "tcvn3") == expected


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("ÑAØ NAÜNG", "ĐÀ NẴNG"),
        ("Ñaø Naüng", "Đà Nẵng"),
        ("ÖÙNG", "ỨNG"),
        ("Mî Chaâu, MÎ", "Mỵ Châu, MỴ"),
        ("Aù", "Á"),  # Word's Change Case: capital base, small mark
        ("kyõ thuaät", "kỹ thuật"),
        ("caúng", "cẳng"),
        ("ôâ", "ơâ"),  # ơ cannot take a circumflex: ơ, then the mark as it was
    ],
)
def test_vni_letters(legacy, expected):
    assert convert_legacy(legacy, "vni") == expected


def test_unknown_encoding_is_an_error():
    with pytest.raises(ValueError):
        convert_legacy("x", "viscii")  # type: ignore[arg-type]


def test_output_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Việt ") + "Céng"
    assert convert_legacy(decomposed, "tcvn3") == "Việt Cộng"


def test_tcvn3_table_agrees_with_iconv():
    """glibc's TCVN5712-1 is a third, independent transcription of the same standard."""
    iconv = require_tool("iconv", "to cross-check the TCVN3 table against glibc")
    legacy = "".join(sorted(_TCVN3_LEGACY))
    run = subprocess.run(
        [iconv, "-f", "TCVN5712-1", "-t", "UTF-8"], input=legacy.encode("latin-1"), capture_output=True
    )
    if run.returncode:
        unavailable("this iconv has no TCVN5712-1 converter")
    assert convert_legacy(legacy, "tcvn3") == run.stdout.decode()


@pytest.mark.parametrize("sentence", SENTENCES)
def test_sentences_round_trip_through_tcvn3_and_vni(sentence):
    tcvn3, vni = to_tcvn3(sentence), to_vni(sentence)
    assert tcvn3 != sentence and vni != sentence
    assert convert_legacy(tcvn3, "tcvn3") == sentence
    assert convert_legacy(vni, "vni") == sentence
    assert fix_legacy(tcvn3) == (sentence, "tcvn3")
    assert fix_legacy(vni) == (sentence, "vni")
    assert fix_legacy(tcvn3, ".VnTime") == (sentence, "tcvn3")
    assert fix_legacy(vni, "VNI-Times") == (sentence, "vni")


@pytest.mark.parametrize("heading", CAPITALS)
def test_capitals_round_trip_through_h_fonts_and_vni(heading):
    typed = to_tcvn3h(heading)
    assert convert_legacy(typed, "tcvn3h") == heading
    small_ascii = "".join(c.lower() if c.isascii() else c for c in typed)
    assert convert_legacy(small_ascii, "tcvn3h") == heading  # H fonts draw small ASCII as capitals too
    assert fix_legacy(typed, ".VnTimeH") == (heading, "tcvn3h")
    assert fix_legacy(typed) == (heading, "tcvn3")  # font lost: the all-capitals line tells
    assert convert_legacy(to_vni(heading), "vni") == heading


def test_h_font_guess_is_per_line_and_spares_single_capitals():
    typed = "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM\nSè 123/Q§-UBND\nHµ Néi, ngµy 5 th¸ng 3 n¨m 2005"
    expected = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố 123/QĐ-UBND\nHà Nội, ngày 5 tháng 3 năm 2005"
    assert fix_legacy(typed) == (expected, "tcvn3")
    # A line with small letters was not typed in an H font, whatever capitals it has.
    assert fix_legacy("CéNG HOµ x· héi chñ nghÜa") == ("CộNG HOà xã hội chủ nghĩa", "tcvn3")
    # A named normal font is taken at its word.
    assert fix_legacy("CéNG HOµ", ".VnTime") == ("CộNG HOà", "tcvn3")


def test_a_legacy_font_converts_even_without_evidence_in_the_text():
    assert fix_legacy("ViÖt", ".VnTime") == ("Việt", "tcvn3")
    assert fix_legacy("ViÖt") == ("ViÖt", None)  # one word is too little to guess from


def test_unicode_text_is_left_alone_but_normalised():
    text = unicodedata.normalize("NFD", "Sở Lao động - Thương binh và Xã hội")
    assert fix_legacy(text) == ("Sở Lao động - Thương binh và Xã hội", None)
    assert fix_legacy(text, "Times New Roman") == ("Sở Lao động - Thương binh và Xã hội", None)


# --- Detection -----------------------------------------------------------------------------------
def test_detects_the_motto():
    assert detect_legacy("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "tcvn3"
    assert detect_legacy("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM") == "tcvn3"
    assert detect_legacy("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "vni"


@pytest.mark.parametrize(
    "text",
    [
        *SENTENCES,
        *CAPITALS,
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Cà phê sữa đá, bánh mì và phở bò",
        "Có lẽ là mai tôi sẽ về quê",  # only Latin-1 letters
        "Quarterly report: 24,744 units, 68.8% complete.",
        "Ça coûte 5 € à Paris, où l'été est déjà là; Noël à l'hôtel près de la forêt.",
        "El niño está aquí, señor; mañana más café en el año.",
        "Müller fährt über die Straße zum Bäcker; schöne Grüße.",
        "Não, obrigado: informação e português são você também.",
        "Diameter 5 µm to 10 µm, © 2024 ACME®, ½ cup, 3 × 4 ÷ 2",
        "",
        "12.345,6",
    ],
)
def test_does_not_fire_on_unicode_or_other_languages(text):
    assert detect_legacy(text) is None


def test_tones_count_in_the_spelling_check():
    # tốt, mất in TCVN3 read like Unicode syllables but for their tones: a syllable closed by
    # c, ch, p or t takes only sắc or nặng, so "tèt" and "mêt" are not Vietnamese.
    assert detect_legacy("tèt mÊt") == "tcvn3"


def test_encoded_sentences_are_detected_as_their_encoding():
    for sentence in SENTENCES:
        assert detect_legacy(to_tcvn3(sentence)) == "tcvn3", sentence
        assert detect_legacy(to_vni(sentence)) == "vni", sentence


# --- Bytes of an unknown 8-bit charset ---------------------------------------------------------------
def read_8bit(data: bytes) -> str:
    """The characters decode_8bit reads, before legacy conversion (fix_legacy converts them as it did)."""
    decoded = decode_8bit(data)
    assert fix_legacy(decoded.reading) == (decoded.text, decoded.encoding)
    return decoded.reading


def tcvn3_bytes(text: str) -> bytes:
    """Text as a .VnTime document saves it: one byte per letter, the byte being TCVN3's code point."""
    return to_tcvn3(text).encode("latin-1")


def vni_bytes(text: str) -> bytes:
    return to_vni(text).encode("cp1252")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_8bit_bytes_read_as_their_own_encoding(sentence):
    assert fix_legacy(read_8bit(tcvn3_bytes(sentence))) == (sentence, "tcvn3")
    assert fix_legacy(read_8bit(vni_bytes(sentence))) == (sentence, "vni")
    assert read_8bit(cp1258(sentence)) == sentence  # Vietnamese Windows: combining tones, composed here
    assert fix_legacy(read_8bit(cp1258(sentence))) == (sentence, None)


@pytest.mark.parametrize("heading", CAPITALS)
def test_8bit_capitals_of_an_h_font_and_of_windows(heading):
    assert fix_legacy(read_8bit(to_tcvn3h(heading).encode("latin-1"))) == (heading, "tcvn3")
    assert fix_legacy(read_8bit(cp1258(heading))) == (heading, None)


def test_tcvn3_letters_that_cp1258_reads_otherwise_are_kept():
    text = "Kết quả thực hiện các chính sách, đề án; tiếp tục ổn định, mở rộng ưu đãi, kỹ năng."
    assert b"\xd5" in tcvn3_bytes(text) and b"\xdd" in tcvn3_bytes(text)  # ế, í: Ơ and Ư in cp1258
    wrong = fix_legacy(tcvn3_bytes(text).decode("cp1258"))  # what reading it as cp1258 gave
    assert wrong[1] == "tcvn3" and wrong[0].startswith("KƠt quả") and "chƯnh" in wrong[0]
    assert fix_legacy(read_8bit(tcvn3_bytes(text))) == (text, "tcvn3")
    assert syllable_score(text) > syllable_score(wrong[0])


def test_short_and_ambiguous_8bit_input():
    assert fix_legacy(read_8bit(tcvn3_bytes("kết quả"))) == ("kết quả", "tcvn3")
    assert fix_legacy(read_8bit(tcvn3_bytes("Hà Nội"))) == ("Hà Nội", "tcvn3")  # no byte cp1258 reads otherwise
    # One word is too little to call it legacy (as detect_legacy): TCVN3 "có" stays cp1258's "că".
    assert fix_legacy(read_8bit(b"c\xe3")) == ("că", None)
    assert fix_legacy(read_8bit(cp1258("Đề án"))) == ("Đề án", None)
    assert read_8bit(cp1258("Hà Nội")) == "Hà Nội"
    assert read_8bit(b"Report 2019: 24,744 units \xa9") == "Report 2019: 24,744 units ©"
    assert read_8bit(b"") == ""


def test_syllable_score_counts_words_beyond_ascii():
    assert syllable_score("kết quả thực hiện") == 4
    assert syllable_score("kƠt quả chƯnh sách") == 2  # kơt is no syllable (−1); chưnh is spelled like one
    assert syllable_score("đ\u0309 án") == 0  # a tone left on đ: "đ" alone is no syllable
    assert syllable_score("Quarterly report, 2019") == 0
    assert syllable_score("Ça coûte 5 € à Paris") < 0


# --- Folding -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoà", "Hòa"),
        ("Thuỷ", "Thủy"),
        ("HOÀ BÌNH", "Hòa Bình"),
        ("  Sở   Lao\u00a0động\t", "so lao dong"),
        ("Đà Nẵng", "DA NANG"),
        ("Ðà Nẵng", "da nang"),  # Ð (eth) typed for Đ
        (unicodedata.normalize("NFD", "Khánh Hoà"), "khanh hoa"),
        ("Thừa\u00adThiên\u200b Huế", "thuathien hue"),
    ],
)
def test_fold_matches_spellings(a, b):
    assert fold(a) == fold(b)


def test_fold_values():
    assert fold("  Sở Lao động - Thương binh và Xã hội ") == "so lao dong - thuong binh va xa hoi"
    assert fold("ĐẮK LẮK") == "dak lak"
    assert fold("Crème brûlée") == "creme brulee"
    assert fold("") == ""


ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
vietnamese_text = st.text(alphabet=VIET_LOWER + VIET_UPPER + ASCII_LETTERS + " \t\n-,.0123456789")


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(vietnamese_text)
def test_fold_ignores_case_and_normal_form_and_leaves_plain_ascii(text):
    folded = fold(text)
    assert folded == fold(text.upper()) == fold(unicodedata.normalize("NFD", text))
    assert folded.isascii()
    assert folded == folded.strip() and "  " not in folded


def reference_fold(text):
    bare = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))
    return " ".join(bare.replace("đ", "d").replace("ð", "d").replace("\u00ad", "").split())


@given(
    st.text(alphabet=VIET_LOWER + VIET_UPPER + "aAdDđĐðÐøØßİ€²\u00ad\u0300\u0301\u0323 \u00a0\n-,.0123456789Zz")
)
def test_fold_agrees_with_a_unicodedata_reference(text):
    assert fold(text) == reference_fold(text)


# --- Round trips on random text -------------------------------------------------------------------
tcvn3_text = st.text(alphabet=VIET_LOWER + "ĂÂĐÊÔƠƯ" + ASCII_LETTERS + " -,.0123456789")


@settings(max_examples=300)
@given(tcvn3_text)
def test_tcvn3_round_trip(text):
    assert convert_legacy(to_tcvn3(text), "tcvn3") == text


@settings(max_examples=300)
@given(st.text(alphabet=VIET_UPPER + "ABCDEFGHIJKLMNOPQRSTUVWXYZ -,.0123456789"))
def test_tcvn3h_round_trip(text):
    assert convert_legacy(to_tcvn3h(text), "tcvn3h") == text


@settings(max_examples=300)
@given(vietnamese_text)
def test_vni_round_trip(text):
    assert convert_legacy(to_vni(text), "vni") == text


sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join)


@settings(max_examples=300)
@given(sentences, st.sampled_from([str, str.upper, str.lower, str.title]))
def test_detect_never_fires_on_unicode_vietnamese(sentence, case):
    assert detect_legacy(case(sentence)) is None
    assert fix_legacy(case(sentence)) == (case(sentence), None)


@settings(max_examples=200)
@given(sentences, st.sampled_from([str, str.upper, str.lower, str.title]))
def test_windows_text_is_never_taken_for_legacy(sentence, case):
    text = case(sentence)
    assert fix_legacy(read_8bit(cp1258(text))) == (unicodedata.normalize("NFC", text), None)


@settings(max_examples=300)
@given(sentences)
def test_a_tcvn3_text_file_reads_as_the_same_text_in_a_vntime_document(sentence):
    """Text detected as TCVN3 in a document (Word hands us its code points) reads the same from a file."""
    data = tcvn3_bytes(sentence.lower())  # .VnTime has no toned capitals
    in_a_document = fix_legacy(data.decode("latin-1"))
    if in_a_document[1] is not None:
        assert fix_legacy(read_8bit(data)) == in_a_document == (sentence.lower(), "tcvn3")


# --- Numbers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24.744", 24744),
        ("1.234.567", 1234567),
        ("1.234", 1234),  # ambiguous: the dot groups thousands
        ("68,8", 68.8),
        ("1,5", 1.5),
        ("1,234", 1.234),  # ambiguous: the comma is the decimal one
        ("68,8%", 68.8),
        ("68,8 %", 68.8),
        ("-3,5", -3.5),
        ("−3,5", -3.5),
        ("+7", 7),
        ("1.234,5", 1234.5),
        ("1.234.567,89", 1234567.89),
        ("1,234.5", 1234.5),
        ("1,234,567", 1234567),
        ("68.8", 68.8),
        ("0.5", 0.5),
        ("0,05", 0.05),
        ("1234.5", 1234.5),
        ("0.744", 0.744),  # a leading zero cannot head a thousands group
        ("  42 ", 42),
        ("0", 0),
        ("(12)", None),  # column numbers in report templates, not negatives
        ("(1)", None),
        ("", None),
        ("-", None),
        ("x", None),
        ("12,", None),
        (",5", None),
        ("1.23.4", None),
        ("1,2,3", None),
        ("1 234", None),
        ("5 tỷ", None),
        ("1e5", None),
        ("١٢", None),  # only ASCII digits
        ("12%%", None),
        ("1.234,5.6", None),
        ("9" * 100, None),
    ],
)
def test_parse_number(text, expected):
    value = parse_number(text)
    assert value == expected
    assert type(value) is type(expected)


def test_parse_percent():
    assert parse_percent("68,8%") == 68.8
    assert parse_percent("-3,5 %") == -3.5
    assert parse_percent("100%") == 100
    assert parse_percent("68,8") is None
    assert parse_percent("%") is None


@given(st.text())
def test_parse_number_never_raises(text):
    parse_number(text)
    parse_percent(text)


@given(st.from_regex(r"[-+−(]?[0-9.,]{0,30}[ %)]{0,2}", fullmatch=True))
def test_parse_number_never_raises_on_number_like_text(text):
    value = parse_number(text)
    assert value is None or isinstance(value, int | float)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_with_thousand_dots(n):
    text = f"{n:,}".replace(",", ".")
    assert parse_number(text) == n
    assert parse_percent(text + "%") == n


@given(st.integers(min_value=0, max_value=10**12), st.from_regex(r"[0-9]{1,6}", fullmatch=True), st.booleans())
def test_decimals_in_both_conventions(whole, fraction, negative):
    expected = (-1 if negative else 1) * float(f"{whole}.{fraction}")
    sign = "-" if negative else ""
    assert parse_number(sign + f"{whole:,}".replace(",", ".") + "," + fraction) == expected
    if whole >= 1000 or len(fraction) != 3:  # else "123.456" is read the Vietnamese way
        assert parse_number(sign + f"{whole:,}" + "." + fraction) == expected
