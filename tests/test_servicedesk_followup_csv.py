"""The queue's CSV file as Excel set up for Danish opens it on a double click: UTF-8 after a
byte order mark, one column per field, split at semicolons; what a citizen typed, commas and
semicolons included, stays in its own cell and never starts a formula."""

import csv
import io

import pytest
from django.urls import reverse

from tests import test_servicedesk_staff as staff_tests
from tests.test_servicedesk_staff import KOEGE
from tryghed.servicedesk import actions

pytestmark = pytest.mark.django_db

# The desk's fixtures: a Køge tip with the reporter's contact details, among others.
desk, services = staff_tests.desk, staff_tests.services

# The police's file, with the citizens' contact details.
COLUMNS = [
    "reference",
    "submitted_at",
    "kind",
    "service",
    "status",
    "priority",
    "assignee",
    "outcome",
    "municipality",
    "place",
    "lat",
    "lon",
    "description",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
]


def download(client, queue, **params):
    response = client.get(reverse("staff:servicedesk_staff:queue_csv", args=[queue.pk]), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_file_is_utf8_with_a_byte_order_mark_and_split_at_semicolons(
    desk,
    koege_officer,
    client_for,
):
    content = download(client_for(koege_officer), desk["koege_police"].queue)
    assert content.startswith("\ufeff".encode())
    header, first, *_rest = content.decode("utf-8").removeprefix("\ufeff").splitlines()
    # Split at semicolons, as Excel does, every column has its own cell.
    assert header.split(";") == COLUMNS
    cells = first.split(";")
    assert cells[0] == desk["koege_tip"].reference
    assert cells[COLUMNS.index("municipality")] == "Køge"
    assert cells[COLUMNS.index("place")] == "Køge Hallen"


def test_commas_and_semicolons_in_the_text_stay_in_one_cell(
    desk,
    services,
    koege_officer,
    client_for,
):
    description = "Salg af hash, hver fredag; også =lørdag\n-ved hallen, bag cykelskuret"
    request, _token = actions.submit_request(
        services["drugs"], description=description, lat=KOEGE[0], lon=KOEGE[1]
    )
    content = download(client_for(koege_officer), desk["koege_police"].queue, sort="submitted")
    rows = list(
        csv.DictReader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff")), delimiter=";")
    )
    assert [r["reference"] for r in rows] == [desk["koege_tip"].reference, request.reference]
    assert list(rows[1]) == COLUMNS
    # Each piece where a spreadsheet may start a cell is neutralised, and nothing else.
    assert rows[1]["description"] == (
        "Salg af hash, hver fredag; også =lørdag\n'-ved hallen, bag cykelskuret"
    )
    formula = "=HYPERLINK(1);=cmd"
    actions.submit_request(services["drugs"], description=formula, lat=KOEGE[0], lon=KOEGE[1])
    content = download(client_for(koege_officer), desk["koege_police"].queue, sort="-submitted")
    [newest, *_rest] = csv.DictReader(
        io.StringIO(content.decode("utf-8").removeprefix("\ufeff")), delimiter=";"
    )
    assert newest["description"] == "'=HYPERLINK(1);'=cmd"
