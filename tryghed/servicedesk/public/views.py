"""What citizens see of the service desk: the three forms, the receipt and the status page.

Everything here is open to anonymous visitors. A citizen is known only by the secret status
link they get on the receipt; the status page never shows who sent the request.
"""

import hashlib
import json
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tryghed.core.bodylimit import body_at_most
from tryghed.open311.intake import undecodable_fields
from tryghed.organisation.models import Municipality
from tryghed.servicedesk import actions, notify, photos, resubmission, routing
from tryghed.servicedesk.models import (
    Handling,
    Kind,
    Message,
    Service,
    ServiceRequest,
    hash_token,
    new_token,
)
from tryghed.servicedesk.public.forms import (
    MessageForm,
    RequestForm,
    ServiceChoiceForm,
    new_form_id,
)
from tryghed.servicedesk.ratelimit import client_ip, ratelimit

KIND_PAGES = {
    Kind.TIP: {
        "url_name": "servicedesk:tip",
        "title": _("Tip the police"),
        "lead": _("Tell the police about something you have seen or know. You can be anonymous."),
        "facts": [
            _(
                "A tip is not a report to the police: it is not registered as a case, and you "
                "will not necessarily get an answer. The local police read every tip."
            ),
        ],
        "receipt": _(
            "The local police will read your tip. A tip is not registered as a report to the "
            "police, and you will not necessarily get an answer."
        ),
    },
    Kind.NUISANCE: {
        "url_name": "servicedesk:nuisance",
        "title": _("Report a nuisance"),
        "lead": _(
            "Tell the police and the municipality about nuisance in a public place, such as "
            "parties in parks or moped driving in residential areas."
        ),
        "facts": [
            _(
                "Your report goes to the local police and, where the municipality runs the "
                "place, to the municipality as well."
            ),
        ],
        "receipt": _(
            "Your report goes to the local police and to the municipality, who each look into it."
        ),
    },
    Kind.OFFICER_REQUEST: {
        "url_name": "servicedesk:officer_request",
        "title": _("Order a police officer"),
        "lead": _(
            "Order a crime-prevention talk, a traffic check on a road, or a visit by a drug "
            "dog to a school or an education institution."
        ),
        "facts": [
            _(
                "The police assess every request, and not all requests can be met. You will "
                "get an answer, and carrying out a request can take up to 30 days."
            ),
        ],
        "receipt": _(
            "The police assess every request, and not all requests can be met. You will get "
            "an answer, and carrying out a request can take up to 30 days."
        ),
    },
}

STATUS_TEXT = {
    Handling.Status.NEW: _("We have received your request. It has not been assessed yet."),
    Handling.Status.IN_PROGRESS: _("Your request is being looked into."),
    Handling.Status.CLOSED: _(
        "We have finished handling your request. You can still write to us below."
    ),
}

# A duplicate is closed in the queues, but the matter is not done with: it is worked as the
# earlier request, which the citizen cannot follow (its link is another citizen's).
DUPLICATE_TEXT = _(
    "Your request is about the same matter as an earlier request, and we handle the two "
    "together. You can still write to us below."
)

GEOJSON_TIMEOUT = 60 * 60
# Compared against when the reference is unknown, so that "no such request" takes as long
# as "wrong link".
_NO_SUCH_HASH = hash_token(new_token())


def _counted(response):
    """Only what was accepted (or looked accepted to a bot) uses up the client's quota; a
    citizen correcting a form is not held back."""
    return getattr(response, "counts_against_limit", False)


def _refused(response):
    """A form sent back with its errors. Those are counted too, more loosely: each one is
    read and checked (its photos decoded) as an accepted one is."""
    return response.status_code != 429 and not _counted(response)


def _refused_rate():
    return settings.TRYGHED_REFUSED_SUBMISSION_RATE


def _submit_scope(request, kind):
    return f"submit:{kind}"


def _refused_submit_scope(request, kind):
    return f"submit-refused:{kind}"


def _private(response):
    # The page holds the secret link: no shared cache may keep it, and no search engine.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _form_key(form_id):
    return "servicedesk:form:" + hashlib.sha256(form_id.encode()).hexdigest()


