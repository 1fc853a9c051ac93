"""Results, exports and imports in the console: suppression holds, formulas are neutralised, nothing half-done."""
import io
import json
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from assessment.accounts import accounts
from assessment.db import db
from assessment.models import AuditEvent, Response
from assessment.people import invitations
from assessment.places import jurisdictions
from assessment.results.exports import neutralise
from assessment.rounds import rounds
from assessment.services import lookups
from assessment.survey.forms import Target
from assessment.vocabulary import RoleLevel
from tests.console.conftest import PASSWORD, csrf, sign_in
from tests.support.survey import complete, submit_through_services

FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def round_with_answers(app, client):
    """Three agencies (one named like a formula, one with a script tag); six respondents in the first, one in
    the second and two in the third (both below the minimum of 3; together they make 3). Nine submissions make
    three snapshots of three: all are published."""
    jurisdiction = jurisdictions.add_jurisdiction("Lake County")
    agencies = [jurisdictions.add_agency(jurisdiction, "Lake Probation", "community_supervision"),
                jurisdictions.add_agency(jurisdiction, FORMULA, "treatment", slug="formula-agency"),
                jurisdictions.add_agency(jurisdiction, "</script><script>alert(1)</script>", "judiciary",
                                         slug="scripted")]
    round_ = rounds.create_round(jurisdiction, "Spring")
    rounds.open_round(round_)
    first = invitations.issue_invitations(round_, agencies[0], RoleLevel.LINE_STAFF, 1)[0]
    complete(app.test_client(), first, tuple(Target(a.id, a.slug, a.name) for a in sorted(
        agencies[1:], key=lambda a: a.name)))  # one respondent through the pages, the others through services
    for agency, count in ((agencies[0], 5), (agencies[1], 1), (agencies[2], 2)):
        for token in invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, count):
            submit_through_services(token)
    rounds.close_round(round_)  # its results, with their breakdown, are the close's release
    accounts.create_user("admin@test.org", PASSWORD, "admin")
    accounts.grant(accounts.create_user("fac@test.org", PASSWORD, "facilitator"), jurisdiction)
    return {"round": round_.id, "agencies": [a.id for a in agencies]}


def test_results_page_embeds_every_chart_as_safe_json(client, round_with_answers):
    sign_in(client, "fac@test.org")
    html = client.get(f"/console/rounds/{round_with_answers['round']}/results").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/json" data-chart="chart-(\w+)">(.*?)</script>', html, re.S)
    assert {name for name, _ in blocks} == {"continuum", "dimensions", "conditions", "agencies", "roster",
                                            "network", "pair_levels", "role_levels"}
    for _, body in blocks:
        figure = json.loads(body)
        assert figure["layout"]["title"]["text"]
    assert "<script>alert(1)" not in html  # escaped in the tables and in the chart JSON
    assert 'src="/static/vendor/plotly-4.1.1.min.js"' in html and "cdn" not in html.lower()
    assert client.get("/static/vendor/plotly-4.1.1.min.js").status_code == 200


def test_filters_respect_suppression(client, round_with_answers):
    sign_in(client, "fac@test.org")
    url = f"/console/rounds/{round_with_answers['round']}/results"
    treatment = client.get(f"{url}?sector=treatment").get_data(as_text=True)
    assert "Treatment (1 respondent): not shown on its own, fewer than 3 respondents." in treatment
    assert "data-chart" not in treatment
    cell = client.get(f"{url}?sector=judiciary&role=line_staff").get_data(as_text=True)
    assert "Judiciary, line staff (2 respondents): not shown on its own" in cell and "data-chart" not in cell
    line_staff = client.get(f"{url}?role=line_staff").get_data(as_text=True)
    assert "Line staff <span class=\"muted\">(9 respondents)</span>" in line_staff
    probation = client.get(f"{url}?sector=community_supervision&role=line_staff").get_data(as_text=True)
    assert "Community supervision, line staff <span class=\"muted\">(6 respondents)</span>" in probation
    assert client.get(f"{url}?sector=astrology").status_code == 400


