"""The `reportbox` command line (README): exit 0 on success, 2 for usage or configuration, 1 otherwise.

Each module registers its commands on the one group in `base`."""

from __future__ import annotations

import sys

import click

from reportbox.cli import campaigns, doctor, exports, mail, outgoing, submissions, web  # noqa: F401  (they register their commands)
from reportbox.cli.base import cli
from reportbox.errors import ReportboxError


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
