"""The brief's three decisions: each answers one finding, names who it concerns, and says which dimension it
serves, so that a facilitator can record it as a commitment with an owner and a date.

In order: the next step up the continuum (or, when a round was compared, a dimension that fell by more than chance
would explain); the condition that would cost most to move up (time, trust, turf or leadership), or else the next
dimension in the concern band; and the relationship most in need of work (the widest perception gap, or the
weakest tie an agency could broker). What each decision proposes is a practice from the questionnaire's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from assessment.scoring.continuum import CONCERN, LEVELS
from assessment.scoring.results import Comparison, RoundResults
from questionnaires.schema import Guidance

from . import findings, roles
from .words import SECTOR_LABELS, change_span, joined, score, signed, span_of

HOW_MANY = 3


@dataclass(frozen=True)
class Decision:
    action: str
    finding: str
    who: str
    dimension: str
    #: The two agencies a relationship decision names, and whether its practice is a case-level one.
    pair: tuple[str, ...] = ()
    case_level: bool = False

    def as_json(self) -> dict:
        return {"action": self.action, "finding": self.finding, "who": self.who, "dimension": self.dimension}


def decisions(results: RoundResults, guidance: Guidance, comparison: Optional[Comparison] = None) -> list[Decision]:
    profile = results.jurisdiction.profile
    blocker = _blocker(results)
    step = profile.next_step
    serves = blocker or step or results.dimensions[-1].id
    out: list[Decision] = []
    used: set[str] = set()

    fell = _fallen(results, guidance, comparison)
    if fell is not None:
        out.append(fell)
        used.add(fell.dimension)
    if blocker is not None and blocker not in used:
        out.append(_construct_decision(results, guidance, blocker, blocker, _up_to(results, blocker)))
        used.add(blocker)
    worst = _worst_condition(results)
    if worst is not None:
        out.append(_construct_decision(results, guidance, worst, serves,
                                       "moving up asks more of it than the agencies have"))
    if step is not None and step not in used:
        out.append(_construct_decision(results, guidance, step, step,
                                       "the first dimension not yet established, on which the others build"))
        used.add(step)
    relationship = _relationship(results, guidance, serves)
    if relationship is not None:
        out = out[:HOW_MANY - 1] + [relationship]
    if not out:
        principle = next((p for p in guidance.principles if p.id == "monitoring_evaluation"), None)
        action = principle.practices[0] if principle else "Repeat the survey in a year and compare the rounds."
        out.append(Decision(action=action, finding="Every dimension is established: the work now is to keep it so.",
                            who="", dimension=serves))
    return out[:HOW_MANY]


def _blocker(results: RoundResults) -> Optional[str]:
    """The dimension that keeps the jurisdiction from the next level: the first below 50 (the level is the highest k
    with dimensions 1..k at 50 or more)."""
    profile = results.jurisdiction.profile
    return next((d.id for d in results.dimensions if profile.dimensions[d.id].score is not None
                 and profile.dimensions[d.id].band == CONCERN), None)


def _up_to(results: RoundResults, dimension: str) -> str:
    position = [d.id for d in results.dimensions].index(dimension)
    return f"to move up to {LEVELS[position].capitalize()}, it must reach 50"


def _construct_decision(results: RoundResults, guidance: Guidance, construct_id: str, dimension: str,
                        why: str) -> Decision:
    """Act on the construct's lowest item (its own practice), or on the construct's first practice. The finding
    says how far the construct's items agree (its reliability), and names the lowest item alone only when the
    others are further from it than chance; "who" names the agencies the practice is for (the item's sectors)
    that are clearly behind, allowing for chance, else those agencies, else every agency with its convener."""
    said = findings.standing(results, construct_id)
    low = findings.lowest_together(results, construct_id)
    construct = results.construct(construct_id)
    item = low[0] if low and low[0].id in guidance.item_practices else None
    if item is not None:
        action = guidance.item_practices[item.id]
        if len(low) == 1:
            lo, hi = findings.item_interval(item)
            detail = f" Lowest item: {findings.item_name(item)} ({score(item.score)}, 95% interval {span_of(lo, hi)})."
        else:
            detail = (" Its lowest items do not differ by more than chance: "
                      + joined([f"{findings.item_name(i)} ({score(i.score)})" for i in low[:3]]) + ".")
    else:
        action = construct.practices[0] if construct.practices else construct.description
        detail = ""
    return Decision(action=action, finding=f"{said.sentence[:-1]}; {why}; "
                                           f"{findings.reliability_note(results, construct_id)}.{detail}",
                    who=_who(results, guidance, construct_id, item), dimension=dimension)


def _who(results: RoundResults, guidance: Guidance, construct_id: str, item) -> str:
    sectors = questionnaire_item_sectors(guidance, item)
    behind = findings.behind(results, construct_id, limit=2, sectors=sectors)
    if behind:
        who = findings.agencies_line(results, construct_id, behind)
        note = roles.limits_note(results, guidance.roles, [a.slug for a in behind]) \
            if construct_id in {d.id for d in results.dimensions} else ""
        return who + (f". {note}" if note else "")
    if sectors:
        named = [a.name for a in results.agencies if a.sector in sectors]
        if named:
            labels = joined([SECTOR_LABELS[s].lower() for s in sectors if any(a.sector == s for a in results.agencies)])
            return f"the {labels} agencies: {joined(named)}"
    conveners = [a.name for a in results.agencies if a.sector == guidance.roles.convener]
    return f"all agencies, convened by {joined(conveners)}" if conveners else "all agencies"


def questionnaire_item_sectors(guidance: Guidance, item) -> tuple[str, ...]:
    """The sectors an item's practice is for (see `questionnaires.schema.Item.practice_for`)."""
    return guidance.item_sectors.get(item.id, ()) if item is not None else ()


def _worst_condition(results: RoundResults) -> Optional[str]:
    conditions = results.jurisdiction.profile.conditions
    concerns = [c for c, f in conditions.items() if f.band == CONCERN and f.score is not None]
    return min(concerns, key=lambda c: (conditions[c].score, c)) if concerns else None


def _relationship(results: RoundResults, guidance: Guidance, dimension: str) -> Optional[Decision]:
    """The first-ranked perception gap, or else the first-ranked weak tie, with the practice its roles allow (see
    `roles`): a case-level one only for a pair that may work case by case."""
    names = results.agency_names()
    gaps = findings.visible_gaps(results, guidance.roles)
    if gaps and guidance.perception_gaps.system:
        pair = gaps[0]
        said = roles.advice(results, guidance.roles, guidance.perception_gaps, pair.a, pair.b)
        return Decision(action=said.practices[0],
                        finding=f"{findings.gap_sentence(results, pair)}: a perception gap of a full level or more. "
                                f"{said.why}",
                        who=joined([names[pair.a], names[pair.b]]), dimension=dimension, pair=(pair.a, pair.b),
                        case_level=said.case_level)
    ties = findings.weak_ties(results, guidance.roles)
    if ties and guidance.weak_ties.system:
        tie = ties[0]
        said = roles.advice(results, guidance.roles, guidance.weak_ties, tie.a, tie.b)
        return Decision(action=said.practices[0],
                        finding=f"{findings.connection_sentence(results, tie, guidance.roles)}. {said.why}",
                        who=joined([names[tie.a], names[tie.b]]
                                   + [names[b] for b in findings.brokers(results, guidance.roles, tie)]),
                        dimension=dimension, pair=(tie.a, tie.b), case_level=said.case_level)
    return None


def _fallen(results: RoundResults, guidance: Guidance, comparison: Optional[Comparison]) -> Optional[Decision]:
    """The dimension that fell most since the earlier round, when its fall holds with every change compared."""
    if comparison is None:
        return None
    fallen = [(c.change, d) for d, c in comparison.dimensions.items()
              if c.holds and c.change is not None and c.change < 0]
    if not fallen:
        return None
    _, dimension = min(fallen)
    change = comparison.dimensions[dimension]
    label = results.construct(dimension).label
    action = guidance.declines[0] if guidance.declines else f"Find out why {label.lower()} fell."
    return Decision(
        action=action,
        finding=f"{label} changed by {signed(change.change)} since "
                f"{comparison.earlier.title if comparison.earlier else 'the earlier round'} (95% interval "
                f"{change_span(change)}): unlikely to be chance.",
        who="all agencies", dimension=dimension)
