"""`reportbox export sections`: the query of every unit's latest sections and the Word document made
of them, end to end from delivered e-mail, read back with python-docx and rendered by LibreOffice."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import time
import unicodedata
import zipfile
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

import docx
import pdfplumber
import pytest
from docx.table import Table
from lxml import etree
from sqlalchemy import event, select

from jobs.exports.sections_docx import (
    EXEMPTED,
    NO_REPORT,
    NO_SECTION,
    OFFLINE,
    sections_export,
    write_sections_docx,
)
from jobs.poll import poll
from models.schema import Campaign, Document, RawMessage, Section, Submission, SubmissionState
from models.sections import SectionText, UnitSections, unit_sections
from models.status import campaign_status, get_campaign
from models.versions import resolve_versions
from parsers.registry import builtin
from reportbox import samples
from reportbox.sample_documents import report_docx
from tests.ingest.conftest import db_url, make_app, sources_of  # noqa: F401
from tests.servers.availability import require_tool

CAMPAIGN = {"id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "title": "Đánh giá tình hình thực hiện năm 2019",
            "report_year": 2019, "plan_year": 2020, "issued": "2019-11-25", "deadline": "2019-12-15",
            "registry": "vn63"}
OUTLINE = ["results", "policies", "shortcomings", "plan", "proposals"]
# The headings of a campaign of 2019 whose letter's wording is not configured: the defaults, with its years.
SECTION_TITLES = {
    "results": "1a) Kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019",
    "policies": "1b) Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án",
    "shortcomings": "1c) Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân",
    "plan": "2a) Phương hướng, nhiệm vụ, chỉ tiêu và giải pháp chủ yếu năm 2020",
    "proposals": "2b) Kiến nghị, đề xuất với Quốc hội, Chính phủ và Bộ",
}
DOCX = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
FIRST_DAY = datetime(2019, 12, 2, 2, 0, tzinfo=timezone.utc)
# (province, code, sender domain)
QUANG_NINH, BAC_GIANG, NGHE_AN = ("Quảng Ninh", "22", "quangninh"), ("Bắc Giang", "24", "bacgiang"), \
    ("Nghệ An", "40", "nghean")


def _report(province: tuple[str, str, str], day: int, subject: str, headings: tuple[int, ...] | None = None,
            seed: int = 0) -> tuple[bytes, bytes]:
    """A message with a report (or only the sections `headings`) received `day` days after FIRST_DAY,
    and the attached report itself."""
    name, _, domain = province
    attachment = report_docx(name, 2019, pages=2, seed=seed, headings=headings)
    received = FIRST_DAY + timedelta(days=day)
    message = EmailMessage()
    message["Received"] = f"from mx.{domain}.gov.vn by mail.molisa.gov.vn; {format_datetime(received)}"
    message["From"] = f"Sở LĐTBXH {name} <vanphong.sldtbxh@{domain}.gov.vn>"
    message["To"] = samples.MINISTRY
    message["Subject"] = subject
    message["Date"] = format_datetime(received)
    message.set_content("Kính gửi Phòng Kế hoạch - Tài chính.")
    message.add_attachment(attachment, maintype=DOCX[0], subtype=DOCX[1], filename=f"Bao cao {domain} - {day}.docx")
    return message.as_bytes(policy=policy.SMTP), attachment


# What each province sends: Quảng Ninh a whole report, then a corrected one; Bắc Giang in two parts
# and a supplement; Nghệ An only part 1. Hà Nội and the rest send nothing.
DELIVERIES = {
    "qn-0.eml": (QUANG_NINH, 0, "Báo cáo năm 2019", None, 0),
    "qn-3.eml": (QUANG_NINH, 3, "Báo cáo năm 2019 (gửi lại, thay thế)", None, 1),
    "bg-0.eml": (BAC_GIANG, 0, "Báo cáo năm 2019 - phần 1", (0, 1, 2), 0),
    "bg-1.eml": (BAC_GIANG, 1, "Báo cáo năm 2019 - phần 2", (3, 4), 0),
    "bg-2.eml": (BAC_GIANG, 2, "Báo cáo bổ sung số liệu năm 2019", (0,), 2),
    "na-1.eml": (NGHE_AN, 1, "Báo cáo năm 2019", (0, 1, 2), 0),
}


@pytest.fixture
def delivered(make_app, tmp_path):  # noqa: F811
    """The app after polling DELIVERIES, and each delivery's attached report (file name → bytes)."""
    folder = tmp_path / "eml"
    folder.mkdir()
    reports = {}
    for name, (province, day, subject, headings, seed) in DELIVERIES.items():
        raw, reports[name] = _report(province, day, subject, headings, seed)
        (folder / name).write_bytes(raw)
    app = make_app([{"name": "archive", "kind": "eml-dir", "path": str(folder)}], campaign=[CAMPAIGN])
    poll(app, sources_of(app))
    return app, reports


