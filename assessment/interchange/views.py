"""Paper responses imported from a CSV file."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from .. import access
from ..console import bp
from ..services import ServiceError
from ..vocabulary import RoundStatus
from . import importer
from .forms import ImportForm


@bp.route("/rounds/<int:round_id>/import", methods=["GET", "POST"])
def import_responses(round_id: int):
    round_ = access.round_or_404(round_id)
    form = ImportForm()
    problems, refused = [], None
    if round_.status == RoundStatus.CLOSED:
        refused = (f"{round_.title} is closed and its results are final, so it takes no paper forms. An "
                   "administrator can reopen it, saying why, to take late ones.")
    elif form.validate_on_submit():
        try:
            count = importer.import_responses(round_, form.file.data.read())
        except importer.ImportRefused as exc:
            problems = [str(p) for p in exc.problems]
        except ServiceError as exc:
            refused = str(exc)
        else:
            flash(f"Imported {count} paper response(s). They join the published results with the next release "
                  f"that holds at least {round_.min_group_size} submissions that did not come on paper.",
                  "success")
            return redirect(url_for("console.round_page", round_id=round_id))
    status = 400 if problems or form.errors or (refused and form.is_submitted()) else 200
    return render_template("console/import.html", round=round_, form=form, problems=problems,
                           refused=refused), status
