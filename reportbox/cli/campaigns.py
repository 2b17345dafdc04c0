"""Who has submitted: `reportbox status`, `reportbox campaign list|show|extend|exempt|received-offline`;
a campaign read from its letter: `reportbox campaign from-letter`."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from models import adjustments
from models.schema import AdjustmentKind
from models.status import STATUSES, CampaignStatus, campaign_status
from reportbox.cli.base import Obj, by_option, cli, console, echo_json, output_file, plain
from reportbox.errors import DocumentError, UsageError
from reportbox.shapes import campaigns_json, status_csv, status_report
from reportbox.timefmt import local_short, parse_instant

# rich is imported by the functions that draw a table: `status --format json|csv` and the adjustments go without it.
STATUS_STYLE = {"on_time": "green", "late": "yellow", "missing": "red", "pending": "blue", "exempt": "dim"}

def _as_of(text: str | None):
    return parse_instant(text) if text else None


@cli.command()
@click.option("--campaign", "campaign_id", required=True, help="Campaign id (see `reportbox campaign list`).")
@click.option("--as-of", "as_of", help="As of this instant (ISO 8601; a date means its end; default now).")
@click.option("--format", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "json", "csv", "xlsx"]))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (xlsx: required).")
@click.option("--with-former", is_flag=True, help="Also list each unit's reports to earlier campaigns, its former "
                                                  "units' too (the 2024 reports of the 63 provinces a unit of the 34 "
                                                  "was formed from); table and json.")
@click.pass_obj
def status(obj: Obj, campaign_id: str, as_of: str | None, fmt: str, out: Path | None, with_former: bool) -> None:
    """Every unit of a campaign: on time, late, missing, pending or exempt, and what its report lacks."""
    if fmt == "xlsx" and out is None:
        raise UsageError("--format xlsx needs --out FILE.xlsx")
    if with_former and fmt in ("csv", "xlsx"):
        raise UsageError(f"--with-former lists reports per unit, which --format {fmt} has no place for: "
                         "use --format table or json")
    with obj.app() as app, app.sessions() as session:
        if fmt == "xlsx":
            from jobs.exports.status_xlsx import write_status_xlsx
            from jobs.mail.letters import outline_of

            result = campaign_status(session, campaign_id, as_of=_as_of(as_of))
            with output_file(out, binary=True) as stream:
                write_status_xlsx(result, stream, outline=outline_of(app.config, result.campaign))
            click.echo(f"wrote {out}")
            return
        result, data = status_report(session, campaign_id, _as_of(as_of), with_former=with_former)
    # A CSV file gets a byte order mark, or Excel reads its Vietnamese as another code page.
    with _output(out, encoding="utf-8-sig" if fmt == "csv" else "utf-8") as stream:
        if fmt == "json":
            echo_json(data, file=stream)
        elif fmt == "csv":
            status_csv(data, stream or sys.stdout)
        else:
            _status_table(result, data, stream)


@contextmanager
def _output(out: Path | None, *, encoding: str = "utf-8"):
    """Standard output (None), or the file given with --out, announced once written."""
    if out is None:
        yield None
        return
    with output_file(out, encoding=encoding) as stream:
        yield stream
    click.echo(f"wrote {out}")


def _status_table(result: CampaignStatus, data: dict, stream) -> None:
    from rich.table import Table
    from rich.text import Text

    campaign, summary = result.campaign, data["summary"]
    out = console(file=stream)
    out.print(Text.assemble((campaign.id, "bold"), " ", campaign.letter, " — ", campaign.title or ""))
    out.print(f"deadline {local_short(campaign.deadline)}, as of {local_short(result.as_of)} (Vietnam time)")
    out.print("  ".join(f"[{STATUS_STYLE[s]}]{s}: {summary[s]}[/]" for s in STATUSES)
              + f"  expected: {summary['expected']}  incomplete: {summary['incomplete']}"
              + f"  needs review: {summary['needs_review']}"
              + (f"  unreadable: {summary['unreadable']}" if summary.get("unreadable") else "")
              + (f"  unmapped: {summary['unmapped']}" if summary.get("unmapped") else ""))
    table = Table(box=None, pad_edge=False)
    for column in ("unit", "name", "status", "received", "late (h)", "versions", "missing sections", "notes"):
        table.add_column(column, overflow="fold")
    for unit in result.units:
        notes = [a.describe() for a in unit.adjustments] + ([f"{unit.needs_review} in review"] if unit.needs_review else [])
        if unit.unreadable:
            notes.append("unreadable: " + ", ".join(file.describe() for file in unit.unreadable))
        if unit.department_parts:  # another addressed department's part: the lead's report decides (models.status)
            names = ", ".join(dict.fromkeys(part.name for part in unit.department_parts))
            notes.append(f"{names}'s part received" + (", the lead department's report not yet"
                                                       if unit.status in ("pending", "missing") else ""))
        table.add_row(plain(unit.unit), plain(unit.name), Text(unit.status, style=STATUS_STYLE[unit.status]),
                      local_short(unit.received_at), "" if unit.late_by_hours is None else f"{unit.late_by_hours:g}",
                      str(unit.versions or ""), plain(" ".join(unit.missing_sections)
                                                     if unit.status in ("on_time", "late") else ""),
                      plain("; ".join(notes)))
    out.print(table)
    if any("former_reports" in unit for unit in data["units"]):
        _former_table(data, out)
    sent = data.get("outbox") or {}
    trouble = {state: sent[state] for state in ("queued", "failed", "uncertain", "bounced") if sent.get(state)}
    if sent.get("sent") or trouble:
        out.print(f"e-mails to units: {sent['sent']} sent"
                  + "".join(f", {count} {state}" for state, count in trouble.items())
                  + (f" (see `reportbox outbox --campaign {data['campaign']}`)" if trouble else ""),
                  style="yellow" if trouble.keys() & {"failed", "uncertain", "bounced"} else None)


def _former_table(data: dict, out) -> None:
    """`status --with-former`: the reports of earlier campaigns, under the unit they now belong to."""
    from rich.table import Table

    table = Table(title="Reports to earlier campaigns (the unit's and its former units')", box=None, pad_edge=False)
    for column in ("unit", "campaign", "year", "sent as", "received", "submission", "state"):
        table.add_column(column, overflow="fold")
    for unit in data["units"]:
        for report in unit["former_reports"]:
            table.add_row(plain(unit["unit"]), plain(report["campaign"]), str(report["report_year"]),
                          plain(f"{report['registry']} {report['unit']} {report['name']}"),
                          plain(report["received_at"][:16].replace("T", " ")), str(report["submission"]), report["state"])
    out.print(table if table.row_count else "no reports to earlier campaigns")


@cli.group()
def campaign() -> None:
    """Campaigns (request letters) and planners' adjustments for single units."""


