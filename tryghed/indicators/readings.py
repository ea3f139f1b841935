"""An indicator's numbers: baseline, current value, change, trend and whether it is on track.

Each indicator costs one aggregate query: every period it needs (the baseline, the current
period and the yearly trend) is a filtered Count or a per-quarter Sum, so no rows are loaded
and the same ORM expression runs on SQLite and PostgreSQL.

Years are Danish local years: a period starts and ends at midnight in Copenhagen, so an incident
at 00:30 on 1 January local time (23:30 UTC the day before) counts in the new year. The bounds
are aware datetimes, compared as such by both databases.

A fair comparison: while the current year is running, it is compared with the same part of the
baseline year (1 January to the same day, or the same quarters for quarterly statistics). A
baseline given as a date range is compared over the length both periods share: by date when it
begins on 1 January, as a baseline year is, so that 31 December of a leap year is not left out.
The reading says which spans it compared.

Incidents are counted only where they were recorded: a period that ends before the first month
with any incident of the district's sources has no value, not 0, so a baseline year from before
the døgnrapport was imported is not read as a year without burglaries.

Guarantee compliance is the share of the decided cases that were met, met / (met + missed) in
percent, from the compliance counts per guarantee × municipality × month
(tryghed.guarantees.compliance.states), in three queries whatever the years read: a running
case past its due time is missed, as on the compliance page. Cases count in the month their
clock started, so the periods are whole months: while the current year runs, its months so
far against the same months of the baseline year. A share is compared in percentage points
(90 % against 85 % is +5 points), and a period without a decided case has no share.

An indicator whose years lie outside those the form allows (stored some other way, or long ago)
cannot be computed, and its reading says so rather than counting.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.utils import timezone

from tryghed.guarantees import compliance
from tryghed.incidents.models import Incident, MonthlyTotal
from tryghed.incidents.numbers import moved_to_year
from tryghed.indicators.models import FIRST_YEAR, LAST_YEAR, Indicator
from tryghed.organisation.models import Municipality
from tryghed.statistics.models import StatValue, quarter_start

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
TREND_YEARS = 5


@dataclass(frozen=True)
class Span:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self):
        return (self.end - self.start).days + 1


@dataclass
class YearValue:
    year: int
    value: Fraction | None
    partial: bool = False
    decided: tuple | None = None  # (met, missed) behind a share


@dataclass
class Reading:
    indicator: Indicator
    year: int
    baseline: Fraction | None = None
    baseline_span: Span | None = None
    current: Fraction | None = None
    current_span: Span | None = None
    year_to_date: bool = False
    trend: list = field(default_factory=list)
    computable: bool = True
    # The (met, missed) cases behind a share, which the public rule looks at.
    baseline_decided: tuple | None = None
    current_decided: tuple | None = None

    @property
    def is_share(self):
        return self.indicator.is_share

    @property
    def is_count(self):
        return self.indicator.measure == Indicator.Measure.COUNT and not self.is_share

    @property
    def change(self):
        """The change against the baseline in percent, or in percentage points for a share
        (exact); None when it cannot be said."""
        if self.baseline is None or self.current is None:
            return None
        if self.is_share:
            return self.current - self.baseline
        if self.baseline == 0:
            return None
        return (self.current - self.baseline) * 100 / self.baseline

    @property
    def change_percent(self):
        """The change rounded as shown: percent, or percentage points for a share."""
        return one_decimal(self.change)

    @property
    def on_track(self):
        """True when the change meets the target in its direction, or the current share
        reaches the level; None without data."""
        target = self.indicator.target_percent
        if self.indicator.is_level:
            # Judged as shown: a share read as 95,0 % reaches a level of 95,0 %.
            return None if self.current is None else one_decimal(self.current) >= target
        if self.baseline is None or self.current is None:
            return None
        decrease = self.indicator.direction == Indicator.Direction.DECREASE
        if self.baseline == 0 and not self.is_share:
            # No percentage from nothing, but none kept at none meets a fall, and any at
            # all meets a rise.
            if decrease:
                return self.current == 0
            return self.current > 0 or self.indicator.target_percent == 0
        # Judged as shown: a change read as −10,0 % meets a target of −10,0 %.
        change = self.change_percent
        return change <= -target if decrease else change >= target


def one_decimal(value):
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _same_end(year, day):
    """The last day of the same part of `year` as 1 January to `day` is of its own year: the
    day before the day after `day`, moved to `year`. The end of February stays the end of
    February (28 February up to 29 February in a leap year), as the dashboard's comparison
    cuts it, so that whole months are compared with whole months."""
    after = day + datetime.timedelta(days=1)
    return moved_to_year(after, after.year + year - day.year) - datetime.timedelta(days=1)


def _local_midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=COPENHAGEN)


def _whole_year(year):
    return Span(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def read(indicator, plan, *, today=None):
    """The indicator's Reading; `plan` is passed in so that a page of many indicators does not
    look up each one's plan again."""
    today = today or timezone.localdate()
    reading = Reading(indicator=indicator, year=indicator.year_of(plan))
    if not _countable(indicator, reading.year):
        reading.computable = False
        return reading
    if indicator.kind == Indicator.Kind.STATISTICS:
        _read_statistics(reading, plan)
    elif indicator.kind == Indicator.Kind.COMPLIANCE:
        _read_compliance(reading, plan, today)
    else:
        _read_incidents(reading, plan, today)
    return reading


