"""The facilitator console through HTTP: who may see what, CSRF, the audit log, and a round's whole life."""
import io
import json
import re

import pypdf
import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Agency, AuditEvent, Invitation, Jurisdiction, Round
from assessment.people import invitations
from assessment.places import jurisdictions
from assessment.results.scores import round_scores
from assessment.rounds import rounds
from assessment.services import jobs
from assessment.survey.forms import Target
from assessment.tokens import hash_token
from assessment.vocabulary import RoleLevel, RoundStatus
from tests.console.conftest import PASSWORD, csrf, sign_in
from tests.support.survey import complete, submit_through_services
from tests.support.web import csrf_from

VISITORS = {"anonymous": None, "other facilitator": "beta@test.org", "this facilitator": "alpha@test.org",
            "admin": "admin@test.org"}

#: method, url, form data, and the status expected for anonymous, other facilitator, this facilitator, admin
ROUTES = [
    ("GET", "/console/", None, (302, 200, 200, 200)),
    ("GET", "/console/jurisdictions/{a}", None, (302, 404, 200, 200)),
    ("GET", "/console/agencies/{agency}/edit", None, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}", None, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}/report.pdf", None, (302, 404, 302, 302)),  # no responses: no report
    ("GET", "/console/audit", None, (302, 404, 404, 200)),
    ("GET", "/console/rounds/{round}/results", None, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}/export/scores.csv", None, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}/export/scores.xlsx", None, (302, 404, 200, 200)),
    # open: none yet
    ("GET", "/console/rounds/{round}/export/responses-wide.xlsx?confirmed=yes", None, (302, 404, 403, 409)),
    ("GET", "/console/rounds/{round}/export/responses-long.csv?confirmed=yes", None, (302, 404, 403, 409)),
    ("GET", "/console/rounds/{round}/import", None, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}/compare", None, (302, 404, 200, 200)),
    ("GET", "/api/rounds/{round}/scores", None, (401, 404, 200, 200)),
    ("GET", "/api/rounds/{round}/coverage", None, (401, 404, 200, 200)),
    ("POST", "/console/jurisdictions", {"name": "Gamma County"}, (302, 404, 404, 302)),
    ("POST", "/console/jurisdictions/{a}/agencies", {"name": "Alpha Police", "sector": "law_enforcement"},
     (302, 404, 302, 302)),
    ("POST", "/console/agencies/{agency}/edit", {"name": "Alpha Probation Dept", "sector": "community_supervision",
                                                 "slug": "alpha-probation"}, (302, 404, 302, 302)),
    ("POST", "/console/agencies/{spare}/delete", {"confirmed": "yes"}, (302, 404, 302, 302)),
    ("POST", "/console/jurisdictions/{a}/rounds", {"title": "Second", "min_group_size": "3",
                                                   "questionnaire": "collaboration_readiness:1"}, (302, 404, 302, 302)),
    ("POST", "/console/rounds/{round}/close", {"confirmed": "yes"}, (302, 404, 302, 302)),
    ("POST", "/console/rounds/{round}/invitations", {"agency": "{agency}", "role": "supervisor", "count": "2",
                                                     "output": "page"}, (302, 404, 200, 200)),
    ("POST", "/console/invitations/{invitation}/revoke", {}, (302, 404, 302, 302)),
    ("POST", "/console/rounds/{round}/open-link", {}, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}/people", None, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}/messages", None, (302, 404, 200, 200)),
    ("GET", "/console/rounds/{round}/plan", None, (302, 404, 200, 200)),
    ("POST", "/console/rounds/{round}/contacts", {"paste-addresses": "someone@alpha.test", "paste-agency": "{agency}",
                                                  "paste-role": "line_staff", "paste-language": "en"},
     (302, 404, 302, 302)),
    ("POST", "/console/rounds/{round}/people", {"confirmed": "yes", "action": "revoke", "chosen": "{invitation}"},
     (302, 404, 302, 302)),
    ("POST", "/console/rounds/{round}/messages/settings", {"sender_name": "A", "reply_to": "a@alpha.test",
                                                          "max_reminders": "1"}, (302, 404, 302, 302)),
    ("POST", "/console/rounds/{round}/messages/preview", {"kind": "invitation", "subject": "S", "body": "B"},
     (302, 404, 200, 200)),
    ("POST", "/console/rounds/{round}/messages/send", {"confirmed": "yes", "what": "invitations"},
     (302, 404, 302, 302)),
    ("POST", "/console/rounds/{round}/contacts/purge", {"confirmed": "yes"}, (302, 404, 302, 302)),
]


