"""Old and open office formats (.doc, .rtf, .odt, .ods), read by having LibreOffice convert them.

A .doc, .rtf or .odt becomes a .docx and is read by `word.read_docx`; an .ods becomes an .xlsx
and is read by `sheets.read_xlsx`. The converted .docx keeps each run's font name, so legacy
TCVN3/VNI text is converted there exactly as in a native .docx (LibreOffice keeps TCVN3's ư,
byte 0xAD, which catdoc-style extractors drop as a soft hyphen).

Each conversion runs `soffice --headless` through `run_tool` (time and memory limits) in a fresh
temporary directory that also holds its own LibreOffice profile and HOME, so parallel
conversions never share a profile, and is removed afterwards. The input is written as
`input.<ext>`: the attachment's own name never reaches a command line. Each file costs one
soffice start, about 1.2-1.5 s on the project's 2-core machine (a small .doc converted and read:
1.4 s); that is accepted for these rarer formats.

Files LibreOffice would stall on or misread are refused before it runs: password-protected ones
(`encrypted`), and bytes that are none of these formats (`corrupt`: soffice would happily import
garbage as plain text).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

from parsers.documents.external import TEMP_PREFIX, find_tool, run_tool
from parsers.documents.limits import Limits
from parsers.documents.model import Document
from parsers.documents.office_crypto import OleError, is_ole, ole_kind
from reportbox.errors import DocumentError

# What each source format is converted to, and LibreOffice's export filter for it.
_TARGET = {"doc": "docx", "rtf": "docx", "odt": "docx", "ods": "xlsx"}
_FILTER = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
}
_MANIFEST = "META-INF/manifest.xml"
_MANIFEST_MAX = 1024 * 1024  # a manifest larger than this is not a real one
_NOT_INSTALLED = ("LibreOffice is not installed on this server, so .doc, .rtf, .odt and .ods files cannot be read "
                  "(install the libreoffice-writer-nogui and libreoffice-calc-nogui packages), "
                  "or ask the sender for .docx/.xlsx")


def read_via_libreoffice(data: bytes, path: str, limits: Limits) -> Document:
    """Read a .doc, .rtf, .odt or .ods file; its kind is taken from its bytes, not its name."""
    kind = source_kind(data)
    if kind == "xls":  # an Excel workbook named .doc: the spreadsheet reader knows it
        from parsers.documents.sheets import read_xls

        return read_xls(data, path, limits)
    target = _TARGET[kind]
    converted = convert(data, kind, target, limits)
    if target == "xlsx":
        from parsers.documents.sheets import read_xlsx  # written alongside; imported when needed

        document = read_xlsx(converted, path, limits)
    else:
        from parsers.documents.word import read_docx

        document = read_docx(converted, path, limits)
    return replace(document, kind=kind, notes=(*document.notes, f"converted from .{kind} by LibreOffice"))


def source_kind(data: bytes) -> str:
    """doc, rtf, odt, ods (or xls, an Excel file named .doc), or DocumentError encrypted/corrupt/unsupported."""
    if is_ole(data):
        try:
            kind = ole_kind(data)
        except OleError as exc:
            raise DocumentError(f"the file is damaged ({exc}); ask the sender to save it again", reason="corrupt")
        if kind == "encrypted":
            raise DocumentError("the file is password-protected; ask the sender for a copy without a password",
                                reason="encrypted")
        if kind in ("doc", "xls"):
            return kind
        if kind == "ppt":
            raise DocumentError("PowerPoint files are not read; ask for the report as .docx or .pdf",
                                reason="unsupported")
        raise DocumentError("the file is an Office container holding no Word document", reason="corrupt")
    if data[:64].lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if data[:4] == b"PK\x03\x04":
        return _opendocument_kind(data)
    raise DocumentError("the file is not a Word (.doc), RTF or OpenDocument file although it is named like one; "
                        "ask the sender to save it again", reason="corrupt")


def _opendocument_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            with archive.open("mimetype") as member:  # read a bounded prefix: sizes may lie
                mimetype = member.read(200).decode("ascii", "replace").strip()
            manifest = b""
            if _MANIFEST in archive.namelist():
                with archive.open(_MANIFEST) as member:
                    manifest = member.read(_MANIFEST_MAX)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise DocumentError(f"the OpenDocument file is damaged ({exc})", reason="corrupt") from exc
    kind = _ODF_KINDS.get(mimetype)
    if kind is None:
        raise DocumentError(f"the file is a zip archive but not an OpenDocument text or spreadsheet ({mimetype[:60]})",
                            reason="corrupt")
    if b"encryption-data" in manifest:  # ODF password protection is declared per member in the manifest
        raise DocumentError("the file is password-protected; ask the sender for a copy without a password",
                            reason="encrypted")
    return kind


def convert(data: bytes, source_ext: str, target_ext: str, limits: Limits) -> bytes:
    """Convert with LibreOffice in a private directory and profile; return the converted file's bytes."""
    soffice = find_tool("soffice", "libreoffice")
    if soffice is None:
        raise DocumentError(_NOT_INSTALLED, reason="unsupported")
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX + "soffice-") as work:
        source = os.path.join(work, f"input.{source_ext}")
        with open(source, "wb") as handle:
            handle.write(data)
        outdir = os.path.join(work, "out")
        argv = [soffice, f"-env:UserInstallation={Path(work, 'profile').as_uri()}", "--headless", "--norestore",
                "--nologo", "--nodefault", "--nolockcheck", "--convert-to", _FILTER[target_ext],
                "--outdir", outdir, source]
        env = {"HOME": work, "TMPDIR": work, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        result = run_tool(argv, limits, cwd=work, env=env, what=f"LibreOffice converting .{source_ext}")
        output = os.path.join(outdir, f"input.{target_ext}")
        if result.returncode == 0 and os.path.isfile(output) and os.path.getsize(output) > 0:
            with open(output, "rb") as handle:
                return handle.read()
    raise _failure(result, source_ext)


def _failure(result, source_ext: str) -> DocumentError:
    said = (result.stderr or b"").decode("utf-8", "replace").strip().splitlines()
    last = said[-1][:200] if said else f"exit status {result.returncode}, no output"
    if "could not be loaded" in last or "general input/output error" in last.lower():
        return DocumentError(f"LibreOffice could not open the .{source_ext} file ({last}); it is probably damaged",
                             reason="corrupt")
    return DocumentError(f"LibreOffice could not convert the .{source_ext} file ({last})", reason="conversion_failed")
