"""A round's life: created, edited, listed, opened, closed, reopened; personal links issued by hand."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import local_time
from ..commandline import local_datetime, one_transaction, typed_date
from ..db import db
from ..links import survey_link
from ..people import invitations, mailings
from ..services import KEEP, clock, jobs, lookups
from ..vocabulary import RoleLevel
from . import rounds, schedule

round_cli = AppGroup("round", help="Create, list, open, close and reopen survey rounds.")


@round_cli.command("create")
@click.argument("jurisdiction")
@click.argument("title")
@click.option("--questionnaire", "questionnaire_id", default="collaboration_readiness", show_default=True)
@click.option("--version", type=int, help="Questionnaire version (the latest when omitted).")
@click.option("--min-group-size", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--opens", callback=typed_date, help="YYYY-MM-DD (at 00:00 on the jurisdiction's clock)")
@click.option("--closes", callback=typed_date, help="YYYY-MM-DD (at 00:00 on the jurisdiction's clock)")
@click.option("--from-round", type=int, help="An earlier round to take the sender, schedule and wording from.")
@one_transaction
def create_round(jurisdiction, title, questionnaire_id, version, min_group_size, opens, closes, from_round):
    found = lookups.find_jurisdiction(jurisdiction)
    zone = found.time_zone
    try:
        opens, closes = opens and local_time.to_utc(opens, zone), closes and local_time.to_utc(closes, zone)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    round_ = rounds.create_round(found, title, questionnaire_id, version, min_group_size, opens, closes)
    if from_round is not None:
        for line in rounds.carry_forward(round_, lookups.get_round(from_round)):
            click.echo(f"Taken from round {from_round}: {line}")
    click.echo(f"Created round {round_.id}: {round_.title} ({round_.questionnaire_id} "
               f"v{round_.questionnaire_version}, draft)")


@round_cli.command("edit")
@click.argument("round_id", type=int)
@click.option("--title")
@click.option("--opens", help="YYYY-MM-DD or 'YYYY-MM-DD HH:MM' on the jurisdiction's clock; none clears it.")
@click.option("--closes", help="YYYY-MM-DD or 'YYYY-MM-DD HH:MM' on the jurisdiction's clock; none clears it.")
@click.option("--invite-at", help="When the app sends the invitations (opening a draft round); none: by hand.")
@click.option("--min-group-size", type=int, help="Only before anyone has started the survey.")
@one_transaction
def edit_round(round_id, title, opens, closes, invite_at, min_group_size):
    """Change a round's settings (those given); each change is audited."""
    round_ = lookups.get_round(round_id)
    changed = rounds.edit_round(round_, title=KEEP if title is None else title,
                                opens_at=local_datetime(opens, round_), closes_at=local_datetime(closes, round_),
                                invite_at=local_datetime(invite_at, round_),
                                min_group_size=KEEP if min_group_size is None else min_group_size)
    if round_.invite_at is not None or round_.reminder_days or round_.closes_at is not None:
        clock.ensure_clock()
    click.echo("\n".join(changed) if changed else "Nothing was changed.")


@round_cli.command("list")
@one_transaction
def list_rounds():
    rows = rounds.list_rounds()
    if not rows:
        click.echo("No rounds yet.")
        return
    click.echo(f"{'ID':>4}  {'JURISDICTION':<24} {'TITLE':<28} {'STATUS':<7} {'SUBMITTED':>9} {'DRAFTS':>6}")
    for r in rows:
        click.echo(f"{r.id:>4}  {r.jurisdiction[:24]:<24} {r.title[:28]:<28} {r.status:<7} {r.submitted:>9} "
                   f"{r.drafts:>6}")


@round_cli.command("open")
@click.argument("round_id", type=int)
@one_transaction
def open_round(round_id):
    rounds.open_round(lookups.get_round(round_id))
    click.echo(f"Round {round_id} is open.")


@round_cli.command("reopen")
@click.argument("round_id", type=int)
@click.option("--reason", required=True, help="Why the round takes answers again (goes into the audit log).")
@one_transaction
def reopen_round(round_id, reason):
    """Let a closed round take answers again; its results may already have been read as final."""
    rounds.reopen_round(lookups.get_round(round_id), reason)
    click.echo(f"Round {round_id} is open again.")


@round_cli.command("close")
@click.argument("round_id", type=int)
@one_transaction
def close_round(round_id):
    closing = rounds.close_round(lookups.get_round(round_id))
    click.echo(f"Round {round_id} is closed. {closing}")


@click.command("invite")
@click.argument("round_id", type=int)
@click.option("--agency", "agency_slug", required=True, help="Agency slug or name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in RoleLevel]))
@click.option("--count", type=int, default=1, show_default=True)
@one_transaction
def invite(round_id, agency_slug, role, count):
    """Create invitations and print their links (shown only this once)."""
    round_ = lookups.get_round(round_id)
    agency = lookups.find_agency(round_.jurisdiction, agency_slug)
    tokens = invitations.issue_invitations(round_, agency, role, count)
    click.echo(f"{len(tokens)} link(s) for {agency.name}, {RoleLevel(role).label}. They are shown only now:")
    for token in tokens:
        click.echo(survey_link(token))


@click.command("send-due")
@click.option("--wait", is_flag=True, help="Send what was queued from here rather than leave it to the server.")
@one_transaction
def send_due_command(wait):
    """What is due now, for a cron job or a systemd timer: close the rounds whose closing date has passed (and
    delete their addresses), queue the reminders of each round's schedule, resume sending that stopped."""
    done = schedule.send_due()
    for line in done:
        click.echo(line)
    if not done:
        click.echo("Nothing is due.")
    if wait:
        db.session.commit()
        jobs.run_pending(kinds=(mailings.KIND,))
