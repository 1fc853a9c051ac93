"""The `flask --app app <command>` commands: each feature's (its `commands` module parses the arguments, calls its
services and prints what came of it), and the system's own here (`system`)."""
from __future__ import annotations

from flask import Flask

from ..accounts import commands as accounts
from ..interchange import commands as interchange
from ..people import commands as people
from ..places import commands as places
from ..results import commands as results
from ..rounds import commands as rounds
from ..states import commands as states
from . import system


def init_app(app: Flask) -> None:
    for command in (system.init_db_command, system.seed_demo, system.worker_command, system.questionnaire_cli,
                    places.jurisdiction_cli, places.agency_cli, rounds.round_cli, rounds.invite,
                    accounts.user_cli, results.scores_command, results.compare_command, results.report_command,
                    interchange.import_responses_command, interchange.export_round_command,
                    interchange.import_round_command, people.contacts_cli, rounds.send_due_command,
                    states.state_cli):
        app.cli.add_command(command)