def _sender_key(request, reference):
    """Where the cache remembers that this client address sent the anonymous request
    `reference`, for resubmission.WINDOW: a keyed hash, so that the cache table holds no
    citizen's address, and no link from a tip to one after the window."""
    digest = salted_hmac("tryghed.servicedesk.sender", f"{client_ip(request)}\n{reference}")
    return "servicedesk:sender:" + digest.hexdigest()[:32]


def _already_received(request, page, reference, *, repeated):
    """The answer to a form sent again: the earlier request's reference, never its status
    link, whose secret is shown once, to whoever sent the form first."""
    response = render(
        request,
        "servicedesk/public/already_received.html",
        {"page": page, "reference": reference, "repeated": repeated},
    )
    return _private(response)


# What a form may send: the photos at their limit, and the text fields with room to spare
# (a form's own text is some kilobytes; the encoding of the parts adds a little).
FORM_MARGIN = 1024 * 1024
SUBMISSION_MAX_BYTES = photos.MAX_PHOTOS * photos.MAX_BYTES + FORM_MARGIN
MESSAGE_MAX_BYTES = FORM_MARGIN


def _too_large(request, limit):
    response = render(
        request,
        "servicedesk/public/too_large.html",
        {
            "photos": photos.MAX_PHOTOS,
            "megabytes": photos.MAX_BYTES // (1024 * 1024),
            "with_photos": limit > FORM_MARGIN,
        },
        status=413,
    )
    return _private(response)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@body_at_most(SUBMISSION_MAX_BYTES, _too_large)
@ratelimit(_refused_submit_scope, rates=_refused_rate, counts=_refused)
@ratelimit(_submit_scope, counts=_counted)
def submit(request, kind):
    page = KIND_PAGES[kind]
    services = list(Service.objects.filter(kind=kind, active=True).prefetch_related("attributes"))
    code = request.POST.get("service") if request.method == "POST" else request.GET.get("tjeneste")
    service = next((s for s in services if s.code == code), None)
    if service is None:
        chosen = "tjeneste" in request.GET or request.method == "POST"
        choice = ServiceChoiceForm(services, request.GET if chosen else None)
        if chosen:
            choice.is_valid()
        return render(
            request,
            "servicedesk/public/choose.html",
            {"page": page, "kind": kind, "services": services, "form": choice},
        )

    if request.method != "POST":
        form = RequestForm(service, initial={"form_id": new_form_id()})
        return _form_page(request, page, form)

    form = RequestForm(
        service, request.POST, request.FILES, undecodable=undecodable_fields(request)
    )
    if form.is_honeypot:
        return _fake_receipt(request, page, service)
    form_id = request.POST.get("form_id", "")[:64]
    if form_id and (reference := cache.get(_form_key(form_id))):
        return _already_received(request, page, reference, repeated=False)
    if form.is_valid():
        submission = form.submission(translation.get_language() or settings.LANGUAGE_CODE)
        try:
            citizen_request, token = actions.submit_request(
                service,
                **submission,
                # An anonymous request repeats an earlier one only from the same address.
                same_sender=lambda earlier: (
                    cache.get(_sender_key(request, earlier.reference)) is not None
                ),
            )
        except routing.RoutingError as exc:
            form.add_error(None, str(exc))
        except actions.AlreadyReceived as repeat:
            # Its photos were not written: a photo's file is written with its request.
            if form_id:
                cache.set(_form_key(form_id), repeat.request.reference, 24 * 60 * 60)
            return _already_received(request, page, repeat.request.reference, repeated=True)
        except Exception:
            _discard_files(submission["photos"])
            raise
        else:
            if form_id:
                cache.set(_form_key(form_id), citizen_request.reference, 24 * 60 * 60)
            if citizen_request.is_anonymous:
                cache.set(
                    _sender_key(request, citizen_request.reference),
                    True,
                    resubmission.WINDOW.total_seconds(),
                )
            emailed = notify.send_receipt(citizen_request, token)
            return _receipt(
                request,
                page,
                service,
                citizen_request.reference,
                citizen_request.status_url(token),
                emailed=emailed,
            )
    return _form_page(request, page, form)


def _discard_files(photos):
    """A request that failed halfway keeps no photo on disk."""
    for photo in photos:
        name = photo.image.name
        if name and default_storage.exists(name):
            default_storage.delete(name)


