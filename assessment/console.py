"""The facilitator console (`/console`): thin views over the setup, scoring and report services.

Every view needs a signed-in user, and every id goes through `access`, which answers 404 outside the user's
jurisdictions.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from reports import content, figures

from . import access, catalog
from .auth import limiter
from .console_forms import AgencyForm, CommitmentForm, ImportForm, InviteForm, JurisdictionForm, ReopenForm, RoundForm
from .db import db
from .models import Invitation
from .services import ServiceError, audit, commitments, exports, importer, invitations, jurisdictions, rounds
from .services.report import report_pdf
from .services.scores import compare_rounds, round_scores
from .survey import open_link_url, survey_link
from .text import clean
from .vocabulary import InvitationStatus, RoleLevel, RoundStatus, Sector

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.before_request
@login_required
def require_login():
    """Every console page needs a signed-in user."""


def _carry_out(action, done, back: str):
    """Run a service action; flash what happened (`done` is a message, or makes one from the action's result)
    or why it could not be done, and go back."""
    try:
        result = action()
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(done(result) if callable(done) else done, "success")
    return redirect(back)


@bp.get("/")
def index():
    return render_template("console/index.html", jurisdictions=access.visible_jurisdictions(),
                           form=JurisdictionForm())


@bp.post("/jurisdictions")
def add_jurisdiction():
    access.admin_only()
    form = JurisdictionForm()
    if form.validate_on_submit():
        try:
            jurisdiction = jurisdictions.add_jurisdiction(form.name.data)
        except ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Added {jurisdiction.name}.", "success")
            return redirect(url_for("console.jurisdiction", jurisdiction_id=jurisdiction.id))
    return render_template("console/index.html", jurisdictions=access.visible_jurisdictions(), form=form), 400


def _round_form() -> RoundForm:
    form = RoundForm()
    installed = sorted(catalog.all_questionnaires().values(), key=lambda q: (q.id, -q.version))
    form.questionnaire.choices = [(f"{q.id}:{q.version}", f"{q.title} (version {q.version})") for q in installed]
    return form


def _jurisdiction_page(jurisdiction, agency_form=None, round_form=None, status=200):
    used = {a.id: jurisdictions.agency_in_use(a) for a in jurisdiction.agencies}
    return render_template("console/jurisdiction.html", jurisdiction=jurisdiction, used=used,
                           agency_form=agency_form or AgencyForm(), round_form=round_form or _round_form(),
                           sector_labels={s.value: s.label for s in Sector}), status


@bp.get("/jurisdictions/<int:jurisdiction_id>")
def jurisdiction(jurisdiction_id: int):
    return _jurisdiction_page(access.jurisdiction_or_404(jurisdiction_id))


@bp.post("/jurisdictions/<int:jurisdiction_id>/agencies")
def add_agency(jurisdiction_id: int):
    jurisdiction = access.jurisdiction_or_404(jurisdiction_id)
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = jurisdictions.add_agency(jurisdiction, form.name.data, form.sector.data, form.slug.data or None)
        except ServiceError as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"Added {agency.name}.", "success")
            return redirect(url_for("console.jurisdiction", jurisdiction_id=jurisdiction.id))
    return _jurisdiction_page(jurisdiction, agency_form=form, status=400)


@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
def edit_agency(agency_id: int):
    agency = access.agency_or_404(agency_id)
    form = AgencyForm(obj=agency) if request.method == "GET" else AgencyForm()
    if request.method == "GET":
        form.sector.data = agency.sector.value
    elif form.validate_on_submit():
        try:
            jurisdictions.edit_agency(agency, form.name.data, form.sector.data, form.slug.data or agency.slug)
        except ServiceError as exc:
            form.name.errors.append(str(exc))
        else:
            flash(f"Saved {agency.name}.", "success")
            return redirect(url_for("console.jurisdiction", jurisdiction_id=agency.jurisdiction_id))
    status = 400 if form.errors else 200
    return render_template("console/agency_edit.html", agency=agency, form=form), status


@bp.post("/agencies/<int:agency_id>/delete")
def delete_agency(agency_id: int):
    agency = access.agency_or_404(agency_id)
    back = url_for("console.jurisdiction", jurisdiction_id=agency.jurisdiction_id)
    return _carry_out(lambda: jurisdictions.remove_agency(agency), f"Removed {agency.name}.", back)


@bp.post("/jurisdictions/<int:jurisdiction_id>/rounds")
def create_round(jurisdiction_id: int):
    jurisdiction = access.jurisdiction_or_404(jurisdiction_id)
    form = _round_form()
    if form.validate_on_submit():
        as_datetime = lambda d: dt.datetime.combine(d, dt.time()) if d else None  # noqa: E731
        questionnaire_id, version = form.questionnaire.data.rsplit(":", 1)
        try:
            round_ = rounds.create_round(jurisdiction, form.title.data, questionnaire_id, int(version),
                                        min_group_size=form.min_group_size.data,
                                        opens_at=as_datetime(form.opens_at.data),
                                        closes_at=as_datetime(form.closes_at.data))
        except ServiceError as exc:
            form.title.errors.append(str(exc))
        else:
            flash(f"Created the round {round_.title} as a draft. Invite people, then open it.", "success")
            return redirect(url_for("console.round_page", round_id=round_.id))
    return _jurisdiction_page(jurisdiction, round_form=form, status=400)


def _invite_form(round_) -> InviteForm:
    form = InviteForm()
    form.agency.choices = [(a.id, a.name) for a in round_.jurisdiction.agencies]
    return form


def _commitment_form(round_) -> CommitmentForm:
    form = CommitmentForm()
    form.dimension.choices = [(d.id, d.label) for d in rounds.questionnaire_of(round_).dimensions]
    return form


def _round_page(round_, invite_form=None, commitment_form=None, status=200):
    results = round_scores(round_)
    invitations = db.session.scalars(db.select(Invitation).where(Invitation.round_id == round_.id)
                                     .order_by(Invitation.id)).all()
    labels = {d.id: d.label for d in rounds.questionnaire_of(round_).dimensions}
    return render_template("console/round.html", round=round_, coverage=results.coverage, results=results,
                           invitations=invitations, form=invite_form or _invite_form(round_),
                           commitments=commitments.commitments_of(round_), dimension_labels=labels,
                           commitment_form=commitment_form or _commitment_form(round_),
                           sector_labels={s.value: s.label for s in Sector}), status


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
            return redirect(url_for("console.round_page", round_id=round_id) + "#commitments")
    return _round_page(round_, commitment_form=form, status=400)


@bp.get("/rounds/<int:round_id>")
def round_page(round_id: int):
    return _round_page(access.round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/open")
def open_round(round_id: int):
    round_ = access.round_or_404(round_id)
    return _carry_out(lambda: rounds.open_round(round_), "The round is open: links now work.",
                      url_for("console.round_page", round_id=round_id))


@bp.route("/rounds/<int:round_id>/reopen", methods=["GET", "POST"])
def reopen_round(round_id: int):
    """Administrators only, after a confirmation page that asks why: results may already have been read."""
    access.admin_only()
    round_ = access.round_or_404(round_id)
    if round_.status != RoundStatus.CLOSED:
        flash("Only a closed round can be reopened.", "error")
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
    return _carry_out(lambda: rounds.close_round(round_),
                      lambda drafts: f"The round is closed. {drafts} unsubmitted draft(s) are left out of its results.",
                      url_for("console.round_page", round_id=round_id))


@bp.post("/rounds/<int:round_id>/invitations")
def invite(round_id: int):
    round_ = access.round_or_404(round_id)
    form = _invite_form(round_)
    if not form.validate_on_submit():
        return _round_page(round_, invite_form=form, status=400)
    agency = access.agency_or_404(form.agency.data)
    try:
        tokens = invitations.issue_invitations(round_, agency, form.role.data, form.count.data)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.round_page", round_id=round_id))
    links = [survey_link(t) for t in tokens]
    role = RoleLevel(form.role.data)
    if form.output.data == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["link", "agency", "role_level"])
        writer.writerows([link, agency.slug, role.value] for link in links)
        filename = f"links-round{round_.id}-{agency.slug}-{role.value}.csv"
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={filename}"})
    return render_template("console/links.html", round=round_, agency=agency, role=role, links=links)


@bp.post("/rounds/<int:round_id>/open-link")
def open_link(round_id: int):
    round_ = access.round_or_404(round_id)
    if request.form.get("turn") == "off":
        invitations.disable_open_link(round_)
        flash("The open link is turned off; personal links already given out keep working.", "success")
        return redirect(url_for("console.round_page", round_id=round_id))
    try:
        token = invitations.enable_open_link(round_)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.round_page", round_id=round_id))
    return render_template("console/open_link.html", round=round_, link=open_link_url(token))


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke(invitation_id: int):
    invitation = access.invitation_or_404(invitation_id)
    return _carry_out(lambda: invitations.revoke_invitation(invitation),
                      "The link is revoked and no longer opens the survey.",
                      url_for("console.round_page", round_id=invitation.round_id))


@bp.get("/rounds/<int:round_id>/report.pdf")
@limiter.limit(lambda: current_app.config["REPORT_LIMIT"], key_func=lambda: f"user-{current_user.id}")
def report(round_id: int):
    """The PDF takes seconds of CPU, so each user may ask for only a few at a time (REPORT_LIMIT)."""
    round_ = access.round_or_404(round_id)
    try:
        pdf = report_pdf(round_)
    except ServiceError as exc:
        flash(f"No report: {exc}.", "error")
        return redirect(url_for("console.results_page", round_id=round_id))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=readiness-report-round{round_.id}.pdf"})


RAW_RESPONSES_ONLY_FOR_ADMINS = (
    "Raw responses are available to administrators only: a row of answers with its agency and role level can "
    "identify a person in a small agency. Facilitators can export the scores, in which groups below the minimum "
    "size carry no figure.")


def _chart_json(fig) -> str:
    """Figure JSON safe inside a <script type="application/json"> block: no "</script>" can close it."""
    return fig.to_json().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@bp.get("/rounds/<int:round_id>/results")
def results_page(round_id: int):
    round_ = access.round_or_404(round_id)
    results = round_scores(round_)
    sector, role = request.args.get("sector", ""), request.args.get("role", "")
    sectors = {s.id: s for s in results.sectors}
    roles = {r.id: r for r in results.role_levels}
    if (sector and sector not in sectors) or (role and role not in roles):
        abort(400)
    cells = {(c.sector, c.role_level): c for c in results.sector_roles}
    group = cells[(sector, role)] if sector and role else roles.get(role) or sectors.get(sector)
    charts = {}
    if results.published and not (group and group.suppressed):
        charts = {"dimensions": figures.profile_figure(results, "dimensions", group),
                  "conditions": figures.profile_figure(results, "conditions", group),
                  "agencies": figures.agency_heatmap(results, sector or None)}
        if not group:
            charts.update(continuum=figures.continuum_figure(results), roster=figures.roster_matrix(results),
                          network=figures.network_figure(results), pair_levels=figures.pair_levels_figure(results),
                          role_levels=figures.role_levels_figure(results))
    return render_template("console/results.html", round=round_, results=results,
                           report=content.build(results) if results.published else None,
                           charts={name: (fig.layout.title.text, _chart_json(fig)) for name, fig in charts.items()},
                           group=group, sector=sector, role=role, sectors=results.sectors,
                           roles=results.role_levels)


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
    charts = figures.change_figures(results, comparison)
    return render_template("console/compare.html", round=round_, choices=earlier_rounds, earlier=earlier,
                           comparison=comparison, change=content.build(results, comparison)["change"],
                           dimensions=results.dimensions,
                           charts={name: (fig.layout.title.text, _chart_json(fig)) for name, fig in charts.items()})


EXPORTS = {"scores", "responses-long", "responses-wide"}


@bp.get("/rounds/<int:round_id>/export/<kind>.<fmt>")
def export(round_id: int, kind: str, fmt: str):
    round_ = access.round_or_404(round_id)
    if kind not in EXPORTS or fmt not in ("csv", "xlsx"):
        abort(404)
    if kind != "scores" and not current_user.is_admin:
        return render_template("error.html", status=403, title="Administrators only",
                               message=RAW_RESPONSES_ONLY_FOR_ADMINS, detail=""), 403
    q = rounds.questionnaire_of(round_)
    results = round_scores(round_)
    if kind == "scores":
        sheets = {"scores": exports.score_table(results)}
    elif kind == "responses-long":
        sheets = {"responses": exports.responses_long(round_, results), "codebook": exports.codebook(q)}
    else:
        sheets = {"responses": exports.responses_wide(round_, results), "codebook": exports.codebook(q)}
    audit.record("export", f"round {round_.id}", f"{kind}.{fmt}")
    filename = f"round{round_.id}-{kind}.{fmt}"
    if fmt == "csv":
        body, mimetype = exports.to_csv(next(iter(sheets.values()))), "text/csv"
    else:
        body = exports.to_xlsx(sheets)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


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


@bp.get("/audit")
def audit_log():
    access.admin_only()
    try:
        since = dt.date.fromisoformat(request.args["since"]) if request.args.get("since") else None
        until = dt.date.fromisoformat(request.args["until"]) if request.args.get("until") else None
    except ValueError:
        abort(400)
    action = request.args.get("action", "")
    if action and action not in audit.ACTIONS:
        abort(400)
    events = audit.events(action=action, actor=clean(request.args.get("actor", "")).strip(), since=since, until=until)
    return render_template("console/audit.html", events=events, actions=audit.ACTIONS, args=request.args)


@bp.app_context_processor
def console_context():
    return {"RoundStatus": RoundStatus, "InvitationStatus": InvitationStatus, "current_user": current_user}
