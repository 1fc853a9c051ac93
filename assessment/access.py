"""Who may see what in the console: an admin sees every jurisdiction, a facilitator only those granted.

Every lookup by id goes through here and answers 404 for anything outside the user's jurisdictions, so that a
facilitator cannot even learn that another jurisdiction's round exists.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from .db import db
from .models import Agency, Grant, Invitation, Jurisdiction, Round, User


def visible_jurisdictions() -> list[Jurisdiction]:
    if getattr(current_user, "is_state_coordinator", False):  # reads states, never a jurisdiction (`states`)
        return []
    query = select(Jurisdiction).order_by(Jurisdiction.name)
    if not current_user.is_admin:
        query = query.join(Grant, Grant.jurisdiction_id == Jurisdiction.id).where(Grant.user_id == current_user.id)
    return list(db.session.scalars(query))


def may_see(jurisdiction_id: int) -> bool:
    if not current_user.is_authenticated or current_user.is_state_coordinator:
        return False
    return current_user.is_admin or any(g.jurisdiction_id == jurisdiction_id for g in current_user.grants)


def _visible(thing, jurisdiction_id):
    if thing is None or not may_see(jurisdiction_id):
        abort(404)
    return thing


def jurisdiction_or_404(jurisdiction_id: int) -> Jurisdiction:
    jurisdiction = db.session.get(Jurisdiction, jurisdiction_id)
    return _visible(jurisdiction, jurisdiction_id)


def round_or_404(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    return _visible(round_, round_.jurisdiction_id if round_ else None)


def agency_or_404(agency_id: int) -> Agency:
    agency = db.session.get(Agency, agency_id)
    return _visible(agency, agency.jurisdiction_id if agency else None)


def invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    return _visible(invitation, invitation.round.jurisdiction_id if invitation else None)


def admin_only() -> None:
    if not current_user.is_authenticated or not current_user.is_admin:
        abort(404)


def user_or_404(user_id: int) -> User:
    """An account, for administrators only."""
    admin_only()
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user
