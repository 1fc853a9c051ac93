"""A round's contacts and their messages: imported, sent, reminded, revoked, purged; bounces."""
from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from ..commandline import one_transaction
from ..db import db
from ..services import ServiceError, jobs, lookups
from ..vocabulary import EmailKind, RoleLevel
from . import contacts, mailings

contacts_cli = AppGroup("contacts", help="A round's contacts: import them, send their invitations and reminders, list "
                                         "their status, revoke their links, delete their addresses.")


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
    round_ = lookups.get_round(round_id)
    data = file.read()
    if agency_slug:
        if not role:
            raise ServiceError("--agency needs --role: the role level of everyone on the list")
        agency = lookups.find_agency(round_.jurisdiction, agency_slug)
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
    round_ = lookups.get_round(round_id)
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
    round_ = lookups.get_round(round_id)
    _sent_or_queued(round_, mailings.queue_invitations(round_), "invitation", wait)


@contacts_cli.command("remind")
@click.argument("round_id", type=int)
@click.argument("emails", nargs=-1)
@click.option("--wait", is_flag=True, help="Send them from here, printing the progress.")
@one_transaction
def send_reminders(round_id, emails, wait):
    """Queue a reminder to every contact (or those named) who has not submitted, is still reachable and has had
    fewer than the round's most reminders."""
    round_ = lookups.get_round(round_id)
    chosen = [c.invitation_id for c in contacts.by_address(round_, emails)] if emails else None
    _sent_or_queued(round_, mailings.queue_reminders(round_, chosen), "reminder", wait)


@contacts_cli.command("retry")
@click.argument("round_id", type=int)
@click.option("--wait", is_flag=True, help="Send them from here, printing the progress.")
@one_transaction
def retry_messages(round_id, wait):
    """Queue again each message that failed or is unconfirmed, and resume a send that stopped."""
    round_ = lookups.get_round(round_id)
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
    round_ = lookups.get_round(round_id)
    count = contacts.revoke(round_, [c.invitation_id for c in contacts.by_address(round_, emails)])
    click.echo(f"Revoked {count} link(s) of round {round_id}.")


@contacts_cli.command("purge")
@click.argument("round_id", type=int)
@one_transaction
def purge_contacts(round_id):
    """Delete the round's addresses now (closing the round does it too); the counts stay."""
    round_ = lookups.get_round(round_id)
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
    round_ = lookups.get_round(round_id)
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
    round_ = lookups.get_round(round_id)
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
