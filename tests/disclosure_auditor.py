"""A disclosure auditor: an attacker with every published figure and a spreadsheet, written as linear algebra.

Every published mean with its n is the sum of its group's hidden per-respondent scores; an agency-weighted mean is
a sum with weights 1 / (K n_i). The auditor writes each published figure as an equation over the respondents
(one set of unknowns per construct: the respondents who have a score on it) and asks, for every group of fewer
than k respondents (each respondent alone, each agency, sector, role level, agency x role level and sector x role
level cell, and each union of two small agency x role level cells), whether the group's indicator vector lies in
the row space of the equations. If it does, some combination of published figures gives that small group's sum.

It knows the truth (who belongs where), as an insider attacker would, and nothing of how Continuum decides what
to hide: the figures it reads come from the outputs themselves (the scores JSON, exports, console pages, the
report's content), gathered by the `collect_*` functions below.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

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
    people: list[Person]
    constructs: list[str]
    k: int
    rows: dict[str, list[np.ndarray]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.index = {p.id: n for n, p in enumerate(self.people)}

    # --- what a published figure tells -------------------------------------------------------------------------

    def members(self, agency=None, sector=None, role=None) -> list[Person]:
        return [p for p in self.people if (agency is None or p.agency == agency)
                and (sector is None or p.sector == sector) and (role is None or p.role == role)]

    def mean(self, people: list[Person], constructs=None, source: str = "") -> None:
        """A mean with its n, on each construct: the sum of the group's scores."""
        for construct in constructs or self.constructs:
            row = np.zeros(len(self.people))
            for p in people:
                if construct in p.scored:
                    row[self.index[p.id]] = 1.0
            if row.any():
                self.rows.setdefault(construct, []).append(row)
        if source:
            self.notes.append(source)

    def weighted(self, construct: str, weights: dict[int, float]) -> None:
        row = np.zeros(len(self.people))
        for person_id, weight in weights.items():
            row[self.index[person_id]] = weight
        self.rows.setdefault(construct, []).append(row)

    def agency_weighted(self, shown: set[str]) -> None:
        """The jurisdiction's agency-weighted score as Continuum documents it: each shown agency's mean counts once,
        the hidden agencies together at their pooled mean, weighing as many agencies as they are."""
        for construct in self.constructs:
            scored = [p for p in self.people if construct in p.scored]
            agencies = sorted({p.agency for p in scored})
            hidden = [a for a in agencies if a not in shown]
            total = len(agencies)
            weights = {}
            for agency in agencies:
                if agency in shown:
                    mine = [p for p in scored if p.agency == agency]
                    weights.update({p.id: 1 / (total * len(mine)) for p in mine})
            pool = [p for p in scored if p.agency in hidden]
            weights.update({p.id: len(hidden) / (total * len(pool)) for p in pool})
            if weights:
                self.weighted(construct, weights)

    # --- the attack ----------------------------------------------------------------------------------------------

    def small_groups(self) -> dict[str, list[Person]]:
        groups = {f"respondent {p.id}": [p] for p in self.people}
        for p in self.people:
            groups.setdefault(f"agency {p.agency}", self.members(agency=p.agency))
            groups.setdefault(f"sector {p.sector}", self.members(sector=p.sector))
            groups.setdefault(f"role level {p.role}", self.members(role=p.role))
            groups.setdefault(f"{p.agency} x {p.role}", self.members(agency=p.agency, role=p.role))
            groups.setdefault(f"{p.sector} x {p.role}", self.members(sector=p.sector, role=p.role))
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
            rows = self.rows.get(construct)
            if not rows:
                continue
            matrix = np.array(rows)
            for name, group in groups.items():
                scored = [p for p in group if construct in p.scored]
                if not 0 < len(scored) < self.k:
                    continue
                target = np.zeros(len(self.people))
                for p in scored:
                    target[self.index[p.id]] = 1.0
                solution = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
                if np.abs(matrix.T @ solution - target).max() < TOLERANCE:
                    found.append(Exposure(construct, name, len(scored)))
        return found


# --- gathering what the outputs publish --------------------------------------------------------------------------

def shown(group: dict) -> bool:
    return not group.get("suppressed") and "dimensions" in group


def collect_results(auditor: Auditor, results: dict, sectors: dict[str, str]) -> None:
    """Everything the scores JSON (API, `flask scores`) publishes about groups."""
    j = results["jurisdiction"]
    if shown(j):
        auditor.mean(auditor.people, source="jurisdiction (respondent-weighted)")
        auditor.agency_weighted({a["slug"] for a in results["agencies"] if shown(a)})
    for a in results["agencies"]:
        if shown(a):
            auditor.mean(auditor.members(agency=a["slug"]), source=f"agency {a['slug']}")
    for s in results["sectors"]:
        if shown(s):
            auditor.mean(auditor.members(sector=s["id"]), source=f"sector {s['id']}")
    for r in results["role_levels"]:
        if shown(r):
            auditor.mean(auditor.members(role=r["id"]), source=f"role level {r['id']}")
    for c in results.get("sector_roles", []):
        if shown(c):
            auditor.mean(auditor.members(sector=c["sector"], role=c["role_level"]),
                          source=f"{c['sector']} x {c['role_level']}")


def collect_score_table(auditor: Auditor, header: list[str], rows: list[list]) -> None:
    """The scores export (CSV or XLSX): a row with a score publishes its group."""
    at = {name: n for n, name in enumerate(header)}
    for row in rows:
        if row[at["score"]] in (None, ""):
            continue
        scope, key = row[at["scope"]], row[at["group"]]
        if scope == "jurisdiction":
            people = auditor.people
        elif scope == "agency":
            people = auditor.members(agency=key)
        elif scope == "sector":
            people = auditor.members(sector=key)
        elif scope == "role_level":
            people = auditor.members(role=key)
        else:
            sector, role = key.split("/")
            people = auditor.members(sector=sector, role=role)
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
