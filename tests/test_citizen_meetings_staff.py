"""Citizen meetings in the back office, through HTTP: every view walked for every persona,
events created and changed with an audit entry, attendee lists and CSV, the waiting list
moving up when staff change the seats, and the event made from an accepted "Bestil en
betjent" talk request."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.access import StaffView, StaffViewAccess
from tests.citizen_meetings_helpers import IMMEDIATE_TASKS, make_meeting, outbox_to
from tryghed.accounts.models import RoleAssignment
from tryghed.audit.models import AuditEntry
from tryghed.citizen_meetings import actions
from tryghed.citizen_meetings.models import CitizenMeeting, Registration
from tryghed.servicedesk import actions as desk_actions
from tryghed.servicedesk import services as catalogue
from tryghed.servicedesk.models import Handling, Service

pytestmark = pytest.mark.django_db

DESK = {"secretariat", "district_staff", "koege_officer", "greve_staff", "foreign_secretariat"}
CREATORS = {"secretariat", "koege_officer", "greve_staff", "foreign_secretariat"}
KOEGE_READERS = {"secretariat", "district_staff", "koege_officer"}
KOEGE_EDITORS = {"secretariat", "koege_officer"}


@pytest.fixture(autouse=True)
def tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS


def enrol(meeting, *names):
    return [
        actions.register(meeting, name=name, email=f"{name.lower()}@example.dk") for name in names
    ]


def talk_request(koege, *, accept_by=None, status=None):
    """A "Bestil en betjent" talk in Køge, accepted (assessed) by the given officer."""
    catalogue.load()
    service = Service.objects.get(code="betjent-foredrag")
    wished = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    request, _token = desk_actions.submit_request(
        service,
        description="Vi vil gerne høre om indbrud og nabohjælp.",
        municipality=koege,
        place="Ellebækvej 2, Køge",
        details={
            "emner": ["indbrud", "nabohjaelp"],
            "maalgruppe": "grundejerforening",
            "deltagere": 45,
            "organisation": "Grundejerforeningen Ellebæk",
            "oensket-dato": wished,
        },
        reporter_name="Karen Jensen",
        reporter_email="karen@example.dk",
    )
    handling = request.handlings.get()
    if accept_by is not None:
        desk_actions.triage_handling(handling, by=accept_by)
        if status == "not_possible":
            desk_actions.close_handling(handling, by=accept_by, outcome="not_possible")
    return request


@pytest.fixture
def ctx(reference, koege_officer):
    meeting = make_meeting("0259", capacity=1, title="Indbrudsforedrag i Køge")
    first, second = enrol(meeting, "Anne", "Bent")
    return {
        "meeting": meeting,
        "registration": first,
        "waiting": second,
        "request": talk_request(meeting.municipality, accept_by=koege_officer),
    }


def url(name, *keys):
    return lambda ctx: reverse(f"staff:citizen_meetings:{name}", args=[ctx[key].pk for key in keys])


def edit_data(ctx):
    meeting = ctx["meeting"]
    return {
        "kind": meeting.kind,
        "title": "Nyt navn",
        "municipality": meeting.municipality_id,
        # To the second, and with the address: the event stays where and when it was, so
        # that nobody is e-mailed a new time or place.
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M:%S"),
        "ends_at": timezone.localtime(meeting.ends_at).strftime("%Y-%m-%dT%H:%M:%S"),
        "place": meeting.place,
        "address": meeting.address,
        "capacity": 5,
        "is_public": "on",
    }


class TestCitizenMeetingPages(StaffViewAccess):
    views = [
        StaffView("list", lambda ctx: reverse("staff:citizen_meetings:list"), DESK),
        StaffView("add", lambda ctx: reverse("staff:citizen_meetings:add"), CREATORS),
        StaffView("detail", url("meeting", "meeting"), KOEGE_READERS),
        StaffView("csv", url("csv", "meeting"), KOEGE_READERS),
        StaffView("edit", url("edit", "meeting"), KOEGE_EDITORS),
        StaffView(
            "edit_post",
            url("edit", "meeting"),
            KOEGE_EDITORS,
            method="post",
            data=edit_data,
            ok_status=302,
        ),
        StaffView("cancel", url("cancel", "meeting"), KOEGE_EDITORS, method="post", ok_status=302),
        StaffView(
            "registration_cancel",
            lambda ctx: reverse(
                "staff:citizen_meetings:registration_cancel",
                args=[ctx["meeting"].pk, ctx["registration"].pk],
            ),
            KOEGE_EDITORS,
            method="post",
            ok_status=302,
        ),
        StaffView(
            "from_request",
            lambda ctx: reverse(
                "staff:citizen_meetings:from_request", args=[ctx["request"].reference]
            ),
            KOEGE_EDITORS,
        ),
    ]


def test_the_list_shows_only_the_users_events(client_for, secretariat, greve_staff, reference):
    make_meeting("0259", title="Indbrudsforedrag i Køge")
    make_meeting("0253", title="Borgermøde i Greve")
    make_meeting("0851", title="Borgermøde i Aalborg")
    page = client_for(secretariat).get("/medarbejder/borgermoeder/").content.decode()
    assert "Køge" in page and "Greve" in page and "Aalborg" not in page
    page = client_for(greve_staff).get("/medarbejder/borgermoeder/").content.decode()
    assert "Borgermøde i Greve" in page and "Indbrudsforedrag" not in page


def test_an_organiser_from_elsewhere_sees_their_own_event(client_for, council_member, reference):
    meeting = make_meeting("0259", organiser=council_member)
    client = client_for(council_member)
    assert client.get("/medarbejder/borgermoeder/").status_code == 200
    assert client.get(f"/medarbejder/borgermoeder/{meeting.pk}/").status_code == 200
    other = make_meeting("0259")
    assert client.get(f"/medarbejder/borgermoeder/{other.pk}/").status_code == 404


def meeting_form(**changes):
    starts = timezone.localtime() + dt.timedelta(days=14)
    data = {
        "kind": "prevention_talk",
        "title": "Sådan sikrer du dit hjem",
        "title_en": "Protecting your home",
        "description": "Om lys, lås og nabohjælp.",
        "municipality": "",
        "starts_at": starts.strftime("%Y-%m-%dT19:00"),
        "ends_at": starts.strftime("%Y-%m-%dT21:00"),
        "place": "Køge Bibliotek",
        "address": "Kirkestræde 18",
        "capacity": "40",
        "is_public": "on",
        "contact_email": "koege@politi.example.dk",
    }
    data.update(changes)
    return data


def test_an_officer_creates_a_public_event_and_the_write_is_logged(
    client_for, koege_officer, koege, client
):
    form = client_for(koege_officer).get("/medarbejder/borgermoeder/ny/").content.decode()
    assert f'<option value="{koege.pk}" selected>' in form
    response = client_for(koege_officer).post(
        "/medarbejder/borgermoeder/ny/", meeting_form(municipality=koege.pk)
    )
    meeting = CitizenMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/medarbejder/borgermoeder/{meeting.pk}/"
    assert meeting.organiser == koege_officer
    assert meeting.district_id == koege.district_id
    assert timezone.localtime(meeting.starts_at).hour == 19
    entry = AuditEntry.objects.get()
    assert entry.action == "create" and entry.actor == koege_officer
    assert entry.object_repr == "Sådan sikrer du dit hjem"
    assert entry.district_id == koege.district_id
    assert "Sådan sikrer du dit hjem" in client.get("/borgermoeder/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "-3"}, "capacity"),
        ({"capacity": "mange"}, "capacity"),
        ({"starts_at": "i morgen"}, "starts_at"),
        ({"ends_at": "2020-01-01T10:00"}, "ends_at"),
        ({"kind": "party"}, "kind"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"municipality": "greve"}, "municipality"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    client_for, koege_officer, koege, greve, changes, field
):
    data = meeting_form(municipality=koege.pk)
    data.update(changes)
    if changes.get("municipality") == "greve":
        # A municipality outside the officer's own is not a choice.
        data["municipality"] = greve.pk
    response = client_for(koege_officer).post("/medarbejder/borgermoeder/ny/", data)
    assert response.status_code == 400
    assert f'href="#id_{field}"' in response.content.decode()
    assert not CitizenMeeting.objects.exists()
    assert not AuditEntry.objects.exists()


def test_more_seats_move_the_waiting_list_up(
    client_for, secretariat, reference, django_capture_on_commit_callbacks
):
    meeting = make_meeting("0259", capacity=1)
    enrol(meeting, "Anne", "Bent", "Carl", "Dorte")
    mail.outbox.clear()
    data = edit_data({"meeting": meeting}) | {"capacity": 3}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secretariat).post(
            f"/medarbejder/borgermoeder/{meeting.pk}/rediger/", data
        )
    assert response.status_code == 302
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "Anne": "confirmed",
        "Bent": "confirmed",
        "Carl": "confirmed",
        "Dorte": "waiting",
    }
    assert {m.to[0] for m in mail.outbox} == {"bent@example.dk", "carl@example.dk"}
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.title == "Nyt navn"
    entry = AuditEntry.objects.get()
    assert entry.changes["capacity"] == [1, 3]
    assert entry.changes["title"][1] == "Nyt navn"


def test_fewer_seats_take_no_seat_away(client_for, secretariat, reference):
    meeting = make_meeting("0259", capacity=3)
    enrol(meeting, "Anne", "Bent", "Carl")
    data = edit_data({"meeting": meeting}) | {"capacity": 1}
    client_for(secretariat).post(f"/medarbejder/borgermoeder/{meeting.pk}/rediger/", data)
    assert Registration.objects.confirmed().count() == 3
    later = actions.register(meeting, name="Dorte", email="dorte@example.dk")
    assert later.status == "waiting"


def test_staff_take_someone_off_the_list_and_the_next_moves_up(
    client_for, koege_officer, reference, django_capture_on_commit_callbacks
):
    meeting = make_meeting("0259", capacity=1)
    anne, bent = enrol(meeting, "Anne", "Bent")
    mail.outbox.clear()
    url = f"/medarbejder/borgermoeder/{meeting.pk}/tilmeldinger/{anne.pk}/afmeld/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(koege_officer).post(url).status_code == 302
    anne.refresh_from_db()
    bent.refresh_from_db()
    assert anne.status == "cancelled" and bent.status == "confirmed"
    [promotion] = outbox_to("bent@example.dk")
    assert promotion.attachments
    entry = AuditEntry.objects.get()
    assert entry.changes["status"] == ["confirmed", "cancelled"]
    assert "nonce" not in entry.changes
    # Again: nothing changes, nothing is logged.
    client_for(koege_officer).post(url)
    assert AuditEntry.objects.count() == 1


def test_cancelling_the_event_tells_everyone_and_closes_registration(
    client_for, secretariat, client, reference, django_capture_on_commit_callbacks
):
    meeting = make_meeting("0259", capacity=1)
    enrol(meeting, "Anne", "Bent")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(secretariat).post(f"/medarbejder/borgermoeder/{meeting.pk}/aflys/")
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.dk", "bent@example.dk"]
    assert all("Aflyst" in m.subject for m in mail.outbox)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "The event has been cancelled." in page or "Arrangementet er aflyst." in page
    assert AuditEntry.objects.get().changes["status"] == ["scheduled", "cancelled"]


def test_the_attendee_list_and_its_csv(client_for, district_staff, reference):
    meeting = make_meeting("0259", capacity=1)
    actions.register(meeting, name="=HYPERLINK(1)", email="anne@example.dk", phone="+45 1")
    actions.register(meeting, name="Bent", email="bent@example.dk")
    # Danish Excel starts a cell after a semicolon, even inside quotes.
    actions.register(meeting, name="Carl;=1+1", email="carl@example.dk")
    client = client_for(district_staff)
    page = client.get(f"/medarbejder/borgermoeder/{meeting.pk}/").content.decode()
    assert "bent@example.dk" in page and "carl@example.dk" in page
    # District staff read; they do not change the list.
    assert "Tag af listen" not in page and "Take off the list" not in page
    response = client.get(f"/medarbejder/borgermoeder/{meeting.pk}/deltagere.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Navn"
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1)", "Bent", "Carl;'=1+1"]
    assert [row[5] for row in rows[1:]] == ["", "1", "2"]
    # Who took the list of attendees out of the system is logged.
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.actor == district_staff and entry.object_id == str(meeting.pk)


def test_an_unknown_event_is_not_found(client_for, secretariat, reference):
    assert client_for(secretariat).get("/medarbejder/borgermoeder/424242/").status_code == 404


# ---- From a "Bestil en betjent" request ---------------------------------------------------


def test_an_accepted_talk_request_becomes_an_event(client_for, koege_officer, koege, client):
    request = talk_request(koege, accept_by=koege_officer)
    officer = client_for(koege_officer)
    page = officer.get(f"/medarbejder/sager/{request.reference}/").content.decode()
    create_url = f"/medarbejder/borgermoeder/fra-sag/{request.reference}/"
    assert create_url in page

    form = officer.get(create_url).content.decode()
    assert "Grundejerforeningen Ellebæk" in form
    assert 'value="45"' in form
    wished = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    assert f'value="{wished}T19:00"' in form

    data = meeting_form(
        municipality=koege.pk,
        title="Forebyggende foredrag: Grundejerforeningen Ellebæk",
        is_public="",
        kind="citizen_meeting",
    )
    response = officer.post(create_url, data)
    meeting = CitizenMeeting.objects.get()
    assert response.status_code == 302
    assert meeting.source_request == request
    # A talk that was ordered is always of that kind, whatever the form says.
    assert meeting.kind == CitizenMeeting.Kind.OFFICER_TALK
    assert not meeting.is_public
    assert AuditEntry.objects.filter(action="create", object_id=str(meeting.pk)).exists()
    # The request now links to its event, and asking again leads there.
    page = officer.get(f"/medarbejder/sager/{request.reference}/").content.decode()
    assert f"/medarbejder/borgermoeder/{meeting.pk}/" in page
    assert officer.get(create_url)["Location"] == f"/medarbejder/borgermoeder/{meeting.pk}/"
    assert officer.post(create_url, data).status_code == 302
    assert CitizenMeeting.objects.count() == 1
    # Editing it later keeps it the talk that was ordered.
    edit = officer.post(
        f"/medarbejder/borgermoeder/{meeting.pk}/rediger/", data | {"capacity": "50"}
    )
    assert edit.status_code == 302
    meeting.refresh_from_db()
    assert meeting.kind == CitizenMeeting.Kind.OFFICER_TALK and meeting.capacity == 50
    # Not public: citizens do not see it.
    assert client.get(meeting.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("state", ["new", "not_possible"])
def test_a_request_that_is_not_accepted_becomes_no_event(client_for, koege_officer, koege, state):
    request = talk_request(koege, accept_by=None if state == "new" else koege_officer, status=state)
    officer = client_for(koege_officer)
    page = officer.get(f"/medarbejder/sager/{request.reference}/").content.decode()
    create_url = f"/medarbejder/borgermoeder/fra-sag/{request.reference}/"
    assert create_url not in page
    assert officer.get(create_url).status_code == 404
    assert officer.post(create_url, meeting_form(municipality=koege.pk)).status_code == 404
    assert not CitizenMeeting.objects.exists()


def test_a_traffic_check_is_no_talk(client_for, koege_officer, koege):
    catalogue.load()
    request, _token = desk_actions.submit_request(
        Service.objects.get(code="betjent-faerdselskontrol"),
        description="Der køres stærkt.",
        municipality=koege,
        details={"vej": "Skolevej"},
    )
    desk_actions.triage_handling(request.handlings.get(), by=koege_officer)
    assert Handling.objects.get().status == "triaged"
    url = f"/medarbejder/borgermoeder/fra-sag/{request.reference}/"
    assert client_for(koege_officer).get(url).status_code == 404


def test_saving_without_a_change_writes_nothing(client_for, secretariat, reference):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    meeting = make_meeting(
        "0259",
        capacity=5,
        title="Nyt navn",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    data = edit_data({"meeting": meeting}) | {
        "title_en": meeting.title_en,
        "description": meeting.description,
        "address": meeting.address,
    }
    response = client_for(secretariat).post(
        f"/medarbejder/borgermoeder/{meeting.pk}/rediger/", data
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert not AuditEntry.objects.exists()


def test_a_title_with_a_line_break_leaves_the_calendar_and_the_receipt_whole(
    koege, koege_officer, client_for, settings
):
    """The event's calendar file, downloaded and sent with a registration's receipt, was a
    server error after the registration had been stored."""
    settings.TASKS = IMMEDIATE_TASKS
    client_for(koege_officer).post(
        "/medarbejder/borgermoeder/ny/",
        meeting_form(municipality=koege.pk, title="Borgermøde\r\nKøge"),
    )
    meeting = CitizenMeeting.objects.get()
    anonymous = Client()
    response = anonymous.get(f"/borgermoeder/{meeting.pk}/kalender.ics")
    assert response.status_code == 200
    assert "X-WR-CALNAME:Borgermøde Køge\r\n" in response.content.decode()
    mail.outbox.clear()
    response = anonymous.post(
        meeting.get_absolute_url(), {"name": "Anna", "email": "anna@example.dk"}
    )
    assert response.status_code == 200
    assert Registration.objects.count() == 1
    [receipt] = outbox_to("anna@example.dk")
    [(_name, calendar, _type)] = receipt.attachments
    assert "X-WR-CALNAME:Borgermøde Køge\r\n" in calendar


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_event_in_an_odd_year_is_refused(koege, koege_officer, client_for, day):
    response = client_for(koege_officer).post(
        "/medarbejder/borgermoeder/ny/",
        meeting_form(municipality=koege.pk, starts_at=f"{day}T19:00", ends_at=f"{day}T21:00"),
    )
    assert response.status_code == 400
    assert "Angiv et år fra 2000 til 2100." in response.content.decode()
    assert not CitizenMeeting.objects.exists()


@pytest.mark.parametrize("capacity", ["5001", "2147483648", "99999999999999999999"])
def test_more_seats_than_a_hall_holds_are_refused(client_for, koege_officer, koege, capacity):
    """PostgreSQL's integer column stops at 2147483647 (it was a server error); long before
    that a number is a slip of the keyboard."""
    data = meeting_form(municipality=koege.pk, capacity=capacity)
    response = client_for(koege_officer).post("/medarbejder/borgermoeder/ny/", data)
    assert response.status_code == 400
    assert 'href="#id_capacity"' in response.content.decode()
    assert not CitizenMeeting.objects.exists()
    assert not AuditEntry.objects.exists()
    data["capacity"] = "5000"
    assert client_for(koege_officer).post("/medarbejder/borgermoeder/ny/", data).status_code == 302
    assert CitizenMeeting.objects.get().capacity == 5000


def test_an_organiser_whose_role_has_ended_no_longer_reads_or_changes_the_attendee_list(
    koege_officer, client_for, reference
):
    meeting = make_meeting("0259", organiser=koege_officer)
    registration = Registration.objects.create(
        meeting=meeting, name="Hanne Holm", email="hanne@example.dk", status="confirmed"
    )
    RoleAssignment.objects.filter(user=koege_officer).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_for(koege_officer)
    base = f"/medarbejder/borgermoeder/{meeting.pk}/"
    for page in (base, f"{base}deltagere.csv", f"{base}rediger/"):
        response = client.get(page)
        assert response.status_code == 404
        assert "hanne@example.dk" not in response.content.decode()
    assert client.post(f"{base}aflys/").status_code == 404
    assert client.post(f"{base}tilmeldinger/{registration.pk}/afmeld/").status_code == 404
    meeting.refresh_from_db()
    registration.refresh_from_db()
    assert (meeting.status, registration.status) == ("scheduled", "confirmed")
    assert not AuditEntry.objects.exists()


def moved_data(meeting, *, days=3, **changes):
    start = timezone.localtime(meeting.starts_at) + dt.timedelta(days=days)
    data = edit_data({"meeting": meeting}) | {
        "title": meeting.title,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Et andet sted",
        "address": meeting.address,
        "capacity": meeting.capacity,
    }
    return data | changes


def test_moving_an_event_tells_those_registered_and_waiting(
    client_for, secretariat, reference, django_capture_on_commit_callbacks
):
    meeting = make_meeting("0259", capacity=1)
    actions.register(meeting, name="Anne", email="anne@example.dk", language="en")
    actions.register(meeting, name="Bent", email="bent@example.dk", language="en")
    actions.register(meeting, name="Carl", email="carl@example.dk")
    actions.cancel_registration(actions.register(meeting, name="Dorte", email="dorte@example.dk"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secretariat).post(
            f"/medarbejder/borgermoeder/{meeting.pk}/rediger/", moved_data(meeting)
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anne@example.dk",
        "bent@example.dk",
        "carl@example.dk",
    ]
    meeting.refresh_from_db()
    [anne] = outbox_to("anne@example.dk")
    assert anne.subject.startswith("New time or place:")
    assert "Et andet sted" in anne.body and "You are still registered." in anne.body
    [(_name, calendar, _type)] = anne.attachments
    assert "LOCATION:Et andet sted" in calendar and f"SEQUENCE:{meeting.sequence}" in calendar
    # The waiting list has no calendar file from its confirmation, and gets none now.
    [bent] = outbox_to("bent@example.dk")
    assert "You are still on the waiting list." in bent.body and not bent.attachments
    # Each in the language they registered in.
    [carl] = outbox_to("carl@example.dk")
    assert carl.body.startswith("Kære Carl") and anne.body.startswith("Dear Anne")


def test_an_event_that_keeps_its_time_and_place_tells_nobody(
    client_for, secretariat, reference, django_capture_on_commit_callbacks
):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=3)
    meeting = make_meeting(
        "0259", capacity=1, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    enrol(meeting, "Anne", "Bent")
    mail.outbox.clear()
    data = moved_data(meeting, days=0, place=meeting.place) | {"title": "Nyt navn"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(secretariat).post(
            f"/medarbejder/borgermoeder/{meeting.pk}/rediger/", data
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Nyt navn"
    assert mail.outbox == []


def test_more_seats_and_a_new_place_tell_each_citizen_once(
    client_for, secretariat, reference, django_capture_on_commit_callbacks
):
    meeting = make_meeting("0259", capacity=1)
    enrol(meeting, "Anne", "Bent")
    mail.outbox.clear()
    data = moved_data(meeting, capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(secretariat).post(f"/medarbejder/borgermoeder/{meeting.pk}/rediger/", data)
    # Bent moved up: the news of his seat carries the new place.
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.dk", "bent@example.dk"]
    [bent] = outbox_to("bent@example.dk")
    assert "Et andet sted" in bent.body
