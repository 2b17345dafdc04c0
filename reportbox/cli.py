"""The `reportbox` command line (DESIGN.md): exit 0 on success, 2 for usage or configuration, 1 otherwise."""

from __future__ import annotations

import csv
import getpass
import json
import threading
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from models import lock
from models import messages as q
from models.db import current_revision, make_engine, upgrade
from models.schema import MessageState, SubmissionState
from models.review import ASSIGN, REJECT, decide
from models.submissions import list_submissions, submission_counts, submission_ids_of
from reportbox import logs
from reportbox.app import App, make_source, open_app
from reportbox.config import find_config_path, load_config
from reportbox.errors import ReportboxError, UsageError
from reportbox.timefmt import local_iso, local_short

PROGRESS_FROM = 200  # show a progress bar on backfills of at least this many messages


class Obj:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path

    def config(self):
        return load_config(find_config_path(self.config_path))

    @contextmanager
    def app(self, migrate: bool = True):
        app = open_app(self.config(), migrate=migrate)
        try:
            yield app
        finally:
            app.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default ./reportbox.toml, then $REPORTBOX_CONFIG).")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--log-format", default="text", show_default=True, type=click.Choice(["text", "json"]))
@click.version_option(package_name="reportbox")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, log_level: str, log_format: str) -> None:
    """reportbox: the ministry's reporting mailbox."""
    logs.configure(log_level, log_format)
    ctx.obj = Obj(config_path)


@cli.command()
@click.pass_obj
def run(obj: Obj) -> None:
    """Run the daemon: poll every mailbox on schedule until SIGTERM or SIGINT."""
    from jobs.daemon import Daemon

    with obj.app() as app:
        Daemon(app).run()


@cli.command("poll")
@click.option("--fetch-only", is_flag=True, help="Store new raw messages and stop there.")
@click.pass_obj
def poll_command(obj: Obj, fetch_only: bool) -> None:
    """One pass over every mailbox, then exit; prints counts."""
    from jobs.poll import poll

    # A one-shot poll holds the daemon's lock too: two fetchers on one mailbox would race.
    with obj.app() as app, lock.held(app.sessions):
        sources = [make_source(m) for m in app.config.mailbox]
        try:
            with _progress("fetching and processing") as tick:
                report = poll(app, sources, fetch_only=fetch_only, on_message=tick)
        finally:
            for source in sources:
                source.close()
        counts = q_counts(app)
        with app.sessions() as session:
            review = submission_counts(session).get(SubmissionState.NEEDS_REVIEW, 0)
    fetched, processed = report.fetched, report.processed
    click.echo(f"new: {fetched.new}  parsed: {processed.parsed}  needs review: {review}  "
               f"failed: {processed.failed + processed.quarantined}  "
               f"waiting: {counts.get(MessageState.FETCHED, 0)}")
    if fetched.duplicates or fetched.seen_again:
        click.echo(f"duplicates kept as ignored: {fetched.duplicates}  already stored: {fetched.seen_again}")
    for error in fetched.errors:
        click.echo(f"error: {error}", err=True)
    if fetched.errors:
        sys.exit(1)


@cli.command()
@click.pass_obj
def process(obj: Obj) -> None:
    """Process every stored message not yet processed."""
    from jobs.poll import process as run_process

    with obj.app() as app:
        with _progress("processing") as tick:
            counts = run_process(app, on_message=tick)
    click.echo(f"parsed: {counts.parsed}  failed: {counts.failed}  retry later: {counts.retry}  "
               f"quarantined: {counts.quarantined}")


@cli.command()
@click.option("--state", type=click.Choice(MessageState.ALL), help="Only messages in this state.")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@click.pass_obj
def messages(obj: Obj, state: str | None, fmt: str) -> None:
    """Every message ever fetched, with its state and reason."""
    with obj.app() as app, app.sessions() as session:
        names = q.mailbox_names(session)
        stored = q.list_messages(session, state)
        submissions = submission_ids_of(session, [raw.id for raw in stored])
        rows = [_message_json(raw, names, submissions.get(raw.id)) for raw in stored]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "received", "from", "subject", "state", "reason"):
        table.add_column(column, overflow="fold")
    for raw, row in zip(stored, rows):
        table.add_row(str(row["id"]), local_short(raw.received_at), row["from"] or "",
                      (row["subject"] or "")[:60], row["state"], row["reason"] or "")
    _console().print(table)
    click.echo(f"{len(rows)} message(s)")


