"""Writes to plans. Each takes the acting user and leaves an audit entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.plans.models import CooperationPlan, FocusArea, Initiative, ProgressUpdate


class PlanError(ValueError):
    """A write that the plan's rules do not allow; the message is shown to the user."""


def roll_up(initiative):
    """Recompute the derived progress of every ancestor of `initiative`, nearest first."""
    for ancestor in initiative.ancestors():
        value = ancestor.rolled_up_progress()
        if ancestor.progress != value:
            Initiative.objects.filter(pk=ancestor.pk).update(progress=value)
            ancestor.progress = value


@transaction.atomic
def record_progress(initiative, *, by, progress, status, text="", text_en="", date=None):
    """Add a dated timeline entry and move the initiative (and its ancestors) with it."""
    if initiative.has_children():
        raise PlanError(_("The progress of an initiative with parts is computed from its parts."))
    before = log.snapshot(initiative)
    initiative.progress = progress
    initiative.status = status
    initiative.save(update_fields=["progress", "status"])
    update = ProgressUpdate.objects.create(
        initiative=initiative,
        date=date or timezone.localdate(),
        progress=progress,
        status=status,
        text=text,
        text_en=text_en,
        author=by,
    )
    roll_up(initiative)
    log.record(
        initiative, by=by, action=AuditEntry.Action.UPDATE, before=before, message="progress"
    )
    return update


@transaction.atomic
def save_initiative(initiative, *, by, m2m=None):
    """Create or update an initiative from a validated form instance.

    `m2m` maps many-to-many field names to their new values.
    """
    creating = initiative.pk is None
    before = {} if creating else log.snapshot(Initiative.objects.get(pk=initiative.pk))
    old_parent_id = None if creating else before.get("parent")
    if (
        initiative.parent_id
        and not creating
        and (initiative.parent_id == initiative.pk or initiative in initiative.parent.ancestors())
    ):
        raise PlanError(_("An initiative cannot be part of itself."))
    initiative.save()
    for name, values in (m2m or {}).items():
        getattr(initiative, name).set(values)
    if initiative.has_children():
        initiative.progress = initiative.rolled_up_progress()
        Initiative.objects.filter(pk=initiative.pk).update(progress=initiative.progress)
    roll_up(initiative)
    if old_parent_id and old_parent_id != initiative.parent_id:
        old_parent = Initiative.objects.get(pk=old_parent_id)
        old_parent.progress = old_parent.rolled_up_progress()
        Initiative.objects.filter(pk=old_parent.pk).update(progress=old_parent.progress)
        roll_up(old_parent)
    log.record(
        initiative,
        by=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        before=before,
    )
    return initiative


@transaction.atomic
def save_plan_object(obj, *, by):
    """Create or update a plan or a focus area."""
    creating = obj.pk is None
    before = {} if creating else log.snapshot(type(obj).objects.get(pk=obj.pk))
    obj.save()
    log.record(
        obj,
        by=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE,
        before=before,
    )
    return obj


ALLOWED_TRANSITIONS = {
    CooperationPlan.Status.DRAFT: {CooperationPlan.Status.APPROVED},
    CooperationPlan.Status.APPROVED: {
        CooperationPlan.Status.DRAFT,
        CooperationPlan.Status.PUBLISHED,
    },
    CooperationPlan.Status.PUBLISHED: {CooperationPlan.Status.APPROVED},
}


@transaction.atomic
def change_plan_status(plan, *, by, status):
    """Draft → approved (by the kredsråd) → published; one step back is allowed."""
    plan = CooperationPlan.objects.select_for_update().get(pk=plan.pk)
    if status not in ALLOWED_TRANSITIONS[plan.status]:
        raise PlanError(
            _("A plan that is %(current)s cannot become %(new)s.")
            % {
                "current": plan.get_status_display().lower(),
                "new": CooperationPlan.Status(status).label.lower(),
            }
        )
    before = log.snapshot(plan)
    plan.status = status
    now = timezone.now()
    if status == CooperationPlan.Status.APPROVED and plan.approved_at is None:
        plan.approved_at = now
    if status == CooperationPlan.Status.PUBLISHED:
        plan.published_at = now
    plan.save(update_fields=["status", "approved_at", "published_at"])
    log.record(plan, by=by, action=AuditEntry.Action.UPDATE, before=before, message="status")
    return plan


@transaction.atomic
def start_next_year(plan, *, by):
    """A draft plan for the following year with the same focus areas and the initiatives
    that continue, their tree kept, their progress and timeline starting afresh."""
    year = plan.year + 1
    if CooperationPlan.objects.filter(district=plan.district, year=year).exists():
        raise PlanError(_("There is already a plan for %(year)s.") % {"year": year})
    new_plan = CooperationPlan.objects.create(
        district=plan.district,
        year=year,
        title=plan.title,
        title_en=plan.title_en,
        foreword=plan.foreword,
        foreword_en=plan.foreword_en,
    )
    areas = {}
    for area in plan.focus_areas.all():
        areas[area.pk] = FocusArea.objects.create(
            plan=new_plan,
            order=area.order,
            slug=area.slug,
            title=area.title,
            title_en=area.title_en,
            description=area.description,
            description_en=area.description_en,
        )
    copies = {}
    continuing = plan.initiatives.filter(continues_next_year=True).prefetch_related(
        "responsible_organisations", "municipalities", "councils"
    )
    # Parents before children, so every copy can point at its parent's copy.
    pending = sorted(continuing, key=lambda i: len(i.ancestors()))
    for old in pending:
        if old.parent_id and old.parent_id not in copies:
            continue  # its parent does not continue, so neither does the branch
        new = Initiative.objects.create(
            plan=new_plan,
            focus_area=areas[old.focus_area_id],
            parent=copies.get(old.parent_id),
            external_id=old.external_id,
            order=old.order,
            title=old.title,
            title_en=old.title_en,
            description=old.description,
            description_en=old.description_en,
            weight=old.weight,
            status=Initiative.Status.PLANNED,
            continues_next_year=True,
        )
        new.responsible_organisations.set(old.responsible_organisations.all())
        new.municipalities.set(old.municipalities.all())
        new.councils.set(old.councils.all())
        copies[old.pk] = new
    log.record(new_plan, by=by, action=AuditEntry.Action.CREATE, message=f"copied from {plan.year}")
    return new_plan
