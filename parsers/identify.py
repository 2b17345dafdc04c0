"""Identification: which unit sent a message, about which year, for which campaign — with evidence.

`identify(facts, campaigns)` is pure: the received time is in `facts`, the campaigns and known
addresses (parsers.registry.Contacts) are passed in. Build `facts` with `facts_from(parsed, [(file
name, analysis or None), …], received_at, trusted_authserv_ids)` or by hand (parsers.signals.Facts).
Authentication-Results are trusted only when our own server added them: those whose authserv-id
(its first word, any case) is one of `trusted_authserv_ids`, or without any, only the topmost one;
the others may have been written by the sender. One with no authserv-id (Microsoft 365 writes none)
is trusted only as the topmost, with no `trusted_authserv_ids`. Order of the decision:

1. Not a report at all: a delivery-status notification (sender MAILER-DAEMON/postmaster, or a
   bounce subject) → `delivery_status`; an Auto-Submitted header other than "no", or an
   out-of-office subject → `auto_reply`. Nothing else is read but whether the sender is forged
   (step 6: the verdict in the evidence, `sender_check` "auth_failed").
2. Year and period (parsers.years) from the documents' titles, file names and dates, the e-mail
   subject and body, and the received date. A half-year, quarter, nine-month, monthly or
   multi-year report → `other_period`.
3. Campaign (which request it answers): each campaign scores a noisy-OR of: a reply to its own
   message (In-Reply-To / References ∈ message_ids, 0.99) and its letter cited ("Công văn số
   5025/LĐTBXH-KHTC", compared folded, 0.95), whenever the message comes; and, while its window
   holds the received day (`issued` − 30 days to `deadline` + 365 days), a title that fits what it
   asks for (parsers.topics: the documents' own titles, a covering letter's "V/v …", the e-mail
   subject, the file names, most trusted first; fit strength × that source's trust), plus, once
   there is such evidence, the report year agreeing (0.6 × the year's confidence).
   - The year alone is never enough. A fitting title counts only for the campaign of its own
     year; a decided year that differs scales the score by (1 − the year's confidence).
   - Best wins; confidence = best − half the runner-up.
   - A title that says another programme, period or request (parsers.topics OTHER) rules the
     campaign out, unless the report replies to it or cites its letter: then both readings go to
     review. Ruled out by every campaign → `other_report`: another report of the unit, accepted as
     such, never counted (to review when no unit is found); so is a report no window holds whose
     titles say another programme against every campaign.
   - No evidence either way → the one campaign of the report's year, to review; none when several
     ask for that year (a guess would hold one's reminders and not the other's).
   - No year but a match by letter or reply → the campaign's report year.
   - Department of each report part (parsers.departments: its letterhead, stamp, number, else the
     subject and sender). Campaigns whose letter addressed none of them are set aside before matching
     (matched among all when none of the rest fits). Against the matched campaign, whichever file comes
     first: a part of the lead department or the UBND → the unit's answer; else a part of another
     addressed department (the Sở Y tế beside the Sở Nội vụ) → a part of the unit's answer
     (`continuation`), and a title on that department's fields ("bảo trợ xã hội") answers the
     campaign; else → `other_report`, the verdict its `topic`.
4. Registry: the matched campaign's, else `registry_name`, else the one in force on the received
   day (Vietnam time). Unit: parsers.signals (weights table there).
5. Content: no readable document, no unreadable one named like a report, no scan left unread
   because OCR is off here, and no report written in the body → `no_documents`; documents that
   are only other kinds of papers (QUYẾT ĐỊNH, GIẤY MỜI …) or the ministry's own letter forwarded
   back → `other_report` (to review); a half-year, quarter or multi-year report when no campaign
   asks for that period → `other_period`, filed as another report of its unit (`report_kind`
   other_report, accepted, never counted), unless it replies to a campaign's request or cites its
   letter: then both readings go to review.
6. State: `accepted` when unit confidence ≥ ACCEPT_UNIT without a conflicting strong signal, a
   campaign matched with confidence ≥ ACCEPT_CAMPAIGN, a document was read and no scan OCR could not
   be run on here stands where the report should (none read beside it); else `needs_review`.
   Confidence = the weakest of the unit's and the campaign's (× AUTH_FAIL_CONFIDENCE when forged).
   `unverified_sender`: the sender's address is not a known address (contact or learned) or domain
   of the unit decided. With `require_known_sender`, an unverified sender is a doubt too. A forged
   sender (parsers.signals.forged_sender: our server says DMARC failed for its domain, or SPF failed
   with no DKIM pass of it) is always a doubt, another report of the unit included: `needs_review`
   with the verdict in the evidence, `sender_check` "auth_failed" (no receipt, never learned); a
   forged non-submission (an automatic reply with a file) carries the same verdict and check.
7. Continuation: the subject or a file name says this is a later part or a supplement of an earlier
   submission (parsers.continuation): `continuation` quotes it. It changes no state.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from parsers.continuation import continuation_mark
from parsers.departments import Finding, PartSources, find_departments, judge_departments, with_department_fields
from parsers.letterhead import Letterhead
from parsers.registry import Contacts, Registry, builtin, registry_for
from parsers.registry.contacts import as_contacts
from parsers.signals import (
    DocumentFacts,
    Facts,
    PartFacts,
    UnitDecision,
    combine_units,
    facts_from,
    forged_sender,
    is_ministry_part,
    letter_keys,
    own_body,
    sender_unit,
    unit_signals,
)
from parsers.topics import FITS, OTHER, UNKNOWN, Profile, Verdict, judge, profile_of, read_title
from parsers.vietnamese import fold
from parsers.years import YearSignal, decide_kind, decide_year, report_period, year_signals

__all__ = ["CampaignInfo", "DocumentFacts", "Facts", "Identification", "PartFacts", "facts_from", "identify"]

ACCEPT_UNIT = 0.75
ACCEPT_CAMPAIGN = 0.5
YEAR_SUPPORT = 0.6  # the year agreeing adds to other evidence (× its confidence), never alone
UNSURE_CAMPAIGN = 0.3  # the campaign of the report's year, when nothing says it answers that request
AUTH_FAIL_CONFIDENCE = 0.8
EARLY_DAYS = 30  # a message this long before the letter was issued is about something else
LATE_DAYS = 365  # ... and one this long after the deadline too
BODY_REPORT_CHARS = 1500  # a body this long that says "báo cáo" may be the report itself
REPLY_WEIGHT, LETTER_WEIGHT = 0.99, 0.95
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving since 1975
OTHER_PERIODS = ("half_year", "nine_months", "quarter", "multi_year", "month")
OTHER_TITLES = ("QUYẾT ĐỊNH", "GIẤY MỜI", "THÔNG BÁO", "BIÊN BẢN", "CHỈ THỊ", "NGHỊ QUYẾT", "CÔNG ĐIỆN", "HƯỚNG DẪN")

_DSN_SENDERS = ("mailer-daemon", "postmaster")
_DSN_SUBJECT = re.compile(
    r"undeliver|delivery status notification|mail delivery (?:failed|failure|subsystem)|returned mail"
    r"|failure notice|delivery has failed|khong gui duoc|khong the gui"
)
_AUTO_SUBJECT = re.compile(
    r"tra loi tu dong|tu dong tra loi|out of (?:the )?office|automatic reply|auto[- ]?reply|autoreply"
    r"|auto[- ]?response|vacation reply"
)
_REPORT_NAME = re.compile(r"bao\s*cao|(?<![a-z])bc(?![a-z])")


@dataclass(frozen=True)
class CampaignInfo:
    """What identification needs of a campaign; `message_ids` are its request e-mails' Message-IDs."""

    id: str
    letter: str
    report_year: int
    plan_year: int
    issued: date
    deadline: date
    registry: str
    message_ids: tuple[str, ...] = ()
    # What the request asks for, read by parsers.topics to tell its reports from the unit's others.
    title: str = ""
    subject: str = ""  # the letter's "V/v …" line
    match_phrases: tuple[str, ...] = ()  # [campaign.match] phrases: titles that answer it too
    exclude_phrases: tuple[str, ...] = ()  # [campaign.match] exclude: titles that never do
    departments: tuple[str, ...] = ()  # the department keys its letter addressed (parsers.departments); () any


