from django.urls import path

from tryghed.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("samarbejdsplan/<int:year>/", views.plan, name="plan"),
    path("samarbejdsplan/<int:year>.pdf", views.plan_pdf, name="plan_pdf"),
    path("tilgaengelighed/", views.accessibility, name="accessibility"),
]
