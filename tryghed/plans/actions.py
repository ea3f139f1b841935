"""Writes to plans. Each takes the acting user and leaves an audit entry."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.plans.models import (
    CooperationPlan,
    FocusArea,
    Initiative,
    Milestone,
    ProgressUpdate,
)


class PlanError(ValueError):
    """A write that the plan's rules do not allow; the message is shown to the user."""


def _lock_trees(*initiatives):
    """Lock the roots of the trees that a write touches, lowest id first.

    A parent's progress is computed from its children's rows; two officers recording progress
    on sibling initiatives at the same time would otherwise each compute the parent from a
    snapshot without the other's update (PostgreSQL, read committed). Every write to a tree
    takes its root's lock first, in one order, so such writes queue instead of racing or
    deadlocking.
    """
    roots = set()
    for initiative in initiatives:
        if initiative is None or initiative.pk is None:
            continue
        chain = initiative.ancestors()
        roots.add(chain[-1].pk if chain else initiative.pk)
    if roots:
        list(Initiative.objects.select_for_update().filter(pk__in=roots).order_by("pk"))


def roll_up(initiative):
    """Recompute the derived progress of every ancestor of `initiative`, nearest first."""
    for ancestor in initiative.ancestors():
        value = ancestor.rolled_up_progress()
        if ancestor.progress != value:
            Initiative.objects.filter(pk=ancestor.pk).update(progress=value)
            ancestor.progress = value


def _set_progress(initiative, *, by, progress, status, text="", text_en="", date=None):
    if initiative.has_children():
        raise PlanError(_("The progress of an initiative with parts is computed from its parts."))
    date = date or timezone.localdate()
    latest = initiative.updates.first()
    update = ProgressUpdate.objects.create(
        initiative=initiative,
        date=date,
        progress=progress,
        status=status,
        text=text,
        text_en=text_en,
        author=by,
    )
    # An entry dated before the latest one fills in the timeline; the initiative stands
    # where its latest entry puts it.
    if latest is None or date >= latest.date:
        initiative.progress = progress
        initiative.status = status
        initiative.save(update_fields=["progress", "status"])
        roll_up(initiative)
    return update


@transaction.atomic
def record_progress(initiative, *, by, progress, status, text="", text_en="", date=None):
    """Add a dated timeline entry and move the initiative (and its ancestors) with it."""
    _lock_trees(initiative)
    before = log.snapshot(initiative)
    update = _set_progress(
        initiative,
        by=by,
        progress=progress,
        status=status,
        text=text,
        text_en=text_en,
        date=date,
    )
    log.record(
        initiative, by=by, action=AuditEntry.Action.UPDATE, before=before, message="progress"
    )
    return update


def _descendant_ids(initiative):
    rows = list(
        Initiative.objects.filter(plan_id=initiative.plan_id).values_list("pk", "parent_id")
    )
    children = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    found, stack = [], list(children.get(initiative.pk, []))
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


def _save_initiative(initiative, *, before, m2m=None):
    creating = initiative.pk is None
    old_parent_id = None if creating else before.get("parent")
    if initiative.parent_id:
        parent = initiative.parent
        if parent.plan_id != initiative.plan_id:
            raise PlanError(_("An initiative can only be part of an initiative in the same plan."))
        if not creating and (parent.pk == initiative.pk or initiative in parent.ancestors()):
            raise PlanError(_("An initiative cannot be part of itself."))
    if initiative.focus_area.plan_id != initiative.plan_id:
        raise PlanError(_("The focus area belongs to another plan."))
    start, end = initiative.start_date, initiative.end_date
    if start and end and end < start:
        raise PlanError(_("The end date is before the start date."))
    initiative.save()
    for name, values in (m2m or {}).items():
        getattr(initiative, name).set(values)
    if not creating and before.get("focus_area") != initiative.focus_area_id:
        # A tree is shown under one focus area, so its parts move with it.
        Initiative.objects.filter(pk__in=_descendant_ids(initiative)).update(
            focus_area=initiative.focus_area
        )
    if initiative.has_children():
        initiative.progress = initiative.rolled_up_progress()
        Initiative.objects.filter(pk=initiative.pk).update(progress=initiative.progress)
    roll_up(initiative)
    if old_parent_id and old_parent_id != initiative.parent_id:
        old_parent = Initiative.objects.get(pk=old_parent_id)
        old_parent.progress = old_parent.rolled_up_progress()
        Initiative.objects.filter(pk=old_parent.pk).update(progress=old_parent.progress)
        roll_up(old_parent)


