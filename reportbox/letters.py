"""A campaign made from a request letter (`reportbox campaign from-letter`): the letter's fields as
`--format json`, as a `[[campaign]]` block to paste into the config (`--format toml`), and as the
CampaignConfig that `--apply` stores; and the config with the stored letter campaigns added.

The JSON shape (keys in this order):
    {"id", "letter", "issuer", "issued", "deadline", "report_year", "plan_year", "subject", "addressees",
     "departments", "mailbox", "phone", "registry", "outline": [{"key", "number", "title"}], "evidence": {field: text},
     "missing": [field, …]}
A field the letter does not give is null and named in "missing"; a deadline with a time is an ISO
date-time with Vietnam's offset ("2019-12-15T17:00:00+07:00"), a day is "2019-12-15". "departments"
are the provinces' departments the addressees name (parsers.departments), ["any"] when they are the
provinces' people's committees (any department may answer), null when they name neither: the campaign
then has the default ones.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from parsers.departments import ANY_DEPARTMENT, DEFAULT_DEPARTMENTS
from parsers.outline import DEFAULT_OUTLINE as DEFAULT_SECTIONS
from reportbox.config import (
    CAMPAIGN_ID,
    DEFAULT_OUTLINE,
    CampaignConfig,
    Config,
    LetterSectionConfig,
    OutlineSectionConfig,
)
from reportbox.errors import ConfigError, UsageError

# The letter reader (its patterns and tables) is imported by the functions that read a letter's
# wording: every command merges the stored campaigns (`with_letter_campaigns`), and most store none.
if TYPE_CHECKING:
    from parsers.letter import Letter

log = logging.getLogger("reportbox.campaigns")

# What a campaign cannot do without, in the order a missing one is reported.
REQUIRED = ("letter", "issued", "deadline", "report_year", "plan_year")
_QUOTED = ("letter", "issued", "deadline", "issuer", "mailbox", "phone")  # shown with what they were read from
_LABELS = {"letter": "number and symbol", "issued": "date of issue", "deadline": "deadline",
           "report_year": "report year", "plan_year": "plan year"}


def campaign_id(letter: Letter, given: str | None) -> str | None:
    """The id asked for (checked), else the letter's default (`tk2019`, `l5025-2019`), else None."""
    from parsers.letter import default_campaign_id

    if given is None:
        return default_campaign_id(letter)
    if not re.match(CAMPAIGN_ID, given):
        raise UsageError(f"--id {given!r}: use 1 to 32 lower-case letters, digits, '-' or '_', starting with "
                         "a letter or digit")
    return given


# --- JSON ----------------------------------------------------------------------------------------
def letter_json(letter: Letter, campaign: str | None) -> dict:
    return {
        "id": campaign,
        "letter": letter.letter,
        "issuer": letter.issuer,
        "issued": letter.issued.isoformat() if letter.issued else None,
        "deadline": letter.deadline.isoformat() if letter.deadline else None,
        "report_year": letter.report_year,
        "plan_year": letter.plan_year,
        "subject": letter.subject,
        "addressees": letter.addressees,
        "departments": list(letter.departments) or None,
        "mailbox": letter.mailbox,
        "phone": letter.phone,
        "registry": letter.registry,
        "outline": [item.as_dict() for item in letter.outline],
        "evidence": dict(letter.evidence),
        "missing": list(letter.missing),
    }


# --- The campaign --------------------------------------------------------------------------------
def campaign_title(letter: Letter) -> str:
    """The subject without "V/v", as a title ("Đánh giá tình hình thực hiện năm 2019; …")."""
    if letter.subject:
        text = re.sub(r"^\s*(?:V/v|V\.v|Về việc)\s*[:.]?\s*", "", letter.subject, flags=re.IGNORECASE)
        if text:
            return text[:1].upper() + text[1:]
    return f"Công văn {letter.letter}" if letter.letter else "Công văn"


def _deadline_for_config(deadline: date | datetime) -> date | datetime:
    """A day as it is; a time as the config writes it: a local date-time, Vietnam's."""
    return deadline.replace(tzinfo=None) if isinstance(deadline, datetime) else deadline


