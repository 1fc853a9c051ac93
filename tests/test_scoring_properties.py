"""Properties of the scoring model that must hold for any round."""
import math
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.scoring import RoundData, disclosure, respondent_scores
from assessment.scoring.respondents import item_matrix, reverse_code
from tests.scoring_data import DK, round_data, scored, small_questionnaire, uniform

Q = small_questionnaire()
LIKERT = [i.id for i in Q.items if i.type == "likert"]
AGENCIES = ["a", "b", "c", "d"]
ROLES = ["line_staff", "supervisor", "executive"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True, scope="module")
def plans_that_never_run_out_of_time():
    """These properties compare two scorings: a disclosure plan cut short (it then hides more: its budget,
    `disclosure.PLAN_SECONDS`, or one program's limit on the wall, `PROGRAM_SECONDS`, which a loaded machine can
    reach) in one and not the other would differ for a reason that is not the property's."""
    with patch.object(disclosure, "PLAN_SECONDS", 600.0), patch.object(disclosure, "PROGRAM_SECONDS", 600.0):
        yield

answer = st.sampled_from([1, 2, 3, 4, 5, DK, None])
person = st.tuples(st.sampled_from(AGENCIES), st.sampled_from(ROLES),
                   st.fixed_dictionaries({i: answer for i in LIKERT}))


@st.composite
def rounds(draw, min_group_size=None):
    people = draw(st.lists(person, min_size=1, max_size=25))
    people = [(a, r, {k: v for k, v in ans.items() if v is not None}) for a, r, ans in people]
    roster = []
    for n, (agency, _, _) in enumerate(people, start=1):
        for target in AGENCIES:
            if target != agency:
                rating = draw(st.sampled_from([0, 1, 2, 3, 4, DK, None]))
                if rating is not None:
                    roster.append((n, target, rating))
    size = min_group_size if min_group_size is not None else draw(st.integers(1, 4))
    return round_data(Q, people, agencies=AGENCIES, roster=roster, min_group_size=size)


def flatten(value, path=""):
    """Every leaf of a result as path -> value, for comparing two results."""
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{path}.{key}"))
        return out
    if isinstance(value, list):
        out = {}
        for index, inner in enumerate(value):
            key = inner.get("slug") or inner.get("id") or (
                f"{inner.get('from')}>{inner.get('to')}" if "from" in inner else f"{inner.get('a')}-{inner.get('b')}") \
                if isinstance(inner, dict) else index
            out.update(flatten(inner, f"{path}[{key}]"))
        return out
    return {path: value}


def assert_same(left: dict, right: dict, keys=None):
    """The same figures (those under `keys`, when given) in both results."""
    a, b = flatten(left), flatten(right)
    if keys:  # a figure keyed by what it holds (level shares by level) may differ elsewhere
        a = {k: v for k, v in a.items() if any(k.startswith(prefix) for prefix in keys)}
        b = {k: v for k, v in b.items() if any(k.startswith(prefix) for prefix in keys)}
    assert a.keys() == b.keys()
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, float) and isinstance(y, float):
            assert x == pytest.approx(y, rel=1e-9, abs=1e-9), key
        else:
            assert x == y, key


def shuffled(data: RoundData, seed: int) -> RoundData:
    rng = np.random.default_rng(seed)
    def mix(frame):
        return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return RoundData(data.questionnaire, data.agencies, mix(data.respondents), mix(data.answers), mix(data.roster),
                     data.participation, data.min_group_size)


@SETTINGS
@given(rounds(), st.integers(0, 2**32 - 1))
def test_respondent_order_changes_nothing(data, seed):
    assert_same(scored(data), scored(shuffled(data, seed)))


@SETTINGS
@given(rounds())
def test_scores_stay_between_0_and_100(data):
    scores = respondent_scores(data).to_numpy()
    defined = scores[~np.isnan(scores)]
    assert ((defined >= 0) & (defined <= 100)).all()
    for path, value in flatten(scored(data)).items():
        if path.endswith((".score", ".respondent_weighted", ".readiness_index")) and value is not None:
            assert 0 <= value <= 100, path


@SETTINGS
@given(rounds())
def test_reverse_coding_twice_is_identity(data):
    matrix = item_matrix(Q, pd.Index(data.respondents["respondent"]), data.answers)
    twice = reverse_code(Q, reverse_code(Q, matrix))
    pd.testing.assert_frame_equal(twice, matrix)
    once = reverse_code(Q, matrix)
    pd.testing.assert_series_equal(once["inf3"], 6 - matrix["inf3"])  # reversed: min + max - v
    pd.testing.assert_series_equal(once["inf1"], matrix["inf1"])      # not reversed


