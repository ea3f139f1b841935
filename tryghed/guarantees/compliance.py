"""Compliance per guarantee × municipality × month: cases, met, missed, open, and the median
and 90th percentile response time.

A case counts in the month its clock started (Danish time). It is met or missed when its
stop event was recorded in time or late; a running case whose due time has passed is
already missed (the promise is broken whenever the stop comes); the rest are open. Cases
of spam or duplicate requests do not count. Response times are those of the stopped cases,
in minutes on the rule's own clock; the median is the middle value (the mean of the two
middle ones for an even count), the 90th percentile the nearest-rank value.

Council members read the page as the public does (`public_table`): the small-count rule and
complementary suppression of `tryghed.incidents.numbers`, since guarantees about rape and
violence in close relations count few cases in a municipality's month. Staff read the
exact figures.
"""

import csv
import datetime
import io
import math
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import Count, Q

from tryghed.guarantees.models import ComplianceCount, Deadline, Guarantee
from tryghed.incidents.numbers import is_hidden, protect, public_count, rolled_up
from tryghed.organisation.models import Municipality
from tryghed.statistics.numbers import round_half_up

HEADER = [
    "guarantee",
    "municipality_code",
    "month",
    "cases",
    "met",
    "missed",
    "open",
    "median_minutes",
    "p90_minutes",
]


@dataclass
class Row:
    guarantee: Guarantee
    municipality: Municipality | None
    month: datetime.date
    cases: int | str  # "<5" or ".." as the public reads it (`public_table`)
    met: int | str
    missed: int | str
    open: int | str
    median_minutes: float | None
    p90_minutes: float | None

    @property
    def decided(self):
        """Met and missed cases; None when either is hidden from the reader."""
        if is_hidden(self.met) or is_hidden(self.missed):
            return None
        return self.met + self.missed

    @property
    def met_percent(self):
        """Share of the decided cases that were met, or None before any is decided (or
        when the met or missed count is hidden from the reader)."""
        return met_percent(self.met, self.missed)


STATES = ("met", "missed", "open")
COUNTS = ("cases", *STATES)


def met_percent(met, missed):
    """met / (met + missed) in percent, one decimal; None from 0 or from a hidden count.

    Rounded half up and exactly, as a plan's compliance indicator reads the same share
    (indicators.readings.one_decimal): 77 of 80 cases is 96,3 % on both, where a float
    rounded half to even showed 96,2 % beside an indicator judged on track at 96,3 %."""
    if is_hidden(met) or is_hidden(missed) or not met + missed:
        return None
    # A float again for the pages and their callers: one decimal reads the same.
    return float(round_half_up(100 * met, met + missed))


def totals(found):
    """{cases, met, missed, open: the sum over the rows, met_percent}, exact."""
    summed = {name: sum(getattr(r, name) for r in found) for name in COUNTS}
    summed["met_percent"] = met_percent(summed["met"], summed["missed"])
    return summed


