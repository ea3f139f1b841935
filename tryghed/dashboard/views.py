"""The councils' dashboard: incident numbers for the district or the municipality a user
reads (see area.py), filtered by year, municipality and category.

Every chart, table and download reads the same filters from the query string; a bad value
gets a clear message (on the page, or as a 400 from a download) and never an error page.
"""

import datetime
import io
import json

from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tryghed.core.vega import embed_options
from tryghed.dashboard import charts, report
from tryghed.dashboard.area import area_for
from tryghed.dashboard.forms import FilterForm
from tryghed.incidents import families
from tryghed.incidents.models import Category
from tryghed.incidents.numbers import (
    SECONDARY,
    HotspotGroup,
    Period,
    hotspots_by_municipality,
    sums_by_municipality,
    write_municipality_csv,
)
from tryghed.indicators.models import Indicator
from tryghed.indicators.present import present_all
from tryghed.plans.models import CooperationPlan


class DashboardQuery:
    """The dashboard's area and filters for one request; 404 for a user with no area."""

    def __init__(self, request):
        # One local date for the whole request, so that the public's counts and the key
        # figures' comparison end on the same day, even across midnight.
        today = report.local_today()
        area = area_for(request.user, today=today)
        if area.empty:
            raise Http404
        self._read(area, request.user, request.GET, today)

    @classmethod
    def unfiltered(cls, area, *, today):
        """The dashboard of a public reader of `area` (a kredsråd's district), with no
        filter chosen, as the sweep makes what the cache keeps for it."""
        current = cls.__new__(cls)
        current._read(area, None, QueryDict(), today)
        return current

    def _read(self, area, user, data, today):
        self.today = today
        self.area = area
        self.user = user
        self.municipalities = self.area.municipalities()
        self.form = FilterForm(
            data,
            municipalities=self.municipalities,
            whole_area_weeks=self.area.public,
            no_weeks=self.area.public and self.area.several_parts,
        )
        self.valid = self.form.is_valid()
        self.query = data.urlencode()

    @property
    def filters(self):
        return self.form.filters()

    def counted(self):
        """The same incidents as monthly counts, for numbers of whole months."""
        every_category = self.filters["category"] is None
        return self.form.apply(self.area.monthly_counts(self.user, every_category=every_category))

    def hotspot_parts(self):
        """The hotspot map's incidents, as `numbers.hotspots` takes them: (kept per grid cell
        and year, or counted; what the public does not read yet), see `Area.hotspot_parts`."""
        every_category = self.filters["category"] is None
        year = self.filters["year"]
        parts, less = self.area.hotspot_parts(self.user, every_category=every_category, year=year)
        return (
            [self.form.apply(part, year=False) for part in parts],
            [self.form.apply(part, year=False) for part in less],
        )

    def hotspots_through(self):
        """The last year the public's hotspot map holds when it holds whole years only (see
        `hotspots`); None where it is the chosen year's, where it holds none (one category),
        or for staff."""
        if not self.area.public or self.filters["category"] is not None:
            return None
        year = self.filters["year"]
        running = self.area.until.year
        return running - 1 if year is None or year >= running else None

    def hotspots(self):
        """The hotspot map's cells (`charts.hotspot_cells`); the public's protected, each
        municipality's squares against its count, which its own selection publishes beside
        them (`numbers.hotspots_by_municipality`).

        A square's count of a year under way grows month by month, and its months are
        published nowhere: two months' maps would give a square's month away. So the public
        reads whole years only: none for the year under way, and for every year the whole
        years before it (`numbers.hotspots_by_municipality`).

        The public reads the map of every category together only: each category's map,
        protected against its own count, would hide other squares than the others', and a
        square of one category would be the square of every category less the others'."""
        if not self.area.public:
            return charts.hotspot_cells(self.hotspot_parts())
        if self.filters["category"] is not None:
            return []
        through = self.hotspots_through()
        if through is not None and self.filters["year"] is not None:
            return []
        (cells,), _less = self.hotspot_parts()
        if through is None:
            years = [self.filters["year"]]
        else:
            # Whole years only: the cells of the year under way, which the totals per cell
            # hold, are left out rather than taken away.
            cells = cells.filter(year__lte=through)
            years = sorted(p.year for p in self.calendar.counted("year") if p.year <= through)
        groups = self.hotspot_groups(years, through)
        whole_years = through is not None
        # Tens of thousands of squares to protect, a second's work for every year's map:
        # kept until a source's counts change.
        return families.kept(
            "map",
            None,
            (cells.query.sql_with_params(), groups, whole_years),
            lambda: hotspots_by_municipality(cells, groups, whole_years=whole_years),
        )

    def hotspot_groups(self, years, through):
        """The public map's `numbers.HotspotGroup`s of `years` (the whole years up to
        `through`, or the chosen year's alone when `through` is None): each shown
        municipality's, with its counts as its own selection publishes them
        (`municipality_sums`), and one of the incidents in none of them, the selection's
        counts (`calendar`) less the municipalities'."""
        end = None if through is None else datetime.date(through + 1, 1, 1)

        def together(sums):
            # The map of every whole year is protected against the years' sum as published
            # up to the end of the last of them (`numbers.protected_sums`).
            if end is None:
                return sums.year(years[0])
            return sums.values.get((None, end), 0)

        groups, counted, hidden = [], dict.fromkeys(years, 0), set()
        for municipality in self.shown_municipalities():
            sums = self.municipality_sums.get(municipality.pk)
            if sums is None or not sums.months:
                continue
            own = {}
            for month, n in sums.months.items():
                if month.year in counted:
                    own[month.year] = own.get(month.year, 0) + n
            shown = {year: (n, sums.year(year) == SECONDARY) for year, n in own.items()}
            total_hidden = together(sums) == SECONDARY
            groups.append(HotspotGroup(municipality.pk, shown, sum(own.values()), total_hidden))
            for year, (n, year_hidden) in shown.items():
                counted[year] += n
                if year_hidden:
                    hidden.add(year)
            if total_hidden:
                hidden.add(None)
        # The rest, as the public works it out: the selection's count less its
        # municipalities'; hidden where any of them is.
        calendar = self.calendar
        rest = {}
        for period, n in calendar.counted("year").items():
            if period.year in counted:
                year_hidden = calendar.shown(period) == SECONDARY or period.year in hidden
                rest[period.year] = (n - counted[period.year], year_hidden)
        if end is None:
            rest_hidden = rest.get(years[0], (0, False))[1]
        else:
            rest_hidden = calendar.sums.values.get((None, end), 0) == SECONDARY or None in hidden
        groups.append(HotspotGroup(None, rest, sum(n for n, _hidden in rest.values()), rest_hidden))
        return groups

    def compared(self, comparison):
        """(what `comparison` is counted from, every year in; their monthly counts or None).
        The monthly counts alone when it is of whole months (a past year; the public's
        running year, up to its last whole month), which answer in milliseconds whatever
        the number of incidents; for staff's running year, which ends with today, the
        incidents for the days of the month begun, and the monthly counts for the rest."""
        every_category = self.filters["category"] is None
        months = self.area.monthly_counts(self.user, every_category=every_category)
        months = self.form.apply(months, year=False)
        if comparison.until is None or comparison.until.day == 1:
            return months, None
        return self.form.apply(self.area.incidents(self.user), year=False), months

    def recorded_from(self):
        """The first month with any incident in the area, whatever the filters: before it
        nothing was recorded, which is not the same as nothing happening."""
        return self.area.monthly_counts(self.user, every_category=True).first_period()

    def shown_municipalities(self):
        chosen = self.filters["municipality"]
        return [chosen] if chosen else list(self.municipalities)

    @cached_property
    def hidden(self):
        """{"month": families.Hidden, "sums": …}: the months and sums of months of each
        selection the public reads as ".." beside the other selections'
        (`incidents.families`); None for staff."""
        if not self.area.public:
            return None
        return families.hidden_in(self.area)

    def hidden_of(self, kind, municipality_id=None):
        """The starts of the selection's months ("month") hidden beside the others', or its
        sums of months ("sums"); of `municipality_id`'s, with the chosen category, for its
        row of the table."""
        chosen = self.filters["municipality"]
        if municipality_id is None and chosen is not None:
            municipality_id = chosen.pk
        if municipality_id is None and kind == "month" and self.area.several_parts:
            # The area's total is its parts' sum, each of which the public reads (a district,
            # a lokalråd's municipality elsewhere): beside them it would give a "<5" of one
            # part away. Its months are hidden, and with them every sum.
            every_category = self.filters["category"] is None
            months = self.area.monthly_counts(self.user, every_category=every_category)
            return set(self.form.apply(months, year=False).values_list("month", flat=True))
        return self.hidden[kind].of(municipality_id, self.filters["category"])

    @cached_property
    def calendar(self):
        """The selection's weeks and months over every year, as the public reads them: both
        are published (the trend per week, per month or quarter, the seasonal profile), and
        where weeks line up with months one would give the other away (see
        `numbers.protect_weeks_and_months`). None for staff, who read exact numbers."""
        if not self.area.public:
            return None
        every_category = self.filters["category"] is None
        weeks = self.area.weekly_counts(self.user, every_category=every_category)
        months = self.area.monthly_counts(self.user, every_category=every_category)
        return report.public_calendar(
            self.form.apply(weeks, year=False),
            self.form.apply(months, year=False),
            self.today,
            hidden_months=self.hidden_of("month"),
            withheld_sums=self.hidden_of("sums"),
            weeks_published=self.weeks_published(),
        )

    def weeks_published(self):
        """Whether the public reads the selection's weeks: the whole area's over every
        category (see `FilterForm.clean`)."""
        chosen = self.filters["municipality"]
        whole_area = chosen is None or len(self.municipalities) == 1
        return self.filters["category"] is None and whole_area and not self.area.several_parts

    @cached_property
    def municipality_sums(self):
        """Each municipality's sums of months (years, every year) as its own selection
        publishes them to the public (`numbers.sums_by_municipality`), which the tables
        read as well; None for staff."""
        if not self.area.public:
            return None
        every_category = self.filters["category"] is None
        months = self.area.monthly_counts(self.user, every_category=every_category)
        months = self.form.apply(months, year=False).filter(
            municipality__in=self.shown_municipalities()
        )
        return sums_by_municipality(
            months,
            self.area.until,
            lambda municipality_id: self.hidden_of("month", municipality_id),
            lambda municipality_id: self.hidden_of("sums", municipality_id),
        )

    def table_options(self):
        """What the municipality table's rows need besides the counts (see
        `charts.municipality_rows`)."""
        return {
            "public": self.area.public,
            "total_hidden": self.total_hidden(),
            "sums": self.municipality_sums,
            "year": self.filters["year"],
        }

    def comparison(self, year):
        """The key figures' comparison of `year` (None: this year), see
        `report.comparison_for`; None when there is none yet."""
        return report.comparison_for(year, self.today, public=self.area.public)

    def nothing_to_compare(self):
        """Why the chosen year has no comparison (see `comparison`)."""
        return report.nothing_to_compare(self.filters["year"], self.today, public=self.area.public)

    def published_through(self):
        """The last month the public reads, in words ("oktober 2026"); None for staff."""
        if self.area.until is None:
            return None
        last_day = self.area.until - datetime.timedelta(days=1)
        return date_format(last_day, "YEAR_MONTH_FORMAT")

    def total_hidden(self):
        """Whether the public reads the selection's count of the chosen year (or of every
        year, none chosen) as "..": then a table whose rows add up to it is hidden whole.
        A small count is "<5" wherever it is read; the rows are protected against it."""
        year = self.filters["year"]
        if self.calendar is None:
            return False
        if year is None:
            return self.calendar.shown_total == SECONDARY
        return self.calendar.shown(Period("year", datetime.date(year, 1, 1))) == SECONDARY

    def chart(self, chart):
        public = self.area.public
        if chart == "trend" and self.filters["period"] == "week":
            # Weeks run across months, so they have counts of their own, over the ISO year:
            # the calendar year would cut its first and last week.
            every_category = self.filters["category"] is None
            weeks = self.area.weekly_counts(self.user, every_category=every_category)
            return charts.weekly_trend(
                self.form.apply(weeks, year=False),
                year=self.filters["year"],
                public=public,
                calendar=self.calendar,
            )
        if chart == "trend":
            return charts.trend(
                self.counted(),
                period=self.filters["period"],
                year=self.filters["year"],
                public=public,
                calendar=self.calendar,
            )
        return charts.season(
            self.counted(), year=self.filters["year"], public=public, calendar=self.calendar
        )

    def errors(self):
        """The form's messages as plain text, one a line."""
        return "\n".join(
            f"{self.form.fields[name].label}: {message}"
            for name, messages in self.form.errors.items()
            for message in messages
        )

    def suffix(self, *, year=None):
        """What the downloaded file's name says of the filters; `year` names the year a
        file holds when none is chosen (the comparison's current year)."""
        parts = []
        year = self.filters["year"] or year
        if year:
            parts.append(str(year))
        if self.filters["municipality"]:
            parts.append(self.filters["municipality"].code)
        if self.filters["category"]:
            parts.append(self.filters["category"])
        return "".join(f"-{part}" for part in parts)

    def chart_name(self, chart):
        """The name (without extension) of a chart's CSV file and of its images. A trend's
        names its grouping, or its weeks and months would download under one name."""
        grouping = f"-{self.filters['period']}" if chart == "trend" else ""
        return f"incidents-{chart}{grouping}{self.suffix()}"

    def described(self):
        """The filters in words, for a chart image that leaves the page."""
        year, municipality, category = (
            self.filters[name] for name in ("year", "municipality", "category")
        )
        parts = (
            year or _("every year"),
            municipality.name if municipality else _("All municipalities"),
            Category(category).label if category else _("All categories"),
        )
        return " · ".join(capfirst(str(part)) for part in parts)


