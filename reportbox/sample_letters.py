"""Bộ Nội vụ's request letter of today, written by us: the year-end report of 2026 and the plan of 2027.

Since 1 March 2025 Bộ Nội vụ does the former labour ministry's work (Resolution 176/2025/QH15, Decree
25/2025/NĐ-CP; its planning department, Vụ Kế hoạch - Tài chính, signs `…/BNV-KHTC`), and the provinces'
Sở Nội vụ do the former Sở Lao động - Thương binh và Xã hội's, except social protection and children, now
the Sở Y tế's (Decree 45/2025/NĐ-CP). Since 1 July 2025 there are 34 provinces (Resolution 202/2025/QH15).
The letter has the seed letters' shape (tests/data/letters/: the outline 1a–2b, a deadline, a mailbox and
a telephone) and a digital-signature stamp (`Người ký:`) below the signature, as the ministry's
document system prints it. `health=True` also addresses the Sở Y tế.

Plain text as a planner pastes it (the form `reportbox campaign from-letter` reads, and the tests'
letter_fixtures lay out as .docx and PDF). Used by the tests and the 2026 demo.
"""

from __future__ import annotations

from datetime import date

NUMBER = "6121/BNV-KHTC"
ISSUED = date(2026, 11, 24)
DEADLINE = date(2026, 12, 15)
MAILBOX = "khtc@moha.gov.vn"
PHONE = "024.3824.0213"
INTERIOR = "Sở Nội vụ các tỉnh, thành phố trực thuộc Trung ương"
HEALTH = "Sở Y tế các tỉnh, thành phố trực thuộc Trung ương"
SUBJECT = "V/v báo cáo đánh giá tình hình thực hiện năm 2026; nhiệm vụ, giải pháp năm 2027"

_HEAD = """BỘ NỘI VỤ
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: {number}
{subject}

Hà Nội, ngày {issued:%d} tháng {issued:%m} năm {issued:%Y}

"""

_INTRO = ("Thực hiện Nghị định số 25/2025/NĐ-CP ngày 21 tháng 02 năm 2025 của Chính phủ quy định chức năng, nhiệm vụ, "
          "quyền hạn và cơ cấu tổ chức của Bộ Nội vụ; để chuẩn bị nội dung Hội nghị tổng kết công tác năm 2026, triển "
          "khai nhiệm vụ năm 2027 của ngành Nội vụ, Bộ Nội vụ đề nghị {whom} chuẩn bị báo cáo với các nội dung sau:")
_HEALTH_WHOM = (f"Sở Nội vụ và Sở Y tế các tỉnh, thành phố trực thuộc Trung ương (Sở Y tế báo cáo các lĩnh vực bảo trợ "
                f"xã hội, trẻ em, phòng, chống tệ nạn xã hội được giao theo Nghị định số 45/2025/NĐ-CP)")

_OUTLINE = """1. Về tình hình thực hiện nhiệm vụ năm 2026

a) Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2026 lĩnh vực nội vụ, lao động, người có công và xã hội trên địa bàn tỉnh, thành phố sau sắp xếp đơn vị hành chính; chú ý làm nổi bật những kết quả đã đạt được, những mô hình, cách làm hay, hiệu quả ở địa phương (có so sánh với kế hoạch đã đề ra từ đầu năm và với kết quả thực hiện năm 2025).

b) Đánh giá việc triển khai và kết quả thực hiện các cơ chế, chính sách pháp luật, chương trình, đề án thuộc lĩnh vực nội vụ, lao động, người có công và xã hội trên địa bàn, trong đó có việc vận hành chính quyền địa phương hai cấp.

c) Làm rõ những tồn tại, hạn chế, khó khăn và nguyên nhân của những tồn tại, hạn chế.

2. Về nhiệm vụ, giải pháp năm 2027

a) Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2027

- Căn cứ Nghị quyết Đại hội Đảng bộ tỉnh, thành phố nhiệm kỳ 2025 - 2030, Kế hoạch phát triển kinh tế - xã hội 5 năm 2026 - 2030 của địa phương và kết quả thực hiện năm 2026 để xác định các chỉ tiêu, nhiệm vụ trọng tâm và giải pháp chủ yếu năm 2027.

b) Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ Nội vụ

"""

_CLOSE = """Báo cáo của địa phương gửi về Bộ Nội vụ (qua Vụ Kế hoạch - Tài chính) trước ngày {deadline:%d/%m/%Y} (đồng thời gửi bản điện tử theo hộp thư điện tử: {mailbox}).

Trong quá trình triển khai thực hiện nếu có khó khăn, vướng mắc đề nghị phản ánh về Bộ Nội vụ (qua Vụ Kế hoạch - Tài chính, điện thoại: {phone}) để được hướng dẫn./.


Nơi nhận:
- Như trên;
- Bộ trưởng (để báo cáo);
- Các đồng chí Thứ trưởng;
- Lưu: VT, Vụ KHTC.

KT. BỘ TRƯỞNG
THỨ TRƯỞNG
Trần Văn Minh

Người ký: Bộ Nội vụ
Email: vanthu@moha.gov.vn
Cơ quan: Bộ Nội vụ
Thời gian ký: {issued:%d.%m.%Y} 16:05:12 +07:00
"""


def request_letter(*, health: bool = False) -> str:
    """The letter's text: to the Sở Nội vụ of the provinces, or with `health` to their Sở Y tế too."""
    if health:
        recipients = f"Kính gửi:\n- {INTERIOR};\n- {HEALTH}.\n\n"
        whom = _HEALTH_WHOM
    else:
        recipients = f"Kính gửi: {INTERIOR}\n\n"
        whom = INTERIOR
    return (_HEAD.format(number=NUMBER, subject=SUBJECT, issued=ISSUED) + recipients + _INTRO.format(whom=whom)
            + "\n\n" + _OUTLINE + _CLOSE.format(deadline=DEADLINE, mailbox=MAILBOX, phone=PHONE, issued=ISSUED))
