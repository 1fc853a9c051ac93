"""Sending a round's invitations and reminders.

Every message is first a row (`Email`), queued; a background job sends the queued rows of a round, by the same
mechanism that renders reports (`jobs`: one job of kind "mail" per round at a time, claimed by one worker, so that
several servers on one PostgreSQL never send a round's messages twice). The job sends at a steady rate
(MAIL_RATE messages a second) for one step of at most MAIL_STEP_SECONDS, then queues itself again behind any job
that fell due meanwhile: a thousand messages never hold up a report for more than one step.

Each message is recorded as `sending` just before its content goes to the mail server and as sent (or failed,
with the server's answer) just after. A step that is cut off (the process killed, the machine gone) leaves at
most one message `sending`: the next step marks it `unconfirmed` (it may or may not have arrived) instead of
sending it twice, and sends the rest, each once. A temporary failure (a 4xx answer) puts the message back in the
queue for later, MAIL_MAX_TRIES times at most with a growing pause; a refusal (5xx) is final. A mail server that
cannot be reached stops the step, and the job is retried later (the messages wait in the queue).
"""
from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Iterable, Optional

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from .. import catalog
from ..db import db, hold
from ..mail import addresses, compose, transport
from ..models import Contact, Email, EmailTemplate, Job, Round, utcnow
from ..services import ServiceError, audit, jobs
from ..text import clean
from ..vocabulary import EmailKind, EmailStatus, InvitationStatus, JobStatus, RoundStatus
from . import contacts, outbox

KIND = "mail"
#: Statuses of a message that is on its way or has gone (another of its kind is not queued then).
ON_ITS_WAY = (EmailStatus.QUEUED, EmailStatus.SENDING)
COUNTED = (EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.SENT, EmailStatus.UNCONFIRMED)
#: A scheduled reminder skips someone emailed less than this long ago.
MIN_GAP = dt.timedelta(days=1)
MAX_REMINDERS = 10
#: A reminder by hand to someone emailed this recently is confirmed first (it uses up one of their reminders).
RECENT = dt.timedelta(days=3)
#: Seconds between two progress reports of a send (each counts the job's messages; the step's end reports too).
PROGRESS_EVERY = 1.0


class MailConfigurationError(RuntimeError):
    """A mail setting that cannot work; the app refuses to start with it."""


def init_app(app) -> None:
    """Mail settings (FLASK_MAIL_...); with no MAIL_SERVER, messages are written to instance/outbox/."""
    app.config.setdefault("MAIL_SERVER", None)
    app.config.setdefault("MAIL_OUTBOX", os.path.join(app.instance_path, "outbox"))
    app.config.setdefault("MAIL_FROM", None)
    app.config.setdefault("MAIL_RATE", 1.0)
    app.config.setdefault("MAIL_STEP_SECONDS", 10.0)
    app.config.setdefault("MAIL_RETRY_SECONDS", 60.0)
    app.config.setdefault("MAIL_MAX_TRIES", 5)
    security = app.config.setdefault("MAIL_SECURITY", "starttls")
    if security not in transport.SECURITY:
        raise MailConfigurationError(f"FLASK_MAIL_SECURITY must be one of {', '.join(transport.SECURITY)}, "
                                     f"not {security!r}")
    if app.config["MAIL_SERVER"]:
        sender = app.config["MAIL_FROM"]
        if not sender or addresses.problem(str(sender)):
            raise MailConfigurationError("FLASK_MAIL_SERVER is set, so FLASK_MAIL_FROM must be the address "
                                         "messages are sent from (for example surveys@agency.gov)")
        if app.config.get("MAIL_USERNAME") and security == "none":
            raise MailConfigurationError("FLASK_MAIL_SECURITY=none would send the mail login in clear: use "
                                         "starttls or tls")


def sender_address() -> str:
    return str(current_app.config["MAIL_FROM"] or "continuum@localhost")


def key(round_: Round) -> str:
    return f"round:{round_.id}"


def outbox_in_use() -> bool:
    return not current_app.config["MAIL_SERVER"]


# --- settings and templates --------------------------------------------------------------------------------

def parse_days(text: str) -> list[int]:
    """"7, 2" -> [7, 2]: whole numbers of days before the closing date, largest first."""
    days = set()
    for piece in text.replace(";", ",").split(","):
        piece = piece.strip()
        if not piece:
            continue
        if not (piece.isascii() and piece.isdigit() and len(piece) <= 3) or not 1 <= int(piece) <= 365:
            raise ServiceError(f"reminder days are whole numbers of days before the closing date, from 1 to 365, "
                               f"such as 7, 2 ({piece!r} is not)")
        days.add(int(piece))
    return sorted(days, reverse=True)


