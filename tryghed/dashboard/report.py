"""What the dashboard shows beyond its charts: the key-figure tiles with the change against
the same period last year, the municipality table's comparison and the hotspots. The page,
its downloads and the PDF read them from here, so all of them show the same numbers.

The same period last year: a year that is still running is compared from 1 January up to
today with 1 January up to the same day a year earlier, never half a year with a whole one.
"""

import copy
import csv
import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tryghed.dashboard import charts
from tryghed.incidents.models import DANISH_TIME, Category
from tryghed.incidents.numbers import (
    SECONDARY,
    Period,
    changes,
    is_hidden,
    moved_to_year,
    percent_change,
    weeks_and_months,
)
from tryghed.indicators.present import present

# The page lists the busiest cells; the map and the CSV have them all.
HOTSPOT_TABLE_ROWS = 10


def local_today():
    return datetime.datetime.now(DANISH_TIME).date()


@dataclass(frozen=True)
class Comparison:
    """A year, or the part of it up to (not including) `until`, against the year before."""

    year: int
    until: datetime.date | None = None

    @property
    def previous_year(self):
        return self.year - 1

    def _last_day(self, year):
        """The period's last day in `year`, as `numbers.changes` cuts it: the day before
        `until` moved to that year. Up to 1 March takes in a leap year's 29 February, so
        that the public's whole months are compared with whole months."""
        # `until` may be 1 January of the next year (staff on New Year's Eve).
        end = moved_to_year(self.until, self.until.year + year - self.year)
        return end - datetime.timedelta(days=1)

    def _label(self, year):
        if self.until is None:
            return str(year)
        return _("%(year)s up to %(day)s") % {
            "year": year,
            "day": date_format(self._last_day(year), "MONTH_DAY_FORMAT"),
        }

    @property
    def label(self):
        return self._label(self.year)

    @property
    def previous_label(self):
        return self._label(self.previous_year)

    def _key(self, year):
        """The period as an ISO 8601 date interval for CSV files, or the year."""
        if self.until is None:
            return str(year)
        return f"{datetime.date(year, 1, 1).isoformat()}/{self._last_day(year).isoformat()}"

    @property
    def key(self):
        return self._key(self.year)

    @property
    def previous_key(self):
        return self._key(self.previous_year)

    def spans(self):
        """[(first day, day after the last)] of the period and of last year's; the latter as
        `numbers.changes` cuts it."""
        return [
            (datetime.date(self.year, 1, 1), self.until or datetime.date(self.year + 1, 1, 1)),
            (
                datetime.date(self.previous_year, 1, 1),
                self.previous_end + datetime.timedelta(days=1),
            ),
        ]

    @property
    def previous_end(self):
        """The last day of the period last year."""
        if self.until is None:
            return datetime.date(self.previous_year, 12, 31)
        return self._last_day(self.previous_year)


def comparison_for(year, today=None, *, public=False):
    """The chosen year, or the current one, against the year before; None for a year that
    has not begun.

    The running year is compared up to today for staff, and up to the last whole month for
    the public: counts up to a day, published day after day, would give every day of last
    year away (one day's count is the difference of two), and a day's count is small. In
    January the public has no whole month of the year yet."""
    today = today or local_today()
    year = year or today.year
    if year > today.year:
        return None
    if year < today.year:
        return Comparison(year)
    until = today.replace(day=1) if public else today + datetime.timedelta(days=1)
    if until == datetime.date(year, 1, 1):
        return None
    return Comparison(year, until)


def nothing_to_compare(year, today, *, public):
    """Why `comparison_for` gives no comparison for `year` (None: the current one): the
    year has not begun, or, for the public, its first month is not over."""
    if public and (year or today.year) == today.year:
        return _("The year's first month is not over yet, so there is nothing to compare yet.")
    return _("The year has not begun, so there is nothing to compare yet.")


