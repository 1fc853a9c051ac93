"""The shape of a round's results: frozen dataclasses that every view, export and report reads by attribute, and
that write the JSON contract of `flask scores` and the API (`as_json`) in one place.

A group that the disclosure plan hides has no `profile`: nothing of it exists to be read but its count and the
reason, so no output can show a hidden figure by mistake.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from questionnaires.schema import Construct

from .continuum import placed_name

__all__ = ["Agency", "Agreement", "Cell", "Connection", "Construct", "Coverage", "CoverageAgency", "CoverageRole",
           "DirectedRating", "DontKnow", "Figures", "Group", "Interval", "Item", "ItemReliability", "Jurisdiction",
           "LanguageCount", "Network", "Pair", "Profile", "Received", "Reliability", "RoleLevel", "RoundInfo",
           "RoundResults", "Sector", "Snapshot", "replace"]


@dataclass(frozen=True)
class Figures:
    """One construct's figures for one group: score (agency-weighted for the jurisdiction), respondent-weighted
    mean, n (respondents with a score), SD and band."""

    score: Optional[float]
    respondent_weighted: Optional[float]
    n: int
    sd: Optional[float]
    band: Optional[str]

    def as_json(self) -> dict:
        return {"score": self.score, "respondent_weighted": self.respondent_weighted, "n": self.n, "sd": self.sd,
                "band": self.band}


@dataclass(frozen=True)
class Profile:
    """A shown group's scores and its place on the continuum."""

    dimensions: dict[str, Figures]
    conditions: dict[str, Figures]
    level: str
    qualifier: Optional[str]
    nested: bool
    next_step: Optional[str]
    readiness_index: Optional[float]

    def figures(self, construct: str) -> Figures:
        return self.dimensions.get(construct) or self.conditions[construct]

    @property
    def has_spread(self) -> bool:
        """Whether its standard deviations are published (see `disclosure.spread_moves`)."""
        return any(f.sd is not None for f in (*self.dimensions.values(), *self.conditions.values()))

    @property
    def placed(self) -> str:
        """The level as a reader meets it: "Coordination (emerging)", or "Fragmented"."""
        return placed_name(self.level, self.qualifier)

    def as_json(self) -> dict:
        return {"dimensions": {k: f.as_json() for k, f in self.dimensions.items()},
                "conditions": {k: f.as_json() for k, f in self.conditions.items()},
                "level": self.level, "qualifier": self.qualifier, "nested": self.nested,
                "next_step": self.next_step, "readiness_index": self.readiness_index}


@dataclass(frozen=True, kw_only=True)
class Group:
    """A group of respondents. Shown: `profile` holds its figures, of this release or, when `as_of` names an
    earlier release, as that release published them (the group has not gained k respondents since). Hidden: only
    `n` and the reason."""

    n: int
    profile: Optional[Profile] = None
    reason: Optional[str] = None
    reason_text: Optional[str] = None
    as_of: Optional[int] = None

    @property
    def suppressed(self) -> bool:
        return self.profile is None

    def _identity(self) -> dict:
        return {}

    def as_json(self) -> dict:
        out = {**self._identity(), "n": self.n, "suppressed": self.suppressed, "reason": self.reason}
        if self.profile is None:
            return {**out, "reason_text": self.reason_text}
        return {**out, "as_of": self.as_of, **self.profile.as_json()}


@dataclass(frozen=True)
class Interval:
    """A 95% bootstrap interval; `borderline` when it reaches across the concern or the established cut."""

    low: Optional[float]
    high: Optional[float]
    borderline: bool

    def as_json(self) -> dict:
        return {"low": self.low, "high": self.high, "borderline": self.borderline}


@dataclass(frozen=True, kw_only=True)
class DontKnow:
    dont_know: int
    dont_know_share: Optional[float]

    def as_json(self) -> dict:
        return {"dont_know": self.dont_know, "dont_know_share": self.dont_know_share}