def campaign_config(letter: Letter, campaign: str | None) -> CampaignConfig:
    """The campaign the letter asks for; UsageError naming the first field it lacks that a campaign needs."""
    lacking = next((name for name in REQUIRED if getattr(letter, name) is None), None)
    if lacking is not None:
        raise UsageError(f"the letter gives no {_LABELS[lacking]} ({lacking}); add this campaign to the config "
                         "by hand (`--format toml` prints what was read)")
    if campaign is None:
        raise UsageError("no campaign id could be made from the letter: give one with --id")
    keys = tuple(dict.fromkeys(item.key for item in letter.outline)) or DEFAULT_OUTLINE
    try:
        return CampaignConfig(
            id=campaign, letter=letter.letter, title=campaign_title(letter), report_year=letter.report_year,
            plan_year=letter.plan_year, issued=letter.issued, deadline=_deadline_for_config(letter.deadline),
            registry=letter.registry, outline=keys, subject=letter.subject, issuer=letter.issuer,
            addressees=letter.addressees, mailbox=letter.mailbox, phone=letter.phone,
            departments=letter.departments or DEFAULT_DEPARTMENTS,
            section=tuple(LetterSectionConfig(**item.as_dict()) for item in letter.outline),
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        raise UsageError(f"the letter's campaign is not valid: {where + ': ' if where else ''}{message}") from None


def own_outline_sections(campaigns: Iterable[CampaignConfig]) -> dict[str, OutlineSectionConfig]:
    """[outline.<key>] for each key a letter made from its wording: the title, and keywords from it."""
    default = set(DEFAULT_SECTIONS.keys)
    sections: dict[str, OutlineSectionConfig] = {}
    for campaign in campaigns:
        for item in campaign.section:
            if item.key not in default and item.key not in sections:
                sections[item.key] = _own_section(item.title)
    return sections


def _own_section(title: str) -> OutlineSectionConfig:
    from parsers.letter import keywords_from_wording

    # Braces in a config title are year placeholders: a letter's own are not.
    plain_title = title.replace("{", "(").replace("}", ")")
    return OutlineSectionConfig(title=plain_title, keywords=keywords_from_wording(plain_title))


def with_letter_campaigns(config: Config, campaigns: list[CampaignConfig], *, strict: bool = False) -> Config:
    """The config with the campaigns stored from letters added: the same object when there are none.

    A stored campaign the config cannot take (an [outline.<key>] of the config that retitles one of
    its own keys without keywords) is left out and logged, so one bad row never stops the daemon;
    with `strict` (before storing one) it is a ConfigError naming the campaign and the key."""
    if not campaigns:
        return config
    outline = {**own_outline_sections(campaigns), **config.outline}  # the config's own definitions win
    merged = config.model_copy(update={"outline": outline})
    taken = []
    for campaign in campaigns:
        try:
            merged.section_outline(campaign.outline)  # every key has keywords
        except ValueError as exc:
            problem = f"campaign {campaign.id!r}, read from letter {campaign.letter}: outline: {exc}"
            if strict:
                raise ConfigError(f"{config.path}: {problem}; give [outline.<key>] its keywords") from None
            log.error("%s; it is left out until [outline.<key>] has keywords", problem)
            continue
        taken.append(campaign)
    return merged.model_copy(update={"campaign": config.campaign + tuple(taken)})


# --- TOML ----------------------------------------------------------------------------------------
def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but DEL must be escaped too."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {type(value).__name__}")


def _comment(text: str) -> str:
    return " ".join(text.split())


def letter_toml(letter: Letter, campaign: str | None, source: str) -> str:
    """A `[[campaign]]` block ready to paste into the config; what the letter lacks is a comment."""
    out = [f"# Read from {_comment(source)} by `reportbox campaign from-letter`: check it against the letter,",
           "# then paste it into the configuration (or store it with --apply)."]
    own = {item.key: _own_section(item.title) for item in letter.outline if not item.default}
    for key, section in own.items():
        out += ["", f"[outline.{key}]  # a section of this letter's own, found by these words",
                f"title = {toml_string(section.title or key)}", f"keywords = {_toml_value(list(section.keywords or ()))}"]
    out += ["", "[[campaign]]"]
    values = {
        "id": campaign,
        "letter": letter.letter,
        "title": campaign_title(letter),
        "report_year": letter.report_year,
        "plan_year": letter.plan_year,
        "issued": letter.issued,
        "deadline": _deadline_for_config(letter.deadline) if letter.deadline else None,
        "registry": letter.registry,
        "outline": list(dict.fromkeys(item.key for item in letter.outline)) or None,
        "subject": letter.subject,
        "issuer": letter.issuer,
        "addressees": letter.addressees,
        "departments": list(letter.departments) or None,
        "mailbox": letter.mailbox,
        "phone": letter.phone,
    }
    for name, value in values.items():
        out.append(_toml_line(name, value, letter))
    for item in letter.outline:
        out += ["", "[[campaign.section]]", f"key = {toml_string(item.key)}", f"number = {toml_string(item.number)}",
                f"title = {toml_string(item.title)}"]
    out += ["", "[campaign.match]", "phrases = []", "exclude = []"]
    return "\n".join(out) + "\n"


def _toml_line(name: str, value, letter: Letter) -> str:
    if value is None:
        return f"# {name} = …  # {_why_missing(name)}"
    line = f"{name} = {_toml_value(value)}"
    quoted = letter.evidence.get(name)
    if quoted and quoted != value and name in _QUOTED:
        line += f"  # {toml_string(_comment(quoted))}"
    elif name == "registry":
        line += "  # the units in force on the deadline's day"
    elif name == "departments" and value == [ANY_DEPARTMENT]:
        line += "  # \"Kính gửi\" the provinces' UBND: whichever department it has answer is the unit's answer"
    elif name == "departments":
        line += "  # named by \"Kính gửi\": their reports are the unit's answer, other departments' its other reports"
    return line


def _why_missing(name: str) -> str:
    if name == "id":
        return "none could be made from the letter: choose one (--id)"
    if name == "outline":
        return "the letter numbers no items: the default outline applies"
    if name == "registry":
        return "follows the deadline, which the letter does not give"
    if name == "departments":
        return f"\"Kính gửi\" names no department: the default, {list(DEFAULT_DEPARTMENTS)}"
    if name in REQUIRED:
        return "not in the letter: required, add it by hand"
    return "not in the letter"
