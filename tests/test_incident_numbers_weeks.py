"""Weeks beside months: where a run of whole ISO weeks covers exactly a run of whole months
(February 2021 is weeks 5 to 8 of 2021), the weeks add up to the months, and the public
reads both. No count hidden among the weeks may be the months less the weeks shown, nor one
hidden among the months the weeks less the months shown. Every expected number is worked out
by hand in the test."""

import csv
import datetime
import io

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tryghed.incidents import numbers
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT, Period

URL = "/medarbejder/tal/"


def on_mondays(year, weekly):
    """({week: count}, {month: count}) for {ISO week number of `year`: count}, every
    incident of a week on its Monday (so in the month of the Monday)."""
    weeks, months = {}, {}
    for week, n in weekly.items():
        monday = datetime.date.fromisocalendar(year, week, 1)
        weeks[Period("week", monday)] = n
        month = Period.containing("month", monday)
        months[month] = months.get(month, 0) + n
    return weeks, months


def of_days(daily):
    """({week: count}, {month: count}) for {local date: count}."""
    weeks, months = {}, {}
    for day, n in daily.items():
        for kind, counted in (("week", weeks), ("month", months)):
            period = Period.containing(kind, day)
            counted[period] = counted.get(period, 0) + n
    return weeks, months


def hidden(shown):
    return {period.key: value for period, value in sorted(shown.items()) if value in HIDDEN}


def key(shown, name):
    return next(value for period, value in shown.items() if period.key == name)


HIDDEN = (SMALL_COUNT, SECONDARY)


def each_group_alone(counted, kind):
    """The counts of every year (ISO year for weeks) protected on their own, as the
    dashboard published them before weeks and months were protected together."""
    shown = {}
    for year in sorted({period.year for period in counted}):
        first, end = numbers.year_span(year, kind)
        period, group = Period.containing(kind, first), []
        while period.start < end:
            group.append(period)
            period = Period(kind, period.end)
        shown.update(zip(group, numbers.protect([counted.get(p, 0) for p in group]), strict=True))
    return shown


def test_spans_run_from_a_monday_that_begins_a_month_to_the_next():
    spans = numbers.aligned_spans(datetime.date(2021, 1, 1), datetime.date(2022, 12, 31))
    assert spans == [
        (datetime.date(2021, 2, 1), datetime.date(2021, 3, 1)),  # weeks 5-8
        (datetime.date(2021, 3, 1), datetime.date(2021, 11, 1)),  # weeks 9-43
        (datetime.date(2021, 11, 1), datetime.date(2022, 8, 1)),  # across the new year
    ]
    assert datetime.date(2021, 3, 1).isocalendar()[:2] == (2021, 9)


def test_a_small_week_of_february_2021_is_not_the_month_less_its_other_weeks():
    """2021, every incident on a Monday: weeks 5-8 (February) 3, 40, 50, 60; weeks 19 and
    20 (May) 2 each and week 21 30. Each ISO year's weeks alone: the three "<5" make 7 and
    may be 1 to 4 each, nothing more hidden. But February's 153 is published too, and
    153 − 40 − 50 − 60 = 3. So week 6, the smallest count shown in February's weeks and
    month, is hidden as well: weeks 5 and 6 make 43, and with week 6 at most 50 (the
    smallest week shown beside it) week 5 may be 1 to 4. May's two "<5" make 34 − 30 = 4:
    1 to 3 each, nothing to add there."""
    weeks, months = on_mondays(2021, {5: 3, 6: 40, 7: 50, 8: 60, 19: 2, 20: 2, 21: 30})
    assert key(months, "2021-02") == 153 and key(months, "2021-05") == 34
    alone = each_group_alone(weeks, "week")
    assert hidden(alone) == {"2021-W05": "<5", "2021-W19": "<5", "2021-W20": "<5"}
    others = [alone[p] for p in weeks if p.start.month == 2 and p.key != "2021-W05"]
    assert key(months, "2021-02") - sum(others) == 3

    shown_weeks, shown_months = numbers.protect_weeks_and_months(weeks, months)
    assert hidden(shown_weeks) == {
        "2021-W05": "<5",
        "2021-W06": "..",
        "2021-W19": "<5",
        "2021-W20": "<5",
    }
    assert hidden(shown_months) == {}
    assert (key(shown_months, "2021-02"), key(shown_weeks, "2021-W07")) == (153, 50)
    # Every week and month of the years around the incidents, 0 included.
    assert len(shown_weeks) == 52 and len(shown_months) == 12
    assert key(shown_weeks, "2021-W01") == 0 and key(shown_months, "2021-12") == 0


