"""The service desk for staff, through HTTP: queues, filters, the request page and its actions."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import Role, _user
from tryghed.accounts.models import User
from tryghed.audit.models import AuditEntry
from tryghed.servicedesk import actions, duplicates
from tryghed.servicedesk.models import (
    Handling,
    Kind,
    Message,
    Queue,
    ReplyTemplate,
    Service,
    ServiceAttribute,
    ServiceRequest,
)

pytestmark = pytest.mark.django_db


KOEGE = (55.4581, 12.1822)
GREVE = (55.5833, 12.3000)


@pytest.fixture
def services(reference):
    return {
        "drugs": Service.objects.create(
            code="test-tip-drugs",
            kind=Kind.TIP,
            name="Handel med narkotika",
            name_en="Drug dealing",
            incident_category="drug_sale",
            to_police=True,
        ),
        "party": Service.objects.create(
            code="test-party-in-park",
            kind=Kind.NUISANCE,
            name="Fest i park",
            name_en="Party in a park",
            incident_category="youth_nuisance",
            to_police=True,
            to_municipality=True,
        ),
        "moped": Service.objects.create(
            code="test-moped",
            kind=Kind.NUISANCE,
            name="Knallertkørsel",
            incident_category="moped_nuisance",
            to_police=True,
        ),
    }


@pytest.fixture
def desk(services, district):
    """A Køge tip (Køge police queue) and a Greve park party (Greve police and municipality),
    both with the reporter's contact details, and a reply template of the district."""
    koege_tip, koege_token = actions.submit_request(
        services["drugs"],
        description="Salg af hash bag hallen hver aften",
        lat=KOEGE[0],
        lon=KOEGE[1],
        place="Køge Hallen",
        reporter_name="Anna Borger",
        reporter_email="anna@example.org",
        reporter_phone="+45 12 34 56 78",
    )
    greve_party, greve_token = actions.submit_request(
        services["party"],
        description="Fest med høj musik i parken",
        lat=GREVE[0],
        lon=GREVE[1],
        place="Greve Strandpark",
        reporter_email="bo@example.org",
    )
    template = ReplyTemplate.objects.create(
        title="Tak for tippet",
        body="Tak for dit tip. Vi ser på det.",
        district=district,
    )
    greve_handlings = {h.queue.owner: h for h in greve_party.handlings.select_related("queue")}
    return {
        "koege_tip": koege_tip,
        "koege_token": koege_token,
        "koege_police": koege_tip.handlings.get(),
        "greve_party": greve_party,
        "greve_token": greve_token,
        "greve_police": greve_handlings[Queue.Owner.POLICE],
        "greve_municipal": greve_handlings[Queue.Owner.MUNICIPALITY],
        "template": template,
    }


def request_url(sr):
    return reverse("staff:servicedesk_staff:request", args=[sr.reference])


def action_url(handling, action):
    return reverse(
        "staff:servicedesk_staff:action",
        args=[handling.request.reference, handling.pk, action],
    )


def queue_url(queue, name="queue"):
    return reverse(f"staff:servicedesk_staff:{name}", args=[queue.pk])


def entries_for(obj):
    return AuditEntry.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name
    )


# Triage, assignment, notes, replies and closing, as the Køge officer does them.


def test_triage_to_a_service_that_concerns_the_municipality_adds_its_queue(
    desk, services, koege_officer, client_for
):
    handling = desk["koege_police"]
    response = client_for(koege_officer).post(
        action_url(handling, "triage"),
        {"triage-service": services["party"].pk, "triage-priority": "2"},
    )
    assert response.status_code == 302
    handling.refresh_from_db()
    assert handling.status == Handling.Status.TRIAGED
    assert handling.priority == Handling.Priority.HIGH
    tip = desk["koege_tip"]
    tip.refresh_from_db()
    assert tip.service == services["party"]
    owners = set(tip.handlings.values_list("queue__owner", flat=True))
    assert owners == {Queue.Owner.POLICE, Queue.Owner.MUNICIPALITY}
    # The municipality's new handling is logged as created by the officer.
    added = tip.handlings.get(queue__owner=Queue.Owner.MUNICIPALITY)
    assert entries_for(added).get().action == AuditEntry.Action.CREATE
    entry = entries_for(handling).get()
    assert entry.actor == koege_officer
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.changes["status"] == ["new", "triaged"]
    assert entry.changes["priority"] == [3, 2]
    assert entry.at is not None and entry.district.number == 8
    assert entries_for(tip).get().changes["service"] == [
        services["drugs"].pk,
        services["party"].pk,
    ]


def test_assign_to_a_colleague_of_the_queue_but_not_to_someone_of_another_team(
    desk, koege_officer, greve_staff, client_for
):
    handling = desk["koege_police"]
    client = client_for(koege_officer)
    response = client.post(action_url(handling, "assign"), {"assign-assignee": greve_staff.pk})
    assert response.status_code == 400
    handling.refresh_from_db()
    assert handling.assignee is None
    assert not entries_for(handling).exists()

    # "Take it myself": the button's value comes after the list's in the form data.
    response = client.post(
        action_url(handling, "assign"), {"assign-assignee": ["", str(koege_officer.pk)]}
    )
    assert response.status_code == 302
    handling.refresh_from_db()
    assert handling.assignee == koege_officer
    assert entries_for(handling).get().changes["assignee"] == [None, koege_officer.pk]


