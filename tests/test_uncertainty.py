"""Bootstrap intervals on the jurisdiction's scores and the spread that chance alone gives (uncertainty.py)."""
import numpy as np
import pandas as pd
import pytest

from assessment.scoring.uncertainty import borderline, draws_for, jurisdiction_intervals, spread_by_chance
from tests.scoring_data import round_data, scored, small_questionnaire, uniform

Q = small_questionnaire()


def frame(groups: dict[str, list[float]]) -> tuple[pd.DataFrame, pd.Series]:
    """One construct ("x"); `groups`: agency -> its respondents' scores."""
    agency = [a for a, values in groups.items() for _ in values]
    scores = [v for values in groups.values() for v in values]
    return pd.DataFrame({"x": scores}), pd.Series(agency)


@pytest.mark.parametrize("low, high, expected", [
    (73, 77, True),      # across 75
    (48, 52, True),      # across 50
    (60, 70, False),     # inside emerging
    (75, 80, False),     # starts exactly at 75: all established
    (70, 75, True),      # reaches 75
    (None, None, False),
])
def test_borderline(low, high, expected):
    assert borderline(low, high) is expected


def test_a_group_that_answers_alike_has_no_width():
    table, agency = frame({"a": [50.0] * 5, "b": [100.0] * 5})
    intervals, index, _ = jurisdiction_intervals(table, agency, {"a", "b"}, ["x"])
    assert (intervals["x"].low, intervals["x"].high) == (75.0, 75.0) and not intervals["x"].borderline
    assert (index.low, index.high) == (75.0, 75.0)


def test_the_interval_holds_the_score_and_narrows_with_more_respondents():
    rng = np.random.default_rng(3)
    small = {"a": list(rng.uniform(40, 90, 5)), "b": list(rng.uniform(30, 80, 5))}
    large = {k: v * 8 for k, v in small.items()}  # the same answers, eight times as many people
    (few, _, _), (many, _, _) = (jurisdiction_intervals(*frame(g), {"a", "b"}, ["x"]) for g in (small, large))
    estimate = (np.mean(small["a"]) + np.mean(small["b"])) / 2
    assert few["x"].low < estimate < few["x"].high
    assert many["x"].low < estimate < many["x"].high
    assert (many["x"].high - many["x"].low) < (few["x"].high - few["x"].low) / 2  # about 1/sqrt(8)


def test_the_jurisdiction_carries_its_intervals():
    people = ([("a", "line_staff", uniform(Q, 4))] * 3 + [("a", "line_staff", uniform(Q, 5))] * 2
              + [("b", "line_staff", uniform(Q, 3))] * 5)
    j = scored(round_data(Q, people))["jurisdiction"]
    info = j["intervals"]["information"]
    assert info["low"] <= j["dimensions"]["information"]["score"] <= info["high"]
    assert j["readiness_interval"]["low"] <= j["readiness_index"] <= j["readiness_interval"]["high"]


def test_no_interval_below_ten_scores():
    """The percentile bootstrap of a handful of people does not keep its coverage, and its ends are their extreme
    scores: nine scores give no interval, ten do."""
    nine, agency = frame({"a": [20.0, 40.0, 60.0, 80.0, 50.0], "b": [10.0, 30.0, 70.0, 90.0]})
    intervals, index, _ = jurisdiction_intervals(nine, agency, {"a", "b"}, ["x"])
    assert intervals["x"].low is None and index.low is None
    ten, agency = frame({"a": [20.0, 40.0, 60.0, 80.0, 50.0], "b": [10.0, 30.0, 70.0, 90.0, 55.0]})
    assert jurisdiction_intervals(ten, agency, {"a", "b"}, ["x"])[0]["x"].low is not None


def test_no_resampling_inside_a_hidden_agency():
    """An agency of one resampled alone is always its one respondent, which puts that person's score in the
    interval's ends: hidden agencies are resampled together, as one pool, so swapping the scores of the lone
    respondent and one of the pair (both hidden) leaves every figure as it was."""
    groups = {"big": [30.0, 45.0, 60.0, 75.0, 50.0, 65.0, 40.0], "lone": [10.0], "pair": [90.0, 20.0]}
    swapped = {**groups, "lone": [90.0], "pair": [10.0, 20.0]}
    one = jurisdiction_intervals(*frame(groups), {"big"}, ["x"])
    other = jurisdiction_intervals(*frame(swapped), {"big"}, ["x"])
    assert one == other and one[0]["x"].low is not None


