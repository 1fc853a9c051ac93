"""A round's contacts: people invited by email, each with a personal link of their own.

The contacts table is the one place an address is stored, and it is used only to send the round's invitations and
reminders. A contact's link is not stored: it is made from a random link key and the app's secret key when a
message is written (`token_of`), and only its hash is kept, on the contact's invitation, like every other link.
When a response is submitted, the link between it and its invitation is cut (`survey.service.submit`), so the
status "submitted" is all that ties a contact to the survey. Addresses and link keys are deleted when the round
closes, or on demand (`purge`); the rows stay, so that the counts remain.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from flask import current_app
from sqlalchemy import func, select, update

from .. import catalog, languages
from ..db import db, hold
from ..links import survey_link
from ..mail import addresses
from ..models import Agency, Contact, Email, Invitation, Round, utcnow
from ..services import Problem, Refused, ServiceError, audit
from ..text import clean, csv_delimiter
from ..tokens import hash_token, to_text
from ..vocabulary import EmailKind, EmailStatus, InvitationStatus, RoleLevel, RoundStatus
from . import outbox

#: The most contacts one file or paste may add.
MAX_AT_ONCE = 5000
#: What each column may be called in a file (compared without regard to case).
COLUMNS = {"email": ("email", "e-mail", "email address", "e-mail address"), "agency": ("agency",),
           "role_level": ("role_level", "role level", "role"), "language": ("language",)}


class ContactsRefused(Refused):
    """The list was checked whole and nothing was added; `problems` says why, each with its place, and `good` holds
    the entries that had none (to add on their own, when the facilitator chooses to)."""

    def __init__(self, problems: list[Problem], good: Optional[list] = None):
        super().__init__("no contact was added", problems)
        self.good = good or []


@dataclass(frozen=True)
class NewContact:
    email: str
    agency: Agency
    role: RoleLevel
    language: str


@dataclass(frozen=True)
class Read:
    """A checked list, ready to add; `ignored` names the columns of a file that were left out (never stored)."""

    contacts: list[NewContact]
    ignored: tuple[str, ...] = ()


def decode(data: bytes) -> str:
    """A file's text: UTF-8 (with or without the byte order mark Excel's "CSV UTF-8" writes), or else Windows-1252,
    what Excel's plain "CSV" writes on Windows."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ContactsRefused([Problem("the file", "it starts as UTF-16 text but is not")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ContactsRefused([Problem("the file", f"it is neither UTF-8 nor Excel's CSV text (byte {exc.start}); "
                                                   "save it as CSV UTF-8 and try again")]) from None


def _open_round(round_: Round) -> None:
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed; it takes no more contacts")
    if round_.contacts_purged_at is not None:
        raise ServiceError(f"round {round_.id}'s addresses were deleted on {round_.contacts_purged_at:%Y-%m-%d}, so "
                           "people added now could not be told apart from those already invited (who may have "
                           "answered or opted out): it takes no more contacts. Give out links by hand, or start "
                           "a new round")


def read_file(round_: Round, data: bytes) -> Read:
    """Check a whole contacts file (columns `email`, `agency` (slug or name), `role_level`, and optionally
    `language`); ContactsRefused lists every problem by row and column."""
    _open_round(round_)
    text = clean(decode(data))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise ContactsRefused([Problem("the file", "it is empty")]) from None
    except csv.Error as exc:
        raise ContactsRefused([Problem("the file", f"not readable as CSV: {exc}")]) from None
    where: dict[str, int] = {}
    problems: list[Problem] = []
    for index, name in enumerate(header):
        column = next((key for key, names in COLUMNS.items() if name.lower() in names), None)
        if column is None:
            continue
        if column in where:
            problems.append(Problem(f"row 1, column {index + 1}", f"a second {column} column (the first is column "
                                                                  f"{where[column] + 1})"))
        where.setdefault(column, index)
    for required in ("email", "agency", "role_level"):
        if required not in where:
            problems.append(Problem("row 1", f"no {required} column (the columns are: "
                                             f"{', '.join(h or '(blank)' for h in header)})"))
    if problems:
        raise ContactsRefused(problems)
    ignored = tuple(h or f"column {i + 1}" for i, h in enumerate(header) if i not in where.values())
    entries = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            cells += [""] * (len(header) - len(cells))
            value = {column: cells[index].strip() for column, index in where.items()}
            entries.append((f"row {number}", value["email"], value["agency"], value["role_level"],
                            value.get("language", "")))
    except csv.Error as exc:
        raise ContactsRefused([Problem(f"row {reader.line_num}", f"not readable as CSV: {exc}")]) from None
    return Read(_check(round_, entries, in_columns=True), ignored)


