"""A round as one JSON document, and back: for backups and for moving a round to another database.

The document holds the round, the agencies of its jurisdiction, its invitations (token hashes only, so links
keep working where the round is restored), its responses with their answers, the releases of its results (when
each was taken, and how it grouped the agencies: what a restored round needs to publish the same results, which it
works out again from the answers), and its commitments. Answers name
agencies by slug, never by database id, so a round restores into a database whose ids differ. It holds no contact
and no address; an invitation names its response only while that is a draft (a submitted response is tied to no
invitation, here as in the database).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import select

from questionnaires import types
from questionnaires.schema import Questionnaire
from questionnaires.types import AnswerValue

from .. import catalog
from ..db import MAX_INTEGER, db
from ..models import Agency, Answer, Commitment, Invitation, Jurisdiction, Release, Response, Round
from ..places.jurisdictions import slugify
from ..results import releases
from ..services import Problem, Refused, ServiceError, audit
from ..text import first_control_character
from ..vocabulary import InvitationStatus, ResponseStatus, RoleLevel, RoundStatus, Sector

FORMAT = "continuum-round"
VERSION = 1
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
#: The longest texts the console takes for each (a commitment as its form does).
NAME, SLUG, IDENTIFIER, WHAT = 200, 80, 64, 2000


def export_round(round_: Round) -> dict[str, Any]:
    agencies = {a.id: a.slug for a in round_.jurisdiction.agencies}
    responses = db.session.scalars(select(Response).where(Response.round_id == round_.id)
                                   .order_by(Response.id)).all()
    keys = {response.id: n for n, response in enumerate(responses, start=1)}
    invitations = db.session.scalars(select(Invitation).where(Invitation.round_id == round_.id)
                                     .order_by(Invitation.id)).all()
    return {
        "format": FORMAT, "version": VERSION, "exported_at": _time(dt.datetime.now(dt.timezone.utc)),
        "jurisdiction": {"name": round_.jurisdiction.name},
        "agencies": [{"slug": a.slug, "name": a.name, "sector": a.sector.value} for a in round_.jurisdiction.agencies],
        "round": {
            "title": round_.title, "questionnaire_id": round_.questionnaire_id,
            "questionnaire_version": round_.questionnaire_version, "status": round_.status.value,
            "opens_at": _time(round_.opens_at), "closes_at": _time(round_.closes_at),
            "min_group_size": round_.min_group_size, "created_at": _time(round_.created_at),
            "open_link_hash": round_.open_link_hash, "raw_exported_at": _time(round_.raw_exported_at),
            "draws_seed": round_.draws_seed,
        },
        "releases": [{"release": r.seq, "taken_at": _time(r.taken_at), "final": r.final,
                      "agencies": json.loads(r.grouping)} for r in releases.releases_of(round_)],
        "invitations": [{
            "agency": agencies[i.agency_id], "role_level": i.role_level.value, "token_hash": i.token_hash,
            "status": i.status.value, "response": keys.get(i.response_id), "created_at": _time(i.created_at),
            "revoked_at": _time(i.revoked_at),
        } for i in invitations],
        "responses": [{
            "key": keys[r.id], "agency": agencies[r.agency_id], "role_level": r.role_level.value,
            "questionnaire_id": r.questionnaire_id, "questionnaire_version": r.questionnaire_version,
            "language": r.language, "status": r.status.value, "current_section": r.current_section,
            "started_at": _time(r.started_at), "updated_at": _time(r.updated_at),
            "submitted_at": _time(r.submitted_at), "release": r.released_in, "invited": r.invited,
            "answers": [{"item": a.item_id, "target": agencies.get(a.target_agency_id), "value": a.value,
                         "dont_know": a.dont_know, "text": a.text}
                        for a in sorted(r.answers, key=lambda a: a.id)],
        } for r in responses],
        "commitments": [{"dimension": c.dimension, "what": c.what, "owner": c.owner,
                         "due": c.due.isoformat() if c.due else None, "created_at": _time(c.created_at)}
                        for c in db.session.scalars(select(Commitment).where(Commitment.round_id == round_.id)
                                                    .order_by(Commitment.id))],
    }


def read_document(data: bytes) -> Any:
    """The JSON in `data`; ServiceError when it cannot be read safely (not UTF-8 or not JSON, nested thousands
    deep, a number of thousands of digits, Infinity or NaN)."""
    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise ServiceError(f"this is not a JSON file: byte {exc.start} is not UTF-8 text") from None
    except RecursionError:
        raise ServiceError("this is not a round export: it is nested too deeply") from None
    except ValueError as exc:
        raise ServiceError(f"this is not a JSON file Continuum can read: {exc}") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


class RestoreRefused(Refused):
    """The round was not restored; `problems` says why, each with its place in the document."""

    def __init__(self, problems: list[Problem]):
        super().__init__("nothing was restored", problems)


def import_round(document: Any) -> Round:
    """Restore an exported round. The whole document is checked first, against the questionnaire its answers
    were given to and against this database; on any problem nothing is written, and every problem is listed with
    its place. The jurisdiction and agencies are matched by name and slug, and made when missing. A round whose
    links already exist in this database is refused (it is already here)."""
    plan = _check(document)
    round_ = _write(plan)
    audit.record("import", f"round {round_.id}", f"restored round {round_.title!r} of {plan.jurisdiction} "
                                                 f"({len(plan.responses)} responses)")
    return round_


@dataclass
class _Row:
    """A row to write: its column values, and the document's names for the rows it refers to."""

    columns: dict[str, Any]
    agency: Optional[str] = None
    key: Optional[int] = None
    answers: list[_Row] = field(default_factory=list)


