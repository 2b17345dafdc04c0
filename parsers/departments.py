"""Which provincial department (sở) sent a report, and which departments a request letter addresses.

Since 1 March 2025 Bộ Nội vụ does the work of the former labour ministry (Resolution 176/2025/QH15,
Decree 25/2025/NĐ-CP), and in each province the Sở Nội vụ took over the Sở Lao động - Thương binh và
Xã hội, except social protection and children (now the Sở Y tế), vocational education (the Sở Giáo
dục và Đào tạo) and poverty reduction (the Sở Nông nghiệp và Môi trường) (Decree 45/2025/NĐ-CP). A
request letter may therefore address several departments of each province; a campaign lists them
(`departments` in its config), and a report from one of them is its unit's answer, a report from
another department is another report of the unit. The province's people's committee (UBND) answers
for all of its departments.

The department is read, most trusted first, from the report's letterhead (its last issuer line:
"SỞ Y TẾ"), a digital-signature stamp's signer ("Người ký: Sở Y tế tỉnh Nghệ An"; a person's name
says nothing), the number's symbol ("…/BC-SYT"), a number in the e-mail subject, then the sender's
address ("soyte.nghean.gov.vn", "snv@…"). Pure: strings in, a frozen dataclass out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from parsers.vietnamese import fold

UBND = "ubnd"
C = TypeVar("C")
OTHER = "other"  # a department this module does not know: as if none were read


@dataclass(frozen=True)
class Department:
    key: str
    name: str  # as letters write it: "Sở Y tế"
    words: tuple[str, ...]  # the name after "Sở", folded, "-" and "&" as spaces: "y te"
    symbols: tuple[str, ...]  # the symbol in a number ("45/BC-SYT"), folded
    mail: tuple[str, ...]  # a mailbox or host label ("soyte.nghean.gov.vn", "snv@…")
    successor: str | None = None  # the department that took its work over (Decree 45/2025/NĐ-CP)
    # The former Sở LĐTBXH's fields it took over (Decree 45/2025/NĐ-CP): its report on them answers a
    # letter that addressed it, though a programme's title would be another report from the Sở Nội vụ.
    fields: tuple[str, ...] = ()


DEPARTMENTS = (
    Department("noi_vu", "Sở Nội vụ", ("noi vu",), ("snv",), ("snv", "sonoivu", "noivu")),
    Department("ldtbxh", "Sở Lao động - Thương binh và Xã hội",
               # "Sở LĐ-TB&XH", "Sở LĐTB&XH", "Sở LĐ-TBXH": the abbreviations letterheads use
               ("lao dong thuong binh va xa hoi", "lao dong thuong binh xa hoi", "ldtbxh", "ld tb xh", "ldtb xh",
                "ld tbxh"),
               ("sldtbxh",), ("sldtbxh", "soldtbxh", "ldtbxh"), successor="noi_vu"),
    Department("y_te", "Sở Y tế", ("y te",), ("syt",), ("syt", "soyte", "yte"),
               fields=("bảo trợ xã hội", "trợ giúp xã hội", "trẻ em", "tệ nạn xã hội", "người cao tuổi",
                       "người khuyết tật")),
    Department("gd_dt", "Sở Giáo dục và Đào tạo", ("giao duc va dao tao", "giao duc dao tao", "gd dt", "gddt"),
               ("sgddt",), ("sgddt", "sogddt", "gddt", "sgd", "sogd"),
               fields=("giáo dục nghề nghiệp", "đào tạo nghề", "dạy nghề")),
    Department("nn_mt", "Sở Nông nghiệp và Môi trường", ("nong nghiep va moi truong", "nong nghiep moi truong"),
               ("snnmt",), ("snnmt", "sonnmt"), fields=("giảm nghèo", "hộ nghèo")),
    # Merged into the Sở Nông nghiệp và Môi trường (Decree 45/2025/NĐ-CP): their letterheads still come.
    Department("nn_ptnt", "Sở Nông nghiệp và Phát triển nông thôn",
               ("nong nghiep va phat trien nong thon", "nong nghiep va ptnt", "nn va ptnt", "nn ptnt"),
               ("snnptnt",), ("snnptnt", "sonnptnt"), successor="nn_mt", fields=("giảm nghèo", "hộ nghèo")),
    Department("tn_mt", "Sở Tài nguyên và Môi trường", ("tai nguyen va moi truong", "tn va mt", "tnmt"),
               ("stnmt",), ("stnmt", "sotnmt"), successor="nn_mt"),
)
BY_KEY = {department.key: department for department in DEPARTMENTS}
# A campaign that names none: the Sở Nội vụ and the Sở LĐTBXH it took over, as before Decree 45/2025/NĐ-CP.
DEFAULT_DEPARTMENTS = ("Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội")
# `departments = ["any"]`: a letter to the provinces' people's committees (UBND), which may have any of
# their departments answer; every department's report is then the unit's answer.
ANY_DEPARTMENT = "any"

_SPACES = re.compile(r"[\s\-–&.,]+")
_PROVINCE_WORDS = re.compile(r"^(?:tinh|thanh pho|tp)(?!\w)")
_PEOPLES_COMMITTEE = re.compile(r"(?<!\w)(?:ubnd|uy ban nhan dan)(?!\w)")
_NUMBER = re.compile(r"(?<![\w/])\d{1,6}\s*/\s*(?P<symbol>[0-9A-Za-zĐđ&]+(?:\s*-\s*[0-9A-Za-zĐđ&]+){0,3})")


@dataclass(frozen=True)
class Finding:
    """The department that sent a report, where it was read and the text quoted."""

    key: str  # a Department key, or UBND
    source: str  # letterhead | stamp | number | subject | sender
    quote: str
    file: str | None = None  # the file whose part it was read from; None: the e-mail's subject or sender

    @property
    def name(self) -> str:
        return "UBND" if self.key == UBND else BY_KEY[self.key].name

    def evidence(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f'{where}department {self.name} ({self.source} "{self.quote}")'


@dataclass(frozen=True)
class PartSources:
    """What one report part (a document inside a file) says of the department that issued it."""

    file: str
    letterhead: Sequence[str] = ()  # its issuer lines
    number: str | None = None  # its number ("311/BC-SYT")
    stamps: Sequence[str | None] = ()  # its stamps' signers and organisations ("Cơ quan:"), signer first


# --- Names ---------------------------------------------------------------------------------------
def _spaced(text: str) -> str:
    return _SPACES.sub(" ", fold(text)).strip()


def department_named(text: str) -> Department | None:
    """The department a name gives: "Sở Y tế", "SỞ NỘI VỤ TỈNH NGHỆ AN", "y_te", "Sở LĐTBXH"; else None."""
    if (department := BY_KEY.get(text.strip())) is not None:
        return department
    spaced = _spaced(text)
    spaced = re.sub(r"^(?:giam doc |gd )?so ", "", spaced)
    for department in DEPARTMENTS:
        for words in department.words:
            if spaced == words or (spaced.startswith(words + " ") and _PROVINCE_WORDS.match(spaced[len(words) + 1:])):
                return department
    return None


def canonical_departments(names: Iterable[str]) -> tuple[str, ...]:
    """Each name as the department's own ("so y te" → "Sở Y tế"), in order, once; ValueError names an unknown
    one. The Sở Nội vụ and the Sở LĐTBXH it took over are one body of work: either gives both, as a letter's
    "Kính gửi:" does (departments_addressed). ["any"] (ANY_DEPARTMENT) stays as it is: any department."""
    names = list(names)
    if any(name.strip().lower() == ANY_DEPARTMENT for name in names):
        if len(names) > 1:
            raise ValueError(f'"{ANY_DEPARTMENT}" (any department may answer) stands alone, not beside {names}')
        return (ANY_DEPARTMENT,)
    found = []
    for name in names:
        department = department_named(name)
        if department is None:
            known = ", ".join(f'"{d.name}"' for d in DEPARTMENTS)
            raise ValueError(f"unknown department {name!r}; expected one of {known}, or \"{ANY_DEPARTMENT}\"")
        found += _with_interior_pair(department)
    return tuple(dict.fromkeys(found))


def _with_interior_pair(department: Department) -> tuple[str, ...]:
    """A department's name; the Sở Nội vụ's or the Sở LĐTBXH's gives both (Decree 45/2025/NĐ-CP)."""
    return DEFAULT_DEPARTMENTS if department.key in _INTERIOR else (department.name,)


