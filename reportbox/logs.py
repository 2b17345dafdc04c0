"""Logging set-up: readable lines for a terminal, one JSON object a line for a log collector.
Both carry ISO 8601 times with their offset (the line's in the machine's zone, the JSON's in UTC),
so a line copied out of the journal or a mail still says when it happened."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, timezone.utc).astimezone().isoformat(timespec="milliseconds")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class JournalPriority(logging.Formatter):
    """Each line led by its syslog priority (`<3>` for an error), which journald reads off a
    service's output and strips: `journalctl -p warning` then shows warnings and worse."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return f"<{_syslog_priority(record.levelno)}>{self.inner.format(record)}"


def _syslog_priority(level: int) -> int:
    if level >= logging.CRITICAL:
        return 2
    if level >= logging.ERROR:
        return 3
    if level >= logging.WARNING:
        return 4
    return 6 if level >= logging.INFO else 7


def writes_to_journal(stream) -> bool:
    """True when `stream` is the journal's own socket, as systemd says through $JOURNAL_STREAM
    ("device:inode" of the stream it connected): not when the output is piped or redirected."""
    expected = os.environ.get("JOURNAL_STREAM", "")
    try:
        status = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return False
    return expected == f"{status.st_dev}:{status.st_ino}"


def configure(level: str = "INFO", fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonFormatter() if fmt == "json" else TextFormatter()
    handler.setFormatter(JournalPriority(formatter) if writes_to_journal(sys.stderr) else formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("apscheduler", "imapclient", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
