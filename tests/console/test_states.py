"""A state's view: its coordinator compares the counties that share with it, a county's facilitators see their
county beside the state without other counties' names (unless those agreed), and every state figure is made of
what the counties already publish."""
import html
import io
import re

import pytest
from sqlalchemy import func, select

from assessment import demo, demo_state
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import AuditEvent, Job, Jurisdiction, Release, Round, State, StateReport
from assessment.results import commitments, releases
from assessment.scoring import state as statewide
from assessment.services import ServiceError, jobs, lookups
from assessment.states import states
from assessment.vocabulary import Role
from tests.conftest import shared_template
from tests.console.conftest import PASSWORD, csrf, sign_in
from tests.support.statements import statements
from tests.support.statewide import seed_state

#: Five counties that publish (three with two closed rounds), one too small to publish, one that shares nothing.
COUNTIES = [("Ash County", 14, [2.6, 3.2]), ("Birch County", 14, [3.4, 3.0]), ("Cedar County", 14, [2.4, 2.4]),
            ("Dogwood County", 14, [3.6]), ("Elm County", 14, [2.2]), ("Fir County", 2, [3.0]),
            ("Gum County", 14, [3.1])]


def seed_eastland():
    made, places = seed_state("Eastland", COUNTIES)
    for name, place in places.items():
        if name != "Gum County":
            states.set_sharing(place, True, by_name=name == "Birch County")
    first_ash = min(r.id for r in places["Ash County"].rounds)
    commitments.add_commitment(db.session.get(Round, first_ash), "activities", "Joint case staffing monthly",
                               "Probation", None)
    states.add_state("Westland")
    accounts.create_user("admin@test.org", PASSWORD, "admin")
    coordinator = accounts.create_user("board@test.org", PASSWORD, "state")
    states.grant(coordinator, made)
    accounts.grant(accounts.create_user("ash@test.org", PASSWORD, "facilitator"), places["Ash County"])
    accounts.grant(accounts.create_user("gum@test.org", PASSWORD, "facilitator"), places["Gum County"])
    db.session.commit()


@pytest.fixture(scope="session")
def eastland(tmp_path_factory, worker_id):
    """Eastland's counties, seeded once per run: the tests that use `state` start from a copy."""
    return shared_template(tmp_path_factory, worker_id, "eastland", seed_eastland)


#: The tests that use `state` start from a copy of Eastland (`eastland`); the demo's test from the demo.
pytestmark = pytest.mark.starts_from("eastland")


@pytest.fixture
def state(app):
    """Eastland's id and its counties' ids (`ash`, `birch`, ...)."""
    ids = {"state": db.session.scalar(select(State.id).where(State.name == "Eastland"))}
    for name, id_ in db.session.execute(select(Jurisdiction.name, Jurisdiction.id)):
        ids[name.split()[0].lower()] = id_
    return ids


def rows(page: str) -> dict[str, str]:
    """The county table's rows, by county name: the row's text."""
    return {m.group(1): re.sub(r"<[^>]+>", " ", m.group(2)) for m in re.finditer(
        r'<tr><th scope="row">([^<]+ County)</th>(.*?)</tr>', page, re.S)}


