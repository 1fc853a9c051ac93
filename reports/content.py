"""What the report says, as plain values for the template. It selects and words figures from the scoring
results; it computes no figure of its own."""
from __future__ import annotations

from typing import Optional

from babel import Locale

from assessment.scoring.continuum import CONCERN, FRAGMENTED
from assessment.scoring.disclosure import BELOW_MINIMUM, COMPLEMENTARY
from assessment.scoring.results import (
    Change,
    Comparison,
    Construct,
    DontKnow,
    Figures,
    Group,
    Item,
    PairMove,
    RoundResults,
)
from assessment.vocabulary import Sector

SECTOR_LABELS = {s.value: s.label for s in Sector}
LEVEL_WORDS = {
    "networking": "exchanging information",
    "coordination": "exchanging information and altering activities for a common purpose",
    "cooperation": "exchanging information, altering activities and sharing resources",
    "collaboration": "exchanging information, altering activities, sharing resources and enhancing each "
                     "other's capacity",
}
LOW_RESPONSE_RATE = 0.5


def score(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.0f}"


def decimal(value: Optional[float], places: int = 1) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def percent(value: Optional[float]) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def signed(value: Optional[float]) -> str:
    if value is None:
        return "–"
    rounded = round(value)
    return "0" if rounded == 0 else f"{rounded:+d}"


def build(results: RoundResults, comparison: Optional[Comparison] = None) -> dict:
    j = results.jurisdiction
    profile = j.profile
    size = results.min_group_size
    return {
        "round": results.round,
        "jurisdiction": j,
        "min_group_size": size,
        "cover": _cover(results),
        "summary": _summary(results),
        "dimension_rows": [_construct_row(c, profile.dimensions[c.id], j.dont_know[c.id]) for c in results.dimensions],
        "condition_rows": [_construct_row(c, profile.conditions[c.id], j.dont_know[c.id]) for c in results.conditions],
        "dimensions": results.dimensions,
        "agencies": _agencies(results),
        "spread_flags": [results.construct(c).label for c, a in results.agreement.items() if a.spread_flag],
        "roster": _roster(results),
        "role_levels": _groups(results.role_levels, results),
        "recommendations": _recommendations(results),
        "reliability": [{"label": results.construct(c).label, "alpha": decimal(r.alpha, 2), "n": r.n, "flag": r.flag,
                         "item_count": len(r.items)} for c, r in results.reliability.items()],
        "items": [_item_row(i, results) for i in results.items],
        "change": _change(comparison, results) if comparison else None,
        "languages": [{"label": " and ".join(Locale.parse(code, sep="-").get_display_name("en")
                                             for code in group.languages), "n": group.n}
                      for group in results.languages],
    }


def _item_row(item: Item, results: RoundResults) -> dict:
    distribution = (" / ".join(str(v) for v in item.distribution.values()) if item.distribution
                    else f"fewer than {results.min_group_size} answers")
    return {"text": item.text, "construct": results.construct(item.construct).label, "reverse": item.reverse,
            "n": item.n, "mean": decimal(item.mean, 2), "distribution": distribution,
            "dont_know": percent(item.dont_know_share)}


def _verdict(change: Change) -> str:
    return "a real change" if change.excludes_zero else "within what chance alone could give"


