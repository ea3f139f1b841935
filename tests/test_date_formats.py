"""Dates as a reader sees them: day first in both languages, "5. marts 2026" in Danish and
"5 March 2026" in English, without the Danish ordinal dot (tryghed/formats)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import formats, translation

from tests import citizen_meetings_helpers
from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting
from tryghed.citizen_meetings.models import CitizenMeeting
from tryghed.meetings.models import Meeting
from tryghed.servicedesk import actions
from tryghed.servicedesk.models import Kind, Service, ServiceRequest

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# A Thursday.
STARTS = dt.datetime(2026, 3, 5, 9, 0, tzinfo=COPENHAGEN)


def test_the_named_formats_in_each_language():
    moment = dt.datetime(2026, 11, 12, 8, 0)
    with translation.override("da"):
        assert formats.date_format(moment, "DATE_FORMAT") == "12. november 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "12. november 2026 08:00"
        assert formats.date_format(moment, "MONTH_DAY_FORMAT") == "12. november"
        # What the site's format modules leave to Django's own locale stays as it was.
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "12.11.2026"
        assert formats.number_format(Decimal("12345.6"), 1, force_grouping=True) == "12.345,6"
    with translation.override("en"):
        assert formats.date_format(moment, "DATE_FORMAT") == "12 November 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "12 November 2026 08:00"
        assert formats.date_format(moment, "MONTH_DAY_FORMAT") == "12 November"
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "11/12/2026"
        assert formats.number_format(Decimal("12345.6"), 1, force_grouping=True) == "12,345.6"


def test_a_council_meeting_page_in_danish_and_english(councils, people, secretariat, client_for):
    meeting = make_meeting(councils["kredsraad"], secretariat)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=STARTS, ends_at=STARTS + dt.timedelta(hours=2)
    )
    danish = client_for(secretariat).get(meeting.get_absolute_url()).content.decode()
    english = client_for(secretariat, "en").get(meeting.get_absolute_url()).content.decode()
    assert "torsdag 5. marts 2026 09:00–11:00" in danish
    assert "Thursday 5 March 2026 09:00–11:00" in english
    assert "5. March" not in english


def test_the_service_desk_request_page_in_danish_and_english(district, koege_officer, client_for):
    service = Service.objects.create(
        code="test-date-tip",
        kind=Kind.TIP,
        name="Handel med narkotika",
        name_en="Drug dealing",
        incident_category="drug_sale",
        to_police=True,
    )
    tip, _token = actions.submit_request(
        service, description="Salg bag hallen", lat=55.4581, lon=12.1822
    )
    ServiceRequest.objects.filter(pk=tip.pk).update(
        submitted_at=dt.datetime(2026, 3, 5, 16, 24, tzinfo=dt.UTC)
    )
    url = reverse("staff:servicedesk_staff:request", args=[tip.reference])
    danish = client_for(koege_officer).get(url).content.decode()
    english = client_for(koege_officer, "en").get(url).content.decode()
    assert "5. marts 2026 17:24" in danish
    assert "5 March 2026 17:24" in english
    assert "5. March" not in english


def test_a_citizen_meeting_page_in_danish_and_english(secretariat, client_for, reference):
    meeting = citizen_meetings_helpers.make_meeting()
    CitizenMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=STARTS, ends_at=STARTS.replace(day=6, hour=1)
    )
    url = reverse("staff:citizen_meetings:meeting", args=[meeting.pk])
    danish = client_for(secretariat).get(url).content.decode()
    english = client_for(secretariat, "en").get(url).content.decode()
    assert "torsdag 5. marts 2026, 09:00" in danish and "6. marts 2026, 01:00" in danish
    assert "Thursday 5 March 2026, 09:00" in english and "6 March 2026, 01:00" in english
    assert "5. March" not in english and "6. March" not in english