def save_settings(round_: Round, sender_name: str, reply_to: str, reminder_days: str, max_reminders: int,
                  closes_itself: bool) -> None:
    name = " ".join(clean(sender_name or "").split())
    reply_to = clean(reply_to or "").strip()
    if bracketed := re.fullmatch(r'[^<>]*<([^<>]*)>\s*', reply_to):  # "Dana <dana@county.gov>", as mail programs copy
        reply_to = bracketed.group(1)
    reply_to = addresses.normal(reply_to)
    problems = []
    if not name:
        problems.append("the facilitator's name is empty (it signs the messages)")
    elif re.search(r"[<>@]", name):
        problems.append("the facilitator's name holds <, > or @: write the name alone (an address beside the name "
                        "could pass for the sender's)")
    elif compose.encoded_word_problem(name, "facilitator's name"):
        problems.append(compose.encoded_word_problem(name, "facilitator's name"))
    elif len(name) > 200:
        problems.append("the facilitator's name is longer than 200 characters")
    if addresses.problem(reply_to):
        problems.append(f"the reply-to address is not an email address: {addresses.problem(reply_to)}")
    try:
        days = parse_days(clean(reminder_days or ""))
    except ServiceError as exc:
        problems.append(str(exc))
        days = []
    if not 0 <= max_reminders <= MAX_REMINDERS:
        problems.append(f"the number of reminders is from 0 to {MAX_REMINDERS}")
    if problems:
        raise ServiceError("; ".join(problems))
    round_.sender_name, round_.reply_to = name, reply_to
    round_.reminder_days, round_.max_reminders = ",".join(str(d) for d in days), max_reminders
    round_.closes_itself = closes_itself
    audit.record("mail_settings_changed", f"round {round_.id}",
                 f"sender {name}, reminders {round_.reminder_days or 'none'} days before the close (at most "
                 f"{max_reminders}), {'closes' if closes_itself else 'does not close'} itself")
    db.session.flush()


@dataclass(frozen=True)
class Template:
    kind: EmailKind
    language: str
    subject: str
    body: str
    #: Whether the round has its own wording (else the built-in one).
    custom: bool


def template_of(round_: Round, kind: EmailKind, language: str) -> Template:
    own = db.session.scalar(select(EmailTemplate).where(EmailTemplate.round_id == round_.id,
                                                        EmailTemplate.kind == kind,
                                                        EmailTemplate.language == language))
    if own is not None:
        return Template(kind, language, own.subject, own.body, True)
    subject, body = compose.default_template(kind, language)
    return Template(kind, language, subject, body, False)


def languages_of(round_: Round) -> tuple[str, ...]:
    return catalog.of_round(round_).languages


def save_template(round_: Round, kind: EmailKind, language: str, subject: str, body: str) -> None:
    if language not in languages_of(round_):
        raise ServiceError(f"{language!r} is not a language of this survey")
    subject, body = clean(subject).strip(), clean(body).replace("\r\n", "\n").strip()
    problems = compose.template_problems(subject, body)
    if problems:
        raise ServiceError(" ".join(problems))
    own = db.session.scalar(select(EmailTemplate).where(EmailTemplate.round_id == round_.id,
                                                        EmailTemplate.kind == kind,
                                                        EmailTemplate.language == language))
    if own is None:
        own = EmailTemplate(round_id=round_.id, kind=kind, language=language)
        db.session.add(own)
    own.subject, own.body = subject, body
    audit.record("email_template_changed", f"round {round_.id}", f"{kind.label} ({language}): {subject}")
    db.session.flush()


def reset_template(round_: Round, kind: EmailKind, language: str) -> None:
    """Back to the built-in wording."""
    for own in db.session.scalars(select(EmailTemplate).where(EmailTemplate.round_id == round_.id,
                                                              EmailTemplate.kind == kind,
                                                              EmailTemplate.language == language)):
        db.session.delete(own)
    audit.record("email_template_changed", f"round {round_.id}", f"{kind.label} ({language}): the built-in wording")
    db.session.flush()


