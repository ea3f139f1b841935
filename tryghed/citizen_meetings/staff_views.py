"""The back office for citizen meetings and talks: the events, their attendee lists (also as
CSV) and the event made from an accepted "Bestil en betjent" request.

Reads go through `visible_to`, writes through `editable_by` and actions.py; an event outside
the user's scope answers 404 exactly like one that does not exist.
"""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryghed.accounts.scope import scope_of
from tryghed.audit import log
from tryghed.citizen_meetings import actions
from tryghed.citizen_meetings.forms import MeetingForm, creatable_municipalities
from tryghed.citizen_meetings.models import CitizenMeeting, Registration
from tryghed.citizen_meetings.talks import accepted_talk_requests, initial_from_request
from tryghed.core import spreadsheet


def _meetings(user):
    return (
        CitizenMeeting.objects.visible_to(user)
        .select_related("municipality", "district", "organiser", "source_request")
        .defer("municipality__boundary", "district__boundary")
    )


def _visible(request, pk):
    return get_object_or_404(_meetings(request.user), pk=pk)


def _editable(request, pk):
    return get_object_or_404(
        CitizenMeeting.objects.editable_by(request.user).select_related("municipality"), pk=pk
    )


def _may_create(user):
    return creatable_municipalities(user).exists()


def meeting_list(request):
    scope = scope_of(request.user)
    meetings = _meetings(request.user).annotate_seats()
    # Organisers from elsewhere see their own events; everyone else nothing at all.
    desk = scope.is_global or scope.district_ids or scope.municipality_ids
    if not desk and not meetings.exists():
        raise Http404
    now = timezone.now()
    return render(
        request,
        "citizen_meetings/staff/list.html",
        {
            "upcoming": meetings.filter(ends_at__gte=now),
            "past": meetings.filter(ends_at__lt=now).order_by("-starts_at")[:50],
            "may_create": _may_create(request.user),
        },
    )


def meeting_add(request):
    if not _may_create(request.user):
        raise Http404
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(by=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The event is created."))
        return redirect("staff:citizen_meetings:meeting", meeting.pk)
    return _form_page(request, form, title=_("New citizen meeting or talk"))


def meeting_from_request(request, reference):
    service_request = get_object_or_404(
        accepted_talk_requests(request.user).select_related("service"), reference=reference
    )
    existing = CitizenMeeting.objects.filter(source_request=service_request).first()
    if existing is not None:
        messages.info(request, _("This request already has its event."))
        return redirect("staff:citizen_meetings:meeting", existing.pk)
    form = MeetingForm(
        request.POST or None,
        user=request.user,
        from_request=True,
        initial=initial_from_request(service_request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting_from_request(
                service_request, by=request.user, **form.cleaned_data
            )
        except PermissionDenied:
            raise Http404 from None
        except actions.MeetingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The event is created from the request."))
            return redirect("staff:citizen_meetings:meeting", meeting.pk)
    return _form_page(
        request,
        form,
        title=_("Event from request %(reference)s") % {"reference": service_request.reference},
        service_request=service_request,
    )


def meeting_edit(request, pk):
    meeting = _editable(request, pk)
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        user=request.user,
        from_request=meeting.source_request_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.update_meeting(meeting, by=request.user, **data)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The event is saved."))
        return redirect("staff:citizen_meetings:meeting", meeting.pk)
    title = _("Edit %(title)s") % {"title": meeting}
    return _form_page(request, form, title=title, meeting=meeting)


def _form_page(request, form, *, title, **extra):
    return render(
        request,
        "citizen_meetings/staff/form.html",
        {"form": form, "title": title, **extra},
        status=400 if form.is_bound and form.errors else 200,
    )


def meeting_detail(request, pk):
    meeting = _visible(request, pk)
    registrations = list(meeting.registrations.order_by("created_at", "pk"))
    Status = Registration.Status
    return render(
        request,
        "citizen_meetings/staff/detail.html",
        {
            "meeting": meeting,
            "confirmed": [r for r in registrations if r.status == Status.CONFIRMED],
            "waiting": [r for r in registrations if r.status == Status.WAITING],
            "cancelled": [r for r in registrations if r.status == Status.CANCELLED],
            "can_edit": CitizenMeeting.objects.editable_by(request.user)
            .filter(pk=meeting.pk)
            .exists(),
        },
    )


def attendees_csv(request, pk):
    meeting = _visible(request, pk)
    log.exported(meeting, by=request.user, message="csv")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deltagere-{meeting.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=spreadsheet.SEPARATOR)
    writer.writerow(
        [_("Name"), _("E-mail"), _("Phone"), _("Status"), _("Registered"), _("Place in queue")]
    )
    queue = 0
    for registration in meeting.registrations.active().in_queue_order():
        waiting = registration.status == Registration.Status.WAITING
        queue += waiting
        writer.writerow(
            [
                spreadsheet.cell(registration.name),
                spreadsheet.cell(registration.email),
                spreadsheet.cell(registration.phone),
                registration.get_status_display(),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
                queue if waiting else "",
            ]
        )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def meeting_cancel(request, pk):
    meeting = _editable(request, pk)
    actions.cancel_meeting(meeting, by=request.user)
    messages.success(request, _("The event is cancelled, and everyone registered is told."))
    return redirect("staff:citizen_meetings:meeting", meeting.pk)


@require_POST
def registration_cancel(request, pk, registration_pk):
    meeting = _editable(request, pk)
    registration = get_object_or_404(meeting.registrations, pk=registration_pk)
    if actions.cancel_registration_by_staff(registration, by=request.user):
        messages.success(
            request, _("%(name)s is taken off the list.") % {"name": registration.name}
        )
    return redirect("staff:citizen_meetings:meeting", meeting.pk)
