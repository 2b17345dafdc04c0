"""A labelled set of generated messages of today's campaigns (34 provinces, Bộ Nội vụ and Sở Nội vụ):
issue 18's measurement (tests/parsers/test_identify_accuracy_2026.py, bench/identify.py --set vn34,
tests/ingest/test_campaign_2026_status.py).

Since 1 March 2025 the labour ministry is part of Bộ Nội vụ (Resolution 176/2025/QH15, Decree
25/2025/NĐ-CP) and each province's Sở LĐTBXH merged into its Sở Nội vụ (Decree 45/2025/NĐ-CP, which
moved social protection and children to the Sở Y tế); since 1 July 2025 there are 34 provinces
(Resolution 202/2025/QH15). Two campaigns of Bộ Nội vụ to the 34: the 2025 year-end report (its
report year straddles the merger, its deadline is in January 2026) and the 2026 one.

`build_cases_2026(seed)` gives a few hundred `Case`s (tests/parsers/identify_corpus.py's, built with its
builders), deterministic for a seed, each labelled as a person would: the vn34 unit that sent it,
the report year, the kind (a report counted for its campaign, another report of the unit, or no
submission and why). Families (`Case.family`):
- `new_domain`: every unit twice (2025 and 2026), letterhead `UBND TỈNH X / SỞ NỘI VỤ` or
  `UBND THÀNH PHỐ X / SỞ NỘI VỤ`, number …/BC-SNV, sent from the new province's domain.
- `old_domain`: every absorbed province, sent from its old domain (hagiang.gov.vn): the successor's report.
- `letterhead`: unknown webmail senders; only the letterhead (spelt several ways) and the place line say who.
- `webmail_known`: a webmail sender with a contacts entry, and a plain Sở-only letterhead.
- `former_named`: reports naming former provinces ("tỉnh Hà Giang (cũ)", "trên địa bàn tỉnh Tuyên
  Quang sau sắp xếp", the list of the merged provinces, a neighbour's former name).
- `stamp`: PDFs (text as the PDF reader lays it out) with the digital-signature stamp "Người ký: Sở
  Nội vụ tỉnh X", from webmail; some stamps name a person.
- `scan`: scanned PDFs, their text as the OCR path gives it (Tesseract's lines, a few words without diacritics).
- `signer_name`: signers (and webmail display names) whose given names are provinces' names
  ("Nguyễn Thị Thanh Hoa", "Trần Bình Định"), of another unit than the sender's.
- `late`: 2025 reports after the January 2026 deadline, and "gửi lại" re-sent ones.
- `forwarded`: 2026 reports forwarded by the ministry's clerk.
- `health`: the Sở Y tế's reports (social protection and children): the 2026 letter addressed it too,
  so they count for their unit; the 2025 one did not, so they are the unit's other reports.
- `other_department`: the Sở GD&ĐT's (vocational education) and the Sở Nông nghiệp và Môi trường's
  (poverty reduction) reports: addressed by neither letter, the unit's other reports.
- `ubnd`: reports the province's UBND issues and signs itself: the unit's answer.
- not submissions: `half_year` (other_period), `reply` (no_documents), `auto_reply`, `bounce` (delivery_status).
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime

from parsers.documents.model import Block, Document, SignatureStamp
from parsers.documents.pdf_layout import layout_blocks
from parsers.identify import CampaignInfo
from parsers.registry import Unit, builtin, predecessors
from parsers.sections import Analysis, split_document
from tests.parsers.identify_corpus import (
    PEOPLE, Case, Era, analysis, auto_reply_cases, bounce_cases, compose, date_line, forwarded_cases, identify_case,
    issuer_of, mail_bytes, other_period_cases, plain, reply_cases, report_blocks, score, sender_for, slug,
)  # fmt: skip
from tests.parsers.report_texts import as_pdf_lines

BNV2025 = CampaignInfo(
    "bnv2025", "7150/BNV-KHTC", 2025, 2026, date(2025, 12, 5), date(2026, 1, 10), "vn34", ("<req-bnv2025@moha.gov.vn>",),
    title="Báo cáo đánh giá tình hình thực hiện năm 2025; nhiệm vụ, giải pháp năm 2026",
    subject="V/v báo cáo đánh giá tình hình thực hiện năm 2025; nhiệm vụ, giải pháp năm 2026",
    departments=("noi_vu", "ldtbxh"),
)  # fmt: skip
BNV2026 = CampaignInfo(
    "bnv2026", "6215/BNV-KHTC", 2026, 2027, date(2026, 11, 20), date(2026, 12, 15), "vn34", ("<req-bnv2026@moha.gov.vn>",),
    title="Báo cáo đánh giá tình hình thực hiện năm 2026; nhiệm vụ, giải pháp năm 2027",
    subject="V/v báo cáo đánh giá tình hình thực hiện năm 2026; nhiệm vụ, giải pháp năm 2027",
    departments=("noi_vu", "ldtbxh", "y_te"),
)  # fmt: skip
CAMPAIGNS_2026 = (BNV2025, BNV2026)


@dataclass(frozen=True)
class Office:
    """A provincial department that reports (Decree 45/2025/NĐ-CP)."""

    upper: str  # as a letterhead writes it
    name: str
    symbol: str  # in a document number: "…/BC-SNV"
    mailboxes: tuple[str, ...]  # its addresses' local parts and host labels
    field: str = ""  # the part of the work it reports on, in its title


OFFICES = {
    "noi_vu": Office("SỞ NỘI VỤ", "Sở Nội vụ", "SNV", ("snv", "sonoivu", "vanthu.snv", "vanphong.snv")),
    # Social protection and children moved from the Sở LĐTBXH to the Sở Y tế (Decree 45/2025/NĐ-CP).
    "y_te": Office("SỞ Y TẾ", "Sở Y tế", "SYT", ("syt", "soyte", "vanphong.syt"), " lĩnh vực bảo trợ xã hội, trẻ em"),
    # Vocational education and poverty reduction went elsewhere too: neither letter here addresses them.
    "gd_dt": Office("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo", "SGDĐT", ("sgddt", "sogddt"),
                    " lĩnh vực giáo dục nghề nghiệp"),
    "nn_mt": Office("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Sở Nông nghiệp và Môi trường", "SNNMT", ("snnmt", "sonnmt"),
                    " lĩnh vực giảm nghèo"),
    # The province's people's committee itself: it answers for all of its departments.
    "ubnd": Office("", "Ủy ban nhân dân", "UBND", ("ubnd", "vanthu.ubnd")),
}


def era_of(campaign: CampaignInfo, office: str = "noi_vu") -> Era:
    o = OFFICES[office]
    return Era("vn34", campaign.report_year, campaign.letter, o.upper, o.name, campaign.message_ids[0], o.symbol,
               "BỘ NỘI VỤ", "moha.gov.vn")  # fmt: skip


ERAS = {c.id: era_of(c) for c in CAMPAIGNS_2026}
# Given names that are provinces' names: a person's name in a signature is no province signal.
NAMESAKE_SIGNERS = (
    "Nguyễn Thị Thanh Hoa", "Trần Bình Định", "Lê Thị Hà Giang", "Phạm Nam Định", "Vũ Thái Bình", "Đỗ Quảng Nam",
    "Hoàng Thị Hà Nam", "Bùi Thị Hải Dương", "Nguyễn Kiên Giang", "Lê Thị Phú Yên", "Trần Vĩnh Long",
    "Nguyễn Long An", "Lê Bình Dương", "Phạm Ninh Bình", "Đặng Thị Thanh Hóa", "Ngô Quảng Bình",
)  # fmt: skip


# --- The units -------------------------------------------------------------------------------------
def units_34() -> tuple[Unit, ...]:
    return builtin("vn34").units


def new_domain(unit: Unit) -> str:
    """The new province's own domain: the one named after it (hue.gov.vn, not thuathienhue.gov.vn)."""
    named = [d for d in unit.domains if d.split(".")[0] == slug(unit.name)]
    containing = [d for d in unit.domains if slug(unit.name) in d.replace("-", "")]
    return (named or containing or list(unit.domains))[0]


