"""Placing one profile of dimension scores on the continuum (DOMAIN.md, "The scoring model")."""
from __future__ import annotations

import math
from typing import Optional, Sequence

from .numbers import exact

LEVELS = ("networking", "coordination", "cooperation", "collaboration")
FRAGMENTED = "fragmented"
#: The bands (from Wilder's reading): concern < 50 <= emerging < 75 <= established.
CONCERN, EMERGING, ESTABLISHED = "concern", "emerging", "established"
CONCERN_BELOW = 50.0
ESTABLISHED_FROM = 75.0


def defined(x: Optional[float]) -> bool:
    return x is not None and not math.isnan(x)


def band(score: Optional[float]) -> Optional[str]:
    """concern < 50 <= emerging < 75 <= established, decided on the exact value."""
    if not defined(score):
        return None
    score = exact(score)
    if score < CONCERN_BELOW:
        return CONCERN
    return EMERGING if score < ESTABLISHED_FROM else ESTABLISHED


def placed_name(level: str, qualifier: Optional[str]) -> str:
    """A level as a reader meets it: "Coordination (emerging)", or "Fragmented"."""
    return "Fragmented" if level == FRAGMENTED else f"{level.capitalize()} ({qualifier})"


def place(dimensions: Sequence[str], scores: dict[str, Optional[float]]) -> dict:
    """Level, qualifier, nesting, next step and readiness index of one profile.

    `dimensions` are in continuum order. The level is the highest k such that dimensions 1..k all score at least
    50 (an undefined score stops the climb); "established" when all of 1..k are at least 75. Below networking the
    profile is "fragmented". A profile is not nested when a higher dimension is established while a lower one is
    a concern. The next step is the lowest dimension that is not established.
    """
    values = [exact(v) if defined(v) else None for v in (scores.get(d) for d in dimensions)]
    k = 0
    while k < len(values) and defined(values[k]) and values[k] >= CONCERN_BELOW:
        k += 1
    if k == 0:
        level, qualifier = FRAGMENTED, None
    else:
        level = LEVELS[k - 1]
        qualifier = ESTABLISHED if all(v >= ESTABLISHED_FROM for v in values[:k]) else EMERGING
    bands = [band(v) for v in values]
    nested = not any(bands[j] == ESTABLISHED and CONCERN in bands[:j] for j in range(len(bands)))
    next_step = next((d for d, v in zip(dimensions, values) if not defined(v) or v < ESTABLISHED_FROM), None)
    readiness = sum(values) / len(values) if values and all(defined(v) for v in values) else None
    return {"level": level, "qualifier": qualifier, "nested": nested, "next_step": next_step,
            "readiness_index": readiness}
