"""How long the commands operators and cron run take to start and finish, each in a new process as cron runs them
(best and median of five), on a demo database made for the run: `flask --help`, `flask send-due` (nothing due),
`flask user list`, `flask round list`, and `flask scores` (which needs pandas and SciPy: it scores a round).
Also which heavy libraries `flask --help` imports (it should import none).

    .venv/bin/python bench/startup.py
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).with_name("flask"))
HEAVY = ("pandas", "scipy", "weasyprint", "kaleido", "openpyxl", "pyreadstat", "networkx", "authlib", "webauthn")


def timed(args: list[str], env: dict, runs: int = 5) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([FLASK, "--app", "app", *args], cwd=ROOT, env=env, check=True, capture_output=True)
        seconds.append(time.perf_counter() - start)
    return min(seconds), statistics.median(seconds)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "FLASK_ENVIRONMENT": "development", "FLASK_JOBS": "worker",
               "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
               "FLASK_MAIL_OUTBOX": f"{folder}/outbox", "FLASK_CHROMIUM_PATH": "/nonexistent/chromium"}
        subprocess.run([FLASK, "--app", "app", "init-db"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([FLASK, "--app", "app", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        probe = ("import sys, runpy; sys.argv = ['flask', '--app', 'app', '--help']\n"
                 "try:\n    runpy.run_module('flask', run_name='__main__')\nexcept SystemExit:\n    pass\n"
                 f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
        loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
        print(f"heavy libraries `flask --help` imports: {loaded.stdout.strip().splitlines()[-1] or 'none'}")
        print(f"{'command':<22} {'best s':>7} {'median s':>9}")
        for args in (["--help"], ["send-due"], ["user", "list"], ["round", "list"], ["scores", "1"]):
            best, median = timed(args, env)
            print(f"{' '.join(args):<22} {best:>7.2f} {median:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
