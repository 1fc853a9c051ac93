"""Scoring speed and memory: synthetic rounds of 1,000, 10,000 and 100,000 respondents in 12 agencies with the
full shipped questionnaire. Prints, per size, the time to score from frames (best of several runs) and the peak
memory the scoring itself allocates (tracemalloc) and the process peak (RSS), beside the peak once the input is
built and nothing scored.

    .venv/bin/python bench/scoring.py [SIZES...]
"""
from __future__ import annotations

import resource
import subprocess
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from assessment.scoring import RoundData, score_round
from bench import AGENCIES, ROLES, SECTORS
from questionnaires import DIRECTORY, load_file

ROLE_NAMES = np.array(ROLES)


def synthetic_round(respondents: int, seed: int = 7) -> RoundData:
    """Answers drawn around a per-agency level, with 4% don't know and 3% left blank; built without Python loops
    over respondents."""
    rng = np.random.default_rng(seed)
    q = load_file(DIRECTORY / "collaboration_readiness.yaml")
    slugs = np.array([f"agency-{k:02d}" for k in range(AGENCIES)], dtype=object)
    agency_of = rng.integers(0, AGENCIES, respondents)
    agency_of[:AGENCIES] = np.arange(AGENCIES)
    ids = np.arange(1, respondents + 1)
    likert = np.array([i.id for i in q.items if i.type == "likert"], dtype=object)  # strings, as read from the database
    level = rng.normal(3.0, 0.6, AGENCIES)[agency_of][:, None] + rng.normal(0, 0.6, (respondents, 1))
    values = np.clip(np.rint(level + rng.normal(0, 0.7, (respondents, len(likert)))), 1, 5)
    draw = rng.random((respondents, len(likert)))
    dont_know = draw < 0.04
    keep = draw >= 0.07
    values[dont_know] = np.nan
    answers = pd.DataFrame({"respondent": np.repeat(ids, len(likert))[keep.ravel()],
                            "item": likert[np.tile(np.arange(len(likert)), respondents)][keep.ravel()],
                            "value": values.ravel()[keep.ravel()],
                            "dont_know": dont_know.ravel()[keep.ravel()]})
    targets = np.tile(np.arange(AGENCIES), respondents)
    raters = np.repeat(agency_of, AGENCIES)
    own = targets == raters
    ratings = np.clip(np.rint(rng.normal(2.0, 1.0, len(targets))), 0, 4)
    rated_dk = rng.random(len(targets)) < 0.05
    ratings[rated_dk] = np.nan
    roster = pd.DataFrame({"respondent": np.repeat(ids, AGENCIES)[~own], "target": slugs[targets][~own],
                           "value": ratings[~own], "dont_know": rated_dk[~own]})
    counts = np.bincount(agency_of, minlength=AGENCIES)
    return RoundData(
        questionnaire=q,
        agencies=pd.DataFrame({"slug": slugs, "name": [s.title() for s in slugs], "sector": SECTORS}),
        respondents=pd.DataFrame({"respondent": ids, "agency": slugs[agency_of],
                                  "role_level": ROLE_NAMES[rng.integers(0, 3, respondents)], "language": "en"}),
        answers=answers, roster=roster,
        participation=pd.DataFrame({"agency": slugs, "role_level": "line_staff", "invited": counts + 5,
                                    "started": counts, "submitted": counts}),
        min_group_size=3)


def measure(respondents: int) -> None:
    data = synthetic_round(respondents)
    built = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the input and imports, before any scoring
    score_round(data)  # warm caches and imports
    runs = 5 if respondents <= 10_000 else 3
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        score_round(data)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    score_round(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{respondents:>8,} respondents  {len(data.answers):>10,} answers  {len(data.roster):>10,} ratings  "
          f"score {min(times):7.3f} s (median {sorted(times)[len(times) // 2]:.3f})  "
          f"scoring allocates {peak / 2**20:7.1f} MiB  process peak RSS {rss:7.1f} MiB "
          f"({built:.1f} MiB with the input built, before scoring)", flush=True)


def main(sizes: list[int]) -> None:
    print(f"Scoring benchmark: {AGENCIES} agencies, full questionnaire; each size in its own process.")
    for size in sizes:
        subprocess.run([sys.executable, __file__, "--one", str(size)], check=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        measure(int(sys.argv[2]))
    else:
        main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
