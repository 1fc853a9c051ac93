"""A disclosure auditor: an attacker with every published figure and a spreadsheet, written as linear algebra.

Every published mean with its n is the sum of its group's hidden per-respondent scores (and a standard deviation
with it the sum of their squares, over the same group: the same equations over the squares); an agency-weighted
mean is a sum with weights 1 / (K n_i). The auditor writes each published figure as an equation over the
respondents (one set of unknowns per construct: the respondents who have a score on it) and asks, for every group
of fewer than k respondents (each respondent alone, each agency, sector, role level, agency x role level and
sector x role level cell, and each union of two small agency x role level cells), whether the group's indicator
vector lies in the row space of the equations. If it does, some combination of published figures gives that
small group's sum.

It reads a round more than once, as a reader who looks again does: `read` takes one look at the published results
(the scores JSON) and adds its equations to all the earlier ones, so the union of every release is what is
audited. People are listed in the order they submitted, which live coverage tells anyone who watches it; a look
that holds N responses (`snapshot.responses`) holds the first N. A group shown with fewer respondents than it has
in that look is shown as published earlier: the auditor finds the earlier look with that count. Sectors are read
from each look's agencies, so a regrouping between looks writes the new grouping's equations beside the old.

An insider knows some answers already (paper forms they imported, responses they made up): `known` people's
values are givens, so a small group is exposed when its indicator lies in the row space together with the known
people's unit vectors.

It knows the truth (who belongs where), as an insider attacker would, and nothing of how Continuum decides what
to hide: the figures it reads come from the outputs themselves (the scores JSON, exports, console pages, the
report's content), gathered by `read` and the `collect_*` functions below. `small_round_solutions` attacks the
figures that are not linear (interval ends, SDs) by enumeration on small rounds; `tests/raw_file_attack.py`
attacks the raw export with an integer program.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable, Optional

import numpy as np

TOLERANCE = 1e-7


@dataclass(frozen=True)
class Person:
    id: int
    agency: str
    sector: str
    role: str
    scored: frozenset[str]  # the constructs this respondent has a score on


@dataclass
class Exposure:
    construct: str
    group: str
    size: int

    def __str__(self) -> str:
        return f"{self.group} ({self.size} respondent(s)) on {self.construct}"


@dataclass
class Auditor:
    people: list[Person]  # in the order they submitted
    constructs: list[str]
    k: int
    known: set[int] = field(default_factory=set)  # ids of people whose answers the attacker already has
    rows: dict[str, list[dict[int, float]]] = field(default_factory=dict)  # each: person position -> weight
    notes: list[str] = field(default_factory=list)
    #: the look being read: how many of `people` it holds, and each agency's sector in it
    prefix: Optional[int] = None
    sector_of: dict[str, str] = field(default_factory=dict)
    sectors_seen: list[dict[str, str]] = field(default_factory=list)
    #: every shown group's figures as read: (construct, positions of its people with a score, mean, SD or None)
    moments: list[tuple[str, tuple[int, ...], float, Optional[float]]] = field(default_factory=list)
    #: how many people each look's jurisdiction held
    prefixes: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.index = {p.id: n for n, p in enumerate(self.people)}

    # --- what a published figure tells -------------------------------------------------------------------------

    def published(self, upto: Optional[int] = None) -> list[Person]:
        limit = self.prefix if upto is None else upto
        return self.people if limit is None else self.people[:limit]

    def sector(self, p: Person) -> str:
        return self.sector_of.get(p.agency, p.sector)

    def members(self, agency=None, sector=None, role=None, upto: Optional[int] = None) -> list[Person]:
        return [p for p in self.published(upto) if (agency is None or p.agency == agency)
                and (sector is None or self.sector(p) == sector) and (role is None or p.role == role)]

    def as_published(self, n: int, agency=None, sector=None, role=None) -> list[Person]:
        """The group's members in the look, or, when the figure holds fewer (it is shown as published earlier),
        in the latest earlier prefix that held exactly `n` of them."""
        now = self.members(agency, sector, role)
        if len(now) == n or self.prefix is None:
            return now
        for upto in range(len(self.published()), -1, -1):
            earlier = self.members(agency, sector, role, upto=upto)
            if len(earlier) == n:
                return earlier
        raise AssertionError(f"no earlier look holds {n} of {agency or sector or role}")

    def mean(self, people: list[Person], constructs=None, source: str = "", figures: Optional[dict] = None) -> None:
        """A mean with its n, on each construct: the sum of the group's scores. `figures` (construct -> the
        published figures, with the mean and SD) are kept for the attack on the grid (`grid_exposures`)."""
        for construct in constructs or self.constructs:
            row = {self.index[p.id]: 1.0 for p in people if construct in p.scored}
            if row:
                self.rows.setdefault(construct, []).append(row)
                f = (figures or {}).get(construct)
                if f is not None and f.get("respondent_weighted") is not None:
                    self.moments.append((construct, tuple(sorted(row)), f["respondent_weighted"], f.get("sd")))
        if source:
            self.notes.append(source)

    def weighted(self, construct: str, weights: dict[int, float]) -> None:
        self.rows.setdefault(construct, []).append({self.index[p]: w for p, w in weights.items()})

    def agency_weighted(self, current: set[str]) -> None:
        """The jurisdiction's agency-weighted score as Continuum documents it: each agency shown with this look's
        respondents counts once, and the others together at their pooled mean, weighing as many agencies as they
        are (every agency with a respondent in the look, whether or not it has a score on the construct)."""
        everyone = self.published()
        agencies = sorted({p.agency for p in everyone})
        pooled = [a for a in agencies if a not in current]
        for construct in self.constructs:
            scored = [p for p in everyone if construct in p.scored]
            weights = {}
            shown_with_score = [a for a in agencies if a in current and any(p.agency == a for p in scored)]
            pool = [p for p in scored if p.agency in pooled]
            total = len(shown_with_score) + (len(pooled) if pool else 0)
            for agency in shown_with_score:
                mine = [p for p in scored if p.agency == agency]
                weights.update({p.id: 1 / (total * len(mine)) for p in mine})
            weights.update({p.id: len(pooled) / (total * len(pool)) for p in pool})
            if weights:
                self.weighted(construct, weights)

    # --- reading a look at the round -----------------------------------------------------------------------------

    def read(self, results: dict, source: str = "scores") -> None:
        """One look at the scores JSON (API, `flask scores`): its figures join every earlier look's."""
        snapshot = results.get("snapshot") or {}
        self.prefix = snapshot.get("responses") if snapshot else None
        self.sector_of = {a["slug"]: a["sector"] for a in results["agencies"]}
        if self.sector_of not in self.sectors_seen:
            self.sectors_seen.append(dict(self.sector_of))
        j = results["jurisdiction"]
        if shown(j):
            self.prefixes.append(len(self.published()))
            self.mean(self.published(), source=f"{source}: jurisdiction (respondent-weighted)", figures=figures(j))
            self.agency_weighted({a["slug"] for a in results["agencies"] if shown(a) and not a.get("as_of")})
        for a in results["agencies"]:
            if shown(a):
                self.mean(self.as_published(a["n"], agency=a["slug"]), source=f"{source}: agency {a['slug']}",
                          figures=figures(a))
        for s in results["sectors"]:
            if shown(s):
                self.mean(self.as_published(s["n"], sector=s["id"]), source=f"{source}: sector {s['id']}",
                          figures=figures(s))
        for r in results["role_levels"]:
            if shown(r):
                self.mean(self.as_published(r["n"], role=r["id"]), source=f"{source}: role level {r['id']}",
                          figures=figures(r))
        for c in results.get("sector_roles", []):
            if shown(c):
                self.mean(self.as_published(c["n"], sector=c["sector"], role=c["role_level"]),
                          source=f"{source}: {c['sector']} x {c['role_level']}", figures=figures(c))

    # --- the attack ----------------------------------------------------------------------------------------------

    def small_groups(self) -> dict[str, list[Person]]:
        groups = {f"respondent {p.id}": [p] for p in self.people}
        groupings = self.sectors_seen or [{}]
        for p in self.people:
            every = self.people
            groups.setdefault(f"agency {p.agency}", [q for q in every if q.agency == p.agency])
            groups.setdefault(f"role level {p.role}", [q for q in every if q.role == p.role])
            groups.setdefault(f"{p.agency} x {p.role}", [q for q in every if q.agency == p.agency and q.role == p.role])
            for grouping in groupings:
                sector = grouping.get(p.agency, p.sector)
                in_sector = [q for q in every if grouping.get(q.agency, q.sector) == sector]
                groups.setdefault(f"sector {sector}", in_sector)
                groups.setdefault(f"{sector} x {p.role}", [q for q in in_sector if q.role == p.role])
        cells = {name: g for name, g in groups.items() if " x " in name and name.split(" x ")[0] in
                 {p.agency for p in self.people}}
        for (a, left), (b, right) in itertools.combinations(cells.items(), 2):
            if len(left) + len(right) < self.k:
                groups[f"{a} + {b}"] = left + right
        return groups

    def exposures(self) -> list[Exposure]:
        found = []
        groups = self.small_groups()
        for construct in self.constructs:
            rows = list(self.rows.get(construct, []))
            if not rows:
                continue
            rows += [{self.index[person_id]: 1.0} for person_id in self.known]  # what the insider knows already
            matrix = np.zeros((len(rows), len(self.people)))
            for n, row in enumerate(rows):
                for position, weight in row.items():
                    matrix[n, position] = weight
            for name, group in groups.items():
                scored = [p for p in group if construct in p.scored and p.id not in self.known]
                if not 0 < len(scored) < self.k:
                    continue
                target = np.zeros(len(self.people))
                for p in scored:
                    target[self.index[p.id]] = 1.0
                solution = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
                if np.abs(matrix.T @ solution - target).max() < TOLERANCE:
                    found.append(Exposure(construct, name, len(scored)))
        return found


    def spread_exposures(self, at_least: int) -> list[Exposure]:
        """The linear attack on the sums of squares that the SDs read give: no group of fewer than `at_least`
        people (each agency, sector, role level and cell, and each step between two looks) may be a combination
        of the groups read with their SD."""
        found = []
        groups = {f"agency {a}": [p for p in self.people if p.agency == a] for a in {p.agency for p in self.people}}
        groups.update({f"role level {r}": [p for p in self.people if p.role == r]
                       for r in {p.role for p in self.people}})
        for grouping in self.sectors_seen or [{}]:
            for sector in {grouping.get(p.agency, p.sector) for p in self.people}:
                groups[f"sector {sector}"] = [p for p in self.people if grouping.get(p.agency, p.sector) == sector]
        sizes = sorted(set(self.prefixes))
        for first, second in zip([0] + sizes, sizes):
            groups[f"the step from {first} to {second}"] = self.people[first:second]
        for construct in self.constructs:
            rows = [positions for c, positions, _, sd in self.moments if c == construct and sd is not None]
            if not rows:
                continue
            matrix = np.zeros((len(rows), len(self.people)))
            for n, positions in enumerate(rows):
                matrix[n, list(positions)] = 1.0
            for name, group in groups.items():
                scored = [p for p in group if construct in p.scored and p.id not in self.known]
                if not 0 < len(scored) < at_least:
                    continue
                target = np.zeros(len(self.people))
                target[[self.index[p.id] for p in scored]] = 1.0
                solution = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
                if np.abs(matrix.T @ solution - target).max() < TOLERANCE:
                    found.append(Exposure(construct, f"{name} (sum of squares)", len(scored)))
        return found

    def grid_exposures(self, grid: Callable[[Person, str], np.ndarray]) -> list[Exposure]:
        """The attack that the linear one misses: a person's score lies on a grid (a construct of m answered
        items takes the values 100 s / 4m), and every shown group gives its sum (n x mean) and, with its SD, its
        sum of squares ((n - 1) SD^2 + n mean^2). An integer program over which grid value each person scored,
        meeting every figure read (and what the insider knows), finds one way they could have answered; a person
        is exposed when no other way changes their score. `grid(person, construct)`: the values their score can
        take (the attacker is granted how many items each person answered)."""
        found = []
        for construct in self.constructs:
            figures_read = [m for m in self.moments if m[0] == construct]
            if not figures_read:
                continue
            involved = sorted({position for _, positions, _, _ in figures_read for position in positions})
            found += [Exposure(construct, f"respondent {self.people[p].id}", 1)
                      for p in _pinned_on_grid(involved, [grid(self.people[p], construct) for p in involved],
                                               figures_read, {self.index[i] for i in self.known})]
        return found


