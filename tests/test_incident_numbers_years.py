"""Years beside months: a year is the sum of its months, and every year adds up to the total
the municipality table shows without a year. The public reads the years (the trend per year,
a chosen year's key figures and municipality table) beside the months, weeks and that total,
so none of them may be hidden where the others give it away. Every expected number is worked
out by hand in the test."""

import csv
import datetime
import io
import itertools

import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.test_dashboard_explore_public import greve_years  # noqa: F401 (a fixture)
from tests.test_incident_numbers_weeks import of_days
from tryghed.incidents import numbers
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT, Period, SoFar

URL = "/medarbejder/tal/"
HIDDEN = (SMALL_COUNT, SECONDARY)


def published(counted, kind):
    return {p.key: v for p, v in sorted(counted[kind].items()) if v != 0}


def march(year, days):
    """{local date: 1} for the first `days` days of March of `year`."""
    return {datetime.date(year, 3, day): 1 for day in range(1, days + 1)}


def test_a_year_is_published_as_its_months_are():
    """10 incidents on 1-10 March 2022, 3 on 1-3 March 2023, 12 on 1-12 March 2024. Each
    year is its one month: 2022 10, 2023 "<5", 2024 12. The total of every year, 25, would
    give 2023 away (25 - 10 - 12), as would every sum of the months from March 2023 on
    beside the one before it: it is "..". The weeks of March 2022, 6 in week 9 and 4 in
    week 10, add up to March through the span November 2021 to July 2022, so week 9 is
    hidden beside the small week 10; the small weeks 9 and 11 of 2024 add up to 12 - 7 = 5,
    which leaves each of them 1 to 4."""
    weeks, months = of_days(march(2022, 10) | march(2023, 3) | march(2024, 12))
    counted = numbers.protect_calendar(weeks, months)
    assert published(counted, "year") == {"2022": 10, "2023": "<5", "2024": 12}
    assert published(counted, "month") == {"2022-03": 10, "2023-03": "<5", "2024-03": 12}
    assert counted["total"] == ".."
    assert published(counted, "week") == {
        "2022-W09": "..",
        "2022-W10": "<5",
        "2023-W09": "<5",
        "2024-W09": "<5",
        "2024-W10": 7,
        "2024-W11": "<5",
    }
    # Only the years with incidents and those between them are published.
    assert [p.key for p in counted["year"]] == ["2022", "2023", "2024"]


def test_a_selection_without_a_small_count_is_read_as_it_is():
    """No count from 1 to 4 in any week, month, year or count up to a day: nothing to hide
    and nothing to work out, as for a district's or a large municipality's numbers."""
    days = {datetime.date(2024, 1, 1) + datetime.timedelta(days=d): 5 for d in range(366)}
    weeks, months = of_days(days)
    so_far = [(datetime.date(2024, 1, 1), datetime.date(2024, 3, 15), 5 * 74)]
    counted = numbers.protect_calendar(weeks, months, so_far)
    assert published(counted, "month") == {p.key: n for p, n in sorted(months.items())}
    assert published(counted, "week") == {p.key: n for p, n in sorted(weeks.items())}
    assert published(counted, "year") == {"2024": 5 * 366}
    assert counted["so_far"] == {SoFar(datetime.date(2024, 1, 1), datetime.date(2024, 3, 15)): 370}


def test_a_count_up_to_a_day_does_not_give_the_first_days_of_a_month_away():
    """2024: 20 on 15 January, 30 on 14 February, 2 on 5 March and 40 on 20 March. The key
    figures compare the year up to 15 March: 52, that is January and February (50) and the
    first 15 days of March: 2, a small count no one publishes. So the count up to the day is
    hidden as "..": 5 or more, and the first days of March any number from 0 to March's 42.
    Up to the end of a month, the count is that of whole months, and shown."""
    daily = {
        datetime.date(2024, 1, 15): 20,
        datetime.date(2024, 2, 14): 30,
        datetime.date(2024, 3, 5): 2,
        datetime.date(2024, 3, 20): 40,
    }
    weeks, months = of_days(daily)
    new_year = datetime.date(2024, 1, 1)
    ides = SoFar(new_year, datetime.date(2024, 3, 16))
    counted = numbers.protect_calendar(weeks, months, [(new_year, ides.end, 52)])
    assert counted["so_far"] == {ides: SECONDARY}
    # The months and the year are shown as they would be without it.
    assert published(counted, "month") == {"2024-01": 20, "2024-02": 30, "2024-03": 42}
    assert published(counted, "year") == {"2024": 92}
    march_end = SoFar(new_year, datetime.date(2024, 4, 1))
    february_end = SoFar(new_year, datetime.date(2024, 3, 1))
    counted = numbers.protect_calendar(
        weeks, months, [(new_year, march_end.end, 92), (new_year, february_end.end, 50)]
    )
    assert counted["so_far"] == {march_end: 92, february_end: 50}


def test_a_count_up_to_a_day_in_a_year_without_incidents_is_0():
    weeks, months = of_days(march(2022, 10))
    new_year = datetime.date(2025, 1, 1)
    counted = numbers.protect_calendar(weeks, months, [(new_year, datetime.date(2025, 6, 1), 0)])
    assert counted["so_far"] == {SoFar(new_year, datetime.date(2025, 6, 1)): 0}


# Through the dashboard -------------------------------------------------------------------


def read_csv(response):
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[2] for row in rows[1:]}


