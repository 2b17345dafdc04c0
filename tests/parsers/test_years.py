import inspect
import re

import pytest

import parsers.years
from parsers.years import YearSignal, decide_kind, decide_year, report_period, year_signals

# (text, kind, report_year, plan_year): titles, e-mail subjects and file names as provinces send them.
PERIODS = [
    # Year-end reports: the earlier year is reported on, the later one planned.
    ("Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020", "year_end", 2019, 2020),
    ("Báo cáo kết quả thực hiện nhiệm vụ năm 2019 và phương hướng năm 2020", "year_end", 2019, 2020),
    ("BÁO CÁO KẾT QUẢ THỰC HIỆN NĂM 2019", "year_end", 2019, None),
    ("bao cao nam 2019", "year_end", 2019, None),
    ("BAO CAO TINH HINH THUC HIEN NAM 2019 VA KE HOACH NAM 2020", "year_end", 2019, 2020),
    ("Báo cáo tổng kết năm 2019", "year_end", 2019, None),
    ("Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020", "year_end", 2019, 2020),
    ("Tình hình thực hiện kế hoạch năm 2019", "year_end", 2019, None),
    ("Báo cáo kết quả công tác lao động, người có công và xã hội năm 2019", "year_end", 2019, None),
    ("Báo cáo tổng kết công tác năm 2019, phương hướng, nhiệm vụ năm 2020", "year_end", 2019, 2020),
    ("Đánh giá kết quả thực hiện nhiệm vụ năm 2019 của Sở Lao động - Thương binh và Xã hội", "year_end", 2019, None),
    ("Fwd: Báo cáo kết quả năm 2019 - Sở LĐTBXH Quảng Ninh", "year_end", 2019, None),
    ("Re: V/v gửi báo cáo năm 2019 theo CV 5025/LĐTBXH-KHTC", "year_end", 2019, None),
    ("Báo cáo số 123/BC-UBND ngày 10/12/2019 về kết quả năm 2019 so với năm 2018", "year_end", 2019, None),
    ("Kết quả năm 2019 so với cùng kỳ năm 2018 và kế hoạch năm 2020", "year_end", 2019, 2020),
    ("Báo cáo tình hình thực hiện 11 tháng, ước thực hiện cả năm 2019", "year_end", 2019, None),
    ("Báo cáo kết quả năm 2019 (số liệu đến hết tháng 11/2019)", "year_end", 2019, None),
    ("Báo cáo kết quả thực hiện năm 2020 và giai đoạn 2016-2020; kế hoạch năm 2021", "year_end", 2020, 2021),
    ("Báo cáo tổng kết năm", "year_end", None, None),
    ("Báo cáo 12 tháng năm 2019", "year_end", 2019, None),
    ("Báo cáo năm 2019 – 2020", "year_end", 2019, 2020),  # two years, not a period of several
    # A plan alone: the report year is the one before, inferred.
    ("Kế hoạch năm 2020", "year_end", 2019, 2020),
    ("Phương hướng, nhiệm vụ năm 2020", "year_end", 2019, 2020),
    ("Kế hoạch phát triển giáo dục nghề nghiệp, việc làm năm 2020", "year_end", 2019, 2020),
    ("Kế hoạch thực hiện nhiệm vụ năm 2020", "year_end", 2019, 2020),
    ("Dự toán ngân sách năm 2020", "year_end", 2019, 2020),
    ("KH 2020.docx", "year_end", 2019, 2020),
    # File names: no diacritics, underscores, words run together.
    ("BC_SLDTBXH_nam2019.docx", "year_end", 2019, None),
    ("bao-cao-2019-QN.pdf", "year_end", 2019, None),
    ("BaoCaoTongKet2019_SoLDTBXH.doc", "year_end", 2019, None),
    ("BC_KQ2019_KH2020.docx", "year_end", 2019, 2020),
    ("bao.cao.nam.2019.QuangNinh.pdf", "year_end", 2019, None),
    ("BC 6thang 2019.docx", "half_year", 2019, None),
    ("BC_quy3_2019.xlsx", "quarter", 2019, None),
    # Part of a year: the caller sets these aside.
    ("Báo cáo 6 tháng đầu năm 2019", "half_year", 2019, None),
    ("Báo cáo sơ kết 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm 2019", "half_year", 2019, None),
    ("BÁO CÁO SÁU THÁNG ĐẦU NĂM 2019", "half_year", 2019, None),
    ("Báo cáo sơ kết 6 tháng", "half_year", None, None),
    ("Phương hướng, nhiệm vụ 6 tháng cuối năm 2019", "half_year", 2019, None),  # a half-year plan: the same year
    ("Báo cáo tình hình thực hiện 9 tháng năm 2019", "nine_months", 2019, None),
    ("Báo cáo chín tháng năm 2019", "nine_months", 2019, None),
    ("Báo cáo quý I/2019", "quarter", 2019, None),
    ("Báo cáo quý III năm 2019", "quarter", 2019, None),
    ("BAO CAO QUY IV NAM 2019", "quarter", 2019, None),
    ("Báo cáo tháng 11/2019", "month", 2019, None),
    ("Báo cáo tình hình tháng 11 năm 2019", "month", 2019, None),
    ("Báo cáo tình hình 11 tháng năm 2019", "month", 2019, None),
    # Several years.
    ("Báo cáo kết quả giai đoạn 2016-2020", "multi_year", 2020, None),
    ("Đánh giá kết quả 5 năm 2016 - 2020", "multi_year", 2020, None),
    ("2021–2025", "multi_year", 2025, None),
    ("Kết quả 5 năm 2016-2020 và kế hoạch 5 năm 2021–2025", "multi_year", 2020, 2021),
    ("Tổng kết từ năm 2016 đến năm 2020", "multi_year", 2020, None),
    ("Báo cáo 5 năm 2016-2020 và kế hoạch năm 2021", "multi_year", 2020, 2021),
    ("Báo cáo tổng kết 5 năm thi hành Luật Người khuyết tật năm 2010", "multi_year", None, None),
    # Dates alone, and texts with no period, say nothing about the period.
    ("Quảng Ninh, ngày 12 tháng 12 năm 2019", "unknown", None, None),
    ("12/12/2019", "unknown", None, None),
    ("Thực hiện Nghị định số 30/2020/NĐ-CP", "unknown", None, None),
    ("Scan_20191212.pdf", "unknown", None, None),
    ("Báo cáo gửi Bộ", "unknown", None, None),
    ("", "unknown", None, None),
]


