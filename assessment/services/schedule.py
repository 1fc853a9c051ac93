"""The app's own clock: what is planned for a round, and the job that carries it out without cron.

One job of kind "clock" (key "schedule") lives as long as the deployment: each step runs `mailings.send_due`
(scheduled invitations, reminders, closing at the closing date, resuming stopped sends) and queues itself again
CLOCK_EVERY later, so whatever runs jobs (the app's job thread, or `flask worker`) runs the schedule too. It is
queued when a job runner starts and whenever something is scheduled (`ensure_clock`); `flask send-due` stays for
those who prefer cron. A
clock step that is overdue by more than CLOCK_LATE means nothing is running jobs, which the console says.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from ..models import Job, Round, utcnow
from ..vocabulary import JobStatus, RoundStatus
from . import jobs, mailings

KIND = "clock"
KEY = "schedule"
CLOCK_EVERY = dt.timedelta(minutes=5)
#: A clock step this far past its time was not run: no job thread or worker is running.
CLOCK_LATE = dt.timedelta(minutes=15)


def ensure_clock() -> Job:
    """The clock's job, queued now if there is none (flushed; it starts once the caller commits)."""
    return jobs.enqueue(KIND, KEY)


jobs.ON_START.append(ensure_clock)  # whatever runs jobs runs the schedule, even before anything is saved


@jobs.handler(KIND)
def clock_step(payload: dict, progress) -> dt.datetime:
    done = mailings.send_due()
    progress(len(done), len(done), "; ".join(done)[:2000])
    return utcnow() + CLOCK_EVERY


@dataclass(frozen=True)
class ClockState:
    """Whether the schedule will be carried out: the clock's job, when it last ran, and whether it is late."""

    job: Optional[Job]
    last_ran: Optional[dt.datetime]
    late: bool

    @property
    def running(self) -> bool:
        return self.job is not None and not self.late


def clock_state(now: Optional[dt.datetime] = None) -> ClockState:
    now = now or utcnow()
    job = jobs.unfinished(KIND, KEY)
    if job is None:
        return ClockState(None, None, False)
    late = job.status == JobStatus.QUEUED and job.not_before < now - CLOCK_LATE
    return ClockState(job, job.heartbeat_at, late)


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