def test_a_span_of_several_months_and_a_hidden_week_in_another():
    """2021, every incident on a Monday: weeks 5-8 (February) 6, 30, 30, 30; weeks 9-43
    (March to October, the next aligned span) 20 each but week 30 with 2. No month is
    small, so every month and sum is shown. March to October's months give week 30 away
    (their sum less the other weeks), so week 9, the first of the smallest shown there, is
    hidden with it: together 22, week 9 at most 20, so week 30 is 2 to 4. Week 5, 6, is no
    small count and stays."""
    weekly = {5: 6, 6: 30, 7: 30, 8: 30, **dict.fromkeys(range(9, 44), 20), 30: 2}
    weeks, months = on_mondays(2021, weekly)
    assert key(months, "2021-02") == 96 and key(months, "2021-07") == 62

    shown_weeks, shown_months = numbers.protect_weeks_and_months(weeks, months)
    assert hidden(shown_weeks) == {"2021-W09": "..", "2021-W30": "<5"}
    assert hidden(shown_months) == {}


def test_nothing_changes_where_no_aligned_span_parts_the_hidden_counts():
    """ISO 2020, every incident on a Monday: 20 a week, but 3 in week 10 (March) and 6 in
    week 15 (April). The weeks alone hide week 10 and week 15 (together 9, week 15 at most
    20). Both lie in the same aligned span, July 2019 to May 2020, whose months are all
    shown: its weeks less its months say no more than the year's total does."""
    weeks, months = on_mondays(2020, {**dict.fromkeys(range(1, 53), 20), 10: 3, 15: 6})
    shown_weeks, shown_months = numbers.protect_weeks_and_months(weeks, months)
    assert hidden(shown_weeks) == {"2020-W10": "<5", "2020-W15": ".."}
    for shown, alone in [
        (shown_weeks, each_group_alone(weeks, "week")),
        (shown_months, each_group_alone(months, "month")),
    ]:
        # The weeks of ISO 2019 and 2021 and the months of 2021 around them are 0.
        assert shown == alone | {p: 0 for p in shown if p not in alone}


def test_four_small_counts_beside_a_small_total_leave_the_year_hidden():
    """Four months of 1 each: the year, 4, published as "<5" (1 to 4), would say each is 1.
    The sums up to each month's end are "<5" while they hold three months or fewer (each
    then 1 or 2), and ".." from the fourth on; the months and weeks stay "<5"."""
    weeks, months = on_mondays(2020, {10: 1, 20: 1, 30: 1, 40: 1})
    counted = numbers.protect_calendar(weeks, months)
    for kind in ("week", "month"):
        shown = {value for p, value in counted[kind].items() if p.year == 2020 and value}
        assert shown == {SMALL_COUNT}
    assert counted["year"] == {Period("year", datetime.date(2020, 1, 1)): SECONDARY}
    assert counted["total"] == SECONDARY
    sums = numbers.protected_sums(months)
    assert [sums.values[(2020, datetime.date(2020, m, 1))] for m in (4, 6, 8, 10)] == [
        SMALL_COUNT,
        SMALL_COUNT,
        SMALL_COUNT,
        SECONDARY,
    ]


def test_nothing_at_all():
    assert numbers.protect_weeks_and_months({}, {}) == ({}, {})


# Nothing can be worked out ---------------------------------------------------------------


def _range_of(cell, terms, total, readable):
    """The least and most of `cell` from one equation (sum of sign × count over `terms` in
    `total`), every other cell from its least to its most; independently of numbers."""
    rest_low = rest_high = 0
    for other, sign in terms:
        if other == cell:
            continue
        low, high = readable[other]
        rest_low += sign * (low if sign > 0 else high)
        rest_high += sign * (high if sign > 0 else low)
    sign = dict(terms)[cell]
    least, most = total[0] - rest_high, total[1] - rest_low
    if sign < 0:
        least, most = -most, -least
    low, high = readable[cell]
    return max(low, least), min(high, most)


def _readable(value, whole):
    if value == SMALL_COUNT:
        return (1, 4)
    if value == SECONDARY:
        return (0, float("inf")) if whole else (5, float("inf"))
    return (value, value)


def _groups(shown):
    """The groups a ".." may be hidden whole in: each year's months, each ISO year's weeks,
    the years."""
    groups = {}
    for period in shown:
        groups.setdefault((period.kind, period.year if period.kind != "year" else None), []).append(
            period
        )
    return list(groups.values())


def _equations(shown, total):
    """Every equation the public reads, as (terms, published): each run of aligned spans,
    its weeks less its months 0; each year's months less the year 0; the years, and every
    week, beside the total of every year where it is published (`total`: "<5" when
    small). An ISO year's total is published nowhere."""
    months = [p for p in shown if p.kind == "month"]
    weeks = [p for p in shown if p.kind == "week"]
    years = [p for p in shown if p.kind == "year"]
    first = min(p.start for p in months)
    last = max(p.start for p in months)
    mondays = [start for start, _end in numbers.aligned_spans(first, last)]
    mondays += [end for _start, end in numbers.aligned_spans(first, last)[-1:]]
    for i, start in enumerate(mondays):
        for end in mondays[i + 1 :]:
            terms = [(p, 1) for p in weeks if start <= p.start < end]
            terms += [(p, -1) for p in months if start <= p.start < end]
            yield terms, False
    for year in years:
        yield [(p, 1) for p in months if p.year == year.year] + [(year, -1)], False
    if total != SECONDARY:
        yield [(p, 1) for p in years], True
        yield [(p, 1) for p in weeks], True


