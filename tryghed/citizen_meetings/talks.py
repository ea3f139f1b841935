"""Which "Bestil en betjent" requests can become an event, and what the event starts from."""

import datetime

from django.db.models import Q
from django.utils import timezone

from tryghed.servicedesk.models import Handling, Kind, Queue, ServiceRequest

# The services of "Bestil en betjent" that are talks to a group; a traffic check is not an
# event anyone registers for.
TALK_SERVICES = {"betjent-foredrag", "betjent-narkohund"}

# The police have taken the request up: assessed or in progress, or carried out.
ACCEPTED = Q(status__in=[Handling.Status.TRIAGED, Handling.Status.IN_PROGRESS]) | Q(
    status=Handling.Status.CLOSED, outcome=Handling.Outcome.RESOLVED
)

DEFAULT_SEATS = 30


def accepted_talk_requests(user):
    """Talk requests that the police accepted, whose police queue the user works."""
    handlings = Handling.objects.workable_by(user).filter(ACCEPTED, queue__owner=Queue.Owner.POLICE)
    return (
        ServiceRequest.objects.visible_to(user)
        .filter(
            service__kind=Kind.OFFICER_REQUEST,
            service__code__in=TALK_SERVICES,
            municipality__isnull=False,
            is_spam=False,
            handlings__in=handlings,
        )
        .distinct()
    )


def _wished_start(details):
    """The date the citizen asked for, at 19:00 when they gave no time."""
    value = (details or {}).get("oensket-dato") or ""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if len(str(value)) <= 10:
        moment = moment.replace(hour=19)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def initial_from_request(service_request):
    """The event form's starting values, from what the citizen wrote."""
    details = service_request.details or {}
    starts = _wished_start(details)
    organisation = str(details.get("organisation") or "").strip()
    try:
        seats = max(1, int(details.get("deltagere") or DEFAULT_SEATS))
    except (TypeError, ValueError):
        seats = DEFAULT_SEATS
    title = service_request.service.name
    if organisation:
        title = f"{title}: {organisation}"[:200]
    initial = {
        "title": title,
        "description": service_request.description,
        "municipality": service_request.municipality_id,
        "place": (organisation or service_request.place)[:200],
        "address": service_request.place[:300],
        "capacity": seats,
        # A talk for an association is its own; the organiser opens it to all if they wish.
        "is_public": False,
    }
    if starts is not None:
        local = timezone.localtime(starts)
        initial["starts_at"] = local
        initial["ends_at"] = local + datetime.timedelta(hours=2)
    return initial
