"""A round as one JSON document, and back: for backups and for moving a round to another database.

The document holds the round, the agencies of its jurisdiction, its invitations (token hashes only, so links
keep working where the round is restored), its responses with their answers, and its commitments. Answers name
agencies by slug, never by database id, so a round restores into a database whose ids differ.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import select

from .. import catalog
from ..db import db
from ..models import Agency, Answer, Commitment, Invitation, Jurisdiction, Response, Round
from ..vocabulary import InvitationStatus, ResponseStatus, RoleLevel, RoundStatus, Sector
from . import ServiceError, audit

FORMAT = "continuum-round"
VERSION = 1


def export_round(round_: Round) -> dict[str, Any]:
    agencies = {a.id: a.slug for a in round_.jurisdiction.agencies}
    responses = db.session.scalars(select(Response).where(Response.round_id == round_.id)
                                   .order_by(Response.id)).all()
    keys = {response.id: n for n, response in enumerate(responses, start=1)}
    invitations = db.session.scalars(select(Invitation).where(Invitation.round_id == round_.id)
                                     .order_by(Invitation.id)).all()
    return {
        "format": FORMAT, "version": VERSION, "exported_at": _time(dt.datetime.now(dt.timezone.utc)),
        "jurisdiction": {"name": round_.jurisdiction.name},
        "agencies": [{"slug": a.slug, "name": a.name, "sector": a.sector.value} for a in round_.jurisdiction.agencies],
        "round": {
            "title": round_.title, "questionnaire_id": round_.questionnaire_id,
            "questionnaire_version": round_.questionnaire_version, "status": round_.status.value,
            "opens_at": _time(round_.opens_at), "closes_at": _time(round_.closes_at),
            "min_group_size": round_.min_group_size, "created_at": _time(round_.created_at),
            "open_link_hash": round_.open_link_hash,
        },
        "invitations": [{
            "agency": agencies[i.agency_id], "role_level": i.role_level.value, "token_hash": i.token_hash,
            "status": i.status.value, "response": keys.get(i.response_id), "created_at": _time(i.created_at),
            "revoked_at": _time(i.revoked_at),
        } for i in invitations],
        "responses": [{
            "key": keys[r.id], "agency": agencies[r.agency_id], "role_level": r.role_level.value,
            "questionnaire_id": r.questionnaire_id, "questionnaire_version": r.questionnaire_version,
            "status": r.status.value, "current_section": r.current_section, "started_at": _time(r.started_at),
            "updated_at": _time(r.updated_at), "submitted_at": _time(r.submitted_at),
            "answers": [{"item": a.item_id, "target": agencies.get(a.target_agency_id), "value": a.value,
                         "dont_know": a.dont_know, "text": a.text}
                        for a in sorted(r.answers, key=lambda a: a.id)],
        } for r in responses],
        "commitments": [{"dimension": c.dimension, "what": c.what, "owner": c.owner,
                         "due": c.due.isoformat() if c.due else None, "created_at": _time(c.created_at)}
                        for c in db.session.scalars(select(Commitment).where(Commitment.round_id == round_.id)
                                                    .order_by(Commitment.id))],
    }


def import_round(document: Any) -> Round:
    """Restore an exported round. The whole document is checked first; on any problem nothing is written, and
    the error says where the problem is. The jurisdiction and agencies are matched by name and slug, and made
    when missing. A round whose links already exist in this database is refused (it is already here)."""
    reader = _Reader(document)
    try:
        round_ = _restore(reader)
    except Exception:
        db.session.rollback()
        raise
    audit.record("import", f"round {round_.id}",
                 f"restored round {reader.document['round']['title']!r} of {round_.jurisdiction.name} "
                 f"({len(reader.document['responses'])} responses)")
    db.session.commit()
    return round_


def _restore(reader: _Reader) -> Round:
    doc = reader.document
    if reader.text(doc, "format", "the document") != FORMAT:
        raise ServiceError(f"this is not a Continuum round export (format should be {FORMAT!r})")
    if reader.integer(doc, "version", "the document") != VERSION:
        raise ServiceError(f"unsupported export version {doc['version']!r} (this Continuum reads version {VERSION})")
    name = reader.text(reader.mapping(doc, "jurisdiction", "the document"), "name", "jurisdiction")
    jurisdiction = db.session.scalar(select(Jurisdiction).where(Jurisdiction.name == name))
    if jurisdiction is None:
        jurisdiction = Jurisdiction(name=name)
        db.session.add(jurisdiction)
    agencies = {a.slug: a for a in jurisdiction.agencies}
    for n, entry in enumerate(reader.listing(doc, "agencies", "the document"), start=1):
        where = f"agencies[{n}]"
        slug = reader.text(entry, "slug", where)
        sector = reader.choice(entry, "sector", where, Sector)
        if slug in agencies:
            if agencies[slug].sector != sector:
                raise ServiceError(f"{where}: {name} already has agency {slug!r} in sector "
                                   f"{agencies[slug].sector.value!r}, not {sector.value!r}")
            continue
        agencies[slug] = Agency(jurisdiction=jurisdiction, slug=slug, name=reader.text(entry, "name", where),
                                sector=sector)
        db.session.add(agencies[slug])

    info = reader.mapping(doc, "round", "the document")
    questionnaire_id = reader.text(info, "questionnaire_id", "round")
    version = reader.integer(info, "questionnaire_version", "round")
    try:
        catalog.get(questionnaire_id, version)
    except LookupError:
        raise ServiceError(f"round: questionnaire {questionnaire_id!r} version {version} is not installed here")
    open_link = reader.optional_text(info, "open_link_hash", "round")
    if open_link and db.session.scalar(select(Round.id).where(Round.open_link_hash == open_link)):
        raise ServiceError("this round is already in the database (its open link exists here)")
    round_ = Round(jurisdiction=jurisdiction, title=reader.text(info, "title", "round"),
                   questionnaire_id=questionnaire_id, questionnaire_version=version,
                   status=reader.choice(info, "status", "round", RoundStatus),
                   opens_at=reader.time(info, "opens_at", "round"), closes_at=reader.time(info, "closes_at", "round"),
                   min_group_size=reader.integer(info, "min_group_size", "round"),
                   created_at=reader.time(info, "created_at", "round", required=True), open_link_hash=open_link)
    db.session.add(round_)
    db.session.flush()  # ids for the round and the agencies

    def agency(entry, key, where, required=True) -> Optional[Agency]:
        slug = reader.text(entry, key, where) if required else reader.optional_text(entry, key, where)
        if slug is None:
            return None
        if slug not in agencies:
            raise ServiceError(f"{where}: {key} {slug!r} is not among the document's agencies")
        return agencies[slug]

    responses: dict[int, Response] = {}
    for n, entry in enumerate(reader.listing(doc, "responses", "the document"), start=1):
        where = f"responses[{n}]"
        key = reader.integer(entry, "key", where)
        if key in responses:
            raise ServiceError(f"{where}: key {key} is used twice")
        response = Response(
            round_id=round_.id, agency_id=agency(entry, "agency", where).id,
            role_level=reader.choice(entry, "role_level", where, RoleLevel),
            questionnaire_id=reader.text(entry, "questionnaire_id", where),
            questionnaire_version=reader.integer(entry, "questionnaire_version", where),
            status=reader.choice(entry, "status", where, ResponseStatus),
            current_section=reader.integer(entry, "current_section", where),
            started_at=reader.time(entry, "started_at", where, required=True),
            updated_at=reader.time(entry, "updated_at", where, required=True),
            submitted_at=reader.time(entry, "submitted_at", where))
        for m, answer in enumerate(reader.listing(entry, "answers", where), start=1):
            at = f"{where}.answers[{m}]"
            target = agency(answer, "target", at, required=False)
            response.answers.append(Answer(
                item_id=reader.text(answer, "item", at), target_agency_id=target.id if target else None,
                value=reader.number(answer, "value", at), dont_know=reader.boolean(answer, "dont_know", at),
                text=reader.optional_text(answer, "text", at)))
        responses[key] = response
        db.session.add(response)

    for n, entry in enumerate(reader.listing(doc, "invitations", "the document"), start=1):
        where = f"invitations[{n}]"
        token_hash = reader.text(entry, "token_hash", where)
        if len(token_hash) != 64 or any(c not in "0123456789abcdef" for c in token_hash):
            raise ServiceError(f"{where}: token_hash is not a SHA-256 hex digest")
        if db.session.scalar(select(Invitation.id).where(Invitation.token_hash == token_hash)):
            raise ServiceError(f"this round is already in the database ({where} exists here)")
        key = entry.get("response")
        if key is not None and key not in responses:
            raise ServiceError(f"{where}: response {key!r} is not among the document's responses")
        db.session.add(Invitation(
            round=round_, agency=agency(entry, "agency", where),
            role_level=reader.choice(entry, "role_level", where, RoleLevel), token_hash=token_hash,
            status=reader.choice(entry, "status", where, InvitationStatus),
            response=responses.get(key), created_at=reader.time(entry, "created_at", where, required=True),
            revoked_at=reader.time(entry, "revoked_at", where)))

    for n, entry in enumerate(reader.listing(doc, "commitments", "the document"), start=1):
        where = f"commitments[{n}]"
        due = reader.optional_text(entry, "due", where)
        try:
            due_date = dt.date.fromisoformat(due) if due else None
        except ValueError:
            raise ServiceError(f"{where}: due {due!r} is not a date (YYYY-MM-DD)") from None
        db.session.add(Commitment(round_id=round_.id, dimension=reader.text(entry, "dimension", where),
                                  what=reader.text(entry, "what", where), owner=reader.text(entry, "owner", where),
                                  due=due_date, created_at=reader.time(entry, "created_at", where, required=True)))
    db.session.flush()
    return round_


class _Reader:
    """Typed access to the document, each failure naming the place in the document."""

    def __init__(self, document: Any):
        if not isinstance(document, dict):
            raise ServiceError("the document is not a JSON object")
        self.document = document

    @staticmethod
    def _get(entry: Any, key: str, where: str, required: bool = True) -> Any:
        if not isinstance(entry, dict):
            raise ServiceError(f"{where} is not an object")
        if required and entry.get(key) is None:
            raise ServiceError(f"{where}: {key} is missing")
        return entry.get(key)

    def _typed(self, entry, key, where, fits, wanted: str, required: bool = True):
        value = self._get(entry, key, where, required)
        if value is not None and not fits(value):
            raise ServiceError(f"{where}: {key} should be {wanted}")
        return value

    def mapping(self, entry, key, where) -> dict:
        return self._typed(entry, key, where, lambda v: isinstance(v, dict), "an object")

    def listing(self, entry, key, where) -> list:
        return self._typed(entry, key, where, lambda v: isinstance(v, list), "a list")

    def text(self, entry, key, where) -> str:
        return self._typed(entry, key, where, lambda v: isinstance(v, str) and v.strip(), "non-empty text")

    def optional_text(self, entry, key, where) -> Optional[str]:
        return self._typed(entry, key, where, lambda v: isinstance(v, str), "text", required=False)

    def integer(self, entry, key, where) -> int:
        return self._typed(entry, key, where, lambda v: isinstance(v, int) and not isinstance(v, bool),
                           "a whole number")

    def number(self, entry, key, where) -> Optional[float]:
        return self._typed(entry, key, where, lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                           "a number", required=False)

    def boolean(self, entry, key, where) -> bool:
        return self._typed(entry, key, where, lambda v: isinstance(v, bool), "true or false")

    def choice(self, entry, key, where, kind):
        value = self._get(entry, key, where)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise ServiceError(f"{where}: {key} {value!r} is not one of: {allowed}") from None

    def time(self, entry, key, where, required=False) -> Optional[dt.datetime]:
        value = self._get(entry, key, where, required=required)
        if value is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ServiceError(f"{where}: {key} {value!r} is not a date and time (ISO 8601)") from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return moment


def _time(moment: Optional[dt.datetime]) -> Optional[str]:
    """Stored times are naive UTC; the document says so."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.isoformat()
