"""Comparing rounds: hand-worked changes, bootstrap intervals, suppression, pairs and comparability."""
import json

import pytest
import yaml

from assessment.scoring import score_round
from assessment.scoring.comparison import comparable_items, compare
from assessment.scoring.results import NotCompared
from questionnaires import load_text
from tests.scoring_data import round_data, small_questionnaire, small_questionnaire_data, uniform

Q = small_questionnaire()


def both(earlier, later, **kwargs):
    """The comparison as the JSON contract of `flask compare` gives it."""
    return compare(earlier, later, score_round(earlier), score_round(later), **kwargs).as_json()


def varied(values, agency="a"):
    return [(agency, "line_staff", uniform(Q, v)) for v in values]


def test_a_round_compared_with_itself_changes_nothing():
    data = round_data(Q, varied([2, 3, 4, 5, 3, 4]) + varied([1, 2, 4, 5], "b"))
    result = both(data, data, resamples=500)
    for figures in list(result["dimensions"].values()) + list(result["conditions"].values()):
        assert figures["change"] == 0.0
        assert figures["ci_low"] <= 0 <= figures["ci_high"] and not figures["excludes_zero"]
    assert result["agencies_left_out"] == 0
    for agency in result["agencies"]:
        for c in agency["change"].values():
            assert c["change"] == 0 and c["ci_low"] <= 0 <= c["ci_high"] and not c["excludes_zero"]
    assert not any(result["pairs"][k] for k in ("new_ties", "lost_ties", "level_up", "level_down"))


def test_hand_worked_change_with_no_spread():
    # before: everyone answers 3 (score 50) in agencies a and b; after: everyone answers 4 (score 75).
    # agency-weighted change 75 - 50 = 25; with no spread every resample gives 25, so the interval is [25, 25].
    before = round_data(Q, varied([3] * 5) + varied([3] * 5, "b"))
    after = round_data(Q, varied([4] * 5) + varied([4] * 5, "b"))
    result = both(before, after, resamples=200)
    info = result["dimensions"]["information"]
    assert (info["earlier"], info["later"], info["change"]) == pytest.approx((50.0, 75.0, 25.0))
    assert (info["ci_low"], info["ci_high"]) == pytest.approx((25.0, 25.0)) and info["excludes_zero"]
    # an agency's interval assumes a spread of 25 points, whatever its own: 25 +/- 1.96 x 25 x sqrt(2/5) = 25 +/- 31
    agency = result["agencies"][0]["change"]["information"]
    assert (agency["ci_low"], agency["ci_high"]) == pytest.approx((25 - 30.99, 25 + 30.99), abs=0.01)
    assert not agency["excludes_zero"]


def test_no_interval_for_a_round_of_fewer_than_ten():
    """The jurisdiction's change gets no interval when either round has fewer than 10 scores: a percentile
    bootstrap over a handful of people ends at their extreme scores."""
    before = round_data(Q, varied([2, 3, 4, 5, 3, 4]) + varied([1, 2, 4, 5], "b"))
    after = round_data(Q, varied([3, 4, 4]) + varied([2, 3, 5], "b"))
    info = both(before, after, resamples=200)["dimensions"]["information"]
    assert info["change"] is not None and info["ci_low"] is None and info["ci_high"] is None
    assert not info["excludes_zero"]


def test_an_agency_change_interval_says_nothing_of_its_members():
    """Attack: a facilitator compares a real round with a made-up one in which everyone of an agency of three
    scores 50. A percentile bootstrap inside the agency ended at its lowest and highest respondent (a resample
    picks the same person three times 1 time in 9 per end), so 50 minus each end gave their scores; an interval
    from the agency's own spread would give its SD, and with its mean the three scores as a set. The interval
    assumes the spread instead: any three scores with the same mean give the same interval."""
    made_up = round_data(Q, varied([3, 3, 3]) + varied([3, 3, 3], "b"))
    intervals = set()
    for scores in ([2, 3, 5], [3, 3, 4], [4, 4, 2]):  # 25, 50, 100 / 50, 50, 75 / 75, 75, 25: mean 58.33 each
        real = round_data(Q, varied(scores) + varied([3, 3, 4], "b"))
        change = both(real, made_up, resamples=200)["agencies"][0]["change"]["information"]
        intervals.add((round(change["ci_low"], 9), round(change["ci_high"], 9)))
    assert len(intervals) == 1
    [(low, high)] = intervals  # 50 - 58.33 = -8.33 +/- 1.96 x 25 x sqrt(2/3) = 40.01
    assert (low, high) == pytest.approx((-48.34, 31.67), abs=0.01)


def test_the_change_is_agency_weighted():
    # before: a = 50 (3 people), b = 50 (3 people). after: a = 100 (1 person), b = 50 (5 people).
    # agency-weighted: before 50, after (100 + 50) / 2 = 75, change +25 (respondent-weighted would give ~+8.3)
    before = round_data(Q, varied([3, 3, 3]) + varied([3, 3, 3], "b"), min_group_size=1)
    after = round_data(Q, varied([5]) + varied([3] * 5, "b"), min_group_size=1)
    assert both(before, after, resamples=100)["dimensions"]["information"]["change"] == pytest.approx(25.0)


