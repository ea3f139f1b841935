"""The monthly and weekly counts the database keeps beside the incidents, and the counts per
grid cell and year behind the hotspot map: always equal to counting the incidents
themselves, after imports, corrections, updates and deletes however they are made, with
months, ISO weeks and years in Danish local time; and the dashboard's numbers read from them
equal the numbers counted from the incidents."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import ExtractYear, TruncMonth, TruncWeek
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tryghed.dashboard import charts
from tryghed.incidents import families, numbers
from tryghed.incidents.importer import import_incidents
from tryghed.incidents.models import (
    DANISH_TIME,
    CellCount,
    CellTotal,
    Incident,
    IncidentSource,
    MonthlyCount,
    MonthlyTotal,
    WeeklyCount,
    WeeklyTotal,
)
from tryghed.organisation.models import Municipality

pytestmark = pytest.mark.usefixtures("reference")

CATEGORIES = ["burglary_home", "violence", "youth_nuisance"]
CODES = ["0253", "0259", ""]  # Greve, Køge, none given
# Around New Year and the change to summer time, where UTC and local months differ.
START = datetime.datetime(2023, 12, 31, 20, 0)


TRUNC = {"month": TruncMonth, "week": TruncWeek}
COUNTS = {"month": MonthlyCount, "week": WeeklyCount}
TOTALS = {"month": MonthlyTotal, "week": WeeklyTotal}


def direct_counts(period="month"):
    """{(source, municipality, category, local month or week): n} counted from the incidents."""
    rows = (
        Incident.objects.order_by()
        .annotate(start=TRUNC[period]("occurred_at", tzinfo=DANISH_TIME))
        .values_list("source_id", "municipality_id", "category", "start")
        .annotate(n=Count("pk"))
    )
    return {(s, m, c, start.astimezone(DANISH_TIME).date()): n for s, m, c, start, n in rows}


def kept_counts(period="month"):
    rows = COUNTS[period].objects.values_list(
        "source_id", "municipality_id", "category", period, "incidents"
    )
    return {(s, m, c, start): n for s, m, c, start, n in rows}


def direct_totals(period="month"):
    totals = {}
    for (s, m, _category, start), n in direct_counts(period).items():
        totals[(s, m, start)] = totals.get((s, m, start), 0) + n
    return totals


def kept_totals(period="month"):
    rows = TOTALS[period].objects.values_list("source_id", "municipality_id", period, "incidents")
    return {(s, m, start): n for s, m, start, n in rows}


def direct_cells(*, per_category=False):
    """{(source, municipality, [category,] local year, cell row, cell column): n} counted
    from the located incidents, as the hotspot map counted them before the cells were kept."""
    group = ["source_id", "municipality_id", *(["category"] if per_category else [])]
    rows = (
        Incident.objects.located()
        .order_by()
        .annotate(
            year=ExtractYear("occurred_at", tzinfo=DANISH_TIME),
            row=numbers._cell_index("lat", numbers.CELL_LAT),
            column=numbers._cell_index("lon", numbers.CELL_LON),
        )
        .values_list(*group, "year", "row", "column")
        .annotate(n=Count("pk"))
    )
    return {tuple(key): n for *key, n in rows}


def kept_cells(*, per_category=False):
    model, group = CellTotal, ["source_id", "municipality_id"]
    if per_category:
        model, group = CellCount, [*group, "category"]
    rows = model.objects.values_list(*group, "year", "cell_row", "cell_column", "incidents")
    return {tuple(key): n for *key, n in rows}


def assert_cells_kept():
    """Both kinds of kept cells equal counting the located incidents; no empty cell kept."""
    for per_category in (False, True):
        kept = kept_cells(per_category=per_category)
        assert kept == direct_cells(per_category=per_category), per_category
        assert all(n > 0 for n in kept.values())


def marked(source):
    """The source's mark of its counts (`families.versions`)."""
    ((_pk, mark),) = families.versions(IncidentSource.objects.filter(pk=source.pk))
    return mark


def jsonl(rows):
    return "\n".join(json.dumps(row) for row in rows).encode()


