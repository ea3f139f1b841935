"""The dashboard in a real browser: the secretariat filters a municipality, the charts are
drawn by vega-embed, the chart's CSV downloads with the same numbers, and the page passes
axe-core."""

import datetime
from decimal import Decimal

import pytest

from tests.browser import axe_check, browser_page  # noqa: F401
from tests.conftest import PASSWORD
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource

pytestmark = pytest.mark.browser

URL = "/medarbejder/tal/"


@pytest.fixture
def incidents(district, greve, koege):
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    for n, (month, municipality) in enumerate(
        [(3, greve), (3, greve), (7, greve), (3, koege), (5, koege)], start=1
    ):
        Incident.objects.create(
            source=source,
            external_id=f"T-{n}",
            occurred_at=datetime.datetime(2024, month, 10, 12, tzinfo=DANISH_TIME),
            category="violence",
            municipality=municipality,
        )


@pytest.mark.usefixtures("incidents")
def test_filter_a_municipality_and_download_the_chart(
    live_server,
    secretariat,
    browser_page,  # noqa: F811
    tmp_path,
):
    page = browser_page
    page.goto(f"{live_server.url}/konto/login/?next={URL}")
    page.locator("#id_username").fill(secretariat.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}{URL}")

    page.get_by_label("År", exact=True).fill("2024")
    page.get_by_label("Kommune", exact=True).select_option(label="Greve")
    page.get_by_label("Gruppér efter").select_option(label="Kvartal")
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_url("**/medarbejder/tal/?*municipality=0253*")

    page.locator("#chart-trend svg.marks, #chart-trend canvas").first.wait_for()
    page.locator("#chart-season svg.marks, #chart-season canvas").first.wait_for()
    page.locator("#dashboard-map-block .leaflet-interactive").first.wait_for()
    assert page.locator("#table-municipalities tbody tr").count() == 1

    with page.expect_download() as download_info:
        page.locator('#chart-trend-heading ~ p a[href*="trend.csv"]').click()
    path = tmp_path / "trend.csv"
    download_info.value.save_as(path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "period,label,count",
        "2024-Q1,1. kvartal 2024,2",
        "2024-Q2,2. kvartal 2024,0",
        "2024-Q3,3. kvartal 2024,1",
        "2024-Q4,4. kvartal 2024,0",
    ]
    violations = axe_check(page)
    assert violations == [], violations


@pytest.fixture
def located(district, greve, koege):
    """Three incidents in one square in Greve, one in Køge, in 2024; one in Greve in 2023."""
    source = IncidentSource.objects.create(name="doegnrapport-kort", district=district)
    places = [
        (2024, greve, Decimal("55.591200"), Decimal("12.298700")),
        (2024, greve, Decimal("55.591300"), Decimal("12.298800")),
        (2024, greve, Decimal("55.591400"), Decimal("12.298900")),
        (2024, koege, Decimal("55.457000"), Decimal("12.182000")),
        (2023, greve, None, None),
    ]
    for n, (year, municipality, lat, lon) in enumerate(places, start=1):
        Incident.objects.create(
            source=source,
            external_id=f"K-{n}",
            occurred_at=datetime.datetime(year, 4, 10, 12, tzinfo=DANISH_TIME),
            category="violence",
            municipality=municipality,
            lat=lat,
            lon=lon,
        )


@pytest.mark.usefixtures("located")
def test_hotspot_map_and_key_figures(live_server, secretariat, browser_page):  # noqa: F811
    page = browser_page
    page.goto(f"{live_server.url}/konto/login/?next={URL}%3Fyear%3D2024")
    page.locator("#id_username").fill(secretariat.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}{URL}?year=2024")

    # Two squares with incidents, drawn over the municipalities' boundaries.
    block = page.locator("#hotspot-map-block")
    block.locator("path.leaflet-interactive").first.wait_for()
    assert block.locator("path.leaflet-interactive").count() == 2
    steps = block.locator("#hotspot-legend li").all_inner_texts()
    assert [s.strip() for s in steps] == ["1", "2", "3"]  # the squares hold 3 and 1
    # The municipalities' steps (Greve 3, Køge 1) do not overlap: each count has one step.
    page.locator("#dashboard-legend li").first.wait_for()
    steps = page.locator("#dashboard-legend li").all_inner_texts()
    assert [s.strip() for s in steps] == ["0–1", "2", "3", "4", "5"]
    assert page.locator("#table-hotspots tbody tr").count() == 2
    assert page.locator("#table-hotspots tbody tr td").first.inner_text() == "3"

    tile = page.locator('[data-tile="incidents"]')
    assert tile.locator(".tile-current").inner_text() == "4"  # against 1 in 2023
    assert "+300,0 %" in tile.locator(".tile-change").inner_text()
    previous = page.locator('#table-municipalities tr[data-code="0253"] .change-percent')
    assert previous.inner_text() == "+200,0 %"
    # The tiles are cards side by side over the page's width, not a bulleted column.
    assert tile.evaluate("t => getComputedStyle(t, '::before').content") in ("none", '""')
    tiles_width = page.locator("#tiles").evaluate("t => t.getBoundingClientRect().width")
    section_width = page.locator("#tiles").evaluate(
        "t => t.parentElement.getBoundingClientRect().width"
    )
    assert tiles_width == section_width

    violations = axe_check(page)
    assert violations == [], violations