def _console() -> Console:
    """The terminal's width on a terminal; wide enough not to fold rows in a pipe or a file."""
    console = Console()
    return console if console.is_terminal else Console(width=240)


def _message_json(raw, mailboxes: dict[int, str], submission: int | None) -> dict:
    location = raw.locations[0] if raw.locations else None
    parsed = raw.parsed
    return {
        "id": raw.id,
        "mailbox": mailboxes.get(location.mailbox_id) if location else None,
        "folder": location.folder if location else None,
        "uid": location.uid if location else None,
        "message_id": raw.message_id,
        "sha256": raw.sha256,
        "from": parsed.from_address if parsed else None,
        "subject": parsed.subject if parsed else None,
        "received_at": local_iso(raw.received_at),
        "state": raw.state,
        "reason": raw.reason,
        "attempts": raw.attempts,
        "submission": submission,
    }


@cli.command()
@click.option("--campaign", help="This campaign's submissions, and those not yet attributed to any.")
@click.option("--state", type=click.Choice(SubmissionState.ALL), help="Only submissions in this state.")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json", "csv"]))
@click.pass_obj
def submissions(obj: Obj, campaign: str | None, state: str | None, fmt: str) -> None:
    """Submissions: messages carrying documents, with the sections found and what could not be read."""
    with obj.app() as app, app.sessions() as session:
        views = list_submissions(session, campaign, state)
        rows = [_submission_json(view) for view in views]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        _submissions_csv(rows)
    else:
        _submissions_table(views, rows)


def _submission_json(view) -> dict:
    sub, parsed = view.submission, view.parsed
    return {
        "id": sub.id, "message": view.raw.id, "message_id": view.raw.message_id,
        "from": parsed.from_address if parsed else None, "subject": parsed.subject if parsed else None,
        "received_at": local_iso(view.raw.received_at), "unit": sub.unit, "report_year": sub.report_year,
        "campaign": sub.campaign, "state": sub.state, "confidence": sub.confidence,
        "evidence": list(sub.evidence), "sections": list(sub.sections),
        "documents": [
            {"filename": d.path, "kind": d.kind, "pages": d.pages,
             "sections": view.sections_by_document.get(d.id, []), "error": d.error, "reason": d.reason,
             "detail": d.detail, "ocr": d.ocr, "role": d.role}
            for d in view.documents
        ],
    }


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
        rows = [_submission_json(view) for view in views]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "received", "from", "guess", "year", "confidence", "evidence"):
        table.add_column(column, overflow="fold")
    for view, row in zip(views, rows):
        table.add_row(str(row["id"]), local_short(view.raw.received_at), row["from"] or "", row["unit"] or "?",
                      str(row["report_year"] or "?"), f"{row['confidence']:.2f}", "\n".join(row["evidence"][:6]))
    _console().print(table)
    click.echo(f"{len(rows)} submission(s) to review: `reportbox review assign ID UNIT` or `review reject ID`")


@review.command("assign")
@click.argument("submission_id", metavar="SUBMISSION", type=int)
@click.argument("unit")
@click.option("--reason", help="Why, for the audit trail.")
@click.option("--by", "decided_by", default=getpass.getuser, show_default="the current user", help="Who decides.")
@click.pass_obj
def review_assign(obj: Obj, submission_id: int, unit: str, reason: str | None, decided_by: str) -> None:
    """Accept a submission as UNIT's (a unit code of its registry, e.g. 22 for Quảng Ninh)."""
    _decide(obj, submission_id, ASSIGN, unit=unit, reason=reason, decided_by=decided_by)


@review.command("reject")
@click.argument("submission_id", metavar="SUBMISSION", type=int)
@click.option("--reason", help="Why, for the audit trail.")
@click.option("--by", "decided_by", default=getpass.getuser, show_default="the current user", help="Who decides.")
@click.pass_obj
def review_reject(obj: Obj, submission_id: int, reason: str | None, decided_by: str) -> None:
    """Reject a submission: it counts for no unit."""
    _decide(obj, submission_id, REJECT, reason=reason, decided_by=decided_by)


