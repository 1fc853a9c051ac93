"""Security keys beside the authenticator app, over HTTP: what is refused, and how (the ceremonies themselves
run in Chromium with a virtual authenticator: tests/e2e/test_two_factor_in_browser.py)."""
import json

import pyotp
from sqlalchemy import select

from assessment.accounts import accounts, two_factor
from assessment.db import db
from assessment.models import AuditEvent, SecurityKey
from assessment.tokens import from_text, to_text
from tests.console.conftest import PASSWORD, csrf, sign_in
from tests.support.web import csrf_from


def with_app_factor(email="alpha@test.org"):
    user = accounts.get_user(email)
    two_factor.confirm(user, pyotp.TOTP(two_factor.begin(user)).now())
    user.totp_last_step = None
    db.session.commit()
    return user


def test_a_key_needs_the_app_first_and_a_fresh_challenge(client, world):
    sign_in(client, "alpha@test.org")
    token = csrf(client)
    refused = client.post("/console/account/security-keys/options", headers={"X-CSRFToken": token})
    assert refused.status_code == 400 and "authenticator app first" in refused.json["error"]
    with_app_factor()
    sign_in(client, "alpha@test.org")  # the password step; the code step follows
    assert client.get("/console/account").status_code == 302

    client.post("/logout", data={"csrf_token": csrf(client)})
    user = accounts.get_user("alpha@test.org")
    user.totp_secret = user.totp_enabled_at = None
    db.session.commit()
    user = with_app_factor()
    # signed in with the code, ask for options: they name this site and this account
    client.post("/login", data={"email": "alpha@test.org", "password": PASSWORD, "csrf_token": csrf(client)})
    page = client.get("/login/code")
    client.post("/login/code", data={"code": pyotp.TOTP(two_factor._secret_of(user)).now(),
                                     "csrf_token": csrf_from(page.data)})
    options = client.post("/console/account/security-keys/options", headers={"X-CSRFToken": csrf(client)})
    assert options.status_code == 200 and options.json["rp"]["id"] == "survey.test"
    assert options.json["user"]["name"] == "alpha@test.org" and len(from_text(options.json["challenge"])) >= 32
    # an answer that is not a key's is refused with a reason, and nothing is kept
    for answer in ("", "not json", json.dumps({"id": "x", "rawId": "x", "type": "public-key", "response": {}}),
                   "[" * 5000 + "]" * 5000, "{\"rawId\": " * 3000):
        client.post("/console/account/security-keys/options", headers={"X-CSRFToken": csrf(client)})
        done = client.post("/console/account/security-keys", data={"response": answer, "name": "Key",
                                                                   "csrf_token": csrf(client)},
                           follow_redirects=True)
        assert b"The security key was not added" in done.data
    assert db.session.scalar(select(SecurityKey)) is None
    # without asking for options first (no challenge in the session)
    done = client.post("/console/account/security-keys", data={"response": "{}", "csrf_token": csrf(client)},
                       follow_redirects=True)
    assert b"not asked for on this page" in done.data


def test_signing_in_with_a_forged_key_answer_is_refused_and_counted(client, world):
    user = with_app_factor()
    db.session.add(SecurityKey(user_id=user.id, credential_id=b"\x01" * 16, public_key=b"\x02" * 77, name="Old"))
    db.session.commit()
    client.post("/login", data={"email": "alpha@test.org", "password": PASSWORD, "csrf_token": csrf(client)})
    page = client.get("/login/code")
    assert b"Use your security key" in page.data
    token = csrf_from(page.data)
    options = client.post("/login/key/options", headers={"X-CSRFToken": token})
    assert options.status_code == 200 and options.json["allowCredentials"][0]["id"] == to_text(b"\x01" * 16)
    forged = json.dumps({"id": to_text(b"\x01" * 16), "rawId": to_text(b"\x01" * 16), "type": "public-key",
                         "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}})
    refused = client.post("/login/key", data={"response": forged, "csrf_token": token})
    assert refused.status_code == 401 and b"did not check out" in refused.data
    assert client.get("/console/").status_code == 302
    assert "security key refused" in db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "sign_in_failed")).all()
    # no one waiting for a second step: nothing to sign
    fresh = client.application.test_client()
    assert fresh.post("/login/key/options", headers={"X-CSRFToken": csrf(fresh)}).status_code == 400


def test_keys_are_removed_by_their_owner_only_and_by_an_administrator_s_reset(client, world):
    alpha = with_app_factor()
    db.session.add(SecurityKey(user_id=alpha.id, credential_id=b"\x01" * 16, public_key=b"\x02", name="Blue"))
    db.session.commit()
    key_id = db.session.scalar(select(SecurityKey.id))
    sign_in(client, "beta@test.org")
    refused = client.post(f"/console/account/security-keys/{key_id}/remove", data={"csrf_token": csrf(client)},
                          follow_redirects=True)
    assert b"No such security key on this account" in refused.data and db.session.get(SecurityKey, key_id)
    two_factor.reset(alpha, "lost device")
    db.session.commit()
    assert db.session.scalar(select(SecurityKey)) is None


def test_bytes_as_text_and_back():
    for data in (b"", b"\x00", b"\xff" * 33, bytes(range(256))):
        assert from_text(to_text(data)) == data
    assert from_text("***") == b"" and from_text("a") == b""
