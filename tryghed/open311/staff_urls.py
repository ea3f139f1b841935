"""The API keys page of the back office, under /medarbejder/api-noegler/."""

from django.urls import path

from tryghed.open311 import staff_views

app_name = "api_keys"

urlpatterns = [
    path("", staff_views.client_list, name="list"),
    path("<int:pk>/deaktiver/", staff_views.deactivate, name="deactivate"),
]