def _decide(obj: Obj, submission_id: int, action: str, **details) -> None:
    with obj.app() as app, app.sessions.begin() as session:
        submission = decide(session, submission_id, action, default_registry=app.config.registry.default, **details)
        summary = f"submission {submission.id}: {submission.state}" + (
            f", unit {submission.unit}" if submission.unit else "")
    click.echo(summary)


def _document_summary(document: dict) -> str:
    problem = document["error"] or document["reason"]
    return f"{document['filename']} ({document['kind']}{': ' + problem if problem else ''})"


def _submissions_table(views, rows: list[dict]) -> None:
    table = Table(box=None, pad_edge=False)
    for column in ("id", "received", "from", "unit", "campaign", "state", "sections", "documents"):
        table.add_column(column, overflow="fold")
    for view, row in zip(views, rows):
        table.add_row(str(row["id"]), local_short(view.raw.received_at), row["from"] or "",
                      row["unit"] or "?", row["campaign"] or "?", row["state"],
                      " ".join(row["sections"]) or "-",
                      "\n".join(_document_summary(d) for d in row["documents"]))
    _console().print(table)
    click.echo(f"{len(rows)} submission(s)")


def _submissions_csv(rows: list[dict]) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(["id", "message", "received_at", "from", "subject", "unit", "report_year", "campaign",
                     "state", "confidence", "sections", "documents", "errors"])
    for row in rows:
        errors = [f"{d['filename']}: {d['error']}" for d in row["documents"] if d["error"]]
        writer.writerow([row["id"], row["message"], row["received_at"], row["from"], row["subject"],
                         row["unit"], row["report_year"], row["campaign"], row["state"], row["confidence"],
                         " ".join(row["sections"]), " | ".join(d["filename"] for d in row["documents"]),
                         " | ".join(errors)])


@cli.command()
@click.option("--all", "all_", is_flag=True, help="Every message (duplicates excepted).")
@click.option("--message", "message_ids", type=int, multiple=True, help="This message id (repeatable).")
@click.pass_obj
def reprocess(obj: Obj, all_: bool, message_ids: tuple[int, ...]) -> None:
    """Re-run parsing from the stored raw messages (also releases quarantined ones)."""
    from jobs.poll import process as run_process

    if all_ == bool(message_ids):
        raise UsageError("give either --all or --message ID")
    with obj.app() as app:
        with app.sessions.begin() as session:
            reset = q.reset_for_reprocess(session, None if all_ else message_ids)
        if not reset:
            raise UsageError(f"no message with id {', '.join(map(str, message_ids))}")
        with _progress("reprocessing") as tick:
            counts = run_process(app, on_message=tick)
    click.echo(f"reprocessed: {reset}  parsed: {counts.parsed}  failed: {counts.failed}  "
               f"quarantined: {counts.quarantined}")


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(obj: Obj) -> None:
    """Apply every pending migration."""
    config = obj.config()
    engine = make_engine(config.database.url)
    try:
        upgrade(engine)
        click.echo(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reportbox-demo"), show_default=True, help="Where to build the demo.")
def demo(directory: Path) -> None:
    """Build a sample mailbox, ingest it into SQLite and print a summary."""
    from reportbox.demo import run_demo

    run_demo(directory, echo=click.echo)


def q_counts(app: App) -> dict[str, int]:
    with app.sessions() as session:
        return q.state_counts(session)


@contextmanager
def _progress(label: str):
    """A progress bar that appears only on long runs and only on a terminal."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda: None
        return
    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, transient=True)
    task = progress.add_task(label, total=None)
    state = {"n": 0, "started": False}
    lock = threading.Lock()  # `poll` ticks from its fetch thread and from processing

    def tick() -> None:
        with lock:
            state["n"] += 1
            if state["n"] == PROGRESS_FROM and not state["started"]:
                progress.start()
                state["started"] = True
            progress.update(task, completed=state["n"])

    try:
        yield tick
    finally:
        if state["started"]:
            progress.stop()


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ReportboxError as exc:
        click.echo(f"reportbox: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


__all__ = ["cli", "main"]
