"""Recommendations driven by the data: each names what scored low (the construct, its lowest items, the agencies
furthest behind, the pairs that see each other differently) and maps it to practices from the questionnaire's
data. Groups: the dimensions not yet established (the next step first), the conditions below established, the
relationships, the tensions between agencies that take part, and the field's principles."""
from __future__ import annotations

from dataclasses import dataclass, field

from assessment.scoring.continuum import CONCERN, ESTABLISHED, band
from assessment.scoring.results import RoundResults
from questionnaires.schema import Concern, Guidance, PairPractices, Roles

from . import findings, roles
from .words import SECTOR_LABELS, joined, score, sized, small

#: How many perception gaps, and how many pairs to connect, the recommendations name; and how many more of each
#: the appendix lists (the console's results page lists them all).
PAIRS_NAMED = 5
APPENDIX_PAIRS = 30


@dataclass(frozen=True)
class Recommendation:
    heading: str
    finding: str
    #: (what was found, what to do about it, why that): an item and its practice, a pair and what their roles
    #: allow them to do.
    specifics: tuple[tuple[str, str, str], ...] = ()
    practices: tuple[str, ...] = ()
    who: str = ""
    #: The advice to each pair of agencies the recommendation names (see `roles`).
    pairs: tuple[roles.PairAdvice, ...] = ()


@dataclass(frozen=True)
class Group:
    title: str
    intro: str
    items: list[Recommendation] = field(default_factory=list)
    #: Printed as a list (heading run in, practices in a line) rather than as blocks.
    compact: bool = False


def recommendations(results: RoundResults, guidance: Guidance) -> list[Group]:
    groups = [_dimensions(results, guidance), _conditions(results, guidance), _relationships(results, guidance),
              _concerns(results, guidance, guidance.tensions, "Tensions between roles",
                        "Some agencies' roles oppose each other in court. Collaboration does not ask them to give "
                        "those roles up; it asks for rules everyone can rely on."),
              _concerns(results, guidance, guidance.principles, "Principles of the field",
                        "The field's principles apply whatever the scores; where the survey measures them, the "
                        "score is given.", compact=True)]
    return [g for g in groups if g.items]


def _construct(results: RoundResults, guidance: Guidance, construct_id: str, heading: str,
               practices: bool = True, items: int = 2) -> Recommendation:
    said = findings.standing(results, construct_id)
    construct = results.construct(construct_id)
    specifics = tuple((f"{findings.item_name(i)} scores {score(i.score)} (n {i.n})",
                       guidance.item_practices.get(i.id, ""), "")
                      for i in findings.lowest_items(results, construct_id, limit=items))
    behind = findings.behind(results, construct_id)
    who = ""
    if behind:
        who = ("Clearly in the concern band, allowing for chance: "
               f"{findings.agencies_line(results, construct_id, behind)}.")
        if construct_id in {d.id for d in results.dimensions}:
            note = roles.limits_note(results, guidance.roles, [a.slug for a in behind])
            who += f" {note}" if note else ""
    finding = said.sentence
    if practices:
        finding += f" The aim: {construct.description[:1].lower()}{construct.description[1:]}"
    return Recommendation(heading=heading, finding=finding, specifics=specifics,
                          practices=construct.practices if practices else (), who=who)


def _dimensions(results: RoundResults, guidance: Guidance) -> Group:
    """The next step in full (its lowest items, the agencies behind, its practices); a dimension in the concern
    band by its lowest items and the agencies behind; an emerging one by its lowest item."""
    profile = results.jurisdiction.profile
    step = profile.next_step
    items = []
    for d in results.dimensions:
        band = profile.dimensions[d.id].band
        if band == ESTABLISHED or band is None:
            continue
        if d.id == step:
            items.insert(0, _construct(results, guidance, d.id, f"Next step: {d.label}"))
        elif band == CONCERN:
            items.append(_construct(results, guidance, d.id, f"Also a concern: {d.label}", practices=False))
        else:
            items.append(_construct(results, guidance, d.id, f"Also emerging: {d.label}", practices=False, items=1))
    return Group("Dimensions of the continuum",
                 "Each dimension not yet established, the next step first: its lowest items, with what to do "
                 "about each, and the agencies furthest behind.", items)


def _conditions(results: RoundResults, guidance: Guidance) -> Group:
    """Conditions in the concern band in full, lowest first; those emerging together, each by its lowest item."""
    profile = results.jurisdiction.profile
    scored = sorted((c for c in results.conditions if profile.conditions[c.id].band is not None),
                    key=lambda c: (profile.conditions[c.id].score, c.id))
    items = [_construct(results, guidance, c.id, c.label) for c in scored
             if profile.conditions[c.id].band == CONCERN]
    emerging = [c for c in scored if profile.conditions[c.id].band not in (CONCERN, ESTABLISHED)]
    if emerging:
        specifics = tuple((f"{c.label} {score(profile.conditions[c.id].score)}: {findings.item_name(i)} scores "
                           f"{score(i.score)} (n {i.n})", guidance.item_practices.get(i.id, ""), "")
                          for c in emerging for i in findings.lowest_items(results, c.id, limit=1))
        items.append(Recommendation(
            heading="Also emerging: " + joined([c.label for c in emerging]),
            finding="Not yet established; the lowest item of each, and what to do about it:", specifics=specifics))
    return Group("Time, trust, turf and leadership",
                 "Moving up the continuum costs more of each. The conditions in the concern band first.", items)


