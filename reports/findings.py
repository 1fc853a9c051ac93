"""Findings read from the scoring results, in words: a construct's score with its interval, the items and agencies
furthest behind on it, the pairs of agencies that see each other differently, the weak ties. The brief's decisions
and the recommendations are built from these; they compute no figure of their own."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from assessment.scoring.continuum import CONCERN, CONCERN_BELOW, EMERGING, ESTABLISHED, ESTABLISHED_FROM
from assessment.scoring.numbers import exact
from assessment.scoring.reliability import RELIABILITY_MIN_N
from assessment.scoring.results import Agency, Connection, Item, Pair, RoundResults
from assessment.scoring.uncertainty import ASSUMED_SD, assumed_spread_interval
from questionnaires.schema import Roles

from .words import decimal, joined, score, sized, span

BANDS_ABOVE = {CONCERN_BELOW: EMERGING, ESTABLISHED_FROM: ESTABLISHED}
BANDS_BELOW = {CONCERN_BELOW: CONCERN, ESTABLISHED_FROM: EMERGING}


@dataclass(frozen=True)
class Standing:
    """A construct across the jurisdiction, as the report words it."""

    id: str
    label: str
    score: str
    interval: str
    band: str
    n: int
    borderline: str  # "" or what the interval leaves open: "it may already be established"

    @property
    def sentence(self) -> str:
        """ "Exchanging information scores 73 (95% interval 70–76): borderline, it may already be established." """
        said = f"{self.label} scores {self.score} (95% interval {self.interval})"
        return f"{said}: borderline, {self.borderline}." if self.borderline else f"{said}: {self.band}."


def standing(results: RoundResults, construct_id: str) -> Standing:
    j = results.jurisdiction
    figures = j.profile.figures(construct_id)
    interval = j.intervals.get(construct_id)
    return Standing(id=construct_id, label=results.construct(construct_id).label, score=score(figures.score),
                    interval=span(interval), band=figures.band or "–", n=figures.n,
                    borderline=open_question(figures.score, interval.low if interval else None,
                                             interval.high if interval else None))


def open_question(value: Optional[float], low: Optional[float], high: Optional[float]) -> str:
    """What an interval that reaches across a band's cut leaves open, or "" when it reaches across none."""
    if value is None or low is None or high is None:
        return ""
    for cut in (CONCERN_BELOW, ESTABLISHED_FROM):
        if exact(low) < cut <= exact(high):
            if exact(value) < cut:
                return f"it may already be {BANDS_ABOVE[cut]}"
            return f"it may still be {BANDS_BELOW[cut]}"
    return ""


def lowest_items(results: RoundResults, construct_id: str, limit: int = 2) -> list[Item]:
    """The construct's shown items that are not established, lowest first."""
    rated = [i for i in results.items if i.construct == construct_id and i.score is not None
             and exact(i.score) < ESTABLISHED_FROM]
    return sorted(rated, key=lambda i: (i.score, i.id))[:limit]


def item_interval(item: Item) -> tuple[Optional[float], Optional[float]]:
    """The 95% interval of an item's score (0-100) from its answers (Student's t on the published distribution,
    which holds every figure it rests on)."""
    if not item.distribution or item.score is None:
        return None, None
    values = np.repeat([float(v) for v in item.distribution], [int(c) for c in item.distribution.values()])
    if len(values) < 2:
        return None, None
    from scipy.stats import t  # here: SciPy is slow to import, and most pages need no such margin

    half = 25 * float(t.ppf(0.975, len(values) - 1)) * float(values.std(ddof=1)) / math.sqrt(len(values))
    return item.score - half, item.score + half


def lowest_together(results: RoundResults, construct_id: str) -> list[Item]:
    """The construct's lowest item not established and the others that do not differ from it by more than chance:
    those whose score lies inside its 95% interval. A decision never singles out an item the data cannot."""
    low = lowest_items(results, construct_id, limit=1)
    if not low:
        return []
    _, high = item_interval(low[0])
    if high is None:
        return low
    return [i for i in lowest_items(results, construct_id, limit=len(results.items)) if exact(i.score) <= exact(high)]


def margin(results: RoundResults, n: int, family: int = 1) -> Optional[float]:
    """How far a shown group's score of `n` respondents may be from the truth (the half-width of its 95% interval,
    which assumes the spread within a group: `uncertainty.assumed_spread_interval`); judged together with
    `family` - 1 others (Bonferroni), when one group is picked out from among them."""
    low, _ = assumed_spread_interval(0.0, (n,), spread(results), level=1 - 0.05 / family)
    return None if low is None else -low


def spread(results: RoundResults) -> float:
    """The spread within a group that intervals assume: 25 points, or the jurisdiction's published SD if wider."""
    profile = results.jurisdiction.profile
    sds = [f.sd for f in (*profile.dimensions.values(), *profile.conditions.values())] if profile else []
    return max([ASSUMED_SD] + [sd for sd in sds if sd is not None])


