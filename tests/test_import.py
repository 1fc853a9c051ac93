"""Importing paper responses from CSV: a valid file goes in whole; a faulty one is refused whole."""
import pytest
from sqlalchemy import func, select

from assessment.db import db
from assessment.interchange import importer
from assessment.models import Answer, Response
from assessment.results import scores
from assessment.vocabulary import ResponseStatus, RoleLevel

ITEMS = ["info_progress", "info_violations", "info_polygraph", "info_registration", "info_victim_late",
         "info_unsure"]


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_valid_file_with_bom_and_semicolons(county):
    round_ = county["round"]
    lines = [";".join(["agency", "role_level", *ITEMS, "roster:treatment-center", "roster:victim-advocates",
                       "received_monthly", "open_change"]),
             ";".join(["probation-department", "line_staff", "4", "5", "DK", "3", "2", "", "3", "dk",
                       "polygraph_results|court_orders", '"Meet monthly; share reports"']),
             ";".join(["Treatment Center", "Supervisor", "1", "2", "3", "4", "5", "1", "", "2", "", ""])]
    data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    assert importer.import_responses(round_, data) == 2

    responses = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert [r.status for r in responses] == [ResponseStatus.SUBMITTED] * 2
    assert [r.role_level for r in responses] == [RoleLevel.LINE_STAFF, RoleLevel.SUPERVISOR]
    first = {(a.item_id, a.target_agency_id): a for a in responses[0].answers}
    assert first[("info_progress", None)].value == 4.0
    assert first[("info_polygraph", None)].dont_know and first[("info_polygraph", None)].value is None
    assert ("info_unsure", None) not in first  # blank is unanswered
    treatment, victims = county["agencies"][1], county["agencies"][2]
    assert first[("roster", treatment.id)].value == 3.0 and first[("roster", victims.id)].dont_know
    assert first[("received_monthly", None)].text == "polygraph_results\ncourt_orders"
    assert first[("open_change", None)].text == "Meet monthly; share reports"
    assert first[("role_level", None)].text == "line_staff"
    # imported responses count in coverage as invited and submitted
    overall = scores.round_scores(round_).coverage.overall
    assert overall.submitted == 2 and overall.invited == 2


def test_file_with_many_errors_reports_every_one_and_writes_nothing(county):
    header = "agency,role_level,info_progress,info_violations,roster:probation-department,roster:nowhere,shoe_size"
    rows = [
        "probation-department,line_staff,4,5,2,,",     # rates its own agency
        "Unknown Agency,line_staff,4,5,,,",            # unknown agency
        "treatment-center,janitor,7,4.5,5,,",          # bad role, 7 out of range, 4.5 not whole, roster 5 > 4
        "victim-advocates,executive,3",                # too few cells
        ",,,,,,",                                      # a blank line is skipped
        "victim-advocates,,maybe,DK,,,",               # missing role, 'maybe'
    ]
    data = "\n".join([header, *rows]).encode()
    with pytest.raises(importer.ImportRefused) as caught:
        importer.import_responses(county["round"], data)
    problems = [str(p) for p in caught.value.problems]
    expected = [
        "row 1, column roster:nowhere: no agency with the slug 'nowhere'",
        "row 1, column shoe_size: unknown column",
        "row 5: 3 cells, but the header has 7",
    ]
    for fragment in expected:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)
    # a broken header stops the cell checks; fix it and check the cells
    assert count(Response) == 0 and count(Answer) == 0

    fixed = "\n".join(["agency,role_level,info_progress,info_violations,roster:probation-department", *[
        ",".join(r.split(",")[:5]) for r in rows]]).encode()
    with pytest.raises(importer.ImportRefused) as caught:
        importer.import_responses(county["round"], fixed)
    problems = [str(p) for p in caught.value.problems]
    for fragment in [
        "row 2, column roster:probation-department: a respondent does not rate their own agency",
        "row 3, column agency: 'Unknown Agency' is not an agency of this jurisdiction",
        "row 4, column role_level: unknown role level 'janitor'",
        "row 4, column info_progress: '7' is not a whole number from 1 to 5, nor DK",
        "row 4, column info_violations: '4.5' is not a whole number from 1 to 5, nor DK",
        "row 4, column roster:probation-department: '5' is not a whole number from 0 to 4, nor DK",
        "row 5: 3 cells, but the header has 5",
        "row 7, column role_level: the role level is missing",
        "row 7, column info_progress: 'maybe' is not a whole number",
    ]:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)
    assert len(problems) == 9, problems
    assert count(Response) == 0 and count(Answer) == 0


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty"),
    (b"agency,role_level\n", "the file has a header but no responses"),
    ("agency,role_level\nprobation-department,line_staff\n".encode("utf-16"), "not UTF-8"),
    (b"role_level,info_progress\nline_staff,3\n", "the agency column is missing"),
])
def test_unusable_files(county, data, reason):
    with pytest.raises(importer.ImportRefused, match=reason):
        importer.import_responses(county["round"], data)
    assert count(Response) == 0


def test_import_command(runner, county, tmp_path):
    good = tmp_path / "paper.csv"
    good.write_text("agency,role_level,info_progress\nprobation-department,line_staff,4\n", encoding="utf-8")
    result = runner.invoke(args=["import-responses", str(county["round"].id), str(good)])
    assert result.exit_code == 0 and "Imported 1 response(s)" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("agency,role_level,info_progress\nprobation-department,line_staff,9\n", encoding="utf-8")
    result = runner.invoke(args=["import-responses", str(county["round"].id), str(bad)])
    assert result.exit_code == 1
    assert "nothing was imported; 1 problem(s)" in result.output and "row 2, column info_progress" in result.output
    assert count(Response) == 1
