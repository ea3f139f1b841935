"""The dashboard's comparison with the same period last year (key-figure tiles and the
municipality table) and its hotspot map of grid cells, with their CSV files: numbers made by
hand from the incidents below, exact for staff and "<5" for council members."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.access import StaffView, StaffViewAccess
from tests.conftest import _user
from tryghed.accounts.models import RoleAssignment
from tryghed.dashboard import charts
from tryghed.dashboard.report import Comparison, comparison_for
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource
from tryghed.incidents.numbers import CELL_LAT, CELL_LON
from tryghed.indicators.models import Indicator

URL = "/medarbejder/tal/"

# Two places in Greve about 4 km apart, and one in Køge.
GREVE_CENTRE = (Decimal("55.591200"), Decimal("12.298700"))
GREVE_NORTH = (Decimal("55.630000"), Decimal("12.330000"))
KOEGE = (Decimal("55.457000"), Decimal("12.182000"))


@pytest.fixture
def incidents(district, greve, koege):
    """Violence in Greve: 2 in 2022, 4 in 2023, 6 in 2024 (5 at the centre, 1 to the north);
    in Køge 1 on New Year's Eve 2023 and 1 in 2024. The 2024 ones have coordinates."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    serial = iter(range(1, 1000))

    def add(when, municipality, place=None):
        lat, lon = place or (None, None)
        Incident.objects.create(
            source=source,
            external_id=f"T-{next(serial)}",
            occurred_at=when.replace(tzinfo=DANISH_TIME),
            category="violence",
            municipality=municipality,
            lat=lat,
            lon=lon,
        )

    for day in (1, 2):
        add(datetime.datetime(2022, 5, day, 12), greve)
    for day in (1, 2, 3, 4):
        add(datetime.datetime(2023, 5, day, 12), greve)
    for day in (1, 2, 3, 4, 5):
        add(datetime.datetime(2024, 5, day, 12), greve, GREVE_CENTRE)
    add(datetime.datetime(2024, 6, 1, 12), greve, GREVE_NORTH)
    add(datetime.datetime(2024, 6, 2, 12), koege, KOEGE)
    # New Year's Eve 23:30 in Denmark is still 2023: it counts as last year, not this.
    add(datetime.datetime(2023, 12, 31, 23, 30), koege)
    return source


def read_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def cells_of(response, cls):
    """{municipality code: text of the cell with class `cls`} of the municipality table."""
    html = response.content.decode()
    block = re.search(r'<table[^>]*id="table-municipalities".*?</table>', html, re.S).group(0)
    rows = re.findall(rf'<tr data-code="(\d+)">.*?<td class="[^"]*{cls}">([^<]*)</td>', block, re.S)
    return {code: value.replace("&lt;", "<") for code, value in rows}


def tile(response, key):
    html = response.content.decode()
    block = re.search(rf'<li class="dashboard-tile" data-tile="{key}">(.*?)</li>', html, re.S)
    assert block, key
    text = block.group(1)

    def part(cls):
        found = re.search(rf'class="[^"]*{cls}[^"]*">(.*?)</p>', text, re.S)
        words = re.sub(r"<[^>]+>", " ", found.group(1)).replace("&lt;", "<")
        return " ".join(words.split())

    return {"current": part("tile-current"), "change": part("tile-change")}