def _pinned_on_grid(involved: list[int], values: list[np.ndarray], figures_read, known: set[int]) -> list[int]:
    """Positions of the people whose grid value every solution shares (see `Auditor.grid_exposures`); the known
    are left out (their values are givens)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    offsets = np.cumsum([0] + [len(v) for v in values])
    count = int(offsets[-1])
    where = {p: n for n, p in enumerate(involved)}
    rows, low, high = [], [], []
    for n in range(len(involved)):
        row = np.zeros(count)
        row[offsets[n]:offsets[n + 1]] = 1
        rows.append(row)
        low.append(1)
        high.append(1)
    for _, positions, mean, sd in figures_read:
        size = len(positions)
        total = np.zeros(count)
        squares = np.zeros(count)
        for p in positions:
            n = where[p]
            total[offsets[n]:offsets[n + 1]] = values[n]
            squares[offsets[n]:offsets[n + 1]] = values[n] ** 2
        rows.append(total)
        low.append(size * mean - 1e-6 * size)
        high.append(size * mean + 1e-6 * size)
        if sd is not None:
            second = (size - 1) * sd ** 2 + size * mean ** 2
            rows.append(squares)
            low.append(second - 1e-5 * max(1.0, second))
            high.append(second + 1e-5 * max(1.0, second))
    matrix = np.array(rows)

    def solve(upper: np.ndarray):
        return milp(np.zeros(count), constraints=LinearConstraint(matrix, low, high), integrality=np.ones(count),
                    bounds=Bounds(np.zeros(count), upper), options={"time_limit": 20})

    first = solve(np.ones(count))
    if first.x is None:
        raise AssertionError("no way of answering meets the figures read: the auditor misread them")
    chosen = [int(np.argmax(first.x[offsets[n]:offsets[n + 1]])) for n in range(len(involved))]
    pinned = []
    for n, p in enumerate(involved):
        if p in known:
            continue
        upper = np.ones(count)
        upper[offsets[n] + chosen[n]] = 0  # any other value for this person?
        if solve(upper).status == 2:  # infeasible: every way of answering gives them this score
            pinned.append(p)
    return pinned


# --- gathering what the outputs publish --------------------------------------------------------------------------

def shown(group: dict) -> bool:
    return not group.get("suppressed") and "dimensions" in group


def figures(group: dict) -> dict:
    """A shown group's figures per construct, dimensions and conditions together."""
    return {**group.get("dimensions", {}), **group.get("conditions", {})}


