"""Contacts from any spreadsheet export: which column holds what, and what each value means.

A file from Outlook, a county directory or an HR system rarely has Continuum's columns (`email`, `agency`,
`role_level`, `language`): it has "E-mail Address", "Company" and "Job Title". The facilitator says which column is
which and what each value means ("Harbor City PD" is the police department, a "Sergeant" is a supervisor,
"Español" is Spanish, "Volunteer" rows are left out); Continuum guesses first, from the names and from the mapping
the jurisdiction's last upload used, which is remembered (only the mapping: never an address). The file itself is
never stored: the mapping page carries it back with the form.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from .. import catalog, languages
from ..db import db
from ..models import Jurisdiction, Round
from ..services import Problem
from ..text import clean, csv_delimiter
from ..vocabulary import RoleLevel
from . import contacts

FIELDS = ("email", "agency", "role_level", "language")
#: A value mapped to this is a row to leave out (a volunteer, an agency not in the assessment).
LEAVE_OUT = "-"
#: The most distinct values of one column the page lists to map.
MOST_VALUES = 200

#: Column names that say what a column holds, compared without case, accents or punctuation.
COLUMN_NAMES = {
    "email": ("email", "e mail", "email address", "e mail address", "mail", "correo", "correo electronico"),
    "agency": ("agency", "company", "organization", "organisation", "employer", "department", "agencia"),
    "role_level": ("role level", "role", "job title", "title", "position", "rank", "cargo", "puesto"),
    "language": ("language", "preferred language", "lang", "idioma", "lengua"),
}
#: Words of a job title that say its role level, the most senior first (the first found decides).
ROLE_WORDS = (
    (RoleLevel.EXECUTIVE, ("director", "chief", "sheriff", "commissioner", "administrator", "superintendent",
                           "president", "head of", "executive", "presiding", "elected", "district attorney",
                           "public defender")),
    (RoleLevel.SUPERVISOR, ("supervisor", "sergeant", "lieutenant", "captain", "manager", "lead", "coordinator",
                            "deputy chief", "principal", "senior")),
    (RoleLevel.LINE_STAFF, ("officer", "agent", "counselor", "counsellor", "therapist", "advocate", "deputy",
                            "detective", "clerk", "analyst", "specialist", "caseworker", "case manager",
                            "assistant", "attorney", "staff", "investigator", "worker")),
)


def plain(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "E-mail Address" -> "e mail address"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    #: The row number (in the file) of each row.
    numbers: list[int]


def read_table(data: bytes | str) -> Table:
    """A file's header and rows (blank rows skipped); ContactsRefused when it is not a CSV at all."""
    text = clean(contacts.decode(data) if isinstance(data, bytes) else data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    try:
        header = [cell.strip() for cell in next(reader)]
        rows, numbers = [], []
        for number, cells in enumerate(reader, start=2):
            if any(c.strip() for c in cells):
                rows.append([c.strip() for c in cells] + [""] * (len(header) - len(cells)))
                numbers.append(number)
    except StopIteration:
        raise contacts.ContactsRefused([Problem("the file", "it is empty")]) from None
    except csv.Error as exc:
        raise contacts.ContactsRefused([Problem("the file", f"not readable as CSV: {exc}")]) from None
    return Table(header, rows, numbers)


@dataclass
class Mapping:
    """Which column holds each field (its header), the role level of everyone when no column says it, and what each
    value of the agency, role level and language columns means (an agency's slug, a role level, a language, or
    LEAVE_OUT)."""

    columns: dict[str, Optional[str]] = field(default_factory=dict)
    role_for_all: Optional[str] = None
    values: dict[str, dict[str, str]] = field(default_factory=lambda: {"agency": {}, "role_level": {},
                                                                       "language": {}})

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "role_for_all": self.role_for_all, "values": self.values},
                          sort_keys=True)

    def to_remember(self) -> "Mapping":
        """What may be kept for the next file: the values given a meaning, never one that looks like an address
        (an address in the wrong column, left out or not, is still an address)."""
        return Mapping(dict(self.columns), self.role_for_all,
                       {name: {value: meant for value, meant in list(values.items())[:MOST_VALUES]
                               if meant and "@" not in value}
                        for name, values in self.values.items()})

    @classmethod
    def from_json(cls, text: Optional[str]) -> "Mapping":
        """A mapping as stored or posted; anything not shaped as one is dropped (a crafted post changes nothing
        else)."""
        try:
            found = json.loads(text or "{}")
            columns = {k: v for k, v in dict(found.get("columns", {})).items()
                       if k in FIELDS and (v is None or isinstance(v, str))}
            role = found.get("role_for_all")
            values = {}
            for name in ("agency", "role_level", "language"):
                given = found.get("values", {}).get(name, {})
                values[name] = {k: v for k, v in (given.items() if isinstance(given, dict) else ())
                                if isinstance(k, str) and isinstance(v, str)}
            return cls(columns, role if role in {r.value for r in RoleLevel} else None, values)
        except (ValueError, AttributeError, TypeError):
            return cls()