@campaign.command("list")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@click.pass_obj
def campaign_list(obj: Obj, fmt: str) -> None:
    """Every campaign with its deadline and counts by status now."""
    with obj.app() as app, app.sessions() as session:
        rows = campaigns_json(session)
    if fmt == "json":
        echo_json(rows)
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("campaign", "letter", "deadline", "registry", *STATUSES, "incomplete", "review"):
        table.add_column(column)
    for row in rows:
        s = row["summary"]
        table.add_row(plain(row["campaign"] + ("" if row["in_config"] else " (retired)")), plain(row["letter"]),
                      row["deadline"][:16].replace("T", " "), plain(row["registry"]), *(str(s[k]) for k in STATUSES),
                      str(s["incomplete"]), str(s["needs_review"]))
    console().print(table)


@campaign.command("show")
@click.argument("campaign_id", metavar="ID")
@click.option("--as-of", "as_of", help="As of this instant (ISO 8601; default now).")
@click.pass_obj
def campaign_show(obj: Obj, campaign_id: str, as_of: str | None) -> None:
    """One campaign: its letter, deadline, outline, counts, and every adjustment made."""
    from rich.text import Text

    with obj.app() as app, app.sessions() as session:
        result = campaign_status(session, campaign_id, as_of=_as_of(as_of))
        history = adjustments.history(session, campaign_id)
        c = result.campaign
        out = console()
        out.print(Text.assemble((c.id, "bold"), " ", c.letter, ": ", c.title or ""))
        out.print(plain(f"report year {c.report_year}, plan year {c.plan_year}, issued {c.issued.isoformat()}, "
                        f"deadline {local_short(c.deadline)}, registry {c.unit_registry}"
                        + ("" if c.in_config else " — no longer in the config")))
        out.print(plain(f"outline: {', '.join(c.outline)}; exempt in config: {', '.join(c.exempt) or 'none'}"))
        if configured := next((k for k in app.config.campaign if k.id == c.id), None):
            out.print(plain(f"departments addressed: {', '.join(configured.departments)}"))
        if c.source == "letter":
            out.print(plain(f"read from its letter (campaign from-letter) by {c.applied_by}, {local_short(c.applied_at)}"))
        out.print("  ".join(f"{key}: {value}" for key, value in result.summary.items()))
        for row in history:
            what = f"{row.kind} cancelled" if row.cancelled else row.kind
            when = f" {local_short(row.at)}" if row.at else ""
            out.print(plain(f"- {local_short(row.decided_at)} {row.decided_by}: unit {row.unit} {what}{when}"
                            + (f" ({row.note})" if row.note else "")))


def _adjust(obj: Obj, campaign_id: str, unit: str, kind: str, **details) -> None:
    with obj.app() as app, app.sessions.begin() as session:
        row = adjustments.adjust(session, campaign_id, unit, kind, **details)
        when = f" {local_short(row.at)}" if row.at else ""
        click.echo(f"{campaign_id} unit {unit}: {kind}{' cancelled' if row.cancelled else ''}{when}")


