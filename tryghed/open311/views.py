"""Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2) under /open311/v2/.

Each resource answers in XML or JSON by its suffix. Every answer other than success uses the
spec's error list, with the HTTP status as the code, and no input leads to a server error.
"""

import datetime
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db.models import Exists, Max, OuterRef
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tryghed.audit.models import AuditEntry
from tryghed.open311 import intake, jurisdictions, keys, memo, publish, render
from tryghed.open311.dates import parse_w3c, w3c
from tryghed.servicedesk import actions, notify, ratelimit, routing
from tryghed.servicedesk.models import (
    Service,
    ServiceAttribute,
    ServiceRequest,
    hash_token,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date this API last changed shape; the services' own changes come from the audit log.
API_CHANGESET = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
WINDOW = datetime.timedelta(days=90)
MAX_BODY = 64 * 1024
MAX_IDS = publish.LIMIT
# Requests with a missing or wrong api_key allowed per client address.
FAILED_KEY_RATES = "30/10m,300/1d"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class Refused(Exception):
    def __init__(self, status, messages, *, headers=None):
        super().__init__(messages)
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.headers = headers or {}


def endpoint(*methods):
    """An Open311 resource: public, without CSRF (clients are not browsers with a session),
    limited to `methods`, and answering every refusal in the spec's error format."""

    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view):
        @csrf_exempt
        @login_not_required
        @wraps(view)
        def wrapper(request, fmt, **kwargs):
            if request.method == "OPTIONS":
                # A browser's CORS preflight: the answers are public (Allow-Origin *), and a
                # POST only needs the form's own content type.
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(allowed)
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Allow-Methods"] = ", ".join(allowed)
                response["Access-Control-Allow-Headers"] = "Content-Type"
                response["Access-Control-Max-Age"] = "86400"
                return response
            if request.method not in allowed:
                response = render.errors(
                    fmt,
                    405,
                    _("%(method)s is not allowed here; use %(allowed)s.")
                    % {"method": request.method[:10], "allowed": get_text_list(methods)},
                )
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                return view(request, fmt, **kwargs)
            except Refused as exc:
                response = render.errors(fmt, exc.status, exc.messages)
                for name, value in exc.headers.items():
                    response[name] = value
                return response
            except intake.Invalid as exc:
                return render.errors(fmt, exc.status, exc.messages)

        return wrapper

    return decorate


def _param(data, name):
    """A parameter's text; NUL and other control characters are refused, since they never
    belong in a parameter and PostgreSQL cannot compare with them."""
    value = data.get(name, "")
    if intake.has_control_characters(value):
        raise Refused(400, _("%(name)s contains characters that are not allowed.") % {"name": name})
    return value.strip()


def _jurisdiction(data):
    value = _param(data, "jurisdiction_id")
    if not value:
        return None
    found = jurisdictions.find(value)
    if found is None:
        raise Refused(
            404, _("jurisdiction_id %(id)s was not found.") % {"id": intake.shorten(value)}
        )
    if not found.served:
        raise Refused(
            404,
            _(
                "jurisdiction_id %(id)s is %(district)s, which does not receive requests "
                "here. Please contact %(district)s on politi.dk."
            )
            % {"id": found.jurisdiction_id, "district": found.district.name},
        )
    return found


def _changeset():
    service_types = [
        ct.pk for ct in ContentType.objects.get_for_models(Service, ServiceAttribute).values()
    ]
    latest = AuditEntry.objects.filter(content_type__in=service_types).aggregate(Max("at"))
    return max(filter(None, [latest["at__max"], API_CHANGESET]))


