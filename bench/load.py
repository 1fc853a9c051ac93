"""Deadline-day load: gunicorn as production runs it (gunicorn.conf.py: 2 workers of 8 threads) on loopback, a
fresh database with a seeded round, and simulated respondents, all at once, each going through the whole survey
(welcome, start, every page with the roster, review, submit, thanks) over real HTTP, in a thread of its own with
its own cookies.

It prints throughput and p50/p95/p99 per step, the errors, and then counts the database: every submit that a
client saw acknowledged must be there exactly once, complete. The same harness then drives a minimal Flask app
under the same gunicorn (bench/floor_app.py) with the same number of requests, and prints the ratio; then a second
floor that does a survey page's database work and nothing else (bench/data_floor_app.py), to tell what the
database round trips cost from what Continuum's own code adds.

--kill sends SIGKILL to a gunicorn worker once a third of the respondents have submitted. Requests cut off by
it fail at the client, which retries once after a pause, as a person pressing reload would; those are counted
apart. The acknowledged submits must all be there, none half-written, and the server must go on serving.

With --human N, N respondents go through the survey at a person's pace (5-20 s on each page), arriving over the
first minute: the latency people feel on deadline day, not the most the server can take.

    .venv/bin/python bench/load.py [--respondents 200] [--think 1.0] [--kill]
    .venv/bin/python bench/load.py --think 0                            # saturation: throughput against the floor
    tests/with_postgres.sh .venv/bin/python bench/load.py --postgres    # on a throwaway PostgreSQL
    tests/with_postgres.sh .venv/bin/python bench/load.py --postgres --human 1000
"""
from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--threads", type=int, help="threads per worker (gunicorn.conf.py's when omitted)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause in seconds before each request (exponential); 0 for none")
    parser.add_argument("--human", type=int, metavar="N",
                        help="N respondents at a person's pace instead (5-20 s on each page before sending it), "
                             "arriving over the first minute; no floor run")
    parser.add_argument("--kill", action="store_true", help="SIGKILL a worker once a third have submitted")
    parser.add_argument("--postgres", action="store_true", help="use the server tests/with_postgres.sh started")
    args = parser.parse_args()

    human = args.human is not None
    respondents = args.human if human else args.respondents
    think = None if human else args.think
    with tempfile.TemporaryDirectory() as folder:
        url = database_url(Path(folder), args.postgres)
        pace = ("at a person's pace (5-20 s a page), arriving over the first minute" if human else
                f"at once; think time {args.think} s (mean, before each request)")
        print(f"Database: {'PostgreSQL' if args.postgres else 'SQLite'}; {respondents} respondents {pace}; "
              f"gunicorn --workers {args.workers} --threads {args.threads or 'as gunicorn.conf.py'}")
        people = seed(url, respondents)
        server = Gunicorn("app:create_app()", environment(url), args.workers, args.threads)
        log: list[str] = []
        try:
            watch = killer(server, respondents // 3, log) if args.kill else None
            used = cpu_seconds(server.workers())
            results, wall = drive(server.base, people, survey, think, watch, arrivals=60.0 if human else 0.0)
            used = cpu_seconds(server.workers()) - used
            after = Browser(server.base).request("/healthz")[0]
            alive = len(server.workers())
        finally:
            server.stop()
        figures = table(results, wall, "Continuum")
        if not args.kill:
            print(f"  app CPU per request: {1000 * used / results.requests():.1f} ms (gunicorn's workers, user + "
                  "system)")
        for line in log:
            print(f"  {line}; afterwards /healthz answered {after} with {alive} workers running")
        print("\nDatabase count:")
        held = count(url, results.acknowledged)
        for name, value in held.items():
            print(f"  {name}: {value}")
        ok = (held["acknowledged but missing"] == 0 and held["submitted but incomplete"] == 0
              and held["responses without an invitation"] == 0)
        said = (f"zero errors {'met' if not results.errors else 'NOT met'}; zero lost or duplicated "
                f"{'met' if ok else 'NOT met'}")
        if human:
            print(f"\nTargets: {said}; p95 under 300 ms {'met' if figures['p95'] < 300 else 'NOT met'} "
                  f"({figures['p95']:.0f} ms)")
            return

        base, floor_cpu = against(url, people, think, args, "bench.floor_app:app",
                                  "Floor (minimal Flask app, same gunicorn, same requests)")
        print(f"  floor CPU per request: {floor_cpu:.1f} ms")
        ratio = figures["throughput"] / base["throughput"]
        print(f"\nContinuum / floor: p50 {figures['p50'] / base['p50']:.1f}x, p95 {figures['p95'] / base['p95']:.1f}x, "
              f"p99 {figures['p99'] / base['p99']:.1f}x, mean {figures['mean'] / base['mean']:.1f}x; "
              f"throughput {ratio:.2f}x")
        data, data_cpu = against(url, people, think, args, "bench.data_floor_app:app",
                                 "Data floor (the same app doing a survey page's database work and nothing else: "
                                 "bench/data_floor_app.py)")
        print(f"  data floor CPU per request: {data_cpu:.1f} ms; its throughput "
              f"{data['throughput'] / base['throughput']:.2f}x the floor's, Continuum's "
              f"{figures['throughput'] / data['throughput']:.2f}x the data floor's")
        print(f"\nTargets: {said}; throughput at least 0.25x the floor's {'met' if ratio >= 0.25 else 'NOT met'} "
              f"({ratio:.2f}x)")


def against(url: str, people, think, args, app_spec: str, title: str) -> tuple[dict[str, float], float]:
    """The same requests against another app under the same gunicorn: its table's figures, and its CPU time per
    request in ms."""
    server = Gunicorn(app_spec, environment(url), args.workers, args.threads)
    try:
        used = cpu_seconds(server.workers())
        results, wall = drive(server.base, people, floor, think)
        used = cpu_seconds(server.workers()) - used
    finally:
        server.stop()
    return table(results, wall, title), 1000 * used / results.requests()


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / ticks

if __name__ == "__main__":
    main()
