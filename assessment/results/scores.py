"""A round's published results as its readers get them (its latest release, with live coverage), and how two
rounds of a jurisdiction compare."""
from __future__ import annotations

from sqlalchemy import select

from .. import memo
from ..db import db
from ..models import Commitment, Round
from ..scoring import score_round
from ..scoring.comparison import NotComparable, compare, coverage_change
from ..scoring.coverage import coverage
from ..scoring.results import CarriedCommitment, Comparison, RoundInfo, RoundRef, RoundResults, TrendPoint, replace
from ..services import ServiceError
from ..vocabulary import RoundStatus
from . import frames, releases


def round_scores(round_: Round, take: bool = True) -> RoundResults:
    """The published results of a round (its latest release, taken now when a new one is due and `take`; see
    `releases`), with the round and jurisdiction named and coverage counts as they are now."""
    release = releases.current(round_) if take else releases.latest(round_)
    if release is None:
        results = score_round(frames.round_data(round_, None))  # nothing published: counts only
    else:
        results = releases.results_of(release)
    info = RoundInfo(id=round_.id, title=round_.title, status=round_.status.value,
                     questionnaire_id=round_.questionnaire_id, questionnaire_version=round_.questionnaire_version,
                     opens_at=_date(round_.opens_at), closes_at=_date(round_.closes_at))
    live = coverage(frames.current_agencies(round_), frames.participation(round_), round_.min_group_size)
    return replace(results, round=info, snapshot=releases.state(round_, release), coverage=live,
                   jurisdiction=replace(results.jurisdiction, name=round_.jurisdiction.name))


def _date(value) -> str | None:
    return value.date().isoformat() if value else None


#: How many comparisons each process keeps worked out (their bootstrap is the costly part of the page).
COMPARISONS_KEPT = 32


def compare_rounds(earlier: Round, later: Round, later_results: RoundResults | None = None) -> Comparison:
    """How a jurisdiction moved from one round to another (both of the same jurisdiction). `later_results`, when
    the caller has them already, saves scoring the later round again."""
    if earlier.jurisdiction_id != later.jurisdiction_id:
        raise ServiceError("only two rounds of the same jurisdiction can be compared")
    if earlier.id == later.id:
        raise ServiceError("choose two different rounds")
    before = round_scores(earlier, take=False)
    after = later_results if later_results is not None else round_scores(later)
    # the releases those results are of, not the latest now: another reader may have taken one since, and mixing
    # one release's figures with another's answers would show what neither publishes
    then, now = releases.numbered(earlier, before.snapshot.release), releases.numbered(later, after.snapshot.release)
    try:  # of two releases that never change: worked out once per process, with coverage as it is now
        comparison = memo.kept(
            "comparisons", (releases.key(then) if then else None, releases.key(now) if now else None),
            lambda: compare(frames.round_data(earlier, then), frames.round_data(later, now), before, after),
            COMPARISONS_KEPT)
    except NotComparable as exc:
        raise ServiceError(str(exc)) from None
    commitments = db.session.scalars(select(Commitment).where(Commitment.round_id == earlier.id)
                                     .order_by(Commitment.id))
    carried = tuple(CarriedCommitment(dimension=c.dimension, what=c.what, owner=c.owner,
                                      due=c.due.isoformat() if c.due else None,
                                      movement=comparison.dimensions.get(c.dimension)) for c in commitments)
    return replace(comparison, earlier=_reference(earlier), later=_reference(later), commitments=carried,
                   coverage=coverage_change(before, after), trend=trend(later, {earlier.id: before, later.id: after}))


def _reference(round_: Round) -> RoundRef:
    return RoundRef(id=round_.id, title=round_.title, questionnaire_version=round_.questionnaire_version)


MIN_ROUNDS_FOR_TREND = 3


def trend(later: Round, known: dict[int, RoundResults]) -> tuple[TrendPoint, ...]:
    """The jurisdiction's dimension scores in each closed round up to `later` that publishes them, when there are
    at least three (`known`: results already at hand, by round id)."""
    closed = [r for r in later.jurisdiction.rounds if r.status == RoundStatus.CLOSED and r.id <= later.id]
    if len(closed) < MIN_ROUNDS_FOR_TREND:
        return ()
    kept = releases.latest_of_each([r for r in closed if r.id not in known])
    results = {**{i: releases.results_of(release) for i, release in kept.items()}, **known}
    published = [(r, results[r.id].jurisdiction) for r in closed
                 if r.id in results and not results[r.id].jurisdiction.suppressed]
    if len(published) < MIN_ROUNDS_FOR_TREND:
        return ()
    return tuple(TrendPoint(id=r.id, title=r.title,
                            dimensions={d: f.score for d, f in j.profile.dimensions.items()})
                 for r, j in published)
