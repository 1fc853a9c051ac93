"""The app's own clock: one job of kind "clock" (key "schedule") that lives as long as the deployment. Each step
carries out what is due (`schedule.send_due`, which registers the step) and queues itself again CLOCK_EVERY later,
so whatever runs jobs (the app's job thread, or `flask worker`) runs the schedule too. It is queued when a job
runner starts and whenever something is scheduled (`ensure_clock`); `flask send-due` stays for those who prefer
cron. A clock step that is overdue by more than CLOCK_LATE means nothing is running jobs, which the console says.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from ..models import Job, utcnow
from ..vocabulary import JobStatus
from . import jobs

KIND = "clock"
KEY = "schedule"
CLOCK_EVERY = dt.timedelta(minutes=5)
#: A clock step this far past its time was not run: no job thread or worker is running.
CLOCK_LATE = dt.timedelta(minutes=15)


def ensure_clock() -> Job:
    """The clock's job, queued now if there is none (flushed; it starts once the caller commits)."""
    return jobs.enqueue(KIND, KEY)


jobs.ON_START.append(ensure_clock)  # whatever runs jobs runs the schedule, even before anything is saved


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
