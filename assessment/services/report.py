"""The readiness report of a round: scored once, compared when asked, rendered by the pure `reports` package, and
kept. The only place that joins the database, the app's settings and the report.

A rendered PDF is stored (`ReportFile`) under the hash of everything it was made from: the published results (and
the comparison), what the questionnaire recommends, the commitments recorded after the round, the options, and the
renderer's fingerprint. A closed round's report is rendered in the
background when the round closes; later downloads, on any server, are served from the store. A download that
finds nothing stored queues the rendering as a job and the console shows its progress.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable, NamedTuple, Optional

from flask import current_app
from sqlalchemy import select

import reports
from questionnaires.schema import Guidance

from ..db import db
from ..models import Job, ReportFile, Round
from ..scoring.results import CarriedCommitment, Comparison, RoundResults
from . import ServiceError, audit, commitments, jobs, rounds
from .scores import compare_rounds, round_scores

KIND = "report"
#: The steps a rendering reports, for its progress.
STEPS = ("Scoring the round", "Building the charts", "Drawing the charts", "Laying out the pages", "Done")


def job_key(round_: Round) -> str:
    return f"round:{round_.id}"


def options() -> dict:
    return {"page_size": current_app.config.get("REPORT_PAGE_SIZE", "A4")}


def report_key(inputs: Inputs, comparison: Optional[Comparison] = None) -> str:
    """The hash of a report's inputs: the published results (with the live coverage counts an open round's report
    shows), the questionnaire's guidance, the commitments agreed, the comparison, the options and the renderer."""
    results, guidance, agreed = inputs
    digest = {"results": results.as_json(), "guidance": guidance.as_json(),
              "agreed": [c.as_json() for c in agreed], "comparison": comparison.as_json() if comparison else None,
              "options": options(), "renderer": reports.FINGERPRINT}
    return hashlib.sha256(json.dumps(digest, sort_keys=True, default=str).encode()).hexdigest()


class Inputs(NamedTuple):
    results: RoundResults
    guidance: Guidance
    agreed: tuple[CarriedCommitment, ...]


def published_results(round_: Round) -> RoundResults:
    results = round_scores(round_)
    if not results.published:
        raise ServiceError(f"the round has fewer than {results.min_group_size} published responses: a report "
                           "would show the answers of too few people")
    return results


def inputs_of(round_: Round) -> Inputs:
    """What a round's report is made from, besides a comparison: its published results, what its questionnaire
    recommends, and the commitments recorded after it."""
    agreed = tuple(CarriedCommitment(dimension=c.dimension, what=c.what, owner=c.owner,
                                     due=c.due.isoformat() if c.due else None, movement=None)
                   for c in commitments.commitments_of(round_))
    return Inputs(published_results(round_), rounds.questionnaire_of(round_).guidance, agreed)


def stored(key: str) -> Optional[bytes]:
    return db.session.scalar(select(ReportFile.pdf).where(ReportFile.key == key))


def render(round_: Round, compare_with: Optional[Round] = None,
           progress: Callable[[str], None] = lambda _message: None) -> bytes:
    """A round's report, rendered now and stored (flushed; the caller commits); with `compare_with`, an earlier
    round of the same jurisdiction, it has a "Change since ..." section."""
    progress(STEPS[0])
    inputs = inputs_of(round_)
    browser = reports.find_browser(current_app.config.get("CHROMIUM_PATH"))
    reports.warm_up(browser)
    comparison = None
    if compare_with is not None:
        progress(f"Comparing with {compare_with.title} (bootstrap intervals)")
        comparison = compare_rounds(compare_with, round_, inputs.results)
    key = report_key(inputs, comparison)
    pdf = reports.build_pdf(inputs.results, current_app.static_folder, browser, options()["page_size"], progress,
                            comparison, inputs.guidance, inputs.agreed)
    if stored(key) is None:
        db.session.add(ReportFile(round_id=round_.id, key=key, pdf=pdf))
        db.session.flush()
    return pdf


def download(round_: Round) -> tuple[Optional[bytes], Optional[Job]]:
    """The report of the round's published results: from the store (audited as downloaded), or not yet, with the
    job that is rendering it (queued now when none is)."""
    pdf = stored(report_key(inputs_of(round_)))
    if pdf is not None:
        audit.record("report_downloaded", f"round {round_.id}", round_.title)
        return pdf, None
    return None, queue(round_)


def ready(round_: Round) -> bool:
    """Whether the report of the round's published results is stored."""
    return stored(report_key(inputs_of(round_))) is not None


def queue(round_: Round) -> Job:
    return jobs.enqueue(KIND, job_key(round_), {"round": round_.id})


def progress_of(round_: Round) -> Optional[Job]:
    """The latest rendering of this round's report: how far it is, or why it failed."""
    return jobs.latest(KIND, job_key(round_))


def export(round_: Round, compare_with: Optional[Round] = None,
           progress: Callable[[str], None] = lambda _message: None) -> bytes:
    """`render`, for a command that writes the PDF to a file: audited as downloaded."""
    pdf = render(round_, compare_with, progress)
    audit.record("report_downloaded", f"round {round_.id}",
                 round_.title + (f", compared with {compare_with.title}" if compare_with is not None else ""))
    return pdf


@jobs.handler(KIND)
def _render_job(payload: dict, progress: jobs.Progress) -> None:
    round_ = db.session.get(Round, payload["round"])
    if round_ is None:
        return  # the round is gone: nothing to render
    steps = iter(range(1, len(STEPS) + 1))
    render(round_, progress=lambda message: progress(next(steps, len(STEPS)), len(STEPS), message))