def read_pasted(round_: Round, text: str, agency: Agency, role: str | RoleLevel, language: str = "") -> Read:
    """Check pasted addresses (separated by lines, semicolons, commas or spaces; `Name <address>` as a mail program
    copies them is fine, and the name is dropped), all for one agency and role level."""
    _open_round(round_)
    role = role.value if isinstance(role, RoleLevel) else role
    found = []
    for line in re.split(r"[\n;]", clean(text)):
        if "<" in line:  # `Name <address>`, names perhaps with commas (Outlook's "Doe, Jane <jane@...>")
            found += [address.strip() for address in re.findall(r"<([^<>]*)>", line)]
            rest = re.sub(r'"[^"]*"|<[^<>]*>', " ", line)
            found += [piece for piece in re.split(r"[,\s]+", rest) if "@" in piece]
        else:
            found += [piece for piece in re.split(r"[,\s]+", line) if piece]
    entries = [(f"address {n} ({address!r})", address, agency.slug, role, language)
               for n, address in enumerate(found, start=1)]
    return Read(_check(round_, entries, in_columns=False))


def _check(round_: Round, entries: list[tuple[str, str, str, str, str]], in_columns: bool) -> list[NewContact]:
    """Each entry (where, address, agency, role level, language) checked against the round and the others;
    ContactsRefused with every problem when any has one."""
    checked, problems = check(round_, entries, in_columns)
    if problems:
        raise ContactsRefused(problems, checked)
    return checked


def check(round_: Round, entries: list[tuple[str, str, str, str, str]], in_columns: bool
          ) -> tuple[list[NewContact], list[Problem]]:
    """The entries without a problem, and the problems of the others (each with its place), for a facilitator to
    choose: fix the list, or add the good ones and leave out those listed. A language may be written as its code
    or its name ("Spanish", "Español")."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    agencies = {a.slug: a for a in round_.jurisdiction.agencies}
    by_name = {a.name.lower(): a for a in agencies.values()}
    #: address -> where it was seen first (None: already a contact of the round)
    seen: dict[str, Optional[str]] = {addresses.same(e): None for e in db.session.scalars(
        select(Contact.email).where(Contact.round_id == round_.id, Contact.email.is_not(None)))}
    problems: list[Problem] = []
    checked: list[NewContact] = []
    if not entries:
        problems.append(Problem("the list", "it holds no address"))
    if len(entries) > MAX_AT_ONCE:
        problems.append(Problem("the list", f"{len(entries)} addresses; add at most {MAX_AT_ONCE} at once"))
    for where, address, agency_text, role_text, language in entries:
        column = (lambda name: f"{where}, column {name}") if in_columns else (lambda _name: where)
        before = len(problems)
        reason = addresses.problem(address)
        key = addresses.same(address)
        if reason is not None:
            problems.append(Problem(column("email"), f"not an email address: {reason}"))
        elif key in seen:
            problems.append(Problem(column("email"), f"{address} is already a contact of this round"
                                    if seen[key] is None else f"{address} is also on {seen[key]}"))
        else:
            seen[key] = where
        agency = agencies.get(agency_text) or by_name.get(agency_text.lower())
        if agency is None:
            problems.append(Problem(column("agency"), f"{agency_text!r} is not an agency of "
                                                      f"{round_.jurisdiction.name} (agencies: {', '.join(agencies)})"
                                    if agency_text else "the agency is missing"))
        try:
            role = RoleLevel.parse(role_text) if role_text else None
        except ValueError as exc:
            role, reason = None, str(exc)
        else:
            reason = "the role level is missing"
        if role is None:
            problems.append(Problem(column("role_level"), reason))
        language = languages.parse(language, q.languages) or language if language else language
        if language and language not in q.languages:
            problems.append(Problem(column("language"), f"{language!r} is not a language of this survey "
                                                        f"({', '.join(q.languages)})"))
        if len(problems) == before:
            checked.append(NewContact(addresses.normal(address), agency, role, language or q.languages[0]))
    if any(p.where == "the list" for p in problems):
        return [], problems  # a problem of the whole list: no row is good on its own
    return checked, problems


def add(round_: Round, read: Read) -> list[Contact]:
    """Add checked contacts, each with an invitation (a link) of their own."""
    _open_round(round_)
    added = []
    for new in read.contacts:
        key = secrets.token_urlsafe(24)
        invitation = Invitation(round_id=round_.id, agency_id=new.agency.id, role_level=new.role,
                                token_hash=hash_token(_token(key)))
        contact = Contact(round_id=round_.id, invitation=invitation, email=new.email, language=new.language,
                          link_key=key)
        db.session.add_all([invitation, contact])
        added.append(contact)
    audit.record("contacts_added", f"round {round_.id}", f"{len(added)} contact(s), each with a link of their own")
    db.session.flush()
    return added


# --- links -------------------------------------------------------------------------------------------------

def _mac(message: str) -> str:
    """An HMAC-SHA-256 of `message` under the app's secret key, as URL-safe text."""
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    return to_text(hmac.new(secret, message.encode(), hashlib.sha256).digest())