# Points in Greve and in Køge, 3 km apart within Greve: different grid cells. The last is
# on a cell's southern edge (a whole number of cells north of the equator).
POINTS = {
    "0253": [("55.591200", "12.298700"), ("55.565000", "12.285000")],
    "0259": [("55.457000", "12.182000"), (f"{55.457 // 0.009044 * 0.009044:.6f}", "12.182000")],
}


def row(number, hours, category, code, point=None):
    occurred = START + datetime.timedelta(hours=hours)
    fields = {
        "external_id": f"X-{number}",
        "occurred_at": occurred.isoformat(timespec="minutes"),
        "category": category,
        "municipality_code": code,
    }
    if point is not None:
        # A point without a code is placed in its municipality by the importer.
        fields["lat"], fields["lon"] = POINTS[code or "0253"][point]
    return fields


@pytest.fixture
def source(district):
    return IncidentSource.objects.create(name="scale-test", district=district)


rows_strategy = st.lists(
    st.builds(
        row,
        st.integers(0, 12),
        # Up to about 100 days on: January, February, March and the end of March.
        st.integers(0, 24 * 100),
        st.sampled_from(CATEGORIES),
        st.sampled_from(CODES),
        st.sampled_from([None, 0, 1]),
    ),
    min_size=1,
    max_size=15,
)
operation = st.one_of(
    st.tuples(st.just("import"), rows_strategy),
    st.tuples(st.just("delete"), st.integers(0, 12)),
    st.tuples(st.just("save"), st.integers(0, 12), st.integers(-2000, 2000)),
    st.tuples(st.just("recategorise"), st.sampled_from(CATEGORIES), st.sampled_from(CATEGORIES)),
    st.tuples(st.just("unlocate"), st.sampled_from(CATEGORIES)),
    st.tuples(st.just("move"), st.sampled_from(CATEGORIES), st.sampled_from([None, 0, 1])),
)


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(operation, min_size=1, max_size=6))
@pytest.mark.django_db
def test_monthly_counts_always_equal_counting_the_incidents(source, operations):
    for op, *args in operations:
        mark, counted = marked(source), (kept_counts(), kept_cells())
        if op == "import":
            # Within one file an id may appear once; the rest are rejected, not counted.
            import_incidents(jsonl(args[0]), source=source)
        elif op == "delete":
            Incident.objects.filter(source=source, external_id=f"X-{args[0]}").delete()
        elif op == "save":
            incident = Incident.objects.filter(external_id=f"X-{args[0]}").first()
            if incident is not None:
                incident.occurred_at += datetime.timedelta(hours=args[1])
                incident.save()
        elif op == "recategorise":
            Incident.objects.filter(category=args[0]).update(category=args[1])
        elif op == "move":
            lat, lon = (None, None) if args[1] is None else POINTS["0253"][args[1]]
            Incident.objects.filter(category=args[0]).update(lat=lat, lon=lon)
        else:
            Incident.objects.filter(category=args[0]).update(municipality=None)
        assert_cells_kept()
        for period in ("month", "week"):
            assert kept_counts(period) == direct_counts(period), period
            assert kept_totals(period) == direct_totals(period), period
            kept = [*kept_counts(period).values(), *kept_totals(period).values()]
            assert all(n > 0 for n in kept)
        # What the dashboard keeps from the counts is kept under the mark.
        if (kept_counts(), kept_cells()) != counted:
            assert marked(source) != mark, op


def test_months_and_weeks_are_danish_ones(source, greve):
    import_incidents(
        jsonl(
            [
                # 23:30 on New Year's Eve is 22:30 UTC: still December in Denmark.
                {"external_id": "a", "occurred_at": "2023-12-31T23:30", "category": "violence"},
                {"external_id": "b", "occurred_at": "2024-01-01T00:30", "category": "violence"},
                # 00:30 on 1 July in summer time is 22:30 UTC on 30 June.
                {"external_id": "c", "occurred_at": "2024-07-01T00:30", "category": "violence"},
            ]
        ),
        source=source,
    )
    months = sorted(MonthlyCount.objects.values_list("month", "incidents"))
    assert months == [
        (datetime.date(2023, 12, 1), 1),
        (datetime.date(2024, 1, 1), 1),
        (datetime.date(2024, 7, 1), 1),
    ]
    # 1 January and 1 July 2024 are Mondays: 00:30 is still Sunday in UTC, but in Denmark
    # it begins the new week.
    weeks = sorted(WeeklyTotal.objects.values_list("week", "incidents"))
    assert weeks == [
        (datetime.date(2023, 12, 25), 1),
        (datetime.date(2024, 1, 1), 1),
        (datetime.date(2024, 7, 1), 1),
    ]