def department_keys(names: Iterable[str]) -> tuple[str, ...]:
    """The keys of the departments named (names that canonical_departments accepted); () for ["any"]."""
    return tuple(department.key for name in names if (department := department_named(name)) is not None)


def departments_addressed(addressees: str | None) -> tuple[str, ...]:
    """The departments a letter's "Kính gửi:" names, in the order named. The Sở Nội vụ and the Sở
    LĐTBXH it took over are one body of work: either gives both (DEFAULT_DEPARTMENTS), so a 2019
    letter to the Sở LĐTBXH is answered by today's Sở Nội vụ. (ANY_DEPARTMENT,) when it addresses the
    provinces' people's committees ("Ủy ban nhân dân các tỉnh, thành phố …"): they choose which of
    their departments answers. Empty when it names neither."""
    if not addressees:
        return ()
    spaced = _spaced(addressees)
    if _PEOPLES_COMMITTEE.search(spaced):
        return (ANY_DEPARTMENT,)
    found: list[tuple[int, Department]] = []
    for department in DEPARTMENTS:
        for words in department.words:
            if (match := re.search(rf"(?<!\w)so {re.escape(words)}(?!\w)", spaced)) is not None:
                found.append((match.start(), department))
                break
    names: list[str] = []
    for _, department in sorted(found, key=lambda pair: pair[0]):
        names += _with_interior_pair(department)
    return tuple(dict.fromkeys(names))