@pytest.mark.parametrize("visitor", list(VISITORS))
@pytest.mark.parametrize("method, url, data, expected", ROUTES, ids=[f"{m} {u}" for m, u, _, _ in ROUTES])
def test_access_matrix(client, world, visitor, method, url, data, expected):
    if VISITORS[visitor]:
        sign_in(client, VISITORS[visitor])
    target = url.format(**world)
    if method == "GET":
        response = client.get(target)
    else:
        form = {k: v.format(**world) for k, v in data.items()}
        response = client.post(target, data={**form, "csrf_token": csrf(client)})
    assert response.status_code == expected[list(VISITORS).index(visitor)], response.get_data(as_text=True)[:500]
    if visitor == "anonymous" and response.status_code == 302:
        assert "/login" in response.headers["Location"]


def test_other_jurisdictions_are_not_listed(client, world):
    sign_in(client, "alpha@test.org")
    page = client.get("/console/").get_data(as_text=True)
    assert "Alpha County" in page and "Beta County" not in page
    sign_in(client, "admin@test.org")
    page = client.get("/console/").get_data(as_text=True)
    assert "Alpha County" in page and "Beta County" in page


def test_posts_without_a_csrf_token_are_refused(client, world):
    sign_in(client, "alpha@test.org")
    for url in (f"/console/rounds/{world['round']}/close", f"/console/agencies/{world['spare']}/delete",
                f"/console/invitations/{world['invitation']}/revoke"):
        response = client.post(url)
        assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert db.session.get(Round, world["round"]).status == RoundStatus.OPEN
    assert db.session.get(Agency, world["spare"]) is not None
    assert db.session.get(Invitation, world["invitation"]).revoked_at is None