@dataclass
class _Plan:
    jurisdiction: str
    agencies: list[_Row]
    round: dict[str, Any]
    responses: list[_Row]
    invitations: list[_Row]
    commitments: list[dict[str, Any]]
    releases: list[dict[str, Any]] = field(default_factory=list)


def _write(plan: _Plan) -> Round:
    jurisdiction = db.session.scalar(select(Jurisdiction).where(Jurisdiction.name == plan.jurisdiction))
    if jurisdiction is None:
        jurisdiction = Jurisdiction(name=plan.jurisdiction)
        db.session.add(jurisdiction)
    agencies = {a.slug: a for a in jurisdiction.agencies}
    for row in plan.agencies:
        if row.columns["slug"] not in agencies:
            agencies[row.columns["slug"]] = Agency(jurisdiction=jurisdiction, **row.columns)
            db.session.add(agencies[row.columns["slug"]])
    round_ = Round(jurisdiction=jurisdiction, **plan.round)
    db.session.add(round_)
    db.session.flush()  # ids for the round and the agencies
    responses = {}
    for row in plan.responses:
        response = Response(round_id=round_.id, agency_id=agencies[row.agency].id, **row.columns)
        response.answers = [Answer(target_agency_id=agencies[a.agency].id if a.agency else None, **a.columns)
                            for a in row.answers]
        responses[row.key] = response
        db.session.add(response)
    for row in plan.invitations:  # a submitted response is tied to no invitation (documents from before: cut now)
        draft = responses.get(row.key) if row.columns["status"] != InvitationStatus.SUBMITTED else None
        db.session.add(Invitation(round=round_, agency=agencies[row.agency], response=draft, **row.columns))
    db.session.add_all(Commitment(round_id=round_.id, **columns) for columns in plan.commitments)
    held = Counter(row.columns["released_in"] for row in plan.responses if row.columns["released_in"] is not None)
    for release in plan.releases:  # results are worked out again when first read (releases.latest)
        db.session.add(Release(round_id=round_.id, responses=sum(n for seq, n in held.items()
                                                                 if seq <= release["seq"]), **release))
    db.session.flush()
    return round_


