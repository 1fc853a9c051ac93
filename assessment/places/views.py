"""Jurisdictions and their agencies, and new rounds: the console's setting-up pages."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for

from .. import access, catalog, local_time
from ..console import bp, carry_out, confirm_page, confirmed
from ..db import db
from ..results import releases
from ..rounds import rounds
from ..rounds.forms import RoundForm
from ..services import ServiceError
from ..vocabulary import PaperSize, Sector
from . import jurisdictions
from .forms import AgencyForm, JurisdictionForm


@bp.get("/")
def index():
    return _index(JurisdictionForm())


def _index(form: JurisdictionForm, status: int = 200):
    places = access.visible_jurisdictions()
    return render_template("console/index.html", jurisdictions=places, counts=jurisdictions.counts_of(places),
                           form=form), status


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
    return _index(form, 400)


def _round_form(jurisdiction) -> RoundForm:
    """The new round's form; it starts from the latest round by default, and with its minimum group size."""
    earlier = list(reversed(jurisdiction.rounds))
    form = RoundForm() if request.method == "POST" else RoundForm(
        copy_from=earlier[0].id if earlier else 0, min_group_size=earlier[0].min_group_size if earlier else 3)
    installed = sorted(catalog.all_questionnaires().values(), key=lambda q: (q.id, -q.version))
    form.questionnaire.choices = [(f"{q.id}:{q.version}", f"{q.title} (version {q.version})") for q in installed]
    form.copy_from.choices = [(0, "Nothing: a blank round")] + [(r.id, r.title) for r in earlier]
    return form


def _jurisdiction_page(jurisdiction, agency_form=None, round_form=None, status=200):
    in_use = jurisdictions.agencies_in_use(jurisdiction)
    used = {a.id: a.id in in_use for a in jurisdiction.agencies}
    return render_template("console/jurisdiction.html", jurisdiction=jurisdiction, used=used,
                           agency_form=agency_form or AgencyForm(),
                           round_form=round_form or _round_form(jurisdiction), zones=local_time.zones(),
                           sector_labels={s.value: s.label for s in Sector}, paper_sizes=list(PaperSize)), status


@bp.get("/jurisdictions/<int:jurisdiction_id>")
def jurisdiction(jurisdiction_id: int):
    return _jurisdiction_page(access.jurisdiction_or_404(jurisdiction_id))


@bp.post("/jurisdictions/<int:jurisdiction_id>/paper")
def set_paper(jurisdiction_id: int):
    """The paper the jurisdiction's reports print on."""
    jurisdiction = access.jurisdiction_or_404(jurisdiction_id)
    return carry_out(lambda: jurisdictions.set_paper_size(jurisdiction, request.form.get("paper_size", "")),
                     lambda _: f"Reports of {jurisdiction.name} print on {jurisdiction.paper_size.label} from now on.",
                     url_for("console.jurisdiction", jurisdiction_id=jurisdiction.id))


@bp.post("/jurisdictions/<int:jurisdiction_id>/time-zone")
def set_time_zone(jurisdiction_id: int):
    """The clock the jurisdiction's rounds are set and shown on."""
    jurisdiction = access.jurisdiction_or_404(jurisdiction_id)
    return carry_out(lambda: jurisdictions.set_time_zone(jurisdiction, request.form.get("time_zone", "")),
                     lambda _: f"{jurisdiction.name}'s rounds are set and shown on {jurisdiction.time_zone} time "
                               "from now on; times already set are the same moments, read on the new clock.",
                     url_for("console.jurisdiction", jurisdiction_id=jurisdiction.id))


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
    return render_template("console/agency_edit.html", agency=agency, form=form,
                           kept_by=releases.frozen_sectors(agency)), status


@bp.post("/agencies/<int:agency_id>/delete")
def delete_agency(agency_id: int):
    agency = access.agency_or_404(agency_id)
    back = url_for("console.jurisdiction", jurisdiction_id=agency.jurisdiction_id)
    if not confirmed() and not jurisdictions.agency_in_use(agency):
        return confirm_page(f"Remove {agency.name}?",
                            [f"{agency.name} leaves {agency.jurisdiction.name}: no round has used it yet, and it "
                             "leaves the list of agencies respondents rate in every round from now on. Adding it "
                             "again later is possible."], f"Remove {agency.name}", back)
    return carry_out(lambda: jurisdictions.remove_agency(agency), f"Removed {agency.name}.", back)


@bp.post("/jurisdictions/<int:jurisdiction_id>/rounds")
def create_round(jurisdiction_id: int):
    jurisdiction = access.jurisdiction_or_404(jurisdiction_id)
    form = _round_form(jurisdiction)
    if form.validate_on_submit():
        def as_utc(day):
            return local_time.to_utc(dt.datetime.combine(day, dt.time()), jurisdiction.time_zone) if day else None

        questionnaire_id, version = form.questionnaire.data.rsplit(":", 1)
        earlier = {r.id: r for r in jurisdiction.rounds}.get(form.copy_from.data)
        try:
            round_ = rounds.create_round(jurisdiction, form.title.data, questionnaire_id, int(version),
                                        min_group_size=form.min_group_size.data,
                                        opens_at=as_utc(form.opens_at.data), closes_at=as_utc(form.closes_at.data))
            copied = rounds.carry_forward(round_, earlier) if earlier else []
        except (ServiceError, ValueError) as exc:
            db.session.rollback()
            form.title.errors.append(str(exc))
        else:
            said = (f" From {earlier.title} it took: " + "; ".join(copied) + ". Its contacts were not kept: add "
                    "them on the People tab (the file's columns are read as last time).") if earlier else ""
            flash(f"Created the round {round_.title} as a draft.{said} Invite people, then open it.", "success")
            return redirect(url_for("console.round_page", round_id=round_.id))
    return _jurisdiction_page(jurisdiction, round_form=form, status=400)
