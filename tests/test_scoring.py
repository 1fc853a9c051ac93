"""The scoring model, against hand-worked cases (arithmetic in the comments) and properties."""
import math

import numpy as np
import pandas as pd
import pytest

from assessment.scoring import cronbach_alpha, place, respondent_scores
from assessment.scoring.continuum import band
from tests.scoring_data import DK, round_data, scored, small_questionnaire, uniform

Q = small_questionnaire()
DIMS = ["information", "activities", "resources", "capacity"]


def one_person(answers, agency="a"):
    return round_data(Q, [(agency, "line_staff", answers)], min_group_size=1)


# --- respondent scores ---------------------------------------------------------------------------------------

def test_reverse_coding_and_rescaling():
    # inf1=4, inf2=5, inf3 is reverse-coded: answered 2 -> 1+5-2 = 4.
    # mean (4+5+4)/3 = 13/3 = 4.3333; on 0-100: (4.3333-1)/4*100 = 83.333...
    scores = respondent_scores(one_person({"inf1": 4, "inf2": 5, "inf3": 2}))
    assert scores.loc[1, "information"] == pytest.approx(250 / 3)


@pytest.mark.parametrize("answers, expected", [
    # 2 of 3 answered: 2*3 >= 2*3, scored. (3+5)/2 = 4 -> (4-1)/4*100 = 75
    ({"act1": 3, "act2": 5}, 75.0),
    # a don't know is unanswered: 2 of 3 answered, act3 reversed 1 -> 5; (1+5)/2 = 3 -> 50
    ({"act1": 1, "act2": DK, "act3": 1}, 50.0),
    # 1 of 3 answered: 1*3 < 2*3, no score
    ({"act1": 5}, None),
    ({"act1": 5, "act2": DK, "act3": DK}, None),
    # nothing answered
    ({}, None),
])
def test_two_thirds_rule(answers, expected):
    score = respondent_scores(one_person(answers)).loc[1, "activities"]
    assert (math.isnan(score) if expected is None else score == pytest.approx(expected))


def test_two_item_condition_needs_both_items():
    # trust has 2 items: two thirds of 2 is 1.33, so both must be answered (1*3 = 3 < 4)
    data = round_data(Q, [("a", "line_staff", {"tru1": 5}), ("a", "line_staff", {"tru1": 5, "tru2": 3})],
                      min_group_size=1)
    scores = respondent_scores(data)["trust"]
    assert math.isnan(scores.loc[1]) and scores.loc[2] == pytest.approx(75.0)  # (5+3)/2 = 4 -> 75


# --- bands and the level rule --------------------------------------------------------------------------------

@pytest.mark.parametrize("score, expected", [(0, "concern"), (49.999, "concern"), (50, "emerging"),
                                             (74.999, "emerging"), (75, "established"), (100, "established"),
                                             (None, None), (float("nan"), None)])
def test_bands(score, expected):
    assert band(score) == expected


@pytest.mark.parametrize("scores, level, qualifier, nested, next_step", [
    # exactly 50 on the first two: coordination, emerging; next step is the first below 75
    ((50, 50, 49.9, 80), "coordination", "emerging", False, "information"),
    # exactly 75 everywhere: collaboration, established; nothing left to establish
    ((75, 75, 75, 75), "collaboration", "established", True, None),
    # the first dimension is a concern: fragmented, whatever follows
    ((49.99, 90, 90, 90), "fragmented", None, False, "information"),
    # established networking and coordination, cooperation emerging
    ((80, 76, 60, 10), "cooperation", "emerging", True, "resources"),
    # established up to coordination, then a gap: coordination, established
    ((90, 80, 40, 30), "coordination", "established", True, "resources"),
    # not nested: capacity established while resources is a concern
    ((60, 55, 30, 80), "coordination", "emerging", False, "information"),
    # an undefined score stops the climb
    ((70, None, 90, 90), "networking", "emerging", True, "information"),
])
def test_level_rule(scores, level, qualifier, nested, next_step):
    placed = place(DIMS, dict(zip(DIMS, scores)))
    assert (placed["level"], placed["qualifier"], placed["nested"], placed["next_step"]) == \
        (level, qualifier, nested, next_step)


def test_readiness_index_is_the_mean_of_the_four():
    assert place(DIMS, dict(zip(DIMS, (80, 60, 40, 20))))["readiness_index"] == pytest.approx(50.0)
    assert place(DIMS, dict(zip(DIMS, (80, None, 40, 20))))["readiness_index"] is None


# --- aggregation and suppression -----------------------------------------------------------------------------

