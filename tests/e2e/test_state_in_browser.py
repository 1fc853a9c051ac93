"""The demo state in Chromium: its coordinator compares the counties that share with it, on a desktop and on a
phone; Demo County's facilitator sees the county beside the state with no other county's name but the one that
agreed, is refused its own name (it shared without it) and stops sharing, with the keyboard. Every page passes
axe (WCAG 2.1 AA)."""
import pytest

from assessment import demo, demo_state
from assessment.db import db
from assessment.services import jobs, lookups
from assessment.states import report
from tests.e2e.conftest import assert_accessible, assert_fits, new_page

pytestmark = pytest.mark.browser

SHARING = [name for name, shares, _, _ in demo_state.COUNTIES if shares != "keeps"]
UNNAMED = [name for name, shares, _, _ in demo_state.COUNTIES if shares != "by name"]


def sign_in(page, site, email, password):
    page.goto(f"{site}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def check(page, where):
    assert_accessible(page, where)
    assert_fits(page, where)
    assert not page.watch.problems, (where, page.watch.problems)


@pytest.mark.demo
def test_a_coordinator_compares_the_demo_states_counties_and_a_county_sees_itself_beside_it(browser, site, app):
    state = demo_state.seed()
    coordinator = demo_state.coordinator_account(state)
    facilitator = demo.facilitator_account(lookups.find_jurisdiction(demo.DEMO_NAME))
    db.session.commit()

    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        context, page = new_page(browser, viewport=viewport, accept_downloads=True)
        sign_in(page, site, *coordinator)
        assert page.get_by_role("heading", level=1).inner_text() == demo_state.STATE_NAME
        table = page.get_by_role("table", name="Counties, their latest closed round")
        for name in [demo.DEMO_NAME, *SHARING]:
            assert table.get_by_role("rowheader", name=name).is_visible()
        assert "Ridge County" not in page.inner_text("main")  # it keeps its figures to itself
        assert "too few respondents to publish" in table.get_by_role("row", name="Marsh County").inner_text()
        check(page, f"state page at {viewport['width']} px")
        if viewport["width"] == 1280:  # the state's report: prepared in the background, then downloaded
            page.get_by_role("link", name="Download the state's report (PDF)").click()
            assert "waiting its turn to be prepared" in page.get_by_role("status").inner_text()
            check(page, "the state's report being prepared")
            assert jobs.run_pending(kinds=[report.KIND]) == 1
            page.reload()
            with page.expect_download() as download:
                page.get_by_role("link", name="Download the state's report (PDF)").click()
            assert download.value.suggested_filename == f"state-report-{state.id}.pdf"
            assert open(download.value.path(), "rb").read(5) == b"%PDF-"
        context.close()

    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(page, site, *facilitator)
    page.get_by_role("link", name=demo.DEMO_NAME, exact=True).click()
    page.get_by_role("link", name=f"{demo.DEMO_NAME} beside its state").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"{demo.DEMO_NAME} beside {demo_state.STATE_NAME}"
    text = page.inner_text("main")
    assert "Alder County" in text and "that you cannot name or read otherwise, together" in text
    assert "Median readiness index" in text and "1 moved up the continuum" in text  # Alder is not among them
    assert not any(name in text for name in UNNAMED)
    check(page, "a county beside its state")

    # Demo County has shared without its name: showing it now is refused, with the reason, and nothing changes
    page.get_by_label("Show our name to the state's other jurisdictions").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save what we share").press("Enter")
    assert f"{demo.DEMO_NAME} cannot show its name: it has shared its figures without it" in page.inner_text("body")
    assert not page.get_by_label("Show our name to the state's other jurisdictions").is_checked()
    check(page, "showing the name refused")
    # it stops sharing, by keyboard: its figures leave the state's
    page.get_by_label("Share our published figures with the state's coordinators, by name").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save what we share").press("Enter")
    assert f"{demo.DEMO_NAME} now shares nothing with its state" in page.inner_text("body")
    check(page, "after sharing stopped")
    context.close()

