"""What the report says, as plain values for the template (and for the console's results and comparison pages).
It selects and words figures from the scoring results; it computes no figure of its own."""
from __future__ import annotations

import math
from typing import Optional

from babel import Locale

from assessment.scoring.continuum import FRAGMENTED, band, place, placed_name
from assessment.scoring.disclosure import BELOW_MINIMUM, COMPLEMENTARY
from assessment.scoring.results import (
    CarriedCommitment,
    Comparison,
    Construct,
    DontKnow,
    Figures,
    Group,
    Item,
    PairMove,
    RoundResults,
)
from assessment.scoring.uncertainty import ASSUMED_SD, assumed_spread_interval
from questionnaires.schema import Guidance

from . import findings, roles
from .decisions import decisions
from .figures import MATRIX_MAX
from .recommendations import APPENDIX_PAIRS, PAIRS_NAMED, pairs_rule, recommendations
from .words import (
    CAVEAT,
    SECTOR_LABELS,
    SMALL_GROUP,
    chance_of_one,
    change_span,
    decimal,
    end,
    joined,
    percent,
    printed_change,
    score,
    signed,
    small,
    span,
    verdict,
)

LEVEL_WORDS = {
    "networking": "exchanging information",
    "coordination": "exchanging information and altering activities for a common purpose",
    "cooperation": "exchanging information, altering activities and sharing resources",
    "collaboration": "exchanging information, altering activities, sharing resources and enhancing each "
                     "other's capacity",
}
LOW_RESPONSE_RATE = 0.5
PLACE_ORDER = {"fragmented": 0, **{level: n + 1 for n, level in enumerate(("networking", "coordination",
                                                                           "cooperation", "collaboration"))}}
#: Reciprocity (the share of ties both sides report) is given only when it rests on this many pairs rated from
#: both sides: on one or two it says more about those pairs than about the network.
RECIPROCITY_MIN_PAIRS = 3


