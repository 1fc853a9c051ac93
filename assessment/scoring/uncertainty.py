"""How sure the figures are: bootstrap intervals on the jurisdiction's scores, and what spread between agencies
chance alone would give.

Respondents are a sample of the people who could have answered, so an agency-weighted score of 74 is not
clearly below the cut at 75. The jurisdiction's 95% interval resamples respondents with replacement within each
agency shown with the release's respondents, and within the pool of the other agencies as one group (as the score
itself takes them; see `groups.agency_weighted`), and reads the 2.5th and 97.5th percentiles of the resampled
scores (Efron and Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13, the percentile interval). So no
resampling happens inside a group smaller than k: an agency of one, resampled alone, is always its one
respondent, and the interval's ends would then be sums that give that person's score. Below `INTERVAL_MIN_N`
respondents with a score no interval is given: the percentile bootstrap does not keep its promised coverage
there, and its ends are the extreme respondents' scores. A score is "borderline" when its interval reaches
across a band's cut. The draws take the round's own seed (`RoundData.seed`), which is never published: with the
seed, someone who knows all but a few answers can replay the draws and find which of those few give the ends.

Agencies of four or five people differ by chance: the spread between agency means is flagged only when it is
wider than the spreads that random regrouping of the same respondents into agencies of the same sizes gives (a
permutation test, judged for all constructs together), not at a fixed number of points.
"""
from __future__ import annotations

import math
import warnings
from typing import Optional

import numpy as np
import pandas as pd

from .continuum import CONCERN_BELOW, ESTABLISHED_FROM, place, placed_name
from .numbers import exact, number
from .results import Interval

RESAMPLES = 2000
PERMUTATIONS = 2000
SEED = 20001001
CUTS = (CONCERN_BELOW, ESTABLISHED_FROM)
#: Bound on the numbers drawn (resamples x respondents): a round of 100,000 gets 200 resamples, whose interval is
#: a fraction of a point wide anyway; a round of up to 10,000 gets all of them.
BUDGET = 20_000_000
CHUNK = 4_000_000
#: The fewest respondents with a score for which an interval is given.
INTERVAL_MIN_N = 10


def canonical_order(values: np.ndarray, *first: np.ndarray) -> np.ndarray:
    """An order of the rows that depends only on their contents (then on `first` keys), so that the random draws,
    and the figures from them, do not depend on the order in which respondents were stored."""
    keys = list(np.nan_to_num(values, nan=-1.0).T[::-1]) + list(first[::-1])
    return np.lexsort(keys) if keys else np.arange(len(values))


def canonical(values: np.ndarray) -> np.ndarray:
    return values[canonical_order(values)]