_INTERIOR = ("noi_vu", "ldtbxh")


# --- A report's department -----------------------------------------------------------------------
def department_in_line(line: str) -> str | None:
    """The department key a letterhead line or a stamp's signer names ("SỞ Y TẾ", "Ủy ban nhân dân
    tỉnh X" → UBND); OTHER for a department not in DEPARTMENTS ("SỞ TÀI CHÍNH"); None for neither."""
    spaced = _spaced(line)
    for found in re.finditer(r"(?<!\w)so ", spaced):
        rest = spaced[found.end():]
        for department in DEPARTMENTS:
            if any(rest == words or rest.startswith(words + " ") for words in department.words):
                return department.key
    if re.match(r"^so \w", spaced):
        return OTHER
    if _PEOPLES_COMMITTEE.search(spaced):
        return UBND
    return None


def department_of_number(number: str | None) -> str | None:
    """The department a number's symbol gives ("45/BC-SYT" → y_te; "…/BC-UBND" → UBND); else None."""
    if not number:
        return None
    after = fold(number).split("/", 1)[-1]
    for piece in re.split(r"\s*-\s*", after):
        piece = re.sub(r"[\s&.]", "", piece)
        if piece == UBND:
            return UBND
        for department in DEPARTMENTS:
            if piece in (re.sub(r"[\s&.]", "", symbol) for symbol in department.symbols):
                return department.key
    return None


def department_of_sender(address: str | None) -> str | None:
    """The department a sender's address gives: its mailbox or a host label ("soyte.nghean.gov.vn"), on a
    government domain only (a personal "syt.lan@gmail.com" says nothing of an office)."""
    if not address or "@" not in address:
        return None
    local, host = address.lower().rsplit("@", 1)
    if not host.endswith(".gov.vn"):
        return None
    labels = re.split(r"[.\-_+]", local) + host.split(".")[:-2]  # not "gov.vn"
    for label in labels:
        if label in ("ubnd", "vpubnd"):
            return UBND
        for department in DEPARTMENTS:
            if label in department.mail:
                return department.key
    return None


def find_department(
    *,
    letterheads: Sequence[Sequence[str]] = (),
    numbers: Sequence[str | None] = (),
    signers: Sequence[str | None] = (),
    subject: str = "",
    sender: str = "",
) -> Finding | None:
    """The department that sent a report: the first of `letterheads` (each its issuer lines, the
    report's own first) whose last line names one, a stamp's signer (or its organisation, `Cơ quan:`,
    when the signer is a person: pass both, signer first), a number's symbol (the letterheads'), a
    number in the subject, then the sender's address. None when nothing says."""
    own = _documents_department(letterheads, numbers, signers)
    if own == OTHER:
        return None
    return own or _message_department(subject, sender)


def find_departments(parts: Sequence[PartSources], *, subject: str = "", sender: str = "") -> tuple[Finding, ...]:
    """The department of every report part, each with its file, once per department and file: a part
    whose letterhead, stamps and number say nothing takes the e-mail's (subject, sender); one of a
    department this module does not know says nothing. With no parts, the e-mail's alone."""
    message = _message_department(subject, sender)
    found: list[Finding] = []
    for part in parts:
        own = _documents_department([part.letterhead], [part.number], part.stamps)
        if isinstance(own, Finding):
            found.append(replace(own, file=part.file))
        elif own is None and message is not None:
            found.append(message)
    if not parts and message is not None:
        found.append(message)
    return tuple(dict.fromkeys(found))


def _documents_department(
    letterheads: Sequence[Sequence[str]], numbers: Sequence[str | None], signers: Sequence[str | None]
) -> Finding | str | None:
    """What the documents say: a Finding, OTHER (a department not in DEPARTMENTS), or None."""
    for lines in letterheads:
        for line in reversed(lines):  # "UBND TỈNH X / SỞ Y TẾ": the last line is the body that issues
            if (key := department_in_line(line)) is not None:
                return OTHER if key == OTHER else Finding(key, "letterhead", line.strip())
    for signer in signers:  # a person's name says nothing: the next (the stamp's "Cơ quan:") may
        if signer and (key := department_in_line(signer)) is not None:
            return OTHER if key == OTHER else Finding(key, "stamp", signer.strip())
    for number in numbers:
        if (key := department_of_number(number)) is not None:
            return Finding(key, "number", str(number).strip())
    return None


