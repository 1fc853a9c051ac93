"""Reading a round's published results and its report, and nothing else: for viewer accounts (`/view`, the
rounds of the jurisdictions granted) and for share links (`/shared/<token>`, one round, until the link expires or
is withdrawn). No page here shows people, messages, answers or settings, and nothing here changes a round. Every
view is audited (`sharing.viewed`).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from . import access
from .accounts.signin import ask_for_second_factor
from .db import db
from .errors import NothingHere
from .models import Round
from .ratelimits import limiter, per_account, report_limit
from .results import published
from .results import report as report_service
from .services import ServiceError
from .sharing import sharing
from .tokens import hash_token
from .vocabulary import RoundStatus

bp = Blueprint("viewer", __name__)
#: A share link's token is too long to guess; the limit only keeps a guesser from costing the database much.
SHARED_LIMIT = "60 per minute"
NOT_A_LINK = ("This link does not open anything: it may have expired, or the facilitator may have withdrawn it. "
              "Ask them for a new one.")


@bp.before_request
def second_factor_first():
    """A viewer whose account must have a second factor sets it up before reading, as in the console."""
    if request.endpoint and request.endpoint.startswith("viewer.round") and current_user.is_authenticated:
        return ask_for_second_factor()


@bp.get("/view/")
@login_required
def rounds():
    """The rounds the account may read, newest first (drafts have nothing to read)."""
    places = [j.id for j in access.visible_jurisdictions()]
    shown = db.session.scalars(select(Round).options(joinedload(Round.jurisdiction))
                               .where(Round.jurisdiction_id.in_(places), Round.status != RoundStatus.DRAFT)
                               .order_by(Round.id.desc()))
    return render_template("viewer/index.html", rounds=list(shown))


@bp.get("/view/rounds/<int:round_id>")
@login_required
def round_results(round_id: int):
    round_ = _readable(access.round_or_404(round_id))
    return _results(round_, url_for("viewer.round_report", round_id=round_id),
                    back=url_for("viewer.rounds"))


@bp.get("/view/rounds/<int:round_id>/report.pdf")
@login_required
@limiter.limit(report_limit, key_func=per_account)
def round_report(round_id: int):
    round_ = _readable(access.round_or_404(round_id))
    return _report(round_, back=url_for("viewer.round_results", round_id=round_id))


@bp.get("/shared/<token>")
@limiter.limit(SHARED_LIMIT)
def shared_results(token: str):
    link = _link_or_404(token)
    return _results(link.round, url_for("viewer.shared_report", token=token), link=link)


@bp.get("/shared/<token>/report.pdf")
@limiter.limit(SHARED_LIMIT)
@limiter.limit(report_limit,
               key_func=lambda: f"shared-{hash_token(request.view_args['token'])}")  # the token is never stored
def shared_report(token: str):
    link = _link_or_404(token)
    return _report(link.round, back=url_for("viewer.shared_results", token=token), link=link)


def _readable(round_):
    """A round whose results a reader may look for: drafts are not."""
    if round_.status == RoundStatus.DRAFT:
        abort(404)
    return round_


def _link_or_404(token: str):
    link = sharing.open_link(token)
    if link is None:
        raise NothingHere(NOT_A_LINK)
    return link


def _results(round_, report_url: str, back: str = "", link=None):
    try:
        page = published.results_page(round_, request.args.get("sector", ""), request.args.get("role", ""))
    except published.UnknownGroup:
        abort(400)
    if request.method != "HEAD":  # a link preview's peek is not a reading
        sharing.viewed(round_, "results", link)
    return render_template("viewer/results.html", facilitator=False, report_url=report_url, back=back, link=link,
                           **page)


def _report(round_, back: str, link=None):
    """The round's report as a PDF; while it is being prepared, a page that looks again every few seconds."""
    try:
        pdf, job = report_service.download(round_)
    except ServiceError as exc:
        return render_template("viewer/report_wait.html", round=round_, back=back, refused=str(exc), job=None), 409
    if pdf is None:
        return render_template("viewer/report_wait.html", round=round_, back=back, refused="", job=job), 202
    sharing.viewed(round_, "report", link)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=readiness-report-round{round_.id}.pdf"})
