"""Comparing two rounds of a jurisdiction (DOMAIN.md, "Rounds over time").

Respondents are anonymous across rounds, so the rounds are independent samples. The change in each dimension's
agency-weighted score gets a bootstrap 95% interval: respondents are resampled with replacement within each
agency, separately in each round, with a seed made of the two rounds' secret ones; as for a round's own
intervals, none is given when either round has fewer than `uncertainty.INTERVAL_MIN_N` scores on the construct.
An agency's change gets the interval that assumes a spread within each agency
(`uncertainty.assumed_spread_interval`: 25 points, or the jurisdiction's own SD in either round where that is wider
and published), which rests on its n alone: an interval from the agency's own spread, beside a made-up round in
which nobody varies, would give its SD, and with its mean, how each of a few people answered. Each change also
carries its interval with every change of its table taken together (Bonferroni), on which it is judged. Only
items both rounds asked in the same words compare.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import Optional

import numpy as np
import pandas as pd

from questionnaires.schema import Item, Questionnaire

from . import RoundData
from .groups import agency_weighted, pool_part
from .numbers import number
from .respondents import item_matrix, reverse_code, scores
from .results import (
    AgencyChange,
    Change,
    Comparison,
    CoverageChange,
    Group,
    Movement,
    NotCompared,
    Pair,
    PairChanges,
    PairMove,
    Placement,
    RateChange,
    RoundResults,
)
from .uncertainty import ASSUMED_SD, INTERVAL_MIN_N, assumed_spread_interval, resampled_scores

RESAMPLES = 2000


class NotComparable(ValueError):
    """A round whose results are not published (fewer respondents than its minimum group size)."""


TIE_FROM = 1.0


def comparable_items(earlier: Questionnaire, later: Questionnaire) -> tuple[set[str], set[str], list[NotCompared]]:
    """The Likert items that compare (ids in the earlier round, ids in the later round), and the others with the
    reason they don't. An item compares when it keeps its id, wording, construct, direction and scale; a later
    item that declares `replaces: OLD` compares with the earlier item OLD whatever its id and wording."""
    def likert(q: Questionnaire) -> dict[str, Item]:
        return {i.id: i for i in q.items if i.type == "likert"}

    before, after = likert(earlier), likert(later)
    if earlier.key == later.key:
        return set(before), set(after), []
    same_before, same_after, different = set(), set(), []
    replaced = {b.replaces: b for b in after.values() if b.replaces}
    for item_id in sorted(set(before) | set(after)):
        a, b = before.get(item_id), after.get(item_id)
        if a is not None and item_id in replaced:
            new = replaced[item_id]
            if (a.construct, a.reverse) == (new.construct, new.reverse):
                same_before.add(item_id)
                same_after.add(new.id)
            else:
                different.append(NotCompared(item_id, f"replaced by {new.id}, which measures something else"))
        elif b is not None and b.replaces:
            if b.replaces not in before:
                different.append(NotCompared(item_id, f"replaces {b.replaces}, which the earlier round did not ask"))
        elif a is None or b is None:
            different.append(NotCompared(item_id, f"asked only in the {'later' if a is None else 'earlier'} round"))
        elif (a.text, a.construct, a.reverse) != (b.text, b.construct, b.reverse) or \
                (earlier.scales[a.scale].min, earlier.scales[a.scale].max) != \
                (later.scales[b.scale].min, later.scales[b.scale].max):
            different.append(NotCompared(item_id, "worded, scored or scaled differently"))
        else:
            same_before.add(item_id)
            same_after.add(item_id)
    return same_before, same_after, different


def _table(data: RoundData, items: set[str]) -> pd.DataFrame:
    ids = pd.Index(data.respondents["respondent"])
    table = scores(data.questionnaire, reverse_code(data.questionnaire, item_matrix(data.questionnaire, ids,
                                                                                    data.answers)), items)
    joined, _paper = data.joined()
    return table.assign(_agency=data.respondents["agency"].to_numpy(), _release=joined.to_numpy())


def moving_agencies(results: RoundResults) -> set[str]:
    """The agencies a release shows with its own respondents (not kept at an earlier release's figures)."""
    return {a.slug for a in results.shown_agencies() if a.as_of is None}


def _placement(group: Group) -> Placement:
    return Placement(group.profile.level, group.profile.qualifier)


def compare(earlier: RoundData, later: RoundData, earlier_results: RoundResults, later_results: RoundResults,
            resamples: int = RESAMPLES, seed: Optional[int] = None) -> Comparison:
    """The change from `earlier` to `later`; `*_results` are each round's published results (`score_round`).

    Figures follow each round's disclosure plan: the agency-weighted scores pool each round's hidden agencies,
    and agencies and pairs appear only where both rounds show them."""
    for results in (earlier_results, later_results):
        if not results.published:
            title = results.round.title if results.round else "a round"
            raise NotComparable(f"{title} has fewer than {results.min_group_size} published responses: there is "
                                "nothing to compare yet")
    q = later.questionnaire
    items_before, items_after, not_comparable = comparable_items(earlier.questionnaire, q)
    constructs = [c.id for c in q.dimensions + q.conditions]
    before, after = _table(earlier, items_before), _table(later, items_after)
    shown_before, shown_after = moving_agencies(earlier_results), moving_agencies(later_results)
    rng = np.random.default_rng([earlier.seed, later.seed] if seed is None else seed)  # the rounds' secret seeds
    boot = (resampled_scores(after[constructs], after["_agency"], shown_after, resamples, rng)
            - resampled_scores(before[constructs], before["_agency"], shown_before, resamples, rng))
    then = agency_weighted(before[constructs], before["_agency"], shown_before).to_numpy()
    now = agency_weighted(after[constructs], after["_agency"], shown_after).to_numpy()
    hidden = (pool_part(after[constructs], after["_agency"], shown_after)
              - pool_part(before[constructs], before["_agency"], shown_before)).to_numpy()
    changed = {i.item for i in not_comparable}
    enough = (before[constructs].count() >= INTERVAL_MIN_N) & (after[constructs].count() >= INTERVAL_MIN_N)
    figures = {construct: _change(then[k], now[k], boot[:, k] if enough[construct] else None, len(constructs),
                                  tuple(sorted(changed & {i.id for i in earlier.questionnaire.scored_items(construct)
                                                          + q.scored_items(construct)})))
               for k, construct in enumerate(constructs)}
    figures = {c: replace(f, from_hidden=number(hidden[k])) for k, (c, f) in enumerate(figures.items())}
    dimension_ids = [d.id for d in q.dimensions]
    agencies, left_out = _agencies(before, after, earlier_results, later_results, dimension_ids)
    return Comparison(
        resamples=resamples, comparable_items=len(items_after), not_comparable=tuple(not_comparable),
        dimensions={c: figures[c] for c in dimension_ids},
        conditions={c: figures[c] for c in constructs if c not in dimension_ids},
        level_earlier=_placement(earlier_results.jurisdiction), level_later=_placement(later_results.jurisdiction),
        agencies=agencies, agencies_left_out=left_out,
        pairs=_pairs(earlier_results, later_results),
        coverage=coverage_change(earlier_results, later_results),
    )


def _change(then: float, now: float, draws: Optional[np.ndarray], family: int,
            items_changed: tuple[str, ...] = ()) -> Change:
    """A change from `then` to `now` with the 95% percentile interval of its bootstrap `draws` (none without), and
    whether it holds with the `family` changes of its table taken together (Bonferroni: the interval at
    1 - 0.05 / family excludes zero)."""
    kept = draws[~np.isnan(draws)] if draws is not None else np.empty(0)
    if not len(kept):
        return _interval_change(then, now, (None, None), (None, None), items_changed)
    low, high, wide_low, wide_high = np.percentile(kept, [2.5, 97.5, 2.5 / family, 100 - 2.5 / family])
    return _interval_change(then, now, (number(low), number(high)), (number(wide_low), number(wide_high)),
                            items_changed)


def _interval_change(then: float, now: float, interval: tuple, joint: tuple,
                     items_changed: tuple[str, ...] = ()) -> Change:
    low, high = interval
    wide_low, wide_high = joint
    return Change(earlier=number(then), later=number(now), change=number(now - then), ci_low=low, ci_high=high,
                  excludes_zero=bool(low is not None and high is not None and (low > 0 or high < 0)),
                  items_changed=items_changed,
                  holds=bool(wide_low is not None and wide_high is not None and (wide_low > 0 or wide_high < 0)),
                  joint_low=wide_low, joint_high=wide_high)


def _agencies(before: pd.DataFrame, after: pd.DataFrame, earlier: RoundResults, later: RoundResults,
              dimensions: list[str]) -> tuple[tuple[AgencyChange, ...], int]:
    """Agencies shown on their own in both rounds (change per dimension with the assumed-spread interval, on the
    respondents each round's published figures hold, up to the release they are of; level transition), and how
    many are left out."""
    shown_before = {a.slug: a for a in earlier.shown_agencies()}
    shown_after = {a.slug: a for a in later.shown_agencies()}
    both = [a.slug for a in later.agencies if a.slug in shown_before and a.slug in shown_after]
    all_slugs = {a.slug for a in earlier.agencies} | {a.slug for a in later.agencies}
    spread = {d: max([ASSUMED_SD] + [r.jurisdiction.profile.figures(d).sd or 0.0 for r in (earlier, later)])
              for d in dimensions}
    rows = []
    def held(table: pd.DataFrame, results: RoundResults, agency) -> np.ndarray:
        upto = agency.as_of or results.release
        mine = (table["_agency"] == agency.slug) & (table["_release"] <= upto)
        return table.loc[mine, dimensions].to_numpy(dtype=float)

    for slug in both:
        then, now = held(before, earlier, shown_before[slug]), held(after, later, shown_after[slug])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            means_then, means_now = np.nanmean(then, axis=0), np.nanmean(now, axis=0)
        counts_then, counts_now = (~np.isnan(then)).sum(axis=0), (~np.isnan(now)).sum(axis=0)
        changes = {}
        for k, d in enumerate(dimensions):
            sizes, difference = (int(counts_then[k]), int(counts_now[k])), number(means_now[k] - means_then[k])
            changes[d] = _interval_change(
                means_then[k], means_now[k], assumed_spread_interval(difference, sizes, spread[d]),
                assumed_spread_interval(difference, sizes, spread[d], level=1 - 0.05 / (len(both) * len(dimensions))))
        rows.append(AgencyChange(
            slug=slug, name=shown_after[slug].name, n_earlier=shown_before[slug].n, n_later=shown_after[slug].n,
            change=changes,
            earlier=_placement(shown_before[slug]), later=_placement(shown_after[slug])))
    return tuple(rows), len(all_slugs) - len(both)


def _pairs(earlier: RoundResults, later: RoundResults) -> PairChanges:
    """Pair transitions between agencies shown on their own in both rounds (a suppressed agency's pairs rest on
    the other side's rating alone, so their movement would be read as the suppressed agency's)."""
    hidden = {a.slug for r in (earlier, later) for a in r.agencies if a.suppressed}

    def index(results: RoundResults) -> dict[tuple[str, str], Pair]:
        return {(p.a, p.b): p for p in results.pairs if p.a not in hidden and p.b not in hidden}

    before, after = index(earlier), index(later)
    moves: dict[str, list[PairMove]] = {"new_ties": [], "lost_ties": [], "level_up": [], "level_down": [],
                                        "gaps_opened": [], "gaps_closed": []}
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        level_b = b.level if b else None
        level_a = a.level if a else None
        tie_b, tie_a = level_b is not None and level_b >= TIE_FROM, level_a is not None and level_a >= TIE_FROM
        pair = PairMove(a=key[0], b=key[1], earlier=level_b, later=level_a)
        if tie_a and not tie_b:
            moves["new_ties"].append(pair)
        elif tie_b and not tie_a:
            moves["lost_ties"].append(pair)
        if level_a is not None and level_b is not None and math.floor(level_a) != math.floor(level_b):
            moves["level_up" if level_a > level_b else "level_down"].append(pair)
        gap_b, gap_a = bool(b and b.perception_gap), bool(a and a.perception_gap)
        if gap_a and not gap_b:
            moves["gaps_opened"].append(pair)
        elif gap_b and not gap_a:
            moves["gaps_closed"].append(pair)
    density = {level: _movement(earlier.network.density[level], later.network.density[level])
               for level in later.network.density}
    return PairChanges(**{name: tuple(found) for name, found in moves.items()}, density=density)


def _movement(before: Optional[float], after: Optional[float]) -> Movement:
    return Movement(earlier=before, later=after,
                    change=None if after is None or before is None else after - before)


def coverage_change(earlier: RoundResults, later: RoundResults) -> CoverageChange:
    """How response rates moved, overall, by agency and by sector, as each round's coverage says now."""
    def by_sector(results: RoundResults) -> dict[str, Optional[float]]:
        sectors: dict[str, list[int]] = {}
        for a in results.coverage.agencies:
            invited, submitted = sectors.setdefault(a.sector, [0, 0])
            sectors[a.sector] = [invited + a.invited, submitted + a.submitted]
        return {s: (sub / inv if inv else None) for s, (inv, sub) in sectors.items()}

    before = {a.slug: a.response_rate for a in earlier.coverage.agencies}
    sector_before, sector_after = by_sector(earlier), by_sector(later)
    return CoverageChange(
        overall=_movement(earlier.coverage.overall.response_rate, later.coverage.overall.response_rate),
        agencies=tuple(RateChange(a.slug, _movement(before.get(a.slug), a.response_rate))
                       for a in later.coverage.agencies),
        sectors=tuple(RateChange(s, _movement(sector_before.get(s), rate)) for s, rate in sector_after.items()))
