"""A facilitator with 60 contacts in Chromium: the People tab (grouped by agency, a search, a selection made with
the keyboard), the Messages tab (the wording edited, the preview following what is typed, the invitations sent
and their progress shown), on a desktop screen and on a phone. Every page passes axe (WCAG 2.1 AA)."""
import pytest
from sqlalchemy import select

from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Email
from assessment.people import contacts, mailings
from assessment.places import jurisdictions
from assessment.rounds import rounds
from assessment.services import jobs
from assessment.vocabulary import EmailStatus
from tests.e2e.conftest import assert_accessible, assert_fits, new_page
from tests.support.web import PHONE

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "facilitator@lake.test", "a long enough passphrase"


@pytest.fixture
def app(app, tmp_path):
    app.config["MAIL_OUTBOX"] = str(tmp_path / "outbox")
    app.config["MAIL_RATE"] = 0
    return app


def check(page, where):
    assert_accessible(page, where)
    assert_fits(page, where)
    assert not page.watch.problems, (where, page.watch.problems)


@pytest.fixture
def lake(app):
    jurisdiction = jurisdictions.add_jurisdiction("Lake County")
    agencies = [jurisdictions.add_agency(jurisdiction, name, sector) for name, sector in (
        ("Lake Probation", "community_supervision"), ("Lake Treatment", "treatment"),
        ("Lake Victim Services", "victim_advocacy"))]
    round_ = rounds.create_round(jurisdiction, "Spring 2027")
    rounds.open_round(round_)
    rows = "".join(f"person{n:02d}@lake.test,{agencies[n % 3].slug},{('line_staff', 'supervisor')[n % 2]}\n"
                   for n in range(60))
    contacts.add(round_, contacts.read_file(round_, ("email,agency,role_level\n" + rows).encode()))
    mailings.save_settings(round_, "Lee Facilitator", "lee@lake.test", "7, 2", 2, True)
    accounts.grant(accounts.create_user(EMAIL, PASSWORD, "facilitator"), jurisdiction)
    db.session.commit()
    return round_


def sign_in(page, site):
    page.goto(f"{site}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_facilitator_edits_the_wording_sees_the_preview_follow_and_sends(browser, site, app, lake):
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(page, site)
    page.goto(f"{site}/console/rounds/{lake.id}")
    page.get_by_role("link", name="Messages").click()
    check(page, "messages")
    preview = page.locator("#preview")
    assert "Lake County: a survey on how our agencies work together" in preview.inner_text()

    page.get_by_label("Subject").fill("Your view, {agency}")
    message = page.get_by_label("Message", exact=True)
    message.fill("Dear colleague at {agency},\n\nThe survey closes soon.\n\n{facilitator}")
    preview.get_by_text("Your view, Lake Probation").wait_for()  # the preview follows, with no button pressed
    assert "Dear colleague at Lake Probation," in preview.inner_text()
    assert "Lee Facilitator" in preview.inner_text() and "Open the survey" in preview.inner_text()
    page.get_by_label("Message", exact=True).fill("Dear {colleague}")
    preview.get_by_text("{colleague} is not a placeholder").wait_for()
    check(page, "a wording with a mistake, previewed")
    page.get_by_label("Message", exact=True).fill("Dear colleague at {agency},\n\n{facilitator}")
    page.get_by_role("button", name="Save the wording").click()
    assert "Saved the wording of the invitation (en)." in page.inner_text("main")
    assert page.get_by_label("Subject").input_value() == "Your view, {agency}"

    page.get_by_role("button", name="Send the invitations (60)").click()
    assert "60 invitation(s) will go from Lee Facilitator (replies to lee@lake.test)" in page.inner_text("main")
    page.get_by_role("button", name="Send 60 invitation(s)").click()
    assert "60 invitations queued." in page.inner_text("main")
    assert jobs.run_pending() >= 1  # what the server's job thread does
    page.get_by_text("Last send: sent 60 of 60.").wait_for(timeout=15_000)  # the page checks again by itself
    check(page, "sent")
    assert {e.status for e in db.session.scalars(select(Email))} == {EmailStatus.SENT}
    page.reload()
    assert page.get_by_role("link", name="Your view, Lake").count() == 50  # the outbox, newest 50
    context.close()


def test_the_people_tab_at_desktop_width_and_on_a_phone_by_keyboard(browser, site, app, lake):
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        context, page = new_page(browser, viewport=viewport)
        sign_in(page, site)
        page.goto(f"{site}/console/rounds/{lake.id}/people")
        check(page, f"people at {viewport['width']} px")
        groups = page.locator("details.agency-group")
        assert groups.count() == 3
        assert "20 people: 0 submitted · 0 in progress · 20 not started" in groups.first.inner_text()
        page.get_by_label("Search addresses").fill("person0")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=person0*")
        assert "10 of 60 shown" in page.inner_text("main")
        everyone = page.get_by_label("Select everyone shown")
        everyone.focus()
        page.keyboard.press("Space")
        assert page.locator("#selected-count").inner_text() == "10 people"
        check(page, f"people searched at {viewport['width']} px")
        page.get_by_role("button", name="Remind", exact=True).click()
        assert "left out: 10 not invited yet" in page.inner_text("main")
        assert page.url.endswith("q=person0")  # back where it was
        context.close()
