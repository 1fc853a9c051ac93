"""Survey rounds: created from a questionnaire version, opened, closed, reopened, listed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import func, select

from .. import catalog, local_time
from ..db import db
from ..models import EmailTemplate, Jurisdiction, Response, Round, utcnow
from ..people import contacts
from ..results import releases, report
from ..services import KEEP, ServiceError, audit
from ..text import clean
from ..vocabulary import ResponseStatus, RoundStatus


def create_round(jurisdiction: Jurisdiction, title: str, questionnaire_id: str = "collaboration_readiness",
                 version: Optional[int] = None, min_group_size: int = 3, opens_at: Optional[dt.datetime] = None,
                 closes_at: Optional[dt.datetime] = None) -> Round:
    title = clean(title).strip()
    if not title:
        raise ServiceError("a round needs a title")
    try:
        questionnaire = (catalog.get(questionnaire_id, version) if version is not None
                         else catalog.latest(questionnaire_id))
    except LookupError as exc:
        raise ServiceError(str(exc)) from None
    if not 1 <= min_group_size <= 50:
        raise ServiceError("the minimum group size is a whole number from 1 to 50")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError("the closing date must come after the opening date")
    if closes_at is not None and closes_at <= utcnow():
        raise ServiceError(f"the closing date ({local_time.describe(closes_at, jurisdiction.time_zone)}) has passed: "
                           "a round closing then would close as soon as it opened")
    round_ = Round(jurisdiction=jurisdiction, title=title, questionnaire_id=questionnaire.id,
                   questionnaire_version=questionnaire.version, min_group_size=min_group_size,
                   opens_at=opens_at, closes_at=closes_at, status=RoundStatus.DRAFT)
    db.session.add(round_)
    db.session.flush()
    audit.record("round_created", f"round {round_.id}", f"{jurisdiction.name}: {title}")
    db.session.flush()
    return round_


def carry_forward(round_: Round, earlier: Round) -> list[str]:
    """Start a new round from an earlier one of the same jurisdiction: who its messages come from, where replies
    go, its reminder schedule and whether it closes itself, and its own wording of each message in each language
    the new questionnaire offers. Never its addresses (they go at the close, by design), dates or results. Returns
    what was copied, one line each (audited)."""
    if earlier.jurisdiction_id != round_.jurisdiction_id or earlier.id == round_.id:
        raise ServiceError("a round starts only from an earlier round of the same jurisdiction")
    copied = []
    if earlier.sender_name and earlier.reply_to:
        round_.sender_name, round_.reply_to = earlier.sender_name, earlier.reply_to
        copied.append(f"messages from {earlier.sender_name}, replies to {earlier.reply_to}")
    round_.reminder_days, round_.max_reminders = earlier.reminder_days, earlier.max_reminders
    round_.closes_itself = earlier.closes_itself
    copied.append(f"reminders {earlier.reminder_days.replace(',', ', ') or 'by hand only'}"
                  f"{' days before the close' if earlier.reminder_days else ''}, at most {earlier.max_reminders} "
                  f"each; {'closes' if earlier.closes_itself else 'does not close'} itself")
    languages = set(catalog.of_round(round_).languages)
    wording = [t for t in db.session.scalars(select(EmailTemplate).where(EmailTemplate.round_id == earlier.id)
                                             .order_by(EmailTemplate.kind, EmailTemplate.language))
               if t.language in languages]
    for template in wording:
        db.session.add(EmailTemplate(round_id=round_.id, kind=template.kind, language=template.language,
                                     subject=template.subject, body=template.body))
    if wording:
        copied.append("its own wording of " + ", ".join(f"the {t.kind.label.lower()} ({t.language})"
                                                         for t in wording))
    audit.record("round_changed", f"round {round_.id}", f"started from round {earlier.id} ({earlier.title}): "
                 + "; ".join(copied))
    db.session.flush()
    return copied




def editable(round_: Round) -> frozenset[str]:
    """The settings `edit_round` can change now."""
    if round_.status == RoundStatus.CLOSED:
        return frozenset({"title"})
    names = {"title", "closes_at", "invite_at"}
    if round_.status == RoundStatus.DRAFT:
        names.add("opens_at")
    if not db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id)):
        names.add("min_group_size")
    return frozenset(names)


def edit_round(round_: Round, *, title=KEEP, opens_at=KEEP, closes_at=KEEP, invite_at=KEEP, min_group_size=KEEP,
               now: Optional[dt.datetime] = None) -> list[str]:
    """Change a round's settings while they make sense; returns what changed, one line each (audited as one entry).

    The title, always; the opening date while the round is a draft; the closing date until the round closes (never
    into the past for an open round: close it instead); the scheduled invitations until they go (a draft round is
    opened for them); the minimum group size only before anyone has started, since every release so far was
    planned with it. Reminders are planned from the closing date when they fall due, so moving it moves them."""
    now = now or utcnow()
    zone = round_.jurisdiction.time_zone
    said, problems = [], []

    def when(at):
        return local_time.describe(at, zone) or "not set"

    if title is not KEEP:
        title = " ".join(clean(title or "").split())
        if not title:
            problems.append("a round needs a title")
        elif len(title) > 200:
            problems.append("the title is longer than 200 characters")
        elif title != round_.title:
            said.append(f"title: {round_.title!r} -> {title!r}")
    if opens_at is not KEEP and opens_at != round_.opens_at:
        if round_.status != RoundStatus.DRAFT:
            problems.append("the opening date can change only before the round opens")
        else:
            said.append(f"opens: {when(round_.opens_at)} -> {when(opens_at)}")
    if closes_at is not KEEP and closes_at != round_.closes_at:
        if round_.status == RoundStatus.CLOSED:
            problems.append("a closed round's closing date stays as it was (an administrator can reopen the round)")
        elif closes_at is not None and closes_at <= now:
            instead = "close the round instead" if round_.status == RoundStatus.OPEN else "choose a later one"
            problems.append(f"the new closing time ({when(closes_at)}) has passed: {instead}")
        else:
            said.append(f"closes: {when(round_.closes_at)} -> {when(closes_at)}")
    if invite_at is not KEEP and invite_at != round_.invite_at:
        if round_.status == RoundStatus.CLOSED:
            problems.append("a closed round sends no invitations")
        elif invite_at is not None and invite_at <= now:
            problems.append(f"the time to send the invitations ({when(invite_at)}) has passed: send them now from "
                            "the Messages tab")
        else:
            said.append(f"invitations sent: {when(round_.invite_at) if round_.invite_at else 'by hand'} -> "
                        f"{when(invite_at) if invite_at else 'by hand'}")
    if min_group_size is not KEEP and min_group_size != round_.min_group_size:
        started = db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id))
        if not isinstance(min_group_size, int) or not 1 <= min_group_size <= 50:
            problems.append("the minimum group size is a whole number from 1 to 50")
        elif started:
            problems.append(f"the minimum group size stays {round_.min_group_size}: {started} response(s) were "
                            "started under it")
        else:
            said.append(f"smallest group shown: {round_.min_group_size} -> {min_group_size}")
    opens = round_.opens_at if opens_at is KEEP else opens_at
    closes = round_.closes_at if closes_at is KEEP else closes_at
    invites = round_.invite_at if invite_at is KEEP else invite_at
    if opens and closes and closes <= opens:
        problems.append("the closing time must come after the opening time")
    if invites and closes and invites >= closes:
        problems.append("the invitations must go before the round closes")
    if problems:
        raise ServiceError("; ".join(problems))
    if said:
        if title is not KEEP:
            round_.title = title
        round_.opens_at, round_.closes_at, round_.invite_at = opens, closes, invites
        if min_group_size is not KEEP:
            round_.min_group_size = min_group_size
        audit.record("round_changed", f"round {round_.id}", "; ".join(said))
        db.session.flush()
    return said


def open_round(round_: Round) -> None:
    if round_.status == RoundStatus.OPEN:
        raise ServiceError(f"round {round_.id} is already open")
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is closed; an administrator can reopen it, saying why (the round's "
                           "page in the console, or flask round reopen)")
    if len(round_.jurisdiction.agencies) < 2:
        raise ServiceError(f"{round_.jurisdiction.name} needs at least two agencies before a round can open")
    if round_.closes_at is not None and round_.closes_at <= utcnow():
        raise ServiceError(f"round {round_.id}'s closing time "
                           f"({local_time.describe(round_.closes_at, round_.jurisdiction.time_zone)}) has passed: "
                           "move it on the round's Settings tab first, or the round would close as soon as it opened")
    round_.status = RoundStatus.OPEN
    if round_.opens_at is None or round_.opens_at > utcnow():
        round_.opens_at = utcnow().replace(microsecond=0)  # when it really opened (early, or unplanned)
    audit.record("round_opened", f"round {round_.id}", round_.title)
    db.session.flush()


def reopen_round(round_: Round, reason: str) -> None:
    """A closed round takes answers again. Its results may already have been read as final, so this is a
    deliberate act with its reason in the audit log; a closing date already past is cleared, or the round would
    stay closed to respondents. Nothing new is published until a release may be taken (`releases`): its final
    results stay as they are until at least k new submissions can join them together. A round whose raw responses
    were exported stays closed (see `exports.raw_file`)."""
    if round_.status != RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is not closed")
    if round_.raw_exported_at is not None:
        raise ServiceError(f"round {round_.id} cannot be reopened: its raw responses were exported on "
                           f"{round_.raw_exported_at:%Y-%m-%d}, and results published after that file would be set "
                           "beside it. Start a new round for late answers")
    reason = clean(reason).strip()
    if not reason:
        raise ServiceError("say why the round is reopened; the reason goes into the audit log")
    round_.status = RoundStatus.OPEN
    if round_.closes_at is not None and round_.closes_at <= utcnow():
        round_.closes_at = None
    audit.record("round_reopened", f"round {round_.id}", reason)
    db.session.flush()


@dataclass(frozen=True)
class Closing:
    """What the close of a round left out of its final results: drafts never submitted, and submissions that
    arrived after the last release when they could not be published together (see `releases`)."""

    drafts: int
    left_out: int
    min_group_size: int

    def __str__(self) -> str:
        said = f"{self.drafts} unsubmitted draft(s) are left out of its results"
        if self.left_out:
            said += (f"; so are the {self.left_out} submission(s) that came after the results were last published: "
                     f"fewer than {self.min_group_size} new ones (or too few with a score on each part) would show "
                     "their answers by difference")
        return said + "."


def close_round(round_: Round) -> Closing:
    """Close a round: it takes its last release (see `releases`), its results are then final, so its report is
    rendered now, in the background, when it has results to show; its contacts' addresses are deleted."""
    if round_.status == RoundStatus.CLOSED:
        raise ServiceError(f"round {round_.id} is already closed")
    drafts = db.session.scalar(select(func.count(Response.id)).where(
        Response.round_id == round_.id, Response.status == ResponseStatus.DRAFT))
    round_.status = RoundStatus.CLOSED
    releases.take(round_, final=True)
    left_out = db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id,
                                                                       releases.waiting()))
    closing = Closing(drafts, left_out, round_.min_group_size)
    audit.record("round_closed", f"round {round_.id}", str(closing))
    final = releases.latest(round_)
    if final is not None and final.responses >= round_.min_group_size:
        report.queue(round_)
    if contacts.held(round_):
        contacts.purge(round_, "the round closed")
    db.session.flush()
    return closing


@dataclass(frozen=True)
class RoundSummary:
    id: int
    jurisdiction: str
    title: str
    status: str
    submitted: int
    drafts: int


def list_rounds() -> list[RoundSummary]:
    counts = dict(db.session.execute(
        select(Response.round_id, func.count(Response.id)).where(Response.status == ResponseStatus.SUBMITTED)
        .group_by(Response.round_id)).all())
    drafts = dict(db.session.execute(
        select(Response.round_id, func.count(Response.id)).where(Response.status == ResponseStatus.DRAFT)
        .group_by(Response.round_id)).all())
    rounds = db.session.scalars(select(Round).order_by(Round.id))
    return [RoundSummary(r.id, r.jurisdiction.name, r.title, r.status.value, counts.get(r.id, 0),
                         drafts.get(r.id, 0)) for r in rounds]