@dataclass(frozen=True, kw_only=True)
class Jurisdiction(Group):
    name: str = ""
    #: Per construct, the don't-know answers over all answers to its items (shown jurisdictions only).
    dont_know: dict[str, DontKnow] = field(default_factory=dict)
    #: Per construct, the 95% interval of the agency-weighted score; and that of the readiness index.
    intervals: dict[str, Interval] = field(default_factory=dict)
    readiness_interval: Optional[Interval] = None
    #: How sure the level is: the share of the bootstrap resamples at each level ("Coordination (emerging)"),
    #: the most frequent first; empty without intervals.
    level_shares: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict:
        out = {"name": self.name, **super().as_json()} if self.name else super().as_json()
        if self.profile is not None:
            out["dont_know"] = {k: d.as_json() for k, d in self.dont_know.items()}
            out["intervals"] = {k: i.as_json() for k, i in self.intervals.items()}
            out["readiness_interval"] = self.readiness_interval.as_json() if self.readiness_interval else None
            out["level_shares"] = dict(self.level_shares)
        return out


@dataclass(frozen=True, kw_only=True)
class Agency(Group):
    slug: str
    name: str
    sector: str

    def _identity(self) -> dict:
        return {"slug": self.slug, "name": self.name, "sector": self.sector}


@dataclass(frozen=True, kw_only=True)
class Sector(Group):
    id: str
    label: str

    def _identity(self) -> dict:
        return {"id": self.id, "label": self.label}


@dataclass(frozen=True, kw_only=True)
class RoleLevel(Group):
    id: str
    label: str

    def _identity(self) -> dict:
        return {"id": self.id, "label": self.label}


@dataclass(frozen=True, kw_only=True)
class Cell(Group):
    """The respondents of one sector at one role level (the console's two filters together)."""

    sector: str
    role_level: str
    label: str

    def _identity(self) -> dict:
        return {"sector": self.sector, "role_level": self.role_level, "label": self.label}


@dataclass(frozen=True)
class DirectedRating:
    """R(source -> target): the mean of the source agency's respondents' ratings of the target (of this release, or
    of the release `as_of`)."""

    source: str
    target: str
    rating: float
    n: int
    as_of: Optional[int] = None

    def as_json(self) -> dict:
        return {"from": self.source, "to": self.target, "rating": self.rating, "n": self.n, "as_of": self.as_of}


@dataclass(frozen=True)
class Pair:
    """Two agencies: their level (the mean of the published directed ratings), the gap between them."""

    a: str
    b: str
    level: Optional[float]
    level_name: Optional[str]
    gap: Optional[float]
    perception_gap: bool
    one_sided: bool

    def as_json(self) -> dict:
        return {"a": self.a, "b": self.b, "level": self.level, "level_name": self.level_name, "gap": self.gap,
                "perception_gap": self.perception_gap, "one_sided": self.one_sided}


@dataclass(frozen=True)
class Received:
    """PARTNER's score received: the mean of the published ratings other agencies give an agency (0-4), and how
    many agencies' ratings it rests on."""

    rating: Optional[float]
    raters: int

    def as_json(self) -> dict:
        return {"rating": self.rating, "raters": self.raters}


@dataclass(frozen=True)
class Connection:
    """Two agencies shown on their own whose tie is below networking (or unrated), and the agencies tied to both
    at coordination or above, which could introduce them."""

    a: str
    b: str
    level: Optional[float]
    brokers: tuple[str, ...]

    def as_json(self) -> dict:
        return {"a": self.a, "b": self.b, "level": self.level, "brokers": list(self.brokers)}


@dataclass(frozen=True)
class Network:
    agencies: int
    density: dict[str, Optional[float]]
    share_at_level: dict[str, Optional[float]]
    weighted_degree: dict[str, Optional[float]]
    isolated: tuple[str, ...]
    reciprocity: Optional[float]
    received: dict[str, Received] = field(default_factory=dict)
    connections: tuple[Connection, ...] = ()

    def as_json(self) -> dict:
        return {"agencies": self.agencies, "density": dict(self.density), "share_at_level": dict(self.share_at_level),
                "weighted_degree": dict(self.weighted_degree), "isolated": list(self.isolated),
                "reciprocity": self.reciprocity, "received": {k: r.as_json() for k, r in self.received.items()},
                "connections": [c.as_json() for c in self.connections]}


