from django.urls import path, register_converter

from tryghed.servicedesk.staff import views

app_name = "servicedesk_staff"


class ReferenceConverter:
    """A request's reference, e.g. TIP-2026-000123."""

    regex = r"[A-Z]+-[0-9]{4}-[0-9]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ReferenceConverter, "reference")

urlpatterns = [
    path("", views.queue_list, name="queues"),
    path("koe/<int:pk>/", views.queue_detail, name="queue"),
    path("koe/<int:pk>/csv/", views.queue_csv, name="queue_csv"),
    path("<reference:reference>/", views.request_detail, name="request"),
    path("<reference:reference>/foto/<int:pk>/", views.photo, name="photo"),
    path(
        "<reference:reference>/behandling/<int:pk>/<slug:action>/",
        views.handling_action,
        name="action",
    ),
]
