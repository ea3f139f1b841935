"""The queue's CSV file opened the way a Danish desk opens it: Excel set up for Danish reads a
double-clicked .csv split at semicolons, and ends a row at every line break, quotes or not.
What a citizen typed must not become a formula in any cell that starts there."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_servicedesk_public import STATUS_LINK, tip
from tryghed.servicedesk import services
from tryghed.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.django_db

FORMULA_START = ("=", "+", "-", "@")


@pytest.fixture
def catalogue(reference):
    services.load()


def send_tip(**changes):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(reverse("servicedesk:tip"), tip(**changes))
    link = STATUS_LINK.search(response.content.decode())
    assert link, response.content.decode()[:2000]
    return ServiceRequest.objects.get(reference=link["reference"])


def export(client, request):
    queue = request.handlings.get().queue
    response = client.get(reverse("staff:servicedesk_staff:queue_csv", args=[queue.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")


def danish_excel_cells(text):
    """The cells Excel set up for Danish makes of the file: every line, split at ';'."""
    return [cell for line in re.split(r"\r\n|\r|\n", text) for cell in line.split(";")]


@pytest.mark.parametrize(
    "description",
    [
        "Salg af hash;=cmd|' /C calc'!A0;bag hallen",
        "Salg af hash bag hallen\n=cmd|' /C calc'!A0",
        'Salg af hash bag hallen\r\n+HYPERLINK("http://example.com")',
        "Salg; @SUM(1+1)*cmd|' /C calc'!A0",
        "Salg;-2+3+cmd|' /C calc'!A0",
    ],
)
def test_no_cell_of_a_danish_spreadsheet_starts_a_formula(
    catalogue, koege_officer, client_for, description
):
    request = send_tip(description=description, lat="55.4581", lon="12.1822")
    text = export(client_for(koege_officer), request)
    for cell in danish_excel_cells(text):
        assert not cell.lstrip(" ").startswith(FORMULA_START), cell
    # Read as the semicolon-separated file it is, the description is all there, neutralised.
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["description"].replace("'", "") == description.replace("'", "")


def test_plain_text_and_numbers_are_left_as_they_are(catalogue, koege_officer, client_for):
    request = send_tip(
        description="Salg af hash; hver fredag\n- ved hallen",
        lat="55.4581",
        lon="12.1822",
        reporter_phone="+45 12 34 56 78",
    )
    text = export(client_for(koege_officer), request)
    [row] = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["reporter_phone"] == "+45 12 34 56 78"
    assert row["description"] == "Salg af hash; hver fredag\n'- ved hallen"
