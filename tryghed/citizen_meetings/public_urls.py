from django.urls import path, register_converter

from tryghed.citizen_meetings import public_views as views

app_name = "citizen_meetings"


class MunicipalityCodeConverter:
    """An official four-digit municipality code, e.g. 0265."""

    regex = r"[0-9]{4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MunicipalityCodeConverter, "kommunekode")

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("<kommunekode:code>.ics", views.municipality_ics, name="feed"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path("afmeld/<int:pk>/<str:token>/", views.cancel, name="cancel"),
]
