"""`reportbox export sections`: every unit's chosen sections in one Word file, for the national synthesis."""

from __future__ import annotations

import io
from pathlib import Path

import click

from reportbox.cli.base import Obj, cli, output_file
from reportbox.timefmt import parse_instant


@cli.group()
def export() -> None:
    """Exports for planners."""


@export.command("sections")
@click.option("--campaign", "campaign_id", required=True, help="Campaign id (see `reportbox campaign list`).")
@click.option("--section", "sections", multiple=True,
              help="An outline key (results, policies, shortcomings, plan, proposals); repeatable; default all.")
@click.option("--as-of", "as_of", help="The versions received by this instant (ISO 8601; default now).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .docx to write.")
@click.pass_obj
def export_sections(obj: Obj, campaign_id: str, sections: tuple[str, ...], as_of: str | None, out: Path) -> None:
    """For each unit in registry order: a heading and the text and tables of the chosen sections."""
    from jobs.exports.sections_docx import sections_export

    document = io.BytesIO()  # written whole first: a mistyped section must not empty an existing --out
    with obj.app() as app, app.sessions() as session:
        units, keys = sections_export(session, app.config, campaign_id, sections, document,
                                      as_of=parse_instant(as_of) if as_of else None)
    with output_file(out, binary=True) as stream:
        stream.write(document.getvalue())
    with_text = sum(1 for unit in units if unit.sections)
    click.echo(f"wrote {out}: {len(units)} units, {with_text} with text in {', '.join(keys)}")
