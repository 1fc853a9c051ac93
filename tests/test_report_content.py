"""What the report says, from scoring results built by hand: no database, no browser, no PDF."""
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.scoring import score_round
from assessment.vocabulary import Sector
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


BOUND = {"judiciary", "defense", "victim_advocacy", "treatment"}
ROLES = {
    "sectors": {s.value: {"bound": f"What binds {s.label.lower()}.", "short": f"{s.label.lower()}'s rules",
                          "limits_sharing": s.value in BOUND} for s in Sector},
    "case_level": [{"sectors": list(pair), "condition": f"as {pair[0]} and {pair[1]} agree"} for pair in
                   (("community_supervision", "treatment"), ("community_supervision", "law_enforcement"),
                    ("community_supervision", "victim_advocacy"))],
    "peers": ["community_supervision"],
}


def questionnaire():
    """The small test questionnaire, with short labels, item practices and guidance like the shipped one."""
    data = small_questionnaire_data()
    for item in data["sections"][0]["items"]:
        if item["type"] == "likert":
            item.update(short=f"short {item['id']}", practice=f"do {item['id']}")
    data["conditions"][0]["practices"] = ["trust practice"]
    data["guidance"] = {
        "perception_gaps": {"case": ["talk it through, case by case"], "system": ["talk it through in general"]},
        "weak_ties": {"case": ["introduce them on a shared case"], "system": ["introduce them at a policy table"]},
        "declines": ["ask why"], "roles": ROLES,
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


def test_decisions_answer_what_the_next_level_needs_the_costliest_condition_and_the_widest_gap():
    # a and b, three people each: information and activities emerging (50), resources and capacity concern (25),
    # trust concern: the level is Coordination, and resources keeps it from Cooperation
    rows = [(LOW_INFO, 2)] * 3
    roster = [(1, "b", 3), (2, "b", 3), (3, "b", 3), (4, "a", 1), (5, "a", 1), (6, "a", 1)]  # a sees 3, b sees 1
    q, results = results_of({"a": rows, "b": rows}, roster=roster,
                            sectors={"a": "community_supervision", "b": "treatment"})
    made = decisions(results, q.guidance)
    assert len(made) == 3
    step, condition, pair = made
    assert step.dimension == "resources" and step.action == "do res1"  # the lowest item's own practice
    assert "to move up to Cooperation, it must reach 50" in step.finding
    assert step.who == "all agencies"  # no agency clearly behind the other, and no convener in this table
    assert condition.action == "do tru1" and "Trust scores 25" in condition.finding
    assert condition.dimension == "resources"  # it serves what the next level needs, for a commitment
    assert pair.action == "talk it through, case by case" and pair.who == "A and B" and pair.case_level
    assert "A rates its relationship with B at 3.0 of 4; B rates it at 1.0" in pair.finding
    assert "Case by case, as community_supervision and treatment agree." in pair.finding


def test_an_item_s_interval_is_printed_whatever_floats_it_was_worked_out_with():
    # NumPy's floats name their type in their repr: an item's interval worked out with them once made a results
    # page whose decision names one lowest item answer 500
    assert words.half_up(np.float64(47.5)) == "48" and words.span_of(np.float64(52.6), np.float64(53.4)) == "52.6–53.4"
    rows = [({"information": 3, "activities": 4, "resources": 2, "capacity": 1}, 2), (LOW_INFO, 3), (LOW_INFO, 2)]
    _, results = results_of({"a": rows, "b": rows})
    ends = [end for item in results.items if item.score is not None for end in findings.item_interval(item)]
    assert ends and all(type(end) is float for end in ends)


def test_a_pair_whose_roles_forbid_case_level_exchange_gets_a_system_level_practice_and_the_reason():
    """A court and a police department: case-specific talks with a judge would be ex parte."""
    rows = [(LOW_INFO, 2)] * 3
    roster = [(1, "b", 3), (2, "b", 3), (3, "b", 3), (4, "a", 1), (5, "a", 1), (6, "a", 1)]
    q, results = results_of({"a": rows, "b": rows}, roster=roster, sectors={"a": "judiciary", "b": "law_enforcement"})
    pair = decisions(results, q.guidance)[-1]
    assert pair.action == "talk it through in general" and not pair.case_level and pair.pair == ("a", "b")
    assert "System level: A (judiciary's rules)." in pair.finding
    # two agencies of one sector that is not among the peers are not named at all
    _, same = results_of({"a": rows, "b": rows}, roster=roster,
                         sectors={"a": "law_enforcement", "b": "law_enforcement"})
    assert decisions(same, q.guidance)[-1].pair == ()


def test_without_gaps_the_weakest_tie_is_proposed_with_an_agency_that_could_broker_it():
    rows = [(LOW_INFO, 4)] * 3
    # a-c and b-c at coordination both ways; a-b no contact both ways
    roster = [(n, t, v) for n, t, v in
              [(1, "b", 0), (2, "b", 0), (3, "b", 0), (4, "a", 0), (5, "a", 0), (6, "a", 0)]
              + [(n, "c", 2) for n in range(1, 7)] + [(n, t, 2) for n in (7, 8, 9) for t in ("a", "b")]]
    q, results = results_of({"a": rows, "b": rows, "c": rows}, roster=roster,
                            sectors={"a": "defense", "b": "victim_advocacy", "c": "judiciary"})
    made = decisions(results, q.guidance)
    tie = made[-1]
    assert tie.action == "introduce them at a policy table" and tie.who == "A, B and C"
    assert "C works with both at coordination or above" in tie.finding
    assert "System level: A (defense's rules); B (victim advocacy's rules)." in tie.finding


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
               for r in dims for found, todo, _why in r.specifics)
    concern = next(r for r in dims if r.heading == "Also a concern: activities")
    # behind by more than chance with three people: 0 + 28 < 50 (a 95% interval assuming a spread of 25 points)
    assert concern.who.startswith("Clearly in the concern band, allowing for chance: Dao 0 (n 3, ±28).")
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
    # six people: too few scores to judge a spread against chance, so no difference is a finding
    assert "too few scores to judge their spread against chance" in built["spread"]["sentence"]
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


