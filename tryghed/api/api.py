"""The staff API: the same records as the back office, fetched through the same
`visible_to` predicates, with the Django session as authentication."""

import re
from collections import defaultdict
from functools import wraps
from typing import Annotated

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import Status
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from tryghed.accounts.scope import scope_of
from tryghed.api import schemas
from tryghed.incidents import actions as incident_actions
from tryghed.organisation import geo
from tryghed.organisation.models import Council, Municipality, PoliceDistrict
from tryghed.plans import actions as plan_actions
from tryghed.plans.models import (
    CooperationPlan,
    FocusArea,
    Initiative,
    ProgressUpdate,
    weighted_progress,
)


class StaffAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation):
        # The endpoint's function name ("record_progress"), not its dotted module path.
        return operation.view_func.__name__


class StaffSession(SessionAuth):
    """The back office's session cookie, with the CSRF token for writes.

    ninja's own session auth checks CSRF before it looks at the session, so a script without
    a session got 403 or 401 depending on whether it happened to send a CSRF cookie. Here a
    call without a signed-in session is always 401, as the description says; CSRF protects
    the session of a signed-in user, and only such a call can be forged."""

    def __init__(self):
        super().__init__(csrf=False)  # checked in authenticate(), once there is a session

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request):
            raise HttpError(
                403,
                _("CSRF check failed: send the CSRF token in the X-CSRFToken header."),
            )
        return request.user


api = StaffAPI(
    title="Tryghed staff API",
    version="1",
    description=(
        "Councils, cooperation plans and their initiatives, as the signed-in user may see "
        "them. Authentication is the back office's session cookie; writes also need the "
        "CSRF token in the X-CSRFToken header. A record you may not see answers 404."
    ),
    auth=StaffSession(),
    urls_namespace="api",
    # Swagger UI comes from ninja's own static files ("ninja" is an installed app), not a CDN.
    docs_url="/docs",
)

# Every answer may be one of these; declaring them keeps the OpenAPI document honest.
UNAUTHENTICATED = {401: schemas.Message}
INVALID = {422: schemas.ValidationErrors}
NOT_FOUND = {**UNAUTHENTICATED, **INVALID, 404: schemas.Message}


