"""A round's pages (coverage, people, messages, action plan: one tab each) and its life: open, close, reopen;
commitments. The people and messages tabs have modules of their own."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from .. import access, catalog, local_time
from ..console import bp, carry_out, confirm_page, confirmed
from ..people import contacts
from ..results import commitments
from ..results.scores import round_scores
from ..services import ServiceError, clock
from ..vocabulary import RoundStatus, Sector
from . import rounds
from .forms import CommitmentForm, ReopenForm


def _commitment_form(round_) -> CommitmentForm:
    """The form to record a commitment; on the action plan tab it may arrive filled in from a decision of the
    results page (`?dimension=...&what=...`), for the facilitator to give it an owner and a date."""
    form = CommitmentForm()
    form.dimension.choices = [(d.id, d.label) for d in catalog.of_round(round_).dimensions]
    if request.method == "GET" and request.args.get("what"):
        form.what.data = request.args["what"][:2000]
        if request.args.get("dimension") in dict(form.dimension.choices):
            form.dimension.data = request.args["dimension"]
    return form


def _round_page(round_):
    results = round_scores(round_, take=False)  # coverage is live; looking at it publishes nothing new
    return render_template("console/round.html", round=round_, tab="coverage", coverage=results.coverage,
                           results=results, sector_labels={s.value: s.label for s in Sector})


def _plan_page(round_, commitment_form=None, status=200):
    labels = {d.id: d.label for d in catalog.of_round(round_).dimensions}
    return render_template("console/round_plan.html", round=round_, tab="plan",
                           commitments=commitments.commitments_of(round_), dimension_labels=labels,
                           commitment_form=commitment_form or _commitment_form(round_)), status


@bp.get("/rounds/<int:round_id>/plan")
def plan_page(round_id: int):
    return _plan_page(access.round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/commitments")
def add_commitment(round_id: int):
    round_ = access.round_or_404(round_id)
    form = _commitment_form(round_)
    if form.validate_on_submit():
        try:
            commitments.add_commitment(round_, form.dimension.data, form.what.data, form.owner.data, form.due.data)
        except ServiceError as exc:
            form.what.errors.append(str(exc))
        else:
            flash("Commitment recorded. The next round's comparison will show it beside its dimension.", "success")
            return redirect(url_for("console.plan_page", round_id=round_id) + "#commitments")
    return _plan_page(round_, commitment_form=form, status=400)


@bp.get("/rounds/<int:round_id>")
def round_page(round_id: int):
    return _round_page(access.round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int):
    round_ = access.round_or_404(round_id)
    back = url_for("console.round_page", round_id=round_id)
    if not confirmed() and round_.status == RoundStatus.DRAFT:
        zone = round_.jurisdiction.time_zone
        counts = contacts.people(round_).counts
        facts = [f"Every link of the round starts working now: {counts.get('all', 0)} person(s) hold one"
                 + (f", {counts.get('not_sent', 0)} of them not emailed yet." if counts.get("all") else ".")]
        facts.append(f"It takes answers until {local_time.describe_close(round_.closes_at, zone)}." if round_.closes_at
                     else "It has no closing time: it takes answers until you close it.")
        if round_.invite_at:
            facts.append(f"The invitations are scheduled for {local_time.describe(round_.invite_at, zone)}; "
                         "opening now does not send them sooner.")
        facts.append(f"Groups of fewer than {round_.min_group_size} are never shown apart; this cannot change once "
                     "someone starts.")
        return confirm_page(f"Open {round_.title}?", facts, "Open the round", back)
    def open_it():
        rounds.open_round(round_)
        clock.ensure_clock()

    return carry_out(open_it, "The round is open: links now work.",
                      url_for("console.round_page", round_id=round_id))


@bp.route("/rounds/<int:round_id>/reopen", methods=["GET", "POST"])
def reopen_round(round_id: int):
    """Administrators only, after a confirmation page that asks why: results may already have been read."""
    access.admin_only()
    round_ = access.round_or_404(round_id)
    if round_.status != RoundStatus.CLOSED:
        flash("Only a closed round can be reopened.", "error")
        return redirect(url_for("console.round_page", round_id=round_id))
    if round_.raw_exported_at is not None:
        flash(f"This round's raw responses were exported on {round_.raw_exported_at:%Y-%m-%d}: it stays closed, "
              "since results published after that file would be set beside it. Start a new round for late "
              "answers.", "error")
        return redirect(url_for("console.round_page", round_id=round_id))
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            rounds.reopen_round(round_, form.reason.data)
        except ServiceError as exc:
            form.reason.errors.append(str(exc))
        else:
            flash("The round is open again: its links work until you close it.", "success")
            return redirect(url_for("console.round_page", round_id=round_id))
    return render_template("console/reopen.html", round=round_, form=form), 400 if form.errors else 200


@bp.post("/rounds/<int:round_id>/close")
def close_round(round_id: int):
    round_ = access.round_or_404(round_id)
    if not confirmed() and round_.status == RoundStatus.OPEN:
        counts, held = contacts.people(round_).counts, contacts.held(round_)
        waiting = counts.get("not_started", 0) + counts.get("in_progress", 0)
        zone = round_.jurisdiction.time_zone
        due = (f"It was due to close {local_time.describe_close(round_.closes_at, zone)}: closing now ends it early."
               if round_.closes_at else "It has no closing time set.")
        drafts = counts.get("in_progress", 0)
        facts = [due,
                 f"Closing deletes the {held} address{'es' if held != 1 else ''} this round holds: no more "
                 "messages go (planned reminders stop), and a later round needs its contacts again." if held
                 else "The round holds no addresses.",
                 f"{waiting} invited {'person has' if waiting == 1 else 'people have'} not submitted"
                 + (f"; the {drafts} who started can never finish, and their drafts are left out of the results."
                    if drafts else "."),
                 "Its results become final and its report is rendered. An administrator can reopen it, saying why "
                 "(unless a file of its responses was exported), but it could email no one: the addresses are "
                 "gone."]
        return confirm_page(f"Close {round_.title}?", facts, "Close the round and delete its addresses",
                            url_for("console.round_page", round_id=round_id))
    return carry_out(lambda: rounds.close_round(round_),
                      lambda closing: f"The round is closed. {closing}",
                      url_for("console.round_page", round_id=round_id))
