"""The readiness report: real WeasyPrint PDFs, charts drawn by kaleido with Debian's Chromium, read back with
pypdf."""
import io
import re

import pypdf
import pytest

from app import create_app
from assessment.db import db
from assessment.models import Round
from assessment.services import invitations, jurisdictions
from assessment.services.report import render as report_pdf
from assessment.services.scores import round_scores
from assessment.vocabulary import RoundStatus
from reports.fetcher import RefusedURL, StaticOnlyFetcher
from reports.pdf import build_pdf, report_html
from reports.render import find_browser
from tests.conftest import drop_databases, new_database
from tests.support.survey import submit_through_services

CHART_TITLES = ["Where the jurisdiction stands on the continuum", "Dimensions of the continuum",
                "Agencies by dimension", "Network map: ties at networking or above",
                "Share of agency pairs at each level", "Dimensions by role level"]


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory, demo_template):
    """The demo's later closed round, scored and rendered once for the module."""
    url = new_database(tmp_path_factory.mktemp("report"), "demo", demo_template)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        round_ = db.session.scalars(db.select(Round).where(Round.status == RoundStatus.CLOSED)
                                    .order_by(Round.id)).all()[-1]
        results = round_scores(round_)
        steps = []
        pdf = report_pdf(round_, progress=steps.append)
        yield {"app": app, "results": results, "pdf": pdf, "text": text_of(pdf), "steps": steps}
        db.session.remove()
        db.engine.dispose()
    drop_databases([url])


def test_chromium_is_there_to_draw_charts():
    assert find_browser() is not None, "make test installs Debian's chromium; the chart tests need it"


def test_the_demo_round_renders_a_tagged_titled_pdf(demo_report):
    reader = pypdf.PdfReader(io.BytesIO(demo_report["pdf"]))
    assert len(reader.pages) >= 8
    assert reader.metadata.title == "Collaboration readiness report: Demo County, Follow-up survey 2025"
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged (PDF/UA)
    assert root["/Lang"] == "en"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4
    assert demo_report["steps"][0] == "Scoring the round" and demo_report["steps"][-1].startswith("Done")


def test_key_figures_from_the_scoring_results_are_in_the_text(demo_report):
    results = demo_report["results"]
    text, j = demo_report["text"], results.jurisdiction.profile
    assert f"LEVEL ON THE CONTINUUM {j.placed}" in text  # the label is set in capitals
    assert f"READINESS INDEX {j.readiness_index:.0f} of 100" in text
    for dimension, figures in j.dimensions.items():
        label = results.construct(dimension).label
        assert f"{label} {figures.score:.0f} {figures.respondent_weighted:.0f} {figures.n}" in text
    overall = results.coverage.overall
    assert f"{overall.submitted} of {overall.invited} invited ({100 * overall.response_rate:.0f}%)" in text
    for heading in ("Contents", "Summary", "Three strengths", "Three concerns", "Perception gaps to discuss",
                    "Recommendations", "Reliability (Cronbach's alpha; flagged below 0.70)"):
        assert heading in text, heading
    assert "Page 2 of" in text  # page numbers


def test_table_of_contents_has_page_numbers(demo_report):
    first_page = pypdf.PdfReader(io.BytesIO(demo_report["pdf"])).pages[0].extract_text()
    pages = {title: int(number) for title, number in re.findall(r"^([A-Z][^.\n]+?) \.{5,} (\d+)$", first_page, re.M)}
    assert list(pages) == ["Summary", "The continuum", "Dimension profile", "Agencies",
                           "Relationships between agencies", "Policy and practice", "Recommendations",
                           "Appendix: method and items"]
    assert pages["Summary"] == 2 and list(pages.values()) == sorted(pages.values())


def test_svg_charts_are_embedded(demo_report):
    for title in CHART_TITLES:
        assert title in demo_report["text"], title  # chart text comes only from the SVGs
    assert "Chart not drawn" not in demo_report["text"]


def test_a_suppressed_agency_is_named_only_in_coverage_notes(demo_report):
    text = demo_report["text"]
    name = "County Board of Supervisors"
    assert next(a for a in demo_report["results"].agencies if a.name == name).suppressed
    assert text.count(name) == 2
    assert f"not shown on their own (still counted in the jurisdiction's totals): {name} (2)." in text
    assert f"{name} Policymaker 2 fewer than 3 respondents" in text
    jail = "County Jail"
    assert text.count(jail) == 2
    assert ("hidden so that a smaller group cannot be worked out by subtracting the others from the total: "
            f"{jail} (4).") in text


def test_without_chromium_the_report_still_renders_with_notes_and_tables(demo_report):
    with demo_report["app"].app_context():
        pdf = build_pdf(demo_report["results"], demo_report["app"].static_folder, browser=None)
    text = text_of(pdf)
    assert text.count("Chart not drawn.") == 8
    assert "Chromium is not installed on this server" in text
    assert "Network map: ties at networking or above" not in text
    info = demo_report["results"].jurisdiction.profile.dimensions["information"]
    assert f"Exchanging information {info.score:.0f} {info.respondent_weighted:.0f} {info.n}" in text


def test_url_fetcher_serves_static_and_data_only(app):
    fetcher = StaticOnlyFetcher(app.static_folder)
    assert fetcher.fetch("static:report.css").read().startswith(b"/* The readiness report")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in ("file:///etc/passwd", "http://127.0.0.1:5000/", "https://example.org/x.css", "static:../app.py",
                "ftp://127.0.0.1/x"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_names_typed_by_a_facilitator_appear_literally(app, client, county):
    """An agency called `<b>x</b>` (or one that tries to load a file) is printed as typed."""
    jurisdiction, round_ = county["jurisdiction"], county["round"]
    tricky = jurisdictions.add_agency(jurisdiction, '<b>x</b> <img src="file:///etc/passwd">', "judiciary",
                                      slug="tricky")
    from assessment.vocabulary import RoleLevel
    for agency in (tricky, county["agencies"][0]):
        for token in invitations.issue_invitations(round_, agency, RoleLevel.LINE_STAFF, 3):
            submit_through_services(token)
    results = round_scores(round_)
    html = report_html(results, {}, "no charts")
    assert "&lt;b&gt;x&lt;/b&gt; &lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "<b>x</b>" not in html
    pdf = build_pdf(results, app.static_folder, find_browser())
    assert '<b>x</b> <img src="file:///etc/passwd">' in text_of(pdf)


def test_letter_pages_and_unknown_page_size(app, demo_report):
    with demo_report["app"].app_context():
        html = report_html(demo_report["results"], {}, None, page_size="Letter")
        assert "@page { size: Letter; }" in html
        with pytest.raises(ValueError, match="page size must be one of A4, Letter"):
            report_html(demo_report["results"], {}, None, page_size="A5")


@pytest.mark.demo
def test_report_command_writes_the_pdf_and_prints_each_step(runner, tmp_path):
    output = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "1", "-o", str(output)])
    assert result.exit_code == 0, result.output
    for step in ("Scoring the round", "Building the charts", "Drawing 8 charts", "Laying out the pages",
                 f"Wrote {output}"):
        assert step in result.output
    assert output.read_bytes().startswith(b"%PDF")
    missing = runner.invoke(args=["report", "99", "-o", str(output)])
    assert missing.exit_code == 1 and "no round with id 99" in missing.output
