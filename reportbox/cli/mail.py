"""Commands that fetch and process mail, and look after the database: run, poll, process,
messages, reprocess, db upgrade, demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from models import lock
from models import messages as q
from models.db import current_revision, make_engine, upgrade
from models.schema import MessageState, SubmissionState
from models.submissions import submission_counts
from reportbox.app import App, make_source
from reportbox.cli.base import Obj, cli, console, echo_json, plain, progress_bar
from reportbox.errors import UsageError
from reportbox.writable import require_writable
from reportbox.timefmt import local_short


@cli.command()
@click.pass_obj
def run(obj: Obj) -> None:
    """Run the daemon: poll every mailbox on schedule until SIGTERM or SIGINT."""
    from jobs.daemon import Daemon

    # Every secret the daemon will use is read now: a missing one stops it here, not at its first poll.
    needs = ("imap", "smtp", "web") if obj.config().web.in_daemon else ("imap", "smtp")
    with obj.app(*needs, fetches=True) as app:
        Daemon(app).run()


@cli.command("poll")
@click.option("--fetch-only", is_flag=True, help="Store new raw messages and stop there.")
@click.pass_obj
def poll_command(obj: Obj, fetch_only: bool) -> None:
    """One pass over every mailbox, then exit; prints counts."""
    from jobs.poll import poll

    # A one-shot poll holds the daemon's lock too: two fetchers on one mailbox would race.
    with obj.app("imap", fetches=True) as app, lock.held(app.sessions):
        sources = [make_source(m) for m in app.config.mailbox]
        try:
            with progress_bar("fetching and processing") as tick:
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
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        sys.exit(1)


@cli.command()
@click.pass_obj
def process(obj: Obj) -> None:
    """Process every stored message not yet processed."""
    from jobs.poll import process as run_process

    with obj.app() as app:
        with progress_bar("processing") as tick:
            counts = run_process(app, on_message=tick)
    click.echo(f"parsed: {counts.parsed}  failed: {counts.failed}  retry later: {counts.retry}  "
               f"quarantined: {counts.quarantined}")


@cli.command()
@click.option("--state", type=click.Choice(MessageState.ALL), help="Only messages in this state.")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@click.pass_obj
def messages(obj: Obj, state: str | None, fmt: str) -> None:
    """Every message ever fetched, with its state and reason."""
    from reportbox.shapes import messages_json  # here: `poll` and `run` need none of the shapes

    with obj.app() as app, app.sessions() as session:
        stored = q.list_messages(session, state)
        rows = messages_json(session, stored)
    if fmt == "json":
        echo_json(rows)
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("id", "received", "from", "subject", "state", "reason"):
        table.add_column(column, overflow="fold")
    for raw, row in zip(stored, rows):
        table.add_row(str(row["id"]), local_short(raw.received_at), plain(row["from"]),
                      plain((row["subject"] or "")[:60]), plain(row["state"]), plain(row["reason"]))
    console().print(table)
    click.echo(f"{len(rows)} message(s)")


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
            raise UsageError(f"no message with id {', '.join(map(str, message_ids))} "
                             "(or its raw bytes were deleted by retention: [storage] keep_raw_days)")
        with progress_bar("reprocessing") as tick:
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
    require_writable(config)  # the raw store too: this is the command an installation runs first
    engine = make_engine(config.database.url)
    try:
        upgrade(engine)
        click.echo(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to build the demo.  [default: reportbox-demo, with --campaign 2026 reportbox-demo-2026]")
@click.option("--campaign", type=click.Choice(["2019", "2026"]), default="2019", show_default=True,
              help="2019: Bộ LĐTBXH's letter to the 63 provinces; 2026: Bộ Nội vụ's letter to the 34.")
def demo(directory: Path | None, campaign: str) -> None:
    """Build a sample mailbox, ingest it into SQLite and print a summary."""
    if campaign == "2026":
        from reportbox.demo2026 import run_demo
    else:
        from reportbox.demo import run_demo

    run_demo(directory or Path("reportbox-demo" if campaign == "2019" else "reportbox-demo-2026"), echo=click.echo)


def q_counts(app: App) -> dict[str, int]:
    with app.sessions() as session:
        return q.state_counts(session)