@st.composite
def daily_counts(draw):
    """A few years of days: stretches of 0 to 5 incidents a day, and a few days with more."""
    day = draw(st.dates(datetime.date(2019, 6, 1), datetime.date(2023, 6, 1)))
    daily = {}
    for length, rate in draw(
        st.lists(
            st.tuples(st.integers(1, 150), st.sampled_from([0, 0, 0, 1, 2, 5])),
            min_size=1,
            max_size=14,
        )
    ):
        for _ in range(length):
            daily[day] = rate
            day += datetime.timedelta(days=1)
    start = min(daily)
    for offset, n in draw(st.lists(st.tuples(st.integers(0, 900), st.integers(1, 9)))):
        spike = start + datetime.timedelta(days=offset)
        daily[spike] = daily.get(spike, 0) + n
    return daily


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(daily_counts())
def test_no_hidden_week_month_or_year_can_be_worked_out_from_the_rest(daily):
    weeks, months = of_days(daily)
    published = numbers.protect_calendar(weeks, months)
    shown_weeks, shown_months = published["week"], published["month"]
    if not shown_months:
        assert not any(weeks.values())
        return
    shown = {**shown_weeks, **shown_months, **published["year"]}
    years = {}
    for month, n in months.items():
        year = Period.containing("year", month.start)
        years[year] = years.get(year, 0) + n
    true = {p: weeks.get(p, 0) for p in shown_weeks} | {p: months.get(p, 0) for p in shown_months}
    true |= {p: years.get(p, 0) for p in published["year"]}
    # Every year from the first with incidents to the last is published.
    with_incidents = [p.year for p, n in years.items() if n]
    assert sorted(p.year for p in published["year"]) == list(
        range(min(with_incidents), max(with_incidents) + 1)
    )
    # What is shown is true; every small count is hidden; nothing the groups alone hide is
    # shown.
    for period, value in shown.items():
        assert value in HIDDEN or value == true[period], period
        assert value in HIDDEN or not numbers.is_small(true[period]), period
        assert value != SMALL_COUNT or numbers.is_small(true[period]), period
    whole = set()
    for group in _groups(shown):
        if all(shown[p] == SECONDARY for p in group):
            whole.update(group)
    # A sum hidden as ".." may be any number (see `numbers.protected_sums`).
    readable = {p: _readable(value, p in whole or p.kind == "year") for p, value in shown.items()}
    for terms, beside_total in _equations(shown, published["total"]):
        secret = [p for p, _sign in terms if shown[p] in HIDDEN]
        if not secret:
            continue
        # The total of every year; a small one is published as "<5".
        total = sum(sign * true[p] for p, sign in terms)
        small_total = beside_total and numbers.is_small(total)
        total_range = (1, 4) if small_total else (total, total)
        # A hidden 0 that can be worked out points at no one (a group hidden whole hides
        # its zeros so that they do not tell which counts make up the total).
        secret_counts = [p for p in secret if true[p]]
        assert len(secret) != 1 or small_total or not secret_counts, (terms, secret)
        for period in secret:
            least, most = _range_of(period, terms, total_range, readable)
            assert least <= true[period] <= most, period
            assert least < most or not true[period], (period.key, shown[period], least, most)


