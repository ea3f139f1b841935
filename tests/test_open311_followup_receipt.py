"""A citizen who gives an e-mail address through an Open311 client gets the receipt the web
form sends: the reference and the status link that later e-mails refer to, in the language
the client asked for. The client's answer never holds the link."""

import json
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.test_open311 import REPORTER, make_services, valid_fields
from tryghed.open311 import keys, memo
from tryghed.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
STATUS_PATH = re.compile(r"/status/[A-Z]+-\d{4}-\d{6}/[\w-]+/")


@pytest.fixture(autouse=True)
def fresh_memo():
    memo.forget_all()


@pytest.fixture
def api_key(reference):
    make_services()
    return keys.create_client("Borgerapp", by=None)[1]


def client(language="en"):
    return Client(headers={"accept-language": language})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_citizen_gets_the_receipt_with_the_status_link(api_key, settings, fmt):
    settings.SITE_URL = "https://tryghed.example.dk"
    response = client().post(
        f"{BASE}requests.{fmt}", valid_fields("gene-fest", api_key=api_key, **REPORTER)
    )
    assert response.status_code == 201, response.content
    stored = ServiceRequest.objects.get()
    [email] = mail.outbox
    assert email.to == [REPORTER["email"]]
    assert email.subject == f"We have received your request {stored.reference}"
    [link] = STATUS_PATH.findall(email.body)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert stored.check_token(token)
    assert f"https://tryghed.example.dk{link}" in email.body
    # The link opens the citizen's status page.
    assert client().get(link).status_code == 200
    # The client's answer carries the token, as the spec has it, but never the link.
    assert not STATUS_PATH.search(response.content.decode())
    assert "/status/" not in response.content.decode()


def test_the_receipt_is_in_the_language_the_client_asked_for(api_key):
    response = client("da").post(
        f"{BASE}requests.json", valid_fields("gene-fest", api_key=api_key, **REPORTER)
    )
    assert response.status_code == 201, response.content
    reference = json.loads(response.content)[0]["service_request_id"]
    [email] = mail.outbox
    assert email.subject == f"Vi har modtaget din henvendelse {reference}"


def test_staff_answer_in_the_language_of_the_open311_client(api_key, koege_officer, client_for):
    koege = {"lat": "55.4580", "long": "12.1821"}
    fields = valid_fields("gene-fest", api_key=api_key, **REPORTER, **koege)
    response = client("en").post(f"{BASE}requests.json", fields)
    assert response.status_code == 201, response.content
    reference = json.loads(response.content)[0]["service_request_id"]
    page = client_for(koege_officer, "en").get(
        reverse("staff:servicedesk_staff:request", args=[reference])
    )
    assert "The citizen wrote in English" in page.content.decode()


def test_no_receipt_without_an_address_or_for_a_refused_request(api_key):
    assert client().post(f"{BASE}requests.json", valid_fields(api_key=api_key)).status_code == 201
    refused = valid_fields(api_key=api_key, email=REPORTER["email"], description="")
    assert client().post(f"{BASE}requests.json", refused).status_code == 400
    assert ServiceRequest.objects.count() == 1
    assert not mail.outbox


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_failing_mail_server_does_not_lose_the_request(api_key, settings):
    settings.EMAIL_BACKEND = "tests.test_open311_followup_receipt.BrokenBackend"
    response = client().post(
        f"{BASE}requests.json", valid_fields(api_key=api_key, email=REPORTER["email"])
    )
    assert response.status_code == 201, response.content
    reference = json.loads(response.content)[0]["service_request_id"]
    assert ServiceRequest.objects.filter(reference=reference).exists()
