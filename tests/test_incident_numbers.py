"""Incident numbers: counts and rates per municipality, category and period in Danish local
time, change against last year, the seasonal profile, hotspots, the "<5" rule for the public,
and the incident_counts command. Every expected number is worked out by hand in the test."""

import datetime
import io
import itertools
import math
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tryghed.incidents import numbers
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource
from tryghed.incidents.numbers import Period
from tryghed.organisation.models import Municipality
from tryghed.statistics.models import StatSeries, StatTable, StatValue, quarter_start

pytestmark = pytest.mark.usefixtures("reference")

DISTRICT_8 = [
    ("0253", "Greve"),
    ("0259", "Køge"),
    ("0265", "Roskilde"),
    ("0269", "Solrød"),
    ("0306", "Odsherred"),
    ("0316", "Holbæk"),
    ("0326", "Kalundborg"),
    ("0329", "Ringsted"),
    ("0336", "Stevns"),
    ("0350", "Lejre"),
]


@pytest.fixture
def source(district):
    return IncidentSource.objects.create(name="doegnrapport-test", district=district)


@pytest.fixture
def add(source):
    """add(local time, municipality, category=…, lat=…, lon=…): one incident, its time given
    as Danish wall-clock time."""
    serial = iter(range(1, 10_000))

    def make(local, municipality=None, category="violence", lat=None, lon=None):
        return Incident.objects.create(
            source=source,
            external_id=f"T-{next(serial)}",
            occurred_at=local.replace(tzinfo=DANISH_TIME),
            category=category,
            municipality=municipality,
            lat=None if lat is None else Decimal(lat),
            lon=None if lon is None else Decimal(lon),
        )

    return make


def at(*args):
    return datetime.datetime(*args)


def population(municipality, year, quarter, people):
    table, _ = StatTable.objects.get_or_create(code="STRAF11", defaults={"title": "STRAF11"})
    series, _ = StatSeries.objects.get_or_create(table=table, label="Voldsforbrydelser i alt")
    StatValue.objects.create(
        table=table,
        series=series,
        municipality=municipality,
        year=year,
        quarter=quarter,
        period_start=quarter_start(year, quarter),
        value=1,
        population=people,
    )


def table(rows):
    """The rows as (period key, municipality code, category, count, rate) tuples."""
    return [
        (
            row.period.key if row.period else None,
            row.municipality_code,
            row.category,
            row.count,
            row.rate,
        )
        for row in rows
    ]


def test_new_years_eve_late_in_the_evening_belongs_to_the_old_year(add, greve):
    old = add(at(2024, 12, 31, 23, 30), greve)  # 22:30 UTC
    new = add(at(2025, 1, 1, 0, 30), greve)  # 23:30 UTC on 31 December
    # In UTC both are 2024: a count on UTC dates would put both into the old year.
    assert old.occurred_at.astimezone(datetime.UTC).year == 2024
    assert new.occurred_at.astimezone(datetime.UTC).year == 2024
    qs = Incident.objects.all()

    for period, keys in [
        ("year", ["2024", "2025"]),
        ("quarter", ["2024-Q4", "2025-Q1"]),
        ("month", ["2024-12", "2025-01"]),
    ]:
        rows = numbers.counts(qs, by="municipality", period=period)
        assert [(r.period.key, r.count) for r in rows] == [(keys[0], 1), (keys[1], 1)], period
    assert list(Incident.objects.in_year(2024)) == [old]
    assert list(Incident.objects.in_year(2025)) == [new]


