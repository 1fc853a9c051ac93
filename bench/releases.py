"""What the confidentiality rule costs a reader, and how long a release takes to plan: for the demo's two closed
rounds and a generated county of 30 agencies and about 900 respondents, published at once (a closed round read
once) and release after release (read after every 30 submissions while open, each look taking a release of the
jurisdiction, then closed, which publishes the breakdown). Prints, per case, the groups
shown, kept at an earlier release's figures and hidden (agencies, sectors, role levels, sector x role level
cells), the items and roster ratings shown, the shown groups that show their standard deviations, and the
seconds the plan and scoring took.

    .venv/bin/python bench/releases.py            # every case
    .venv/bin/python bench/releases.py --once     # only what a single release publishes (runs on older code too)
"""
from __future__ import annotations

import argparse
import inspect
import tempfile
import time

import numpy as np
import pandas as pd

from assessment import catalog
from assessment.scoring import RoundData, disclosure, respondent_scores, score_round
from bench import ROLES, SECTORS

SEED = 30


def county(agencies: int = 30, people: int = 900, seed: int = SEED) -> RoundData:
    """`agencies` agencies of very different sizes (a large probation department, many small ones), role levels
    60/30/10, answers drawn around an agency's own level with one in twenty don't knows, and a roster."""
    rng = np.random.default_rng(seed)
    q = catalog.latest("collaboration_readiness")
    likert = [i for i in q.items if i.type == "likert"]
    weights = rng.lognormal(0, 0.9, agencies)
    sizes = np.maximum(1, np.round(weights / weights.sum() * people)).astype(int)
    slugs = [f"agency-{n:02d}" for n in range(agencies)]
    frame = pd.DataFrame({"slug": slugs, "name": [s.title() for s in slugs],
                          "sector": [SECTORS[n % len(SECTORS)] for n in range(agencies)]})
    respondents, answers, roster = [], [], []
    rid = 0
    for slug, size in zip(slugs, sizes):
        level = rng.uniform(2, 4.5)
        for role in rng.choice(ROLES, size=size, p=[0.6, 0.3, 0.1]):
            rid += 1
            respondents.append((rid, slug, role, "en"))
            for item in likert:
                if rng.random() < 0.05:
                    answers.append((rid, item.id, np.nan, True))
                else:
                    answers.append((rid, item.id, float(np.clip(round(rng.normal(level, 1)), 1, 5)), False))
            for target in slugs:
                if target != slug and rng.random() < 0.7:
                    roster.append((rid, target, float(rng.integers(0, 5)), False))
    people_frame = pd.DataFrame(respondents, columns=["respondent", "agency", "role_level", "language"])
    participation = people_frame.groupby(["agency", "role_level"]).size().rename("submitted").reset_index()
    participation["invited"] = participation["started"] = participation["submitted"]
    return RoundData(q, frame, people_frame,
                     pd.DataFrame(answers, columns=["respondent", "item", "value", "dont_know"]),
                     pd.DataFrame(roster, columns=["respondent", "target", "value", "dont_know"]), participation)


def counts(results) -> dict:
    out = {}
    for name, groups in (("agencies", results.agencies), ("sectors", results.sectors),
                         ("role levels", results.role_levels), ("cells", results.sector_roles)):
        present = [g for g in groups if g.n]
        shown = [g for g in present if not g.suppressed]
        kept = [g for g in shown if getattr(g, "as_of", None)]
        out[name] = (len(shown) - len(kept), len(kept), len(present) - len(shown))
    out["items"] = (sum(1 for i in results.items if not i.suppressed), len(results.items))
    out["ratings"] = len(results.directed)
    everyone = [results.jurisdiction, *results.agencies, *results.sectors, *results.role_levels, *results.sector_roles]
    shown = [g for g in everyone if not g.suppressed and g.profile is not None]
    out["sds"] = (sum(1 for g in shown if any(f.sd is not None for f in (*g.profile.dimensions.values(),
                                                                             *g.profile.conditions.values()))),
                  len(shown))
    return out


def raw_file(data: RoundData, history) -> str:
    """How many published responses an anonymised raw export of the release holds (`scoring.anonymise`)."""
    from assessment.scoring import published_groups
    from assessment.scoring.anonymise import Rating, file_rows

    published = {p for r in history for p in published_groups(r)}
    ratings = {Rating(d.source, d.target, d.as_of or r.release) for r in history for d in r.directed}
    respondents = data.respondents if "release" in data.respondents else data.respondents.assign(release=1)
    start = time.perf_counter()
    spreads = [r.release for r in history if r.jurisdiction.profile is not None and r.jurisdiction.profile.has_spread]
    rows, left_out = file_rows(respondents, respondent_scores(data).notna(),
                               data.roster.dropna(subset=["value"])[["respondent", "target"]],
                               sorted(published, key=repr), sorted(ratings, key=repr), data.min_group_size, spreads)
    return f"raw export: {len(rows)} rows, {left_out} left out ({time.perf_counter() - start:.2f} s)"


