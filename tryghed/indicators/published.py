"""Which of an indicator's counts and shares the public may read: those that follow from
what the dashboard and the compliance page publish of the same incidents and cases.

An indicator counts its categories' incidents in its area (the district's, or one of its
municipalities') over years, a year up to the end of last month and a baseline period. The
dashboard publishes the same area's incidents per category, week, month and year, with the
counts it hides as "<5" and ".." chosen so that none of them can be worked out from the
others (`numbers.protect_calendar`). A count the plan page printed beside those, chosen
without them, could give one away: a year the dashboard hides as "..", so that its one "<5"
month cannot be worked out from the year less its other months, is that month's key once the
plan page prints the year.

So the public reads an indicator's count only where every category's part of it is published
exactly, or follows from counts published exactly: the year or the year up to the end of a
month (the key figures' count) the dashboard shows, the sum of whole months it shows, or a
year it shows less its other months; and, for an indicator of one category, a count the
dashboard shows as "<5" itself reads "<5" here too. Any other count is hidden as "..", since
it tells more than the dashboard does.

A share of guarantee compliance is read beside the compliance page, which shows the met
and missed cases per guarantee, municipality and month and hides some as "<5" and "..": the
public reads a share only where that page shows both the met and the missed cases it is made
of, since the share and the met cases give the missed ones away.
"""

import datetime

from django.db.models import Q

from tryghed.guarantees import compliance
from tryghed.incidents import families
from tryghed.incidents.models import MonthlyCount, WeeklyCount
from tryghed.incidents.numbers import SMALL_COUNT, Period, is_hidden
from tryghed.indicators.readings import compliance_area, compliance_moment


def withheld(indicator, plan, today, spans):
    """The keys of `spans` ({key: Span or None}, the periods the indicator's counts cover)
    whose counts the public may not read; `today` is the local date the public reads on,
    which ends the dashboard's published months."""
    calendars = [_calendar(plan, indicator.municipality_id, c, today) for c in indicator.categories]
    return {
        key for key, span in spans.items() if span is not None and not _readable(calendars, span)
    }


def _calendar(plan, municipality_id, category, today):
    """The dashboard's Calendar of one category in the indicator's area, as a kredsråd
    member reads it there; kept on `plan`, which a page shows all its indicators with."""
    # Imported here: the dashboard's report shows indicators itself.
    from tryghed.dashboard.report import public_calendar

    memo = plan.__dict__.setdefault("_public_calendars", {})
    key = (municipality_id, category, today)
    if key not in memo:
        selection = Q(source__district=plan.district_id, category=category)
        if municipality_id:
            selection &= Q(municipality=municipality_id)
        hidden = _hidden(plan, today)
        memo[key] = public_calendar(
            WeeklyCount.objects.filter(selection),
            MonthlyCount.objects.filter(selection),
            today,
            hidden_months=hidden["month"].of(municipality_id, category),
            withheld_sums=hidden["sums"].of(municipality_id, category),
        )
    return memo[key]


def _hidden(plan, today):
    """The months and sums the district's readers read as ".." beside the other
    selections' (`incidents.families`), for every selection of the plan's district."""
    memo = plan.__dict__.setdefault("_public_hidden", {})
    if today not in memo:
        memo[today] = families.district_hidden(plan.district_id, today.replace(day=1))
    return memo[today]


def _readable(calendars, span):
    values = [
        _published(calendar, span.start, span.end + datetime.timedelta(days=1))
        for calendar in calendars
    ]
    if all(isinstance(value, int) for value in values):
        return True
    return len(values) == 1 and values[0] == SMALL_COUNT


def _published(calendar, start, end):
    """The count from the local date `start` up to, not including, `end` as it follows from
    what `calendar` publishes: a number, "<5" where the dashboard shows that very count so,
    or None where it cannot be told."""
    if end > datetime.date(start.year + 1, 1, 1):
        parts = [
            _published(
                calendar,
                max(start, datetime.date(year, 1, 1)),
                min(end, datetime.date(year + 1, 1, 1)),
            )
            for year in range(start.year, (end - datetime.timedelta(days=1)).year + 1)
        ]
        return sum(parts) if all(isinstance(part, int) for part in parts) else None
    year = Period("year", datetime.date(start.year, 1, 1))
    shown = []
    if start == year.start:
        if end == year.end:
            shown.append(calendar.shown(year))
        so_far = calendar.so_far(start, end)
        if so_far is not None:
            shown.append(so_far)
    if start.day == 1 and end.day == 1:
        months = _months(start, end)
        in_span = [calendar.shown(month) for month in months]
        if all(isinstance(n, int) for n in in_span):
            return sum(in_span)
        if len(months) == 1:
            shown.append(in_span[0])
        whole = calendar.shown(year)
        others = [calendar.shown(m) for m in _months(year.start, year.end) if m not in months]
        if isinstance(whole, int) and all(isinstance(n, int) for n in others):
            return whole - sum(others)
    for value in shown:
        if isinstance(value, int):
            return value
    return SMALL_COUNT if SMALL_COUNT in shown else None


def _months(start, end):
    months, month = [], Period("month", start)
    while month.start < end:
        months.append(month)
        month = Period("month", month.end)
    return months


def withheld_shares(indicator, plan, today, spans):
    """The keys of `spans` (as `withheld`) whose share of guarantee compliance the public may
    not read: where the compliance page, as a kredsråd member reads the district's year,
    hides the met or the missed cases of the indicator's guarantee, municipality and months
    (`compliance.public_table`). With the met cases shown, a share gives the missed ones
    away. `today` is the last day the reading counts."""
    now = compliance_moment(today)
    return {
        key
        for key, span in spans.items()
        if span is not None and not _shares_readable(indicator, plan, now, span)
    }


def _shares_readable(indicator, plan, now, span):
    months = _months(span.start.replace(day=1), span.end + datetime.timedelta(days=1))
    for year in sorted({month.year for month in months}):
        rows = _compliance_year(plan, year, now)
        chosen = [
            row.guarantee.pk == indicator.guarantee_id
            and (
                indicator.municipality_id is None
                or (
                    row.municipality is not None
                    and row.municipality.pk == indicator.municipality_id
                )
            )
            and Period("month", row.month) in months
            for row in rows
        ]
        _rows, published, _chart = compliance.public_table(rows, chosen)
        if is_hidden(published["met"]) or is_hidden(published["missed"]):
            return False
    return True


def _compliance_year(plan, year, now):
    """The compliance rows of the district's `year`, judged at `now`; kept on `plan`."""
    memo = plan.__dict__.setdefault("_compliance_years", {})
    if (year, now) not in memo:
        start, end = compliance.period(year=year)
        memo[(year, now)] = compliance.rows(compliance_area(plan), now=now, start=start, end=end)
    return memo[(year, now)]
