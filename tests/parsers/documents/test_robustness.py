"""Damaged files of every kind: each reader returns a Document or raises a typed DocumentError, in time.

One small valid file per kind is built once; hypothesis damages it (truncation, overwritten bytes,
shuffled chunks, a duplicated slice, inserted bytes, or random bytes under the kind's name) and
`read_document` must return a Document whose error is None or one of DocumentError.REASONS with a
detail, all text NFC, archive members alike, well within the wall-clock bound. The reader is then
called directly on the same bytes: it must raise nothing but DocumentError (read_document's last-resort
`except Exception` is not what keeps it safe) and give the same result again (determinism).
Runs are derandomized, so CI sees the same examples every time.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import subprocess
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.documents import archives, libreoffice, ocr, pdf, sheets, text, word
from parsers.documents.deadline import time_limit
from parsers.documents.limits import Limits
from parsers.documents.model import Document
from parsers.documents.read import read_document
from reportbox import sample_documents
from reportbox.errors import DocumentError
from tests.parsers.documents import archive_fixtures as afx
from tests.parsers.documents import pdf_fixtures as pfx
from tests.parsers.documents import word_fixtures as wfx
from tests.servers.availability import require_tool

LIMITS = Limits(parse_seconds=20, subprocess_seconds=20, ocr_max_pages=1, ocr_dpi=100)
WALL_SECONDS = 60  # one read, however damaged the file

REPORT_TEXT = ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH\nCộng hoà xã hội chủ nghĩa Việt Nam\n"
               "KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019\nKiến nghị, đề xuất\n")
REPORT_HTML = ("<html><head><meta charset='utf-8'><title>Báo cáo</title></head><body>"
               "<h1>KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019</h1><p>Cộng hoà xã hội chủ nghĩa Việt Nam</p>"
               "<table><tr><td>Chỉ tiêu</td><td>Thực hiện</td></tr><tr><td>GRDP</td><td>12,1%</td></tr></table>"
               "<ul><li>Kiến nghị, đề xuất</li></ul></body></html>")


@dataclass(frozen=True)
class Case:
    name: str  # the seed's name
    kind: str  # the kind read_document is told
    ext: str  # the file name's extension
    reader: Callable[[bytes, str, Limits], Document]
    examples: int
    tools: tuple[str, ...] = ()


CASES = (
    Case("docx", "docx", "docx", word.read_docx, 50),
    Case("pdf-text", "pdf", "pdf", pdf.read_pdf, 40),
    Case("pdf-table", "pdf", "pdf", pdf.read_pdf, 15),
    Case("pdf-scan", "pdf", "pdf", pdf.read_pdf, 5, ("tesseract",)),
    Case("xlsx", "xlsx", "xlsx", sheets.read_xlsx, 40),
    Case("xls", "xls", "xls", sheets.read_xls, 30, ("soffice",)),
    Case("zip", "zip", "zip", archives.read_archive, 30),
    Case("7z", "7z", "7z", archives.read_archive, 12, ("bsdtar", "unar", "lsar")),
    Case("rar", "rar", "rar", archives.read_archive, 12, ("unar", "lsar")),
    Case("doc", "doc", "doc", libreoffice.read_via_libreoffice, 4, ("soffice",)),
    Case("rtf", "rtf", "rtf", libreoffice.read_via_libreoffice, 4, ("soffice",)),
    Case("odt", "odt", "odt", libreoffice.read_via_libreoffice, 4, ("soffice",)),
    Case("png", "image", "png", ocr.read_image, 5, ("tesseract",)),
    Case("text", "text", "txt", text.read_text, 40),
    Case("html", "html", "html", text.read_html, 40),
)
CASE = {case.name: case for case in CASES}
WHY = {"tesseract": "to OCR damaged scans", "soffice": "to build and convert the office seed files",
       "bsdtar": "to write the 7z seed archive", "unar": "to unpack damaged 7z and rar archives",
       "lsar": "to list damaged 7z and rar archives"}


# --- Seeds: one small valid file per kind, built once --------------------------------------------
def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Biểu 01"
    sheet.append(["Chỉ tiêu", "Kế hoạch", "Thực hiện"])
    sheet.append(["Thu ngân sách (tỷ đồng)", 24000, 24744])
    sheet.append(["Tỷ lệ hộ nghèo giảm", 0.7, 0.688])
    sheet["C3"].number_format = "0.0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _office_seeds(folder) -> dict[str, bytes]:
    """doc, rtf, odt (from a one-page report) and xls, each written by one soffice call, side by side."""
    soffice = require_tool("soffice", WHY["soffice"])
    (folder / "report.docx").write_bytes(sample_documents.report_docx("Quảng Ninh", 2019, 1))
    (folder / "report.xlsx").write_bytes(_xlsx())
    jobs = [(target, "report.xlsx" if target == "xls" else "report.docx") for target in ("doc", "rtf", "odt", "xls")]

    def convert(job):
        target, source = job
        argv = [soffice, f"-env:UserInstallation={(folder / f'profile-{target}').as_uri()}", "--headless",
                "--norestore", "--convert-to", target, "--outdir", str(folder / "out"), str(folder / source)]
        return subprocess.run(argv, capture_output=True, timeout=180, env={**os.environ, "HOME": str(folder)})

    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(convert, jobs))
    assert all(result.returncode == 0 for result in results), [result.stderr for result in results]
    return {target: (folder / "out" / f"report.{target}").read_bytes() for target, _ in jobs}


def _seven_zip(folder) -> bytes:
    bsdtar = require_tool("bsdtar", WHY["bsdtar"])
    source = folder / "7z-source"
    (source / "Quảng Ninh").mkdir(parents=True)
    (source / "Quảng Ninh" / "bao-cao.txt").write_text(REPORT_TEXT, encoding="utf-8")
    (source / "phu-luc.html").write_text(REPORT_HTML, encoding="utf-8")
    (source / "bao-cao.docx").write_bytes(wfx.report_docx())
    subprocess.run([bsdtar, "--format", "7zip", "-cf", str(folder / "r.7z"), "-C", str(source), "."], check=True)
    return (folder / "r.7z").read_bytes()


_SIMPLE_SEEDS: dict[str, Callable[[], bytes]] = {
    "docx": wfx.report_docx,
    "pdf-text": lambda: pfx.text_pdf([pfx.REPORT_PAGES[0]]),
    "pdf-table": pfx.report_pdf,  # a ruled table on page 2, a signature stamp on page 3
    "pdf-scan": lambda: pfx.scanned_pdf([pfx.text_image(dpi=100)], dpi=100),
    "png": lambda: pfx.png_bytes(pfx.text_image(dpi=100)),
    "xlsx": _xlsx,
    "zip": lambda: afx.zip_of([
        ("Quảng Ninh/bao-cao.txt", REPORT_TEXT.encode()), ("bao-cao.docx", wfx.report_docx()),
        ("phu-luc.zip", afx.zip_of([("phu-luc.html", REPORT_HTML.encode())]))]),
    "rar": lambda: afx.rar4([("bao-cao.txt", REPORT_TEXT.encode()), ("phu-luc.html", REPORT_HTML.encode())]),
    "text": lambda: REPORT_TEXT.encode(),
    "html": lambda: REPORT_HTML.encode(),
}


class Seeds:
    """Seed files by name, each built on first use (the office ones together, by one soffice run each)."""

    def __init__(self, folder) -> None:
        self._folder = folder
        self._built: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self._built:
            if name in _SIMPLE_SEEDS:
                self._built[name] = _SIMPLE_SEEDS[name]()
            elif name == "7z":
                self._built[name] = _seven_zip(self._folder)
            else:
                self._built.update(_office_seeds(self._folder))
        return self._built[name]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Seeds:
    return Seeds(tmp_path_factory.mktemp("seeds"))


# --- Damage --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Damage:
    """One way to damage a file, small enough to print and to keep as a regression example.

    Positions are taken modulo the length of what is damaged, so one Damage fits any file.
    """

    how: str  # truncate, overwrite, shuffle, duplicate, insert, noise, member
    args: tuple

    def apply(self, seed: bytes) -> bytes:
        return getattr(self, f"_{self.how}")(seed, *self.args)

    @staticmethod
    def _truncate(seed: bytes, end: int) -> bytes:
        return seed[:_at(seed, end)]

    @staticmethod
    def _overwrite(seed: bytes, *changes: tuple[int, int]) -> bytes:
        data = bytearray(seed)
        for position, value in changes:
            if data:
                data[position % len(data)] = value
        return bytes(data)

    @staticmethod
    def _shuffle(seed: bytes, size: int, order_seed: int) -> bytes:
        chunks = [seed[i:i + size] for i in range(0, len(seed), size)]
        random.Random(order_seed).shuffle(chunks)
        return b"".join(chunks)

    @staticmethod
    def _duplicate(seed: bytes, start: int, length: int, at: int) -> bytes:
        start, at = _at(seed, start), _at(seed, at)
        return seed[:at] + seed[start:start + length] + seed[at:]

    @staticmethod
    def _insert(seed: bytes, at: int, extra: bytes) -> bytes:
        return seed[:_at(seed, at)] + extra + seed[_at(seed, at):]

    @staticmethod
    def _noise(seed: bytes, magic: bool, noise: bytes) -> bytes:
        # Noise behind the kind's own first bytes gets past the sniffing into the parser proper.
        return (seed[:8] if magic else b"") + noise

    @staticmethod
    def _member(seed: bytes, index: int, inner: Damage) -> bytes:
        """One member of a zip container (docx, xlsx, odt, zip) damaged inside, the zip itself sound:
        the damage reaches the XML and the member's reader instead of stopping at the zip's CRC."""
        with zipfile.ZipFile(io.BytesIO(seed)) as source:
            members = [(info.filename, source.read(info)) for info in source.infolist()]
        name, content = members[index % len(members)]
        members[index % len(members)] = (name, inner.apply(content))
        return afx.zip_of(members)


def _at(data: bytes, position: int) -> int:
    return position % (len(data) + 1)


def _raw_damage(size: int):
    position = st.integers(0, max(size - 1, 0))
    args = {
        "truncate": st.tuples(position),
        "overwrite": st.lists(st.tuples(position, st.integers(0, 255)), min_size=1, max_size=8).map(tuple),
        "shuffle": st.tuples(st.integers(16, 4096), st.integers(0, 2**32)),
        "duplicate": st.tuples(position, st.integers(1, 4096), position),
        "insert": st.tuples(position, st.binary(min_size=1, max_size=64)),
        "noise": st.tuples(st.booleans(), st.binary(max_size=4096)),
    }
    return st.one_of([st.builds(Damage, st.just(how), strategy) for how, strategy in args.items()])


def damaged(seed: bytes):
    """Damage to the file's bytes; for a zip container, as often damage to one member inside it."""
    raw = _raw_damage(len(seed))
    if not seed.startswith(b"PK\x03\x04"):
        return raw
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        count = len(archive.infolist())
    inside = st.builds(Damage, st.just("member"), st.tuples(st.integers(0, count - 1), _raw_damage(1 << 16)))
    return st.booleans().flatmap(lambda member: inside if member else raw)  # half of each


