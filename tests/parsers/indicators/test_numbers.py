import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.indicators.numbers import (
    Change,
    PlanShare,
    Quantity,
    format_number,
    quantities,
    read_figures,
    read_quantity,
)
from parsers.vietnamese import fold

D = Decimal


def values(text):
    return [(q.value, q.unit, q.qualifier, q.high) for q in read_figures(text).values]


# (phrase as year-end reports write it, its values as (value, unit, qualifier, high)).
VALUES = [
    ("giải quyết việc làm cho 35.120 lao động", [(D(35120), "người", "exact", None)]),
    ("tỷ lệ lao động qua đào tạo đạt 68,8%", [(D("68.8"), "%", "exact", None)]),
    ("tỷ lệ thất nghiệp khu vực thành thị 3,12 %", [(D("3.12"), "%", "exact", None)]),
    ("đưa 1,2 triệu người đi làm việc", [(D(1200000), "người", "exact", None)]),
    ("tuyển sinh 35 nghìn người", [(D(35000), "người", "exact", None)]),
    ("tuyển sinh 35 ngàn học viên", [(D(35000), "người", "exact", None)]),
    ("chi trả 2.345,6 tỷ đồng", [(D("2345.6"), "tỷ đồng", "exact", None)]),
    ("hỗ trợ 1.500 triệu đồng", [(D("1.5"), "tỷ đồng", "exact", None)]),  # units.csv: a triệu đồng is 0,001 tỷ
    ("giải ngân 2 nghìn tỷ đồng", [(D(2000), "tỷ đồng", "exact", None)]),
    ("kinh phí 1,2 tỷ", [(D("1.2"), "tỷ đồng", "exact", None)]),  # units.csv: "tỷ" alone is money
    ("từ 30 - 35 tỷ đồng", [(D(30), "tỷ đồng", "exact", D(35))]),
    ("khoảng 12.500 người", [(D(12500), "người", "about", None)]),
    ("trên 30 nghìn lao động", [(D(30000), "người", "over", None)]),
    ("gần 4.000 hộ", [(D(4000), "hộ", "nearly", None)]),
    ("hơn 1.000 lượt người", [(D(1000), "người", "over", None)]),
    ("ước đạt 35.120 người", [(D(35120), "người", "estimated", None)]),
    ("giải quyết việc làm cho 35.120 lượt lao động", [(D(35120), "người", "exact", None)]),
    ("12 doanh nghiệp", [(D(12), None, "exact", None)]),  # a count, but of nothing an indicator counts
    ("dưới 2%", [(D(2), "%", "under", None)]),
    ("tỷ lệ chung 68,8%", [(D("68.8"), "%", "exact", None)]),  # "chung" (overall) folds like "chừng" (about)
    ("từ 30 đến 35 nghìn người", [(D(30000), "người", "exact", D(35000))]),
    ("30-35%", [(D(30), "%", "exact", D(35))]),
    ("30 – 35 %", [(D(30), "%", "exact", D(35))]),
    ("có 120 xã, phường đạt chuẩn phù hợp với trẻ em", [(D(120), "xã", "exact", None)]),
    ("xảy ra 87 vụ tai nạn lao động", [(D(87), "vụ", "exact", None)]),
    ("giảm 1.234 hộ nghèo còn 5.678 hộ", [(D(5678), "hộ", "exact", None)]),
    ("tỷ lệ hộ nghèo giảm còn 2,1%", [(D("2.1"), "%", "exact", None)]),
    ("tăng lên 35.000 người", [(D(35000), "người", "exact", None)]),
    ("đạt 35.120.", [(D(35120), None, "exact", None)]),  # the final dot ends the sentence
    ("đạt 35.120, tăng", [(D(35120), None, "exact", None)]),
    ("tổng số 35.120 người", [(D(35120), "người", "exact", None)]),
    ("tỷ lệ 68.8%", [(D("68.8"), "%", "exact", None)]),  # a point that cannot group thousands
    ("đã cấp 40 hồ sơ", [(D(40), None, "exact", None)]),  # hồ sơ is no hộ
    ("dua 1,2 trieu nguoi", [(D(1200000), "người", "exact", None)]),  # typed without diacritics
    ("TRÊN 30 NGHÌN LAO ĐỘNG", [(D(30000), "người", "over", None)]),
    ("năm 2019 có 2.019 người", [(D(2019), "người", "exact", None)]),
    ("2019 người", [(D(2019), "người", "exact", None)]),  # a count unit after it: a figure after all
]