def public_table(everything, chosen):
    """(rows, totals, chart counts) of a page as the public may read them.

    `everything` holds the rows of the reader's whole area and year, the page without
    other filters, and `chosen` says for each whether the page's filters (month,
    guarantee, municipality) keep it. The rows are protected once, all of the year's rows
    together, so that every filtered page shows each row exactly as the whole year does and
    pages cannot be played off against each other.

    What a reader can subtract, and how it is protected:

    - The met, missed and open counts of the rows, each column one group against its total
      on the year's page (the summary line): `protect` hides the small counts as "<5" and
      the next smallest as "..", so that none can be worked out as the total minus the rest.
      A column whose every nonzero count is hidden has its total hidden too: there
      `protect` cannot always keep the small ones from being worked out (1 and 5 beside 6).
    - met + missed + open = cases, within a row and in the totals: cases is hidden as soon
      as one of the three is (`rolled_up`), so a row's cases never gives a hidden state
      away, and the cases column adds nothing to subtract from.
    - A filtered page's totals (a month, a guarantee, a municipality) and the chart's bars
      (a guarantee's month over the municipalities) are sums of published counts: hidden
      when one of their parts is (`rolled_up`), and otherwise the sum of visible counts.
    - The share met and the median and 90th percentile response time (of the met and
      missed cases) are shown only where the met and missed counts both are: a response
      time of 1 to 4 cases points at those cases.

    Not protected: the year's rows against other years (each year is its own group), the
    figures as they change from day to day as running cases are decided, the pages of
    readers of other areas (a lokalråd member's municipality beside the kredsråd's
    district), and the incident counts of the dashboard, which are protected on their own.
    """
    shown_states = {name: protect([getattr(r, name) for r in everything]) for name in STATES}
    shown = []
    for i, r in enumerate(everything):
        states = {name: shown_states[name][i] for name in STATES}
        hide_times = is_hidden(states["met"]) or is_hidden(states["missed"])
        shown.append(
            replace(
                r,
                cases=rolled_up(r.cases, states.values()),
                median_minutes=None if hide_times else r.median_minutes,
                p90_minutes=None if hide_times else r.p90_minutes,
                **states,
            )
        )
    kept = [(r, s) for r, s, keep in zip(everything, shown, chosen, strict=True) if keep]
    whole = all(chosen)
    summed = totals([r for r, _s in kept])
    published = {}
    for name in STATES:
        parts = [getattr(s, name) for _r, s in kept]
        if whole and any(part and not is_hidden(part) for part in parts):
            published[name] = public_count(summed[name])
        else:
            published[name] = rolled_up(summed[name], parts)
    published["cases"] = rolled_up(summed["cases"], [published[name] for name in STATES])
    published["met_percent"] = met_percent(published["met"], published["missed"])
    return [s for _r, s in kept], published, chart_counts(kept)


def chart_counts(pairs, *, public=True):
    """{(guarantee, month "YYYY-MM"): {state: count}} summed over the municipalities, from
    (exact row, row as published) pairs; the same row twice for the exact counts. For the
    public a sum is hidden when one of its parts is (`rolled_up`); without `public`, the
    exact sums (staff read them)."""
    summed = defaultdict(lambda: dict.fromkeys(STATES, 0))
    parts = defaultdict(lambda: {name: [] for name in STATES})
    for exact, shown in pairs:
        key = (exact.guarantee, exact.month.strftime("%Y-%m"))
        for name in STATES:
            summed[key][name] += getattr(exact, name)
            parts[key][name].append(getattr(shown, name))
    if not public:
        return {key: dict(counts) for key, counts in summed.items()}
    return {
        key: {name: rolled_up(counts[name], parts[key][name]) for name in STATES}
        for key, counts in summed.items()
    }


