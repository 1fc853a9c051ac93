"""Rate limits counted in the app's own database, so that a limit means what it says with several worker
processes and several app servers (Flask-Limiter's default counts in each process's memory: "20 a minute" was 20
per worker). `limits` finds this storage by its scheme: RATELIMIT_STORAGE_URI = "continuum+db://", the default.

A counter is a row (`RateLimitCount`: key, count, when its window ends), written on a connection of its own and
committed at once, so that a request that later fails still counts, and never inside the request's own
transaction. One statement adds to it (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on SQLite and PostgreSQL
alike), so two servers counting at once never lose a hit. Fixed windows, as Flask-Limiter uses by default.
"""
from __future__ import annotations

import hashlib
import random
import time

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

#: The app's one limiter: every view's limits, counted in this storage.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
def report_limit() -> str:
    """How often one may download reports: REPORT_LIMIT."""
    return current_app.config["REPORT_LIMIT"]


def per_account() -> str:
    """A limit's key for the signed-in account (checked after sign-in is)."""
    return f"user-{getattr(current_user, 'id', None)}"


#: One counter write in this many also deletes every ended window (the table holds only live counters).
SWEEP_ONE_IN = 100


def _stored(key: str) -> str:
    """A key as the table keeps it: no NUL (PostgreSQL's text cannot hold one: a typed address may), and a long
    key (an address of 254 characters, with the limit's own words) shortened by a hash of it, within the column."""
    key = key.replace("\x00", "\\0")
    if len(key) > 200:
        key = key[:120] + "#" + hashlib.sha256(key.encode()).hexdigest()
    return key


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["continuum+db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    @staticmethod
    def _table():
        from .models import RateLimitCount

        return RateLimitCount.__table__

    @staticmethod
    def _engine():
        from .db import db

        return db.engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        key = _stored(key)
        table, now = self._table(), time.time()
        dialect = sqlite if self._engine().dialect.name == "sqlite" else postgresql
        statement = dialect.insert(table).values(key=key, count=amount, ends_at=now + expiry)
        live = table.c.ends_at > now  # a window that ended starts again at this hit
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": case((live, table.c.count + statement.excluded.count), else_=statement.excluded.count),
                  "ends_at": case((live, table.c.ends_at), else_=statement.excluded.ends_at)},
        ).returning(table.c.count)
        with self._engine().begin() as connection:
            if random.randrange(SWEEP_ONE_IN) == 0:
                connection.execute(delete(table).where(table.c.ends_at <= now))
            return int(connection.execute(statement).scalar_one())

    def get(self, key: str) -> int:
        key, table = _stored(key), self._table()
        with self._engine().connect() as connection:
            found = connection.execute(select(table.c.count).where(table.c.key == key,
                                                                   table.c.ends_at > time.time())).scalar()
        return int(found or 0)

    def get_expiry(self, key: str) -> float:
        key, table = _stored(key), self._table()
        with self._engine().connect() as connection:
            found = connection.execute(select(table.c.ends_at).where(table.c.key == key)).scalar()
        return float(found) if found and found > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as connection:
                connection.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with self._engine().begin() as connection:
            return connection.execute(delete(self._table())).rowcount

    def clear(self, key: str) -> None:
        key, table = _stored(key), self._table()
        with self._engine().begin() as connection:
            connection.execute(delete(table).where(table.c.key == key))
