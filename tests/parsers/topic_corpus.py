"""A labelled set of generated messages for telling a campaign's reports from a unit's other reports
(issue 15): tests/parsers/test_topic_accuracy.py, `bench/identify.py --set topics`.

Two campaigns for 2019 run at once, with overlapping windows: `tk2019` (the ministry's year-end
letter 5025/LĐTBXH-KHTC: results of 2019, tasks of 2020 across labour, people with meritorious
services and social affairs) and `gn2019` (letter 4765/LĐTBXH-VPQGGN: the national target programme
for sustainable poverty reduction, 2019 results and 2020 plan). In the same weeks the same Sở LĐTBXH
send the same mailbox two dozen other reports, for the same year, from the same known addresses,
in the same skeleton (results, shortcomings and causes, next year's tasks, proposals). Those must
not be counted for either campaign.

`build_topic_cases(seed)` gives 420-odd `TopicCase`s, deterministic for a seed (`cached_topic_cases`
builds each seed once per process): real `ParsedMessage`s (composed with identify_corpus.compose),
real `Analysis`es — most from block lists split by split_document, 42 from real .docx files
(python-docx) and 21 from real text PDFs (fpdf2, DejaVu Sans) read by `read_document`. Families:
- `tk2019_cites`, `tk2019_reply`, `tk2019_subject`, `tk2019_title` and the same four for gn2019:
  every vn63 unit's report for each campaign, the evidence that it answers the request being its
  letter cited in the opening (or a covering letter), a reply to the request e-mail, only the
  e-mail subject or the file name (the document itself untitled), or only the letterhead's title.
- `other_<topic>` (24 topics, OTHER_TOPICS): children, vocational education, merit policies, Tết
  care, labour safety, budget estimates, budget settlement, inspection, administrative reform,
  public investment, gender equality, social evils, social protection, disability, the elderly,
  overseas labour, unemployment insurance, emulation and rewards, anti-corruption, thrift,
  citizen reception and complaints, IT/digital government, labour-market information, the
  poverty household census. Some cite their own ministry letter (same ministry, sometimes the
  same department as tk2019 or gn2019), some a provincial instruction or a circular, some nothing;
  a few reply to the ministry's e-mail asking for them; a quarter have only a generic subject
  ("Gửi báo cáo") and file name ("BC 2019.docx").
- deliberately ambiguous (`ambiguous=True`, under 5%): `gn2019_poverty_work` ("công tác giảm
  nghèo", the programme unnamed: labelled gn2019), `tk2019_resolution` (the sector's part of the
  provincial socio-economic resolution report: labelled tk2019), `other_vocational_yearend` ("Kết
  quả thực hiện nhiệm vụ năm 2019, kế hoạch năm 2020 lĩnh vực giáo dục nghề nghiệp": labelled
  other_report).

The poverty household census (rà soát hộ nghèo) is labelled other_report, not gn2019: its own letter
(4600/LĐTBXH-VPQGGN) asks for it, and a planner files it apart from the programme's report.
"""

from __future__ import annotations

import functools
import io
import os
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from parsers.documents.model import Block, BlockKind
from parsers.identify import CampaignInfo
from parsers.message import ParsedMessage
from parsers.registry import Unit, builtin
from parsers.sections import Analysis, split_document
from tests.parsers.identify_corpus import PEOPLE, analysis, compose, domain_of, person, place_of, plain, slug
from tests.parsers.report_texts import LAYOUTS, bold, para, table

TK2019 = CampaignInfo(
    "tk2019", "5025/LĐTBXH-KHTC", 2019, 2020, date(2019, 11, 25), date(2019, 12, 15), "vn63",
    ("<req-tk2019@molisa.gov.vn>",),
    title="Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
    subject=("V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 "
             "lĩnh vực lao động, người có công và xã hội"),
)  # fmt: skip
GN2019 = CampaignInfo(
    "gn2019", "4765/LĐTBXH-VPQGGN", 2019, 2020, date(2019, 11, 15), date(2019, 12, 10), "vn63",
    ("<req-gn2019@molisa.gov.vn>",),
    title=("Báo cáo kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2019, "
           "kế hoạch năm 2020"),
    subject=("V/v báo cáo kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2019, "
             "kế hoạch năm 2020"),
)  # fmt: skip
CAMPAIGNS = (TK2019, GN2019)
REQUEST_SUBJECTS = {
    "tk2019": "Đề nghị báo cáo đánh giá tình hình thực hiện năm 2019, kế hoạch năm 2020",
    "gn2019": "Đề nghị báo cáo kết quả thực hiện Chương trình MTQG giảm nghèo bền vững năm 2019",
}
YEAR = 2019
SO = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"
SO_LONG = "Sở Lao động - Thương binh và Xã hội"
MOTTO = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEJAVU_BOLD = DEJAVU.with_name("DejaVuSans-Bold.ttf")
REAL_DOCX = 42
REAL_PDF = 21


@dataclass(frozen=True)
class TopicCase:
    name: str
    family: str
    topic: str  # "tk2019" | "gn2019" | an OTHER_TOPICS key
    kind: str  # "report" (answers a campaign) | "other_report"
    parsed: ParsedMessage
    analyses: tuple[tuple[str, Analysis | None], ...]
    received_at: datetime
    unit: str
    campaign: str | None  # the campaign it answers; None for other reports
    ambiguous: bool = False  # a careful planner could hesitate: review or the label are both right
    source: str = "blocks"  # "blocks" | "docx" | "pdf": how its document was made
    contacts: Mapping[str, list[str]] = field(default_factory=dict)


# --- Topics ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Topic:
    """One kind of report: how provinces title it, who asks for it, what its sections say.

    Texts take {y} {y1} {y0} (2019, 2020, 2018) and random figures: {n} (thousands), {k} (tens to
    hundreds), {k2} (a few), {p} (a percentage), {p1} (95–120), {p2} (2–15), {t} (an amount), {ph}/{pl}
    (a poverty rate before/after)."""

    key: str
    titles: tuple[str, ...]
    short: tuple[str, ...]  # how a subject line names it
    tags: tuple[str, ...]  # how a file name names it (typed without diacritics)
    letter: str  # the ministry's letter asking for it
    letter_date: str
    letter_about: str
    requester: str  # the ministry's department that asked, as a Sở addresses it
    locals_: tuple[str, ...]  # the sending office's mailbox names
    basis: tuple[str, ...]  # other openings: a provincial instruction, a circular
    head: str  # the first section's subject, in capitals
    results: tuple[str, ...]
    shortcomings: tuple[str, ...]
    plan: tuple[str, ...]
    proposals: tuple[str, ...]

    @property
    def request_id(self) -> str:
        return f"<req-{self.key.replace('_', '')}{YEAR}@molisa.gov.vn>"


def _topic(key, titles, short, tags, letter, letter_date, letter_about, requester, locals_, basis, head,
           results, shortcomings, plan, proposals) -> Topic:  # fmt: skip
    return Topic(key, tuple(titles), tuple(short), tuple(tags), letter, letter_date, letter_about, requester,
                 tuple(locals_), tuple(basis), head, tuple(results), tuple(shortcomings), tuple(plan),
                 tuple(proposals))  # fmt: skip


_UBND_PLAN = "Thực hiện Kế hoạch số {k}/KH-UBND ngày {d} của Ủy ban nhân dân tỉnh về "

