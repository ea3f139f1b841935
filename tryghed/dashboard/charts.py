"""The dashboard's charts as rows, Vega-Lite specifications and CSV files.

The page's tables, the JSON a chart is drawn from and the CSV download are built from the
same rows, so the three always show the same numbers.
"""

import csv
import datetime
from dataclasses import dataclass, replace

from django.db.models import Max, Min
from django.utils.translation import gettext as _

from tryghed.incidents.numbers import (
    CELL_LAT,
    CELL_LON,
    SECONDARY,
    Period,
    cell_edge,
    changes,
    counts,
    hotspots,
    is_hidden,
    municipality_table,
    own_counts,
    population_for,
    populations,
    protect,
    protect_table,
    rate_per_1000,
    seasonal_profile,
    year_span,
)

CHARTS = ("trend", "season")
MARKED_POINTS = 60


@dataclass(frozen=True)
class Point:
    key: str  # a stable name: 2024-W09, 2024-03, 2024-Q1, 2024, or the month number
    label: str
    count: int | str  # "<5" where the small-count rule applies


def _periods(kind, first, last):
    """Every period from the one holding `first` to the one holding `last`."""
    period = Period.containing(kind, first)
    while period.start <= last:
        yield period
        period = Period(kind, period.end)


def trend(incidents, *, period, year=None, public=False, calendar=None):
    """Incidents per period; periods without incidents are included as 0, so that a line
    over time does not skip them. With a year, its every period; otherwise from the first
    incident's period to the last's. The public's are read from `calendar`
    (numbers.Calendar of the same selection), where the weeks, months, quarters and years
    are protected together: a year is the sum of its months, and every year adds up to the
    total the municipality table shows."""
    if public:
        if calendar is None:
            raise ValueError("The public's trend is read from the selection's Calendar.")
        return _calendar_points(calendar, period, year)
    found = {row.period: row.count for row in counts(incidents, by=(), period=period)}
    if year is not None:
        start, end = year_span(year)
        first, last = start, end - datetime.timedelta(days=1)
    elif found:
        first, last = min(found).start, max(found).start
    else:
        return []
    return [Point(p.key, p.label, found.get(p, 0)) for p in _periods(period, first, last)]


def _calendar_points(calendar, period, year):
    """The weeks, months, quarters or years of `year` (its ISO year for weeks; None: from
    the first with incidents to the last) as `calendar` publishes them; those it does not
    publish yet are left out, not shown as 0."""
    if year is not None:
        start, end = year_span(year, period)
        first, last = start, end - datetime.timedelta(days=1)
    else:
        found = {p: n for p, n in calendar.counted(period).items() if n}
        if not found:
            return []
        first, last = min(found).start, max(found).start
    return [
        Point(p.key, p.label, calendar.shown(p))
        for p in _periods(period, first, last)
        if calendar.published(p)
    ]


def weekly_trend(weeks, *, year=None, public=False, calendar=None):
    """Incidents per ISO week from weekly counts (or totals), weeks without incidents
    included as 0. With a year, the weeks of its ISO year (week 1 of 2026 begins on 29
    December 2025: no week is split); otherwise from the first week with incidents to the
    last. `weeks` must not be narrowed to a year. `calendar` (numbers.Calendar of the same
    selection), when its months are published beside: the weeks are read from it,
    protected together with the months."""
    if public and calendar is not None:
        return _calendar_points(calendar, "week", year)
    if year is not None:
        first, end = year_span(year, "week")
    else:
        # A group's row is deleted when its count falls to 0: the first and last rows are
        # the first and last weeks with incidents.
        span = weeks.aggregate(first=Min("week"), last=Max("week"))
        if span["first"] is None:
            return []
        first, end = span["first"], span["last"] + datetime.timedelta(days=7)
    found = {
        row.period: row.count
        for row in counts(weeks.occurred_between(first, end), by=(), period="week")
    }
    periods = list(_periods("week", first, end - datetime.timedelta(days=1)))
    # The weeks of each ISO year are one group against the year's total.
    shown = {}
    for iso_year in sorted({week.year for week in periods}):
        group = [week for week in periods if week.year == iso_year]
        counted = protect([found.get(week, 0) for week in group], public=public)
        shown.update(zip(group, counted, strict=True))
    return [Point(week.key, week.label, shown[week]) for week in periods]