def test_jurisdiction_is_agency_weighted_beside_respondent_weighted():
    # agency a: one respondent, all 5 -> 100. agency b: three respondents, all 1 -> 0.
    # agency-weighted: (100 + 0) / 2 = 50. respondent-weighted: (100 + 0 + 0 + 0) / 4 = 25.
    people = [("a", "line_staff", uniform(Q, 5))] + [("b", "line_staff", uniform(Q, 1))] * 3
    results = scored(round_data(Q, people, min_group_size=1))
    info = results["jurisdiction"]["dimensions"]["information"]
    assert info["score"] == pytest.approx(50.0) and info["respondent_weighted"] == pytest.approx(25.0)
    assert info["n"] == 4 and info["band"] == "emerging"
    # sample SD of (100, 0, 0, 0): mean 25, squares 5625+625*3 = 7500, /3 = 2500, sqrt = 50
    assert info["sd"] == pytest.approx(50.0)


def test_groups_below_the_minimum_are_suppressed_but_count_in_the_totals():
    # a: 2 respondents at 100 (suppressed with min 3); b: 3 respondents at 50 (answer 3 -> 50). The jurisdiction
    # minus b would be a: so b is hidden too, and the jurisdiction pools both: (2*100 + 3*50) / 5 = 70
    people = [("a", "line_staff", uniform(Q, 5))] * 2 + [("b", "supervisor", uniform(Q, 3))] * 3
    results = scored(round_data(Q, people, min_group_size=3))
    a, b = results["agencies"]
    assert a == {"slug": "a", "name": "A", "sector": "treatment", "n": 2, "suppressed": True,
                 "reason": "below_minimum", "reason_text": "fewer than 3 respondents"}
    assert b["n"] == 3 and b["suppressed"] and b["reason"] == "complementary" and "dimensions" not in b
    assert results["jurisdiction"]["dimensions"]["information"]["score"] == pytest.approx(70)
    assert results["jurisdiction"]["n"] == 5
    roles = {r["id"]: r for r in results["role_levels"]}
    assert roles["line_staff"]["suppressed"] and "dimensions" not in roles["line_staff"]
    assert roles["supervisor"]["suppressed"] and roles["executive"]["n"] == 0


def test_the_agency_weighted_score_pools_the_hidden_agencies():
    # a: 3 at 100 (shown); b: 1 at 0 and c: 2 at 50 (hidden, 3 together). Pooled mean of b and c: 100/3, weighing
    # two agencies: (100 + 2 * 100/3) / 3 = 500/9. (The plain mean of agency means, 50, beside the respondent-
    # weighted mean, 400/6, and the n would give b's and c's sums apart.)
    people = ([("a", "line_staff", uniform(Q, 5))] * 3 + [("b", "line_staff", uniform(Q, 1))]
              + [("c", "line_staff", uniform(Q, 3))] * 2)
    results = scored(round_data(Q, people, min_group_size=3))
    assert [a["suppressed"] for a in results["agencies"]] == [False, True, True]
    info = results["jurisdiction"]["dimensions"]["information"]
    assert info["score"] == pytest.approx(500 / 9) and info["respondent_weighted"] == pytest.approx(400 / 6)
    shown = scored(round_data(Q, people, min_group_size=1))["jurisdiction"]["dimensions"]["information"]
    assert shown["score"] == pytest.approx(50)  # nothing hidden: the plain mean of agency means (100 + 0 + 50) / 3


def test_a_round_below_the_minimum_publishes_counts_only():
    people = [("a", "line_staff", uniform(Q, 5)), ("b", "supervisor", uniform(Q, 3))]
    results = scored(round_data(Q, people, min_group_size=3))
    assert results["jurisdiction"] == {"n": 2, "suppressed": True, "reason": "round_below_minimum",
                                       "reason_text": "the round has fewer than 3 respondents in all"}
    groups = results["agencies"] + results["sectors"] + results["role_levels"] + results["sector_roles"]
    assert all(g["suppressed"] and "dimensions" not in g for g in groups)
    assert results["items"] == [] and results["pairs"] == {"directed": [], "symmetric": []}
    assert results["network"] is None and results["reliability"] == {} and results["agreement"] == {}
    assert results["coverage"]["overall"]["submitted"] == 2  # coverage counts stay


def test_group_level_and_next_step():
    # information 4s (75), activities 3s (50), resources 2s (25), capacity 5s (100)
    answers = {"inf1": 4, "inf2": 4, "inf3": 2, "act1": 3, "act2": 3, "act3": 3, "res1": 2, "res2": 2, "res3": 4,
               "cap1": 5, "cap2": 5, "cap3": 1}
    results = scored(round_data(Q, [("a", "line_staff", answers)] * 3))
    agency = results["agencies"][0]
    assert [agency["dimensions"][d]["score"] for d in DIMS] == pytest.approx([75, 50, 25, 100])
    assert (agency["level"], agency["qualifier"], agency["nested"], agency["next_step"]) == \
        ("coordination", "emerging", False, "activities")
    assert agency["readiness_index"] == pytest.approx(62.5)  # (75+50+25+100)/4


