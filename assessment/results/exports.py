"""Spreadsheets out of Continuum: scores, and (for administrators) responses long and wide with a codebook.

Every cell and header a spreadsheet would read as a formula is neutralised, so that nothing a respondent or a
facilitator typed can run in the spreadsheet of whoever opens the file, and loses any control character, which
an XLSX file cannot hold (text stored before they were refused may have one). Raw responses are an anonymised
file (`scoring.anonymise`): those of the published results that no published figure lets anyone place in a group
below the round's minimum group size, labelled only as the published results place them, ordered by a keyed hash,
with the open answers in a file of their own; and only once the round is closed, which it then stays.
"""
from __future__ import annotations

import csv
import hmac
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any, Optional

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from questionnaires import types
from questionnaires.schema import Questionnaire
from questionnaires.types import AnswerValue
from reports import words

from .. import catalog
from ..db import db
from ..models import Agency, Answer, Response, Round, utcnow
from ..scoring import published_groups, respondent_scores
from ..scoring.anonymise import Rating, file_rows
from ..scoring.results import RoundResults
from ..services import ServiceError
from ..text import clean
from ..vocabulary import RoundStatus
from . import frames, releases

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
    from openpyxl import Workbook  # here: only spreadsheets need it

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
    """One published response with the labels it may carry (see `scoring.anonymise`): its agency's slug when the
    published results place it in that agency anyway (else OTHER_AGENCIES), its role level when they place it in
    that role level (else blank), and the language it was answered in only when every language of the rows
    labelled as it is holds at least k (else blank)."""

    response: Response
    agency: str
    role_level: str
    language: str


RAW_ONLY_WHEN_CLOSED = ("raw responses are exported only once the round is closed: an anonymised file is planned "
                        "against the results published when it is taken, and the breakdown published at the close "
                        "would otherwise be set beside it")


@dataclass(frozen=True)
class RawFile:
    """The rows of a raw export, and how many published responses it leaves out."""

    rows: list[Row]
    left_out: int


def _safe(labels: list[tuple], k: int) -> dict[tuple, bool]:
    """For each label (all but the last element of each tuple), whether every value of the last element among
    the rows of that label holds at least `k` rows."""
    classes = Counter(labels)
    return {label[:-1]: all(n >= k for other, n in classes.items() if other[:-1] == label[:-1]) for label in labels}


def raw_file(round_: Round, results: RoundResults) -> RawFile:
    """The responses of the round's published results that an anonymised file may hold (see `scoring.anonymise`:
    planned against everything every release published), labelled, in an order that says nothing of when anyone
    answered and that cannot be undone without the app's secret key. A round below the minimum holds no row.

    Only a closed round's: a file is planned against what was published when it is taken, and results published
    after it would be set beside it (a file taken while the round is open holds rows that the breakdown at the
    close places in small groups). For the same reason the first export marks the round (`raw_exported_at`), which
    may then not be reopened. Flushes; the caller commits."""
    if round_.status != RoundStatus.CLOSED:
        raise ServiceError(RAW_ONLY_WHEN_CLOSED)
    if round_.raw_exported_at is None:
        round_.raw_exported_at = utcnow()
        db.session.flush()
    if not results.published:
        return RawFile([], 0)
    k = round_.min_group_size
    held = [x for x in releases.releases_of(round_) if x.seq <= results.release]
    history = [releases.results_of(x) for x in held]
    published = {p for r in history for p in published_groups(r)}
    ratings = {Rating(d.source, d.target, d.as_of or r.release) for r in history for d in r.directed}
    data = frames.round_data(round_, held[-1])
    scored = respondent_scores(data).notna().set_axis(data.respondents["respondent"].to_numpy())
    rated = data.roster.dropna(subset=["value"])[["respondent", "target"]]
    spreads = [r.release for r in history if r.jurisdiction.profile is not None and r.jurisdiction.profile.has_spread]
    kept, left_out = file_rows(data.respondents, scored, rated, sorted(published, key=repr),
                               sorted(ratings, key=repr), k, spreads)
    by_id = {r.id: r for r in db.session.scalars(select(Response).options(selectinload(Response.answers)).where(
        Response.id.in_([row.respondent for row in kept])))}
    labelled = [(by_id[row.respondent], row.agency or OTHER_AGENCIES, row.role_level or "") for row in kept]
    languages_safe = _safe([(agency, role, r.language) for r, agency, role in labelled], k)
    rows = [Row(r, agency, role, r.language if languages_safe[(agency, role)] else "") for r, agency, role in labelled]
    secret = current_app.config["SECRET_KEY"].encode()
    rows.sort(key=lambda row: (row.agency, row.role_level,
                               hmac.new(secret, f"{round_.id}:{row.response.id}".encode(), "sha256").hexdigest()))
    return RawFile(rows, left_out)


