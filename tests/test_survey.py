"""The whole survey through HTTP: welcome, start, save, resume, validation, review, submit, refusals."""
import pytest
from sqlalchemy import func, select

from assessment import catalog
from assessment.db import db
from assessment.models import Answer, Invitation, Response
from assessment.people import invitations
from assessment.rounds import rounds
from assessment.survey.forms import Target
from assessment.vocabulary import InvitationStatus, ResponseStatus, RoleLevel
from tests.support.survey import complete, is_checked, page_answers, post_page, start
from tests.support.web import csrf_from


@pytest.fixture
def q(app):
    return catalog.latest("collaboration_readiness")


@pytest.fixture
def targets(county):
    return tuple(Target(a.id, a.slug, a.name) for a in sorted(county["agencies"][1:], key=lambda a: a.name))


def the_response() -> Response:
    return db.session.scalar(select(Response))


def test_welcome_page_says_what_facilitators_see(client, token):
    page = client.get(f"/s/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "about <strong>15 minutes</strong>" in text
    assert "What the facilitators will and will not see" in text
    assert "groups of at least 3 people" in text
    assert "Start the survey" in text
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_start_creates_a_draft_with_the_pinned_version(client, token, q):
    response = start(client, token)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/s/{token}/page/1")
    stored = the_response()
    assert stored.status == ResponseStatus.DRAFT
    assert (stored.questionnaire_id, stored.questionnaire_version) == (q.id, q.version)
    invitation = db.session.scalar(select(Invitation))
    assert invitation.status == InvitationStatus.IN_PROGRESS and invitation.response_id == stored.id


def test_pages_show_progress_and_prefill_the_role_from_the_invitation(client, token, q):
    start(client, token)
    page = client.get(f"/s/{token}/page/1").get_data(as_text=True)
    assert f"Section 1 of {len(q.sections)}" in page
    assert is_checked(page, "role_level", "line_staff")
    assert not is_checked(page, "role_level", "supervisor")


def test_each_likert_item_is_a_fieldset_with_legend_and_labelled_radios(client, token, q):
    start(client, token)
    page = client.get(f"/s/{token}/page/2").get_data(as_text=True)
    first = q.sections[1].items[0]
    assert page.count("<fieldset") == len(q.sections[1].items)
    assert f"{first.text}" in page.split("<legend>")[1]
    for index, value in enumerate(("1", "2", "3", "4", "5", "dk")):
        assert '<label class="option' in page and f'for="{first.id}-{index}"' in page
        assert f'id="{first.id}-{index}" name="{first.id}" required type="radio" value="{value}"' in page
    assert "Don&#39;t know" in page


def test_save_and_resume_at_the_right_page_with_answers_filled_in(client, token, q, targets):
    start(client, token)
    post_page(client, token, 1, page_answers(q, q.sections[0], targets))
    post_page(client, token, 2, {**page_answers(q, q.sections[1], targets), "info_progress": "5"})
    # the browser is closed; the same link is opened again later
    client.delete_cookie("session")
    welcome = client.get(f"/s/{token}").get_data(as_text=True)
    assert "Continue where you left off" in welcome and f"/s/{token}/page/3" in welcome
    back_on_2 = client.get(f"/s/{token}/page/2").get_data(as_text=True)
    assert is_checked(back_on_2, "info_progress", "5")
    assert is_checked(back_on_2, "info_violations", "4")
    assert not is_checked(back_on_2, "info_progress", "4")


def test_missing_required_answers_are_shown_beside_the_field_and_the_rest_is_kept(client, token, q, targets):
    start(client, token)
    post_page(client, token, 1, page_answers(q, q.sections[0], targets))
    partial = page_answers(q, q.sections[1], targets)
    del partial["info_polygraph"]
    response = post_page(client, token, 2, partial)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="info_polygraph-error"' in html and "Please choose an answer" in html
    assert 'href="#info_polygraph"' in html  # the summary links to the field
    saved = {a.item_id for a in db.session.scalars(select(Answer))}
    assert "info_progress" in saved and "info_polygraph" not in saved
    assert the_response().current_section == 1  # still on page 2


def test_back_saves_without_requiring_answers(client, token, q, targets):
    start(client, token)
    post_page(client, token, 1, page_answers(q, q.sections[0], targets))
    response = post_page(client, token, 2, {"info_progress": "2"}, action="back")
    assert response.status_code == 302 and response.headers["Location"].endswith("/page/1")
    assert db.session.scalar(select(Answer).where(Answer.item_id == "info_progress")).value == 2.0


def test_dont_know_is_stored_as_missing_but_counted(client, token, q, targets):
    start(client, token)
    post_page(client, token, 2, {**page_answers(q, q.sections[1], targets), "info_unsure": "dk"})
    answer = db.session.scalar(select(Answer).where(Answer.item_id == "info_unsure"))
    assert answer.dont_know and answer.value is None


def test_choosing_a_role_level_updates_the_response(client, token, q, targets):
    start(client, token)
    post_page(client, token, 1, {"role_level": "executive"})
    assert the_response().role_level == RoleLevel.EXECUTIVE


def test_roster_lists_the_other_agencies_and_stores_ratings_per_agency(client, token, q, targets, county):
    start(client, token)
    number = next(i for i, s in enumerate(q.sections, 1) if s.id == "relationships")
    page = client.get(f"/s/{token}/page/{number}").get_data(as_text=True)
    assert "Treatment Center" in page and "Victim Advocates" in page
    assert "Probation Department" not in page  # the respondent's own agency
    assert "We also build each other" in page  # levels are described by behaviour
    post_page(client, token, number, {f"roster__{targets[0].slug}": "3", f"roster__{targets[1].slug}": "dk"})
    ratings = {a.target_agency_id: (a.value, a.dont_know) for a in db.session.scalars(
        select(Answer).where(Answer.item_id == "roster"))}
    assert ratings == {targets[0].id: (3.0, False), targets[1].id: (None, True)}


def test_review_lists_missing_answers_and_submit_is_refused_until_complete(client, token, q, targets):
    start(client, token)
    review = client.get(f"/s/{token}/review")
    assert "required answers are missing" in review.get_data(as_text=True)
    response = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review.data)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")
    assert the_response().status == ResponseStatus.DRAFT


