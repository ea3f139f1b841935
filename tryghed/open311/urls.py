"""Open311 GeoReport v2, mounted at /open311/v2/."""

import os

from django.urls import path, re_path

from tryghed.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,200}?)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<reference>[^/]{1,200}?)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9_-]{1,100})" + FMT, views.token_detail, name="token"),
]

if os.environ.get("TRYGHED_BENCH") == "1":
    # The baseline of bench/intake.py; never mounted in a normal run.
    from tryghed.open311 import bench_views

    urlpatterns.append(path("bench/insert", bench_views.insert, name="bench_insert"))

urlpatterns.append(re_path(r"^(?P<path>.*)$", views.not_found))
