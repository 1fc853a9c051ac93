"""Gunicorn as production runs it, and simulated respondents going through the whole survey over real HTTP, each
in a thread of its own with its own cookies: the harness of tests/test_gunicorn.py and bench/load.py. Also a count
of what the database holds against what the clients were told."""
from __future__ import annotations

import http.client
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench import AGENCIES, ROLES, SECTORS
from tests.support.survey import page_answers
from tests.support.web import Browser, csrf_from, free_port

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent


# ---------------------------------------------------------------------------------------------------- database

def database_url(folder: Path, postgres: bool) -> str:
    if not postgres:
        return f"sqlite:///{folder / 'load.sqlite'}"
    import sqlalchemy as sa

    server = os.environ.get("CONTINUUM_TEST_POSTGRES")
    if not server:
        sys.exit("--postgres needs a server: tests/with_postgres.sh .venv/bin/python bench/load.py --postgres")
    name = f"load_{secrets.token_hex(4)}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.make_url(server).set(database=name).render_as_string(hide_password=False)


def environment(url: str) -> dict[str, str]:
    return {**os.environ, "FLASK_SECRET_KEY": secrets.token_hex(32), "FLASK_SQLALCHEMY_DATABASE_URI": url,
            "FLASK_PUBLIC_URL": "http://127.0.0.1"}


@dataclass
class Respondent:
    token: str
    pages: list[dict]  # the answers posted on each section, in order


def seed(url: str, respondents: int) -> list[Respondent]:
    """Migrate the new database the way production does (`flask init-db`), then a jurisdiction of 12 agencies,
    an open round, and one invitation per respondent, spread over agencies and role levels."""
    subprocess.run([str(VENV_BIN / "flask"), "--app", "app", "init-db"], cwd=ROOT, env=environment(url), check=True,
                   stdout=subprocess.DEVNULL)
    from app import create_app
    from assessment import catalog
    from assessment.db import db
    from assessment.people import invitations
    from assessment.places import jurisdictions
    from assessment.rounds import rounds
    from assessment.survey.forms import Target

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        jurisdiction = jurisdictions.add_jurisdiction("Load County")
        agencies = [jurisdictions.add_agency(jurisdiction, f"Agency {k:02d}", SECTORS[k]) for k in range(AGENCIES)]
        round_ = rounds.create_round(jurisdiction, "Deadline day")
        rounds.open_round(round_)
        q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
        people = []
        for n in range(respondents):
            agency = agencies[n % AGENCIES]
            targets = tuple(Target(a.id, a.slug, a.name) for a in sorted(agencies, key=lambda a: a.name)
                            if a.id != agency.id)
            token = invitations.issue_invitations(round_, agency, ROLES[n % 3], 1)[0]
            people.append(Respondent(token, [page_answers(q, s, targets, likert=str(1 + n % 5)) for s in q.sections]))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return people


def count(url: str, acknowledged: set[str]) -> dict[str, int]:
    """What the database holds, against what clients were told."""
    from sqlalchemy import func, select

    from app import create_app
    from assessment.db import db
    from assessment.models import Answer, Invitation, Response
    from assessment.tokens import hash_token
    from assessment.vocabulary import InvitationStatus, ResponseStatus

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        answers = dict(db.session.execute(select(Answer.response_id, func.count(Answer.id))
                                          .group_by(Answer.response_id)).all())
        # a submitted response names no invitation: the invitations say which links submitted
        submitted_links = set(db.session.scalars(select(Invitation.token_hash).where(
            Invitation.status == InvitationStatus.SUBMITTED)))
        submitted = db.session.scalars(select(Response.id).where(Response.status == ResponseStatus.SUBMITTED)).all()
        complete = max(answers.values(), default=0)
        figures = {
            "responses": db.session.scalar(select(func.count(Response.id))),
            "submitted": len(submitted),
            "links that submitted": len(submitted_links),
            "acknowledged": len(acknowledged),
            "acknowledged but missing": sum(1 for t in acknowledged if hash_token(t) not in submitted_links),
            "responses without an invitation": db.session.scalar(
                select(func.count(Response.id)).where(Response.invited.is_(False))),
            "submitted but incomplete": sum(1 for r in submitted if answers.get(r, 0) != complete),
            "answers per complete response": complete,
        }
        db.session.remove()
        db.engine.dispose()
    return figures


# ------------------------------------------------------------------------------------------------------ server

class Gunicorn:
    def __init__(self, app_spec: str, env: dict[str, str], workers: int, threads: int | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers),
             *(["--threads", str(threads)] if threads else []),
             "--bind", f"127.0.0.1:{self.port}", "--backlog", "2048", "--log-level", "warning", app_spec],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=10):
                    return
            except OSError:  # not listening yet, or workers still importing
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not come up for {app_spec}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


# ----------------------------------------------------------------------------------------------------- harness

@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)  # requests interrupted by a killed worker, then retried
    acknowledged: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())