# --- What every read must satisfy ----------------------------------------------------------------
def assert_well_formed(document: Document) -> None:
    assert isinstance(document, Document)
    assert document.error is None or (document.error in DocumentError.REASONS and document.detail), (
        document.path, document.error, document.detail)
    # A detail is read by people, and must not change from run to run: no temp dirs, no object addresses.
    assert tempfile.gettempdir() + os.sep not in (document.detail or ""), document.detail
    assert " at 0x" not in (document.detail or ""), document.detail
    texts = [block.text for block in document.blocks]
    texts += [cell for block in document.blocks if block.table for row in block.table.rows for cell in row]
    texts += [stamp.text for stamp in document.signatures]
    for value in texts:
        assert unicodedata.is_normalized("NFC", value), (document.path, value)
    for member in document.members:
        assert_well_formed(member)


def read_and_check(case: Case, data: bytes) -> Document:
    path = f"x.{case.ext}"
    started = time.monotonic()
    document = read_document(data, path, case.kind, LIMITS)
    assert time.monotonic() - started < WALL_SECONDS
    assert_well_formed(document)
    assert_reader_alone_agrees(case, data, document)
    return document


def assert_reader_alone_agrees(case: Case, data: bytes, document: Document) -> None:
    """The reader itself raises only DocumentError, and reading again gives the same Document."""
    path = f"x.{case.ext}"
    try:
        with time_limit(LIMITS.parse_seconds, f"reading {path}"):
            direct = case.reader(data, path, LIMITS)
    except DocumentError as exc:
        assert (document.error, document.detail) == (exc.reason, str(exc))
        return
    # Anything else the reader raises fails here, with its traceback.
    again = replace(direct, path=path, kind=case.kind, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    assert again == document


def _require_tools(case: Case) -> None:
    for tool in case.tools:
        require_tool(tool, WHY[tool])


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_damaged_files_give_a_document_or_a_typed_error(case: Case, seeds: Seeds):
    _require_tools(case)
    seed = seeds[case.name]
    assert read_and_check(case, seed).error is None  # the seed itself is read

    @settings(max_examples=case.examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(damaged(seed))
    def check(damage: Damage) -> None:
        read_and_check(case, damage.apply(seed))

    check()


_LIBREOFFICE_KINDS = ("doc", "rtf", "odt", "ods")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_sound_file_declared_as_another_kind_is_read_or_refused(case: Case, seeds: Seeds):
    """Sniffing can be wrong: every reader meets every other kind's seed. One LibreOffice format declared
    as another is left out (it is converted, as it should be: a second conversion costs seconds)."""
    _require_tools(case)
    seed = seeds[case.name]
    others = {other.kind: other for other in CASES if other.kind != case.kind}
    others["csv"] = replace(CASE["text"], kind="csv", ext="csv")
    others["ods"] = replace(CASE["odt"], kind="ods", ext="ods")
    for other in others.values():
        if not (case.kind in _LIBREOFFICE_KINDS and other.kind in _LIBREOFFICE_KINDS):
            read_and_check(other, seed)


# --- What the properties found, kept as plain examples -------------------------------------------
@pytest.mark.parametrize(("name", "damage", "error"), [
    # A deflated member that fails to inflate raised zlib.error out of python-docx's package reader.
    ("docx", Damage("overwrite", ((49, 0),)), "corrupt"),
    # A content type in [Content_Types].xml damaged: the header part came as a bare Part, with no
    # .element (AttributeError); its XML is now parsed from its bytes, and the document is read.
    ("docx", Damage("member", (0, Damage("duplicate", (1, 1, 1253)))), None),
    # Damaged element or attribute names in [Content_Types].xml: python-docx's package reader raised
    # AttributeError ('_Element' has no 'overrides'; None.lower()).
    ("docx", Damage("member", (0, Damage("duplicate", (1, 1, 70)))), "corrupt"),
    ("docx", Damage("member", (0, Damage("duplicate", (2, 1, 46455)))), "corrupt"),
    # unar's message named our random temp dir: the detail (of the damaged members) differed from run to run.
    ("7z", Damage("overwrite", ((32, 1),)), "corrupt"),
    # Pillow's UnidentifiedImageError names the BytesIO's address: the detail differed from run to run.
    ("png", Damage("noise", (False, b"")), "corrupt"),
    ("png", Damage("truncate", (100,)), "corrupt"),
], ids=["docx-inflate", "docx-content-type", "docx-types-element", "docx-types-attribute", "7z-temp-dir",
        "png-empty", "png-truncated"])
def test_damage_found_before_is_a_typed_error_with_a_stable_detail(name, damage, error, seeds: Seeds):
    case = CASE[name]
    _require_tools(case)
    document = read_and_check(case, damage.apply(seeds[name]))
    assert error in {document.error, *(member.error for member in document.members)}


def test_damaged_xls_prints_nothing(seeds: Seeds, capfd):
    """xlrd wrote its warnings on damaged workbooks to the process's stdout."""
    case = CASE["xls"]
    _require_tools(case)
    read_and_check(case, Damage("truncate", (len(seeds["xls"]) - 300,)).apply(seeds["xls"]))
    assert capfd.readouterr().out == ""
