from django.urls import path

from tryghed.indicators import views as indicator_views
from tryghed.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="plan"),
    path("<int:pk>/rediger/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/status/", views.plan_status, name="plan_status"),
    path("<int:pk>/naeste-aar/", views.next_year, name="next_year"),
    path("<int:pk>/eksport.csv", views.export_csv, name="export"),
    path("<int:pk>/import/", views.import_csv, name="import"),
    path("<int:pk>/indsatsomraader/ny/", views.focus_area_form, name="focus_area_add"),
    path(
        "<int:pk>/indsatsomraader/<int:area_pk>/",
        views.focus_area_form,
        name="focus_area_edit",
    ),
    path("<int:pk>/indsatser/ny/", views.initiative_add, name="initiative_add"),
    path("indsatser/<int:pk>/", views.initiative_detail, name="initiative"),
    path("indsatser/<int:pk>/rediger/", views.initiative_edit, name="initiative_edit"),
    path("indsatser/<int:pk>/fremdrift/", views.record_progress, name="record_progress"),
    path("indsatser/<int:pk>/milepaele/", views.milestone_add, name="milestone_add"),
    path(
        "indsatser/<int:pk>/milepaele/<int:milestone_pk>/naaet/",
        views.milestone_done,
        name="milestone_done",
    ),
    path("<int:pk>/indikatorer/ny/", indicator_views.indicator_add, name="indicator_add"),
    path("indikatorer/<int:pk>/", indicator_views.indicator_edit, name="indicator_edit"),
    path("indikatorer/<int:pk>/slet/", indicator_views.indicator_delete, name="indicator_delete"),
]