@dataclass(frozen=True)
class Identification:
    unit: str | None
    registry: str
    report_year: int | None
    campaign: str | None
    kind: str  # "submission" | "not_submission"
    reason: str | None  # auto_reply | delivery_status | no_documents | other_period | other_report
    confidence: float
    sender_check: str  # known | unknown | other_unit | auth_failed | none (no unit): see _sender_check
    evidence: tuple[str, ...]
    candidates: tuple[tuple[str, float], ...]
    state: str | None  # "accepted" | "needs_review"; None for a message that is no submission
    continuation: str | None = None  # why it continues an earlier submission ('subject says "bổ sung"')
    # Which request it answers (parsers.topics): "report" counts for `campaign`; "other_report" is
    # another report of the unit (another programme, period or request), kept and listed, never counted.
    report_kind: str = "report"
    topic: str | None = None  # the evidence that decided which request it answers
    title: str | None = None  # the report's own title, as its letterhead gives it
    dated: date | None = None  # the date its letterhead gives
    # The key of another department the letter addressed whose part of the unit's answer this is
    # (the Sở Y tế's beside the Sở Nội vụ's: parsers.departments); None for the lead department's report.
    department_part: str | None = None

    @property
    def unverified_sender(self) -> bool:
        return self.sender_check not in ("known", "none")