def test_internal_notes_stay_internal_and_replies_reach_the_citizen(
    desk, koege_officer, client_for, django_capture_on_commit_callbacks
):
    handling, tip = desk["koege_police"], desk["koege_tip"]
    client = client_for(koege_officer)
    client.post(action_url(handling, "note"), {"note-body": "Kendt sælger, se sag 4711"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            action_url(handling, "reply"),
            {"reply-template": desk["template"].pk, "reply-body": ""},
        )
    assert response.status_code == 302
    # The e-mail to the citizen waits in the task queue for the worker.
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "tryghed.servicedesk.actions.email_public_reply"
    reply = tip.messages.get(kind=Message.Kind.PUBLIC_REPLY)
    assert queued.args_kwargs == {"args": [reply.pk], "kwargs": {}}

    assert [m.body for m in tip.public_messages()] == ["Tak for dit tip. Vi ser på det."]
    assert tip.messages.filter(kind=Message.Kind.INTERNAL_NOTE).count() == 1
    note = tip.messages.get(kind=Message.Kind.INTERNAL_NOTE)
    assert note.author == koege_officer and note.queue == handling.queue
    assert entries_for(note).get().actor == koege_officer
    # A reply means someone has taken the request up.
    handling.refresh_from_db()
    assert handling.status == Handling.Status.IN_PROGRESS
    assert tip.public_status() == Handling.Status.IN_PROGRESS

    page = client.get(request_url(tip)).content.decode()
    note_item = page.split('data-kind="internal_note"')[1].split("</li>")[0]
    assert "Kendt sælger, se sag 4711" in note_item


def test_a_note_and_a_reply_keep_their_lines_but_no_other_control_character(
    desk, koege_officer, client_for
):
    handling, tip = desk["koege_police"], desk["koege_tip"]
    client = client_for(koege_officer)
    client.post(action_url(handling, "note"), {"note-body": "Se\x0b sag\x1b[31m 4711\r\nIgen"})
    client.post(action_url(handling, "reply"), {"reply-body": "Tak\x07 for\ttippet.\nHilsen"})
    note = tip.messages.get(kind=Message.Kind.INTERNAL_NOTE)
    assert note.body == "Se sag[31m 4711\r\nIgen"
    assert tip.messages.get(kind=Message.Kind.PUBLIC_REPLY).body == "Tak for\ttippet.\nHilsen"


@pytest.mark.parametrize("body", ["\u200b", "\u200b\u200b", " \u2060\n\ufeff "])
@pytest.mark.parametrize("action", ["note", "reply"])
def test_a_note_or_reply_that_shows_nothing_is_refused(
    desk, koege_officer, client_for, mailoutbox, action, body
):
    handling, tip = desk["koege_police"], desk["koege_tip"]
    response = client_for(koege_officer).post(
        action_url(handling, action), {f"{action}-body": body}
    )
    assert response.status_code == 400
    assert "Skriv en besked." in response.content.decode()
    assert not tip.messages.exists()
    assert not mailoutbox
    with pytest.raises(actions.DeskError):
        actions.add_internal_note(handling, by=koege_officer, body=body)


def test_the_reply_email_task_sends_the_citizen_the_reply(desk, koege_officer, mailoutbox):
    message = actions.send_public_reply(
        desk["koege_police"], by=koege_officer, body="Vi har sendt en patrulje forbi."
    )
    actions.email_public_reply.call(message.pk)
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]
    assert "Vi har sendt en patrulje forbi." in mailoutbox[0].body
    assert desk["koege_tip"].reference in mailoutbox[0].subject


def test_a_reply_to_an_anonymous_citizen_sends_no_mail(
    services, koege_officer, django_capture_on_commit_callbacks
):
    tip, _ = actions.submit_request(
        services["drugs"], description="Anonymt tip", lat=KOEGE[0], lon=KOEGE[1]
    )
    with django_capture_on_commit_callbacks() as callbacks:
        actions.send_public_reply(tip.handlings.get(), by=koege_officer, body="Tak")
    assert callbacks == []


def test_closing_needs_an_outcome(desk, koege_officer, client_for):
    handling = desk["koege_police"]
    client = client_for(koege_officer)
    response = client.post(action_url(handling, "close"), {"close-outcome": ""})
    assert response.status_code == 400
    assert "outcome" in response.context["forms"]["close"].errors
    handling.refresh_from_db()
    assert handling.status == Handling.Status.NEW
    assert not entries_for(handling).exists()

    response = client.post(action_url(handling, "close"), {"close-outcome": "resolved"})
    assert response.status_code == 302
    handling.refresh_from_db()
    assert handling.status == Handling.Status.CLOSED
    assert handling.outcome == Handling.Outcome.RESOLVED
    assert handling.closed_at is not None
    entry = entries_for(handling).get()
    assert entry.changes["status"] == ["new", "closed"]
    assert entry.changes["outcome"] == ["", "resolved"]
    assert desk["koege_tip"].public_status() == Handling.Status.CLOSED


def test_the_citizens_status_page_shows_the_reply_and_the_closing_but_no_note(
    desk, koege_officer, client_for, client
):
    staff = client_for(koege_officer)
    handling = desk["koege_police"]
    staff.post(action_url(handling, "note"), {"note-body": "Kendt sælger, se sag 4711"})
    staff.post(action_url(handling, "reply"), {"reply-body": "Vi har været forbi stedet."})
    status_url = desk["koege_tip"].status_url(desk["koege_token"])
    response = client.get(status_url)
    assert response.context["status_value"] == Handling.Status.IN_PROGRESS
    staff.post(action_url(handling, "close"), {"close-outcome": "resolved"})

    response = client.get(status_url)
    assert response.status_code == 200
    assert response.context["status_value"] == Handling.Status.CLOSED
    page = response.content.decode()
    assert "Vi har været forbi stedet." in page
    assert "4711" not in page


def test_the_citizen_sees_closed_only_when_every_queue_has_closed(
    desk, secretariat, greve_staff, client_for
):
    party = desk["greve_party"]
    client_for(greve_staff).post(
        action_url(desk["greve_municipal"], "close"), {"close-outcome": "resolved"}
    )
    # One queue has looked at it: no longer "not assessed yet".
    assert party.public_status() == Handling.Status.IN_PROGRESS
    client_for(secretariat).post(
        action_url(desk["greve_police"], "status"), {"status-status": "in_progress"}
    )
    assert party.public_status() == Handling.Status.IN_PROGRESS
    client_for(secretariat).post(
        action_url(desk["greve_police"], "close"), {"close-outcome": "no_action"}
    )
    assert party.public_status() == Handling.Status.CLOSED


def _form_values(page, action):
    """The fields of one action form as the request page renders them, hidden ones included."""
    form = re.search(rf'(?s)<form[^>]*id="action-{action}".*?</form>', page)[0]
    values = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    selected = r'(?s)<select name="([^"]+)".*?<option value="([^"]*)" selected'
    values.update(re.findall(selected, form))
    values.pop("csrfmiddlewaretoken", None)
    return values


