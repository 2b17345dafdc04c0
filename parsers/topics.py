"""Which request a report answers, read from its titles: the subject it names, against what each campaign asks for.

Provinces send the ministry many reports in the same weeks — the year-end report a campaign's letter
asks for, and reports on poverty reduction, children, vocational training, budget estimates,
inspection … — with the same year, the same senders and the same skeleton (results, shortcomings,
next year's tasks, proposals). The year and the outline cannot tell them apart; the title can.

A *title* is read (`read_title`) for:
- the **programmes** it names (`TOPICS`: "giảm nghèo", "trẻ em", "dự toán ngân sách" …), after the
  names of the offices and of the whole sector are blanked out ("Sở Lao động - Thương binh và Xã hội"
  names a sender; "lĩnh vực lao động, người có công và xã hội" the sector, not the merit-policy
  programme). What only qualifies the subject does not count: those it is for ("… cho người có
  công"), a parenthesis, the parts listed after "trong đó" when the sector or the year's work came
  first. Its *breadth* is the longest list of programmes named one after another ("việc làm, giáo
  dục nghề nghiệp, giảm nghèo và bảo trợ xã hội"), a programme's own name ("Chương trình mục tiêu
  giáo dục nghề nghiệp - việc làm và an toàn lao động") counting once: three or more is the
  sector's work, not one programme;
- whether it names the **whole sector** ("lao động, người có công và xã hội", "ngành LĐTBXH", "nội vụ");
- whether it is a **general evaluation** of the year ("tổng kết", "đánh giá tình hình thực hiện",
  "kết quả thực hiện nhiệm vụ năm …", "phương hướng, nhiệm vụ năm …");
- the **period** (parsers.years: year-end, half-year, quarter …).

A campaign's *profile* (`profile_of`) is read the same way from its letter's subject line and title:
the programmes it asks about (none: the whole sector), its period, and the operator's
`[campaign.match]` phrases and exclusions.

`judge(reading, profile)` then says whether the title fits the request (`FITS`, with a strength),
belongs to another one (`OTHER`: another programme, the whole sector for a programme's campaign, another
period, an excluded phrase), or says nothing either way (`UNKNOWN`: "Báo cáo năm 2019"). Each verdict
quotes its reason, for example `"công tác giảm nghèo" is one programme, tk2019 asks for the whole sector`.

Pure functions on short texts; the patterns are compiled once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from parsers.letterhead import folded_same_length
from parsers.outline import keyword_pattern
from parsers.vietnamese import fold
from parsers.years import report_period

FITS, OTHER, UNKNOWN = "fits", "other", "unknown"
SECTOR_STRENGTH = 0.9  # names the whole sector (and the campaign asks for it)
GENERAL_STRENGTH = 0.8  # a general evaluation of the year, no programme named
PROGRAMME_STRENGTH = 0.9  # names the programme a programme's campaign asks about
PHRASE_STRENGTH = 0.95  # an operator's [campaign.match] phrase
BROAD_TOPICS = 3  # a title naming this many programmes covers the sector's work, not one of them
BROAD_STRENGTH = 0.6
MAX_TITLE_CHARS = 1000  # a title is a line or two; a pasted body is cut, not read in quadratic time
LIST_GAP_WORDS = 3  # programmes this close, with a separator ("…, …", "… và phòng, chống …"), are a list


@dataclass(frozen=True)
class Topic:
    key: str
    name: str  # as evidence names it
    phrases: tuple[str, ...]  # parsers.outline.keyword_pattern phrases


# The programmes and subjects a labour / home-affairs ministry asks separate reports on.
TOPICS: tuple[Topic, ...] = (
    Topic("poverty", "giảm nghèo", ("giảm nghèo", "hộ nghèo", "thoát nghèo", "nghèo đa chiều", "cận nghèo", "gnbv",
                                         "chương trình 30a", "huyện nghèo")),
    # The yearly census of poor households is asked for on its own, apart from the programme's report.
    Topic("poverty_census", "rà soát hộ nghèo", ("rà soát hộ nghèo, hộ cận nghèo", "rà soát hộ nghèo",
                                                  "rà soát, phân loại hộ", "điều tra, rà soát")),
    Topic("children", "trẻ em", ("trẻ em", "quyền trẻ em", "tháng hành động vì trẻ em")),
    Topic("vocational", "giáo dục nghề nghiệp", ("giáo dục nghề nghiệp", "đào tạo nghề", "dạy nghề",
                                                  "tuyển sinh", "trường cao đẳng", "trường trung cấp")),
    Topic("merit", "người có công", ("người có công", "thương binh, liệt sĩ", "liệt sĩ", "liệt sỹ", "đền ơn đáp nghĩa",
                                      "thương binh", "27/7", "mộ liệt", "nghĩa trang")),
    Topic("tet", "chăm lo Tết", ("tết nguyên đán", "chăm lo tết", "quà tết", "đón tết", "dịp tết")),
    Topic("safety", "an toàn, vệ sinh lao động", ("an toàn, vệ sinh lao động", "an toàn lao động",
                                                   "vệ sinh lao động", "tai nạn lao động", "atvslđ")),
    Topic("budget", "ngân sách", ("dự toán", "ngân sách", "quyết toán", "kinh phí", "tài chính")),
    Topic("inspection", "thanh tra", ("thanh tra", "kiểm tra", "khiếu nại", "tố cáo", "tiếp công dân")),
    Topic("admin_reform", "cải cách hành chính", ("cải cách hành chính", "thủ tục hành chính", "một cửa",
                                                   "dịch vụ công", "kiểm soát thủ tục")),
    Topic("investment", "đầu tư công", ("đầu tư công", "vốn đầu tư", "đầu tư xây dựng", "xây dựng cơ bản",
                                         "đầu tư phát triển")),
    Topic("gender", "bình đẳng giới", ("bình đẳng giới", "tiến bộ của phụ nữ", "bạo lực gia đình")),
    Topic("social_evils", "phòng, chống tệ nạn xã hội", ("tệ nạn xã hội", "cai nghiện", "ma túy", "ma tuý", "nạn nhân",
                                                          "mại dâm", "mua bán người")),
    Topic("social_protection", "bảo trợ xã hội", ("bảo trợ xã hội", "trợ giúp xã hội", "cứu trợ", "cứu đói",
                                                   "nghề công tác xã hội", "công tác xã hội",
                                                   "trợ cấp xã hội")),
    Topic("disability", "người khuyết tật", ("người khuyết tật", "khuyết tật")),
    Topic("elderly", "người cao tuổi", ("người cao tuổi",)),
    Topic("overseas", "người lao động đi làm việc ở nước ngoài", ("làm việc ở nước ngoài", "chương trình eps",
                                                                   "đi làm việc tại", "eps",
                                                                   "xuất khẩu lao động", "theo hợp đồng")),
    Topic("personnel", "tổ chức cán bộ", ("vị trí việc làm", "tổ chức bộ máy", "biên chế", "đơn vị sự nghiệp",
                                           "cán bộ, công chức", "công chức, viên chức", "tổ chức cán bộ")),
    Topic("employment", "việc làm", ("việc làm", "thị trường lao động", "cung … cầu lao động",
                                      "giao dịch việc làm", "quỹ quốc gia về việc làm")),
    Topic("insurance", "bảo hiểm", ("bảo hiểm thất nghiệp", "bảo hiểm xã hội", "bảo hiểm y tế")),
    Topic("wages", "tiền lương, quan hệ lao động", ("tiền lương", "tiền công", "lương tối thiểu",
                                                    "quan hệ lao động", "đình công", "thỏa ước", "thoả ước")),
    Topic("emulation", "thi đua, khen thưởng", ("thi đua", "khen thưởng", "thành tích")),
    Topic("anticorruption", "phòng, chống tham nhũng", ("tham nhũng", "tiêu cực", "kê khai tài sản",
                                                         "tài sản, thu nhập")),
    Topic("thrift", "thực hành tiết kiệm, chống lãng phí", ("tiết kiệm", "lãng phí")),
    # Not "pháp luật" alone: the year-end letter itself asks how "chính sách pháp luật" were carried out.
    Topic("legal", "pháp chế, pháp luật", ("phổ biến, giáo dục pháp luật", "pháp chế", "quy phạm pháp luật",
                                            "thi hành pháp luật", "thi hành … luật", "bộ luật", "pháp lệnh",
                                            "theo dõi thi hành")),
    # A review of one resolution, directive or decree is a request of its own.
    Topic("resolution", "nghị quyết, chỉ thị", ("nghị quyết số", "chỉ thị số", "kết luận số", "nghị định số",
                                                "quyết định số", "nq/tw", "ct/tw", "nq-tw", "ct-tw")),
    Topic("party", "công tác Đảng, đoàn thể", ("xây dựng đảng", "đảng bộ", "chi bộ", "công tác đảng", "công đoàn",
                                               "đoàn thanh niên", "cựu chiến binh")),
    Topic("conference", "hội nghị, hội thảo", ("đối thoại", "hội thảo", "tọa đàm", "toạ đàm", "tổ chức hội nghị")),
    Topic("foreign_workers", "lao động nước ngoài", ("người nước ngoài", "lao động nước ngoài")),
    Topic("disaster", "thiên tai", ("thiên tai", "bão số", "lũ lụt", "hạn hán", "khắc phục hậu quả")),
    Topic("petitions", "kiến nghị của cử tri", ("kiến nghị của cử tri", "cử tri", "chất vấn", "giám sát của")),
    Topic("digital", "chuyển đổi số", ("chuyển đổi số", "công nghệ thông tin", "chính phủ điện tử",
                                        "cơ sở dữ liệu", "chính quyền điện tử")),
    Topic("statistics", "thống kê, khảo sát", ("thống kê", "biểu mẫu", "chế độ báo cáo", "khảo sát")),
    Topic("rural", "nông thôn mới", ("nông thôn mới",)),
    Topic("ethnic", "vùng đồng bào dân tộc thiểu số", ("dân tộc thiểu số", "miền núi", "chương trình 135")),
    Topic("covid", "hỗ trợ do COVID-19", ("covid", "đại dịch", "dịch bệnh")),
    Topic("religion", "tín ngưỡng, tôn giáo", ("tôn giáo", "tín ngưỡng")),
    Topic("archives", "văn thư, lưu trữ", ("văn thư", "lưu trữ")),
    Topic("youth", "thanh niên", ("thanh niên",)),
    Topic("cooperation", "hợp tác", ("hợp tác quốc tế", "chương trình hợp tác", "hợp tác với", "quan hệ quốc tế")),
    Topic("local_government", "chính quyền địa phương", ("chính quyền địa phương", "địa giới hành chính",
                                                          "sắp xếp đơn vị hành chính", "đơn vị hành chính")),
)
TOPIC_NAMES = {topic.key: topic.name for topic in TOPICS}

# The whole sector (the year-end letter's "lĩnh vực lao động, người có công và xã hội"), and the names
# of the departments and ministries that carry its words: blanked before programmes are sought.
_SECTOR = (
    "lao động, người có công và xã hội", "lao động, người có công, xã hội", "lao động - thương binh và xã hội",
    "lao động thương binh xã hội", "lao động, thương binh và xã hội", "lđtbxh", "lđ-tbxh", "lđ tbxh", "lđ tb xh",
    "lđtb xh", "lao động … người có công … xã hội", "lao động … thương binh … xã hội",
    "ngành nội vụ", "công tác nội vụ", "lĩnh vực nội vụ", "toàn ngành", "của ngành", "ngành lao động",
)
# Offices whose names carry the sector's or a programme's words: "Sở Lao động - Thương binh và Xã hội" is a
# sender, not the sector; "Phòng Kế hoạch - Tài chính" is an office, not the budget.
_INSTITUTIONS = (
    "sở lao động … thương binh … xã hội", "phòng lao động … thương binh … xã hội", "sở lđtbxh", "phòng lđtbxh",
    "sở lđ-tbxh", "phòng lđ-tbxh", "sở nội vụ", "bộ nội vụ", "phòng nội vụ", "ủy ban nhân dân", "uỷ ban nhân dân",
    "ubnd", "hđnd", "hội đồng nhân dân", "kế hoạch - tài chính", "kế hoạch, tài chính", "khtc",
)
# A general evaluation of the year's work.
_GENERAL = (
    "tổng kết", "đánh giá tình hình thực hiện", "tình hình thực hiện nhiệm vụ", "kết quả thực hiện nhiệm vụ",
    "kết quả thực hiện các chỉ tiêu", "thực hiện các chỉ tiêu, nhiệm vụ", "kết quả thực hiện kế hoạch",
    "tình hình thực hiện kế hoạch", "kết quả công tác", "kết quả thực hiện công tác năm", "công tác năm",
    "phương hướng, nhiệm vụ", "phương hướng nhiệm vụ", "nhiệm vụ, giải pháp", "nhiệm vụ năm", "kế hoạch năm",
    "kết quả hoạt động", "thực hiện nhiệm vụ năm", "kết quả đạt được", "nhiệm vụ và giải pháp",
    "kq … kh", "tk năm", "bc tk",  # file names: "BC KQ 2019 KH 2020", "Bao cao TK nam 2019"
)
# A programme's own name ("Chương trình mục tiêu giáo dục nghề nghiệp - việc làm và an toàn lao động")
# may name several subjects: it is still one programme. Its name runs to the year, a ";" or the end.
_PROGRAMME_NAME = re.compile(r"chuong trinh\W+(?:muc tieu|mtqg|hanh dong|quoc gia)[^;]*?(?=\Wnam \d{4}|;|$)")
# "… cho người có công, hộ nghèo": after "cho" / "đối với" come those it is for, not what it is about;
# after "trong đó", "bao gồm" the parts of what came before.
_BENEFICIARIES = re.compile(r"\W(?:cho|doi voi|trong do|bao gom)\W")
_PARTS = re.compile(r"\W(?:trong do|bao gom)\W")
_ASIDE = re.compile(r"\([^()]*\)")
_LIST_SEPARATOR = re.compile(r"[,;]|(?<!\w)va(?!\w)|\s-\s")


@dataclass(frozen=True)
class TitleReading:
    text: str  # as written
    topics: tuple[tuple[str, str], ...]  # (topic key, the words as written), in order of appearance
    breadth: int  # how many subjects it covers: the programmes named, one programme's own name counting once
    sector: str | None  # the words that name the whole sector
    general: str | None  # the words that say it evaluates the year's work in general
    period: str  # parsers.years PeriodKind

    @property
    def topic_keys(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.topics)


@dataclass(frozen=True)
class Profile:
    """What a campaign asks for, as titles are judged against it."""

    campaign: str
    topics: frozenset[str]  # the programmes it asks about; empty: the whole sector
    period: str  # year_end, half_year …
    phrases: tuple[str, ...] = ()  # [campaign.match] phrases, as written
    exclude: tuple[str, ...] = ()  # [campaign.match] exclude, as written

    @property
    def scope(self) -> str:
        if not self.topics:
            return "the whole sector"
        return ", ".join(f'"{TOPIC_NAMES[key]}"' for key in sorted(self.topics))


@dataclass(frozen=True)
class Verdict:
    verdict: str  # FITS | OTHER | UNKNOWN
    strength: float  # how sure, for FITS and OTHER
    reason: str  # quotes the title's words and names the campaign


@functools.cache
def _patterns(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(keyword_pattern(phrase) for phrase in phrases)


class _Index:
    """Phrases' patterns by their first word: only a phrase whose first word is a word of the text can
    match it, so a title is tried against a handful of the two hundred phrases, not all of them."""

    def __init__(self, labelled: Iterable[tuple[str, str]]) -> None:
        self._by_word: dict[str, list[tuple[int, str, re.Pattern[str]]]] = {}
        for order, (label, phrase) in enumerate(labelled):
            first = re.findall(r"\w+", fold(phrase))[0]
            self._by_word.setdefault(first, []).append((order, label, keyword_pattern(phrase)))

    def among(self, words: set[str]) -> list[tuple[str, re.Pattern[str]]]:
        """(label, pattern) of the phrases that may match a text of these words, in the phrases' order."""
        found = sorted(entry for word in words & self._by_word.keys() for entry in self._by_word[word])
        return [(label, pattern) for _, label, pattern in found]


