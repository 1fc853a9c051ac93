"""`flask scores`: the demo round scored end to end from the database, as JSON and CSV."""
import csv
import io
import json

import pytest
from sqlalchemy import select

from assessment.db import db
from assessment.models import Round
from assessment.vocabulary import RoundStatus
from reports import words


@pytest.fixture
def demo_round(app):
    return db.session.scalars(select(Round).where(Round.status == RoundStatus.CLOSED).order_by(Round.id)).all()[-1]


@pytest.mark.demo
def test_json_holds_the_documented_shape(runner, demo_round):
    result = runner.invoke(args=["scores", str(demo_round.id), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["round"] == {"id": demo_round.id, "title": "Follow-up survey 2025", "status": "closed",
                             "questionnaire_id": "collaboration_readiness", "questionnaire_version": 1,
                             "opens_at": "2025-10-01", "closes_at": "2025-10-29"}
    j = data["jurisdiction"]
    assert j["name"] == "Demo County" and j["n"] == 50
    assert set(j["dimensions"]) == {"information", "activities", "resources", "capacity"}
    assert set(j["conditions"]) == {"trust", "time", "turf", "leadership"}
    for figures in list(j["dimensions"].values()) + list(j["conditions"].values()):
        assert set(figures) == {"score", "respondent_weighted", "n", "sd", "band"}
        assert isinstance(figures["score"], float)
    assert j["level"] in ("fragmented", "networking", "coordination", "cooperation", "collaboration")
    assert {"qualifier", "nested", "next_step", "readiness_index"} <= set(j)
    assert len(data["agencies"]) == 10
    for key in ("role_levels", "sectors", "pairs", "network", "reliability", "coverage", "items"):
        assert data[key], key
    assert {"from", "to", "rating"} <= set(data["pairs"]["directed"][0])
    assert {"a", "b", "level", "gap"} <= set(data["pairs"]["symmetric"][0])
    assert set(data["reliability"]["information"]) >= {"alpha", "n", "items"}
    assert "NaN" not in result.output


@pytest.mark.demo
def test_the_demo_agency_below_the_minimum_is_suppressed_everywhere(runner, demo_round):
    data = json.loads(runner.invoke(args=["scores", str(demo_round.id)]).output)
    board = next(a for a in data["agencies"] if a["slug"] == "county-board-of-supervisors")
    assert board == {"slug": "county-board-of-supervisors", "name": "County Board of Supervisors",
                     "sector": "policymaker", "n": 2, "suppressed": True, "reason": "below_minimum",
                     "reason_text": "fewer than 3 respondents"}
    jail = next(a for a in data["agencies"] if a["slug"] == "county-jail")
    assert jail["suppressed"] and jail["reason"] == "complementary" and "dimensions" not in jail
    assert all(r["from"] != board["slug"] for r in data["pairs"]["directed"])
    policymakers = next(s for s in data["sectors"] if s["id"] == "policymaker")
    assert policymakers["suppressed"] and "dimensions" not in policymakers

    rows = list(csv.DictReader(io.StringIO(runner.invoke(args=["scores", str(demo_round.id), "--format", "csv"])
                                           .output)))
    board_rows = [r for r in rows if r["group"] == "county-board-of-supervisors"]
    assert len(board_rows) == 1 and board_rows[0]["shown"] == "no"
    assert board_rows[0]["score"] == "" and board_rows[0]["n"] == "2"
    assert board_rows[0]["reason"] == "fewer than 3 respondents"


@pytest.mark.demo
def test_csv_rows_match_the_json(runner, demo_round):
    data = json.loads(runner.invoke(args=["scores", str(demo_round.id)]).output)
    rows = list(csv.DictReader(io.StringIO(runner.invoke(args=["scores", str(demo_round.id), "--format", "csv"])
                                           .output)))
    jurisdiction_info = next(r for r in rows if r["scope"] == "jurisdiction" and r["construct"] == "information")
    exact = data["jurisdiction"]["dimensions"]["information"]["score"]
    assert float(jurisdiction_info["score"]) == float(words.score(exact))  # as the report prints it
    interval = data["jurisdiction"]["intervals"]["information"]
    assert float(jurisdiction_info["ci_low"]) == float(words.score(interval["low"]))
    assert float(jurisdiction_info["ci_high"]) == float(words.score(interval["high"]))
    assert jurisdiction_info["level"] == data["jurisdiction"]["level"]
    scopes = {r["scope"] for r in rows}
    assert scopes == {"jurisdiction", "agency", "sector", "role_level", "sector_role"}


@pytest.mark.demo
def test_the_later_demo_round_is_better_on_most_dimensions(app):
    from assessment.results.scores import round_scores
    first, second = db.session.scalars(select(Round).where(Round.status == RoundStatus.CLOSED)
                                       .order_by(Round.id)).all()
    before, after = round_scores(first).jurisdiction.profile, round_scores(second).jurisdiction.profile
    better = [d for d in before.dimensions if after.dimensions[d].score > before.dimensions[d].score]
    assert len(better) >= 3
    assert after.readiness_index > before.readiness_index


def test_unknown_round(runner):
    result = runner.invoke(args=["scores", "999"])
    assert result.exit_code == 1 and "no round with id 999" in result.output
