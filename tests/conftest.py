import fcntl
import os
import shutil
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskCliRunner

from app import create_app
from assessment import demo
from assessment.db import db
from assessment.people import invitations
from assessment.places import jurisdictions
from assessment.rounds import rounds
from assessment.services import jobs
from assessment.vocabulary import RoleLevel
from tests.support.reuse import share_compiled_code
from tests.support.web import fresh_context_per_request

share_compiled_code()
#: The suite's SQLite databases are thrown away: no commit waits for the disk (the app, its servers and commands
#: all read it from the environment, as `app.config.from_prefixed_env` does).
os.environ.setdefault("FLASK_SQLITE_SYNCHRONOUS", "OFF")


class CommittingRunner(FlaskCliRunner):
    """A command runs in its own transaction; what the test set up before it is committed first, as it would be."""

    def invoke(self, *args, **kwargs):
        db.session.commit()
        return super().invoke(*args, **kwargs)


def commit_setup_before_requests(app):
    """Tests set up data through services, which only flush (the request or command commits): what a test set up
    is committed before each request, as the earlier requests that made it would have done."""
    @app.before_request
    def commit_setup():
        db.session.commit()


def serve(app):
    """Yield `app` with its tables created, inside one app context (requests still get a fresh `g`)."""
    fresh_context_per_request(app)
    commit_setup_before_requests(app)
    app.test_cli_runner_class = CommittingRunner
    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"] not in WITH_TABLES:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


#: scrypt at a test's cost (werkzeug's default takes about 0.1 s of CPU a hash, and many tests sign in).
CHEAP_HASH = "scrypt:1024:8:1"

#: Set by tests/with_postgres.sh: the suite then runs on PostgreSQL, one new database per test.
POSTGRES = os.environ.get("CONTINUUM_TEST_POSTGRES")
ON_POSTGRES = bool(POSTGRES)


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL the suite runs again only where it touches a database (through the `database` fixture): the
    pure tests (scoring, questionnaires, the PDF's layout) ran on SQLite already and would answer the same. So did
    the browser tests (marked `browser`): what they test is the pages in Chromium, which a database does not
    change; the same routes' requests, writes and refusals are tested over HTTP on PostgreSQL as well. And the
    attackers' searches (marked `search`): a few releases through the database, then a search over what they
    published that is pure computation; the releases' path is tested on PostgreSQL by the other history tests."""
    if not ON_POSTGRES:
        return
    touching = [item for item in items if "database" in getattr(item, "fixturenames", ())
                and item.get_closest_marker("browser") is None and item.get_closest_marker("search") is None]
    if len(touching) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in touching])
        items[:] = touching


def shared_template(tmp_path_factory, worker_id, name: str, fill) -> str:
    """A database made once per run and copied by the tests that start from it: `fill` runs in an app context on
    a new one with its tables. The run's worker processes (pytest-xdist) share it: the first to need it makes it
    while the others wait; the run's end deletes it (a PostgreSQL one with the throwaway server)."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = shared / f"{name}.url"
        if made.exists():
            return made.read_text()
        url = new_database(shared, name)
        template = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url,
                               "PASSWORD_HASH_METHOD": CHEAP_HASH})
        with template.app_context():
            db.create_all()
            fill()
            db.session.remove()
            db.engine.dispose()
        made.write_text(url)
        return url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, worker_id):
    """The demo, seeded once per run through the services (its closed rounds' reports rendered, as the server
    would), as a database that tests marked `demo` start from."""
    def seed():
        demo.seed()
        db.session.commit()
        jobs.run_pending()  # the closed rounds' reports, as the server's job thread renders them
    return shared_template(tmp_path_factory, worker_id, "demo", seed)


@pytest.fixture(scope="session")
def tables_template(tmp_path_factory, worker_id):
    """A database with every table and nothing in them: copying it is quicker than creating the tables."""
    return shared_template(tmp_path_factory, worker_id, "tables", lambda: None)


#: The databases made with their tables (copies of a template): `serve` does not create them again.
WITH_TABLES: set[str] = set()


@pytest.fixture
def database(tmp_path, request):
    """Makes databases for a test: `database("name")` is the URL of a new one (a SQLite file in the test's
    folder, or a PostgreSQL database dropped after the test when the suite runs on PostgreSQL). It is empty, or
    has its tables (`tables=True`), or, for a test marked `demo`, the first one holds a copy of the demo; marked
    `starts_from("fixture")`, a copy of the database that session fixture made (with `shared_template`)."""
    made = []
    first = _starts_from(request.node)

    def make(name: str = "test", tables: bool = False) -> str:
        if first and not made:
            template = request.getfixturevalue(first)
        else:
            template = request.getfixturevalue("tables_template") if tables else None
        url = new_database(tmp_path, name, template)
        made.append(url)
        if template:
            WITH_TABLES.add(url)
        return url

    yield make
    drop_databases(made)
    WITH_TABLES.difference_update(made)


def _starts_from(node) -> str | None:
    """The session fixture whose database a test's first one copies: named by `starts_from`, the demo's for `demo`."""
    if (marker := node.get_closest_marker("starts_from")) is not None:
        return marker.args[0]
    return "demo_template" if node.get_closest_marker("demo") is not None else None


def new_database(folder, name: str, template: str | None = None) -> str:
    """A new database, empty or a copy of `template`."""
    if not ON_POSTGRES:
        path = folder / (name + ".sqlite")
        if template:
            shutil.copyfile(sa.make_url(template).database, path)
        return f"sqlite:///{path}"
    database_name = f"t_{name}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{sa.make_url(template).database}"' if template else ""
    with _maintenance().connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{database_name}"{copy}'))
    return sa.make_url(POSTGRES).set(database=database_name).render_as_string(hide_password=False)


def drop_databases(urls) -> None:
    """Drops the PostgreSQL databases among `urls` (SQLite files go with the test's folder)."""
    names = [sa.make_url(url).database for url in urls if url.startswith("postgresql")]
    if names:
        with _maintenance().connect() as connection:
            for name in names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_maintenance_engine = None


def _maintenance():
    global _maintenance_engine
    if _maintenance_engine is None:
        _maintenance_engine = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    return _maintenance_engine


@pytest.fixture
def app(database):
    yield from serve(create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database(tables=True),
        "PUBLIC_URL": "http://survey.test",
        "PASSWORD_HASH_METHOD": CHEAP_HASH,
    }))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def county(app):
    """A jurisdiction with three agencies and an open round."""
    jurisdiction = jurisdictions.add_jurisdiction("Test County")
    agencies = [jurisdictions.add_agency(jurisdiction, "Probation Department", "community_supervision"),
                jurisdictions.add_agency(jurisdiction, "Treatment Center", "treatment"),
                jurisdictions.add_agency(jurisdiction, "Victim Advocates", "victim_advocacy")]
    round_ = rounds.create_round(jurisdiction, "Spring survey")
    rounds.open_round(round_)
    db.session.commit()
    return {"jurisdiction": jurisdiction, "agencies": agencies, "round": round_}


@pytest.fixture
def token(county):
    """A fresh invitation for a line-staff member of the probation department."""
    token = invitations.issue_invitations(county["round"], county["agencies"][0], RoleLevel.LINE_STAFF, 1)[0]
    db.session.commit()
    return token