@pytest.mark.parametrize(("text", "expected"), VALUES)
def test_values(text, expected):
    assert values(text) == expected


# Years, dates, codes, periods and outline numbers: no figure at all.
NOT_FIGURES = [
    "năm 2019",
    "Năm 2019 người lao động được hỗ trợ",  # "năm" before it: a year, whatever follows
    "giai đoạn 2016-2020",
    "giai đoạn 2016 – 2020",
    "ngày 31/12/2019",
    "đến 31.12.2019",
    "tháng 12/2019",
    "ngày 15 tháng 12 năm 2019",
    "số liệu đến 30/11",
    "năm học 2019/2020",
    "từ 5/7 đến 20/8",
    "Công văn số 5025/LĐTBXH-KHTC",
    "Nghị định 30/2020/NĐ-CP",
    "Quyết định số 1234 của UBND tỉnh",
    "theo Điều 5, khoản 2, điểm 3",
    "Biểu số 02",
    "Phụ lục 3",
    "6 tháng đầu năm",
    "trong 15 ngày làm việc",
    "sau 5 năm thực hiện",
    "quý 4",
    "lần thứ 3",
    "1. Kết quả thực hiện",
    "2) Công tác giảm nghèo",
    "2.1 Công tác việc làm",
    "   3. Lao động",
    "(1)",
    "Mục 3.5.2",
    "ĐT: 0243.826.9536",
    "trẻ em dưới 6 tuổi",
    "lao động từ 15 tuổi trở lên",
    "tỉnh xếp thứ 3 toàn quốc",
    "Chương trình 135",
    "Đề án 1956 về đào tạo nghề cho lao động nông thôn",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_not_figures(text):
    assert quantities(text) == []
    assert read_figures(text) == read_figures("")


# (phrase, share of plan, as written)
PLAN_SHARES = [
    ("đạt 104,2% kế hoạch", D("104.2"), "share"),
    ("đạt 104,2% so với kế hoạch", D("104.2"), "share"),
    ("đạt 104,2% KH", D("104.2"), "share"),
    ("đạt 104,2%/KH", D("104.2"), "share"),
    ("hoàn thành 100% chỉ tiêu", D(100), "share"),
    ("bằng 98% kế hoạch năm", D(98), "share"),
    ("so với kế hoạch đạt 104,2%", D("104.2"), "share"),
    ("so với kế hoạch được giao, đạt 97%", D(97), "share"),
    ("vượt 4,2% kế hoạch", D("104.2"), "excess"),
    ("vượt kế hoạch 4,2%", D("104.2"), "excess"),
    ("vượt kế hoạch đề ra 4,2%", D("104.2"), "excess"),
    ("vượt 4,2% so với kế hoạch", D("104.2"), "excess"),
    ("tăng 5% so với kế hoạch", D(105), "excess"),
    ("dat 104,2% ke hoach", D("104.2"), "share"),
]


@pytest.mark.parametrize(("text", "percent", "written"), PLAN_SHARES)
def test_plan_shares(text, percent, written):
    figures = read_figures(text)
    assert [(s.percent, s.written) for s in figures.plan_shares] == [(percent, written)]
    assert figures.values == () and figures.changes == ()


# (phrase, (value, measure, unit, compared_year, same_period, written))
CHANGES = [
    ("tăng 3,1% so với năm 2018", (D("3.1"), "percent", "%", 2018, False, "change")),
    ("giảm 0,5 điểm phần trăm", (D("-0.5"), "points", "điểm phần trăm", None, False, "change")),
    ("giảm 0,5 điểm % so với cùng kỳ", (D("-0.5"), "points", "điểm phần trăm", None, True, "change")),
    ("bằng 98% cùng kỳ", (D(-2), "percent", "%", None, True, "ratio")),
    ("đạt 103,5% so với năm 2018", (D("3.5"), "percent", "%", 2018, False, "ratio")),
    ("bằng 102% so với cùng kỳ năm 2018", (D(2), "percent", "%", 2018, True, "ratio")),
    ("gấp 1,5 lần năm trước", (D("1.5"), "times", None, None, True, "ratio")),
    ("tăng 1.200 người so với cùng kỳ", (D(1200), "amount", "người", None, True, "change")),
    ("giảm 1.234 hộ so với năm 2018", (D(-1234), "amount", "hộ", 2018, False, "change")),
    ("tăng 2 nghìn lao động", (D(2000), "amount", "người", None, False, "change")),
    ("tăng 12,5 tỷ đồng", (D("12.5"), "amount", "tỷ đồng", None, False, "change")),
    ("giảm 500 triệu đồng", (D("-0.5"), "amount", "tỷ đồng", None, False, "change")),
    ("giảm 1,2% so với đầu năm", (D("-1.2"), "percent", "%", None, False, "change")),
    ("so với năm 2018 tăng 3,1%", (D("3.1"), "percent", "%", 2018, False, "change")),
    ("so với cùng kỳ năm trước, giảm 4,5%", (D("-4.5"), "percent", "%", None, True, "change")),
    ("cao hơn 2,3% so với năm trước", (D("2.3"), "percent", "%", None, True, "change")),
    ("thấp hơn 0,2 điểm phần trăm", (D("-0.2"), "points", "điểm phần trăm", None, False, "change")),
    ("tang 3,1% so voi nam 2018", (D("3.1"), "percent", "%", 2018, False, "change")),
]


@pytest.mark.parametrize(("text", "expected"), CHANGES)
def test_changes(text, expected):
    figures = read_figures(text)
    assert [(c.value, c.measure, c.unit, c.compared_year, c.same_period, c.written) for c in figures.changes] == [
        expected
    ]
    assert figures.values == () and figures.plan_shares == ()


def test_a_whole_sentence():
    text = (
        "Năm 2019, toàn tỉnh đã giải quyết việc làm cho 35.120 lao động, đạt 104,2% kế hoạch, "
        "tăng 3,1% so với năm 2018; tỷ lệ hộ nghèo giảm còn 2,1%, giảm 0,5 điểm phần trăm."
    )
    figures = read_figures(text)
    assert [(q.value, q.unit, q.text) for q in figures.values] == [
        (D(35120), "người", "35.120 lao động"),
        (D("2.1"), "%", "2,1%"),
    ]
    assert figures.plan_shares == (PlanShare(D("104.2"), (64, 83), "đạt 104,2% kế hoạch"),)
    assert [c.text for c in figures.changes] == ["tăng 3,1% so với năm 2018", "giảm 0,5 điểm phần trăm"]
    for found in (*figures.values, *figures.plan_shares, *figures.changes):
        assert " ".join(text[slice(*found.span)].split()) == found.text


@pytest.mark.parametrize(
    ("text", "value", "out_of", "unit"),
    [("125/140 xã (đạt 89,3%)", D(125), D(140), "xã"), ("29.500/28.000 người", D(29500), D(28000), "người"),
     ("1.500/2.000 hộ", D(1500), D(2000), "hộ")],
)  # fmt: skip
def test_a_count_out_of_a_total(text, value, out_of, unit):
    quantity = read_figures(text).values[0]
    assert (quantity.value, quantity.out_of, quantity.unit) == (value, out_of, unit)


def test_next_years_target_is_still_a_figure_here():
    """Which figures are the year's own is the extractor's call: the plan's number is read like any other."""
    assert values("phấn đấu năm 2020 giải quyết việc làm cho 36.000 người") == [(D(36000), "người", "exact", None)]


def test_spans_index_the_nfc_text():
    decomposed = unicodedata.normalize("NFD", "khoảng 35 nghìn lao động")
    (quantity,) = read_figures(decomposed).values
    assert quantity.text == "khoảng 35 nghìn lao động"
    assert quantity.span == (0, len("khoảng 35 nghìn lao động"))


CELLS = [
    ("35.120", Quantity(D(35120), None, (0, 6), "35.120")),
    (" 68,8% ", Quantity(D("68.8"), "%", (0, 5), "68,8%", unit_text="%")),
    ("-3,5", Quantity(D("-3.5"), None, (0, 4), "-3,5")),
    ("1,2 triệu", Quantity(D(1200000), None, (0, 9), "1,2 triệu")),
    ("2.345,6 tỷ đồng", Quantity(D("2345.6"), "tỷ đồng", (0, 15), "2.345,6 tỷ đồng", unit_text="tỷ đồng")),
    ("-1.500 triệu đồng", Quantity(D("-1.5"), "tỷ đồng", (0, 17), "-1.500 triệu đồng", unit_text="triệu đồng")),
    ("2019", None),
    ("", None),
    ("-", None),
    ("x", None),
    ("12 và 13", None),
    ("đạt 12", None),
    ("12/2019", None),
    ("(1)", None),
]


@pytest.mark.parametrize(("cell", "expected"), CELLS)
def test_read_quantity(cell, expected):
    assert read_quantity(cell) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "written"),
    [(35120, None, "35.120"), (D("2345.6"), None, "2.345,6"), (D("0.5"), None, "0,5"), (1234567, None, "1.234.567"),
     (D("68.84"), 1, "68,8"), (D(-1500), None, "-1.500"), (0, None, "0")],
)  # fmt: skip
def test_format_number(value, decimals, written):
    assert format_number(value, decimals) == written


