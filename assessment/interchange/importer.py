"""Import responses from a CSV file (paper surveys, earlier rounds).

One row per respondent: `agency` (slug or name), `role_level`, optionally `language` (the language the paper was
answered in, one of the questionnaire's; blank is the language it is written in), one column per item id, and
`roster:<agency-slug>` for roster answers. Blank is unanswered, `DK` is don't know. The whole file is checked
first; when any cell is wrong nothing is imported and every problem is listed by row, column and reason.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Optional

from questionnaires import types
from questionnaires.schema import Item, Questionnaire
from questionnaires.types import AnswerValue

from .. import catalog
from ..db import db
from ..models import Agency, Answer, Response, Round, utcnow
from ..services import Refused, ServiceError, audit
from ..text import clean, csv_delimiter
from ..vocabulary import ResponseStatus, RoleLevel, RoundStatus

ROSTER_PREFIX = "roster:"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


class ImportRefused(Refused):
    """The file was not imported; `problems` says why, cell by cell."""

    def __init__(self, problems: list[Problem]):
        super().__init__("nothing was imported", problems)


@dataclass
class ParsedRow:
    agency: Agency
    role: RoleLevel
    language: str
    answers: dict[tuple[str, Optional[int]], AnswerValue] = field(default_factory=dict)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([Problem(1, "", f"the file is not UTF-8 text (byte {exc.start} cannot be read); "
                                            "save it as CSV UTF-8 and try again")]) from None


class _Columns:
    """What each header column means, with the problems of the header itself."""

    def __init__(self, header: list[str], q: Questionnaire, agencies: dict[str, Agency]):
        self.items: dict[int, Item] = {}
        self.roster: dict[int, Agency] = {}
        self.problems: list[Problem] = []
        self.agency = self.role = self.language = None
        known = {i.id: i for i in q.items if not types.of(i).per_target}
        roster_item = q.roster_item
        seen: dict[str, int] = {}
        for index, raw in enumerate(header):
            name = raw.strip()
            column = _column_name(index, name)
            if name in seen:
                self.problems.append(Problem(1, column, f"duplicate column (also column {seen[name] + 1})"))
                continue
            seen[name] = index
            if name == "agency":
                self.agency = index
            elif name == "role_level":  # also answers the questionnaire's role item, when it has one
                self.role = index
            elif name == "language":
                self.language = index
            elif name in known:
                self.items[index] = known[name]
            elif name.startswith(ROSTER_PREFIX) and roster_item is not None:
                slug = name[len(ROSTER_PREFIX):]
                if slug in agencies:
                    self.roster[index] = agencies[slug]
                else:
                    self.problems.append(Problem(1, column, f"no agency with the slug {slug!r} in this "
                                                            f"jurisdiction (agencies: {', '.join(sorted(agencies))})"))
            elif not name:
                self.problems.append(Problem(1, column, "the column has no name"))
            else:
                self.problems.append(Problem(1, column, "unknown column: not agency, role_level, language, an item "
                                                        f"id of {q.id} v{q.version} or roster:<agency-slug>"))
        for required, index in (("agency", self.agency), ("role_level", self.role)):
            if index is None:
                self.problems.append(Problem(1, required, f"the {required} column is missing"))


def _column_name(index: int, name: str) -> str:
    return name or f"#{index + 1}"


def parse(round_: Round, data: bytes) -> list[ParsedRow]:
    """Check a whole file; return its rows, or raise ImportRefused listing every problem."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    agencies = {a.slug: a for a in round_.jurisdiction.agencies}
    by_name = {a.name.lower(): a for a in agencies.values()}
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused([Problem(1, "", "the file is empty")]) from None
    except csv.Error as exc:
        raise ImportRefused([Problem(1, "", f"not readable as CSV: {exc}")]) from None
    columns = _Columns(header, q, agencies)
    problems = list(columns.problems)
    rows: list[ParsedRow] = []
    role_item = q.profile_item("role_level")
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(number, "", f"{len(cells)} cells, but the header has {len(header)}"))
                continue
            if columns.problems:
                continue
            row = _row(q, number, [clean(c).strip() for c in cells], header, columns, agencies, by_name, role_item,
                       problems)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, "", f"not readable as CSV: {exc}"))
    if not rows and not problems:
        problems.append(Problem(2, "", "the file has a header but no responses"))
    if problems:
        raise ImportRefused(problems)
    return rows


