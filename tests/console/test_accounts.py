"""Console accounts through HTTP and the command line: sessions that end when they should, access that can be
taken back, and passwords that are not the first an attacker tries."""
import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from assessment.accounts import accounts
from assessment.db import db
from assessment.models import AuditEvent, Round
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
    refused = client.post(f"/console/rounds/{world['round']}/close", data={"confirmed": "yes", "csrf_token": before})
    assert refused.status_code == 400
    assert db.session.get(Round, world["round"]).status == RoundStatus.OPEN
    closed = client.post(f"/console/rounds/{world['round']}/close",
                         data={"confirmed": "yes", "csrf_token": csrf(client)})
    assert closed.status_code == 302


def user_command(runner, *args, password=None):
    return runner.invoke(args=["user", *args], input=None if password is None else password + "\n")


def test_user_list_shows_each_account_with_its_role_status_and_jurisdictions(runner, world):
    listed = user_command(runner, "list")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].split() == ["EMAIL", "ROLE", "STATUS", "JURISDICTIONS"]
    assert re.search(r"^admin@test\.org\s+admin\s+enabled\s+every jurisdiction$", listed.output, re.M)
    assert re.search(r"^alpha@test\.org\s+facilitator\s+enabled\s+Alpha County$", listed.output, re.M)


def test_a_grant_taken_back_closes_the_jurisdiction_to_a_signed_in_facilitator(app, runner, world):
    browser = app.test_client()
    sign_in(browser, "alpha@test.org")
    assert browser.get(f"/console/rounds/{world['round']}").status_code == 200
    revoked = user_command(runner, "revoke", "alpha@test.org", "Alpha County")
    assert revoked.exit_code == 0 and "alpha@test.org can no longer see Alpha County." in revoked.output
    assert browser.get(f"/console/rounds/{world['round']}").status_code == 404
    again = user_command(runner, "revoke", "alpha@test.org", "Alpha County")
    assert again.exit_code == 0 and "could not see Alpha County" in again.output
    nobody = user_command(runner, "revoke", "nobody@test.org", "Alpha County")
    assert nobody.exit_code == 1 and "no user nobody@test.org" in nobody.output
    assert ("access_revoked", "command line") in audit_trail()


def test_disabling_ends_the_sessions_at_once_and_enabling_lets_the_account_back(app, runner, world):
    browser = app.test_client()
    sign_in(browser, "alpha@test.org")
    disabled = user_command(runner, "disable", "alpha@test.org")
    assert disabled.exit_code == 0 and "alpha@test.org is disabled" in disabled.output
    assert signed_out(browser.get("/console/"))
    refused = sign_in(browser, "alpha@test.org")
    wrong = sign_in(app.test_client(), "alpha@test.org", "not the password at all")
    # the right password of a disabled account is answered as a wrong one is: no oracle for guessing it
    assert refused.status_code == wrong.status_code == 401
    said = [re.search(r'class="flash flash-[a-z]+">(.*?)<', page.get_data(as_text=True), re.S).group(1).strip()
            for page in (refused, wrong)]
    assert said[0] == said[1] and "A disabled account cannot" in said[0]
    assert "disabled" in user_command(runner, "list").output
    assert "already disabled" in user_command(runner, "disable", "alpha@test.org").output

    enabled = user_command(runner, "enable", "alpha@test.org")
    assert enabled.exit_code == 0 and "alpha@test.org is enabled" in enabled.output
    assert sign_in(browser, "alpha@test.org").status_code == 302
    assert browser.get(f"/console/rounds/{world['round']}").status_code == 200  # grants were kept
    assert [a for a in audit_trail() if a[0] in ("user_disabled", "user_enabled")] == [
        ("user_disabled", "command line"), ("user_enabled", "command line")]


def test_the_last_enabled_administrator_cannot_be_disabled(runner, world):
    refused = user_command(runner, "disable", "admin@test.org")
    assert refused.exit_code == 1 and "the last enabled administrator" in refused.output
    assert accounts.find_user("admin@test.org").is_active


