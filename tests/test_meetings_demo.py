"""The demo district's council meetings: agendas, minutes, decisions and an open action that
shows on the kredsråd's next agenda; loading twice adds nothing."""

import pytest
from django.urls import reverse

from tryghed.accounts.models import User
from tryghed.demo.loader import load_demo
from tryghed.meetings.models import Decision, FollowUp, Meeting

pytestmark = pytest.mark.django_db


def test_demo_has_kredsraad_and_lokalraad_meetings(reference, client_for):
    load_demo()
    meetings = Meeting.objects.filter(council__district__number=8)
    kinds = set(meetings.values_list("council__kind", flat=True))
    assert kinds == {"district_council", "local_council"}
    last = meetings.get(title="Kredsrådsmøde, 2. kvartal")
    assert last.minutes_locked
    assert last.agenda_items.exclude(minutes="").count() >= 3
    assert last.agenda_items.filter(parent__isnull=False, initiative__isnull=False).exists()
    assert Decision.objects.filter(agenda_item__meeting__council__kind="local_council").exists()
    action = FollowUp.objects.open().get(council=last.council)
    upcoming = meetings.get(title="Kredsrådsmøde, 3. kvartal")
    client = client_for(User.objects.get(username="sekretariat"))
    assert action.title in client.get(upcoming.get_absolute_url()).content.decode()
    member = client_for(User.objects.get(username="lokalraad.koege"))
    listing = member.get(reverse("staff:meetings:list")).content.decode()
    assert "Lokalrådsmøde" in listing and "Kredsrådsmøde" not in listing
    count = meetings.count()
    tally = load_demo()
    assert Meeting.objects.filter(council__district__number=8).count() == count
    assert tally.created.get("council meeting", 0) == 0
