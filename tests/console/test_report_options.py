"""The report's paper per jurisdiction (Letter by default, A4 on request) and the console's report with a
comparison: chosen on the results page, queued, rendered and downloaded like any report."""
import io

import pypdf
import pytest
from sqlalchemy import select

from assessment.db import db
from assessment.models import Agency, AuditEvent, Jurisdiction, Round
from assessment.people import invitations
from assessment.results import report
from assessment.rounds import rounds
from assessment.services import jobs
from assessment.vocabulary import PaperSize, RoleLevel
from tests.console.conftest import csrf, sign_in
from tests.support.survey import submit_through_services


def closed_with(round_, agencies, people=4):
    for n in range(people):
        agency = db.session.get(Agency, agencies[n % len(agencies)])
        submit_through_services(invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 1)[0])
    if round_.status.value != "open":
        rounds.open_round(round_)
    rounds.close_round(round_)
    db.session.commit()
    return round_


@pytest.fixture
def two_rounds(world):
    first = closed_with(db.session.get(Round, world["round"]), [world["agency"], world["treatment"]])
    second = rounds.create_round(first.jurisdiction, "Second")
    rounds.open_round(second)
    closed_with(second, [world["agency"], world["treatment"]])
    return first, second


def size_of(pdf: bytes) -> tuple[int, int]:
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_reports_print_on_letter_unless_the_jurisdiction_chooses_a4(client, world, two_rounds):
    first, _ = two_rounds
    assert first.jurisdiction.paper_size == PaperSize.LETTER and size_of(report.render(first)) == (612, 792)
    sign_in(client, "alpha@test.org")
    page = client.get(f"/console/jurisdictions/{world['a']}").get_data(as_text=True)
    assert "Reports print on" in page and 'value="Letter" checked' in page
    done = client.post(f"/console/jurisdictions/{world['a']}/paper", data={"paper_size": "A4",
                                                                             "csrf_token": csrf(client)})
    assert done.status_code == 302
    db.session.expire_all()
    assert size_of(report.render(db.session.get(Round, first.id))) == (595, 842)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "jurisdiction_changed"))
    assert event.actor == "alpha@test.org" and "A4 (was Letter)" in event.detail
    bad = client.post(f"/console/jurisdictions/{world['a']}/paper", data={"paper_size": "Legal",
                                                                            "csrf_token": csrf(client)})
    assert "unknown paper size" in client.get(bad.headers["Location"]).get_data(as_text=True)
    sign_in(client, "beta@test.org")
    assert client.post(f"/console/jurisdictions/{world['a']}/paper",
                       data={"paper_size": "A4", "csrf_token": csrf(client)}).status_code == 404


def test_the_report_with_a_comparison_from_the_console(client, world, two_rounds):
    first, second = two_rounds
    sign_in(client, "alpha@test.org")
    results = client.get(f"/console/rounds/{second.id}/results").get_data(as_text=True)
    assert "The report, compared with an earlier round" in results and f'<option value="{first.id}">' in results
    asked = client.get(f"/console/rounds/{second.id}/report.pdf?compare={first.id}")
    assert asked.status_code == 302 and f"compare={first.id}" in asked.headers["Location"]
    assert "compared with Alpha round" in client.get(asked.headers["Location"]).get_data(as_text=True)
    assert jobs.run_pending() >= 1  # the closes queued their own reports too
    pdf = client.get(f"/console/rounds/{second.id}/report.pdf?compare={first.id}")
    assert pdf.status_code == 200 and f"compared-with-round{first.id}" in pdf.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Change since Alpha round" in " ".join(text.split())
    plain = client.get(f"/console/rounds/{second.id}/report.pdf")  # rendered when the round closed
    assert plain.status_code == 200 and plain.data != pdf.data
    assert "Change since" not in " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(plain.data)).pages)


def test_a_comparison_with_a_round_elsewhere_is_not_found(client, app, world, two_rounds):
    _, second = two_rounds
    other = rounds.create_round(db.session.get(Jurisdiction, world["b"]), "Beta round")
    db.session.commit()
    sign_in(client, "alpha@test.org")
    for value in (str(other.id), str(second.id), "x", "99999"):
        assert client.get(f"/console/rounds/{second.id}/report.pdf?compare={value}").status_code == 404, value
