"""The dashboard as council members read it, per year without a year chosen: no count under 5
can be worked out from the numbers on the page, the chart data or the downloads."""

import csv
import datetime
import io
import re

import pytest

from tests.conftest import _user
from tryghed.accounts.models import RoleAssignment
from tryghed.dashboard import report
from tryghed.dashboard.report import local_today
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource

URL = "/medarbejder/tal/"
HIDDEN = ("<5", "..")


@pytest.fixture
def greve_years(district, greve):
    """Violence in Greve: 10 in 2022, 3 in 2023, 12 in 2024, nothing elsewhere."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"Y-{year}-{n}",
            occurred_at=datetime.datetime(year, 3, 1 + n, 12, tzinfo=DANISH_TIME),
            category="violence",
            municipality=greve,
        )
        for year, count in [(2022, 10), (2023, 3), (2024, 12)]
        for n in range(count)
    )


def table(response, table_id):
    html = response.content.decode()
    block = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = re.findall(
        r'<tr data-(?:key|code)="([^"]+)">.*?<td class="text-align-right">([^<]*)</td>',
        block,
        re.S,
    )
    return {key: value.replace("&lt;", "<") for key, value in rows}


@pytest.mark.usefixtures("greve_years")
@pytest.mark.parametrize("member", ["kredsraad", "greve"])
def test_years_cannot_be_subtracted_from_the_total_of_every_year(councils, client_for, member):
    """Greve's 25 incidents of every year in the municipality table, beside the years 10 and
    12, would give 2023 away: 25 − 10 − 12 = 3. 2023's 3 lie in one month, read as "<5", so
    2023, which holds it, is "..", and so is every year together, which holds it too."""
    user = _user(
        f"member-{member}", role=RoleAssignment.Role.COUNCIL_MEMBER, council=councils[member]
    )
    client = client_for(user)
    page = client.get(URL + "?period=year")
    assert table(page, "table-municipalities")["0253"] == ".."
    years = table(page, "table-trend")
    assert years == {"2022": "10", "2023": "..", "2024": "12"}

    rows = list(csv.reader(io.StringIO(client.get(URL + "trend.csv?period=year").content.decode())))
    assert [row[2] for row in rows[1:]] == ["10", "..", "12"]
    values = client.get(URL + "trend.json?period=year").json()["data"]["values"]
    assert [(v["count"], v["shown"]) for v in values] == [(10, "10"), (None, ".."), (12, "12")]


@pytest.mark.usefixtures("greve_years")
def test_staff_read_every_year_exactly(secretariat, client_for):
    page = client_for(secretariat).get(URL + "?period=year")
    assert table(page, "table-trend") == {"2022": "10", "2023": "3", "2024": "12"}


@pytest.mark.usefixtures("greve_years")
def test_a_chosen_year_is_read_as_among_every_year(council_member, client_for):
    # A year chosen (in the chart, the key figures or the municipality table) reads as it
    # does among every year: 2022's 10, and 2023, whose one month reads "<5", "..".
    client = client_for(council_member)
    page = client.get(URL + "?period=year&year=2022")
    assert table(page, "table-trend") == {"2022": "10"}
    assert table(page, "table-municipalities")["0253"] == "10"
    tile = re.search(r'data-tile="incidents">(.*?)</li>', page.content.decode(), re.S)[1]
    assert re.search(r'tile-current">10<', tile)
    assert table(client.get(URL + "?period=year&year=2023"), "table-trend") == {"2023": ".."}


def test_this_years_count_in_the_key_figures_is_not_the_one_hidden(
    district, koege, council_member, client_for, monkeypatch
):
    """This year's count is shown in the chart and in the key figures alike, as its months
    are. The public reads the year's whole months only: this month's incidents are in none of
    them. 2023's 3 lie in December, read as "<5": 2023, which holds it, is "..", and so is the
    total of every year, which holds it too (less the other years, it would be 2023)."""
    monkeypatch.setattr(report, "local_today", lambda: datetime.date(2026, 11, 18))
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    when = [datetime.datetime(2023, 12, 1, 12, tzinfo=DANISH_TIME)] * 3
    when += [datetime.datetime(2024, 6, 1, 12, tzinfo=DANISH_TIME)] * 12
    when += [datetime.datetime(2025, 6, 1, 12, tzinfo=DANISH_TIME)] * 10
    when += [datetime.datetime(2026, 10, 1, 12, tzinfo=DANISH_TIME)] * 6
    when += [datetime.datetime(2026, 11, 18, 0, tzinfo=DANISH_TIME)] * 4
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"C-{n}",
            occurred_at=moment,
            category="violence",
            municipality=koege,
        )
        for n, moment in enumerate(when)
    )
    page = client_for(council_member).get(URL + "?period=year")
    assert table(page, "table-municipalities")["0259"] == ".."
    tile = re.search(r'data-tile="incidents">(.*?)</li>', page.content.decode(), re.S)[1]
    assert re.search(r'tile-current">6<', tile) and re.search(r'tile-previous">[^<]*10<', tile)
    years = table(page, "table-trend")
    assert years == {"2023": "..", "2024": "12", "2025": "10", "2026": "6"}


@pytest.mark.parametrize("member", ["kredsraad", "greve"])
def test_weeks_too_few_to_show_one_by_one_are_hidden_whole(
    councils, client_for, district, greve, member
):
    """Vandalism in Greve in 2025: 4 in the week from 3 March and 4 in the week from 10
    March, beside the year's 8 in the key figures. Two "<5" beside 8 are 4 each, and hiding
    more cannot help while the zeros tell which two weeks hold them: when those weeks were
    first read (in April 2025), the year's weeks up to then were hidden whole, and they read
    so ever after. The weeks read later are 0, and the 8 may lie in any of the hidden ones."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"V-{day}",
            occurred_at=datetime.datetime(2025, 3, day, 12, tzinfo=DANISH_TIME),
            category="vandalism",
            municipality=greve,
        )
        for day in (3, 4, 5, 6, 10, 11, 12, 13)
    )
    user = _user(
        f"member-{member}", role=RoleAssignment.Role.COUNCIL_MEMBER, council=councils[member]
    )
    client = client_for(user)
    # The public reads the weeks of every category together (only vandalism here).
    page = client.get(URL + "?period=week&year=2025")
    weeks = table(page, "table-trend")
    assert len(weeks) == 52
    hidden = [week for week, shown in weeks.items() if shown == ".."]
    assert len(hidden) == 13 and set(weeks.values()) == {"..", "0"}
    values = client.get(URL + "trend.json?period=week&year=2025").json()
    assert {v["shown"] for v in values["data"]["values"]} == {"..", "0"}