OTHER_TOPICS: dict[str, Topic] = {t.key: t for t in (
    _topic(
        "children",
        ("Kết quả thực hiện công tác bảo vệ, chăm sóc trẻ em năm {y} và kế hoạch năm {y1}", "Công tác trẻ em năm {y}",
         "Kết quả thực hiện Chương trình hành động vì trẻ em năm {y}"),
        ("công tác trẻ em năm {y}", "bảo vệ, chăm sóc trẻ em năm {y}"), ("tre em", "TE", "BVCSTE"),
        "3921/LĐTBXH-TE", "30/9/2019", "báo cáo công tác trẻ em năm 2019", "Cục Trẻ em",
        ("phongtreem", "bvcstreem", "vanphong"),
        (_UBND_PLAN + "thực hiện công tác bảo vệ, chăm sóc trẻ em năm {y}",),
        "CÔNG TÁC BẢO VỆ, CHĂM SÓC TRẺ EM",
        ("Toàn tỉnh có {n} trẻ em dưới 16 tuổi, trong đó {k} trẻ em có hoàn cảnh đặc biệt đã được hỗ trợ, "
         "can thiệp kịp thời.",
         "Tổ chức Tháng hành động vì trẻ em năm {y} với chủ đề \"Chung tay vì trẻ em - Hành động cụ thể, thiết "
         "thực\"; vận động được {t} tỷ đồng hỗ trợ trẻ em nghèo.",
         "Tỷ lệ xã, phường đạt tiêu chuẩn xã, phường phù hợp với trẻ em đạt {p}%.",
         "Xảy ra {k2} vụ xâm hại trẻ em, giảm so với năm {y0}; các vụ việc đều được phát hiện, xử lý kịp thời."),
        ("Tình trạng trẻ em bị tai nạn, thương tích, nhất là đuối nước vào mùa hè vẫn còn xảy ra.",
         "Đội ngũ cộng tác viên làm công tác trẻ em cấp thôn, bản còn thiếu, chưa được tập huấn thường xuyên."),
        ("Triển khai hiệu quả Luật Trẻ em và Chương trình phòng, chống xâm hại trẻ em.",
         "Phấn đấu giảm tỷ lệ trẻ em có hoàn cảnh đặc biệt xuống dưới {pl}%."),
        ("Đề nghị Cục Trẻ em tiếp tục hỗ trợ tỉnh kinh phí triển khai mô hình phòng, chống bạo lực, xâm hại "
         "trẻ em.",),
    ),
    _topic(
        "vocational",
        ("Kết quả thực hiện công tác giáo dục nghề nghiệp năm {y}, kế hoạch năm {y1}",
         "Kết quả tuyển sinh, đào tạo nghề nghiệp năm {y}",
         "Tình hình thực hiện Đề án đào tạo nghề cho lao động nông thôn năm {y}"),
        ("giáo dục nghề nghiệp năm {y}", "tuyển sinh, đào tạo nghề năm {y}"), ("GDNN", "dao tao nghe", "tuyen sinh"),
        "4380/LĐTBXH-TCGDNN", "28/10/2019", "báo cáo kết quả tuyển sinh, đào tạo nghề nghiệp năm 2019",
        "Tổng cục Giáo dục nghề nghiệp", ("phonggdnn", "daynghe"),
        (_UBND_PLAN + "đào tạo nghề cho lao động nông thôn năm {y}",),
        "CÔNG TÁC GIÁO DỤC NGHỀ NGHIỆP",
        ("Toàn tỉnh tuyển sinh, đào tạo nghề nghiệp cho {n} người, đạt {p1}% kế hoạch; trong đó trình độ cao "
         "đẳng, trung cấp {k} người.",
         "Đào tạo nghề cho {n} lao động nông thôn theo Quyết định số 1956/QĐ-TTg, tỷ lệ có việc làm sau đào tạo "
         "đạt {p}%.",
         "Mạng lưới cơ sở giáo dục nghề nghiệp gồm {k2} trường cao đẳng, trung cấp và {k2} trung tâm giáo dục "
         "nghề nghiệp."),
        ("Cơ sở vật chất, thiết bị đào tạo của một số trung tâm giáo dục nghề nghiệp cấp huyện xuống cấp, lạc hậu.",
         "Công tác tuyển sinh trình độ cao đẳng, trung cấp còn khó khăn do tâm lý chuộng bằng cấp."),
        ("Phấn đấu tuyển sinh, đào tạo nghề nghiệp cho {n} người, tỷ lệ lao động qua đào tạo đạt {p}%.",
         "Tiếp tục sắp xếp, tổ chức lại mạng lưới cơ sở giáo dục nghề nghiệp công lập theo Nghị quyết số "
         "19-NQ/TW."),
        ("Đề nghị Tổng cục Giáo dục nghề nghiệp bố trí kinh phí hỗ trợ đầu tư trang thiết bị cho các nghề trọng "
         "điểm.",),
    ),
    _topic(
        "merit",
        ("Kết quả thực hiện chính sách ưu đãi người có công với cách mạng năm {y}",
         "Công tác người có công năm {y} và phương hướng, nhiệm vụ năm {y1}",
         "Kết quả thực hiện Pháp lệnh ưu đãi người có công với cách mạng năm {y}"),
        ("công tác người có công năm {y}", "ưu đãi người có công năm {y}"), ("NCC", "nguoi co cong"),
        "4117/LĐTBXH-NCC", "10/10/2019", "báo cáo kết quả thực hiện chính sách ưu đãi người có công năm 2019",
        "Cục Người có công", ("phongncc", "nguoicocong"),
        ("Thực hiện Chỉ thị số {k2}/CT-UBND ngày {d} của Ủy ban nhân dân tỉnh về tăng cường công tác chăm sóc "
         "người có công với cách mạng",),
        "CÔNG TÁC THỰC HIỆN CHÍNH SÁCH ƯU ĐÃI NGƯỜI CÓ CÔNG",
        ("Toàn tỉnh đang quản lý, chi trả trợ cấp hằng tháng cho {n} người có công và thân nhân, tổng kinh phí "
         "{t} tỷ đồng.",
         "Giải quyết {k} hồ sơ xác nhận người có công, {k} hồ sơ hưởng trợ cấp một lần.",
         "Tổ chức điều dưỡng phục hồi sức khỏe cho {n} lượt người có công; hỗ trợ xây mới, sửa chữa {k} nhà ở "
         "cho người có công.",
         "Công tác tìm kiếm, quy tập hài cốt liệt sĩ: quy tập được {k2} hài cốt liệt sĩ."),
        ("Việc xác nhận liệt sĩ, thương binh đối với các trường hợp không còn giấy tờ gặp nhiều khó khăn.",
         "Một số nghĩa trang liệt sĩ cấp xã xuống cấp nhưng chưa có nguồn kinh phí tu bổ."),
        ("Thực hiện đầy đủ, kịp thời các chế độ ưu đãi; phấn đấu 100% gia đình người có công có mức sống bằng "
         "hoặc cao hơn mức sống trung bình của người dân nơi cư trú.",
         "Tiếp tục rà soát, giải quyết dứt điểm hồ sơ tồn đọng đề nghị xác nhận người có công."),
        ("Đề nghị Bộ sớm hướng dẫn giải quyết hồ sơ đề nghị công nhận liệt sĩ không còn giấy tờ gốc.",),
    ),
    _topic(
        "tet",
        ("Tình hình chuẩn bị và kế hoạch tổ chức thăm hỏi, tặng quà Tết Nguyên đán Canh Tý năm {y1} cho các đối "
         "tượng chính sách",
         "Công tác chăm lo Tết Nguyên đán Canh Tý {y1} cho người có công, hộ nghèo và đối tượng bảo trợ xã hội"),
        ("chăm lo Tết Canh Tý {y1}", "thăm, tặng quà Tết {y1}"), ("Tet {y1}", "qua Tet Canh Ty {y1}"),
        "4650/LĐTBXH-NCC", "12/11/2019",
        "tổ chức thăm hỏi, tặng quà nhân dịp Tết Nguyên đán Canh Tý năm 2020", "Cục Người có công",
        ("phongncc", "vanphong"),
        (_UBND_PLAN + "tổ chức các hoạt động chăm lo Tết Nguyên đán Canh Tý năm {y1}",),
        "CÔNG TÁC CHĂM LO TẾT CHO CÁC ĐỐI TƯỢNG CHÍNH SÁCH",
        ("Dự kiến tặng {n} suất quà của Chủ tịch nước cho người có công với tổng kinh phí {t} tỷ đồng; đến nay "
         "đã hoàn thành rà soát danh sách.",
         "Ngân sách tỉnh bố trí {t} tỷ đồng tặng quà cho hộ nghèo, hộ cận nghèo, đối tượng bảo trợ xã hội.",
         "Đã đề nghị Trung ương hỗ trợ {n} kg gạo cho {k} hộ có nguy cơ thiếu đói dịp Tết."),
        ("Danh sách đối tượng được tặng quà ở một số xã còn chậm, phải rà soát lại.",
         "Nguồn vận động xã hội hóa năm nay giảm so với năm trước."),
        ("Hoàn thành việc trao quà trước ngày 20 tháng Chạp, bảo đảm mọi người, mọi nhà đều có Tết.",
         "Tổ chức đoàn lãnh đạo tỉnh thăm, chúc Tết các gia đình chính sách tiêu biểu."),
        ("Đề nghị Bộ sớm chuyển kinh phí quà tặng của Chủ tịch nước để kịp chi trả trước Tết.",),
    ),
    _topic(
        "safety",
        ("Tình hình tai nạn lao động năm {y}",
         "Kết quả thực hiện công tác an toàn, vệ sinh lao động năm {y} và kế hoạch năm {y1}",
         "Tình hình thực hiện công tác an toàn, vệ sinh lao động năm {y}"),
        ("tai nạn lao động năm {y}", "an toàn, vệ sinh lao động năm {y}"), ("TNLD", "ATVSLD"),
        "3810/LĐTBXH-ATLĐ", "20/9/2019", "báo cáo công tác an toàn, vệ sinh lao động năm 2019",
        "Cục An toàn lao động", ("phongldvl", "atvsld"),
        ("Căn cứ Nghị định số 39/2016/NĐ-CP ngày 15/5/2016 của Chính phủ quy định chi tiết thi hành một số điều "
         "của Luật An toàn, vệ sinh lao động",),
        "CÔNG TÁC AN TOÀN, VỆ SINH LAO ĐỘNG",
        ("Trong năm {y}, trên địa bàn tỉnh xảy ra {k} vụ tai nạn lao động làm {k} người bị nạn, trong đó {k2} "
         "người chết.",
         "Thanh tra, kiểm tra việc chấp hành pháp luật về an toàn, vệ sinh lao động tại {k} doanh nghiệp.",
         "Huấn luyện an toàn, vệ sinh lao động cho {n} người lao động làm công việc có yêu cầu nghiêm ngặt."),
        ("Nhiều doanh nghiệp nhỏ chưa khai báo, báo cáo tai nạn lao động theo quy định.",
         "Lực lượng thanh tra chuyên ngành mỏng, chưa đáp ứng yêu cầu kiểm tra."),
        ("Phấn đấu giảm {p2}% tần suất tai nạn lao động chết người so với năm {y}.",
         "Tổ chức Tháng hành động về an toàn, vệ sinh lao động năm {y1}."),
        ("Đề nghị Cục An toàn lao động tổ chức tập huấn nghiệp vụ điều tra tai nạn lao động cho cán bộ cấp "
         "huyện.",),
    ),
    _topic(
        "budget",
        ("Đánh giá tình hình thực hiện dự toán ngân sách nhà nước năm {y} và xây dựng dự toán năm {y1}",
         "Tình hình thực hiện dự toán ngân sách năm {y}, dự kiến phân bổ dự toán năm {y1} nguồn kinh phí sự "
         "nghiệp đảm bảo xã hội"),
        ("dự toán ngân sách năm {y1}", "thực hiện dự toán NSNN năm {y}"), ("du toan NSNN", "du toan 2020"),
        "4725/LĐTBXH-KHTC", "14/11/2019",
        "báo cáo tình hình thực hiện dự toán ngân sách nhà nước năm 2019 và dự toán năm 2020",
        "Vụ Kế hoạch - Tài chính", ("phongkhtc", "ketoan"),
        ("Thực hiện Quyết định số {k}/QĐ-UBND ngày {d} của Ủy ban nhân dân tỉnh về việc giao dự toán thu, chi "
         "ngân sách nhà nước năm {y}",),
        "TÌNH HÌNH THỰC HIỆN DỰ TOÁN NGÂN SÁCH",
        ("Tổng dự toán ngân sách năm {y} được giao {t} tỷ đồng; ước thực hiện đến 31/12/{y} đạt {p1}% dự toán.",
         "Kinh phí thực hiện chính sách ưu đãi người có công ước chi {t} tỷ đồng; kinh phí đảm bảo xã hội ước "
         "chi {t} tỷ đồng.",
         "Đã giải ngân {t} tỷ đồng vốn sự nghiệp Chương trình mục tiêu giáo dục nghề nghiệp - việc làm và an "
         "toàn lao động."),
        ("Việc giao dự toán chi sự nghiệp đảm bảo xã hội cho các huyện còn chậm.",
         "Một số khoản kinh phí phải chờ hướng dẫn nên tiến độ giải ngân chưa đạt yêu cầu."),
        ("Dự toán ngân sách năm {y1} đề nghị {t} tỷ đồng, tăng {p2}% so với năm {y}.",
         "Tăng cường kiểm tra việc quản lý, sử dụng kinh phí chi trả trợ cấp ưu đãi."),
        ("Đề nghị Bộ bổ sung dự toán kinh phí chi trả trợ cấp ưu đãi người có công còn thiếu năm {y}.",),
    ),
    _topic(
        "settlement",
        ("Ước quyết toán kinh phí thực hiện chính sách ưu đãi người có công năm {y}",
         "Tình hình quản lý, sử dụng và quyết toán kinh phí sự nghiệp đảm bảo xã hội năm {y}"),
        ("ước quyết toán kinh phí năm {y}", "quyết toán kinh phí người có công năm {y}"), ("quyet toan", "QT kinh phi"),
        "4512/LĐTBXH-KHTC", "01/11/2019",
        "báo cáo ước quyết toán kinh phí thực hiện chính sách ưu đãi người có công năm 2019",
        "Vụ Kế hoạch - Tài chính", ("phongkhtc", "ketoan"),
        ("Căn cứ Thông tư số 101/2018/TT-BTC ngày 14/11/2018 của Bộ Tài chính quy định quản lý và sử dụng kinh "
         "phí thực hiện chính sách ưu đãi người có công với cách mạng do ngành Lao động - Thương binh và Xã hội "
         "quản lý",),
        "TÌNH HÌNH QUẢN LÝ, SỬ DỤNG KINH PHÍ",
        ("Tổng kinh phí được giao năm {y}: {t} tỷ đồng; ước quyết toán {t} tỷ đồng, đạt {p1}% dự toán.",
         "Kinh phí chi trả trợ cấp hằng tháng {t} tỷ đồng, trợ cấp một lần {t} tỷ đồng.",
         "Kinh phí chi công tác quản lý {t} tỷ đồng, được sử dụng đúng mục đích."),
        ("Việc tổng hợp chứng từ chi trả từ các xã về huyện còn chậm.",
         "Còn tình trạng chi trả chồng chéo ở một số đối tượng hưởng nhiều chế độ."),
        ("Hoàn thành quyết toán kinh phí năm {y} đúng thời hạn theo quy định.",
         "Tăng cường kiểm tra, đối chiếu danh sách chi trả."),
        ("Đề nghị Bộ cấp bổ sung kinh phí còn thiếu năm {y} là {t} tỷ đồng.",),
    ),
    _topic(
        "inspection",
        ("Kết quả công tác thanh tra, kiểm tra năm {y} và phương hướng, nhiệm vụ năm {y1}",
         "Công tác thanh tra năm {y}; chương trình thanh tra năm {y1}"),
        ("công tác thanh tra năm {y}", "thanh tra, kiểm tra năm {y}"), ("thanh tra", "TTr"),
        "4300/LĐTBXH-TTr", "22/10/2019",
        "báo cáo kết quả công tác thanh tra năm 2019 và định hướng chương trình thanh tra năm 2020",
        "Thanh tra Bộ", ("thanhtra", "thanhtraso"),
        ("Thực hiện Công văn số {k}/TTr-VP ngày {d} của Thanh tra tỉnh về việc báo cáo tổng kết công tác thanh "
         "tra năm {y}",),
        "CÔNG TÁC THANH TRA, KIỂM TRA",
        ("Tiến hành {k2} cuộc thanh tra, kiểm tra tại {k} đơn vị, doanh nghiệp; phát hiện {k} sai phạm.",
         "Ban hành {k} quyết định xử phạt vi phạm hành chính với tổng số tiền {t} triệu đồng.",
         "Kiến nghị thu hồi {t} triệu đồng chi sai chế độ ưu đãi người có công."),
        ("Số lượng thanh tra viên còn ít so với số doanh nghiệp trên địa bàn.",
         "Việc thực hiện kết luận thanh tra ở một số đơn vị còn chậm."),
        ("Xây dựng và thực hiện Kế hoạch thanh tra năm {y1}, tập trung vào lĩnh vực bảo hiểm xã hội và an toàn "
         "lao động.", "Tăng cường thanh tra đột xuất khi có dấu hiệu vi phạm."),
        ("Đề nghị Thanh tra Bộ tổ chức tập huấn nghiệp vụ thanh tra chuyên ngành lao động.",),
    ),
    _topic(
        "admin_reform",
        ("Kết quả thực hiện công tác cải cách hành chính năm {y}",
         "Công tác cải cách hành chính năm {y} và phương hướng, nhiệm vụ năm {y1}"),
        ("cải cách hành chính năm {y}", "CCHC năm {y}"), ("CCHC", "cai cach hanh chinh"),
        "4410/LĐTBXH-VP", "30/10/2019", "báo cáo công tác cải cách hành chính năm 2019", "Văn phòng Bộ",
        ("vanphong", "cchc"),
        ("Thực hiện Công văn số {k}/SNV-CCHC ngày {d} của Sở Nội vụ về việc báo cáo công tác cải cách hành "
         "chính năm {y}",),
        "CÔNG TÁC CẢI CÁCH HÀNH CHÍNH",
        ("Rà soát, đề nghị công bố {k} thủ tục hành chính thuộc lĩnh vực lao động, người có công và xã hội.",
         "Tiếp nhận {n} hồ sơ qua Trung tâm Phục vụ hành chính công tỉnh, {p}% được giải quyết đúng hạn.",
         "Cung cấp {k2} dịch vụ công trực tuyến mức độ 3, 4."),
        ("Tỷ lệ hồ sơ nộp trực tuyến còn thấp.", "Một số thủ tục hành chính còn phải xin ý kiến nhiều cơ quan."),
        ("Nâng tỷ lệ dịch vụ công trực tuyến mức độ 3, 4 lên {p}%.",
         "Tiếp tục đơn giản hóa thủ tục hành chính trong lĩnh vực người có công."),
        ("Đề nghị Bộ sớm ban hành quyết định công bố thủ tục hành chính mới sửa đổi.",),
    ),
    _topic(
        "investment",
        ("Tình hình thực hiện kế hoạch đầu tư công năm {y} và dự kiến kế hoạch đầu tư công năm {y1} lĩnh vực lao "
         "động, người có công và xã hội", "Kết quả giải ngân vốn đầu tư công năm {y}"),
        ("đầu tư công năm {y}", "kế hoạch đầu tư công năm {y1}"), ("dau tu cong", "DTC"),
        "4540/LĐTBXH-KHTC", "05/11/2019",
        "báo cáo tình hình thực hiện kế hoạch đầu tư công năm 2019, dự kiến kế hoạch năm 2020",
        "Vụ Kế hoạch - Tài chính", ("phongkhtc",),
        ("Thực hiện Công văn số {k}/SKHĐT-TH ngày {d} của Sở Kế hoạch và Đầu tư về việc báo cáo tình hình giải "
         "ngân vốn đầu tư công năm {y}",),
        "TÌNH HÌNH THỰC HIỆN KẾ HOẠCH ĐẦU TƯ CÔNG",
        ("Tổng kế hoạch vốn đầu tư công năm {y} được giao {t} tỷ đồng cho {k2} dự án; đến 30/11/{y} đã giải "
         "ngân {p}%.",
         "Hoàn thành, đưa vào sử dụng Trung tâm Điều dưỡng người có công và {k2} công trình nghĩa trang liệt sĩ.",
         "Dự án đầu tư nâng cấp Trường Cao đẳng nghề của tỉnh đang triển khai đúng tiến độ."),
        ("Công tác giải phóng mặt bằng một số dự án còn vướng mắc.", "Thủ tục thanh toán vốn còn chậm."),
        ("Dự kiến kế hoạch vốn năm {y1}: {t} tỷ đồng, ưu tiên các dự án chuyển tiếp.",
         "Phấn đấu giải ngân 100% kế hoạch vốn được giao."),
        ("Đề nghị Bộ hỗ trợ vốn đầu tư cơ sở cai nghiện ma túy của tỉnh.",),
    ),
    _topic(
        "gender",
        ("Kết quả thực hiện mục tiêu quốc gia về bình đẳng giới năm {y}",
         "Công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm {y}"),
        ("bình đẳng giới năm {y}", "BĐG và VSTBPN năm {y}"), ("BDG", "binh dang gioi"),
        "4005/LĐTBXH-BĐG", "03/10/2019", "báo cáo kết quả thực hiện mục tiêu quốc gia về bình đẳng giới năm 2019",
        "Vụ Bình đẳng giới", ("phongbdg", "vanphong"),
        (_UBND_PLAN + "thực hiện Chiến lược quốc gia về bình đẳng giới năm {y}",),
        "CÔNG TÁC BÌNH ĐẲNG GIỚI VÀ VÌ SỰ TIẾN BỘ CỦA PHỤ NỮ",
        ("Tỷ lệ nữ tham gia cấp ủy đạt {p}%, tỷ lệ nữ đại biểu Hội đồng nhân dân tỉnh đạt {p}%.",
         "Tổ chức Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới năm {y}.",
         "Tỷ số giới tính khi sinh giảm còn 111,5 bé trai/100 bé gái."),
        ("Định kiến giới vẫn còn tồn tại ở vùng đồng bào dân tộc thiểu số.",
         "Cán bộ làm công tác bình đẳng giới cấp huyện, xã đều kiêm nhiệm."),
        ("Lồng ghép vấn đề bình đẳng giới trong xây dựng và thực hiện kế hoạch phát triển kinh tế - xã hội năm "
         "{y1}.", "Tiếp tục nhân rộng mô hình Địa chỉ tin cậy tại cộng đồng."),
        ("Đề nghị Bộ bố trí kinh phí thực hiện Chương trình truyền thông về bình đẳng giới.",),
    ),
    _topic(
        "social_evils",
        ("Kết quả công tác phòng, chống tệ nạn xã hội năm {y}",
         "Kết quả công tác cai nghiện ma túy, quản lý sau cai nghiện và phòng, chống mại dâm năm {y}"),
        ("phòng, chống tệ nạn xã hội năm {y}", "cai nghiện ma túy năm {y}"), ("PCTNXH", "cai nghien"),
        "4200/LĐTBXH-PCTNXH", "15/10/2019", "báo cáo kết quả công tác phòng, chống tệ nạn xã hội năm 2019",
        "Cục Phòng, chống tệ nạn xã hội", ("phongpctnxh", "tenanxahoi"),
        (_UBND_PLAN + "công tác cai nghiện ma túy và phòng, chống mại dâm năm {y}",),
        "CÔNG TÁC PHÒNG, CHỐNG TỆ NẠN XÃ HỘI",
        ("Toàn tỉnh có {n} người nghiện ma túy có hồ sơ quản lý; tổ chức cai nghiện cho {k} người, trong đó cai "
         "nghiện tại cơ sở {k} người.",
         "Cơ sở cai nghiện ma túy của tỉnh đang quản lý {k} học viên.",
         "Phát hiện, xử lý {k2} vụ vi phạm liên quan đến hoạt động mại dâm."),
        ("Tỷ lệ tái nghiện sau cai còn cao.", "Cơ sở vật chất của cơ sở cai nghiện xuống cấp, quá tải."),
        ("Phấn đấu tổ chức cai nghiện cho {p}% số người nghiện có hồ sơ quản lý.",
         "Triển khai mô hình điều trị nghiện dựa vào cộng đồng."),
        ("Đề nghị Bộ hỗ trợ kinh phí nâng cấp cơ sở cai nghiện ma túy tỉnh.",),
    ),
    _topic(
        "social_protection",
        ("Kết quả thực hiện chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội năm {y}",
         "Công tác bảo trợ xã hội năm {y}"),
        ("bảo trợ xã hội năm {y}", "trợ giúp xã hội năm {y}"), ("BTXH", "tro giup xa hoi"),
        "4350/LĐTBXH-BTXH", "25/10/2019", "báo cáo kết quả thực hiện chính sách trợ giúp xã hội năm 2019",
        "Cục Bảo trợ xã hội", ("phongbtxh", "baotroxahoi"),
        ("Căn cứ Nghị định số 136/2013/NĐ-CP ngày 21/10/2013 của Chính phủ quy định chính sách trợ giúp xã hội "
         "đối với đối tượng bảo trợ xã hội",),
        "CÔNG TÁC TRỢ GIÚP XÃ HỘI",
        ("Chi trả trợ cấp xã hội hằng tháng cho {n} đối tượng bảo trợ xã hội với kinh phí {t} tỷ đồng.",
         "Các cơ sở bảo trợ xã hội đang nuôi dưỡng, chăm sóc {k} đối tượng.",
         "Hỗ trợ đột xuất cho {k} hộ bị thiệt hại do thiên tai, với {n} kg gạo."),
        ("Mức trợ cấp xã hội còn thấp so với mức sống tối thiểu.",
         "Việc chi trả qua bưu điện ở vùng sâu, vùng xa còn khó khăn."),
        ("Thực hiện chi trả trợ cấp đầy đủ, kịp thời cho các đối tượng bảo trợ xã hội.",
         "Đẩy mạnh chi trả chính sách không dùng tiền mặt."),
        ("Đề nghị Chính phủ nâng mức chuẩn trợ giúp xã hội.",),
    ),
    _topic(
        "disability",
        ("Kết quả thực hiện công tác trợ giúp người khuyết tật năm {y}",
         "Tình hình thực hiện Luật Người khuyết tật năm {y}"),
        ("người khuyết tật năm {y}", "trợ giúp người khuyết tật năm {y}"), ("NKT", "nguoi khuyet tat"),
        "4020/LĐTBXH-BTXH", "04/10/2019", "báo cáo tình hình thực hiện công tác người khuyết tật năm 2019",
        "Cục Bảo trợ xã hội", ("phongbtxh",),
        (_UBND_PLAN + "trợ giúp người khuyết tật năm {y}",),
        "CÔNG TÁC TRỢ GIÚP NGƯỜI KHUYẾT TẬT",
        ("Toàn tỉnh có {n} người khuyết tật, trong đó {n} người khuyết tật nặng và đặc biệt nặng đang hưởng trợ "
         "cấp hằng tháng.",
         "Hỗ trợ học nghề, tạo việc làm cho {k} người khuyết tật.",
         "Cấp {k} dụng cụ chỉnh hình, xe lăn cho người khuyết tật."),
        ("Việc xác định mức độ khuyết tật ở cấp xã còn lúng túng.",
         "Công trình công cộng bảo đảm tiếp cận cho người khuyết tật còn ít."),
        ("Tiếp tục thực hiện Đề án trợ giúp người khuyết tật.",
         "Nâng cao chất lượng phục hồi chức năng dựa vào cộng đồng."),
        ("Đề nghị Bộ hướng dẫn thống nhất việc xác định lại mức độ khuyết tật.",),
    ),
    _topic(
        "elderly",
        ("Kết quả thực hiện công tác người cao tuổi năm {y}",
         "Kết quả thực hiện Chương trình hành động quốc gia về người cao tuổi năm {y}"),
        ("công tác người cao tuổi năm {y}", "người cao tuổi năm {y}"), ("NCT", "nguoi cao tuoi"),
        "4090/LĐTBXH-BTXH", "08/10/2019", "báo cáo kết quả thực hiện công tác người cao tuổi năm 2019",
        "Cục Bảo trợ xã hội", ("phongbtxh",),
        (_UBND_PLAN + "thực hiện Chương trình hành động quốc gia về người cao tuổi năm {y}",),
        "CÔNG TÁC CHĂM SÓC VÀ PHÁT HUY VAI TRÒ NGƯỜI CAO TUỔI",
        ("Toàn tỉnh có {n} người cao tuổi, trong đó {n} người từ đủ 80 tuổi trở lên hưởng trợ cấp xã hội hằng "
         "tháng.",
         "Tổ chức mừng thọ cho {n} người cao tuổi ở các độ tuổi 70, 75, 80, 85, 90 và trên 100 tuổi.",
         "Thành lập mới {k2} câu lạc bộ liên thế hệ tự giúp nhau."),
        ("Hoạt động chăm sóc sức khỏe ban đầu cho người cao tuổi tại cộng đồng còn hạn chế.",
         "Kinh phí hoạt động của Hội Người cao tuổi cấp xã còn thấp."),
        ("Nhân rộng mô hình câu lạc bộ liên thế hệ tự giúp nhau.",
         "Tổ chức Tháng hành động vì người cao tuổi Việt Nam."),
        ("Đề nghị Bộ tham mưu sửa đổi độ tuổi hưởng trợ cấp xã hội đối với người cao tuổi.",),
    ),
    _topic(
        "overseas",
        ("Tình hình đưa người lao động đi làm việc ở nước ngoài theo hợp đồng năm {y}",
         "Kết quả công tác đưa người lao động đi làm việc ở nước ngoài năm {y} và kế hoạch năm {y1}"),
        ("xuất khẩu lao động năm {y}", "đưa người lao động đi làm việc ở nước ngoài năm {y}"),
        ("XKLD", "lao dong ngoai nuoc"),
        "4150/LĐTBXH-QLLĐNN", "11/10/2019",
        "báo cáo tình hình đưa người lao động đi làm việc ở nước ngoài theo hợp đồng năm 2019",
        "Cục Quản lý lao động ngoài nước", ("phongldvl", "vieclam"),
        (_UBND_PLAN + "đưa người lao động đi làm việc ở nước ngoài theo hợp đồng năm {y}",),
        "CÔNG TÁC ĐƯA NGƯỜI LAO ĐỘNG ĐI LÀM VIỆC Ở NƯỚC NGOÀI",
        ("Năm {y}, toàn tỉnh có {n} người đi làm việc ở nước ngoài theo hợp đồng, đạt {p1}% kế hoạch; chủ yếu "
         "sang Nhật Bản, Đài Loan và Hàn Quốc.",
         "Tổ chức {k2} hội nghị tư vấn, tuyển chọn lao động với {k} doanh nghiệp dịch vụ.",
         "Hỗ trợ vay vốn cho {k} lao động thuộc hộ nghèo, hộ cận nghèo đi làm việc ở nước ngoài."),
        ("Còn tình trạng lao động bỏ hợp đồng, cư trú bất hợp pháp tại Hàn Quốc.",
         "Hoạt động tuyển lao động trái phép qua mạng xã hội chưa được ngăn chặn triệt để."),
        ("Phấn đấu đưa {n} lao động đi làm việc ở nước ngoài theo hợp đồng.",
         "Tăng cường kiểm tra hoạt động của doanh nghiệp dịch vụ trên địa bàn."),
        ("Đề nghị Cục Quản lý lao động ngoài nước mở rộng thị trường cho lao động phổ thông.",),
    ),
    _topic(
        "unemployment",
        ("Tình hình thực hiện chính sách bảo hiểm thất nghiệp năm {y}",
         "Kết quả thực hiện chính sách bảo hiểm thất nghiệp năm {y}"),
        ("bảo hiểm thất nghiệp năm {y}", "BHTN năm {y}"), ("BHTN", "bao hiem that nghiep"),
        "4480/LĐTBXH-VL", "31/10/2019", "báo cáo tình hình thực hiện chính sách bảo hiểm thất nghiệp năm 2019",
        "Cục Việc làm", ("ttdvvl", "phongldvl"),
        ("Căn cứ Thông tư số 28/2015/TT-BLĐTBXH ngày 31/7/2015 của Bộ Lao động - Thương binh và Xã hội hướng "
         "dẫn thực hiện Điều 52 của Luật Việc làm và một số điều của Nghị định số 28/2015/NĐ-CP",),
        "TÌNH HÌNH THỰC HIỆN CHÍNH SÁCH BẢO HIỂM THẤT NGHIỆP",
        ("Tiếp nhận {n} hồ sơ đề nghị hưởng trợ cấp thất nghiệp; ban hành {n} quyết định hưởng với số tiền {t} "
         "tỷ đồng.",
         "Tư vấn, giới thiệu việc làm cho {n} lượt người thất nghiệp.",
         "Hỗ trợ học nghề cho {k} người hưởng trợ cấp thất nghiệp."),
        ("Số người tìm được việc làm nhưng không thông báo vẫn còn.",
         "Tỷ lệ người thất nghiệp tham gia học nghề thấp."),
        ("Đẩy nhanh giải quyết hồ sơ bảo hiểm thất nghiệp đúng thời hạn.",
         "Tăng cường kết nối cung - cầu lao động cho người hưởng trợ cấp thất nghiệp."),
        ("Đề nghị Bộ sửa đổi quy định về thông báo tìm kiếm việc làm hằng tháng.",),
    ),
    _topic(
        "emulation",
        ("Tổng kết công tác thi đua, khen thưởng năm {y} và phương hướng, nhiệm vụ năm {y1}",
         "Kết quả thực hiện phong trào thi đua và công tác khen thưởng năm {y}"),
        ("tổng kết thi đua, khen thưởng năm {y}", "thi đua khen thưởng {y}"), ("TDKT", "thi dua"),
        "4250/LĐTBXH-TĐKT", "18/10/2019", "hướng dẫn tổng kết công tác thi đua, khen thưởng năm 2019",
        "Vụ Thi đua - Khen thưởng", ("vanphong", "thiduakhenthuong"),
        ("Thực hiện Hướng dẫn số {k}/HD-BTĐKT ngày {d} của Ban Thi đua - Khen thưởng tỉnh về tổng kết công tác "
         "thi đua, khen thưởng năm {y}",),
        "CÔNG TÁC THI ĐUA, KHEN THƯỞNG",
        ("Phát động phong trào thi đua \"Ngành Lao động - Thương binh và Xã hội chung sức xây dựng nông thôn mới\" "
         "đến {k} cơ quan, đơn vị.",
         "Đề nghị Bộ trưởng tặng Bằng khen cho {k2} tập thể và {k} cá nhân có thành tích xuất sắc.",
         "Giám đốc Sở tặng Giấy khen cho {k} tập thể, cá nhân."),
        ("Một số phong trào thi đua còn hình thức, chưa gắn với nhiệm vụ chuyên môn.",
         "Việc phát hiện, nhân rộng điển hình tiên tiến còn hạn chế."),
        ("Tiếp tục đổi mới nội dung, hình thức tổ chức các phong trào thi đua năm {y1}.",
         "Chuẩn bị tổ chức Đại hội thi đua yêu nước ngành Lao động - Thương binh và Xã hội lần thứ V."),
        ("Đề nghị Bộ tặng Cờ thi đua cho Sở Lao động - Thương binh và Xã hội.",),
    ),
    _topic(
        "anticorruption",
        ("Kết quả công tác phòng, chống tham nhũng năm {y}", "Công tác phòng, chống tham nhũng năm {y}"),
        ("phòng, chống tham nhũng năm {y}", "PCTN năm {y}"), ("PCTN", "phong chong tham nhung"),
        "4305/LĐTBXH-TTr", "23/10/2019", "báo cáo công tác phòng, chống tham nhũng năm 2019", "Thanh tra Bộ",
        ("thanhtra",),
        ("Thực hiện Công văn số {k}/TTr-PCTN ngày {d} của Thanh tra tỉnh về việc báo cáo công tác phòng, chống "
         "tham nhũng năm {y}",),
        "CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG",
        ("Tổ chức quán triệt Luật Phòng, chống tham nhũng năm 2018 cho {k} cán bộ, công chức, viên chức.",
         "Thực hiện chuyển đổi vị trí công tác đối với {k2} công chức theo quy định.",
         "Kê khai tài sản, thu nhập năm {y} đối với {k} người, đạt 100%."),
        ("Công tác tự kiểm tra trong nội bộ cơ quan chưa thường xuyên.",
         "Chưa phát hiện hành vi tham nhũng qua công tác tự kiểm tra."),
        ("Tiếp tục thực hiện nghiêm các giải pháp phòng ngừa tham nhũng.",
         "Thực hiện kê khai tài sản, thu nhập theo Nghị định số 130/2020/NĐ-CP khi có hướng dẫn."),
        ("Đề nghị Thanh tra Bộ sớm hướng dẫn thực hiện Nghị định số 59/2019/NĐ-CP.",),
    ),
    _topic(
        "thrift",
        ("Kết quả thực hành tiết kiệm, chống lãng phí năm {y}",
         "Tình hình thực hiện Chương trình thực hành tiết kiệm, chống lãng phí năm {y}"),
        ("thực hành tiết kiệm, chống lãng phí năm {y}", "THTK, CLP năm {y}"), ("THTK CLP", "tiet kiem"),
        "4460/LĐTBXH-KHTC", "30/10/2019", "báo cáo kết quả thực hành tiết kiệm, chống lãng phí năm 2019",
        "Vụ Kế hoạch - Tài chính", ("phongkhtc", "vanphong"),
        ("Thực hiện Quyết định số {k}/QĐ-UBND ngày {d} của Ủy ban nhân dân tỉnh ban hành Chương trình thực hành "
         "tiết kiệm, chống lãng phí năm {y}",),
        "KẾT QUẢ THỰC HÀNH TIẾT KIỆM, CHỐNG LÃNG PHÍ",
        ("Tiết kiệm {t} triệu đồng chi thường xuyên, chủ yếu từ chi hội nghị, công tác phí.",
         "Tiết kiệm 10% chi thường xuyên để thực hiện cải cách tiền lương với số tiền {t} triệu đồng.",
         "Quản lý, sử dụng trụ sở, xe công đúng tiêu chuẩn, định mức."),
        ("Việc sử dụng điện, nước ở một số đơn vị sự nghiệp chưa tiết kiệm.",
         "Chưa có đơn vị thực hiện khoán xe công."),
        ("Tiếp tục quán triệt Luật Thực hành tiết kiệm, chống lãng phí.",
         "Thực hiện công khai tài chính tại các đơn vị sự nghiệp."),
        ("Đề nghị Bộ ban hành định mức sử dụng tài sản chuyên dùng của cơ sở bảo trợ xã hội.",),
    ),
    _topic(
        "complaints",
        ("Công tác tiếp công dân, giải quyết khiếu nại, tố cáo năm {y}",
         "Kết quả công tác tiếp công dân, xử lý đơn thư và giải quyết khiếu nại, tố cáo năm {y}"),
        ("tiếp công dân, giải quyết khiếu nại, tố cáo năm {y}", "TCD, KNTC năm {y}"), ("TCD KNTC", "khieu nai to cao"),
        "4312/LĐTBXH-TTr", "24/10/2019", "báo cáo công tác tiếp công dân, giải quyết khiếu nại, tố cáo năm 2019",
        "Thanh tra Bộ", ("thanhtra", "tiepcongdan"),
        ("Thực hiện Công văn số {k}/TTr-TCD ngày {d} của Thanh tra tỉnh về báo cáo công tác tiếp công dân, giải "
         "quyết khiếu nại, tố cáo năm {y}",),
        "CÔNG TÁC TIẾP CÔNG DÂN, GIẢI QUYẾT KHIẾU NẠI, TỐ CÁO",
        ("Tiếp {k} lượt công dân đến kiến nghị, phản ánh, chủ yếu về chế độ người có công.",
         "Tiếp nhận {k} đơn, trong đó {k2} đơn khiếu nại, {k2} đơn tố cáo thuộc thẩm quyền.",
         "Giải quyết dứt điểm {k2} vụ khiếu nại, đạt {p}%."),
        ("Một số vụ việc phức tạp, kéo dài do hồ sơ gốc không còn.", "Còn tình trạng đơn gửi vượt cấp."),
        ("Thực hiện nghiêm lịch tiếp công dân định kỳ của Giám đốc Sở.",
         "Giải quyết kịp thời các đơn thư mới phát sinh."),
        ("Đề nghị Bộ hướng dẫn giải quyết các vụ việc liên quan đến chế độ người hoạt động kháng chiến bị nhiễm "
         "chất độc hóa học.",),
    ),
    _topic(
        "digital",
        ("Tình hình ứng dụng công nghệ thông tin, phát triển Chính phủ điện tử năm {y}",
         "Kết quả ứng dụng công nghệ thông tin và chuyển đổi số ngành Lao động - Thương binh và Xã hội năm {y}"),
        ("ứng dụng CNTT năm {y}", "Chính phủ điện tử năm {y}"), ("CNTT", "UD CNTT"),
        "4390/LĐTBXH-TTTT", "29/10/2019", "báo cáo tình hình ứng dụng công nghệ thông tin năm 2019",
        "Trung tâm Thông tin", ("vanphong", "cntt"),
        ("Thực hiện Công văn số {k}/STTTT-CNTT ngày {d} của Sở Thông tin và Truyền thông về báo cáo tình hình "
         "ứng dụng công nghệ thông tin năm {y}",),
        "TÌNH HÌNH ỨNG DỤNG CÔNG NGHỆ THÔNG TIN",
        ("100% văn bản đi, đến được xử lý trên hệ thống quản lý văn bản và điều hành.",
         "Cập nhật dữ liệu {n} người có công vào phần mềm quản lý đối tượng chính sách.",
         "Triển khai chữ ký số cho {k2} lãnh đạo Sở và các phòng chuyên môn."),
        ("Hạ tầng máy tính một số phòng đã cũ, cấu hình thấp.",
         "Cơ sở dữ liệu chuyên ngành chưa được kết nối, chia sẻ."),
        ("Xây dựng cơ sở dữ liệu an sinh xã hội của tỉnh.",
         "Đưa {k2} thủ tục hành chính lên cổng dịch vụ công mức độ 4."),
        ("Đề nghị Bộ sớm hoàn thiện phần mềm cơ sở dữ liệu chuyên ngành dùng chung.",),
    ),
    _topic(
        "labour_market",
        ("Kết quả thu thập, cập nhật thông tin cung - cầu lao động năm {y}", "Tình hình thị trường lao động năm {y}"),
        ("cung - cầu lao động năm {y}", "thị trường lao động năm {y}"), ("cung cau LD", "TTLD"),
        "4280/LĐTBXH-VL", "21/10/2019",
        "báo cáo kết quả thu thập, cập nhật cơ sở dữ liệu cung - cầu lao động năm 2019", "Cục Việc làm",
        ("ttdvvl", "phongldvl"),
        (_UBND_PLAN + "thu thập, lưu trữ, tổng hợp thông tin thị trường lao động năm {y}",),
        "KẾT QUẢ THU THẬP THÔNG TIN THỊ TRƯỜNG LAO ĐỘNG",
        ("Thu thập, cập nhật thông tin của {n} hộ gia đình với {n} nhân khẩu từ đủ 15 tuổi trở lên vào cơ sở dữ "
         "liệu cung lao động.",
         "Cập nhật thông tin cầu lao động của {k} doanh nghiệp.", "Tỷ lệ hộ được cập nhật biến động đạt {p}%."),
        ("Đội ngũ điều tra viên cấp xã thay đổi nhiều, chất lượng phiếu chưa cao.",
         "Kinh phí thu thập thông tin thấp."),
        ("Duy trì cập nhật biến động cơ sở dữ liệu cung - cầu lao động hằng năm.",
         "Khai thác dữ liệu phục vụ dự báo nhu cầu lao động."),
        ("Đề nghị Cục Việc làm nâng cấp phần mềm cập nhật cung - cầu lao động.",),
    ),
    _topic(
        "poverty_census",
        ("Kết quả rà soát hộ nghèo, hộ cận nghèo năm {y} theo chuẩn nghèo tiếp cận đa chiều",
         "Kết quả tổng điều tra, rà soát hộ nghèo, hộ cận nghèo cuối năm {y}"),
        ("rà soát hộ nghèo năm {y}", "kết quả rà soát hộ nghèo, hộ cận nghèo {y}"), ("ra soat ho ngheo", "RSHN"),
        "4600/LĐTBXH-VPQGGN", "08/11/2019", "báo cáo kết quả rà soát hộ nghèo, hộ cận nghèo năm 2019",
        "Văn phòng Quốc gia về giảm nghèo", ("phongbtxh", "giamngheo"),
        (_UBND_PLAN + "rà soát hộ nghèo, hộ cận nghèo năm {y}",),
        "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO",
        ("Kết quả rà soát cuối năm {y}: toàn tỉnh còn {n} hộ nghèo, chiếm tỷ lệ {pl}%; {n} hộ cận nghèo.",
         "Số hộ thoát nghèo trong năm là {n} hộ; số hộ tái nghèo {k} hộ, phát sinh nghèo {k} hộ.",
         "Quy trình rà soát được thực hiện công khai, dân chủ theo Thông tư số 17/2016/TT-BLĐTBXH."),
        ("Một số xã còn tâm lý muốn giữ hộ nghèo để hưởng chính sách.",
         "Thời gian rà soát ngắn, điều tra viên chưa được tập huấn kỹ."),
        ("Công bố kết quả rà soát hộ nghèo, hộ cận nghèo năm {y} trước ngày 31/12/{y}.",
         "Cập nhật kết quả rà soát vào phần mềm quản lý hộ nghèo."),
        ("Đề nghị Bộ sớm ban hành chuẩn nghèo áp dụng cho giai đoạn tiếp theo.",),
    ),
)}  # fmt: skip

