"""The kredsråd's meeting pack and a lokalråd's annual status report, as PDFs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting, pdf_bytes, pdf_text, upload
from tryghed.meetings import actions
from tryghed.meetings.models import AgendaItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def packed(councils, people, plan, media, secretariat):
    meeting = make_meeting(councils["kredsraad"], secretariat, title="Kredsrådsmøde juni")
    initiative = plan.initiatives.get(external_id="T-1.1")
    item = AgendaItem.objects.create(
        meeting=meeting, title="Tryghedsopfølgninger", order=1, initiative=initiative
    )
    actions.add_document(
        meeting,
        by=secretariat,
        title="Indbrudsstatistik",
        file=upload("statistik.pdf", pdf_bytes("Indbrudsstatistik", pages=2)),
        agenda_item=item,
    )
    actions.add_document(
        meeting,
        by=secretariat,
        title="Fortroligt notat",
        file=upload("notat.pdf", pdf_bytes("Fortroligt")),
        internal=True,
    )
    actions.record_decision(
        item,
        by=secretariat,
        kind="action",
        text="Sekretariatet laver en oversigt.",
        action_title="Oversigt over opfølgninger",
        owner=people["secretary"],
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )
    return meeting


def test_pack_has_agenda_papers_initiatives_and_open_actions(packed, council_member, client_for):
    response = client_for(council_member).get(reverse("staff:meetings:pack", args=[packed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert "1. Tryghedsopfølgninger" in text
    assert "Indbrudsstatistik" in text
    assert "Opfølgning i Køge" in text  # the plan's initiatives with their status
    assert "Oversigt over opfølgninger" in text  # the open action
    # The papers' own pages follow the summary: two pages of statistics and the note.
    assert "Indbrudsstatistik side 2" in text
    assert "Fortroligt side 1" in text
    summary_pages = pages - 3
    assert summary_pages >= 1


def test_pack_leaves_out_internal_papers_for_non_members(packed, district_staff, client_for):
    response = client_for(district_staff).get(reverse("staff:meetings:pack", args=[packed.pk]))
    _pages, text = pdf_text(response.content)
    assert "Indbrudsstatistik side 2" in text
    assert "Fortroligt" not in text


def test_lokalraad_annual_report(councils, people, plan, secretariat, client_for):
    meeting = make_meeting(councils["koege"], secretariat, title="Lokalrådsmøde")
    item = AgendaItem.objects.create(meeting=meeting, title="Handleplan", order=1)
    actions.record_decision(item, by=secretariat, kind="note", text="Handleplanen er vedtaget.")
    url = reverse("staff:meetings:annual_report", args=[councils["koege"].pk, 2023])
    response = client_for(secretariat).get(url)
    assert response.status_code == 200
    _pages, text = pdf_text(response.content)
    assert "Statusrapport 2023: Lokalråd Køge" in text
    assert "Opfølgning i Køge" in text
    assert "Opfølgning i Greve" not in text
    # The kredsråd is not a lokalråd: it has no such report.
    other = reverse("staff:meetings:annual_report", args=[councils["kredsraad"].pk, 2023])
    assert client_for(secretariat).get(other).status_code == 404


def test_a_paper_that_cannot_be_read_is_named_in_the_pack(packed, council_member, client_for):
    from tryghed.meetings.models import Document

    damaged = Document.objects.get(title="Fortroligt notat")
    with damaged.file.open("wb") as handle:
        handle.write(b"%PDF-1.4 damaged in storage")
    response = client_for(council_member).get(reverse("staff:meetings:pack", args=[packed.pk]))
    assert response.status_code == 200
    _pages, text = pdf_text(response.content)
    assert "Indbrudsstatistik side 2" in text
    assert "Fortroligt side 1" not in text
    assert "kunne ikke vedlægges" in " ".join(text.split())
