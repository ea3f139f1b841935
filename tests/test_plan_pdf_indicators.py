"""The plan's indicators in the public plan PDF, under their focus area or initiative, by the
public small-count rule: a count from 1 to 4 is "<5", a year that holds such a month is "..",
and no change is worked out from either."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import translation

from tryghed.incidents.models import DANISH_TIME, Incident, IncidentSource
from tryghed.indicators.models import Indicator
from tryghed.portal.pdf import plan_document, plan_html


@pytest.fixture
def indicators(plan, greve):
    """Burglaries: 12 in 2022, one a month, and 3 in 2023; violence: 20 in January 2022
    and 8 in January 2023; vandalism: 6 in each January, which the public reads as ".."
    (Greve's January of every category less its violence and vandalism would be the one
    burglary; the vandalism is the cheaper to hide)."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=plan.district)
    serial = iter(range(1, 1000))
    for year, category, count in [
        (2022, "burglary_home", 12),
        (2023, "burglary_home", 3),
        (2022, "violence", 20),
        (2023, "violence", 8),
        (2022, "vandalism", 6),
        (2023, "vandalism", 6),
    ]:
        for n in range(count):
            Incident.objects.create(
                source=source,
                external_id=f"T-{next(serial)}",
                occurred_at=datetime.datetime(
                    year,
                    1 + n % 12 if category == "burglary_home" else 1,
                    5,
                    12,
                    tzinfo=DANISH_TIME,
                ),
                category=category,
                municipality=greve,
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
    violence = Indicator.objects.create(
        initiative=plan.initiatives.get(external_id="T-1.2"),
        title="Vold i Greve",
        kind=Indicator.Kind.INCIDENTS,
        categories=["violence"],
        baseline_year=2022,
        target_percent=Decimal("10"),
    )
    return burglary, violence


def rows(html):
    """{indicator title: [the row's cells as text]} of the print's indicator tables."""
    found = {}
    for row in re.findall(r'<tr class="indicator">(.*?)</tr>', html, re.S):
        title = re.search(r"<span[^>]*>([^<]+)</span>", row).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found[title] = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
    return found


def test_the_plan_pdf_shows_each_indicator_by_the_public_rule(indicators):
    with translation.override("da"):
        html = plan_html(indicators[0].focus_area.plan)
    shown = rows(html)
    # Current, baseline, change, target, status, trend (2019–2023).
    # 2022's 12 are one a month and 2023's 3 one a month from January to March: each year
    # holds months under 5, so the dashboard hides it as "..", as does the plan.
    assert shown["Indbrud i private hjem"][:4] == ["..", "..", "–", "−10,0 %"]
    assert "2023: .." in shown["Indbrud i private hjem"][5]
    assert "2022: .." in shown["Indbrud i private hjem"][5]
    # 8 against 20 is −60 %, on track for a 10 % fall.
    assert shown["Vold i Greve"][:5] == ["8", "20", "−60,0 %", "−10,0 %", "På rette spor"]
    # The exact small count is nowhere in the burglary row.
    assert ">3<" not in html


def test_the_indicators_sit_under_their_focus_area_and_initiative(indicators):
    with translation.override("da"):
        html = plan_html(indicators[0].focus_area.plan)
    area_at = html.index("Forebyggelse af indbrud</h2>")
    burglary_at = html.index("Indbrud i private hjem")
    greve_at = html.index("Opfølgning i Greve</h")
    violence_at = html.index("Vold i Greve")
    assert area_at < burglary_at < greve_at < violence_at


def test_the_plan_pdf_typesets_with_the_indicators(indicators):
    with translation.override("da"):
        document = plan_document(indicators[0].focus_area.plan)
    text = " ".join(box.text for page in document.pages for box in _text_boxes(page._page_box))
    assert "Indbrud i private hjem" in text
    assert "Vold i Greve" in text and "−60,0 %" in text


def _text_boxes(box):
    if hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", []):
        yield from _text_boxes(child)


def test_an_indicator_that_cannot_be_counted_is_printed_as_such(client, indicators):
    # Stored in year 1 by some other way than the form (which refuses it): the plan and its
    # PDF once answered 500, as Copenhagen's midnight of year 1 is before year 1 in UTC.
    burglary, _violence = indicators
    Indicator.objects.filter(pk=burglary.pk).update(
        baseline_year=None,
        baseline_start=datetime.date(1, 1, 1),
        baseline_end=datetime.date(1, 12, 31),
    )
    response = client.get("/samarbejdsplan/2023.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    with translation.override("en"):
        shown = rows(plan_html(burglary.focus_area.plan))
    assert shown["Indbrud i private hjem"][:5] == ["–", "–", "–", "−10.0 %", "Cannot be computed"]
    # The other indicator is read as before.
    assert shown["Vold i Greve"][:3] == ["8", "20", "−60.0 %"]


def test_the_printed_periods_are_dates_in_each_language(indicators):
    burglary, _violence = indicators
    Indicator.objects.filter(pk=burglary.pk).update(
        baseline_year=None,
        baseline_start=datetime.date(2022, 1, 1),
        baseline_end=datetime.date(2022, 6, 30),
    )
    plan = burglary.focus_area.plan
    with translation.override("da"):
        assert "1. januar 2023–30. juni 2023 sammenlignet med 1. januar 2022–30. juni 2022" in (
            plan_html(plan)
        )
    with translation.override("en"):
        assert "1 January 2023–30 June 2023 compared with 1 January 2022–30 June 2022" in (
            plan_html(plan)
        )
