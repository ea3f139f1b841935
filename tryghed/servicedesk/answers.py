"""What a date, time or number answer to a service's question may be, whichever way it
arrives: the web form and Open311 apply the same rules, so that neither stores what the other
refuses."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryghed.servicedesk.models import Kind

# Reports are about what happened recently; older events are for a report to 114.
PAST_LIMIT = dt.timedelta(days=5 * 365)
# A phone's clock may be a few minutes ahead of ours.
CLOCK_SKEW = dt.timedelta(minutes=15)
BOOKING_AHEAD = dt.timedelta(days=365)
# A number asked for counts something (people at a party, pupils at a talk): whole, and far
# below this.
NUMBER_MAX = 100_000


def asks_for_a_day(kind):
    """Whether a date question of this kind of service asks for the day the citizen wishes
    for ("Bestil en betjent"); every other one asks when something happened."""
    return kind == Kind.OFFICER_REQUEST


def validate_happened(moment):
    """When something happened: not in the future, and not years ago."""
    now = timezone.now()
    if moment > now + CLOCK_SKEW:
        raise ValidationError(_("The time cannot be in the future."), code="future")
    if moment < now - PAST_LIMIT:
        raise ValidationError(_("The time must be within the last five years."), code="too_old")


def validate_wished_day(day):
    """A day to book: from tomorrow and up to a year ahead."""
    today = timezone.localdate()
    if day <= today:
        raise ValidationError(_("Choose a date after today."), code="past")
    if day > today + BOOKING_AHEAD:
        raise ValidationError(_("Choose a date within the next year."), code="too_far")


def validate_moment(kind, moment):
    """An aware datetime answering a date question of a service of `kind`; a wished day is
    the Danish date of the moment (Open311 sends a day as its midnight)."""
    if asks_for_a_day(kind):
        validate_wished_day(timezone.localdate(moment))
    else:
        validate_happened(moment)
