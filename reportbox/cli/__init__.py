"""The `reportbox` command line (README): exit 0 on success, 2 for usage or configuration, 1 otherwise.

Each module registers its commands on the one group in `base`; COMMANDS below says which module
holds which command, so that only the module of the command being run is imported."""

from __future__ import annotations

import sys

import click

from reportbox.cli.base import cli
from reportbox.errors import ReportboxError

# Every top-level command or group: its module in reportbox/cli/ and the first sentence of its help
# (what `reportbox --help` lists, without importing the module). To add a command, define it in its
# module with `@cli.command()` / `@cli.group()` and add its line here; tests/test_cli_startup.py
# checks this map against the modules (names and help) and that `--help` imports none of them.
COMMANDS = {
    "backup": ("backup", "Back up the database and the raw store while the daemon runs (README: Backup and restore)."),
    "campaign": ("campaigns", "Campaigns (request letters) and planners' adjustments for single units."),
    "db": ("mail", "Database maintenance."),
    "demo": ("mail", "Build a sample mailbox, ingest it into SQLite and print a summary."),
    "doctor": ("doctor", "Check that this installation can do its work: configuration, database, raw store, "
                         "mailboxes, SMTP, LibreOffice, Tesseract, unar, the dashboard's secret, the alarms active."),
    "export": ("exports", "Exports for planners."),
    "messages": ("mail", "Every message ever fetched, with its state and reason."),
    "outbox": ("outgoing", "Every e-mail reportbox has sent or will send: its state, attempts, the server's "
                           "reply, bounces."),
    "poll": ("mail", "One pass over every mailbox, then exit; prints counts."),
    "process": ("mail", "Process every stored message not yet processed."),
    "prune": ("backup", "Delete the raw bytes of old auto-replies, bounces and duplicates (retention; the rows stay)."),
    "remind": ("outgoing", "Send the reminders the campaign's policy owes as of now (or --as-of), each step once."),
    "reprocess": ("mail", "Re-run parsing from the stored raw messages (also releases quarantined ones)."),
    "restore": ("backup", "Restore a backup into the empty database and raw store the config names."),
    "review": ("submissions", "The review queue: submissions the program was not sure of, for a person to decide."),
    "run": ("mail", "Run the daemon: poll every mailbox on schedule until SIGTERM or SIGINT."),
    "serve": ("web", "The planners' dashboard, until SIGTERM or Ctrl-C."),
    "status": ("campaigns", "Every unit of a campaign: on time, late, missing, pending or exempt, and what its "
                            "report lacks."),
    "submissions": ("submissions", "Submissions: messages carrying documents, with the sections found and what "
                                   "could not be read; the units' other reports (on another subject or for "
                                   "another request) listed apart."),
    "user": ("web", "Dashboard accounts: readers look; reviewers also decide the review queue and adjust units."),
}
cli.lazy.update({name: (f"reportbox.cli.{module}", help) for name, (module, help) in COMMANDS.items()})


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


__all__ = ["COMMANDS", "cli", "main"]
