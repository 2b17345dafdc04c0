"""A labelled set of generated messages for measuring identification (tests/parsers/test_identify_accuracy.py,
bench/identify.py).

`build_cases(seed)` gives a few hundred `Case`s, deterministic for a seed: real `ParsedMessage`s
(e-mails composed with EmailMessage and parsed by parse_message) and real `Analysis`es (block lists
like a docx reader gives, split by split_document; about twenty real report_docx files too), each
labelled with the unit, report year and kind a person would give it. Families (`Case.family`):
- `domain`, `webmail_known`, `webmail_unknown`: every vn63 and vn34 unit, sent from the province's
  domain, from gmail/yahoo with a contacts entry, or from an unknown webmail address; names written
  with diacritics, without, with "TP." or a city in the place line.
- `alias`: every alias in the registry's aliases.csv, in the letterhead, subject and file name.
- `cites_other`: neighbour comparisons in the body, "Nơi nhận" lists naming other UBND, a report
  about cooperation with another province.
- `forwarded`: a province's report forwarded by the ministry's clerk.
- `vn34_old_name`: 2025 reports naming the province by its pre-merger name or domain.
- `real_docx`: report_docx files read by the docx reader.
- `hard`: namesake webmail senders ("Nguyễn Thái Bình"), cooperation reports naming the partner
  first, letterheads without the province, the previous year's report sent late.
- not submissions: `half_year`, `nine_months` (other_period), `reply` (no_documents), `auto_reply`,
  `bounce` (delivery_status).
"""

from __future__ import annotations

import hashlib
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from parsers.documents.model import Block
from parsers.identify import CampaignInfo
from parsers.message import ParsedMessage, parse_message
from parsers.registry import Unit, builtin, predecessors, successor
from parsers.registry.units import DATA_DIR, read_csv_rows
from parsers.sections import Analysis, split_document
from tests.parsers.report_texts import bold, para, table

TK2018 = CampaignInfo("tk2018", "4890/LĐTBXH-KHTC", 2018, 2019, date(2018, 11, 20), date(2018, 12, 15), "vn63",
                      ("<req-tk2018@molisa.gov.vn>",))  # fmt: skip
TK2019 = CampaignInfo("tk2019", "5025/LĐTBXH-KHTC", 2019, 2020, date(2019, 11, 25), date(2019, 12, 15), "vn63",
                      ("<req-tk2019@molisa.gov.vn>",))  # fmt: skip
TK2025 = CampaignInfo("tk2025", "6120/BNV-KHTC", 2025, 2026, date(2025, 11, 20), date(2025, 12, 15), "vn34",
                      ("<req-tk2025@moha.gov.vn>",))  # fmt: skip
CAMPAIGNS = (TK2018, TK2019, TK2025)
MINISTRY = "vukhtc@molisa.gov.vn"
PEOPLE = (
    "Nguyễn Thị Hồng", "Trần Văn Minh", "Lê Thị Thu Hà", "Phạm Quốc Tuấn", "Hoàng Thị Lan", "Vũ Đức Thắng",
    "Đặng Thị Mai", "Bùi Văn Hùng", "Đỗ Thị Ngọc Ánh", "Ngô Minh Đức", "Trần Thị Huế", "Nguyễn Văn Vinh",
)  # fmt: skip
WEBMAIL = ("gmail.com", "yahoo.com", "yahoo.com.vn")
# Given names that are also provinces' names: a webmail sender's display name is no unit.
NAMESAKES = ("Nguyễn Thái Bình", "Lê Hà Nam", "Phạm Hải Dương", "Trần Bình Định", "Vũ Thị Hà Nam", "Đỗ Quảng Nam")
# CPython's header folder drops the space between two encoded words ("Sóc Trăng" → "SócTrăng"); real
# clients do not, so subjects are written unfolded.
_SMTP = policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Case:
    name: str
    family: str
    parsed: ParsedMessage
    analyses: tuple[tuple[str, Analysis | None], ...]
    received_at: datetime
    expected_unit: str | None  # None for a not_submission whose unit does not matter
    expected_year: int | None
    expected_kind: str = "submission"
    expected_reason: str | None = None
    contacts: dict[str, list[str]] = field(default_factory=dict)
    # What a person files it as (tests/parsers/identify_corpus_2026.py labels these; this set does not):
    # "report" counts for a campaign, "other_report" is another report of the unit, never counted.
    expected_report_kind: str | None = None
    expected_campaign: str | None = None