def test_a_form_from_a_page_opened_before_a_colleagues_change_does_not_undo_it(
    desk, koege_officer, secretariat, client_for
):
    handling = desk["koege_police"]
    officer, colleague = client_for(koege_officer), client_for(secretariat, "en")
    # Both open the request; the officer makes it urgent.
    old_page = colleague.get(request_url(desk["koege_tip"])).content.decode()
    page = officer.get(request_url(desk["koege_tip"])).content.decode()
    triage = _form_values(page, "triage") | {"triage-priority": "1"}
    assert officer.post(action_url(handling, "triage"), triage).status_code == 302

    # The colleague's assessment, sent from the older page, would set Normal again.
    response = colleague.post(action_url(handling, "triage"), _form_values(old_page, "triage"))
    assert response.status_code == 400
    assert "after you opened the page" in str(response.context["forms"]["triage"].errors)
    handling.refresh_from_db()
    assert handling.priority == Handling.Priority.URGENT
    assert entries_for(handling).count() == 1
    for action in ("assign", "status", "close"):
        values = _form_values(old_page, action) | {"close-outcome": "resolved"}
        assert colleague.post(action_url(handling, action), values).status_code == 400
    handling.refresh_from_db()
    assert (handling.status, handling.assignee) == (Handling.Status.TRIAGED, None)

    # The page that refused the form carries what it checks against now: sent again, it works.
    again = _form_values(response.content.decode(), "triage")
    assert colleague.post(action_url(handling, "triage"), again).status_code == 302
    handling.refresh_from_db()
    assert handling.priority == Handling.Priority.NORMAL


def test_a_closed_handling_opens_again_with_a_status_change(desk, koege_officer, client_for):
    handling = desk["koege_police"]
    actions.close_handling(handling, by=koege_officer, outcome="resolved")
    client_for(koege_officer).post(action_url(handling, "status"), {"status-status": "in_progress"})
    handling.refresh_from_db()
    assert (handling.status, handling.outcome, handling.closed_at) == ("in_progress", "", None)


def test_municipal_staff_act_on_their_queue_but_not_on_the_police_queue(
    desk, greve_staff, client_for
):
    client = client_for(greve_staff)
    assert client.get(request_url(desk["greve_party"])).status_code == 200
    response = client.post(action_url(desk["greve_police"], "note"), {"note-body": "Hej"})
    assert response.status_code == 404
    response = client.post(action_url(desk["greve_municipal"], "note"), {"note-body": "Hej"})
    assert response.status_code == 302
    assert desk["greve_party"].messages.get().queue == desk["greve_municipal"].queue


