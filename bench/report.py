"""Report speed and memory: rounds of 500 respondents in 12 agencies, measured as a facilitator meets them.

1. `flask report` in a new process, from start to the PDF on disk (imports, scoring, Chromium start, charts,
   layout). Target: under 8 s.
2. A fresh render in a warm process: another round's report, whose charts are new (drawn in Chromium while the
   HTML is read). Target: under 3 s. And the same report rendered again (its charts from the cache).
3. A closed round's download served from the store (the hash of its inputs, then the stored PDF). Target: under
   0.3 s.
4. Memory over 20 reports in a row (each round's report twice over, ten rounds): the Python process's RSS and the
   proportional memory (PSS) of the Chromium that draws the charts. Target: under 600 MB together, not growing.

    .venv/bin/python bench/report.py [RESPONDENTS] [REPORTS]
"""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import AGENCIES, ROLES, SECTORS

ROUNDS = 10


def build_database(path: Path, respondents: int, rounds_wanted: int = ROUNDS) -> list[int]:
    """A jurisdiction of 12 agencies and `rounds_wanted` closed rounds of `respondents` answers each (each drawn
    with its own seed, so that no two rounds share a chart), imported from generated CSV files."""
    from app import create_app
    from assessment import catalog
    from assessment.db import db
    from assessment.interchange import importer
    from assessment.places import jurisdictions
    from assessment.rounds import rounds

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "JOBS": "manual"})
    ids = []
    with app.app_context():
        db.create_all()
        jurisdiction = jurisdictions.add_jurisdiction("Bench County")
        agencies = [jurisdictions.add_agency(jurisdiction, f"Agency {k:02d}", SECTORS[k]) for k in range(AGENCIES)]
        for number in range(rounds_wanted):
            round_ = rounds.create_round(jurisdiction, f"Bench round {number + 1}")
            q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
            likert = [i for i in q.items if i.type == "likert"]
            rng = np.random.default_rng(3 + number)
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(["agency", "role_level", *[i.id for i in likert],
                             *[f"roster:{a.slug}" for a in agencies]])
            for n in range(respondents):
                agency = agencies[n % AGENCIES]
                level = rng.normal(3, 0.7)
                answers = [("DK" if rng.random() < 0.04 else int(np.clip(round(level + rng.normal(0, 0.7)), 1, 5)))
                           for _ in likert]
                roster = ["" if a.id == agency.id else int(np.clip(round(rng.normal(2, 1)), 0, 4))
                          for a in agencies]
                writer.writerow([agency.slug, ROLES[n % 3], *answers, *roster])
            importer.import_responses(round_, out.getvalue().encode())
            rounds.close_round(round_)
            db.session.commit()
            ids.append(round_.id)
    return ids


def chromium_pss_mib() -> float:
    """Proportional set size of every process descended from this one (the Chromium that kaleido started): its
    real share of memory, where summed RSS would count shared pages once per process."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    mine, grew = {os.getpid()}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(children)
        mine |= children
    total = 0
    for pid in mine - {os.getpid()}:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total / 1024


def mib_of(pid: int, field: str = "Rss:") -> float:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        return next(int(line.split()[1]) for line in rollup if line.startswith(field)) / 1024


def measure(database: str, ids: list[int], reports: int) -> None:
    from app import create_app
    from assessment.db import db
    from assessment.models import Round
    from assessment.results import report

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "JOBS": "manual"})
    with app.app_context():
        first, second = (db.session.get(Round, i) for i in ids[:2])
        report.render(first)  # the warm-up: Chromium started, fonts and templates loaded
        db.session.commit()
        marks = []
        start = time.perf_counter()
        pdf = report.render(second, progress=lambda step: marks.append((time.perf_counter(), step)))
        fresh = time.perf_counter() - start
        db.session.commit()
        marks.append((time.perf_counter(), "end"))
        print(f"2. fresh render, warm process, new charts      {fresh:6.2f} s   {len(pdf) // 1024} KiB")
        for (at, step), (until, _) in zip(marks, marks[1:]):
            print(f"       {until - at:5.2f} s  {step}")
        start = time.perf_counter()
        report.render(second)
        print(f"   the same report again (charts from cache)    {time.perf_counter() - start:6.2f} s")
        db.session.rollback()

        times = []
        for _ in range(5):
            db.session.expire_all()
            start = time.perf_counter()
            stored, job = report.download(db.session.get(Round, ids[1]))
            times.append(time.perf_counter() - start)
            assert stored is not None and job is None
            db.session.rollback()
        print(f"3. download of a closed round, from the store  {min(times):6.3f} s (best of 5; worst "
              f"{max(times):.3f} s)")

        print(f"4. memory over {reports} reports (MiB): report, Python RSS, Chromium PSS, together")
        for k in range(reports):
            report.render(db.session.get(Round, ids[k % len(ids)]))
            db.session.rollback()
            if k in (0, 4, 9, 14, 19) or k == reports - 1:
                python, chromium = mib_of(os.getpid()), chromium_pss_mib()
                print(f"       {k + 1:3d}   {python:7.1f}   {chromium:7.1f}   {python + chromium:7.1f}")


def main(respondents: int, reports: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        ids = build_database(database, respondents)
        print(f"Report benchmark: {len(ids)} closed rounds of {respondents} respondents in {AGENCIES} agencies "
              f"(database built in {time.perf_counter() - started:.1f} s)", flush=True)
        env = {**os.environ, "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
               "FLASK_ENVIRONMENT": "development"}
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "report", str(ids[0]), "-o",
                        str(Path(folder) / "cold.pdf")], check=True, env=env, stdout=subprocess.DEVNULL)
        print(f"1. flask report, new process to PDF on disk    {time.perf_counter() - start:6.2f} s", flush=True)
        subprocess.run([sys.executable, __file__, "--measure", str(database), ",".join(map(str, ids)),
                        str(reports)], check=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        measure(sys.argv[2], [int(i) for i in sys.argv[3].split(",")], int(sys.argv[4]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 20)