def collect_results(auditor: Auditor, results: dict, sectors: Optional[dict] = None) -> None:
    """Everything the scores JSON (API, `flask scores`) publishes about groups: one look (see `Auditor.read`)."""
    auditor.read(results)


def collect_score_table(auditor: Auditor, header: list[str], rows: list[list]) -> None:
    """The scores export (CSV or XLSX) of the look last read: a row with a score publishes its group."""
    at = {name: n for n, name in enumerate(header)}
    for row in rows:
        if row[at["score"]] in (None, ""):
            continue
        scope, key, n = row[at["scope"]], row[at["group"]], int(row[at["n"]])
        if scope == "jurisdiction":
            people = auditor.published()
        elif scope == "agency":
            people = auditor.as_published(n, agency=key)
        elif scope == "sector":
            people = auditor.as_published(n, sector=key)
        elif scope == "role_level":
            people = auditor.as_published(n, role=key)
        else:
            sector, role = key.split("/")
            people = auditor.as_published(n, sector=sector, role=role)
        auditor.mean(people, [row[at["construct"]]], source=f"export {scope} {key}")


class _Tables(HTMLParser):
    """The rows of every table of a page: (caption, header cell, [data cells])."""

    def __init__(self):
        super().__init__()
        self.rows, self.caption, self._cell, self._row, self._in = [], "", None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self._in, self.caption = "caption", ""
        elif tag == "tr":
            self._row = [None, []]
        elif tag in ("th", "td") and self._row is not None:
            self._in, self._cell = tag, ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in = None
        elif tag in ("th", "td") and self._row is not None and self._in == tag:
            if tag == "th" and self._row[0] is None:
                self._row[0] = self._cell.strip()
            else:
                self._row[1].append(self._cell.strip())
            self._in = None
        elif tag == "tr" and self._row is not None:
            self.rows.append((self.caption, *self._row))
            self._row = None

    def handle_data(self, data):
        if self._in == "caption":
            self.caption += data
        elif self._in in ("th", "td"):
            self._cell += data


