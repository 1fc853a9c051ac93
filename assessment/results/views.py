"""A round's published results in every form: the results page, the comparison, the report and the exports."""
from __future__ import annotations

from typing import Optional

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from reports import content, figures

from .. import access, catalog
from ..console import bp, confirm_page, confirmed
from ..models import Round
from ..ratelimits import limiter, per_account, report_limit
from ..services import ServiceError, audit
from ..vocabulary import JobStatus, RoundStatus
from . import analyst, exports, published
from . import report as report_service
from .scores import compare_rounds, round_scores


def _compared_with(round_) -> Optional[Round]:
    """The earlier round a report is compared with (`?compare=ID`, or the form's field): another round of the same
    jurisdiction, or 404."""
    chosen = request.values.get("compare", "")
    if not chosen:
        return None
    if not chosen.isdigit():
        abort(404)
    earlier = access.round_or_404(int(chosen))
    if earlier.id == round_.id or earlier.jurisdiction_id != round_.jurisdiction_id:
        abort(404)
    return earlier


def _with(earlier) -> dict:
    return {"compare": earlier.id} if earlier is not None else {}


@bp.get("/rounds/<int:round_id>/report.pdf")
@limiter.limit(report_limit, key_func=per_account)
def report(round_id: int):
    """The PDF of the round's published results (compared with an earlier round with `?compare=ID`), from the
    store; when it is not rendered yet, the page that shows its rendering (queued now, in the background). Each
    user may ask only so often (REPORT_LIMIT)."""
    round_ = access.round_or_404(round_id)
    earlier = _compared_with(round_)
    try:
        pdf, _job = report_service.download(round_, earlier)
    except ServiceError as exc:
        flash(f"No report: {exc}.", "error")
        return redirect(url_for("console.results_page", round_id=round_id))
    if pdf is None:
        return redirect(url_for("console.report_progress", round_id=round_id, **_with(earlier)))
    name = f"readiness-report-round{round_.id}" + (f"-compared-with-round{earlier.id}" if earlier else "")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={name}.pdf"})


@bp.get("/rounds/<int:round_id>/report")
def report_progress(round_id: int):
    """How far the report's rendering is; the page reloads itself until the report can be downloaded."""
    round_ = access.round_or_404(round_id)
    earlier = _compared_with(round_)
    try:
        ready = report_service.ready(round_, earlier)
    except ServiceError as exc:
        flash(f"No report: {exc}.", "error")
        return redirect(url_for("console.results_page", round_id=round_id))
    return render_template("console/report_progress.html", round=round_, ready=ready, earlier=earlier,
                           compare=_with(earlier), job=report_service.progress_of(round_, earlier),
                           JobStatus=JobStatus)


@bp.post("/rounds/<int:round_id>/report")
def report_again(round_id: int):
    """Render the report again after a rendering failed."""
    round_ = access.round_or_404(round_id)
    earlier = _compared_with(round_)
    report_service.queue(round_, earlier)
    return redirect(url_for("console.report_progress", round_id=round_id, **_with(earlier)))


RAW_RESPONSES_ONLY_FOR_ADMINS = (
    "Raw responses are available to administrators only: a row of answers with its agency and role level can "
    "identify a person in a small agency. Facilitators can export the scores, in which groups below the minimum "
    "size carry no figure.")


@bp.get("/rounds/<int:round_id>/results")
def results_page(round_id: int):
    round_ = access.round_or_404(round_id)
    try:
        page = published.results_page(round_, request.args.get("sector", ""), request.args.get("role", ""))
    except published.UnknownGroup:
        abort(400)
    return render_template("console/results.html", facilitator=True, **page,
                           earlier_rounds=[r for r in round_.jurisdiction.rounds if r.id < round_.id])


