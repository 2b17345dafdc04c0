"""The advice the alarm e-mails and `reportbox doctor` give (jobs.alerts.ADVICE) names commands that
exist: each is run with --help through the real CLI, and parsed as given (an ID standing for a number)."""

from __future__ import annotations

import re
import shlex

import click
import pytest
from click.testing import CliRunner

from jobs.alerts import ADVICE, MAILED
from reportbox.cli import cli

COMMANDS = sorted({command for text in ADVICE.values() for command in re.findall(r"`(reportbox [^`]*)`", text)})


def test_every_alarm_condition_has_advice_naming_commands():
    assert set(MAILED) <= set(ADVICE)
    assert {"reportbox outbox --state failed", "reportbox reprocess --message ID"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_the_advice_names_exists(command):
    args = shlex.split(command)[1:]
    shown = CliRunner().invoke(cli, [*args, "--help"])
    assert shown.exit_code == 0, shown.output
    for option in (arg for arg in args if arg.startswith("--")):
        assert option in shown.output
    _parse([("1" if arg == "ID" else arg) for arg in args])  # positional words too: `reprocess ID` is refused


def test_a_wrong_command_is_caught():
    with pytest.raises(click.UsageError):
        _parse(["outbox", "list", "--state", "failed"])
    with pytest.raises(click.UsageError):
        _parse(["reprocess", "1"])
    assert CliRunner().invoke(cli, ["outbox", "list", "--state", "failed", "--help"]).exit_code != 0


def _parse(args: list[str]) -> None:
    """Parse `args` as `reportbox` would, down to the last subcommand, without running anything."""
    command: click.Command = cli
    parent = None
    while True:
        ctx = command.make_context(command.name or "reportbox", list(args), parent=parent)
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        if not isinstance(command, click.Group) or not rest:
            return
        _name, command, args = command.resolve_command(ctx, rest)
        parent = ctx
