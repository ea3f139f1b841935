"""The web form keeps what a citizen wrote but no control character other than line breaks
and tabs, as Open311 and the desk's messages do: an escape sequence or a bell in a tip would
reach the staff's pages, e-mails and spreadsheets as it is. (A NUL is refused with a message,
as before: test_servicedesk_public.)"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_open311 import make_services, valid_fields
from tests.test_servicedesk_public import STATUS_LINK, officer_request, post, tip
from tryghed.open311 import keys, memo
from tryghed.servicedesk import services
from tryghed.servicedesk.models import Message, ServiceRequest

pytestmark = pytest.mark.django_db

# C0 (bell, escape, vertical tab, form feed, delete) and C1 (next line, CSI) controls.
CONTROLS = "\x07\x1b\x0b\x0c\x7f\x85\x9b"


@pytest.fixture
def catalogue(reference):
    services.load()


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def stored(response):
    link = STATUS_LINK.search(response.content.decode())
    assert link, response.content.decode()[:2000]
    return ServiceRequest.objects.get(reference=link["reference"]), link.group(0)


def test_the_tip_is_stored_without_control_characters(client, catalogue):
    response = post(
        client,
        tip(
            description="Salg\x01 af hash\x1b[31m ved\x85 skolen\r\nHver fredag\tkl. 20",
            **{"q-personer": "To drenge\x9b, sorte\x07 jakker\nog en knallert"},
            place="Cykelskuret\x1b ved skolen",
            reporter_name="Anna\x1b Borger",
        ),
    )
    request, _link = stored(response)
    assert request.description == "Salg af hash[31m ved skolen\r\nHver fredag\tkl. 20"
    assert request.details["personer"] == "To drenge, sorte jakker\nog en knallert"
    assert request.place == "Cykelskuret ved skolen"
    assert request.reporter_name == "Anna Borger"


def test_a_string_answer_is_stored_without_control_characters(client, catalogue):
    response = post(client, officer_request(**{"q-organisation": "Grundejer\x1bforeningen\x85"}))
    request, _link = stored(response)
    assert request.details["organisation"] == "Grundejerforeningen"


def test_a_description_of_only_control_characters_is_missing(client, catalogue):
    response = post(client, tip(description=CONTROLS))
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()


def test_the_citizens_message_is_stored_without_control_characters(client, catalogue):
    _request, link = stored(post(client, tip()))
    response = client.post(link, {"body": "Det\x1b er\x07 begyndt\x85 igen.\r\nI aften\tigen."})
    assert response.status_code == 302
    message = Message.objects.get(kind=Message.Kind.CITIZEN)
    assert message.body == "Det er begyndt igen.\r\nI aften\tigen."


def test_a_note_drops_c1_controls_as_it_drops_c0(catalogue, koege_officer, client_for):
    request, _link = stored(post(Client(), tip(lat="55.4581", lon="12.1822")))
    handling = request.handlings.get()
    url = reverse("staff:servicedesk_staff:action", args=[request.reference, handling.pk, "note"])
    client_for(koege_officer).post(url, {"note-body": "Kendt\x9b sælger\x85, se\x1b sag"})
    assert request.messages.get(kind=Message.Kind.INTERNAL_NOTE).body == "Kendt sælger, se sag"


@pytest.mark.parametrize("control", ["\x85", "\x9b"])
def test_open311_refuses_c1_controls_as_it_refuses_c0(reference, control):
    make_services()
    memo.forget_all()
    key = keys.create_client("Borgerapp", by=None)[1]
    response = Client(headers={"accept-language": "en"}).post(
        "/open311/v2/requests.json",
        valid_fields(api_key=key, description=f"Larm{control} ved søen"),
    )
    assert response.status_code == 400
    assert "description contains characters that are not allowed" in response.content.decode()
    assert not ServiceRequest.objects.exists()
