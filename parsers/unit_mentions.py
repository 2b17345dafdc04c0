"""Which mentions of a unit in running text speak for the sender, and which only look like one.

parsers.registry.find_units finds every province named in a text; identification must not take
two kinds of them as the sender:

- A person's name. Vietnamese given names are often province names: "Nguyễn Thị Thanh Hoa",
  "Lê Bình Định", "Phạm Hà Giang", "Trần Nam Định", "Vũ Quảng Ninh". A mention with no prefix
  (tỉnh, thành phố, UBND …) right after a family name and at most two middle names, written as one
  run of capitalised words, is the end of a name (`in_person_name`).
- A former province. Since 1 July 2025 (Resolution 202/2025/QH15) reports speak of the provinces
  merged away: "tỉnh Hà Giang (cũ)", "trước sắp xếp", "sắp xếp tỉnh Hà Giang và tỉnh Tuyên Quang thành
  …" (the Resolution's own verb), "được hợp nhất từ tỉnh Hà Giang và tỉnh Tuyên Quang", "tỉnh Bắc Kạn
  và tỉnh Thái Nguyên hợp nhất thành …". Such a mention describes the map, not who writes: it is never
  a signal, neither of the former unit nor of its successor (`former_mention`). Only a list of units
  stands between the verb and a former one: the same verbs merge offices and public service units
  ("sáp nhập các đơn vị sự nghiệp của tỉnh X") and "hợp nhất" also means consolidated ("Báo cáo hợp
  nhất của tỉnh X"); those, "(mới)" and "sau sắp xếp" name today's unit and stay signals.

And a signature block ("KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC / (ký) / Nguyễn Thị Thanh Hoa") names the unit
only in its organisation lines ("SỞ NỘI VỤ TỈNH X", "TM. ỦY BAN NHÂN DÂN TỈNH X", a place-and-date
line); its last lines are the person (`organisation_lines`). Pure functions on text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from parsers.registry.matcher import UnitMention, alias_key, find_units
from parsers.registry.units import builtin
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
# "(cũ)" read with its tone mark: "cụ thể" (namely) or "củ" are no "cũ"; without marks only in brackets.
_OLD = re.compile(r"^\s*(?:[(\[]\s*(?:cũ|cu)\s*[)\]]|cũ(?!\w))", re.IGNORECASE)
# The verbs of the merger: "sắp xếp" is Resolution 202/2025/QH15's own ("sắp xếp tỉnh A và tỉnh B thành tỉnh B").
_MERGER = r"(?:sap xep|hop nhat|sap nhap|sat nhap)"
_MERGER_VERB = re.compile(rf"(?<![a-z]){_MERGER}(?![a-z])")
# A verb that speaks of today's unit ("sau sắp xếp, tỉnh X có …", "sau khi thực hiện hợp nhất tỉnh X có …")
# or is no merger at all ("báo cáo hợp nhất": a consolidated report).
_NO_MERGER_BEFORE = re.compile(
    r"(?:(?<![a-z])sau(?: khi)?(?: (?:thuc hien|tien hanh|hoan thanh|da|duoc|viec))*|bao cao|so lieu) $"
)
# "tỉnh A trước sắp xếp", "tỉnh A, trước khi hợp nhất", "trước thời điểm sắp xếp", "tỉnh A trước đây, nay là …"
# ("trước ngày 15/12/2025" is a deadline, not the old map).
_FORMER_WORDS = re.compile(rf"(?<![a-z])truoc(?: khi| thoi diem)? {_MERGER}(?![a-z])|(?<![a-z])truoc day(?=\s*(?:[,;)]|$))")
# What a list of units is written with once the units' names are set aside: "tỉnh A và tỉnh B", "hai tỉnh
# A, B", "TP. A (cũ)", "từ", "giữa", "với"; and the Resolution's "toàn bộ diện tích tự nhiên, quy mô dân số của".
_LIST = re.compile(
    r"(?:[\s,()\[\]\-\u2013.]|(?<![a-z])(?:tinh|thanh pho|tp|va|voi|cung|cac|hai|ba|bon|\d+|cu|tu|giua)"
    r"(?![a-z]))*"
)
_RESOLUTION_LEAD = re.compile(
    r"^\s*toan bo (?:dien tich tu nhien|quy mo dan so)(?:,? (?:va )?(?:dien tich tu nhien|quy mo dan so))* cua "
)
# Between a list and its verb ("tỉnh A và tỉnh B [đã] được [thực hiện] sắp xếp thành …").
_BEFORE_VERB = re.compile(r"(?<![a-z])(?:(?:da|duoc|se|thuc hien)\s+)*$")
# What follows the verb after a list: the new unit ("thành tỉnh B", "vào tỉnh B", "với tỉnh B"); "sắp xếp
# thành 124 xã" or "sắp xếp vào các phòng" is no merger of provinces.
_INTO_UNIT = re.compile(r"\s+(?:thanh|vao|voi)\s+(?:mot\s+)?(?:tinh|thanh pho|tp)(?![a-z])")
# "…; tỉnh C và tỉnh D thành tỉnh D": a clause of the Resolution's list, its verb said once before.
_LISTED_INTO = re.compile(r"(?<![a-z])thanh\s+(?:mot\s+)?(?:tinh|thanh pho|tp)(?![a-z])")
_SENTENCE_END = re.compile(r"[.;:\n!?]")
_PASSAGE_END = re.compile(r"[.:\n!?]")  # a sentence with its ";" clauses: the Resolution's list of mergers
_TP_DOT = re.compile(r"(?<![a-z])tp\.")  # "TP. Hồ Chí Minh" ends no sentence
_REGISTRIES = ("vn63", "vn34")  # names a list of units may use: the former and today's
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
    "(cũ)", "trước sắp xếp" / "trước đây" after it (or after the list it stands in), in the list after
    "sắp xếp" / "hợp nhất" / "sáp nhập" ("hợp nhất từ tỉnh A và tỉnh B"), or in a list followed by
    "sắp xếp thành tỉnh …" / "sáp nhập vào tỉnh …". The words between the verb and the mention must be
    a list of units: "sáp nhập các đơn vị sự nghiệp của tỉnh X" and "Báo cáo hợp nhất của tỉnh X" name
    today's X."""
    following = text[mention.end: mention.end + 160]
    if _OLD.match(unicodedata.normalize("NFC", following)):
        return True
    after = _folded(following)
    sentence_after = _SENTENCE_END.split(after, 1)[0]
    before = _folded(text[max(0, mention.start - 300): mention.start])
    return (_former_words_after(sentence_after) or _merged_after(sentence_after, before)
            or _merged_from(_SENTENCE_END.split(before)[-1]))