def _cell(q: Questionnaire, answer: Answer) -> Any:
    """A stored answer as its question type writes it in a cell (DK, a number, an option, text)."""
    value = AnswerValue(value=answer.value, dont_know=answer.dont_know, text=answer.text)
    return types.of(q.item(answer.item_id)).cell(value)


def _in_rows(q: Questionnaire, item_id: str) -> bool:
    """Whether an answer goes into the rows: not the one that set the role level (the role_level column carries
    it, where it may), and not an open answer (those have a file of their own, unlinked from the rows)."""
    item = q.item(item_id)
    return item.sets != "role_level" and item.type != "text"


def _pooled_targets(round_: Round, raw: RawFile) -> set[int]:
    """The agencies whose rows the file labels together: a row so labelled leaves their roster cells blank, all of
    them, since a respondent never rates their own agency and one blank among them would name it."""
    named = {row.agency for row in raw.rows}
    return {a.id for a in round_.jurisdiction.agencies if a.slug not in named}


def responses_long(round_: Round, raw: RawFile) -> Table:
    """One row per answer; respondents numbered 1..n, never by anything that names them."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    slugs = {a.id: a.slug for a in round_.jurisdiction.agencies}
    pooled = _pooled_targets(round_, raw)
    rows = []
    for number, row in enumerate(raw.rows, start=1):
        for answer in sorted(row.response.answers, key=lambda a: (a.item_id, a.target_agency_id or 0)):
            if not _in_rows(q, answer.item_id):
                continue
            if answer.target_agency_id in pooled and row.agency == OTHER_AGENCIES:
                continue
            rows.append([number, row.agency, row.role_level, row.language, answer.item_id,
                         slugs.get(answer.target_agency_id, ""), _cell(q, answer)])
    return ["respondent", "agency", "role_level", "language", "item", "about_agency", "answer"], rows


def responses_wide(round_: Round, raw: RawFile) -> Table:
    """One row per respondent in the import format (`roster:<slug>` columns, DK, | between choices)."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    agencies: list[Agency] = round_.jurisdiction.agencies
    item_columns = [i.id for i in q.items if not types.of(i).per_target and _in_rows(q, i.id)]
    roster = q.roster_item
    columns = ["agency", "role_level", "language", *item_columns] + ([f"roster:{a.slug}" for a in agencies]
                                                                     if roster else [])
    slugs = {a.id: a.slug for a in agencies}
    pooled = _pooled_targets(round_, raw)
    rows = []
    for row in raw.rows:
        cells = {}
        for answer in row.response.answers:
            if answer.target_agency_id:
                if not (answer.target_agency_id in pooled and row.agency == OTHER_AGENCIES):
                    cells[f"roster:{slugs.get(answer.target_agency_id)}"] = _cell(q, answer)
            elif _in_rows(q, answer.item_id):
                cells[answer.item_id] = _cell(q, answer)
        cells.update(agency=row.agency, role_level=row.role_level, language=row.language)
        rows.append([cells.get(c, "") for c in columns])
    return columns, rows


