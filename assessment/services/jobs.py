"""Background work: rendering a report, sending a round's emails.

A job is a row (`models.Job`). `enqueue` adds one, or finds the unfinished job of the same kind and key. A worker
`claim`s the oldest queued job with a conditional update (queued -> running), so that two workers never run the
same job, whether they are threads of one process or processes on several servers sharing one PostgreSQL
(where the candidate row is also selected FOR UPDATE SKIP LOCKED, so that workers skip each other's rows instead
of waiting on them). A running job beats a heartbeat as it reports progress; one whose heartbeat stopped (its
worker died) is claimed again, and its handler resumes from what it recorded. A failing job is retried with a
growing pause, then marked failed with the reason.

A long job works in steps: a handler that returns a time is queued again to go on from there at that time,
behind the jobs that fell due before it (claims go by due time), so that one long job (a round's emails, sent at
a steady rate) does not hold up the others (a report) in a process that runs one job at a time.

Where jobs run is set by JOBS: "worker" (the default in production) leaves them to `flask --app app worker`
processes, so that a report's rendering never holds a web worker that respondents share; "thread" (the default
with ENVIRONMENT=development, as `make run` sets) runs them in a thread of the app's own process, woken when a
transaction that queued one commits; "manual" leaves them to the caller (`run_pending`), as the tests do (the
default when TESTING). Jobs that wait past WAITING_TOO_LONG are shown to the console's users (`waiting_too_long`):
no worker is taking them.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import traceback
from datetime import timedelta
from typing import Callable, Iterable, Optional

from flask import Flask, current_app, has_request_context
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from ..db import db
from ..models import Job, utcnow
from ..vocabulary import JobStatus

log = logging.getLogger(__name__)

#: A running job that has not reported for this long has lost its worker.
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 5
#: The pause before attempt n + 1: 30 s, 1 min, 2 min, 4 min.
FIRST_RETRY = timedelta(seconds=30)

#: The longest the job thread sleeps when nothing wakes it (due retries and later steps run within this).
IDLE_WAKE = 60.0

Progress = Callable[[int, int, str], None]
#: kind -> the function that does a job of that kind: (its payload, a progress callback) -> None when the job is
#: done, or the time to go on with it.
HANDLERS: dict[str, Callable[[dict, Progress], Optional[dt.datetime]]] = {}
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
#: What a job runner does once as it starts (the schedule's clock makes sure its job exists: `schedule`).
ON_START: list[Callable[[], object]] = []


def handler(kind: str):
    """Register the function that does jobs of `kind`."""
    def register(function):
        HANDLERS[kind] = function
        return function
    return register


def enqueue(kind: str, key: str, payload: Optional[dict] = None) -> Job:
    """The unfinished job of this kind and key, or a new one (flushed; it runs once the caller commits)."""
    found = unfinished(kind, key)
    if found is not None:
        return found
    job = Job(kind=kind, key=key, payload=json.dumps(payload or {}, sort_keys=True))
    db.session.add(job)
    db.session.flush()
    db.session.info["jobs_queued"] = True
    return job


def unfinished(kind: str, key: str) -> Optional[Job]:
    return db.session.scalar(select(Job).where(Job.kind == kind, Job.key == key, Job.status.in_(UNFINISHED))
                             .order_by(Job.id.desc()))


def latest(kind: str, key: str) -> Optional[Job]:
    return db.session.scalar(select(Job).where(Job.kind == kind, Job.key == key).order_by(Job.id.desc()))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


#: How long a due job may wait for a worker before the console says that none is taking jobs.
WAITING_TOO_LONG = timedelta(minutes=5)


def waiting_too_long(now: Optional[dt.datetime] = None) -> int:
    """How many jobs have been due for longer than WAITING_TOO_LONG without a worker taking them."""
    cutoff = (now or utcnow()) - WAITING_TOO_LONG
    return db.session.scalar(select(func.count(Job.id)).where(Job.status == JobStatus.QUEUED,
                                                              Job.not_before < cutoff)) or 0


def claim(worker: str, kinds: Optional[Iterable[str]] = None) -> Optional[Job]:
    """The job that fell due first (of `kinds`, when given) that this worker may run now, marked running for it
    (committed), or None."""
    now = utcnow()
    candidate = (select(Job.id).where(or_(
        (Job.status == JobStatus.QUEUED) & (Job.not_before <= now),
        (Job.status == JobStatus.RUNNING) & (Job.heartbeat_at < now - STALE_AFTER)))
        .order_by(Job.not_before, Job.id).limit(1).with_for_update(skip_locked=True))
    if kinds is not None:
        candidate = candidate.where(Job.kind.in_(list(kinds)))
    for _ in range(5):  # another worker may take the candidate between the two statements
        job_id = db.session.scalar(candidate)
        if job_id is None:
            db.session.commit()
            return None
        taken = db.session.execute(
            update(Job).where(Job.id == job_id, or_(Job.status == JobStatus.QUEUED,
                                                    Job.heartbeat_at < now - STALE_AFTER))
            .values(status=JobStatus.RUNNING, worker=worker, heartbeat_at=now, attempts=Job.attempts + 1)
            .execution_options(synchronize_session=False))
        db.session.commit()
        if taken.rowcount == 1:
            return db.session.get(Job, job_id)
    return None


def run_one(worker: str, kinds: Optional[Iterable[str]] = None) -> bool:
    """Claim and run one job (or one step of it); False when there was none."""
    job = claim(worker, kinds)
    if job is None:
        return False
    job_id, kind, payload = job.id, job.kind, json.loads(job.payload)

    def progress(done: int, total: int, message: str = "") -> None:
        """Record how far the job is (and that its worker lives), committing what the handler did so far."""
        db.session.execute(update(Job).where(Job.id == job_id).values(
            done=done, total=total, message=message, heartbeat_at=utcnow()).execution_options(
            synchronize_session=False))
        db.session.commit()

    try:
        again = HANDLERS[kind](payload, progress)
    except Exception as exc:  # noqa: BLE001 - a failed job is recorded and retried, never lost
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind)
        job = db.session.get(Job, job_id)
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at = JobStatus.FAILED, utcnow()
        else:
            job.status, job.not_before = JobStatus.QUEUED, utcnow() + FIRST_RETRY * 2 ** (job.attempts - 1)
        job.error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    else:
        job = db.session.get(Job, job_id)
        if again is not None:  # a step done: the next one waits its turn (a failure then starts a fresh count)
            job.status, job.not_before, job.attempts, job.error = JobStatus.QUEUED, again, 0, None
        else:
            job.status, job.finished_at, job.error = JobStatus.DONE, utcnow(), None
    db.session.commit()
    return True


def start() -> None:
    """What every job runner does as it starts (ON_START), committed; a failure is logged, never fatal."""
    try:
        for step in ON_START:
            step()
        db.session.commit()
    except Exception:  # noqa: BLE001 - a runner must start even if, say, the database is not migrated yet
        db.session.rollback()
        log.exception("a job runner's start-up step failed")


def run_pending(worker: Optional[str] = None, kinds: Optional[Iterable[str]] = None) -> int:
    """Run jobs (of `kinds`, when given) until none is due; how many ran (each step of a job counts)."""
    worker = worker or worker_name()
    count = 0
    while run_one(worker, kinds):
        count += 1
    return count


def seconds_to_next() -> float:
    """How long until the next queued job falls due (0 when one is due now), at most IDLE_WAKE."""
    due = db.session.scalar(select(func.min(Job.not_before)).where(Job.status == JobStatus.QUEUED))
    db.session.commit()
    if due is None:
        return IDLE_WAKE
    return min(IDLE_WAKE, max(0.0, (due - utcnow()).total_seconds()))


# --- in-process worker ---------------------------------------------------------------------------------------

class ThreadWorker:
    """One thread per process that runs due jobs, woken when a transaction that queued a job commits."""

    def __init__(self, app: Flask):
        self.app = app
        self.wake = threading.Event()
        self.thread: Optional[threading.Thread] = None
        self.lock = threading.Lock()

    def poke(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._loop, name="continuum-jobs", daemon=True)
                self.thread.start()
        self.wake.set()

    def _loop(self) -> None:
        pause = IDLE_WAKE
        with self.app.app_context():
            start()
            db.session.remove()
        while True:
            self.wake.wait(timeout=pause)  # a retry or a later step falls due; at worst a minute later
            self.wake.clear()
            with self.app.app_context():
                try:
                    run_pending()
                    pause = seconds_to_next()
                except Exception:  # noqa: BLE001 - the thread must outlive a broken database connection
                    log.exception("the job thread could not run jobs")
                    pause = IDLE_WAKE
                finally:
                    db.session.remove()


@event.listens_for(Session, "after_commit")
def _wake_on_commit(session: Session) -> None:
    """A request that queued a job has committed: wake this process's job thread, when it has one. (A command's
    jobs wait for the server: a command's process ends before they would be done.)"""
    if session.info.pop("jobs_queued", False) and has_request_context():
        worker = current_app.extensions.get("continuum-jobs")
        if worker is not None:
            worker.poke()


def init_app(app: Flask) -> None:
    app.config.setdefault("JOBS", "manual" if app.testing else
                          "thread" if app.config.get("ENVIRONMENT") == "development" else "worker")
    if app.config["JOBS"] != "thread":
        return
    worker = app.extensions["continuum-jobs"] = ThreadWorker(app)

    @app.before_request
    def start_jobs_thread() -> None:
        """The first request starts the thread, which runs whatever was queued before the server started."""
        if worker.thread is None:
            worker.poke()
