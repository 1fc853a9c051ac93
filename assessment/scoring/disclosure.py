"""Which groups a round may publish: the confidentiality rule of DOMAIN.md ("Confidentiality") as pure code.

Every score Continuum publishes is a mean over a group of respondents with its n, so whoever reads it holds the
group's sum; a standard deviation with its mean and n gives the sum of squares the same way. Every group is a union
of *atoms*, the respondents of one agency at one role level, and every published sum is the sum of its atoms'
sums. A set of atoms is *exposed* when its indicator vector lies in the row space of the published groups'
indicator vectors: some combination of published figures (a subtraction, or several) then gives exactly its sum.

The plan publishes a group only when no set of atoms holding fewer than `min_group_size` (k) respondents is
exposed:

1. primary suppression: a group with fewer than k respondents (or fewer than k scores on some construct, for
   respondents who answered too few of its items) is hidden;
2. complementary suppression: while some small set of atoms is still exposed, one more group is hidden, the
   cheapest that closes the leak (sector x role level cells first, then sectors, role levels, and agencies last,
   the smaller before the larger). A leak is searched for with a small integer program (HiGHS through SciPy):
   binary atoms `c`, free multipliers `l` of the published rows `P`, `P'l = c`, `1 <= size.c <= k-1`.

The agency-weighted jurisdiction score takes the hidden agencies together as one pooled group (see
`groups.jurisdiction`), so it adds nothing to the row space; the roster is published per rating agency only,
which the plan's agencies decide (see `network.roster_figures`).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

JURISDICTION, AGENCY, SECTOR, ROLE_LEVEL, SECTOR_ROLE = "jurisdiction", "agency", "sector", "role_level", "sector_role"
#: The order in which complementary suppression hides groups, the smaller before the larger within a cut: sector x
#: role level cells (which only a console filter shows), then sectors, agencies and role levels. The jurisdiction is
#: never hidden to protect a part: it is hidden only when it is itself below k.
HIDE_FIRST = (SECTOR_ROLE, SECTOR, AGENCY, ROLE_LEVEL)

BELOW_MINIMUM = "below_minimum"
COMPLEMENTARY = "complementary"
ROUND_BELOW_MINIMUM = "round_below_minimum"
#: Why a group shows only its count, in words for pages and reports.
REASONS = {
    BELOW_MINIMUM: "fewer than {k} respondents",
    COMPLEMENTARY: "hidden so that a smaller group cannot be worked out by subtraction",
    ROUND_BELOW_MINIMUM: "the round has fewer than {k} respondents in all",
}
#: Numerical tolerance of the exposure test (the rows are 0/1, so this is far from any real residual).
TOLERANCE = 1e-7


@dataclass(frozen=True)
class Cell:
    """A group that a round might publish: `cut` and `key` ((), (slug,), (sector,), (role,), (sector, role))."""

    cut: str
    key: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The groups a round publishes; every other group shows its count only, with the reason."""

    min_group_size: int
    respondents: dict[Cell, int]
    hidden: dict[Cell, str] = field(default_factory=dict)

    def shown(self, cell: Cell) -> bool:
        return self.respondents.get(cell, 0) > 0 and cell not in self.hidden

    def reason(self, cell: Cell) -> Optional[str]:
        if self.shown(cell):
            return None
        return self.hidden.get(cell, BELOW_MINIMUM)

    def shown_keys(self, cut: str) -> set[str]:
        """The keys of the shown groups of a one-key cut (agency slugs, sectors, role levels)."""
        return {c.key[0] for c in self.respondents if c.cut == cut and self.shown(c)}


def cells_of(agency: str, sector: str, role: str) -> tuple[Cell, ...]:
    """The groups one atom belongs to."""
    return (Cell(JURISDICTION), Cell(AGENCY, (agency,)), Cell(SECTOR, (sector,)), Cell(ROLE_LEVEL, (role,)),
            Cell(SECTOR_ROLE, (sector, role)))


def plan(atoms: pd.DataFrame, min_group_size: int) -> Plan:
    """`atoms`: one row per agency and role level that has respondents, with columns agency, sector, role_level,
    `respondents`, and one count per construct of the respondents who have a score on it."""
    k = int(min_group_size)
    measures = [c for c in atoms.columns if c not in ("agency", "sector", "role_level")]
    membership: dict[Cell, list[int]] = {}
    for position, row in enumerate(atoms.itertuples(index=False)):
        for cell in cells_of(row.agency, row.sector, row.role_level):
            membership.setdefault(cell, []).append(position)
    sizes = atoms[measures].to_numpy(dtype=int)
    respondents = {cell: int(sizes[members, measures.index("respondents")].sum())
                   for cell, members in membership.items()}
    if respondents.get(Cell(JURISDICTION), 0) < k:
        return Plan(k, respondents, {cell: ROUND_BELOW_MINIMUM for cell in membership})

    hidden: dict[Cell, str] = {}
    for cell, members in membership.items():
        totals = sizes[members].sum(axis=0)
        if ((totals > 0) & (totals < k)).any():
            hidden[cell] = BELOW_MINIMUM
    if Cell(JURISDICTION) in hidden:
        return Plan(k, respondents, {cell: BELOW_MINIMUM for cell in membership})

    measure_sizes = [np.array(m) for m in sorted({tuple(sizes[:, j]) for j in range(len(measures))})]

    def leak(hide: dict[Cell, str]) -> Optional[tuple[frozenset[int], np.ndarray]]:
        published = [c for c in membership if c not in hide]
        return next((found for m in measure_sizes if (found := exposed(published, membership, m, k)) is not None),
                    None)

    while (found := leak(hidden)) is not None:
        published = [c for c in membership if c not in hidden]
        for cell in _complement(published, membership, respondents, *found):
            hidden[cell] = COMPLEMENTARY
    # One group at a time, the greedy search may hide more than in the end it needs: show again, the most useful
    # first, each group whose return exposes nothing.
    for cell in sorted((c for c, why in hidden.items() if why == COMPLEMENTARY),
                       key=lambda c: (-HIDE_FIRST.index(c.cut), -respondents[c], c.key)):
        trial = {c: why for c, why in hidden.items() if c != cell}
        if leak(trial) is None:
            hidden = trial
    return Plan(k, respondents, hidden)