def absorbed(unit: Unit) -> tuple[Unit, ...]:
    """The former (vn63) provinces merged into `unit` other than the one whose name it kept (none for a
    province only renamed: Thừa Thiên Huế became Thành phố Huế)."""
    old, codes = builtin("vn63"), predecessors(unit.code)
    return () if len(codes) == 1 else tuple(old.unit(c) for c in codes if old.unit(c).name != unit.name)


def kind_of(unit: Unit) -> str:
    return "THÀNH PHỐ" if unit.full_name.startswith("Thành phố") else "TỈNH"


def province_phrase(unit: Unit, name: str | None = None) -> str:
    """'tỉnh Tuyên Quang' / 'thành phố Huế' as running text writes them."""
    return f"{kind_of(unit).lower()} {name or unit.name}"


def upper_first(text: str) -> str:
    """'Tỉnh Tuyên Quang' from 'tỉnh Tuyên Quang' (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


def letterhead(unit: Unit, style: str, department: str = "SỞ NỘI VỤ") -> str:
    """The letterhead's left column above its rule: the issuing UBND (several spellings), then the department."""
    if style == "full":
        return f"ỦY BAN NHÂN DÂN\n{kind_of(unit)} {unit.name.upper()}" + (f"\n{department}" if department else "")
    if style == "dept_named":  # no UBND line: the department names its province
        return f"{department} {kind_of(unit)} {unit.name.upper()}"
    if style == "dept_only":
        return department
    issuer = issuer_of(unit, style={"ubnd": "name", "tp": "tp", "plain": "plain"}[style])
    if not department:  # the UBND's own report
        return issuer
    return f"{issuer}\n{plain(department) if style == 'plain' else department}"


# --- Times -----------------------------------------------------------------------------------------
VIETNAM = timezone(timedelta(hours=7))


def received_before(campaign: CampaignInfo, rng: random.Random) -> datetime:
    """A working-hours moment between a week after the request and the deadline (Vietnam time, stored as UTC)."""
    first, last = campaign.issued + timedelta(days=7), campaign.deadline
    day = first + timedelta(days=rng.randint(0, (last - first).days))
    moment = datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.randint(0, 59), tzinfo=VIETNAM)
    return moment.astimezone(timezone.utc)


def received_late(campaign: CampaignInfo, rng: random.Random) -> datetime:
    day = campaign.deadline + timedelta(days=rng.randint(1, 20))
    return datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.randint(0, 59), tzinfo=VIETNAM).astimezone(
        timezone.utc)  # fmt: skip


# --- Documents -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Report:
    """How one 2025/2026 report is written and sent; the defaults are the plainest case."""

    sender: str = "new_domain"  # new_domain | old_domain | webmail_known | webmail_unknown
    head: str = "ubnd"  # ubnd | full | tp | plain | dept_named | dept_only (see `letterhead`)
    place: bool = True  # a place line "Tuyên Quang, ngày …"
    form: str = "docx"  # docx | pdf (with the digital-signature stamp) | scan (OCR'd text)
    stamp_signer: str | None = None  # who the stamp says signed: default the office of the unit
    office: str = "noi_vu"  # which department sends it (OFFICES)
    signer: str | None = None  # the closing's signer (a person)
    display: str | None = None  # the webmail sender's display name
    former: str | None = None  # how the report names former provinces: own | list | neighbour
    old_code: str | None = None  # the absorbed (vn63) province whose domain sends it
    late: bool = False
    resent: bool = False
    bare: bool = False  # the text, subject and file name do not name the province (only the letterhead/stamp may)
    half_year: bool = False  # the first half's report, not the year-end one


