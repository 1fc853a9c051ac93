"""The console's pages through Flask's test client (no network): on the demo by default, or on a statewide database
(`--statewide`, bench/statewide.py: 60 jurisdictions x 8 agencies x 6 closed rounds of about 300). For each page:
the first view (a release's charts are drawn then, and kept), then the median CPU time and the p95 wall time of
the next views, and the SQL statements one view costs.

    .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --statewide [--repeats 20]
    tests/with_postgres.sh .venv/bin/python bench/pages.py --statewide --postgres
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time

from sqlalchemy import func, select

from bench import statewide
from tests.support.statements import statements
from tests.support.web import fresh_context_per_request

PASSWORD = "correct horse battery staple"


def demo_database(folder: str) -> str:
    from app import create_app
    from assessment import demo
    from assessment.db import db

    url = f"sqlite:///{folder}/demo.sqlite"
    with create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url}).app_context():
        db.create_all()
        demo.seed()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return url


def statewide_database(folder: str, args) -> str:
    """A copy of the kept SQLite seed (pages write an audit line), or a new PostgreSQL one."""
    url = statewide.database(statewide.shape_of(args), args.postgres)
    if args.postgres:
        return url
    copy = f"{folder}/statewide.sqlite"
    shutil.copyfile(url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def pages() -> dict[str, str]:
    """The heaviest pages of the last jurisdiction: its latest closed round against the one before, its people,
    and what lists every jurisdiction, round and account."""
    from assessment.db import db
    from assessment.models import Round
    from assessment.vocabulary import RoundStatus

    later = db.session.scalar(select(Round).where(Round.status == RoundStatus.CLOSED).order_by(Round.id.desc())
                              .limit(1))
    earlier = db.session.scalar(select(Round).where(Round.jurisdiction_id == later.jurisdiction_id,
                                                    Round.id < later.id).order_by(Round.id.desc()).limit(1))
    r = later.id
    return {"console index": "/console/", "jurisdiction": f"/console/jurisdictions/{later.jurisdiction_id}",
            "accounts": "/console/users", "audit log": "/console/audit", "round": f"/console/rounds/{r}",
            "people": f"/console/rounds/{r}/people", "results": f"/console/rounds/{r}/results",
            "results, one sector": f"/console/rounds/{r}/results?sector=treatment",
            "comparison (trend)": f"/console/rounds/{r}/compare?with={earlier.id}",
            "viewer's list": "/view/", "viewer's results": f"/view/rounds/{r}",
            "API scores": f"/api/rounds/{r}/scores", "API coverage": f"/api/rounds/{r}/coverage",
            "scores export": f"/console/rounds/{r}/export/scores.csv",
            "raw export": f"/console/rounds/{r}/export/responses-wide.csv?confirmed=yes"}


def measure(client, path: str, repeats: int) -> tuple[float, float, float, int]:
    cpu, wall = [], []
    for _ in range(repeats + 1):
        began, started = time.process_time(), time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        cpu.append((time.process_time() - began) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    later = sorted(wall[1:])
    return (cpu[0], statistics.median(cpu[1:]), later[min(len(later) - 1, round(0.95 * (len(later) - 1)))],
            statements(client, path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statewide", action="store_true", help="on the statewide seed, not the demo")
    parser.add_argument("--repeats", type=int, default=10)
    statewide.arguments(parser)
    args = parser.parse_args()

    from app import create_app
    from assessment.accounts import accounts
    from assessment.db import db
    from assessment.models import Answer, Jurisdiction, Response, Round

    with tempfile.TemporaryDirectory() as folder:
        url = statewide_database(folder, args) if args.statewide else demo_database(folder)
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": url, "CHROMIUM_PATH": "/nonexistent/chromium",
                          "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "JOBS": "manual"})
        fresh_context_per_request(app)  # each client's requests as its own user, as in production
        with app.app_context():
            accounts.create_user("bench@state.test", PASSWORD, "admin")
            viewer = accounts.create_user("viewer@state.test", PASSWORD, "viewer")
            for place in db.session.scalars(select(Jurisdiction)):
                accounts.grant(viewer, place)
            db.session.commit()
            sizes = {name: db.session.scalar(select(func.count()).select_from(model))
                     for name, model in (("jurisdictions", Jurisdiction), ("rounds", Round),
                                         ("responses", Response), ("answers", Answer))}
            print(f"{db.engine.dialect.name}, {', '.join(f'{v:,} {k}' for k, v in sizes.items())}; "
                  f"{args.repeats} views of each page after the first")
            named = pages()
            admin, reader = app.test_client(), app.test_client()
            admin.post("/login", data={"email": "bench@state.test", "password": PASSWORD})
            reader.post("/login", data={"email": "viewer@state.test", "password": PASSWORD})
            print(f"{'page':<22}{'first ms':>10}{'CPU ms':>9}{'p95 ms':>9}{'statements':>12}")
            for name, path in named.items():
                client = reader if name.startswith("viewer") else admin
                first, cpu, p95, count = measure(client, path, args.repeats)
                print(f"{name:<22}{first:>10.0f}{cpu:>9.1f}{p95:>9.1f}{count:>12}", flush=True)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