def test_a_new_password_ends_the_sessions_and_replaces_the_old_one(app, runner, world):
    browser = app.test_client()
    sign_in(browser, "alpha@test.org")
    changed = user_command(runner, "set-password", "alpha@test.org", password="a fresh passphrase for alpha")
    assert changed.exit_code == 0 and "New password set for alpha@test.org" in changed.output
    assert signed_out(browser.get("/console/"))
    assert sign_in(browser, "alpha@test.org").status_code == 401
    assert sign_in(browser, "alpha@test.org", "a fresh passphrase for alpha").status_code == 302
    assert ("password_changed", "command line") in audit_trail()


def audit_trail():
    return [(e.action, e.actor) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def user_id(email: str) -> int:
    return accounts.find_user(email).id


def test_only_administrators_see_the_accounts_pages(app, world):
    pages = ["/console/users", f"/console/users/{user_id('alpha@test.org')}"]
    for email, expected in (("alpha@test.org", 404), ("admin@test.org", 200)):
        browser = app.test_client()
        sign_in(browser, email)
        assert [browser.get(page).status_code for page in pages] == [expected, expected]
    facilitator = app.test_client()
    sign_in(facilitator, "alpha@test.org")
    posted = facilitator.post(f"/console/users/{user_id('beta@test.org')}/disable",
                              data={"csrf_token": csrf(facilitator)})
    assert posted.status_code == 404 and accounts.find_user("beta@test.org").is_active


def test_an_administrator_manages_accounts_from_the_console(app, client, world):
    sign_in(client, "admin@test.org")
    page = client.get("/console/users").get_data(as_text=True)
    assert "<h1>Accounts</h1>" in page and "alpha@test.org" in page and 'for="password"' in page
    created = client.post("/console/users", data={
        "email": "gamma@test.org", "role": "facilitator", "password": "gamma's own passphrase",
        "csrf_token": csrf(client)})
    gamma = accounts.find_user("gamma@test.org")
    assert created.status_code == 302 and created.headers["Location"].endswith(f"/console/users/{gamma.id}")
    detail = client.get(f"/console/users/{gamma.id}").get_data(as_text=True)
    assert "<h1>gamma@test.org</h1>" in detail and "No jurisdiction yet" in detail
    granted = client.post(f"/console/users/{gamma.id}/grants",
                          data={"jurisdiction": world["a"], "csrf_token": csrf(client)}, follow_redirects=True)
    assert "gamma@test.org can now see Alpha County." in granted.get_data(as_text=True)

    gamma_browser = app.test_client()
    sign_in(gamma_browser, "gamma@test.org", "gamma's own passphrase")
    assert gamma_browser.get(f"/console/rounds/{world['round']}").status_code == 200
    client.post(f"/console/users/{gamma.id}/grants/{world['a']}/revoke", data={"csrf_token": csrf(client)})
    assert gamma_browser.get(f"/console/rounds/{world['round']}").status_code == 404
    disabled = client.post(f"/console/users/{gamma.id}/disable", data={"csrf_token": csrf(client)},
                           follow_redirects=True)
    assert "gamma@test.org is disabled" in disabled.get_data(as_text=True)
    assert signed_out(gamma_browser.get("/console/"))
    client.post(f"/console/users/{gamma.id}/enable", data={"csrf_token": csrf(client)})
    changed = client.post(f"/console/users/{gamma.id}/password", data={
        "password": "another passphrase for gamma", "csrf_token": csrf(client)}, follow_redirects=True)
    assert "New password set for gamma@test.org" in changed.get_data(as_text=True)
    assert sign_in(gamma_browser, "gamma@test.org", "another passphrase for gamma").status_code == 302

    trail = [(action, actor) for action, actor in audit_trail() if actor == "admin@test.org"]
    for action in ("user_created", "access_granted", "access_revoked", "user_disabled", "user_enabled",
                   "password_changed"):
        assert (action, "admin@test.org") in trail, action


def test_the_console_says_what_is_wrong_with_an_account_form(client, world):
    sign_in(client, "admin@test.org")
    taken = client.post("/console/users", data={"email": "alpha@test.org", "role": "admin",
                                                "password": "a long enough passphrase", "csrf_token": csrf(client)})
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)
    short = client.post(f"/console/users/{user_id('alpha@test.org')}/password",
                        data={"password": "short", "csrf_token": csrf(client)})
    assert short.status_code == 400 and 'id="password-error"' in short.get_data(as_text=True)
    own = client.post(f"/console/users/{user_id('admin@test.org')}/disable", data={"csrf_token": csrf(client)},
                      follow_redirects=True)
    assert "You cannot disable your own account" in own.get_data(as_text=True)
    assert accounts.find_user("admin@test.org").is_active


