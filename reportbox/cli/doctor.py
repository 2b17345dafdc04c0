"""`reportbox doctor`: every check of jobs.doctor, one line each (or JSON); exit 1 when one fails."""

from __future__ import annotations

import sys

import click

from jobs.doctor import DEFAULT_TIMEOUT, FAIL, as_json, diagnose, text_lines
from reportbox.cli.base import Obj, cli, echo_json

_COLOURS = {"ok": "green", "fail": "red", "skip": "yellow"}


@cli.command()
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json"]))
@click.option("--timeout", default=DEFAULT_TIMEOUT, show_default=True, type=click.FloatRange(min=1),
              help="Seconds each check may take (a server that does not answer fails its line).")
@click.option("--min-free-mb", type=click.IntRange(min=0), show_default="[alerts] min_free_mb, 1024",
              help="Free space the raw store's disk must have.")
@click.pass_obj
def doctor(obj: Obj, fmt: str, timeout: float, min_free_mb: int | None) -> None:
    """Check that this installation can do its work: configuration, database, raw store, mailboxes,
    SMTP, LibreOffice, Tesseract, unar, the dashboard's secret, the alarms active. Changes nothing,
    sends nothing."""
    named_by = obj.config_choice()[1]
    checks = diagnose(obj.config, named_by, timeout=timeout,
                      min_free_bytes=None if min_free_mb is None else min_free_mb * 1024 * 1024)
    if fmt == "json":
        echo_json(as_json(checks, obj.config_file()))
    else:
        for check, line in zip(checks, text_lines(checks)):
            mark, rest = line.split(" ", 1)
            click.echo(click.style(mark, fg=_COLOURS[check.status], bold=True) + " " + rest)
        failed = sum(check.status == FAIL for check in checks)
        click.echo(f"{len(checks)} checks, {failed} failed" if failed else f"{len(checks)} checks, all passed")
    if any(check.status == FAIL for check in checks):
        sys.exit(1)
