"""Every council-meeting view walked for every persona: members see their councils' meetings,
internal papers only members, other councils' members and the outsider nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access import StaffView, StaffViewAccess
from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting, pdf_bytes, upload
from tryghed.meetings import actions
from tryghed.meetings.models import AgendaItem, Meeting

ALL_STAFF = {
    "secretariat",
    "district_staff",
    "koege_officer",
    "greve_staff",
    "council_member",
}
KREDSRAAD_READERS = {"secretariat", "district_staff", "council_member"}
KOEGE_READERS = {"secretariat", "district_staff", "koege_officer"}
RUNS = {"secretariat"}


def url(name, *keys):
    return lambda ctx: reverse(f"staff:meetings:{name}", args=[ctx[k] for k in keys])


@pytest.fixture
def ctx(councils, people, media, secretariat):
    meeting = make_meeting(councils["kredsraad"], secretariat)
    item = AgendaItem.objects.create(meeting=meeting, title="Punkt", order=1)
    internal = actions.add_document(
        meeting,
        by=secretariat,
        title="Internt notat",
        file=upload("notat.pdf", pdf_bytes()),
        internal=True,
    )
    decision = actions.record_decision(
        item,
        by=secretariat,
        kind="action",
        text="Handling",
        action_title="Notat til kredsrådet",
        owner=people["secretary"],
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )
    koege_meeting = make_meeting(councils["koege"], secretariat, title="Lokalrådsmøde")
    return {
        "meeting": meeting.pk,
        "item": item.pk,
        "document": internal.pk,
        "follow_up": decision.follow_up.pk,
        "kredsraad": councils["kredsraad"].pk,
        "koege": councils["koege"].pk,
        "koege_meeting": koege_meeting.pk,
        "year": timezone.localdate().year,
        "director": people["director"].pk,
    }


class TestMeetingViews(StaffViewAccess):
    views = [
        StaffView("list", url("list"), ALL_STAFF),
        StaffView("my_calendar", url("my_calendar"), ALL_STAFF | {"foreign_secretariat"}),
        StaffView("council", url("council", "kredsraad"), KREDSRAAD_READERS),
        StaffView("koege_council", url("council", "koege"), KOEGE_READERS),
        StaffView("meeting", url("meeting", "meeting"), KREDSRAAD_READERS),
        StaffView("koege_meeting", url("meeting", "koege_meeting"), KOEGE_READERS),
        StaffView("internal_paper", url("document", "document"), {"secretariat", "council_member"}),
        StaffView("pack", url("pack", "meeting"), KREDSRAAD_READERS),
        StaffView("ics", url("ics", "meeting"), KREDSRAAD_READERS),
        StaffView("koege_ics", url("ics", "koege_meeting"), KOEGE_READERS),
        StaffView("annual_report", url("annual_report", "koege", "year"), KOEGE_READERS),
        StaffView("add", url("add", "kredsraad"), RUNS),
        StaffView("edit", url("edit", "meeting"), RUNS),
        StaffView("invite", url("invite", "meeting"), RUNS),
        StaffView("attendance", url("attendance", "meeting"), RUNS),
        StaffView("document_add", url("document_add", "meeting"), RUNS),
        StaffView("item_add", url("item_add", "meeting"), RUNS),
        StaffView("item_edit", url("item_edit", "item"), RUNS),
        StaffView("minutes", url("minutes", "item"), RUNS),
        StaffView("decision_add", url("decision_add", "item"), RUNS),
        StaffView("follow_up_done", url("follow_up_done", "follow_up"), RUNS),
        StaffView("approve", url("approve", "meeting"), RUNS, method="post", ok_status=302),
        StaffView("cancel", url("cancel", "meeting"), RUNS, method="post", ok_status=302),
        StaffView(
            "person_feed",
            lambda ctx: reverse(
                "staff:meetings:person_feed", args=[ctx["kredsraad"], ctx["director"]]
            ),
            RUNS,
            method="post",
            ok_status=302,
        ),
        StaffView(
            "council_feed", url("council_feed", "kredsraad"), RUNS, method="post", ok_status=302
        ),
        StaffView(
            "document_delete",
            url("document_delete", "document"),
            RUNS,
            method="post",
            ok_status=302,
        ),
        StaffView(
            "add_post",
            url("add", "kredsraad"),
            RUNS,
            method="post",
            data={"title": "x", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"},
            ok_status=200,
        ),
    ]


@pytest.mark.django_db
def test_members_of_another_council_see_nothing_of_it(
    councils, people, secretariat, koege_member, client_for
):
    kreds = make_meeting(councils["kredsraad"], secretariat)
    koege = make_meeting(councils["koege"], secretariat, title="Lokalrådsmøde Køge")
    greve = make_meeting(councils["greve"], secretariat, title="Lokalrådsmøde Greve")
    client = client_for(koege_member)
    assert client.get(koege.get_absolute_url()).status_code == 200
    assert client.get(kreds.get_absolute_url()).status_code == 404
    assert client.get(greve.get_absolute_url()).status_code == 404
    page = client.get(reverse("staff:meetings:list")).content.decode()
    assert "Lokalrådsmøde Køge" in page
    assert "Lokalrådsmøde Greve" not in page and "Kredsrådsmøde" not in page


@pytest.mark.django_db
def test_an_invited_guest_with_an_account_reads_that_meeting(
    councils, people, secretariat, greve_staff, client_for
):
    from tryghed.organisation.models import Person

    meeting = make_meeting(councils["kredsraad"], secretariat)
    other = make_meeting(councils["kredsraad"], secretariat, days=40)
    person = Person.objects.create(name="Greve-medarbejder", user=greve_staff)
    actions.invite(meeting, by=secretariat, person=person)
    client = client_for(greve_staff)
    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert Meeting.objects.visible_to(greve_staff).filter(pk=meeting.pk).count() == 1
