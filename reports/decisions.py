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

from assessment.scoring.continuum import CONCERN
from assessment.scoring.results import Comparison, RoundResults
from questionnaires.schema import Guidance

from . import findings
from .words import change_span, joined, signed

HOW_MANY = 3


@dataclass(frozen=True)
class Decision:
    action: str
    finding: str
    who: str
    dimension: str

    def as_json(self) -> dict:
        return {"action": self.action, "finding": self.finding, "who": self.who, "dimension": self.dimension}


def decisions(results: RoundResults, guidance: Guidance, comparison: Optional[Comparison] = None) -> list[Decision]:
    profile = results.jurisdiction.profile
    step = profile.next_step
    serves = step or results.dimensions[-1].id
    out: list[Decision] = []
    used: set[str] = set()

    fell = _fallen(results, guidance, comparison)
    if fell is not None:
        out.append(fell)
        used.add(fell.dimension)
    if step is not None and step not in used:
        out.append(_construct_decision(results, guidance, step, step, "the next step up the continuum"))
        used.add(step)

    worst = _worst_condition(results)
    if worst is not None:
        out.append(_construct_decision(results, guidance, worst, serves,
                                       "moving up costs more of it than the agencies have"))
    else:
        concern = next((d.id for d in results.dimensions
                        if d.id not in used and profile.dimensions[d.id].band == CONCERN), None)
        if concern is not None:
            out.append(_construct_decision(results, guidance, concern, concern, "a concern"))

    relationship = _relationship(results, guidance, serves)
    if relationship is not None:
        out.append(relationship)
    if not out:
        principle = next((p for p in guidance.principles if p.id == "monitoring_evaluation"), None)
        action = principle.practices[0] if principle else "Repeat the survey in a year and compare the rounds."
        out.append(Decision(action=action, finding="Every dimension is established: the work now is to keep it so.",
                            who="", dimension=serves))
    return out[:HOW_MANY]


def _construct_decision(results: RoundResults, guidance: Guidance, construct_id: str, dimension: str,
                        why: str) -> Decision:
    """Act on the construct's lowest item (its own practice), or on the construct's first practice."""
    said = findings.standing(results, construct_id)
    low = findings.lowest_items(results, construct_id, limit=1)
    construct = results.construct(construct_id)
    if low and low[0].id in guidance.item_practices:
        action = guidance.item_practices[low[0].id]
        detail = f" Lowest item: “{low[0].short}” ({low[0].score:.0f})."
    else:
        action = construct.practices[0] if construct.practices else construct.description
        detail = ""
    behind = findings.behind(results, construct_id, limit=2)
    who = findings.agencies_line(results, construct_id, behind) if behind else "all agencies"
    return Decision(action=action, finding=f"{said.sentence[:-1]}; {why}.{detail}", who=who, dimension=dimension)


def _worst_condition(results: RoundResults) -> Optional[str]:
    conditions = results.jurisdiction.profile.conditions
    concerns = [c for c, f in conditions.items() if f.band == CONCERN and f.score is not None]
    return min(concerns, key=lambda c: (conditions[c].score, c)) if concerns else None


def _relationship(results: RoundResults, guidance: Guidance, dimension: str) -> Optional[Decision]:
    names = results.agency_names()
    gaps = findings.visible_gaps(results)
    if gaps and guidance.perception_gaps:
        pair = gaps[0]
        return Decision(action=guidance.perception_gaps[0],
                        finding=findings.gap_sentence(results, pair) + ": a perception gap of a full level or more.",
                        who=joined([names[pair.a], names[pair.b]]), dimension=dimension)
    ties = [c for c in findings.weak_ties(results) if c.brokers] or list(findings.weak_ties(results))
    if ties and guidance.weak_ties:
        tie = ties[0]
        return Decision(action=guidance.weak_ties[0], finding=findings.connection_sentence(results, tie) + ".",
                        who=joined([names[tie.a], names[tie.b]] + [names[b] for b in tie.brokers]),
                        dimension=dimension)
    return None


def _fallen(results: RoundResults, guidance: Guidance, comparison: Optional[Comparison]) -> Optional[Decision]:
    """The dimension that fell most since the earlier round, when its interval excludes zero."""
    if comparison is None:
        return None
    fallen = [(c.change, d) for d, c in comparison.dimensions.items()
              if c.excludes_zero and c.change is not None and c.change < 0]
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
