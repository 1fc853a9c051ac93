"""Survey rounds: created from a questionnaire version, opened, closed, reopened, listed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from .. import catalog
from ..db import MAX_INTEGER, db
from ..models import Jurisdiction, Response, Round, utcnow
from ..text import clean
from ..vocabulary import ResponseStatus, RoundStatus
from . import ServiceError, audit, contacts, releases, report


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
    stay closed to respondents. Nothing new is published until a release may be taken (`releases`): its final
    results stay as they are until at least k new submissions can join them together. A round whose raw responses
    were exported stays closed (see `exports.raw_file`)."""
    if round_.status != RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is not closed")
    if round_.raw_exported_at is not None:
        raise ServiceError(f"round {round_.id} cannot be reopened: its raw responses were exported on "
                           f"{round_.raw_exported_at:%Y-%m-%d}, and results published after that file would be set "
                           "beside it. Start a new round for late answers")
    reason = clean(reason).strip()
    if not reason:
        raise ServiceError("say why the round is reopened; the reason goes into the audit log")
    round_.status = RoundStatus.OPEN
    if round_.closes_at is not None and round_.closes_at <= utcnow():
        round_.closes_at = None
    audit.record("round_reopened", f"round {round_.id}", reason)
    db.session.flush()


@dataclass(frozen=True)
class Closing:
    """What the close of a round left out of its final results: drafts never submitted, and submissions that
    arrived after the last release when they could not be published together (see `releases`)."""

    drafts: int
    left_out: int
    min_group_size: int

    def __str__(self) -> str:
        said = f"{self.drafts} unsubmitted draft(s) are left out of its results"
        if self.left_out:
            said += (f"; so are the {self.left_out} submission(s) that came after the results were last published: "
                     f"fewer than {self.min_group_size} new ones (or too few with a score on each part) would show "
                     "their answers by difference")
        return said + "."


def close_round(round_: Round) -> Closing:
    """Close a round: it takes its last release (see `releases`), its results are then final, so its report is
    rendered now, in the background, when it has results to show; its contacts' addresses are deleted."""
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is already closed")
    drafts = db.session.scalar(select(func.count(Response.id)).where(
        Response.round_id == round_.id, Response.status == ResponseStatus.DRAFT))
    round_.status = RoundStatus.CLOSED
    releases.take(round_, final=True)
    left_out = db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id,
                                                                       releases.waiting()))
    closing = Closing(drafts, left_out, round_.min_group_size)
    audit.record("round_closed", f"round {round_.id}", str(closing))
    final = releases.latest(round_)
    if final is not None and final.responses >= round_.min_group_size:
        report.queue(round_)
    if contacts.held(round_):
        contacts.purge(round_, "the round closed")
    db.session.flush()
    return closing


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
