"""The public pages in a real browser: language switch, accessibility, only local assets."""

import pytest

from tests.browser import axe_check, browser_page  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def requests_seen(browser_page):  # noqa: F811
    """Every request the page makes, and every one that failed, to show that the site
    loads nothing from elsewhere and misses no asset."""
    seen = {"urls": [], "failed": []}
    browser_page.on("request", lambda request: seen["urls"].append(request.url))
    browser_page.on(
        "response",
        lambda response: response.status >= 400 and seen["failed"].append(response.url),
    )
    browser_page.on("requestfailed", lambda request: seen["failed"].append(request.url))
    return seen


def test_plan_in_the_browser_and_switching_to_english(live_server, plan, browser_page):  # noqa: F811
    page = browser_page
    page.goto(f"{live_server.url}/samarbejdsplan/2023/")
    assert page.locator("html").get_attribute("lang") == "da"
    heading = page.get_by_role("heading", level=2, name="Forebyggelse af indbrud")
    assert heading.is_visible()
    assert page.get_by_role("heading", level=4, name="Opfølgning i Køge").is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.url == f"{live_server.url}/samarbejdsplan/2023/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1, name="Cooperation plan 2023").is_visible()
    assert page.get_by_role("heading", level=2, name="Burglary prevention").is_visible()
    assert page.get_by_role("heading", level=3, name="Safety follow-ups").is_visible()
    # And back again.
    page.get_by_role("button", name="Dansk").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "da"


@pytest.mark.parametrize(
    "path",
    ["/", "/samarbejdsplan/2023/", "/tilgaengelighed/", "/konto/login/"],
    ids=["front", "plan", "accessibility", "login"],
)
def test_public_pages_pass_axe(live_server, plan, browser_page, requests_seen, path):  # noqa: F811
    browser_page.goto(f"{live_server.url}{path}")
    browser_page.wait_for_load_state("networkidle")
    assert axe_check(browser_page) == []
    assert requests_seen["failed"] == []
    assert all(url.startswith(live_server.url) for url in requests_seen["urls"]), requests_seen
