"""The outbox as every app server sees it. Without a mail server, each message is written as an `.eml` file on the
server that sends it (`mail.transport.OutboxTransport`); what a round's Messages tab lists and shows of it is kept
in the database (`OutboxMessage`), so that any server shows every server's messages. The file keeps the working
links; the database, which holds survey tokens only as hashes, keeps the text with each personal link's token
taken out.
"""
from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Optional

from sqlalchemy import delete, select

from ..db import db, hold
from ..mail import transport
from ..models import OutboxMessage, Round

#: A personal link's token in a message (survey and opt-out links alike): the console never shows it, or a
#: facilitator could open a contact's draft through it (or stop their messages).
PERSONAL_TOKEN = re.compile(r"(/s/(?:stop/)?)(?!open/)(?!stop/)[A-Za-z0-9_.-]{8,}")
#: A round's newest messages listed on its Messages tab.
LISTED = 50


def readable(message: EmailMessage) -> str:
    """A message as its file holds it, as text (its headers, then each text part decoded) with every personal
    link's token taken out."""
    message = message_from_bytes(message.as_bytes(), policy=policy.default)
    headers = "".join(f"{name}: {value}\n" for name, value in message.items())
    parts = [f"--- {part.get_content_type()} ---\n{part.get_content()}" for part in message.walk()
             if part.get_content_maintype() == "text"]
    return PERSONAL_TOKEN.sub(r"\1[personal-link]", headers + "\n" + "\n".join(parts))


def record(round_id: int, mailer, message: EmailMessage, recipient: str) -> None:
    """Keep what the Messages tab shows of a message the outbox just wrote (in the caller's transaction), unless
    the round's addresses were deleted meanwhile. The round's row is held first, as the purge holds it: a purge
    either comes after, and deletes this too, or came before, and this keeps nothing."""
    if not (isinstance(mailer, transport.OutboxTransport) and mailer.written):
        return
    hold(Round, round_id)
    if db.session.scalar(select(Round.contacts_purged_at).where(Round.id == round_id)) is not None:
        return
    db.session.add(OutboxMessage(round_id=round_id, name=mailer.written, recipient=recipient,
                                 subject=str(message["Subject"] or ""), text=readable(message)))


def listed(round_: Round) -> list[OutboxMessage]:
    """The round's newest messages in the outbox, written by any server; none once its addresses are deleted."""
    if round_.contacts_purged_at is not None:
        return []
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.round_id == round_.id)
                                   .order_by(OutboxMessage.written_at.desc(), OutboxMessage.id.desc()).limit(LISTED)))


def found(round_: Round, name: str) -> Optional[OutboxMessage]:
    if round_.contacts_purged_at is not None or len(name) > 160 or "\x00" in name:  # PostgreSQL's text holds no NUL
        return None
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.round_id == round_.id,
                                                         OutboxMessage.name == name))


def forget(round_: Round) -> None:
    """Delete what the outbox kept of the round's messages (they name their contacts)."""
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.round_id == round_.id))
