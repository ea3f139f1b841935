from django.urls import path

from tryghed.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("raad/<int:pk>/", views.council_meetings, name="council"),
    path("raad/<int:pk>/ny/", views.meeting_add, name="add"),
    path("raad/<int:pk>/kalender/", views.council_feed, name="council_feed"),
    path(
        "raad/<int:pk>/personer/<int:person_pk>/kalender/",
        views.person_feed,
        name="person_feed",
    ),
    path("raad/<int:pk>/status-<int:year>.pdf", views.annual_report, name="annual_report"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/rediger/", views.meeting_edit, name="edit"),
    path("<int:pk>/aflys/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/deltagere/ny/", views.invite, name="invite"),
    path("<int:pk>/fremmoede/", views.attendance, name="attendance"),
    path("<int:pk>/papirer/ny/", views.document_add, name="document_add"),
    path("<int:pk>/dagsorden/ny/", views.item_add, name="item_add"),
    path("<int:pk>/godkend/", views.approve, name="approve"),
    path("<int:pk>/moedepakke.pdf", views.pack_pdf, name="pack"),
    path("<int:pk>/moede.ics", views.meeting_ics, name="ics"),
    path("papirer/<int:pk>/", views.document_download, name="document"),
    path("papirer/<int:pk>/slet/", views.document_delete, name="document_delete"),
    path("punkter/<int:pk>/", views.item_edit, name="item_edit"),
    path("punkter/<int:pk>/slet/", views.item_delete, name="item_delete"),
    path("punkter/<int:pk>/referat/", views.minutes, name="minutes"),
    path("punkter/<int:pk>/beslutning/", views.decision_add, name="decision_add"),
    path("handlinger/<int:pk>/udfoert/", views.follow_up_done, name="follow_up_done"),
    path("kalender/", views.my_calendar, name="my_calendar"),
    path("kalender/<str:secret>.ics", views.feed, name="feed"),
]
