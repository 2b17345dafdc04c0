"""The facts identification reads from a message, and the unit signals found in them, weighed and combined.

`facts_from` reduces a ParsedMessage and the analyses of its documents to `Facts`: only what the
decision needs, so tests can also build Facts by hand. `unit_signals` reads one candidate unit per
source; `combine_units` adds them up per unit.

Where a unit may be read, and how much it counts (a signal is one mention → one unit):

| source        | weight | what is read                                                           |
|---------------|--------|------------------------------------------------------------------------|
| contacts      | 0.95   | the sender's address is in the operator's contacts for the unit        |
| learned       | 0.95   | the address was learned from an accepted submission of the unit        |
| header        | 0.90   | the letterhead's issuing body ("UBND TỈNH QUẢNG NINH"), first mention    |
| stamp         | 0.90   | a digital-signature stamp's signer ("Người ký: Sở Nội vụ tỉnh Lào Cai")  |
|               |        | or its "Cơ quan:", when it names an organisation, never a person        |
| sender domain | 0.80   | the address is under a province's domain (quangninh.gov.vn)            |
| place         | 0.80   | the place of the place-and-date line ("Buôn Ma Thuột, ngày …")          |
| signature     | 0.60   | the closing's organisation lines ("SỞ NỘI VỤ TỈNH X"), never the person |
|               |        | who signs ("Nguyễn Thị Thanh Hoa") nor the "Nơi nhận:" list            |
| subject       | 0.60   | the e-mail subject, first mention                                      |
| file name     | 0.50   | an attachment's file name, first mention, any case ("bc_quangninh")    |
| display name  | 0.50   | the sender's display name, first mention; never a person's name        |
| document text | 0.40   | the first mention in a document's opening (before its first section)   |
| body          | 0.35   | the first mention in the e-mail body, quoted replies and the writer's  |
|               |        | name after "Trân trọng" cut off                                        |

Only the FIRST mention of a running text counts, and a report's sections are never read: they
compare with neighbouring provinces and list recipients. A mention that is part of a person's name
("Phạm Hà Giang") or names a province as it was before the 2025 merger ("tỉnh Hà Giang (cũ)",
"hợp nhất từ tỉnh A và tỉnh B": Resolution 202/2025/QH15) is passed over (parsers.unit_mentions).
A digital-signature stamp is the issuing body's certificate: it is read apart from the text around it.
A part issued by a ministry ("BỘ …", or numbered like a campaign's own letter) is the request
forwarded back and gives no signal at all (its place line says "Hà Nội"). When our server's verdicts
say the sender is forged (`forged_sender`: DMARC failed, or SPF failed without a DKIM pass of its
domain), the sender-based sources count half.
Contacts and learned addresses may be kept in another registry than the one identified
(parsers.registry.contacts): a vn63 contact names its vn34 successor.

Authentication-Results: anyone can write one into their own message, so only those our own
receiving server added count (`trusted_auth_results`): with the server's authserv-ids configured,
the results carrying one of them; without, the topmost one (added last, by the server nearest us).
One naming no server (Microsoft 365 writes no authserv-id) counts only in the second way.

Combination: per unit, the strongest signal of each source, then a noisy-OR across sources
(score = 1 − ∏(1 − w)): two independent sources agreeing beat either alone, and one source
repeated (five file names) does not. Confidence in the best unit = its score − half the
runner-up's; a runner-up with a signal of weight ≥ STRONG is a conflict that goes to review.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from parsers.documents.model import Block, BlockKind, Region, SignatureStamp
from parsers.documents.stamps import find_stamps, page_may_have_stamp
from parsers.letterhead import Letterhead, number_key
from parsers.message import ParsedMessage
from parsers.registry import Contacts, Registry, builtin, find_units, successor, unit_for_domain
from parsers.registry.contacts import as_contacts
from parsers.registry.matcher import alias_key
from parsers.sections import Analysis, Part
from parsers.unit_mentions import (
    looks_like_person,
    organisation_lines,
    speaks_for_sender,
    without_sign_off_names,
)
from parsers.vietnamese import fold

WEIGHTS = {
    "contacts": 0.95, "learned": 0.95, "header": 0.9, "stamp": 0.9, "sender domain": 0.8, "place": 0.8,
    "signature": 0.6, "subject": 0.6, "file name": 0.5, "display name": 0.5, "document text": 0.4, "body": 0.35,
}  # fmt: skip
KNOWN_SOURCES = ("contacts", "learned")  # the sender's own address is known
SENDER_SOURCES = (*KNOWN_SOURCES, "sender domain", "display name")
STRONG = 0.8  # a runner-up with a signal this strong is a conflict, not noise
AUTH_FAIL_FACTOR = 0.5
OPENING_CHARS = 3000
BODY_CHARS = 1000

_QUOTE_START = re.compile(
    r"^\s*(?:>|-{2,}\s*original message|-{2,}\s*thư gốc|from:\s|từ:\s)|(?:wrote|đã viết|viết):\s*$", re.I | re.M
)
_LIST_LINE = re.compile(r"^\s*(?:[-+•*●▪–]|luu\b)")


@dataclass(frozen=True)
class PartFacts:
    """One official document inside a file, reduced to what identification reads."""

    role: str  # "report" | "covering_letter" | "other" (parsers.sections)
    letterhead: Letterhead | None
    opening: str  # the text between the letterhead and the first section (≤ OPENING_CHARS)
    signature: str  # the closing's lines without the "Nơi nhận:" list
    sections: int
    stamps: tuple[SignatureStamp, ...] = ()  # digital-signature stamps found in the part (parsers.documents.stamps)


@dataclass(frozen=True)
class DocumentFacts:
    filename: str
    parts: tuple[PartFacts, ...] = ()  # empty when the file could not be read
    has_text: bool = False


@dataclass(frozen=True)
class Facts:
    """Everything identification looks at. `received_at` is the server's time (aware; naive = UTC)."""

    sender: str  # the address, lower case; "" when there is none
    display_name: str
    subject: str
    body: str
    received_at: datetime
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    auto_submitted: str | None = None
    auth_results: tuple[dict, ...] = ()
    documents: tuple[DocumentFacts, ...] = ()