@pytest.mark.usefixtures("incidents")
class TestChangeAgainstLastYear:
    def test_the_municipality_table_compares_with_the_year_before(self, secretariat, client_for):
        page = client_for(secretariat).get(URL + "?year=2024")
        previous = cells_of(page, "change-previous")
        percent = cells_of(page, "change-percent")
        assert (previous["0253"], percent["0253"]) == ("4", "+50,0 %")  # 6 against 4
        # 31 December 23:30 in Denmark is 2023 (22:30 UTC would be too, but not 23:30 UTC).
        assert (previous["0259"], percent["0259"]) == ("1", "±0,0 %")
        assert (previous["0265"], percent["0265"]) == ("0", "–")  # nothing in either year
        assert "Samme periode sidste år (2023)" in page.content.decode()

    def test_without_a_year_the_table_says_how_to_compare(self, secretariat, client_for):
        page = client_for(secretariat).get(URL)
        assert cells_of(page, "change-percent") == {}
        assert "Vælg et år for at sammenligne" in page.content.decode()

    def test_the_comparison_downloads_as_csv(self, secretariat, client_for):
        rows = read_csv(client_for(secretariat).get(URL + "aendring.csv?year=2024"))
        assert rows[0] == [
            "municipality_code",
            "municipality_name",
            "period",
            "count",
            "previous_period",
            "previous",
            "difference",
            "percent",
        ]
        by_code = {row[0]: row for row in rows[1:]}
        assert len(by_code) == 10
        assert by_code["0253"] == ["0253", "Greve", "2024", "6", "2023", "4", "2", "50.0"]
        assert by_code["0265"][3:] == ["0", "2023", "0", "0", ""]

    @pytest.mark.parametrize(
        ("query", "key_figures"),
        [("?year=2024", ["7", "5", "40.0"]), ("?year=2024&municipality=0253", ["6", "4", "50.0"])],
    )
    def test_a_past_year_is_compared_from_the_kept_counts(
        self, secretariat, client_for, query, key_figures
    ):
        # Whole years are in the monthly counts: nothing is counted one incident at a time,
        # which took seconds over millions of incidents (bench/dashboard.py).
        client = client_for(secretariat)
        with CaptureQueriesContext(connection) as queries:
            changes = read_csv(client.get(URL + "aendring.csv" + query))
            tiles = read_csv(client.get(URL + "noegletal.csv" + query))
        table = Incident._meta.db_table
        assert not [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
        greve = next(row for row in changes if row[0] == "0253")
        assert greve == ["0253", "Greve", "2024", "6", "2023", "4", "2", "50.0"]
        assert tiles[1][2:5] == key_figures

    def test_the_filters_narrow_the_comparison(self, secretariat, client_for):
        client = client_for(secretariat)
        rows = read_csv(client.get(URL + "aendring.csv?year=2023&municipality=0253"))
        assert rows[1:] == [["0253", "Greve", "2023", "4", "2022", "2", "2", "100.0"]]
        rows = read_csv(client.get(URL + "aendring.csv?year=2024&category=it_crime"))
        assert all(row[3] == "0" and row[5] == "0" for row in rows[1:])

    def test_the_selection_tile(self, secretariat, client_for):
        page = client_for(secretariat).get(URL + "?year=2024")
        # 6 in Greve and 1 in Køge against 4 and 1.
        assert tile(page, "incidents") == {
            "current": "7",
            "change": "Ændring mod samme periode sidste år: ▲ +40,0 %",
        }
        greve = tile(client_for(secretariat).get(URL + "?year=2024&municipality=0253"), "incidents")
        assert greve["current"] == "6" and greve["change"].endswith("+50,0 %")

    def test_a_year_before_anything_was_recorded_is_no_count(self, secretariat, client_for):
        # The incidents begin in May 2022: 2021 was not recorded, so it is no 0 to compare.
        client = client_for(secretariat)
        page = client.get(URL + "?year=2022")
        html = page.content.decode()
        assert tile(page, "incidents")["current"] == "2"
        assert "Samme periode sidste år: –" in " ".join(html.split())
        assert tile(page, "incidents")["change"].endswith("–")
        rows = read_csv(client.get(URL + "noegletal.csv?year=2022"))
        assert rows[1][2:5] == ["2", "", ""]
        recorded = read_csv(client.get(URL + "noegletal.csv?year=2023"))
        assert recorded[1][2:5] == ["5", "2", "150.0"]

    def test_council_members_read_small_counts_hidden(self, council_member, client_for):
        client = client_for(council_member)
        page = client.get(URL + "?year=2024")
        previous = cells_of(page, "change-previous")
        percent = cells_of(page, "change-percent")
        # 2024 is May's 5 and June's 2 (Greve 1, Køge 1), 2023 May's 4 (Greve) and
        # December's 1 (Køge): each year holds a month read as "<5", in the district and in
        # Greve and Køge alike, so each reads "..", and with them the change. The
        # municipalities of each year, which add up to its "..", are hidden whole.
        assert (previous["0253"], percent["0253"]) == ("..", "–")
        assert (previous["0259"], percent["0259"]) == ("..", "–")
        assert 'tile-previous">Samme periode sidste år: ..<' in page.content.decode()
        assert tile(page, "incidents")["current"] == ".."
        rows = read_csv(client.get(URL + "aendring.csv?year=2024"))
        by_code = {row[0]: row for row in rows[1:]}
        assert by_code["0253"][3:] == ["..", "2023", "..", "", ""]
        assert by_code["0259"][3:] == ["..", "2023", "..", "", ""]
        counts = re.findall(
            r'<tr data-code="(\d+)">.*?<td class="text-align-right">([^<]*)</td>',
            page.content.decode(),
            re.S,
        )
        shown = {code: value.replace("&lt;", "<") for code, value in counts}
        assert (shown["0253"], shown["0259"]) == ("..", "..")

    def test_a_year_not_begun_has_nothing_to_compare(self, secretariat, client_for):
        response = client_for(secretariat).get(URL + "aendring.csv?year=2099")
        assert response.status_code == 400
        assert "Året er ikke begyndt" in response.content.decode()
        assert client_for(secretariat).get(URL + "?year=2099").status_code == 200

    def test_bad_filters_get_a_clear_message(self, secretariat, client_for):
        for download in ("aendring.csv", "noegletal.csv", "braendpunkter.csv"):
            response = client_for(secretariat).get(URL + download + "?municipality=9999")
            assert response.status_code == 400
            assert "Vælg en af kommunerne på listen." in response.content.decode()


def test_a_total_that_would_give_a_small_year_away_is_hidden_with_its_table(
    district, greve, council_member, client_for
):
    """Burglaries of businesses in Greve and Solrød: 2 in 2023 (Greve), 20 and 10 in 2024,
    20 and 8 in 2025. 2023's 2 lie in one month, read as "<5", so 2023 is "..", and the other
    years are shown; every year together, 60, holds that month and would give 2023 away
    (60 - 30 - 28), so it is "..", and the table of every year, whose rows add up to it, is
    hidden whole. 2025 against 2024 is shown: both are."""
    _business_burglaries(district, greve)
    client = client_for(council_member)
    years = read_csv(client.get(URL + "trend.csv?category=burglary_business&period=year"))
    assert [row[-1] for row in years[1:]] == ["..", "30", "28"]
    every_year = read_csv(client.get(URL + "kommuner.csv?category=burglary_business"))
    assert {row[2] for row in every_year[1:]} == {".."}
    rows = read_csv(client.get(URL + "aendring.csv?category=burglary_business&year=2025"))
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["0253"][3:] == ["20", "2024", "20", "0", "0.0"]
    assert by_code["0269"][3:] == ["8", "2024", "10", "-2", "-20.0"]
    page = client.get(URL + "?category=burglary_business")
    assert set(cells_of(page, "text-align-right").values()) <= {"..", "–"}


def test_incidents_beyond_the_table_are_protected_with_its_rows(
    district, greve, council_member, secretariat, client_for
):
    """The district's source has 8 burglaries of institutions in Greve in 2025 and 2 it
    located in another district's municipality: the year's 10, published in the trend, less
    the table's rows would give those 2 away."""
    elsewhere = greve.__class__.objects.exclude(district=district).order_by("code").first()
    source = IncidentSource.objects.create(name="institutioner", district=district)
    for n, municipality in enumerate([greve] * 8 + [elsewhere] * 2):
        Incident.objects.create(
            source=source,
            external_id=f"I-{n}",
            occurred_at=datetime.datetime(2025, 4, 1 + n, 12, tzinfo=DANISH_TIME),
            category="burglary_institution",
            municipality=municipality,
        )
    query = "category=burglary_institution&year=2025"
    client = client_for(council_member)
    years = read_csv(client.get(URL + "trend.csv?category=burglary_institution&period=year"))
    assert [row[-1] for row in years[1:]] == ["10"]
    table = {row[0]: row[2] for row in read_csv(client.get(URL + "kommuner.csv?" + query))[1:]}
    assert elsewhere.code not in table
    # Greve's 8 is hidden with the 2 beside it: 10 less Greve would be the 2.
    assert table["0253"] == ".."
    assert set(table.values()) == {"..", "0"}
    # Staff read them exactly.
    staff = read_csv(client_for(secretariat).get(URL + "kommuner.csv?" + query))
    assert {row[0]: row[2] for row in staff[1:]}["0253"] == "8"


def _located(district, rows, name):
    """Incidents of a source of the district: (year, municipality, count, place or None)."""
    source = IncidentSource.objects.create(name=name, district=district)
    serial = iter(range(1, 1000))
    for year, municipality, count, place in rows:
        lat, lon = place or (None, None)
        for day in range(count):
            Incident.objects.create(
                source=source,
                external_id=f"{name}-{next(serial)}",
                occurred_at=datetime.datetime(year, 3, 1 + day, 12, tzinfo=DANISH_TIME),
                category="burglary_business",
                municipality=municipality,
                lat=lat,
                lon=lon,
            )


def _business_burglaries(district, greve, greve_place=None):
    """Greve 2 in 2023, 20 in 2024 and 20 in 2025 (at `greve_place`); Solrød 10 in 2024 and
    8 in 2025, unlocated."""
    solroed = greve.__class__.objects.get(code="0269")
    _located(
        district,
        [
            (2023, greve, 2, greve_place),
            (2024, greve, 20, greve_place),
            (2024, solroed, 10, None),
            (2025, greve, 20, greve_place),
            (2025, solroed, 8, None),
        ],
        "erhverv",
    )


def test_a_map_of_every_year_beside_a_hidden_total_is_hidden_too(
    district, greve, council_member, client_for
):
    # As above: every year together is ".." so that 2023 cannot be worked out, and
    # Greve's one cell, which holds all of Greve's years, would give it back.
    _business_burglaries(district, greve, GREVE_CENTRE)
    client = client_for(council_member)
    query = "category=burglary_business"
    assert {row[2] for row in read_csv(client.get(URL + "kommuner.csv?" + query))[1:]} == {".."}
    # The public reads the map of every category only (a category's squares would be the
    # squares of every category less the other categories'); here the business burglaries
    # are every incident, so that map is theirs.
    assert read_csv(client.get(URL + "braendpunkter.csv?" + query))[1:] == []
    assert {row[2] for row in read_csv(client.get(URL + "kommuner.csv"))[1:]} == {".."}
    cells = read_csv(client.get(URL + "braendpunkter.csv"))
    assert [row[-1] for row in cells[1:]] == [".."]
    page = client.get(URL).content.decode()
    table = re.search(r'<table[^>]*id="table-hotspots".*?</table>', page, re.S).group(0)
    assert re.findall(r'<td class="text-align-right">([^<]*)</td>', table) == [".."]
    # 2025 alone is shown, its map too.
    cells = read_csv(client.get(URL + "braendpunkter.csv?year=2025"))
    assert [row[-1] for row in cells[1:]] == ["20"]


def test_incidents_without_coordinates_are_protected_with_the_map(
    district, greve, council_member, secretariat, client_for
):
    # 20 at Greve's centre and 2 without coordinates: the year's 22 less the cell.
    _located(district, [(2025, greve, 20, GREVE_CENTRE), (2025, greve, 2, None)], "erhverv")
    query = "category=burglary_business&year=2025"
    client = client_for(council_member)
    years = read_csv(client.get(URL + "trend.csv?category=burglary_business&period=year"))
    assert [row[-1] for row in years[1:]] == ["22"]
    # The public reads the map of every category only, here the business burglaries'.
    assert read_csv(client.get(URL + "braendpunkter.csv?" + query))[1:] == []
    years = read_csv(client.get(URL + "trend.csv?period=year"))
    assert [row[-1] for row in years[1:]] == ["22"]
    cells = read_csv(client.get(URL + "braendpunkter.csv?year=2025"))
    assert [row[-1] for row in cells[1:]] == [".."]
    staff = read_csv(client_for(secretariat).get(URL + "braendpunkter.csv?" + query))
    assert [row[-1] for row in staff[1:]] == ["20"]


def test_a_running_year_is_compared_up_to_the_same_day(district, greve):
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    for n, day in enumerate(
        [datetime.date(2025, 3, 1), datetime.date(2025, 9, 1), datetime.date(2026, 2, 1)]
    ):
        Incident.objects.create(
            source=source,
            external_id=f"R-{n}",
            occurred_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=DANISH_TIME),
            category="violence",
            municipality=greve,
        )
    comparison = comparison_for(None, today=datetime.date(2026, 6, 30))
    assert comparison == Comparison(2026, datetime.date(2026, 7, 1))
    assert comparison.label == "2026 til og med 30. juni"
    assert comparison.previous_key == "2025-01-01/2025-06-30"
    changed = charts.municipality_changes(
        Incident.objects.all(), [greve], year=2026, until=comparison.until
    )
    # September 2025 lies after 30 June: 1 against 1, not 1 against 2.
    assert (changed[greve.pk].count, changed[greve.pk].previous) == (1, 1)
    assert comparison_for(2024, today=datetime.date(2026, 6, 30)) == Comparison(2024, None)
    assert comparison_for(2027, today=datetime.date(2026, 6, 30)) is None