def season(incidents, *, year=None, public=False, calendar=None):
    """Incidents per month of the year, January to December; from `calendar` as `trend`
    reads it."""
    years = None if year is None else [year]
    if public and calendar is not None:
        profile = calendar.season(years)
    else:
        profile = seasonal_profile(incidents, years=years, public=public)
    return [Point(str(month.month), str(month.label), month.count) for month in profile]


def _values(points):
    # A hidden count cannot be drawn; the bar is left out and the tooltip says "<5" or "..".
    return [
        {
            "key": point.key,
            "label": point.label,
            "count": None if is_hidden(point.count) else point.count,
            "shown": str(point.count),
        }
        for point in points
    ]


def spec(chart, points, *, title):
    """A Vega-Lite specification with its data inline."""
    x_title = _("Period") if chart == "trend" else _("Month")
    tooltip = [
        {"field": "label", "type": "nominal", "title": x_title},
        {"field": "shown", "type": "nominal", "title": _("Incidents")},
    ]
    encoding = {
        # Labels are unique per chart ("marts 2024", "1. kvartal 2024"); the rows come in order.
        # A year of weeks or years of months are more labels than the axis has room for:
        # those that would overlap are left out, and the tooltip and table name every point.
        "x": {
            "field": "label",
            "type": "ordinal",
            "sort": None,
            "title": x_title,
            "axis": {"labelOverlap": "greedy", "labelSeparation": 4},
        },
        "y": {
            "field": "count",
            "type": "quantitative",
            "title": _("Incidents"),
            # Counts are whole numbers; no axis ticks between them.
            "axis": {"tickMinStep": 1, "format": "d"},
        },
        "tooltip": tooltip,
    }
    # A mark on every point of a few years of weeks would cover the line itself.
    mark = (
        {"type": "line", "point": len(points) <= MARKED_POINTS}
        if chart == "trend"
        else {"type": "bar"}
    )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "description": title,
        "width": "container",
        "height": 260,
        "data": {"values": _values(points)},
        "mark": mark,
        "encoding": encoding,
    }


CSV_HEADERS = {
    "trend": ("period", "label", "count"),
    "season": ("month", "label", "count"),
}


def write_csv(out, chart, points):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADERS[chart])
    for point in points:
        writer.writerow([point.key, point.label, point.count])


@dataclass(frozen=True)
class MunicipalityRow:
    municipality: object
    count: int | str
    rate: object  # Decimal per 1,000 inhabitants, or None
    # Against the same period a year earlier, when the table compares (see with_changes).
    previous: int | str | None = None
    difference: int | None = None
    percent: object = None  # Decimal, or None when it cannot (or may not) be said


def municipality_rows(
    incidents, municipalities, *, public=False, total_hidden=False, sums=None, year=None
):
    """Every municipality with its count (0 included) and rate per 1,000 inhabitants from
    the newest known population, as `counts` gives it. `total_hidden`: the public reads the
    selection's count of the period (their sum) hidden, so the rows are hidden whole.
    `sums`: the public's, each municipality's sums as its own selection publishes them
    (`numbers.sums_by_municipality`), of `year` (None: every year)."""
    by_code = {m.code: m for m in municipalities}
    known = populations([m.pk for m in municipalities])
    table = municipality_table(incidents, municipalities)
    own = None if sums is None else own_counts(table, municipalities, sums, year)
    shown = protect_table(incidents, table, public=public, total_hidden=total_hidden, own=own)
    rows = []
    for (code, _name, count), shown_count in zip(table, shown, strict=True):
        municipality = by_code[code]
        rate = rate_per_1000(count, population_for(known.get(municipality.pk), None))
        if is_hidden(shown_count):
            rate = None  # with the population known, the rate gives the count away
        rows.append(MunicipalityRow(municipality, shown_count, rate))
    return rows


