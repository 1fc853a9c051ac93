"""Deadline-day load: gunicorn as production runs it (gunicorn.conf.py: 2 workers of 8 threads) on loopback, a
fresh database with a seeded round, and simulated respondents, all at once, each going through the whole survey
(welcome, start, every page with the roster, review, submit, thanks) over real HTTP, in a thread of its own with
its own cookies.

It prints throughput and p50/p95/p99 per step, the errors, and then counts the database: every submit that a
client saw acknowledged must be there exactly once, complete. The same harness then drives a minimal Flask app
under the same gunicorn (bench/floor_app.py) with the same number of requests, and prints the ratio.

--kill sends SIGKILL to a gunicorn worker once a third of the respondents have submitted. Requests cut off by
it fail at the client, which retries once after a pause, as a person pressing reload would; those are counted
apart. The acknowledged submits must all be there, none half-written, and the server must go on serving.

    .venv/bin/python bench/load.py [--respondents 200] [--think 1.0] [--kill]
    tests/with_postgres.sh .venv/bin/python bench/load.py --postgres    # on a throwaway PostgreSQL
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from tests.support.load import Gunicorn, Results, count, database_url, drive, environment, floor, killer, seed, survey
from tests.support.web import Browser

# ------------------------------------------------------------------------------------------------------ report

def ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def table(results: Results, wall: float, title: str) -> dict[str, float]:
    everything = [v for values in results.latencies.values() for v in values]
    print(f"\n{title}: {results.requests()} requests in {wall:.1f} s = {results.requests() / wall:.0f} requests/s")
    print(f"  {'step':<18}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for step, values in list(results.latencies.items()) + [("all", everything)]:
        print(f"  {step:<18}{len(values):>6}{ms(values, .5):>9.1f}{ms(values, .95):>9.1f}{ms(values, .99):>9.1f}"
              f"{1000 * max(values):>9.1f}")
    print(f"  errors: {len(results.errors)}; cut off and retried: {len(results.cut_off)}")
    for line in (results.errors + results.cut_off)[:10]:
        print(f"    {line}")
    return {"p50": ms(everything, .5), "p95": ms(everything, .95), "p99": ms(everything, .99),
            "throughput": results.requests() / wall, "mean": statistics.fmean(everything)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause in seconds before each request (exponential); 0 for none")
    parser.add_argument("--kill", action="store_true", help="SIGKILL a worker once a third have submitted")
    parser.add_argument("--postgres", action="store_true", help="use the server tests/with_postgres.sh started")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = database_url(Path(folder), args.postgres)
        print(f"Database: {'PostgreSQL' if args.postgres else 'SQLite'}; {args.respondents} respondents at once; "
              f"think time {args.think} s (mean, before each request); gunicorn --workers {args.workers}")
        people = seed(url, args.respondents)
        server = Gunicorn("app:create_app()", environment(url), args.workers)
        log: list[str] = []
        try:
            watch = killer(server, args.respondents // 3, log) if args.kill else None
            results, wall = drive(server.base, people, survey, args.think, watch)
            after = Browser(server.base).request("/healthz")[0]
            alive = len(server.workers())
        finally:
            server.stop()
        figures = table(results, wall, "Continuum")
        for line in log:
            print(f"  {line}; afterwards /healthz answered {after} with {alive} workers running")
        print("\nDatabase count:")
        held = count(url, results.acknowledged)
        for name, value in held.items():
            print(f"  {name}: {value}")

        floor_server = Gunicorn("bench.floor_app:app", environment(url), args.workers)
        try:
            floor_results, floor_wall = drive(floor_server.base, people, floor, args.think)
        finally:
            floor_server.stop()
        base = table(floor_results, floor_wall, "Floor (minimal Flask app, same gunicorn, same requests)")
        print(f"\nContinuum / floor: p50 {figures['p50'] / base['p50']:.1f}x, p95 {figures['p95'] / base['p95']:.1f}x, "
              f"p99 {figures['p99'] / base['p99']:.1f}x, mean {figures['mean'] / base['mean']:.1f}x; "
              f"throughput {figures['throughput'] / base['throughput']:.2f}x")
        ok = (held["acknowledged but missing"] == 0 and held["submitted but incomplete"] == 0
              and held["responses without an invitation"] == 0)
        print(f"\nTargets: zero errors {'met' if not results.errors else 'NOT met'}; zero lost or duplicated "
              f"{'met' if ok else 'NOT met'}; p95 under 100 ms {'met' if figures['p95'] < 100 else 'NOT met'} "
              f"({figures['p95']:.0f} ms)")


if __name__ == "__main__":
    main()