def test_a_nuisance_report_the_police_make_a_tip_leaves_the_municipalitys_queue(
    desk, services, greve_staff, client_for
):
    party, municipal = desk["greve_party"], desk["greve_municipal"]
    officer = _user("greve_officer", role=Role.LOCAL_OFFICER, municipality=party.municipality)
    assert client_for(greve_staff).get(request_url(party)).status_code == 200
    response = client_for(officer).post(
        action_url(desk["greve_police"], "triage"),
        {"triage-service": services["drugs"].pk, "triage-priority": "2"},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.service == services["drugs"]
    assert [h.queue.owner for h in party.handlings.all()] == [Queue.Owner.POLICE]
    # The municipality no longer reads what is now police information.
    staff = client_for(greve_staff)
    assert staff.get(request_url(party)).status_code == 404
    assert party.reference not in staff.get(queue_url(municipal.queue)).content.decode()
    gone = entries_for(municipal).get(action=AuditEntry.Action.DELETE)
    assert gone.actor == officer and gone.changes["queue"] == [municipal.queue_id, None]
    # The officer still reads and works it.
    assert client_for(officer).get(request_url(party)).status_code == 200


def test_a_municipal_queue_moves_a_request_only_among_the_services_it_receives(
    desk, services, greve_staff, client_for
):
    client = client_for(greve_staff)
    handling, party = desk["greve_municipal"], desk["greve_party"]
    page = client.get(f"{request_url(party)}?koe={handling.queue_id}").content.decode()
    form = page.split('name="triage-service"')[1].split("</select>")[0]
    # Only what the municipality receives: not a tip (police information), nor moped
    # driving, which goes to the police alone here.
    assert f'value="{services["party"].pk}"' in form
    assert f'value="{services["drugs"].pk}"' not in form
    assert f'value="{services["moped"].pk}"' not in form

    response = client.post(
        action_url(handling, "triage"),
        {"triage-service": services["drugs"].pk, "triage-priority": "3"},
    )
    assert response.status_code == 400
    party.refresh_from_db()
    assert party.service == services["party"]
    assert not entries_for(party).exists()


def test_a_queues_internal_notes_are_read_by_those_who_see_the_queue(
    desk, greve_staff, secretariat, client_for
):
    party = desk["greve_party"]
    actions.add_internal_note(desk["greve_police"], by=secretariat, body="Politiets note")
    actions.add_internal_note(desk["greve_municipal"], by=greve_staff, body="Kommunens note")
    Message.objects.create(request=party, kind=Message.Kind.CITIZEN, body="Borgerens svar")
    page = client_for(greve_staff).get(request_url(party)).content.decode()
    assert "Kommunens note" in page and "Borgerens svar" in page
    assert "Politiets note" not in page
    page = client_for(secretariat).get(request_url(party)).content.decode()
    assert "Kommunens note" in page and "Politiets note" in page


def test_actions_check_the_acting_user_themselves(desk, greve_staff, district_staff):
    for user in (greve_staff, district_staff):
        with pytest.raises(PermissionDenied):
            actions.add_internal_note(desk["koege_police"], by=user, body="x")
        with pytest.raises(PermissionDenied):
            actions.close_handling(desk["greve_police"], by=user, outcome="resolved")
    assert not Message.objects.exists()


# The request page.


def test_request_page_shows_the_request_its_queues_and_thread(desk, secretariat, client_for):
    party = desk["greve_party"]
    Message.objects.create(request=party, kind=Message.Kind.CITIZEN, body="Det er slemt i aften")
    page = client_for(secretariat).get(request_url(party)).content.decode()
    assert party.reference in page
    assert "Fest med høj musik i parken" in page
    assert "Greve Strandpark" in page
    assert "Lokalpolitiet Greve" in page and "Greve Kommune" in page
    assert "Det er slemt i aften" in page
    assert "<svg" in page  # the place, drawn without tiles


def test_contact_details_are_for_the_police_side_only(desk, koege_officer, greve_staff, client_for):
    page = client_for(koege_officer).get(request_url(desk["koege_tip"])).content.decode()
    assert "anna@example.org" in page and "Anna Borger" in page
    page = client_for(greve_staff).get(request_url(desk["greve_party"])).content.decode()
    assert "bo@example.org" not in page
    assert desk["koege_tip"].contact_visible_to(koege_officer)
    assert not desk["greve_party"].contact_visible_to(greve_staff)


def test_the_page_of_a_request_one_cannot_see_is_404(desk, koege_officer, client_for):
    assert client_for(koege_officer).get(request_url(desk["greve_party"])).status_code == 404
    missing = reverse("staff:servicedesk_staff:request", args=["TIP-2026-999999"])
    assert client_for(koege_officer).get(missing).status_code == 404


# Duplicates.


def _submit(service, lat, lon, hours_ago=0, **kwargs):
    sr, _token = actions.submit_request(
        service, description=kwargs.pop("description", "Larm"), lat=lat, lon=lon, **kwargs
    )
    if hours_ago:
        ServiceRequest.objects.filter(pk=sr.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(hours=hours_ago)
        )
        sr.refresh_from_db()
    return sr


def test_likely_duplicates_are_near_recent_and_of_the_same_category(
    desk, services, koege_officer, client_for
):
    tip = desk["koege_tip"]
    # About 200 m north, same service, an hour earlier: a duplicate.
    near = _submit(services["drugs"], KOEGE[0] + 0.0018, KOEGE[1], hours_ago=1)
    # About 2 km away: not.
    far = _submit(services["drugs"], KOEGE[0] + 0.018, KOEGE[1])
    # Close, but four days earlier: not.
    old = _submit(services["drugs"], KOEGE[0], KOEGE[1] + 0.001, hours_ago=96)
    # Same place, another category: not.
    other = _submit(services["moped"], KOEGE[0], KOEGE[1])

    found = duplicates.likely_duplicates(
        tip, among=ServiceRequest.objects.visible_to(koege_officer)
    )
    assert [c.request for c in found] == [near]
    assert 150 < found[0].distance_m < 250

    page = client_for(koege_officer).get(request_url(tip)).content.decode()
    section = page.split('id="duplicates-heading"')[1]
    assert near.reference in section
    for not_suggested in (far, old, other):
        assert not_suggested.reference not in section


def test_same_incident_category_counts_across_services(services, koege_officer):
    first = _submit(services["party"], KOEGE[0], KOEGE[1])
    cousin = Service.objects.create(
        code="test-party-beach",
        kind=Kind.NUISANCE,
        name="Fest på stranden",
        incident_category="youth_nuisance",
    )
    second = _submit(cousin, KOEGE[0] + 0.001, KOEGE[1])
    found = duplicates.likely_duplicates(first, among=ServiceRequest.objects.all())
    assert [c.request for c in found] == [second]


def test_mark_duplicate_closes_with_outcome_duplicate(desk, services, koege_officer, client_for):
    original = _submit(services["drugs"], KOEGE[0], KOEGE[1], hours_ago=2)
    handling = desk["koege_police"]
    client = client_for(koege_officer)
    response = client.post(
        action_url(handling, "duplicate"), {"duplicate-original": desk["koege_tip"].reference}
    )
    assert response.status_code == 400  # not a duplicate of itself
    response = client.post(
        action_url(handling, "duplicate"), {"duplicate-original": desk["greve_party"].reference}
    )
    assert response.status_code == 400  # not one the officer can see
    response = client.post(
        action_url(handling, "duplicate"), {"duplicate-original": original.reference.lower()}
    )
    assert response.status_code == 302
    handling.refresh_from_db()
    desk["koege_tip"].refresh_from_db()
    assert desk["koege_tip"].duplicate_of == original
    assert (handling.status, handling.outcome) == ("closed", "duplicate")


def test_mark_spam(desk, koege_officer, client_for):
    handling = desk["koege_police"]
    assert client_for(koege_officer).post(action_url(handling, "spam")).status_code == 302
    handling.refresh_from_db()
    desk["koege_tip"].refresh_from_db()
    assert desk["koege_tip"].is_spam
    assert (handling.status, handling.outcome) == ("closed", "spam")
    assert entries_for(desk["koege_tip"]).get().changes == {"is_spam": [False, True]}


def test_a_request_marked_as_spam_is_not_opened_by_a_status_change(desk, koege_officer, client_for):
    """Opened by a status change, it stood in the open queue and on the citizen's page as
    being looked into, while Open311 and the guarantees took it as spam."""
    handling = desk["koege_police"]
    client = client_for(koege_officer)
    client.post(action_url(handling, "spam"))
    response = client.post(action_url(handling, "status"), {"status-status": "in_progress"})
    assert response.status_code == 400
    assert "Tag først markeringen tilbage (“Alligevel ikke spam”)." in response.content.decode()
    handling.refresh_from_db()
    assert (handling.status, handling.outcome) == ("closed", "spam")


def test_a_duplicate_opened_again_is_no_duplicate_any_more(
    desk, services, koege_officer, client_for
):
    original = _submit(services["drugs"], KOEGE[0], KOEGE[1], hours_ago=2)
    handling = desk["koege_police"]
    client = client_for(koege_officer)
    client.post(action_url(handling, "duplicate"), {"duplicate-original": original.reference})
    response = client.post(action_url(handling, "status"), {"status-status": "in_progress"})
    assert response.status_code == 302
    handling.refresh_from_db()
    tip = desk["koege_tip"]
    tip.refresh_from_db()
    assert tip.duplicate_of is None
    assert (handling.status, handling.outcome) == ("in_progress", "")
    assert entries_for(tip).filter(message="not a duplicate").get().changes == {
        "duplicate_of": [original.pk, None]
    }
    [record] = Client().get(f"/open311/v2/requests.json?service_request_id={tip.reference}").json()
    assert record["status"] == "open"


# Queues, filters, search and the CSV export.


def test_queue_list_shows_the_queues_one_can_see_with_open_counts(
    desk, greve_staff, district_staff, foreign_secretariat, client_for
):
    page = client_for(greve_staff).get(reverse("staff:servicedesk_staff:queues"))
    assert [q.name for q in page.context["own_queues"]] == ["Greve Kommune"]
    # The police's queue is police information, not the municipality's.
    assert not page.context["other_queues"]
    page = client_for(district_staff).get(reverse("staff:servicedesk_staff:queues"))
    assert not page.context["own_queues"]
    assert [(q.name, q.open_count) for q in page.context["other_queues"]] == [
        ("Lokalpolitiet Greve", 1),
        ("Greve Kommune", 1),
        ("Lokalpolitiet Køge", 1),
    ]
    page = client_for(foreign_secretariat).get(reverse("staff:servicedesk_staff:queues"))
    assert page.status_code == 200
    assert not page.context["own_queues"] and not page.context["other_queues"]


def _queue_page(client, queue, **params):
    response = client.get(queue_url(queue), params)
    assert response.status_code == 200
    return [h.request.reference for h in response.context["page"].object_list]


def test_queue_filters_and_search(desk, services, koege_officer, client_for):
    queue = desk["koege_police"].queue
    client = client_for(koege_officer)
    tip = desk["koege_tip"]
    moped = _submit(services["moped"], KOEGE[0], KOEGE[1], place="Torvet", hours_ago=72)
    closed = _submit(services["drugs"], KOEGE[0], KOEGE[1], description="Gammel sag")
    actions.close_handling(closed.handlings.get(), by=koege_officer, outcome="resolved")
    actions.assign_handling(moped.handlings.get(), by=koege_officer, assignee=koege_officer)
    actions.triage_handling(tip.handlings.get(), by=koege_officer, priority=1)

    # The default: the open ones, most urgent first.
    assert _queue_page(client, queue) == [tip.reference, moped.reference]
    assert _queue_page(client, queue, status="all", sort="-submitted") == [
        closed.reference,
        tip.reference,
        moped.reference,
    ]
    assert _queue_page(client, queue, status="closed") == [closed.reference]
    assert _queue_page(client, queue, kind="nuisance") == [moped.reference]
    assert _queue_page(client, queue, service=services["drugs"].pk) == [tip.reference]
    assert _queue_page(client, queue, priority="1") == [tip.reference]
    assert _queue_page(client, queue, assignee="mine") == [moped.reference]
    assert _queue_page(client, queue, assignee="unassigned") == [tip.reference]
    assert _queue_page(client, queue, assignee=str(koege_officer.pk)) == [moped.reference]
    today = timezone.localdate()
    assert _queue_page(client, queue, date_from=today.isoformat()) == [tip.reference]
    until = (today - datetime.timedelta(days=1)).isoformat()
    assert _queue_page(client, queue, date_to=until) == [moped.reference]
    # Search over reference, description and place.
    assert _queue_page(client, queue, q="torvet") == [moped.reference]
    assert _queue_page(client, queue, q="hash hallen") == [tip.reference]
    assert _queue_page(client, queue, q=moped.reference) == [moped.reference]
    assert _queue_page(client, queue, q="gammel", status="all") == [closed.reference]


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-13-45"},
        {"date_to": "i morgen"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"status": "lost"},
        {"priority": "9"},
        {"priority": "x"},
        {"assignee": "someone"},
        {"service": "999999"},
        {"sort": "; drop table"},
        {"page": "abc"},
        {"page": "-1"},
        {"q": "x" * 5000},
    ],
)
def test_bad_filter_input_gives_a_message_not_an_error(desk, koege_officer, client_for, params):
    client = client_for(koege_officer)
    response = client.get(queue_url(desk["koege_police"].queue), params)
    assert response.status_code == 200
    if "page" not in params:
        assert response.context["form"].errors
        assert [str(m) for m in response.context["messages"]]
    # The file has nowhere to show the message: it refuses the filter instead.
    response = client.get(queue_url(desk["koege_police"].queue, "queue_csv"), params)
    assert response.status_code == (200 if "page" in params else 400)


