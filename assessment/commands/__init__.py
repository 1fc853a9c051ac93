"""The `flask --app app <command>` commands, one module per feature: each parses its arguments, calls a service
and prints what came of it."""
from __future__ import annotations

from flask import Flask

from . import accounts, interchange, mail, places, results, rounds, system


def init_app(app: Flask) -> None:
    for command in (system.init_db_command, system.seed_demo, system.worker_command, system.questionnaire_cli,
                    places.jurisdiction_cli, places.agency_cli, rounds.round_cli, rounds.invite,
                    accounts.user_cli, results.scores_command, results.compare_command, results.report_command,
                    interchange.import_responses_command, interchange.export_round_command,
                    interchange.import_round_command, mail.contacts_cli, mail.send_due_command):
        app.cli.add_command(command)
