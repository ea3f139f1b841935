"""The service desk in a real browser: an officer answers a citizen's tip and closes it, and
the citizen's status link shows the answer."""

import pytest
from django.utils import translation

from tests.browser import axe_check, browser_page  # noqa: F401
from tests.conftest import PASSWORD
from tests.test_servicedesk_staff import KOEGE, services  # noqa: F401
from tryghed.servicedesk import actions
from tryghed.servicedesk.models import Handling

pytestmark = pytest.mark.browser


def test_an_officer_answers_and_closes_a_tip(
    live_server,
    browser_page,  # noqa: F811
    services,  # noqa: F811
    koege_officer,
):
    tip, token = actions.submit_request(
        services["drugs"],
        description="Salg af hash bag hallen hver aften",
        lat=KOEGE[0],
        lon=KOEGE[1],
        place="Køge Hallen",
    )
    page = browser_page

    page.goto(f"{live_server.url}/konto/login/?next=/medarbejder/sager/")
    page.locator("#id_username").fill(koege_officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}/medarbejder/sager/")
    assert axe_check(page) == []

    page.get_by_role("link", name="Lokalpolitiet Køge").click()
    page.wait_for_load_state()
    assert axe_check(page) == []
    page.get_by_role("link", name=tip.reference).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name=tip.reference).is_visible()
    assert page.get_by_text("Salg af hash bag hallen hver aften").is_visible()
    assert axe_check(page) == []

    page.locator("#id_reply-body").fill("Tak for dit tip. Vi holder øje med stedet.")
    page.locator("#action-reply button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator('[data-kind="public_reply"]').is_visible()

    page.locator("#id_close-outcome").select_option("resolved")
    page.locator("#action-close button[type=submit]").click()
    page.wait_for_load_state()
    assert Handling.objects.get(request=tip).status == Handling.Status.CLOSED

    # The citizen, without the officer's session, follows the status link.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{tip.status_url(token)}")
    assert page.get_by_text("Tak for dit tip. Vi holder øje med stedet.").is_visible()
    with translation.override("da"):
        closed = str(Handling.Status.CLOSED.label)
    assert page.locator(".badge", has_text=closed).is_visible()
