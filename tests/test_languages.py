"""The survey in Spanish, through HTTP: choosing the language, keeping it with the response, switching mid-survey
without losing an answer, error pages in the respondent's language, the console in English, and catalogs that
cover every interface text."""
import datetime as dt
import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app import create_app
from assessment import catalog, local_time
from assessment.db import db
from assessment.models import Answer, Response
from assessment.people import invitations
from assessment.places import jurisdictions
from assessment.rounds import rounds
from assessment.survey.forms import Target
from assessment.vocabulary import ResponseStatus, RoleLevel
from questionnaires import QuestionnaireError
from tests.support.survey import complete, is_checked, page_answers, post_page, start, submit_through_services
from tests.support.web import csrf_from
from tests.test_questionnaire_loader import dump
from tests.test_questionnaire_translations import bilingual, spanish


@pytest.fixture
def q(app):
    return catalog.latest("collaboration_readiness")


@pytest.fixture
def es(q):
    return q.in_language("es")


@pytest.fixture
def targets(county):
    return tuple(Target(a.id, a.slug, a.name) for a in sorted(county["agencies"][1:], key=lambda a: a.name))


def in_spanish(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9,en;q=0.5"
    return client


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)">', html).group(1)


def the_response() -> Response:
    db.session.expire_all()
    return db.session.scalar(select(Response))


def stored() -> dict:
    db.session.expire_all()
    return {(a.item_id, a.target_agency_id): (a.value, a.dont_know, a.text) for a in db.session.scalars(select(Answer))}


@pytest.mark.parametrize("accept, expected", [
    ("es-MX,es;q=0.9,en;q=0.5", "es"),
    ("es-419", "es"),
    ("en-US,en;q=0.9,es;q=0.8", "en"),
    ("fr-CA,fr;q=0.9", "en"),  # not offered: the questionnaire's own language
    ("", "en"),
])
def test_the_welcome_page_follows_the_browser_and_offers_every_language(client, token, accept, expected):
    page = client.get(f"/s/{token}", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert lang_of(page) == expected
    switch = page.split('class="language-switch"')[1].split("</form>")[0]
    other = "es" if expected == "en" else "en"
    assert f'<button type="submit" name="lang" value="{other}" lang="{other}"' in switch
    assert f'lang="{expected}" aria-current="true"' in switch
    assert ">Idioma:<" in switch if expected == "es" else ">Language:<" in switch


def test_choosing_a_language_on_the_welcome_page_starts_the_survey_in_it(client, token, es):
    welcome = client.get(f"/s/{token}?lang=es", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(welcome) == "es" and f"<h1>{es.title}</h1>" in welcome
    assert "Empezar la encuesta" in welcome and "Test County · Spring survey" in welcome
    assert "Su enlace se emitió para <strong>Probation Department</strong>" in welcome  # as the facilitator typed it
    started = client.post(f"/s/{token}/start", data={"csrf_token": csrf_from(welcome), "lang": "es"})
    assert started.status_code == 302 and the_response().language == "es"
    page = client.get(f"/s/{token}/page/1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(page) == "es"  # the response's language wins over the browser's from now on
    assert "Sección 1 de 8" in page and es.item("role_level").text in page


def test_the_whole_survey_in_spanish(client, token, es, targets):
    in_spanish(client)
    assert start(client, token).status_code == 302
    for number, section in enumerate(es.sections, start=1):
        page = client.get(f"/s/{token}/page/{number}").get_data(as_text=True)
        assert lang_of(page) == "es" and f"<h1>{section.title}</h1>" in page
        assert f"<title>{section.title} ({number} de 8) · Continuum</title>" in page
        for item in section.items:
            if item.type == "likert":
                assert "Totalmente de acuerdo" in page and "No sé" in page and "Strongly" not in page
            if item.type == "roster":
                assert "Treatment Center" in page and "Victim Advocates" in page  # agency names as typed
                assert "Qué significa cada nivel" in page and "Trabajo en red" in page
        assert post_page(client, token, number, page_answers(es, section, targets)).status_code == 302
    review = client.get(f"/s/{token}/review").get_data(as_text=True)
    assert lang_of(review) == "es" and "Revise sus respuestas" in review
    assert "<dd>De acuerdo</dd>" in review and "<dd>Personal de primera línea</dd>" in review
    done = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review)})
    assert done.status_code == 302
    thanks = client.get(done.headers["Location"]).get_data(as_text=True)
    assert lang_of(thanks) == "es" and "<h1>Gracias</h1>" in thanks and "Test County" in thanks
    response = the_response()
    assert response.status == ResponseStatus.SUBMITTED and response.language == "es"
    # stored as values, never as the Spanish labels the respondent read
    assert stored()[("info_progress", None)] == (4.0, False, None)
    assert stored()[("role_level", None)][2] == "line_staff"
    assert stored()[("received_monthly", None)][2] == "progress_reports\ncourt_orders"


