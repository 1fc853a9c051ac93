"""A round's results are published in releases, never as a live feed (DOMAIN.md, "Confidentiality").

Reading the results before and after one submission would give that respondent's answers, and so would any step
smaller than k in any group, read now or set beside anything published before. So results move only in releases,
and everything a round ever published is planned as one:

- A release is taken when someone reads the results (a page, the API, an export, the report, `flask scores`) and
  the submissions waiting for one may be published together (`disclosure.step_allowed`: at least k of them, every
  count 0 or at least k, counted with and without paper forms), and when the round closes. A release nobody asked
  for is never taken, so every release was seen by someone and the history holds only what was read.
- While the round is open a release shows the jurisdiction as a whole; the breakdown by agency, sector and role
  level, and the roster's ratings, are published by the release taken at the close (`Release.final`), planned
  against the earlier ones, so that early looks cost the final results nothing but the jurisdiction's steps.
- Its results are scored against every earlier release of the round (`scoring.score_round` with the history) and
  kept with it (`Release.results`): pages, exports and reports read the kept results of the latest release, never
  a new scoring. Coverage counts stay live.
- A release keeps the names and sectors of the agencies as it was taken (`Release.grouping`). An agency keeps the
  sector under which the round first published it: a sector edited afterwards applies to rounds that have not
  published yet, so a regrouping cannot set a new grouping's figures beside the old.
- A closed round takes no submission and no import. The close takes a last release by the same rule: when fewer
  than k submissions wait (or a count of them is below k), they stay out of the final results. Reopening takes
  releases by the same rule again.
"""
from __future__ import annotations

import json
from typing import Optional

import pandas as pd
from sqlalchemy import ColumnElement, func, select, update

from .. import memo
from ..db import db, hold
from ..models import Agency, Release, Response, Round, utcnow
from ..scoring import disclosure, score_round, stored
from ..scoring import state as statewide
from ..scoring.results import RoundResults, Snapshot
from ..services import audit
from ..vocabulary import ResponseStatus, RoundStatus
from . import frames

SUBMITTED = Response.status == ResponseStatus.SUBMITTED


def published(seq: Optional[int] = None) -> ColumnElement[bool]:
    """The condition a response meets when it is in its round's published results (up to release `seq`)."""
    held = SUBMITTED & Response.released_in.is_not(None)
    return held if seq is None else held & (Response.released_in <= seq)


def waiting() -> ColumnElement[bool]:
    return SUBMITTED & Response.released_in.is_(None)


def releases_of(round_: Round) -> list[Release]:
    return list(db.session.scalars(select(Release).where(Release.round_id == round_.id).order_by(Release.seq)))


def latest(round_: Round) -> Optional[Release]:
    """The round's latest release with its results worked out (and those of any release before it), or None
    when the round has published nothing."""
    mine = Release.round_id == round_.id
    pending = db.session.scalars(select(Release).where(mine, Release.results.is_(None)).order_by(Release.seq)).all()
    if pending:  # restored from a backup, or made by the upgrade: worked out in order, each against those before
        every = releases_of(round_)
        for release in pending:
            _work_out(round_, release, every)
    return db.session.scalar(select(Release).where(mine).order_by(Release.seq.desc()).limit(1))


def numbered(round_: Round, seq: Optional[int]) -> Optional[Release]:
    """The round's release `seq` (None for none)."""
    if not seq:
        return None
    return db.session.scalar(select(Release).where(Release.round_id == round_.id, Release.seq == seq))


def current(round_: Round) -> Optional[Release]:
    """The release a reader of the results gets now: a new one when the waiting submissions may be published
    together, else the latest."""
    return take(round_) or latest(round_)


def take(round_: Round, final: bool = False) -> Optional[Release]:
    """Take a release of the waiting submissions when the rule allows it (see the module's docstring); returns
    it, or None. A closed round's (`final`) release publishes the breakdown: when no waiting submission may join
    it, it holds what the last release held. The round's row is held first, so two readers at once take one
    release, not two. Flushes; the caller commits."""
    final = final or round_.status == RoundStatus.CLOSED
    count = db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id, waiting()))
    last_final = db.session.scalar(select(Release.final).where(Release.round_id == round_.id)
                                   .order_by(Release.seq.desc()).limit(1))
    breakdown_due = final and last_final is False  # the last release is an open round's: the close's is due
    if count < round_.min_group_size and not breakdown_due:
        return None  # nothing that could be published (read without writing)
    hold(Round, round_.id)
    latest(round_)  # releases restored from a backup are worked out first, each against those before
    every = releases_of(round_)
    previous = every[-1] if every else None
    ids = list(db.session.scalars(select(Response.id).where(Response.round_id == round_.id, waiting())))
    if not (ids and disclosure.step_allowed(_step(round_, ids), round_.min_group_size)):
        if not (final and previous is not None and not previous.final):
            return None
        ids = []  # the breakdown of what was published already; the waiting stay out
    seq = previous.seq + 1 if previous else 1
    if ids:
        db.session.execute(update(Response).where(Response.id.in_(ids)).values(released_in=seq)
                           .execution_options(synchronize_session=False))
    count = db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id,
                                                                    published(seq)))
    release = Release(round_id=round_.id, seq=seq, taken_at=utcnow(), final=final, responses=count,
                      grouping=json.dumps(grouping(round_, previous)))
    db.session.add(release)
    db.session.flush()
    _work_out(round_, release, [*every, release])
    audit.record("results_released", f"round {round_.id}",
                 f"release {seq}{' (final)' if final else ''}: {count} response(s), {len(ids)} new")
    db.session.flush()
    return release