def _check(document: Any) -> _Plan:
    """The document read into rows to write, or RestoreRefused listing every problem found in it."""
    read = _Reader()
    if not isinstance(document, dict):
        raise RestoreRefused([Problem("the document", "it is not a JSON object")])
    if document.get("format") != FORMAT:
        raise RestoreRefused([Problem("the document", f"this is not a Continuum round export (format should be "
                                                      f"{FORMAT!r})")])
    if document.get("version") != VERSION:
        raise RestoreRefused([Problem("the document", f"unsupported export version {document.get('version')!r} "
                                                      f"(this Continuum reads version {VERSION})")])
    name = read.text(read.mapping(document, "jurisdiction", "the document"), "name", "jurisdiction", NAME)
    existing = db.session.scalar(select(Jurisdiction).where(Jurisdiction.name == name)) if name else None
    agencies = _check_agencies(read, document, existing)
    known = set(agencies) | {a.slug for a in (existing.agencies if existing else [])}
    round_, q = _check_round(read, document)
    responses = _check_responses(read, document, known)
    invitations = _check_invitations(read, document, known, responses)
    claimed = {row.key for row in invitations if row.key is not None}
    for key, row in responses.items():  # documents written before `invited`: what came through an invitation
        if row.columns["invited"] is None:
            row.columns["invited"] = key in claimed
    commitments = _check_commitments(read, document, q)
    held = _check_releases(read, document, agencies, responses)
    if read.problems:
        raise RestoreRefused(read.problems)
    return _Plan(name, list(agencies.values()), round_, list(responses.values()), invitations, commitments, held)


def _check_releases(read: _Reader, document: dict, agencies: dict[str, _Row],
                    responses: dict[int, _Row]) -> list[dict[str, Any]]:
    """The releases of the round's results, numbered 1, 2, ...; every response a release holds names one of them.
    A document from before releases held its published responses in one snapshot: that becomes release 1."""
    found = []
    if "releases" not in document:
        published = [row for row in responses.values() if row.columns.pop("published_at", None) is not None]
        for row in published:
            row.columns["released_in"] = 1
        if published:
            grouping = [{"slug": a.columns["slug"], "name": a.columns["name"],
                         "sector": a.columns["sector"].value if a.columns["sector"] else None}
                        for a in agencies.values()]
            found.append({"seq": 1, "taken_at": max(row.columns["submitted_at"] or row.columns["updated_at"]
                                                    for row in published), "final": False,
                          "grouping": json.dumps(grouping)})
        return found
    for row in responses.values():
        row.columns.pop("published_at", None)
    for where, entry in read.entries(document, "releases", "the document"):
        seq = read.integer(entry, "release", where, 1, MAX_INTEGER)
        if seq is not None and seq != len(found) + 1:
            read.note(where, f"release {seq} should be release {len(found) + 1}: releases are numbered in order")
        grouping = []
        for at, agency in read.entries(entry, "agencies", where):
            slug = read.agency(agency, "slug", at, set(agencies))
            sector = read.choice(agency, "sector", at, Sector)
            grouping.append({"slug": slug, "name": read.text(agency, "name", at, NAME),
                             "sector": sector.value if sector else None})
        found.append({"seq": seq, "taken_at": read.time(entry, "taken_at", where, required=True),
                      "final": bool(read.boolean(entry, "final", where, required=False)),
                      "grouping": json.dumps(grouping)})
    for key, row in responses.items():
        seq = row.columns["released_in"]
        if seq is not None and seq > len(found):
            read.note(f"responses[{key}]", f"release {seq} is not one of the document's {len(found)} release(s)")
        if seq is not None and row.columns["status"] != ResponseStatus.SUBMITTED:
            read.note(f"responses[{key}]", "only a submitted response is in a release")
    return found


def _check_agencies(read: _Reader, document: dict, existing: Optional[Jurisdiction]) -> dict[str, _Row]:
    held = {a.slug: a for a in existing.agencies} if existing else {}
    agencies: dict[str, _Row] = {}
    for where, entry in read.entries(document, "agencies", "the document"):
        slug = read.text(entry, "slug", where, SLUG)
        name = read.text(entry, "name", where, NAME)
        sector = read.choice(entry, "sector", where, Sector)
        if slug is None:
            continue
        if slugify(slug) != slug:
            read.note(where, f"slug {slug!r} should be lower-case letters, digits and dashes")
        elif slug in agencies:
            read.note(where, f"slug {slug!r} is used twice")
        elif slug in held and sector is not None and held[slug].sector != sector:
            read.note(where, f"{existing.name} already has agency {slug!r} in sector {held[slug].sector.value!r}, "
                             f"not {sector.value!r}")
        agencies[slug] = _Row({"slug": slug, "name": name, "sector": sector})
    return agencies