@dataclass(frozen=True)
class UnitSignal:
    code: str
    source: str
    weight: float
    evidence: str


# --- Facts -----------------------------------------------------------------------------------------
def facts_from(
    parsed: ParsedMessage,
    analyses: list[tuple[str, Analysis | None]],
    received_at: datetime,
    trusted_authserv_ids: Iterable[str] = (),
) -> Facts:
    """Facts of a parsed message and its documents: (file name, analysis or None when unreadable) each.

    Only the Authentication-Results our own server added are kept (`trusted_auth_results`)."""
    sender = parsed.sender
    return Facts(
        sender=(sender.address if sender else "").strip().lower(),
        display_name=sender.name if sender else "",
        subject=parsed.subject or "",
        body=parsed.body_text or "",
        received_at=received_at,
        in_reply_to=parsed.in_reply_to,
        references=tuple(parsed.references),
        auto_submitted=parsed.auto_submitted,
        auth_results=trusted_auth_results(parsed.auth_results, trusted_authserv_ids),
        documents=tuple(document_facts(name, analysis) for name, analysis in analyses),
    )


def document_facts(filename: str, analysis: Analysis | None) -> DocumentFacts:
    if analysis is None:
        return DocumentFacts(filename)
    parts = tuple(_part_facts(part) for part in analysis.parts)
    has_text = any(block.text.strip() for part in analysis.parts for block in _all_blocks(part))
    return DocumentFacts(filename, parts, has_text)


def _all_blocks(part: Part) -> Iterable[Block]:
    yield from part.preamble
    for section in part.sections:
        yield from section.blocks
    yield from part.closing


