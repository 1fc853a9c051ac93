"""Single sign-on over OpenID Connect, through a real provider (tests/oidc_provider.py) over HTTP: an existing
account signs in by its verified address, and every failure (a forged or replayed state, a wrong issuer, an
unverified address, a disabled or unknown account, a refusal at the provider) is refused with its reason."""
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
import requests
from sqlalchemy import select

from app import create_app
from assessment.accounts import accounts, two_factor
from assessment.db import db
from assessment.models import AuditEvent
from tests.conftest import serve
from tests.console.conftest import PASSWORD, csrf
from tests.oidc_provider import OIDCProvider
from tests.support.web import csrf_from

CALLBACK = "http://survey.test/login/sso/callback"


@pytest.fixture
def provider():
    with OIDCProvider(client_id="continuum", client_secret="s3cret", redirect_uri=CALLBACK) as running:
        yield running


@pytest.fixture
def app(database, provider):
    yield from serve(create_app({
        "TESTING": True, "SECRET_KEY": "test", "PUBLIC_URL": "http://survey.test",
        "SQLALCHEMY_DATABASE_URI": database("console", tables=True), "CHROMIUM_PATH": "/nonexistent/chromium",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "SSO_ISSUER": provider.issuer, "SSO_CLIENT_ID": "continuum",
        "SSO_CLIENT_SECRET": "s3cret", "SSO_NAME": "Alpha County sign-in"}))


def person(email, verified=True, **more):
    return {"sub": f"id-{email}", "email": email, "email_verified": verified, "name": email.split("@")[0], **more}


def back_from_provider(client, provider, who) -> str:
    """Start single sign-on in the app, let the provider approve `who`, and return the callback address it sends
    the browser to (path and query)."""
    provider.next_user = who
    start = client.get("/login/sso")
    assert start.status_code == 302 and start.location.startswith(provider.issuer + "/authorize?")
    asked = parse_qs(urlsplit(start.location).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["nonce"] and asked["state"]
    answer = requests.get(start.location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK)
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def refusals():
    return list(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "sso_refused")))


def test_a_facilitator_signs_in_through_the_identity_provider(client, world, provider):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Alpha County sign-in" in page
    signed_in = client.get(back_from_provider(client, provider, person("Alpha@Test.org")))
    assert signed_in.status_code == 302 and signed_in.location.endswith("/console/")
    assert "Alpha County" in client.get("/console/").get_data(as_text=True)
    assert ("POST", "/token") in provider.requests and ("GET", "/jwks") in provider.requests
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
    assert (event.actor, event.detail) == ("alpha@test.org", "through single sign-on")
    # signing out ends the session as for a password sign-in
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert client.get("/console/").status_code == 302


def test_a_forged_or_replayed_state_is_refused(client, world, provider):
    back = back_from_provider(client, provider, person("alpha@test.org"))
    query = parse_qs(urlsplit(back).query)
    forged = client.get("/login/sso/callback?" + urlencode({"code": query["code"][0], "state": "forged"}))
    assert forged.status_code == 401 and b"does not belong to a sign-in started here" in forged.data
    # another browser cannot finish a sign-in this one started
    assert client.application.test_client().get(back).status_code == 401
    assert client.get(back).status_code == 302  # the browser that started it can, once
    client.post("/logout", data={"csrf_token": csrf(client)})
    replay = client.get(back)
    assert replay.status_code == 401 and client.get("/console/").status_code == 302
    assert len(refusals()) == 3


