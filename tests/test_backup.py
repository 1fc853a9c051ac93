"""export-round and import-round: a round restored into another database scores the same."""
import json

import pytest
from sqlalchemy import func, select

from app import create_app
from assessment.db import db
from assessment.interchange import backup
from assessment.models import Answer, Invitation, Jurisdiction, Response, Round
from assessment.results.scores import round_scores
from assessment.vocabulary import RoundStatus
from tests.conftest import serve


def _closed_demo_round() -> Round:
    return db.session.scalars(select(Round).where(Round.status == RoundStatus.CLOSED).order_by(Round.id)).all()[-1]


@pytest.fixture
def exported(app, runner, tmp_path):
    """The path of the last closed demo round's export."""
    round_ = _closed_demo_round()
    path = tmp_path / "round.json"
    result = runner.invoke(args=["export-round", str(round_.id), "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def without_ids(results: dict) -> dict:
    """Scores name the round by its database id, which differs between databases; everything else must match."""
    return {**results, "round": {**results["round"], "id": None}}


@pytest.mark.demo
@pytest.mark.parametrize("title", ["Baseline survey 2024", "Follow-up survey 2025", "Survey 2026"])
def test_every_demo_round_restores_into_another_database_and_scores_the_same(app, runner, tmp_path, database, title):
    """The baseline round holds the demo's commitments, the follow-up only responses, the open round drafts and
    invitations not yet used."""
    round_ = db.session.scalar(select(Round).where(Round.title == title))
    original = round_scores(round_)
    path = tmp_path / "round.json"
    exported = runner.invoke(args=["export-round", str(round_.id), "-o", str(path)])
    assert exported.exit_code == 0, exported.output
    document = json.loads(path.read_text())
    assert len(document["commitments"]) == (3 if title == "Baseline survey 2024" else 0)
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database("restored")})
    for _ in serve(other):  # a second, empty database, in its own app context
        result = other.test_cli_runner().invoke(args=["import-round", str(path)])
        assert result.exit_code == 0 and "Restored round" in result.output, result.output
        restored = db.session.scalar(select(Round))
        assert restored.title == title and restored.status == round_.status
        assert db.session.scalar(select(func.count(Response.id))) == len(document["responses"])
        assert db.session.scalar(select(func.count(Answer.id))) == sum(
            len(r["answers"]) for r in document["responses"])
        assert without_ids(round_scores(restored).as_json()) == without_ids(original.as_json())
        # and it exports to the same document, but for the moment of export
        again = backup.export_round(restored)
        assert {**again, "exported_at": None} == {**document, "exported_at": None}


@pytest.mark.demo
def test_a_document_from_before_the_cut_is_restored_with_submitted_answers_tied_to_no_link(exported, database):
    """Documents written before submitted responses were cut from their invitations name them, and have no
    `invited`: the restore counts them as invited and does not tie them to their links again."""
    document = json.loads(exported.read_text())
    original = round_scores(_closed_demo_round())
    submitted = iter(r for r in document["responses"] if r["status"] == "submitted")
    for invitation in document["invitations"]:
        if invitation["status"] == "submitted":
            invitation["response"] = next(submitted)["key"]
    for response in document["responses"]:
        del response["invited"]
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database("old")})
    for _ in serve(other):
        path = exported.with_name("old.json")
        path.write_text(json.dumps(document))
        result = other.test_cli_runner().invoke(args=["import-round", str(path)])
        assert result.exit_code == 0, result.output
        assert db.session.scalar(select(func.count(Invitation.id)).where(Invitation.status == "submitted",
                                                                        Invitation.response_id.is_not(None))) == 0
        assert db.session.scalar(select(func.count(Response.id)).where(Response.invited.is_(False))) == 0
        restored = round_scores(db.session.scalar(select(Round)))
        assert restored.coverage == original.coverage


@pytest.mark.demo
def test_importing_a_round_twice_is_refused(exported, runner):
    result = runner.invoke(args=["import-round", str(exported)])
    assert result.exit_code == 1 and "already in the database" in result.output
    assert db.session.scalar(select(func.count(Round.id))) == 3


