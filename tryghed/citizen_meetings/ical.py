"""iCalendar (RFC 5545) files: one event, and the public feed of a municipality."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Tryghed//Citizen meetings//DA"


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def uid(meeting):
    host = urlsplit(settings.SITE_URL).hostname or "tryghed"
    return f"citizen-meeting-{meeting.pk}@{host}"


def _utc(moment):
    return moment.astimezone(datetime.UTC)


def _event(meeting, stamp):
    event = Event()
    event.add("uid", uid(meeting))
    event.add("dtstamp", stamp)
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", meeting.tr("title"))
    location = ", ".join(part for part in (meeting.place, meeting.address) if part)
    if location:
        event.add("location", location)
    url = absolute(meeting.get_absolute_url())
    description = meeting.tr("description")
    event.add("description", f"{description}\n\n{url}".strip())
    event.add("url", url)
    event.add("categories", [str(meeting.get_kind_display())])
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("sequence", meeting.sequence)
    event.add("last-modified", _utc(meeting.updated_at))
    if meeting.contact_email:
        event.add("organizer", f"mailto:{meeting.contact_email}")
    return event


def _calendar(name):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # A non-standard property, which icalendar writes as it is: a line break in a title
    # would break the file's lines.
    calendar.add("x-wr-calname", " ".join(name.split()))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def meeting_calendar(meeting):
    """The one event, to add to one's own calendar."""
    calendar = _calendar(meeting.tr("title"))
    calendar.add_component(_event(meeting, timezone.now()))
    return calendar.to_ical()


def municipality_feed(municipality, meetings):
    """A subscribable feed of the municipality's public events."""
    name = _("Citizen meetings in %(municipality)s") % {"municipality": municipality.name}
    calendar = _calendar(name)
    calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(_event(meeting, stamp))
    return calendar.to_ical()
