"""Every page of the console, as an administrator sees it on the demo (closed rounds, the open round with people,
the accounts, the audit log), in Chromium at desktop width and on a phone: no serious or critical axe violation of
WCAG 2.1 AA, nothing wider than the screen, no console error."""
import pytest
from sqlalchemy import select

from assessment import demo
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Agency, Round, User
from assessment.people import contacts
from assessment.services import lookups
from assessment.sharing import sharing
from assessment.vocabulary import RoundStatus
from tests.e2e.conftest import assert_accessible, assert_fits, new_page
from tests.support.web import PHONE

pytestmark = pytest.mark.browser

ADMIN, PASSWORD = "it@demo.test", "a long enough passphrase"


@pytest.mark.demo
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_every_console_page_passes_axe_and_fits(browser, site, app, viewport):
    """One test per screen width, so that two workers share the pages."""
    county = lookups.find_jurisdiction(demo.DEMO_NAME)
    accounts.create_user(ADMIN, PASSWORD, "admin")
    closed = db.session.scalars(select(Round).where(Round.status == RoundStatus.CLOSED).order_by(Round.id)).all()
    open_round = db.session.scalars(select(Round).where(Round.status == RoundStatus.OPEN)).first()
    contacts.add(open_round, contacts.read_file(open_round, (
        "email,agency,role_level\n" + "".join(f"p{n}@demo.test,{county.agencies[n % 3].slug},line_staff\n"
                                              for n in range(6))).encode()))
    _link, shared = sharing.create(closed[-1], "Policy team", 14, by=ADMIN)
    db.session.commit()
    agency = db.session.scalars(select(Agency)).first()
    user = db.session.scalar(select(User).where(User.email == ADMIN))
    pages = ["/console/", f"/console/jurisdictions/{county.id}", f"/console/agencies/{agency.id}/edit",
             "/console/audit", "/console/users", f"/console/users/{user.id}", "/"]
    for round_ in (closed[-1], open_round):
        pages += [f"/console/rounds/{round_.id}{tab}" for tab in (
            "", "/people", "/messages", "/plan", "/open-answers", "/settings", "/results", "/import")]
    pages += [f"/console/rounds/{closed[-1].id}/compare?with={closed[0].id}",
              f"/console/rounds/{closed[-1].id}/reopen", f"/console/rounds/{closed[-1].id}/report",
              f"/console/rounds/{closed[-1].id}/sharing", "/view/", f"/view/rounds/{closed[-1].id}",
              f"/shared/{shared}"]
    context, page = new_page(browser, viewport=viewport)
    page.goto(f"{site}/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    for path in pages:
        answer = page.goto(f"{site}{path}")
        assert answer.status < 400, (path, answer.status)
        where = f"{path} at {viewport['width']} px"
        assert_accessible(page, where)
        assert_fits(page, where)
        assert not page.watch.problems, (where, page.watch.problems)
    context.close()