def letter(round_: Round, kind: EmailKind, language: str, agency: str, link: str, opt_out_link: str,
           started: bool = False, subject: Optional[str] = None, body: Optional[str] = None) -> compose.Letter:
    """What one message says (with `subject` and `body` in place of the round's template, for a preview)."""
    template = template_of(round_, kind, language)
    return compose.Letter(
        kind=kind, language=language, subject=template.subject if subject is None else subject,
        body=template.body if body is None else body, jurisdiction=round_.jurisdiction.name,
        round_title=round_.title, agency=agency, closes_at=round_.closes_at,
        facilitator=round_.sender_name or "the facilitator", min_group_size=round_.min_group_size, link=link,
        opt_out_link=opt_out_link, started=started, time_zone=round_.jurisdiction.time_zone)


# --- queueing ----------------------------------------------------------------------------------------------

def schedule_problem(round_: Round, now: Optional[dt.datetime] = None) -> Optional[str]:
    """Why the round's scheduled invitations will not go (or did not, when their time has passed), or None."""
    if round_.invite_at is None or round_.status == RoundStatus.CLOSED:
        return None
    late = (round_.invite_at <= (now or utcnow()))
    reason = None
    if not round_.sender_name or not round_.reply_to:
        reason = "no one is named as their sender (the Messages tab)"
    elif round_.status == RoundStatus.DRAFT and len(round_.jurisdiction.agencies) < 2:
        reason = f"the round cannot open: {round_.jurisdiction.name} needs at least two agencies"
    elif round_.status == RoundStatus.DRAFT and round_.closes_at is not None and round_.closes_at <= round_.invite_at:
        reason = "the round would close before they go"
    if reason is None:
        return None
    return ("The scheduled invitations were due and did not go: " if late else
            "The scheduled invitations will not go unless this changes: ") + reason + "."


def ready_problem(round_: Round) -> Optional[str]:
    """Why the round's messages cannot be sent now, or None."""
    availability = round_.availability()
    if availability == "closed":
        return f"round {round_.id} is closed: it sends no more messages"
    if availability == "not_yet":
        return "open the round first, so that the links work when the messages arrive"
    if not round_.sender_name or not round_.reply_to:
        return "say who the messages come from first: the facilitator's name and the reply-to address"
    return None


def _job_for(round_: Round) -> Job:
    """The round's unfinished sending job, or a new one. The job's row is locked (on PostgreSQL) so that a step
    finishing at this moment either sees the messages queued now or is seen finished (and a new job is made)."""
    job = jobs.enqueue(KIND, key(round_), {"round": round_.id})
    hold(Job, job.id)
    db.session.refresh(job)
    if job.status not in jobs.UNFINISHED:
        job = jobs.enqueue(KIND, key(round_), {"round": round_.id})
    return job


def _queue(round_: Round, chosen: Iterable[Contact], kind: EmailKind, slot: Optional[int] = None) -> int:
    chosen = list(chosen)
    if not chosen:
        return 0
    job = _job_for(round_)
    now = utcnow()
    db.session.add_all(Email(round_id=round_.id, contact_id=c.id, kind=kind, slot=slot, job_id=job.id,
                             queued_at=now, not_before=now) for c in chosen)
    db.session.flush()
    return len(chosen)


@dataclass
class ContactState:
    """What a contact has had, from its emails."""

    invited_at: Optional[dt.datetime] = None
    pending: bool = False
    reminders: int = 0
    slots: set = field(default_factory=set)
    last_sent: Optional[dt.datetime] = None
    latest: Optional[EmailStatus] = None
    latest_kind: Optional[EmailKind] = None
    any_invitation: bool = False


def _states(round_: Round) -> dict[int, ContactState]:
    states: dict[int, ContactState] = {}
    for email in db.session.execute(select(Email.contact_id, Email.kind, Email.status, Email.slot, Email.sent_at)
                                    .where(Email.round_id == round_.id).order_by(Email.id)):
        state = states.setdefault(email.contact_id, ContactState())
        if email.status in ON_ITS_WAY:
            state.pending = True
        if email.kind == EmailKind.INVITATION:
            state.any_invitation = state.any_invitation or email.status != EmailStatus.CANCELLED
            if email.status == EmailStatus.SENT and state.invited_at is None:
                state.invited_at = email.sent_at
        elif email.status in COUNTED:
            state.reminders += 1
            if email.slot is not None:
                state.slots.add(email.slot)
        if email.sent_at is not None:
            state.last_sent = max(filter(None, (state.last_sent, email.sent_at)))
        if email.status != EmailStatus.CANCELLED:
            state.latest, state.latest_kind = email.status, email.kind
    return states


