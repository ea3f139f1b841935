"""The public calendar of citizen meetings and talks, through HTTP: the list per
municipality, registration with capacity and a waiting list, the cancellation link, the
e-mails, the iCalendar files, and what bad input, bots and floods get."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.citizen_meetings_helpers import (
    IMMEDIATE_TASKS,
    attachments_of,
    make_meeting,
    outbox_to,
    parse_calendar,
)
from tryghed.citizen_meetings.models import CitizenMeeting, Registration
from tryghed.demo.loader import load_demo

pytestmark = pytest.mark.django_db

CANCEL_LINK = re.compile(r"/borgermoeder/afmeld/(?P<pk>\d+)/(?P<token>[0-9a-f]+)/")


@pytest.fixture(autouse=True)
def tasks(settings):
    settings.TASKS = IMMEDIATE_TASKS
    settings.SITE_URL = "https://tryghed.example.dk"


@pytest.fixture
def client():
    """An anonymous citizen whose browser asks for English, so that texts are stable
    whatever the Danish translation says."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def roskilde_meeting(reference):
    return make_meeting("0265", capacity=2)


def register(client, meeting, name="Hanne Holm", email="hanne@example.dk", **extra):
    data = {"name": name, "email": email, "phone": "12 34 56 78", **extra}
    return client.post(reverse("citizen_meetings:meeting", args=[meeting.pk]), data)


def cancel_link(response):
    match = CANCEL_LINK.search(response.content.decode())
    assert match, "the receipt shows no cancellation link"
    return match.group(0)


# ---- The calendar -----------------------------------------------------------------------


def test_the_calendar_lists_upcoming_public_events_only(client, reference):
    shown = make_meeting("0265", title="Borgermøde i Roskilde")
    make_meeting("0265", title="Foredrag for Grundejerforeningen Bøgely", is_public=False)
    make_meeting("0265", title="Sidste års borgermøde", days=-30)
    make_meeting("0851", title="Borgermøde i Aalborg")
    page = client.get("/borgermoeder/").content.decode()
    assert "Borgermøde i Roskilde" in page
    assert reverse("citizen_meetings:meeting", args=[shown.pk]) in page
    assert "Bøgely" not in page
    assert "Sidste års" not in page
    # The calendar is the served district's.
    assert "Aalborg" not in page


