"""A Spanish-speaking stakeholder takes the survey in Chromium on a phone, by keyboard: the browser asks for
Spanish, so the survey opens in Spanish; halfway through a page they switch to English and back with the
language switch, and nothing they chose is lost. Every page is axe clean, fits 375 px and says its language."""
import pytest
from sqlalchemy import select

from assessment import catalog
from assessment.db import db
from assessment.models import Answer, Response
from assessment.vocabulary import ResponseStatus
from tests.e2e.conftest import PHONE, new_page
from tests.e2e.test_survey_in_browser import button, check, tab_to

pytestmark = pytest.mark.browser


def lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def test_the_survey_in_spanish_switching_language_midway(browser, site, token):
    es = catalog.latest("collaboration_readiness").in_language("es")
    sections = len(es.sections)
    context, page = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, locale="es-MX")
    page.goto(f"{site}/s/{token}")
    assert lang(page) == "es" and page.locator("h1").inner_text() == es.title
    check(page, "bienvenida")
    tab_to(page, button("Empezar la encuesta"))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # section 1 by keyboard; Enter on an answer goes on to the next section, never to another language
    assert page.get_by_text(f"Sección 1 de {sections}").is_visible() and lang(page) == "es"
    check(page, "sección 1")
    tab_to(page, lambda f: f["tag"] == "input" and f["name"] == "received_monthly")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/page/2") and lang(page) == "es"

    # section 2: two answers, then English from the switch, by keyboard
    check(page, "sección 2")
    page.get_by_role("group", name=es.item("info_progress").text).get_by_label("Totalmente de acuerdo").check()
    page.get_by_role("group", name=es.item("info_unsure").text).get_by_label("No sé").check()
    switch = page.get_by_role("group", name="Idioma")
    assert switch.get_by_role("button", name="English").is_visible()
    tab_to(page, button("English"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/page/2") and lang(page) == "en"
    assert page.get_by_text(f"Section 2 of {sections}").is_visible()
    check(page, "section 2 in English")
    q = es.in_language("en")
    assert page.get_by_role("group", name=q.item("info_progress").text).get_by_label("Strongly agree").is_checked()
    assert page.get_by_role("group", name=q.item("info_unsure").text).get_by_label("Don't know").is_checked()
    assert not page.locator(".error-summary").count()  # switching asks for no missing answer

    tab_to(page, button("Español"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert lang(page) == "es"
    assert page.get_by_role("group", name=es.item("info_progress").text).get_by_label(
        "Totalmente de acuerdo").is_checked()
    for number in range(2, sections + 1):
        assert page.get_by_text(f"Sección {number} de {sections}").is_visible() and lang(page) == "es"
        check(page, f"sección {number}")
        tab_to(page, button("Revisar respuestas" if number == sections else "Siguiente"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Revise sus respuestas" and lang(page) == "es"
    check(page, "revisión")
    assert page.locator(".error-summary").count() == 0
    tab_to(page, button("Enviar mis respuestas"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Gracias" and lang(page) == "es"
    check(page, "gracias")
    context.close()

    db.session.expire_all()
    response = db.session.scalar(select(Response))
    assert response.status == ResponseStatus.SUBMITTED and response.language == "es"
    kept = {a.item_id: (a.value, a.dont_know) for a in db.session.scalars(select(Answer).where(
        Answer.item_id.in_(["info_progress", "info_unsure"])))}
    assert kept == {"info_progress": (5.0, False), "info_unsure": (None, True)}