# Change against the same period last year -------------------------------------------------


def municipality_changes(
    incidents, municipalities, *, year, until=None, public=False, months=None, sums=None
):
    """{municipality id: numbers.ChangeRow} of `year` (up to `until`) against the same
    period a year earlier; `incidents` must hold both years, as `months` (see
    `numbers.changes`). A municipality without incidents in either year is left out: 0
    against 0."""
    rows = changes(
        incidents.filter(municipality__in=municipalities),
        year=year,
        by=("municipality",),
        until=until,
        public=public,
        months=None if months is None else months.filter(municipality__in=municipalities),
        sums=sums,
    )
    return {row.municipality_id: row for row in rows}


def with_changes(rows, changed, *, previous_hidden=False):
    """The table's rows with last year's count and the change from `municipality_changes`.
    `previous_hidden`: the public reads the selection's count of last year's period (the
    sum of last year's column) hidden, so that column is hidden whole."""
    result = []
    for row in rows:
        if previous_hidden:
            result.append(replace(row, previous=SECONDARY, difference=None, percent=None))
            continue
        change = changed.get(row.municipality.pk)
        if change is None:
            row = replace(row, previous=0, difference=0)
        else:
            row = replace(
                row,
                previous=change.previous,
                difference=change.difference,
                percent=change.percent,
            )
        # The count may be hidden here where the comparison showed it (a table hidden
        # whole): a change beside it, with last year's count, would give it back.
        if is_hidden(row.count) or is_hidden(row.previous):
            row = replace(row, difference=None, percent=None)
        result.append(row)
    return result


CHANGE_CSV_HEADER = (
    "municipality_code",
    "municipality_name",
    "period",
    "count",
    "previous_period",
    "previous",
    "difference",
    "percent",
)


def write_changes_csv(out, rows, *, period, previous_period):
    """The municipality table's comparison as CSV; a change that cannot or may not be
    said is an empty cell."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CHANGE_CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.municipality.code,
                row.municipality.name,
                period,
                row.count,
                previous_period,
                row.previous,
                "" if row.difference is None else row.difference,
                "" if row.percent is None else row.percent,
            ]
        )


# Hotspots --------------------------------------------------------------------------------


def hotspot_cells(parts):
    """The grid cells with incidents as staff read them (`parts`: what `numbers.hotspots`
    adds up and takes away), the busiest first. The public's map is
    `numbers.hotspots_by_municipality`."""
    adding, less = parts
    return hotspots(*adding, less=less)


HOTSPOT_CSV_HEADER = ("row", "column", "south", "west", "north", "east", "count")


def _edges(index, size):
    """A row's or column's number and its two edges in degrees, as the CSV writes them."""
    return str(index), f"{cell_edge(index, size):.6f}", f"{cell_edge(index + 1, size):.6f}"


def write_hotspots_csv(out, cells):
    # A map's cells share a few hundred rows and columns: each one's text is made once.
    # The values need no quoting (whole numbers, degrees, "<5" and ".."), so the lines are
    # joined directly, which takes a fraction of the csv module's time for tens of thousands.
    rows, columns = {}, {}
    lines = [",".join(HOTSPOT_CSV_HEADER)]
    for row, column, count in cells:
        # Looked up inline: a helper called twice per cell took over a quarter of the time.
        row_text = rows.get(row)
        if row_text is None:
            row_text = rows[row] = _edges(row, CELL_LAT)
        column_text = columns.get(column)
        if column_text is None:
            column_text = columns[column] = _edges(column, CELL_LON)
        row_number, south, north = row_text
        column_number, west, east = column_text
        lines.append(f"{row_number},{column_number},{south},{west},{north},{east},{count}")
    lines.append("")
    out.write("\n".join(lines))
