"""Mail to provinces: `reportbox remind`, `reportbox outbox [list|show|retry|cancel|clear-address]`."""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from models import outbox
from models.schema import OutboxKind, OutboxState
from reportbox.cli.base import Obj, by_option, cli, console, echo_json, plain
from reportbox.shapes import outbox_json
from reportbox.timefmt import local_iso, local_short, parse_instant

SKIP_TEXT = {
    "in_review": "a report naming it is in review",
    "extended": "its extension runs",
    "already_sent": "this step was sent",
    "max_reminders": "max_reminders reached",
    "no_contact": "no contact address",
    "all_addresses_bounce": "every contact address bounces",
}
STATE_STYLE = {"sent": "green", "queued": "blue", "sending": "blue", "confirming": "blue", "uncertain": "yellow",
               "failed": "red", "cancelled": "dim"}


@cli.command()
@click.option("--campaign", "campaign_id", required=True, help="Campaign id (see `reportbox campaign list`).")
@click.option("--as-of", "as_of", help="Evaluate the policy as of this instant (ISO 8601; default now).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent to whom; queue and send nothing.")
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@click.pass_obj
def remind(obj: Obj, campaign_id: str, as_of: str | None, dry_run: bool, fmt: str) -> None:
    """Send the reminders the campaign's policy owes as of now (or --as-of), each step once."""
    from jobs.reminders.run import remind as run_reminders

    with obj.app(*(() if dry_run else ("smtp",))) as app:
        run = run_reminders(app, campaign_id, as_of=parse_instant(as_of) if as_of else None, dry_run=dry_run)
    if fmt == "json":
        echo_json(_run_json(run, dry_run))
        return
    _run_table(run, dry_run)


def _run_json(run, dry_run: bool) -> dict:
    units = []
    for owed in run.plans:
        draft = run.drafts.get(owed.unit.unit)
        units.append({
            "unit": owed.unit.unit, "name": owed.unit.name, "status": owed.unit.status,
            "step": owed.step.label if owed.step else None, "step_key": owed.step.key if owed.step else None,
            "to": list(owed.to), "cc": list(owed.cc), "skip": owed.skip, "bouncing": list(owed.bouncing),
            "subject": draft.subject if draft else None, "body": draft.body if draft else None,
            "outbox": run.queued.get(owed.unit.unit),
        })
    delivery = run.delivery
    return {"campaign": run.campaign, "as_of": local_iso(run.as_of), "dry_run": dry_run, "disabled": run.disabled,
            "units": units,
            "delivery": None if delivery is None else {
                "sent": delivery.sent, "retrying": delivery.retrying, "failed": delivery.failed,
                "uncertain": delivery.uncertain, "cancelled": delivery.cancelled,
                "errors": {str(k): v for k, v in delivery.errors.items()}}}


def _run_table(run, dry_run: bool) -> None:
    out = console()
    if run.disabled:
        out.print(plain(f"reminders are disabled for {run.campaign} ([campaign.reminders] enabled = false)"))
    table = Table(title=f"Reminders for {run.campaign} as of {local_short(run.as_of)}"
                        + (" (dry run: nothing sent)" if dry_run else ""))
    for column in ("unit", "name", "status", "step", "to", "cc", "subject / why not"):
        table.add_column(column)
    owed_now = [p for p in run.plans if p.step is not None or p.skip]
    for owed in owed_now:
        draft = run.drafts.get(owed.unit.unit)
        why = plain(draft.subject) if draft else Text(SKIP_TEXT.get(owed.skip, owed.skip or ""), style="dim")
        table.add_row(owed.unit.unit, plain(owed.unit.name), owed.unit.status, owed.step.label if owed.step else "",
                      plain("\n".join(owed.to)), plain("\n".join(owed.cc)), why)
    out.print(table)
    waiting = len(run.plans) - len(owed_now)
    out.print(f"{len(run.drafts)} reminder(s) {'would be' if dry_run else ''} due now"
              f"{f'; {waiting} unit(s) without a report and no step due' if waiting else ''}")
    if run.delivery is not None:
        out.print(f"delivery: {run.delivery.summary()}")
        for outbox_id, error in run.delivery.errors.items():
            out.print(plain(f"  outbox {outbox_id}: {error}"))


@cli.group(name="outbox", invoke_without_command=True)
@click.option("--campaign", "campaign_id", help="Only this campaign's messages.")
@click.option("--state", type=click.Choice(OutboxState.ALL), help="Only messages in this state.")
@click.option("--kind", type=click.Choice(OutboxKind.ALL))
@click.option("--format", "fmt", default="table", show_default=True, type=click.Choice(["table", "json"]))
@click.pass_context
def outbox_group(ctx: click.Context, campaign_id: str | None, state: str | None, kind: str | None, fmt: str) -> None:
    """Every e-mail reportbox has sent or will send: its state, attempts, the server's reply, bounces."""
    if ctx.invoked_subcommand is not None:
        return
    with ctx.obj.app() as app, app.sessions() as session:
        rows = outbox.listing(session, campaign_id, state, kind)
        failing = outbox.failing_addresses(session)
        if fmt == "json":
            echo_json([outbox_json(row) for row in rows])
            return
        table = Table(title="Outbox")
        for column in ("id", "campaign", "unit", "kind", "step", "state", "tries", "to", "sent / next", "reply / error"):
            table.add_column(column)
        for row in rows:
            when = local_short(row.sent_at) if row.sent_at else (
                local_short(row.next_attempt_at) if row.state == OutboxState.QUEUED else "")
            detail = plain(row.reply if row.state == OutboxState.SENT else (row.error or row.note or ""))
            if row.bounced_at:
                detail = Text.assemble((f"bounced {local_short(row.bounced_at)} ", "red"), detail)
            table.add_row(str(row.id), row.campaign or "-", row.unit, row.kind, plain(row.step),
                          Text(row.state, style=STATE_STYLE.get(row.state, "")), str(row.attempts),
                          plain("\n".join(row.to + row.cc)), when, detail)
        out = console()
        out.print(table)
        if failing:
            out.print("addresses that bounce (reminders skip them; fix the contacts file or "
                      "`reportbox outbox clear-address ADDRESS`):")
            for address, failure in sorted(failing.items()):
                out.print(plain(f"  {address}: {failure.status or ''} {failure.diagnostic or ''}"))


@outbox_group.command(name="retry")
@click.argument("outbox_id", type=int)
@by_option
@click.pass_obj
def outbox_retry(obj: Obj, outbox_id: int, decided_by: str) -> None:
    """Send a failed, uncertain or cancelled message again (same Message-ID), at the next delivery."""
    with obj.app() as app, app.sessions.begin() as session:
        row = outbox.retry(session, outbox_id, decided_by)
        click.echo(f"outbox {row.id} queued again")


@outbox_group.command(name="cancel")
@click.argument("outbox_id", type=int)
@by_option
@click.pass_obj
def outbox_cancel(obj: Obj, outbox_id: int, decided_by: str) -> None:
    """Cancel a queued message."""
    with obj.app() as app, app.sessions.begin() as session:
        row = outbox.cancel(session, outbox_id, decided_by)
        click.echo(f"outbox {row.id} cancelled")


@outbox_group.command(name="clear-address")
@click.argument("address")
@by_option
@click.pass_obj
def outbox_clear_address(obj: Obj, address: str, decided_by: str) -> None:
    """Count an address that bounced as working again (after fixing it at the province's end)."""
    with obj.app() as app, app.sessions.begin() as session:
        count = outbox.clear_address(session, address, decided_by)
        click.echo(f"{address}: {count} failure(s) cleared")
