"""A state in Chromium: its coordinator compares the counties that share with it, on a desktop and on a phone; a
county's facilitator sees the county beside the state with no other county's name but the one that agreed, and
changes what the county shares with the keyboard. Every page passes axe (WCAG 2.1 AA)."""
import pytest

from assessment.accounts import accounts
from assessment.db import db
from assessment.states import states
from tests.e2e.conftest import assert_accessible, assert_fits, new_page
from tests.support.statewide import seed_state

pytestmark = pytest.mark.browser

PASSWORD = "a long enough passphrase"
COUNTIES = [("Ash County", 12, [2.6, 3.2]), ("Birch County", 12, [3.4]), ("Cedar County", 12, [2.4]),
            ("Dogwood County", 12, [3.6]), ("Elm County", 12, [2.2]), ("Fir County", 2, [3.0])]


def sign_in(page, site, email):
    page.goto(f"{site}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def check(page, where):
    assert_accessible(page, where)
    assert_fits(page, where)
    assert not page.watch.problems, (where, page.watch.problems)


def test_a_coordinator_compares_counties_and_a_county_sees_itself_beside_the_state(browser, site, app):
    state, places = seed_state("Eastland", COUNTIES)
    for name, place in places.items():
        states.set_sharing(place, True, by_name=name == "Birch County")
    states.grant(accounts.create_user("board@state.test", PASSWORD, "state"), state)
    accounts.grant(accounts.create_user("ash@county.test", PASSWORD, "facilitator"), places["Ash County"])
    db.session.commit()

    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        context, page = new_page(browser, viewport=viewport)
        sign_in(page, site, "board@state.test")
        assert page.get_by_role("heading", level=1).inner_text() == "Eastland"
        table = page.get_by_role("table", name="Counties, their latest closed round")
        for name, *_ in COUNTIES:
            assert table.get_by_role("rowheader", name=name).is_visible()
        assert "too few respondents to publish" in table.get_by_role("row", name="Fir County").inner_text()
        check(page, f"state page at {viewport['width']} px")
        context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(page, site, "ash@county.test")
    page.get_by_role("link", name="Ash County", exact=True).click()
    page.get_by_role("link", name="Ash County beside its state").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ash County beside Eastland"
    text = page.inner_text("main")
    assert "Birch County" in text and "shown together once at least 5" in text
    assert not any(name in text for name in ("Cedar County", "Dogwood County", "Elm County", "Fir County"))
    check(page, "a county beside its state")

    page.get_by_label("Show our name to the state's other jurisdictions").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save what we share").press("Enter")
    assert "Ash County now shares its published figures with its state, by name" in page.inner_text("body")
    assert page.get_by_label("Show our name to the state's other jurisdictions").is_checked()
    check(page, "after sharing by name")
    context.close()