def _form_page(request, page, form):
    response = render(
        request,
        "servicedesk/public/form.html",
        {
            "page": page,
            "form": form,
            "service": form.service,
            "kind": form.kind,
            "map_tiles": settings.TRYGHED_MAP_TILE_URL,
            "map_attribution": settings.TRYGHED_MAP_TILE_ATTRIBUTION,
        },
    )
    # Each showing has its own one-time form id: a shared cache that handed one page to two
    # visitors would make the second one's report look like the first's sent again.
    # (Going Back, browsers fetch the page again anyway, with a new id; see resubmission.)
    response["Cache-Control"] = "private, no-cache"
    return response


def _receipt(request, page, service, reference, status_path, *, emailed):
    response = render(
        request,
        "servicedesk/public/receipt.html",
        {
            "page": page,
            "service": service,
            "reference": reference,
            "status_path": status_path,
            # The address the citizen is actually using; the e-mail uses SITE_URL.
            "status_link": request.build_absolute_uri(status_path),
            "emailed": emailed,
        },
    )
    response.counts_against_limit = True
    return _private(response)


def _fake_receipt(request, page, service):
    """What a bot that filled in the hidden field sees: a receipt like any other, of a
    request that was never stored."""
    reference = actions.reference(service, timezone.now(), secrets.randbelow(900_000) + 100_000)
    path = reverse("servicedesk:status", args=[reference, new_token()])
    return _receipt(request, page, service, reference, path, emailed=False)


def _find(reference, token):
    """The request behind a status link, or 404 alike for an unknown reference and a wrong
    token."""
    found = (
        ServiceRequest.objects.select_related("service", "municipality")
        .defer("municipality__boundary")
        .filter(reference=reference)
        .first()
        if len(reference) <= 30
        else None
    )
    if found is None:
        secrets.compare_digest(_NO_SUCH_HASH, hash_token(token))
        raise Http404
    if not found.check_token(token):
        raise Http404
    return found


def _status_scope(request, reference, token):
    return "status-message"


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@body_at_most(MESSAGE_MAX_BYTES, _too_large)
@ratelimit("status-message-refused", rates=_refused_rate, counts=_refused)
@ratelimit(_status_scope, counts=_counted)
def status(request, reference, token):
    citizen_request = _find(reference, token)
    if request.method == "POST":
        form = MessageForm(request.POST, undecodable="body" in undecodable_fields(request))
        if form.is_honeypot or form.is_valid():
            if not form.is_honeypot:
                actions.add_citizen_message(citizen_request, body=form.cleaned_data["body"])
            messages.success(request, _("Your message has been sent."))
            response = redirect(citizen_request.status_url(token))
            response.counts_against_limit = True
            return _private(response)
    else:
        form = MessageForm()
    public_status = citizen_request.public_status()
    status_text = STATUS_TEXT[public_status]
    if (
        public_status == Handling.Status.CLOSED
        and citizen_request.duplicate_of_id is not None
        and not citizen_request.is_spam
    ):
        status_text = DUPLICATE_TEXT
    conversation = [
        {
            "from_citizen": message.kind == Message.Kind.CITIZEN,
            "sender": message.queue.name if message.queue else "",
            "body": message.body,
            "created_at": message.created_at,
        }
        for message in citizen_request.public_messages().select_related("queue")
    ]
    response = render(
        request,
        "servicedesk/public/status.html",
        {
            "page": KIND_PAGES[citizen_request.service.kind],
            "citizen_request": citizen_request,
            "service": citizen_request.service,
            "status_label": Handling.Status(public_status).label,
            "status_value": public_status,
            "status_text": status_text,
            "conversation": conversation,
            "photo_count": citizen_request.photos.count(),
            "form": form,
        },
    )
    return _private(response)


@login_not_required
@require_GET
def municipalities_geojson(request):
    """The boundaries of the served municipalities, for the place picker's map."""
    districts = sorted(settings.TRYGHED_SERVED_DISTRICTS)
    key = "servicedesk:geojson:" + ",".join(map(str, districts))
    body = cache.get(key)
    if body is None:
        features = [
            {
                "type": "Feature",
                "properties": {"code": m.code, "name": m.name},
                "geometry": m.boundary,
            }
            for m in Municipality.objects.filter(district__number__in=districts)
            .exclude(boundary=None)
            .order_by("name")
        ]
        body = json.dumps(
            {"type": "FeatureCollection", "features": features}, separators=(",", ":")
        )
        cache.set(key, body, GEOJSON_TIMEOUT)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={GEOJSON_TIMEOUT}"
    return response
