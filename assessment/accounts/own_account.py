"""The signed-in person's own account: their second factor (set up, new recovery codes, security keys added and
removed, turned off where it is not required). An administrator resets another account's second factor from that
account's page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import access
from ..console import bp, confirm_page, confirmed
from ..services import ServiceError
from . import security_keys, two_factor
from .signin import CodeForm, ask_for_second_factor, kept_challenge, key_options


@bp.before_request
@login_required
def require_login():
    """Every console page needs a signed-in user, and one whose account must have a second factor has one before
    anything but its own account page. A viewer reads results at `/view` (`viewing`), a state coordinator its
    states at `/state` (`states`): of the console each has only its own account page, and everything else answers
    404."""
    endpoint = request.endpoint or ""
    if current_user.reads_only and not endpoint.startswith("console.account"):
        if endpoint == "console.index":
            return redirect(url_for("state.index" if current_user.is_state_coordinator else "viewer.rounds"))
        abort(404)
    if not endpoint.startswith("console.account"):
        return ask_for_second_factor()
    return None


def _page(secret=None, codes=None, form=None, status=200):
    return render_template("console/account.html", user=current_user, enabled=two_factor.enabled(current_user),
                           required=two_factor.required(current_user), secret=secret,
                           qr=two_factor.qr_svg(two_factor.uri(current_user, secret)) if secret else None,
                           codes=codes, form=form or CodeForm(),
                           left=two_factor.recovery_codes_left(current_user),
                           keys=security_keys.keys_of(current_user)), status


@bp.get("/account")
def account():
    return _page()


@bp.post("/account/two-factor")
def account_two_factor():
    """Set up (or again), confirm with a code, new recovery codes, or off (where not required)."""
    action = request.form.get("action", "")
    form = CodeForm()
    try:
        if action == "begin":
            return _page(secret=two_factor.begin(current_user))
        if action == "confirm" and form.validate_on_submit():
            codes = two_factor.confirm(current_user, form.code.data)
            flash("The second factor is on: from now on, signing in asks for a code from the app.", "success")
            return _page(codes=codes)
        if action == "codes":
            return _page(codes=two_factor.new_recovery_codes(current_user))
        if action == "off" and not two_factor.required(current_user):
            two_factor.reset(current_user, "turned off by its owner")
            flash("The second factor is off. Sign in again.", "success")
            return redirect(url_for("auth.login"))
    except ServiceError as exc:
        form.code.errors.append(str(exc)[:1].upper() + str(exc)[1:] + ".")
        return _page(secret=two_factor.pending_secret(current_user), form=form, status=400)
    return redirect(url_for("console.account"))


@bp.post("/account/security-keys/options")
def account_key_options():
    """The options for the browser to make a new security key (JSON); the challenge waits in the session."""
    return key_options(security_keys.registration_options, current_user, "key_to_add")


@bp.post("/account/security-keys")
def account_add_key():
    back = url_for("console.account") + "#security-keys"
    try:
        key = security_keys.register(current_user, request.form.get("response", ""),
                                     kept_challenge("key_to_add"), request.form.get("name", ""))
    except ServiceError as exc:
        flash(f"The security key was not added: {exc}.", "error")
        return redirect(back)
    flash(f"Security key “{key.name}” added: signing in now takes it or a code.", "success")
    return redirect(back)


@bp.post("/account/security-keys/<int:key_id>/remove")
def account_remove_key(key_id: int):
    back = url_for("console.account") + "#security-keys"
    try:
        key = security_keys.remove(current_user, key_id)
    except ServiceError as exc:
        flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "error")
        return redirect(back)
    flash(f"Security key “{key.name}” removed.", "success")
    return redirect(back)


@bp.post("/users/<int:user_id>/two-factor/reset")
def reset_two_factor(user_id: int):
    """An administrator's reset of another account's second factor (a lost device): audited, its sessions ended."""
    access.admin_only()
    user = access.user_or_404(user_id)
    back = url_for("console.user_page", user_id=user_id)
    if not confirmed():
        return confirm_page(f"Reset {user.email}'s second factor?",
                            ["Their authenticator app and recovery codes stop working now, and their sessions end.",
                             "Their next sign-in asks only for the password, then to set up the app again where "
                             "the account must have one. Do this only once you know it is them asking."],
                            "Reset the second factor", back)
    two_factor.reset(user, f"reset by an administrator ({current_user.email})")
    flash(f"{user.email}'s second factor is reset.", "success")
    return redirect(back)