def test_complete_survey_then_second_submit_is_refused(client, token, targets):
    done = complete(client, token, targets)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/s/{token}/thanks?lang=en")
    assert "Thank you" in client.get(f"/s/{token}/thanks").get_data(as_text=True)
    stored = the_response()
    assert stored.status == ResponseStatus.SUBMITTED and stored.submitted_at is not None and stored.invited
    invitation = db.session.scalar(select(Invitation))
    # the invitation keeps only its status: nothing ties the answers to the link any more
    assert invitation.status == InvitationStatus.SUBMITTED and invitation.response_id is None

    again = client.get(f"/s/{token}")
    assert "already been submitted" in again.get_data(as_text=True)
    page = client.get(f"/s/{token}/page/2")
    assert "already been submitted" in page.get_data(as_text=True)


def test_second_submit_post_is_refused_and_changes_nothing(client, token, targets, county):
    complete(client, token, targets)
    submitted_at = the_response().submitted_at
    # a token from another page of the same session is still valid for CSRF
    other = invitations.issue_invitations(county["round"], county["agencies"][1], RoleLevel.LINE_STAFF, 1)[0]
    csrf = csrf_from(client.get(f"/s/{other}").data)
    again = client.post(f"/s/{token}/submit", data={"csrf_token": csrf})
    assert again.status_code == 409 and "already been submitted" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Response.id))) == 1
    assert the_response().submitted_at == submitted_at


def test_closed_round_shows_a_friendly_page(client, token, county):
    rounds.close_round(county["round"])
    page = client.get(f"/s/{token}")
    assert page.status_code == 403 and "This survey is closed" in page.get_data(as_text=True)


def test_round_not_open_yet(client, county, app):
    draft = rounds.create_round(county["jurisdiction"], "Autumn survey")
    token = invitations.issue_invitations(draft, county["agencies"][0], RoleLevel.SUPERVISOR, 1)[0]
    page = client.get(f"/s/{token}")
    assert page.status_code == 403 and "not open yet" in page.get_data(as_text=True)