@dataclass(frozen=True)
class _CampaignMatch:
    campaign: CampaignInfo | None
    confidence: float
    evidence: tuple[str, ...]
    other: bool = False  # the titles say another request: another report of the unit
    topic: str | None = None  # what decided which request it answers
    doubt: str | None = None  # why a person must choose (both readings), or what is missing


def identify(
    facts: Facts,
    campaigns: Sequence[CampaignInfo],
    *,
    contacts: Contacts | Mapping[str, Iterable] | None = None,
    registry_name: str | None = None,
    registries: Mapping[str, Registry] | None = None,
    require_known_sender: bool = False,
    unread_scans: Sequence[str] = (),
) -> Identification:
    """Identify one message (steps: module docstring).

    `contacts` are known addresses: Contacts, or a mapping of unit codes to addresses (strings, or
    (address, name) as load_contacts_csv gives them) valid in any registry; `registries` holds
    operators' own sets by name, looked up before the built-in ones. `require_known_sender` sends
    to review what would be accepted from a sender not known to be the unit's. `unread_scans`: the
    files that are scans OCR could not be run on here (`needs_ocr`): any may be the report, so with
    no report read beside them the message is one (not `no_documents`) and waits in review."""
    day = vietnam_day(facts.received_at)
    letters = [c.letter for c in campaigns]
    failed = forged_sender(facts.auth_results, facts.sender)
    if early := _not_a_report(facts):
        reason, evidence = early
        # A person may yet assign it: the verdict is kept (the review line goes once a reviewer decides).
        forged = () if not failed else (_unverified_evidence(facts, None, None, failed),
                                        f"review: forged sender: {failed}")
        return Identification(None, _registry(None, registry_name, registries, day).name, None, None,
                              "not_submission", reason, 0.95, _sender_check(None, None, failed),
                              (evidence, *forged), (), None)  # fmt: skip
    keys = letter_keys(letters)  # the campaigns' own letters, forwarded back, say nothing of the report
    signals = _year_signals(facts, day, keys)
    year = decide_year(signals)
    period = decide_kind(signals)
    titles = _titles(facts, keys)
    departments = _departments(facts, keys)  # which provincial departments sent its parts (parsers.departments)
    match = _match_addressing(facts, [with_department_fields(c, departments) for c in campaigns], departments,
                              year.year, year.confidence, day, titles)
    report_year = year.year if year.year is not None else (match.campaign.report_year if match.campaign else None)
    registry = _registry(match.campaign, registry_name, registries, day)
    known = as_contacts(contacts)  # once, not per lookup
    units = combine_units(unit_signals(facts, registry, contacts=known, letters=letters))
    owner = sender_unit(facts, registry, known)
    sender_check = _sender_check(units.code, owner, failed)
    unverified = sender_check not in ("known", "none")
    evidence = [*units.evidence, *year.evidence, *match.evidence]
    if year.year is None and match.campaign is not None:
        evidence.append(f"report year {report_year}: {match.campaign.id}'s")
    if unverified:
        evidence.append(_unverified_evidence(facts, units.code, owner, failed))
    continuation = continuation_mark(facts.subject, (d.filename for d in facts.documents))
    if continuation:
        evidence.append(f"continues an earlier submission: {continuation}")
    # A department the letter did not address sent it: another report of the unit (parsers.departments).
    if match.campaign is not None:
        verdict = judge_departments(departments, match.campaign.departments, match.campaign.id)
    else:
        verdict = judge_departments(departments, (), "")
    evidence += [line for line in (verdict.evidence, *verdict.others) if line]
    if not verdict.answers:  # the department is what decided the request it answers: its `topic`
        match = replace(match, campaign=None, confidence=0.0, other=True, topic=verdict.evidence, doubt=None)
    campaign_periods = {_profile(c).period for c in campaigns}
    reason = _content_reason(facts, period if period not in campaign_periods else "year_end", keys, unread_scans)
    confidence = min(units.confidence, match.confidence if match.campaign else year.confidence / 2)
    confidence *= AUTH_FAIL_CONFIDENCE if failed else 1.0
    state, report_kind, topic, campaign = None, "report", match.topic, match.campaign
    # A half-year report that replies to a campaign's request or cites its letter: two readings, to review.
    period_doubt = match.doubt if reason == "other_period" and match.campaign is not None else None
    if (reason == "other_period" and not period_doubt) or (reason is None and match.other):
        # Another report of the unit (another programme, period or request): filed with it, never counted;
        # whose it is must be known, or a person says.
        report_kind, campaign = "other_report", None
        state = "accepted" if units.code and not failed else "needs_review"
        topic = topic or f"a {period.replace('_', '-')} report, no campaign asks for one → other_report"
        if reason is None:
            evidence.insert(0, "another report of the unit, not counted: other_report")
        if units.code is None:
            evidence.append("review: no unit found")
    elif period_doubt:
        evidence.append(f"review: which request: {period_doubt}")
    if reason is None and report_kind == "report":
        doubts = _doubts(units, match, any(d.has_text for d in facts.documents))
        if unread_scans and not _report_read(facts):  # the report may be the scan nobody read
            doubts.append("a scan not read here, OCR is off or not installed (needs_ocr): "
                          + ", ".join(unread_scans[:3]))
        if failed:  # whatever require_known_sender says: anyone could make the unit look on time
            doubts.append(f"forged sender: {failed}")
        elif not doubts and require_known_sender and unverified:
            doubts.append(f"sender not verified as {units.code}'s (require_known_sender)")
        state = "needs_review" if doubts else "accepted"
        evidence += [f"review: {doubt}" for doubt in doubts]
    elif reason is not None:
        evidence.insert(0, f"not a submission: {reason}" + (f" ({period})" if reason == "other_period" else ""))
    if failed and f"review: forged sender: {failed}" not in evidence:  # whatever it is: a person may assign it
        evidence.append(f"review: forged sender: {failed}")
    if (continuation or verdict.part) and report_kind == "report":
        report_kind = "continuation"
    head = _main_letterhead(facts, keys)
    return Identification(
        unit=units.code, registry=registry.name, report_year=report_year,
        campaign=campaign.id if campaign else None,
        kind="submission" if reason is None else "not_submission", reason=reason,
        confidence=round(confidence, 3), sender_check=sender_check, evidence=tuple(dict.fromkeys(evidence)),
        candidates=units.candidates, state=state, continuation=continuation, report_kind=report_kind,
        topic=topic, title=head.heading if head else None, dated=head.date if head else None,
        department_part=verdict.part if report_kind == "continuation" else None,
    )  # fmt: skip


