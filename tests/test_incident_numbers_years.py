"""Years beside months: a year is the sum of its months, and every year adds up to the total
the municipality table shows without a year. The public reads the years (the trend per year,
a chosen year's key figures and municipality table) beside the months, weeks and that total,
so none of them may be hidden where the others give it away. Every expected number is worked
out by hand in the test."""

import csv
import datetime
import io

import pytest

from tests.test_dashboard_explore_public import greve_years  # noqa: F401 (a fixture)
from tests.test_incident_numbers_weeks import of_days
from tryghed.incidents import numbers
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT, SoFar

URL = "/medarbejder/tal/"
HIDDEN = (SMALL_COUNT, SECONDARY)


def published(counted, kind):
    return {p.key: v for p, v in sorted(counted[kind].items()) if v != 0}


def march(year, days):
    """{local date: 1} for the first `days` days of March of `year`."""
    return {datetime.date(year, 3, day): 1 for day in range(1, days + 1)}


def test_a_year_hidden_among_the_years_is_not_the_sum_of_its_months():
    """10 incidents on 1-10 March 2022, 3 on 1-3 March 2023, 12 on 1-12 March 2024; the
    total of every year, 25, is published. The years alone: 2023 is "<5", and 2022, the
    smallest shown, is hidden as ".." (2023 = 25 - 12 - 2022 is then 1 to 4, as 2022 is 5
    to 12). But March 2022 shown as 10 is all of 2022: 2022 = 10 and 2023 = 25 - 10 - 12 = 3.
    So March 2022, the only month of 2022 shown, is hidden too: 5 or more. Its weeks, 6 in
    week 9 and 4 in week 10, were "..", "<5" already (week 9 the smallest shown beside the
    small week 10), and add up to March 2022 through the span November 2021 to July 2022: no
    more than it. 2024 stays: its months and weeks show 12 as the years do."""
    weeks, months = of_days(march(2022, 10) | march(2023, 3) | march(2024, 12))
    counted = numbers.protect_calendar(weeks, months)
    assert published(counted, "year") == {"2022": "..", "2023": "<5", "2024": 12}
    assert published(counted, "month") == {"2022-03": "..", "2023-03": "<5", "2024-03": 12}
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
    if len(left) == 1:
        known[left[0]] = total - sum(known.values())
    return {year: n for year, n in known.items() if years[year] in HIDDEN}


@pytest.mark.usefixtures("greve_years")
def test_the_council_member_cannot_work_a_year_out_from_its_months(
    council_member, secretariat, client_for
):
    client = client_for(council_member)
    assert read_csv(client.get(URL + "kommuner.csv"))["0253"] == "25"
    years = read_csv(client.get(URL + "trend.csv?period=year"))
    months = read_csv(client.get(URL + "trend.csv?period=month"))
    # Before, 2022 read ".." but March 2022 10: 2022 was 10, and 2023 25 - 10 - 12 = 3.
    assert worked_out(25, years, months) == {}
    assert years == {"2022": "..", "2023": "<5", "2024": "12"}
    assert (months["2022-03"], months["2023-03"], months["2024-03"]) == ("..", "<5", "12")
    values = client.get(URL + "trend.json?period=year").json()["data"]["values"]
    assert [(v["key"], v["shown"]) for v in values] == [
        ("2022", ".."),
        ("2023", "<5"),
        ("2024", "12"),
    ]
    # A year chosen reads the same: its months, its one year and the key figures.
    chosen = read_csv(client.get(URL + "trend.csv?period=month&year=2022"))
    assert chosen["2022-03"] == ".."
    assert read_csv(client.get(URL + "trend.csv?period=year&year=2022")) == {"2022": ".."}
    assert read_csv(client.get(URL + "trend.csv?period=quarter&year=2022"))["2022-Q1"] == ".."
    assert read_csv(client.get(URL + "season.csv?year=2022"))["3"] == ".."
    assert read_csv(client.get(URL + "season.csv"))["3"] == ".."
    assert read_csv(client.get(URL + "kommuner.csv?year=2022"))["0253"] == ".."
    key_figures = list(csv.reader(io.StringIO(client.get(URL + "noegletal.csv?year=2022").text)))
    assert key_figures[1][2] == ".."
    key_figures = list(csv.reader(io.StringIO(client.get(URL + "noegletal.csv?year=2024").text)))
    assert key_figures[1][2:5] == ["12", "<5", ""]

    staff = client_for(secretariat)
    assert read_csv(staff.get(URL + "trend.csv?period=year")) == {
        "2022": "10",
        "2023": "3",
        "2024": "12",
    }
    assert read_csv(staff.get(URL + "trend.csv?period=month"))["2022-03"] == "10"
    assert read_csv(staff.get(URL + "kommuner.csv?year=2022"))["0253"] == "10"
