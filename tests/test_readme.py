"""README.md is the user contract: its command table names every command the CLI has."""

from __future__ import annotations

import re
from pathlib import Path

import click

from reportbox.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # (the top group imports a command's module when asked for it)
        command = group.get_command(ctx, name)
        if command.hidden:
            continue
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path


def test_the_command_table_names_every_command():
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `reportbox ")]
    missing = []
    paths = list(_commands(cli))
    assert len(paths) > 20
    for path in paths:
        top, rest = path[0], path[1:]
        listed = [row for row in rows if re.match(rf"\| `reportbox {re.escape(top)}\b", row)]
        # A group's sub-commands share a row: `reportbox outbox retry ID \| cancel ID …`.
        first_cells = [re.split(r"(?<!\\)\|", row)[1] for row in listed]
        if not any(all(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", cell) for word in rest)
                   for cell in first_cells):
            missing.append(" ".join(path))
    assert missing == [], f"commands missing from README's command table: {missing}"


def test_the_doctor_sample_shows_the_migrations_head():
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from models.db import alembic_config

    shown = re.search(r"at revision (\w+) \(head\)", README.read_text(encoding="utf-8")).group(1)
    engine = create_engine("sqlite://")
    try:
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    finally:
        engine.dispose()
    assert shown == head


def test_references_to_readme_sections_name_sections_that_exist():
    """`README "Alarms"` in code and config.example.toml: a heading (or its start) or a paragraph's bold lead."""
    root = README.parent
    headings = {line.lstrip("#").strip() for line in README.read_text(encoding="utf-8").splitlines()
                if line.startswith("#")}
    bold = set(re.findall(r"^\*\*([^*]+?)\.?\*\*", README.read_text(encoding="utf-8"), re.M))
    sources = [root / "config.example.toml",
               *(path for package in ("reportbox", "ingest", "parsers", "models", "jobs", "web", "bench")
                 for path in (root / package).rglob("*.py"))]
    cited = {(str(path.relative_to(root)), name) for path in sources
             for name in re.findall(r'README "([^"]+)"', path.read_text(encoding="utf-8"))}
    assert len(cited) > 3
    assert sorted((where, name) for where, name in cited
                  if name not in headings and name not in bold and not any(h.startswith(name) for h in headings)) == []