def test_the_calendar_filters_by_municipality_and_offers_its_feed(client, reference):
    make_meeting("0265", title="Borgermøde i Roskilde")
    make_meeting("0259", title="Indbrudsforedrag i Køge")
    response = client.get("/borgermoeder/", {"kommune": "0259"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indbrudsforedrag i Køge" in page and "Borgermøde i Roskilde" not in page
    assert 'href="/borgermoeder/0259.ics"' in page


@pytest.mark.parametrize("code", ["9999", "0851", "abc", "0265x"])
def test_an_unknown_municipality_in_the_filter_gets_a_message(client, reference, code):
    make_meeting("0265")
    response = client.get("/borgermoeder/", {"kommune": code})
    assert response.status_code == 400
    assert "Choose a municipality from the list." in response.content.decode()


def test_the_calendar_is_danish_by_default(reference):
    page = Client().get("/borgermoeder/").content.decode()
    assert '<html lang="da">' in page


def test_the_front_page_links_to_the_calendar(client, reference):
    assert 'href="/borgermoeder/"' in client.get("/").content.decode()


def test_an_event_that_is_not_public_is_not_found(client, reference):
    private = make_meeting(is_public=False)
    assert client.get(reverse("citizen_meetings:meeting", args=[private.pk])).status_code == 404
    assert register(client, private).status_code == 404
    ics = reverse("citizen_meetings:meeting_ics", args=[private.pk])
    assert client.get(ics).status_code == 404
    assert not Registration.objects.exists()
    assert client.get("/borgermoeder/424242/").status_code == 404


# ---- Registration and the waiting list --------------------------------------------------


def test_a_citizen_registers_and_gets_the_confirmation_with_the_calendar_file(
    client, roskilde_meeting
):
    response = register(client, roskilde_meeting)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    page = response.content.decode()
    assert "You are registered" in page
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.language == "en"
    link = cancel_link(response)
    assert link == registration.cancel_url()

    [email] = mail.outbox
    assert email.to == ["hanne@example.dk"]
    assert "You are registered" in email.subject
    assert "https://tryghed.example.dk" + link in email.body
    content, mimetype = attachments_of(email)["borgermoede.ics"]
    assert mimetype == "text/calendar"
    [event] = parse_calendar(content)
    assert event["SUMMARY"] == roskilde_meeting.title_en


def test_the_confirmation_is_in_danish_for_a_danish_page(reference):
    meeting = make_meeting()
    register(Client(), meeting)
    [email] = mail.outbox
    assert "Du er tilmeldt" in email.subject
    assert "Borgermøde om tryghed i Roskilde" in email.body


def test_when_the_seats_are_taken_citizens_join_the_waiting_list(client, roskilde_meeting):
    assert "2 seats left" in client.get(roskilde_meeting.get_absolute_url()).content.decode()
    register(client, roskilde_meeting, "A", "a@example.dk")
    register(client, roskilde_meeting, "B", "b@example.dk")
    page = client.get(roskilde_meeting.get_absolute_url()).content.decode()
    assert "Fully booked" in page and "Join the waiting list" in page
    response = register(client, roskilde_meeting, "C", "c@example.dk")
    assert "You are on the waiting list" in response.content.decode()
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.dk": "confirmed",
        "b@example.dk": "confirmed",
        "c@example.dk": "waiting",
    }
    [waiting_mail] = outbox_to("c@example.dk")
    assert "waiting list" in waiting_mail.subject
    assert not waiting_mail.attachments


def test_cancelling_moves_the_first_on_the_waiting_list_up(
    client, roskilde_meeting, django_capture_on_commit_callbacks
):
    first = register(client, roskilde_meeting, "A", "a@example.dk")
    register(client, roskilde_meeting, "B", "b@example.dk")
    register(client, roskilde_meeting, "C", "c@example.dk")
    register(client, roskilde_meeting, "D", "d@example.dk")
    link = cancel_link(first)
    mail.outbox.clear()

    # Opening the link only asks.
    page = client.get(link).content.decode()
    assert "Cancel my registration" in page
    assert Registration.objects.get(email="a@example.dk").status == "confirmed"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert "Your registration is cancelled" in response.content.decode()
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.dk": "cancelled",
        "b@example.dk": "confirmed",
        "c@example.dk": "confirmed",
        "d@example.dk": "waiting",
    }
    assert Registration.objects.get(email="c@example.dk").promoted_at is not None
    [promotion] = mail.outbox
    assert promotion.to == ["c@example.dk"]
    assert "You have a seat" in promotion.subject
    c = Registration.objects.get(email="c@example.dk")
    assert "https://tryghed.example.dk" + c.cancel_url() in promotion.body
    [event] = parse_calendar(attachments_of(promotion)["borgermoede.ics"][0])
    assert str(event["UID"]).startswith(f"citizen-meeting-{roskilde_meeting.pk}@")

    # The same link again changes nothing and moves nobody else up.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(link)
    assert "was already cancelled" in again.content.decode()
    assert Registration.objects.get(email="d@example.dk").status == "waiting"
    assert len(mail.outbox) == 1


def test_once_the_event_has_begun_the_link_cancels_nothing_and_moves_nobody_up(
    client, roskilde_meeting, django_capture_on_commit_callbacks
):
    first = register(client, roskilde_meeting, "A", "a@example.dk")
    register(client, roskilde_meeting, "B", "b@example.dk")
    register(client, roskilde_meeting, "C", "c@example.dk")
    link = cancel_link(first)
    starts = timezone.now() - dt.timedelta(days=2)
    CitizenMeeting.objects.filter(pk=roskilde_meeting.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    mail.outbox.clear()
    page = client.get(link).content.decode()
    assert "Cancel my registration" not in page
    assert "has begun or taken place" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response.status_code == 200
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "a@example.dk": "confirmed",
        "b@example.dk": "confirmed",
        "c@example.dk": "waiting",
    }
    assert not mail.outbox


