"""Console accounts through HTTP and the command line: sessions that end when they should, access that can be
taken back, and passwords that are not the first an attacker tries."""
import re

from sqlalchemy import select

from assessment.db import db
from assessment.models import AuditEvent, Round
from assessment.services import accounts
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
    assert refused.status_code == 401 and "This account is disabled" in refused.get_data(as_text=True)
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