def _doubts(units: UnitDecision, match: _CampaignMatch, readable: bool) -> list[str]:
    """Why a submission cannot be accepted without a person looking at it (none: accept)."""
    doubts = []
    if units.code is None:
        doubts.append("no unit found")
    elif units.conflict:
        doubts.append("conflicting units " + " vs ".join(code for code, _ in units.candidates[:2]))
    elif units.confidence < ACCEPT_UNIT:
        doubts.append(f"unit confidence {units.confidence:.2f} < {ACCEPT_UNIT}")
    if match.doubt:
        doubts.append(f"which request: {match.doubt}")
    elif match.campaign is None:
        doubts.append("no campaign")
    elif match.confidence < ACCEPT_CAMPAIGN:
        doubts.append(f"campaign confidence {match.confidence:.2f} < {ACCEPT_CAMPAIGN}")
    if not readable:
        doubts.append("no document could be read")
    return doubts


def vietnam_day(moment: datetime) -> date:
    """The day in Vietnam of an instant; a naive datetime is taken as UTC (how instants are stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM).date()


def _registry(
    campaign: CampaignInfo | None, registry_name: str | None, registries: Mapping[str, Registry] | None, day: date
) -> Registry:
    name = campaign.registry if campaign else registry_name
    if name is None:
        return registry_for(day)
    if registries and name in registries:
        return registries[name]
    return builtin(name)


def _sender_check(code: str | None, owner: tuple[str, str] | None, failed: str | None) -> str:
    """What the sender's address says about the unit decided (stored on the submission). A forged
    address is "auth_failed" even before any unit is decided: a reviewer's unit must not vouch for it."""
    if failed:
        return "auth_failed"
    if code is None:
        return "none"
    if owner is None:
        return "unknown"
    return "known" if owner[0] == code else "other_unit"


