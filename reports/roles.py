"""Advice that names two agencies, passed through the questionnaire's role table (`questionnaires.schema.Roles`):
what each pair may be asked to do, and why.

Collaboration here happens inside an adversarial system: a judge may not discuss a case with one side outside
the record, the defense does not receive victims' information, advocates share nothing about a victim without
consent, treatment reports to supervision as the client's waiver allows. So a pair gets a case-level practice
(about shared cases) only when the table lists its two sectors as working case by case, with the terms on which
they do; any other pair gets a system-level practice (a protocol, a memorandum, cross-training, a policy table, a
liaison through the proper channel), and the report says what binds it. Pairs of one sector are named only when
the table says that sector's agencies work with each other.
"""
from __future__ import annotations

from dataclasses import dataclass

from assessment.scoring.results import RoundResults
from questionnaires.schema import PairPractices, Roles


@dataclass(frozen=True)
class PairAdvice:
    """What two agencies (slugs) are asked to do: case-level practices or system-level ones, and why."""

    a: str
    b: str
    case_level: bool
    practices: tuple[str, ...]
    why: str


def sector_of(results: RoundResults) -> dict[str, str]:
    return {a.slug: a.sector for a in results.agencies}


def related(results: RoundResults, roles: Roles, a: str, b: str) -> bool:
    """Whether the report may name the pair at all (see `Roles.related`)."""
    sectors = sector_of(results)
    return roles.related(sectors[a], sectors[b])


def advice(results: RoundResults, roles: Roles, practices: PairPractices, a: str, b: str) -> PairAdvice:
    """The practices for agencies `a` and `b`: case-level ones when their sectors may work case by case (and the
    questionnaire has such practices), else system-level ones, with the reason in words."""
    sectors, names = sector_of(results), results.agency_names()
    allowed = roles.case_level_for(sectors[a], sectors[b])
    if allowed is not None and practices.case:
        return PairAdvice(a, b, True, practices.case, f"Case by case, {allowed.condition}.")
    return PairAdvice(a, b, False, practices.system, bound(roles, names, sectors, (a, b)))


def bound(roles: Roles, names: dict[str, str], sectors: dict[str, str], agencies: tuple[str, ...]) -> str:
    """Why a pair gets system-level advice only, in a line: what binds the agencies whose role limits what they may
    share (or, when none does, both agencies' terms). The full terms are in the report's method."""
    limited = [s for s in agencies if _limits(roles, sectors[s])]
    named = [s for s in (limited or agencies) if sectors[s] in roles.sectors]
    if not named:
        return "System level: their roles in individual cases are not set out."
    return "System level: " + "; ".join(f"{names[s]} ({roles.sectors[sectors[s]].short})" for s in named) + "."


def limits_note(results: RoundResults, roles: Roles, slugs: list[str]) -> str:
    """For agencies named as furthest behind on sharing: those whose role limits what they may share, since a low
    score may then be proper ("" when none is bound)."""
    sectors, names = sector_of(results), results.agency_names()
    bound_ones = [s for s in slugs if _limits(roles, sectors[s])]
    if not bound_ones:
        return ""
    return ("A low score may be proper where a role limits sharing: " +
            "; ".join(f"{names[s]} ({roles.sectors[sectors[s]].short})" for s in bound_ones) + ".")


def terms(roles: Roles, sectors_present: set[str]) -> list[tuple[str, str]]:
    """What binds each sector taking part, for the report's method: (sector, terms)."""
    return [(sector, role.bound) for sector, role in roles.sectors.items() if sector in sectors_present]


def _limits(roles: Roles, sector: str) -> bool:
    role = roles.sectors.get(sector)
    return role is not None and role.limits_sharing
