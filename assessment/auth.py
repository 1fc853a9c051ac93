"""Signing in and out of the console. Sign-in is rate limited per address and says so."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from . import ratelimits  # noqa: F401 - registers the database's limit storage with `limits`
from .services import accounts, audit
from .text import CleanForm

LOGIN_LIMIT = "10 per minute;50 per hour"
bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to use the console."
#: Counts in memory per process unless RATELIMIT_STORAGE_URI names a shared store (redis://...; see the README).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS (or the config says so)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


@login_manager.user_loader
def load_user(session_token: str):
    return accounts.user_of_session(session_token)


class LoginForm(CleanForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=accounts.MAX_PASSWORD)])


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("console.index")


REFUSED = ("That email and password do not match an account that can sign in. A disabled account cannot: an "
           "administrator can enable it.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("console.index"))
    form = LoginForm()
    if form.validate_on_submit():
        # One answer for every refusal: a disabled account's right password must not say it is right.
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.AccountDisabled:
            return _refused(form, REFUSED, "account disabled")
        if user is None:
            return _refused(form, REFUSED)
        session.clear()  # a fresh session: nothing from before sign-in, its CSRF token included, carries over
        login_user(user)
        audit.record("sign_in", user.email, actor=user.email)
        flash("Signed in.", "success")
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, limit=LOGIN_LIMIT), 400 if form.errors else 200


def _refused(form: LoginForm, message: str, detail: str = ""):
    audit.record("sign_in_failed", form.email.data.strip().lower()[:200], detail, actor=None)
    flash(message, "error")
    return render_template("auth/login.html", form=form, limit=LOGIN_LIMIT), 401


@bp.post("/logout")
@login_required
def logout():
    """Ends every session of the account, so that a copy of this session's cookie opens nothing afterwards."""
    current_user.end_sessions()
    audit.record("sign_out", current_user.email)
    logout_user()
    session.clear()
    flash("Signed out.", "success")
    return redirect(url_for("auth.login"))


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    limiter.init_app(app)
    app.register_blueprint(bp)
