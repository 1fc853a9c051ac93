"""A state's figures, made only of what its jurisdictions already publish (pure: no database, no Flask).

Each jurisdiction (a county) that shares with its state contributes the jurisdiction-level figures of its closed
rounds' final releases (`county_summary`), and nothing else: no agency, sector or role figure, no respondent, no
answer. Every state figure is a count of counties or an order statistic of their published figures, with each
county counting once, so no state figure pools respondents across counties: there is no state total from which
the shown counties could be subtracted to isolate a hidden one's groups. A county whose own figures are hidden (it
had fewer than k respondents) is counted as such, as its own results say.

Where the figures go to a reader who must not see other counties by name (a county's facilitator), the other
counties together are only those it can neither name nor read otherwise (never its own, never one that shows or
ever showed its name, never one its account holds or held), and they are shown only when `MIN_COUNTIES` or more of them
published a level (`for_a_county`): no figure is over a county the reader knows, so there is nothing to subtract.
A county that has shared without its name cannot show it later (`states.set_sharing`), so no county once among
the others together is ever seen by name. What this cannot prevent: a reader who compares the state's figures
before and after one county starts or stops sharing, or closes a round, learns that county's published figures,
unnamed; a reader who learns counties' figures outside its account (a colleague's account, share links) can
subtract those. No group of fewer than k respondents is ever among what they learn.
"""
from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from typing import Collection, Optional, Sequence

from ..vocabulary import KEY_SECTORS
from .continuum import CONCERN_BELOW, FRAGMENTED, LEVELS, defined, placed_name
from .numbers import exact
from .results import RoundResults

#: The fewest counties with a published level, none of them nameable by the reader, over which a county's
#: facilitators see the state's other counties together (their distribution, median, and their own place).
MIN_COUNTIES = 5
#: The continuum's levels from the bottom, as the state's distribution counts them.
LADDER = (FRAGMENTED, *LEVELS)
#: The collaboration readiness questionnaire's dimensions in the continuum's order: the order of a summary kept
#: without its own (see `CountySummary.from_json`).
CONTINUUM_ORDER = ("information", "activities", "resources", "capacity")


@dataclass(frozen=True)
class CountySummary:
    """One closed round of one jurisdiction, as it published it at the jurisdiction's level; `responses` None when
    it published nothing at all (fewer than k respondents took part)."""

    responses: Optional[int]
    shown: bool
    level: Optional[str] = None
    qualifier: Optional[str] = None
    readiness_index: Optional[float] = None
    readiness_low: Optional[float] = None
    readiness_high: Optional[float] = None
    dimensions: dict[str, Optional[float]] = field(default_factory=dict)
    conditions: dict[str, Optional[float]] = field(default_factory=dict)
    next_step: Optional[str] = None
    missing_key_sectors: tuple[str, ...] = ()

    @property
    def placed(self) -> Optional[str]:
        return placed_name(self.level, self.qualifier) if self.shown and self.level else None

    def score(self, construct: str) -> Optional[float]:
        """A dimension's or a condition's published score."""
        return self.dimensions.get(construct, self.conditions.get(construct))

    @property
    def held_back_by(self) -> Optional[str]:
        """The dimension that keeps the county at its level: its first (in the continuum's order) below 50, or
        without a score; None when none is (collaboration reached) or nothing is published."""
        if not self.shown:
            return None
        return next((d for d, v in self.dimensions.items() if not defined(v) or exact(v) < CONCERN_BELOW), None)

    @property
    def rung(self) -> Optional[int]:
        """The level's place on the continuum (fragmented 0 .. collaboration 4), for moves between rounds."""
        return LADDER.index(self.level) if self.shown and self.level in LADDER else None

    def as_json(self) -> dict:
        return {"responses": self.responses, "shown": self.shown, "level": self.level, "qualifier": self.qualifier,
                "readiness_index": self.readiness_index, "readiness_low": self.readiness_low,
                "readiness_high": self.readiness_high, "dimensions": self.dimensions, "conditions": self.conditions,
                "next_step": self.next_step, "missing_key_sectors": list(self.missing_key_sectors),
                "dimension_order": list(self.dimensions)}

    @classmethod
    def from_json(cls, data: dict) -> "CountySummary":
        """A summary as kept: its dimensions back in the continuum's order (the JSON's keys are sorted), which
        `held_back_by` reads them in. A summary kept before the order was is of the collaboration readiness
        questionnaire, whose order `CONTINUUM_ORDER` is."""
        data = dict(data)
        scores = data.get("dimensions") or {}
        order = data.pop("dimension_order", None)
        if order is None:
            order = [d for d in CONTINUUM_ORDER if d in scores] + [d for d in scores if d not in CONTINUUM_ORDER]
        data["dimensions"] = {d: scores[d] for d in order if d in scores}
        return cls(**{**data, "missing_key_sectors": tuple(data.get("missing_key_sectors", ()))})