def test_weeks_are_iso_weeks_in_local_time_across_both_daylight_saving_changes(add, greve):
    # Summer time began on Sunday 31 March 2024: Monday 00:30 local time is still Sunday in
    # UTC, so a week cut in UTC would put it into the week before.
    add(at(2024, 3, 31, 3, 30), greve)  # after the jump, 01:30 UTC: week 13
    add(at(2024, 3, 31, 23, 30), greve)  # 21:30 UTC: week 13
    add(at(2024, 4, 1, 0, 30), greve)  # Sunday 22:30 UTC: week 14
    # Summer time ended on Sunday 27 October 2024.
    add(at(2024, 10, 27, 23, 30), greve)  # 22:30 UTC: week 43
    add(at(2024, 10, 28, 0, 15), greve)  # Sunday 23:15 UTC: week 44
    # Monday 30 December 2024 is in ISO week 1 of 2025, but in the year 2024.
    add(at(2024, 12, 30, 10, 0), greve)
    qs = Incident.objects.all()

    weeks = numbers.counts(qs, by=(), period="week")
    assert [(r.period.key, r.period.start, r.count) for r in weeks] == [
        ("2024-W13", datetime.date(2024, 3, 25), 2),
        ("2024-W14", datetime.date(2024, 4, 1), 1),
        ("2024-W43", datetime.date(2024, 10, 21), 1),
        ("2024-W44", datetime.date(2024, 10, 28), 1),
        ("2025-W01", datetime.date(2024, 12, 30), 1),
    ]
    assert weeks[-1].period.year == 2025 and weeks[-1].period.end == datetime.date(2025, 1, 6)
    months = numbers.counts(qs, by=(), period="month")
    assert [(r.period.key, r.count) for r in months] == [
        ("2024-03", 2),
        ("2024-04", 1),
        ("2024-10", 2),
        ("2024-12", 1),
    ]
    assert [r.count for r in numbers.counts(qs, by=(), period="year")] == [6]
    assert [(r.period, r.count) for r in numbers.counts(qs, by=())] == [(None, 6)]


def test_counts_by_municipality_have_rates_per_1000_from_the_latest_population(add, greve, koege):
    population(greve, 2023, 1, 3000)
    population(greve, 2024, 1, 5000)
    population(greve, 2024, 3, 4000)  # the newest known quarter
    for day in (5, 6, 7):
        add(at(2024, 3, day, 12), greve)
    add(at(2024, 8, 1, 12), greve, category="burglary_home")
    add(at(2024, 9, 1, 12), greve, category="burglary_home")
    add(at(2026, 7, 1, 12), greve)  # after the statistics end
    add(at(2022, 7, 1, 12), greve)  # before they begin
    add(at(2024, 3, 5, 12), koege)  # Køge has no population: no rate
    qs = Incident.objects.all()

    assert table(numbers.counts(qs, by="municipality", period="year")) == [
        ("2022", "0253", None, 1, Decimal("0.3")),  # 1000/3000 = 0.333…, the oldest quarter
        # 5 × 1000 / 4000 = 1.25: half up, not to even
        ("2024", "0253", None, 5, Decimal("1.3")),
        ("2024", "0259", None, 1, None),
        ("2026", "0253", None, 1, Decimal("0.3")),  # 1000/4000 = 0.25, the newest quarter
    ]
    # March takes 2024K1 (5000): 3000/5000 = 0.6; August takes 2024K3 (4000): 0.25 → 0.3.
    months = numbers.counts(qs.in_year(2024), by="municipality", period="month")
    assert table(months) == [
        ("2024-03", "0253", None, 3, Decimal("0.6")),
        ("2024-03", "0259", None, 1, None),
        ("2024-08", "0253", None, 1, Decimal("0.3")),
        ("2024-09", "0253", None, 1, Decimal("0.3")),
    ]
    assert months[0].municipality_name == "Greve" and months[0].municipality_id == greve.pk
    # Without periods, the newest known quarter: 7 × 1000 / 4000 = 1.75 → 1.8.
    assert table(numbers.counts(qs, by="municipality")) == [
        (None, "0253", None, 7, Decimal("1.8")),
        (None, "0259", None, 1, None),
    ]
    by_both = numbers.counts(qs.in_year(2024), by=("municipality", "category"), period="quarter")
    assert table(by_both) == [
        ("2024-Q1", "0253", "violence", 3, Decimal("0.6")),
        ("2024-Q1", "0259", "violence", 1, None),
        ("2024-Q3", "0253", "burglary_home", 2, Decimal("0.5")),
    ]
    with translation.override("en"):
        assert by_both[-1].category_label == "Burglary in a home"
        assert by_both[-1].period.label == "Q3 2024"
    # By category alone there is no population to divide by.
    assert table(numbers.counts(qs, by="category")) == [
        (None, None, "burglary_home", 2, None),
        (None, None, "violence", 6, None),
    ]


def test_incidents_without_a_municipality_are_counted_apart(add, greve):
    add(at(2024, 5, 1, 12), greve)
    add(at(2024, 5, 2, 12), None)
    rows = numbers.counts(Incident.objects.all(), by="municipality")
    assert [(r.municipality_code, r.count, r.rate) for r in rows] == [
        (None, 1, None),
        ("0253", 1, None),
    ]