@pytest.mark.demo
@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(format="something-else"), "not a Continuum round export"),
    (lambda d: d["round"].update(questionnaire_version=99), "version 99 is not installed here"),
    (lambda d: d["responses"][2]["answers"][4].update(value="four"),
     "responses[3].answers[5]: value should be a number"),
    (lambda d: d["responses"][0].update(agency="nobody"), "responses[1]: agency 'nobody' is not among"),
    (lambda d: d["invitations"][1].update(status="lost"), "invitations[2]: status 'lost' is not one of"),
    (lambda d: d["responses"][1].pop("started_at"), "responses[2]: started_at is missing"),
    (lambda d: d["commitments"].append({"dimension": "x", "what": "y", "owner": "z", "due": "soon",
                                        "created_at": "2026-01-01T00:00:00"}), "due 'soon' is not a date"),
    (lambda d: d.update(responses={}), "the document: responses should be a list"),
    (lambda d: d.update(agencies=["county-probation"]), "agencies[1]: should be an object"),
    (lambda d: d["round"].update(min_group_size=0), "round: min_group_size should be a whole number from 1"),
    (lambda d: d["responses"][0].update(current_section=2 ** 70),
     "responses[1]: current_section should be a whole number from 0 to"),
    (lambda d: d["responses"][0].update(questionnaire_version=99),
     "responses[1]: questionnaire 'collaboration_readiness' version 99 is not installed here"),
    (lambda d: d["responses"][2]["answers"][4].update(value=9), "responses[3].answers[5]: value 9 is not on"),
    (lambda d: d["responses"][2]["answers"][4].update(value=2.5), "responses[3].answers[5]: value 2.5 is not on"),
    (lambda d: d["responses"][2]["answers"][4].update(item="no_such_item"),
     "responses[3].answers[5]: 'no_such_item' is not an item of collaboration_readiness version 1"),
    (lambda d: d["invitations"][0].update(response=[1]), "invitations[1]: response should be a whole number"),
    (lambda d: claim_one_response_twice(d), "is claimed by invitations["),
    (lambda d: d["jurisdiction"].update(name="Demo\x00County"),
     "jurisdiction: name holds a control character (U+0000)"),
    (lambda d: d["round"].update(title="x" * 201), "round: title is longer than 200 characters"),
])
def test_a_broken_document_says_where_and_writes_nothing(exported, database, change, message):
    document = json.loads(exported.read_text())
    change(document)
    result = import_elsewhere(exported, json.dumps(document), database)
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output


def import_elsewhere(exported, text: str, database):
    """Import `text` as a document into another, empty database; check nothing was written there."""
    broken = exported.with_name("broken.json")
    broken.write_text(text)
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database("other")})
    for _ in serve(other):
        result = other.test_cli_runner().invoke(args=["import-round", str(broken)])
        for model in (Jurisdiction, Round, Response, Invitation):
            assert db.session.scalar(select(func.count(model.id))) == 0, model
    return result


def claim_one_response_twice(document) -> None:
    """Another invitation claims the draft of the one that names it (a submitted response is named by none)."""
    claim = next(i for i in document["invitations"] if i["response"] is not None)
    other = next(i for i in document["invitations"] if i["response"] is None)
    other["response"] = claim["response"]


@pytest.mark.demo
def test_every_problem_is_listed_at_once(exported, database):
    document = json.loads(exported.read_text())
    document["round"]["min_group_size"] = 0
    document["responses"][0]["answers"][0]["item"] = "no_such_item"
    document["invitations"][3]["status"] = "lost"
    result = import_elsewhere(exported, json.dumps(document), database)
    assert result.exit_code == 1 and "3 problem(s)" in result.output, result.output
    for where in ("round: min_group_size", "responses[1].answers[1]: 'no_such_item'", "invitations[4]: status"):
        assert where in result.output


@pytest.mark.demo
@pytest.mark.parametrize(("text", "message"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"format": "continuum-round", "version": ' + "7" * 5000 + "}", "digits"),
    ('{"value": Infinity}', "Infinity is not a number"),
])
def test_a_file_json_cannot_hold_safely_is_refused_without_a_traceback(exported, database, text, message):
    result = import_elsewhere(exported, text, database)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output, result.output


@pytest.mark.demo
def test_an_overflowing_number_is_refused_where_it_is(exported, database):
    document = json.loads(exported.read_text())
    document["responses"][2]["answers"][4]["value"] = "OVERFLOW"
    result = import_elsewhere(exported, json.dumps(document).replace('"OVERFLOW"', "1e999"), database)
    assert result.exit_code == 1 and "responses[3].answers[5]: value should be a finite number" in result.output


def test_a_file_that_is_not_json_is_refused(runner, tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"\xff\xfe not json")
    result = runner.invoke(args=["import-round", str(path)])
    assert result.exit_code == 1 and "is not a JSON file" in result.output


def test_a_round_with_several_releases_restores_each_of_them(app, county, tmp_path, database):
    """A round read while open, reopened and closed again keeps every release; restored elsewhere, its releases
    are worked out again, in order, each against those before, and publish the same results."""
    from assessment.people import invitations
    from assessment.results import releases
    from assessment.rounds import rounds
    from assessment.vocabulary import RoleLevel
    from tests.support.survey import submit_through_services

    round_ = county["round"]
    for n, agency in enumerate(county["agencies"] * 3):
        for token in invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1):
            submit_through_services(token, likert=float(1 + n % 5))
        if n in (3, 6):
            round_scores(round_)  # a look takes a release of what waits
    rounds.close_round(round_)
    rounds.reopen_round(round_, "a late group")
    for token in invitations.issue_invitations(round_, county["agencies"][0], RoleLevel.SUPERVISOR, 3):
        submit_through_services(token, likert=2.0)
    rounds.close_round(round_)
    original = round_scores(round_)
    kept = [(r.seq, r.final, r.responses) for r in releases.releases_of(round_)]
    assert len(kept) >= 4 and kept[-1][1] and original.release == kept[-1][0]
    document = backup.export_round(round_)
    path = tmp_path / "round.json"
    path.write_text(json.dumps(document))
    db.session.commit()
    other = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database("several")})
    for _ in serve(other):
        result = other.test_cli_runner().invoke(args=["import-round", str(path)])
        assert result.exit_code == 0, result.output
        restored = db.session.scalar(select(Round))
        assert [(r.seq, r.final, r.responses) for r in releases.releases_of(restored)] == kept
        assert without_ids(round_scores(restored).as_json()) == without_ids(original.as_json())