@pytest.mark.parametrize("who, setup, reason", [
    (person("alpha@test.org"), "wrong issuer", "wrong issuer"),
    (person("alpha@test.org", verified=False), "", "has not verified alpha@test.org"),
    (person("alpha@test.org", verified="false"), "", "has not verified alpha@test.org"),
    (person("alpha@test.org"), "disabled", "no enabled account for alpha@test.org"),
    (person("nobody@test.org"), "", "no enabled account for nobody@test.org"),
    ({"sub": "id-x", "email_verified": True}, "", "gave no email address"),
    (person("alpha@test.org", verified=1), "", "has not verified alpha@test.org"),
    # addresses that tidying or Unicode case folding would turn into alpha@test.org: only the very address counts
    (person("\u212aate@test.org"), "kate", "only plain ASCII addresses are"),  # the Kelvin sign lowercases to k
    (person(" alpha@test.org "), "", "only plain ASCII addresses are"),
    (person("alpha@test.org\n"), "", "only plain ASCII addresses are"),
    (person("alpha\x00@test.org"), "", "only plain ASCII addresses are"),
    (person("al\x7fpha@test.org"), "", "only plain ASCII addresses are"),
    (None, "", "said access_denied"),
])
def test_each_failure_is_refused_clearly(client, world, provider, who, setup, reason):
    if setup == "wrong issuer":
        provider.id_token_issuer = "http://evil.example"
    if setup == "kate":
        accounts.create_user("kate@test.org", PASSWORD, "facilitator")
        db.session.commit()
    if setup == "disabled":
        accounts.disable(accounts.get_user("alpha@test.org"))
        db.session.commit()
    if who is None:
        provider.next_user = None
        start = client.get("/login/sso")
        back = urlsplit(requests.get(start.location, allow_redirects=False, timeout=10).headers["Location"])
        answer = client.get(f"{back.path}?{back.query}")
    else:
        answer = client.get(back_from_provider(client, provider, who))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 401 and "Single sign-on did not sign you in" in text and reason in text, text
    assert client.get("/console/").status_code == 302  # nobody signed in
    assert reason in refusals()[0]


def test_an_account_with_a_second_factor_still_types_its_code_unless_the_provider_used_one(app, client, world,
                                                                                           provider):
    admin = accounts.get_user("admin@test.org")
    secret = two_factor.begin(admin)
    two_factor.confirm(admin, pyotp.TOTP(secret).now())
    admin.totp_last_step = None  # the enrolment's code step is spent; the next sign-in needs the following one
    db.session.commit()
    to_code = client.get(back_from_provider(client, provider, person("admin@test.org")))
    assert to_code.location.endswith("/login/code")
    assert client.get("/console/").status_code == 302  # not signed in before the code
    code_page = client.get("/login/code")
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(),
                                            "csrf_token": csrf_from(code_page.data)})
    assert done.status_code == 302 and client.get("/console/").status_code == 200
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in")).all()[-1]
    assert event.detail == "through single sign-on, with a code"

    other = app.test_client()
    straight = other.get(back_from_provider(other, provider, person("admin@test.org", amr=["pwd", "mfa"])))
    assert straight.location.endswith("/console/") and other.get("/console/").status_code == 200


def test_without_settings_there_is_no_single_sign_on(database):
    plain = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database("plain")})
    with plain.app_context():
        db.create_all()
    client = plain.test_client()
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    assert b"Sign in with" not in client.get("/login").data


def test_an_error_in_a_link_anyone_can_make_puts_no_words_on_the_page(client, world, provider):
    bait = client.get("/login/sso/callback?" + urlencode({
        "error": "Your account is locked", "error_description": "call the help desk and give your password"}))
    assert bait.status_code == 401 and b"help desk" not in bait.data and b"locked" not in bait.data
    assert b"does not belong to a sign-in started here" in bait.data
    assert all("help desk" not in (r or "") for r in refusals())
    # with the state of a sign-in this browser started, the provider's error code is shown, its free text is not
    client.get("/login/sso")
    with client.session_transaction() as kept:
        state = next(k for k in kept if k.startswith("_state_sso_"))
    said = client.get("/login/sso/callback?" + urlencode({
        "state": state.removeprefix("_state_sso_"), "error": "access_denied", "error_description": "free text"}))
    assert said.status_code == 401 and b"said access_denied" in said.data and b"free text" not in said.data
