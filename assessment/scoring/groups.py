"""Group figures (jurisdiction, agency, sector, role level, sector x role level), published as the disclosure
plan allows: a hidden group carries its count and the reason, and no figure."""
from __future__ import annotations

from typing import Hashable, Optional

import numpy as np
import pandas as pd

from questionnaires.schema import Questionnaire

from .continuum import band, place
from .disclosure import REASONS, Cell, Plan
from .numbers import exact, number
from .results import Agreement, Figures, Profile
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


def summarise(q: Questionnaire, scores: pd.DataFrame, keys: pd.Series, plan: Plan, cell_of) -> dict[Hashable, dict]:
    """Per group key, the `Group` fields: the profile of respondent means when the plan shows the group
    (`cell_of(key)`), else its count and the reason."""
    grouped = scores.groupby(keys, sort=False)
    means, sds, counts, sizes = grouped.mean(), grouped.std(ddof=1), grouped.count(), grouped.size()
    out = {}
    for key, size in sizes.items():
        cell = cell_of(key)
        if not plan.shown(cell):
            out[key] = hidden(plan, cell)
            continue
        table = {c: construct_figures(means.at[key, c], means.at[key, c], counts.at[key, c], sds.at[key, c])
                 for c in scores.columns}
        out[key] = {"n": int(size), "profile": profile(q, table)}
    return out


POOL = "\x00hidden agencies"


def pooled(agency: pd.Series, shown: set[str]) -> pd.Series:
    """Agency labels with every hidden agency renamed to one pool."""
    return agency.where(agency.isin(shown), POOL)


def agency_weighted(scores: pd.DataFrame, agency: pd.Series, shown: set[str]) -> pd.Series:
    """Per construct: the mean of the shown agencies' means and of the hidden agencies' pooled mean, the pool
    weighing as many agencies as it holds (those with a score on the construct).

    With nothing hidden this is the plain mean of agency means (every agency counting once). Pooling is what keeps
    it safe: beside the respondent-weighted mean, separate means of hidden agencies of different sizes would give
    each hidden agency's sum (two equations, two unknowns)."""
    label = pooled(agency, shown)
    means = scores.groupby(label, sort=False).mean()
    answered_agencies = scores.notna().groupby(agency, sort=False).any()
    weights = pd.DataFrame(1.0, index=means.index, columns=means.columns)
    if POOL in means.index:
        hidden_agencies = answered_agencies[~answered_agencies.index.isin(shown)]
        weights.loc[POOL] = hidden_agencies.sum().reindex(means.columns).to_numpy(dtype=float)
    weights = weights.where(means.notna(), 0.0)
    total = weights.sum()
    return (means.fillna(0) * weights).sum() / total.where(total > 0, np.nan)


def jurisdiction(q: Questionnaire, scores: pd.DataFrame, agency: pd.Series, shown: set[str]) -> dict:
    """The jurisdiction's `Group` fields: agency-weighted scores (see `agency_weighted`) beside the
    respondent-weighted mean."""
    weighted = agency_weighted(scores, agency, shown)
    table = {c: construct_figures(weighted[c], scores[c].mean(), scores[c].count(), scores[c].std(ddof=1))
             for c in scores.columns}
    return {"n": int(len(scores)), "profile": profile(q, table)}


def agreement(scores: pd.DataFrame, agency: pd.Series, shown: set[str], whole: Profile) -> dict[str, Agreement]:
    """Per construct: the SD of respondent scores, and the spread between the means of the agencies that are shown
    (a hidden agency's mean could be read back from a spread it defines), flagged when it is wider than the
    spread that chance alone gives 95% of the time (`uncertainty.spread_by_chance`)."""
    means = scores.groupby(agency).mean()
    means = means[means.index.isin(shown)]
    chance = spread_by_chance(scores, agency, shown)
    out = {}
    for construct in scores.columns:
        values = means[construct].dropna()
        width: Optional[float] = float(values.max() - values.min()) if len(values) >= 2 else None
        cut = chance[construct]
        flag = width is not None and cut is not None and exact(width) > exact(cut)
        out[construct] = Agreement(sd=whole.figures(construct).sd, spread=width, spread_by_chance=cut,
                                   spread_flag=bool(flag))
    return out
