"""The incident numbers councils read: counts and rates per municipality, category and period,
the change against the same period last year, the seasonal profile and hotspots on a grid.

Every function takes a queryset of incidents that the caller has already scoped (through
`visible_to`, and to a source or category as the page asks) and aggregates in the database,
so years of a district's incidents are never loaded row by row. Where only whole months are
asked for (months, quarters, years, the seasonal profile, the municipality table), the
queryset may instead be of MonthlyCount, the counts per month that the database keeps
beside the incidents, or of MonthlyTotal, the same over every category: the same numbers
from a table a hundred or a thousand times smaller. Weeks run across months; their numbers
come likewise from WeeklyCount and WeeklyTotal.

Periods follow Danish local time on SQLite and PostgreSQL alike: the truncation is given the
Copenhagen time zone, so New Year's Eve at 23:30 belongs to the old year and a Sunday
evening in summer time to its own ISO week, although both are the next day in UTC.

Small counts: a count of 1 to 4 can point at a person in a small place, so wherever the
public reads a number it is shown as "<5" (0 stays 0: nothing happened, no one to point at).
Functions take `public=True` for such output and then never hand out the exact number, nor a
rate or change from which it could be worked back. Staff output shows exact numbers.

Hiding the small counts is not enough where a total is published beside them: the one "<5"
among a district's municipalities is the district total minus the others. Public output
therefore protects each group of counts against its total (the municipalities of a table,
the grid cells of an area), hiding the next smallest counts as ".." where the hidden ones
could be worked out; see `protect`. A sum of protected counts (a quarter, a month of the
year over several years) is hidden when one of its parts is (`rolled_up`).

A selection's months are shown as they are, "<5" when small, unless the selections of the
same month together would give a "<5" away: Greve's November "<5" beside the district's
November and the other municipalities', or beside Greve's November of every category and
its other categories. Each month's table of selections is protected as a whole first
(`families`), and the months it hides as ".." are unknowns of the selection's sums and
weeks as the small ones are; the public reads the weeks of the whole area only. Its sums of
months (each year,
every year, a year up to a month's end in the key figures) are published anew every month,
and a reader who keeps each month's reads them all: a sum is published only where, beside
every sum published before and since, no small month and no "<5" can be worked out, and is
".." otherwise (`protected_sums`). Those decisions depend on the months alone, so a
municipality's year reads the same in its own selection, in the district's table and in the
comparison with last year. Where a run of weeks covers a run of months exactly, the weeks add
up to them: the weeks are protected against the months and the sums published
(`protect_calendar`, `weeks_and_months`). The public reads whole months only, and a week
once it has ended by the first of the current month: the last days of last month, in a
week not yet published, are protected as well. A week once published reads the same in
every later month (`weeks_month_by_month`).
"""

import bisect
import csv
import datetime
import heapq
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, reduce
from operator import or_
from typing import NamedTuple