@api.exception_handler(HttpError)
def http_error(request, exc):
    # ninja answers a body it cannot parse with 400 and an English message, whatever the
    # reason; it is invalid input like any other, and gets the same 422 shape as a
    # validation error. json raises RecursionError on arrays or objects nested too deeply.
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, ValueError | RecursionError):
        if isinstance(cause, RecursionError):
            message = _("The request body is nested too deeply.")
        else:
            message = _("The request body is not valid JSON.")
        return api.create_response(
            request,
            {"detail": [{"type": "json_invalid", "loc": ["body"], "msg": message}]},
            status=422,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


def _not_found(request):
    return api.create_response(
        request,
        {"detail": _("There is no such record, or you may not see it.")},
        status=404,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    # get_object_or_404 over `visible_to`: a record that is not there and one you may not
    # see answer alike.
    return _not_found(request)


def page_not_found(request, exception):
    """The site's 404 handler. An address under the API that names no endpoint, such as
    /api/v1/plans/1/x, never reaches ninja; a script gets the API's JSON 404 for it rather
    than the site's HTML page. Being the handler and not a catch-all pattern, it leaves the
    slash-appending redirect (/api/v1/plans to /api/v1/plans/) to CommonMiddleware."""
    if request.path.startswith(reverse("api:api-root")):
        return _not_found(request)
    return defaults.page_not_found(request, exception)


def json_method_not_allowed(view):
    """ninja answers a method that an address does not take with "Method not allowed" as
    plain text; this gives that answer the API's own error format."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        refused = api.create_response(
            request,
            {
                "detail": _("This address does not take %(method)s, only %(allowed)s.")
                % {"method": request.method, "allowed": allowed}
            },
            status=405,
        )
        refused["Allow"] = allowed
        return refused

    return answer


def _listed(expected):
    # pydantic lists the allowed values as "'planned', 'in_progress' or 'completed'",
    # with an English "or".
    return ", ".join(re.findall(r"'([^']*)'", expected))


def _limit(value):
    # A bound declared as -90 comes back as -90.0; written as the site writes numbers.
    return formats.number_format(int(value) if value == int(value) else value)


def _validation_message(error):
    """The message of one of pydantic's errors in the active language: pydantic's own are
    English. The errors the API's schemas cannot cause keep pydantic's message."""
    ctx = error.get("ctx", {})
    match error["type"]:
        case "value_error":
            # The schemas' own validators raise translated messages; pydantic puts
            # "Value error, " in front of them.
            return ctx.get("error", error["msg"])
        case "missing":
            return _("This field is required.")
        case "extra_forbidden":
            return _("There is no field “%(field)s”; leave it out or check its spelling.") % {
                "field": error["loc"][-1]
            }
        case "int_type" | "int_parsing" | "int_from_float":
            return _("Enter a whole number.")
        case "float_type" | "float_parsing" | "decimal_type" | "decimal_parsing":
            return _("Enter a number.")
        case "finite_number":
            return _("Enter a finite number.")
        case "greater_than_equal":
            return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
                "limit_value": _limit(ctx["ge"])
            }
        case "less_than_equal":
            return _("Ensure this value is less than or equal to %(limit_value)s.") % {
                "limit_value": _limit(ctx["le"])
            }
        case "decimal_max_digits":
            return ngettext(
                "Ensure that there are no more than %(max)s digit in total.",
                "Ensure that there are no more than %(max)s digits in total.",
                ctx["max_digits"],
            ) % {"max": ctx["max_digits"]}
        case "decimal_max_places":
            return ngettext(
                "Ensure that there are no more than %(max)s decimal place.",
                "Ensure that there are no more than %(max)s decimal places.",
                ctx["decimal_places"],
            ) % {"max": ctx["decimal_places"]}
        case "decimal_whole_digits":
            return ngettext(
                "Ensure that there are no more than %(max)s digit before the decimal point.",
                "Ensure that there are no more than %(max)s digits before the decimal point.",
                ctx["whole_digits"],
            ) % {"max": ctx["whole_digits"]}
        case "string_type":
            return _("Enter text.")
        case "string_too_short":
            return ngettext(
                "Enter at least %(count)s character.",
                "Enter at least %(count)s characters.",
                ctx["min_length"],
            ) % {"count": ctx["min_length"]}
        case "string_too_long":
            return ngettext(
                "Enter at most %(count)s character.",
                "Enter at most %(count)s characters.",
                ctx["max_length"],
            ) % {"count": ctx["max_length"]}
        case "bool_type" | "bool_parsing":
            return _("Enter true or false.")
        case "list_type":
            return _("Enter a list of values.")
        case "too_short":
            return ngettext(
                "Send at least %(count)s item.",
                "Send at least %(count)s items.",
                ctx["min_length"],
            ) % {"count": ctx["min_length"]}
        case "model_attributes_type" | "model_type" | "dict_type":
            return _("Send a JSON object.")
        case (
            "date_type"
            | "date_parsing"
            | "date_from_datetime_parsing"
            | "date_from_datetime_inexact"
        ):
            return _("Enter a valid date as YYYY-MM-DD.")
        case "enum" | "literal_error":
            return _("Choose one of: %(choices)s.") % {"choices": _listed(ctx["expected"])}
    return error["msg"]


@api.exception_handler(ValidationError)
def invalid(request, exc):
    # `type` and `loc` stay as pydantic gives them, for a client to act on.
    errors = [{**error, "msg": _validation_message(error)} for error in exc.errors]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(AuthenticationError)
def not_signed_in(request, exc):
    return api.create_response(
        request,
        {"detail": _("Sign in first: the API takes the back office's session cookie.")},
        status=401,
    )


@api.exception_handler(RequestDataTooBig)
def body_too_large(request, exc):
    return api.create_response(
        request,
        {
            "detail": _("The request body is larger than %(size)s MB; send fewer rows at a time.")
            % {"size": round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20, 1)}
        },
        status=413,
    )


def _require_staff(request):
    if not scope_of(request.user).is_staff_member:
        raise HttpError(403, _("Your account has no role in any police district."))


def _districts():
    return PoliceDistrict.objects.defer("boundary")


# Boundaries are megabytes of GeoJSON that no answer here needs.
NO_BOUNDARIES = ("district__boundary", "municipality__boundary")


# Reference data ---------------------------------------------------------------------------


@api.get(
    "/districts/",
    response={200: list[schemas.DistrictOut], 403: schemas.Message, **UNAUTHENTICATED},
    tags=["reference"],
)
def list_districts(request):
    """All police districts."""
    _require_staff(request)
    return _districts()


@api.get(
    "/municipalities/",
    response={
        200: list[schemas.MunicipalityOut],
        403: schemas.Message,
        **UNAUTHENTICATED,
        **INVALID,
    },
    tags=["reference"],
)
def list_municipalities(request, district: int | None = None):
    """All municipalities, or those of the district with this number."""
    _require_staff(request)
    municipalities = Municipality.objects.select_related("district").defer(
        "boundary", "district__boundary"
    )
    if district is not None:
        municipalities = municipalities.filter(district__number=district)
    return municipalities


@api.get(
    "/locate",
    response={200: schemas.LocationOut, 403: schemas.Message, **NOT_FOUND},
    tags=["reference"],
)
def locate(
    request,
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False, description="WGS84")],
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False, description="WGS84")],
):
    """The municipality and police district at a point."""
    _require_staff(request)
    try:
        found = geo.locate(lat, lon)
    except geo.OutsideDenmark:
        raise HttpError(
            404,
            _("%(lat)s, %(lon)s is not in Denmark or close to its coast.")
            % {"lat": lat, "lon": lon},
        ) from None
    return {
        "code": found.code,
        "name": found.name,
        "district": found.district_name,
        "district_id": found.district_id,
        "distance_km": found.distance_km,
    }


# Councils ---------------------------------------------------------------------------------


def _councils(request):
    return (
        Council.objects.visible_to(request.user)
        .select_related("district", "municipality")
        .defer(*NO_BOUNDARIES)
    )


@api.get(
    "/councils/", response={200: list[schemas.CouncilOut], **UNAUTHENTICATED}, tags=["councils"]
)
def list_councils(request):
    """The councils you can see."""
    return _councils(request).order_by("district__number", "kind", "name")


@api.get(
    "/councils/{council_id}",
    response={200: schemas.CouncilDetailOut, **NOT_FOUND},
    tags=["councils"],
)
def get_council(request, council_id: int):
    """A council with its current and former members."""
    council = get_object_or_404(_councils(request), pk=council_id)
    today = timezone.localdate()
    memberships = council.memberships.select_related("person", "organisation")
    council.members = list(memberships.current(today))
    council.former_members = list(memberships.filter(end_date__lt=today).order_by("-end_date"))
    return council


# Plans ------------------------------------------------------------------------------------


def _plans(request):
    return (
        CooperationPlan.objects.visible_to(request.user)
        .select_related("district")
        .defer("district__boundary")
    )


def _root_initiatives():
    return Prefetch(
        "initiatives",
        queryset=Initiative.objects.roots().only("plan_id", "focus_area_id", "weight", "progress"),
        to_attr="root_initiatives",
    )


def _municipality_codes():
    return Prefetch("municipalities", queryset=Municipality.objects.only("code"))


@api.get("/plans/", response={200: list[schemas.PlanOut], **UNAUTHENTICATED}, tags=["plans"])
def list_plans(request):
    """The cooperation plans you can see, with their progress."""
    plans = list(_plans(request).prefetch_related(_root_initiatives()))
    for plan in plans:
        plan.progress_now = weighted_progress(plan.root_initiatives)
    return plans


@api.get("/plans/{plan_id}", response={200: schemas.PlanDetailOut, **NOT_FOUND}, tags=["plans"])
def get_plan(request, plan_id: int):
    """A plan with its focus areas and their progress."""
    plan = get_object_or_404(
        _plans(request).prefetch_related(
            _root_initiatives(),
            Prefetch("focus_areas", queryset=FocusArea.objects.order_by("order", "pk")),
        ),
        pk=plan_id,
    )
    plan.progress_now = weighted_progress(plan.root_initiatives)
    roots_by_area = defaultdict(list)
    for root in plan.root_initiatives:
        roots_by_area[root.focus_area_id].append(root)
    for area in plan.focus_areas.all():
        area.progress_now = weighted_progress(roots_by_area[area.pk])
    return plan


@api.get(
    "/plans/{plan_id}/initiatives",
    response={200: list[schemas.InitiativeOut], **NOT_FOUND},
    tags=["plans"],
)
def list_initiatives(request, plan_id: int):
    """Every initiative of a plan as a flat list; `parent_id` gives the tree."""
    plan = get_object_or_404(_plans(request), pk=plan_id)
    return (
        Initiative.objects.visible_to(request.user)
        .filter(plan=plan)
        .prefetch_related(_municipality_codes())
    )


@api.get(
    "/initiatives/{initiative_id}",
    response={200: schemas.InitiativeDetailOut, **NOT_FOUND},
    tags=["plans"],
)
def get_initiative(request, initiative_id: int):
    """An initiative with its timeline and milestones."""
    initiative = get_object_or_404(
        Initiative.objects.visible_to(request.user).prefetch_related(
            _municipality_codes(),
            "responsible_organisations",
            "councils",
            "milestones",
            Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author")),
        ),
        pk=initiative_id,
    )
    initiative.editable = (
        Initiative.objects.editable_by(request.user).filter(pk=initiative.pk).exists()
    )
    return initiative


@api.post(
    "/initiatives/{initiative_id}/progress",
    response={
        201: schemas.ProgressRecorded,
        400: schemas.Message,
        403: schemas.Message,
        **NOT_FOUND,
    },
    tags=["plans"],
)
def record_progress(request, initiative_id: int, payload: schemas.ProgressIn):
    """Add a dated entry to an initiative's timeline; its parents' progress follows.

    Only for initiatives you may edit; a parent's progress is computed from its parts, so
    recording it directly is refused with 400."""
    initiative = get_object_or_404(
        Initiative.objects.visible_to(request.user).editable_by(request.user),
        pk=initiative_id,
    )
    try:
        update = plan_actions.record_progress(
            initiative,
            by=request.user,
            progress=payload.progress,
            status=payload.status,
            text=payload.text,
            text_en=payload.text_en,
            date=payload.date,
        )
    except plan_actions.PlanError as error:
        raise HttpError(400, str(error)) from None
    initiative = (
        Initiative.objects.visible_to(request.user)
        .prefetch_related(_municipality_codes())
        .get(pk=initiative.pk)
    )
    return Status(201, {"update": update, "initiative": initiative})


# Incidents --------------------------------------------------------------------------------


@api.post(
    "/incidents/batches",
    response={
        200: schemas.IncidentBatchReport,
        403: schemas.Message,
        404: schemas.Message,
        409: schemas.Message,
        413: schemas.Message,
        **UNAUTHENTICATED,
        **INVALID,
    },
    tags=["incidents"],
)
def import_incident_batch(request, payload: schemas.IncidentBatchIn):
    """Import a batch of incidents into a source at once, keyed by the source and each
    row's external id: a row already there is updated or left unchanged, never doubled.

    Every row is checked before anything is written; a bad row is rejected with its position
    and the reason, and the others are imported. Only district staff may import (403 for
    others); a source of another district answers 404. More than 5,000 rows answer 413:
    send them in several batches."""
    districts = incident_actions.import_districts(request.user)
    if not districts.exists():
        raise HttpError(403, _("Only the district's secretariat and staff may import incidents."))
    district = None
    try:
        if payload.district is not None:
            district = districts.filter(number=payload.district).first()
            if district is None:
                raise incident_actions.ImportRefused(
                    _("You cannot import incidents in police district %(number)s.")
                    % {"number": payload.district},
                    status=404,
                )
        source = incident_actions.source_named(payload.source, by=request.user, district=district)
        rows = [row.model_dump(exclude_none=True) for row in payload.rows]
        report = incident_actions.import_batch(
            source,
            rows,
            by=request.user,
            dry_run=payload.dry_run,
            statistics_only=payload.statistics_only,
        )
    except incident_actions.ImportRefused as error:
        if error.status == 422:
            # The same shape as the validation errors of the request body.
            loc = ["body", "payload", *([error.field] if error.field else [])]
            problem = {"type": "value_error", "loc": loc, "msg": str(error)}
            raise ValidationError([problem]) from None
        raise HttpError(error.status, str(error)) from None
    return {"source": source.name, **report}