def test_sign_in_is_rate_limited_and_says_so(client, world):
    assert "limited to 10 per minute" in client.get("/login").get_data(as_text=True)
    statuses = [sign_in(client, "alpha@test.org", "wrong password!").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert "Too many requests" in sign_in(client, "alpha@test.org").get_data(as_text=True)


def test_session_cookie_flags(app, world):
    plain = app.test_client()
    cookie = sign_in(plain, "alpha@test.org").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    secure.get("/login", base_url="https://console.test")
    response = secure.post("/login", base_url="https://console.test", data={
        "email": "alpha@test.org", "password": PASSWORD,
        "csrf_token": csrf_from(secure.get("/login", base_url="https://console.test").data)})
    assert "Secure" in response.headers["Set-Cookie"]


def test_sign_in_never_redirects_off_site(client, world):
    token = csrf(client)
    response = client.post("/login?next=//evil.example/x", data={"email": "alpha@test.org", "password": PASSWORD,
                                                                 "csrf_token": token})
    assert response.headers["Location"] == "/console/"


def audit_actions():
    return [(e.action, e.actor) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_audit_log_records_each_audited_action(client, world):
    sign_in(client, "alpha@test.org", "not the password")
    sign_in(client, "alpha@test.org")
    round_id = world["round"]
    client.post(f"/console/rounds/{round_id}/invitations", data={
        "agency": world["agency"], "role": "executive", "count": "1", "output": "page", "csrf_token": csrf(client)})
    client.post(f"/console/invitations/{world['invitation']}/revoke", data={"csrf_token": csrf(client)})
    round_ = db.session.get(Round, round_id)
    agency = db.session.get(Agency, world["agency"])
    for token in invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 3):
        submit_through_services(token)  # a report needs the minimum group size of respondents
    client.post(f"/console/rounds/{round_id}/close", data={"confirmed": "yes", "csrf_token": csrf(client)})
    assert jobs.run_pending() == 1  # closing the round queued its report
    assert client.get(f"/console/rounds/{round_id}/report.pdf").status_code == 200
    actions = audit_actions()
    for expected in [("sign_in_failed", None), ("sign_in", "alpha@test.org"),
                     ("invitations_created", "alpha@test.org"), ("invitation_revoked", "alpha@test.org"),
                     ("round_closed", "alpha@test.org"), ("report_downloaded", "alpha@test.org")]:
        assert expected in actions, (expected, actions)
    assert ("round_created", "command line") in actions and ("round_opened", "command line") in actions

    sign_in(client, "admin@test.org")
    page = client.get("/console/audit?action=round_closed").get_data(as_text=True)
    assert "<td>round closed</td>" in page and "alpha@test.org" in page and "<td>invitation revoked</td>" not in page
    assert client.get("/console/audit?since=yesterday").status_code == 400


def test_audit_log_is_append_only(world):
    event = db.session.scalar(select(AuditEvent))
    event.detail = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(ValueError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_an_agency_in_use_cannot_be_removed(client, world):
    sign_in(client, "alpha@test.org")
    response = client.post(f"/console/agencies/{world['agency']}/delete",
                           data={"confirmed": "yes", "csrf_token": csrf(client)}, follow_redirects=True)
    assert "cannot be removed: a round already uses it" in response.get_data(as_text=True)
    assert db.session.get(Agency, world["agency"]) is not None


def test_form_errors_are_shown_beside_the_field(client, world):
    sign_in(client, "alpha@test.org")
    response = client.post(f"/console/jurisdictions/{world['a']}/rounds", data={
        "title": "", "min_group_size": "0", "opens_at": "2027-02-01", "closes_at": "2027-01-01",
        "questionnaire": "no-such:9", "csrf_token": csrf(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="title-error"' in html and 'id="min_group_size-error"' in html and 'id="questionnaire-error"' in html
    assert "The closing date must come after the opening date." in html
    assert 'aria-invalid="true"' in html


def test_invitation_links_as_csv_and_revocation(client, world):
    sign_in(client, "alpha@test.org")
    response = client.post(f"/console/rounds/{world['round']}/invitations", data={
        "agency": world["treatment"], "role": "supervisor", "count": "3", "output": "csv",
        "csrf_token": csrf(client)})
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = response.get_data(as_text=True).splitlines()
    assert rows[0] == "link,agency,role_level" and len(rows) == 4
    token = rows[1].split(",")[0].rsplit("/", 1)[1]
    assert rows[1].endswith(",alpha-treatment,supervisor")
    assert client.get(f"/s/{token}").status_code == 200
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    client.post(f"/console/invitations/{invitation.id}/revoke", data={"csrf_token": csrf(client)})
    assert client.get(f"/s/{token}").status_code == 404


def test_the_whole_round_lifecycle_from_the_console(app, client):
    accounts.create_user("admin@test.org", PASSWORD, "admin")
    sign_in(client, "admin@test.org")
    client.post("/console/jurisdictions", data={"name": "Lake County", "csrf_token": csrf(client)})
    jurisdiction = db.session.scalar(select(Jurisdiction))
    for name, sector in (("Lake Probation", "community_supervision"), ("Lake Treatment", "treatment"),
                         ("Lake Victim Services", "victim_advocacy")):
        client.post(f"/console/jurisdictions/{jurisdiction.id}/agencies",
                    data={"name": name, "sector": sector, "csrf_token": csrf(client)})
    form = client.get(f"/console/jurisdictions/{jurisdiction.id}").get_data(as_text=True)
    assert '<option value="collaboration_readiness:1">Collaboration readiness survey (version 1)</option>' in form
    created = client.post(f"/console/jurisdictions/{jurisdiction.id}/rounds", data={
        "title": "Spring 2027", "min_group_size": "1", "questionnaire": "collaboration_readiness:1",
        "csrf_token": csrf(client)})
    round_ = db.session.scalar(select(Round))
    assert created.headers["Location"].endswith(f"/console/rounds/{round_.id}")
    page = client.get(f"/console/rounds/{round_.id}").get_data(as_text=True)
    assert "No one is invited yet" in page

    agencies = sorted(jurisdiction.agencies, key=lambda a: a.name)
    links = client.post(f"/console/rounds/{round_.id}/invitations", data={
        "agency": agencies[0].id, "role": "line_staff", "count": "2", "output": "page",
        "csrf_token": csrf(client)}).get_data(as_text=True)
    tokens = re.findall(r"http://survey\.test/s/([\w-]+)", links)
    assert len(tokens) == 2 and "shown only this once" in links
    client.post(f"/console/rounds/{round_.id}/open", data={"confirmed": "yes", "csrf_token": csrf(client)})
    assert "No responses yet: share the links" in client.get(f"/console/rounds/{round_.id}").get_data(as_text=True)

    respondent = app.test_client()
    targets = tuple(Target(a.id, a.slug, a.name) for a in agencies[1:])
    complete(respondent, tokens[0], targets)
    respondent.get(f"/s/{tokens[1]}")
    respondent.post(f"/s/{tokens[1]}/start", data={"csrf_token": csrf_from(respondent.get(f"/s/{tokens[1]}").data)})

    page = client.get(f"/console/rounds/{round_.id}").get_data(as_text=True)
    assert "1 of 2 invited have submitted (50%)" in " ".join(page.split()) and "1 draft(s) in progress" in page
    coverage = client.get(f"/api/rounds/{round_.id}/coverage").get_json()["coverage"]
    assert coverage["overall"]["submitted"] == 1 and coverage["overall"]["drafts"] == 1
    assert coverage["missing_key_sectors"] == ["treatment", "victim_advocacy", "law_enforcement", "prosecution",
                                               "judiciary", "defense"]

    closed = client.post(f"/console/rounds/{round_.id}/close", data={"confirmed": "yes", "csrf_token": csrf(client)},
                         follow_redirects=True).get_data(as_text=True)
    assert "1 unsubmitted draft(s) are left out of its results" in closed
    scores = client.get(f"/api/rounds/{round_.id}/scores").get_json()
    assert scores["jurisdiction"]["n"] == 1 and scores["round"]["status"] == "closed"
    # the closed round's report is being prepared in the background; the download says so until it is ready
    waiting = client.get(f"/console/rounds/{round_.id}/report.pdf")
    assert waiting.status_code == 302 and waiting.headers["Location"].endswith(f"/console/rounds/{round_.id}/report")
    progress = client.get(waiting.headers["Location"]).get_data(as_text=True)
    assert "waiting its turn" in progress and "data-poll=" in progress  # the page checks again by itself
    assert jobs.run_pending(kinds=["report"]) == 1
    ready = client.get(f"/console/rounds/{round_.id}/report").get_data(as_text=True)
    assert "is ready" in ready and "data-poll=" not in ready
    pdf = client.get(f"/console/rounds/{round_.id}/report.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert "Lake County" in pypdf.PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()


def test_user_commands(runner, app):
    jurisdictions.add_jurisdiction("Lake County")
    created = runner.invoke(args=["user", "create", "Fac@Test.org", "--role", "facilitator"], input=PASSWORD + "\n")
    assert created.exit_code == 0 and "Created facilitator fac@test.org" in created.output
    user = accounts.find_user("fac@test.org")
    assert check_password_hash(user.password_hash, PASSWORD) and user.password_hash.startswith("scrypt:1024:8:1$")
    assert PASSWORD not in user.password_hash
    short = runner.invoke(args=["user", "create", "x@test.org", "--role", "admin"], input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    again = runner.invoke(args=["user", "create", "fac@test.org", "--role", "admin"], input=PASSWORD + "\n")
    assert again.exit_code == 1 and "already exists" in again.output
    granted = runner.invoke(args=["user", "grant", "fac@test.org", "Lake County"])
    assert granted.exit_code == 0 and "can now see Lake County" in granted.output
    assert "could already see" in runner.invoke(args=["user", "grant", "fac@test.org", "Lake County"]).output
    assert "no user nobody@test.org" in runner.invoke(args=["user", "grant", "nobody@test.org", "Lake County"]).output
    assert db.session.scalar(select(func.count()).select_from(Jurisdiction)) == 1


def test_open_link_gives_each_respondent_a_personal_link(app, client, world):
    sign_in(client, "alpha@test.org")
    page = client.post(f"/console/rounds/{world['round']}/open-link", data={"csrf_token": csrf(client)})
    link = re.search(r'value="(http://survey\.test/s/open/[\w-]+)"', page.get_data(as_text=True)).group(1)
    path = link.removeprefix("http://survey.test")
    assert "shown only this once" in page.get_data(as_text=True)

    visitor = app.test_client()
    form = visitor.get(path)
    assert form.status_code == 200 and "Alpha Treatment" in form.get_data(as_text=True)
    assert "Beta" not in form.get_data(as_text=True)
    incomplete = visitor.post(path, data={"agency": world["treatment"], "csrf_token": csrf_from(form.data)})
    assert incomplete.status_code == 400 and "choose your agency and your role level" in incomplete.get_data(
        as_text=True)
    foreign = visitor.post(path, data={"agency": "999999", "role": "supervisor", "csrf_token": csrf_from(form.data)})
    assert foreign.status_code == 400
    joined = visitor.post(path, data={"agency": world["treatment"], "role": "supervisor",
                                      "csrf_token": csrf_from(form.data)})
    personal = joined.headers["Location"]
    assert re.fullmatch(r"/s/[\w-]+\?new=1&lang=en", personal)
    welcome = visitor.get(personal).get_data(as_text=True)
    token = personal.split("/")[2].split("?")[0]
    assert "This is your personal link." in welcome and f"http://survey.test/s/{token}" in welcome
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    assert invitation.agency_id == world["treatment"] and invitation.role_level == RoleLevel.SUPERVISOR
    assert ("invitations_created", "open link") in audit_actions()

    client.post(f"/console/rounds/{world['round']}/open-link", data={"turn": "off", "csrf_token": csrf(client)})
    assert visitor.get(path).status_code == 404
    assert visitor.get(personal).status_code == 200  # personal links keep working


def test_open_link_of_a_closed_round(app, client, world):
    sign_in(client, "alpha@test.org")
    page = client.post(f"/console/rounds/{world['round']}/open-link", data={"csrf_token": csrf(client)})
    path = re.search(r'value="http://survey\.test(/s/open/[\w-]+)"', page.get_data(as_text=True)).group(1)
    client.post(f"/console/rounds/{world['round']}/close", data={"confirmed": "yes", "csrf_token": csrf(client)})
    closed = app.test_client().get(path)
    assert closed.status_code == 403 and "This survey is closed" in closed.get_data(as_text=True)


@pytest.mark.parametrize("number", [2 ** 31, 2 ** 63 - 1, 2 ** 63, 2 ** 64 + 1, 10 ** 30])
def test_ids_beyond_any_database_integer_answer_404(client, world, number):
    sign_in(client, "admin@test.org")
    for url in ("/console/jurisdictions/{n}", "/console/rounds/{n}", "/console/rounds/{n}/results",
                "/console/agencies/{n}/edit", "/console/users/{n}", "/api/rounds/{n}/scores", "/s/{token}/page/{n}"):
        assert client.get(url.format(n=number, token="x")).status_code == 404, url
    assert client.post(f"/console/invitations/{number}/revoke", data={"csrf_token": csrf(client)}).status_code == 404


@pytest.mark.demo
def test_comparing_a_round_that_has_no_responses_yet_says_so(client, runner, world, tmp_path):
    sign_in(client, "admin@test.org")
    rounds = {r.title: r.id for r in db.session.scalars(select(Round))}
    page = client.get(f"/console/rounds/{rounds['Survey 2026']}/compare",
                      query_string={"with": rounds["Follow-up survey 2025"]})
    assert page.status_code == 200, page.status_code
    assert "Survey 2026 has fewer than 3 published responses" in page.get_data(as_text=True)
    backwards = client.get(f"/console/rounds/{rounds['Follow-up survey 2025']}/compare",
                           query_string={"with": world["round"]})
    assert backwards.status_code == 404  # only earlier rounds of the same jurisdiction
    for args in (["compare", str(rounds["Follow-up survey 2025"]), str(rounds["Survey 2026"])],
                 ["report", str(rounds["Survey 2026"]), "--compare", str(rounds["Follow-up survey 2025"]),
                  "-o", str(tmp_path / "r.pdf")]):
        refused = runner.invoke(args=args)
        assert refused.exit_code == 1 and "fewer than 3 published responses" in refused.output


def test_nothing_private_is_kept_in_a_cache(client, world):
    sign_in(client, "admin@test.org")
    round_ = db.session.get(Round, world["round"])
    token = invitations.issue_invitations(round_, db.session.get(Agency, world["agency"]), "line_staff", 1)[0]
    for url in ("/login", "/console/", f"/console/rounds/{world['round']}", f"/console/rounds/{world['round']}/results",
                f"/console/rounds/{world['round']}/export/scores.csv",
                f"/console/rounds/{world['round']}/export/responses-wide.xlsx?confirmed=yes",
                f"/console/rounds/{world['round']}/report.pdf", f"/api/rounds/{world['round']}/scores",
                "/console/users", f"/s/{token}", "/console/rounds/999999"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    assert "no-store" not in client.get("/static/style.css").headers.get("Cache-Control", "")


def closed_round(world) -> Round:
    round_ = db.session.get(Round, world["round"])
    rounds.close_round(round_)
    return round_


def test_a_closed_round_is_not_reopened_by_a_crafted_post(client, world):
    round_ = closed_round(world)
    for email in ("alpha@test.org", "admin@test.org"):
        sign_in(client, email)
        refused = client.post(f"/console/rounds/{round_.id}/open",
                              data={"confirmed": "yes", "csrf_token": csrf(client)}, follow_redirects=True)
        assert "an administrator can reopen it" in refused.get_data(as_text=True)
        assert db.session.get(Round, round_.id).status == RoundStatus.CLOSED


def test_reopening_is_an_administrators_deliberate_audited_act(client, world):
    round_ = closed_round(world)
    url = f"/console/rounds/{round_.id}/reopen"
    sign_in(client, "alpha@test.org")
    assert "Reopen the round" not in client.get(f"/console/rounds/{round_.id}").get_data(as_text=True)
    assert client.get(url).status_code == 404
    assert client.post(url, data={"reason": "more answers", "csrf_token": csrf(client)}).status_code == 404

    sign_in(client, "admin@test.org")
    assert "Reopen the round" in client.get(f"/console/rounds/{round_.id}").get_data(as_text=True)
    confirm = client.get(url).get_data(as_text=True)
    assert "<h1>Reopen Alpha round?</h1>" in confirm and '<label for="reason">' in confirm
    unexplained = client.post(url, data={"reason": " ", "csrf_token": csrf(client)})
    assert unexplained.status_code == 400 and db.session.get(Round, round_.id).status == RoundStatus.CLOSED
    reopened = client.post(url, data={"reason": "Closed a week early by mistake", "csrf_token": csrf(client)},
                           follow_redirects=True)
    assert "open again" in reopened.get_data(as_text=True)
    assert db.session.get(Round, round_.id).status == RoundStatus.OPEN
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round_reopened"))
    assert event.actor == "admin@test.org" and event.detail == "Closed a week early by mistake"


def test_the_command_line_reopens_only_when_asked_to_and_told_why(runner, world):
    round_ = closed_round(world)
    refused = runner.invoke(args=["round", "open", str(round_.id)])
    assert refused.exit_code == 1 and "an administrator can reopen it" in refused.output
    unexplained = runner.invoke(args=["round", "reopen", str(round_.id)])
    assert unexplained.exit_code == 2 and "--reason" in unexplained.output
    reopened = runner.invoke(args=["round", "reopen", str(round_.id), "--reason", "Paper forms came in late"])
    assert reopened.exit_code == 0 and db.session.get(Round, round_.id).status == RoundStatus.OPEN
    assert ("round_reopened", "command line") in audit_actions()


def test_an_agency_a_round_has_published_keeps_its_sector_there(client, world):
    """A sector edited after a round published the agency applies to rounds not yet published; the page says which
    rounds keep the old one, and the edit is audited with what it was."""
    from assessment.results import releases

    round_ = db.session.get(Round, world["round"])
    probation = db.session.get(Agency, world["agency"])
    for token in invitations.issue_invitations(round_, probation, RoleLevel.LINE_STAFF, 3):
        submit_through_services(token)
    rounds.close_round(round_)
    sign_in(client, "alpha@test.org")
    page = client.get(f"/console/agencies/{probation.id}/edit").get_data(as_text=True)
    assert "keep this agency in the sector they published it under" in page and "Alpha round" in page
    client.post(f"/console/agencies/{probation.id}/edit",
                data={"name": probation.name, "sector": "treatment", "slug": probation.slug,
                      "csrf_token": csrf(client)})
    db.session.expire_all()
    assert db.session.get(Agency, world["agency"]).sector.value == "treatment"
    assert json.loads(releases.latest(round_).grouping)[0]["sector"] == "community_supervision"
    assert next(a.sector for a in round_scores(round_).agencies if a.slug == probation.slug) == \
        "community_supervision"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "agency_changed"))
    assert event.actor == "alpha@test.org" and "sector 'community_supervision' -> 'treatment'" in event.detail


def test_jobs_no_worker_takes_are_shown_to_the_console(client, world):
    import datetime as dt

    from assessment.models import Job, utcnow
    from assessment.services import jobs

    sign_in(client, "alpha@test.org")
    assert b"jobs-waiting" not in client.get("/console/").data
    job = jobs.enqueue("report", "round:999", {"round": 999})
    db.session.commit()
    assert b"jobs-waiting" not in client.get("/console/").data  # queued just now: a worker may be on its way
    db.session.get(Job, job.id).not_before = utcnow() - jobs.WAITING_TOO_LONG - dt.timedelta(seconds=1)
    db.session.commit()
    page = client.get("/console/").get_data(as_text=True)
    assert 'id="jobs-waiting"' in page and "1 background job (reports" in page and "flask --app app worker" in page


@pytest.mark.parametrize("settings, where", [({"ENVIRONMENT": "production"}, "worker"),
                                             ({"ENVIRONMENT": "development"}, "thread"),
                                             ({"ENVIRONMENT": "production", "JOBS": "thread"}, "thread")])
def test_reports_render_outside_the_web_workers_in_production(database, settings, where):
    import secrets

    from app import create_app

    made = create_app({"SECRET_KEY": secrets.token_hex(32), "TRUSTED_HOSTS": ["localhost"],
                       "SQLALCHEMY_DATABASE_URI": database("jobs"), **settings})
    assert made.config["JOBS"] == where
    assert ("continuum-jobs" in made.extensions) == (where == "thread")