def test_reimporting_changes_no_count_and_a_correction_moves_one(source):
    rows = [row(n, n * 200, "violence", "0253") for n in range(10)]
    assert marked(source) is None
    import_incidents(jsonl(rows), source=source)
    before, mark = kept_counts(), marked(source)
    assert mark is not None
    import_incidents(jsonl(rows), source=source)
    assert kept_counts() == before
    # Nothing the dashboard kept from the counts is read anew.
    assert marked(source) == mark
    rows[0] = {**rows[0], "category": "burglary_home", "municipality_code": "0259"}
    report = import_incidents(jsonl(rows), source=source)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 9)
    assert marked(source) != mark
    koege = Municipality.objects.get(code="0259")
    moved = MonthlyCount.objects.get(municipality=koege)
    december = datetime.date(2023, 12, 1)
    assert (moved.category, moved.incidents, moved.month) == ("burglary_home", 1, december)
    assert sum(kept_counts().values()) == 10
    assert kept_counts() == direct_counts()
    assert kept_counts("week") == direct_counts("week")


@pytest.fixture
def spread(source, district):
    """Incidents over two years in Greve, Køge and nowhere, several categories."""
    rows = [
        row(
            n,
            n * 37,
            CATEGORIES[n % 3],
            CODES[n % 3] if n % 7 else "0253",
            (n // 5) % 2 if n % 5 == 0 else None,
        )
        for n in range(400)
    ]
    report = import_incidents(jsonl(rows), source=source)
    assert report.created == 400
    assert kept_cells() != {}
    assert_cells_kept()
    return district


@pytest.mark.parametrize("period", ["month", "quarter", "year", None])
@pytest.mark.parametrize("by", [(), ("municipality",), ("category",), ("municipality", "category")])
def test_counts_from_monthly_counts_equal_counts_from_incidents(spread, period, by):
    incidents, monthly = Incident.objects.all(), MonthlyCount.objects.all()
    assert numbers.counts(monthly, by=by, period=period) == numbers.counts(
        incidents, by=by, period=period
    )
    assert numbers.counts(monthly, by=by, period=period, public=True) == numbers.counts(
        incidents, by=by, period=period, public=True
    )
    if "category" not in by:
        totals = MonthlyTotal.objects.all()
        assert numbers.counts(totals, by=by, period=period) == numbers.counts(
            incidents, by=by, period=period
        )


@pytest.mark.parametrize("period", ["week", None])
@pytest.mark.parametrize("by", [(), ("municipality",), ("category",), ("municipality", "category")])
def test_counts_from_weekly_counts_equal_counts_from_incidents(spread, period, by):
    incidents = Incident.objects.all()
    tables = [WeeklyCount] if "category" in by else [WeeklyCount, WeeklyTotal]
    for model in tables:
        for public in (False, True):
            assert numbers.counts(model.objects.all(), by=by, period=period, public=public) == (
                numbers.counts(incidents, by=by, period=period, public=public)
            ), (model, public)


def test_the_dashboards_other_numbers_equal_those_from_incidents(spread):
    incidents, monthly = Incident.objects.all(), MonthlyCount.objects.all()
    municipalities = list(spread.municipalities.all())
    assert numbers.seasonal_profile(monthly) == numbers.seasonal_profile(incidents)
    assert numbers.seasonal_profile(monthly, years=[2024]) == numbers.seasonal_profile(
        incidents, years=[2024]
    )
    assert numbers.municipality_table(monthly, municipalities) == numbers.municipality_table(
        incidents, municipalities
    )
    assert numbers.changes(monthly, year=2024, by=("category",), period="quarter") == (
        numbers.changes(incidents, year=2024, by=("category",), period="quarter")
    )
    totals = MonthlyTotal.objects.all()
    assert numbers.seasonal_profile(totals) == numbers.seasonal_profile(incidents)
    assert numbers.municipality_table(totals, municipalities) == numbers.municipality_table(
        incidents, municipalities
    )
    assert charts.trend(monthly.in_year(2024), period="month", year=2024) == charts.trend(
        incidents.in_year(2024), period="month", year=2024
    )
    weekly = {row.period.key: row.count for row in numbers.counts(incidents, by=(), period="week")}
    for weeks in (WeeklyTotal.objects.all(), WeeklyCount.objects.all()):
        every_year = charts.weekly_trend(weeks)
        assert {point.key: point.count for point in every_year if point.count} == weekly
        assert [point.key for point in every_year][:: len(every_year) - 1] == [
            min(weekly),
            max(weekly),
        ]
        in_2024 = charts.weekly_trend(weeks, year=2024)
        assert len(in_2024) == 52
        assert {p.key: p.count for p in in_2024 if p.count} == {
            key: n for key, n in weekly.items() if key.startswith("2024-")
        }


def test_stored_counts_are_read_only_by_whole_periods_they_hold(spread):
    with pytest.raises(ValueError, match="weeks"):
        numbers.counts(MonthlyCount.objects.all(), by=(), period="week")
    with pytest.raises(ValueError, match="does not begin a month"):
        MonthlyCount.objects.occurred_between(datetime.date(2024, 3, 15), None)
    with pytest.raises(ValueError, match="no categories"):
        numbers.counts(MonthlyTotal.objects.all(), by=("category",))
    with pytest.raises(ValueError, match="across months"):
        numbers.counts(WeeklyCount.objects.all(), by=(), period="month")
    with pytest.raises(ValueError, match="does not begin a week"):
        WeeklyTotal.objects.occurred_between(None, datetime.date(2024, 3, 5))
    with pytest.raises(ValueError, match="no categories"):
        numbers.counts(WeeklyTotal.objects.all(), by=("category",))


def test_monthly_counts_are_scoped_like_the_incidents(spread, personas):
    for name, user in personas.items():
        seen = {(s, m) for s, m, *_ in kept_counts() if s is not None}
        visible_incidents = set(
            Incident.objects.visible_to(user).values_list("source_id", "municipality_id")
        )
        visible_counts = set(
            MonthlyCount.objects.visible_to(user).values_list("source_id", "municipality_id")
        )
        assert visible_counts == visible_incidents, name
        visible_totals = set(
            MonthlyTotal.objects.visible_to(user).values_list("source_id", "municipality_id")
        )
        assert visible_totals == visible_incidents, name
        assert visible_counts <= seen
        for model in (WeeklyCount, WeeklyTotal):
            visible_weeks = set(
                model.objects.visible_to(user).values_list("source_id", "municipality_id")
            )
            assert visible_weeks == visible_incidents, (name, model)
        located = set(
            Incident.objects.visible_to(user).located().values_list("source_id", "municipality_id")
        )
        for model in (CellTotal, CellCount):
            visible_cells = set(
                model.objects.visible_to(user).values_list("source_id", "municipality_id")
            )
            assert visible_cells == located, (name, model)
    for model in (MonthlyCount, MonthlyTotal, WeeklyCount, WeeklyTotal, CellTotal, CellCount):
        assert not model.objects.visible_to(personas["outsider"]).exists()


def test_the_command_counts_from_the_monthly_counts(spread):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "incident_counts", "--source", "scale-test", "--by", "municipality", stdout=out, stderr=err
    )
    lines = dict(line.split(",")[::2] for line in out.getvalue().splitlines()[1:])
    greve = Incident.objects.filter(municipality__code="0253").count()
    assert int(lines["0253"]) == greve > 0
    unlocated = Incident.objects.filter(municipality=None).count()
    assert str(unlocated) in err.getvalue()