def _token(link_key: str) -> str:
    return _mac("continuum contact link\0" + link_key)


def token_of(contact: Contact) -> str:
    """The contact's survey token, made again from its link key. Should the secret key have changed since the
    contact was added, the link is made anew (the draft stays with the invitation; an earlier message's link then
    no longer opens it)."""
    if contact.link_key is None:
        raise ServiceError("this contact's address and link were deleted")
    token = _token(contact.link_key)
    if hash_token(token) != contact.invitation.token_hash:
        contact.link_key = secrets.token_urlsafe(24)
        token = _token(contact.link_key)
        contact.invitation.token_hash = hash_token(token)
        db.session.flush()
    return token


def links_of(contact: Contact) -> tuple[str, str]:
    """The contact's survey link (opening in the contact's language) and opt-out link, which carries a token of
    its own (`opt_out_token`): a mail gateway that logs or previews unsubscribe addresses holds no survey link."""
    token = token_of(contact)
    round_ = contact.invitation.round
    first = catalog.get(round_.questionnaire_id, round_.questionnaire_version).languages[0]
    survey = survey_link(token) + (f"?lang={contact.language}" if contact.language != first else "")
    return survey, survey_link("stop/" + opt_out_token(contact))


def opt_out_token(contact: Contact) -> str:
    """The contact's opt-out token: its id and a MAC of it and its link key under the app's secret, so that it
    stops messages and opens nothing else (and dies with the address, when the link key is deleted)."""
    if contact.link_key is None:
        raise ServiceError("this contact's address and link were deleted")
    return f"{contact.id}.{_opt_out_mac(contact.id, contact.link_key)}"


def _opt_out_mac(contact_id: int, link_key: str) -> str:
    return _mac(f"continuum opt-out\0{contact_id}\0{link_key}")


def by_opt_out_token(token: str) -> Optional[Contact]:
    """The contact an opt-out token names, or None."""
    number, _, mac = token.partition(".")
    if not (number.isascii() and number.isdigit() and len(number) <= 10) or not mac:
        return None
    contact = db.session.get(Contact, int(number)) if int(number) <= 2 ** 31 - 1 else None
    if contact is None or contact.link_key is None:
        return None
    return contact if hmac.compare_digest(_opt_out_mac(contact.id, contact.link_key), mac) else None


# --- opting out, revoking, deleting ------------------------------------------------------------------------

def of_invitation(invitation: Invitation) -> Optional[Contact]:
    return db.session.scalar(select(Contact).where(Contact.invitation_id == invitation.id))


def by_token(token: str) -> Optional[Invitation]:
    """The invitation a link names, revoked or not (an opt-out must work whatever became of the link)."""
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def _cancel_queued(where, reason: str) -> int:
    return db.session.execute(update(Email).where(where, Email.status == EmailStatus.QUEUED)
                              .values(status=EmailStatus.CANCELLED, reason=reason)
                              .execution_options(synchronize_session=False)).rowcount


