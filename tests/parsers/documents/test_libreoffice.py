"""libreoffice.read_via_libreoffice: .doc/.rtf/.odt/.ods through a real soffice, and what it refuses."""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from parsers.documents import libreoffice
from parsers.documents.limits import Limits
from parsers.documents.model import BlockKind
from parsers.documents.read import read_document
from parsers.documents.word import read_docx
from reportbox.errors import DocumentError
from tests.parsers.documents import word_fixtures as fx
from tests.servers.availability import require_tool

LIMITS = Limits()
SOURCES = {"report": fx.report_docx, "legacy": fx.legacy_docx, "vni": fx.vni_docx}
# What the module reads back: each name is one LibreOffice conversion (about 1.5 s each).
READ_BACK = ("report.doc", "report.rtf", "report.odt", "legacy.doc", "legacy.rtf", "legacy.odt", "vni.doc", "table.ods")


@pytest.fixture(scope="module")
def soffice() -> str:
    return require_tool("soffice", "to convert .doc, .rtf, .odt and .ods attachments")


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Biểu 01"
    sheet.append(["Chỉ tiêu", "Kế hoạch", "Thực hiện"])
    sheet.append(["Thu ngân sách (tỷ đồng)", 24000, 24744])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def converted(soffice, tmp_path_factory) -> dict[str, bytes]:
    """The generated .docx files saved as .doc, .rtf and .odt (one soffice call per target format,
    each converting every file, the calls run side by side with their own profiles), and a .xlsx as .ods."""
    work = tmp_path_factory.mktemp("sources")
    for name, build in SOURCES.items():
        (work / f"{name}.docx").write_bytes(build())
    (work / "table.xlsx").write_bytes(_workbook())
    docx_files = [str(work / f"{name}.docx") for name in SOURCES]
    jobs = [("doc", docx_files), ("rtf", docx_files), ("odt", docx_files), ("ods", [str(work / "table.xlsx")])]

    def run(job):
        target, files = job
        profile = (work / f"profile-{target}").as_uri()
        return subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
                               "--convert-to", target, "--outdir", str(work / "out"), *files],
                              capture_output=True, timeout=180, env={**os.environ, "HOME": str(work)})

    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(run, jobs))
    assert all(result.returncode == 0 for result in results), [r.stderr for r in results]
    return {path.name: path.read_bytes() for path in (work / "out").iterdir()}


@pytest.fixture(scope="module")
def read_back(converted):
    """Every converted file read by read_via_libreoffice, two at a time."""
    with ThreadPoolExecutor(2) as pool:
        documents = pool.map(lambda name: libreoffice.read_via_libreoffice(converted[name], name, LIMITS), READ_BACK)
        return dict(zip(READ_BACK, documents))


@pytest.mark.parametrize("name", ["report.doc", "report.rtf", "report.odt"])
def test_headings_numbering_and_tables_survive_the_conversion(read_back, name):
    document = read_back[name]
    assert document.kind == name.rsplit(".", 1)[1]
    assert document.legacy_encoding is None
    numbered = [(block.numbering, block.text) for block in document.blocks if block.numbering]
    assert numbered[:3] == [("I.", "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"), ("1.", "Công tác chỉ đạo, điều hành"),
                            ("1.1.", "Kết quả đạt được")]
    assert ("II.", "KIẾN NGHỊ, ĐỀ XUẤT") in numbered
    headings = {(block.level, block.text) for block in document.blocks if block.kind == BlockKind.HEADING}
    assert {(1, "Phương hướng nhiệm vụ năm 2020"), (2, "Các giải pháp chủ yếu")} <= headings
    letterhead = next(block.table for block in document.blocks if block.kind == BlockKind.TABLE)
    assert letterhead.rows[0] == ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NINH",
                                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert "Nguyễn Văn Thắng" in document.text
    assert document.notes[-1] == f"converted from .{document.kind} by LibreOffice"


@pytest.mark.parametrize("name", ["legacy.doc", "legacy.rtf", "legacy.odt"])
def test_tcvn3_text_survives_the_round_trip(read_back, name):
    document = read_back[name]
    assert document.legacy_encoding == "tcvn3"
    texts = [block.text for block in document.blocks]
    assert texts[:3] == ["KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019", "Cộng hoà xã hội chủ nghĩa Việt Nam",
                         "Tăng trưởng kinh tế đạt 12,1%, vượt kế hoạch"]  # ư (0xAD) kept, not dropped
    assert document.blocks[3].table.rows == (("Chỉ tiêu", "Kết quả"), ("GRDP", "12,1"))


