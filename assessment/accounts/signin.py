"""Signing in and out of the console. Sign-in is rate limited per address and says so."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..ratelimits import limiter
from ..services import ServiceError, audit
from ..text import CleanForm, clean
from ..tokens import from_text, to_text
from . import accounts, security_keys, sso, two_factor

LOGIN_LIMIT = "10 per minute;50 per hour"
bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to use the console."
#: Refused sign-ins (password or code) per account, whatever address they come from: a guesser spread over many
#: addresses is slowed too; the account is never locked for longer than this window.
ACCOUNT_LIMIT = "10 per 15 minutes"
#: How long a correct password waits for its second factor.
PENDING_SECONDS = 300


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


class CodeForm(CleanForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=40)],
                       description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


def _account_key() -> str:
    """The account a sign-in is for (the address typed, or the one waiting for its code), for ACCOUNT_LIMIT."""
    typed = request.form.get("email", "") or session.get("pending_email", "")
    return "account:" + clean(typed).strip().lower()[:254]


def _refused_only(response) -> bool:
    return response.status_code == 401


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("console.index")


REFUSED = ("That email and password do not match an account that can sign in. A disabled account cannot: an "
           "administrator can enable it.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, key_func=_account_key, methods=["POST"], deduct_when=_refused_only)
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
        if two_factor.enabled(user):
            return _code_next(user, _safe_next(request.args.get("next")))
        return _signed_in(user, _safe_next(request.args.get("next")))
    return _login_page(form, 400 if form.errors else 200)


def _login_page(form: LoginForm, status: int = 200):
    return render_template("auth/login.html", form=form, limit=LOGIN_LIMIT, sso=sso.configured()), status


def _code_next(user, target: str, how: str = ""):
    """The first factor is done (a password, or the identity provider): the code step next."""
    session.update(pending=user.session_token, pending_email=user.email, pending_at=time.time(),
                   pending_next=target, pending_how=how)
    return redirect(url_for("auth.second_factor"))


def _signed_in(user, target: str, how: str = "", provider_mfa: bool = False):
    login_user(user)
    if provider_mfa:
        session["provider_mfa"] = True
    audit.record("sign_in", user.email, how, actor=user.email)
    flash("Signed in.", "success")
    if second_factor_missing(user):
        flash(two_factor.NEEDED, "error")
        return redirect(url_for("console.account"))
    return redirect(target)


def second_factor_missing(user) -> bool:
    """Whether this account must set up its second factor before using the console: it needs one (by the
    TWO_FACTOR_REQUIRED setting), has none, and did not sign in through an identity provider that used one."""
    return two_factor.required(user) and not two_factor.enabled(user) and not session.get("provider_mfa")


def ask_for_second_factor():
    """The account page, with why, for a signed-in account that must set up its second factor first; else None."""
    if second_factor_missing(current_user):
        flash(two_factor.NEEDED, "error")
        return redirect(url_for("console.account"))
    return None


@bp.get("/login/sso")
@limiter.limit(LOGIN_LIMIT)
def sso_start():
    """Off to the agency's identity provider (when single sign-on is set up; 404 otherwise)."""
    if not sso.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("console.index"))
    session["sso_next"] = _safe_next(request.args.get("next"))
    try:
        return sso.start()
    except sso.Refused as exc:
        return _sso_refused(str(exc))


@bp.get("/login/sso/callback")
@limiter.limit(LOGIN_LIMIT)
def sso_callback():
    """Back from the identity provider: its answer checked, and the account of its verified address signed in
    (through the code step too when the account has a second factor the provider did not stand in for)."""
    if not sso.configured():
        abort(404)
    target = session.pop("sso_next", None) or url_for("console.index")
    try:
        user, provider_mfa = sso.finish()
    except sso.Refused as exc:
        return _sso_refused(str(exc))
    session.clear()
    if two_factor.enabled(user) and not provider_mfa:
        return _code_next(user, target, "through single sign-on")
    return _signed_in(user, target, "through single sign-on" + (", with the provider's second factor"
                                                                 if provider_mfa else ""), provider_mfa)


