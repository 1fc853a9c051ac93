"""Read a round from the database into frames and score it. The only bridge between storage and scoring."""
from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from .. import catalog
from ..db import db
from ..models import Agency, Answer, Commitment, Invitation, Response, Round
from ..scoring import RoundData, score_round
from ..scoring.comparison import NotComparable, compare
from ..scoring.results import CarriedCommitment, Comparison, RoundInfo, RoundRef, RoundResults, TrendPoint, replace
from ..vocabulary import ResponseStatus, RoundStatus
from . import ServiceError, snapshots


def round_data(round_: Round) -> RoundData:
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    agencies = db.session.execute(select(Agency.id, Agency.slug, Agency.name, Agency.sector)
                                  .where(Agency.jurisdiction_id == round_.jurisdiction_id)
                                  .order_by(Agency.name)).all()
    slug_of = {a.id: a.slug for a in agencies}
    agency_frame = pd.DataFrame({"slug": [a.slug for a in agencies], "name": [a.name for a in agencies],
                                 "sector": [a.sector.value for a in agencies]})

    submitted = (Response.round_id == round_.id) & snapshots.published()
    respondents = db.session.execute(select(Response.id, Response.agency_id, Response.role_level, Response.language)
                                     .where(submitted).order_by(Response.id)).all()
    respondent_frame = pd.DataFrame({"respondent": [r.id for r in respondents],
                                     "agency": [slug_of[r.agency_id] for r in respondents],
                                     "role_level": [r.role_level.value for r in respondents],
                                     "language": [r.language for r in respondents]})

    likert = [i.id for i in q.items if i.type == "likert"]
    roster_item = q.roster_item
    rows = db.session.execute(
        select(Answer.response_id, Answer.item_id, Answer.target_agency_id, Answer.value, Answer.dont_know)
        .join(Response, Response.id == Answer.response_id).where(submitted)
        .where(Answer.item_id.in_(likert + ([roster_item.id] if roster_item else [])))).all()
    answers = [r for r in rows if r.target_agency_id is None]
    roster = [r for r in rows if r.target_agency_id is not None and r.target_agency_id in slug_of]
    answer_frame = pd.DataFrame({"respondent": [r.response_id for r in answers],
                                 "item": [r.item_id for r in answers],
                                 "value": np.array([np.nan if r.value is None else r.value for r in answers], float),
                                 "dont_know": [bool(r.dont_know) for r in answers]})
    roster_frame = pd.DataFrame({"respondent": [r.response_id for r in roster],
                                 "target": [slug_of[r.target_agency_id] for r in roster],
                                 "value": np.array([np.nan if r.value is None else r.value for r in roster], float),
                                 "dont_know": [bool(r.dont_know) for r in roster]})
    return RoundData(questionnaire=q, agencies=agency_frame, respondents=respondent_frame, answers=answer_frame,
                     roster=roster_frame, participation=participation(round_, slug_of),
                     min_group_size=round_.min_group_size)


def participation(round_: Round, slug_of: dict[int, str]) -> pd.DataFrame:
    """Per agency and role level: invited (invitations, plus responses that came without one, such as imports),
    started and submitted. A revoked invitation still counts as invited. (A submitted response no longer names
    its invitation: `Response.invited` says whether it came through one.)"""
    invited: dict[tuple[int, str], int] = {}
    for agency_id, role, count in db.session.execute(
            select(Invitation.agency_id, Invitation.role_level, func.count(Invitation.id))
            .where(Invitation.round_id == round_.id).group_by(Invitation.agency_id, Invitation.role_level)).all():
        invited[(agency_id, role.value)] = count
    uninvited = (select(Response.agency_id, Response.role_level, func.count(Response.id))
                 .where(Response.round_id == round_.id, Response.invited.is_(False))
                 .group_by(Response.agency_id, Response.role_level))
    for agency_id, role, count in db.session.execute(uninvited).all():
        invited[(agency_id, role.value)] = invited.get((agency_id, role.value), 0) + count
    progress = {(row.agency_id, row.role_level.value): row for row in db.session.execute(
        select(Response.agency_id, Response.role_level, func.count(Response.id).label("started"),
               func.sum(case((Response.status == ResponseStatus.SUBMITTED, 1), else_=0)).label("submitted"))
        .where(Response.round_id == round_.id).group_by(Response.agency_id, Response.role_level)).all()}
    keys = sorted(set(invited) | set(progress))
    return pd.DataFrame([{"agency": slug_of[a], "role_level": r, "invited": invited.get((a, r), 0),
                          "started": progress[(a, r)].started if (a, r) in progress else 0,
                          "submitted": int(progress[(a, r)].submitted or 0) if (a, r) in progress else 0}
                         for a, r in keys if a in slug_of],
                        columns=["agency", "role_level", "invited", "started", "submitted"])


