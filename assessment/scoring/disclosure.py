"""Which groups a round may publish, release after release: the confidentiality rule of DOMAIN.md
("Confidentiality") as pure code.

Every score Continuum publishes is a mean over a group of respondents with its n, so whoever reads it holds the
group's sum; a standard deviation with its mean and n gives the sum of squares over the same group, so the same
equations over the squares. Every group is a union of *atoms*: the respondents of one agency at one role level
who joined the results in one release, web and paper apart. A release publishes each group as the sum of its atoms
up to that release, so the union of everything a round ever published is a set of such rows, and a set of atoms
is *exposed* when its indicator vector lies in their row space: some combination of published figures (a
subtraction across groups or across releases, or several) then gives exactly its sum.

A release publishes a group only when, with every earlier release beside it, no set of atoms holding fewer than
`min_group_size` (k) respondents is exposed, for an outsider and for an insider who knows the paper forms (their
importer typed them: the known atoms drop out of the unknowns):

1. primary rule: a group with fewer than k respondents (or fewer than k scores on some construct, for respondents
   who answered too few of its items), counting all of them and counting only those who did not come on paper, is
   not published; nor is a group published before that has gained fewer than k since (counted the same ways);
2. complementary rule: while some small set of atoms is still exposed, one more group is held back, the cheapest
   that closes the leak (sector x role level cells first, then sectors, agencies and role levels, groups that stay
   visible with earlier figures before groups that would vanish, the smaller before the larger). A leak is
   searched for with a small integer program (HiGHS through SciPy) over the classes of atoms that no published
   figure tells apart: binary classes `c`, free multipliers `l` of the published rows `P`, `P'l = c`,
   `1 <= size.c <= k-1`. When no class is smaller than k, no leak exists and no program is solved; a program that
   runs out of time counts as a leak (hide more, never less).

A group published before and held back now is not hidden: its earlier figures are already public, so it keeps
them (`Plan.kept`, the release they come from), and moves again once at least k more can join it. While a round is
open its releases show the jurisdiction as a whole and no breakdown (`breakdown=False`): every group figure
published early would tie the final results to it (a group can then move only by k or more), so the breakdown is
published once, at the close, when it holds the most people, beside the jurisdiction's earlier steps. The
jurisdiction moves at every release: the service takes a release only when the new respondents allow it
(`step_allowed`), and then the jurisdiction alone, beside every earlier release, exposes nothing (its new row
adds only the step, which holds at least k of every count), so holding back every other group always closes a
leak.

The agency-weighted jurisdiction score takes the agencies not shown with this release's respondents together as
one pooled group (see `groups.agency_weighted`), which is the jurisdiction less the agencies shown, so it adds
nothing to the row space; the roster, the items and reliability are published per rating agency, per item and
per dimension under the same primary rule (`moves`).
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd

JURISDICTION, AGENCY, SECTOR, ROLE_LEVEL, SECTOR_ROLE = "jurisdiction", "agency", "sector", "role_level", "sector_role"
#: The order in which complementary suppression holds groups back, the smaller before the larger within a cut:
#: sector x role level cells (which only a console filter shows), then sectors, agencies and role levels. The
#: jurisdiction is never held back to protect a part.
HIDE_FIRST = (SECTOR_ROLE, SECTOR, AGENCY, ROLE_LEVEL)

BELOW_MINIMUM = "below_minimum"
COMPLEMENTARY = "complementary"
ROUND_BELOW_MINIMUM = "round_below_minimum"
WHEN_CLOSED = "when_closed"
#: Why a group shows only its count, in words for pages and reports.
REASONS = {
    BELOW_MINIMUM: "fewer than {k} respondents",
    COMPLEMENTARY: "hidden so that no smaller group's answers can be worked out",
    ROUND_BELOW_MINIMUM: "the round has fewer than {k} respondents in all",
    WHEN_CLOSED: "shown when the round closes",
}
#: Numerical tolerance of the exposure test (the rows are 0/1, so this is far from any real residual).
TOLERANCE = 1e-7
#: Seconds one integer program may take, and the whole plan. A plan whose time runs out holds back every group
#: it has not cleared (the jurisdiction alone, beside earlier releases, exposes nothing), and gives none back: a
#: plan always finishes, hiding more, never less.
PROGRAM_SECONDS = 1.0
PLAN_SECONDS = 1.5
#: How much longer than its budget a plan may take on the wall, waiting for a busy machine: a plan runs inside the
#: release's hold on the round (on SQLite, the database's write lock, which others wait 5 s for at most).
WALL_SLACK = 2.0
PAPER = "paper"
RELEASE = "release"
KEYS = ("agency", "sector", "role_level", RELEASE, PAPER)
#: What `_Space.leak` is told in place of a search when the plan's time is up.
OUT_OF_TIME = object()


class Deadline:
    """A plan's time. Its budget counts the CPU time of the thread that plans, not time on the wall, so that a
    machine busy with other work (other requests, other processes) does not cut a plan short and make it hide
    more; and time on the wall is bounded too, at `WALL_SLACK` times the budget, so that a plan never holds its
    round for long, however busy the machine. The solver's own limit on one program (`PROGRAM_SECONDS`) is time
    on the wall, never more than the plan has left; a program cut short by it counts as a leak, hiding more."""

    def __init__(self, seconds: float):
        self.cpu = time.thread_time() + seconds
        self.wall = time.monotonic() + WALL_SLACK * seconds

    def left(self) -> float:
        """Seconds left, as an upper bound on time on the wall."""
        return min(self.cpu - time.thread_time(), self.wall - time.monotonic())

    def passed(self) -> bool:
        return self.left() <= 0


#: A deadline that never passes.
UNLIMITED = Deadline(float("inf"))


@dataclass(frozen=True)
class Cell:
    """A group that a round might publish: `cut` and `key` ((), (slug,), (sector,), (role,), (sector, role))."""

    cut: str
    key: tuple[str, ...] = ()

    @property
    def role(self) -> Optional[str]:
        return self.key[-1] if self.cut in (ROLE_LEVEL, SECTOR_ROLE) else None


@dataclass(frozen=True)
class Published:
    """A group's figures as one release published them: the respondents of `agencies` (None: every agency) at the
    cell's role level who had joined the results by release `version`."""

    cell: Cell
    version: int
    agencies: Optional[frozenset[str]] = None