@functools.cache
def _index(phrases: tuple[str, ...]) -> _Index:
    return _Index((phrase, phrase) for phrase in phrases)


@functools.cache
def _topic_index() -> _Index:
    return _Index((topic.key, phrase) for topic in TOPICS for phrase in topic.phrases)


def _words(folded: str) -> set[str]:
    return set(re.findall(r"\w+", folded))


Span = tuple[int, int]


def _blank(folded: str, patterns: Iterable[re.Pattern[str]]) -> tuple[str, Span | None]:
    """The text with every match blanked out (same length), and the first match's span. Patterns are
    tried in order, each on what the ones before left, so an earlier phrase wins an overlap."""
    first: Span | None = None
    for pattern in patterns:
        spans = [found.span() for found in pattern.finditer(folded)]
        if not spans:
            continue
        chars = list(folded)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        folded = "".join(chars)
        first = min(first, spans[0]) if first else spans[0]
    return folded, first


@functools.lru_cache(maxsize=4096)
def read_title(text: str) -> TitleReading:
    """What a title, an e-mail subject or a file name says about the report's subject and period."""
    text = " ".join((text or "").split())[:MAX_TITLE_CHARS]
    folded = folded_same_length(text).replace("_", " ")  # file names: "BC_KQ_2019"; positions are text's
    words = _words(folded)
    folded, _ = _blank(folded, (p for _, p in _index(_INSTITUTIONS).among(words)))
    folded, sector = _blank(folded, (p for _, p in _index(_SECTOR).among(words)))
    general = _first_span(folded, (p for _, p in _index(_GENERAL).among(words)))
    parts = _PARTS.search(folded)
    if parts and any(span and span[0] < parts.start() for span in (sector, general)):
        folded = folded[: parts.start()]  # "… của ngành, trong đó có Chương trình giảm nghèo …": its parts
    # A parenthesis qualifies ("tiêu chí 12 (lao động có việc làm)"): read only when nothing else names a programme.
    mentions = _mentions(_ASIDE.sub(lambda found: " " * len(found.group()), folded)) or _mentions(folded)
    topics = _first_of_each(mentions)
    return TitleReading(text=text, topics=tuple((key, text[slice(*_quoted_span(folded, s, e))]) for key, s, e in topics),
                        breadth=_breadth(folded, mentions), sector=_quote(text, sector),
                        general=_quote(text, general), period=report_period(text).kind)