import numpy
from django.db import connections
from django.db.models import Count, F, FloatField, Func, IntegerField, Max, Q, Sum
from django.db.models.functions import (
    Cast,
    ExtractMonth,
    Floor,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tryghed.incidents.models import (
    DANISH_TIME,
    Category,
    CellCount,
    CellTotal,
    MonthlyCount,
    MonthlyTotal,
    WeeklyCount,
    WeeklyTotal,
    local_midnight,
)
from tryghed.statistics.models import StatValue
from tryghed.statistics.numbers import round_half_up

SMALL_COUNT_LIMIT = 5
SMALL_COUNT = "<5"


def is_small(count):
    """Whether a count must be hidden from the public (1 to 4)."""
    return count is not None and 0 < count < SMALL_COUNT_LIMIT


def public_count(count):
    """The count as the public may read it: "<5" for 1 to 4, otherwise the number."""
    return SMALL_COUNT if is_small(count) else count


def shown_count(count, *, public):
    return public_count(count) if public else count


# Complementary suppression ---------------------------------------------------------------

SECONDARY = ".."


def is_hidden(shown):
    """Whether a count as published is hidden: "<5", or ".." (see `protect`)."""
    return shown in (SMALL_COUNT, SECONDARY)


def _exposed(small, total, withheld, most_hidden):
    """Whether the hidden small counts of a group can be worked out exactly from the group's
    total and its visible counts: `small` counts "<5" and `withheld` counts ".." are hidden,
    `total` is their sum and `most_hidden` the smallest visible count above 0 (0 if none).
    The reader knows that a "<5" is 1 to 4, that a ".." is 5 or more (it would read "<5"
    otherwise) and, knowing how they are chosen, that a ".." is at most the smallest visible
    count; so the hidden counts' sum bounds each of them."""
    if not small:
        return False
    # Each "<5" lies in 1..4 and each ".." in 5..(the smallest visible count): the bounds
    # are the same for every "<5", so one of them stands for all (a map hides thousands).
    low_others = (small - 1) + withheld * SMALL_COUNT_LIMIT
    high_others = (small - 1) * (SMALL_COUNT_LIMIT - 1) + withheld * most_hidden
    least = max(1, total - high_others) if most_hidden or not withheld else 1
    most = min(SMALL_COUNT_LIMIT - 1, total - low_others)
    return least >= most


def _suppressed(counts):
    """The positions of the counts to hide besides the small ones, so that no small count of
    a group published with its total can be worked out: the smallest visible counts, the
    earlier position first among equal ones, one at a time until none can. Zeros are never
    chosen: a hidden 0 next to a "<5" would leave the sum to the "<5". Also whether the
    small counts can still be worked out with all of those hidden.

    One pass over the group, whatever it hides: the counts are chosen smallest first, so
    the smallest visible count is always the next one to choose. A map's group holds tens
    of thousands of counts, of which a handful are chosen: the visible ones are taken from
    a heap as needed rather than sorted, and `is_small` is spelled out rather than called."""
    small = total = 0
    visible = []
    for i, c in enumerate(counts):
        if not c:
            continue
        if 0 < c < SMALL_COUNT_LIMIT:
            small += 1
            total += c
        else:
            visible.append((c, i))
    heapq.heapify(visible)
    chosen = set()
    while visible:
        count, i = heapq.heappop(visible)
        if not _exposed(small, total, len(chosen), count):
            return chosen, False
        chosen.add(i)
        total += count
    return chosen, _exposed(small, total, len(chosen), 0)


def protect(counts, *, public=True):
    """The counts of one group, e.g. the municipalities of a district or the months of a year,
    as the public may read them next to the group's total, which is published as is (on the
    same page, in the key figures).

    The small-count rule alone can be undone by subtraction: a district total of 523 beside
    its municipalities, only one of them "<5", gives that one away as 523 minus the others.
    So when the hidden counts of a group could be worked out, the next smallest counts are
    hidden too (complementary suppression, see `_suppressed`).

    Those are shown as "..", not "<5": they are 5 or more, and "<5" would be untrue. ".." is
    the mark Danmarks Statistik uses for a figure withheld for confidentiality. The reader
    can tell a ".." from a "<5", and so knows that a ".." is 5 or more; `_exposed` reckons
    with that.

    Some groups cannot be protected that way: eleven weeks of "<5" beside a total of 11 are
    1 each, and 1 and 5 beside a total of 6 give each other away. With every count but the
    zeros hidden, the zeros still tell which counts make up the total; so such a group is
    hidden whole, its zeros too, unless its total is small itself (the public reads it as
    "<5" as well). A ".." there may be any number, 0 included.

    Without `public`, the exact counts (staff read them)."""
    counts = list(counts)
    if not public:
        return counts
    chosen, exposed = _suppressed(counts)
    if exposed and not is_small(sum(counts)):
        return [SECONDARY] * len(counts)
    shown = [SMALL_COUNT if c is not None and 0 < c < SMALL_COUNT_LIMIT else c for c in counts]
    for i in chosen:
        shown[i] = SECONDARY
    return shown


def rolled_up(count, parts):
    """A sum of published counts `parts`, e.g. a quarter of three months, as the public may
    read it: hidden when any part is "<5" or "..", or it would give away the sum of the
    hidden parts; and even a small sum as "..", since "<5" would bound its parts beyond
    what each says of itself (two "<5" months, a quarter "<5": neither is 4)."""
    if any(is_hidden(part) for part in parts):
        return SECONDARY
    return public_count(count)


def _protected(counted):
    """{key: count as published} for `_aggregate`'s counts, the counts of each year one group
    against the year's total (the ISO year for weeks; all of them without a period)."""
    groups = {}
    for key in sorted(counted, key=_sort_key):
        groups.setdefault(key[0].year if key[0] else None, []).append(key)
    shown = {}
    for keys in groups.values():
        shown.update(zip(keys, protect([counted[key] for key in keys]), strict=True))
    return shown


# Periods ---------------------------------------------------------------------------------

PERIODS = ("week", "month", "quarter", "year")
_TRUNC = {"week": TruncWeek, "month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _check_period(period):
    if period is not None and period not in PERIODS:
        raise ValueError(f"Unknown period {period!r}; expected one of {', '.join(PERIODS)}.")


@dataclass(frozen=True, order=True)
class Period:
    """A week (ISO, from Monday), month, quarter or year in Danish local time."""

    kind: str
    start: datetime.date

    @classmethod
    def containing(cls, kind, day):
        _check_period(kind)
        if kind == "week":
            return cls(kind, day - datetime.timedelta(days=day.weekday()))
        if kind == "month":
            return cls(kind, day.replace(day=1))
        if kind == "quarter":
            return cls(kind, datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1))
        return cls(kind, datetime.date(day.year, 1, 1))

    @property
    def end(self):
        """The first day after the period."""
        if self.kind == "week":
            return self.start + datetime.timedelta(days=7)
        return _add_months(self.start, {"month": 1, "quarter": 3, "year": 12}[self.kind])

    @property
    def year(self):
        """The year the period counts in; for a week its ISO year (29 Dec 2025 is 2026-W01)."""
        return self.start.isocalendar().year if self.kind == "week" else self.start.year

    @property
    def number(self):
        """ISO week number, month (1-12), quarter (1-4), or the year itself."""
        if self.kind == "week":
            return self.start.isocalendar().week
        if self.kind == "month":
            return self.start.month
        if self.kind == "quarter":
            return (self.start.month - 1) // 3 + 1
        return self.start.year

    @property
    def key(self):
        """A stable, sortable name for files and charts: 2024-W14, 2024-03, 2024-Q1, 2024."""
        if self.kind == "week":
            return f"{self.year}-W{self.number:02d}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self):
        """The period as people read it, in the active language."""
        if self.kind == "week":
            return _("week %(week)s %(year)s") % {"week": self.number, "year": self.year}
        if self.kind == "month":
            return date_format(self.start, "F Y")
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": self.number, "year": self.year}
        return str(self.year)

    def shifted(self, years):
        """The same period `years` later (earlier when negative): the same ISO week number,
        month or quarter. None for week 53 in a year that has only 52 weeks."""
        if self.kind == "week":
            try:
                start = datetime.date.fromisocalendar(self.year + years, self.number, 1)
            except ValueError:
                return None
            return Period(self.kind, start)
        return Period(self.kind, self.start.replace(year=self.start.year + years))

    def __str__(self):
        return self.key


_STORED = {MonthlyCount: "month", MonthlyTotal: "month", WeeklyCount: "week", WeeklyTotal: "week"}
_TOTALS = (MonthlyTotal, WeeklyTotal)


def _stored_period(qs):
    """The period a table of counts holds its counts by ("month", "week"); None for the
    incidents themselves."""
    return _STORED.get(qs.model)


def _monthly(qs):
    return _stored_period(qs) == "month"


def _tally(qs):
    """How `qs` counts incidents: one row each, or the stored counts summed."""
    # COUNT(*), not of a column: an index on the time alone can then answer the days of a
    # month begun without reading the table.
    return Sum("incidents") if _stored_period(qs) else Count("*")


def year_span(year, period=None):
    """The local dates [start, end) that make up `year`; for weeks the ISO year, so that week
    1 of 2026 (from 29 December 2025) counts in 2026 and no week is split."""
    if period == "week":
        return datetime.date.fromisocalendar(year, 1, 1), datetime.date.fromisocalendar(
            year + 1, 1, 1
        )
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def moved_to_year(end, year):
    """An end of a period (the day after its last) moved to `year`: the end 29 February of
    a leap year is 1 March of a common year, so that up to 28 February is compared with up
    to 28 February, and up to 1 March takes in a leap year's 29 February."""
    try:
        return end.replace(year=year)
    except ValueError:
        return datetime.date(year, 3, 1)


def _a_year_before(day, period):
    if period == "week":
        iso = day.isocalendar()
        try:
            return datetime.date.fromisocalendar(iso.year - 1, iso.week, iso.weekday)
        except ValueError:  # week 53: last year ended with week 52
            return datetime.date.fromisocalendar(iso.year, 1, 1)
    return moved_to_year(day, day.year - 1)


# Populations -----------------------------------------------------------------------------


def populations(municipality_ids):
    """{municipality id: [(quarter start, population), …] oldest first} from the official
    statistics. Every table row of a quarter carries the same population, so any will do."""
    known = {}
    rows = (
        StatValue.objects.filter(municipality__in=municipality_ids, population__isnull=False)
        .order_by()
        .values("municipality_id", "period_start")
        .annotate(population=Max("population"))
        .order_by("municipality_id", "period_start")
    )
    for row in rows:
        known.setdefault(row["municipality_id"], []).append(
            (row["period_start"], row["population"])
        )
    return known


def population_for(known, period):
    """The population of the newest quarter that began before the period ended: the latest
    count available for it. Incidents run past the last official quarter, so a newer period
    takes the newest known quarter; one before every known quarter takes the oldest.
    `period` None (all the incidents at once) takes the newest known quarter."""
    if not known:
        return None
    if period is None:
        return known[-1][1]
    index = bisect.bisect_left([start for start, _ in known], period.end)
    return known[max(index, 1) - 1][1]


def rate_per_1000(count, population):
    """count per 1,000 inhabitants, one decimal, rounded half up; None without a population."""
    if not population:
        return None
    return round_half_up(count * 1000, population)


# Counts ----------------------------------------------------------------------------------

GROUPS = ("municipality", "category")


def _check_by(by):
    by = (by,) if isinstance(by, str) else tuple(by)
    unknown = [name for name in by if name not in GROUPS]
    if unknown:
        raise ValueError(f"Cannot group by {unknown[0]!r}; expected {' and/or '.join(GROUPS)}.")
    return by


def _aggregate(qs, by, period):
    """{(period start or None, municipality id, code, name, category): count}."""
    fields = []
    qs = qs.order_by()
    stored = _stored_period(qs)
    if stored == "month" and period == "week":
        raise ValueError("Monthly counts cannot be split into weeks; use the weekly counts.")
    if stored == "week" and period not in (None, "week"):
        raise ValueError("Weekly counts run across months; use the monthly counts.")
    if qs.model in _TOTALS and "category" in by:
        raise ValueError("Totals have no categories; use the counts by category.")
    if period is not None and stored:
        # Grouped by the stored period and summed up into quarters and years here: SQLite
        # would truncate each row's date in a Python function, and there are few periods.
        fields.append(stored)
    elif period is not None:
        qs = qs.annotate(period_start=_TRUNC[period]("occurred_at", tzinfo=DANISH_TIME))
        fields.append("period_start")
    if "municipality" in by:
        fields += ["municipality_id", "municipality__code", "municipality__name"]
    if "category" in by:
        fields.append("category")
    if not fields:
        # values() without fields would group by every column, one group per incident.
        total = qs.aggregate(n=_tally(qs))["n"]
        return {(None, None, None, None, None): total} if total else {}
    result = {}
    for row in qs.values(*fields).annotate(n=_tally(qs)).order_by():
        if stored and period is not None:
            start = Period.containing(period, row[stored])
        else:
            start = row.get("period_start")
            start = Period(period, start.astimezone(DANISH_TIME).date()) if start else None
        key = (
            start,
            row.get("municipality_id"),
            row.get("municipality__code"),
            row.get("municipality__name"),
            row.get("category"),
        )
        result[key] = result.get(key, 0) + row["n"]
    return result


def _sort_key(key):
    period, _id, code, _name, category = key
    return (period.start if period else datetime.date.min, code or "", category or "")


@dataclass(frozen=True)
class CountRow:
    period: Period | None  # None when not split by period
    municipality_id: int | None  # None when not grouped by municipality, or not located
    municipality_code: str | None
    municipality_name: str | None
    category: str | None  # None when not grouped by category
    count: int | str  # "<5" in public output
    rate: Decimal | None  # per 1,000 inhabitants; only when grouped by municipality

    @property
    def category_label(self):
        return Category(self.category).label if self.category else None


def counts(qs, *, by=("municipality",), period=None, public=False):
    """Incidents per group and period: a list of CountRow, ordered by period start,
    municipality code and category; groups without incidents are left out.

    by: "municipality", "category" or both; period: "week", "month", "quarter", "year" or
    None for totals over the whole queryset. Grouped by municipality, each row has the
    rate per 1,000 inhabitants with the population from `population_for`.
    """
    by = _check_by(by)
    _check_period(period)
    counted = _aggregate(qs, by, period)
    shown = dict(zip(counted, counted.values(), strict=True))
    if public and period == "quarter":
        shown = _quarters_of_months(_aggregate(qs, by, "month"), counted)
    elif public:
        shown = _protected(counted)
    known = populations({key[1] for key in counted if key[1]}) if "municipality" in by else {}
    rows = []
    for key in sorted(counted, key=_sort_key):
        period_, municipality_id, code, name, category = key
        count = counted[key]
        rate = None
        if "municipality" in by and municipality_id is not None:
            rate = rate_per_1000(count, population_for(known.get(municipality_id), period_))
        if is_hidden(shown[key]):
            rate = None  # with the population known, the rate gives the count away
        rows.append(CountRow(period_, municipality_id, code, name, category, shown[key], rate))
    return rows


def _quarters_of_months(months, quarters):
    """{quarter key: count as published}: the months protected in their year (as the
    seasonal profile beside the quarters shows them), each quarter hidden when one of its
    months is, so that a quarter minus its visible months gives nothing away."""
    shown_months = _protected(months)
    parts = {}
    for key, shown in shown_months.items():
        quarter = Period.containing("quarter", key[0].start)
        parts.setdefault((quarter, *key[1:]), []).append(shown)
    return {key: rolled_up(count, parts.get(key, ())) for key, count in quarters.items()}


# Weeks, months and years beside each other -----------------------------------------------


def _monday_firsts(first, last):
    """The first days of a month from `first` to `last` (both included) that are Mondays."""
    day = datetime.date(first.year, first.month, 1)
    if day < first:
        day = _add_months(day, 1)
    found = []
    while day <= last:
        if day.weekday() == 0:
            found.append(day)
        day = _add_months(day, 1)
    return found


def aligned_spans(first, last):
    """The shortest runs of whole months between the local dates `first` and `last` that
    are runs of whole ISO weeks as well, as [(start, end)], `end` not included: from a first
    of the month that is a Monday to the next one. February 2021 is one (weeks 5 to 8 of
    2021), March to October 2021 another (weeks 9 to 43), and November 2021 to July 2022 a
    third, across the new year. A longer run of months that lines up with weeks is a row of
    these, and its equation their sum."""
    days = _monday_firsts(first, last)
    return list(zip(days, days[1:], strict=False))


def _tighten(terms, total, bounds):
    """Narrow `bounds` ({cell: (least, most)}) by one published equation: the sum of sign ×
    count over `terms` [(cell, sign)] lies in `total` (least, most). Each cell is the total
    less the others, at their least and their most. Returns the cells narrowed."""
    # The sums of the finite ends and the numbers of infinite ones, so that a cell's own end
    # can be taken out of the sum again (inf - inf has no value). One pass, without
    # min() and max(): a year's weeks and months are checked a thousand times a request.
    inf = math.inf
    ranges = []
    low = high = 0
    open_low = open_high = 0
    for cell, sign in terms:
        a, b = bounds[cell]
        if sign < 0:
            a, b = -b, -a
        ranges.append((a, b))
        if a == -inf:
            open_low += 1
        else:
            low += a
        if b == inf:
            open_high += 1
        else:
            high += b
    if open_low > 1 and open_high > 1:
        return []  # every cell's rest is unbounded both ways
    total_least, total_most = total
    narrowed = []
    for (cell, sign), (a, b) in zip(terms, ranges, strict=True):
        # The others' sum: unbounded when any other end is.
        own_low_open, own_high_open = a == -inf, b == inf
        rest_low = -inf if open_low - own_low_open else low - (0 if own_low_open else a)
        rest_high = inf if open_high - own_high_open else high - (0 if own_high_open else b)
        least, most = total_least - rest_high, total_most - rest_low
        if sign < 0:
            least, most = -most, -least
        old_least, old_most = bounds[cell]
        if least > old_least or most < old_most:
            bounds[cell] = (
                least if least > old_least else old_least,
                most if most < old_most else old_most,
            )
            narrowed.append(cell)
    return narrowed


def _work_out(equations, bounds):
    """Narrow `bounds` as far as the published `equations` [(terms, total)] allow, each in
    turn until none narrows any cell further (the ends are whole numbers and only move
    inwards, so that ends); returns `bounds`."""
    holding = {}
    for index, (terms, _total) in enumerate(equations):
        for cell, _sign in terms:
            holding.setdefault(cell, []).append(index)
    pending = list(range(len(equations)))
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        terms, total = equations[index]
        for cell in _tighten(terms, total, bounds):
            if bounds[cell][0] > bounds[cell][1]:
                return bounds  # cannot be: the bounds hold the true counts
            for other in holding[cell]:
                if other not in queued:
                    queued.add(other)
                    pending.append(other)
    return bounds


@dataclass(frozen=True, order=True)
class SoFar:
    """The incidents of a year from 1 January up to the local date `end` (not included), as
    the key figures compare a year that is still running with the same days of the year
    before."""

    start: datetime.date
    end: datetime.date
    kind = "so_far"


@dataclass(frozen=True, order=True)
class _Unweeked:
    """The last days of a month, from `start`, a Monday, up to `end`, the first of the next
    month, when the published counts end on `end`: in the month, but in no week published,
    since their week runs on into the next month. No one reads them, but the weeks beside
    the months may give them away."""

    start: datetime.date
    end: datetime.date
    kind = "part"


# Which cells the fixpoint may hide to protect the counts of an equation: the smallest
# shown of those (see `protect_calendar`). Only weeks are hidden for a span: the months and
# their sums read alike wherever they are published, and the sums are given.
_CANDIDATES = {"span": ("week",), "sum": (), "weeks": ("week",)}


class _Calendar:
    """The cells of `protect_calendar`, numbered: every month of the calendar years, every
    week of the ISO years around the incidents and each of those calendar years' totals;
    its groups (a year's months, an ISO year's weeks, the years) and aligned spans; and the
    equations the public reads between weeks and months."""

    def __init__(self, weeks, months, until=None):
        nonzero = [period for period, n in (*weeks.items(), *months.items()) if n]
        # From the last Monday that begins a month on or before the first incident to the
        # first on or after the last one: every aligned span with an incident lies within.
        start = min(period.start for period in nonzero).replace(day=1)
        while start.weekday():
            start = _add_months(start, -1)
        end = max(period.end for period in nonzero)
        end = end if end.day == 1 else _add_months(end.replace(day=1), 1)
        while end.weekday():
            end = _add_months(end, 1)
        last = end - datetime.timedelta(days=1)
        self.cells, self.counts, self.groups = [], [], []
        self.forced = set()  # hidden beside the other selections (`protect_calendar`)
        self.fixed = set()  # weeks published in an earlier month, shown as they were
        years = range(start.year, last.year + 1)
        month_groups = []
        for year in years:
            first = datetime.date(year, 1, 1)
            month_groups.append(
                self._add_group([Period("month", _add_months(first, k)) for k in range(12)], months)
            )
        for year in range(start.isocalendar().year, last.isocalendar().year + 1):
            monday, after = year_span(year, "week")
            mondays = range(0, (after - monday).days, 7)
            self._add_group(
                [Period("week", monday + datetime.timedelta(days=d)) for d in mondays], weeks
            )
        # A year is the sum of its months; the years around the incidents, none of them,
        # are no part of the years published.
        with_incidents = [period.year for period, n in months.items() if n]
        year_totals = {
            Period("year", datetime.date(year, 1, 1)): sum(self.counts[c] for c in group)
            for year, group in zip(years, month_groups, strict=True)
            if with_incidents and min(with_incidents) <= year <= max(with_incidents)
        }
        self._add_group(list(year_totals), year_totals)
        self.group_of = {cell: g for g, group in enumerate(self.groups) for cell in group}
        self.index = {period: cell for cell, period in enumerate(self.cells)}
        spans = aligned_spans(start, end)
        starts = [span_start for span_start, _end in spans]
        self.sides = [{"week": [], "month": []} for _span in spans]
        self.side_of = {}
        for cell, period in enumerate(self.cells):
            if period.kind not in ("week", "month"):
                continue
            index = bisect.bisect_right(starts, period.start) - 1
            if index >= 0 and period.start < spans[index][1]:
                self.sides[index][period.kind].append(cell)
                self.side_of[cell] = (index, period.kind)
        unweeked = None if until is None else self._add_unweeked(until)
        self.unweeked = unweeked
        # The public reads each span's weeks adding up to the same as its months; days in
        # the months but in no week make up the difference of both. What the sums of months
        # add is given by `protect_calendar`.
        self.equations = []
        for side, (span_start, span_end) in zip(self.sides, spans, strict=True):
            terms = [(c, 1) for c in side["week"]] + [(c, -1) for c in side["month"]]
            if unweeked is not None and span_start <= self.cells[unweeked].start < span_end:
                terms.append((unweeked, 1))
            self.equations.append(("span", terms, (0, 0)))

    def _add_group(self, periods, counted):
        group = list(range(len(self.cells), len(self.cells) + len(periods)))
        self.groups.append(group)
        self.cells += periods
        self.counts += [counted.get(period, 0) for period in periods]
        return group

    def _add_cell(self, what, count):
        self.cells.append(what)
        self.counts.append(count)
        self.index[what] = len(self.cells) - 1
        return len(self.cells) - 1

    def _add_unweeked(self, until):
        """The cell of the days from the last Monday on or before `until` up to it, which
        are counted in the months (before `until`) and in no week (the weeks end by it);
        None when there are no such days, or no incidents on them."""
        monday = Period.containing("week", until).start
        if monday == until:
            return None
        counted = list(zip(self.cells, self.counts, strict=True))
        in_months = sum(n for what, n in counted if what.kind == "month")
        in_weeks = sum(n for what, n in counted if what.kind == "week")
        if in_months == in_weeks:
            return None
        return self._add_cell(_Unweeked(monday, until), in_months - in_weeks)

    def candidates(self, kind, cells, shown):
        """The cells of an equation of `kind` that may be hidden for it."""
        kinds = _CANDIDATES[kind]
        return [
            c
            for c in cells
            if self.cells[c].kind in kinds
            and not is_hidden(shown[c])
            and shown[c]
            and c not in self.fixed
        ]

    def readable(self, shown):
        """{cell: (least, most)}: what the public knows of each count as shown, before any
        sum: a number is itself, "<5" 1 to 4, and ".." 5 up to the smallest count shown in
        its group, or on its side of its span when that is more (a ".." hidden for a span is
        the smallest of the span, but not always of the year). A ".." of a group hidden whole
        may be any number; a count up to a day hidden as ".." is 5 or more, and the parts
        of a month that no one reads are any number."""

        def smallest_shown(cells):
            return min(
                (shown[c] for c in cells if not is_hidden(shown[c]) and shown[c]),
                default=math.inf,
            )

        whole = {g for g, group in enumerate(self.groups) if _hidden_whole(shown, group)}
        group_most = {g: smallest_shown(group) for g, group in enumerate(self.groups)}
        side_most = {
            (index, kind): smallest_shown(cells)
            for index, side in enumerate(self.sides)
            for kind, cells in side.items()
        }
        bounds = {}
        for cell, value in enumerate(shown):
            kind = self.cells[cell].kind
            if kind == "part":
                bounds[cell] = (0, math.inf)
            elif value == SMALL_COUNT:
                bounds[cell] = (1, SMALL_COUNT_LIMIT - 1)
            elif value != SECONDARY:
                bounds[cell] = (value, value)
            elif cell in self.forced:
                # A week hidden whole in an earlier month may be any number.
                small_before = self.counts[cell] < SMALL_COUNT_LIMIT
                bounds[cell] = (0 if small_before else SMALL_COUNT_LIMIT, math.inf)
            elif self.group_of[cell] in whole:
                bounds[cell] = (0, math.inf)
            else:
                most = group_most[self.group_of[cell]]
                if cell in self.side_of:
                    most = max(most, side_most[self.side_of[cell]])
                bounds[cell] = (SMALL_COUNT_LIMIT, most)
        return bounds

    def exposed(self, shown, equations=None):
        """The hidden cells whose counts (but 0) can be worked out from all that is
        published (or from `equations` alone), and the parts of months no one reads that
        can be, where they are small."""
        if equations is None:
            equations = self.equations
        bounds = _work_out(
            [(terms, total) for _kind, terms, total in equations], self.readable(shown)
        )
        # A 0 worked out points at no one: the zeros of a group hidden whole are hidden so
        # that they do not tell which counts make up its total, which the bounds reckon with.
        return {
            cell
            for cell, (least, most) in bounds.items()
            if least >= most
            and self.counts[cell]
            and (
                is_small(self.counts[cell])
                if self.cells[cell].kind == "part"
                else is_hidden(shown[cell])
            )
        }


def _hidden_whole(shown, cells):
    return all(shown[cell] == SECONDARY for cell in cells)


def protect_calendar(
    weeks,
    months,
    so_far=(),
    *,
    until=None,
    hidden_months=(),
    withheld_sums=(),
    read_before=None,
):
    """The counts of one selection per ISO week and per month ({Period: count}; periods
    without incidents may be left out), the years they add up to, the total of every year,
    and `so_far`, counts from 1 January up to the first of a month [(first, until, count)]
    as the key figures show them, all as the public may read them beside each other:
    {"week": {Period: count as published}, "month": {…}, "year": {…}, "so_far": {SoFar:
    …}, "total": count as published}, with every week, month and year of the ISO and
    calendar years around the incidents.

    `until`, the first of a month: the counts are published up to it, not including it, as
    the public reads whole months only: the months before it and the weeks that end by it
    (`published_weeks_until`); later ones are left out of `weeks` and `months`. The days
    from the last such week's end up to `until` are in the months but in no week: no one
    reads them, and they must not be worked out either.

    A month is shown as it is, "<5" when small. A sum of months (a year, a year up to a
    month, every year) is published every month anew, and a reader who keeps last month's
    subtracts: the difference is the months added since. So each sum follows
    `protected_sums`: it is published only where, beside every value of it published
    before (as the same rule has chosen them month by month) and of the other sums, no
    small month can be worked out; otherwise it is "..". Beside the other selections' sums
    and months, the public reads a sum only where each of its months reads as a number
    (`families.withheld_sums`). A quarter and a month of the year over several years are
    hidden when one of their months is (`rolled_up`).

    Where a run of whole weeks covers exactly a run of whole months (`aligned_spans`:
    February 2021 is ISO weeks 5 to 8 of 2021), the weeks add up to the months, so a
    small week beside its shown neighbours and month is the month less the neighbours,
    and a small month the sum of its weeks. While a hidden count but 0 (or a small count
    of the last days of a month in no week) can be worked out from the spans, the sums
    published and what each "<5" and ".." says of itself (`_Calendar.readable`), combined
    until nothing more follows, the smallest shown week of the first span that holds one
    is hidden as ".." (see `_CANDIDATES`); if no week is left to hide there, the ISO years
    of those weeks are hidden whole, zeros included. Weeks alone are hidden for the spans,
    so that the months, and with them every sum, read the same in every selection that
    publishes them: a municipality's year in the district's table is the year its own
    selection shows. A count hidden never lets one be worked out that could not be before,
    and each step hides one more, so it ends.

    `hidden_months`: the starts of the months read as ".." beside the other selections'
    (`families`). They are 5 or more; the sums and the weeks are protected so that they
    cannot be worked out either. `withheld_sums`: the sums of months read as ".." beside
    the other selections' (`protected_sums`, `families.withheld_sums`). `read_before`:
    {week Period: count as published} of the weeks published in earlier months, which read
    as they did then: a reader who kept them knows them (see `weeks_month_by_month`)."""
    if until is not None and until.day != 1:
        raise ValueError(f"{until} does not begin a month.")
    weeks = {period: n for period, n in weeks.items() if n and _is_published(period, until)}
    months = {period: n for period, n in months.items() if n and _is_published(period, until)}
    sums = protected_sums(months, until, hidden_months, withheld_sums)
    published = {"week": {}, "month": {}, "year": {}, "so_far": {}, "total": 0, "sums": sums}
    for first, end, count in so_far:
        published["so_far"][SoFar(first, end)] = sums.shown(first, end, count)
    if not weeks and not months:
        return published
    published["total"] = sums.total
    calendar = _Calendar(weeks, months, until)
    year_cells = [c for c, what in enumerate(calendar.cells) if what.kind == "year"]
    read_before = read_before or {}
    # A week hidden before stays hidden, a 0 too: hidden whole, it hid where the others lie.
    calendar.forced = {
        cell
        for cell, what in enumerate(calendar.cells)
        if (what.kind == "month" and calendar.counts[cell] and what.start in sums.hidden)
        or (what.kind == "week" and read_before.get(what) == SECONDARY)
    }
    calendar.fixed = {
        cell
        for cell, what in enumerate(calendar.cells)
        if what.kind == "week" and what in read_before and read_before[what] != SECONDARY
    }
    if not calendar.forced and not any(is_small(count) for count in calendar.counts):
        # No count from 1 to 4 anywhere, so none to hide, and none to work out: a large
        # selection (a district's, a municipality's over its categories) is read as it is.
        shown = [
            SECONDARY if what.kind == "part" else count
            for what, count in zip(calendar.cells, calendar.counts, strict=True)
        ]
        return _published(calendar, shown, published)
    # The spans, and the sums as published: the weeks are protected against both. A
    # year's own cell is in neither (its count is the sum's), so it reads as a number here.
    calendar.equations += [
        ("sum", [(calendar.index[Period("month", day)], 1) for day in days], total)
        for days, total in sums.equations
    ]
    calendar.equations += _weeks_summed(calendar, sums)
    shown = [
        SECONDARY if what.kind == "part" or cell in calendar.forced else public_count(count)
        for cell, (what, count) in enumerate(zip(calendar.cells, calendar.counts, strict=True))
    ]
    for cell in year_cells:
        shown[cell] = calendar.counts[cell]
    exposed = calendar.exposed(shown)
    while exposed:
        fallback = None
        for kind, terms, _total in calendar.equations:
            cells = [cell for cell, _sign in terms]
            candidates = calendar.candidates(kind, cells, shown)
            if exposed.isdisjoint(cells) or not candidates:
                continue
            chosen = min(candidates, key=lambda c: (calendar.counts[c], c))
            trial = list(shown)
            trial[chosen] = SECONDARY
            left = calendar.exposed(trial)
            if len(left) < len(exposed):
                shown, exposed = trial, left
                break
            fallback = fallback or (trial, left)
        else:
            if fallback is not None:
                shown, exposed = fallback
                continue
            # No week left to hide where a count can be worked out: the ISO years of the
            # weeks of those spans are hidden whole, zeros included.
            spans = {calendar.side_of[c][0] for c in exposed if c in calendar.side_of}
            spans |= {
                index
                for c in exposed
                if calendar.cells[c].kind == "part"
                for index, side in enumerate(calendar.sides)
                if side["week"]
                and calendar.cells[side["week"][0]].start
                <= calendar.cells[c].start
                <= calendar.cells[side["week"][-1]].start
            }
            groups = {calendar.group_of[c] for i in spans for c in calendar.sides[i]["week"]}
            cells = [cell for g in sorted(groups) for cell in calendar.groups[g]]
            if not cells or _hidden_whole(shown, cells):
                break  # cannot be: weeks hidden whole give nothing away
            for cell in cells:
                shown[cell] = SECONDARY
            exposed = calendar.exposed(shown)
    for cell in year_cells:
        shown[cell] = sums.year(calendar.cells[cell].start.year)
    return _published(calendar, shown, published)


def _weeks_summed(calendar, sums):
    """The equations the sums published make of the weeks: where the count between two
    month boundaries that begin a week (or the first and last of the counts) is known, the
    weeks between them (and the days in no week at the end) add up to it. Only where small
    months lie between them: elsewhere the months shown say as much through the spans."""
    known = sums.known
    if known is None or not known.small:
        return []
    days = [*known.starts, sums.end]
    last = len(days) - 1
    points = sorted({0, last} | {i for i, day in enumerate(days) if day.weekday() == 0})
    weeks = sorted(
        (what.start, cell) for cell, what in enumerate(calendar.cells) if what.kind == "week"
    )
    found = []
    for n, a in enumerate(points):
        for b in points[n + 1 :]:
            if not any(a <= i < b for i in known.small):
                continue
            total = known.difference(a, b)
            if total is None:
                continue
            low = days[a] if a else datetime.date.min
            high = days[b] if b < last or days[b].weekday() == 0 else datetime.date.max
            terms = [(cell, 1) for start, cell in weeks if low <= start < high]
            if b == last and calendar.unweeked is not None:
                terms.append((calendar.unweeked, 1))
            found.append(("weeks", terms, (total, total)))
            break  # a longer run is this one and those after it
    return found


@dataclass
class Sums:
    """The sums of a selection's months as `protected_sums` publishes them."""

    values: dict  # {(chain, end): count as published}; chain: a year, or None (every year)
    equations: list  # [(month starts, (least, most))]: what they tell of the small months
    first: datetime.date | None = None
    end: datetime.date | None = None
    months: dict = None  # {month start: count}
    known: object = None  # `_Known` of what is published
    hidden: frozenset = frozenset()  # the month starts hidden as ".." (`families`)

    def shown(self, first, end, count):
        """The count from 1 January `first` up to the local date `end` as published. Up
        to another day than a month's first: the sum up to that month, published, and
        the days of it before and from `end`, neither of them small; otherwise hidden."""
        if not count:
            return 0
        if end.day == 1 or self.first is None:
            return self.values.get((first.year, end), SECONDARY if self.months else count)
        month = end.replace(day=1)
        if self.first <= month < self.end:
            before = self.known.between(max(first, self.first), month)
        else:
            before = 0 if month <= self.first else None
        in_month = (self.months or {}).get(month, 0)
        if before is None or is_small(in_month) or month in self.hidden:
            return SECONDARY
        part = count - before
        if is_small(part) or is_small(in_month - part):
            return SECONDARY
        return count

    def year(self, year):
        if self.first is None or year < self.first.year or year >= self.end.year + 1:
            return 0
        end = min(datetime.date(year + 1, 1, 1), self.end)
        return self.values.get((year, end), 0)

    @property
    def total(self):
        return 0 if self.first is None else self.values[(None, self.end)]


# A month hidden as ".." is 5 or more, and nothing published bounds it from above by itself;
# a float, so that the shortest paths stay exact.
_UNBOUNDED = 1e12


class _Known:
    """What a reader knows of a run of months from what is published, exactly: each count
    up to a month boundary is a number P, each month the difference of two, and all that
    is published says how far apart two of them may be at most: a month shown, a sum
    shown (P at its end less P at its start), a "<5" (1 to 4). Such a system of
    differences is solved by shortest paths, and its bounds are reached by whole numbers,
    so `width` says exactly how many values a sum of months may still have (0: it can be
    worked out), whatever the reader combines: two years' sums beside the total as well as
    a year read in two months.

    Only the boundaries of small months count (`nodes`): between two of them every month
    is shown, so the count up to any boundary is that at the last node before it plus the
    months shown since (`_at`)."""

    def __init__(self, starts, counts, small, hidden=()):
        self.starts, self.counts = starts, counts
        self.small = sorted(small)
        self.index = {day: i for i, day in enumerate([*starts, _add_months(starts[-1], 1)])}
        self.nodes = sorted({0} | set(small) | {i + 1 for i in small})
        position = {boundary: n for n, boundary in enumerate(self.nodes)}
        self.position = position
        # The node at or before each boundary, and the months shown from it up to there.
        self.anchor, self.after = [], []
        node = 0
        for boundary in range(len(starts) + 1):
            if boundary in position:
                node, since = boundary, 0
            elif boundary:
                since += counts[boundary - 1]
            self.anchor.append(position[node])
            self.after.append(since)
        # Between neighbouring nodes: a small month (1 to 4) or months shown (exactly).
        steps = []
        for left, right in zip(self.nodes, self.nodes[1:], strict=False):
            if right == left + 1 and left in hidden:
                steps.append((SMALL_COUNT_LIMIT, _UNBOUNDED))
            elif right == left + 1 and is_small(counts[left]):
                steps.append((1, SMALL_COUNT_LIMIT - 1))
            else:
                shown = sum(counts[left:right])
                steps.append((shown, shown))
        # most[x][y]: P(y) - P(x) at most, along the steps; their least in reverse.
        low = numpy.concatenate(([0], numpy.cumsum([step[0] for step in steps])))
        high = numpy.concatenate(([0], numpy.cumsum([step[1] for step in steps])))
        index = numpy.arange(len(self.nodes))
        ahead = index[None, :] >= index[:, None]
        self.most = numpy.where(
            ahead, high[None, :] - high[:, None], low[None, :] - low[:, None]
        ).astype(float)
        self.small_sums = []  # [(a, b)] of the sums published as "<5"

    def _at(self, boundary):
        return self.anchor[boundary], self.after[boundary]

    def width(self, a, b):
        """How far the sum of the months from boundary `a` up to `b` may still vary."""
        (x, _), (y, _) = self._at(a), self._at(b)
        return self.most[x, y] + self.most[y, x]

    def linked(self, a, b):
        return self.width(a, b) == 0

    def difference(self, a, b):
        """The sum of the months from boundary `a` up to `b`, where known; else None."""
        if not self.linked(a, b):
            return None
        (x, after_a), (y, after_b) = self._at(a), self._at(b)
        return int(self.most[x, y]) + after_b - after_a

    def between(self, first, end):
        """The count from the month starting `first` up to `end`, where known."""
        a, b = self.index.get(first), self.index.get(end)
        return None if a is None or b is None else self.difference(a, b)

    def _edges(self, a, b, least, most):
        """The sum from boundary `a` up to `b` lies in [least, most], as edges between
        nodes: (from, to, at most)."""
        (x, after_a), (y, after_b) = self._at(a), self._at(b)
        shift = after_b - after_a
        return [(x, y, most - shift), (y, x, shift - least)]

    def _through(self, edges, xs, ys):
        """Shortest paths from nodes `xs` to nodes `ys` (arrays of the same length) once
        `edges` are added, one after the other, as `publish` adds them."""
        most = self.most
        (u1, v1, w1), (u2, v2, w2) = edges
        first = numpy.minimum(most[xs, ys], most[xs, u1] + w1 + most[v1, ys])
        to_u2 = numpy.minimum(most[xs, u2], most[xs, u1] + w1 + most[v1, u2])
        from_v2 = numpy.minimum(most[v2, ys], most[v2, u1] + w1 + most[v1, ys])
        return numpy.minimum(first, to_u2 + w2 + from_v2)

    def pins(self, a, b, least, most):
        """Whether publishing that the sum from `a` up to `b` lies in [least, most] lets a
        small month, or a sum published as "<5", be worked out."""
        edges = self._edges(a, b, least, most)
        pairs = [(self.position[i], self.position[i + 1]) for i in self.small]
        pairs += [(self._at(c)[0], self._at(d)[0]) for c, d in self.small_sums]
        xs = numpy.array([x for x, _y in pairs], dtype=int)
        ys = numpy.array([y for _x, y in pairs], dtype=int)
        width = self._through(edges, xs, ys) + self._through(edges, ys, xs)
        return bool((width <= 0).any())

    def publish(self, a, b, value):
        """The sum of the months from boundary `a` up to `b` published as `value`."""
        if value == SECONDARY:
            return
        if value == SMALL_COUNT:
            least, most = 1, SMALL_COUNT_LIMIT - 1
            self.small_sums.append((a, b))
        else:
            least = most = value
        for u, v, weight in self._edges(a, b, least, most):
            self.most = numpy.minimum(
                self.most, self.most[:, u : u + 1] + weight + self.most[v : v + 1, :]
            )

    def month_equations(self):
        """[(month starts, (least, most))]: between each two boundaries next to each other
        whose difference is known, the small months' sum."""
        found = []
        classes = {}
        exact = (self.most + self.most.T) == 0
        for node in range(len(self.nodes)):
            key = next((c for c in classes if exact[c, node]), None)
            classes.setdefault(node if key is None else key, []).append(node)
        for members in classes.values():
            for x, y in zip(members, members[1:], strict=False):
                left, right = self.nodes[x], self.nodes[y]
                terms = [i for i in self.small if left <= i < right]
                if terms:
                    rest = sum(n for i, n in enumerate(self.counts[left:right], left))
                    rest -= sum(self.counts[i] for i in terms)
                    total = int(self.most[x, y]) - rest
                    found.append(([self.starts[i] for i in terms], (total, total)))
        return found


def protected_sums(months, until=None, hidden=(), withheld=()):
    """The sums of a selection's months ({Period: count}) the public reads, as published:
    each year up to each month's end, and every year up to it (the total), from the first
    month with incidents up to `until` (the first of a month, not included; None: the end of
    the last one with incidents). A reader who keeps what is published every month knows
    each of them: the year of 2026 read in November (up to 1 November) and again in December
    gives November as their difference.

    The months are shown as they are, "<5" when small. In time order, each sum at each
    month's end is published when, with the sums published before, the months as shown,
    the years beside the total and what a "<5" says of itself (1 to 4), no small month and
    no sum published as "<5" can be worked out (`_Known`: alone between two month
    boundaries whose difference the published sums give, or from the bounds `_work_out`
    narrows); otherwise it is "..". A small sum reads "<5". The decisions depend on the
    months alone, so every page that publishes the sum of a municipality (its own
    selection, the district's table, the comparison with last year) reads the same.

    `hidden`: the starts of the months read as ".." beside the other selections' same
    months (`families`). No sum that holds one is published: such a month moves with its
    partners in the other selections' same month, and sums of several selections over two
    such months would close a loop around them (January's burglaries and violence,
    February's, each category's year) whose bounds pin a "<5".
    `withheld`: the sums, as keys of `Sums.values`, read as ".." beside the other
    selections' sums and months: those that hold a small month (`families.withheld_sums`).

    Returns a Sums with the published values and what they say of the small and hidden
    months, for `protect_calendar` to protect the weeks against."""
    counted = {period.start: n for period, n in months.items() if n}
    if not counted:
        return Sums({}, [])
    hidden = frozenset(day for day in hidden if counted.get(day))
    first = min(counted)
    end = until if until is not None else _add_months(max(counted), 1)
    starts = []
    day = first
    while day < end:
        starts.append(day)
        day = _add_months(day, 1)
    counts = [counted.get(day, 0) for day in starts]
    hiding = {i for i, day in enumerate(starts) if day in hidden}
    small = [i for i, n in enumerate(counts) if is_small(n) or i in hiding]
    known = _Known(starts, counts, small, hiding)
    hidden_before = numpy.cumsum([0] + [i in hiding for i in range(len(starts))])
    values = {}
    for b in range(1, len(starts) + 1):
        boundary = _add_months(starts[b - 1], 1)
        year = starts[b - 1].year
        begin = known.index[max(datetime.date(year, 1, 1), first)]
        for chain, a in ((year, begin), (None, 0)):
            value = sum(counts[a:b])
            shown = public_count(value)
            if not known.linked(a, b):
                least, most = (1, SMALL_COUNT_LIMIT - 1) if shown == SMALL_COUNT else (value, value)
                if hidden_before[b] > hidden_before[a] or known.pins(a, b, least, most):
                    shown = SECONDARY
                known.publish(a, b, shown)
            values[(chain, boundary)] = shown
    for key in withheld:
        if values.get(key):
            # Still reckoned as published above: what follows was decided with it, and
            # reads no more for its absence.
            values[key] = SECONDARY
    return Sums(values, known.month_equations(), first, end, counted, known, hidden)


def _published(calendar, shown, published):
    for what, value in zip(calendar.cells, shown, strict=True):
        if what.kind != "part":
            published[what.kind][what] = value
    return published


def published_weeks_until(until):
    """The first day after the last ISO week the public reads when the counts end before the
    local date `until`: the Monday on or before it, so that a week that runs into the month
    of `until` is read once that month is whole as well."""
    return Period.containing("week", until).start


def _is_published(period, until):
    """Whether the public reads `period` of counts that end before `until` (None: every
    period): the months, quarters and years that begin before it (of whole months, then),
    and the weeks that end by it."""
    if until is None:
        return True
    if period.kind == "week":
        return period.end <= until
    return period.start < until


def protect_weeks_and_months(weeks, months):
    """({week: count as published}, {month: count as published}) of `protect_calendar`."""
    published = protect_calendar(weeks, months)
    return published["week"], published["month"]


@dataclass(frozen=True)
class Calendar:
    """A selection's incidents per ISO week, month and year over every year it has them,
    and the counts as the public may read them beside each other (`protect_calendar`).
    Wherever they are published (the dashboard's charts, their downloads, the key figures,
    the PDF), the weeks, months, quarters, years and months of the year are read from here,
    so that none of them can be worked out from another."""

    weeks: dict  # {Period: count}, periods without incidents left out
    months: dict
    shown_weeks: dict  # {Period: count as published}; a period not in it is 0
    shown_months: dict
    shown_years: dict = None
    shown_so_far: dict = None  # {SoFar: count as published}
    until: datetime.date | None = None  # the counts end before it (see `protect_calendar`)
    shown_total: int | str = None  # every year together, as published
    sums: Sums = None  # the sums of months as published, month by month (`protected_sums`)

    def published(self, period):
        """Whether `period` is published: every one, unless the counts end at `until`;
        then the months, quarters and years that begin before it and the weeks that end by
        it."""
        return _is_published(period, self.until)

    def counted(self, kind):
        """{Period: count} of the weeks, months, quarters or years with incidents."""
        if kind == "week":
            return dict(self.weeks)
        if kind == "month":
            return dict(self.months)
        summed = {}
        for month, n in self.months.items():
            period = Period.containing(kind, month.start)
            summed[period] = summed.get(period, 0) + n
        return summed

    def shown(self, period):
        """A week, month, quarter or year as published; a quarter is hidden when a month
        is."""
        if period.kind == "week":
            return self.shown_weeks.get(period, 0)
        if period.kind == "month":
            return self.shown_months.get(period, 0)
        if period.kind == "year":
            return (self.shown_years or {}).get(period, 0)
        months = [Period("month", _add_months(period.start, k)) for k in range(3)]
        return rolled_up(
            sum(self.months.get(month, 0) for month in months),
            [self.shown_months.get(month, 0) for month in months],
        )

    def so_far(self, first, until):
        """The count from `first` (1 January) up to `until` as published; None when the
        calendar was not given it."""
        return (self.shown_so_far or {}).get(SoFar(first, until))

    def season(self, years=None):
        """Incidents per month of the year summed over `years` (None: every year), as
        published: a month of the year is hidden when one of its months is."""
        per_month, parts = {}, {}
        for month in set(self.months) | set(self.shown_months):
            if years is not None and month.year not in years:
                continue
            per_month[month.number] = per_month.get(month.number, 0) + self.months.get(month, 0)
            parts.setdefault(month.number, []).append(self.shown_months.get(month, 0))
        return [
            MonthCount(month, rolled_up(per_month.get(month, 0), parts.get(month, ())))
            for month in range(1, 13)
        ]


def weeks_and_months(
    weeks,
    months,
    so_far=(),
    *,
    until=None,
    hidden_months=(),
    withheld_sums=(),
    month_by_month=False,
):
    """The Calendar of one selection, from its weekly counts `weeks` and monthly counts
    `months` (or its incidents for either), neither narrowed to a year: hiding one count
    may hide another a year away, and a year's numbers must not depend on the years asked
    for along with it. `so_far`: the counts from 1 January up to a day that the key figures
    publish beside them, [(first, until, count)]; the dashboard gives the public whole
    months (`report.comparison_for`), which the months already add up to. `until`: the
    first of a month the published counts end before (see `protect_calendar`).
    `hidden_months`, `withheld_sums`: what is hidden beside the other selections'
    (`families`). `month_by_month`: the weeks are published, and read as they were in
    every month before `until` (`weeks_month_by_month`)."""
    counted_weeks = {
        key[0]: n
        for key, n in _aggregate(weeks, (), "week").items()
        if _is_published(key[0], until)
    }
    counted_months = {
        key[0]: n
        for key, n in _aggregate(months, (), "month").items()
        if _is_published(key[0], until)
    }
    read_before = None
    if month_by_month and until is not None:
        read_before = weeks_month_by_month(
            counted_weeks, counted_months, until, hidden_months, withheld_sums
        )
    published = protect_calendar(
        counted_weeks,
        counted_months,
        so_far,
        until=until,
        hidden_months=hidden_months,
        withheld_sums=withheld_sums,
        read_before=read_before,
    )
    return Calendar(
        counted_weeks,
        counted_months,
        published["week"],
        published["month"],
        published["year"],
        published["so_far"],
        until,
        published["total"],
        published["sums"],
    )


def weeks_month_by_month(weeks, months, until, hidden_months=(), withheld_sums=()):
    """See `_weeks_month_by_month`; the readings of the same counts are made once per
    process: they are the same for every reader and every request of a month."""
    return dict(
        _weeks_month_by_month(
            tuple(sorted(weeks.items())),
            tuple(sorted(months.items())),
            until,
            frozenset(hidden_months),
            frozenset(withheld_sums),
        )
    )


@lru_cache(maxsize=256)
def _weeks_month_by_month(weeks, months, until, hidden_months, withheld_sums):
    """{week Period: count as published} of the weeks a reader who came back every month
    before `until` has read: each week as it was first published, at the first of the
    month after it ended.

    `protect_calendar` chooses the weeks to hide beside the months anew with every month's
    counts, and a reader keeps them all: a week hidden last month beside a "<5" and shown
    this month, beside weeks shown last month, gives the "<5" away. So each month's reading
    is protected with every week read before as it was then (`read_before`): those shown
    are known, those hidden stay hidden, and only the weeks new that month may be hidden.
    The months, their sums and what is hidden beside the other selections are the same in
    every reading, so the readings follow from the counts alone and read the same later."""
    weeks, months = dict(weeks), dict(months)
    if not months:
        return ()
    read = {}
    reading = _add_months(min(months).start, 1)
    while reading < until:
        published = protect_calendar(
            {week: n for week, n in weeks.items() if _is_published(week, reading)},
            {month: n for month, n in months.items() if _is_published(month, reading)},
            until=reading,
            hidden_months=[day for day in hidden_months if day < reading],
            withheld_sums=[key for key in withheld_sums if key[1] <= reading],
            read_before=read,
        )
        for week, shown in published["week"].items():
            if week not in read and _is_published(week, reading):
                read[week] = shown
        reading = _add_months(reading, 1)
    return tuple(read.items())


# Change against last year ----------------------------------------------------------------


def percent_change(difference, previous):
    """difference / previous in percent, one decimal, half away from zero; None from 0."""
    if not previous:
        return None
    value = round_half_up(abs(difference) * 100, previous)
    return -value if difference < 0 else value


@dataclass(frozen=True)
class ChangeRow:
    period: Period | None  # the period of `year`; None for the whole year
    municipality_id: int | None
    municipality_code: str | None
    municipality_name: str | None
    category: str | None
    count: int | str
    previous: int | str | None  # None when last year had no such period (ISO week 53)
    difference: int | None
    percent: Decimal | None  # None when last year's count was 0

    @property
    def category_label(self):
        return Category(self.category).label if self.category else None


def changes(qs, *, year, by=(), period=None, until=None, public=False, months=None, sums=None):
    """Each period of `year` against the same period a year earlier: a list of ChangeRow
    ordered like `counts`, with every group that had incidents in either year.

    Weeks are compared by ISO week number within ISO years. `until` (a local date, not
    included) ends a running year early, and last year is cut on the same day, so that half
    a year is not compared with a whole one. The queryset must hold both years: do not
    limit it to `year`. `months`, the same incidents' monthly counts, gives a whole year's
    comparison (`period` None) its whole months, so that only the days of a month begun are
    counted from `qs`. `sums`: for the public's comparison of each municipality's whole
    year (`by` the municipality alone, `period` None), `sums_by_municipality`: each count
    reads as the municipality's own selection publishes it.
    """
    by = _check_by(by)
    _check_period(period)
    start, end = year_span(year, period)
    previous_start, previous_end = year_span(year - 1, period)
    if until is not None and until < end:
        end, previous_end = until, _a_year_before(until, period)
    current = _aggregate_span(qs, months, start, end, by, period)
    earlier = _aggregate_span(qs, months, previous_start, previous_end, by, period)
    missing = object()
    last_year = {}
    for (period_, *group), count in earlier.items():
        shifted = period_.shifted(1) if period_ else None
        if period_ is None or shifted is not None:
            last_year[(shifted, *group)] = count
    keys = sorted(set(current) | set(last_year), key=_sort_key)
    # Each period's groups, this year's and last year's, are published with their totals.
    shown_now = _protected({key: current.get(key, 0) for key in keys}) if public else current
    shown_then = _protected({key: last_year.get(key, 0) for key in keys}) if public else last_year
    if public and sums is not None and period is None:
        for shown, first, last, counted in (
            (shown_now, start, end, current),
            (shown_then, previous_start, previous_end, last_year),
        ):
            own = [_own_sum(sums, key[1], first, last, counted.get(key, 0)) for key in keys]
            values = with_own([shown[key] for key in keys], own, [counted.get(k, 0) for k in keys])
            shown.update(zip(keys, values, strict=True))
    rows = []
    for key in keys:
        period_, municipality_id, code, name, category = key
        count = current.get(key, 0)
        previous = last_year.get(key, 0)
        if period_ is not None and period_.shifted(-1) is None:
            previous = missing
        if previous is missing:
            previous, difference, percent = None, None, None
            shown_previous = None
        else:
            difference = count - previous
            percent = percent_change(difference, previous)
            shown_previous = shown_then.get(key, 0)
            if is_hidden(shown_now.get(key, 0)) or is_hidden(shown_previous):
                difference, percent = None, None
        rows.append(
            ChangeRow(
                period_,
                municipality_id,
                code,
                name,
                category,
                shown_now.get(key, 0),
                shown_previous,
                difference,
                percent,
            )
        )
    return rows


def _own_sum(sums, municipality_id, start, end, count):
    """A municipality's count from 1 January `start` up to `end` as its own selection
    publishes it."""
    found = sums.get(municipality_id)
    if found is None or not count:
        return count
    return found.shown(start, end, count)


def span(qs, months, start, end):
    """The incidents `qs` of the local dates [start, end) as parts that add up to them: the
    whole months from `months` (their monthly counts, or None for `qs` alone) and the days
    of the month begun, if any, from `qs`."""
    if months is None:
        return [qs.occurred_between(start, end)]
    month_begun = end.replace(day=1)
    parts = []
    if month_begun > start:
        parts.append(months.occurred_between(start, month_begun))
    if month_begun < end:
        parts.append(qs.occurred_between(month_begun, end))
    return parts


def _aggregate_span(qs, months, start, end, by, period):
    """`_aggregate` of the local dates [start, end), the whole months from `months`."""
    if period is not None:
        months = None
    counted = {}
    for part in span(qs, months, start, end):
        for key, n in _aggregate(part, by, period).items():
            counted[key] = counted.get(key, 0) + n
    return counted


# Seasonal profile ------------------------------------------------------------------------


def _between(field, start, end, *, monthly):
    if monthly:
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return Q(**{f"{field}__gte": local_midnight(start), f"{field}__lt": local_midnight(end)})


@dataclass(frozen=True)
class MonthCount:
    month: int  # 1-12
    count: int | str

    @property
    def label(self):
        return MONTHS[self.month]


def seasonal_profile(qs, *, years=None, public=False):
    """Incidents per month of the year (January to December, all twelve, 0 included) summed
    over `years` (local calendar years; None: every year in the queryset)."""
    when = "month" if _monthly(qs) else "occurred_at"
    if years is not None:
        spans = [year_span(year) for year in years]
        if not spans:
            qs = qs.none()
        else:
            qs = qs.filter(
                reduce(
                    or_,
                    (_between(when, a, b, monthly=_monthly(qs)) for a, b in spans),
                )
            )
    if public:
        # Each year's months are protected against the year's total, as the trend shows
        # them; a month of the year summed over years is hidden when one of its months is.
        months = _aggregate(qs, (), "month")
        shown = _protected(months)
        per_month, parts = {}, {}
        for key, count in months.items():
            per_month[key[0].number] = per_month.get(key[0].number, 0) + count
            parts.setdefault(key[0].number, []).append(shown[key])
        return [
            MonthCount(month, rolled_up(per_month.get(month, 0), parts.get(month, ())))
            for month in range(1, 13)
        ]
    if _monthly(qs):
        per_month = {}
        for month, n in (
            qs.order_by().values("month").annotate(n=_tally(qs)).values_list("month", "n")
        ):
            per_month[month.month] = per_month.get(month.month, 0) + n
    else:
        per_month = dict(
            qs.order_by()
            .annotate(month_of_year=ExtractMonth("occurred_at", tzinfo=DANISH_TIME))
            .values("month_of_year")
            .annotate(n=_tally(qs))
            .values_list("month_of_year", "n")
        )
    return [
        MonthCount(month, shown_count(per_month.get(month, 0), public=public))
        for month in range(1, 13)
    ]


# Hotspots --------------------------------------------------------------------------------

# Cells of about 1 km on an equirectangular grid fixed at 0° N 0° E, so that a cell is the
# same place in every district, year and query and maps can be compared over time. Sizes are
# whole micro-degrees (coordinates are stored with six decimals): a point is assigned by
# integer arithmetic, and SQLite's floats and PostgreSQL's numerics agree on the cell of a
# point on a cell edge. The east-west size is right at 56° N, the middle of Denmark; from
# Gedser to Skagen a cell is between 0.97 and 1.03 km wide.
CELL_KM = 1
_MICRO = 1_000_000
CELL_LAT = round(CELL_KM / 110.574 * _MICRO)
CELL_LON = round(CELL_KM / (111.320 * math.cos(math.radians(56.0))) * _MICRO)


class _Whole(Func):
    """A float rounded to the nearest whole number. Django's Round passes a float through
    numeric(1000, 15) on PostgreSQL, for a precision argument not needed here, and that cast
    cost more than the rest of a hotspot query. No tie arises: coordinates have six decimals,
    so a coordinate in micro-degrees is within a float's error of a whole number."""

    function = "ROUND"
    output_field = FloatField()


def _cell_index(field, size):
    micro = _Whole(Cast(F(field), FloatField()) * _MICRO)
    return Cast(Floor(micro / float(size)), IntegerField())


def cell_edge(index, size):
    """The latitude of a cell row's southern edge (size CELL_LAT), or the longitude of a
    column's western edge (CELL_LON), in degrees."""
    return index * size / _MICRO


class Cell(NamedTuple):
    """A grid cell and its count; a tuple, since a country's map has tens of thousands."""

    row: int  # south to north
    column: int  # west to east
    count: int | str

    @property
    def south(self):
        return cell_edge(self.row, CELL_LAT)

    @property
    def north(self):
        return cell_edge(self.row + 1, CELL_LAT)

    @property
    def west(self):
        return cell_edge(self.column, CELL_LON)

    @property
    def east(self):
        return cell_edge(self.column + 1, CELL_LON)

    @property
    def bounds(self):
        """[[south, west], [north, east]], as Leaflet's rectangle takes it."""
        return [[self.south, self.west], [self.north, self.east]]

    @property
    def centre(self):
        return ((self.south + self.north) / 2, (self.west + self.east) / 2)


def _cells(qs, *, busiest_first=False):
    """{(row, column): incidents} of incidents, or of their kept counts per cell; or, with
    `busiest_first`, [(row, column, incidents)] of the cells with any, in the map's order."""
    if qs.model in (CellTotal, CellCount):
        rows = qs.order_by().values("cell_row", "cell_column").annotate(n=Sum("incidents"))
    else:
        rows = (
            qs.located()
            .order_by()
            .annotate(
                cell_row=_cell_index("lat", CELL_LAT), cell_column=_cell_index("lon", CELL_LON)
            )
            .values("cell_row", "cell_column")
            .annotate(n=Count("*"))
        )
    rows = rows.values_list("cell_row", "cell_column", "n")
    if busiest_first:
        rows = rows.filter(n__gt=0).order_by("-n", "cell_row", "cell_column")
    # Whole numbers only, which need no converting: fetched as the database returns them,
    # since the ORM's handling of each of a country's tens of thousands of cells took five
    # times as long as the query.
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        if busiest_first:
            return cursor.fetchall()
        return {(row, column): int(n) for row, column, n in cursor.fetchall()}


def hotspots(*parts, less=(), public=False, total=None, total_hidden=False):
    """Incidents per grid cell, only those with coordinates: a list of Cell, the busiest
    first (then south to north, west to east). Cells without incidents are left out.

    `parts` are incidents, or their counts per cell and year (CellTotal, CellCount), of periods that
    do not overlap, and the map is their sum, less the incidents of `less`, which `parts`
    must hold: a year's totals less the days after a date are the map up to that date.
    `total`: the same selection's count, published beside the map, which holds the
    incidents without coordinates as well; `total_hidden`: the public reads it as ".."."""
    if len(parts) == 1 and not less:
        # One part, summed and sorted by the database: adding up and sorting tens of
        # thousands of cells in Python took longer than the query.
        ordered = _cells(parts[0], busiest_first=True)
    else:
        counted = {}
        for qs, sign in [*((qs, 1) for qs in parts), *((qs, -1) for qs in less)]:
            for cell, n in _cells(qs).items():
                counted[cell] = counted.get(cell, 0) + sign * n
        # Sorted as plain tuples, the busiest first: a sort key called per cell took as long.
        busiest = sorted((-n, row, column) for (row, column), n in counted.items() if n)
        ordered = [(row, column, -n) for n, row, column in busiest]
    if not public:
        return list(map(Cell._make, ordered))
    # The cells of the area add up to its total but for incidents without coordinates,
    # which are protected with them: the total less the cells would show them.
    counts = [n for _row, _column, n in ordered]
    if total is None and not total_hidden:
        shown = protect(counts)
    else:
        shown = protect_with_rest(counts, total, total_hidden=total_hidden)
    return [
        Cell(row, column, count) for (row, column, _n), count in zip(ordered, shown, strict=True)
    ]


def _busiest_first(counted):
    """[(row, column, incidents)] of {(row, column): incidents}, in the map's order."""
    # Sorted as plain tuples, the busiest first: a sort key called per cell took as long.
    busiest = sorted((-n, row, column) for (row, column), n in counted.items() if n)
    return [(row, column, -n) for n, row, column in busiest]


def _protected_year(ordered, total, total_hidden):
    """A year's cells `ordered` (`_busiest_first`) as `hotspots` protects its public map:
    [(row, column, count as shown)]."""
    shown = protect_with_rest([n for _row, _column, n in ordered], total, total_hidden=total_hidden)
    return [(row, column, count) for (row, column, _n), count in zip(ordered, shown, strict=True)]


def _protected_years(years, total, total_hidden):
    """The map of several whole years together as the public may read it beside each
    year's own map: `years` [(one year's cells in the map's order (`_busiest_first`), its
    count, whether the public reads that count as "..")], each protected as `hotspots`
    protects that year's map alone; a square hidden on one of its years' maps is hidden
    here too (or it would be this map less the others), and the squares are protected
    against `total`, the years' count together (`total_hidden`: read as "..", so the
    squares are hidden whole). [(row, column, count as shown)]."""
    summed, hidden = {}, set()
    for ordered, year_total, year_hidden in years:
        hidden.update(
            (row, column)
            for row, column, count in _protected_year(ordered, year_total, year_hidden)
            if is_hidden(count)
        )
        for row, column, n in ordered:
            key = (row, column)
            summed[key] = summed.get(key, 0) + n
    ordered = _busiest_first(summed)
    counts = [n for _row, _column, n in ordered]
    if total_hidden:
        shown = [SECONDARY] * len(counts)
    else:
        own = [SECONDARY if (row, column) in hidden else n for row, column, n in ordered]
        shown = protect_with_rest(counts, total, own=own)
        # As the year's map has it: a "<5" here would say more of its square than "..".
        shown = [
            SECONDARY if mark == SECONDARY else value
            for mark, value in zip(own, shown, strict=True)
        ]
    return [(row, column, count) for (row, column, _n), count in zip(ordered, shown, strict=True)]


class HotspotGroup(NamedTuple):
    """The squares of one municipality on the public's map, or of the incidents in none of
    the map's municipalities (`municipality_id` None), and what they are protected
    against: `years` {year: (count, whether the public reads it as "..")} of the year or
    years the map holds, and for a map of several whole years `total`, `total_hidden` the
    same of those years together."""

    municipality_id: int | None
    years: dict
    total: int
    total_hidden: bool


def _cells_by_municipality(qs, municipality_ids):
    """{(municipality id, year): cells in the map's order (`_busiest_first`)} of kept counts
    per cell and year `qs`; the cells of any other municipality, or of none, under None."""
    rows = (
        qs.order_by()
        .values("municipality_id", "year", "cell_row", "cell_column")
        .annotate(n=Sum("incidents"))
        .values_list("municipality_id", "year", "cell_row", "cell_column", "n")
    )
    # Fetched as the database returns them, as `_cells` does.
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    found = {}
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        for municipality_id, year, row, column, n in cursor.fetchall():
            key = (municipality_id if municipality_id in municipality_ids else None, year)
            cells = found.setdefault(key, {})
            cells[(row, column)] = cells.get((row, column), 0) + int(n)
    return {key: _busiest_first(cells) for key, cells in found.items()}


def hotspots_by_municipality(qs, groups, *, whole_years=False):
    """The public's map of one or several municipalities from their kept counts per cell
    and year `qs` (CellTotal of the map's years), a list of Cell, the shown ones the
    busiest first.

    Each municipality's squares are protected against its own count, as its own map
    protects them alone, and a square is hidden wherever that map hides it: were the
    district's map protected against the district's count alone, it would hide other
    squares than the municipality's map, and the municipality's count, published beside
    its own map, less the squares the district's map shows would give a hidden one away.
    `groups`: a HotspotGroup for each municipality, and one (None) for the incidents in
    none of them, which the district's count holds besides theirs. `whole_years`: the map
    of several whole years beside each year's own (`_protected_years`); otherwise of the
    one year in each group's `years`.

    A square that lies in several municipalities shows their sum where every one of them
    shows its part; otherwise it is ".." (a "<5" of the sum would bound the hidden parts)."""
    ids = {group.municipality_id for group in groups} - {None}
    found = _cells_by_municipality(qs, ids)
    parts = {}
    for group in groups:
        years = {year for key, year in found if key == group.municipality_id}
        # Cells of a year without a count of its own are hidden with it (a count the
        # public cannot read).
        counted = {year: group.years.get(year, (0, True)) for year in years}
        if whole_years:
            cells = _protected_years(
                [
                    (found[(group.municipality_id, year)], n, hidden)
                    for year, (n, hidden) in sorted(counted.items())
                ],
                group.total,
                group.total_hidden,
            )
        else:
            cells = []
            for year, (n, hidden) in sorted(counted.items()):
                cells += _protected_year(found[(group.municipality_id, year)], n, hidden)
        for row, column, count in cells:
            parts.setdefault((row, column), []).append(count)
    shown, hidden = [], []
    for (row, column), counts in parts.items():
        if len(counts) == 1:
            count = counts[0]
        elif any(is_hidden(count) for count in counts):
            count = SECONDARY
        else:
            count = sum(counts)
        (hidden if is_hidden(count) else shown).append(Cell(row, column, count))
    shown.sort(key=lambda cell: (-cell.count, cell.row, cell.column))
    return shown + sorted(hidden)


def hotspots_geojson(cells):
    """The cells as a GeoJSON FeatureCollection of squares (lon/lat order, as GeoJSON has it)
    with their count, for a map drawn without external tiles."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [cell.west, cell.south],
                            [cell.east, cell.south],
                            [cell.east, cell.north],
                            [cell.west, cell.north],
                            [cell.west, cell.south],
                        ]
                    ],
                },
                "properties": {"count": cell.count, "row": cell.row, "column": cell.column},
            }
            for cell in cells
        ],
    }


# The municipality table (download and command) -------------------------------------------

CSV_HEADER = ("municipality_code", "municipality_name", "count")


def municipality_table(qs, municipalities):
    """[(code, name, count)] for every one of `municipalities`, 0 included, by code.
    Incidents in other municipalities, or in none, are not in the table. `qs`: incidents or
    their monthly counts, or a list of such of periods that do not overlap (see `span`)."""
    counted = {}
    for part in qs if isinstance(qs, list) else [qs]:
        rows = (
            part.filter(municipality__in=municipalities)
            .order_by()
            .values("municipality_id")
            .annotate(n=_tally(part))
            .values_list("municipality_id", "n")
        )
        for municipality_id, n in rows:
            counted[municipality_id] = counted.get(municipality_id, 0) + n
    return [
        (m.code, m.name, counted.get(m.pk, 0)) for m in sorted(municipalities, key=lambda m: m.code)
    ]


def protect_table(qs, table, *, public=False, total_hidden=False, own=None):
    """The counts of a `municipality_table` of `qs` as the public may read them. The
    selection's total, published beside the table, may hold incidents the table leaves out
    (in another district's municipality, or in none): that rest is a count of the group
    too, hidden like the others, or the total less the rows would give a small one away.
    `total_hidden`: the public reads that total as "..", and the rows are hidden whole.
    `own`: each row's count as its municipality's own selection publishes it (a sum of its
    months, see `protected_sums`), which the row reads as well."""
    counts = [count for _code, _name, count in table]
    if not public:
        return counts
    if total_hidden:
        return protect_with_rest(counts, None, total_hidden=True)
    total = 0
    for part in qs if isinstance(qs, list) else [qs]:
        total += part.order_by().aggregate(n=_tally(part))["n"] or 0
    return protect_with_rest(counts, total, own=own)


def protect_with_rest(counts, total, *, total_hidden=False, own=None):
    """`protect` for counts that add up to `total`, published as is, but for a rest that
    is no count of theirs: the rest is protected with them, and not shown. `total_hidden`:
    the public reads the total as "..", so the counts, which add up to it, are hidden
    whole (`total` is then not needed). `own`: the counts as published elsewhere, hidden
    here too; one hidden alone would be the total less the others, so the smallest shown
    count is hidden beside it."""
    if total_hidden:
        return [SECONDARY] * len(counts)
    rest = total - sum(counts)
    shown = protect(counts) if rest <= 0 else protect([*counts, rest])[:-1]
    return shown if own is None else with_own(shown, own, counts, rest=rest > 0)


def with_own(shown, own, counts, *, rest=False):
    """The counts of a group `shown` as protected against their total, hidden too where
    they are as published elsewhere (`own`); one hidden alone would be the total less the
    others (but for a hidden `rest`), so the smallest shown count is hidden beside it."""
    shown = list(shown)
    for i, value in enumerate(own):
        # The reading that says less wins: ".." over "<5", either over a number.
        if value == SECONDARY or (is_hidden(value) and not is_hidden(shown[i])):
            shown[i] = value
    if sum(1 for value in shown if is_hidden(value)) + rest == 1:
        visible = [(c, i) for i, c in enumerate(counts) if shown[i] and not is_hidden(shown[i])]
        if visible:
            shown[min(visible)[1]] = SECONDARY
    return shown


def sums_by_municipality(months, until=None, hidden=None, withheld=None):
    """{municipality id: Sums}: each municipality's sums of its monthly counts `months` as
    its own selection publishes them (`protected_sums`); `hidden(municipality id)` gives
    the starts of its months hidden beside the other selections' (`families`), and
    `withheld(municipality id)` its sums hidden so."""
    per = {}
    rows = (
        months.exclude(municipality=None)
        .order_by()
        .values("municipality_id", "month")
        .annotate(n=Sum("incidents"))
        .values_list("municipality_id", "month", "n")
    )
    for municipality_id, month, n in rows:
        per.setdefault(municipality_id, {})[Period("month", month)] = n
    return {
        key: protected_sums(
            counted, until, hidden(key) if hidden else (), withheld(key) if withheld else ()
        )
        for key, counted in per.items()
    }


def own_counts(table, municipalities, sums, year):
    """The rows of a `municipality_table` as each municipality's own selection publishes
    them: its count of `year`, or of every year (None), from `sums_by_municipality`."""
    ids = {m.code: m.pk for m in municipalities}
    result = []
    for code, _name, _count in table:
        found = sums.get(ids[code])
        if found is None:
            result.append(0)
        else:
            result.append(found.total if year is None else found.year(year))
    return result


def write_municipality_csv(
    out, qs, municipalities, *, public=False, total_hidden=False, sums=None, year=None
):
    """Write the municipality table as CSV (header municipality_code,municipality_name,count)
    to the text stream `out`; returns the number of incidents in the table. `total_hidden`:
    the public reads the count the rows add up to hidden, so the rows are hidden whole.
    `sums`, for the public: `sums_by_municipality`, and `year` the table's (None: every
    year)."""
    table = municipality_table(qs, municipalities)
    own = None if sums is None else own_counts(table, municipalities, sums, year)
    shown = protect_table(qs, table, public=public, total_hidden=total_hidden, own=own)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for (code, name, _count), count in zip(table, shown, strict=True):
        writer.writerow([code, name, count])
    return sum(count for _code, _name, count in table)
