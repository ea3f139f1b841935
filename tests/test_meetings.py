"""Council meetings through the back office: planning, agenda, papers, minutes, decisions,
actions that follow the council until done, approval and versions, and the audit log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting, pdf_bytes, upload
from tryghed.audit.models import AuditEntry
from tryghed.meetings import actions
from tryghed.meetings.models import (
    AgendaItem,
    Decision,
    Document,
    FollowUp,
    Meeting,
    MinutesVersion,
    Participant,
)
from tryghed.plans.models import Initiative

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"staff:meetings:{name}", args=args)


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_secretariat_plans_a_meeting_and_the_members_are_invited(
    councils, people, secretariat, client_for
):
    client = client_for(secretariat)
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=20)
    response = client.post(
        url("add", councils["kredsraad"].pk),
        {
            "title": "Kredsrådsmøde 2. kvartal",
            "starts_at": local(starts),
            "ends_at": local(starts + dt.timedelta(hours=2)),
            "place": "Politigården, Næstved",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    invited = {p.person for p in meeting.participants.all()}
    assert invited == {people["director"], people["mayor"], people["secretary"]}
    assert AuditEntry.objects.filter(object_id=str(meeting.pk), action="create").exists()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Kredsrådsmøde 2. kvartal" in page and "Borgmester Jensen" in page


def test_bad_meeting_input_changes_nothing(councils, people, secretariat, client_for):
    client = client_for(secretariat)
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=20)
    response = client.post(
        url("add", councils["kredsraad"].pk),
        {"title": "Møde", "starts_at": local(starts), "ends_at": local(starts)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mødet skal slutte, efter at det er begyndt." in page
    assert "Angiv et sted eller et videolink." in page
    assert not Meeting.objects.exists()
    response = client.post(url("add", councils["kredsraad"].pk), {"starts_at": "i morgen"})
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_agenda_is_a_numbered_tree_linked_to_the_plan(
    kredsraad_meeting, plan, secretariat, client_for
):
    client = client_for(secretariat)
    meeting = kredsraad_meeting
    initiative = plan.initiatives.get(external_id="T-1.1")
    area = plan.focus_areas.get()
    response = client.post(
        url("item_add", meeting.pk), {"title": "Status på indbrud", "focus_area": area.pk}
    )
    assert response.status_code == 302
    parent = AgendaItem.objects.get()
    client.post(
        url("item_add", meeting.pk),
        {"title": "Opfølgning i Køge", "parent": parent.pk, "initiative": initiative.pk},
    )
    client.post(url("item_add", meeting.pk), {"title": "Eventuelt"})
    child = AgendaItem.objects.get(title="Opfølgning i Køge")
    assert child.parent == parent and child.initiative == initiative
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "1. Status på indbrud" in page
    assert "1.1. Opfølgning i Køge" in page
    assert "2. Eventuelt" in page
    assert initiative.get_absolute_url() in page
    # An item cannot be put under its own sub-item; nothing changes.
    response = client.post(
        url("item_edit", parent.pk), {"title": "Status på indbrud", "parent": child.pk}
    )
    assert response.status_code == 200
    assert "Et punkt kan ikke placeres under sig selv." in response.content.decode()
    parent.refresh_from_db()
    assert parent.parent is None


def test_agenda_item_cannot_link_another_districts_plan(
    kredsraad_meeting, plan, other_district, secretariat, client_for
):
    from tryghed.plans.models import CooperationPlan, FocusArea

    foreign = CooperationPlan.objects.create(district=other_district, year=2023, title="Plan")
    area = FocusArea.objects.create(plan=foreign, slug="x", title="Fremmed")
    response = client_for(secretariat).post(
        url("item_add", kredsraad_meeting.pk), {"title": "Punkt", "focus_area": area.pk}
    )
    assert response.status_code == 200
    assert not AgendaItem.objects.exists()


def test_papers_are_pdfs_of_limited_size(
    kredsraad_meeting, media, secretariat, client_for, monkeypatch
):
    client = client_for(secretariat)
    meeting = kredsraad_meeting
    entries = AuditEntry.objects.count()
    response = client.post(
        url("document_add", meeting.pk),
        {"title": "Noter", "file": upload("noter.pdf", b"just some text, not a pdf")},
    )
    assert "Filen er ikke et PDF-dokument." in response.content.decode()
    response = client.post(
        url("document_add", meeting.pk),
        {"title": "Billede", "file": upload("foto.png", b"\x89PNG\r\n", "image/png")},
    )
    assert "Kun PDF-filer kan uploades." in response.content.decode()
    from tryghed.meetings import forms

    monkeypatch.setattr(forms, "MAX_DOCUMENT_BYTES", 100)
    response = client.post(
        url("document_add", meeting.pk),
        {"title": "Stor", "file": upload("stor.pdf", pdf_bytes())},
    )
    assert "Filen er større end 20 MB." in response.content.decode()
    assert not Document.objects.exists() and AuditEntry.objects.count() == entries
    monkeypatch.undo()
    response = client.post(
        url("document_add", meeting.pk),
        {"title": "Kriminalitetsudvikling", "file": upload("udvikling.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.size > 0
    download = client.get(url("document", document.pk))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_internal_papers_are_read_by_members_only(
    kredsraad_meeting, media, secretariat, council_member, district_staff, client_for
):
    internal = actions.add_document(
        kredsraad_meeting,
        by=secretariat,
        title="Fortroligt notat",
        file=upload("notat.pdf", pdf_bytes()),
        internal=True,
    )
    public = actions.add_document(
        kredsraad_meeting,
        by=secretariat,
        title="Dagsordensbilag",
        file=upload("bilag.pdf", pdf_bytes()),
    )
    member = client_for(council_member)
    assert "Fortroligt notat" in member.get(kredsraad_meeting.get_absolute_url()).content.decode()
    assert member.get(url("document", internal.pk)).status_code == 200
    staff = client_for(district_staff)
    page = staff.get(kredsraad_meeting.get_absolute_url()).content.decode()
    assert "Dagsordensbilag" in page and "Fortroligt notat" not in page
    assert staff.get(url("document", internal.pk)).status_code == 404
    assert staff.get(url("document", public.pk)).status_code == 200


def test_decision_creates_an_action_that_follows_the_council_until_done(
    councils, people, plan, secretariat, client_for
):
    client = client_for(secretariat)
    kreds = councils["kredsraad"]
    first = make_meeting(kreds, secretariat, days=-7, title="Marts-mødet")
    later = make_meeting(kreds, secretariat, days=30, title="Juni-mødet")
    item = AgendaItem.objects.create(meeting=first, title="Tryghedsvandringer", order=1)
    due = timezone.localdate() + dt.timedelta(days=20)
    response = client.post(
        url("decision_add", item.pk),
        {
            "kind": "action",
            "text": "Kredsrådet beder sekretariatet om en plan for tryghedsvandringer.",
            "action_title": "Plan for tryghedsvandringer",
            "owner": people["secretary"].pk,
            "due_date": due.isoformat(),
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.owner == people["secretary"] and follow_up.council == kreds
    assert follow_up.decision.kind == Decision.Kind.ACTION
    assert "Plan for tryghedsvandringer" in client.get(url("council", kreds.pk)).content.decode()
    council_page = reverse("staff:organisation:council", args=[kreds.pk])
    assert "Plan for tryghedsvandringer" in client.get(council_page).content.decode()
    next_page = client.get(later.get_absolute_url()).content.decode()
    assert "Åbne handlinger fra tidligere møder" in next_page
    assert "Plan for tryghedsvandringer" in next_page
    response = client.post(url("follow_up_done", follow_up.pk), {"note": "Planen er sendt."})
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.is_done and follow_up.done_by == secretariat
    assert (
        "Plan for tryghedsvandringer" not in client.get(url("council", kreds.pk)).content.decode()
    )
    assert (
        "Plan for tryghedsvandringer" not in client.get(later.get_absolute_url()).content.decode()
    )
    assert "Plan for tryghedsvandringer" not in client.get(council_page).content.decode()
    assert AuditEntry.objects.filter(object_repr="Plan for tryghedsvandringer").count() == 2


def test_an_action_needs_owner_and_due_date(kredsraad_meeting, secretariat, client_for):
    item = AgendaItem.objects.create(meeting=kredsraad_meeting, title="Punkt", order=1)
    response = client_for(secretariat).post(
        url("decision_add", item.pk), {"kind": "action", "text": "Gør noget."}
    )
    assert response.status_code == 200
    assert "Skal udfyldes for denne slags beslutning." in response.content.decode()
    assert not Decision.objects.exists() and not FollowUp.objects.exists()


def test_decisions_create_and_update_initiatives(kredsraad_meeting, plan, secretariat, client_for):
    client = client_for(secretariat)
    area = plan.focus_areas.get()
    item = AgendaItem.objects.create(
        meeting=kredsraad_meeting, title="Indbrud", order=1, focus_area=area
    )
    response = client.post(
        url("decision_add", item.pk),
        {
            "kind": "create_initiative",
            "text": "Nabohjælp udbredes i hele kredsen.",
            "initiative_title": "Nabohjælp i hele kredsen",
            "focus_area": area.pk,
        },
    )
    assert response.status_code == 302
    created = Initiative.objects.get(title="Nabohjælp i hele kredsen")
    assert created.plan == plan and created.focus_area == area
    assert list(created.councils.all()) == [kredsraad_meeting.council]
    assert Decision.objects.get().initiative == created
    leaf = plan.initiatives.get(external_id="T-1.1")
    response = client.post(
        url("decision_add", item.pk),
        {
            "kind": "update_initiative",
            "text": "Kredsrådet noterer fremdriften.",
            "initiative": leaf.pk,
            "progress": "60",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    leaf.refresh_from_db()
    assert leaf.progress == 60 and leaf.status == "in_progress"
    assert leaf.updates.get().text == "Kredsrådet noterer fremdriften."
    assert leaf.parent.progress == 45  # (3 × 60 + 1 × 0) / 4


def test_approved_minutes_are_locked_and_changes_are_new_versions(
    councils, people, secretariat, client_for
):
    client = client_for(secretariat)
    meeting = make_meeting(councils["kredsraad"], secretariat, days=-2)
    item = AgendaItem.objects.create(meeting=meeting, title="Kriminalitetsudvikling", order=1)
    response = client.post(url("approve", meeting.pk), follow=True)
    assert "Skriv referatet, før det godkendes." in response.content.decode()
    client.post(url("minutes", item.pk), {"minutes": "Indbrud er faldet med 12 %."})
    client.post(url("approve", meeting.pk))
    meeting.refresh_from_db()
    assert meeting.minutes_locked and meeting.minutes_version == 1
    v1 = MinutesVersion.objects.get()
    assert v1.content["items"][0]["minutes"] == "Indbrud er faldet med 12 %."
    # Without a reason nothing changes.
    response = client.post(url("minutes", item.pk), {"minutes": "Indbrud er faldet med 15 %."})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.minutes == "Indbrud er faldet med 12 %."
    # With a reason the change is version 2, and version 1 still reads as approved.
    response = client.post(
        url("minutes", item.pk),
        {"minutes": "Indbrud er faldet med 15 %.", "reason": "Tallet var forkert."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_version == 2
    v1.refresh_from_db()
    assert v1.content["items"][0]["minutes"] == "Indbrud er faldet med 12 %."
    v2 = MinutesVersion.objects.get(number=2)
    assert v2.reason == "Tallet var forkert."
    assert v2.content["items"][0]["minutes"] == "Indbrud er faldet med 15 %."
    assert AuditEntry.objects.filter(message="Tallet var forkert.").exists()
    # The agenda itself no longer changes.
    response = client.post(url("item_add", meeting.pk), {"title": "Nyt punkt"})
    assert response.status_code == 200 and AgendaItem.objects.count() == 1


def test_after_approval_attendance_is_amended_with_a_reason_and_papers_stay(
    councils, people, media, secretariat, client_for
):
    client = client_for(secretariat)
    meeting = make_meeting(councils["kredsraad"], secretariat, days=-2)
    item = AgendaItem.objects.create(meeting=meeting, title="Status", order=1)
    client.post(url("invite", meeting.pk), {"guest_name": "Gæst"})
    guest = meeting.participants.get(guest_name="Gæst")
    client.post(
        url("document_add", meeting.pk), {"title": "Bilag", "file": upload("b.pdf", pdf_bytes())}
    )
    paper = Document.objects.get()
    client.post(url("minutes", item.pk), {"minutes": "Drøftet."})
    client.post(url("approve", meeting.pk))
    attended = {f"p{p.pk}": p.attendance for p in meeting.participants.all()}
    attended[f"p{guest.pk}"] = "present"
    # Who attended is part of the approved minutes: no change without a reason.
    response = client.post(url("attendance", meeting.pk), attended)
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    guest.refresh_from_db()
    assert guest.attendance != "present"
    response = client.post(
        url("attendance", meeting.pk), {**attended, "reason": "Gæsten kom alligevel."}
    )
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.attendance == "present"
    version = MinutesVersion.objects.get(number=2)
    assert version.reason == "Gæsten kom alligevel."
    assert {"name": "Gæst", "attendance": "present"} in version.content["attendance"]
    # The papers stay as they were approved.
    page = client.get(url("meeting", meeting.pk)).content.decode()
    assert url("document_delete", paper.pk) not in page
    assert url("document_add", meeting.pk) not in page
    response = client.post(url("document_delete", paper.pk), follow=True)
    assert "kan ikke længere ændres" in response.content.decode()
    response = client.post(
        url("document_add", meeting.pk), {"title": "Sent", "file": upload("s.pdf", pdf_bytes())}
    )
    assert response.status_code == 200
    assert list(Document.objects.all()) == [paper]


def test_attendance_and_guests(kredsraad_meeting, people, secretariat, client_for):
    client = client_for(secretariat)
    meeting = kredsraad_meeting
    response = client.post(
        url("invite", meeting.pk), {"guest_name": "Analytiker Lund", "guest_email": "lund@x.dk"}
    )
    assert response.status_code == 302
    guest = Participant.objects.get(guest_name="Analytiker Lund")
    assert guest.is_guest
    data = {f"p{p.pk}": "present" for p in meeting.participants.all()}
    data[f"p{guest.pk}"] = "excused"
    client.post(url("attendance", meeting.pk), data)
    guest.refresh_from_db()
    assert guest.attendance == "excused"
    assert meeting.participants.filter(attendance="present").count() == 3
    response = client.post(url("attendance", meeting.pk), {f"p{guest.pk}": "nonsense"})
    assert response.status_code == 200
    guest.refresh_from_db()
    assert guest.attendance == "excused"


def test_secretary_of_a_lokalraad_runs_its_meetings_only(
    councils, people, koege_secretary, secretariat, client_for
):
    client = client_for(koege_secretary)
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=5)
    data = {
        "title": "Lokalrådsmøde",
        "starts_at": local(starts),
        "ends_at": local(starts + dt.timedelta(hours=1)),
        "place": "Køge Rådhus",
    }
    assert client.post(url("add", councils["koege"].pk), data).status_code == 302
    assert client.post(url("add", councils["kredsraad"].pk), data).status_code == 404
    kreds_meeting = make_meeting(councils["kredsraad"], secretariat)
    assert client.get(kreds_meeting.get_absolute_url()).status_code == 404


def test_every_staff_write_is_in_the_secretariats_log(
    councils, people, plan, media, secretariat, client_for
):
    from django.contrib.contenttypes.models import ContentType

    client = client_for(secretariat)
    kreds = councils["kredsraad"]
    meeting = make_meeting(kreds, secretariat, days=-1)
    client.post(url("item_add", meeting.pk), {"title": "Punkt"})
    item = AgendaItem.objects.get()
    client.post(
        url("document_add", meeting.pk), {"title": "Bilag", "file": upload("b.pdf", pdf_bytes())}
    )
    client.post(url("invite", meeting.pk), {"guest_name": "Gæst"})
    client.post(url("minutes", item.pk), {"minutes": "Drøftet."})
    client.post(
        url("decision_add", item.pk),
        {
            "kind": "action",
            "text": "Gør det.",
            "action_title": "Handling",
            "owner": people["director"].pk,
            "due_date": "2030-01-01",
        },
    )
    client.post(url("document_delete", Document.objects.get().pk))
    client.post(url("approve", meeting.pk))
    client.post(url("council_feed", kreds.pk))
    logged = set(AuditEntry.objects.visible_to(secretariat).values_list("content_type", flat=True))
    for model in ("meeting", "participant", "agendaitem", "document", "decision"):
        assert ContentType.objects.get(app_label="meetings", model=model).pk in logged, model
    for model in ("followup", "minutesversion", "calendarfeed"):
        assert ContentType.objects.get(app_label="meetings", model=model).pk in logged, model
    assert AuditEntry.objects.filter(action="delete", object_repr="Bilag").exists()
    assert not Document.objects.exists()


def test_removing_an_item_with_decisions_is_refused(kredsraad_meeting, secretariat, client_for):
    client = client_for(secretariat)
    keep = AgendaItem.objects.create(meeting=kredsraad_meeting, title="Beholdes", order=1)
    actions.record_decision(keep, by=secretariat, kind="note", text="Besluttet.")
    drop = AgendaItem.objects.create(meeting=kredsraad_meeting, title="Udgår", order=2)
    response = client.post(url("item_delete", keep.pk), follow=True)
    assert (
        "Kun et punkt uden beslutninger og underpunkter kan fjernes." in response.content.decode()
    )
    client.post(url("item_delete", drop.pk))
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Beholdes"]


def test_meeting_page_queries_do_not_grow_with_the_agenda(
    kredsraad_meeting, people, plan, secretariat, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(secretariat)
    initiative = plan.initiatives.first()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(kredsraad_meeting.get_absolute_url()).status_code == 200
        return len(captured)

    def add_items(n):
        for i in range(n):
            item = AgendaItem.objects.create(
                meeting=kredsraad_meeting, title=f"Punkt {i}", order=i, initiative=initiative
            )
            actions.record_decision(
                item,
                by=secretariat,
                kind="action",
                text="Gør det.",
                action_title=f"Handling {i}",
                owner=people["director"],
                due_date=timezone.localdate(),
            )

    add_items(2)
    queries()  # the first request of a session also touches the session
    few = queries()
    add_items(8)
    assert queries() == few


def test_a_meeting_that_has_begun_cannot_be_cancelled(councils, people, secretariat, client_for):
    meeting = make_meeting(councils["kredsraad"], secretariat, days=-1)
    response = client_for(secretariat).post(url("cancel", meeting.pk), follow=True)
    assert "Et møde, der er begyndt, kan ikke aflyses." in response.content.decode()
    meeting.refresh_from_db()
    assert not meeting.is_cancelled