def _opening(campaign: CampaignInfo, unit: Unit, r: Report) -> str:
    issued, office, bare = campaign.issued, OFFICES[r.office], r.bare
    return (f"Thực hiện Công văn số {campaign.letter} ngày {issued.day:02d}/{issued.month:02d}/{issued.year} của Bộ "
            f"Nội vụ về việc báo cáo kết quả thực hiện nhiệm vụ năm {campaign.report_year}, kế hoạch năm "
            f"{campaign.plan_year}, {office.name}{'' if bare else ' ' + province_phrase(unit)} báo cáo như sau:")  # fmt: skip


def _former_text(unit: Unit, how: str, rng: random.Random) -> tuple[str | None, str]:
    """(title suffix, a results sentence) naming former provinces as a 2025/2026 report does."""
    merged = absorbed(unit)
    if how == "neighbour" or not merged:  # a neighbour, by its former name: now part of another unit
        others = [u for u in units_34() if u.code != unit.code and absorbed(u)]
        other = rng.choice(others)
        former = rng.choice(absorbed(other))
        return None, (f"Tỷ lệ lao động qua đào tạo cao hơn khu vực tỉnh {former.name} (cũ), nay thuộc "
                      f"{province_phrase(other)}, nhưng còn thấp hơn bình quân cả nước.")  # fmt: skip
    old = rng.choice(merged)
    if how == "list":
        names = " và ".join(f"tỉnh {u.name}" for u in (*merged, unit) if u.name != unit.name)
        return (f" (số liệu của {names} trước sắp xếp)",
                f"Sau khi hợp nhất {names} và {province_phrase(unit)} thành {province_phrase(unit)} theo Nghị quyết "
                f"số 202/2025/QH15, trên địa bàn {province_phrase(unit)} sau sắp xếp có {rng.randint(60, 180)} xã, "
                f"phường.")  # fmt: skip
    return None, (f"Riêng khu vực tỉnh {old.name} (cũ) tỷ lệ hộ nghèo còn {rng.randint(5, 19)},{rng.randint(1, 9)}%; "
                  f"trên địa bàn {province_phrase(unit)} sau sắp xếp đã giải quyết việc làm cho "
                  f"{rng.randint(10, 40)}.{rng.randint(100, 999)} lao động.")  # fmt: skip


def report_document(campaign: CampaignInfo, unit: Unit, r: Report, received: datetime,
                    rng: random.Random) -> list[Block]:  # fmt: skip
    """The report as the docx reader gives it, dated up to two days before it was sent."""
    era, office = era_of(campaign, r.office), OFFICES[r.office]
    title_suffix, extra = _former_text(unit, r.former, rng) if r.former else (None, None)
    title = (f"Kết quả thực hiện nhiệm vụ năm {era.year}{office.field}, kế hoạch năm {era.year + 1}"
             + (title_suffix or ""))  # fmt: skip
    if r.half_year:
        title = f"Kết quả thực hiện nhiệm vụ 6 tháng đầu năm {era.year}, phương hướng nhiệm vụ 6 tháng cuối năm"
    when = received.astimezone(VIETNAM).date() - timedelta(days=rng.randint(0, 2))
    place = rng.choice((unit.name, upper_first(province_phrase(unit)))) if r.place else None
    dated = date_line(place, when.year, when.month, when.day) if place else \
        f"ngày {when.day} tháng {when.month} năm {when.year}"
    recipients = (f"Nơi nhận:\n- Bộ Nội vụ (b/c);\n- UBND {'tỉnh' if r.bare else province_phrase(unit)} (b/c);\n"
                  "- Giám đốc Sở;\n- Lưu: VT, KHTC.")  # fmt: skip
    head = letterhead(unit, r.head, office.upper)
    blocks = report_blocks(era, "", dated, title=title, opening=_opening(campaign, unit, r), results_extra=extra,
                           recipients=recipients, signer=r.signer, left_head=head, rng=rng)  # fmt: skip
    return blocks


def stamp_lines(unit: Unit, signer: str | None, signed: datetime, office: str = "noi_vu") -> list[str]:
    """The signing software's box, as the PDF text layer gives its lines."""
    stamp = signer or f"{OFFICES[office].name} {province_phrase(unit)}"
    return [f"Người ký: {stamp}", f"Email: {OFFICES[office].mailboxes[0]}@{new_domain(unit)}",
            f"Cơ quan: {upper_first(province_phrase(unit))}",
            f"Thời gian ký: {signed.astimezone(VIETNAM):%d.%m.%Y %H:%M:%S} +07:00"]  # fmt: skip


def pdf_analysis(blocks: list[Block], path: str, stamp: list[str] | None) -> Analysis:
    """What the PDF reader gives for the report saved as PDF and signed: its lines laid out, the stamp set apart."""
    lines = [block.text for block in as_pdf_lines(blocks)] + (stamp or [])
    laid_out, signatures = layout_blocks([(1, lines)])
    return split_document(Document(path=path, kind="pdf", blocks=tuple(laid_out), pages=1,
                                   signatures=tuple(signatures)))  # fmt: skip


def ocr_lines(blocks: list[Block], rng: random.Random, misread: float = 0.08) -> list[str]:
    """What Tesseract reads off the printed report (checked against a real OCR of these pages): a table row's
    columns on one line ("UBND TỈNH X CỘNG HOÀ XÃ HỘI …", "- Lưu: VT, KHTC. <signer>"), paragraphs apart by
    a blank line, a share of words read without their diacritics ("KẾT QUA THUC HIỆN")."""
    read: list[str] = []
    for block in blocks:
        if block.table is not None:
            for row in block.table.rows:
                # blank lines keep their height: the signer's name sits level with the list's last line
                columns = [[line for line in cell.splitlines() if set(line) != {"-"}] for cell in row]
                joined = [" ".join(c[depth] for c in columns if depth < len(c) and c[depth].strip())
                          for depth in range(max(map(len, columns)))]  # fmt: skip
                read += [line for line in joined if line] + [""]
        else:
            read += [*textwrap.wrap(block.text, 95), ""]
    return [" ".join(plain(w) if rng.random() < misread else w for w in line.split()) for line in read]


