"""Report speed and memory: the PDF of a round of 500 respondents in 12 agencies.

Cold: a new process, from start to the PDF on disk (imports, scoring, Chromium start, charts, layout).
Warm: a second report in the same process. Peak memory: the Python process's peak RSS, and the proportional
memory (PSS) of the Chromium processes kaleido keeps running beside it.

    .venv/bin/python bench/report.py [RESPONDENTS]
"""
from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import AGENCIES, ROLES, SECTORS


def build_database(path: Path, respondents: int) -> int:
    """A jurisdiction of 12 agencies and a round of `respondents` answers, imported from a generated CSV."""
    from app import create_app
    from assessment import catalog
    from assessment.db import db
    from assessment.services import importer, jurisdictions, rounds

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        jurisdiction = jurisdictions.add_jurisdiction("Bench County")
        agencies = [jurisdictions.add_agency(jurisdiction, f"Agency {k:02d}", SECTORS[k]) for k in range(AGENCIES)]
        round_ = rounds.create_round(jurisdiction, "Bench round")
        q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
        likert = [i for i in q.items if i.type == "likert"]
        rng = np.random.default_rng(3)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["agency", "role_level", *[i.id for i in likert], *[f"roster:{a.slug}" for a in agencies]])
        for n in range(respondents):
            agency = agencies[n % AGENCIES]
            level = rng.normal(3, 0.7)
            answers = [("DK" if rng.random() < 0.04 else int(np.clip(round(level + rng.normal(0, 0.7)), 1, 5)))
                       for _ in likert]
            roster = ["" if a.id == agency.id else int(np.clip(round(rng.normal(2, 1)), 0, 4)) for a in agencies]
            writer.writerow([agency.slug, ROLES[n % 3], *answers, *roster])
        importer.import_responses(round_, out.getvalue().encode())
        db.session.commit()
        return round_.id


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


def measure(database: str, round_id: int, output: str, spawned_at: float) -> None:
    from app import create_app
    from assessment.db import db
    from assessment.models import Round
    from assessment.services.report import render as report_pdf

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    started = time.time() - spawned_at
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        cold_marks = []
        Path(output).write_bytes(report_pdf(round_, progress=lambda step: cold_marks.append((time.perf_counter(),
                                                                                                   step))))
        cold = time.time() - spawned_at
        start = time.perf_counter()
        marks = []
        pdf = report_pdf(round_, progress=lambda step: marks.append((time.perf_counter(), step)))
        warm = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cold (new process to PDF on disk) {cold:6.2f} s")
    print(f"    {started:5.2f} s  Starting Python and the app (imports)")
    _steps(cold_marks)
    print(f"warm (second report, same process) {warm:6.2f} s   {len(pdf) // 1024} KiB")
    _steps(marks)
    print(f"peak memory: Python process {rss:6.1f} MiB (peak RSS); Chromium processes {chromium_pss_mib():6.1f} MiB "
          f"(PSS, after the second report)")


def _steps(marks: list[tuple[float, str]]) -> None:
    for (at, step), (until, _) in zip(marks, marks[1:]):
        print(f"    {until - at:5.2f} s  {step}")


def main(respondents: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite"
        started = time.perf_counter()
        round_id = build_database(database, respondents)
        print(f"Report benchmark: {respondents} respondents in {AGENCIES} agencies "
              f"(database built in {time.perf_counter() - started:.1f} s)", flush=True)
        subprocess.run([sys.executable, __file__, "--measure", str(database), str(round_id),
                        str(Path(folder) / "report.pdf"), repr(time.time())], check=True)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--measure":
        measure(sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