# Quoted with the words that make it a programme: "công tác giảm nghèo", "chính sách ưu đãi người có công".
_LEAD_INS = (re.compile(r"cong tac\W+$"), re.compile(r"(?:chinh sach|chuong trinh|de an)(?:\W+\w+){0,3}?\W+$"))


def _quoted_span(folded: str, start: int, end: int) -> tuple[int, int]:
    """What to quote for a programme mentioned at start:end: the whole programme's name when it is
    inside one, else the mention with its lead-in words."""
    for name in _PROGRAMME_NAME.finditer(folded):
        if name.start() <= start < name.end():
            return name.start(), name.end()
    for lead_in in _LEAD_INS:
        if found := lead_in.search(folded, max(0, start - 40), start):
            return found.start(), end
    return start, end


def _first_span(folded: str, patterns: Iterable[re.Pattern[str]]) -> Span | None:
    spans = [found.span() for pattern in patterns if (found := pattern.search(folded))]
    return min(spans) if spans else None


def _quote(text: str, span: Span | None) -> str | None:
    return text[span[0]:span[1]] if span else None


def _mentions(folded: str) -> list[tuple[int, int, str]]:
    """Every programme mention (start, end, key) in order, each by its longest phrase; a mention inside
    a longer one of another programme ("việc làm" in "vị trí việc làm") does not count, nor one after
    "cho" / "đối với" when a programme came before."""
    found = [(found.start(), found.end(), key) for key, pattern in _topic_index().among(_words(folded))
             for found in pattern.finditer(folded)]
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, str]] = []
    for start, end, key in found:
        if any(start >= s and end <= e for s, e, _ in kept):
            continue
        kept.append((start, end, key))
    beneficiaries = _BENEFICIARIES.search(folded)
    if beneficiaries and any(start < beneficiaries.start() for start, _, _ in kept):
        kept = [item for item in kept if item[0] < beneficiaries.start()]
    return kept


