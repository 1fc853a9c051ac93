"""A stakeholder takes the survey in Chromium on a phone-sized screen with the keyboard alone, leaves in the middle,
comes back through the same link and finishes. Every page fits 375 px and passes axe (WCAG 2.1 AA, no serious or
critical violation)."""
import pytest
from sqlalchemy import func, select

from assessment import catalog
from assessment.db import db
from assessment.models import Answer, Response
from assessment.people import invitations
from assessment.survey.forms import Target
from assessment.vocabulary import ResponseStatus, RoleLevel
from tests.e2e.conftest import PHONE, assert_accessible, assert_fits, new_page
from tests.support.survey import complete

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const e = document.activeElement;
  const group = e && e.name ? [...document.getElementsByName(e.name)] : [];
  return {tag: e ? e.tagName.toLowerCase() : null, type: e && e.type, name: e && e.name, value: e && e.value,
          text: e ? (e.innerText || '').trim() : '', answered: group.some(x => x.checked) ||
          (e && e.tagName === 'TEXTAREA' && e.value.length > 0)};
}"""


def tab_to(page, wanted, limit=400) -> dict:
    """Press Tab until the focused element satisfies `wanted`, answering every question on the way as a
    keyboard user would: Space on the first radio or checkbox of an unanswered group, typing into empty text."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
        if focused["tag"] == "input" and focused["type"] in ("radio", "checkbox") and not focused["answered"]:
            page.keyboard.press("Space")
            if focused["type"] == "radio" and focused["value"] != "dk":
                page.keyboard.press("ArrowRight")  # move to the next option, which checks it
        elif focused["tag"] == "textarea" and not focused["answered"]:
            page.keyboard.type("Typed with the keyboard alone.")
    raise AssertionError(f"pressed Tab {limit} times on {page.url} without reaching the control wanted")


def button(label):
    return lambda f: f["tag"] == "button" and f["text"] == label


def link(label):
    return lambda f: f["tag"] == "a" and f["text"] == label


def answer_section(page, number, sections):
    """Check the section's page, answer it by keyboard and go on (to the review after the last)."""
    assert page.get_by_text(f"Section {number} of {sections}").is_visible()
    check(page, f"section {number}")
    tab_to(page, button("Review answers" if number == sections else "Next"))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def check(page, where):
    assert_fits(page, where)
    assert_accessible(page, where)
    assert not page.watch.problems, page.watch.problems


def test_survey_by_keyboard_on_a_phone_leave_and_come_back(browser, site, token, client, county):
    q = catalog.latest("collaboration_readiness")
    sections = len(q.sections)
    context, page = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{site}/s/{token}")
    check(page, "welcome")
    tab_to(page, button("Start the survey"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for number in range(1, 4):  # three sections, then the respondent leaves
        answer_section(page, number, sections)
    context.close()  # the phone's browser is closed: cookies and all

    context, page = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(f"{site}/s/{token}")
    check(page, "welcome on return")
    tab_to(page, link("Continue where you left off"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for number in range(4, sections + 1):  # resumed at section 4
        answer_section(page, number, sections)
    check(page, "review")
    assert page.locator(".error-summary").count() == 0  # every required answer was given by keyboard
    tab_to(page, button("Submit my answers"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Thank you" in page.inner_text("main")
    check(page, "thanks")
    context.close()

    db.session.expire_all()
    response = db.session.scalar(select(Response))
    assert response.status == ResponseStatus.SUBMITTED
    texts = db.session.scalars(select(Answer.text).where(Answer.response_id == response.id,
                                                         Answer.text.is_not(None))).all()
    assert "Typed with the keyboard alone." in texts
    # as many answers as a respondent who answers everything through plain HTTP stores
    reference = invitations.issue_invitations(county["round"], county["agencies"][0], RoleLevel.SUPERVISOR, 1)[0]
    targets = tuple(Target(a.id, a.slug, a.name) for a in sorted(county["agencies"][1:], key=lambda a: a.name))
    assert complete(client, reference, targets).status_code == 302
    counts = dict(db.session.execute(select(Answer.response_id, func.count(Answer.id))
                                     .group_by(Answer.response_id)).all())
    assert len(counts) == 2 and counts[response.id] == max(counts.values())