def test_vni_text_survives_the_round_trip(read_back):
    assert read_back["vni.doc"].legacy_encoding == "vni"
    assert read_back["vni.doc"].blocks[0].text == "Cộng hòa xã hội chủ nghĩa Việt Nam"


def test_an_ods_is_read_as_a_spreadsheet(read_back):
    document = read_back["table.ods"]
    assert document.kind == "ods"
    table = next(block.table for block in document.blocks if block.kind == BlockKind.TABLE)
    assert table.rows[0] == ("Chỉ tiêu", "Kế hoạch", "Thực hiện")
    assert table.rows[1][0] == "Thu ngân sách (tỷ đồng)"
    assert table.sheet == "Biểu 01"


def test_a_doc_named_docx_is_converted_too(converted):
    document = read_docx(converted["report.doc"], "bao-cao.docx", LIMITS)
    assert any(block.numbering == "II." for block in document.blocks)


def test_two_conversions_at_once_both_succeed(converted):
    start = threading.Barrier(2)

    def read(name):
        start.wait()
        return libreoffice.read_via_libreoffice(converted[name], name, LIMITS)

    with ThreadPoolExecutor(2) as pool:
        report, legacy = pool.map(read, ["report.doc", "legacy.doc"])
    assert report.blocks[1].text.startswith("ỦY BAN NHÂN DÂN")
    assert legacy.blocks[1].text == "Cộng hoà xã hội chủ nghĩa Việt Nam"


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Temp files of the reader go here, so a test can see what is left behind."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if entry.name.isdigit() and entry.name != str(os.getpid()) and text in cmdline:
            found.append(cmdline)
    return found


def test_a_timeout_stops_soffice_and_leaves_nothing_behind(converted, private_tmp):
    started = time.monotonic()
    with pytest.raises(DocumentError) as caught:
        libreoffice.read_via_libreoffice(converted["report.doc"], "bc.doc", Limits(subprocess_seconds=0.5))
    assert caught.value.reason == "timeout"
    assert time.monotonic() - started < 10
    assert _processes_mentioning(str(private_tmp)) == []
    assert list(private_tmp.iterdir()) == []  # the profile and the files went with the temp dir


def test_a_successful_conversion_leaves_nothing_behind(converted, private_tmp):
    document = libreoffice.read_via_libreoffice(converted["legacy.rtf"], "bc.rtf", LIMITS)
    assert document.kind == "rtf"
    assert list(private_tmp.iterdir()) == []


def test_a_damaged_rtf_is_corrupt(soffice, converted):
    with pytest.raises(DocumentError) as caught:
        libreoffice.read_via_libreoffice(converted["report.rtf"][:3000], "bc.rtf", LIMITS)
    assert caught.value.reason == "corrupt"


@pytest.mark.parametrize(("data", "reason"), [
    pytest.param(b"\x00\x13garbage" * 500, "corrupt", id="garbage-doc"),
    pytest.param(fx.word_binary(encrypted=True), "encrypted", id="encrypted-doc"),
    pytest.param(fx.encrypted_docx(), "encrypted", id="encrypted-docx-as-doc"),
    pytest.param(fx.zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text",
                               "META-INF/manifest.xml": b"<manifest:encryption-data/>"}),
                 "encrypted", id="encrypted-odt"),
    pytest.param(fx.zip_bytes({"mimetype": b"application/epub+zip"}), "corrupt", id="zip-not-opendocument"),
])
def test_files_refused_before_libreoffice_runs(data, reason, monkeypatch):
    monkeypatch.setattr(libreoffice, "run_tool", lambda *a, **k: pytest.fail("soffice must not run"))
    document = read_document(data, "bc.doc", "doc", LIMITS)
    assert document.error == reason


def test_a_truncated_doc_is_corrupt(converted, monkeypatch):
    monkeypatch.setattr(libreoffice, "run_tool", lambda *a, **k: pytest.fail("soffice must not run"))
    with pytest.raises(DocumentError) as caught:
        libreoffice.read_via_libreoffice(converted["report.doc"][:9000], "bc.doc", LIMITS)
    assert caught.value.reason == "corrupt"


def test_without_libreoffice_the_reason_says_what_to_install(monkeypatch):
    monkeypatch.setattr(libreoffice, "find_tool", lambda *names: None)
    with pytest.raises(DocumentError) as caught:
        libreoffice.read_via_libreoffice(fx.word_binary(encrypted=False), "bc.doc", LIMITS)
    assert caught.value.reason == "unsupported"
    assert "libreoffice-writer-nogui" in str(caught.value)