def test_change_against_last_year_with_zero_and_a_fall(add, greve, koege):
    roskilde = Municipality.objects.get(code="0265")
    for month in (1, 2, 3, 8):
        add(at(2023, month, 10, 12), greve)
    for month in (1, 1, 2, 4, 9):
        add(at(2024, month, 10, 12), greve)
    for month in range(1, 8):
        add(at(2024, month, 10, 12), koege)  # none in 2023
    add(at(2023, 5, 10, 12), roskilde)
    add(at(2023, 6, 10, 12), roskilde)  # none in 2024
    add(at(2022, 6, 10, 12), roskilde)  # two years back: not compared
    qs = Incident.objects.all()

    rows = numbers.changes(qs, year=2024, by="municipality")
    assert [
        (r.period, r.municipality_code, r.count, r.previous, r.difference, r.percent) for r in rows
    ] == [
        (None, "0253", 5, 4, 1, Decimal("25.0")),
        (None, "0259", 7, 0, 7, None),  # nothing last year: no percentage
        (None, "0265", 0, 2, -2, Decimal("-100.0")),
    ]

    quarters = numbers.changes(qs.filter(municipality=greve), year=2024, period="quarter")
    # Q1: three against three; Q2: April against nothing; Q3: September against August.
    assert [(r.period.key, r.count, r.previous, r.difference, r.percent) for r in quarters] == [
        ("2024-Q1", 3, 3, 0, Decimal("0.0")),
        ("2024-Q2", 1, 0, 1, None),
        ("2024-Q3", 1, 1, 0, Decimal("0.0")),
    ]

    # Up to 1 July, both years: Greve 4 against 3 (+33.3 %), Roskilde 0 against 2.
    half = numbers.changes(qs, year=2024, by="municipality", until=datetime.date(2024, 7, 1))
    assert [(r.municipality_code, r.count, r.previous, r.percent) for r in half] == [
        ("0253", 4, 3, Decimal("33.3")),
        ("0259", 6, 0, None),
        ("0265", 0, 2, Decimal("-100.0")),
    ]


def test_a_week_53_has_no_counterpart_in_a_year_of_52_weeks(add, greve):
    add(at(2020, 12, 29, 12), greve)  # 2020-W53
    add(at(2019, 12, 30, 12), greve)  # 2020-W01 (ISO year 2020)
    add(at(2019, 1, 2, 12), greve)  # 2019-W01
    rows = numbers.changes(Incident.objects.all(), year=2020, period="week")
    assert [(r.period.key, r.count, r.previous, r.difference, r.percent) for r in rows] == [
        ("2020-W01", 1, 1, 0, Decimal("0.0")),
        ("2020-W53", 1, None, None, None),
    ]


