"""The shape of a questionnaire once loaded: immutable plain data, no Flask, no database."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

#: The continuum's dimensions, in continuum order (DOMAIN.md). A questionnaire must define exactly these.
CONTINUUM = ("information", "activities", "resources", "capacity")
#: Conditions are reported beside the level, never part of it.
CONDITIONS = ("trust", "time", "turf", "leadership")
#: What a `choice` item may set on the response it belongs to.
PROFILE_FIELDS = ("role_level",)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Scale:
    """A numeric answer scale (Likert agreement, roster levels) with an optional "Don't know"."""

    id: str
    min: int
    max: int
    options: tuple[Option, ...]
    dont_know: Optional[str] = "Don't know"

    def reverse(self, value: float) -> float:
        return self.min + self.max - value


@dataclass(frozen=True)
class Construct:
    """A dimension of the continuum or a condition (trust, time, turf, leadership)."""

    id: str
    kind: str
    label: str
    description: str
    practices: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "label": self.label, "description": self.description,
                "practices": list(self.practices)}


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    text: str
    required: bool = False
    help: str = ""
    scale: Optional[str] = None
    dimension: Optional[str] = None
    condition: Optional[str] = None
    reverse: bool = False
    options: tuple[Option, ...] = ()
    sets: Optional[str] = None
    max_length: int = 2000
    #: In a later version: the id of the earlier item this one replaces (it measures the same, so they compare).
    replaces: Optional[str] = None
    #: What the report recommends when this (Likert) item scores low, and what its charts call it.
    practice: str = ""
    short: str = ""
    #: The sectors whose agencies the practice is for (a polygraph schedule is supervision's and treatment's);
    #: empty: every agency's.
    practice_for: tuple[str, ...] = ()

    @property
    def construct(self) -> Optional[str]:
        return self.dimension or self.condition


@dataclass(frozen=True)
class Concern:
    """A tension between agencies (whose roles in court oppose each other, say) or a principle of the field: what
    the report says of it, the sectors and items that bear on it, and what it recommends."""

    id: str
    label: str
    description: str
    practices: tuple[str, ...]
    sectors: tuple[str, ...] = ()
    items: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"id": self.id, "label": self.label, "description": self.description,
                "practices": list(self.practices), "sectors": list(self.sectors), "items": list(self.items)}


@dataclass(frozen=True)
class PairPractices:
    """What to recommend to two agencies: `case` practices work on shared cases and go only to a pair whose roles
    allow case-level exchange (`Roles.case_level`); `system` practices (protocols, memoranda, cross-training,
    policy tables, a liaison through the proper channel) go to any pair."""

    system: tuple[str, ...] = ()
    case: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {"system": list(self.system), "case": list(self.case)}


@dataclass(frozen=True)
class SectorRole:
    """What binds what a sector's agencies may share (DOMAIN.md, "What each agency may share"), and whether its role
    may properly keep its scores on sharing low (a court that takes no part in case staffing is doing its job)."""

    bound: str
    #: The same in a few words, for a sentence that names the agency: "privilege and its duty to the client".
    short: str = ""
    limits_sharing: bool = False
    #: False for a sector never paired with one other agency (a court meets the others only where both sides sit).
    paired: bool = True

    def as_json(self) -> dict:
        return {"bound": self.bound, "short": self.short, "limits_sharing": self.limits_sharing,
                "paired": self.paired}


@dataclass(frozen=True)
class CaseLevel:
    """Two sectors whose agencies may exchange case-level information, and on what terms."""

    sectors: tuple[str, str]
    condition: str

    def as_json(self) -> dict:
        return {"sectors": list(self.sectors), "condition": self.condition}


@dataclass(frozen=True)
class Roles:
    """The role table every piece of advice that names two agencies passes through: what binds each sector, the
    pairs of sectors that may work case by case, and the sectors whose agencies have reason to work with each other
    (two police departments of different districts have none; probation and parole supervise the same people).
    Empty, it allows no case-level practice and names no pair of one sector."""

    sectors: dict[str, SectorRole] = field(default_factory=dict)
    case_level: tuple[CaseLevel, ...] = ()
    peers: tuple[str, ...] = ()
    #: Pairs of sectors whose little contact is proper (the defense and victim advocates): never asked to connect.
    apart: tuple[tuple[str, str], ...] = ()
    #: The sector that convenes what concerns every agency (supervision, the hub of case-level exchange).
    convener: Optional[str] = None

    def case_level_for(self, a: str, b: str) -> Optional[CaseLevel]:
        """The terms on which agencies of sectors `a` and `b` may work case by case, or None."""
        return next((c for c in self.case_level if sorted(c.sectors) == sorted((a, b))), None)

    def paired(self, sector: str) -> bool:
        role = self.sectors.get(sector)
        return role is None or role.paired

    def related(self, a: str, b: str) -> bool:
        """Whether agencies of sectors `a` and `b` have reason to work together, just the two of them: both may be
        paired, the pair is not one kept apart, and they are of different sectors or peers."""
        return (self.paired(a) and self.paired(b) and tuple(sorted((a, b))) not in self.apart
                and (a != b or a in self.peers))

    def as_json(self) -> dict:
        return {"sectors": {k: v.as_json() for k, v in self.sectors.items()},
                "case_level": [c.as_json() for c in self.case_level], "peers": list(self.peers),
                "apart": [list(p) for p in self.apart], "convener": self.convener}


@dataclass(frozen=True)
class Guidance:
    """What the report recommends beyond each dimension's and condition's practices: per item, for perception
    gaps and weak ties in the roster (by what the pair's roles allow), for a dimension that fell, for tensions and
    for the field's principles; and the role table that advice naming two agencies passes through.
    Facilitator-facing text, in the questionnaire's own language."""

    item_practices: dict[str, str] = field(default_factory=dict)
    #: Per item, the sectors its practice is for (see `Item.practice_for`).
    item_sectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    perception_gaps: PairPractices = PairPractices()
    weak_ties: PairPractices = PairPractices()
    #: For a dimension that fell between two rounds by more than chance would explain.
    declines: tuple[str, ...] = ()
    tensions: tuple[Concern, ...] = ()
    principles: tuple[Concern, ...] = ()
    roles: Roles = Roles()

    def as_json(self) -> dict:
        return {"item_practices": dict(self.item_practices),
                "item_sectors": {k: list(v) for k, v in self.item_sectors.items()},
                "perception_gaps": self.perception_gaps.as_json(),
                "weak_ties": self.weak_ties.as_json(), "declines": list(self.declines),
                "tensions": [t.as_json() for t in self.tensions], "principles": [p.as_json() for p in self.principles],
                "roles": self.roles.as_json()}


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    items: tuple[Item, ...]


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """Compared and hashed by identity: each is loaded once per app and shared read-only."""

    id: str
    version: int
    title: str
    introduction: str
    estimated_minutes: int
    scales: dict[str, Scale]
    dimensions: tuple[Construct, ...]
    conditions: tuple[Construct, ...]
    sections: tuple[Section, ...]
    source: str = field(default="", compare=False)
    #: The language its texts are in (a BCP 47 tag such as `es` or `pt-BR`), and every language it can be answered
    #: in, the one it is written in first.
    language: str = "en"
    languages: tuple[str, ...] = ("en",)
    guidance: Guidance = field(default_factory=Guidance)
    #: language -> the same questionnaire in that language; shared by all of them (see `in_language`).
    by_language: dict[str, Questionnaire] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def in_language(self, language: str) -> Questionnaire:
        """The same questionnaire (same ids, values and scoring) with every text a respondent reads in `language`,
        one of `languages`."""
        if language == self.language:
            return self
        try:
            return self.by_language[language]
        except KeyError:
            raise LookupError(f"{self.id} version {self.version} is not offered in {language!r} (it is offered in "
                              f"{', '.join(self.languages)})") from None

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scored_items(self, construct_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.type == "likert" and i.construct == construct_id)

    @property
    def roster_item(self) -> Optional[Item]:
        return next((i for i in self.items if i.type == "roster"), None)

    def profile_item(self, name: str) -> Optional[Item]:
        return next((i for i in self.items if i.sets == name), None)
