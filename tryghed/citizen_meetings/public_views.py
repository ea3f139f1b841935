"""The public calendar of citizen meetings and talks: the list per municipality, the event
page with registration, the cancellation link and the iCalendar files.

Open to anonymous visitors; only public events are shown, and any other answers 404.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tryghed.citizen_meetings import actions, ical, notify
from tryghed.citizen_meetings.forms import MunicipalityFilterForm, RegistrationForm
from tryghed.citizen_meetings.models import CitizenMeeting, Registration
from tryghed.organisation.models import Municipality
from tryghed.servicedesk.ratelimit import ratelimit

# How far back a municipality's feed keeps past events, so that calendars do not drop an
# event the moment it has ended.
FEED_PAST_DAYS = 90


def _meetings():
    return (
        CitizenMeeting.objects.public()
        .select_related("municipality")
        .defer("municipality__boundary")
    )


def _served_municipalities():
    return (
        Municipality.objects.filter(district__number__in=settings.TRYGHED_SERVED_DISTRICTS)
        .defer("boundary")
        .order_by("name")
    )


def _private(response):
    # The page holds the secret cancellation link: no shared cache may keep it.
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _counted(response):
    """Only a registration that was stored (or looked stored to a bot) uses up the quota;
    a citizen correcting the form is not held back."""
    return getattr(response, "counts_against_limit", False)


@login_not_required
@require_GET
def calendar(request):
    form = MunicipalityFilterForm(request.GET or None, municipalities=_served_municipalities())
    meetings = (
        _meetings()
        .upcoming()
        .filter(municipality__district__number__in=settings.TRYGHED_SERVED_DISTRICTS)
    )
    chosen = None
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["kommune"]
        if chosen is not None:
            meetings = meetings.filter(municipality=chosen)
    return render(
        request,
        "citizen_meetings/calendar.html",
        {
            "form": form,
            "chosen": chosen,
            "meetings": meetings.annotate_seats(),
        },
        status=400 if form.errors else 200,
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit("citizen-meeting-registration", counts=_counted)
def meeting(request, pk):
    found = get_object_or_404(_meetings().annotate_seats(), pk=pk)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and found.registration_open():
        if form.is_honeypot:
            return _receipt(request, found, None)
        if form.is_valid():
            try:
                registration = actions.register(
                    found,
                    **{k: form.cleaned_data[k] for k in ("name", "email", "phone")},
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                )
            except actions.RegistrationError as exc:
                form.add_error(None, str(exc))
            else:
                emailed = notify.send_confirmation(registration)
                return _receipt(request, found, registration, emailed=emailed)
    return render(
        request,
        "citizen_meetings/meeting.html",
        {"meeting": found, "form": form, "refused": request.method == "POST"},
        status=400 if request.method == "POST" else 200,
    )


def _receipt(request, meeting, registration, *, emailed=False):
    """The receipt with the cancellation link; a bot that filled in the hidden field sees
    one too, of a registration that was never stored."""
    waiting = registration is not None and registration.status == Registration.Status.WAITING
    cancel_path = registration.cancel_url() if registration is not None else None
    response = render(
        request,
        "citizen_meetings/receipt.html",
        {
            "meeting": meeting,
            "waiting": waiting,
            "cancel_link": request.build_absolute_uri(cancel_path) if cancel_path else "",
            "emailed": emailed,
        },
    )
    response.counts_against_limit = True
    return _private(response)


def _ics(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_GET
def meeting_ics(request, pk):
    found = get_object_or_404(_meetings(), pk=pk)
    return _ics(ical.meeting_calendar(found), f"borgermoede-{found.pk}.ics")


@login_not_required
@require_GET
def municipality_ics(request, code):
    municipality = get_object_or_404(Municipality.objects.defer("boundary"), code=code)
    since = timezone.now() - timezone.timedelta(days=FEED_PAST_DAYS)
    meetings = _meetings().filter(municipality=municipality, ends_at__gte=since)
    response = _ics(ical.municipality_feed(municipality, meetings), f"borgermoeder-{code}.ics")
    # A feed is subscribed to, not saved: shown inline, and kept by caches for a short while.
    response["Content-Disposition"] = f'inline; filename="borgermoeder-{code}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def _registration(pk, token):
    registration = (
        Registration.objects.select_related("meeting__municipality").filter(pk=pk).first()
    )
    if registration is None or not registration.check_token(token):
        raise Http404
    return registration


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, pk, token):
    registration = _registration(pk, token)
    done = False
    if request.method == "POST":
        done = actions.cancel_registration(registration)
        registration.refresh_from_db()
    response = render(
        request,
        "citizen_meetings/cancel.html",
        {
            "registration": registration,
            "meeting": registration.meeting,
            "done": done,
            "cancelled": registration.status == Registration.Status.CANCELLED,
            "begun": registration.meeting.starts_at <= timezone.now(),
        },
    )
    return _private(response)