def _countable(indicator, year):
    """Whether every year the reading needs lies in the years an indicator may have."""
    if indicator.baseline_year:
        years = [indicator.baseline_year]
    elif indicator.baseline_start and indicator.baseline_end:
        years = [indicator.baseline_start.year, indicator.baseline_end.year]
    else:
        return False
    return all(FIRST_YEAR <= y <= LAST_YEAR for y in [year, *years])


# Incidents ----------------------------------------------------------------------------------


def _incident_spans(indicator, year, today):
    """(baseline span, current span, year to date) for incident counts."""
    current = _whole_year(year)
    if today < current.start:
        return None, None, False
    year_to_date = today < current.end
    if year_to_date:
        current = Span(current.start, today)
    if indicator.baseline_year:
        start = datetime.date(indicator.baseline_year, 1, 1)
        end = _same_end(indicator.baseline_year, current.end)
        return Span(start, end), current, year_to_date
    baseline = Span(indicator.baseline_start, indicator.baseline_end)
    if (baseline.start.month, baseline.start.day) == (1, 1):
        end = _same_end(baseline.start.year, current.end)
        if end <= baseline.end:
            return Span(baseline.start, end), current, year_to_date
        return baseline, Span(current.start, _same_end(year, baseline.end)), year_to_date
    days = min(baseline.days, current.days)
    shift = datetime.timedelta(days=days - 1)
    return (
        Span(baseline.start, baseline.start + shift),
        Span(current.start, current.start + shift),
        year_to_date,
    )


def _count_in(span):
    after_end = span.end + datetime.timedelta(days=1)
    return Count(
        "pk",
        filter=Q(
            occurred_at__gte=_local_midnight(span.start),
            occurred_at__lt=_local_midnight(after_end),
        ),
    )


def _first_recorded_month(plan):
    """The first month with any incident of the plan's district, from the monthly totals;
    asked once per plan object, as a page reads all of a plan's indicators with one."""
    if not hasattr(plan, "_first_recorded_month"):
        totals = MonthlyTotal.objects.filter(source__district=plan.district_id)
        plan._first_recorded_month = totals.first_period()
    return plan._first_recorded_month