@endpoint("GET")
def discovery(request, fmt):
    changeset = w3c(_changeset())
    base = settings.SITE_URL.rstrip("/") + reverse("open311:discovery", args=["json"])
    base = base.rsplit("/", 1)[0]
    served = jurisdictions.served()
    names = ", ".join(j.district.name for j in served)
    data = {
        "changeset": changeset,
        "contact": _(
            "%(districts)s. Questions about this API go to the district's secretariat; "
            "in an emergency, call 112."
        )
        % {"districts": names},
        "key_service": _(
            "POST requests need an api_key. The district secretariat issues keys to client "
            "applications in the back office (%(url)s)."
        )
        % {"url": settings.SITE_URL.rstrip("/") + reverse("staff:api_keys:list")},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
        "jurisdictions": [
            {"jurisdiction_id": j.jurisdiction_id, "name": j.district.name} for j in served
        ],
        "privacy": _(
            "GET responses never contain a reporter's name, e-mail or phone. Tips are "
            "confidential: only their service, municipality, dates, status and receiving team "
            "are shown. Spam is not listed; duplicates are listed only by their id."
        ),
    }
    return render.respond(fmt, "discovery", data)


@endpoint("GET")
def service_list(request, fmt):
    _jurisdiction(request.GET)
    services = Service.objects.filter(active=True).annotate(
        has_attributes=Exists(ServiceAttribute.objects.filter(service=OuterRef("pk")))
    )
    data = [
        {
            "service_code": s.code,
            "service_name": s.tr("name"),
            "description": s.tr("description"),
            "metadata": s.has_attributes,
            "type": "realtime",
            "keywords": s.keywords,
            "group": s.group,
        }
        for s in services
    ]
    return render.respond(fmt, "services", data)


def _datatype_description(datatype):
    Datatype = ServiceAttribute.Datatype
    if datatype == Datatype.DATETIME:
        return _("A W3C date and time, e.g. 2026-07-01T20:00:00+02:00")
    if datatype == Datatype.NUMBER:
        return _("A number, e.g. 25")
    if datatype in (Datatype.STRING, Datatype.TEXT):
        limit = intake.MAX_STRING if datatype == Datatype.STRING else intake.MAX_TEXT
        return _("Text of at most %(max)d characters") % {"max": limit}
    if datatype == Datatype.SINGLEVALUELIST:
        return _("One of the keys in values")
    return _("One or more of the keys in values, each sent as attribute[code][]")


def _value_name(value):
    if (get_language() or "da").startswith("en") and value.get("name_en"):
        return value["name_en"]
    return value.get("name", "")


def _service_and_questions(code):
    """The active service `code` and its questions, or None: one query when it has
    questions, which is nearly always."""
    # Ordered explicitly: the model orders by its service first, which would sort by the
    # service table's own ordering.
    questions = list(
        ServiceAttribute.objects.filter(service__code=code, service__active=True)
        .select_related("service")
        .order_by("order", "pk")
    )
    if questions:
        return questions[0].service, questions
    service = Service.objects.filter(code=code, active=True).order_by().first()
    return (service, []) if service is not None else None


@endpoint("GET")
def service_definition(request, fmt, code):
    _jurisdiction(request.GET)
    found = None if intake.has_control_characters(code) else _service_and_questions(code)
    if found is None:
        raise Refused(
            404, _("service_code %(code)s was not found.") % {"code": intake.shorten(code)}
        )
    service, questions = found
    attributes = [
        {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": _datatype_description(a.datatype),
            "order": i,
            "description": a.tr("description"),
            "values": [
                {"key": str(v.get("key", "")), "name": _value_name(v)}
                for v in a.values
                if isinstance(v, dict)
            ],
        }
        for i, a in enumerate(questions, start=1)
    ]
    return render.respond(
        fmt, "service_definition", {"service_code": service.code, "attributes": attributes}
    )