def _contacts(round_: Round, invitation_ids: Optional[Iterable[int]] = None) -> list[Contact]:
    query = (select(Contact).options(joinedload(Contact.invitation)).where(Contact.round_id == round_.id)
             .order_by(Contact.id))
    if invitation_ids is not None:
        query = query.where(Contact.invitation_id.in_(list(invitation_ids)))
    return list(db.session.scalars(query))


def _unreachable(contact: Contact) -> Optional[str]:
    """Why no message may go to the contact at all, or None."""
    if contact.email is None:
        return "address deleted"
    if contact.opted_out_at is not None:
        return "opted out"
    if contact.invitation.revoked_at is not None:
        return "link revoked"
    if contact.invitation.status == InvitationStatus.SUBMITTED:
        return "submitted"
    return None


@dataclass(frozen=True)
class Queued:
    count: int
    #: reason -> how many contacts were left out for it
    skipped: dict[str, int]

    def describe(self, what: str) -> str:
        text = f"{self.count} {what}{'' if self.count == 1 else 's'} queued"
        if self.skipped:
            text += "; left out: " + ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        return text


def _refuse_unless_ready(round_: Round) -> None:
    """Refuse to queue for a round that cannot send; otherwise hold the round until the caller commits, so that
    two clicks (or a click and `send-due`) never queue the same message twice."""
    hold(Round, round_.id)
    problem = ready_problem(round_)
    if problem:
        raise ServiceError(problem)


def _choose_invitations(round_: Round, states: dict[int, ContactState],
                        invitation_ids: Optional[Iterable[int]] = None) -> tuple[list[Contact], Counter]:
    chosen, skipped = [], Counter()
    for contact in _contacts(round_, invitation_ids):
        state = states.get(contact.id)
        reason = _unreachable(contact) or ("already invited" if state and state.any_invitation else None)
        if reason:
            skipped[reason] += 1
        else:
            chosen.append(contact)
    return chosen, skipped


def queue_invitations(round_: Round, invitation_ids: Optional[Iterable[int]] = None) -> Queued:
    """Queue an invitation to every contact (or every chosen one) that has not had one."""
    _refuse_unless_ready(round_)
    chosen, skipped = _choose_invitations(round_, _states(round_), invitation_ids)
    queued = Queued(_queue(round_, chosen, EmailKind.INVITATION), dict(skipped))
    audit.record("emails_queued", f"round {round_.id}", queued.describe("invitation"))
    return queued


def queue_retries(round_: Round) -> Queued:
    """Queue the last message again to each contact whose last one failed or is unconfirmed."""
    _refuse_unless_ready(round_)
    states = _states(round_)
    by_kind: dict[EmailKind, list[Contact]] = {EmailKind.INVITATION: [], EmailKind.REMINDER: []}
    skipped = Counter()
    for contact in _contacts(round_):
        state = states.get(contact.id)
        if state is None or state.pending or state.latest not in (EmailStatus.FAILED, EmailStatus.UNCONFIRMED):
            continue
        reason = _unreachable(contact)
        if reason:
            skipped[reason] += 1
        else:
            by_kind[state.latest_kind].append(contact)
    count = sum(_queue(round_, chosen, kind) for kind, chosen in by_kind.items())
    queued = Queued(count, dict(skipped))
    audit.record("emails_queued", f"round {round_.id}", queued.describe("message") + " again")
    return queued


def _choose_reminders(round_: Round, states: dict[int, ContactState], invitation_ids: Optional[Iterable[int]],
                      slot: Optional[int], now: dt.datetime, leave_out_recent: bool = False
                      ) -> tuple[list[Contact], Counter]:
    due_at = round_.closes_at - dt.timedelta(days=slot) if slot is not None else None
    chosen, skipped = [], Counter()
    for contact in _contacts(round_, invitation_ids):
        state = states.get(contact.id) or ContactState()
        reason = _unreachable(contact)
        if reason is None:
            if state.invited_at is None:
                reason = "not invited yet"
            elif state.pending:
                reason = "with a message on its way"
            elif state.reminders >= round_.max_reminders:
                reason = f"reminded {round_.max_reminders} time(s) already"
            elif slot is not None and slot in state.slots:
                reason = "already reminded for this date"
            elif due_at is not None and state.invited_at > due_at:
                reason = "invited after this reminder fell due"
            elif slot is not None and state.last_sent and state.last_sent > now - MIN_GAP:
                reason = "emailed within the last day"
            elif leave_out_recent and state.last_sent and state.last_sent > now - RECENT:
                reason = f"emailed in the last {RECENT.days} days"
        if reason:
            skipped[reason] += 1
        else:
            chosen.append(contact)
    return chosen, skipped


