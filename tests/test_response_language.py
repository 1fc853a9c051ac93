"""The language a response was answered in: it changes no score, exports carry it only where its group holds at
least k rows, backups and imports keep it, and the report counts responses by language without a count below k."""
import hashlib
import json
import re

import pytest
from sqlalchemy import select

from assessment import catalog
from assessment.db import db
from assessment.interchange import backup, importer
from assessment.models import Response
from assessment.people import invitations
from assessment.results import exports
from assessment.results.scores import round_scores
from assessment.rounds import rounds
from assessment.scoring.languages import language_counts
from assessment.survey.forms import Target
from assessment.vocabulary import RoleLevel
from reports.pdf import report_html
from tests.support.survey import page_answers, post_page, start, submit_through_services
from tests.support.web import csrf_from


@pytest.mark.parametrize("languages, k, expected", [
    (["en"] * 5, 3, [(["en"], 5)]),
    (["en"] * 4 + ["es"] * 3, 3, [(["en"], 4), (["es"], 3)]),
    # Spanish alone would be 2: with English it is 20, and neither count gives 2 by subtraction
    (["en"] * 18 + ["es"] * 2, 3, [(["en", "es"], 20)]),
    # the small languages together hold 3: shown together, the large ones on their own
    (["en"] * 10 + ["es"] * 5 + ["vi"] * 2 + ["ko"], 3, [(["en"], 10), (["es"], 5), (["ko", "vi"], 3)]),
    # together 2: the smallest shown language (Spanish, 3) joins them
    (["en"] * 10 + ["es"] * 3 + ["vi", "ko"], 3, [(["en"], 10), (["es", "ko", "vi"], 5)]),
    (["en", "es"], 3, []),  # a round below k publishes nothing at all
    (["es"] * 4 + ["en"] * 4, 5, [(["en", "es"], 8)]),
])
def test_language_counts_never_show_fewer_than_k(languages, k, expected):
    rows = language_counts(languages, k)
    assert [(list(r.languages), r.n) for r in rows] == expected
    assert all(r.n >= k for r in rows) and sum(r.n for r in rows) in (0, len(languages))


@pytest.fixture
def targets(county):
    return tuple(Target(a.id, a.slug, a.name) for a in sorted(county["agencies"][1:], key=lambda a: a.name))


def answer_over_http(client, token, q, targets, pattern: int, language: str):
    """One respondent through the survey pages in `language`, answering every Likert item of page n with a
    value that depends on the respondent's `pattern` and the page, and submitting."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    start(client, token)
    shown = q.in_language(language)
    for number, section in enumerate(shown.sections, start=1):
        value = "dk" if (pattern + number) % 7 == 0 else str((pattern + number) % 5 + 1)
        data = page_answers(shown, section, targets, likert=value)
        data.update({k: str((pattern + number) % 5) for k in data if k.startswith("roster__")})
        assert post_page(client, token, number, data).status_code == 302
    review = client.get(f"/s/{token}/review")
    assert client.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review.data)}).status_code == 302


def comparable(results: dict) -> dict:
    """Everything scored, leaving out what names the round, when it was read and how it was answered."""
    return {k: v for k, v in results.items() if k not in ("round", "snapshot", "languages")}


def test_half_in_spanish_scores_the_same_as_all_in_english(app, county, targets):
    q = catalog.latest("collaboration_readiness")
    mixed = county["round"]
    english = rounds.create_round(county["jurisdiction"], "All in English")
    rounds.open_round(english)
    for pattern in range(6):
        agency = county["agencies"][pattern % 2]
        role = (RoleLevel.LINE_STAFF, RoleLevel.SUPERVISOR)[pattern % 2]
        mine = tuple(t for t in (Target(a.id, a.slug, a.name) for a in county["agencies"]) if t.id != agency.id)
        mine = tuple(sorted(mine, key=lambda t: t.name))
        for round_, language in ((mixed, "es" if pattern < 3 else "en"), (english, "en")):
            token = invitations.issue_invitations(round_, agency, role, 1)[0]
            answer_over_http(app.test_client(), token, q, mine, pattern, language)
    languages = db.session.scalars(select(Response.language).where(Response.round_id == mixed.id)).all()
    assert sorted(languages) == ["en"] * 3 + ["es"] * 3
    mixed_results, english_results = round_scores(mixed).as_json(), round_scores(english).as_json()
    assert mixed_results["jurisdiction"]["n"] == 6 and not mixed_results["jurisdiction"]["suppressed"]
    assert comparable(mixed_results) == comparable(english_results)
    assert mixed_results["languages"] == [{"languages": ["en"], "n": 3}, {"languages": ["es"], "n": 3}]
    assert english_results["languages"] == [{"languages": ["en"], "n": 6}]


def report_languages(results) -> str:
    """What the report's method appendix says of languages, as one line."""
    html = report_html(results, {}, None)
    return re.sub(r"\s+", " ", html.split("<strong>Languages.</strong>")[1].split("</li>")[0])


def submit(round_, agency, role, languages: list[str]):
    for language in languages:
        token = invitations.issue_invitations(round_, agency, role, 1)[0]
        submit_through_services(token, language=language)


