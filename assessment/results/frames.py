"""Read a round from the database into frames: the only bridge between storage and scoring."""
from __future__ import annotations

import json
import secrets
from typing import Optional

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from .. import catalog
from ..db import db
from ..models import Agency, Answer, Invitation, Release, Response, Round
from ..scoring import RoundData, respondent_scores
from ..vocabulary import ResponseStatus


def round_data(round_: Round, release: Optional[Release]) -> RoundData:
    """The answers of a release of a round (those of every release up to it), grouped as the release grouped the
    agencies; with no release, a round that holds no answers."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    agencies = db.session.execute(select(Agency.id, Agency.slug, Agency.name, Agency.sector)
                                  .where(Agency.jurisdiction_id == round_.jurisdiction_id)
                                  .order_by(Agency.name)).all()
    slug_of = {a.id: a.slug for a in agencies}
    if release is not None:
        grouped = json.loads(release.grouping)
    else:
        grouped = [{"slug": a.slug, "name": a.name, "sector": a.sector.value} for a in agencies]
    agency_frame = pd.DataFrame({"slug": [a["slug"] for a in grouped], "name": [a["name"] for a in grouped],
                                 "sector": [a["sector"] for a in grouped]}, columns=["slug", "name", "sector"])
    seq = release.seq if release is not None else 0
    held = (Response.round_id == round_.id) & (Response.status == ResponseStatus.SUBMITTED) \
        & Response.released_in.is_not(None) & (Response.released_in <= seq)
    respondents = db.session.execute(select(Response.id, Response.agency_id, Response.role_level, Response.language,
                                            Response.released_in, Response.invited)
                                     .where(held).order_by(Response.id)).all()
    respondent_frame = pd.DataFrame({"respondent": [r.id for r in respondents],
                                     "agency": [slug_of[r.agency_id] for r in respondents],
                                     "role_level": [r.role_level.value for r in respondents],
                                     "language": [r.language for r in respondents],
                                     "release": np.array([r.released_in for r in respondents], dtype=int),
                                     "paper": np.array([not r.invited for r in respondents], dtype=bool)})
    answer_frame, roster_frame = _answers(q, held, slug_of)
    if round_.draws_seed is None:  # made before rounds had one
        round_.draws_seed = secrets.randbits(62)
        db.session.flush()
    return RoundData(questionnaire=q, agencies=agency_frame, respondents=respondent_frame, answers=answer_frame,
                     roster=roster_frame, participation=participation(round_, slug_of),
                     min_group_size=round_.min_group_size, release=max(seq, 1), seed=round_.draws_seed)


def _answers(q, held, slug_of: dict[int, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    likert = [i.id for i in q.items if i.type == "likert"]
    roster_item = q.roster_item
    rows = db.session.execute(
        select(Answer.response_id, Answer.item_id, Answer.target_agency_id, Answer.value, Answer.dont_know)
        .join(Response, Response.id == Answer.response_id).where(held)
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
    return answer_frame, roster_frame


def respondent_scores_of(round_: Round, ids: list[int]) -> tuple[pd.DataFrame, pd.Series]:
    """The scores of some of a round's responses (respondents x constructs, NaN where a construct has too few
    answers), and whether each came on paper."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    chosen = Response.id.in_(ids)
    people = db.session.execute(select(Response.id, Response.invited).where(chosen).order_by(Response.id)).all()
    answer_frame, _roster = _answers(q, chosen, {})
    data = RoundData(questionnaire=q, agencies=pd.DataFrame(columns=["slug", "name", "sector"]),
                     respondents=pd.DataFrame({"respondent": [p.id for p in people]}), answers=answer_frame,
                     roster=_roster, participation=pd.DataFrame())
    paper = pd.Series([not p.invited for p in people], index=[p.id for p in people], dtype=bool)
    return respondent_scores(data), paper


def participation(round_: Round, slug_of: Optional[dict[int, str]] = None) -> pd.DataFrame:
    """Per agency and role level: invited (invitations, plus responses that came without one, such as imports),
    started and submitted. A revoked invitation still counts as invited. (A submitted response no longer names
    its invitation: `Response.invited` says whether it came through one.)"""
    if slug_of is None:
        slug_of = dict(db.session.execute(select(Agency.id, Agency.slug)
                                          .where(Agency.jurisdiction_id == round_.jurisdiction_id)).all())
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


def current_agencies(round_: Round) -> pd.DataFrame:
    """The jurisdiction's agencies as they are now (slug, name, sector): what live coverage names."""
    agencies = db.session.execute(select(Agency.slug, Agency.name, Agency.sector)
                                  .where(Agency.jurisdiction_id == round_.jurisdiction_id)
                                  .order_by(Agency.name)).all()
    return pd.DataFrame({"slug": [a.slug for a in agencies], "name": [a.name for a in agencies],
                         "sector": [a.sector.value for a in agencies]}, columns=["slug", "name", "sector"])
