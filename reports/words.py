"""How the report writes numbers: scores, shares, changes, intervals and group sizes, and when a figure rests on
so few people that it is printed muted with a caveat."""
from __future__ import annotations

from typing import Optional

from assessment.scoring.continuum import band
from assessment.scoring.results import Change, Interval
from assessment.vocabulary import Sector

SECTOR_LABELS = {s.value: s.label for s in Sector}

#: Below this many respondents a shown figure is printed muted, with a caveat: it is shown (at least k people
#: gave it) but one or two answers move it a long way.
SMALL_GROUP = 6
CAVEAT = f"fewer than {SMALL_GROUP} respondents: one or two answers move this figure a long way"


def score(value: Optional[float]) -> str:
    """A score as printed: whole points, or as many decimals as it takes for the printed value to fall in the same
    band as the value (49.7, not 50, beside "concern"; bands are decided on exact values)."""
    if value is None:
        return "–"
    for places in range(0, 4):
        printed = f"{value:.{places}f}"
        if band(float(printed)) == band(value):
            return printed
    return f"{value:.4f}"


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
    return "–" if interval is None else span_of(interval.low, interval.high)


def span_of(low: Optional[float], high: Optional[float]) -> str:
    if low is None or high is None:
        return "–"
    return f"{max(low, 0):.0f}–{min(high, 100):.0f}"


def end(value: Optional[float]) -> str:
    """An interval's end as printed, keeping its side of zero: "+0.3" and "-0.4", never "0" for either."""
    if value is None:
        return "–"
    return f"{value:+.1f}" if round(value) == 0 and value != 0 else signed(value)


def change_span(change: Change) -> str:
    return "–" if change.ci_low is None else f"{end(change.ci_low)} to {end(change.ci_high)}"


def printed_change(change: Change) -> str:
    """The change as the difference of the scores as printed, so that then, now and the change add up."""
    if change.earlier is None or change.later is None:
        return "–"
    return signed(float(score(change.later)) - float(score(change.earlier)))


def verdict(change: Change) -> str:
    """What a change's interval allows one to say, and no more: "unlikely to be chance" only when it holds with
    every change of its table taken together."""
    if change.ci_low is None:
        return "no interval"
    if change.holds:
        return "unlikely to be chance"
    return "could be chance" if not change.excludes_zero else "could be chance, among so many changes"


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
