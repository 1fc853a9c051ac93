"""Spreadsheets out of Continuum: scores, and (for administrators) responses long and wide with a codebook.

Every cell and header a spreadsheet would read as a formula is neutralised, so that nothing a respondent or a
facilitator typed can run in the spreadsheet of whoever opens the file, and loses any control character, which
an XLSX file cannot hold (text stored before they were refused may have one).
"""
from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from questionnaires.schema import Questionnaire

from .. import catalog
from ..db import db
from ..models import Agency, Answer, Response, Round
from ..text import clean
from ..vocabulary import ResponseStatus

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DONT_KNOW = "DK"
MULTI_SEPARATOR = "|"

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


def _submitted(round_: Round) -> list[Response]:
    return list(db.session.scalars(select(Response).where(
        Response.round_id == round_.id, Response.status == ResponseStatus.SUBMITTED).order_by(Response.id)))


def _cell(answer: Answer) -> Any:
    if answer.dont_know:
        return DONT_KNOW
    if answer.value is not None:
        return int(answer.value) if float(answer.value).is_integer() else answer.value
    return (answer.text or "").replace("\n", MULTI_SEPARATOR)


def responses_long(round_: Round) -> Table:
    """One row per answer; respondents numbered 1..n, never by anything that names them."""
    slugs = {a.id: a.slug for a in round_.jurisdiction.agencies}
    rows = []
    for number, response in enumerate(_submitted(round_), start=1):
        for answer in sorted(response.answers, key=lambda a: (a.item_id, a.target_agency_id or 0)):
            rows.append([number, slugs[response.agency_id], response.role_level.value, answer.item_id,
                         slugs.get(answer.target_agency_id, ""), _cell(answer)])
    return ["respondent", "agency", "role_level", "item", "about_agency", "answer"], rows


def responses_wide(round_: Round) -> Table:
    """One row per respondent in the import format (`roster:<slug>` columns, DK, | between choices)."""
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    agencies: list[Agency] = round_.jurisdiction.agencies
    item_columns = [i.id for i in q.items if i.type != "roster" and i.sets != "role_level"]
    roster = q.roster_item
    columns = ["agency", "role_level", *item_columns] + ([f"roster:{a.slug}" for a in agencies] if roster else [])
    slugs = {a.id: a.slug for a in agencies}
    rows = []
    for response in _submitted(round_):
        cells = {"agency": slugs[response.agency_id], "role_level": response.role_level.value}
        for answer in response.answers:
            key = f"roster:{slugs.get(answer.target_agency_id)}" if answer.target_agency_id else answer.item_id
            cells[key] = _cell(answer)
        rows.append([cells.get(c, "") for c in columns])
    return columns, rows


def codebook(q: Questionnaire) -> Table:
    rows = []
    for section in q.sections:
        for item in section.items:
            if item.type in ("likert", "roster"):
                scale = q.scales[item.scale]
                values = "; ".join(f"{o.value}={o.label}" for o in scale.options)
                values += f"; {DONT_KNOW}={scale.dont_know}" if scale.dont_know else ""
            elif item.options:
                values = "; ".join(f"{o.value}={o.label}" for o in item.options)
            else:
                values = "free text"
            name = "roster:<agency-slug>" if item.type == "roster" else item.id
            rows.append([name, section.title, item.type, item.construct or "", "yes" if item.reverse else "",
                         item.text, values])
    return ["column", "section", "type", "measures", "reversed", "question", "values"], rows


def score_table(results: dict) -> Table:
    """One row per group and construct; a suppressed group has one row that says so and carries no figure."""
    columns = ["scope", "group", "name", "suppressed", "n", "construct", "kind", "score", "respondent_weighted",
               "construct_n", "sd", "band", "level", "qualifier", "nested", "next_step", "readiness_index"]
    groups = [("jurisdiction", "", results["jurisdiction"]["name"], {**results["jurisdiction"], "suppressed": False})]
    groups += [("agency", a["slug"], a["name"], a) for a in results["agencies"]]
    groups += [("sector", s["id"], s["label"], s) for s in results["sectors"]]
    groups += [("role_level", r["id"], r["label"], r) for r in results["role_levels"]]
    rows = []
    for scope, key, name, group in groups:
        base = [scope, key, name, group["suppressed"], group["n"]]
        if group["suppressed"]:
            rows.append(base + [None] * (len(columns) - len(base)))
            continue
        placed = [group[k] for k in ("level", "qualifier", "nested", "next_step", "readiness_index")]
        for kind in ("dimensions", "conditions"):
            for construct, f in group[kind].items():
                rows.append(base + [construct, kind[:-1], f["score"], f["respondent_weighted"], f["n"], f["sd"],
                                    f["band"]] + placed)
    return columns, rows