@dataclass(frozen=True)
class Agreement:
    """The SD of respondent scores, the spread between shown agencies' means, the spread that chance alone gives
    95% of the time for agencies of these sizes, and the flag: wider than chance."""

    sd: Optional[float]
    spread: Optional[float]
    spread_by_chance: Optional[float]
    spread_flag: bool

    def as_json(self) -> dict:
        return {"sd": self.sd, "spread": self.spread, "spread_by_chance": self.spread_by_chance,
                "spread_flag": self.spread_flag}


@dataclass(frozen=True)
class ItemReliability:
    alpha_if_deleted: Optional[float]
    item_total_correlation: Optional[float]

    def as_json(self) -> dict:
        return {"alpha_if_deleted": self.alpha_if_deleted, "item_total_correlation": self.item_total_correlation}


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of a dimension's complete answers, with alpha if an item is deleted and the corrected
    item-total correlations: of this release, or of the release `as_of`; none below the minimum n."""

    alpha: Optional[float]
    n: int
    flag: bool
    items: dict[str, ItemReliability]
    as_of: Optional[int] = None

    def as_json(self) -> dict:
        return {"alpha": self.alpha, "n": self.n, "flag": self.flag,
                "items": {k: i.as_json() for k, i in self.items.items()}, "as_of": self.as_of}


@dataclass(frozen=True)
class Item:
    """A Likert item across the jurisdiction: mean as answered (1-5), score (reverse-coded, 0-100) and answers at
    each point, unless fewer than k answered it; don't-know counts always. `as_of`: the figures are those of an
    earlier release (fewer than k answers have joined them since)."""

    id: str
    text: str
    short: str
    construct: str
    kind: str
    reverse: bool
    n: int
    suppressed: bool
    mean: Optional[float]
    score: Optional[float]
    distribution: Optional[dict[str, int]]
    dont_know: int
    dont_know_share: Optional[float]
    as_of: Optional[int] = None

    def as_json(self) -> dict:
        return {"id": self.id, "text": self.text, "short": self.short, "construct": self.construct, "kind": self.kind,
                "reverse": self.reverse, "n": self.n, "suppressed": self.suppressed, "mean": self.mean,
                "score": self.score, "distribution": dict(self.distribution) if self.distribution else None,
                "dont_know": self.dont_know, "dont_know_share": self.dont_know_share, "as_of": self.as_of}


@dataclass(frozen=True)
class LanguageCount:
    """Published responses answered in a language, or in several pooled (each count at least k)."""

    languages: tuple[str, ...]
    n: int

    def as_json(self) -> dict:
        return {"languages": list(self.languages), "n": self.n}


@dataclass(frozen=True)
class CoverageAgency:
    slug: str
    name: str
    sector: str
    invited: int
    started: int
    submitted: int
    response_rate: Optional[float]
    drafts: int
    below_minimum: bool

    def as_json(self) -> dict:
        return {"slug": self.slug, "name": self.name, "sector": self.sector, "invited": self.invited,
                "started": self.started, "submitted": self.submitted, "response_rate": self.response_rate,
                "drafts": self.drafts, "below_minimum": self.below_minimum}


@dataclass(frozen=True)
class CoverageRole:
    id: str
    label: str
    invited: int
    started: int
    submitted: int
    response_rate: Optional[float]

    def as_json(self) -> dict:
        return {"id": self.id, "label": self.label, "invited": self.invited, "started": self.started,
                "submitted": self.submitted, "response_rate": self.response_rate}


@dataclass(frozen=True)
class CoverageTotals:
    invited: int
    started: int
    submitted: int
    response_rate: Optional[float]
    drafts: int

    def as_json(self) -> dict:
        return {"invited": self.invited, "started": self.started, "submitted": self.submitted,
                "response_rate": self.response_rate, "drafts": self.drafts}


@dataclass(frozen=True)
class Coverage:
    """Who was invited, started and submitted: live counts, which the confidentiality rule lets through."""

    overall: CoverageTotals
    agencies: tuple[CoverageAgency, ...]
    role_levels: tuple[CoverageRole, ...]
    missing_key_sectors: tuple[str, ...]

    def as_json(self) -> dict:
        return {"overall": self.overall.as_json(), "agencies": [a.as_json() for a in self.agencies],
                "role_levels": [r.as_json() for r in self.role_levels],
                "missing_key_sectors": list(self.missing_key_sectors)}


@dataclass(frozen=True)
class RoundInfo:
    id: int
    title: str
    status: str
    questionnaire_id: str
    questionnaire_version: int
    opens_at: Optional[str]
    closes_at: Optional[str]

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "status": self.status, "questionnaire_id": self.questionnaire_id,
                "questionnaire_version": self.questionnaire_version, "opens_at": self.opens_at,
                "closes_at": self.closes_at}


@dataclass(frozen=True)
class Snapshot:
    """The release the published results are: its number, when it was taken, how many responses it holds (and
    how many of them came on paper, said only when that reveals no group below k), how many submissions wait for
    the next one, and whether the results are final (the round is closed). See results.releases."""

    taken_at: Optional[str]
    responses: int
    waiting: int
    final: bool
    min_group_size: int
    release: Optional[int] = None
    paper: Optional[int] = None

    def as_json(self) -> dict:
        return {"release": self.release, "taken_at": self.taken_at, "responses": self.responses,
                "paper": self.paper, "waiting": self.waiting, "final": self.final,
                "min_group_size": self.min_group_size}


@dataclass(frozen=True)
class RoundResults:
    """Every published figure of a round. `round` and `snapshot` are set by the service that read the round."""

    min_group_size: int
    constructs: tuple[Construct, ...]
    jurisdiction: Jurisdiction
    agencies: tuple[Agency, ...]
    sectors: tuple[Sector, ...]
    role_levels: tuple[RoleLevel, ...]
    sector_roles: tuple[Cell, ...]
    directed: tuple[DirectedRating, ...]
    pairs: tuple[Pair, ...]
    network: Optional[Network]
    agreement: dict[str, Agreement]
    reliability: dict[str, Reliability]
    coverage: Coverage
    items: tuple[Item, ...]
    languages: tuple[LanguageCount, ...] = ()
    #: The release these results are (1 for the first), and the release the language counts come from when they
    #: are an earlier one's.
    release: int = 1
    languages_as_of: Optional[int] = None
    round: Optional[RoundInfo] = None
    snapshot: Optional[Snapshot] = None

    @property
    def published(self) -> bool:
        """Whether the round publishes any figure (it has at least k respondents)."""
        return not self.jurisdiction.suppressed

    @property
    def dimensions(self) -> tuple[Construct, ...]:
        return tuple(c for c in self.constructs if c.kind == "dimension")

    @property
    def conditions(self) -> tuple[Construct, ...]:
        return tuple(c for c in self.constructs if c.kind == "condition")

    def construct(self, construct_id: str) -> Construct:
        return next(c for c in self.constructs if c.id == construct_id)

    @property
    def kept(self) -> bool:
        """Whether some figures are shown as an earlier release published them (their group has not gained k
        respondents since)."""
        groups = self.agencies + self.sectors + self.role_levels + self.sector_roles
        return (any(g.as_of for g in groups) or any(i.as_of for i in self.items)
                or any(d.as_of for d in self.directed) or any(r.as_of for r in self.reliability.values())
                or self.languages_as_of is not None)

    def shown_agencies(self) -> tuple[Agency, ...]:
        return tuple(a for a in self.agencies if not a.suppressed)

    def agency_names(self) -> dict[str, str]:
        return {a.slug: a.name for a in self.agencies}

    def as_json(self) -> dict:
        head = {}
        if self.round is not None:
            head["round"] = self.round.as_json()
        if self.snapshot is not None:
            head["snapshot"] = self.snapshot.as_json()
        return {
            **head,
            "release": self.release,
            "min_group_size": self.min_group_size,
            "constructs": [c.as_json() for c in self.constructs],
            "jurisdiction": self.jurisdiction.as_json(),
            "agencies": [a.as_json() for a in self.agencies],
            "sectors": [s.as_json() for s in self.sectors],
            "role_levels": [r.as_json() for r in self.role_levels],
            "sector_roles": [c.as_json() for c in self.sector_roles],
            "pairs": {"directed": [d.as_json() for d in self.directed], "symmetric": [p.as_json() for p in self.pairs]},
            "network": self.network.as_json() if self.network else None,
            "agreement": {k: a.as_json() for k, a in self.agreement.items()},
            "reliability": {k: r.as_json() for k, r in self.reliability.items()},
            "coverage": self.coverage.as_json(),
            "items": [i.as_json() for i in self.items],
            "languages": [c.as_json() for c in self.languages],
            "languages_as_of": self.languages_as_of,
        }


# --- comparing two rounds ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """A construct's agency-weighted score in each round, the change and its 95% interval."""

    earlier: Optional[float]
    later: Optional[float]
    change: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    excludes_zero: bool
    items_changed: tuple[str, ...]
    #: Its interval with every change of its table taken together (Bonferroni: at 1 - 0.05 / the number of changes
    #: in the table), and whether that one leaves out zero: what the report prints, bolds and calls unlikely to be
    #: chance.
    holds: bool = False
    joint_low: Optional[float] = None
    joint_high: Optional[float] = None
    #: For the jurisdiction: how much of the change the agencies not shown on their own make (their pooled part of
    #: the agency-weighted score now less then), in points.
    from_hidden: Optional[float] = None

    def as_json(self) -> dict:
        return {"earlier": self.earlier, "later": self.later, "change": self.change, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "excludes_zero": self.excludes_zero, "holds": self.holds,
                "joint_low": self.joint_low, "joint_high": self.joint_high,
                "from_hidden": self.from_hidden, "items_changed": list(self.items_changed)}