def test_switching_language_mid_survey_keeps_every_answer(client, token, q, es, targets):
    start(client, token)
    post_page(client, token, 1, page_answers(q, q.sections[0], targets))
    post_page(client, token, 2, {**page_answers(q, q.sections[1], targets), "info_progress": "5"})
    before = stored()
    # on page 3, half answered (a required answer still missing), the respondent presses "Español"
    page = client.get(f"/s/{token}/page/3").get_data(as_text=True)
    assert '<button type="submit" name="lang" value="es" lang="es"' in page
    switched = client.post(f"/s/{token}/page/3", data={"act_goals": "2", "act_conditions": "dk", "lang": "es",
                                                       "csrf_token": csrf_from(page)})
    assert switched.status_code == 302 and switched.headers["Location"].endswith(f"/s/{token}/page/3")
    response = the_response()
    assert response.language == "es" and response.current_section == 2 and response.status == ResponseStatus.DRAFT
    after = stored()
    assert {k: v for k, v in after.items() if k[0] not in ("act_goals", "act_conditions")} == before
    assert after[("act_goals", None)] == (2.0, False, None) and after[("act_conditions", None)] == (None, True, None)
    again = client.get(f"/s/{token}/page/3").get_data(as_text=True)
    assert lang_of(again) == "es" and f"<h1>{es.sections[2].title}</h1>" in again
    assert is_checked(again, "act_goals", "2") and is_checked(again, "act_conditions", "dk")
    assert "Respuesta obligatoria" not in again and "Falta la respuesta" not in again  # switching validates nothing
    back_on_2 = client.get(f"/s/{token}/page/2").get_data(as_text=True)
    assert lang_of(back_on_2) == "es" and is_checked(back_on_2, "info_progress", "5")
    # and back to English from the review page, which has no answers of its own to carry
    review = client.get(f"/s/{token}/review").get_data(as_text=True)
    assert 'name="next" value="review"' in review
    english = client.post(f"/s/{token}/language", data={"lang": "en", "next": "review",
                                                         "csrf_token": csrf_from(review)})
    assert english.status_code == 302 and english.headers["Location"].endswith(f"/s/{token}/review")
    assert the_response().language == "en" and stored() == after
    assert lang_of(client.get(f"/s/{token}/review").get_data(as_text=True)) == "en"


def test_a_typed_answer_survives_the_switch(client, token, q, targets):
    start(client, token)
    last = len(q.sections)
    page = client.get(f"/s/{token}/page/{last}")
    client.post(f"/s/{token}/page/{last}", data={"open_change": "Una sola reunión al mes.", "lang": "es",
                                                  "csrf_token": csrf_from(page.data)})
    shown = client.get(f"/s/{token}/page/{last}").get_data(as_text=True)
    assert "Una sola reunión al mes.</textarea>" in shown and lang_of(shown) == "es"


@pytest.mark.parametrize("post", [
    {"lang": "fr"},                       # not offered
    {"lang": "es", "action": "next"},     # two buttons at once: no browser sends that
    {"lang": "es", "info_progress": "9"},  # an answer the page does not offer
])
def test_a_switch_that_is_not_offered_is_refused_and_saves_nothing(client, token, q, targets, post):
    start(client, token)
    page = client.get(f"/s/{token}/page/2")
    refused = client.post(f"/s/{token}/page/2", data={**page_answers(q, q.sections[1], targets), **post,
                                                       "csrf_token": csrf_from(page.data)})
    assert refused.status_code == 400 and "Nothing from it was saved" in refused.get_data(as_text=True)
    assert the_response().language == "en" and set(stored()) == {("role_level", None)}


