"""The councils' dashboard at /medarbejder/tal/: the numbers on the page, in the charts'
JSON and in the CSV downloads equal counts made by hand from the incidents below; the
filters narrow them; bad filters get a clear message; each persona reads only its area."""

import base64
import csv
import dataclasses
import datetime
import io
import re
from decimal import Decimal

import pytest
import vl_convert
from django.core.management import call_command
from django.utils import translation

from tests.access import StaffView, StaffViewAccess
from tests.conftest import _user
from tryghed.accounts.models import RoleAssignment
from tryghed.dashboard import pdf
from tryghed.dashboard.views import DashboardQuery, dashboard_context
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource
from tryghed.incidents.numbers import Cell
from tryghed.indicators.models import Indicator
from tryghed.organisation.models import Municipality
from tryghed.statistics.models import StatSeries, StatTable, StatValue, quarter_start

URL = "/medarbejder/tal/"


@pytest.fixture
def incidents(district, other_district, greve, koege):
    """2024 in Greve: 3 violence in March, 1 burglary in July; in Køge: 6 violence in March
    (one at 23:30 on 31 March, still March in Denmark) and 1 in December 2023. One in a
    district-8 source without a municipality, and one in another district's source."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    serial = iter(range(1, 1000))

    def add(when, municipality, category="violence", src=source):
        Incident.objects.create(
            source=src,
            external_id=f"T-{next(serial)}",
            occurred_at=when.replace(tzinfo=DANISH_TIME),
            category=category,
            municipality=municipality,
        )

    for day in (1, 2, 3):
        add(datetime.datetime(2024, 3, day, 12), greve)
    add(datetime.datetime(2024, 7, 10, 12), greve, "burglary_home")
    for day in (1, 2, 3, 4, 5):
        add(datetime.datetime(2024, 3, day, 9), koege)
    add(datetime.datetime(2024, 3, 31, 23, 30), koege)
    add(datetime.datetime(2023, 12, 1, 12), koege)
    add(datetime.datetime(2024, 5, 1, 12), None)
    foreign = IncidentSource.objects.create(name="doegnrapport-nord", district=other_district)
    add(datetime.datetime(2024, 3, 1, 12), Municipality.objects.get(code="0851"), src=foreign)
    return source


def table(response, table_id):
    """{row key: the text of the count cell} of a table on the page."""
    html = response.content.decode()
    block = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = re.findall(
        r'<tr data-(?:key|code)="([^"]+)">.*?<td class="text-align-right">([^<]*)</td>',
        block,
        re.S,
    )
    return {key: value.replace("&lt;", "<") for key, value in rows}


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.usefixtures("incidents")
class TestNumbers:
    def test_trend_per_quarter_on_the_page_in_json_and_csv(self, secretariat, client_for):
        client = client_for(secretariat)
        query = "?year=2024&period=quarter"
        page = client.get(URL + query)
        assert page.status_code == 200
        # 3 + 6 in Q1 (31 March 23:30 is March in Denmark), the May incident without a
        # municipality in Q2, the July burglary in Q3; the 2023 and foreign ones not at all.
        expected = {"2024-Q1": "9", "2024-Q2": "1", "2024-Q3": "1", "2024-Q4": "0"}
        assert table(page, "table-trend") == expected

        spec = client.get(URL + "trend.json" + query).json()
        assert spec["mark"]["type"] == "line"
        values = spec["data"]["values"]
        assert [(v["key"], v["count"]) for v in values] == [
            ("2024-Q1", 9),
            ("2024-Q2", 1),
            ("2024-Q3", 1),
            ("2024-Q4", 0),
        ]
        assert values[0]["label"] == "1. kvartal 2024"

        rows = read_csv(client.get(URL + "trend.csv" + query))
        assert rows == [
            ["period", "label", "count"],
            ["2024-Q1", "1. kvartal 2024", "9"],
            ["2024-Q2", "2. kvartal 2024", "1"],
            ["2024-Q3", "3. kvartal 2024", "1"],
            ["2024-Q4", "4. kvartal 2024", "0"],
        ]

    def test_months_without_incidents_are_zero_between_the_first_and_the_last(
        self, secretariat, client_for
    ):
        page = client_for(secretariat).get(URL + "?municipality=0259")
        assert table(page, "table-trend") == {
            "2023-12": "1",
            "2024-01": "0",
            "2024-02": "0",
            "2024-03": "6",
        }

    def test_seasonal_profile_sums_every_year_by_month(self, secretariat, client_for):
        client = client_for(secretariat)
        season = table(client.get(URL), "table-season")
        assert len(season) == 12
        assert (season["3"], season["5"], season["7"], season["12"]) == ("9", "1", "1", "1")
        assert sum(int(count) for count in season.values()) == 12
        rows = read_csv(client.get(URL + "season.csv?year=2023"))
        assert rows[0] == ["month", "label", "count"]
        assert rows[12] == ["12", "december", "1"]
        assert sum(int(row[2]) for row in rows[1:]) == 1

    def test_the_municipality_table_is_the_commands_table(self, secretariat, client_for):
        client = client_for(secretariat)
        download = client.get(URL + "kommuner.csv?year=2024")
        out = io.StringIO()
        call_command(
            "incident_counts", "--source", "doegnrapport-test", "--by", "municipality",
            "--year", "2024", stdout=out, stderr=io.StringIO(),
        )  # fmt: skip
        assert download.content.decode() == out.getvalue()
        rows = read_csv(download)
        assert rows[0] == ["municipality_code", "municipality_name", "count"]
        assert ["0253", "Greve", "4"] in rows and ["0259", "Køge", "6"] in rows
        assert len(rows) == 1 + 10  # every municipality of the district, 0 included
        page = client.get(URL + "?year=2024")
        shown = table(page, "table-municipalities")
        assert (shown["0253"], shown["0259"], shown["0265"]) == ("4", "6", "0")

    def test_the_map_has_boundaries_counts_and_rates(self, secretariat, client_for, greve):
        from tests.test_incident_numbers import population

        population(greve, 2024, 1, 50_000)
        client = client_for(secretariat)
        geojson = client.get(URL + "kommuner.geojson?year=2024&measure=rate").json()
        features = {f["properties"]["code"]: f for f in geojson["features"]}
        assert len(features) == 10
        assert features["0253"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert features["0253"]["properties"]["count"] == 4
        assert features["0253"]["properties"]["rate"] == 0.1  # 4 per 50,000
        assert features["0259"]["properties"]["rate"] is None  # no population known
        page = client.get(URL + "?year=2024")
        assert re.search(
            r'data-code="0253">.*?<td class="text-align-right">0,1</td>',
            page.content.decode(),
            re.S,
        )

    def test_filters_narrow_every_number(self, secretariat, client_for):
        client = client_for(secretariat)
        query = "?year=2024&municipality=0253&category=burglary_home&period=year"
        page = client.get(URL + query)
        assert table(page, "table-trend") == {"2024": "1"}
        assert table(page, "table-municipalities") == {"0253": "1"}
        assert read_csv(client.get(URL + "kommuner.csv" + query)) == [
            ["municipality_code", "municipality_name", "count"],
            ["0253", "Greve", "1"],
        ]
        assert read_csv(client.get(URL + "trend.csv" + query))[1:] == [["2024", "2024", "1"]]
        assert 'value="0253" selected' in page.content.decode()

    def test_no_incidents_for_the_choice_is_said(self, secretariat, client_for):
        page = client_for(secretariat).get(URL + "?category=it_crime")
        assert "Der er ingen hændelser for dette valg." in page.content.decode()
        assert 'id="table-trend"' not in page.content.decode()


BAD = [
    ("year=abc", "Angiv et år med fire cifre"),
    ("year=1800", "Vælg et år fra 2000 og frem."),
    ("year=99999", "Vælg et år til og med 2100."),
    ("municipality=9999", "Vælg en af kommunerne på listen."),
    ("municipality=0851", "Vælg en af kommunerne på listen."),  # another district's
    ("category=nope", "Vælg en af kategorierne på listen."),
]


@pytest.mark.usefixtures("incidents")
@pytest.mark.parametrize(("query", "message"), BAD)
def test_bad_filters_get_a_clear_message(secretariat, client_for, query, message):
    client = client_for(secretariat)
    page = client.get(f"{URL}?{query}")
    assert page.status_code == 200
    text = page.content.decode()
    assert message in text
    assert 'id="table-trend"' not in text
    for download in ("trend.csv", "season.json", "kommuner.csv", "kommuner.geojson"):
        response = client.get(f"{URL}{download}?{query}")
        assert response.status_code == 400, download
        assert message in response.content.decode(), download


@pytest.mark.usefixtures("incidents")
def test_an_unknown_grouping_names_every_choice(secretariat, client_for):
    client = client_for(secretariat, language="en")
    page = client.get(URL + "?period=day")
    assert "Choose week, month, quarter or year." in page.content.decode()
    for download in ("trend.csv", "kommuner.csv"):
        response = client.get(f"{URL}{download}?period=day")
        assert response.status_code == 400
        assert "Choose week, month, quarter or year." in response.content.decode()


@pytest.mark.usefixtures("incidents")
class TestWeeks:
    """Counts per ISO week, from Monday in Danish local time, over the ISO year."""

    def test_a_year_of_weeks_on_the_page_in_json_and_csv(self, secretariat, client_for):
        client = client_for(secretariat)
        query = "?year=2024&period=week"
        page = client.get(URL + query)
        assert page.status_code == 200
        assert 'value="week" selected' in page.content.decode()
        weeks = table(page, "table-trend")
        # 2024 has 52 ISO weeks, every one shown, 0 included.
        assert list(weeks) == [f"2024-W{n:02d}" for n in range(1, 53)]
        # 1-3 March (Friday to Sunday) in week 9: 3 in Greve, 3 in Køge; 4-5 March in week
        # 10; Sunday 31 March at 23:30 local time (21:30 UTC) in week 13; 1 May; 10 July.
        found = {key: count for key, count in weeks.items() if count != "0"}
        assert found == {
            "2024-W09": "6",
            "2024-W10": "2",
            "2024-W13": "1",
            "2024-W18": "1",
            "2024-W28": "1",
        }
        # The year's weeks hold the year's incidents, as its quarters do.
        assert sum(int(count) for count in weeks.values()) == 11

        values = client.get(URL + "trend.json" + query).json()["data"]["values"]
        assert values[8] == {"key": "2024-W09", "label": "uge 9 2024", "count": 6, "shown": "6"}
        rows = read_csv(client.get(URL + "trend.csv" + query))
        assert rows[0] == ["period", "label", "count"]
        assert rows[9] == ["2024-W09", "uge 9 2024", "6"]
        assert len(rows) == 1 + 52

    def test_weeks_belong_to_their_iso_year(self, secretariat, client_for, district, greve):
        source = IncidentSource.objects.get(name="doegnrapport-test")
        for n, when in enumerate(
            [
                datetime.datetime(2024, 12, 29, 23, 30),  # Sunday: week 52 of 2024
                datetime.datetime(2024, 12, 30, 0, 10),  # Monday: week 1 of 2025
            ]
        ):
            Incident.objects.create(
                source=source,
                external_id=f"W-{n}",
                occurred_at=when.replace(tzinfo=DANISH_TIME),
                category="violence",
                municipality=greve,
            )
        client = client_for(secretariat, language="en")
        weeks_2024 = table(client.get(URL + "?year=2024&period=week"), "table-trend")
        assert weeks_2024["2024-W52"] == "1"
        values = client.get(URL + "trend.json?year=2025&period=week").json()["data"]["values"]
        assert values[0] == {"key": "2025-W01", "label": "week 1 2025", "count": 1, "shown": "1"}

    def test_without_a_year_from_the_first_incidents_week_to_the_last(
        self, secretariat, client_for
    ):
        rows = read_csv(client_for(secretariat).get(URL + "trend.csv?period=week"))
        # Friday 1 December 2023 (Køge) to Wednesday 10 July 2024 (Greve).
        assert rows[1] == ["2023-W48", "uge 48 2023", "1"]
        assert rows[-1] == ["2024-W28", "uge 28 2024", "1"]
        assert len(rows) == 1 + 5 + 28  # 2023 has 52 weeks
        assert sum(int(row[2]) for row in rows[1:]) == 12

    @pytest.mark.parametrize(("year", "weeks"), [(2000, 52), (2100, 52)])
    def test_the_first_and_last_years_allowed(self, secretariat, client_for, year, weeks):
        client = client_for(secretariat)
        for download in ("trend.csv", "season.csv", "kommuner.csv", "aendring.csv"):
            query = f"?year={year}&period=week"
            response = client.get(URL + download + query)
            # 2100 has not begun, so there is no last year to compare it with yet.
            expected = 400 if (download, year) == ("aendring.csv", 2100) else 200
            assert response.status_code == expected, download
        rows = read_csv(client.get(f"{URL}trend.csv?year={year}&period=week"))
        assert len(rows) == 1 + weeks
        assert client.get(f"{URL}?year={year}&period=week").status_code == 200

    def test_the_filters_narrow_the_weeks(self, secretariat, client_for):
        query = "?year=2024&period=week&municipality=0259&category=violence"
        weeks = table(client_for(secretariat).get(URL + query), "table-trend")
        assert {key: count for key, count in weeks.items() if count != "0"} == {
            "2024-W09": "3",
            "2024-W10": "2",
            "2024-W13": "1",
        }

    def test_council_members_read_small_weeks_as_under_five(self, council_member, client_for):
        client = client_for(council_member)
        weeks = table(client.get(URL + "?year=2024&period=week"), "table-trend")
        assert (weeks["2024-W09"], weeks["2024-W10"], weeks["2024-W01"]) == ("6", "<5", "0")
        values = client.get(URL + "trend.json?year=2024&period=week").json()["data"]["values"]
        assert values[9]["count"] is None and values[9]["shown"] == "<5"

    def test_the_other_downloads_take_the_grouping(self, secretariat, client_for):
        # It was refused with 400 although it changes nothing in these files.
        client = client_for(secretariat)
        rows = read_csv(client.get(URL + "kommuner.csv?period=week&year=2024"))
        assert ["0253", "Greve", "4"] in rows
        assert client.get(URL + "kommuner.geojson?period=week").status_code == 200
        assert client.get(URL + "season.csv?period=week").status_code == 200

    def test_years_of_weeks_are_drawn_without_crowding(self, secretariat, client_for, greve):
        Incident.objects.create(
            source=IncidentSource.objects.get(name="doegnrapport-test"),
            external_id="W-2022",
            occurred_at=datetime.datetime(2022, 6, 1, 12, tzinfo=DANISH_TIME),
            category="violence",
            municipality=greve,
        )
        client = client_for(secretariat)
        year = client.get(URL + "trend.json?year=2024&period=week").json()
        # Labels that would overlap are left out; the table and the tooltips have them all.
        assert year["encoding"]["x"]["axis"]["labelOverlap"]
        assert year["mark"] == {"type": "line", "point": True}
        # 2022-W22 to 2024-W28: a mark on each of 111 points would hide the line.
        every_week = client.get(URL + "trend.json?period=week").json()
        assert len(every_week["data"]["values"]) == 31 + 52 + 28
        assert every_week["mark"] == {"type": "line", "point": False}
        assert client.get(URL + "tal.pdf?period=week").status_code == 200


def test_the_page_shows_month_as_the_grouping_when_none_is_chosen(secretariat, client_for):
    page = client_for(secretariat).get(URL)
    assert 'value="month" selected' in page.content.decode()


@pytest.mark.usefixtures("incidents")
class TestAreas:
    def test_a_local_officer_reads_only_the_municipality(self, koege_officer, client_for):
        client = client_for(koege_officer)
        page = client.get(URL + "?year=2024&period=year")
        assert table(page, "table-trend") == {"2024": "6"}
        assert table(page, "table-municipalities") == {"0259": "6"}
        response = client.get(URL + "kommuner.csv?municipality=0253")
        assert response.status_code == 400

    def test_the_kredsraad_reads_the_district_with_small_counts_hidden(
        self, council_member, client_for
    ):
        client = client_for(council_member)
        page = client.get(URL + "?year=2024&period=quarter")
        assert page.status_code == 200
        # 11 incidents in 2024: 9 in March, 1 in May, 1 in July. The months are shown as
        # they are, May and July "<5". A sum that holds a "<5" month is "..": the second and
        # third quarters, May and July of the seasonal profile, and the year, 11 (which
        # would leave 2 for the two "<5", so 1 each). The municipalities of 2024, which add
        # up to the year (but for the one without a municipality), are hidden whole.
        assert table(page, "table-trend") == {
            "2024-Q1": "9",
            "2024-Q2": "..",
            "2024-Q3": "..",
            "2024-Q4": "0",
        }
        season = table(page, "table-season")
        assert (season["3"], season["5"], season["7"], season["1"]) == ("9", "..", "..", "0")
        municipalities = table(page, "table-municipalities")
        assert (municipalities["0253"], municipalities["0259"]) == ("..", "..")
        assert table(client.get(URL + "?year=2024&period=year"), "table-trend") == {"2024": ".."}
        rows = read_csv(client.get(URL + "kommuner.csv?year=2024"))
        assert ["0253", "Greve", ".."] in rows and ["0259", "Køge", ".."] in rows
        values = client.get(URL + "trend.json?year=2024&period=quarter").json()["data"]["values"]
        assert values[1] == {
            "key": "2024-Q2",
            "label": "2. kvartal 2024",
            "count": None,
            "shown": "..",
        }
        geojson = client.get(URL + "kommuner.geojson?year=2024").json()
        greve = next(f for f in geojson["features"] if f["properties"]["code"] == "0253")
        assert greve["properties"] == {"code": "0253", "name": "Greve", "count": "..", "rate": None}
        koege = next(f for f in geojson["features"] if f["properties"]["code"] == "0259")
        assert koege["properties"] == {"code": "0259", "name": "Køge", "count": "..", "rate": None}

    def test_a_lokalraad_member_reads_the_municipality(self, councils, client_for):
        member = _user(
            "lokalraad", role=RoleAssignment.Role.COUNCIL_MEMBER, council=councils["greve"]
        )
        page = client_for(member).get(URL + "?year=2024&period=year")
        assert page.status_code == 200
        # Greve alone: its 2024 is March's 3 and July's 1, each read as "<5", so the year,
        # which holds them, is "..", in the table as in the trend.
        assert table(page, "table-municipalities") == {"0253": ".."}
        assert table(page, "table-trend") == {"2024": ".."}

    def test_staff_read_exact_numbers(self, greve_staff, client_for):
        page = client_for(greve_staff).get(URL + "?year=2024&period=year")
        assert table(page, "table-municipalities") == {"0253": "4"}

    def test_another_district_sees_only_its_own(self, foreign_secretariat, client_for):
        page = client_for(foreign_secretariat).get(URL + "?period=year")
        assert table(page, "table-trend") == {"2024": "1"}
        assert "Greve" not in page.content.decode()


class TestKeyFiguresCSV:
    """noegletal.csv holds plain numbers, as aendring.csv does, for a spreadsheet in any
    language; the page shows the same figures formatted ("1.129", "+12,9 %")."""

    @pytest.fixture
    def figures(self, plan, greve, koege):
        table = StatTable.objects.create(code="STRAF11", title="Anmeldte forbrydelser")
        series = StatSeries.objects.create(table=table, label="Ejendomsforbrydelser i alt")
        StatValue.objects.bulk_create(
            StatValue(
                table=table,
                series=series,
                municipality=koege,
                year=year,
                quarter=quarter,
                period_start=quarter_start(year, quarter),
                value=value,
                population=population,
            )
            for year, quarter, value, population in [
                (2021, 1, 100, 60_000),
                (2021, 2, 110, 60_000),
                (2022, 1, 80, 61_000),
                (2022, 2, 90, 61_000),
            ]
        )
        source = IncidentSource.objects.create(name="doegnrapport-test", district=plan.district)
        # (year, category, count, over how many months from January)
        rows = [(2024, "violence", 1129, 12), (2023, "violence", 1000, 12)]
        rows += [(2023, "burglary_home", 3, 12), (2022, "burglary_home", 12, 2)]
        Incident.objects.bulk_create(
            Incident(
                source=source,
                external_id=f"K-{year}-{category}-{n}",
                occurred_at=datetime.datetime(
                    year, 1 + n % months, 1 + n % 28, 12, tzinfo=DANISH_TIME
                ),
                category=category,
                municipality=greve,
            )
            for year, category, count, months in rows
            for n in range(count)
        )
        area = plan.focus_areas.get()
        burglary = Indicator.objects.create(
            focus_area=area,
            title="Indbrud i private hjem",
            kind=Indicator.Kind.INCIDENTS,
            categories=["burglary_home"],
            baseline_year=2022,
            target_percent=Decimal("10"),
        )
        rate = Indicator.objects.create(
            focus_area=area,
            title="Ejendomsforbrydelser i Køge",
            kind=Indicator.Kind.STATISTICS,
            series=series,
            municipality=koege,
            measure=Indicator.Measure.RATE,
            baseline_year=2021,
            current_year=2022,
            target_percent=Decimal("5"),
            direction=Indicator.Direction.INCREASE,
        )
        return burglary, rate

    def rows(self, client):
        rows = read_csv(client.get(URL + "noegletal.csv?year=2024&category=violence"))
        assert rows[0] == ["tile", "compared", "current", "previous", "change", "target", "status"]
        return {row[0]: row[2:6] for row in rows[1:]}

    def test_staff_read_plain_numbers(self, figures, secretariat, client_for):
        client = client_for(secretariat)
        page = client.get(URL + "?year=2024&category=violence").content.decode()
        assert "1.129" in page and "+12,9 %" in page and "2,8" in page
        assert self.rows(client) == {
            "Hændelser: Vold": ["1129", "1000", "12.9", ""],
            # 3 in 2023 against 12 in 2022.
            "Indbrud i private hjem": ["3", "12", "-75.0", "-10.0"],
            # 170 offences over 61,000 inhabitants against 210 over 60,000 (first half years).
            "Ejendomsforbrydelser i Køge": ["2.8", "3.5", "-20.4", "5.0"],
        }

    def test_council_members_read_small_counts_hidden(self, figures, council_member, client_for):
        rows = self.rows(client_for(council_member))
        # From January to March 2023 one burglary a month sits beside 83 or 84 violence
        # cases: Greve's month of every category less them would be the one, so those
        # months of violence are "..", and 2023's year, which holds them, is ".." too, and
        # with it the change.
        assert rows["Hændelser: Vold"] == ["1129", "..", "", ""]
        # 2023's 3 burglaries are one a month, each read as "<5": the year, which holds
        # them, is "..", and so is the change, which beside 2022's 12 (6 in January and 6
        # in February, both shown) would give the 3 away.
        assert rows["Indbrud i private hjem"] == ["..", "12", "", "-10.0"]
        assert rows["Ejendomsforbrydelser i Køge"] == ["2.8", "3.5", "-20.4", "5.0"]


def test_the_current_plans_indicators_are_shown(plan, secretariat, client_for):
    area = plan.focus_areas.get()
    Indicator.objects.create(
        focus_area=area,
        title="Indbrud i private hjem",
        kind=Indicator.Kind.INCIDENTS,
        categories=["burglary_home"],
        baseline_year=2022,
        target_percent=Decimal("10"),
    )
    page = client_for(secretariat).get(URL)
    text = page.content.decode()
    assert "Indikatorer for Samarbejdsplan 2023" in text
    assert "Indbrud i private hjem" in text


def test_the_nav_links_to_the_dashboard_for_those_who_read_it(personas, client_for):
    assert (
        'href="/medarbejder/tal/"'
        in client_for(personas["council_member"]).get("/medarbejder/").content.decode()
    )
    assert (
        'href="/medarbejder/tal/"'
        not in client_for(personas["outsider"]).get("/medarbejder/").content.decode()
    )


READERS = {"secretariat", "district_staff", "koege_officer", "greve_staff", "council_member"}
# Another district's secretariat reads its own district here, never district 8 (above).
ALLOWED = READERS | {"foreign_secretariat"}


class TestDashboardAccess(StaffViewAccess):
    views = [
        StaffView("dashboard", lambda ctx: URL, ALLOWED),
        StaffView("trend_json", lambda ctx: URL + "trend.json", ALLOWED),
        StaffView("season_csv", lambda ctx: URL + "season.csv", ALLOWED),
        StaffView("municipalities_csv", lambda ctx: URL + "kommuner.csv", ALLOWED),
        StaffView("map", lambda ctx: URL + "kommuner.geojson", ALLOWED),
    ]

    @pytest.fixture
    def ctx(self, incidents):
        return {}


class TestComplementarySuppression:
    """The kredsråd reads 42 incidents in 2024: Greve 3 in January, Køge 20 in February,
    Roskilde 7 in March, Solrød 12 in April. The months are shown as they are, January
    "<5". A sum of them that holds January (the year, the first quarter, every year) would
    give it away beside the months shown (42 − 20 − 7 − 12 = 3), as the year up to March
    read in March would beside February: it is "..", everywhere the council member reads
    it, and the municipalities of 2024, which add up to it, are hidden whole."""

    @pytest.fixture
    def district_2024(self, district, greve, koege):
        from tests.test_incident_numbers import population

        source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
        roskilde = Municipality.objects.get(code="0265")
        solroed = Municipality.objects.get(code="0269")
        population(roskilde, 2024, 1, 90_000)
        rows = [(greve, 1, 3), (koege, 2, 20), (roskilde, 3, 7), (solroed, 4, 12)]
        Incident.objects.bulk_create(
            Incident(
                source=source,
                external_id=f"S-{municipality.code}-{n}",
                occurred_at=datetime.datetime(2024, month, 1 + n, 12, tzinfo=DANISH_TIME),
                category="violence",
                municipality=municipality,
            )
            for municipality, month, count in rows
            for n in range(count)
        )

    @pytest.mark.usefixtures("district_2024")
    def test_the_council_member_cannot_subtract_a_hidden_count(self, council_member, client_for):
        client = client_for(council_member)
        page = client.get(URL + "?year=2024&period=quarter")
        tile = re.search(r'data-tile="incidents">(.*?)</li>', page.content.decode(), re.S)[1]
        assert "42" not in tile and 'tile-current">..<' in tile
        municipalities = table(page, "table-municipalities")
        assert {code: municipalities[code] for code in ("0253", "0259", "0265", "0269")} == {
            "0253": "..",
            "0259": "..",
            "0265": "..",
            "0269": "..",
        }
        trend = table(page, "table-trend")
        assert trend == {"2024-Q1": "..", "2024-Q2": "12", "2024-Q3": "0", "2024-Q4": "0"}
        season = table(page, "table-season")
        # January of the seasonal profile holds January's "<5": it is "..", as the first
        # quarter is.
        assert [season[str(m)] for m in (1, 2, 3, 4, 5)] == ["..", "20", "7", "12", "0"]
        # Roskilde's rate (7 of 90,000 people) would give the 7 back.
        assert re.search(
            r'data-code="0265">.*?<td class="text-align-right">\.\.</td>'
            r'<td class="text-align-right">–</td>',
            page.content.decode(),
            re.S,
        )
        assert table(client.get(URL + "?year=2024&period=year"), "table-trend") == {"2024": ".."}
        assert read_csv(client.get(URL + "trend.csv?period=year"))[1][2] == ".."
        rows = read_csv(client.get(URL + "kommuner.csv?year=2024"))
        assert {row[2] for row in rows[1:]} == {".."}
        assert {row[2] for row in read_csv(client.get(URL + "kommuner.csv"))[1:]} == {".."}
        geojson = client.get(URL + "kommuner.geojson?year=2024&measure=rate").json()
        roskilde = next(f for f in geojson["features"] if f["properties"]["code"] == "0265")
        assert (roskilde["properties"]["count"], roskilde["properties"]["rate"]) == ("..", None)
        values = client.get(URL + "season.json?year=2024").json()["data"]["values"]
        assert values[0] == {"key": "1", "label": "januar", "count": None, "shown": ".."}
        # The months themselves read as they are, January "<5".
        rows = read_csv(client.get(URL + "trend.csv?year=2024&period=month"))
        assert [row[2] for row in rows[1:5]] == ["<5", "20", "7", "12"]
        rows = read_csv(client.get(URL + "aendring.csv?year=2024"))
        by_code = {row[0]: row for row in rows[1:]}
        assert by_code["0265"][3:] == ["..", "2023", "0", "", ""]
        # January's weeks are hidden beside the months: none of them is January less the
        # others.
        weeks = read_csv(client.get(URL + "trend.csv?year=2024&period=week"))
        january = [row[2] for row in weeks[1:6]]
        assert sum(1 for value in january if value in ("<5", "..")) != 1

    @pytest.mark.usefixtures("district_2024")
    def test_the_pdf_maps_draw_hidden_areas_grey_with_a_legend(self, rf, council_member):
        """Vega-Lite leaves out a shape whose colour value is null: Greve ("<5") and
        Roskilde ("..") were missing from the printed map, and a hidden square from the
        printed hotspots, with nothing in the legend."""
        request = rf.get(URL + "?year=2024")
        request.user = council_member
        current = DashboardQuery(request)
        context = dashboard_context(request, current)
        shown = {"0253": "<5", "0259": 20, "0265": "..", "0269": 12}
        rows = {
            row.municipality.code: dataclasses.replace(
                row, count=shown.get(row.municipality.code, 0), rate=None
            )
            for row in context["municipality_rows"]
        }
        boundaries = pdf._outlines(current.municipalities)
        cells = [Cell(6150, 740, 9), Cell(6150, 741, ".."), Cell(6151, 740, "<5")]
        with translation.override("da"):
            choropleth = base64.b64decode(
                pdf.choropleth_image(rows, boundaries, measure="count").split(",", 1)[1]
            ).decode()
            hotspots = vl_convert.vegalite_to_svg(pdf.hotspot_spec(cells, boundaries))
        small, hidden = "Færre end 5", ".. Skjult for at beskytte et tal under 5"
        # Two grey municipalities, and the two grey swatches of the legend.
        assert choropleth.count('fill="#f0f0f0"') == 4
        assert small in choropleth and hidden in choropleth
        assert hotspots.count('fill="#bdbdbd"') == 4
        assert small in hotspots and hidden in hotspots

    @pytest.mark.usefixtures("district_2024")
    def test_staff_read_exact_numbers(self, secretariat, client_for):
        client = client_for(secretariat)
        page = client.get(URL + "?year=2024&period=quarter")
        municipalities = table(page, "table-municipalities")
        assert [municipalities[code] for code in ("0253", "0259", "0265", "0269")] == [
            "3",
            "20",
            "7",
            "12",
        ]
        assert table(page, "table-trend")["2024-Q1"] == "30"
        rows = read_csv(client.get(URL + "kommuner.csv?year=2024"))
        assert ["0265", "Roskilde", "7"] in rows