def test_the_public_compares_whole_months_and_staff_up_to_today(
    district, koege, council_member, secretariat, client_for
):
    """Counts up to a day, read day after day, would give each day of last year away: the
    public's key figures end with the last whole month, staff's with today."""
    today = local_today()
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=DANISH_TIME)
    this_month = [midnight] * 7
    earlier = [datetime.datetime(today.year, 1, 1, 12, tzinfo=DANISH_TIME)] * 9
    if today.month == 1:
        earlier = []
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"M-{n}",
            occurred_at=moment,
            category="violence",
            municipality=koege,
        )
        for n, moment in enumerate(earlier + this_month)
    )

    def tile(user):
        page = client_for(user, "en").get(URL).content.decode()
        found = re.search(r'data-tile="incidents">(.*?)</li>', page, re.S)
        return found and " ".join(found[1].split())

    staff = tile(secretariat)
    assert f'tile-current">{len(earlier) + 7}<' in staff
    assert f"{today.year} up to {today.day} {today:%B}" in staff
    public = tile(council_member)
    if today.month == 1:
        assert public is None  # no whole month of the year yet
        return
    last = today.replace(day=1) - datetime.timedelta(days=1)
    assert f'tile-current">{len(earlier)}<' in public
    assert f"{today.year} up to {last.day} {last:%B} compared with" in public
    # The table per municipality compares the same whole months, in both columns.
    chosen = {"year": today.year}
    page = client_for(council_member, "en").get(URL, chosen)
    assert f"Same period last year ({today.year - 1} up to {last.day} {last:%B})" in (
        page.content.decode()
    )
    assert table(page, "table-municipalities")["0259"] == str(len(earlier))
    staff_page = client_for(secretariat, "en").get(URL, chosen)
    assert table(staff_page, "table-municipalities")["0259"] == str(len(earlier) + 7)
