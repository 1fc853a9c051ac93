"""How long the disclosure plan takes where it has most to do: many small agencies, each split by role level,
from 12 to 200 agencies and for minimum group sizes from 3 to 10, four random counties each. Prints, per size and
k, the atoms (agency x role level cells with respondents, the largest of the four), how many are below the minimum,
the groups hidden (below the minimum / to protect them, the most of the four), the worst time of the four, and how
many plans ran out of their time (`PLAN_SECONDS`) and held back every group they had not cleared; then the worst
case of all.

    .venv/bin/python bench/disclosure.py [--quick]
"""
from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from assessment.scoring import disclosure
from bench import ROLES, SECTORS

CONSTRUCTS = ["information", "activities", "resources", "capacity", "trust", "time", "turf", "leadership"]


def atoms(agencies: int, seed: int) -> pd.DataFrame:
    """`agencies` agencies of 1 to 12 respondents, spread over the sectors and role levels at random; one in
    twenty respondents without a score on a construct."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in range(agencies):
        sector = SECTORS[n % len(SECTORS)]
        roles = rng.choice(ROLES, size=int(rng.integers(1, 13)), p=[0.6, 0.3, 0.1])
        for role in ROLES:
            count = int((roles == role).sum())
            if count:
                scored = {c: count - int(rng.random() < 0.05 * count) for c in CONSTRUCTS}
                rows.append({"agency": f"agency-{n:02d}", "sector": sector, "role_level": role,
                             "respondents": count, **scored})
    return pd.DataFrame(rows)


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = (12, 48, 96) if quick else (12, 24, 48, 96, 150, 200)
    print(f"plan budget {disclosure.PLAN_SECONDS} s, one program at most {disclosure.PROGRAM_SECONDS} s")
    print(f"{'agencies':>8} {'k':>3} {'atoms':>6} {'small':>6} {'below k':>8} {'to protect':>10} "
          f"{'worst s':>8} {'cut short':>9}")
    worst = (0.0, 0, 0)
    for agencies in sizes:
        for k in (3, 5, 10):
            rows, times, cut = [], [], 0
            for seed in range(4):
                frame = atoms(agencies, seed=agencies * 100 + k * 10 + seed)
                start = time.perf_counter()
                plan = disclosure.plan(frame, k)
                times.append(time.perf_counter() - start)
                cut += plan.cut_short
                reasons = list(plan.hidden.values())
                rows.append((len(frame), int((frame["respondents"] < k).sum()),
                             reasons.count(disclosure.BELOW_MINIMUM), reasons.count(disclosure.COMPLEMENTARY)))
            most = [max(r[i] for r in rows) for i in range(4)]
            print(f"{agencies:>8} {k:>3} {most[0]:>6} {most[1]:>6} {most[2]:>8} {most[3]:>10} {max(times):>8.3f} "
                  f"{cut:>9}", flush=True)
            worst = max(worst, (max(times), agencies, k))
    print(f"worst case: {worst[0]:.3f} s ({worst[1]} agencies, k = {worst[2]})")


if __name__ == "__main__":
    main()