def _paragraphs_by_section(report: bytes) -> dict[str, list[str]]:
    """The body paragraphs under each section heading of a sample report, by outline key."""
    by_key: dict[str, list[str]] = {}
    current = None
    for paragraph in docx.Document(io.BytesIO(report)).paragraphs:
        text = paragraph.text.strip()
        heading = re.match(r"(I|II|III|IV|V)\. [A-ZÀ-Ỹ]", text)
        if heading:
            current = OUTLINE[["I", "II", "III", "IV", "V"].index(heading.group(1))]
        elif text.startswith("Nơi nhận"):
            current = None
        elif current and text:
            by_key.setdefault(current, []).append(text)
    return by_key


def _source_day(section: SectionText) -> int:
    return int(section.source.rsplit(" - ", 1)[1].split(".")[0])


def _by_unit(units: list[UnitSections]) -> dict[str, UnitSections]:
    return {unit.unit: unit for unit in units}


def _count_queries(app):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(app.engine, "before_cursor_execute", record)
    return statements, lambda: event.remove(app.engine, "before_cursor_execute", record)


def test_every_unit_in_registry_order_with_its_latest_sections(delivered):
    app, reports = delivered
    statements, stop = _count_queries(app)
    with app.sessions() as session:
        units = unit_sections(session, "tk2019")
    stop()
    registry = builtin("vn63")
    assert [(u.unit, u.name) for u in units] == [(u.code, u.name) for u in registry.units]
    assert len(units) == 63
    assert len(statements) < 10  # a handful of queries, not one per unit
    by_unit = _by_unit(units)

    quang_ninh = by_unit["22"]  # the corrected report replaced the first
    assert [s.key for s in quang_ninh.sections] == OUTLINE
    assert {_source_day(s) for s in quang_ninh.sections} == {3}
    expected = _paragraphs_by_section(reports["qn-3.eml"])
    for section in quang_ninh.sections:
        assert expected[section.key] and all(p in section.text for p in expected[section.key])
    assert quang_ninh.sections[0].tables, "the indicator table of section 1a"
    assert quang_ninh.status == "on_time"

    bac_giang = by_unit["24"]  # two parts and a supplement: outline order, then the order received
    assert [(s.key, _source_day(s)) for s in bac_giang.sections] == [
        ("results", 0), ("results", 2), ("policies", 0), ("shortcomings", 0), ("plan", 1), ("proposals", 1)]
    assert all(p in bac_giang.sections[4].text for p in _paragraphs_by_section(reports["bg-1.eml"])["plan"])

    assert [s.key for s in by_unit["40"].sections] == ["results", "policies", "shortcomings"]
    assert by_unit["01"].sections == [] and by_unit["01"].received_at is None and by_unit["01"].status == "missing"


def test_only_the_chosen_sections_and_as_of_an_earlier_day(delivered):
    app, reports = delivered
    with app.sessions() as session:
        proposals = _by_unit(unit_sections(session, "tk2019", ["proposals"]))
        earlier = _by_unit(unit_sections(session, "tk2019", as_of=FIRST_DAY + timedelta(hours=12)))
    assert {s.key for u in proposals.values() for s in u.sections} == {"proposals"}
    assert [_source_day(s) for s in proposals["22"].sections] == [3]
    assert [_source_day(s) for s in proposals["24"].sections] == [1]
    assert proposals["40"].sections == [] and proposals["40"].received_at is not None
    # On the first day: Quảng Ninh's first report (superseded since), Bắc Giang's part 1 only.
    assert [(s.key, _source_day(s)) for s in earlier["22"].sections] == [(key, 0) for key in OUTLINE]
    first = _paragraphs_by_section(reports["qn-0.eml"])["proposals"]
    assert all(p in earlier["22"].sections[-1].text for p in first)
    assert [(s.key, _source_day(s)) for s in earlier["24"].sections] == [
        ("results", 0), ("policies", 0), ("shortcomings", 0)]
    assert earlier["40"].sections == [] and earlier["40"].received_at is None


