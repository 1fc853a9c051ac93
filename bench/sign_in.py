"""How long a refused sign-in takes: a wrong password for a real account, an address with no account, and a
disabled account, through the sign-in page with production's password hashing (werkzeug's scrypt defaults).
Equal times mean the answer's timing does not tell which addresses have accounts.

    .venv/bin/python bench/sign_in.py [ATTEMPTS]
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "the real passphrase of this account"


def main(attempts: int) -> None:
    from app import create_app
    from assessment.accounts import accounts
    from assessment.db import db
    from tests.support.web import csrf_from

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"ENVIRONMENT": "development", "RATELIMIT_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}"})
        with app.app_context():
            db.create_all()
            accounts.create_user("real@bench.test", PASSWORD, "facilitator")
            accounts.create_user("admin@bench.test", PASSWORD, "admin")
            accounts.disable(accounts.create_user("disabled@bench.test", PASSWORD, "facilitator"))
            client = app.test_client()
            token = csrf_from(client.get("/login").data)
            cases = {"wrong password, real account": ("real@bench.test", "not the password at all"),
                     "address with no account": ("nobody@bench.test", "not the password at all"),
                     "right password, disabled account": ("disabled@bench.test", PASSWORD)}
            print(f"{'refused sign-in':<34} {'median':>9} {'p10':>9} {'p90':>9}   ({attempts} attempts each)")
            for name, (email, password) in cases.items():
                times = []
                for _ in range(attempts):
                    start = time.perf_counter()
                    answer = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
                    times.append((time.perf_counter() - start) * 1000)
                    assert answer.status_code == 401, answer.status_code
                deciles = statistics.quantiles(times, n=10)
                print(f"{name:<34} {statistics.median(times):>7.1f}ms {deciles[0]:>7.1f}ms {deciles[-1]:>7.1f}ms")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
