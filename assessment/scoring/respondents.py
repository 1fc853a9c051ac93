"""Respondent scores: one row per respondent, one column per dimension or condition, on 0-100."""
from __future__ import annotations

import numpy as np
import pandas as pd

from questionnaires.schema import Questionnaire


def _likert(q: Questionnaire):
    return [i for i in q.items if i.type == "likert"]


def item_matrix(q: Questionnaire, respondent_ids: pd.Index, answers: pd.DataFrame) -> pd.DataFrame:
    """Respondents x Likert items, answers as given (NaN for unanswered and for don't know)."""
    likert = [i.id for i in _likert(q)]
    matrix = np.full((len(respondent_ids), len(likert)), np.nan)
    rows = respondent_ids.get_indexer(answers["respondent"])
    cols = pd.Index(likert).get_indexer(answers["item"])
    values = answers["value"].to_numpy(dtype=float)
    keep = (rows >= 0) & (cols >= 0) & ~np.isnan(values)
    matrix[rows[keep], cols[keep]] = values[keep]
    return pd.DataFrame(matrix, index=respondent_ids, columns=likert)


def _bounds(q: Questionnaire, columns) -> tuple[np.ndarray, np.ndarray]:
    items = {i.id: i for i in _likert(q)}
    low = np.array([q.scales[items[c].scale].min for c in columns], dtype=float)
    high = np.array([q.scales[items[c].scale].max for c in columns], dtype=float)
    return low, high


def reverse_code(q: Questionnaire, matrix: pd.DataFrame) -> pd.DataFrame:
    """Reverse-coded items turned round (`min + max - v`), so that higher always means more collaboration."""
    items = {i.id: i for i in _likert(q)}
    low, high = _bounds(q, matrix.columns)
    flip = np.array([items[c].reverse for c in matrix.columns])
    values = matrix.to_numpy()
    return pd.DataFrame(np.where(flip, low + high - values, values), index=matrix.index, columns=matrix.columns)


def rescaled(q: Questionnaire, coded: pd.DataFrame) -> np.ndarray:
    """Each item on 0-100: `(v - min) / (max - min) * 100`, which for 1-5 is `(v - 1) / 4 * 100`."""
    low, high = _bounds(q, coded.columns)
    return (coded.to_numpy() - low) / (high - low) * 100.0


def scores(q: Questionnaire, coded: pd.DataFrame, items: set[str] | None = None) -> pd.DataFrame:
    """Mean of each construct's answered items, on 0-100, only where at least two thirds of them are answered.

    With `items`, only those item ids count (comparing rounds uses the items both rounds share); a construct left
    with no item scores NaN."""
    points = rescaled(q, coded)
    columns = {}
    for construct in q.dimensions + q.conditions:
        positions = [coded.columns.get_loc(i.id) for i in q.scored_items(construct.id)
                     if items is None or i.id in items]
        if not positions:
            columns[construct.id] = np.full(len(coded), np.nan)
            continue
        block = points[:, positions]
        answered = (~np.isnan(block)).sum(axis=1)
        total = np.nansum(block, axis=1)
        enough = answered * 3 >= 2 * len(positions)
        columns[construct.id] = np.where(enough, total / np.maximum(answered, 1), np.nan)
    return pd.DataFrame(columns, index=coded.index)
