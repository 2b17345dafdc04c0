"""Which request a report answers: titles read for their subject, judged against campaigns' profiles (parsers.topics)."""

from __future__ import annotations

import pytest

from parsers.topics import FITS, OTHER, TOPICS, UNKNOWN, judge, profile_of, read_title

TK2019_SUBJECT = ("V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 "
                  "lĩnh vực lao động, người có công và xã hội")
GN2019_TITLE = "Báo cáo kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2019, kế hoạch năm 2020"
TK2019 = profile_of("tk2019", (TK2019_SUBJECT, "Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020"))
GN2019 = profile_of("gn2019", (GN2019_TITLE,))


def test_the_sector_and_the_departments_are_not_programmes():
    reading = read_title(TK2019_SUBJECT)
    assert reading.topics == ()  # "người có công" inside the sector's name is not the merit programme
    assert reading.sector == "lao động, người có công và xã hội"
    assert reading.general == "đánh giá tình hình thực hiện"
    sender = read_title("Báo cáo của Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh năm 2019")
    assert sender.topic_keys == frozenset()  # "Thương binh" in a department's name is no programme either


@pytest.mark.parametrize("title, topics", [
    ("BÁO CÁO Kết quả thực hiện công tác giảm nghèo năm 2019", [("poverty", "công tác giảm nghèo")]),
    ("Báo cáo về vị trí việc làm và biên chế năm 2019", [("personnel", "vị trí việc làm")]),  # not "việc làm"
    ("Kết quả công tác bảo vệ, chăm sóc trẻ em và bình đẳng giới năm 2019",
     [("children", "trẻ em"), ("gender", "bình đẳng giới")]),
    ("BAO CAO CONG TAC AN TOAN, VE SINH LAO DONG NAM 2019", [("safety", "CONG TAC AN TOAN, VE SINH LAO DONG")]),
    ("du toan ngan sach nha nuoc nam 2020.docx", [("budget", "du toan")]),
    ("Công tác chăm lo Tết Nguyên đán Canh Tý 2020 cho người có công, hộ nghèo", [("tet", "Công tác chăm lo Tết")]),
    ("BC_CTMTQG GNBV_vinhphuc.docx", [("poverty", "GNBV")]),
])  # fmt: skip
def test_programmes_named_in_a_title(title, topics):
    assert list(read_title(title).topics) == topics


def test_profiles_from_the_letters():
    assert (TK2019.topics, TK2019.period) == (frozenset(), "year_end")
    assert TK2019.scope == "the whole sector"
    assert (GN2019.topics, GN2019.period) == (frozenset({"poverty"}), "year_end")
    half = profile_of("6t2019", ("V/v báo cáo tình hình thực hiện nhiệm vụ 6 tháng đầu năm 2019",))
    assert half.period == "half_year"
    budget = profile_of("dt2020", ("V/v xây dựng dự toán ngân sách nhà nước năm 2020",))
    assert budget.topics == frozenset({"budget"})


@pytest.mark.parametrize("title, verdict, reason", [
    ("BÁO CÁO Kết quả thực hiện công tác giảm nghèo năm 2019", OTHER,
     '"công tác giảm nghèo" is one programme, tk2019 asks for the whole sector'),
    ("BÁO CÁO Tổng kết công tác năm 2019 và phương hướng nhiệm vụ năm 2020 ngành Lao động - Thương binh và Xã hội",
     FITS, '"Lao động - Thương binh và Xã hội" is the whole sector, as tk2019 asks'),
    ("BÁO CÁO Kết quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020", FITS,
     '"Kết quả thực hiện nhiệm vụ": the year\'s work in general, as tk2019 asks'),
    ("BÁO CÁO Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2019", OTHER,
     "a half-year report, tk2019 asks for a year-end one"),
    ("Báo cáo kết quả giải quyết việc làm, giáo dục nghề nghiệp, giảm nghèo và bảo trợ xã hội năm 2019", FITS,
     'names 4 programmes ("việc làm", "giáo dục nghề nghiệp", "giảm nghèo", "bảo trợ xã hội"): the sector\'s work, '
     "as tk2019 asks"),
    ("Báo cáo năm 2019", UNKNOWN, "says nothing of its subject (tk2019 asks for the whole sector)"),
    ("Kết quả thực hiện nhiệm vụ năm 2019 lĩnh vực lao động, việc làm, người có công và xã hội", FITS,
     '"lao động, việc làm, người có công và xã hội" is the whole sector, as tk2019 asks'),
    ("Kết quả thực hiện Chương trình mục tiêu giáo dục nghề nghiệp - việc làm và an toàn lao động năm 2019", OTHER,
     '"Chương trình mục tiêu giáo dục nghề nghiệp - việc làm và an toàn lao động" is one programme, tk2019 asks for the whole sector'),
    ("Báo cáo kết quả thực hiện chính sách ưu đãi người có công với cách mạng năm 2019", OTHER,
     '"chính sách ưu đãi người có công" is one programme, tk2019 asks for the whole sector'),
])  # fmt: skip
def test_judged_against_the_whole_sector(title, verdict, reason):
    result = judge(read_title(title), TK2019)
    assert (result.verdict, result.reason) == (verdict, reason)


@pytest.mark.parametrize("title, verdict", [
    ("Kết quả thực hiện Chương trình MTQG giảm nghèo bền vững năm 2019", FITS),
    ("Báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo năm 2019", OTHER),  # the census is asked for on its own
    ("Báo cáo công tác trẻ em năm 2019", OTHER),
    ("Tổng kết công tác năm 2019 lĩnh vực lao động, người có công và xã hội", OTHER),  # the sector, not the programme
    ("Báo cáo tổng kết năm 2019", UNKNOWN),
])  # fmt: skip
def test_judged_against_one_programme(title, verdict):
    assert judge(read_title(title), GN2019).verdict == verdict


def test_an_operators_phrases_and_exclusions_decide_first():
    profile = profile_of("tk2019", (TK2019_SUBJECT,), phrases=("báo cáo năm",), exclude=("tổng kết thi đua",))
    fits = judge(read_title("Báo cáo năm 2019"), profile)
    assert (fits.verdict, fits.reason) == (FITS, '"báo cáo năm" answers tk2019 ([campaign.match])')
    excluded = judge(read_title("Báo cáo tổng kết thi đua năm 2019"), profile)
    assert (excluded.verdict, excluded.reason) == (OTHER, '"tổng kết thi đua" is excluded from tk2019 ([campaign.match])')


def test_every_programme_is_found_by_its_own_phrases():
    for topic in TOPICS:
        for phrase in topic.phrases:
            if "…" in phrase:
                continue
            assert topic.key in read_title(f"Báo cáo {phrase} năm 2019").topic_keys, (topic.key, phrase)
