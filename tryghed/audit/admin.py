from django.contrib import admin

from tryghed.audit import log
from tryghed.audit.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """Admin writes are staff writes too: each one leaves an audit entry."""

    def save_model(self, request, obj, form, change):
        before = log.snapshot(obj.__class__.objects.filter(pk=obj.pk).first()) if change else {}
        super().save_model(request, obj, form, change)
        request._audit_pending = (obj, before, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj, before, change = request._audit_pending
        log.record(
            obj,
            by=request.user,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            before=before,
            message="admin",
        )

    def delete_model(self, request, obj):
        before = log.snapshot(obj)
        log.record(
            obj, by=request.user, action=AuditEntry.Action.DELETE, before=before, message="admin"
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type", "district"]
    search_fields = ["actor_name", "object_repr", "message"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