@dataclass(frozen=True)
class Plan:
    """What a release publishes. A group *moves* (shows this release's figures), is *kept* (shows the figures of
    the release in `kept`), or is hidden (its count only, with the reason in `hidden`)."""

    min_group_size: int
    respondents: dict[Cell, int]
    hidden: dict[Cell, str] = field(default_factory=dict)
    kept: dict[Cell, int] = field(default_factory=dict)
    release: int = 1
    #: The plan ran out of time (PLAN_SECONDS) and held back every group it had not cleared.
    cut_short: bool = False

    def moves(self, cell: Cell) -> bool:
        return self.respondents.get(cell, 0) > 0 and cell not in self.hidden and cell not in self.kept

    def shown(self, cell: Cell) -> bool:
        return self.moves(cell) or cell in self.kept

    def reason(self, cell: Cell) -> Optional[str]:
        """Why a group is not shown, as far as saying so reveals nothing: a group of k or more held back because
        too few of its people have a score on some part (or too few did not come on paper, or too few joined it
        since it was last shown) gives the same reason as one held back to protect another group. Told apart,
        "fewer than k" beside a count of k or more would say that some of them answered "don't know" throughout a
        part, and with the counts of the groups shown, whom."""
        if self.shown(cell):
            return None
        why = self.hidden.get(cell, BELOW_MINIMUM)
        if why == BELOW_MINIMUM and self.respondents.get(cell, 0) >= self.min_group_size:
            return COMPLEMENTARY
        return why

    def shown_keys(self, cut: str) -> set[str]:
        """The keys of the shown groups of a one-key cut (agency slugs, sectors, role levels)."""
        return {c.key[0] for c in self.respondents if c.cut == cut and self.shown(c)}

    def moving_keys(self, cut: str) -> set[str]:
        """The keys of the groups of a one-key cut shown with this release's respondents."""
        return {c.key[0] for c in self.respondents if c.cut == cut and self.moves(c)}


def cells_of(agency: str, sector: str, role: str) -> tuple[Cell, ...]:
    """The groups one atom belongs to."""
    return (Cell(JURISDICTION), Cell(AGENCY, (agency,)), Cell(SECTOR, (sector,)), Cell(ROLE_LEVEL, (role,)),
            Cell(SECTOR_ROLE, (sector, role)))


