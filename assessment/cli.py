"""Facilitator commands: `flask --app app <command>`. Each parses its arguments and calls a service."""
from __future__ import annotations

import datetime as dt
import functools
import json
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from questionnaires import QuestionnaireError, language_name, load_file

from . import demo, local_time
from .db import db
from .services import (
    ServiceError,
    accounts,
    backup,
    contacts,
    exports,
    importer,
    invitations,
    jobs,
    jurisdictions,
    mailings,
    report,
    rounds,
    schedule,
    scores,
)
from .survey import survey_link
from .vocabulary import EmailKind, Role, RoleLevel, Sector

jurisdiction_cli = AppGroup("jurisdiction", help="Manage jurisdictions.")
agency_cli = AppGroup("agency", help="Manage a jurisdiction's agencies.")
round_cli = AppGroup("round", help="Create, list, open, close and reopen survey rounds.")
questionnaire_cli = AppGroup("questionnaire", help="Check questionnaire definition files.")
user_cli = AppGroup("user", help="Manage console accounts.")
contacts_cli = AppGroup("contacts", help="A round's contacts: import them, send their invitations and reminders, list "
                                         "their status, revoke their links, delete their addresses.")


def _date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _local(value, round_or_jurisdiction):
    """A typed date or date and time ("YYYY-MM-DD" or "YYYY-MM-DD HH:MM") on the jurisdiction's clock, as stored;
    "none" clears it."""
    if value is None:
        return rounds.KEEP
    if value.strip().lower() == "none":
        return None
    jurisdiction = getattr(round_or_jurisdiction, "jurisdiction", round_or_jurisdiction)
    try:
        return local_time.to_utc(dt.datetime.fromisoformat(value.strip()), jurisdiction.time_zone)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (on "
                                 f"{jurisdiction.name}'s clock, {jurisdiction.time_zone}), or none") from None


def one_transaction(command):
    """A command's work as one transaction (services only flush): committed when the command ends, rolled back
    when a service refuses, the refusal printed as `Error: ...` with exit status 1."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        return result
    return run


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


@jurisdiction_cli.command("time-zone")
@click.argument("jurisdiction")
@click.argument("zone")
@one_transaction
def set_time_zone(jurisdiction, zone):
    """The clock a jurisdiction's rounds are set and shown on (an IANA name such as America/Chicago)."""
    found = jurisdictions.find_jurisdiction(jurisdiction)
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
    agency = jurisdictions.add_agency(jurisdictions.find_jurisdiction(jurisdiction), name, sector, slug)
    click.echo(f"Added agency {agency.slug}: {agency.name} ({agency.sector.label})")


