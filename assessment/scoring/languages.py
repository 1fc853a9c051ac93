"""How many published responses were answered in each language, under the confidentiality rule of DOMAIN.md.

The language a response was answered in is a quasi-identifier: where few people answer in Spanish, a count of
Spanish responses points at them. So a language is counted on its own only when it holds at least k (the round's
minimum group size) published responses; the smaller languages are counted together, and when that group would
still hold fewer than k, the smallest language shown on its own joins it, so that no count below k can be read
or worked out by subtracting the others from the total. Counts are given for the jurisdiction only.

Over releases the groups stay as the first release formed them (a language new since joins the pooled group),
and the counts move only when every group has gained none or at least k since they were last published;
otherwise the earlier counts stay. Groups that never change and always move by 0 or k or more leave nothing
smaller than k to subtract.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Optional

import pandas as pd

from .disclosure import allowed
from .results import LanguageCount


def language_counts(languages: Iterable[str], min_group_size: int) -> tuple[LanguageCount, ...]:
    """One row per published group of languages, largest first with the pooled group last; every n is at least
    `min_group_size`. Nothing when fewer than that many responded.

    >>> [(c.languages, c.n) for c in language_counts(["en"] * 18 + ["es"] * 4 + ["vi"] * 2 + ["ko"], 3)]
    [(('en',), 18), (('es',), 4), (('ko', 'vi'), 3)]
    >>> [(c.languages, c.n) for c in language_counts(["en"] * 18 + ["es"] * 2, 3)]
    [(('en', 'es'), 20)]
    """
    counts = Counter(languages)
    if sum(counts.values()) < min_group_size:
        return ()
    shown = {language: n for language, n in counts.items() if n >= min_group_size}
    pooled = sorted(set(counts) - set(shown))
    while pooled and sum(counts[language] for language in pooled) < min_group_size:
        smallest = min(shown, key=lambda language: (shown[language], language))
        pooled = sorted([*pooled, smallest])
        del shown[smallest]
    rows = [LanguageCount((language,), n) for language, n in sorted(shown.items(), key=lambda x: (-x[1], x[0]))]
    if pooled:
        rows.append(LanguageCount(tuple(pooled), sum(counts[language] for language in pooled)))
    return tuple(rows)


def released_language_counts(respondents: pd.DataFrame, min_group_size: int,
                             earlier: tuple[LanguageCount, ...] = (),
                             earlier_release: int = 0) -> Optional[tuple[LanguageCount, ...]]:
    """The language counts of a release (`respondents`: language, release joined in, paper): the first
    release's groups (`language_counts`), or the groups of the `earlier` counts (those of release
    `earlier_release`) with their new counts when every group moves by none or at least k, counted with and
    without the paper forms; None when they may not move (the earlier counts stay). A language new since joins the
    earlier counts' pooled group, or their smallest group."""
    real = ~respondents["paper"].astype(bool)
    if not earlier:
        rows = language_counts(respondents["language"], min_group_size)
        reals = [int((respondents["language"].isin(r.languages) & real).sum()) for r in rows]
        return rows if allowed(reals, min_group_size) else ()
    groups = [set(c.languages) for c in earlier]
    new = set(respondents["language"]) - set().union(*groups)
    if new:
        joins = next((g for g, c in zip(groups, earlier) if len(c.languages) > 1),
                     min(zip(groups, earlier), key=lambda pair: pair[1].n)[0])
        joins |= new
    before = respondents["release"] <= earlier_release
    steps = []
    for g in groups:
        mine = respondents["language"].isin(g)
        steps += [int((mine & ~before).sum()), int((mine & ~before & real).sum())]
    if not allowed(steps, min_group_size):
        return None
    return tuple(LanguageCount(tuple(sorted(g)), int(respondents["language"].isin(g).sum())) for g in groups)
