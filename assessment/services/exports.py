"""Spreadsheets out of Continuum: scores, and (for administrators) responses long and wide with a codebook.

Every cell and header a spreadsheet would read as a formula is neutralised, so that nothing a respondent or a
facilitator typed can run in the spreadsheet of whoever opens the file, and loses any control character, which
an XLSX file cannot hold (text stored before they were refused may have one). Raw responses are those of the
published results only, and carry an agency, a role level or the language they were answered in only where the
group it names holds at least the round's minimum group size: no row, open answers included, is attributed to a
smaller group.
"""
from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from questionnaires import types
from questionnaires.schema import Questionnaire
from questionnaires.types import AnswerValue

from .. import catalog
from ..db import db
from ..models import Agency, Answer, Response, Round
from ..scoring.results import RoundResults
from ..text import clean
from . import snapshots

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Table = tuple[list[str], list[list[Any]]]


def neutralise(value: Any) -> Any:
    """Text without control characters, with a leading apostrophe when a spreadsheet would take it for a formula;
    numbers stay numbers."""
    if not isinstance(value, str):
        return value
    value = clean(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(table: Table) -> str:
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([["" if v is None else neutralise(v) for v in row] for row in rows])
    return out.getvalue()


def to_xlsx(sheets: dict[str, Table]) -> bytes:
    book = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


OTHER_AGENCIES = "other agencies"


@dataclass(frozen=True)
class Row:
    """One published response with the labels it may carry: its agency's slug only when the agency is shown on
    its own (else OTHER_AGENCIES), its role level only when every role level of that label holds at least k
    respondents (else blank), and its language only when every language of the rows labelled as it is (agency
    and role level as shown) holds at least k (else blank)."""

    response: Response
    agency: str
    role_level: str
    language: str


def _safe(labels: list[tuple], k: int) -> dict[tuple, bool]:
    """For each label (all but the last element of each tuple), whether every value of the last element among
    the rows of that label holds at least `k` rows."""
    classes = Counter(labels)
    return {label[:-1]: all(n >= k for other, n in classes.items() if other[:-1] == label[:-1]) for label in labels}


def _published(round_: Round, results: RoundResults) -> list[Row]:
    """The responses of the round's published results, labelled so that no row belongs to a group below the
    round's minimum group size (k-anonymity on agency, role level and language), in an order that says nothing of
    when anyone answered. A round below the minimum publishes no row."""
    if not results.published:
        return []
    k = round_.min_group_size
    shown = {a.slug for a in results.shown_agencies()}
    slugs = {a.id: a.slug for a in round_.jurisdiction.agencies}
    responses = db.session.scalars(select(Response).where(Response.round_id == round_.id, snapshots.published()))
    labelled = [(r, slugs[r.agency_id] if slugs[r.agency_id] in shown else OTHER_AGENCIES) for r in responses]
    roles_safe = _safe([(label, r.role_level.value) for r, label in labelled], k)
    roled = [(r, label, r.role_level.value if roles_safe[(label,)] else "") for r, label in labelled]
    languages_safe = _safe([(label, role, r.language) for r, label, role in roled], k)
    rows = [Row(r, label, role, r.language if languages_safe[(label, role)] else "") for r, label, role in roled]
    return sorted(rows, key=lambda row: (row.agency, row.role_level,
                                         hashlib.sha256(f"{round_.id}:{row.response.id}".encode()).hexdigest()))


def _cell(q: Questionnaire, answer: Answer) -> Any:
    """A stored answer as its question type writes it in a cell (DK, a number, an option, text)."""
    value = AnswerValue(value=answer.value, dont_know=answer.dont_know, text=answer.text)
    return types.of(q.item(answer.item_id)).cell(value)


def responses_long(round_: Round, results: RoundResults) -> Table:
    """One row per answer; respondents numbered 1..n, never by anything that names them. The answer that set the
    role level is left out: the role_level column carries it, where it may."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    role_item = q.profile_item("role_level")
    slugs = {a.id: a.slug for a in round_.jurisdiction.agencies}
    rows = []
    for number, row in enumerate(_published(round_, results), start=1):
        for answer in sorted(row.response.answers, key=lambda a: (a.item_id, a.target_agency_id or 0)):
            if role_item is None or answer.item_id != role_item.id:
                rows.append([number, row.agency, row.role_level, row.language, answer.item_id,
                             slugs.get(answer.target_agency_id, ""), _cell(q, answer)])
    return ["respondent", "agency", "role_level", "language", "item", "about_agency", "answer"], rows


def responses_wide(round_: Round, results: RoundResults) -> Table:
    """One row per respondent in the import format (`roster:<slug>` columns, DK, | between choices)."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    agencies: list[Agency] = round_.jurisdiction.agencies
    item_columns = [i.id for i in q.items if not types.of(i).per_target and i.sets != "role_level"]
    roster = q.roster_item
    columns = ["agency", "role_level", "language", *item_columns] + ([f"roster:{a.slug}" for a in agencies]
                                                                     if roster else [])
    slugs = {a.id: a.slug for a in agencies}
    rows = []
    for row in _published(round_, results):
        cells = {}
        for answer in row.response.answers:
            key = f"roster:{slugs.get(answer.target_agency_id)}" if answer.target_agency_id else answer.item_id
            cells[key] = _cell(q, answer)
        cells.update(agency=row.agency, role_level=row.role_level, language=row.language)
        rows.append([cells.get(c, "") for c in columns])
    return columns, rows


def codebook(q: Questionnaire) -> Table:
    rows = []
    for section in q.sections:
        for item in section.items:
            kind = types.of(item)
            name = "roster:<agency-slug>" if kind.per_target else item.id
            rows.append([name, section.title, item.type, item.construct or "", "yes" if item.reverse else "",
                         item.text, kind.codebook(item, q)])
    return ["column", "section", "type", "measures", "reversed", "question", "values"], rows


def score_table(results: RoundResults) -> Table:
    """One row per group and construct; a hidden group has one row with its count and no figure."""
    columns = ["scope", "group", "name", "suppressed", "n", "construct", "kind", "score", "respondent_weighted",
               "construct_n", "sd", "band", "level", "qualifier", "nested", "next_step", "readiness_index"]
    groups = [("jurisdiction", "", results.jurisdiction.name, results.jurisdiction)]
    groups += [("agency", a.slug, a.name, a) for a in results.agencies]
    groups += [("sector", s.id, s.label, s) for s in results.sectors]
    groups += [("role_level", r.id, r.label, r) for r in results.role_levels]
    groups += [("sector_role", f"{c.sector}/{c.role_level}", c.label, c) for c in results.sector_roles]
    rows = []
    for scope, key, name, group in groups:
        base = [scope, key, name, group.suppressed, group.n]
        profile = group.profile
        if profile is None:
            rows.append(base + [None] * (len(columns) - len(base)))
            continue
        placed = [profile.level, profile.qualifier, profile.nested, profile.next_step, profile.readiness_index]
        for kind in ("dimensions", "conditions"):
            for construct, f in getattr(profile, kind).items():
                rows.append(base + [construct, kind[:-1], f.score, f.respondent_weighted, f.n, f.sd, f.band] + placed)
    return columns, rows