# --- Properties: what format_number writes, the readers read back -------------------------------
amounts = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(min_value=0, max_value=10**13),
    st.integers(min_value=0, max_value=4),
)
UNITS = {"người": "người", "lao động": "người", "hộ": "hộ", "xã": "xã", "%": "%", "tỷ đồng": "tỷ đồng", "vụ": "vụ"}


@settings(deadline=None)  # a first call compiles and loads; a busy CI machine is no failure
@given(amounts)
def test_cell_round_trip(value):
    quantity = read_quantity(format_number(value))
    assert quantity is not None and quantity.value == value
    assert read_quantity("-" + format_number(value)).value == -value


@settings(deadline=None)
@given(amounts, st.sampled_from(sorted(UNITS)), st.booleans())
def test_sentence_round_trip(value, written_unit, folded):
    text = f"Năm 2019 giải quyết việc làm cho {format_number(value)} {written_unit}, tăng 3,1% so với năm 2018."
    text = fold(text) if folded else text
    figures = read_figures(text)
    assert [(q.value, q.unit) for q in figures.values] == [(value, UNITS[written_unit])]
    assert [(c.value, c.compared_year) for c in figures.changes] == [(D("3.1"), 2018)]


@settings(deadline=None)
@given(amounts, st.sampled_from(["nghìn", "ngàn", "triệu"]))
def test_scale_words_multiply(value, scale):
    (quantity,) = read_figures(f"đưa {format_number(value)} {scale} người đi làm việc ở nước ngoài").values
    assert quantity.value == value * {"nghìn": 1000, "ngàn": 1000, "triệu": 10**6}[scale]
    assert quantity.unit == "người"


@settings(deadline=None)
@given(amounts, st.sampled_from(["đạt {}% kế hoạch", "vượt {}% kế hoạch", "so với kế hoạch đạt {}%"]))
def test_plan_share_round_trip(value, phrase):
    (share,) = read_figures("số lao động " + phrase.format(format_number(value))).plan_shares
    assert share.percent == (value + 100 if phrase.startswith("vượt") else value)


@settings(deadline=None)
@given(amounts, st.sampled_from(["tăng", "giảm"]), st.integers(min_value=2000, max_value=2030))
def test_change_round_trip(value, direction, year):
    (change,) = read_figures(f"{direction} {format_number(value)} điểm phần trăm so với năm {year}").changes
    assert change.value == (value if direction == "tăng" else -value)
    assert (change.measure, change.compared_year) == ("points", year)


@settings(deadline=None)
@given(st.text())
def test_never_raises(text):
    figures = read_figures(text)
    assert all(isinstance(q.value, Decimal) for q in figures.values)
    read_quantity(text)


def test_results_are_plain_dataclasses():
    change = read_figures("tăng 3,1%").changes[0]
    assert isinstance(change, Change)
    assert change.compared_with is None and change.same_period is False