def county_summary(results: RoundResults) -> CountySummary:
    """What a release published of the jurisdiction as a whole: its count always; its level, readiness index (with
    its interval), dimension and condition scores and next step when the jurisdiction is shown; the key sectors
    with no respondent (counts, which are always published)."""
    whole = results.jurisdiction
    answered = {s.id for s in results.sectors if s.n > 0}
    missing = tuple(s.value for s in KEY_SECTORS if s.value not in answered)
    if whole.profile is None:
        return CountySummary(responses=whole.n, shown=False, missing_key_sectors=missing)
    p = whole.profile
    interval = whole.readiness_interval
    return CountySummary(
        responses=whole.n, shown=True, level=p.level, qualifier=p.qualifier, readiness_index=p.readiness_index,
        readiness_low=interval.low if interval else None, readiness_high=interval.high if interval else None,
        dimensions={k: f.score for k, f in p.dimensions.items()},
        conditions={k: f.score for k, f in p.conditions.items()}, next_step=p.next_step, missing_key_sectors=missing)


#: A closed round that published nothing.
NOTHING = CountySummary(responses=None, shown=False)
#: The fewest respondents a round needs for the state to show anything of it, whatever smaller group its county
#: chose to show its own people (a round's minimum group size may be set as low as 1).
MIN_RESPONDENTS = 3


def at_the_state(summary: CountySummary) -> CountySummary:
    """What the state shows of a county's round: what the county published, or nothing when fewer than
    MIN_RESPONDENTS answered (their level, scores and sectors would be one or two people's)."""
    if summary.responses is not None and summary.responses < MIN_RESPONDENTS:
        return NOTHING
    return summary


def dumps(summary: CountySummary) -> str:
    return json.dumps(summary.as_json(), sort_keys=True)


def loads(text: str) -> CountySummary:
    return CountySummary.from_json(json.loads(text))


@dataclass(frozen=True)
class County:
    """A jurisdiction of the state that shares with it: what its latest closed round published, and the round
    before it (None without such a round)."""

    id: int
    name: str
    by_name: bool
    latest: Optional[CountySummary]
    earlier: Optional[CountySummary] = None
    latest_title: str = ""
    #: The dimension of each commitment recorded at the end of the round before the latest.
    commitments: tuple[str, ...] = ()
    #: Whether it has ever shown its name to the state's other counties: they may have kept its figures.
    named_once: bool = False

    @property
    def move(self) -> Optional[int]:
        """Levels moved between its last two closed rounds (+ up, - down); None without two shown rounds."""
        if self.latest is None or self.earlier is None or self.latest.rung is None or self.earlier.rung is None:
            return None
        return self.latest.rung - self.earlier.rung

    @property
    def commitments_kept(self) -> Optional[int]:
        """How many of its commitments are on a dimension (or condition) whose published score rose since; None
        without both rounds' levels."""
        if self.move is None:
            return None
        return sum(1 for d in self.commitments
                   if defined(now := self.latest.score(d)) and defined(then := self.earlier.score(d))
                   and exact(now) > exact(then))

    @property
    def index_change(self) -> Optional[float]:
        """The readiness index's change between its last two closed rounds; None without both published."""
        if self.move is None or not defined(self.latest.readiness_index) or not defined(self.earlier.readiness_index):
            return None
        return self.latest.readiness_index - self.earlier.readiness_index