# The campaigns' own reports, as provinces title them.
TK_TITLES = (
    "Đánh giá tình hình thực hiện năm {y}; nhiệm vụ, giải pháp thực hiện kế hoạch năm {y1} lĩnh vực lao động, "
    "người có công và xã hội",
    "Tổng kết công tác năm {y} và phương hướng, nhiệm vụ năm {y1} ngành Lao động - Thương binh và Xã hội",
    "Kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y1}",
    "Kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y1} lĩnh vực lao động, người có công và xã hội",
    "Tình hình thực hiện nhiệm vụ năm {y} và phương hướng, nhiệm vụ năm {y1} của ngành Lao động - Thương binh "
    "và Xã hội {place}",
    "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm {y} và kế hoạch năm {y1} lĩnh vực lao động, người có "
    "công và xã hội",
    "Tổng kết công tác lao động, người có công và xã hội năm {y}; phương hướng, nhiệm vụ năm {y1}",
    "Đánh giá tình hình thực hiện năm {y}, nhiệm vụ, giải pháp năm {y1}",
    "Kết quả công tác năm {y} và kế hoạch công tác năm {y1}",
)  # fmt: skip
GN_TITLES = (
    "Kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm {y}, kế hoạch năm {y1}",
    "Kết quả thực hiện Chương trình MTQG giảm nghèo bền vững năm {y} và phương hướng, nhiệm vụ năm {y1}",
    "Tình hình thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững năm {y}, kế hoạch thực hiện năm {y1}",
    "Kết quả thực hiện Chương trình MTQG Giảm nghèo bền vững năm {y} trên địa bàn {place}",
    "Tổng kết công tác giảm nghèo năm {y} và kế hoạch thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền "
    "vững năm {y1}",
)  # fmt: skip
GN_TOPIC = _topic(
    "gn2019", GN_TITLES,
    ("Chương trình MTQG giảm nghèo bền vững năm {y}", "CTMTQG giảm nghèo bền vững năm {y}, kế hoạch năm {y1}",
     "kết quả thực hiện Chương trình giảm nghèo năm {y}"),
    ("giam ngheo", "CTMTQG GNBV", "MTQG giam ngheo"),
    GN2019.letter, "15/11/2019",
    "báo cáo kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2019, kế hoạch năm 2020",
    "Văn phòng Quốc gia về giảm nghèo", ("phongbtxh", "giamngheo", "vanphong"), (), "",
    ("Tỷ lệ hộ nghèo toàn tỉnh giảm từ {ph}% cuối năm {y0} xuống còn {pl}% cuối năm {y}.",
     "Dự án 1 (Chương trình 30a): đầu tư {k2} công trình hạ tầng tại các huyện nghèo với tổng vốn {t} tỷ đồng.",
     "Dự án 2 (Chương trình 135): hỗ trợ phát triển sản xuất cho {n} hộ nghèo tại các xã đặc biệt khó khăn.",
     "Dự án 3: thực hiện {k2} mô hình hỗ trợ phát triển sản xuất, đa dạng hóa sinh kế và nhân rộng mô hình giảm "
     "nghèo.",
     "Dự án 4: tổ chức {k2} lớp tập huấn truyền thông và giảm nghèo về thông tin."),
    ("Kết quả giảm nghèo chưa thật sự bền vững, số hộ tái nghèo, phát sinh nghèo còn cao.",
     "Vốn đối ứng của ngân sách địa phương bố trí chưa đủ theo quy định."),
    ("Phấn đấu giảm tỷ lệ hộ nghèo thêm {pl}% trong năm {y1}.",
     "Tập trung nguồn lực cho các huyện nghèo, xã đặc biệt khó khăn."),
    ("Đề nghị Trung ương sớm phân bổ vốn Chương trình mục tiêu quốc gia giảm nghèo bền vững năm {y1} để địa "
     "phương chủ động triển khai.",),
)  # fmt: skip
TK_SHORT = ("đánh giá tình hình thực hiện năm {y}, nhiệm vụ năm {y1}", "tổng kết năm {y}, kế hoạch năm {y1}",
            "kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y1}")  # fmt: skip