#: A person's pace (`--human`): seconds spent reading and answering a page before sending it (uniform); the page a
#: form leads to is asked for at once, as a browser follows the redirect.
HUMAN_PACE = (5.0, 20.0)


class Visit:
    """One simulated person: thinks, then asks; a request cut off by a dead worker is retried once. `think` is the
    mean pause before every request (exponential), or None for a person's pace (`HUMAN_PACE` before each form)."""

    def __init__(self, base: str, results: Results, think: float | None, rng: random.Random):
        self.browser = Browser(base)
        self.results, self.think, self.rng = results, think, rng
        self.retried = False  # whether the last request was cut off once and retried

    def pause(self, posting: bool) -> None:
        if self.think is None:
            if posting:
                time.sleep(self.rng.uniform(*HUMAN_PACE))
        elif self.think:
            time.sleep(self.rng.expovariate(1 / self.think))

    def ask(self, step: str, path: str, expect: tuple[int, ...], data: dict | None = None,
            after_retry: tuple[int, ...] = ()) -> tuple[int, str]:
        """One request; `after_retry` are the answers also expected when a cut-off first attempt was retried."""
        self.pause(data is not None)
        self.retried = False
        for attempt in (1, 2):
            began = time.perf_counter()
            try:
                status, body = self.browser.request(path, data)
            except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, OSError) as exc:
                # a worker killed mid-answer cuts the reply short (IncompleteRead is no OSError)
                with self.results.lock:
                    self.results.cut_off.append(f"{step}: {exc}")
                if attempt == 1:
                    self.retried = True
                    time.sleep(0.5)
                    continue
                raise
            elapsed = time.perf_counter() - began
            with self.results.lock:
                self.results.latencies[step].append(elapsed)
                if status not in expect + (after_retry if self.retried else ()):
                    self.results.errors.append(f"{step} {path}: HTTP {status} (expected {expect})")
            return status, body
        raise AssertionError("unreachable")


def survey(visit: Visit, person: Respondent) -> None:
    t = person.token
    _, page = visit.ask("welcome", f"/s/{t}", (200,))
    csrf = csrf_from(page)
    visit.ask("start", f"/s/{t}/start", (302,), {"csrf_token": csrf})
    for number, answers in enumerate(person.pages, start=1):
        kind = "roster page" if any("__" in name for name in answers) else "page"
        visit.ask(f"{kind} GET", f"/s/{t}/page/{number}", (200,))
        visit.ask(f"{kind} POST", f"/s/{t}/page/{number}", (302,), {**answers, "action": "next", "csrf_token": csrf})
    visit.ask("review", f"/s/{t}/review", (200,))
    # 409 "already submitted" is an acknowledgement only after a retry (the cut-off first attempt went through)
    status, _ = visit.ask("submit", f"/s/{t}/submit", (302,), {"csrf_token": csrf}, after_retry=(409,))
    if status == 302 or (status == 409 and visit.retried):
        with visit.results.lock:
            visit.results.acknowledged.add(t)
    visit.ask("thanks", f"/s/{t}/thanks", (200,))


def floor(visit: Visit, person: Respondent) -> None:
    """The same number of GETs and POSTs, with the same bodies, against the minimal app."""
    visit.ask("GET", "/welcome", (200,))
    visit.ask("POST", "/start", (200,), {"csrf_token": "x"})
    for number, answers in enumerate(person.pages, start=1):
        visit.ask("GET", f"/page/{number}", (200,))
        visit.ask("POST", f"/page/{number}", (200,), {**answers, "action": "next", "csrf_token": "x"})
    visit.ask("GET", "/review", (200,))
    visit.ask("POST", "/submit", (200,), {"csrf_token": "x"})
    visit.ask("GET", "/thanks", (200,))


def drive(base: str, people: list[Respondent], script, think: float | None, on_progress=None,
          arrivals: float = 0.0) -> tuple[Results, float]:
    """Everyone at once, or arriving at random over the first `arrivals` seconds."""
    results = Results()
    barrier = threading.Barrier(len(people) + 1)

    def one(n: int, person: Respondent):
        barrier.wait()
        if arrivals:
            time.sleep(random.Random(-n).uniform(0, arrivals))
        try:
            script(Visit(base, results, think, random.Random(n)), person)
        except Exception as exc:  # a person who gives up: counted, and the others go on
            with results.lock:
                results.errors.append(f"respondent {n} gave up: {exc!r}")

    threads = [threading.Thread(target=one, args=(n, p), daemon=True) for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    if on_progress:
        threading.Thread(target=on_progress, args=(results,), daemon=True).start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def killer(server: Gunicorn, after: int, log: list[str]):
    def watch(results: Results):
        while len(results.acknowledged) < after:
            time.sleep(0.05)
        victim = server.workers()[0]
        os.kill(victim, signal.SIGKILL)
        log.append(f"SIGKILL to worker {victim} after {len(results.acknowledged)} acknowledged submits")
    return watch
