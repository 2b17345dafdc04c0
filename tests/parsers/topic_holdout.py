"""A held-out, hand-labelled set of report titles for judging which request a report answers.

Written blind (without reading parsers.topics, parsers.identify or their own corpus), the way provincial
Sở LĐTBXH / UBND tỉnh documents are titled. Each `Entry` is one report sent to the ministry's planning
department in the weeks of the 2019 year-end campaign (or, for the other-period ones, at a plausible
time of the year):

- `title`: what stands under "BÁO CÁO" on the document;
- `subject`: the e-mail's subject;
- `filename`: the attachment's name;
- `label`: "year_end" (the sector-wide year-end report asked for by Công văn 5025/LĐTBXH-KHTC:
  "V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 lĩnh vực
  lao động, người có công và xã hội"), "other" (a report on one programme, another period or another
  request) or "ambiguous" (a careful planner would hesitate);
- `note`: why, in a short English phrase.

`when(entry)` gives the letterhead's date and the time the message was received: 12 and 10 December 2019
unless the note names another period or an event with its own season (Tết, 27/7, COVID-19).
Used by tests/parsers/test_topic_holdout.py; the maintainers set thresholds after looking.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import NamedTuple


class Entry(NamedTuple):
    title: str
    subject: str
    filename: str
    label: str  # "year_end" | "other" | "ambiguous"
    note: str


LABELS = ("year_end", "other", "ambiguous")

REQUEST_SUBJECT = (
    "V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 "
    "lĩnh vực lao động, người có công và xã hội"
)
RE_REQUEST = "Re: " + REQUEST_SUBJECT

# --- year_end: the sector-wide year-end report for 2019 -----------------------------------------------
_GENERAL = "general year-end, no sector named"
_FULL = "sector named: lao động, người có công và xã hội"
_LDTBXH = "sector named: Lao động - Thương binh và Xã hội"
_ABBR = "sector abbreviated (LĐTBXH, LĐ-TBXH, LĐTB&XH)"
_NGANH = "sector as 'ngành', no name"
_WORDING = "mirrors the request's wording"
_NODIA = "typed without diacritics"
_CAPS = "all capitals"
_MENTIONS = "long title mentioning programmes"
_FIELDS = "enumerates the sector's fields"
_PROVINCE = "UBND tỉnh's report on the sector"
_CITES = "cites the request letter"
_KTXH = "sector's socio-economic plan results"

YEAR_END = [
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Gửi báo cáo", "BC tong ket 2019.docx", "year_end", _GENERAL),
    Entry("Tổng kết công tác năm 2019 và phương hướng, nhiệm vụ trọng tâm năm 2020",
          "Báo cáo tổng kết năm 2019", "BC TK 2019.docx", "year_end", _GENERAL),
    Entry("Tổng kết công tác lao động, người có công và xã hội năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Sở LĐTBXH Quảng Ninh gửi báo cáo tổng kết năm 2019", "1234-BC-SLDTBXH.pdf", "year_end", _FULL),
    Entry("Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 lĩnh vực lao "
          "động, người có công và xã hội", RE_REQUEST, "BC 5025.docx", "year_end", _WORDING),
    Entry("Kết quả thực hiện công tác Lao động - Thương binh và Xã hội năm 2019, phương hướng nhiệm vụ năm 2020",
          "Báo cáo năm 2019", "Bao cao nam 2019.doc", "year_end", _LDTBXH),
    Entry("Tổng kết công tác ngành Lao động - Thương binh và Xã hội năm 2019 và triển khai nhiệm vụ năm 2020",
          "Gui bao cao tong ket nganh", "TK nganh 2019.docx", "year_end", _LDTBXH),
    Entry("Tình hình thực hiện kế hoạch năm 2019 và kế hoạch năm 2020 của ngành LĐTBXH",
          "BC tình hình thực hiện KH 2019, KH 2020", "KH2020.docx", "year_end", _ABBR),
    Entry("Kết quả công tác năm 2019, nhiệm vụ và giải pháp năm 2020 ngành LĐ-TBXH",
          "Fwd: Báo cáo số 1234/BC-SLĐTBXH", "1234.signed.pdf", "year_end", _ABBR),
    Entry("Tong ket cong tac nam 2019 va phuong huong nhiem vu nam 2020",
          "bao cao tong ket", "bctk2019.doc", "year_end", _NODIA),
    Entry("Danh gia tinh hinh thuc hien nam 2019; nhiem vu, giai phap nam 2020 linh vuc lao dong, nguoi co cong "
          "va xa hoi", "Re: V/v danh gia tinh hinh thuc hien nam 2019; nhiem vu, giai phap nam 2020",
          "BC_QN_2019.docx", "year_end", _NODIA),
    Entry("KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019, PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2020",
          "BÁO CÁO NĂM 2019", "BC.pdf", "year_end", _CAPS),
    Entry("TỔNG KẾT CÔNG TÁC LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI NĂM 2019 VÀ NHIỆM VỤ, GIẢI PHÁP NĂM 2020",
          "Gửi báo cáo", "Scan_20191211.pdf", "year_end", _CAPS),
    Entry("Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019 và kế hoạch năm 2020 lĩnh vực lao động, người có công "
          "và xã hội", "Báo cáo kết quả năm 2019, kế hoạch năm 2020", "BC KQ 2019 KH 2020.docx", "year_end", _FULL),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019 và kế hoạch năm 2020 lĩnh vực lao động, người có công và xã hội "
          "trên địa bàn tỉnh", "UBND tỉnh Quảng Ninh gửi báo cáo", "BC UBND tinh 2019.pdf", "year_end", _PROVINCE),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng nhiệm vụ năm 2020 ngành Lao động - Thương binh và "
          "Xã hội tỉnh Quảng Ninh", "Quảng Ninh - báo cáo năm 2019", "QuangNinh_BC2019.pdf", "year_end", _LDTBXH),
    Entry("Tổng kết công tác năm 2019, triển khai kế hoạch công tác năm 2020",
          "Gửi Phòng Kế hoạch báo cáo tổng kết", "TK2019-KH2020.docx", "year_end", _GENERAL),
    Entry("Kết quả công tác lao động, người có công và xã hội năm 2019, trong đó có công tác giảm nghèo, giải "
          "quyết việc làm, chăm sóc người có công; phương hướng, nhiệm vụ năm 2020",
          "Gửi báo cáo", "bao cao 2019.docx", "year_end", _MENTIONS),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 về lao động, việc làm, giáo dục nghề nghiệp, người có công, giảm "
          "nghèo, bảo trợ xã hội, trẻ em, bình đẳng giới và phòng, chống tệ nạn xã hội; phương hướng, nhiệm vụ năm "
          "2020", "Báo cáo tổng kết năm 2019 và nhiệm vụ năm 2020", "BC tong ket.docx", "year_end", _FIELDS),
    Entry("Đánh giá kết quả thực hiện năm 2019, nhiệm vụ giải pháp năm 2020 ngành lao động - thương binh và xã hội",
          "Re: Công văn 5025/LĐTBXH-KHTC", "BC danh gia 2019.docx", "year_end", _CITES),
    Entry("Tình hình thực hiện kế hoạch phát triển kinh tế - xã hội năm 2019 và kế hoạch năm 2020 lĩnh vực lao "
          "động, người có công và xã hội", "Báo cáo KT-XH 2019 lĩnh vực LĐTBXH", "KTXH 2019.docx", "year_end",
          _KTXH),
    Entry("Kết quả thực hiện nhiệm vụ chính trị năm 2019; phương hướng, nhiệm vụ năm 2020 của Sở Lao động - "
          "Thương binh và Xã hội", "Gửi báo cáo", "BC nhiem vu chinh tri 2019.docx", "year_end", _LDTBXH),
    Entry("Công tác lao động, người có công và xã hội năm 2019 và nhiệm vụ năm 2020",
          "bao cao nam", "baocao.docx", "year_end", _FULL),
    Entry("Kết quả công tác năm 2019 và chương trình công tác năm 2020 ngành LĐTBXH",
          "Báo cáo ngành LĐTBXH năm 2019", "BC nganh 2019.pdf", "year_end", _ABBR),
    Entry("Đánh giá tình hình thực hiện năm 2019, nhiệm vụ, giải pháp năm 2020 (theo Công văn số 5025/LĐTBXH-KHTC "
          "ngày 25/11/2019 của Bộ Lao động - Thương binh và Xã hội)", "Gửi báo cáo theo CV 5025",
          "BC theo CV 5025.docx", "year_end", _CITES),
    Entry("Tổng kết thực hiện nhiệm vụ năm 2019 và kế hoạch năm 2020 của ngành",
          "Báo cáo tổng kết", "Tong ket 2019.docx", "year_end", _NGANH),
    Entry("Kết quả thực hiện kế hoạch năm 2019; mục tiêu, nhiệm vụ và giải pháp chủ yếu năm 2020 lĩnh vực "
          "LĐ-TB&XH", "Gửi báo cáo năm", "BC 1234.pdf", "year_end", _ABBR),
    Entry("Tình hình thực hiện các chỉ tiêu, nhiệm vụ lĩnh vực Lao động - Thương binh và Xã hội năm 2019; phương "
          "hướng, nhiệm vụ năm 2020", "V/v báo cáo tình hình thực hiện năm 2019", "BC chi tieu 2019.docx",
          "year_end", _LDTBXH),
    Entry("Kết quả thực hiện công tác năm 2019 và phương hướng, nhiệm vụ, giải pháp năm 2020",
          "Sở LĐ-TB&XH Quảng Ninh báo cáo", "1234_BC_SLDTBXH_signed.pdf", "year_end", _GENERAL),
    Entry("Ket qua thuc hien nhiem vu nam 2019 va phuong huong nhiem vu nam 2020 nganh LDTBXH",
          "gui bao cao nam 2019", "BC nganh LDTBXH 2019.doc", "year_end", _NODIA),
    Entry("Tinh hinh thuc hien ke hoach nam 2019 va ke hoach nam 2020 linh vuc lao dong - thuong binh va xa hoi",
          "BC tinh hinh thuc hien ke hoach 2019", "BCKH2019.docx", "year_end", _NODIA),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng năm 2020 của ngành Lao động - Thương binh và Xã hội "
          "tỉnh", "", "BC2019.docx", "year_end", _LDTBXH),
    Entry("Kết quả công tác năm 2019 và phương hướng nhiệm vụ năm 2020",
          "Báo cáo kết quả công tác năm 2019", "ket qua cong tac 2019.docx", "year_end", _GENERAL),
    Entry("Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
          RE_REQUEST, "Danh gia 2019 - giai phap 2020.docx", "year_end", _WORDING),
    Entry("Kết quả thực hiện năm 2019, nhiệm vụ, giải pháp năm 2020 lĩnh vực lao động, người có công và xã hội, "
          "trong đó tập trung đánh giá công tác giảm nghèo bền vững, giáo dục nghề nghiệp và chăm sóc người có công",
          "Gửi báo cáo năm 2019", "BC 2019 (ban ky).pdf", "year_end", _MENTIONS),
    Entry("Tổng kết công tác năm 2019 của ngành Lao động - Thương binh và Xã hội, trong đó có kết quả thực hiện "
          "Chương trình mục tiêu quốc gia giảm nghèo bền vững và Chương trình mục tiêu giáo dục nghề nghiệp - việc "
          "làm và an toàn lao động; phương hướng, nhiệm vụ năm 2020", "Báo cáo tổng kết ngành năm 2019",
          "BCTK nganh 2019.docx", "year_end", _MENTIONS),
    Entry("Kết quả thực hiện nhiệm vụ công tác lao động, người có công và xã hội năm 2019 và kế hoạch năm 2020",
          "Kính gửi Vụ KHTC", "KQ 2019 KH 2020.docx", "year_end", _FULL),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019, phương hướng nhiệm vụ năm 2020 ngành lao động, thương binh và xã "
          "hội", "Báo cáo tình hình thực hiện nhiệm vụ năm 2019", "BC tinh hinh 2019.docx", "year_end", _LDTBXH),
    Entry("Tổng kết năm 2019 và kế hoạch năm 2020", "BC tổng kết 2019 - KH 2020", "tk19kh20.docx", "year_end",
          _GENERAL),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và kế hoạch năm 2020 của Sở Lao động - Thương binh và Xã hội tỉnh "
          "Quảng Ninh", "SLĐTBXH QN gửi báo cáo", "SLDTBXH_QN_BC2019.pdf", "year_end", _LDTBXH),
    Entry("Báo cáo đánh giá tình hình thực hiện năm 2019 và xây dựng kế hoạch năm 2020 lĩnh vực lao động, người có "
          "công và xã hội", "Báo cáo đánh giá năm 2019", "BC danh gia nam 2019.docx", "year_end", _FULL),
    Entry("Tổng kết công tác LĐTBXH năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Gửi báo cáo tổng kết LĐTBXH 2019", "TK LDTBXH 2019.docx", "year_end", _ABBR),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019; mục tiêu, nhiệm vụ và giải pháp năm 2020",
          "Gửi báo cáo", "KQ NV 2019.pdf", "year_end", _GENERAL),
    Entry("Kết quả công tác lao động, người có công và xã hội năm 2019; mục tiêu, nhiệm vụ, giải pháp năm 2020",
          "Quảng Ninh gửi báo cáo năm 2019 (theo CV 5025/LĐTBXH-KHTC)", "BC2019_QN.docx", "year_end", _CITES),
    Entry("Tổng kết công tác năm 2019 và phương hướng, nhiệm vụ năm 2020 của ngành Lao động - Thương binh và Xã hội",
          "Báo cáo tổng kết công tác năm 2019", "Bao cao tong ket nam 2019.docx", "year_end", _LDTBXH),
    Entry("Tình hình thực hiện kế hoạch năm 2019, dự kiến kế hoạch năm 2020 ngành LĐTBXH",
          "Báo cáo KH 2020", "BC KH 2019-2020.xlsx", "year_end", _ABBR),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ, giải pháp năm 2020 lĩnh vực lao động, "
          "người có công và xã hội", "Fwd: gửi báo cáo năm", "BC nam 2019 Quang Ninh.docx", "year_end", _FULL),
    Entry("TỔNG KẾT CÔNG TÁC NĂM 2019, PHƯƠNG HƯỚNG NHIỆM VỤ NĂM 2020", "TỔNG KẾT NĂM 2019",
          "TONG KET 2019.DOC", "year_end", _CAPS),
    Entry("ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN NĂM 2019; NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN KẾ HOẠCH NĂM 2020 LĨNH VỰC LAO "
          "ĐỘNG, NGƯỜI CÓ CÔNG VÀ XÃ HỘI", "Gửi báo cáo", "BC-5025.pdf", "year_end", _CAPS),
    Entry("Kết quả thực hiện kế hoạch phát triển kinh tế - xã hội năm 2019 ngành Lao động - Thương binh và Xã hội; "
          "kế hoạch năm 2020", "Báo cáo kết quả năm 2019", "KTXH nganh 2019.docx", "year_end", _KTXH),
    Entry("Kết quả thực hiện các mục tiêu, chỉ tiêu, nhiệm vụ năm 2019 và kế hoạch năm 2020 ngành LĐTBXH",
          "Re: đề nghị báo cáo năm 2019", "BC chi tieu nhiem vu 2019.docx", "year_end", _ABBR),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Báo cáo tình hình thực hiện nhiệm vụ năm 2019", "Tinh hinh thuc hien NV 2019.pdf", "year_end", _GENERAL),
    Entry("Kết quả thực hiện công tác lao động, người có công và xã hội năm 2019; phương hướng, nhiệm vụ và giải "
          "pháp năm 2020, trong đó nêu rõ kết quả giải quyết việc làm, đào tạo nghề, giảm nghèo, thực hiện chính "
          "sách người có công và bảo trợ xã hội", "Gửi báo cáo", "bc 2019 day du.docx", "year_end", _MENTIONS),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020 về lao động, việc làm, giáo dục "
          "nghề nghiệp, người có công, giảm nghèo và an sinh xã hội", "BC nam 2019 va KH 2020",
          "BC-2019-KH-2020.docx", "year_end", _FIELDS),
    Entry("Tổng kết công tác năm 2019 và nhiệm vụ năm 2020 ngành Lao động - Thương binh và Xã hội Quảng Ninh",
          "Báo cáo tổng kết ngành năm 2019", "TK2019 nganh LDTBXH QN.pdf", "year_end", _LDTBXH),
    Entry("Đánh giá tình hình thực hiện năm 2019 và nhiệm vụ, giải pháp năm 2020 lĩnh vực LĐ-TBXH",
          "Re: V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
          "danh gia 2019.docx", "year_end", _WORDING),
    Entry("Kết quả thực hiện nhiệm vụ lao động, người có công và xã hội năm 2019, kế hoạch năm 2020",
          "Báo cáo năm 2019 - Sở LĐTBXH Quảng Ninh", "QN-BC-2019.docx", "year_end", _FULL),
    Entry("Tình hình thực hiện kế hoạch năm 2019 và nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020",
          "Gửi báo cáo năm 2019", "BC tinh hinh KH 2019.pdf", "year_end", _GENERAL),
    Entry("Tong ket cong tac Lao dong - Thuong binh va Xa hoi nam 2019, nhiem vu nam 2020",
          "tong ket nam 2019", "TK_LDTBXH_2019.docx", "year_end", _NODIA),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020 của ngành",
          "Gửi Vụ Kế hoạch - Tài chính", "bc nganh.docx", "year_end", _NGANH),
    Entry("Tổng kết công tác năm 2019, phương hướng nhiệm vụ năm 2020 của Sở",
          "Báo cáo tổng kết năm", "BC TK Nam 2019 cua So.docx", "year_end", _GENERAL),
    Entry("Kết quả công tác lao động - thương binh và xã hội năm 2019 và phương hướng nhiệm vụ năm 2020",
          "Báo cáo", "bao cao.pdf", "year_end", _LDTBXH),
    Entry("Tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020 lĩnh vực lao động, người có công và xã hội",
          "Gửi báo cáo đánh giá năm 2019", "BC 2019.docx", "year_end", _WORDING),
    Entry("Tổng kết công tác Lao động - Thương binh và Xã hội năm 2019, triển khai nhiệm vụ năm 2020 trên địa bàn "
          "tỉnh Quảng Ninh", "UBND tỉnh gửi báo cáo tổng kết năm 2019", "BC UBND tinh - LDTBXH 2019.pdf",
          "year_end", _PROVINCE),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và nhiệm vụ trọng tâm năm 2020 ngành Lao động - Thương binh và Xã hội",
          "Gửi báo cáo", "BC nhiem vu trong tam 2020.docx", "year_end", _LDTBXH),
    Entry("Kết quả thực hiện kế hoạch năm 2019 và kế hoạch năm 2020 lĩnh vực lao động, người có công và xã hội",
          "Báo cáo thực hiện kế hoạch năm 2019", "KH 2019 va KH 2020.docx", "year_end", _FULL),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng nhiệm vụ năm 2020 (lĩnh vực lao động, người có công "
          "và xã hội)", "gửi báo cáo năm", "BC 2019 - PHNV 2020.docx", "year_end", _FULL),
    Entry("Tổng kết công tác năm 2019 ngành LĐTBXH và phương hướng, nhiệm vụ năm 2020",
          "Sở LĐTBXH tỉnh Quảng Ninh - Báo cáo tổng kết 2019", "1234-BC.pdf", "year_end", _ABBR),
    Entry("Kết quả thực hiện chương trình công tác năm 2019 và chương trình công tác năm 2020",
          "Gửi báo cáo năm 2019", "CTCT 2019 2020.docx", "year_end", _GENERAL),
    Entry("Báo cáo kết quả công tác năm 2019 và phương hướng, nhiệm vụ năm 2020 ngành lao động - thương binh và xã "
          "hội", "Re: V/v báo cáo năm 2019", "BC ngành 2019.docx", "year_end", _LDTBXH),
    Entry("Tình hình thực hiện nhiệm vụ lao động, người có công và xã hội năm 2019; phương hướng nhiệm vụ năm 2020",
          "Báo cáo lĩnh vực lao động, người có công và xã hội 2019", "LD NCC XH 2019.docx", "year_end", _FULL),
    Entry("Kết quả đạt được năm 2019, nhiệm vụ và giải pháp năm 2020",
          "Gửi báo cáo", "ket qua 2019 nhiem vu 2020.docx", "year_end", _GENERAL),
    Entry("KẾT QUẢ CÔNG TÁC LAO ĐỘNG, NGƯỜI CÓ CÔNG VÀ XÃ HỘI NĂM 2019; PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2020",
          "BC NĂM 2019", "BC NAM 2019.pdf", "year_end", _CAPS),
    Entry("Đánh giá tình hình thực hiện kế hoạch năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 của "
          "ngành Lao động - Thương binh và Xã hội", "Re: Đánh giá tình hình thực hiện năm 2019",
          "danh gia thuc hien KH 2019.docx", "year_end", _WORDING),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020 trên các lĩnh vực lao động, việc "
          "làm, người có công và an sinh xã hội", "Báo cáo năm 2019", "BC 2019 cac linh vuc.docx", "year_end",
          _FIELDS),
    Entry("Tổng kết công tác năm 2019 và phương hướng nhiệm vụ năm 2020 ngành Lao động - TBXH",
          "bc tong ket 2019 nganh LDTBXH", "BCTK2019.doc", "year_end", _ABBR),
    Entry("Danh gia ket qua thuc hien nhiem vu nam 2019 va ke hoach nam 2020",
          "Gui bao cao", "danhgia2019.doc", "year_end", _NODIA),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Báo cáo theo Công văn 5025/LĐTBXH-KHTC", "BC theo 5025.pdf", "year_end", _CITES),
    Entry("Kết quả thực hiện các chỉ tiêu kinh tế - xã hội năm 2019 thuộc lĩnh vực lao động, người có công và xã "
          "hội; mục tiêu, nhiệm vụ, giải pháp năm 2020", "Báo cáo chỉ tiêu năm 2019 và kế hoạch 2020",
          "Chi tieu KTXH LDTBXH 2019.docx", "year_end", _KTXH),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019, phương hướng, nhiệm vụ năm 2020 ngành Lao động - Thương binh và Xã "
          "hội tỉnh Quảng Ninh", "Gửi báo cáo", "Quang Ninh 2019.pdf", "year_end", _LDTBXH),
    Entry("Tổng kết công tác năm 2019; phương hướng, nhiệm vụ năm 2020", "Báo cáo tổng kết",
          "TongKet2019.docx", "year_end", _GENERAL),
    Entry("Kết quả công tác năm 2019, phương hướng nhiệm vụ năm 2020 lĩnh vực Lao động - Thương binh và Xã hội",
          "Báo cáo năm 2019 lĩnh vực LĐTBXH", "BC linh vuc LDTBXH 2019.docx", "year_end", _LDTBXH),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020 của ngành Lao động - Thương binh "
          "và Xã hội; trong đó có kết quả thực hiện chính sách ưu đãi người có công với cách mạng, giảm nghèo bền "
          "vững, giáo dục nghề nghiệp và bảo vệ, chăm sóc trẻ em", "Báo cáo tổng kết năm 2019",
          "BC tong ket nam 2019 (day du).docx", "year_end", _MENTIONS),
    Entry("Kết quả thực hiện năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Gửi báo cáo năm 2019 và phương hướng 2020", "BC2019-2020.docx", "year_end", _GENERAL),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019 và kế hoạch năm 2020 ngành LĐTB&XH",
          "Báo cáo ngành", "BC nganh LDTBXH.docx", "year_end", _ABBR),
    Entry("Tổng kết công tác năm 2019 và phương hướng, nhiệm vụ, giải pháp năm 2020 lĩnh vực lao động, người có "
          "công và xã hội", "Gửi báo cáo tổng kết 2019", "TK 2019 LD NCC XH.pdf", "year_end", _FULL),
    Entry("Báo cáo tổng kết công tác năm 2019, phương hướng nhiệm vụ công tác năm 2020",
          "Fw: Báo cáo tổng kết năm 2019", "BC_TK_2019.docx", "year_end", _GENERAL),
    Entry("Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020 lĩnh vực lao động, người có công "
          "và xã hội", "Gửi báo cáo", "1234 BC SLDTBXH 12.12.2019.pdf", "year_end", _WORDING),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019, phương hướng nhiệm vụ năm 2020 ngành lao động, người có công và xã "
          "hội", "Báo cáo kết quả thực hiện năm 2019", "BC KQ 2019.docx", "year_end", _FULL),
    Entry("Kết quả thực hiện kế hoạch năm 2019; kế hoạch năm 2020 của ngành",
          "BC ke hoach 2020", "bc kh nganh 2020.docx", "year_end", _NGANH),
    Entry("Tình hình thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2019 và kế hoạch năm 2020 lĩnh vực lao "
          "động - thương binh và xã hội", "Báo cáo tình hình KT-XH 2019", "KTXH LDTBXH.docx", "year_end", _KTXH),
    Entry("Kết quả công tác năm 2019; phương hướng, nhiệm vụ năm 2020 của Sở Lao động - Thương binh và Xã hội",
          "Sở LĐTBXH gửi báo cáo", "bao cao cong tac 2019.docx", "year_end", _LDTBXH),
    Entry("KET QUA THUC HIEN NHIEM VU NAM 2019 VA PHUONG HUONG NHIEM VU NAM 2020",
          "BAO CAO NAM 2019", "BC NAM 2019.DOC", "year_end", _NODIA),
    Entry("Kết quả thực hiện công tác năm 2019 và kế hoạch công tác năm 2020 ngành Lao động - Thương binh và Xã hội",
          "Gửi báo cáo kèm biểu", "BC 2019 kem bieu.zip", "year_end", _LDTBXH),
    Entry("Tổng kết công tác lao động, người có công và xã hội năm 2019 và triển khai nhiệm vụ năm 2020",
          "Báo cáo tổng kết năm 2019", "TK 2019 trien khai 2020.docx", "year_end", _FULL),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020 lĩnh vực lao động, người có công "
          "và xã hội, gồm: lao động - việc làm, giáo dục nghề nghiệp, người có công, giảm nghèo, bảo trợ xã hội, "
          "trẻ em, bình đẳng giới, phòng chống tệ nạn xã hội", "Báo cáo năm", "BC nam.docx", "year_end", _FIELDS),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019 và nhiệm vụ trọng tâm năm 2020",
          "Gửi báo cáo năm 2019", "NV trong tam 2020.pdf", "year_end", _GENERAL),
    Entry("Tổng kết công tác năm 2019 và phương hướng, nhiệm vụ năm 2020 ngành lao động - thương binh và xã hội",
          "[Quảng Ninh] Báo cáo tổng kết 2019", "QN TK 2019.docx", "year_end", _LDTBXH),
    Entry("Kết quả thực hiện kế hoạch năm 2019 và xây dựng kế hoạch năm 2020 lĩnh vực lao động, người có công và xã "
          "hội", "Re: V/v đánh giá tình hình thực hiện năm 2019", "BC KH 2019 QN.docx", "year_end", _FULL),
    Entry("Kết quả công tác năm 2019 và nhiệm vụ, giải pháp năm 2020", "BC 1234/BC-SLĐTBXH",
          "1234 BC.pdf", "year_end", _GENERAL),
    Entry("Tình hình thực hiện kế hoạch năm 2019 và kế hoạch năm 2020 lĩnh vực Lao động - Thương binh và Xã hội "
          "tỉnh Quảng Ninh", "UBND tỉnh Quảng Ninh báo cáo", "UBND QN - BC LDTBXH 2019.pdf", "year_end",
          _PROVINCE),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019, phương hướng nhiệm vụ năm 2020 của ngành LĐ-TB&XH",
          "bao cao tong ket", "BC TK nganh.doc", "year_end", _ABBR),
    Entry("Ket qua cong tac lao dong, nguoi co cong va xa hoi nam 2019; phuong huong, nhiem vu nam 2020",
          "Gui Vu KHTC bao cao", "KQ LDNCCXH 2019.docx", "year_end", _NODIA),
    Entry("Tổng kết công tác năm 2019 và phương hướng, nhiệm vụ năm 2020 (kèm theo biểu số liệu)",
          "Gửi báo cáo và biểu số liệu năm 2019", "BC TK 2019 + bieu.docx", "year_end", _GENERAL),
    Entry("Kết quả thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020 ngành Lao động - Thương binh và Xã hội, trong "
          "đó có công tác chăm sóc người có công, giảm nghèo và giải quyết việc làm",
          "Báo cáo năm 2019", "BC nam 2019 nganh.docx", "year_end", _MENTIONS),
    Entry("Tình hình thực hiện nhiệm vụ công tác năm 2019 và phương hướng năm 2020 lĩnh vực lao động, người có công "
          "và xã hội", "Kính gửi Bộ LĐTBXH", "BC 2019 LD-NCC-XH.docx", "year_end", _FULL),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng, nhiệm vụ năm 2020 của ngành Lao động - Thương binh "
          "và Xã hội", "Re: V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020",
          "bc 5025 QN.pdf", "year_end", _LDTBXH),
    Entry("Đánh giá kết quả năm 2019 và nhiệm vụ, giải pháp năm 2020", "Gửi báo cáo", "danh gia KQ 2019.docx",
          "year_end", _GENERAL),
    Entry("Tổng kết công tác năm 2019 của ngành và nhiệm vụ năm 2020", "Tổng kết ngành",
          "tk nganh 2019.pdf", "year_end", _NGANH),
    Entry("Kết quả thực hiện các nhiệm vụ lao động, người có công và xã hội năm 2019; mục tiêu, nhiệm vụ và giải "
          "pháp thực hiện kế hoạch năm 2020", "Báo cáo đánh giá năm 2019, kế hoạch 2020 (Quảng Ninh)",
          "QN_danh_gia_2019_KH_2020.docx", "year_end", _FULL),
    Entry("Tong ket cong tac nam 2019 nganh LDTBXH va phuong huong nhiem vu nam 2020",
          "bao cao tong ket nganh LDTBXH", "tk2019.docx", "year_end", _NODIA),
    Entry("Tình hình thực hiện kế hoạch năm 2019 và kế hoạch năm 2020",
          "Báo cáo tình hình thực hiện KH 2019, KH 2020", "BC KH.docx", "year_end", _GENERAL),
    Entry("Kết quả công tác Lao động - Thương binh và Xã hội năm 2019 và nhiệm vụ trọng tâm năm 2020",
          "Gửi báo cáo", "LDTBXH 2019.docx", "year_end", _LDTBXH),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019, phương hướng nhiệm vụ năm 2020 ngành LĐTBXH tỉnh Quảng Ninh",
          "Báo cáo năm 2019 của Sở LĐTBXH Quảng Ninh", "SLDTBXH-QN-2019.pdf", "year_end", _ABBR),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng nhiệm vụ năm 2020 lĩnh vực lao động, người có công "
          "và xã hội; đề xuất, kiến nghị", "Báo cáo tổng kết và kiến nghị", "BC va kien nghi 2019.docx",
          "year_end", _FULL),
    Entry("Tổng kết công tác năm 2019, nhiệm vụ và giải pháp năm 2020 lĩnh vực lao động, thương binh và xã hội "
          "trên địa bàn tỉnh", "UBND tỉnh gửi báo cáo", "BC UBND.pdf", "year_end", _PROVINCE),
    Entry("Đánh giá tình hình thực hiện năm 2019, nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020",
          "Re: V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020",
          "BC danh gia.docx", "year_end", _WORDING),
]  # fmt: skip

# --- other: one programme, another period, another request -------------------------------------------
_POV = "one programme: poverty reduction"
_CHILD = "one programme: children"
_VOC = "one programme: vocational training"
_MERIT = "one programme: people with meritorious services"
_MARTYR = "one programme: martyrs' graves and remains"
_SAFETY = "one programme: labour safety"
_EMPL = "one programme: employment"
_OVERSEAS = "one programme: overseas labour"
_SOCPROT = "one programme: social protection"
_DRUGS = "one programme: drug rehabilitation and social evils"
_GENDER = "one programme: gender equality"
_DISAB = "one programme: disability"
_ELDER = "one programme: elderly"
_CTMT = "targeted programme: vocational training-employment-labour safety"
_INSUR = "unemployment and social insurance"
_WAGES = "wages, Tết bonus and labour relations"
_TRAFF = "human trafficking victims"
_BUDGET = "budget estimate"
_SETTLE = "budget settlement"
_INVEST = "public investment"
_INSPECT = "inspection"
_COMPLAIN = "complaints and denunciations"
_ADMIN = "administrative reform"
_DIGITAL = "IT and digital transformation"
_EMUL = "emulation and rewards"
_CORRUPT = "anti-corruption"
_THRIFT = "thrift and anti-waste"
_STAFF = "personnel and organisation"
_STATS = "statistics"
_TET = "Tết care"
_JULY27 = "July 27 activities"
_COVID = "COVID support"
_HALF = "period: half-year 2019"
_MIDYEAR = "period: mid-year review and plan 2020 drafting"
_NINE = "period: 9 months 2019"
_Q1 = "period: Q1 2020"
_Q3 = "period: Q3 2019"
_ELEVEN = "period: 11 months 2019"
_FIVE = "period: 5-year 2016-2020"
_PREV = "period: year 2018 sent late"
_PARTY = "Party resolution or directive review"
_LAW = "review of a law or decree"
_CONF = "conference report"
_SURVEY = "survey or data collection"
_SUBUNIT = "a subordinate unit's own report"
_PARTYCELL = "Party committee or trade union of the department"
_LEGAL = "legal dissemination"
_NA = "for a National Assembly supervision"
_VOTERS = "answers to voters' petitions"
_ETHNIC = "ethnic minority policy"
_RELIEF = "hunger relief and disasters"
_RURAL = "new rural development"

OTHER = [
    # poverty
    Entry("Kết quả thực hiện công tác giảm nghèo năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Gửi báo cáo giảm nghèo năm 2019", "Bao cao giam ngheo 2019.docx", "other", _POV),
    Entry("Kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2019 và kế hoạch năm 2020",
          "Re: V/v báo cáo kết quả thực hiện Chương trình MTQG giảm nghèo bền vững năm 2019",
          "BC CTMTQG GNBV 2019.docx", "other", _POV),
    Entry("Tổng kết công tác giảm nghèo năm 2019, phương hướng nhiệm vụ năm 2020",
          "Gửi báo cáo", "TK giam ngheo 2019.pdf", "other", _POV),
    Entry("Kết quả rà soát hộ nghèo, hộ cận nghèo năm 2019 theo chuẩn nghèo tiếp cận đa chiều giai đoạn 2016-2020",
          "Báo cáo kết quả rà soát hộ nghèo năm 2019", "Ra soat ho ngheo 2019.xlsx", "other", _SURVEY),
    Entry("Tình hình thực hiện các chính sách giảm nghèo năm 2019 và đề xuất nhiệm vụ năm 2020",
          "bao cao giam ngheo", "chinh sach giam ngheo 2019.docx", "other", _POV),
    Entry("Ket qua thuc hien cong tac giam ngheo nam 2019", "gui bao cao giam ngheo", "BCGN2019.doc", "other",
          _POV),
    Entry("KẾT QUẢ THỰC HIỆN CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA GIẢM NGHÈO BỀN VỮNG NĂM 2019",
          "Báo cáo Chương trình MTQG giảm nghèo", "MTQG GNBV.pdf", "other", _POV),
    Entry("Tình hình thực hiện Chương trình 30a và Chương trình 135 năm 2019", "Báo cáo 30a, 135 năm 2019",
          "BC 30a 135.docx", "other", _POV),
    Entry("Kết quả thực hiện mục tiêu giảm nghèo bền vững năm 2019 lĩnh vực lao động, người có công và xã hội",
          "Gửi báo cáo giảm nghèo", "GNBV 2019.docx", "other", _POV),
    Entry("Kết quả thực hiện chính sách hỗ trợ hộ nghèo về nhà ở theo Quyết định số 33/2015/QĐ-TTg năm 2019",
          "Báo cáo hỗ trợ nhà ở hộ nghèo", "nha o ho ngheo 2019.docx", "other", _POV),
    # children
    Entry("Kết quả thực hiện công tác trẻ em năm 2019 và phương hướng nhiệm vụ năm 2020",
          "Gửi báo cáo công tác trẻ em", "BC tre em 2019.docx", "other", _CHILD),
    Entry("Tổng kết công tác bảo vệ, chăm sóc trẻ em năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Re: V/v báo cáo công tác trẻ em năm 2019", "TK tre em 2019.pdf", "other", _CHILD),
    Entry("Kết quả thực hiện Chương trình hành động vì trẻ em năm 2019", "Báo cáo trẻ em",
          "CTHD vi tre em 2019.docx", "other", _CHILD),
    Entry("Tổng kết Tháng hành động vì trẻ em năm 2019", "Gửi báo cáo tổng kết Tháng hành động vì trẻ em",
          "Thang hanh dong vi tre em 2019.docx", "other", _CHILD),
    Entry("Kết quả thực hiện Chương trình phòng ngừa, giảm thiểu lao động trẻ em năm 2019",
          "bao cao lao dong tre em", "LDTE 2019.doc", "other", _CHILD),
    Entry("Tình hình trẻ em bị xâm hại và kết quả công tác phòng, chống xâm hại trẻ em năm 2019",
          "Báo cáo phòng chống xâm hại trẻ em", "xam hai tre em 2019.docx", "other", _CHILD),
    Entry("Ket qua thuc hien cong tac bao ve, cham soc tre em nam 2019 va ke hoach nam 2020",
          "Gui bao cao tre em", "BC BVCSTE 2019.docx", "other", _CHILD),
    Entry("Kết quả thực hiện các chỉ tiêu về trẻ em năm 2019 và kế hoạch năm 2020 ngành Lao động - Thương binh và "
          "Xã hội", "Báo cáo chỉ tiêu trẻ em", "chi tieu tre em.xlsx", "other", _CHILD),
    # vocational training
    Entry("Kết quả công tác giáo dục nghề nghiệp năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Gửi báo cáo GDNN năm 2019", "BC GDNN 2019.docx", "other", _VOC),
    Entry("Kết quả thực hiện Đề án đào tạo nghề cho lao động nông thôn năm 2019 theo Quyết định số 1956/QĐ-TTg",
          "Báo cáo đào tạo nghề lao động nông thôn 2019", "De an 1956 nam 2019.docx", "other", _VOC),
    Entry("Tổng kết 10 năm thực hiện Đề án đào tạo nghề cho lao động nông thôn đến năm 2020",
          "Báo cáo tổng kết 10 năm Đề án 1956", "TK 10 nam 1956.docx", "other", _VOC),
    Entry("Tình hình tuyển sinh, đào tạo nghề năm 2019 và kế hoạch tuyển sinh năm 2020",
          "Báo cáo tuyển sinh GDNN", "tuyen sinh 2019.xlsx", "other", _VOC),
    Entry("Kết quả thực hiện công tác giáo dục nghề nghiệp năm 2019 lĩnh vực lao động - thương binh và xã hội",
          "Gửi báo cáo", "GDNN.docx", "other", _VOC),
    Entry("Kết quả sắp xếp, tổ chức lại các cơ sở giáo dục nghề nghiệp công lập năm 2019",
          "Báo cáo sắp xếp cơ sở GDNN", "sap xep co so GDNN.docx", "other", _VOC),
    Entry("Ket qua dao tao nghe nam 2019 va ke hoach nam 2020", "bao cao dao tao nghe", "daotaonghe2019.doc",
          "other", _VOC),
    # meritorious services
    Entry("Kết quả thực hiện chính sách ưu đãi người có công với cách mạng năm 2019 và kế hoạch năm 2020",
          "Báo cáo chính sách người có công năm 2019", "BC NCC 2019.docx", "other", _MERIT),
    Entry("Tổng kết công tác người có công năm 2019, phương hướng nhiệm vụ năm 2020",
          "Re: V/v báo cáo công tác người có công năm 2019", "TK NCC 2019.pdf", "other", _MERIT),
    Entry("Kết quả hỗ trợ người có công với cách mạng về nhà ở theo Quyết định số 22/2013/QĐ-TTg năm 2019",
          "Báo cáo hỗ trợ nhà ở người có công", "Nha o NCC QD22.docx", "other", _MERIT),
    Entry("Kết quả thực hiện Chỉ thị số 14-CT/TW ngày 19/7/2017 của Ban Bí thư về tiếp tục tăng cường sự lãnh đạo "
          "của Đảng đối với công tác người có công với cách mạng năm 2019", "Báo cáo Chỉ thị 14",
          "CT14 nam 2019.docx", "other", _PARTY),
    Entry("Tình hình giải quyết hồ sơ tồn đọng đề nghị xác nhận người có công năm 2019",
          "Báo cáo hồ sơ tồn đọng", "ho so ton dong NCC.docx", "other", _MERIT),
    Entry("Kết quả thực hiện chính sách ưu đãi đối với người có công năm 2019 lĩnh vực lao động, người có công và "
          "xã hội", "Gửi báo cáo", "uu dai NCC 2019.docx", "other", _MERIT),
    Entry("Kết quả chăm sóc, điều dưỡng người có công với cách mạng năm 2019",
          "Báo cáo điều dưỡng người có công", "dieu duong NCC 2019.docx", "other", _MERIT),
    Entry("Kết quả thực hiện công tác thương binh, liệt sĩ và người có công năm 2019; phương hướng, nhiệm vụ năm "
          "2020", "Báo cáo TBLS và NCC", "TBLS NCC 2019.docx", "other", _MERIT),
    Entry("Kết quả thực hiện chế độ ưu đãi cho người có công và thân nhân năm 2019",
          "Gửi báo cáo", "che do uu dai NCC.pdf", "other", _MERIT),
    Entry("Ket qua thuc hien chinh sach nguoi co cong nam 2019", "bao cao NCC", "NCC2019.doc", "other",
          _MERIT),
    Entry("Kết quả tìm kiếm, quy tập hài cốt liệt sĩ và xác định danh tính hài cốt liệt sĩ còn thiếu thông tin năm "
          "2019", "Báo cáo công tác mộ liệt sĩ", "hai cot liet si 2019.docx", "other", _MARTYR),
    Entry("Tình hình nâng cấp, tu bổ nghĩa trang liệt sĩ, công trình ghi công liệt sĩ năm 2019",
          "Báo cáo nghĩa trang liệt sĩ", "nghia trang LS.docx", "other", _MARTYR),
    # labour safety
    Entry("Tình hình tai nạn lao động năm 2019", "Báo cáo tai nạn lao động năm 2019", "TNLD 2019.docx", "other",
          _SAFETY),
    Entry("Kết quả công tác an toàn, vệ sinh lao động năm 2019 và kế hoạch năm 2020",
          "Gửi báo cáo ATVSLĐ", "ATVSLD 2019.docx", "other", _SAFETY),
    Entry("Tổng kết Tháng hành động về an toàn, vệ sinh lao động năm 2019", "BC Tháng hành động ATVSLĐ 2019",
          "Thang hanh dong ATVSLD.docx", "other", _SAFETY),
    Entry("Kết quả thực hiện Chương trình quốc gia về an toàn, vệ sinh lao động năm 2019",
          "Báo cáo chương trình ATVSLĐ", "CTQG ATVSLD 2019.pdf", "other", _SAFETY),
    Entry("Tinh hinh thuc hien cong tac an toan ve sinh lao dong nam 2019", "bao cao ATVSLD", "atvsld.doc",
          "other", _SAFETY),
    Entry("Tình hình kiểm định kỹ thuật an toàn lao động năm 2019", "Báo cáo kiểm định", "kiem dinh 2019.docx",
          "other", _SAFETY),
    # employment
    Entry("Kết quả giải quyết việc làm năm 2019 và kế hoạch năm 2020", "Báo cáo giải quyết việc làm",
          "GQVL 2019.docx", "other", _EMPL),
    Entry("Tình hình lao động, việc làm và thị trường lao động năm 2019", "Gửi báo cáo thị trường lao động",
          "thi truong lao dong 2019.docx", "other", _EMPL),
    Entry("Kết quả cho vay giải quyết việc làm từ Quỹ quốc gia về việc làm năm 2019",
          "Báo cáo cho vay GQVL", "quy viec lam 2019.xlsx", "other", _EMPL),
    Entry("Kết quả thực hiện công tác lao động - việc làm năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Re: V/v báo cáo công tác lao động, việc làm năm 2019", "lao dong viec lam 2019.docx", "other", _EMPL),
    Entry("Tình hình sử dụng lao động là người nước ngoài làm việc trên địa bàn tỉnh năm 2019",
          "Báo cáo lao động nước ngoài", "LD nuoc ngoai 2019.docx", "other", _EMPL),
    Entry("Kết quả hoạt động của Trung tâm Dịch vụ việc làm năm 2019", "Báo cáo TTDVVL",
          "TTDVVL 2019.pdf", "other", _SUBUNIT),
    # overseas labour
    Entry("Kết quả đưa người lao động đi làm việc ở nước ngoài theo hợp đồng năm 2019",
          "Báo cáo XKLĐ năm 2019", "XKLD 2019.docx", "other", _OVERSEAS),
    Entry("Tình hình người lao động đi làm việc ở nước ngoài theo hợp đồng năm 2019 và kế hoạch năm 2020",
          "Gửi báo cáo lao động đi làm việc ở nước ngoài", "lao dong ngoai nuoc.docx", "other", _OVERSEAS),
    Entry("Tình hình lao động đi làm việc tại Hàn Quốc theo Chương trình EPS hết hạn hợp đồng không về nước năm "
          "2019", "Báo cáo lao động EPS", "EPS 2019.docx", "other", _OVERSEAS),
    Entry("Ket qua dua lao dong di lam viec o nuoc ngoai nam 2019", "bao cao XKLD", "xkld.doc", "other",
          _OVERSEAS),
    # social protection
    Entry("Kết quả thực hiện chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội năm 2019",
          "Báo cáo bảo trợ xã hội năm 2019", "BTXH 2019.docx", "other", _SOCPROT),
    Entry("Tình hình thực hiện Nghị định số 136/2013/NĐ-CP về chính sách trợ giúp xã hội đối với đối tượng bảo trợ "
          "xã hội năm 2019", "Báo cáo NĐ 136", "ND136 nam 2019.docx", "other", _SOCPROT),
    Entry("Kết quả công tác bảo trợ xã hội năm 2019 và phương hướng nhiệm vụ năm 2020",
          "Gửi báo cáo BTXH", "BC BTXH.pdf", "other", _SOCPROT),
    Entry("Tình hình hoạt động của các cơ sở trợ giúp xã hội năm 2019", "Báo cáo cơ sở trợ giúp xã hội",
          "co so TGXH.docx", "other", _SOCPROT),
    Entry("Kết quả thực hiện Đề án phát triển nghề công tác xã hội năm 2019", "Báo cáo công tác xã hội",
          "CTXH 2019.docx", "other", _SOCPROT),
    Entry("Kết quả thực hiện công tác an sinh xã hội cho đối tượng bảo trợ xã hội năm 2019",
          "Gửi báo cáo", "an sinh BTXH.docx", "other", _SOCPROT),
    # drugs and social evils
    Entry("Kết quả công tác cai nghiện ma túy và quản lý sau cai nghiện năm 2019",
          "Báo cáo cai nghiện ma túy năm 2019", "cai nghien 2019.docx", "other", _DRUGS),
    Entry("Kết quả công tác phòng, chống tệ nạn xã hội năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Gửi báo cáo PCTNXH", "PCTNXH 2019.docx", "other", _DRUGS),
    Entry("Kết quả thực hiện Chương trình hành động phòng, chống mại dâm năm 2019", "Báo cáo phòng chống mại dâm",
          "mai dam 2019.docx", "other", _DRUGS),
    Entry("Tình hình hoạt động của Cơ sở cai nghiện ma túy tỉnh năm 2019", "Báo cáo cơ sở cai nghiện",
          "co so cai nghien.pdf", "other", _DRUGS),
    Entry("Ket qua cong tac phong chong te nan xa hoi nam 2019", "bao cao te nan xa hoi", "tnxh2019.doc",
          "other", _DRUGS),
    Entry("Tổng kết 5 năm thực hiện Luật phòng, chống ma túy về công tác cai nghiện ma túy (2014-2019)",
          "Báo cáo tổng kết công tác cai nghiện", "TK cai nghien 5 nam.docx", "other", _LAW),
    # gender equality
    Entry("Kết quả thực hiện công tác bình đẳng giới và vì sự tiến bộ của phụ nữ năm 2019",
          "Báo cáo bình đẳng giới năm 2019", "BDG 2019.docx", "other", _GENDER),
    Entry("Tình hình thực hiện mục tiêu quốc gia về bình đẳng giới năm 2019", "Gửi báo cáo BĐG",
          "muc tieu BDG.docx", "other", _GENDER),
    Entry("Kết quả thực hiện Chương trình quốc gia về bình đẳng giới giai đoạn 2016-2020",
          "Báo cáo tổng kết chương trình bình đẳng giới", "CTQG BDG 2016-2020.docx", "other", _FIVE),
    Entry("Kết quả hoạt động Tháng hành động quốc gia về bình đẳng giới và phòng, chống bạo lực trên cơ sở giới năm "
          "2019", "Báo cáo Tháng hành động BĐG", "thang hanh dong BDG 2019.docx", "other", _GENDER),
    Entry("Ket qua cong tac binh dang gioi nam 2019 va phuong huong nam 2020", "bao cao BDG", "bdg.doc",
          "other", _GENDER),
    # disability, elderly
    Entry("Kết quả thực hiện Luật Người khuyết tật và công tác trợ giúp người khuyết tật năm 2019",
          "Báo cáo người khuyết tật năm 2019", "NKT 2019.docx", "other", _DISAB),
    Entry("Kết quả thực hiện Đề án trợ giúp người khuyết tật giai đoạn 2012-2020", "Báo cáo Đề án trợ giúp NKT",
          "De an NKT.docx", "other", _DISAB),
    Entry("Tinh hinh thuc hien chinh sach doi voi nguoi khuyet tat nam 2019", "bao cao NKT", "nkt.doc",
          "other", _DISAB),
    Entry("Kết quả hoạt động của Ban Công tác người cao tuổi tỉnh năm 2019", "Báo cáo công tác người cao tuổi",
          "NCT 2019.docx", "other", _ELDER),
    Entry("Kết quả thực hiện Chương trình hành động quốc gia về người cao tuổi năm 2019",
          "Gửi báo cáo người cao tuổi", "CTHD NCT.docx", "other", _ELDER),
    Entry("Kết quả thực hiện chính sách chúc thọ, mừng thọ người cao tuổi năm 2019",
          "Báo cáo chúc thọ NCT", "chuc tho NCT 2019.docx", "other", _ELDER),
    # targeted programme with sector words
    Entry("Kết quả thực hiện Chương trình mục tiêu giáo dục nghề nghiệp - việc làm và an toàn lao động năm 2019 và "
          "kế hoạch năm 2020", "Báo cáo CTMT GDNN-VL-ATLĐ", "CTMT GDNN VL ATLD 2019.docx", "other", _CTMT),
    Entry("Tình hình thực hiện Chương trình mục tiêu giáo dục nghề nghiệp - việc làm và an toàn lao động giai đoạn "
          "2016-2020", "Gửi báo cáo", "CTMT 2016-2020.docx", "other", _FIVE),
    Entry("Tình hình thực hiện và giải ngân vốn Chương trình mục tiêu phát triển hệ thống trợ giúp xã hội năm 2019",
          "Báo cáo CTMT trợ giúp xã hội", "CTMT TGXH 2019.xlsx", "other", _SOCPROT),
    Entry("Kết quả thực hiện các chương trình mục tiêu năm 2019 lĩnh vực lao động, người có công và xã hội (Dự án "
          "phát triển hệ thống trợ giúp xã hội)", "Re: V/v báo cáo CTMT năm 2019", "CTMT tro giup XH.docx", "other",
          _CTMT),
    # insurance, wages, trafficking
    Entry("Tình hình thực hiện chính sách bảo hiểm thất nghiệp năm 2019", "Báo cáo bảo hiểm thất nghiệp",
          "BHTN 2019.docx", "other", _INSUR),
    Entry("Kết quả thực hiện Nghị quyết số 28-NQ/TW về cải cách chính sách bảo hiểm xã hội năm 2019",
          "Báo cáo Nghị quyết 28", "NQ28 BHXH.docx", "other", _PARTY),
    Entry("Tình hình phát triển đối tượng tham gia bảo hiểm xã hội tự nguyện năm 2019",
          "Gửi báo cáo BHXH tự nguyện", "BHXH tu nguyen.docx", "other", _INSUR),
    Entry("Tình hình tiền lương, tiền thưởng năm 2019 và Tết Nguyên đán Canh Tý 2020 của người lao động",
          "Báo cáo tiền lương, thưởng Tết 2020", "tien luong thuong Tet 2020.xlsx", "other", _WAGES),
    Entry("Tình hình quan hệ lao động, tranh chấp lao động và đình công năm 2019", "Báo cáo quan hệ lao động",
          "QHLD 2019.docx", "other", _WAGES),
    Entry("Kết quả thực hiện Chỉ thị số 37-CT/TW về tăng cường sự lãnh đạo xây dựng quan hệ lao động hài hòa, ổn "
          "định và tiến bộ", "Báo cáo Chỉ thị 37", "CT37.docx", "other", _PARTY),
    Entry("Kết quả tiếp nhận, hỗ trợ nạn nhân bị mua bán trở về năm 2019", "Báo cáo nạn nhân bị mua bán",
          "nan nhan mua ban 2019.docx", "other", _TRAFF),
    Entry("Kết quả thực hiện Chương trình phòng, chống mua bán người năm 2019 (phần việc của ngành LĐTBXH)",
          "Báo cáo phòng chống mua bán người", "PCMBN 2019.docx", "other", _TRAFF),
    # budget, investment
    Entry("Thuyết minh dự toán ngân sách nhà nước năm 2020", "Gửi dự toán NSNN năm 2020", "Du toan 2020.xlsx",
          "other", _BUDGET),
    Entry("Tình hình thực hiện dự toán ngân sách năm 2019 và xây dựng dự toán ngân sách năm 2020 lĩnh vực lao "
          "động, người có công và xã hội", "Báo cáo dự toán 2020", "du toan NS 2020.docx", "other", _BUDGET),
    Entry("Nhu cầu kinh phí thực hiện chính sách ưu đãi người có công năm 2020", "Báo cáo nhu cầu kinh phí NCC 2020",
          "nhu cau kinh phi NCC 2020.xlsx", "other", _BUDGET),
    Entry("Dự toán kinh phí thực hiện Pháp lệnh ưu đãi người có công với cách mạng năm 2020",
          "Re: V/v lập dự toán kinh phí người có công năm 2020", "Du toan NCC 2020.xls", "other", _BUDGET),
    Entry("Nhu cầu kinh phí thực hiện điều chỉnh mức lương cơ sở năm 2020", "Báo cáo nhu cầu cải cách tiền lương",
          "nhu cau CCTL 2020.xlsx", "other", _BUDGET),
    Entry("Quyết toán kinh phí thực hiện chính sách ưu đãi người có công năm 2019",
          "Báo cáo quyết toán kinh phí NCC 2019", "Quyet toan NCC 2019.xlsx", "other", _SETTLE),
    Entry("Quyết toán ngân sách nhà nước năm 2018", "Gửi báo cáo quyết toán 2018", "QT NSNN 2018.pdf", "other",
          _SETTLE),
    Entry("Tình hình thực hiện và quyết toán kinh phí Chương trình mục tiêu năm 2019",
          "Báo cáo quyết toán CTMT", "quyet toan CTMT 2019.docx", "other", _SETTLE),
    Entry("Công khai quyết toán ngân sách năm 2018 của Sở Lao động - Thương binh và Xã hội",
          "Gửi báo cáo công khai quyết toán", "cong khai QT 2018.pdf", "other", _SETTLE),
    Entry("Tình hình thực hiện kế hoạch đầu tư công năm 2019 và dự kiến kế hoạch đầu tư công năm 2020",
          "Báo cáo đầu tư công năm 2019", "Dau tu cong 2019.docx", "other", _INVEST),
    Entry("Tình hình giải ngân vốn đầu tư công năm 2019 các dự án do Sở Lao động - Thương binh và Xã hội làm chủ đầu "
          "tư", "Báo cáo giải ngân vốn đầu tư", "giai ngan 2019.xlsx", "other", _INVEST),
    Entry("Đánh giá tình hình thực hiện kế hoạch đầu tư công trung hạn giai đoạn 2016-2020 và dự kiến kế hoạch giai "
          "đoạn 2021-2025", "Báo cáo đầu tư công trung hạn", "DTC trung han.docx", "other", _FIVE),
    Entry("Kết quả thực hiện các dự án đầu tư xây dựng năm 2019 và kế hoạch vốn năm 2020",
          "Báo cáo dự án đầu tư", "du an dau tu 2019.docx", "other", _INVEST),
    Entry("Ket qua thuc hien ke hoach von dau tu cong nam 2019", "bao cao von dau tu", "vondautu2019.xls",
          "other", _INVEST),
    # inspection, complaints
    Entry("Kết quả công tác thanh tra, kiểm tra năm 2019 và phương hướng nhiệm vụ năm 2020",
          "Báo cáo công tác thanh tra năm 2019", "Thanh tra 2019.docx", "other", _INSPECT),
    Entry("Kết quả thanh tra, kiểm tra việc chấp hành pháp luật lao động năm 2019", "Báo cáo thanh tra lao động",
          "TT phap luat lao dong.docx", "other", _INSPECT),
    Entry("Tổng kết công tác thanh tra năm 2019, kế hoạch thanh tra năm 2020 ngành Lao động - Thương binh và Xã hội",
          "Gửi báo cáo", "TK thanh tra nganh 2019.pdf", "other", _INSPECT),
    Entry("Kết quả thanh tra việc thực hiện chính sách ưu đãi người có công năm 2019", "Báo cáo thanh tra NCC",
          "thanh tra NCC.docx", "other", _INSPECT),
    Entry("Kết quả công tác tiếp công dân, giải quyết khiếu nại, tố cáo năm 2019",
          "Báo cáo tiếp công dân, KNTC 2019", "KNTC 2019.docx", "other", _COMPLAIN),
    Entry("Tình hình khiếu nại, tố cáo và kết quả giải quyết khiếu nại, tố cáo lĩnh vực lao động, người có công và "
          "xã hội năm 2019", "Gửi báo cáo khiếu nại tố cáo", "khieu nai to cao.docx", "other", _COMPLAIN),
    Entry("Kết quả giải quyết kiến nghị của cử tri trước và sau kỳ họp thứ 8, Quốc hội khóa XIV thuộc lĩnh vực lao "
          "động - thương binh và xã hội", "Báo cáo trả lời kiến nghị cử tri", "kien nghi cu tri.docx", "other",
          _VOTERS),
    # admin reform, IT
    Entry("Kết quả công tác cải cách hành chính năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Báo cáo CCHC năm 2019", "CCHC 2019.docx", "other", _ADMIN),
    Entry("Tình hình, kết quả kiểm soát thủ tục hành chính năm 2019", "Báo cáo kiểm soát TTHC",
          "kiem soat TTHC 2019.docx", "other", _ADMIN),
    Entry("Kết quả thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính năm 2019",
          "Gửi báo cáo một cửa", "mot cua 2019.docx", "other", _ADMIN),
    Entry("Tổng kết công tác cải cách hành chính năm 2019 của Sở Lao động - Thương binh và Xã hội",
          "Gửi báo cáo", "TK CCHC.pdf", "other", _ADMIN),
    Entry("Ket qua cai cach hanh chinh nam 2019", "bao cao cchc", "cchc.doc", "other", _ADMIN),
    Entry("Tình hình ứng dụng công nghệ thông tin, xây dựng Chính phủ điện tử năm 2019",
          "Báo cáo ứng dụng CNTT năm 2019", "CNTT 2019.docx", "other", _DIGITAL),
    Entry("Kết quả cung cấp dịch vụ công trực tuyến mức độ 3, 4 năm 2019", "Báo cáo dịch vụ công trực tuyến",
          "DVC truc tuyen.docx", "other", _DIGITAL),
    Entry("Kết quả xây dựng cơ sở dữ liệu ngành Lao động - Thương binh và Xã hội năm 2019",
          "Báo cáo cơ sở dữ liệu ngành", "CSDL nganh 2019.docx", "other", _DIGITAL),
    Entry("Kết quả thực hiện chuyển đổi số năm 2020 và kế hoạch năm 2021", "Báo cáo chuyển đổi số",
          "chuyen doi so 2020.docx", "other", _DIGITAL),
    # emulation, corruption, thrift, staff, statistics
    Entry("Tổng kết công tác thi đua, khen thưởng năm 2019 và phương hướng, nhiệm vụ năm 2020",
          "Báo cáo thi đua khen thưởng 2019", "TDKT 2019.docx", "other", _EMUL),
    Entry("Thành tích đề nghị tặng Cờ thi đua của Bộ Lao động - Thương binh và Xã hội năm 2019",
          "Hồ sơ đề nghị khen thưởng năm 2019", "co thi dua 2019.pdf", "other", _EMUL),
    Entry("Tóm tắt thành tích của Sở Lao động - Thương binh và Xã hội tỉnh Quảng Ninh năm 2019",
          "Gửi báo cáo thành tích", "tom tat thanh tich.docx", "other", _EMUL),
    Entry("Kết quả thực hiện phong trào thi đua “Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau” "
          "năm 2019", "Báo cáo phong trào thi đua vì người nghèo", "phong trao thi dua.docx", "other", _EMUL),
    Entry("Kết quả công tác phòng, chống tham nhũng năm 2019", "Báo cáo PCTN năm 2019", "PCTN 2019.docx",
          "other", _CORRUPT),
    Entry("Công tác phòng, chống tham nhũng năm 2019 và phương hướng, nhiệm vụ năm 2020 của ngành",
          "Gửi báo cáo", "PCTN nganh.pdf", "other", _CORRUPT),
    Entry("Kết quả kê khai, công khai bản kê khai tài sản, thu nhập năm 2019", "Báo cáo kê khai tài sản",
          "ke khai tai san 2019.docx", "other", _CORRUPT),
    Entry("Kết quả thực hành tiết kiệm, chống lãng phí năm 2019", "Báo cáo THTK, CLP 2019", "THTK CLP 2019.docx",
          "other", _THRIFT),
    Entry("Tình hình thực hiện Chương trình thực hành tiết kiệm, chống lãng phí năm 2019 và kế hoạch năm 2020",
          "Gửi báo cáo tiết kiệm", "thuc hanh tiet kiem.docx", "other", _THRIFT),
    Entry("Kết quả thực hiện tinh giản biên chế năm 2019", "Báo cáo tinh giản biên chế", "tinh gian BC.docx",
          "other", _STAFF),
    Entry("Kết quả đánh giá, xếp loại chất lượng công chức, viên chức năm 2019", "Báo cáo đánh giá công chức 2019",
          "danh gia CCVC 2019.docx", "other", _STAFF),
    Entry("Số lượng, chất lượng đội ngũ công chức, viên chức ngành Lao động - Thương binh và Xã hội năm 2019",
          "Báo cáo số lượng, chất lượng CBCCVC", "CBCCVC 2019.xlsx", "other", _STAFF),
    Entry("Tình hình tổ chức bộ máy, biên chế của Sở Lao động - Thương binh và Xã hội và đơn vị trực thuộc năm 2019",
          "Báo cáo tổ chức bộ máy", "to chuc bo may.docx", "other", _STAFF),
    Entry("Tình hình thực hiện chế độ báo cáo thống kê ngành Lao động - Thương binh và Xã hội năm 2019",
          "Báo cáo thống kê năm 2019", "thong ke 2019.xlsx", "other", _STATS),
    Entry("Báo cáo thống kê tổng hợp lĩnh vực lao động, người có công và xã hội năm 2019 (theo Thông tư số "
          "22/2019/TT-BLĐTBXH)", "Gửi biểu thống kê", "bieu thong ke TT22.xlsx", "other", _STATS),
    Entry("Số liệu thống kê người có công với cách mạng đến 31/12/2019", "Số liệu NCC",
          "so lieu NCC 31.12.2019.xlsx", "other", _STATS),
    # Tết, 27/7, COVID
    Entry("Kết quả thăm, tặng quà Tết Nguyên đán Canh Tý 2020 cho người có công và các đối tượng chính sách",
          "Báo cáo kết quả tặng quà Tết Canh Tý 2020", "qua Tet 2020.docx", "other", _TET),
    Entry("Kết quả chăm lo Tết Nguyên đán Canh Tý năm 2020 cho người có công, hộ nghèo và đối tượng bảo trợ xã hội",
          "Gửi báo cáo Tết", "cham lo Tet Canh Ty.docx", "other", _TET),
    Entry("Tình hình đời sống nhân dân và công tác chăm lo Tết Canh Tý 2020", "Báo cáo chăm lo Tết",
          "doi song nhan dan Tet 2020.pdf", "other", _TET),
    Entry("Ket qua tang qua Tet cua Chu tich nuoc cho nguoi co cong Tet Canh Ty 2020", "bao cao qua Tet CTN",
          "quaTetCTN2020.xls", "other", _TET),
    Entry("Kết quả tổ chức các hoạt động kỷ niệm 72 năm Ngày Thương binh - Liệt sĩ (27/7/1947 - 27/7/2019)",
          "Báo cáo hoạt động kỷ niệm 27/7", "ky niem 27-7-2019.docx", "other", _JULY27),
    Entry("Kết quả thăm, tặng quà người có công nhân dịp kỷ niệm Ngày Thương binh - Liệt sĩ 27/7/2019",
          "Gửi báo cáo tặng quà 27/7", "tang qua 27.7.docx", "other", _JULY27),
    Entry("Kết quả thực hiện phong trào “Đền ơn đáp nghĩa” nhân dịp 27/7/2019", "Báo cáo Đền ơn đáp nghĩa",
          "den on dap nghia 2019.docx", "other", _JULY27),
    Entry("Kết quả tổ chức kỷ niệm 72 năm Ngày Thương binh - Liệt sĩ và công tác chăm sóc người có công 6 tháng đầu "
          "năm 2019", "Báo cáo 27/7", "BC 27-7.pdf", "other", _JULY27),
    Entry("Kết quả thực hiện hỗ trợ người dân gặp khó khăn do đại dịch COVID-19 theo Nghị quyết số 42/NQ-CP",
          "Báo cáo thực hiện Nghị quyết 42/NQ-CP", "NQ42 COVID.docx", "other", _COVID),
    Entry("Tình hình chi trả hỗ trợ người có công, đối tượng bảo trợ xã hội, hộ nghèo, hộ cận nghèo theo Nghị quyết "
          "số 42/NQ-CP", "Báo cáo nhanh hỗ trợ COVID-19", "chi tra NQ42.xlsx", "other", _COVID),
    Entry("Tinh hinh lao dong mat viec lam do anh huong cua dich COVID-19", "bao cao lao dong mat viec COVID",
          "covid lao dong.docx", "other", _COVID),
    # other periods
    Entry("Sơ kết công tác 6 tháng đầu năm 2019 và phương hướng, nhiệm vụ 6 tháng cuối năm 2019",
          "Gửi báo cáo sơ kết 6 tháng", "So ket 6 thang 2019.docx", "other", _HALF),
    Entry("Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2019 và nhiệm vụ trọng tâm 6 tháng cuối năm ngành Lao động - "
          "Thương binh và Xã hội", "Báo cáo 6 tháng đầu năm 2019", "BC 6 thang.docx", "other", _HALF),
    Entry("Tình hình thực hiện nhiệm vụ 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm 2019 lĩnh vực lao "
          "động, người có công và xã hội", "BC 6 tháng", "6thang2019.pdf", "other", _HALF),
    Entry("So ket 6 thang dau nam 2019 cong tac LDTBXH", "bao cao 6 thang", "sk6t.doc", "other", _HALF),
    Entry("SƠ KẾT CÔNG TÁC 6 THÁNG ĐẦU NĂM, NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2019", "Gửi báo cáo",
          "SO KET 6 THANG.pdf", "other", _HALF),
    Entry("Đánh giá tình hình thực hiện kế hoạch 6 tháng đầu năm, ước thực hiện cả năm 2019 và xây dựng kế hoạch năm "
          "2020 ngành Lao động - Thương binh và Xã hội", "Báo cáo xây dựng kế hoạch năm 2020",
          "XD KH 2020.docx", "other", _MIDYEAR),
    Entry("Ước thực hiện năm 2019 và xây dựng kế hoạch phát triển kinh tế - xã hội, dự toán ngân sách năm 2020 lĩnh "
          "vực lao động, người có công và xã hội", "Re: V/v xây dựng kế hoạch và dự toán năm 2020",
          "KH va du toan 2020.docx", "other", _MIDYEAR),
    Entry("Tình hình thực hiện 6 tháng đầu năm 2019, ước cả năm và dự kiến kế hoạch năm 2020",
          "Gửi báo cáo", "uoc 2019 KH 2020.xlsx", "other", _MIDYEAR),
    Entry("Kết quả thực hiện nhiệm vụ 9 tháng đầu năm 2019 và nhiệm vụ trọng tâm quý IV/2019",
          "Báo cáo 9 tháng năm 2019", "BC 9 thang 2019.docx", "other", _NINE),
    Entry("Tình hình thực hiện nhiệm vụ 9 tháng, phương hướng nhiệm vụ 3 tháng cuối năm 2019 lĩnh vực lao động, "
          "người có công và xã hội", "Gửi báo cáo 9 tháng", "9 thang.pdf", "other", _NINE),
    Entry("Kết quả công tác 9 tháng đầu năm, ước thực hiện năm 2019 ngành LĐTBXH", "BC 9 tháng, ước năm",
          "9T uoc nam.docx", "other", _NINE),
    Entry("Ket qua thuc hien nhiem vu 9 thang nam 2019", "bao cao 9 thang", "bc9t.doc", "other", _NINE),
    Entry("Tình hình thực hiện nhiệm vụ quý III và phương hướng nhiệm vụ quý IV năm 2019",
          "Báo cáo quý III/2019", "quy III 2019.docx", "other", _Q3),
    Entry("Kết quả công tác quý III năm 2019 ngành Lao động - Thương binh và Xã hội", "Gửi báo cáo quý",
          "BC quy 3.docx", "other", _Q3),
    Entry("Kết quả thực hiện nhiệm vụ quý I năm 2020 và nhiệm vụ trọng tâm quý II năm 2020",
          "Báo cáo quý I/2020", "quy I 2020.docx", "other", _Q1),
    Entry("Tình hình thực hiện nhiệm vụ quý I/2020 lĩnh vực lao động, người có công và xã hội",
          "Gui bao cao quy I", "Q1-2020.pdf", "other", _Q1),
    Entry("Kết quả thực hiện nhiệm vụ 11 tháng năm 2019 và nhiệm vụ tháng 12 năm 2019", "Báo cáo 11 tháng",
          "BC 11 thang 2019.docx", "other", _ELEVEN),
    Entry("Tình hình thực hiện nhiệm vụ 11 tháng đầu năm, ước thực hiện cả năm 2019", "Gửi báo cáo 11 tháng",
          "11thang.docx", "other", _ELEVEN),
    Entry("Tổng kết 5 năm thực hiện kế hoạch phát triển kinh tế - xã hội giai đoạn 2016-2020 lĩnh vực lao động, "
          "người có công và xã hội; kế hoạch 5 năm 2021-2025", "Báo cáo 5 năm 2016-2020", "BC 5 nam.docx", "other",
          _FIVE),
    Entry("Đánh giá tình hình thực hiện kế hoạch 5 năm 2016-2020 và xây dựng kế hoạch 5 năm 2021-2025 ngành Lao "
          "động - Thương binh và Xã hội", "Gửi báo cáo kế hoạch 5 năm", "KH 5 nam 2021-2025.docx", "other", _FIVE),
    Entry("Kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững giai đoạn 2016-2020",
          "Báo cáo tổng kết MTQG GNBV 2016-2020", "TK GNBV 2016-2020.docx", "other", _FIVE),
    Entry("Tong ket giai doan 2016-2020 va phuong huong giai doan 2021-2025 linh vuc LDTBXH",
          "bao cao giai doan 2016-2020", "TK 2016-2020.doc", "other", _FIVE),
    Entry("Kết quả thực hiện nhiệm vụ năm 2018 và phương hướng, nhiệm vụ năm 2019 ngành Lao động - Thương binh và "
          "Xã hội", "Gửi báo cáo", "BC 2018.docx", "other", _PREV),
    Entry("Tổng kết công tác năm 2018, phương hướng nhiệm vụ năm 2019", "Gửi lại báo cáo tổng kết",
          "TK2018.pdf", "other", _PREV),
    # Party resolutions and laws
    Entry("Sơ kết 7 năm thực hiện Nghị quyết số 15-NQ/TW ngày 01/6/2012 của Ban Chấp hành Trung ương khóa XI về một "
          "số vấn đề về chính sách xã hội giai đoạn 2012-2020", "Báo cáo sơ kết Nghị quyết 15-NQ/TW",
          "NQ15 so ket.docx", "other", _PARTY),
    Entry("Tổng kết thực hiện Nghị quyết số 15-NQ/TW về một số vấn đề về chính sách xã hội giai đoạn 2012-2020 "
          "lĩnh vực lao động, người có công và xã hội", "Gửi báo cáo", "TK NQ15.docx", "other", _PARTY),
    Entry("Kết quả thực hiện Chỉ thị số 20-CT/TW về tăng cường sự lãnh đạo của Đảng đối với công tác chăm sóc, giáo "
          "dục và bảo vệ trẻ em", "Báo cáo Chỉ thị 20", "CT20 tre em.docx", "other", _PARTY),
    Entry("Kết quả thực hiện Nghị quyết số 19-NQ/TW về tiếp tục đổi mới hệ thống tổ chức và quản lý, nâng cao chất "
          "lượng và hiệu quả hoạt động của các đơn vị sự nghiệp công lập năm 2019",
          "Báo cáo Nghị quyết 19", "NQ19.docx", "other", _PARTY),
    Entry("Sơ kết 5 năm thi hành Luật Giáo dục nghề nghiệp", "Báo cáo sơ kết Luật GDNN",
          "so ket Luat GDNN.docx", "other", _LAW),
    Entry("Tổng kết thi hành Bộ luật Lao động năm 2012", "Báo cáo tổng kết Bộ luật Lao động",
          "TK BLLD 2012.docx", "other", _LAW),
    Entry("Đánh giá 5 năm thực hiện Luật Việc làm", "Báo cáo đánh giá Luật Việc làm", "Luat viec lam.docx",
          "other", _LAW),
    Entry("Kết quả thực hiện Nghị định số 140/2018/NĐ-CP sửa đổi, bổ sung các nghị định liên quan đến điều kiện đầu "
          "tư kinh doanh và thủ tục hành chính thuộc phạm vi quản lý nhà nước của Bộ LĐTBXH",
          "Báo cáo Nghị định 140", "ND140.docx", "other", _LAW),
    # conferences, surveys, requests
    Entry("Tham luận tại Hội nghị trực tuyến tổng kết công tác năm 2019 của ngành: Kết quả thực hiện chính sách giảm "
          "nghèo bền vững tại tỉnh Quảng Ninh", "Gửi bài tham luận", "tham luan hoi nghi.docx", "other", _CONF),
    Entry("Kết quả Hội nghị đối thoại chính sách pháp luật lao động với doanh nghiệp năm 2019",
          "Báo cáo hội nghị đối thoại", "hoi nghi doi thoai.docx", "other", _CONF),
    Entry("Kết quả tổ chức Hội nghị biểu dương người có công tiêu biểu năm 2019", "Báo cáo hội nghị biểu dương",
          "hoi nghi bieu duong NCC.docx", "other", _CONF),
    Entry("Kết quả điều tra lao động - việc làm và thu thập thông tin cung - cầu lao động năm 2019",
          "Báo cáo điều tra cung cầu lao động", "cung cau lao dong 2019.xlsx", "other", _SURVEY),
    Entry("Kết quả khảo sát nhu cầu học nghề của lao động nông thôn năm 2019", "Báo cáo khảo sát nhu cầu học nghề",
          "khao sat hoc nghe.docx", "other", _SURVEY),
    Entry("Kết quả điều tra, rà soát đối tượng người có công đang hưởng trợ cấp năm 2019",
          "Báo cáo rà soát NCC", "ra soat NCC 2019.xlsx", "other", _SURVEY),
    Entry("Tổng kết công tác năm 2019 và phương hướng nhiệm vụ năm 2020 của Trung tâm Bảo trợ xã hội tỉnh",
          "Gửi báo cáo", "TT BTXH 2019.docx", "other", _SUBUNIT),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và kế hoạch năm 2020 của Trường Cao đẳng nghề tỉnh",
          "Báo cáo của Trường Cao đẳng nghề", "CD nghe 2019.docx", "other", _SUBUNIT),
    Entry("Tổng kết công tác năm 2019, phương hướng nhiệm vụ năm 2020 của Phòng Lao động - Thương binh và Xã hội "
          "huyện Đông Triều", "Gửi báo cáo của huyện", "Phong LDTBXH Dong Trieu.docx", "other", _SUBUNIT),
    Entry("Tổng kết công tác xây dựng Đảng năm 2019 và phương hướng, nhiệm vụ năm 2020 của Đảng bộ Sở Lao động - "
          "Thương binh và Xã hội", "Báo cáo Đảng bộ Sở", "Dang bo So 2019.docx", "other", _PARTYCELL),
    Entry("Tổng kết hoạt động Công đoàn cơ sở Sở Lao động - Thương binh và Xã hội năm 2019",
          "Báo cáo công đoàn", "cong doan 2019.docx", "other", _PARTYCELL),
    Entry("Kết quả công tác phổ biến, giáo dục pháp luật năm 2019 và kế hoạch năm 2020",
          "Báo cáo PBGDPL 2019", "PBGDPL 2019.docx", "other", _LEGAL),
    Entry("Kết quả kiểm tra, rà soát văn bản quy phạm pháp luật lĩnh vực lao động, người có công và xã hội năm 2019",
          "Báo cáo rà soát văn bản", "ra soat VBQPPL.docx", "other", _LEGAL),
    Entry("Tình hình thi hành pháp luật về xử lý vi phạm hành chính năm 2019", "Báo cáo xử lý VPHC",
          "XLVPHC 2019.docx", "other", _LEGAL),
    Entry("Tình hình thực hiện chính sách, pháp luật về người có công với cách mạng giai đoạn 2015-2019 (phục vụ "
          "giám sát của Đoàn đại biểu Quốc hội tỉnh)", "Báo cáo phục vụ giám sát", "giam sat DBQH NCC.docx", "other",
          _NA),
    Entry("Kết quả thực hiện chính sách, pháp luật về giáo dục nghề nghiệp (phục vụ giám sát chuyên đề của Ủy ban "
          "Văn hóa, Giáo dục của Quốc hội)", "Báo cáo giám sát GDNN", "giam sat GDNN.docx", "other", _NA),
    Entry("Kết quả thực hiện chính sách đối với đồng bào dân tộc thiểu số lĩnh vực lao động - thương binh và xã hội "
          "năm 2019", "Báo cáo chính sách dân tộc", "chinh sach dan toc 2019.docx", "other", _ETHNIC),
    Entry("Tổng kết thực hiện chính sách dân tộc giai đoạn 2016-2020 thuộc lĩnh vực Lao động - Thương binh và Xã hội",
          "Gửi báo cáo", "dan toc 2016-2020.docx", "other", _FIVE),
    Entry("Tình hình thiếu đói giáp hạt đầu năm 2020 và đề nghị hỗ trợ gạo cứu đói", "Báo cáo cứu đói",
          "cuu doi 2020.docx", "other", _RELIEF),
    Entry("Kết quả khắc phục hậu quả thiên tai và hỗ trợ người dân bị ảnh hưởng do bão số 3 năm 2019",
          "Báo cáo hỗ trợ thiên tai", "thien tai 2019.docx", "other", _RELIEF),
    Entry("Kết quả thực hiện tiêu chí 12 (lao động có việc làm) và tiêu chí 11 (hộ nghèo) trong xây dựng nông thôn "
          "mới năm 2019", "Báo cáo tiêu chí nông thôn mới", "NTM tieu chi 11 12.docx", "other", _RURAL),
    Entry("Kết quả thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2019 (phần việc của ngành "
          "LĐTBXH)", "Gửi báo cáo NTM", "NTM 2019.docx", "other", _RURAL),
    # more hard ones: programme reports in year-end form
    Entry("Kết quả thực hiện công tác người có công năm 2019 và phương hướng, nhiệm vụ năm 2020 của ngành Lao động - "
          "Thương binh và Xã hội", "Báo cáo năm 2019", "NCC nam 2019.docx", "other", _MERIT),
    Entry("Tổng kết công tác giáo dục nghề nghiệp năm 2019 và triển khai nhiệm vụ năm 2020 lĩnh vực lao động, người "
          "có công và xã hội", "Gửi báo cáo tổng kết", "TK GDNN 2019.docx", "other", _VOC),
    Entry("Đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020 về công tác trẻ em",
          "Gửi báo cáo", "tre em 2019-2020.docx", "other", _CHILD),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng nhiệm vụ năm 2020 về công tác phòng, chống tệ nạn xã "
          "hội", "Báo cáo năm 2019", "TNXH nam 2019.docx", "other", _DRUGS),
    Entry("Tình hình thực hiện kế hoạch năm 2019 và kế hoạch năm 2020 Chương trình mục tiêu quốc gia giảm nghèo bền "
          "vững", "Báo cáo kế hoạch năm 2020", "KH GNBV 2020.docx", "other", _POV),
    Entry("Kết quả thực hiện công tác bảo trợ xã hội, giảm nghèo năm 2019 và phương hướng nhiệm vụ năm 2020",
          "Gửi báo cáo", "BTXH GN 2019.docx", "other", _SOCPROT),
    Entry("Tổng kết công tác lao động, việc làm và giáo dục nghề nghiệp năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Báo cáo tổng kết năm 2019", "LDVL GDNN 2019.docx", "other", _EMPL),
    Entry("Kết quả thực hiện chính sách ưu đãi người có công với cách mạng, phong trào Đền ơn đáp nghĩa năm 2019; "
          "phương hướng, nhiệm vụ năm 2020", "Gửi báo cáo", "NCC DODN 2019.docx", "other", _MERIT),
    Entry("Kết quả công tác an toàn, vệ sinh lao động năm 2019 và phương hướng, nhiệm vụ năm 2020 ngành LĐTBXH",
          "Báo cáo năm 2019", "ATVSLD nam 2019.docx", "other", _SAFETY),
    Entry("Kết quả công tác bình đẳng giới năm 2019 và phương hướng nhiệm vụ năm 2020 lĩnh vực lao động - thương "
          "binh và xã hội", "Gửi báo cáo", "BDG nam 2019.pdf", "other", _GENDER),
    Entry("Kết quả thực hiện chính sách đối với người có công năm 2019; kế hoạch năm 2020",
          "Re: V/v báo cáo kết quả thực hiện chính sách người có công năm 2019", "chinh sach NCC.docx", "other",
          _MERIT),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019 và kế hoạch năm 2020 về đưa người lao động đi làm việc ở nước "
          "ngoài", "Gửi báo cáo", "XKLD nam 2019.docx", "other", _OVERSEAS),
    Entry("Kết quả công tác cai nghiện ma túy năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Báo cáo tổng kết", "cai nghien nam 2019.pdf", "other", _DRUGS),
    Entry("Kết quả thực hiện chính sách trợ giúp xã hội năm 2019 và kế hoạch năm 2020 cho người cao tuổi, người "
          "khuyết tật", "Báo cáo năm 2019", "TGXH NCT NKT.docx", "other", _SOCPROT),
    Entry("Kết quả triển khai Luật Trẻ em năm 2019 và phương hướng năm 2020", "Báo cáo Luật Trẻ em",
          "Luat tre em 2019.docx", "other", _CHILD),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và kế hoạch năm 2020 của Quỹ Bảo trợ trẻ em tỉnh",
          "Gửi báo cáo", "Quy BTTE 2019.docx", "other", _SUBUNIT),
    Entry("Tổng kết công tác thi đua, khen thưởng ngành Lao động - Thương binh và Xã hội năm 2019",
          "Báo cáo tổng kết năm 2019", "TDKT nganh 2019.pdf", "other", _EMUL),
    Entry("Kết quả thực hiện dự toán ngân sách năm 2019 và dự toán năm 2020 kinh phí sự nghiệp đảm bảo xã hội",
          "Gửi báo cáo", "du toan DBXH 2020.xlsx", "other", _BUDGET),
    Entry("Kết quả thực hiện công tác trẻ em, bình đẳng giới năm 2019; phương hướng, nhiệm vụ năm 2020",
          "Báo cáo trẻ em, bình đẳng giới", "TE BDG 2019.docx", "other", _CHILD),
    Entry("Kết quả thực hiện cải cách hành chính, ứng dụng công nghệ thông tin năm 2019 và kế hoạch năm 2020",
          "Gửi báo cáo", "CCHC CNTT 2019.docx", "other", _ADMIN),
]  # fmt: skip

# --- ambiguous: a careful planner would hesitate ---------------------------------------------------
AMBIGUOUS = [
    Entry("Kết quả thực hiện các chỉ tiêu kinh tế - xã hội năm 2019 và kế hoạch năm 2020",
          "Gửi báo cáo", "chi tieu KTXH 2019.xlsx", "ambiguous", "indicators only, no sector"),
    Entry("Ước thực hiện các chỉ tiêu lao động, việc làm, giảm nghèo năm 2019 và kế hoạch năm 2020",
          "Báo cáo chỉ tiêu", "uoc chi tieu 2019.xlsx", "ambiguous", "indicator tables of part of the sector"),
    Entry("Kết quả công tác lao động, việc làm, giảm nghèo và an sinh xã hội năm 2019; nhiệm vụ năm 2020",
          "Báo cáo năm 2019", "LD VL GN ASXH 2019.docx", "ambiguous", "several fields, merit policies missing"),
    Entry("Bổ sung số liệu báo cáo tổng kết năm 2019", "Gửi bổ sung số liệu", "bo sung so lieu.xlsx",
          "ambiguous", "supplement to the year-end report"),
    Entry("Kết quả thực hiện Nghị quyết của Hội đồng nhân dân tỉnh về nhiệm vụ phát triển kinh tế - xã hội năm 2019 "
          "lĩnh vực lao động, người có công và xã hội", "Gửi báo cáo", "NQ HDND 2019.docx", "ambiguous",
          "sector-wide but for the provincial council"),
    Entry("Kết quả thực hiện công tác an sinh xã hội năm 2019 và phương hướng năm 2020",
          "Báo cáo an sinh xã hội", "ASXH 2019.docx", "ambiguous", "social security, broad but not the whole sector"),
    Entry("Đánh giá tình hình thực hiện năm 2019 và kế hoạch năm 2020 lĩnh vực xã hội",
          "Gửi báo cáo", "linh vuc xa hoi 2019.docx", "ambiguous", "'lĩnh vực xã hội' only"),
    Entry("Tổng kết công tác năm 2019 ngành Lao động - Thương binh và Xã hội (dự thảo)",
          "Gửi dự thảo báo cáo tổng kết", "Du thao TK 2019.docx", "ambiguous", "draft of the year-end report"),
    Entry("Báo cáo tóm tắt kết quả năm 2019 và nhiệm vụ năm 2020 phục vụ Hội nghị trực tuyến tổng kết ngành",
          "Báo cáo tóm tắt", "tom tat 2019.docx", "ambiguous", "summary for the ministry's conference"),
    Entry("Kết quả thực hiện năm 2019 và kế hoạch năm 2020 các chương trình mục tiêu lĩnh vực lao động, người có "
          "công và xã hội", "Báo cáo các chương trình mục tiêu", "cac CTMT 2019.docx", "ambiguous",
          "all targeted programmes of the sector"),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019 và phương hướng năm 2020 lĩnh vực người có công và xã hội",
          "Gửi báo cáo", "NCC va XH 2019.docx", "ambiguous", "sector named without labour"),
    Entry("Đánh giá tình hình thực hiện kế hoạch năm 2019 và dự kiến kế hoạch phát triển kinh tế - xã hội, dự toán "
          "ngân sách năm 2020", "Báo cáo KH và dự toán 2020", "KH du toan 2020.docx", "ambiguous",
          "year-end mixed with budget estimate"),
    Entry("Báo cáo nhanh kết quả năm 2019", "Báo cáo nhanh", "bao cao nhanh.docx", "ambiguous",
          "quick report, no plan year"),
    Entry("Tình hình thực hiện nhiệm vụ năm 2019", "Gửi báo cáo", "BC 2019.pdf", "ambiguous",
          "bare year, no plan and no sector"),
    Entry("Kết quả thực hiện công tác giảm nghèo năm 2019 và phương hướng năm 2020", RE_REQUEST,
          "giam ngheo 2019.docx", "ambiguous", "reply to the request but one programme's title"),
    Entry("Kết quả thực hiện chính sách người có công năm 2019 và kế hoạch năm 2020",
          "Re: V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp năm 2020", "NCC 2019.docx",
          "ambiguous", "reply to the request but one programme's title"),
    Entry("Tình hình kinh tế - xã hội năm 2019 và kế hoạch năm 2020 của tỉnh Quảng Ninh",
          "Gửi báo cáo", "KTXH tinh QN 2019.pdf", "ambiguous", "the province's general socio-economic report"),
    Entry("Kết quả thực hiện nhiệm vụ năm 2019 và phương hướng nhiệm vụ năm 2020 của Phòng Kế hoạch - Tài chính",
          "Gửi báo cáo", "Phong KHTC 2019.docx", "ambiguous", "planning office's own year-end"),
    Entry("Kết quả thực hiện chỉ tiêu kế hoạch năm 2019 và xây dựng kế hoạch năm 2020 lĩnh vực lao động - xã hội",
          "Báo cáo kế hoạch", "KH LDXH 2020.docx", "ambiguous", "'lao động - xã hội', plan-building wording"),
    Entry("Tình hình thực hiện 11 tháng, ước thực hiện năm 2019 và kế hoạch năm 2020 ngành Lao động - Thương binh và "
          "Xã hội", "Báo cáo ước năm 2019", "uoc nam 2019.docx", "ambiguous", "11-month estimate with next year's plan"),
    Entry("Kết quả 4 năm thực hiện kế hoạch 2016-2020, ước thực hiện năm 2019 và kế hoạch năm 2020 ngành LĐTBXH",
          "Gửi báo cáo", "4 nam va 2020.docx", "ambiguous", "multi-year review ending in the year-end"),
]  # fmt: skip

ENTRIES: list[Entry] = [*YEAR_END, *OTHER, *AMBIGUOUS]

# --- when: letterhead date and receipt time ------------------------------------------------------------
_UTC = timezone.utc
DEFAULT_WHEN = (date(2019, 12, 12), datetime(2019, 12, 10, 2, 14, tzinfo=_UTC))
WHEN: dict[str, tuple[date, datetime]] = {
    _HALF: (date(2019, 6, 14), datetime(2019, 6, 17, 3, 5, tzinfo=_UTC)),
    _MIDYEAR: (date(2019, 7, 10), datetime(2019, 7, 12, 8, 40, tzinfo=_UTC)),
    _NINE: (date(2019, 9, 20), datetime(2019, 9, 23, 2, 30, tzinfo=_UTC)),
    _Q3: (date(2019, 9, 25), datetime(2019, 9, 27, 4, 0, tzinfo=_UTC)),
    _Q1: (date(2020, 3, 20), datetime(2020, 3, 23, 2, 45, tzinfo=_UTC)),
    _ELEVEN: (date(2019, 11, 22), datetime(2019, 11, 25, 9, 10, tzinfo=_UTC)),
    _FIVE: (date(2020, 5, 20), datetime(2020, 5, 22, 3, 20, tzinfo=_UTC)),
    _PREV: (date(2018, 12, 12), datetime(2019, 12, 10, 2, 14, tzinfo=_UTC)),
    _TET: (date(2020, 2, 5), datetime(2020, 2, 6, 2, 0, tzinfo=_UTC)),
    _JULY27: (date(2019, 8, 5), datetime(2019, 8, 6, 7, 30, tzinfo=_UTC)),
    _COVID: (date(2020, 5, 15), datetime(2020, 5, 18, 1, 50, tzinfo=_UTC)),
}
# digital transformation was only called so from 2020: that entry is a 2020 report, sent in December 2020
_LATER = {"Kết quả thực hiện chuyển đổi số năm 2020 và kế hoạch năm 2021":
          (date(2020, 12, 10), datetime(2020, 12, 11, 2, 0, tzinfo=_UTC))}  # fmt: skip


def when(entry: Entry) -> tuple[date, datetime]:
    """The letterhead's date and the message's receipt time for an entry."""
    return _LATER.get(entry.title) or WHEN.get(entry.note, DEFAULT_WHEN)
