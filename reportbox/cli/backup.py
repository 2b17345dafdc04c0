"""`reportbox backup`, `backup verify`, `restore` and `prune`: a deployment's safekeeping (jobs.backup,
jobs.retention)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reportbox.cli.base import Obj, cli
from reportbox.errors import UsageError

FOLDER = click.Path(file_okay=False, path_type=Path)


class _Bar:
    """The files copied or checked, on a terminal only (a pipe or a service log gets the summary)."""

    def __init__(self, label: str) -> None:
        self.console = Console(stderr=True)
        self.progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), DownloadColumn(),
                                 TimeElapsedColumn(), console=self.console, transient=True)
        self.task = None

    def __enter__(self):
        if self.console.is_terminal:
            self.progress.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.progress.stop()

    def start(self, files: int) -> None:
        self.task = self.progress.add_task("", total=files)

    def advance(self, size: int) -> None:
        self.progress.advance(self.task)


def _figures(files: int, size: int, seconds: float) -> str:
    rate = size / seconds / 1e6 if seconds > 0 else 0.0
    return f"{files} file(s), {size / 1e6:.1f} MB in {seconds:.1f} s ({rate:.1f} MB/s)"


@cli.group(invoke_without_command=True)
@click.option("--out", type=FOLDER, help="A new or empty folder to write the backup into.")
@click.pass_context
def backup(ctx: click.Context, out: Path | None) -> None:
    """Back up the database and the raw store while the daemon runs (README: Backup and restore)."""
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise UsageError("give the folder to write the backup into: reportbox backup --out DIR")
    from jobs.backup.take import take_backup

    with _Bar("backup") as bar:
        summary = take_backup(ctx.find_object(Obj).config(), out, bar)
    manifest = summary.manifest
    click.echo(f"backup of {manifest.engine} at revision {manifest.alembic_revision}, "
               f"{manifest.raw_messages} raw message(s): {_figures(summary.files, summary.bytes, summary.seconds)} "
               f"→ {out}")


@backup.command("verify")
@click.argument("folder", type=FOLDER)
def backup_verify(folder: Path) -> None:
    """Check every file of a backup against its manifest (size and SHA-256)."""
    import time

    from jobs.backup.restore import verify_backup

    started = time.monotonic()
    with _Bar("verify") as bar:
        manifest = verify_backup(folder, bar)
    size = sum(entry.size for entry in manifest.files)
    click.echo(f"backup {folder} is whole, taken {manifest.taken_at}: "
               f"{_figures(len(manifest.files), size, time.monotonic() - started)}")


@cli.command()
@click.argument("folder", type=FOLDER)
@click.pass_obj
def restore(obj: Obj, folder: Path) -> None:
    """Restore a backup into the empty database and raw store the config names."""
    from jobs.backup.restore import restore_backup

    with _Bar("restore") as bar:
        summary = restore_backup(obj.config(), folder, bar)
    upgraded = (f", upgraded from revision {summary.revision_before}"
                if summary.revision_before != summary.revision_after else "")
    click.echo(f"restored {folder}: {_figures(summary.files, summary.bytes, summary.seconds)}; "
               f"database at revision {summary.revision_after}{upgraded}")


@cli.command()
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--days", type=click.IntRange(min=1), help="Instead of [storage] keep_raw_days.")
@click.pass_obj
def prune(obj: Obj, dry_run: bool, days: int | None) -> None:
    """Delete the raw bytes of old auto-replies, bounces and duplicates (retention; the rows stay)."""
    from jobs.retention import PRUNABLE_REASONS, prune as run_prune

    with obj.app() as app:
        days = days or app.config.storage.keep_raw_days
        if days is None:
            raise UsageError("[storage] keep_raw_days is not set (raw bytes are kept forever): set it, or give --days")
        report = run_prune(app, days, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{verb} the raw bytes of {report.messages} message(s) fetched over {days} day(s) ago "
               f"({', '.join(PRUNABLE_REASONS)}): {report.bytes / 1e6:.1f} MB"
               + (f", {report.files} file(s)" if not dry_run else ""))
