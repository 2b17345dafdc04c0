"""Office files in OLE containers (CFB): what they hold, and whether they are password-protected.

An old .doc/.xls/.ppt and an encrypted .docx/.xlsx are all Compound File Binary containers (magic
D0CF11E0). Telling them apart before python-docx, xlrd or LibreOffice see them matters: those
would otherwise fail with a misleading message (or, for LibreOffice, wait for a password).
olefile reads the container; msoffcrypto-tool decides encryption the way Office does — an OOXML
package in an `EncryptedPackage` stream, the FIB's fEncrypted bit of a .doc, a FILEPASS record
in an .xls workbook, a CryptSession10Container in a .ppt.
"""

from __future__ import annotations

import io

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class OleError(ValueError):
    """The bytes are not a readable CFB container (truncated, or hostile)."""


def is_ole(data: bytes) -> bool:
    return data[:8] == OLE_MAGIC


def ole_kind(data: bytes) -> str | None:
    """What an OLE container holds: "encrypted" (any password-protected Office file), "doc", "xls",
    "ppt", or None for other containers. Raises OleError when it cannot be read."""
    import olefile  # msoffcrypto-tool's own container reader

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"):
                return "encrypted"  # an OOXML file (.docx, .xlsx, .pptx) with a password
            if ole.exists("WordDocument"):
                kind = "doc"
            elif ole.exists("Workbook"):
                kind = "xls"
            elif ole.exists("Book"):
                return "xls"  # Excel 5/95: msoffcrypto-tool does not read it; xlrd tells encryption
            elif ole.exists("PowerPoint Document"):
                kind = "ppt"
            else:
                return None
    except Exception as exc:  # noqa: BLE001 — olefile raises OSError, ValueError, struct.error … on hostile bytes
        raise OleError(f"not a readable Office container ({type(exc).__name__}: {exc})"[:200]) from exc
    return "encrypted" if _binary_encrypted(kind, data) else kind


def _binary_encrypted(kind: str, data: bytes) -> bool:
    from msoffcrypto.format.doc97 import Doc97File
    from msoffcrypto.format.ppt97 import Ppt97File
    from msoffcrypto.format.xls97 import Xls97File

    office_file = {"doc": Doc97File, "xls": Xls97File, "ppt": Ppt97File}[kind]
    try:
        return office_file(io.BytesIO(data)).is_encrypted()
    except Exception as exc:  # noqa: BLE001 — a damaged stream shows as any of struct.error, IndexError, KeyError …
        raise OleError(f"the {kind} file's streams are damaged ({type(exc).__name__}: {exc})"[:200]) from exc