def test_same_seed_same_interval():
    before = round_data(Q, varied([2, 3, 4, 5, 2, 4]) + varied([1, 3, 5, 4], "b"))
    after = round_data(Q, varied([3, 4, 4, 5, 3, 5]) + varied([2, 3, 5, 4], "b"))
    first = both(before, after, resamples=300, seed=7)["dimensions"]["activities"]
    again = both(before, after, resamples=300, seed=7)["dimensions"]["activities"]
    other = both(before, after, resamples=300, seed=8)["dimensions"]["activities"]
    assert (first["ci_low"], first["ci_high"]) == (again["ci_low"], again["ci_high"])
    assert (first["ci_low"], first["ci_high"]) != (other["ci_low"], other["ci_high"])
    assert first["ci_low"] <= first["change"] <= first["ci_high"]


def test_agencies_suppressed_in_either_round_are_left_out_and_counted():
    # b (2) and c (1) suppressed before, together 3: a is shown in both rounds
    before = round_data(Q, varied([3, 3, 3]) + varied([3, 3], "b") + varied([3], "c"), min_group_size=3)
    after = round_data(Q, varied([4, 4, 4]) + varied([4, 4, 4], "b") + varied([4, 4, 4], "c"), min_group_size=3)
    result = both(before, after, resamples=50)
    assert [a["slug"] for a in result["agencies"]] == ["a"] and result["agencies_left_out"] == 2
    change = result["agencies"][0]["change"]["information"]
    assert change["change"] == pytest.approx(25.0)
    assert result["agencies"][0]["n_earlier"] == 3 and result["agencies"][0]["n_later"] == 3
    assert all(a["slug"] != "b" for a in result["agencies"])


def test_pair_transitions():
    # before: a->b 0, b->a 0 (no tie); a->c 2, c->a 2. after: a<->b 2 (new tie, level up); a<->c 0 (lost tie)
    people = varied([3]) + varied([3], "b") + varied([3], "c")
    agencies = ["a", "b", "c"]
    before = round_data(Q, people, agencies=agencies, min_group_size=1,
                        roster=[(1, "b", 0), (2, "a", 0), (1, "c", 2), (3, "a", 2)])
    after = round_data(Q, people, agencies=agencies, min_group_size=1,
                       roster=[(1, "b", 2), (2, "a", 2), (1, "c", 0), (3, "a", 0)])
    pairs = both(before, after, resamples=20)["pairs"]
    assert [(p["a"], p["b"]) for p in pairs["new_ties"]] == [("a", "b")]
    assert [(p["a"], p["b"]) for p in pairs["lost_ties"]] == [("a", "c")]
    assert [(p["a"], p["b"]) for p in pairs["level_up"]] == [("a", "b")]
    assert [(p["a"], p["b"]) for p in pairs["level_down"]] == [("a", "c")]
    # 3 agencies, 3 pairs; ties at networking: before 1 (a-c), after 1 (a-b)
    assert pairs["density"]["networking"] == {"earlier": 1 / 3, "later": 1 / 3, "change": 0.0}


def test_items_that_changed_meaning_do_not_compare():
    data = small_questionnaire_data()
    for item in data["sections"][0]["items"]:
        if item["id"] == "inf1":
            item["text"] = "A different question altogether."
    data["version"] = 2
    v2 = load_text(yaml.safe_dump(data))
    same, same_after, different = comparable_items(Q, v2)
    assert "inf1" not in same and "inf2" in same and same == same_after
    assert different == [NotCompared("inf1", "worded, scored or scaled differently")]
    # scores compare on inf2 and inf3 only: inf1 answered 5 before and 1 after changes nothing
    before = round_data(Q, [("a", "line_staff", {**uniform(Q, 3), "inf1": 5})] * 3)
    after = round_data(v2, [("a", "line_staff", {**uniform(v2, 3), "inf1": 1})] * 3)
    result = both(before, after, resamples=20)
    assert result["dimensions"]["information"]["change"] == pytest.approx(0.0)
    assert result["dimensions"]["information"]["items_changed"] == ["inf1"]
    assert result["dimensions"]["activities"]["items_changed"] == []