def public_calendar(
    weeks, months, today, *, hidden_months=(), withheld_sums=(), weeks_published=False
):
    """The Calendar of one selection as the public reads it on the local date `today`, from
    its weekly and monthly counts (`numbers.weeks_and_months`): whole months up to the first
    of the current month, beside the key figures' comparison of the running year's whole
    months with the same months of last year, which is published whatever year is chosen
    for the rest. The dashboard and the plan's indicators read a selection's counts from
    here, so that one cannot give away what the other hides. `hidden_months`,
    `withheld_sums`: what is hidden beside the other selections' (`incidents.families`).
    `weeks_published`: the public reads the selection's weeks, as they were read in every
    month before (`numbers.weeks_month_by_month`)."""
    until = today.replace(day=1)
    comparison = comparison_for(None, today, public=True)
    so_far = [
        (first, end, months.occurred_between(first, end).aggregate(n=Sum("incidents"))["n"] or 0)
        for first, end in (comparison.spans() if comparison else ())
    ]
    return weeks_and_months(
        weeks,
        months.occurred_between(None, until),
        so_far,
        until=until,
        hidden_months=hidden_months,
        withheld_sums=withheld_sums,
        month_by_month=weeks_published,
    )


def signed_percent(value):
    """+12,5 % / −3,0 % / ±0,0 %; – when the change cannot or may not be said."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number_format(abs(value), 1)} %"


def _count(value):
    if value is None:
        return "–"
    if is_hidden(value):
        return value
    return number_format(value, force_grouping=True)


@dataclass
class Tile:
    key: str
    title: str
    current: str
    previous: str
    change: str
    direction: str  # "up", "down" or "" (no change, or none that may be shown)
    compared: str
    hint: str = ""
    target: str = ""
    level: bool = False  # the target is a level to reach ("at least 95 %"), not a change
    status: str = ""
    badge: str = ""
    lang: str = ""  # "da" when the title is shown in Danish on an English page
    # current, previous, change and target as plain values for the CSV file: numbers a
    # spreadsheet reads in any language, "<5" where the public rule hides a count, "" for none.
    figures: tuple = ("", "", "", "")


def _in_english():
    return (get_language() or "da").startswith("en")


def _direction(change_text):
    if change_text.startswith("+"):
        return "up"
    if change_text.startswith("−"):
        return "down"
    return ""


def published_counts(calendar, comparison):
    """(this period's count, last year's) as the public reads them in the key figures, from
    the selection's `calendar` (numbers.Calendar), which protects them together with the
    charts: a whole year is the year's count, a year up to a day the count `so_far` it was
    given (see `DashboardQuery.calendar`); a count it was not given is hidden."""
    shown = []
    for first, until in comparison.spans():
        if until == datetime.date(first.year + 1, 1, 1):
            shown.append(calendar.shown(Period("year", first)))
        else:
            so_far = calendar.so_far(first, until)
            shown.append(SECONDARY if so_far is None else so_far)
    return tuple(shown)


def selection_tile(
    incidents, comparison, filters, *, public, recorded_from, calendar=None, months=None
):
    """The incidents of the filters' municipality and category in the comparison's period
    against the same period last year. `incidents` (or their monthly counts, for whole
    months) must hold both years, as `months` (see `numbers.changes`); `recorded_from` is
    the first month the area has any incident of (None: none at all). Last year's period,
    when it ended before that, was not recorded: it has no count, not 0. The public's counts
    are read from `calendar` (`published_counts`)."""
    if public:
        # Whole months, kept as counts: nothing counted one incident at a time.
        count, previous = published_counts(calendar, comparison)
        percent = None
        if not (is_hidden(count) or is_hidden(previous)):
            percent = percent_change(count - previous, previous)
    else:
        rows = changes(incidents, year=comparison.year, until=comparison.until, months=months)
        if rows:
            row = rows[0]
            count, previous, percent = row.count, row.previous, row.percent
        else:
            count, previous, percent = 0, 0, None
    if recorded_from is None or comparison.previous_end < recorded_from:
        previous, percent = None, None
    parts = []
    if filters["municipality"] is not None:
        parts.append(filters["municipality"].name)
    if filters["category"] is not None:
        parts.append(str(Category(filters["category"]).label))
    title = _("Incidents")
    if parts:
        title = f"{title}: {', '.join(parts)}"
    change = signed_percent(percent)
    return Tile(
        key="incidents",
        title=title,
        current=_count(count),
        previous=_count(previous),
        change=change,
        direction=_direction(change),
        compared=_("%(current)s compared with %(previous)s")
        % {"current": comparison.label, "previous": comparison.previous_label},
        figures=(count, previous, "" if percent is None else percent, ""),
    )


def indicator_tiles(shown_list, plan, *, today=None):
    """A tile for each of the plan's indicators as `present_all` showed them: the current
    value against the same period a year earlier, and the target against the baseline.

    The year before is read by the indicator's own rules with last year as its baseline, so
    incidents are compared up to the same day and statistics over the same quarters."""
    tiles = []
    for shown in shown_list:
        indicator = shown.indicator
        last_year = copy.copy(indicator)
        last_year.baseline_year = shown.reading.year - 1
        last_year.baseline_start = last_year.baseline_end = None
        against = present(last_year, plan, public=shown.public, today=today)
        tiles.append(
            Tile(
                key=f"indicator-{indicator.pk}",
                title=indicator.tr("title"),
                lang="da" if _in_english() and not indicator.title_en else "",
                current=against.current,
                previous=against.baseline,
                change=against.change,
                direction=_direction(against.change),
                compared=against.compared,
                hint=shown.unit,
                target=shown.target,
                level=indicator.is_level,
                status=shown.status,
                badge=shown.badge,
                figures=(
                    against.plain_current,
                    against.plain_baseline,
                    against.plain_change,
                    shown.plain_target,
                ),
            )
        )
    return tiles


TILE_CSV_HEADER = ("tile", "compared", "current", "previous", "change", "target", "status")


def write_tiles_csv(out, tiles):
    """The tiles with plain numbers, as aendring.csv has them: 1129 and 14.1, not the page's
    "1.129" and "+14,1 %", which a spreadsheet reads as text or as another number."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TILE_CSV_HEADER)
    for tile in tiles:
        writer.writerow([tile.title, tile.compared, *tile.figures, tile.status])