def _part_facts(part: Part) -> PartFacts:
    used = set(part.letterhead.evidence) if part.letterhead else set()
    preamble, preamble_stamps = without_stamps(part.preamble)
    closing, closing_stamps = without_stamps(part.closing)
    inside = [stamp for section in part.sections for block in section.blocks if block.region == Region.STAMP
              for stamp in _stamps_of(block.text)]
    opening = "\n".join(b.text for b in preamble if b.table is None and b.text.strip() not in used)
    signature = signature_text(closing)
    return PartFacts(part.role, part.letterhead, opening[:OPENING_CHARS], signature, len(part.sections),
                     (*preamble_stamps, *inside, *closing_stamps))


def without_stamps(blocks: Iterable[Block]) -> tuple[list[Block], list[SignatureStamp]]:
    """The blocks with their digital-signature stamps taken out, and those stamps: a PDF's stamps come as
    STAMP blocks (parsers.documents.pdf_layout); a stamp typed or pasted into a document's paragraphs
    is found among their lines. The stamp is the body's certificate, not the text of the report."""
    kept: list[Block] = []
    found: list[SignatureStamp] = []
    run: list[Block] = []  # consecutive paragraphs: a stamp may spread over several
    for block in [*blocks, None]:
        if block is not None and block.region != Region.STAMP and block.kind != BlockKind.TABLE:
            run.append(block)
            continue
        kept += _paragraphs_without_stamps(run, found)
        run = []
        if block is None:
            break
        if block.region == Region.STAMP:
            found += _stamps_of(block.text)
        else:
            kept.append(block)
    return kept, found


def _paragraphs_without_stamps(run: list[Block], found: list[SignatureStamp]) -> list[Block]:
    lines = [(index, line) for index, block in enumerate(run) for line in block.text.splitlines()]
    if not run or not page_may_have_stamp("\n".join(line for _, line in lines)):
        return run
    stamps = find_stamps([line for _, line in lines])
    if not stamps:
        return run
    found += [each.stamp for each in stamps]
    dropped = {position for each in stamps for position in range(each.start, each.end)}
    texts: dict[int, list[str]] = {}
    for position, (index, line) in enumerate(lines):
        if position not in dropped:
            texts.setdefault(index, []).append(line)
    return [replace(block, text="\n".join(texts[index])) for index, block in enumerate(run) if index in texts]


def _stamps_of(text: str) -> list[SignatureStamp]:
    """The stamp(s) of a STAMP block's text; its lines always hold one (pdf_layout found it so)."""
    return [each.stamp for each in find_stamps(text.splitlines())]


def signature_text(closing: Iterable[Block]) -> str:
    """The closing's lines without the recipients: a cell or paragraph starting "Nơi nhận", list items, "Lưu"."""
    kept: list[str] = []
    for block in closing:
        cells = [cell for row in block.table.rows for cell in row] if block.table else [block.text]
        for cell in cells:
            if fold(cell.strip()).startswith("noi nhan"):
                continue
            kept += [line.strip() for line in cell.splitlines() if line.strip() and not _is_list_line(line)]
    return "\n".join(kept)


def _is_list_line(line: str) -> bool:
    folded = fold(line)
    return bool(_LIST_LINE.match(folded)) or folded.endswith(";") or folded.startswith("noi nhan")


# --- Signals ---------------------------------------------------------------------------------------
def trusted_auth_results(results: Iterable[Mapping], trusted_ids: Iterable[str]) -> tuple[dict, ...]:
    """The results our own server added: those whose authserv-id is trusted, or without trusted ids the topmost.

    A sender can forge the header; a forged "dmarc=pass" must not vouch for it, nor a planted "fail" sink it."""
    trusted = {_authserv(server_id) for server_id in trusted_ids} - {""}
    results = [dict(result) for result in results]
    if not trusted:
        return tuple(results[:1])
    return tuple(result for result in results if _authserv(str(result.get("authserv_id", ""))) in trusted)


def _authserv(authserv_id: str) -> str:
    """The server's name of an authserv-id, without the version that may follow it ("mx.example 1")."""
    words = authserv_id.split()
    return words[0].lower() if words else ""


