"""Archives: members read in turn, one budget over all nesting levels, names made safe, bombs refused."""

from __future__ import annotations

import io
import struct
import subprocess
import time
import zipfile

import pytest

from parsers.documents import archives, read, text
from parsers.documents.limits import Limits
from parsers.documents.read import read_document
from tests.parsers.documents.archive_fixtures import RawNameInfo, cp1258, nested_zip, rar4, zip_bomb, zip_of
from tests.servers.availability import require_tool

REPORT = "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH\nKẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2019\nKiến nghị, đề xuất\n".encode()
LIMITS = Limits()


@pytest.fixture(autouse=True)
def only_text_and_archive_readers(monkeypatch):
    """These tests are about unpacking: members are read as plain text or archives, nothing else
    (a docx-like member stays unread, so what is asserted is the archive's doing)."""
    readers = {"text": text.read_text, "zip": archives.read_archive, "7z": archives.read_archive,
               "rar": archives.read_archive}
    monkeypatch.setattr(read, "_readers", lambda: readers)


def _texts(document) -> dict[str, str]:
    return {member.path: member.text for member in document.members if member.error is None}


def _by_path(document, path):
    return next(member for member in document.members if member.path == path)


def test_zip_members_are_read_as_documents():
    data = zip_of([("Quang Ninh/bao-cao.txt", REPORT), ("Quang Ninh/", b""), ("phu-luc.txt", b"So ho: 24744\n")])
    document = read_document(data, "reports.zip", "zip")
    assert document.error is None and document.kind == "zip"
    assert _texts(document) == {
        "reports.zip/Quang Ninh/bao-cao.txt": REPORT.decode().strip(),
        "reports.zip/phu-luc.txt": "So ho: 24744",
    }
    assert document.members[0].kind == "text" and document.members[0].sha256


def test_nested_zips_are_read_to_the_depth_limit_and_refused_past_it():
    data = nested_zip(4, REPORT)  # outer → level-1.zip → level-2.zip → level-3.zip → report.txt
    document = read_document(data, "outer.zip", "zip", Limits(archive_depth=3))
    level_1 = _by_path(document, "outer.zip/level-1.zip")
    level_2 = _by_path(level_1, "outer.zip/level-1.zip/level-2.zip")
    assert level_1.kind == level_2.kind == "zip" and level_2.error is None
    too_deep = _by_path(level_2, "outer.zip/level-1.zip/level-2.zip/level-3.zip")
    assert too_deep.error == "too_large" and "3 levels" in too_deep.detail
    assert _texts(level_2) == {"outer.zip/level-1.zip/level-2.zip/note-3.txt": "Kien nghi, de xuat"}

    deep_enough = read_document(data, "outer.zip", "zip", Limits(archive_depth=4))
    innermost = deep_enough.members[0].members[0].members[0]
    assert _texts(innermost)["outer.zip/level-1.zip/level-2.zip/level-3.zip/report.txt"].startswith("ỦY BAN")


def test_zip_bomb_is_refused_by_ratio_without_unpacking_it():
    bomb = zip_bomb(200 * 1024 * 1024)
    assert len(bomb) < 1_000_000
    data = zip_of([("bomb.zip", bomb), ("bao-cao.txt", REPORT)], method=zipfile.ZIP_STORED)
    started = time.monotonic()
    document = read_document(data, "mail.zip", "zip")
    assert time.monotonic() - started < 5  # refused from the headers: inflating 200 MB twice would take longer
    zeros = _by_path(_by_path(document, "mail.zip/bomb.zip"), "mail.zip/bomb.zip/zeros.bin")
    assert zeros.error == "too_large" and "times its packed size" in zeros.detail
    assert "mail.zip/bao-cao.txt" in _texts(document)


def test_total_unpacked_bytes_span_all_levels():
    inner = zip_of([("a.txt", b"a" * 600), ("b.txt", b"b" * 600)])
    data = zip_of([("first.txt", b"x" * 600), ("inner.zip", inner)], method=zipfile.ZIP_STORED)
    document = read_document(data, "all.zip", "zip", Limits(archive_total_bytes=600 + len(inner) + 700))
    nested = _by_path(document, "all.zip/inner.zip")
    assert _by_path(nested, "all.zip/inner.zip/a.txt").error is None
    refused = _by_path(nested, "all.zip/inner.zip/b.txt")
    assert refused.error == "too_large" and "all levels together" in refused.detail


def test_member_count_limit_refuses_the_rest_in_one_member():
    data = zip_of([(f"bao-cao-{i}.txt", b"Kien nghi\n") for i in range(10)])
    document = read_document(data, "many.zip", "zip", Limits(archive_members=4))
    assert len(document.members) == 5
    assert [member.error for member in document.members[:4]] == [None] * 4
    assert document.members[4].error == "too_large" and "5 more" in document.members[4].detail


