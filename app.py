"""Continuum: the one application factory. `flask --app app run`, `flask --app app <command>` and
`gunicorn 'app:create_app()'` all resolve to `create_app`."""
from __future__ import annotations

import os

from flask import Flask

import assessment
import questionnaires

#: The development secret. Fine for `make run` on one's own machine; production must set FLASK_SECRET_KEY.
DEVELOPMENT_SECRET_KEY = "continuum-development-key-not-for-production"


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
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.from_prefixed_env()
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    assessment.init_app(app)
    return app