def forged_sender(auth_results: Iterable[Mapping], sender: str) -> str | None:
    """Why our server's verdicts say the sender's address is forged ("dmarc=fail for quangninh.gov.vn
    (mx.molisa.gov.vn)"), else None. Pass only trusted results (`trusted_auth_results`).

    Forged: DMARC fails for the sender's domain; or, when no DMARC verdict passes for it, SPF fails
    (hard fail) and no DKIM signature of that domain passes. A verdict about another domain
    (header.from, header.d) says nothing of this sender; softfail, neutral, none and errors accuse
    nobody. Of several trusted results, one that fails is enough. Identification (sender_check
    "auth_failed", never accepted by itself) and receipts (none to such an address) both follow this."""
    domain = _domain(sender)
    verdicts = [(_authserv(str(result.get("authserv_id", ""))), verdict)
                for result in auth_results for verdict in _verdicts(result)]
    dmarc = [(server, v) for server, v in verdicts if v["method"] == "dmarc" and _about(v.get("header.from"), domain)]
    for server, verdict in dmarc:
        if verdict["result"] == "fail":
            return f"dmarc=fail for {_domain(verdict.get('header.from', '')) or domain or 'the sender'}{_by(server)}"
    if any(verdict["result"] == "pass" for _, verdict in dmarc):
        return None
    signed = any(v["method"] == "dkim" and v["result"] == "pass" and _signs_for(_signer(v), domain)
                 for _, v in verdicts)
    for server, verdict in verdicts:
        if verdict["method"] == "spf" and verdict["result"] == "fail" and not signed:
            mailfrom = _domain(verdict.get("smtp.mailfrom", "")) or domain or "the sender"
            return f"spf=fail for {mailfrom}, no DKIM pass for {domain or 'the sender'}{_by(server)}"
    return None


def _verdicts(result: Mapping) -> list[Mapping]:
    """Every verdict of one header (parsers.headers); a result built by hand may give only "method": "result"."""
    if "results" in result:
        return [v for v in result["results"] if "method" in v and "result" in v]
    return [{"method": m, "result": str(result[m]).lower()} for m in ("dmarc", "spf", "dkim") if m in result]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(".").lower()


def _signer(dkim: Mapping) -> str:
    return dkim.get("header.d") or dkim.get("header.i") or ""


def _about(named: str | None, domain: str) -> bool:
    """Whether a DMARC verdict naming the From domain `named` speaks of `domain`: one naming none does
    (DMARC judges the From); else they must be aligned (`_aligned`)."""
    named = _domain(named or "")
    if not named or not domain:
        return True
    return named == domain or _aligned(named, domain)


def _signs_for(signer: str, domain: str) -> bool:
    """Whether a DKIM signature of `signer` vouches for the sender's `domain`: a signature naming no
    domain vouches for nobody, nor one of another domain or of a public suffix ("gov.vn")."""
    signer = _domain(signer)
    return bool(signer and domain) and _aligned(signer, domain)


def _aligned(named: str, domain: str) -> bool:
    """The same domain or one inside the other (DMARC's relaxed alignment, roughly), neither of them a
    public suffix: "quangninh.gov.vn" and "mail.quangninh.gov.vn" are, "gov.vn" and "quangninh.gov.vn" are not."""
    if _public_suffix(named) or _public_suffix(domain):
        return False
    return named == domain or named.endswith("." + domain) or domain.endswith("." + named)


def _public_suffix(name: str) -> bool:
    """Whether anyone may register names under `name`, by a small rule instead of the public-suffix list
    (not a dependency): a top-level domain ("vn", "com"), or a generic second level under a country's
    ("gov.vn", "com.vn", "edu.vn", "org.vn", "net.vn", "ac.vn", "co.uk"). Province-level ones such as
    "hanoi.vn" are not known to it: the provinces' departments write from ….gov.vn."""
    labels = name.split(".")
    return len(labels) < 2 or (len(labels) == 2 and len(labels[1]) == 2 and labels[0] in _SECOND_LEVELS)


_SECOND_LEVELS = frozenset({"gov", "com", "edu", "org", "net", "ac", "co", "int", "info", "biz", "name", "pro",
                            "health", "mil"})


def _by(server: str) -> str:
    return f" ({server})" if server else ""