def _unverified_evidence(facts: Facts, code: str | None, owner: tuple[str, str] | None, failed: str | None) -> str:
    sender = facts.sender or "no sender"
    if failed:
        return f"unverified sender: {sender}, {failed}"
    if owner is None:
        return f"unverified sender: {sender} is not a known address of {code}"
    return f"unverified sender: {sender} belongs to {owner[0]}, not {code}"


def _departments(facts: Facts, keys: set[str]) -> tuple[Finding, ...]:
    """The department of each of its report parts (any own part when none is a report), each with its
    file: its letterhead, stamps (signer, else `Cơ quan:`) and number, else the subject and the sender."""
    parts = [(document.filename, part) for document in facts.documents for part in _own_parts(document, keys)]
    reports = [(name, part) for name, part in parts if part.role == "report"] or parts
    sources = [PartSources(name, part.letterhead.issuer_lines if part.letterhead else (),
                           part.letterhead.number if part.letterhead else None,
                           [line for stamp in part.stamps for line in (stamp.signer, stamp.organisation)])
               for name, part in reports]
    return find_departments(sources, subject=facts.subject, sender=facts.sender)


def _match_addressing(facts: Facts, campaigns: Sequence[CampaignInfo], departments: Sequence[Finding],
                      year: int | None, year_confidence: float, day: date, titles: Sequence[_Title]) -> _CampaignMatch:
    """The campaign it answers among those whose letter addressed its departments (the others set aside,
    so a Sở Y tế's report goes to the campaign that asked the Sở Y tế); when none of those fits, among
    all (judge_departments then files it as the unit's other report)."""
    addressing = [c for c in campaigns if judge_departments(departments, c.departments, c.id).answers]
    if addressing and len(addressing) < len(campaigns):
        match = _match_campaign(facts, addressing, year, year_confidence, day, titles)
        if match.campaign is not None:
            return match
    return _match_campaign(facts, campaigns, year, year_confidence, day, titles)


