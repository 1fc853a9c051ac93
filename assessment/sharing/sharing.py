"""Reading a round's published results without running it: share links, and the audit of every view.

A facilitator makes a share link for a reader without an account (a policy team, an agency head): it opens the
round's published results page and its report, nothing else, until it expires (at most MAX_DAYS) or is withdrawn.
The token is shown once and kept as its SHA-256 only. Viewer accounts (`Role.VIEWER`) read the same pages for the
jurisdictions granted to them. Every view, by link or by account, is counted and audited.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import select

from ..db import db
from ..models import Round, ShareLink, utcnow
from ..services import ServiceError, audit
from ..text import clean
from ..tokens import hash_token, new_token
from ..vocabulary import RoundStatus

DEFAULT_DAYS = 14
MAX_DAYS = 90
MAX_LABEL = 200


def create(round_: Round, label: str, days: int, by: Optional[str] = None) -> tuple[ShareLink, str]:
    """A new link to the round's published results, valid for `days` days; returns it and its token (shown once,
    never stored)."""
    label = clean(label or "").strip()
    if not label:
        raise ServiceError("say who the link is for (it is how you will recognise it to withdraw it)")
    if len(label) > MAX_LABEL:
        raise ServiceError(f"the label is {len(label)} characters long; at most {MAX_LABEL}")
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(f"a link lasts from 1 to {MAX_DAYS} days")
    if round_.status == RoundStatus.DRAFT:
        raise ServiceError("the round is a draft: it has no results to share yet")
    token = new_token()
    link = ShareLink(round_id=round_.id, token_hash=hash_token(token), label=label, created_by=by,
                     expires_at=utcnow() + dt.timedelta(days=days))
    db.session.add(link)
    db.session.flush()
    audit.record("share_link_created", f"round {round_.id}", f"link {link.id} ({label}), for {days} day(s)")
    return link, token


def links(round_: Round) -> list[ShareLink]:
    return list(db.session.scalars(select(ShareLink).where(ShareLink.round_id == round_.id)
                                   .order_by(ShareLink.id.desc())))


def of_round(round_: Round, link_id: int) -> ShareLink:
    link = db.session.get(ShareLink, link_id)
    if link is None or link.round_id != round_.id:
        raise ServiceError("no such link for this round")
    return link


def revoke(link: ShareLink) -> None:
    """The link opens nothing from now on."""
    if link.revoked_at is not None:
        raise ServiceError("the link was already withdrawn")
    link.revoked_at = utcnow()
    audit.record("share_link_revoked", f"round {link.round_id}", f"link {link.id} ({link.label})")
    db.session.flush()


def is_live(link: ShareLink, now: Optional[dt.datetime] = None) -> bool:
    return link.revoked_at is None and (now or utcnow()) < link.expires_at


def open_link(token: str) -> Optional[ShareLink]:
    """The live link a token names, or None (unknown, expired or withdrawn: one answer for all three)."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    return link if link is not None and is_live(link) else None


def viewed(round_: Round, what: str, link: Optional[ShareLink] = None) -> None:
    """Audit one view of a round's published results (`what`: "results", "report"), by share link or by the
    signed-in account; the caller commits."""
    if link is not None:
        link.views += 1
        link.last_viewed_at = utcnow()
        audit.record("results_viewed", f"round {round_.id}", f"{what}, by share link {link.id} ({link.label})",
                     actor=f"share link {link.id}")
    else:
        audit.record("results_viewed", f"round {round_.id}", what)
