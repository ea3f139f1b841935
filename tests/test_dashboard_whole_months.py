"""The public reads whole months only: a council member who saves the dashboard every day
could otherwise subtract yesterday's numbers from today's and learn each day's count, which
is usually 1 to 4. Every count they read ends on the first day of the current month, and a
week is read once it has ended by then; staff read up to today.

"Today" is frozen at Wednesday 18 November 2026: the public reads up to 31 October, and the
weeks up to week 43 (19 to 25 October); week 44 runs from 26 October to 1 November."""

import csv
import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from tryghed.dashboard import report
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource

URL = "/medarbejder/tal/"
TODAY = datetime.date(2026, 11, 18)
GREVE_CENTRE = (Decimal("55.591200"), Decimal("12.298700"))
KOEGE = (Decimal("55.457000"), Decimal("12.182000"))
ELSEWHERE = (Decimal("55.500000"), Decimal("12.250000"))


def freeze(monkeypatch, day):
    monkeypatch.setattr(report, "local_today", lambda: day)


@pytest.fixture
def today(monkeypatch):
    freeze(monkeypatch, TODAY)
    return TODAY


def add(source, municipality, days, place=None, prefix="I"):
    lat, lon = place or (None, None)
    start = Incident.objects.count()
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"{prefix}-{start + n}",
            occurred_at=datetime.datetime.combine(day, datetime.time(12), DANISH_TIME),
            category="violence",
            municipality=municipality,
            lat=lat,
            lon=lon,
        )
        for n, day in enumerate(days)
    )


@pytest.fixture
def months(district, greve, koege):
    """Every month of 2025 and January to October 2026: 8 incidents in Greve (3 to 10 of the
    month, at its centre) and 6 in Køge (12 to 17); and 6 in Køge on 28 October 2026, in
    week 44."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    firsts = [datetime.date(2025, month, 1) for month in range(1, 13)]
    firsts += [datetime.date(2026, month, 1) for month in range(1, 11)]
    add(
        source,
        greve,
        [first.replace(day=d) for first in firsts for d in range(3, 11)],
        GREVE_CENTRE,
    )
    add(source, koege, [first.replace(day=d) for first in firsts for d in range(12, 18)], KOEGE)
    add(source, koege, [datetime.date(2026, 10, 28)] * 6, KOEGE)
    return source


def add_this_month(source, greve, koege):
    """Incidents of the current month: on Sunday 1 November (the end of week 44), in week 45
    and in the running week 47, today included; in Køge in a square of their own."""
    days = [datetime.date(2026, 11, d) for d in (1, 1, 2, 3, 16, 17, 18)]
    add(source, greve, days, GREVE_CENTRE, prefix="N")
    add(source, koege, [datetime.date(2026, 11, d) for d in (16, 17, 18, 18, 18)], ELSEWHERE, "M")


# What a reader saves: every download, and the page's tables and key figures.
DOWNLOADS = [
    "trend.csv?period=week",
    "trend.csv?period=week&year=2026",
    "trend.csv?period=month",
    "trend.csv?period=quarter&year=2026",
    "trend.csv?period=year",
    "trend.json?period=week&year=2026",
    "trend.json?period=month",
    "season.csv",
    "season.csv?year=2026",
    "season.json?year=2026",
    "kommuner.csv",
    "kommuner.csv?year=2026",
    "kommuner.geojson?year=2026",
    "braendpunkter.csv",
    "braendpunkter.csv?year=2026",
    "braendpunkter.geojson?year=2026",
    "aendring.csv?year=2026",
    "noegletal.csv",
    "noegletal.csv?municipality=0253",
]
PAGES = ["?year=2026&period=week", "?period=month", "?year=2026&municipality=0259"]


def numbers_on_the_page(page):
    """The page's tables and key figures (the rest holds a fresh CSRF token each time)."""
    parts = re.findall(r'<table[^>]*id="table-[^"]*".*?</table>', page, re.S)
    parts += re.findall(r'<ul[^>]*id="tiles".*?</ul>', page, re.S)
    assert parts
    return parts


