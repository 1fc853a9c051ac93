"""Jurisdictions and their agencies."""
from __future__ import annotations

import re
from typing import Optional

from flask import current_app
from sqlalchemy import exists, func, or_, select

from .. import local_time
from ..db import db
from ..models import Agency, Answer, Invitation, Jurisdiction, Response, Round
from ..services import ServiceError, audit
from ..services.lookups import find_agency
from ..text import clean
from ..vocabulary import PaperSize, Sector


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"['’]", "", name.lower())).strip("-")
    return slug[:80]


def add_jurisdiction(name: str, time_zone: Optional[str] = None) -> Jurisdiction:
    """A new jurisdiction, on the deployment's default clock (DEFAULT_TIME_ZONE) unless a zone is given."""
    name = clean(name).strip()
    time_zone = time_zone or current_app.config.get("DEFAULT_TIME_ZONE", "UTC")
    if not local_time.is_zone(time_zone):
        raise ServiceError(f"unknown time zone {time_zone!r}: use an IANA name such as America/Chicago")
    if not name:
        raise ServiceError("a jurisdiction needs a name")
    if db.session.scalar(select(Jurisdiction).where(func.lower(Jurisdiction.name) == name.lower())):
        raise ServiceError(f"a jurisdiction named {name!r} already exists")
    jurisdiction = Jurisdiction(name=name, time_zone=time_zone)
    db.session.add(jurisdiction)
    db.session.flush()
    return jurisdiction


def add_agency(jurisdiction: Jurisdiction, name: str, sector: str | Sector, slug: Optional[str] = None) -> Agency:
    name = clean(name).strip()
    if not name:
        raise ServiceError("an agency needs a name")
    try:
        sector = Sector.parse(sector) if isinstance(sector, str) else sector
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    slug = slugify(slug or name)
    if not slug:
        raise ServiceError(f"cannot make a slug from {name!r}; give one with letters or digits")
    if find_agency(jurisdiction, slug, required=False):
        raise ServiceError(f"{jurisdiction.name} already has an agency with the slug {slug!r}")
    agency = Agency(jurisdiction=jurisdiction, name=name, slug=slug, sector=sector)
    db.session.add(agency)
    db.session.flush()
    audit.record("agency_added", f"agency {agency.id}", f"{jurisdiction.name}: {name} ({slug}), {sector.value}")
    return agency


def edit_agency(agency: Agency, name: str, sector: str | Sector, slug: str) -> None:
    """Rename or regroup an agency; audited with what it was. A round that has published the agency keeps the
    sector it published it under (see `releases`), so a regrouping applies to rounds that have not published."""
    name, slug = clean(name).strip(), slugify(slug or name)
    if not name or not slug:
        raise ServiceError("an agency needs a name and a slug with letters or digits")
    try:
        sector = Sector.parse(sector) if isinstance(sector, str) else sector
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    other = find_agency(agency.jurisdiction, slug, required=False)
    if other is not None and other.id != agency.id:
        raise ServiceError(f"{agency.jurisdiction.name} already has an agency with the slug {slug!r}")
    if slug != agency.slug and agency_in_use(agency):
        raise ServiceError("the slug of an agency that a round already uses cannot change (links and files "
                           "name it); change its name instead")
    changes = [f"{what} {before!r} -> {after!r}" for what, before, after in
               (("name", agency.name, name), ("sector", agency.sector.value, sector.value), ("slug", agency.slug, slug))
               if before != after]
    agency.name, agency.sector, agency.slug = name, sector, slug
    if changes:
        audit.record("agency_changed", f"agency {agency.id}", f"{agency.jurisdiction.name}: " + "; ".join(changes))
    db.session.flush()


#: Where a round names an agency: invited, heard from, or told about (rated in the roster).
USES = (Invitation.agency_id, Response.agency_id, Answer.target_agency_id)


def agency_in_use(agency: Agency) -> bool:
    """Whether any round has invited, heard from or been told about this agency."""
    return any(db.session.scalar(select(column).where(column == agency.id).limit(1)) is not None for column in USES)


def agencies_in_use(jurisdiction: Jurisdiction) -> set[int]:
    """The ids of the jurisdiction's agencies that `agency_in_use`, in one statement whatever their number: each
    use is looked up in its index and the first one found is enough."""
    return set(db.session.scalars(select(Agency.id).where(
        Agency.jurisdiction_id == jurisdiction.id, or_(*(exists().where(column == Agency.id) for column in USES)))))


def counts_of(places: list[Jurisdiction]) -> dict[int, tuple[int, int]]:
    """Each jurisdiction's number of agencies and of rounds, in two statements whatever their number."""
    ids = [j.id for j in places]
    agencies = dict(db.session.execute(select(Agency.jurisdiction_id, func.count()).where(
        Agency.jurisdiction_id.in_(ids)).group_by(Agency.jurisdiction_id)).all())
    held = dict(db.session.execute(select(Round.jurisdiction_id, func.count()).where(
        Round.jurisdiction_id.in_(ids)).group_by(Round.jurisdiction_id)).all())
    return {i: (agencies.get(i, 0), held.get(i, 0)) for i in ids}


def remove_agency(agency: Agency) -> None:
    if agency_in_use(agency):
        raise ServiceError(f"{agency.name} cannot be removed: a round already uses it")
    audit.record("agency_removed", f"agency {agency.id}", f"{agency.jurisdiction.name}: {agency.name}")
    db.session.delete(agency)
    db.session.flush()


def set_paper_size(jurisdiction: Jurisdiction, size: str) -> None:
    """The paper the jurisdiction's reports print on (`PaperSize`), audited."""
    try:
        chosen = PaperSize(size)
    except ValueError:
        raise ServiceError(f"unknown paper size {size!r}; choose {' or '.join(p.value for p in PaperSize)}") from None
    before = jurisdiction.paper_size
    jurisdiction.paper_size = chosen
    audit.record("jurisdiction_changed", f"jurisdiction {jurisdiction.id}",
                 f"reports print on {chosen.value} (was {before.value if before else 'not set'})")
    db.session.flush()


def set_time_zone(jurisdiction: Jurisdiction, name: str) -> None:
    """The clock its rounds' dates and times are set and shown on, audited. Times already set stay the same
    instants (a close at 00:00 in New York reads 23:00 the day before in Chicago): say so to whoever changes it."""
    name = clean(name or "").strip()
    if not local_time.is_zone(name):
        raise ServiceError(f"unknown time zone {name!r}: choose one from the list (an IANA name such as "
                           "America/Chicago)")
    before = jurisdiction.time_zone
    if name == before:
        return
    jurisdiction.time_zone = name
    audit.record("jurisdiction_changed", f"jurisdiction {jurisdiction.id}", f"time zone {name} (was {before})")
    db.session.flush()
