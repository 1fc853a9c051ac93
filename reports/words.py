"""How the report writes numbers: scores, shares, changes, intervals and group sizes, and when a figure rests on
so few people that it is printed muted with a caveat."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from assessment.scoring.continuum import band
from assessment.scoring.results import Change, Interval
from assessment.vocabulary import Sector

SECTOR_LABELS = {s.value: s.label for s in Sector}

#: Below this many respondents a shown figure is printed muted, with a caveat: it is shown (at least k people
#: gave it) but one or two answers move it a long way.
SMALL_GROUP = 6
CAVEAT = f"fewer than {SMALL_GROUP} respondents: one or two answers move this figure a long way"


def half_up(value: float, places: int = 0) -> str:
    """`value` printed to `places` decimals, halves rounded away from zero (47.5 -> 48, 52.5 -> 53), not to the
    even neighbour as Python's formatting does. NumPy's floats print as Python's (their repr names the type)."""
    return str(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def score(value: Optional[float]) -> str:
    """A score as printed: whole points; but where the whole number would put it in the band next door (74.98 as
    75, beside "emerging"), one decimal cut toward its own band (74.9). Bands are decided on exact values."""
    if value is None:
        return "–"
    printed = half_up(value)
    if band(float(printed)) == band(value):
        return printed
    return f"{math.floor(value * 10) / 10:.1f}" if float(printed) > value else f"{math.ceil(value * 10) / 10:.1f}"


def decimal(value: Optional[float], places: int = 1) -> str:
    return "–" if value is None else half_up(value, places)


def percent(value: Optional[float]) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def signed(value: Optional[float]) -> str:
    if value is None:
        return "–"
    rounded = int(Decimal(half_up(value)))
    return "0" if rounded == 0 else f"{rounded:+d}"


def span(interval: Optional[Interval]) -> str:
    """A 95% interval as printed: "70–76"."""
    return "–" if interval is None else span_of(interval.low, interval.high)


def span_of(low: Optional[float], high: Optional[float]) -> str:
    """ "70–76"; with a decimal where whole numbers would print both ends alike ("52.6–53.4")."""
    if low is None or high is None:
        return "–"
    low, high = max(low, 0.0), min(high, 100.0)
    places = 1 if half_up(low) == half_up(high) else 0
    return f"{half_up(low, places)}–{half_up(high, places)}"


def end(value: Optional[float]) -> str:
    """An interval's end as printed, keeping its side of zero: "+0.3" and "-0.4", never "0" for either."""
    if value is None:
        return "–"
    return f"{value:+.1f}" if round(value) == 0 and value != 0 else signed(value)


def change_span(change: Change) -> str:
    """The interval a change is judged on: the one for every change of its table taken together (what its verdict
    and bold rest on)."""
    joint = change.joint_low is not None
    low, high = (change.joint_low, change.joint_high) if joint else (change.ci_low, change.ci_high)
    return "–" if low is None else f"{end(low)} to {end(high)}"


def printed_change(change) -> str:
    """The change as the difference of the scores as printed, so that then, now and the change add up (a Change or
    a Movement: anything with `earlier` and `later`)."""
    if change.earlier is None or change.later is None:
        return "–"
    difference = float(score(change.later)) - float(score(change.earlier))
    return signed(difference) if difference == round(difference) else f"{difference:+.1f}"


def verdict(change: Change) -> str:
    """What a change's interval allows one to say, and no more: "unlikely to be chance" only when it holds with
    every change of its table taken together."""
    if change.ci_low is None:
        return "no interval"
    return "unlikely to be chance" if change.holds else "could be chance"


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