def percentile(values, share):
    """Nearest rank: the smallest value with at least `share` of the values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def period(year=None, month=None):
    """(first month, first month after) for a year or a month (a date, day 1)."""
    if month is not None:
        end = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return month, end
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def _scoped(area, start, end, guarantee, municipality):
    """(deadlines, counts) of the area, months and filters that `rows` and `states` read."""
    scope = {"month__gte": start, "month__lt": end}
    if guarantee is not None:
        scope["guarantee"] = guarantee
    if municipality is not None:
        scope["municipality"] = municipality
    area = area if area is not None else Q()
    return Deadline.objects.filter(area, **scope), ComplianceCount.objects.filter(area, **scope)


def _groups(stored):
    """{(guarantee, municipality, month): [met, missed, running]} summed over the districts."""
    groups = {}
    for c in stored.values_list("guarantee", "municipality", "month", "met", "missed", "running"):
        key, (met, missed, running) = c[:3], c[3:]
        totals = groups.setdefault(key, [0, 0, 0])
        totals[0] += met
        totals[1] += missed
        totals[2] += running
    return groups


def _still_open(deadlines, now):
    """{group: running cases that are open at `now`}: paused, or not yet due. Only these are
    counted, from their own indexes: the cases of the last target's length."""
    running = deadlines.filter(outcome=Deadline.Outcome.OPEN)
    open_counts = defaultdict(int)
    for part in (
        running.filter(due_at__gt=now),
        running.filter(due_at__lte=now, paused_at__isnull=False),
    ):
        for *key, n in (
            part.values_list("guarantee", "municipality", "month")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            open_counts[tuple(key)] += n
    return open_counts


def _decided(groups, open_counts):
    """(group, met, missed, open) of each group with any case; a running case past its due
    time is missed."""
    for key, (met, missed, running) in groups.items():
        if not met + missed + running:
            continue
        still_open = open_counts.get(key, 0)
        yield key, met, missed + running - still_open, still_open


def states(area=None, *, now, start, end, guarantee=None, municipality=None):
    """{(guarantee id, municipality id, month): (met, missed, open)}: the figures of `rows`
    without the response times, for readers that need only the shares (plan indicators).
    Three queries, whatever the number of months."""
    deadlines, stored = _scoped(area, start, end, guarantee, municipality)
    groups = _groups(stored)
    open_counts = _still_open(deadlines, now)
    return {
        key: (met, missed, still_open)
        for key, met, missed, still_open in _decided(groups, open_counts)
    }


def rows(area=None, *, now, start, end, guarantee=None, municipality=None):
    """The compliance rows of the reader's `area` (a condition on `district` and
    `municipality`, such as accounts' area Q; None for all), for the months from `start` up
    to `end`, in guarantee, municipality and month order.

    The decided and running cases come from the counts (counts.py); of the running ones,
    those paused or not yet due are open and the rest missed, and only those open are
    counted here: the cases of the last target's length, from their own indexes.
    """
    deadlines, stored = _scoped(area, start, end, guarantee, municipality)
    groups = _groups(stored)
    open_counts = _still_open(deadlines, now)
    times = response_times(deadlines, groups)
    guarantees = {g.pk: g for g in Guarantee.objects.all()}
    municipalities = {
        m.pk: m
        for m in Municipality.objects.defer("boundary").filter(
            pk__in={key[1] for key in groups if key[1]}
        )
    }
    result = []
    for key, met, missed, still_open in _decided(groups, open_counts):
        median, p90 = times.get(key, (None, None))
        result.append(
            Row(
                guarantee=guarantees[key[0]],
                municipality=municipalities.get(key[1]),
                month=key[2],
                cases=met + missed + still_open,
                met=met,
                missed=missed,
                open=still_open,
                median_minutes=median,
                p90_minutes=p90,
            )
        )
    result.sort(
        key=lambda r: (
            r.guarantee.order,
            r.guarantee.code,
            r.municipality.name if r.municipality else "",
            r.month,
        )
    )
    return result


# Ranked reads per statement: SQLite allows 500 SELECTs in one compound statement.
RANKED_PER_STATEMENT = 200
# Stand for one group's guarantee, municipality and month in the compiled ranked read.
_GUARANTEE, _MUNICIPALITY, _MONTH = -1, -2, datetime.date(1, 1, 1)


def ranks(n):
    """The 1-based ranks the figures of `n` ordered response times are read from: the
    middle one or two (median), and the nearest rank of the 90th percentile."""
    return (n + 1) // 2, (n + 2) // 2, (9 * n + 9) // 10


def _ranked(deadlines, *, municipality):
    """(SQL, params, {position: name}) of one group's decided response times in order,
    compiled once per page with stand-ins for the group, whose values go at the positions.
    Building a queryset per group through the ORM would cost more than the database spends
    reading all the groups' figures."""
    stand_ins = {"guarantee": _GUARANTEE, "month": _MONTH}
    if municipality:
        stand_ins["municipality"] = _MUNICIPALITY
    else:
        stand_ins["municipality__isnull"] = True
    qs = (
        deadlines.filter(response_minutes__isnull=False, **stand_ins)
        .order_by("response_minutes")
        .values_list("response_minutes")
    )
    sql, params = qs.query.sql_with_params()
    month = connection.ops.adapt_datefield_value(_MONTH)
    names = {_GUARANTEE: "guarantee", _MUNICIPALITY: "municipality", month: "month"}
    positions = {i: names[p] for i, p in enumerate(params) if p in names}
    return sql, list(params), positions


def response_times(deadlines, groups):
    """{group: (median, p90)} of the decided deadlines among `deadlines`.

    The number of decided cases of each group is known from the counts, so only the values
    at the needed ranks are read, by LIMIT … OFFSET on the response-time index (which holds
    each group's times in order), all groups in a few statements: the cost grows with the
    index entries stepped over in the database, not with rows sent to Python.
    """
    templates = {}
    reads = []
    for key, (met, missed, _running) in groups.items():
        n = met + missed
        if not n:
            continue
        guarantee, municipality, month = key
        has_municipality = municipality is not None
        if has_municipality not in templates:
            templates[has_municipality] = _ranked(deadlines, municipality=has_municipality)
        sql, params, positions = templates[has_municipality]
        values = {
            "guarantee": guarantee,
            "municipality": municipality,
            "month": connection.ops.adapt_datefield_value(month),
        }
        params = [values[positions[i]] if i in positions else p for i, p in enumerate(params)]
        low, high, p90 = ranks(n)
        reads.append((key, "median", sql, [*params, high - low + 1, low - 1]))
        reads.append((key, "p90", sql, [*params, 1, p90 - 1]))
    found_values = defaultdict(list)
    for start in range(0, len(reads), RANKED_PER_STATEMENT):
        chunk = reads[start : start + RANKED_PER_STATEMENT]
        parts, params = [], []
        for i, (_key, _kind, sql, part_params) in enumerate(chunk):
            parts.append(
                f"SELECT {i}, response_minutes FROM ({sql} LIMIT %s OFFSET %s) AS ranked{i}"
            )
            params += part_params
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for i, value in cursor.fetchall():
                key, kind = chunk[i][:2]
                found_values[key, kind].append(value)
    found = {}
    for key in groups:
        middle = found_values.get((key, "median"))
        if middle:
            p90 = found_values[key, "p90"][0]
            found[key] = (round(sum(middle) / len(middle), 1), round(p90, 1))
    return found


def _number(value):
    if value is None:
        return ""
    # Whole minutes as plain digits: "g" wrote a year and more as 1.0512e+06.
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def csv_lines(found):
    """The rows as CSV text, with the documented header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for r in found:
        writer.writerow(
            [
                r.guarantee.code,
                r.municipality.code if r.municipality else "",
                r.month.strftime("%Y-%m"),
                r.cases,
                r.met,
                r.missed,
                r.open,
                _number(r.median_minutes),
                _number(r.p90_minutes),
            ]
        )
    return out.getvalue()


def chart_spec(counted, *, title, met_label, missed_label, open_label, month_label, cases_label):
    """A Vega-Lite stacked bar chart of met, missed and open cases per month, one panel row
    per guarantee, with the data inline. `counted` is `chart_counts`'s; a hidden count
    ("<5", "..") has no bar, the table beside the chart shows it as it is."""
    labels = {"met": met_label, "missed": missed_label, "open": open_label}
    ordered = sorted(counted.items(), key=lambda item: (item[0][0].code, item[0][1]))
    values = [
        {"guarantee": str(guarantee), "month": month, "state": labels[name], "count": count}
        for (guarantee, month), counts in ordered
        for name, count in counts.items()
        if count and not is_hidden(count)
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": title,
        "data": {"values": values},
        "mark": "bar",
        "width": "container",
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": month_label},
            "y": {"field": "count", "type": "quantitative", "title": cases_label},
            "color": {
                "field": "state",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [met_label, missed_label, open_label],
                    "range": ["#358000", "#b51d09", "#747474"],
                },
            },
            "row": {"field": "guarantee", "type": "nominal", "title": None},
            "tooltip": [
                {"field": "guarantee"},
                {"field": "month"},
                {"field": "state"},
                {"field": "count"},
            ],
        },
    }
