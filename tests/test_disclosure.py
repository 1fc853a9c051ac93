"""Confidentiality that survives subtraction: the disclosure auditor (tests/disclosure_auditor.py) against every
output, hand-built worst cases, generated jurisdictions, exact thresholds, and the four attacks of the issue."""
import csv
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from assessment import catalog, demo
from assessment.accounts import accounts
from assessment.db import db
from assessment.models import Response, Round
from assessment.people import invitations
from assessment.results import frames, releases
from assessment.results.scores import round_scores
from assessment.rounds import rounds
from assessment.scoring import RoundData, respondent_scores, score_round
from assessment.scoring.continuum import band, place
from assessment.scoring.results import RoundInfo, replace
from assessment.services import lookups
from assessment.vocabulary import RoleLevel, Sector
from reports.pdf import report_html
from tests.console.conftest import PASSWORD, sign_in
from tests.disclosure_auditor import Auditor, Person, collect_page, collect_results, collect_score_table
from tests.scoring_data import round_data, scored, small_questionnaire, uniform
from tests.support.survey import submit_through_services

Q = small_questionnaire()
CONSTRUCTS = [c.id for c in Q.dimensions + Q.conditions]
ROLES = [r.value for r in RoleLevel]


# --- the auditor over pure results -------------------------------------------------------------------------------

def people_of(data: RoundData) -> list[Person]:
    table = respondent_scores(data)
    sectors = dict(zip(data.agencies["slug"], data.agencies["sector"]))
    return [Person(int(r.respondent), r.agency, sectors[r.agency], r.role_level,
                   frozenset(c for c in table.columns if not np.isnan(table.at[r.respondent, c])))
            for r in data.respondents.itertuples(index=False)]


def group_names(results: dict, auditor: Auditor) -> dict[str, list]:
    """Headings a page or report may print for a group -> the group's people."""
    names = {a["name"]: auditor.members(agency=a["slug"]) for a in results["agencies"]}
    names.update({s["label"]: auditor.members(sector=s["id"]) for s in results["sectors"]})
    names.update({r["label"]: auditor.members(role=r["id"]) for r in results["role_levels"]})
    names.update({c["label"]: auditor.members(sector=c["sector"], role=c["role_level"])
                  for c in results.get("sector_roles", [])})
    return names


def audit(data: RoundData) -> Auditor:
    """Everything the scores JSON and the report publish for a round, through the auditor."""
    results = score_round(data)
    published = results.as_json()
    auditor = Auditor(people_of(data), CONSTRUCTS, data.min_group_size)
    collect_results(auditor, published, {})
    if results.published:
        named = replace(results, round=RoundInfo(1, "Round", "closed", Q.id, Q.version, None, None),
                        jurisdiction=replace(results.jurisdiction, name="County"))
        collect_page(auditor, report_html(named, {}, None), group_names(published, auditor), "report")
    return auditor


def sized(agencies: dict[str, tuple[str, list[str]]], k: int = 3, answers=None) -> RoundData:
    """`agencies`: slug -> (sector, one role per respondent)."""
    people = []
    rng = np.random.default_rng(7)
    for slug, (_, roles) in agencies.items():
        for role in roles:
            people.append((slug, role, answers or uniform(Q, int(rng.integers(1, 6)))))
    frame = pd.DataFrame({"slug": list(agencies), "name": [s.title() for s in agencies],
                          "sector": [sector for sector, _ in agencies.values()]})
    return round_data(Q, people, agencies=frame, min_group_size=k)


def test_the_auditor_finds_what_a_naive_publication_gives_away():
    """The check can fail: every group published whatever its size (a minimum of 1), audited against 3."""
    data = sized({"big": ("treatment", ["line_staff"] * 5), "one": ("judiciary", ["line_staff"])}, k=1)
    auditor = audit(data)
    auditor.k = 3
    found = {e.group for e in auditor.exposures()}
    assert "agency one" in found and "respondent 6" in found


