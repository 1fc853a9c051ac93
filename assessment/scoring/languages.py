"""How many published responses were answered in each language, under the confidentiality rule of DOMAIN.md.

The language a response was answered in is a quasi-identifier: where few people answer in Spanish, a count of
Spanish responses points at them. So a language is counted on its own only when it holds at least k (the round's
minimum group size) published responses; the smaller languages are counted together, and when that group would
still hold fewer than k, the smallest language shown on its own joins it, so that no count below k can be read
or worked out by subtracting the others from the total. Counts are given for the jurisdiction only.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

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
