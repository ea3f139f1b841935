"""Staff pages for the cooperation plan.

Reads go through `visible_to`, writes through `editable_by` and the functions in actions.py,
so a plan of another district answers 404 exactly as a missing one does.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tryghed.dashboard.area import area_for
from tryghed.indicators.models import Indicator
from tryghed.indicators.present import present_all
from tryghed.plans import actions, csvio
from tryghed.plans.forms import (
    FocusAreaForm,
    ImportForm,
    InitiativeForm,
    MilestoneForm,
    PlanForm,
    PlanStatusForm,
    ProgressForm,
)
from tryghed.plans.models import (
    CooperationPlan,
    FocusArea,
    Initiative,
    weighted_progress,
)

Status = CooperationPlan.Status
TRANSITION_LABELS = {
    (Status.DRAFT, Status.APPROVED): gettext_lazy("Mark as approved"),
    (Status.APPROVED, Status.PUBLISHED): gettext_lazy("Publish"),
    (Status.APPROVED, Status.DRAFT): gettext_lazy("Back to draft"),
    (Status.PUBLISHED, Status.APPROVED): gettext_lazy("Withdraw publication"),
}


def _visible_plan(request, pk):
    plans = CooperationPlan.objects.visible_to(request.user).select_related("district")
    return get_object_or_404(plans, pk=pk)


def _editable_plan(request, pk):
    plans = CooperationPlan.objects.editable_by(request.user).select_related("district")
    return get_object_or_404(plans, pk=pk)


def _plan_initiative(request, pk):
    """An initiative whose whole plan the user edits (the secretariat)."""
    initiatives = Initiative.objects.filter(
        plan__in=CooperationPlan.objects.editable_by(request.user)
    ).select_related("plan__district", "focus_area", "parent")
    return get_object_or_404(initiatives, pk=pk)


def _can_edit_plan(request, plan):
    return CooperationPlan.objects.editable_by(request.user).filter(pk=plan.pk).exists()


def plan_list(request):
    roots = Prefetch(
        "initiatives",
        queryset=Initiative.objects.roots().only("pk", "plan_id", "weight", "progress"),
        to_attr="root_initiatives",
    )
    plans = (
        CooperationPlan.objects.visible_to(request.user)
        .select_related("district")
        .prefetch_related(roots)
        .order_by("district__number", "-year")
    )
    rows = [(plan, weighted_progress(plan.root_initiatives)) for plan in plans]
    return render(request, "plans/plan_list.html", {"rows": rows})


def _tree(initiatives):
    """Hang every initiative under its parent (as `.parts`); return the roots."""
    by_pk = {i.pk: i for i in initiatives}
    roots = []
    for initiative in initiatives:
        initiative.parts = []
    for initiative in initiatives:
        parent = by_pk.get(initiative.parent_id)
        (parent.parts if parent else roots).append(initiative)
    return roots


def _reads_exactly(request):
    """Whose indicator numbers this reader reads exactly, as on their dashboard
    (tryghed.dashboard.area): council members none, staff those within their scope."""
    return area_for(request.user).reads_exactly


def plan_detail(request, pk):
    plan = _visible_plan(request, pk)
    areas = list(plan.focus_areas.all())
    initiatives = list(
        plan.initiatives.prefetch_related("responsible_organisations", "municipalities")
    )
    roots = _tree(initiatives)
    indicators = present_all(
        Indicator.objects.visible_to(request.user).of_plan(plan),
        plan,
        reads_exactly=_reads_exactly(request),
    )
    for area in areas:
        area.roots = [i for i in roots if i.focus_area_id == area.pk]
        area.rolled_up = weighted_progress(area.roots)
        area.shown_indicators = [shown for shown in indicators if shown.area_id == area.pk]
    can_edit = _can_edit_plan(request, plan)
    editable_ids = set(
        Initiative.objects.editable_by(request.user).filter(plan=plan).values_list("pk", flat=True)
    )
    next_plan = None
    if can_edit:
        next_plan = CooperationPlan.objects.filter(
            district=plan.district_id, year=plan.year + 1
        ).first()
    transitions = [
        (status, TRANSITION_LABELS[(plan.status, status)])
        for status in Status.values
        if status in actions.ALLOWED_TRANSITIONS[plan.status]
    ]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "areas": areas,
            "progress": weighted_progress(roots),
            "can_edit": can_edit,
            "editable_ids": editable_ids,
            "transitions": transitions if can_edit else [],
            "next_plan": next_plan,
        },
    )


def form_page(request, form, *, title, plan, cancel_url, crumbs=(), status=200, **extra):
    """A form page inside a plan's breadcrumbs; the indicators' pages use it too."""
    return render(
        request,
        "plans/form_page.html",
        {
            "form": form,
            "title": title,
            "plan": plan,
            "cancel_url": cancel_url,
            "crumbs": crumbs,
            "current": title,
            **extra,
        },
        status=status,
    )


def plan_edit(request, pk):
    plan = _editable_plan(request, pk)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        actions.save_plan_object(form.instance, by=request.user)
        messages.success(request, _("The plan was saved."))
        return redirect(plan)
    return form_page(
        request,
        form,
        title=_("Edit the plan"),
        plan=plan,
        cancel_url=plan.get_absolute_url(),
    )


@require_POST
def plan_status(request, pk):
    plan = _editable_plan(request, pk)
    form = PlanStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the plan statuses."))
        return redirect(plan)
    try:
        plan = actions.change_plan_status(plan, by=request.user, status=form.cleaned_data["status"])
    except actions.PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The plan is now %(status)s.") % {"status": plan.get_status_display().lower()},
        )
    return redirect(plan)


@require_POST
def next_year(request, pk):
    plan = _editable_plan(request, pk)
    try:
        new_plan = actions.start_next_year(plan, by=request.user)
    except actions.PlanError as error:
        messages.error(request, str(error))
        return redirect(plan)
    messages.success(
        request,
        _("The plan for %(year)s was started as a draft with the initiatives that continue.")
        % {"year": new_plan.year},
    )
    return redirect(new_plan)


def focus_area_form(request, pk, area_pk=None):
    plan = _editable_plan(request, pk)
    area = get_object_or_404(plan.focus_areas, pk=area_pk) if area_pk else FocusArea(plan=plan)
    form = FocusAreaForm(request.POST or None, instance=area, plan=plan)
    if request.method == "POST" and form.is_valid():
        actions.save_plan_object(form.instance, by=request.user)
        messages.success(request, _("The focus area was saved."))
        return redirect(plan)
    return form_page(
        request,
        form,
        title=_("Edit focus area") if area_pk else _("Add a focus area"),
        plan=plan,
        cancel_url=plan.get_absolute_url(),
    )


def _save_initiative_form(request, form):
    try:
        return actions.save_initiative(form.instance, by=request.user, m2m=form.m2m())
    except actions.PlanError as error:
        form.add_error(None, str(error))
        return None


def initiative_add(request, pk):
    plan = _editable_plan(request, pk)
    initial = {}
    parent = None
    parent_pk = request.GET.get("parent", "")
    if parent_pk.isascii() and parent_pk.isdigit():
        parent = plan.initiatives.filter(pk=parent_pk).select_related("focus_area").first()
    if parent is not None:
        initial = {"parent": parent.pk, "focus_area": parent.focus_area_id}
    form = InitiativeForm(
        request.POST or None, instance=Initiative(plan=plan), plan=plan, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        initiative = _save_initiative_form(request, form)
        if initiative is not None:
            messages.success(request, _("The initiative was added."))
            return redirect(initiative)
    return form_page(
        request,
        form,
        title=_("Add a part to %(title)s") % {"title": parent.tr("title")}
        if parent
        else _("Add an initiative"),
        plan=plan,
        cancel_url=parent.get_absolute_url() if parent else plan.get_absolute_url(),
    )


def initiative_edit(request, pk):
    initiative = _plan_initiative(request, pk)
    # Taken before validation, which writes the submitted values onto the instance.
    crumbs = [*reversed(initiative.ancestors()), initiative]
    cancel_url = initiative.get_absolute_url()
    form = InitiativeForm(request.POST or None, instance=initiative, plan=initiative.plan)
    saved = request.method == "POST" and form.is_valid() and _save_initiative_form(request, form)
    if saved:
        messages.success(request, _("The initiative was saved."))
        return redirect(initiative)
    return form_page(
        request,
        form,
        title=_("Edit initiative"),
        plan=initiative.plan,
        cancel_url=cancel_url,
        crumbs=crumbs,
    )


def _initiative_page(request, initiative, *, progress_form=None, milestone_form=None):
    can_record = Initiative.objects.editable_by(request.user).filter(pk=initiative.pk).exists()
    parts = list(
        initiative.children.prefetch_related("responsible_organisations", "municipalities")
    )
    for part in parts:
        part.parts = []
    editable_ids = set(
        Initiative.objects.editable_by(request.user)
        .filter(parent=initiative)
        .values_list("pk", flat=True)
    )
    if progress_form is None:
        progress_form = ProgressForm(
            initial={"progress": initiative.progress, "status": initiative.status}
        )
    return render(
        request,
        "plans/initiative_detail.html",
        {
            "plan": initiative.plan,
            "initiative": initiative,
            "crumbs": list(reversed(initiative.ancestors())),
            "current_item": initiative,
            "parts": parts,
            "milestones": list(initiative.milestones.all()),
            "updates": list(initiative.updates.select_related("author")),
            "organisations": list(initiative.responsible_organisations.all()),
            "municipalities": list(initiative.municipalities.all()),
            "councils": list(initiative.councils.all()),
            "can_record": can_record,
            "can_edit": _can_edit_plan(request, initiative.plan),
            "editable_ids": editable_ids,
            "progress_form": progress_form,
            "milestone_form": milestone_form or MilestoneForm(),
            "indicators": present_all(
                Indicator.objects.visible_to(request.user).filter(initiative=initiative),
                initiative.plan,
                reads_exactly=_reads_exactly(request),
            ),
        },
    )


def initiative_detail(request, pk):
    initiatives = Initiative.objects.visible_to(request.user).select_related(
        "plan__district", "focus_area", "parent"
    )
    return _initiative_page(request, get_object_or_404(initiatives, pk=pk))


def _editable_initiative(request, pk):
    initiatives = Initiative.objects.editable_by(request.user).select_related(
        "plan__district", "focus_area", "parent"
    )
    return get_object_or_404(initiatives, pk=pk)


@require_POST
def record_progress(request, pk):
    initiative = _editable_initiative(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            actions.record_progress(initiative, by=request.user, **form.cleaned_data)
        except actions.PlanError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The progress was recorded."))
            return redirect(initiative)
    return _initiative_page(request, initiative, progress_form=form)


@require_POST
def milestone_add(request, pk):
    initiative = _editable_initiative(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        actions.add_milestone(initiative, by=request.user, **form.cleaned_data)
        messages.success(request, _("The milestone was added."))
        return redirect(initiative)
    return _initiative_page(request, initiative, milestone_form=form)


@require_POST
def milestone_done(request, pk, milestone_pk):
    initiative = _editable_initiative(request, pk)
    milestone = get_object_or_404(initiative.milestones, pk=milestone_pk)
    actions.complete_milestone(milestone, by=request.user)
    messages.success(
        request, _("The milestone “%(title)s” is done.") % {"title": milestone.tr("title")}
    )
    return redirect(initiative)


def export_csv(request, pk):
    plan = _visible_plan(request, pk)
    response = HttpResponse(csvio.export_csv(plan), content_type="text/csv; charset=utf-8")
    filename = f"plan-{plan.district.number}-{plan.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_csv(request, pk):
    plan = _editable_plan(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Reading one byte past the limit is enough to know the file is too large.
        data = upload.read(csvio.MAX_BYTES + 1)
        result = csvio.import_csv(plan, data, by=request.user, source=upload.name)
        if result.ok:
            messages.success(
                request,
                _("The import is done: %(updated)s updated, %(unchanged)s unchanged.")
                % {"updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect(plan)
        errors = result.messages()
    return render(
        request,
        "plans/import.html",
        {
            "plan": plan,
            "form": form,
            "errors": errors,
            "current": _("Import progress"),
            "export_url": reverse("staff:plans:export", args=[plan.pk]),
            "export_columns": csvio.EXPORT_COLUMNS,
            "import_columns": csvio.IMPORT_COLUMNS,
            "statuses": Initiative.Status.choices,
            "max_mb": csvio.MAX_BYTES // 2**20,
        },
    )
