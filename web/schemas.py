"""The JSON API's shapes for OpenAPI (/api/openapi.json): the documented form of what
reportbox.shapes builds for the command line's `--format json` (README). Extra keys are
allowed through, so a field added to a shape is never silently dropped from the API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["on_time", "late", "missing", "pending", "exempt"]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class Summary(_Shape):
    expected: int = Field(description="Units that owe a report (exempt ones aside)")
    on_time: int
    late: int
    missing: int
    pending: int
    exempt: int
    complete: int
    incomplete: int = Field(description="Reported, but sections of the outline are missing")
    needs_review: int = Field(description="Submissions waiting for a person, this campaign's or unattributed")
    unmapped: int = Field(description="Reports whose unit maps to no single unit of the campaign's registry")
    unreadable: int = Field(description="Units whose latest report came with no file that could be read")


class UnreadableFile(_Shape):
    filename: str = Field(examples=["Bao cao 2019.pdf"])
    error: str = Field(description="encrypted, corrupt, ocr_failed, conversion_failed, timeout, too_large, or "
                                   "unsupported (a file named like a report)", examples=["encrypted"])


class UnitStatus(_Shape):
    unit: str = Field(description="The unit's code in the campaign's registry", examples=["22"])
    name: str = Field(examples=["Quảng Ninh"])
    status: Status
    received_at: str | None = Field(description="First acceptable report, Vietnam time (ISO 8601)")
    late_by_hours: float | None
    submission: int | None = Field(description="First submission of the latest version")
    sections: list[str]
    missing_sections: list[str]
    complete: bool
    deadline: str
    versions: int
    latest_at: str | None
    needs_review: int
    offline: bool
    adjustments: list[str]
    reminders: int
    last_reminder_at: str | None
    receipts: int
    resend_requests: int = Field(description="E-mails that asked for a report none of whose files could be read")
    unreadable: bool = Field(description="A report came since the last readable one, and none of its files could "
                                         "be read: received, not counted")
    unreadable_files: list[UnreadableFile] = Field(description="Those files, and why each could not be read")
    full_name: str = Field("", description="The official name in force on the campaign's deadline",
                           examples=["Tỉnh Tuyên Quang"])
    names: list[UnitName] = Field([], description="Every name the unit bore, the first first (renames keep the code)")
    former_units: list[FormerUnit] = Field([], description="The vn63 provinces a vn34 unit was formed from "
                                                           "(Resolution 202/2025/QH15); empty for vn63")
    # Absent unless asked (with_former), as in `status --format json`; never null.
    former_reports: list[FormerReport] | None = Field(
        None, exclude_if=lambda reports: reports is None,
        description="With `with_former` only: the unit's counted reports to earlier campaigns, its former units' "
                    "too, received by `as_of`, oldest first")
    department_parts: list[DepartmentPart] = Field(
        [], description="Parts of the unit's answer from other departments the letter addressed (the Sở Y tế's), in "
                        "its latest version; they never make the unit on time or late: the lead department's report does")


class DepartmentPart(_Shape):
    department: str = Field(description="The department's key (parsers.departments)", examples=["y_te"])
    name: str = Field(examples=["Sở Y tế"])
    submission: int
    received_at: str = Field(description="Vietnam time (ISO 8601)")


class UnitName(_Shape):
    name: str = Field(examples=["Huế"])
    full_name: str = Field(examples=["Thành phố Huế"])
    valid_from: str | None = Field(description="First day (ISO date); null: since the registry began")
    valid_until: str | None = Field(description="Last day; null: still in force")
    basis: str = Field("", description="The legal text that gave the name, when known", examples=["1314/NQ-UBTVQH15"])


class FormerUnit(_Shape):
    registry: str = Field(examples=["vn63"])
    unit: str = Field(examples=["02"])
    name: str = Field(examples=["Hà Giang"])
    full_name: str = Field(examples=["Tỉnh Hà Giang"])


class FormerReport(_Shape):
    submission: int
    campaign: str = Field(examples=["tk2024"])
    letter: str
    report_year: int = Field(examples=[2024])
    registry: str = Field(description="The registry it was identified in", examples=["vn63"])
    unit: str = Field(description="The code it was identified as, in `registry`", examples=["02"])
    name: str = Field(description="That unit's name on that campaign's deadline", examples=["Hà Giang"])
    received_at: str
    state: str = Field(description="accepted or superseded")


class StatusReport(_Shape):
    campaign: str = Field(examples=["tk2019"])
    letter: str = Field(examples=["5025/LĐTBXH-KHTC"])
    title: str | None
    as_of: str
    deadline: str
    registry: str
    outline: list[str]
    summary: Summary
    units: list[UnitStatus]
    outbox: dict[str, int] = Field(description="E-mails to the units by state, plus `bounced`")


class CampaignEntry(_Shape):
    campaign: str
    letter: str
    title: str | None
    deadline: str
    registry: str
    in_config: bool
    summary: Summary


class Document(_Shape):
    filename: str
    kind: str
    pages: int | None
    sections: list[str]
    error: str | None
    reason: str | None
    detail: str | None
    ocr: bool
    role: str | None


class Submission(_Shape):
    id: int
    message: int
    message_id: str | None
    from_: str | None = Field(alias="from")
    subject: str | None
    received_at: str
    unit: str | None
    report_year: int | None
    campaign: str | None
    state: Literal["accepted", "needs_review", "rejected", "superseded"]
    confidence: float
    evidence: list[str]
    sections: list[str]
    unverified_sender: bool
    sender_check: str
    continuation: str | None
    joined_to: int | None
    superseded_by: int | None
    candidates: list[dict] = Field(description="Units weighed by identification: unit, registry, score")
    kind: Literal["report", "other_report", "continuation"] = Field(
        description="The report its campaign asks for; another report of the unit (campaign null, never counted); "
                    "or a later part of a report")
    department_part: str | None = Field(
        description="For a part of the unit's answer from another department the letter addressed, that "
                    "department's key (parsers.departments); null for the lead department's report", examples=["y_te"])
    topic: str | None = Field(description="The evidence that decided which request it answers")
    title: str | None = Field(description="The report's own title, from its letterhead",
                              examples=["BÁO CÁO Kết quả thực hiện công tác giảm nghèo năm 2019"])
    dated: str | None = Field(description="The date its letterhead gives (ISO 8601)", examples=["2019-12-02"])
    documents: list[Document]


class Message(_Shape):
    id: int
    mailbox: str | None
    folder: str | None
    uid: int | None
    message_id: str | None
    sha256: str
    from_: str | None = Field(alias="from")
    subject: str | None
    received_at: str
    state: str
    reason: str | None
    attempts: int
    submission: int | None


class OutboxEntry(_Shape):
    id: int
    campaign: str | None  # None: an alarm to ministry IT
    unit: str
    kind: Literal["reminder", "receipt", "resend_request", "alert"]
    step: str
    state: str
    to: list[str]
    cc: list[str]
    subject: str
    sent_at: str | None
    error: str | None


class SectionText(_Shape):
    key: str
    heading: str
    text: str
    tables: list[list[list[str | None]]]
    source: str


class UnitSections(_Shape):
    unit: str
    name: str
    status: Status
    received_at: str | None
    offline: bool
    versions: int
    sections: list[SectionText]


class SectionsReport(_Shape):
    campaign: str
    sections: list[str]
    units: list[UnitSections]


class Health(_Shape):
    now: str
    daemon: dict
    folders: list[dict]
    messages: dict[str, int]
    submissions: dict[str, int]
    outbox: dict[str, int]
    failures: list[dict]
    alerts: list[dict]