def _check_round(read: _Reader, document: dict) -> tuple[dict[str, Any], Optional[Questionnaire]]:
    info = read.mapping(document, "round", "the document")
    q = read.questionnaire(info, "round")
    open_link = read.sha256(info, "open_link_hash", "round", required=False)
    if open_link and db.session.scalar(select(Round.id).where(Round.open_link_hash == open_link)):
        read.note("round", "this round is already in the database (its open link exists here)")
    return {"title": read.text(info, "title", "round", NAME), "questionnaire_id": q.id if q else None,
            "questionnaire_version": q.version if q else None,
            "status": read.choice(info, "status", "round", RoundStatus),
            "opens_at": read.time(info, "opens_at", "round"), "closes_at": read.time(info, "closes_at", "round"),
            "min_group_size": read.integer(info, "min_group_size", "round", 1, MAX_INTEGER),
            "created_at": read.time(info, "created_at", "round", required=True), "open_link_hash": open_link,
            "raw_exported_at": read.time(info, "raw_exported_at", "round"),
            "draws_seed": read.integer(info, "draws_seed", "round", 0, 2 ** 63 - 1, required=False)}, q


def _check_responses(read: _Reader, document: dict, known: set[str]) -> dict[int, _Row]:
    responses: dict[int, _Row] = {}
    for where, entry in read.entries(document, "responses", "the document"):
        key = read.integer(entry, "key", where, 1, MAX_INTEGER)
        if key in responses:
            read.note(where, f"key {key} is used twice")
        agency = read.agency(entry, "agency", where, known)
        q = read.questionnaire(entry, where)
        sections = len(q.sections) if q else MAX_INTEGER
        row = _Row({"role_level": read.choice(entry, "role_level", where, RoleLevel),
                    "questionnaire_id": q.id if q else None, "questionnaire_version": q.version if q else None,
                    "language": _language(read, entry, where, q),
                    "status": read.choice(entry, "status", where, ResponseStatus),
                    "current_section": read.integer(entry, "current_section", where, 0, sections),
                    "started_at": read.time(entry, "started_at", where, required=True),
                    "updated_at": read.time(entry, "updated_at", where, required=True),
                    "submitted_at": read.time(entry, "submitted_at", where),
                    "published_at": read.time(entry, "published_at", where),
                    "released_in": read.integer(entry, "release", where, 1, MAX_INTEGER, required=False),
                    "invited": read.boolean(entry, "invited", where, required=False)}, agency=agency, key=key)
        seen = set()
        for at, answer in read.entries(entry, "answers", where):
            checked = _check_answer(read, answer, at, q, agency, known)
            if checked is not None:
                identity = (checked.columns["item_id"], checked.agency)
                if identity in seen:
                    read.note(at, f"a second answer to item {identity[0]!r}"
                                  + (f" about {identity[1]!r}" if identity[1] else ""))
                seen.add(identity)
                row.answers.append(checked)
        if key is not None:
            responses[key] = row
    return responses


def _language(read: _Reader, entry: dict, where: str, q: Optional[Questionnaire]) -> Optional[str]:
    """The language a response was answered in: one its questionnaire offers. A document written before languages
    holds none: its responses were answered in the questionnaire's own."""
    language = read.text(entry, "language", where, IDENTIFIER, required=False)
    if q is None:
        return language
    if language is None:
        return q.languages[0]
    if language not in q.languages:
        read.note(where, f"language {language!r} is not one of {', '.join(q.languages)}")
    return language