def test_the_auditor_reads_a_subtraction_the_old_rule_allowed():
    """The rule as it stood (hide only groups below k, the mean of every agency's mean) gives a hidden agency away:
    the auditor sees it from the published figures alone."""
    data = sized({"a": ("treatment", ["line_staff"] * 4), "b": ("judiciary", ["line_staff"] * 4),
                  "c": ("defense", ["line_staff"] * 2)})
    people = people_of(data)
    auditor = Auditor(people, CONSTRUCTS, 3)
    auditor.mean(people)
    for slug in ("a", "b"):
        auditor.mean(auditor.members(agency=slug))
    assert {e.group for e in auditor.exposures()} >= {"agency c", "sector defense"}


WORST_CASES = {
    "one agency of 1": {"a": ("treatment", ["line_staff"] * 5), "b": ("judiciary", ["line_staff"] * 6),
                        "c": ("defense", ["line_staff"])},
    "two agencies of 1 and 2": {"a": ("treatment", ["line_staff"] * 5), "b": ("judiciary", ["line_staff"] * 4),
                                "c": ("defense", ["line_staff"]), "d": ("prosecution", ["supervisor"] * 2)},
    "a sector of two agencies": {"a": ("law_enforcement", ["line_staff"] * 5),
                                 "b": ("law_enforcement", ["line_staff"] * 2), "c": ("defense", ["line_staff"]),
                                 "d": ("treatment", ["line_staff"] * 4), "e": ("judiciary", ["line_staff"] * 4)},
    "a role level of 1 in a large agency": {"a": ("treatment", ["line_staff"] * 12 + ["executive"]),
                                            "b": ("judiciary", ["line_staff"] * 4 + ["supervisor"] * 3)},
    "hidden agencies of different sizes": {"a": ("treatment", ["line_staff"] * 6),
                                           "b": ("judiciary", ["line_staff"]),
                                           "c": ("defense", ["line_staff"] * 2),
                                           "d": ("prosecution", ["line_staff"] * 5)},
}


@pytest.mark.parametrize("case", list(WORST_CASES))
def test_worst_cases_expose_no_small_group(case):
    data = sized(WORST_CASES[case])
    auditor = audit(data)
    assert auditor.exposures() == [], [str(e) for e in auditor.exposures()]


def test_worst_cases_hide_what_they_must_and_show_the_rest():
    results = scored(sized(WORST_CASES["a sector of two agencies"]))
    law = next(s for s in results["sectors"] if s["id"] == "law_enforcement")
    assert law["suppressed"] and law["reason"] == "complementary"  # law enforcement minus a would be b
    assert not next(a for a in results["agencies"] if a["slug"] == "a")["suppressed"]

    # the executive (1) is the jurisdiction minus line staff and supervisors, and agency a minus its line staff,
    # which is the line staff minus b's: so the line staff total goes, and a's line-staff cell with it
    results = scored(sized(WORST_CASES["a role level of 1 in a large agency"]))
    roles = {r["id"]: r for r in results["role_levels"]}
    assert roles["executive"]["reason"] == "below_minimum" and roles["line_staff"]["reason"] == "complementary"
    assert not roles["supervisor"]["suppressed"]
    assert not any(a["suppressed"] for a in results["agencies"])

    results = scored(sized(WORST_CASES["two agencies of 1 and 2"]))
    assert [a["reason"] for a in results["agencies"]] == [None, None, "below_minimum", "below_minimum"]


agency_sizes = st.lists(st.integers(1, 20), min_size=2, max_size=6)


