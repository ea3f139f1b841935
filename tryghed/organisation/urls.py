from django.urls import path

from tryghed.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.council_list, name="list"),
    path("<int:pk>/", views.council_detail, name="council"),
    path("<int:pk>/medlemmer/ny/", views.add_member, name="add_member"),
    path("medlemskaber/<int:pk>/afslut/", views.end_membership, name="end_membership"),
]