def _main_letterhead(facts: Facts, keys: set[str]) -> Letterhead | None:
    """The letterhead of the report itself: the first own part that is a report, else any own part's."""
    heads = [(part.role, part.letterhead) for document in facts.documents for part in _own_parts(document, keys)
             if part.letterhead is not None]
    return next((head for role, head in heads if role == "report"), heads[0][1] if heads else None)


# --- Not a report --------------------------------------------------------------------------------
def _not_a_report(facts: Facts) -> tuple[str, str] | None:
    """(reason, evidence) for a bounce or an automatic reply, else None."""
    local = facts.sender.split("@", 1)[0]
    subject = fold(facts.subject)
    if local in _DSN_SENDERS:
        return "delivery_status", f"not a submission: sender {facts.sender} → delivery_status"
    if found := _DSN_SUBJECT.search(subject):
        return "delivery_status", f"not a submission: subject \"{found.group()}\" → delivery_status"
    auto = (facts.auto_submitted or "").strip().lower()
    if auto and auto != "no":
        return "auto_reply", f"not a submission: Auto-Submitted: {auto} → auto_reply"
    if found := _AUTO_SUBJECT.search(subject):
        return "auto_reply", f"not a submission: subject \"{found.group()}\" → auto_reply"
    return None


def _content_reason(facts: Facts, period: str, keys: set[str], unread_scans: Sequence[str] = ()) -> str | None:
    if period in OTHER_PERIODS:
        return "other_period"
    body_report = _body_is_report(facts.body)
    readable = [d for d in facts.documents if d.has_text]
    if (not readable and not body_report and not unread_scans
            and not any(named_like_report(d.filename) for d in facts.documents)):
        return "no_documents"
    if readable and not body_report and not any(_report_like(d, keys) for d in facts.documents):
        return "other_report"
    return None


def _body_is_report(body: str) -> bool:
    text = own_body(body, limit=None)
    return len(text.strip()) >= BODY_REPORT_CHARS and "bao cao" in fold(text)


def _report_read(facts: Facts) -> bool:
    """A document read holds a report (a covering letter is none)."""
    return any(part.role == "report" for document in facts.documents for part in document.parts)


def named_like_report(filename: str) -> bool:
    """A file name that says it is a report: "Bao cao", "BC", or a year or period ("năm 2019")."""
    return bool(_REPORT_NAME.search(fold(filename))) or report_period(filename).report_year is not None


def _report_like(document: DocumentFacts, keys: set[str]) -> bool:
    """Unreadable (to review), or a part of its own that is a report, its covering letter, or no known other paper."""
    if not document.has_text:
        return True
    return any(
        part.role in ("report", "covering_letter")
        or part.letterhead is None
        or part.letterhead.title not in OTHER_TITLES
        for part in _own_parts(document, keys)
    )


def _own_parts(document: DocumentFacts, keys: set[str]) -> list[PartFacts]:
    """The parts the sender wrote: not the ministry's own letter forwarded back (parsers.signals.is_ministry_part)."""
    return [part for part in document.parts if not is_ministry_part(part, keys)]


# --- Year --------------------------------------------------------------------------------------------
def _year_signals(facts: Facts, day: date, keys: set[str]) -> list[YearSignal]:
    signals: list[YearSignal] = []
    for document in facts.documents:
        heads = [part.letterhead for part in _own_parts(document, keys) if part.letterhead]
        main = heads[0] if heads else None
        for head in heads:
            signals += year_signals(title=head.heading or "")
        signals += year_signals(
            filename=document.filename,
            letterhead_date_year=main.year if main else None,
            letterhead_date_month=main.month if main else None,
        )
    signals += year_signals(
        subject=facts.subject, body=own_body(facts.body), received_year=day.year, received_month=day.month
    )
    return signals