def _csv(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:]), delimiter=";"))


def test_csv_export_of_the_police_queue_with_contact_for_the_police(
    desk, services, koege_officer, client_for
):
    formula = _submit(services["drugs"], KOEGE[0], KOEGE[1], description="=HYPERLINK(1)")
    response = client_for(koege_officer).get(
        queue_url(desk["koege_police"].queue, "queue_csv"), {"sort": "submitted"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lokalpolitiet-koege-')
    rows = _csv(response)
    assert [r["reference"] for r in rows] == [desk["koege_tip"].reference, formula.reference]
    first = rows[0]
    assert first["service"] == "Handel med narkotika"
    assert first["status"] == "new" and first["priority"] == "3"
    assert first["municipality"] == "Køge"
    assert first["place"] == "Køge Hallen"
    assert first["reporter_email"] == "anna@example.org"
    assert first["reporter_phone"] == "+45 12 34 56 78"
    # What a citizen typed is never a formula in a spreadsheet.
    assert rows[1]["description"] == "'=HYPERLINK(1)"
    # Taking the citizens' contact details out of the system is logged.
    entry = entries_for(desk["koege_police"].queue).get()
    assert entry.action == AuditEntry.Action.EXPORT and entry.actor == koege_officer
    assert entry.message == "csv with contact details"


def test_csv_export_without_contact_for_municipal_staff(desk, greve_staff, client_for):
    response = client_for(greve_staff).get(queue_url(desk["greve_municipal"].queue, "queue_csv"))
    rows = _csv(response)
    assert [r["reference"] for r in rows] == [desk["greve_party"].reference]
    assert "reporter_email" not in rows[0]
    assert "bo@example.org" not in str(rows)
    entry = entries_for(desk["greve_municipal"].queue).get()
    assert entry.action == AuditEntry.Action.EXPORT and entry.message == "csv"


def test_csv_export_follows_the_filters(desk, services, koege_officer, client_for):
    _submit(services["moped"], KOEGE[0], KOEGE[1])
    response = client_for(koege_officer).get(
        queue_url(desk["koege_police"].queue, "queue_csv"), {"kind": "tip"}
    )
    assert [r["reference"] for r in _csv(response)] == [desk["koege_tip"].reference]


def test_queue_page_queries_do_not_grow_with_the_rows(desk, services, koege_officer, client_for):
    client = client_for(koege_officer)
    url = queue_url(desk["koege_police"].queue)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"status": "all"}).status_code == 200
        return len(queries)

    few = count()
    for i in range(12):
        sr = _submit(services["drugs"], KOEGE[0], KOEGE[1], description=f"Sag {i}")
        if i % 2:
            actions.assign_handling(sr.handlings.get(), by=koege_officer, assignee=koege_officer)
    many = count()
    assert many == few
    assert few <= 12


