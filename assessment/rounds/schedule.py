"""What the app's clock (`clock`) carries out, and what it will do for a round: scheduled invitations (opening a draft
round for them), reminders, closing at the closing date, resuming stopped sends.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select

from ..db import db
from ..models import Round, utcnow
from ..people import mailings
from ..services import ServiceError, clock, jobs
from ..vocabulary import RoundStatus
from . import rounds


@jobs.handler(clock.KIND)
def clock_step(payload: dict, progress) -> dt.datetime:
    done = send_due()
    progress(len(done), len(done), "; ".join(done)[:2000])
    return utcnow() + clock.CLOCK_EVERY


@dataclass(frozen=True)
class Planned:
    at: dt.datetime
    what: str


def planned(round_: Round, now: Optional[dt.datetime] = None) -> list[Planned]:
    """What the schedule will do for the round, soonest first: the opening of a draft, the invitations, each
    reminder date still ahead, the close."""
    now = now or utcnow()
    if round_.status == RoundStatus.CLOSED:
        return []
    plan = []
    if round_.status == RoundStatus.DRAFT and round_.opens_at is not None:
        plan.append(Planned(round_.opens_at, "the round opens: every link starts working"))
    if round_.invite_at is not None:
        opening = " (the round opens then)" if round_.status == RoundStatus.DRAFT else ""
        plan.append(Planned(round_.invite_at, f"invitations to everyone not yet invited{opening}"))
    if round_.closes_at is not None:
        for days in mailings.parse_days(round_.reminder_days):
            at = round_.closes_at - dt.timedelta(days=days)
            if at > now:
                plan.append(Planned(at, f"reminders ({days} day{'s' if days != 1 else ''} before the close) to "
                                        f"those who have not submitted, at most {round_.max_reminders} each"))
        if round_.closes_itself:
            plan.append(Planned(round_.closes_at, "the round closes itself (its addresses are deleted)"))
    return sorted(plan, key=lambda p: p.at)


def due_slot(round_: Round, now: dt.datetime) -> Optional[int]:
    """The scheduled reminder due now: the latest of the round's reminder days whose time has come (a missed
    earlier one is not sent late on top of it), while the round is open."""
    if round_.closes_at is None or round_.availability(now) != "open":
        return None
    due = [d for d in mailings.parse_days(round_.reminder_days) if now >= round_.closes_at - dt.timedelta(days=d)]
    return min(due) if due else None


def _open_scheduled(now: dt.datetime) -> list[str]:
    """Open the draft rounds whose opening time has come."""
    done = []
    due = select(Round).where(Round.status == RoundStatus.DRAFT, Round.opens_at.is_not(None), Round.opens_at <= now)
    for round_ in db.session.scalars(due.order_by(Round.id)):
        try:
            rounds.open_round(round_)
        except ServiceError as exc:
            done.append(f"round {round_.id} ({round_.title}): due to open but {exc}")
        else:
            done.append(f"round {round_.id} ({round_.title}): opened at its opening time")
    return done


def _send_scheduled_invitations(now: dt.datetime) -> list[str]:
    """Queue the invitations of rounds whose time to send them has come, opening a draft round first. One that
    cannot go yet (no sender named, too few agencies) stays scheduled and is reported each time."""
    done = []
    for round_ in db.session.scalars(select(Round).where(Round.invite_at.is_not(None), Round.invite_at <= now,
                                                         Round.status != RoundStatus.CLOSED).order_by(Round.id)):
        name = f"round {round_.id} ({round_.title})"
        try:
            if not round_.sender_name or not round_.reply_to:  # links must not go live with nothing to send
                done.append(f"{name}: the invitations are due but no one is named as their sender")
                continue
            if round_.status == RoundStatus.DRAFT:
                rounds.open_round(round_)
                done.append(f"{name}: opened for its scheduled invitations")
            problem = mailings.ready_problem(round_)
            if problem:
                done.append(f"{name}: the invitations are due but {problem}")
                continue
            queued = mailings.queue_invitations(round_)
        except ServiceError as exc:
            done.append(f"{name}: the invitations are due but {exc}")
            continue
        round_.invite_at = None
        done.append(f"{name}: scheduled invitations, {queued.describe('invitation')}")
    return done


def send_due(now: Optional[dt.datetime] = None) -> list[str]:
    """What is due now, for the job runner's clock (`schedule`), a cron job or a timer: send the invitations whose
    time has come (opening a draft round for them), close the rounds whose closing date has passed (when they close
    themselves; their addresses are deleted), queue the scheduled reminders, and give queued messages whose job
    stopped to a new one. Returns what was done, one line each."""
    now = now or utcnow()
    done = _open_scheduled(now) + _send_scheduled_invitations(now)
    for round_ in db.session.scalars(select(Round).where(Round.status == RoundStatus.OPEN).order_by(Round.id)):
        if round_.closes_itself and round_.closes_at is not None and now >= round_.closes_at:
            closing = rounds.close_round(round_)
            done.append(f"round {round_.id} ({round_.title}): closed on its closing date, its addresses deleted. "
                        f"{closing}")
            continue
        slot = due_slot(round_, now)
        if slot is not None and mailings.ready_problem(round_) is None:
            queued = mailings.queue_reminders(round_, slot=slot, now=now)
            if queued.count:
                done.append(f"round {round_.id} ({round_.title}): {slot} day(s) before the close, "
                            f"{queued.describe('reminder')}")
        elif slot is not None:
            done.append(f"round {round_.id} ({round_.title}): reminders are due but {mailings.ready_problem(round_)}")
        if mailings.waiting(round_) and mailings.ready_problem(round_) is None:
            done.append(f"round {round_.id} ({round_.title}): sending resumed, {mailings.resume(round_)} message(s)")
    return done