def test_a_state_coordinator_compares_the_counties_that_share_and_reads_nothing_else(client, state):
    signed_in = sign_in(client, "board@test.org")
    assert client.get(signed_in.location).location.endswith("/state/")  # the console's front page sends it on
    assert client.get("/state/").location.endswith(f"/state/{state['state']}")  # its one state
    page = client.get(f"/state/{state['state']}").get_data(as_text=True)
    table = rows(page)
    assert set(table) == {"Ash County", "Birch County", "Cedar County", "Dogwood County", "Elm County",
                          "Fir County"}  # every county that shares, by name; Gum shares nothing
    assert "too few respondents to publish" in table["Fir County"] and "(" not in table["Fir County"]
    ash = releases.summary_of(releases.latest(db.session.get(Round, max(
        r.id for r in db.session.scalars(select(Round).where(Round.jurisdiction_id == state["ash"]))))))
    assert ash.shown and f"{ash.readiness_index:.0f}" in table["Ash County"] and ash.placed in table["Ash County"]
    text = html.unescape(" ".join(page.split()))
    assert "Median readiness index" in text and "6 of the state's 7 jurisdictions share" in text
    assert "5 published a level in their latest closed round, 1 had too few respondents to publish one" in text
    rose = "1 is on a dimension" if ash.dimensions["activities"] > releases.summary_of(releases.latest(
        db.session.get(Round, min(r.id for r in db.session.scalars(select(Round).where(
            Round.jurisdiction_id == state["ash"])))))).dimensions["activities"] else "0 are on a dimension"
    assert "They recorded 1 commitment after the round before" in text and rose in text
    # the roles that limit sharing: none of these counties has a court or a defender (4 agencies each)
    roles = re.sub(r"<[^>]+>", " ", page[page.index('id="roles"'):page.index('id="movement"')])
    roles = html.unescape(" ".join(roles.split()))
    assert "Judiciary No case-specific contact outside the record 0 of 5 none heard" in roles
    assert "Defense Privilege and its duty to the client 0 of 5 none heard" in roles
    # nothing of another state, no console page, no API, no jurisdiction's results
    assert client.get(f"/state/{state['state'] + 1}").status_code == 404
    assert client.get(f"/console/jurisdictions/{state['ash']}").status_code == 404
    assert client.get(f"/console/jurisdictions/{state['ash']}/state").status_code == 404
    assert client.get("/api/rounds/1/scores").status_code == 404
    with pytest.raises(ServiceError, match="state coordinator"):  # no jurisdiction can open its rounds to it
        accounts.grant(accounts.get_user("board@test.org"), db.session.get(Jurisdiction, state["ash"]))
    assert "Ash County" not in client.get("/view/").get_data(as_text=True)
    board = accounts.get_user("board@test.org")
    sign_in(client, "admin@test.org")  # nor can the console's Accounts page
    page = client.get(f"/console/users/{board.id}").get_data(as_text=True)
    assert "Eastland" in page and 'name="jurisdiction"' not in page
    refused = client.post(f"/console/users/{board.id}/grants", data={"jurisdiction": state["ash"],
                                                                     "csrf_token": csrf(client)})
    assert refused.status_code == 302 and not accounts.get_user("board@test.org").grants


def test_the_state_page_costs_the_same_statements_for_two_counties_or_six(client, state):
    sign_in(client, "board@test.org")
    client.get(f"/state/{state['state']}")
    six = statements(client, f"/state/{state['state']}")
    for name in ("cedar", "dogwood", "elm", "fir"):
        states.set_sharing(db.session.get(Jurisdiction, state[name]), False, False)
    db.session.commit()
    two = statements(client, f"/state/{state['state']}")
    assert set(rows(client.get(f"/state/{state['state']}").get_data(as_text=True))) == {"Ash County", "Birch County"}
    assert two == six <= 12


def test_a_county_sees_itself_beside_the_state_and_other_counties_only_where_they_agreed(client, state):
    sign_in(client, "ash@test.org")
    page = " ".join(client.get(f"/console/jurisdictions/{state['ash']}/state").get_data(as_text=True).split())
    assert "Ash County beside Eastland" in page and "Birch County" in page  # Birch shows its name to the others
    # the others it cannot name are three with a level: together they would all but name each one's figures
    assert "shown together once at least 5 of them that have never shown their name, and whose figures" in page
    assert "Median" not in page and "Its readiness index is" not in page
    assert "Where the counties stand" not in page
    for hidden in ("Cedar County", "Dogwood County", "Elm County", "Fir County", "Gum County"):
        assert hidden not in page
    assert client.get(f"/console/jurisdictions/{state['birch']}/state").status_code == 404

    # its facilitators stop sharing: the state no longer counts it, and the change is audited
    answer = client.post(f"/console/jurisdictions/{state['ash']}/state",
                         data={"by_name": "y", "csrf_token": csrf(client)})  # by name, without sharing: nothing
    assert answer.status_code == 302
    place = db.session.get(Jurisdiction, state["ash"])
    assert (place.share_with_state, place.show_by_name) == (False, False)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "state_sharing_changed")
                              .order_by(AuditEvent.id.desc()).limit(1))
    assert event.actor == "ash@test.org" and event.target == "Ash County" and "shares nothing" in event.detail
    page = client.get(f"/console/jurisdictions/{state['ash']}/state").get_data(as_text=True)
    assert "Ash County does not share with the state" in page

    # a county that shares nothing sees the state's counts, and no county by name (not even one that shows it)
    sign_in(client, "gum@test.org")
    page = client.get(f"/console/jurisdictions/{state['gum']}/state").get_data(as_text=True)
    assert "Gum County does not share with the state" in page
    assert not any(f"{name} County" in page for name in ("Ash", "Birch", "Cedar", "Dogwood", "Elm", "Fir"))


