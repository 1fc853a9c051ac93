"""The demo state: "Demo State" groups Demo County with nine smaller counties, each with one or two closed rounds of
synthetic responses answered through the survey's service, so that a state coordinator has counties to compare and
Demo County's facilitator sees the county beside the state.

What the counties agreed is chosen so that every part of the state's pages shows: seven share their figures
(one of them by name), one shares but its only round was too small to publish, one keeps its figures to itself.
Demo County then sees six counties it cannot name together (the minimum is five) and one by name.
Everything comes from one seeded generator, so the demo state is the same on every machine.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from . import catalog, demo, local_time
from .db import db
from .models import Jurisdiction, State
from .people import invitations
from .places import jurisdictions
from .results import commitments
from .rounds import rounds
from .states import states
from .vocabulary import RoleLevel, Sector

STATE_NAME = "Demo State"
SEED = 20001002
DEMO_COORDINATOR = "coordinator@demo.continuum.test"

#: Each county's agencies (name, sector, respondents per round): the key sectors at a small county's size.
AGENCIES = [
    ("Probation", Sector.COMMUNITY_SUPERVISION, 4),
    ("Treatment Provider", Sector.TREATMENT, 3),
    ("Victim Advocates", Sector.VICTIM_ADVOCACY, 3),
    ("Sheriff", Sector.LAW_ENFORCEMENT, 3),
]
#: Two counties also hear their prosecutors.
WITH_PROSECUTION = AGENCIES + [("District Attorney", Sector.PROSECUTION, 3)]
#: Too small to publish: two respondents in all, under the minimum group size of the whole jurisdiction.
TOO_SMALL = [(name, sector, 1) for name, sector, _ in AGENCIES[:2]]

#: name, what it shares ("by name", "shares", or "keeps"), each closed round's offset from Demo County's baseline
#: (score points), and whether it made commitments after its first round. Each county's profile also differs from
#: Demo County's by a few points on each construct, the same in both its rounds.
COUNTIES = [
    ("Alder County", "by name", [-14, 4], True),
    ("Brook County", "shares", [-26, -22], False),
    ("Cliff County", "shares", [-6, -4], True),
    ("Dune County", "shares", [8], False),
    ("Fern County", "shares", [-30, -18], False),
    ("Glen County", "shares", [10, 14], False),
    ("Heath County", "shares", [2, 2], False),
    ("Marsh County", "shares", [0], False),  # its round is too small to publish
    ("Ridge County", "keeps", [-10], False),
]


def the_state() -> State | None:
    return db.session.scalar(db.select(State).where(State.name == STATE_NAME))


def exists() -> bool:
    return the_state() is not None


def coordinator_account(state: State) -> tuple[str, str]:
    """The demo state's coordinator, granted Demo State, with a fresh password."""
    user, password = demo.fresh_account(DEMO_COORDINATOR, "state")
    states.grant(user, state)
    return user.email, password


def seed() -> State:
    """Create the demo state around Demo County (which must exist) through the services facilitators and
    respondents use; the caller commits. Demo County shares its figures with the state, not its name."""
    county = db.session.scalar(db.select(Jurisdiction).where(Jurisdiction.name == demo.DEMO_NAME))
    if county is None:
        raise RuntimeError(f"the demo state is built around {demo.DEMO_NAME}: seed the demo first")
    rng = np.random.default_rng(SEED)
    questionnaire = catalog.latest("collaboration_readiness")
    state = states.add_state(STATE_NAME)
    states.assign(county, state)
    states.set_sharing(county, True, by_name=False)
    for name, shares, offsets, promised in COUNTIES:
        place = jurisdictions.add_jurisdiction(name, time_zone=demo.TIME_ZONE)
        kinds = {"Marsh County": TOO_SMALL, "Dune County": WITH_PROSECUTION,
                 "Glen County": WITH_PROSECUTION}.get(name, AGENCIES)
        agencies = [jurisdictions.add_agency(place, f"{name} {agency}", sector) for agency, sector, _ in kinds]
        levels = demo._pair_levels(rng, agencies)
        profile = {k: v + rng.normal(0, 6) for k, v in demo.BASELINE.items()}
        for number, offset in enumerate(offsets):
            year = 2024 + number
            round_ = rounds.create_round(place, f"Survey {year}", questionnaire.id, questionnaire.version,
                                         opens_at=local_time.to_utc(dt.datetime(year, 9, 15), demo.TIME_ZONE))
            round_.draws_seed = year
            rounds.open_round(round_)
            truth = {k: v + offset for k, v in profile.items()}
            for agency, (_, _, size) in zip(agencies, kinds):
                tokens = invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, size)
                for token in tokens:
                    demo._respond(rng, questionnaire, token, agency, agencies, RoleLevel.LINE_STAFF, truth, 0,
                                  levels)
            rounds.close_round(round_)
            round_.closes_at = local_time.to_utc(dt.datetime(year, 10, 15), demo.TIME_ZONE)
            if promised and number == 0:
                commitments.add_commitment(round_, "information", "One release-of-information form for every "
                                           "agency.", "Probation", dt.date(year + 1, 3, 31))
                commitments.add_commitment(round_, "resources", "A shared case-staffing room.", "Sheriff",
                                           dt.date(year + 1, 6, 30))
        states.assign(place, state)
        if shares != "keeps":
            states.set_sharing(place, True, by_name=shares == "by name")
    return state
