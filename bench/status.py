"""Status benchmark: `campaign_status` for 63 and 10,000 units, on SQLite and PostgreSQL, and the exports.

    .venv/bin/python -m bench.status [--units 10000] [--repeats 5] [--no-postgres]

Builds a synthetic registry of --units units with three submissions each (two parts of a first
version, then a corrected resend, some after the deadline), plus the 63 provinces of vn63 the same
way, in a fresh database of each engine (PostgreSQL: a throwaway server, as the tests start one).
Prints the median of --repeats calls of campaign_status and the time of the xlsx and sections
docx exports. Targets (issue 5): under 50 ms for 63 units, under 1 s for 10,000. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from bench.engines import engines, work_dir  # noqa: E402
from models.campaigns import sync_units  # noqa: E402
from models.schema import Campaign, Document, RawMessage, Section, Submission  # noqa: E402
from models.status import campaign_status  # noqa: E402
from parsers.registry import Registry, builtin  # noqa: E402
from parsers.registry.units import Unit  # noqa: E402
from reportbox.app import open_app  # noqa: E402
from reportbox.config import config_from_dict  # noqa: E402

VN = timezone(timedelta(hours=7))
DEADLINE = datetime(2019, 12, 15, 23, 59, 59, tzinfo=VN)
OUTLINE = ["results", "policies", "shortcomings", "plan", "proposals"]


def synthetic_registry(size: int) -> Registry:
    units = tuple(Unit(code=f"{i:05d}", name=f"Đơn vị {i}", full_name=f"Đơn vị số {i}", registry="bench")
                  for i in range(size))
    return Registry(name="bench", valid_from=None, valid_until=None, units=units)


def fill(app, campaign_id: str, registry: Registry) -> None:
    """Three submissions per unit: parts 1 and 2 (joined), then everything again; every 7th late."""
    with app.sessions.begin() as session:
        session.add(Campaign(id=campaign_id, letter="5025/LĐTBXH-KHTC", title="bench", report_year=2019,
                             plan_year=2020, issued=DEADLINE.date() - timedelta(days=20), deadline=DEADLINE,
                             unit_registry=registry.name, outline=OUTLINE, exempt=[], message_ids=[]))
        sync_units(session, registry)
        start = session.scalar(select(RawMessage.id).order_by(RawMessage.id.desc()).limit(1)) or 0
        raws, subs = [], []
        for index, unit in enumerate(registry.units):
            first = DEADLINE - timedelta(days=3) + timedelta(days=4 if index % 7 == 0 else 0, minutes=index % 600)
            parts = ((first, OUTLINE[:3], "superseded", None), (first + timedelta(hours=1), OUTLINE[3:], "superseded", 0),
                     (first + timedelta(days=2), OUTLINE, "accepted", None))
            first_id = start + len(raws) + 1
            for offset, (received, sections, state, joined) in enumerate(parts):
                raw_id = start + len(raws) + 1
                raws.append(dict(id=raw_id, sha256=hashlib.sha256(f"{campaign_id}-{raw_id}".encode()).hexdigest(), size=1, received_at=received,
                                 received_source="internaldate", state="submission"))
                subs.append(dict(raw_message_id=raw_id, campaign=campaign_id, unit_registry=registry.name,
                                 unit=unit.code, state=state, sections=sections, confidence=0.9, evidence=[],
                                 joined_to=None if joined is None else first_id,
                                 superseded_by=None if state == "accepted" else first_id + 2,
                                 sender_check="known", created_at=received, updated_at=received))
        session.execute(insert(RawMessage), raws)
        session.execute(insert(Submission), subs)
        # The latest version's document and its five sections, for the sections export.
        latest = [row["id"] for row in raws[2::3]]
        documents = session.execute(insert(Document).returning(Document.id), [
            dict(raw_message_id=raw_id, position=0, attachment_position=0, path="bao-cao.docx", kind="docx",
                 size=1, sha256="0" * 64, notes=[], signatures=[], parts=[], blocks=[]) for raw_id in latest]).scalars()
        session.execute(insert(Section), [
            dict(document_id=document_id, position=index, part=0, key=key, heading=f"{index + 1}. {key}",
                 text="Kết quả thực hiện các chỉ tiêu đạt và vượt kế hoạch đề ra.\n" * 4, tables=[], confidence=1.0)
            for document_id in documents for index, key in enumerate(OUTLINE)])


def timed(function, repeats: int) -> float:
    function()  # warm: imports, statement cache
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(engine_name: str, url: str, units: int, repeats: int, workdir: Path) -> None:
    app = open_app(config_from_dict({"database": {"url": url}, "storage": {"raw_dir": str(workdir / "raw")}},
                                    workdir / "reportbox.toml"))
    try:
        big = synthetic_registry(units)
        fill(app, "small", builtin("vn63"))
        fill(app, "big", big)
        as_of = DEADLINE + timedelta(days=10)
        for name, registries, count in (("small", None, 63), ("big", {"bench": big}, units)):
            def run(name=name, registries=registries):
                with app.sessions() as session:
                    return campaign_status(session, name, as_of=as_of, registries=registries)
            seconds = timed(run, repeats)
            print(f"{engine_name:10} campaign_status {count:>6} units: {seconds * 1000:8.1f} ms")
            exports(app, name, registries, count, workdir, run())
    finally:
        app.close()


def exports(app, campaign_id: str, registries, count: int, workdir: Path, status) -> None:
    from jobs.exports.sections_docx import write_sections_docx
    from jobs.exports.status_xlsx import write_status_xlsx
    from models.sections import unit_sections

    started = time.perf_counter()
    write_status_xlsx(status, workdir / f"{campaign_id}.xlsx")
    print(f"{'':10} status xlsx      {count:>6} units: {(time.perf_counter() - started) * 1000:8.1f} ms")
    started = time.perf_counter()
    with app.sessions() as session:
        units = unit_sections(session, campaign_id, as_of=status.as_of, registries=registries)
    queried = time.perf_counter()
    write_sections_docx(status.campaign, units, OUTLINE, workdir / f"{campaign_id}.docx")
    print(f"{'':10} sections docx    {count:>6} units: {(queried - started) * 1000:8.1f} ms query + "
          f"{(time.perf_counter() - queried) * 1000:.1f} ms writing ({sum(len(u.sections) for u in units)} sections)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with work_dir("reportbox-bench-status-") as work:
        for engine, url, folder in engines(work, postgres=not args.no_postgres):
            measure(engine, url, args.units, args.repeats, folder)

if __name__ == "__main__":
    main()
