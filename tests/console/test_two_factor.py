"""A second factor for console accounts: enrolment with a code typed back, sign-in with a code (each accepted
once) or a single-use recovery code, an administrator's reset, the requirement for administrators, and a limit
on refused sign-ins per account."""
import re
from html import unescape

import pyotp
import pytest
from sqlalchemy import select

from app import create_app
from assessment.db import db
from assessment.models import AuditEvent, User
from tests.conftest import serve
from tests.console.conftest import PASSWORD, csrf, sign_in


@pytest.fixture
def app(database):
    yield from serve(create_app({
        "TESTING": True, "SECRET_KEY": "test", "PUBLIC_URL": "http://survey.test",
        "SQLALCHEMY_DATABASE_URI": database("console", tables=True), "CHROMIUM_PATH": "/nonexistent/chromium",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "TWO_FACTOR_REQUIRED": "admin"}))


def token(client) -> str:
    from tests.support.web import csrf_from
    return csrf_from(client.get("/console/account").data)


def enrol(client) -> tuple[str, list[str]]:
    csrf = token  # the account page is the one page open before the factor is set up
    page = client.post("/console/account/two-factor", data={"action": "begin", "csrf_token": csrf(client)})
    secret = re.search(r'<code id="totp-key">([A-Z2-7]+)</code>', page.get_data(as_text=True)).group(1)
    assert "<svg" in page.get_data(as_text=True)  # the QR code
    wrong = client.post("/console/account/two-factor", data={"action": "confirm", "code": "000000",
                                                             "csrf_token": csrf(client)})
    assert wrong.status_code == 400 and secret in wrong.get_data(as_text=True)  # the same key, shown again
    done = client.post("/console/account/two-factor", data={"action": "confirm", "code": pyotp.TOTP(secret).now(),
                                                            "csrf_token": csrf(client)})
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def test_an_administrator_must_set_up_a_second_factor_then_signs_in_with_codes(client, world):
    signed = sign_in(client, "admin@test.org")
    assert signed.headers["Location"].endswith("/console/account")
    assert client.get("/console/").headers["Location"].endswith("/console/account")  # nothing else opens
    secret, codes = enrol(client)
    assert client.get("/console/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client)})

    step = sign_in(client, "admin@test.org")
    assert step.headers["Location"].endswith("/login/code")
    assert client.get("/console/").status_code == 302  # the password alone opens nothing
    last = db.session.scalar(select(User.totp_last_step).where(User.email == "admin@test.org"))
    code = pyotp.TOTP(secret).at((last + 1) * 30)  # the step after the enrolment's code: now's, or the next
    done = client.post("/login/code", data={"code": code, "csrf_token": csrf_from_code(client)})
    assert done.status_code == 302 and client.get("/console/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client)})
    sign_in(client, "admin@test.org")
    again = client.post("/login/code", data={"code": code, "csrf_token": csrf_from_code(client)})
    assert again.status_code == 401  # a code is accepted once
    used = client.post("/login/code", data={"code": codes[0], "csrf_token": csrf_from_code(client)})
    assert used.status_code == 302 and client.get("/console/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client)})
    sign_in(client, "admin@test.org")
    assert client.post("/login/code", data={"code": codes[0], "csrf_token": csrf_from_code(client)}).status_code == 401
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == "admin@test.org")).all()
    assert {"two_factor_enabled", "recovery_code_used"} <= set(actions)
    assert secret not in (db.session.scalar(select(User.totp_secret).where(User.email == "admin@test.org")) or "")


def csrf_from_code(client) -> str:
    from tests.support.web import csrf_from
    return csrf_from(client.get("/login/code").data)


def test_an_administrator_resets_a_lost_device_and_a_facilitator_may_go_without(client, world):
    sign_in(client, "alpha@test.org")
    assert client.get("/console/").status_code == 200  # not required of facilitators
    secret, _ = enrol(client)
    client.post("/logout", data={"csrf_token": csrf(client)})
    other = client.application.test_client()
    sign_in(other, "admin@test.org")
    enrol(other)
    alpha = db.session.scalar(select(User).where(User.email == "alpha@test.org"))
    asked = other.post(f"/console/users/{alpha.id}/two-factor/reset", data={"csrf_token": csrf(other)})
    said = unescape(asked.get_data(as_text=True))
    assert asked.status_code == 200 and "Reset alpha@test.org's second factor?" in said
    other.post(f"/console/users/{alpha.id}/two-factor/reset", data={"confirmed": "yes", "csrf_token": csrf(other)})
    db.session.expire_all()
    assert db.session.get(User, alpha.id).totp_enabled_at is None
    assert sign_in(client, "alpha@test.org").headers["Location"].endswith("/console/")  # the password alone again


def test_refused_sign_ins_are_limited_per_account_whatever_the_address(app, world):
    from tests.support.web import csrf_from

    def attempt(n, password):
        client = app.test_client()
        where = {"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}"}  # a guesser spread over many addresses
        page = client.get("/login", environ_base=where)
        return client.post("/login", data={"email": "alpha@test.org", "password": password,
                                           "csrf_token": csrf_from(page.data)}, environ_base=where)

    answers = [attempt(n, f"wrong password number {n}").status_code for n in range(11)]
    assert answers[:10] == [401] * 10 and answers[10] == 429
    refused = attempt(99, PASSWORD)  # the right password waits too, for the rest of the window (15 minutes)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 15 * 60
    assert attempt(100, PASSWORD).status_code == 429 and attempt(101, PASSWORD).status_code == 429


def test_the_api_waits_for_the_second_factor_too(client, world):
    sign_in(client, "admin@test.org")  # the password only: the account must set up a second factor first
    answer = client.get(f"/api/rounds/{world['round']}/scores")
    assert answer.status_code == 403 and "second factor" in answer.json["error"]
    sign_in(client, "alpha@test.org")  # a facilitator, who need not have one here
    assert client.get(f"/api/rounds/{world['round']}/scores").status_code == 200
