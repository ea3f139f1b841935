"""Private iCalendar (RFC 5545) feeds of council meetings: a council's, and a person's."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tryghed.meetings.models import Meeting

PRODID = "-//Tryghed//Council meetings//DA"
# Meetings further back than this are of no use in a calendar program.
HISTORY = datetime.timedelta(days=365)


def _utc(moment):
    return moment.astimezone(datetime.UTC)


def uid(meeting):
    host = urlsplit(settings.SITE_URL).hostname or "tryghed"
    return f"council-meeting-{meeting.pk}@{host}"


def event(meeting, stamp):
    item = Event()
    item.add("uid", uid(meeting))
    item.add("dtstamp", stamp)
    item.add("dtstart", _utc(meeting.starts_at))
    item.add("dtend", _utc(meeting.ends_at))
    item.add("summary", f"{meeting.council.name}: {meeting.title}")
    location = meeting.place or meeting.video_url
    if location:
        item.add("location", location)
    url = settings.SITE_URL.rstrip("/") + meeting.get_absolute_url()
    description = "\n".join(filter(None, [meeting.video_url, url]))
    item.add("description", description)
    item.add("url", url)
    item.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    item.add("sequence", meeting.sequence)
    item.add("last-modified", _utc(meeting.updated_at))
    return item


def calendar(name, meetings):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # A non-standard property, which icalendar writes as it is: a line break in a title
    # would break the file's lines.
    cal.add("x-wr-calname", " ".join(name.split()))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for meeting in meetings:
        cal.add_component(event(meeting, stamp))
    return cal.to_ical()


def _invited(calendar_feed):
    since = timezone.now() - HISTORY
    return Meeting.objects.filter(
        ends_at__gte=since, participants__person=calendar_feed.person_id
    ).distinct()


def withholds(calendar_feed):
    """Whether a person's address leaves out meetings they are invited to, because someone
    else who has seen it does not run them (see `CalendarFeed.run_by_viewers`)."""
    if not calendar_feed.viewers.exists():
        return False
    listed = calendar_feed.run_by_viewers(_invited(calendar_feed))
    return _invited(calendar_feed).exclude(pk__in=listed.values("pk")).exists()


def feed(calendar_feed):
    """The feed's meetings: a council's meetings, or those a person is invited to."""
    if calendar_feed.council_id:
        since = timezone.now() - HISTORY
        meetings = Meeting.objects.filter(ends_at__gte=since, council=calendar_feed.council_id)
        name = _("Meetings of %(council)s") % {"council": calendar_feed.council.name}
    else:
        meetings = calendar_feed.run_by_viewers(_invited(calendar_feed))
        name = _("Meetings of %(person)s") % {"person": calendar_feed.person.name}
    return calendar(name, meetings.select_related("council").order_by("starts_at", "pk"))
