"""A spam mark can be taken back: "not spam after all" clears the mark, puts the request back
in progress, and the citizen's status link, Open311 and the desk follow."""

import json

import pytest
from django.test import Client

from tests import test_servicedesk_staff as staff_tests
from tests.access import StaffViewAccess
from tests.test_servicedesk_access import KOEGE_POLICE_WORKERS, action, post
from tests.test_servicedesk_staff import action_url, entries_for, queue_url, request_url
from tryghed.audit.models import AuditEntry
from tryghed.servicedesk import actions
from tryghed.servicedesk.models import Handling

pytestmark = pytest.mark.django_db

# The desk's fixtures: a Køge tip, and a Greve park party in the police's and the
# municipality's queues.
desk, services = staff_tests.desk, staff_tests.services

SPAM_BADGE = '<span class="badge badge-error">Spam</span>'
LOOKED_INTO = "Your request is being looked into."
STALE = "Someone else changed the request for your queue after you opened the page."


def seen(client, handling):
    """What the request page's "not spam after all" form sends back of the handling."""
    page = client.get(request_url(handling.request), {"koe": handling.queue_id})
    assert page.status_code == 200
    return page.context["forms"]["not_spam"]["seen"].value()


def status_page(request, token):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(request.status_url(token))
    assert response.status_code == 200
    return response.content.decode()


def open311_status(request):
    response = Client().get(f"/open311/v2/requests/{request.reference}.json")
    return json.loads(response.content)[0]["status"]


def test_not_spam_after_all_puts_the_request_back_in_progress(desk, koege_officer, client_for):
    handling, tip = desk["koege_police"], desk["koege_tip"]
    client = client_for(koege_officer, "en")
    assert client.post(action_url(handling, "spam")).status_code == 302
    page = client.get(request_url(tip)).content.decode()
    assert SPAM_BADGE in page and 'id="action-not_spam"' in page
    # Closed as spam, the request cannot be marked again: only the way back is offered.
    assert 'id="action-spam"' not in page
    assert open311_status(tip) == "closed"

    response = client.post(
        action_url(handling, "not_spam"), {"not_spam-seen": seen(client, handling)}
    )
    assert response.status_code == 302

    tip.refresh_from_db()
    handling.refresh_from_db()
    assert not tip.is_spam
    assert (handling.status, handling.outcome, handling.closed_at) == ("in_progress", "", None)
    page = client.get(request_url(tip)).content.decode()
    assert SPAM_BADGE not in page and 'id="action-not_spam"' not in page
    assert tip.reference in client.get(queue_url(handling.queue)).content.decode()
    assert LOOKED_INTO in status_page(tip, desk["koege_token"])
    assert open311_status(tip) == "open"
    listed = Client().get("/open311/v2/requests.json").json()
    assert tip.reference in [r["service_request_id"] for r in listed]

    request_entry = entries_for(tip).latest("pk")
    assert request_entry.changes == {"is_spam": [True, False]}
    assert (request_entry.actor, request_entry.message) == (koege_officer, "not spam")
    handling_entry = entries_for(handling).latest("pk")
    assert handling_entry.action == AuditEntry.Action.UPDATE
    assert handling_entry.changes["status"] == ["closed", "in_progress"]
    assert handling_entry.changes["outcome"] == ["spam", ""]
    assert (handling_entry.actor, handling_entry.message) == (koege_officer, "not spam")


def test_every_queue_that_closed_it_as_spam_has_it_again(
    desk,
    secretariat,
    greve_staff,
    client_for,
):
    police, municipal = desk["greve_police"], desk["greve_municipal"]
    party = desk["greve_party"]
    assert client_for(secretariat).post(action_url(police, "spam")).status_code == 302
    # The police's mark closed the municipality's handling as spam as well.
    assert client_for(greve_staff).post(action_url(municipal, "spam")).status_code == 400

    response = client_for(greve_staff).post(action_url(municipal, "not_spam"))
    assert response.status_code == 302
    assert set(party.handlings.values_list("status", "outcome")) == {("in_progress", "")}
    party.refresh_from_db()
    assert not party.is_spam
    assert open311_status(party) == "open"
    assert LOOKED_INTO in status_page(party, desk["greve_token"])


def test_a_queue_closed_otherwise_keeps_its_outcome(desk, secretariat, greve_staff, client_for):
    police, municipal = desk["greve_police"], desk["greve_municipal"]
    client_for(greve_staff).post(action_url(municipal, "close"), {"close-outcome": "resolved"})
    client_for(secretariat).post(action_url(police, "spam"))
    municipal.refresh_from_db()
    assert municipal.outcome == "resolved"

    assert client_for(secretariat).post(action_url(police, "not_spam")).status_code == 302
    police.refresh_from_db()
    municipal.refresh_from_db()
    assert (police.status, municipal.status) == ("in_progress", "closed")
    assert municipal.outcome == "resolved"


