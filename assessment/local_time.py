"""Times as a jurisdiction lives them. The database keeps UTC (naive datetimes, `models.utcnow`); facilitators set
and read a round's dates and times in the jurisdiction's time zone, and messages name the day in it."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from typing import Optional

#: Offered first in the console's list (the rest follow in alphabetical order).
COMMON = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
          "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "UTC")


@lru_cache(maxsize=1)
def zones() -> tuple[str, ...]:
    """Every IANA zone name the machine knows, the common US ones first."""
    rest = sorted(z for z in zoneinfo.available_timezones() if z not in COMMON and "/" in z
                  and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))
    return COMMON + tuple(rest)


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def is_zone(name: str) -> bool:
    return name in zones()


#: The years a round's dates may fall in (a typo such as 9999 or 0001 is refused, not stored).
YEARS = (2000, 2200)


def to_utc(local: dt.datetime, zone_name: str) -> dt.datetime:
    """A wall-clock time in the zone as the database keeps it (naive UTC). A time the clocks skip or repeat (the
    hour of a daylight-saving change) is read with the offset in force before the change (PEP 495's fold 0).
    ValueError for a year outside YEARS."""
    if not YEARS[0] <= local.year <= YEARS[1]:
        raise ValueError(f"{local:%Y-%m-%d} is not a date a round can use (years {YEARS[0]} to {YEARS[1]})")
    aware = local.replace(tzinfo=zone(zone_name), fold=0)
    return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(utc: dt.datetime, zone_name: str) -> dt.datetime:
    """A stored (naive UTC) time on the zone's clock, aware (in UTC when the zone's clock cannot show it)."""
    aware = utc.replace(tzinfo=dt.timezone.utc)
    try:
        return aware.astimezone(zone(zone_name))
    except OverflowError:
        return aware


def local_day(at: dt.datetime, zone_name: str) -> dt.date:
    """The day a stored time falls on, on the zone's clock."""
    return to_local(at, zone_name).date()


def last_day(closes_at: dt.datetime, zone_name: str) -> dt.date:
    """The last day a round closing at `closes_at` takes answers, in the zone: the day before a close at midnight
    (a round set to close "on the 19th" at 00:00 is open all of the 18th), else the closing day itself."""
    return (to_local(closes_at, zone_name) - dt.timedelta(microseconds=1)).date()


def describe(at: Optional[dt.datetime], zone_name: str) -> str:
    """A stored time as a facilitator reads it: "2026-12-19 17:00 CST"."""
    return "" if at is None else f"{to_local(at, zone_name):%Y-%m-%d %H:%M %Z}"


def describe_close(at: Optional[dt.datetime], zone_name: str) -> str:
    """A closing time as a facilitator reads it: "2026-12-19 17:00 CST", and a close at midnight as the end of the
    day before ("the end of 2026-12-18 (CST)"), the last day people can answer, as the messages say."""
    if at is None:
        return ""
    local = to_local(at, zone_name)
    if local.time() == dt.time(0, 0):
        return f"the end of {last_day(at, zone_name):%Y-%m-%d} ({local:%Z})"
    return f"{local:%Y-%m-%d %H:%M %Z}"
