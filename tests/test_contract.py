"""The outputs other tools read, pinned against the demo: the scores JSON of `flask scores` (and the API), and the
scores and raw-response exports. A change to these is a change of contract, made on purpose (regenerate with
`CONTINUUM_REGENERATE_GOLDEN=1`)."""
import csv
import io
import json
import math
import os
from pathlib import Path

import pytest

from assessment.db import db
from assessment.models import Round
from assessment.results import exports
from assessment.results.scores import round_scores

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = bool(os.environ.get("CONTINUUM_REGENERATE_GOLDEN"))


def normalised(value):
    """The output without what changes from run to run (when the demo's snapshot was taken)."""
    if isinstance(value, dict):
        return {k: (None if k == "taken_at" else normalised(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def assert_same(actual, expected, path="$"):
    """Equal in structure, key order and text; numbers equal to 1e-9 (float sums may differ in the last bit)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), (path, list(actual), list(expected))
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for n, (a, e) in enumerate(zip(actual, expected)):
            assert_same(a, e, f"{path}[{n}]")
    elif isinstance(expected, float) and not isinstance(actual, bool) and isinstance(actual, (int, float)):
        assert math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9), (path, actual, expected)
    else:
        assert actual == expected and type(actual) is type(expected), (path, actual, expected)


def check(name: str, actual) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n")
    assert_same(actual, json.loads(path.read_text()))


def table(text: str) -> list[list]:
    """A CSV's cells, numbers as numbers."""
    def cell(value):
        try:
            return float(value) if "." in value or "e" in value else int(value)
        except ValueError:
            return value
    return [[cell(v) for v in row] for row in csv.reader(io.StringIO(text))]


@pytest.mark.demo
@pytest.mark.parametrize("round_id", [1, 2, 3])
def test_the_scores_json_of_the_demo(runner, round_id):
    result = runner.invoke(args=["scores", str(round_id), "--format", "json"])
    assert result.exit_code == 0, result.output
    check(f"scores-round{round_id}.json", normalised(json.loads(result.output)))


@pytest.mark.demo
def test_the_exports_of_the_demo(app):
    round_ = db.session.get(Round, 2)
    results = round_scores(round_)
    check("scores-round2.csv.json", table(exports.to_csv(exports.score_table(results))))
    raw = exports.raw_file(round_, results)
    check("responses-wide-round2.csv.json", table(exports.to_csv(exports.responses_wide(round_, raw))))
    check("responses-long-round2.csv.json", table(exports.to_csv(exports.responses_long(round_, raw))))
