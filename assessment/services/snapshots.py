"""Open rounds publish snapshots, not a live feed (DOMAIN.md, "Confidentiality").

Reading the results before and after one submission would give that respondent's answers, so submitted
responses join the published results only in batches of at least the round's minimum group size, and all at
once when the round closes. Coverage counts stay live. A response's `published_at` says which snapshot first
held it; the round's `snapshot_at` says when the results last moved.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, func, select, update

from ..db import db, hold
from ..models import Response, Round, utcnow
from ..scoring.results import Snapshot
from ..vocabulary import ResponseStatus, RoundStatus

SUBMITTED = Response.status == ResponseStatus.SUBMITTED


def advance(round_: Round, final: bool = False) -> int:
    """Publish the round's submitted responses that no snapshot holds yet, when there are at least k of them (or
    any, when `final`); returns how many were published. Flushes; the caller commits.

    The round's row is held first, so two submissions at once cannot both take a snapshot of the same batch, nor
    one of a batch smaller than k."""
    hold(Round, round_.id)
    waiting = (Response.round_id == round_.id) & SUBMITTED & Response.published_at.is_(None)
    pending = db.session.scalar(select(func.count(Response.id)).where(waiting))
    if not pending or (pending < round_.min_group_size and not final):
        return 0
    now = utcnow()
    db.session.execute(update(Response).where(waiting).values(published_at=now)
                       .execution_options(synchronize_session=False))
    round_.snapshot_at = now
    db.session.flush()
    return pending


def published() -> ColumnElement[bool]:
    """The condition a response meets when it is in its round's published results."""
    return SUBMITTED & Response.published_at.is_not(None)


def state(round_: Round) -> Snapshot:
    """When the results last moved, how many responses they hold, how many submissions wait for the next
    snapshot, and whether the results are final (the round is closed)."""
    counts = db.session.execute(
        select(func.count(Response.id), func.count(Response.published_at))
        .where(Response.round_id == round_.id, SUBMITTED)).one()
    return Snapshot(taken_at=round_.snapshot_at.isoformat(timespec="minutes") if round_.snapshot_at else None,
                    responses=counts[1], waiting=counts[0] - counts[1], final=round_.status == RoundStatus.CLOSED,
                    min_group_size=round_.min_group_size)
