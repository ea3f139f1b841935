"""Staff pages of the police guarantees: running deadlines, the incident case page with its
stop event and safety follow-up, the in-app notifications, and the compliance page for the
councils with its chart, CSV and PDF.

Cases are fetched through `visible_to`, writes through `workable_by` (in the actions); both
answer 404 alike for "missing" and "not yours".
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tryghed.accounts.scope import scope_of
from tryghed.core.vega import embed_options
from tryghed.dashboard.area import area_for
from tryghed.guarantees import actions, compliance, forms
from tryghed.guarantees.clock import DANISH_TIME
from tryghed.guarantees.models import Deadline, Notification, SafetyFollowUp
from tryghed.guarantees.pdf import compliance_pdf as render_compliance_pdf
from tryghed.guarantees.templatetags.guarantees import case_url
from tryghed.incidents.models import Incident

PAGE_SIZE = 50


def _require_staff(user):
    scope = scope_of(user)
    if not (scope.is_global or scope.district_ids or scope.municipality_ids):
        raise Http404


def _deadlines(user):
    return Deadline.objects.visible_to(user).select_related(
        "guarantee", "version", "service_request", "incident__source", "municipality"
    )


@require_GET
def deadline_list(request):
    _require_staff(request.user)
    form = forms.DeadlineFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    state = data.get("state") or "running"
    now = timezone.now()
    deadlines = _deadlines(request.user).counted()
    if state == "running":
        deadlines = deadlines.running()
    elif state == "overdue":
        deadlines = deadlines.running().filter(paused_at__isnull=True, due_at__lte=now)
    elif state == "decided":
        deadlines = deadlines.exclude(outcome=Deadline.Outcome.OPEN).order_by("-stopped_at", "pk")
    if data.get("guarantee"):
        deadlines = deadlines.filter(guarantee=data["guarantee"])
    page = Paginator(deadlines, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "guarantees/deadline_list.html",
        {
            "title": _("Deadlines"),
            "form": form,
            "page": page,
            "now": now,
            "query": query.urlencode(),
        },
    )


def _workable_ids(user, deadlines):
    return set(
        Deadline.objects.workable_by(user)
        .filter(pk__in=[d.pk for d in deadlines])
        .values_list("pk", flat=True)
    )


def deadline_panel(request, deadlines):
    """What a case page shows of its deadlines: each with its forms when the user may
    record its stop event."""
    workable = _workable_ids(request.user, deadlines)
    now = timezone.now()
    panel = []
    for deadline in deadlines:
        can_act = deadline.pk in workable and deadline.is_running
        # An overdue clock cannot be paused (`actions.pause_deadline`).
        can_pause = deadline.version.pause_reasons and deadline.paused_at is None
        panel.append(
            {
                "deadline": deadline,
                "can_act": can_act,
                # A follow-up's clock stops with the follow-up itself (`actions.record_stop`).
                "stop_form": forms.StopForm(prefix=f"stop-{deadline.pk}")
                if can_act and not deadline.guarantee.is_follow_up
                else None,
                "pause_form": forms.PauseForm(prefix=f"pause-{deadline.pk}", deadline=deadline)
                if can_act and can_pause and deadline.due_at > now
                else None,
            }
        )
    return {"deadlines": panel, "now": now, "next": request.get_full_path()}


def request_panel(request, service_request):
    """The deadlines panel of a citizen request's page in the service desk."""
    deadlines = _deadlines(request.user).filter(service_request=service_request).order_by("due_at")
    return deadline_panel(request, list(deadlines))


@require_GET
def incident_case(request, pk):
    incident = get_object_or_404(
        Incident.objects.visible_to(request.user).select_related("municipality", "source"), pk=pk
    )
    deadlines = list(_deadlines(request.user).filter(incident=incident).order_by("due_at"))
    follow_up = (
        SafetyFollowUp.objects.visible_to(request.user)
        .select_related("deadline", "officer")
        .filter(incident=incident)
        .first()
    )
    context = {"incident": incident, "follow_up": follow_up, **deadline_panel(request, deadlines)}
    if (
        follow_up is not None
        and follow_up.status == SafetyFollowUp.Status.OPEN
        and SafetyFollowUp.objects.workable_by(request.user).filter(pk=follow_up.pk).exists()
    ):
        context["follow_up_form"] = forms.FollowUpForm(prefix="followup")
    return render(request, "guarantees/incident_case.html", context)