@pytest.mark.parametrize(("text", "kind", "report_year", "plan_year"), PERIODS)
def test_report_period(text, kind, report_year, plan_year):
    period = report_period(text)
    assert (period.kind, period.report_year, period.plan_year) == (kind, report_year, plan_year), period.evidence


def test_table_covers_every_kind():
    assert {row[1] for row in PERIODS} == {
        "year_end", "half_year", "nine_months", "quarter", "multi_year", "month", "unknown",
    }  # fmt: skip
    assert len(PERIODS) >= 40


def test_plan_only_title_marks_the_report_year_as_inferred():
    assert report_period("Kế hoạch năm 2020").report_year_inferred
    assert not report_period("Kết quả năm 2019, kế hoạch năm 2020").report_year_inferred


def test_evidence_quotes_the_text_as_written():
    period = report_period("Báo cáo 6 tháng đầu năm 2019")
    assert period.evidence == ("6 tháng → half_year", "năm 2019 → 2019")
    plan = report_period("Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020")
    assert plan.evidence == ("năm 2019 → 2019", "năm 2020 → plan 2020")


def test_decomposed_unicode_reads_like_composed():
    decomposed = "Ba\u0301o ca\u0301o ke\u0302\u0301t qua\u0309 na\u0306m 2019"
    period = report_period(decomposed)
    assert (period.kind, period.report_year) == ("year_end", 2019)
    assert period.evidence == ("năm 2019 → 2019",)


# --- Signals ------------------------------------------------------------------------------------
def test_signals_from_every_source_with_weights_and_evidence():
    signals = year_signals(
        title="BÁO CÁO Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020",
        subject="Báo cáo năm 2019 - Sở LĐTBXH Quảng Ninh",
        filename="BC_SLDTBXH_nam2019.docx",
        letterhead_date_year=2019,
        letterhead_date_month=12,
        received_year=2019,
        received_month=12,
    )
    reports = {s.evidence: s.weight for s in signals if s.role == "report"}
    assert reports == {
        "title: năm 2019 → 2019": 0.9,
        "subject: năm 2019 → 2019": 0.7,
        "filename: nam2019 → 2019": 0.5,
        "document date 12/2019 → 2019": 0.4,
        "received 12/2019 → 2019": 0.2,
    }
    plans = [(s.year, s.evidence) for s in signals if s.role == "plan"]
    assert plans == [(2020, "title: năm 2020 → plan 2020")]
    assert [s.weight for s in signals] == sorted((s.weight for s in signals), reverse=True)


