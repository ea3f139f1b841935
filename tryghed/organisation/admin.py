from django.contrib import admin

from tryghed.audit.admin import AuditedAdmin, AuditedInlinesAdmin, ReadOnlyAdmin
from tryghed.organisation.models import (
    Council,
    CouncilMembership,
    Municipality,
    Organisation,
    Person,
    PoliceDistrict,
)


class ReferenceDataAdmin(ReadOnlyAdmin):
    """Districts and municipalities come from DAGI through the loader; here they are only read.
    The boundaries are left out: megabytes of GeoJSON help no one in a form."""


@admin.register(PoliceDistrict)
class PoliceDistrictAdmin(ReferenceDataAdmin):
    fields = ["number", "name", "slug"]
    list_display = ["number", "name"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(ReferenceDataAdmin):
    fields = ["code", "name", "district", "region_code", "region_name"]
    list_display = ["code", "name", "district", "region_name"]
    list_filter = ["district"]
    list_select_related = ["district"]
    search_fields = ["code", "name"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    fields = ["kind", "name", "district", "municipality"]
    list_display = ["name", "kind", "district", "municipality"]
    list_filter = ["kind", "district"]
    list_select_related = ["district", "municipality"]
    search_fields = ["name"]
    autocomplete_fields = ["municipality"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    fields = ["name", "title", "email", "user"]
    list_display = ["name", "title", "email", "user"]
    list_select_related = ["user"]
    search_fields = ["name", "title", "email"]
    autocomplete_fields = ["user"]


class CouncilMembershipInline(admin.TabularInline):
    model = CouncilMembership
    extra = 0
    fields = ["person", "organisation", "position", "start_date", "end_date"]
    autocomplete_fields = ["person", "organisation"]


@admin.register(Council)
class CouncilAdmin(AuditedInlinesAdmin):
    fields = ["kind", "name", "slug", "district", "municipality", "description"]
    list_display = ["name", "kind", "district", "municipality"]
    list_filter = ["kind", "district"]
    list_select_related = ["district", "municipality"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["municipality"]
    inlines = [CouncilMembershipInline]


@admin.register(CouncilMembership)
class CouncilMembershipAdmin(AuditedAdmin):
    fields = ["council", "person", "organisation", "position", "start_date", "end_date"]
    list_display = ["person", "council", "organisation", "position", "start_date", "end_date"]
    list_filter = ["position", "council__district", "council__kind"]
    list_select_related = ["person", "council", "organisation"]
    search_fields = ["person__name", "council__name"]
    autocomplete_fields = ["council", "person", "organisation"]
