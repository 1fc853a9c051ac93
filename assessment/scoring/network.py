"""The relationship roster: directed ratings, pair levels, perception gaps and network figures."""
from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import pandas as pd

from .continuum import LEVELS
from .disclosure import moves
from .numbers import exact, number
from .results import Connection, DirectedRating, Network, Pair, Received

PAIR_LEVELS = ("no contact",) + LEVELS
GAP_FROM = 1.0
#: A tie at networking or above; a broker is tied to both agencies at coordination or above.
TIE_FROM, BROKER_FROM = 1.0, 2.0


class Roster(NamedTuple):
    directed: tuple[DirectedRating, ...]
    pairs: tuple[Pair, ...]
    network: Network


def roster_figures(roster: pd.DataFrame, rater_agency: pd.Series, agencies: list[str], shown: set[str],
                   min_group_size: int, joined: pd.Series | None = None, paper: pd.Series | None = None,
                   earlier: tuple[DirectedRating, ...] = (), earlier_release: int = 0, moving: bool = True) -> Roster:
    """`roster`: respondent, target, value (NaN for don't know). `rater_agency`: respondent -> agency slug.

    R(i->j) is the mean of agency i's respondents' ratings of j. It is published only when agency i is shown and
    at least `min_group_size` of its respondents rated j (and as many who did not answer on paper). Over releases
    (`joined`, `paper`: respondent -> the release they joined in, came on paper; `earlier`: the ratings the
    release before published, release `earlier_release`), a rating published before moves only when at least k
    ratings have joined it since, and otherwise keeps its earlier value (as every rating does without `moving`, in
    an open round's release). Other ratings are never shown and never
    enter a pair level (a pair mean with one side shown would give the other away), so such a pair rests on the
    other side's rating alone. Levels, gaps and densities are decided on exact values (a gap of exactly 1 is a
    gap).
    """
    import networkx as nx  # here: slow to import, and only these figures need it

    rated = roster.dropna(subset=["value"]).assign(source=lambda f: f["respondent"].map(rater_agency))
    rated = rated[rated["source"].isin(agencies) & rated["target"].isin(agencies)
                  & (rated["source"] != rated["target"])]
    rated = rated.assign(
        paper=rated["respondent"].map(paper).astype(bool) if paper is not None else False,
        joined=rated["respondent"].map(joined) if joined is not None else 1)
    before = {(d.source, d.target): d for d in earlier}
    version = pd.Series({pair: (d.as_of or earlier_release) for pair, d in before.items()}, dtype=float)
    pair_version = (pd.MultiIndex.from_frame(rated[["source", "target"]]).map(version.get)
                    if len(version) else pd.Index([None] * len(rated)))
    rated["then"] = rated["joined"].to_numpy() <= pd.Series(pair_version, index=rated.index).astype(float)
    tally = rated.assign(real=~rated["paper"], then_real=rated["then"] & ~rated["paper"]).groupby(
        ["source", "target"]).agg(mean=("value", "mean"), n=("value", "size"), real=("real", "sum"),
                                  then=("then", "sum"), then_real=("then_real", "sum"))
    directed: dict[tuple[str, str], tuple[float, int, int | None]] = {}
    for (s, t), row in tally.iterrows():
        if s not in shown:
            continue
        last = before.get((s, t))
        then = ([int(row["then"])], [int(row["then_real"])]) if last is not None else None
        if moving and moves([int(row["n"])], [int(row["real"])], then, min_group_size):
            directed[(s, t)] = (float(row["mean"]), int(row["n"]), None)
        elif last is not None:
            directed[(s, t)] = (last.rating, last.n, last.as_of or earlier_release)

    pairs = []
    for a, b in itertools.combinations(sorted(agencies), 2):
        ab, ba = directed.get((a, b)), directed.get((b, a))
        sides = [x[0] for x in (ab, ba) if x is not None]
        level = exact(sum(sides) / len(sides)) if sides else None
        gap = exact(ab[0] - ba[0]) if ab is not None and ba is not None else None
        pairs.append(Pair(a=a, b=b, level=level,
                          level_name=PAIR_LEVELS[int(math.floor(level))] if level is not None else None,
                          gap=gap, perception_gap=bool(gap is not None and abs(gap) >= GAP_FROM),
                          one_sided=len(sides) == 1))

    n = len(agencies)
    possible = n * (n - 1) / 2
    levels = [p.level for p in pairs if p.level is not None]
    share = {"unrated": (len(pairs) - len(levels)) / possible if possible else None}
    for k, name in enumerate(PAIR_LEVELS):
        share[name] = sum(1 for s in levels if math.floor(s) == k) / possible if possible else None
    density = {LEVELS[k - 1]: (sum(1 for s in levels if s >= k) / possible if possible else None) for k in range(1, 5)}

    graph = nx.Graph()
    graph.add_nodes_from(agencies)
    graph.add_weighted_edges_from((p.a, p.b, p.level) for p in pairs if p.level is not None)
    ties = nx.Graph()
    ties.add_nodes_from(agencies)
    ties.add_edges_from((p.a, p.b) for p in pairs if p.level is not None and p.level >= 1)

    both_rated = nx.DiGraph()
    both_rated.add_edges_from((s, t) for (s, t), (r, _, _) in directed.items()
                              if exact(r) >= 1 and (t, s) in directed)
    reciprocity = nx.overall_reciprocity(both_rated) if both_rated.number_of_edges() else None

    return Roster(
        directed=tuple(DirectedRating(s, t, r, c, v) for (s, t), (r, c, v) in sorted(directed.items())),
        pairs=tuple(pairs),
        network=Network(agencies=n, density=density, share_at_level=share,
                        weighted_degree={a: number(d) for a, d in graph.degree(weight="weight")},
                        isolated=tuple(sorted(nx.isolates(ties))), reciprocity=number(reciprocity),
                        received=_received(directed, agencies), connections=_connections(pairs, shown)))


def _received(directed: dict[tuple[str, str], tuple], agencies: list[str]) -> dict[str, Received]:
    """Each agency's score received: the mean of the published ratings others give it (each a shown agency's)."""
    given: dict[str, list[float]] = {a: [] for a in agencies}
    for (_source, target), (rating, *_rest) in directed.items():
        given[target].append(rating)
    return {a: Received(rating=number(sum(r) / len(r)) if r else None, raters=len(r)) for a, r in given.items()}


def _connections(pairs: list[Pair], shown: set[str]) -> tuple[Connection, ...]:
    """Pairs of shown agencies below networking (or unrated), weakest first, each with the shown agencies tied to
    both at coordination or above (decided on exact values)."""
    level = {(p.a, p.b): p.level for p in pairs}

    def tie(x: str, y: str) -> float:
        found = level.get((x, y), level.get((y, x)))
        return -1.0 if found is None else found

    weak = [p for p in pairs if p.a in shown and p.b in shown and tie(p.a, p.b) < TIE_FROM]
    out = [Connection(a=p.a, b=p.b, level=p.level,
                      brokers=tuple(sorted(c for c in shown - {p.a, p.b}
                                           if tie(p.a, c) >= BROKER_FROM and tie(p.b, c) >= BROKER_FROM)))
           for p in weak]
    return tuple(sorted(out, key=lambda c: (tie(c.a, c.b), c.a, c.b)))