def hidden_totals(current, comparison):
    """Whether the public reads the selection's count of the comparison's period, and of
    last year's, as "..": a table whose rows add up to one is then hidden whole."""
    if not current.area.public or comparison is None:
        return False, False
    return tuple(count == SECONDARY for count in published_counts(current.calendar, comparison))


def extra_sections(current, municipality_rows):
    """The tiles, the table's comparison and the hotspots for the page and the PDF."""
    public = current.area.public
    filters = current.filters
    comparison = current.comparison(filters["year"])
    every_year, months = current.compared(comparison) if comparison else (None, None)
    # The public's running year is compared by whole months, and the table beside it
    # counts the same months: the area's counts end where the comparison does.
    compare_table = filters["year"] is not None and comparison is not None
    if compare_table:
        changed = charts.municipality_changes(
            every_year,
            current.shown_municipalities(),
            year=comparison.year,
            until=comparison.until,
            public=public,
            months=months,
            sums=current.municipality_sums,
        )
        municipality_rows = charts.with_changes(
            municipality_rows, changed, previous_hidden=hidden_totals(current, comparison)[1]
        )
    cells = current.hotspots()
    return {
        "comparison": comparison,
        "nothing_to_compare": None if comparison else current.nothing_to_compare(),
        "compare_table": compare_table,
        "municipality_rows": municipality_rows,
        "selection_tile": (
            None
            if comparison is None
            else selection_tile(
                every_year,
                comparison,
                filters,
                public=public,
                recorded_from=current.recorded_from(),
                calendar=current.calendar,
                months=months,
            )
        ),
        "hotspot_cells": cells,
        "hotspots_through": current.hotspots_through(),
        "hotspots": cells[:HOTSPOT_TABLE_ROWS],
        "hotspot_count": len(cells),
    }
