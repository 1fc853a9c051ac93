"""Open answers reviewed before anyone reads them: published as written, with a phrase taken out, or withheld;
only published ones in the results and the report; none while the round is open, for a round below its minimum,
or for a question fewer than k answered; every decision audited without the words."""
import pytest
from sqlalchemy import select

from assessment import catalog
from assessment.db import db
from assessment.models import Agency, Answer, AuditEvent, Response, Round
from assessment.people import invitations
from assessment.results import open_answers, report
from assessment.rounds import rounds
from assessment.vocabulary import RoleLevel
from tests.console.conftest import csrf, sign_in
from tests.support.survey import submit_through_services

WORDS = ["Meetings clash with court days.", "Sergeant Diaz in Unit 4 never calls back.",
         "Reports come late.", "Nothing to add, thanks."]


@pytest.fixture
def closed(app, world):
    """Alpha's round closed with four submissions, each with its own words in the first open question and only
    one answer in the second."""
    round_ = db.session.get(Round, world["round"])
    for n, slug in enumerate([world["agency"], world["treatment"]] * 2):
        agency = db.session.get(Agency, slug)
        submit_through_services(invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1)[0])
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    first, second = [i.id for i in q.items if i.type == "text"][:2]
    answers = db.session.scalars(select(Answer).join(Response).where(
        Response.round_id == round_.id, Answer.item_id.in_([first, second])).order_by(Answer.id)).all()
    mine = [a for a in answers if a.item_id == first]
    for answer, words in zip(mine, WORDS):
        answer.text = words
    for answer in [a for a in answers if a.item_id == second][1:]:
        answer.text = None  # one person answered the second question
    rounds.close_round(round_)
    db.session.commit()
    return {"round": round_, "first": first, "second": second, "ids": {a.text: a.id for a in mine}}


def review_page(client, round_id):
    return client.get(f"/console/rounds/{round_id}/open-answers")


def decide(client, round_id, answer_id, decision, words=None):
    data = {"decision": decision, "csrf_token": csrf(client)}
    if words is not None:
        data["words"] = words
    return client.post(f"/console/rounds/{round_id}/open-answers/{answer_id}", data=data)


def test_a_facilitator_publishes_redacts_and_withholds(client, world, closed):
    round_ = closed["round"]
    sign_in(client, "alpha@test.org")
    page = review_page(client, round_.id).get_data(as_text=True)
    assert all(words in page for words in WORDS) and "4 waiting for review" in page
    assert "Fewer than 3 people answered this question" in page  # the second question: one answer
    ids = closed["ids"]
    assert decide(client, round_.id, ids[WORDS[0]], "published", WORDS[0]).status_code == 302
    redacted = decide(client, round_.id, ids[WORDS[1]], "published", "[name] in [unit] never calls back.")
    assert redacted.status_code == 302
    assert decide(client, round_.id, ids[WORDS[3]], "withheld").status_code == 302
    db.session.expire_all()
    assert open_answers.counts(round_) == {"published": 2, "withheld": 1, "waiting": 1}
    results = client.get(f"/console/rounds/{round_.id}/results").get_data(as_text=True)
    assert WORDS[0] in results and "[name] in [unit] never calls back." in results
    assert "Sergeant Diaz" not in results and WORDS[3] not in results and WORDS[2] not in results
    said = report.said(round_)
    assert [len(answers) for _, answers in said] == [2]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "open_answer_reviewed")).all()
    assert len(events) == 3 and all(e.actor == "alpha@test.org" for e in events)
    assert "with words left out" in events[1].detail
    assert not [e for e in events if any(w.split()[0] in (e.detail or "") for w in WORDS)]  # never the words


def test_the_report_quotes_what_was_published_and_moves_with_it(app, world, closed):
    round_ = closed["round"]
    before = report.report_key(round_)
    with app.test_request_context():
        open_answers.review(round_, closed["ids"][WORDS[2]], "published")
    db.session.commit()
    assert report.report_key(round_) != before  # a review changes what the report is made from
    import io

    import pypdf
    pdf = report.render(round_)
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "In their own words" in text and "“Reports come late.”" in text and WORDS[0] not in text


def test_nothing_is_reviewed_while_open_nor_below_the_minimum(client, app, world):
    round_ = db.session.get(Round, world["round"])
    for slug in (world["agency"], world["treatment"], world["agency"]):
        submit_through_services(invitations.issue_invitations(round_, db.session.get(Agency, slug),
                                                              RoleLevel.LINE_STAFF, 1)[0])
    db.session.commit()
    sign_in(client, "alpha@test.org")
    assert "reviewed once the round is closed" in review_page(client, round_.id).get_data(as_text=True)
    assert open_answers.reviewable(round_) == []
    answer = db.session.scalar(select(Answer.id).where(Answer.text.is_not(None)).limit(1))
    assert decide(client, round_.id, answer, "published", "x").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "open_answer_reviewed")) is None
    small = rounds.create_round(round_.jurisdiction, "Two people")
    rounds.open_round(small)
    for slug in (world["agency"], world["treatment"]):
        submit_through_services(invitations.issue_invitations(small, db.session.get(Agency, slug),
                                                              RoleLevel.LINE_STAFF, 1)[0])
    rounds.close_round(small)
    db.session.commit()
    assert open_answers.reviewable(small) == []


def test_another_jurisdiction_s_facilitator_sees_nothing(client, world, closed):
    sign_in(client, "beta@test.org")
    assert review_page(client, closed["round"].id).status_code == 404
    assert decide(client, closed["round"].id, closed["ids"][WORDS[0]], "published").status_code == 404


def test_a_bad_decision_is_refused_with_a_message(client, world, closed):
    sign_in(client, "alpha@test.org")
    round_id, answer = closed["round"].id, closed["ids"][WORDS[0]]
    refused = decide(client, round_id, answer, "maybe")
    assert refused.status_code == 302
    assert "Not a valid choice" in client.get(refused.headers["Location"]).get_data(as_text=True)
    empty = decide(client, round_id, answer, "published", "   ")
    assert "a published answer needs words" in client.get(empty.headers["Location"]).get_data(as_text=True)
    assert open_answers.counts(closed["round"])["published"] == 0