def test_request_page_queries_are_bounded(desk, services, koege_officer, client_for):
    client = client_for(koege_officer)
    tip = desk["koege_tip"]
    for i in range(8):
        actions.add_internal_note(tip.handlings.get(), by=koege_officer, body=f"Note {i}")
        _submit(services["drugs"], KOEGE[0] + 0.0005 * i, KOEGE[1])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(request_url(tip)).status_code == 200
    assert len(queries) <= 20


# Fixes found by testing the desk against the demo. The new messages are checked in English,
# the language they are written in; the Danish catalogue follows them.


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    "params",
    [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}, {"date_from": "1999-12-31"}],
)
def test_dates_far_out_are_refused_with_a_message_on_the_page_and_by_the_csv(
    desk, koege_officer, client_for, params
):
    client = client_for(koege_officer, "en")
    queue = desk["koege_police"].queue
    response = client.get(queue_url(queue), params)
    assert response.status_code == 200
    [field] = params
    [error] = response.context["form"].errors[field]
    last = timezone.localdate().year + 5
    assert error == f"Choose a date from 1 January 2000 to 31 December {last}."
    # The bad date does not filter the page, which says so; the file is refused.
    assert [h.request.reference for h in response.context["page"]] == [desk["koege_tip"].reference]
    response = client.get(queue_url(queue, "queue_csv"), params)
    assert response.status_code == 400
    assert error in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"service": "9" * 30},
        {"assignee": "9" * 30},
        {"priority": "9" * 30},
        {"page": "9" * 30},
        {"date_from": "2026-02-30"},
        {"q": "a\x00b"},
    ],
)
def test_no_filter_input_is_a_server_error(desk, koege_officer, client_for, params):
    client = client_for(koege_officer)
    queue = desk["koege_police"].queue
    assert client.get(queue_url(queue), params).status_code == 200
    response = client.get(queue_url(queue, "queue_csv"), params)
    if "page" in params:
        assert [r["reference"] for r in _csv(response)] == [desk["koege_tip"].reference]
    else:
        assert response.status_code == 400


def test_a_control_character_in_the_search_is_refused_and_not_echoed(
    desk, koege_officer, client_for
):
    response = client_for(koege_officer).get(queue_url(desk["koege_police"].queue), {"q": "a\x00b"})
    assert response.context["form"].errors["q"]
    page = response.content.decode()
    assert "\x00" not in page
    assert 'value="ab"' in page


def test_an_error_keeps_the_help_text_for_screen_readers(desk, koege_officer, client_for):
    response = client_for(koege_officer).get(
        queue_url(desk["koege_police"].queue), {"q": "x" * 300}
    )
    page = response.content.decode()
    search = page.split('name="q"')[1].split(">")[0]
    assert 'aria-describedby="id_q_error id_q_helptext"' in search
    assert 'aria-invalid="true"' in search
    assert 'id="id_q_error"' in page and 'id="id_q_helptext"' in page


def test_queue_and_request_pages_write_dates_alike(desk, koege_officer, client_for):
    tip = desk["koege_tip"]
    submitted = datetime.datetime(2026, 11, 27, 16, 24, tzinfo=datetime.UTC)
    ServiceRequest.objects.filter(pk=tip.pk).update(submitted_at=submitted)
    client = client_for(koege_officer)
    queue_page = client.get(queue_url(desk["koege_police"].queue)).content.decode()
    request_page = client.get(request_url(tip)).content.decode()
    for page in (queue_page, request_page):
        assert "27. november 2026 17:24" in page


def test_date_and_time_answers_are_shown_in_danish_time(services, koege_officer, client_for):
    ServiceAttribute.objects.create(
        service=services["drugs"],
        code="tidspunkt",
        datatype=ServiceAttribute.Datatype.DATETIME,
        description="Hvornår skete det?",
    )
    ServiceAttribute.objects.create(
        service=services["drugs"],
        code="dato",
        datatype=ServiceAttribute.Datatype.DATETIME,
        description="Hvilken dato ønsker I helst?",
    )
    tip = _submit(
        services["drugs"],
        KOEGE[0],
        KOEGE[1],
        details={"tidspunkt": "2026-11-27T13:30:00+00:00", "dato": "2027-03-01"},
    )
    client = client_for(koege_officer)
    page = client.get(request_url(tip)).content.decode()
    assert "27. november 2026 14:30" in page
    assert "1. marts 2027" in page
    assert "2026-11-27T13:30" not in page and "2027-03-01<" not in page

    # The day wished for "Bestil en betjent" may come as its midnight (Open311): no time then.
    talk = Service.objects.create(
        code="test-talk", kind=Kind.OFFICER_REQUEST, name="Foredrag", to_police=True
    )
    ServiceAttribute.objects.create(
        service=talk,
        code="oensket-dato",
        datatype=ServiceAttribute.Datatype.DATETIME,
        description="Hvilken dato ønsker I helst?",
    )
    for stored, shown in [
        ("2027-02-28T23:00:00+00:00", "<td>1. marts 2027</td>"),
        ("2027-03-01T18:00:00+00:00", "<td>1. marts 2027 19:00</td>"),
    ]:
        order = _submit(talk, KOEGE[0], KOEGE[1], details={"oensket-dato": stored})
        assert shown in client.get(request_url(order)).content.decode()


def test_a_tip_made_a_nuisance_report_stays_confidential(desk, services, koege_officer, client_for):
    """What the citizen sent in confidence is not published through Open311 when staff
    move the tip to a service whose reports are public."""
    handling = desk["koege_police"]
    officer = client_for(koege_officer)
    officer.post(
        action_url(handling, "triage"),
        {"triage-service": services["party"].pk, "triage-priority": "3"},
    )
    officer.post(action_url(handling, "reply"), {"reply-body": "Vi kigger forbi hallen."})
    tip = desk["koege_tip"]
    tip.refresh_from_db()
    assert tip.service == services["party"]
    [record] = Client().get(f"/open311/v2/requests/{tip.reference}.json").json()
    assert (record["description"], record["lat"], record["long"]) == ("", None, None)
    assert "Køge Hallen" not in record["address"] and "kigger" not in record["status_notes"]
    page = Client().get(tip.status_url(desk["koege_token"])).content.decode()
    assert "For at beskytte dig viser denne side ikke" in page
    # A nuisance report sent as one is still public.
    [party] = Client().get(f"/open311/v2/requests/{desk['greve_party'].reference}.json").json()
    assert party["description"] == "Fest med høj musik i parken"


