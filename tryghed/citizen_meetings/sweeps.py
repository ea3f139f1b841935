"""The citizen-meeting sweep (run by `manage.py sweep`): a reminder by e-mail the day
before an event, and registrations deleted a while after it, since they are personal data
kept for the event only.

Safe with several sweepers at once: each reminder is claimed by compare-and-set before it
is sent, and a delete by a condition deletes each row once.
"""

import datetime

from django.db.models import Q
from django.utils.translation import ngettext

from tryghed.citizen_meetings import notify
from tryghed.citizen_meetings.models import CitizenMeeting, Registration

REMIND_BEFORE = datetime.timedelta(hours=24)
# Someone who registered or moved up this shortly before has just had an e-mail.
FRESH = datetime.timedelta(hours=6)
# Long enough for the organiser to answer questions about who came.
RETENTION = datetime.timedelta(days=30)


def sweep(*, now):
    return [line for line in (_remind(now), _forget(now)) if line]


def _remind(now):
    due = (
        Registration.objects.confirmed()
        .filter(
            reminded_at__isnull=True,
            meeting__status=CitizenMeeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
            meeting__starts_at__lte=now + REMIND_BEFORE,
            created_at__lt=now - FRESH,
        )
        .filter(Q(promoted_at__isnull=True) | Q(promoted_at__lt=now - FRESH))
    )
    sent = 0
    for pk in due.values_list("pk", flat=True):
        # Claimed before sending: another sweeper that read the same row sends nothing.
        if not Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        registration = Registration.objects.select_related("meeting").get(pk=pk)
        sent += notify.send_reminder(registration)
    if not sent:
        return ""
    return ngettext(
        "Citizen meetings: sent %(count)d reminder.",
        "Citizen meetings: sent %(count)d reminders.",
        sent,
    ) % {"count": sent}


def _forget(now):
    cutoff = now - RETENTION
    deleted, _by_model = Registration.objects.filter(meeting__ends_at__lt=cutoff).delete()
    if not deleted:
        return ""
    return ngettext(
        "Citizen meetings: deleted %(count)d registration of events that ended over 30 days ago.",
        "Citizen meetings: deleted %(count)d registrations of events that ended over 30 days ago.",
        deleted,
    ) % {"count": deleted}
