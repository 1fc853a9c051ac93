"""What the report says, from scoring results built by hand: no database, no browser, no PDF."""
import pandas as pd
import pytest
import yaml

from assessment.scoring import score_round
from questionnaires import load_text
from questionnaires.schema import Concern, Guidance
from reports import content, findings, words
from reports.decisions import decisions
from reports.recommendations import recommendations
from tests.scoring_data import round_data, small_questionnaire_data


@pytest.mark.parametrize("value, low, high, expected", [
    (73, 70, 76, "it may already be established"),
    (76, 72, 80, "it may still be emerging"),
    (48, 45, 52, "it may already be emerging"),
    (52, 49.5, 55, "it may still be concern"),
    (60, 50, 70, ""),        # 50 is in the emerging band: an interval from exactly 50 does not cross the cut
    (74, 70, 75, "it may already be established"),  # reaching exactly 75 reaches the established band
    (None, 1, 2, ""),
])
def test_what_an_interval_leaves_open(value, low, high, expected):
    assert findings.open_question(value, low, high) == expected


@pytest.mark.parametrize("comparisons, expected", [(1, "5%"), (8, "34%"), (20, "64%")])
def test_the_chance_that_one_of_several_intervals_excludes_zero_by_chance(comparisons, expected):
    assert words.chance_of_one(comparisons) == expected


def test_numbers_as_printed():
    assert (words.signed(-0.4), words.signed(12.6), words.signed(None)) == ("0", "+13", "–")
    assert words.joined(["a", "b", "c"]) == "a, b and c" and words.joined(["a"]) == "a"
    assert words.small(5) and not words.small(6)


def questionnaire():
    """The small test questionnaire, with short labels, item practices and guidance like the shipped one."""
    data = small_questionnaire_data()
    for item in data["sections"][0]["items"]:
        if item["type"] == "likert":
            item.update(short=f"short {item['id']}", practice=f"do {item['id']}")
    data["conditions"][0]["practices"] = ["trust practice"]
    data["guidance"] = {
        "perception_gaps": ["talk it through"], "weak_ties": ["introduce them"], "declines": ["ask why"],
        "tensions": [{"id": "court", "label": "Court roles", "description": "Opposed in court.",
                      "sectors": ["prosecution", "defense"], "items": ["tru1"], "practices": ["agree the rules"]}],
        "principles": [{"id": "monitoring_evaluation", "label": "Monitoring", "description": "Measure.",
                        "practices": ["repeat the survey"]}],
    }
    return load_text(yaml.safe_dump(data))


def answers(q, dims: dict, trust: int) -> dict:
    """Every item of a dimension answered so that its scored value is dims[dimension]; trust items `trust`."""
    out = {}
    for item in q.items:
        if item.type != "likert":
            continue
        value = dims.get(item.construct, trust)
        out[item.id] = 6 - value if item.reverse else value
    return out


def results_of(agencies: dict, roster=None, sectors=None):
    """`agencies`: slug -> list of (dimension values, trust value), one per respondent."""
    q = questionnaire()
    people = [(slug, "line_staff", answers(q, dims, trust)) for slug, rows in agencies.items() for dims, trust in rows]
    slugs = sorted(agencies)
    frame = pd.DataFrame({"slug": slugs, "name": [s.title() for s in slugs],
                          "sector": [(sectors or {}).get(s, "treatment") for s in slugs]})
    return q, score_round(round_data(q, people, agencies=frame, roster=roster))


LOW_INFO = {"information": 3, "activities": 3, "resources": 2, "capacity": 2}


def test_decisions_answer_the_next_step_the_costliest_condition_and_the_widest_gap():
    # a and b, three people each: information emerging (50), resources and capacity concern (25), trust concern
    rows = [(LOW_INFO, 2)] * 3
    roster = [(1, "b", 3), (2, "b", 3), (3, "b", 3), (4, "a", 1), (5, "a", 1), (6, "a", 1)]  # a sees 3, b sees 1
    q, results = results_of({"a": rows, "b": rows}, roster=roster)
    made = decisions(results, q.guidance)
    assert len(made) == 3
    step, condition, pair = made
    assert step.dimension == "information" and step.action == "do inf1"  # the lowest item's own practice
    assert "the next step up the continuum" in step.finding
    assert condition.action == "do tru1" and "Trust scores 25" in condition.finding
    assert condition.dimension == "information"  # it serves the next step, for a commitment
    assert pair.action == "talk it through" and pair.who == "A and B"
    assert "A rates its relationship with B at 3.0 of 4; B rates it at 1.0" in pair.finding