def test_spread_between_agencies_and_its_flag():
    # information: a 100, b 50, c 0 (all shown): spread 100 -> flagged
    people = ([("a", "line_staff", uniform(Q, 5))] * 4 + [("b", "line_staff", uniform(Q, 3))] * 4
              + [("c", "line_staff", uniform(Q, 1))] * 4)
    results = scored(round_data(Q, people))
    assert results["agreement"]["information"]["spread"] == pytest.approx(100.0)
    assert results["agreement"]["information"]["spread_flag"] is True
    same = scored(round_data(Q, [("a", "line_staff", uniform(Q, 4))] * 5 + [("b", "line_staff", uniform(Q, 4))] * 5))
    # ten people: the chance spread is given; their SD is not (fewer than 20 scores)
    assert same["agreement"]["information"] == {"sd": None, "spread": 0.0, "spread_by_chance": 0.0,
                                                 "spread_flag": False}
    few = scored(round_data(Q, [("a", "line_staff", uniform(Q, 4))] * 3 + [("b", "line_staff", uniform(Q, 2))] * 3))
    # six people: a percentile of their regroupings is a difference of their sums: no chance spread, no flag
    assert few["agreement"]["information"] == {"sd": None, "spread": 50.0, "spread_by_chance": None,
                                                "spread_flag": False}