def test_every_state_figure_is_what_the_counties_published(app, state):
    """The auditor: each county's part of the state's figures is exactly its own published results' summary (no
    agency, sector, role or respondent figure), a county too small to publish gives its count only, and the
    state's figures are worked out from those summaries alone."""
    figures = states.figures(db.session.get(State, state["state"]))
    for county in figures.counties:
        closed = list(db.session.scalars(select(Round).where(Round.jurisdiction_id == county.id).order_by(Round.id)))
        release = releases.latest(closed[-1])
        if release is None:  # a round of fewer than k published nothing, and gives the state nothing
            assert county.latest == statewide.NOTHING and county.name == "Fir County"
            continue
        published = releases.results_of(release)
        assert county.latest == statewide.at_the_state(statewide.county_summary(published))
        assert county.latest.shown == (published.jurisdiction.profile is not None)
    dimensions, conditions = states.constructs()
    again = statewide.state_figures(figures.counties, [d.id for d in dimensions], [c.id for c in conditions],
                                    ["treatment", "victim_advocacy", "judiciary", "defense"])
    assert again == figures and list(states.bound_roles()) == ["treatment", "victim_advocacy", "judiciary", "defense"]
    assert db.session.scalar(select(Release.id).where(Release.summary.is_(None))) is None  # kept at release time


def test_the_state_s_report_is_its_page_s_figures_as_a_tagged_pdf(app, state, tmp_path):
    import pypdf

    output = tmp_path / "eastland.pdf"
    done = app.test_cli_runner().invoke(args=["state", "report", "Eastland", "-o", str(output)])
    assert done.exit_code == 0, done.output
    reader = pypdf.PdfReader(output)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for name in ("Ash County", "Birch County", "Cedar County", "Dogwood County", "Elm County", "Fir County"):
        assert name in text
    assert "Gum County" not in text and "too few respondents to publish a level" in text
    assert "6 of the state's 7 jurisdictions share" in text and "Median readiness index" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_a_coordinator_holding_grants_from_before_reads_no_jurisdiction(client, state):
    """Should an account that holds jurisdiction grants ever become a state coordinator, the grants open nothing,
    and its administrator's page lists them to take back."""
    ash = accounts.get_user("ash@test.org")
    ash.role = Role.STATE
    db.session.commit()
    sign_in(client, "ash@test.org")
    assert "Ash County" not in client.get("/view/").get_data(as_text=True)
    round_id = max(r.id for r in db.session.scalars(select(Round).where(Round.jurisdiction_id == state["ash"])))
    assert client.get(f"/view/rounds/{round_id}").status_code == 404
    sign_in(client, "admin@test.org")
    page = client.get(f"/console/users/{ash.id}").get_data(as_text=True)
    assert "Grants held from before it was a state coordinator" in page and "Take back" in page


def test_a_coordinator_downloads_the_state_s_report_prepared_in_the_background(client, state):
    import pypdf

    sign_in(client, "board@test.org")
    page = client.get(f"/state/{state['state']}").get_data(as_text=True)
    assert f'href="/state/{state["state"]}/report.pdf"' in page
    first = client.get(f"/state/{state['state']}/report.pdf")  # nothing kept yet: queued, and watched
    assert first.status_code == 302 and first.location.endswith(f"/state/{state['state']}/report")
    waiting = client.get(first.location).get_data(as_text=True)
    assert "waiting its turn" in waiting and 'data-poll="' in waiting
    assert client.get(f"/state/{state['state']}/report.pdf").status_code == 302  # the same job, not a second
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "state_report")) == 1

    assert jobs.run_pending(kinds=["state_report"]) == 1
    assert "Download the state's report (PDF)" in client.get(first.location).get_data(as_text=True)
    pdf = client.get(f"/state/{state['state']}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "Ash County" in text and "Gum County" not in text
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "report_downloaded",
                                                         AuditEvent.target == f"state {state['state']}",
                                                         AuditEvent.actor == "board@test.org"))

    # a county that stops sharing changes the figures: the kept report no longer answers, and is replaced
    states.set_sharing(db.session.get(Jurisdiction, state["cedar"]), False, by_name=False)
    db.session.commit()
    assert client.get(f"/state/{state['state']}/report.pdf").status_code == 302
    assert jobs.run_pending(kinds=["state_report"]) == 1
    again = client.get(f"/state/{state['state']}/report.pdf")
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(again.data)).pages).split())
    assert "Ash County" in text and "Cedar County" not in text
    assert db.session.scalar(select(func.count(StateReport.id))) == 1  # the state keeps its latest only

    # nobody else reads it: another state's coordinator, a county's facilitator
    other = accounts.create_user("west@test.org", PASSWORD, "state")
    states.grant(other, states.list_states()[1])
    db.session.commit()
    for email in ("west@test.org", "ash@test.org"):
        sign_in(client, email)
        assert client.get(f"/state/{state['state']}/report.pdf").status_code == 404
        assert client.get(f"/state/{state['state']}/report").status_code == 404
        assert client.post(f"/state/{state['state']}/report", data={"csrf_token": csrf(client)}).status_code == 404


