"""States: made, their jurisdictions, their coordinators, and what each jurisdiction shares with its state."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..accounts import accounts
from ..commandline import one_transaction
from ..db import db
from ..services import lookups
from . import report, states

state_cli = AppGroup("state", help="Group jurisdictions by state, and grant state coordinators their states.")


@state_cli.command("add")
@click.argument("name")
@one_transaction
def add_state(name):
    """Make a state (or region) to group jurisdictions in."""
    state = states.add_state(name)
    click.echo(f"Added state {state.id}: {state.name}")


@state_cli.command("list")
def list_states():
    """Each state, its jurisdictions, and how many share with it."""
    for state in states.list_states():
        sharing = sum(1 for j in state.jurisdictions if j.share_with_state)
        click.echo(f"{state.id:>4}  {state.name}: {len(state.jurisdictions)} jurisdiction(s), {sharing} sharing")


@state_cli.command("assign")
@click.argument("jurisdiction")
@click.argument("state", required=False)
@one_transaction
def assign(jurisdiction, state):
    """Put JURISDICTION in STATE (or in none, without STATE). Its facilitators then choose what it shares."""
    found = lookups.find_jurisdiction(jurisdiction)
    target = lookups.find_state(state) if state else None
    states.assign(found, target)
    click.echo(f"{found.name}: in {target.name if target else 'no state'}; it shares nothing until its "
               "facilitators choose to (its page in the console)")


@state_cli.command("share")
@click.argument("jurisdiction")
@click.option("--by-name/--unnamed", default=False, help="Whether the state's other jurisdictions see it by name.")
@click.option("--off", is_flag=True, help="Share nothing with the state.")
@one_transaction
def share(jurisdiction, by_name, off):
    """What JURISDICTION shares with its state (as its facilitators would choose on its page)."""
    found = lookups.find_jurisdiction(jurisdiction)
    click.echo(f"{found.name} now {states.set_sharing(found, not off, by_name)}.")


@state_cli.command("grant")
@click.argument("email")
@click.argument("state")
@one_transaction
def grant(email, state):
    """Let a state coordinator's account read STATE's page."""
    found = lookups.find_state(state)
    states.grant(accounts.get_user(email), found)
    click.echo(f"{email} reads {found.name}'s page.")


@state_cli.command("revoke")
@click.argument("email")
@click.argument("state")
@one_transaction
def revoke(email, state):
    """Stop a state coordinator's account reading STATE's page."""
    found = lookups.find_state(state)
    states.revoke(accounts.get_user(email), found)
    click.echo(f"{email} no longer reads {found.name}'s page.")


@state_cli.command("report")
@click.argument("state")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the PDF.")
@click.option("--paper", type=click.Choice(["Letter", "A4"]),
              help="The paper (default: REPORT_PAGE_SIZE when it is set, or Letter).")
def report_command(state, output, paper):
    """Write STATE's report (its page's figures, every sharing county by name) as a PDF."""
    found = lookups.find_state(state)
    pdf = report.export(found, paper)
    with open(output, "wb") as out:
        out.write(pdf)
    db.session.commit()  # the report kept for the state's coordinators, and its download audited
    sharing = len(states.counties(found))
    click.echo(f"Wrote {output}: {found.name}, {sharing} sharing jurisdiction(s), {len(pdf) // 1024} KiB")
