"""Turning numpy and pandas numbers into plain JSON values, and deciding thresholds on exact values."""
from __future__ import annotations

import math
from typing import Optional

#: Means of whole-number answers are fractions such as 850/12; a float holds them to about 1e-14, so at nine
#: places a mean that is exactly 75 (or a gap that is exactly 1) is 75 (or 1) again.
PLACES = 9


def number(x) -> Optional[float]:
    """A plain float, or None where the figure is undefined (NaN, missing)."""
    if x is None:
        return None
    value = float(x)
    return None if math.isnan(value) else value


def exact(x: float) -> float:
    """The value a threshold decision is taken on: `x` rounded to nine places, so that 74.99999999999999 (the
    float sum of 87.5, 70.8333... and 66.6666... over three) is decided as the 75 it is."""
    return round(float(x), PLACES)
