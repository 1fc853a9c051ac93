"""Script tags, spreadsheet formulas and control characters in every text a person can type: the jurisdiction,
agency and round names, commitments and open survey answers. Markup and formulas show literally on every page,
in every export and in the PDF; control characters are left out."""
import csv
import io
import re

import openpyxl
import pypdf
import pytest
from sqlalchemy import select

from assessment import catalog
from assessment.db import db
from assessment.interchange import importer
from assessment.models import Agency, Answer, Jurisdiction, Round
from assessment.people import invitations
from assessment.results import commitments, exports
from assessment.rounds import rounds
from assessment.services import jobs, lookups
from assessment.survey.forms import Target
from assessment.text import first_control_character
from assessment.vocabulary import RoleLevel
from tests.console.conftest import csrf, sign_in
from tests.support.survey import complete_but_submit, post_page
from tests.support.web import csrf_from

SCRIPT = '<script>alert("x")</script>'
HOSTILE = '=HYPERLINK("http://evil.example","' + SCRIPT + '")'


@pytest.fixture
def hostile_round(app, client, world):
    """Everything typed through the console's forms and the survey carries HOSTILE."""
    sign_in(client, "admin@test.org")
    assert client.post("/console/jurisdictions", data={"name": HOSTILE, "csrf_token": csrf(client)}).status_code == 302
    jurisdiction = db.session.scalar(select(Jurisdiction).where(Jurisdiction.name == HOSTILE))
    for n, sector in enumerate(("community_supervision", "treatment", "judiciary")):
        done = client.post(f"/console/jurisdictions/{jurisdiction.id}/agencies", data={
            "name": f"{HOSTILE} {n}", "sector": sector, "slug": f"agency-{n}", "csrf_token": csrf(client)})
        assert done.status_code == 302
    assert client.post(f"/console/jurisdictions/{jurisdiction.id}/rounds", data={
        "title": HOSTILE, "min_group_size": "1", "questionnaire": "collaboration_readiness:1",
        "csrf_token": csrf(client)}).status_code == 302
    round_ = db.session.scalar(select(Round).where(Round.title == HOSTILE))
    assert client.post(f"/console/rounds/{round_.id}/commitments", data={
        "dimension": "capacity", "what": HOSTILE, "owner": HOSTILE, "csrf_token": csrf(client)}).status_code == 302
    rounds.open_round(round_)
    agencies = db.session.scalars(select(Agency).where(Agency.jurisdiction_id == jurisdiction.id)).all()
    q = catalog.latest("collaboration_readiness")
    for agency in agencies:
        targets = tuple(Target(a.id, a.slug, a.name) for a in sorted(agencies, key=lambda a: a.name) if a != agency)
        token = invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1)[0]
        respondent = client.application.test_client()
        complete_but_submit(respondent, token, targets)
        last = len(q.sections)
        answers = {item.id: HOSTILE for item in q.sections[-1].items if item.type == "text"}
        assert answers, "the last section should hold the open questions"
        assert post_page(respondent, token, last, answers).status_code == 302
        review = respondent.get(f"/s/{token}/review")
        assert SCRIPT not in review.get_data(as_text=True)
        assert respondent.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review.data)}).status_code == 302
    return {"jurisdiction": jurisdiction.id, "round": round_.id, "agency": agencies[0].id}


def test_every_console_page_shows_typed_text_escaped(client, hostile_round):
    pages = ["/console/", "/console/jurisdictions/{jurisdiction}", "/console/rounds/{round}",
             "/console/rounds/{round}/results", "/console/rounds/{round}/compare", "/console/rounds/{round}/import",
             "/console/agencies/{agency}/edit", "/console/audit"]
    escaped = "&lt;script&gt;alert("
    for page in pages:
        html = client.get(page.format(**hostile_round)).get_data(as_text=True)
        assert "<script>alert" not in html, page
        assert escaped in html or "\\u003cscript\\u003e" in html, page  # shown, as text or as escaped JSON
        for block in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
            assert "</" not in block, page  # a JSON block cannot be closed from inside


def close(round_id: int) -> None:
    """Raw responses are exported only from a closed round."""
    rounds.close_round(db.session.get(Round, round_id))
    db.session.commit()


