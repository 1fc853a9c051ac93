"""The facilitator console (`/console`): its blueprint and what its pages share (a step carried out and said, the
confirmation before a step that cannot be undone). Each feature's package adds its own pages to it (`views`
modules, imported by `assessment.init_app` before the blueprint is registered); the audit log is here.

Every view needs a signed-in user (`accounts.own_account` guards the blueprint), and every id goes through
`access`, which answers 404 outside the user's jurisdictions.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user

from ..models import utcnow
from ..services import ServiceError
from ..vocabulary import InvitationStatus, RoundStatus

bp = Blueprint("console", __name__, url_prefix="/console")


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
            "now_utc": utcnow}