@st.composite
def generated_jurisdictions(draw):
    sizes = draw(agency_sizes)
    sectors = draw(st.lists(st.sampled_from([s.value for s in Sector][:4]), min_size=len(sizes),
                            max_size=len(sizes)))
    agencies = {f"agency-{n}": (sector, draw(st.lists(st.sampled_from(ROLES), min_size=size, max_size=size)))
                for n, (size, sector) in enumerate(zip(sizes, sectors))}
    people = []
    for slug, (_, roles) in agencies.items():
        for role in roles:
            answers = {i.id: draw(st.sampled_from([1, 2, 3, 4, 5, 5, 4, "DK"])) for i in Q.items if i.type == "likert"}
            people.append((slug, role, answers))
    frame = pd.DataFrame({"slug": list(agencies), "name": [s.title() for s in agencies],
                          "sector": [sector for sector, _ in agencies.values()]})
    return round_data(Q, people, agencies=frame, min_group_size=draw(st.integers(2, 5)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated_jurisdictions())
def test_generated_jurisdictions_expose_no_small_group(data):
    auditor = audit(data)
    assert auditor.exposures() == [], [str(e) for e in auditor.exposures()]


# --- exact thresholds ----------------------------------------------------------------------------------------

def information(points: tuple[int, int, int]) -> dict:
    """Answers whose information items score `points` (0-100 each; inf3 is reverse-coded)."""
    first, second, third = (p // 25 + 1 for p in points)
    return {"inf1": first, "inf2": second, "inf3": 6 - third}


def agencies_scoring(*agencies) -> RoundData:
    return round_data(Q, [(f"agency-{n}", "line_staff", information(points))
                          for n, respondents in enumerate(agencies) for points in respondents])


def test_a_jurisdiction_at_exactly_75_is_established():
    # agency means 725/9, 725/9 and 575/9: exactly 75, which floating point adds up to 74.99999999999999
    data = agencies_scoring([(75, 100, 100), (0, 100, 100), (50, 100, 100)],
                            [(50, 100, 100), (50, 75, 100), (75, 75, 100)],
                            [(25, 75, 75), (100, 100, 100), (25, 25, 50)])
    info = scored(data)["jurisdiction"]["dimensions"]["information"]
    assert info["score"] == pytest.approx(75) and info["band"] == "established"
    assert band(74.99999999999999) == "established"


def test_exactly_50_is_emerging_and_not_fragmented():
    # agency means 400/9, 400/9 and 550/9: exactly 50, which floating point adds up to 49.99999999999999
    data = agencies_scoring([(25, 25, 75), (25, 50, 50), (50, 50, 50)],
                            [(25, 25, 75), (0, 50, 75), (0, 50, 100)],
                            [(75, 75, 100), (50, 50, 75), (0, 25, 100)])
    j = scored(data)["jurisdiction"]
    assert j["dimensions"]["information"]["band"] == "emerging" and j["level"] == "networking"
    assert place(["information"], {"information": 49.99999999999999})["level"] == "networking"


def test_a_perception_gap_of_exactly_one_is_a_gap():
    # a rates b 1, 2, 2 (5/3); b rates a 2, 3, 3 (8/3): the gap is exactly 1
    people = [("a", "line_staff", {})] * 3 + [("b", "line_staff", {})] * 3
    roster = [(1, "b", 1), (2, "b", 2), (3, "b", 2), (4, "a", 2), (5, "a", 3), (6, "a", 3)]
    pair = scored(round_data(Q, people, roster=roster))["pairs"]["symmetric"][0]
    assert 8 / 3 - 5 / 3 < 1  # as floats
    assert pair["perception_gap"] and abs(pair["gap"]) == 1


# --- every output of a real round, through HTTP ------------------------------------------------------------------

def stored_round_data(round_: Round) -> RoundData:
    """The answers the round's latest release publishes."""
    return frames.round_data(round_, releases.latest(round_))


def truth(round_: Round) -> list[Person]:
    """Who answered what, from the database: what an insider knows and the auditor needs to check against."""
    data = stored_round_data(round_)
    return people_of(data)


def score_rows(text: str) -> tuple[list[str], list[list]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


@pytest.fixture
def demo_console(app, client):
    accounts.create_user("admin@test.org", PASSWORD, "admin")
    sign_in(client, "admin@test.org")
    return client


@pytest.mark.demo
def test_every_output_of_the_demo_round_exposes_no_small_group(app, demo_console):
    client = demo_console
    round_ = db.session.get(Round, 2)
    q = catalog.of_round(round_)
    q_constructs = [c.id for c in q.dimensions + q.conditions]
    auditor = Auditor(truth(round_), q_constructs, round_.min_group_size)
    results = client.get("/api/rounds/2/scores").get_json()
    collect_results(auditor, results, {})
    exported = client.get("/console/rounds/2/export/scores.csv").get_data(as_text=True)
    collect_score_table(auditor, *score_rows(exported))
    book = openpyxl.load_workbook(io.BytesIO(client.get("/console/rounds/2/export/scores.xlsx").data))
    sheet = list(book["scores"].iter_rows(values_only=True))
    collect_score_table(auditor, list(sheet[0]), [list(r) for r in sheet[1:]])
    names = group_names(results, auditor)
    queries = [""] + [f"?sector={s['id']}" for s in results["sectors"]] + [f"?role={r}" for r in ROLES]
    queries += [f"?sector={s['id']}&role={r}" for s in results["sectors"] for r in ROLES]
    for query in queries:
        page = client.get(f"/console/rounds/2/results{query}")
        assert page.status_code == 200
        collect_page(auditor, page.get_data(as_text=True), names, f"results{query}")
    collect_page(auditor, report_html(round_scores(round_), {}, None), names, "report")
    assert len(auditor.notes) > 40  # the pages and exports were read
    assert auditor.exposures() == [], [str(e) for e in auditor.exposures()]

    comparison = json.loads(app.test_cli_runner().invoke(args=["compare", "1", "2"]).output)
    earlier = client.get("/api/rounds/1/scores").get_json()
    shown_both = ({a["slug"] for a in earlier["agencies"] if not a["suppressed"]}
                  & {a["slug"] for a in results["agencies"] if not a["suppressed"]})
    assert {a["slug"] for a in comparison["agencies"]} == shown_both
    for d, figures in comparison["dimensions"].items():
        assert figures["earlier"] == pytest.approx(earlier["jurisdiction"]["dimensions"][d]["score"])
        assert figures["later"] == pytest.approx(results["jurisdiction"]["dimensions"][d]["score"])


@pytest.mark.demo
def test_subtraction_gives_the_pool_not_the_hidden_agency(app, demo_console):
    """Attack 2: K x (agency-weighted score) - (the shown agencies' scores), and the respondent-weighted mean times
    n minus the shown agencies' sums, give the hidden agencies together, never the one below the minimum."""
    results = demo_console.get("/api/rounds/2/scores").get_json()
    data = stored_round_data(db.session.get(Round, 2))
    table = respondent_scores(data).assign(agency=data.respondents["agency"].to_numpy())
    shown = [a for a in results["agencies"] if not a["suppressed"]]
    hidden = [a["slug"] for a in results["agencies"] if a["suppressed"]]
    assert "county-board-of-supervisors" in hidden and len(hidden) >= 2
    for construct in ("information", "capacity"):
        j = results["jurisdiction"]["dimensions"][construct]
        agencies = table.dropna(subset=[construct])["agency"].nunique()
        remainder = agencies * j["score"] - sum(a["dimensions"][construct]["score"] for a in shown)
        board = table.loc[table["agency"] == "county-board-of-supervisors", construct].mean()
        assert remainder != pytest.approx(board)
        assert remainder == pytest.approx(len(hidden) * table.loc[table["agency"].isin(hidden), construct].mean())
        hidden_sum = j["respondent_weighted"] * j["n"] - sum(a["dimensions"][construct]["score"]
                                                            * a["dimensions"][construct]["n"] for a in shown)
        assert hidden_sum == pytest.approx(table.loc[table["agency"].isin(hidden), construct].sum())
        assert hidden_sum != pytest.approx(table.loc[table["agency"] == "county-board-of-supervisors", construct].sum())


def scores_without_coverage(client, round_id: int) -> dict:
    published = client.get(f"/api/rounds/{round_id}/scores").get_json()
    return {k: v for k, v in published.items() if k not in ("coverage", "snapshot")}


@pytest.mark.demo
def test_an_open_round_publishes_releases_not_a_live_feed(app, demo_console):
    """Attacks 1 and 3: one submission shows nothing; reading before and after a submission tells nothing; the
    results move in releases of at least k, and the close publishes no step smaller than k: the one submission
    that came after the last release stays out of the final results, which say so."""
    client = demo_console
    round_ = demo.open_demo_round()
    probation = lookups.find_agency(round_.jurisdiction, "adult-probation-and-parole")
    tokens = invitations.issue_invitations(round_, probation, RoleLevel.LINE_STAFF, 7)
    readings = [scores_without_coverage(client, round_.id)]
    for n, token in enumerate(tokens, start=1):
        submit_through_services(token, likert=float(1 + n % 5))
        readings.append(scores_without_coverage(client, round_.id))
        if n < round_.min_group_size:  # 1, 2 (= k - 1) submissions: no score, no item, no group figure
            published = readings[-1]
            assert published["jurisdiction"]["suppressed"] and published["items"] == []
            assert not any("dimensions" in a for a in published["agencies"])
    assert readings[1] == readings[2] == readings[0]
    assert readings[3] != readings[2]  # the first snapshot: 3
    assert readings[4] == readings[5] == readings[3]
    assert readings[6] != readings[5]  # the second: 6
    assert readings[7] == readings[6]
    state = client.get(f"/api/rounds/{round_.id}/scores").get_json()
    assert state["snapshot"]["responses"] == 6 and state["snapshot"]["waiting"] == 1
    assert state["coverage"]["overall"]["submitted"] == 7  # coverage stays live
    page = client.get(f"/console/rounds/{round_.id}/results").get_data(as_text=True)
    assert "holding 6 responses" in page and "1 later submission will join them" in page
    closing = rounds.close_round(round_)
    assert closing.left_out == 1
    final = client.get(f"/api/rounds/{round_.id}/scores").get_json()
    assert final["jurisdiction"]["n"] == 6 and final["snapshot"]["final"] and final["snapshot"]["waiting"] == 1
    # the jurisdiction stands where the last release left it; the close adds the breakdown of the same six
    assert final["jurisdiction"] == readings[6]["jurisdiction"] and final["items"] == readings[6]["items"]
    assert readings[6]["agencies"][0]["reason"] == "when_closed"
    assert not next(a for a in final["agencies"] if a["slug"] == "adult-probation-and-parole")["suppressed"]
    stored = db.session.scalars(select(Response).where(Response.round_id == round_.id)).all()
    assert sorted((r.released_in or 0 for r in stored if r.status.value == "submitted")) == [0] + [1] * 3 + [2] * 3
    page = client.get(f"/console/rounds/{round_.id}/results").get_data(as_text=True)
    assert "1 submission that came after the last release is not in them" in page


@pytest.mark.demo
def test_a_raw_export_attributes_no_row_to_a_small_group(app, demo_console):
    """A raw row carries an agency or a role level only where that group holds at least k of the published
    respondents (each row is one of at least k people), and the file says how many it leaves out."""
    text = demo_console.get("/console/rounds/2/export/responses-wide.csv?confirmed=yes").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    people = truth(db.session.get(Round, 2))
    for agency, role in {(row["agency"], row["role_level"]) for row in rows}:
        holding = [p for p in people if (agency == "other agencies" or p.agency == agency)
                   and (not role or p.role == role)]
        assert len(holding) >= 3, (agency, role)
    assert not {"county-board-of-supervisors", "county-jail"} & {row["agency"] for row in rows}
    book = openpyxl.load_workbook(io.BytesIO(
        demo_console.get("/console/rounds/2/export/responses-wide.xlsx?confirmed=yes").data))
    notes = " ".join(str(r[0]) for r in book["notes"].iter_rows(values_only=True))
    total = round_scores(db.session.get(Round, 2)).jurisdiction.n
    assert f"{len(rows)} published responses are in these files" in notes
    assert f"{total - len(rows)} published responses are left out" in notes
