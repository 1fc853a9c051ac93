"""A statewide database: 60 jurisdictions of 8 agencies, each with 6 closed rounds of about 300 respondents (108,000
responses, 4.4 million answers), migrated as production migrates (`flask init-db`). Jurisdictions, agencies and
rounds are made through the services; the answers are written in bulk (the survey's own path would take hours);
every round is then closed through the services, so each keeps its final release, scored and suppressed, as a
real round does.

The SQLite database is kept under instance/ and made again only when its shape changes; a PostgreSQL one is made
on the server tests/with_postgres.sh started. Prints how long it took and what it holds.

    .venv/bin/python bench/statewide.py [--jurisdictions 60] [--agencies 8] [--rounds 6] [--respondents 300]
    tests/with_postgres.sh .venv/bin/python bench/statewide.py --postgres
"""
from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench import SECTORS
from tests.support.load import ROOT, VENV_BIN, database_url, environment
from tests.support.statewide import answer_in_bulk

#: Where the SQLite seed is kept between runs.
KEPT = ROOT / "instance"


@dataclass(frozen=True)
class Shape:
    jurisdictions: int = 60
    agencies: int = 8
    rounds: int = 6
    respondents: int = 300

    @property
    def name(self) -> str:
        return f"statewide-{self.jurisdictions}x{self.agencies}x{self.rounds}x{self.respondents}"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jurisdictions", type=int, default=Shape.jurisdictions)
    parser.add_argument("--agencies", type=int, default=Shape.agencies)
    parser.add_argument("--rounds", type=int, default=Shape.rounds)
    parser.add_argument("--respondents", type=int, default=Shape.respondents, help="per round (about)")
    parser.add_argument("--postgres", action="store_true", help="on the server tests/with_postgres.sh started")


def shape_of(args) -> Shape:
    return Shape(args.jurisdictions, args.agencies, args.rounds, args.respondents)


def database(shape: Shape, postgres: bool) -> str:
    """The URL of a statewide database of `shape`: the kept SQLite file, or a new PostgreSQL database."""
    if postgres:
        import tempfile

        url = database_url(Path(tempfile.gettempdir()), True)
        _seed(url, shape)
        return url
    KEPT.mkdir(exist_ok=True)
    path = KEPT / f"{shape.name}.sqlite"
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run seeding it: wait for that one
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            _seed(f"sqlite:///{partial}", shape)
            partial.rename(path)
        _migrate(f"sqlite:///{path}")  # a seed kept from before a migration: brought up to date
    return f"sqlite:///{path}"


def _migrate(url: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), "--app", "app", "init-db"], cwd=ROOT, env=environment(url), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _seed(url: str, shape: Shape) -> None:
    began = time.perf_counter()
    _migrate(url)
    from app import create_app
    from assessment import catalog
    from assessment.db import db
    from assessment.places import jurisdictions
    from assessment.rounds import rounds

    app = create_app({"ENVIRONMENT": "development", "SQLALCHEMY_DATABASE_URI": url,
                      "JOBS": "manual"})
    rng = np.random.default_rng(2026)
    with app.app_context():
        q = catalog.latest("collaboration_readiness")
        for j in range(shape.jurisdictions):
            county = jurisdictions.add_jurisdiction(f"County {j + 1:02d}", time_zone="America/Chicago")
            agencies = [jurisdictions.add_agency(county, f"{SECTORS[k].replace('_', ' ').title()} {j + 1:02d}-{k}",
                                                 SECTORS[k]) for k in range(shape.agencies)]
            level = rng.normal(2.8, 0.4)  # where the county stands; it moves up a little each round
            for r in range(shape.rounds):
                year = 2021 + r
                round_ = rounds.create_round(county, f"Survey {year}", q.id, q.version)
                rounds.open_round(round_)
                round_.opens_at = dt.datetime(year, 10, 1, 14)
                answer_in_bulk(rng, round_, agencies, q, level + 0.12 * r, shape.respondents)
                rounds.close_round(round_)
                round_.closes_at = dt.datetime(year, 10, 29, 14)
                db.session.commit()
            print(f"  county {j + 1}/{shape.jurisdictions} seeded ({time.perf_counter() - began:.0f} s)",
                  file=sys.stderr, flush=True)
        db.session.remove()
        db.engine.dispose()


def describe(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        figures = {table: connection.scalar(text(f'SELECT count(*) FROM "{table}"'))
                   for table in ("jurisdiction", "agency", "round", "round_release", "response", "answer")}
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments(parser)
    args = parser.parse_args()
    began = time.perf_counter()
    url = database(shape_of(args), args.postgres)
    print(f"{url.split('@')[-1]}: ready in {time.perf_counter() - began:.0f} s")
    for table, count in describe(url).items():
        print(f"  {table:<14}{count:>12,}")


if __name__ == "__main__":
    main()
