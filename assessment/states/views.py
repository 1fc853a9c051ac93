"""A state's page (`/state/<id>`, for its coordinators and administrators): every jurisdiction that shares with the
state, by name, with its latest published level and readiness index, and the state's distribution, what holds
counties at their level, the roles that limit sharing, movement between rounds; and its report, prepared by a job
and kept (`/state/<id>/report.pdf`, its progress at `/state/<id>/report`). And a county's view of its state in the
console (`/console/jurisdictions/<id>/state`): its own figures, the counties that show it their name, the state's
other counties together (only those its reader can neither name nor read otherwise, over five or more), and the
form its facilitators share with."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import access
from ..accounts.signin import ask_for_second_factor
from ..console import bp as console
from ..console import carry_out
from ..db import db
from ..models import State
from ..ratelimits import limiter, per_account, report_limit
from ..scoring import state as statewide
from ..vocabulary import KEY_SECTORS, JobStatus
from . import report, states
from .forms import SharingForm

bp = Blueprint("state", __name__, url_prefix="/state")


@bp.before_request
@login_required
def second_factor_first():
    """Every state page needs a signed-in account, and one whose account must have a second factor has one."""
    return ask_for_second_factor()


@bp.get("/")
def index():
    readable = states.states_for(current_user)
    if len(readable) == 1 and not current_user.is_admin:
        return redirect(url_for("state.page", state_id=readable[0].id))
    return render_template("state/index.html", states=readable)


def _words() -> dict:
    dimensions, conditions = states.constructs()
    return {"dimensions": dimensions, "conditions": conditions, "sectors": {s.value: s.label for s in KEY_SECTORS},
            "bound": states.bound_roles(), "min_counties": statewide.MIN_COUNTIES}


def _readable(state_id: int) -> State:
    state = db.session.get(State, state_id)
    if state is None or not states.may_read(current_user, state_id):
        abort(404)
    return state


@bp.get("/<int:state_id>")
def page(state_id: int):
    state = _readable(state_id)
    figures, words = states.figures(state), _words()
    which = statewide.which(figures, [d.id for d in words["dimensions"]], [c.id for c in words["conditions"]])
    return render_template("state/page.html", state=state, figures=figures, in_state=states.size_of(state),
                           which=which, today=dt.date.today().isoformat(), **words)


@bp.get("/<int:state_id>/report.pdf")
@limiter.limit(report_limit, key_func=per_account)
def report_pdf(state_id: int):
    """The state's report as a download when it is kept for the figures as they stand; otherwise its rendering is
    queued and the reader is sent to watch it."""
    state = _readable(state_id)
    pdf, _job = report.download(state)
    db.session.commit()
    if pdf is None:
        return redirect(url_for("state.report_progress", state_id=state.id))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="state-report-{state.id}.pdf"'})


@bp.get("/<int:state_id>/report")
def report_progress(state_id: int):
    """How far the state's report is; the page checks again by itself until the report can be downloaded."""
    state = _readable(state_id)
    ready = report.ready(state)
    db.session.commit()  # summaries of releases kept before them, worked out once
    return render_template("state/report_progress.html", state=state, ready=ready, job=report.progress_of(state),
                           JobStatus=JobStatus)


@bp.post("/<int:state_id>/report")
@limiter.limit(report_limit, key_func=per_account)
def report_again(state_id: int):
    """Prepare the report again (after a rendering failed); nothing to do when it is kept as the figures stand."""
    state = _readable(state_id)
    if not report.ready(state):
        report.queue(state)
    db.session.commit()
    return redirect(url_for("state.report_progress", state_id=state.id))


@console.get("/jurisdictions/<int:jurisdiction_id>/state")
def jurisdiction_state(jurisdiction_id: int):
    jurisdiction = access.jurisdiction_or_404(jurisdiction_id)
    return _county_page(jurisdiction)


def _county_page(jurisdiction, form=None, status=200):
    if jurisdiction.state is None:
        return render_template("state/county.html", jurisdiction=jurisdiction, state=None, **_words()), status
    words = _words()
    counties = states.counties(jurisdiction.state)
    # what the reader's account reads or ever read is never among the others together (an administrator reads all)
    known = {c.id for c in counties} if current_user.is_admin else states.held_by(current_user)
    view = statewide.for_a_county(counties, jurisdiction.id, [d.id for d in words["dimensions"]],
                                  [c.id for c in words["conditions"]], list(words["bound"]), known)
    form = form or SharingForm(share=jurisdiction.share_with_state, by_name=jurisdiction.show_by_name)
    return render_template("state/county.html", jurisdiction=jurisdiction, state=jurisdiction.state, view=view,
                           form=form, **words), status


@console.post("/jurisdictions/<int:jurisdiction_id>/state")
def share_with_state(jurisdiction_id: int):
    jurisdiction = access.jurisdiction_or_404(jurisdiction_id)
    form = SharingForm()
    if not form.validate_on_submit():
        return _county_page(jurisdiction, form, 400)
    back = url_for("console.jurisdiction_state", jurisdiction_id=jurisdiction.id)
    return carry_out(lambda: states.set_sharing(jurisdiction, form.share.data, form.by_name.data),
                     lambda said: f"{jurisdiction.name} now {said}.", back)

