"""Submissions and the review queue: `reportbox submissions`, `reportbox review list|assign|reject|other`."""

from __future__ import annotations

import csv
import sys

import click
from rich.table import Table

from models.review import ASSIGN, OTHER, REJECT, decide
from models.schema import SubmissionKind, SubmissionState
from models.submissions import list_submissions, submissions_for
from reportbox.cli.base import Obj, by_option, cli, console, echo_json, plain
from reportbox.shapes import submission_json
from reportbox.timefmt import local_short


@cli.command()
@click.option("--campaign", help="This campaign's submissions, those not yet attributed to any, and the units' "
                                 "other reports of its report year.")
@click.option("--state", type=click.Choice(SubmissionState.ALL), help="Only submissions in this state.")
@click.option("--kind", type=click.Choice(SubmissionKind.ALL),
              help="Only reports for their campaign, other reports (never counted) or continuations.")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json", "csv"]))
@click.pass_obj
def submissions(obj: Obj, campaign: str | None, state: str | None, kind: str | None, fmt: str) -> None:
    """Submissions: messages carrying documents, with the sections found and what could not be read;
    the units' other reports (on another subject or for another request) listed apart."""
    with obj.app() as app, app.sessions() as session:
        views = submissions_for(session, campaign, state, kind)
        rows = [submission_json(view) for view in views]
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        _submissions_csv(rows)
    else:
        _submissions_table(views, rows)


@cli.group()
def review() -> None:
    """The review queue: submissions the program was not sure of, for a person to decide."""


@review.command("list")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@click.pass_obj
def review_list(obj: Obj, fmt: str) -> None:
    """Every submission waiting for review, with the program's best guess and its evidence."""
    with obj.app() as app, app.sessions() as session:
        views = list_submissions(session, state=SubmissionState.NEEDS_REVIEW)
        rows = [submission_json(view) for view in views]
    if fmt == "json":
        echo_json(rows)
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "received", "from", "guess", "year", "confidence", "evidence"):
        table.add_column(column, overflow="fold")
    for view, row in zip(views, rows):
        table.add_row(str(row["id"]), local_short(view.raw.received_at), plain(_sender(row)), plain(row["unit"] or "?"),
                      str(row["report_year"] or "?"), f"{row['confidence']:.2f}", plain("\n".join(row["evidence"][:6])))
    console().print(table)
    click.echo(f"{len(rows)} submission(s) to review: `reportbox review assign ID UNIT`, `review reject ID` "
               "or `review other ID --reason …`")


@review.command("assign")
@click.argument("submission_id", metavar="SUBMISSION", type=int)
@click.argument("unit")
@click.option("--campaign", help="Count it for this campaign too (when the program found none or the wrong one).")
@click.option("--reason", help="Why, for the audit trail.")
@by_option
@click.pass_obj
def review_assign(obj: Obj, submission_id: int, unit: str, campaign: str | None, reason: str | None,
                  decided_by: str) -> None:
    """Accept a submission as UNIT's (a unit code of the campaign's registry, e.g. 22 for Quảng Ninh);
    with --campaign, another report of the unit moves into that campaign and counts there."""
    _decide(obj, submission_id, ASSIGN, unit=unit, campaign=campaign, reason=reason, decided_by=decided_by)


@review.command("reject")
@click.argument("submission_id", metavar="SUBMISSION", type=int)
@click.option("--reason", help="Why, for the audit trail.")
@by_option
@click.pass_obj
def review_reject(obj: Obj, submission_id: int, reason: str | None, decided_by: str) -> None:
    """Reject a submission: it counts for no unit."""
    _decide(obj, submission_id, REJECT, reason=reason, decided_by=decided_by)


@review.command("other")
@click.argument("submission_id", metavar="SUBMISSION", type=int)
@click.option("--reason", required=True, help="Why it answers no campaign (its subject, the request it answers).")
@click.option("--unit", help="The unit it is a report of, when the submission names none or the wrong one.")
@by_option
@click.pass_obj
def review_other(obj: Obj, submission_id: int, reason: str, unit: str | None, decided_by: str) -> None:
    """Move a submission out of its campaign as another report of its unit: kept and listed, never counted
    (`review assign SUBMISSION UNIT --campaign ID` moves it back in)."""
    _decide(obj, submission_id, OTHER, unit=unit, reason=reason, decided_by=decided_by)