@pytest.mark.usefixtures("incidents")
def test_indicator_tiles_compare_with_the_year_before(
    plan, secretariat, council_member, client_for
):
    indicator = Indicator.objects.create(
        focus_area=plan.focus_areas.get(),
        title="Vold i Greve",
        kind=Indicator.Kind.INCIDENTS,
        categories=["violence"],
        baseline_year=2022,
        target_percent=Decimal("10"),
    )
    client = client_for(secretariat)
    page = client.get(URL)
    # The plan is 2023's: 4 + the Køge New Year's Eve one against 2 in 2022.
    assert tile(page, f"indicator-{indicator.pk}") == {
        "current": "5",
        "change": "Ændring mod samme periode sidste år: ▲ +150,0 %",
    }
    rows = read_csv(client.get(URL + "noegletal.csv?year=2024"))
    assert rows[0] == ["tile", "compared", "current", "previous", "change", "target", "status"]
    # Plain numbers for spreadsheets, as aendring.csv has them; the page shows "+40,0 %".
    assert rows[1][0] == "Hændelser" and rows[1][2:5] == ["7", "5", "40.0"]
    assert rows[2][0] == "Vold i Greve"
    assert rows[2][2:] == ["5", "2", "150.0", "-10.0", "Ikke på rette spor"]

    council = tile(client_for(council_member).get(URL), f"indicator-{indicator.pk}")
    # 2023's 5 is May's 4 and December's 1, each read as "<5": the year, which holds them,
    # is "..". Last year's 2 lies in one month read as "<5" too, and no change is shown.
    assert council == {"current": "..", "change": "Ændring mod samme periode sidste år: –"}