def sender_unit(
    facts: Facts, registry: Registry, contacts: Contacts | Mapping[str, Iterable] | None
) -> tuple[str, str] | None:
    """(code, source) of the unit the sender's address belongs to: a known address ("contacts" or
    "learned"), else a province domain ("sender domain"). A mapping is {code: addresses} in any registry."""
    if facts.sender:
        if known := as_contacts(contacts).owner(facts.sender, registry):
            return known
        code = unit_for_domain(facts.sender, registry)
        if code is not None:
            return code, "sender domain"
    return None


def unit_signals(
    facts: Facts,
    registry: Registry,
    *,
    contacts: Contacts | Mapping[str, Iterable] | None = None,
    letters: Iterable[str] = (),
) -> list[UnitSignal]:
    """Every unit signal of the message (sources and weights: module docstring), strongest first.

    `letters` are the campaigns' own letter numbers: a part numbered like one is the request forwarded back."""
    signals = _sender_signals(facts, registry, contacts)
    if failed := forged_sender(facts.auth_results, facts.sender):
        signals = [
            UnitSignal(s.code, s.source, s.weight * AUTH_FAIL_FACTOR, f"{s.evidence} ({failed}: counts half)")
            for s in signals
        ]
    ministry_numbers = letter_keys(letters)
    for document in facts.documents:
        for part in document.parts:
            if not is_ministry_part(part, ministry_numbers):
                signals += _part_signals(part, registry)
        signals += _first(registry, "file name", document.filename, any_case=True, quote=document.filename)
    signals += _first(registry, "subject", facts.subject)
    signals += _first(registry, "body", without_sign_off_names(own_body(facts.body)))
    return sorted(signals, key=lambda s: -s.weight)


def _sender_signals(
    facts: Facts, registry: Registry, contacts: Contacts | Mapping[str, Iterable] | None
) -> list[UnitSignal]:
    signals = []
    owner = sender_unit(facts, registry, contacts)
    if owner is not None:
        code, source = owner
        if source == "contacts":
            evidence = f"sender {facts.sender} is a contact of {code}"
        elif source == "learned":
            evidence = f"sender {facts.sender} is a learned address of {code}"
        else:
            domain = facts.sender.rsplit("@", 1)[-1]
            evidence = f"sender domain {domain} → {code}{_renamed(registry, code, _old_domain_code(domain))}"
        signals.append(UnitSignal(code, source, WEIGHTS[source], evidence))
        if source in KNOWN_SOURCES and (domain_code := unit_for_domain(facts.sender, registry)):
            domain = facts.sender.rsplit("@", 1)[-1]
            signals.append(UnitSignal(domain_code, "sender domain", WEIGHTS["sender domain"],
                                      f"sender domain {domain} → {domain_code}"))
    if not looks_like_person(facts.display_name):
        signals += _first(registry, "display name", facts.display_name, quote=facts.display_name)
    return signals


def _part_signals(part: PartFacts, registry: Registry) -> list[UnitSignal]:
    signals: list[UnitSignal] = []
    head = part.letterhead
    if head is not None:
        signals += _first(registry, "header", "\n".join(head.issuer_lines))
        if head.place:  # the place is cut before ", ngày": put it back, contextual names (Vinh, Huế) need it
            signals += _first(registry, "place", f"{head.place}, ngày")
    signals += _stamp_signals(part.stamps, registry)
    signals += _first(registry, "signature", organisation_lines(part.signature))
    signals += _first(registry, "document text", part.opening)
    return signals


def _stamp_signals(stamps: Iterable[SignatureStamp], registry: Registry) -> list[UnitSignal]:
    """The first stamp that names a unit as an organisation: its signer ("Người ký: Sở Nội vụ tỉnh X"),
    else its "Cơ quan:". A stamp signed by a person ("Người ký: Nguyễn Thị Thanh Hoa") names no unit by
    that name; its "Cơ quan:" still may."""
    for stamp in stamps:
        for label, value in (("Người ký", stamp.signer), ("Cơ quan", stamp.organisation)):
            if not value or looks_like_person(value) or not organisation_lines(value):
                continue
            if found := _first(registry, "stamp", value, quote=f"{label}: {' '.join(value.split())}"):
                return found
    return []


