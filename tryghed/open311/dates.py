"""W3C datetimes (the subset of ISO 8601 that GeoReport v2 uses) in and out."""

import datetime
import re

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

_YEAR_OR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
# "+02:00" in a query string that was not encoded arrives as " 02:00".
_UNENCODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def w3c(value):
    """A datetime with the Danish offset, e.g. 2026-07-01T20:15:00+02:00."""
    if value is None:
        return None
    local = timezone.localtime(value)
    if local.utcoffset() % datetime.timedelta(minutes=1):
        # Before 1894 Danish time was Copenhagen's mean solar time, 50 min 20 s ahead of
        # UTC; a W3C offset has whole minutes, so such a time is written in UTC.
        local = value.astimezone(datetime.UTC)
    return local.isoformat(timespec="seconds")


def parse_w3c(value):
    """An aware UTC datetime, or None when `value` is not a date or datetime.

    A value without an offset is read as Danish time, and a date (or a bare year or month,
    as W3C allows) as its first moment.
    """
    value = (value or "").strip()
    if not value or len(value) > 40:
        return None
    value = _UNENCODED_PLUS.sub(r"\1+\2", value)
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                match = _YEAR_OR_MONTH.fullmatch(value)
                if match is None:
                    return None
                day = datetime.date(int(match[1]), int(match[2] or 1), 1)
            parsed = datetime.datetime.combine(day, datetime.time())
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        moment = parsed.astimezone(datetime.UTC)
        # Every time is written back in Danish time (w3c()); in the last hour of year 9999
        # UTC that would be past the last datetime Python has.
        timezone.localtime(moment)
        return moment
    except (ValueError, OverflowError):
        return None
