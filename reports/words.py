"""How the report writes numbers: scores, shares, changes, intervals and group sizes, and when a figure rests on
so few people that it is printed muted with a caveat."""
from __future__ import annotations

from typing import Optional

from assessment.scoring.results import Change, Interval

#: Below this many respondents a shown figure is printed muted, with a caveat: it is shown (at least k people
#: gave it) but one or two answers move it a long way.
SMALL_GROUP = 6
CAVEAT = f"fewer than {SMALL_GROUP} respondents: one or two answers move this figure a long way"


def score(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.0f}"


def decimal(value: Optional[float], places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def percent(value: Optional[float]) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def signed(value: Optional[float]) -> str:
    if value is None:
        return "–"
    rounded = round(value)
    return "0" if rounded == 0 else f"{rounded:+d}"


def span(interval: Optional[Interval]) -> str:
    """A 95% interval as printed: "70–76"."""
    if interval is None or interval.low is None or interval.high is None:
        return "–"
    return f"{interval.low:.0f}–{interval.high:.0f}"


def change_span(change: Change) -> str:
    return "–" if change.ci_low is None else f"{signed(change.ci_low)} to {signed(change.ci_high)}"


def verdict(change: Change) -> str:
    """What a change's interval allows one to say, and no more."""
    if change.ci_low is None:
        return "no interval"
    return "unlikely to be chance" if change.excludes_zero else "could be chance"


def small(n: int) -> bool:
    return n < SMALL_GROUP


def sized(name: str, n: int) -> str:
    """A group named with its size: "District Court (n 4)"."""
    return f"{name} (n {n})"


def joined(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def chance_of_one(comparisons: int) -> str:
    """The chance that at least one of `comparisons` independent 95% intervals excludes zero when nothing changed,
    as a reader meets it: "34%"."""
    return f"{100 * (1 - 0.95 ** comparisons):.0f}%"
