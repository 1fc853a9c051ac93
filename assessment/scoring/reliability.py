"""Internal consistency of each dimension's items: Cronbach's alpha, alpha if item deleted, corrected
item-total correlations. Listwise: only respondents who answered every item of the dimension count."""
from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from .numbers import exact, number
from .results import ItemReliability, Reliability

ALPHA_FLAG_BELOW = 0.70


def cronbach_alpha(items: np.ndarray) -> Optional[float]:
    """alpha = k/(k-1) * (1 - sum of item variances / variance of the total), sample variances (ddof=1)."""
    n, k = items.shape
    if k < 2 or n < 2:
        return None
    total_variance = items.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return None
    return float(k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / total_variance))


def _correlation(x: np.ndarray, y: np.ndarray) -> Optional[float]:
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def dimension_reliability(coded: pd.DataFrame, min_group_size: int = 1) -> Reliability:
    """`coded`: respondents x the dimension's items, reverse-coded, NaN where not answered. With fewer than
    `min_group_size` complete answers only the count is shown (the statistics would describe those few people)."""
    complete = coded.dropna().to_numpy()
    if len(complete) < min_group_size:
        return Reliability(alpha=None, n=int(len(complete)), flag=False, items={})
    items = {}
    for position, item_id in enumerate(coded.columns):
        rest = np.delete(complete, position, axis=1)
        items[item_id] = ItemReliability(
            alpha_if_deleted=number(cronbach_alpha(rest)),
            item_total_correlation=number(_correlation(complete[:, position], rest.sum(axis=1))
                                          if len(complete) else None))
    alpha = cronbach_alpha(complete)
    return Reliability(alpha=number(alpha), n=int(len(complete)),
                       flag=bool(alpha is not None and exact(alpha) < ALPHA_FLAG_BELOW), items=items)
