from django.contrib import admin

from tryghed.audit.admin import AuditedAdmin
from tryghed.indicators.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["title", "kind", "focus_area", "initiative", "target_percent", "direction"]
    list_filter = ["kind", "direction"]
    raw_id_fields = ["focus_area", "initiative", "municipality", "series"]
