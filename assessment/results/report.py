"""The readiness report of a round: scored once, compared when asked, rendered by the pure `reports` package, and
kept. The only place that joins the database, the app's settings and the report.

A rendered PDF is stored (`ReportFile`) under the hash of everything it is made from, taken without scoring: the
round's published results (the release they are, kept as published; see `releases`), how the round is named and
where its release stands, the questionnaire (its texts and what it recommends), the commitments recorded after
the round, the earlier round's release when compared, the options, and the fingerprint of the code that renders.
So the same key means the same PDF, and a download finds it by hashing what is kept, without scoring. A closed
round's report is rendered in the background when the round closes; later downloads, on any server, are served
from the store. A download that finds nothing stored queues the
rendering as a job and the console shows its progress.
"""
from __future__ import annotations

import hashlib
import json
from typing import Callable, Optional

from flask import current_app
from sqlalchemy import select

import reports

from .. import catalog
from ..db import db
from ..models import Job, ReportFile, Round
from ..scoring.results import CarriedCommitment, RoundResults
from ..services import ServiceError, audit, jobs
from . import commitments, open_answers, releases
from .scores import compare_rounds, round_scores

KIND = "report"
#: The steps a rendering reports, for its progress.
STEPS = ("Scoring the round", "Building the charts", "Drawing the charts", "Laying out the pages", "Done")


def job_key(round_: Round, compare_with: Optional[Round] = None) -> str:
    return f"round:{round_.id}" + (f":compared-with:{compare_with.id}" if compare_with is not None else "")


def options(round_: Round) -> dict:
    """How the report is printed: on the paper its jurisdiction chose (REPORT_PAGE_SIZE, when set, wins)."""
    return {"page_size": current_app.config.get("REPORT_PAGE_SIZE") or round_.jurisdiction.paper_size.value}


def said(round_: Round) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The open answers its facilitator published, by question."""
    return tuple((question, tuple(answers)) for question, answers in open_answers.published(round_))


def agreed_after(round_: Round) -> tuple[CarriedCommitment, ...]:
    """The commitments recorded after the round, which its report shows as agreed."""
    return tuple(CarriedCommitment(dimension=c.dimension, what=c.what, owner=c.owner,
                                   due=c.due.isoformat() if c.due else None, movement=None)
                 for c in commitments.commitments_of(round_))


def report_key(round_: Round, compare_with: Optional[Round] = None) -> str:
    """The hash of what the round's report is made from (see the module's docstring)."""
    digest = hashlib.sha256()
    for part in (_round_part(round_, releases.current(round_)),
                 _round_part(compare_with, releases.latest(compare_with)) if compare_with is not None else b"",
                 json.dumps({"agreed": [c.as_json() for c in agreed_after(round_)], "options": options(round_),
                             "said": said(round_), "code": reports.FINGERPRINT}, sort_keys=True).encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _round_part(round_: Round, release) -> bytes:
    digest = hashlib.sha256()
    q = catalog.get(round_.questionnaire_id, round_.questionnaire_version)
    named = {"round": [round_.id, round_.title, round_.status.value, str(round_.opens_at), str(round_.closes_at)],
             "jurisdiction": round_.jurisdiction.name, "snapshot": releases.state(round_, release).as_json(),
             "min_group_size": round_.min_group_size,
             "questionnaire": repr((q.id, q.version, q.dimensions, q.conditions, q.sections, q.scales, q.guidance))}
    digest.update(json.dumps(named, sort_keys=True, default=str).encode())
    digest.update((release.results or "").encode() if release is not None else b"")
    return digest.digest()


def published_results(round_: Round) -> RoundResults:
    results = round_scores(round_)
    if not results.published:
        raise ServiceError(f"the round has fewer than {results.min_group_size} published responses: a report "
                           "would show the answers of too few people")
    return results


def stored(key: str) -> Optional[bytes]:
    return db.session.scalar(select(ReportFile.pdf).where(ReportFile.key == key))


def render(round_: Round, compare_with: Optional[Round] = None,
           progress: Callable[[str], None] = lambda _message: None) -> bytes:
    """A round's report, rendered now and stored (flushed; the caller commits); with `compare_with`, an earlier
    round of the same jurisdiction, it has a "Change since ..." section."""
    progress(STEPS[0])
    browser = reports.find_browser(current_app.config.get("CHROMIUM_PATH"))
    reports.warm_up(browser)
    results = published_results(round_)
    comparison = None
    if compare_with is not None:
        progress(f"Comparing with {compare_with.title} (bootstrap intervals)")
        comparison = compare_rounds(compare_with, round_, results)
    key = report_key(round_, compare_with)
    guidance = catalog.get(round_.questionnaire_id, round_.questionnaire_version).guidance
    pdf = reports.build_pdf(results, current_app.static_folder, browser, options(round_)["page_size"], progress,
                            comparison, guidance, agreed_after(round_), said(round_))
    if stored(key) is None:
        db.session.add(ReportFile(round_id=round_.id, key=key, pdf=pdf))
        db.session.flush()
    return pdf


def download(round_: Round, compare_with: Optional[Round] = None) -> tuple[Optional[bytes], Optional[Job]]:
    """The report of the round's published results (compared with an earlier round when one is given): from the
    store (audited as downloaded), or not yet, with the job that is rendering it (queued now when none is;
    refused when the round publishes nothing)."""
    pdf = stored(report_key(round_, compare_with))
    if pdf is not None:
        audit.record("report_downloaded", f"round {round_.id}",
                     round_.title + (f", compared with {compare_with.title}" if compare_with is not None else ""))
        return pdf, None
    published_results(round_)
    return None, queue(round_, compare_with)


def ready(round_: Round, compare_with: Optional[Round] = None) -> bool:
    """Whether the report of the round's published results is stored."""
    return stored(report_key(round_, compare_with)) is not None


def queue(round_: Round, compare_with: Optional[Round] = None) -> Job:
    payload = {"round": round_.id, **({"compare": compare_with.id} if compare_with is not None else {})}
    return jobs.enqueue(KIND, job_key(round_, compare_with), payload)


def progress_of(round_: Round, compare_with: Optional[Round] = None) -> Optional[Job]:
    """The latest rendering of this round's report: how far it is, or why it failed."""
    return jobs.latest(KIND, job_key(round_, compare_with))


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
    earlier = db.session.get(Round, payload["compare"]) if "compare" in payload else None
    if round_ is None or ("compare" in payload and earlier is None):
        return  # a round is gone: nothing to render
    steps = iter(range(1, len(STEPS) + 2))
    render(round_, earlier, progress=lambda message: progress(next(steps, len(STEPS)), len(STEPS), message))