def test_a_report_kept_as_the_figures_stand_is_not_rendered_again_on_request(client, state):
    sign_in(client, "board@test.org")
    assert client.get(f"/state/{state['state']}/report.pdf").status_code == 302
    jobs.run_pending(kinds=["state_report"])
    for _ in range(3):
        assert client.post(f"/state/{state['state']}/report", data={"csrf_token": csrf(client)}).status_code == 302
    assert jobs.run_pending(kinds=["state_report"]) == 0  # kept: nothing queued
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == "state_report")) == 1


@pytest.mark.starts_from("demo_template")
def test_names_chosen_at_first_share_and_what_an_account_holds_are_never_among_the_others_together(client):
    """A county whose figures have been among the unnamed cannot show its name later (they could be taken out of
    what the others saw); one that shared by name first may hide and show it again, and stays known all the same;
    and the counties an account holds or held are known to it as well."""
    demo_state.seed()
    place = lookups.find_jurisdiction
    with pytest.raises(ServiceError, match="Brook County cannot show its name: it has shared its figures without"):
        states.set_sharing(place("Brook County"), True, by_name=True)
    assert not place("Brook County").show_by_name and not place("Brook County").named_once
    states.set_sharing(place("Ridge County"), True, by_name=True)  # shares for the first time: by name
    states.set_sharing(place("Alder County"), True, by_name=False)  # hides its name again: known all the same
    states.set_sharing(place("Alder County"), True, by_name=True)  # and may show it again
    states.set_sharing(place("Alder County"), True, by_name=False)
    db.session.commit()

    county = place(demo.DEMO_NAME)
    email, password = demo.facilitator_account(county)
    db.session.commit()
    sign_in(client, email, password)
    page = " ".join(client.get(f"/console/jurisdictions/{county.id}/state").get_data(as_text=True).split())
    assert "Alder County" not in page and "Ridge County" in page  # Ridge shows its name; Alder no longer does
    assert "that you cannot name or read otherwise, together" in page  # Brook, Cliff, Dune, Fern, Glen, Heath
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "over 6 counties with a published index" in " ".join(text.split())  # not Alder, not Ridge
    refused = client.post(f"/console/jurisdictions/{county.id}/state",
                          data={"share": "y", "by_name": "y", "csrf_token": csrf(client)}, follow_redirects=True)
    assert "Demo County cannot show its name" in html.unescape(refused.get_data(as_text=True))
    assert not place(demo.DEMO_NAME).show_by_name

    # what the account holds is never among the others together (it could subtract it): with Brook and Cliff
    # granted, four are left unknown and nothing is shown; nor when the grants are taken back (it may have read them)
    for other in ("Brook County", "Cliff County"):
        accounts.grant(accounts.find_user(email), place(other))
    db.session.commit()
    page = " ".join(client.get(f"/console/jurisdictions/{county.id}/state").get_data(as_text=True).split())
    assert "cannot name or read otherwise, together" not in page and "Median" not in page
    assert "whose figures you cannot read otherwise" in page
    for other in ("Brook County", "Cliff County"):
        accounts.revoke(accounts.find_user(email), place(other))
    db.session.commit()
    page = " ".join(client.get(f"/console/jurisdictions/{county.id}/state").get_data(as_text=True).split())
    assert "cannot name or read otherwise, together" not in page and "Median" not in page


def test_a_county_that_changes_what_it_shares_leaves_no_kept_report_behind(client, state):
    sign_in(client, "board@test.org")
    client.get(f"/state/{state['state']}/report.pdf")
    jobs.run_pending(kinds=["state_report"])
    assert db.session.scalar(select(func.count(StateReport.id))) == 1
    states.set_sharing(db.session.get(Jurisdiction, state["cedar"]), False, by_name=False)
    db.session.commit()
    assert db.session.scalar(select(func.count(StateReport.id))) == 0  # its name is in no stored PDF
