"""Indicator definitions: the shipped year-end set, the loader's checks, and which indicators a sentence names
(parsers.indicators.definitions)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.indicators.definitions import (
    GAP,
    builtin_definitions,
    default_definitions,
    indicators_named,
    known_units,
    read_definitions,
    read_units,
    unit_of,
)
from parsers.vietnamese import fold
from reportbox.errors import ConfigError

DEFAULTS = default_definitions()


def named(sentence: str) -> list[tuple[str, str]]:
    return [(mention.key, mention.text) for mention in indicators_named(sentence, DEFAULTS)]


# --- The shipped set -------------------------------------------------------------------------------
def test_the_year_end_set_holds_the_figures_planners_copy():
    assert set(DEFAULTS.keys) >= {
        "jobs_created", "workers_abroad", "vocational_enrolment", "trained_share", "urban_unemployment",
        "poor_rate", "near_poor_rate", "merit_beneficiaries", "social_assistance", "child_friendly_communes",
        "labour_accidents",
    }  # fmt: skip
    assert DEFAULTS.name == "labour_year_end"
    jobs = DEFAULTS["jobs_created"]
    assert (jobs.name, jobs.unit, jobs.aggregate, jobs.bigger_is_better) == (
        "Số lao động được giải quyết việc làm", "người", "sum", True)
    unemployment = DEFAULTS["urban_unemployment"]
    assert (unemployment.unit, unemployment.aggregate, unemployment.bigger_is_better) == ("%", "mean", False)
    assert DEFAULTS["child_friendly_communes"].unit == "xã"
    assert DEFAULTS["poor_households"].unit == "hộ"
    assert DEFAULTS["job_loans"].unit == "tỷ đồng"
    with pytest.raises(KeyError, match="no indicator 'gdp'"):
        DEFAULTS["gdp"]


def test_plausible_ranges_fit_real_provinces():
    # Hà Nội created about 160,000 jobs in 2019; Nghệ An sent about 14,500 workers abroad.
    assert DEFAULTS["jobs_created"].plausible_value(Decimal(160_000))
    assert DEFAULTS["workers_abroad"].plausible_value(Decimal(14_500))
    assert not DEFAULTS["workers_abroad"].plausible_value(Decimal(145_000))  # a misread thousands separator
    assert DEFAULTS["trained_share"].plausible_value(Decimal("68.8"))
    assert not DEFAULTS["urban_unemployment"].plausible_value(Decimal("31"))  # "3,1" read as 31
    for indicator in DEFAULTS:
        low, high = indicator.plausible
        assert Decimal(0) <= low < high, indicator.key
        assert indicator.unit != "%" or (high <= 100 and indicator.aggregate != "sum"), indicator.key


def test_every_phrase_alone_names_its_own_indicator():
    # A phrase shadowed by another indicator's longer one could never be found: the data would lie.
    for indicator in DEFAULTS:
        for phrase in indicator.phrases:
            sentence = f"Năm 2019, {phrase.replace(GAP, '1.250 lao động')} đạt kết quả tốt"
            assert [key for key, _ in named(sentence)] == [indicator.key], (indicator.key, phrase)


def test_builtin_sets_by_name():
    assert builtin_definitions("labour_year_end").keys == DEFAULTS.keys
    with pytest.raises(ConfigError, match="no built-in indicator set 'health'; there are: labour_year_end"):
        builtin_definitions("health")
    with pytest.raises(ConfigError, match="no built-in indicator set"):
        builtin_definitions("../units")


# --- Units ------------------------------------------------------------------------------------------
def test_units_and_the_words_reports_write_for_them():
    assert {"người", "%", "hộ", "tỷ đồng", "xã", "vụ"} <= set(known_units())
    assert (unit_of("Lao động").unit, unit_of("lượt người").unit) == ("người", "người")
    assert unit_of("xã, phường").unit == "xã"
    assert unit_of("ty dong").unit == "tỷ đồng"
    assert unit_of("triệu đồng").factor == Decimal("0.001")
    assert unit_of("nghìn tỷ đồng").factor == Decimal(1000)
    assert unit_of("phần trăm").unit == "%"
    assert unit_of("con") is None


@pytest.mark.parametrize("text, error", [
    ("unit,word\nngười,người\n", "units.csv: line 1: expected the header unit,word,factor"),
    ("unit,word,factor\nngười,,1\n", "line 2: a row needs a unit and a word"),
    ("unit,word,factor\nngười,người,0\n", "line 2: factor '0' is not a positive number"),
    ("unit,word,factor\nngười,người,một\n", "line 2: factor 'một' is not a positive number"),
    ("unit,word,factor\nngười,lao động,1\nhộ,Lao Dong,1\n", "line 3: 'Lao Dong' already means 'người'"),
])  # fmt: skip
def test_a_wrong_units_file_is_refused_naming_the_line(text, error):
    with pytest.raises(ConfigError, match=error):
        read_units(text, "units.csv")


# --- The loader's checks ----------------------------------------------------------------------------
GOOD = """
name = "test"
title = "Thử"
[[indicator]]
key = "jobs_created"
name = "Giải quyết việc làm"
unit = "người"
phrases = ["giải quyết việc làm"]
bigger_is_better = true
plausible = [100, 500000]
aggregate = "sum"
"""


def _with(**changes: str) -> str:
    lines = []
    for line in GOOD.splitlines():
        field = line.split(" = ")[0]
        if field in changes and not line.startswith(("name = \"test\"", "title")):
            line = f"{field} = {changes.pop(field)}" if changes[field] is not None else ""
        lines.append(line)
    return "\n".join(lines) + "".join(f"\n{field} = {value}" for field, value in changes.items() if value is not None)


def test_a_good_definition_reads():
    definitions = read_definitions(GOOD, "reportbox.toml")
    (jobs,) = definitions
    assert jobs.plausible == (Decimal(100), Decimal(500000)) and jobs.phrases == ("giải quyết việc làm",)
    assert definitions.source == "reportbox.toml"
    rate = read_definitions(_with(unit='"%"', plausible="[0.5, 10.25]", aggregate='"mean"'), "x.toml")
    assert rate["jobs_created"].plausible == (Decimal("0.5"), Decimal("10.25"))  # decimals, not floats
    dots = read_definitions(_with(phrases='["đưa ... đi làm việc ở nước ngoài"]'), "x.toml")
    assert dots["jobs_created"].phrases == ("đưa … đi làm việc ở nước ngoài",)


@pytest.mark.parametrize("changes, error", [
    ({"unit": '"người/năm"'}, "indicator 'jobs_created': unit 'người/năm' is not one of người, %"),
    ({"phrases": "[]"}, "indicator 'jobs_created': phrases is empty"),
    ({"phrases": '["giải quyết việc làm", "  "]'}, "indicator 'jobs_created': phrases holds an empty phrase"),
    ({"phrases": '["… đi làm việc"]'}, "must have words on both sides of each"),
    ({"phrases": '"giải quyết việc làm"'}, "phrases must be a list of phrases"),
    ({"plausible": "[500000, 100]"}, r"plausible range \[500000, 100\] must run from a lowest"),
    ({"plausible": "[-1, 100]"}, "must run from a lowest value ≥ 0"),
    ({"plausible": "[100]"}, r"plausible must be \[lowest, highest\], two numbers"),
    ({"plausible": '["một", 2]'}, "plausible must be"),
    ({"unit": '"%"', "plausible": "[0, 120]", "aggregate": '"mean"'}, "goes above 100%"),
    ({"unit": '"%"', "plausible": "[0, 12]"}, "a share cannot be summed across units"),
    ({"aggregate": '"median"'}, "aggregate 'median' is not one of sum, mean, weighted_mean"),
    ({"aggregate": '"weighted_mean"'}, "weight .* goes with aggregate = \"weighted_mean\""),
    ({"weight": '"jobs_created"'}, "weight .* goes with aggregate"),
    ({"bigger_is_better": '"yes"'}, "bigger_is_better must be true or false"),
    ({"key": '"Jobs Created"'}, "key must be lower-case letters"),
    ({"name": '""'}, "indicator 'jobs_created': name is empty"),
    ({"aggregate": None}, "indicator 'jobs_created': missing aggregate"),
    ({"phrase": '["x"]'}, "unknown field phrase"),
])  # fmt: skip
def test_a_wrong_definition_is_refused_naming_the_file_and_the_indicator(changes, error):
    with pytest.raises(ConfigError, match=error) as raised:
        read_definitions(_with(**changes), "reportbox.toml")
    assert str(raised.value).startswith("reportbox.toml: ")
    assert raised.value.reason == "indicator_definitions"


SECOND = """
[[indicator]]
key = "{key}"
name = "Tỷ lệ"
unit = "%"
phrases = [{phrases}]
bigger_is_better = true
plausible = [0, 100]
aggregate = "{aggregate}"
{extra}
"""


@pytest.mark.parametrize("second, error", [
    (dict(key="jobs_created", phrases='"tỷ lệ"', aggregate="mean", extra=""), "'jobs_created' is defined twice"),
    (dict(key="rate", phrases='"GIẢI QUYẾT, việc làm"', aggregate="mean", extra=""),
     "indicator 'rate': phrase 'GIẢI QUYẾT, việc làm' already names 'jobs_created'"),
    (dict(key="rate", phrases='"tỉ lệ", "tỷ lệ"', aggregate="mean", extra=""), None),  # one indicator: allowed
    (dict(key="rate", phrases='"tỷ lệ"', aggregate="weighted_mean", extra='weight = "rate"'),
     "weight 'rate' must be the key of another indicator counted in people"),
    (dict(key="rate", phrases='"tỷ lệ"', aggregate="weighted_mean", extra='weight = "nothing"'), "weight 'nothing'"),
    (dict(key="rate", phrases='"tỷ lệ"', aggregate="weighted_mean", extra='weight = "jobs_created"'), None),
])  # fmt: skip
def test_the_set_is_checked_as_a_whole(second, error):
    text = GOOD + SECOND.format(**second)
    if error is None:
        assert len(read_definitions(text, "reportbox.toml")) == 2
        return
    with pytest.raises(ConfigError, match=error):
        read_definitions(text, "reportbox.toml")


def test_an_indicator_is_not_weighted_by_itself():
    text = _with(aggregate='"weighted_mean"', weight='"jobs_created"')
    with pytest.raises(ConfigError, match="weight 'jobs_created' must be the key of another indicator"):
        read_definitions(text, "reportbox.toml")


@pytest.mark.parametrize("text, error", [
    ("name = \n", "reportbox.toml: not valid TOML"),
    ('name = "x"\n', "no indicators; define each as an \\[\\[indicator\\]\\] table"),
    ('name = "x"\nindicators = []\n', "unknown setting indicators"),
])  # fmt: skip
def test_a_file_that_is_no_set_is_refused(text, error):
    with pytest.raises(ConfigError, match=error):
        read_definitions(text, "reportbox.toml")


# --- Matching ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence, expected", [
    # Sentences as year-end reports write them.
    ("Năm 2019, toàn tỉnh đã giải quyết việc làm cho 35.120 lao động, đạt 104,2% kế hoạch, tăng 3,1% so với năm 2018.",
     [("jobs_created", "giải quyết việc làm")]),
    ("Tạo việc làm mới cho 28.500 người, trong đó xuất khẩu lao động 2.150 người.",
     [("jobs_created", "Tạo việc làm mới"), ("workers_abroad", "xuất khẩu lao động")]),
    ("Đưa 2.100 người lao động của tỉnh đi làm việc ở nước ngoài theo hợp đồng, vượt 5% kế hoạch.",
     [("workers_abroad", "Đưa 2.100 người lao động của tỉnh đi làm việc ở nước ngoài")]),
    ("Có 1.250 người lao động đi làm việc có thời hạn ở nước ngoài theo hợp đồng.",
     [("workers_abroad", "đi làm việc có thời hạn ở nước ngoài")]),
    ("Tuyển sinh giáo dục nghề nghiệp được 42.300 người (cao đẳng 5.100, trung cấp 8.200).",
     [("vocational_enrolment", "Tuyển sinh giáo dục nghề nghiệp")]),
    ("Công tác tuyển sinh, đào tạo nghề cho 25.000 người, đạt 100% kế hoạch.",
     [("vocational_enrolment", "tuyển sinh, đào tạo nghề")]),
    ("Tuyển sinh và đào tạo nghề cho 18.000 người; tuyển sinh GDNN 42.300 người, đào tạo nghề cho lao động nông thôn",
     [("vocational_enrolment", "Tuyển sinh và đào tạo"), ("vocational_enrolment", "tuyển sinh GDNN"),
      ("vocational_enrolment", "đào tạo nghề cho")]),
    ("Tỷ lệ lao động qua đào tạo đạt 68,8%, trong đó có bằng cấp, chứng chỉ đạt 25,5%.",
     [("trained_share", "Tỷ lệ lao động qua đào tạo"), ("trained_certified_share", "có bằng cấp, chứng chỉ")]),
    ("Tỷ lệ lao động qua đào tạo có bằng cấp, chứng chỉ đạt 26%.",
     [("trained_certified_share", "lao động qua đào tạo có bằng cấp, chứng chỉ")]),
    ("Tỷ lệ thất nghiệp ở khu vực thành thị còn 3,1%.",
     [("urban_unemployment", "Tỷ lệ thất nghiệp ở khu vực thành thị")]),
    ("Tỷ lệ hộ nghèo giảm còn 2,15%; tỷ lệ hộ cận nghèo còn 4,3%.",
     [("poor_rate", "Tỷ lệ hộ nghèo"), ("near_poor_rate", "tỷ lệ hộ cận nghèo")]),
    ("Đến cuối năm, toàn tỉnh còn 8.412 hộ nghèo.", [("poor_households", "còn 8.412 hộ nghèo")]),
    ("Chi trả trợ cấp ưu đãi hằng tháng cho 12.540 người có công với cách mạng.",
     [("merit_beneficiaries", "trợ cấp ưu đãi"), ("merit_beneficiaries", "người có công với cách mạng")]),
    ("Thực hiện chi trả trợ cấp xã hội hàng tháng cho 35.200 đối tượng bảo trợ xã hội.",
     [("social_assistance", "trợ cấp xã hội hàng tháng"), ("social_assistance", "đối tượng bảo trợ xã hội")]),
    ("Có 145/152 xã, phường, thị trấn đạt tiêu chuẩn xã, phường phù hợp với trẻ em.",
     [("child_friendly_communes", "phù hợp với trẻ em")]),
    ("Xảy ra 12 vụ tai nạn lao động làm 13 người bị nạn.", [("labour_accidents", "tai nạn lao động")]),
    ("Ngân hàng Chính sách xã hội cho vay giải quyết việc làm 120 tỷ đồng, tạo việc làm cho 3.000 lao động.",
     [("job_loans", "cho vay giải quyết việc làm"), ("jobs_created", "tạo việc làm cho")]),
    # Table row labels, abbreviated.
    ("Số lao động được tạo việc làm", [("jobs_created", "được tạo việc làm")]),
    ("Tỷ lệ LĐ qua đào tạo (%)", [("trained_share", "LĐ qua đào tạo")]),
    ("XKLĐ", [("workers_abroad", "XKLĐ")]),
    # Without diacritics, in capitals, with the other spelling of "tỷ".
    ("GIAI QUYET VIEC LAM CHO 35.120 LAO DONG", [("jobs_created", "GIAI QUYET VIEC LAM")]),
    ("ti le ho ngheo con 3,2%", [("poor_rate", "ti le ho ngheo")]),
    ("Tỉ lệ hộ nghèo đa chiều còn 5,1%", [("poor_rate", "Tỉ lệ hộ nghèo đa chiều")]),
    # A target still names the indicator: whether it is the year's value is the extractor's question.
    ("Phấn đấu năm 2020 giải quyết việc làm cho 35.000 lao động.", [("jobs_created", "giải quyết việc làm")]),
    ("II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020: 1. Giải quyết việc làm", [("jobs_created", "Giải quyết việc làm")]),
])  # fmt: skip
def test_what_a_sentence_names(sentence, expected):
    assert named(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Sở Lao động, Người có công và Xã hội tỉnh Quảng Ninh báo cáo như sau:",  # the sector's name
    "Đánh giá tình hình thực hiện năm 2025 lĩnh vực lao động, người có công, xã hội",
    "Số người tham gia bảo hiểm tai nạn lao động tăng 5%.",  # the insurance fund, not accidents
    "Tỷ lệ thất nghiệp chung của tỉnh là 2,1%.",  # not the urban rate
    "Đưa ra giải pháp hỗ trợ doanh nghiệp. Lao động làm việc ở nước ngoài gửi tiền về.",  # "…" stops at the sentence
    "Tổ chức 12 phiên giao dịch việc làm; thu hút 5.000 lượt người tham gia.",
    "Vận động người dân tham gia xây dựng nông thôn mới.",
])  # fmt: skip
def test_near_misses_name_nothing(sentence):
    assert named(sentence) == []


def test_the_sector_name_and_the_indicator_in_one_sentence():
    sentence = "Sở Lao động - Người có công và Xã hội đã chi trả trợ cấp cho 9.800 người có công."
    mentions = indicators_named(sentence, DEFAULTS)
    assert [(m.key, m.text) for m in mentions] == [("merit_beneficiaries", "người có công")]
    assert mentions[0].start == sentence.rindex("người có công")


def test_positions_point_into_the_sentence_even_when_it_is_decomposed():
    sentence = "Năm 2019 tạo việc làm mới cho 30.000 người."
    mentions = indicators_named(unicodedata.normalize("NFD", sentence), DEFAULTS)
    (mention,) = mentions
    assert sentence[mention.start:mention.end] == mention.text == "tạo việc làm mới"
    assert mention.phrase == "tạo việc làm mới"


def test_an_indicator_named_twice_gives_two_mentions():
    sentence = "Giải quyết việc làm cho 30.000 lao động; riêng huyện A giải quyết việc làm cho 2.000 lao động."
    assert [m.start for m in indicators_named(sentence, DEFAULTS)] == [0, sentence.rindex("giải quyết")]


def test_a_gap_is_a_few_words_not_a_paragraph():
    far = "Đưa " + " ".join(["các", "đoàn"] * 5) + " đi làm việc ở nước ngoài"
    assert named(far) == [("workers_abroad", "đi làm việc ở nước ngoài")]  # only the plain phrase
    near = "Đưa 12.456 lao động đi làm việc ở nước ngoài"
    assert named(near) == [("workers_abroad", near)]


def test_a_campaigns_own_definitions_are_matched_the_same_way():
    own = read_definitions(GOOD.replace('["giải quyết việc làm"]', '["lao động có việc làm … mới"]'), "own.toml")
    assert [m.key for m in indicators_named("Số lao động có việc làm tăng mới 5.000 người", own)] == ["jobs_created"]
    assert indicators_named("Giải quyết việc làm cho 5.000 người", own) == ()
    assert indicators_named("", own) == () and indicators_named("…", DEFAULTS) == ()


def test_matching_ignores_diacritics_for_every_default_phrase():
    for indicator in DEFAULTS:
        phrase = indicator.phrases[0]
        plain = fold(phrase).upper().replace(GAP.upper(), "500 NGUOI")
        assert [m.key for m in indicators_named(f"- {plain}: 500", DEFAULTS)] == [indicator.key], phrase


# --- Property: how a phrase is typed does not matter -------------------------------------------------
_PHRASES = [(indicator.key, phrase) for indicator in DEFAULTS for phrase in indicator.phrases]


def _typed(phrase: str, plain: list[bool], upper: list[bool], separators: list[str]) -> str:
    """The phrase as someone may type it: some letters without their marks, some in capitals, other
    punctuation between the words."""
    words = phrase.replace(GAP, "12.500 lao động").split()
    typed = []
    for i, word in enumerate(words):
        word = fold(word) if plain[i % len(plain)] else word
        typed.append(word.upper() if upper[i % len(upper)] else word)
    return "".join(w + separators[i % len(separators)] for i, w in enumerate(typed[:-1])) + typed[-1]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_PHRASES), st.lists(st.booleans(), min_size=1, max_size=6),
       st.lists(st.booleans(), min_size=1, max_size=6), st.lists(st.sampled_from([" ", "  ", ", ", " - ", "\u00a0"]),
                                                                 min_size=1, max_size=6))
def test_a_phrase_typed_any_way_names_its_indicator(labelled, plain, upper, separators):
    key, phrase = labelled
    sentence = f"Kết quả: {_typed(phrase, plain, upper, separators)} năm 2019"
    assert [m.key for m in indicators_named(sentence, DEFAULTS)] == [key]