@dataclass(frozen=True)
class Era:
    registry: str
    year: int
    letter: str
    office: str  # the provincial department that reports
    office_short: str
    request_id: str
    symbol: str = ""  # the office's abbreviation in a document number ("…/BC-SNV"); default from office_short
    ministry: str = "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"  # who sent the request (Bộ Nội vụ since 2025-03-01)
    ministry_domain: str = "molisa.gov.vn"

    def received(self, rng: random.Random, month: int = 12) -> datetime:
        day, hour, minute = rng.randint(1, 14), rng.randint(0, 10), rng.randint(0, 59)
        return datetime(self.year, month, day, hour, minute, tzinfo=timezone.utc)


VN63 = Era("vn63", 2019, TK2019.letter, "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở LĐTBXH", TK2019.message_ids[0])
VN34 = Era("vn34", 2025, TK2025.letter, "SỞ NỘI VỤ", "Sở Nội vụ", TK2025.message_ids[0], "SNV")


# --- Text helpers ----------------------------------------------------------------------------------
def plain(text: str) -> str:
    """Without diacritics, as typed on a keyboard with no Vietnamese input method."""
    bare = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in bare if not unicodedata.combining(c))


def slug(text: str) -> str:
    return "".join(c for c in plain(text).lower() if c.isalnum())


def issuer_of(unit: Unit, name: str | None = None, style: str = "name") -> str:
    """'UBND TỈNH QUẢNG NINH' / 'UBND THÀNH PHỐ HÀ NỘI' / 'UBND TP. HÀ NỘI' / without diacritics."""
    name = name or unit.name
    kind = "THÀNH PHỐ" if unit.full_name.startswith("Thành phố") else "TỈNH"
    if style == "tp" and kind == "THÀNH PHỐ":
        kind = "TP."
    line = f"UBND {kind} {name.upper()}"
    return plain(line) if style == "plain" else line


def place_of(unit: Unit, rng: random.Random, style: str = "name") -> str:
    if style == "city" and unit.cities and unit.registry == "vn63":
        return rng.choice(unit.cities)
    if unit.full_name.startswith("Thành phố"):
        return rng.choice((unit.name, f"TP. {unit.name}", f"Thành phố {unit.name}"))
    return unit.name


def domain_of(unit: Unit, rng: random.Random) -> str:
    """A vn63 unit's domain; for vn34 the surviving province's, else any predecessor's."""
    same = [d for d in unit.domains if slug(unit.name) in d]
    domain = same[0] if same else rng.choice(unit.domains)
    return rng.choice((domain, f"sldtbxh.{domain}", domain))


# --- Documents -------------------------------------------------------------------------------------
def report_blocks(
    era: Era, issuer: str, date_line: str, *, title: str | None = None, opening: str | None = None,
    results_extra: str | None = None, recipients: str | None = None, signer: str | None = None,
    left_head: str | None = None, rng: random.Random,
) -> list[Block]:  # fmt: skip
    """A province's report as a docx reader gives it: letterhead table, title, five sections, closing.
    The letterhead's left column is `issuer` above the era's office, or `left_head` as given."""
    y = era.year
    title = title or rng.choice((f"Kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y + 1}",
                                 f"Đánh giá tình hình thực hiện năm {y}; nhiệm vụ, giải pháp năm {y + 1}"))
    opening = opening or (f"Thực hiện Công văn số {era.letter} ngày 25/11/{y} của Bộ, {era.office_short} "
                          "báo cáo như sau:")
    recipients = recipients or "Nơi nhận:\n- Bộ (b/c);\n- UBND tỉnh (b/c);\n- Lưu: VT, KHTC."
    number = f"{rng.randint(100, 3000)}/BC-{era.symbol or plain(era.office_short).replace(' ', '').upper()}"
    return [
        table((f"{left_head or issuer + chr(10) + era.office}\n-------",
               "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n-------"),
              (f"Số: {number}", date_line)),
        bold("BÁO CÁO"), bold(title), para("_______________"), para(opening),
        bold(f"I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU, NHIỆM VỤ NĂM {y}"),
        para(f"Năm {y}, toàn tỉnh đã giải quyết việc làm cho {rng.randint(10, 60)}.{rng.randint(100, 999)} lao động."),
        *([para(results_extra)] if results_extra else []),
        bold("II. TÌNH HÌNH TRIỂN KHAI CÁC CƠ CHẾ, CHÍNH SÁCH, CHƯƠNG TRÌNH, ĐỀ ÁN"),
        para("Công tác chi trả trợ cấp ưu đãi người có công được thực hiện kịp thời, đúng đối tượng."),
        bold("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"),
        para("Nguồn lực thực hiện chính sách còn hạn chế."),
        bold(f"IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM {y + 1}"),
        para("Tiếp tục đẩy mạnh ứng dụng công nghệ thông tin trong quản lý đối tượng bảo trợ xã hội."),
        bold("V. KIẾN NGHỊ, ĐỀ XUẤT"),
        para("Đề nghị Bộ sớm ban hành hướng dẫn thực hiện chính sách hỗ trợ người lao động."),
        table((recipients, f"KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\n{signer or rng.choice(PEOPLE)}")),
    ]  # fmt: skip


