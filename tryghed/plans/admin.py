from django.contrib import admin

from tryghed.audit.admin import AuditedAdmin
from tryghed.plans.models import CooperationPlan, FocusArea, Initiative, Milestone, ProgressUpdate


@admin.register(CooperationPlan)
class CooperationPlanAdmin(AuditedAdmin):
    list_display = ["title", "year", "district", "status"]
    list_filter = ["status", "district"]
    search_fields = ["title", "title_en"]
    # The workflow's dates are set by the status change on the plan page.
    readonly_fields = ["approved_at", "published_at"]


@admin.register(FocusArea)
class FocusAreaAdmin(AuditedAdmin):
    list_display = ["title", "plan", "order"]
    list_filter = ["plan__district", "plan__year"]
    search_fields = ["title", "title_en", "slug"]
    list_select_related = ["plan"]


@admin.register(Initiative)
class InitiativeAdmin(AuditedAdmin):
    list_display = ["external_id", "title", "plan", "status", "progress", "weight"]
    list_filter = ["status", "plan__district", "plan__year"]
    search_fields = ["external_id", "title", "title_en"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "focus_area", "parent"]
    filter_horizontal = ["responsible_organisations", "municipalities", "councils"]
    # Progress is recorded on the initiative's page, where the timeline and the parents'
    # roll-up follow; a bare edit here would leave them behind.
    readonly_fields = ["progress"]


@admin.register(Milestone)
class MilestoneAdmin(AuditedAdmin):
    list_display = ["title", "initiative", "due_date", "completed_on"]
    search_fields = ["title", "initiative__external_id"]
    raw_id_fields = ["initiative"]
    list_select_related = ["initiative"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(AuditedAdmin):
    list_display = ["initiative", "date", "progress", "status", "author"]
    search_fields = ["initiative__external_id", "text"]
    raw_id_fields = ["initiative", "author"]
    list_select_related = ["initiative", "author"]
    readonly_fields = ["progress", "status"]