def behind(results: RoundResults, construct_id: str, limit: int = 3,
           sectors: tuple[str, ...] = ()) -> list[Agency]:
    """Shown agencies (of `sectors`, when given) clearly in the concern band on the construct, allowing for chance:
    below 50 by more than their margin, judged with every shown agency together (a margin at 1 - 0.05/A for A
    agencies, since the lowest are picked out from all). Lowest first; agencies tied with the last one named are
    named too."""
    shown = results.shown_agencies()

    def clear(a: Agency) -> bool:
        value, room = a.profile.figures(construct_id).score, margin(results, a.n, family=len(shown))
        return value is not None and room is not None and exact(value + room) < CONCERN_BELOW
    found = sorted((a for a in shown if clear(a) and (not sectors or a.sector in sectors)),
                   key=lambda a: (a.profile.figures(construct_id).score, a.name))
    if len(found) <= limit:
        return found
    last = exact(found[limit - 1].profile.figures(construct_id).score)
    return [a for a in found if exact(a.profile.figures(construct_id).score) <= last]


def agencies_line(results: RoundResults, construct_id: str, agencies: list[Agency]) -> str:
    """ "District Court 21 (n 4, ±25) and Sheriff's Office 24 (n 6, ±20)"."""
    parts = []
    for a in agencies:
        parts.append(f"{a.name} {score(a.profile.figures(construct_id).score)} (n {a.n}, "
                     f"±{margin(results, a.n):.0f})")
    return joined(parts)


def reliability_note(results: RoundResults, construct_id: str) -> str:
    """How far a construct's items measure one thing, for a finding built on it."""
    r = results.reliability.get(construct_id)
    if r is None or r.alpha is None:
        return (f"its reliability is not given: {r.n if r else 0} complete answers, and it takes "
                f"{RELIABILITY_MIN_N}")
    if r.flag:
        return (f"its items agree with each other less than they should (Cronbach's alpha {r.alpha:.2f}, below 0.70): "
                "read its score as a pointer, not a measure")
    return f"Cronbach's alpha {r.alpha:.2f} from {r.n} complete answers"


def visible_gaps(results: RoundResults, roles: Roles) -> list[Pair]:
    """Perception gaps between agencies shown on their own that have reason to work together (`Roles.related`),
    ranked by what closing them would change: pairs that work case by case first (their gap is felt in every
    shared case), then the widest."""
    shown = {a.slug for a in results.shown_agencies()}
    sectors = {a.slug: a.sector for a in results.agencies}
    return sorted((p for p in results.pairs if p.perception_gap and p.a in shown and p.b in shown
                   and roles.related(sectors[p.a], sectors[p.b])),
                  key=lambda p: (roles.case_level_for(sectors[p.a], sectors[p.b]) is None, -abs(p.gap), p.a, p.b))


def gap_sentence(results: RoundResults, pair: Pair) -> str:
    names = results.agency_names()
    rating = {(r.source, r.target): r.rating for r in results.directed}
    return (f"{names[pair.a]} rates its relationship with {names[pair.b]} at {decimal(rating[(pair.a, pair.b)])} "
            f"of 4; {names[pair.b]} rates it at {decimal(rating[(pair.b, pair.a)])}")


def weak_ties(results: RoundResults, roles: Roles) -> list[Connection]:
    """Pairs of shown agencies below networking that have reason to work together, ranked by what a tie would
    change: pairs that work case by case first, then those an agency tied to both could introduce, then the
    weakest."""
    sectors = {a.slug: a.sector for a in results.agencies}
    ties = results.network.connections if results.network else ()
    return sorted((c for c in ties if roles.related(sectors[c.a], sectors[c.b])),
                  key=lambda c: (roles.case_level_for(sectors[c.a], sectors[c.b]) is None,
                                 not brokers(results, roles, c), -1 if c.level is None else c.level, c.a, c.b))


def connection_sentence(results: RoundResults, c: Connection, roles: Roles) -> str:
    names = results.agency_names()
    tie = "are unrated (neither rated the other)" if c.level is None else f"are at {decimal(c.level)} of 4"
    said = f"{names[c.a]} and {names[c.b]} {tie}, below networking"
    go_betweens = brokers(results, roles, c)
    if go_betweens:
        verb = "works" if len(go_betweens) == 1 else "work"
        said += f"; {joined([names[b] for b in go_betweens])} {verb} with both at coordination or above"
    return said


def brokers(results: RoundResults, roles: Roles, c: Connection) -> list[str]:
    """The agencies that could introduce the pair: tied to both, and of a sector that may be paired with one other
    agency (a court introduces no one)."""
    sectors = {a.slug: a.sector for a in results.agencies}
    return [b for b in c.brokers if roles.paired(sectors[b])]


def item_name(item: Item) -> str:
    """ "“Advocates learn of events too late” (reversed)": a negatively worded item says so wherever it is quoted,
    so that its score (high is good) is not read as the share who agree."""
    return f"“{item.short}”" + (" (reversed)" if item.reverse else "")


def group_name(results: RoundResults, slug: str) -> str:
    agency = next(a for a in results.agencies if a.slug == slug)
    return sized(agency.name, agency.n)
