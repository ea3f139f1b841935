from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("tryghed.servicedesk.public.urls")),
    path("", include("tryghed.portal.urls")),
    path("borgermoeder/", include("tryghed.citizen_meetings.public_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("konto/", include("tryghed.accounts.urls")),
    path("medarbejder/", include("tryghed.staff_urls")),
    path("api/v1/", include("tryghed.api.urls")),
    path("open311/v2/", include("tryghed.open311.urls")),
    path("admin/", admin.site.urls),
]

# Under /api/v1/ a 404 is the API's JSON; elsewhere the site's HTML page.
handler404 = "tryghed.api.api.page_not_found"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