def test_a_real_difference_is_flagged_and_chance_is_not():
    real, agency = frame({"a": [100.0] * 5, "b": [0.0] * 5, "c": [50.0] * 5})
    assert spread_by_chance(real, agency, {"a", "b", "c"})["x"] < 100
    noise, agency = frame({"a": [0.0, 50.0, 100.0, 25.0], "b": [100.0, 0.0, 50.0, 75.0], "c": [50.0, 100.0, 0.0, 25.0]})
    observed = 62.5 - 37.5  # means 43.75, 56.25, 43.75
    assert spread_by_chance(noise, agency, {"a", "b", "c"})["x"] > observed
    assert spread_by_chance(noise, agency, {"a"})["x"] is None  # one shown agency has no spread


def test_very_large_rounds_draw_fewer_resamples():
    assert draws_for(1_000, 2000) == 2000 and draws_for(100_000, 2000) == 200


def test_how_sure_the_level_is():
    """The share of resamples at each level: a profile well inside its bands stays there in every resample; one
    at a cut splits between the levels on either side of it."""
    from assessment.scoring.uncertainty import level_shares

    dims = ["information", "activities", "resources", "capacity"]
    steady = np.tile([80.0, 60.0, 30.0, 20.0], (100, 1))
    assert level_shares(steady, dims) == {"Coordination (emerging)": 1.0}
    split = np.array([[80.0, 60.0, 49.0, 20.0]] * 30 + [[80.0, 60.0, 52.0, 20.0]] * 70)
    assert level_shares(split, dims) == {"Cooperation (emerging)": 0.7, "Coordination (emerging)": 0.3}
    people = ([("a", "line_staff", uniform(Q, 4))] * 6 + [("b", "line_staff", uniform(Q, 3))] * 6)
    shares = scored(round_data(Q, people))["jurisdiction"]["level_shares"]
    assert shares and sum(shares.values()) == pytest.approx(1.0)


# --- coverage: intervals for small groups keep their promise ------------------------------------------------

def population(kind: str, rng: np.random.Generator, size: int = 20000) -> np.ndarray:
    """Respondents' scores (0-100) of one agency, each the mean of six items answered 1-5 around the person's own
    view: a spread like most agencies', one leaning to agreement, one near the ceiling, one near the floor, one
    that agrees closely, and one split into two camps (its SD about 24 points)."""
    centre = {"typical": rng.normal(3.2, 0.8, size), "leaning": 4.6 - rng.gamma(1.5, 0.6, size),
              "ceiling": rng.normal(4.5, 0.6, size), "floor": rng.normal(1.5, 0.6, size),
              "alike": rng.normal(3.0, 0.2, size),
              "two camps": np.where(rng.random(size) < 0.5, rng.normal(2.3, 0.5, size), rng.normal(3.9, 0.5, size))}
    answers = np.clip(np.round(centre[kind][:, None] + rng.normal(0, 0.7, (size, 6))), 1, 5)
    return (answers.mean(axis=1) - 1) / 4 * 100


KINDS = ("typical", "leaning", "ceiling", "floor", "alike", "two camps")


@pytest.mark.parametrize("kind", KINDS)
def test_an_agency_interval_covers_the_truth_for_groups_of_three_to_ten(kind):
    """1,000 agencies of n drawn from each population: the 95% interval that assumes a spread of 25 points holds
    the population's mean in at least 93% of them, for n = 3, 4, 6 and 10."""
    from assessment.scoring.uncertainty import assumed_spread_interval

    rng = np.random.default_rng(11)
    people = population(kind, rng)
    truth = people.mean()
    assert people.std() <= 25  # the populations it promises coverage for
    for n in (3, 4, 6, 10):
        means = rng.choice(people, size=(1000, n)).mean(axis=1)
        low, high = assumed_spread_interval(0.0, (n,))
        covered = np.mean((means + low <= truth) & (truth <= means + high))
        assert covered >= 0.93, (kind, n, covered)


@pytest.mark.parametrize("kind", KINDS)
def test_an_agency_change_interval_covers_the_truth(kind):
    """The same agency in two rounds drawn independently from the same population (no real change): the change's
    interval holds zero in at least 93% of 1,000 draws, for n = 3, 4, 6 and 10 in each round."""
    from assessment.scoring.uncertainty import assumed_spread_interval

    rng = np.random.default_rng(12)
    people = population(kind, rng)
    for n in (3, 4, 6, 10):
        change = rng.choice(people, size=(1000, n)).mean(axis=1) - rng.choice(people, size=(1000, n)).mean(axis=1)
        low, high = assumed_spread_interval(0.0, (n, n))
        covered = np.mean((change + low <= 0) & (0 <= change + high))
        assert covered >= 0.93, (kind, n, covered)
