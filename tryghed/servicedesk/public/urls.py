from django.urls import path

from tryghed.servicedesk.models import Kind
from tryghed.servicedesk.public import views

app_name = "servicedesk"

urlpatterns = [
    path("tip/", views.submit, {"kind": Kind.TIP}, name="tip"),
    path("anmeld-gener/", views.submit, {"kind": Kind.NUISANCE}, name="nuisance"),
    path(
        "bestil-en-betjent/",
        views.submit,
        {"kind": Kind.OFFICER_REQUEST},
        name="officer_request",
    ),
    path("status/<str:reference>/<str:token>/", views.status, name="status"),
    path("kort/kommuner.geojson", views.municipalities_geojson, name="municipalities_geojson"),
]
