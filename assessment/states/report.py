"""A state's report: its page's figures as a tagged PDF (`reports.state`), rendered by a job (in a worker process
in production, never in a web worker that respondents share) and kept.

The PDF is kept (`StateReport`) under the hash of what it is made from: the state's name and size, its figures
(each sharing county's published summaries, names, titles and commitments, as the page shows them), the paper,
and the fingerprint of the code that renders. A download finds it by working the figures out again, which reads
only the releases' summaries; when they have changed (a county closed a round, or changed what it shares), the
report is rendered again and the older one deleted: a state keeps its latest report only.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import NamedTuple, Optional

from flask import current_app
from sqlalchemy import select

import reports

from ..db import db
from ..models import Job, State, StateReport
from ..scoring import state as statewide
from ..services import audit, jobs
from ..vocabulary import KEY_SECTORS
from . import states

KIND = "state_report"
STEPS = ("Gathering the counties' published figures", "Laying out the pages", "Done")


def job_key(state: State) -> str:
    return f"state:{state.id}"


def paper() -> str:
    """The paper state's reports are printed on for their coordinators: REPORT_PAGE_SIZE when it is set, or
    Letter."""
    return current_app.config.get("REPORT_PAGE_SIZE") or "Letter"


class MadeOf(NamedTuple):
    """What a state's report is made from: its figures, its size, and the questionnaire's words for them."""

    figures: statewide.StateFigures
    in_state: int
    dimensions: list
    conditions: list
    bound: dict[str, str]
    sectors: dict[str, str]


def _made_of(state: State) -> MadeOf:
    dimensions, conditions = states.constructs()
    return MadeOf(states.figures(state), states.size_of(state), dimensions, conditions, states.bound_roles(),
                  {k.value: k.label for k in KEY_SECTORS})


def report_key(state: State, made: Optional[MadeOf] = None, page_size: Optional[str] = None) -> str:
    made = made or _made_of(state)
    words = [[(d.id, d.label) for d in made.dimensions], [(c.id, c.label) for c in made.conditions], made.bound,
             made.sectors]  # what the questionnaire's files say, not the code's
    named = json.dumps([state.name, made.in_state, dataclasses.asdict(made.figures), words, page_size or paper(),
                        reports.FINGERPRINT], sort_keys=True)
    return hashlib.sha256(named.encode()).hexdigest()


def stored(key: str) -> Optional[bytes]:
    return db.session.scalar(select(StateReport.pdf).where(StateReport.key == key))


def render(state: State, page_size: Optional[str] = None, progress=lambda _message: None) -> bytes:
    """The state's report (on `page_size`, or the coordinators' paper), rendered now and kept in place of the
    state's earlier one (flushed; the caller commits)."""
    from reports.state import state_pdf  # here: WeasyPrint is slow to import, and only a rendering needs it

    progress(STEPS[0])
    made = _made_of(state)
    progress(STEPS[1])
    pdf = state_pdf(state.name, made.figures, made.dimensions, made.conditions, made.sectors, made.in_state,
                    current_app.static_folder, page_size or paper(), made.bound)
    key = report_key(state, made, page_size)
    if stored(key) is None:
        states.forget_reports(state.id)  # a state keeps its latest report only
        db.session.add(StateReport(state_id=state.id, key=key, pdf=pdf))
        db.session.flush()
    return pdf


def _downloaded(state: State) -> None:
    audit.record("report_downloaded", f"state {state.id}", f"{state.name}'s report")


def download(state: State) -> tuple[Optional[bytes], Optional[Job]]:
    """The state's report of its figures as they stand: from the store (audited as downloaded), or not yet, with
    the job that is rendering it (queued now when none is)."""
    pdf = stored(report_key(state))
    if pdf is not None:
        _downloaded(state)
        return pdf, None
    return None, queue(state)


def ready(state: State) -> bool:
    return stored(report_key(state)) is not None


def queue(state: State) -> Job:
    return jobs.enqueue(KIND, job_key(state), {"state": state.id})


def progress_of(state: State) -> Optional[Job]:
    """The latest rendering of the state's report: how far it is, or why it failed."""
    return jobs.latest(KIND, job_key(state))


def export(state: State, page_size: Optional[str] = None) -> bytes:
    """`render`, for a command that writes the PDF to a file: audited as downloaded."""
    pdf = render(state, page_size)
    _downloaded(state)
    return pdf


@jobs.handler(KIND)
def _render_job(payload: dict, progress: jobs.Progress) -> None:
    state = db.session.get(State, payload["state"])
    if state is None:
        return  # the state is gone: nothing to render
    steps = iter(range(1, len(STEPS) + 2))
    render(state, progress=lambda message: progress(next(steps, len(STEPS)), len(STEPS), message))