@pytest.mark.parametrize(("raw", "utf8_flag", "expected", "note"), [
    (cp1258("Báo cáo Quảng Ninh.txt"), False, "Báo cáo Quảng Ninh.txt", "cp1258"),
    ("Báo cáo Quảng Ninh.txt".encode(), False, "Báo cáo Quảng Ninh.txt", "utf-8"),
    ("Báo cáo Quảng Ninh.txt".encode(), True, "Báo cáo Quảng Ninh.txt", None),
    (b"bao cao.txt", False, "bao cao.txt", None),
])
def test_member_names_are_re_decoded(raw, utf8_flag, expected, note):
    data = zip_of([(RawNameInfo(raw, utf8_flag=utf8_flag), REPORT)])
    with zipfile.ZipFile(io.BytesIO(data)) as check:  # the bytes really are as written
        assert check.infolist()[0].filename.encode("utf-8" if utf8_flag else "cp437") == raw
    document = read_document(data, "names.zip", "zip")
    assert document.members[0].path == f"names.zip/{expected}"
    assert document.members[0].text.startswith("ỦY BAN")
    assert any(note in n for n in document.notes) if note else document.notes == ()


def test_hostile_member_names_are_made_safe():
    names = ["../../etc/passwd", "/abs/bao-cao.txt", "C:\\Windows\\win.ini", "a\\..\\..\\b.txt", "ctl\x01\x1b[31m.txt",
             "./././", "con.txt"]
    data = zip_of([(name, REPORT) for name in names])
    paths = [member.path for member in read_document(data, "h.zip", "zip").members]
    assert paths == ["h.zip/etc/passwd", "h.zip/abs/bao-cao.txt", "h.zip/C_/Windows/win.ini", "h.zip/a/b.txt",
                     "h.zip/ctl[31m.txt", "h.zip/_con.txt"]
    assert all(".." not in path and "\\" not in path and "//" not in path for path in paths)


def test_symlink_entries_are_skipped():
    link = zipfile.ZipInfo("link-to-passwd")
    link.create_system = 3
    link.external_attr = (0o120777 << 16)
    data = zip_of([(link, b"/etc/passwd"), ("bao-cao.txt", REPORT)])
    assert [m.path for m in read_document(data, "l.zip", "zip").members] == ["l.zip/bao-cao.txt"]


def test_encrypted_member_is_encrypted_and_others_are_read():
    locked = RawNameInfo(b"mat.txt", encrypted_flag=True)
    data = zip_of([(locked, b"\x00" * 12 + b"secret"), ("bao-cao.txt", REPORT)], method=zipfile.ZIP_STORED)
    document = read_document(data, "e.zip", "zip")
    assert _by_path(document, "e.zip/mat.txt").error == "encrypted"
    assert _by_path(document, "e.zip/bao-cao.txt").error is None
    only_locked = zip_of([(RawNameInfo(b"mat.txt", encrypted_flag=True), b"x" * 20)])
    assert read_document(only_locked, "e.zip", "zip").error == "encrypted"


def test_damaged_member_is_corrupt_and_damaged_zip_is_corrupt():
    data = bytearray(zip_of([("bao-cao.txt", REPORT), ("phu-luc.txt", b"So ho: 24744\n")], method=zipfile.ZIP_STORED))
    at = data.find(REPORT)
    data[at:at + 3] = b"XYZ"  # the CRC no longer matches
    document = read_document(bytes(data), "crc.zip", "zip")
    assert _by_path(document, "crc.zip/bao-cao.txt").error == "corrupt"
    assert _by_path(document, "crc.zip/phu-luc.txt").error is None
    assert read_document(bytes(data[:40]), "cut.zip", "zip").error == "corrupt"


def test_zip_header_that_understates_the_size_is_not_inflated_past_it():
    data = bytearray(zip_of([("zeros.txt", b"0" * 5_000_000), ("bao-cao.txt", REPORT)]))
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22:local + 26] = struct.pack("<I", 1000)  # uncompressed size, local header
    data[central + 24:central + 28] = struct.pack("<I", 1000)  # and central directory
    document = read_document(bytes(data), "lie.zip", "zip")
    lying = _by_path(document, "lie.zip/zeros.txt")
    assert lying.error == "corrupt" and "CRC" in lying.detail  # read stopped at the declared 1000 bytes
    assert _by_path(document, "lie.zip/bao-cao.txt").error is None


def test_empty_zip_has_no_members_and_a_note():
    document = read_document(zip_of([]), "empty.zip", "zip")
    assert document.error is None and document.members == () and "the archive is empty" in document.notes