def test_the_seasonal_profile_has_twelve_months_in_local_time(add, greve):
    add(at(2023, 1, 15, 12), greve)
    add(at(2024, 1, 15, 12), greve)
    add(at(2024, 7, 1, 0, 30), greve)  # 30 June 22:30 UTC: July
    add(at(2024, 12, 31, 23, 30), greve)  # December 2024, not January 2025
    for day in range(1, 7):
        add(at(2025, 3, day, 12), greve)
    qs = Incident.objects.all()

    profile = numbers.seasonal_profile(qs, years=[2024])
    assert [m.month for m in profile] == list(range(1, 13))
    assert [m.count for m in profile] == [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    assert [m.count for m in numbers.seasonal_profile(qs, years=[2023, 2024])][0] == 2
    # For the public a month of the year is a sum of months: January's two small months,
    # and July's and December's one, read "..", since "<5" on a sum would bound its parts
    # beyond what each says of itself; March's 6 is a number and reads as it is.
    everything = numbers.seasonal_profile(qs, public=True)
    assert [m.count for m in everything] == ["..", 0, 6, 0, 0, 0, "..", 0, 0, 0, 0, ".."]
    with translation.override("da"):
        assert str(everything[2].label) == "marts"
    assert [m.count for m in numbers.seasonal_profile(qs, years=[])] == [0] * 12


def test_hotspots_count_located_incidents_per_grid_cell(add, greve, koege):
    add(at(2024, 1, 1, 12), greve, lat="55.589000", lon="12.270000")
    add(at(2024, 1, 2, 12), greve, lat="55.590000", lon="12.271000")
    # Exactly on the cell's south-west corner: 6146 × 9044 µ° and 763 × 16064 µ°.
    add(at(2024, 1, 3, 12), greve, lat="55.584424", lon="12.256832")
    # One micro-degree south: the cell below.
    add(at(2024, 1, 4, 12), greve, lat="55.584423", lon="12.256832")
    add(at(2024, 1, 5, 12), koege, lat="55.458000", lon="12.182000")
    add(at(2024, 1, 6, 12), koege)  # no coordinates: not on the map

    cells = numbers.hotspots(Incident.objects.all())
    assert [(c.row, c.column, c.count) for c in cells] == [
        (6146, 763, 3),
        (6132, 758, 1),
        (6145, 763, 1),
    ]
    # Added up from two parts, the same map as one part summed and sorted by the database.
    split = at(2024, 1, 3, 12).replace(tzinfo=DANISH_TIME)
    parts = (
        Incident.objects.filter(occurred_at__lt=split),
        Incident.objects.exclude(occurred_at__lt=split),
    )
    assert numbers.hotspots(*parts) == cells
    assert numbers.hotspots(*parts, public=True) == numbers.hotspots(
        Incident.objects.all(), public=True
    )
    busiest = cells[0]
    assert busiest.bounds == [[55.584424, 12.256832], [55.593468, 12.272896]]
    # Cells are about 1 km across at Danish latitudes.
    assert 0.99 < (busiest.north - busiest.south) * 110.574 < 1.01
    width = (busiest.east - busiest.west) * 111.320 * math.cos(math.radians(busiest.centre[0]))
    assert 0.98 < width < 1.02
    feature = numbers.hotspots_geojson(numbers.hotspots(Incident.objects.all(), public=True))
    assert [f["properties"]["count"] for f in feature["features"]] == ["<5", "<5", "<5"]
    ring = feature["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] == [12.256832, 55.584424]


@hypothesis_settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    points=st.lists(
        st.tuples(
            # Micro-degrees across Denmark, on a cell's edge, and mirrored into the other
            # hemispheres, where rounding down and cutting off the fraction differ.
            st.one_of(
                st.integers(54_500_000, 57_800_000),
                st.integers(6026, 6391).map(lambda row: row * numbers.CELL_LAT),
                st.integers(54_500_000, 57_800_000).map(lambda n: -n),
            ),
            st.one_of(
                st.integers(8_000_000, 15_200_000),
                st.integers(498, 946).map(lambda column: column * numbers.CELL_LON),
                st.integers(8_000_000, 15_200_000).map(lambda n: -n),
            ),
        ),
        min_size=1,
        max_size=12,
    )
)
@pytest.mark.django_db
def test_a_point_lies_in_the_cell_whole_micro_degrees_put_it_in(source, points):
    Incident.objects.filter(source=source).delete()
    for n, (lat, lon) in enumerate(points):
        Incident.objects.create(
            source=source,
            external_id=f"P-{n}",
            occurred_at=datetime.datetime(2024, 5, 1, 12, tzinfo=DANISH_TIME),
            category="violence",
            lat=Decimal(lat).scaleb(-6),
            lon=Decimal(lon).scaleb(-6),
        )
    expected = {}
    for lat, lon in points:
        cell = (lat // numbers.CELL_LAT, lon // numbers.CELL_LON)
        expected[cell] = expected.get(cell, 0) + 1
    found = numbers.hotspots(Incident.objects.filter(source=source))
    assert {(c.row, c.column): c.count for c in found} == expected


def test_small_counts_are_hidden_from_the_public_only(add, greve):
    assert [numbers.public_count(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    population(greve, 2024, 1, 1000)
    for day in range(1, 4):
        add(at(2024, 2, day, 12), greve)
    for day in range(1, 6):
        add(at(2023, 2, day, 12), greve)
    qs = Incident.objects.all()

    public = numbers.counts(qs, by="municipality", period="year", public=True)
    # The rate of 2024 (3 per 1,000 of 1000 people) would give the count away.
    assert [(r.count, r.rate) for r in public] == [(5, Decimal("5.0")), ("<5", None)]
    staff = numbers.counts(qs, by="municipality", period="year")
    assert [(r.count, r.rate) for r in staff] == [(5, Decimal("5.0")), (3, Decimal("3.0"))]
    (change,) = numbers.changes(qs, year=2024, public=True)
    assert (change.count, change.previous, change.difference, change.percent) == (
        "<5",
        5,
        None,
        None,
    )
    (change,) = numbers.changes(qs, year=2024)
    assert (change.difference, change.percent) == (-2, Decimal("-40.0"))


def test_numbers_follow_the_callers_scope(add, greve, koege, greve_staff):
    add(at(2024, 2, 1, 12), greve)
    add(at(2024, 2, 1, 12), koege)
    rows = numbers.counts(Incident.objects.visible_to(greve_staff), by="municipality")
    assert [(r.municipality_code, r.count) for r in rows] == [("0253", 1)]


def test_unknown_groupings_and_periods_are_refused():
    with pytest.raises(ValueError, match="source"):
        numbers.counts(Incident.objects.all(), by="source")
    with pytest.raises(ValueError, match="day"):
        numbers.counts(Incident.objects.all(), period="day")


def test_the_period_labels_read_in_danish_and_english():
    week = Period.containing("week", datetime.date(2024, 4, 3))
    quarter = Period.containing("quarter", datetime.date(2024, 8, 3))
    month = Period.containing("month", datetime.date(2024, 5, 3))
    with translation.override("da"):
        assert (week.label, quarter.label, month.label) == (
            "uge 14 2024",
            "3. kvartal 2024",
            "maj 2024",
        )
    with translation.override("en"):
        assert (week.label, quarter.label, month.label) == ("week 14 2024", "Q3 2024", "May 2024")


# The command -----------------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("incident_counts", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def command_data(add, greve, koege):
    copenhagen = Municipality.objects.get(code="0101")  # another district
    add(at(2024, 3, 1, 12), greve)
    add(at(2024, 12, 31, 23, 30), greve, category="burglary_home")
    add(at(2025, 1, 1, 0, 30), greve)  # 2025 in Denmark, 2024 in UTC
    add(at(2024, 6, 1, 12), koege)
    add(at(2023, 6, 1, 12), koege)
    add(at(2024, 6, 1, 12), None)
    add(at(2024, 6, 1, 12), copenhagen)


def expected_csv(**counts):
    lines = ["municipality_code,municipality_name,count"]
    lines += [f"{code},{name},{counts.get(code, 0)}" for code, name in DISTRICT_8]
    return "\n".join(lines) + "\n"


@pytest.mark.usefixtures("command_data")
def test_the_command_prints_every_municipality_of_the_district_as_csv():
    out, err = run("--source", "doegnrapport-test", "--by", "municipality", "--year", "2024")
    assert out == (
        "municipality_code,municipality_name,count\n"
        "0253,Greve,2\n"
        "0259,Køge,1\n"
        "0265,Roskilde,0\n"
        "0269,Solrød,0\n"
        "0306,Odsherred,0\n"
        "0316,Holbæk,0\n"
        "0326,Kalundborg,0\n"
        "0329,Ringsted,0\n"
        "0336,Stevns,0\n"
        "0350,Lejre,0\n"
    )
    assert err == (
        "2 incidents are not in the table: they lie in no municipality of "
        "Midt- og Vestsjællands Politi.\n"
    )

    out, err = run("--source", "doegnrapport-test", "--by", "municipality")
    assert out == expected_csv(**{"0253": 3, "0259": 2})
    out, err = run(
        "--source=doegnrapport-test", "--by=municipality", "--year=2024", "--category=violence"
    )
    assert out == expected_csv(**{"0253": 1, "0259": 1})
    assert err.startswith("2 incidents are not in the table")


@pytest.mark.usefixtures("command_data")
def test_the_download_table_hides_small_counts_for_the_public(district):
    out = io.StringIO()
    qs = Incident.objects.filter(source__name="doegnrapport-test")
    total = numbers.write_municipality_csv(out, qs, district.municipalities.all(), public=True)
    assert total == 5
    assert out.getvalue() == expected_csv(**{"0253": "<5", "0259": "<5"})


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--source", "no-such-source", "--by", "municipality"],
            "There is no incident source named “no-such-source”. Known sources: doegnrapport-test.",
        ),
        (
            ["--source", "doegnrapport-test", "--by", "municipality", "--category", "theft"],
            "“theft” is not a category code. Category codes: burglary_home,",
        ),
        (
            ["--source", "doegnrapport-test", "--by", "municipality", "--year", "24"],
            "“24” is not a year: give four digits from 2000 to 2999.",
        ),
        (
            ["--source", "doegnrapport-test", "--by", "municipality", "--year", "2024x"],
            "“2024x” is not a year",
        ),
        (
            ["--source", "doegnrapport-test", "--by", "municipality", "--year", "1066"],
            "“1066” is not a year",
        ),
        (["--source", "doegnrapport-test", "--by", "category"], "invalid choice: 'category'"),
        (["--by", "municipality"], "the following arguments are required: --source"),
    ],
)
def test_the_command_refuses_bad_input_clearly(source, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value)


# Complementary suppression ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        # A district total of 523: without more, the "<5" would be 523 minus the others.
        # The next smallest, 70, is hidden too: the two make 73, and with the ".." at least
        # 5 and at most 100 (the smallest shown), the "<5" may be anything from 1 to 4.
        ([200, 150, 3, 100, 70], [200, 150, "<5", 100, ".."]),
        # Two "<5" that make 2 beside a total of 11 are 1 each: the 9 goes too.
        ([1, 9, 1], ["<5", "..", "<5"]),
        # 4 and a hidden 5 beside another 5 make 9: the ".." is 5 (at most the 5 shown), so
        # the "<5" is 4. The second 5 goes too; then the ".." can be anything from 5 up.
        ([4, 5, 5], ["<5", "..", ".."]),
        # Two "<5" that make 5 may be 1+4, 2+3, 3+2 or 4+1: nothing more to hide.
        ([2, 3, 40], ["<5", "<5", 40]),
        # Zeros stay; of equal counts the first is taken.
        ([0, 3, 7, 7], [0, "<5", "..", 7]),
        # Nothing small, nothing hidden; nothing at all, nothing hidden.
        ([5, 6, 0], [5, 6, 0]),
        ([], []),
        # One "<5" alone is its own total, which the public reads as "<5" as well.
        ([0, 2, 0], [0, "<5", 0]),
        # Groups that hiding more cannot protect beside their total are hidden whole, the
        # zeros too: eleven "<5" weeks beside 11 would be 1 each, 1 and 5 beside 6 give
        # each other away, and so do 4 and 4 beside 8.
        ([0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1], [".."] * 13),
        ([1, 5], ["..", ".."]),
        ([0, 4, 4], ["..", "..", ".."]),
        # Unless the total is small too: the public reads it as "<5".
        ([1, 0, 1], ["<5", 0, "<5"]),
    ],
)
def test_a_small_count_is_protected_by_hiding_the_next_smallest(counts, shown):
    assert numbers.protect(counts) == shown
    assert numbers.protect(counts, public=False) == counts  # staff read exact numbers