def _former_words_after(sentence_after: str) -> bool:
    """ "tỉnh A trước sắp xếp", "hai tỉnh A và B trước khi hợp nhất", "tỉnh A trước đây"."""
    found = _FORMER_WORDS.search(sentence_after)
    return found is not None and _only_units(sentence_after[: found.start()])


def _merged_after(sentence_after: str, before: str) -> bool:
    """The mention opens (or stands in) a list the merger verb follows: "tỉnh A và tỉnh B hợp nhất thành
    tỉnh B", "tỉnh A sáp nhập vào tỉnh B"; or, the verb said earlier in the passage, "…; tỉnh C và tỉnh D
    thành tỉnh D"."""
    verb = _MERGER_VERB.search(sentence_after)
    if verb is not None:
        head = sentence_after[: verb.start()]
        head = head[: _BEFORE_VERB.search(head).start()]
        return _only_units(head) and _INTO_UNIT.match(sentence_after, verb.end()) is not None
    into = _LISTED_INTO.search(sentence_after)
    if into is None or not _only_units(sentence_after[: into.start()]):
        return False
    passage = _PASSAGE_END.split(before)[-1]
    return any(_NO_MERGER_BEFORE.search(passage[: v.start()]) is None for v in _MERGER_VERB.finditer(passage))


def _merged_from(sentence_before: str) -> bool:
    """The mention is in the list after the sentence's last merger verb: "hợp nhất từ tỉnh A và tỉnh B",
    "sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của tỉnh A và tỉnh B"; not after "sau sắp xếp"
    (today's unit) nor in "báo cáo hợp nhất" (a consolidated report)."""
    verbs = list(_MERGER_VERB.finditer(sentence_before))
    if not verbs or _NO_MERGER_BEFORE.search(sentence_before[: verbs[-1].start()]):
        return False
    listed = sentence_before[verbs[-1].end():]
    # "Thực hiện sắp xếp, tỉnh X có …": a comma ends the verb's object; the list starts right after it.
    if listed.lstrip().startswith(","):
        return False
    return _only_units(_RESOLUTION_LEAD.sub("", listed, count=1))


def _only_units(folded: str) -> bool:
    """Whether folded text is a list of units and nothing else: their names (the 63 former provinces and
    the 34 of today), "tỉnh", "thành phố", "và", ",", "(cũ)" …; "các đơn vị sự nghiệp của" is none."""
    for registry in _REGISTRIES:
        for found in find_units(folded, builtin(registry), any_case=True):
            folded = folded[: found.start] + " " * (found.end - found.start) + folded[found.end:]
    return _LIST.fullmatch(folded) is not None


def _folded(text: str) -> str:
    return _TP_DOT.sub("tp ", _collapse(fold(text)))


def speaks_for_sender(text: str, mention: UnitMention) -> bool:
    """A mention that may say who sent the text: neither a person's name nor a former province."""
    return not in_person_name(text, mention) and not former_mention(text, mention)


def looks_like_person(line: str) -> bool:
    """A person's name alone ("Nguyễn Thái Bình", "Lê Hà Nam"): a family name, then 1-4 capitalised words;
    one rule for a sender's display name, a stamp's signer and a signature's lines.

    Thái Bình, Hà Nam, Hải Dương, Bình Định are common given names, so such a name names no unit.
    A name of two words only is a person's when it is no unit's name ("Hà Nội", "Cao Bằng" are places)."""
    words = line.split()
    if not 2 <= len(words) <= 5 or not all(word[:1].isupper() and word.isalpha() for word in words):
        return False
    if fold(words[0]) not in FAMILY_NAMES:
        return False
    return len(words) > 2 or fold(line) not in _unit_names()


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
    if not line or looks_like_person(line):
        return False
    folded = _collapse(fold(line))
    rest = _AUTHORITY.sub("", folded, count=1)
    if _ORGANISATION.search(rest) or re.search(r"(?<![a-z])(?:tinh|thanh pho|tp)(?![a-z])", rest):
        return True
    return bool(re.search(r"[a-z],?\s*ngay(?![a-z])", rest))  # "Tuyên Quang, ngày 5 tháng 12 năm 2025"


@functools.cache
def _unit_names() -> frozenset[str]:
    return frozenset(fold(name) for registry in _REGISTRIES for u in builtin(registry).units
                     for name in (u.name, *u.aliases, *u.cities))


def _has_prefix(text: str, mention: UnitMention) -> bool:
    """The mention's span holds a prefix ("tỉnh Thanh Hóa", "UBND TỈNH …"): more words than its alias."""
    return len(alias_key(text[mention.start: mention.end])) > len(alias_key(mention.alias))


def _collapse(folded: str) -> str:
    return re.sub(r"[ \t\u00a0]+", " ", folded)
