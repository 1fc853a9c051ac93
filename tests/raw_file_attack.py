"""The raw export, attacked as an administrator (or the analyst they hand it to) would, with the published results
beside it: tells in the data, the order of the rows, and an integer program that puts back what was left blank.

The integer program (HiGHS through SciPy) takes the rows of a wide export, each with its scores computed from its
own answers (the method is public), and the published groups of a role-level cut (role levels, and sector x role
level cells where the row's sector is known), each with its n and its mean per construct: it looks for role levels
for the rows that carry none such that every published group's sum is met. The rows the published results may
hold but the file does not (left out for confidentiality) enter as unknowns: each group may be short of some
members, whose scores are anywhere in 0-100. A row is *pinned* to a role level when no assignment that meets every
published figure gives it another one; a pinned row whose agency (shown, or known from the label) holds fewer than
k people at that role level is re-identified.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from assessment.scoring.respondents import item_matrix, reverse_code, scores

SLACK = 1e-6


@dataclass(frozen=True)
class FileRow:
    position: int
    agency: str
    role: str
    language: str
    scores: dict[str, float]
    cells: dict[str, str]


def read_wide(text: str, q) -> list[FileRow]:
    """The rows of a wide CSV export, with each row's scores computed from its own answers."""
    rows = list(csv.DictReader(io.StringIO(text)))
    likert = [i.id for i in q.items if i.type == "likert"]
    answers = []
    for n, row in enumerate(rows):
        for item in likert:
            cell = row.get(item, "")
            if cell not in ("", "DK"):
                answers.append((n, item, float(cell), False))
    frame = pd.DataFrame(answers, columns=["respondent", "item", "value", "dont_know"])
    table = scores(q, reverse_code(q, item_matrix(q, pd.Index(range(len(rows))), frame)))
    return [FileRow(n, row.get("agency", ""), row.get("role_level", ""), row.get("language", ""),
                    {c: float(v) for c, v in table.loc[n].items() if not np.isnan(v)}, row)
            for n, row in enumerate(rows)]


def self_rating_tells(rows: list[FileRow], agencies: list[str]) -> list[tuple[int, str]]:
    """Rows whose roster answers leave exactly one agency unrated: a respondent never rates their own agency, so
    the one blank names it. (Rows that name their agency tell nothing new.)"""
    found = []
    roster = [f"roster:{a}" for a in agencies]
    for row in rows:
        if row.agency in agencies or not any(c in row.cells for c in roster):
            continue
        blank = [c.split(":", 1)[1] for c in roster if row.cells.get(c, "") == ""]
        if len(blank) == 1:
            found.append((row.position, blank[0]))
    return found


def _groups(published: dict) -> list[tuple[str, Optional[str], dict]]:
    """(role level, sector or None, figures) of every shown role-level group of the scores JSON."""
    out = [(r["id"], None, r) for r in published["role_levels"] if "dimensions" in r]
    out += [(c["role_level"], c["sector"], c) for c in published.get("sector_roles", []) if "dimensions" in c]
    return out


def pinned_roles(rows: list[FileRow], published: dict, roles: list[str]) -> dict[int, str]:
    """Rows without a role level whose role level every assignment meeting the published figures agrees on."""
    sector_of = {a["slug"]: a["sector"] for a in published["agencies"]}
    groups = _groups(published)
    constructs = [c["id"] for c in published["constructs"]]
    total_n = published["jurisdiction"]["n"]
    open_rows = [r for r in rows if not r.role]
    if not open_rows or not groups:
        return {}
    n_rows = len(rows)
    x = {(r.position, role): i for i, (r, role) in enumerate((r, role) for r in rows for role in roles)}
    base = len(x)
    short = {g: base + g for g in range(len(groups))}  # members a group has outside the file
    missing = {(g, c): base + len(groups) + g * len(constructs) + j
               for g in range(len(groups)) for j, c in enumerate(constructs)}
    size = base + len(groups) + len(groups) * len(constructs)
    rows_a, lows, highs = [], [], []

    def constraint(coefficients: dict[int, float], low: float, high: float):
        row = np.zeros(size)
        for index, value in coefficients.items():
            row[index] += value
        rows_a.append(row)
        lows.append(low)
        highs.append(high)

    for r in rows:  # one role level each; the labelled ones keep theirs
        constraint({x[(r.position, role)]: 1.0 for role in roles}, 1, 1)
        if r.role:
            constraint({x[(r.position, r.role)]: 1.0}, 1, 1)
    left_out = total_n - n_rows
    for g, (role, sector, figures) in enumerate(groups):
        # a row whose agency is pooled has no known sector: it counts among a sector's members outside the file
        members = [r for r in rows if sector is None or sector_of.get(r.agency) == sector]
        constraint({**{x[(r.position, role)]: 1.0 for r in members}, short[g]: 1.0}, figures["n"], figures["n"])
        for construct in constructs:
            f = (figures.get("dimensions") or {}).get(construct) or (figures.get("conditions") or {}).get(construct)
            if f is None or f["score"] is None:
                continue
            scored = {x[(r.position, role)]: r.scores[construct] for r in members if construct in r.scores}
            target = f["score"] * f["n"]
            constraint({**scored, missing[(g, construct)]: 1.0}, target - SLACK * max(1, target),
                       target + SLACK * max(1, target))
            constraint({missing[(g, construct)]: 1.0, short[g]: -100.0}, -np.inf, 0)
    bounds_low = np.zeros(size)
    outside = [left_out if sector is None else figures["n"] for _, sector, figures in groups]
    bounds_high = np.concatenate([np.ones(base), np.array(outside, dtype=float),
                                  np.repeat(100.0 * np.array(outside, dtype=float), len(constructs))])
    integrality = np.concatenate([np.ones(base), np.ones(len(groups)), np.zeros(len(groups) * len(constructs))])
    matrix = np.array(rows_a)

    def feasible(extra: Optional[tuple[int, float]] = None) -> bool:
        low, high = bounds_low.copy(), bounds_high.copy()
        if extra is not None:
            low[extra[0]] = high[extra[0]] = extra[1]
        result = milp(np.zeros(size), constraints=[LinearConstraint(matrix, lows, highs)],
                      bounds=Bounds(low, high), integrality=integrality, options={"time_limit": 20})
        return result.status == 0

    if not feasible():
        return {}
    pinned = {}
    for r in open_rows:
        possible = [role for role in roles if feasible((x[(r.position, role)], 1.0))]
        if len(possible) == 1:
            pinned[r.position] = possible[0]
    return pinned