def scan_analysis(blocks: list[Block], path: str, rng: random.Random) -> Analysis:
    """What the OCR path gives for a scanned, printed report: its lines laid out as a scanned page's are."""
    laid_out, signatures = layout_blocks([(1, ocr_lines(blocks, rng))])
    return split_document(Document(path=path, kind="pdf", blocks=tuple(laid_out), pages=1, ocr=True,
                                   ocr_confidence=round(rng.uniform(0.72, 0.9), 2), signatures=tuple(signatures),
                                   notes=("1 of 1 pages OCR'd",)))  # fmt: skip


# --- Messages --------------------------------------------------------------------------------------
def sender_2026(r: Report, unit: Unit, rng: random.Random, era: Era) -> tuple[str, dict[str, list[str]]]:
    """(From header, contacts): the new province's domain, an absorbed province's old one, or webmail."""
    if r.sender in ("new_domain", "old_domain"):
        domain = new_domain(unit) if r.sender == "new_domain" else builtin("vn63").unit(r.old_code).domains[0]
        office = OFFICES[r.office]
        host = rng.choice((domain, f"{office.mailboxes[0]}.{domain}", domain))
        display = rng.choice((f"{office.name} {province_phrase(unit)}", "Văn phòng Sở", "", rng.choice(PEOPLE)))
        address = f"{rng.choice(office.mailboxes)}@{host}"
        return (f"{display} <{address}>" if display else address), {}
    sender, contacts = sender_for(r.sender, unit, rng, era)
    if r.display:  # the person's own mailbox, under their name
        address = f"{slug(r.display.split()[-1])}{slug(r.display)[:3]}{rng.randint(70, 99)}@gmail.com"
        sender = f"{r.display} <{address}>"
        if r.sender == "webmail_known":
            contacts = {**contacts, unit.code: [address]}
    return sender, contacts


def subject_2026(unit: Unit, campaign: CampaignInfo, r: Report, rng: random.Random) -> str:
    y, office = campaign.report_year, OFFICES[r.office].name
    if r.half_year:
        return f"Báo cáo 6 tháng đầu năm {y} - {office} {province_phrase(unit)}"
    if r.bare:
        return rng.choice((f"Báo cáo năm {y}", f"V/v gửi báo cáo năm {y}", f"Báo cáo theo Công văn số {campaign.letter}"))
    if r.resent:
        return f"Gửi lại báo cáo năm {y} (thay thế bản đã gửi) - {office} {province_phrase(unit)}"
    choices = [f"Báo cáo kết quả thực hiện nhiệm vụ năm {y}, kế hoạch năm {y + 1}",
               f"{office} {province_phrase(unit)} gửi báo cáo năm {y}{OFFICES[r.office].field}", f"V/v gửi báo cáo năm {y}",
               f"Báo cáo theo Công văn số {campaign.letter}"]  # fmt: skip
    if r.former == "own" and absorbed(unit):
        old = absorbed(unit)[0]
        choices.append(f"Báo cáo năm {y} của {office} {province_phrase(unit)} (gồm số liệu tỉnh {old.name} cũ)")
    return rng.choice(choices)


def body_2026(unit: Unit, r: Report, rng: random.Random) -> str:
    lines = ["Kính gửi Vụ Kế hoạch - Tài chính, Bộ Nội vụ,",
             rng.choice((f"{OFFICES[r.office].name}{'' if r.bare else ' ' + province_phrase(unit)} xin gửi kèm báo cáo.",
                         "Xin gửi kèm báo cáo.",
                         "Đơn vị gửi báo cáo theo yêu cầu, bản ký số đính kèm."))]  # fmt: skip
    if r.resent:
        lines.append("Bản gửi trước thiếu biểu số liệu, đề nghị Vụ sử dụng bản này.")
    if r.signer and r.sender.startswith("webmail"):
        lines.append(f"Người gửi: {r.signer}")
    if r.signer and rng.random() < 0.5:  # the writer's name under the greeting
        return "\n".join([*lines, "Trân trọng.", r.signer, "Phòng Kế hoạch - Tài chính"])
    return "\n".join([*lines, "Trân trọng."])


@dataclass(frozen=True)
class Draft:
    """One report e-mail before it is read: what the test of statuses writes into a mailbox as real files,
    and what `report_case` turns into a labelled Case (the reader's Analysis of its document)."""

    campaign: CampaignInfo
    unit: Unit
    report: Report
    blocks: list[Block]
    stem: str  # the attachment's file name without its extension
    sender: str
    subject: str
    body: str
    received: datetime
    contacts: dict[str, list[str]]
    in_reply_to: str | None

    @property
    def filename(self) -> str:
        return {"pdf": f"{self.stem}_signed.pdf", "scan": f"{self.stem}.pdf"}.get(self.report.form, f"{self.stem}.docx")


def report_draft(campaign: CampaignInfo, unit: Unit, rng: random.Random, r: Report,
                 received: datetime | None = None) -> Draft:  # fmt: skip
    era, symbol = era_of(campaign, r.office), OFFICES[r.office].symbol
    received = received or (received_late(campaign, rng) if r.late else received_before(campaign, rng))
    blocks = report_document(campaign, unit, r, received, rng)
    stem = rng.choice((f"BC_{slug(unit.name)}_{era.year}", f"Bao cao nam {era.year} - {symbol} {plain(unit.name)}",
                       f"bao cao {era.year}", f"{rng.randint(100, 3000)}-BC-{symbol}"))  # fmt: skip
    if r.half_year:
        stem = f"BC 6 thang {era.year} {plain(unit.name)}"
    if r.bare:
        stem = rng.choice((f"bao cao {era.year}", f"{rng.randint(100, 3000)}-BC-{symbol}", "BC nam"))
    sender, contacts = sender_2026(r, unit, rng, era)
    subject, body = subject_2026(unit, campaign, r, rng), body_2026(unit, r, rng)
    in_reply_to = era.request_id if rng.random() < 0.3 else None
    return Draft(campaign, unit, r, blocks, stem, sender, subject, body, received, contacts, in_reply_to)