# --- every pair the report names, in generated jurisdictions ---------------------------------------------------

@st.composite
def jurisdictions(draw):
    """Agencies of any sectors (one sector often twice), each of three to five respondents with their own levels,
    and a roster in which any agency may rate any other anywhere from 0 to 4."""
    count = draw(st.integers(3, 9))
    sectors = {f"g{n}": draw(st.sampled_from([s.value for s in Sector])) for n in range(count)}
    agencies = {slug: [({"information": draw(st.integers(1, 5)), "activities": draw(st.integers(1, 5)),
                         "resources": draw(st.integers(1, 5)), "capacity": draw(st.integers(1, 5))},
                        draw(st.integers(1, 5)))] * draw(st.integers(3, 5)) for slug in sectors}
    slugs = sorted(agencies)
    first = {}
    position = 1
    for slug in slugs:
        first[slug] = position
        position += len(agencies[slug])
    roster = [(first[rater] + k, target, draw(st.integers(0, 4)))
              for rater in slugs for target in slugs if target != rater for k in range(len(agencies[rater]))]
    return agencies, sectors, roster


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(case=jurisdictions())
def test_no_pair_the_report_names_gets_a_practice_its_roles_forbid(case):
    """Every pair named in the decisions, the recommendations and the relationships: a case-level practice only
    for sectors that may work case by case, a system-level one otherwise, with what binds them; no pair of one
    sector that is not among the peers. The shipped questionnaire's role table and practices."""
    agencies, sectors, roster = case
    q_small, results = results_of(agencies, roster=roster, sectors=sectors)
    shipped = catalog_guidance()
    roles_table = shipped.roles
    built = content.build(results, guidance=shipped)
    named = []
    for d in built["brief"]["decisions"]:
        if d.pair:
            practices = shipped.perception_gaps if "perception gap" in d.finding else shipped.weak_ties
            named.append((d.pair, d.case_level, (d.action,), practices, d.finding))
    for group in built["recommendations"]:
        for r in group.items:
            for advice in r.pairs:
                practices = shipped.perception_gaps if "differently" in r.heading else shipped.weak_ties
                named.append(((advice.a, advice.b), advice.case_level, advice.practices, practices, advice.why))
    for g in built["roster"]["gaps"] + built["roster"]["gaps_more"] + built["roster"]["connections"] \
            + built["roster"]["connections_more"]:
        assert g["case_level"] == ("Case by case" in g["why"])
    for (a, b), case_level, offered, practices, why in named:
        allowed = roles_table.case_level_for(sectors[a], sectors[b])
        assert roles_table.related(sectors[a], sectors[b]), (a, b)
        if case_level:
            assert allowed is not None and set(offered) <= set(practices.case), (sectors[a], sectors[b], offered)
        else:
            assert set(offered) <= set(practices.system), (sectors[a], sectors[b], offered)
            assert "System level" in why
        assert not (allowed is None and set(offered) & set(practices.case))


def catalog_guidance():
    """The shipped questionnaire's guidance, read from its file."""
    from questionnaires import DIRECTORY, load_file

    return load_file(DIRECTORY / "collaboration_readiness.yaml").guidance
