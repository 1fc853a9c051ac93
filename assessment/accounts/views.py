"""The console's accounts pages (`/console/users`), for administrators only: the account changes that
`flask user` makes, from the browser, audited with the administrator's name. Anyone else gets 404."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from .. import access
from ..console import bp, carry_out
from ..services import ServiceError
from . import accounts
from .forms import AccountForm, GrantForm, PasswordForm


@bp.get("/users")
def users():
    access.admin_only()
    return _users_page(AccountForm())


def _users_page(form: AccountForm, status: int = 200):
    return render_template("console/users.html", users=accounts.list_users(), form=form), status


@bp.post("/users")
def create_user():
    access.admin_only()
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.password.data, form.role.data)
        except accounts.PasswordRefused as exc:
            form.password.errors.append(str(exc))
        except ServiceError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"Created {user.email}.", "success")
            return redirect(url_for("console.user_page", user_id=user.id))
    return _users_page(form, 400)


def _grant_form(user) -> GrantForm:
    form = GrantForm()
    held = {g.jurisdiction_id for g in user.grants}
    form.jurisdiction.choices = [(j.id, j.name) for j in access.visible_jurisdictions() if j.id not in held]
    return form


def _user_page(user, grant_form=None, password_form=None, status: int = 200):
    return render_template("console/user.html", user=user, grant_form=grant_form or _grant_form(user),
                           password_form=password_form or PasswordForm(),
                           grants=sorted(user.grants, key=lambda g: g.jurisdiction.name)), status


@bp.get("/users/<int:user_id>")
def user_page(user_id: int):
    return _user_page(access.user_or_404(user_id))


@bp.post("/users/<int:user_id>/grants")
def grant(user_id: int):
    user = access.user_or_404(user_id)
    form = _grant_form(user)
    if not form.validate_on_submit():
        return _user_page(user, grant_form=form, status=400)
    place = access.jurisdiction_or_404(form.jurisdiction.data)
    return carry_out(lambda: accounts.grant(user, place), f"{user.email} can now see {place.name}.",
                     url_for("console.user_page", user_id=user.id))


@bp.post("/users/<int:user_id>/grants/<int:jurisdiction_id>/revoke")
def revoke_grant(user_id: int, jurisdiction_id: int):
    user = access.user_or_404(user_id)
    place = access.jurisdiction_or_404(jurisdiction_id)
    accounts.revoke(user, place)
    flash(f"{user.email} can no longer see {place.name}.", "success")
    return redirect(url_for("console.user_page", user_id=user.id))


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    user = access.user_or_404(user_id)
    back = url_for("console.user_page", user_id=user.id)
    if user.id == current_user.id:
        flash("You cannot disable your own account: ask another administrator.", "error")
        return redirect(back)
    return carry_out(lambda: accounts.disable(user),
                      f"{user.email} is disabled: signed out everywhere, and cannot sign in until enabled.", back)


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    user = access.user_or_404(user_id)
    return carry_out(lambda: accounts.enable(user), f"{user.email} is enabled and can sign in again.",
                      url_for("console.user_page", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
def set_password(user_id: int):
    user = access.user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(user, form.password.data)
        except ServiceError as exc:
            form.password.errors.append(str(exc))
        else:
            if user.id == current_user.id:
                login_user(user)  # the administrator's other sessions end; this one goes on
            flash(f"New password set for {user.email}; its sessions have ended.", "success")
            return redirect(url_for("console.user_page", user_id=user.id))
    return _user_page(user, password_form=form, status=400)