@pytest.mark.usefixtures("incidents")
class TestHotspots:
    def _cell_holding(self, cells, place):
        lat, lon = (float(v) for v in place)
        found = [
            c for c in cells if c["south"] <= lat < c["north"] and c["west"] <= lon < c["east"]
        ]
        assert len(found) == 1, (place, cells)
        return found[0]

    def test_cells_on_the_page_in_the_csv_and_on_the_map(self, secretariat, client_for):
        client = client_for(secretariat)
        rows = read_csv(client.get(URL + "braendpunkter.csv?year=2024"))
        assert rows[0] == ["row", "column", "south", "west", "north", "east", "count"]
        cells = [
            {
                "south": float(r[2]),
                "west": float(r[3]),
                "north": float(r[4]),
                "east": float(r[5]),
                "count": r[6],
            }
            for r in rows[1:]
        ]
        assert [c["count"] for c in cells] == ["5", "1", "1"]  # the busiest first
        assert self._cell_holding(cells, GREVE_CENTRE)["count"] == "5"
        assert self._cell_holding(cells, KOEGE)["count"] == "1"
        # A cell is about 1 km each way (1/110.574 degrees of latitude).
        first = cells[0]
        assert first["north"] - first["south"] == pytest.approx(CELL_LAT / 1e6, abs=1e-6)
        assert first["east"] - first["west"] == pytest.approx(CELL_LON / 1e6, abs=1e-6)

        geojson = client.get(URL + "braendpunkter.geojson?year=2024").json()
        assert geojson["total_cells"] == 3
        assert [f["properties"]["count"] for f in geojson["features"]] == [5, 1, 1]
        ring = geojson["features"][0]["geometry"]["coordinates"][0]
        assert ring[0] == [first["west"], first["south"]]  # GeoJSON is lon, lat

        page = client.get(URL + "?year=2024")
        html = page.content.decode()
        assert 'id="table-hotspots"' in html and "data-hotspot-map=" in html
        shown = re.findall(r'<tr data-key="-?\d+:-?\d+"><th scope="row">([^<]+)</th>', html)
        assert len(shown) == 3
        lat, lon = (float(v.replace(",", ".")) for v in shown[0].split(", "))
        assert first["south"] < lat < first["north"] and first["west"] < lon < first["east"]

    @pytest.mark.parametrize("reader", ["secretariat", "council_member"])
    def test_the_cells_of_past_years_are_read_from_the_kept_counts(
        self, request, reader, client_for
    ):
        # Counted per cell and year as the incidents are written, so that a map does not
        # read every incident of its years (about a second over 1,000,000 of them).
        client = client_for(request.getfixturevalue(reader))
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(client.get(URL + "braendpunkter.csv?year=2024"))
            one_category = read_csv(
                client.get(URL + "braendpunkter.csv?year=2024&category=violence")
            )
            every_year = read_csv(client.get(URL + "braendpunkter.csv"))
        table = Incident._meta.db_table
        read = [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]
        if reader == "secretariat":
            assert read == []
            assert [r[6] for r in rows[1:]] == ["5", "1", "1"]
            assert [r[6] for r in one_category[1:]] == ["5", "1", "1"]
            assert [r[6] for r in every_year[1:]] == ["5", "1", "1"]
        else:
            # The public's map of every year holds the whole years only: the kept counts
            # alone. Each municipality's squares are protected against its own count as its
            # own selection publishes it: Greve's 2024 (May's 5, June's 1) and Køge's
            # (June's 1) each hold a month read as "<5", so both years read "..", and their
            # squares are hidden whole, on the map of 2024 and the map of every year alike.
            assert read == []
            assert [r[6] for r in rows[1:]] == ["..", "..", ".."]
            assert [r[6] for r in every_year[1:]] == ["..", "..", ".."]

    def test_the_filters_narrow_the_cells(self, secretariat, client_for):
        client = client_for(secretariat)
        rows = read_csv(client.get(URL + "braendpunkter.csv?year=2024&municipality=0259"))
        assert [r[6] for r in rows[1:]] == ["1"]
        rows = read_csv(client.get(URL + "braendpunkter.csv?year=2024&category=violence"))
        assert [r[6] for r in rows[1:]] == ["5", "1", "1"]
        rows = read_csv(client.get(URL + "braendpunkter.csv?category=it_crime"))
        assert rows[1:] == []
        page = client.get(URL + "?year=2023")
        assert "Ingen af hændelserne for dette valg har koordinater." in page.content.decode()

    def test_council_members_read_small_cells_as_under_five(self, councils, client_for):
        member = _user(
            "lokalraad", role=RoleAssignment.Role.COUNCIL_MEMBER, council=councils["greve"]
        )
        client = client_for(member)
        rows = read_csv(client.get(URL + "braendpunkter.csv?year=2024"))
        # Greve's council reads Greve only: 6 incidents, in a cell of 5 and a cell of 1.
        # The 5 beside the total would give the 1 away, and "<5" beside a ".." of at least 5
        # would still leave 1: no hiding of single cells protects the group, so it is hidden
        # whole (see numbers.protect), and the two may be anything that makes 6.
        assert [r[6] for r in rows[1:]] == ["..", ".."]
        geojson = client.get(URL + "braendpunkter.geojson?year=2024").json()
        assert [f["properties"]["count"] for f in geojson["features"]] == ["..", ".."]


READERS = {
    "secretariat",
    "district_staff",
    "koege_officer",
    "greve_staff",
    "council_member",
    "foreign_secretariat",
}


class TestDownloadAccess(StaffViewAccess):
    views = [
        StaffView("changes_csv", lambda ctx: URL + "aendring.csv", READERS),
        StaffView("tiles_csv", lambda ctx: URL + "noegletal.csv", READERS),
        StaffView("hotspots_csv", lambda ctx: URL + "braendpunkter.csv", READERS),
        StaffView("hotspots_map", lambda ctx: URL + "braendpunkter.geojson", READERS),
    ]

    @pytest.fixture
    def ctx(self, incidents):
        return {}
