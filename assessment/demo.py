"""The demo jurisdiction: "Demo County", ten agencies covering every key sector, two closed rounds of
synthetic responses (the later one better on most dimensions) and one open round with invitations.

Everything comes from one seeded generator, so the demo is the same on every machine.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import numpy as np

from questionnaires.schema import Questionnaire
from questionnaires.types import AnswerKey, AnswerValue

from . import catalog, local_time
from .accounts import accounts
from .db import db
from .models import Agency, Jurisdiction, Round, User
from .people import invitations
from .places import jurisdictions
from .results import commitments
from .rounds import rounds
from .survey import service as survey
from .tokens import new_token
from .vocabulary import RoleLevel, RoundStatus, Sector

DEMO_NAME = "Demo County"
SEED = 20001001

#: name, sector, respondents per round, offset of the agency's views from the jurisdiction's (score points)
#: Demo County is on Central time.
TIME_ZONE = "America/Chicago"
AGENCIES = [
    ("Adult Probation and Parole", Sector.COMMUNITY_SUPERVISION, 9, 10),
    ("Sex Offense Specific Treatment Associates", Sector.TREATMENT, 6, 8),
    ("Victim Services Center", Sector.VICTIM_ADVOCACY, 5, -9),
    ("Sheriff's Office", Sector.LAW_ENFORCEMENT, 6, 0),
    ("City Police Department", Sector.LAW_ENFORCEMENT, 5, -6),
    ("District Attorney's Office", Sector.PROSECUTION, 5, 2),
    ("District Court", Sector.JUDICIARY, 4, -4),
    ("Public Defender's Office", Sector.DEFENSE, 4, -18),
    ("County Jail", Sector.INSTITUTIONAL_CORRECTIONS, 4, -12),
    ("County Board of Supervisors", Sector.POLICYMAKER, 2, 4),  # below the minimum group size of 3
]
#: With these sizes the closed rounds show eight of the ten agencies: the board (2) is below the minimum, and the
#: smallest agency whose removal protects it (the county jail, 4) is hidden with it, so that no subtraction of the
#: shown agencies from the jurisdiction gives the board alone.

#: The jurisdiction's true level per construct (0-100) in each closed round: better on most dimensions later,
#: resources flat.
BASELINE = {"information": 60, "activities": 50, "resources": 36, "capacity": 30,
            "trust": 55, "time": 38, "turf": 48, "leadership": 44}
FOLLOW_UP = {"information": 72, "activities": 60, "resources": 35, "capacity": 42,
             "trust": 62, "time": 40, "turf": 55, "leadership": 56}
EXECUTIVE_OPTIMISM = 8
ROLE_MIX = [RoleLevel.LINE_STAFF] * 6 + [RoleLevel.SUPERVISOR] * 3 + [RoleLevel.EXECUTIVE]
#: Sectors that work closely on these cases; their pairs sit higher on the roster.
CORE = {Sector.COMMUNITY_SUPERVISION, Sector.TREATMENT, Sector.VICTIM_ADVOCACY, Sector.LAW_ENFORCEMENT}


DEMO_FACILITATOR = "facilitator@demo.continuum.test"


def fresh_account(email: str, role: str) -> tuple[User, str]:
    """A demo account, made when missing, with a fresh random password (printed, never stored in clear)."""
    password = new_token()
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email, password, role)
    else:
        accounts.set_password(user, password)
    return user, password


def facilitator_account(jurisdiction: Jurisdiction) -> tuple[str, str]:
    """The demo facilitator, granted Demo County, with a fresh password."""
    user, password = fresh_account(DEMO_FACILITATOR, "facilitator")
    accounts.grant(user, jurisdiction)
    return user.email, password


def demo_exists() -> bool:
    return db.session.scalar(db.select(Jurisdiction).where(Jurisdiction.name == DEMO_NAME)) is not None


def open_demo_round() -> Round | None:
    return db.session.scalar(db.select(Round).join(Jurisdiction).where(
        Jurisdiction.name == DEMO_NAME, Round.status == RoundStatus.OPEN).order_by(Round.id.desc()))


def seed() -> Round:
    """Create the demo through the services a facilitator and the respondents would use (the caller commits);
    returns its open round."""
    rng = np.random.default_rng(SEED)
    questionnaire = catalog.latest("collaboration_readiness")
    jurisdiction = jurisdictions.add_jurisdiction(DEMO_NAME, time_zone=TIME_ZONE)
    local = lambda *day: local_time.to_utc(dt.datetime(*day), TIME_ZONE)  # noqa: E731 - a date on the county's clock
    agencies = [jurisdictions.add_agency(jurisdiction, name, sector) for name, sector, _, _ in AGENCIES]
    pair_levels = _pair_levels(rng, agencies)

    for title, truth, year, roster_lift in (("Baseline survey 2024", BASELINE, 2024, 0.0),
                                             ("Follow-up survey 2025", FOLLOW_UP, 2025, 0.5)):
        round_ = rounds.create_round(jurisdiction, title, questionnaire.id, questionnaire.version,
                                     opens_at=local(year, 10, 1))
        round_.draws_seed = year  # made-up people: a seed anyone may know, so that the demo's figures stay put
        rounds.open_round(round_)
        levels = {k: v + roster_lift for k, v in pair_levels.items()}
        for agency, (_, _, size, offset) in zip(agencies, AGENCIES):
            roles = [ROLE_MIX[(n * 7 + agency.id) % len(ROLE_MIX)] if n else RoleLevel.LINE_STAFF
                     for n in range(size)]
            tokens = {role: invitations.issue_invitations(round_, agency, role, roles.count(role))
                      for role in dict.fromkeys(roles)}
            for n, role in enumerate(roles):
                comment = COMMENTS[(n + agency.id + year) % len(COMMENTS)] if n % 3 == 1 else None
                _respond(rng, questionnaire, tokens[role].pop(), agency, agencies, role, truth, offset, levels,
                         comment)
            invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 2)  # never answered
        started = invitations.issue_invitations(round_, agencies[3], RoleLevel.LINE_STAFF, 1)[0]
        survey.start(survey.find_invitation(started), questionnaire, questionnaire.languages[0])  # a draft: left out
        rounds.close_round(round_)
        round_.closes_at = local(year, 10, 29)  # a round of the past: it closed on its date
        if year == 2024:
            _commitments(round_)
    open_round = rounds.create_round(jurisdiction, "Survey 2026", questionnaire.id, questionnaire.version,
                                     opens_at=local(2026, 10, 1))
    rounds.open_round(open_round)
    for agency, (_, _, size, _) in zip(agencies, AGENCIES):
        invitations.issue_invitations(open_round, agency, RoleLevel.LINE_STAFF, max(size - 2, 1))
        invitations.issue_invitations(open_round, agency, RoleLevel.SUPERVISOR, 1)
        invitations.issue_invitations(open_round, agency, RoleLevel.EXECUTIVE, 1)
    return open_round


def _pair_levels(rng, agencies: list[Agency]) -> dict[tuple[int, int], float]:
    """A latent roster level (0-4) for each ordered pair: close for core sectors, with some one-sided views."""
    levels = {}
    for a in agencies:
        for b in agencies:
            if a.id < b.id:
                base = 2.0 if a.sector in CORE and b.sector in CORE else 1.0
                shared = base + rng.normal(0, 0.5)
                lean = rng.choice([0.0, 0.0, 0.0, 0.8])  # a few pairs see each other quite differently
                levels[(a.id, b.id)] = shared + lean / 2
                levels[(b.id, a.id)] = shared - lean / 2
    return levels


def _respond(rng, q: Questionnaire, token: str, agency: Agency, agencies: list[Agency], role: RoleLevel,
             truth: dict[str, float], offset: float, pair_levels, comment: Optional[str] = None) -> None:
    """One respondent's answers, drawn around the agency's level, saved page by page and submitted through the
    survey's service; `comment` answers the first open question (for the review of open answers)."""
    invitation = survey.find_invitation(token)
    response = survey.start(invitation, q, q.languages[0])
    targets = survey.roster_targets(invitation.round, agency.id)
    answers: dict[AnswerKey, AnswerValue] = {}
    lift = EXECUTIVE_OPTIMISM if role == RoleLevel.EXECUTIVE else 0
    personal = rng.normal(0, 14)
    for item in q.items:
        if item.type == "likert":
            scale = q.scales[item.scale]
            dk_rate = 0.12 if item.dimension == "information" and agency.sector == Sector.JUDICIARY else 0.03
            if rng.random() < dk_rate:
                answers[(item.id, None)] = AnswerValue(dont_know=True)
                continue
            target = truth[item.construct] + offset + lift + personal
            mean = scale.min + (scale.max - scale.min) * np.clip(target, 0, 100) / 100
            value = float(np.clip(np.rint(mean + rng.normal(0, 0.55)), scale.min, scale.max))
            answers[(item.id, None)] = AnswerValue(value=scale.reverse(value) if item.reverse else value)
        elif item.type == "roster":
            scale = q.scales[item.scale]
            for other in agencies:
                if other.id == agency.id:
                    continue
                if rng.random() < 0.05:
                    answers[(item.id, other.id)] = AnswerValue(dont_know=True)
                    continue
                level = np.clip(np.rint(pair_levels[(agency.id, other.id)] + rng.normal(0, 0.45)),
                                scale.min, scale.max)
                answers[(item.id, other.id)] = AnswerValue(value=float(level))
        elif item.sets == "role_level":
            answers[(item.id, None)] = AnswerValue(text=role.value)
        elif item.type == "text" and comment and not any(k[0] == item.id for k in answers):
            answers[(item.id, None)] = AnswerValue(text=comment)
            comment = None
    for index, section in enumerate(q.sections):
        mine = {item.id for item in section.items}
        survey.save_section(response, q, index, {k: v for k, v in answers.items() if k[0] in mine}, index + 1)
    if not survey.submit(invitation, response, q, targets):
        raise RuntimeError("the demo's respondent could not submit")


#: What some of the demo's respondents wrote in answer to the first open question: a review of open answers has
#: something to read (one names a person and a unit, as real answers sometimes do).
COMMENTS = (
    "We only hear about violations when something has already gone wrong.",
    "Treatment reports come in late and in a different format every time.",
    "The monthly staffing works when everyone comes; too often the same two agencies are missing.",
    "Nobody told our unit that the release-of-information form had changed.",
    "Court dates move without notice to the advocates.",
    "Sergeant Ruiz in the sex crimes unit is the only one who ever calls us back.",
    "We would share more if we knew what we are allowed to share.",
)


def _commitments(round_: Round) -> None:
    """The action plan the demo's agencies agreed after the baseline round."""
    commitments.add_commitment(round_, "information", "Agree one release-of-information form and a weekly exchange "
                               "of progress reports.", "Probation and treatment leads", dt.date(2025, 3, 31))
    commitments.add_commitment(round_, "capacity", "Start monthly joint case staffing with supervision, treatment "
                               "and victim advocacy.", "Victim Services Center", dt.date(2025, 6, 30))
    commitments.add_commitment(round_, "resources", "Fund a shared analyst for the multi-agency team.",
                               "County administrator's office", dt.date(2025, 9, 30))
