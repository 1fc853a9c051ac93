"""A round's open answers, reviewed before they are shown: publish as written, publish with a phrase taken out, or
withhold (see `results.open_answers`)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from .. import access
from ..console import bp
from ..services import ServiceError
from . import open_answers
from .forms import OpenAnswerForm


@bp.get("/rounds/<int:round_id>/open-answers")
def open_answers_page(round_id: int):
    round_ = access.round_or_404(round_id)
    return render_template("console/open_answers.html", round=round_, tab="open",
                           questions=open_answers.reviewable(round_), counts=open_answers.counts(round_))


@bp.post("/rounds/<int:round_id>/open-answers/<int:answer_id>")
def review_open_answer(round_id: int, answer_id: int):
    round_ = access.round_or_404(round_id)
    form = OpenAnswerForm()
    back = url_for("console.open_answers_page", round_id=round_id, _anchor=f"answer-{answer_id}")
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    try:
        open_answers.review(round_, answer_id, form.decision.data, form.words.data)
    except ServiceError as exc:
        flash(f"Not saved: {exc}.", "error")
    else:
        flash("Published." if form.decision.data == "published" else "Withheld: it will not be shown.", "success")
    return redirect(back)