def is_ministry_part(part: PartFacts, ministry_numbers: set[str]) -> bool:
    """A part issued by a ministry, or numbered like a campaign's letter: the request forwarded back."""
    head = part.letterhead
    if head is None:
        return False
    issuer = fold(head.issuer_lines[0]) if head.issuer_lines else ""
    return issuer.startswith("bo ") or (head.number is not None and number_key(head.number) in ministry_numbers)


def letter_keys(letters: Iterable[str]) -> set[str]:
    return {number_key(letter) for letter in letters}


def _first(
    registry: Registry, source: str, text: str, *, any_case: bool = False, quote: str | None = None
) -> list[UnitSignal]:
    """The first unit named in `text`, as a signal of `source` (none when nothing is named)."""
    if not text or not text.strip():
        return []
    # A person's name ("Nguyễn Thị Thanh Hoa") or a former province ("tỉnh Hà Giang (cũ)") says nothing of the sender.
    mention = next((m for m in find_units(text, registry, any_case=any_case) if speaks_for_sender(text, m)), None)
    if mention is None:
        return []
    shown = quote if quote is not None else " ".join(text[mention.start : mention.end].split())
    old_code = _vn63_names().get(alias_key(mention.alias))
    evidence = f"{source}: {shown} → {mention.code}{_renamed(registry, mention.code, old_code)}"
    return [UnitSignal(mention.code, source, WEIGHTS[source], evidence)]


def own_body(body: str, limit: int | None = BODY_CHARS) -> str:
    """What the sender wrote: the body up to the first quoted reply, at most `limit` characters."""
    found = _QUOTE_START.search(body)
    return (body[: found.start()] if found else body)[:limit]


# --- Old names in the 34-unit registry --------------------------------------------------------------
@functools.cache
def _vn63_names() -> dict[tuple[str, ...], str]:
    old = builtin("vn63")
    return {alias_key(n): u.code for u in old.units for n in (u.name, *u.aliases, *u.cities)}


def _old_domain_code(domain: str) -> str | None:
    return unit_for_domain(domain, builtin("vn63"))


def _renamed(registry: Registry, code: str, old_code: str | None) -> str:
    """" (vn63 02 Hà Giang → vn34 08 Tuyên Quang)" when a vn34 unit was found by a province's old name."""
    if registry.name != "vn34" or old_code is None or successor(old_code) != code:
        return ""
    old, new = builtin("vn63").unit(old_code), registry.unit(code)
    if fold(old.name) == fold(new.name) and old_code == code:
        return ""
    return f" (vn63 {old_code} {old.name} → vn34 {code} {new.name})"


# --- Combination -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitDecision:
    code: str | None
    confidence: float
    candidates: tuple[tuple[str, float], ...]  # (code, score), best first
    conflict: bool  # the runner-up has a strong signal of its own
    evidence: tuple[str, ...]  # the winner's signals first, then the others'


def combine_units(signals: list[UnitSignal]) -> UnitDecision:
    """Strongest signal per (unit, source), noisy-OR across sources; confidence from the margin."""
    best: dict[str, dict[str, float]] = {}
    for s in signals:
        per_source = best.setdefault(s.code, {})
        per_source[s.source] = max(per_source.get(s.source, 0.0), s.weight)
    scores = {code: 1 - math.prod(1 - min(w, 0.99) for w in sources.values()) for code, sources in best.items()}
    ranked = sorted(scores, key=lambda code: (-scores[code], code))
    if not ranked:
        return UnitDecision(None, 0.0, (), False, ())
    winner = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    conflict = len(ranked) > 1 and max(best[ranked[1]].values()) >= STRONG
    confidence = max(0.0, scores[winner] - runner_up / 2)
    evidence = _unique(s.evidence for s in sorted(signals, key=lambda s: (s.code != winner, -s.weight)))
    candidates = tuple((code, round(scores[code], 3)) for code in ranked)
    return UnitDecision(winner, round(confidence, 3), candidates, conflict, evidence)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
