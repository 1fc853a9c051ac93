"""Data in and out: paper responses imported, a round exported and restored as JSON."""
from __future__ import annotations

import json

import click

from ..commandline import one_transaction
from ..services import ServiceError, lookups
from . import backup, importer


@click.command("import-responses")
@click.argument("round_id", type=int)
@click.argument("file", type=click.File("rb"))
@one_transaction
def import_responses_command(round_id, file):
    """Import responses from a CSV file; nothing is imported when any cell is wrong."""
    count = importer.import_responses(lookups.get_round(round_id), file.read())
    click.echo(f"Imported {count} response(s) into round {round_id}.")


@click.command("export-round")
@click.argument("round_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the JSON document.")
def export_round_command(round_id, output):
    """Write a round (agencies, invitations as token hashes, responses, answers, commitments) as JSON."""
    document = backup.export_round(lookups.get_round(round_id))
    with open(output, "w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False, indent=1)
    click.echo(f"Wrote round {round_id} to {output}: {len(document['responses'])} responses, "
               f"{len(document['invitations'])} invitations.")


@click.command("import-round")
@click.argument("file", type=click.File("rb"))
@one_transaction
def import_round_command(file):
    """Restore a round written by export-round; nothing is written when any part of the file is wrong."""
    try:
        round_ = backup.import_round(backup.read_document(file.read()))
    except ServiceError as exc:
        raise ServiceError(f"{file.name}: {exc}") from None
    click.echo(f"Restored round {round_.id} ({round_.title}) of {round_.jurisdiction.name}.")