def test_scores_export_neutralises_formulas_and_holds_suppression(client, round_with_answers):
    sign_in(client, "fac@test.org")
    base = f"/console/rounds/{round_with_answers['round']}/export"
    text = client.get(f"{base}/scores.csv").get_data(as_text=True)
    assert "'" + FORMULA.replace('"', '""') in text and "\n" + FORMULA not in text and "," + FORMULA not in text
    formula_rows = [line for line in text.splitlines() if "formula-agency" in line]
    assert len(formula_rows) == 1 and formula_rows[0].endswith(",no,1,fewer than 3 respondents" + "," * 16)

    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}/scores.xlsx").data))
    rows = list(book["scores"].iter_rows(values_only=True))
    header = rows[0]
    agency_rows = [dict(zip(header, r)) for r in rows[1:] if r[1] == "formula-agency"]
    assert len(agency_rows) == 1 and agency_rows[0]["name"] == "'" + FORMULA
    assert agency_rows[0]["shown"] == "no" and agency_rows[0]["score"] is None  # its count and reason, no figure
    assert agency_rows[0]["reason"] == "fewer than 3 respondents"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export")) == 2


def test_raw_responses_are_admin_only_and_say_why(client, round_with_answers):
    sign_in(client, "fac@test.org")
    refused = client.get(f"/console/rounds/{round_with_answers['round']}/export/responses-wide.csv?confirmed=yes")
    assert refused.status_code == 403 and "can identify a person in a small agency" in refused.get_data(as_text=True)
    sign_in(client, "admin@test.org")
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/console/rounds/{round_with_answers['round']}/export/responses-wide.xlsx?confirmed=yes").data))
    assert book.sheetnames == ["responses", "codebook", "notes"]
    responses = list(book["responses"].iter_rows(values_only=True))
    assert len(responses) == 1 + 9 and responses[0][:2] == ("agency", "role_level")
    assert "roster:formula-agency" in responses[0]
    # the agencies below the minimum are labelled together, never apart
    assert sorted(r[:2] for r in responses[1:]) == ([("lake-probation", "line_staff")] * 6
                                                    + [("other agencies", "line_staff")] * 3)
    codebook = {row[0]: row for row in book["codebook"].iter_rows(values_only=True)}
    assert "1=Strongly disagree" in codebook["info_progress"][6] and codebook["info_unsure"][4] == "yes"
    long_csv = client.get(f"/console/rounds/{round_with_answers['round']}/export/responses-long.csv?confirmed=yes")
    assert long_csv.get_data(as_text=True).startswith(
        "respondent,agency,role_level,language,item,about_agency,answer")


def test_wide_export_imports_back(app, client, round_with_answers):
    """The wide export is in the import format: a round whose agencies are all shown can be carried over as a
    file (agencies below the minimum are labelled together, which no import can place)."""
    from assessment.interchange import importer
    round_ = lookups.get_round(round_with_answers["round"])
    rounds.reopen_round(round_, "one more from the court")
    scripted = lookups.find_agency(round_.jurisdiction, "scripted")
    for token in invitations.issue_invitations(round_, scripted, RoleLevel.SUPERVISOR, 1):
        submit_through_services(token)  # scripted now has 3; formula-agency (1) stays pooled with nobody
    rounds.close_round(round_)
    sign_in(client, "admin@test.org")
    data = client.get(f"/console/rounds/{round_.id}/export/responses-wide.csv?confirmed=yes").data
    assert b"other agencies" in data
    copy = rounds.create_round(round_.jurisdiction, "Copy")
    with pytest.raises(importer.ImportRefused) as refused:
        importer.import_responses(copy, data)
    assert "'other agencies' is not an agency of this jurisdiction" in str(refused.value)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), (-1.5, -1.5), (3, 3), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_import_upload_lists_every_problem_and_writes_nothing(client, round_with_answers):
    sign_in(client, "fac@test.org")
    url = f"/console/rounds/{round_with_answers['round']}/import"
    closed = client.post(url, data={"file": (io.BytesIO(b"agency,role_level\n"), "paper.csv"),
                                    "csrf_token": csrf(client)},
                         content_type="multipart/form-data")
    assert closed.status_code == 400 and "it takes no paper forms" in closed.get_data(as_text=True)
    rounds.reopen_round(lookups.get_round(round_with_answers["round"]), "late paper forms")
    before = db.session.scalar(select(func.count(Response.id)))
    bad = "agency,role_level,info_progress\nnowhere,line_staff,9\nlake-probation,janitor,3\n".encode()
    response = client.post(url, data={"file": (io.BytesIO(bad), "paper.csv"), "csrf_token": csrf(client)},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was imported: 3 problems" in html
    assert "row 2, column agency: &#39;nowhere&#39; is not an agency of this jurisdiction" in html
    assert db.session.scalar(select(func.count(Response.id))) == before

    missing = client.post(url, data={"csrf_token": csrf(client)}, content_type="multipart/form-data")
    assert missing.status_code == 400 and "Choose a CSV file to import." in missing.get_data(as_text=True)

    good = "agency,role_level,info_progress\nlake-probation,supervisor,4\n".encode()
    done = client.post(url, data={"file": (io.BytesIO(good), "paper.csv"), "csrf_token": csrf(client)},
                       content_type="multipart/form-data", follow_redirects=True)
    assert "Imported 1 paper response(s)." in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Response.id))) == before + 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "import")).actor == "fac@test.org"


