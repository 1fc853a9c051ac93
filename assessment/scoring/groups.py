"""Group figures (jurisdiction, agency, sector, role level) with the confidentiality rule applied."""
from __future__ import annotations

from typing import Optional

import pandas as pd

from questionnaires.schema import Questionnaire

from .continuum import band, place
from .numbers import number


def construct_figures(score: float, weighted: float, n: int, sd: float) -> dict:
    return {"score": number(score), "respondent_weighted": number(weighted), "n": int(n), "sd": number(sd),
            "band": band(number(score))}


def profile(q: Questionnaire, table: dict[str, dict]) -> dict:
    dimension_ids = [d.id for d in q.dimensions]
    placed = place(dimension_ids, {d: table[d]["score"] for d in dimension_ids})
    return {"dimensions": {d: table[d] for d in dimension_ids},
            "conditions": {c.id: table[c.id] for c in q.conditions}, **placed}


def summarise(q: Questionnaire, scores: pd.DataFrame, keys: pd.Series, min_group_size: int) -> dict[str, dict]:
    """Per group: n respondents, suppressed, and (when shown) the profile of group means.

    A group with fewer than `min_group_size` respondents is suppressed: it carries no figure at all.
    """
    grouped = scores.groupby(keys, sort=False)
    means, sds, counts, sizes = grouped.mean(), grouped.std(ddof=1), grouped.count(), grouped.size()
    out = {}
    for key, size in sizes.items():
        if size < min_group_size:
            out[key] = {"n": None, "suppressed": True}
            continue
        table = {c: construct_figures(means.at[key, c], means.at[key, c], counts.at[key, c], sds.at[key, c])
                 for c in scores.columns}
        out[key] = {"n": int(size), "suppressed": False, **profile(q, table)}
    return out


def jurisdiction(q: Questionnaire, scores: pd.DataFrame, agency: pd.Series) -> dict:
    """Agency-weighted scores (mean of agency means, every agency counting once, suppressed ones included),
    beside the respondent-weighted mean."""
    agency_means = scores.groupby(agency, sort=False).mean()
    table = {c: construct_figures(agency_means[c].mean(), scores[c].mean(), scores[c].count(), scores[c].std(ddof=1))
             for c in scores.columns}
    return {"n": int(len(scores)), **profile(q, table)}


def spread(scores: pd.DataFrame, agency: pd.Series, shown: set[str], flag_above: float = 25.0) -> dict:
    """Between-agency spread of means per construct, over agencies that are shown (a suppressed agency's mean
    could be read back from a spread it defines)."""
    means = scores.groupby(agency).mean()
    means = means[means.index.isin(shown)]
    out = {}
    for construct in scores.columns:
        values = means[construct].dropna()
        width: Optional[float] = float(values.max() - values.min()) if len(values) >= 2 else None
        out[construct] = {"spread": width, "spread_flag": bool(width is not None and width > flag_above)}
    return out