def _feasible(shown, total):
    """Every assignment of the hidden counts that agrees with what the public reads: the
    total, the visible counts, "<5" as 1-4 and ".." as 5 up to the smallest visible count.
    Worked out by trying them all, independently of numbers._exposed."""
    visible = [c for c in shown if not numbers.is_hidden(c)]
    rest = total - sum(visible)
    most = min([c for c in visible if c], default=total)
    ranges = [range(1, 5) if c == "<5" else range(5, most + 1) for c in shown if c in ("<5", "..")]
    return [combo for combo in itertools.product(*ranges) if sum(combo) == rest]


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5))
def test_no_hidden_count_can_be_worked_out_from_the_total(counts):
    total = sum(counts)
    shown = numbers.protect(counts)
    if len(counts) > 1 and not numbers.is_small(total) and shown == [".."] * len(counts):
        # Hidden whole, zeros included: any count may be anything from 0 to the total.
        assert any(numbers.is_small(c) for c in counts), (counts, shown)
        return
    hidden = [i for i, c in enumerate(shown) if numbers.is_hidden(c)]
    # Never one hidden count beside a total the public reads as a number.
    if not numbers.is_small(total):
        assert len(hidden) != 1, (counts, shown)
    assert all(numbers.is_hidden(shown[i]) for i, c in enumerate(counts) if numbers.is_small(c))
    assert all(shown[i] == c for i, c in enumerate(counts) if i not in hidden)
    assert all(shown[i] == "<5" for i in hidden if numbers.is_small(counts[i]))
    assert all(shown[i] == ".." for i in hidden if not numbers.is_small(counts[i]))
    if not hidden or numbers.is_small(total):
        return
    combos = _feasible(shown, total)
    assert tuple(counts[i] for i in hidden) in combos
    for position, i in enumerate(hidden):
        if numbers.is_small(counts[i]):
            values = {combo[position] for combo in combos}
            assert len(values) > 1, (counts, shown, i, values)


