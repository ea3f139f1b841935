"""Plan indicators read as their users read them, on the plan page, the dashboard and its CSV,
against a hand count of the incidents and statistics behind them."""

import csv
import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tryghed.dashboard import report
from tryghed.incidents.models import Incident, IncidentSource
from tryghed.indicators.models import Indicator
from tryghed.organisation.models import Council, Municipality
from tryghed.statistics.models import StatSeries, StatTable, StatValue, quarter_start

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def area(plan):
    return plan.focus_areas.get()


@pytest.fixture
def source(district):
    return IncidentSource.objects.create(name="doegnrapport-mvsj", district=district)


def add_incidents(source, municipality, category, days):
    """One incident at noon, Danish time, on each of `days` (a date may repeat)."""
    start = Incident.objects.count()
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"E-{start + n}",
            occurred_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=CPH),
            category=category,
            municipality=municipality,
        )
        for n, day in enumerate(days)
    )


def spread(year, count):
    """`count` days spread over the year's first eleven months, from 1 January."""
    return [datetime.date(year, 1 + n % 11, 1 + n % 28) for n in range(count)]


def indicator(area, **fields):
    defaults = {
        "title": "Indbrud i private hjem",
        "kind": Indicator.Kind.INCIDENTS,
        "categories": ["burglary_home"],
        "baseline_year": 2022,
        "current_year": 2023,
        "target_percent": Decimal("10"),
        "direction": Indicator.Direction.DECREASE,
    }
    return Indicator.objects.create(focus_area=area, **{**defaults, **fields})


def row(html, pk):
    found = re.search(rf'data-indicator="{pk}".*?</tr>', html, re.S)
    return found.group(0)


def cell(html, pk, name):
    return re.search(rf'class="indicator-{name}">(.*?)</td>', row(html, pk), re.S).group(1).strip()


def status(html, pk):
    return re.search(r'<span class="badge[^"]*">(.*?)</span>', row(html, pk)).group(1)


