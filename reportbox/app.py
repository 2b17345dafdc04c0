"""Everything a command needs, built once from the configuration and passed explicitly."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ingest.rawstore import RawStore
from models.campaigns import letter_campaigns, sync_campaigns
from models.db import make_engine, session_factory, upgrade
from reportbox.config import Config, MailboxConfig
from reportbox.errors import ReportboxError
from reportbox.letters import with_letter_campaigns
from reportbox.renames import apply_operator_renames

if TYPE_CHECKING:
    from ingest.sources import MailSource

log = logging.getLogger("reportbox.app")


@dataclass
class App:
    config: Config  # the file's, with the campaigns stored from letters
    engine: Engine
    sessions: sessionmaker[Session]
    store: RawStore
    file_config: Config | None = None  # the file's alone, to merge the stored campaigns into again

    def close(self) -> None:
        self.engine.dispose()

    def refresh_campaigns(self) -> None:
        """Take in the campaigns stored from letters since start (`campaign from-letter --apply` while
        the daemon runs): the daemon calls this before each poll and mail pass."""
        if self.file_config is None:
            return
        try:
            with self.sessions() as session:
                self.config = with_letter_campaigns(self.file_config, letter_campaigns(session))
        except (ReportboxError, SQLAlchemyError) as exc:  # polling goes on with the campaigns it had
            log.error("stored campaigns not refreshed: %s", exc)


def open_app(config: Config, *, migrate: bool = True) -> App:
    """The database brought up to date (schema, and the config's campaigns) unless `migrate` is off;
    then the campaigns stored from letters (`campaign from-letter --apply`) join the config's in
    `App.config.campaign`, so that every command, the daemon and the dashboard see them. The
    operator's renames (`registry.names`) are put in force first."""
    apply_operator_renames(config)
    engine = make_engine(config.database.url)
    sessions = session_factory(engine)
    file_config = None
    if migrate:
        upgrade(engine)
        with sessions.begin() as session:
            sync_campaigns(session, config.campaign)
            file_config, config = config, with_letter_campaigns(config, letter_campaigns(session))
    return App(config=config, engine=engine, sessions=sessions, store=RawStore(config.storage.raw_dir),
               file_config=file_config)


def make_source(mailbox: MailboxConfig) -> MailSource:
    # Imported here, each for its kind: only the commands that fetch need a source, and only IMAP a mail client.
    if mailbox.kind == "imap":
        from ingest.imap import ImapSource

        return ImapSource(mailbox)
    from ingest.files import EmlDirSource, MaildirSource

    if mailbox.kind == "maildir":
        return MaildirSource(mailbox.name, mailbox.path, mailbox.folders)
    return EmlDirSource(mailbox.name, mailbox.path, mailbox.folders)
