"""A state's figures from its counties' published ones (pure): each county counts once, a county too small to
publish gives its count and nothing its answers could move, and nothing ordered is shown over too few counties."""
import dataclasses

from assessment.scoring import score_round
from assessment.scoring import state as statewide
from tests.support.counties import small_county

DIMENSIONS = ["information", "activities", "resources", "capacity"]
CONDITIONS = ["trust", "time", "turf", "leadership"]


def summary(index: float, level: str = "coordination", next_step: str = "activities", trust: float = 60.0):
    return statewide.CountySummary(
        responses=30, shown=True, level=level, qualifier="emerging", readiness_index=index,
        readiness_low=index - 5, readiness_high=index + 5, dimensions={d: index for d in DIMENSIONS},
        conditions={c: trust for c in CONDITIONS}, next_step=next_step, missing_key_sectors=("defense",))


def county(n: int, latest, earlier=None, by_name=False):
    return statewide.County(id=n, name=f"County {n}", by_name=by_name, latest=latest, earlier=earlier)


def test_a_county_too_small_to_publish_gives_its_count_and_nothing_its_answers_could_move():
    data = dataclasses.replace(small_county().later, min_group_size=20)  # 11 respondents: the county is hidden
    hidden = statewide.county_summary(score_round(data))
    assert not hidden.shown and hidden.responses == len(data.respondents)
    assert (hidden.level, hidden.readiness_index, hidden.dimensions, hidden.conditions) == (None, None, {}, {})
    flipped = data.answers.assign(value=6 - data.answers["value"])  # every answer turned around
    assert statewide.county_summary(score_round(dataclasses.replace(data, answers=flipped))) == hidden
    assert statewide.loads(statewide.dumps(hidden)) == hidden


def test_a_shown_county_gives_the_figures_its_release_published_at_its_own_level_only():
    results = score_round(small_county().later)
    shown = statewide.county_summary(results)
    profile = results.jurisdiction.profile
    assert shown.shown and shown.placed == profile.placed and shown.readiness_index == profile.readiness_index
    assert shown.dimensions == {k: f.score for k, f in profile.dimensions.items()}
    assert (shown.readiness_low, shown.readiness_high) == (results.jurisdiction.readiness_interval.low,
                                                          results.jurisdiction.readiness_interval.high)
    assert set(shown.missing_key_sectors) == {"law_enforcement", "prosecution", "judiciary", "defense"}
    assert statewide.loads(statewide.dumps(shown)) == shown


def test_each_county_counts_once_and_nothing_ordered_shows_under_the_minimum():
    four = [county(1, summary(40.0, "networking", "information", trust=45.0), earlier=summary(30.0, "fragmented")),
            county(2, summary(55.0), earlier=summary(55.0)), county(3, summary(62.0, next_step="resources")),
            county(4, summary(70.0, "cooperation"), earlier=summary(80.0, "collaboration")),
            county(5, statewide.NOTHING), county(6, None)]
    figures = statewide.state_figures(four, DIMENSIONS, CONDITIONS)
    assert figures.by_level == {"fragmented": 0, "networking": 1, "coordination": 2, "cooperation": 1,
                                "collaboration": 0}
    assert (figures.hidden, figures.not_yet, figures.shown_count) == (1, 1, 4)
    assert figures.stuck == {"information": 1, "activities": 2, "resources": 1, "capacity": 0}
    assert figures.conditions_of_concern["trust"] == 1 and figures.missing_sectors["defense"] == 4
    assert (figures.moved_up, figures.stayed, figures.moved_down, figures.one_round) == (1, 1, 1, 2)
    assert figures.median_readiness is None and figures.readiness_spread == ()
    assert statewide.percentile(figures, four[0]) is None  # four counties: their order would all but name them

    five = [*four, county(7, summary(65.0))]
    figures = statewide.state_figures(five, DIMENSIONS, CONDITIONS)
    assert figures.median_readiness == 62.0 and figures.readiness_spread == (40.0, 55.0, 62.0, 65.0, 70.0)
    assert statewide.percentile(figures, five[2]) == 50.0  # above 40 and 55, of four others
    assert statewide.percentile(figures, five[4]) is None  # published nothing: no place among the others