def test_api_holds_suppression(client, round_with_answers):
    sign_in(client, "fac@test.org")
    scores = client.get(f"/api/rounds/{round_with_answers['round']}/scores").get_json()
    formula = next(a for a in scores["agencies"] if a["slug"] == "formula-agency")
    assert formula == {"slug": "formula-agency", "name": FORMULA, "sector": "treatment", "n": 1,
                       "suppressed": True, "reason": "below_minimum", "reason_text": "fewer than 3 respondents"}
    assert all(r["from"] != "formula-agency" for r in scores["pairs"]["directed"])
    assert client.get(f"/api/rounds/{round_with_answers['round']}/coverage").get_json()["coverage"]["agencies"][1][
        "below_minimum"] is True


@pytest.mark.demo
def test_comparison_page(app, client):
    accounts.create_user("admin@test.org", PASSWORD, "admin")
    sign_in(client, "admin@test.org")
    choose = client.get("/console/rounds/2/compare").get_data(as_text=True)
    assert '<option value="1">Baseline survey 2024</option>' in choose
    page = client.get("/console/rounds/2/compare?with=1").get_data(as_text=True)
    assert "Networking (emerging)</strong> in Baseline survey 2024" in page
    assert {name for name in re.findall(r'data-chart="chart-(\w+)"', page)} == {"movement", "slope", "change"}
    assert "County Board of Supervisors" not in page
    assert client.get("/console/rounds/2/compare?with=3").status_code == 404  # not an earlier round
    open_round = client.get("/console/rounds/3/compare?with=2")  # no responses yet: no figure to compare
    assert open_round.status_code == 200
    assert ("Nothing to compare: Survey 2026 has fewer than 3 published responses"
            in open_round.get_data(as_text=True))
    assert client.get("/console/rounds/1/compare").get_data(as_text=True).count("no earlier round") == 1


def test_commitments_are_recorded_and_validated(client, round_with_answers):
    sign_in(client, "fac@test.org")
    url = f"/console/rounds/{round_with_answers['round']}/commitments"
    missing = client.post(url, data={"dimension": "capacity", "what": "", "owner": "", "csrf_token": csrf(client)})
    assert missing.status_code == 400 and 'id="what-error"' in missing.get_data(as_text=True)
    unknown = client.post(url, data={"dimension": "morale", "what": "x", "owner": "y", "csrf_token": csrf(client)})
    assert unknown.status_code == 400
    done = client.post(url, data={"dimension": "capacity", "what": "Cross-train <b>staff</b>",
                                  "owner": "Lake Probation",
                                  "due": "2027-06-30", "csrf_token": csrf(client)}, follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "Commitment recorded." in html and "Cross-train &lt;b&gt;staff&lt;/b&gt;" in html and "2027-06-30" in html


def test_a_decision_of_the_results_page_becomes_a_commitment_and_the_report_moves_with_it(app, client,
                                                                                         round_with_answers):
    from html import unescape

    from assessment.results import report

    round_id = round_with_answers["round"]
    sign_in(client, "fac@test.org")
    html = client.get(f"/console/rounds/{round_id}/results").get_data(as_text=True)
    assert "Decisions for the policy team" in html and html.count("Record as a commitment") >= 1
    link = unescape(re.search(r'<a href="([^"]+)">Record as a commitment</a>', html).group(1))
    action = unescape(re.search(r"<li><strong>(.*?)</strong>", html.split('id="decisions"')[1]).group(1))
    page = client.get(link).get_data(as_text=True)
    assert "<details class=\"panel\" open>" in page  # the form opens, filled in, for an owner and a date
    assert f"{action}</textarea>" in unescape(page)
    round_ = db.session.get(rounds.Round, round_id)
    key = report.report_key(round_)
    dimension = re.search(r"dimension=(\w+)", link).group(1)
    done = client.post(f"/console/rounds/{round_id}/commitments", follow_redirects=True, data={
        "dimension": dimension, "what": action, "owner": "Lake Probation", "due": "2027-03-31",
        "csrf_token": csrf(client)})
    assert "Commitment recorded." in done.get_data(as_text=True)
    db.session.expire_all()
    assert report.report_key(round_) != key  # the report now shows it as agreed
    assert report.agreed_after(round_)[0].what == action
