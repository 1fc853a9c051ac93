"""An administrator in Chromium: signs in, is sent to set up a second factor, reads the key beside the QR code,
confirms a code, keeps the recovery codes, signs out; signs in with a code from the app; then with a recovery
code, which is spent. Every page passes axe."""
import re

import pyotp
import pytest
from sqlalchemy import select

from assessment.accounts import accounts
from assessment.db import db
from assessment.models import AuditEvent, User
from tests.e2e.conftest import assert_accessible, assert_fits, new_page

pytestmark = pytest.mark.browser

ADMIN, PASSWORD = "it@county.test", "a long enough passphrase"


@pytest.fixture
def app(app):
    app.config["TWO_FACTOR_REQUIRED"] = "admin"
    return app


def check(page, where):
    assert_accessible(page, where)
    assert_fits(page, where)
    assert not page.watch.problems, (where, page.watch.problems)


def password_step(page, site):
    page.goto(f"{site}/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def next_code(secret: str) -> str:
    """A code the app would show that was not used yet (each is accepted once)."""
    db.session.expire_all()
    last = db.session.scalar(select(User.totp_last_step).where(User.email == ADMIN))
    return pyotp.TOTP(secret).at((last + 1) * 30) if last is not None else pyotp.TOTP(secret).now()


def test_an_administrator_sets_up_totp_signs_in_with_it_and_with_a_recovery_code(browser, site, app):
    accounts.create_user(ADMIN, PASSWORD, "admin")
    db.session.commit()
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    password_step(page, site)
    assert "This account needs a second factor" in page.inner_text("main")
    check(page, "account, no second factor")
    page.get_by_role("button", name="Set up an authenticator app").click()
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#totp-key").inner_text()
    check(page, "set up")
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn the second factor on").click()
    codes = re.findall(r"[0-9a-f]{6}-[0-9a-f]{6}", page.inner_text("main"))
    assert len(codes) == 10
    check(page, "recovery codes")
    page.get_by_role("button", name=re.compile("Sign out")).click()

    password_step(page, site)
    assert page.get_by_role("heading", level=1).inner_text() == "The second step"
    check(page, "the code step")
    page.get_by_label("Code").fill(next_code(secret))
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jurisdictions"
    page.get_by_role("button", name=re.compile("Sign out")).click()

    password_step(page, site)
    page.get_by_label("Code").fill(codes[3])
    page.get_by_role("button", name="Sign in").click()
    assert "You signed in with a recovery code: 9 are left" in page.inner_text("main")
    page.get_by_role("button", name=re.compile("Sign out")).click()
    password_step(page, site)
    page.get_by_label("Code").fill(codes[3])  # spent
    page.get_by_role("button", name="Sign in").click()
    assert "That code does not match" in page.inner_text("main")
    context.close()


def page_with_a_key(browser):
    """A page whose browser has a USB security key of its own: Chromium's virtual authenticator, which answers
    at once (its presence and verification simulated)."""
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": False, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    return context, page


def test_a_security_key_signs_in_in_place_of_the_code(browser, site, app):
    """A software authenticator (Chromium's virtual WebAuthn authenticator, over the DevTools protocol) stands in
    for a USB key: added on the account page, then used at sign-in; a second browser without it cannot."""
    site = site.replace("127.0.0.1", "localhost")  # WebAuthn's relying party is a host name, never an address
    app.config["PUBLIC_URL"] = site
    accounts.create_user(ADMIN, PASSWORD, "admin")
    db.session.commit()
    context, page = page_with_a_key(browser)
    password_step(page, site)
    page.get_by_role("button", name="Set up an authenticator app").click()
    secret = page.locator("#totp-key").inner_text()
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn the second factor on").click()
    page.get_by_label("Name of the key").fill("Blue key")
    page.get_by_role("button", name="Add a security key").click()
    page.wait_for_url("**/console/account#security-keys")
    assert "Security key “Blue key” added" in page.inner_text("main")
    check(page, "account with a security key")
    page.get_by_role("button", name=re.compile("^Sign out")).click()

    password_step(page, site)
    check(page, "the second step, with a key")
    page.get_by_role("button", name="Use your security key").click()
    page.wait_for_url("**/console/")
    assert "Signed in." in page.inner_text("main")
    detail = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "sign_in")).all()[-1]
    assert detail == "with a security key (Blue key)"
    context.close()

    elsewhere, other = page_with_a_key(browser)  # another key, not registered to the account
    password_step(other, site)
    other.get_by_role("button", name="Use your security key").click()
    other.wait_for_selector("[data-webauthn-status]:has-text('did not answer')")
    assert "/login/code" in other.url
    elsewhere.close()
