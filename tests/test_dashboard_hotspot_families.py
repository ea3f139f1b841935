"""The public's hotspot map beside the other maps a council member can choose: a square read
as "<5" or ".." on one map must not be the difference of squares another map shows.

- A category's map, each protected against its own count, would hide other squares than the
  others': a category's square would be the square of every category less the other
  categories'. The public reads the map of every category only.
- A municipality's squares are protected against its own count, published beside its own
  map (the trend of its selection), and read the same on the district's map; otherwise that
  count less a square the district's map shows would give a hidden one away.

Staff read every map with exact numbers. "Today" is 18 November 2026: the public's maps hold
the whole years up to 2025."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import translation

from tests.conftest import _user
from tests.dashboard_helpers import add as add_incidents
from tryghed.accounts.models import RoleAssignment
from tryghed.dashboard import pdf, report
from tryghed.dashboard.views import DashboardQuery, dashboard_context
from tryghed.incidents.models import IncidentSource
from tryghed.incidents.numbers import CELL_LAT, CELL_LON, SECONDARY, SMALL_COUNT

URL = "/medarbejder/tal/"
JUNE = datetime.date(2025, 6, 10)
SQUARE_A = (Decimal("55.591200"), Decimal("12.298700"))  # Greve centre
SQUARE_B = (Decimal("55.457000"), Decimal("12.182000"))  # Køge
SQUARE_C = (Decimal("55.610000"), Decimal("12.330000"))  # Greve, another square
SQUARE_D = (Decimal("55.480000"), Decimal("12.140000"))  # Køge, another square
SQUARE_E = (Decimal("55.700000"), Decimal("12.000000"))  # in no municipality's records
SQUARE_F = (Decimal("55.720000"), Decimal("12.050000"))
QUERIES = ["", "year=2025"]  # the map of every whole year, and of 2025


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(report, "local_today", lambda: datetime.date(2026, 11, 18))


@pytest.fixture
def source(district):
    return IncidentSource.objects.create(name="doegnrapport-test", district=district)


def add(source, municipality, category, count, place, day=JUNE):
    add_incidents(source, municipality, category, day, count, place)


def key(place):
    """The CSV's (row, column) of the square holding `place`."""
    lat, lon = (int(value * 1_000_000) for value in place)
    return str(lat // CELL_LAT), str(lon // CELL_LON)


def squares(client, query):
    response = client.get(URL + "braendpunkter.csv?" + query)
    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {(row[0], row[1]): row[6] for row in rows[1:]}


def year_of(client, query):
    """The selection's 2025 as its trend publishes it."""
    response = client.get(URL + "trend.csv?period=year&" + query)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[2] for row in rows[1:]}["2025"]


@pytest.fixture
def two_categories(source, greve, koege):
    """June 2025: square A 3 burglaries and 10 violence; square B 20 and 20."""
    add(source, greve, "burglary_home", 3, SQUARE_A)
    add(source, greve, "violence", 10, SQUARE_A)
    add(source, koege, "burglary_home", 20, SQUARE_B)
    add(source, koege, "violence", 20, SQUARE_B)


@pytest.fixture
def lokalraad_member(councils):
    return _user("lokalraad", role=RoleAssignment.Role.COUNCIL_MEMBER, council=councils["greve"])