def test_every_export_neutralises_the_formulas(client, hostile_round):
    close(hostile_round["round"])
    base = f"/console/rounds/{hostile_round['round']}/export"
    cells = []
    for kind in ("scores", "responses-long", "responses-wide"):
        text = client.get(f"{base}/{kind}.csv?confirmed=yes").get_data(as_text=True)
        cells += [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/{kind}.xlsx?confirmed=yes").data))
        cells += [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
                  if isinstance(cell, str)]
    hostile = [cell for cell in cells if "evil.example" in cell]
    assert len(hostile) >= 10  # names, slugs' agencies, open answers
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")], "a cell a spreadsheet would run"
    assert all(cell.startswith("'=") or not cell.startswith("=") for cell in hostile)


def test_the_report_prints_typed_text_literally(client, hostile_round):
    assert client.get(f"/console/rounds/{hostile_round['round']}/report.pdf").status_code == 302  # being prepared
    assert jobs.run_pending() == 1
    pdf = client.get(f"/console/rounds/{hostile_round['round']}/report.pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert SCRIPT in " ".join(text.split())


CONTROL = "a\x0bvertical\x00tab\x1b[31m"  # a vertical tab, a NUL byte, an escape sequence


@pytest.fixture
def control_round(app, client, world):
    """A jurisdiction, its agencies, a round, a commitment and an open answer, each typed with control
    characters through the console and the survey."""
    sign_in(client, "admin@test.org")
    assert client.post("/console/jurisdictions", data={"name": f"Lake{CONTROL}", "csrf_token": csrf(client)}
                       ).status_code == 302
    jurisdiction = db.session.scalar(select(Jurisdiction).where(Jurisdiction.name.like("Lake%")))
    for n, sector in enumerate(("community_supervision", "treatment")):
        assert client.post(f"/console/jurisdictions/{jurisdiction.id}/agencies", data={
            "name": f"Agency {n}{CONTROL}", "sector": sector, "csrf_token": csrf(client)}).status_code == 302
    assert client.post(f"/console/jurisdictions/{jurisdiction.id}/rounds", data={
        "title": f"Round{CONTROL}", "min_group_size": "1", "questionnaire": "collaboration_readiness:1",
        "csrf_token": csrf(client)}).status_code == 302
    round_ = db.session.scalar(select(Round).where(Round.jurisdiction_id == jurisdiction.id))
    assert client.post(f"/console/rounds/{round_.id}/commitments", data={
        "dimension": "capacity", "what": CONTROL, "owner": CONTROL, "csrf_token": csrf(client)}).status_code == 302
    rounds.open_round(round_)
    agencies = sorted(jurisdiction.agencies, key=lambda a: a.name)
    q = catalog.latest("collaboration_readiness")
    token = invitations.issue_invitations(round_, agencies[0], RoleLevel.LINE_STAFF, 1)[0]
    respondent = client.application.test_client()
    complete_but_submit(respondent, token, (Target(agencies[1].id, agencies[1].slug, agencies[1].name),))
    answers = {item.id: f"Answer{CONTROL}" for item in q.sections[-1].items if item.type == "text"}
    assert post_page(respondent, token, len(q.sections), answers).status_code == 302
    review = respondent.get(f"/s/{token}/review")
    assert respondent.post(f"/s/{token}/submit", data={"csrf_token": csrf_from(review.data)}).status_code == 302
    return round_


def test_control_characters_typed_anywhere_are_left_out(control_round):
    stored = [control_round.jurisdiction.name, control_round.title,
              *[a.name for a in control_round.jurisdiction.agencies],
              *[t for c in commitments.commitments_of(control_round) for t in (c.what, c.owner)],
              *db.session.scalars(select(Answer.text).where(Answer.text.like("Answer%")))]
    assert len(stored) == 8
    assert all(first_control_character(text) is None and "verticaltab[31m" in text for text in stored), stored


def test_every_export_of_such_a_round_opens(client, control_round):
    close(control_round.id)
    for kind in ("scores", "responses-long", "responses-wide", "open-answers"):
        for fmt in ("csv", "xlsx"):
            answer = client.get(f"/console/rounds/{control_round.id}/export/{kind}.{fmt}?confirmed=yes")
            assert answer.status_code == 200, (kind, fmt)
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert any("Answeraverticaltab[31m" in str(cell) for row in book["open answers"].iter_rows(values_only=True)
               for cell in row)
    for fmt in ("sav", "dta", "r"):  # the agencies' names, control characters out, become value labels
        got = client.get(f"/console/rounds/{control_round.id}/export/responses.{fmt}?confirmed=yes")
        assert got.status_code == 200, fmt


def test_exports_leave_out_control_characters_stored_before_they_were_refused(client, world):
    """Text stored by an earlier version may hold them; the spreadsheet must open all the same."""
    sign_in(client, "admin@test.org")
    round_ = db.session.get(Round, world["round"])
    agency = db.session.get(Agency, world["agency"])
    agency.name = "Alpha\x0bProbation"
    db.session.commit()
    close(round_.id)
    for kind in ("scores", "responses-long", "responses-wide"):
        xlsx = client.get(f"/console/rounds/{round_.id}/export/{kind}.xlsx?confirmed=yes")
        assert xlsx.status_code == 200, kind
    assert exports.neutralise("=1+1\x0b") == "'=1+1"


def test_text_given_on_the_command_line_or_in_a_file_is_cleaned_too(app, runner, world):
    assert runner.invoke(args=["jurisdiction", "add", "Gamma\x00County"]).exit_code == 0
    assert lookups.find_jurisdiction("GammaCounty").name == "GammaCounty"
    round_ = db.session.get(Round, world["round"])
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    text_item = next(i for i in q.items if i.type == "text")
    csv_file = f"agency,role_level,{text_item.id}\nalpha-probation,line_staff,Said\x0bso\n".encode()
    assert importer.import_responses(round_, csv_file) == 1
    assert db.session.scalar(select(Answer.text).where(Answer.item_id == text_item.id)) == "Saidso"


def test_a_nul_in_a_sign_in_or_a_search_is_a_plain_answer(client, world):
    refused = client.post("/login", data={"email": "alpha@test.org\x00", "password": "x" * 12,
                                          "csrf_token": csrf(client)})
    assert refused.status_code in (400, 401)
    sign_in(client, "admin@test.org")
    assert client.get("/console/audit", query_string={"actor": "alpha\x00"}).status_code == 200