@pytest.fixture
def password_checks(monkeypatch):
    """The hash method of every password check made during sign-in, in order."""
    methods = []

    def counted(password_hash, password):
        methods.append(password_hash.split("$", 1)[0])
        return check_password_hash(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counted)
    return methods


def test_an_unknown_address_costs_the_same_password_check_as_a_wrong_password(client, world, password_checks):
    method = accounts.find_user("alpha@test.org").password_hash.split("$", 1)[0]
    accounts.disable(accounts.find_user("beta@test.org"))
    attempts = [("alpha@test.org", "not the password"), ("nobody@test.org", "not the password"),
                ("beta@test.org", PASSWORD), ("alpha@test.org", PASSWORD)]
    for email, password in attempts:
        sign_in(client, email, password)
    assert password_checks == [method] * len(attempts)


@pytest.mark.parametrize(("password", "why"), [
    ("short pass", "at least 12 characters"),
    ("aaaaaaaaaaaa", 'Repeats like "aaa" are easy to guess'),
    ("passwordpassword", "Repeats like"),
    ("123456789012", "similar to a commonly used password"),
    ("qwertyuiopasdf", "commonly used"),
])
def test_short_and_common_passwords_are_refused_and_the_answer_says_why(runner, world, password, why):
    created = user_command(runner, "create", "newuser@test.org", "--role", "facilitator", password=password)
    assert created.exit_code == 1 and why in created.output, created.output
    assert accounts.find_user("newuser@test.org") is None
    changed = user_command(runner, "set-password", "alpha@test.org", password=password)
    assert changed.exit_code == 1 and why in changed.output


def test_a_password_built_from_the_email_address_is_refused(runner, world):
    created = user_command(runner, "create", "newuser@test.org", "--role", "facilitator", password="newuser@test.org!")
    assert created.exit_code == 1 and "too easy to guess" in created.output
    changed = user_command(runner, "set-password", "alpha@test.org", password="Alpha@Test.org2026")
    assert changed.exit_code == 1 and "too easy to guess" in changed.output


def test_the_console_says_which_passwords_are_refused_before_one_is_typed(client, world):
    sign_in(client, "admin@test.org")
    page = client.get("/console/users").get_data(as_text=True)
    assert "Common passwords, repeats and sequences are refused" in page
    refused = client.post("/console/users", data={"email": "gamma@test.org", "role": "facilitator",
                                                  "password": "passwordpassword", "csrf_token": csrf(client)})
    assert refused.status_code == 400 and 'id="password-error"' in refused.get_data(as_text=True)
    assert "Repeats like" in refused.get_data(as_text=True)


def test_an_administrators_own_new_password_keeps_this_session_and_ends_the_others(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, "admin@test.org")
    sign_in(elsewhere, "admin@test.org")
    changed = here.post(f"/console/users/{user_id('admin@test.org')}/password", data={
        "password": "the administrator's new passphrase", "csrf_token": csrf(here)})
    assert changed.status_code == 302
    assert here.get("/console/users").status_code == 200
    assert signed_out(elsewhere.get("/console/"))