@bp.get("/rounds/<int:round_id>/compare")
def compare_page(round_id: int):
    round_ = access.round_or_404(round_id)
    earlier_rounds = [r for r in round_.jurisdiction.rounds if r.id != round_id and r.id < round_id]
    earlier_id = request.args.get("with", type=int)
    if earlier_id is None:
        return render_template("console/compare.html", round=round_, choices=earlier_rounds, comparison=None)
    earlier = next((r for r in earlier_rounds if r.id == earlier_id), None)
    if earlier is None:
        abort(404)
    results = round_scores(round_)
    try:
        comparison = compare_rounds(earlier, round_, results)
    except ServiceError as exc:
        return render_template("console/compare.html", round=round_, choices=earlier_rounds, earlier=earlier,
                               comparison=None, refused=str(exc))
    charts = published.kept_charts(  # the trend among them draws on every round up to this one
        ("compare", *published.release_key(results), earlier.id, published.rounds_key(round_)),
        lambda: published.charts_of(figures.change_figures(results, comparison)))
    return render_template("console/compare.html", round=round_, choices=earlier_rounds, earlier=earlier,
                           comparison=comparison, change=content.build(results, comparison)["change"],
                           dimensions=results.dimensions,
                           charts=charts)


#: kind -> the formats it comes in. "responses" is the wide file for statistics programs (SPSS, Stata, R);
#: "codebook" describes the columns of the raw CSV files.
EXPORTS = {"scores": ("csv", "xlsx"), "responses-long": ("csv", "xlsx"), "responses-wide": ("csv", "xlsx"),
           "open-answers": ("csv", "xlsx"), "codebook": ("csv",), "responses": ("sav", "dta", "r")}


@bp.get("/rounds/<int:round_id>/export/<kind>.<fmt>")
def export(round_id: int, kind: str, fmt: str):
    round_ = access.round_or_404(round_id)
    if fmt not in EXPORTS.get(kind, ()):
        abort(404)
    if kind != "scores" and not current_user.is_admin:
        return render_template("error.html", status=403, title="Administrators only",
                               message=RAW_RESPONSES_ONLY_FOR_ADMINS, detail=""), 403
    q = catalog.of_round(round_)
    results = round_scores(round_)
    filename = f"round{round_.id}-{kind}.{fmt}"
    if kind == "scores":
        sheets = {"scores": exports.score_table(results)}
        detail = f"{kind}.{fmt}"
    elif kind == "codebook":
        sheets = {"codebook": exports.codebook(q)}
        detail = f"{kind}.{fmt}"
    else:
        if round_.raw_exported_at is None and round_.status == RoundStatus.CLOSED and not confirmed():
            back = url_for("console.round_page", round_id=round_id)
            return confirm_page(
                f"Export {round_.title}'s responses?",
                ["The file is anonymised: it holds only the responses no published figure places in a group of "
                 f"fewer than {round_.min_group_size}, labelled only as the published results place them.",
                 "Once a file of its responses is taken, this round can never be reopened: results published "
                 "after it would be set beside it. Start a new round for late answers."],
                "Download, and keep the round closed for good", back, method="get")
        try:
            raw = exports.raw_file(round_, results)
        except ServiceError as exc:
            return render_template("error.html", status=409, title="Not while the round is open",
                                   message=f"{str(exc)[:1].upper()}{str(exc)[1:]}.", detail=""), 409
        detail = f"{kind}.{fmt}: {len(raw.rows)} response(s), {raw.left_out} left out"
        if kind == "responses":
            body, mimetype, extension = analyst.file_for(round_, q, raw, fmt)
            audit.record("export", f"round {round_.id}", detail)
            return Response(body, mimetype=mimetype, headers={
                "Content-Disposition": f"attachment; filename=round{round_.id}-responses.{extension}"})
        table = {"responses-long": exports.responses_long, "responses-wide": exports.responses_wide,
                 "open-answers": exports.open_answers}[kind](round_, raw)
        sheets = {"open answers" if kind == "open-answers" else "responses": table,
                  "codebook": exports.codebook(q), "notes": exports.notes(round_, raw)}
    audit.record("export", f"round {round_.id}", detail)
    if fmt == "csv":
        body, mimetype = exports.to_csv(next(iter(sheets.values()))), "text/csv"
    else:
        body = exports.to_xlsx(sheets)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})
