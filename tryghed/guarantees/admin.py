from django.contrib import admin

from tryghed.audit.admin import AuditedInlinesAdmin, ReadOnlyAdmin
from tryghed.guarantees.models import (
    Deadline,
    Guarantee,
    GuaranteeVersion,
    Notification,
    SafetyFollowUp,
)


class VersionInline(admin.StackedInline):
    """Versions are added, never changed: a stored version is what decided its cases."""

    model = GuaranteeVersion
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Guarantee)
class GuaranteeAdmin(AuditedInlinesAdmin):
    list_display = ["code", "name", "is_follow_up", "order"]
    inlines = [VersionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    list_display = ["guarantee", "case_label", "municipality", "started_at", "due_at", "outcome"]
    list_filter = ["guarantee", "outcome", "district"]
    list_select_related = ["guarantee", "service_request", "incident__source", "municipality"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "deadline", "emailed_to"]
    list_filter = ["kind", "district"]


@admin.register(SafetyFollowUp)
class SafetyFollowUpAdmin(ReadOnlyAdmin):
    list_display = ["incident", "municipality", "officer", "status", "contacted_at"]
    list_filter = ["status", "district"]