def _read_incidents(reading, plan, today):
    indicator, year = reading.indicator, reading.year
    first = _first_recorded_month(plan)

    def recorded(span):
        return first is not None and first <= span.end

    incidents = Incident.objects.filter(
        source__district=plan.district_id, category__in=indicator.categories
    )
    if indicator.municipality_id:
        incidents = incidents.filter(municipality=indicator.municipality_id)
    baseline, current, year_to_date = _incident_spans(indicator, year, today)
    periods = {}
    for trend_year in range(year - TREND_YEARS + 1, year + 1):
        span = _whole_year(trend_year)
        if span.start > today:
            continue
        periods[f"y{trend_year}"] = Span(span.start, min(span.end, today))
    if current is not None:
        periods["baseline"], periods["current"] = baseline, current
    counts = incidents.aggregate(**{key: _count_in(span) for key, span in periods.items()})
    reading.trend = []
    for trend_year in range(year - TREND_YEARS + 1, year + 1):
        span = periods.get(f"y{trend_year}")
        if span is None or not recorded(span):
            reading.trend.append(YearValue(trend_year, None))
            continue
        partial = span.end < datetime.date(trend_year, 12, 31)
        reading.trend.append(YearValue(trend_year, Fraction(counts[f"y{trend_year}"]), partial))
    if current is not None:
        reading.baseline_span, reading.current_span = baseline, current
        reading.year_to_date = year_to_date
        if recorded(baseline):
            reading.baseline = Fraction(counts["baseline"])
        if recorded(current):
            reading.current = Fraction(counts["current"])


# Statistics ---------------------------------------------------------------------------------


def _quarter_span(quarters):
    first, last = quarters[0], quarters[-1]
    end = (
        datetime.date(last[0], 12, 31)
        if last[1] == 4
        else quarter_start(last[0], last[1] + 1) - datetime.timedelta(days=1)
    )
    return Span(quarter_start(*first), end)


def _statistics_value(rows, quarters, measure):
    """The count, or the rate per 1,000 over the mean of the quarters' total population."""
    if not quarters or any(q not in rows for q in quarters):
        return None
    total = sum(rows[q][0] for q in quarters)
    if measure == Indicator.Measure.COUNT:
        return Fraction(total)
    populations = [rows[q][1] for q in quarters]
    if not all(populations):
        return None
    return Fraction(total * 1000 * len(quarters), sum(populations))


def _read_statistics(reading, plan):
    indicator, year = reading.indicator, reading.year
    if indicator.municipality_id:
        municipalities = [indicator.municipality_id]
    else:
        municipalities = list(
            Municipality.objects.filter(district=plan.district_id).values_list("pk", flat=True)
        )
    first = year - TREND_YEARS + 1
    if indicator.baseline_year:
        first = min(first, indicator.baseline_year)
    else:
        first = min(first, indicator.baseline_start.year)
    # Summed per quarter over the municipalities: their populations add up to the area's, and
    # a rate over several municipalities must use the total, not the mean municipality.
    values = (
        StatValue.objects.filter(
            series=indicator.series_id,
            municipality__in=municipalities,
            year__gte=first,
            year__lte=year,
        )
        .order_by()
        .values("year", "quarter")
        .annotate(
            total=Sum("value"),
            populated=Count("population"),
            population=Sum("population"),
            rows=Count("pk"),
        )
    )
    measure = indicator.measure
    wanted = len(municipalities)
    # A quarter counts only when every municipality has a value, so a half-imported quarter
    # is not read as a fall in crime; for a rate, only when every one has its population
    # too, or the area's offences would be divided by part of its inhabitants.
    rows = {
        (row["year"], row["quarter"]): (row["total"], row["population"])
        for row in values
        if row["rows"] == wanted
        and (measure == Indicator.Measure.COUNT or row["populated"] == wanted)
    }
    reading.trend = []
    for trend_year in range(year - TREND_YEARS + 1, year + 1):
        quarters = [(trend_year, q) for q in range(1, 5) if (trend_year, q) in rows]
        reading.trend.append(
            YearValue(
                trend_year,
                _statistics_value(rows, quarters, measure),
                partial=0 < len(quarters) < 4,
            )
        )
    current = [(year, q) for q in range(1, 5) if (year, q) in rows]
    if not current:
        return
    reading.year_to_date = len(current) < 4
    if indicator.baseline_year:
        baseline = [(indicator.baseline_year, q) for _, q in current]
    else:
        start, end = indicator.baseline_start, indicator.baseline_end
        baseline = [
            (y, q)
            for y in range(start.year, end.year + 1)
            for q in range(1, 5)
            if start <= quarter_start(y, q) <= end
        ]
        length = min(len(baseline), len(current))
        baseline, current = baseline[:length], current[:length]
    if not baseline:
        return
    reading.baseline = _statistics_value(rows, baseline, measure)
    reading.baseline_span = _quarter_span(baseline)
    reading.current = _statistics_value(rows, current, measure)
    reading.current_span = _quarter_span(current)


