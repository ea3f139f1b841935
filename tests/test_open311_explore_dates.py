"""Open311 dates at the end of the calendar: valid W3C datetimes whose Danish time does not
exist in Python (after 9999-12-31T23:00Z) are refused in the spec's error format, never a
server error."""

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from tests.test_open311 import make_services, valid_fields
from tryghed.open311 import keys, memo
from tryghed.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"


@pytest.fixture(autouse=True)
def fresh_memo():
    memo.forget_all()


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"}, raise_request_exception=False)


@pytest.fixture
def api_key(reference):
    make_services()
    _client, key = keys.create_client("Borgerapp", by=None)
    return key


def errors(response, fmt):
    if fmt == "json":
        return [(e["code"], e["description"]) for e in json.loads(response.content)]
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31T23:00:00Z", "end_date": "9999-12-31T23:30:00Z"},
        {"end_date": "9999-12-31T23:59:59Z"},
        # The 90 days from here end in the last hour of year 9999.
        {"start_date": "9999-10-02T23:30:00Z"},
        {"start_date": "9999-12-31T22:00:00-02:00"},
    ],
)
def test_dates_at_the_end_of_the_calendar_are_refused(client, api_key, fmt, params):
    response = client.get(f"{BASE}requests.{fmt}", params)
    assert response.status_code == 400, response.content[:300]
    found = errors(response, fmt)
    assert found and all(code == 400 for code, _ in found)
    assert any("start_date" in text or "end_date" in text for _, text in found)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_datetime_answer_at_the_end_of_the_calendar_is_refused_and_nothing_stored(
    client, api_key, fmt
):
    fields = valid_fields("tip-narko", api_key=api_key)
    fields["attribute[tidspunkt]"] = "9999-12-31T23:59:59Z"
    response = client.post(f"{BASE}requests.{fmt}", fields)
    assert response.status_code == 400, response.content[:300]
    assert any("attribute[tidspunkt]" in text for _, text in errors(response, fmt))
    assert not ServiceRequest.objects.exists()
    # Just before, the answer is a time Danish time has, but in the future, which no answer
    # to "when did it happen" may be: refused in the same format.
    fields["attribute[tidspunkt]"] = "9999-12-31T22:59:59Z"
    response = client.post(f"{BASE}requests.{fmt}", fields)
    assert response.status_code == 400, response.content[:300]
    assert any("attribute[tidspunkt]" in text for _, text in errors(response, fmt))
    assert not ServiceRequest.objects.exists()
