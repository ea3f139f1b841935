"""Uploading the døgnrapport extract in the back office, in a real browser: the secretariat
uploads the file, the job page follows the background import by itself and then shows
the summary."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser import axe_check, browser_page  # noqa: F401
from tests.conftest import PASSWORD
from tryghed.incidents.models import Incident, IncidentImport

pytestmark = pytest.mark.browser

DOEGNRAPPORT = Path(settings.BASE_DIR) / "data" / "incidents"
DOEGNRAPPORT /= "doegnrapport_mvsj_greve_uddrag_2026-07.csv"


def test_upload_and_watch_the_import_finish(live_server, secretariat, browser_page):  # noqa: F811
    page = browser_page
    upload_path = "/medarbejder/haendelser/import/"
    page.goto(f"{live_server.url}/konto/login/?next={upload_path}")
    page.locator("#id_username").fill(secretariat.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"{live_server.url}{upload_path}")
    assert page.get_by_role("heading", level=1, name="Importér hændelser").is_visible()
    assert axe_check(page) == []

    page.get_by_label("Kilde", exact=True).select_option(label="En ny kilde")
    page.get_by_label("Den nye kildes navn").fill("doegnrapport-mvsj")
    page.get_by_label("Fil", exact=True).set_input_files(str(DOEGNRAPPORT))
    page.get_by_role("button", name="Importér", exact=True).click()
    page.wait_for_url(f"{live_server.url}/medarbejder/haendelser/import/*/")
    assert page.get_by_text("Filen er modtaget og står i kø til import.").is_visible()
    assert page.locator("#job-status .badge").inner_text() == "I kø"
    assert axe_check(page) == []
    # Marks this page load: the summary must arrive without the page being loaded again.
    page.evaluate("window.loadedOnce = true")

    # The worker that `make run` starts takes the job from the queue.
    job = IncidentImport.objects.get()
    assert job.status == IncidentImport.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())

    created = page.locator('#job-summary [data-count="created"]')
    created.wait_for()
    assert created.inner_text() == "9"
    assert page.locator('#job-summary [data-count="rejected"]').inner_text() == "0"
    assert page.locator("#job-status .badge").inner_text() == "Færdig"
    assert page.locator("#job-announcement").inner_text() == "Importen er færdig."
    assert page.evaluate("window.loadedOnce") is True
    assert Incident.objects.filter(source__name="doegnrapport-mvsj").count() == 9
    assert axe_check(page) == []

    page.get_by_role("link", name="Import af hændelser").first.click()
    page.wait_for_url(f"{live_server.url}/medarbejder/haendelser/")
    row = page.locator("tbody tr", has_text=DOEGNRAPPORT.name)
    assert row.locator(".badge").inner_text() == "Færdig"
    assert axe_check(page) == []
