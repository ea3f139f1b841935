"""Private iCalendar feeds of council meetings, by secret address: a council's and a person's."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import _seat, make_meeting
from tryghed.audit.models import AuditEntry
from tryghed.meetings import actions, ical
from tryghed.meetings.models import CalendarFeed

pytestmark = pytest.mark.django_db


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_council_feed_by_secret_address(councils, people, secretariat, client_for, client):
    first = make_meeting(councils["kredsraad"], secretariat, title="Marts")
    actions.cancel_meeting(
        make_meeting(councils["kredsraad"], secretariat, days=40, title="Maj"), by=secretariat
    )
    make_meeting(councils["koege"], secretariat, title="Køge-mødet")
    staff = client_for(secretariat)
    response = staff.post(reverse("staff:meetings:council_feed", args=[councils["kredsraad"].pk]))
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(council=councils["kredsraad"])
    assert AuditEntry.objects.filter(object_id=str(feed.pk)).exists()
    assert feed.secret not in str(AuditEntry.objects.values_list("changes", flat=True))
    page = staff.get(reverse("staff:meetings:council", args=[councils["kredsraad"].pk]))
    assert feed.get_absolute_url() in page.content.decode()
    # The calendar program has no login: the secret address is enough.
    found = events(client.get(feed.get_absolute_url()))
    assert set(found) == {"Kredsrådet: Marts", "Kredsrådet: Maj"}
    event = found["Kredsrådet: Marts"]
    assert event["dtstart"].dt == first.starts_at
    assert event["dtend"].dt == first.ends_at
    assert str(event["location"]) == "Politigården, Næstved"
    assert str(found["Kredsrådet: Maj"]["status"]) == "CANCELLED"
    # A new address replaces the old one.
    old = feed.get_absolute_url()
    staff.post(reverse("staff:meetings:council_feed", args=[councils["kredsraad"].pk]))
    assert client.get(old).status_code == 404
    feed.refresh_from_db()
    assert client.get(feed.get_absolute_url()).status_code == 200


def test_person_feed_has_the_meetings_they_are_invited_to(
    councils, people, secretariat, council_member, client_for, client
):
    make_meeting(councils["kredsraad"], secretariat, title="Kredsråd")
    make_meeting(councils["koege"], secretariat, title="Køge")  # the mayor is not on it
    member = client_for(council_member)
    assert member.post(reverse("staff:meetings:my_calendar")).status_code == 302
    feed = CalendarFeed.objects.get(person=people["mayor"])
    page = member.get(reverse("staff:meetings:my_calendar")).content.decode()
    assert feed.get_absolute_url() in page
    assert set(events(client.get(feed.get_absolute_url()))) == {"Kredsrådet: Kredsråd"}


def test_unknown_secret_is_not_found(client):
    assert client.get(reverse("staff:meetings:feed", args=["guess"])).status_code == 404


def test_moving_a_meeting_raises_its_sequence(councils, people, secretariat, client):
    meeting = make_meeting(councils["kredsraad"], secretariat)
    feed = actions.issue_feed(by=secretariat, council=councils["kredsraad"])
    actions.update_meeting(meeting, by=secretariat, place="Rådhuset, Holbæk")
    event = next(iter(events(client.get(feed.get_absolute_url())).values()))
    assert int(event["sequence"]) == 1
    assert str(event["location"]) == "Rådhuset, Holbæk"


def test_secretariat_gives_a_member_without_account_a_calendar(
    councils, people, secretariat, district_staff, client_for, client
):
    make_meeting(councils["kredsraad"], secretariat, title="Kredsråd")
    director = people["director"]
    assert director.user is None
    feed_url = reverse("staff:meetings:person_feed", args=[councils["kredsraad"].pk, director.pk])
    assert client_for(district_staff).post(feed_url).status_code == 404
    staff = client_for(secretariat)
    assert staff.post(feed_url).status_code == 302
    feed = CalendarFeed.objects.get(person=director)
    page = staff.get(reverse("staff:meetings:council", args=[councils["kredsraad"].pk]))
    assert feed.get_absolute_url() in page.content.decode()
    assert set(events(client.get(feed.get_absolute_url()))) == {"Kredsrådet: Kredsråd"}
    # Only the council's own members: the Køge leader sits on another council.
    other = reverse(
        "staff:meetings:person_feed", args=[councils["kredsraad"].pk, people["leader"].pk]
    )
    assert staff.post(other).status_code == 404


def test_one_meeting_as_a_file_is_the_feeds_event(councils, people, secretariat, client_for):
    meeting = make_meeting(councils["kredsraad"], secretariat, title="Marts")
    make_meeting(councils["kredsraad"], secretariat, days=40, title="Maj")
    staff = client_for(secretariat)
    page = staff.get(reverse("staff:meetings:meeting", args=[meeting.pk])).content.decode()
    address = reverse("staff:meetings:ics", args=[meeting.pk])
    assert address in page
    response = staff.get(address)
    assert response["Content-Disposition"].startswith('attachment; filename="moede-')
    (event,) = events(response).values()
    assert event["dtstart"].dt == meeting.starts_at and event["dtend"].dt == meeting.ends_at
    # The same UID as in the feeds: a calendar that has both shows the meeting once.
    assert str(event["uid"]) == ical.uid(meeting)


def test_lokalraad_secretary_reads_the_kredsraad_through_a_members_feed(
    councils, people, organisations, secretariat, council_member, koege_secretary, client_for
):
    mayor = people["mayor"]
    _seat(councils["koege"], mayor, organisations["koege"])
    make_meeting(
        councils["kredsraad"],
        secretariat,
        title="Fortroligt kredsrådsmøde",
        video_url="https://video.example/kredsraad",
    )
    client_for(council_member).post(reverse("staff:meetings:my_calendar"))
    feed = CalendarFeed.objects.get(person=mayor)
    secretary = client_for(koege_secretary)
    page = secretary.get(reverse("staff:meetings:council", args=[councils["koege"].pk]))
    assert page.status_code == 200
    assert feed.get_absolute_url() not in page.content.decode()
    # Nor can the secretary take the member's address from them.
    audited = AuditEntry.objects.count()
    url = reverse("staff:meetings:person_feed", args=[councils["koege"].pk, mayor.pk])
    assert secretary.post(url).status_code == 404
    assert CalendarFeed.objects.get(person=mayor).secret == feed.secret
    assert AuditEntry.objects.count() == audited
    # The member still has their address, and the district secretariat still sees it.
    own = client_for(council_member).get(reverse("staff:meetings:my_calendar"))
    assert feed.get_absolute_url() in own.content.decode()
    staff = client_for(secretariat).get(
        reverse("staff:meetings:council", args=[councils["koege"].pk])
    )
    assert feed.get_absolute_url() in staff.content.decode()


def test_lokalraad_secretary_gives_only_their_own_members_a_calendar(
    councils, people, secretariat, koege_secretary, client_for, client
):
    leader = people["leader"]
    koege = councils["koege"]
    make_meeting(koege, koege_secretary, title="Lokalråd")
    secretary = client_for(koege_secretary)
    url = reverse("staff:meetings:person_feed", args=[koege.pk, leader.pk])
    assert secretary.post(url).status_code == 302
    feed = CalendarFeed.objects.get(person=leader)
    page = secretary.get(reverse("staff:meetings:council", args=[koege.pk]))
    assert feed.get_absolute_url() in page.content.decode()
    assert set(events(client.get(feed.get_absolute_url()))) == {"Lokalråd Køge: Lokalråd"}
    # Once the leader is invited to a kredsråd meeting, the lokalråd's secretary no longer sees
    # or replaces the address. Having seen it, they could still read it: so it keeps listing only
    # the meetings they run, and the leader makes a new address to get the kredsråd's too.
    meeting = make_meeting(councils["kredsraad"], secretariat, title="Kredsråd")
    actions.invite(meeting, by=secretariat, person=leader)
    assert set(events(client.get(feed.get_absolute_url()))) == {"Lokalråd Køge: Lokalråd"}
    page = secretary.get(reverse("staff:meetings:council", args=[koege.pk]))
    assert feed.get_absolute_url() not in page.content.decode()
    assert secretary.post(url).status_code == 404
    assert CalendarFeed.objects.get(person=leader).secret == feed.secret
