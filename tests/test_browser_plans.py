"""The cooperation plan in the back office, in a real browser: the secretariat records the
progress of a part and sees its parent's weighted progress change."""

import pytest

from tests.browser import axe_check, browser_page  # noqa: F401
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def progress_of(page, external_id):
    """The progress shown on the staff plan page for the initiative with this external id."""
    value = page.locator(
        f"xpath=//li[div/span[@class='form-hint' and normalize-space()='{external_id}']]"
        "/div[2]//span[@class='progress-value']"
    )
    return value.get_attribute("data-progress")


def test_recording_progress_rolls_up_to_the_parent(live_server, plan, secretariat, browser_page):  # noqa: F811
    page = browser_page
    plan_path = f"/medarbejder/planer/{plan.pk}/"

    page.goto(f"{live_server.url}/konto/login/?next={plan_path}")
    page.locator("#id_username").fill(secretariat.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}{plan_path}")
    assert progress_of(page, "T-1") == "0.00"
    assert axe_check(page) == []

    page.get_by_role("link", name="Opfølgning i Køge", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Opfølgning i Køge").is_visible()
    page.locator("#id_progress").fill("40")
    page.locator("#id_status").select_option("in_progress")
    page.locator("#id_text").fill("Første runde opkald er gennemført.")
    page.locator("form[action$='/fremdrift/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_text("Første runde opkald er gennemført.").is_visible()
    assert axe_check(page) == []

    page.goto(f"{live_server.url}{plan_path}")
    # Køge weighs 3 and Greve 1: (40 × 3 + 0 × 1) / 4.
    assert progress_of(page, "T-1.1") == "40.00"
    assert progress_of(page, "T-1") == "30.00"