def _sso_refused(reason: str):
    audit.record("sso_refused", "", reason[:500], actor=None)
    flash(f"Single sign-on did not sign you in: {reason}.", "error")
    return _login_page(LoginForm(formdata=None), 401)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, key_func=_account_key, methods=["POST"], deduct_when=_refused_only)
def second_factor():
    """The second step of signing in, for an account with a second factor: a code from the app, or a recovery
    code, within PENDING_SECONDS of the right password."""
    user = _pending_user()
    if user is None:
        session.clear()
        flash("Sign in again: the password step has expired.", "error")
        return redirect(url_for("auth.login"))
    keys = bool(security_keys.keys_of(user))
    form = CodeForm()
    if form.validate_on_submit():
        how = two_factor.check(user, form.code.data)
        if how is None:
            audit.record("sign_in_failed", user.email, "wrong second-factor code", actor=None)
            flash("That code does not match. Type the 6 digits the app shows now, or a recovery code.", "error")
            return render_template("auth/code.html", form=form, keys=keys), 401
        target = session.get("pending_next") or url_for("console.index")
        first = session.get("pending_how", "")
        session.clear()
        if how == "recovery code":
            flash(f"You signed in with a recovery code: {two_factor.recovery_codes_left(user)} are left. If the "
                  "device is lost, set up the app again on your account page.", "success")
        return _signed_in(user, target, ", ".join(filter(None, [first, f"with a {how}"])))
    return render_template("auth/code.html", form=form, keys=keys), 400 if form.errors else 200


def _pending_user():
    """The account waiting for its second factor, within PENDING_SECONDS of its first; None otherwise."""
    user = accounts.user_of_session(session.get("pending", "")) if session.get("pending") else None
    if user is None or time.time() - session.get("pending_at", 0) > PENDING_SECONDS:
        return None
    return user


@bp.post("/login/key/options")
@limiter.limit(LOGIN_LIMIT)
def security_key_options():
    """The options for the browser to sign in with one of the waiting account's security keys (JSON)."""
    user = _pending_user()
    if user is None:
        return jsonify(error="sign in again: the password step has expired"), 400
    return key_options(security_keys.authentication_options, user, "key_challenge")


def key_options(make, user, slot: str):
    """A security-key ceremony's options for the browser (JSON), made by `make(user)`; its challenge waits in the
    session under `slot` until `kept_challenge` takes it (once)."""
    try:
        options, challenge = make(user)
    except ServiceError as exc:
        return jsonify(error=str(exc)), 400
    session[slot] = to_text(challenge)
    return current_app.response_class(options, mimetype="application/json")


def kept_challenge(slot: str) -> bytes:
    """The challenge `key_options` kept, taken out of the session (empty when there is none)."""
    return from_text(session.pop(slot, ""))


@bp.post("/login/key")
@limiter.limit(LOGIN_LIMIT)
@limiter.limit(ACCOUNT_LIMIT, key_func=_account_key, deduct_when=_refused_only)
def security_key():
    """The second step with a security key instead of a code."""
    user = _pending_user()
    if user is None:
        session.clear()
        flash("Sign in again: the password step has expired.", "error")
        return redirect(url_for("auth.login"))
    key = security_keys.authenticate(user, request.form.get("response", ""), kept_challenge("key_challenge"))
    if key is None:
        audit.record("sign_in_failed", user.email, "security key refused", actor=None)
        flash("The security key's answer did not check out: try again with a key of this account, or type a code.",
              "error")
        return render_template("auth/code.html", form=CodeForm(formdata=None), keys=True), 401
    target = session.get("pending_next") or url_for("console.index")
    first = session.get("pending_how", "")
    session.clear()
    return _signed_in(user, target, ", ".join(filter(None, [first, f"with a security key ({key.name})"])))


def _refused(form: LoginForm, message: str, detail: str = ""):
    audit.record("sign_in_failed", form.email.data.strip().lower()[:200], detail, actor=None)
    flash(message, "error")
    return _login_page(form, 401)


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
    app.config.setdefault("TWO_FACTOR_REQUIRED", "none" if app.testing else "admin")
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    limiter.init_app(app)
    sso.init_app(app)
    app.register_blueprint(bp)