def queue_reminders(round_: Round, invitation_ids: Optional[Iterable[int]] = None, slot: Optional[int] = None,
                    now: Optional[dt.datetime] = None, leave_out_recent: bool = False) -> Queued:
    """Queue a reminder to each contact (or each chosen one) who has not submitted, was invited, has nothing on its
    way and has had fewer than the round's most reminders. A scheduled one (`slot`: days before the close) also
    skips those invited after it fell due, already reminded for it, or emailed within the last day; one by hand
    skips those emailed in the last RECENT days when asked to (`leave_out_recent`, offered by `preview`)."""
    _refuse_unless_ready(round_)
    now = now or utcnow()
    chosen, skipped = _choose_reminders(round_, _states(round_), invitation_ids, slot, now, leave_out_recent)
    queued = Queued(_queue(round_, chosen, EmailKind.REMINDER, slot), dict(skipped))
    if queued.count or slot is None:  # send-due runs often: a schedule with no one left to remind is no event
        how = f"scheduled {slot} day(s) before the close" if slot is not None else "by hand"
        audit.record("reminders_queued", f"round {round_.id}", f"{queued.describe('reminder')} ({how})")
    return queued


@dataclass(frozen=True)
class SendPreview:
    """What a send would do, for the confirmation before it: how many get it and who is left out, how many of them
    were emailed recently (reminders), and the languages whose built-in wording they would get while the round's
    own wording was written for another language."""

    kind: EmailKind
    count: int
    skipped: dict[str, int]
    recent: int
    recent_latest: Optional[dt.datetime]
    built_in_beside_custom: dict[str, int]


def preview(round_: Round, kind: EmailKind, invitation_ids: Optional[Iterable[int]] = None,
            now: Optional[dt.datetime] = None) -> SendPreview:
    now = now or utcnow()
    states = _states(round_)
    if kind == EmailKind.INVITATION:
        chosen, skipped = _choose_invitations(round_, states, invitation_ids)
    else:
        chosen, skipped = _choose_reminders(round_, states, invitation_ids, None, now)
    recent = [states[c.id].last_sent for c in chosen
              if c.id in states and states[c.id].last_sent and states[c.id].last_sent > now - RECENT]
    custom = {lang for lang in languages_of(round_) if template_of(round_, kind, lang).custom}
    built_in = Counter(c.language for c in chosen if custom and c.language not in custom)
    return SendPreview(kind, len(chosen), dict(skipped), len(recent), max(recent, default=None), dict(built_in))


def send_test(round_: Round, kind: EmailKind, language: str, to: str) -> str:
    """Send the round's message of `kind` in `language`, as it stands, to `to` (the signed-in facilitator) now,
    marked as a test, with a link that opens no survey. Returns where it went (the mail server, or the outbox)."""
    if language not in languages_of(round_):
        raise ServiceError(f"{language!r} is not a language of this survey")
    if not round_.sender_name or not round_.reply_to:
        raise ServiceError("say who the messages come from first: the facilitator's name and the reply-to address")
    if addresses.problem(to):
        raise ServiceError(f"your account's address cannot take a test: {addresses.problem(to)}")
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    agency = round_.jurisdiction.agencies[0].name if round_.jurisdiction.agencies else "Your agency"
    template = template_of(round_, kind, language)
    written = letter(round_, kind, language, agency, f"{base}/s/this-is-a-test-link", f"{base}/s/this-is-a-test-link"
                     "/opt-out", started=False, subject="[Test] " + template.subject)
    sender = sender_address()
    mail = compose.message(written, sender, to, round_.reply_to,
                           make_msgid(idstring=f"continuum.{round_.id}.test", domain=sender.rpartition("@")[2]))
    mailer = transport.from_config(current_app.config)
    try:
        # an outbox name of its own (a 0 where an email's id goes, which no real id starts with)
        mailer.send(mail, sender, to, lambda: True, f"round{round_.id}-0{time.time_ns() % 10**9}-{kind.value}")
        outbox.record(round_.id, mailer, mail, to)
    except transport.SendFailure as exc:
        raise ServiceError(f"the test did not go: {_without_address(exc.reason, to)}") from None
    finally:
        mailer.close()
    audit.record("test_email_sent", f"round {round_.id}", f"{kind.label} ({language}) to the signed-in account")
    db.session.flush()
    return "the outbox" if outbox_in_use() else "the mail server"


# --- sending -----------------------------------------------------------------------------------------------

