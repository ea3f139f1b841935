"""The dashboard's downloads as a council's secretariat collects them for a meeting: each file
and chart image says by its name what it holds, so that the weekly and the monthly trend of
the same choice do not overwrite each other; a chart saved as an image says which choice it
shows and offers its menu in Danish; the PDF of a year that has not begun says why it has no
key figures, as the page does."""

import datetime
import io

import pytest
import vl_convert
from pypdf import PdfReader

from tryghed.dashboard.report import local_today
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource

URL = "/medarbejder/tal/"


@pytest.fixture
def incidents(district, greve, koege):
    """Violence in Greve in the last week of 2024 and the first of 2025 (ISO week 1 of 2025
    begins on Monday 30 December 2024), and in Køge in March 2024."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    when = [
        (datetime.datetime(2024, 12, 27, 12), greve),
        (datetime.datetime(2024, 12, 30, 12), greve),
        (datetime.datetime(2024, 3, 5, 12), koege),
    ]
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"D-{n}",
            occurred_at=moment.replace(tzinfo=DANISH_TIME),
            category="violence",
            municipality=municipality,
        )
        for n, (moment, municipality) in enumerate(when)
    )


def filename(response):
    assert response.status_code == 200, response.content
    disposition = response["Content-Disposition"]
    return disposition.split('filename="', 1)[1].rstrip('"')


@pytest.mark.usefixtures("incidents")
class TestFileNames:
    def test_the_comparison_names_its_year_once(self, secretariat, client_for):
        # It was incidents-change-2024-2024.csv.
        client = client_for(secretariat)
        assert filename(client.get(URL + "aendring.csv?year=2024")) == "incidents-change-2024.csv"
        assert (
            filename(client.get(URL + "aendring.csv?year=2024&municipality=0253"))
            == "incidents-change-2024-0253.csv"
        )
        this_year = local_today().year
        assert filename(client.get(URL + "aendring.csv")) == f"incidents-change-{this_year}.csv"

    def test_the_key_figures_name_the_year_they_compare(self, secretariat, client_for):
        client = client_for(secretariat)
        this_year = local_today().year
        # Without a year chosen the figures are this year's, as the comparison file says.
        assert filename(client.get(URL + "noegletal.csv")) == f"key-figures-{this_year}.csv"
        assert filename(client.get(URL + "noegletal.csv?year=2024")) == "key-figures-2024.csv"

    def test_weeks_and_months_download_under_names_of_their_own(self, secretariat, client_for):
        client = client_for(secretariat)
        weeks = client.get(URL + "trend.csv?year=2024&period=week&municipality=0253")
        months = client.get(URL + "trend.csv?year=2024&municipality=0253")
        assert filename(weeks) == "incidents-trend-week-2024-0253.csv"
        assert filename(months) == "incidents-trend-month-2024-0253.csv"
        assert weeks.content != months.content
        # The seasonal profile is per month whatever the grouping.
        season = client.get(URL + "season.csv?year=2024&period=week")
        assert filename(season) == "incidents-season-2024.csv"


@pytest.mark.usefixtures("incidents")
class TestChartImages:
    """vega-embed saves the chart as PNG or SVG from the specification the page fetches."""

    def test_a_weekly_chart_saved_as_an_image_says_what_it_shows(self, secretariat, client_for):
        client = client_for(secretariat)
        query = "?year=2025&period=week&municipality=0253&category=violence"
        spec = client.get(URL + "trend.json" + query).json()
        options = spec["usermeta"]["embedOptions"]
        # It was saved as visualization.png, and the image said only "Hændelser over tid".
        assert options["downloadFileName"] == "incidents-trend-week-2025-0253-violence"
        assert spec["title"] == {"text": "Hændelser over tid", "subtitle": "2025 · Greve · Vold"}
        svg = vl_convert.vegalite_to_svg(spec)
        assert "2025 · Greve · Vold" in svg and "uge 1 2025" in svg
        # 30 December 2024 is in week 1 of 2025, as in the table and the CSV file.
        assert spec["data"]["values"][0]["count"] == 1
        rows = client.get(URL + "trend.csv" + query).content.decode().splitlines()
        assert rows[1] == "2025-W01,uge 1 2025,1"

    def test_the_image_menu_is_in_the_pages_language(self, secretariat, client_for):
        # vega-embed's own menu said "Click to view actions" and "Save as PNG".
        spec = client_for(secretariat).get(URL + "season.json?year=2024").json()
        options = spec["usermeta"]["embedOptions"]
        assert options["i18n"]["CLICK_TO_VIEW_ACTIONS"] == "Hent diagrammet som billede"
        assert "PNG" in options["i18n"]["PNG_ACTION"] and "SVG" in options["i18n"]["SVG_ACTION"]
        assert options["downloadFileName"] == "incidents-season-2024"
        assert spec["title"]["subtitle"] == "2024 · Alle kommuner · Alle kategorier"
        english = client_for(secretariat, language="en").get(URL + "trend.json").json()
        assert english["title"]["subtitle"] == "Every year · All municipalities · All categories"
        assert english["usermeta"]["embedOptions"]["i18n"]["PNG_ACTION"] == "Save as PNG"


def test_the_pdf_of_a_year_not_begun_says_why_it_has_no_key_figures(secretariat, client_for):
    response = client_for(secretariat).get(URL + f"tal.pdf?year={local_today().year + 1}")
    assert response.status_code == 200
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Nøgletal" in text
    # The heading stood alone; the page says why.
    assert "Året er ikke begyndt, så der er endnu intet at sammenligne." in text
