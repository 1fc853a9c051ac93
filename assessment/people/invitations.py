"""Invitations: personal survey links, the open link, and taking a link back."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from ..db import db
from ..models import Agency, Invitation, Round, utcnow
from ..services import ServiceError, audit
from ..tokens import hash_token, new_token
from ..vocabulary import RoleLevel, RoundStatus

MAX_INVITATIONS_AT_ONCE = 1000


def issue_invitations(round_: Round, agency: Agency, role: str | RoleLevel, count: int) -> list[str]:
    """Create `count` invitations and return their tokens; this is the only time the tokens exist in clear."""
    if agency.jurisdiction_id != round_.jurisdiction_id:
        raise ServiceError(f"{agency.name} is not an agency of {round_.jurisdiction.name}")
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed; it takes no more invitations")
    try:
        role = RoleLevel.parse(role) if isinstance(role, str) else role
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    if not 1 <= count <= MAX_INVITATIONS_AT_ONCE:
        raise ServiceError(f"the number of invitations must be from 1 to {MAX_INVITATIONS_AT_ONCE}")
    tokens = [new_token() for _ in range(count)]
    db.session.add_all(Invitation(round_id=round_.id, agency_id=agency.id, role_level=role,
                                  token_hash=hash_token(t)) for t in tokens)
    audit.record("invitations_created", f"round {round_.id}", f"{count} for {agency.name}, {role.label}")
    db.session.flush()
    return tokens


def enable_open_link(round_: Round) -> str:
    """A new open link for the round (any earlier one stops working); its token exists in clear only now."""
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed")
    token = new_token()
    round_.open_link_hash = hash_token(token)
    audit.record("open_link_changed", f"round {round_.id}", "open link created")
    db.session.flush()
    return token


def disable_open_link(round_: Round) -> None:
    round_.open_link_hash = None
    audit.record("open_link_changed", f"round {round_.id}", "open link turned off")
    db.session.flush()


def round_by_open_link(token: str) -> Optional[Round]:
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(Round).where(Round.open_link_hash == hash_token(token)))


def join_by_open_link(round_: Round, agency: Agency, role: str | RoleLevel) -> str:
    """A personal invitation for someone who came through the open link; returns its token."""
    if agency.jurisdiction_id != round_.jurisdiction_id:
        raise ServiceError("that agency is not part of this round")
    role = RoleLevel.parse(role) if isinstance(role, str) else role
    token = new_token()
    db.session.add(Invitation(round_id=round_.id, agency_id=agency.id, role_level=role, token_hash=hash_token(token)))
    audit.record("invitations_created", f"round {round_.id}", f"1 through the open link for {agency.name}, "
                                                               f"{role.label}", actor="open link")
    db.session.flush()
    return token


def revoke_invitation(invitation: Invitation) -> None:
    """The link stops working; a response already submitted through it stays in the results."""
    if invitation.revoked_at is not None:
        raise ServiceError("this invitation is already revoked")
    invitation.revoked_at = utcnow()
    audit.record("invitation_revoked", f"round {invitation.round_id}",
                 f"invitation {invitation.id} ({invitation.agency.name}, {invitation.role_level.label})")
    db.session.flush()