def allowed(counts: Iterable[int], k: int) -> bool:
    """Each count is 0 or at least k."""
    return all(c == 0 or c >= k for c in counts)


def moves(total: Sequence[int], real: Sequence[int], before: Optional[tuple[Sequence[int], Sequence[int]]],
          k: int) -> bool:
    """The primary rule for one published figure over a growing group: `total` and `real` (without paper forms)
    are its counts now (one per measure), `before` the same when it was last published (None: never). It may move
    when every count is 0 or at least k, now and in the step since it was last published.

    >>> moves([5], [5], None, 3), moves([4], [4], ([3], [3]), 3), moves([6], [6], ([3], [3]), 3)
    (True, False, True)
    >>> moves([5], [2], None, 3)  # three of the five are paper forms: the importer would see the other two
    False
    """
    if not allowed(total, k) or not allowed(real, k) or not any(total):
        return False
    if before is None:
        return True
    return (allowed([a - b for a, b in zip(total, before[0])], k)
            and allowed([a - b for a, b in zip(real, before[1])], k))


def step_allowed(batch: pd.DataFrame, k: int) -> bool:
    """Whether the submissions waiting for a release may be published together: the jurisdiction's step. `batch`:
    one row per waiting respondent with `paper` and a 0/1 column per construct (1: has a score on it). Every count
    of the step is 0 or at least k, counting all of them and those not on paper (paper forms alone are a step when
    there are k of them)."""
    if batch.empty:
        return False
    measures = [c for c in batch.columns if c != PAPER]
    real = batch[~batch[PAPER].astype(bool)]
    totals = [len(batch), *(int(v) for v in batch[measures].sum())]
    reals = [len(real), *(int(v) for v in real[measures].sum())]
    return len(batch) >= k and allowed(totals, k) and allowed(reals, k)


def plan(atoms: pd.DataFrame, min_group_size: int, history: Sequence[Published] = (), release: int = 1,
         breakdown: bool = True, budget: Optional[float] = None) -> Plan:
    """`atoms`: one row per agency, role level, release and paper flag that has respondents, with columns agency,
    sector, role_level, release, paper, `respondents`, and one count per construct of the respondents who have a
    score on it. `history`: every group each earlier release published. Without `breakdown` (a release of an open
    round) only the jurisdiction moves: every other group keeps its earlier figures or waits for the close.
    `budget`: the seconds the plan may take (PLAN_SECONDS when None); `Plan.cut_short` says when it ran out."""
    deadline = Deadline(PLAN_SECONDS if budget is None else budget)
    k = int(min_group_size)
    space = _Space(atoms, k)
    membership: dict[Cell, np.ndarray] = {}
    for position, row in enumerate(atoms.itertuples(index=False)):
        for cell in cells_of(row.agency, row.sector, row.role_level):
            membership.setdefault(cell, np.zeros(len(atoms), dtype=bool))[position] = True
    respondents = {cell: int(space.sizes[members, 0].sum()) for cell, members in membership.items()}
    if respondents.get(Cell(JURISDICTION), 0) < k:
        return Plan(k, respondents, {cell: ROUND_BELOW_MINIMUM for cell in membership}, release=release)

    past = [space.row(p) for p in history]
    version: dict[Cell, int] = {}
    last: dict[Cell, np.ndarray] = {}
    for published, row in zip(history, past):
        if published.version >= version.get(published.cell, 0):
            version[published.cell], last[published.cell] = published.version, row

    hidden: dict[Cell, str] = {}
    kept: dict[Cell, int] = {}
    held: set[Cell] = set()

    def hold_back(cell: Cell, why: str) -> None:
        held.add(cell)
        if cell in version:
            kept[cell] = version[cell]
        else:
            hidden[cell] = why

    for cell, members in membership.items():
        if not breakdown and cell.cut != JURISDICTION:
            hold_back(cell, WHEN_CLOSED)
            continue
        before = last.get(cell)
        now = space.counts(members)
        if not moves(*now, space.counts(before) if before is not None else None, k):
            if cell.cut == JURISDICTION:
                if before is None:
                    return Plan(k, respondents, {c: BELOW_MINIMUM for c in membership}, release=release)
                raise ValueError("the jurisdiction cannot move by this step: take a release only when "
                                 "step_allowed says so")
            hold_back(cell, BELOW_MINIMUM)

    def rows(without: set[Cell]) -> np.ndarray:
        current = [membership[c] for c in membership if c not in without]
        return np.array(past + current, dtype=float).reshape(-1, len(atoms))

    complementary: list[Cell] = []
    while k > 1:  # with a minimum of 1 no set of respondents is below it: there is no leak to look for
        candidates = [c for c in membership if c not in held and c.cut != JURISDICTION]
        if not candidates:
            break  # the jurisdiction alone beside earlier releases exposes nothing (see the module's docstring)
        found = space.leak(rows(held), deadline) if not deadline.passed() else OUT_OF_TIME
        if found is None:
            break
        if found is OUT_OF_TIME:  # every group not yet cleared is held back: safe, whatever the search had found
            for cell in candidates:
                hold_back(cell, COMPLEMENTARY)
            return Plan(k, respondents, hidden, kept, release, cut_short=True)
        for cell in space.complement(candidates, membership, past, held, respondents, version, found, deadline):
            hold_back(cell, COMPLEMENTARY)
            complementary.append(cell)
    # One group at a time, the greedy search may hold back more than in the end it needs: give back, the most
    # useful first, each group whose return exposes nothing, while there is time (what is not given back stays
    # held back, which is the safe side; a program cut short counts as a leak).
    for cell in sorted(complementary, key=lambda c: (-HIDE_FIRST.index(c.cut), -respondents[c], c.key)):
        if deadline.passed():
            break
        if space.leak(rows(held - {cell}), deadline) is None:
            held.discard(cell)
            hidden.pop(cell, None)
            kept.pop(cell, None)
    return Plan(k, respondents, hidden, kept, release)