@dataclass(frozen=True)
class StateFigures:
    counties: tuple[County, ...]
    #: Counties with a shown latest round, per level from the bottom, and those whose figures are hidden or who
    #: have no closed round yet.
    by_level: dict[str, int]
    hidden: int
    not_yet: int
    #: Per dimension, how many shown counties it keeps at their level (`CountySummary.held_back_by`), and how many
    #: have reached collaboration (none holds them back).
    held_back: dict[str, int]
    at_the_top: int
    #: Per condition, how many shown counties score it a concern (below 50).
    conditions_of_concern: dict[str, int]
    #: Per key sector, how many counties had no respondent from it in their latest round.
    missing_sectors: dict[str, int]
    #: Per sector whose role limits what it may share (judiciary, defense, victim advocacy, treatment: the
    #: questionnaire's role table), how many shown counties heard it in their latest round, and how many of those
    #: are held at their level by the continuum's first dimension (exchanging information), where that role's
    #: next step can only be system-level.
    bound_roles: dict[str, tuple[int, int]]
    #: Counties that moved up, stayed, moved down between their last two closed rounds; and those with one.
    moved_up: int
    stayed: int
    moved_down: int
    #: (Counties with a published level and none from an earlier closed round to compare with.)
    one_round: int
    #: Commitments recorded after the round before the latest (by counties with both rounds published), and how
    #: many of them are on a dimension whose score rose since.
    commitments: int
    commitments_kept: int
    #: For comparison, over the counties with both rounds' levels: how many of their dimension scores rose since
    #: the round before, of how many were published in both (commitments or not).
    scores_rose: int
    scores_compared: int
    #: The median readiness index of the shown counties (each counts once); None under MIN_COUNTIES of them.
    median_readiness: Optional[float]
    #: The shown counties' readiness indices in order (no names), for a distribution; empty under MIN_COUNTIES.
    readiness_spread: tuple[float, ...]

    @property
    def shown_count(self) -> int:
        return sum(self.by_level.values())


def state_figures(counties: Sequence[County], dimensions: Sequence[str], conditions: Sequence[str],
                  limited: Sequence[str] = ()) -> StateFigures:
    """The state's figures over `counties` (those that share with it), each counting once; `limited`, the sectors
    whose role limits what they may share."""
    shown = [c.latest for c in counties if c.latest is not None and c.latest.shown]
    by_level = {level: 0 for level in LADDER}
    for s in shown:
        by_level[s.level] = by_level.get(s.level, 0) + 1
    held_back = {d: sum(1 for s in shown if s.held_back_by == d) for d in dimensions}
    concern = {c: sum(1 for s in shown if defined(s.conditions.get(c)) and exact(s.conditions[c]) < CONCERN_BELOW)
               for c in conditions}
    latest = [c.latest for c in counties if c.latest is not None]
    missing = {k.value: sum(1 for s in latest if k.value in s.missing_key_sectors) for k in KEY_SECTORS}
    heard = {sector: [s for s in shown if sector not in s.missing_key_sectors] for sector in limited}
    first = dimensions[0] if dimensions else None
    bound_roles = {sector: (len(them), sum(1 for s in them if s.held_back_by == first))
                   for sector, them in heard.items()}
    moves = [c.move for c in counties if c.move is not None]
    compared = [(now, then) for c in counties if c.move is not None for d in dimensions
                if defined(now := c.latest.dimensions.get(d)) and defined(then := c.earlier.dimensions.get(d))]
    indices = sorted(s.readiness_index for s in shown if defined(s.readiness_index))
    enough = len(indices) >= MIN_COUNTIES
    return StateFigures(
        counties=tuple(counties), by_level=by_level,
        hidden=sum(1 for c in counties if c.latest is not None and not c.latest.shown),
        not_yet=sum(1 for c in counties if c.latest is None), held_back=held_back,
        at_the_top=sum(1 for s in shown if s.held_back_by is None), conditions_of_concern=concern,
        missing_sectors=missing, bound_roles=bound_roles, moved_up=sum(1 for m in moves if m > 0),
        stayed=sum(1 for m in moves if m == 0),
        moved_down=sum(1 for m in moves if m < 0),
        one_round=sum(1 for c in counties if c.latest is not None and c.latest.shown and c.move is None),
        commitments=sum(len(c.commitments) for c in counties if c.commitments_kept is not None),
        commitments_kept=sum(c.commitments_kept or 0 for c in counties),
        scores_rose=sum(1 for now, then in compared if exact(now) > exact(then)), scores_compared=len(compared),
        median_readiness=statistics.median(indices) if enough else None,
        readiness_spread=tuple(indices) if enough else ())