def page_rows(html: str) -> list[tuple[str, str, list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.rows


NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")


def has_figures(cells: list[str]) -> bool:
    """A row with a score beside its n (an n alone, with a reason, publishes no figure)."""
    return sum(1 for c in cells if NUMBER.match(c)) >= 2


def collect_page(auditor: Auditor, html: str, names: dict[str, list], source: str) -> None:
    """A console results page or the report's text: every table row whose heading names a group and that holds
    figures publishes that group. `names`: heading text -> the group's people."""
    for caption, heading, cells in page_rows(html):
        if heading in names and has_figures(cells):
            auditor.mean(names[heading], source=f"{source}: {caption.strip()}: {heading}")
    heading = re.search(r"<h2>([^<]+?) <span class=\"muted\">\((\d+) respondents\)</span></h2>", html)
    if heading and heading.group(1) in names and "<caption>Dimensions: " in html:
        auditor.mean(names[heading.group(1)], source=f"{source}: filtered view")


# --- figures that are not linear, on small rounds ----------------------------------------------------------------

def small_round_solutions(grid: np.ndarray, agencies: list[str], published: Callable[[np.ndarray], np.ndarray],
                          observed: np.ndarray) -> np.ndarray:
    """Every way the respondents of a small round could have scored (one score from `grid` each) that reproduces
    what was published: `published(candidates)` computes, for each row of candidate scores (candidates x
    respondents), the published figures (means, SDs, interval ends, as the method documents them), compared with
    `observed` to six places. Returns the candidates that fit (solutions x respondents); a column with one value
    across all of them is a respondent whose score the figures determine."""
    n = len(agencies)
    candidates = np.array(list(itertools.product(grid, repeat=n)), dtype=float)
    figures = published(candidates)
    fits = np.all(np.abs(figures - observed[None, :]) < 1e-6, axis=1)
    return candidates[fits]


def determined(solutions: np.ndarray) -> list[int]:
    """Positions of respondents whose score is the same in every solution (none when nothing fits)."""
    if not len(solutions):
        return []
    return [j for j in range(solutions.shape[1]) if np.all(solutions[:, j] == solutions[0, j])]