def _first_of_each(mentions: list[tuple[int, int, str]]) -> list[tuple[str, int, int]]:
    first: dict[str, tuple[int, int]] = {}
    for start, end, key in mentions:
        first.setdefault(key, (start, end))
    return sorted(((key, s, e) for key, (s, e) in first.items()), key=lambda item: item[1])


def _breadth(folded: str, mentions: list[tuple[int, int, str]]) -> int:
    """How many subjects the title lists: the longest run of programmes named one after another
    ("việc làm, giáo dục nghề nghiệp, giảm nghèo và bảo trợ xã hội"), a programme's own name counting
    once. Programmes far apart ("Dự toán kinh phí thực hiện Pháp lệnh ưu đãi người có công") are
    one subject seen from another, not a list."""
    names = [found.span() for found in _PROGRAMME_NAME.finditer(folded)]
    items: list[tuple[int, int, str]] = []
    for start, end, key in mentions:
        name = next(((s, e) for s, e in names if s <= start < e), None)
        if name is None:
            items.append((start, end, key))
        elif not items or items[-1][:2] != name:
            items.append((*name, "programme:" + str(name)))
    best, run = 0, set()
    for index, (start, end, key) in enumerate(items):
        gap = folded[items[index - 1][1]:start] if index else ""
        listed = bool(index and _LIST_SEPARATOR.search(gap) and len(re.findall(r"\w+", gap)) <= LIST_GAP_WORDS)
        run = (run | {key}) if listed else {key}
        best = max(best, len(run))
    return best


