from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tryghed.audit.admin import ReadOnlyAdmin
from tryghed.statistics.models import StatTable, StatValue


class StatisticsAdmin(ReadOnlyAdmin):
    """Official figures change only through import_statistics, so that a corrected number
    comes from Danmarks Statistik's file and not from a hand edit; here they are only read."""


@admin.register(StatTable)
class StatTableAdmin(StatisticsAdmin):
    fields = ["code", "title", "title_en", "source_url", "unit", "imported_at", "source_checksum"]
    list_display = ["code", "title", "imported_at"]


@admin.register(StatValue)
class StatValueAdmin(StatisticsAdmin):
    fields = ["table", "municipality", "series", "year", "quarter", "value", "population"]
    list_display = ["municipality", "series", "period", "value", "population"]
    list_filter = ["table", "series", "year", "quarter"]
    list_select_related = ["table", "municipality", "series"]
    search_fields = ["municipality__code", "municipality__name"]
    show_full_result_count = False

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, value):
        return value.period