TK_TAGS = ("tong ket", "tong ket nam", "KQ {y} KH {y1}", "danh gia nam {y} ke hoach {y1}", "TK nam")
GENERIC_SUBJECTS = ("Gửi báo cáo", "V/v gửi báo cáo", "{office_name} gửi văn bản", "gui bao cao",
                    "Văn bản số {number}", "Gửi báo cáo năm {y}", "Báo cáo năm {y} - {office_name}")  # fmt: skip
GENERIC_FILES = ("BC.docx", "baocao.docx", "BC {y}.docx", "{digits}-BC-SLDTBXH.pdf", "VB{digits}.docx",
                 "Bao cao {y}.docx")  # fmt: skip


# --- Figures -------------------------------------------------------------------------------------------
def _fill(text: str, rng: random.Random, **extra: object) -> str:
    def decimal(low: float, high: float) -> str:
        return f"{rng.uniform(low, high):.1f}".replace(".", ",")

    values = {
        "y": YEAR, "y1": YEAR + 1, "y0": YEAR - 1, "n": f"{rng.randint(1, 45)}.{rng.randint(0, 999):03d}",
        "k": rng.randint(12, 480), "k2": rng.randint(2, 19), "p": decimal(40, 99.5), "p1": rng.randint(95, 121),
        "p2": rng.randint(2, 15), "t": decimal(1.2, 480), "ph": decimal(4, 12), "pl": decimal(0.4, 3.9),
        "d": f"{rng.randint(1, 28):02d}/{rng.randint(1, 6):02d}/{YEAR}", **extra,
    }  # fmt: skip
    return text.format(**values)


