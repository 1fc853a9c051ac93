"""Read-only viewers: an account with the viewer role, and share links a facilitator makes. Both read a round's
published results and report, and nothing else; every view is audited."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from assessment.accounts import accounts
from assessment.db import db
from assessment.models import AuditEvent, RateLimitCount, Round, ShareLink, utcnow
from assessment.places import jurisdictions
from assessment.rounds import rounds
from assessment.services import jobs
from tests.console.conftest import PASSWORD, csrf, sign_in
from tests.console.test_report_options import closed_with

SHARED = re.compile(r'value="(http://[^"]+/shared/([^"]+))"')


@pytest.fixture
def published(world):
    """Alpha's round closed with four responses (its results published), a draft round beside it, and a viewer
    granted Alpha."""
    round_ = closed_with(db.session.get(Round, world["round"]), [world["agency"], world["treatment"]])
    draft = rounds.create_round(round_.jurisdiction, "Alpha draft")
    beta_place = accounts.get_user("beta@test.org").grants[0].jurisdiction
    for name, sector in (("Beta Probation", "community_supervision"), ("Beta Police", "law_enforcement")):
        jurisdictions.add_agency(beta_place, name, sector)
    beta = rounds.create_round(beta_place, "Beta round")
    rounds.open_round(beta)
    accounts.grant(accounts.create_user("policy@test.org", PASSWORD, "viewer"), round_.jurisdiction)
    db.session.commit()
    return {**world, "draft": draft.id, "beta_round": beta.id}


def views(actor=None):
    query = select(AuditEvent).where(AuditEvent.action == "results_viewed")
    if actor:
        query = query.where(AuditEvent.actor == actor)
    return list(db.session.scalars(query))


def test_an_administrator_makes_a_viewer_account_that_reads_results_and_the_report(client, world):
    sign_in(client, "admin@test.org")
    made = client.post("/console/users", data={"email": "head@test.org", "role": "viewer", "password": PASSWORD,
                                               "csrf_token": csrf(client)})
    assert made.status_code == 302
    viewer = accounts.get_user("head@test.org")
    assert viewer.is_viewer and not viewer.is_admin
    accounts.grant(viewer, viewer_place := db.session.get(Round, world["round"]).jurisdiction)
    closed_with(db.session.get(Round, world["round"]), [world["agency"], world["treatment"]])

    signed_in = sign_in(client, "head@test.org")
    assert client.get(signed_in.location).location.endswith("/view/")  # the console's front page sends it on
    listing = client.get("/view/").get_data(as_text=True)
    assert f"{viewer_place.name}: Alpha round" in listing and ">Jurisdictions<" not in listing
    page = client.get(f"/view/rounds/{world['round']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Level on the continuum" in text and "Decisions for the policy team" in text
    assert "/console/" not in text.replace('href="/console/account"', "")  # no way into the console but its account
    assert "Record as a commitment" not in text
    assert [e.target for e in views("head@test.org")] == [f"round {world['round']}"]

    waiting = client.get(f"/view/rounds/{world['round']}/report.pdf")
    assert waiting.status_code == 202 and b"being prepared" in waiting.data
    jobs.run_pending()
    pdf = client.get(f"/view/rounds/{world['round']}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert [e.detail for e in views("head@test.org")] == ["results", "report"]


def _fill(rule, ids: dict) -> str | None:
    values = {}
    for name in rule.arguments:
        if name not in ids:
            return None
        values[name] = ids[name]
    return rule.build(values, append_unknown=False)[1]


def test_a_viewer_gets_404_on_every_other_page_of_the_console_and_the_api(app, client, published):
    sign_in(client, "policy@test.org")
    token = csrf(client)
    ids = {"round_id": published["round"], "jurisdiction_id": published["a"], "agency_id": published["agency"],
           "invitation_id": published["invitation"], "user_id": accounts.get_user("alpha@test.org").id,
           "kind": "scores", "fmt": "csv", "link_id": 1, "answer_id": 1, "name": "message.eml"}
    tried = 0
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if not endpoint.startswith(("console.", "api.")) or endpoint.startswith("console.account"):
            continue
        path = _fill(rule, ids)
        assert path is not None, f"no id to try {rule.rule} with: add it to the test"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            answer = client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
            expected = 302 if endpoint == "console.index" else 404
            assert answer.status_code == expected, (method, path, answer.status_code)
            tried += 1
    assert tried > 50
    # its own account page is the one part of the console it has
    assert client.get("/console/account").status_code == 200


def test_a_viewer_reads_only_granted_rounds_that_have_opened(client, published):
    sign_in(client, "policy@test.org")
    assert client.get(f"/view/rounds/{published['beta_round']}").status_code == 404
    assert client.get(f"/view/rounds/{published['beta_round']}/report.pdf").status_code == 404
    assert client.get(f"/view/rounds/{published['draft']}").status_code == 404
    assert "Beta round" not in client.get("/view/").get_data(as_text=True)
    assert views() == []
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert client.get(f"/view/rounds/{published['round']}").status_code == 302  # to the sign-in page


def make_link(client, round_id, label="Policy team, March", days="14"):
    answer = client.post(f"/console/rounds/{round_id}/sharing",
                         data={"label": label, "days": days, "csrf_token": csrf(client)})
    found = SHARED.search(answer.get_data(as_text=True))
    return answer, (found.group(1) if found else None), (found.group(2) if found else None)


def test_a_share_link_opens_the_results_and_report_until_it_is_withdrawn(app, client, published):
    sign_in(client, "alpha@test.org")
    answer, url, token = make_link(client, published["round"])
    assert answer.status_code == 201 and url.startswith("http://survey.test/shared/")
    assert db.session.scalar(select(ShareLink.token_hash)) != token and token not in str(
        db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "share_link_created")))

    reader = app.test_client()
    page = reader.get(f"/shared/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Level on the continuum" in text and "Shared with Policy team, March" in text
    assert "/console/" not in text and "Sign out" not in text
    assert page.headers["Cache-Control"].startswith("no-store") or "no-store" in page.headers["Cache-Control"]
    assert reader.get(f"/shared/{token}/report.pdf").status_code == 202
    jobs.run_pending()
    assert reader.get(f"/shared/{token}/report.pdf").data.startswith(b"%PDF")
    assert reader.head(f"/shared/{token}").status_code == 200  # a link preview's peek is not a view
    link = db.session.scalar(select(ShareLink))
    assert link.views == 2 and [e.actor for e in views()] == [f"share link {link.id}"] * 2
    # the token is kept nowhere, not even in the rate limits' counts
    kept = " ".join(db.session.scalars(select(RateLimitCount.key)))
    assert "shared-" in kept and token not in kept
    # the link opens nothing of the console
    assert reader.get(f"/console/rounds/{published['round']}/results").status_code == 302
    assert reader.get(f"/api/rounds/{published['round']}/scores").status_code == 401

    listed = client.get(f"/console/rounds/{published['round']}/sharing").get_data(as_text=True)
    assert "Policy team, March" in listed and token not in listed  # shown once, never again
    withdrawn = client.post(f"/console/rounds/{published['round']}/sharing/{link.id}/withdraw",
                            data={"csrf_token": csrf(client)}, follow_redirects=True)
    assert b"opens nothing now" in withdrawn.data
    gone = reader.get(f"/shared/{token}")
    assert gone.status_code == 404 and b"Ask them for a new one" in gone.data
    assert reader.get(f"/shared/{token}/report.pdf").status_code == 404


def test_a_share_link_expires_and_only_its_round_s_facilitator_manages_it(app, client, published):
    sign_in(client, "alpha@test.org")
    _answer, _url, token = make_link(client, published["round"], days="1")
    link = db.session.scalar(select(ShareLink))
    link.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert app.test_client().get(f"/shared/{token}").status_code == 404
    assert "Expired" in client.get(f"/console/rounds/{published['round']}/sharing").get_data(as_text=True)

    sign_in(client, "beta@test.org")
    assert client.get(f"/console/rounds/{published['round']}/sharing").status_code == 404
    assert client.post(f"/console/rounds/{published['round']}/sharing/{link.id}/withdraw",
                       data={"csrf_token": csrf(client)}).status_code == 404
    # another round's link id under one's own round is refused, not withdrawn
    refused = client.post(f"/console/rounds/{published['beta_round']}/sharing/{link.id}/withdraw",
                          data={"csrf_token": csrf(client)}, follow_redirects=True)
    assert b"no such link" in refused.data and db.session.get(ShareLink, link.id).revoked_at is None


@pytest.mark.parametrize("label, days, message", [
    ("", "14", "This field is required"),
    ("Policy team", "0", "between 1 and 90"),
    ("Policy team", "91", "between 1 and 90"),
    ("x" * 201, "14", "200 characters"),
])
def test_a_share_link_s_form_says_what_is_wrong(client, published, label, days, message):
    sign_in(client, "alpha@test.org")
    answer, url, _token = make_link(client, published["round"], label, days)
    assert answer.status_code == 400 and url is None and message in answer.get_data(as_text=True)


def test_a_draft_round_has_nothing_to_share(client, published):
    sign_in(client, "alpha@test.org")
    answer, url, _token = make_link(client, published["draft"])
    assert answer.status_code == 400 and url is None and b"no results to share yet" in answer.data


def test_a_guessed_share_token_finds_nothing_and_is_limited(app, published):
    reader = app.test_client()
    assert reader.get("/shared/" + "A" * 32).status_code == 404
    assert reader.get("/shared/" + "A" * 500).status_code == 404
    statuses = {reader.get(f"/shared/guess{n}").status_code for n in range(70)}
    assert statuses == {404, 429}