#: The fewest scores a standard deviation is published for, and the fewest that must join the jurisdiction before
#: figures beyond sums (SDs, intervals, reliability) are published again (see `spread_moves`).
SPREAD_MIN_N = 20


def spread_moves(atoms: pd.DataFrame, min_group_size: int, last_shown: Optional[int],
                 first: int = SPREAD_MIN_N) -> bool:
    """Whether a release publishes figures of the jurisdiction that are not sums: its standard deviations (with
    `first` = `SPREAD_MIN_N`), or its resampling figures (intervals, with their own minimum per construct).
    `last_shown`: the release that last published them, or None.

    A mean with its n is a group's sum; an SD adds its sum of squares. Scores lie on a grid (a construct of m
    items takes 4m + 1 values), so the sum and the sum of squares of a few people leave few ways they could have
    answered: an agency of three with its SD gave its three scores as a set (all of them, when the SD is 0), two
    such sets that share one person gave that person's score, and the jurisdiction's SD before and after a step of
    three gave the step's set; so did a bootstrap interval's ends before and after such a step, replayed by
    someone who knew the other answers and the seed. So only the jurisdiction publishes SDs (the agreement figure
    of DOMAIN.md), for at least `first` scores on every construct, and these figures move again only once at
    least `SPREAD_MIN_N` have joined since they were last published (counted, as every step is, with and
    without paper forms). A round whose minimum group size is 1 protects no group: they always move."""
    if min_group_size == 1:
        return True
    space = _Space(atoms, SPREAD_MIN_N)
    total, real = space.counts(np.ones(len(atoms), dtype=bool))
    if not (any(total) and allowed(total, first) and allowed(real, first)):
        return False
    if last_shown is None:
        return True
    then, then_real = space.counts(space.release <= last_shown)
    return (allowed([a - b for a, b in zip(total, then)], SPREAD_MIN_N)
            and allowed([a - b for a, b in zip(real, then_real)], SPREAD_MIN_N))