@pytest.mark.demo
def test_compare_command_on_the_demo(runner):
    result = runner.invoke(args=["compare", "1", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["earlier"]["title"] == "Baseline survey 2024" and data["later"]["title"] == "Follow-up survey 2025"
    assert data["resamples"] == 2000 and data["not_comparable"] == []
    improved = [d for d, f in data["dimensions"].items() if f["change"] > 0 and f["excludes_zero"]]
    assert len(improved) >= 3
    # the county board, below the minimum in both rounds, and the county jail, hidden with it in both
    assert data["agencies_left_out"] == 2
    for hidden in ("county-board-of-supervisors", "county-jail"):
        assert hidden not in json.dumps(data["agencies"]) and hidden not in json.dumps(data["pairs"])
    carried = {c["dimension"]: c for c in data["commitments"]}
    assert set(carried) == {"information", "capacity", "resources"}
    assert carried["information"]["movement"] == data["dimensions"]["information"]
    refused = runner.invoke(args=["compare", "2", "2"])
    assert refused.exit_code == 1 and "two different rounds" in refused.output


@pytest.mark.demo
def test_report_with_a_comparison_names_no_suppressed_agency(runner, tmp_path):
    import io

    import pypdf

    output = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "2", "--compare", "1", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "Comparing with Baseline survey 2024" in result.output
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(output.read_bytes())).pages)
                    .split())
    assert "Change since Baseline survey 2024" in text and "Change per dimension and condition" in text
    assert "Since Baseline survey 2024 Level: Networking (emerging) then, Coordination (emerging) now." in text
    assert "unlikely to be chance" in text and "a real change" not in text
    assert "Commitments from Baseline survey 2024" in text and "Response rate by sector, then → now" in text
    assert "Start monthly joint case staffing" in text
    assert "LEVEL ON THE CONTINUUM" in text
    # the coverage warning, the agencies table, and the roster's column of how the agencies shown rate it
    assert text.count("County Board of Supervisors") == 3


@pytest.mark.demo
def test_three_closed_rounds_get_a_trend(app, runner, tmp_path):
    """A third closed round (the follow-up's answers restored again as a new round) adds a trend to the
    comparison."""
    from assessment.interchange import backup
    from assessment.services import lookups

    document = backup.export_round(lookups.get_round(2))
    document["round"]["title"] = "Second follow-up 2026"
    document["invitations"], document["commitments"] = [], []
    third = backup.import_round(document)
    data = json.loads(runner.invoke(args=["compare", "2", str(third.id)]).output)
    assert [r["title"] for r in data["trend"]] == ["Baseline survey 2024", "Follow-up survey 2025",
                                                   "Second follow-up 2026"]
    assert data["trend"][1]["dimensions"] == pytest.approx(data["trend"][2]["dimensions"])  # the same answers
    two = json.loads(runner.invoke(args=["compare", "1", "2"]).output)
    assert two["trend"] == []  # only two closed rounds up to the follow-up

    output = tmp_path / "trend.pdf"
    assert runner.invoke(args=["report", str(third.id), "--compare", "2", "-o", str(output)]).exit_code == 0
    import io

    import pypdf
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(output.read_bytes())).pages)
                    .split())
    assert "Dimension scores in each closed round" in text


def test_an_item_that_replaces_an_earlier_one_compares_with_it():
    data = small_questionnaire_data()
    items = data["sections"][0]["items"]
    first = next(i for i in items if i["id"] == "inf1")
    first.update(id="inf1_v2", text="The same idea, newly worded.", replaces="inf1")
    act1 = next(i for i in items if i["id"] == "act1")
    act1.update(id="act1_v2", replaces="act1", dimension="capacity")  # claims to replace, but measures elsewhere
    data["version"] = 2
    v2 = load_text(yaml.safe_dump(data))
    same_before, same_after, different = comparable_items(Q, v2)
    assert "inf1" in same_before and "inf1_v2" in same_after
    assert NotCompared("act1", "replaced by act1_v2, which measures something else") in different
    # inf1 answered 1 before and its replacement 5 after: information moves; all else stays at 3
    before = round_data(Q, [("a", "line_staff", {**uniform(Q, 3), "inf1": 1})] * 3)
    after = round_data(v2, [("a", "line_staff", {**uniform(v2, 3), "inf1_v2": 5})] * 3)
    info = both(before, after, resamples=20)["dimensions"]["information"]
    # before: (0 + 50 + 50) / 3 = 33.3; after: (100 + 50 + 50) / 3 = 66.7
    assert info["change"] == pytest.approx(100 / 3)


def test_replaces_is_validated():
    data = small_questionnaire_data()
    data["sections"][0]["items"][0]["replaces"] = "Not An Id"
    with pytest.raises(Exception, match="replaces must name the id of an earlier Likert item"):
        load_text(yaml.safe_dump(data))


def test_a_change_made_by_the_agencies_not_shown_says_so():
    """a and b (four each) stay at 50; c and d (two each, hidden, pooled) move from 50 to 100. Agency-weighted:
    (50 + 50 + 2 x 100) / 4 = 75, a change of +25, all of it the pool's: 2 x 100 / 4 - 2 x 50 / 4 = 25."""
    before = round_data(Q, varied([3] * 4) + varied([3] * 4, "b") + varied([3] * 2, "c") + varied([3] * 2, "d"))
    after = round_data(Q, varied([3] * 4) + varied([3] * 4, "b") + varied([5] * 2, "c") + varied([5] * 2, "d"))
    info = both(before, after, resamples=100)["dimensions"]["information"]
    assert info["change"] == pytest.approx(25.0) and info["from_hidden"] == pytest.approx(25.0)
    from dataclasses import replace

    from assessment.scoring.results import RoundRef
    from reports import content

    earlier, later = score_round(before), score_round(after)
    comparison = replace(compare(before, after, earlier, later, resamples=100), earlier=RoundRef(1, "Then", 1))
    row = content.build(later, comparison)["change"]["dimensions"][0]
    assert row["hidden"] == "the agencies not shown on their own moved it by +25, the others by 0"