def pdf_text(response):
    assert response.status_code == 200
    return " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )


def saved(client, *, pdf=False):
    """Everything the reader can save, as {what: content}."""
    found = {}
    for download in DOWNLOADS:
        response = client.get(URL + download)
        assert response.status_code == 200, (download, response.content)
        found[download] = response.content
    for query in PAGES:
        found[query] = numbers_on_the_page(client.get(URL + query).content.decode())
    if pdf:
        found["tal.pdf"] = pdf_text(client.get(URL + "tal.pdf?year=2026&period=week"))
    return found


def read_csv(response):
    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[-1] for row in rows[1:]}


@pytest.mark.usefixtures("today")
def test_the_public_reads_the_same_whatever_happens_this_month(
    months, greve, koege, council_member, secretariat, client_for
):
    member, staff = client_for(council_member), client_for(secretariat)
    public_before, staff_before = saved(member, pdf=True), saved(staff, pdf=True)
    add_this_month(months, greve, koege)
    public_after, staff_after = saved(member, pdf=True), saved(staff, pdf=True)
    changed = [what for what in public_before if public_before[what] != public_after[what]]
    assert changed == []
    # Staff read up to today: the same files hold this month's incidents.
    staff_changed = {what for what in staff_before if staff_before[what] != staff_after[what]}
    assert staff_changed >= {
        "trend.csv?period=week",
        "trend.csv?period=month",
        "season.csv?year=2026",
        "kommuner.csv?year=2026",
        "kommuner.geojson?year=2026",
        "braendpunkter.csv",
        "braendpunkter.geojson?year=2026",
        "noegletal.csv",
        "?period=month",
        "tal.pdf",
    }
    assert read_csv(staff.get(URL + "trend.csv?period=month&year=2026"))["2026-11"] == "12"


@pytest.mark.usefixtures("today")
def test_staff_count_the_days_of_the_month_begun_alone(
    months, greve, koege, secretariat, client_for
):
    # 2026 up to 18 November: 10 months of 8 and 6, 6 on 28 October, 7 and 5 this month;
    # 2025 up to 18 November: 11 months of 8 and 6.
    add_this_month(months, greve, koege)
    with CaptureQueriesContext(connection) as queries:
        tiles = list(
            csv.reader(
                io.StringIO(client_for(secretariat).get(URL + "noegletal.csv").content.decode())
            )
        )
    assert tiles[1][2:5] == ["158", "154", "2.6"]
    # The months before are the kept monthly counts: no query reads a year's incidents from
    # its first day.
    table = Incident._meta.db_table
    read = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
    assert read
    assert not [sql for sql in read if "-01-01 00:00:00" in sql or "-12-31 23:00:00" in sql]