def test_the_triage_service_has_no_empty_choice(desk, koege_officer, client_for):
    page = client_for(koege_officer).get(request_url(desk["koege_tip"])).content.decode()
    select = page.split('id="id_triage-service"')[1].split("</select>")[0]
    assert "---------" not in select
    assert 'value=""' not in select
    assert f'value="{desk["koege_tip"].service_id}" selected' in select


def test_a_template_reply_to_an_english_citizen_uses_the_english_text(
    desk, services, district, koege_officer, client_for
):
    template = desk["template"]
    template.body_en = "Thank you for your tip. We are looking into it."
    template.save()
    english = _submit(services["drugs"], KOEGE[0], KOEGE[1], details={"_language": "en"})
    handling = english.handlings.get()
    client = client_for(koege_officer, "en")

    response = client.get(request_url(english))
    texts = response.context["reply_templates"]
    assert texts[str(template.pk)] == "Thank you for your tip. We are looking into it."
    assert "The citizen wrote in English" in response.content.decode()

    client.post(action_url(handling, "reply"), {"reply-template": template.pk, "reply-body": ""})
    assert [m.body for m in english.public_messages()] == [
        "Thank you for your tip. We are looking into it."
    ]
    # A Danish citizen gets the Danish text, and so does an English one when there is none.
    danish = desk["koege_tip"]
    assert client.get(request_url(danish)).context["reply_templates"][str(template.pk)] == (
        "Tak for dit tip. Vi ser på det."
    )
    template.body_en = ""
    template.save()
    client.post(action_url(handling, "reply"), {"reply-template": template.pk, "reply-body": ""})
    assert english.public_messages().last().body == "Tak for dit tip. Vi ser på det."


def test_a_template_fills_in_the_request_in_the_citizens_language(
    desk, services, koege_officer, client_for
):
    template = desk["template"]
    template.body = "Tak for {reference} om {service} i {municipality}, modtaget {received}. {team}"
    template.body_en = (
        "Thanks for {reference} ({service}, {municipality}, {received}). {team} {x y}"
    )
    template.save()
    received = datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC)  # 5 March in Køge
    tip = desk["koege_tip"]
    english = _submit(services["drugs"], KOEGE[0], KOEGE[1], details={"_language": "en"})
    ServiceRequest.objects.filter(pk__in=[tip.pk, english.pk]).update(submitted_at=received)
    handling = desk["koege_police"]
    client = client_for(koege_officer, "en")

    danish = (
        f"Tak for {tip.reference} om {tip.service.name} i Køge, modtaget 5. marts 2026. "
        f"{handling.queue.name}"
    )
    assert client.get(request_url(tip)).context["reply_templates"][str(template.pk)] == danish
    client.post(action_url(handling, "reply"), {"reply-template": template.pk, "reply-body": ""})
    assert tip.public_messages().last().body == danish

    text = client.get(request_url(english)).context["reply_templates"][str(template.pk)]
    assert text == (
        f"Thanks for {english.reference} ({english.service.name_en}, Køge, 5 March 2026). "
        f"{english.handlings.get().queue.name} {{x y}}"
    )


