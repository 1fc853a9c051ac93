"""A state's page at a state's size: the statewide seed (bench/statewide.py: 60 jurisdictions x 8 agencies x 6
closed rounds of about 300) put in one state, every jurisdiction sharing with it (a third by name), read by a state
coordinator, and one county's view of its state read by its facilitator, and the state's report (rendered once by
its job, then served from the store). For each: the first view (the seed's
releases were kept before release summaries were, so their summaries are worked out then, once), then the median
CPU time, the p95 wall time of the next views, and the SQL statements one view costs; then the same with a third of
the counties sharing, to show the count does not grow with the state's size.

    .venv/bin/python bench/state.py [--repeats 20]
    tests/with_postgres.sh .venv/bin/python bench/state.py --postgres
"""
from __future__ import annotations

import argparse
import tempfile
import time

from sqlalchemy import func, select

from bench import statewide
from bench.pages import PASSWORD, measure, statewide_database
from tests.support.web import fresh_context_per_request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    statewide.arguments(parser)
    args = parser.parse_args()

    from app import create_app
    from assessment.accounts import accounts
    from assessment.db import db
    from assessment.models import Jurisdiction, Release, Round, StateReport
    from assessment.services import jobs
    from assessment.states import report, states

    with tempfile.TemporaryDirectory() as folder:
        url = statewide_database(folder, args)
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": url, "CHROMIUM_PATH": "/nonexistent/chromium",
                          "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "JOBS": "manual",
                          "RATELIMIT_ENABLED": False})  # the report is downloaded more often than a person may
        fresh_context_per_request(app)  # each client's requests as its own user, as in production
        with app.app_context():
            places = list(db.session.scalars(select(Jurisdiction).order_by(Jurisdiction.id)))
            state = db.session.scalar(select(states.State).where(states.State.name == "Bench State"))
            state = state or states.add_state("Bench State")
            for n, place in enumerate(places):
                states.assign(place, state)
                states.set_sharing(place, True, by_name=n % 3 == 0)
            coordinator = accounts.find_user("board@state.test") or accounts.create_user(
                "board@state.test", PASSWORD, "state")
            states.grant(coordinator, state)
            facilitator = accounts.find_user("county@state.test") or accounts.create_user(
                "county@state.test", PASSWORD, "facilitator")
            if not facilitator.grants:
                accounts.grant(facilitator, places[-1])
            db.session.commit()
            rounds = db.session.scalar(select(func.count(Round.id)))
            unsummarised = db.session.scalar(select(func.count(Release.id)).where(Release.summary.is_(None)))
            print(f"{db.engine.dialect.name}: one state of {len(places)} jurisdictions, {rounds} rounds "
                  f"({unsummarised} releases without a summary yet); {args.repeats} views after the first")
            board, county = app.test_client(), app.test_client()
            board.post("/login", data={"email": "board@state.test", "password": PASSWORD})
            county.post("/login", data={"email": "county@state.test", "password": PASSWORD})
            print(f"{'page':<34}{'first ms':>10}{'CPU ms':>9}{'p95 ms':>9}{'statements':>12}")
            for name, client, path in (("state page, every county sharing", board, f"/state/{state.id}"),
                                       ("a county beside its state", county,
                                        f"/console/jurisdictions/{places[-1].id}/state")):
                first, cpu, p95, count = measure(client, path, args.repeats)
                print(f"{name:<34}{first:>10.0f}{cpu:>9.1f}{p95:>9.1f}{count:>12}", flush=True)
            queued = board.get(f"/state/{state.id}/report.pdf")  # nothing kept yet: its rendering is queued
            assert queued.status_code == 302, queued.status_code
            began = time.perf_counter()
            assert jobs.run_pending(kinds=[report.KIND]) == 1
            rendered = (time.perf_counter() - began) * 1000
            size = len(db.session.scalar(select(StateReport.pdf).where(StateReport.state_id == state.id)))
            first, cpu, p95, count = measure(board, f"/state/{state.id}/report.pdf", args.repeats)
            print(f"{'the report, from the store':<34}{first:>10.0f}{cpu:>9.1f}{p95:>9.1f}{count:>12}   "
                  f"(rendered by its job in {rendered:.0f} ms, {size // 1024} KiB)", flush=True)
            for n, place in enumerate(places):
                states.set_sharing(place, n % 3 == 0, by_name=True)
            db.session.commit()
            first, cpu, p95, count = measure(board, f"/state/{state.id}", args.repeats)
            print(f"{'state page, a third sharing':<34}{first:>10.0f}{cpu:>9.1f}{p95:>9.1f}{count:>12}", flush=True)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
