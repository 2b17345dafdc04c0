"""Word styles and automatic numbering: what a paragraph inherits, and the list labels Word displays.

styles.xml and numbering.xml are resolved once per file; `StyleSheet` answers a paragraph's style
(name, font, bold, outline level, list) and a run's font and bold, `Numbering` advances the list
counters in document order and renders each label.

Choices worth knowing:
- Automatic numbering is rendered as Word displays it ("II.", "1.2.", "a)"); bullets give no
  label (their glyph carries no outline information). Counters are kept per abstract list, as
  Word does, except for a list instance that restarts (lvlOverride), which counts on its own.
- A heading is a paragraph with an outline level (its own or its style's) or a heading style
  ("Heading N", "Tiêu đề N", "Đầu đề N"); "Title" is a heading without a level. A style's name
  is given as Word shows it ("Heading 1"; styles.xml stores "heading 1").
- A run's font is the first one set on the run, its character style, the paragraph style or the
  document default; it is the hAnsi font, which draws the letters where TCVN3/VNI put Vietnamese.
"""

from __future__ import annotations

import re

from lxml import etree

from parsers.vietnamese import fix_legacy, fold

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# --- Styles --------------------------------------------------------------------------------------
_MAX_CHAIN = 20  # basedOn chains deeper than this are a loop or hostile


def _val(parent: etree._Element | None, tag: str) -> str | None:
    found = parent.find(w(tag)) if parent is not None else None
    return found.get(w("val")) if found is not None else None


def _bold(rpr: etree._Element | None) -> bool | None:
    found = rpr.find(w("b")) if rpr is not None else None
    if found is None:
        return None
    return found.get(w("val"), "true").lower() not in ("0", "false", "off")


def _font(rpr: etree._Element | None) -> str | None:
    fonts = rpr.find(w("rFonts")) if rpr is not None else None
    if fonts is None:
        return None
    # Letters past ASCII (where TCVN3/VNI put Vietnamese) are drawn in the hAnsi font.
    return fonts.get(w("hAnsi")) or fonts.get(w("ascii"))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


_HEADING_NAME = re.compile(r"(?:heading|tieu de|dau de) ?([1-9])")  # folded: Heading 1, Tiêu đề 1, Đầu đề 1


class ParagraphStyle:
    """What a paragraph inherits from its style chain (and the document defaults)."""

    __slots__ = ("name", "font", "bold", "outline", "heading_level", "num_id", "ilvl", "style_id")

    def __init__(self, style_id: str | None, name: str | None, values: dict) -> None:
        from docx.styles import BabelFish  # "heading 1" as stored → "Heading 1" as Word shows it

        self.style_id, self.name = style_id, BabelFish.internal2ui(name) if name else None
        self.font, self.bold = values.get("font"), bool(values.get("bold"))
        self.outline, self.num_id, self.ilvl = values.get("outline"), values.get("num_id"), values.get("ilvl")
        folded = fold(name or "")
        heading = _HEADING_NAME.fullmatch(folded)
        self.heading_level = int(heading.group(1)) if heading else None
        if folded in ("title", "tieu de"):
            self.heading_level = 0  # a heading without a level

    def outline_level(self, ppr: etree._Element | None) -> tuple[int | None, bool]:
        """(level, is_heading): a direct or inherited outlineLvl decides, else a heading style's name."""
        outline = _int(_val(ppr, "outlineLvl"))
        outline = self.outline if outline is None else outline
        if outline is not None:
            return (outline + 1, True) if 0 <= outline <= 8 else (None, False)
        if self.heading_level is not None:
            return (self.heading_level or None), True
        return None, False


class StyleSheet:
    """styles.xml resolved once: paragraph styles by id, character styles' font and bold, defaults."""

    def __init__(self, root: etree._Element | None) -> None:
        self._elements: dict[str, etree._Element] = {}
        self._default_paragraph: str | None = None
        self._defaults: dict = {}
        self._paragraph: dict[str | None, ParagraphStyle] = {}
        self._character: dict[str, tuple[str | None, bool | None]] = {}
        if root is None:
            return
        for style in root.iter(w("style")):
            style_id = style.get(w("styleId"))
            if style_id is not None:
                self._elements.setdefault(style_id, style)
                if style.get(w("type")) == "paragraph" and style.get(w("default")) in ("1", "true", "on"):
                    self._default_paragraph = style_id
        defaults = root.find(w("docDefaults"))
        rpr = defaults.find(f"{w('rPrDefault')}/{w('rPr')}") if defaults is not None else None
        self._defaults = {"font": _font(rpr), "bold": _bold(rpr)}

    def _chain_values(self, style_id: str | None) -> dict:
        """Properties from a style and those it is based on, nearest first; None where unset."""
        values: dict = {}
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < _MAX_CHAIN:
            seen.add(style_id)
            style = self._elements.get(style_id)
            if style is None:
                break
            ppr, rpr = style.find(w("pPr")), style.find(w("rPr"))
            numpr = ppr.find(w("numPr")) if ppr is not None else None
            for key, value in (("font", _font(rpr)), ("bold", _bold(rpr)), ("outline", _int(_val(ppr, "outlineLvl"))),
                               ("num_id", _val(numpr, "numId")), ("ilvl", _int(_val(numpr, "ilvl")))):
                if values.get(key) is None and value is not None:
                    values[key] = value
            style_id = _val(style, "basedOn")
        return values

    def paragraph_style(self, ppr: etree._Element | None) -> ParagraphStyle:
        style_id = _val(ppr, "pStyle") or self._default_paragraph
        style = self._paragraph.get(style_id)
        if style is None:
            values = self._chain_values(style_id)
            for key, value in self._defaults.items():
                values[key] = value if values.get(key) is None else values[key]
            element = self._elements.get(style_id) if style_id else None
            style = ParagraphStyle(style_id, _val(element, "name"), values)
            self._paragraph[style_id] = style
        return style

    def run_font_bold(self, rpr: etree._Element | None, paragraph: ParagraphStyle) -> tuple[str | None, bool]:
        font, bold = _font(rpr), _bold(rpr)
        if font is None or bold is None:
            character_id = _val(rpr, "rStyle")
            if character_id:
                if character_id not in self._character:
                    values = self._chain_values(character_id)
                    self._character[character_id] = (values.get("font"), values.get("bold"))
                char_font, char_bold = self._character[character_id]
                font, bold = font or char_font, char_bold if bold is None else bold
        return font or paragraph.font, paragraph.bold if bold is None else bold

    def numbering_num_id(self, style_id: str) -> str | None:
        """The list a numbering style stands for (abstractNum's numStyleLink points to one)."""
        return self._chain_values(style_id).get("num_id")


