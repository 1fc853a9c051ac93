"""The scoring model of DOMAIN.md as pure code: pandas frames and a questionnaire in, plain data out.

Imports neither Flask nor the database. `score_round` returns the typed `RoundResults` (results.py) that every
view, export and report reads; nothing downstream recomputes a figure. Confidentiality is a layer of it: the
disclosure plan (`disclosure.py`) decides which groups are published before any group figure is made.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import pandas as pd

from questionnaires.schema import Questionnaire

from ..vocabulary import RoleLevel, Sector
from . import disclosure, results
from .continuum import LEVELS, band, place
from .coverage import coverage
from .disclosure import Cell, Published
from .groups import agreement, hidden, jurisdiction, summarise
from .items import dont_know_by_construct, item_figures
from .languages import released_language_counts
from .network import roster_figures
from .reliability import RELIABILITY_MIN_N, cronbach_alpha, dimension_reliability
from .respondents import item_matrix, reverse_code, scores
from .results import Group, RoundResults
from .uncertainty import NONE, SEED, jurisdiction_intervals

__all__ = ["LEVELS", "RoundData", "RoundResults", "band", "cronbach_alpha", "place", "published_groups",
           "respondent_scores", "score_round"]


@dataclass(frozen=True)
class RoundData:
    """A round's submitted answers as frames: those of one release and every release before it.

    agencies:      slug, name, sector (every agency of the jurisdiction, in display order, as the release groups
                   them)
    respondents:   respondent, agency (slug), role_level, language (the one answered in), and, when the round
                   has had releases, release (the one the respondent joined the results in) and paper (came on a
                   paper form, imported)
    answers:       respondent, item, value (float; NaN for don't know), dont_know (bool)
    roster:        respondent, target (slug), value (float; NaN for don't know), dont_know (bool)
    participation: agency (slug), role_level, invited, started, submitted
    release:       the release these answers make (1 for the first)
    seed:          the seed of its random draws
    """

    questionnaire: Questionnaire
    agencies: pd.DataFrame
    respondents: pd.DataFrame
    answers: pd.DataFrame
    roster: pd.DataFrame
    participation: pd.DataFrame
    min_group_size: int = 3
    release: int = 1
    #: The seed of the round's random draws (bootstrap, permutations): the round's own secret one (see
    #: `models.Round.draws_seed`); the public default only for data built by hand.
    seed: int = SEED

    def joined(self) -> tuple[pd.Series, pd.Series]:
        """Respondent -> the release they joined in, and respondent -> came on paper."""
        index = pd.Index(self.respondents["respondent"])
        frame = self.respondents
        release = frame["release"].to_numpy() if "release" in frame else [self.release] * len(frame)
        paper = frame["paper"].to_numpy(dtype=bool) if "paper" in frame else [False] * len(frame)
        return pd.Series(release, index=index, dtype=int), pd.Series(paper, index=index, dtype=bool)


def respondent_scores(data: RoundData) -> pd.DataFrame:
    """Respondents x constructs, 0-100, NaN where fewer than two thirds of the construct's items are answered."""
    q = data.questionnaire
    ids = pd.Index(data.respondents["respondent"])
    return scores(q, reverse_code(q, item_matrix(q, ids, data.answers)))


def atoms(people: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Respondents counted per agency, role level, release and paper flag (the atoms of `disclosure`): all of
    them, and those with a score on each construct. `people`: agency, sector, role_level, release, paper, indexed
    like `table`."""
    keys = ["agency", "sector", "role_level", disclosure.RELEASE, disclosure.PAPER]
    defined = table.notna().astype(int)
    frame = pd.concat([people[keys], defined], axis=1).assign(respondents=1)
    counted = frame.groupby(keys, sort=True)[["respondents", *table.columns]].sum()
    return counted.reset_index()


def published_groups(results: RoundResults) -> set[Published]:
    """Every group a release's results show, as the figures it published: each group's cell, the release its
    figures are of, and the agencies it then held."""
    in_sector: dict[str, frozenset[str]] = {}
    for a in results.agencies:
        in_sector[a.sector] = in_sector.get(a.sector, frozenset()) | {a.slug}

    def of(group: Group, cell: Cell, agencies=None) -> list[Published]:
        return [] if group.suppressed else [Published(cell, group.as_of or results.release, agencies)]

    out = of(results.jurisdiction, Cell(disclosure.JURISDICTION))
    for a in results.agencies:
        out += of(a, Cell(disclosure.AGENCY, (a.slug,)), frozenset({a.slug}))
    for s in results.sectors:
        out += of(s, Cell(disclosure.SECTOR, (s.id,)), in_sector.get(s.id, frozenset()))
    for r in results.role_levels:
        out += of(r, Cell(disclosure.ROLE_LEVEL, (r.id,)))
    for c in results.sector_roles:
        out += of(c, Cell(disclosure.SECTOR_ROLE, (c.sector, c.role_level)), in_sector.get(c.sector, frozenset()))
    return set(out)


def score_round(data: RoundData, history: Sequence[RoundResults] = (), breakdown: bool = True) -> RoundResults:
    """Every figure of a release of a round, through the confidentiality layer: the disclosure plan decides which
    groups are shown, planned against every group each earlier release (`history`, in order) published, and
    nothing else of a hidden group leaves this function but its count. Without `breakdown` (an open round's
    release) only the jurisdiction's own figures move: groups and roster ratings keep what earlier releases
    published, or wait for the close."""
    q = data.questionnaire
    ids = pd.Index(data.respondents["respondent"])
    answers = data.answers.assign(item=pd.Categorical(data.answers["item"]))  # item ids factorised once for all
    coded = reverse_code(q, item_matrix(q, ids, answers))
    table = scores(q, coded)
    sector_of = dict(zip(data.agencies["slug"], data.agencies["sector"]))
    joined, paper = data.joined()
    people = pd.DataFrame({"agency": data.respondents["agency"].to_numpy(),
                           "role_level": data.respondents["role_level"].to_numpy(),
                           disclosure.RELEASE: joined.to_numpy(), disclosure.PAPER: paper.to_numpy()}, index=ids)
    people["sector"] = people["agency"].map(sector_of)
    size = data.min_group_size
    earlier = history[-1] if history else None
    before = earlier.release if earlier else 0
    def every() -> list[Published]:
        return sorted({p for r in history for p in published_groups(r)},
                      key=lambda p: (p.version, p.cell.cut, p.cell.key))

    counted = atoms(people, table)
    plan = disclosure.plan(counted, size, every(), data.release, breakdown)
    # Figures that are not sums (SDs, intervals) are published at the close, and again only once 20 more have joined
    last_spread = max((r.release for r in history if r.jurisdiction.profile is not None
                       and r.jurisdiction.profile.has_spread), default=None)
    last_intervals = max((r.release for r in history if any(i.low is not None for i in
                                                            r.jurisdiction.intervals.values())), default=None)
    spread = breakdown and disclosure.spread_moves(counted, size, last_spread)
    resampled = breakdown and disclosure.spread_moves(counted, size, last_intervals, first=1)
    moving, shown_agencies = plan.moving_keys(disclosure.AGENCY), plan.shown_keys(disclosure.AGENCY)
    present_sectors = [s for s in Sector if s.value in set(data.agencies["sector"])]

    def earlier_of(groups: str, key_of):
        found = {key_of(g): g for g in getattr(earlier, groups)} if earlier else {}
        return found.get

    def cut(keys: pd.Series, cell_of, groups: str, key_of) -> dict:
        return summarise(q, table, keys, plan, size == 1, cell_of, earlier_of(groups, key_of), before)

    def group(found: dict, key, cell: Cell) -> dict:
        return found.get(key) or hidden(plan, cell)

    by_agency = cut(people["agency"], lambda a: Cell(disclosure.AGENCY, (a,)), "agencies", lambda g: g.slug)
    by_sector = cut(people["sector"], lambda s: Cell(disclosure.SECTOR, (s,)), "sectors", lambda g: g.id)
    by_role = cut(people["role_level"], lambda r: Cell(disclosure.ROLE_LEVEL, (r,)), "role_levels", lambda g: g.id)
    by_cell = cut(people["sector"] + "/" + people["role_level"],
                  lambda key: Cell(disclosure.SECTOR_ROLE, tuple(key.split("/"))), "sector_roles",
                  lambda g: f"{g.sector}/{g.role_level}")
    agencies = tuple(results.Agency(slug=a.slug, name=a.name, sector=a.sector,
                                    **group(by_agency, a.slug, Cell(disclosure.AGENCY, (a.slug,))))
                     for a in data.agencies.itertuples(index=False))
    whole_cell = Cell(disclosure.JURISDICTION)
    shown = plan.shown(whole_cell)
    languages, languages_as_of = (), None
    if shown:
        items = item_figures(q, answers, size, joined, paper, earlier.items if earlier else (), before)
        if resampled:
            intervals, readiness, levels = jurisdiction_intervals(table, people["agency"], moving,
                                                                  [d.id for d in q.dimensions], seed=data.seed)
        else:
            intervals, readiness, levels = {c: NONE for c in table.columns}, NONE, {}
        whole = results.Jurisdiction(**jurisdiction(q, table, people["agency"], moving, spread),
                                     dont_know=dont_know_by_construct(q, answers), intervals=intervals,
                                     readiness_interval=readiness, level_shares=levels)
        rater_agency = pd.Series(data.respondents["agency"].to_numpy(), index=data.respondents["respondent"])
        roster = roster_figures(data.roster, rater_agency, [a.slug for a in agencies], shown_agencies, size,
                                joined, paper, earlier.directed if earlier else (), before, moving=breakdown)
        # Like SDs, reliability is made of sums of squares and products: it moves by RELIABILITY_MIN_N at least
        reliability = {c.id: dimension_reliability(coded[[i.id for i in q.scored_items(c.id)]],
                                                   max(size, RELIABILITY_MIN_N),
                                                   joined=joined, paper=paper,
                                                   earlier=earlier.reliability.get(c.id) if earlier else None,
                                                   earlier_release=before, may_move=breakdown)
                       for c in q.dimensions + q.conditions}
        version = (earlier.languages_as_of or before) if earlier else 0
        counted = released_language_counts(
            pd.DataFrame({"language": data.respondents["language"].to_numpy(), "release": joined.to_numpy(),
                          "paper": paper.to_numpy()}), size, earlier.languages if earlier else (), version)
        if counted is None:
            languages, languages_as_of = earlier.languages, version
        else:
            languages = counted
    else:
        items, whole, roster, reliability = [], results.Jurisdiction(**hidden(plan, whole_cell)), None, {}
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
        agreement=agreement(table, people["agency"], moving, whole.profile, data.seed, resampled) if shown else {},
        reliability=reliability,
        coverage=coverage(data.agencies, data.participation, size),
        items=tuple(items),
        languages=languages,
        release=data.release,
        languages_as_of=languages_as_of,
    )