# Guarantee compliance -----------------------------------------------------------------------


def _months(first, last):
    """The first days of the months from `first` to `last` (dates, day 1), both included."""
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = _month_after(month)
    return months


def _month_after(month):
    return compliance.period(month=month)[1]


def _month_span(months, today):
    """From the first month's first day to the last month's last, or to today if sooner."""
    end = _month_after(months[-1]) - datetime.timedelta(days=1)
    return Span(months[0], min(end, today))


def _compliance_months(indicator, year, today):
    """(baseline months, current months, year to date); the current months are those of the
    year begun by today, the baseline's the same months of the baseline year, or of a period
    the months beginning in it, as many as both have."""
    if today < datetime.date(year, 1, 1):
        return [], [], False
    last = min(today, datetime.date(year, 12, 31)).replace(day=1)
    current = _months(datetime.date(year, 1, 1), last)
    year_to_date = today < datetime.date(year, 12, 31)
    if indicator.baseline_year:
        baseline = [m.replace(year=indicator.baseline_year) for m in current]
    else:
        start, end = indicator.baseline_start, indicator.baseline_end
        first = start if start.day == 1 else _month_after(start)
        baseline = _months(first, end.replace(day=1))
        length = min(len(baseline), len(current))
        baseline, current = baseline[:length], current[:length]
    return baseline, current, year_to_date


def _share(decided):
    met, missed = decided
    if not met + missed:
        return None
    return Fraction(100 * met, met + missed)


def compliance_area(plan):
    """The cases a district's compliance share is read from, as the compliance page reads a
    district: its own, and its municipalities'."""
    municipalities = Municipality.objects.filter(district=plan.district_id).values("pk")
    return Q(district=plan.district_id) | Q(municipality__in=municipalities)


def compliance_moment(today):
    """The moment the cases are judged at for a reading up to `today`: a running case is
    missed once due, by now or by the end of an earlier day measured."""
    return min(timezone.now(), _local_midnight(today + datetime.timedelta(days=1)))


def _read_compliance(reading, plan, today):
    indicator, year = reading.indicator, reading.year
    baseline, current, year_to_date = _compliance_months(indicator, year, today)
    first_trend = datetime.date(year - TREND_YEARS + 1, 1, 1)
    first = min([first_trend, *baseline[:1]])
    end = datetime.date(year + 1, 1, 1)
    found = compliance.states(
        None if indicator.municipality_id else compliance_area(plan),
        now=compliance_moment(today),
        start=first,
        end=end,
        guarantee=indicator.guarantee_id,
        municipality=indicator.municipality_id,
    )
    per_month = {}
    for (_guarantee, _municipality, month), (met, missed, _open) in found.items():
        summed = per_month.setdefault(month, [0, 0])
        summed[0] += met
        summed[1] += missed

    def decided(months):
        met = sum(per_month.get(m, (0, 0))[0] for m in months)
        missed = sum(per_month.get(m, (0, 0))[1] for m in months)
        return met, missed

    reading.trend = []
    for trend_year in range(year - TREND_YEARS + 1, year + 1):
        start = datetime.date(trend_year, 1, 1)
        if start > today:
            reading.trend.append(YearValue(trend_year, None))
            continue
        months = _months(start, min(today, datetime.date(trend_year, 12, 31)).replace(day=1))
        counts = decided(months)
        partial = today < datetime.date(trend_year, 12, 31)
        reading.trend.append(YearValue(trend_year, _share(counts), partial, counts))
    if not current or not baseline:
        return
    reading.year_to_date = year_to_date
    reading.baseline_span = _month_span(baseline, today)
    reading.current_span = _month_span(current, today)
    reading.baseline_decided = decided(baseline)
    reading.current_decided = decided(current)
    reading.baseline = _share(reading.baseline_decided)
    reading.current = _share(reading.current_decided)