def test_a_form_from_before_a_colleagues_change_is_refused(
    desk,
    koege_officer,
    secretariat,
    client_for,
):
    handling, tip = desk["koege_police"], desk["koege_tip"]
    officer = client_for(koege_officer, "en")
    officer.post(action_url(handling, "spam"))
    old_page = seen(officer, handling)
    # A colleague takes the mark back and closes the request again for another reason.
    colleague = client_for(secretariat)
    assert colleague.post(action_url(handling, "not_spam")).status_code == 302
    colleague.post(action_url(handling, "close"), {"close-outcome": "no_action"})
    entries = AuditEntry.objects.count()

    response = officer.post(action_url(handling, "not_spam"), {"not_spam-seen": old_page})
    assert response.status_code == 400
    assert STALE in response.content.decode()
    handling.refresh_from_db()
    assert (handling.status, handling.outcome) == ("closed", "no_action")
    assert AuditEntry.objects.count() == entries
    tip.refresh_from_db()
    assert not tip.is_spam


def test_a_request_that_is_not_spam_cannot_be_unmarked(desk, koege_officer, client_for):
    handling = desk["koege_police"]
    entries = AuditEntry.objects.count()
    response = client_for(koege_officer, "en").post(action_url(handling, "not_spam"))
    assert response.status_code == 400
    assert "The request is not marked as spam." in response.content.decode()
    handling.refresh_from_db()
    assert handling.status == Handling.Status.NEW
    assert AuditEntry.objects.count() == entries


class TestNotSpamAccess(StaffViewAccess):
    """Those who may mark the Køge tip as spam may take the mark back; nobody else."""

    views = [post("not_spam", action("koege_police", "not_spam"), KOEGE_POLICE_WORKERS)]

    @pytest.fixture
    def ctx(self, desk, koege_officer):
        actions.mark_spam(desk["koege_police"], by=koege_officer)
        return desk


FINISHED = "We have finished handling your request."


def test_spam_marked_by_one_queue_closes_the_request_for_every_queue(
    desk, secretariat, greve_staff, client_for
):
    police, municipal = desk["greve_police"], desk["greve_municipal"]
    party = desk["greve_party"]
    assert client_for(secretariat).post(action_url(police, "spam")).status_code == 302

    assert set(party.handlings.values_list("status", "outcome")) == {("closed", "spam")}
    entry = entries_for(municipal).get()
    assert (entry.actor, entry.message) == (secretariat, "spam")
    assert entry.changes["status"] == ["new", "closed"]
    # The citizen, Open311 and the municipality's queue agree that it is closed.
    assert FINISHED in status_page(party, desk["greve_token"])
    assert open311_status(party) == "closed"
    municipality = client_for(greve_staff)
    assert party.reference not in municipality.get(queue_url(municipal.queue)).content.decode()

    # Taken back by the municipality, it is in progress again for both queues.
    response = municipality.post(
        action_url(municipal, "not_spam"), {"not_spam-seen": seen(municipality, municipal)}
    )
    assert response.status_code == 302
    assert set(party.handlings.values_list("status", "outcome")) == {("in_progress", "")}
    assert LOOKED_INTO in status_page(party, desk["greve_token"])
    assert open311_status(party) == "open"
    assert party.reference in municipality.get(queue_url(municipal.queue)).content.decode()


def test_a_spam_tip_triaged_into_a_shared_service_is_closed_for_the_municipality_too(
    desk, services, koege_officer, client_for
):
    handling, tip = desk["koege_police"], desk["koege_tip"]
    officer = client_for(koege_officer)
    assert officer.post(action_url(handling, "spam")).status_code == 302
    response = officer.post(
        action_url(handling, "triage"),
        {"triage-service": services["party"].pk, "triage-priority": "2"},
    )
    assert response.status_code == 302
    municipal = tip.handlings.get(queue__owner="municipality")
    assert (municipal.status, municipal.outcome) == ("closed", "spam")
    assert entries_for(municipal).get().action == AuditEntry.Action.CREATE
    assert FINISHED in status_page(tip, desk["koege_token"])
    assert open311_status(tip) == "closed"

    assert officer.post(action_url(handling, "not_spam")).status_code == 302
    assert set(tip.handlings.values_list("status", "outcome")) == {("in_progress", "")}