@pytest.mark.parametrize("field", ["body", "body_en"])
def test_a_template_with_an_unknown_placeholder_is_refused(desk, client_for, field):
    template = desk["template"]
    root = User.objects.create_superuser("root", password="x")
    data = {
        "title": template.title,
        "body": template.body,
        "body_en": "",
        "district": template.district_id,
    }
    data[field] = "Hej {navn}, tak for {reference}."
    response = client_for(root, "en").post(
        reverse("admin:servicedesk_replytemplate_change", args=[template.pk]), data
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [
        "Unknown placeholder {navn}. Use {reference}, {service}, {municipality}, {team}, "
        "{received}."
    ]
    template.refresh_from_db()
    assert template.body == "Tak for dit tip. Vi ser på det." and template.body_en == ""
    assert not AuditEntry.objects.filter(content_type__model="replytemplate").exists()


def test_closing_a_closed_handling_is_refused_and_changes_nothing(desk, koege_officer, client_for):
    handling = desk["koege_police"]
    client = client_for(koege_officer, "en")
    assert client.post(
        action_url(handling, "close"), {"close-outcome": "resolved"}
    ).status_code == (302)
    handling.refresh_from_db()
    closed_at = handling.closed_at
    for outcome in ("resolved", "referred"):
        response = client.post(action_url(handling, "close"), {"close-outcome": outcome})
        assert response.status_code == 400
        assert response.context["failed_form"].non_field_errors() == [
            "The request is already closed for your queue (Handled). "
            "Change the status to open it again."
        ]
        assert 'id="action-close"' in response.content.decode()
    handling.refresh_from_db()
    assert (handling.outcome, handling.closed_at) == ("resolved", closed_at)
    assert entries_for(handling).count() == 1


def test_marking_spam_twice_writes_nothing_the_second_time(desk, koege_officer, client_for):
    handling, tip = desk["koege_police"], desk["koege_tip"]
    client = client_for(koege_officer, "en")
    assert client.post(action_url(handling, "spam")).status_code == 302
    response = client.post(action_url(handling, "spam"))
    assert response.status_code == 400
    assert response.context["failed_form"].non_field_errors() == [
        "The request is already marked as spam and closed for your queue."
    ]
    assert entries_for(handling).count() == 1
    assert entries_for(tip).count() == 1


def test_spam_on_a_closed_handling_changes_only_its_outcome(desk, koege_officer, client_for):
    handling = desk["koege_police"]
    client = client_for(koege_officer)
    client.post(action_url(handling, "close"), {"close-outcome": "resolved"})
    handling.refresh_from_db()
    closed_at = handling.closed_at
    assert client.post(action_url(handling, "spam")).status_code == 302
    handling.refresh_from_db()
    assert (handling.status, handling.outcome, handling.closed_at) == ("closed", "spam", closed_at)
    changes = entries_for(handling).order_by("pk").last().changes
    assert changes["outcome"] == ["resolved", "spam"]
    assert "closed_at" not in changes and "status" not in changes


def test_marking_a_duplicate_twice_writes_nothing_the_second_time(
    desk, services, koege_officer, client_for
):
    original = _submit(services["drugs"], KOEGE[0], KOEGE[1], hours_ago=2)
    handling, tip = desk["koege_police"], desk["koege_tip"]
    client = client_for(koege_officer, "en")
    data = {"duplicate-original": original.reference}
    response = client.post(action_url(handling, "duplicate"), data, follow=True)
    assert _messages(response) == [
        f"The request is marked as a duplicate of {original.reference} and closed for your queue."
    ]
    response = client.post(action_url(handling, "duplicate"), data)
    assert response.status_code == 400
    assert response.context["failed_form"].non_field_errors() == [
        f"The request is already marked as a duplicate of {original.reference}."
    ]
    assert entries_for(handling).count() == 1
    assert entries_for(tip).count() == 1


def test_a_duplicate_points_past_duplicates_only_as_far_as_the_user_can_see(
    desk, services, koege_officer, client_for
):
    first = _submit(services["drugs"], KOEGE[0], KOEGE[1], hours_ago=3)
    second = _submit(services["drugs"], KOEGE[0], KOEGE[1], hours_ago=2)
    ServiceRequest.objects.filter(pk=second.pk).update(duplicate_of=first)
    # The first repeats a Greve request that the Køge officer cannot see.
    ServiceRequest.objects.filter(pk=first.pk).update(duplicate_of=desk["greve_party"])
    tip = desk["koege_tip"]
    client = client_for(koege_officer, "en")
    response = client.post(
        action_url(desk["koege_police"], "duplicate"),
        {"duplicate-original": second.reference},
        follow=True,
    )
    tip.refresh_from_db()
    assert tip.duplicate_of == first
    assert _messages(response) == [
        f"{second.reference} is itself a duplicate of {first.reference}, so the request is "
        f"marked as a duplicate of {first.reference} and closed for your queue."
    ]
    # The stored link opens for the one who stored it.
    page = client.get(request_url(tip)).content.decode()
    assert f'href="{request_url(first)}"' in page
    assert client.get(request_url(first)).status_code == 200


def test_known_duplicates_are_not_suggested_and_a_loop_is_explained(
    desk, services, koege_officer, client_for
):
    tip = desk["koege_tip"]
    near = _submit(services["drugs"], KOEGE[0] + 0.0018, KOEGE[1], hours_ago=1)
    sibling = _submit(services["drugs"], KOEGE[0] + 0.0009, KOEGE[1], hours_ago=1)
    client = client_for(koege_officer, "en")
    for duplicate in (near, sibling):
        response = client.post(
            action_url(duplicate.handlings.get(), "duplicate"),
            {"duplicate-original": tip.reference},
        )
        assert response.status_code == 302

    def suggested(sr):
        return [c.request for c in client.get(request_url(sr)).context["duplicates"]]

    assert suggested(tip) == []
    assert suggested(near) == []

    response = client.post(
        action_url(desk["koege_police"], "duplicate"), {"duplicate-original": near.reference}
    )
    assert response.status_code == 400
    assert response.context["failed_form"].non_field_errors() == [
        f"{near.reference} is already recorded as a duplicate of this request, so this request "
        f"cannot be a duplicate of {near.reference}."
    ]
    tip.refresh_from_db()
    assert tip.duplicate_of is None


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"q": "x" * 201}, "Search"),
        ({"date_from": "2026-02-30"}, "Submitted from"),
        ({"status": "bogus"}, "Status"),
        ({"priority": "7"}, "Priority"),
        ({"service": "999999"}, "Service"),
        ({"kind": "tip", "date_to": "i morgen"}, "Submitted until"),
    ],
)
def test_the_csv_refuses_an_invalid_filter_instead_of_exporting_the_whole_queue(
    desk, koege_officer, client_for, params, label
):
    client = client_for(koege_officer, "en")
    url = queue_url(desk["koege_police"].queue, "queue_csv")
    assert [r["reference"] for r in _csv(client.get(url, {"q": "x" * 200}))] == []
    exports = AuditEntry.objects.count()
    response = client.get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    body = response.content.decode()
    assert body.startswith(f"{label}: ")
    assert desk["koege_tip"].reference not in body
    assert AuditEntry.objects.count() == exports


DUPLICATE_OF_SPAM = "is marked as spam, so no request can be marked as a duplicate of it."


def test_a_request_cannot_be_marked_a_duplicate_of_spam(desk, services, koege_officer, client_for):
    spam = _submit(services["drugs"], KOEGE[0], KOEGE[1], description="køb billig viagra")
    client = client_for(koege_officer, "en")
    assert client.post(action_url(spam.handlings.get(), "spam")).status_code == 302
    handling, tip = desk["koege_police"], desk["koege_tip"]
    entries = AuditEntry.objects.count()
    response = client.post(
        action_url(handling, "duplicate"), {"duplicate-original": spam.reference}
    )
    assert response.status_code == 400
    assert f"{spam.reference} {DUPLICATE_OF_SPAM}" in response.content.decode()
    tip.refresh_from_db()
    handling.refresh_from_db()
    assert tip.duplicate_of_id is None
    assert (handling.status, handling.outcome) == ("new", "")
    assert AuditEntry.objects.count() == entries
    with pytest.raises(actions.DeskError, match=DUPLICATE_OF_SPAM):
        actions.mark_duplicate(handling, by=koege_officer, original=spam)


def test_a_request_cannot_be_marked_a_duplicate_of_a_duplicate_of_spam(
    desk, services, koege_officer, client_for
):
    first = _submit(services["drugs"], KOEGE[0], KOEGE[1], description="køb billig viagra")
    second = _submit(services["drugs"], KOEGE[0], KOEGE[1], description="køb billig viagra")
    client = client_for(koege_officer, "en")
    client.post(
        action_url(second.handlings.get(), "duplicate"), {"duplicate-original": first.reference}
    )
    assert client.post(action_url(first.handlings.get(), "spam")).status_code == 302
    # The form finds nothing wrong with the second; the request it would point to is spam.
    response = client.post(
        action_url(desk["koege_police"], "duplicate"), {"duplicate-original": second.reference}
    )
    assert response.status_code == 400
    assert f"{first.reference} {DUPLICATE_OF_SPAM}" in response.content.decode()
    desk["koege_tip"].refresh_from_db()
    assert desk["koege_tip"].duplicate_of_id is None