# --- Units and senders -------------------------------------------------------------------------------
def locality(unit: Unit) -> str:
    """'tỉnh Quảng Ninh' / 'thành phố Hà Nội'."""
    return ("thành phố " if unit.full_name.startswith("Thành phố") else "tỉnh ") + unit.name


def so_name(unit: Unit) -> str:
    """How a Sở names itself in a subject line: 'Sở LĐTBXH Quảng Ninh', 'Sở LĐTBXH TP. Hồ Chí Minh'."""
    return "Sở LĐTBXH " + ("TP. " if unit.full_name.startswith("Thành phố") else "") + unit.name


def ubnd_issuer(unit: Unit) -> str:
    """A People's Committee's own letterhead: 'ỦY BAN NHÂN DÂN' over 'TỈNH QUẢNG NINH'."""
    return f"ỦY BAN NHÂN DÂN\n{locality(unit).upper()}"


def so_issuer(unit: Unit) -> str:
    kind = "THÀNH PHỐ" if unit.full_name.startswith("Thành phố") else "TỈNH"
    return f"UBND {kind} {unit.name.upper()}\n{SO}"


def build_contacts(units: tuple[Unit, ...], rng: random.Random) -> dict[str, list[str]]:
    """One or two webmail addresses per unit, as the operator's contacts list holds them."""
    contacts: dict[str, list[str]] = {}
    taken: set[str] = set()
    for unit in units:
        contacts[unit.code] = []
        for _ in range(rng.choice((1, 1, 2))):
            address = person(rng)[1]
            while address in taken:  # a person's address is one unit's only
                address = person(rng)[1]
            taken.add(address)
            contacts[unit.code].append(address)
    return contacts