def _blocks_by_unit(document) -> dict[str, list]:
    """The blocks (paragraphs and tables) after each Heading 1, by its text."""
    units: dict[str, list] = {}
    current = None
    for block in document.iter_inner_content():
        if not isinstance(block, Table) and block.style.name == "Heading 1":
            current = units.setdefault(block.text, [])
        elif current is not None:
            current.append(block)
    return units


def _paragraphs(blocks) -> list:
    return [b for b in blocks if not isinstance(b, Table)]


def _texts(blocks) -> list[str]:
    return [b.text for b in _paragraphs(blocks)]


def _heading2(blocks) -> list[str]:
    return [b.text for b in _paragraphs(blocks) if b.style.name == "Heading 2"]


def _table_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_word_document_has_a_heading_per_unit_and_the_sections_as_text_and_tables(delivered, tmp_path):
    app, _ = delivered
    out = tmp_path / "tonghop.docx"
    started = time.perf_counter()
    with app.sessions() as session:
        campaign = get_campaign(session, "tk2019")
        units = unit_sections(session, "tk2019")
        write_sections_docx(campaign, units, OUTLINE, out)
    elapsed = time.perf_counter() - started
    print(f"unit_sections + write_sections_docx: {elapsed:.3f} s")

    document = docx.Document(str(out))
    title = document.paragraphs[0]
    assert (title.style.name, title.text) == ("Title", "Tổng hợp báo cáo — 5025/LĐTBXH-KHTC")
    assert any(p.text == CAMPAIGN["title"] for p in document.paragraphs[:3])
    assert all(SECTION_TITLES[key] in document.paragraphs[2].text for key in OUTLINE)
    blocks = _blocks_by_unit(document)
    assert list(blocks) == [f"{u.unit} — {u.name}" for u in units]

    quang_ninh, by_unit = blocks["22 — Quảng Ninh"], _by_unit(units)
    headings = _heading2(quang_ninh)
    assert headings == [SECTION_TITLES[key] for key in OUTLINE]
    own_heading = next(b for b in _paragraphs(quang_ninh) if b.text == by_unit["22"].sections[0].heading)
    assert all(run.italic for run in own_heading.runs)
    for section in by_unit["22"].sections:
        assert all(line in _texts(quang_ninh) for line in section.text.split("\n") if line.strip())
    tables = [b for b in quang_ninh if isinstance(b, Table)]
    assert [_table_rows(t) for t in tables] == [rows for s in by_unit["22"].sections for rows in s.tables]
    assert tables and all(t.style.name == "Table Grid" for t in tables)

    bac_giang = _texts(blocks["24 — Bắc Giang"])  # each key once, the supplement's text under 1a
    assert _heading2(blocks["24 — Bắc Giang"]) == [SECTION_TITLES[key] for key in OUTLINE]
    results = bac_giang[bac_giang.index(SECTION_TITLES["results"]):bac_giang.index(SECTION_TITLES["policies"])]
    assert all(line in results for s in by_unit["24"].sections[:2] for line in s.text.split("\n")[1:] if line.strip())
    assert _texts(blocks["01 — Hà Nội"]) == [NO_REPORT]
    assert all(run.italic for run in blocks["01 — Hà Nội"][0].runs)
    nghe_an = _texts(blocks["40 — Nghệ An"])
    assert nghe_an[nghe_an.index(SECTION_TITLES["plan"]) + 1] == NO_SECTION

    normal = document.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert (normal.font.name, normal.font.size.pt) == ("Times New Roman", 13)
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Times New Roman"


def test_only_the_chosen_section_in_the_document(delivered, tmp_path):
    app, _ = delivered
    out = io.BytesIO()
    with app.sessions() as session:
        campaign = get_campaign(session, "tk2019")
        units = unit_sections(session, "tk2019", ["proposals"])
        write_sections_docx(campaign, units, ["proposals"], out, titles={"proposals": "2b. Kiến nghị"})
    document = docx.Document(io.BytesIO(out.getvalue()))
    heading2 = {p.text for p in document.paragraphs if p.style.name == "Heading 2"}
    assert heading2 == {"2b. Kiến nghị"}
    blocks = _blocks_by_unit(document)
    assert _texts(blocks["40 — Nghệ An"]) == ["2b. Kiến nghị", NO_SECTION]  # reported, but not this section
    assert _texts(blocks["31 — Hải Phòng"]) == [NO_REPORT]
    assert _by_unit(units)["22"].sections[0].heading in _texts(blocks["22 — Quảng Ninh"])
    assert SECTION_TITLES["results"] not in {p.text for p in document.paragraphs}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # rendering does not depend on the database