# --- Campaign ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Weighed:
    """What one campaign makes of a report: a score with its evidence, or why it has none."""

    campaign: CampaignInfo
    score: float = 0.0
    evidence: tuple[str, ...] = ()
    topic: str | None = None
    doubt: str | None = None  # two readings: a reply or citation, but another programme's title
    other: str | None = None  # the titles say another request (and nothing else says this one)
    year_only: bool = False  # nothing but the year points at it
    outside: bool = False  # its window does not hold the received day, and no reply or citation


def _match_campaign(
    facts: Facts, campaigns: Sequence[CampaignInfo], year: int | None, year_confidence: float, day: date,
    titles: Sequence[_Title],
) -> _CampaignMatch:
    """Which campaign the report answers (step 3 of the module docstring)."""
    replied = {_message_id(m) for m in (facts.in_reply_to, *facts.references) if m}
    texts = _citation_text(facts)
    weighed = [_weigh(c, replied, texts, titles, year, year_confidence, day) for c in campaigns]
    scored = sorted((w for w in weighed if w.score > 0), key=lambda w: -w.score)
    others = [w.other for w in weighed if w.other]
    by_year_only = [w.campaign for w in weighed if w.year_only]
    outside = [w.campaign for w in weighed if w.outside]
    if scored:
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        rest = tuple(line for w in scored[1:] for line in w.evidence)
        return _CampaignMatch(best.campaign, round(max(0.0, best.score - runner_up / 2), 3),
                              (*best.evidence, *rest, *others), topic=best.doubt or best.topic, doubt=best.doubt)
    if not others and not by_year_only and outside:
        # No campaign's window holds it: another report when its titles say so against every campaign.
        verdicts = [_topic_verdict(titles, _profile(c)) for c in outside]
        if all(verdict.verdict == OTHER for verdict, _ in verdicts):
            others = [f"{source}: {verdict.reason} → other_report" for verdict, source in verdicts]
    if others and not by_year_only:
        return _CampaignMatch(None, 0.0, tuple(others), other=True, topic="; ".join(others))
    if len(by_year_only) == 1:
        guess = by_year_only[0]
        missing = (f"nothing says it answers {guess.id}: no reply to its request, its letter {guess.letter} "
                   f"not cited, no title that fits (the year alone is not enough)")
        return _CampaignMatch(guess, UNSURE_CAMPAIGN, (f"report year {year} → {guess.id}?", *others),
                              topic=missing, doubt=missing)
    if by_year_only:  # several requests of that year: guessing one would hold its reminders, not the other's
        names = ", ".join(c.id for c in by_year_only)
        missing = (f"nothing says which request it answers ({names} ask for {year}): no reply, no letter cited, "
                   f"no title that fits (the year alone is not enough)")
        return _CampaignMatch(None, 0.0, (f"report year {year} → {names}?", *others), topic=missing, doubt=missing)
    return _CampaignMatch(None, 0.0, ("no campaign fits the report year, letter or window",) if campaigns else ())


def _weigh(campaign: CampaignInfo, replied: set[str], texts: str, titles: Sequence[_Title], year: int | None,
           year_confidence: float, day: date) -> _Weighed:
    weights, evidence = [], []
    if replied & {_message_id(m) for m in campaign.message_ids}:
        weights.append(REPLY_WEIGHT)
        evidence.append(f"reply to {campaign.id}'s request message → {campaign.id}")
    if _cites(texts, campaign.letter):
        weights.append(LETTER_WEIGHT)
        evidence.append(f"letter {campaign.letter} cited → {campaign.id}")
    # A reply or a citation answers the request whenever it comes (a 2017 report sent two years
    # late); a title or a year only within the campaign's window.
    window = (campaign.issued - timedelta(days=EARLY_DAYS), campaign.deadline + timedelta(days=LATE_DAYS))
    if not weights and not window[0] <= day <= window[1]:
        return _Weighed(campaign, outside=True)
    verdict, source = _topic_verdict(titles, _profile(campaign))
    topic = f"{source}: {verdict.reason}" if source else None
    year_fits = year is None or year == campaign.report_year
    doubt = None
    if verdict.verdict == OTHER:
        if not weights:
            return _Weighed(campaign, other=f"{topic} → other_report")
        doubt = f"two readings: {evidence[0]}; but {topic} → other_report"
    elif verdict.verdict == FITS and year_fits:  # a title fits the request of its own year only
        weights.append(round(verdict.strength * _TRUST[source], 3))
        evidence.append(f"{topic} → {campaign.id}")
    if not weights:
        return _Weighed(campaign, year_only=year is not None and year_fits)
    if year is not None and year_fits:
        weights.append(round(year_confidence * YEAR_SUPPORT, 3))
        evidence.append(f"report year {year} → {campaign.id}")
    score = 1 - math.prod(1 - weight for weight in weights)
    if not year_fits:
        score *= 1 - year_confidence
        evidence.append(f"report year {year} is not {campaign.id}'s {campaign.report_year}")
    return _Weighed(campaign, score, tuple(evidence), topic or evidence[0], doubt)


