from django.contrib import admin

from tryghed.indicators.models import Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "focus_area", "initiative", "target_percent", "direction"]
    list_filter = ["kind", "direction"]
    raw_id_fields = ["focus_area", "initiative", "municipality", "series"]