def test_each_years_months_and_their_quarters_are_protected(add, greve):
    """2024: 3 in January, 7 in February, 20 in April (30 beside the year's total). 3 alone
    would be 30 minus 27: February's 7 is hidden too, and so is the first quarter. A month of
    the seasonal profile is a sum of months as a quarter is: January, holding the small 3,
    reads "..", not "<5", which would bound it beyond what the month says of itself."""
    for n, month in enumerate([1] * 3 + [2] * 7 + [4] * 20):
        add(at(2024, month, 1 + n % 28, 12), greve)
    qs = Incident.objects.all()
    months = numbers.counts(qs, by=(), period="month", public=True)
    assert [(r.period.key, r.count) for r in months] == [
        ("2024-01", "<5"),
        ("2024-02", ".."),
        ("2024-04", 20),
    ]
    quarters = numbers.counts(qs, by=(), period="quarter", public=True)
    assert [(r.period.key, r.count) for r in quarters] == [("2024-Q1", ".."), ("2024-Q2", 20)]
    staff = numbers.counts(qs, by=(), period="quarter")
    assert [(r.period.key, r.count) for r in staff] == [("2024-Q1", 10), ("2024-Q2", 20)]
    season = [m.count for m in numbers.seasonal_profile(qs, years=[2024], public=True)]
    assert season[:4] == ["..", "..", 0, 20]