def remembered(jurisdiction: Jurisdiction) -> Mapping:
    return Mapping.from_json(jurisdiction.contacts_mapping)


def remember(jurisdiction: Jurisdiction, mapping: Mapping) -> None:
    jurisdiction.contacts_mapping = mapping.to_remember().to_json()
    db.session.flush()


def guess_columns(header: list[str], known: Mapping) -> dict[str, Optional[str]]:
    """Each field's column: the one the last upload used, if the file has it, else one whose name says it."""
    guessed: dict[str, Optional[str]] = {}
    for name in FIELDS:
        last = known.columns.get(name)
        if last in header:
            guessed[name] = last
            continue
        guessed[name] = next((h for h in header if plain(h) in COLUMN_NAMES[name] and h not in guessed.values()),
                             None)
    return guessed


def guess_value(name: str, value: str, round_: Round, known: Mapping) -> str:
    """What a value of the field's column most likely means ("" when nothing says)."""
    if value in known.values.get(name, {}):
        return known.values[name][value]
    if name == "agency":
        agencies = round_.jurisdiction.agencies
        for agency in agencies:
            if plain(value) in (plain(agency.slug), plain(agency.name)):
                return agency.slug
        close = difflib.get_close_matches(plain(value), [plain(a.name) for a in agencies], n=1, cutoff=0.75)
        return next((a.slug for a in agencies if close and plain(a.name) == close[0]), "")
    if name == "role_level":
        try:
            return RoleLevel.parse(value).value
        except ValueError:
            pass
        title = f" {plain(value)} "
        for role, words in ROLE_WORDS:
            if any(f" {word} " in title for word in words):
                return role.value
        return ""
    return languages.parse(value, catalog.of_round(round_).languages) or ""


def distinct(table: Table, column: Optional[str]) -> list[str]:
    if column not in table.header:
        return []
    index = table.header.index(column)
    return sorted({row[index] for row in table.rows if row[index]}, key=str.lower)[:MOST_VALUES]


def counts(table: Table, column: Optional[str]) -> dict[str, int]:
    """How many rows hold each value of the column."""
    if column not in table.header:
        return {}
    index = table.header.index(column)
    found: dict[str, int] = {}
    for row in table.rows:
        found[row[index]] = found.get(row[index], 0) + 1
    return found


def entries(table: Table, mapping: Mapping) -> tuple[list[tuple[str, str, str, str, str]], int, list[Problem]]:
    """The file's rows as contacts' entries (where, address, agency, role level, language) under the mapping; how
    many rows it leaves out (a value mapped to LEAVE_OUT); and what the mapping itself leaves unsaid."""
    at = {name: table.header.index(c) for name, c in mapping.columns.items() if c in table.header}
    problems = [Problem("the columns", f"say which column holds the {name.replace('_', ' ')}")
                for name in ("email", "agency") if name not in at]
    if "role_level" not in at and not mapping.role_for_all:
        problems.append(Problem("the columns", "say which column holds the role level, or give everyone one"))
    if problems:
        return [], 0, problems
    found, left_out = [], 0
    for number, row in zip(table.numbers, table.rows):
        values = {}
        for name in ("agency", "role_level", "language"):
            raw = row[at[name]] if name in at else ""
            values[name] = (mapping.values.get(name, {}).get(raw) or raw) if raw else ""
        if values["role_level"] == "" and "role_level" not in at:
            values["role_level"] = mapping.role_for_all or ""
        if LEAVE_OUT in values.values():
            left_out += 1
            continue
        found.append((f"row {number}", row[at["email"]], values["agency"], values["role_level"],
                      values["language"]))
    return found, left_out, []