def plan_page(client, plan):
    response = client.get(reverse("staff:plans:plan", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def tile_row(client, title):
    response = client.get("/medarbejder/tal/noegletal.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return next(r for r in rows if r[0] == title)


def test_a_change_shown_as_the_target_is_on_track(client_for, personas, plan, area, source, greve):
    # 221 → 199 is −9.95… %, which the page shows as −10,0 %, the target: on track, as read.
    add_incidents(source, greve, "burglary_home", spread(2022, 221) + spread(2023, 199))
    item = indicator(area)
    html = plan_page(client_for(personas["district_staff"]), plan)
    assert cell(html, item.pk, "change") == "−10,0 %"
    assert cell(html, item.pk, "target") == "−10,0 %"
    assert status(html, item.pk) == "På rette spor"


class TestZeroBaseline:
    """A baseline of no incidents, where the district's incidents were recorded all along:
    no percentage can be given, but whether the target is met can."""

    @pytest.fixture(autouse=True)
    def recorded(self, source, greve):
        # The district's døgnrapport from January 2022 on: vandalism every month.
        add_incidents(source, greve, "vandalism", spread(2022, 11) + spread(2023, 11))

    def test_incidents_where_there_were_none_are_not_on_track(
        self, client_for, personas, plan, area, source, greve
    ):
        add_incidents(source, greve, "drug_sale_school", spread(2023, 3))
        item = indicator(area, categories=["drug_sale_school"])
        html = plan_page(client_for(personas["district_staff"]), plan)
        assert (cell(html, item.pk, "current"), cell(html, item.pk, "baseline")) == ("3", "0")
        assert cell(html, item.pk, "change") == "–"
        assert status(html, item.pk) == "Ikke på rette spor"

    def test_none_and_still_none_is_on_track(self, client_for, personas, plan, area):
        item = indicator(area, categories=["drug_sale_school"])
        html = plan_page(client_for(personas["district_staff"]), plan)
        assert (cell(html, item.pk, "current"), cell(html, item.pk, "baseline")) == ("0", "0")
        assert status(html, item.pk) == "På rette spor"

    def test_an_increase_from_none_is_on_track(self, client_for, personas, plan, area, source):
        add_incidents(source, None, "other", spread(2023, 2))
        item = indicator(area, categories=["other"], direction="increase")
        html = plan_page(client_for(personas["district_staff"]), plan)
        assert status(html, item.pk) == "På rette spor"


def test_years_before_the_first_recorded_incident_are_no_data(
    client_for, personas, plan, area, source, greve
):
    # The district's incidents were first recorded in 2023: 2022 is not a year of no
    # burglaries, and 2023 is not worse than it.
    add_incidents(source, greve, "burglary_home", spread(2023, 4))
    add_incidents(source, greve, "vandalism", spread(2023, 11))
    item = indicator(area)
    html = plan_page(client_for(personas["district_staff"]), plan)
    assert cell(html, item.pk, "current") == "4"
    assert cell(html, item.pk, "baseline") == "–"
    assert status(html, item.pk) == "Ikke nok data"
    trend = cell(html, item.pk, "trend")
    assert "2022: –" in trend and "2023: 4" in trend


def test_a_baseline_year_given_as_dates_is_compared_with_the_whole_leap_year(
    client_for, personas, plan, area, source, greve
):
    add_incidents(source, greve, "vandalism", spread(2022, 11))
    # New Year's Eve: 2 in 2022, 3 in the leap year 2024.
    add_incidents(source, greve, "vandalism", [datetime.date(2022, 12, 31)] * 2)
    add_incidents(source, greve, "vandalism", spread(2024, 11) + [datetime.date(2024, 12, 31)] * 3)
    item = indicator(
        area,
        categories=["vandalism"],
        baseline_year=None,
        baseline_start=datetime.date(2022, 1, 1),
        baseline_end=datetime.date(2022, 12, 31),
        current_year=2024,
    )
    html = plan_page(client_for(personas["district_staff"], language="en"), plan)
    assert "1 January 2024–31 December 2024 compared with 1 January 2022–31 December 2022" in (
        row(html, item.pk)
    )
    assert (cell(html, item.pk, "current"), cell(html, item.pk, "baseline")) == ("14", "13")


@pytest.fixture
def straf11(district):
    """Offences against property, 2021 to 2022K2: 10 per quarter in each of the district's
    municipalities of 10,000 inhabitants."""
    table = StatTable.objects.create(code="STRAF11", title="Anmeldte forbrydelser")
    series = StatSeries.objects.create(table=table, label="Ejendomsforbrydelser i alt")
    StatValue.objects.bulk_create(
        StatValue(
            table=table,
            series=series,
            municipality=municipality,
            year=year,
            quarter=quarter,
            period_start=quarter_start(year, quarter),
            value=10,
            population=10_000,
        )
        for municipality in Municipality.objects.filter(district=district)
        for year, quarter in [(2021, 1), (2021, 2), (2021, 3), (2021, 4), (2022, 1), (2022, 2)]
    )
    return series


def test_a_rate_is_not_read_from_part_of_the_population(
    client_for, personas, plan, area, straf11, greve
):
    # Greve's population of 2022K2 is not known: the district's offences over the other
    # municipalities' inhabitants alone read 2.1 per 1,000 for the half year, against 2.0.
    StatValue.objects.filter(municipality=greve, year=2022, quarter=2).update(population=None)
    item = indicator(
        area,
        kind="statistics",
        categories=[],
        series=straf11,
        measure="rate",
        baseline_year=2021,
        current_year=2022,
    )
    html = plan_page(client_for(personas["district_staff"]), plan)
    assert cell(html, item.pk, "current") == "1,0"  # 2022K1, the quarter fully known
    assert cell(html, item.pk, "baseline") == "1,0"
    assert "2022*: 1,0" in cell(html, item.pk, "trend")


class TestCouncilMembersReadNoHiddenCountFromTheStatus:
    """A status is worked out from the counts; where one of them is hidden as "<5", the
    status could narrow it down to a single number, so council members are not told it."""

    @pytest.fixture
    def item(self, area, source, greve):
        add_incidents(source, greve, "vandalism", spread(2022, 11) + spread(2023, 11))
        # One in 2022, five in 2023: +400 % meets a target of +400 % only from exactly one.
        add_incidents(source, greve, "fraud_elderly", spread(2022, 1) + spread(2023, 5))
        return indicator(
            area,
            title="Bedrageri mod ældre anmeldt",
            categories=["fraud_elderly"],
            municipality=greve,
            direction="increase",
            target_percent=Decimal("400"),
        )

    def test_staff_read_the_status(self, client_for, personas, plan, item):
        html = plan_page(client_for(personas["district_staff"]), plan)
        assert status(html, item.pk) == "På rette spor"

    @pytest.mark.parametrize("reader", ["kredsraad", "lokalraad_koege"])
    def test_council_members_do_not(self, client_for, personas, plan, item, koege, reader):
        if reader == "kredsraad":
            member = personas["council_member"]
        else:
            # A lokalråd member of another municipality than the indicator's.
            member = personas["outsider"]
            member.roles.create(
                role="council_member",
                council=Council.objects.get(kind="local_council", municipality=koege),
            )
        client = client_for(member)
        html = plan_page(client, plan)
        # 2023's 5 are one a month from January to May: the year would say so, and the
        # dashboard hides it, as does the page. 2022's 1 is hidden too: a year that holds a
        # "<5" month is not published (`families.withheld_sums`).
        assert cell(html, item.pk, "baseline") == ".."
        assert cell(html, item.pk, "current") == ".."
        assert cell(html, item.pk, "change") == "–"
        assert "rette spor" not in row(html, item.pk)
        assert status(html, item.pk) == "Skjult for at beskytte et tal under 5"
        public = client.get("/samarbejdsplan/2023/").content.decode()
        assert "rette spor" not in row(public, item.pk)
        assert "rette spor" not in ",".join(tile_row(client, "Bedrageri mod ældre anmeldt"))


def test_council_members_read_a_status_that_is_the_same_whatever_the_hidden_count(
    client_for, personas, plan, area, source, greve
):
    # January 2023 against January 2022: 12 then, under 5 now, a fall of at least 58 %, on
    # track whatever the count. A single month the dashboard shows as "<5" reads "<5" here
    # too; a year that holds it would read "..", and no status is given beside that.
    january = [
        datetime.date(year, 1, day)
        for year, n in ((2022, 12), (2023, 3))
        for day in range(1, n + 1)
    ]
    add_incidents(source, greve, "burglary_home", january)
    item = indicator(
        area,
        municipality=greve,
        baseline_year=None,
        baseline_start=datetime.date(2022, 1, 1),
        baseline_end=datetime.date(2022, 1, 31),
    )
    html = plan_page(client_for(personas["council_member"]), plan)
    assert (cell(html, item.pk, "current"), cell(html, item.pk, "baseline")) == ("&lt;5", "12")
    assert status(html, item.pk) == "På rette spor"


class TestStaffReadExactNumbersOnlyWithinTheirScope:
    """A plan's indicators reach across the district, but the dashboard shows staff only the
    incidents of their own scope: of other areas they read what the public reads."""

    @pytest.fixture
    def greve_item(self, area, source, greve):
        add_incidents(source, greve, "moped_nuisance", spread(2022, 9) + spread(2023, 2))
        return indicator(
            area, title="Knallertgener i Greve", categories=["moped_nuisance"], municipality=greve
        )

    @pytest.fixture
    def district_item(self, area, source, greve):
        return indicator(area, title="Knallertgener i kredsen", categories=["moped_nuisance"])

    # 2023's 2 are one in January, one in February: read as the public reads them, the
    # year holds "<5" months and is "..".
    @pytest.mark.parametrize(
        ("reader", "greve_count", "district_count"),
        [
            ("district_staff", "2", "2"),
            ("greve_staff", "2", ".."),
            ("koege_officer", "..", ".."),
        ],
    )
    def test_the_plan_page_and_key_figures(
        self,
        client_for,
        personas,
        plan,
        greve_item,
        district_item,
        reader,
        greve_count,
        district_count,
    ):
        client = client_for(personas[reader])
        html = plan_page(client, plan)
        assert cell(html, greve_item.pk, "current") == greve_count
        assert cell(html, district_item.pk, "current") == district_count
        assert tile_row(client, "Knallertgener i Greve")[2] == greve_count
        assert tile_row(client, "Knallertgener i kredsen")[2] == district_count


# The public reads an incident indicator's counts only where they follow from what the
# dashboard publishes of the same incidents: a count the plan printed beside the dashboard's
# could give away one that the dashboard hides.

DASHBOARD = "/medarbejder/tal/"


def read_dicts(response):
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def dashboard_years(client, query):
    """{year: count} of the dashboard's yearly trend as a council member downloads it."""
    return {
        r["period"]: r["count"] for r in read_dicts(client.get(DASHBOARD + f"trend.csv?{query}"))
    }


def trend(html, pk):
    """{year: value} of an indicator's trend list on the plan page."""
    items = cell(html, pk, "trend").split("<li>")[1:]
    return dict(item.split("</li>")[0].rstrip("*").split(": ") for item in items)


@pytest.fixture
def greve_burglaries(source, greve):
    # 12 in 2022, 3 in 2023, each spread one or two a month: no month with any reads as a
    # number, so the dashboard hides each year, and the sum of every year, as "..".
    add_incidents(source, greve, "burglary_home", spread(2022, 12) + spread(2023, 3))


def test_the_plan_hides_a_year_the_dashboard_hides(
    client, client_for, personas, plan, area, greve, greve_burglaries
):
    item = indicator(area, municipality=greve)
    member = client_for(personas["council_member"])
    years = dashboard_years(member, "period=year&municipality=0253&category=burglary_home")
    assert (years["2022"], years["2023"]) == ("..", "..")
    table = read_dicts(member.get(DASHBOARD + "kommuner.csv?category=burglary_home"))
    assert [r["count"] for r in table if r["municipality_code"] == "0253"] == [".."]
    for html in (plan_page(member, plan), client.get("/samarbejdsplan/2023/").content.decode()):
        assert cell(html, item.pk, "baseline") == ".."
        assert cell(html, item.pk, "current") == ".."
        assert cell(html, item.pk, "change") == "–"
        assert trend(html, item.pk) == {
            "2019": "–",
            "2020": "–",
            "2021": "–",
            "2022": "..",
            "2023": "..",
        }
        assert "som dashboardet skjuler det," in row(html, item.pk)
        assert "<svg" not in row(html, item.pk)  # no sparkline drawn from them either
    # Staff read the exact numbers, and no note.
    staff = plan_page(client_for(personas["district_staff"]), plan)
    assert (cell(staff, item.pk, "baseline"), cell(staff, item.pk, "current")) == ("12", "3")
    assert "som dashboardet skjuler det," not in row(staff, item.pk)


def test_a_sum_of_categories_is_hidden_where_one_of_them_is(
    client, plan, area, source, greve, greve_burglaries
):
    # 20 business burglaries in June 2022 and in June 2023. June 2023 is published; June
    # 2022 is not, since Greve's June of every category (21) less them would be that
    # month's one home burglary, and so neither is the year 2022 they make up.
    june = [datetime.date(year, 6, day) for year in (2022, 2023) for day in range(1, 21)]
    add_incidents(source, greve, "burglary_business", june)
    both = indicator(area, categories=["burglary_home", "burglary_business"], municipality=greve)
    business = indicator(area, categories=["burglary_business"], municipality=greve)
    html = client.get("/samarbejdsplan/2023/").content.decode()
    assert (cell(html, business.pk, "baseline"), cell(html, business.pk, "current")) == (
        "..",
        "20",
    )
    # 2023's 23 is 20 published beside a "<5": the sum would tell the "<5".
    assert (cell(html, both.pk, "baseline"), cell(html, both.pk, "current")) == ("..", "..")


def test_what_the_dashboard_publishes_is_read_as_it_is(client, plan, area, source, greve, koege):
    # Large enough everywhere: nothing hidden, on the dashboard or here.
    add_incidents(source, greve, "burglary_home", spread(2022, 40) + spread(2023, 30))
    add_incidents(source, koege, "burglary_home", spread(2022, 25) + spread(2023, 35))
    item = indicator(area)
    html = client.get("/samarbejdsplan/2023/").content.decode()
    assert (cell(html, item.pk, "baseline"), cell(html, item.pk, "current")) == ("65", "65")
    assert cell(html, item.pk, "change") == "±0,0 %"
    assert trend(html, item.pk)["2022"] == "65"
    assert "som dashboardet skjuler det," not in row(html, item.pk)


def test_the_running_year_reads_as_the_key_figures_publish_it(
    monkeypatch, client, client_for, personas, plan, area, source, greve
):
    """On 15 May 2026 the key figures compare January to April of both years: an indicator
    of 2026 against 2025 reads those counts, or hides them as the key figures do."""
    today = datetime.date(2026, 5, 15)
    monkeypatch.setattr(report, "local_today", lambda: today)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: today)
    # 2025: 6 a month; 2026: 6 a month up to April, and 2 on the day read.
    add_incidents(
        source,
        greve,
        "vandalism",
        [datetime.date(2025, m, d) for m in range(1, 13) for d in range(1, 7)]
        + [datetime.date(2026, m, d) for m in range(1, 5) for d in range(1, 7)]
        + [today] * 2,
    )
    item = indicator(
        area,
        categories=["vandalism"],
        municipality=greve,
        baseline_year=2025,
        current_year=2026,
        direction=Indicator.Direction.DECREASE,
        target_percent=Decimal("5"),
    )
    tiles = read_dicts(
        client_for(personas["council_member"]).get(
            DASHBOARD + "noegletal.csv?municipality=0253&category=vandalism"
        )
    )
    assert (tiles[0]["current"], tiles[0]["previous"]) == ("24", "24")
    html = client.get("/samarbejdsplan/2023/").content.decode()
    assert (cell(html, item.pk, "current"), cell(html, item.pk, "baseline")) == ("24", "24")
    assert trend(html, item.pk)["2025"] == "72"


@pytest.mark.parametrize("today", [datetime.date(2029, 3, 15), datetime.date(2029, 2, 28)])
def test_the_end_of_february_is_compared_with_the_end_of_february(
    monkeypatch, client, client_for, personas, plan, area, source, greve, today
):
    """Up to the end of February 2029 is compared with 2028 up to its 29 February, as the
    dashboard's key figures compare it: by the public in March, by staff on the 28th."""
    monkeypatch.setattr(report, "local_today", lambda: today)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: today)
    monkeypatch.setattr(
        "django.utils.timezone.now",
        lambda: datetime.datetime.combine(today, datetime.time(12), tzinfo=CPH),
    )
    # 6 a month in both years, and 3 more on 29 February 2028.
    add_incidents(
        source,
        greve,
        "vandalism",
        [datetime.date(y, m, d) for y in (2028, 2029) for m in (1, 2) for d in range(1, 7)]
        + [datetime.date(2028, 2, 29)] * 3,
    )
    item = indicator(
        area, categories=["vandalism"], municipality=greve, baseline_year=2028, current_year=2029
    )
    if today.month == 3:
        html = client.get("/samarbejdsplan/2023/").content.decode()
        member = client_for(personas["council_member"])
        tiles = read_dicts(
            member.get(DASHBOARD + "noegletal.csv?municipality=0253&category=vandalism")
        )
        assert (tiles[0]["current"], tiles[0]["previous"]) == ("12", "15")
    else:
        html = plan_page(client_for(personas["district_staff"]), plan)
    assert (cell(html, item.pk, "current"), cell(html, item.pk, "baseline")) == ("12", "15")
    assert "29. februar 2028" in row(html, item.pk)