class _Space:
    """The atoms of a release and the integer program that looks for an exposed set of them."""

    def __init__(self, atoms: pd.DataFrame, k: int):
        self.atoms, self.k = atoms, k
        self.measures = [c for c in atoms.columns if c not in KEYS]
        self.sizes = atoms[self.measures].to_numpy(dtype=int)
        self.paper = atoms[PAPER].to_numpy(dtype=bool) if PAPER in atoms else np.zeros(len(atoms), dtype=bool)
        self.release = atoms[RELEASE].to_numpy(dtype=int) if RELEASE in atoms else np.ones(len(atoms), dtype=int)
        self.agency = atoms["agency"].to_numpy()
        self.role = atoms["role_level"].to_numpy()
        self.vectors = sorted({tuple(self.sizes[:, j]) for j in range(len(self.measures))})

    def row(self, published: Published) -> np.ndarray:
        """The atoms a published figure summed."""
        cell = published.cell
        members = self.release <= published.version
        if published.agencies is not None:
            members &= np.isin(self.agency, list(published.agencies))
        if cell.role is not None:
            members &= self.role == cell.role
        return members

    def counts(self, members: np.ndarray) -> tuple[list[int], list[int]]:
        """Per measure, the respondents among `members`: all of them, and those not on paper."""
        return ([int(v) for v in self.sizes[members].sum(axis=0)],
                [int(v) for v in self.sizes[members & ~self.paper].sum(axis=0)])

    def modes(self):
        """(columns, sizes) of each attack: an outsider (every atom unknown), and an insider who knows the paper
        forms (their atoms drop out), for each distinct vector of per-measure sizes."""
        for vector in self.vectors:
            sizes = np.array(vector)
            yield np.flatnonzero(sizes > 0), sizes
            if self.paper.any():
                yield np.flatnonzero((sizes > 0) & ~self.paper), sizes

    def leak(self, rows: np.ndarray, deadline: Deadline = UNLIMITED) -> Optional[tuple[np.ndarray, np.ndarray]]:
        """A set of atoms (their positions, with the columns of the attack that exposes it) with 1 to k-1
        respondents whose sum the published rows give, or None. Each program gets the time left before
        `deadline` (at most PROGRAM_SECONDS); one cut short answers as a leak."""
        for columns, sizes in self.modes():
            seconds = min(PROGRAM_SECONDS, max(0.01, deadline.left()))
            found = exposed(rows[:, columns], sizes[columns], self.k, seconds)
            if found is not None:
                return columns[found], columns
        return None

    def complement(self, candidates: list[Cell], membership: dict[Cell, np.ndarray], past: list[np.ndarray],
                   held: set[Cell], respondents: dict[Cell, int], version: dict[Cell, int],
                   found: tuple[np.ndarray, np.ndarray], deadline: Deadline = UNLIMITED) -> list[Cell]:
        """The cheapest groups of this release whose holding back stops the leak being exposed.

        Groups with the same atoms (an agency and its sector when the sector has no other agency) go together:
        holding one back without the other would hide nothing. One such unit is tried first, cheapest first; then
        two (while there is time); failing both, the cheapest unit that overlaps the leak. Whatever it proposes, the
        plan looks for a leak again with the integer program, so this choice decides what is hidden, never whether
        something is exposed."""
        leak, columns = found
        units: dict[bytes, list[Cell]] = {}
        for cell in candidates:
            units.setdefault(membership[cell][columns].tobytes(), []).append(cell)
        cost = {key: (max(HIDE_FIRST.index(c.cut) for c in cells), 0 if all(c in version for c in cells) else 1,
                      respondents[cells[0]]) for key, cells in units.items()}
        order = sorted(units, key=lambda key: (cost[key], sorted((c.cut, c.key) for c in units[key])))
        target = np.isin(columns, leak).astype(float)
        current = [c for c in membership if c not in held]
        closes = _Closing(np.array([p[columns] for p in past] + [membership[c][columns] for c in current],
                                   dtype=float).reshape(-1, len(columns)), target,
                          {cell: len(past) + i for i, cell in enumerate(current)})

        for key in order:
            if closes(units[key]):
                return units[key]
        pairs = sorted(itertools.combinations(order, 2),
                       key=lambda p: (max(cost[p[0]][0], cost[p[1]][0]), cost[p[0]][2] + cost[p[1]][2]))
        for first, second in pairs[:2000]:
            if deadline.passed():
                break
            if closes(units[first] + units[second]):
                return units[first] + units[second]
        overlapping = [key for key in order if (np.frombuffer(key, dtype=bool) & (target > 0)).any()]
        return units[(overlapping or order)[0]]


