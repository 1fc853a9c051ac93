"""A round's open answers, reviewed before anyone reads them: a facilitator publishes each (as written, or with a
phrase taken out that could identify someone) or withholds it; only published ones appear in the console's
results and the report.

They are reviewed once the round is closed, and only those of the responses its final results hold, so that a
comment never appears on its own between two looks at an open round (where live coverage would say whose it is).
Nothing is shown for a round below its minimum group size, nor for a question fewer than k people answered (a
comment is attributed to no group, but one of two is still one of two); within a question they come in an order
keyed by the app's secret, which says nothing of who answered when.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Optional

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import select

from .. import catalog
from ..db import db
from ..models import Answer, OpenAnswerReview, Response, Round, utcnow
from ..services import ServiceError, audit
from ..text import clean
from ..vocabulary import ResponseStatus, ReviewStatus, RoundStatus
from . import releases

#: The most a published answer may hold, in characters.
LONGEST = 2000


@dataclass(frozen=True)
class OpenAnswer:
    id: int
    text: str
    status: Optional[ReviewStatus]  # None: waits for review
    published: Optional[str]


@dataclass(frozen=True)
class Question:
    item_id: str
    text: str
    answers: list[OpenAnswer]
    #: Fewer than k answered it: none of its answers is shown or reviewed.
    too_few: bool = False


def reviewable(round_: Round) -> list[Question]:
    """The round's open answers by question, as the review shows them; empty while the round is open or publishes
    no results."""
    if round_.status != RoundStatus.CLOSED:
        return []
    release = releases.latest(round_)
    if release is None or release.responses < round_.min_group_size:
        return []
    q = catalog.of_round(round_)
    texts = [i for i in q.items if i.type == "text"]
    rows = db.session.execute(
        select(Answer.id, Answer.item_id, Answer.text, OpenAnswerReview.status, OpenAnswerReview.text)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(OpenAnswerReview, OpenAnswerReview.answer_id == Answer.id)
        .where(Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED,
               releases.published(release.seq), Answer.item_id.in_([i.id for i in texts]),
               Answer.text.is_not(None), Answer.text != "")).all()
    secret = current_app.config["SECRET_KEY"].encode()
    out = []
    for item in texts:
        mine = sorted((r for r in rows if r.item_id == item.id),
                      key=lambda r: hmac.new(secret, f"open:{round_.id}:{r.id}".encode(), "sha256").digest())
        if 0 < len(mine) < round_.min_group_size:
            out.append(Question(item.id, item.text, [], too_few=True))
            continue
        out.append(Question(item.id, item.text, [OpenAnswer(r.id, r[2], r[3], r[4]) for r in mine]))
    return out


def published(round_: Round) -> list[tuple[str, list[str]]]:
    """The published open answers, by question: (question, [words as published])."""
    return [(question.text, [a.published for a in question.answers if a.status == ReviewStatus.PUBLISHED])
            for question in reviewable(round_)
            if any(a.status == ReviewStatus.PUBLISHED for a in question.answers)]


def review(round_: Round, answer_id: int, decision: str, words: Optional[str] = None) -> OpenAnswerReview:
    """Publish an answer (in `words`, the answer as written less whatever could identify someone; as written when
    None) or withhold it. Audited with who and what was decided, never with the words. Flushes."""
    found = {a.id: a for question in reviewable(round_) for a in question.answers}
    if answer_id not in found:
        raise ServiceError("no such open answer to review in this round (answers are reviewed once the round is "
                           "closed, and only those its results hold)")
    try:
        status = ReviewStatus(decision)
    except ValueError:
        raise ServiceError("choose publish or withhold") from None
    text = None
    if status == ReviewStatus.PUBLISHED:
        text = " ".join(clean(words if words is not None else found[answer_id].text).split())
        if not text:
            raise ServiceError("a published answer needs words: withhold it instead")
        if len(text) > LONGEST:
            raise ServiceError(f"a published answer holds at most {LONGEST} characters")
    kept = db.session.scalar(select(OpenAnswerReview).where(OpenAnswerReview.answer_id == answer_id))
    if kept is None:
        kept = OpenAnswerReview(answer_id=answer_id, status=status)
        db.session.add(kept)
    changed = text != found[answer_id].text
    kept.status, kept.text = status, text
    kept.reviewed_by = getattr(current_user, "email", None) if has_request_context() else None
    kept.reviewed_at = utcnow()
    audit.record("open_answer_reviewed", f"round {round_.id}",
                 f"answer {answer_id}: {status.value}{' with words left out' if changed and text else ''}")
    db.session.flush()
    return kept


def counts(round_: Round) -> dict[str, int]:
    """How many open answers are published, withheld and waiting."""
    every = [a for question in reviewable(round_) for a in question.answers]
    return {"published": sum(1 for a in every if a.status == ReviewStatus.PUBLISHED),
            "withheld": sum(1 for a in every if a.status == ReviewStatus.WITHHELD),
            "waiting": sum(1 for a in every if a.status is None)}
