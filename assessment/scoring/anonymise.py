"""The raw export as an anonymised file: which published responses it may hold, and what each row may say of its
group, so that no row can be put in a group smaller than k with the published results beside it.

A row of raw answers is far more than a figure: with every group's published sum, an integer program can sort the
rows into the groups (which rows add up to the executives' sum, which to an agency's, which to a release's step),
and a row that lands alone in a small intersection (an agency's one executive, the one treatment respondent of a
release) is that person. So the file is planned against the worst case, an attacker who puts every row back in
every published group it belongs to:

- The published groups of every release of the round (`disclosure.Published`: the jurisdiction, agencies,
  sectors, role levels and sector x role level cells, each up to the release its figures are of, and the rating
  agencies of the published roster ratings) divide the respondents into *parts*: those who belong to exactly the
  same published groups. A part is the finest group the published results can tell apart, so a row in the file is
  known to be one of its part's members, and no one in particular among them when the part holds at least k.
- A part of fewer than k respondents is left out of the file. So would the answers of those left out be given by
  subtraction (a published sum less the rows in the file), so the left-out respondents of every part together
  must be, in every published group and on every construct and roster rating, no set of fewer than k whose sum the
  groups give (the disclosure plan's integer program). While one is, more of the smallest published group that
  holds it is left out (an agency's one executive is covered by more of that agency, not by anyone).
- The jurisdiction's standard deviations, where published, give the sum of the squares of its scores, and so of
  those left out (less the squares of the rows in the file): a few people's sum and sum of squares leave few ways
  they could have answered (see `disclosure.spread_moves`). So on every construct, the respondents of each release
  whose SDs were published who are left out are none or at least `SPREAD_MIN_N`; while they are fewer, more of
  that release's rows are left out.
- Each row names its agency when its part lies inside an agency that is published, and its role level when its
  part lies inside a published role-level group: what the published results tell anyway.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from .disclosure import AGENCY, ROLE_LEVEL, SECTOR_ROLE, SPREAD_MIN_N, Published, exposed


@dataclass(frozen=True)
class Rating:
    """A published roster rating: the raters of `source` who rated `target`, up to release `version`."""

    source: str
    target: str
    version: int


@dataclass(frozen=True)
class FileRow:
    respondent: int
    agency: Optional[str]
    role_level: Optional[str]


def file_rows(respondents: pd.DataFrame, scored: pd.DataFrame, rated: pd.DataFrame,
              published: Sequence[Published], ratings: Sequence[Rating], k: int,
              spreads: Sequence[int] = ()) -> tuple[list[FileRow], int]:
    """`respondents`: respondent, agency, role_level, release (the published ones, in the order in which the file
    leaves them out first); `scored`: respondent x construct, whether each has a score on it; `rated`: respondent,
    target of every rating given (not "don't know"); `spreads`: the releases that published the jurisdiction's
    standard deviations. Returns the rows the file may hold, labelled, and how many published responses it leaves
    out."""
    people = respondents.reset_index(drop=True)
    if people.empty:
        return [], 0
    cells = [(p, _members(people, p)) for p in published]
    raters = sorted({(r.source, r.version) for r in ratings})
    identity = [m for _, m in cells] + [_rated_by(people, source, version) for source, version in raters]
    _, part = np.unique(np.array(identity).T, axis=0, return_inverse=True)
    part = np.asarray(part).reshape(-1)
    spaces = [(np.array([m for _, m in cells]), _measures(people, scored))]
    for target, block in rated.groupby("target"):
        gave = people["respondent"].isin(block["respondent"]).to_numpy()
        rows = [_rated_by(people, r.source, r.version) & gave for r in ratings if r.target == target]
        if rows:
            spaces.append((np.array(rows), gave[None, :].astype(int)))
    sizes = np.bincount(part)
    # who of each part is left out, first in the order given
    out = np.zeros(len(people), dtype=bool)
    for p in np.flatnonzero(sizes < k):
        out[part == p] = True
    flags = _measures(people, scored)[1:].astype(bool)
    while True:
        while (found := _leak(spaces, part, out, k)) is not None:
            _leave_out_more(*found, part, out, k)
        more = _few_squares(people, flags, out, spreads, 1 if k == 1 else SPREAD_MIN_N)
        if more is None:
            break
        out |= more
    rows = []
    for p in sorted(set(part[~out])):
        members = part == p
        agency = _label(cells, members, AGENCY)
        role = _label(cells, members, ROLE_LEVEL) or _label(cells, members, SECTOR_ROLE)
        rows += [FileRow(int(r), agency, role) for r in people.loc[members & ~out, "respondent"]]
    return rows, int(out.sum())


def _members(people: pd.DataFrame, published: Published) -> np.ndarray:
    members = (people["release"] <= published.version).to_numpy().copy()
    if published.agencies is not None:
        members &= people["agency"].isin(list(published.agencies)).to_numpy()
    if published.cell.role is not None:
        members &= (people["role_level"] == published.cell.role).to_numpy()
    return members


def _rated_by(people: pd.DataFrame, source: str, version: int) -> np.ndarray:
    return ((people["agency"] == source) & (people["release"] <= version)).to_numpy()


def _measures(people: pd.DataFrame, scored: pd.DataFrame) -> np.ndarray:
    """Per measure (respondents, then each construct), 1 where the respondent counts."""
    flags = scored.reindex(people["respondent"]).fillna(False).astype(int).to_numpy().T
    return np.vstack([np.ones(len(people), dtype=int), flags])


def _leak(spaces, part: np.ndarray, out: np.ndarray, k: int) -> Optional[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Respondents left out whose answers the published sums give, less the rows in the file: a set of them with 1
    to k-1 respondents (on some measure) in the row space of the published groups restricted to those left out,
    with the groups and the measure of the attack. Those left out of one part are alike to every published group,
    so they are one class of the search."""
    if not out.any():
        return None
    for rows, sizes in spaces:
        for measure in sizes:
            counted = out & (measure > 0)
            if not counted.any():
                continue
            columns = np.flatnonzero(counted)
            classes = np.unique(part[columns])
            merged = np.array([rows[:, columns[part[columns] == c][0]] for c in classes]).T.astype(float)
            weight = np.array([int((part[columns] == c).sum()) for c in classes])
            found = exposed(merged, weight, k)
            if found is not None:
                return np.isin(part, classes[found]) & counted, rows, measure > 0
    return None