def _titles():
    return {
        "trend": _("Incidents over time"),
        "season": _("Incidents per month of the year"),
    }


def _bad_request(current):
    return HttpResponse(current.errors(), status=400, content_type="text/plain; charset=utf-8")


def _csv(body, filename):
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _current_plans(area, user, today):
    """The current plan of each district of the area: the newest not after this year, or
    the newest at all when every plan lies ahead."""
    plans = CooperationPlan.objects.visible_to(user).select_related("district")
    districts = area.plan_district_ids()
    if districts is not None:
        plans = plans.filter(district__in=districts)
    chosen = {}
    for plan in plans.order_by("district__number", "-year"):
        best = chosen.get(plan.district_id)
        if best is None or (best.year > today.year and plan.year <= today.year):
            chosen[plan.district_id] = plan
    return list(chosen.values())


def plans_with_indicators(request, current):
    """[(plan, its indicators as shown, their tiles)] of the current plans, read on the
    request's one date, as the rest of the page is."""
    found = []
    for plan in _current_plans(current.area, request.user, current.today):
        indicators = Indicator.objects.visible_to(request.user).of_plan(plan)
        shown = present_all(
            indicators, plan, reads_exactly=current.area.reads_exactly, today=current.today
        )
        found.append((plan, shown, report.indicator_tiles(shown, plan, today=current.today)))
    return found


