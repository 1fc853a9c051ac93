"""Setting up jurisdictions, agencies, rounds and invitations."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from .. import catalog
from ..db import MAX_INTEGER, db
from ..models import Agency, Answer, Commitment, Invitation, Jurisdiction, Response, Round, utcnow
from ..text import clean
from ..tokens import hash_token, new_token
from ..vocabulary import ResponseStatus, RoleLevel, RoundStatus, Sector
from . import ServiceError, audit, snapshots

MAX_INVITATIONS_AT_ONCE = 1000


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", name.lower())).strip("-")
    return slug[:80]


def find_jurisdiction(name_or_id: str) -> Jurisdiction:
    text = clean(str(name_or_id)).strip()
    found = db.session.scalar(select(Jurisdiction).where(func.lower(Jurisdiction.name) == text.lower()))
    if found is None and text.isdigit() and int(text) <= MAX_INTEGER:
        found = db.session.get(Jurisdiction, int(text))
    if found is None:
        raise ServiceError(f"no jurisdiction named {text!r}")
    return found


def add_jurisdiction(name: str) -> Jurisdiction:
    name = clean(name).strip()
    if not name:
        raise ServiceError("a jurisdiction needs a name")
    if db.session.scalar(select(Jurisdiction).where(func.lower(Jurisdiction.name) == name.lower())):
        raise ServiceError(f"a jurisdiction named {name!r} already exists")
    jurisdiction = Jurisdiction(name=name)
    db.session.add(jurisdiction)
    db.session.flush()
    return jurisdiction


def add_agency(jurisdiction: Jurisdiction, name: str, sector: str | Sector, slug: Optional[str] = None) -> Agency:
    name = clean(name).strip()
    if not name:
        raise ServiceError("an agency needs a name")
    try:
        sector = Sector.parse(sector) if isinstance(sector, str) else sector
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    slug = slugify(slug or name)
    if not slug:
        raise ServiceError(f"cannot make a slug from {name!r}; give one with letters or digits")
    if find_agency(jurisdiction, slug, required=False):
        raise ServiceError(f"{jurisdiction.name} already has an agency with the slug {slug!r}")
    agency = Agency(jurisdiction=jurisdiction, name=name, slug=slug, sector=sector)
    db.session.add(agency)
    db.session.flush()
    return agency


def edit_agency(agency: Agency, name: str, sector: str | Sector, slug: str) -> None:
    name, slug = clean(name).strip(), slugify(slug or name)
    if not name or not slug:
        raise ServiceError("an agency needs a name and a slug with letters or digits")
    try:
        sector = Sector.parse(sector) if isinstance(sector, str) else sector
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    other = find_agency(agency.jurisdiction, slug, required=False)
    if other is not None and other.id != agency.id:
        raise ServiceError(f"{agency.jurisdiction.name} already has an agency with the slug {slug!r}")
    if slug != agency.slug and agency_in_use(agency):
        raise ServiceError("the slug of an agency that a round already uses cannot change (links and files "
                           "name it); change its name instead")
    agency.name, agency.sector, agency.slug = name, sector, slug
    db.session.flush()


def agency_in_use(agency: Agency) -> bool:
    """Whether any round has invited, heard from or been told about this agency."""
    return any(db.session.scalar(select(func.count()).select_from(model).where(column == agency.id))
               for model, column in ((Invitation, Invitation.agency_id), (Response, Response.agency_id),
                                     (Answer, Answer.target_agency_id)))


def remove_agency(agency: Agency) -> None:
    if agency_in_use(agency):
        raise ServiceError(f"{agency.name} cannot be removed: a round already uses it")
    db.session.delete(agency)
    db.session.flush()


def find_agency(jurisdiction: Jurisdiction, slug_or_name: str, required: bool = True) -> Optional[Agency]:
    text = slug_or_name.strip()
    for agency in jurisdiction.agencies:
        if agency.slug == text or agency.name.lower() == text.lower():
            return agency
    if required:
        known = ", ".join(a.slug for a in jurisdiction.agencies) or "none yet"
        raise ServiceError(f"{jurisdiction.name} has no agency {text!r} (agencies: {known})")
    return None


def create_round(jurisdiction: Jurisdiction, title: str, questionnaire_id: str = "collaboration_readiness",
                 version: Optional[int] = None, min_group_size: int = 3, opens_at: Optional[dt.datetime] = None,
                 closes_at: Optional[dt.datetime] = None) -> Round:
    title = clean(title).strip()
    if not title:
        raise ServiceError("a round needs a title")
    try:
        questionnaire = (catalog.get(questionnaire_id, version) if version is not None
                         else catalog.latest(questionnaire_id))
    except LookupError as exc:
        raise ServiceError(str(exc)) from None
    if min_group_size < 1:
        raise ServiceError("the minimum group size must be 1 or more")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError("the closing date must come after the opening date")
    round_ = Round(jurisdiction=jurisdiction, title=title, questionnaire_id=questionnaire.id,
                   questionnaire_version=questionnaire.version, min_group_size=min_group_size,
                   opens_at=opens_at, closes_at=closes_at, status=RoundStatus.DRAFT)
    db.session.add(round_)
    db.session.flush()
    audit.record("round_created", f"round {round_.id}", f"{jurisdiction.name}: {title}")
    db.session.flush()
    return round_


def questionnaire_of(round_: Round):
    return catalog.get(round_.questionnaire_id, round_.questionnaire_version)


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id) if 0 < round_id <= MAX_INTEGER else None
    if round_ is None:
        raise ServiceError(f"no round with id {round_id}")
    return round_


def open_round(round_: Round) -> None:
    if round_.status == RoundStatus.OPEN:
        raise ServiceError(f"round {round_.id} is already open")
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed; an administrator can reopen it, saying why (the round's "
                           "page in the console, or flask round reopen)")
    if len(round_.jurisdiction.agencies) < 2:
        raise ServiceError(f"{round_.jurisdiction.name} needs at least two agencies before a round can open")
    round_.status = RoundStatus.OPEN
    audit.record("round_opened", f"round {round_.id}", round_.title)
    db.session.flush()


def reopen_round(round_: Round, reason: str) -> None:
    """A closed round takes answers again. Its results may already have been read as final, so this is a
    deliberate act with its reason in the audit log; a closing date already past is cleared, or the round would
    stay closed to respondents."""
    if round_.status != RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is not closed")
    reason = clean(reason).strip()
    if not reason:
        raise ServiceError("say why the round is reopened; the reason goes into the audit log")
    round_.status = RoundStatus.OPEN
    if round_.closes_at is not None and round_.closes_at <= utcnow():
        round_.closes_at = None
    audit.record("round_reopened", f"round {round_.id}", reason)
    db.session.flush()


def close_round(round_: Round) -> int:
    """Close a round; returns how many unsubmitted drafts are left out of its results."""
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is already closed")
    drafts = db.session.scalar(select(func.count(Response.id)).where(
        Response.round_id == round_.id, Response.status == ResponseStatus.DRAFT))
    round_.status = RoundStatus.CLOSED
    snapshots.advance(round_, final=True)
    audit.record("round_closed", f"round {round_.id}", f"{drafts} unsubmitted draft(s) left out of the results")
    db.session.flush()
    return drafts


@dataclass(frozen=True)
class RoundSummary:
    id: int
    jurisdiction: str
    title: str
    status: str
    submitted: int
    drafts: int


def list_rounds() -> list[RoundSummary]:
    counts = dict(db.session.execute(
        select(Response.round_id, func.count(Response.id)).where(Response.status == ResponseStatus.SUBMITTED)
        .group_by(Response.round_id)).all())
    drafts = dict(db.session.execute(
        select(Response.round_id, func.count(Response.id)).where(Response.status == ResponseStatus.DRAFT)
        .group_by(Response.round_id)).all())
    rounds = db.session.scalars(select(Round).order_by(Round.id))
    return [RoundSummary(r.id, r.jurisdiction.name, r.title, r.status.value, counts.get(r.id, 0),
                         drafts.get(r.id, 0)) for r in rounds]


def issue_invitations(round_: Round, agency: Agency, role: str | RoleLevel, count: int) -> list[str]:
    """Create `count` invitations and return their tokens; this is the only time the tokens exist in clear."""
    if agency.jurisdiction_id != round_.jurisdiction_id:
        raise ServiceError(f"{agency.name} is not an agency of {round_.jurisdiction.name}")
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed; it takes no more invitations")
    try:
        role = RoleLevel.parse(role) if isinstance(role, str) else role
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    if not 1 <= count <= MAX_INVITATIONS_AT_ONCE:
        raise ServiceError(f"the number of invitations must be from 1 to {MAX_INVITATIONS_AT_ONCE}")
    tokens = [new_token() for _ in range(count)]
    db.session.add_all(Invitation(round_id=round_.id, agency_id=agency.id, role_level=role,
                                  token_hash=hash_token(t)) for t in tokens)
    audit.record("invitations_created", f"round {round_.id}", f"{count} for {agency.name}, {role.label}")
    db.session.flush()
    return tokens


def enable_open_link(round_: Round) -> str:
    """A new open link for the round (any earlier one stops working); its token exists in clear only now."""
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed")
    token = new_token()
    round_.open_link_hash = hash_token(token)
    audit.record("open_link_changed", f"round {round_.id}", "open link created")
    db.session.flush()
    return token


def disable_open_link(round_: Round) -> None:
    round_.open_link_hash = None
    audit.record("open_link_changed", f"round {round_.id}", "open link turned off")
    db.session.flush()


def round_by_open_link(token: str) -> Optional[Round]:
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(Round).where(Round.open_link_hash == hash_token(token)))


def join_by_open_link(round_: Round, agency: Agency, role: str | RoleLevel) -> str:
    """A personal invitation for someone who came through the open link; returns its token."""
    if agency.jurisdiction_id != round_.jurisdiction_id:
        raise ServiceError("that agency is not part of this round")
    role = RoleLevel.parse(role) if isinstance(role, str) else role
    token = new_token()
    db.session.add(Invitation(round_id=round_.id, agency_id=agency.id, role_level=role, token_hash=hash_token(token)))
    audit.record("invitations_created", f"round {round_.id}", f"1 through the open link for {agency.name}, "
                                                               f"{role.label}", actor="open link")
    db.session.flush()
    return token


def revoke_invitation(invitation: Invitation) -> None:
    """The link stops working; a response already submitted through it stays in the results."""
    if invitation.revoked_at is not None:
        raise ServiceError("this invitation is already revoked")
    invitation.revoked_at = utcnow()
    audit.record("invitation_revoked", f"round {invitation.round_id}",
                 f"invitation {invitation.id} ({invitation.agency.name}, {invitation.role_level.label})")
    db.session.flush()


def add_commitment(round_: Round, dimension: str, what: str, owner: str,
                   due: Optional[dt.date] = None) -> Commitment:
    """Record what the agencies commit to after a round, for the next round's comparison to show."""
    dimensions = [d.id for d in questionnaire_of(round_).dimensions]
    if dimension not in dimensions:
        raise ServiceError(f"unknown dimension {dimension!r}; expected one of {', '.join(dimensions)}")
    what, owner = clean(what).strip(), clean(owner).strip()
    if not what or not owner:
        raise ServiceError("a commitment needs what will be done and who owns it")
    commitment = Commitment(round_id=round_.id, dimension=dimension, what=what, owner=owner, due=due)
    db.session.add(commitment)
    db.session.flush()
    return commitment


def commitments_of(round_: Round) -> list[Commitment]:
    return list(db.session.scalars(select(Commitment).where(Commitment.round_id == round_.id)
                                   .order_by(Commitment.id)))
