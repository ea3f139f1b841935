from django.urls import path

from tryghed.citizen_meetings import staff_views as views

app_name = "citizen_meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("ny/", views.meeting_add, name="add"),
    path("fra-sag/<str:reference>/", views.meeting_from_request, name="from_request"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/rediger/", views.meeting_edit, name="edit"),
    path("<int:pk>/aflys/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/deltagere.csv", views.attendees_csv, name="csv"),
    path(
        "<int:pk>/tilmeldinger/<int:registration_pk>/afmeld/",
        views.registration_cancel,
        name="registration_cancel",
    ),
]