def test_the_language_of_a_submitted_response_stays_as_it_was_answered(client, token, targets, county):
    in_spanish(client)
    complete(client, token, targets)
    other = invitations.issue_invitations(county["round"], county["agencies"][1], RoleLevel.LINE_STAFF, 1)[0]
    csrf = csrf_from(client.get(f"/s/{other}").data)
    english = client.get(f"/s/{token}/thanks?lang=en").get_data(as_text=True)
    assert lang_of(english) == "en" and "<h1>Thank you</h1>" in english
    assert 'method="get" action="/s/' in english  # a display choice only, nothing posted
    again = client.get(f"/s/{token}").get_data(as_text=True)
    assert lang_of(again) == "es" and "Esta encuesta ya fue enviada" in again
    assert the_response().language == "es"
    refused = client.post(f"/s/{token}/language", data={"lang": "en", "csrf_token": csrf})
    assert refused.status_code == 409 and the_response().language == "es"


def test_closed_and_not_yet_open_pages_speak_spanish(client, county):
    in_spanish(client)
    opens = local_time.to_utc(dt.datetime(2031, 3, 5), county["jurisdiction"].time_zone)  # as the console sets it
    later = rounds.create_round(county["jurisdiction"], "Otoño", opens_at=opens)
    waiting = invitations.issue_invitations(later, county["agencies"][0], RoleLevel.SUPERVISOR, 1)[0]
    page = client.get(f"/s/{waiting}").get_data(as_text=True)
    assert "Esta encuesta todavía no está abierta" in page and "se abre el 5 de marzo de 2031" in page
    assert lang_of(client.get(f"/s/{waiting}?lang=en").get_data(as_text=True)) == "en"
    token = invitations.issue_invitations(county["round"], county["agencies"][0], RoleLevel.SUPERVISOR, 1)[0]
    rounds.close_round(county["round"])
    closed = client.get(f"/s/{token}")
    assert closed.status_code == 403 and "Esta encuesta está cerrada" in closed.get_data(as_text=True)


def test_error_pages_follow_the_respondent_and_the_console_stays_english(client, token, q, targets):
    in_spanish(client)
    missing = client.get("/s/no-such-link")
    assert missing.status_code == 404 and lang_of(missing.get_data(as_text=True)) == "es"
    assert "Página no encontrada" in missing.get_data(as_text=True)
    start(client, token)
    expired = client.post(f"/s/{token}/page/2", data=page_answers(q, q.sections[1], targets))
    assert expired.status_code == 400 and "Esta página había caducado" in expired.get_data(as_text=True)
    login = client.get("/login").get_data(as_text=True)
    assert lang_of(login) == "en" and "Skip to content" in login
    assert lang_of(client.get("/console/no-such-page").get_data(as_text=True)) == "en"


def test_required_answers_are_asked_for_in_spanish(client, token, es, targets):
    in_spanish(client)
    start(client, token)
    partial = page_answers(es, es.sections[1], targets)
    del partial["info_polygraph"]
    page = post_page(client, token, 2, partial)
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Faltan algunas respuestas para poder continuar" in html
    assert 'Elija una respuesta ("No sé" también es válida).' in html
    saved = post_page(client, token, 2, partial, action="save")
    assert "Sus respuestas están guardadas" in client.get(saved.headers["Location"]).get_data(as_text=True)


