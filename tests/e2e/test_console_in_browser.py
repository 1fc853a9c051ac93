"""A facilitator in Chromium: signs in, sets up a round, invites, watches coverage move as responses arrive, opens
the results (the plotly charts draw, with no console errors), compares with an earlier round, downloads the PDF
and an export. Every page passes axe (WCAG 2.1 AA, no serious or critical violation)."""
import io
import re

import pypdf
import pytest
from sqlalchemy import select

from assessment import demo
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Invitation
from assessment.places import jurisdictions
from assessment.services import jobs, lookups
from assessment.survey.forms import Target
from tests.e2e.conftest import assert_accessible, assert_fits, new_page
from tests.support.survey import complete

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "facilitator@lake.test", "a long enough passphrase"
CHARTS_DRAWN = """() => {
  const sources = [...document.querySelectorAll("script[type='application/json'][data-chart]")];
  return sources.length > 0
    && sources.every(s => document.getElementById(s.dataset.chart)?.querySelector('svg.main-svg'));
}"""


def check(page, where):
    assert_accessible(page, where)
    assert_fits(page, where)
    assert not page.watch.problems, (where, page.watch.problems)


def coverage_line(page) -> str:
    return re.search(r"\d+ of \d+ invited have submitted", page.inner_text("main")).group(0)


@pytest.mark.demo
def test_facilitator_runs_a_round_from_the_browser(browser, site, app):
    accounts.grant(accounts.create_user(EMAIL, PASSWORD, "facilitator"),
                   lookups.find_jurisdiction(demo.DEMO_NAME))
    db.session.commit()  # as the commands that set a jurisdiction up would (the server reads it in its own session)
    context, page = new_page(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)

    page.goto(f"{site}/console/")
    check(page, "sign-in")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=demo.DEMO_NAME).click()
    check(page, "jurisdiction")

    page.get_by_text("Create a round").click()  # the form is folded away in a <details> panel
    page.get_by_label("Title").fill("Spring 2027")
    page.get_by_role("button", name="Create round").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Spring 2027"
    check(page, "new round")

    page.get_by_role("navigation", name="This round").get_by_role("link", name="People").click()
    check(page, "people, none yet")
    links_form = page.locator("#invite")
    links_form.get_by_text("Links without an address").click()  # folded away in a <details> panel
    links_form.get_by_label("Agency").select_option(index=0)
    links_form.get_by_label("Role level").select_option("line_staff")
    links_form.get_by_label("How many links").fill("3")
    page.get_by_role("button", name="Create links").click()
    check(page, "links")
    tokens = re.findall(re.escape(site) + r"/s/([\w-]+)", page.get_by_label("Links, one per line").input_value())
    assert len(tokens) == 3
    page.go_back()
    page.reload()
    page.get_by_role("button", name="Open the round").click()
    assert "Every link of the round starts working now" in page.inner_text("main")
    check(page, "confirm opening")
    page.get_by_role("button", name="Open the round").click()
    check(page, "open round")
    assert coverage_line(page) == "0 of 3 invited have submitted"

    invitation = db.session.scalar(select(Invitation).order_by(Invitation.id.desc()))
    own = invitation.agency
    others = sorted((a for a in own.jurisdiction.agencies if a.id != own.id), key=lambda a: a.name)
    targets = tuple(Target(a.id, a.slug, a.name) for a in others)
    for n, token in enumerate(tokens, start=1):  # responses arrive; the round page shows them
        assert complete(app.test_client(), token, targets).status_code == 302
        page.reload()
        assert coverage_line(page) == f"{n} of 3 invited have submitted"

    page.get_by_role("link", name="Results").click()
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    drawn = page.locator("svg.main-svg").count()
    assert drawn >= 2
    check(page, "results")

    with page.expect_download() as scores:
        page.get_by_role("link", name="Scores (CSV)").click()
    assert open(scores.value.path(), encoding="utf-8").readline().startswith("scope,group,name,shown,n,reason")
    page.get_by_role("link", name="Report (PDF)").click()  # not rendered yet: its page shows it being prepared
    assert "waiting its turn to be prepared" in page.inner_text("main")
    check(page, "report being prepared")
    assert jobs.run_pending(kinds=["report"]) == 1  # what the server's job thread does
    page.wait_for_selector("text=is ready", timeout=15_000)  # the page checks again by itself
    with page.expect_download(timeout=60_000) as report:
        page.get_by_role("link", name="Download the report (PDF)").click()
    pdf = pypdf.PdfReader(io.BytesIO(open(report.value.path(), "rb").read()))
    assert len(pdf.pages) > 5 and "Spring 2027" in pdf.pages[0].extract_text()
    page.get_by_role("link", name="Results: Spring 2027").click()

    page.get_by_role("link", name="Compare with an earlier round").click()
    page.get_by_label(re.compile("Compare Spring 2027 with")).select_option(label="Follow-up survey 2025")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    assert "in Follow-up survey 2025" in page.inner_text("main")
    check(page, "comparison")
    context.close()


def test_an_administrator_manages_accounts_with_the_keyboard(browser, site, app):
    jurisdiction = jurisdictions.add_jurisdiction("Lake County")
    accounts.create_user("admin@lake.test", PASSWORD, "admin")
    accounts.grant(accounts.create_user(EMAIL, PASSWORD, "facilitator"), jurisdiction)
    db.session.commit()
    context, page = new_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(f"{site}/login")
    page.get_by_label("Email").fill("admin@lake.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Accounts").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Accounts"
    check(page, "accounts")

    page.get_by_label("Email").fill("second@lake.test")
    page.get_by_label("Role").select_option("facilitator")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Add account").click()
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "a refused account")  # a 400 page, which Chromium logs as a console error
    page.watch.problems.clear()
    page.get_by_label("Password").fill("another long passphrase")
    page.get_by_role("button", name="Add account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "second@lake.test"
    check(page, "an account")
    page.get_by_label("Jurisdiction").select_option(label="Lake County")
    page.get_by_role("button", name="Grant").click()
    assert "second@lake.test can now see Lake County." in page.inner_text("main")
    page.get_by_role("button", name="Disable the account").focus()
    page.keyboard.press("Enter")
    page.get_by_text("disabled since").wait_for()  # the page after the post, which says so
    check(page, "a disabled account")
    context.close()
