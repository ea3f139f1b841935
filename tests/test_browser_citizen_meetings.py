"""A citizen in a real browser finds a citizen meeting in the calendar, registers, and
saves the event to their calendar; a late-comer lands on the waiting list. The public
calendar, the event page and the receipt pass axe-core."""

import pytest
from django.core import mail
from django.core.cache import cache

from tests.browser import axe_check, browser_page  # noqa: F401
from tests.citizen_meetings_helpers import make_meeting, parse_calendar
from tryghed.citizen_meetings.models import Registration

pytestmark = pytest.mark.browser


@pytest.fixture
def meetings(reference, settings):
    # The cache table outlives the flush between live-server tests: start from zero.
    cache.clear()
    settings.TRYGHED_SUBMISSION_RATE = ["1000/1d"]
    roskilde = make_meeting("0265", capacity=1, title="Borgermøde om tryghed i Roskilde")
    make_meeting("0259", title="Sådan sikrer du dit hjem mod indbrud", days=9)
    yield roskilde
    cache.clear()


def test_a_citizen_registers_and_saves_the_event_to_the_calendar(
    live_server,
    browser_page,  # noqa: F811
    meetings,
    tmp_path,
):
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Se kalenderen med borgermøder").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Borgermøder og foredrag"
    assert axe_check(page) == []

    # Only Roskilde's events, with the feed to subscribe to.
    page.locator("#id_kommune").select_option("0265")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Borgermøde om tryghed i Roskilde").is_visible()
    assert page.get_by_text("Sådan sikrer du dit hjem").count() == 0
    feed = page.get_by_role("link", name="Abonnér på kalenderen for Roskilde (iCalendar)")
    assert feed.get_attribute("href") == "/borgermoeder/0265.ics"
    assert axe_check(page) == []

    page.get_by_role("link", name="Borgermøde om tryghed i Roskilde").click()
    page.wait_for_load_state()
    assert page.get_by_text("1 ledig plads").is_visible()
    assert axe_check(page) == []

    # Sent without an e-mail: the error summary links to the field, nothing is stored.
    page.locator("#id_name").fill("Hanne Holm")
    page.locator(".registration-form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator('[data-module="error-summary"]')
    assert summary.locator('a[href="#id_email"]').count() == 1
    assert axe_check(page) == []
    assert not Registration.objects.exists()

    page.locator("#id_email").fill("hanne@example.dk")
    page.locator(".registration-form button[type=submit]").click()
    page.wait_for_selector("#cancel-link")
    assert page.get_by_role("heading", level=1).inner_text() == "Du er tilmeldt"
    assert axe_check(page) == []
    registration = Registration.objects.get()
    assert registration.status == "confirmed"
    assert page.locator("#cancel-link").input_value() == live_server.url + (
        registration.cancel_url()
    )
    [email] = mail.outbox
    assert email.to == ["hanne@example.dk"]

    with page.expect_download() as download_info:
        page.locator("#download-ics").click()
    path = tmp_path / "borgermoede.ics"
    download_info.value.save_as(path)
    [event] = parse_calendar(path.read_bytes())
    assert event["SUMMARY"] == "Borgermøde om tryghed i Roskilde"
    assert event.decoded("DTSTART") == meetings.starts_at
    assert event["URL"].endswith(f"/borgermoeder/{meetings.pk}/")

    # The seat is taken now: the next citizen joins the waiting list.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/borgermoeder/{meetings.pk}/")
    assert page.get_by_text("Fuldt booket").is_visible()
    page.locator("#id_name").fill("Bo Berg")
    page.locator("#id_email").fill("bo@example.dk")
    page.get_by_role("button", name="Skriv dig på ventelisten").click()
    page.wait_for_selector("#cancel-link")
    assert page.get_by_role("heading", level=1).inner_text() == "Du er på venteliste"
    assert axe_check(page) == []

    # The first one cancels through their link; the second moves up.
    page.goto(f"{live_server.url}{registration.cancel_url()}")
    assert axe_check(page) == []
    page.get_by_role("button", name="Afmeld mig").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Du er afmeldt"
    assert Registration.objects.get(email="bo@example.dk").status == "confirmed"