# --- 7z and rar through unar ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def seven_zip(tmp_path_factory) -> bytes:
    bsdtar = require_tool("bsdtar", "to write the 7z test archive")
    folder = tmp_path_factory.mktemp("seven")
    source = folder / "src"
    (source / "Quảng Ninh").mkdir(parents=True)
    (source / "Quảng Ninh" / "bao-cao.txt").write_bytes(REPORT)
    # docx-like: a zip holding word/document.xml, the member shape a docx reader would get
    (source / "bao-cao.docx").write_bytes(zip_of([("word/document.xml", b"<w:document/>")]))
    (source / "phu-luc.zip").write_bytes(zip_of([("phu-luc.txt", b"So ho: 24744\n")]))
    (source / "passwd").symlink_to("/etc/passwd")  # stored as a link: must not be followed or read
    subprocess.run([bsdtar, "--format", "7zip", "-cf", str(folder / "r.7z"), "-C", str(source), "."], check=True)
    return (folder / "r.7z").read_bytes()


def _require_unar() -> None:
    require_tool("unar", "to unpack 7z and rar archives")
    require_tool("lsar", "to list 7z and rar archives")


def test_7z_members_and_nested_zip_are_read(seven_zip):
    _require_unar()
    document = read_document(seven_zip, "r.7z", "7z")
    assert document.error is None and document.kind == "7z"
    assert _texts(document)["r.7z/Quảng Ninh/bao-cao.txt"].startswith("ỦY BAN NHÂN DÂN")
    docx = _by_path(document, "r.7z/bao-cao.docx")
    assert docx.kind == "docx" and docx.error == "unsupported"  # sniffed as docx; no docx reader in these tests
    nested = _by_path(document, "r.7z/phu-luc.zip")
    assert nested.kind == "zip" and _texts(nested) == {"r.7z/phu-luc.zip/phu-luc.txt": "So ho: 24744"}
    assert len(document.members) == 3  # no member for the symlink nor for the directories


def test_7z_member_count_limit(seven_zip):
    _require_unar()
    document = read_document(seven_zip, "r.7z", "7z", Limits(archive_members=1))
    assert len(document.members) == 2 and document.members[0].error != "too_large"
    assert document.members[1].error == "too_large" and "limit of 1 members" in document.members[1].detail


def test_rar_written_by_hand_is_read_by_unar():
    _require_unar()
    data = rar4([("bao-cao.txt", REPORT), ("sub/b.txt", b"So ho: 24744\n"), ("inner.zip", zip_of([("a.txt", b"x\n")]))])
    document = read_document(data, "r.rar", "rar")
    assert document.error is None and document.kind == "rar"
    assert _texts(document)["r.rar/bao-cao.txt"].startswith("ỦY BAN")
    assert _texts(document)["r.rar/sub/b.txt"] == "So ho: 24744"  # extracted alone: unar renames it sub_b.txt
    assert _texts(_by_path(document, "r.rar/inner.zip")) == {"r.rar/inner.zip/a.txt": "x"}


def test_rar_member_past_the_total_budget_is_refused_before_extraction():
    _require_unar()
    data = rar4([("bao-cao.txt", REPORT), ("phu-luc.txt", b"x" * 5000)])
    document = read_document(data, "r.rar", "rar", Limits(archive_total_bytes=len(REPORT) + 100))
    assert _by_path(document, "r.rar/bao-cao.txt").error is None
    refused = _by_path(document, "r.rar/phu-luc.txt")
    assert refused.error == "too_large" and "limit for an archive's unpacked content" in refused.detail


def test_rar_with_hostile_names_stays_inside_and_is_safe():
    _require_unar()
    data = rar4([("../../evil.txt", REPORT), ("/abs.txt", b"So ho\n")])
    document = read_document(data, "h.rar", "rar")
    assert _texts(document) == {"h.rar/evil.txt": REPORT.decode().strip(), "h.rar/abs.txt": "So ho"}


def test_encrypted_rar_is_encrypted():
    _require_unar()
    assert read_document(rar4([("mat.txt", b"x" * 40)], encrypted=True), "e.rar", "rar").error == "encrypted"


def test_damaged_rar_member_is_corrupt_and_garbage_rar_is_corrupt():
    _require_unar()
    data = bytearray(rar4([("bao-cao.txt", REPORT), ("phu-luc.txt", b"So ho: 24744\n")]))
    at = data.find(REPORT)
    data[at:at + 3] = b"XYZ"
    document = read_document(bytes(data), "crc.rar", "rar")
    assert _by_path(document, "crc.rar/bao-cao.txt").error == "corrupt"
    assert _by_path(document, "crc.rar/phu-luc.txt").error is None
    assert read_document(b"Rar!\x1a\x07\x00" + b"\x17" * 300, "bad.rar", "rar").error == "corrupt"


def test_missing_unar_is_unsupported_naming_the_package(monkeypatch):
    monkeypatch.setattr(archives, "find_tool", lambda *names: None)
    document = read_document(rar4([("a.txt", b"x")]), "r.rar", "rar")
    assert document.error == "unsupported" and "unar" in document.detail
