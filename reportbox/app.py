"""Everything a command needs, built once from the configuration and passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ingest.files import EmlDirSource, MaildirSource
from ingest.imap import ImapSource
from ingest.rawstore import RawStore
from ingest.sources import MailSource
from models.db import make_engine, session_factory, upgrade
from reportbox.config import Config, MailboxConfig


@dataclass
class App:
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    store: RawStore

    def close(self) -> None:
        self.engine.dispose()


def open_app(config: Config, *, migrate: bool = True) -> App:
    engine = make_engine(config.database.url)
    if migrate:
        upgrade(engine)
    return App(config=config, engine=engine, sessions=session_factory(engine),
               store=RawStore(config.storage.raw_dir))


def make_source(mailbox: MailboxConfig) -> MailSource:
    if mailbox.kind == "imap":
        return ImapSource(mailbox)
    if mailbox.kind == "maildir":
        return MaildirSource(mailbox.name, mailbox.path, mailbox.folders)
    return EmlDirSource(mailbox.name, mailbox.path, mailbox.folders)