@dataclass(frozen=True)
class _Title:
    source: str  # "title" | "covering letter" | "subject" | "file name"
    text: str


_TRUST = {"title": 1.0, "covering letter": 0.95, "subject": 0.9, "file name": 0.7}


def _titles(facts: Facts, keys: set[str]) -> list[_Title]:
    """What the message calls itself, most trusted first: its documents' own titles (a covering
    letter's "V/v …"), the e-mail subject, the file names. The ministry's own letter forwarded back
    says nothing of the report."""
    titles = [_Title("covering letter" if part.role == "covering_letter" else "title", part.letterhead.heading)
              for document in facts.documents for part in _own_parts(document, keys)
              if part.letterhead is not None and part.letterhead.subject]
    titles.sort(key=lambda t: -_TRUST[t.source])
    if facts.subject.strip():
        titles.append(_Title("subject", facts.subject))
    titles += [_Title("file name", d.filename.rsplit("/", 1)[-1]) for d in facts.documents if d.filename]
    return titles


def _topic_verdict(titles: Sequence[_Title], profile: Profile) -> tuple[Verdict, str | None]:
    """The verdict of the most trusted source that says anything, and that source. Among a message's
    documents one that fits is enough (the report and an annex on one programme are still the report)."""
    for source in ("title", "covering letter", "subject", "file name"):
        verdicts = [_judged(t.text, profile) for t in titles if t.source == source]
        decided = [v for v in verdicts if v.verdict != UNKNOWN]
        if decided:
            fits = [v for v in decided if v.verdict == FITS]
            return (max(fits, key=lambda v: v.strength) if fits else decided[0]), source
    return Verdict(UNKNOWN, 0.0, "no title says what it is about"), None


@functools.lru_cache(maxsize=8192)
def _judged(text: str, profile: Profile) -> Verdict:
    return judge(read_title(text), profile)


@functools.lru_cache(maxsize=256)
def _profile(campaign: CampaignInfo) -> Profile:
    return profile_of(campaign.id, (campaign.subject, campaign.title), campaign.match_phrases,
                      campaign.exclude_phrases)


def _message_id(value: str) -> str:
    return value.strip().strip("<>").strip().lower()


def _citation_text(facts: Facts) -> str:
    """Where a request letter is cited: the subject, the body, the documents' openings and subjects."""
    pieces = [facts.subject, facts.body]
    for document in facts.documents:
        for part in document.parts:
            pieces.append(part.opening)
            if part.letterhead and part.letterhead.subject:
                pieces.append(part.letterhead.subject)
    return re.sub(r"\s+", " ", fold("\n".join(pieces)))


def _cites(folded_text: str, letter: str) -> bool:
    """Whether "5025/LĐTBXH-KHTC" is cited: its number and first code, folded, spaces around "/" allowed."""
    found = re.match(r"\s*(\d+)\s*/\s*([a-z0-9]+)", fold(letter))
    if found is None:
        return False
    number, code = found.groups()
    return re.search(rf"(?<!\d){number}\s*/\s*{code}(?![a-z0-9])", folded_text) is not None
