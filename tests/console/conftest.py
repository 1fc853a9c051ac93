"""The console's tests: an app with cheap password hashing and no Chromium (tables-only reports), and helpers
to sign in."""
import pytest
from sqlalchemy import select

from app import create_app
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Invitation
from assessment.people import invitations
from assessment.places import jurisdictions
from assessment.rounds import rounds
from assessment.vocabulary import RoleLevel
from tests.conftest import serve
from tests.support.web import csrf_from

PASSWORD = "correct horse battery"


@pytest.fixture
def app(database):
    yield from serve(create_app({
        "TESTING": True, "SECRET_KEY": "test", "PUBLIC_URL": "http://survey.test",
        "SQLALCHEMY_DATABASE_URI": database("console", tables=True),
        "CHROMIUM_PATH": "/nonexistent/chromium",  # tables-only reports keep these tests quick
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }))


@pytest.fixture
def world(app):
    """Jurisdiction A (two agencies, an open round with an invitation) and B; an admin and one facilitator each."""
    a = jurisdictions.add_jurisdiction("Alpha County")
    b = jurisdictions.add_jurisdiction("Beta County")
    probation = jurisdictions.add_agency(a, "Alpha Probation", "community_supervision")
    treatment = jurisdictions.add_agency(a, "Alpha Treatment", "treatment")
    spare = jurisdictions.add_agency(a, "Alpha Spare", "other")
    round_ = rounds.create_round(a, "Alpha round")
    rounds.open_round(round_)
    invitations.issue_invitations(round_, probation, RoleLevel.LINE_STAFF, 1)
    invitation = db.session.scalar(select(Invitation))
    accounts.create_user("admin@test.org", PASSWORD, "admin")
    accounts.grant(accounts.create_user("alpha@test.org", PASSWORD, "facilitator"), a)
    accounts.grant(accounts.create_user("beta@test.org", PASSWORD, "facilitator"), b)
    db.session.commit()
    return {"a": a.id, "b": b.id, "round": round_.id, "agency": probation.id, "treatment": treatment.id,
            "spare": spare.id, "invitation": invitation.id}


def csrf(client) -> str:
    """A valid token for this client's session (the sign-in page, or the console once signed in)."""
    page = client.get("/login")
    return csrf_from(page.data if page.status_code == 200 else client.get("/console/", follow_redirects=True).data)


def sign_in(client, email, password=PASSWORD):
    if client.get("/login").status_code == 302:  # someone is signed in: sign them out first
        client.post("/logout", data={"csrf_token": csrf(client)})
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf(client)})


