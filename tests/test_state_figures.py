"""A state's figures from its counties' published ones (pure): each county counts once, a county too small to
publish gives its count and nothing its answers could move, and nothing ordered is shown over too few counties."""
import dataclasses

from assessment.scoring import score_round
from assessment.scoring import state as statewide
from tests.support.counties import small_county

DIMENSIONS = ["information", "activities", "resources", "capacity"]
CONDITIONS = ["trust", "time", "turf", "leadership"]


def summary(index: float, level: str = "coordination", next_step: str = "activities", trust: float = 60.0):
    """A county at `index` on every dimension."""
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
    assert figures.held_back == {"information": 1, "activities": 0, "resources": 0, "capacity": 0}
    assert figures.at_the_top == 3  # every dimension at 50 or more: nothing holds them at their level
    assert figures.conditions_of_concern["trust"] == 1 and figures.missing_sectors["defense"] == 4
    assert (figures.moved_up, figures.stayed, figures.moved_down, figures.one_round) == (1, 1, 1, 1)
    assert (figures.scores_rose, figures.scores_compared) == (4, 12)  # county 1's four rose; 2 stayed, 4 fell
    assert [c.index_change for c in four[:4]] == [10.0, 0.0, None, -10.0]
    assert (figures.commitments, figures.commitments_kept) == (0, 0)
    promised = statewide.County(id=1, name="County 1", by_name=False, latest=four[0].latest,
                                earlier=four[0].earlier, commitments=("information", "activities", "trust"))
    assert promised.commitments_kept == 2  # information and activities rose from 30 to 40; trust stayed at 60
    figures = statewide.state_figures([promised, *four[1:]], DIMENSIONS, CONDITIONS)
    assert (figures.commitments, figures.commitments_kept) == (3, 2)
    assert figures.median_readiness is None and figures.readiness_spread == ()

    five = [*four, county(7, summary(65.0))]
    figures = statewide.state_figures(five, DIMENSIONS, CONDITIONS)
    assert figures.median_readiness == 62.0 and figures.readiness_spread == (40.0, 55.0, 62.0, 65.0, 70.0)


def test_a_county_sees_the_others_together_only_over_five_it_cannot_name():
    """The others together are only the counties the reader can neither name nor read otherwise, and are shown
    only over five or more of them with a level: no figure is over a county the reader knows."""
    six = [county(n, summary(40.0 + 5 * n), by_name=n in (2, 3)) for n in range(1, 7)]
    view = statewide.for_a_county(six, 1, DIMENSIONS, CONDITIONS)
    assert [c.id for c in view.named] == [2, 3] and view.others is None  # 4, 5, 6 unknown: three

    more = [*six, county(7, summary(42.0)), county(8, statewide.NOTHING), county(9, summary(80.0, "collaboration"))]
    view = statewide.for_a_county(more, 1, DIMENSIONS, CONDITIONS)
    assert {c.id for c in view.others.counties} == {4, 5, 6, 7, 8, 9}  # not its own, not the named
    assert view.others.shown_count == 5 and view.others.hidden == 1
    assert view.others.median_readiness == 65.0 and not view.movement_shown  # 42 60 65 70 80; nobody moved

    # a county that shares nothing sees no name, and the same others: turning its sharing off and on changes
    # nothing it could subtract
    alone = statewide.for_a_county([c for c in more if c.id != 1], 1, DIMENSIONS, CONDITIONS)
    assert alone.mine is None and alone.named == () and alone.others == view.others

    # a county that once showed its name is left out for good, as is one the reader's account can open: and with
    # them out, what is left is under five
    once = [dataclasses.replace(c, named_once=True) if c.id == 4 else c for c in more]
    assert statewide.for_a_county(once, 1, DIMENSIONS, CONDITIONS).others is None  # 5, 6, 7, 9: four
    assert statewide.for_a_county(more, 1, DIMENSIONS, CONDITIONS, known={4}).others is None
    # a county the account holds moves nothing the reader sees, however its own figures change
    held = [*more, county(10, summary(99.0, "collaboration"))]
    lowered = [*more, county(10, summary(1.0, "fragmented"))]
    assert (statewide.for_a_county(held, 1, DIMENSIONS, CONDITIONS, known={10}).others.counties
            == statewide.for_a_county(lowered, 1, DIMENSIONS, CONDITIONS, known={10}).others.counties
            == view.others.counties)

    # movement only over five or more unknown counties with two rounds
    moved = [dataclasses.replace(c, earlier=summary(30.0, "fragmented")) if c.id in (4, 5, 6, 7) else c for c in more]
    assert not statewide.for_a_county(moved, 1, DIMENSIONS, CONDITIONS).movement_shown
    moved = [dataclasses.replace(c, earlier=summary(30.0, "fragmented")) if c.id == 9 else c for c in moved]
    assert statewide.for_a_county(moved, 1, DIMENSIONS, CONDITIONS).movement_shown