def profile_of(campaign_id: str, texts: Iterable[str], phrases: Iterable[str] = (),
               exclude: Iterable[str] = ()) -> Profile:
    """A campaign's profile from its letter's subject line and title (the first that names a period wins)."""
    topics: set[str] = set()
    period = "unknown"
    for text in texts:
        if not text:
            continue
        reading = read_title(text)
        topics |= reading.topic_keys
        if period == "unknown" and reading.period != "unknown":
            period = reading.period
    return Profile(campaign_id, frozenset(topics), "year_end" if period == "unknown" else period,
                   tuple(phrases), tuple(exclude))


def judge(reading: TitleReading, profile: Profile) -> Verdict:
    """Whether a title fits what the campaign asks for (rules: module docstring)."""
    folded = folded_same_length(reading.text)
    name = profile.campaign
    for phrase, pattern in zip(profile.exclude, _patterns(profile.exclude)):
        if pattern.search(folded):
            return Verdict(OTHER, 1.0, f'"{phrase}" is excluded from {name} ([campaign.match])')
    for phrase, pattern in zip(profile.phrases, _patterns(profile.phrases)):
        if pattern.search(folded):
            return Verdict(FITS, PHRASE_STRENGTH, f'"{phrase}" answers {name} ([campaign.match])')
    if (reading.period in _SUB_YEAR or profile.period in _SUB_YEAR) and reading.period not in (profile.period, "unknown"):
        return Verdict(OTHER, 0.9, f"a {reading.period.replace('_', '-')} report, {name} asks for "
                                   f"a {profile.period.replace('_', '-')} one")
    if profile.topics:
        return _judge_programme(reading, profile)
    return _judge_sector(reading, profile)


