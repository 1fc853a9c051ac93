"""The action plan recorded after a round, which the next round's comparison shows beside its dimension."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import select

from .. import catalog
from ..db import db
from ..models import Commitment, Round
from ..services import ServiceError
from ..text import clean


def add_commitment(round_: Round, dimension: str, what: str, owner: str,
                   due: Optional[dt.date] = None) -> Commitment:
    """Record what the agencies commit to after a round, for the next round's comparison to show."""
    dimensions = [d.id for d in catalog.of_round(round_).dimensions]
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