@pytest.mark.usefixtures("today")
def test_staff_compare_the_municipalities_by_the_days_of_the_month_begun_alone(
    months, greve, koege, secretariat, client_for
):
    # Up to 18 November: Greve 10 × 8 + 7 this month against 11 × 8 in 2025; Køge 10 × 6
    # + 6 on 28 October + 5 this month against 11 × 6.
    add_this_month(months, greve, koege)
    with CaptureQueriesContext(connection) as queries:
        response = client_for(secretariat).get(URL + "aendring.csv?year=2026")
    assert response.status_code == 200, response.content
    rows = {row[0]: row[3:] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["0253"] == ["87", "2025-01-01/2025-11-18", "88", "-1", "-1.1"]
    assert rows["0259"] == ["71", "2025-01-01/2025-11-18", "66", "5", "7.6"]
    table = Incident._meta.db_table
    read = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
    assert read
    assert not [sql for sql in read if "-01-01 00:00:00" in sql or "-12-31 23:00:00" in sql]


@pytest.mark.usefixtures("today", "months")
def test_the_public_reads_no_week_or_month_that_has_not_ended(
    council_member, secretariat, client_for
):
    member, staff = client_for(council_member), client_for(secretariat)
    weeks = read_csv(member.get(URL + "trend.csv?period=week&year=2026"))
    # Week 44 holds 6 incidents of October, a whole month, but ends on 1 November.
    assert list(weeks) == [f"2026-W{n:02d}" for n in range(1, 44)]
    staff_weeks = read_csv(staff.get(URL + "trend.csv?period=week&year=2026"))
    assert list(staff_weeks) == [f"2026-W{n:02d}" for n in range(1, 54)]
    assert staff_weeks["2026-W44"] == "6"
    # Without a year, up to the last week with incidents that has ended: week 42, 12 to 18
    # October (week 43 has none).
    assert list(read_csv(member.get(URL + "trend.csv?period=week")))[-1] == "2026-W42"
    spec = member.get(URL + "trend.json?period=week&year=2026").json()
    assert spec["data"]["values"][-1]["key"] == "2026-W43"
    page = member.get(URL + "?year=2026&period=week").content.decode()
    assert 'data-key="2026-W43"' in page and 'data-key="2026-W44"' not in page

    # The months, quarters and years of whole months: October is read with its last days.
    months = read_csv(member.get(URL + "trend.csv?period=month&year=2026"))
    assert list(months) == [f"2026-{n:02d}" for n in range(1, 11)]
    assert months["2026-10"] == str(8 + 6 + 6)
    assert list(read_csv(staff.get(URL + "trend.csv?period=month&year=2026")))[-1] == "2026-12"
    quarters = read_csv(member.get(URL + "trend.csv?period=quarter&year=2026"))
    assert quarters == {"2026-Q1": "42", "2026-Q2": "42", "2026-Q3": "42", "2026-Q4": "20"}


@pytest.mark.usefixtures("today", "months")
def test_the_page_says_up_to_which_month_the_public_reads(council_member, secretariat, client_for):
    sentence = (
        "Figures up to and including October 2026: the current month is published when it is over."
    )
    assert sentence in client_for(council_member, "en").get(URL).content.decode()
    assert sentence in pdf_text(client_for(council_member, "en").get(URL + "tal.pdf"))
    assert "Figures up to and including" not in (
        client_for(secretariat, "en").get(URL).content.decode()
    )


@pytest.fixture
def last_days_of_october(district, greve):
    """Greve from June to October 2026: each week from 1 June (week 23) to 25 October (week
    43) 6 to 9 incidents on its Wednesday (6 in weeks 24, 28, 32, 36 and 40), and 2 on
    Wednesday 28 October, in week 44."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    days = []
    for week in range(23, 44):
        wednesday = datetime.date.fromisocalendar(2026, week, 3)
        days += [wednesday] * (6 + week % 4)
    days += [datetime.date(2026, 10, 28)] * 2
    add(source, greve, days)


@pytest.mark.usefixtures("today", "last_days_of_october")
def test_the_last_days_of_a_month_are_not_its_months_less_its_weeks(
    council_member, secretariat, client_for
):
    """1 June 2026 is a Monday: from it, weeks 23 to 43 and the 26th to the 31st of October
    make up June to October. The public reads the months and the weeks that have ended, so
    with every one of them shown October's last days would be the months less the weeks: 2.
    Weeks 23 to 39 were read in the months before, as they were then, so one of the weeks
    new this month is hidden as "..", the smallest, 40's 6: 5 or 6 (no week shown is less
    than 6), and the last days 2 or 3."""
    member = client_for(council_member)
    months = read_csv(member.get(URL + "trend.csv?period=month&year=2026"))
    weeks = read_csv(member.get(URL + "trend.csv?period=week&year=2026"))
    june_to_october = [months[f"2026-{n:02d}"] for n in range(6, 11)]
    weeks_23_to_43 = [weeks[f"2026-W{n:02d}"] for n in range(23, 44)]
    assert ".." not in june_to_october
    assert [n for n, count in zip(range(23, 44), weeks_23_to_43, strict=True) if count == ".."] == [
        40
    ]
    shown = sum(int(count) for count in june_to_october) - sum(
        int(count) for count in weeks_23_to_43 if count != ".."
    )
    assert shown == 6 + 2  # week 40 and the last days, not the last days alone
    staff = read_csv(client_for(secretariat).get(URL + "trend.csv?period=week&year=2026"))
    assert (staff["2026-W40"], staff["2026-W44"]) == ("6", "2")


class TestJanuary:
    """On 20 January 2027 the public has no whole month of the year yet."""

    @pytest.fixture(autouse=True)
    def january(self, monkeypatch, months):
        freeze(monkeypatch, datetime.date(2027, 1, 20))

    NOT_OVER = "The year's first month is not over yet, so there is nothing to compare yet."
    NOT_BEGUN = "The year has not begun, so there is nothing to compare yet."

    def test_the_public_is_told_that_january_is_not_over(self, council_member, client_for):
        client = client_for(council_member, "en")
        page = html.unescape(client.get(URL).content.decode())
        assert self.NOT_OVER in page and self.NOT_BEGUN not in page
        assert 'data-tile="incidents"' not in page
        assert "Figures up to and including December 2026" in page
        for download in ("noegletal.csv", "aendring.csv?year=2027"):
            response = client.get(URL + download)
            assert response.status_code == 400, download
            assert response.content.decode() == self.NOT_OVER, download
        assert self.NOT_OVER in pdf_text(client.get(URL + "tal.pdf"))

    def test_a_year_ahead_has_not_begun(self, council_member, secretariat, client_for):
        for user in (council_member, secretariat):
            client = client_for(user, "en")
            page = html.unescape(client.get(URL + "?year=2028").content.decode())
            assert self.NOT_BEGUN in page and self.NOT_OVER not in page
            response = client.get(URL + "aendring.csv?year=2028")
            assert response.status_code == 400
            assert response.content.decode() == self.NOT_BEGUN

    def test_staff_compare_up_to_today(self, secretariat, client_for):
        page = html.unescape(client_for(secretariat, "en").get(URL).content.decode())
        assert 'data-tile="incidents"' in page
        assert self.NOT_OVER not in page and self.NOT_BEGUN not in page

    def test_the_public_reads_december_but_not_the_week_running_into_january(
        self, council_member, client_for
    ):
        weeks = read_csv(client_for(council_member).get(URL + "trend.csv?period=week&year=2026"))
        # Week 53 of 2026 runs from 28 December to 3 January.
        assert list(weeks)[-1] == "2026-W52"
        months = read_csv(client_for(council_member).get(URL + "trend.csv?period=month"))
        assert list(months)[-1] == "2026-10"  # the last month with incidents


def test_march_after_a_leap_year(monkeypatch, district, greve, council_member, client_for):
    """In March 2029 the public's comparison ends with February, whose last day in 2028 is
    the 29th: the year before is counted up to the same whole month, not a day early."""
    freeze(monkeypatch, datetime.date(2029, 3, 15))
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    add(source, greve, [datetime.date(2028, 2, 29)] * 6 + [datetime.date(2029, 2, 1)] * 7)
    member = client_for(council_member)
    assert member.get(URL).status_code == 200
    rows = list(csv.DictReader(io.StringIO(member.get(URL + "noegletal.csv").content.decode())))
    assert rows[0]["compared"] == (
        "2029 til og med 28. februar sammenlignet med 2028 til og med 29. februar"
    )
    assert (rows[0]["current"], rows[0]["previous"]) == ("7", "6")


def test_staff_on_new_years_eve(monkeypatch, district, greve, secretariat, client_for):
    """On 31 December staff read the whole year up to that day against the whole year
    before."""
    freeze(monkeypatch, datetime.date(2026, 12, 31))
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    add(source, greve, [datetime.date(2025, 3, 1)] * 6 + [datetime.date(2026, 3, 1)] * 7)
    staff = client_for(secretariat)
    changes = csv.DictReader(
        io.StringIO(staff.get(URL + "aendring.csv?year=2026").content.decode())
    )
    first = next(changes)
    assert (first["period"], first["previous_period"]) == (
        "2026-01-01/2026-12-31",
        "2025-01-01/2025-12-31",
    )
    tiles = csv.DictReader(io.StringIO(staff.get(URL + "noegletal.csv").content.decode()))
    assert [(row["current"], row["previous"]) for row in tiles] == [("7", "6")]


def test_a_year_read_month_after_month_does_not_give_the_last_month_away(
    district, greve, koege, council_member, client_for, monkeypatch
):
    """Violence in Greve: 8 a month from January to October 2026, 3 in November; Køge 17 a
    month and 30 in November. On 18 November a council member reads Greve's 2026 as 80; on
    18 December 83 would leave November's "<5" as 3. So December's reading of the year, of
    every year, of the key figures and of Greve's row in the district's table is "..", and
    the months shown in November stay shown."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    firsts = [datetime.date(2026, month, 1) for month in range(1, 11)]
    add(source, greve, [first.replace(day=d) for first in firsts for d in range(3, 11)])
    add(source, koege, [first.replace(day=d) for first in firsts for d in range(3, 20)], KOEGE)
    add(source, greve, [datetime.date(2026, 11, 5)] * 3, prefix="N")
    add(source, koege, [datetime.date(2026, 11, 5)] * 30, KOEGE, prefix="K")
    client = client_for(council_member)

    def read(url):
        rows = list(csv.reader(io.StringIO(client.get(URL + url).content.decode())))
        return {row[0]: row[2] for row in rows[1:]}

    freeze(monkeypatch, datetime.date(2026, 11, 18))
    assert read("trend.csv?period=year&municipality=0253") == {"2026": "80"}
    assert read("kommuner.csv?year=2026")["0253"] == "80"
    assert read("kommuner.csv")["0253"] == "80"
    november = read("trend.csv?period=month&year=2026&municipality=0253")
    assert set(november.values()) == {"8"}

    freeze(monkeypatch, datetime.date(2026, 12, 18))
    assert read("trend.csv?period=year&municipality=0253") == {"2026": ".."}
    assert read("kommuner.csv?year=2026")["0253"] == ".."
    assert read("kommuner.csv")["0253"] == ".."
    december = read("trend.csv?period=month&year=2026&municipality=0253")
    assert december == {**november, "2026-11": "<5"}
    key_figures = list(
        csv.reader(io.StringIO(client.get(URL + "noegletal.csv?municipality=0253").text))
    )
    assert key_figures[1][2] == ".."


def test_the_public_map_holds_whole_years_only(months, today, council_member, client_for):
    """A square's count of a year under way grows month by month, and its months are
    published nowhere: saved every month, the map of 2026 would give each month's incidents
    in a square away. The public reads no map of 2026, and the map of every year holds the
    whole years before it: here 2025's alone."""
    client = client_for(council_member)

    def squares(query):
        response = client.get(URL + "braendpunkter.csv" + query)
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        return sorted((row[0], row[1], row[6]) for row in rows[1:])

    assert squares("?year=2026") == []
    every_year = squares("")
    assert every_year == squares("?year=2025")
    assert sorted(count for _row, _column, count in every_year) == ["72", "96"]
    page = client.get(URL + "?year=2026").content.decode()
    assert 'id="hotspots-through"' in page and "2025" in page.split('id="hotspots-through"')[1]
    assert "har koordinater" not in page


def test_staff_read_the_map_of_the_year_under_way(months, today, district_staff, client_for):
    response = client_for(district_staff).get(URL + "braendpunkter.csv?year=2026")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert sorted(row[6] for row in rows[1:]) == ["66", "80"]
