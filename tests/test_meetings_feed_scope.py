"""A member's private calendar address that someone else has seen (a lokalråd's secretary who
made it or was shown it) lists only the meetings that person runs, even after the member is
invited to another council's meetings; the member gets a full calendar again by making a new
address, which nobody else has seen."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from icalendar import Calendar

from tests.conftest import _user
from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting
from tryghed.audit.models import AuditEntry
from tryghed.meetings import actions
from tryghed.meetings.models import CalendarFeed, CalendarFeedViewer

pytestmark = pytest.mark.django_db

MY_CALENDAR = reverse("staff:meetings:my_calendar")
# The notice on "My calendar", read in English (the Danish follows the English msgid).
WITHHELD = "Others than you have seen this address"


def titles(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return {str(event["summary"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}


def council_page(client, council):
    response = client.get(reverse("staff:meetings:council", args=[council.pk]))
    assert response.status_code == 200
    return response.content.decode()


def invite_to_kredsraad(councils, secretariat, person):
    meeting = make_meeting(
        councils["kredsraad"],
        secretariat,
        days=20,
        title="Fortroligt kredsrådsmøde",
        video_url="https://video.example/kredsraad",
    )
    actions.invite(meeting, by=secretariat, person=person)
    return meeting


def test_address_the_secretary_made_does_not_list_a_later_kredsraad_meeting(
    councils, people, secretariat, koege_secretary, client_for, client
):
    leader, koege = people["leader"], councils["koege"]
    make_meeting(koege, koege_secretary, title="Lokalråd")
    secretary = client_for(koege_secretary)
    url = reverse("staff:meetings:person_feed", args=[koege.pk, leader.pk])
    assert secretary.post(url).status_code == 302
    feed = CalendarFeed.objects.get(person=leader)
    assert feed.get_absolute_url() in council_page(secretary, koege)
    invite_to_kredsraad(councils, secretariat, leader)
    # The secretary still holds the address they copied: it keeps the lokalråd's meetings,
    # which the leader's calendar had, and nothing of the kredsråd's.
    response = client.get(feed.get_absolute_url())
    assert titles(response) == {"Lokalråd Køge: Lokalråd"}
    assert b"video.example" not in response.content


def test_address_shown_to_the_secretary_is_marked_and_the_member_can_replace_it(
    councils, people, secretariat, koege_secretary, client_for, client
):
    leader, koege = people["leader"], councils["koege"]
    leader.user = _user("leader")
    leader.save(update_fields=["user"])
    make_meeting(koege, koege_secretary, title="Lokalråd")
    member = client_for(leader.user, language="en")
    assert member.post(MY_CALENDAR).status_code == 302
    feed = CalendarFeed.objects.get(person=leader)
    assert not feed.viewers.exists()

    secretary = client_for(koege_secretary)
    assert feed.get_absolute_url() in council_page(secretary, koege)
    assert list(feed.viewers.values_list("user", flat=True)) == [koege_secretary.pk]
    entry = AuditEntry.objects.get(object_id=str(feed.pk), message="address shown")
    assert entry.actor == koege_secretary
    assert entry.district_id == koege.district_id
    assert feed.secret not in str(entry.changes)
    # Seeing it again records nothing new.
    council_page(secretary, koege)
    assert AuditEntry.objects.filter(object_id=str(feed.pk), message="address shown").count() == 1

    invite_to_kredsraad(councils, secretariat, leader)
    assert titles(client.get(feed.get_absolute_url())) == {"Lokalråd Køge: Lokalråd"}
    # The secretary no longer sees the address, and the member is told why the kredsråd's
    # meeting is missing from their calendar.
    assert feed.get_absolute_url() not in council_page(secretary, koege)
    own = member.get(MY_CALENDAR).content.decode()
    assert feed.get_absolute_url() in own
    assert WITHHELD in own

    # A new address from the member's own page has all their meetings; nobody else has it.
    assert member.post(MY_CALENDAR).status_code == 302
    assert client.get(feed.get_absolute_url()).status_code == 404
    fresh = CalendarFeed.objects.get(person=leader)
    assert not fresh.viewers.exists()
    assert titles(client.get(fresh.get_absolute_url())) == {
        "Lokalråd Køge: Lokalråd",
        "Kredsrådet: Fortroligt kredsrådsmøde",
    }
    assert WITHHELD not in member.get(MY_CALENDAR).content.decode()
    assert fresh.get_absolute_url() not in council_page(secretary, koege)


def test_showing_members_their_own_address_marks_nothing(
    councils, people, organisations, secretariat, koege_secretary, client_for, client
):
    koege = councils["koege"]
    make_meeting(koege, koege_secretary, title="Lokalråd")
    secretary_person = koege_secretary.person
    own = client_for(koege_secretary, language="en")
    assert own.post(MY_CALENDAR).status_code == 302
    feed = CalendarFeed.objects.get(person=secretary_person)
    # The secretary sits on the lokalråd too: their own row in the members' table, their own
    # page, and a new address made from the council's page are all their own.
    assert feed.get_absolute_url() in council_page(own, koege)
    assert feed.get_absolute_url() in own.get(MY_CALENDAR).content.decode()
    url = reverse("staff:meetings:person_feed", args=[koege.pk, secretary_person.pk])
    assert own.post(url).status_code == 302
    feed = CalendarFeed.objects.get(person=secretary_person)
    assert feed.get_absolute_url() in council_page(own, koege)
    assert not feed.viewers.exists()
    invite_to_kredsraad(councils, secretariat, secretary_person)
    assert titles(client.get(feed.get_absolute_url())) == {
        "Lokalråd Køge: Lokalråd",
        "Kredsrådet: Fortroligt kredsrådsmøde",
    }
    assert WITHHELD not in own.get(MY_CALENDAR).content.decode()


def test_the_district_secretariat_keeps_what_it_runs(
    councils, people, secretariat, koege_secretary, client_for, client
):
    leader, koege = people["leader"], councils["koege"]
    make_meeting(koege, koege_secretary, title="Lokalråd")
    staff = client_for(secretariat)
    url = reverse("staff:meetings:person_feed", args=[koege.pk, leader.pk])
    assert staff.post(url).status_code == 302
    feed = CalendarFeed.objects.get(person=leader)
    assert list(feed.viewers.values_list("user", flat=True)) == [secretariat.pk]
    invite_to_kredsraad(councils, secretariat, leader)
    # The secretariat runs both councils: the address lists both, and it may still see it.
    assert titles(client.get(feed.get_absolute_url())) == {
        "Lokalråd Køge: Lokalråd",
        "Kredsrådet: Fortroligt kredsrådsmøde",
    }
    assert feed.get_absolute_url() in council_page(staff, koege)


def test_an_address_seen_from_a_closed_account_lists_nothing(
    councils, people, koege_secretary, client_for, client
):
    leader, koege = people["leader"], councils["koege"]
    make_meeting(koege, koege_secretary, title="Lokalråd")
    url = reverse("staff:meetings:person_feed", args=[koege.pk, leader.pk])
    assert client_for(koege_secretary).post(url).status_code == 302
    feed = CalendarFeed.objects.get(person=leader)
    koege_secretary.is_active = False
    koege_secretary.save(update_fields=["is_active"])
    assert titles(client.get(feed.get_absolute_url())) == set()
    koege_secretary.delete()
    assert feed.viewers.get().user is None
    assert titles(client.get(feed.get_absolute_url())) == set()


def test_existing_addresses_are_marked_as_seen(councils, people, secretariat, koege_secretary):
    migration = importlib.import_module("tryghed.meetings.migrations.0003_calendarfeedviewer")
    leader, director, mayor = people["leader"], people["director"], people["mayor"]
    # The leader sits on Køge's lokalråd alone: its secretary may have been shown the address.
    by_member = CalendarFeed.objects.create(person=leader, created_by=None)
    # Made by the secretariat for the director; the mayor made their own, and sits on the
    # kredsråd, which the lokalråd's secretary does not run.
    by_staff = CalendarFeed.objects.create(person=director, created_by=secretariat)
    own = CalendarFeed.objects.create(person=mayor, created_by=mayor.user)
    migration.mark_viewers(apps, None)
    assert set(CalendarFeedViewer.objects.values_list("feed", "user")) == {
        (by_member.pk, koege_secretary.pk),
        (by_staff.pk, secretariat.pk),
    }
    assert not own.viewers.exists()