def _change(comparison: Comparison, results: RoundResults) -> dict:
    """The comparison with an earlier round, worded: every figure comes from `compare`."""
    def row(construct_id: str, f: Change) -> dict:
        return {"label": results.construct(construct_id).label, "earlier": score(f.earlier), "later": score(f.later),
                "change": signed(f.change), "interval": f"{signed(f.ci_low)} to {signed(f.ci_high)}",
                "verdict": _verdict(f), "items_changed": list(f.items_changed)}

    names = results.agency_names()

    def pair(p: PairMove) -> str:
        return f"{names.get(p.a, p.a)} and {names.get(p.b, p.b)}"

    moves = comparison.pairs
    overall = comparison.coverage.overall
    labels = {c.id: c.label for c in results.constructs}
    return {
        "earlier": comparison.earlier.title,
        "resamples": comparison.resamples,
        "level_then": comparison.level_earlier.placed, "level_now": comparison.level_later.placed,
        "dimensions": [row(c, f) for c, f in comparison.dimensions.items()],
        "conditions": [row(c, f) for c, f in comparison.conditions.items()],
        "not_comparable": comparison.not_comparable,
        "agencies": [{"name": a.name, "changes": [signed(v.change) for v in a.change.values()],
                      "then": a.earlier.placed, "now": a.later.placed} for a in comparison.agencies],
        "agencies_left_out": comparison.agencies_left_out,
        "new_ties": [pair(p) for p in moves.new_ties], "lost_ties": [pair(p) for p in moves.lost_ties],
        "level_up": len(moves.level_up), "level_down": len(moves.level_down),
        "gaps_opened": [pair(p) for p in moves.gaps_opened], "gaps_closed": [pair(p) for p in moves.gaps_closed],
        "response_rate": f"{percent(overall.earlier)} then, {percent(overall.later)} now",
        "sector_rates": [{"sector": SECTOR_LABELS.get(r.key, r.key), "earlier": percent(r.rate.earlier),
                          "later": percent(r.rate.later)} for r in comparison.coverage.sectors],
        "trend": [{"title": r.title, "scores": [score(v) for v in r.dimensions.values()]} for r in comparison.trend],
        "commitments": [{"dimension": labels.get(c.dimension, c.dimension), "what": c.what, "owner": c.owner,
                         "due": c.due or "",
                         "movement": (f"{signed(c.movement.change)} ({_verdict(c.movement)})" if c.movement
                                      else "not compared")}
                        for c in comparison.commitments],
    }


def _cover(results: RoundResults) -> dict:
    overall = results.coverage.overall
    r = results.round
    dates = " to ".join(d for d in (r.opens_at, r.closes_at) if d) or "not set"
    return {"dates": dates, "respondents": results.jurisdiction.n, "invited": overall.invited,
            "response_rate": percent(overall.response_rate),
            "questionnaire": f"{r.questionnaire_id} version {r.questionnaire_version}"}


def _summary(results: RoundResults) -> dict:
    profile = results.jurisdiction.profile
    step = profile.next_step
    if step is None:
        next_step = "Every dimension is established: the work now is to keep it so, round after round."
    else:
        construct = results.construct(step)
        next_step = (f"Build {construct.label.lower()}: the lowest dimension not yet established "
                     f"(score {score(profile.dimensions[step].score)} of 100). {construct.description}")
    rated = sorted((i for i in results.items if i.score is not None), key=lambda i: i.score)
    if profile.level == FRAGMENTED:
        meaning = "Agencies do not yet reliably exchange information on these cases."
    else:
        meaning = f"Agencies are {LEVEL_WORDS[profile.level]}."
    return {"level": profile.placed, "meaning": meaning, "readiness": score(profile.readiness_index),
            "next_step": next_step, "strengths": [_item_line(i, results, True) for i in rated[::-1][:3]],
            "concerns": [_item_line(i, results, False) for i in rated[:3]],
            "warnings": _warnings(results)}


def _item_line(item: Item, results: RoundResults, strength: bool) -> dict:
    """A statement as respondents judged it: a negatively worded strength was mostly disagreed with, a positively
    worded concern was mostly not agreed with."""
    lead = ""
    if strength and item.reverse:
        lead = "Most disagree that: "
    elif not strength and not item.reverse:
        lead = "Few agree that: "
    return {"lead": lead, "text": item.text, "construct": results.construct(item.construct).label,
            "score": score(item.score)}


def _warnings(results: RoundResults) -> list[str]:
    warnings = []
    size = results.min_group_size
    missing = results.coverage.missing_key_sectors
    if missing:
        warnings.append("No respondent from these key sectors: "
                        + ", ".join(SECTOR_LABELS[s] for s in missing) + ".")
    for kind, groups in (("Agencies", results.agencies), ("Role levels", results.role_levels)):
        small = [g for g in groups if g.suppressed and g.reason == BELOW_MINIMUM and g.n]
        shielding = [g for g in groups if g.suppressed and g.reason == COMPLEMENTARY]
        if small:
            warnings.append(f"{kind} with fewer than {size} respondents, not shown on their own (still counted in "
                            f"the jurisdiction's totals): " + ", ".join(_name(g) for g in small) + ".")
        if shielding:
            warnings.append(f"{kind} also hidden so that a smaller group cannot be worked out by subtracting the "
                            f"others from the total: " + ", ".join(_name(g) for g in shielding) + ".")
    rate = results.coverage.overall.response_rate
    if rate is not None and rate < LOW_RESPONSE_RATE:
        warnings.append(f"Only {percent(rate)} of those invited responded: read the results with care.")
    if not results.jurisdiction.profile.nested:
        warnings.append("The profile is not nested: a higher dimension is established while a lower one is a "
                        "concern. The level alone does not tell the whole story; read the dimension profile.")
    return warnings