def round_scores(round_: Round, data: RoundData | None = None) -> RoundResults:
    """The published results of a round (its last snapshot), with the round and jurisdiction named (from `data`
    when already read)."""
    results = score_round(data if data is not None else round_data(round_))
    info = RoundInfo(id=round_.id, title=round_.title, status=round_.status.value,
                     questionnaire_id=round_.questionnaire_id, questionnaire_version=round_.questionnaire_version,
                     opens_at=_date(round_.opens_at), closes_at=_date(round_.closes_at))
    return replace(results, round=info, snapshot=snapshots.state(round_),
                   jurisdiction=replace(results.jurisdiction, name=round_.jurisdiction.name))


def _date(value) -> str | None:
    return value.date().isoformat() if value else None


def compare_rounds(earlier: Round, later: Round, later_results: RoundResults | None = None) -> Comparison:
    """How a jurisdiction moved from one round to another (both of the same jurisdiction). `later_results`, when
    the caller has them already, saves scoring the later round again."""
    if earlier.jurisdiction_id != later.jurisdiction_id:
        raise ServiceError("only two rounds of the same jurisdiction can be compared")
    if earlier.id == later.id:
        raise ServiceError("choose two different rounds")
    data_before, data_after = round_data(earlier), round_data(later)
    before = round_scores(earlier, data_before)
    after = later_results if later_results is not None else round_scores(later, data_after)
    try:
        comparison = compare(data_before, data_after, before, after)
    except NotComparable as exc:
        raise ServiceError(str(exc)) from None
    commitments = db.session.scalars(select(Commitment).where(Commitment.round_id == earlier.id)
                                     .order_by(Commitment.id))
    carried = tuple(CarriedCommitment(dimension=c.dimension, what=c.what, owner=c.owner,
                                      due=c.due.isoformat() if c.due else None,
                                      movement=comparison.dimensions.get(c.dimension)) for c in commitments)
    return replace(comparison, earlier=_reference(earlier), later=_reference(later), commitments=carried,
                   trend=trend(later, {earlier.id: before, later.id: after}))


def _reference(round_: Round) -> RoundRef:
    return RoundRef(id=round_.id, title=round_.title, questionnaire_version=round_.questionnaire_version)


MIN_ROUNDS_FOR_TREND = 3


def trend(later: Round, known: dict[int, RoundResults]) -> tuple[TrendPoint, ...]:
    """The jurisdiction's dimension scores in each closed round up to `later` that publishes them, when there are
    at least three (`known`: results already at hand, by round id)."""
    closed = [r for r in later.jurisdiction.rounds if r.status == RoundStatus.CLOSED and r.id <= later.id]
    if len(closed) < MIN_ROUNDS_FOR_TREND:
        return ()
    published = [(r, j) for r in closed
                 if not (j := (known.get(r.id) or round_scores(r)).jurisdiction).suppressed]
    if len(published) < MIN_ROUNDS_FOR_TREND:
        return ()
    return tuple(TrendPoint(id=r.id, title=r.title,
                            dimensions={d: f.score for d, f in j.profile.dimensions.items()})
                 for r, j in published)
