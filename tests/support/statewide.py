"""Counties answered in bulk: submitted responses written straight to the database (the survey's own path would
take hours at a state's size), each with its invitation, answers drawn around a county's level. The statewide
benchmark seed and the state tests build their counties with it; rounds are then closed through the services, so
each keeps its final release as a real round does."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import numpy as np

from bench import ROLES


def answer_in_bulk(rng, round_, agencies, q, level: float, about: int) -> None:
    """About `about` submitted respondents, spread unevenly over the agencies (one agency small enough to be
    hidden in some rounds), with an invitation each; answers drawn around the county's level, 4% don't know."""
    from sqlalchemy import func, insert, select

    from assessment.db import db
    from assessment.models import Answer, Invitation, Response
    from assessment.vocabulary import InvitationStatus, ResponseStatus

    weights = np.linspace(2.0, 0.2, len(agencies))
    size = int(rng.integers(int(about * 0.9), int(about * 1.1) + 1))
    agency_of = rng.choice(len(agencies), size, p=weights / weights.sum())
    role_of = rng.integers(0, len(ROLES), size)
    first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    ids = range(first, first + size)
    when = round_.opens_at + dt.timedelta(days=3)
    db.session.execute(insert(Response), [
        {"id": n, "round_id": round_.id, "agency_id": agencies[a].id, "role_level": ROLES[role],
         "questionnaire_id": q.id, "questionnaire_version": q.version, "language": "en",
         "status": ResponseStatus.SUBMITTED, "current_section": len(q.sections), "started_at": when,
         "updated_at": when, "submitted_at": when, "invited": True}
        for n, a, role in zip(ids, agency_of.tolist(), role_of.tolist())])
    db.session.execute(insert(Invitation), [
        {"round_id": round_.id, "agency_id": agencies[a].id, "role_level": ROLES[role],
         "token_hash": hashlib.sha256(secrets.token_bytes(24)).hexdigest(), "status": InvitationStatus.SUBMITTED,
         "created_at": when} for a, role in zip(agency_of.tolist(), role_of.tolist())])

    likert = [i.id for i in q.items if i.type == "likert"]
    values = np.clip(np.rint(level + rng.normal(0, 0.6, (size, 1)) + rng.normal(0, 0.7, (size, len(likert)))), 1, 5)
    unknown = rng.random((size, len(likert))) < 0.04
    ratings = np.clip(np.rint(rng.normal(level - 1, 1.0, (size, len(agencies)))), 0, 4)
    rows = []
    for row, n in enumerate(ids):
        rows.append({"response_id": n, "item_id": "role_level", "target_agency_id": None, "value": None,
                     "dont_know": False, "text": ROLES[role_of[row]]})
        for column, item in enumerate(likert):
            dk = bool(unknown[row, column])
            rows.append({"response_id": n, "item_id": item, "target_agency_id": None,
                         "value": None if dk else float(values[row, column]), "dont_know": dk, "text": None})
        for k, target in enumerate(agencies):
            if k != agency_of[row]:
                rows.append({"response_id": n, "item_id": q.roster_item.id, "target_agency_id": target.id,
                             "value": float(ratings[row, k]), "dont_know": False, "text": None})
    db.session.execute(insert(Answer), rows)
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequence past them
        db.session.execute(select(func.setval(func.pg_get_serial_sequence("response", "id"), ids[-1])))
    db.session.flush()


def seed_state(name: str, counties: list[tuple[str, int, list[float]]], agencies: int = 4, seed: int = 7):
    """A state of counties, each with `agencies` agencies and one closed round per level given (about the given
    number of respondents each, answered around that level); returns the state, and the counties by name."""
    from assessment import catalog
    from assessment.db import db
    from assessment.places import jurisdictions
    from assessment.rounds import rounds
    from assessment.states import states
    from bench import SECTORS

    rng = np.random.default_rng(seed)
    q = catalog.latest("collaboration_readiness")
    state = states.add_state(name)
    made = {}
    for county_name, respondents, levels in counties:
        county = jurisdictions.add_jurisdiction(county_name)
        kinds = [jurisdictions.add_agency(county, f"{county_name} {SECTORS[k].replace('_', ' ')}", SECTORS[k])
                 for k in range(agencies)]
        for number, level in enumerate(levels, start=1):
            round_ = rounds.create_round(county, f"Survey {number}", q.id, q.version)
            rounds.open_round(round_)
            round_.opens_at = dt.datetime(2024 + number, 10, 1, 14)
            answer_in_bulk(rng, round_, kinds, q, level, respondents)
            rounds.close_round(round_)
        states.assign(county, state)
        made[county_name] = county
    db.session.flush()
    return state, made