_note = click.option("--note", help="Why, for the audit trail.")
_cancel = click.option("--cancel", is_flag=True,
                       help="The unit no longer has an adjustment of this kind (earlier ones are not restored).")


@campaign.command("extend")
@click.argument("campaign_id", metavar="ID")
@click.argument("unit")
@click.option("--until", "until", help="The unit's new deadline (a date means its end, Vietnam time).")
@_note
@by_option
@_cancel
@click.pass_obj
def campaign_extend(obj: Obj, campaign_id: str, unit: str, until: str | None, note, decided_by, cancel) -> None:
    """Give UNIT a later deadline."""
    if until is None and not cancel:
        raise UsageError("give --until DATE (or --cancel)")
    _adjust(obj, campaign_id, unit, AdjustmentKind.EXTENSION, at=_as_of(until), note=note, decided_by=decided_by,
            cancel=cancel)


@campaign.command("exempt")
@click.argument("campaign_id", metavar="ID")
@click.argument("unit")
@_note
@by_option
@_cancel
@click.pass_obj
def campaign_exempt(obj: Obj, campaign_id: str, unit: str, note, decided_by, cancel) -> None:
    """UNIT owes nothing in this campaign."""
    _adjust(obj, campaign_id, unit, AdjustmentKind.EXEMPTION, note=note, decided_by=decided_by, cancel=cancel)


@campaign.command("received-offline")
@click.argument("campaign_id", metavar="ID")
@click.argument("unit")
@click.option("--at", "at", help="When it was received (ISO 8601, Vietnam time unless a zone is given).")
@_note
@by_option
@_cancel
@click.pass_obj
def campaign_received_offline(obj: Obj, campaign_id: str, unit: str, at: str | None, note, decided_by,
                              cancel) -> None:
    """UNIT's report came another way (post, by hand): count it as received at --at."""
    if at is None and not cancel:
        raise UsageError("give --at DATETIME (or --cancel)")
    _adjust(obj, campaign_id, unit, AdjustmentKind.OFFLINE, at=_as_of(at), note=note, decided_by=decided_by,
            cancel=cancel)


@campaign.command("from-letter")
@click.argument("letter_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "campaign_id", help="The campaign's id (default tk<report year> for a year's evaluation, "
                                          "else l<number>-<year>).")
@click.option("--format", "fmt", default="toml", show_default=True, type=click.Choice(["toml", "json"]),
              help="toml: a [[campaign]] block to paste into the config; json: the fields, evidence and what is missing.")
@click.option("--apply", "apply", is_flag=True, help="Also store the campaign in the database (source: letter).")
@by_option
@click.pass_obj
def campaign_from_letter(obj: Obj, letter_file: Path, campaign_id: str | None, fmt: str, apply: bool,
                         decided_by: str) -> None:
    """Read a campaign from its request letter FILE (.txt, .docx, .pdf, a scan, .eml) and print it."""
    from models.campaigns import letter_campaigns, store_letter_campaign
    from reportbox.letters import campaign_config, campaign_id as make_id, letter_json, letter_toml
    from reportbox.letters import with_letter_campaigns

    letter = _read_letter(obj, letter_file, apply)
    identifier = make_id(letter, campaign_id)
    if fmt == "json":
        echo_json(letter_json(letter, identifier))
    else:
        click.echo(letter_toml(letter, identifier, letter_file.name), nl=False)
    if not apply:
        return
    campaign = campaign_config(letter, identifier)
    with obj.app() as app, app.sessions.begin() as session:
        others = [c for c in letter_campaigns(session) if c.id != campaign.id]
        with_letter_campaigns(app.file_config or app.config, [*others, campaign], strict=True)
        new = store_letter_campaign(session, campaign, letter.evidence, applied_by=decided_by)
    click.echo(f"campaign {campaign.id} {'stored' if new else 'updated'} from letter {campaign.letter} "
               f"(by {decided_by})", err=True)


def _read_letter(obj: Obj, path: Path, apply: bool):
    """The letter in the file, read within the config's document limits (the defaults when there is no
    config and nothing is to be stored)."""
    from parsers.documents.limits import DEFAULT_LIMITS
    from parsers.letter import letter_from_file

    config_path = obj.config_file()
    limits = obj.config().documents.limits() if apply or config_path.exists() else DEFAULT_LIMITS
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        letter = letter_from_file(data, path.name, limits)
    except DocumentError as exc:
        raise UsageError(f"{path}: cannot read the letter: {exc}") from exc
    if letter.letter is None and letter.subject is None:
        raise UsageError(f"{path}: no request letter found in it (no \"Số: …\" number, no \"V/v …\" subject)")
    return letter