def exposed(published: list[Cell], membership: dict[Cell, list[int]], sizes: np.ndarray,
            k: int) -> Optional[tuple[frozenset[int], np.ndarray]]:
    """A set of atoms with 1 to k-1 respondents (by `sizes`) whose sum the published groups give, or None."""
    counted = np.flatnonzero(sizes > 0)
    small = sizes[counted] < k
    if not small.any() or not published:
        return None
    rows = _rows(published, membership, counted)
    atoms, multipliers = len(counted), len(published)
    # P'l - c = 0 for every atom; 1 <= sizes.c <= k - 1
    equal = LinearConstraint(np.hstack([rows.T, -np.eye(atoms)]), 0, 0)
    weight = LinearConstraint(np.concatenate([np.zeros(multipliers), sizes[counted]])[None, :], 1, k - 1)
    bounds = Bounds(np.concatenate([np.full(multipliers, -np.inf), np.zeros(atoms)]),
                    np.concatenate([np.full(multipliers, np.inf), small.astype(float)]))
    integrality = np.concatenate([np.zeros(multipliers), np.ones(atoms)])
    objective = np.concatenate([np.zeros(multipliers), sizes[counted]])
    found = milp(objective, constraints=[equal, weight], bounds=bounds, integrality=integrality)
    if not found.success:
        return None
    chosen = frozenset(int(a) for a, c in zip(counted, found.x[multipliers:]) if c > 0.5)
    return chosen, sizes


def in_row_space(rows: np.ndarray, vector: np.ndarray) -> bool:
    """Whether `vector` is a linear combination of `rows` (least squares with a zero residual)."""
    if rows.size == 0:
        return not vector.any()
    solution = np.linalg.lstsq(rows.T, vector, rcond=None)[0]
    return bool(np.abs(rows.T @ solution - vector).max() < TOLERANCE)


def _rows(cells: Iterable[Cell], membership: dict[Cell, list[int]], counted: np.ndarray) -> np.ndarray:
    position = {int(a): j for j, a in enumerate(counted)}
    cells = list(cells)
    rows = np.zeros((len(cells), len(counted)))
    for i, cell in enumerate(cells):
        for atom in membership[cell]:
            if atom in position:
                rows[i, position[atom]] = 1.0
    return rows


def _complement(published: list[Cell], membership: dict[Cell, list[int]], respondents: dict[Cell, int],
                leak: frozenset[int], sizes: np.ndarray) -> list[Cell]:
    """The cheapest published groups whose hiding stops `leak` being exposed.

    Groups with the same atoms (an agency and its sector when the sector has no other agency) go together: hiding
    one without the other would hide nothing. One such unit is tried first, cheapest first; then two; failing
    both, the cheapest unit that overlaps the leak (the plan then looks again)."""
    counted = np.flatnonzero(sizes > 0)
    inside = {int(a) for a in counted}
    units: dict[frozenset[int], list[Cell]] = {}
    for cell in published:
        if cell.cut != JURISDICTION:
            units.setdefault(frozenset(a for a in membership[cell] if a in inside), []).append(cell)
    cost = {atoms: (max(HIDE_FIRST.index(c.cut) for c in cells), respondents[cells[0]])
            for atoms, cells in units.items()}
    order = sorted(units, key=lambda atoms: (cost[atoms], sorted((c.cut, c.key) for c in units[atoms])))
    target = np.array([1.0 if int(a) in leak else 0.0 for a in counted])

    def closes(hide: set[Cell]) -> bool:
        return not in_row_space(_rows((c for c in published if c not in hide), membership, counted), target)

    for atoms in order:
        if closes(set(units[atoms])):
            return units[atoms]
    pairs = sorted(itertools.combinations(order, 2),
                   key=lambda p: (max(cost[p[0]][0], cost[p[1]][0]), cost[p[0]][1] + cost[p[1]][1]))
    for first, second in pairs:
        if closes(set(units[first]) | set(units[second])):
            return units[first] + units[second]
    return units[next((atoms for atoms in order if atoms & leak), order[0])]