def _message_department(subject: str, sender: str) -> Finding | None:
    """What the e-mail says: a number in its subject, then the sender's address."""
    for found in _NUMBER.finditer(subject or ""):
        if (key := department_of_number(found.group())) is not None:
            return Finding(key, "subject", found.group())
    if (key := department_of_sender(sender)) is not None:
        return Finding(key, "sender", sender)
    return None


# --- Against a campaign ------------------------------------------------------------------------
@dataclass(frozen=True)
class Verdict:
    """What a report's department means for the campaign it answers."""

    answers: bool  # it is the unit's answer (False: another report of the unit)
    evidence: str | None  # the line identification keeps
    # Another addressed department's part of the unit's answer: that department's key, as the letter
    # addressed it (stored in Submission.department_part, a stable code that models.versions reads).
    part: str | None = None
    others: tuple[str, ...] = ()  # the lines of the message's other report parts (judge_departments)


def judge_department(found: Finding | None, addressed: Sequence[str], campaign: str) -> Verdict:
    """Whether a report from `found` answers campaign `campaign`, whose letter addressed the department
    keys `addressed` (empty: any). A department taken over counts for its successor, and the successor
    for it (the Sở Nội vụ answers a letter to the Sở LĐTBXH, Decree 45/2025/NĐ-CP); the UBND for all.
    Unknown department: the unit's answer, as before departments were read. A report of an addressed
    department other than the first (the Sở Y tế beside the Sở Nội vụ) is a part of the unit's answer:
    it joins the lead department's report rather than replacing it (models.versions)."""
    if found is None or not addressed:
        return Verdict(True, None)
    if found.key == UBND:
        return Verdict(True, f"{found.evidence()} → the province answers for its departments")
    department = BY_KEY[found.key]
    predecessors = {d.key for d in DEPARTMENTS if d.successor == department.key}
    keys = {department.key, department.successor} - {None} | predecessors
    if not keys & set(addressed):
        names = ", ".join(BY_KEY[key].name for key in addressed if key in BY_KEY)
        return Verdict(False, f"{found.evidence()} → not addressed by {campaign}'s letter "
                              f"(departments: {names}) → other_report")
    if keys & _lead_group(addressed):
        return Verdict(True, f"{found.evidence()} → addressed by {campaign}'s letter")
    lead = BY_KEY[addressed[0]].name
    part = next(key for key in addressed if key in keys)  # the department as the letter addressed it
    return Verdict(True, f"{found.evidence()} → addressed by {campaign}'s letter too: part of the unit's answer "
                         f"with {lead}'s", part=part)


def judge_departments(found: Sequence[Finding], addressed: Sequence[str], campaign: str) -> Verdict:
    """What the departments of a message's report parts (find_departments) mean for `campaign`: any part
    of the lead department (or the UBND) makes it the unit's answer; else any part of another addressed
    department makes it a part of the unit's answer; only when no part's department was addressed is it
    another report of the unit. Which file came first decides nothing; `others` says what the rest were."""
    if not found:
        return judge_department(None, addressed, campaign)
    verdicts = [judge_department(finding, addressed, campaign) for finding in found]
    decisive = next((v for v in verdicts if v.answers and v.part is None), None) \
        or next((v for v in verdicts if v.answers), verdicts[0])
    others = tuple(dict.fromkeys(v.evidence for v in verdicts if v is not decisive and v.evidence))
    return replace(decisive, others=others)


def with_department_fields(campaign: C, found: Sequence[Finding]) -> C:
    """The campaign as a report from the departments `found` answers it: when its letter addressed one of
    them beside the first, a title on that department's fields ("bảo trợ xã hội, trẻ em" from the Sở Y tế)
    answers it too (its `match_phrases` extended; a CampaignInfo of parsers.identify)."""
    if not campaign.departments:
        return campaign
    fields = [phrase for finding in found if finding.key != UBND
              and judge_department(finding, campaign.departments, campaign.id).part is not None
              for phrase in BY_KEY[finding.key].fields]
    if not fields:
        return campaign
    return replace(campaign, match_phrases=tuple(dict.fromkeys((*campaign.match_phrases, *fields))))


def _lead_group(addressed: Sequence[str]) -> set[str]:
    """The first department addressed and those it took over: the one that sends the unit's report."""
    first = addressed[0]
    return {first, BY_KEY[first].successor} - {None} | {d.key for d in DEPARTMENTS if d.successor == first}

