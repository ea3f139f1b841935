"""The police guarantees in a real browser: the Køge officer sees the deadline on a burglary
report, records "police on site" in one click, and the compliance page changes."""

import datetime

import pytest
from django.utils import timezone

from tests.browser import axe_check, browser_page  # noqa: F401
from tests.conftest import PASSWORD
from tryghed.guarantees import actions, rules
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.models import Deadline
from tryghed.incidents.models import Incident, IncidentSource

pytestmark = pytest.mark.browser


@pytest.fixture
def burglary(reference, district, koege):
    rules.forget()
    load_guarantees()
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    incident = Incident.objects.create(
        source=source,
        external_id="MVSJ-1",
        occurred_at=timezone.now() - datetime.timedelta(hours=4),
        reported_at=timezone.now() - datetime.timedelta(hours=3),
        category="burglary_home",
        title="Indbrud i villa",
        place="Køge",
        municipality=koege,
    )
    actions.incidents_written([incident], district_id=district.pk)
    yield incident
    rules.forget()


def _met_in_koege(page, live_server):
    page.goto(f"{live_server.url}/medarbejder/garantier/overholdelse/")
    row = page.locator('tr[data-guarantee="indbrud-i-private-hjem"][data-municipality="0259"]')
    return row.locator('[data-column="met"]').inner_text(), row.locator(
        '[data-column="open"]'
    ).inner_text()


def test_the_officer_records_on_site_and_compliance_follows(
    live_server,
    koege_officer,
    burglary,
    browser_page,  # noqa: F811
):
    page = browser_page
    start = "/medarbejder/garantier/"
    page.goto(f"{live_server.url}/konto/login/?next={start}")
    page.locator("#id_username").fill(koege_officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}{start}")
    assert page.get_by_role("heading", level=1, name="Frister").is_visible()
    assert axe_check(page) == []

    assert _met_in_koege(page, live_server) == ("0", "1")
    assert axe_check(page) == []

    page.goto(f"{live_server.url}{start}")
    page.get_by_role("link", name=str(burglary)).first.click()
    page.wait_for_url(f"{live_server.url}/medarbejder/garantier/haendelse/{burglary.pk}/")
    block = page.locator('[data-guarantee="indbrud-i-private-hjem"]')
    assert block.get_by_text("Løber").is_visible()
    due = Deadline.objects.get(incident=burglary, guarantee__code="indbrud-i-private-hjem").due_at
    shown = block.locator("[data-deadline-due]").get_attribute("datetime")
    assert datetime.datetime.fromisoformat(shown) == due
    assert axe_check(page) == []

    block.get_by_role("button", name="Registrér: Politiet på stedet").click()
    page.wait_for_url(f"{live_server.url}/medarbejder/garantier/haendelse/{burglary.pk}/")
    assert page.get_by_text("garantien er overholdt").is_visible()
    assert block.get_by_text("Overholdt", exact=True).is_visible()
    assert axe_check(page) == []

    assert _met_in_koege(page, live_server) == ("1", "0")