#: Anything shaped like an address in a mail server's words (its own postmaster's, or a forwarding address).
ADDRESS_SHAPED = re.compile(r"[^\s<>()\[\];:,\"']+@[^\s<>()\[\];:,\"']+")


def _without_address(reason: str, address: Optional[str] = None) -> str:
    """A server's answer with the address taken out (answers often quote it), and any other address too: addresses
    live in contacts only, and a report read after they were deleted must not bring one back."""
    if address:
        found = reason.lower().find(address.lower())
        while found >= 0:
            reason = reason[:found] + "<the address>" + reason[found + len(address):]
            found = reason.lower().find(address.lower())
    return ADDRESS_SHAPED.sub("[an address]", reason)[:1000]


def _settle_interrupted(round_: Round) -> None:
    """A message still `sending` when a step begins was cut off by the end of the step that sent it."""
    db.session.execute(update(Email).where(Email.round_id == round_.id, Email.status == EmailStatus.SENDING)
                       .values(status=EmailStatus.UNCONFIRMED,
                               reason="the sender stopped while the mail server was taking this message: it may "
                                      "or may not have arrived, so it is not sent again by itself")
                       .execution_options(synchronize_session=False))
    db.session.commit()


def _next_due(round_: Round) -> Optional[Email]:
    return db.session.scalar(select(Email).options(joinedload(Email.contact).joinedload(Contact.invitation))
                             .where(Email.round_id == round_.id, Email.status == EmailStatus.QUEUED,
                                    Email.not_before <= utcnow()).order_by(Email.not_before, Email.id).limit(1))


def _send_one(round_: Round, email: Email, mailer: transport.Transport) -> None:
    """Send one queued message and record the outcome (committed). Raises transport.Unreachable, with the
    message back in the queue, when the mail server cannot be reached."""
    config = current_app.config
    contact = email.contact
    reason = _unreachable(contact) or (None if round_.availability() == "open" else "the round is not open")
    if reason is not None:
        email.status, email.reason = EmailStatus.CANCELLED, f"not sent: {reason}"
        db.session.commit()
        return
    link, opt_out_link = contacts.links_of(contact)
    sender = sender_address()
    message_id = make_msgid(idstring=f"continuum.{round_.id}.{email.id}", domain=sender.rpartition("@")[2])
    try:
        mail = compose.message(letter(round_, email.kind, contact.language, contact.invitation.agency.name, link,
                                      opt_out_link, started=contact.invitation.status == InvitationStatus.IN_PROGRESS),
                               sender, contact.email, round_.reply_to, message_id)
    except (ValueError, TypeError, LookupError) as exc:  # one bad value fails its message, never the round's send
        email.status = EmailStatus.FAILED
        email.reason = _without_address(f"the message could not be written ({exc}): check the sender's name, the "
                                        "reply-to address and the wording on the Messages tab", contact.email)
        db.session.commit()
        return

    def before_data() -> bool:
        """The message is about to go: say so first (a conditional update: no other sender has taken it)."""
        taken = db.session.execute(update(Email).where(Email.id == email.id, Email.status == EmailStatus.QUEUED)
                                   .values(status=EmailStatus.SENDING, message_id=message_id)
                                   .execution_options(synchronize_session=False))
        db.session.commit()
        return taken.rowcount == 1

    recipient = contact.email  # as written into the message: a purge may delete it while it goes
    try:
        handed = mailer.send(mail, sender, recipient, before_data, f"round{round_.id}-{email.id}-{email.kind}")
    except transport.Unreachable:
        db.session.rollback()
        raise
    except transport.SendFailure as exc:
        db.session.refresh(email)
        email.tries += 1
        email.reason = _without_address(exc.reason, contact.email)
        if isinstance(exc, transport.Temporary) and email.tries < int(config["MAIL_MAX_TRIES"]):
            pause = float(config["MAIL_RETRY_SECONDS"]) * 2 ** (email.tries - 1)
            email.status, email.not_before = EmailStatus.QUEUED, utcnow() + dt.timedelta(seconds=pause)
        elif isinstance(exc, transport.Temporary):
            email.status = EmailStatus.FAILED
            email.reason += f" (still refused after {email.tries} tries)"
        elif isinstance(exc, transport.Interrupted):
            email.status = EmailStatus.UNCONFIRMED
        else:
            email.status = EmailStatus.FAILED
    else:
        db.session.refresh(email)
        if handed:
            email.tries += 1
            email.status, email.sent_at, email.reason = EmailStatus.SENT, utcnow(), None
            outbox.record(round_.id, mailer, mail, recipient)
    db.session.commit()


