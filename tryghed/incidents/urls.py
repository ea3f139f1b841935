from django.urls import path

from tryghed.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.import_list, name="imports"),
    path("import/", views.import_upload, name="upload"),
    path("import/<int:pk>/", views.import_detail, name="import"),
    path("import/<int:pk>/status/", views.import_status, name="import_status"),
]