@pytest.mark.usefixtures("two_categories")
@pytest.mark.parametrize("reader", ["council_member", "lokalraad_member"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_public_reads_no_map_of_one_category(request, reader, query, client_for):
    client = client_for(request.getfixturevalue(reader))
    every = squares(client, query)
    # The map of every category is read: square A is 13 of it.
    assert every[key(SQUARE_A)] == "13"
    for category in ("burglary_home", "violence"):
        chosen = f"{query}&category={category}"
        # Square A's burglaries would be 13 less the violence map's 10.
        assert squares(client, chosen) == {}
        geojson = client.get(URL + "braendpunkter.geojson?" + chosen)
        assert geojson.status_code == 200
        assert geojson.json()["features"] == [] and geojson.json()["total_cells"] == 0


@pytest.mark.usefixtures("two_categories")
def test_the_page_says_the_map_is_of_every_category(council_member, client_for):
    client = client_for(council_member)
    page = client.get(URL + "?category=burglary_home").content.decode()
    assert 'id="hotspots-every-category"' in page
    assert 'id="table-hotspots"' not in page and "data-hotspot-map=" not in page
    # Neither "no coordinates" (they have) nor the whole-years hint of a map not shown.
    assert "har koordinater" not in page and 'id="hotspots-through"' not in page
    page = client.get(URL).content.decode()
    assert 'id="hotspots-every-category"' not in page and 'id="table-hotspots"' in page


@pytest.mark.usefixtures("two_categories")
def test_the_print_says_the_map_is_of_every_category(rf, council_member, secretariat):
    def printed(user, query):
        request = rf.get(URL + query)
        request.user = user
        current = DashboardQuery(request)
        with translation.override("da"):
            return pdf.dashboard_html(current, dashboard_context(request, current))

    html = printed(council_member, "?category=burglary_home")
    section = re.search(r"<h2>Brændpunkter</h2>.*?</section>", html, re.S).group(0)
    assert "categories together only" in section or "kategorier samlet" in section
    assert "<table>" not in section
    staff = printed(secretariat, "?category=burglary_home")
    section = re.search(r"<h2>Brændpunkter</h2>.*?</section>", staff, re.S).group(0)
    assert "<table>" in section


@pytest.mark.usefixtures("two_categories")
@pytest.mark.parametrize("query", QUERIES)
def test_staff_read_every_category_s_map(query, secretariat, client_for):
    client = client_for(secretariat)
    assert squares(client, query + "&category=burglary_home") == {
        key(SQUARE_A): "3",
        key(SQUARE_B): "20",
    }
    assert squares(client, query + "&category=violence")[key(SQUARE_A)] == "10"
    assert squares(client, query)[key(SQUARE_A)] == "13"
    page = client.get(URL + "?category=burglary_home").content.decode()
    assert 'id="hotspots-every-category"' not in page and 'id="table-hotspots"' in page


@pytest.fixture
def two_municipalities(source, greve, koege):
    """June 2025, one category: Greve 3 in square A and 10 in C; Køge 7 in D and 40 in B."""
    add(source, greve, "violence", 3, SQUARE_A)
    add(source, greve, "violence", 10, SQUARE_C)
    add(source, koege, "violence", 7, SQUARE_D)
    add(source, koege, "violence", 40, SQUARE_B)


@pytest.mark.usefixtures("two_municipalities")
@pytest.mark.parametrize("query", QUERIES)
def test_a_municipality_s_squares_read_the_same_on_the_district_s_map(
    query, council_member, client_for
):
    client = client_for(council_member)
    district_map = squares(client, query)
    greve_map = squares(client, query + "&municipality=0253")
    koege_map = squares(client, query + "&municipality=0259")
    # Greve's 2025 is published beside its map: 13 (June, no month small).
    assert year_of(client, "municipality=0253") == "13"
    # Greve's map hides square C beside A's "<5" (on the map of 2025), and so does the
    # district's: 13 less C's 10 would be A's 3.
    assert greve_map[key(SQUARE_C)] == SECONDARY
    assert greve_map[key(SQUARE_A)] in (SMALL_COUNT, SECONDARY)
    for place in (SQUARE_A, SQUARE_C):
        assert district_map[key(place)] == greve_map[key(place)]
    for place in (SQUARE_B, SQUARE_D):
        assert district_map[key(place)] == koege_map[key(place)]
    # Køge's 47 has no small square: read as it is.
    assert (koege_map[key(SQUARE_B)], koege_map[key(SQUARE_D)]) == ("40", "7")


@pytest.mark.usefixtures("two_municipalities")
def test_the_lokalraad_reads_its_municipality_s_squares_as_the_district_s_map_has_them(
    lokalraad_member, council_member, client_for
):
    own = squares(client_for(lokalraad_member), "year=2025")
    district_map = squares(client_for(council_member), "year=2025")
    assert own == {key(SQUARE_A): SMALL_COUNT, key(SQUARE_C): SECONDARY}
    assert {place: district_map[place] for place in own} == own


@pytest.mark.usefixtures("two_municipalities")
@pytest.mark.parametrize("query", QUERIES)
def test_staff_read_each_municipality_s_squares(query, secretariat, client_for):
    client = client_for(secretariat)
    assert squares(client, query) == {
        key(SQUARE_A): "3",
        key(SQUARE_C): "10",
        key(SQUARE_D): "7",
        key(SQUARE_B): "40",
    }
    assert squares(client, query + "&municipality=0253") == {
        key(SQUARE_A): "3",
        key(SQUARE_C): "10",
    }


@pytest.mark.parametrize("query", QUERIES)
def test_a_square_of_two_municipalities_is_hidden_where_one_of_them_hides_its_part(
    query, source, greve, koege, council_member, secretariat, client_for
):
    # Square A holds 3 of Greve's (with 10 in C) and 20 of Køge's (with 30 in D).
    add(source, greve, "violence", 3, SQUARE_A)
    add(source, greve, "violence", 10, SQUARE_C)
    add(source, koege, "violence", 20, SQUARE_A)
    add(source, koege, "violence", 30, SQUARE_D)
    client = client_for(council_member)
    koege_map = squares(client, query + "&municipality=0259")
    assert koege_map == {key(SQUARE_A): "20", key(SQUARE_D): "30"}
    district_map = squares(client, query)
    # 23 would be Køge's 20 and Greve's 3.
    assert district_map[key(SQUARE_A)] == SECONDARY
    assert district_map[key(SQUARE_D)] == "30"
    assert squares(client_for(secretariat), query)[key(SQUARE_A)] == "23"


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("beyond", ["none", "other_district"])
def test_squares_in_none_of_the_municipalities_are_protected_as_a_group_of_their_own(
    query, beyond, source, district, greve, council_member, secretariat, client_for
):
    # Greve 3 in square A and 10 in C; 3 in E and 10 in F that the district's source put in
    # no municipality, or in another district's, which the district's map holds besides
    # its municipalities': the public can tell them from the district's 26 less Greve's 13.
    elsewhere = None
    if beyond == "other_district":
        elsewhere = greve.__class__.objects.exclude(district=district).order_by("code").first()
    add(source, greve, "violence", 3, SQUARE_A)
    add(source, greve, "violence", 10, SQUARE_C)
    add(source, elsewhere, "violence", 3, SQUARE_E)
    add(source, elsewhere, "violence", 10, SQUARE_F)
    client = client_for(council_member)
    assert year_of(client, "") == "26"
    assert year_of(client, "municipality=0253") == "13"
    district_map = squares(client, query)
    # Neither 13 less C nor 13 less F.
    assert district_map[key(SQUARE_C)] == SECONDARY
    assert district_map[key(SQUARE_F)] == SECONDARY
    assert district_map[key(SQUARE_E)] in (SMALL_COUNT, SECONDARY)
    assert squares(client_for(secretariat), query) == {
        key(SQUARE_A): "3",
        key(SQUARE_C): "10",
        key(SQUARE_E): "3",
        key(SQUARE_F): "10",
    }


@pytest.mark.usefixtures("two_categories")
@pytest.mark.parametrize("query", QUERIES)
def test_the_kept_map_follows_a_correction(query, source, council_member, client_for):
    # The public's map is kept until the counts per square change: a move to another square
    # of the same municipality, year and category leaves every other count as it was.
    client = client_for(council_member)
    assert squares(client, query)[key(SQUARE_B)] == "40"
    moved = source.incidents.filter(lat=SQUARE_B[0], category="violence")
    moved.filter(pk__in=list(moved.values_list("pk", flat=True)[:10])).update(
        lat=SQUARE_D[0], lon=SQUARE_D[1]
    )
    read = squares(client, query)
    assert (read[key(SQUARE_B)], read[key(SQUARE_D)]) == ("30", "10")


@pytest.mark.usefixtures("two_categories")
def test_the_sweep_makes_the_map_before_the_first_reader(council_member, client_for, monkeypatch):
    """The public's map of every whole year takes a second or more for a district of several
    years: the sweep makes it after an import, and the kredsråd's page reads it kept."""
    from tryghed.dashboard import sweeps, views

    sweeps.sweep(now=datetime.datetime(2026, 11, 18, 9, tzinfo=datetime.UTC))

    def made_again(*args, **kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr(views, "hotspots_by_municipality", made_again)
    client = client_for(council_member)
    assert squares(client, "")[key(SQUARE_B)] == "40"
    assert client.get(URL).status_code == 200
    # A map not made by the sweep is made for its first reader.
    with pytest.raises(AssertionError, match="made again"):
        client.get(URL + "braendpunkter.csv?year=2025")