@dataclass(frozen=True)
class Placement:
    level: str
    qualifier: Optional[str]

    @property
    def placed(self) -> str:
        return placed_name(self.level, self.qualifier)

    def as_json(self) -> dict:
        return {"level": self.level, "qualifier": self.qualifier}


@dataclass(frozen=True)
class AgencyChange:
    """An agency shown in both rounds: its respondents then and now, each dimension's change with its interval
    (which assumes the spread within the agency: `uncertainty.assumed_spread_interval`), and its level then and
    now."""

    slug: str
    name: str
    n_earlier: int
    n_later: int
    change: dict[str, Change]
    earlier: Placement
    later: Placement

    def as_json(self) -> dict:
        return {"slug": self.slug, "name": self.name, "n_earlier": self.n_earlier, "n_later": self.n_later,
                "change": {k: c.as_json() for k, c in self.change.items()}, "earlier": self.earlier.as_json(),
                "later": self.later.as_json()}


@dataclass(frozen=True)
class Movement:
    """A figure then and now (a pair's level, a density, a response rate)."""

    earlier: Optional[float]
    later: Optional[float]
    change: Optional[float]

    def as_json(self) -> dict:
        return {"earlier": self.earlier, "later": self.later, "change": self.change}


@dataclass(frozen=True)
class PairMove:
    a: str
    b: str
    earlier: Optional[float]
    later: Optional[float]

    def as_json(self) -> dict:
        return {"a": self.a, "b": self.b, "earlier": self.earlier, "later": self.later}


