"""Backup benchmark: `reportbox backup`, `backup verify` and `restore` of N stored messages, on SQLite
and PostgreSQL.

    .venv/bin/python -m bench.backup [--messages 2000] [--kb 100] [--no-postgres]

Stores --messages province reports (each about --kb KB, the attachment padded) in the raw store with
their raw_message rows, then times a backup into a new folder, its verification and its restore into
an empty deployment. Prints files, MB, seconds and MB/s. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from bench.engines import engines, work_dir  # noqa: E402
from jobs.backup.restore import restore_backup, verify_backup  # noqa: E402
from jobs.backup.take import take_backup  # noqa: E402
from models.schema import MessageState, RawMessage  # noqa: E402
from reportbox import samples  # noqa: E402
from reportbox.app import open_app  # noqa: E402
from reportbox.config import config_from_dict  # noqa: E402

BATCH = 200


def fill(app, messages: int, kb: int) -> int:
    """Store `messages` distinct reports; their total size in bytes."""
    total = 0
    for start in range(0, messages, BATCH):
        blobs = [samples.report_message(samples.PROVINCES[i % len(samples.PROVINCES)],
                                        message_id=f"<bench{i}@backup.gov.vn>", attachment="pdf",
                                        padding=kb * 1024)
                 for i in range(start, min(start + BATCH, messages))]
        shas = app.store.put_many(blobs)
        now = datetime.now(timezone.utc)
        with app.sessions.begin() as session:
            session.execute(insert(RawMessage), [
                dict(sha256=sha, size=len(blob), message_id=f"<bench{start + n}@backup.gov.vn>", received_at=now,
                     received_source="internaldate", fetched_at=now, state=MessageState.FETCHED, attempts=0)
                for n, (sha, blob) in enumerate(zip(shas, blobs))])
        total += sum(len(blob) for blob in blobs)
    return total


def deployment(url: str, work: Path):
    return config_from_dict({"database": {"url": url}, "storage": {"raw_dir": str(work / "raw")}},
                            work / "reportbox.toml")


def row(what: str, files: int, size: int, seconds: float) -> None:
    print(f"  {what:<8} {files:>7} files {size / 1e6:>9.1f} MB {seconds:>7.2f} s {size / 1e6 / seconds:>8.1f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--kb", type=int, default=100, help="padding of each report's attachment")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with work_dir("reportbox-bench-backup-") as work:
        for engine, url, folder in engines(work, postgres=not args.no_postgres):
            live = open_app(deployment(url, folder / "live"))
            stored = fill(live, args.messages, args.kb)
            live.close()
            print(f"{engine}: {args.messages} messages, {stored / 1e6:.1f} MB in the raw store")
            summary = take_backup(deployment(url, folder / "live"), folder / "backup")
            row("backup", summary.files, summary.bytes, summary.seconds)
            started = time.monotonic()
            verify_backup(folder / "backup")
            row("verify", summary.files, summary.bytes, time.monotonic() - started)
            if engine == "sqlite":
                target = f"sqlite:///{folder / 'restored' / 'bench.db'}"
            else:
                target = url.rsplit("/", 1)[0] + "/restored"
                _create_database(url, "restored")
            restored = restore_backup(deployment(target, folder / "restored"), folder / "backup")
            row("restore", restored.files, restored.bytes, restored.seconds)


def _create_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