_SUB_YEAR = ("half_year", "nine_months", "quarter", "month", "multi_year")


def _judge_programme(reading: TitleReading, profile: Profile) -> Verdict:
    name, mine = profile.campaign, reading.topic_keys & profile.topics
    if mine:
        words = next(words for key, words in reading.topics if key in mine)
        return Verdict(FITS, PROGRAMME_STRENGTH, f'"{words}" is what {name} asks about')
    if reading.topics:
        words = reading.topics[0][1]
        return Verdict(OTHER, 0.9, f'"{words}" is another programme, {name} asks about {profile.scope}')
    if reading.sector:
        return Verdict(OTHER, 0.7, f'"{reading.sector}" is the whole sector, {name} asks about {profile.scope}')
    return Verdict(UNKNOWN, 0.0, f"names no programme ({name} asks about {profile.scope})")


def _judge_sector(reading: TitleReading, profile: Profile) -> Verdict:
    name, topics = profile.campaign, reading.topics
    if reading.breadth >= BROAD_TOPICS:
        listed = ", ".join(f'"{words}"' for _, words in topics)
        return Verdict(FITS, BROAD_STRENGTH, f"names {len(topics)} programmes ({listed}): the sector's work, as {name} asks")
    if topics:
        words = topics[0][1]
        return Verdict(OTHER, 0.9, f'"{words}" is one programme, {name} asks for the whole sector')
    if reading.sector:
        return Verdict(FITS, SECTOR_STRENGTH, f'"{reading.sector}" is the whole sector, as {name} asks')
    if reading.general:
        return Verdict(FITS, GENERAL_STRENGTH, f'"{reading.general}": the year\'s work in general, as {name} asks')
    return Verdict(UNKNOWN, 0.0, f"says nothing of its subject ({name} asks for the whole sector)")
