"""The disclosure plan's search, as pure code: the fast test of which groups close a leak agrees with the direct
one, and a plan whose time runs out holds back every group it has not cleared (hide more, never less)."""
import itertools

import numpy as np
import pandas as pd

from assessment.scoring import disclosure
from assessment.scoring.disclosure import JURISDICTION, Cell, _Closing, in_row_space

ROLES = ("line_staff", "supervisor", "executive")
SECTORS = ("community_supervision", "treatment", "law_enforcement", "victim_advocacy", "prosecution", "judiciary")
#: A budget no plan here runs out of, however loaded the machine that runs the tests (its slack on the wall too).
ENOUGH = 600.0


def test_the_fast_closing_test_agrees_with_the_direct_one():
    rng = np.random.default_rng(7)
    tried = closing_found = 0
    for _ in range(150):
        atoms = int(rng.integers(3, 25))
        rows = (rng.random((int(rng.integers(2, 20)), atoms)) < 0.35).astype(float)
        rows = np.vstack([rows, rows[: int(rng.integers(0, 3))]])  # duplicates make the rows rank-deficient
        target = rows[rng.choice(len(rows), size=int(rng.integers(1, 3)), replace=False)].sum(axis=0)
        target = (target > 0).astype(float) if rng.random() < 0.3 else target
        cells = [Cell("agency", (f"a{i}",)) for i in range(len(rows))]
        closing = _Closing(rows, target, {cell: i for i, cell in enumerate(cells)})
        for held in itertools.chain(([i] for i in range(len(rows))), itertools.combinations(range(len(rows)), 2)):
            direct = not in_row_space(np.delete(rows, list(held), axis=0), target)
            assert closing([cells[i] for i in held]) == direct, (rows, target, held)
            tried += 1
            closing_found += direct
    assert tried > 5000 and 0 < closing_found < tried  # both answers occur


def county(agencies: int, seed: int) -> pd.DataFrame:
    """Many small agencies over the sectors and role levels: leaks to close everywhere."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in range(agencies):
        roles = rng.choice(ROLES, size=int(rng.integers(1, 9)), p=[0.6, 0.3, 0.1])
        for role in ROLES:
            count = int((roles == role).sum())
            if count:
                rows.append({"agency": f"agency-{n:02d}", "sector": SECTORS[n % len(SECTORS)], "role_level": role,
                             "respondents": count, "information": count, "capacity": count})
    return pd.DataFrame(rows)


def moving_rows(atoms: pd.DataFrame, plan) -> np.ndarray:
    rows = []
    for cell in plan.respondents:
        if plan.moves(cell):
            members = np.zeros(len(atoms), dtype=bool)
            for position, row in enumerate(atoms.itertuples(index=False)):
                members[position] = cell in disclosure.cells_of(row.agency, row.sector, row.role_level)
            rows.append(members)
    return np.array(rows, dtype=float)


def test_a_plan_out_of_time_holds_back_every_group_it_has_not_cleared():
    atoms = county(30, seed=3)
    full = disclosure.plan(atoms, 3, budget=ENOUGH)
    assert not full.cut_short and any(full.moves(c) for c in full.respondents if c.cut != JURISDICTION)
    assert disclosure.COMPLEMENTARY in full.hidden.values()  # there was a leak to close

    rushed = disclosure.plan(atoms, 3, budget=0)
    assert rushed.cut_short
    assert [c for c in rushed.respondents if rushed.moves(c)] == [Cell(JURISDICTION)]
    for plan in (full, rushed):  # neither exposes a set of fewer than 3, searched without a time limit
        assert disclosure._Space(atoms, 3).leak(moving_rows(atoms, plan)) is None


def test_a_plan_out_of_time_keeps_what_earlier_releases_published():
    atoms = county(12, seed=5)
    first = disclosure.plan(atoms, 3, budget=ENOUGH)
    history = [disclosure.Published(cell, 1) for cell in first.respondents if first.moves(cell)]
    later = atoms.assign(release=1)
    joined = later.assign(release=2, respondents=3, information=3, capacity=3).head(4)
    rushed = disclosure.plan(pd.concat([later, joined], ignore_index=True), 3, history, release=2, budget=0)
    assert rushed.cut_short
    assert {c for c in rushed.kept} == {p.cell for p in history} - {Cell(JURISDICTION)}
    assert all(rushed.kept[c] == 1 for c in rushed.kept)


def busy_machine(monkeypatch, atoms, seconds: float) -> None:
    """The thread that plans is kept off the CPU for `seconds` in all, a little for each atom."""
    import time

    cells_of = disclosure.cells_of

    def while_the_machine_is_busy(*args):
        time.sleep(seconds / len(atoms))
        return cells_of(*args)

    monkeypatch.setattr(disclosure, "cells_of", while_the_machine_is_busy)


def test_time_the_planning_thread_waits_does_not_count_against_its_budget(monkeypatch):
    """A loaded machine (other requests, other processes) keeps the thread that plans waiting: the budget counts
    the thread's own CPU, so the plan is the one a quiet machine makes, not a cut-short one that hides more."""
    import time

    atoms = county(12, seed=5)
    quiet = disclosure.plan(atoms, 3, budget=ENOUGH)
    busy_machine(monkeypatch, atoms, 2.4)
    started = time.monotonic()
    waited = disclosure.plan(atoms, 3, budget=2.0)  # 2.4 s off the CPU: more than the budget, within its slack
    assert time.monotonic() - started > 2.0
    assert not waited.cut_short
    assert (waited.hidden, waited.kept) == (quiet.hidden, quiet.kept)


def test_a_plan_kept_waiting_past_its_slack_on_the_wall_is_cut_short_and_hides_more(monkeypatch):
    """Time on the wall is bounded too (a plan holds its round while it runs): past `WALL_SLACK` times its budget,
    a plan holds back every group it has not cleared."""
    atoms = county(12, seed=5)
    quiet = disclosure.plan(atoms, 3, budget=ENOUGH)
    busy_machine(monkeypatch, atoms, 0.6)
    waited = disclosure.plan(atoms, 3, budget=0.6 / disclosure.WALL_SLACK / 2)
    assert waited.cut_short
    assert set(quiet.hidden) <= set(waited.hidden) and len(waited.hidden) > len(quiet.hidden)


def test_a_minimum_group_of_one_hides_nothing_however_little_time_the_plan_has():
    """With a minimum of 1 no group is small: nothing is searched, so nothing runs out of time."""
    atoms = county(12, seed=5)
    rushed = disclosure.plan(atoms, 1, budget=0)
    assert not rushed.cut_short and rushed.hidden == {} and all(rushed.moves(c) for c in rushed.respondents)