def _decide(obj: Obj, submission_id: int, action: str, **details) -> None:
    with obj.app() as app, app.sessions.begin() as session:
        submission = decide(session, submission_id, action, default_registry=app.config.registry.default, **details)
        summary = f"submission {submission.id}: {submission.kind}, {submission.state}" + (
            f", unit {submission.unit}" if submission.unit else "") + (
            f", campaign {submission.campaign}" if submission.campaign else "")
    click.echo(summary)


def _sender(row: dict) -> str:
    """The sender, marked when it is not known to speak for the unit (spoofing, or personal webmail)."""
    return (row["from"] or "") + ("\n(unverified sender)" if row["unverified_sender"] else "")


def _state(row: dict) -> str:
    if row["joined_to"]:
        return f"{row['state']}\n(part of {row['joined_to']})"
    if row["superseded_by"]:
        return f"{row['state']}\n(by {row['superseded_by']})"
    return row["state"]


def _document_summary(document: dict) -> str:
    problem = document["error"] or document["reason"]
    return f"{document['filename']} ({document['kind']}{': ' + problem if problem else ''})"


def _submissions_table(views, rows: list[dict]) -> None:
    listed = [(view, row) for view, row in zip(views, rows) if row["kind"] != SubmissionKind.OTHER_REPORT]
    others = [(view, row) for view, row in zip(views, rows) if row["kind"] == SubmissionKind.OTHER_REPORT]
    table = Table(box=None, pad_edge=False)
    for column in ("id", "received", "from", "unit", "campaign", "state", "sections", "documents"):
        table.add_column(column, overflow="fold")
    for view, row in listed:
        table.add_row(str(row["id"]), local_short(view.raw.received_at), plain(_sender(row)),
                      plain(row["unit"] or "?"), plain(row["campaign"] or "?"), plain(_state(row)),
                      plain(" ".join(row["sections"]) or "-"),
                      plain("\n".join(_document_summary(d) for d in row["documents"])))
    console().print(table)
    click.echo(f"{len(listed)} submission(s)")
    if others:
        _other_reports_table(others)


def _other_reports_table(others: list) -> None:
    """Reports of the units on other subjects or for other requests: kept, never counted."""
    click.echo("\nOther reports (not counted)")
    table = Table(box=None, pad_edge=False)
    for column in ("id", "unit", "title", "date", "received", "from", "topic"):
        table.add_column(column, overflow="fold")
    for view, row in others:
        table.add_row(str(row["id"]), plain(row["unit"] or "?"), plain(row["title"] or _untitled_name(row)),
                      row["dated"] or "?", local_short(view.raw.received_at), plain(_sender(row)),
                      plain(row["topic"] or "-"))
    console().print(table)
    click.echo(f"{len(others)} other report(s)")


def _untitled_name(row: dict) -> str:
    """What names a report whose letterhead gave no title: its e-mail subject, else its first file."""
    return row["subject"] or next((d["filename"] for d in row["documents"]), "?")


def _submissions_csv(rows: list[dict]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(["id", "message", "received_at", "from", "unverified_sender", "subject", "unit", "report_year",
                     "campaign", "state", "joined_to", "superseded_by", "confidence", "sections", "documents",
                     "errors", "kind", "title", "dated", "topic"])
    for row in rows:
        errors = [f"{d['filename']}: {d['error']}" for d in row["documents"] if d["error"]]
        writer.writerow([row["id"], row["message"], row["received_at"], row["from"], int(row["unverified_sender"]),
                         row["subject"], row["unit"], row["report_year"], row["campaign"], row["state"],
                         row["joined_to"] or "", row["superseded_by"] or "", row["confidence"],
                         " ".join(row["sections"]), " | ".join(d["filename"] for d in row["documents"]),
                         " | ".join(errors), row["kind"], row["title"] or "", row["dated"] or "",
                         row["topic"] or ""])
