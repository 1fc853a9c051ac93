"""What every command shares: one transaction per command, and dates as typed."""
from __future__ import annotations

import datetime as dt
import functools

import click

from . import local_time
from .db import db
from .services import KEEP, ServiceError


def typed_date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def local_datetime(value, round_or_jurisdiction):
    """A typed date or date and time ("YYYY-MM-DD" or "YYYY-MM-DD HH:MM") on the jurisdiction's clock, as stored;
    "none" clears it."""
    if value is None:
        return KEEP
    if value.strip().lower() == "none":
        return None
    jurisdiction = getattr(round_or_jurisdiction, "jurisdiction", round_or_jurisdiction)
    try:
        return local_time.to_utc(dt.datetime.fromisoformat(value.strip()), jurisdiction.time_zone)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (on "
                                 f"{jurisdiction.name}'s clock, {jurisdiction.time_zone}), or none") from None


def one_transaction(command):
    """A command's work as one transaction (services only flush): committed when the command ends, rolled back
    when a service refuses, the refusal printed as `Error: ...` with exit status 1."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
        except ServiceError as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        db.session.commit()
        return result
    return run
