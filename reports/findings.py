"""Findings read from the scoring results, in words: a construct's score with its interval, the items and agencies
furthest behind on it, the pairs of agencies that see each other differently, the weak ties. The brief's decisions
and the recommendations are built from these; they compute no figure of their own."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from assessment.scoring.continuum import CONCERN, CONCERN_BELOW, EMERGING, ESTABLISHED, ESTABLISHED_FROM
from assessment.scoring.numbers import exact
from assessment.scoring.results import Agency, Connection, Item, Pair, RoundResults

from .words import decimal, joined, score, sized, small, span

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


def behind(results: RoundResults, construct_id: str, limit: int = 3) -> list[Agency]:
    """Shown agencies in the concern band on the construct, lowest first."""
    found = [a for a in results.shown_agencies() if a.profile.figures(construct_id).band == CONCERN]
    return sorted(found, key=lambda a: (a.profile.figures(construct_id).score, a.name))[:limit]


def agencies_line(results: RoundResults, construct_id: str, agencies: list[Agency]) -> str:
    """ "District Court 41 (n 4, read with care) and Sheriff's Office 44 (n 6)"."""
    parts = []
    for a in agencies:
        note = ", read with care" if small(a.n) else ""
        parts.append(f"{a.name} {score(a.profile.figures(construct_id).score)} (n {a.n}{note})")
    return joined(parts)


def visible_gaps(results: RoundResults) -> list[Pair]:
    """Perception gaps between agencies shown on their own, widest first."""
    shown = {a.slug for a in results.shown_agencies()}
    return sorted((p for p in results.pairs if p.perception_gap and p.a in shown and p.b in shown),
                  key=lambda p: (-abs(p.gap), p.a, p.b))


def gap_sentence(results: RoundResults, pair: Pair) -> str:
    names = results.agency_names()
    rating = {(r.source, r.target): r.rating for r in results.directed}
    return (f"{names[pair.a]} rates its relationship with {names[pair.b]} at {decimal(rating[(pair.a, pair.b)])} "
            f"of 4; {names[pair.b]} rates it at {decimal(rating[(pair.b, pair.a)])}")


def weak_ties(results: RoundResults) -> tuple[Connection, ...]:
    return results.network.connections if results.network else ()


def connection_sentence(results: RoundResults, c: Connection) -> str:
    names = results.agency_names()
    tie = "are unrated (neither rated the other)" if c.level is None else f"are at {decimal(c.level)} of 4"
    said = f"{names[c.a]} and {names[c.b]} {tie}, below networking"
    if c.brokers:
        verb = "works" if len(c.brokers) == 1 else "work"
        said += f"; {joined([names[b] for b in c.brokers])} {verb} with both at coordination or above"
    return said


def group_name(results: RoundResults, slug: str) -> str:
    agency = next(a for a in results.agencies if a.slug == slug)
    return sized(agency.name, agency.n)