def grouping(round_: Round, previous: Optional[Release]) -> list[dict]:
    """How a new release names and groups the jurisdiction's agencies: their names now, and each agency's sector
    as the round's releases first published it (an agency new since takes its sector now)."""
    kept = {a["slug"]: a["sector"] for a in json.loads(previous.grouping)} if previous else {}
    agencies = db.session.scalars(select(Agency).where(Agency.jurisdiction_id == round_.jurisdiction_id)
                                  .order_by(Agency.name))
    return [{"slug": a.slug, "name": a.name, "sector": kept.get(a.slug, a.sector.value)} for a in agencies]


def frozen_sectors(agency: Agency) -> list[Round]:
    """The rounds whose releases hold `agency`: they keep the sector they first published it under, whatever an
    edit of the agency says."""
    out = []
    for round_ in agency.jurisdiction.rounds:
        first = db.session.scalar(select(Release).where(Release.round_id == round_.id).order_by(Release.seq))
        if first is not None and any(a["slug"] == agency.slug for a in json.loads(first.grouping)):
            out.append(round_)
    return out


#: How many releases' results each app process keeps read (a release's results never change once worked out).
RESULTS_KEPT = 64


def key(release: Release) -> tuple:
    """What names a release for what a process keeps of it (its stored text is not read to say so)."""
    return release.id, release.round_id, release.seq, release.taken_at


def results_of(release: Release) -> RoundResults:
    """The release's published results (worked out: see `latest`), read from their stored text once per
    process."""
    return memo.kept("results", key(release), lambda: stored.loads(release.results), RESULTS_KEPT)


def latest_of_each(rounds: list[Round]) -> dict[int, Release]:
    """The latest release of each of `rounds` that has one, by round id, in one statement (two when one of them
    is not worked out yet, as `latest` does for one round)."""
    ids = [r.id for r in rounds]
    if db.session.scalar(select(Release.id).where(Release.round_id.in_(ids), Release.results.is_(None)).limit(1)):
        return {r.id: release for r in rounds if (release := latest(r)) is not None}
    return {release.round_id: release for release in db.session.scalars(
        select(Release).where(Release.round_id.in_(ids)).order_by(Release.round_id, Release.seq))}


def state(round_: Round, release: Optional[Release]) -> Snapshot:
    """Which release the published results are, what they hold, and what waits for the next one."""
    waiting_now = db.session.scalar(select(func.count(Response.id)).where(Response.round_id == round_.id, waiting()))
    if release is None:
        return Snapshot(taken_at=None, responses=0, waiting=waiting_now, final=round_.status == RoundStatus.CLOSED,
                        min_group_size=round_.min_group_size)
    paper = db.session.scalar(select(func.count(Response.id)).where(
        Response.round_id == round_.id, published(release.seq), Response.invited.is_(False)))
    k = round_.min_group_size
    return Snapshot(taken_at=release.taken_at.isoformat(timespec="minutes"), responses=release.responses,
                    waiting=waiting_now, final=round_.status == RoundStatus.CLOSED, min_group_size=k,
                    release=release.seq, paper=paper if paper == 0 or paper >= k else None)


def _step(round_: Round, ids: list[int]) -> pd.DataFrame:
    """The waiting respondents: whether each came on paper, and which constructs each has a score on."""
    table, paper = frames.respondent_scores_of(round_, ids)
    frame = table.notna().astype(int)
    frame[disclosure.PAPER] = paper.reindex(frame.index).to_numpy()
    return frame


def _work_out(round_: Round, release: Release, every: list[Release]) -> None:
    """Score a release against every release before it and keep its results."""
    history = [results_of(r) for r in every if r.seq < release.seq]
    results = score_round(frames.round_data(round_, release), history, breakdown=release.final)
    release.results = stored.dumps(results)
    release.summary = statewide.dumps(statewide.county_summary(results))
    db.session.flush()


def summary_of(release: Release) -> statewide.CountySummary:
    """What the release published of the jurisdiction as a whole (kept with it; worked out once, from its
    results, for a release kept before summaries were)."""
    if release.summary is None:
        release.summary = statewide.dumps(statewide.county_summary(results_of(release)))
        db.session.flush()
    return statewide.loads(release.summary)