def test_unknown_token_is_a_plain_404(client, token):
    unknown = client.get("/s/this-is-not-a-token")
    too_long = client.get("/s/" + "x" * 500)
    assert unknown.status_code == 404 and too_long.status_code == 404
    # the same page whatever was asked: nothing tells whether any token exists
    assert unknown.get_data(as_text=True) == too_long.get_data(as_text=True)
    assert "check that it was copied in full" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("tamper", [
    {"info_progress": "9"},
    {"info_progress": "-1"},
    {"unknown_item": "3"},
    {"roster__nobody": "2"},
    {"action": "delete"},
])
def test_tampered_posts_get_400_and_save_nothing(client, token, q, targets, tamper):
    start(client, token)
    before = db.session.scalar(select(func.count(Answer.id)))
    data = {**page_answers(q, q.sections[1], targets), **tamper}
    response = post_page(client, token, 2, data)
    assert response.status_code == 400
    assert "Nothing from it was saved" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Answer.id))) == before


def test_post_without_csrf_token_is_refused(client, token, q, targets):
    start(client, token)
    response = client.post(f"/s/{token}/page/2", data=page_answers(q, q.sections[1], targets))
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Answer.id))) == 1  # only the pre-filled role level


def test_body_over_the_limit_gets_413(client, token, q, targets, app):
    start(client, token)
    last = len(catalog.latest("collaboration_readiness").sections)
    csrf = csrf_from(client.get(f"/s/{token}/page/{last}").data)
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post(f"/s/{token}/page/{last}", data={"csrf_token": csrf, "open_change": huge, "action": "next"})
    assert response.status_code == 413
    assert db.session.scalar(select(func.count(Answer.id))) == 1


def test_page_number_out_of_range_is_404(client, token):
    start(client, token)
    assert client.get(f"/s/{token}/page/0").status_code == 404
    assert client.get(f"/s/{token}/page/99").status_code == 404


def test_over_https_a_page_saves_without_a_referer(app, token, q, targets):
    """Survey pages ask browsers to send no Referer, so the CSRF check must not depend on one."""
    client = app.test_client()
    base = "https://survey.test"
    welcome = client.get(f"/s/{token}", base_url=base)
    assert welcome.headers["Referrer-Policy"] == "no-referrer"
    client.post(f"/s/{token}/start", base_url=base, data={"csrf_token": csrf_from(welcome.data)})
    page = client.get(f"/s/{token}/page/1", base_url=base)
    saved = client.post(f"/s/{token}/page/1", base_url=base, data={
        **page_answers(q, q.sections[0], targets), "action": "next", "csrf_token": csrf_from(page.data)})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/page/2")


def test_guessing_tokens_is_rate_limited_but_real_links_are_not_counted(client, token):
    for _ in range(60):  # a respondent on a real link, however often, is never counted
        welcome = client.get(f"/s/{token}")
        assert welcome.status_code == 200
    guesses = [client.get(f"/s/guess-{n}").status_code for n in range(20)]
    assert guesses == [404] * 20
    refused = client.get("/s/guess-21")
    assert refused.status_code == 429 and "Please wait a minute" in refused.get_data(as_text=True)
    # the refusal covers every token route from that address, so a guesser cannot switch routes
    assert client.post("/s/guess-22/submit", data={"csrf_token": csrf_from(welcome.data)}).status_code == 429
    assert client.get(f"/s/{token}").status_code == 200  # while the real link still opens
    other_address = client.get("/s/guess-23", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 404


def test_a_submit_moves_every_answer_to_new_rows_and_leaves_none_of_the_draft(token):
    from assessment.models import Answer
    from assessment.survey import service as survey
    from tests.support.survey import fill_through_services

    invitation, draft, q, targets = fill_through_services(token, likert=3.0, roster=3.0)
    db.session.commit()
    fields = (Answer.item_id, Answer.target_agency_id, Answer.value, Answer.dont_know, Answer.text)
    before = sorted(db.session.execute(select(*fields).where(Answer.response_id == draft.id)).all(), key=repr)
    draft_id, draft_answer_ids = draft.id, set(db.session.scalars(select(Answer.id)))
    assert survey.submit(invitation, draft, q, targets)
    db.session.commit()
    submitted = db.session.scalar(select(Response))
    after = sorted(db.session.execute(select(*fields).where(Answer.response_id == submitted.id)).all(), key=repr)
    assert len(before) > 5 and after == before  # every answer, exactly
    assert submitted.id != draft_id and db.session.get(Response, draft_id) is None
    assert not draft_answer_ids & set(db.session.scalars(select(Answer.id)))  # new rows, the draft's gone
