"""Paper responses imported from a CSV file."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from .. import access
from ..services import importer
from . import bp
from .forms import ImportForm


@bp.route("/rounds/<int:round_id>/import", methods=["GET", "POST"])
def import_responses(round_id: int):
    round_ = access.round_or_404(round_id)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            count = importer.import_responses(round_, form.file.data.read())
        except importer.ImportRefused as exc:
            problems = [str(p) for p in exc.problems]
        else:
            flash(f"Imported {count} response(s).", "success")
            return redirect(url_for("console.round_page", round_id=round_id))
    status = 400 if problems or form.errors else 200
    return render_template("console/import.html", round=round_, form=form, problems=problems), status