def test_leaving_the_waiting_list_moves_nobody(client, roskilde_meeting):
    register(client, roskilde_meeting, "A", "a@example.dk")
    register(client, roskilde_meeting, "B", "b@example.dk")
    waiting = register(client, roskilde_meeting, "C", "c@example.dk")
    register(client, roskilde_meeting, "D", "d@example.dk")
    client.post(cancel_link(waiting))
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["c@example.dk"] == "cancelled"
    assert statuses["d@example.dk"] == "waiting"
    assert Registration.objects.filter(status="confirmed").count() == 2


@pytest.mark.parametrize(
    "token", ["0" * 32, "not-a-token", "f" * 31, "ABCDEF0123456789ABCDEF0123456789"]
)
def test_a_wrong_cancellation_link_is_not_found(client, roskilde_meeting, token):
    response = register(client, roskilde_meeting)
    pk = Registration.objects.get().pk
    assert client.get(f"/borgermoeder/afmeld/{pk}/{token}/").status_code == 404
    assert client.post(f"/borgermoeder/afmeld/{pk}/{token}/").status_code == 404
    assert client.post(f"/borgermoeder/afmeld/{pk + 1}/{token}/").status_code == 404
    # Another registration's token does not fit either.
    other = register(client, roskilde_meeting, "B", "b@example.dk")
    other_token = CANCEL_LINK.search(other.content.decode()).group("token")
    assert client.post(f"/borgermoeder/afmeld/{pk}/{other_token}/").status_code == 404
    assert Registration.objects.get(pk=pk).status == "confirmed"
    assert cancel_link(response)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@" + "b" * 260 + ".dk"}, "email"),
        ({"phone": "ring mig"}, "phone"),
        ({"phone": "1" * 31}, "phone"),
    ],
)
def test_bad_input_gets_a_field_error_and_stores_nothing(client, roskilde_meeting, data, field):
    response = register(client, roskilde_meeting, **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert not Registration.objects.exists()
    assert not mail.outbox


def test_the_same_address_registers_once(client, roskilde_meeting):
    register(client, roskilde_meeting, email="hanne@example.dk")
    response = register(client, roskilde_meeting, email="Hanne@Example.dk")
    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_after_cancelling_one_may_register_again(client, roskilde_meeting):
    client.post(cancel_link(register(client, roskilde_meeting)))
    assert register(client, roskilde_meeting).status_code == 200
    assert Registration.objects.filter(status="confirmed").count() == 1


@pytest.mark.parametrize("closed", ["past", "started", "cancelled"])
def test_a_closed_event_takes_no_registrations(client, reference, closed):
    if closed == "past":
        meeting = make_meeting(days=-3)
    elif closed == "started":
        now = timezone.now()
        meeting = make_meeting(
            starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1)
        )
    else:
        meeting = make_meeting(status=CitizenMeeting.Status.CANCELLED)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Registration for this event is closed." in page
    assert 'name="email"' not in page
    response = register(client, meeting)
    assert response.status_code == 400
    assert not Registration.objects.exists()
    assert not mail.outbox


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(client, roskilde_meeting):
    response = register(client, roskilde_meeting, website="http://cheap-pills.example")
    assert response.status_code == 200
    assert "You are registered" in response.content.decode()
    assert not Registration.objects.exists()
    assert not mail.outbox


def test_the_rate_limit_answers_429_and_stores_nothing(client, roskilde_meeting, settings):
    settings.TRYGHED_SUBMISSION_RATE = ["2/10m"]
    assert register(client, roskilde_meeting, "A", "a@example.dk").status_code == 200
    # Correcting the form does not use up the limit.
    assert register(client, roskilde_meeting, "B", "bad").status_code == 400
    assert register(client, roskilde_meeting, "B", "b@example.dk").status_code == 200
    response = register(client, roskilde_meeting, "C", "c@example.dk")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert Registration.objects.count() == 2
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.9")
    assert register(other, roskilde_meeting, "C", "c@example.dk").status_code == 200