def _back(request, deadline):
    wanted = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return redirect(wanted)
    return redirect(case_url(deadline))


def _workable_deadline(request, pk):
    return get_object_or_404(
        Deadline.objects.workable_by(request.user)
        .filter(pk__in=Deadline.objects.visible_to(request.user).values("pk"))
        .select_related("version", "service_request"),
        pk=pk,
    )


def _refuse(request, deadline, form_errors):
    for error in form_errors:
        messages.error(request, error)
    return _back(request, deadline)


@require_POST
def record_stop(request, pk):
    deadline = _workable_deadline(request, pk)
    form = forms.StopForm(request.POST, prefix=f"stop-{pk}")
    if not form.is_valid():
        return _refuse(request, deadline, [e for errors in form.errors.values() for e in errors])
    try:
        actions.record_stop(deadline, by=request.user, at=form.cleaned_data["at"])
    except actions.GuaranteeError as error:
        return _refuse(request, deadline, [str(error)])
    except PermissionDenied as error:
        raise Http404 from error
    deadline.refresh_from_db()
    messages.success(
        request,
        _("%(event)s is recorded at %(time)s: the guarantee is %(outcome)s.")
        % {
            "event": deadline.version.get_stop_event_display(),
            "time": timezone.localtime(deadline.stopped_at).strftime("%H:%M"),
            "outcome": deadline.get_outcome_display().lower(),
        },
    )
    return _back(request, deadline)


@require_POST
def pause(request, pk):
    deadline = _workable_deadline(request, pk)
    form = forms.PauseForm(request.POST, prefix=f"pause-{pk}", deadline=deadline)
    if not form.is_valid():
        return _refuse(request, deadline, [e for errors in form.errors.values() for e in errors])
    try:
        actions.pause_deadline(deadline, by=request.user, reason=form.cleaned_data["reason"])
    except actions.GuaranteeError as error:
        return _refuse(request, deadline, [str(error)])
    messages.success(request, _("The clock is paused."))
    return _back(request, deadline)


@require_POST
def resume(request, pk):
    deadline = _workable_deadline(request, pk)
    try:
        actions.resume_deadline(deadline, by=request.user)
    except actions.GuaranteeError as error:
        return _refuse(request, deadline, [str(error)])
    messages.success(request, _("The clock runs again; the deadline has moved by the pause."))
    return _back(request, deadline)


