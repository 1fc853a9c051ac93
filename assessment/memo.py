"""What a process keeps in memory of things that never change once made (a release's results, its charts): per
app, the least recently used dropped first. Only for values that are immutable and named by everything they
depend on: a key that leaves out an input would serve a stale value."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, TypeVar

from flask import current_app

T = TypeVar("T")
_lock = threading.Lock()


def kept(store: str, key: tuple, make: Callable[[], T], limit: int) -> T:
    """The value kept under `key` in the app's `store`, made now (outside the lock) when not kept."""
    values: OrderedDict = current_app.extensions.setdefault(f"continuum.{store}", OrderedDict())
    with _lock:
        if key in values:
            values.move_to_end(key)
            return values[key]
    made = make()
    with _lock:
        values[key] = made
        while len(values) > limit:
            values.popitem(last=False)
    return made
