"""Script tags and spreadsheet formulas in every text a person can type: the jurisdiction, agency and round names,
commitments and open survey answers. Each shows literally on every page, in every export and in the PDF."""
import csv
import io
import re

import openpyxl
import pypdf
import pytest
from sqlalchemy import select

from assessment import catalog
from assessment.db import db
from assessment.forms import Target
from assessment.models import Agency, Jurisdiction, Round
from assessment.services import setup
from assessment.vocabulary import RoleLevel
from tests.conftest import csrf_from
from tests.console.conftest import csrf, sign_in
from tests.survey_helpers import complete_but_submit, post_page

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
    setup.open_round(round_)
    agencies = db.session.scalars(select(Agency).where(Agency.jurisdiction_id == jurisdiction.id)).all()
    q = catalog.latest("collaboration_readiness")
    for agency in agencies:
        targets = tuple(Target(a.id, a.slug, a.name) for a in sorted(agencies, key=lambda a: a.name) if a != agency)
        token = setup.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1)[0]
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


def test_every_export_neutralises_the_formulas(client, hostile_round):
    base = f"/console/rounds/{hostile_round['round']}/export"
    cells = []
    for kind in ("scores", "responses-long", "responses-wide"):
        cells += [cell for row in csv.reader(io.StringIO(client.get(f"{base}/{kind}.csv").get_data(as_text=True)))
                  for cell in row]
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/{kind}.xlsx").data))
        cells += [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
                  if isinstance(cell, str)]
    hostile = [cell for cell in cells if "evil.example" in cell]
    assert len(hostile) >= 10  # names, slugs' agencies, open answers
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")], "a cell a spreadsheet would run"
    assert all(cell.startswith("'=") or not cell.startswith("=") for cell in hostile)


def test_the_report_prints_typed_text_literally(client, hostile_round):
    pdf = client.get(f"/console/rounds/{hostile_round['round']}/report.pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert SCRIPT in " ".join(text.split())
