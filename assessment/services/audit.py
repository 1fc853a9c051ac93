"""The audit log: one row per audited action, added in the same transaction as the action itself."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import select

from ..db import db
from ..models import AuditEvent

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "round_created", "round_opened", "round_closed", "round_reopened",
           "invitations_created", "invitation_revoked", "open_link_changed", "contacts_added", "contacts_purged",
           "emails_queued", "reminders_queued", "emails_bounced", "email_template_changed", "mail_settings_changed",
           "export", "report_downloaded", "import", "user_created", "access_granted", "access_revoked",
           "user_disabled", "user_enabled", "password_changed", "agency_added", "agency_changed", "agency_removed",
           "results_released", "open_answer_reviewed", "jurisdiction_changed", "round_changed", "test_email_sent",
           "two_factor_enabled", "two_factor_changed", "two_factor_reset", "recovery_code_used",
           "share_link_created", "share_link_revoked", "results_viewed", "sso_refused", "state_created",
           "state_changed", "state_sharing_changed")


def record(action: str, target: str = "", detail: str = "", actor: Optional[str] = None) -> AuditEvent:
    """Add an event to the session; the caller's commit writes it with the action it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is None:
        if not has_request_context():
            actor = "command line"
        elif current_user.is_authenticated:
            actor = current_user.email
    event = AuditEvent(action=action, target=target[:200] or None, detail=detail or None, actor=actor)
    db.session.add(event)
    return event


def events(action: str = "", actor: str = "", since: Optional[dt.date] = None, until: Optional[dt.date] = None,
           limit: int = 500, target: str = "", actions: tuple[str, ...] = ()) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if target:
        query = query.where(AuditEvent.target == target)
    if actions:
        query = query.where(AuditEvent.action.in_(actions))
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor.ilike(f"%{actor}%"))
    if since:
        query = query.where(AuditEvent.at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(AuditEvent.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    return list(db.session.scalars(query))
