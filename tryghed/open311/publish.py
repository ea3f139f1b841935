"""What Open311 shows of a citizen request to anyone who asks.

GET responses are public, so they carry what the district may publish and nothing else:

- never the reporter's name, e-mail or phone, and where a reporter wrote their own name,
  e-mail or phone into the text that is shown, it is blanked out;
- tips are confidential: their description, place, coordinates and replies are withheld;
  only the service, the municipality, the dates, the status and the receiving team show;
  a tip stays confidential when staff move it to another service;
- for nuisance reports and officer requests the description, the place and the newest reply
  to the citizen (status_notes) are shown;
- spam is not listed, and asked for by its id it shows as closed without its text;
- a duplicate is listed only when asked for by its id, with a note naming the original.
"""

import re

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _

from tryghed.guarantees.models import Deadline
from tryghed.open311.dates import w3c
from tryghed.servicedesk.models import Handling, Kind, Message, ServiceRequest

LIMIT = 1000
REDACTED = "[…]"
_PHONE_SEPARATORS = r"\s.\-/()"


def notice_for(kind):
    """What a citizen should know about every request of this kind."""
    if kind == Kind.TIP:
        return _(
            "Tips are not registered as a report to the police and are not always answered. "
            "In an emergency, call 112."
        )
    if kind == Kind.OFFICER_REQUEST:
        return _(
            "Each request is assessed, and not every request can be met. Carrying it out can "
            "take up to 30 days."
        )
    return _("The local police and, where it concerns them, the municipality receive the report.")


def public_requests():
    """Requests with what their public record needs, in two more queries for any number."""
    return (
        ServiceRequest.objects.select_related("service", "municipality", "duplicate_of")
        # A municipality's boundary is kilobytes of GeoJSON, parsed again for every row.
        .defer("municipality__boundary")
        .prefetch_related(
            Prefetch("handlings", queryset=Handling.objects.select_related("queue")),
            Prefetch(
                "messages",
                queryset=Message.objects.filter(kind=Message.Kind.PUBLIC_REPLY).order_by(
                    "-created_at", "-pk"
                ),
                to_attr="public_replies",
            ),
            Prefetch(
                "guarantee_deadlines",
                queryset=Deadline.objects.counted().only("service_request_id", "due_at"),
                to_attr="counted_deadlines",
            ),
        )
    )


def with_status(queryset, statuses):
    """Open311 has two statuses: closed when every queue has closed the request (as
    ServiceRequest.public_status() says), open otherwise."""
    if not statuses or statuses == {"open", "closed"}:
        return queryset
    handlings = Handling.objects.filter(request=OuterRef("pk"))
    closed = Exists(handlings) & ~Exists(handlings.exclude(status=Handling.Status.CLOSED))
    return queryset.filter(closed) if statuses == {"closed"} else queryset.exclude(closed)


def redact(text, request):
    """`text` without the reporter's own name (or its words), e-mail or phone."""
    if not text:
        return text
    words = {request.reporter_name, request.reporter_email, request.reporter_phone}
    # Each part of a name on its own, also of a double name: "Mikkelsen-Toft" names Toft.
    parts = request.reporter_name.split() + re.split(r"[\W_]+", request.reporter_name)
    words.update(part for part in parts if len(part) >= 2)
    local, _at, _domain = request.reporter_email.partition("@")
    if len(local) >= 3:
        # The address written out to dodge spam filters: "ingeborg.toft (at) example.dk".
        words.add(local)
    for word in sorted((w for w in words if w), key=len, reverse=True):
        # Also the Danish possessive: "Ingeborgs have" names Ingeborg.
        pattern = rf"(?<!\w){re.escape(word)}(?:['’]?s)?(?!\w)"
        text = re.sub(pattern, REDACTED, text, flags=re.IGNORECASE)
    digits = re.sub(r"\D", "", request.reporter_phone)
    numbers = {digits} if len(digits) >= 6 else set()
    if len(digits) == 10 and digits.startswith("45"):
        numbers.add(digits[2:])  # the Danish number without its country code
    for number in sorted(numbers, key=len, reverse=True):
        # The same number written with other spacing or grouping: "12 34 56 78",
        # "(12) 34 56 78", "1234-5678", "12/34/56/78", "+45 12345678".
        spaced = rf"[{_PHONE_SEPARATORS}]*".join(re.escape(d) for d in number)
        text = re.sub(
            rf"(?<![\d+])(?:\+?\(?45\)?[{_PHONE_SEPARATORS}]*)?\(?{spaced}\)?(?!\d)",
            REDACTED,
            text,
        )
    return text


def _municipality_label(request):
    return request.municipality.name if request.municipality_id else ""


def _expected(request):
    """The earliest due time a police guarantee gives the request, when one covers it."""
    deadlines = getattr(request, "counted_deadlines", None)
    if deadlines is None:
        deadlines = list(request.guarantee_deadlines.exclude(outcome=Deadline.Outcome.VOID))
    return w3c(min(d.due_at for d in deadlines)) if deadlines else None


def record(request):
    """The public Open311 record of a request fetched through public_requests()."""
    service = request.service
    handlings = sorted(request.handlings.all(), key=lambda h: (h.queue.owner != "police", h.pk))
    closed = request.is_spam or request.public_status() == Handling.Status.CLOSED
    shown = request.text_is_public()
    replies = getattr(request, "public_replies", None)
    if replies is None:
        replies = list(
            request.messages.filter(kind=Message.Kind.PUBLIC_REPLY).order_by("-created_at", "-pk")
        )

    notes = ""
    if shown and replies:
        notes = redact(replies[0].body, request)
    elif request.duplicate_of_id and request.duplicate_of.reference:
        notes = _("Duplicate of %(reference)s.") % {"reference": request.duplicate_of.reference}

    updated = max(
        [request.submitted_at]
        + [h.updated_at for h in handlings]
        + [m.created_at for m in replies[:1]]
    )
    return {
        "service_request_id": request.reference,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": service.tr("name"),
        "service_code": service.code,
        "description": redact(request.description, request) if shown else "",
        "agency_responsible": ", ".join(h.queue.name for h in handlings),
        "service_notice": notice_for(service.kind),
        "requested_datetime": w3c(request.submitted_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": _expected(request),
        "address": (redact(request.place, request) or _municipality_label(request))
        if shown
        else _municipality_label(request),
        "address_id": request.municipality.code if request.municipality_id else None,
        "zipcode": None,
        "lat": request.lat if shown else None,
        "long": request.lon if shown else None,
        "media_url": None,
    }