def test_roles_that_limit_sharing_count_the_counties_that_heard_them_and_those_held_by_exchanging_information():
    def heard(index, missing):
        return dataclasses.replace(summary(index), missing_key_sectors=missing)

    counties = [county(1, heard(40.0, ("defense",))), county(2, heard(45.0, ())), county(3, heard(60.0, ())),
                county(4, heard(70.0, ("defense", "judiciary"))), county(5, statewide.NOTHING)]
    figures = statewide.state_figures(counties, DIMENSIONS, CONDITIONS, ["judiciary", "defense"])
    # heard in: every shown county but those that miss it; held by information: the two under 50 that heard it
    assert figures.bound_roles == {"judiciary": (3, 2), "defense": (2, 1)}
    assert statewide.state_figures(counties, DIMENSIONS, CONDITIONS).bound_roles == {}


def test_what_holds_a_county_is_its_first_dimension_below_50_in_the_continuum_s_order_once_kept():
    """The kept JSON sorts its keys: the dimensions come back in the continuum's order, and a county below 50 on
    exchanging information and on altering activities is held by exchanging information."""
    kept = dataclasses.replace(summary(40.0, "fragmented"), dimensions={
        "information": 43.0, "activities": 27.0, "resources": 8.0, "capacity": 11.0})
    assert kept.held_back_by == "information"
    again = statewide.loads(statewide.dumps(kept))
    assert list(again.dimensions) == DIMENSIONS and again.held_back_by == "information" and again == kept
    # a summary kept before the order was (keys sorted, no order): the continuum's order all the same
    import json
    old = {k: v for k, v in json.loads(statewide.dumps(kept)).items() if k != "dimension_order"}
    assert statewide.CountySummary.from_json(old).held_back_by == "information"


def test_the_counties_behind_each_count_are_named_for_the_coordinators_and_agree_with_the_counts():
    counties = [county(1, summary(40.0, "networking", trust=45.0)), county(2, summary(55.0)),
                county(3, summary(70.0, trust=49.9)), county(4, statewide.NOTHING)]
    figures = statewide.state_figures(counties, DIMENSIONS, CONDITIONS)
    names = statewide.which(figures, DIMENSIONS, CONDITIONS)
    assert names.held_back == {"information": ("County 1",), "activities": (), "resources": (), "capacity": (),
                               None: ("County 2", "County 3")}
    assert names.conditions["trust"] == ("County 1", "County 3")  # 45 and 49.9: below 50; County 2's 60 is not
    assert names.missing_sectors["defense"] == ("County 1", "County 2", "County 3")
    assert all(len(names.conditions[c]) == figures.conditions_of_concern[c] for c in CONDITIONS)
    assert all(len(names.held_back[d]) == figures.held_back[d] for d in DIMENSIONS)
    assert all(len(v) == figures.missing_sectors[k] for k, v in names.missing_sectors.items())


def test_a_round_of_one_or_two_respondents_gives_the_state_nothing_whatever_its_county_chose_to_show():
    two = dataclasses.replace(summary(60.0), responses=2)  # published by a county whose minimum group is 1 or 2
    assert statewide.at_the_state(two) == statewide.NOTHING
    three = dataclasses.replace(summary(60.0), responses=3)
    assert statewide.at_the_state(three) is three and statewide.at_the_state(statewide.NOTHING) == statewide.NOTHING