@pytest.mark.parametrize(
    ("month", "year", "weight"),
    [(12, 2019, 0.4), (10, 2019, 0.4), (1, 2019, 0.4), (3, 2019, 0.4), (6, 2020, 0.2), (None, 2020, 0.2)],
)
def test_document_date_points_to_the_year_reported(month, year, weight):
    date_year = 2020 if month in (1, 3, 6, None) else 2019
    (signal,) = year_signals(letterhead_date_year=date_year, letterhead_date_month=month)
    assert (signal.year, signal.role, signal.weight) == (year, "report", pytest.approx(weight))


def test_received_in_january_is_about_the_year_before_and_weakest():
    (signal,) = year_signals(received_year=2020, received_month=1)
    assert (signal.year, signal.weight, signal.evidence) == (2019, 0.2, "received 01/2020 → 2019")


def test_plan_only_title_gives_a_half_weight_report_signal():
    signals = year_signals(title="Kế hoạch năm 2020")
    assert [(s.year, s.role, s.weight) for s in signals] == [(2020, "plan", 0.9), (2019, "report", 0.45)]
    assert "the year before the plan" in signals[1].evidence


def test_body_is_read_only_at_its_opening():
    opening = "Kính gửi: Bộ Lao động - Thương binh và Xã hội. Sở gửi báo cáo kết quả năm 2019."
    far = " Số liệu chi tiết." * 60 + " Kế hoạch năm 2031."
    signals = year_signals(body=opening + far)
    assert [(s.year, s.evidence) for s in signals] == [(2019, "body: năm 2019 → 2019")]


def test_no_sources_no_signals():
    assert year_signals() == []


# --- Decisions ----------------------------------------------------------------------------------
def test_agreeing_signals_give_high_confidence():
    decision = decide_year(
        year_signals(
            title="Báo cáo kết quả thực hiện năm 2019",
            filename="bao-cao-2019-QN.pdf",
            letterhead_date_year=2019,
            letterhead_date_month=12,
            received_year=2019,
            received_month=12,
        )
    )
    assert decision.year == 2019
    assert decision.confidence > 0.95
    assert not any(e.startswith("conflict") for e in decision.evidence)


def test_title_wins_over_received_date_but_confidence_drops():
    title_only = decide_year(year_signals(title="Báo cáo kết quả thực hiện năm 2019"))
    decision = decide_year(
        year_signals(title="Báo cáo kết quả thực hiện năm 2019", received_year=2021, received_month=11)
    )
    assert decision.year == 2019
    assert decision.confidence < title_only.confidence
    assert decision.evidence[0] == "conflict: 2019 (0.90) vs 2021 (0.20)"
    assert decision.evidence[1:] == ["title: năm 2019 → 2019", "received 11/2021 → 2021"]


def test_conflicting_strong_signals_give_low_confidence_and_list_both():
    decision = decide_year(
        year_signals(title="Báo cáo kết quả thực hiện năm 2019", subject="Báo cáo kết quả năm 2020")
    )
    assert decision.year == 2019
    assert decision.confidence < 0.6
    assert "title: năm 2019 → 2019" in decision.evidence and "subject: năm 2020 → 2020" in decision.evidence


def test_exact_tie_prefers_the_stronger_single_signal():
    signals = [
        YearSignal(2019, "report", 0.5, "a"),
        YearSignal(2020, "report", 0.3, "b"),
        YearSignal(2020, "report", 0.2, "c"),
    ]
    assert decide_year(signals).year == 2019


def test_plan_signals_alone_decide_nothing():
    assert decide_year([YearSignal(2020, "plan", 0.9, "title: năm 2020 → plan 2020")]) == (None, 0.0, [])
    assert decide_year([]) == (None, 0.0, [])


def test_lone_received_date_is_weak():
    decision = decide_year(year_signals(received_year=2019, received_month=12))
    assert (decision.year, decision.confidence) == (2019, 0.2)


def test_half_year_report_is_marked_so_the_caller_can_set_it_aside():
    signals = year_signals(
        title="Báo cáo sơ kết 6 tháng đầu năm 2019",
        filename="BC 6thang 2019.docx",
        letterhead_date_year=2019,
        letterhead_date_month=6,
    )
    assert decide_year(signals).year == 2019
    assert decide_kind(signals) == "half_year"
    assert decide_kind(year_signals(title="Báo cáo kết quả thực hiện năm 2019")) == "year_end"
    assert decide_kind(year_signals(received_year=2019)) == "unknown"


def test_module_uses_no_clock():
    source = inspect.getsource(parsers.years)
    assert not re.search(r"date\.today|datetime\.now|time\.time|utcnow", source)
