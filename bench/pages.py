"""The CPU time of the console's heaviest pages on the demo, through Flask's test client (no network): the results
page (its first view of a release draws its charts; later views read them from memory), the viewer's results, the
comparison of two rounds, a round's page and its people. Median of five after a first view.

    .venv/bin/python bench/pages.py
"""
from __future__ import annotations

import statistics
import tempfile
import time

from sqlalchemy import select


def main() -> None:
    from app import create_app
    from assessment import demo
    from assessment.db import db
    from assessment.models import Round
    from assessment.services import accounts
    from assessment.vocabulary import RoundStatus

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/demo.sqlite",
                          "CHROMIUM_PATH": "/nonexistent/chromium", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
        with app.app_context():
            db.create_all()
            demo.seed()
            accounts.create_user("bench@demo.test", "correct horse battery staple", "admin")
            db.session.commit()
            closed = db.session.scalars(select(Round).where(Round.status == RoundStatus.CLOSED)
                                        .order_by(Round.id)).all()
            client = app.test_client()
            client.post("/login", data={"email": "bench@demo.test", "password": "correct horse battery staple"})
            later, earlier = closed[-1].id, closed[0].id
            print(f"{'page':<34} {'first ms':>9} {'median ms':>10}")
            for name, path in (("results", f"/console/rounds/{later}/results"),
                               ("results, one sector", f"/console/rounds/{later}/results?sector=treatment"),
                               ("viewer's results", f"/view/rounds/{later}"),
                               ("comparison", f"/console/rounds/{later}/compare?with={earlier}"),
                               ("round", f"/console/rounds/{later}"),
                               ("people", f"/console/rounds/{later}/people")):
                cpu = []
                for _ in range(6):
                    start = time.process_time()
                    assert client.get(path).status_code == 200, path
                    cpu.append((time.process_time() - start) * 1000)
                print(f"{name:<34} {cpu[0]:>9.0f} {statistics.median(cpu[1:]):>10.0f}", flush=True)


if __name__ == "__main__":
    main()
