"""Finding a round, a jurisdiction, an agency or a state by what a person types (an id, a name, a slug), with an
error that says what is there: what commands and services of every feature look things up with."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import func, select

from ..db import MAX_INTEGER, db
from ..models import Agency, Jurisdiction, Round, State
from ..text import clean
from . import ServiceError


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id) if 0 < round_id <= MAX_INTEGER else None
    if round_ is None:
        raise ServiceError(f"no round with id {round_id}")
    return round_


def _named(model, what: str, name_or_id: str):
    """The row of `model` named `name_or_id` (any case), or with that id."""
    text = clean(str(name_or_id)).strip()
    found = db.session.scalar(select(model).where(func.lower(model.name) == text.lower()))
    if found is None and text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_INTEGER:
        found = db.session.get(model, int(text))
    if found is None:
        raise ServiceError(f"no {what} named {text!r}")
    return found


def find_jurisdiction(name_or_id: str) -> Jurisdiction:
    return _named(Jurisdiction, "jurisdiction", name_or_id)


def find_state(name_or_id: str) -> State:
    return _named(State, "state", name_or_id)


def find_agency(jurisdiction: Jurisdiction, slug_or_name: str, required: bool = True) -> Optional[Agency]:
    text = slug_or_name.strip()
    for agency in jurisdiction.agencies:
        if agency.slug == text or agency.name.lower() == text.lower():
            return agency
    if required:
        known = ", ".join(a.slug for a in jurisdiction.agencies) or "none yet"
        raise ServiceError(f"{jurisdiction.name} has no agency {text!r} (agencies: {known})")
    return None
