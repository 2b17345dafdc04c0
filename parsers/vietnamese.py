"""Vietnamese text in reports: legacy font encodings, matching keys and numbers in table cells.

Legacy encodings. Many provinces still send documents typed years ago in TCVN3 (the "ABC" fonts:
.VnTime, .VnArial, ...) or VNI (VNI-Times, VNI-Helve, ...). These fonts draw Vietnamese letters
in the slots of Latin-1 characters, so Word and PDF libraries hand us "Céng hoµ x· héi" where a
reader saw "Cộng hoà xã hội". `fix_legacy` converts such text to NFC Unicode. It goes by the font
name when the extractor gives one, and otherwise by the text itself. The tables are TCVN 5712:1993
VN3 (what the ABC fonts use) and VNI for Windows. Code points 0x80-0x9F are left alone: no VN3
letter lives there, and in cp1252 they are the curly quotes and dashes of ordinary text.

TCVN3 has no accented capitals. Headings were set in the "H" fonts (.VnTimeH ...), which draw
capitals in the lower-case slots. So the font name matters ("tcvn3h"). When the font is
unknown, an all-capitals line is read as set in an H font.

Bytes. A plain-text file that is not UTF-8 is Vietnamese Windows (cp1258) or the bytes of a
legacy font; cp1258 reads 12 of TCVN3's letters (and VNI's marks) as other letters, so
`decode_8bit` reads both ways and keeps the one with more well-spelled syllables.

Matching. `fold` builds the key that names and headings are compared on. Tone placement changed
over the years (Hoà/Hòa, Thuỷ/Thủy), and the same heading comes in every case, so the key drops
all diacritics and case.

Numbers. Vietnamese writes "24.744" for 24744 and "68,8" for 68.8. `parse_number` reads table
cells by that convention and falls back to the English one only where it cannot be misread.

Pure functions: no I/O, no clock; the only state is a cache of words already judged.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from decimal import Decimal
from typing import Literal, NamedTuple

from parsers.headers import nfc

LegacyEncoding = Literal["tcvn3", "tcvn3h", "vni"]
_Detectable = Literal["tcvn3", "vni"]  # an H font cannot be told from the text alone

# Combining tone marks in the order TCVN3 lays each vowel's letters out: huyền, hỏi, ngã, sắc, nặng.
_TONES = "\u0300\u0309\u0303\u0301\u0323"
_VOWELS = "aăâeêioôơuưy"

# --- TCVN3 (TCVN 5712:1993 VN3) ------------------------------------------------------------------
# Code point (= byte: 0xA1-0xFE read the same in cp1252 and Latin-1) of each toned vowel.
_TCVN3_TONED = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
# 0xA1-0xA7 are the untoned capitals, 0xA8-0xAE the same letters in lower case; ư is 0xAD, the
# soft hyphen, which is why it is the letter that goes missing when a tool drops soft hyphens.
_TCVN3_PLAIN = dict(zip(range(0xA1, 0xAF), "ĂÂÊÔƠƯĐăâêôơưđ", strict=True))
_TCVN3 = _TCVN3_PLAIN | {
    byte: nfc(vowel + tone) for vowel, row in _TCVN3_TONED.items() for byte, tone in zip(row, _TONES, strict=True)
}
# The H fonts draw every lower-case slot, ASCII included, as a capital.
_TCVN3_H = {byte: letter.upper() for byte, letter in _TCVN3.items()} | {
    c: chr(c).upper() for c in range(ord("a"), ord("z") + 1)
}
# Glyphs that PDF text layers sometimes name as math symbols: ư (0xAD) as MINUS SIGN and ã (0xB7)
# as BULLET OPERATOR. They are read as letters only when a letter is next to them.
_PDF_GLYPHS = re.compile(r"(?<=[A-Za-z\u00a1-\u00ff])[\u2212\u2219]|[\u2212\u2219](?=[A-Za-z\u00a1-\u00ff])")
_PDF_GLYPH_BYTE = {"\u2212": "\xad", "\u2219": "\xb7"}

# --- VNI for Windows -----------------------------------------------------------------------------
# VNI writes a toned vowel as its base letter followed by one mark glyph. These are the marks as
# cp1252 reads them (lower-case forms; the upper-case forms are the same marks in capitals).
_VNI_MARKS = {
    "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ù": "\u0301", "ï": "\u0323",
    "â": "\u0302",  # circumflex: â ê ô
    "à": "\u0302\u0300", "å": "\u0302\u0309", "ã": "\u0302\u0303", "á": "\u0302\u0301", "ä": "\u0302\u0323",
    "ê": "\u0306",  # breve: ă
    "è": "\u0306\u0300", "ú": "\u0306\u0309", "ü": "\u0306\u0303", "é": "\u0306\u0301", "ë": "\u0306\u0323",
}  # fmt: skip
# Letters VNI stores whole: ơ ư đ, and the i's and ỵ, whose glyphs cannot take a stacked mark.
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "í": "í", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
_VNI_BASES = {"a": "a", "e": "e", "i": "i", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}

_VIET_VOWELS = frozenset(nfc(v + t) for v in _VOWELS + _VOWELS.upper() for t in ("", *_TONES))
_VIET_LETTERS = _VIET_VOWELS | frozenset("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX")


def _vni_table() -> dict[str, str]:
    """Every VNI sequence (base + mark, or a whole letter), upper and lower case, to its letter.

    The case of the result follows the base letter: Word's "Change Case" changes the base and the
    mark separately, so "Aù" is as much Á as "AÙ" is.
    """
    table = {k: v for s, u in _VNI_LETTERS.items() for k, v in ((s, u), (s.upper(), u.upper()))}
    for surface, base in _VNI_BASES.items():
        for mark, combining in _VNI_MARKS.items():
            letter = nfc(base + combining)
            if letter not in _VIET_VOWELS:  # e.g. u + circumflex: not Vietnamese, leave as it is
                continue
            for b, out in ((surface, letter), (surface.upper(), letter.upper())):
                table[b + mark] = table[b + mark.upper()] = out
    return table


_VNI = _vni_table()
_VNI_BASE_CLASS = "".join(_VNI_BASES) + "".join(_VNI_BASES).upper()
_VNI_MARK_CLASS = "".join(_VNI_MARKS) + "".join(_VNI_MARKS).upper()
_VNI_LETTER_CLASS = "".join(_VNI_LETTERS) + "".join(_VNI_LETTERS).upper()
_VNI_SEQUENCE = re.compile(f"[{_VNI_BASE_CLASS}][{_VNI_MARK_CLASS}]|[{_VNI_LETTER_CLASS}]")


def _vni_replace(match: re.Match[str]) -> str:
    found = match.group()
    if found in _VNI:
        return _VNI[found]
    # A base followed by a mark it cannot take: the base may still be a whole letter (ô is ơ).
    return _VNI.get(found[0], found[0]) + found[1:]


# --- Font names ----------------------------------------------------------------------------------
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")  # PDF subset fonts: "ABCDEF+.VnTime"
_STYLE = re.compile(r"[\s_-]+(?:bold|italic|oblique|regular|normal|bolditalic|boldoblique)$", re.IGNORECASE)


def legacy_encoding_for_font(font_name: str | None) -> LegacyEncoding | None:
    """The legacy encoding a font implies: ".Vn*" → "tcvn3" (".Vn*H", the capitals fonts, →
    "tcvn3h"), "VNI-*" → "vni", any other font → None. Case-insensitive; PDF subset tags
    ("ABCDEF+") and style suffixes (",Bold", "-Italic") are ignored."""
    if not font_name:
        return None
    name = _SUBSET_TAG.sub("", font_name.strip()).split(",")[0].strip(" '\"")
    while (shorter := _STYLE.sub("", name)) != name:
        name = shorter
    name = name.lower()
    if name.startswith(".vn"):
        return "tcvn3h" if name.endswith("h") else "tcvn3"
    if name.startswith(("vni-", "vni ", "vni_")):
        return "vni"
    return None


# --- Conversion ----------------------------------------------------------------------------------
def convert_legacy(text: str, encoding: LegacyEncoding) -> str:
    """TCVN3 or VNI text, as a library decoded it (cp1252/Latin-1 code points), to NFC Unicode.

    Conversion follows the table and nothing else. Characters that are not legacy letters pass
    through unchanged.
    """
    if encoding in ("tcvn3", "tcvn3h"):
        text = _PDF_GLYPHS.sub(lambda m: _PDF_GLYPH_BYTE[m.group()], text)
        return nfc(text.translate(_TCVN3_H if encoding == "tcvn3h" else _TCVN3))
    if encoding == "vni":
        return nfc(_VNI_SEQUENCE.sub(_vni_replace, text))
    raise ValueError(f"unknown legacy encoding {encoding!r}")


# --- Detection -----------------------------------------------------------------------------------
# Letters plus the Latin-1 symbols TCVN3 uses as letters (µ ¸ · ¨ © ® ...).
_WORD = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00bf\u00d7\u00f7\u2212\u2219])+")
_UNTONE = str.maketrans({nfc(v + t): v for v in _VOWELS for t in _TONES})
_TONE_OF = {nfc(v + t): t for v in _VOWELS for t in _TONES}
# Spelling rules a word must follow, matched on the lower-case word without its tone mark.
_SYLLABLE = re.compile(
    r"(?:ngh(?=[eêi])|ng(?![eêi])|gh(?=[eêi])|g(?![eê])|k(?=[eêiy])|c(?![eêiy])"
    r"|kh|nh|ph|th|tr|ch|qu|gi|[bdđhlmnrstvx])?"
    # nuclei that end in a glide and so take no final consonant
    r"(?:oai|oay|oao|oeo|uây|uôi|ươi|ươu|iêu|yêu|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ui|ưi|ưu|ua|ưa"
    # nuclei that need one
    r"|(?:uyê|iê|yê|uô|ươ|uâ|oă|oo|â|ă)(?:ch|ng|nh|[cmnpt])"
    r"|(?:oa|oe|uê|uy|uơ|[aeêioôơuưy])(?:ch|ng|nh|[cmnpt])?)"
)


@functools.lru_cache(maxsize=1 << 16)  # a language of a few thousand syllables: words repeat
def _is_syllable(word: str) -> bool:
    """Whether a lower-case word is spelled the way a Vietnamese syllable can be."""
    if not _SYLLABLE.fullmatch(word.translate(_UNTONE)):
        return False
    tones = [_TONE_OF[c] for c in word if c in _TONE_OF]
    if len(tones) > 1:
        return False
    # A syllable closed by c, ch, p or t takes only the sắc or nặng tone.
    return not word.endswith(("c", "ch", "p", "t")) or tones in (["\u0301"], ["\u0323"])


def detect_legacy(text: str) -> _Detectable | None:
    """The legacy encoding of text with no font to go by, or None.

    This works word by word. A word is evidence of Unicode if it holds a Vietnamese letter that
    Latin-1 lacks (ă đ ơ ư ạ ...), or if it is already spelled as a Vietnamese syllable and no
    conversion makes another one of it. A word is evidence of an encoding if it is not a
    syllable as it stands but becomes one when converted. An encoding is reported only when at
    least two different words point to it, they outnumber the Unicode words, and they are at least
    twice as many as the other encoding's. So English, other Latin-script languages and Unicode
    Vietnamese give None. Detect per paragraph or per run, not on a whole document that mixes
    encodings.
    """
    unicode_words = 0
    found: dict[_Detectable, set[str]] = {"tcvn3": set(), "vni": set()}
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        unicode_word, encodings = _evidence(word)
        unicode_words += unicode_word
        for encoding in encodings:
            found[encoding].add(word.lower())
    (best, best_words), (_, other_words) = sorted(found.items(), key=lambda kv: -len(kv[1]))
    count = len(best_words)
    if count >= 2 and count > unicode_words and count >= 2 * len(other_words):
        return best
    return None


@functools.lru_cache(maxsize=1 << 16)
def _evidence(word: str) -> tuple[bool, tuple[_Detectable, ...]]:
    """What one word says (see `detect_legacy`): whether it is a Unicode word, and the encodings it is evidence of."""
    lower = word.lower()
    if any(c in _VIET_LETTERS and c > "\xff" for c in word):
        return True, ()
    readings: list[_Detectable] = []
    # "×", "½", "µ" alone are symbols far more often than one-letter legacy words.
    if any("a" <= c <= "z" for c in lower):
        for encoding in ("tcvn3", "vni"):
            converted = convert_legacy(word, encoding).lower()
            if converted != lower and _is_syllable(converted):
                readings.append(encoding)
    if _is_syllable(lower):
        return not readings, ()  # "cã" is có in TCVN3 and cã in Unicode: evidence of neither
    return False, tuple(readings)


_TCVN3_LOWER_LETTERS = frozenset(chr(b) for b, letter in _TCVN3.items() if letter.islower())


def _set_in_h_font(line: str) -> bool:
    """A line with no lower-case ASCII letter, and a word that pairs two or more capitals with
    TCVN3 lower-case letters ("CéNG", "VIÖT"), was typed in an H font whose name was lost.
    "Sè 123/Q§-UBND" (Số) has only one capital next to its toned letter and is not such a line."""
    if any("a" <= c <= "z" for c in line):
        return False
    return any(
        sum("A" <= c <= "Z" for c in word) >= 2 and any(c in _TCVN3_LOWER_LETTERS for c in word)
        for word in line.split()
    )


def fix_legacy(text: str, font_name: str | None = None) -> tuple[str, LegacyEncoding | None]:
    """Text in NFC Unicode, converted from TCVN3 or VNI if it was in one, and that encoding.

    A legacy font name decides. Any other name, or none, leaves it to `detect_legacy`: extractors
    often report a style's or document's default font instead of the one a run was drawn in.
    Detected TCVN3 lines that look set in an H font (see `_set_in_h_font`) are converted as
    capitals. The encoding is None when the text was left as it was.
    """
    encoding = legacy_encoding_for_font(font_name)
    if encoding is not None:
        return convert_legacy(text, encoding), encoding
    detected = detect_legacy(text)
    return convert_as(text, detected), detected


def convert_as(text: str, encoding: LegacyEncoding | None) -> str:
    """Text already known to be in `encoding` (detected on it, or decided on its bytes by `decode_8bit`)
    in NFC Unicode: TCVN3 lines that look set in an H font (see `_set_in_h_font`) converted as capitals;
    None leaves it as it is."""
    if encoding is None:
        return nfc(text)
    if encoding != "tcvn3":
        return convert_legacy(text, encoding)
    lines = text.splitlines(keepends=True)
    return "".join(convert_legacy(line, "tcvn3h" if _set_in_h_font(line) else "tcvn3") for line in lines)


# --- Bytes of an unknown 8-bit charset -------------------------------------------------------------
SAMPLE_BYTES = 16_384  # a file is saved in one encoding: this much from its first telling byte decides
# The bytes Vietnamese Windows (cp1258) reads otherwise than cp1252 (Ă, the five tone marks, Đ Ơ Ư ă
# đ ơ ư ₫): TCVN3's è é ề ế í ị ó ỡ ũ ừ ý ỵ and VNI's marks live there, so reading legacy bytes as
# cp1258 breaks those letters ("kÕt" → "kƠt", not "kết").
_CP1258_OWN = re.compile(rb"[\xc3\xcc\xd0\xd2\xd5\xdd\xde\xe3\xec\xf0\xf2\xf5\xfd\xfe]")
# cp1252, with the five bytes it leaves undefined read as Latin-1: legacy fonts draw only 0xA1-0xFE.
_CP1252_TABLE = "".join(
    chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in range(256)
)


class Decoded(NamedTuple):
    reading: str  # the characters as read: TCVN3/VNI text still in cp1252 code points, as Word gives it
    text: str  # NFC Unicode, legacy text converted
    encoding: LegacyEncoding | None  # the legacy encoding converted, if any


def decode_8bit(data: bytes) -> Decoded:
    """Bytes that are not UTF-8, as text: Vietnamese Windows (cp1258), or text typed in a TCVN3/VNI font.

    Read as cp1258, TCVN3's "kÕt qu¶ … ch\xddnh s\xb8ch" turns "kƠt quả … chƯnh sách": still taken
    for TCVN3, but 12 of its letters are lost. So where the two differ, the bytes are also read as
    cp1252, the code points legacy fonts use, and through `fix_legacy`. That reading wins when it is
    found legacy and its converted text has more Vietnamese syllables (`syllable_score`) than the
    cp1258 reading as it stands, both judged on SAMPLE_BYTES from the line of the first byte where
    they differ; else (a tie included) cp1258, composed to NFC."""
    telling = _CP1258_OWN.search(data)
    if telling is not None:
        start = data.rfind(b"\n", 0, telling.start()) + 1
        sample = data[start : start + SAMPLE_BYTES]
        converted, encoding = fix_legacy(_cp1252(sample))
        as_windows = nfc(sample.decode("cp1258", "replace"))
        if encoding is not None and syllable_score(converted) > syllable_score(as_windows):
            legacy = _cp1252(data)
            converted, encoding = fix_legacy(legacy)
            if encoding is not None:
                return Decoded(legacy, converted, encoding)
    windows = nfc(data.decode("cp1258", "replace"))
    return Decoded(windows, *fix_legacy(windows))


def _cp1252(data: bytes) -> str:
    return codecs.charmap_decode(data, "strict", _CP1252_TABLE)[0]


def syllable_score(text: str) -> int:
    """How Vietnamese a reading looks: each word holding a character beyond ASCII counts +1 when it is
    spelled as a Vietnamese syllable can be (`_is_syllable`), −1 when not. Words are found as
    `detect_legacy` finds them, so a legacy letter left unconverted ("®éng") spoils its word; ASCII
    words read alike in every reading and are skipped."""
    score = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            score += 1 if _is_syllable(word.lower()) else -1
    return score


# --- Folding -------------------------------------------------------------------------------------
def _fold_table() -> dict[int, str | None]:
    # Precomposed Latin letters to their bare base, combining marks (NFD input) and invisible
    # characters to nothing: one str.translate instead of a unicodedata call per character.
    table: dict[int, str | None] = dict.fromkeys(range(0x0300, 0x0370))
    table |= dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
    for cp in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        bare = "".join(c for c in unicodedata.normalize("NFD", chr(cp)) if not unicodedata.combining(c))
        if bare != chr(cp):
            table[cp] = bare.lower()
    # đ has no decomposition; Ð (eth) stands in for Đ in text converted by old tools.
    table |= {ord(c): "d" for c in "đĐðÐ"}
    return table


_FOLD = _fold_table()
_NOT_ASCII_MARK_OR_D = re.compile("[^\x00-\x7f\u0300-\u036f\u0111]")


def fold(text: str) -> str:
    """Matching key: lower case, no tone marks or other diacritics, đ → d, single spaces, stripped.

    "HOÀ BÌNH", "Hòa Bình" and "Hoa\u0300 Bi\u0300nh" all give "hoa binh".
    """
    # lower() first: it can yield combining marks (İ → i + U+0307) that are dropped below.
    text = text.lower()
    if text.isascii():  # most cells of a table are numbers and codes
        return " ".join(text.split())
    # Vietnamese decomposes into ASCII, combining marks and đ: the ASCII codec drops the marks in
    # one C call, twice as fast as str.translate. Any other character goes through the table.
    decomposed = unicodedata.normalize("NFD", text)
    if _NOT_ASCII_MARK_OR_D.search(decomposed) is None:
        bare = decomposed.replace("\u0111", "d").encode("ascii", "ignore").decode("ascii")
        return " ".join(bare.split())
    return " ".join(text.translate(_FOLD).split())


# --- Numbers -------------------------------------------------------------------------------------
_NUMBER = re.compile(r"(?P<sign>[-+\u2212])?(?P<body>[0-9][0-9.,]*)[ \u00a0]*(?P<percent>%)?")


def _grouped(body: str, separator: str) -> bool:
    """'1.234.567' grouped by '.': a 1-3 digit head without a leading zero, then groups of three."""
    head, *groups = body.split(separator)
    return (
        bool(groups)
        and 1 <= len(head) <= 3
        and head.isdigit()
        and not head.startswith("0")
        and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def _decimal(whole: str, fraction: str) -> str | None:
    return f"{whole}.{fraction}" if whole.isdigit() and fraction.isdigit() else None


def _magnitude(body: str) -> str | None:
    """The number's digits in plain notation ("1234.5", "24744"), or None when it cannot be read."""
    if "." in body and "," in body:  # the last separator is the decimal one: 1.234,5 and 1,234.5
        point = max(".,", key=body.rfind)
        thousands = "," if point == "." else "."
        whole, _, fraction = body.rpartition(point)
        return _decimal(whole.replace(thousands, ""), fraction) if _grouped(whole, thousands) else None
    if "," in body:  # a single comma is the decimal comma; several can only be English thousands
        if body.count(",") == 1:
            return _decimal(*body.split(","))
        return body.replace(",", "") if _grouped(body, ",") else None
    if "." in body:  # dots are thousands where they can be (24.744); else the English point (68.8)
        if _grouped(body, "."):
            return body.replace(".", "")
        return _decimal(*body.split(".")) if body.count(".") == 1 else None
    return body