def test_exports_carry_the_language_only_where_every_language_of_the_label_holds_k(app, county):
    probation, treatment, advocates = county["agencies"]
    round_ = county["round"]
    submit(round_, probation, RoleLevel.LINE_STAFF, ["en"] * 4 + ["es"] * 3)    # both languages hold 3: shown
    submit(round_, treatment, RoleLevel.SUPERVISOR, ["en"] * 3 + ["es"])        # Spanish alone: no language
    submit(round_, advocates, RoleLevel.LINE_STAFF, ["es"] * 3)                 # all Spanish, 3: shown
    rounds.close_round(round_)
    results = round_scores(round_)
    header, rows = exports.responses_wide(round_, exports.raw_file(round_, results))
    assert header[:3] == ["agency", "role_level", "language"]
    labels = sorted(tuple(r[:3]) for r in rows)
    assert labels == sorted([("probation-department", "line_staff", "en")] * 4
                            + [("probation-department", "line_staff", "es")] * 3
                            + [("treatment-center", "supervisor", "")] * 4
                            + [("victim-advocates", "line_staff", "es")] * 3)
    classes = {}
    for label in labels:
        classes[label] = classes.get(label, 0) + 1
    assert min(classes.values()) >= round_.min_group_size
    long_header, long_rows = exports.responses_long(round_, exports.raw_file(round_, results))
    assert long_header[:4] == ["respondent", "agency", "role_level", "language"]
    assert {tuple(r[1:4]) for r in long_rows} == set(labels)
    assert results.as_json()["languages"] == [{"languages": ["en"], "n": 7}, {"languages": ["es"], "n": 7}]


def test_a_language_class_below_k_hides_the_language_of_its_whole_label(app, county):
    probation, treatment, _ = county["agencies"]
    round_ = county["round"]
    submit(round_, probation, RoleLevel.LINE_STAFF, ["en"] * 5 + ["es"] * 2)
    submit(round_, treatment, RoleLevel.LINE_STAFF, ["en"] * 3)
    rounds.close_round(round_)
    results = round_scores(round_)
    _, rows = exports.responses_wide(round_, exports.raw_file(round_, results))
    assert {(r[0], r[2]) for r in rows} == {("probation-department", ""), ("treatment-center", "en")}
    # the report's count: Spanish (2) is never counted apart, not even by subtraction from the total
    assert results.as_json()["languages"] == [{"languages": ["en", "es"], "n": 10}]
    assert report_languages(results).startswith(" Answered in English and Spanish (10).")


def test_the_report_counts_responses_by_language_in_its_method(app, county):
    probation, treatment, _ = county["agencies"]
    round_ = county["round"]
    submit(round_, probation, RoleLevel.LINE_STAFF, ["en"] * 4 + ["es"] * 3)
    rounds.close_round(round_)
    assert report_languages(round_scores(round_)).startswith(" Answered in English (4); Spanish (3). Answers are "
                                                             "stored as values")


def test_the_wide_export_imports_back_with_its_languages(app, county):
    probation, treatment, _ = county["agencies"]
    round_ = county["round"]
    submit(round_, probation, RoleLevel.LINE_STAFF, ["en"] * 3 + ["es"] * 3)
    submit(round_, treatment, RoleLevel.LINE_STAFF, ["es"] * 3)
    rounds.close_round(round_)
    data = exports.to_csv(exports.responses_wide(round_, exports.raw_file(round_, round_scores(round_)))).encode()
    copy = rounds.create_round(county["jurisdiction"], "Copy")
    assert importer.import_responses(copy, data) == 9
    copied = db.session.scalars(select(Response.language).where(Response.round_id == copy.id)).all()
    assert sorted(copied) == ["en"] * 3 + ["es"] * 6
    assert round_scores(copy).jurisdiction.profile.dimensions == round_scores(round_).jurisdiction.profile.dimensions


def test_an_import_names_a_language_the_questionnaire_does_not_offer(app, county):
    round_ = county["round"]
    header = "agency,role_level,language,info_progress\n"
    with pytest.raises(importer.ImportRefused) as refused:
        importer.import_responses(round_, (header + "probation-department,line_staff,fr,4\n").encode())
    assert [str(p) for p in refused.value.problems] == [
        "row 2, column language: 'fr' is not a language of collaboration_readiness v1 (en, es)"]
    assert importer.import_responses(round_, (header + "probation-department,line_staff,,4\n").encode()) == 1
    assert db.session.scalar(select(Response.language)) == "en"  # blank: the language the questionnaire is in


def test_a_backup_keeps_each_response_language(app, county, runner, tmp_path):
    probation = county["agencies"][0]
    submit(county["round"], probation, RoleLevel.LINE_STAFF, ["en", "es", "es"])
    document = backup.export_round(county["round"])
    assert [r["language"] for r in document["responses"]] == ["en", "es", "es"]
    for response in document["responses"]:
        del response["language"]  # as a document written before languages
    document["round"]["open_link_hash"] = None
    for invitation in document["invitations"]:
        invitation["token_hash"] = invitation["token_hash"][::-1]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document))
    result = runner.invoke(args=["import-round", str(path)])
    assert result.exit_code == 0, result.output
    restored = db.session.scalars(select(Response.language).where(Response.round_id != county["round"].id)).all()
    assert restored == ["en", "en", "en"]
    document["responses"][0]["language"] = "fr"
    for n, invitation in enumerate(document["invitations"]):
        invitation["token_hash"] = hashlib.sha256(f"another link {n}".encode()).hexdigest()
    path.write_text(json.dumps(document))
    refused = runner.invoke(args=["import-round", str(path)])
    assert refused.exit_code == 1 and "responses[1]: language 'fr' is not one of en, es" in refused.output