def _few_squares(people: pd.DataFrame, flags: np.ndarray, out: np.ndarray, spreads: Sequence[int],
                 at_least: int) -> Optional[np.ndarray]:
    """More rows to leave out when, up to a release that published the jurisdiction's SDs, those left out with a
    score on some construct are more than none and fewer than `at_least`: the first rows in the file of that
    release and construct, as many as it takes (None when no such set is left out)."""
    for version in sorted(set(spreads)):
        upto = (people["release"] <= version).to_numpy()
        for scored in flags:
            left = int((out & upto & scored).sum())
            if 0 < left < at_least:
                more = np.zeros(len(out), dtype=bool)
                more[np.flatnonzero(~out & upto & scored)[:at_least - left]] = True
                return more
    return None


def _leave_out_more(leak: np.ndarray, groups: np.ndarray, counts: np.ndarray, part: np.ndarray, out: np.ndarray,
                    k: int) -> None:
    """Close a leak: in the smallest published group (of the attack's kind) that holds some of it and still has
    rows in the file that count on the attack's measure, leave out up to k-1 more of those (from its smallest part),
    so that what is left out there is no longer small. The rows of that part still in the file stay as anonymous as
    before: each is one of its part's members."""
    touching = groups[:, leak].any(axis=1)
    for g in sorted(np.flatnonzero(touching), key=lambda g: (groups[g].sum(), g)):
        inside = groups[g] & ~out & counts
        if not inside.any():
            continue
        candidates = np.unique(part[inside])
        chosen = min(candidates, key=lambda p: (int((part == p).sum()), int(p)))
        out[np.flatnonzero((part == chosen) & inside)[:k - 1]] = True
        return
    out[~out] = True


def _label(cells, members: np.ndarray, cut: str) -> Optional[str]:
    """The agency (or role level) a part lies inside, when a published group of that cut holds the whole part."""
    for published, group in cells:
        if published.cell.cut == cut and group[members].all():
            key = published.cell.key
            return key[0] if cut == AGENCY else key[-1]
    return None