def worked_out(total, years, months):
    """The years a reader works out from the total of every year, the years shown and each
    year's twelve months: a year whose months are all shown is their sum, and a single year
    left hidden is the total less the others."""
    known = {year: int(shown) for year, shown in years.items() if shown not in HIDDEN}
    for year in years:
        twelve = [months.get(f"{year}-{month:02d}", "0") for month in range(1, 13)]
        if year not in known and not any(shown in HIDDEN for shown in twelve):
            known[year] = sum(int(shown) for shown in twelve)
    left = [year for year in years if year not in known]
    if len(left) == 1 and total is not None:
        known[left[0]] = total - sum(known.values())
    return {year: n for year, n in known.items() if years[year] in HIDDEN}


@pytest.mark.usefixtures("greve_years")
def test_the_council_member_cannot_work_a_year_out_from_its_months(
    council_member, secretariat, client_for
):
    """2022 and 2024 are their months; 2023, March's 3, is "<5" as a month but ".." as a
    year: a sum of months is published only where each of its months reads as a number,
    since "<5" beside the other sums and months could pin it. The total of every year, 25,
    would be 2023 given away (25 - 10 - 12): every sum from March 2023 on holds that one
    small month, so the total is "..", in the table as in the key figures, and so is 2023
    wherever it is read as a year, a quarter or the same period last year."""
    client = client_for(council_member)
    assert read_csv(client.get(URL + "kommuner.csv"))["0253"] == ".."
    years = read_csv(client.get(URL + "trend.csv?period=year"))
    months = read_csv(client.get(URL + "trend.csv?period=month"))
    assert worked_out(None, years, months) == {}
    assert years == {"2022": "10", "2023": "..", "2024": "12"}
    assert (months["2022-03"], months["2023-03"], months["2024-03"]) == ("10", "<5", "12")
    values = client.get(URL + "trend.json?period=year").json()["data"]["values"]
    assert [(v["key"], v["shown"]) for v in values] == [
        ("2022", "10"),
        ("2023", ".."),
        ("2024", "12"),
    ]
    # A year chosen reads the same: its months, its one year and the key figures.
    assert read_csv(client.get(URL + "trend.csv?period=month&year=2023"))["2023-03"] == "<5"
    assert read_csv(client.get(URL + "trend.csv?period=year&year=2023")) == {"2023": ".."}
    assert read_csv(client.get(URL + "trend.csv?period=quarter&year=2023"))["2023-Q1"] == ".."
    assert read_csv(client.get(URL + "season.csv?year=2022"))["3"] == "10"
    assert read_csv(client.get(URL + "season.csv"))["3"] == ".."
    assert read_csv(client.get(URL + "kommuner.csv?year=2022"))["0253"] == "10"
    assert read_csv(client.get(URL + "kommuner.csv?year=2023"))["0253"] == ".."
    key_figures = list(csv.reader(io.StringIO(client.get(URL + "noegletal.csv?year=2023").text)))
    assert key_figures[1][2:5] == ["..", "10", ""]
    key_figures = list(csv.reader(io.StringIO(client.get(URL + "noegletal.csv?year=2024").text)))
    assert key_figures[1][2:5] == ["12", "..", ""]

    staff = client_for(secretariat)
    assert read_csv(staff.get(URL + "trend.csv?period=year")) == {
        "2022": "10",
        "2023": "3",
        "2024": "12",
    }
    assert read_csv(staff.get(URL + "trend.csv?period=month"))["2022-03"] == "10"
    assert read_csv(staff.get(URL + "kommuner.csv?year=2022"))["0253"] == "10"


# Month after month -----------------------------------------------------------------------


def _month(start, k):
    return Period("month", numbers._add_months(start, k))


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 20]), min_size=1, max_size=30),
    st.sampled_from([datetime.date(2021, 1, 1), datetime.date(2021, 10, 1)]),
)
def test_no_small_month_or_sum_can_be_worked_out_from_every_month_read(monthly, start):
    """A reader who saves the sums every month (the year up to the month's end, every year
    up to it) learns nothing of a small month, nor the exact value of a sum read as "<5":
    every such count keeps two or more values that fit everything published. What was
    published once reads the same every month after. Checked by trying every value of the
    small months."""
    months = {_month(start, k): n for k, n in enumerate(monthly) if n}
    small = [k for k, n in enumerate(monthly) if numbers.is_small(n)]
    assume(len(small) <= 7)
    published = {}
    for k in range(1, len(monthly) + 1):
        until = _month(start, k).start
        sums = numbers.protected_sums({p: n for p, n in months.items() if p.start < until}, until)
        for key, value in sums.values.items():
            assert published.setdefault(key, value) == value, key
    if not published:
        return
    first = min(p.start for p in months)

    def sum_of(key, counts):
        chain, end = key
        begin = first if chain is None else max(first, datetime.date(chain, 1, 1))
        return sum(n for k, n in enumerate(counts) if begin <= _month(start, k).start < end)

    fitting = []
    for values in itertools.product(range(1, 5), repeat=len(small)):
        counts = list(monthly)
        for k, value in zip(small, values, strict=True):
            counts[k] = value
        if all(
            (1 <= sum_of(key, counts) <= 4)
            if shown == SMALL_COUNT
            else sum_of(key, counts) == shown
            for key, shown in published.items()
            if shown != SECONDARY
        ):
            fitting.append(counts)
    assert monthly in fitting
    for k in small:
        assert len({counts[k] for counts in fitting}) > 1, (k, monthly)
    for key, shown in published.items():
        if shown == SMALL_COUNT:
            assert len({sum_of(key, counts) for counts in fitting}) > 1, (key, monthly)
