"""Text through Open311 as the web form takes it: a description or an answer of only
invisible characters says nothing and is refused, as the form refuses it; real text in any
script comes back out of XML and JSON as it went in."""

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from tests.test_open311 import make_services, valid_fields
from tryghed.open311 import keys, memo
from tryghed.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
# Zero-width space, word joiner, a lone combining mark, a Hangul filler, a no-break space.
INVISIBLE = "\u200b\u2060\u0301\u3164\u00a0"


@pytest.fixture(autouse=True)
def fresh_memo():
    memo.forget_all()


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def api_key(reference):
    make_services()
    _client, key = keys.create_client("Borgerapp", by=None)
    return key


def descriptions(response):
    return [e["description"] for e in json.loads(response.content)]


def test_a_description_of_only_invisible_characters_is_required_text(client, api_key):
    response = client.post(
        f"{BASE}requests.json", valid_fields(api_key=api_key, description=INVISIBLE)
    )
    assert response.status_code == 400
    assert any("description is required" in d for d in descriptions(response))
    assert not ServiceRequest.objects.exists()


def test_a_required_answer_of_only_invisible_characters_is_missing(client, api_key):
    fields = valid_fields("betjent-foredrag", api_key=api_key)
    fields["attribute[organisation]"] = INVISIBLE
    response = client.post(f"{BASE}requests.json", fields)
    assert response.status_code == 400
    assert any("attribute[organisation] is required" in d for d in descriptions(response))
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "Fest 🎉👮🏽‍♀️ ved søen",
        "שלום، مرحبا – fest ved søen",
        "Cafe\u0301 og \u202eomvendt\u202c tekst",
    ],
)
def test_text_in_any_script_comes_back_as_it_went_in(client, api_key, text):
    response = client.post(f"{BASE}requests.json", valid_fields(api_key=api_key, description=text))
    assert response.status_code == 201
    [created] = json.loads(response.content)
    reference = created["service_request_id"]
    [record] = json.loads(client.get(f"{BASE}requests/{reference}.json").content)
    assert record["description"] == text
    root = ElementTree.fromstring(client.get(f"{BASE}requests/{reference}.xml").content)
    assert root.find("request/description").text == text
