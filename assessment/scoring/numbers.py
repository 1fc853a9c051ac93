"""Turning numpy and pandas numbers into plain JSON values."""
from __future__ import annotations

import math
from typing import Optional


def number(x) -> Optional[float]:
    """A plain float, or None where the figure is undefined (NaN, missing)."""
    if x is None:
        return None
    value = float(x)
    return None if math.isnan(value) else value