def build(results: RoundResults, comparison: Optional[Comparison] = None, guidance: Optional[Guidance] = None,
          agreed: tuple[CarriedCommitment, ...] = (), said: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> dict:
    """Everything the report prints. `guidance` is the questionnaire's (what to recommend); `agreed` the
    commitments already recorded after this round; `said` the open answers a facilitator published, by question."""
    guidance = guidance or Guidance()
    j = results.jurisdiction
    profile = j.profile
    return {
        "round": results.round,
        "jurisdiction": j,
        "min_group_size": results.min_group_size,
        "assumed_sd": f"{ASSUMED_SD:.0f}",
        "small_group": SMALL_GROUP,
        "caveat": CAVEAT,
        "cover": _cover(results),
        "brief": _brief(results, guidance, comparison, agreed),
        "summary": _summary(results),
        "dimension_rows": [_construct_row(results, c, profile.dimensions[c.id], j.dont_know[c.id])
                           for c in results.dimensions],
        "condition_rows": [_construct_row(results, c, profile.conditions[c.id], j.dont_know[c.id])
                           for c in results.conditions],
        "dimensions": results.dimensions,
        "agencies": _agencies(results),
        "spread": _spread(results),
        "spread_flags": [results.construct(c).label for c, a in results.agreement.items() if a.spread_flag],
        "roster": _roster(results, guidance),
        "role_levels": _groups(results.role_levels, results),
        "roles_answer": _roles_answer(results),
        "recommendations": recommendations(results, guidance),
        "roles": {"terms": [(SECTOR_LABELS[sector], said) for sector, said in
                            roles.terms(guidance.roles, {a.sector for a in results.agencies})],
                  "case_level": [f"{SECTOR_LABELS[c.sectors[0]].lower()} with {SECTOR_LABELS[c.sectors[1]].lower()}"
                                 f" ({c.condition})" for c in guidance.roles.case_level]},
        "reliability": [{"label": results.construct(c).label, "alpha": decimal(r.alpha, 2), "n": r.n, "flag": r.flag,
                         "item_count": sum(1 for i in results.items if i.construct == c)}
                        for c, r in results.reliability.items()],
        "said": [{"question": question, "answers": list(answers)} for question, answers in said],
        "release": results.snapshot,
        "kept": results.kept,
        "items": [_item_row(i, results) for i in results.items],
        "item_groups": [(c.label, [_item_row(i, results) for i in results.items if i.construct == c.id])
                        for c in results.constructs],
        "change": _change(comparison, results) if comparison else None,
        "languages": [{"label": " and ".join(Locale.parse(code, sep="-").get_display_name("en")
                                             for code in group.languages), "n": group.n}
                      for group in results.languages],
    }


# --- the brief ----------------------------------------------------------------------------------------------------

def _brief(results: RoundResults, guidance: Guidance, comparison: Optional[Comparison],
           agreed: tuple[CarriedCommitment, ...]) -> dict:
    j = results.jurisdiction
    profile = j.profile
    dims = [findings.standing(results, d.id) for d in results.dimensions]
    conditions = [findings.standing(results, c.id) for c in results.conditions]
    index_open = findings.open_question(profile.readiness_index, *(
        (j.readiness_interval.low, j.readiness_interval.high) if j.readiness_interval else (None, None)))
    costly = [c for c in conditions if c.band == "concern"]
    if costly:
        cost = (f"{joined([c.label for c in costly])} {'is' if len(costly) == 1 else 'are'} in the concern band: "
                "each step up the continuum asks more of "
                f"{'it' if len(costly) == 1 else 'them'} than the agencies say they have, so "
                f"{'it needs' if len(costly) == 1 else 'they need'} attention before partners are asked for more.")
    else:
        cost = ("No condition is in the concern band on average: the agencies report, taken together, the time, "
                "trust and standing to move up.")
    labels = {c.id: c.label for c in results.constructs}
    return {
        "level": profile.placed,
        "level_sure": _level_sure(results),
        "differ": joined([results.construct(c).label.lower() for c, a in results.agreement.items() if a.spread_flag]),
        "agency_levels": _agency_levels(results),
        "reliability": _reliability_flags(results),
        "missing": joined([SECTOR_LABELS[s].lower() for s in results.coverage.missing_key_sectors]),
        "meaning": _meaning(results),
        "readiness": score(profile.readiness_index),
        "readiness_interval": span(j.readiness_interval),
        "readiness_band": _band_of(profile.readiness_index),
        "readiness_open": index_open,
        "dimensions": dims,
        "borderline": [d for d in dims if d.borderline],
        "conditions": conditions,
        "cost": cost,
        "since": _since(results, comparison) if comparison else None,
        "decisions": decisions(results, guidance, comparison),
        "agreed": [{"what": c.what, "owner": c.owner, "due": c.due or "no date", "dimension": labels.get(
            c.dimension, c.dimension)} for c in agreed],
        "facts": _facts(results),
    }


def _level_sure(results: RoundResults) -> str:
    """How sure the level is, in words: the share of the resamples at each level (see
    `uncertainty.level_shares`), what it hinges on when it is not settled, or why there is no such figure."""
    shares = results.jurisdiction.level_shares
    placed = results.jurisdiction.profile.placed
    if not shares:
        return ("How sure the level is cannot be said: it takes at least 10 scores on every dimension, at the "
                "round's close.")
    if shares.get(placed, 0) >= 0.95:
        return (f"Resampling the respondents puts it at {placed} {percent(shares.get(placed, 0))} of the time: "
                "sampling "
                "leaves it in little doubt (it cannot speak for those who did not answer).")
    others = [f"{name} {percent(share)}" for name, share in shares.items() if name != placed and share >= 0.005]
    hinges = [findings.standing(results, d.id) for d in results.dimensions
              if findings.standing(results, d.id).borderline]
    hinge = (" It hinges on " + joined([f"{h.label.lower()} ({h.score}, {h.interval})" for h in hinges])
             + ", within chance of a cut." if hinges else "")
    return (f"The level is not settled: resampling the respondents gives {placed} {percent(shares.get(placed, 0))} of "
            f"the time, " + joined(others) + "." + hinge)


def _agency_levels(results: RoundResults) -> str:
    """How the agencies shown on their own spread over the levels, when they do not all sit where the jurisdiction
    does: the jurisdiction's level counts every agency equally and can hide two camps."""
    placed = [a.profile.placed for a in results.shown_agencies() if a.profile is not None]
    if len(placed) < 3 or set(placed) == {results.jurisdiction.profile.placed}:
        return ""
    counts = {name: placed.count(name) for name in dict.fromkeys(
        sorted(placed, key=lambda n: (PLACE_ORDER.get(n.split(" (")[0].lower(), 0), n)))}
    listed = joined([f"{n} {name}" for name, n in counts.items()])
    return f"Of the {len(placed)} agencies shown on their own: {listed} (see Agencies)."


def _reliability_flags(results: RoundResults) -> str:
    flagged = [results.construct(c).label.lower() for c, r in results.reliability.items() if r.flag]
    if not flagged:
        return ""
    return (f"The items of {joined(flagged)} agree with each other less than they should (Cronbach's alpha below "
            f"0.70): read {'that score' if len(flagged) == 1 else 'those scores'} as a pointer, not a measure.")


def _band_of(value: Optional[float]) -> str:
    return band(value) or "–"


def _meaning(results: RoundResults) -> str:
    profile = results.jurisdiction.profile
    if profile.level == FRAGMENTED:
        return "Agencies do not yet reliably exchange information on these cases."
    return f"Agencies are {LEVEL_WORDS[profile.level]}."


def _facts(results: RoundResults) -> str:
    """Dates, respondents and agencies, with how many agencies are hidden to keep small groups confidential."""
    overall = results.coverage.overall
    r = results.round
    dates = " to ".join(d for d in (r.opens_at, r.closes_at) if d) if r else ""
    shown = len(results.shown_agencies())
    said = (f"{results.jurisdiction.n} respondents of {overall.invited} invited ({percent(overall.response_rate)}); "
            f"{len(results.agencies)} agencies")
    hidden = len(results.agencies) - shown
    if hidden:
        said += (f", {hidden} of them not shown on their own to keep small groups' answers confidential (they count "
                 "in every jurisdiction figure)")
    return f"{dates}. {said}." if dates else f"{said}."


def _since(results: RoundResults, comparison: Comparison) -> dict:
    changes = {**comparison.dimensions, **comparison.conditions}
    moved = [f"{results.construct(c).label} {printed_change(f)}"
             + (f" (the agencies not shown on their own moved it by {signed(f.from_hidden)})"
                if f.from_hidden is not None and f.change and f.from_hidden * f.change > 0
                and abs(f.from_hidden) >= abs(f.change) / 2 else "")
             for c, f in changes.items() if f.holds]
    return {"earlier": comparison.earlier.title if comparison.earlier else "the earlier round",
            "level_then": comparison.level_earlier.placed, "level_now": comparison.level_later.placed,
            "moved": moved, "compared": len(changes), "chance": chance_of_one(len(changes)),
            "commitments": len(comparison.commitments)}


# --- sections -----------------------------------------------------------------------------------------------------

def _cover(results: RoundResults) -> dict:
    overall = results.coverage.overall
    r = results.round
    dates = (" to ".join(d for d in (r.opens_at, r.closes_at) if d) if r else "") or "not set"
    return {"dates": dates, "respondents": results.jurisdiction.n, "invited": overall.invited,
            "response_rate": percent(overall.response_rate),
            "questionnaire": f"{r.questionnaire_id} version {r.questionnaire_version}" if r else ""}


def _summary(results: RoundResults) -> dict:
    """The level, index and next step in a sentence or two, with what to read with care (the console's summary)."""
    profile = results.jurisdiction.profile
    step = profile.next_step
    if step is None:
        next_step = "Every dimension is established: the work now is to keep it so, round after round."
    else:
        said = findings.standing(results, step)
        next_step = (f"Build {said.label.lower()}: the lowest dimension not yet established "
                     f"(score {said.score} of 100, 95% interval {said.interval}). "
                     f"{results.construct(step).description}")
    return {"level": profile.placed, "meaning": _meaning(results), "readiness": score(profile.readiness_index),
            "next_step": next_step, "warnings": _warnings(results)}


def _warnings(results: RoundResults) -> list[str]:
    warnings = []
    size = results.min_group_size
    missing = results.coverage.missing_key_sectors
    if missing:
        warnings.append("No respondent from these key sectors: "
                        + ", ".join(SECTOR_LABELS[s] for s in missing) + ".")
    for kind, groups in (("Agencies", results.agencies), ("Role levels", results.role_levels)):
        below = [g for g in groups if g.suppressed and g.reason == BELOW_MINIMUM and g.n]
        shielding = [g for g in groups if g.suppressed and g.reason == COMPLEMENTARY]
        if below:
            warnings.append(f"{kind} with fewer than {size} respondents, not shown on their own (still counted in "
                            f"the jurisdiction's totals): " + ", ".join(_name(g) for g in below) + ".")
        if shielding:
            warnings.append(f"{kind} with {size} or more respondents also not shown on their own, so that no "
                            f"smaller group's answers can be worked out: " + ", ".join(_name(g) for g in shielding)
                            + ".")
    few = [a for a in results.shown_agencies() if small(a.n)]
    if few:
        warnings.append(f"Agencies shown with fewer than {SMALL_GROUP} respondents (printed muted): "
                        + ", ".join(_name(a) for a in few) + ". One or two answers move their figures a long way.")
    rate = results.coverage.overall.response_rate
    if rate is not None and rate < LOW_RESPONSE_RATE:
        warnings.append(f"Only {percent(rate)} of those invited responded: read the results with care.")
    if not results.jurisdiction.profile.nested:
        warnings.append("The profile is not nested: a higher dimension is established while a lower one is a "
                        "concern. The level alone does not tell the whole story; read the dimension profile.")
    return warnings


def _name(group: Group) -> str:
    return f"{getattr(group, 'name', None) or group.label} ({group.n})"


def _construct_row(results: RoundResults, construct: Construct, figures: Figures, dont_know: DontKnow) -> dict:
    interval = results.jurisdiction.intervals.get(construct.id)
    return {"label": construct.label, "description": construct.description, "score": score(figures.score),
            "interval": span(interval), "borderline": bool(interval and interval.borderline),
            "weighted": score(figures.respondent_weighted), "n": figures.n, "sd": decimal(figures.sd),
            "band": figures.band or "–", "dont_know": percent(dont_know.dont_know_share)}


def _cell(value: Optional[float]) -> dict:
    return {"text": score(value), "band": _band_of(value) if value is not None else "none"}


def _agencies(results: RoundResults) -> list[dict]:
    rows = []
    for a in results.agencies:
        room = findings.margin(results, a.n) if a.n else None
        row = {"name": a.name, "sector": SECTOR_LABELS.get(a.sector, a.sector), "sector_id": a.sector,
               "suppressed": a.suppressed, "n": a.n, "reason": a.reason_text, "small": small(a.n),
               "as_of": a.as_of, "margin": f"±{room:.0f}" if room is not None else "–"}
        if a.profile is not None:
            row.update(level=_level_range(results, a), readiness=score(a.profile.readiness_index),
                       scores=[score(a.profile.dimensions[d.id].score) for d in results.dimensions],
                       cells=[_cell(a.profile.dimensions[d.id].score) for d in results.dimensions],
                       conditions=[_cell(a.profile.conditions[c.id].score) for c in results.conditions],
                       nested=a.profile.nested)
        rows.append(row)
    return rows


def _roles_answer(results: RoundResults) -> str:
    """Do executives and policymakers see more collaboration than line staff? Their readiness indexes compared,
    with the interval of the difference that assumes the spread (see `findings.margin`)."""
    by_id = {g.id: g for g in results.role_levels}
    top, line = by_id.get("executive"), by_id.get("line_staff")
    if top is None or line is None or top.profile is None or line.profile is None:
        return ("The question cannot be answered from this round: executives and line staff are not both shown on "
                "their own.")
    a, b = top.profile.readiness_index, line.profile.readiness_index
    if a is None or b is None:
        return "The question cannot be answered: a readiness index is missing."
    low, high = assumed_spread_interval(a - b, (top.n, line.n), findings.spread(results))
    gap = f"{abs(a - b):.0f} point{'s' if round(abs(a - b)) != 1 else ''}"
    if low is not None and (low > 0 or high < 0):
        return (f"Yes, by more than chance would give: executives and policymakers score {gap} "
                f"{'higher' if a > b else 'lower'} on the readiness index than line staff (95% interval of the "
                f"difference {end(low)} to {end(high)}). Where they see more, ask line staff what is missing.")
    return (f"Not by more than chance would give: executives and policymakers and line staff are {gap} apart on the "
            f"readiness index (95% interval of the difference {end(low)} to {end(high)}).")


def _level_range(results: RoundResults, group) -> str:
    """A group's level, or the levels it may be at when its margin reaches across a cut: "Networking (emerging)
    to Coordination (emerging)" (the level at every score less its margin, and at every score plus it)."""
    room = findings.margin(results, group.n)
    if room is None:
        return group.profile.placed
    ids = [d.id for d in results.dimensions]
    scores = {d: group.profile.dimensions[d].score for d in ids}

    def at(shift: float) -> str:
        moved = {d: None if v is None else min(100.0, max(0.0, v + shift)) for d, v in scores.items()}
        placed = place(ids, moved)
        return placed_name(placed["level"], placed["qualifier"])
    low, high = at(-room), at(room)
    return group.profile.placed if low == high else f"{low} to {high}"


def _spread(results: RoundResults) -> dict:
    """How far apart the shown agencies are on each construct, against what chance alone gives for agencies of
    these sizes."""
    rows = [{"label": results.construct(c).label, "spread": score(a.spread), "chance": score(a.spread_by_chance),
             "flag": a.spread_flag} for c, a in results.agreement.items() if a.spread is not None]
    flagged = [r["label"] for r in rows if r["flag"]]
    if not rows:
        sentence = "Fewer than two agencies are shown on their own: there is no spread between agencies to judge."
    elif all(a.spread_by_chance is None for a in results.agreement.values()):
        sentence = ("The agencies shown hold too few scores to judge their spread against chance (it takes 10), so "
                    "no difference between them is a finding.")
    elif flagged:
        sentence = (f"Agencies differ by more than chance would give for groups of these sizes on {joined(flagged)}: "
                    "a jurisdiction-wide figure hides real differences there.")
    else:
        sentence = ("On every dimension and condition, the agencies differ by no more than chance alone would give "
                    "for groups of these sizes: a single agency's figure is not, on its own, a finding.")
    return {"rows": rows, "sentence": sentence, "by_label": {r["label"]: r for r in rows}}


def _groups(groups, results: RoundResults) -> list[dict]:
    return [{"label": g.label, "suppressed": g.suppressed, "n": g.n, "reason": g.reason_text, "small": small(g.n),
             "as_of": g.as_of, "level": None if g.profile is None else _level_range(results, g),
             "margin": f"±{findings.margin(results, g.n):.0f}" if g.n else "–",
             "scores": ([] if g.profile is None
                        else [score(g.profile.dimensions[d.id].score) for d in results.dimensions]),
             "cells": ([] if g.profile is None
                       else [_cell(g.profile.dimensions[d.id].score) for d in results.dimensions])}
            for g in groups]


def _roster(results: RoundResults, guidance: Guidance) -> dict:
    """The roster as the report shows it. Rows are the agencies shown on their own (only their ratings are
    published); columns are every agency they rate, hidden ones too (a shown agency's rating of a hidden one is
    its own raters' figure). The gaps and the ties to build are between shown agencies with reason to work
    together, ranked, the first few in the body with what their roles allow and the rest for the appendix; the
    network-wide shares and densities count every pair."""
    names = results.agency_names()
    agencies = results.shown_agencies()
    visible = {a.slug for a in agencies}
    rating = {(r.source, r.target): r for r in results.directed}
    network = results.network
    if network is None:
        return {"columns": [], "matrix": [], "hidden": False, "gaps": [], "gaps_more": [], "share": [],
                "density": [], "degree": [], "isolated": [], "isolated_hidden": [], "reciprocity": "–",
                "reciprocity_pairs": 0, "pairs": 0, "received": [], "connections": [], "connections_more": [],
                "pairs_rule": ""}
    rated = {r.target for r in results.directed}
    columns = [*agencies, *(a for a in results.agencies if a.slug not in visible and a.slug in rated)]

    def cell(a: str, b: str) -> dict:
        if a == b:
            return {"text": "—", "level": "self"}
        found = rating.get((a, b))
        if found is None:
            return {"text": "·", "level": "none"}
        return {"text": decimal(found.rating), "level": str(min(4, math.floor(found.rating)))}

    roles_table = guidance.roles
    sector_of = {a.slug: a.sector for a in results.agencies}

    def advised(practices, a: str, b: str) -> dict:
        said = roles.advice(results, roles_table, practices, a, b)
        return {"practice": said.practices[0] if said.practices else "", "why": said.why,
                "case_level": said.case_level}

    gaps = [{"a": names[p.a], "b": names[p.b], "a_rates": decimal(rating[(p.a, p.b)].rating),
             "b_rates": decimal(rating[(p.b, p.a)].rating),
             "gap": decimal(abs(float(decimal(rating[(p.a, p.b)].rating)) - float(decimal(rating[(p.b, p.a)].rating)))),
             **advised(guidance.perception_gaps, p.a, p.b)} for p in findings.visible_gaps(results, roles_table)]
    ties = [{"sentence": findings.connection_sentence(results, c, roles_table), **advised(guidance.weak_ties, c.a, c.b)}
            for c in findings.weak_ties(results, roles_table)]
    both_rated = sum(1 for p in results.pairs if p.gap is not None)  # pairs whose ratings of each other are both shown
    large = len(agencies) > MATRIX_MAX
    return {
        "large": large,
        "by_sector": _ratings_by_sector(results) if large else None,
        "columns": [{"name": a.name, "hidden": a.suppressed} for a in columns],
        "matrix": [{"name": a.name, "n": a.n, "small": small(a.n), "cells": [cell(a.slug, b.slug) for b in columns]}
                   for a in agencies],
        "hidden": any(a.suppressed for a in results.agencies),
        "gaps": gaps[:PAIRS_NAMED], "gaps_more": gaps[PAIRS_NAMED:PAIRS_NAMED + APPENDIX_PAIRS],
        "left_unlisted": max(0, len(gaps) - PAIRS_NAMED - APPENDIX_PAIRS)
        + max(0, len(ties) - PAIRS_NAMED - APPENDIX_PAIRS),
        "share": [(k.capitalize(), percent(v)) for k, v in network.share_at_level.items()],
        "density": [(k.capitalize(), percent(v)) for k, v in network.density.items()],
        "degree": sorted(((names[s], decimal(d)) for s, d in network.weighted_degree.items() if s in visible),
                         key=lambda row: row[0]),
        "isolated": [names[s] for s in network.isolated if s in visible],
        "isolated_hidden": [names[s] for s in network.isolated if s not in visible],
        "reciprocity": percent(network.reciprocity) if both_rated >= RECIPROCITY_MIN_PAIRS else "–",
        "reciprocity_pairs": both_rated,
        "pairs": network.agencies * (network.agencies - 1) // 2,
        "received": [{"name": names[s], "rating": decimal(r.rating), "raters": r.raters}
                     for s, r in sorted(network.received.items(), key=lambda kv: -(kv[1].rating or 0))
                     if s in visible],
        "connections": ties[:PAIRS_NAMED], "connections_more": ties[PAIRS_NAMED:PAIRS_NAMED + APPENDIX_PAIRS],
        "all_gaps": gaps, "all_connections": ties,
        "shown_pairs": sum(1 for p in results.pairs if p.a in visible and p.b in visible
                           and roles_table.related(sector_of[p.a], sector_of[p.b])),
        "pairs_rule": pairs_rule(roles_table),
    }


def _ratings_by_sector(results: RoundResults) -> dict:
    """The roster split by sector, for a jurisdiction too large for an agency-by-agency matrix: for each agency shown
    on its own (grouped by its sector), the mean of its published ratings of the agencies of each sector."""
    sector_of = {a.slug: a.sector for a in results.agencies}
    present = [s for s in SECTOR_LABELS if s in set(sector_of.values())]
    given: dict[tuple[str, str], list[float]] = {}
    for r in results.directed:
        given.setdefault((r.source, sector_of[r.target]), []).append(r.rating)
    rows = []
    for sector in present:
        for a in sorted((a for a in results.shown_agencies() if a.sector == sector), key=lambda a: a.name):
            cells = []
            for target in present:
                ratings = given.get((a.slug, target), [])
                mean = sum(ratings) / len(ratings) if ratings else None
                level = "none" if mean is None else str(min(4, math.floor(mean)))
                cells.append({"text": decimal(mean), "level": level})
            received = results.network.received[a.slug]
            rows.append({"name": a.name, "sector": SECTOR_LABELS[sector], "small": small(a.n), "cells": cells,
                         "received": f"{decimal(received.rating)} ({received.raters})"})
    return {"sectors": [SECTOR_LABELS[s] for s in present], "rows": rows}


def _item_row(item: Item, results: RoundResults) -> dict:
    return {"text": item.text, "short": item.short, "construct": results.construct(item.construct).label,
            "reverse": item.reverse, "n": item.n, "small": small(item.n) and not item.suppressed,
            "mean": decimal(item.mean, 2), "score": score(item.score),
            "distribution": (" / ".join(str(v) for v in item.distribution.values()) if item.distribution
                             else f"fewer than {results.min_group_size} answers"),
            "dont_know": percent(item.dont_know_share)}


# --- the comparison -----------------------------------------------------------------------------------------------

#: How many pairs a list of the comparison names before it says how many more there are.
NAMED_IN_A_LIST = 5


def capped(names: list[str]) -> str:
    """ "A and B; C and D" for a few pairs, "A and B; ... and 36 more" for many; "none" for none."""
    if not names:
        return "none"
    said = "; ".join(names[:NAMED_IN_A_LIST])
    more = len(names) - NAMED_IN_A_LIST
    return f"{len(names)}: {said}; and {more} more" if more > 0 else said

def _change(comparison: Comparison, results: RoundResults) -> dict:
    """The comparison with an earlier round, worded: every figure comes from `compare`."""
    def row(construct_id: str, f) -> dict:
        mostly_hidden = (f.change is not None and f.from_hidden is not None and abs(f.change) >= 1
                         and f.from_hidden * f.change > 0 and abs(f.from_hidden) >= abs(f.change) / 2)
        return {"label": results.construct(construct_id).label, "earlier": score(f.earlier), "later": score(f.later),
                "change": printed_change(f), "interval": change_span(f), "verdict": verdict(f),
                "items_changed": list(f.items_changed),
                "hidden": (f"the agencies not shown on their own moved it by {signed(f.from_hidden)}, the others by "
                           f"{signed(f.change - f.from_hidden)}" if mostly_hidden else "")}

    names = results.agency_names()

    def pair(p: PairMove) -> str:
        return f"{names.get(p.a, p.a)} and {names.get(p.b, p.b)}"

    moves = comparison.pairs
    overall = comparison.coverage.overall
    labels = {c.id: c.label for c in results.constructs}
    compared = len(comparison.dimensions) + len(comparison.conditions)
    return {
        "earlier": comparison.earlier.title,
        "resamples": comparison.resamples,
        "compared": compared,
        "chance": chance_of_one(compared),
        "agency_cells": sum(len(a.change) for a in comparison.agencies),
        "level_then": comparison.level_earlier.placed, "level_now": comparison.level_later.placed,
        "dimensions": [row(c, f) for c, f in comparison.dimensions.items()],
        "conditions": [row(c, f) for c, f in comparison.conditions.items()],
        "not_comparable": comparison.not_comparable,
        "agencies": [{"name": a.name, "n": f"{a.n_earlier} → {a.n_later}",
                      "small": small(a.n_earlier) or small(a.n_later),
                      "changes": [signed(c.change) for c in a.change.values()],
                      "any_real": any(c.holds for c in a.change.values()),
                      "cells": [{"text": signed(c.change), "interval": change_span(c), "real": c.holds}
                                for c in a.change.values()],
                      "then": a.earlier.placed, "now": a.later.placed} for a in comparison.agencies],
        "agencies_left_out": comparison.agencies_left_out,
        "new_ties": capped([pair(p) for p in moves.new_ties]), "lost_ties": capped([pair(p) for p in moves.lost_ties]),
        "level_up": len(moves.level_up), "level_down": len(moves.level_down),
        "gaps_opened": capped([pair(p) for p in moves.gaps_opened]),
        "gaps_closed": capped([pair(p) for p in moves.gaps_closed]),
        "density": [(level.capitalize(), percent(m.earlier), percent(m.later)) for level, m in moves.density.items()],
        "response_rate": f"{percent(overall.earlier)} then, {percent(overall.later)} now",
        "sector_rates": [{"sector": SECTOR_LABELS.get(r.key, r.key), "earlier": percent(r.rate.earlier),
                          "later": percent(r.rate.later)} for r in comparison.coverage.sectors],
        "trend": [{"title": r.title, "scores": [score(v) for v in r.dimensions.values()]} for r in comparison.trend],
        "commitments": [{"dimension": labels.get(c.dimension, c.dimension), "what": c.what, "owner": c.owner,
                         "due": c.due or "",
                         "movement": (f"{printed_change(c.movement)} ({verdict(c.movement)})" if c.movement
                                      else "not compared")}
                        for c in comparison.commitments],
    }