def line(case: str, results, seconds: float) -> str:
    c = counts(results)
    groups = "  ".join(f"{name} {moved}/{kept}/{hidden}" for name, (moved, kept, hidden) in
                       ((n, c[n]) for n in ("agencies", "sectors", "role levels", "cells")))
    return (f"{case:<34} {groups}  items {c['items'][0]}/{c['items'][1]}  ratings {c['ratings']}  "
            f"SDs {c['sds'][0]}/{c['sds'][1]}  {seconds:6.2f} s")


def step_data(data: RoundData, release: int, seed: int = 1) -> RoundData:
    """The frames of the last release `released` took, with each respondent's release."""
    joined = _joined(data, 30, seed)
    respondents = data.respondents.assign(release=joined[data.respondents["respondent"]].to_numpy(), paper=False)
    return RoundData(data.questionnaire, data.agencies, respondents[respondents["release"] > 0], data.answers,
                     data.roster, data.participation, data.min_group_size, release)


def _joined(data: RoundData, every: int, seed: int) -> pd.Series:
    """The release each respondent joins, as the service takes them: submissions in a random order, a look at the
    results after every `every` of them and at the close, each taking a release of what waits when allowed."""
    rng = np.random.default_rng(seed)
    order = data.respondents["respondent"].to_numpy()[rng.permutation(len(data.respondents))]
    scored = respondent_scores(data).notna().astype(int)
    joined = pd.Series(0, index=data.respondents["respondent"].to_numpy())
    release, waiting = 0, []
    for position, respondent in enumerate(order, start=1):
        waiting.append(respondent)
        if position % every and position != len(order):
            continue
        if disclosure.step_allowed(scored.loc[waiting].assign(paper=False), data.min_group_size):
            release += 1
            joined[waiting] = release
            waiting = []
    return joined


def released(data: RoundData, every: int, seed: int = 1):
    """The same answers published release after release, as the service takes them: submissions in a random
    order, a look at the results after every `every` of them and at the close, each look taking a release of what
    waits when the rule allows it. Yields (release, results, seconds)."""
    joined = _joined(data, every, seed)
    respondents = data.respondents.assign(release=joined[data.respondents["respondent"]].to_numpy(), paper=False)
    respondents = respondents[respondents["release"] > 0]
    history = []
    last = int(respondents["release"].max())
    for release in range(1, last + 1):
        mine = respondents[respondents["release"] <= release]
        ids = set(mine["respondent"])
        step = RoundData(data.questionnaire, data.agencies, mine, data.answers[data.answers["respondent"].isin(ids)],
                         data.roster[data.roster["respondent"].isin(ids)], data.participation, data.min_group_size,
                         release)
        start = time.perf_counter()
        results = score_round(step, history, breakdown=release == last)  # the last is the close
        history.append(results)
        yield release, results, time.perf_counter() - start


def demo_rounds():
    """The demo's two closed rounds as frames (seeded into the database of the app in context)."""
    from assessment import demo
    from assessment.db import db
    from assessment.models import Round

    db.create_all()
    demo.seed()
    db.session.commit()
    try:
        from assessment.results import frames, releases

        def read(round_):
            return frames.round_data(round_, releases.latest(round_))
    except ImportError:  # before releases
        from assessment.results.scores import round_data as read
    return [(db.session.get(Round, n).title, read(db.session.get(Round, n))) for n in (1, 2)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--once", action="store_true", help="only what a single release publishes")
    args = parser.parse_args()
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "CHROMIUM_PATH": "/nonexistent",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"})
    with app.app_context():
        run(args.once)


def run(once: bool) -> None:
    print("shown with this release's figures / kept at an earlier release's / hidden; items shown / all")
    newer = not once and "history" in inspect.signature(score_round).parameters
    for title, data in demo_rounds():
        start = time.perf_counter()
        results = score_round(data)
        print(line(f"demo, {title}", results, time.perf_counter() - start))
        if newer:
            print(f"{'':<34} {raw_file(data, [results])}")
    data = county()
    print(f"generated county: {len(data.agencies)} agencies, {len(data.respondents)} respondents, "
          f"sizes {sorted(data.respondents['agency'].value_counts().tolist(), reverse=True)}")
    start = time.perf_counter()
    results = score_round(data)
    print(line("county, published at once", results, time.perf_counter() - start))
    if not newer:
        return
    print(f"{'':<34} {raw_file(data, [results])}")
    total, worst, history = 0.0, 0.0, []
    for release, results, seconds in released(data, every=30):
        total, worst = total + seconds, max(worst, seconds)
        history.append(results)
    print(line(f"county, {release} releases of 30", results, seconds))
    print(f"{'':<34} planning and scoring all {release} releases: {total:.1f} s, the slowest {worst:.2f} s")
    print(f"{'':<34} {raw_file(step_data(data, release), history)}")


if __name__ == "__main__":
    main()