def test_without_gaps_the_weakest_tie_is_proposed_with_an_agency_that_could_broker_it():
    rows = [(LOW_INFO, 4)] * 3
    # a-c and b-c at coordination both ways; a-b no contact both ways
    roster = [(n, t, v) for n, t, v in
              [(1, "b", 0), (2, "b", 0), (3, "b", 0), (4, "a", 0), (5, "a", 0), (6, "a", 0)]
              + [(n, "c", 2) for n in range(1, 7)] + [(n, t, 2) for n in (7, 8, 9) for t in ("a", "b")]]
    q, results = results_of({"a": rows, "b": rows, "c": rows}, roster=roster)
    made = decisions(results, q.guidance)
    tie = made[-1]
    assert tie.action == "introduce them" and tie.who == "A, B and C"
    assert "C works with both at coordination or above" in tie.finding


def test_a_dimension_that_fell_by_more_than_chance_comes_first():
    from assessment.scoring.comparison import compare
    q = questionnaire()
    before_rows = [({"information": 4, "activities": 4, "resources": 4, "capacity": 4}, 4)] * 10
    after_rows = [({"information": 2, "activities": 4, "resources": 4, "capacity": 4}, 4)] * 10  # 10: an interval
    people = lambda rows: [("a", "line_staff", answers(q, d, t)) for d, t in rows]  # noqa: E731
    before, after = round_data(q, people(before_rows)), round_data(q, people(after_rows))
    earlier, later = score_round(before), score_round(after)
    comparison = compare(before, after, earlier, later, resamples=200)
    first = decisions(later, q.guidance, comparison)[0]
    assert first.action == "ask why" and first.dimension == "information"
    assert "changed by -50" in first.finding and "unlikely to be chance" in first.finding


def test_recommendations_name_items_agencies_and_tensions_only_where_the_roles_take_part():
    # information (50 + 75) / 2 = 62.5, the next step; activities, resources, capacity (0 + 75) / 2: concern
    low = ({"information": 3, "activities": 1, "resources": 1, "capacity": 1}, 3)
    high = ({"information": 4, "activities": 4, "resources": 4, "capacity": 4}, 4)
    q, results = results_of({"dao": [low] * 3, "pd": [high] * 3},
                            sectors={"dao": "prosecution", "pd": "defense"})
    groups = {g.title: g for g in recommendations(results, q.guidance)}
    dims = groups["Dimensions of the continuum"].items
    assert dims[0].heading == "Next step: information"
    assert any("“short act1” scores" in found and todo == "do act1"
               for r in dims for found, todo in r.specifics)
    concern = next(r for r in dims if r.heading == "Also a concern: activities")
    assert concern.who.startswith("Furthest behind (concern band): Dao 0 (n 3, read with care)")
    assert [r.heading for r in groups["Tensions between roles"].items] == ["Court roles"]
    assert [r.heading for r in groups["Principles of the field"].items] == ["Monitoring"]
    # without a defense agency, the tension between prosecution and defense is not raised
    _, alone = results_of({"dao": [low] * 3, "tx": [high] * 3}, sectors={"dao": "prosecution"})
    assert "Tensions between roles" not in {g.title for g in recommendations(alone, q.guidance)}


def test_the_brief_and_the_spread_say_no_more_than_the_figures():
    rows = [(LOW_INFO, 2)] * 3
    q, results = results_of({"a": rows, "b": rows})
    built = content.build(results, guidance=q.guidance)
    assert built["brief"]["cost"].startswith("Trust is in the concern band")
    assert "no more than chance alone would give" in built["spread"]["sentence"]
    assert all(len(d.action) > 0 for d in built["brief"]["decisions"])
    empty = content.build(results)  # no guidance: the brief still decides, from the constructs' own practices
    assert empty["brief"]["decisions"][0].action == "p"


def test_every_dimension_established_leaves_one_decision_to_keep_it():
    top = ({"information": 5, "activities": 5, "resources": 5, "capacity": 5}, 5)
    q, results = results_of({"a": [top] * 3})
    (only,) = decisions(results, q.guidance)
    assert only.action == "repeat the survey" and "Every dimension is established" in only.finding


def test_concern_lists_are_data_not_code():
    q = questionnaire()
    assert q.guidance.tensions == (Concern(id="court", label="Court roles", description="Opposed in court.",
                                           practices=("agree the rules",), sectors=("prosecution", "defense"),
                                           items=("tru1",)),)
    assert Guidance().as_json()["tensions"] == []