# --- Numbering -----------------------------------------------------------------------------------
class _Level:
    __slots__ = ("fmt", "text", "start", "legal", "pstyle", "font")

    def __init__(self, lvl: etree._Element) -> None:
        self.fmt = _val(lvl, "numFmt") or "decimal"
        self.text = _val(lvl, "lvlText") or ""
        self.start = _int(_val(lvl, "start"))
        self.start = 1 if self.start is None else self.start
        self.legal = lvl.find(w("isLgl")) is not None
        self.pstyle = _val(lvl, "pStyle")
        self.font = _font(lvl.find(w("rPr")))


_PLACEHOLDER = re.compile(r"%([1-9])")
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _format_number(number: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and number > 0:
        letters = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)  # Word: y, z, aa, bb
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman") and 0 < number < 4000:
        return _roman(number).upper() if fmt == "upperRoman" else _roman(number)
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(number)


class Numbering:
    """numbering.xml and the list counters, advanced in document order as Word does."""

    def __init__(self, root: etree._Element | None, styles: StyleSheet) -> None:
        self._styles = styles
        self._abstract: dict[str, dict[int, _Level]] = {}
        self._style_link: dict[str, str] = {}  # abstractNum id → numbering style it defers to
        self._nums: dict[str, tuple[str, dict[int, tuple[int | None, _Level | None]]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for abstract in root.iter(w("abstractNum")):
            abstract_id = abstract.get(w("abstractNumId"))
            levels = abstract.iter(w("lvl"))
            self._abstract[abstract_id] = {_int(lvl.get(w("ilvl"))) or 0: _Level(lvl) for lvl in levels}
            if (link := _val(abstract, "numStyleLink")) is not None:
                self._style_link[abstract_id] = link
        for num in root.iter(w("num")):
            overrides: dict[int, tuple[int | None, _Level | None]] = {}
            for override in num.iter(w("lvlOverride")):
                lvl = override.find(w("lvl"))
                overrides[_int(override.get(w("ilvl"))) or 0] = (
                    _int(_val(override, "startOverride")), _Level(lvl) if lvl is not None else None)
            self._nums[num.get(w("numId"))] = (_val(num, "abstractNumId"), overrides)

    def _levels(self, abstract_id: str | None) -> dict[int, _Level]:
        for _ in range(_MAX_CHAIN):  # follow numStyleLink → numbering style → its list
            link = self._style_link.get(abstract_id)
            levels = self._abstract.get(abstract_id, {})
            if levels or link is None:
                return levels
            num = self._nums.get(self._styles.numbering_num_id(link) or "")
            abstract_id = num[0] if num else None
        return {}

    def label(self, ppr: etree._Element | None, style: ParagraphStyle) -> str | None:
        """Advance the paragraph's list counter and return its label as displayed; None without one."""
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        num_id = _val(numpr, "numId") or style.num_id
        if num_id is None or num_id == "0" or num_id not in self._nums:
            return None
        abstract_id, overrides = self._nums[num_id]
        levels = self._levels(abstract_id)
        ilvl = _int(_val(numpr, "ilvl"))
        if ilvl is None:
            ilvl = style.ilvl if style.ilvl is not None else next(
                (i for i, lvl in levels.items() if lvl.pstyle and lvl.pstyle == style.style_id), 0)
        start_override, level_override = overrides.get(ilvl, (None, None))
        level = level_override or levels.get(ilvl)
        if level is None:
            return None
        counts = self._counters.setdefault(num_id if overrides else f"abstract:{abstract_id}", {})
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else (start_override or level.start)
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]
        if level.fmt == "bullet":
            return None

        def shown(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            of = levels.get(index) or level
            return _format_number(counts.get(index, of.start), "decimal" if level.legal else of.fmt)

        text = _PLACEHOLDER.sub(shown, level.text).strip()
        if text and not text.isascii():
            text = fix_legacy(text, level.font)[0]
        return text or None