def job_progress(job_id: int) -> tuple[int, int, str]:
    """(done, total, "sent 37 of 120 ...") over the messages a job was given."""
    counts = Counter(dict(db.session.execute(select(Email.status, func.count(Email.id)).where(Email.job_id == job_id)
                                             .group_by(Email.status)).all()))
    total = sum(counts.values())
    waiting = counts[EmailStatus.QUEUED] + counts[EmailStatus.SENDING]
    message = f"sent {counts[EmailStatus.SENT]} of {total - counts[EmailStatus.CANCELLED]}"
    troubles = [f"{counts[s]} {s.label.lower()}" for s in (EmailStatus.FAILED, EmailStatus.BOUNCED,
                                                            EmailStatus.UNCONFIRMED) if counts[s]]
    return total - waiting, total, message + (f" ({', '.join(troubles)})" if troubles else "")


@jobs.handler(KIND)
def send_step(payload: dict, progress) -> Optional[dt.datetime]:
    """One step of sending a round's queued messages: at most MAIL_STEP_SECONDS at MAIL_RATE messages a second.
    Returns when to go on (now, behind other jobs, or when the next retry falls due), or None when all is sent."""
    round_ = db.session.get(Round, payload["round"])
    if round_ is None:
        return None
    config = current_app.config
    job = jobs.unfinished(KIND, key(round_))
    _settle_interrupted(round_)
    rate = float(config["MAIL_RATE"])
    pace = 1 / rate if rate > 0 else 0.0
    deadline = time.monotonic() + float(config["MAIL_STEP_SECONDS"])
    next_at = time.monotonic()
    reported = float("-inf")
    mailer = transport.from_config(config)
    try:
        while time.monotonic() < deadline:
            email = _next_due(round_)
            if email is None:
                break
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at + pace, time.monotonic() - pace)
            _send_one(round_, email, mailer)
            if job is not None and time.monotonic() - reported >= PROGRESS_EVERY:
                progress(*job_progress(job.id))  # a count over the job's messages: not after each of hundreds
                reported = time.monotonic()
    finally:
        mailer.close()
    if job is not None:  # lock the job's row: a request queueing messages now waits, then sees it finished
        hold(Job, job.id)
        progress_now = job_progress(job.id)
        db.session.execute(update(Job).where(Job.id == job.id).values(
            done=progress_now[0], total=progress_now[1], message=progress_now[2])
            .execution_options(synchronize_session=False))
    due = db.session.scalar(select(func.min(Email.not_before)).where(Email.round_id == round_.id,
                                                                      Email.status == EmailStatus.QUEUED))
    return None if due is None else max(due, utcnow())


# --- bounces ------------------------------------------------------------------------------------------------

#: A delivery report larger than this, or nested deeper, is no report a mail server writes: it is skipped.
MAX_REPORT_BYTES = 1024 * 1024
MAX_REPORT_DEPTH = 8


@dataclass
class Bounces:
    """What reading delivery reports did: messages marked bounced, reports of messages Continuum did not send,
    other messages passed over, and the reports skipped (each with where it was and why)."""

    bounced: int = 0
    unknown: int = 0
    other: int = 0
    skipped: list[str] = field(default_factory=list)


def _depth_within(message: EmailMessage, limit: int) -> bool:
    """Whether the message's parts nest no deeper than `limit` (walked without recursion)."""
    stack = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > limit:
            return False
        payload = part.get_payload() if part.is_multipart() or part.get_content_maintype() == "message" else None
        if isinstance(payload, list):
            stack += [(p, depth + 1) for p in payload if isinstance(p, EmailMessage)]
        elif isinstance(payload, EmailMessage):
            stack.append((payload, depth + 1))
    return True


def _bounce_of(report: EmailMessage) -> Optional[tuple[str, str]]:
    """(the Message-ID it reports as failed, the server's diagnostic), or None when it is no such report."""
    if report.get_content_type() != "multipart/report":
        return None
    parts = list(report.walk())
    status = next((p for p in parts if p.get_content_type() == "message/delivery-status"), None)
    original = next((p for p in parts if p.get_content_type() in ("message/rfc822", "text/rfc822-headers")), None)
    if status is None or original is None:
        return None
    failed = [f for f in status.get_payload()[1:] if str(f.get("Action", "")).strip().lower() == "failed"]
    if not failed:
        return None
    headers = (original.get_payload(0) if original.get_content_type() == "message/rfc822"
               else message_from_string(original.get_payload(decode=True).decode("utf-8", "replace")))
    diagnostic = " ".join(str(failed[0].get("Diagnostic-Code") or failed[0].get("Status") or "").split())
    return str(headers.get("Message-ID", "")).strip(), diagnostic


