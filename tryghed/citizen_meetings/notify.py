"""E-mails to citizens who registered: the confirmation (or the place on the waiting list)
with the cancellation link, the news that they moved up, an event moved to a new time or
place, and a cancelled event. Each goes
out in the language the citizen used, with the event as an iCalendar file.

A mail server that fails is logged and does not undo the registration: the receipt page
shows the same link.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tryghed.citizen_meetings import ical
from tryghed.citizen_meetings.models import Registration

logger = logging.getLogger(__name__)


def _language(registration):
    available = {code for code, _name in settings.LANGUAGES}
    return registration.language if registration.language in available else settings.LANGUAGE_CODE


def _send(registration, subject, template, *, attach=True):
    meeting = registration.meeting
    with translation.override(_language(registration)):
        context = {
            "registration": registration,
            "meeting": meeting,
            "title": meeting.tr("title"),
            "meeting_link": ical.absolute(meeting.get_absolute_url()),
            "cancel_link": ical.absolute(registration.cancel_url()),
            "waiting": registration.status == Registration.Status.WAITING,
        }
        # The subject is lazy, so that it is written in the citizen's language here.
        subject = str(subject) % {"title": context["title"]}
        body = render_to_string(template, context)
        email = EmailMessage(subject, body, None, [registration.email])
        if attach:
            email.attach("borgermoede.ics", ical.meeting_calendar(meeting), "text/calendar")
    try:
        email.send()
    except Exception:
        logger.exception("Could not e-mail registration %s", registration.pk)
        return False
    return True


def send_confirmation(registration):
    if registration.status == Registration.Status.WAITING:
        return _send(
            registration,
            _("You are on the waiting list: %(title)s"),
            "citizen_meetings/email/waiting.txt",
            attach=False,
        )
    return _send(
        registration,
        _("You are registered: %(title)s"),
        "citizen_meetings/email/confirmation.txt",
    )


def send_promotion(registration):
    return _send(
        registration,
        _("You have a seat: %(title)s"),
        "citizen_meetings/email/promotion.txt",
    )


def send_reminder(registration):
    return _send(
        registration,
        _("Reminder: %(title)s"),
        "citizen_meetings/email/reminder.txt",
    )


def send_meeting_cancelled(registration):
    return _send(
        registration,
        _("Cancelled: %(title)s"),
        "citizen_meetings/email/cancelled.txt",
    )


def send_meeting_moved(registration):
    """The new time or place. Those with a seat have the event in their calendar from the
    confirmation; the file they are sent now replaces it there (its sequence was raised)."""
    return _send(
        registration,
        _("New time or place: %(title)s"),
        "citizen_meetings/email/moved.txt",
        attach=registration.status == Registration.Status.CONFIRMED,
    )