def doubled(data: RoundData) -> RoundData:
    offset = int(data.respondents["respondent"].max())
    copy = data.respondents.assign(respondent=data.respondents["respondent"] + offset)
    answers = data.answers.assign(respondent=data.answers["respondent"] + offset)
    roster = data.roster.assign(respondent=data.roster["respondent"] + offset)
    return RoundData(data.questionnaire, data.agencies, pd.concat([data.respondents, copy]),
                     pd.concat([data.answers, answers]), pd.concat([data.roster, roster]),
                     data.participation, data.min_group_size)


@SETTINGS
@given(rounds(min_group_size=1))
def test_duplicating_every_respondent_changes_no_mean(data):
    once, twice = scored(data), scored(doubled(data))
    means = (".score", ".respondent_weighted", ".readiness_index", ".mean", ".rating", "].level",
             ".dont_know_share", ".gap", ".density.", ".share_at_level.", "weighted_degree.")
    a, b = flatten(once), flatten(twice)
    compared = 0
    for key, value in a.items():
        if key.endswith(means) or any(m in key for m in means[-3:]):
            if isinstance(value, float):
                assert b[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
                compared += 1
            else:
                assert b[key] == value, key
    assert compared > 0


def strip_suppressed_agency(results: dict, slug: str) -> None:
    """Assert that nothing in the results is computed from a suppressed agency's respondents on their own."""
    entry = next(a for a in results["agencies"] if a["slug"] == slug)
    assert set(entry) == {"slug", "name", "sector", "n", "suppressed", "reason", "reason_text"}
    assert isinstance(entry["n"], int)
    assert all(r["from"] != slug for r in results["pairs"]["directed"])


@SETTINGS
@given(rounds(), st.data())
def test_no_suppressed_group_figures_appear_anywhere(data, draw):
    results = scored(data)
    for group in results["agencies"] + results["sectors"] + results["role_levels"] + results["sector_roles"]:
        if group["suppressed"]:
            assert group["reason"] and isinstance(group["n"], int)
            assert not {"dimensions", "conditions", "level", "qualifier", "readiness_index"} & set(group)
    suppressed = [a["slug"] for a in results["agencies"] if a["suppressed"]]
    for slug in suppressed:
        strip_suppressed_agency(results, slug)
    if not suppressed:
        return
    # whatever a suppressed agency answered (the same questions, other values), no agency, pair or network
    # figure changes
    slug = draw.draw(st.sampled_from(suppressed))
    mine = data.respondents.loc[data.respondents["agency"] == slug, "respondent"]
    new_value = draw.draw(st.sampled_from([1.0, 5.0]))
    answers = data.answers.copy()
    answers.loc[answers["respondent"].isin(mine) & answers["value"].notna(), "value"] = new_value
    roster = data.roster.copy()
    roster.loc[roster["respondent"].isin(mine) & roster["value"].notna(), "value"] = new_value - 1
    changed = scored(RoundData(Q, data.agencies, data.respondents, answers, roster, data.participation,
                                    data.min_group_size))
    assert_same(results, changed, keys=[".agencies", ".pairs", ".network"])


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_one_respondent_moves_the_jurisdiction_as_much_as_twenty(base_a, base_b, new):
    # agency a has one respondent, agency b twenty, agency c three
    def jurisdiction(a_value, b_value):
        people = ([("a", "line_staff", uniform(Q, a_value))] + [("b", "line_staff", uniform(Q, b_value))] * 20
                  + [("c", "line_staff", uniform(Q, 3))] * 3)
        return scored(round_data(Q, people, min_group_size=1))["jurisdiction"]["dimensions"]["information"]["score"]
    start = jurisdiction(base_a, base_b)
    moved_by_one = jurisdiction(new, base_b) - start
    moved_by_twenty = jurisdiction(base_a, base_b + (new - base_a)) - start if 1 <= base_b + (new - base_a) <= 5 \
        else None
    # answer v scores (v-1)/4*100; one agency of three moving from v to w moves the mean by (w-v)*25/3
    assert moved_by_one == pytest.approx((new - base_a) * 25 / 3, abs=1e-9)
    if moved_by_twenty is not None:
        assert moved_by_twenty == pytest.approx(moved_by_one, abs=1e-9)
    assert not math.isnan(start)
