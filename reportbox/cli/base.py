"""The `reportbox` command group and what every command shares: the config, the app, output helpers."""

from __future__ import annotations

import getpass
import importlib
import json
import os
import sys
import threading
from contextlib import contextmanager
from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reportbox import logs
from reportbox.errors import ConfigError, StorageError
from reportbox.startup import uncollected_imports

# Only what every start needs is imported here: click and the logs. The configuration (pydantic),
# the database (SQLAlchemy) and rich are imported by the commands that use them (`reportbox --help`
# in a few tens of milliseconds; tests/test_cli_startup.py keeps it so).
if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from reportbox.config import Config

PROGRESS_FROM = 200  # show a progress bar on backfills of at least this many messages


class Obj:
    def __init__(self, config_path: str | None, log_level: str = "INFO", log_format: str = "text") -> None:
        self.config_path = config_path
        self.log_level, self.log_format = log_level, log_format
        self._config: Config | None = None
        self._choice: tuple[str | None, tuple[Path, str]] | None = None

    def config(self, *needs: str) -> Config:
        """The configuration with the secrets of the parts this command uses (reportbox.config.
        SECRET_PARTS) read, and no others: a command that reads the database starts without the
        mailbox passwords; one that needs some refuses to start, naming every one missing."""
        from reportbox.config import load_config, with_secrets

        if self._config is None:
            path, named_by = self.config_choice()
            self._config = load_config(path, named_by=named_by)
        return with_secrets(self._config, needs)

    def config_choice(self) -> tuple[Path, str]:
        """(the configuration file in use, what named it): reportbox.config.config_choice, asked once."""
        from reportbox.config import config_choice

        if self._choice is None or self._choice[0] != self.config_path:
            self._choice = (self.config_path, config_choice(self.config_path))
        return self._choice[1]

    def config_file(self) -> Path:
        """The configuration file in use (absolute), for messages that must name it."""
        return self.config_choice()[0].absolute()

    @contextmanager
    def app(self, *needs: str, migrate: bool = True, fetches: bool = False):
        """The app for a command; it writes the database (migrations at least), and the raw store
        when it `fetches`: a path there that cannot be written stops it now, in one line."""
        from reportbox.app import open_app
        from reportbox.writable import require_writable

        config = self.config(*needs)
        if migrate:
            require_writable(config, raw_store=fetches)
        app = open_app(config, migrate=migrate)
        try:
            yield app
        finally:
            app.close()


CONFIG_HELP = "Configuration file (default $REPORTBOX_CONFIG, then ./reportbox.toml)."
LOG_LEVELS = click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False)
LOG_FORMATS = click.Choice(["text", "json"])


class GlobalOptionsGroup(click.Group):
    """A group whose commands also take the global options after their name, as operators type
    them (`reportbox serve --config FILE`); hidden from the commands' help, where they would repeat."""

    group_class = type  # its sub-groups are of this class too, and so pass the options on

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.extend([
            click.Option(["--config"], type=click.Path(dir_okay=False), hidden=True, expose_value=False,
                         callback=_later_config),
            click.Option(["--log-level"], type=LOG_LEVELS, hidden=True, expose_value=False, callback=_later_logs),
            click.Option(["--log-format"], type=LOG_FORMATS, hidden=True, expose_value=False, callback=_later_logs),
        ])
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:  # one from a template, the contacts file …: which configuration?
            obj = ctx.find_object(Obj)
            if obj is None or str(path := obj.config_file()) in str(exc):
                raise
            raise ConfigError(f"{exc} (configuration file: {path})", reason=exc.reason) from exc


class LazyGroup(GlobalOptionsGroup):
    """The top-level group. A command's module is imported only when that command is invoked (or its
    own help is asked for), and `--help` lists the commands from `lazy`, importing none of them.
    The modules register their commands on this group as usual (`@cli.command()`, `@cli.group()`)."""

    group_class = GlobalOptionsGroup

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str]] = {}  # command name → (its module, its help's first paragraph)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            with uncollected_imports():
                importlib.import_module(self.lazy[cmd_name][0])
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, with a stand-in carrying the help for each command not imported."""
        commands = [(name, self.commands.get(name) or click.Command(name, help=self.lazy[name][1]))
                    for name in self.list_commands(ctx)]
        commands = [(name, command) for name, command in commands if not command.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])


def _later_config(ctx: click.Context, _param, value: str | None) -> None:
    if value is not None:
        obj = ctx.find_object(Obj)
        obj.config_path, obj._config = value, None


def _later_logs(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        obj = ctx.find_object(Obj)
        setattr(obj, param.name, value)
        logs.configure(obj.log_level, obj.log_format)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help=CONFIG_HELP + " Also after the command.")
@click.option("--log-level", default="INFO", show_default=True, type=LOG_LEVELS)
@click.option("--log-format", default="text", show_default=True, type=LOG_FORMATS)
@click.version_option(package_name="reportbox")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, log_level: str, log_format: str) -> None:
    """reportbox: the ministry's reporting mailbox."""
    logs.configure(log_level, log_format)
    ctx.obj = Obj(config_path, log_level, log_format)


# Who made a decision or asked for an action, for the audit trail (every command that changes something).
by_option = click.option("--by", "decided_by", default=getpass.getuser, show_default="the current user",
                         help="Who decides.")


def console(file=None) -> Console:
    """The terminal's width on a terminal; wide enough not to fold rows in a pipe or a file
    (where colour codes are left out)."""
    from rich.console import Console

    terminal = Console(file=file)
    return terminal if terminal.is_terminal else Console(file=file, width=240)


def echo_json(rows, file=None) -> None:
    click.echo(json.dumps(rows, ensure_ascii=False, indent=2), file=file)


def plain(value: object) -> Text:
    """Outside text (names, subjects, planners' notes) for a rich table or line: shown as it is,
    never read as markup (`[/b]` would crash, `[công văn]` vanish) or as `:emoji:` codes."""
    from rich.text import Text

    return Text("" if value is None else str(value))


@contextmanager
def output_file(path: Path, *, binary: bool = False, encoding: str = "utf-8"):
    """`path` opened for writing (text: newlines as written). An OSError becomes a one-line
    StorageError, and on any error the partial file is removed."""
    try:
        stream = path.open("wb") if binary else path.open("w", encoding=encoding, newline="")
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        with stream:
            yield stream
    except BaseException as exc:
        if path.is_file() and not path.is_symlink():  # never a device or /dev/stdout
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from exc
        raise


def _cannot_write(path: Path, exc: OSError) -> StorageError:
    return StorageError(f"cannot write {path}: {exc.strerror or exc}")


@contextmanager
def progress_bar(label: str):
    """A progress bar that appears only on long runs and only on a terminal."""
    if not (sys.stderr.isatty() or {"TTY_COMPATIBLE", "FORCE_COLOR"} & os.environ.keys()):
        yield lambda: None  # what rich would decide (Console.is_terminal), without importing it
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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