def report_case(name: str, family: str, campaign: CampaignInfo, unit: Unit, rng: random.Random, r: Report) -> Case:
    d = report_draft(campaign, unit, rng, r)
    if r.form == "pdf":
        stamp = stamp_lines(unit, r.stamp_signer, d.received - timedelta(hours=2), r.office)
        document = pdf_analysis(d.blocks, d.filename, stamp)
    elif r.form == "scan":
        document = scan_analysis(d.blocks, d.filename, rng)
    else:
        document = analysis(d.blocks, d.filename)
    parsed = compose(d.sender, d.subject, d.body, (d.filename,), d.received, In_Reply_To=d.in_reply_to)
    return Case(name, family, parsed, ((d.filename, document),), d.received, unit.code, campaign.report_year,
                contacts=d.contacts, expected_report_kind="report", expected_campaign=campaign.id)  # fmt: skip


# --- Families --------------------------------------------------------------------------------------
def new_domain_cases(rng: random.Random) -> list[Case]:
    heads = ("ubnd", "full", "tp", "ubnd", "dept_named")
    return [report_case(f"new-{c.id}-{u.code}", "new_domain", c, u, rng, Report(head=heads[(i + n) % len(heads)]))
            for n, c in enumerate(CAMPAIGNS_2026) for i, u in enumerate(units_34())]  # fmt: skip


def old_domain_cases(rng: random.Random) -> list[Case]:
    cases = []
    for unit in units_34():
        for index, old in enumerate(absorbed(unit)):
            campaign = CAMPAIGNS_2026[(int(old.code) + index) % 2]
            head = ("ubnd", "dept_only", "full")[int(old.code) % 3]
            r = Report(sender="old_domain", old_code=old.code, head=head)
            cases.append(report_case(f"old-{campaign.id}-{old.code}-{unit.code}", "old_domain", campaign, unit, rng, r))
    return cases


def letterhead_cases(rng: random.Random) -> list[Case]:
    heads = ("ubnd", "plain", "full", "tp", "dept_named")
    return [report_case(f"head-{u.code}", "letterhead", CAMPAIGNS_2026[i % 2], u, rng,
                        Report(sender="webmail_unknown", head=heads[i % len(heads)]))
            for i, u in enumerate(units_34())]  # fmt: skip


def webmail_known_cases(rng: random.Random) -> list[Case]:
    return [report_case(f"known-{u.code}", "webmail_known", CAMPAIGNS_2026[(i + 1) % 2], u, rng,
                        Report(sender="webmail_known", head=("dept_only", "ubnd")[i % 2], place=i % 3 != 0))
            for i, u in enumerate(units_34())]  # fmt: skip


def former_named_cases(rng: random.Random) -> list[Case]:
    cases = []
    for index, unit in enumerate(units_34()):
        hows = ("own", "list") if absorbed(unit) else ("neighbour",)
        for number, how in enumerate(hows):
            sender = ("new_domain", "webmail_known", "webmail_unknown")[(index + number) % 3]
            r = Report(sender=sender, former=how, head=("ubnd", "full")[number % 2])
            cases.append(report_case(f"former-{how}-{unit.code}", "former_named", CAMPAIGNS_2026[(index + number) % 2],
                                     unit, rng, r))  # fmt: skip
    return cases


def stamp_cases(rng: random.Random) -> list[Case]:
    cases = []
    for index, unit in enumerate(units_34()):
        person = rng.choice(NAMESAKE_SIGNERS) if index % 5 == 4 else None  # a person's name in the stamp
        head = ("ubnd", "dept_only", "dept_named", "full")[index % 4]  # "SỞ NỘI VỤ" alone: the stamp says whose
        r = Report(sender="webmail_unknown", form="pdf", head=head, stamp_signer=person, place=head != "dept_only",
                   bare=head == "dept_only")
        cases.append(report_case(f"stamp-{unit.code}", "stamp", CAMPAIGNS_2026[index % 2], unit, rng, r))
    return cases


def scan_cases(rng: random.Random) -> list[Case]:
    units = rng.sample(units_34(), 24)
    return [report_case(f"scan-{u.code}", "scan", CAMPAIGNS_2026[i % 2], u, rng,
                        Report(sender=("new_domain", "webmail_known", "webmail_unknown")[i % 3], form="scan"))
            for i, u in enumerate(units)]  # fmt: skip


def signer_name_cases(rng: random.Random) -> list[Case]:
    cases = []
    for index, unit in enumerate(units_34()):
        folded = {slug(unit.name), *(slug(u.name) for u in absorbed(unit))}
        signer = rng.choice([n for n in NAMESAKE_SIGNERS if not any(f in slug(n) for f in folded)])
        sender = ("new_domain", "webmail_known", "webmail_unknown")[index % 3]
        r = Report(sender=sender, signer=signer, display=signer if sender != "new_domain" else None,
                   resent=index % 4 == 0, head=("ubnd", "full", "dept_named")[index % 3])  # fmt: skip
        cases.append(report_case(f"signer-{unit.code}", "signer_name", CAMPAIGNS_2026[index % 2], unit, rng, r))
    return cases


