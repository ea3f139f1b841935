"""A citizen in a real browser: tips the police by clicking the map, gets the receipt,
follows the status link and answers; every public page passes axe-core."""

import pytest
from django.core.cache import cache

from tests.browser import axe_check, browser_page  # noqa: F401
from tryghed.servicedesk import services
from tryghed.servicedesk.models import Message, ServiceRequest

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(reference, settings):
    services.load()
    # The cache table outlives the flush between live-server tests: start from zero.
    cache.clear()
    settings.TRYGHED_SUBMISSION_RATE = ["1000/1d"]
    yield
    cache.clear()


def click_in(page, municipality):
    """Click the map where the municipality's label sits, inside its boundary."""
    page.locator("#placepicker-map").scroll_into_view_if_needed()
    label = page.locator(".placepicker-label", has_text=municipality)
    box = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_a_citizen_tips_the_police_by_clicking_the_map_and_follows_it(
    live_server,
    browser_page,  # noqa: F811
    catalogue,
    greve,
):
    page = browser_page
    page.goto(f"{live_server.url}/tip/")
    assert axe_check(page) == []

    page.locator("input[name=tjeneste][value=tip-narkotika]").check()
    page.locator("button.choose-continue").click()
    page.wait_for_selector(".placepicker-label")
    assert axe_check(page) == []

    # Sent without a description or a place: the error summary lists both and links to them.
    page.locator(".request-form > button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator('[data-module="error-summary"]')
    assert summary.is_visible()
    assert summary.locator('a[href="#id_description"]').count() == 1
    assert summary.locator('a[href="#id_municipality"]').count() == 1
    assert axe_check(page) == []
    assert not ServiceRequest.objects.exists()

    page.wait_for_selector(".placepicker-label")
    click_in(page, "Greve")
    assert page.locator("select[name=municipality]").input_value() == greve.code
    page.wait_for_function(
        "document.querySelector('#placepicker-status').textContent.includes('Greve')"
    )
    page.locator("#id_description").fill("Salg af hash ved cykelskuret bag skolen.")
    page.locator("input[name='q-naer-skole'][value=ja]").check()
    page.locator("input[name='q-hyppighed'][value=ugentligt]").check()
    page.locator(".request-form > button[type=submit]").click()
    page.wait_for_selector("#status-link")
    assert axe_check(page) == []

    request = ServiceRequest.objects.get()
    assert request.municipality == greve
    assert request.lat is not None and request.details["naer-skole"] == "ja"
    assert page.locator("#receipt-reference").inner_text() == request.reference
    link = page.locator("#status-link").input_value()
    assert link.startswith(f"{live_server.url}/status/{request.reference}/")

    # Later, in a browser that remembers nothing, the status link is all the citizen has.
    page.context.clear_cookies()
    Message.objects.create(
        request=request, kind=Message.Kind.PUBLIC_REPLY, body="Tak, vi holder øje med stedet."
    )
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text().endswith(request.reference)
    assert page.get_by_text("Tak, vi holder øje med stedet.").is_visible()
    assert axe_check(page) == []

    page.locator("#id_body").fill("Det sker også om søndagen.")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.get_by_text("Det sker også om søndagen.").is_visible()
    assert axe_check(page) == []
    assert request.messages.filter(kind=Message.Kind.CITIZEN).count() == 1


def test_going_back_and_sending_the_same_tip_again_files_it_once(
    live_server,
    browser_page,  # noqa: F811
    catalogue,
):
    page = browser_page
    page.goto(f"{live_server.url}/tip/?tjeneste=tip-narkotika")
    page.wait_for_selector(".placepicker-label")
    click_in(page, "Greve")
    page.locator("#id_description").fill("Salg af hash ved cykelskuret bag skolen.")
    page.locator("input[name='q-naer-skole'][value=ja]").check()
    marked = page.locator("input[name=lat]").input_value()
    page.locator(".request-form > button[type=submit]").click()
    page.wait_for_selector("#status-link")
    reference = page.locator("#receipt-reference").inner_text()

    # Back: Chromium fetches the form again, with a new form id, and fills in what the
    # citizen had typed and chosen; the map marks the point again from the page's history.
    page.go_back()
    page.wait_for_selector(".placepicker-label")
    page.wait_for_function("document.querySelector('input[name=lat]').value !== ''")
    assert page.locator("input[name=lat]").input_value() == marked
    assert page.locator("#id_description").input_value().startswith("Salg af hash")
    page.locator(".request-form > button[type=submit]").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == "Vi har allerede modtaget dette"
    assert reference in page.locator("main").inner_text()
    assert page.locator("#status-link").count() == 0
    assert ServiceRequest.objects.count() == 1
    assert axe_check(page) == []


@pytest.mark.parametrize(
    ("path", "code"),
    [("/anmeld-gener/", "gene-knallertkoersel"), ("/bestil-en-betjent/", "betjent-foredrag")],
)
def test_the_other_forms_pass_axe_in_both_languages(
    live_server,
    browser_page,  # noqa: F811
    catalogue,
    path,
    code,
):
    page = browser_page
    page.goto(f"{live_server.url}{path}")
    assert axe_check(page) == []
    page.goto(f"{live_server.url}{path}?tjeneste={code}")
    page.wait_for_selector(".placepicker-label")
    assert axe_check(page) == []
    # The site's own language switcher.
    page.locator(".language-switch button[value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.wait_for_selector(".placepicker-label")
    assert axe_check(page) == []


def test_the_rate_limit_page_passes_axe(
    live_server,
    browser_page,  # noqa: F811
    catalogue,
    settings,
):
    settings.TRYGHED_SUBMISSION_RATE = ["1/10m"]
    page = browser_page
    statuses = []
    for _attempt in range(2):
        page.goto(f"{live_server.url}/tip/?tjeneste=tip-andet")
        page.locator("#id_description").fill("Noget mistænkeligt ved stationen.")
        page.locator("#id_municipality").select_option("0253")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.locator(".request-form > button[type=submit]").click()
        statuses.append(answer.value.status)
        page.wait_for_load_state()
    assert statuses == [200, 429]
    assert ServiceRequest.objects.count() == 1
    assert axe_check(page) == []
