"""The assessment package: models, forms, survey views, services and commands.

Kept free of imports at module level so that pure modules (vocabulary, scoring) can be imported without Flask.
"""


def init_app(app) -> None:
    from flask_wtf.csrf import CSRFProtect

    from . import (
        api,
        auth,
        catalog,
        commands,
        console,
        errors,
        headers,
        home,
        languages,
        local_time,
        survey,
        viewing,
    )
    from .db import IdConverter, commit_per_request, configure_engine, db, migrate
    from .services import jobs, mailings, schedule  # noqa: F401 - schedule registers the clock's job

    app.add_template_filter(local_time.describe, "local_time")
    app.add_template_filter(local_time.describe_close, "closing_time")
    app.add_template_filter(local_time.local_day, "local_day")

    app.url_map.converters["int"] = IdConverter
    db.init_app(app)
    migrate.init_app(app, db)
    configure_engine(app)
    commit_per_request(app)
    jobs.init_app(app)
    mailings.init_app(app)
    # A mail program's one-click opt-out (RFC 8058) posts without a session; the link itself is the secret.
    csrf = CSRFProtect(app)
    csrf.exempt("assessment.survey.views.opt_out")
    csrf.exempt("assessment.survey.views.stop_messages")
    catalog.init_app(app)
    languages.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    auth.init_app(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(survey.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(viewing.bp)
    commands.init_app(app)