def _check_answer(read: _Reader, entry: dict, at: str, q: Optional[Questionnaire], own: Optional[str],
                  known: set[str]) -> Optional[_Row]:
    """An answer as the survey would have stored it for its item: a number on the item's scale or a don't-know
    for Likert and roster items (the roster naming another agency), an option or text for the others."""
    item_id = read.text(entry, "item", at, IDENTIFIER)
    target = read.agency(entry, "target", at, known, required=False)
    value = read.number(entry, "value", at)
    dont_know = read.boolean(entry, "dont_know", at)
    text = read.text(entry, "text", at, WHAT, required=False)
    if q is None or item_id is None:
        return None
    try:
        item = q.item(item_id)
    except KeyError:
        read.note(at, f"{item_id!r} is not an item of {q.id} version {q.version}")
        return None
    kind = types.of(item)
    if kind.per_target and target is None:
        read.note(at, "a roster answer names the agency it rates (target)")
    elif kind.per_target and target == own:
        read.note(at, "a respondent does not rate their own agency")
    elif not kind.per_target and target is not None:
        read.note(at, f"target should be empty: item {item.id!r} does not rate an agency")
    if "value" in entry and entry["value"] is not None and value is None:
        return None  # the value is not a number: already noted
    problem = kind.invalid(item, q, AnswerValue(value=value, dont_know=bool(dont_know), text=text))
    if problem is not None:
        read.note(at, problem)
    return _Row({"item_id": item_id, "value": value, "dont_know": dont_know, "text": text}, agency=target)


def _check_invitations(read: _Reader, document: dict, known: set[str], responses: dict[int, _Row]) -> list[_Row]:
    invitations: list[_Row] = []
    hashes: dict[str, str] = {}
    claimed: dict[int, str] = {}
    for where, entry in read.entries(document, "invitations", "the document"):
        token_hash = read.sha256(entry, "token_hash", where)
        if token_hash in hashes:
            read.note(where, f"token_hash is the same as that of {hashes[token_hash]}")
        hashes.setdefault(token_hash, where)
        agency = read.agency(entry, "agency", where, known)
        key = read.integer(entry, "response", where, 1, MAX_INTEGER, required=False)
        if key is not None and key not in responses:
            read.note(where, f"response {key} is not among the document's responses")
        elif key is not None and key in claimed:
            read.note(where, f"response {key} is claimed by {claimed[key]} too; a response has one invitation")
        elif key is not None and agency is not None and responses[key].agency != agency:
            read.note(where, f"response {key} was given for agency {responses[key].agency!r}, not {agency!r}")
        if key is not None:
            claimed.setdefault(key, where)
        invitations.append(_Row({"role_level": read.choice(entry, "role_level", where, RoleLevel),
                                 "token_hash": token_hash,
                                 "status": read.choice(entry, "status", where, InvitationStatus),
                                 "created_at": read.time(entry, "created_at", where, required=True),
                                 "revoked_at": read.time(entry, "revoked_at", where)}, agency=agency, key=key))
    hashes.pop(None, None)
    if _already_here(list(hashes)):
        read.note("invitations", "this round is already in the database (its links exist here)")
    return invitations


def _already_here(token_hashes: list[str]) -> bool:
    """Whether any of these links exist in the database (asked in batches, within any database's limits)."""
    return any(db.session.scalar(select(Invitation.id).where(Invitation.token_hash.in_(token_hashes[n:n + 500]))
                                 .limit(1)) for n in range(0, len(token_hashes), 500))


def _check_commitments(read: _Reader, document: dict, q: Optional[Questionnaire]) -> list[dict[str, Any]]:
    dimensions = [d.id for d in q.dimensions] if q else []
    commitments = []
    for where, entry in read.entries(document, "commitments", "the document"):
        dimension = read.text(entry, "dimension", where, IDENTIFIER)
        if q and dimension and dimension not in dimensions:
            read.note(where, f"dimension {dimension!r} is not one of {', '.join(dimensions)}")
        due = read.text(entry, "due", where, IDENTIFIER, required=False)
        try:
            due_date = dt.date.fromisoformat(due) if due else None
        except ValueError:
            read.note(where, f"due {due!r} is not a date (YYYY-MM-DD)")
            due_date = None
        commitments.append({"dimension": dimension, "what": read.text(entry, "what", where, WHAT),
                            "owner": read.text(entry, "owner", where, NAME), "due": due_date,
                            "created_at": read.time(entry, "created_at", where, required=True)})
    return commitments


