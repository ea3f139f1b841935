"""Helpers shared by the citizen-meeting tests (test_citizen_meetings*.py)."""

import datetime as dt

from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from tryghed.citizen_meetings.models import CitizenMeeting
from tryghed.organisation.models import Municipality

IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
}


def make_meeting(code="0265", *, days=7, capacity=2, **fields):
    municipality = Municipality.objects.get(code=code)
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    data = {
        "kind": CitizenMeeting.Kind.CITIZEN_MEETING,
        "title": f"Borgermøde om tryghed i {municipality.name}",
        "title_en": f"Citizen meeting on safety in {municipality.name}",
        "description": "Politiet og kommunen fortæller og lytter.",
        "district": municipality.district,
        "municipality": municipality,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "place": "Biblioteket",
        "address": "Hovedgaden 1",
        "capacity": capacity,
    }
    if "title" in fields:
        # A title of the test's own is the only one, in either language.
        data["title_en"] = ""
    data.update(fields)
    return CitizenMeeting.objects.create(**data)


def parse_calendar(body):
    """The calendar's events, parsed back with the icalendar parser (which raises on a
    malformed file)."""
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def attachments_of(email):
    return {name: (content, mimetype) for name, content, mimetype in email.attachments}


def outbox_to(address):
    return [m for m in mail.outbox if m.to == [address]]
