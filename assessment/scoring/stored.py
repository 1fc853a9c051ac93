"""Results kept as text: a release's `RoundResults` written once to JSON and read back as the same frozen objects.

Every field of every results dataclass is written by name, whatever `as_json` (the API's contract) chooses to show,
so that what is read back is equal to what was stored: `loads(dumps(r)) == r`. Types come from the dataclasses'
own annotations (tuples, dicts, Optional, nested dataclasses), so a new field needs nothing here.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from typing import Any, Union

from .results import RoundResults


def dumps(results: RoundResults) -> str:
    return json.dumps(_plain(results), separators=(",", ":"), allow_nan=False)


def loads(text: str) -> RoundResults:
    return _build(RoundResults, json.loads(text))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]  # keys need not be strings
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


@functools.cache
def _hints(cls) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(kind: Any, data: Any) -> Any:
    if data is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        return _build(real[0], data)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{f.name: _build(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)
                       if f.name in data})
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in data)
        return tuple(_build(a, v) for a, v in zip(args, data))
    if origin is dict:
        return {_build(args[0], k): _build(args[1], v) for k, v in data}
    if kind is float and isinstance(data, int):
        return float(data)
    return data
