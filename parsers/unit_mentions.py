"""Which mentions of a unit in running text speak for the sender, and which only look like one.

parsers.registry.find_units finds every province named in a text; identification must not take
two kinds of them as the sender:

- A person's name. Vietnamese given names are often province names: "Nguyễn Thị Thanh Hoa",
  "Lê Bình Định", "Phạm Hà Giang", "Trần Nam Định", "Vũ Quảng Ninh". A mention with no prefix
  (tỉnh, thành phố, UBND …) right after a family name and at most two middle names, written as one
  run of capitalised words, is the end of a name (`in_person_name`).
- A former province. Since 1 July 2025 (Resolution 202/2025/QH15) reports speak of the provinces
  merged away: "tỉnh Hà Giang (cũ)", "trước sắp xếp", "được hợp nhất từ tỉnh Hà Giang và tỉnh Tuyên
  Quang", "tỉnh Bắc Kạn và tỉnh Thái Nguyên hợp nhất thành …". Such a mention describes the map, not
  who writes: it is never a signal, neither of the former unit nor of its successor
  (`former_mention`). "(mới)" and "sau sắp xếp" name today's unit and stay signals.

And a signature block ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / (ký) / Nguyễn Thị Thanh Hoa") names the unit
only in its organisation lines ("SỞ NỘI VỤ TỈNH X", "TM. ỦY BAN NHÂN DÂN TỈNH X", a place-and-date
line); its last lines are the person (`organisation_lines`). Pure functions on text.
"""

from __future__ import annotations

import re
import unicodedata

from parsers.registry.matcher import UnitMention, alias_key
from parsers.vietnamese import fold

# The commonest Vietnamese family names (folded): over 90% of the population.
FAMILY_NAMES = frozenset(
    "nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh dao doan lam mai trinh "
    "truong luong luu cao ha ta chu ton thai kieu quach van tang khuc lai".split()
)
MIDDLE_WORDS = 2  # "Nguyễn Thị | Thanh Hoa": a family name and at most two middle names before the given name
# Last words of a title or an honorific, after which a name begins (folded: Giám đốc, Chủ tịch, Ký bởi, Ông, Bà, Đồng chí).
_BEFORE_NAME = frozenset({"doc", "tich", "ky", "boi", "ong", "ba", "chi", "d/c"})
_RUN_WORDS = 6  # capitalised words read back from a mention: a title and a name on one line

_WORD_BEFORE = re.compile(r"(\S+)[ \t\u00a0]+$")
# Authority marks of a signature (Decree 30/2020/NĐ-CP): "TM.", "KT.", "TL.", "TUQ.", "Q." and spelt out.
_AUTHORITY = re.compile(r"^\W*(?:tm|kt|tl|tuq|q|thay mat|ky thay|thua lenh|thua uy quyen|quyen)\b[.\s]*")
# Words that make a line an organisation's name wherever they stand before the unit ("GIÁM ĐỐC SỞ NỘI VỤ …").
_ORGANISATION = re.compile(
    r"(?<![a-z])(?:ubnd|uy ban|hdnd|hoi dong|so|van phong|cuc|chi cuc|trung tam|ban|bo)(?![a-z])"
)
_FORMER_AFTER = re.compile(r"^[\s(\[\-–,]*truoc(?: khi)? (?:sap xep|hop nhat|sap nhap|sat nhap)(?![a-z])")
# "(cũ)" read with its tone mark: "cụ thể" (namely) or "củ" are no "cũ"; without marks only in brackets.
_OLD = re.compile(r"^\s*(?:[(\[]\s*(?:cũ|cu)\s*[)\]]|cũ(?!\w))", re.IGNORECASE)
_MERGER = r"(?:hop nhat|sap nhap|sat nhap)"
# "… hợp nhất từ tỉnh A và tỉnh B", "sáp nhập tỉnh A, tỉnh B": the units listed after it are the former ones
# ("sau hợp nhất, tỉnh X …" speaks of today's) …
_MERGED_FROM = re.compile(
    rf"(?<!sau )(?<!sau khi ){_MERGER}(?:\s+(?:toan bo|tu|cua|giua|cac|hai|ba|tinh|thanh pho|tp)(?![a-z])"
    r"(?P<rest>[^.;:\n]*))?$"
)
# … until "thành" / "vào": what follows is the new unit.
_INTO = re.compile(r"(?<![a-z])(?:thanh(?![a-z])(?! pho)|vao(?![a-z]))")
# "tỉnh A (cũ) và tỉnh B hợp nhất thành …", "tỉnh A sáp nhập vào tỉnh B": a list of units, then the merger.
_MERGED_AFTER = re.compile(
    r"^(?:\s*(?:\(cu\)|cu|,|va|(?:tinh|thanh pho|tp)\s+[a-z]+(?:\s+[a-z]+){0,3}?))*"
    rf"\s*(?:da\s+)?(?:duoc\s+)?{_MERGER}\s+(?:thanh|vao|voi)(?![a-z])"
)
_SENTENCE_END = re.compile(r"[.;:\n!?]")
_SIGN_OFF = re.compile(
    r"^\W*(?:tran trong|tran thanh cam on|xin cam on|cam on|kinh thu|than ai|best regards|regards|thanks"
    r"|thank you|sincerely)(?![a-z])"
)


