"""Invitations: personal links (shown once, or downloaded), the open link, taking a link back."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from .. import access
from ..console import bp, carry_out
from ..links import open_link_url, survey_link
from ..results import exports
from ..services import ServiceError
from ..vocabulary import RoleLevel
from . import invitations
from .views import _invite_form, _people_page


@bp.post("/rounds/<int:round_id>/invitations")
def invite(round_id: int):
    round_ = access.round_or_404(round_id)
    form = _invite_form(round_)
    if not form.validate_on_submit():
        return _people_page(round_, invite_form=form, status=400)
    agency = access.agency_or_404(form.agency.data)
    try:
        tokens = invitations.issue_invitations(round_, agency, form.role.data, form.count.data)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.people_page", round_id=round_id))
    links = [survey_link(t) for t in tokens]
    role = RoleLevel(form.role.data)
    if form.output.data == "csv":
        table = (["link", "agency", "role_level"], [[link, agency.slug, role.value] for link in links])
        filename = f"links-round{round_.id}-{agency.slug}-{role.value}.csv"
        return Response(exports.to_csv(table), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={filename}"})
    return render_template("console/links.html", round=round_, agency=agency, role=role, links=links)


@bp.post("/rounds/<int:round_id>/open-link")
def open_link(round_id: int):
    round_ = access.round_or_404(round_id)
    if request.form.get("turn") == "off":
        invitations.disable_open_link(round_)
        flash("The open link is turned off; personal links already given out keep working.", "success")
        return redirect(url_for("console.people_page", round_id=round_id))
    try:
        token = invitations.enable_open_link(round_)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("console.people_page", round_id=round_id))
    return render_template("console/open_link.html", round=round_, link=open_link_url(token))


@bp.post("/invitations/<int:invitation_id>/revoke")
def revoke(invitation_id: int):
    invitation = access.invitation_or_404(invitation_id)
    return carry_out(lambda: invitations.revoke_invitation(invitation),
                      "The link is revoked and no longer opens the survey.",
                      url_for("console.people_page", round_id=invitation.round_id))