def date_line(place: str, year: int, month: int = 12, day: int = 10) -> str:
    return f"{place}, ngày {day} tháng {month} năm {year}"


def analysis(blocks: list[Block], path: str = "bc.docx") -> Analysis:
    from parsers.documents.model import Document

    return split_document(Document(path=path, kind="docx", blocks=tuple(blocks)))


def ministry_letter_blocks(era: Era) -> list[Block]:
    return [
        table((f"{era.ministry}\n-------",
               "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"),
              (f"Số: {era.letter}", f"Hà Nội, ngày 25 tháng 11 năm {era.year}")),
        para(f"V/v đánh giá tình hình thực hiện năm {era.year}; nhiệm vụ, giải pháp năm {era.year + 1}"),
        para("Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"),
        para(f"Để tổng hợp báo cáo Chính phủ, Bộ đề nghị báo cáo trước ngày 15/12/{era.year}."),
        table(("Nơi nhận:\n- Như trên;\n- UBND tỉnh Quảng Ninh;\n- Lưu: VT, KHTC.", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG")),
    ]  # fmt: skip


# --- Messages --------------------------------------------------------------------------------------
def compose(
    sender: str, subject: str, text: str, files: tuple[str, ...] = (), received: datetime | None = None,
    **headers: str,
) -> ParsedMessage:  # fmt: skip
    """The message as parse_message gives it; its files are placeholders (their Analysis is passed apart)."""
    placeholders = {name: b"PK\x03\x04 placeholder" for name in files}
    return parse_message(mail_bytes(sender, subject, text, placeholders, received, **headers))


def mail_bytes(
    sender: str, subject: str, text: str, files: dict[str, bytes], received: datetime | None = None,
    **headers: str | None,
) -> bytes:  # fmt: skip
    """The e-mail as a mail server stores it; a header given as None is left out."""
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, MINISTRY, subject
    if received:
        mail["Date"] = format_datetime(received)
    digest = hashlib.sha1(f"{sender}|{subject}|{text}|{tuple(files)}".encode()).hexdigest()[:16]
    mail["Message-ID"] = f"<{digest}@mail.example>"
    for name, value in headers.items():
        if value is not None:
            mail[name.replace("_", "-")] = value
    mail.set_content(text)
    for name, data in files.items():
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return mail.as_bytes(policy=_SMTP)


def person(rng: random.Random, webmail: bool = True) -> tuple[str, str]:
    name = rng.choice(PEOPLE)
    parts = slug(name.split()[-1]) + "".join(slug(w)[0] for w in name.split()[:-1])
    return name, f"{parts}{rng.randint(70, 99)}@{rng.choice(WEBMAIL)}"


def sender_for(kind: str, unit: Unit, rng: random.Random, era: Era) -> tuple[str, dict[str, list[str]]]:
    """(From header, contacts) for a domain, known-webmail or unknown-webmail sender."""
    if kind == "domain":
        display = rng.choice((f"{era.office_short} {unit.name}", "Văn phòng Sở", "", rng.choice(PEOPLE)))
        address = f"{rng.choice(('vanphong', 'sldtbxh', 'snv', 'vt'))}@{domain_of(unit, rng)}"
        return (f"{display} <{address}>" if display else address), {}
    name, address = person(rng)
    contacts = {unit.code: [address]} if kind == "webmail_known" else {}
    if kind == "webmail_known":  # a few other units' contacts too, as a real list holds
        contacts["01" if unit.code != "01" else "22"] = ["vanphong.sldtbxh@gmail.com"]
    return f"{name} <{address}>", contacts


def subject_for(unit_name: str, era: Era, rng: random.Random) -> str:
    y = era.year
    return rng.choice((
        f"Báo cáo kết quả thực hiện năm {y} - {era.office_short} {unit_name}",
        f"V/v gửi báo cáo năm {y}", f"Gửi báo cáo đánh giá tình hình thực hiện năm {y}, kế hoạch năm {y + 1}",
        "Báo cáo theo Công văn " + era.letter, f"{era.office_short} {unit_name} gửi báo cáo năm {y}",
    ))  # fmt: skip


def body_for(unit_name: str, era: Era, rng: random.Random, neighbour: str | None = None) -> str:
    lines = ["Kính gửi Vụ Kế hoạch - Tài chính,"]
    if neighbour:
        lines.append(f"So với tỉnh {neighbour}, kết quả năm {era.year} của {unit_name} còn thấp.")
    lines.append(rng.choice((f"{era.office_short} {unit_name} xin gửi kèm báo cáo.", "Xin gửi kèm báo cáo.",
                             "Đơn vị gửi báo cáo theo yêu cầu.")))
    return "\n".join([*lines, "Trân trọng."])


# --- Submissions -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    """How one submission is written; the defaults are the plainest case."""

    sender: str = "domain"  # domain | webmail_known | webmail_unknown
    issuer: str = "name"  # name | plain | tp | none (a Sở-only letterhead)
    place: str = "name"  # name | city | none
    header_name: str | None = None  # the letterhead's spelling of the unit (an alias, an old name)
    mail_name: str | None = None  # the subject's and file name's spelling
    neighbour: str | None = None  # another unit, cited in the e-mail body
    recipients: str | None = None  # another unit, in the "Nơi nhận" list and the sections
    cooperation: str | None = None  # another unit, named first in the report's opening (a joint programme)
    forwarded: bool = False  # sent on by the ministry's clerk


def submission(name: str, family: str, era: Era, unit: Unit, rng: random.Random, v: Variant,
               expected: str | None = None) -> Case:  # fmt: skip
    header_name = v.header_name or unit.name
    mail_name = v.mail_name or header_name
    issuer = "" if v.issuer == "none" else issuer_of(unit, header_name, v.issuer) + "\n"
    place = {"none": "", "city": place_of(unit, rng, "city")}.get(v.place, place_of(unit, rng))
    if v.place == "name" and v.header_name:
        place = header_name
    title = opening = results = recipients = None
    if v.cooperation:
        title = f"Kết quả thực hiện Chương trình hợp tác với tỉnh {v.cooperation} năm {era.year}"
        opening = (f"Thực hiện Chương trình hợp tác giữa UBND tỉnh {v.cooperation} và UBND tỉnh {header_name} "
                   f"giai đoạn 2016 - 2020, {era.office_short} báo cáo kết quả năm {era.year} như sau:")
    if v.recipients:
        results = f"Tỷ lệ lao động qua đào tạo thấp hơn tỉnh {v.recipients}, cao hơn bình quân cả nước."
        recipients = f"Nơi nhận:\n- Bộ (b/c);\n- UBND tỉnh {v.recipients};\n- UBND tỉnh {header_name};\n- Lưu: VT."
    day = rng.randint(1, 12)
    blocks = report_blocks(era, issuer.rstrip("\n"), date_line(place, era.year, 12, day) if place else
                           f"ngày {day} tháng 12 năm {era.year}", title=title, opening=opening,
                           results_extra=results, recipients=recipients, rng=rng)  # fmt: skip
    if v.issuer == "none":
        blocks[0] = table((f"{era.office}\n-------", blocks[0].table.rows[0][1]), blocks[0].table.rows[1])
    filename = rng.choice((f"BC_{slug(mail_name)}_{era.year}.docx", f"Bao cao nam {era.year} - {mail_name}.docx",
                           f"bao cao {era.year}.docx", f"{plain(mail_name).replace(' ', '')}_BC{era.year}.docx"))
    received = era.received(rng)
    if v.forwarded:
        inner = f"{era.office_short} {mail_name}"
        parsed = compose(f"Văn thư Bộ <vanthu@{era.ministry_domain}>", f"Fwd: Báo cáo năm {era.year} - {inner}",
                         f"Chuyển tiếp báo cáo của {inner} để Vụ tổng hợp.\n\n---------- Forwarded message ---------\n"
                         f"From: {inner} <vanphong@{domain_of(unit, rng)}>\nSubject: Báo cáo năm {era.year}",
                         (filename,), received)  # fmt: skip
        contacts: dict[str, list[str]] = {}
    else:
        sender, contacts = sender_for(v.sender, unit, rng, era)
        parsed = compose(sender, subject_for(mail_name, era, rng), body_for(mail_name, era, rng, v.neighbour),
                         (filename,), received, In_Reply_To=era.request_id if rng.random() < 0.3 else None)
    return Case(name, family, parsed, ((filename, analysis(blocks, filename)),), received,
                expected or unit.code, era.year, contacts=contacts)


def _other(units: tuple[Unit, ...], unit: Unit, rng: random.Random) -> Unit:
    return rng.choice([u for u in units if u.code != unit.code])


def unit_cases(era: Era, rng: random.Random, per_unit: int) -> list[Case]:
    """`per_unit` submissions of every unit, cycling through senders and spellings; some cite others."""
    units = builtin(era.registry).units
    senders = ("domain", "webmail_known", "webmail_unknown")
    styles = (("name", "name"), ("plain", "name"), ("tp", "city"), ("name", "city"), ("none", "name"))
    cases = []
    for index, unit in enumerate(units):
        for round_ in range(per_unit):
            sender = senders[(index + round_) % 3]
            issuer, place = styles[(index * per_unit + round_) % len(styles)]
            variant, family = Variant(sender, issuer, place), sender
            if (index + round_) % 4 == 3:
                other = _other(units, unit, rng).name
                kind = rng.choice(("neighbour", "recipients", "cooperation"))
                variant = Variant(sender, "name", place, **{kind: other})
                family = "cites_other"
            cases.append(submission(f"{era.registry}-{unit.code}-{round_}-{family}", family, era, unit, rng, variant))
    return cases


def alias_cases(rng: random.Random) -> list[Case]:
    """Every alias of aliases.csv: long ones in the letterhead, short ones (HN, TTH) in the subject and file name."""
    rows = [row for _, row in read_csv_rows((DATA_DIR / "aliases.csv").read_text(encoding="utf-8"))]
    cases = []
    for number, row in enumerate(rows):
        era = VN63 if row["registry"] == "vn63" else VN34
        unit = builtin(era.registry).unit(row["code"])
        alias = row["alias"]
        short = sum(c.isalnum() for c in alias) <= 4 or "-" in alias or alias.isupper()
        if short:
            variant = Variant(("webmail_unknown", "domain")[number % 2], "none", "name", mail_name=alias)
        else:
            variant = Variant(("webmail_unknown", "webmail_known")[number % 2], "name", "name", header_name=alias)
        name = f"alias-{number}-{row['registry']}-{row['code']}-{slug(alias)}"
        cases.append(submission(name, "alias", era, unit, rng, variant))
    return cases


def old_name_cases(rng: random.Random) -> list[Case]:
    """2025 reports by old (vn63) names or domains: they belong to the successor."""
    old, cases = builtin("vn63"), []
    for index, unit in enumerate(old.units):
        if successor(unit.code) == unit.code and len(predecessors(unit.code)) == 1:
            continue  # nothing merged: the same as a post-merger name
        if index % 2:
            continue
        new = builtin("vn34").unit(successor(unit.code))
        as_vn34 = Unit(new.code, new.name, new.full_name, "vn34", new.aliases, new.cities, unit.domains)
        variant = Variant(("domain", "webmail_unknown")[index % 4 == 0], "name", "name", header_name=unit.name)
        cases.append(submission(f"vn34-old-{unit.code}", "vn34_old_name", VN34, as_vn34, rng, variant, new.code))
    return cases


def forwarded_cases(era: Era, rng: random.Random, count: int) -> list[Case]:
    units = builtin(era.registry).units
    return [submission(f"fwd-{era.registry}-{i}", "forwarded", era, unit, rng, Variant(forwarded=True))
            for i, unit in enumerate(rng.sample(units, count))]  # fmt: skip


def real_docx_cases(rng: random.Random, count: int) -> list[Case]:
    from parsers.documents.read import read_document
    from reportbox.sample_documents import report_docx

    cases = []
    for index, unit in enumerate(rng.sample(builtin("vn63").units, count)):
        data = report_docx(unit.name, 2019, pages=1, seed=index, covering_letter=index % 3 == 0)
        filename = f"Bao cao nam 2019 - {plain(unit.name)}.docx"
        document = read_document(data, filename, "docx")
        sender, contacts = sender_for(("domain", "webmail_known", "webmail_unknown")[index % 3], unit, rng, VN63)
        received = VN63.received(rng)
        parsed = compose(sender, subject_for(unit.name, VN63, rng), body_for(unit.name, VN63, rng), (filename,),
                         received)  # fmt: skip
        cases.append(Case(f"docx-{unit.code}", "real_docx", parsed, ((filename, split_document(document)),),
                          received, unit.code, 2019, contacts=contacts))
    return cases


# --- Not submissions -------------------------------------------------------------------------------
def other_period_cases(era: Era, rng: random.Random, count: int, kind: str) -> list[Case]:
    """Half-year and nine-month reports: the right province and year, the wrong period."""
    units, cases = builtin(era.registry).units, []
    phrase, month = {"half_year": ("6 tháng đầu năm", 6), "nine_months": ("9 tháng năm", 9)}[kind]
    for index, unit in enumerate(rng.sample(units, count)):
        title = rng.choice((f"Kết quả thực hiện nhiệm vụ {phrase} {era.year}, phương hướng nhiệm vụ các tháng còn lại",
                            f"Tình hình thực hiện {phrase} {era.year}"))
        blocks = report_blocks(era, issuer_of(unit), date_line(unit.name, era.year, month, 20), title=title, rng=rng)
        late = index % 3 == 0  # a late one arrives in December, inside the year-end campaign's window
        received = era.received(rng, 12 if late else month)
        filename = f"BC {phrase} {era.year} {unit.name}.docx"
        sender, contacts = sender_for(("domain", "webmail_unknown")[index % 2], unit, rng, era)
        parsed = compose(sender, f"Báo cáo {phrase} {era.year} - {era.office_short} {unit.name}",
                         f"Kính gửi Vụ,\nXin gửi báo cáo {phrase} {era.year}.", (filename,), received)
        cases.append(Case(f"{kind}-{era.registry}-{unit.code}", kind, parsed, ((filename, analysis(blocks)),),
                          received, unit.code, era.year, "not_submission", "other_period", contacts))
    return cases


def reply_cases(era: Era, rng: random.Random, count: int) -> list[Case]:
    """"Đã nhận" and "will send later" answers to the request, with no file."""
    texts = ("Đã nhận.", "Đã nhận được công văn, Sở sẽ gửi báo cáo trước ngày 15/12.",
             "Dạ, đơn vị đã nhận. Trân trọng.", f"Đã nhận công văn số {era.letter}, đang tổng hợp số liệu.")
    cases = []
    for index, unit in enumerate(rng.sample(builtin(era.registry).units, count)):
        sender, contacts = sender_for(("domain", "webmail_known", "webmail_unknown")[index % 3], unit, rng, era)
        received = era.received(rng, 11 if index % 2 else 12)
        parsed = compose(sender, f"Re: Đề nghị báo cáo kết quả thực hiện nhiệm vụ năm {era.year}", texts[index % 4],
                         (), received, In_Reply_To=era.request_id)  # fmt: skip
        cases.append(Case(f"reply-{era.registry}-{unit.code}", "reply", parsed, (), received, unit.code, None,
                          "not_submission", "no_documents", contacts))  # fmt: skip
    return cases


def auto_reply_cases(era: Era, rng: random.Random, count: int) -> list[Case]:
    subjects = ("Trả lời tự động: Đề nghị báo cáo năm {y}", "Tự động trả lời: Re: Báo cáo năm {y}",
                "Automatic reply: Đề nghị báo cáo năm {y}", "Re: Đề nghị báo cáo năm {y}")
    cases = []
    for index, unit in enumerate(rng.sample(builtin(era.registry).units, count)):
        sender, contacts = sender_for(("domain", "webmail_unknown")[index % 2], unit, rng, era)
        received = era.received(rng)
        headers = {"Auto_Submitted": "auto-replied"} if index % 4 == 3 or index % 3 == 0 else {}
        parsed = compose(sender, subjects[index % 4].format(y=era.year),
                         "Tôi đang đi công tác đến hết ngày 20/12, sẽ trả lời khi trở về. Báo cáo năm "
                         f"{era.year} xin liên hệ văn phòng Sở.", (), received, **headers)  # fmt: skip
        cases.append(Case(f"auto-{era.registry}-{unit.code}", "auto_reply", parsed, (), received, None, None,
                          "not_submission", "auto_reply", contacts))
    return cases


def bounce_cases(era: Era, rng: random.Random, count: int) -> list[Case]:
    """Delivery failures of the ministry's own request: they carry the request (a letter naming provinces)."""
    senders = (f"MAILER-DAEMON@mail.{era.ministry_domain}", "Mail Delivery System <postmaster@quangninh.gov.vn>",
               "Mail Delivery Subsystem <mailer-daemon@googlemail.com>", f"Hệ thống thư <noreply@mail.{era.ministry_domain}>")
    subjects = ("Undelivered Mail Returned to Sender", "Delivery Status Notification (Failure)",
                "Mail delivery failed: returning message to sender", "Không gửi được thư: Đề nghị báo cáo năm {y}")
    cases = []
    for index in range(count):
        received = era.received(rng, 11)
        filename = f"CV {era.letter.split('/')[0]} bao cao nam {era.year}.pdf"
        parsed = compose(senders[index % 4], subjects[index % 4].format(y=era.year),
                         "This is the mail system. Your message could not be delivered to one or more recipients.",
                         (filename,), received, Auto_Submitted="auto-replied")  # fmt: skip
        cases.append(Case(f"bounce-{era.registry}-{index}", "bounce", parsed,
                          ((filename, analysis(ministry_letter_blocks(era))),), received, None, None,
                          "not_submission", "delivery_status"))  # fmt: skip
    return cases


# --- The set ---------------------------------------------------------------------------------------
def build_cases(seed: int = 2019, real_docx: int = 20) -> list[Case]:
    """The labelled set, in a fixed order, the same for the same seed."""
    rng = random.Random(seed)
    cases = [
        *unit_cases(VN63, rng, per_unit=3), *unit_cases(VN34, rng, per_unit=3), *alias_cases(rng),
        *old_name_cases(rng), *forwarded_cases(VN63, rng, 10), *forwarded_cases(VN34, rng, 5),
        *real_docx_cases(rng, real_docx), *hard_cases(rng),
        *other_period_cases(VN63, rng, 8, "half_year"), *other_period_cases(VN34, rng, 4, "half_year"),
        *other_period_cases(VN63, rng, 6, "nine_months"), *other_period_cases(VN34, rng, 3, "nine_months"),
        *reply_cases(VN63, rng, 8), *reply_cases(VN34, rng, 4), *auto_reply_cases(VN63, rng, 8),
        *auto_reply_cases(VN34, rng, 4), *bounce_cases(VN63, rng, 4), *bounce_cases(VN34, rng, 4),
    ]  # fmt: skip
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    return cases


def hard_cases(rng: random.Random) -> list[Case]:
    """Namesake senders, another province named first in the subject, weak letterheads, late reports."""
    cases, units = [], builtin("vn63").units
    for index, unit in enumerate(rng.sample(units, 24)):
        era, received = VN63, VN63.received(rng)
        other = _other(units, unit, rng)
        namesake = rng.choice(NAMESAKES)
        address = f"{slug(namesake)}{rng.randint(60, 99)}@{rng.choice(WEBMAIL)}"
        kind = index % 4
        issuer = "" if kind == 2 else issuer_of(unit)
        place = rng.choice((unit.name, *unit.cities)) if kind != 3 else unit.name
        title = opening = None
        subject = subject_for(unit.name, era, rng)
        if kind == 1:  # a report on cooperation, the partner named first everywhere but the letterhead
            subject = f"Báo cáo kết quả hợp tác với tỉnh {other.name} năm {era.year}"
            title = f"Kết quả thực hiện Chương trình hợp tác với tỉnh {other.name} năm {era.year}"
            opening = f"Thực hiện Chương trình hợp tác giữa UBND tỉnh {other.name} và UBND tỉnh {unit.name}:"
        year = era.year
        if kind == 3:  # the previous year's report, sent late
            year, received = 2018, datetime(2019, 1, rng.randint(2, 20), 3, tzinfo=timezone.utc)
            era = Era("vn63", 2018, TK2018.letter, VN63.office, VN63.office_short, TK2018.message_ids[0])
            subject = f"Báo cáo năm 2018 (gửi bổ sung) - {era.office_short} {unit.name}"
        blocks = report_blocks(era, issuer, date_line(place, era.year, 12, rng.randint(1, 28)), title=title,
                               opening=opening, rng=rng)  # fmt: skip
        if not issuer:
            blocks[0] = table((f"{era.office}\n-------", blocks[0].table.rows[0][1]), blocks[0].table.rows[1])
        filename = rng.choice(("baocao.docx", f"BC {year}.docx", f"BC_{slug(unit.name)}.docx"))
        parsed = compose(f"{namesake} <{address}>", subject, body_for(unit.name, era, rng), (filename,), received)
        cases.append(Case(f"hard-{index}-{unit.code}", "hard", parsed, ((filename, analysis(blocks, filename)),),
                          received, unit.code, year))
    return cases


# --- Scoring ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    cases: int
    submissions: int  # cases labelled submission
    accepted: int  # of those, accepted
    accepted_right: int  # accepted with unit AND year right
    unit_right: int  # the unit decided (any state) is the labelled one
    year_right: int
    not_submissions: int
    not_submissions_right: int  # kind and reason as labelled
    not_submissions_accepted: int  # must be 0
    wrong_accepted: tuple[str, ...]  # case names

    @property
    def precision(self) -> float:
        """Of the accepted submissions, the share with unit and year right."""
        return self.accepted_right / self.accepted if self.accepted else 1.0

    @property
    def recall(self) -> float:
        """Of the submissions, the share accepted with unit and year right."""
        return self.accepted_right / self.submissions if self.submissions else 1.0


def identify_case(case: Case, campaigns: tuple[CampaignInfo, ...] = CAMPAIGNS):
    from parsers.identify import facts_from, identify

    return identify(facts_from(case.parsed, list(case.analyses), case.received_at), campaigns, contacts=case.contacts)


def score(cases: list[Case], results: list) -> Score:
    subs = [(c, r) for c, r in zip(cases, results) if c.expected_kind == "submission"]
    nots = [(c, r) for c, r in zip(cases, results) if c.expected_kind != "submission"]
    accepted = [(c, r) for c, r in subs if r.state == "accepted"]
    right = [(c, r) for c, r in accepted if (r.unit, r.report_year) == (c.expected_unit, c.expected_year)]
    return Score(
        cases=len(cases), submissions=len(subs), accepted=len(accepted), accepted_right=len(right),
        unit_right=sum(r.unit == c.expected_unit for c, r in subs),
        year_right=sum(r.report_year == c.expected_year for c, r in subs),
        not_submissions=len(nots),
        not_submissions_right=sum((r.kind, r.reason) == (c.expected_kind, c.expected_reason) for c, r in nots),
        not_submissions_accepted=sum(r.state == "accepted" for _, r in nots),
        wrong_accepted=tuple(c.name for c, r in accepted if (c, r) not in right),
    )  # fmt: skip


def report_table(cases: list[Case], results: list) -> str:
    """Per family: cases, accepted, accepted right, unit right, year right (or kind right); then the totals."""
    families = sorted({c.family for c in cases}, key=[c.family for c in cases].index)
    lines = [f"{'family':<16}{'cases':>6}{'accepted':>9}{'right':>7}{'unit ok':>8}{'year ok':>8}{'other ok':>9}"]
    for family in families:
        pairs = [(c, r) for c, r in zip(cases, results) if c.family == family]
        s = score([c for c, _ in pairs], [r for _, r in pairs])
        lines.append(f"{family:<16}{s.cases:>6}{s.accepted:>9}{s.accepted_right:>7}{s.unit_right:>8}{s.year_right:>8}"
                     f"{s.not_submissions_right:>9}")  # fmt: skip
    s = score(cases, results)
    lines += [
        f"{'all':<16}{s.cases:>6}{s.accepted:>9}{s.accepted_right:>7}{s.unit_right:>8}{s.year_right:>8}"
        f"{s.not_submissions_right:>9}",
        f"accepted submissions: precision (unit and year right) {s.precision:.1%} of {s.accepted}, "
        f"recall {s.recall:.1%} of {s.submissions}",
        f"all submissions, any state: unit right {s.unit_right / s.submissions:.1%}, "
        f"year right {s.year_right / s.submissions:.1%}",
        f"not submissions: kind and reason right {s.not_submissions_right}/{s.not_submissions}, "
        f"accepted {s.not_submissions_accepted}",
    ]  # fmt: skip
    return "\n".join(lines)
