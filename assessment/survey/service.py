"""Taking the survey: find an invitation by its token, start, save a page, submit.

Every save and every submit is part of its request's one transaction (`db.commit_per_request`): a page's answers
are replaced as a whole or not at all.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import Integer, delete, insert, literal, select, update
from sqlalchemy.orm import joinedload

from questionnaires import types
from questionnaires.schema import Item, Questionnaire
from questionnaires.types import AnswerKey, AnswerValue, Target

from ..db import db
from ..models import Agency, Answer, Contact, Invitation, Response, Round, utcnow
from ..services import ServiceError
from ..tokens import hash_token
from ..vocabulary import InvitationStatus, ResponseStatus, RoleLevel


def find_invitation(token: str) -> Optional[Invitation]:
    if not token or len(token) > 128:
        return None
    # every survey request needs the round and the response too: one query instead of three
    return db.session.scalar(select(Invitation).options(joinedload(Invitation.round), joinedload(Invitation.response))
                             .where(Invitation.token_hash == hash_token(token), Invitation.revoked_at.is_(None)))


def roster_targets(round_: Round, own_agency_id: int) -> tuple[Target, ...]:
    """The other agencies of the round's jurisdiction, which the roster asks about."""
    agencies = db.session.execute(select(Agency.id, Agency.slug, Agency.name).where(  # rows: no ORM objects to build
        Agency.jurisdiction_id == round_.jurisdiction_id, Agency.id != own_agency_id).order_by(Agency.name))
    return tuple(Target(id=id_, slug=slug, name=name) for id_, slug, name in agencies)


def start(invitation: Invitation, questionnaire: Questionnaire, language: str) -> Response:
    """The invitation's response, created on first use with the questionnaire version it will answer and the
    language it is answered in."""
    if invitation.status == InvitationStatus.SUBMITTED:
        raise ServiceError("this survey has already been submitted")
    if invitation.response is not None:
        return invitation.response
    response = Response(round_id=invitation.round_id, agency_id=invitation.agency_id,
                        role_level=invitation.role_level, questionnaire_id=questionnaire.id,
                        questionnaire_version=questionnaire.version, language=language,
                        status=ResponseStatus.DRAFT, invited=True)
    role_item = questionnaire.profile_item("role_level")
    if role_item is not None:  # pre-filled from the invitation; the respondent may correct it
        response.answers.append(Answer(item_id=role_item.id, text=invitation.role_level.value))
    invitation.response = response
    invitation.status = InvitationStatus.IN_PROGRESS
    db.session.add(response)
    db.session.flush()
    return response


def stored_answers(response: Response) -> dict[AnswerKey, AnswerValue]:
    rows = db.session.execute(select(Answer.item_id, Answer.target_agency_id, Answer.value, Answer.dont_know,
                                     Answer.text).where(Answer.response_id == response.id))
    return {(item_id, target): AnswerValue(value=value, dont_know=dont_know, text=text)
            for item_id, target, value, dont_know, text in rows}


def save_section(response: Response, questionnaire: Questionnaire, section_index: int,
                 answers: dict[AnswerKey, AnswerValue], next_section: int, language: Optional[str] = None) -> None:
    """Replace the answers of one section and move the respondent's place (and, when given, change the language
    the response is answered in): all of it in the request's one transaction, or none of it."""
    if response.status != ResponseStatus.DRAFT:
        raise ServiceError("this survey has already been submitted")
    section = questionnaire.sections[section_index]
    item_ids = [item.id for item in section.items]
    db.session.execute(delete(Answer).where(Answer.response_id == response.id, Answer.item_id.in_(item_ids)))
    if answers:  # one INSERT for the section (an executemany), with no ORM object per answer
        db.session.execute(insert(Answer), [
            {"response_id": response.id, "item_id": item_id, "target_agency_id": target, "value": a.value,
             "dont_know": a.dont_know, "text": a.text} for (item_id, target), a in answers.items()])
    role_item = questionnaire.profile_item("role_level")
    if role_item is not None and (role_item.id, None) in answers:
        response.role_level = RoleLevel(answers[(role_item.id, None)].text)
    response.current_section = max(0, min(next_section, len(questionnaire.sections)))
    if language is not None:
        response.language = language
    response.updated_at = utcnow()
    db.session.flush()
    db.session.expire(response, ["answers"])