@round_cli.command("create")
@click.argument("jurisdiction")
@click.argument("title")
@click.option("--questionnaire", "questionnaire_id", default="collaboration_readiness", show_default=True)
@click.option("--version", type=int, help="Questionnaire version (the latest when omitted).")
@click.option("--min-group-size", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--opens", callback=_date, help="YYYY-MM-DD (at 00:00 on the jurisdiction's clock)")
@click.option("--closes", callback=_date, help="YYYY-MM-DD (at 00:00 on the jurisdiction's clock)")
@click.option("--from-round", type=int, help="An earlier round to take the sender, schedule and wording from.")
@one_transaction
def create_round(jurisdiction, title, questionnaire_id, version, min_group_size, opens, closes, from_round):
    found = jurisdictions.find_jurisdiction(jurisdiction)
    zone = found.time_zone
    try:
        opens, closes = opens and local_time.to_utc(opens, zone), closes and local_time.to_utc(closes, zone)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    round_ = rounds.create_round(found, title, questionnaire_id, version, min_group_size, opens, closes)
    if from_round is not None:
        for line in rounds.carry_forward(round_, rounds.get_round(from_round)):
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
    round_ = rounds.get_round(round_id)
    changed = rounds.edit_round(round_, title=rounds.KEEP if title is None else title,
                                opens_at=_local(opens, round_), closes_at=_local(closes, round_),
                                invite_at=_local(invite_at, round_),
                                min_group_size=rounds.KEEP if min_group_size is None else min_group_size)
    if round_.invite_at is not None or round_.reminder_days or round_.closes_at is not None:
        schedule.ensure_clock()
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
    rounds.open_round(rounds.get_round(round_id))
    click.echo(f"Round {round_id} is open.")


@round_cli.command("reopen")
@click.argument("round_id", type=int)
@click.option("--reason", required=True, help="Why the round takes answers again (goes into the audit log).")
@one_transaction
def reopen_round(round_id, reason):
    """Let a closed round take answers again; its results may already have been read as final."""
    rounds.reopen_round(rounds.get_round(round_id), reason)
    click.echo(f"Round {round_id} is open again.")


@round_cli.command("close")
@click.argument("round_id", type=int)
@one_transaction
def close_round(round_id):
    closing = rounds.close_round(rounds.get_round(round_id))
    click.echo(f"Round {round_id} is closed. {closing}")


@click.command("invite")
@click.argument("round_id", type=int)
@click.option("--agency", "agency_slug", required=True, help="Agency slug or name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in RoleLevel]))
@click.option("--count", type=int, default=1, show_default=True)
@one_transaction
def invite(round_id, agency_slug, role, count):
    """Create invitations and print their links (shown only this once)."""
    round_ = rounds.get_round(round_id)
    agency = jurisdictions.find_agency(round_.jurisdiction, agency_slug)
    tokens = invitations.issue_invitations(round_, agency, role, count)
    click.echo(f"{len(tokens)} link(s) for {agency.name}, {RoleLevel(role).label}. They are shown only now:")
    for token in tokens:
        click.echo(survey_link(token))


@click.command("seed-demo")
@one_transaction
def seed_demo():
    """Create Demo County (when missing) and print a fresh survey link for its open round."""
    if demo.demo_exists():
        click.echo(f"{demo.DEMO_NAME} already exists.")
    else:
        demo.seed()
        click.echo(f"Created {demo.DEMO_NAME}: 10 agencies, two closed rounds with responses, one open round.")
    round_ = demo.open_demo_round()
    if round_ is None:
        click.echo(f"{demo.DEMO_NAME} has no open round, so there is no survey link to print.")
        return
    agency = round_.jurisdiction.agencies[0]
    token = invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1)[0]
    email, password = demo.facilitator_account(round_.jurisdiction)
    click.echo(f"Console: {current_app.config['PUBLIC_URL'].rstrip('/')}/console (sign in as {email} with the "
               f"password {password}; a new one each time, for this demo only)")
    click.echo(f"Survey link for {round_.title} ({agency.name}, line staff):")
    click.echo(survey_link(token))


def _read_password() -> str:
    """Prompted (twice, hidden) at a terminal, after the rule it must meet; read from the first line of standard
    input otherwise."""
    if sys.stdin.isatty():
        click.echo(accounts.PASSWORD_RULE)
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@user_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@one_transaction
def create_user(email, role):
    """Create an account; the password is prompted, or read from standard input."""
    user = accounts.create_user(email, _read_password(), role)
    click.echo(f"Created {user.role.label.lower()} {user.email}.")


@user_cli.command("list")
@one_transaction
def list_users():
    """Every account with its role, whether it is enabled, and the jurisdictions it may see."""
    users = accounts.list_users()
    if not users:
        click.echo("No accounts yet.")
        return
    width = max(len(u.email) for u in users)
    click.echo(f"{'EMAIL':<{width}}  {'ROLE':<11}  {'STATUS':<8}  JURISDICTIONS")
    for user in users:
        places = ("every jurisdiction" if user.is_admin
                  else ", ".join(sorted(g.jurisdiction.name for g in user.grants)) or "none")
        status = "enabled" if user.is_active else "disabled"
        click.echo(f"{user.email:<{width}}  {user.role.value:<11}  {status:<8}  {places}")


def _user_and_place(email: str, jurisdiction: str):
    return accounts.get_user(email), jurisdictions.find_jurisdiction(jurisdiction)


@user_cli.command("grant")
@click.argument("email")
@click.argument("jurisdiction")
@one_transaction
def grant_user(email, jurisdiction):
    """Give a facilitator access to a jurisdiction."""
    user, place = _user_and_place(email, jurisdiction)
    if accounts.grant(user, place):
        click.echo(f"{user.email} can now see {place.name}.")
    else:
        click.echo(f"{user.email} could already see {place.name}.")


@user_cli.command("revoke")
@click.argument("email")
@click.argument("jurisdiction")
@one_transaction
def revoke_user(email, jurisdiction):
    """Take a jurisdiction away from a facilitator, from their next request on."""
    user, place = _user_and_place(email, jurisdiction)
    if accounts.revoke(user, place):
        click.echo(f"{user.email} can no longer see {place.name}.")
    else:
        click.echo(f"{user.email} could not see {place.name}.")


@user_cli.command("disable")
@click.argument("email")
@one_transaction
def disable_user(email):
    """Stop an account from signing in; its sessions end at once."""
    user = accounts.get_user(email)
    accounts.disable(user)
    click.echo(f"{user.email} is disabled: signed out everywhere, and cannot sign in until enabled.")


@user_cli.command("enable")
@click.argument("email")
@one_transaction
def enable_user(email):
    """Let a disabled account sign in again, with the grants it had."""
    user = accounts.get_user(email)
    accounts.enable(user)
    click.echo(f"{user.email} is enabled and can sign in again.")


@user_cli.command("set-password")
@click.argument("email")
@one_transaction
def set_user_password(email):
    """Give an account a new password (prompted, or read from standard input); its sessions end."""
    user = accounts.get_user(email)
    accounts.set_password(user, _read_password())
    click.echo(f"New password set for {user.email}; its sessions have ended.")


@click.command("scores")
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@one_transaction
def scores_command(round_id, fmt):
    """Print a round's scores: the jurisdiction, agencies, sectors, role levels, pairs and network."""
    results = scores.round_scores(rounds.get_round(round_id))
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
    comparison = scores.compare_rounds(rounds.get_round(earlier_id), rounds.get_round(later_id))
    click.echo(json.dumps(comparison.as_json(), indent=2, allow_nan=False))


@click.command("import-responses")
@click.argument("round_id", type=int)
@click.argument("file", type=click.File("rb"))
@one_transaction
def import_responses_command(round_id, file):
    """Import responses from a CSV file; nothing is imported when any cell is wrong."""
    count = importer.import_responses(rounds.get_round(round_id), file.read())
    click.echo(f"Imported {count} response(s) into round {round_id}.")


@click.command("report")
@click.argument("round_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the PDF.")
@click.option("--compare", "earlier_id", type=int, help="An earlier round of the same jurisdiction to compare with.")
@one_transaction
def report_command(round_id, output, earlier_id):
    """Write a round's readiness report as a PDF, printing each step."""
    round_ = rounds.get_round(round_id)
    earlier = rounds.get_round(earlier_id) if earlier_id is not None else None
    pdf = report.export(round_, earlier, progress=lambda message: click.echo(f"  {message}"))
    with open(output, "wb") as out:
        out.write(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KiB).")


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


@click.command("export-round")
@click.argument("round_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the JSON document.")
def export_round_command(round_id, output):
    """Write a round (agencies, invitations as token hashes, responses, answers, commitments) as JSON."""
    document = backup.export_round(rounds.get_round(round_id))
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


# --- contacts and their emails ------------------------------------------------------------------------------

def _send_here(round_) -> None:
    """Send the round's queued messages in this process (the same job a server's worker would run, claimed the
    same way), printing the progress, until none is waiting."""
    db.session.commit()
    worker = jobs.worker_name()
    while True:
        jobs.run_pending(worker, kinds=(mailings.KIND,))
        progress = mailings.sending(round_)
        if progress.job is not None:
            click.echo(f"  {progress.message or 'nothing to send'}")
        if not progress.active:
            break
        time.sleep(min(60.0, max(0.5, jobs.seconds_to_next())))
    if progress.job is not None and progress.job.error:
        raise click.ClickException(f"sending stopped: {progress.job.error}")


def _sent_or_queued(round_, queued: mailings.Queued, what: str, wait: bool) -> None:
    click.echo(f"Round {round_.id}: {queued.describe(what)}.")
    if queued.count and wait:
        _send_here(round_)
    elif queued.count:
        click.echo("The server's job thread or a `flask worker` sends them (within a minute); --wait sends them "
                   "from here.")


@contacts_cli.command("import")
@click.argument("round_id", type=int)
@click.argument("file", type=click.File("rb"))
@click.option("--agency", "agency_slug", help="Read FILE as addresses only (one per line, or as a mail program "
                                              "copies them), all of this agency (slug or name).")
@click.option("--role", type=click.Choice([r.value for r in RoleLevel]), help="The role level, with --agency.")
@click.option("--language", default="", help="The language of their messages (the survey's first when omitted).")
@one_transaction
def import_contacts(round_id, file, agency_slug, role, language):
    """Add contacts from a CSV file (columns email, agency, role_level, optionally language; UTF-8 or Excel's
    CSV). The whole list is checked first: on any problem nothing is added and every problem is listed."""
    round_ = rounds.get_round(round_id)
    data = file.read()
    if agency_slug:
        if not role:
            raise ServiceError("--agency needs --role: the role level of everyone on the list")
        agency = jurisdictions.find_agency(round_.jurisdiction, agency_slug)
        read = contacts.read_pasted(round_, contacts.decode(data), agency, role, language)
    elif role or language:
        raise ServiceError("--role and --language go with --agency; a CSV file says them in its columns")
    else:
        read = contacts.read_file(round_, data)
    added = contacts.add(round_, read)
    click.echo(f"Added {len(added)} contact(s) to round {round_id}, each with a link of their own.")
    if read.ignored:
        click.echo(f"Columns left out (not stored): {', '.join(read.ignored)}.")


@contacts_cli.command("list")
@click.argument("round_id", type=int)
@click.option("--status", type=click.Choice(list(contacts.FILTERS)), default="all", show_default=True)
@click.option("--search", default="", help="Part of an address.")
@one_transaction
def list_contacts(round_id, status, search):
    """Every link of the round by agency: its address (or none, for a link given out by hand), role level,
    survey status and email status. Never an answer."""
    round_ = rounds.get_round(round_id)
    listed = contacts.people(round_, status, search)
    progress = mailings.sending(round_)
    if progress.job is not None:
        click.echo(f"Sending: {progress.message} ({mailings.job_status_label(progress.job)})")
    for group in listed.groups:
        if not group.people:
            continue
        click.echo(f"{group.agency} ({group.total}: " + ", ".join(f"{n} {state.replace('_', ' ')}"
                                                               for state, n in sorted(group.counts.items())) + ")")
        for person in group.people:
            email = person.email.label.lower() if person.email else ("not emailed" if person.contact else "")
            if person.reason and person.email is not None and person.email.value != "sent":
                email += f": {person.reason}"
            state = "revoked" if person.revoked else person.survey.label.lower()
            flags = ", opted out" if person.opted_out else ""
            click.echo(f"  {person.address or '(no address)':<40} {person.role:<26} {state:<12} {email}{flags}")
    click.echo(f"{listed.shown} of {listed.total} shown.")


@contacts_cli.command("send")
@click.argument("round_id", type=int)
@click.option("--wait", is_flag=True, help="Send them from here, printing the progress, rather than leave them "
                                           "to the server.")
@one_transaction
def send_invitations(round_id, wait):
    """Queue an invitation to every contact that has not had one."""
    round_ = rounds.get_round(round_id)
    _sent_or_queued(round_, mailings.queue_invitations(round_), "invitation", wait)


@contacts_cli.command("remind")
@click.argument("round_id", type=int)
@click.argument("emails", nargs=-1)
@click.option("--wait", is_flag=True, help="Send them from here, printing the progress.")
@one_transaction
def send_reminders(round_id, emails, wait):
    """Queue a reminder to every contact (or those named) who has not submitted, is still reachable and has had
    fewer than the round's most reminders."""
    round_ = rounds.get_round(round_id)
    chosen = [c.invitation_id for c in contacts.by_address(round_, emails)] if emails else None
    _sent_or_queued(round_, mailings.queue_reminders(round_, chosen), "reminder", wait)


@contacts_cli.command("retry")
@click.argument("round_id", type=int)
@click.option("--wait", is_flag=True, help="Send them from here, printing the progress.")
@one_transaction
def retry_messages(round_id, wait):
    """Queue again each message that failed or is unconfirmed, and resume a send that stopped."""
    round_ = rounds.get_round(round_id)
    queued = mailings.queue_retries(round_)
    if mailings.waiting(round_):
        click.echo(f"Sending resumed: {mailings.resume(round_)} message(s) were waiting.")
    _sent_or_queued(round_, queued, "message", wait)


@contacts_cli.command("revoke")
@click.argument("round_id", type=int)
@click.argument("emails", nargs=-1, required=True)
@one_transaction
def revoke_contacts(round_id, emails):
    """Revoke the links of these contacts: the links stop working and no more messages go to them."""
    round_ = rounds.get_round(round_id)
    count = contacts.revoke(round_, [c.invitation_id for c in contacts.by_address(round_, emails)])
    click.echo(f"Revoked {count} link(s) of round {round_id}.")


@contacts_cli.command("purge")
@click.argument("round_id", type=int)
@one_transaction
def purge_contacts(round_id):
    """Delete the round's addresses now (closing the round does it too); the counts stay."""
    round_ = rounds.get_round(round_id)
    click.echo(f"Deleted {contacts.purge(round_, 'on demand')} address(es) of round {round_id}; its messages that "
               "were still queued will not be sent.")


@contacts_cli.command("bounces")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@one_transaction
def record_bounces(files):
    """Read delivery reports (bounces) from .eml or mbox files (the sender mailbox's, for example from a cron job)
    and mark the messages they report as bounced, with the server's diagnostic. A report that cannot be read (too
    large, nested too deep, broken) is skipped and listed; the others are recorded."""
    done = mailings.record_bounces(mailings.read_mail_files(files))
    for skipped in done.skipped:
        click.echo(f"Skipped {skipped}.", err=True)
    click.echo(f"{done.bounced} message(s) marked bounced; {done.unknown} report(s) about messages Continuum did "
               f"not send; {done.other} other message(s) passed over; {len(done.skipped)} skipped.")


@contacts_cli.command("settings")
@click.argument("round_id", type=int)
@click.option("--facilitator", help="The name the messages come from and are signed with.")
@click.option("--reply-to", help="Where replies go.")
@click.option("--reminder-days", help="Days before the closing date for reminders, e.g. '7,2' ('' for none).")
@click.option("--max-reminders", type=int, help="The most reminders one contact gets.")
@click.option("--closes-itself/--stays-open", default=None,
              help="Whether send-due closes the round at its closing date (deleting its addresses).")
@one_transaction
def mail_settings(round_id, facilitator, reply_to, reminder_days, max_reminders, closes_itself):
    """Show the round's mail settings, or change those given."""
    round_ = rounds.get_round(round_id)
    if any(v is not None for v in (facilitator, reply_to, reminder_days, max_reminders, closes_itself)):
        mailings.save_settings(
            round_, facilitator if facilitator is not None else round_.sender_name or "",
            reply_to if reply_to is not None else round_.reply_to or "",
            reminder_days if reminder_days is not None else round_.reminder_days,
            max_reminders if max_reminders is not None else round_.max_reminders,
            closes_itself if closes_itself is not None else round_.closes_itself)
    click.echo(f"From: {round_.sender_name or '(not set)'}; reply-to: {round_.reply_to or '(not set)'}; reminders "
               f"{round_.reminder_days or 'by hand only'} day(s) before the close, at most {round_.max_reminders} "
               f"each; {'closes' if round_.closes_itself else 'does not close'} itself at its closing date")


@contacts_cli.command("template")
@click.argument("round_id", type=int)
@click.option("--kind", type=click.Choice([k.value for k in EmailKind]), default="invitation", show_default=True)
@click.option("--language", help="One of the survey's languages (its first when omitted).")
@click.option("--subject", help="A new subject (placeholders: " + ", ".join("{" + p + "}" for p in
                                                                            mailings.compose.PLACEHOLDERS) + ").")
@click.option("--body", "body_file", type=click.File("r", encoding="utf-8"), help="A file with the new message.")
@click.option("--reset", is_flag=True, help="Back to the built-in wording.")
@one_transaction
def mail_template(round_id, kind, language, subject, body_file, reset):
    """Show a round's wording of a message, or change it (then the message is written for a contact as a check)."""
    round_ = rounds.get_round(round_id)
    kind, language = EmailKind(kind), language or mailings.languages_of(round_)[0]
    current = mailings.template_of(round_, kind, language)
    if reset:
        mailings.reset_template(round_, kind, language)
    elif subject is not None or body_file is not None:
        mailings.save_template(round_, kind, language, current.subject if subject is None else subject,
                               current.body if body_file is None else body_file.read())
    current = mailings.template_of(round_, kind, language)
    click.echo(f"{kind.label} ({language}, {'this round' if current.custom else 'built in'})")
    click.echo(f"Subject: {current.subject}\n\n{current.body}")


@click.command("send-due")
@click.option("--wait", is_flag=True, help="Send what was queued from here rather than leave it to the server.")
@one_transaction
def send_due_command(wait):
    """What is due now, for a cron job or a systemd timer: close the rounds whose closing date has passed (and
    delete their addresses), queue the reminders of each round's schedule, resume sending that stopped."""
    done = mailings.send_due()
    for line in done:
        click.echo(line)
    if not done:
        click.echo("Nothing is due.")
    if wait:
        db.session.commit()
        jobs.run_pending(kinds=(mailings.KIND,))


def init_app(app: Flask) -> None:
    for command in (init_db_command, seed_demo, invite, scores_command, compare_command, import_responses_command,
                    report_command, worker_command, export_round_command, import_round_command, send_due_command,
                    jurisdiction_cli, agency_cli, round_cli, questionnaire_cli, user_cli, contacts_cli):
        app.cli.add_command(command)
