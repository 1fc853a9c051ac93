"""How many SQL statements one request costs: the console's bounded-statement test and bench/pages.py count them."""
from __future__ import annotations

from sqlalchemy import event

from assessment.db import db


def statements(client, path: str) -> int:
    """The statements a GET of `path` runs (it must answer 200), in the app context of the caller."""
    count = 0

    def one(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", one)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", one)
    return count
