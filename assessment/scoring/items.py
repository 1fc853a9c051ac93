"""Item figures: mean as answered, distribution, and don't-know share, per item and per construct."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

import pandas as pd

from questionnaires.schema import Questionnaire

from .disclosure import moves
from .numbers import number
from .results import DontKnow, Item


def item_figures(q: Questionnaire, answers: pd.DataFrame, min_group_size: int, joined: Optional[pd.Series] = None,
                 paper: Optional[pd.Series] = None, earlier: tuple[Item, ...] = (),
                 earlier_release: int = 0) -> list[Item]:
    """`answers`: respondent, item (best categorical: `score_round` factorises the ids once), value (NaN for don't
    know), dont_know. The don't-know share is over those who
    gave any answer to the item (a value or don't know). An item answered by fewer than `min_group_size`
    respondents (or by fewer than that many who did not answer on paper) shows its counts only: its mean and
    distribution would be those few people's answers.

    Over releases (`joined`: respondent -> the release they joined in; `paper`: respondent -> came on paper;
    `earlier`: the items as the release before showed them, release `earlier_release`), an item shown before moves
    only when at least k answers have joined it since (counted both ways), and otherwise keeps its earlier
    figures."""
    likert = [i for i in q.items if i.type == "likert"]
    relevant = answers[answers["item"].isin([i.id for i in likert])]
    valued = relevant.dropna(subset=["value"])
    counts = valued.groupby(["item", "value"], observed=True).size()
    means = valued.groupby("item", observed=True)["value"].mean()
    answered = valued.groupby("item", observed=True).size()
    on_paper = valued["respondent"].map(paper) if paper is not None else pd.Series(False, index=valued.index)
    answered_real = valued[~on_paper.astype(bool)].groupby("item", observed=True).size()
    dont_know = relevant.loc[relevant["dont_know"].astype(bool)].groupby("item", observed=True).size()
    before = {i.id: i for i in earlier}
    out = []
    for item in likert:
        scale = q.scales[item.scale]
        n, dk = int(answered.get(item.id, 0)), int(dont_know.get(item.id, 0))
        real = int(answered_real.get(item.id, 0))
        last = before.get(item.id)
        version = (last.as_of or earlier_release) if last is not None and not last.suppressed else None
        then = None
        if version is not None:
            mine = valued[valued["item"] == item.id]
            upto = mine["respondent"].map(joined) <= version
            then = ([int(upto.sum())], [int((upto & ~on_paper[mine.index].astype(bool)).sum())])
        if not moves([n], [real], then, min_group_size):
            if version is not None:
                out.append(replace(last, as_of=version))
                continue
            shown = False
        else:
            shown = True
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


def dont_know_by_construct(q: Questionnaire, answers: pd.DataFrame) -> dict[str, DontKnow]:
    """Per construct, the don't-know answers over all answers to its items (values and don't knows)."""
    dont_know = answers.loc[answers["dont_know"].astype(bool), "item"].value_counts()  # counted once per item
    valued = answers.loc[answers["value"].notna(), "item"].value_counts()
    out = {}
    for construct in q.dimensions + q.conditions:
        ids = [i.id for i in q.scored_items(construct.id)]
        dk = int(dont_know.reindex(ids, fill_value=0).sum())
        given = int(valued.reindex(ids, fill_value=0).sum()) + dk
        out[construct.id] = DontKnow(dont_know=dk, dont_know_share=dk / given if given else None)
    return out
