"""The scoring model of DOMAIN.md as pure code: pandas frames and a questionnaire in, plain data out.

Imports neither Flask nor the database. `score_round` returns one JSON-ready dict that every view, export and
report reads; nothing downstream recomputes a figure.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from questionnaires.schema import Questionnaire

from ..vocabulary import RoleLevel, Sector
from .continuum import LEVELS, band, place
from .coverage import coverage
from .groups import jurisdiction, spread, summarise
from .items import dont_know_by_construct, item_figures
from .network import roster_figures
from .reliability import cronbach_alpha, dimension_reliability
from .respondents import item_matrix, reverse_code, scores

__all__ = ["LEVELS", "RoundData", "band", "cronbach_alpha", "place", "respondent_scores", "score_round"]


@dataclass(frozen=True)
class RoundData:
    """A round's submitted answers as frames.

    agencies:      slug, name, sector (every agency of the jurisdiction, in display order)
    respondents:   respondent, agency (slug), role_level
    answers:       respondent, item, value (float; NaN for don't know), dont_know (bool)
    roster:        respondent, target (slug), value (float; NaN for don't know), dont_know (bool)
    participation: agency (slug), role_level, invited, started, submitted
    """

    questionnaire: Questionnaire
    agencies: pd.DataFrame
    respondents: pd.DataFrame
    answers: pd.DataFrame
    roster: pd.DataFrame
    participation: pd.DataFrame
    min_group_size: int = 3


def respondent_scores(data: RoundData) -> pd.DataFrame:
    """Respondents x constructs, 0-100, NaN where fewer than two thirds of the construct's items are answered."""
    q = data.questionnaire
    ids = pd.Index(data.respondents["respondent"])
    return scores(q, reverse_code(q, item_matrix(q, ids, data.answers)))


def score_round(data: RoundData) -> dict:
    q = data.questionnaire
    ids = pd.Index(data.respondents["respondent"])
    coded = reverse_code(q, item_matrix(q, ids, data.answers))
    table = scores(q, coded)
    agency = pd.Series(data.respondents["agency"].to_numpy(), index=ids)
    sector = agency.map(dict(zip(data.agencies["slug"], data.agencies["sector"])))
    role = pd.Series(data.respondents["role_level"].to_numpy(), index=ids)
    size = data.min_group_size

    by_agency = summarise(q, table, agency, size)
    by_sector = summarise(q, table, sector, size)
    by_role = summarise(q, table, role, size)
    hidden = {"n": None, "suppressed": True}
    agencies = [{"slug": a.slug, "name": a.name, "sector": a.sector, **by_agency.get(a.slug, hidden)}
                for a in data.agencies.itertuples(index=False)]
    suppressed = {a["slug"] for a in agencies if a["suppressed"]}
    shown = {a["slug"] for a in agencies if not a["suppressed"]}
    present_sectors = [s for s in Sector if s.value in set(data.agencies["sector"])]

    whole = jurisdiction(q, table, agency)
    items = item_figures(q, data.answers)
    whole["dont_know"] = dont_know_by_construct(q, items)
    spreads = spread(table, agency, shown)
    constructs = [c.id for c in q.dimensions + q.conditions]
    figures_of = {**whole["dimensions"], **whole["conditions"]}

    return {
        "min_group_size": size,
        "constructs": [{"id": c.id, "kind": c.kind, "label": c.label, "description": c.description,
                        "practices": list(c.practices)} for c in q.dimensions + q.conditions],
        "jurisdiction": whole,
        "agencies": agencies,
        "sectors": [{"id": s.value, "label": s.label, **by_sector.get(s.value, hidden)} for s in present_sectors],
        "role_levels": [{"id": r.value, "label": r.label, **by_role.get(r.value, hidden)} for r in RoleLevel],
        **_roster(data, agencies, suppressed),
        "agreement": {c: {"sd": figures_of[c]["sd"], **spreads[c]} for c in constructs},
        "reliability": {c: dimension_reliability(coded[[i.id for i in q.scored_items(c)]]) for c in constructs},
        "coverage": coverage(data.agencies, data.participation, size),
        "items": items,
    }


def _roster(data: RoundData, agencies: list[dict], suppressed: set[str]) -> dict:
    rater_agency = pd.Series(data.respondents["agency"].to_numpy(), index=data.respondents["respondent"])
    figures = roster_figures(data.roster, rater_agency, [a["slug"] for a in agencies], suppressed)
    return {"pairs": {"directed": figures["directed"], "symmetric": figures["symmetric"]},
            "network": figures["network"]}