def _read_number(text: str) -> tuple[str, bool] | None:
    """The signed plain-notation digits of a one-number text and whether it ends in '%'."""
    text = text.strip()
    if len(text) > 64:  # no table cell holds such a number; also keeps int() within its limits
        return None
    match = _NUMBER.fullmatch(text)
    if match is None or (digits := _magnitude(match["body"])) is None:
        return None
    return ("-" + digits if match["sign"] in ("-", "\u2212") else digits), match["percent"] is not None


def _int_or_float(digits: str) -> int | float:
    return float(digits) if "." in digits else int(digits)


def parse_number(text: str) -> int | float | None:
    """The number in a table cell, written the Vietnamese way, or None.

    Rules, for a cell holding one number and nothing else (surrounding spaces are ignored):
    - '.' groups thousands and ',' is the decimal comma: "24.744" → 24744, "1.234.567" → 1234567,
      "68,8" → 68.8, "1.234,5" → 1234.5. So the ambiguous "1.234" is 1234 and "1,234" is 1.234.
    - The English reading is used only where the Vietnamese one cannot apply: both separators with
      the point last ("1,234.5" → 1234.5), several commas in groups of three ("1,234,567"), or a
      point that cannot group thousands ("68.8", "0.5", "1234.5").
    - A leading '-', '+' or '−' (U+2212) sign is kept. A trailing '%' is allowed and dropped
      ("68,8%" → 68.8); use `parse_percent` to tell percentages apart.
    - Parentheses do not mean a negative number: in report templates "(1)", "(2)" number the
      columns, so "(12)" is None. A caller that knows a column uses accounting style can strip
      them itself.
    - Integers come back as int, anything with a decimal part as float. Anything else (empty,
      "-", "x", "1 234", "12,", "1.23.4", "5 tỷ") is None, and nothing raises.
    """
    read = _read_number(text)
    return _int_or_float(read[0]) if read else None


def parse_decimal(text: str) -> Decimal | None:
    """`parse_number`'s reading, exact: "2.345,6" → Decimal("2345.6"). For sums that must not drift."""
    read = _read_number(text)
    return Decimal(read[0]) if read else None


def parse_percent(text: str) -> int | float | None:
    """The value of a percentage cell ("68,8%" → 68.8, "-3,5 %" → -3.5), None for anything else."""
    read = _read_number(text)
    return _int_or_float(read[0]) if read and read[1] else None
