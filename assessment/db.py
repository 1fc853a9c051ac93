"""The SQLAlchemy handle, with a naming convention so that constraint names (and migrations) are stable."""
from pathlib import Path

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, select, update
from sqlalchemy.orm import DeclarativeBase
from werkzeug.routing import IntegerConverter

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: PostgreSQL's integer, the type of every id column: the narrowest whole number of the databases Continuum uses.
MAX_INTEGER = 2 ** 31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs, up to MAX_INTEGER: a larger number cannot name a row (and the database drivers refuse
    it with an error), so such an address answers 404 like any other id that does not exist."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


db = SQLAlchemy(model_class=Base)
#: Alembic migrations in `migrations/`; batch mode so that SQLite can alter tables too.
migrate = Migrate(render_as_batch=True, directory=str(Path(__file__).resolve().parent.parent / "migrations"))


def hold(model, row_id: int) -> None:
    """Hold one row until the transaction ends, so that transactions deciding from the same state take turns: the
    second reads what the first wrote. On PostgreSQL FOR NO KEY UPDATE, which neither waits on nor deadlocks with
    transactions that only insert rows referring to this one. SQLite has no row locks: a write that changes nothing
    takes the database's write lock (a read alone would take none)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update(key_share=True))
    else:
        db.session.execute(update(model).where(model.id == row_id).values(id=model.id)
                           .execution_options(synchronize_session=False))


def database_url(url: str) -> str:
    """A `DATABASE_URL` as hosting platforms give it (`postgres://...`) in SQLAlchemy's spelling, with the
    psycopg 3 driver for PostgreSQL. Other URLs pass unchanged."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def commit_per_request(app) -> None:
    """The unit of work: services add and flush, and each request commits once, at its end, so that the services
    a view calls share one transaction. A request that fails with a server error commits nothing (the error page
    rolls back); a service that refuses (ServiceError) does so before it writes."""
    @app.after_request
    def commit(response):
        if response.status_code < 500:
            db.session.commit()
        return response


#: The values of SQLite's `synchronous` pragma that `SQLITE_SYNCHRONOUS` may name.
SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


def configure_engine(app) -> None:
    """SQLite: write-ahead log, a busy timeout, enforced foreign keys, and deleted content overwritten (an address
    deleted at a round's close must not linger in the file's free pages) on every connection. `SQLITE_SYNCHRONOUS`
    (OFF, NORMAL, FULL or EXTRA) changes how often SQLite waits for the disk; unset, its default (FULL) is kept.
    Only a throwaway database (the test suite's) should set OFF: a crash of the machine may then lose or corrupt
    what was committed."""
    setting = app.config.get("SQLITE_SYNCHRONOUS")
    synchronous = None if setting is None else str(setting).upper()
    if synchronous is not None and synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {setting!r}")
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(app.config.get('SQLITE_BUSY_TIMEOUT_MS', 5000))}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")
            if synchronous is not None:
                cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.close()