def health_cases(rng: random.Random) -> list[Case]:
    """Reports of the Sở Y tế (social protection and children since Decree 45/2025/NĐ-CP): the 2026 letter
    addressed it too, so its report counts for its unit; the 2025 letter did not, so it is another
    report of the unit, filed and never counted."""
    cases = []
    for index, unit in enumerate(rng.sample(units_34(), 24)):
        campaign = CAMPAIGNS_2026[index % 2]
        sender = ("new_domain", "webmail_known", "new_domain", "webmail_unknown")[index % 4]
        form = "pdf" if index % 3 == 2 else "docx"
        r = Report(sender=sender, office="y_te", form=form, head=("ubnd", "full", "dept_named")[index % 3])
        case = report_case(f"health-{campaign.id}-{unit.code}", "health", campaign, unit, rng, r)
        if "y_te" not in campaign.departments:
            case = replace(case, expected_report_kind="other_report", expected_campaign=None)
        cases.append(case)
    return cases


def other_department_cases(rng: random.Random) -> list[Case]:
    """The Sở Giáo dục và Đào tạo's and the Sở Nông nghiệp và Môi trường's reports on the fields they took over:
    neither letter addressed them, so each is another report of its unit, never counted."""
    cases = []
    for index, unit in enumerate(rng.sample(units_34(), 12)):
        campaign, office = CAMPAIGNS_2026[index % 2], ("gd_dt", "nn_mt")[(index // 2) % 2]
        r = Report(sender=("new_domain", "webmail_known", "webmail_unknown")[index % 3], office=office,
                   head=("ubnd", "full")[index % 2])  # fmt: skip
        case = report_case(f"dept-{office}-{campaign.id}-{unit.code}", "other_department", campaign, unit, rng, r)
        cases.append(replace(case, expected_report_kind="other_report", expected_campaign=None))
    return cases


def ubnd_cases(rng: random.Random) -> list[Case]:
    """Reports the province's UBND issues itself ("UBND TỈNH X", …/BC-UBND, signed by the UBND): its answer."""
    return [report_case(f"ubnd-{u.code}", "ubnd", CAMPAIGNS_2026[i % 2], u, rng,
                        Report(sender=("new_domain", "webmail_unknown")[i % 2], office="ubnd",
                               head=("ubnd", "full")[i % 2], form=("docx", "pdf")[(i // 2) % 2]))
            for i, u in enumerate(rng.sample(units_34(), 10))]  # fmt: skip


def forwarded_2026_cases(rng: random.Random) -> list[Case]:
    """Reports forwarded by the ministry's clerk (Văn thư Bộ): the original sender is only in the quoted lines."""
    built = forwarded_cases(ERAS["bnv2026"], rng, 8)
    return [replace(case, name=f"{case.name}-2026", expected_report_kind="report", expected_campaign="bnv2026")
            for case in built]  # fmt: skip


def late_cases(rng: random.Random) -> list[Case]:
    """The 2025 report after its January 2026 deadline (another year already begun), some re-sent."""
    return [report_case(f"late-{u.code}", "late", BNV2025, u, rng,
                        Report(sender=("new_domain", "webmail_known")[i % 2], late=True, resent=i % 3 == 0))
            for i, u in enumerate(rng.sample(units_34(), 12))]  # fmt: skip


def not_submission_cases(rng: random.Random) -> list[Case]:
    cases = []
    for era in ERAS.values():  # the builders name cases by registry: both eras are vn34's
        built = [*other_period_cases(era, rng, 5, "half_year"), *reply_cases(era, rng, 4),
                 *auto_reply_cases(era, rng, 4), *bounce_cases(era, rng, 2)]  # fmt: skip
        cases += [replace(case, name=f"{case.name}-{era.year}") for case in built]
    return cases


def build_cases_2026(seed: int = 2026) -> list[Case]:
    """The labelled set, in a fixed order, the same for the same seed."""
    rng = random.Random(seed)
    cases = [
        *new_domain_cases(rng), *old_domain_cases(rng), *letterhead_cases(rng), *webmail_known_cases(rng),
        *former_named_cases(rng), *stamp_cases(rng), *scan_cases(rng), *signer_name_cases(rng), *late_cases(rng),
        *forwarded_2026_cases(rng),
        *health_cases(rng), *other_department_cases(rng), *ubnd_cases(rng), *not_submission_cases(rng),
    ]  # fmt: skip
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    return cases


# --- A mailbox for the statuses ---------------------------------------------------------------------
# Three instants per campaign: before the deadline, just after it, weeks later (Vietnam time).
INSTANTS = {
    "bnv2025": (datetime(2025, 12, 30, 12, tzinfo=VIETNAM), datetime(2026, 1, 11, 8, tzinfo=VIETNAM),
                datetime(2026, 2, 20, 12, tzinfo=VIETNAM)),
    "bnv2026": (datetime(2026, 12, 8, 12, tzinfo=VIETNAM), datetime(2026, 12, 16, 8, tzinfo=VIETNAM),
                datetime(2027, 1, 15, 12, tzinfo=VIETNAM)),
}  # fmt: skip
MAILBOX_FAMILIES = ("new_domain", "old_domain", "letterhead", "webmail_known", "former_named", "signer_name")


@dataclass(frozen=True)
class MailboxMessage:
    """One e-mail of the mailbox as its server stores it, and what a person says it is."""

    name: str
    family: str
    data: bytes
    received: datetime
    unit: str | None
    counts_for: str | None  # the campaign whose report it is; None: it counts for none


def _fields(family: str, unit: Unit, index: int) -> dict:
    if family == "old_domain" and not absorbed(unit):
        family = "new_domain"
    signer = NAMESAKE_SIGNERS[index % len(NAMESAKE_SIGNERS)]
    return {
        "new_domain": {"head": ("ubnd", "full", "tp")[index % 3]},
        "old_domain": {"sender": "old_domain", "old_code": absorbed(unit)[0].code if absorbed(unit) else None},
        "letterhead": {"sender": "webmail_unknown", "head": ("ubnd", "plain", "dept_named")[index % 3]},
        "webmail_known": {"sender": "webmail_known", "head": "dept_only"},
        "former_named": {"former": "own" if absorbed(unit) else "neighbour"},
        "signer_name": {"sender": "webmail_known", "signer": signer, "display": signer},
        # "SỞ NỘI VỤ" alone, from webmail: only the signature stamp says whose it is
        "stamp": {"sender": "webmail_unknown", "form": "pdf", "head": "dept_only", "bare": True, "place": False},
    }[family]


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=VIETNAM).astimezone(timezone.utc)


def _receipt_time(campaign: CampaignInfo, role: str, rng: random.Random) -> datetime:
    """on_time: before the first instant; on_time_later: between it and the deadline; late: after the
    second instant; late_early: after the deadline, before the second instant."""
    before, after, _ = INSTANTS[campaign.id]
    deadline = campaign.deadline
    if role == "on_time":
        first = campaign.issued + timedelta(days=5)
        return _at(first + timedelta(days=rng.randint(0, (before.date() - first).days - 1)), rng.randint(7, 16),
                   rng.randint(0, 59))  # fmt: skip
    if role == "on_time_later":
        return _at(before.date() + timedelta(days=rng.randint(1, (deadline - before.date()).days)), rng.randint(7, 22),
                   rng.randint(0, 59))  # fmt: skip
    if role == "late_early":  # the morning after the deadline, before the second instant
        return _at(after.date(), 7, rng.randint(0, 50))
    return _at(after.date() + timedelta(days=rng.randint(1, 20)), rng.randint(7, 16), rng.randint(0, 59))


def _file(d: Draft) -> bytes:
    """The attachment as a real file: Word, or a text PDF (fpdf2) ending with its signature stamp's lines."""
    from tests.parsers.topic_corpus import docx_bytes, pdf_bytes

    if d.report.form == "pdf":
        stamp = stamp_lines(d.unit, d.report.stamp_signer, d.received - timedelta(hours=2), d.report.office)
        return pdf_bytes([*d.blocks, *(Block("paragraph", line) for line in stamp)])
    if d.report.form == "scan":
        return scanned_pdf(pdf_bytes(d.blocks))
    return docx_bytes(d.blocks)


def scanned_pdf(printed: bytes, dpi: int = 200) -> bytes:
    """The printed pages scanned: a PDF of their images only, no text layer (the OCR path reads it)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(printed)
    try:
        pages = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    finally:
        document.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()


def _mail(d: Draft) -> bytes:
    relay = f"from mail.example (mail.example [203.162.{d.received.day}.{d.received.minute + 10}]) by mx.moha.gov.vn"
    return mail_bytes(d.sender, d.subject, d.body, {d.filename: _file(d)}, d.received, In_Reply_To=d.in_reply_to,
                      Received=f"{relay} (Postfix) with ESMTPS; {format_datetime(d.received)}")


def status_mailbox(seed: int = 2026, scans: bool = False) -> tuple[list[MailboxMessage], dict[str, list[str]]]:
    """Both campaigns' reports of all 34 units as e-mails (.docx, signed PDFs), labelled, and the contacts
    list they need.

    Per unit and campaign, by its place in the registry: on time before the first instant, on time
    between it and the deadline, late (one the morning after the deadline), or missing; some of the
    missing send their half-year report, an automatic reply or only the Sở Y tế's report instead. With
    `scans`, a few reports come as scanned PDFs (images only: Tesseract must be there to read them)."""
    from tests.parsers.topic_corpus import pdf_font_available

    families = MAILBOX_FAMILIES + (("stamp",) if pdf_font_available() else ())  # a PDF needs a Vietnamese font
    rng = random.Random(seed)
    roles = ("on_time", "on_time", "on_time_later", "late", "on_time", "missing", "on_time", "late_early", "on_time",
             "missing", "on_time_later", "late")  # fmt: skip
    messages: list[MailboxMessage] = []
    contacts: dict[str, list[str]] = {}
    missing = 0
    for shift, campaign in enumerate(CAMPAIGNS_2026):
        for index, unit in enumerate(units_34()):
            role = roles[(index + 5 * shift) % len(roles)]
            family = families[(index + shift) % len(families)]
            fields = _fields(family, unit, index)
            if scans and role != "missing" and index % 9 == 4 and "form" not in fields:
                fields, family = {**fields, "form": "scan"}, "scan"  # printed, signed by hand, scanned
            name = f"{campaign.id}-{unit.code}-{role}-{family}"
            if role == "missing":
                missing += 1
                if missing % 4 == 0:  # nothing at all
                    continue
                received = _receipt_time(campaign, "on_time", rng)
                if missing % 4 == 2:  # an automatic reply to the request
                    sender, _ = sender_2026(Report(), unit, rng, ERAS[campaign.id])
                    data = mail_bytes(sender, f"Trả lời tự động: Re: Đề nghị báo cáo năm {campaign.report_year}",
                                      "Tôi đang đi công tác, sẽ trả lời khi trở về.", {}, received,
                                      Auto_Submitted="auto-replied", In_Reply_To=campaign.message_ids[0],
                                      Received=f"by mx.moha.gov.vn (Postfix); {format_datetime(received)}")
                    messages.append(MailboxMessage(f"{name}-auto-reply", "auto_reply", data, received, None, None))
                    continue
                if missing % 4 == 1:  # the half-year report instead: counts for nothing
                    r, what, counts = Report(**{**_fields(family, unit, index), "half_year": True}), "half-year", None
                else:  # only the Sở Y tế's report: a part of the unit's answer when the letter addressed the Sở
                    # Y tế too (counted for the campaign); the unit still owes its Sở Nội vụ's report
                    r, what = Report(**{**_fields("new_domain", unit, index), "office": "y_te"}), "health"
                    counts = campaign.id if "y_te" in campaign.departments else None
                d = report_draft(campaign, unit, rng, r, received)
                messages.append(MailboxMessage(f"{name}-{what}", "health" if what == "health" else family, _mail(d),
                                               received, unit.code, counts))  # fmt: skip
                for code, addresses in d.contacts.items():
                    contacts[code] = list(dict.fromkeys([*contacts.get(code, []), *addresses]))
                continue
            received = _receipt_time(campaign, role, rng)
            d = report_draft(campaign, unit, rng, Report(**fields), received)
            messages.append(MailboxMessage(name, family, _mail(d), received, unit.code, campaign.id))
            for code, addresses in d.contacts.items():
                contacts[code] = list(dict.fromkeys([*contacts.get(code, []), *addresses]))
    owners = [address for addresses in contacts.values() for address in addresses]
    assert len(owners) == len(set(owners)), "an address in the contacts of two units"
    return messages, contacts


def expected_statuses(messages: list[MailboxMessage], campaign: CampaignInfo, as_of: datetime) -> dict[str, str]:
    """What a person says of every unit at `as_of`, from the labels: its first report received by then,
    on time if by the deadline's end (Vietnam time); none: pending before the deadline, missing after.
    A Sở Y tế's part (family `health`) is no report of the unit on its own: a Bộ Nội vụ planner still
    waits for the Sở Nội vụ's, so the unit stays pending or missing (and is reminded) until it comes."""
    deadline = datetime(campaign.deadline.year, campaign.deadline.month, campaign.deadline.day, 23, 59, 59,
                        tzinfo=VIETNAM)  # fmt: skip
    statuses = {}
    for unit in units_34():
        times = [m.received for m in messages if m.unit == unit.code and m.counts_for == campaign.id
                 and m.family != "health" and m.received <= as_of]  # fmt: skip
        if times:
            statuses[unit.code] = "on_time" if min(times) <= deadline else "late"
        else:
            statuses[unit.code] = "pending" if as_of <= deadline else "missing"
    return statuses


def identify_case_2026(case: Case):
    return identify_case(case, CAMPAIGNS_2026)


# --- Scoring ---------------------------------------------------------------------------------------
def problems(case: Case, result) -> list[str]:
    """What a person would correct in the result; empty when it is filed as labelled."""
    found = []
    if result.state == "accepted" and case.expected_unit and result.unit != case.expected_unit:
        found.append(f"wrong unit accepted: {result.unit} for {case.expected_unit}")
    if (result.kind, result.reason) != (case.expected_kind, case.expected_reason):
        found.append(f"kind {result.kind}/{result.reason} for {case.expected_kind}/{case.expected_reason}")
    if case.expected_kind == "submission":
        if result.state != "accepted":
            found.append("to review")
        report_kind = "report" if result.report_kind == "continuation" else result.report_kind
        if case.expected_report_kind and report_kind != case.expected_report_kind:
            found.append(f"report kind {result.report_kind} for {case.expected_report_kind}")
        if result.campaign != case.expected_campaign:
            found.append(f"campaign {result.campaign} for {case.expected_campaign}")
        if result.report_year != case.expected_year:
            found.append(f"year {result.report_year} for {case.expected_year}")
    return found


@dataclass(frozen=True)
class Figures:
    cases: int
    submissions: int  # labelled submissions
    accepted: int  # of those, accepted
    wrong_units: tuple[str, ...]  # accepted with a unit other than the labelled one (any case)
    wrong_kinds: tuple[str, ...]  # kind, reason, report kind, campaign or year not as labelled
    failing: tuple[str, ...]  # every case with a problem, and the problems

    @property
    def accepted_share(self) -> float:
        return self.accepted / self.submissions if self.submissions else 1.0


def figures(cases: list[Case], results: list) -> Figures:
    judged = [(c, r, problems(c, r)) for c, r in zip(cases, results)]
    subs = [(c, r) for c, r, _ in judged if c.expected_kind == "submission"]
    return Figures(
        cases=len(cases), submissions=len(subs), accepted=sum(r.state == "accepted" for _, r in subs),
        wrong_units=tuple(c.name for c, _, p in judged if any(x.startswith("wrong unit") for x in p)),
        wrong_kinds=tuple(c.name for c, _, p in judged
                          if any(x.startswith(("kind", "report kind", "campaign", "year")) for x in p)),
        failing=tuple(f"{c.name}: {'; '.join(p)} | {', '.join(r.evidence[:6])}" for c, r, p in judged if p),
    )  # fmt: skip


def table_2026(cases: list[Case], results: list) -> str:
    """Per family: cases, labelled submissions, accepted, to review, wrong unit accepted, kind wrong; then the totals."""
    families = sorted({c.family for c in cases}, key=[c.family for c in cases].index)
    head = f"{'family':<17}{'cases':>6}{'subm.':>6}{'accepted':>9}{'review':>7}{'wrong unit':>11}{'kind wrong':>11}"
    lines = [head]

    def row(label: str, f: Figures) -> str:
        share = f"{f.accepted_share:.0%}" if f.submissions else "-"
        return (f"{label:<17}{f.cases:>6}{f.submissions:>6}{f.accepted:>5} {share:>3}{f.submissions - f.accepted:>7}"
                f"{len(f.wrong_units):>11}{len(f.wrong_kinds):>11}")  # fmt: skip

    for family in families:
        pairs = [(c, r) for c, r in zip(cases, results) if c.family == family]
        lines.append(row(family, figures([c for c, _ in pairs], [r for _, r in pairs])))
    total = figures(cases, results)
    old = score(cases, results)  # the 63-unit set's own measures, for comparison
    lines += [row("all", total),
              f"accepted without review: {total.accepted_share:.1%} of {total.submissions} labelled submissions; "
              f"wrong units accepted: {len(total.wrong_units)}; kinds/years/campaigns wrong: {len(total.wrong_kinds)}",
              f"precision (unit and year right among accepted) {old.precision:.1%}, recall {old.recall:.1%}"]  # fmt: skip
    return "\n".join(lines)