def in_person_name(text: str, mention: UnitMention) -> bool:
    """Whether the mention ends a person's name: no prefix, and right before it (spaces only between)
    a run of one to three capitalised words starting with a family name ("Nguyễn Thị" Thanh Hoa). A
    longer run ("SỞ NỘI VỤ THANH HÓA", "Sở LĐTBXH Thái Bình") or one in mixed case ("Trường THPT Hà
    Giang") is no name; a title or an honorific before the name ("GIÁM ĐỐC", "Ông", "Đồng chí") is no
    part of it."""
    if _has_prefix(text, mention):
        return False
    words: list[str] = []
    end = mention.start
    while len(words) < _RUN_WORDS:
        found = _WORD_BEFORE.search(text, max(0, end - 40), end)
        if found is None:
            break
        word = found.group(1)
        if not (word[:1].isupper() and word.replace("/", "").isalpha()):
            break
        words.insert(0, word)
        end = found.start()
    run = [fold(word) for word in words]
    # The name begins after a title or an honorific: "GIÁM ĐỐC NGUYỄN THỊ THANH HOA", "Đồng chí Lê Bình Định".
    if titled := [index for index, key in enumerate(run) if key in _BEFORE_NAME]:
        run, words = run[titled[-1] + 1:], words[titled[-1] + 1:]
    named = [*words, *text[mention.start: mention.end].split()]
    # A name is written in one case: "Nguyễn Thị Thanh Hoa" or "NGUYỄN THỊ THANH HOA", never "Đoàn ĐBQH Hà Nam".
    same_case = all(w.isupper() for w in named) or all(w[1:] == w[1:].lower() for w in named)
    return 1 <= len(run) <= MIDDLE_WORDS + 1 and run[0] in FAMILY_NAMES and same_case


def former_mention(text: str, mention: UnitMention) -> bool:
    """Whether the mention names a province as it was before the 2025 merger (Resolution 202/2025/QH15):
    "(cũ)", "trước sắp xếp" after it, in the list after "hợp nhất từ" / "sáp nhập", or in a list
    followed by "hợp nhất thành" / "sáp nhập vào"."""
    following = text[mention.end: mention.end + 80]
    after = _collapse(fold(following))
    if _OLD.match(unicodedata.normalize("NFC", following)) or _FORMER_AFTER.match(after):
        return True
    sentence_after = _SENTENCE_END.split(after, 1)[0]
    if _MERGED_AFTER.match(sentence_after[:60]):
        return True
    before = _collapse(fold(text[max(0, mention.start - 200): mention.start]))
    sentence_before = _SENTENCE_END.split(before)[-1]
    merged = _MERGED_FROM.search(sentence_before)
    if merged is None:
        return False
    rest = merged.group("rest") or ""  # a list of provinces; "hợp nhất các sở của tỉnh X" merges offices, not X
    return _INTO.search(rest) is None and _ORGANISATION.search(rest) is None


def speaks_for_sender(text: str, mention: UnitMention) -> bool:
    """A mention that may say who sent the text: neither a person's name nor a former province."""
    return not in_person_name(text, mention) and not former_mention(text, mention)


def organisation_lines(signature: str) -> str:
    """The lines of a signature block that name an organisation, the person's lines left out:
    "SỞ NỘI VỤ TỈNH X", "TM. ỦY BAN NHÂN DÂN", "GIÁM ĐỐC SỞ LĐTBXH QUẢNG NINH", a place-and-date line.
    A line reads as one when, its authority mark ("KT.", "TM." …) put aside, an organisation's word
    (Sở, UBND, Ủy ban …) or a unit prefix (tỉnh, thành phố) stands in it, or ", ngày" follows a name;
    a person's name ("Nguyễn Thị Thanh Hoa", "Đoàn Văn Nam") never does."""
    kept = [line for line in signature.splitlines() if _organisation_line(line.strip())]
    return "\n".join(kept)


def without_sign_off_names(body: str) -> str:
    """An e-mail body with its sign-off's personal lines left out: after "Trân trọng" (or "Kính thư",
    "Thanks" …) come the writer's name and title, then perhaps the office; only organisation lines of
    it are kept ("Trân trọng, / Thanh Hoa / Sở Nội vụ tỉnh Tuyên Quang" names Tuyên Quang, not Thanh Hóa)."""
    lines = body.splitlines()
    for index, line in enumerate(lines):
        if _SIGN_OFF.match(fold(line)):
            head, tail = line.split(",", 1) if "," in line else (line, "")
            rest = "\n".join([tail, *lines[index + 1:]])
            return "\n".join([*lines[:index], head, organisation_lines(rest)])
    return body


def _organisation_line(line: str) -> bool:
    if not line or _person_line(line):
        return False
    folded = _collapse(fold(line))
    rest = _AUTHORITY.sub("", folded, count=1)
    if _ORGANISATION.search(rest) or re.search(r"(?<![a-z])(?:tinh|thanh pho|tp)(?![a-z])", rest):
        return True
    return bool(re.search(r"[a-z],?\s*ngay(?![a-z])", rest))  # "Tuyên Quang, ngày 5 tháng 12 năm 2025"


def _person_line(line: str) -> bool:
    """A line that is only a name: two to five capitalised words, the first a family name."""
    words = line.split()
    return (2 <= len(words) <= 5 and all(w[:1].isupper() and w.isalpha() for w in words)
            and fold(words[0]) in FAMILY_NAMES)


def _has_prefix(text: str, mention: UnitMention) -> bool:
    """The mention's span holds a prefix ("tỉnh Thanh Hóa", "UBND TỈNH …"): more words than its alias."""
    return len(alias_key(text[mention.start: mention.end])) > len(alias_key(mention.alias))


def _collapse(folded: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", folded)
