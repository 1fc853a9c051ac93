"""The scoring model of DOMAIN.md as pure code: pandas frames and a questionnaire in, plain data out.

Imports neither Flask nor the database. `score_round` returns the typed `RoundResults` (results.py) that every
view, export and report reads; nothing downstream recomputes a figure. Confidentiality is a layer of it: the
disclosure plan (`disclosure.py`) decides which groups are published before any group figure is made.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from questionnaires.schema import Questionnaire

from ..vocabulary import RoleLevel, Sector
from . import disclosure, results
from .continuum import LEVELS, band, place
from .coverage import coverage
from .disclosure import Cell
from .groups import agreement, hidden, jurisdiction, summarise
from .items import dont_know_by_construct, item_figures
from .languages import language_counts
from .network import roster_figures
from .reliability import cronbach_alpha, dimension_reliability
from .respondents import item_matrix, reverse_code, scores
from .results import RoundResults
from .uncertainty import jurisdiction_intervals

__all__ = ["LEVELS", "RoundData", "RoundResults", "band", "cronbach_alpha", "place", "respondent_scores",
           "score_round"]


@dataclass(frozen=True)
class RoundData:
    """A round's submitted answers as frames.

    agencies:      slug, name, sector (every agency of the jurisdiction, in display order)
    respondents:   respondent, agency (slug), role_level, language (the one answered in)
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


def atoms(people: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Respondents counted per agency and role level (the atoms of `disclosure`): all of them, and those with a
    score on each construct. `people`: agency, sector, role_level, indexed like `table`."""
    defined = table.notna().astype(int)
    frame = pd.concat([people[["agency", "sector", "role_level"]], defined], axis=1).assign(respondents=1)
    counted = frame.groupby(["agency", "sector", "role_level"], sort=True)[["respondents", *table.columns]].sum()
    return counted.reset_index()


def score_round(data: RoundData) -> RoundResults:
    """Every figure of a round, through the confidentiality layer: the disclosure plan decides which groups are
    shown, and nothing else of a hidden group leaves this function but its count."""
    q = data.questionnaire
    ids = pd.Index(data.respondents["respondent"])
    coded = reverse_code(q, item_matrix(q, ids, data.answers))
    table = scores(q, coded)
    sector_of = dict(zip(data.agencies["slug"], data.agencies["sector"]))
    people = pd.DataFrame({"agency": data.respondents["agency"].to_numpy(),
                           "role_level": data.respondents["role_level"].to_numpy()}, index=ids)
    people["sector"] = people["agency"].map(sector_of)
    size = data.min_group_size
    plan = disclosure.plan(atoms(people, table), size)
    shown_agencies = plan.shown_keys(disclosure.AGENCY)
    present_sectors = [s for s in Sector if s.value in set(data.agencies["sector"])]

    def cut(keys: pd.Series, cell_of) -> dict:
        return summarise(q, table, keys, plan, cell_of)

    def group(found: dict, key, cell: Cell) -> dict:
        return found.get(key) or hidden(plan, cell)

    by_agency = cut(people["agency"], lambda a: Cell(disclosure.AGENCY, (a,)))
    by_sector = cut(people["sector"], lambda s: Cell(disclosure.SECTOR, (s,)))
    by_role = cut(people["role_level"], lambda r: Cell(disclosure.ROLE_LEVEL, (r,)))
    by_cell = cut(people["sector"] + "/" + people["role_level"],
                  lambda key: Cell(disclosure.SECTOR_ROLE, tuple(key.split("/"))))
    agencies = tuple(results.Agency(slug=a.slug, name=a.name, sector=a.sector,
                                    **group(by_agency, a.slug, Cell(disclosure.AGENCY, (a.slug,))))
                     for a in data.agencies.itertuples(index=False))
    whole_cell = Cell(disclosure.JURISDICTION)
    published = plan.shown(whole_cell)
    if published:
        items = item_figures(q, data.answers, size)
        intervals, readiness = jurisdiction_intervals(table, people["agency"], shown_agencies,
                                                      [d.id for d in q.dimensions])
        whole = results.Jurisdiction(**jurisdiction(q, table, people["agency"], shown_agencies),
                                     dont_know=dont_know_by_construct(q, items), intervals=intervals,
                                     readiness_interval=readiness)
        rater_agency = pd.Series(data.respondents["agency"].to_numpy(), index=data.respondents["respondent"])
        roster = roster_figures(data.roster, rater_agency, [a.slug for a in agencies], shown_agencies, size)
    else:
        items, whole, roster = [], results.Jurisdiction(**hidden(plan, whole_cell)), None
    return RoundResults(
        min_group_size=size,
        constructs=q.dimensions + q.conditions,
        jurisdiction=whole,
        agencies=agencies,
        sectors=tuple(results.Sector(id=s.value, label=s.label,
                                     **group(by_sector, s.value, Cell(disclosure.SECTOR, (s.value,))))
                      for s in present_sectors),
        role_levels=tuple(results.RoleLevel(id=r.value, label=r.label,
                                            **group(by_role, r.value, Cell(disclosure.ROLE_LEVEL, (r.value,))))
                          for r in RoleLevel),
        sector_roles=tuple(results.Cell(sector=s.value, role_level=r.value, label=f"{s.label}, {r.label.lower()}",
                                        **group(by_cell, f"{s.value}/{r.value}",
                                                Cell(disclosure.SECTOR_ROLE, (s.value, r.value))))
                           for s in present_sectors for r in RoleLevel),
        directed=roster.directed if roster else (),
        pairs=roster.pairs if roster else (),
        network=roster.network if roster else None,
        agreement=agreement(table, people["agency"], shown_agencies, whole.profile) if published else {},
        reliability=({c.id: dimension_reliability(coded[[i.id for i in q.scored_items(c.id)]], size)
                      for c in q.dimensions + q.conditions} if published else {}),
        coverage=coverage(data.agencies, data.participation, size),
        items=tuple(items),
        languages=language_counts(data.respondents["language"], size) if published else (),
    )
