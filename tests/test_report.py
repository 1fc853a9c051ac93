"""The readiness report: real WeasyPrint PDFs, charts drawn by kaleido with Debian's Chromium, read back with
pypdf."""
import io

import pypdf
import pytest

from app import create_app
from assessment.db import db
from assessment.models import Round
from assessment.people import invitations
from assessment.places import jurisdictions
from assessment.results.report import render as report_pdf
from assessment.results.scores import round_scores
from assessment.rounds import rounds
from assessment.vocabulary import RoundStatus
from reports.fetcher import RefusedURL, StaticOnlyFetcher
from reports.pdf import build_pdf, report_html
from reports.render import find_browser
from tests.conftest import drop_databases, new_database
from tests.support.survey import submit_through_services

CHART_ALTS = ["Dot chart of each dimension's score and the readiness index", "Bar chart of each dimension's score",
              "Bar chart of each condition's score", "Diverging bar chart of the answers to each of",
              "Bar chart of the mean rating"]


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def structure(pdf: bytes) -> list:
    """Every structure element of a tagged PDF (dictionaries with /S), depth first."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            if isinstance(kids, pypdf.generic.ArrayObject):
                stack.extend(kids)
            elif kids is not None and hasattr(kids, "get_object"):
                stack.append(kids)
    return found


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
        yield {"app": app, "round": round_, "results": results, "pdf": pdf, "text": text_of(pdf),
               "pages": page_texts(pdf), "steps": steps}
        db.session.remove()
        db.engine.dispose()
    drop_databases([url])


def test_chromium_is_there_to_draw_charts():
    assert find_browser() is not None, "make test installs Debian's chromium; the chart tests need it"


def test_the_demo_round_renders_a_tagged_titled_pdf_of_nine_to_thirteen_pages(demo_report):
    reader = pypdf.PdfReader(io.BytesIO(demo_report["pdf"]))
    assert 9 <= len(reader.pages) <= 13, len(reader.pages)  # Letter, with the role table and margins
    assert reader.metadata.title == "Collaboration readiness report: Demo County, Follow-up survey 2025"
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged (PDF/UA)
    assert root["/Lang"] == "en"
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (612, 792)  # US Letter, the jurisdiction's default
    assert demo_report["steps"][0] == "Scoring the round" and demo_report["steps"][-1].startswith("Done")


def test_the_brief_gives_level_certainty_intervals_costs_and_three_decisions(demo_report):
    results, text = demo_report["results"], demo_report["text"]
    first = text[:text.index("Inside:")]  # the brief, which begins the report and ends with its contents line
    j = results.jurisdiction
    assert first.startswith("COLLABORATION READINESS BRIEF") and "Page 1 of" in demo_report["pages"][0]
    assert f"LEVEL ON THE CONTINUUM {j.profile.placed}" in first  # the label is set in capitals
    index = j.readiness_interval
    assert (f"READINESS INDEX {j.profile.readiness_index:.0f} of 100 · 95% interval {index.low:.0f}–{index.high:.0f}"
            in first)
    assert "Resampling the respondents puts it at Coordination (emerging) 100% of the time" in first
    info = j.intervals["information"]
    assert info.borderline  # 73, with an interval across the established cut
    assert f"Borderline: Exchanging information (73, interval {info.low:.0f}–{info.high:.0f})" in first
    assert "it may already be established" in first
    assert "Reliability: The items of time agree with each other less than they should" in first
    time = j.profile.conditions["time"]
    assert "What moving up would take" in first and f"Time {time.score:.0f}" in first
    assert "Time is in the concern band" in first
    decisions = first.split("Decisions for the policy team")[1]
    assert decisions.count("Because:") == 3 and decisions.count("Owner:") == 3
    # what the next level needs (sharing resources, in the concern band: Cooperation waits on it), the condition in
    # the concern band, and the widest perception gap between agencies whose roles let them work together
    actions = ["Ask each agency head to name one resource", "Count multi-agency work in staff workloads",
               "Public Defender's Office rates its relationship with Sex Offense Specific Treatment Associates"]
    positions = [decisions.find(action) for action in actions]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "to move up to Cooperation, it must reach 50" in decisions
    assert "convened by Adult Probation and Parole" in decisions  # no agency clearly behind: the hub convenes
    assert "District Court" not in decisions  # a court is paired with no one agency
    assert "Recommendations (p. " in text[text.index("Inside:"):]


def test_key_figures_from_the_scoring_results_are_in_the_text(demo_report):
    results = demo_report["results"]
    text, j = demo_report["text"], results.jurisdiction.profile
    for dimension, figures in j.dimensions.items():
        label = results.construct(dimension).label
        interval = results.jurisdiction.intervals[dimension]
        assert (f"{figures.score:.0f} {interval.low:.0f}–{interval.high:.0f}" in text
                and f"{figures.respondent_weighted:.0f} {figures.n} {figures.sd:.1f}" in text), label
    overall = results.coverage.overall
    assert f"{overall.submitted} respondents of {overall.invited} invited ({100 * overall.response_rate:.0f}%)" in text
    for heading in ("Where the agencies stand", "The answers, item by item", "Scores received", "Who to connect",
                    "Perception gaps to discuss", "Recommendations", "Tensions between roles",
                    "Principles of the field", "Reliability (Cronbach's alpha"):
        assert heading in text, heading
    assert "Page 2 of" in text  # page numbers


def test_recommendations_name_what_scored_low_and_who(demo_report):
    text = demo_report["text"].split("Recommendations Each recommendation")[1]
    # the next step's lowest items, each with its own practice from the questionnaire
    assert "“Progress reports on an agreed schedule” scores 72 (n 46) → Agree a written schedule" in text
    # no agency is named behind when chance could give its distance from the band (the Public Defender's Office
    # scores 28 with 4 respondents: within its margin of 25 of the cut at 50)
    assert "Clearly in the concern band" not in text
    # pairs, and the prosecution-defense tension with the pair between those sectors
    assert "Who to connect" in text
    assert ("Public Defender's Office and Sex Offense Specific Treatment Associates are at 0.5 of 4, below networking "
            "→ Ask an agency that works well with both to introduce them at a policy table") in text
    assert ("System level: Public Defender's Office (privilege and its duty to the client); Sex Offense Specific "
            "Treatment Associates (the client's waiver and the treatment contract).") in text
    # kept apart by their roles: the defense and victim advocates are never asked to connect, a court is never paired
    assert "Public Defender's Office and Victim Services Center are at" not in text
    assert "District Court works with both" not in text and "and District Court are at" not in text
    assert "Prosecution and defense in a shared system" in text
    assert "District Attorney's Office (n 5) and Public Defender's Office (n 4) are at" in text
    assert "how information from case staffing may and may not be used in court" in text


def test_small_groups_carry_their_caveat(demo_report):
    text = demo_report["text"]
    assert "† Fewer than 6 respondents: one or two answers move this figure a long way." in text
    assert "District Court† Judiciary 4" in text


def test_spread_between_agencies_is_judged_against_chance(demo_report):
    results, text = demo_report["results"], demo_report["text"]
    assert not any(a.spread_flag for a in results.agreement.values())
    assert "the agencies differ by no more than chance alone would give for groups of these sizes" in text
    assert "Agencies differ by more than 25 points" not in text


def test_every_table_header_cell_has_a_scope(demo_report):
    elements = structure(demo_report["pdf"])
    headers = [e for e in elements if e["/S"] == "/TH"]
    assert len(headers) > 100
    scopes = {str(h["/A"]["/Scope"]) for h in headers}
    assert scopes == {"/Column", "/Row"}
    assert all("/Scope" in h["/A"] for h in headers)


def test_figures_lie_within_their_page_and_state_their_values(demo_report):
    reader = pypdf.PdfReader(io.BytesIO(demo_report["pdf"]))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    figures = [e for e in structure(demo_report["pdf"]) if e["/S"] == "/Figure"]
    assert len(figures) == len(CHART_ALTS)
    for figure in figures:
        x1, y1, x2, y2 = (float(v) for v in figure["/A"]["/BBox"])
        assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height, (x1, y1, x2, y2)
    alts = {start: [str(f["/Alt"]) for f in figures if str(f["/Alt"]).startswith(start)] for start in CHART_ALTS}
    assert all(len(found) == 1 for found in alts.values()), alts
    info = demo_report["results"].jurisdiction.profile.dimensions["information"]
    assert f"Exchanging information {info.score:.0f} (95% interval" in alts[CHART_ALTS[0]][0]
    assert "favourable); most: Registration changes passed unasked (79%)" in alts[CHART_ALTS[3]][0]
    assert "Victim Services Center 2.3 from 7 agencies" in alts[CHART_ALTS[4]][0]
    # alt texts summarise, with the data table beside (a screen reader reads an alt text in one breath)
    assert all(len(found[0]) <= 600 for found in alts.values()), {k: len(v[0]) for k, v in alts.items()}


def test_links_say_where_they_go(demo_report):
    reader = pypdf.PdfReader(io.BytesIO(demo_report["pdf"]))
    links = [a.get_object() for page in reader.pages[:2] for a in page.get("/Annots", [])]
    contents = [str(link["/Contents"]) for link in links if link.get("/Subtype") == "/Link"]
    assert "Go to Recommendations" in contents and "Go to Where the agencies stand" in contents


def test_colour_keys_are_discrete_not_gradients(demo_report):
    """Gradients (PDF shadings) vanish in poppler-based viewers and CUPS printing: the keys are solid swatches."""
    assert b"/ShadingType" not in demo_report["pdf"]


def test_chart_text_is_drawn_at_print_size(demo_report):
    """Charts are drawn 656 px wide for a 174 mm column, so 12 px text prints at 9 pt."""
    from reports import figures
    built, _ = figures.print_figures(demo_report["results"])
    for name, fig in built.items():
        assert fig.layout.width == figures.PRINT_WIDTH, name
        sizes = [fig.layout.font.size] + [a.font.size for a in fig.layout.annotations if a.font.size]
        assert min(sizes) >= 12, name


def test_a_suppressed_agency_is_named_only_in_coverage_notes(demo_report):
    text = demo_report["text"]
    name = "County Board of Supervisors"
    assert next(a for a in demo_report["results"].agencies if a.name == name).suppressed
    assert text.count(name) == 3  # the coverage warning, the agencies table, how the agencies shown rate it
    assert f"not shown on their own (still counted in the jurisdiction's totals): {name} (2)." in text
    assert f"{name} Policymaker 2 fewer than 3 respondents" in text
    jail = "County Jail"
    assert text.count(jail) == 3
    assert ("with 3 or more respondents also not shown on their own, so that no smaller group's answers can be "
            f"worked out: {jail} (4).") in text


def test_without_chromium_the_report_still_renders_with_notes_and_tables(demo_report):
    with demo_report["app"].app_context():
        pdf = build_pdf(demo_report["results"], demo_report["app"].static_folder, browser=None)
    text = text_of(pdf)
    assert text.count("Chart not drawn.") == len(CHART_ALTS)
    assert "Chromium is not installed on this server" in text
    info = demo_report["results"].jurisdiction.profile.dimensions["information"]
    assert f"Exchanging information {info.score:.0f}" in text


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
    rounds.close_round(round_)  # the close publishes the agencies
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
    for step in ("Scoring the round", "Building the charts", "Drawing 5 charts", "Laying out the pages",
                 f"Wrote {output}"):
        assert step in result.output
    assert output.read_bytes().startswith(b"%PDF")
    missing = runner.invoke(args=["report", "99", "-o", str(output)])
    assert missing.exit_code == 1 and "no round with id 99" in missing.output


def contrast(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_every_text_colour_of_the_report_has_contrast_on_its_background():
    """WCAG 1.4.3 (4.5:1) for every colour the stylesheet gives text: on white, and in every banded cell
    (bands and roster levels), small groups' italic rows included."""
    import re
    from pathlib import Path

    css = (Path(__file__).parents[1] / "static" / "report.css").read_text()
    named = {"white": "#ffffff"}
    rules = [(selector.strip(), dict(re.findall(r"(?<![\w-])(color|background):\s*(#[0-9a-fA-F]{6}|white)", body)))
             for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]
    ink = "#1d2430"
    texts = {named.get(d["color"], d["color"]) for _, d in rules if "color" in d}
    cells = {}
    for selector, d in rules:
        for name in re.findall(r"\.(band-\w+|lvl-\d)", selector):
            if "background" in d and " " not in selector.strip():
                cells[name] = (named.get(d["background"], d["background"]), named.get(d.get("color", ink), ink))
    small = {name: next((named.get(d["color"], d["color"]) for s, d in rules
                         if s.startswith(".small td") and f".{name}" in s and "color" in d), None) for name in cells}
    small_default = next(named.get(d["color"], d["color"]) for s, d in rules if s == ".small td")
    checked = []
    for colour in texts - {"#ffffff"}:
        checked.append((colour, "#ffffff", contrast(colour, "#ffffff")))
    for name, (background, colour) in cells.items():
        checked.append((colour, background, contrast(colour, background)))
        italic = small[name] or small_default
        checked.append((italic, background, contrast(italic, background)))
    assert len(cells) == 8 and len(checked) == 2 * 8 + len(texts - {"#ffffff"})
    assert not [c for c in checked if c[2] < 4.5], [c for c in checked if c[2] < 4.5]


def test_a_table_that_runs_onto_another_page_is_one_table_with_its_caption(demo_report):
    """WeasyPrint tags a table split across pages as one table per page, the later ones without their caption; the
    report's finisher joins them, so that a screen reader meets each table once, captioned."""
    elements = structure(demo_report["pdf"])
    tables = [e for e in elements if e["/S"] == "/Table"]
    kids = [[k.get_object()["/S"] for k in t["/K"]] for t in tables]
    assert all("/Caption" in k for k in kids), kids
    html_tables = report_html_of(demo_report).count("<table")
    assert len(tables) == html_tables
    assert any(k.count("/TBody") > 1 for k in kids)  # the demo's item table runs onto a second page


def report_html_of(demo_report) -> str:
    from reports.pdf import report_html

    with demo_report["app"].app_context():
        from assessment.results import report as service
        round_ = db.session.merge(demo_report["round"])
        q = service.catalog.get(round_.questionnaire_id, round_.questionnaire_version)
        return report_html(demo_report["results"], {}, None, "Letter", guidance=q.guidance,
                           agreed=service.agreed_after(round_), said=service.said(round_))
