"""Continuum: the one application factory. `flask --app app run`, `flask --app app <command>` and
`gunicorn 'app:create_app()'` all resolve to `create_app`."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from zxcvbn import zxcvbn

import assessment
import questionnaires
from assessment.db import database_url

#: The development secret. Fine for `make run` on one's own machine; production must set FLASK_SECRET_KEY.
DEVELOPMENT_SECRET_KEY = "continuum-development-key-not-for-production"
#: Anyone with one session cookie can test guesses of the secret key offline, so production's must be long and
#: hard to guess: at least 32 characters and 10^30 guesses (about 100 bits) by zxcvbn's estimate, which sees
#: through repeats, sequences and words. `secrets.token_hex(32)` has 256 bits.
MIN_SECRET_LENGTH = 32
MIN_SECRET_GUESSES_LOG10 = 30
MAKE_A_SECRET = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class ConfigurationError(RuntimeError):
    """A setting that makes the app unsafe to serve. gunicorn stops on it ("Worker failed to boot") rather than
    restarting workers forever."""


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=DEVELOPMENT_SECRET_KEY,
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "continuum.sqlite"),
        QUESTIONNAIRE_DIR=str(questionnaires.DIRECTORY),
        PUBLIC_URL="http://127.0.0.1:5000",
        MAX_CONTENT_LENGTH=256 * 1024,
        MAX_FORM_MEMORY_SIZE=256 * 1024,
        # A respondent may leave a page open for hours; the token lives as long as the session does.
        WTF_CSRF_TIME_LIMIT=None,
        # Survey pages send no Referer (the token is in their URL), so over HTTPS the CSRF check rests on the
        # token and the SameSite session cookie, not on Flask-WTF's same-origin Referer check.
        WTF_CSRF_SSL_STRICT=False,
        PASSWORD_HASH_METHOD="scrypt",
        # Counted in the app's own database, so shared by every worker and server (`assessment.ratelimits`);
        # FLASK_RATELIMIT_STORAGE_URI may point at another store Flask-Limiter knows (redis://...).
        RATELIMIT_STORAGE_URI="continuum+db://",
        # Reports per user: each PDF takes seconds of CPU.
        REPORT_LIMIT="5 per minute;30 per hour",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # "production" unless told otherwise: `make run` says "development"; tests set TESTING.
        ENVIRONMENT="production",
        # How many reverse proxies stand in front of the app, each adding X-Forwarded-For, -Proto and -Host. With
        # 0 those headers are ignored: a client could otherwise claim any address and slip past the rate limits.
        PROXY_COUNT=0,
        # The time zone a new jurisdiction starts with (each one's is set on its console page).
        DEFAULT_TIME_ZONE="America/New_York",
    )
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ["DATABASE_URL"])
    app.config.from_prefixed_env()
    if test_config:
        app.config.update(test_config)
    if app.config["ENVIRONMENT"] == "production" and not app.testing:
        refuse_unsafe_settings(app)
        if app.config["TRUSTED_HOSTS"] is None:
            # Answer only to the public address, so that a forged Host header never ends up in a redirect.
            app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["PUBLIC_URL"]).hostname]
    if proxies := int(app.config["PROXY_COUNT"]):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    os.makedirs(app.instance_path, exist_ok=True)
    assessment.init_app(app)
    return app


def refuse_unsafe_settings(app: Flask) -> None:
    secret = app.config.get("SECRET_KEY")
    if secret in (None, "", DEVELOPMENT_SECRET_KEY):
        raise ConfigurationError(
            "Continuum refuses to start in production with the development SECRET_KEY. Set FLASK_SECRET_KEY to "
            f"a long random value ({MAKE_A_SECRET}), or set FLASK_ENVIRONMENT=development on your own machine.")
    if len(secret) < MIN_SECRET_LENGTH or zxcvbn(secret[:72])["guesses_log10"] < MIN_SECRET_GUESSES_LOG10:
        raise ConfigurationError(
            "Continuum refuses to start in production: its SECRET_KEY is too weak (anyone holding a session cookie "
            f"can test guesses of it). Use at least {MIN_SECRET_LENGTH} random characters: {MAKE_A_SECRET}")
