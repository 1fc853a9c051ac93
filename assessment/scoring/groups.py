"""Group figures (jurisdiction, agency, sector, role level, sector x role level), published as the disclosure
plan allows: a group that moves shows this release's figures, a group kept shows the figures an earlier release
published, and a hidden group carries its count and the reason, and no figure."""
from __future__ import annotations

from typing import Callable, Hashable, Optional

import numpy as np
import pandas as pd

from questionnaires.schema import Questionnaire

from .continuum import band, place
from .disclosure import REASONS, Cell, Plan
from .numbers import exact, number
from .results import Agreement, Figures, Group, Profile
from .uncertainty import spread_by_chance


def construct_figures(score: float, weighted: float, n: int, sd: float) -> Figures:
    return Figures(score=number(score), respondent_weighted=number(weighted), n=int(n), sd=number(sd),
                   band=band(number(score)))


def profile(q: Questionnaire, table: dict[str, Figures]) -> Profile:
    dimension_ids = [d.id for d in q.dimensions]
    placed = place(dimension_ids, {d: table[d].score for d in dimension_ids})
    return Profile(dimensions={d: table[d] for d in dimension_ids},
                   conditions={c.id: table[c.id] for c in q.conditions}, **placed)


def hidden(plan: Plan, cell: Cell) -> dict:
    """What a group that is not shown publishes, as `Group` fields: its count and why."""
    reason = plan.reason(cell)
    return {"n": plan.respondents.get(cell, 0), "reason": reason,
            "reason_text": REASONS[reason].format(k=plan.min_group_size)}


def kept(group: Group, release: int) -> dict:
    """The `Group` fields of a group shown as an earlier release published it (`group` is how the release before
    this one showed it; `release` is that release's number)."""
    return {"n": group.n, "profile": group.profile, "as_of": group.as_of or release}


def summarise(q: Questionnaire, scores: pd.DataFrame, keys: pd.Series, plan: Plan, spread: bool,
              cell_of: Callable, earlier: Callable[[Hashable], Optional[Group]] = lambda _key: None,
              earlier_release: int = 0) -> dict[Hashable, dict]:
    """Per group key, the `Group` fields: the profile of respondent means when the plan moves the group
    (`cell_of(key)`; with their SDs only when `spread`, see `disclosure.spread_moves`), its earlier figures when
    the plan keeps it (`earlier(key)`: the group as the release before showed it), else its count and the
    reason."""
    grouped = scores.groupby(keys, sort=False)
    means, sds, counts, sizes = grouped.mean(), grouped.std(ddof=1), grouped.count(), grouped.size()
    out = {}
    for key, size in sizes.items():
        cell = cell_of(key)
        if cell in plan.kept and (before := earlier(key)) is not None and before.profile is not None:
            out[key] = kept(before, earlier_release)
        elif plan.moves(cell):
            table = {c: construct_figures(means.at[key, c], means.at[key, c], counts.at[key, c],
                                          sds.at[key, c] if spread else None) for c in scores.columns}
            out[key] = {"n": int(size), "profile": profile(q, table)}
        else:
            out[key] = hidden(plan, cell)
    return out


POOL = "\x00pooled agencies"


def pooled(agency: pd.Series, moving: set[str]) -> pd.Series:
    """Agency labels with every agency not shown with this release's respondents renamed to one pool."""
    return agency.where(agency.isin(moving), POOL)


def agency_weighted(scores: pd.DataFrame, agency: pd.Series, moving: set[str]) -> pd.Series:
    """Per construct: the mean of the means of the agencies shown with this release's respondents (`moving`) and
    of the other agencies' pooled mean, the pool weighing as many agencies as it holds (every agency of the pool
    that has a respondent, on every construct the pool has a score on).

    With every agency shown this is the plain mean of agency means (every agency counting once). Pooling is what
    keeps it safe: beside the respondent-weighted mean, separate means of hidden agencies of different sizes would
    give each hidden agency's sum (two equations, two unknowns); and a weight that changed with the constructs a
    hidden agency has scores on would say which hidden agency answered "don't know" throughout."""
    label = pooled(agency, moving)
    means = scores.groupby(label, sort=False).mean()
    weights = pd.DataFrame(1.0, index=means.index, columns=means.columns)
    if POOL in means.index:
        weights.loc[POOL] = float(agency[~agency.isin(moving)].nunique())
    weights = weights.where(means.notna(), 0.0)
    total = weights.sum()
    return (means.fillna(0) * weights).sum() / total.where(total > 0, np.nan)


def pool_part(scores: pd.DataFrame, agency: pd.Series, moving: set[str]) -> pd.Series:
    """Per construct, the part of the agency-weighted score (see `agency_weighted`) that the pool of agencies not
    shown with this release's respondents makes: its weight times its mean, over all the weights (0 without a
    pool). The pool's mean follows from the published figures anyway (the jurisdiction less the agencies shown)."""
    label = pooled(agency, moving)
    means = scores.groupby(label, sort=False).mean()
    if POOL not in means.index:
        return pd.Series(0.0, index=scores.columns)
    weights = pd.DataFrame(1.0, index=means.index, columns=means.columns)
    weights.loc[POOL] = float(agency[~agency.isin(moving)].nunique())
    weights = weights.where(means.notna(), 0.0)
    total = weights.sum()
    return (means.loc[POOL].fillna(0) * weights.loc[POOL]) / total.where(total > 0, np.nan)


def jurisdiction(q: Questionnaire, scores: pd.DataFrame, agency: pd.Series, moving: set[str],
                 spread: bool) -> dict:
    """The jurisdiction's `Group` fields: agency-weighted scores (see `agency_weighted`) beside the
    respondent-weighted mean, with the SD when `spread` (see `disclosure.spread_moves`)."""
    weighted = agency_weighted(scores, agency, moving)
    table = {c: construct_figures(weighted[c], scores[c].mean(), scores[c].count(),
                                  scores[c].std(ddof=1) if spread else None) for c in scores.columns}
    return {"n": int(len(scores)), "profile": profile(q, table)}


def agreement(scores: pd.DataFrame, agency: pd.Series, moving: set[str], whole: Profile, seed: int,
              resampled: bool = True) -> dict[str, Agreement]:
    """Per construct: the SD of respondent scores, and the spread between the means of the agencies shown with
    this release's respondents (a hidden agency's mean could be read back from a spread it defines), flagged when
    it is wider than the spread that chance alone gives 95% of the time (`uncertainty.spread_by_chance`)."""
    means = scores.groupby(agency).mean()
    means = means[means.index.isin(moving)]
    chance = (spread_by_chance(scores, agency, moving, seed=seed) if resampled
              else dict.fromkeys(scores.columns))  # a resampling figure: see `disclosure.spread_moves`
    out = {}
    for construct in scores.columns:
        values = means[construct].dropna()
        width: Optional[float] = float(values.max() - values.min()) if len(values) >= 2 else None
        cut = chance[construct]
        flag = width is not None and cut is not None and exact(width) > exact(cut)
        out[construct] = Agreement(sd=whole.figures(construct).sd, spread=width, spread_by_chance=cut,
                                   spread_flag=bool(flag))
    return out
