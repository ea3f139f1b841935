"""The council-meeting sweep (run by `manage.py sweep`): an e-mail invitation to each participant
of a coming meeting, a reminder before it, and a reminder to the council's secretary when a
meeting has ended a while ago and still has no minutes.

Safe with several sweepers at once: each e-mail is claimed by a compare-and-set on its own
column before it is sent, so it goes out once.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tryghed.meetings import ical
from tryghed.meetings.models import Meeting, Participant
from tryghed.organisation.models import CouncilMembership

logger = logging.getLogger(__name__)

REMIND_BEFORE = datetime.timedelta(hours=48)
# The secretary has this long after a meeting to write the minutes before being reminded.
MINUTES_DUE_AFTER = datetime.timedelta(days=5)
# Older meetings are not chased: a reminder about last year helps no one.
MINUTES_CHASE_FOR = datetime.timedelta(days=60)


def sweep(*, now):
    with translation.override(settings.LANGUAGE_CODE):
        lines = (_invite_participants(now), _remind_participants(now), _chase_minutes(now))
        return [line for line in lines if line]


def _send(subject, template, context, recipients, attachment=None):
    email = EmailMessage(subject, render_to_string(template, context), None, recipients)
    if attachment:
        email.attach("moede.ics", attachment, "text/calendar")
    try:
        email.send()
    except Exception:
        logger.exception("Could not send %s to %s", template, recipients)
        return False
    return True


def _mail_participant(participant, subject, template):
    """An e-mail about the participant's meeting, with the meeting as a calendar file."""
    meeting = participant.meeting
    context = {
        "participant": participant,
        "meeting": meeting,
        "link": settings.SITE_URL.rstrip("/") + meeting.get_absolute_url(),
    }
    subject %= {"council": meeting.council.name, "title": meeting.title}
    attachment = ical.calendar(meeting.title, [meeting])
    return _send(subject, template, context, [participant.email], attachment)


def _expected(now, **filters):
    """Participants with an address who are expected at a planned meeting still to come."""
    return Participant.objects.filter(
        Q(person__isnull=False, person__email__gt="") | Q(person__isnull=True, guest_email__gt=""),
        meeting__status=Meeting.Status.PLANNED,
        meeting__starts_at__gt=now,
        **filters,
    ).exclude(attendance=Participant.Attendance.EXCUSED)


def _invite_participants(now):
    due = _expected(now, invited_at__isnull=True)
    sent = 0
    for pk in due.values_list("pk", flat=True):
        claimed = {"invited_at": now}
        participant = Participant.objects.select_related("meeting__council", "person").get(pk=pk)
        meeting = participant.meeting
        if meeting.starts_at <= now + REMIND_BEFORE:
            # Invited within the reminder's time: the invitation says all a reminder would.
            claimed["reminded_at"] = now
        if not Participant.objects.filter(pk=pk, invited_at__isnull=True).update(**claimed):
            continue  # another sweeper has it
        subject = _("Invitation: %(council)s, %(title)s")
        if _mail_participant(participant, subject, "meetings/email/invitation.txt"):
            sent += 1
    if not sent:
        return ""
    return ngettext(
        "Council meetings: sent %(count)d invitation.",
        "Council meetings: sent %(count)d invitations.",
        sent,
    ) % {"count": sent}


def _remind_participants(now):
    due = _expected(now, reminded_at__isnull=True, meeting__starts_at__lte=now + REMIND_BEFORE)
    sent = 0
    for pk in due.values_list("pk", flat=True):
        if not Participant.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            continue  # another sweeper has it
        participant = Participant.objects.select_related("meeting__council", "person").get(pk=pk)
        subject = _("Reminder: %(council)s, %(title)s")
        if _mail_participant(participant, subject, "meetings/email/reminder.txt"):
            sent += 1
    if not sent:
        return ""
    return ngettext(
        "Council meetings: sent %(count)d reminder before a meeting.",
        "Council meetings: sent %(count)d reminders before meetings.",
        sent,
    ) % {"count": sent}


def secretary_addresses(meeting):
    """The council's current secretaries, or whoever planned the meeting."""
    on = timezone.localdate()
    addresses = sorted(
        {
            m.person.email
            for m in CouncilMembership.objects.current(on)
            .filter(council=meeting.council_id, position=CouncilMembership.Position.SECRETARY)
            .select_related("person")
            if m.person.email
        }
    )
    if not addresses and meeting.created_by and meeting.created_by.email:
        addresses = [meeting.created_by.email]
    return addresses


def _chase_minutes(now):
    due = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            minutes_approved_at__isnull=True,
            minutes_reminder_sent_at__isnull=True,
            ends_at__lte=now - MINUTES_DUE_AFTER,
            ends_at__gt=now - MINUTES_CHASE_FOR,
        )
        # A meeting with minutes on any item is being written up.
        .exclude(agenda_items__minutes__gt="")
        .distinct()
    )
    lines = []
    for pk in due.values_list("pk", flat=True):
        if not Meeting.objects.filter(pk=pk, minutes_reminder_sent_at__isnull=True).update(
            minutes_reminder_sent_at=now
        ):
            continue
        meeting = Meeting.objects.select_related("council", "created_by").get(pk=pk)
        recipients = secretary_addresses(meeting)
        context = {
            "meeting": meeting,
            "link": settings.SITE_URL.rstrip("/") + meeting.get_absolute_url(),
        }
        subject = _("Minutes missing: %(council)s, %(title)s") % {
            "council": meeting.council.name,
            "title": meeting.title,
        }
        if recipients and _send(subject, "meetings/email/minutes_missing.txt", context, recipients):
            lines.append(
                _("Council meetings: reminded %(to)s of the minutes of %(meeting)s.")
                % {"to": ", ".join(recipients), "meeting": meeting}
            )
        else:
            lines.append(
                _("Council meetings: %(meeting)s has no minutes and no secretary to remind.")
                % {"meeting": meeting}
            )
    return "\n".join(lines)