@transaction.atomic
def save_initiative(initiative, *, by, m2m=None):
    """Create or update an initiative from a validated form instance.

    `m2m` maps many-to-many field names to their new values.
    """
    creating = initiative.pk is None
    stored = None if creating else Initiative.objects.get(pk=initiative.pk)
    _lock_trees(initiative.parent if initiative.parent_id else None, stored)
    before = log.snapshot(stored)
    _save_initiative(initiative, before=before, m2m=m2m)
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
    if status not in CooperationPlan.Status.values:
        raise PlanError(_("Unknown plan status."))
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


def _with_year(title, old, new):
    return re.sub(rf"(?<!\d){old}(?!\d)", str(new), title)


@transaction.atomic
def start_next_year(plan, *, by):
    """A draft plan for the following year with the same focus areas and the initiatives
    that continue, their tree kept, their progress and timeline starting afresh."""
    year = plan.year + 1
    if CooperationPlan.objects.filter(district=plan.district, year=year).exists():
        raise PlanError(_("There is already a plan for %(year)s.") % {"year": year})
    new_plan = CooperationPlan(
        district=plan.district,
        year=year,
        # "Samarbejdsplan 2023" continues as "Samarbejdsplan 2024", not as last year's.
        title=_with_year(plan.title, plan.year, year),
        title_en=_with_year(plan.title_en, plan.year, year),
        foreword=plan.foreword,
        foreword_en=plan.foreword_en,
    )
    try:
        new_plan.full_clean()
    except ValidationError as error:
        raise PlanError(" ".join(error.messages)) from None
    new_plan.save()
    copied = f"copied from {plan.year}"
    log.record(new_plan, by=by, action=AuditEntry.Action.CREATE, message=copied)
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
        log.record(areas[area.pk], by=by, action=AuditEntry.Action.CREATE, message=copied)
    copies = {}
    continuing = list(
        plan.initiatives.filter(continues_next_year=True).prefetch_related(
            "responsible_organisations", "municipalities", "councils"
        )
    )
    parent_of = dict(plan.initiatives.values_list("pk", "parent_id"))

    def depth(initiative):
        level, parent_id = 0, initiative.parent_id
        while parent_id is not None:
            level, parent_id = level + 1, parent_of.get(parent_id)
        return level

    # Parents before children, so every copy can point at its parent's copy.
    for old in sorted(continuing, key=lambda i: (depth(i), i.pk)):
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
        log.record(new, by=by, action=AuditEntry.Action.CREATE, message=copied)
    return new_plan


@transaction.atomic
def add_milestone(initiative, *, by, title, title_en="", due_date=None):
    milestone = Milestone.objects.create(
        initiative=initiative, title=title, title_en=title_en, due_date=due_date
    )
    log.record(milestone, by=by, action=AuditEntry.Action.CREATE)
    return milestone


@transaction.atomic
def complete_milestone(milestone, *, by, on=None):
    """Mark a milestone as reached; marking it again changes nothing."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.completed_on is not None:
        return milestone
    before = log.snapshot(milestone)
    milestone.completed_on = on or timezone.localdate()
    milestone.save(update_fields=["completed_on"])
    log.record(milestone, by=by, action=AuditEntry.Action.UPDATE, before=before)
    return milestone


@transaction.atomic
def import_initiatives(plan, changes, *, by, source=""):
    """Apply validated CSV rows: one audit entry per changed initiative.

    `changes` is a list of (initiative, fields, progress) where `fields` maps plain field
    names to new values and `progress` is None or a (progress, status) pair for a leaf, which
    goes onto the timeline as any recorded progress does.
    """
    _lock_trees(*plan.initiatives.filter(parent__isnull=True))
    message = f"CSV import {source}".strip()
    for initiative, fields, progress in changes:
        # Earlier rows may have rolled a new value into this row's initiative.
        initiative.refresh_from_db()
        before = log.snapshot(initiative)
        if fields:
            for name, value in fields.items():
                setattr(initiative, name, value)
            _save_initiative(initiative, before=before)
        if progress is not None:
            value, status = progress
            _set_progress(initiative, by=by, progress=value, status=status)
        log.record(
            initiative, by=by, action=AuditEntry.Action.IMPORT, before=before, message=message
        )
    return len(changes)