def draws_for(respondents: int, wanted: int) -> int:
    return max(200, min(wanted, BUDGET // max(respondents, 1)))


POOL = "\x00pooled agencies"


def resampled_scores(table: pd.DataFrame, agency: pd.Series, moving: set[str], resamples: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Agency-weighted scores of `resamples` rounds resampled within each agency shown with the release's
    respondents (`moving`) and within the pool of the others (resamples x constructs): the moving agencies' means
    count once each, the pool's mean as many times as it holds agencies. Drawn in chunks, so memory stays small
    whatever the round's size."""
    constructs = table.shape[1]
    labels = agency.where(agency.isin(moving), POOL).to_numpy()
    pool_weight = float(agency[~agency.isin(moving)].nunique())
    total, weight = np.zeros((resamples, constructs)), np.zeros((resamples, constructs))
    for name, block in table.groupby(labels, sort=True):
        values = canonical(block.to_numpy())
        present = ~np.isnan(values)
        answered_ones = present.astype(np.float64)
        values = np.nan_to_num(values)
        sums, counts = np.zeros((resamples, constructs)), np.zeros((resamples, constructs))
        step = max(1, CHUNK // (len(values) * constructs))
        for start in range(0, resamples, step):
            picked = rng.integers(0, len(values), size=(min(step, resamples - start), len(values)))
            sums[start:start + len(picked)] = np.take(values, picked, axis=0).sum(axis=1)
            counts[start:start + len(picked)] = picks(picked, len(values)) @ answered_ones
        answered = counts > 0
        means = sums / np.maximum(counts, 1)
        # A resampled mean of n scores varies (n-1)/n as much as the mean does: spread it back out, or the groups
        # of three or four that agencies are would give intervals too narrow (Davison & Hinkley, 1997, 2.3).
        scored = present.sum(axis=0)
        centre = values.sum(axis=0) / np.maximum(scored, 1)
        factor = np.sqrt(np.where(scored > 1, scored / np.maximum(scored - 1, 1), 1.0))
        means = centre + (means - centre) * factor
        share = pool_weight if name == POOL else 1.0
        total += np.where(answered, share * means, 0.0)
        weight += share * answered
    return np.where(weight > 0, total / np.maximum(weight, 1), np.nan)


def picks(picked: np.ndarray, rows: int) -> np.ndarray:
    """How many times each of `rows` rows is drawn in each line of `picked` (lines x rows): its product with a
    0/1 matrix counts, exactly, the draws that fall on its ones."""
    lines = len(picked)
    drawn = np.bincount((picked + np.arange(lines)[:, None] * rows).ravel(), minlength=lines * rows)
    return drawn.reshape(lines, rows).astype(np.float64)


def mean_draws(values: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """The column means of `resamples` resamplings (with replacement) of one group's rows (resamples x columns);
    NaN where a resample has no answer in a column."""
    values = canonical(values)
    present = ~np.isnan(values)
    picked = rng.integers(0, len(values), size=(resamples, len(values)))
    counts = present[picked].sum(axis=1)
    sums = np.nan_to_num(values)[picked].sum(axis=1)
    return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def percentile_interval(draws: np.ndarray) -> tuple[Optional[float], Optional[float]]:
    kept = draws[~np.isnan(draws)]
    if not len(kept):
        return None, None
    low, high = np.percentile(kept, [2.5, 97.5])
    return number(low), number(high)


def borderline(low: Optional[float], high: Optional[float]) -> bool:
    """Whether the interval reaches across the concern or the established cut (decided on exact values)."""
    if low is None or high is None:
        return False
    return any(exact(low) < cut <= exact(high) for cut in CUTS)


NONE = Interval(low=None, high=None, borderline=False)


def jurisdiction_intervals(table: pd.DataFrame, agency: pd.Series, moving: set[str], dimensions: list[str],
                           resamples: int = RESAMPLES, seed: int = SEED,
                           ) -> tuple[dict[str, Interval], Interval, dict[str, float]]:
    """95% intervals of each construct's agency-weighted score, and of the readiness index (the mean of the
    dimensions, from the same resamples); none for a construct with fewer than `INTERVAL_MIN_N` scores (and none
    for the index when a dimension has none). Third, how sure the level is: the share of the resamples that place
    the jurisdiction at each level of the continuum ("Coordination (emerging)": 0.71, ...), most first; none
    without every dimension's interval."""
    enough = table.count() >= INTERVAL_MIN_N
    if not enough.any():
        return {c: NONE for c in table.columns}, NONE, {}
    rng = np.random.default_rng(seed)
    draws = resampled_scores(table, agency, moving, draws_for(len(table), resamples), rng)
    out = {}
    for k, construct in enumerate(table.columns):
        low, high = percentile_interval(draws[:, k]) if enough[construct] else (None, None)
        out[construct] = Interval(low=low, high=high, borderline=borderline(low, high))
    if not enough[dimensions].all():
        return out, NONE, {}
    positions = [table.columns.get_loc(d) for d in dimensions]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        index = draws[:, positions].mean(axis=1)
    low, high = percentile_interval(index)
    return out, Interval(low=low, high=high, borderline=borderline(low, high)), level_shares(draws[:, positions],
                                                                                             dimensions)


def level_shares(draws: np.ndarray, dimensions: list[str]) -> dict[str, float]:
    """The share of the resampled profiles (draws x dimensions, in continuum order) at each level, as the level is
    named ("Coordination (emerging)"), the most frequent first."""
    counts: dict[str, int] = {}
    for row in draws:
        placed = place(dimensions, dict(zip(dimensions, row)))
        name = placed_name(placed["level"], placed["qualifier"])
        counts[name] = counts.get(name, 0) + 1
    return {name: count / len(draws) for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


#: The spread within an agency that intervals for small groups assume, in points of the 0-100 score: the upper
#: end of what respondents of one agency spread over on these scales (see `assumed_spread_interval`).
ASSUMED_SD = 25.0
Z95 = 1.959963984540054


def assumed_spread_interval(center: Optional[float], sizes: tuple[int, ...], sd: float = ASSUMED_SD,
                            level: float = 0.95) -> tuple[Optional[float], Optional[float]]:
    """The `level` interval of a mean of `sizes[0]` scores (or of a difference of two independent means, with two
    sizes) that takes the spread within each group to be `sd`, not the group's own:

        center +/- z * sd * sqrt(sum of 1/n),  z = 1.96 at 95%

    A group's own SD with its mean gives, on the score grid, how each of a few people answered (see
    `disclosure.spread_moves`), and a percentile bootstrap inside a group of three ends at its extreme members'
    scores; this interval rests on n alone and gives no one's answers away. It keeps its 95% coverage whenever
    the true spread is at most `sd` (checked by simulation in the tests for groups of 3 to 10), and it is wider
    than an interval from the group's own spread: for an agency of three, +/- 28 points.

    >>> [round(end, 2) for end in assumed_spread_interval(50.0, (4,))]
    [25.5, 74.5]
    """
    if center is None or not sizes or min(sizes) < 1:
        return None, None
    if level == 0.95:
        z = Z95
    else:
        from scipy.stats import norm  # here: SciPy is slow to import, and only other levels need it

        z = float(norm.ppf(0.5 + level / 2))
    half = z * sd * math.sqrt(sum(1 / n for n in sizes))
    return number(center - half), number(center + half)


def spread_by_chance(table: pd.DataFrame, agency: pd.Series, moving: set[str], permutations: int = PERMUTATIONS,
                     seed: int = SEED) -> dict[str, Optional[float]]:
    """Per construct, the spread (largest minus smallest mean) between the agencies shown with the release's
    respondents that chance alone rarely exceeds when their respondents are dealt at random into agencies of the
    same sizes: its 1 - 0.05 / c percentile, for the c constructs judged together (Bonferroni), so that a flag on
    any of them is a finding at 95% for the table as a whole.
    None with fewer than two such agencies, and, like an interval, for fewer than `INTERVAL_MIN_N` scores (a
    percentile of a few people's regroupings is a difference of their sums)."""
    mine = agency.isin(moving).to_numpy()
    names, codes = np.unique(agency.to_numpy()[mine], return_inverse=True)
    if len(names) < 2:
        return {c: None for c in table.columns}
    order = canonical_order(table.to_numpy()[mine], codes)
    values, codes = table.to_numpy()[mine][order], codes[order]
    present = ~np.isnan(values)
    values = np.nan_to_num(values)
    groups, respondents = len(names), len(codes)
    count = draws_for(respondents, permutations)
    rng = np.random.default_rng(seed)
    widths = np.empty((count, values.shape[1]))
    rows = max(1, CHUNK // respondents)  # dealings drawn a chunk at a time, so memory stays small
    sizes = np.bincount(codes, minlength=groups).astype(np.float64)
    missing = [np.flatnonzero(~present[:, c]) for c in range(values.shape[1])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for start in range(0, count, rows):
            take = min(rows, count - start)
            dealt = rng.permuted(np.tile(codes, (take, 1)), axis=1)  # each row: the same group sizes, shuffled
            offsets = np.arange(take)[:, None] * groups
            index = (dealt + offsets).ravel()
            for c in range(values.shape[1]):
                sums = np.bincount(index, weights=np.tile(values[:, c], take), minlength=take * groups)
                # a dealing keeps each group's size: its answers are that less the unanswered dealt into it
                counts = np.tile(sizes, take) - np.bincount((dealt[:, missing[c]] + offsets).ravel(),
                                                            minlength=take * groups)
                means = (sums / counts).reshape(take, groups)
                widths[start:start + take, c] = np.nanmax(means, axis=1) - np.nanmin(means, axis=1)
        cut = np.nanpercentile(widths, 100 * (1 - 0.05 / values.shape[1]), axis=0)
    enough = present.sum(axis=0) >= INTERVAL_MIN_N
    return {c: number(cut[k]) if enough[k] else None for k, c in enumerate(table.columns)}