def set_language(response: Response, language: str) -> None:
    """Answer the rest of a draft in another language; its answers are values, so none of them changes."""
    if response.status != ResponseStatus.DRAFT:
        raise ServiceError("this survey has already been submitted")
    response.language = language
    response.updated_at = utcnow()
    db.session.flush()


def missing_required(questionnaire: Questionnaire, answers: dict[AnswerKey, AnswerValue],
                     targets: tuple[Target, ...]) -> list[tuple[int, Item]]:
    """Required items not yet answered, each with the index of its section."""
    missing = []
    for index, section in enumerate(questionnaire.sections):
        for item in section.items:
            if item.required and not types.of(item).answered(item, answers, targets):
                missing.append((index, item))
    return missing


def submit(invitation: Invitation, response: Response, questionnaire: Questionnaire,
           targets: tuple[Target, ...]) -> bool:
    """Submit a complete draft. Returns False when it was already submitted (a second, or concurrent, submit).

    The invitation then keeps only its status: the link between it and the response is cut, so that nothing in
    the database (no join, export or backup) ties the answers to the link, or to the address it was sent to. The
    contact, if any, keeps no language either (with the agency and role level it would single a person out)."""
    if missing_required(questionnaire, stored_answers(response), targets):
        if db.session.scalar(select(Response.status).where(Response.id == response.id)) != ResponseStatus.DRAFT:
            return False  # submitted meanwhile by a request of the same respondent (a double click)
        raise ServiceError("some required questions are not answered yet")
    now = utcnow()
    done = db.session.execute(
        update(Response).where(Response.id == response.id, Response.status == ResponseStatus.DRAFT)
        .values(status=ResponseStatus.SUBMITTED, submitted_at=now, updated_at=now))
    if done.rowcount != 1:
        return False
    invitation.status = InvitationStatus.SUBMITTED
    invitation.response = None
    db.session.execute(update(Contact).where(Contact.invitation_id == invitation.id).values(language="")
                       .execution_options(synchronize_session=False))
    db.session.flush()
    _renumber(response, now)
    return True


def _renumber(draft: Response, now) -> Response:
    """The submitted answers moved to a new response with new ids, and the draft's rows deleted. A copy of the
    database taken while the survey was a draft (a backup, a replica, a dump) shows the draft's ids beside its
    invitation; none of them, nor its start time, survives into the submitted response. The answers are copied
    and deleted by the database (INSERT ... SELECT, then DELETE), never loaded."""
    db.session.refresh(draft)
    submitted = Response(round_id=draft.round_id, agency_id=draft.agency_id, role_level=draft.role_level,
                         questionnaire_id=draft.questionnaire_id, questionnaire_version=draft.questionnaire_version,
                         language=draft.language, status=ResponseStatus.SUBMITTED,
                         current_section=draft.current_section, started_at=now, updated_at=now, submitted_at=now,
                         invited=draft.invited)
    db.session.add(submitted)
    db.session.flush()
    columns = ("item_id", "target_agency_id", "value", "dont_know", "text")
    db.session.execute(insert(Answer).from_select(
        ("response_id", *columns),
        select(literal(submitted.id, Integer), *(getattr(Answer, c) for c in columns))
        .where(Answer.response_id == draft.id).order_by(Answer.id)))
    db.session.execute(delete(Answer).where(Answer.response_id == draft.id))
    db.session.execute(delete(Response).where(Response.id == draft.id))
    db.session.expunge(draft)
    return submitted
