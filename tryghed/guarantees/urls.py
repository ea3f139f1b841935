from django.urls import path

from tryghed.guarantees import views

app_name = "guarantees"

urlpatterns = [
    path("", views.deadline_list, name="deadlines"),
    path("haendelse/<int:pk>/", views.incident_case, name="incident"),
    path("frist/<int:pk>/stop/", views.record_stop, name="stop"),
    path("frist/<int:pk>/pause/", views.pause, name="pause"),
    path("frist/<int:pk>/genoptag/", views.resume, name="resume"),
    path("opfoelgninger/", views.follow_up_list, name="follow_ups"),
    path("opfoelgning/<int:pk>/", views.record_follow_up, name="follow_up"),
    path("notifikationer/", views.notification_list, name="notifications"),
    path("overholdelse/", views.compliance_page, name="compliance"),
    path("overholdelse/csv/", views.compliance_csv, name="compliance_csv"),
    path("overholdelse/pdf/", views.compliance_pdf, name="compliance_pdf"),
]
