"""Background jobs (services/jobs.py) and the reports they render and keep (results/report.py)."""
import datetime as dt
import os
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select

from assessment.db import db
from assessment.models import Job, ReportFile, Round, utcnow
from assessment.people import invitations
from assessment.results import report
from assessment.rounds import rounds
from assessment.services import jobs
from assessment.vocabulary import JobStatus, RoleLevel
from tests.support.survey import submit_through_services

ran: list[dict] = []


@jobs.handler("test-echo")
def _echo(payload: dict, progress) -> None:
    progress(1, 2, "halfway")
    ran.append(payload)
    if payload.get("fail"):
        raise RuntimeError("the server said no")


@jobs.handler("test-steps")
def _steps(payload: dict, progress):
    """Three steps; each step of it is logged, and it goes on at once (behind what fell due meanwhile)."""
    done = sum(1 for p in ran if p.get("steps") == payload["steps"])
    ran.append(payload)
    if done == 0:  # as a request would while the step runs: another job falls due
        jobs.enqueue("test-echo", "report", {"n": 1})
    progress(done + 1, 3, "a step")
    return utcnow() if done + 1 < 3 else None


@pytest.fixture(autouse=True)
def forget():
    ran.clear()


def test_a_job_is_queued_once_per_kind_and_key_until_it_finishes(app):
    first = jobs.enqueue("test-echo", "round:1", {"n": 1})
    again = jobs.enqueue("test-echo", "round:1", {"n": 2})
    other = jobs.enqueue("test-echo", "round:2", {"n": 3})
    assert again.id == first.id and other.id != first.id
    db.session.commit()
    assert jobs.run_pending() == 2 and ran == [{"n": 1}, {"n": 3}]
    done = db.session.get(Job, first.id)
    assert (done.status, done.done, done.total, done.message, done.attempts) == (JobStatus.DONE, 1, 2, "halfway", 1)
    assert jobs.enqueue("test-echo", "round:1").id != first.id  # finished: a new one


def test_two_workers_never_run_one_job_twice(app, database):
    """Eight workers, each in its own thread with its own session, race for twenty jobs."""
    for n in range(20):
        jobs.enqueue("test-echo", f"job:{n}", {"n": n})
    db.session.commit()
    barrier = threading.Barrier(8)

    def work():
        with app.app_context():
            barrier.wait()
            jobs.run_pending(jobs.worker_name())
            db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(p["n"] for p in ran) == list(range(20))  # each once
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Job.id)).where(Job.status == JobStatus.DONE, Job.attempts == 1)) == 20
    assert len({j.worker for j in db.session.scalars(select(Job))}) > 1  # the work was shared


def test_a_failing_job_is_retried_later_then_marked_failed_with_the_reason(app):
    job = jobs.enqueue("test-echo", "flaky", {"fail": True})
    db.session.commit()
    assert jobs.run_pending() == 1
    db.session.refresh(job)
    assert job.status == JobStatus.QUEUED and job.error == "RuntimeError: the server said no"
    assert job.not_before >= utcnow() + dt.timedelta(seconds=25)  # not due again at once
    assert jobs.run_pending() == 0
    for attempt in range(2, jobs.MAX_ATTEMPTS + 1):
        job.not_before = utcnow()
        db.session.commit()
        assert jobs.run_pending() == 1
        db.session.refresh(job)
    assert job.status == JobStatus.FAILED and job.attempts == jobs.MAX_ATTEMPTS and job.finished_at is not None


def test_a_long_job_goes_in_steps_and_lets_a_job_queued_meanwhile_run_between_them(app):
    long = jobs.enqueue("test-steps", "long", {"steps": "long"})
    db.session.commit()
    assert jobs.run_pending() == 4  # the first step, the job queued during it, then the two other steps
    assert ran == [{"steps": "long"}, {"n": 1}, {"steps": "long"}, {"steps": "long"}]
    db.session.refresh(long)
    assert (long.status, long.done, long.total, long.attempts) == (JobStatus.DONE, 3, 3, 1)


def test_a_step_due_later_waits_and_the_thread_knows_how_long(app):
    job = jobs.enqueue("test-echo", "later", {"n": 5})
    job.not_before = utcnow() + dt.timedelta(seconds=30)
    db.session.commit()
    assert jobs.run_pending() == 0
    assert 20 < jobs.seconds_to_next() <= 30
    job.not_before = utcnow()
    db.session.commit()
    assert jobs.seconds_to_next() == 0 and jobs.run_pending() == 1


def test_a_job_whose_worker_died_is_claimed_again(app):
    job = jobs.enqueue("test-echo", "orphan", {"n": 7})
    db.session.commit()
    assert jobs.claim("a worker that then dies").id == job.id
    assert jobs.run_pending() == 0  # running, and its heartbeat is fresh
    job.heartbeat_at = utcnow() - jobs.STALE_AFTER - dt.timedelta(seconds=1)
    db.session.commit()
    assert jobs.run_pending() == 1 and ran == [{"n": 7}]
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.attempts == 2


def test_in_a_thread_a_request_that_queues_a_job_wakes_the_worker(app, client):
    app.extensions["continuum-jobs"] = jobs.ThreadWorker(app)
    app.add_url_rule("/queue-a-test-job", "queue_test_job",
                     lambda: (jobs.enqueue("test-echo", "threaded", {"n": 9}), "queued")[1], methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/queue-a-test-job").status_code == 200
    for _ in range(100):
        if ran:
            break
        time.sleep(0.05)
    assert ran == [{"n": 9}]


# --- reports, rendered once and kept --------------------------------------------------------------------------

def closed_round(county, people=3) -> Round:
    round_ = county["round"]
    for token in invitations.issue_invitations(round_, county["agencies"][0], RoleLevel.LINE_STAFF, people):
        submit_through_services(token)
    rounds.close_round(round_)
    db.session.commit()
    return round_


def test_closing_a_round_renders_its_report_and_a_download_is_served_from_the_store(app, county):
    round_ = closed_round(county)
    queued = report.progress_of(round_)
    assert queued is not None and queued.status == JobStatus.QUEUED  # queued by the close
    assert report.download(round_) == (None, queued)  # not rendered yet
    assert jobs.run_pending() == 1
    stored, job = report.download(round_)
    assert job is None and stored.startswith(b"%PDF")
    fresh = report.render(round_)  # the same inputs, rendered again now
    assert fresh == stored
    assert db.session.scalar(select(func.count(ReportFile.id))) == 1


def test_the_key_holds_while_the_inputs_do_and_moves_with_them(app, county):
    round_ = closed_round(county)
    key = report.report_key(round_)
    assert report.report_key(round_) == key
    round_.title = "Spring survey, final"  # the report prints the round's title
    assert report.report_key(round_) != key


def test_a_worker_process_renders_what_the_console_queued(app, county, database):
    """`flask worker`, as a separate process on the same database (as on another server)."""
    round_ = closed_round(county)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": url, "FLASK_ENVIRONMENT": "development",
           "FLASK_JOBS": "worker"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--poll", "0.2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180  # a new process imports, starts Chromium and lays out a PDF
        while time.monotonic() < deadline:
            db.session.expire_all()
            if report.ready(round_):
                break
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    assert report.ready(round_), output
    assert report.progress_of(round_).status == JobStatus.DONE
