"""A round's published results: its scores, a comparison of two rounds, the readiness report."""
from __future__ import annotations

import json

import click

from ..commandline import one_transaction
from ..services import lookups
from . import exports, report, scores


@click.command("scores")
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@one_transaction
def scores_command(round_id, fmt):
    """Print a round's scores: the jurisdiction, agencies, sectors, role levels, pairs and network."""
    results = scores.round_scores(lookups.get_round(round_id))
    if fmt == "json":
        click.echo(json.dumps(results.as_json(), indent=2, allow_nan=False))
    else:
        click.echo(exports.to_csv(exports.score_table(results)), nl=False)


@click.command("compare")
@click.argument("earlier_id", type=int)
@click.argument("later_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True)
@one_transaction
def compare_command(earlier_id, later_id, fmt):
    """How a jurisdiction moved between two rounds: changes with bootstrap 95% intervals, levels, pairs."""
    comparison = scores.compare_rounds(lookups.get_round(earlier_id), lookups.get_round(later_id))
    click.echo(json.dumps(comparison.as_json(), indent=2, allow_nan=False))


@click.command("report")
@click.argument("round_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the PDF.")
@click.option("--compare", "earlier_id", type=int, help="An earlier round of the same jurisdiction to compare with.")
@one_transaction
def report_command(round_id, output, earlier_id):
    """Write a round's readiness report as a PDF, printing each step."""
    round_ = lookups.get_round(round_id)
    earlier = lookups.get_round(earlier_id) if earlier_id is not None else None
    pdf = report.export(round_, earlier, progress=lambda message: click.echo(f"  {message}"))
    with open(output, "wb") as out:
        out.write(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KiB).")
