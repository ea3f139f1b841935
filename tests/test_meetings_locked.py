"""What stays as the approved minutes have it, what a guest reads, and odd input to the
meeting forms: each answered plainly, never with a server error."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting
from tryghed.audit.models import AuditEntry
from tryghed.meetings import actions
from tryghed.meetings.models import AgendaItem, Decision, Meeting, Participant
from tryghed.organisation.models import Person

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"staff:meetings:{name}", args=args)


@pytest.fixture
def approved(councils, people, secretariat):
    meeting = make_meeting(councils["kredsraad"], secretariat, days=-2)
    item = AgendaItem.objects.create(meeting=meeting, title="Kriminalitetsudvikling", order=1)
    actions.write_minutes(item, by=secretariat, minutes="Indbrud er faldet.")
    actions.approve_minutes(meeting, by=secretariat)
    return meeting


def test_after_approval_no_one_is_invited_and_the_meeting_keeps_its_details(
    approved, secretariat, client_for
):
    client = client_for(secretariat)
    participants = Participant.objects.filter(meeting=approved).count()
    entries = AuditEntry.objects.count()
    response = client.post(url("invite", approved.pk), {"guest_name": "Sen gæst"})
    assert response.status_code == 200
    assert "referatet er godkendt" in response.content.decode().lower()
    edit = {
        "title": "Et andet møde",
        "starts_at": "2031-01-01T10:00",
        "ends_at": "2031-01-01T12:00",
        "place": "Et andet sted",
    }
    response = client.post(url("edit", approved.pk), edit)
    assert response.status_code == 200
    assert "referatet er godkendt" in response.content.decode().lower()
    meeting = Meeting.objects.get(pk=approved.pk)
    assert (meeting.title, meeting.starts_at) == (approved.title, approved.starts_at)
    assert meeting.minutes_version == 1
    assert Participant.objects.filter(meeting=approved).count() == participants
    assert AuditEntry.objects.count() == entries
    page = client.get(approved.get_absolute_url()).content.decode()
    assert url("invite", approved.pk) not in page and url("edit", approved.pk) not in page


def test_a_guest_reads_the_meeting_but_not_the_councils_actions(
    councils, people, secretariat, greve_staff, client_for
):
    earlier = make_meeting(councils["kredsraad"], secretariat, days=-20)
    item = AgendaItem.objects.create(meeting=earlier, title="Tryghedsvandring", order=1)
    actions.record_decision(
        item,
        by=secretariat,
        kind=Decision.Kind.ACTION,
        text="Vandring i Ølby",
        action_title="Planlæg tryghedsvandring i Ølby",
        owner=people["director"],
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    meeting = make_meeting(councils["kredsraad"], secretariat)
    guest = Person.objects.create(name="Greve-medarbejder", user=greve_staff)
    actions.invite(meeting, by=secretariat, person=guest)
    page = client_for(greve_staff).get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert "Planlæg tryghedsvandring i Ølby" not in page.content.decode()
    page = client_for(secretariat).get(meeting.get_absolute_url())
    assert "Planlæg tryghedsvandring i Ølby" in page.content.decode()


def test_a_line_break_in_a_title_leaves_the_calendar_file_whole(
    councils, people, secretariat, client_for
):
    meeting = make_meeting(councils["kredsraad"], secretariat, title="Møde\r\nto")
    response = client_for(secretariat).get(url("ics", meeting.pk))
    assert response.status_code == 200
    assert b"X-WR-CALNAME:M\xc3\xb8de to\r\n" in response.content


@pytest.mark.parametrize(
    "starts, ends",
    [("0001-01-01T00:00", "0001-01-01T01:00"), ("9999-12-31T22:00", "9999-12-31T23:00")],
)
def test_a_meeting_in_an_odd_year_is_refused(
    councils, people, secretariat, client_for, starts, ends
):
    meetings = Meeting.objects.count()
    response = client_for(secretariat).post(
        url("add", councils["kredsraad"].pk),
        {"title": "Møde", "starts_at": starts, "ends_at": ends, "place": "Næstved"},
    )
    assert response.status_code == 200
    assert "Angiv et år fra 2000 til 2100." in response.content.decode()
    assert Meeting.objects.count() == meetings


def test_an_item_added_at_the_end_fits_its_number(kredsraad_meeting, secretariat, client_for):
    client = client_for(secretariat)
    response = client.post(url("item_add", kredsraad_meeting.pk), {"title": "A", "order": "32767"})
    assert response.status_code == 200
    assert AgendaItem.objects.count() == 0
    client.post(url("item_add", kredsraad_meeting.pk), {"title": "A", "order": "999"})
    client.post(url("item_add", kredsraad_meeting.pk), {"title": "B", "order": ""})
    orders = list(AgendaItem.objects.order_by("pk").values_list("title", "order"))
    assert orders == [("A", 999), ("B", 999)]
    titles = [item.title for item in kredsraad_meeting.agenda_items.all()]
    assert titles == ["A", "B"]


def test_an_initiative_decided_by_a_council_with_a_long_name_gets_an_id_that_fits(
    kredsraad_meeting, plan, secretariat, client_for
):
    council = kredsraad_meeting.council
    council.slug = ("kredsraadet-for-" + "midt-og-vestsjaellands-politi-og-kommunerne-" * 2)[:100]
    council.save(update_fields=["slug"])
    area = plan.focus_areas.get()
    item = AgendaItem.objects.create(meeting=kredsraad_meeting, title="Indbrud", order=1)
    for title in ("Nabohjælp", "Tryghedsvandringer"):
        response = client_for(secretariat).post(
            url("decision_add", item.pk),
            {
                "kind": "create_initiative",
                "text": title,
                "initiative_title": title,
                "focus_area": area.pk,
            },
        )
        assert response.status_code == 302
    ids = list(
        plan.initiatives.filter(title__in=["Nabohjælp", "Tryghedsvandringer"])
        .order_by("pk")
        .values_list("external_id", flat=True)
    )
    assert [len(i) <= 64 for i in ids] == [True, True]
    assert ids[0].endswith("-1") and ids[1].endswith("-2")
    assert ids[0].startswith("KREDSRAADET-FOR-MIDT")


def test_a_meeting_past_midnight_shows_the_day_it_ends(councils, people, secretariat, client_for):
    start = timezone.localtime().replace(hour=22, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=10)
    meeting = actions.create_meeting(
        councils["kredsraad"],
        by=secretariat,
        title="Natmøde",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="Næstved",
    )
    with translation.override("da"):
        ends = formats.date_format(start + dt.timedelta(days=1), "DATE_FORMAT")
    page = client_for(secretariat).get(meeting.get_absolute_url()).content.decode()
    assert f"–{ends}, 01:00" in page