def _row(q, number, cells, header, columns: _Columns, agencies, by_name, role_item, problems) -> Optional[ParsedRow]:
    before = len(problems)
    agency_cell, role_cell = cells[columns.agency], cells[columns.role]
    agency = agencies.get(agency_cell) or by_name.get(agency_cell.lower())
    if agency is None:
        problems.append(Problem(number, "agency", f"{agency_cell!r} is not an agency of this jurisdiction"
                                if agency_cell else "the agency is missing"))
    try:
        role = RoleLevel.parse(role_cell)
    except ValueError as exc:
        role = None
        problems.append(Problem(number, "role_level", str(exc) if role_cell else "the role level is missing"))
    language = cells[columns.language] if columns.language is not None else ""
    if language and language not in q.languages:
        problems.append(Problem(number, "language", f"{language!r} is not a language of {q.id} v{q.version} "
                                                    f"({', '.join(q.languages)})"))
    row = ParsedRow(agency=agency, role=role, language=language or q.languages[0])
    for index, item in columns.items.items():
        cell = cells[index]
        if not cell:
            continue
        try:
            row.answers[(item.id, None)] = types.of(item).parse(item, q, cell)
        except ValueError as exc:
            problems.append(Problem(number, header[index].strip(), str(exc)))
    for index, target in columns.roster.items():
        cell = cells[index]
        if not cell:
            continue
        if agency is not None and target.id == agency.id:
            problems.append(Problem(number, header[index].strip(), "a respondent does not rate their own agency; "
                                                                  "leave this cell blank"))
            continue
        try:
            row.answers[(q.roster_item.id, target.id)] = types.of(q.roster_item).parse(q.roster_item, q, cell)
        except ValueError as exc:
            problems.append(Problem(number, header[index].strip(), str(exc)))
    if role is not None and role_item is not None:
        row.answers[(role_item.id, None)] = AnswerValue(text=role.value)
    return row if len(problems) == before else None


def import_responses(round_: Round, data: bytes) -> int:
    """Check the whole file, then store every row as a submitted response (all in the caller's transaction).

    A closed round takes no import: its results are final. Imported responses wait for a release like any
    submission; the release rules treat them as known to whoever imported them (`Response.invited` is False), so
    that made-up forms cannot peel a group back to fewer than k other people."""
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed and its results are final: it takes no import. An "
                           "administrator can reopen it (saying why) to take late paper forms.")
    rows = parse(round_, data)
    now = utcnow()
    for row in rows:
        response = Response(round_id=round_.id, agency_id=row.agency.id, role_level=row.role,
                            questionnaire_id=round_.questionnaire_id,
                            questionnaire_version=round_.questionnaire_version, language=row.language,
                            status=ResponseStatus.SUBMITTED, current_section=0, started_at=now, updated_at=now,
                            submitted_at=now)
        response.answers = [Answer(item_id=item_id, target_agency_id=target, value=a.value,
                                   dont_know=a.dont_know, text=a.text)
                            for (item_id, target), a in row.answers.items()]
        db.session.add(response)
    db.session.flush()
    by_agency = {}
    for row in rows:
        by_agency[row.agency.slug] = by_agency.get(row.agency.slug, 0) + 1
    audit.record("import", f"round {round_.id}", f"{len(rows)} paper response(s) imported: " +
                 ", ".join(f"{slug} {count}" for slug, count in sorted(by_agency.items())))
    return len(rows)
