"""Console accounts through HTTP and the command line: sessions that end when they should, access that can be
taken back, and passwords that are not the first an attacker tries."""
from assessment.db import db
from assessment.models import Round
from assessment.vocabulary import RoundStatus
from tests.console.conftest import PASSWORD, csrf, sign_in


def signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_copied_before_sign_out_opens_nothing_after_it(app, client, world):
    sign_in(client, "alpha@test.org")
    copied = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf(client)})
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert signed_out(thief.get("/console/"))
    assert thief.get("/api/rounds/{round}/scores".format(**world)).status_code == 401


def test_a_csrf_token_from_before_sign_in_is_refused_after_it(client, world):
    before = csrf(client)
    signed = client.post("/login", data={"email": "alpha@test.org", "password": PASSWORD, "csrf_token": before})
    assert signed.status_code == 302 and client.get("/console/").status_code == 200
    refused = client.post(f"/console/rounds/{world['round']}/close", data={"csrf_token": before})
    assert refused.status_code == 400
    assert db.session.get(Round, world["round"]).status == RoundStatus.OPEN
    assert client.post(f"/console/rounds/{world['round']}/close", data={"csrf_token": csrf(client)}).status_code == 302
