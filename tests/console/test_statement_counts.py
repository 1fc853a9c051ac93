"""Every console page costs the same number of SQL statements whatever the size of the data: a small database
(one jurisdiction of 3 agencies, a handful of people) and a larger one (8 jurisdictions of 10 agencies, each with
a facilitator, 30 contacts and 12 responses a round) answer each page with as many statements. A page whose count
grows with the data (a lookup per row) fails here."""
import pytest
from sqlalchemy import select

from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Agency, Round, User
from assessment.people import contacts, invitations
from assessment.places import jurisdictions
from assessment.rounds import rounds
from assessment.sharing import sharing
from assessment.vocabulary import RoleLevel
from tests.console.conftest import PASSWORD, sign_in
from tests.support.statements import statements
from tests.support.survey import submit_through_services

SECTORS = ["community_supervision", "treatment", "law_enforcement", "victim_advocacy", "prosecution", "judiciary",
           "defense", "other"]
SMALL, LARGE = (1, 3, 4, 6), (8, 10, 30, 12)


def build(places: int, agencies: int, people: int, responses: int) -> None:
    """`places` jurisdictions, each with a facilitator and `agencies` agencies, a closed round with `responses`
    responses (and a share link), and an open round with `people` contacts."""
    accounts.create_user("admin@test.org", PASSWORD, "admin")
    for p in range(places):
        place = jurisdictions.add_jurisdiction(f"County {p}")
        accounts.grant(accounts.create_user(f"facilitator{p}@test.org", PASSWORD, "facilitator"), place)
        made = [jurisdictions.add_agency(place, f"Agency {p}-{a}", SECTORS[a % len(SECTORS)]) for a in range(agencies)]
        closed = rounds.create_round(place, "Closed")
        rounds.open_round(closed)
        for n in range(responses):
            submit_through_services(invitations.issue_invitations(closed, made[n % agencies], RoleLevel.LINE_STAFF,
                                                                  1)[0])
        rounds.close_round(closed)
        sharing.create(closed, "Policy team", 14)
        current = rounds.create_round(place, "Open")
        rounds.open_round(current)
        listed = "".join(f"p{p}x{n}@county.test,{made[n % agencies].slug},line_staff\n" for n in range(people))
        contacts.add(current, contacts.read_file(current, ("email,agency,role_level\n" + listed).encode()))
        db.session.commit()


def pages() -> dict[str, str]:
    """Each page by a name that is the same on both databases."""
    closed = db.session.scalar(select(Round).where(Round.title == "Closed").order_by(Round.id))
    current = db.session.scalar(select(Round).where(Round.title == "Open").order_by(Round.id))
    agency = db.session.scalar(select(Agency).order_by(Agency.id))
    user = db.session.scalar(select(User).order_by(User.id))
    named = {"index": "/console/", "jurisdiction": f"/console/jurisdictions/{closed.jurisdiction_id}",
             "agency": f"/console/agencies/{agency.id}/edit", "audit": "/console/audit", "users": "/console/users",
             "user": f"/console/users/{user.id}", "viewer rounds": "/view/"}
    for label, round_ in (("closed", closed), ("open", current)):
        for tab in ("", "/people", "/messages", "/plan", "/open-answers", "/settings", "/results", "/import",
                    "/sharing"):
            named[f"{label} round{tab}"] = f"/console/rounds/{round_.id}{tab}"
    named["viewer results"] = f"/view/rounds/{closed.id}"
    named["raw export"] = f"/console/rounds/{closed.id}/export/responses-wide.csv?confirmed=yes"
    named["scores export"] = f"/console/rounds/{closed.id}/export/scores.csv"
    return named


@pytest.fixture(scope="module")
def counted():
    return {}


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_each_page_s_statements(client, size, counted):
    build(*size)
    sign_in(client, "admin@test.org")
    statements(client, "/console/")  # the session's first page loads the account; count from the second on
    counted[size] = {name: statements(client, path) for name, path in pages().items()}


def test_no_page_costs_more_statements_on_more_data(counted):
    if set(counted) != {SMALL, LARGE}:
        pytest.skip("runs after the two databases were counted")
    grew = {name: (counted[SMALL][name], counted[LARGE][name]) for name in counted[SMALL]
            if counted[LARGE][name] > counted[SMALL][name]}
    assert not grew, f"statements (small, large) of the pages that grow with the data: {grew}"
    assert max(counted[LARGE].values()) <= 30, counted[LARGE]
