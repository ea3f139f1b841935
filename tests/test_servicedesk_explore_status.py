"""What the citizen's status link shows and does when the two queues of a request, spam and
duplicates are involved: found by using the forms and the desk as citizens and staff do."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_servicedesk_public import STATUS_LINK, nuisance
from tryghed.servicedesk import services
from tryghed.servicedesk.models import Handling, Queue, ServiceRequest

pytestmark = pytest.mark.django_db

NOT_ASSESSED = "It has not been assessed yet."
LOOKED_INTO = "Your request is being looked into."
FINISHED = "We have finished handling your request."
TOGETHER = "Your request is about the same matter as an earlier request"


@pytest.fixture
def catalogue(reference):
    services.load()


@pytest.fixture
def citizen():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def send_nuisance(citizen, **changes):
    """A nuisance on Køge beach through the public form: the Køge police and Køge
    municipality both receive it. Returns the request and its status link."""
    response = citizen.post(reverse("servicedesk:nuisance"), nuisance(**changes))
    assert response.status_code == 200
    link = STATUS_LINK.search(response.content.decode())
    assert link, "no receipt"
    return ServiceRequest.objects.get(reference=link["reference"]), link.group(0)


def handling(request, owner):
    return request.handlings.get(queue__owner=owner)


def act(client, h, action, data=None):
    url = reverse("staff:servicedesk_staff:action", args=[h.request.reference, h.pk, action])
    response = client.post(url, data or {})
    assert response.status_code == 302, response.content.decode()[:2000]


def status_page(citizen, link):
    response = citizen.get(link)
    assert response.status_code == 200
    return response.content.decode()


def test_a_request_the_police_closed_is_not_unassessed_while_the_municipality_has_it(
    catalogue, citizen, koege_officer, secretariat, client_for
):
    request, link = send_nuisance(citizen)
    assert NOT_ASSESSED in status_page(citizen, link)

    act(
        client_for(koege_officer),
        handling(request, Queue.Owner.POLICE),
        "close",
        {"close-outcome": "resolved"},
    )
    page = status_page(citizen, link)
    # The police have looked at it and are done: "not assessed yet" would be untrue.
    assert NOT_ASSESSED not in page
    assert LOOKED_INTO in page
    assert ">In progress<" in page

    # The municipality closes it with another outcome: now it is closed for the citizen.
    act(
        client_for(secretariat),
        handling(request, Queue.Owner.MUNICIPALITY),
        "close",
        {"close-outcome": "not_possible"},
    )
    page = status_page(citizen, link)
    assert FINISHED in page and ">Closed<" in page


def test_the_staff_page_says_the_same_as_the_citizen_sees(
    catalogue, citizen, koege_officer, client_for
):
    request, _link = send_nuisance(citizen)
    officer = client_for(koege_officer, "en")
    act(officer, handling(request, Queue.Owner.POLICE), "close", {"close-outcome": "resolved"})
    page = officer.get(reverse("staff:servicedesk_staff:request", args=[request.reference]))
    assert page.context["public_status"] == "In progress"


def test_a_message_on_a_request_marked_as_spam_does_not_put_it_back_in_the_queues(
    catalogue, citizen, koege_officer, client_for
):
    request, link = send_nuisance(citizen, description="Køb billige piller på example.com")
    police = handling(request, Queue.Owner.POLICE)
    officer = client_for(koege_officer, "en")
    # One queue's mark closes the request for the municipality's queue too.
    act(officer, police, "spam")

    response = citizen.post(link, {"body": "Køb flere piller på example.com"})
    assert response.status_code == 302

    # Still closed as spam in both queues, and not among the queue's open requests.
    assert set(request.handlings.values_list("status", "outcome")) == {
        (Handling.Status.CLOSED, Handling.Outcome.SPAM)
    }
    queue_page = officer.get(reverse("staff:servicedesk_staff:queue", args=[police.queue_id]))
    assert request.reference not in queue_page.content.decode()
    assert FINISHED in status_page(citizen, link)
    # The message is kept with the request, for staff who open it.
    detail = officer.get(reverse("staff:servicedesk_staff:request", args=[request.reference]))
    assert "Køb flere piller på example.com" in detail.content.decode()
    # Open311 agrees: a spam request is closed.
    record = json.loads(citizen.get(f"/open311/v2/requests/{request.reference}.json").content)
    assert record[0]["status"] == "closed"


def test_a_message_on_a_closed_request_that_is_not_spam_still_reopens_it(
    catalogue, citizen, koege_officer, client_for
):
    request, link = send_nuisance(citizen)
    police = handling(request, Queue.Owner.POLICE)
    act(client_for(koege_officer), police, "close", {"close-outcome": "resolved"})
    citizen.post(link, {"body": "Det er begyndt igen."})
    police.refresh_from_db()
    assert police.status == Handling.Status.IN_PROGRESS and police.outcome == ""


def test_the_status_link_of_a_duplicate_says_it_is_handled_with_the_earlier_request(
    catalogue, citizen, koege_officer, secretariat, client_for
):
    original, original_link = send_nuisance(citizen)
    # Another neighbour reports the same party.
    neighbour = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="10.0.0.2")
    duplicate, link = send_nuisance(
        neighbour, description="Høj musik og glasskår på stranden i nat.", reporter_name="Ib"
    )
    for owner, user in (
        (Queue.Owner.POLICE, koege_officer),
        (Queue.Owner.MUNICIPALITY, secretariat),
    ):
        act(
            client_for(user),
            handling(duplicate, owner),
            "duplicate",
            {"duplicate-original": original.reference},
        )

    page = status_page(neighbour, link)
    # Closed in the queues, but the matter is not finished: it is worked as the original.
    assert TOGETHER in page
    assert FINISHED not in page
    # The other citizen's request and link are not given away.
    assert original.reference not in page
    assert FINISHED not in status_page(citizen, original_link)