def sender(unit: Unit, locals_: tuple[str, ...], contacts: Mapping[str, list[str]], rng: random.Random) -> str:
    """A From header: the Sở's domain (an office's mailbox) two times in three, else a known webmail address."""
    if rng.random() < 0.66:
        address = f"{rng.choice(locals_)}@{domain_of(unit, rng)}"
        display = rng.choice((so_name(unit), "", rng.choice(PEOPLE), plain(so_name(unit))))
        return f"{display} <{address}>" if display else address
    address = rng.choice(contacts[unit.code])
    return f"{rng.choice(PEOPLE)} <{address}>"


# --- Documents ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Doc:
    """One file's content as blocks, and how the message around it is written."""

    blocks: list[Block]
    stem: str  # the file name without extension
    ext: str  # "docx" or "pdf", for a block-list case


def letterhead_blocks(issuer: str, number: str, dated: str, title: str | None) -> list[Block]:
    blocks = [table((f"{issuer}\n-------", MOTTO), (f"Số: {number}", dated))]
    if title is not None:
        blocks += [bold("BÁO CÁO"), bold(title), para("_______________")]
    return blocks


def closing_blocks(requester: str, by_ubnd: bool, rng: random.Random) -> list[Block]:
    recipients = f"Nơi nhận:\n- Bộ LĐTBXH ({requester});\n- UBND tỉnh (b/c);\n- Giám đốc, các PGĐ Sở;\n- Lưu: VT."
    if by_ubnd:
        recipients = f"Nơi nhận:\n- Bộ LĐTBXH ({requester});\n- TT Tỉnh ủy, TT HĐND tỉnh;\n- Sở LĐTBXH;\n- Lưu: VT."
        signer = f"TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\n{rng.choice(PEOPLE)}"
    else:
        signer = rng.choice(("GIÁM ĐỐC", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")) + f"\n\n\n{rng.choice(PEOPLE)}"
    return [table((recipients, signer))]


def topic_sections(topic: Topic, rng: random.Random) -> list[Block]:
    """A topic's four sections in one of four heading styles every Sở uses."""
    f = functools.partial(_fill, rng=rng)
    results = [para(f(s)) for s in rng.sample(topic.results, min(3, len(topic.results)))]
    short = [para(f(s)) for s in topic.shortcomings]
    plan = [para(f(s)) for s in topic.plan]
    props = [para(f(s)) for s in topic.proposals]
    head = topic.head
    style = rng.choice(("roman", "roman", "parts", "ab", "plain"))
    if style == "roman":
        own = head.startswith(("KẾT QUẢ", "TÌNH HÌNH"))
        first = rng.choice((f"I. {head} NĂM {YEAR}" if own else f"I. KẾT QUẢ THỰC HIỆN {head} NĂM {YEAR}",
                            f"I. {head} NĂM {YEAR}", "I. TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN"))  # fmt: skip
        return [bold(first), *results, bold("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"), *short,
                bold(f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {YEAR + 1}"), *plan, bold("IV. KIẾN NGHỊ, ĐỀ XUẤT"), *props]
    if style == "parts":
        return [bold("PHẦN THỨ NHẤT"), bold(f"{head} NĂM {YEAR}"), bold("1. Kết quả đạt được"), *results,
                bold("2. Tồn tại, hạn chế và nguyên nhân"), *short, bold("PHẦN THỨ HAI"),
                bold(f"NHIỆM VỤ, GIẢI PHÁP NĂM {YEAR + 1}"), bold("1. Nhiệm vụ, giải pháp chủ yếu"), *plan,
                bold("2. Kiến nghị, đề xuất"), *props]  # fmt: skip
    if style == "ab":
        return [bold(f"A. KẾT QUẢ THỰC HIỆN NĂM {YEAR}"), *results, bold("B. KHÓ KHĂN, VƯỚNG MẮC"), *short,
                bold(f"C. NHIỆM VỤ TRỌNG TÂM NĂM {YEAR + 1}"), *plan, bold("D. ĐỀ XUẤT, KIẾN NGHỊ"), *props]
    return [bold("Kết quả đạt được"), *results, bold("Tồn tại, hạn chế"), *short,
            bold(f"Phương hướng, nhiệm vụ năm {YEAR + 1}"), *plan, bold("Kiến nghị"), *props]  # fmt: skip


def gn_sections(rng: random.Random) -> list[Block]:
    f = functools.partial(_fill, rng=rng)
    t = GN_TOPIC
    return [
        bold(f"I. KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH NĂM {YEAR}"), bold("1. Công tác chỉ đạo, điều hành"),
        para("Ban Chỉ đạo các Chương trình mục tiêu quốc gia tỉnh ban hành kế hoạch, phân công thành viên phụ trách "
             "địa bàn; các huyện, xã kiện toàn Ban Chỉ đạo."),
        bold("2. Kết quả giảm nghèo"), para(f(t.results[0])), bold("3. Kết quả thực hiện các dự án thành phần"),
        *[para(f(s)) for s in t.results[1:]], bold("4. Huy động và sử dụng nguồn lực"),
        para(f("Tổng nguồn lực huy động thực hiện Chương trình năm {y} là {t} tỷ đồng, giải ngân đạt {p}%.")),
        bold("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"), *[para(f(s)) for s in t.shortcomings],
        bold(f"III. KẾ HOẠCH NĂM {YEAR + 1}"), *[para(f(s)) for s in t.plan],
        bold("IV. KIẾN NGHỊ, ĐỀ XUẤT"), *[para(f(s)) for s in t.proposals],
    ]  # fmt: skip


def tk_sections(rng: random.Random) -> list[Block]:
    """The year-end report's sections as report_texts' seven layouts write them (letterhead, preamble and
    closing cut off)."""
    return LAYOUTS[rng.choice(sorted(LAYOUTS))]()[5:-1]


def covering_letter_blocks(unit: Unit, about: str, cite: str | None, dated: str, rng: random.Random) -> list[Block]:
    """The công văn a Sở sends its report under: "V/v gửi báo cáo …", Kính gửi, one paragraph."""
    opening = f"Thực hiện {cite}, " if cite else ""
    return [
        table((f"{so_issuer(unit)}\n-------", MOTTO),
              (f"Số: {rng.randint(1000, 4000)}/SLĐTBXH-KHTC\nV/v gửi {about}", dated)),
        para("Kính gửi: Bộ Lao động - Thương binh và Xã hội."),
        para(f"{opening}{SO_LONG} {locality(unit)} gửi kèm theo công văn này {about} (có báo cáo kèm theo)."),
        para("Trân trọng./."),
        table(("Nơi nhận:\n- Như trên;\n- Lưu: VT, KHTC.", f"GIÁM ĐỐC\n\n\n{rng.choice(PEOPLE)}")),
    ]  # fmt: skip


def cite_text(letter: str, letter_date: str, about: str) -> str:
    return f"Công văn số {letter} ngày {letter_date} của Bộ Lao động - Thương binh và Xã hội về việc {about}"


# --- Drafts: the cases before their files are made -----------------------------------------------------
@dataclass
class Draft:
    name: str
    family: str
    topic: str
    kind: str
    unit: Unit
    campaign: str | None
    ambiguous: bool
    sender: str
    subject: str
    body: str
    doc: Doc
    received: datetime
    headers: dict[str, str]


def _received(rng: random.Random, first: date, last: date, peak: tuple[date, date] | None = None) -> datetime:
    if peak and rng.random() < 0.7:
        first, last = peak
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    return datetime(day.year, day.month, day.day, rng.randint(0, 10), rng.randint(0, 59), tzinfo=timezone.utc)


def _dated(unit: Unit, received: datetime, rng: random.Random) -> str:
    day = received.date() - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)))
    return f"{place_of(unit, rng)}, ngày {day.day} tháng {day.month} năm {day.year}"


def _number(by_ubnd: bool, rng: random.Random) -> str:
    return f"{rng.randint(100, 3500)}/BC-" + ("UBND" if by_ubnd else rng.choice(("SLĐTBXH", "LĐTBXH", "SLĐTBXH")))


def _body(unit: Unit, greeting: str, what: str, rng: random.Random) -> str:
    lines = [rng.choice((f"Kính gửi: {greeting},", "Kính gửi Quý Bộ,", "Kính gửi anh/chị,"))]
    lines.append(rng.choice((f"Sở LĐTBXH {locality(unit)} gửi {what} (file đính kèm).", "Xin gửi kèm báo cáo.",
                             f"Đơn vị gửi {what}, đề nghị Quý cơ quan tổng hợp.", "Gửi kèm file báo cáo.")))
    lines += ["Trân trọng.", "", rng.choice(("--", "")), f"Văn phòng Sở LĐTBXH {locality(unit)}"]
    return "\n".join(lines)


def _generic(template: str, unit: Unit, rng: random.Random) -> str:
    return template.format(office_name=so_name(unit), y=YEAR, number=_number(False, rng),
                           digits=rng.randint(100, 3500))  # fmt: skip


def _file_stem(name: str) -> tuple[str, str]:
    stem, _, ext = name.rpartition(".")
    return stem, ext


def tagged_file(tag: str, unit: Unit, rng: random.Random) -> str:
    """A file named by its topic as people type it ("BC tong ket 2019.docx", "BC_BTXH_2019_laocai.docx"); the
    year added unless the tag has one."""
    tag = plain(_fill(tag, rng))
    year = "" if any(str(y) in tag for y in (YEAR - 1, YEAR, YEAR + 1)) else f" {YEAR}"
    return rng.choice((
        f"BC {tag}{year}.docx", f"BC_{tag.replace(' ', '_')}{year.replace(' ', '_')}_{slug(unit.name)}.docx",
        f"BC_{tag}_{slug(unit.name)}.docx", f"Bao cao {tag}{year}.pdf", f"{tag}{year} - {plain(unit.name)}.docx",
    ))  # fmt: skip


def _maybe_plain(text: str, rng: random.Random, share: float = 0.3) -> str:
    return plain(text) if rng.random() < share else text


def campaign_drafts(campaign: CampaignInfo, rng: random.Random, contacts: Mapping[str, list[str]]) -> list[Draft]:
    """Every vn63 unit's report for `campaign`, the evidence cycling through cites / reply / subject / title."""
    drafts = []
    tk = campaign.id == "tk2019"
    titles = TK_TITLES if tk else GN_TITLES
    short = TK_SHORT if tk else GN_TOPIC.short
    tags = TK_TAGS if tk else GN_TOPIC.tags
    requester = "Vụ Kế hoạch - Tài chính" if tk else GN_TOPIC.requester
    locals_ = ("vanphong", "phongkhtc", "kehoachtaichinh") if tk else GN_TOPIC.locals_
    letter_date = "25/11/2019" if tk else "15/11/2019"
    about = (("báo cáo đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 "
              "lĩnh vực lao động, người có công và xã hội") if tk else GN_TOPIC.letter_about)  # fmt: skip
    first, last = (date(2019, 11, 28), date(2019, 12, 31)) if tk else (date(2019, 11, 20), date(2019, 12, 20))
    peak = (date(2019, 12, 5), date(2019, 12, 16)) if tk else (date(2019, 12, 1), date(2019, 12, 11))
    evidences = ("cites", "reply", "subject", "title")
    for index, unit in enumerate(builtin("vn63").units):
        evidence = evidences[(index + (0 if tk else 2)) % 4]
        received = _received(rng, first, last, peak)
        dated = _dated(unit, received, rng)
        by_ubnd = rng.random() < 0.2
        issuer = ubnd_issuer(unit) if by_ubnd else so_issuer(unit)
        title = _fill(rng.choice(titles), rng, place=locality(unit))
        sections = tk_sections(rng) if tk else gn_sections(rng)
        who = f"Ủy ban nhân dân {locality(unit)}" if by_ubnd else f"{SO_LONG} {locality(unit)}"
        opening = rng.choice((f"{who} báo cáo như sau:", f"Năm {YEAR}, trong bối cảnh còn nhiều khó khăn, {who} "
                              "đã tập trung chỉ đạo thực hiện các nhiệm vụ được giao; kết quả cụ thể như sau:"))
        headers: dict[str, str] = {}
        subject = _generic(rng.choice(GENERIC_SUBJECTS), unit, rng)
        filename = _generic(rng.choice(GENERIC_FILES), unit, rng)
        cover = False
        if evidence == "cites":
            cite = cite_text(campaign.letter, letter_date, about)
            opening = f"Thực hiện {cite}, {who} báo cáo như sau:"
            cover = rng.random() < 0.3
            if rng.random() < 0.5:
                subject = _maybe_plain(f"Báo cáo {_fill(rng.choice(short), rng)} - {so_name(unit)}", rng)
        elif evidence == "reply":
            headers["In_Reply_To"] = campaign.message_ids[0]
            if rng.random() < 0.5:
                headers["References"] = campaign.message_ids[0]
            subject = rng.choice(("Re: ", "RE: ", "TL: ")) + REQUEST_SUBJECTS[campaign.id]
            if rng.random() < 0.3:
                opening = "Sở báo cáo như sau:"
        elif evidence == "subject":
            title = None  # the file is a copy without its letterhead and title
            subject = _maybe_plain(rng.choice((
                f"Báo cáo {_fill(rng.choice(short), rng)} - {so_name(unit)}",
                f"Gửi báo cáo {_fill(rng.choice(short), rng)}", f"BC {_fill(rng.choice(short), rng)}",
            )), rng, 0.4)  # fmt: skip
            filename = tagged_file(rng.choice(tags), unit, rng)
            if rng.random() < 0.4:  # only the file name says it
                subject = _generic(rng.choice(GENERIC_SUBJECTS[:4]), unit, rng)
        blocks = ([] if title is None else letterhead_blocks(issuer, _number(by_ubnd, rng), dated, title))
        blocks += [para(opening), *sections, *closing_blocks(requester, by_ubnd, rng)]
        if cover:
            cite = cite_text(campaign.letter, letter_date, "đề nghị báo cáo")
            about_cover = f"báo cáo {_fill(rng.choice(short), rng)}"
            blocks = covering_letter_blocks(unit, about_cover, cite, dated, rng) + blocks
        drafts.append(Draft(
            f"{campaign.id}-{unit.code}-{evidence}", f"{campaign.id}_{evidence}", campaign.id, "report", unit,
            campaign.id, False, sender(unit, locals_, contacts, rng), subject,
            _body(unit, requester, "báo cáo" if evidence == "title" else f"báo cáo {_fill(rng.choice(short), rng)}",
                  rng),
            Doc(blocks, *_file_stem(filename)), received, headers))  # fmt: skip
    return drafts


def other_drafts(topic: Topic, rng: random.Random, contacts: Mapping[str, list[str]], count: int) -> list[Draft]:
    """`count` reports on `topic` from as many units, sent in the campaigns' weeks."""
    drafts = []
    for index, unit in enumerate(rng.sample(builtin("vn63").units, count)):
        received = _received(rng, date(2019, 11, 20), date(2019, 12, 31))
        dated = _dated(unit, received, rng)
        by_ubnd = rng.random() < 0.1
        issuer = ubnd_issuer(unit) if by_ubnd else so_issuer(unit)
        title = _fill(rng.choice(topic.titles), rng)
        who = f"Ủy ban nhân dân {locality(unit)}" if by_ubnd else f"{SO_LONG} {locality(unit)}"
        basis = index % 3  # 0: the ministry's letter, 1: a provincial instruction or a circular, 2: nothing
        if basis == 0:
            cite = cite_text(topic.letter, topic.letter_date, topic.letter_about)
            opening = f"Thực hiện {cite}, {who} báo cáo như sau:"
        elif basis == 1:
            opening = f"{_fill(rng.choice(topic.basis), rng)}, {who} báo cáo kết quả như sau:"
        else:
            opening = rng.choice((f"{who} báo cáo {title[0].lower()}{title[1:]} như sau:",
                                  f"Năm {YEAR}, {who} đã triển khai thực hiện các nhiệm vụ được giao; kết quả cụ thể "
                                  "như sau:"))  # fmt: skip
        headers: dict[str, str] = {}
        style = index % 4  # 0, 1: names the topic; 2: generic subject and file name; 3: a reply or a plain subject
        short = _fill(rng.choice(topic.short), rng)
        subject = _maybe_plain(rng.choice((f"Báo cáo {short}", f"V/v báo cáo {short}", f"{so_name(unit)} gửi báo "
                                           f"cáo {short}", f"BC {short} - {unit.name}")), rng)  # fmt: skip
        filename = tagged_file(rng.choice(topic.tags), unit, rng)
        if style == 2:
            subject = _generic(rng.choice(GENERIC_SUBJECTS), unit, rng)
            filename = _generic(rng.choice(GENERIC_FILES), unit, rng)
        elif style == 3 and index % 8 == 3:  # a reply to the ministry's own request for this report
            headers["In_Reply_To"] = topic.request_id
            subject = f"Re: Đề nghị {topic.letter_about}"
        blocks = [*letterhead_blocks(issuer, _number(by_ubnd, rng), dated, title), para(opening),
                  *topic_sections(topic, rng), *closing_blocks(topic.requester, by_ubnd, rng)]
        if index % 11 == 5:  # sent under a covering letter
            blocks = covering_letter_blocks(unit, f"báo cáo {short}", None, dated, rng) + blocks
        drafts.append(Draft(
            f"other-{topic.key}-{unit.code}-{index}", f"other_{topic.key}", topic.key, "other_report", unit, None,
            False, sender(unit, topic.locals_, contacts, rng), subject,
            _body(unit, topic.requester, f"báo cáo {short}" if style != 2 else "báo cáo", rng),
            Doc(blocks, *_file_stem(filename)), received, headers))  # fmt: skip
    return drafts


def ambiguous_drafts(rng: random.Random, contacts: Mapping[str, list[str]]) -> list[Draft]:
    """Reports a careful planner could hesitate over: review or the label are both right for them."""
    units = builtin("vn63").units
    specs = (
        # (family, topic, kind, campaign, count, titles, requester, locals)
        ("gn2019_poverty_work", "gn2019", "report", "gn2019", 4,
         ("Kết quả thực hiện công tác giảm nghèo năm {y}, kế hoạch năm {y1}",
          "Tình hình thực hiện công tác giảm nghèo năm {y} và nhiệm vụ năm {y1}"),
         GN_TOPIC.requester, GN_TOPIC.locals_),
        ("tk2019_resolution", "tk2019", "report", "tk2019", 3,
         ("Kết quả thực hiện Nghị quyết của Hội đồng nhân dân tỉnh về nhiệm vụ phát triển kinh tế - xã hội năm {y} "
          "lĩnh vực lao động, người có công và xã hội; nhiệm vụ năm {y1}",),
         "Vụ Kế hoạch - Tài chính", ("vanphong", "phongkhtc")),
        ("other_vocational_yearend", "vocational", "other_report", None, 3,
         ("Kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y1} lĩnh vực giáo dục nghề nghiệp",),
         "Tổng cục Giáo dục nghề nghiệp", ("phonggdnn",)),
    )  # fmt: skip
    drafts = []
    for family, topic_key, kind, campaign, count, titles, requester, locals_ in specs:
        topic = GN_TOPIC if topic_key == "gn2019" else OTHER_TOPICS.get(topic_key)
        for index, unit in enumerate(rng.sample(units, count)):
            received = _received(rng, date(2019, 11, 25), date(2019, 12, 20))
            dated = _dated(unit, received, rng)
            title = _fill(rng.choice(titles), rng)
            if topic_key == "gn2019":
                sections = gn_sections(rng)
            elif topic_key == "tk2019":
                sections = tk_sections(rng)
            else:
                sections = topic_sections(topic, rng)
            blocks = [*letterhead_blocks(so_issuer(unit), _number(False, rng), dated, title),
                      para(f"{SO_LONG} {locality(unit)} báo cáo như sau:"), *sections,
                      *closing_blocks(requester, False, rng)]  # fmt: skip
            subject = rng.choice((f"Báo cáo {title[0].lower()}{title[1:]}", _generic(GENERIC_SUBJECTS[5], unit, rng)))
            drafts.append(Draft(
                f"{family}-{unit.code}-{index}", family, topic_key, kind, unit, campaign, True,
                sender(unit, locals_, contacts, rng), _maybe_plain(subject, rng),
                _body(unit, requester, "báo cáo", rng),
                Doc(blocks, f"BC {YEAR} {plain(unit.name)}", "docx"), received, {}))  # fmt: skip
    return drafts


# --- Real files ------------------------------------------------------------------------------------
def docx_bytes(blocks: list[Block]) -> bytes:
    """The blocks as a Word file: tables as borderless tables, bold paragraphs in bold runs."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(13)
    for block in blocks:
        if block.table is not None:
            rows = block.table.rows
            grid = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    grid.cell(r, c).text = text
        elif block.kind == BlockKind.HEADING:
            document.add_heading(block.text, level=block.level or 1)
        else:
            run = document.add_paragraph().add_run(block.text)
            run.bold = block.bold
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(blocks: list[Block]) -> bytes:
    """The blocks as a text PDF (fpdf2, DejaVu Sans): a table's cells side by side, paragraphs wrapped."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_font("DejaVu", "B", str(DEJAVU_BOLD))
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for block in blocks:
        if block.table is not None:
            pdf.set_font("DejaVu", "B", 10)
            for row in block.table.rows:
                top, bottom = pdf.get_y(), pdf.get_y()
                column = width / len(row)
                for c, text in enumerate(row):
                    pdf.set_xy(pdf.l_margin + c * column, top)
                    pdf.multi_cell(column - 4, 5, text.replace("-------", "").replace("---------------", "").strip(),
                                   align="C", new_x="LMARGIN", new_y="NEXT")  # fmt: skip
                    bottom = max(bottom, pdf.get_y())
                pdf.set_y(bottom + 2)
            pdf.ln(3)
        else:
            pdf.set_font("DejaVu", "B" if block.bold or block.kind == BlockKind.HEADING else "", 11)
            pdf.multi_cell(0, 6, block.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())


def pdf_font_available() -> bool:
    """Whether the Vietnamese TrueType font is there; in CI its absence is an error, not a skip."""
    if DEJAVU.is_file() and DEJAVU_BOLD.is_file():
        return True
    if os.environ.get("CI"):
        raise RuntimeError(f"{DEJAVU} is missing: install Debian's fonts-dejavu-core (the topic set's PDFs need it)")
    return False


def _read(data: bytes, filename: str, kind: str) -> Analysis:
    from parsers.documents.read import read_document

    document = read_document(data, filename, kind)
    if document.error:
        raise RuntimeError(f"{filename}: {document.error} {document.detail}")
    return split_document(document)


# --- The set -------------------------------------------------------------------------------------------
OTHER_PER_TOPIC = 12


def build_topic_cases(seed: int = 2019, real_docx: int = REAL_DOCX, real_pdf: int = REAL_PDF) -> list[TopicCase]:
    """The labelled set, in a fixed order, the same for the same seed. Without the PDF font (and no CI
    variable) the PDF share is left as block lists."""
    rng = random.Random(seed)
    units = builtin("vn63").units
    contacts = build_contacts(units, rng)
    drafts = [*campaign_drafts(TK2019, rng, contacts), *campaign_drafts(GN2019, rng, contacts)]
    for topic in OTHER_TOPICS.values():
        drafts += other_drafts(topic, rng, contacts, OTHER_PER_TOPIC)
    drafts += ambiguous_drafts(rng, contacts)
    # Real files: half among the campaigns' reports, half among the others.
    reports = [i for i, d in enumerate(drafts) if d.kind == "report" and not d.ambiguous]
    others = [i for i, d in enumerate(drafts) if d.kind == "other_report" and not d.ambiguous]
    chosen = rng.sample(reports, (real_docx + real_pdf) // 2) + rng.sample(others, (real_docx + real_pdf + 1) // 2)
    rng.shuffle(chosen)
    sources = {i: "docx" for i in chosen[:real_docx]}
    if pdf_font_available():
        sources |= {i: "pdf" for i in chosen[real_docx:real_docx + real_pdf]}
    cases = []
    for index, draft in enumerate(drafts):
        source = sources.get(index, "blocks")
        ext = {"blocks": draft.doc.ext, "docx": "docx", "pdf": "pdf"}[source]
        filename = f"{draft.doc.stem}.{ext}"
        if source == "docx":
            result = _read(docx_bytes(draft.doc.blocks), filename, "docx")
        elif source == "pdf":
            result = _read(pdf_bytes(draft.doc.blocks), filename, "pdf")
        else:
            result = analysis(draft.doc.blocks, filename)
        headers = {k: v for k, v in draft.headers.items() if v}
        parsed = compose(draft.sender, draft.subject, draft.body, (filename,), draft.received, **headers)
        cases.append(TopicCase(draft.name, draft.family, draft.topic, draft.kind, parsed, ((filename, result),),
                               draft.received, draft.unit.code, draft.campaign, draft.ambiguous, source, contacts))
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    return cases


@functools.cache
def cached_topic_cases(seed: int = 2019) -> tuple[TopicCase, ...]:
    """build_topic_cases once per process (a test session, a bench run)."""
    return tuple(build_topic_cases(seed))


# --- Identification and scoring -------------------------------------------------------------------------
def identify_topic_case(case: TopicCase):
    from parsers.identify import facts_from, identify

    return identify(facts_from(case.parsed, list(case.analyses), case.received_at), CAMPAIGNS, contacts=case.contacts)


def counted(result) -> bool:
    """Whether identification counts the message as a report for a campaign: a submission, accepted, a
    campaign set, and not an other-subject report (`report_kind`, once Identification has it; until
    then reason "other_report")."""
    return (
        result.kind == "submission"
        and result.state == "accepted"
        and result.campaign is not None
        and getattr(result, "report_kind", "report") != "other_report"
        and result.reason != "other_report"
    )


def outcome(case: TopicCase, result) -> str:
    """One word per case: right | review | wrong_campaign | wrong_unit | counted_other | missed | ok_other."""
    if result.state == "needs_review":
        return "review"
    if case.kind == "report":
        if not counted(result):
            return "missed"
        if result.campaign != case.campaign:
            return "wrong_campaign"
        return "right" if result.unit == case.unit else "wrong_unit"
    return "counted_other" if counted(result) else "ok_other"


@dataclass(frozen=True)
class TopicScore:
    cases: int
    reports: int  # unambiguous reports of a campaign
    reports_right: int  # accepted for the right unit and campaign, no review
    others: int  # unambiguous other-subject reports
    others_counted: tuple[str, ...]  # must be empty
    others_review: int
    wrong_campaign: tuple[str, ...]  # any case counted for a campaign it does not answer (not None)
    ambiguous: int
    ambiguous_wrong: tuple[str, ...]  # ambiguous cases neither in review nor as labelled

    @property
    def report_recall(self) -> float:
        return self.reports_right / self.reports if self.reports else 1.0

    @property
    def other_review_share(self) -> float:
        return self.others_review / self.others if self.others else 0.0


def topic_score(cases: list[TopicCase], results: list) -> TopicScore:
    pairs = list(zip(cases, results, strict=True))
    plain_pairs = [(c, r) for c, r in pairs if not c.ambiguous]
    reports = [(c, r) for c, r in plain_pairs if c.kind == "report"]
    others = [(c, r) for c, r in plain_pairs if c.kind == "other_report"]
    ambiguous = [(c, r) for c, r in pairs if c.ambiguous]
    return TopicScore(
        cases=len(cases), reports=len(reports),
        reports_right=sum(outcome(c, r) == "right" for c, r in reports),
        others=len(others), others_counted=tuple(c.name for c, r in others if counted(r)),
        others_review=sum(r.state == "needs_review" for _, r in others),
        wrong_campaign=tuple(c.name for c, r in pairs
                             if counted(r) and c.campaign is not None and r.campaign != c.campaign),
        ambiguous=len(ambiguous),
        ambiguous_wrong=tuple(c.name for c, r in ambiguous if outcome(c, r) not in ("review", "right", "ok_other")),
    )  # fmt: skip


OUTCOMES = ("right", "review", "missed", "wrong_campaign", "wrong_unit", "ok_other", "counted_other")


def topic_table(cases: list[TopicCase], results: list) -> str:
    """Per family: how many cases ended in each outcome; then the figures the test checks."""
    families = list(dict.fromkeys(c.family for c in cases))
    head = f"{'family':<26}{'kind':<8}{'cases':>6}" + "".join(f"{o:>15}" for o in OUTCOMES)
    lines = [head]
    for family in families:
        rows = [(c, r) for c, r in zip(cases, results) if c.family == family]
        counts = Counter(outcome(c, r) for c, r in rows)
        kind = "report" if rows[0][0].kind == "report" else "other"
        mark = "*" if rows[0][0].ambiguous else ""
        cells = "".join(f"{counts[o] or '':>15}" for o in OUTCOMES)
        lines.append(f"{family + mark:<26}{kind:<8}{len(rows):>6}{cells}")
    total = Counter(outcome(c, r) for c, r in zip(cases, results))
    lines.append(f"{'all':<26}{'':<8}{len(cases):>6}" + "".join(f"{total[o] or '':>15}" for o in OUTCOMES))
    s = topic_score(cases, results)
    sources = Counter(c.source for c in cases)
    lines += [
        "(* ambiguous: review or the label are both right)",
        f"files: {sources['blocks']} block lists, {sources['docx']} real .docx, {sources['pdf']} real PDFs",
        f"campaign reports accepted for the right unit and campaign: {s.reports_right}/{s.reports} "
        f"({s.report_recall:.1%})",
        f"other-subject reports counted for a campaign: {len(s.others_counted)}/{s.others}; sent to review: "
        f"{s.others_review}/{s.others} ({s.other_review_share:.1%})",
        f"counted for the wrong campaign: {len(s.wrong_campaign)}; ambiguous neither in review nor as labelled: "
        f"{len(s.ambiguous_wrong)}/{s.ambiguous}",
    ]  # fmt: skip
    return "\n".join(lines)
