"""A round's life played through the app the way a reader who looks again, a facilitator and an administrator
would: submissions arrive, the results are read after each step (the API, as the console's pages show them),
agencies are regrouped, paper forms imported, the round closed and reopened. Everything read goes into one
disclosure auditor (tests/disclosure_auditor.py), which knows the truth: who submitted what, in which order."""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

import numpy as np

from assessment import catalog
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Agency
from assessment.people import invitations
from assessment.places import jurisdictions
from assessment.rounds import rounds
from tests.disclosure_auditor import Auditor, Person
from tests.support.survey import submit_through_services
from tests.support.web import csrf_from

ADMIN = "history-admin@test.org"
PASSWORD = "correct horse battery"


def scored_constructs(q, answers: dict) -> frozenset[str]:
    """The constructs a respondent has a score on: at least two thirds of their items answered with a value."""
    out = set()
    for construct in q.dimensions + q.conditions:
        items = q.scored_items(construct.id)
        answered = sum(1 for i in items if isinstance(answers.get(i.id), (int, float)))
        if answered * 3 >= 2 * len(items):
            out.add(construct.id)
    return frozenset(out)


@dataclass
class History:
    """One round of a new jurisdiction, with an administrator signed in on `client`."""

    client: object
    name: str
    agencies: dict[str, tuple[str, str]]  # slug -> (name, sector)
    min_group_size: int = 3
    seed: int = 1
    people: list[Person] = field(default_factory=list)
    looks: int = 0

    def __post_init__(self):
        self.q = catalog.latest("collaboration_readiness")
        self.rng = np.random.default_rng(self.seed)
        jurisdiction = jurisdictions.add_jurisdiction(self.name)
        for slug, (agency_name, sector) in self.agencies.items():
            jurisdictions.add_agency(jurisdiction, agency_name, sector, slug)
        self.round = rounds.create_round(jurisdiction, "Round", min_group_size=self.min_group_size)
        rounds.open_round(self.round)
        if accounts.find_user(ADMIN) is None:
            accounts.create_user(ADMIN, PASSWORD, "admin")
        db.session.commit()
        self.auditor = Auditor(self.people, [c.id for c in self.q.dimensions + self.q.conditions],
                               self.min_group_size)
        self._sign_in()

    def _sign_in(self):
        page = self.client.get("/login")
        if page.status_code == 200:
            self.client.post("/login", data={"email": ADMIN, "password": PASSWORD,
                                             "csrf_token": csrf_from(page.data)})

    def _csrf(self) -> str:
        return csrf_from(self.client.get("/console/").data)

    def answers(self, dont_know: tuple[str, ...] = ()) -> dict:
        """Answers to every Likert item, drawn at random; "DK" for the items of the constructs named."""
        out = {}
        for item in self.q.items:
            if item.type == "likert":
                out[item.id] = "DK" if item.construct in dont_know else int(self.rng.integers(1, 6))
        return out

    def _person(self, agency: str, role: str, answers: dict) -> Person:
        person = Person(len(self.people) + 1, agency, self.agencies[agency][1], role,
                        scored_constructs(self.q, answers))
        self.people.append(person)
        self.auditor.index[person.id] = len(self.people) - 1
        return person

    def submit(self, agency: str, role: str = "line_staff", dont_know: tuple[str, ...] = ()) -> Person:
        answers = self.answers(dont_know)
        target = db.session.scalar(db.select(Agency).where(Agency.jurisdiction_id == self.round.jurisdiction_id,
                                                           Agency.slug == agency))
        token = invitations.issue_invitations(self.round, target, role, 1)[0]
        db.session.commit()
        submit_through_services(token, likert=answers)
        return self._person(agency, role, answers)

    def look(self) -> dict:
        """Read the round's results as the console's users do, and give every figure to the auditor."""
        response = self.client.get(f"/api/rounds/{self.round.id}/scores")
        assert response.status_code == 200, response.status_code
        published = response.get_json()
        self.looks += 1
        self.auditor.read(published, source=f"look {self.looks}")
        return published

    def import_paper(self, rows: list[tuple[str, str]], known: bool = True) -> int:
        """Paper forms (agency, role level) imported through the console; `known`: the importer made them up, so
        their answers are known to the attacker. Returns the HTTP status."""
        likert = [i.id for i in self.q.items if i.type == "likert"]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["agency", "role_level", *likert])
        drawn = []
        for agency, role in rows:
            answers = self.answers()
            drawn.append((agency, role, answers))
            writer.writerow([agency, role, *(answers[i] for i in likert)])
        response = self.client.post(f"/console/rounds/{self.round.id}/import",
                                    data={"file": (io.BytesIO(out.getvalue().encode()), "paper.csv"),
                                          "csrf_token": self._csrf()}, content_type="multipart/form-data")
        if response.status_code == 302:
            for agency, role, answers in drawn:
                person = self._person(agency, role, answers)
                if known:
                    self.auditor.known.add(person.id)
        return response.status_code

    def regroup(self, agency: str, sector: str) -> int:
        target = db.session.scalar(db.select(Agency).where(Agency.jurisdiction_id == self.round.jurisdiction_id,
                                                           Agency.slug == agency))
        response = self.client.post(f"/console/agencies/{target.id}/edit",
                                    data={"name": target.name, "sector": sector, "slug": target.slug,
                                          "csrf_token": self._csrf()})
        return response.status_code

    def close(self) -> None:
        self.client.post(f"/console/rounds/{self.round.id}/close",
                         data={"confirmed": "yes", "csrf_token": self._csrf()})
        db.session.expire_all()

    def reopen(self, reason: str = "A late group asked to answer") -> None:
        self.client.post(f"/console/rounds/{self.round.id}/reopen",
                         data={"reason": reason, "csrf_token": self._csrf()})
        db.session.expire_all()

    def exposures(self) -> list[str]:
        return [str(e) for e in self.auditor.exposures()]

    def grid_exposures(self) -> list[str]:
        """The integer program on the score grid, with SDs (`Auditor.grid_exposures`): every answer here is a
        value or "don't know" throughout a construct, so a score takes the values 100 s / 4m."""
        def grid(_person, construct: str) -> np.ndarray:
            steps = 4 * len(self.q.scored_items(construct))
            return np.arange(steps + 1) * 100 / steps
        return [str(e) for e in self.auditor.grid_exposures(grid)]


def agency_score(published: dict, slug: str, construct: str) -> float | None:
    agency = next(a for a in published["agencies"] if a["slug"] == slug)
    if agency.get("suppressed") or "dimensions" not in agency:
        return None
    figures = agency["dimensions"].get(construct) or agency["conditions"][construct]
    return figures["score"]


def close_to(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, abs_tol=1e-6)