def test_vietnamese_renders_in_libreoffice(delivered, tmp_path):
    soffice = require_tool("soffice", "to render the exported Word document to PDF")
    app, _ = delivered
    out = tmp_path / "tonghop.docx"
    with app.sessions() as session:
        units = unit_sections(session, "tk2019", ["results", "proposals"])
        write_sections_docx(get_campaign(session, "tk2019"), units, ["results", "proposals"], out)
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(out)],
                   check=True, timeout=180, capture_output=True)
    with pdfplumber.open(tmp_path / "pdf" / "tonghop.pdf") as pdf:
        text = _squash("\n".join(page.extract_text() or "" for page in pdf.pages))
    proposals = _by_unit(units)["22"].sections[-1]
    sentence = proposals.text.split("\n")[0].split(". ")[0]
    for expected in ("22 — Quảng Ninh", "Kiến nghị, đề xuất", "Tổng hợp báo cáo", NO_REPORT,
                     proposals.heading, sentence):
        assert _squash(expected) in text, expected


def test_hostile_text_still_makes_a_valid_document():
    campaign = Campaign(id="x", letter="1/\x00LĐTBXH", title="Tiêu đề\x1b[31m", report_year=2019, plan_year=2020)
    hostile = "\x00\x0b<script>alert('x')</script>\ud800 & ]]> \ufffe\x7f\nDòng hai\x0c"
    units = [
        UnitSections("01", "Hà Nội\x08", "on_time", FIRST_DAY, [
            SectionText("results", "\x07I. KẾT QUẢ </w:t>", hostile, [[[hostile, None, 3], ["chỉ một ô"]]],
                        "a\x00.docx")]),
        UnitSections("02", "Hà Giang", "exempt", None, []),
        UnitSections("04", "Cao Bằng", "on_time", FIRST_DAY, [], offline=True),
    ]
    out = io.BytesIO()
    write_sections_docx(campaign, units, ["results", "proposals"], out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))  # well-formed XML
    assert body is not None
    document = docx.Document(io.BytesIO(out.getvalue()))
    blocks = _blocks_by_unit(document)
    assert list(blocks) == ["01 — Hà Nội", "02 — Hà Giang", "04 — Cao Bằng"]
    texts = _texts(blocks["01 — Hà Nội"])
    assert "I. KẾT QUẢ </w:t>" in texts
    assert "<script>alert('x')</script> & ]]> \x7f" in texts and "Dòng hai" in texts
    table = next(b for b in blocks["01 — Hà Nội"] if isinstance(b, Table))
    assert _table_rows(table) == [["<script>alert('x')</script> & ]]> \x7f\nDòng hai", "", "3"],
                                  ["chỉ một ô", "", ""]]
    assert texts[-2:] == [SECTION_TITLES["proposals"], NO_SECTION]
    assert _texts(blocks["02 — Hà Giang"]) == [EXEMPTED]
    assert _texts(blocks["04 — Cao Bằng"]) == [OFFLINE]
    assert document.paragraphs[0].text == "Tổng hợp báo cáo — 1/LĐTBXH"


TK2025 = {"id": "tk2025", "letter": "100/BNV-KHTC", "title": "Báo cáo năm 2025", "report_year": 2025,
          "plan_year": 2026, "issued": "2025-11-20", "deadline": "2025-12-15", "registry": "vn34"}
DEC_2025 = datetime(2025, 12, 1, 2, 0, tzinfo=timezone.utc)


def _stored(app, registry: str, unit: str, day: int, keys: tuple[str, ...]) -> int:
    """A tk2025 submission as processing stores it: message, document, its sections, then versions."""
    received = DEC_2025 + timedelta(days=day)
    with app.sessions.begin() as session:
        raw = RawMessage(sha256=hashlib.sha256(f"{registry}{unit}{day}".encode()).hexdigest(), size=1,
                         received_at=received, received_source="internaldate")
        session.add(raw)
        session.flush()
        document = Document(raw_message_id=raw.id, position=0, attachment_position=0, path=f"{unit}-{day}.docx",
                            kind="docx", size=1, sha256="0" * 64)
        session.add(document)
        session.flush()
        for position, key in enumerate(keys):
            session.add(Section(document_id=document.id, position=position, key=key, heading=key,
                                text=f"{registry} {unit} day {day}: {key}", confidence=1.0))
        submission = Submission(raw_message_id=raw.id, campaign="tk2025", unit_registry=registry, unit=unit,
                                state=SubmissionState.ACCEPTED, sections=list(keys))
        session.add(submission)
        resolve_versions(session, [("tk2025", registry, unit)])
        return submission.id


