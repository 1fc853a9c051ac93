"""Setting up and running the app: the database, the demo, questionnaire files, the job worker."""
from __future__ import annotations

import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from questionnaires import QuestionnaireError, language_name, load_file

from .. import demo, demo_state
from ..commandline import one_transaction
from ..db import db
from ..links import survey_link
from ..people import invitations
from ..services import jobs
from ..vocabulary import RoleLevel

questionnaire_cli = AppGroup("questionnaire", help="Check questionnaire definition files.")


@click.command("init-db")
def init_db_command():
    """Create the database, or bring it up to date: applies the migrations in migrations/."""
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    if tables and "alembic_version" not in tables:
        raise click.ClickException(
            f"{db.engine.url.render_as_string(hide_password=True)} was created before Continuum had migrations, so "
            "it cannot be upgraded. If it holds only the demo, delete it and run this again.")
    upgrade()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@questionnaire_cli.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def validate_questionnaire(file):
    """Check a questionnaire file with its translations; exit 0 when valid, 1 with every problem listed when not."""
    try:
        q = load_file(file)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"{file}: valid: {q.id} version {q.version}, {len(q.sections)} sections, {len(q.items)} items, "
               f"in {', '.join(language_name(language) for language in q.languages)}")


@click.command("seed-demo")
@one_transaction
def seed_demo():
    """Create Demo County and its state (when missing) and print a fresh survey link for its open round, with
    fresh passwords for the demo's facilitator and state coordinator."""
    if demo.demo_exists():
        click.echo(f"{demo.DEMO_NAME} already exists.")
    else:
        demo.seed()
        click.echo(f"Created {demo.DEMO_NAME}: 10 agencies, two closed rounds with responses, one open round.")
    if not demo_state.exists():
        demo_state.seed()
        click.echo(f"Created {demo_state.STATE_NAME}: {demo.DEMO_NAME} and {len(demo_state.COUNTIES)} smaller "
                   "counties with closed rounds.")
    round_ = demo.open_demo_round()
    if round_ is None:
        click.echo(f"{demo.DEMO_NAME} has no open round, so there is no survey link to print.")
        return
    agency = round_.jurisdiction.agencies[0]
    token = invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1)[0]
    email, password = demo.facilitator_account(round_.jurisdiction)
    click.echo(f"Console: {current_app.config['PUBLIC_URL'].rstrip('/')}/console (sign in as {email} with the "
               f"password {password}; a new one each time, for this demo only)")
    state = demo_state.the_state()
    if state is not None:
        email, password = demo_state.coordinator_account(state)
        click.echo(f"State page: {current_app.config['PUBLIC_URL'].rstrip('/')}/state (sign in as {email} with the "
                   f"password {password})")
    click.echo(f"Survey link for {round_.title} ({agency.name}, line staff):")
    click.echo(survey_link(token))


@click.command("worker")
@click.option("--poll", type=float, default=2.0, show_default=True, help="Seconds between looks for new jobs.")
def worker_command(poll):
    """Run background jobs (reports, emails) until stopped: for servers that leave them to worker processes
    (FLASK_JOBS=worker). Several workers, on one machine or several, never run a job twice."""
    name = jobs.worker_name()
    click.echo(f"Worker {name} running jobs; Ctrl-C stops it.")
    jobs.start()
    while True:
        if not jobs.run_pending(name):
            time.sleep(poll)
