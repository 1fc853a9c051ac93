"""How long the disclosure plan takes where it has most to do: many small agencies, each split by role level,
for several minimum group sizes. Prints, per case, the atoms (agency x role level cells with respondents), how
many of them are below the minimum, the groups hidden (below the minimum / to protect them) and the time (best of
three).

    .venv/bin/python bench/disclosure.py
"""
from __future__ import annotations

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
    print(f"{'agencies':>8} {'k':>3} {'atoms':>6} {'small':>6} {'below k':>8} {'to protect':>10} {'seconds':>8}")
    for agencies in (12, 24, 48):
        for k in (3, 5, 10):
            frame = atoms(agencies, seed=agencies * 100 + k)
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                plan = disclosure.plan(frame, k)
                best = min(best, time.perf_counter() - start)
            reasons = list(plan.hidden.values())
            print(f"{agencies:>8} {k:>3} {len(frame):>6} {int((frame['respondents'] < k).sum()):>6} "
                  f"{reasons.count(disclosure.BELOW_MINIMUM):>8} {reasons.count(disclosure.COMPLEMENTARY):>10} "
                  f"{best:>8.3f}")


if __name__ == "__main__":
    main()
