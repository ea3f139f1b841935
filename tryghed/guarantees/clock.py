"""Deadline arithmetic: calendar time, or service hours without Danish public holidays.

Every function takes and returns aware datetimes and counts in minutes. Arithmetic is done
in UTC: Python adds and subtracts datetimes of one time zone on the wall clock, which would
make the night summer time ends an hour short. Service hours
are read in Danish local time, so a rule's "08:00–16:00" holds across summer time.
"""

import datetime
import functools
import zoneinfo

DANISH_TIME = zoneinfo.ZoneInfo("Europe/Copenhagen")
UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)


def easter_sunday(year):
    """The Gregorian Easter Sunday (the anonymous Gregorian algorithm, as in Meeus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


@functools.cache
def danish_holidays(year):
    """The Danish public holidays (helligdage) of a year.

    Store bededag, the fourth Friday after Easter, was a holiday until 2023 (law no. 13 of
    28/02/2023 abolished it from 2024). Constitution Day, Christmas Eve and New Year's Eve
    are days off by custom or agreement, not public holidays, and are not listed.
    """
    easter = easter_sunday(year)
    offsets = [-3, -2, 0, 1, 39, 49, 50]  # Maundy Thursday … Whit Monday
    if year <= 2023:
        offsets.append(26)
    days = {easter + datetime.timedelta(days=n) for n in offsets}
    days |= {datetime.date(year, 1, 1), datetime.date(year, 12, 25), datetime.date(year, 12, 26)}
    return frozenset(days)


def is_holiday(day):
    return day in danish_holidays(day.year)


class ServiceHours:
    """Opening hours on weekdays (0 = Monday), closed on Danish public holidays."""

    def __init__(self, *, start, end, weekdays=(0, 1, 2, 3, 4)):
        if not start < end:
            raise ValueError("service hours must end after they start")
        self.start, self.end, self.weekdays = start, end, frozenset(weekdays)

    def window(self, day):
        """The day's open interval as aware datetimes, or None on a closed day."""
        if day.weekday() not in self.weekdays or is_holiday(day):
            return None
        return (
            datetime.datetime.combine(day, self.start, tzinfo=DANISH_TIME).astimezone(UTC),
            datetime.datetime.combine(day, self.end, tzinfo=DANISH_TIME).astimezone(UTC),
        )

    def is_open(self, moment):
        window = self.window(moment.astimezone(DANISH_TIME).date())
        return window is not None and window[0] <= moment < window[1]

    def add(self, start, minutes):
        """The moment `minutes` of service time after `start`."""
        remaining = datetime.timedelta(minutes=minutes)
        start = start.astimezone(UTC)
        day = start.astimezone(DANISH_TIME).date()
        # A year without one open day cannot happen with at least one weekday listed; the
        # bound only stops a loop on a rule that somehow has none.
        for _ in range(366 * 10):
            window = self.window(day)
            if window is not None:
                begin = max(window[0], start)
                if begin < window[1]:
                    available = window[1] - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += datetime.timedelta(days=1)
        raise ValueError("no service hours to count in")

    def between(self, start, end):
        """Service minutes from `start` to `end` (0 when `end` is not after `start`)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return 0
        total = datetime.timedelta()
        day = start.astimezone(DANISH_TIME).date()
        last = end.astimezone(DANISH_TIME).date()
        while day <= last:
            window = self.window(day)
            if window is not None:
                begin, finish = max(window[0], start), min(window[1], end)
                if begin < finish:
                    total += finish - begin
            day += datetime.timedelta(days=1)
        return total / MINUTE


class CalendarTime:
    """The clock runs around the clock, every day."""

    def is_open(self, moment):
        return True

    def add(self, start, minutes):
        return start.astimezone(UTC) + datetime.timedelta(minutes=minutes)

    def between(self, start, end):
        return max(0.0, (end.astimezone(UTC) - start.astimezone(UTC)) / MINUTE)


CALENDAR = CalendarTime()