def _name(group: Group) -> str:
    return f"{getattr(group, 'name', None) or group.label} ({group.n})"


def _construct_row(construct: Construct, figures: Figures, dont_know: DontKnow) -> dict:
    return {"label": construct.label, "description": construct.description, "score": score(figures.score),
            "weighted": score(figures.respondent_weighted), "n": figures.n, "sd": decimal(figures.sd),
            "band": figures.band or "–", "dont_know": percent(dont_know.dont_know_share)}


def _agencies(results: RoundResults) -> list[dict]:
    rows = []
    for a in results.agencies:
        row = {"name": a.name, "sector": SECTOR_LABELS.get(a.sector, a.sector), "sector_id": a.sector,
               "suppressed": a.suppressed, "n": a.n, "reason": a.reason_text}
        if a.profile is not None:
            row.update(level=a.profile.placed, readiness=score(a.profile.readiness_index),
                       scores=[score(a.profile.dimensions[d.id].score) for d in results.dimensions],
                       nested=a.profile.nested)
        rows.append(row)
    return rows


def _groups(groups, results: RoundResults) -> list[dict]:
    return [{"label": g.label, "suppressed": g.suppressed, "n": g.n, "reason": g.reason_text,
             "level": None if g.profile is None else g.profile.placed,
             "scores": ([] if g.profile is None
                        else [score(g.profile.dimensions[d.id].score) for d in results.dimensions])}
            for g in groups]


def _roster(results: RoundResults) -> dict:
    """The roster as the report shows it: only agencies shown on their own appear, in the matrix, the network
    table and the discussion points; the network-wide shares and densities count every pair."""
    names = results.agency_names()
    agencies = results.shown_agencies()
    visible = {a.slug for a in agencies}
    rating = {(r.source, r.target): r.rating for r in results.directed}
    network = results.network
    gaps = sorted((p for p in results.pairs if p.perception_gap and p.a in visible and p.b in visible),
                  key=lambda p: -abs(p.gap))
    return {
        "columns": [a.name for a in agencies],
        "matrix": [{"name": a.name, "cells": [decimal(rating.get((a.slug, b.slug))) if a.slug != b.slug else "·"
                                              for b in agencies]} for a in agencies],
        "hidden": any(a.suppressed for a in results.agencies),
        "gaps": [{"a": names[p.a], "b": names[p.b], "a_rates": decimal(rating[(p.a, p.b)]),
                  "b_rates": decimal(rating[(p.b, p.a)]), "gap": decimal(abs(p.gap))} for p in gaps],
        "share": [(k.capitalize(), percent(v)) for k, v in network.share_at_level.items()],
        "density": [(k.capitalize(), percent(v)) for k, v in network.density.items()],
        "degree": sorted(((names[s], decimal(d)) for s, d in network.weighted_degree.items() if s in visible),
                         key=lambda row: row[0]),
        "isolated": [names[s] for s in network.isolated if s in visible],
        "reciprocity": percent(network.reciprocity),
        "pairs": network.agencies * (network.agencies - 1) // 2,
    }


def _recommendations(results: RoundResults) -> list[dict]:
    profile = results.jurisdiction.profile
    out = []
    step = profile.next_step
    if step is not None:
        construct = results.construct(step)
        out.append({"heading": f"Next step: {construct.label}", "why": construct.description,
                    "score": score(profile.dimensions[step].score), "practices": construct.practices})
    for d in results.dimensions:
        figures = profile.dimensions[d.id]
        if d.id != step and figures.band == CONCERN:
            out.append({"heading": f"Also a concern: {d.label}", "why": d.description,
                        "score": score(figures.score), "practices": d.practices})
    watch = [f"{c.label} ({score(profile.conditions[c.id].score)})" for c in results.conditions
             if profile.conditions[c.id].band == CONCERN]
    if watch:
        out.append({"heading": "Conditions to attend to", "score": None, "practices": [],
                    "why": "These conditions score as a concern: " + ", ".join(watch) + ". Moving up the "
                           "continuum costs more time, trust and turf; plan for them before asking more of "
                           "partners."})
    return out
