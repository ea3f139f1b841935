from django.contrib import admin

from tryghed.audit.admin import ReadOnlyAdmin
from tryghed.incidents.models import Incident, IncidentSource


@admin.register(IncidentSource)
class IncidentSourceAdmin(ReadOnlyAdmin):
    list_display = ["name", "district", "created_at"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "category", "title", "municipality", "source", "external_id"]
    list_filter = ["category", "source", "municipality"]
    search_fields = ["external_id", "title", "place"]
    date_hierarchy = "occurred_at"
    list_select_related = ["municipality", "source"]