@dataclass(frozen=True)
class Which:
    """The counties behind the state's counts, by name: for the state's coordinators only, who see every sharing
    county by name (never for a county's view of the others)."""

    held_back: dict[str, tuple[str, ...]]
    conditions: dict[str, tuple[str, ...]]
    missing_sectors: dict[str, tuple[str, ...]]


def which(figures: StateFigures, dimensions: Sequence[str], conditions: Sequence[str]) -> Which:
    shown = [c for c in figures.counties if c.latest is not None and c.latest.shown]
    latest = [c for c in figures.counties if c.latest is not None and c.latest.responses is not None]
    return Which(
        held_back={d: tuple(c.name for c in shown if c.latest.held_back_by == d) for d in (*dimensions, None)},
        conditions={k: tuple(c.name for c in shown if defined(v := c.latest.conditions.get(k))
                             and exact(v) < CONCERN_BELOW) for k in conditions},
        missing_sectors={k.value: tuple(c.name for c in latest if k.value in c.latest.missing_key_sectors)
                         for k in KEY_SECTORS})


@dataclass(frozen=True)
class CountyView:
    """What one county's facilitators see of their state: their own county, the counties that show their name to
    the others (only to a county that shares in return), and the state's other counties together (`others`, None
    unless MIN_COUNTIES or more of them are unknown to the reader and published a level); their movement between
    rounds only when MIN_COUNTIES or more of those unknown to the reader moved or stayed (`movement_shown`)."""

    mine: Optional[County]
    named: tuple[County, ...]
    others: Optional[StateFigures]
    movement_shown: bool = False


def unknown_to(counties: Sequence[County], own_id: int, known: Collection[int] = ()) -> list[County]:
    """The counties a county's reader can neither name nor read otherwise: not its own, not one that shows or has
    ever shown its name to the state's other counties (its figures may have been kept), not one of `known` (the
    other jurisdictions the reader's account holds or ever held)."""
    return [c for c in counties if c.id != own_id and not c.by_name and not c.named_once and c.id not in known]
    return [c for c in counties if c.id != own_id and not c.by_name and not c.named_once and c.id not in known]


def for_a_county(counties: Sequence[County], own_id: int, dimensions: Sequence[str],
                 conditions: Sequence[str], limited: Sequence[str] = (), known: Collection[int] = ()) -> CountyView:
    """The state as one county sees it. The others together are the counties unknown to its reader (`unknown_to`)
    and only they, shown only when MIN_COUNTIES or more of them published a level: no figure is over a county the
    reader can see otherwise, so there is nothing to subtract, and a county that can be seen by name never was
    among them (a county that has shared without its name cannot show it later: `states.set_sharing`). Movement
    between rounds is shown on the same terms over the counties with two rounds; commitments never (they are read
    live, not from a release). Nothing sets the county's own index against the others beyond their median: a rank
    among them would let a county that closes rounds of its own making search out each one's index."""
    mine = next((c for c in counties if c.id == own_id), None)
    named = tuple(c for c in counties if mine is not None and c.by_name and c.id != own_id)
    unknown = unknown_to(counties, own_id, known)
    if sum(1 for c in unknown if c.latest is not None and c.latest.shown) < MIN_COUNTIES:
        return CountyView(mine, named, None)
    figures = state_figures(unknown, dimensions, conditions, limited)
    movement = sum(1 for c in unknown if c.move is not None) >= MIN_COUNTIES
    return CountyView(mine, named, figures, movement)