def opt_out(invitation: Invitation) -> bool:
    """No more messages to the invitation's contact; False when there is none (a link given out by hand)."""
    contact = of_invitation(invitation)
    if contact is None:
        return False
    if contact.opted_out_at is None:
        contact.opted_out_at = utcnow()
        _cancel_queued(Email.contact_id == contact.id, "opted out")
    db.session.flush()
    return True


def revoke(round_: Round, invitation_ids: Iterable[int]) -> int:
    """Revoke the chosen links of this round (those not submitted nor revoked yet); their contacts get no more
    messages. Returns how many were revoked."""
    chosen = list(db.session.scalars(select(Invitation).where(
        Invitation.round_id == round_.id, Invitation.id.in_(list(invitation_ids)), Invitation.revoked_at.is_(None),
        Invitation.status != InvitationStatus.SUBMITTED)))
    if not chosen:
        raise ServiceError("none of the chosen links can be revoked (already revoked, or submitted)")
    now = utcnow()
    for invitation in chosen:
        invitation.revoked_at = now
    _cancel_queued(Email.contact_id.in_(select(Contact.id).where(Contact.invitation_id.in_([i.id for i in chosen]))),
                   "link revoked")
    audit.record("invitation_revoked", f"round {round_.id}", f"{len(chosen)} link(s): invitation(s) "
                 + ", ".join(str(i.id) for i in chosen[:50]) + (" ..." if len(chosen) > 50 else ""))
    db.session.flush()
    return len(chosen)


def purge(round_: Round, why: str) -> int:
    """Delete the round's addresses and link keys (its queued messages are not sent); the contacts' statuses and
    counts stay. Returns how many addresses were deleted. The round's row is held first, as a message recorded in
    the outbox holds it (`outbox.record`)."""
    hold(Round, round_.id)
    held = db.session.scalars(select(Contact).where(Contact.round_id == round_.id, Contact.email.is_not(None))).all()
    _cancel_queued(Email.round_id == round_.id, "the addresses were deleted")
    for contact in held:
        contact.email, contact.link_key, contact.language = None, None, ""
    outbox.forget(round_)
    round_.contacts_purged_at = utcnow()
    audit.record("contacts_purged", f"round {round_.id}", f"{len(held)} address(es) deleted ({why})")
    db.session.flush()
    return len(held)


# --- the people of a round, as the console lists them ------------------------------------------------------

#: The filters of the people list: key -> label.
FILTERS = {
    "all": "Everyone",
    "not_started": "Not started",
    "in_progress": "In progress",
    "submitted": "Submitted",
    "not_sent": "Not emailed yet",
    "queued": "Email queued",
    "sent": "Emailed",
    "problem": "Email failed, bounced or unconfirmed",
    "opted_out": "Opted out",
    "revoked": "Revoked",
    "no_address": "Link given out by hand",
}
PROBLEMS = (EmailStatus.FAILED, EmailStatus.BOUNCED, EmailStatus.UNCONFIRMED)


@dataclass(frozen=True, slots=True)
class Person:
    """One invitation of the round as the console lists it: who (an address, or none for a link given out by hand
    or an address deleted), its status and its emails' status, never its answers."""

    invitation_id: int
    agency: str
    role: str
    address: Optional[str]
    contact: bool
    survey: InvitationStatus
    revoked: bool
    opted_out: bool
    email: Optional[EmailStatus] = None
    email_kind: Optional[EmailKind] = None
    reason: Optional[str] = None
    reminders: int = 0
    #: When a message last went to them (UTC), and the language their messages are written in.
    last_sent: Optional[dt.datetime] = None
    language: str = ""

    @property
    def filters(self) -> set[str]:
        found = {"all", "revoked" if self.revoked else self.survey.value}
        if not self.contact:
            found.add("no_address")
        elif self.opted_out:
            found.add("opted_out")
        if self.contact and self.email is None:
            found.add("not_sent")
        elif self.email in (EmailStatus.QUEUED, EmailStatus.SENDING):
            found.add("queued")
        elif self.email == EmailStatus.SENT:
            found.add("sent")
        elif self.email in PROBLEMS:
            found.add("problem")
        return found

    def matches(self, search: str) -> bool:
        return not search or (self.address is not None and search.lower() in self.address.lower())