@dataclass(frozen=True)
class PairChanges:
    new_ties: tuple[PairMove, ...]
    lost_ties: tuple[PairMove, ...]
    level_up: tuple[PairMove, ...]
    level_down: tuple[PairMove, ...]
    gaps_opened: tuple[PairMove, ...]
    gaps_closed: tuple[PairMove, ...]
    density: dict[str, Movement]

    def as_json(self) -> dict:
        moves = ("new_ties", "lost_ties", "level_up", "level_down", "gaps_opened", "gaps_closed")
        return {**{m: [p.as_json() for p in getattr(self, m)] for m in moves},
                "density": {k: d.as_json() for k, d in self.density.items()}}


@dataclass(frozen=True)
class RateChange:
    """A response rate then and now, of an agency (`key` is its slug) or of a sector."""

    key: str
    rate: Movement


@dataclass(frozen=True)
class CoverageChange:
    overall: Movement
    agencies: tuple[RateChange, ...]
    sectors: tuple[RateChange, ...]

    def as_json(self) -> dict:
        return {"overall": self.overall.as_json(),
                "agencies": [{"slug": a.key, **a.rate.as_json()} for a in self.agencies],
                "sectors": [{"sector": s.key, **s.rate.as_json()} for s in self.sectors]}


@dataclass(frozen=True)
class NotCompared:
    item: str
    reason: str

    def as_json(self) -> dict:
        return {"item": self.item, "reason": self.reason}


