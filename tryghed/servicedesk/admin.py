from django.contrib import admin

from tryghed.audit.admin import AuditedAdmin, AuditedInlinesAdmin, ReadOnlyAdmin
from tryghed.servicedesk.models import (
    ApiClient,
    Handling,
    Message,
    Queue,
    ReplyTemplate,
    Service,
    ServiceAttribute,
    ServiceRequest,
)


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = ["order", "code", "datatype", "required", "description", "description_en", "values"]


@admin.register(Service)
class ServiceAdmin(AuditedInlinesAdmin):
    list_display = ["code", "name", "kind", "to_police", "to_municipality", "active", "order"]
    list_filter = ["kind", "active", "to_police", "to_municipality"]
    search_fields = ["code", "name", "name_en", "keywords", "incident_category"]
    inlines = [ServiceAttributeInline]


@admin.register(Queue)
class QueueAdmin(AuditedAdmin):
    list_display = ["name", "owner", "municipality", "email"]
    list_filter = ["owner", "municipality__district"]
    search_fields = ["name", "municipality__name", "email"]
    list_select_related = ["municipality"]
    raw_id_fields = ["municipality"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("municipality__boundary")

    def get_readonly_fields(self, request, obj=None):
        # Requests are routed to a queue by its owner and municipality; changing them would
        # move every request in it.
        return ["owner", "municipality"] if obj is not None else []


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(AuditedAdmin):
    list_display = ["title", "district"]
    list_filter = ["district"]
    search_fields = ["title", "body", "body_en"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HandlingInline(ReadOnlyInline):
    model = Handling
    fields = ["queue", "status", "priority", "assignee", "outcome", "updated_at", "closed_at"]
    readonly_fields = fields


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ["created_at", "kind", "author", "queue", "body"]
    readonly_fields = fields


@admin.register(ServiceRequest)
class ServiceRequestAdmin(AuditedAdmin):
    """Requests are worked in the service desk, whose actions keep the queues, the citizen's
    status and the audit log in step; here they are read, and deleted when they must be
    erased."""

    list_display = ["reference", "service", "municipality", "submitted_at", "channel", "is_spam"]
    list_filter = ["service__kind", "channel", "is_spam", "district"]
    search_fields = ["reference", "description", "place"]
    list_select_related = ["service", "municipality"]
    date_hierarchy = "submitted_at"
    inlines = [HandlingInline, MessageInline]
    # Hashes that mean nothing to a reader: the status link's, and the one that recognises a
    # request sent again.
    exclude = ["token_hash", "fingerprint"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("municipality__boundary")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ServiceRequest._meta.concrete_fields if f.name not in self.exclude]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(ReadOnlyAdmin):
    """Keys are issued in the back office or with `manage.py create_api_key`, which show the
    key once; the admin only lists the clients."""

    list_display = ["name", "key_prefix", "active", "created_at", "created_by", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name", "key_prefix"]
    readonly_fields = ["name", "key_prefix", "active", "created_at", "created_by", "last_used_at"]