def test_a_month_summed_over_years_is_hidden_when_one_of_its_months_is(add, greve):
    """2023: 2 in January, 6 in February; 2024: 7 in January, 5 in February. Shown as 9 and
    11 over both years, January 2023 would be 9 minus 2024's 7."""
    for year, month, count in [(2023, 1, 2), (2023, 2, 6), (2024, 1, 7), (2024, 2, 5)]:
        for day in range(1, count + 1):
            add(at(year, month, day, 12), greve)
    qs = Incident.objects.all()
    season = [m.count for m in numbers.seasonal_profile(qs, public=True)]
    assert season[:3] == ["..", "..", 0]
    assert [m.count for m in numbers.seasonal_profile(qs)][:3] == [9, 11, 0]
    months = numbers.counts(qs, by=(), period="month", public=True)
    assert [r.count for r in months] == ["<5", "..", 7, 5]


def test_no_change_is_shown_from_a_count_hidden_beside_its_total(add, greve, koege):
    """2024: Greve 6, Køge 1 (7 in all); 2023: Greve 10, Køge 8. Greve's 6 would give Køge's
    1 away, so it is hidden, and its change against 10 (which would give the 6) too."""
    population(greve, 2024, 1, 50_000)
    for year, municipality, count in [(2024, greve, 6), (2024, koege, 1)]:
        for day in range(1, count + 1):
            add(at(year, 3, day, 12), municipality)
    for year, municipality, count in [(2023, greve, 10), (2023, koege, 8)]:
        for day in range(1, count + 1):
            add(at(year, 3, day, 12), municipality)
    qs = Incident.objects.all()
    rows = numbers.changes(qs, year=2024, by="municipality", public=True)
    assert [(r.count, r.previous, r.difference, r.percent) for r in rows] == [
        ("..", 10, None, None),
        ("<5", 8, None, None),
    ]
    staff = numbers.changes(qs, year=2024, by="municipality")
    assert [(r.count, r.difference, r.percent) for r in staff] == [
        (6, -4, Decimal("-40.0")),
        (1, -7, Decimal("-87.5")),
    ]
    public = numbers.counts(qs.in_year(2024), by="municipality", public=True)
    # Greve's rate of 0.1 per 1,000 of 50,000 would give its 6 back.
    assert [(r.count, r.rate) for r in public] == [("..", None), ("<5", None)]
