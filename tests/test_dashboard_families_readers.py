"""Every reader of a district's numbers reads the same months hidden: a lokalråd member's
dashboard, the kredsråd's and the plan's indicators (which the lokalråd member reads too).
Were Greve's lokalråd protected in a table of Greve alone, it would hide Greve's vandalism
beside a "<5" where the district's table hides Greve's violence; the member would read the
violence year on the dashboard, the vandalism year from an indicator, and the "<5"
burglaries as the rest of Greve's year.

"Today" is 18 November 2026. All numbers are of 2025, a whole year."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from tests.dashboard_helpers import (
    URL,
    add,
    lokalraad_member,
    read,
    today,  # noqa: F401 (a fixture)
)
from tryghed.accounts.models import RoleAssignment
from tryghed.incidents.models import IncidentSource
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT
from tryghed.indicators.models import Indicator
from tryghed.organisation.models import Council, Municipality


@pytest.mark.usefixtures("today")
def test_a_lokalraad_reads_what_the_kredsraad_and_the_plan_read(
    client_for, councils, district, greve, koege, plan, council_member
):
    source = IncidentSource.objects.create(name="doegnrapport-probe2", district=district)
    # Every month of 2025 but October: 10 of each, nothing small anywhere.
    for month in range(1, 13):
        if month == 10:
            continue
        day = datetime.date(2025, month, 5)
        for municipality in (greve, koege):
            for category in ("vandalism", "violence", "burglary_business"):
                add(source, municipality, category, day, 10)
    # October 2025: Greve 3 home burglaries ("<5"), 6 vandalism, 10 violence; Køge 20,
    # 100 and 6. Greve's row alone hides its smallest other count (vandalism, 6); the
    # district's table the cheapest rectangle: Greve and Køge × violence (10 + 20 + 6)
    # beats × vandalism (6 + 20 + 100).
    october = datetime.date(2025, 10, 6)
    add(source, greve, "burglary_home", october, 3)
    add(source, greve, "vandalism", october, 6)
    add(source, greve, "violence", october, 10)
    add(source, koege, "burglary_home", october, 20)
    add(source, koege, "vandalism", october, 100)
    add(source, koege, "violence", october, 6)
    for month in range(1, 13):
        if month != 10:
            add(source, koege, "burglary_home", datetime.date(2025, month, 5), 10)

    area = plan.focus_areas.get()
    Indicator.objects.create(
        focus_area=area,
        title="Haervaerk i Greve",
        kind=Indicator.Kind.INCIDENTS,
        categories=["vandalism"],
        municipality=greve,
        baseline_year=2024,
        current_year=2025,
        target_percent=Decimal("10"),
        direction=Indicator.Direction.DECREASE,
    )

    member = client_for(lokalraad_member(councils["greve"]))
    # The member's own dashboard (Greve alone).
    every = read(member, "trend.csv?period=year")
    violence = read(member, "trend.csv?period=year&category=violence")
    vandalism = read(member, "trend.csv?period=year&category=vandalism")
    burglary = read(member, "trend.csv?period=year&category=burglary_home")
    # The year of burglaries holds October's "<5" and reads "..". The year of every
    # category holds no hidden month and is shown: less the categories beside the
    # burglaries it would be their 3, so one of them is hidden with them, as in the
    # district's table: Greve's violence, not its vandalism.
    assert burglary["2025"] == SECONDARY
    assert every["2025"] == "349"
    assert violence["2025"] == SECONDARY
    assert vandalism["2025"] == "116"
    response = member.get(URL + "noegletal.csv")
    assert response.status_code == 200
    tiles = list(csv.reader(io.StringIO(response.content.decode())))
    tile = next(r for r in tiles if r[0] == "Haervaerk i Greve")
    assert tile[2] == "116"
    # The kredsråd reads Greve's year alike.
    kredsraad = read(client_for(council_member), "trend.csv?period=year&municipality=0253")
    assert kredsraad["2025"] == every["2025"]
    assert (
        read(
            client_for(council_member),
            "trend.csv?period=year&municipality=0253&category=violence",
        )["2025"]
        == SECONDARY
    )


@pytest.mark.usefixtures("today")
def test_a_lokalraad_reads_its_municipality_as_its_district_records_it(
    client_for, councils, district, other_district, greve, council_member
):
    """Greve's October: 10 violence cases in the district's own records and 3 burglaries in
    another district's. The hidden counts are chosen over the district's records; counting
    the other district's 3 beside them, nothing would hide Greve's 10 violence cases, and 13
    less 10 would be the 3."""
    own = IncidentSource.objects.create(name="doegnrapport-own", district=district)
    foreign = IncidentSource.objects.create(name="doegnrapport-far", district=other_district)
    october = datetime.date(2026, 10, 6)
    add(own, greve, "violence", october, 10)
    add(foreign, greve, "burglary_home", october, 3)
    member = client_for(lokalraad_member(councils["greve"]))
    for client in (member, client_for(council_member)):
        query = "trend.csv?period=month&year=2026&municipality=0253"
        assert read(client, query)["2026-10"] == "10"
        assert read(client, query + "&category=burglary_home")["2026-10"] == "0"


@pytest.mark.usefixtures("today")
def test_an_area_of_several_districts_hides_its_own_total(
    client_for, councils, district, other_district, greve, koege
):
    """A member of another district's kredsråd and of Greve's lokalråd: the area's October
    (93) less the other district's nine municipalities (10 each) would be Greve's "<5"
    burglaries. The area's total is its parts' sum, which no district's protection knows: its
    months read "..", and it has no weeks; each municipality reads as its district has it."""
    other_council = Council.objects.create(
        kind=Council.Kind.DISTRICT_COUNCIL,
        name="Kredsråd",
        slug="kredsraad-other",
        district=other_district,
    )
    user = lokalraad_member(councils["greve"], username="two_councils")
    RoleAssignment.objects.create(
        user=user, role=RoleAssignment.Role.COUNCIL_MEMBER, council=other_council
    )
    theirs = IncidentSource.objects.create(name="doegnrapport-other", district=other_district)
    ours = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    october = datetime.date(2026, 10, 6)
    others = list(Municipality.objects.filter(district=other_district))
    for municipality in others:
        add(theirs, municipality, "violence", october, 10)
    add(ours, greve, "burglary_home", october, 3)
    add(ours, koege, "burglary_home", october, 20)
    client = client_for(user)
    assert read(client, "trend.csv?period=month&year=2026")["2026-10"] == SECONDARY
    assert read(client, "trend.csv?period=year")["2026"] == SECONDARY
    assert read(client, "trend.csv?period=month&year=2026&municipality=0253")["2026-10"] == (
        SMALL_COUNT
    )
    shown = read(client, f"trend.csv?period=month&year=2026&municipality={others[0].code}")
    assert shown["2026-10"] == "10"
    response = client.get(URL + "trend.csv?period=week")
    assert response.status_code == 400