class _Closing:
    """Whether holding back some of the current rows takes `target` out of the rows' span: one factorisation of
    all the rows, then a small system per try. The target is `R'l = t` for the multipliers `l = l0 + N c` (N a
    basis of the null space of R'); it stays in the span of the other rows when some `c` makes `l` zero on the
    held rows."""

    def __init__(self, rows: np.ndarray, target: np.ndarray, position: dict[Cell, int]):
        self.position = position
        if not rows.size:
            self.l0, self.null, self.outside = np.zeros(0), np.zeros((0, 0)), bool(target.any())
            return
        u, singular, vt = np.linalg.svd(rows.T, full_matrices=True)
        rank = int((singular > TOLERANCE * max(1.0, singular[0])).sum())
        self.l0 = vt[:rank].T @ ((u[:, :rank].T @ target) / singular[:rank])
        self.null = vt[rank:].T
        #: Not in the span of all the rows (a program cut short names a set it could not confirm): fewer rows
        #: cannot give it either.
        self.outside = bool(np.abs(rows.T @ self.l0 - target).max() > 1e-6)

    def __call__(self, cells: list[Cell]) -> bool:
        if self.outside:
            return True
        rows = [self.position[c] for c in cells if c in self.position]
        if not rows:
            return False
        wanted = -self.l0[rows]
        if not self.null.shape[1]:
            return bool(np.abs(wanted).max() > 1e-6)
        u, singular, vt = np.linalg.svd(self.null[rows], full_matrices=False)
        keep = singular > 1e-9  # an absolute cut: a null-space row of 1e-16 is a zero, not a huge multiplier
        solved = u[:, keep] @ (u[:, keep].T @ wanted)
        return bool(np.abs(solved - wanted).max() > 1e-6)


def classes(rows: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The atoms merged into classes that no row tells apart (each row holds all of a class or none of it): the
    class of each atom, the distinct rows over classes, and each class's size. A set in the row space is a union
    of classes, so the search runs over classes."""
    signature, of = np.unique(rows.T, axis=0, return_inverse=True)
    of = np.asarray(of).reshape(-1)
    class_sizes = np.bincount(of, weights=sizes, minlength=len(signature)).astype(int)
    return of, np.unique(signature.T, axis=0), class_sizes


def exposed(rows: np.ndarray, sizes: np.ndarray, k: int, seconds: float = PROGRAM_SECONDS) -> Optional[np.ndarray]:
    """Positions (into `sizes`) of a set of atoms with 1 to k-1 respondents whose sum the rows give, or None. A
    program that runs out of time without an answer gives the smallest class below k (hide more, never less)."""
    if not len(sizes) or not len(rows):
        return None
    rows = rows[rows.any(axis=1)]
    if not len(rows):
        return None
    of, distinct, class_sizes = classes(rows, sizes)
    small = (class_sizes > 0) & (class_sizes < k)
    if not small.any():
        return None
    from scipy.optimize import Bounds, LinearConstraint, milp  # here: SciPy is slow to import, and rarely needed

    count, multipliers = len(class_sizes), len(distinct)
    # P'l - c = 0 for every class; 1 <= sizes.c <= k - 1; classes of k or more cannot be in a small set
    equal = LinearConstraint(np.hstack([distinct.T, -np.eye(count)]), 0, 0)
    weight = LinearConstraint(np.concatenate([np.zeros(multipliers), class_sizes])[None, :], 1, k - 1)
    bounds = Bounds(np.concatenate([np.full(multipliers, -np.inf), np.zeros(count)]),
                    np.concatenate([np.full(multipliers, np.inf), small.astype(float)]))
    integrality = np.concatenate([np.zeros(multipliers), np.ones(count)])
    objective = np.concatenate([np.zeros(multipliers), class_sizes])
    found = milp(objective, constraints=[equal, weight], bounds=bounds, integrality=integrality,
                 options={"time_limit": seconds})
    if found.status == 2:  # infeasible: no small set is exposed
        return None
    if found.x is None:  # out of time (or the solver gave up) without an answer
        chosen = {int(np.flatnonzero(small)[np.argmin(class_sizes[small])])}
    else:
        chosen = {int(c) for c, v in enumerate(found.x[multipliers:]) if v > 0.5}
    return np.flatnonzero(np.isin(of, list(chosen)))


def in_row_space(rows: np.ndarray, vector: np.ndarray) -> bool:
    """Whether `vector` is a linear combination of `rows` (least squares with a zero residual)."""
    if rows.size == 0:
        return not vector.any()
    solution = np.linalg.lstsq(rows.T, vector, rcond=None)[0]
    return bool(np.abs(rows.T @ solution - vector).max() < TOLERANCE)