def dashboard_context(request, current):
    """Everything the page shows; the PDF prints the same."""
    context = {
        "form": current.form,
        "area": current.area,
        "query": current.query,
        "published_through": current.published_through(),
    }
    context["plans"] = plans_with_indicators(request, current)
    if current.valid:
        titles = _titles()
        context.update(
            filters=current.filters,
            charts=[(chart, titles[chart], current.chart(chart)) for chart in charts.CHARTS],
            municipality_rows=charts.municipality_rows(
                current.counted(), current.shown_municipalities(), **current.table_options()
            ),
        )
        context.update(report.extra_sections(current, context["municipality_rows"]))
    return context


@require_GET
def dashboard(request):
    current = DashboardQuery(request)
    return render(request, "dashboard/dashboard.html", dashboard_context(request, current))


@require_GET
def chart_json(request, chart):
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    points = current.chart(chart)
    spec = charts.spec(chart, points, title=_titles()[chart])
    # Saved as PNG or SVG, the chart leaves the page that says what it shows.
    spec["title"] = {"text": spec["title"], "subtitle": current.described()}
    spec["usermeta"] = {"embedOptions": embed_options(current.chart_name(chart))}
    return JsonResponse(spec)


@require_GET
def chart_csv(request, chart):
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    out = io.StringIO()
    charts.write_csv(out, chart, current.chart(chart))
    return _csv(out.getvalue(), f"{current.chart_name(chart)}.csv")


@require_GET
def municipalities_csv(request):
    """The table `manage.py incident_counts` prints, for the dashboard's area and filters."""
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    out = io.StringIO()
    write_municipality_csv(
        out, current.counted(), current.shown_municipalities(), **current.table_options()
    )
    return _csv(out.getvalue(), f"incidents-municipalities{current.suffix()}.csv")


@require_GET
def map_geojson(request):
    """The municipalities' boundaries with their counts and rates, for the choropleth."""
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    rows = charts.municipality_rows(
        current.counted(), current.shown_municipalities(), **current.table_options()
    )
    boundaries = dict(
        current.municipalities.model.objects.filter(
            pk__in=[row.municipality.pk for row in rows]
        ).values_list("pk", "boundary")
    )
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": row.municipality.code,
                "name": row.municipality.name,
                "count": row.count,
                "rate": None if row.rate is None else float(row.rate),
            },
            "geometry": boundaries[row.municipality.pk],
        }
        for row in rows
        if boundaries.get(row.municipality.pk)
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")
