"""Share links (`/console/rounds/<id>/sharing`): a facilitator gives a reader without an account the round's
published results and report, for a number of days, and can withdraw the link at any time. What a link opens is in
`viewing`; the links are kept and audited by `sharing.sharing`."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import access
from ..console import bp, carry_out
from ..services import ServiceError
from . import sharing
from .forms import ShareLinkForm


def _page(round_, form: ShareLinkForm, new_url: str = "", status: int = 200):
    return render_template("console/sharing.html", round=round_, form=form, links=sharing.links(round_),
                           new_url=new_url, is_live=sharing.is_live, max_days=sharing.MAX_DAYS), status


@bp.get("/rounds/<int:round_id>/sharing")
def sharing_page(round_id: int):
    return _page(access.round_or_404(round_id), ShareLinkForm())


@bp.post("/rounds/<int:round_id>/sharing")
def create_share_link(round_id: int):
    """Make a link and show it once (only its hash is kept)."""
    round_ = access.round_or_404(round_id)
    form = ShareLinkForm()
    if not form.validate_on_submit():
        return _page(round_, form, status=400)
    try:
        _link, token = sharing.create(round_, form.label.data, form.days.data, by=current_user.email)
    except ServiceError as exc:
        form.label.errors.append(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
        return _page(round_, form, status=400)
    return _page(round_, ShareLinkForm(formdata=None),
                 new_url=current_app.config["PUBLIC_URL"].rstrip("/") + url_for("viewer.shared_results", token=token),
                 status=201)


@bp.post("/rounds/<int:round_id>/sharing/<int:link_id>/withdraw")
def withdraw_share_link(round_id: int, link_id: int):
    round_ = access.round_or_404(round_id)
    back = url_for("console.sharing_page", round_id=round_id)
    try:
        link = sharing.of_round(round_, link_id)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(back)
    return carry_out(lambda: sharing.revoke(link), f"The link for {link.label} is withdrawn: it opens nothing now.",
                     back)