@dataclass
class AgencyGroup:
    agency_id: int
    agency: str
    people: list[Person] = field(default_factory=list)
    #: Everyone of the agency, by survey status (whatever the filter shows).
    counts: Counter = field(default_factory=Counter)
    total: int = 0


@dataclass(frozen=True)
class People:
    groups: list[AgencyGroup]
    #: filter -> how many people it holds (over the whole round).
    counts: dict[str, int]
    shown: int
    total: int


def people(round_: Round, status: str = "all", search: str = "", agency_id: Optional[int] = None) -> People:
    """The round's invitations grouped by agency, with counts, those matching `status`, `search` (part of an
    address) and `agency_id` listed."""
    rows = db.session.execute(
        select(Invitation.id, Invitation.agency_id, Agency.name, Invitation.role_level, Invitation.status,
               Invitation.revoked_at, Contact.id.label("contact_id"), Contact.email, Contact.opted_out_at,
               Contact.language)
        .join(Agency, Agency.id == Invitation.agency_id)
        .outerjoin(Contact, Contact.invitation_id == Invitation.id)
        .where(Invitation.round_id == round_.id)).all()
    latest: dict[int, tuple[EmailStatus, EmailKind, Optional[str]]] = {}
    reminders: Counter = Counter()
    last_sent: dict[int, dt.datetime] = {}
    for contact_id, kind, state, reason, sent_at in db.session.execute(
            select(Email.contact_id, Email.kind, Email.status, Email.reason, Email.sent_at)
            .where(Email.round_id == round_.id).order_by(Email.id)):
        if state == EmailStatus.CANCELLED:
            continue
        latest[contact_id] = (state, kind, reason)
        if sent_at is not None:
            last_sent[contact_id] = max(sent_at, last_sent.get(contact_id, sent_at))
        if kind == EmailKind.REMINDER and state == EmailStatus.SENT:
            reminders[contact_id] += 1
    everyone = []
    counts: Counter = Counter()
    for row in rows:
        state, kind, reason = latest.get(row.contact_id, (None, None, None))
        person = Person(invitation_id=row.id, agency=row.name, role=row.role_level.label, address=row.email,
                        contact=row.contact_id is not None, survey=row.status, revoked=row.revoked_at is not None,
                        opted_out=row.opted_out_at is not None, email=state, email_kind=kind, reason=reason,
                        reminders=reminders[row.contact_id], last_sent=last_sent.get(row.contact_id),
                        language=row.language or "")
        filters = person.filters
        counts.update(filters)
        everyone.append(((row.name.lower(), row.agency_id, row.email is None, (row.email or "").lower(), row.id),
                         row.agency_id, person, status in filters))
    groups: dict[int, AgencyGroup] = {}
    shown = 0
    for _order, agency, person, chosen in sorted(everyone, key=lambda entry: entry[0]):
        group = groups.get(agency) or groups.setdefault(agency, AgencyGroup(agency, person.agency))
        group.total += 1
        group.counts["revoked" if person.revoked else person.survey.value] += 1
        if chosen and agency_id in (None, agency) and person.matches(search):
            group.people.append(person)
            shown += 1
    return People(list(groups.values()), {key: counts.get(key, 0) for key in FILTERS}, shown, len(everyone))


def held(round_: Round) -> int:
    """How many addresses the round holds now."""
    return db.session.scalar(select(func.count(Contact.id)).where(Contact.round_id == round_.id,
                                                                  Contact.email.is_not(None)))


def by_address(round_: Round, emails: Iterable[str]) -> list[Contact]:
    """The round's contacts with these addresses; ServiceError naming any that is not one."""
    wanted = {addresses.same(e): e for e in emails}
    found = {addresses.same(c.email): c for c in db.session.scalars(
        select(Contact).where(Contact.round_id == round_.id, Contact.email.is_not(None)))
        if addresses.same(c.email) in wanted}
    missing = [e for key, e in wanted.items() if key not in found]
    if missing:
        raise ServiceError(f"not a contact of round {round_.id}: {', '.join(missing)}")
    return list(found.values())
