"""Writes to citizen requests. Staff actions take the acting user and write the audit entry."""

from django.db import transaction
from django.utils import timezone

from tryghed.servicedesk import routing
from tryghed.servicedesk.models import (
    REFERENCE_PREFIX,
    Handling,
    Message,
    ServiceRequest,
    hash_token,
    new_token,
)


@transaction.atomic
def submit_request(
    service,
    *,
    description,
    lat=None,
    lon=None,
    municipality=None,
    place="",
    details=None,
    reporter_name="",
    reporter_email="",
    reporter_phone="",
    channel=ServiceRequest.Channel.WEB,
    photos=(),
):
    """Receive a citizen request, route it to its queues and give it a reference.

    Returns (request, token): the token is the secret of the status link and is not stored.
    Raises routing.RoutingError when the place cannot be served here; nothing is stored then.
    """
    found = routing.route(service, lat=lat, lon=lon, municipality=municipality)
    token = new_token()
    request = ServiceRequest.objects.create(
        token_hash=hash_token(token),
        service=service,
        description=description,
        details=details or {},
        lat=lat,
        lon=lon,
        place=place,
        municipality=found.municipality,
        district=found.district,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        reporter_phone=reporter_phone,
        channel=channel,
    )
    # The number comes from the primary key, so concurrent submissions never collide.
    request.reference = (
        f"{REFERENCE_PREFIX[service.kind]}-{timezone.localdate().year}-{request.pk:06d}"
    )
    request.save(update_fields=["reference"])
    Handling.objects.bulk_create(Handling(request=request, queue=q) for q in found.queues)
    for photo in photos:
        photo.request = request
        photo.save()
    return request, token


@transaction.atomic
def add_citizen_message(request, *, body):
    """The citizen answers through the status link; every queue that has closed the request
    sees it again, since a new message may need a new look."""
    message = Message.objects.create(request=request, kind=Message.Kind.CITIZEN, body=body)
    Handling.objects.filter(request=request, status=Handling.Status.CLOSED).update(
        status=Handling.Status.IN_PROGRESS, closed_at=None, outcome=""
    )
    return message