def _sections_of_unit(app, code: str) -> tuple[tuple, list[tuple[str, str]]]:
    with app.sessions() as session:
        status = next(u for u in campaign_status(session, "tk2025").units if u.unit == code)
        exported = next(u for u in unit_sections(session, "tk2025") if u.unit == code)
    return status.sections, [(s.key, s.text) for s in exported.sections]


def test_a_version_sent_under_both_old_codes_is_exported_whole(make_app):  # noqa: F811
    """vn34 08 (Tuyên Quang) was vn63 02 (Hà Giang) and 08: one version of three parts, across codes."""
    app = make_app([], campaign=[TK2025])
    _stored(app, "vn63", "02", 0, ("results",))
    _stored(app, "vn63", "08", 1, ("policies",))
    _stored(app, "vn63", "02", 2, ("plan",))
    listed, exported = _sections_of_unit(app, "08")
    assert listed == ("results", "policies", "plan")
    assert exported == [("results", "vn63 02 day 0: results"), ("policies", "vn63 08 day 1: policies"),
                        ("plan", "vn63 02 day 2: plan")]


def test_a_part_superseded_under_its_old_code_still_counts_in_the_merged_version(make_app):  # noqa: F811
    """Under vn63 02 alone, day 4's results start a new version and supersede day 3's policies; with
    vn63 08's parts in between, the vn34 unit's latest version is 08's plan, 02's policies, 02's results."""
    app = make_app([], campaign=[TK2025])
    _stored(app, "vn63", "08", 0, ("plan",))
    _stored(app, "vn63", "02", 1, ("results",))
    _stored(app, "vn63", "08", 2, ("plan",))
    _stored(app, "vn63", "02", 3, ("policies",))
    _stored(app, "vn63", "02", 4, ("results",))
    with app.sessions() as session:
        superseded = session.scalars(select(Submission.sections).where(
            Submission.state == SubmissionState.SUPERSEDED, Submission.unit == "02").order_by(Submission.id)).all()
    assert [tuple(keys) for keys in superseded] == [("results",), ("policies",)]
    listed, exported = _sections_of_unit(app, "08")
    assert listed == ("results", "policies", "plan")
    assert exported == [("results", "vn63 02 day 4: results"), ("policies", "vn63 02 day 3: policies"),
                        ("plan", "vn63 08 day 2: plan")]


def test_the_paper_only_note_is_for_units_with_no_e_mail_version(tmp_path):
    campaign = Campaign(id="x", letter="1/LĐTBXH", title="", report_year=2019, plan_year=2020)
    units = [UnitSections("04", "Cao Bằng", "on_time", FIRST_DAY, [], offline=True),
             UnitSections("06", "Bắc Kạn", "on_time", FIRST_DAY, [], offline=True, versions=1)]
    out = io.BytesIO()
    write_sections_docx(campaign, units, ["results"], out)
    blocks = _blocks_by_unit(docx.Document(io.BytesIO(out.getvalue())))
    assert _texts(blocks["04 — Cao Bằng"]) == [OFFLINE]
    assert _texts(blocks["06 — Bắc Kạn"]) == [SECTION_TITLES["results"], NO_SECTION]  # e-mailed, without it


def test_the_export_quotes_the_letters_wording_and_the_configured_titles_with_the_years(make_app):  # noqa: F811
    letter = [{"key": "results", "number": "1a", "title": "Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2025"},
              {"key": "plan", "number": "2a", "title": "Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2026"}]
    app = make_app([], campaign=[{**TK2025, "section": letter}],
                   outline={"proposals": {"title": "Kiến nghị, đề xuất năm {plan_year}"}})
    _stored(app, "vn34", "08", 0, ("results", "plan"))
    out = io.BytesIO()
    with app.sessions() as session:
        sections_export(session, app.config, "tk2025", [], out)
    document = docx.Document(io.BytesIO(out.getvalue()))
    headings = _heading2(_blocks_by_unit(document)["08 — Tuyên Quang"])
    assert headings == ["1a) Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2025",
                        "1b) Tình hình triển khai thực hiện cơ chế, chính sách, chương trình, đề án",
                        "1c) Tồn tại, hạn chế, khó khăn, vướng mắc và nguyên nhân",
                        "2a) Chỉ tiêu, nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch năm 2026",
                        "2b) Kiến nghị, đề xuất năm 2026"]
    assert document.paragraphs[2].text.startswith("Các mục tổng hợp: 1a) Đánh giá kết quả thực hiện")
