"""The facilitator console (`/console`): thin views over the services, one module per job (setting up
jurisdictions, running a round, its people, its messages, invitations, results, imports, the audit log,
accounts).

Every view needs a signed-in user, and every id goes through `access`, which answers 404 outside the user's
jurisdictions.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..auth import second_factor_missing
from ..models import utcnow
from ..services import ServiceError, jobs, mailings, two_factor
from ..vocabulary import InvitationStatus, RoundStatus

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.before_request
@login_required
def require_login():
    """Every console page needs a signed-in user, and one whose account must have a second factor has one before
    anything but its own account page. A viewer reads results at `/view` (`viewing`): of the console it has only
    its own account page, and everything else answers 404."""
    endpoint = request.endpoint or ""
    if current_user.is_viewer and not endpoint.startswith("console.account"):
        if endpoint == "console.index":
            return redirect(url_for("viewer.rounds"))
        abort(404)
    if second_factor_missing(current_user) and not endpoint.startswith("console.account"):
        flash(two_factor.NEEDED, "error")
        return redirect(url_for("console.account"))


def carry_out(action, done, back: str):
    """Run a service action; flash what happened (`done` is a message, or makes one from the action's result)
    or why it could not be done, and go back."""
    try:
        result = action()
    except ServiceError as exc:
        flash(str(exc), "error")
    else:
        flash(done(result) if callable(done) else done, "success")
    return redirect(back)


def confirmed() -> bool:
    """Whether the facilitator confirmed the step on its confirmation page (`confirm_page`)."""
    return (request.form.get("confirmed") or request.args.get("confirmed") or "").startswith("yes")


def confirm_page(title: str, facts: list[str], go: str, back: str, warnings: tuple[str, ...] = (),
                 alternative: tuple[str, str] | None = None, method: str = "post"):
    """The page between a click and a step that cannot be undone: what will happen, in numbers, and two buttons
    (the step, or back). It posts the same form again with `confirmed=yes`; `alternative` is another way to go on
    (its label, and the value `confirmed` takes then, starting "yes-", such as "yes-leave-out-recent")."""
    source = request.form if method == "post" else request.args
    carried = [(k, v) for k, v in source.items(multi=True) if k not in ("csrf_token", "confirmed")]
    return render_template("console/confirm.html", title=title, facts=facts, go=go, back=back, warnings=warnings,
                           alternative=alternative, carried=carried, action=request.path, method=method)


@bp.app_context_processor
def console_context():
    return {"RoundStatus": RoundStatus, "InvitationStatus": InvitationStatus, "current_user": current_user,
            "now_utc": utcnow, "schedule_problem": mailings.schedule_problem, "jobs_waiting": jobs.waiting_too_long}


from . import (  # noqa: E402,F401 - the routes
    account,
    accounts,
    audit,
    contact_files,
    imports,
    invitations,
    jurisdictions,
    messages,
    open_answers,
    people,
    results,
    round_settings,
    rounds,
    sharing,
)