class _Reader:
    """Typed reading of the document that notes each problem with its place and goes on, so that one pass
    finds them all. A value that is wrong reads as None; nothing is written while any problem is noted."""

    def __init__(self):
        self.problems: list[Problem] = []

    def note(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))

    def _get(self, entry: Optional[dict], key: str, where: str, required: bool) -> Any:
        value = entry.get(key) if entry is not None else None
        if value is None and required and entry is not None:
            self.note(where, f"{key} is missing")
        return value

    def _wrong(self, where: str, key: str, wanted: str) -> None:
        self.note(where, f"{key} should be {wanted}")

    def mapping(self, entry, key, where) -> Optional[dict]:
        value = self._get(entry, key, where, required=True)
        if value is not None and not isinstance(value, dict):
            self._wrong(where, key, "an object")
            return None
        return value

    def entries(self, entry, key, where) -> list[tuple[str, dict]]:
        """The objects listed under `key`, each with its place: `agencies[1]`, `responses[3].answers[5]`."""
        value = self._get(entry, key, where, required=True)
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(where, key, "a list")
            return []
        prefix = "" if where == "the document" else f"{where}."
        found = []
        for n, item in enumerate(value, start=1):
            place = f"{prefix}{key}[{n}]"
            if isinstance(item, dict):
                found.append((place, item))
            else:
                self.note(place, "should be an object")
        return found

    def text(self, entry, key, where, max_length: int, required: bool = True) -> Optional[str]:
        value = self._get(entry, key, where, required)
        if value is None:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self._wrong(where, key, "non-empty text" if required else "text")
            return None
        if len(value) > max_length:
            self.note(where, f"{key} is longer than {max_length} characters")
            return None
        if control := first_control_character(value):
            self.note(where, f"{key} holds a control character ({control})")
            return None
        return value

    def sha256(self, entry, key, where, required: bool = True) -> Optional[str]:
        value = self.text(entry, key, where, 64, required)
        if value is not None and not SHA256_HEX.fullmatch(value):
            self._wrong(where, key, "a SHA-256 hex digest")
            return None
        return value

    def integer(self, entry, key, where, low: int, high: int, required: bool = True) -> Optional[int]:
        value = self._get(entry, key, where, required)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high):
            self._wrong(where, key, f"a whole number from {low} to {high}")
            return None
        return value

    def number(self, entry, key, where) -> Optional[float]:
        value = self._get(entry, key, where, required=False)
        if value is None:
            return None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            self._wrong(where, key, "a number")
            return None
        try:
            finite = math.isfinite(value)
        except OverflowError:
            finite = False
        if not finite:
            self._wrong(where, key, "a finite number")
            return None
        return float(value)

    def boolean(self, entry, key, where, required: bool = True) -> Optional[bool]:
        value = self._get(entry, key, where, required=required)
        if value is not None and not isinstance(value, bool):
            self._wrong(where, key, "true or false")
            return None
        return value

    def choice(self, entry, key, where, kind):
        value = self._get(entry, key, where, required=True)
        if value is None:
            return None
        try:
            return kind(value)
        except (TypeError, ValueError):
            allowed = ", ".join(m.value for m in kind)
            self.note(where, f"{key} {value!r} is not one of: {allowed}")
            return None

    def time(self, entry, key, where, required: bool = False) -> Optional[dt.datetime]:
        value = self._get(entry, key, where, required)
        if value is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except (TypeError, ValueError):
            self.note(where, f"{key} {value!r} is not a date and time (ISO 8601)")
            return None
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return moment

    def agency(self, entry, key, where, known: set[str], required: bool = True) -> Optional[str]:
        slug = self.text(entry, key, where, SLUG, required)
        if slug is not None and slug not in known:
            self.note(where, f"{key} {slug!r} is not among the document's agencies")
            return None
        return slug

    def questionnaire(self, entry, where) -> Optional[Questionnaire]:
        """The installed questionnaire that `entry` names by questionnaire_id and questionnaire_version."""
        questionnaire_id = self.text(entry, "questionnaire_id", where, IDENTIFIER)
        version = self.integer(entry, "questionnaire_version", where, 1, MAX_INTEGER)
        if questionnaire_id is None or version is None:
            return None
        try:
            return catalog.get(questionnaire_id, version)
        except LookupError:
            self.note(where, f"questionnaire {questionnaire_id!r} version {version} is not installed here")
            return None


def _time(moment: Optional[dt.datetime]) -> Optional[str]:
    """Stored times are naive UTC; the document says so."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.isoformat()