@require_POST
def record_follow_up(request, pk):
    follow_up = get_object_or_404(
        SafetyFollowUp.objects.workable_by(request.user).filter(
            pk__in=SafetyFollowUp.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    form = forms.FollowUpForm(request.POST, prefix="followup")
    back = redirect("staff:guarantees:incident", follow_up.incident_id)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return back
    try:
        actions.record_follow_up(follow_up, by=request.user, **form.cleaned_data)
    except actions.GuaranteeError as error:
        messages.error(request, str(error))
        return back
    messages.success(request, _("The follow-up is recorded."))
    return back


@require_GET
def follow_up_list(request):
    _require_staff(request.user)
    follow_ups = (
        SafetyFollowUp.objects.visible_to(request.user)
        # Still to do, for a case that is no burglary after all (its deadline is void),
        # it is nobody's task; what was done stays listed.
        .exclude(status=SafetyFollowUp.Status.OPEN, deadline__outcome=Deadline.Outcome.VOID)
        .select_related("incident__source", "deadline", "officer", "municipality")
        .order_by("status", "deadline__due_at")
    )
    if request.GET.get("mine"):
        follow_ups = follow_ups.filter(officer=request.user)
    page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "guarantees/follow_up_list.html",
        {
            "title": _("Safety follow-ups"),
            "page": page,
            "now": timezone.now(),
            "mine": bool(request.GET.get("mine")),
        },
    )


@require_GET
def notification_list(request):
    _require_staff(request.user)
    notifications = (
        Notification.objects.visible_to(request.user)
        .select_related(
            "deadline__guarantee", "deadline__service_request", "deadline__incident__source"
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "guarantees/notification_list.html", {"title": _("Notifications"), "page": page}
    )


# Compliance -----------------------------------------------------------------------------------


class ComplianceQuery:
    """The compliance page's area and filters; 404 for a user who reads no area."""

    def __init__(self, request):
        self.area = area_for(request.user)
        if self.area.empty:
            raise Http404
        self.now = timezone.now()
        today = self.now.astimezone(DANISH_TIME).date()
        self.form = forms.ComplianceForm(
            request.GET, municipalities=self.area.municipalities(), today=today
        )
        self.valid = self.form.is_valid()
        self.query = request.GET.urlencode()

    def scope(self):
        if self.area.is_global:
            return None
        return Q(district__in=self.area.district_ids) | Q(
            municipality__in=self.area.municipality_ids
        )

    def rows(self):
        """The rows of the page's filters, exact."""
        month, year = self.form.period()
        start, end = compliance.period(year=year, month=month)
        data = self.form.cleaned_data
        return compliance.rows(
            self.scope(),
            now=self.now,
            start=start,
            end=end,
            guarantee=data.get("guarantee"),
            municipality=data.get("municipality"),
        )

    def table(self):
        """(rows, totals, chart counts) as the reader may read them: exact for staff; for
        council members as the public reads them (`compliance.public_table`), from the rows
        of the whole year and area protected together, whatever the filters."""
        if not self.area.public:
            found = self.rows()
            exact = [(r, r) for r in found]
            return found, compliance.totals(found), compliance.chart_counts(exact, public=False)
        month, year = self.form.period()
        start, end = compliance.period(year=month.year if month else year)
        data = self.form.cleaned_data
        guarantee, municipality = data.get("guarantee"), data.get("municipality")
        everything = compliance.rows(self.scope(), now=self.now, start=start, end=end)
        chosen = [
            (month is None or r.month == month)
            and (guarantee is None or r.guarantee == guarantee)
            and (municipality is None or r.municipality == municipality)
            for r in everything
        ]
        return compliance.public_table(everything, chosen)

    def label(self):
        month, year = self.form.period()
        return month.strftime("%Y-%m") if month else str(year)

    def errors(self):
        return "\n".join(
            f"{self.form.fields[name].label}: {message}"
            for name, found in self.form.errors.items()
            for message in found
        )


def _chart(counted, file_name):
    spec = compliance.chart_spec(
        counted,
        title=_("Cases per month: met, missed and open"),
        met_label=_("Met"),
        missed_label=_("Missed"),
        open_label=_("Open"),
        month_label=_("Month"),
        cases_label=_("Cases"),
    )
    spec["usermeta"] = {"embedOptions": embed_options(file_name)}
    return spec


@require_GET
def compliance_page(request):
    current = ComplianceQuery(request)
    context = {
        "title": _("Compliance"),
        "form": current.form,
        "query": current.query,
        "area": current.area,
    }
    if current.valid:
        rows, totals, counted = current.table()
        context.update(
            rows=rows,
            totals=totals,
            chart=_chart(counted, f"politigarantier-{current.label()}"),
            period_label=current.label(),
        )
    status = 200 if current.valid else 400
    return render(request, "guarantees/compliance.html", context, status=status)


@require_GET
def compliance_csv(request):
    current = ComplianceQuery(request)
    if not current.valid:
        return HttpResponse(current.errors(), status=400, content_type="text/plain; charset=utf-8")
    rows, _totals, _counted = current.table()
    response = HttpResponse(compliance.csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="politigarantier-{current.label()}.csv"'
    )
    return response


@require_GET
def compliance_pdf(request):
    current = ComplianceQuery(request)
    if not current.valid:
        return HttpResponse(current.errors(), status=400, content_type="text/plain; charset=utf-8")
    rows, totals, _counted = current.table()
    pdf = render_compliance_pdf(
        rows=rows,
        totals=totals,
        public=current.area.public,
        period_label=current.label(),
        generated=datetime.datetime.now(tz=DANISH_TIME),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="politigarantier-{current.label()}.pdf"'
    return response
