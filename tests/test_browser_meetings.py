"""Council meetings in a real browser: the secretariat builds an agenda linked to an initiative
of the plan, records a decision that gives someone an action, and finds the action on the
agenda of the council's next meeting."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser import axe_check, browser_page  # noqa: F401
from tests.conftest import PASSWORD
from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting

pytestmark = pytest.mark.browser


def test_decision_with_an_action_reaches_the_next_agenda(
    live_server,
    plan,
    councils,
    people,
    secretariat,
    browser_page,  # noqa: F811
):
    page = browser_page
    kreds = councils["kredsraad"]
    this = make_meeting(kreds, secretariat, days=-1, title="Kredsrådsmøde juni")
    following = make_meeting(kreds, secretariat, days=60, title="Kredsrådsmøde september")
    path = this.get_absolute_url()

    page.goto(f"{live_server.url}/konto/login/?next={path}")
    page.locator("#id_username").fill(secretariat.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}{path}")
    assert axe_check(page) == []

    page.get_by_role("link", name="Tilføj dagsordenspunkt").click()
    page.locator("#id_title").fill("Tryghedsopfølgninger i Køge")
    page.locator("#id_initiative").select_option(label="2023: Opfølgning i Køge")
    assert axe_check(page) == []
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(f"{live_server.url}{path}")
    assert page.get_by_role("heading", name="1. Tryghedsopfølgninger i Køge").is_visible()
    assert page.get_by_role("link", name="Opfølgning i Køge").is_visible()

    page.get_by_role("link", name="Registrér en beslutning under punkt 1").click()
    page.get_by_label("Handling med ansvarlig og frist").check()
    page.locator("#id_text").fill("Kredsrådet ønsker en status på opkaldene.")
    page.locator("#id_action_title").fill("Status på opkald efter indbrud")
    page.locator("#id_owner").select_option(label="Sekretær Holm")
    due = timezone.localdate() + dt.timedelta(days=30)
    page.locator("#id_due_date").fill(due.isoformat())
    assert axe_check(page) == []
    page.get_by_role("button", name="Registrér beslutning").click()
    page.wait_for_load_state()
    assert page.get_by_text("Beslutningen er registreret.").is_visible()
    assert page.get_by_text("Kredsrådet ønsker en status på opkaldene.").is_visible()

    page.goto(f"{live_server.url}{following.get_absolute_url()}")
    carried = page.locator("section", has=page.get_by_role("heading", name="Åbne handlinger"))
    assert carried.get_by_text("Status på opkald efter indbrud").is_visible()
    assert carried.get_by_text("Sekretær Holm").is_visible()
    assert axe_check(page) == []

    # The council's page lists the action too, with the calendar addresses.
    page.get_by_role("link", name="Kredsrådet").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Status på opkald efter indbrud").is_visible()
    page.get_by_role("button", name="Lav en kalenderadresse").click()
    page.wait_for_load_state()
    assert page.locator("code.calendar-url").first.is_visible()
    assert axe_check(page) == []