def test_a_failing_mail_server_does_not_lose_the_registration(client, roskilde_meeting, settings):
    settings.EMAIL_BACKEND = "tests.test_citizen_meetings.BrokenBackend"
    response = register(client, roskilde_meeting)
    assert response.status_code == 200
    assert cancel_link(response)
    assert Registration.objects.get().status == "confirmed"


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


# ---- iCalendar --------------------------------------------------------------------------


def test_the_event_file_opens_the_event(client, roskilde_meeting):
    response = client.get(f"/borgermoeder/{roskilde_meeting.pk}/kalender.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    [event] = parse_calendar(response.content)
    assert event["SUMMARY"] == roskilde_meeting.title_en
    assert event.decoded("DTSTART") == roskilde_meeting.starts_at
    assert event.decoded("DTEND") == roskilde_meeting.ends_at
    assert event["LOCATION"] == "Biblioteket, Hovedgaden 1"
    assert event["STATUS"] == "CONFIRMED"
    assert event["URL"] == f"https://tryghed.example.dk/borgermoeder/{roskilde_meeting.pk}/"


def test_the_municipality_feed_has_its_public_events(client, reference):
    roskilde = make_meeting("0265", title="Borgermøde i Roskilde")
    called_off = make_meeting(
        "0265", title="Aflyst foredrag", days=10, status=CitizenMeeting.Status.CANCELLED
    )
    recent = make_meeting("0265", title="Sidste måneds møde", days=-30)
    make_meeting("0265", title="Gammelt møde", days=-200)
    make_meeting("0265", title="Lukket foredrag", is_public=False)
    make_meeting("0259", title="Borgermøde i Køge")
    response = Client().get("/borgermoeder/0265.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {str(e["SUMMARY"]): e for e in parse_calendar(response.content)}
    assert set(events) == {"Borgermøde i Roskilde", "Aflyst foredrag", "Sidste måneds møde"}
    assert events["Aflyst foredrag"]["STATUS"] == "CANCELLED"
    uids = {str(e["UID"]) for e in events.values()}
    assert len(uids) == 3
    assert events["Borgermøde i Roskilde"].decoded("DTSTART") == roskilde.starts_at
    assert called_off.pk and recent.pk


def test_the_feed_of_an_unknown_municipality_is_not_found(client, reference):
    assert client.get("/borgermoeder/9999.ics").status_code == 404
    assert client.get("/borgermoeder/265.ics").status_code == 404


def test_an_empty_feed_is_still_a_valid_calendar(client, reference):
    response = client.get("/borgermoeder/0350.ics")
    assert response.status_code == 200
    assert parse_calendar(response.content) == []


# ---- The demo ---------------------------------------------------------------------------


def test_the_demo_has_upcoming_citizen_meetings_in_several_municipalities(client, reference):
    load_demo()
    upcoming = CitizenMeeting.objects.public().upcoming()
    assert upcoming.values("municipality").distinct().count() >= 4
    before = CitizenMeeting.objects.count()
    load_demo()
    assert CitizenMeeting.objects.count() == before
    page = client.get("/borgermoeder/", {"kommune": "0265"}).content.decode()
    assert "Citizen meeting on safety in central Roskilde" in page
    assert parse_calendar(client.get("/borgermoeder/0265.ics").content)


# ---- Personal data ----------------------------------------------------------------------


def test_the_sweep_deletes_registrations_a_month_after_the_event(client, reference):
    from tryghed.citizen_meetings.sweeps import sweep

    old = make_meeting(days=-40)
    recent = make_meeting(days=-10)
    upcoming = make_meeting(days=5)
    for meeting in (old, recent, upcoming):
        Registration.objects.create(
            meeting=meeting, name="A", email="a@example.dk", status="confirmed"
        )
    Registration.objects.create(meeting=old, name="B", email="b@example.dk", status="cancelled")
    with translation.override("en"):
        lines = sweep(now=timezone.now())
    assert lines == [
        "Citizen meetings: deleted 2 registrations of events that ended over 30 days ago."
    ]
    assert set(Registration.objects.values_list("meeting", flat=True)) == {
        recent.pk,
        upcoming.pk,
    }
    assert sweep(now=timezone.now()) == []
    assert CitizenMeeting.objects.count() == 3


def test_the_sweep_reminds_the_registered_the_day_before_once(reference):
    from tryghed.citizen_meetings.sweeps import sweep

    tomorrow = make_meeting(days=1, capacity=1)
    next_week = make_meeting(days=7)
    called_off = make_meeting(days=1, status=CitizenMeeting.Status.CANCELLED)
    # Read after the meetings, whose start is cut to the second: read before, a second
    # turning in between would put tomorrow's start just beyond the day ahead.
    now = timezone.now()
    long_ago = now - dt.timedelta(days=3)

    def add(meeting, email, status="confirmed", **fields):
        return Registration.objects.create(
            meeting=meeting,
            name=email.split("@")[0],
            email=email,
            status=status,
            created_at=fields.pop("created_at", long_ago),
            **fields,
        )

    add(tomorrow, "anne@example.dk")
    add(tomorrow, "bent@example.dk", "waiting")
    add(tomorrow, "carl@example.dk", "cancelled")
    add(tomorrow, "dorte@example.dk", created_at=now - dt.timedelta(hours=1))
    add(tomorrow, "erik@example.dk", promoted_at=now - dt.timedelta(hours=2))
    add(next_week, "frida@example.dk")
    add(called_off, "gustav@example.dk")

    with translation.override("en"):
        assert sweep(now=now) == ["Citizen meetings: sent 1 reminder."]
    [reminder] = mail.outbox
    assert reminder.to == ["anne@example.dk"]
    assert "Påmindelse" in reminder.subject
    assert "/borgermoeder/afmeld/" in reminder.body
    assert reminder.attachments
    assert sweep(now=now + dt.timedelta(minutes=1)) == []
    assert len(mail.outbox) == 1


def test_the_promotion_is_written_in_the_language_of_the_one_who_moves_up(
    client, roskilde_meeting, django_capture_on_commit_callbacks
):
    first = register(client, roskilde_meeting, "A", "a@example.dk")
    register(client, roskilde_meeting, "B", "b@example.dk")
    register(Client(), roskilde_meeting, "C", "c@example.dk")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_link(first))
    [promotion] = mail.outbox
    assert promotion.to == ["c@example.dk"]
    assert promotion.subject.startswith("Du har fået en plads")
    assert "rykket op fra ventelisten" in promotion.body


def test_an_address_no_mail_can_reach_is_refused(client, roskilde_meeting):
    response = register(client, roskilde_meeting, email="a@" + "ø" * 60 + ".dk")
    assert response.status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "\u200b"}, "name"),
        ({"name": "\u200b\u2060 \u00ad"}, "name"),
        ({"name": "\x07\x7f"}, "name"),
        ({"phone": "+"}, "phone"),
        ({"phone": "()"}, "phone"),
        ({"phone": "-"}, "phone"),
        ({"phone": "+ ( ) - -"}, "phone"),
    ],
)
def test_invisible_names_and_phones_without_digits_are_refused(
    client, roskilde_meeting, data, field
):
    """As the service desk's form: text that shows nothing, a number with no digits."""
    response = register(client, roskilde_meeting, **data)
    assert response.status_code == 400
    assert f'href="#id_{field}"' in response.content.decode()
    assert not Registration.objects.exists()
    assert not mail.outbox


@pytest.mark.parametrize("name", ["Anna\x07Holm", "Anna\x7fHolm", "Anna\u202eHolm"])
def test_control_characters_are_dropped_from_the_name(client, roskilde_meeting, name):
    """They draw nothing, or turn the text around, on the attendee list and in e-mails."""
    assert register(client, roskilde_meeting, name=name).status_code == 200
    assert Registration.objects.get().name == "AnnaHolm"


def test_a_phone_number_as_people_write_it_is_kept(client, roskilde_meeting):
    assert register(client, roskilde_meeting, phone="+45 (12) 34-56-78").status_code == 200
    assert Registration.objects.get().phone == "+45 (12) 34-56-78"