@endpoint("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


def _post_data(request):
    content_type = request.content_type or ""
    if content_type not in FORM_TYPES:
        raise Refused(
            415,
            _(
                "Send the request as a form: application/x-www-form-urlencoded or "
                "multipart/form-data, not %(type)s."
            )
            % {"type": intake.shorten(content_type or _("a body without a content type"))},
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if not length and request.META.get("HTTP_TRANSFER_ENCODING"):
        # Django reads a body by its Content-Length; a chunked one would be read as empty.
        raise Refused(411, _("Send the request with a Content-Length, not in chunks."))
    if length > MAX_BODY:
        raise Refused(
            413,
            _("The request is too large; send at most %(kb)d KB.") % {"kb": MAX_BODY // 1024},
        )
    try:
        if content_type == FORM_TYPES[0]:
            # Django reads a form that is not UTF-8 as Latin-1, which would store every
            # Danish letter of the request garbled.
            request.body.decode("utf-8")
        undecodable = intake.undecodable_fields(request)
        if undecodable:
            # Percent-escaped bytes that are not UTF-8 would be stored as replacement marks.
            raise Refused(
                400,
                _("%(names)s must be encoded as UTF-8.")
                % {
                    "names": get_text_list(
                        [intake.shorten(n) for n in sorted(undecodable)], _("and")
                    )
                },
            )
        return request.POST
    except RequestDataTooBig as exc:
        raise Refused(413, _("The request is too large.")) from exc
    except (UnicodeDecodeError, BadRequest) as exc:
        raise Refused(400, _("The request body must be encoded as UTF-8.")) from exc
    except (MultiPartParserError, SuspiciousOperation, UnreadablePostError, ValueError) as exc:
        raise Refused(400, _("The request body could not be read as a form.")) from exc


def _create(request, fmt):
    if "api_key" in request.GET:
        # Addresses end up in access logs and browser histories; the key belongs in the body.
        raise Refused(
            400,
            _(
                "Send api_key in the request body, not in the address; a key that has been "
                "in an address should be replaced."
            ),
        )
    data = _post_data(request)
    client = keys.verify_key(data.get("api_key", ""))
    if client is None:
        _refuse_key(request)
    jurisdiction = _jurisdiction(data)
    code = _param(data, "service_code")
    if not code:
        raise Refused(400, _("service_code is required."))
    # Read at most every memo.TTL seconds by a worker: every submission needs it.
    found = memo.services.get(code, lambda: _service_and_questions(code))
    if found is None:
        raise Refused(
            404, _("service_code %(code)s is not a known service.") % {"code": intake.shorten(code)}
        )
    service, questions = found
    submission = intake.read(data, service, questions)
    # Kept as the web form keeps it: the receipt and the staff's replies are written in the
    # language the client asked for.
    submission.details[notify.LANGUAGE_KEY] = get_language() or settings.LANGUAGE_CODE

    def within_jurisdiction(found):
        if jurisdiction is not None and found.district.pk != jurisdiction.district.pk:
            raise routing.RoutingError(
                _("The place is in %(district)s, not in the jurisdiction %(id)s.")
                % {"district": found.district.name, "id": jurisdiction.jurisdiction_id}
            )

    try:
        created, token = actions.submit_request(
            service,
            channel=ServiceRequest.Channel.OPEN311,
            check=within_jurisdiction,
            **submission.as_kwargs(),
        )
    except routing.RoutingError as exc:
        raise Refused(400, str(exc)) from exc
    # Replies to the citizen point to the status link "you received"; the link itself goes
    # only to the citizen's own address, never into the client's answer.
    notify.send_receipt(created, token)
    notice = publish.notice_for(service.kind)
    if submission.media_url_ignored:
        notice += " " + _("media_url was not kept: photos can only be sent through the web form.")
    data = [
        {
            "service_request_id": created.reference,
            "token": token,
            "service_notice": notice,
            "account_id": None,
        }
    ]
    return render.respond(fmt, "service_requests", data, status=201)


def _refuse_key(request):
    """403 for a missing or wrong key, and 429 for an address that keeps trying: clients with
    a valid key are never counted, so the limit costs them nothing."""
    address = ratelimit.client_ip(request)
    rates = ratelimit.parse_rates(FAILED_KEY_RATES)
    wait = ratelimit.retry_after("open311-key", address, rates)
    if wait:
        raise Refused(
            429,
            _("Too many requests without a valid api_key; try again in %(seconds)d seconds.")
            % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    ratelimit.hit("open311-key", address, rates)
    raise Refused(403, _("api_key is missing, unknown or no longer active."))


def _list_param(data, name):
    return [v.strip() for v in _param(data, name).split(",") if v.strip()]


def _date_param(data, name):
    raw = _param(data, name)
    if not raw:
        return None
    value = parse_w3c(raw)
    if value is None:
        raise Refused(
            400,
            _("%(name)s must be a W3C date and time, e.g. 2026-07-01T00:00:00+02:00.")
            % {"name": name},
        )
    return value


def _search(request, fmt):
    data = request.GET
    jurisdiction = _jurisdiction(data)
    found = publish.public_requests().filter(is_spam=False)
    if jurisdiction is not None:
        found = found.filter(district=jurisdiction.district)
    ids = _list_param(data, "service_request_id")
    if ids:
        # The spec: a list of ids overrides every other parameter.
        if len(ids) > MAX_IDS:
            raise Refused(
                400, _("Ask for at most %(max)d service_request_id at once.") % {"max": MAX_IDS}
            )
        found = found.filter(reference__in=ids)
    else:
        found = found.filter(duplicate_of__isnull=True)
        codes = set(_list_param(data, "service_code"))
        if codes:
            known = set(Service.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = sorted(codes - known)
            if unknown:
                raise Refused(
                    400,
                    _("service_code %(code)s is not a known service.")
                    % {"code": intake.shorten(unknown[0])},
                )
            found = found.filter(service__code__in=codes)
        statuses = {s.lower() for s in _list_param(data, "status")}
        if statuses - {"open", "closed"}:
            raise Refused(400, _("status must be open or closed, or both separated by a comma."))
        found = publish.with_status(found, statuses)
        found = found.filter(submitted_at__range=_period(data))
    rows = list(found.order_by("-submitted_at", "-pk")[: publish.LIMIT])
    return render.respond(fmt, "service_requests", [publish.record(r) for r in rows])


def _period(data):
    """The spec's window: at most 90 days, the last 90 days when no date is given."""
    start, end = _date_param(data, "start_date"), _date_param(data, "end_date")
    try:
        # The date not given is 90 days from the other on the Danish calendar (arithmetic
        # on a local time keeps its wall clock), as the window is checked below.
        if start is None and end is None:
            end = timezone.now()
            start = timezone.localtime(end) - WINDOW
        elif start is None:
            start = timezone.localtime(end) - WINDOW
        elif end is None:
            end = timezone.localtime(start) + WINDOW
        # Counted in days on the Danish calendar: a window across the autumn clock change is
        # an hour longer than 90 times 24 hours.
        span = _wall_clock(end) - _wall_clock(start)
    except OverflowError as exc:
        raise Refused(400, _("start_date or end_date is out of range.")) from exc
    if start > end:
        raise Refused(400, _("start_date must be before end_date."))
    if span > WINDOW:
        raise Refused(400, _("start_date and end_date may be at most 90 days apart."))
    return start, end


def _wall_clock(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


@endpoint("GET")
def request_detail(request, fmt, reference):
    jurisdiction = _jurisdiction(request.GET)
    # No reference holds a control character, and PostgreSQL cannot compare with NUL.
    found = publish.public_requests().filter(reference=reference)
    if intake.has_control_characters(reference):
        found = found.none()
    if jurisdiction is not None:
        found = found.filter(district=jurisdiction.district)
    found = found.first()
    if found is None:
        raise Refused(
            404,
            _("service_request_id %(id)s was not found.") % {"id": intake.shorten(reference)},
        )
    return render.respond(fmt, "service_requests", [publish.record(found)])


@endpoint("GET")
def token_detail(request, fmt, token):
    found = (
        ServiceRequest.objects.filter(token_hash=hash_token(token)).only("reference").first()
        if len(token) <= 100
        else None
    )
    if found is None:
        raise Refused(404, _("The token was not found."))
    return render.respond(
        fmt, "service_requests", [{"service_request_id": found.reference, "token": token}]
    )


@csrf_exempt
@login_not_required
def not_found(request, path=""):
    fmt = "json" if path.endswith(".json") else "xml"
    return render.errors(
        fmt,
        404,
        _("There is no such Open311 resource. Start at discovery.xml or discovery.json."),
    )
