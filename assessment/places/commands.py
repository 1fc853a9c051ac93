"""Jurisdictions (their clock) and their agencies."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..commandline import one_transaction
from ..services import lookups
from ..vocabulary import Sector
from . import jurisdictions

jurisdiction_cli = AppGroup("jurisdiction", help="Manage jurisdictions.")
agency_cli = AppGroup("agency", help="Manage a jurisdiction's agencies.")


@jurisdiction_cli.command("time-zone")
@click.argument("jurisdiction")
@click.argument("zone")
@one_transaction
def set_time_zone(jurisdiction, zone):
    """The clock a jurisdiction's rounds are set and shown on (an IANA name such as America/Chicago)."""
    found = lookups.find_jurisdiction(jurisdiction)
    jurisdictions.set_time_zone(found, zone)
    click.echo(f"{found.name}: {found.time_zone}")


@jurisdiction_cli.command("add")
@click.argument("name")
@one_transaction
def add_jurisdiction(name):
    jurisdiction = jurisdictions.add_jurisdiction(name)
    click.echo(f"Added jurisdiction {jurisdiction.id}: {jurisdiction.name}")


@agency_cli.command("add")
@click.argument("jurisdiction")
@click.argument("name")
@click.option("--sector", required=True, type=click.Choice([s.value for s in Sector]))
@click.option("--slug", help="Short name used in links and files (made from the name when omitted).")
@one_transaction
def add_agency(jurisdiction, name, sector, slug):
    agency = jurisdictions.add_agency(lookups.find_jurisdiction(jurisdiction), name, sector, slug)
    click.echo(f"Added agency {agency.slug}: {agency.name} ({agency.sector.label})")