def open_answers(round_: Round, raw: RawFile) -> Table:
    """The open answers of the file's responses, by question, in an order of their own that ties none of them to a
    row of the other files or to another answer of the same person."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    secret = current_app.config["SECRET_KEY"].encode()
    found = [(a.item_id, a.text, a.id) for row in raw.rows for a in row.response.answers
             if q.item(a.item_id).type == "text" and a.text]
    order = {item.id: n for n, item in enumerate(q.items)}
    found.sort(key=lambda f: (order[f[0]], hmac.new(secret, f"open:{round_.id}:{f[2]}".encode(), "sha256").digest()))
    return ["question", "answer"], [[item, text] for item, text, _ in found]


def notes(round_: Round, raw: RawFile) -> Table:
    """What the raw files hold and leave out, for whoever opens them."""
    k = round_.min_group_size
    lines = [f"{len(raw.rows)} published responses are in these files."]
    if raw.left_out:
        lines.append(f"{raw.left_out} published responses are left out: with the published results beside them, "
                     f"their rows could be placed in a group of fewer than {k} people (an agency's one "
                     "executive, say, or the only respondent of an agency among those published together).")
    lines += ["A row names its agency and role level only where the published results place it there anyway; "
              f"'{OTHER_AGENCIES}' stands for the agencies not shown on their own, whose roster columns are left "
              "blank in those rows.",
              "Open answers are in a file of their own, by question, in an order that ties none of them to a row.",
              "Rows are in an order made from a secret key, which says nothing of when anyone answered."]
    return ["note"], [[line] for line in lines]


def codebook(q: Questionnaire) -> Table:
    rows = []
    for section in q.sections:
        for item in section.items:
            kind = types.of(item)
            name = "roster:<agency-slug>" if kind.per_target else item.id
            rows.append([name, section.title, item.type, item.construct or "", "yes" if item.reverse else "",
                         item.text, kind.codebook(item, q)])
    return ["column", "section", "type", "measures", "reversed", "question", "values"], rows


def _printed(value: Optional[float], places: Optional[int] = None) -> Optional[float]:
    """A figure as the report prints it (`reports.words`): a score in whole points, cut toward its band where the
    whole number would cross into the next one; other figures half up to `places` decimals."""
    if value is None:
        return None
    return float(words.score(value) if places is None else words.half_up(value, places))


def score_table(results: RoundResults) -> Table:
    """One row per group and construct, with its figures as the report prints them (whole points; the SD and the
    readiness index to one decimal), the jurisdiction's 95% intervals, and for a hidden group one row with its
    count and the reason it is not shown."""
    columns = ["scope", "group", "name", "shown", "n", "reason", "construct", "kind", "score",
               "respondent_weighted", "construct_n", "sd", "band", "ci_low", "ci_high", "level", "qualifier",
               "nested", "next_step", "readiness_index", "readiness_ci_low", "readiness_ci_high"]
    groups = [("jurisdiction", "", results.jurisdiction.name, results.jurisdiction)]
    groups += [("agency", a.slug, a.name, a) for a in results.agencies]
    groups += [("sector", s.id, s.label, s) for s in results.sectors]
    groups += [("role_level", r.id, r.label, r) for r in results.role_levels]
    groups += [("sector_role", f"{c.sector}/{c.role_level}", c.label, c) for c in results.sector_roles]
    rows = []
    for scope, key, name, group in groups:
        profile = group.profile
        if profile is None:
            base = [scope, key, name, "no", group.n, group.reason_text or ""]
            rows.append(base + [None] * (len(columns) - len(base)))
            continue
        base = [scope, key, name, "yes", group.n, ""]
        intervals = getattr(group, "intervals", {}) or {}
        whole = getattr(group, "readiness_interval", None)
        placed = [profile.level, profile.qualifier, profile.nested, profile.next_step,
                  _printed(profile.readiness_index, 1), _printed(whole.low if whole else None, 1),
                  _printed(whole.high if whole else None, 1)]
        for kind in ("dimensions", "conditions"):
            for construct, f in getattr(profile, kind).items():
                interval = intervals.get(construct)
                rows.append(base + [construct, kind[:-1], _printed(f.score), _printed(f.respondent_weighted), f.n,
                                    _printed(f.sd, 1), f.band, _printed(interval.low if interval else None),
                                    _printed(interval.high if interval else None)] + placed)
    return columns, rows
