"""SIGHUP: the daemon reads its configuration file again and applies it without dropping work.

The reload runs as a job on the scheduler's one worker thread (jobs.daemon), so the poll in
progress has finished and no other starts meanwhile: a changed mailbox's connection can be closed
and reopened safely. Mailboxes added, removed or changed get their polls (re)scheduled and their
IMAP IDLE watchers restarted, campaigns
are stored and refreshed, the operator's renames (`registry.names`) are read again, [smtp] is used
from the next mail pass. What a running daemon cannot
change (its database, its raw store, the dashboard and metrics it serves) is logged as needing a restart and
kept as it was. A file that does not load, or names a secret that cannot be read, is logged with
its error and the configuration in force is kept: the daemon goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from jobs.wake import poll_job_id
from models.campaigns import sync_campaigns
from parsers.registry.units import use_operator_names
from reportbox.app import make_source
from reportbox.config import Config, MailboxConfig, load_config, with_secrets
from reportbox.errors import ReportboxError
from reportbox.oauth import forget_tokens
from reportbox.renames import read_operator_renames

if TYPE_CHECKING:
    from jobs.daemon import Daemon

log = logging.getLogger("reportbox.daemon")
RELOAD_SECRETS = ("imap", "smtp")  # the dashboard's secret is not read again: [web] needs a restart
RESTART_ONLY = ("database", "storage", "metrics")  # the engine, the raw store, the listener's socket


@dataclass(frozen=True)
class Changes:
    added: tuple[MailboxConfig, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[MailboxConfig, ...] = ()
    smtp: bool = False  # [smtp] added, removed or changed
    needs_restart: tuple[str, ...] = ()  # sections that differ but stay as they were until a restart

    def summary(self) -> str:
        mailboxes = [f"{label}: {', '.join(names)}" for label, names in (
            ("added", [m.name for m in self.added]),
            ("removed", list(self.removed)),
            ("changed", [m.name for m in self.changed]),
        ) if names]
        parts = ["mailboxes " + "; ".join(mailboxes)] if mailboxes else []
        if self.smtp:
            parts.append("[smtp] changed")
        return "; ".join(parts) or "no mailbox or [smtp] change"


def compare(old: Config, new: Config) -> Changes:
    """What differs between the configuration in force and the one just read (secrets included:
    a mailbox whose password file now holds another password is changed)."""
    before = {m.name: m for m in old.mailbox}
    after = {m.name: m for m in new.mailbox}
    web_in_use = old.web.in_daemon or new.web.in_daemon
    # [metrics] matters to a daemon with a listener, or whose dashboard serves /metrics.
    metrics_in_use = any(c.metrics.listen or (web_in_use and c.metrics.web) for c in (old, new))
    restart = [f"[{name}]" for name in RESTART_ONLY if getattr(old, name) != getattr(new, name)
               and (name != "metrics" or metrics_in_use)]
    if web_in_use and old.web != new.web:
        restart.append("[web]")
    return Changes(
        added=tuple(m for name, m in after.items() if name not in before),
        removed=tuple(name for name in before if name not in after),
        changed=tuple(m for name, m in after.items() if name in before and before[name] != m),
        smtp=old.smtp != new.smtp,
        needs_restart=tuple(restart),
    )


def kept_until_restart(old: Config, new: Config, changes: Changes) -> Config:
    """The new configuration with what needs a restart as it was."""
    keep = {name: getattr(old, name) for name in RESTART_ONLY}
    if "[web]" in changes.needs_restart:
        keep["web"] = old.web
    return new.model_copy(update=keep)


def reload_config(daemon: Daemon) -> None:
    """Read the daemon's configuration file again and apply it (see the module's docstring)."""
    app = daemon.app
    old = app.file_config or app.config
    daemon.systemd.reloading()
    try:
        try:
            new = with_secrets(load_config(old.path), RELOAD_SECRETS)
            renames = read_operator_renames(new)  # the operator's renames (registry.names), read again
        except ReportboxError as exc:
            log.error("configuration not reloaded; the one in force is kept: %s", exc)
            return
        changes = compare(old, new)
        for section in changes.needs_restart:
            log.warning("%s: %s changed: needs a restart (systemctl restart reportbox); ignored until then",
                        old.path, section)
        new = kept_until_restart(old, new, changes)
        try:
            with app.sessions.begin() as session:  # the config's campaigns, as at start (reportbox.app)
                sync_campaigns(session, new.campaign)
        except SQLAlchemyError as exc:
            log.error("configuration not reloaded (its campaigns could not be stored: %s); "
                      "the one in force is kept", exc)
            return
        use_operator_names(renames)  # only now: a reload refused above keeps the names in force too
        app.file_config = app.config = new
        app.refresh_campaigns()  # and those stored from letters
        _apply_mailboxes(daemon, changes)
        if changes.smtp:
            forget_tokens("smtp")
        daemon.schedule_mail_passes(new.smtp is not None)
        log.info("configuration reloaded from %s: %s", old.path, changes.summary())
    finally:
        daemon.systemd.ready(f"polling {len(daemon.sources)} mailbox(es)")


def _apply_mailboxes(daemon: Daemon, changes: Changes) -> None:
    for name in (*changes.removed, *(m.name for m in changes.changed)):
        # An account's tokens were got with its old secrets: a renewed client secret must be used now.
        forget_tokens(f'mailbox "{name}"')
    for name in changes.removed:
        daemon.watchers.stop(name)
        daemon.scheduler.remove_job(poll_job_id(name))
        daemon.sources.pop(name).close()
    for mailbox in changes.changed:
        daemon.sources.pop(mailbox.name).close()  # reconnects with the new settings at its next poll
    for mailbox in (*changes.changed, *changes.added):
        daemon.sources[mailbox.name] = make_source(mailbox)
        daemon._schedule_poll(mailbox)  # polled now, then at its (new) interval
        daemon.watchers.start(mailbox)  # its old watchers, if any, stopped first