def test_the_open_link_in_spanish(client, county, es):
    in_spanish(client)
    link = invitations.enable_open_link(county["round"])
    page = client.get(f"/s/open/{link}").get_data(as_text=True)
    assert lang_of(page) == "es" and "Elija su agencia" in page and "Personal de primera línea" in page
    incomplete = client.post(f"/s/open/{link}", data={"lang": "es", "csrf_token": csrf_from(page)})
    assert incomplete.status_code == 400 and "Elija su agencia y su nivel de puesto." in incomplete.get_data(
        as_text=True)
    joined = client.post(f"/s/open/{link}", data={"agency": county["agencies"][1].id, "role": "supervisor",
                                                   "lang": "es", "csrf_token": csrf_from(page)},
                         headers={"Accept-Language": "en"})
    assert joined.status_code == 302 and joined.headers["Location"].endswith("?new=1&lang=es")
    welcome = client.get(joined.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(welcome) == "es" and "Este es su enlace personal." in welcome
    assert '<input type="hidden" name="new" value="1">' in welcome  # switching keeps the personal link shown


def test_gettext_works_outside_a_request_for_emails(app):
    with force_locale("es"):
        assert gettext("Thank you") == "Gracias"
    assert gettext("Thank you") == "Thank you"


def test_a_questionnaire_language_without_an_interface_catalog_stops_the_app(tmp_path):
    data = {**bilingual(), "languages": ["en", "ko"]}
    (tmp_path / "mini.yaml").write_text(dump(data))
    (tmp_path / "mini.ko.yaml").write_text(dump(spanish(data)))
    with pytest.raises(QuestionnaireError, match="languages: the interface has no ko catalog: add "
                                                 "translations/ko/LC_MESSAGES/messages.po"):
        create_app({"TESTING": True, "QUESTIONNAIRE_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize("post, message", [
    ({"lang": "fr", "next": "review"}, "not offered in that language"),
    ({"lang": "es", "next": "https://elsewhere.example"}, "a button it does not have"),
])
def test_the_language_of_a_draft_changes_only_to_one_offered(client, token, post, message):
    start(client, token)
    page = client.get(f"/s/{token}/review")
    refused = client.post(f"/s/{token}/language", data={**post, "csrf_token": csrf_from(page.data)})
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert the_response().language == "en"


def test_names_typed_by_a_facilitator_stay_literal_inside_translated_sentences(client):
    """Translated sentences carry names as placeholders (%(agency)s): the names are escaped, the sentence's own
    markup is kept."""
    script = '<script>alert("x")</script>'
    jurisdiction = jurisdictions.add_jurisdiction(f"{script} County")
    agency = jurisdictions.add_agency(jurisdiction, f"{script} Probation", "community_supervision")
    jurisdictions.add_agency(jurisdiction, "Treatment", "treatment")
    later = rounds.create_round(jurisdiction, script, opens_at=dt.datetime(2031, 3, 5))
    open_round = rounds.create_round(jurisdiction, f"{script} round")
    rounds.open_round(open_round)
    in_spanish(client)
    waiting = client.get(f"/s/{invitations.issue_invitations(later, agency, RoleLevel.SUPERVISOR, 1)[0]}")
    token = invitations.issue_invitations(open_round, agency, RoleLevel.LINE_STAFF, 1)[0]
    welcome = client.get(f"/s/{token}")
    submit_through_services(token, language="es")
    thanks = client.get(f"/s/{token}/thanks")
    for page in (waiting, welcome, thanks):
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "Su enlace se emitió para <strong>&lt;script&gt;" in welcome.get_data(as_text=True)


def test_a_closed_survey_names_its_facilitator_and_the_front_door_helps_who_lost_a_link(client, county):
    in_spanish(client)
    county["round"].sender_name, county["round"].reply_to = "Dana Ortiz", "dana@county.test"
    token = invitations.issue_invitations(county["round"], county["agencies"][0], RoleLevel.SUPERVISOR, 1)[0]
    rounds.close_round(county["round"])
    closed = client.get(f"/s/{token}").get_data(as_text=True)
    assert "escriba a Dana Ortiz, quien facilita esta encuesta" in closed
    assert 'href="mailto:dana@county.test"' in closed
    front = client.get("/")
    assert front.status_code == 200 and lang_of(front.get_data(as_text=True)) == "es"
    assert "Si lo perdió, responda a la invitación" in front.get_data(as_text=True)
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "If you lost it, reply to the invitation" in english and 'href="/login"' in english
