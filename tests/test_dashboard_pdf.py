"""The dashboard as a PDF for a council meeting: the same filters and area as the page, the
key figures, the tables behind every chart, and the charts and maps drawn on the server."""

import base64
import re
from decimal import Decimal

import pytest
import vl_convert
from django.utils import translation

from tests.access import StaffView, StaffViewAccess
from tests.test_dashboard_compare import incidents  # noqa: F401
from tryghed.dashboard import pdf
from tryghed.dashboard.views import DashboardQuery, dashboard_context
from tryghed.indicators.models import Indicator

URL = "/medarbejder/tal/"


def html_for(rf, user, query):
    request = rf.get(URL + query)
    request.user = user
    current = DashboardQuery(request)
    return pdf.dashboard_html(current, dashboard_context(request, current))


def images(html):
    """{alt text: (type, decoded image)} of the images in the print HTML."""
    found = re.findall(r'<img src="data:image/([a-z+]+);base64,([^"]+)" alt="([^"]+)">', html)
    return {alt: (kind, base64.b64decode(data)) for kind, data, alt in found}


@pytest.mark.usefixtures("incidents")
def test_the_pdf_is_served_inline_with_the_filters_in_its_name(secretariat, client_for):
    response = client_for(secretariat).get(URL + "tal.pdf?year=2024&municipality=0253")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="dashboard-2024-0253.pdf"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.usefixtures("incidents")
def test_the_print_holds_tiles_tables_charts_and_maps(rf, secretariat):
    with translation.override("da"):
        html = html_for(rf, secretariat, "?year=2024&period=quarter")
    text = re.sub(r"\s+", " ", html)
    assert "Nøgletal" in text
    assert '<p class="tile-value">7</p>' in text  # 6 in Greve and 1 in Køge
    # The trend table: 7 in Q2 2024 (the incidents of May and June).
    assert '<th scope="row">2. kvartal 2024</th><td class="num">7</td>' in text
    # The municipality table with last year's numbers: Greve 6 against 4.
    assert re.search(r"<th scope=\"row\">Greve</th><td>0253</td><td class=\"num\">6</td>"
                     r"<td class=\"num\">–</td><td class=\"num\">4</td>"
                     r"<td class=\"num\">\+50,0 %</td>", text)  # fmt: skip
    pictures = images(html)
    assert len(pictures) == 4, list(pictures)
    kind, trend = next(image for alt, image in pictures.items() if "Hændelser over tid" in alt)
    assert kind == "svg+xml" and "2. kvartal 2024" in trend.decode()
    kind, hotspot_map = next(image for alt, image in pictures.items() if "brændpunkterne" in alt)
    assert kind == "png" and hotspot_map.startswith(b"\x89PNG")


@pytest.mark.usefixtures("incidents")
def test_the_hotspot_map_draws_each_cell_as_a_small_square(rf, secretariat):
    request = rf.get(URL + "?year=2024")
    request.user = secretariat
    current = DashboardQuery(request)
    context = dashboard_context(request, current)
    boundaries = pdf._outlines(current.municipalities)
    svg = vl_convert.vegalite_to_svg(pdf.hotspot_spec(context["hotspot_cells"], boundaries))
    cells = re.search(r'role-mark layer_1_marks"[^>]*>(.*?)</g>', svg, re.S).group(1)
    squares = re.findall(r'aria-label="Hændelser: (\d+)"[^>]*d="([^"]+)"', cells)
    assert sorted(count for count, _ in squares) == ["1", "1", "5"]
    for _count, path in squares:
        # Each cell is drawn as a small square, not as the whole world around it.
        xs = [float(x) for x in re.findall(r"[ML]([\d.]+),", path)]
        assert 0 < max(xs) - min(xs) < 20, path


@pytest.mark.usefixtures("incidents")
def test_the_print_follows_the_council_members_rule(rf, council_member):
    html = html_for(rf, council_member, "?year=2024")
    text = re.sub(r"\s+", " ", html)
    # June 2024's 2 reads "<5" in the trend.
    assert "&lt;5" in text
    # 2024 is hidden as ".." (see test_dashboard_compare), and the municipalities' counts
    # add up to it: hidden whole. Greve's 2023 reads as its own selection reads it: its 4
    # lie in May, read as "<5", so the year, which holds them, is "..".
    assert re.search(r'<th scope="row">Greve</th><td>0253</td><td class="num">\.\.</td>'
                     r'<td class="num">–</td><td class="num">\.\.</td><td class="num">–</td>',
                     text)  # fmt: skip


def test_the_print_includes_the_plans_indicators(rf, plan, secretariat):
    Indicator.objects.create(
        focus_area=plan.focus_areas.get(),
        title="Indbrud i private hjem",
        kind=Indicator.Kind.INCIDENTS,
        categories=["burglary_home"],
        baseline_year=2022,
        target_percent=Decimal("10"),
    )
    html = html_for(rf, secretariat, "")
    assert "Indikatorer for Samarbejdsplan 2023" in html
    assert "Indbrud i private hjem" in html


@pytest.mark.usefixtures("incidents")
def test_bad_filters_get_a_clear_message(secretariat, client_for):
    response = client_for(secretariat).get(URL + "tal.pdf?category=nope")
    assert response.status_code == 400
    assert "Vælg en af kategorierne på listen." in response.content.decode()


READERS = {
    "secretariat",
    "district_staff",
    "koege_officer",
    "greve_staff",
    "council_member",
    "foreign_secretariat",
}


class TestPdfAccess(StaffViewAccess):
    views = [StaffView("pdf", lambda ctx: URL + "tal.pdf?year=2024", READERS)]

    @pytest.fixture
    def ctx(self, incidents):  # noqa: F811
        return {}