def _relationships(results: RoundResults, guidance: Guidance) -> Group:
    """The pairs that see their relationship differently and the pairs to connect, ranked (see `findings`), the
    first `PAIRS_NAMED` of each named with what their roles allow them to do (see `roles`); the rest are listed in
    the appendix."""
    items = []
    gaps = findings.visible_gaps(results, guidance.roles)
    if gaps:
        items.append(Recommendation(
            heading="Pairs that see their relationship differently",
            finding=f"{_pairs(len(gaps))} of agencies rate each other a full level or more apart"
                    + _first(len(gaps)) + ".",
            specifics=tuple(_pair_line(results, guidance.roles, guidance.perception_gaps, p.a, p.b,
                                       findings.gap_sentence(results, p)) for p in gaps[:PAIRS_NAMED]),
            pairs=tuple(roles.advice(results, guidance.roles, guidance.perception_gaps, p.a, p.b)
                        for p in gaps[:PAIRS_NAMED])))
    ties = findings.weak_ties(results, guidance.roles)
    if ties:
        items.append(Recommendation(
            heading="Who to connect",
            finding=f"{_pairs(len(ties))} of agencies shown on their own {'are' if len(ties) != 1 else 'is'} below "
                    f"networking" + _first(len(ties)) + ".",
            specifics=tuple(_pair_line(results, guidance.roles, guidance.weak_ties, c.a, c.b,
                                       findings.connection_sentence(results, c, guidance.roles))
                            for c in ties[:PAIRS_NAMED]),
            pairs=tuple(roles.advice(results, guidance.roles, guidance.weak_ties, c.a, c.b)
                        for c in ties[:PAIRS_NAMED])))
    return Group("Relationships between agencies",
                 "From the roster: every pair named is between agencies shown on their own, and gets a case-level "
                 "practice only where the two agencies' roles allow it. " + pairs_rule(guidance.roles), items)


def pairs_rule(roles: Roles) -> str:
    """The rule that leaves pairs of one sector out, in words."""
    peers = joined([SECTOR_LABELS[s].lower() for s in roles.peers])
    said = ("Pairs of agencies of one sector (two police departments of different districts) are not named: they "
            "share no cases")
    return said + (f", except in {peers}, whose agencies may supervise the same people." if peers else ".")


def _pairs(count: int) -> str:
    return f"{count} pair{'s' if count != 1 else ''}"


def _first(count: int) -> str:
    if count <= PAIRS_NAMED:
        return ""
    return (f"; the {PAIRS_NAMED} whose change would matter most (pairs that work case by case, then those an agency "
            f"tied to both could introduce) are here, the next {min(count - PAIRS_NAMED, APPENDIX_PAIRS)} in the "
            f"appendix" + (", and every one on the console's results page" if count - PAIRS_NAMED > APPENDIX_PAIRS
                           else ""))


def _pair_line(results: RoundResults, roles_table: Roles, practices: PairPractices, a: str, b: str,
               found: str) -> tuple[str, str, str]:
    said = roles.advice(results, roles_table, practices, a, b)
    return (found, said.practices[0], said.why) if said.practices else (found, "", "")


def _concerns(results: RoundResults, guidance: Guidance, concerns: tuple[Concern, ...], title: str,
              intro: str, compact: bool = False) -> Group:
    """Each tension whose roles all take part in the round, and each principle: what bears on it in the data (its
    items' scores, the pairs between its sectors) and its practices."""
    taking_part = {a.sector for a in results.agencies}
    items = []
    for concern in concerns:
        if concern.sectors and not set(concern.sectors) <= taking_part:
            continue  # a tension between roles that do not all take part in this round
        rated = [i for i in results.items if i.id in concern.items and i.score is not None]
        found = [f"{findings.item_name(i)} scores {score(i.score)} (n {i.n}, {band(i.score)})" for i in rated]
        found += _pairs_between(results, concern.sectors)
        lead = concern.description
        if found:
            lead += " Here: " + "; ".join(found) + "."
        items.append(Recommendation(heading=concern.label, finding=lead, practices=concern.practices))
    return Group(title, intro, items, compact)


def _pairs_between(results: RoundResults, sectors: tuple[str, ...]) -> list[str]:
    """The published levels of pairs of shown agencies between two sectors (for a tension between two roles)."""
    if len(sectors) != 2:
        return []
    shown = {a.slug: a for a in results.shown_agencies()}
    out = []
    for p in results.pairs:
        a, b = shown.get(p.a), shown.get(p.b)
        if a is None or b is None or p.level is None or {a.sector, b.sector} != set(sectors):
            continue
        size = ", small groups: read with care" if small(a.n) or small(b.n) else ""
        out.append(f"{sized(a.name, a.n)} and {sized(b.name, b.n)} are at {p.level:.1f} of 4 "
                   f"({p.level_name}{size})")
    return out
