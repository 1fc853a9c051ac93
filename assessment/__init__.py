"""The assessment package: one package per feature (`accounts`, `places`, `rounds`, `people`, `results`,
`interchange`, `sharing`, `states`, `survey`), each with its services, views, forms and commands; what they share
below them (`models`, `db`, `services`, `console`, `mail`, `scoring`).

Kept free of imports at module level so that pure modules (vocabulary, scoring) can be imported without Flask.
"""


def init_app(app) -> None:
    from flask_wtf.csrf import CSRFProtect

    from . import api, catalog, commands, console, errors, headers, home, languages, local_time, survey, viewing

    # Every feature's console pages join the console's blueprint (imported here, before it is registered)
    from .accounts import own_account, signin, views  # noqa: F401
    from .console import audit  # noqa: F401
    from .db import IdConverter, commit_per_request, configure_engine, db, migrate
    from .interchange import views  # noqa: F401,F811
    from .people import contact_file_views, invitation_views, mailings, message_views, views  # noqa: F401,F811
    from .places import views  # noqa: F401,F811
    from .results import open_answer_views, views  # noqa: F401,F811
    from .rounds import (  # noqa: F401,F811
        schedule,  # noqa: F401 - registers the clock's job
        settings_views,
        views,
    )
    from .services import jobs
    from .sharing import views  # noqa: F401,F811
    from .states import views as states

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
    signin.init_app(app)
    app.register_blueprint(home.bp)
    app.register_blueprint(survey.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(viewing.bp)
    app.register_blueprint(states.bp)
    commands.init_app(app)
