"""What a read document is: blocks of Unicode text (paragraphs, headings, tables) in reading order.

Every reader (docx, pdf, OCR, LibreOffice conversions, spreadsheets, archives) produces these
and nothing else, so the section splitter and identification never care where text came from.
All text is NFC Unicode with legacy TCVN3/VNI already converted. Frozen, picklable, no payloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.vietnamese import parse_number


class BlockKind:
    PARAGRAPH = "paragraph"
    HEADING = "heading"  # the file itself says so: a heading style or an outline level
    TABLE = "table"


class Region:
    """Where on the page a block sits; only `body` is the report's running text."""

    BODY = "body"
    HEADER = "header"  # page header (docx header part, repeated PDF top lines)
    FOOTER = "footer"
    TEXTBOX = "textbox"  # a floating text box or shape
    STAMP = "stamp"  # a digital-signature stamp (`Người ký: … Thời gian ký: …`)


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]  # cell text, merged cells repeated as the source lays them out
    sheet: str | None = None  # spreadsheet tables: the sheet's name

    @property
    def text(self) -> str:
        return "\n".join("\t".join(row) for row in self.rows)

    def numbers(self) -> tuple[tuple[int | float | None, ...], ...]:
        """Each cell read as a number the Vietnamese way ("24.744" → 24744, "68,8%" → 68.8), else None."""
        return tuple(tuple(parse_number(cell) for cell in row) for row in self.rows)


@dataclass(frozen=True)
class Block:
    kind: str  # BlockKind
    text: str  # a table's text is its rows, tab-separated: what matching and search read
    level: int | None = None  # outline level the file gives (heading style or outlineLvl), 1 = top
    style: str | None = None  # the paragraph style's name, as the file has it
    numbering: str | None = None  # automatic numbering as displayed ("1.", "a)", "II."), not in `text`
    bold: bool = False  # the whole paragraph is bold
    page: int | None = None  # 1-based, where the format has pages
    region: str = Region.BODY
    table: Table | None = None  # set for kind TABLE

    @property
    def display_text(self) -> str:
        """The text as a reader sees it, automatic numbering included."""
        return f"{self.numbering} {self.text}" if self.numbering else self.text


@dataclass(frozen=True)
class SignatureStamp:
    """A digital-signature stamp's text (Vietnamese e-government PDFs), kept apart from the body."""

    text: str
    signer: str | None = None  # `Người ký:` — usually the issuing body, sometimes a person
    organisation: str | None = None  # `Cơ quan:`
    email: str | None = None
    signed_at: str | None = None  # `Thời gian ký:` as written; parsed later, with the clock, if needed
    page: int | None = None


@dataclass(frozen=True)
class Document:
    """One file as read. `error` set means it could not be read, and says why (DocumentError reasons)."""

    path: str  # the attachment's safe file name; archive members as "reports.zip/Quang Ninh/bc.docx"
    kind: str  # the sniffed kind that chose the reader: docx, pdf, doc, rtf, odt, xlsx, xls, image, zip, ...
    size: int = 0
    sha256: str = ""
    blocks: tuple[Block, ...] = ()
    pages: int | None = None
    ocr: bool = False  # text comes from OCR (all or some pages)
    ocr_confidence: float | None = None  # mean word confidence of the OCR'd pages, 0..1
    legacy_encoding: str | None = None  # "tcvn3" / "vni" when legacy text was converted
    signatures: tuple[SignatureStamp, ...] = ()
    members: tuple[Document, ...] = ()  # an archive's members, each read in turn
    error: str | None = None  # DocumentError reason code
    detail: str | None = None  # what a person needs to act on the error
    notes: tuple[str, ...] = field(default=())  # lesser findings: "2 pages OCR'd", "member name re-decoded as cp1258"

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks if block.region == Region.BODY)
