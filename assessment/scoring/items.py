"""Item figures: mean as answered, distribution, and don't-know share, per item and per construct."""
from __future__ import annotations

import pandas as pd

from questionnaires.schema import Questionnaire

from .numbers import number
from .results import DontKnow, Item


def item_figures(q: Questionnaire, answers: pd.DataFrame, min_group_size: int) -> list[Item]:
    """`answers`: respondent, item, value (NaN for don't know), dont_know. The don't-know share is over those who
    gave any answer to the item (a value or don't know). An item answered by fewer than `min_group_size`
    respondents shows its counts only: its mean and distribution would be those few people's answers."""
    likert = [i for i in q.items if i.type == "likert"]
    relevant = answers[answers["item"].isin([i.id for i in likert])]
    valued = relevant.dropna(subset=["value"])
    counts = valued.groupby(["item", "value"]).size()
    means = valued.groupby("item")["value"].mean()
    answered = valued.groupby("item").size()
    dont_know = relevant.loc[relevant["dont_know"].astype(bool)].groupby("item").size()
    out = []
    for item in likert:
        scale = q.scales[item.scale]
        n, dk = int(answered.get(item.id, 0)), int(dont_know.get(item.id, 0))
        shown = n >= min_group_size
        mean = number(means.get(item.id)) if shown else None
        scored = scale.reverse(mean) if mean is not None and item.reverse else mean
        out.append(Item(
            id=item.id, text=item.text, short=item.short or item.text, construct=item.construct,
            kind="dimension" if item.dimension else "condition", reverse=item.reverse,
            n=n, suppressed=not shown, mean=mean,
            # the mean after reverse-coding, on 0-100: higher is always more collaboration
            score=(scored - scale.min) / (scale.max - scale.min) * 100 if scored is not None else None,
            distribution=({str(v): int(counts.get((item.id, float(v)), 0)) for v in range(scale.min, scale.max + 1)}
                          if shown else None),
            dont_know=dk, dont_know_share=dk / (n + dk) if n + dk else None,
        ))
    return out


def dont_know_by_construct(q: Questionnaire, items: list[Item]) -> dict[str, DontKnow]:
    out = {}
    for construct in q.dimensions + q.conditions:
        mine = [i for i in items if i.construct == construct.id]
        answered = sum(i.n for i in mine)
        dk = sum(i.dont_know for i in mine)
        out[construct.id] = DontKnow(dont_know=dk, dont_know_share=dk / (answered + dk) if answered + dk else None)
    return out