def _equations_up_to(shown, until, part, total):
    """`_equations` for counts published up to `until`, the first of a month: every run of
    the months and weeks between Mondays that begin a month, the last run open, so that it
    holds the weeks and months up to `until`; the days from the Monday on or before `until`
    up to it (`part`) in the months but in no week."""
    months = [p for p in shown if p.kind == "month"]
    weeks = [p for p in shown if p.kind == "week"]
    years = [p for p in shown if p.kind == "year"]
    mondays = [start for start, _end in numbers.aligned_spans(min(p.start for p in months), until)]
    mondays.append(datetime.date.max)
    unweeked = until - datetime.timedelta(days=until.weekday())
    for i, start in enumerate(mondays):
        for end in mondays[i + 1 :]:
            terms = [(p, 1) for p in weeks if start <= p.start < end]
            terms += [(p, -1) for p in months if start <= p.start < end]
            if start <= unweeked < end:
                terms.append((part, 1))
            yield terms, False
    for year in years:
        yield [(p, 1) for p in months if p.year == year.year] + [(year, -1)], False
    if total != SECONDARY:
        yield [(p, 1) for p in years], True
        yield [(p, 1) for p in weeks] + [(part, 1)], True


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(daily_counts(), st.integers(1, 40))
def test_nothing_can_be_worked_out_from_the_whole_months_and_weeks_before_a_day(daily, later):
    """The public reads the months before the first of a month and the weeks that end by
    it: the days from the last of those weeks up to it are in the months but in no week, and
    neither they (where small) nor a hidden count may be worked out from the rest."""
    first = min(daily)
    month = first.year * 12 + first.month - 1 + later
    until = datetime.date(month // 12, month % 12 + 1, 1)
    weeks, months = of_days(daily)
    published = numbers.protect_calendar(weeks, months, until=until)
    shown = {p: v for p, v in published["week"].items() if p.end <= until}
    shown |= {p: v for p, v in published["month"].items() if p.start < until}
    shown |= published["year"]
    true = {p: weeks.get(p, 0) for p in shown if p.kind == "week"}
    true |= {p: months.get(p, 0) for p in shown if p.kind == "month"}
    for year in published["year"]:
        true[year] = sum(n for m, n in months.items() if m.year == year.year and m.start < until)
    if not any(true.values()):
        return
    for period, value in shown.items():
        assert value in HIDDEN or value == true[period], period
        assert value in HIDDEN or not numbers.is_small(true[period]), period
    part = "the days in no week"
    true[part] = sum(true[p] for p in shown if p.kind == "month") - sum(
        true[p] for p in shown if p.kind == "week"
    )
    assert true[part] == sum(
        n
        for day, n in daily.items()
        if until - datetime.timedelta(days=until.weekday()) <= day < until
    )

    whole = set()
    for group in _groups(shown):
        if all(shown[p] == SECONDARY for p in group):
            whole.update(group)
    # A sum hidden as ".." may be any number (see `numbers.protected_sums`).
    readable = {p: _readable(value, p in whole or p.kind == "year") for p, value in shown.items()}
    readable[part] = (0, float("inf"))
    for terms, beside_total in _equations_up_to(shown, until, part, published["total"]):
        secret = [p for p, _sign in terms if p == part or shown[p] in HIDDEN]
        if not secret:
            continue
        total = sum(sign * true[p] for p, sign in terms)
        total_range = (1, 4) if beside_total and numbers.is_small(total) else (total, total)
        for period in secret:
            least, most = _range_of(period, terms, total_range, readable)
            assert least <= true[period] <= most, period
            if period == part:
                assert least < most or not numbers.is_small(true[part]), (terms, least, most)
            else:
                assert least < most or not true[period], (period.key, shown[period], least, most)


# Through the dashboard -------------------------------------------------------------------


@pytest.fixture
def february_2021(district, greve):
    """The incidents of the first case above in Greve, each on its Monday at noon."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    weekly = {5: 3, 6: 40, 7: 50, 8: 60, 19: 2, 20: 2, 21: 30}
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"W-{week}-{n}",
            occurred_at=datetime.datetime.combine(
                datetime.date.fromisocalendar(2021, week, 1), datetime.time(12), DANISH_TIME
            ),
            category="violence",
            municipality=greve,
        )
        for week, count in weekly.items()
        for n in range(count)
    )


def read_csv(response):
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[2] for row in rows[1:]}


@pytest.mark.usefixtures("february_2021")
def test_the_council_member_cannot_subtract_a_hidden_week_from_its_month(
    council_member, secretariat, client_for
):
    client = client_for(council_member)
    months = read_csv(client.get(URL + "trend.csv?year=2021&period=month"))
    assert months["2021-02"] == "153"
    weeks = read_csv(client.get(URL + "trend.csv?year=2021&period=week"))
    february = [weeks[f"2021-W{n:02d}"] for n in (5, 6, 7, 8)]
    # Before, week 6 read 40, and week 5 was 153 − 40 − 50 − 60 = 3.
    assert february == ["<5", "..", "50", "60"]
    # Without a year, from the chart's JSON and on the page, the same.
    every_year = read_csv(client.get(URL + "trend.csv?period=week"))
    assert [every_year[f"2021-W{n:02d}"] for n in (5, 6, 7, 8)] == february
    values = client.get(URL + "trend.json?year=2021&period=week").json()["data"]["values"]
    assert [v["shown"] for v in values[4:8]] == february
    season = read_csv(client.get(URL + "season.csv?year=2021"))
    assert (season["2"], season["5"]) == ("153", "34")
    assert client.get(URL + "tal.pdf?year=2021&period=week").status_code == 200

    staff = read_csv(client_for(secretariat).get(URL + "trend.csv?year=2021&period=week"))
    assert [staff[f"2021-W{n:02d}"] for n in (5, 6, 7, 8)] == ["3", "40", "50", "60"]