@dataclass(frozen=True)
class RoundRef:
    id: int
    title: str
    questionnaire_version: int

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "questionnaire_version": self.questionnaire_version}


@dataclass(frozen=True)
class CarriedCommitment:
    """A commitment recorded after the earlier round, beside its dimension's movement."""

    dimension: str
    what: str
    owner: str
    due: Optional[str]
    movement: Optional[Change]

    def as_json(self) -> dict:
        return {"dimension": self.dimension, "what": self.what, "owner": self.owner, "due": self.due,
                "movement": self.movement.as_json() if self.movement else None}


@dataclass(frozen=True)
class TrendPoint:
    id: int
    title: str
    dimensions: dict[str, Optional[float]]

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "dimensions": dict(self.dimensions)}


@dataclass(frozen=True)
class Comparison:
    """How a jurisdiction moved between two rounds. `earlier`, `later`, `commitments` and `trend` are set by the
    service that read the rounds."""

    resamples: int
    comparable_items: int
    not_comparable: tuple[NotCompared, ...]
    dimensions: dict[str, Change]
    conditions: dict[str, Change]
    level_earlier: Placement
    level_later: Placement
    agencies: tuple[AgencyChange, ...]
    agencies_left_out: int
    pairs: PairChanges
    coverage: CoverageChange
    earlier: Optional[RoundRef] = None
    later: Optional[RoundRef] = None
    commitments: tuple[CarriedCommitment, ...] = ()
    trend: tuple[TrendPoint, ...] = ()

    def change(self, construct: str) -> Optional[Change]:
        return self.dimensions.get(construct) or self.conditions.get(construct)

    def as_json(self) -> dict:
        head = {}
        if self.earlier is not None and self.later is not None:
            head = {"earlier": self.earlier.as_json(), "later": self.later.as_json()}
        return {
            **head,
            "resamples": self.resamples, "comparable_items": self.comparable_items,
            "not_comparable": [n.as_json() for n in self.not_comparable],
            "dimensions": {k: c.as_json() for k, c in self.dimensions.items()},
            "conditions": {k: c.as_json() for k, c in self.conditions.items()},
            "level": {"earlier": self.level_earlier.as_json(), "later": self.level_later.as_json()},
            "agencies": [a.as_json() for a in self.agencies],
            "agencies_left_out": self.agencies_left_out,
            "pairs": self.pairs.as_json(),
            "coverage": self.coverage.as_json(),
            "commitments": [c.as_json() for c in self.commitments],
            "trend": [t.as_json() for t in self.trend],
        }
