import re

import pytest

from app import create_app
from assessment.db import db
from assessment.services import setup
from assessment.vocabulary import RoleLevel


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "PUBLIC_URL": "http://survey.test",
    })
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def county(app):
    """A jurisdiction with three agencies and an open round."""
    jurisdiction = setup.add_jurisdiction("Test County")
    agencies = [setup.add_agency(jurisdiction, "Probation Department", "community_supervision"),
                setup.add_agency(jurisdiction, "Treatment Center", "treatment"),
                setup.add_agency(jurisdiction, "Victim Advocates", "victim_advocacy")]
    round_ = setup.create_round(jurisdiction, "Spring survey")
    setup.open_round(round_)
    return {"jurisdiction": jurisdiction, "agencies": agencies, "round": round_}


@pytest.fixture
def token(county):
    """A fresh invitation for a line-staff member of the probation department."""
    return setup.issue_invitations(county["round"], county["agencies"][0], RoleLevel.LINE_STAFF, 1)[0]


def csrf_from(html: bytes | str) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(r'name="csrf_token" value="([^"]+)"', text)
    assert match, "the page holds no CSRF token"
    return match.group(1)
