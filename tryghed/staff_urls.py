"""The staff back office, under /medarbejder/."""

from django.urls import include, path

from tryghed.accounts import views as account_views

app_name = "staff"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("planer/", include("tryghed.plans.urls")),
    path("organisation/", include("tryghed.organisation.urls")),
    path("log/", include("tryghed.audit.urls")),
    path("api-noegler/", include("tryghed.open311.staff_urls")),
    path("sager/", include("tryghed.servicedesk.staff.urls")),
    path("haendelser/", include("tryghed.incidents.urls")),
    path("tal/", include("tryghed.dashboard.urls")),
    path("garantier/", include("tryghed.guarantees.urls")),
    path("borgermoeder/", include("tryghed.citizen_meetings.staff_urls")),
    path("moeder/", include("tryghed.meetings.urls")),
]