def test_dont_know_share_per_item_and_dimension():
    # inf1: answered by 3 people, one of them don't know -> 1/3. information as a whole: 1 DK of 9 answers.
    people = [("a", "line_staff", {"inf1": 4, "inf2": 4, "inf3": 2}),
              ("a", "line_staff", {"inf1": DK, "inf2": 4, "inf3": 2}),
              ("a", "line_staff", {"inf1": 2, "inf2": 4, "inf3": 2})]
    results = scored(round_data(Q, people, min_group_size=2))
    inf1 = next(i for i in results["items"] if i["id"] == "inf1")
    assert inf1["dont_know_share"] == pytest.approx(1 / 3) and inf1["n"] == 2
    assert inf1["mean"] == pytest.approx(3.0) and inf1["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert inf1["score"] == pytest.approx(50.0)  # (3 - 1) / 4 * 100
    # inf3 is reverse-coded: answered 2, 2, 2 -> mean 2, scored 1+5-2 = 4 -> 75
    inf3 = next(i for i in results["items"] if i["id"] == "inf3")
    assert inf3["mean"] == pytest.approx(2.0) and inf3["score"] == pytest.approx(75.0)
    assert results["jurisdiction"]["dont_know"]["information"]["dont_know_share"] == pytest.approx(1 / 9)
    # with a minimum of 3, inf1 (2 answers) shows its counts only
    hidden = next(i for i in scored(round_data(Q, people))["items"] if i["id"] == "inf1")
    assert hidden["suppressed"] and hidden["n"] == 2 and hidden["dont_know"] == 1
    assert hidden["mean"] is None and hidden["distribution"] is None and hidden["score"] is None


# --- roster --------------------------------------------------------------------------------------------------

def roster_round(min_group_size=1):
    # agencies a, b, c, d; two respondents in a (1, 2), one each in b (3), c (4), d (5)
    people = [("a", "line_staff", {})] * 2 + [("b", "line_staff", {}), ("c", "line_staff", {}),
                                              ("d", "line_staff", {})]
    roster = [
        (1, "b", 2), (2, "b", 4),      # R(a->b) = (2+4)/2 = 3
        (3, "a", 1), (3, "c", 2),            # R(b->a) = 1, R(b->c) = 2
        (4, "b", 2), (4, "a", DK),     # R(c->b) = 2; c's view of a is don't know
        (1, "c", 0), (2, "c", 1),      # R(a->c) = 0.5
    ]
    return round_data(Q, people, agencies=["a", "b", "c", "d"], roster=roster, min_group_size=min_group_size)


def test_directed_ratings_pair_levels_and_gaps():
    results = scored(roster_round())
    directed = {(r["from"], r["to"]): r["rating"] for r in results["pairs"]["directed"]}
    assert directed == {("a", "b"): 3.0, ("a", "c"): 0.5, ("b", "a"): 1.0, ("b", "c"): 2.0, ("c", "b"): 2.0}
    pairs = {(p["a"], p["b"]): p for p in results["pairs"]["symmetric"]}
    # S(a,b) = (3 + 1)/2 = 2 (coordination); gap 3 - 1 = 2 >= 1: a perception gap
    assert pairs[("a", "b")]["level"] == 2.0 and pairs[("a", "b")]["level_name"] == "coordination"
    assert pairs[("a", "b")]["gap"] == 2.0 and pairs[("a", "b")]["perception_gap"]
    # S(b,c) = (2 + 2)/2 = 2, no gap
    assert pairs[("b", "c")]["gap"] == 0.0 and not pairs[("b", "c")]["perception_gap"]
    # S(a,c): only a's side (0.5), c said don't know: one-sided, no gap
    assert pairs[("a", "c")]["level"] == 0.5 and pairs[("a", "c")]["one_sided"]
    assert pairs[("a", "c")]["gap"] is None and pairs[("a", "c")]["level_name"] == "no contact"
    # pairs with d: nobody rated them
    assert pairs[("a", "d")]["level"] is None


def test_network_figures():
    network = scored(roster_round())["network"]
    # 4 agencies -> 4*3/2 = 6 possible pairs. Levels: ab 2, bc 2, ac 0.5; three pairs with d unrated.
    assert network["density"] == pytest.approx({"networking": 2 / 6, "coordination": 2 / 6,
                                                "cooperation": 0.0, "collaboration": 0.0})
    assert network["share_at_level"] == pytest.approx({"unrated": 3 / 6, "no contact": 1 / 6, "networking": 0.0,
                                                       "coordination": 2 / 6, "cooperation": 0.0,
                                                       "collaboration": 0.0})
    # weighted degree: a = 2 + 0.5, b = 2 + 2, c = 2 + 0.5, d = 0
    assert network["weighted_degree"] == pytest.approx({"a": 2.5, "b": 4.0, "c": 2.5, "d": 0.0})
    # ties at networking or above: ab, bc. d has none.
    assert network["isolated"] == ["d"]
    # directed ties >= 1 where both sides rated: a->b, b->a, b->c, c->b; all four reciprocated
    assert network["reciprocity"] == pytest.approx(1.0)
    # scores received: a gets R(b->a) = 1 (c said don't know); b gets R(a->b) = 3 and R(c->b) = 2, mean 2.5;
    # c gets R(a->c) = 0.5 and R(b->c) = 2, mean 1.25; nobody rated d
    assert network["received"] == {"a": {"rating": 1.0, "raters": 1}, "b": {"rating": 2.5, "raters": 2},
                                   "c": {"rating": 1.25, "raters": 2}, "d": {"rating": None, "raters": 0}}
    # below networking: a-c (0.5) and every pair with d (unrated), unrated first. b is tied to a and to c at
    # coordination (2), so it could introduce a and c; nobody is tied to d
    assert network["connections"] == [
        {"a": "a", "b": "d", "level": None, "brokers": []}, {"a": "b", "b": "d", "level": None, "brokers": []},
        {"a": "c", "b": "d", "level": None, "brokers": []}, {"a": "a", "b": "c", "level": 0.5, "brokers": ["b"]}]


def test_connections_leave_out_hidden_agencies():
    # with a minimum of 2 only a is shown: no pair of shown agencies remains to suggest
    assert scored(roster_round(min_group_size=2))["network"]["connections"] == []


def test_ratings_by_a_suppressed_agency_are_never_shown():
    # with a minimum of 2, b, c, d (one respondent each) are suppressed; only a is shown
    results = scored(roster_round(min_group_size=2))
    assert {r["from"] for r in results["pairs"]["directed"]} == {"a"}
    pairs = {(p["a"], p["b"]): p for p in results["pairs"]["symmetric"]}
    # S(a,b) now rests on a's rating alone (3); b's rating of a (1) is not used and no gap is shown
    assert pairs[("a", "b")]["level"] == 3.0 and pairs[("a", "b")]["gap"] is None
    assert pairs[("b", "c")]["level"] is None


# --- reliability ---------------------------------------------------------------------------------------------

MTCARS = {  # cyl, gear, carb, hp of the 32 cars of R's mtcars (Henderson and Velleman, 1981)
    "cyl": [6, 6, 4, 6, 8, 6, 8, 4, 4, 6, 6, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 8, 8, 8, 8, 4, 4, 4, 8, 6, 8, 4],
    "gear": [4, 4, 4, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 4, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 4],
    "carb": [4, 4, 1, 1, 2, 1, 4, 2, 2, 4, 4, 3, 3, 3, 4, 4, 4, 1, 2, 1, 1, 2, 2, 4, 2, 1, 2, 2, 4, 6, 8, 2],
    "hp": [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215, 230, 66, 52, 65, 97, 150,
           150, 245, 175, 66, 91, 113, 264, 175, 335, 109],
}


def test_cronbach_alpha_matches_the_published_mtcars_value():
    # R, performance::cronbachs_alpha(mtcars[, c("cyl", "gear", "carb", "hp")]) prints 0.09463206
    items = np.column_stack([MTCARS[c] for c in ("cyl", "gear", "carb", "hp")]).astype(float)
    assert cronbach_alpha(items) == pytest.approx(0.09463206, abs=5e-9)


def test_alpha_by_hand_with_item_deleted_and_item_total():
    # three items, four answers repeated five times: x1 = 1,2,3,4; x2 = 2,3,4,5; x3 = 4,3,2,1 (reverse-coded:
    # 2,3,4,5 after 6-x); after reverse-coding the three items move together: alpha = 1, item-total = 1
    people = [("a", "line_staff", {"inf1": v1, "inf2": v2, "inf3": v3})
              for v1, v2, v3 in ((1, 2, 5), (2, 3, 4), (3, 4, 3), (4, 5, 2)) * 5]
    info = scored(round_data(Q, people))["reliability"]["information"]
    assert info["alpha"] == pytest.approx(1.0) and info["n"] == 20 and info["flag"] is False
    assert info["items"]["inf1"]["item_total_correlation"] == pytest.approx(1.0)
    assert info["items"]["inf1"]["alpha_if_deleted"] == pytest.approx(1.0)


def test_reliability_needs_twenty_complete_answers():
    """Below 20 complete answers alpha says nothing a reader can use, and beside the items' distributions its
    figures would deal out a few people's answers: only the count is shown."""
    people = [("a", "line_staff", {"inf1": v1, "inf2": v2, "inf3": v3})
              for v1, v2, v3 in ((1, 2, 5), (2, 3, 4), (3, 4, 3), (4, 5, 2), (5, 4, 1)) * 4][:19]
    info = scored(round_data(Q, people))["reliability"]["information"]
    assert info["alpha"] is None and info["items"] == {} and info["n"] == 19


def test_alpha_is_listwise():
    # the person with a don't know drops out of alpha's n
    people = [("a", "line_staff", {"inf1": 1, "inf2": 2, "inf3": 5}),
              ("a", "line_staff", {"inf1": 4, "inf2": 4, "inf3": 2}),
              ("a", "line_staff", {"inf1": 2, "inf2": 3, "inf3": 4}),
              ("a", "line_staff", {"inf1": DK, "inf2": 3, "inf3": 4})]
    assert scored(round_data(Q, people))["reliability"]["information"]["n"] == 3


# --- coverage ------------------------------------------------------------------------------------------------

def test_coverage_and_missing_key_sectors():
    agencies = pd.DataFrame({"slug": ["p", "t", "v"], "name": ["P", "T", "V"],
                             "sector": ["community_supervision", "treatment", "victim_advocacy"]})
    # p: 8 line staff invited (5 started, 4 submitted) and 2 supervisors (1 started and submitted); t: 4 invited,
    # 1 started, none submitted; v: nobody invited
    participation = pd.DataFrame({"agency": ["p", "p", "t"], "role_level": ["line_staff", "supervisor", "line_staff"],
                                  "invited": [8, 2, 4], "started": [5, 1, 1], "submitted": [4, 1, 0]})
    people = [("p", "line_staff", uniform(Q, 4))] * 5
    coverage = scored(round_data(Q, people, agencies=agencies, participation=participation,
                                      min_group_size=6))["coverage"]
    assert coverage["overall"] == {"invited": 14, "started": 7, "submitted": 5, "response_rate": 5 / 14, "drafts": 2}
    rates = {a["slug"]: a["response_rate"] for a in coverage["agencies"]}
    assert rates == {"p": 0.5, "t": 0.0, "v": None}
    p = coverage["agencies"][0]
    assert (p["drafts"], p["below_minimum"]) == (1, True)  # 5 submitted, fewer than 6
    assert coverage["agencies"][1]["below_minimum"] is False  # nobody submitted: missing, not small
    roles = {r["id"]: (r["invited"], r["submitted"], r["response_rate"]) for r in coverage["role_levels"]}
    assert roles == {"line_staff": (12, 4, 4 / 12), "supervisor": (2, 1, 0.5), "executive": (0, 0, None)}
    assert coverage["missing_key_sectors"] == ["treatment", "victim_advocacy", "law_enforcement", "prosecution",
                                               "judiciary", "defense"]