def record_bounces(raw_reports: Iterable[tuple[str, bytes]]) -> Bounces:
    """Delivery status notifications (RFC 3464: the reports mail servers send back to the sender's mailbox when a
    message could not be delivered after they took it), each (where it was, its bytes): each report of a failed
    delivery marks the message it names (by its Message-ID) bounced, with the server's diagnostic. Anyone can mail
    the sending mailbox, so each report is read on its own, within size and depth limits, in a savepoint of its
    own: a hostile or broken one is skipped and said, and the others are recorded all the same."""
    done = Bounces()
    for where, raw in raw_reports:
        if len(raw) > MAX_REPORT_BYTES:
            done.skipped.append(f"{where}: larger than {MAX_REPORT_BYTES // 1024} KiB, no delivery report")
            continue
        if raw.lower().count(b"multipart/") > 4 * MAX_REPORT_DEPTH:  # before parsing: the parser itself recurses
            done.skipped.append(f"{where}: its parts nest more than {MAX_REPORT_DEPTH} deep, no delivery report")
            continue
        try:
            report = message_from_bytes(raw, policy=policy.default)
            if not _depth_within(report, MAX_REPORT_DEPTH):
                done.skipped.append(f"{where}: its parts nest more than {MAX_REPORT_DEPTH} deep, no delivery report")
                continue
            found = _bounce_of(report)
        except Exception as exc:  # noqa: BLE001 - a message anyone can send must not stop the others
            done.skipped.append(f"{where}: not readable ({type(exc).__name__})")
            continue
        if found is None:
            done.other += 1
            continue
        message_id, diagnostic = found
        with db.session.begin_nested():
            email = db.session.scalar(select(Email).where(Email.message_id == message_id)) if message_id else None
            if email is None:
                done.unknown += 1
                continue
            address = email.contact.email
            email.status = EmailStatus.BOUNCED
            email.reason = f"bounced: {_without_address(diagnostic, address)}" if diagnostic else "bounced"
            done.bounced += 1
    if done.bounced:
        audit.record("emails_bounced", "", f"{done.bounced} message(s) marked bounced from delivery reports")
    db.session.flush()
    return done


def read_mail_files(paths: Iterable[str]) -> Iterable[tuple[str, bytes]]:
    """Each message of .eml files and mbox files as (where, its bytes), never parsed here."""
    import mailbox

    for path in paths:
        with open(path, "rb") as file:
            head = file.read(5)
        if head.startswith(b"From "):
            box = mailbox.mbox(path, create=False)
            for n, key in enumerate(box.iterkeys(), start=1):
                yield f"{path}, message {n}", box.get_bytes(key)
        else:
            with open(path, "rb") as file:
                yield path, file.read()


# --- what the console shows --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sending:
    """The round's latest sending job and where its messages stand."""

    job: Optional[Job]
    done: int = 0
    total: int = 0
    message: str = ""

    @property
    def active(self) -> bool:
        return self.job is not None and self.job.status in jobs.UNFINISHED


def sending(round_: Round) -> Sending:
    job = jobs.latest(KIND, key(round_))
    if job is None:
        return Sending(None)
    return Sending(job, *job_progress(job.id))


def waiting(round_: Round) -> int:
    """Messages queued with no job to send them (it stopped after failing): `resume` sends them."""
    if jobs.unfinished(KIND, key(round_)) is not None:
        return 0
    return db.session.scalar(select(func.count(Email.id)).where(Email.round_id == round_.id,
                                                                Email.status == EmailStatus.QUEUED))


def resume(round_: Round) -> int:
    """Give the round's queued messages to a new job (after one stopped); returns how many."""
    _refuse_unless_ready(round_)
    job = _job_for(round_)
    count = db.session.execute(update(Email).where(Email.round_id == round_.id, Email.status == EmailStatus.QUEUED)
                               .values(job_id=job.id, not_before=utcnow())
                               .execution_options(synchronize_session=False)).rowcount
    audit.record("emails_queued", f"round {round_.id}", f"sending resumed: {count} message(s)")
    db.session.flush()
    return count


def job_status_label(job: Optional[Job]) -> str:
    return "" if job is None else {JobStatus.QUEUED: "waiting", JobStatus.RUNNING: "sending",
                                   JobStatus.DONE: "done", JobStatus.FAILED: "stopped"}[job.status]
