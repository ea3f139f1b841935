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


class AuditedInlinesAdmin(AuditedAdmin):
    """AuditedAdmin, plus one entry for each inline row that is added, changed or deleted:
    a role or a council seat given in the admin is as much a change as one made in the app."""

    def save_formset(self, request, form, formset, change):
        before = {}
        for inline_form in formset.initial_forms:
            pk = inline_form.instance.pk
            if pk is None:
                continue
            # The form has already written its new values onto its instance; the stored row
            # is the "before".
            stored = type(inline_form.instance).objects.filter(pk=pk).first()
            if formset.can_delete and formset._should_delete_form(inline_form):
                if stored is not None:
                    log.record(
                        stored,
                        by=request.user,
                        action=AuditEntry.Action.DELETE,
                        before=log.snapshot(stored),
                        message="admin",
                    )
            elif inline_form.has_changed():
                before[pk] = log.snapshot(stored)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            log.record(obj, by=request.user, action=AuditEntry.Action.CREATE, message="admin")
        for obj, _fields in formset.changed_objects:
            log.record(
                obj,
                by=request.user,
                action=AuditEntry.Action.UPDATE,
                before=before.get(obj.pk, {}),
                message="admin",
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are written elsewhere (a loader, a command, the app itself) and only
    read in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type", "district"]
    search_fields = ["actor_name", "object_repr", "message"]
